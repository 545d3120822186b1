/*
 * Trying accelerators with a tiny guest: SeaBIOS's power-on self test,
 * watched on the isa-debugcon port through QEMU's stdout.
 */
#include <stdio.h>
#include <string.h>

#include "accel.h"
#include "command.h"
#include "qemuproc.h"
#include "banned.h"

#define DONE_MARKER "No bootable device."

static void last_line(const struct strbuf *out, char *buf, size_t size)
{
	struct strbuf t = STRBUF_INIT;
	const char *l;

	sb_puts(&t, out->buf);
	strbuf_rtrim(&t);
	l = str_tail_lines(t.buf, t.len, 1);
	snprintf(buf, size, "%s", *l ? l : "(nothing)");
	strbuf_release(&t);
}

int accel_probe(const char *binary, const char *accel, double timeout,
		struct accel_result *out)
{
	struct command cmd;
	double t0;
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", accel);
	command_init(&cmd);
	strvec_push(&cmd.args, binary);
	qemu_firmware_args(&cmd.args);
	strvec_pushv(&cmd.args, (const char *const[]){
		"-nodefaults", "-no-user-config", "-display", "none",
		"-machine", "pc", "-accel", accel, "-m", "64",
		"-chardev", "stdio,id=dbg,signal=off",
		"-device", "isa-debugcon,iobase=0x402,chardev=dbg", NULL });
	cmd.capture_max = 1 << 20;
	t0 = now_monotonic();
	if (command_start(&cmd)) {
		command_release(&cmd);
		return -1;
	}
	r = command_wait_output(&cmd, DONE_MARKER, timeout);
	out->seconds = now_monotonic() - t0;
	if (r == 1) {
		out->usable = 1;
		snprintf(out->detail, sizeof(out->detail),
			 "the firmware finished its self test in %.2fs",
			 out->seconds);
	} else if (r == 0) {
		struct strbuf why = STRBUF_INIT;

		command_wait(&cmd, 2);
		command_describe(&cmd, &why);
		snprintf(out->detail, sizeof(out->detail), "QEMU %s: %s",
			 why.buf,
			 str_tail_lines(cmd.output.buf, cmd.output.len, 2));
		strbuf_release(&why);
	} else {
		char last[200];

		last_line(&cmd.output, last, sizeof(last));
		snprintf(out->detail, sizeof(out->detail),
			 "the firmware stalled: no '%s' within %.1fs; last "
			 "output: '%s'",
			 DONE_MARKER, timeout, last);
	}
	command_kill(&cmd, 9);
	command_wait(&cmd, 5);
	command_release(&cmd);
	if (vm_interrupted)
		return -1;
	return 0;
}
