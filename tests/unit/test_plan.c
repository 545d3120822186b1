/*
 * `virt-matrix plan --format gitlab-ci`: the child pipeline's content
 * (parallel sweep job with the sweep id and the shard stores as
 * artifacts, merge job, report job), sweep options passed through with
 * shell quoting, the errors for bad options and for output that cannot
 * be written, and that the YAML parses (with Python's yaml module,
 * python3-yaml of make deps) into the same structure.
 */

#include "testutil.h"
#include "sweep.h"

#define UUID "0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60"

/* cmd_plan with argv; its stdout and stderr into *out, *err. */
static int plan(const char *const *args, char **out, char **err)
{
	char *argv[32];
	int argc = 0, rc, saved;
	FILE *f = tmpfile();
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	argv[argc++] = (char *)"plan";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	assert_non_null(f);
	saved = tu_stdout_to(dup(fileno(f)));
	tu_capture_begin();
	rc = cmd_plan(argc, argv);
	fflush(stdout);
	*err = tu_capture_end();
	tu_stdout_restore(saved);
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(strbuf_add(&sb, buf, n), 0);
	fclose(f);
	*out = strbuf_detach(&sb);
	return rc;
}

static void test_gitlab_pipeline(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--shards", "4",
				    "--sweep-id", UUID, "--qemu", "7.2.0", "--scenario",
				    "it's.cfg", "--installed", "--tag", "kvm-lab", NULL },
			      &out, &err),
			 0);
	assert_contains(out, "stages:\n  - sweep\n  - merge\n  - report\n", "stages");
	assert_contains(out, "sweep:\n  stage: sweep\n  parallel: 4\n", "parallel job");
	assert_contains(out, "    - \"virt-matrix sweep --sweep-id " UUID
			     " --no-report --db shard-${CI_NODE_INDEX}.db '--qemu' '7.2.0'"
			     " '--scenario' 'it'\\\\''s.cfg' '--installed'\"",
			"sweep script");
	assert_contains(out, "      - \"shard-${CI_NODE_INDEX}.db\"", "shard artifact");
	assert_contains(out, "merge:\n  stage: merge\n  needs:\n    - job: sweep\n", "merge needs");
	assert_contains(out, "\"virt-matrix merge matrix.db shard-*.db\"", "merge script");
	assert_contains(out, "report all --format html,md,json,junit --sweep " UUID
			     " --out report --db matrix.db", "report script");
	assert_contains(out, "  tags:\n    - \"kvm-lab\"\n", "tags");
	free(out);
	free(err);
}

