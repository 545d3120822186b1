/*
 * The QMP client and QEMU process wrapper (lib/qmp.c, lib/qemuproc.c):
 * against Debian's real qemu-system-x86_64, and against fake-qemu for
 * the faults a real QEMU will not produce on demand: exit at start, a
 * QEMU that never connects, garbage, an oversized reply, a hang, error
 * replies. Each fault must end with QEMU gone and a message that names
 * the binary and the command.
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "testutil.h"
#include "qemuproc.h"

#define DEBIAN_QEMU "/usr/bin/qemu-system-x86_64"

static void test_real_qemu_session(void **state)
{
	struct qemu_proc p;
	json_object *r = NULL, *v = NULL, *q = NULL;
	struct qmp_error e;
	struct qmp_req reqs[3] = { { .cmd = "query-machines" },
				   { .cmd = "query-commands" },
				   { .cmd = "query-kvm" } };
	const char *args[] = { "-machine", "none", "-S", NULL };
	char *ver_line;
	struct command cmd;

	(void)state;
	/* The version QMP reports is the one --version prints. */
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ DEBIAN_QEMU, "--version", NULL });
	cmd.timeout = 20;
	assert_int_equal(command_run(&cmd), 0);
	ver_line = xstrdup(cmd.output.buf);
	command_release(&cmd);

	assert_int_equal(qemu_proc_start(&p, DEBIAN_QEMU, args, 10), 0);
	assert_non_null(p.qmp.greeting);
	assert_int_equal(qmp_call(&p.qmp, "query-version", NULL, &r, &e), 0);
	assert_true(json_object_object_get_ex(r, "qemu", &q));
	{
		char want[64];
		snprintf(want, sizeof(want), "version %d.%d.%d",
			 json_object_get_int(json_object_object_get(q, "major")),
			 json_object_get_int(json_object_object_get(q, "minor")),
			 json_object_get_int(json_object_object_get(q, "micro")));
		assert_contains(ver_line, want, "query-version");
		assert_true(json_object_object_get_ex(r, "package", &v));
		assert_contains(ver_line, json_object_get_string(v), "package");
	}
	json_object_put(r);

	/* A command this QEMU lacks is an answer, not a broken session. */
	assert_int_equal(qmp_call(&p.qmp, "no-such-command", NULL, &r, &e), QMP_ERR);
	assert_string_equal(e.class_, "CommandNotFound");

	/* Pipelined: three replies, matched to their requests. */
	assert_int_equal(qmp_call_many(&p.qmp, reqs, 3), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(reqs[i].status, 0);
	assert_true(json_object_array_length(reqs[0].ret) > 20);
	{
		int found = 0;
		for (size_t i = 0; i < json_object_array_length(reqs[1].ret); i++)
			if (!strcmp(json_object_get_string(json_object_object_get(
					    json_object_array_get_idx(reqs[1].ret, i), "name")),
				    "query-kvm"))
				found = 1;
		assert_true(found);
	}
	assert_true(json_object_object_get_ex(reqs[2].ret, "present", NULL));
	for (int i = 0; i < 3; i++)
		qmp_req_release(&reqs[i]);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	assert_false(path_exists(p.dir ? p.dir : "/nonexistent"));
	free(ver_line);
}

/*
 * QEMU connects to virt-matrix's socket; nothing listens on it once the
 * session is up. A QEMU that listens itself can hang its main thread in
 * accept() when the connection comes as its monitor's I/O thread takes
 * the listening socket over (lib/qemuproc.c): a second connect() would
 * then succeed, into that QEMU's backlog.
 */
