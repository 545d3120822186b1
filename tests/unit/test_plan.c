/*
 * `virt-matrix plan`: for gitlab-ci, the child pipeline's content
 * (parallel sweep job with the sweep id and the shard stores as
 * artifacts, merge job, report job), sweep options passed through with
 * shell quoting, the errors for bad options and for output that cannot
 * be written, and that the YAML parses (with Python's yaml module,
 * python3-yaml of make deps) into the same structure; for github, the
 * workflow (matrix sweep job, artifacts, merge job) and its sweep jobs
 * of at most 256 shards; for k8s, the Indexed sweep Job and the merge
 * Job; each engine's own bad options. tests/integration/test_plan_schemas
 * has the engines' checkers judge the files.
 * python3-yaml of make deps) into the same structure. `--format slurm`:
 * the submit script's job array, merge-and-report job with its
 * dependency, quoting, arrays of at most 1000 tasks, and sh -n of the
 * script and of every job script in it.
 * shell quoting, the import into each copy's empty store, merge's needs
 * within GitLab's limit, the parent pipeline (--parent), the errors for
 * bad options and for output that cannot be written, and that the YAML
 * parses (with Python's yaml module, python3-yaml of make deps) into the
 * same structure.
 */

#include "testutil.h"
#include "sweep.h"
#include "plan.h"

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
	{ "other format", { "--format", "jenkins" }, "not 'jenkins'" },
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

/* ---- --format slurm ---- */

static const char slurm_job_end[] = "\nVIRT_MATRIX_JOB\n";

/* How many times needle occurs in s. */
static int occurrences(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_slurm_script(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "slurm", "--shards", "4",
				    "--sweep-id", UUID, "--qemu", "7.2.0", "--scenario",
				    "it's.cfg", "--installed", "--tag", "kvm", "--tag", "big mem",
				    "--workdir", "/srv/lab's sweeps", NULL },
			      &out, &err),
			 0);
	assert_string_equal(err, "");
	assert_starts_with(out, "#!/bin/sh\n# virt-matrix sweep " UUID " over 4 machines");
	assert_contains(out, "\nset -eu\n", "stops at the first failure");
	assert_contains(out, "\ndir='/srv/lab'\\''s sweeps'\n", "quoted workdir");
	assert_contains(out, "\tid=$(sbatch --parsable \"$@\")\n\tid=${id%%;*}\n", "job id");
	/* The array: shard from the task's variables, a store each. */
	assert_contains(out, "submit --job-name=virt-matrix-sweep --chdir=\"$dir\""
			     " --partition='kvm,big mem' --array=1-4 <<'VIRT_MATRIX_JOB'\n"
			     "#!/bin/sh\nset -eu\n"
			     "rc=0; virt-matrix sweep --sweep-id " UUID " --no-report"
			     " --db shard-${SLURM_ARRAY_TASK_ID}.db '--qemu' '7.2.0'"
			     " '--scenario' 'it'\\''s.cfg' '--installed' || rc=$?;"
			     " echo \"$rc\" > shard-${SLURM_ARRAY_TASK_ID}.rc;"
			     " test \"$rc\" -le 1\nVIRT_MATRIX_JOB\n"
			     "sweep1=$id\nprintf 'sweep job %s: shards 1-4 of 4\\n' \"$id\"\n",
			"sweep array");
	/* Merge and report once every task succeeded, in the same place. */
	assert_contains(out, "submit --job-name=virt-matrix-report --chdir=\"$dir\""
			     " --partition='kvm,big mem' --dependency=afterok:$sweep1"
			     " --kill-on-invalid-dep=yes <<'VIRT_MATRIX_JOB'\n#!/bin/sh\nset -eu\n"
			     "virt-matrix merge matrix.db shard-*.db || exit $?; rc=0;"
			     " virt-matrix report all --format html,md,json,junit --sweep " UUID
			     " --out report --db matrix.db || rc=$?; if [ \"$rc\" -eq 0 ] &&"
			     " grep -qvx 0 shard-*.rc; then echo 'error: a shard'\\''s sweep exited"
			     " 1 (shard-*.rc): see its log' >&2; rc=1; fi; exit \"$rc\"\n"
			     "VIRT_MATRIX_JOB\n"
			     "printf 'report job %s: merge and report once every sweep job"
			     " ran to its end\\n' \"$id\"\n",
			"report job");
	assert_int_equal(occurrences(out, "--shard "), 0);
	assert_int_equal(occurrences(out, slurm_job_end), 2);
	free(out);
	free(err);

	/* Without --workdir the jobs run where the script is run. */
	assert_int_equal(plan((const char *const[]){ "--format", "slurm", "--sweep-id", UUID,
				    "--bin", "/opt/vm/bin/virt-matrix", NULL },
			      &out, &err),
			 0);
	assert_contains(out, "\ndir=$(pwd)\n", "default workdir");
	assert_contains(out, "--chdir=\"$dir\" --array=1-2 <<", "no partition");
	assert_contains(out, "rc=0; /opt/vm/bin/virt-matrix sweep --sweep-id " UUID, "bin");
	assert_contains(out, "\n/opt/vm/bin/virt-matrix merge matrix.db shard-*.db ||", "merge bin");
	free(out);
	free(err);
}

