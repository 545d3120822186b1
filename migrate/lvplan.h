#ifndef MIG_LVPLAN_H
#define MIG_LVPLAN_H

/*
 * Which migrations `virt-matrix migrate --libvirt` runs, and in what
 * order. An end is a (libvirt install, QEMU install) combination; a job
 * takes the guest of one versioned machine type from one end to another.
 *
 *  1. Controls: a libvirt with a QEMU and machine type, to itself (two
 *     daemons of that libvirt). A control that passes says the
 *     combination runs and migrates the guest; one that libvirt refuses
 *     by rule is unsupported.
 *  2. QEMU pairs: for every ordered pair of chosen QEMUs (A, B) and
 *     machine type they share, A under the newest libvirt whose control
 *     with A passed, B likewise under its own: the upgrade a host makes
 *     when it takes a newer libvirt and QEMU together. The controls that
 *     choose an end's libvirt run newest first, an older one only when
 *     every newer one failed (lv_plan_due).
 *  3. libvirt pairs: for every QEMU, the newest machine type of each
 *     family that its QEMU pairs take (all of them with patterns), and
 *     every two chosen libvirts next to each other in version order,
 *     both ways: a libvirt upgrade (and its undoing) under one QEMU.
 *     Both controls run.
 *
 * The machine types are those the patterns allow that both QEMUs have;
 * without patterns, the newest pc-q35 that both have, as QEMU's own
 * migration CI does. A shard takes its slice of the pairs (2 and 3 in
 * their stable order) and runs the controls its slice needs. Nothing
 * here starts anything: the command (migrate.c) runs the jobs, the
 * functions here decide from the controls' results.
 */

#include "migplan.h"
#include "runs.h"

/* A pair before its ends' libvirts are known: QEMUs a, b; libvirts l1, l2. */
struct lv_pair {
	const char *machine;
	size_t a, b;	/* QEMU indexes in the QEMU plan; a == b: a libvirt pair */
	size_t l1, l2;	/* libvirt pairs: libvirt indexes; QEMU pairs: unused */
};

/* A control: libvirt l with QEMU q and machine, and its verdict once run. */
struct lv_control {
	const char *machine;
	size_t l, q;
	int side_only;		/* only to choose an end's libvirt */
	enum run_status status; /* RUN_STATUS_LAST until run */
};

struct lv_plan {
	struct lv_pair *pairs;	/* this shard's, in the stable order */
	size_t npairs, total;	/* total: pairs before the shard's slice */
	struct lv_control *controls; /* those the shard's pairs need */
	size_t ncontrols;
};

/*
 * The plan for the QEMUs of qp (in version order) and nlibvirts libvirts
 * (newest first), with machine patterns (empty: the newest pc-q35),
 * from/to restricting the QEMU pairs' source or destination (and the
 * libvirt pairs to that QEMU), and the shard.
 */
void lv_plan_build(const struct mig_plan *qp, size_t nlibvirts,
		   const struct strvec *patterns, const char *from, const char *to,
		   const struct shard *shard, struct lv_plan *out);
void lv_plan_release(struct lv_plan *p);

/* The control of (l, q, machine), or NULL when the plan has none. */
const struct lv_control *lv_plan_control(const struct lv_plan *p, size_t l, size_t q,
					 const char *machine);

/*
 * The controls to run now, their indexes into idx (room for
 * p->ncontrols): those not run yet that a libvirt pair needs, and those
 * that choose an end's libvirt whose newer libvirts' controls all ran
 * and none passed. How many; 0 when every control needed has run.
 */
size_t lv_plan_due(const struct lv_plan *p, size_t *idx);

/*
 * The libvirt an end with QEMU q and machine runs under in a QEMU pair:
 * the first (newest) libvirt whose control passed; -1 when none did.
 */
long lv_plan_side(const struct lv_plan *p, size_t nlibvirts, size_t q,
		  const char *machine);

#endif
