/*
 * The direct backend (job.h): the QEMU under test boots the host's
 * kernel with the guest's initramfs (initrd.h), whose /init runs the
 * scenario's checks and powers off; the verdict comes from the console
 * (guest.h) and from how QEMU ended, which its QMP SHUTDOWN event tells.
 * vhost-user devices get DPDK testpmd (testpmd.h) as their backend.
 * The VM is first adapted to this host (hostadapt.h: disks it lacks,
 * hugepages, cpupin), and what that took is given back on the way out.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "hostadapt.h"
#include "initrd.h"
#include "testpmd.h"
#include "banned.h"

/*
 * DTS's cpupin: vCPU n runs on the n-th host CPU listed; a CPU this host
 * does not have (DTS's labs have dozens) is CPU (n mod count) of those
 * this process may use (host_pin_cpu), with a note. The thread ids come
 * from QMP; a pin the kernel refuses is a note, not a failure.
 */
static void pin_vcpus(struct qemu_proc *p, const char *cpupin, struct result *r)
{
	json_object *cpus = NULL;
	struct qmp_error err;
	const char *c = cpupin;
	cpu_set_t present;
	size_t n;

	if (sched_getaffinity(0, sizeof(present), &present))
		CPU_ZERO(&present);
	if (qmp_call(&p->qmp, "query-cpus-fast", NULL, &cpus, &err)) {
		strvec_pushf(&r->notes, "cpupin not applied: query-cpus-fast failed");
		return;
	}
	n = qmp_array_len(cpus);
	for (size_t i = 0; i < n && *c; i++) {
		long long tid = qmp_get_int(json_object_array_get_idx(cpus, i),
					    "thread-id", -1);
		char *end;
		long want = strtol(c, &end, 10), host;
		cpu_set_t set;

		if (end == c)
			break;
		c = end + strspn(end, " ");
		if (tid <= 0 || tid > INT32_MAX)
			continue;
		host = host_pin_cpu(want, &present);
		CPU_ZERO(&set);
		if (host >= 0)
			CPU_SET((int)host, &set);
		if (host < 0 || sched_setaffinity((pid_t)tid, sizeof(set), &set))
			strvec_pushf(&r->notes, "cpupin: vCPU %zu not pinned to host "
						"CPU %ld (%s)",
				     i, want, host < 0 ? "no such CPU" : strerror(errno));
		else if (host != want)
			strvec_pushf(&r->notes, "cpupin: vCPU %zu (thread %lld) on host "
						"CPU %ld: CPU %ld is not on this host, "
						"%ld mod %d",
				     i, tid, host, want, want, CPU_COUNT(&present));
		else
			strvec_pushf(&r->notes, "cpupin: vCPU %zu (thread %lld) on host CPU %ld",
				     i, tid, host);
	}
	json_object_put(cpus);
}

/* How QEMU saw the end: its SHUTDOWN event's reason (NULL: none), and a note. */
static char *shutdown_reason(struct qemu_proc *p, struct result *r)
{
	json_object *ev;
	const char *why;

	qmp_drain_events(&p->qmp, 2);
	ev = qmp_find_event(&p->qmp, "SHUTDOWN");
	why = qmp_get_string(qmp_get(ev, "data", json_type_object), "reason");
	strvec_pushf(&r->notes, "QMP: %s%s", ev ? "SHUTDOWN reason=" : "no SHUTDOWN event",
		     ev ? (why ? why : "(none given)") : "");
	return why ? xstrdup(why) : NULL;
}

/*
 * The verdict of a booted guest: w is command_wait_output()'s (1: the
 * guest printed its end), shutdown the QMP reason, o what it reported.
 */