/*
 * 2500 shards: Slurm's arrays stop at index 1000 (MaxArraySize 1001), so
 * three arrays whose tasks name their shard, one store per shard, and a
 * merge job that waits for all three.
 */
static void test_slurm_chunks(void **state)
{
	static const char *const arrays[] = {
		"--array=1-1000 <<'VIRT_MATRIX_JOB'\n#!/bin/sh\nset -eu\n"
		"rc=0; virt-matrix sweep --sweep-id " UUID " --no-report"
		" --db shard-${SLURM_ARRAY_TASK_ID}.db --shard ${SLURM_ARRAY_TASK_ID}/2500"
		" '--libvirt' 'none' || rc=$?; echo \"$rc\" > shard-${SLURM_ARRAY_TASK_ID}.rc;"
		" test \"$rc\" -le 1\nVIRT_MATRIX_JOB\nsweep1=$id\n"
		"printf 'sweep job %s: shards 1-1000 of 2500\\n'",
		"--array=1-1000 <<'VIRT_MATRIX_JOB'\n#!/bin/sh\nset -eu\n"
		"rc=0; virt-matrix sweep --sweep-id " UUID " --no-report"
		" --db shard-$((SLURM_ARRAY_TASK_ID + 1000)).db"
		" --shard $((SLURM_ARRAY_TASK_ID + 1000))/2500"
		" '--libvirt' 'none' || rc=$?;"
		" echo \"$rc\" > shard-$((SLURM_ARRAY_TASK_ID + 1000)).rc;"
		" test \"$rc\" -le 1\nVIRT_MATRIX_JOB\nsweep2=$id\n"
		"printf 'sweep job %s: shards 1001-2000 of 2500\\n'",
		"--array=1-500 <<'VIRT_MATRIX_JOB'\n#!/bin/sh\nset -eu\n"
		"rc=0; virt-matrix sweep --sweep-id " UUID " --no-report"
		" --db shard-$((SLURM_ARRAY_TASK_ID + 2000)).db"
		" --shard $((SLURM_ARRAY_TASK_ID + 2000))/2500"
		" '--libvirt' 'none' || rc=$?;"
		" echo \"$rc\" > shard-$((SLURM_ARRAY_TASK_ID + 2000)).rc;"
		" test \"$rc\" -le 1\nVIRT_MATRIX_JOB\nsweep3=$id\n"
		"printf 'sweep job %s: shards 2001-2500 of 2500\\n'",
	};
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "slurm", "--shards", "2500",
				    "--sweep-id", UUID, "--libvirt", "none", NULL },
			      &out, &err),
			 0);
	assert_contains(err, "2500 shards: Slurm runs at most 1000 copies of one job, so the"
			     " plan has 3 sweep jobs", "chunking message");
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++)
		assert_contains(out, arrays[i], "array");
	assert_int_equal(occurrences(out, "--job-name=virt-matrix-sweep "), 3);
	assert_contains(out, " --dependency=afterok:$sweep1:$sweep2:$sweep3 --kill-on-invalid-dep=yes",
			"merge waits for every array");
	free(out);
	free(err);

	/* A last array of one task is still an array: 1-1. */
	assert_int_equal(plan((const char *const[]){ "--format", "slurm", "--shards", "1001",
				    "--sweep-id", UUID, NULL },
			      &out, &err),
			 0);
	assert_contains(out, "--array=1-1 <<'VIRT_MATRIX_JOB'\n#!/bin/sh\nset -eu\n"
			     "rc=0; virt-matrix sweep --sweep-id " UUID " --no-report"
			     " --db shard-$((SLURM_ARRAY_TASK_ID + 1000)).db"
			     " --shard $((SLURM_ARRAY_TASK_ID + 1000))/1001 || rc=$?;", "one-task array");
	free(out);
	free(err);
}

