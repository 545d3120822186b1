/* Build recipes: ranges, evaluation, hashes, errors (ark/recipe.c). */
#include "testutil.h"
#include "recipe.h"

static const char recipe_text[] =
	"*       system   configure\n"
	"*       binary   bin/qemu-system-x86_64\n"
	"*       arg      --target-list=x86_64-softmmu --disable-werror\n"
	"..6.0   arg      --disable-blobs\n"
	"6.1..   arg      --without-default-features --enable-tcg\n"
	"8.1..   require  meson 1.5..\n"
	"*       env      A=1 B=2\n"
	"9.0..   env      A=3\n"
	"9.0..   unarg    --disable-werror\n"
	"10.0..  system   meson\n"
	"5.2     check    bin/qemu-system-x86_64 --version\n";

static void join(const struct strvec *v, struct strbuf *out)
{
	strbuf_reset(out);
	for (size_t i = 0; i < v->nr; i++)
		sb_printf(out, "%s%s", i ? " " : "", v->v[i]);
}

static const struct {
	const char *version;
	const char *system;
	const char *args;
	const char *env;
	size_t nrequires;
	size_t ncheck;
} plans[] = {
	{ "5.2.0", "configure", "--target-list=x86_64-softmmu --disable-werror --disable-blobs", "A=1 B=2", 0, 2 },
	{ "7.2.0", "configure", "--target-list=x86_64-softmmu --disable-werror --without-default-features --enable-tcg", "A=1 B=2", 0, 0 },
	{ "9.2.0", "configure", "--target-list=x86_64-softmmu --without-default-features --enable-tcg", "B=2 A=3", 1, 0 },
	{ "10.0.2", "meson", "--target-list=x86_64-softmmu --without-default-features --enable-tcg", "B=2 A=3", 1, 0 },
};

static void test_plans(void **state)
{
	struct recipe r;
	struct strbuf s = STRBUF_INIT;

	(void)state;
	assert_int_equal(recipe_parse(&r, "qemu", "qemu.recipe", recipe_text), 0);
	for (size_t i = 0; i < ARRAY_SIZE(plans); i++) {
		struct build_plan p;

		assert_int_equal(recipe_plan(&r, plans[i].version, &p), 0);
		if (strcmp(p.system, plans[i].system))
			fail_msg("%s: system %s", plans[i].version, p.system);
		join(&p.args, &s);
		if (strcmp(s.buf, plans[i].args))
			fail_msg("%s: args '%s'", plans[i].version, s.buf);
		join(&p.env, &s);
		if (strcmp(s.buf, plans[i].env))
			fail_msg("%s: env '%s'", plans[i].version, s.buf);
		if (p.nrequires != plans[i].nrequires || p.check.nr != plans[i].ncheck)
			fail_msg("%s: %zu requires, %zu check words",
				 plans[i].version, p.nrequires, p.check.nr);
		if (p.nrequires)
			assert_string_equal(p.requires[0].tool, "meson");
		assert_string_equal(p.binary, "bin/qemu-system-x86_64");
		build_plan_release(&p);
	}
	strbuf_release(&s);
	recipe_release(&r);
}

/*
 * The shipped QEMU recipe: which tools each release series must find
 * before it is configured (meson from 8.1, dtc from 10.2).
 */
