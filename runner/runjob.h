#ifndef RUN_RUNJOB_H
#define RUN_RUNJOB_H

/*
 * One job of `virt-matrix run` (run.c): what it works with and what it
 * records, shared by the direct runner (run.c) and the libvirt one
 * (virtrun.c).
 */

#include <json-c/json.h>

#include "command.h"
#include "guest.h"
#include "installs.h"
#include "libvirtd.h"
#include "mapper.h"
#include "runs.h"
#include "scenario.h"
#include "strbuf.h"

#define LOG_MAX (1 << 20)

struct job {
	const struct install *qemu;
	const struct install *libvirt; /* NULL: a direct run */
	const struct libvirtd *daemon; /* libvirt: its running daemon */
	const char *scenario_path;
};

/* No verdict yet: the job is not recorded. */
#define RUN_STATUS_NONE RUN_STATUS_LAST

struct result {
	enum run_status status; /* RUN_STATUS_NONE until a verdict */
	struct strbuf reason;
	double seconds;
	const char *accel;
	struct strvec argv, notes;
	json_object *checks;
	int exited, exit_status, signal;
	struct strbuf stderr_text, serial, backend;
	char *domain_xml, *native; /* libvirt runs */
};

/* What one job works with, besides its result. */
struct run_ctx {
	const struct job *j;
	const struct scenario *s;
	const struct map_caps *caps;
	const char *kver, *kernel, *rundir;
	long timeout; /* --timeout */
	struct result *r;
};

/* The checks into r->checks as JSON. */
void checks_into(struct result *r, const struct guest_outcome *o);
/* Pass when all `want` checks were reported and passed; else fail, why. */
void judge(struct result *r, const struct guest_outcome *o, size_t want);
void exit_into(struct result *r, const struct command *c);
/* QEMU's own lines into r->stderr_text, the rest (console) into r->serial. */
void split_output(const char *out, struct result *r);
/* The vhost-user backend of a job: DPDK testpmd and the sockets it serves. */
struct backend {
	struct command cmd;
	struct strvec socks;
};
/*
 * testpmd with one vhost-user port per device of s, waited for until every
 * socket accepts; -1 with r->reason (then backend_stop still cleans up).
 */
int backend_start(struct backend *b, const struct scenario *s,
		  const struct map_env *env, struct result *r);
/*
 * Stops testpmd (its statistics into r->backend), notes per socket whether
 * QEMU connected and the guest's driver made the device ready, and removes
 * its files.
 */
void backend_stop(struct backend *b, struct result *r);

/* The guest's initramfs for s (cached by content); NULL after reporting. */
char *guest_initrd(const struct scenario *s, const char *kver);

/* An initramfs with these modules and /init, built once per content. */
char *cached_initrd(const char *kver, const struct strvec *mods,
		    const char *init);
/* The passthrough devices of s. */
size_t count_passthrough(const struct scenario *s);
/* Passthrough in the nested lab VM, directly or through libvirt (labrun.c). */
void run_lab(struct run_ctx *x);
void run_lab_libvirt(struct run_ctx *x);

/* The scenario through the libvirt daemon of x->j (virtrun.c). */
void run_libvirt(struct run_ctx *x);
/* A scenario that is the user's own domain XML, likewise (virtrun.c). */
void run_libvirt_xml(struct run_ctx *x);

#endif
