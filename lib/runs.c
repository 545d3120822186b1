/*
 * The `runs` table (runs.h): the verdict's strings, the insert of a run
 * and the lookup that lets an interrupted sweep resume. The runner
 * (runner/job.c) fills a struct run_row from its result; sweep/ and
 * reports/ read runs.status and convert it with runs_status_parse().
 */
#include <sqlite3.h>

#include <string.h>

#include "runs.h"
#include "vmversion.h"
#include "banned.h"

VM_ENUM_IMPL(run_status, RUN_STATUS_LAST,
	     "pass", "fail", "error", "skip", "unsupported");

int run_status_is_failure(enum run_status status)
{
	return status == RUN_FAIL || status == RUN_ERROR;
}

int runs_status_parse(struct store *st, const char *text, enum run_status *out)
{
	int v = run_status_from_string(text);

	if (v < 0)
		return error("unknown run status '%s' in the runs of '%s'",
			     text ? text : "(null)", st->path ? st->path : "?");
	*out = (enum run_status)v;
	return 0;
}

int runs_insert(struct store *st, const struct run_row *row)
{
	auto_stmt *q = NULL;
	const char *status = run_status_to_string(row->status);
	char now[32];

	if (!status)
		return error("cannot record the run of '%s' on QEMU %s: verdict %d "
			     "has no name", row->scenario, row->qemu, (int)row->status);
	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q,
			  "INSERT INTO runs (qemu, qemu_sha256, libvirt, scenario,"
			  " scenario_sha256, accel, status, reason, seconds, argv,"
			  " notes, checks, exit_status, signal, stderr, serial_log,"
			  " backend_log, started_at, domain_xml, native, sweep, tool)"
			  " VALUES (?, ?, ?, ?, ?, ?,"
			  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	store_bind_text(q, 1, row->qemu);
	store_bind_text(q, 2, row->qemu_sha256);
	store_bind_text(q, 3, row->libvirt);
	store_bind_text(q, 4, row->scenario);
	store_bind_text(q, 5, row->scenario_sha256);
	store_bind_text(q, 6, row->accel);
	store_bind_text(q, 7, status);
	store_bind_text(q, 8, row->reason);
	sqlite3_bind_double(q, 9, row->seconds);
	store_bind_text(q, 10, row->argv);
	store_bind_text(q, 11, row->notes);
	store_bind_text(q, 12, row->checks);
	if (row->exited)
		sqlite3_bind_int(q, 13, row->exit_status);
	if (row->signal)
		sqlite3_bind_int(q, 14, row->signal);
	store_bind_text(q, 15, row->stderr_text);
	store_bind_text(q, 16, row->serial);
	store_bind_text(q, 17, row->backend);
	store_bind_text(q, 18, row->started_at ? row->started_at : now);
	store_bind_text(q, 19, row->domain_xml);
	store_bind_text(q, 20, row->native);
	if (row->sweep)
		sqlite3_bind_int64(q, 21, row->sweep);
	store_bind_text(q, 22, vm_version());
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record the run");
	return 0;
}

int runs_status_in_sweep(struct store *st, long long sweep, const char *qemu,
			 const char *libvirt, const char *scenario,
			 const char *scenario_sha256, enum run_status *status)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(st, &q, "SELECT status FROM runs WHERE sweep = ?"
			  " AND qemu = ? AND libvirt IS ? AND scenario = ?"
			  " AND scenario_sha256 = ? ORDER BY id DESC LIMIT 1"))
		return -1;
	sqlite3_bind_int64(q, 1, sweep);
	store_bind_text(q, 2, qemu);
	store_bind_text(q, 3, libvirt);
	store_bind_text(q, 4, scenario);
	store_bind_text(q, 5, scenario_sha256);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_error(st, "cannot look up the sweep's runs");
	if (runs_status_parse(st, (const char *)sqlite3_column_text(q, 0), status))
		return -1;
	return 1;
}

int run_status_counts(struct store *st, const char *sql, long long sweep,
		      size_t counts[RUN_STATUS_LAST])
{
	auto_stmt *q = NULL;
	int rc;

	memset(counts, 0, RUN_STATUS_LAST * sizeof(*counts));
	if (store_prepare(st, &q, sql))
		return -1;
	sqlite3_bind_int64(q, 1, sweep);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum run_status s = RUN_PASS;

		if (runs_status_parse(st, (const char *)sqlite3_column_text(q, 0), &s))
			return -1;
		counts[s]++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot count the sweep's verdicts");
	return 0;
}

int runs_sweep_counts(struct store *st, long long sweep,
		      size_t counts[RUN_STATUS_LAST])
{
	return run_status_counts(st, RUNS_SWEEP_STATUS_SQL, sweep, counts);
}

int run_git_bisect_exit(const char *db, const char *sql, long long sweep)
{
	size_t n[RUN_STATUS_LAST];
	struct store st;
	int rc = RUN_EXIT_UNTESTABLE;

	if (store_open(&st, db))
		return rc;
	if (!run_status_counts(&st, sql, sweep, n)) {
		rc = run_counts_git_bisect_exit(n);
		info("for git bisect: %s (%zu passed, %zu failed, %zu erred, %zu skipped, "
		     "%zu unsupported)",
		     rc == 0 ? "good" : rc == 1 ? "bad" : "cannot test (125)", n[RUN_PASS],
		     n[RUN_FAIL], n[RUN_ERROR], n[RUN_SKIP], n[RUN_UNSUPPORTED]);
	}
	store_close(&st);
	return rc;
}

int run_counts_git_bisect_exit(const size_t counts[RUN_STATUS_LAST])
{
	size_t other = 0;

	if (counts[RUN_FAIL])
		return 1;
	for (int s = 0; s < RUN_STATUS_LAST; s++)
		if (s != RUN_PASS)
			other += counts[s];
	return other || !counts[RUN_PASS] ? RUN_EXIT_UNTESTABLE : 0;
}

json_object *strvec_json(const struct strvec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->nr; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

const char *json_plain(json_object *o)
{
	return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE)
		 : NULL;
}
