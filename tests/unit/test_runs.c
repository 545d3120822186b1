/*
 * lib/runs.c: every verdict round-trips through its stable string, an
 * unknown string is refused (and, read back from a store, reported
 * naming the store), which verdicts are failures, and a run inserted
 * into a temporary store reads back column by column, the resume
 * lookup included; the verdicts of a sweep counted (the newest run of
 * each job) and turned into git bisect run's exit status.
 */
#include "teststore.h"
#include "runs.h"

struct status_case {
	enum run_status status;
	const char *name;
	int failure;
};

static const struct status_case status_cases[] = {
	{ RUN_PASS, "pass", 0 },
	{ RUN_FAIL, "fail", 1 },
	{ RUN_ERROR, "error", 1 },
	{ RUN_SKIP, "skip", 0 },
	{ RUN_UNSUPPORTED, "unsupported", 0 },
};

static void test_round_trip(void **state)
{
	(void)state;
	assert_int_equal(ARRAY_SIZE(status_cases), RUN_STATUS_LAST);
	for (size_t i = 0; i < ARRAY_SIZE(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		const char *s = run_status_to_string(c->status);

		if (!s || strcmp(s, c->name))
			fail_msg("%s: to_string gave '%s'", c->name, s ? s : "(null)");
		if (run_status_from_string(c->name) != (int)c->status)
			fail_msg("%s: from_string gave %d", c->name,
				 run_status_from_string(c->name));
		if (run_status_is_failure(c->status) != c->failure)
			fail_msg("%s: is_failure %d", c->name, !c->failure);
	}
}

static const char *const unknown[] = { "PASS", "passed", "", " pass", "ok",
				       "unsupported ", "failure" };

static void test_unknown_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		if (run_status_from_string(unknown[i]) != -1)
			fail_msg("'%s' was taken", unknown[i]);
	assert_int_equal(run_status_from_string(NULL), -1);
	assert_null(run_status_to_string(-1));
	assert_null(run_status_to_string(RUN_STATUS_LAST));
}

struct tmp_store {
	char *dir;
	struct strbuf path;
	struct store st;
};

static void tmp_store_open(struct tmp_store *t)
{
	t->dir = tu_tmpdir("runs");
	strbuf_init(&t->path, 0);
	sb_printf(&t->path, "%s/m.db", t->dir);
	assert_int_equal(store_open(&t->st, t->path.buf), 0);
}

static void tmp_store_close(struct tmp_store *t)
{
	store_close(&t->st);
	strbuf_release(&t->path);
	tu_rmdir(t->dir);
}

