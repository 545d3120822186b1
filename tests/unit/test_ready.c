/*
 * Readiness from state (lib/ready.c): a server whose stdout sits in its
 * stdio buffer is ready when its socket accepts; a server that dies or
 * never listens gives the true reason. The servers are python3 scripts
 * (a build dependency) that print to a pipe without flushing, as DPDK
 * testpmd does.
 */
#include "testutil.h"
#include "ready.h"

static const char server_py[] =
	"import socket, sys, time\n"
	"time.sleep(float(sys.argv[2]))\n"
	"print('start packet forwarding')\n" /* stays in stdio's buffer */
	"if sys.argv[3] == 'exit':\n"
	"    sys.exit(3)\n"
	"if sys.argv[3] == 'listen':\n"
	"    s = socket.socket(socket.AF_UNIX)\n"
	"    s.bind(sys.argv[1])\n"
	"    s.listen(8)\n"
	"time.sleep(60)\n";

static void start_server(struct command *cmd, const char *sock, const char *delay,
			 const char *mode)
{
	command_init(cmd);
	strvec_pushv(&cmd->args, (const char *const[]){ "python3", "-c", server_py,
							sock, delay, mode, NULL });
	assert_int_equal(command_start(cmd), 0);
}

static void test_ready_by_socket_not_by_text(void **state)
{
	char *dir = tu_tmpdir("ready");
	struct strbuf a = STRBUF_INIT, why = STRBUF_INIT;
	struct command cmd;
	const char *paths[1];

	(void)state;
	sb_printf(&a, "%s/a.sock", dir);
	paths[0] = a.buf;
	assert_int_equal(ready_unix_accepts(a.buf, &why), 0);
	assert_contains(why.buf, "No such file", "no socket yet");
	strbuf_reset(&why);
	start_server(&cmd, a.buf, "0.3", "listen");
	assert_int_equal(ready_wait_unix_sockets(&cmd, "server", paths, 1, 30, &why), 0);
	assert_int_equal(why.len, 0);
	/* What the server printed is still in its buffer: text said nothing. */
	assert_null(strstr(cmd.output.buf ? cmd.output.buf : "", "start packet forwarding"));
	assert_int_equal(ready_unix_accepts(a.buf, NULL), 1);
	command_kill(&cmd, SIGKILL);
	command_wait(&cmd, 5);
	command_release(&cmd);
	/* A socket file whose server is gone does not accept. */
	assert_int_equal(ready_unix_accepts(a.buf, &why), 0);
	assert_contains(why.buf, "connect: Connection refused", "stale socket");
	strbuf_release(&a);
	strbuf_release(&why);
	tu_rmdir(dir);
}

static void test_server_that_exits(void **state)
{
	char *dir = tu_tmpdir("ready");
	struct strbuf a = STRBUF_INIT, why = STRBUF_INIT;
	struct command cmd;
	const char *paths[1];

	(void)state;
	sb_printf(&a, "%s/a.sock", dir);
	paths[0] = a.buf;
	start_server(&cmd, a.buf, "0", "exit");
	assert_int_equal(ready_wait_unix_sockets(&cmd, "server", paths, 1, 30, &why), -1);
	assert_contains(why.buf, "server exited with status 3 before its socket", "exit");
	assert_contains(why.buf, a.buf, "which socket");
	/* Its stdio buffer was flushed at exit, and the reason quotes it. */
	assert_contains(why.buf, "start packet forwarding", "what it printed");
	command_release(&cmd);
	strbuf_release(&a);
	strbuf_release(&why);
	tu_rmdir(dir);
}

static void test_server_that_never_listens(void **state)
{
	char *dir = tu_tmpdir("ready");
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, why = STRBUF_INIT;
	struct command cmd;
	const char *paths[2];

	(void)state;
	sb_printf(&a, "%s/a.sock", dir);
	sb_printf(&b, "%s/b.sock", dir);
	paths[0] = a.buf;
	paths[1] = b.buf;
	/*
	 * a accepts, b never exists: the reason names b and what was seen.
	 * a is waited for alone first, with time for python to start on a
	 * loaded machine, so that the 1 s limit is all b's.
	 */
	start_server(&cmd, a.buf, "0", "listen");
	assert_int_equal(ready_wait_unix_sockets(&cmd, "server", paths, 1, 30, &why), 0);
	assert_int_equal(ready_wait_unix_sockets(&cmd, "server", paths, 2, 1, &why), -1);
	assert_contains(why.buf, "server is running but its socket", "running");
	assert_contains(why.buf, b.buf, "which socket");
	assert_contains(why.buf, "within 1 s (last try: No such file or directory)", "seen");
	command_kill(&cmd, SIGKILL);
	command_wait(&cmd, 5);
	command_release(&cmd);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&why);
	tu_rmdir(dir);
}

static void test_path_too_long(void **state)
{
	struct strbuf p = STRBUF_INIT, why = STRBUF_INIT;

	(void)state;
	sb_puts(&p, "/tmp/");
	for (int i = 0; i < 120; i++)
		sb_putc(&p, 'x');
	assert_int_equal(ready_unix_accepts(p.buf, &why), -1);
	assert_contains(why.buf, "longer than a unix socket address allows (107)", "long");
	strbuf_release(&p);
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_by_socket_not_by_text),
		cmocka_unit_test(test_server_that_exits),
		cmocka_unit_test(test_server_that_never_listens),
		cmocka_unit_test(test_path_too_long),
	};
	return cmocka_run_group_tests_name("ready", tests, NULL, NULL);
}
