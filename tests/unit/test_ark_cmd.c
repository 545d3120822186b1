/*
 * The decisions of "virt-matrix ark" (ark/ark.c) without building
 * anything: which targets the operands name, how options fill the
 * options struct, which subcommands take how many operands, and the
 * exit status a subcommand's result gives.
 */
#include "testutil.h"
#include "ark_internal.h"

static char *specs;

static int setup(void **state)
{
	(void)state;
	specs = tu_tmpdir("arkcmd");
	tu_write(specs, "qemu.catalog",
		 "default url=https://example.org/qemu-${version}.tar.xz\n"
		 "10.2.2\n7.2.0\n");
	tu_write(specs, "libvirt.catalog",
		 "default url=https://example.org/libvirt-${version}.tar.xz\n"
		 "9.0.0\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(specs);
	return 0;
}

/* The targets as "app version, app version", malloc'd. */
static char *targets_text(const struct ark_targets *t)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < t->nr; i++)
		sb_printf(&sb, "%s%s %s", i ? ", " : "", t->v[i].app,
			  t->v[i].version);
	return strbuf_detach(&sb);
}

static void test_targets(void **state)
{
	static const struct {
		const char *name;
		int all;
		const char *words[6];
		const char *targets; /* NULL: fails */
		const char *error;   /* in the message when it fails */
	} cases[] = {
		{ "one app, two versions", 0, { "qemu", "7.2.0", "10.2.2" },
		  "qemu 7.2.0, qemu 10.2.2", NULL },
		{ "two apps", 0, { "qemu", "7.2.0", "libvirt", "9.0.0" },
		  "qemu 7.2.0, libvirt 9.0.0", NULL },
		{ "a version not in the catalog is still a target", 0,
		  { "qemu", "8.0.0" }, "qemu 8.0.0", NULL },
		{ "version before any app", 0, { "7.2.0", "qemu" }, NULL,
		  "error: expected an app name before '7.2.0'" },
		{ "neither app nor version", 0, { "qemu", "sevenpointtwo" },
		  NULL, "error: 'sevenpointtwo' is neither an app nor a version" },
		{ "a path is not an app", 0, { "../qemu", "7.2.0" }, NULL,
		  "expected an app name before '../qemu'" },
		{ "app without version", 0, { "qemu" }, NULL,
		  "error: no version given" },
		{ "nothing", 0, { NULL }, NULL, "error: no version given" },
		{ "--all: every app, sorted, catalog order", 1, { NULL },
		  "libvirt 9.0.0, qemu 7.2.0, qemu 10.2.2", NULL },
		{ "--all qemu", 1, { "qemu" }, "qemu 7.2.0, qemu 10.2.2", NULL },
		{ "--all of an app without catalog", 1, { "xen" }, NULL,
		  "xen.catalog" },
	};
	struct ark_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.specs_dir = specs;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ark_targets t = { 0 };
		char *words[6], *err, *got;
		int argc = 0, rc;

		for (; cases[i].words[argc]; argc++)
			words[argc] = (char *)cases[i].words[argc];
		tu_capture_begin();
		rc = ark_targets_parse(&o, cases[i].all, argc, words, &t);
		err = tu_capture_end();
		got = targets_text(&t);
		if (cases[i].targets && (rc || strcmp(got, cases[i].targets)))
			fail_msg("%s: rc %d, targets '%s', want '%s' (%s)",
				 cases[i].name, rc, got, cases[i].targets, err);
		if (!cases[i].targets && !rc)
			fail_msg("%s: accepted, targets '%s'", cases[i].name, got);
		if (cases[i].error)
			assert_contains(err, cases[i].error, cases[i].name);
		free(got);
		free(err);
		ark_targets_release(&t);
	}
}

static void test_source_wants_one_target(void **state)
{
	struct ark_targets t = { 0 };
	struct ark_opts o;
	char *words[] = { "qemu", "7.2.0", "qemu", "10.2.2" };
	char *err;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.specs_dir = specs;
	assert_int_equal(ark_targets_parse(&o, 0, 2, words, &t), 0);
	assert_int_equal(ark_targets_check(&o, &t), 0);
	o.source_file = "qemu.tar.xz";
	assert_int_equal(ark_targets_check(&o, &t), 0);
	assert_int_equal(ark_targets_parse(&o, 0, 2, words + 2, &t), 0);
	tu_capture_begin();
	assert_int_equal(ark_targets_check(&o, &t), -1);
	err = tu_capture_end();
	assert_contains(err, "--source names one tarball, so it builds one "
			     "version (got 2)", "two targets");
	free(err);
	ark_targets_release(&t);
}

