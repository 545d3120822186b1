/*
 * `virt-matrix plan --format gitlab-ci` for real: the pipelines it writes
 * run by gitlab-ci-local (tests/node/gitlab-ci-local, npm) with the shell
 * executor and --shell-isolation, so that each job has a directory of its
 * own (.gitlab-ci-local/builds/JOB) and gets only the artifacts of what it
 * needs, as on a runner, and checked against GitLab's CI schema
 * (tests/data/schemas/gitlab-ci/ci.json, with ajv):
 *   - the schema's verdicts: the child pipeline (2 and 450 shards) and the
 *     parent are valid, a sweep job of 'parallel: 201' is not;
 *   - the small sweep of test_sweep.c (two plain VM scenarios on Debian's
 *     QEMU) run unsharded, directly, as the baseline;
 *   - the child pipeline of two shards in a git repository of its own:
 *     every job passes, each sweep copy sweeps its own shard from an empty
 *     store into its own directory, merge gets both stores as artifacts,
 *     and the merged store holds one finished sweep "1,2/2" with the
 *     baseline's results; the report artifact has html, md, json, junit;
 *   - the parent pipeline (--parent), of the same sweep with its QEMU
 *     named (so that only the sweep job's before_script registers it in
 *     the empty stores): its plan job writes the same child as `plan`
 *     does, gitlab-ci-local triggers it, and the child's merged store
 *     again equals the baseline.
 * Nothing of gitlab-ci-local or its jobs may be left running, nor in the
 * TMPDIR they were given. Skipped, saying why, without node (or with one
 * older than 20.19), the npm modules (make deps), git or rsync
 * (--shell-isolation copies with it).
 */
#include "teststore.h"
#include "tuproc.h"
#include "sweep.h"

#define SCN "--scenario", "vm-i440fx", "--scenario", "vm-q35"
#define UUID "5eed0000-1111-4222-8333-444455556666"
#define NODE_DIR "tests/node/gitlab-ci-local"
#define SCHEMA "tests/data/schemas/gitlab-ci/ci.json"
#define PIPELINE_TIMEOUT 900

TU_DEBIAN_STORE_FIXTURE("plan-gitlab")

static char *baseline;

/*
 * A new directory dir/name (malloc'd): inside the fixture's directory, so
 * that teardown removes it also after a failure.
 */
static char *subdir(const char *name)
{
	char *d = tu_path(dir, name);

	assert_int_equal(mkdir_p(d, 0755), 0);
	return d;
}

