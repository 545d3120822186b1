/*
 * The judging of runner/job.c and the parsers it judges from, on real
 * outputs (tests/data/runs/, README there says which run each came
 * from): guest_parse (runner/guest.c) on consoles of recorded runs,
 * inspect_eval (runner/lab.c) on QMP answers of real QEMUs, judge and
 * checks_into on what they give, split_output on a lab's real combined
 * output. A case may derive its input from a real file (cut after some
 * lines, one check turned into a failure) to reach a verdict the store
 * holds no example of. Every failure names its case.
 */
#include "testutil.h"
#include "job.h"
#include "lab.h"

#define DATA "tests/data/runs/"

/* A real file, optionally cut after `lines` lines and with up to three edits. */
struct input {
	const char *file;
	size_t lines;		/* 0: all */
	const char *from[3], *to[3];
};

static void replace_once(struct strbuf *sb, const char *from, const char *to)
{
	char *p = strstr(sb->buf, from);
	struct strbuf out = STRBUF_INIT;

	if (!p)
		fail_msg("'%s' not in the input", from);
	sb_printf(&out, "%.*s%s%s", (int)(p - sb->buf), sb->buf, to, p + strlen(from));
	strbuf_reset(sb);
	sb_puts(sb, out.buf);
	strbuf_release(&out);
}

static void read_input(const struct input *in, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT;

	sb_printf(&path, DATA "%s", in->file);
	strbuf_reset(out);
	if (strbuf_read_file(out, path.buf, 1 << 20))
		fail_msg("cannot read %s", path.buf);
	strbuf_release(&path);
	if (in->lines) {
		const char *p = out->buf;

		for (size_t i = 0; i < in->lines && p; i++)
			if ((p = strchr(p, '\n')))
				p++;
		if (p)
			strbuf_setlen(out, (size_t)(p - out->buf));
	}
	for (size_t i = 0; i < 3 && in->from[i]; i++)
		replace_once(out, in->from[i], in->to[i]);
}

/* ---- guest_parse on real consoles ---- */

struct parse_case {
	const char *name;
	struct input in;
	int begun, ended, passed, failed;
	const char *kinds; /* the checks' kinds, comma separated, in order */
};

static const struct parse_case parse_cases[] = {
	{ "vm-q35 on 7.2.0", { .file = "vm-q35.serial" }, 1, 1, 4, 0, "cpus,mem,pci,link" },
	{ "vm-i440fx on 10.2.2", { .file = "vm-i440fx.serial" }, 1, 1, 4, 0, "cpus,mem,pci,link" },
	{ "vhost-user on 10.2.2", { .file = "vhost-user.serial" }, 1, 1, 3, 0, "pci,link,traffic" },
	{ "lab, direct", { .file = "lab.serial" }, 1, 1, 0, 0, "" },
	{ "lab through libvirt", { .file = "lab-libvirt.serial" }, 1, 1, 0, 0, "" },
	{ "vm-q35 cut after two checks", { .file = "vm-q35.serial", .lines = 3 }, 1, 0, 0, 0, "cpus,mem" },
	{ "kernel text before a check", { .file = "vm-q35.serial",
	  .from = { "VMX-CHECK 2 mem" },
	  .to = { "[    2.877065] reboot: Power downVMX-CHECK 2 mem" } },
	  1, 1, 4, 0, "cpus,mem,pci,link" },
	{ "vhost-user, traffic failed", { .file = "vhost-user.serial",
	  .from = { "VMX-CHECK 3 traffic pass sent=32 on=eth0 received=35",
	    "VMX-END 3 0" },
	  .to = { "VMX-CHECK 3 traffic fail sent=32 on=eth0 received=0", "VMX-END 2 1" } },
	  1, 1, 2, 1, "pci,link,traffic" },
	{ "VMX-END without the failures", { .file = "vm-i440fx.serial",
	  .from = { "VMX-END 4 0" }, .to = { "VMX-END 4" } }, 1, 0, 0, 0,
	  "cpus,mem,pci,link" },
};

static void kinds_of(const struct guest_outcome *o, struct strbuf *out)
{
	for (size_t i = 0; i < o->nchecks; i++)
		sb_printf(out, "%s%s", i ? "," : "", o->checks[i].kind);
}

