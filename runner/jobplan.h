#ifndef RUN_JOBPLAN_H
#define RUN_JOBPLAN_H

/*
 * The plan of `virt-matrix run`, computed before anything runs and
 * without touching QEMU, a daemon or the store: which jobs (QEMU install
 * x libvirt or direct x scenario, in that order, the shard's slice of
 * them) and how many may run side by side in the memory there is.
 * Pure functions: the command gathers their inputs.
 */

#include "installs.h"
#include "job.h"
#include "scenario.h"
#include "shard.h"
#include "strbuf.h"

struct jobplan_in {
	const struct install *qemus;	/* every QEMU install, in the store's order */
	size_t nqemus;
	const struct install *libvirts; /* every libvirt install */
	size_t nlibvirts;
	const struct strvec *want_qemus;    /* --qemu names; none: all */
	const struct strvec *want_libvirts; /* --libvirt: names, "none" (the
					       direct runner), "all"; none: all */
	const struct strvec *scenarios;	    /* scenario paths */
	const struct shard *shard;
};

struct jobplan {
	struct job *jobs; /* point into the inputs' installs and scenarios */
	size_t njobs;
	/* The libvirt dimension, in job order: NULL is the direct runner. */
	const struct install **libvirts;
	size_t nlibvirts;
};

/*
 * The jobs of in into plan: every wanted QEMU (in install order), for
 * each the direct runner and the wanted libvirts, for each every
 * scenario; job idx of that list is in the plan when the shard has it
 * (shard.h: the same list always gives the same slices). Returns 0; -1
 * after reporting a --qemu or --libvirt name that names no install, or
 * a plan with no job. jobplan_release() frees it either way.
 */
int jobplan_build(const struct jobplan_in *in, struct jobplan *plan) VM_WUR;
void jobplan_release(struct jobplan *plan);

/*
 * What one job of s may take, MiB: guest RAM (512 by default) plus
 * QEMU's own 256 (TCG's translation cache included), testpmd's 512 for
 * vhost-user, and for the lab (passthrough of `lab`, SR-IOV VFs) its
 * own 512 on top of the guest's; 0 for a scenario the runner skips
 * (scenario_runnable).
 */
long jobplan_job_mib(const struct scenario *s);

/*
 * How many jobs of job_mib each may run side by side, at most want,
 * when avail_mib are available (4/5 of them used; avail_mib <= 0:
 * unknown, want). At least 1.
 */
long jobplan_parallel(long want, long job_mib, long avail_mib);

#endif