static long long new_sweep(struct store *st)
{
	assert_int_equal(sqlite3_exec(st->db, "INSERT INTO sweeps (kind, status,"
					      " started_at, uuid) VALUES ('run',"
					      " 'running', 'now', lower(hex(randomblob(16))))",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	return sqlite3_last_insert_rowid(st->db);
}

static void test_insert_read_back(void **state)
{
	struct tmp_store t;
	struct run_row row = {
		.qemu = "7.2.0", .qemu_sha256 = "abc", .libvirt = "9.0.0",
		.scenario = "vm", .scenario_sha256 = "s1", .accel = "tcg",
		.status = RUN_UNSUPPORTED, .reason = "libvirt 9.0.0 does not support",
		.seconds = 1.5, .argv = "[\"-m\",\"512\"]", .notes = "[]",
		.exited = 1, .exit_status = 0, .serial = "VMX-END",
	};
	enum run_status st;
	char *v;

	(void)state;
	tmp_store_open(&t);
	row.sweep = new_sweep(&t.st);
	assert_int_equal(runs_insert(&t.st, &row), 0);
	v = tu_query1(&t.st, "SELECT qemu || '|' || libvirt || '|' || status || '|'"
			     " || reason || '|' || seconds || '|' || argv || '|'"
			     " || exit_status || '|' || coalesce(signal, 'none') || '|'"
			     " || serial_log || '|' || coalesce(checks, 'none') || '|'"
			     " || (started_at IS NOT NULL) || '|' || (uuid IS NOT NULL)"
			     " FROM runs");
	assert_string_equal(v, "7.2.0|9.0.0|unsupported|libvirt 9.0.0 does not "
			       "support|1.5|[\"-m\",\"512\"]|0|none|VMX-END|none|1|1");
	free(v);

	/* Resume: found by name and content, not by another content or pair. */
	assert_int_equal(runs_status_in_sweep(&t.st, row.sweep, "7.2.0", "9.0.0",
					      "vm", "s1", &st),
			 1);
	assert_int_equal(st, RUN_UNSUPPORTED);
	assert_int_equal(runs_status_in_sweep(&t.st, row.sweep, "7.2.0", "9.0.0",
					      "vm", "s2", &st),
			 0);
	assert_int_equal(runs_status_in_sweep(&t.st, row.sweep, "7.2.0", NULL,
					      "vm", "s1", &st),
			 0);
	/* The newest run of the job counts. */
	row.status = RUN_PASS;
	assert_int_equal(runs_insert(&t.st, &row), 0);
	assert_int_equal(runs_status_in_sweep(&t.st, row.sweep, "7.2.0", "9.0.0",
					      "vm", "s1", &st),
			 1);
	assert_int_equal(st, RUN_PASS);
	tmp_store_close(&t);
}

static void test_bad_status(void **state)
{
	struct tmp_store t;
	struct run_row row = { .qemu = "7.2.0", .scenario = "vm",
			       .scenario_sha256 = "s", .status = RUN_STATUS_LAST };
	enum run_status st = RUN_PASS;
	char *msg;
	int rc;

	(void)state;
	tmp_store_open(&t);
	/* A verdict without a name is not written. */
	tu_capture_begin();
	rc = runs_insert(&t.st, &row);
	msg = tu_capture_end();
	assert_int_equal(rc, -1);
	assert_contains(msg, "has no name", "nameless verdict");
	free(msg);
	msg = tu_query1(&t.st, "SELECT count(*) FROM runs");
	assert_string_equal(msg, "0");
	free(msg);

	/* An unknown string read back is an error naming the store. */
	tu_capture_begin();
	rc = runs_status_parse(&t.st, "passed", &st);
	msg = tu_capture_end();
	assert_int_equal(rc, -1);
	assert_contains(msg, "unknown run status 'passed'", "unknown status");
	assert_contains(msg, t.path.buf, "names the store");
	free(msg);
	assert_int_equal(st, RUN_PASS);
	tmp_store_close(&t);
}

/* git bisect run's exit status from a sweep's counts. */
static const struct bisect_exit_case {
	const char *name;
	size_t pass, fail, error, skip, unsupported;
	int want;
} bisect_exit_cases[] = {
	{ "all passed", 3, 0, 0, 0, 0, 0 },
	{ "one failed", 2, 1, 0, 0, 0, 1 },
	{ "a failure outweighs an error", 0, 1, 1, 1, 0, 1 },
	{ "an error cannot be judged", 2, 0, 1, 0, 0, 125 },
	{ "a skip cannot be judged", 2, 0, 0, 1, 0, 125 },
	{ "unsupported cannot be judged", 0, 0, 0, 0, 1, 125 },
	{ "no run at all", 0, 0, 0, 0, 0, 125 },
};

static void test_git_bisect_exit(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bisect_exit_cases); i++) {
		const struct bisect_exit_case *c = &bisect_exit_cases[i];
		size_t n[RUN_STATUS_LAST] = { 0 };
		int got;

		n[RUN_PASS] = c->pass;
		n[RUN_FAIL] = c->fail;
		n[RUN_ERROR] = c->error;
		n[RUN_SKIP] = c->skip;
		n[RUN_UNSUPPORTED] = c->unsupported;
		got = run_counts_git_bisect_exit(n);
		if (got != c->want)
			fail_msg("%s: %d, expected %d", c->name, got, c->want);
	}
}

/* The newest run of each job counts; other sweeps do not. */
static void test_sweep_counts(void **state)
{
	struct tmp_store t;
	struct run_row row = {
		.qemu = "7.2.0", .qemu_sha256 = "abc", .scenario = "a",
		.scenario_sha256 = "s1", .accel = "tcg", .status = RUN_FAIL,
		.argv = "[]", .notes = "[]",
	};
	size_t n[RUN_STATUS_LAST];
	long long other;

	(void)state;
	tmp_store_open(&t);
	row.sweep = new_sweep(&t.st);
	assert_int_equal(runs_insert(&t.st, &row), 0);
	row.status = RUN_PASS; /* the same job again: it passed */
	assert_int_equal(runs_insert(&t.st, &row), 0);
	row.scenario = "b";
	row.status = RUN_SKIP;
	assert_int_equal(runs_insert(&t.st, &row), 0);
	row.libvirt = "9.0.0"; /* another job: b through libvirt */
	row.status = RUN_FAIL;
	assert_int_equal(runs_insert(&t.st, &row), 0);
	other = row.sweep;
	row.sweep = new_sweep(&t.st);
	row.status = RUN_ERROR;
	assert_int_equal(runs_insert(&t.st, &row), 0);

	assert_int_equal(runs_sweep_counts(&t.st, other, n), 0);
	assert_int_equal(n[RUN_PASS], 1);
	assert_int_equal(n[RUN_FAIL], 1);
	assert_int_equal(n[RUN_SKIP], 1);
	assert_int_equal(n[RUN_ERROR], 0);
	assert_int_equal(run_counts_git_bisect_exit(n), 1);
	assert_int_equal(runs_sweep_counts(&t.st, row.sweep, n), 0);
	assert_int_equal(n[RUN_ERROR], 1);
	assert_int_equal(n[RUN_PASS] + n[RUN_FAIL] + n[RUN_SKIP], 0);
	tmp_store_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unknown_refused),
		cmocka_unit_test(test_insert_read_back),
		cmocka_unit_test(test_bad_status),
		cmocka_unit_test(test_git_bisect_exit),
		cmocka_unit_test(test_sweep_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
