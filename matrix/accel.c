/*
 * Trying accelerators with a tiny guest: SeaBIOS's power-on self test,
 * watched on the isa-debugcon port through QEMU's stdout. Checks can run
 * side by side with other work: start, do something else, finish.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "accel.h"
#include "qemuproc.h"
#include "banned.h"

#define DONE_MARKER "No bootable device."

int accel_check_start(struct accel_check *c, struct zygote *z,
		      const char *binary, const char *accel)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", accel);
	command_init(&c->cmd);
	strvec_push(&c->cmd.args, binary);
	qemu_firmware_args(&c->cmd.args);
	strvec_pushv(&c->cmd.args, (const char *const[]){
		"-nodefaults", "-no-user-config", "-display", "none",
		"-machine", "pc", "-accel", accel, "-m", "64",
		"-chardev", "stdio,id=dbg,signal=off",
		"-device", "isa-debugcon,iobase=0x402,chardev=dbg", NULL });
	c->cmd.capture_max = 1 << 20;
	c->cmd.zygote = z;
	c->t0 = now_monotonic();
	if (command_start(&c->cmd)) {
		command_release(&c->cmd);
		return -1;
	}
	c->running = 1;
	return 0;
}

void accel_check_finish(struct accel_check *c, double timeout,
			struct accel_result *out)
{
	double left = c->t0 + timeout - now_monotonic();
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", c->name);
	if (!c->running) {
		snprintf(out->detail, sizeof(out->detail), "did not start");
		return;
	}
	r = command_wait_output(&c->cmd, DONE_MARKER, left > 0 ? left : 0.001);
	out->seconds = now_monotonic() - c->t0;
	out->output_bytes = c->cmd.output.len;
	if (r == 1) {
		out->usable = 1;
		snprintf(out->detail, sizeof(out->detail),
			 "the firmware finished its self test in %.2fs",
			 out->seconds);
	} else if (r == 0) {
		struct strbuf why = STRBUF_INIT;

		command_wait(&c->cmd, 2);
		command_describe(&c->cmd, &why);
		snprintf(out->detail, sizeof(out->detail), "QEMU %s: %s",
			 why.buf,
			 str_tail_lines(c->cmd.output.buf, c->cmd.output.len, 2));
		strbuf_release(&why);
	} else {
		char last[ACCEL_LAST_MAX];

		accel_last_output(c->cmd.output.buf, c->cmd.output.len, last,
				  sizeof(last));
		snprintf(out->detail, sizeof(out->detail),
			 "the firmware did not finish its self test within %.2fs; last "
			 "output: '%s'",
			 timeout, last);
	}
	accel_check_abort(c);
}

void accel_last_output(const char *output, size_t len, char *buf,
		       size_t size)
{
	struct strbuf t = STRBUF_INIT;
	const char *last;

	if (strbuf_add(&t, output, strnlen(output, len)))
		die("accel_last_output");
	strbuf_rtrim(&t);
	last = str_tail_lines(t.buf, t.len, 1);
	snprintf(buf, size, "%.200s", *last ? last : "(nothing)");
	strbuf_release(&t);
}

void accel_check_abort(struct accel_check *c)
{
	if (!c->running)
		return;
	command_kill(&c->cmd, SIGKILL);
	command_wait(&c->cmd, 5);
	command_release(&c->cmd);
	c->running = 0;
}

/* TCG's output before KVM can be judged by it: past the banners. */
#define JUDGE_FROM 1024

/*
 * KVM and TCG run the same firmware, started at the same moment. When
 * KVM has printed less than half of the ref bytes TCG has printed by now
 * (TCG being past its first JUDGE_FROM bytes, or finished), KVM is more than
 * twice as slow: it is judged at once instead of spinning a core until
 * its timeout. Returns 1 if it judged (and ended) the check.
 */
static int far_behind(struct accel_check *kvm, size_t ref, int tcg_done,
		      struct accel_result *out)
{
	char last[ACCEL_LAST_MAX];
	size_t done;