static void test_qemu_connects_to_us(void **state)
{
	const char *args[] = { "-machine", "none", "-S", NULL };
	struct sockaddr_un sa;
	struct qemu_proc p;
	json_object *r = NULL;
	struct qmp_error e;
	int s, rc;

	(void)state;
	assert_int_equal(qemu_proc_start(&p, DEBIAN_QEMU, args, 10), 0);
	assert_int_equal(p.listen_fd, -1);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(p.sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, p.sock, strlen(p.sock) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	rc = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (rc == 0 || errno != ECONNREFUSED)
		fail_msg("connect to '%s': %d (%s), expected ECONNREFUSED", p.sock, rc,
			 rc ? strerror(errno) : "connected");
	close(s);
	assert_int_equal(qmp_call(&p.qmp, "query-status", NULL, &r, &e), 0);
	json_object_put(r);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
}

static char *fake;

struct fault {
	const char *name;
	const char *mode;
	const char *cmd;	/* command to send after the handshake */
	int start_fails;
	const char *message;
};

static const struct fault faults[] = {
	{ "exit at start", "exit", NULL, 1, "deliberate failure" },
	{ "no connection", "silent", NULL, 1, "QEMU did not connect to its QMP socket" },
	{ "garbage", "garbage", "query-version", 0, "garbage in reply to 'query-version'" },
	{ "oversized", "oversize", "query-qmp-schema", 0, "reply to 'query-qmp-schema' is larger than" },
	{ "hang", "hang", "query-machines", 0, "no reply to 'query-machines' within" },
};

/* Each fault with fake-qemu started by exec, then forked from a zygote. */
static void test_faults(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct zygote *z;

	(void)state;
	fake = path_absolute("tests/bin/fake-qemu");
	z = zygote_start(fake, &why);
	if (!z)
		fail_msg("no zygote for fake-qemu: %s", why.buf);
	strbuf_release(&why);
	for (size_t i = 0; i < 2 * ARRAY_SIZE(faults); i++) {
		const struct fault *f = &faults[i % ARRAY_SIZE(faults)];
		struct zygote *via = i < ARRAY_SIZE(faults) ? NULL : z;
		const char *args[] = { "-fake", f->mode, NULL };
		struct qemu_proc p;
		json_object *r = NULL;
		struct qmp_error e;
		double t = now_monotonic();
		char name[64];
		char *msg;
		int rc, started;

		snprintf(name, sizeof(name), "%s%s", f->name, via ? " (zygote)" : "");
		tu_capture_begin();
		rc = qemu_proc_start_in(&p, via, fake, args, 1.0);
		started = !rc;
		if (started) {
			p.qmp.max_message = 1 << 20;
			rc = qmp_call(&p.qmp, f->cmd, NULL, &r, &e);
			json_object_put(r);
			qemu_proc_stop(&p);
		}
		msg = tu_capture_end();
		/* Start fails, or the call after it does. */
		if (rc != -1 || started == f->start_fails)
			fail_msg("%s: result %d, %s", name, rc,
				 started ? "started" : "did not start");
		assert_contains(msg, f->message, name);
		assert_contains(msg, "fake-qemu", name);
		/*
		 * Within its limits: 1 s to connect or answer, 5 s for the
		 * stop's wait, and the slack of a loaded machine. Without
		 * them, fake-qemu would run until its alarm(60).
		 */
		if (now_monotonic() - t > 1.0 + 5 + TU_SLACK)
			fail_msg("%s: took %.1fs", name, now_monotonic() - t);
		/* The fake is gone: reaped, not left running. */
		assert_int_equal(kill(p.cmd.pid, 0), -1);
		if (via && p.cmd.zygote != z)
			fail_msg("%s: not started in the zygote", name);
		command_release(&p.cmd);
		free(msg);
	}
	zygote_free(z);
}

static void test_error_replies(void **state)
{
	const char *args[] = { "-fake", "error", NULL };
	struct qemu_proc p;
	json_object *r = NULL;
	struct qmp_error e;

	(void)state;
	assert_int_equal(qemu_proc_start(&p, fake, args, 2), 0);
	assert_int_equal(qmp_call(&p.qmp, "query-version", NULL, &r, &e), QMP_ERR);
	assert_null(r);
	assert_string_equal(e.class_, "GenericError");
	assert_string_equal(e.desc, "fake failure");
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	free(fake);
}

/* A second greeting mid-session: renegotiate, resend what was refused. */
static void test_regreeting(void **state)
{
	const char *args[] = { "-fake", "regreet", NULL };
	struct qemu_proc p;
	struct qmp_req r[3] = { { .cmd = "query-a" }, { .cmd = "query-b" },
				{ .cmd = "query-c" } };
	json_object *ret = NULL;
	struct qmp_error e;

	(void)state;
	assert_int_equal(qemu_proc_start(&p, fake, args, 3), 0);
	assert_int_equal(qmp_call_many(&p.qmp, r, 3), 0);
	for (int i = 0; i < 3; i++) {
		if (r[i].status)
			fail_msg("%s: status %d (%s)", r[i].cmd, r[i].status, r[i].err.desc);
		assert_true(json_object_object_get_ex(r[i].ret, "ok", NULL));
		qmp_req_release(&r[i]);
	}
	/* The session goes on normally afterwards. */
	assert_int_equal(qmp_call(&p.qmp, "query-d", NULL, &ret, &e), 0);
	json_object_put(ret);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
}

/*
 * Shared replies: with share set, a large reply that is byte for byte
 * one seen before (device-list-properties of two x86 CPU models) is the
 * same object, and it equals what a plain parse gives; a different
 * reply is not shared; small replies are never shared.
 */
static void test_shared_replies(void **state)
{
	static const char *const types[] = { "qemu64-x86_64-cpu",
					     "Haswell-x86_64-cpu",
					     "e1000e", "qemu64-x86_64-cpu" };
	const char *args[] = { "-machine", "none", "-S", NULL };
	struct qemu_proc shared, plain;
	struct qmp_req a[4], b[4], v[2];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(v, 0, sizeof(v));
	assert_int_equal(qemu_proc_start(&shared, DEBIAN_QEMU, args, 10), 0);
	assert_int_equal(qemu_proc_start(&plain, DEBIAN_QEMU, args, 10), 0);
	shared.qmp.share = 1;
	for (int i = 0; i < 4; i++) {
		a[i].cmd = b[i].cmd = "device-list-properties";
		a[i].args = json_object_new_object();
		json_object_object_add(a[i].args, "typename",
				       json_object_new_string(types[i]));
		b[i].args = json_object_get(a[i].args);
	}
	assert_int_equal(qmp_call_many(&shared.qmp, a, 4), 0);
	assert_int_equal(qmp_call_many(&plain.qmp, b, 4), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(a[i].status, 0);
		assert_int_equal(b[i].status, 0);
		/* Each reply has the content of a plain parse. */
		assert_true(json_object_equal(a[i].ret, b[i].ret));
		assert_true(json_object_array_length(a[i].ret) > 5);
	}
	/* The two CPU models answer alike: one object, one reference more. */
	assert_ptr_equal(a[0].ret, a[1].ret);
	assert_ptr_equal(a[0].ret, a[3].ret);
	assert_ptr_not_equal(b[0].ret, b[1].ret);
	/* A different answer is its own object. */
	assert_ptr_not_equal(a[0].ret, a[2].ret);
	assert_int_equal(shared.qmp.nseen, 2);
	assert_int_equal(plain.qmp.nseen, 0);
	/* Small replies are parsed each time. */
	v[0].cmd = v[1].cmd = "query-version";
	assert_int_equal(qmp_call_many(&shared.qmp, v, 2), 0);
	assert_ptr_not_equal(v[0].ret, v[1].ret);
	assert_true(json_object_equal(v[0].ret, v[1].ret));
	for (int i = 0; i < 4; i++) {
		qmp_req_release(&a[i]);
		qmp_req_release(&b[i]);
	}
	qmp_req_release(&v[0]);
	qmp_req_release(&v[1]);
	qemu_proc_stop(&shared);
	qemu_proc_stop(&plain);
	command_release(&shared.cmd);
	command_release(&plain.cmd);
	assert_int_equal(shared.qmp.nseen, 0);
}

/* A recorded real session's first round replays through the client, pipelined. */
static void test_replay_recorded_session(void **state)
{
	char *file = path_absolute("tests/data/qmp/7.2.0/pc-q35-7.2.replies");
	const char *args[] = { "-fake", "replay", file, NULL };
	struct qemu_proc p;
	struct qmp_req r[5];

	(void)state;
	memset(r, 0, sizeof(r));
	r[0].cmd = "human-monitor-command";
	r[0].args = json_tokener_parse("{\"command-line\": \"info qtree\"}");
	r[1].cmd = "query-pci";
	r[2].cmd = "query-cpu-model-expansion";
	r[2].args = json_tokener_parse("{\"type\": \"full\", \"model\": {\"name\": \"qemu64\"}}");
	r[3].cmd = "qom-list";
	r[3].args = json_tokener_parse("{\"path\": \"/machine\"}");
	r[4].cmd = "human-monitor-command";
	r[4].args = json_tokener_parse("{\"command-line\": \"info qom-tree\"}");
	assert_int_equal(qemu_proc_start(&p, fake, args, 5), 0);
	assert_int_equal(qmp_call_many(&p.qmp, r, 5), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(r[i].status, 0);
	assert_contains(json_object_get_string(r[0].ret), "dev: virtio-net-pci, id \"vnet0\"", "replayed qtree");
	assert_true(json_object_array_length(r[1].ret) >= 1);
	assert_contains(json_object_get_string(r[4].ret), "/lapic (apic)", "replayed qom-tree");
	for (int i = 0; i < 5; i++)
		qmp_req_release(&r[i]);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	free(file);
}

/*
 * Hostile peers, played by fake-qemu's scripts (tests/helpers/fake-qemu.c).
 * A script line "xN A;B" stands for N times the lines A and B. Each case
 * either fails the handshake (cmd NULL) or the call of cmd, with a message
 * that names the binary and says what came back; and whatever the peer
 * sends, the call returns within its timeout (the bound is that plus a
 * second of slack for a loaded machine, far below what a per-message or
 * per-greeting wait would add up to).
 */
#define HANDSHAKE "greet\n>\n< {\"return\": {}, \"id\": $ID}\n"
#define REFUSE                                                              \
	"< {\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting " \
	"capabilities negotiation with 'qmp_capabilities'\"}, \"id\": $ID}"
#define PEER_TIMEOUT 2.0

struct peer {
	const char *name;
	const char *script;
	const char *cmd;     /* asked after the handshake; NULL: it fails */
	const char *message; /* in what was reported */
};

static const struct peer peers[] = {
	{ "greeting flood", HANDSHAKE ">\nx100 greet\nhang", "query-version",
	  "QEMU kept restarting capabilities negotiation" },
	{ "greeting for every capabilities", HANDSHAKE ">\nx100 greet;>\nhang",
	  "query-version", "QEMU kept restarting capabilities negotiation" },
	{ "greeting flood in the handshake", "x100 greet\nx100 >;< {\"return\": {}, \"id\": $ID}\nhang",
	  NULL, "QEMU kept restarting capabilities negotiation" },
	/* Each renegotiation round used to get a deadline of its own. */
	{ "slow renegotiations",
	  HANDSHAKE ">\nx5 sleep 1500;greet;" REFUSE ";>;< {\"return\": {}, \"id\": $ID};>\nhang",
	  "query-version", "no reply to 'query-version' within 2.0s" },
	{ "trickled events",
	  HANDSHAKE ">\nx100 sleep 100;< {\"event\": \"TICK\", \"data\": {}}\nhang",
	  "query-version", "no reply to 'query-version' within 2.0s" },
	{ "trickled bytes", HANDSHAKE ">\nx100 sleep 50;part {\nhang", "query-version",
	  "no reply to 'query-version' within 2.0s" },
	{ "event null", HANDSHAKE ">\n< {\"event\": null}\n< {\"return\": {}, \"id\": $ID}\nhang",
	  "query-version", "event without a name while waiting for 'query-version': '{\"event\":null}'" },
	{ "event a number", HANDSHAKE ">\n< {\"event\": 5}\n< {\"return\": {}, \"id\": $ID}\nhang",
	  "query-version", "event without a name while waiting for 'query-version': '{\"event\":5}'" },
	{ "id a string", HANDSHAKE ">\n< {\"return\": {}, \"id\": \"$ID\"}\nhang", "query-version",
	  "reply with an unknown id to 'query-version': '{\"return\":{},\"id\":\"2\"}'" },
	{ "id a double", HANDSHAKE ">\n< {\"return\": {}, \"id\": $ID.0}\nhang", "query-version",
	  "reply with an unknown id to 'query-version': '{\"return\":{},\"id\":2.0}'" },
	{ "id null", HANDSHAKE ">\n< {\"return\": {}, \"id\": null}\nhang", "query-version",
	  "reply with an unknown id to 'query-version'" },
	{ "id missing", HANDSHAKE ">\n< {\"return\": {}}\nhang", "query-version",
	  "reply with an unknown id to 'query-version'" },
	{ "error a string", HANDSHAKE ">\n< {\"error\": \"boom\", \"id\": $ID}\nhang", "query-version",
	  "malformed error in reply to 'query-version': '{\"error\":\"boom\",\"id\":2}'" },
	{ "error class a number",
	  HANDSHAKE ">\n< {\"error\": {\"class\": 5, \"desc\": \"x\"}, \"id\": $ID}\nhang",
	  "query-version", "malformed error in reply to 'query-version'" },
	{ "error desc null",
	  HANDSHAKE ">\n< {\"error\": {\"class\": \"GenericError\", \"desc\": null}, \"id\": $ID}\nhang",
	  "query-version", "malformed error in reply to 'query-version'" },
	{ "neither return nor error", HANDSHAKE ">\n< {\"id\": $ID}\nhang", "query-version",
	  "reply to 'query-version' has neither return nor error" },
	{ "greeting QMP null", "< {\"QMP\": null}\nhang", NULL,
	  "expected a QMP greeting, got '{\"QMP\":null}'" },
	{ "greeting QMP a list", "< {\"QMP\": [1, 2]}\nhang", NULL,
	  "expected a QMP greeting, got '{\"QMP\":[1,2]}'" },
	{ "second greeting a number", HANDSHAKE ">\n< {\"QMP\": 5}\nhang", "query-version",
	  "malformed greeting while waiting for 'query-version': '{\"QMP\":5}'" },
	/* Escape sequences from the peer do not reach the terminal. */
	{ "garbage with control bytes", HANDSHAKE ">\n< \x1b[2J\x07not json\nhang", "query-version",
	  "garbage in reply to 'query-version': '\\x1b[2J\\x07not json'" },
};

/* The script with its "xN" lines expanded, in a file under dir. */
static char *write_script(const char *dir, const char *script)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;

	for (const char *line = script; *line;) {
		size_t len = strcspn(line, "\n");
		char *copy = xstrndup(line, len), *body = copy;
		long n = 1;

		line += len + (line[len] == '\n');
		if (copy[0] == 'x') {
			char *sp = strchr(copy, ' ');

			assert_non_null(sp);
			*sp = '\0';
			assert_int_equal(parse_long(copy + 1, 1, 100000, &n), 0);
			body = sp + 1;
		}
		for (long i = 0; i < n; i++)
			for (const char *p = body; *p;) {
				size_t k = strcspn(p, ";");

				assert_int_equal(strbuf_add(&text, p, k), 0);
				sb_putc(&text, '\n');
				p += k + (p[k] == ';');
			}
		free(copy);
	}
	sb_printf(&path, "%s/peer.script", dir);
	tu_write(dir, "peer.script", text.buf);
	strbuf_release(&text);
	return strbuf_detach(&path);
}

static void test_hostile_peers(void **state)
{
	char *dir = tu_tmpdir("qmp-peer");
	char *fake_qemu = path_absolute("tests/bin/fake-qemu");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(peers); i++) {
		const struct peer *c = &peers[i];
		char *file = write_script(dir, c->script), *msg;
		const char *args[] = { "-fake", "script", file, NULL };
		struct qemu_proc p;
		json_object *r = NULL;
		struct qmp_error e;
		double t, took = 0;
		int rc;

		tu_capture_begin();
		t = now_monotonic();
		rc = qemu_proc_start(&p, fake_qemu, args, PEER_TIMEOUT);
		took = now_monotonic() - t;
		if (!rc) {
			t = now_monotonic();
			rc = c->cmd ? qmp_call(&p.qmp, c->cmd, NULL, &r, &e) : 0;
			took = now_monotonic() - t;
			json_object_put(r);
			/* Some scripts go on sleeping: no clean quit to wait for. */
			command_kill(&p.cmd, SIGKILL);
			qemu_proc_stop(&p);
		}
		msg = tu_capture_end();
		if (c->cmd ? rc != -1 : !rc)
			fail_msg("%s: result %d; it reported:\n%s", c->name, rc, msg);
		/* fake-qemu's scripts hang until its alarm(60) otherwise. */
		if (took > PEER_TIMEOUT + TU_SLACK)
			fail_msg("%s: the %s took %.1fs with a timeout of %.1fs", c->name,
				 c->cmd ? "call" : "handshake", took, PEER_TIMEOUT);
		assert_contains(msg, c->message, c->name);
		assert_contains(msg, "fake-qemu", c->name);
		for (const char *m = msg; *m; m++)
			if ((unsigned char)*m < 0x20 && *m != '\n')
				fail_msg("%s: control byte 0x%02x reported", c->name,
					 (unsigned char)*m);
		assert_int_equal(kill(p.cmd.pid, 0), -1);
		command_release(&p.cmd);
		free(msg);
		free(file);
	}
	free(fake_qemu);
	tu_rmdir(dir);
}