/*
 * The job script of the here-document that starts at *from, or NULL when
 * there is none; *from moves past it.
 */
static char *slurm_next_job(const char **from)
{
	const char *b = strstr(*from, "<<'VIRT_MATRIX_JOB'\n"), *e;

	if (!b)
		return NULL;
	b += strlen("<<'VIRT_MATRIX_JOB'\n");
	e = strstr(b, slurm_job_end);
	assert_non_null(e);
	*from = e + strlen(slurm_job_end);
	return xstrndup(b, (size_t)(e - b) + 1);
}

/* sh -n on text (Debian's /bin/sh: dash); its output in *msg. */
static int sh_syntax(const char *dir, const char *name, const char *text, char **msg)
{
	char *p = tu_path(dir, name);
	int rc;

	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	rc = tu_run(msg, (const char *const[]){ "/bin/sh", "-n", p, NULL },
		    (const char *const[]){ NULL }, 60);
	free(p);
	return rc;
}

/*
 * The script and every job script in it pass sh -n, chunked or not, with
 * quotes in the options; a script that is not sh is seen to fail.
 */
static void test_slurm_syntax(void **state)
{
	static const char *const shards[] = { "1", "3", "2500" };
	char *dir = tu_tmpdir("plan-slurm"), *msg;

	(void)state;
	assert_int_not_equal(sh_syntax(dir, "bad.sh", "if then\n", &msg), 0);
	free(msg);
	for (size_t i = 0; i < ARRAY_SIZE(shards); i++) {
		char *out, *err, *job;
		const char *at;
		int jobs = 0;

		assert_int_equal(plan((const char *const[]){ "--format", "slurm", "--shards",
					    shards[i], "--sweep-id", UUID, "--scenario",
					    "it's \"x\" $HOME `id`", "--tag", "a'b",
					    "--workdir", "$(x) 'y'", NULL },
				      &out, &err),
				 0);
		if (sh_syntax(dir, "plan.sh", out, &msg))
			fail_msg("%s shards: sh -n: %s\n%s", shards[i], msg, out);
		free(msg);
		for (at = out; (job = slurm_next_job(&at)); jobs++) {
			if (sh_syntax(dir, "job.sh", job, &msg))
				fail_msg("%s shards, job %d: sh -n: %s\n%s", shards[i], jobs + 1,
					 msg, job);
			if (strstr(job, " sweep --sweep-id "))
				assert_contains(job, " '--scenario' 'it'\\''s \"x\" $HOME `id`'",
						"quoted scenario");
			free(msg);
			free(job);
		}
		/* The sweep arrays and the report job. */
		assert_int_equal(jobs, i == 2 ? 4 : 2);
		free(out);
		free(err);
	}
	tu_rmdir(dir);
}

