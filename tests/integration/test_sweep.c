/*
 * virt-matrix sweep for real, on Debian's QEMU in stores of the test's
 * own, with two plain VM scenarios (two jobs, about 10 s each):
 *   - a whole sweep: build nothing, probe, run, summary;
 *   - a sweep stopped with SIGTERM after its first job, then resumed
 *     with --resume: the first run is kept, only the second runs, and
 *     the results equal the whole sweep's;
 *   - the same sweep in two shards on two stores (shard 2 from GitLab's
 *     CI_NODE_INDEX/CI_NODE_TOTAL), merged: one finished sweep with the
 *     same jobs and results as the unsharded one.
 */
#include <signal.h>
#include <time.h>

#include "teststore.h"

#define SCN "--scenario", "vm-i440fx", "--scenario", "vm-q35"
#define UUID "5eed0000-1111-4222-8333-444455556666"

TU_DEBIAN_STORE_FIXTURE("sweep")

static char *baseline;

static void test_whole_sweep(void **state)
{
	char *out = NULL;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "sweep", "--installed",
							"--libvirt", "none", SCN, NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	assert_contains(out, "> virt-matrix probe --db ", "probe stage");
	assert_contains(out, "> virt-matrix run --sweep ", "run stage");
	assert_contains(out, "--shard 1/1", "unsharded");
	assert_contains(out, "runs: pass 2 (2 jobs)", "counts");
	assert_contains(out, "migrations through libvirt: none (no libvirt in the sweep)",
			"libvirt migrate stage");
	assert_contains(out, "regressions: none", "regressions");
	assert_contains(out, "ABI breaks: 0 unacknowledged", "ABI line");
	assert_contains(out, "(report.json: 0 new regressions", "report line");
	free(out);
	baseline = tu_sweep_results(db, "s.kind = 'sweep' AND s.status = 'finished'");
	assert_string_equal(baseline, "7.2.22-system - vm-i440fx pass; 7.2.22-system - vm-q35 pass");
}

static int count_runs(const char *path, const char *kind)
{
	struct store st;
	struct strbuf sql = STRBUF_INIT;
	int n;

	sb_printf(&sql, "SELECT count(*) FROM runs r JOIN sweeps s ON s.id = r.sweep"
		  " WHERE s.uuid = '%s'", kind);
	assert_int_equal(store_open(&st, path), 0);
	n = (int)tu_query_int(&st, sql.buf);
	store_close(&st);
	strbuf_release(&sql);
	return n;
}

static void test_interrupted_sweep_resumes(void **state)
{
	struct command c;
	char *out = NULL, *v, *first_run;
	struct store st;
	int n = 0;

	(void)state;
	assert_non_null(baseline);
	command_init(&c);
	strvec_pushv(&c.args, (const char *const[]){ vm, "sweep", "--installed", "--libvirt",
		"none", SCN, "--jobs", "1", "--no-report", "--sweep-id", UUID, "--db", db, NULL });
	c.timeout = 900;
	assert_int_equal(command_start(&c), 0);
	/* Stop it once its first job is recorded, in the middle of the second. */
	for (int i = 0; i < 600 && n < 1; i++) {
		struct timespec ts = { 0, 500 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		n = count_runs(db, UUID);
	}
	assert_int_equal(n, 1);
	command_kill(&c, SIGTERM);
	assert_int_equal(command_wait(&c, 120), 0);
	assert_true(c.exited);
	assert_int_equal(c.status, 130);
	assert_contains(c.output.buf, "sweep " UUID " interrupted; 'virt-matrix sweep --resume'",
			"interrupted message");
	command_release(&c);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status FROM sweeps WHERE uuid = '" UUID "'");
	assert_string_equal(v, "interrupted");
	free(v);
	first_run = tu_query1(&st, "SELECT r.uuid || r.scenario FROM runs r JOIN sweeps s ON"
				   " s.id = r.sweep WHERE s.uuid = '" UUID "'");
	store_close(&st);
	assert_int_equal(count_runs(db, UUID), 1);

	/* --resume: the same sweep, its options from the record. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "sweep", "--resume", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	assert_contains(out, "resuming sweep " UUID, "resumed");
	assert_contains(out, "(already recorded in this sweep)", "first job skipped");
	assert_contains(out, "runs: pass 2 (2 jobs)", "counts");
	free(out);
	assert_int_equal(count_runs(db, UUID), 2);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status FROM sweeps WHERE uuid = '" UUID "'");
	assert_string_equal(v, "finished");
	free(v);
	store_close(&st);
	/* The first run is still the one from before the stop. */
	{
		struct strbuf w = STRBUF_INIT;

		sb_printf(&w, "s.uuid = '" UUID "' AND r.uuid || r.scenario = '%s'", first_run);
		v = tu_sweep_results(db, w.buf);
		assert_non_null(v);
		free(v);
		strbuf_release(&w);
	}
	free(first_run);
	v = tu_sweep_results(db, "s.uuid = '" UUID "'");
	assert_string_equal(v, baseline);
	free(v);
}

static void test_two_shards_merged_equal_unsharded(void **state)
{
	char *a = tu_store_debian_beside(vm, dir, "shard1.db"), *b = tu_store_debian_beside(vm, dir, "shard2.db");
	struct strbuf m = STRBUF_INIT;
	char *out = NULL, *v;
	struct store st;

	(void)state;
	assert_non_null(baseline);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "sweep", "--installed",
							"--libvirt", "none", SCN, "--no-report",
							"--sweep-id", UUID, "--shard", "1/2", NULL },
			   (const char *const[]){ "--db", a, NULL }, 900),
		    0);
	assert_contains(out, "sweep " UUID ", shard 1/2", "shard 1");
	assert_contains(out, "runs: pass 1 (1 job)", "shard 1 counts");
	free(out);
	/* Shard 2 from GitLab's variables, as a parallel: job gets them. */
	assert_exit(tu_run_env(&out, (const char *const[]){ vm, "sweep", "--installed",
							    "--libvirt", "none", SCN, "--no-report",
							    "--sweep-id", UUID, NULL },
			       (const char *const[]){ "--db", b, NULL },
			       (const char *const[]){ "CI_NODE_INDEX=2", "CI_NODE_TOTAL=2", NULL },
			       900),
		    0);
	assert_contains(out, "sweep " UUID ", shard 2/2", "shard 2");
	assert_contains(out, "runs: pass 1 (1 job)", "shard 2 counts");
	free(out);

	sb_printf(&m, "%s/merged.db", dir);
	for (int twice = 0; twice < 2; twice++) {
		assert_exit(tu_run(&out, (const char *const[]){ vm, "merge", m.buf, a, b, NULL },
				   (const char *const[]){ NULL }, 300),
			    0);
		assert_contains(out, "runs, 1 sweeps", "merge summary");
		free(out);
	}
	assert_int_equal(store_open(&st, m.buf), 0);
	v = tu_query1(&st, "SELECT status || ' ' || shard || ' ' || (SELECT count(*) FROM runs)"
			   " FROM sweeps WHERE uuid = '" UUID "'");
	assert_string_equal(v, "finished 1,2/2 2");
	free(v);
	store_close(&st);
	v = tu_sweep_results(m.buf, "s.uuid = '" UUID "'");
	assert_string_equal(v, baseline);
	free(v);
	strbuf_release(&m);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_sweep),
		cmocka_unit_test(test_interrupted_sweep_resumes),
		cmocka_unit_test(test_two_shards_merged_equal_unsharded),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);

	free(baseline);
	return rc;
}