/*
 * Events: a flood keeps at most QMP_MAX_EVENTS, the newest; events without a
 * name are dropped while draining (and never reach qmp_find_event's
 * strcmp); the named event after them is found.
 */
static void test_event_flood_and_drain(void **state)
{
	char *dir = tu_tmpdir("qmp-events");
	char *fake_qemu = path_absolute("tests/bin/fake-qemu");
	char *file = write_script(dir, HANDSHAKE ">\n"
					   "x3000 < {\"event\": \"TICK\", \"data\": {}}\n"
					   "< {\"event\": \"LAST\"}\n"
					   "< {\"return\": {}, \"id\": $ID}\n"
					   "< {\"event\": null}\n"
					   "< {\"event\": 7}\n"
					   "< {\"event\": \"SHUTDOWN\", \"data\": {\"reason\": \"host-qmp-quit\"}}\n");
	const char *args[] = { "-fake", "script", file, NULL };
	struct qemu_proc p;
	json_object *r = NULL, *ev;
	struct qmp_error e;
	double t;

	(void)state;
	assert_int_equal(qemu_proc_start(&p, fake_qemu, args, PEER_TIMEOUT), 0);
	assert_int_equal(qmp_call(&p.qmp, "query-version", NULL, &r, &e), 0);
	json_object_put(r);
	assert_true(p.qmp.nevents <= QMP_MAX_EVENTS);
	assert_true(p.qmp.nevents > QMP_MAX_EVENTS / 4);
	assert_non_null(qmp_find_event(&p.qmp, "LAST"));
	t = now_monotonic();
	qmp_drain_events(&p.qmp, PEER_TIMEOUT);
	assert_true(now_monotonic() - t < PEER_TIMEOUT + TU_SLACK);
	ev = qmp_find_event(&p.qmp, "SHUTDOWN");
	assert_non_null(ev);
	assert_string_equal(json_object_get_string(json_object_object_get(
				    json_object_object_get(ev, "data"), "reason")),
			    "host-qmp-quit");
	assert_null(qmp_find_event(&p.qmp, "NOSUCH"));
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	free(file);
	free(fake_qemu);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_qemu_session),
		cmocka_unit_test(test_qemu_connects_to_us),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_replay_recorded_session),
		cmocka_unit_test(test_shared_replies),
		cmocka_unit_test(test_regreeting),
		cmocka_unit_test(test_error_replies),
		cmocka_unit_test(test_hostile_peers),
		cmocka_unit_test(test_event_flood_and_drain),
	};
	return cmocka_run_group_tests_name("qmp", tests, NULL, NULL);
}