static const struct bad_case slurm_bad_cases[] = {
	/* The job's shell reads the binary as it is. */
	{ "shell word in bin", { "--format", "slurm", "--bin", "vm$(id)" },
	  "--bin 'vm$(id)': a path of letters, digits" },
	/* A line of its own could end the job script's here-document. */
	{ "line break", { "--format", "slurm", "--qemu", "7.2\nVIRT_MATRIX_JOB\nid" },
	  "a sweep option with a line break cannot go into a plan" },
	{ "empty partition", { "--format", "slurm", "--tag", "" },
	  "--tag wants a partition name, not ''" },
	{ "workdir elsewhere", { "--format", "gitlab-ci", "--workdir", "/srv" },
	  "--workdir is not for --format gitlab-ci" },
};

static void test_slurm_bad_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(slurm_bad_cases); i++) {
		char *out, *err;

		if (plan(slurm_bad_cases[i].args, &out, &err) == 0)
			fail_msg("%s: accepted", slurm_bad_cases[i].name);
		assert_contains(err, slurm_bad_cases[i].error, slurm_bad_cases[i].name);
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

/* The GitHub workflow: matrix sweep job, artifacts, merge job. */
static void test_github_workflow(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "github", "--shards", "3",
				    "--sweep-id", UUID, "--qemu", "7.2.0", "--scenario",
				    "it's.cfg", "--tag", "self-hosted", "--tag", "kvm-lab", NULL },
			      &out, &err),
			 0);
	assert_contains(out, "on:\n  workflow_dispatch:\n  workflow_call:\n", "triggers");
	assert_contains(out, "  VIRT_MATRIX_SWEEP: \"" UUID "\"\n", "sweep id");
	assert_contains(out, "jobs:\n  sweep:\n    runs-on: [\"self-hosted\", \"kvm-lab\"]\n"
			     "    strategy:\n      fail-fast: false\n      matrix:\n"
			     "        shard: [1, 2, 3]\n", "matrix job");
	assert_contains(out, "        run: \"virt-matrix sweep --sweep-id " UUID
			     " --no-report --db shard-${{ matrix.shard }}.db --shard"
			     " ${{ matrix.shard }}/3 '--qemu' '7.2.0' '--scenario' 'it'\\\\''s.cfg'\"\n",
			"sweep step");
	assert_contains(out, "        if: always()\n        uses: actions/upload-artifact@v4\n"
			     "        with:\n          name: \"shard-${{ matrix.shard }}\"\n"
			     "          path: \"shard-${{ matrix.shard }}.db\"\n", "store artifact");
	assert_contains(out, "  merge:\n    needs: [sweep]\n    if: ${{ !cancelled() }}\n", "merge needs");
	assert_contains(out, "uses: actions/download-artifact@v4\n        with:\n"
			     "          pattern: \"shard-*\"\n          merge-multiple: true\n",
			"download");
	assert_contains(out, "run: \"virt-matrix merge matrix.db shard-*.db\"\n", "merge step");
	assert_contains(out, "run: \"virt-matrix report all --format html,md,json,junit --sweep "
			     UUID " --out report --db matrix.db\"\n", "report step");
	assert_string_equal(err, "");
	free(out);
	free(err);

	/* No --tag: the runners are self-hosted. */
	assert_int_equal(plan((const char *const[]){ "--format", "github", "--shards", "1",
				    "--sweep-id", UUID, NULL },
			      &out, &err),
			 0);
	assert_contains(out, "    runs-on: [\"self-hosted\"]\n", "default runners");
	assert_contains(out, "        shard: [1]\n", "one shard");
	free(out);
	free(err);
}

