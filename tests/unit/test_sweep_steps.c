/*
 * The decisions of `virt-matrix sweep` without QEMU or a store: its
 * options as parsed (sweep/sweep_opts.c, and the errors for bad ones),
 * and from sweep/sweep_steps.c which stages a sweep runs, the version
 * set of an app, what leaves it when it did not build, the command lines
 * of the build, probe and run stages, where the reports go and the exit
 * status. Every table names its cases; a failure names the case.
 */
#include "testutil.h"
#include "sweep_internal.h"

#define UUID "0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60"

static void push_list(struct strbuf *d, const char *name, const struct strvec *v)
{
	for (size_t i = 0; i < v->nr; i++)
		sb_printf(d, " %s:%s", name, v->v[i]);
}

/* What o holds that is not its default, as " name[:value]" words. */
static char *describe(const struct sweep_opts *o)
{
	struct strbuf d = STRBUF_INIT;

	push_list(&d, "qemu", &o->qemus);
	push_list(&d, "libvirt", &o->libvirts);
	push_list(&d, "scenario", &o->scenarios);
	sb_printf(&d, "%s%s%s%s", o->installed ? " installed" : "",
		  o->no_import ? " no-import" : "", o->resume ? " resume" : "",
		  o->no_report ? " no-report" : "");
	if (o->shard_given)
		sb_printf(&d, " shard:%ld/%ld", o->shard.k, o->shard.n);
	if (o->uuid)
		sb_printf(&d, " uuid:%s", o->uuid);
	if (o->jobs)
		sb_printf(&d, " jobs:%s", o->jobs);
	if (o->timeout)
		sb_printf(&d, " timeout:%s", o->timeout);
	if (o->from)
		sb_printf(&d, " from:%s", o->from);
	if (o->report_dir)
		sb_printf(&d, " report-dir:%s", o->report_dir);
	if (o->db)
		sb_printf(&d, " db:%s", o->db);
	return strbuf_detach(&d);
}

struct parse_case {
	const char *name;
	const char *args; /* after "sweep" */
	int rc;
	const char *want; /* describe() when rc is 0, else expected on stderr */
};

static const struct parse_case parse_cases[] = {
	{ "nothing", "", 0, "" },
	{ "repeated lists keep their order",
	  "--qemu 10.0.2 --qemu 7.2.0 --libvirt none --scenario boot --scenario net", 0,
	  " qemu:10.0.2 qemu:7.2.0 libvirt:none scenario:boot scenario:net" },
	{ "flags", "--installed --no-import --no-report", 0, " installed no-import no-report" },
	{ "resume", "--resume", 0, " resume" },
	{ "values", "--shard 2/3 --jobs 4 --timeout 60 --from debian --report-dir R --db D", 0,
	  " shard:2/3 jobs:4 timeout:60 from:debian report-dir:R db:D" },
	{ "-j is --jobs", "-j 8", 0, " jobs:8" },
	{ "sweep id", "--sweep-id " UUID, 0, " uuid:" UUID },
	{ "help", "--qemu 7.2.0 --help", 1, "" },
	{ "bad uuid", "--sweep-id abc", -1,
	  "--sweep-id wants a uuid such as '" UUID "', not 'abc'" },
	{ "bad shard", "--shard 3/2", -1, "--shard wants K/N with 1 <= K <= N, not '3/2'" },
	{ "jobs 0", "--jobs 0", -1, "--jobs wants a number from 1 to 64, not '0'" },
	{ "-j 65", "-j 65", -1, "--jobs wants a number from 1 to 64, not '65'" },
	{ "timeout too long", "--timeout 86401", -1,
	  "--timeout wants seconds from 1 to 86400, not '86401'" },
	{ "bad source", "--from git", -1, "--from wants auto, upstream or debian, not 'git'" },
	{ "extra word", "--installed 7.2.0", -1, "unexpected argument '7.2.0'" },
	{ "unknown option", "--bogus", -1, "unrecognized option" },
	{ "flag with a value", "--installed=1", -1, "doesn't allow an argument" },
	{ "resume and id", "--resume --sweep-id " UUID, -1,
	  "--resume continues the newest unfinished sweep; --sweep-id names one" },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(parse_cases); c++) {
		const struct parse_case *k = &parse_cases[c];
		struct strvec a = STRVEC_INIT;
		struct sweep_opts o;
		char *err, *got;
		int rc;

		memset(&o, 0, sizeof(o));
		strvec_push(&a, "sweep");
		tu_words(k->args, &a);
		tu_capture_begin();
		rc = sweep_opts_parse(&o, (int)a.nr, (char **)a.v);
		err = tu_capture_end();
		got = describe(&o);
		if (rc != k->rc)
			fail_msg("%s: rc %d, expected %d (%s)", k->name, rc, k->rc, err);
		if (rc == 0 && strcmp(got, k->want))
			fail_msg("%s: parsed as '%s', expected '%s'", k->name, got, k->want);
		if (rc < 0)
			assert_contains(err, k->want, k->name);
		if (rc >= 0 && *err)
			fail_msg("%s: said '%s'", k->name, err);
		free(err);
		free(got);
		sweep_opts_release(&o);
		strvec_clear(&a);
	}
}

