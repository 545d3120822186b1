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
#include "fs.h"
#include "hostadapt.h"
#include "netlab.h"
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
 * guest printed its end), shutdown the QMP reason, o what it reported,
 * want the checks it had to report.
 */
static void booted_verdict(struct run_ctx *x, int w, const char *shutdown,
			   const struct guest_outcome *o, size_t want)
{
	struct result *r = x->r;

	if (w == 1 && r->exited && !r->exit_status) {
		judge(r, o, want);
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

/*
 * One VM of a job: its initramfs, its files' directory, its argv and
 * QEMU, and its own result, which run_booted() merges into the job's.
 */
struct vm_run {
	size_t k;
	const char *name; /* NULL: the scenario's only VM */
	char *initrd, *rundir;
	char tap_prefix[64];
	struct map_env env;
	struct qemu_proc p;
	int started;
	int w; /* command_wait_output(): 1 the guest ended, 0 QEMU did, -1 neither */
	struct result r;
};

/* The checks that apply to VM k: what its guest must report. */
static size_t checks_for(const struct scenario *s, size_t k)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nchecks; i++)
		n += scn_check_applies(&s->checks[i], k);
	return n;
}

/*
 * Waits until every started guest printed its end or its QEMU exited,
 * or the job's timeout passed (or Ctrl-C). With several, each is polled
 * in turn for a moment, so that no QEMU stalls on a full console pipe.
 */
static void wait_guests(struct run_ctx *x, struct vm_run *v, size_t n)
{
	double deadline = now_monotonic() + (double)x->timeout;
	size_t left = 0;

	for (size_t i = 0; i < n; i++) {
		v[i].w = -1;
		left += v[i].started;
	}
	while (left && !vm_interrupted) {
		double rem = deadline - now_monotonic();

		if (rem <= 0)
			break;
		for (size_t i = 0; i < n; i++) {
			int w;

			if (!v[i].started || v[i].w != -1)
				continue;
			w = command_wait_output(&v[i].p.cmd, GUEST_END,
						n == 1 ? rem : (rem < 0.2 ? rem : 0.2));
			if (w != -1)
				v[i].w = w, left--;
		}
	}
}

/* A VM's guest has run to its end (or the timeout): its verdict. */
static void judge_vm(struct run_ctx *x, const struct scenario *s, struct vm_run *v)
{
	struct run_ctx xv = *x;
	struct result *r = &v->r;
	struct qemu_proc *p = &v->p;
	struct guest_outcome o;
	char *shutdown;

	xv.r = r;
	if (v->w == 1) /* /init powers off next: QEMU must exit by itself. */
		command_wait(&p->cmd, 30);
	if (!p->cmd.exited && !p->cmd.signal)
		command_kill(&p->cmd, SIGKILL), command_wait(&p->cmd, 5);
	exit_into(r, &p->cmd);
	split_output(p->cmd.output.buf, &r->stderr_text, &r->serial);
	shutdown = shutdown_reason(p, r);
	guest_parse(r->serial.buf ? r->serial.buf : "", &o);
	checks_into(r, &o);
	booted_verdict(&xv, v->w, shutdown, &o, checks_for(s, v->k));
	guest_outcome_release(&o);
	free(shutdown);
}

/* Worst first: a job of several VMs has the verdict of its worst VM. */
static int status_rank(enum run_status st)
{
	switch (st) {
	case RUN_ERROR:
		return 4;
	case RUN_FAIL:
		return 3;
	case RUN_SKIP:
		return 2;
	case RUN_PASS:
		return 1;
	default:
		return 0;
	}
}

/* "[vm1] " before what VM v says, when the job has several. */
static void vm_tag(struct strbuf *sb, const struct vm_run *v)
{
	if (v->name)
		sb_printf(sb, "[%s] ", v->name);
}

/*
 * VM v's result into the job's r: as it is for the only VM; for one of
 * several, its notes and reason tagged "[NAME] ", its argv after a
 * "[NAME]" element (rep_argv_normalise reads that form), its console and
 * QEMU's lines after a "=== [NAME] ===" line, its checks with "vm".
 */
static void merge_vm(struct result *r, struct vm_run *v)
{
	struct result *f = &v->r;
	struct strbuf t = STRBUF_INIT;
	size_t n = f->checks ? json_object_array_length(f->checks) : 0;

	if (status_rank(f->status) > status_rank(r->status))
		r->status = f->status;
	if (f->reason.len) {
		if (r->reason.len)
			sb_puts(&r->reason, "; ");
		vm_tag(&r->reason, v);
		sb_puts(&r->reason, f->reason.buf);
	}
	for (size_t i = 0; i < f->notes.nr; i++) {
		strbuf_reset(&t);
		vm_tag(&t, v);
		sb_puts(&t, f->notes.v[i]);
		strvec_push(&r->notes, t.buf);
	}
	if (v->name && f->argv.nr)
		strvec_pushf(&r->argv, "[%s]", v->name);
	strvec_pushv(&r->argv, (const char *const *)f->argv.v);
	if (v->name) {
		sb_printf(&r->serial, "=== [%s] ===\n", v->name);
		if (f->stderr_text.len)
			sb_printf(&r->stderr_text, "=== [%s] ===\n", v->name);
	}
	sb_puts(&r->serial, f->serial.buf ? f->serial.buf : "");
	sb_puts(&r->stderr_text, f->stderr_text.buf ? f->stderr_text.buf : "");
	if (n && !r->checks)
		r->checks = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_get(json_object_array_get_idx(f->checks, i));

		if (v->name)
			json_object_object_add(c, "vm", json_object_new_string(v->name));
		json_object_array_add(r->checks, c);
	}
	/* How QEMU ended: the only VM's, else the first that did not exit 0. */
	if (!v->name || v->k == 0 || (r->exited && !r->exit_status && !r->signal)) {
		r->exited = f->exited;
		r->exit_status = f->exit_status;
		r->signal = f->signal;
	}
	strbuf_release(&t);
}