/* Over 256 shards: one matrix job per 256, the merge job needing all. */
static void test_github_chunks(void **state)
{
	char *out, *err, *p;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "github", "--shards", "600",
				    "--sweep-id", UUID, NULL },
			      &out, &err),
			 0);
	assert_contains(err, "600 shards: GitHub Actions runs at most 256 copies of one job, "
			     "so the plan has 3 sweep jobs", "chunk note");
	assert_contains(out, "  sweep-1:\n", "sweep-1");
	assert_contains(out, "        shard: [1, 2, ", "sweep-1 from 1");
	assert_contains(out, ", 255, 256]\n    steps:\n", "sweep-1 to 256");
	assert_contains(out, "  sweep-2:\n", "sweep-2");
	assert_contains(out, "        shard: [257, 258, ", "sweep-2 from 257");
	assert_contains(out, ", 512]\n", "sweep-2 to 512");
	assert_contains(out, "        shard: [513, ", "sweep-3 from 513");
	assert_contains(out, ", 599, 600]\n", "sweep-3 to 600");
	assert_null(strstr(out, "sweep-4:"));
	assert_null(strstr(out, "\n  sweep:\n"));
	assert_contains(out, "--shard ${{ matrix.shard }}/600\"\n", "global shard numbers");
	assert_contains(out, "  merge:\n    needs: [sweep-1, sweep-2, sweep-3]\n", "merge needs all");
	/* 256 numbers in each full matrix. */
	p = strstr(out, "  sweep-2:\n");
	assert_non_null(p);
	p = strstr(p, "shard: [");
	assert_non_null(p);
	{
		size_t commas = 0;

		for (; *p != ']'; p++)
			commas += *p == ',';
		assert_int_equal(commas, 255);
	}
	free(out);
	free(err);
}

/* The Kubernetes Jobs: Indexed sweep Job, merge Job, volume, privileges. */
static void test_k8s_jobs(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(plan((const char *const[]){ "--format", "k8s", "--shards", "3",
				    "--sweep-id", UUID, "--image", "registry.lab/virt-matrix:1",
				    "--volume-claim", "lab-sweeps", "--tag", "kvm=true",
				    "--scenario", "$(HOME)it's", NULL },
			      &out, &err),
			 0);
	assert_contains(out, "#   kubectl apply -f FILE -l virt-matrix/step=sweep\n"
			     "#   kubectl wait --for=condition=complete --timeout=24h "
			     "job/virt-matrix-sweep-0f3c2a4e\n"
			     "#   kubectl apply -f FILE -l virt-matrix/step=merge\n", "how to apply");
	assert_contains(out, "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
			     "  name: virt-matrix-sweep-0f3c2a4e\n", "sweep Job");
	assert_contains(out, "    virt-matrix/step: sweep\n", "sweep label");
	assert_contains(out, "spec:\n  completionMode: Indexed\n  completions: 3\n"
			     "  parallelism: 3\n  backoffLimitPerIndex: 2\n", "indexed");
	assert_contains(out, "      restartPolicy: Never\n      nodeSelector:\n"
			     "        kvm: \"true\"\n", "node selector");
	assert_contains(out, "          image: \"registry.lab/virt-matrix:1\"\n", "image");
	/* $ doubled: Kubernetes would expand $(HOME) itself. */
	assert_contains(out, "            - \"mkdir -p /sweeps/" UUID " && cd /sweeps/" UUID
			     " && k=$$((JOB_COMPLETION_INDEX + 1)) && { rc=0; virt-matrix sweep"
			     " --sweep-id " UUID " --no-report --db shard-$$k.db '--scenario'"
			     " '$$(HOME)it'\\\\''s' || rc=$$?; echo \\\"$$rc\\\" > shard-$$k.rc;"
			     " test \\\"$$rc\\\" -le 1; }\"\n", "sweep script");
	assert_contains(out, "          env:\n            - name: VIRT_MATRIX_SHARDS\n"
			     "              value: \"3\"\n          securityContext:\n"
			     "            privileged: true\n", "shard count, privileges");
	assert_contains(out, "            claimName: \"lab-sweeps\"\n", "claim");
	assert_contains(out, "  name: virt-matrix-merge-0f3c2a4e\n", "merge Job");
	assert_contains(out, "spec:\n  backoffLimit: 0\n", "merge once");
	assert_contains(out, "            - \"cd /sweeps/" UUID " || exit 1; virt-matrix merge"
			     " matrix.db shard-*.db || exit $$?; rc=0; virt-matrix report all"
			     " --format html,md,json,junit --sweep " UUID " --out report --db"
			     " matrix.db || rc=$$?; if [ \\\"$$rc\\\" -eq 0 ] && grep -qvx 0"
			     " shard-*.rc; then echo 'error: a shard'\\\\''s sweep exited 1"
			     " (shard-*.rc): see its log' >&2; rc=1; fi; exit \\\"$$rc\\\"\"\n",
			"merge script");
	/* Only the sweep pods are privileged and placed. */
	assert_null(strstr(strstr(out, "virt-matrix-merge-"), "privileged"));
	assert_null(strstr(strstr(out, "virt-matrix-merge-"), "nodeSelector"));
	assert_string_equal(err, "");
	free(out);
	free(err);

	/* The default claim. */
	assert_int_equal(plan((const char *const[]){ "--format", "k8s", "--sweep-id", UUID,
				    "--image", "x", NULL },
			      &out, &err),
			 0);
	assert_contains(out, "            claimName: \"virt-matrix\"\n", "default claim");
	assert_contains(out, "  completions: 2\n", "default shards");
	assert_null(strstr(out, "nodeSelector"));
	free(out);
	free(err);
}

