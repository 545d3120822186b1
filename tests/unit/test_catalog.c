/* specs/<app>.catalog parsing (ark/catalog.c). */
#include "testutil.h"
#include "catalog.h"

#define SHA "5B49CE2687744DAD494AE90A898C52204A3406E84D072482A1E1BE854EEB2157"

static void test_good_catalog(void **state)
{
	struct catalog c;
	const struct catalog_entry *e;
	const char *text =
		"# comment\n"
		"default url=https://download.example.org/qemu-${version}.tar.xz\n"
		"\n"
		"10.0.2  debian=1:10.0.2+ds-2 debian-sha256=" SHA "\n"
		"7.2.0   sha256=" SHA "   # trailing comment\n"
		"5.2.0   url=https://elsewhere.example.org/q.tar.bz2\n"
		"9.0.0   url=https://x.example.org/get?v=9 format=tar.gz\n";

	(void)state;
	assert_int_equal(catalog_parse(&c, "qemu", "qemu.catalog", text), 0);
	assert_int_equal(c.nr, 4);
	/* Sorted by version. */
	assert_string_equal(c.v[0].version, "5.2.0");
	assert_string_equal(c.v[3].version, "10.0.2");
	e = catalog_find(&c, "7.2.0");
	assert_non_null(e);
	assert_string_equal(e->url, "https://download.example.org/qemu-7.2.0.tar.xz");
	assert_string_equal(e->sha256, "5b49ce2687744dad494ae90a898c52204a3406e84d072482a1e1be854eeb2157");
	assert_string_equal(e->format, "tar.xz");
	assert_int_equal(e->line, 5);
	e = catalog_find(&c, "5.2.0");
	assert_string_equal(e->format, "tar.bz2");
	assert_null(e->sha256);
	e = catalog_find(&c, "9.0.0");
	assert_string_equal(e->format, "tar.gz");
	e = catalog_find(&c, "10.0.2");
	assert_string_equal(e->debian, "1:10.0.2+ds-2");
	assert_null(catalog_find(&c, "8.0.0"));
	catalog_release(&c);
}

static const struct {
	const char *name;
	const char *text;
	const char *where;
	const char *message;
} bad[] = {
	{ "unknown key", "7.2.0 url=https://x/q.tar.xz sha=1\n", "cat:1:",
	  "unknown key 'sha'; expected url, sha256, format, debian or debian-sha256" },
	{ "bad sha256", "\n7.2.0 url=https://x/q.tar.xz sha256=abc\n", "cat:2:",
	  "'sha256' must be 64 hex digits, got 'abc'" },
	{ "unknown format", "7.2.0 url=https://x/q format=rar\n", "cat:1:",
	  "unknown format 'rar'" },
	{ "no scheme", "7.2.0 url=download.qemu.org/q.tar.xz\n", "cat:1:",
	  "has no scheme" },
	{ "not a version", "seven url=https://x/q.tar.xz\n", "cat:1:",
	  "'seven' is not a version" },
	{ "duplicate", "7.2.0 url=https://x/a.tar.xz\n\n7.2.0 url=https://x/b.tar.xz\n",
	  "cat:3:", "listed twice (first at line 1)" },
	{ "missing url", "7.2.0 sha256=" SHA "\n", "cat:1:", "has no url=" },
	{ "unterminated quote", "7.2.0 \"url=https://x/q.tar.xz\n", "cat:1:",
	  "unterminated quote" },
	{ "no format", "7.2.0 url=https://x/download\n", "cat:1:",
	  "cannot tell the archive format" },
	{ "not key=value", "7.2.0 https://x/q.tar.xz\n", "cat:1:",
	  "expected key=value" },
};

static void test_bad_catalogs(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct catalog c;
		char *msg;
		int r;

		tu_capture_begin();
		r = catalog_parse(&c, "qemu", "cat", bad[i].text);
		msg = tu_capture_end();
		if (r != -1)
			fail_msg("%s: parse returned %d", bad[i].name, r);
		assert_contains(msg, bad[i].where, bad[i].name);
		assert_contains(msg, bad[i].message, bad[i].name);
		free(msg);
	}
}

static void test_format_from_name(void **state)
{
	(void)state;
	assert_string_equal(archive_format_from_name("a.tar.xz"), "tar.xz");
	assert_string_equal(archive_format_from_name("a.tgz"), "tgz");
	assert_string_equal(archive_format_from_name("x/y.zip"), "zip");
	assert_null(archive_format_from_name("a.tar"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_catalog),
		cmocka_unit_test(test_bad_catalogs),
		cmocka_unit_test(test_format_from_name),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
