/*
 * lib/xmlesc.c, the one XML escaper (domain XML, JUnit reports): the
 * five markup characters, the controls XML 1.0 keeps and those it does
 * not allow even escaped, well-formed UTF-8 kept, every malformed byte
 * a '?', and a capped buffer cut with its marker rather than dying.
 */
#include "testutil.h"
#include "xmlesc.h"

static const struct {
	const char *name;
	const char *in; /* NULL: the NULL the escaper accepts */
	const char *want;
} cases[] = {
	{ "plain text stays", "pc-q35-7.2", "pc-q35-7.2" },
	{ "NULL is nothing", NULL, "" },
	{ "empty", "", "" },
	{ "ampersand", "a&b", "a&amp;b" },
	{ "angle brackets", "<domain>", "&lt;domain&gt;" },
	{ "double and single quotes", "\"it's\"", "&quot;it&apos;s&quot;" },
	{ "an entity is escaped again", "&amp;", "&amp;amp;" },
	{ "tab, newline, CR kept", "a\tb\nc\rd", "a\tb\nc\rd" },
	{ "other C0 controls dropped", "a\001b\033[2Jc\037d", "ab[2Jcd" },
	{ "DEL kept (allowed in XML 1.0)", "a\177b", "a\177b" },
	{ "2-byte UTF-8 kept", "gr\xc3\xbc\xc3\x9f", "gr\xc3\xbc\xc3\x9f" },
	{ "3-byte UTF-8 kept", "\xe2\x82\xac 5", "\xe2\x82\xac 5" },
	{ "4-byte UTF-8 kept", "\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!" },
	{ "highest code point kept", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
	{ "U+FFFD kept", "\xef\xbf\xbd", "\xef\xbf\xbd" },
	{ "U+FFFE and U+FFFF dropped", "a\xef\xbf\xbe" "b\xef\xbf\xbf" "c", "abc" },
	{ "latin-1 byte is a '?'", "caf\xe9!", "caf?!" },
	{ "stray continuation bytes", "a\x80\xbf" "b", "a??b" },
	{ "truncated sequence at the end", "a\xe2\x82", "a??" },
	{ "truncated sequence before ASCII", "\xc3<", "?&lt;" },
	{ "overlong 2-byte form", "\xc0\xaf", "??" },
	{ "overlong 3-byte form", "\xe0\x80\xaf", "???" },
	{ "overlong 4-byte form", "\xf0\x80\x80\xaf", "????" },
	{ "surrogate", "\xed\xa0\x80", "???" },
	{ "past U+10FFFF", "\xf4\x90\x80\x80", "????" },
	{ "0xf5 and up never start a sequence", "\xf8\x88\x80\x80\x80", "?????" },
	{ "0xff", "\xff", "?" },
};

static void test_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT;

		sb_puts(&out, "[");
		xml_escape(&out, cases[i].in);
		if (strncmp(out.buf, "[", 1) || strcmp(out.buf + 1, cases[i].want))
			fail_msg("%s: got '%s', want '[%s'", cases[i].name, out.buf,
				 cases[i].want);
		strbuf_release(&out);
	}
}

/* A capped buffer: cut with the marker, never past the cap, no death. */
static void test_capped(void **state)
{
	struct strbuf out;

	(void)state;
	strbuf_init(&out, 64);
	for (int i = 0; i < 40; i++)
		xml_escape(&out, "<&\xc3\xbc>");
	assert_true(out.cut);
	assert_true(out.len <= 64);
	assert_contains(out.buf, "&lt;&amp;\xc3\xbc&gt;", "capped");
	assert_non_null(strstr(out.buf, STRBUF_CUT_MARKER));
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
