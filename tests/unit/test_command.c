/* Child processes: status, signals, timeouts, caps, environment (lib/command.c). */
#include <signal.h>
#include <time.h>

#include "testutil.h"

static void run_sh(struct command *cmd, const char *script, double timeout)
{
	command_init(cmd);
	strvec_pushv(&cmd->args, (const char *const[]){ "sh", "-c", script, NULL });
	cmd->timeout = timeout;
}

static const struct {
	const char *name, *script;
	int exited, status, sig;
	const char *describe;
} status_cases[] = {
	{ "true", "true", 1, 0, 0, "exited with status 0" },
	{ "false", "false", 1, 1, 0, "exited with status 1" },
	{ "exit 3", "exit 3", 1, 3, 0, "exited with status 3" },
	{ "sigkill", "kill -9 $$", 0, 0, 9, "killed by signal 9" },
	{ "sigterm", "kill -TERM $$", 0, 0, 15, "killed by signal 15" },
};

static void test_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(status_cases); i++) {
		struct command cmd;
		struct strbuf d = STRBUF_INIT;

		run_sh(&cmd, status_cases[i].script, 10);
		assert_int_equal(command_run(&cmd), 0);
		command_describe(&cmd, &d);
		if (cmd.exited != status_cases[i].exited ||
		    cmd.status != status_cases[i].status ||
		    cmd.signal != status_cases[i].sig)
			fail_msg("%s: exited %d status %d signal %d",
				 status_cases[i].name, cmd.exited, cmd.status,
				 cmd.signal);
		assert_contains(d.buf, status_cases[i].describe, status_cases[i].name);
		assert_int_equal(command_succeeded(&cmd), i == 0);
		strbuf_release(&d);
		command_release(&cmd);
	}
}

static void test_exec_failure_is_reported(void **state)
{
	struct command cmd;
	char *msg;

	(void)state;
	command_init(&cmd);
	strvec_push(&cmd.args, "/nonexistent/program-xyz");
	tu_capture_begin();
	assert_int_equal(command_start(&cmd), -1);
	msg = tu_capture_end();
	assert_contains(msg, "cannot run '/nonexistent/program-xyz': No such file", "exec");
	free(msg);
	command_release(&cmd);
}

/* Running, as opposed to gone or a zombie waiting for init to reap it. */
static int alive(long pid)
{
	char state = tu_proc_state(pid);

	return state && state != 'Z' && state != 'X';
}

/*
 * The shell says its background sleep's pid before the wait's limit
 * starts (a loaded machine may take longer than the limit to start a
 * shell); then the limit ends the shell long before the sleep would, and
 * the sleep, a grandchild, goes with the group.
 */
static void test_timeout_kills_the_group(void **state)
{
	struct command cmd;
	double t, deadline;
	long pid = 0;
	char line[32];
	int gone = 0;

	(void)state;
	run_sh(&cmd, "sleep 60 & echo $!; wait", 0);
	assert_int_equal(command_start(&cmd), 0);
	assert_int_equal(command_wait_output(&cmd, "\n", TU_SLACK), 1);
	t = now_monotonic();
	assert_int_equal(command_wait(&cmd, 0.5), -1);
	assert_true(now_monotonic() - t < 0.5 + TU_SLACK);
	assert_true(cmd.timed_out);
	snprintf(line, sizeof(line), "%s", cmd.output.buf);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(parse_long(line, 2, 1L << 22, &pid), 0);
	/* Killed with the group; it may take its time to be gone. */
	deadline = now_monotonic() + TU_SLACK;
	while (!(gone = !alive(pid)) && now_monotonic() < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (!gone)
		fail_msg("the grandchild %ld outlived its group by %.0f s", pid, TU_SLACK);
	{
		struct strbuf d = STRBUF_INIT;
		command_describe(&cmd, &d);
		assert_contains(d.buf, "timed out after", "timeout");
		strbuf_release(&d);
	}
	command_release(&cmd);
}

/*
 * The description states the limit of the wait that expired: the one
 * given to command_wait, which is not cmd->timeout (often left at 0)
 * unless command_run passed it on.
 */
static const struct {
	const char *name;
	double configured; /* cmd->timeout */
	double wait;	   /* given to command_wait; < 0: command_run */
	const char *describe;
} limit_cases[] = {
	{ "wait limit, none configured", 0, 0.3, "timed out after 0.3s and was killed" },
	{ "wait limit, another configured", 7, 0.4, "timed out after 0.4s and was killed" },
	{ "configured, through command_run", 0.5, -1, "timed out after 0.5s and was killed" },
};

static void test_timeout_states_the_limit(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(limit_cases); i++) {
		struct command cmd;
		struct strbuf d = STRBUF_INIT;
		int r;

		run_sh(&cmd, "exec sleep 30", limit_cases[i].configured);
		if (limit_cases[i].wait < 0) {
			r = command_run(&cmd);
		} else {
			assert_int_equal(command_start(&cmd), 0);
			r = command_wait(&cmd, limit_cases[i].wait);
		}
		if (r != -1 || !cmd.timed_out)
			fail_msg("%s: result %d, timed_out %d", limit_cases[i].name, r,
				 cmd.timed_out);
		command_describe(&cmd, &d);
		if (strcmp(d.buf, limit_cases[i].describe))
			fail_msg("%s: '%s', expected '%s'", limit_cases[i].name, d.buf,
				 limit_cases[i].describe);
		strbuf_release(&d);
		command_release(&cmd);
	}
}

