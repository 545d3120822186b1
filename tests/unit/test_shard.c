/*
 * lib/shard.c: K/N from --shard, from GitLab's CI_NODE_INDEX/CI_NODE_TOTAL,
 * from Slurm's array variables (0- or 1-based as SLURM_ARRAY_TASK_MIN
 * says) and from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with
 * VIRT_MATRIX_SHARDS, the errors for malformed values, that every
 * engine's name for shard K of N owns the same jobs, and that the slices
 * of a job list are disjoint, cover it, and do not depend on anything
 * but the index.
 */
#include "testutil.h"
#include "shard.h"

struct parse_case {
	const char *s;
	int ok;
	long k, n;
};

static const struct parse_case parse_cases[] = {
	{ "1/1", 1, 1, 1 }, { "2/4", 1, 2, 4 }, { "4/4", 1, 4, 4 },
	{ "0/4", 0, 0, 0 }, { "5/4", 0, 0, 0 }, { "1/0", 0, 0, 0 },
	{ "1", 0, 0, 0 },   { "a/b", 0, 0, 0 }, { "1/2/3", 0, 0, 0 },
	{ "/2", 0, 0, 0 },  { "2/", 0, 0, 0 },  { " 1/2", 0, 0, 0 },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct shard sh;
		int rc = shard_parse(c->s, &sh);

		if (c->ok && (rc || sh.k != c->k || sh.n != c->n))
			fail_msg("'%s': rc %d, %ld/%ld", c->s, rc, sh.k, sh.n);
		if (!c->ok && !rc)
			fail_msg("'%s': accepted as %ld/%ld", c->s, sh.k, sh.n);
	}
}

struct env_case {
	const char *name;
	const char *vars[8]; /* NAME=VALUE */
	int ok;
	long k, n;
	const char *error;
};

static const char *const all_vars[] = {
	"CI_NODE_INDEX", "CI_NODE_TOTAL", "SLURM_ARRAY_TASK_ID",
	"SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX",
	"VIRT_MATRIX_SHARDS",
};

static const struct env_case env_cases[] = {
	{ "nothing set", { NULL }, 1, 1, 1, NULL },
	{ "gitlab", { "CI_NODE_INDEX=3", "CI_NODE_TOTAL=5" }, 1, 3, 5, NULL },
	{ "gitlab wins over slurm", { "CI_NODE_INDEX=1", "CI_NODE_TOTAL=2",
	  "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=9" }, 1, 1, 2, NULL },
	{ "slurm 0-based", { "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=4",
	  "SLURM_ARRAY_TASK_MIN=0" }, 1, 1, 4, NULL },
	{ "slurm 1-based", { "SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=4",
	  "SLURM_ARRAY_TASK_MIN=1" }, 1, 4, 4, NULL },
	{ "only one gitlab variable", { "CI_NODE_INDEX=2" }, 1, 1, 1, NULL },
	{ "gitlab index 0", { "CI_NODE_INDEX=0", "CI_NODE_TOTAL=2" }, 0, 0, 0,
	  "CI_NODE_INDEX is '0', not a number from 1 up" },
	{ "gitlab past the end", { "CI_NODE_INDEX=3", "CI_NODE_TOTAL=2" }, 0, 0, 0,
	  "shard 3 of 2 (from CI_NODE_INDEX/CI_NODE_TOTAL) does not exist" },
	{ "slurm below min", { "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=2",
	  "SLURM_ARRAY_TASK_MIN=1" }, 0, 0, 0, "is below SLURM_ARRAY_TASK_MIN 1" },
	{ "slurm junk", { "SLURM_ARRAY_TASK_ID=x", "SLURM_ARRAY_TASK_COUNT=2" }, 0, 0, 0,
	  "SLURM_ARRAY_TASK_ID is 'x'" },
	{ "kubernetes first", { "JOB_COMPLETION_INDEX=0", "VIRT_MATRIX_SHARDS=3" }, 1, 1, 3,
	  NULL },
	{ "kubernetes last", { "JOB_COMPLETION_INDEX=2", "VIRT_MATRIX_SHARDS=3" }, 1, 3, 3, NULL },
	{ "kubernetes without the count", { "JOB_COMPLETION_INDEX=2" }, 1, 1, 1, NULL },
	{ "slurm wins over kubernetes", { "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=2",
	  "JOB_COMPLETION_INDEX=0", "VIRT_MATRIX_SHARDS=5" }, 1, 2, 2, NULL },
	{ "kubernetes past the end", { "JOB_COMPLETION_INDEX=3", "VIRT_MATRIX_SHARDS=3" }, 0, 0,
	  0, "shard 4 of 3 (from JOB_COMPLETION_INDEX/VIRT_MATRIX_SHARDS) does not exist" },
	{ "kubernetes negative index", { "JOB_COMPLETION_INDEX=-1", "VIRT_MATRIX_SHARDS=3" }, 0,
	  0, 0, "JOB_COMPLETION_INDEX is '-1', not a number from 0 up" },
	{ "kubernetes no shards", { "JOB_COMPLETION_INDEX=0", "VIRT_MATRIX_SHARDS=0" }, 0, 0, 0,
	  "VIRT_MATRIX_SHARDS is '0', not a number from 1 up" },
	{ "kubernetes junk count", { "JOB_COMPLETION_INDEX=0", "VIRT_MATRIX_SHARDS=3x" }, 0, 0,
	  0, "VIRT_MATRIX_SHARDS is '3x'" },
};