static void test_guest_parse(void **state)
{
	struct strbuf log = STRBUF_INIT, kinds = STRBUF_INIT;

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(parse_cases); k++) {
		const struct parse_case *c = &parse_cases[k];
		struct guest_outcome o;

		read_input(&c->in, &log);
		assert_int_equal(guest_parse(log.buf, &o), 0);
		strbuf_reset(&kinds);
		kinds_of(&o, &kinds);
		if (o.begun != c->begun || o.ended != c->ended)
			fail_msg("%s: begun %d ended %d, want %d %d", c->name, o.begun,
				 o.ended, c->begun, c->ended);
		if (c->ended && (o.passed != c->passed || o.failed != c->failed))
			fail_msg("%s: VMX-END %d %d, want %d %d", c->name, o.passed,
				 o.failed, c->passed, c->failed);
		if (strcmp(kinds.buf ? kinds.buf : "", c->kinds))
			fail_msg("%s: checks '%s', want '%s'", c->name,
				 kinds.buf ? kinds.buf : "", c->kinds);
		guest_outcome_release(&o);
	}
	strbuf_release(&log);
	strbuf_release(&kinds);
}

/* ---- judge and checks_into on what the consoles give ---- */

struct judge_case {
	const char *name;
	struct input in;
	size_t want;
	enum run_status status;
	const char *reason; /* exact */
	const char *checks; /* checks_into's JSON, exact; NULL: not compared */
};

static const struct judge_case judge_cases[] = {
	{ "vm-q35 passes", { .file = "vm-q35.serial" }, 4, RUN_PASS, "",
	  "[{\"n\":1,\"kind\":\"cpus\",\"pass\":true,\"detail\":\"want=2 got=2\"},"
	  "{\"n\":2,\"kind\":\"mem\",\"pass\":true,\"detail\":\"min=180 max=256 got=205\"},"
	  "{\"n\":3,\"kind\":\"pci\",\"pass\":true,\"detail\":\"id=1af4:1000|1af4:1041 want=1 got=1\"},"
	  "{\"n\":4,\"kind\":\"link\",\"pass\":true,\"detail\":\"want=1 up=1\"}]" },
	{ "vhost-user passes", { .file = "vhost-user.serial" }, 3, RUN_PASS, "", NULL },
	{ "a check the guest never reported", { .file = "vm-q35.serial" }, 5, RUN_FAIL,
	  "1 of 5 checks failed", NULL },
	{ "the console cut after two checks", { .file = "vm-q35.serial", .lines = 3 }, 4, RUN_FAIL,
	  "2 of 4 checks failed", NULL },
	{ "traffic failed", { .file = "vhost-user.serial",
	  .from = { "VMX-CHECK 3 traffic pass sent=32 on=eth0 received=35", "VMX-END 3 0" },
	  .to = { "VMX-CHECK 3 traffic fail sent=32 on=eth0 received=0", "VMX-END 2 1" } },
	  3, RUN_FAIL, "1 of 3 checks failed; traffic: sent=32 on=eth0 received=0 on=eth1",
	  "[{\"n\":1,\"kind\":\"pci\",\"pass\":true,\"detail\":\"id=1af4:1000|1af4:1041 want=2 got=2\"},"
	  "{\"n\":2,\"kind\":\"link\",\"pass\":true,\"detail\":\"want=2 up=2\"},"
	  "{\"n\":3,\"kind\":\"traffic\",\"pass\":false,\"detail\":\"sent=32 on=eth0 received=0 on=eth1\"}]" },
	{ "two failed", { .file = "vm-i440fx.serial",
	  .from = { "VMX-CHECK 3 pci pass id=8086:100e want=1 got=1",
		    "VMX-CHECK 4 link pass want=1 up=1", "VMX-END 4 0" },
	  .to = { "VMX-CHECK 3 pci fail id=8086:100e want=1 got=0",
		  "VMX-CHECK 4 link fail want=1 up=0", "VMX-END 2 2" } },
	  4, RUN_FAIL, "2 of 4 checks failed; pci: id=8086:100e want=1 got=0; link: want=1 up=0",
	  NULL },
	{ "nothing on the console", { .file = "lab.serial", .from = { "VMX-BEGIN lab" }, .to = { "" } }, 1,
	  RUN_FAIL, "1 of 1 checks failed", "[]" },
};

