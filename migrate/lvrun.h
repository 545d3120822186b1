#ifndef MIG_LVRUN_H
#define MIG_LVRUN_H

/*
 * `virt-matrix migrate --libvirt`: the migrations through libvirt of
 * lvplan.h. Two daemons per chosen libvirt (one for sources, one for
 * destinations, each with a host UUID of its own) run for the whole
 * command; the controls run first, in rounds (lv_plan_due), then the
 * pairs, each job (lvmig.h) in a forked worker. A pair whose end has no
 * libvirt that runs it, or whose control did not pass, is recorded as a
 * skip (unsupported when libvirt refused the pair by rule) with the
 * reason, never run. Every row goes to the migrations table, mode
 * 'libvirt'.
 */

#include "migguest.h"
#include "migplan.h"

struct lv_run_in {
	const char *db;
	long long sweep;		/* 0: none */
	long timeout;			/* seconds for the guest to boot */
	long njobs;			/* jobs side by side */
	const struct mig_files *files;
	const struct mig_plan *qp;	/* the QEMUs and their machine types */
	const struct strvec *libvirts;	/* versions; empty: every libvirt install */
	const struct strvec *machines;	/* patterns; empty: lvplan.h's default */
	const char *from, *to;		/* QEMU versions, or NULL */
	const struct shard *shard;
};

/* Runs and records them: 0 when all passed, 1 when one failed, 130 on Ctrl-C. */
int lv_run(const struct lv_run_in *in);

#endif