static void test_capture_cap(void **state)
{
	struct command cmd;

	(void)state;
	run_sh(&cmd, "head -c 100000 /dev/zero | tr '\\0' x", 10);
	cmd.capture_max = 1000;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	assert_int_equal(cmd.output.len, 1000);
	assert_true(cmd.truncated);
	assert_int_equal(cmd.output.buf[999], 'x');
	command_release(&cmd);
}

static void test_environment_stdin_dir_fds(void **state)
{
	struct command cmd;
	char *dir = tu_tmpdir("cmd"), *abs;
	int fd;
	struct strbuf want = STRBUF_INIT;

	(void)state;
	setenv("VM_TEST_LEAK", "leaked", 1);
	run_sh(&cmd, "echo ${VM_TEST_LEAK:-unset} $LC_ALL $BAR", 10);
	strvec_push(&cmd.env, "BAR=1");
	assert_int_equal(command_run(&cmd), 0);
	assert_string_equal(cmd.output.buf, "unset C 1\n");
	command_release(&cmd);

	command_init(&cmd);
	strvec_push(&cmd.args, "cat");
	cmd.timeout = 5;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	assert_int_equal(cmd.output.len, 0);
	command_release(&cmd);

	run_sh(&cmd, "pwd -P", 5);
	cmd.dir = dir;
	assert_int_equal(command_run(&cmd), 0);
	abs = realpath(dir, NULL);
	sb_printf(&want, "%s\n", abs);
	assert_string_equal(cmd.output.buf, want.buf);
	command_release(&cmd);
	free(abs);

	fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	assert_true(fd > 2);
	{
		struct strbuf script = STRBUF_INIT;
		sb_printf(&script, "test -e /proc/self/fd/%d && echo open || echo closed", fd);
		run_sh(&cmd, script.buf, 5);
		assert_int_equal(command_run(&cmd), 0);
		assert_string_equal(cmd.output.buf, "closed\n");
		command_release(&cmd);
		strbuf_release(&script);
	}
	close(fd);
	strbuf_release(&want);
	tu_rmdir(dir);
}

/*
 * The wait ends on what happens (the marker, the exit), not at its limit
 * nor at the child's end: those are 60 s away, and the bound on how long
 * it took is TU_SLACK below that, past the limit when the limit is the
 * expected end.
 */
static const struct {
	const char *name, *script, *marker;
	double timeout;
	int expect;
} marker_cases[] = {
	{ "printed", "echo booting; echo READY; sleep 60", "READY", 60, 1 },
	{ "split across writes", "printf RE; sleep 0.2; printf ADY; sleep 60", "READY", 60, 1 },
	{ "exits without it", "echo nope; exit 3", "READY", 60, 0 },
	{ "never prints it", "echo waiting; sleep 60", "READY", 0.3, -1 },
};

static void test_wait_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(marker_cases); i++) {
		struct command cmd;
		double t = now_monotonic();
		double bound = (marker_cases[i].expect == -1 ? marker_cases[i].timeout : 0) +
			       TU_SLACK;
		int r;

		run_sh(&cmd, marker_cases[i].script, 10);
		assert_int_equal(command_start(&cmd), 0);
		r = command_wait_output(&cmd, marker_cases[i].marker,
					marker_cases[i].timeout);
		if (r != marker_cases[i].expect)
			fail_msg("%s: got %d", marker_cases[i].name, r);
		if (now_monotonic() - t > bound)
			fail_msg("%s: took %.1fs", marker_cases[i].name,
				 now_monotonic() - t);
		command_kill(&cmd, SIGKILL);
		command_wait(&cmd, 5);
		command_release(&cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_exec_failure_is_reported),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_timeout_states_the_limit),
		cmocka_unit_test(test_capture_cap),
		cmocka_unit_test(test_wait_output),
		cmocka_unit_test(test_environment_stdin_dir_fds),
	};
	return cmocka_run_group_tests_name("command", tests, NULL, NULL);
}