static void test_judge(void **state)
{
	struct strbuf log = STRBUF_INIT;

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(judge_cases); k++) {
		const struct judge_case *c = &judge_cases[k];
		struct guest_outcome o;
		struct result r;
		const char *json;

		read_input(&c->in, &log);
		assert_int_equal(guest_parse(log.buf, &o), 0);
		result_init(&r);
		checks_into(&r, &o);
		judge(&r, &o, c->want);
		if (r.status != c->status)
			fail_msg("%s: %s, want %s", c->name, run_status_to_string(r.status),
				 run_status_to_string(c->status));
		if (strcmp(r.reason.buf ? r.reason.buf : "", c->reason))
			fail_msg("%s: reason '%s', want '%s'", c->name,
				 r.reason.buf ? r.reason.buf : "", c->reason);
		json = json_object_to_json_string_ext(r.checks, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE);
		if (c->checks && strcmp(json, c->checks))
			fail_msg("%s: checks %s, want %s", c->name, json, c->checks);
		result_release(&r);
		guest_outcome_release(&o);
	}
	strbuf_release(&log);
}

/* ---- inspect_eval on real QMP answers, judged as the lab does ---- */


struct inspect_case {
	const char *name;
	struct input in;
	enum run_status status;
	const char *reason;  /* exact */
	const char *details; /* "kind pass|fail: detail" lines, exact */
};

static const struct inspect_case inspect_cases[] = {
	{ "QEMU 7.2.0 answers", { .file = "lab-7.2.0.qmp" }, RUN_PASS, "",
	  "pci pass: id=8086:10d3 want=1 got=1 (query-pci)\n"
	  "cpus pass: want=2 got=2 (query-cpus-fast)\n"
	  "mem pass: min=256 max=0 got=256 (query-memory-size-summary)\n"
	  "passthrough pass: pt_0: 8086:10d3 at 00:01.0 want 8086:10d3\n" },
	{ "QEMU 10.2.2 answers", { .file = "lab-10.2.2.qmp" }, RUN_PASS, "",
	  "pci pass: id=8086:10d3 want=1 got=1 (query-pci)\n"
	  "cpus pass: want=2 got=2 (query-cpus-fast)\n"
	  "mem pass: min=256 max=0 got=256 (query-memory-size-summary)\n"
	  "passthrough pass: pt_0: 8086:10d3 at 00:01.0 want 8086:10d3\n" },
	{ "the device under another id", { .file = "lab-10.2.2.qmp",
	  .from = { "\"qdev_id\": \"pt_0\"" }, .to = { "\"qdev_id\": \"nic9\"" } }, RUN_FAIL,
	  "1 of 4 checks failed; passthrough: pt_0: no such device in query-pci",
	  NULL },
	{ "QEMU died before query-pci", { .file = "lab-7.2.0.qmp", .lines = 2 }, RUN_FAIL,
	  "4 of 4 checks failed; pci: id=8086:10d3 want=1 got=0 (query-pci); cpus: "
	  "want=2 got=-1 (query-cpus-fast); mem: min=256 max=0 got=-1 "
	  "(query-memory-size-summary); passthrough: pt_0: no such device in query-pci",
	  NULL },
};

static void details_of(const struct guest_outcome *o, struct strbuf *out)
{
	for (size_t i = 0; i < o->nchecks; i++)
		sb_printf(out, "%s %s: %s\n", o->checks[i].kind,
			  o->checks[i].pass ? "pass" : "fail", o->checks[i].detail);
}

static void test_inspect(void **state)
{
	struct strbuf log = STRBUF_INIT, det = STRBUF_INIT;
	struct scenario s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scenario_load(&s, "tests/data/runs/lab-passthrough.cfg"), 0);
	for (size_t k = 0; k < ARRAY_SIZE(inspect_cases); k++) {
		const struct inspect_case *c = &inspect_cases[k];
		struct inspect_answers a;
		struct guest_outcome o;
		struct result r;

		read_input(&c->in, &log);
		(void)inspect_parse(log.buf, log.len, &a);
		inspect_eval(&s, &a, LAB_PT_ID, LAB_VF_ID, &o);
		result_init(&r);
		judge(&r, &o, s.nchecks + count_passthrough(&s));
		strbuf_reset(&det);
		details_of(&o, &det);
		if (r.status != c->status)
			fail_msg("%s: %s (%s), want %s; checks:\n%s", c->name,
				 run_status_to_string(r.status), r.reason.buf,
				 run_status_to_string(c->status), det.buf);
		if (c->reason && strcmp(r.reason.buf ? r.reason.buf : "", c->reason))
			fail_msg("%s: reason '%s', want '%s'", c->name, r.reason.buf,
				 c->reason);
		if (c->details && strcmp(det.buf ? det.buf : "", c->details))
			fail_msg("%s: checks\n%s, want\n%s", c->name, det.buf, c->details);
		result_release(&r);
		guest_outcome_release(&o);
		inspect_answers_release(&a);
	}
	scenario_release(&s);
	strbuf_release(&log);
	strbuf_release(&det);
}