static const struct bad_case engine_bad_cases[] = {
	{ "k8s without image", { "--format", "k8s" }, "--format k8s needs --image" },
	{ "k8s image with space", { "--format", "k8s", "--image", "a b" }, "--image 'a b'" },
	{ "k8s claim upper case", { "--format", "k8s", "--image", "x", "--volume-claim", "Lab" },
	  "--volume-claim 'Lab': a claim name is lower-case" },
	{ "k8s tag without value", { "--format", "k8s", "--image", "x", "--tag", "kvm" },
	  "--tag 'kvm': for k8s a node label KEY=VALUE" },
	{ "k8s tag bad value", { "--format", "k8s", "--image", "x", "--tag", "kvm=a b" },
	  "--tag 'kvm=a b'" },
	{ "github expression", { "--format", "github", "--scenario", "${{ secrets.X }}" },
	  "'${{ secrets.X }}': GitHub would read '${{' in a workflow as an expression" },
	{ "github file too big", { "--format", "github", "--shards", "100000" },
	  "GitHub runs no workflow file over 500 KB" },
};

static void test_engine_bad_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(engine_bad_cases); i++) {
		char *out, *err;

		if (plan(engine_bad_cases[i].args, &out, &err) == 0)
			fail_msg("%s: accepted", engine_bad_cases[i].name);
		assert_contains(err, engine_bad_cases[i].error, engine_bad_cases[i].name);
		assert_string_equal(out, "");
		free(out);
		free(err);
	}
}

/*
 * The shell of plan_sweep_kept_status and plan_merge_report_kept run for
 * real by sh, with a virt-matrix of the test's own that exits as told
 * (FAKE_SWEEP for sweep, FAKE_REPORT for report): a sweep that ran to
 * its end (0, 1) makes a shard that succeeded, anything else one that
 * failed, and the merge job fails after the report when a shard's
 * status was not 0.
 */
static const struct kept_case {
	const char *name;
	const char *sweep_rcs; /* the shards' sweep statuses, one digit... each */
	const char *report;    /* report's status */
	const char *shard_ok;  /* per shard: 1 when its job succeeds */
	int final;	       /* the merge job's status */
	const char *says;      /* on its stderr, or NULL */
} kept_cases[] = {
	{ "all passed", "00", "0", "11", 0, NULL },
	{ "findings in one shard", "01", "0", "11", 1, "a shard's sweep exited 1" },
	{ "the report fails on its own", "00", "1", "11", 1, NULL },
	{ "a crashed shard", "02", "0", "10", 1, "a shard's sweep exited 1" },
};