struct stages_case {
	const char *name;
	const char *args;
	int import_qemu, import_libvirt, direct, report;
};

static const struct stages_case stages_cases[] = {
	{ "nothing named: everything", "", 1, 1, 1, 1 },
	{ "a QEMU named: no QEMU import", "--qemu 7.2.0", 0, 1, 1, 1 },
	{ "'all' among the QEMUs imports", "--qemu all --qemu 7.2.0", 1, 1, 1, 1 },
	{ "a libvirt named: no direct runs", "--libvirt 9.0.0", 1, 0, 0, 1 },
	{ "libvirt none: direct runs", "--libvirt none", 1, 0, 1, 1 },
	{ "libvirt all and one", "--libvirt all --libvirt 9.0.0", 1, 1, 1, 1 },
	{ "no import", "--no-import", 0, 0, 1, 1 },
	{ "no report", "--no-report --libvirt 9.0.0 --libvirt none", 1, 0, 1, 0 },
};

static void test_stages(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(stages_cases); c++) {
		const struct stages_case *k = &stages_cases[c];
		struct strvec a = STRVEC_INIT;
		struct sweep_opts o;
		struct sweep_stages s;

		memset(&o, 0, sizeof(o));
		strvec_push(&a, "sweep");
		tu_words(k->args, &a);
		if (sweep_opts_parse(&o, (int)a.nr, (char **)a.v))
			fail_msg("%s: does not parse", k->name);
		sweep_stages_of(&o, &s);
		if (s.import_qemu != k->import_qemu || s.import_libvirt != k->import_libvirt ||
		    s.direct != k->direct || s.report != k->report)
			fail_msg("%s: import qemu %d libvirt %d, direct %d, report %d; "
				 "expected %d %d %d %d",
				 k->name, s.import_qemu, s.import_libvirt, s.direct, s.report,
				 k->import_qemu, k->import_libvirt, k->direct, k->report);
		sweep_opts_release(&o);
		strvec_clear(&a);
	}
}

struct version_case {
	const char *name;
	const char *named, *catalog, *installs; /* catalog NULL: --installed */
	const char *want;
};

static const struct version_case version_cases[] = {
	{ "named, in version order, once", "10.0.2 7.2.0 10.0.2", "8.0.0", "9.2.0",
	  "7.2.0 10.0.2" },
	{ "none and all are not versions", "none all 7.2.0", "8.0.0", "9.2.0", "7.2.0" },
	{ "only none: no versions", "none", "8.0.0", "9.2.0", "" },
	{ "nothing named: catalog and installs", "", "10.0.2 7.2.0", "7.2.0 7.2.0+gabc",
	  "7.2.0 7.2.0+gabc 10.0.2" },
	{ "all: catalog and installs", "all", "8.0.0", "7.2.0", "7.2.0 8.0.0" },
	{ "installed only", "", NULL, "9.2.0 7.2.0", "7.2.0 9.2.0" },
	{ "nothing at all", "", "", "", "" },
};

static void test_version_set(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(version_cases); c++) {
		const struct version_case *k = &version_cases[c];
		struct strvec named = STRVEC_INIT, cat = STRVEC_INIT, inst = STRVEC_INIT;
		struct strvec out = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;

		tu_words(k->named, &named);
		tu_words(k->catalog, &cat);
		tu_words(k->installs, &inst);
		sweep_version_set(&named, k->catalog ? &cat : NULL, &inst, &out);
		strvec_join(&out, &got);
		if (strcmp(got.buf, k->want))
			fail_msg("%s: '%s', expected '%s'", k->name, got.buf, k->want);
		if (sweep_versions_named(&named) != (*k->named && strcmp(k->named, "all")))
			fail_msg("%s: sweep_versions_named says %d", k->name,
				 sweep_versions_named(&named));
		strbuf_release(&got);
		strvec_clear(&named);
		strvec_clear(&cat);
		strvec_clear(&inst);
		strvec_clear(&out);
	}
}

struct drop_case {
	const char *name;
	const char *set, *gone, *want;
};

static const struct drop_case drop_cases[] = {
	{ "one that did not build", "7.2.0 8.0.0 10.0.2", "8.0.0", "7.2.0 10.0.2" },
	{ "first and last", "7.2.0 8.0.0 10.0.2", "10.0.2 7.2.0", "8.0.0" },
	{ "all of them", "7.2.0 8.0.0", "7.2.0 8.0.0", "" },
	{ "none", "7.2.0 8.0.0", "", "7.2.0 8.0.0" },
	{ "not in the set", "7.2.0", "9.0.0", "7.2.0" },
};