/*
 * VM v's files and argv: its initramfs, its directory (the run's own for
 * the only VM, a directory per VM when there are several, so that their
 * sockets do not meet), and what the mapper makes of it. 0; or 1 for a
 * skip (the mapper cannot), -1 for an error, with v->r saying why.
 */
static int prepare_vm(struct run_ctx *x, const struct scenario *s,
		      const char *hugepage_dir, struct vm_run *v)
{
	struct result *r = &v->r;

	v->initrd = initrd_guest(s, v->k, x->kver);
	if (!v->initrd) {
		r->status = RUN_ERROR;
		sb_puts(&r->reason, "cannot build the guest's initramfs");
		return -1;
	}
	if (v->name) {
		struct strbuf d = STRBUF_INIT;

		sb_printf(&d, "%s/%s", x->rundir, v->name);
		v->rundir = strbuf_detach(&d);
		if (mkdir_p(v->rundir, 0700)) {
			r->status = RUN_ERROR;
			sb_printf(&r->reason, "cannot create '%s'", v->rundir);
			return -1;
		}
	}
	memset(&v->env, 0, sizeof(v->env));
	v->env.kernel = x->kernel;
	v->env.initrd = v->initrd;
	v->env.append = GUEST_CMDLINE;
	v->env.accel = r->accel;
	v->env.rundir = v->rundir ? v->rundir : x->rundir;
	v->env.hugepage_dir = hugepage_dir;
	if (netlab_taps(s, v->k)) {
		netlab_tap_prefix(getpid(), v->k, v->tap_prefix, sizeof(v->tap_prefix));
		v->env.tap_prefix = v->tap_prefix;
	}
	if (map_vm_argv(s, v->k, x->caps, &v->env, &r->argv, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		return 1;
	}
	return 0;
}

/*
 * Boots every VM of the scenario side by side, each /init running the
 * checks for it and powering off; vhost-user ports of all VMs meet in
 * one testpmd. The job's verdict is that of its worst VM.
 */
static void run_booted(struct run_ctx *x)
{
	struct result *r = x->r;
	struct testpmd tp;
	struct host_adapt ha;
	struct netlab nl;
	struct vm_run *v = NULL;
	struct map_env *envs = NULL;
	size_t n = 0;
	int have_tp = 0, adapt;

	memset(&ha, 0, sizeof(ha));
	memset(&nl, 0, sizeof(nl));
	adapt = host_adapt_start(&ha, x->s, x->rundir, &r->notes, &r->reason);
	if (adapt) {
		r->status = adapt > 0 ? RUN_SKIP : RUN_ERROR;
		goto out;
	}
	if (map_runnable(&ha.s, &r->reason)) {
		r->status = RUN_SKIP;
		goto out;
	}
	if (netlab_start(&nl, &ha.s, &r->notes, &r->reason)) {
		r->status = RUN_ERROR;
		goto out;
	}
	n = ha.s.nvms;
	v = xcalloc(n, sizeof(*v));
	envs = xcalloc(n, sizeof(*envs));
	for (size_t k = 0; k < n; k++) {
		v[k].k = k;
		v[k].name = n > 1 ? ha.s.vms[k].name : NULL;
		result_init(&v[k].r);
		v[k].r.accel = r->accel;
	}
	for (size_t k = 0; k < n; k++) {
		if (prepare_vm(x, &ha.s, ha.mnt, &v[k]))
			goto merge;
		envs[k] = v[k].env;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ha.s.vms[k].ndevices; i++)
			have_tp |= ha.s.vms[k].devices[i].kind == DEV_VHOST_USER;
	if (have_tp && testpmd_start(&tp, &ha.s, envs, n, &r->reason)) {
		r->status = RUN_ERROR;
		goto merge;
	}
	for (size_t k = 0; k < n; k++) {
		struct run_ctx xv = *x;

		xv.r = &v[k].r;
		if (job_start_qemu(&xv, &v[k].p))
			break;
		v[k].started = 1;
		if (ha.s.vms[k].cpupin)
			pin_vcpus(&v[k].p, ha.s.vms[k].cpupin, &v[k].r);
	}
	wait_guests(x, v, n);
	for (size_t k = 0; k < n; k++) {
		if (!v[k].started)
			continue;
		judge_vm(x, &ha.s, &v[k]);
		qemu_proc_stop(&v[k].p);
		command_release(&v[k].p.cmd);
	}
merge:
	for (size_t k = 0; k < n; k++)
		merge_vm(r, &v[k]);
out:
	if (have_tp)
		testpmd_stop(&tp, &r->backend, &r->notes);
	netlab_stop(&nl);
	host_adapt_stop(&ha, &r->notes);
	for (size_t k = 0; k < n; k++) {
		result_release(&v[k].r);
		free(v[k].initrd);
		free(v[k].rundir);
	}
	free(v);
	free(envs);
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
