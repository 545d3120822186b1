#ifndef RUN_LABRUN_H
#define RUN_LABRUN_H

/*
 * What the backends that run the QEMU under test inside the nested lab
 * VM share (labrun.c): which lab to boot (struct lab_setup: the e1000e
 * lab on Debian's QEMU, or the VF lab with igb ports, labvf.c), and the
 * two ways of running L2 in it, directly and through the libvirt under
 * test. Internal to runner/.
 */

#include "backend.h"
#include "scenario.h"

struct lab_setup {
	const char *qemu;	     /* L1's binary */
	const char *const *firmware; /* its "-L DIR" arguments, NULL-ended;
					NULL: qemu_firmware_args() */
	const char *what;	     /* the lab in the run's note: "QEMU,
					TCG, intel-iommu, its device bound" */
	int ports;		     /* igb ports (the VF lab); 0: the e1000e */
	const char *up;		     /* the console text that says the lab is
					up, its devices bound */
	const struct scenario *s;    /* what L2 is mapped from: x->s, or x->s
					adapted to the lab; checks are x->s's */
};

/*
 * Runs L2 in the lab of ls, directly (its argv and QMP questions in the
 * run directory, the answers read back) or through the libvirt of x's
 * job (its daemon in the lab defines and starts the domain); the
 * verdict, the logs and the argv go into x->r.
 */
void lab_run_direct(struct run_ctx *x, const struct lab_setup *ls);
void lab_run_libvirt(struct run_ctx *x, const struct lab_setup *ls);

/*
 * Writes name into the run directory (which the lab mounts); -1 with
 * the run's error when it cannot.
 */
int lab_put(struct run_ctx *x, const char *name, const char *text, size_t len) VM_WUR;

#endif
