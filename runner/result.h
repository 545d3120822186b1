#ifndef RUN_RESULT_H
#define RUN_RESULT_H

/*
 * What a backend of `virt-matrix run` works with and fills: the job, its
 * context, its result, and the helpers that judge a run from what the
 * guest and QEMU said. A leaf: it calls nothing of the engine or of a
 * backend, so that backends (backend.h) and the engine (job.h) both
 * build on it without calling each other.
 */

#include <json-c/json.h>

#include "command.h"
#include "guest.h"
#include "installs.h"
#include "libvirtd.h"
#include "mapper.h"
#include "qemuproc.h"
#include "runs.h"
#include "scenario.h"
#include "strbuf.h"

/* The cap of every log a job keeps (console, QEMU's lines, backend). */
#define LOG_MAX (1 << 20)

struct job {
	const struct install *qemu;
	const struct install *libvirt; /* NULL: a direct run */
	const struct libvirtd *daemon; /* libvirt: its running daemon, or NULL */
	const char *scenario_path;     /* a DTS .cfg, or a user's domain .xml */
};

/* No verdict yet: a result without one is not recorded. */
#define RUN_STATUS_NONE RUN_STATUS_LAST

struct result {
	enum run_status status; /* RUN_STATUS_NONE until a backend decides */
	struct strbuf reason;
	double seconds;
	const char *accel;	/* "tcg" or "kvm" (static strings) */
	struct strvec argv, notes;
	json_object *checks;	/* array of {n, kind, pass, detail}, or NULL */
	int exited, exit_status, signal;
	struct strbuf stderr_text, serial, backend; /* capped at LOG_MAX */
	char *domain_xml, *native; /* libvirt runs */
};

/* An empty result: no verdict, accel "tcg", logs capped at LOG_MAX. */
void result_init(struct result *r);
/* Frees what r holds (r itself is the caller's); r may be zeroed. */
void result_release(struct result *r);

/* What one job works with, besides its result. */
struct run_ctx {
	const struct job *j;
	const struct scenario *s;
	const struct map_caps *caps;	/* the QEMU's probe record, for the mapper */
	const char *kver, *kernel, *rundir; /* rundir: removed after the job */
	const char *pt_host;	/* the passthrough device's host ("lab", a BDF), or NULL */
	long timeout;		/* seconds a guest may take (--timeout) */
	struct store *st;	/* the job's store, for what a backend looks up */
	struct result *r;
};

/* ---- Judging: for backends. ---- */

/* The guest's checks into r->checks as JSON (replacing what was there). */
void checks_into(struct result *r, const struct guest_outcome *o);

/*
 * The verdict from the checks: RUN_PASS when none failed and all `want`
 * were reported; else RUN_FAIL with "N of M checks failed" and
 * "; KIND: DETAIL" for each failed one appended to r->reason.
 */
void judge(struct result *r, const struct guest_outcome *o, size_t want);

/* How c ended (exited, status, signal) into r. */
void exit_into(struct result *r, const struct command *c);

/*
 * Splits QEMU's combined output: its own lines (starting with
 * "qemu-system-" or "qemu: ") appended to qemu_lines, every other line
 * (the guest's console) to console. out may be NULL.
 */
void split_output(const char *out, struct strbuf *qemu_lines,
		  struct strbuf *console);

/*
 * For a guest that hung: "; its console last said: '...'" with the last
 * non-blank line of console (its last CONSOLE_QUOTE_MAX bytes, control
 * characters as '?'), or "; its console stayed silent", appended to o.
 */
#define CONSOLE_QUOTE_MAX 160
void console_last_said(struct strbuf *o, const char *console);

/* The passthrough devices of s (vfio-pci, pci-assign, SR-IOV VFs). */
size_t count_passthrough(const struct scenario *s);

/*
 * Starts the QEMU under test with r->argv, which then becomes the real
 * argv (binary and monitor included). Returns 0; or -1 with the run
 * failed (QEMU did not start: its output and exit are in r, p released).
 */
int job_start_qemu(struct run_ctx *x, struct qemu_proc *p) VM_WUR;

/* Whether the job of x is a user's domain XML rather than a DTS cfg. */
int job_is_user_xml(const struct job *j);

#endif
