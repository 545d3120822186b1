#ifndef VM_SHARD_H
#define VM_SHARD_H

/*
 * Shards: the K-th of N slices of a job list (1-based), so that a CI
 * system or a batch scheduler can spread one sweep over N machines. The
 * same job list always gives the same slices: job number idx (0-based,
 * in the command's own stable order) belongs to shard (idx mod N) + 1.
 */

#include <stddef.h>

#include "util.h"

/* The most shards a sweep can be split into. */
#define SHARD_MAX 100000

struct shard {
	long k, n;		/* 1/1 when unsharded */
	const char *from;	/* where it came from: an option or a variable */
};

/* "K/N" with 1 <= K <= N into sh; -1 (silently) when malformed. */
int shard_parse(const char *s, struct shard *sh) VM_WUR;

/*
 * The default from the environment: GitLab CI's CI_NODE_INDEX and
 * CI_NODE_TOTAL (parallel:), else Slurm's SLURM_ARRAY_TASK_ID and
 * SLURM_ARRAY_TASK_COUNT (an array 0..N-1 or 1..N, as
 * SLURM_ARRAY_TASK_MIN says), else a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX (0..N-1) with VIRT_MATRIX_SHARDS, the count, which
 * Kubernetes does not give and `plan --format k8s` sets in the pod; 1/1
 * when no pair is set. -1 after reporting a variable that is set but
 * malformed, or a shard past the count.
 */
int shard_from_env(struct shard *sh) VM_WUR;

/* Whether job idx (0-based) falls in sh. */
int shard_has(const struct shard *sh, size_t idx);

#endif