static void test_options(void **state)
{
	static const struct {
		const char *name;
		const char *args[10];
		int status;
		int parallel, make_jobs, retries, force, all, operands;
		const char *from, *error;
	} cases[] = {
		{ "defaults", { "build", "qemu", "7.2.0" }, ARK_CMDLINE_OK,
		  1, -1, 3, 0, 0, 2, "auto", NULL },
		{ "counts and flags", { "build", "--parallel", "2", "--make-jobs",
		  "3", "--retries", "0", "--force" }, ARK_CMDLINE_OK,
		  2, 3, 0, 1, 0, 0, "auto", NULL },
		{ "--all and --from", { "build", "--all", "--from", "debian",
		  "qemu" }, ARK_CMDLINE_OK, 1, -1, 3, 0, 1, 1, "debian", NULL },
		{ "--from bogus", { "build", "--from", "ftp" }, ARK_CMDLINE_USAGE,
		  0, 0, 0, 0, 0, 0, NULL,
		  "error: --from wants auto, upstream or debian, not 'ftp'" },
		{ "--parallel 0", { "build", "--parallel", "0" },
		  ARK_CMDLINE_USAGE, 0, 0, 0, 0, 0, 0, NULL,
		  "error: '0' is not a valid count for --parallel" },
		{ "--retries -1", { "fetch", "--retries", "-1" },
		  ARK_CMDLINE_USAGE, 0, 0, 0, 0, 0, 0, NULL,
		  "error: '-1' is not a valid count for --retries" },
		{ "--step-timeout 0", { "build", "--step-timeout", "0" },
		  ARK_CMDLINE_USAGE, 0, 0, 0, 0, 0, 0, NULL,
		  "error: --step-timeout wants seconds, not '0'" },
		{ "--flavour", { "build", "--flavour", "fedora" },
		  ARK_CMDLINE_USAGE, 0, 0, 0, 0, 0, 0, NULL,
		  "error: --flavour wants upstream or debian, not 'fedora'" },
		{ "--help", { "list", "--help" }, ARK_CMDLINE_HELP,
		  0, 0, 0, 0, 0, 0, NULL, NULL },
		{ "unknown option", { "list", "--bogus" }, ARK_CMDLINE_USAGE,
		  0, 0, 0, 0, 0, 0, NULL, "unrecognized option" },
	};
	int saved_quiet = vm_quiet;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ark_cmdline cl;
		char *argv[12];
		char *err;
		int argc = 0, rc;

		argv[argc++] = "ark";
		for (size_t k = 0; cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		argv[argc] = NULL;
		tu_capture_begin();
		rc = ark_cmdline_parse(&cl, argc, argv);
		err = tu_capture_end();
		if (rc != cases[i].status)
			fail_msg("%s: status %d, want %d (%s)", cases[i].name, rc,
				 cases[i].status, err);
		if (cases[i].error)
			assert_contains(err, cases[i].error, cases[i].name);
		if (rc == ARK_CMDLINE_OK &&
		    (cl.o.parallel != cases[i].parallel ||
		     (cases[i].make_jobs > 0 && cl.o.make_jobs != cases[i].make_jobs) ||
		     cl.o.make_jobs < 1 || cl.o.fetch.retries != cases[i].retries ||
		     cl.o.force != cases[i].force || cl.all != cases[i].all ||
		     cl.argc != cases[i].operands || strcmp(cl.o.from, cases[i].from) ||
		     strcmp(cl.sub, cases[i].args[0]) || !cl.o.fetch.cache_dir ||
		     strcmp(cl.o.fetch.cache_dir, cl.o.cache_dir)))
			fail_msg("%s: parallel %d make-jobs %d retries %d force %d "
				 "all %d operands %d from %s",
				 cases[i].name, cl.o.parallel, cl.o.make_jobs,
				 cl.o.fetch.retries, cl.o.force, cl.all, cl.argc,
				 cl.o.from);
		free(err);
		ark_cmdline_release(&cl);
	}
	vm_quiet = saved_quiet;
}

static void test_subcommands(void **state)
{
	static const struct {
		const char *name;
		int argc;
		int accepts; /* -1: no such subcommand */
		int interruptible;
	} cases[] = {
		{ "build", 0, 1, 1 },	  { "build", 9, 1, 1 },
		{ "fetch", 3, 1, 1 },	  { "list", 0, 1, 0 },
		{ "list", 1, 1, 0 },	  { "list", 2, 0, 0 },
		{ "remove", 1, 0, 0 },	  { "remove", 2, 1, 0 },
		{ "remove", 3, 0, 0 },	  { "import", 0, 0, 0 },
		{ "import", 1, 1, 0 },	  { "import", 2, 1, 0 },
		{ "import", 3, 0, 0 },	  { "catalog", 0, 1, 0 },
		{ "catalog", 5, 1, 0 },	  { "bisect", 0, -1, 0 },
		{ "Build", 0, -1, 0 },	  { "", 0, -1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ark_subcommand *sub = ark_subcommand_find(cases[i].name);

		if (cases[i].accepts < 0) {
			if (sub)
				fail_msg("'%s' found", cases[i].name);
			continue;
		}
		if (!sub)
			fail_msg("'%s' not found", cases[i].name);
		assert_string_equal(sub->name, cases[i].name);
		if (ark_subcommand_accepts(sub, cases[i].argc) != cases[i].accepts ||
		    sub->interruptible != cases[i].interruptible)
			fail_msg("%s with %d operands: accepts %d interruptible %d",
				 cases[i].name, cases[i].argc,
				 ark_subcommand_accepts(sub, cases[i].argc),
				 sub->interruptible);
	}
}

static void test_default_make_jobs(void **state)
{
	static const struct {
		const char *name;
		int cpus, parallel, jobs;
	} cases[] = {
		{ "one build on 8 cores", 8, 1, 8 },
		{ "two builds on 8 cores", 8, 2, 4 },
		{ "three builds on 8 cores", 8, 3, 2 },
		{ "more builds than cores", 2, 4, 1 },
		{ "one core", 1, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = ark_default_make_jobs(cases[i].cpus, cases[i].parallel);

		if (got != cases[i].jobs)
			fail_msg("%s: %d jobs, want %d", cases[i].name, got,
				 cases[i].jobs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_source_wants_one_target),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_subcommands),
		cmocka_unit_test(test_default_make_jobs),
	};
	return cmocka_run_group_tests_name("ark_cmd", tests, setup, teardown);
}
