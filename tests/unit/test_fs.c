/*
 * Path safety, tree removal, reading user files, locks, what /proc says
 * of a process (lib/fs.c).
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include "testutil.h"

static const struct {
	const char *path;
	int contained;
} contain_cases[] = {
	{ "a", 1 },	     { "a/b", 1 },	  { "./a", 1 },
	{ "a/../b", 1 },     { "a//b/", 1 },	  { "", 0 },
	{ "/etc", 0 },	     { "..", 0 },	  { "../a", 0 },
	{ "a/../../b", 0 },  { "a/./../..", 0 }, { "a/b/../../..", 0 },
};

static void test_path_is_contained(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(contain_cases); i++)
		if (path_is_contained(contain_cases[i].path) !=
		    contain_cases[i].contained)
			fail_msg("'%s': expected %d", contain_cases[i].path,
				 contain_cases[i].contained);
	assert_true(path_has_dotdot("a/../b"));
	assert_true(path_has_dotdot(".."));
	assert_false(path_has_dotdot("a/..b/c.."));
}

static const struct {
	const char *entry, *target;
	int ok;
} link_cases[] = {
	{ "a/b/link", "../c", 1 },	   { "a/b/link", "../../c", 1 },
	{ "a/b/link", "../../../c", 0 }, { "a/b/link", "/etc/passwd", 0 },
	{ "link", "x", 1 },		   { "link", "..", 0 },
	{ "a/link", "b/../../x", 1 },
	{ "a/link", "b/../../../x", 0 },	   { "a/link", "", 0 },
};

static void test_symlink_is_contained(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(link_cases); i++)
		if (symlink_is_contained(link_cases[i].entry,
					 link_cases[i].target) != link_cases[i].ok)
			fail_msg("%s -> %s: expected %d", link_cases[i].entry,
				 link_cases[i].target, link_cases[i].ok);
}

static void test_remove_tree_never_follows_symlinks(void **state)
{
	char *dir = tu_tmpdir("fs");
	struct strbuf tree = STRBUF_INIT, link = STRBUF_INIT,
		      outside = STRBUF_INIT, kept = STRBUF_INIT;

	(void)state;
	tu_write(dir, "outside/keep.txt", "precious");
	tu_write(dir, "tree/sub/file", "x");
	sb_printf(&tree, "%s/tree", dir);
	sb_printf(&link, "%s/tree/sub/link", dir);
	sb_printf(&outside, "%s/outside", dir);
	sb_printf(&kept, "%s/outside/keep.txt", dir);
	assert_int_equal(symlink(outside.buf, link.buf), 0);
	/* A read-only directory inside the tree goes too. */
	{
		struct strbuf ro = STRBUF_INIT;
		sb_printf(&ro, "%s/tree/sub", dir);
		chmod(ro.buf, 0500);
		strbuf_release(&ro);
	}
	assert_int_equal(remove_tree(tree.buf), 0);
	assert_false(path_exists(tree.buf));
	assert_true(path_exists(kept.buf));
	assert_int_equal(remove_tree(tree.buf), 0); /* missing: success */
	strbuf_release(&tree);
	strbuf_release(&link);
	strbuf_release(&outside);
	strbuf_release(&kept);
	tu_rmdir(dir);
}

static void test_paths_and_atomic_write(void **state)
{
	char *dir = tu_tmpdir("fs"), *abs, *text, *dn;
	struct strbuf p = STRBUF_INIT;

	(void)state;
	abs = path_absolute("/a/./b/../c//d/");
	assert_string_equal(abs, "/a/c/d");
	free(abs);
	abs = path_absolute("/..");
	assert_string_equal(abs, "/");
	free(abs);
	dn = path_dirname("a/b/c");
	assert_string_equal(dn, "a/b");
	free(dn);
	dn = path_dirname("c");
	assert_string_equal(dn, ".");
	free(dn);
	assert_string_equal(path_basename("/x/y.tar.gz"), "y.tar.gz");

	sb_printf(&p, "%s/x/y/z", dir);
	assert_int_equal(mkdir_p(p.buf, 0755), 0);
	assert_true(is_dir(p.buf));
	strbuf_reset(&p);
	sb_printf(&p, "%s/file", dir);
	assert_int_equal(write_file_atomic(p.buf, "one", 3), 0);
	assert_int_equal(write_file_atomic(p.buf, "two!", 4), 0);
	text = tu_read(p.buf);
	assert_string_equal(text, "two!");
	free(text);
	strbuf_release(&p);
	tu_rmdir(dir);
}

