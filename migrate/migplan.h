#ifndef MIG_PLAN_H
#define MIG_PLAN_H

/*
 * Which migrations `virt-matrix migrate` runs: for every chosen QEMU
 * install A (in version order) and every versioned machine type of A
 * that a pattern allows and at least one other chosen install also has,
 * one job whose destinations are A itself (the control) and then every
 * other chosen install with that machine type, in version order. Both
 * directions come from the ordered pairs. The shard's slice is taken
 * from that stable list (shard.h). With a source or a destination named
 * (bisect's), only its jobs are planned, and a job whose only
 * destination is the control is kept: it is the answer for A to A.
 */

#include "migjob.h"
#include "shard.h"
#include "store.h"

struct mig_plan_qemu {
	struct mig_qemu q;
	char *version, *binary, *sha256; /* what q points to */
	struct strvec machines;		  /* its versioned machine types */
};

struct mig_plan {
	struct mig_plan_qemu *qemus;
	size_t nqemus;
	struct mig_job *jobs;
	size_t njobs;
	size_t total; /* jobs before the shard took its slice */
};

struct mig_plan_in {
	const struct strvec *want_qemus;   /* versions; empty: all */
	const struct strvec *machines;	   /* fnmatch patterns; empty: all */
	enum mig_mode mode;
	const struct shard *shard;
	const char *from;	/* only this install as the source, or NULL */
	const char *to;		/* only this install as a destination (and the control), or NULL */
};

/*
 * Builds the plan from the store's QEMU installs and their probe records.
 * A named install that does not exist, or has no complete probe record,
 * is an error that says what to do. 0, or -1 after reporting.
 */
int mig_plan_build(struct store *st, const struct mig_plan_in *in,
		   struct mig_plan *plan) VM_WUR;
void mig_plan_release(struct mig_plan *plan);

#endif
