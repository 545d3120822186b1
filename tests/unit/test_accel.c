/* What the accelerator check quotes of the firmware's output
 * (matrix/accel.c); the checks themselves run real QEMUs in
 * tests/integration/. */
#include "testutil.h"
#include "accel.h"

static const struct {
	const char *name;
	const char *out;
	size_t len;
	const char *last;
} cases[] = {
#define TEXT(s) s, sizeof(s) - 1
	{ "nothing", TEXT(""), "(nothing)" },
	{ "only blanks", TEXT(" \r\n\t\n"), "(nothing)" },
	{ "one line", TEXT("SeaBIOS (version 1.16.2)"),
	  "SeaBIOS (version 1.16.2)" },
	{ "last line, blanks dropped",
	  TEXT("Booting from ROM...\nenter handle_18:\r\n  NULL \n\n"),
	  "  NULL" },
	{ "stops at a NUL byte", TEXT("first\nsecond\0third\n"), "second" },
	{ "only len bytes", "first\nsecond\nthird", 11, "secon" },
#undef TEXT
};

static void test_last_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[ACCEL_LAST_MAX];

		accel_last_output(cases[i].out, cases[i].len, buf, sizeof(buf));
		if (strcmp(buf, cases[i].last))
			fail_msg("%s: got '%s', want '%s'", cases[i].name, buf,
				 cases[i].last);
	}
}

static void test_long_line_cut(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[ACCEL_LAST_MAX], small[8];

	(void)state;
	sb_puts(&sb, "short\n");
	for (int i = 0; i < 300; i++)
		sb_putc(&sb, (char)('a' + i % 26));
	accel_last_output(sb.buf, sb.len, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 200);
	assert_memory_equal(buf, sb.buf + 6, 200);
	accel_last_output(sb.buf, sb.len, small, sizeof(small));
	assert_string_equal(small, "abcdefg");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_output),
		cmocka_unit_test(test_long_line_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