static void test_locks(void **state)
{
	char *dir = tu_tmpdir("fs");
	struct strbuf p = STRBUF_INIT;
	int a, b;

	(void)state;
	sb_printf(&p, "%s/x.lock", dir);
	assert_false(lock_is_held(p.buf));
	a = lock_acquire(p.buf, 0);
	assert_true(a >= 0);
	assert_true(lock_is_held(p.buf));
	b = lock_acquire(p.buf, 0);
	assert_int_equal(b, -2);
	lock_release(a);
	assert_false(lock_is_held(p.buf));
	b = lock_acquire(p.buf, 0);
	assert_true(b >= 0);
	lock_release(b);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * What read_regular_file takes and refuses: a FIFO, a device or a
 * directory fails at once (the alarm turns a blocking open() into a
 * failed test instead of a hung one), and so does a file over the cap.
 */
static const struct {
	const char *name;
	const char *path; /* under the test directory, or absolute */
	size_t max;
	const char *want;  /* the content read, or NULL */
	const char *error; /* expected in the message when want is NULL */
} read_cases[] = {
	{ "regular file", "file", 100, "a\nb\n", NULL },
	{ "FIFO", "fifo", 100, NULL, "/fifo' is not a regular file" },
	{ "directory", "dir", 100, NULL, "/dir' is not a regular file" },
	{ "character device", "/dev/null", 100, NULL,
	  "'/dev/null' is not a regular file" },
	{ "larger than the cap", "file", 3, NULL, "larger than 3 bytes" },
	{ "missing", "none", 100, NULL, "cannot open '" },
};

static void test_read_regular_file(void **state)
{
	char *dir = tu_tmpdir("fs");
	struct strbuf p = STRBUF_INIT;

	(void)state;
	tu_write(dir, "file", "a\nb\n");
	path_join(&p, dir, "fifo");
	assert_int_equal(mkfifo(p.buf, 0600), 0);
	path_join(&p, dir, "dir");
	assert_int_equal(mkdir(p.buf, 0700), 0);
	for (size_t i = 0; i < ARRAY_SIZE(read_cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		char *msg;
		int rc;

		if (read_cases[i].path[0] == '/') {
			strbuf_reset(&p);
			sb_puts(&p, read_cases[i].path);
		} else {
			path_join(&p, dir, read_cases[i].path);
		}
		alarm(10);
		tu_capture_begin();
		rc = read_regular_file(&sb, p.buf, read_cases[i].max);
		msg = tu_capture_end();
		alarm(0);
		if (read_cases[i].want) {
			if (rc || strcmp(sb.buf, read_cases[i].want))
				fail_msg("%s: rc %d, read '%s', message '%s'",
					 read_cases[i].name, rc, sb.buf, msg);
		} else {
			if (!rc)
				fail_msg("%s: accepted", read_cases[i].name);
			assert_contains(msg, read_cases[i].error, read_cases[i].name);
		}
		free(msg);
		strbuf_release(&sb);
	}
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * A process's state and start time: the same start for the same process
 * whatever its name holds (a name with ") S 1 2" in it must not shift
 * the fields); a later process starts no earlier; a gone one is -1.
 */
static void test_proc_stat_start(void **state)
{
	long self_start, start, renamed;
	char st, c;
	int fds[2];
	pid_t pid;

	(void)state;
	assert_int_equal(proc_stat_start((long)getpid(), &st, &self_start), 0);
	assert_int_equal(st, 'R');
	assert_true(self_start > 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[1]);
		(void)!read(fds[0], &c, 1); /* renamed, then read again */
		prctl(PR_SET_NAME, "x) S 1 2 3 4");
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	assert_int_equal(proc_stat_start((long)pid, &st, &start), 0);
	assert_true(start >= self_start);
	assert_int_equal(write(fds[1], "x", 1), 1);
	{
		struct strbuf comm = STRBUF_INIT, p = STRBUF_INIT;

		/* Wait for the rename to show. */
		sb_printf(&p, "/proc/%ld/comm", (long)pid);
		for (int i = 0; i < 500; i++) {
			strbuf_reset(&comm);
			if (!strbuf_read_file(&comm, p.buf, 64) && strstr(comm.buf, "x) S"))
				break;
			usleep(10000);
		}
		assert_contains(comm.buf, "x) S 1 2", "the child's name");
		strbuf_release(&comm);
		strbuf_release(&p);
	}
	assert_int_equal(proc_stat_start((long)pid, &st, &renamed), 0);
	assert_int_equal(renamed, start);
	close(fds[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(proc_stat_start((long)pid, &st, &start), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_is_contained),
		cmocka_unit_test(test_symlink_is_contained),
		cmocka_unit_test(test_remove_tree_never_follows_symlinks),
		cmocka_unit_test(test_paths_and_atomic_write),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_read_regular_file),
		cmocka_unit_test(test_proc_stat_start),
	};
	return cmocka_run_group_tests_name("fs", tests, NULL, NULL);
}
