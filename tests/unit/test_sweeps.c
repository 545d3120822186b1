/*
 * lib/sweeps.c on a real store: a sweep and its shard rows, a `run`
 * joining a 'sweep' or 'bisect' without touching its state, kinds that
 * may not be mixed, re-opening a sweep (resume), and runs getting a uuid
 * of their own (schema 9's trigger).
 */
#include "teststore.h"
#include "sweeps.h"

static char *dir;
static struct store st;

static int setup(void **state)
{
	(void)state;
	tu_store_tmp("sweeps", &dir, &st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_tmp_release(dir, &st);
	return 0;
}

static char *q1(const char *sql)
{
	return tu_query1(&st, sql);
}

static void test_sweep_and_joining_run(void **state)
{
	char *argv[] = { (char *)"sweep", (char *)"--qemu", (char *)"7.2.0", NULL };
	char uuid[SWEEP_UUID_LEN + 1], ruuid[SWEEP_UUID_LEN + 1];
	long long id, rid;
	char *v;

	(void)state;
	assert_int_equal(sweep_open(&st, "sweep", NULL, "2/3", 3, argv, &id, uuid), 0);
	assert_true(sweep_uuid_valid(uuid));
	v = q1("SELECT kind || ' ' || status || ' ' || shard || ' ' || command FROM sweeps");
	assert_string_equal(v, "sweep running 2/3 [\"sweep\",\"--qemu\",\"7.2.0\"]");
	free(v);
	v = q1("SELECT k || '/' || n || ' ' || status FROM sweep_shards");
	assert_string_equal(v, "2/3 running");
	free(v);

	/* The sweep's own `run` joins it; its close leaves the sweep running. */
	assert_int_equal(sweep_open(&st, "run", uuid, "2/3", 0, argv, &rid, ruuid), 0);
	assert_int_equal(rid, id);
	assert_string_equal(ruuid, uuid);
	assert_int_equal(sweep_close(&st, rid, "finished"), 0);
	v = q1("SELECT (SELECT status FROM sweeps) || ' ' || (SELECT status FROM sweep_shards)");
	assert_string_equal(v, "running running");
	free(v);

	/* The sweep itself, re-opened (resumed) and closed. */
	assert_int_equal(sweep_open(&st, "sweep", uuid, "2/3", 0, argv, &id, uuid), 0);
	assert_int_equal(sweep_close(&st, id, "interrupted"), 0);
	v = q1("SELECT (SELECT status FROM sweeps) || ' ' || (SELECT status FROM sweep_shards)"
	       " || ' ' || (SELECT count(*) FROM sweeps)");
	assert_string_equal(v, "interrupted interrupted 1");
	free(v);
}

struct kind_case {
	const char *existing, *opening;
	int ok;
};

static const struct kind_case kind_cases[] = {
	{ "run", "run", 1 },	   { "sweep", "run", 1 },  { "bisect", "run", 1 },
	{ "run", "sweep", 0 },	   { "sweep", "bisect", 0 }, { "bisect", "sweep", 0 },
	/* libvirt's test domains: their own sweep, or the nightly's. */
	{ "corpus", "corpus", 1 }, { "sweep", "corpus", 1 }, { "run", "corpus", 0 },
	{ "corpus", "run", 0 },
};

static void test_kinds(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(kind_cases); i++) {
		char uuid[SWEEP_UUID_LEN + 1], out[SWEEP_UUID_LEN + 1];
		long long id;
		char *msg;
		int rc;

		assert_int_equal(sweep_open(&st, kind_cases[i].existing, NULL, NULL, 0, NULL,
					    &id, uuid),
				 0);
		tu_capture_begin();
		rc = sweep_open(&st, kind_cases[i].opening, uuid, NULL, 0, NULL, &id, out);
		msg = tu_capture_end();
		if (kind_cases[i].ok && rc)
			fail_msg("%s into %s: refused: %s", kind_cases[i].opening,
				 kind_cases[i].existing, msg);
		if (!kind_cases[i].ok) {
			if (!rc)
				fail_msg("%s into %s: accepted", kind_cases[i].opening,
					 kind_cases[i].existing);
			assert_contains(msg, "not a '", kind_cases[i].opening);
		}
		free(msg);
	}
}

static void test_runs_get_uuids(void **state)
{
	char *v;

	(void)state;
	assert_int_equal(store_exec(&st, "INSERT INTO runs (qemu, scenario, scenario_sha256,"
					 " status, started_at) VALUES ('a', 's', 'h', 'pass', 'now'),"
					 " ('b', 's', 'h', 'pass', 'now');"
					 "INSERT INTO runs (qemu, scenario, scenario_sha256, status,"
					 " started_at, uuid) VALUES ('c', 's', 'h', 'pass', 'now',"
					 " 'given')"),
			 0);
	v = q1("SELECT count(DISTINCT uuid) || ' ' || sum(length(uuid) = 32) || ' ' ||"
	       " (SELECT uuid FROM runs WHERE qemu = 'c') FROM runs");
	assert_string_equal(v, "3 2 given");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_and_joining_run),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_runs_get_uuids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