/* Whether name is an executable in the PATH children get. */
static int on_path(const char *name)
{
	const char *p = CMD_DEFAULT_PATH;

	while (*p) {
		size_t n = strcspn(p, ":");
		struct strbuf f = STRBUF_INIT;
		int ok;

		sb_printf(&f, "%.*s/%s", (int)n, p, name);
		ok = access(f.buf, X_OK) == 0;
		strbuf_release(&f);
		if (ok)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/*
 * Whether `node --version` says at least 20.19, what gitlab-ci-local's
 * yargs asks (Debian bookworm's own nodejs is 18): 1, or 0 with why.
 */
static int node_new_enough(struct strbuf *why)
{
	char *out = NULL, *end = NULL;
	long major = 0, minor = 0;
	int ok;

	if (tu_run(&out, (const char *const[]){ "node", "--version", NULL },
		   (const char *const[]){ NULL }, 60) == 0 && out[0] == 'v') {
		major = strtol(out + 1, &end, 10);
		if (end && *end == '.')
			minor = strtol(end + 1, NULL, 10);
	}
	ok = major > 20 || (major == 20 && minor >= 19);
	if (out)
		out[strcspn(out, "\n")] = '\0';
	if (!ok)
		sb_printf(why, "node %s is older than 20.19, which gitlab-ci-local needs",
			  out ? out : "(no answer)");
	free(out);
	return ok;
}

/* Why the tools cannot run here (static), or NULL when they can. */
static const char *tools_missing(void)
{
	static struct strbuf why = STRBUF_INIT;

	static const char *const modules[] = {
		NODE_DIR "/node_modules/.bin/gitlab-ci-local", NODE_DIR "/node_modules/ajv",
		NODE_DIR "/node_modules/ajv-formats", NODE_DIR "/node_modules/yaml",
	};

	if (!on_path("node"))
		return "no node (make deps installs nodejs)";
	strbuf_reset(&why);
	if (!node_new_enough(&why))
		return why.buf;
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		if (!path_exists(modules[i]))
			return "no " NODE_DIR "/node_modules (make deps runs npm ci there)";
	if (!on_path("git"))
		return "no git: gitlab-ci-local runs in a git repository";
	if (!on_path("rsync"))
		return "no rsync (make deps): gitlab-ci-local --shell-isolation copies with it";
	return NULL;
}

#define SKIP_WITHOUT_TOOLS()                                                   \
	do {                                                                   \
		const char *why_ = tools_missing();                            \
		if (why_) {                                                    \
			fprintf(stderr, "skipped: %s\n", why_);                \
			skip();                                                \
		}                                                              \
	} while (0)

/*
 * `virt-matrix plan ARGS...` (NULL-terminated), run here (cmd_plan): its
 * stdout, malloc'd; its remarks (over 200 shards) go to the test's stderr.
 */
static char *plan_text(const char *const *args)
{
	char *argv[32], buf[4096];
	int argc = 0, saved, rc;
	FILE *f = tmpfile();
	struct strbuf sb = STRBUF_INIT;
	size_t n;

	assert_non_null(f);
	argv[argc++] = (char *)"plan";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	saved = tu_stdout_to(dup(fileno(f)));
	rc = cmd_plan(argc, argv);
	fflush(stdout);
	tu_stdout_restore(saved);
	assert_int_equal(rc, 0);
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(strbuf_add(&sb, buf, n), 0);
	fclose(f);
	return strbuf_detach(&sb);
}

/*
 * The schema check of tests/node/gitlab-ci-local/validate.mjs on files
 * (NULL-terminated): its exit status, its output into *out.
 */
static int validate(char **out, const char *const *files)
{
	char *script = path_absolute(NODE_DIR "/validate.mjs"), *schema = path_absolute(SCHEMA);
	int rc = tu_run(out, (const char *const[]){ "node", script, schema, NULL }, files, 120);

	free(script);
	free(schema);
	return rc;
}

static void test_schema_verdicts(void **state)
{
	char *d, *out = NULL, *child, *big, *parent, *broken;
	char *f2, *f450, *fp, *fbad;
	const char *p;
	struct strbuf b = STRBUF_INIT;

	(void)state;
	SKIP_WITHOUT_TOOLS();
	d = subdir("schema");
	child = plan_text((const char *const[]){ "--format", "gitlab-ci", "--shards", "2",
						 "--sweep-id", UUID, "--installed", "--libvirt",
						 "none", SCN, NULL });
	big = plan_text((const char *const[]){ "--format", "gitlab-ci", "--shards", "450",
					       "--sweep-id", UUID, "--tag", "kvm", NULL });
	parent = plan_text((const char *const[]){ "--format", "gitlab-ci", "--parent", "--shards",
						  "2", "--installed", "--tag", "kvm", SCN, NULL });
	/* The same child with one copy more than GitLab runs of a job. */
	p = strstr(child, "  parallel: 2\n");
	assert_non_null(p);
	sb_printf(&b, "%.*s  parallel: 201\n%s", (int)(p - child), child,
		  p + strlen("  parallel: 2\n"));
	broken = strbuf_detach(&b);
	tu_write(d, "child.yml", child);
	tu_write(d, "child-450.yml", big);
	tu_write(d, "parent.yml", parent);
	tu_write(d, "broken.yml", broken);
	f2 = tu_path(d, "child.yml");
	f450 = tu_path(d, "child-450.yml");
	fp = tu_path(d, "parent.yml");
	fbad = tu_path(d, "broken.yml");

	assert_exit(validate(&out, (const char *const[]){ f2, f450, fp, NULL }), 0);
	sb_printf(&b, "%s: valid\n%s: valid\n%s: valid\n", f2, f450, fp);
	assert_string_equal(out, b.buf);
	free(out);
	strbuf_reset(&b);
	assert_exit(validate(&out, (const char *const[]){ fbad, NULL }), 1);
	sb_printf(&b, "%s: invalid\n", fbad);
	assert_starts_with(out, b.buf);
	assert_contains(out, "  /sweep/parallel: must be <= 200\n", "parallel: 201");
	free(out);

	strbuf_release(&b);
	free(child);
	free(big);
	free(parent);
	free(broken);
	free(f2);
	free(f450);
	free(fp);
	free(fbad);
	tu_rmdir(d);
}

static void test_unsharded_baseline(void **state)
{
	char *out = NULL;

	(void)state;
	SKIP_WITHOUT_TOOLS();
	assert_exit(tu_run(&out, (const char *const[]){ vm, "sweep", "--installed", "--libvirt",
							"none", SCN, "--no-report", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	assert_contains(out, "runs: pass 2 (2 jobs)", "baseline counts");
	free(out);
	baseline = tu_sweep_results(db, "s.kind = 'sweep' AND s.status = 'finished'");
	assert_string_equal(baseline, "7.2.22-system - vm-i440fx pass; 7.2.22-system - vm-q35 pass");
}

/* A git repository top/repo whose one commit holds .gitlab-ci.yml; malloc'd. */
static char *repo_with(const char *top, const char *pipeline)
{
	char *repo = tu_path(top, "repo"), *out = NULL;
	static const char *const id[] = { "-c", "user.name=virt-matrix test", "-c",
					  "user.email=test@virt-matrix.invalid" };

	assert_int_equal(mkdir_p(repo, 0755), 0);
	tu_write(repo, ".gitlab-ci.yml", pipeline);
	assert_exit(tu_run(&out, (const char *const[]){ "git", "-C", repo, "init", "-q", NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ "git", "-C", repo, "add", ".gitlab-ci.yml",
							NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ "git", "-C", repo, id[0], id[1], id[2], id[3],
							"commit", "-q", "-m", "pipeline", NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	free(out);
	return repo;
}

/*
 * gitlab-ci-local in repo on its pipeline, every job, with HOME and
 * TMPDIR inside top; its output (malloc'd). It must exit 0 within the
 * timeout, and leave nothing running (in the repository or naming its
 * TMPDIR) nor in its TMPDIR.
 */
static char *run_pipeline(const char *top, const char *repo)
{
	char *gcl = path_absolute(NODE_DIR "/node_modules/.bin/gitlab-ci-local");
	char *home = tu_path(top, "home"), *tmp = tu_path(top, "tmp");
	struct strbuf which = STRBUF_INIT;
	struct timespec t0, t1;
	struct command c;
	char *out;

	assert_int_equal(mkdir_p(home, 0755), 0);
	assert_int_equal(mkdir_p(tmp, 0755), 0);
	command_init(&c);
	/* --cwd takes only a relative path: the child starts in repo. */
	strvec_pushv(&c.args, (const char *const[]){ gcl, "--shell-isolation",
						     "--no-artifacts-to-source", "--no-color", NULL });
	strvec_pushf(&c.env, "HOME=%s", home);
	strvec_pushf(&c.env, "TMPDIR=%s", tmp);
	c.dir = repo;
	c.timeout = PIPELINE_TIMEOUT;
	c.capture_max = 8 << 20;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (command_run(&c) || !command_succeeded(&c)) {
		command_describe(&c, &which);
		fail_msg("gitlab-ci-local %s:\n%s", which.buf, c.output.buf);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "gitlab-ci-local ran the pipeline in %.0f s\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	out = strbuf_detach(&c.output);
	command_release(&c);
	tu_assert_nothing_left(tmp, "after gitlab-ci-local");
	if (tu_procs_linked("cwd", repo, &which))
		fail_msg("processes left in %s:\n%s", repo, which.buf);
	strbuf_release(&which);
	free(gcl);
	free(home);
	free(tmp);
	return out;
}

/* repo/.gitlab-ci-local/REL, malloc'd. */
static char *state_path(const char *repo, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/.gitlab-ci-local/%s", repo, rel);
	return strbuf_detach(&p);
}

/*
 * The builds of the sweep job's copies (.gitlab-ci-local/builds/sweep*):
 * each holds exactly one shard store, its own; "shard-1.db shard-2.db"
 * for two copies, in order.
 */
static void assert_one_store_per_copy(const char *repo)
{
	char *builds = state_path(repo, "builds");
	struct dirent **ents = NULL;
	int n = scandir(builds, &ents, NULL, alphasort), copies = 0;
	struct strbuf seen = STRBUF_INIT;

	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		if (!strncmp(ents[i]->d_name, "sweep", 5)) {
			struct strbuf p = STRBUF_INIT;
			int has1, has2;

			sb_printf(&p, "%s/%s/shard-1.db", builds, ents[i]->d_name);
			has1 = path_exists(p.buf);
			strbuf_reset(&p);
			sb_printf(&p, "%s/%s/shard-2.db", builds, ents[i]->d_name);
			has2 = path_exists(p.buf);
			if (has1 == has2)
				fail_msg("build %s of a sweep copy has %s shard store",
					 ents[i]->d_name, has1 ? "both" : "no");
			sb_printf(&seen, "%s%s", seen.len ? " " : "", has1 ? "shard-1.db" : "shard-2.db");
			copies++;
			strbuf_release(&p);
		}
		free(ents[i]);
	}
	free(ents);
	assert_int_equal(copies, 2);
	/* One copy per shard, whichever directory name each got. */
	if (strcmp(seen.buf, "shard-1.db shard-2.db") && strcmp(seen.buf, "shard-2.db shard-1.db"))
		fail_msg("sweep copies' stores: %s", seen.buf);
	strbuf_release(&seen);
	free(builds);
}

/*
 * What every run of the child pipeline must show: its jobs passed, each
 * copy swept its shard, merge got both stores, the merged store equals
 * the baseline, and the report artifact is whole. gitlab-ci-local names
 * the jobs of a triggered pipeline after the trigger job: "[JOB] -> ".
 */
static void assert_child_ran(const char *repo, const char *out, const char *via)
{
	static const char *const jobs[] = { "sweep: [1/2]", "sweep: [2/2]", "merge", "report" };
	static const char *const reports[] = { "report.html", "report.md", "report.json",
					       "report.junit.xml" };
	char *merged = state_path(repo, "artifacts/merge/matrix.db"), *v, *p;
	struct store st;

	for (size_t i = 0; i < ARRAY_SIZE(jobs); i++) {
		struct strbuf pass = STRBUF_INIT;

		sb_printf(&pass, "\n PASS  %s%s", via, jobs[i]);
		assert_contains(out, pass.buf, jobs[i]);
		strbuf_release(&pass);
	}
	/* The copies' stores started empty: the before_script registered QEMU. */
	assert_contains(out, "> imported qemu 7.2.22-system: /usr/bin/qemu-system-x86_64",
			"import into the empty store");
	assert_contains(out, "> sweep " UUID ", shard 1/2", "shard 1 from CI_NODE_INDEX");
	assert_contains(out, "> sweep " UUID ", shard 2/2", "shard 2 from CI_NODE_INDEX");
	assert_one_store_per_copy(repo);
	/* merge got both stores only as artifacts: its build is its own. */
	p = state_path(repo, "builds/merge/shard-1.db");
	assert_true(path_exists(p));
	free(p);
	p = state_path(repo, "builds/merge/shard-2.db");
	assert_true(path_exists(p));
	free(p);
	assert_contains(out, "> merged into matrix.db: 2 runs, 1 sweeps", "merge output");

	assert_int_equal(store_open(&st, merged), 0);
	v = tu_query1(&st, "SELECT status || ' ' || shard FROM sweeps WHERE uuid = '" UUID "'");
	assert_string_equal(v, "finished 1,2/2");
	free(v);
	store_close(&st);
	v = tu_sweep_results(merged, "s.uuid = '" UUID "'");
	assert_string_equal(v, baseline);
	free(v);

	for (size_t i = 0; i < ARRAY_SIZE(reports); i++) {
		struct strbuf rel = STRBUF_INIT;
		char *text;

		sb_printf(&rel, "artifacts/report/report/%s", reports[i]);
		p = state_path(repo, rel.buf);
		text = tu_read(p);
		if (i == 1) {
			assert_contains(text, "### vm-i440fx", reports[i]);
			assert_contains(text, "### vm-q35", reports[i]);
		} else if (i == 2) {
			assert_contains(text, UUID, reports[i]);
		} else if (i == 3) {
			assert_contains(text, "<testsuite name=\"matrix\" tests=\"2\" failures=\"0\"",
					reports[i]);
		} else {
			assert_contains(text, "vm-q35", reports[i]);
		}
		free(text);
		free(p);
		strbuf_release(&rel);
	}
	free(merged);
}

static const char *const child_args[] = { "--format", "gitlab-ci", "--shards", "2",
					  "--sweep-id", UUID, "--bin", NULL /* vm */,
					  "--installed", "--libvirt", "none", SCN, NULL };

/*
 * The plan of child_args with the binary, --parent in front when parent,
 * and --qemu qemu after when qemu is not NULL: its text (malloc'd).
 */
static char *plan_of(int parent, const char *qemu)
{
	const char *a[ARRAY_SIZE(child_args) + 3];
	size_t n = 0;

	for (size_t i = 0; i + 1 < ARRAY_SIZE(child_args); i++) {
		if (i == 2 && parent)
			a[n++] = "--parent";
		a[n++] = child_args[i] ? child_args[i] : vm;
	}
	if (qemu) {
		a[n++] = "--qemu";
		a[n++] = qemu;
	}
	a[n] = NULL;
	return plan_text(a);
}

static void test_child_pipeline(void **state)
{
	char *d, *repo, *pipeline, *out;

	(void)state;
	SKIP_WITHOUT_TOOLS();
	assert_non_null(baseline);
	d = subdir("child");
	pipeline = plan_of(0, NULL);
	repo = repo_with(d, pipeline);
	out = run_pipeline(d, repo);
	assert_child_ran(repo, out, "");
	free(out);
	free(pipeline);
	free(repo);
	tu_rmdir(d);
}

/*
 * The parent names the QEMU (Debian's, as the fixture imported it): a
 * sweep that names its versions does not register the distribution's
 * builds itself, so the shards' empty stores have it only from the
 * sweep job's before_script (ark import). The work is the same.
 */
static void test_parent_pipeline(void **state)
{
	char *d, *repo, *parent, *child, *planned, *p, *out, *qemu;
	struct store st;

	(void)state;
	SKIP_WITHOUT_TOOLS();
	assert_non_null(baseline);
	assert_int_equal(store_open(&st, db), 0);
	qemu = tu_query1(&st, "SELECT version FROM installs WHERE app = 'qemu' AND kind = 'imported'");
	store_close(&st);
	assert_non_null(qemu);
	d = subdir("parent");
	parent = plan_of(1, qemu);
	child = plan_of(0, qemu);
	repo = repo_with(d, parent);
	out = run_pipeline(d, repo);
	assert_contains(out, "\n PASS  plan", "plan job");
	assert_contains(out, "\n PASS  run-sweep", "trigger job");
	/* The plan job wrote, as an artifact, the child `plan` writes. */
	p = state_path(repo, "artifacts/plan/virt-matrix-sweep.yml");
	planned = tu_read(p);
	assert_string_equal(planned, child);
	/* ... and gitlab-ci-local triggered it. */
	assert_child_ran(repo, out, "[run-sweep] -> ");
	free(p);
	free(planned);
	free(out);
	free(child);
	free(parent);
	free(repo);
	free(qemu);
	tu_rmdir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_verdicts),
		cmocka_unit_test(test_unsharded_baseline),
		cmocka_unit_test(test_child_pipeline),
		cmocka_unit_test(test_parent_pipeline),
	};
	int rc;

	tu_test_filter();
	rc = cmocka_run_group_tests(tests, setup, teardown);
	free(baseline);
	return rc;
}