	if (!tcg_done && ref < JUDGE_FROM)
		return 0;
	if (command_wait_output(&kvm->cmd, DONE_MARKER, 0.001) != -1 ||
	    vm_interrupted)
		return 0; /* finished, exited or interrupted: finish tells */
	done = kvm->cmd.output.len;
	if (done * 2 >= ref)
		return 0;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", kvm->name);
	out->seconds = now_monotonic() - kvm->t0;
	out->output_bytes = done;
	accel_last_output(kvm->cmd.output.buf, done, last, sizeof(last));
	snprintf(out->detail, sizeof(out->detail),
		 "more than twice as slow as TCG: at %.2fs this guest had "
		 "printed %zu bytes of the firmware's self test, TCG %zu%s; "
		 "last output: '%s'",
		 out->seconds, done, ref, tcg_done ? " (all of it)" : "",
		 last);
	accel_check_abort(kvm);
	return 1;
}

static void *pair_main(void *arg)
{
	struct accel_pair *p = arg;
	struct accel_check tcg, kvm;
	double kvm_timeout, deadline;
	int have_tcg, have_kvm, judged = 0;

	have_tcg = accel_check_start(&tcg, p->z, p->binary, "tcg") == 0;
	have_kvm = accel_check_start(&kvm, p->z, p->binary, "kvm") == 0;
	snprintf(p->res[0].name, sizeof(p->res[0].name), "tcg");
	snprintf(p->res[1].name, sizeof(p->res[1].name), "kvm");
	/* TCG's run, with KVM's progress compared to it on the way. */
	deadline = now_monotonic() + 5;
	while (have_tcg && have_kvm && !judged && now_monotonic() < deadline &&
	       command_wait_output(&tcg.cmd, DONE_MARKER, 0.005) == -1 &&
	       !vm_interrupted && tcg.cmd.pipe_fd >= 0)
		judged = far_behind(&kvm, tcg.cmd.output.len, 0, &p->res[1]);
	if (have_tcg)
		accel_check_finish(&tcg, 5, &p->res[0]);
	else
		snprintf(p->res[0].detail, sizeof(p->res[0].detail),
			 "did not start");
	/*
	 * A usable KVM runs the same POST faster than TCG does; a hung KVM
	 * guest spins a core that the probe's own QEMUs need, so it gets
	 * twice TCG's time (at least 0.25 s), not more.
	 */
	kvm_timeout = p->res[0].usable ? 2 * p->res[0].seconds : 2;
	kvm_timeout = kvm_timeout < 0.25 ? 0.25 : kvm_timeout > 3 ? 3 : kvm_timeout;
	if (!have_kvm)
		snprintf(p->res[1].detail, sizeof(p->res[1].detail),
			 "did not start");
	else if (!judged && !(p->res[0].usable &&
			      far_behind(&kvm, p->res[0].output_bytes, 1,
					 &p->res[1])))
		accel_check_finish(&kvm, kvm_timeout, &p->res[1]);
	return NULL;
}

int accel_pair_start(struct accel_pair *p, struct zygote *z,
		     const char *binary)
{
	int e;

	memset(p, 0, sizeof(*p));
	p->binary = binary;
	p->z = z;
	e = pthread_create(&p->thread, NULL, pair_main, p);
	if (e)
		return error("cannot start the accelerator checks of '%s': %s",
			     binary, strerror(e));
	p->started = 1;
	return 0;
}

void accel_pair_finish(struct accel_pair *p, struct accel_result out[2])
{
	if (p->started) {
		pthread_join(p->thread, NULL);
		p->started = 0;
	}
	memcpy(out, p->res, sizeof(p->res));
}

int accel_probe(const char *binary, const char *accel, double timeout,
		struct accel_result *out)
{
	struct accel_check c;

	if (accel_check_start(&c, NULL, binary, accel))
		return -1;
	accel_check_finish(&c, timeout, out);
	return vm_interrupted ? -1 : 0;
}