/* Python's yaml reads it back as the same structure. */
static void test_pipeline_parses(void **state)
{
	char *dir = tu_tmpdir("plan"), *out, *err, *py = NULL;
	struct strbuf p = STRBUF_INIT;
	static const char script[] =
		"import sys, yaml\n"
		"d = yaml.safe_load(open(sys.argv[1]))\n"
		"s, m, r = d['sweep'], d['merge'], d['report']\n"
		"print(d['stages'], s['parallel'], d['variables']['VIRT_MATRIX_SWEEP'])\n"
		"print(s['script'][0])\n"
		"print(s['artifacts']['paths'], m['needs'][0]['job'], r['needs'][0]['job'])\n"
		"print(m['artifacts']['paths'], r['artifacts']['reports']['junit'])\n";

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--shards", "3",
				    "--sweep-id", UUID, "--libvirt", "none", NULL },
			      &out, &err),
			 0);
	sb_printf(&p, "%s/sweep.yml", dir);
	assert_int_equal(write_file_atomic(p.buf, out, strlen(out)), 0);
	/* A dependency (make deps): without it the test would check nothing. */
	if (!path_exists("/usr/bin/python3") ||
	    tu_run(&py, (const char *const[]){ "/usr/bin/python3", "-c", "import yaml", NULL },
		   (const char *const[]){ NULL }, 60))
		fail_msg("python3 cannot import yaml ('make deps' installs python3-yaml): %s",
			 py ? py : "no /usr/bin/python3");
	free(py);
	assert_exit(tu_run(&py, (const char *const[]){ "/usr/bin/python3", "-c", script, p.buf,
						       NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	assert_contains(py, "['sweep', 'merge', 'report'] 3 " UUID "\n", "parsed");
	assert_contains(py, "virt-matrix sweep --sweep-id " UUID
			    " --no-report --db shard-${CI_NODE_INDEX}.db '--libvirt' 'none'\n",
			"parsed script");
	assert_contains(py, "['shard-${CI_NODE_INDEX}.db'] sweep merge\n", "parsed needs");
	assert_contains(py, "['matrix.db'] report/*.xml\n", "parsed artifacts");
	free(py);
	free(out);
	free(err);
	strbuf_release(&p);
	tu_rmdir(dir);
}

struct bad_case {
	const char *name;
	const char *args[8];
	const char *error;
};

static const struct bad_case bad_cases[] = {
	{ "no format", { "--shards", "2" }, "--format wants one of gitlab-ci" },
	{ "other format", { "--format", "github" }, "not 'github'" },
	{ "zero shards", { "--format", "gitlab-ci", "--shards", "0" }, "--shards wants a number" },
	{ "bad uuid", { "--format", "gitlab-ci", "--sweep-id", "nope" }, "--sweep-id wants a uuid" },
	{ "quote in bin", { "--format", "gitlab-ci", "--bin", "a\"b" }, "--bin 'a\"b'" },
	/* What the runners would pass to sweep is checked as sweep does. */
	{ "sweep's jobs", { "--format", "gitlab-ci", "--jobs", "abc" },
	  "--jobs wants a number from 1 to 64, not 'abc'" },
	{ "sweep's timeout", { "--format", "gitlab-ci", "--timeout", "0" },
	  "--timeout wants seconds from 1 to 86400, not '0'" },
	{ "sweep's source", { "--format", "gitlab-ci", "--from", "ftp" },
	  "--from wants auto, upstream or debian, not 'ftp'" },
};

static void test_bad_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		char *out, *err;

		if (plan(bad_cases[i].args, &out, &err) == 0)
			fail_msg("%s: accepted", bad_cases[i].name);
		assert_contains(err, bad_cases[i].error, bad_cases[i].name);
		assert_string_equal(out, "");
		free(out);
		free(err);
	}
}

/*
 * A plan that cannot be written is a failure that says why (it used to
 * exit 1 without a word): stdout on /dev/full, or on an fd that cannot
 * be written (closing 1 would let the next open take it).
 */
static const struct {
	const char *name;
	const char *to;
	int flags;
	const char *error;
} unwritable[] = {
	{ "a full disk", "/dev/full", O_WRONLY,
	  "error: cannot write to standard output: No space left on device\n" },
	{ "stdout not writable", "/dev/null", O_RDONLY,
	  "error: cannot write to standard output: Bad file descriptor\n" },
};

static void test_unwritable_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unwritable); i++) {
		char *argv[] = { (char *)"plan", (char *)"--format", (char *)"gitlab-ci",
				 (char *)"--sweep-id", (char *)UUID, NULL };
		int saved, rc;
		char *err;

		saved = tu_stdout_to(open(unwritable[i].to, unwritable[i].flags | O_CLOEXEC));
		tu_capture_begin();
		rc = cmd_plan((int)ARRAY_SIZE(argv) - 1, argv);
		err = tu_capture_end();
		tu_stdout_restore(saved);
		if (rc != 1 || strcmp(err, unwritable[i].error))
			fail_msg("%s: exit status %d, message\n%s\nwant\n%s", unwritable[i].name,
				 rc, err, unwritable[i].error);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gitlab_pipeline),
		cmocka_unit_test(test_pipeline_parses),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_unwritable_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
