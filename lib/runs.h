#ifndef VM_RUNS_H
#define VM_RUNS_H

/*
 * The `runs` table: one row per job that `run` finished (one scenario on
 * one QEMU, directly or through one libvirt). Its verdict is an enum in
 * code and a stable string in the store (runs.status); this module is
 * the one place that writes a run and the place that converts the
 * verdict, so that a string the code does not know, read back from a
 * store, is an error and never a silent "not a failure".
 */

#include <json-c/json.h>

#include "enum.h"
#include "store.h"
#include "strbuf.h"
#include "util.h"

enum run_status {
	RUN_PASS,
	RUN_FAIL,
	RUN_ERROR,
	RUN_SKIP,
	RUN_UNSUPPORTED, /* a pair a component refuses by its own rule */
	RUN_STATUS_LAST
};

/*
 * run_status_to_string(): "pass", "fail", "error", "skip", "unsupported"
 * (NULL out of range). run_status_from_string(): the enum, or -1 for an
 * unknown string or NULL; the caller reports it, naming where it came from.
 */
VM_ENUM_DECL(run_status);

/*
 * Whether a verdict is a failure: RUN_FAIL or RUN_ERROR. Pass, skip and
 * unsupported are not; such runs make no exit status 1 and no regression.
 */
int run_status_is_failure(enum run_status status);

/*
 * runs.status as read from st (text of the column) to the enum into
 * *out: 0, or -1 after reporting an unknown status, naming the store.
 */
int runs_status_parse(struct store *st, const char *text,
		      enum run_status *out) VM_WUR;

/* The columns of one run, as runs_insert() writes them. */
struct run_row {
	const char *qemu, *qemu_sha256; /* qemu: the install's version */
	const char *libvirt;		/* NULL: the direct runner */
	const char *scenario, *scenario_sha256;
	const char *accel;
	enum run_status status;
	const char *reason;		/* NULL: none */
	double seconds;
	const char *argv, *notes, *checks; /* JSON text; checks may be NULL */
	int exited, exit_status;	/* exit_status stored only when exited */
	int signal;			/* 0: none */
	const char *stderr_text, *serial, *backend; /* NULL: none */
	const char *started_at;		/* NULL: now */
	const char *domain_xml, *native; /* libvirt runs, else NULL */
	long long sweep;		/* 0: none */
};

/* Inserts row into `runs`, made by this virt-matrix (runs.tool): 0, or -1 after reporting. */
int runs_insert(struct store *st, const struct run_row *row) VM_WUR;

/*
 * The verdict the sweep already recorded for this job (the newest, when
 * there are several): 1 with *status, 0 when it has none (the job is to
 * run), -1 after reporting. The scenario counts by name and content
 * (scenario_sha256), so an edited scenario runs again; libvirt NULL is
 * the direct runner.
 */
int runs_status_in_sweep(struct store *st, long long sweep, const char *qemu,
			 const char *libvirt, const char *scenario,
			 const char *scenario_sha256,
			 enum run_status *status) VM_WUR;

/*
 * How many rows sql (one column, a verdict; ?1 bound to sweep) gives of
 * each verdict, into counts[RUN_STATUS_LAST] (zeroed first): 0, or -1
 * after reporting.
 */
int run_status_counts(struct store *st, const char *sql, long long sweep,
		      size_t counts[RUN_STATUS_LAST]) VM_WUR;

/*
 * How many jobs of sweep have each verdict (the newest run of each job)
 * into counts[RUN_STATUS_LAST] (zeroed first): 0, or -1 after reporting.
 */
int runs_sweep_counts(struct store *st, long long sweep,
		      size_t counts[RUN_STATUS_LAST]) VM_WUR;

/*
 * The exit status `git bisect run` understands for runs with these
 * counts: 1 (bad) when a job failed, the guest or QEMU having proved it;
 * else 125 (cannot test) when one erred, was skipped or unsupported, or
 * there was none; else 0 (good: every job passed).
 */
int run_counts_git_bisect_exit(const size_t counts[RUN_STATUS_LAST]);
#define RUN_EXIT_UNTESTABLE 125 /* git bisect run's "cannot test" */

/* The verdict of each job of sweep ?1: the newest run of each. */
#define RUNS_SWEEP_STATUS_SQL                                                   \
	"SELECT status FROM runs r WHERE sweep = ?1 AND id = (SELECT max(id) FROM" \
	" runs x WHERE x.sweep = ?1 AND x.qemu = r.qemu AND x.libvirt IS"         \
	" r.libvirt AND x.scenario = r.scenario)"

/*
 * git bisect run's exit status (run_counts_git_bisect_exit) from the
 * verdicts sql gives for sweep in the store at db (RUNS_SWEEP_STATUS_SQL,
 * or the sweep's migrations), with one line saying it and the counts;
 * 125 when the store cannot be read (reported).
 */
int run_git_bisect_exit(const char *db, const char *sql, long long sweep);

/*
 * The JSON texts a row keeps (runs, migrations): a strvec as a JSON array
 * of strings (the caller puts it), and o as plain text (NULL: NULL), valid
 * while o lives.
 */
json_object *strvec_json(const struct strvec *v);
const char *json_plain(json_object *o);

#endif