/* ---- split_output on a lab's real combined output ---- */

static void test_split_output(void **state)
{
	struct strbuf qemu = STRBUF_INIT, serial = STRBUF_INIT, all = STRBUF_INIT;
	struct strbuf got_q = STRBUF_INIT, got_c = STRBUF_INIT;
	const char *nl;

	(void)state;
	read_input(&(struct input){ .file = "lab.qemu-lines" }, &qemu);
	read_input(&(struct input){ .file = "lab.serial" }, &serial);
	/* As they came on one pipe: QEMU's first warning, the console, the rest. */
	nl = strchr(qemu.buf, '\n');
	assert_non_null(nl);
	sb_printf(&all, "%.*s%s%s", (int)(nl + 1 - qemu.buf), qemu.buf, serial.buf,
		  nl + 1);
	split_output(all.buf, &got_q, &got_c);
	assert_string_equal(got_q.buf, qemu.buf);
	assert_string_equal(got_c.buf, serial.buf);

	/* A console line that names QEMU is the console's; no final newline. */
	strbuf_reset(&got_q);
	strbuf_reset(&got_c);
	split_output("VMX-LAB qemu-system-x86_64 exited\nqemu: terminating on signal 15",
		     &got_q, &got_c);
	assert_string_equal(got_c.buf, "VMX-LAB qemu-system-x86_64 exited\n");
	assert_string_equal(got_q.buf, "qemu: terminating on signal 15");
	split_output(NULL, &got_q, &got_c);
	assert_string_equal(got_q.buf, "qemu: terminating on signal 15");
	strbuf_release(&qemu);
	strbuf_release(&serial);
	strbuf_release(&all);
	strbuf_release(&got_q);
	strbuf_release(&got_c);
}

/* ---- console_last_said: what a hung guest's console showed last ---- */

static void said(const char *console, const char *want)
{
	struct strbuf o = STRBUF_INIT;

	console_last_said(&o, console);
	assert_string_equal(o.buf, want);
	strbuf_release(&o);
}

static void test_console_last_said(void **state)
{
	struct strbuf serial = STRBUF_INIT, cut = STRBUF_INIT, want = STRBUF_INIT;
	const char *last;

	(void)state;
	said(NULL, "; its console stayed silent");
	said("", "; its console stayed silent");
	said("\r\n \n", "; its console stayed silent");
	said("one\r\ntwo  \r\n\r\n", "; its console last said: 'two'");
	said("only", "; its console last said: 'only'");
	said("a\n\tx\033[0m\n", "; its console last said: '?x?[0m'");
	/* A real lab console cut where it would hang: its last line, quoted. */
	read_input(&(struct input){ .file = "lab.serial", .lines = 3 }, &cut);
	last = cut.buf + cut.len - 1; /* the final newline */
	while (last > cut.buf && last[-1] != '\n')
		last--;
	sb_printf(&want, "; its console last said: '%.*s'",
		  (int)strcspn(last, "\r\n"), last);
	said(cut.buf, want.buf);
	/* A long line keeps its end, CONSOLE_QUOTE_MAX bytes. */
	for (int i = 0; i < 300; i++)
		sb_putc(&serial, (char)('a' + i % 26));
	strbuf_reset(&want);
	sb_printf(&want, "; its console last said: '%s'",
		  serial.buf + 300 - CONSOLE_QUOTE_MAX);
	said(serial.buf, want.buf);
	strbuf_release(&serial);
	strbuf_release(&cut);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_parse),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_inspect),
		cmocka_unit_test(test_split_output),
		cmocka_unit_test(test_console_last_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
