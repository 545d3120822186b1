/*
 * bench/scale-gen.c, the SIMULATED large lab of `make bench`: its shards
 * split the jobs exactly as runner/jobplan.c does (disjoint, covering
 * every job), each store holds its slice and its shard as sweep records
 * it, and `virt-matrix merge` of the shards gives one finished sweep with
 * every job's run. Small sizes, so it runs in seconds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "fs.h"
#include "jobplan.h"
#include "scale-gen.h"
#include "store.h"
#include "banned.h"

static const struct {
	const char *name;
	int qemus, libvirts, scenarios, shards;
} split_cases[] = {
	{ "even", 3, 2, 4, 4 },
	{ "uneven", 5, 3, 7, 64 },
	{ "one shard", 2, 2, 3, 1 },
	{ "more shards than jobs", 1, 1, 5, 8 },
};

/* The generator's split is jobplan_build's, and the shards partition the jobs. */
static void test_split_is_jobplans(void **state)
{
	for (size_t c = 0; c < ARRAY_SIZE(split_cases); c++) {
		size_t nq = (size_t)split_cases[c].qemus, nl = (size_t)split_cases[c].libvirts;
		size_t total = nq * nl * (size_t)split_cases[c].scenarios;
		struct install *q = xcalloc(nq, sizeof(*q)), *l = xcalloc(nl, sizeof(*l));
		struct strvec scn = STRVEC_INIT, none = STRVEC_INIT, all_l = STRVEC_INIT;
		unsigned char *seen = xcalloc(total, 1);
		size_t *idx = xcalloc(total + 1, sizeof(*idx)), sum = 0;

		for (size_t i = 0; i < nq; i++)
			q[i].version = xstrdup((const char *[]){ "5.2.0", "10.0.2", "7.2.0",
								  "9.1.0", "6.0.0" }[i]);
		for (size_t i = 0; i < nl; i++) {
			l[i].version = xstrdup((const char *[]){ "9.0.0", "11.3.0", "7.0.0" }[i]);
			strvec_push(&all_l, l[i].version);
		}
		for (int i = 0; i < split_cases[c].scenarios; i++)
			strvec_pushf(&scn, "s%d", i);
		for (long k = 1; k <= split_cases[c].shards; k++) {
			struct shard sh = { .k = k, .n = split_cases[c].shards };
			struct jobplan_in in = { .qemus = q, .nqemus = nq, .libvirts = l,
						 .nlibvirts = nl, .want_qemus = &none,
						 .want_libvirts = &all_l, .scenarios = &scn,
						 .shard = &sh };
			struct jobplan plan;
			size_t n = scale_shard_jobs(q, nq, l, nl, &scn, &sh, idx);
			int rc = jobplan_build(&in, &plan);

			if (n == 0) {
				assert_int_equal(rc, -1); /* jobplan: nothing to run */
				jobplan_release(&plan);
				continue;
			}
			assert_int_equal(rc, 0);
			if (plan.njobs != n)
				fail_msg("%s: shard %ld: %zu jobs, jobplan has %zu",
					 split_cases[c].name, k, n, plan.njobs);
			for (size_t j = 0; j < n; j++) {
				size_t per_q = nl * scn.nr;

				assert_ptr_equal(plan.jobs[j].qemu, &q[idx[j] / per_q]);
				assert_ptr_equal(plan.jobs[j].libvirt, &l[idx[j] % per_q / scn.nr]);
				assert_string_equal(plan.jobs[j].scenario_path, scn.v[idx[j] % scn.nr]);
				if (seen[idx[j]]++)
					fail_msg("%s: job %zu in two shards", split_cases[c].name, idx[j]);
			}
			sum += n;
			jobplan_release(&plan);
		}
		if (sum != total)
			fail_msg("%s: the shards hold %zu of %zu jobs", split_cases[c].name, sum, total);
		installs_free(q, nq);
		installs_free(l, nl);
		strvec_clear(&scn);
		strvec_clear(&all_l);
		free(seen);
		free(idx);
	}
}

static long long count(const char *db, const char *sql)
{
	struct store st;
	auto_stmt *q = NULL;
	long long n = -1;

	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(store_prepare(&st, &q, sql), 0);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
	return n;
}

/* Generated shards hold their slices; merged they are one finished sweep. */
static void test_generated_shards_merge(void **state)
{
	struct scale_spec sp = { .qemus = 3, .libvirts = 2, .scenarios = 5, .machines = 6,
				 .shards = 12, .nights = 2, .migrations = 1, .blob_scale = 2 };
	struct scale_result res = { .stores = STRVEC_INIT };
	char *dir = temp_template("scalegen"), *vm = tu_vm_binary();
	struct strbuf out = STRBUF_INIT, sql = STRBUF_INIT;
	struct strvec argv = STRVEC_INIT;
	long long runs = 0;
	char *output = NULL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(scale_generate(&sp, dir, &res), 0);
	assert_int_equal(res.jobs, 30);
	assert_int_equal(res.stores.nr, 12);
	for (size_t k = 0; k < res.stores.nr; k++) {
		strbuf_reset(&sql);
		sb_printf(&sql, "SELECT count(*) FROM runs r JOIN sweeps s ON s.id = r.sweep"
			  " WHERE s.uuid = '%s' AND s.shard = '%zu/12'", res.uuid, k + 1);
		/* 30 jobs over 12 shards: 3 for shards 1..6, 2 for the others. */
		assert_int_equal(count(res.stores.v[k], sql.buf), k < 6 ? 3 : 2);
		runs += count(res.stores.v[k], sql.buf);
		assert_int_equal(count(res.stores.v[k], "SELECT count(*) FROM binaries"), 3);
	}
	assert_int_equal(runs, 30);
	/* More shards than SQLite attaches at once: merge groups them. */
	sb_printf(&out, "%s/merged.db", dir);
	strvec_pushv(&argv, (const char *const[]){ vm, "merge", out.buf, NULL });
	strvec_pushv(&argv, res.stores.v);
	assert_exit(tu_run(&output, argv.v, (const char *const[]){ NULL }, 120), 0);
	assert_contains(output, "merged into", "merge's summary");
	strbuf_reset(&sql);
	sb_printf(&sql, "SELECT count(*) FROM runs r JOIN sweeps s ON s.id = r.sweep"
		  " WHERE s.uuid = '%s' AND s.status = 'finished'", res.uuid);
	assert_int_equal(count(out.buf, sql.buf), 30);
	assert_int_equal(count(out.buf, "SELECT count(DISTINCT r.scenario || r.qemu || r.libvirt)"
				       " FROM runs r JOIN sweeps s ON s.id = r.sweep"
				       " WHERE s.status = 'finished'"), 30);
	assert_int_equal(count(out.buf, "SELECT count(*) FROM sweeps"), 2);
	assert_int_equal(count(out.buf, "SELECT count(*) FROM binaries"), 3);
	strbuf_reset(&sql);
	sb_printf(&sql, "SELECT count(*) FROM sweeps WHERE uuid = '%s' AND shard ="
		  " '1,2,3,4,5,6,7,8,9,10,11,12/12'", res.uuid);
	assert_int_equal(count(out.buf, sql.buf), 1);
	free(output);
	strvec_clear(&argv);
	strbuf_release(&out);
	strbuf_release(&sql);
	scale_result_release(&res);
	assert_int_equal(remove_tree(dir), 0);
	free(dir);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_is_jobplans),
		cmocka_unit_test(test_generated_shards_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