static void test_kept_status_shell(void **state)
{
	char *dir = tu_tmpdir("kept"), *fake = tu_path(dir, "vm");
	struct strvec pass = STRVEC_INIT, tags = STRVEC_INIT;
	struct plan_spec sp = { .shards = 2, .uuid = UUID, .bin = fake, .pass = &pass,
				.tags = &tags };

	(void)state;
	tu_write(dir, "vm", "#!/bin/sh\ncase $1 in\n"
			    "sweep) exit \"$FAKE_SWEEP\" ;;\n"
			    "merge) touch matrix.db ;;\n"
			    "report) exit \"$FAKE_REPORT\" ;;\nesac\n");
	assert_int_equal(chmod(fake, 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(kept_cases); i++) {
		const struct kept_case *k = &kept_cases[i];
		struct strbuf env = STRBUF_INIT, rep = STRBUF_INIT, cmd = STRBUF_INIT;
		char *out = NULL;
		int rc;

		for (size_t n = 0; n < 2; n++) {
			struct strbuf db = STRBUF_INIT, rcf = STRBUF_INIT, want = STRBUF_INIT;
			char *got, *path;

			sb_printf(&db, "shard-%zu.db", n + 1);
			sb_printf(&rcf, "shard-%zu.rc", n + 1);
			strbuf_reset(&cmd);
			sb_printf(&cmd, "cd %s && set -eu && ", dir);
			plan_sweep_kept_status(&sp, db.buf, NULL, rcf.buf, &cmd);
			strbuf_reset(&env);
			sb_printf(&env, "FAKE_SWEEP=%c", k->sweep_rcs[n]);
			rc = tu_run_env(&out, (const char *const[]){ "/bin/sh", "-c", cmd.buf, NULL },
					(const char *const[]){ NULL },
					(const char *const[]){ env.buf, NULL }, 30);
			if ((rc == 0) != (k->shard_ok[n] == '1'))
				fail_msg("%s: shard %zu's job exited %d", k->name, n + 1, rc);
			path = tu_path(dir, rcf.buf);
			got = tu_read(path);
			sb_printf(&want, "%c\n", k->sweep_rcs[n]);
			if (strcmp(got, want.buf))
				fail_msg("%s: %s holds '%s'", k->name, rcf.buf, got);
			free(got);
			free(path);
			free(out);
			strbuf_release(&db);
			strbuf_release(&rcf);
			strbuf_release(&want);
		}
		strbuf_reset(&cmd);
		sb_printf(&cmd, "cd %s && set -eu && ", dir);
		plan_merge_report_kept(&sp, &cmd);
		sb_printf(&rep, "FAKE_REPORT=%s", k->report);
		rc = tu_run_env(&out, (const char *const[]){ "/bin/sh", "-c", cmd.buf, NULL },
				(const char *const[]){ NULL },
				(const char *const[]){ rep.buf, NULL }, 30);
		if (rc != k->final)
			fail_msg("%s: the merge job exited %d, not %d:\n%s", k->name, rc, k->final,
				 out);
		if (k->says)
			assert_contains(out, k->says, k->name);
		else if (strstr(out, "error:"))
			fail_msg("%s: %s", k->name, out);
		free(out);
		strbuf_release(&env);
		strbuf_release(&rep);
		strbuf_release(&cmd);
	}
	free(fake);
	tu_rmdir(dir);
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
		cmocka_unit_test(test_slurm_script),
		cmocka_unit_test(test_slurm_chunks),
		cmocka_unit_test(test_slurm_syntax),
		cmocka_unit_test(test_slurm_bad_options),
		cmocka_unit_test(test_unwritable_output),
		cmocka_unit_test(test_github_workflow),
		cmocka_unit_test(test_github_chunks),
		cmocka_unit_test(test_k8s_jobs),
		cmocka_unit_test(test_engine_bad_options),
		cmocka_unit_test(test_kept_status_shell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