static void test_shipped_qemu_requirements(void **state)
{
	static const struct {
		const char *version, *tools;
	} want[] = {
		{ "5.2.0", "" },
		{ "7.2.0", "meson 0.61.." },
		{ "10.0.2", "meson 1.5.." },
		{ "10.2.2", "meson 1.5.., dtc 1.5.." },
	};
	struct recipe r;

	(void)state;
	assert_int_equal(recipe_load(&r, "specs", "qemu"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct build_plan p;
		struct strbuf got = STRBUF_INIT;

		assert_int_equal(recipe_plan(&r, want[i].version, &p), 0);
		for (size_t k = 0; k < p.nrequires; k++)
			sb_printf(&got, "%s%s %s", k ? ", " : "", p.requires[k].tool,
				  p.requires[k].range_text);
		if (strcmp(got.buf, want[i].tools))
			fail_msg("%s: requires '%s', want '%s'", want[i].version,
				 got.buf, want[i].tools);
		strbuf_release(&got);
		build_plan_release(&p);
	}
	recipe_release(&r);
}

static void plan_hash(const char *text, const char *version,
		      char out[SHA256_HEX_LEN + 1])
{
	struct recipe r;
	struct build_plan p;

	assert_int_equal(recipe_parse(&r, "qemu", "r", text), 0);
	assert_int_equal(recipe_plan(&r, version, &p), 0);
	memcpy(out, p.hash, SHA256_HEX_LEN + 1);
	build_plan_release(&p);
	recipe_release(&r);
}

static void test_hashes(void **state)
{
	char a[65], b[65], c[65], d[65];

	(void)state;
	/* 7.2 and 7.3 see the same effective lines: same hash. */
	plan_hash(recipe_text, "7.2.0", a);
	plan_hash(recipe_text, "7.3.0", b);
	assert_string_equal(a, b);
	/* A change to a line that does not apply to 7.2: same hash. */
	{
		char *t = xstrdup(recipe_text);
		struct strbuf sb = STRBUF_INIT;

		sb_printf(&sb, "%s8.1..  arg --new\n", t);
		plan_hash(sb.buf, "7.2.0", c);
		assert_string_equal(a, c);
		/* ... but a line that applies changes it. */
		strbuf_reset(&sb);
		sb_printf(&sb, "%s7.2  arg --new\n", t);
		plan_hash(sb.buf, "7.2.0", d);
		assert_string_not_equal(a, d);
		strbuf_release(&sb);
		free(t);
	}
}

static void test_expand(void **state)
{
	struct recipe_vars v = { "/opt/q/1", "1.0", "4", "/s", "/b" };
	char *s = recipe_expand("--prefix=${prefix} -j${jobs} ${srcdir}/x ${builddir} v${version} ${other}", &v);

	(void)state;
	assert_string_equal(s, "--prefix=/opt/q/1 -j4 /s/x /b v1.0 ${other}");
	free(s);
}

static const struct {
	const char *name, *text, *message;
} bad[] = {
	{ "unknown directive", "*  compile foo\n", "r:1: unknown directive 'compile'" },
	{ "bad range", "7.x  arg foo\n", "r:1: '7.x' is not a version range" },
	{ "arg count", "*  system\n", "r:1: 'system' takes 1 argument, got 0" },
	{ "too many", "*  binary a b\n", "'binary' takes 1 argument, got 2" },
	{ "unknown system", "*  system cmake\n", "unknown build system 'cmake'" },
	{ "bad env", "\n*  env NOEQUALS\n", "r:2: env wants KEY=VALUE" },
	{ "unknown variable", "*  arg --x=${foo}\n", "unknown variable '${foo}'" },
	{ "binary escapes", "*  binary ../bin/x\n", "must be a path inside the prefix" },
	{ "absolute binary", "*  binary /bin/x\n", "must be a path inside the prefix" },
	{ "bad require range", "*  require meson new\n", "'new' is not a version range" },
	{ "no directive", "*\n", "expected RANGE DIRECTIVE" },
};

static void test_bad_recipes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct recipe r;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = recipe_parse(&r, "qemu", "r", bad[i].text);
		msg = tu_capture_end();
		if (rc != -1)
			fail_msg("%s: parse returned %d", bad[i].name, rc);
		assert_contains(msg, bad[i].message, bad[i].name);
		free(msg);
	}
}

static void test_no_system_for_version(void **state)
{
	struct recipe r;
	struct build_plan p;
	char *msg;

	(void)state;
	assert_int_equal(recipe_parse(&r, "qemu", "r", "8.0..  system meson\n*  binary bin/x\n"), 0);
	tu_capture_begin();
	assert_int_equal(recipe_plan(&r, "7.2.0", &p), -1);
	msg = tu_capture_end();
	assert_contains(msg, "no 'system' line applies to qemu 7.2.0", "no system");
	free(msg);
	recipe_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_shipped_qemu_requirements),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_bad_recipes),
		cmocka_unit_test(test_no_system_for_version),
	};
	return cmocka_run_group_tests_name("recipe", tests, NULL, NULL);
}
