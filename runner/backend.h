#ifndef RUN_BACKEND_H
#define RUN_BACKEND_H

/*
 * A backend of `virt-matrix run`: one file and one row of run_backends
 * (backends.c). It fills x->r (a verdict, a reason, the argv, the logs)
 * from what it ran, using the judging helpers of result.h; it never
 * records, and it calls nothing of the engine (job.c).
 */

#include "result.h"

struct run_backend {
	const char *name;
	/* Whether this backend runs the job of x (x->r untouched). */
	int (*applies)(const struct run_ctx *x);
	/* Runs it: a verdict and why into x->r (never recorded here). */
	void (*run)(struct run_ctx *x);
};

extern const struct run_backend run_backend_userxml;	   /* virtrun.c */
extern const struct run_backend run_backend_lab_vf_libvirt; /* labvf.c */
extern const struct run_backend run_backend_lab_vf;	   /* labvf.c */
extern const struct run_backend run_backend_lab_libvirt;   /* labrun.c */
extern const struct run_backend run_backend_hostdev_libvirt; /* hostdev.c */
extern const struct run_backend run_backend_libvirt;	   /* virtrun.c */
extern const struct run_backend run_backend_lab;	   /* labrun.c */
extern const struct run_backend run_backend_hostdev;	   /* hostdev.c */
extern const struct run_backend run_backend_direct;	   /* direct.c */

/* The rows in order: the first that applies runs the job. */
extern const struct run_backend *const run_backends[];
extern const size_t run_backends_nr;

#endif
