/*
 * The zygote (lib/zygote.c, lib/zygote-preload.c): QEMUs forked from a
 * preloaded, already started QEMU must behave as QEMUs started by exec:
 * the same answers, their own process group, exit statuses and signals
 * reported, killed when asked; a zygote that dies takes its children with
 * it and later starts fall back to exec; what a zygote's child cannot
 * have (environment, directory, stdin) is refused; and where the zygote
 * cannot be used, callers are told why. Debian's real QEMU, and /bin/echo for the
 * exact argv a child gets.
 */
#include <signal.h>
#include <time.h>

#include "testutil.h"
#include "qemuproc.h"
#include "zygote.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static struct zygote *start_or_fail(const char *binary)
{
	struct strbuf why = STRBUF_INIT;
	struct zygote *z = zygote_start(binary, &why);

	if (!z)
		fail_msg("no zygote for %s: %s", binary, why.buf);
	strbuf_release(&why);
	return z;
}

static long stat_field(pid_t pid, int field)
{
	char path[64], *text, *p;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = tu_read(path);
	assert_non_null(text);
	/* Fields after the command name, which is in parentheses. */
	p = strrchr(text, ')');
	assert_non_null(p);
	p += 2;
	for (int i = 3; i < field && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	assert_non_null(p);
	v = strtol(p, NULL, 10);
	free(text);
	return v;
}

/* Ended: gone, or a zombie that init has not reaped yet. */
static int ended(pid_t pid)
{
	char state = tu_proc_state(pid);

	return !state || state == 'Z';
}

static char *version_of(struct qemu_proc *p)
{
	json_object *r = NULL, *q = NULL;
	struct qmp_error e;
	char *s;

	assert_int_equal(qmp_call(&p->qmp, "query-version", NULL, &r, &e), 0);
	assert_true(json_object_object_get_ex(r, "qemu", &q));
	s = xstrdup(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN));
	json_object_put(r);
	return s;
}

static void test_forked_qemu_answers_as_an_exec(void **state)
{
	const char *args[] = { "-machine", "none", "-S", NULL };
	struct zygote *z = start_or_fail(QEMU);
	struct qemu_proc a, b;
	char *va, *vb;

	(void)state;
	assert_int_equal(qemu_proc_start(&a, QEMU, args, 10), 0);
	assert_int_equal(qemu_proc_start_in(&b, z, QEMU, args, 10), 0);
	va = version_of(&a);
	vb = version_of(&b);
	assert_string_equal(va, vb);
	/* The zygote's child, in a process group of its own, running QEMU. */
	assert_int_equal(stat_field(b.cmd.pid, 4), zygote_pid(z));
	assert_int_equal(stat_field(b.cmd.pid, 5), b.cmd.pid);
	assert_true(command_running(&b.cmd));
	qemu_proc_stop(&a);
	qemu_proc_stop(&b);
	/* Asked to quit: it exited 0, and is gone. */
	assert_true(b.cmd.reaped);
	assert_true(b.cmd.exited);
	assert_int_equal(b.cmd.status, 0);
	assert_false(command_running(&b.cmd));
	assert_int_equal(kill(b.cmd.pid, 0), -1);
	command_release(&a.cmd);
	command_release(&b.cmd);
	free(va);
	free(vb);
	zygote_free(z);
}

static void test_exit_status_and_output(void **state)
{
	struct zygote *z = start_or_fail(QEMU);
	struct command cmd;
	struct strbuf why = STRBUF_INIT;

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ QEMU, "-display", "none",
						       "-machine", "no-such-machine", NULL });
	cmd.zygote = z;
	cmd.timeout = 20;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 1);
	assert_contains(cmd.output.buf, "unsupported machine type", "QEMU's own error");
	command_describe(&cmd, &why);
	assert_string_equal(why.buf, "exited with status 1");
	strbuf_release(&why);
	command_release(&cmd);
	zygote_free(z);
}

static void test_killed_child_reports_its_signal(void **state)
{
	struct zygote *z = start_or_fail(QEMU);
	struct command cmd;
	pid_t pid;

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ QEMU, "-display", "none",
						       "-nodefaults", "-machine",
						       "none", "-S", NULL });
	cmd.zygote = z;
	assert_int_equal(command_start(&cmd), 0);
	pid = cmd.pid;
	/* Not ended on its own within a second: it waits, paused. */
	assert_int_equal(command_wait_output(&cmd, "never printed", 1.0), -1);
	assert_true(command_running(&cmd));
	command_kill(&cmd, SIGKILL);
	assert_int_equal(command_wait(&cmd, 10), 0);
	assert_int_equal(cmd.signal, SIGKILL);
	assert_false(cmd.exited);
	assert_int_equal(kill(pid, 0), -1);
	command_release(&cmd);
	zygote_free(z);
}

