/*
 * Shard selection (see shard.h): from --shard or from the variables CI
 * systems, batch schedulers and Kubernetes set for array jobs.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "shard.h"
#include "banned.h"

int shard_parse(const char *s, struct shard *sh)
{
	const char *slash = strchr(s, '/');
	char *a;
	int bad;

	/* Digits and one slash only (strtol would take spaces and signs). */
	if (!slash || strspn(s, "0123456789/") != strlen(s))
		return -1;
	a = xstrndup(s, (size_t)(slash - s));
	bad = parse_long(a, 1, SHARD_MAX, &sh->k) ||
	      parse_long(slash + 1, 1, SHARD_MAX, &sh->n) || sh->k > sh->n;
	free(a);
	sh->from = "--shard";
	return bad ? -1 : 0;
}

static int env_long(const char *name, long min, long *out)
{
	const char *v = getenv(name);

	if (parse_long(v, min, SHARD_MAX, out))
		return error("%s is '%s', not a number from %ld up", name, v, min);
	return 0;
}

int shard_from_env(struct shard *sh)
{
	sh->k = sh->n = 1;
	sh->from = NULL;
	if (getenv("CI_NODE_INDEX") && getenv("CI_NODE_TOTAL")) {
		/* GitLab: CI_NODE_INDEX runs 1..CI_NODE_TOTAL. */
		if (env_long("CI_NODE_INDEX", 1, &sh->k) ||
		    env_long("CI_NODE_TOTAL", 1, &sh->n))
			return -1;
		sh->from = "CI_NODE_INDEX/CI_NODE_TOTAL";
	} else if (getenv("SLURM_ARRAY_TASK_ID") && getenv("SLURM_ARRAY_TASK_COUNT")) {
		long id, min = 0;

		if (env_long("SLURM_ARRAY_TASK_ID", 0, &id) ||
		    env_long("SLURM_ARRAY_TASK_COUNT", 1, &sh->n) ||
		    (getenv("SLURM_ARRAY_TASK_MIN") &&
		     env_long("SLURM_ARRAY_TASK_MIN", 0, &min)))
			return -1;
		if (id < min)
			return error("SLURM_ARRAY_TASK_ID %ld is below "
				     "SLURM_ARRAY_TASK_MIN %ld", id, min);
		sh->k = id - min + 1;
		sh->from = "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT";
	} else if (getenv("JOB_COMPLETION_INDEX") && getenv("VIRT_MATRIX_SHARDS")) {
		/* Kubernetes: the index runs 0..completions-1; the count is ours. */
		long idx;

		if (env_long("JOB_COMPLETION_INDEX", 0, &idx) ||
		    env_long("VIRT_MATRIX_SHARDS", 1, &sh->n))
			return -1;
		sh->k = idx + 1;
		sh->from = "JOB_COMPLETION_INDEX/VIRT_MATRIX_SHARDS";
	}
	if (sh->k > sh->n)
		return error("shard %ld of %ld (from %s) does not exist", sh->k,
			     sh->n, sh->from);
	return 0;
}

int shard_has(const struct shard *sh, size_t idx)
{
	return (long)(idx % (size_t)sh->n) == sh->k - 1;
}
