/*
 * Temporary directories owned by a process (lib/owned_tmp.c), as merge
 * and report make them: named after the process that owns them, and
 * removed by a later command of their tag only when that process is gone. Owners are real processes of the test: itself, a
 * child that waits on a pipe (alive), a child that has exited and been
 * reaped (gone), and this process's pid with another start time (the
 * pid reused: gone). Directories of another machine and old-style names
 * stay.
 */
#include <signal.h>
#include <sys/wait.h>

#include "teststore.h"
#include "sweep.h"
#include "owned_tmp.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("owned-tmp");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static long start_of(long pid)
{
	char st;
	long start;

	assert_int_equal(proc_stat_start(pid, &st, &start), 0);
	return start;
}

/* A directory as owned_tmp_create names it for tag and (pid, start), with a file in it. */
static char *tagged_dir(const char *tag, long pid, long start, const char *suffix)
{
	struct strbuf p = STRBUF_INIT;

	assert_int_equal(owned_tmp_prefix(&p, dir, tag, pid, start), 0);
	sb_puts(&p, suffix);
	assert_int_equal(mkdir(p.buf, 0700), 0);
	tu_write(p.buf, "merged.db", "half a store");
	return strbuf_detach(&p);
}

/* The same, of merge. */
static char *owned_dir(long pid, long start, const char *suffix)
{
	return tagged_dir("merge", pid, start, suffix);
}

/* A child that waits until *fd (the pipe's write end) is closed. */
static pid_t waiting_child(int *fd)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char c;

		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	*fd = p[1];
	return pid;
}

struct owner_case {
	const char *name;
	int gone; /* 1: removed */
};

static void test_dead_owners_removed_live_kept(void **state)
{
	long self = (long)getpid(), me = start_of(self);
	int wfd;
	pid_t live = waiting_child(&wfd), dead = fork();
	long live_start, dead_start;
	char *paths[7], *msg;
	static const struct owner_case cases[] = {
		{ "this process", 0 },
		{ "a live child", 0 },
		{ "a reaped child", 1 },
		{ "this pid, another start (reused pid)", 1 },
		{ "another machine's", 0 },
		{ "an old-style name", 0 },
		{ "a gone process's of another tag", 0 },
	};

	(void)state;
	if (!dead)
		_exit(0);
	assert_true(dead > 0);
	/* A zombie still has its start time; then it is reaped and gone. */
	dead_start = start_of(dead);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	live_start = start_of(live);

	paths[0] = owned_dir(self, me, "aaaaaa");
	paths[1] = owned_dir(live, live_start, "bbbbbb");
	paths[2] = owned_dir(dead, dead_start, "cccccc");
	paths[3] = owned_dir(self, me + 1, "dddddd");
	paths[4] = tu_path(dir, "vm-merge-000000000000-1-1-eeeeee");
	paths[5] = tu_path(dir, "vm-merge-Ab12Cd");
	for (int i = 4; i < 6; i++)
		assert_int_equal(mkdir(paths[i], 0700), 0);
	paths[6] = tagged_dir("report", dead, dead_start, "hhhhhh");

	tu_capture_begin();
	assert_int_equal(owned_tmp_remove_dead(dir, "merge"), 2);
	msg = tu_capture_end();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (is_dir(paths[i]) == cases[i].gone)
			fail_msg("%s: %s", cases[i].name, cases[i].gone ? "not removed" : "removed");
		if (cases[i].gone)
			assert_contains(msg, paths[i], cases[i].name);
	}
	assert_contains(msg, "left by a merge that is gone", "warning");
	free(msg);

	/* The live child's directory goes once the child has. */
	close(wfd);
	assert_int_equal(waitpid(live, NULL, 0), live);
	tu_capture_begin();
	assert_int_equal(owned_tmp_remove_dead(dir, "merge"), 1);
	free(tu_capture_end());
	assert_false(is_dir(paths[1]));
	/* Another tag's are its own command's to remove. */
	assert_true(is_dir(paths[6]));
	tu_capture_begin();
	assert_int_equal(owned_tmp_remove_dead(dir, "report"), 1);
	msg = tu_capture_end();
	assert_contains(msg, "left by a report that is gone", "report's warning");
	free(msg);
	assert_false(is_dir(paths[6]));
	assert_true(is_dir(paths[0]));
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (is_dir(paths[i]))
			assert_int_equal(remove_tree(paths[i]), 0);
		free(paths[i]);
	}
}

/* What owned_tmp_create makes is named after this process, and is kept. */
static void test_own_directory_named_and_kept(void **state)
{
	struct strbuf want = STRBUF_INIT;
	char *out = tu_path(dir, "out.db"), *made;

	(void)state;
	assert_int_equal(owned_tmp_prefix(&want, dir, "merge", (long)getpid(), start_of(getpid())), 0);
	made = owned_tmp_create(dir, "merge");
	assert_non_null(made);
	assert_true(!strncmp(made, want.buf, want.len));
	assert_int_equal(strlen(made), want.len + 6);
	assert_int_equal(owned_tmp_remove_dead(dir, "merge"), 0);
	assert_true(is_dir(made));
	assert_int_equal(rmdir(made), 0);
	free(made);
	free(out);
	strbuf_release(&want);
}

/* A merge removes what a killed merge left beside its output, then merges. */
static void test_merge_removes_dead_beside_out(void **state)
{
	char *in = tu_path(dir, "in.db"), *out = tu_path(dir, "merged.db"), *left, *msg;
	const char *ins[] = { in };
	struct store st;
	int wfd;
	pid_t live = waiting_child(&wfd);
	char *kept = owned_dir(live, start_of(live), "ffffff");

	(void)state;
	left = owned_dir((long)getpid(), start_of(getpid()) + 1, "gggggg");
	assert_int_equal(store_open(&st, in), 0);
	tu_exec(&st, "INSERT INTO sweeps (uuid, kind, status, started_at)"
		     " VALUES ('u1', 'run', 'finished', 'then')");
	store_close(&st);
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, ins, 1), 0);
	msg = tu_capture_end();
	assert_contains(msg, left, "removed");
	assert_false(is_dir(left));
	assert_true(is_dir(kept));
	assert_true(path_exists(out));
	close(wfd);
	assert_int_equal(waitpid(live, NULL, 0), live);
	assert_int_equal(remove_tree(kept), 0);
	free(msg);
	free(left);
	free(kept);
	free(in);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dead_owners_removed_live_kept),
		cmocka_unit_test(test_own_directory_named_and_kept),
		cmocka_unit_test(test_merge_removes_dead_beside_out),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