static void test_zygote_death_kills_children_and_exec_takes_over(void **state)
{
	const char *args[] = { "-machine", "none", "-S", NULL };
	struct zygote *z = start_or_fail(QEMU);
	struct qemu_proc p, q;
	char *out, *v;

	(void)state;
	assert_int_equal(qemu_proc_start_in(&p, z, QEMU, args, 10), 0);
	assert_int_equal(kill(zygote_pid(z), SIGKILL), 0);
	/* Its child goes with it (PR_SET_PDEATHSIG), and is seen to go. */
	assert_int_equal(command_wait(&p.cmd, 10), 0);
	assert_int_equal(p.cmd.signal, SIGKILL);
	assert_true(ended(p.cmd.pid));
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	/* The next start through it is an exec, with a warning. */
	tu_capture_begin();
	assert_int_equal(qemu_proc_start_in(&q, z, QEMU, args, 10), 0);
	out = tu_capture_end();
	assert_contains(out, "zygote of '" QEMU "' is gone", "fallback warning");
	assert_null(q.cmd.zygote);
	v = version_of(&q);
	assert_contains(v, "\"major\"", "version via exec");
	assert_int_equal(stat_field(q.cmd.pid, 4), getpid());
	qemu_proc_stop(&q);
	command_release(&q.cmd);
	free(out);
	/* Said once: the next start through it is an exec without a word. */
	tu_capture_begin();
	assert_int_equal(qemu_proc_start_in(&q, z, QEMU, args, 10), 0);
	out = tu_capture_end();
	assert_null(strstr(out, "gone"));
	qemu_proc_stop(&q);
	command_release(&q.cmd);
	free(v);
	free(out);
	zygote_free(z);
}

/* The child's argv is exactly the one asked for: spaces, empty strings. */
static void test_argv_reaches_main_intact(void **state)
{
	struct zygote *z = start_or_fail("/bin/echo");
	struct command cmd;
	struct strvec many = STRVEC_INIT;

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "/bin/echo", "a b", "",
						       "-n", "c\td", NULL });
	cmd.zygote = z;
	cmd.timeout = 10;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	assert_string_equal(cmd.output.buf, "a b  -n c\td\n");
	command_release(&cmd);

	/* More arguments than a request may carry: refused, not cut. */
	strvec_push(&many, "/bin/echo");
	for (int i = 0; i < 2000; i++)
		strvec_push(&many, "x");
	command_init(&cmd);
	strvec_pushv(&cmd.args, many.v);
	cmd.zygote = z;
	tu_capture_begin();
	assert_int_equal(command_start(&cmd), -1);
	{
		char *msg = tu_capture_end();

		assert_contains(msg, "cannot start '/bin/echo' in its zygote", "too many");
		assert_contains(msg, "Argument list too long", "too many");
		free(msg);
	}
	command_release(&cmd);
	strvec_clear(&many);
	zygote_free(z);
}

/*
 * A child that ended before command_start could open its pidfd (the
 * zygote had reaped it already: a QEMU that exits at once, on a loaded
 * machine) is seen to end by command_running, through the zygote's word.
 * What it wrote is still collected by command_wait: test_qmp's "exit at
 * start" once reported such a child's status with none of its output.
 */
static void test_output_of_a_child_seen_to_end_early(void **state)
{
	struct zygote *z = start_or_fail("/bin/echo");
	struct command cmd;
	double deadline;

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "/bin/echo", "said before it ended",
						       NULL });
	cmd.zygote = z;
	assert_int_equal(command_start(&cmd), 0);
	/* As when pidfd_open found it gone (ESRCH). */
	if (cmd.pidfd >= 0)
		close(cmd.pidfd);
	cmd.pidfd = -1;
	deadline = now_monotonic() + TU_SLACK;
	while (command_running(&cmd)) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (now_monotonic() > deadline)
			fail_msg("echo still running after %.0f s", TU_SLACK);
		nanosleep(&ts, NULL);
	}
	assert_true(cmd.reaped);
	assert_int_equal(command_wait(&cmd, 5), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 0);
	assert_string_equal(cmd.output.buf, "said before it ended\n");
	assert_int_equal(cmd.pipe_fd, -1);
	command_release(&cmd);
	zygote_free(z);
}