static void booted_verdict(struct run_ctx *x, int w, const char *shutdown,
			   const struct guest_outcome *o)
{
	struct result *r = x->r;

	if (w == 1 && r->exited && !r->exit_status) {
		judge(r, o, x->s->nchecks);
		return;
	}
	r->status = RUN_FAIL;
	if (w == 1)
		sb_printf(&r->reason, "the guest finished but QEMU did not power "
				      "off cleanly (%s %d)",
			  r->exited ? "exit status" : "signal",
			  r->exited ? r->exit_status : r->signal);
	else if (r->signal && r->signal != SIGKILL)
		sb_printf(&r->reason, "QEMU was killed by signal %d (%s) "
				      "before the guest finished",
			  r->signal, strsignal(r->signal));
	else if (r->exited)
		sb_printf(&r->reason, "QEMU exited with status %d before "
				      "the guest finished%s%s%s",
			  r->exit_status, shutdown ? " (QMP SHUTDOWN reason " : "",
			  shutdown ? shutdown : "",
			  !shutdown ? ""
			  : !strcmp(shutdown, "guest-reset")
				  ? ": the guest reset, e.g. a kernel panic)"
				  : ")");
	else {
		sb_printf(&r->reason, "the guest did not finish within %ld s "
				      "(QEMU hung or the guest did)",
			  x->timeout);
		console_last_said(&r->reason, r->serial.buf);
	}
}

/* The guest runs to its end (or the timeout); the verdict from it. */
static void boot_and_judge(struct run_ctx *x, struct qemu_proc *p)
{
	struct result *r = x->r;
	struct guest_outcome o;
	char *shutdown;
	int w;

	if (x->s->vms[0].cpupin)
		pin_vcpus(p, x->s->vms[0].cpupin, r);
	w = command_wait_output(&p->cmd, GUEST_END, (double)x->timeout);
	if (w == 1) /* /init powers off next: QEMU must exit by itself. */
		command_wait(&p->cmd, 30);
	if (!p->cmd.exited && !p->cmd.signal)
		command_kill(&p->cmd, SIGKILL), command_wait(&p->cmd, 5);
	exit_into(r, &p->cmd);
	split_output(p->cmd.output.buf, &r->stderr_text, &r->serial);
	shutdown = shutdown_reason(p, r);
	guest_parse(r->serial.buf ? r->serial.buf : "", &o);
	checks_into(r, &o);
	booted_verdict(x, w, shutdown, &o);
	guest_outcome_release(&o);
	free(shutdown);
}

/* Boots the guest; its /init runs the checks and powers off. */
static void run_booted(struct run_ctx *x)
{
	struct result *r = x->r;
	struct map_env env;
	struct qemu_proc p;
	struct testpmd tp;
	struct host_adapt ha;
	char *initrd = initrd_guest(x->s, x->kver);
	int have_tp = 0, adapt;

	memset(&ha, 0, sizeof(ha));
	if (!initrd) {
		r->status = RUN_ERROR;
		sb_puts(&r->reason, "cannot build the guest's initramfs");
		return;
	}
	adapt = host_adapt_start(&ha, x->s, x->rundir, &r->notes, &r->reason);
	if (adapt) {
		r->status = adapt > 0 ? RUN_SKIP : RUN_ERROR;
		goto out;
	}
	memset(&env, 0, sizeof(env));
	env.kernel = x->kernel;
	env.initrd = initrd;
	env.append = GUEST_CMDLINE;
	env.accel = r->accel;
	env.rundir = x->rundir;
	env.hugepage_dir = ha.mnt;
	if (map_argv(&ha.s, x->caps, &env, &r->argv, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		goto out;
	}
	if (scenario_count_devices(x->s, DEV_VHOST_USER)) {
		have_tp = 1;
		if (testpmd_start(&tp, &ha.s, &env, &r->reason)) {
			r->status = RUN_ERROR;
			goto out;
		}
	}
	if (job_start_qemu(x, &p))
		goto out;
	boot_and_judge(x, &p);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
out:
	if (have_tp)
		testpmd_stop(&tp, &r->backend, &r->notes);
	host_adapt_stop(&ha, &r->notes);
	free(initrd);
}

static int direct_applies(const struct run_ctx *x)
{
	return !x->j->libvirt && !x->pt_host;
}

const struct run_backend run_backend_direct = {
	.name = "direct",
	.applies = direct_applies,
	.run = run_booted,
};
