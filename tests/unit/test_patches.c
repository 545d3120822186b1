/* Patch series selection and application (ark/patches.c). */
#include "testutil.h"
#include "patches.h"

#define DIFF(from, to)                                          \
	"--- a/file.txt\n+++ b/file.txt\n@@ -1 +1 @@\n-" from "\n+" to "\n"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("patches");
	tu_write(dir, "p/app/7.2../0001-a.patch", "Subject: a\n\n" DIFF("one", "two"));
	tu_write(dir, "p/app/all/0002-b.patch", DIFF("two", "three"));
	tu_write(dir, "p/app/..6.0/0001-old.patch", DIFF("one", "old"));
	tu_write(dir, "p/app/7.2../0003-deb.patch",
		 "Subject: only for Debian's tarball\nFlavour: debian\n\n" DIFF("three", "four"));
	tu_write(dir, "p/app/7.2../README", "notes are allowed\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static void names(const struct patch_series *s, struct strbuf *out)
{
	strbuf_reset(out);
	for (size_t i = 0; i < s->nr; i++)
		sb_printf(out, "%s%s", i ? " " : "", s->v[i].name);
}

static const struct {
	const char *version, *flavour, *expect;
} select_cases[] = {
	{ "7.2.0", "upstream", "7.2../0001-a.patch all/0002-b.patch" },
	{ "7.2.0", "debian", "7.2../0001-a.patch all/0002-b.patch 7.2../0003-deb.patch" },
	{ "10.0.2", "debian", "7.2../0001-a.patch all/0002-b.patch 7.2../0003-deb.patch" },
	{ "5.2.0", "debian", "..6.0/0001-old.patch all/0002-b.patch" },
	{ "6.1.0", "upstream", "all/0002-b.patch" },
};

static void test_select(void **state)
{
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT;

	(void)state;
	sb_printf(&p, "%s/p", dir);
	for (size_t i = 0; i < ARRAY_SIZE(select_cases); i++) {
		struct patch_series s;

		assert_int_equal(patches_select(p.buf, "app", select_cases[i].version,
						select_cases[i].flavour, &s),
				 0);
		names(&s, &got);
		if (strcmp(got.buf, select_cases[i].expect))
			fail_msg("%s/%s: got '%s'", select_cases[i].version,
				 select_cases[i].flavour, got.buf);
		patch_series_release(&s);
	}
	/* No patches directory for an app: an empty series. */
	{
		struct patch_series s;
		assert_int_equal(patches_select(p.buf, "other", "1.0", "upstream", &s), 0);
		assert_int_equal(s.nr, 0);
		patch_series_release(&s);
	}
	strbuf_release(&p);
	strbuf_release(&got);
}

static void test_hash_follows_content_and_selection(void **state)
{
	struct strbuf p = STRBUF_INIT;
	struct patch_series a, b, c;

	(void)state;
	sb_printf(&p, "%s/p", dir);
	assert_int_equal(patches_select(p.buf, "app", "7.2.0", "upstream", &a), 0);
	assert_int_equal(patches_select(p.buf, "app", "7.2.0", "debian", &b), 0);
	assert_string_not_equal(a.hash, b.hash);
	tu_write(dir, "p/app/all/0002-b.patch", "Subject: changed\n\n" DIFF("two", "three"));
	assert_int_equal(patches_select(p.buf, "app", "7.2.0", "upstream", &c), 0);
	assert_string_not_equal(a.hash, c.hash);
	tu_write(dir, "p/app/all/0002-b.patch", DIFF("two", "three"));
	patch_series_release(&a);
	patch_series_release(&b);
	patch_series_release(&c);
	strbuf_release(&p);
}

static const struct {
	const char *name, *file, *text, *message;
} bad[] = {
	{ "bad name", "b1/app/all/foo.patch", DIFF("a", "b"), "patch names must look like NNNN-short-name.patch" },
	{ "bad range dir", "b2/app/notarange/0001-x.patch", DIFF("a", "b"), "'notarange' is not a version range" },
	{ "bad flavour", "b3/app/all/0001-x.patch", "Flavour: gentoo\n\n" DIFF("a", "b"), "0001-x.patch:1: unknown flavour 'gentoo'" },
	{ "not a diff", "b4/app/all/0001-x.patch", "just some words\n", "not a unified diff" },
	{ "escape sequence in a patch name", "b8/app/all/0001-\033[2J.patch", DIFF("a", "b"),
	  "/all/0001-\\x1b[2J.patch: patch names must look like" },
	{ "escape sequence in a range directory", "b9/app/7.\033[2J/0001-x.patch",
	  DIFF("a", "b"), "/7.\\x1b[2J: '7.\\x1b[2J' is not a version range" },
	/* The flavour read before the missing diff is freed (ASan, valgrind). */
	{ "flavour, then no diff", "b6/app/all/0001-x.patch", "Flavour: debian\n\njust words\n",
	  "0001-x.patch: not a unified diff" },
	{ "escape sequence in the flavour", "b7/app/all/0001-x.patch",
	  "Flavour: \033[2Jdeb\n\n" DIFF("a", "b"), "unknown flavour '\\x1b[2Jdeb'; expected" },
	/* text NULL: a FIFO, refused without waiting for a writer */
	{ "a FIFO", "b5/app/all/0001-x.patch", NULL, "0001-x.patch' is not a regular file" },
};

static void test_bad_series(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf root = STRBUF_INIT;
		struct patch_series s;
		char *msg;
		int r;

		if (bad[i].text) {
			tu_write(dir, bad[i].file, bad[i].text);
		} else {
			struct strbuf f = STRBUF_INIT;
			char *parent;

			path_join(&f, dir, bad[i].file);
			parent = path_dirname(f.buf);
			assert_int_equal(mkdir_p(parent, 0755), 0);
			assert_int_equal(mkfifo(f.buf, 0600), 0);
			free(parent);
			strbuf_release(&f);
		}
		sb_printf(&root, "%s/%.2s", dir, bad[i].file);
		alarm(10); /* a blocking open() fails the test, not hangs it */
		tu_capture_begin();
		r = patches_select(root.buf, "app", "7.2.0", "upstream", &s);
		msg = tu_capture_end();
		alarm(0);
		if (r != -1)
			fail_msg("%s: select returned %d", bad[i].name, r);
		assert_contains(msg, bad[i].message, bad[i].name);
		free(msg);
		strbuf_release(&root);
	}
}

static void test_apply(void **state)
{
	struct strbuf p = STRBUF_INIT, src = STRBUF_INIT, f = STRBUF_INIT;
	struct patch_series s;
	char *text, *msg;

	(void)state;
	sb_printf(&p, "%s/p", dir);
	tu_write(dir, "src/file.txt", "one\n");
	sb_printf(&src, "%s/src", dir);
	sb_printf(&f, "%s/src/file.txt", dir);
	assert_int_equal(patches_select(p.buf, "app", "7.2.0", "debian", &s), 0);
	assert_int_equal(patches_apply(&s, src.buf, -1), 0);
	text = tu_read(f.buf);
	assert_string_equal(text, "four\n");
	free(text);
	/* Applying again: the first patch no longer applies, and says so. */
	tu_capture_begin();
	assert_int_equal(patches_apply(&s, src.buf, -1), -1);
	msg = tu_capture_end();
	assert_contains(msg, "patch '7.2../0001-a.patch' does not apply", "reapply");
	free(msg);
	patch_series_release(&s);
	strbuf_release(&p);
	strbuf_release(&src);
	strbuf_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_hash_follows_content_and_selection),
		cmocka_unit_test(test_bad_series),
		cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests_name("patches", tests, setup, teardown);
}
