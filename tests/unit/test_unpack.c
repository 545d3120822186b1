/* Secure extraction (ark/unpack.c); the hostile-archive cases that go
 * through the whole pipeline are in tests/integration/test_ark_pipeline.c. */
#include <archive.h>
#include <archive_entry.h>

#include "testutil.h"
#include "unpack.h"

struct entry {
	const char *name;
	mode_t type;
	const char *data; /* contents, or link target */
};

static void pack(const char *path, const struct entry *e, size_t n)
{
	struct archive *a = archive_write_new();

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *x = archive_entry_new();
		size_t len = e[i].type == AE_IFREG ? strlen(e[i].data) : 0;

		archive_entry_set_pathname(x, e[i].name);
		archive_entry_set_filetype(x, e[i].type == 1 ? AE_IFREG : e[i].type);
		archive_entry_set_perm(x, e[i].type == AE_IFDIR ? 0755 : 0644);
		if (e[i].type == AE_IFLNK)
			archive_entry_set_symlink(x, e[i].data);
		if (e[i].type == 1) /* hard link */
			archive_entry_set_hardlink(x, e[i].data);
		if (e[i].type == AE_IFCHR)
			archive_entry_set_rdev(x, 0x0103);
		archive_entry_set_size(x, (la_int64_t)len);
		assert_int_equal(archive_write_header(a, x), ARCHIVE_OK);
		if (len)
			archive_write_data(a, e[i].data, len);
		archive_entry_free(x);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void test_good_tree(void **state)
{
	const struct entry e[] = {
		{ "proj-1.0/", AE_IFDIR, NULL },
		{ "proj-1.0/configure", AE_IFREG, "#!/bin/sh\n" },
		{ "proj-1.0/src/main.c", AE_IFREG, "int main;\n" },
		{ "proj-1.0/link.c", AE_IFLNK, "src/main.c" },
		{ "proj-1.0/src/up", AE_IFLNK, "../configure" },
		{ "proj-1.0/self", AE_IFLNK, "." },
		{ "proj-1.0/src/via", AE_IFLNK, "../self/self/src/main.c" },
	};
	char *dir = tu_tmpdir("unpack"), *top = NULL, *text;
	struct strbuf tgz = STRBUF_INIT, dest = STRBUF_INIT, f = STRBUF_INIT;

	(void)state;
	sb_printf(&tgz, "%s/p.tar.gz", dir);
	sb_printf(&dest, "%s/out", dir);
	pack(tgz.buf, e, ARRAY_SIZE(e));
	assert_int_equal(mkdir_p(dest.buf, 0755), 0);
	assert_int_equal(unpack_archive(tgz.buf, dest.buf, &top), 0);
	assert_true(ends_with(top, "/out/proj-1.0"));
	sb_printf(&f, "%s/link.c", top);
	text = tu_read(f.buf);
	assert_string_equal(text, "int main;\n");
	free(text);
	strbuf_reset(&f);
	sb_printf(&f, "%s/src/via", top);
	text = tu_read(f.buf);
	assert_string_equal(text, "int main;\n");
	free(text);
	free(top);
	strbuf_release(&tgz);
	strbuf_release(&dest);
	strbuf_release(&f);
	tu_rmdir(dir);
}

static const struct {
	const char *name;
	struct entry e[2];
	size_t n;
	const char *message;
} bad[] = {
	{ "hard link escape", { { "p/a", AE_IFREG, "x" }, { "p/h", 1, "../../outside" } }, 2,
	  "hard link 'p/h' points outside the tree" },
	{ "device node", { { "p/tty", AE_IFCHR, NULL } }, 1, "entry 'p/tty' is a device or fifo" },
	{ "absolute symlink", { { "p/l", AE_IFLNK, "/etc" } }, 1, "symlink 'p/l' points outside the tree ('/etc')" },
	{ "absolute entry", { { "/tmp/vm-unpack-abs", AE_IFREG, "x" } }, 1, "would be written outside the tree" },
	/* Lexically "p/l1 -> l2/../.." stays in p; through l2 it is the
	 * tree's parent. */
	{ "symlink through a symlink", { { "p/l2", AE_IFLNK, "." }, { "p/l1", AE_IFLNK, "l2/../.." } }, 2,
	  "symlink 'p/l1' points outside the tree ('l2/../..')" },
	/* A hard link to a symlink is the same symlink one level up. */
	{ "hard link to a symlink", { { "p/s", AE_IFLNK, "../x" }, { "h", 1, "p/s" } }, 2,
	  "symlink 'h' points outside the tree ('../x')" },
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *dir = tu_tmpdir("unpack"), *top = NULL, *msg;
		struct strbuf tgz = STRBUF_INIT, dest = STRBUF_INIT;

		sb_printf(&tgz, "%s/bad.tar.gz", dir);
		sb_printf(&dest, "%s/out", dir);
		pack(tgz.buf, bad[i].e, bad[i].n);
		assert_int_equal(mkdir_p(dest.buf, 0755), 0);
		tu_capture_begin();
		if (unpack_archive(tgz.buf, dest.buf, &top) != -1)
			fail_msg("%s: accepted", bad[i].name);
		msg = tu_capture_end();
		assert_contains(msg, bad[i].message, bad[i].name);
		assert_contains(msg, "bad.tar.gz", bad[i].name);
		assert_false(path_exists("/tmp/vm-unpack-abs"));
		free(msg);
		strbuf_release(&tgz);
		strbuf_release(&dest);
		tu_rmdir(dir);
	}
}

static void test_truncated(void **state)
{
	struct entry e[40];
	char names[40][32], *dir = tu_tmpdir("unpack"), *top = NULL, *msg;
	char big[4000];
	struct strbuf tgz = STRBUF_INIT, dest = STRBUF_INIT;
	struct stat st;
	unsigned x = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + ((x = x * 1103515245 + 12345) >> 16) % 26);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "p/f%02d", i);
		e[i] = (struct entry){ names[i], AE_IFREG, big };
	}
	sb_printf(&tgz, "%s/t.tar.gz", dir);
	sb_printf(&dest, "%s/out", dir);
	pack(tgz.buf, e, 40);
	assert_int_equal(stat(tgz.buf, &st), 0);
	assert_int_equal(truncate(tgz.buf, st.st_size / 2), 0);
	assert_int_equal(mkdir_p(dest.buf, 0755), 0);
	tu_capture_begin();
	assert_int_equal(unpack_archive(tgz.buf, dest.buf, &top), -1);
	msg = tu_capture_end();
	assert_contains(msg, "cannot unpack", "truncated");
	assert_contains(msg, "t.tar.gz", "truncated");
	free(msg);
	strbuf_release(&tgz);
	strbuf_release(&dest);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_tree),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests_name("unpack", tests, NULL, NULL);
}