static void test_from_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(env_cases); i++) {
		const struct env_case *c = &env_cases[i];
		struct shard sh;
		char *msg;
		int rc;

		for (size_t v = 0; v < ARRAY_SIZE(all_vars); v++)
			unsetenv(all_vars[v]);
		for (size_t v = 0; v < ARRAY_SIZE(c->vars) && c->vars[v]; v++)
			assert_int_equal(putenv((char *)c->vars[v]), 0);
		tu_capture_begin();
		rc = shard_from_env(&sh);
		msg = tu_capture_end();
		if (c->ok && (rc || sh.k != c->k || sh.n != c->n))
			fail_msg("%s: rc %d, %ld/%ld: %s", c->name, rc, sh.k, sh.n, msg);
		if (!c->ok) {
			if (!rc)
				fail_msg("%s: accepted as %ld/%ld", c->name, sh.k, sh.n);
			assert_contains(msg, c->error, c->name);
		}
		free(msg);
	}
	for (size_t v = 0; v < ARRAY_SIZE(all_vars); v++)
		unsetenv(all_vars[v]);
}

/*
 * Shard K of N as each engine names it: GitLab's 1-based CI_NODE_INDEX,
 * a Slurm array 0..N-1, 1..N or from 5, a Kubernetes Indexed Job's
 * 0-based JOB_COMPLETION_INDEX, and GitHub's matrix value K in --shard
 * K/N (GitHub sets no variable).
 */
struct engine_case {
	const char *name;
	const char *vars[3]; /* the index's, the count's, a third's; none: --shard */
	long index_off;	     /* the engine's index of shard K is K + index_off */
	long third;	     /* the value of vars[2] */
};

static const struct engine_case engines[] = {
	{ "gitlab", { "CI_NODE_INDEX", "CI_NODE_TOTAL" }, 0, 0 },
	{ "slurm 0-based", { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
	  "SLURM_ARRAY_TASK_MIN" }, -1, 0 },
	{ "slurm 1-based", { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
	  "SLURM_ARRAY_TASK_MIN" }, 0, 1 },
	{ "slurm from 5", { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
	  "SLURM_ARRAY_TASK_MIN" }, 4, 5 },
	{ "kubernetes", { "JOB_COMPLETION_INDEX", "VIRT_MATRIX_SHARDS" }, -1, 0 },
	{ "github (--shard)", { NULL }, 0, 0 },
};

/* Shard K of N as engine e gives it, into sh; fails the test if refused. */
static void engine_shard(const struct engine_case *e, long k, long n, struct shard *sh)
{
	char val[32], *msg;
	int rc;

	for (size_t v = 0; v < ARRAY_SIZE(all_vars); v++)
		unsetenv(all_vars[v]);
	if (!e->vars[0]) {
		snprintf(val, sizeof(val), "%ld/%ld", k, n);
		if (shard_parse(val, sh))
			fail_msg("%s: '%s' refused", e->name, val);
		return;
	}
	for (size_t v = 0; v < ARRAY_SIZE(e->vars) && e->vars[v]; v++) {
		snprintf(val, sizeof(val), "%ld", v == 0 ? k + e->index_off : v == 1 ? n : e->third);
		assert_int_equal(setenv(e->vars[v], val, 1), 0);
	}
	tu_capture_begin();
	rc = shard_from_env(sh);
	msg = tu_capture_end();
	if (rc || !sh->from)
		fail_msg("%s: shard %ld of %ld not taken: %s", e->name, k, n, msg);
	free(msg);
}

/* Every engine's K of N owns the same jobs as every other's. */
static void test_engines_split_alike(void **state)
{
	static const long counts[] = { 1, 2, 3, 7, 256, 257 };

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
		long n = counts[c];

		for (long k = 1; k <= n; k++) {
			struct shard want;

			engine_shard(&engines[0], k, n, &want);
			if (want.k != k || want.n != n)
				fail_msg("%s: %ld/%ld taken as %ld/%ld", engines[0].name, k, n,
					 want.k, want.n);
			for (size_t e = 1; e < ARRAY_SIZE(engines); e++) {
				struct shard sh;

				engine_shard(&engines[e], k, n, &sh);
				for (size_t idx = 0; idx < (size_t)(3 * n + 2); idx++)
					if (shard_has(&sh, idx) != shard_has(&want, idx))
						fail_msg("%s, shard %ld of %ld: job %zu %s, "
							 "in %s %s", engines[e].name, k, n, idx,
							 shard_has(&sh, idx) ? "in" : "out",
							 engines[0].name,
							 shard_has(&want, idx) ? "in" : "out");
			}
		}
	}
	for (size_t v = 0; v < ARRAY_SIZE(all_vars); v++)
		unsetenv(all_vars[v]);
}

/* Every job in exactly one slice, slices within one of each other. */
static void test_slices_cover(void **state)
{
	(void)state;
	for (long n = 1; n <= 7; n++)
		for (size_t jobs = 0; jobs <= 23; jobs++) {
			size_t per[8] = { 0 };

			for (size_t idx = 0; idx < jobs; idx++) {
				int owners = 0;

				for (long k = 1; k <= n; k++) {
					struct shard sh = { k, n, NULL };

					if (shard_has(&sh, idx)) {
						owners++;
						per[k]++;
					}
				}
				if (owners != 1)
					fail_msg("%zu jobs, %ld shards: job %zu in %d slices",
						 jobs, n, idx, owners);
			}
			for (long k = 1; k <= n; k++)
				if (per[k] + 1 < per[1] || per[k] > per[1])
					fail_msg("%zu jobs, %ld shards: slice %ld has %zu, slice 1 %zu",
						 jobs, n, k, per[k], per[1]);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_from_env),
		cmocka_unit_test(test_slices_cover),
		cmocka_unit_test(test_engines_split_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