/*
 * What a zygote's child cannot have (an environment of its own, a
 * working directory, a stdin) is refused with the reason, not dropped:
 * nothing is started, and the zygote serves the next command.
 */
static const struct {
	const char *name;
	const char *env, *dir;
	int in_fd;
	const char *message;
} unhonoured[] = {
	{ "extra environment", "VM_TEST=1", NULL, -1,
	  "it would have the zygote's environment, not 'VM_TEST=1'" },
	{ "working directory", NULL, "/tmp", -1,
	  "it would run in the zygote's directory, not in '/tmp'" },
	{ "stdin", NULL, NULL, 0, "its stdin would be /dev/null, not fd 0" },
};

static void test_refuses_what_it_cannot_honour(void **state)
{
	struct zygote *z = start_or_fail("/bin/echo");
	struct command cmd;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unhonoured); i++) {
		char *msg;
		int rc;

		command_init(&cmd);
		strvec_pushv(&cmd.args, (const char *const[]){ "/bin/echo", "x", NULL });
		if (unhonoured[i].env)
			strvec_push(&cmd.env, unhonoured[i].env);
		cmd.dir = unhonoured[i].dir;
		cmd.in_fd = unhonoured[i].in_fd;
		cmd.zygote = z;
		tu_capture_begin();
		rc = command_start(&cmd);
		msg = tu_capture_end();
		if (rc != -1 || cmd.pid != 0)
			fail_msg("%s: started (%d, pid %d)", unhonoured[i].name, rc,
				 (int)cmd.pid);
		assert_contains(msg, "cannot start '/bin/echo' in its zygote: ",
				unhonoured[i].name);
		assert_contains(msg, unhonoured[i].message, unhonoured[i].name);
		if (cmd.zygote != z)
			fail_msg("%s: the zygote was dropped", unhonoured[i].name);
		free(msg);
		command_release(&cmd);
	}
	/* The zygote still serves a command that asks for none of them. */
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "/bin/echo", "served", NULL });
	cmd.zygote = z;
	cmd.timeout = 10;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	assert_string_equal(cmd.output.buf, "served\n");
	assert_ptr_equal(cmd.zygote, z); /* not an exec after a fallback */
	command_release(&cmd);
	zygote_free(z);
}

struct unavailable {
	const char *name;
	const char *var, *value; /* set for the case */
	const char *why, *why_too; /* why_too: NULL or also in the reason */
};

static void test_unavailable_says_why(void **state)
{
	char *notso = path_absolute("Makefile");
	const struct unavailable cases[] = {
		{ "switched off", "VIRT_MATRIX_ZYGOTE", "off", "VIRT_MATRIX_ZYGOTE=off",
		  NULL },
		{ "no preload", "VIRT_MATRIX_ZYGOTE_SO", "/nonexistent/z.so",
		  "cannot read '/nonexistent/z.so' (VIRT_MATRIX_ZYGOTE_SO)", NULL },
		/* ld.so ignores what is not a shared object, and says so; QEMU
		 * just runs. */
		{ "not a shared object", "VIRT_MATRIX_ZYGOTE_SO", notso,
		  "did not serve with the preload", "invalid ELF header" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf why = STRBUF_INIT;
		struct zygote *z;

		setenv(cases[i].var, cases[i].value, 1);
		z = zygote_start(QEMU, &why);
		unsetenv(cases[i].var);
		if (z)
			fail_msg("%s: a zygote started", cases[i].name);
		assert_contains(why.buf, cases[i].why, cases[i].name);
		if (cases[i].why_too)
			assert_contains(why.buf, cases[i].why_too, cases[i].name);
		strbuf_release(&why);
	}
	free(notso);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forked_qemu_answers_as_an_exec),
		cmocka_unit_test(test_exit_status_and_output),
		cmocka_unit_test(test_killed_child_reports_its_signal),
		cmocka_unit_test(test_zygote_death_kills_children_and_exec_takes_over),
		cmocka_unit_test(test_argv_reaches_main_intact),
		cmocka_unit_test(test_refuses_what_it_cannot_honour),
		cmocka_unit_test(test_output_of_a_child_seen_to_end_early),
		cmocka_unit_test(test_unavailable_says_why),
	};
	return cmocka_run_group_tests_name("zygote", tests, NULL, NULL);
}
