/*
 * `virt-matrix plan --format gitlab-ci`: the child pipeline's content
 * (parallel sweep job with the sweep id and the shard stores as
 * artifacts, merge job, report job), sweep options passed through with
 * shell quoting, the import into each copy's empty store, merge's needs
 * within GitLab's limit, the parent pipeline (--parent), the errors for
 * bad options and for output that cannot be written, and that the YAML
 * parses (with Python's yaml module, python3-yaml of make deps) into the
 * same structure.
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
	assert_contains(out, "merge:\n  stage: merge\n  when: always\n  needs:\n    - job: sweep\n",
			"merge needs");
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

/*
 * Each copy's store starts empty on its runner: the sweep job registers
 * the runner's distribution QEMU and libvirt in it first (a sweep that
 * names its versions would not), in every chunk, with the copy's store.
 */
static const struct {
	const char *name;
	const char *shards;
	const char *want;
} before_cases[] = {
	{ "one job", "2",
	  "sweep:\n  stage: sweep\n  parallel: 2\n  before_script:\n"
	  "    - \"virt-matrix ark import --if-present --db shard-${CI_NODE_INDEX}.db qemu\"\n"
	  "    - \"virt-matrix ark import --if-present --db shard-${CI_NODE_INDEX}.db libvirt\"\n"
	  "  script:\n" },
	{ "second chunk", "450",
	  "sweep-2:\n  stage: sweep\n  parallel: 200\n  before_script:\n"
	  "    - \"virt-matrix ark import --if-present --db shard-2-${CI_NODE_INDEX}.db qemu\"\n"
	  "    - \"virt-matrix ark import --if-present --db shard-2-${CI_NODE_INDEX}.db libvirt\"\n"
	  "  script:\n" },
	{ "chunk of one shard", "201",
	  "sweep-2:\n  stage: sweep\n  before_script:\n"
	  "    - \"virt-matrix ark import --if-present --db shard-2-1.db qemu\"\n"
	  "    - \"virt-matrix ark import --if-present --db shard-2-1.db libvirt\"\n"
	  "  script:\n"
	  "    - \"virt-matrix sweep --sweep-id " UUID " --no-report --db shard-2-1.db"
	  " --shard 201/201\"\n" },
};

static void test_gitlab_empty_store_import(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(before_cases); i++) {
		char *out, *err;

		assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--shards",
					    before_cases[i].shards, "--sweep-id", UUID, NULL },
				      &out, &err),
				 0);
		assert_contains(out, before_cases[i].want, before_cases[i].name);
		free(out);
		free(err);
	}
}

/*
 * GitLab counts every copy of a parallel job as one need, at most 50 a
 * job: merge needs the sweep jobs up to 50 shards, and goes by stage
 * order beyond. merge and report run also after a failed shard.
 */
static const struct {
	const char *name;
	const char *shards;
	int needs;
} needs_cases[] = {
	{ "2 shards", "2", 1 },
	{ "50 shards", "50", 1 },
	{ "51 shards", "51", 0 },
	{ "450 shards", "450", 0 },
};

static void test_gitlab_merge_needs(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(needs_cases); i++) {
		char *out, *err;
		const char *merge;
		int has;

		assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--shards",
					    needs_cases[i].shards, "--sweep-id", UUID, NULL },
				      &out, &err),
				 0);
		merge = strstr(out, "\nmerge:\n  stage: merge\n  when: always\n");
		if (!merge)
			fail_msg("%s: no merge job run always in:\n%s", needs_cases[i].name, out);
		has = !strncmp(merge + strlen("\nmerge:\n  stage: merge\n  when: always\n"),
			       "  needs:\n", 9);
		if (has != needs_cases[i].needs)
			fail_msg("%s: merge %s needs:\n%s", needs_cases[i].name,
				 needs_cases[i].needs ? "without" : "with", merge);
		assert_contains(out, "\nreport:\n  stage: report\n  when: always\n  needs:\n"
				     "    - job: merge\n", needs_cases[i].name);
		free(out);
		free(err);
	}
}

/*
 * --parent: a plan job that runs the same plan (sweep options and tags
 * quoted for the shell, a new sweep id on every run unless one is given)
 * into an artifact, and a trigger job of that artifact, without tags.
 */
static void test_gitlab_parent(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--parent", "--shards",
				    "450", "--bin", "/opt/vm/bin/virt-matrix", "--tag", "kvm lab",
				    "--installed", "--scenario", "it's.cfg", NULL },
			      &out, &err),
			 0);
	assert_string_equal(out,
		"# virt-matrix sweep over 450 machines: the parent pipeline (virt-matrix plan --parent)\n"
		"# every run plans a new sweep\n"
		"stages:\n  - plan\n  - sweep\n\n"
		"plan:\n  stage: plan\n  tags:\n    - \"kvm lab\"\n  script:\n"
		"    - \"/opt/vm/bin/virt-matrix plan --format gitlab-ci --shards 450"
		" --bin /opt/vm/bin/virt-matrix --tag 'kvm lab' '--installed' '--scenario'"
		" 'it'\\\\''s.cfg' > virt-matrix-sweep.yml\"\n"
		"  artifacts:\n    paths:\n      - virt-matrix-sweep.yml\n\n"
		"run-sweep:\n  stage: sweep\n  trigger:\n    include:\n"
		"      - artifact: virt-matrix-sweep.yml\n        job: plan\n"
		"    strategy: depend\n");
	/* The plan job says how many sweep jobs when it runs, not now. */
	assert_string_equal(err, "");
	free(out);
	free(err);

	assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--parent",
				    "--sweep-id", UUID, NULL },
			      &out, &err),
			 0);
	assert_contains(out, "# every run continues sweep " UUID "\n", "pinned id");
	assert_contains(out, "    - \"virt-matrix plan --format gitlab-ci --shards 2 --sweep-id " UUID
			     " --bin virt-matrix > virt-matrix-sweep.yml\"\n",
			"pinned plan job");
	free(out);
	free(err);
}

/* Python's yaml reads the parent as GitLab would: the trigger's include. */
static void test_parent_parses(void **state)
{
	char *dir = tu_tmpdir("plan"), *out, *err, *py = NULL;
	struct strbuf p = STRBUF_INIT;
	static const char script[] =
		"import sys, yaml\n"
		"d = yaml.safe_load(open(sys.argv[1]))\n"
		"print(d['stages'], sorted(k for k in d if k != 'stages'))\n"
		"print(d['plan']['script'][0])\n"
		"print(d['plan']['artifacts']['paths'], d['run-sweep']['trigger'])\n";

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "gitlab-ci", "--parent",
				    "--shards", "3", "--libvirt", "none", NULL },
			      &out, &err),
			 0);
	sb_printf(&p, "%s/parent.yml", dir);
	assert_int_equal(write_file_atomic(p.buf, out, strlen(out)), 0);
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
	assert_string_equal(py,
		"['plan', 'sweep'] ['plan', 'run-sweep']\n"
		"virt-matrix plan --format gitlab-ci --shards 3 --bin virt-matrix '--libvirt' 'none'"
		" > virt-matrix-sweep.yml\n"
		"['virt-matrix-sweep.yml'] {'include': [{'artifact': 'virt-matrix-sweep.yml',"
		" 'job': 'plan'}], 'strategy': 'depend'}\n");
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
		cmocka_unit_test(test_gitlab_empty_store_import),
		cmocka_unit_test(test_gitlab_merge_needs),
		cmocka_unit_test(test_gitlab_parent),
		cmocka_unit_test(test_parent_parses),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_unwritable_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