static void test_drop(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(drop_cases); c++) {
		const struct drop_case *k = &drop_cases[c];
		struct strvec set = STRVEC_INIT, gone = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;

		tu_words(k->set, &set);
		tu_words(k->gone, &gone);
		sweep_drop(&set, &gone);
		strvec_join(&set, &got);
		if (strcmp(got.buf, k->want))
			fail_msg("%s: '%s', expected '%s'", k->name, got.buf, k->want);
		strbuf_release(&got);
		strvec_clear(&set);
		strvec_clear(&gone);
	}
}

struct build_case {
	const char *name;
	const char *from, *missing;
	size_t nqemu;
	const char *want;
};

static const struct build_case build_cases[] = {
	{ "QEMUs only", NULL, "7.2.0 10.0.2", 2, "ark build --db m.db qemu 7.2.0 10.0.2" },
	{ "libvirts only", NULL, "9.0.0", 0, "ark build --db m.db libvirt 9.0.0" },
	{ "both, from debian", "debian", "7.2.0 9.0.0 10.0.0", 1,
	  "ark build --from debian --db m.db qemu 7.2.0 libvirt 9.0.0 10.0.0" },
};

static void test_build_args(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(build_cases); c++) {
		const struct build_case *k = &build_cases[c];
		struct strvec missing = STRVEC_INIT, a = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;

		tu_words(k->missing, &missing);
		sweep_build_args(k->from, "m.db", &missing, k->nqemu, &a);
		strvec_join(&a, &got);
		if (strcmp(got.buf, k->want))
			fail_msg("%s: '%s', expected '%s'", k->name, got.buf, k->want);
		strbuf_release(&got);
		strvec_clear(&missing);
		strvec_clear(&a);
	}
}

struct run_case {
	const char *name;
	const char *args; /* sweep options */
	const char *libvirts;
	const char *want_probe, *want_run, *want_migrate; /* migrate NULL: no stage */
};

static const struct run_case run_cases[] = {
	{ "direct only", "", "", "probe --db m.db --no-libvirt 7.2.0 10.0.2",
	  "run --sweep " UUID " --shard 2/3 --db m.db --qemu 7.2.0 --qemu 10.0.2"
	  " --libvirt none",
	  "migrate --sweep " UUID " --shard 2/3 --db m.db --qemu 7.2.0 --qemu 10.0.2" },
	{ "direct and a libvirt, scenarios, jobs, timeout",
	  "--scenario boot --scenario net -j 4 --timeout 90", "9.0.0",
	  "probe --db m.db 7.2.0 10.0.2",
	  "run --sweep " UUID " --shard 2/3 --db m.db --qemu 7.2.0 --qemu 10.0.2"
	  " --libvirt none --libvirt 9.0.0 --scenario boot --scenario net --jobs 4"
	  " --timeout 90",
	  "migrate --sweep " UUID " --shard 2/3 --db m.db --qemu 7.2.0 --qemu 10.0.2"
	  " --timeout 90" },
	{ "libvirt only, no migrations", "--libvirt 9.0.0 --no-migrate", "9.0.0",
	  "probe --db m.db 7.2.0 10.0.2",
	  "run --sweep " UUID " --shard 2/3 --db m.db --qemu 7.2.0 --qemu 10.0.2"
	  " --libvirt 9.0.0", NULL },
};

