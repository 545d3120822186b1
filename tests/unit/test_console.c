/*
 * lib/console.c against a real peer: a socketpair stands for QEMU's
 * chardev and a child process (sleep) for QEMU itself. A marker counts
 * only once its line is whole; a flood is cut at the cap with the
 * marker and never stops the wait; a closed console, the child's end
 * and the deadline each end a wait with their own answer; a line sent
 * arrives whole with its newline.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "console.h"

struct peer {
	struct console c;
	struct command cmd;
	int guest; /* the guest's end of the socket */
};

static void peer_start(struct peer *p, size_t max, const char *seconds)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	console_init(&p->c, max);
	assert_int_equal(console_attach(&p->c, sv[0]), 0);
	p->guest = sv[1];
	command_init(&p->cmd);
	strvec_pushv(&p->cmd.args, (const char *const[]){ "sleep", seconds, NULL });
	assert_int_equal(command_start(&p->cmd), 0);
}

static void peer_stop(struct peer *p)
{
	if (p->guest >= 0)
		close(p->guest);
	command_kill(&p->cmd, SIGKILL);
	command_wait(&p->cmd, 5);
	command_release(&p->cmd);
	console_release(&p->c);
}

static void say(struct peer *p, const char *s)
{
	assert_int_equal(write(p->guest, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_marker_counts_when_its_line_is_whole(void **state)
{
	struct peer p;

	(void)state;
	peer_start(&p, 1 << 16, "30");
	say(&p, "boot\nVMX-END 6");
	/* The count after the marker has not arrived: not yet. */
	assert_int_equal(console_wait(&p.c, &p.cmd, "VMX-END ", 0.3), CONSOLE_TIMEOUT);
	say(&p, " 0\r\nmore");
	assert_int_equal(console_wait(&p.c, &p.cmd, "VMX-END ", 5), CONSOLE_SEEN);
	assert_string_equal(p.c.log.buf, "boot\nVMX-END 6 0\r\nmore");
	/* The next wait starts after that line: an old marker does not count. */
	assert_int_equal(console_wait(&p.c, &p.cmd, "VMX-END ", 0.2), CONSOLE_TIMEOUT);
	say(&p, "\nVMX-END 5 1\n");
	assert_int_equal(console_wait(&p.c, &p.cmd, "VMX-END ", 5), CONSOLE_SEEN);
	assert_int_equal(p.c.from, p.c.log.len);
	peer_stop(&p);
}

static void test_flood_is_cut_and_the_wait_goes_on(void **state)
{
	struct peer p;
	char line[100];

	(void)state;
	peer_start(&p, 1000, "30");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 50; i++)
		assert_int_equal(write(p.guest, line, sizeof(line)), (ssize_t)sizeof(line));
	/* The cut log cannot show a marker after the cap: the deadline ends it. */
	say(&p, "READY\n");
	assert_int_equal(console_wait(&p.c, &p.cmd, "READY", 0.5), CONSOLE_TIMEOUT);
	assert_true(p.c.log.cut);
	assert_true(p.c.log.len <= 1000);
	assert_non_null(strstr(p.c.log.buf, STRBUF_CUT_MARKER));
	peer_stop(&p);
}

static void test_closed_console_and_ended_qemu(void **state)
{
	struct peer p;

	(void)state;
	peer_start(&p, 1 << 16, "30");
	say(&p, "last words\n");
	close(p.guest);
	p.guest = -1;
	assert_int_equal(console_wait(&p.c, &p.cmd, "READY", 5), CONSOLE_CLOSED);
	assert_string_equal(p.c.log.buf, "last words\n");
	assert_int_equal(console_send(&p.c, "check"), -1);
	peer_stop(&p);

	/* QEMU gone while its console stays open: the wait ends at once. */
	peer_start(&p, 1 << 16, "0.2");
	{
		double t0 = now_monotonic();

		assert_int_equal(console_wait(&p.c, &p.cmd, "READY", 20), CONSOLE_CLOSED);
		assert_true(now_monotonic() - t0 < 10);
	}
	peer_stop(&p);
}

static void test_send_arrives_whole(void **state)
{
	struct peer p;
	char buf[16] = { 0 };

	(void)state;
	peer_start(&p, 1 << 16, "30");
	assert_int_equal(console_send(&p.c, "check"), 0);
	assert_int_equal(read(p.guest, buf, sizeof(buf) - 1), 6);
	assert_string_equal(buf, "check\n");
	peer_stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker_counts_when_its_line_is_whole),
		cmocka_unit_test(test_flood_is_cut_and_the_wait_goes_on),
		cmocka_unit_test(test_closed_console_and_ended_qemu),
		cmocka_unit_test(test_send_arrives_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
