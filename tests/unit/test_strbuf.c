/*
 * strbuf caps and helpers, strvec, and text made safe to quote
 * (str_printable) of lib/strbuf.c.
 */
#include <fcntl.h>

#include "testutil.h"

static void test_cap(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_addstr(&sb, "12345"), 0);
	assert_int_equal(strbuf_addstr(&sb, "6789"), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(sb.buf, "12345");
	/* Formatted into the buffer's room, past the cap: refused, text kept. */
	assert_true(sb.alloc > 10);
	assert_int_equal(strbuf_addf(&sb, "%d", 6789), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(sb.buf, "12345");
	assert_int_equal(sb.len, 5);
	assert_int_equal(strbuf_addf(&sb, "%d", 678), 0);
	assert_string_equal(sb.buf, "12345678");
	assert_int_equal(strbuf_addch(&sb, 'x'), -1);
	assert_int_equal(sb.len, 8);
	strbuf_release(&sb);
}

/*
 * A sink: what sb_*() append reaches the file in order, the buffer never
 * holds a chunk's worth for long, and a failing write is told at the end.
 */
static void test_sink(void **state)
{
	char *dir = tu_tmpdir("sb-sink"), *got;
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT, p = STRBUF_INIT;
	struct strbuf_sink sink;
	size_t most = 0;
	int fd;

	(void)state;
	path_join(&p, dir, "out");
	fd = open(p.buf, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	sb_puts(&sb, "head\n");
	strbuf_sink_start(&sb, &sink, fd);
	sb_puts(&want, "head\n");
	for (int i = 0; i < 100000; i++) {
		sb_printf(&sb, "line %d ", i);
		sb_putc(&sb, '|');
		sb_puts(&sb, "text\n");
		sb_printf(&want, "line %d |text\n", i);
		if (sb.len > most)
			most = sb.len;
	}
	assert_true(want.len > 4 * STRBUF_SINK_CHUNK);
	assert_true(most < STRBUF_SINK_CHUNK + 64);
	assert_int_equal(strbuf_sink_finish(&sb), 0);
	assert_int_equal(sb.len, 0);
	assert_null(sb.sink);
	assert_int_equal(close(fd), 0);
	got = tu_read(p.buf);
	assert_int_equal(strlen(got), want.len);
	assert_string_equal(got, want.buf);
	free(got);

	/* A write that fails: the rest is dropped, the error kept for the end. */
	fd = open(p.buf, O_RDONLY);
	assert_true(fd >= 0);
	strbuf_sink_start(&sb, &sink, fd);
	for (size_t n = 0; n < 2 * STRBUF_SINK_CHUNK; n += 5)
		sb_puts(&sb, "text\n");
	assert_int_equal(strbuf_sink_finish(&sb), -1);
	assert_int_equal(errno, EBADF);
	close(fd);
	strbuf_release(&sb);
	strbuf_release(&want);
	strbuf_release(&p);
	tu_rmdir(dir);
}

static void test_read_file_cap_and_tail(void **state)
{
	char *dir = tu_tmpdir("sb"), *msg;
	struct strbuf p = STRBUF_INIT, sb = STRBUF_INIT;

	(void)state;
	tu_write(dir, "f", "a\nb\nc\nd\n");
	path_join(&p, dir, "f");
	assert_int_equal(strbuf_read_file(&sb, p.buf, 100), 0);
	assert_string_equal(sb.buf, "a\nb\nc\nd\n");
	assert_string_equal(str_tail_lines(sb.buf, sb.len, 2), "c\nd\n");
	assert_string_equal(str_tail_lines(sb.buf, sb.len, 10), "a\nb\nc\nd\n");
	strbuf_reset(&sb);
	tu_capture_begin();
	assert_int_equal(strbuf_read_file(&sb, p.buf, 3), -1);
	msg = tu_capture_end();
	assert_contains(msg, "larger than 3 bytes", "capped read");
	free(msg);
	strbuf_release(&sb);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * sb_*() cut a capped text at the cap with the marker and drop the rest,
 * never dying; the checked appends still refuse what does not fit.
 */
static void test_cut_with_marker(void **state)
{
	static const char mark[] = STRBUF_CUT_MARKER;
	const size_t mlen = sizeof(mark) - 1, cap = 64;
	struct strbuf sb;
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_init(&sb, cap);
	sb_puts(&sb, "log: ");
	sb_printf(&sb, "%s", big);
	assert_int_equal(sb.len, cap);
	assert_true(sb.cut);
	assert_int_equal(strncmp(sb.buf, "log: xxx", 8), 0);
	assert_string_equal(sb.buf + cap - mlen, mark);
	/* What comes after a cut is dropped, whatever the call. */
	sb_putc(&sb, 'y');
	sb_puts(&sb, "more");
	sb_printf(&sb, "%d", 42);
	assert_int_equal(sb.len, cap);
	assert_null(strchr(sb.buf, 'y'));
	/* A reset starts a new text. */
	strbuf_reset(&sb);
	assert_false(sb.cut);
	sb_puts(&sb, "short");
	assert_string_equal(sb.buf, "short");
	/* The checked appends are whole or nothing. */
	assert_int_equal(strbuf_addstr(&sb, big), -1);
	assert_string_equal(sb.buf, "short");
	strbuf_release(&sb);
	/* A cap smaller than the marker keeps a cut marker and no more. */
	strbuf_init(&sb, 8);
	sb_puts(&sb, big);
	assert_int_equal(sb.len, 8);
	assert_int_equal(memcmp(sb.buf, mark, 8), 0);
	strbuf_release(&sb);
	/* Without a cap nothing is cut. */
	strbuf_init(&sb, 0);
	sb_puts(&sb, big);
	assert_int_equal(sb.len, sizeof(big) - 1);
	assert_false(sb.cut);
	strbuf_release(&sb);
}

static void test_strvec(void **state)
{
	struct strvec v = STRVEC_INIT;
	struct strbuf j = STRBUF_INIT;

	(void)state;
	strvec_push(&v, "configure");
	strvec_pushf(&v, "--prefix=%s", "/opt/q");
	strvec_push(&v, "a b");
	strvec_push(&v, "");
	strvec_push(&v, "gone");
	strvec_remove(&v, 4);
	assert_int_equal(v.nr, 4);
	assert_null(v.v[4]);
	strvec_join(&v, &j);
	assert_string_equal(j.buf, "configure --prefix=/opt/q 'a b' ''");
	strvec_clear(&v);
	strbuf_release(&j);
}

/* Bytes from files and children made safe to quote in a message. */
static const struct {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t max;
	const char *want, *want_lines;
} printable_cases[] = {
	{ "plain text stays", "machine=pc-*", 0, 0, "machine=pc-*", "machine=pc-*" },
	{ "escape sequence", "a\033[2Jb", 0, 0, "a\\x1b[2Jb", "a\\x1b[2Jb" },
	{ "backslash doubled", "a\\x1b", 0, 0, "a\\\\x1b", "a\\\\x1b" },
	{ "newline, tab, CR, DEL", "a\nb\tc\rd\177", 0, 0,
	  "a\\x0ab\\x09c\\x0dd\\x7f", "a\nb\\x09c\\x0dd\\x7f" },
	{ "NUL inside, UTF-8 as bytes", "x\0y\xc3\xa4", 5, 0, "x\\x00y\\xc3\\xa4",
	  "x\\x00y\\xc3\\xa4" },
	{ "cut at max", "abcdef", 0, 3, "abc...", "abc..." },
	{ "escapes count for their width", "\001\001\001", 0, 9, "\\x01\\x01...",
	  "\\x01\\x01..." },
	{ "max larger than the text", "abc", 0, 10, "abc", "abc" },
	{ "empty", "", 0, 0, "", "" },
};

/* Words a POSIX shell reads back as they were. */
static void test_shell_word(void **state)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "plain", "-machine", "-machine" },
		{ "keyval", "pc-q35-10.0,memory-backend=mem0", "pc-q35-10.0,memory-backend=mem0" },
		{ "path", "/opt/qemu/10.0.2/bin/qemu-system-x86_64",
		  "/opt/qemu/10.0.2/bin/qemu-system-x86_64" },
		{ "empty", "", "''" },
		{ "space", "console=ttyS0 panic=-1", "'console=ttyS0 panic=-1'" },
		{ "placeholder", "<kernel>", "'<kernel>'" },
		{ "quote", "file=/img/my vm's.img", "'file=/img/my vm'\\''s.img'" },
		{ "shell characters", "a;b|c$d`e", "'a;b|c$d`e'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;

		sb_shell_word(&sb, cases[i].in);
		if (strcmp(sb.buf, cases[i].want))
			fail_msg("case '%s': got %s, want %s", cases[i].name, sb.buf,
				 cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_str_printable(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	sb_puts(&out, "old content");
	for (size_t i = 0; i < ARRAY_SIZE(printable_cases); i++) {
		const char *in = printable_cases[i].in;
		size_t len = printable_cases[i].len ? printable_cases[i].len : strlen(in);
		const char *r = str_printable(&out, in, len, printable_cases[i].max);

		if (r != out.buf || strcmp(r, printable_cases[i].want))
			fail_msg("%s: got '%s', want '%s'", printable_cases[i].name, r,
				 printable_cases[i].want);
		r = str_printable_lines(&out, in, len, printable_cases[i].max);
		if (strcmp(r, printable_cases[i].want_lines))
			fail_msg("%s (lines): got '%s', want '%s'", printable_cases[i].name,
				 r, printable_cases[i].want_lines);
	}
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_read_file_cap_and_tail),
		cmocka_unit_test(test_cut_with_marker),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_str_printable),
		cmocka_unit_test(test_shell_word),
	};
	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