static void test_probe_and_run_args(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(run_cases); c++) {
		const struct run_case *k = &run_cases[c];
		struct strvec a = STRVEC_INIT, qemus = STRVEC_INIT, libvirts = STRVEC_INIT;
		struct strvec argv = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;
		struct sweep_opts o;
		struct sweep_stages s;

		memset(&o, 0, sizeof(o));
		strvec_push(&a, "sweep");
		tu_words(k->args, &a);
		if (sweep_opts_parse(&o, (int)a.nr, (char **)a.v))
			fail_msg("%s: does not parse", k->name);
		o.db = "m.db";
		sweep_stages_of(&o, &s);
		tu_words("7.2.0 10.0.2", &qemus);
		tu_words(k->libvirts, &libvirts);
		sweep_probe_args(o.db, &qemus, !libvirts.nr, &argv);
		strvec_join(&argv, &got);
		if (strcmp(got.buf, k->want_probe))
			fail_msg("%s: probe '%s', expected '%s'", k->name, got.buf,
				 k->want_probe);
		strvec_clear(&argv);
		strbuf_reset(&got);
		sweep_run_args(&o, UUID, "2/3", &qemus, &libvirts, s.direct, &argv);
		strvec_join(&argv, &got);
		if (strcmp(got.buf, k->want_run))
			fail_msg("%s: run '%s', expected '%s'", k->name, got.buf, k->want_run);
		assert_int_equal(s.migrate, k->want_migrate != NULL);
		if (k->want_migrate) {
			strvec_clear(&argv);
			strbuf_reset(&got);
			sweep_migrate_args(&o, UUID, "2/3", &qemus, NULL, &argv);
			strvec_join(&argv, &got);
			if (strcmp(got.buf, k->want_migrate))
				fail_msg("%s: migrate '%s', expected '%s'", k->name, got.buf,
					 k->want_migrate);
			/* Through libvirt: the same, with the sweep's libvirts. */
			strvec_clear(&argv);
			strbuf_reset(&got);
			sweep_migrate_args(&o, UUID, "2/3", &qemus, &libvirts, &argv);
			strvec_join(&argv, &got);
			if (strncmp(got.buf, k->want_migrate, strlen(k->want_migrate)))
				fail_msg("%s: migrate --libvirt '%s'", k->name, got.buf);
			for (size_t l = 0; l < libvirts.nr; l++) {
				struct strbuf one = STRBUF_INIT;

				sb_printf(&one, " --libvirt %s", libvirts.v[l]);
				if (!strstr(got.buf + strlen(k->want_migrate), one.buf))
					fail_msg("%s: '%s' lacks '%s'", k->name, got.buf, one.buf);
				strbuf_release(&one);
			}
		}
		strbuf_release(&got);
		strvec_clear(&argv);
		strvec_clear(&qemus);
		strvec_clear(&libvirts);
		sweep_opts_release(&o);
		strvec_clear(&a);
	}
}

/* --corpus: the stage, and corpus run's command line on the sweep's pairs. */
static void test_corpus_stage(void **state)
{
	static const char *const with[] = { "sweep", "--corpus", NULL };
	static const char *const without[] = { "sweep", NULL };
	struct strvec qemus = STRVEC_INIT, libvirts = STRVEC_INIT, argv = STRVEC_INIT;
	struct strbuf got = STRBUF_INIT;
	struct sweep_opts o;
	struct sweep_stages st;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(sweep_opts_parse(&o, 1, (char **)without), 0);
	sweep_stages_of(&o, &st);
	assert_int_equal(st.corpus, 0);
	sweep_opts_release(&o);
	memset(&o, 0, sizeof(o));
	assert_int_equal(sweep_opts_parse(&o, 2, (char **)with), 0);
	sweep_stages_of(&o, &st);
	assert_int_equal(st.corpus, 1);
	o.db = "m.db";
	tu_words("7.2.0 10.0.2", &qemus);
	tu_words("9.0.0 11.3.0", &libvirts);
	sweep_corpus_args(&o, UUID, "2/3", &qemus, &libvirts, &argv);
	strvec_join(&argv, &got);
	assert_string_equal(got.buf, "corpus run --sweep " UUID " --shard 2/3 --db m.db"
				     " --qemu 7.2.0 --qemu 10.0.2 --libvirt 9.0.0"
				     " --libvirt 11.3.0");
	strbuf_release(&got);
	strvec_clear(&argv);
	strvec_clear(&qemus);
	strvec_clear(&libvirts);
	sweep_opts_release(&o);
}

static void test_report_dir(void **state)
{
	char *d;

	(void)state;
	d = sweep_report_dir(NULL, "/srv/vm/matrix.db", UUID);
	assert_string_equal(d, "/srv/vm/reports/" UUID);
	free(d);
	d = sweep_report_dir("out/r", "/srv/vm/matrix.db", UUID);
	assert_string_equal(d, "out/r");
	free(d);
}

struct exit_case {
	const char *name;
	int interrupted, failed, regressions, want;
};

static const struct exit_case exit_cases[] = {
	{ "clean", 0, 0, 0, 0 },
	{ "a stage failed", 0, 1, 0, 1 },
	{ "regressions", 0, 0, 2, 1 },
	{ "both", 0, 3, 1, 1 },
	{ "interrupted wins", 1, 1, 1, 130 },
	{ "interrupted, clean", 1, 0, 0, 130 },
};

static void test_exit_status(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(exit_cases); c++) {
		const struct exit_case *k = &exit_cases[c];
		int got = sweep_exit_status(k->interrupted, k->failed, k->regressions);

		if (got != k->want)
			fail_msg("%s: exit status %d, expected %d", k->name, got, k->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_stages),
		cmocka_unit_test(test_version_set),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_build_args),
		cmocka_unit_test(test_probe_and_run_args),
		cmocka_unit_test(test_corpus_stage),
		cmocka_unit_test(test_report_dir),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
