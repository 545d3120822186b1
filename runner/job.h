#ifndef RUN_JOB_H
#define RUN_JOB_H

/*
 * The job engine of `virt-matrix run`: one job is one scenario on one
 * QEMU install, directly or through one libvirt install. job_run() loads
 * the scenario, finds the QEMU's probe record (never probing: the
 * command probed up front), decides what it can before anything runs
 * (resumed, unsupported, malformed), hands the job to the first backend
 * of its table that applies, and records the result in `runs`.
 *
 * A backend is one file and one row (backend.h, backends.c); what it
 * works with and the judging helpers are result.h's.
 */

#include "result.h"
#include "store.h"

/* How long a guest may take from start to power-off by default (TCG, 2 cores). */
#define JOB_TIMEOUT_DEFAULT 240

/* What every job of one command shares. */
struct job_env {
	const char *db;	    /* the store */
	long timeout;	    /* --timeout, seconds */
	long long sweep_id; /* sweeps.id the runs belong to; 0: none */
};

/*
 * Runs job j and records it (unless it was already recorded in the
 * sweep, or virt-matrix was interrupted). Returns 0 when it passed, was
 * skipped or unsupported, 1 when it failed or erred, -1 when it could
 * not be recorded (reported).
 */
int job_run(const struct job_env *env, const struct job *j) VM_WUR;

#endif
