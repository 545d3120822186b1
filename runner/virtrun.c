/*
 * A scenario through a libvirt daemon of one version: the domain XML
 * from domxml.c, defined and started with <emulator> set to the QEMU
 * under test; the argv libvirt really gave QEMU is read from
 * /proc/<pid>/cmdline, the console from the serial file, and the guest's
 * checks are judged as in the direct runner. The domain is destroyed and
 * undefined however the job ends. The daemon itself is started and
 * stopped by cmd_run (one per libvirt version for the whole run).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "initrd.h"
#include "hostadapt.h"
#include "testpmd.h"
#include "version.h"
#include "domxml.h"
#include "fs.h"
#include "qemuproc.h"
#include "userxml.h"
#include "banned.h"

#define CONSOLE_FILE "console.log"

static const char *lv_error(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

/* The domain's name: vmx-<scenario>-<pid>, in characters libvirt takes. */
static void domain_name(const char *scenario, struct strbuf *out)
{
	sb_puts(out, "vmx-");
	for (const char *p = scenario; *p && out->len < 48; p++)
		sb_putc(out, (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
				    ? *p : '_'));
	sb_printf(out, "-%ld", (long)getpid());
}

static const char *shutoff_reason(int reason)
{
	switch (reason) {
	case VIR_DOMAIN_SHUTOFF_SHUTDOWN: return "shutdown";
	case VIR_DOMAIN_SHUTOFF_DESTROYED: return "destroyed";
	case VIR_DOMAIN_SHUTOFF_CRASHED: return "crashed";
	case VIR_DOMAIN_SHUTOFF_FAILED: return "failed";
	default: return "unknown";
	}
}

/*
 * Waits until the console shows the guest's end marker (1), QEMU is gone
 * (0) or the timeout passed (-1). Woken by QEMU's exit (pidfd) or every
 * 200 ms to read the console file again.
 */
static int wait_guest(long pid, const char *console, struct strbuf *log,
		      double timeout)
{
	double deadline = now_monotonic() + timeout;
	int pfd = pid > 0 ? (int)syscall(SYS_pidfd_open, (pid_t)pid, 0) : -1;
	int ret = -1;

	for (;;) {
		struct pollfd p = { pfd, POLLIN, 0 };
		int gone;

		read_file_tail(console, LOG_MAX, log);
		if (log->len && strstr(log->buf, GUEST_END " ")) {
			ret = 1;
			break;
		}
		gone = pfd < 0 ? kill((pid_t)pid, 0) && errno == ESRCH
			       : poll(&p, 1, 0) > 0;
		if (gone) {
			read_file_tail(console, LOG_MAX, log);
			ret = log->len && strstr(log->buf, GUEST_END " ") ? 1 : 0;
			break;
		}
		if (vm_interrupted || now_monotonic() > deadline)
			break;
		if (pfd >= 0)
			poll(&p, 1, 200);
		else {
			struct timespec ts = { 0, 200 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return ret;
}

/* Waits for QEMU to exit within timeout; 1 if it did. */
static int wait_exit(long pid, double timeout)
{
	int pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0), ret;
	struct pollfd p = { pfd, POLLIN, 0 };

	if (pfd < 0)
		return errno == ESRCH;
	ret = poll(&p, 1, (int)(timeout * 1000)) > 0;
	close(pfd);
	return ret;
}

/*
 * Starts dom (flags: virDomainCreateWithFlags) and reads the argv libvirt
 * gave its QEMU into r->argv. Returns QEMU's pid, or -1 with r->status
 * and r->reason set.
 */
static long start_domain(struct run_ctx *x, virDomainPtr dom, const char *name,
			 unsigned int flags)
{
	struct result *r = x->r;
	long pid;

	if (virDomainCreateWithFlags(dom, flags)) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "libvirt %s cannot start the domain: %s",
			  x->j->libvirt->version, lv_error());
		return -1;
	}
	pid = libvirtd_qemu_pid(x->j->daemon->run_dir, name);
	if (pid < 0 || proc_cmdline(pid, &r->argv)) {
		r->status = RUN_ERROR;
		sb_printf(&r->reason, "no QEMU process of domain '%s' (pid file under "
				      "%s/qemu)",
			  name, x->j->daemon->run_dir);
		return -1;
	}
	return pid;
}

/* QEMU's stderr, after libvirt's own lines, is the domain log: kept, removed. */
static void take_domain_log(struct run_ctx *x, const char *name)
{
	struct strbuf path = STRBUF_INIT;

	sb_printf(&path, "%s/qemu/%s.log", x->j->daemon->log_dir, name);
	read_file_tail(path.buf, LOG_MAX, &x->r->stderr_text);
	if (path_exists(path.buf) && unlink(path.buf))
		warning("cannot remove '%s'", path.buf);
	strbuf_release(&path);
}

/* Destroys (if running), undefines and frees dom; NULL is fine. */
static void drop_domain(virDomainPtr dom, const char *name)
{
	if (!dom)
		return;
	if (virDomainIsActive(dom) == 1)
		virDomainDestroy(dom);
	if (virDomainUndefine(dom))
		warning("cannot undefine domain '%s': %s", name, lv_error());
	virDomainFree(dom);
}

/*
 * The scenario's domain (the host kernel, our initramfs, the console to
 * a file) into xml; -1 with the run skipped when it cannot be one.
 */
static int libvirt_domain_xml(struct run_ctx *x, const char *name, const char *console,
			      const char *initrd, struct strbuf *xml)
{
	struct result *r = x->r;
	struct strvec fw = STRVEC_INIT;
	struct dom_env e;
	cpu_set_t cpus;
	int ret = 0;

	memset(&e, 0, sizeof(e));
	e.name = name;
	e.emulator = x->j->qemu->binary_path;
	e.virttype = strcmp(r->accel, "kvm") ? "qemu" : "kvm";
	e.kernel = x->kernel;
	e.initrd = initrd;
	e.cmdline = GUEST_CMDLINE;
	e.console = console;
	e.rundir = x->rundir;
	qemu_firmware_args(&fw);
	e.firmware = &fw;
	if (!sched_getaffinity(0, sizeof(cpus), &cpus))
		e.cpus = &cpus;
	e.no_cpu_maximum = version_strcmp(x->j->libvirt->version, "7.1.0") < 0;
	if (domxml_build(x->s, &e, xml, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		ret = -1;
	}
	strvec_clear(&fw);
	return ret;
}

/* The verdict: w as wait_guest's (2: finished, no power-off), reason libvirt's. */
static void libvirt_verdict(struct run_ctx *x, int w, int reason,
			    const struct guest_outcome *o)
{
	struct result *r = x->r;

	if (w == 1) {
		judge(r, o, x->s->nchecks);
		return;
	}
	r->status = RUN_FAIL;
	if (w == 2)
		sb_puts(&r->reason, "the guest finished but QEMU did not power off");
	else if (w == 0)
		sb_printf(&r->reason, "QEMU ended before the guest finished "
				      "(libvirt: shut off, reason %s)",
			  shutoff_reason(reason));
	else {
		sb_printf(&r->reason, "the guest did not finish within %ld s "
				      "(QEMU hung or the guest did)",
			  x->timeout);
		console_last_said(&r->reason, r->serial.buf);
	}
}

/*
 * The started domain's guest, to its end: the live XML into *expanded,
 * the console and the verdict into x->r, the domain's end state into
 * *state and *reason.
 */
static void libvirt_guest(struct run_ctx *x, virDomainPtr dom, long pid,
			  const char *console, char **expanded, int *state, int *reason)
{
	struct result *r = x->r;
	/* The live XML: what libvirt filled in (addresses, aliases...). */
	char *live = virDomainGetXMLDesc(dom, 0);
	struct guest_outcome o;
	int w;

	if (live) {
		free(*expanded);
		*expanded = live;
	}
	w = wait_guest(pid, console, &r->serial, (double)x->timeout);
	if (w == 1 && !wait_exit(pid, 30))
		w = 2; /* finished but did not power off */
	if (virDomainIsActive(dom) == 1)
		virDomainDestroy(dom);
	virDomainGetState(dom, state, reason, 0);
	guest_parse(r->serial.len ? r->serial.buf : "", &o);
	checks_into(r, &o);
	libvirt_verdict(x, w, *reason, &o);
	guest_outcome_release(&o);
}

static void run_libvirt(struct run_ctx *x)
{
	struct result *r = x->r;
	const struct install *lv = x->j->libvirt;
	struct strbuf name = STRBUF_INIT, console = STRBUF_INIT, xml = STRBUF_INIT;
	struct map_env menv;
	struct testpmd tp;
	virConnectPtr conn = NULL;
	virDomainPtr dom = NULL;
	char *initrd = NULL, *native = NULL, *expanded = NULL;
	struct host_adapt ha;
	struct scenario lv_s;
	struct run_ctx xa = *x; /* x with the scenario adapted to the host */
	long pid;
	int have_tp = 0, state = 0, reason = 0, adapt;

	/*
	 * As for a direct run: disks the host lacks left out, cpupin modulo
	 * the CPUs present (domxml.c), noted. Hugepages are not given:
	 * libvirt takes them only from a hugetlbfs mounted before its
	 * daemon started, which a run does not set up; the memory is a
	 * shared memfd instead (what vhost-user needs), noted.
	 */
	memset(&ha, 0, sizeof(ha));
	lv_s = *x->s;
	lv_s.vms = xcalloc(lv_s.nvms ? lv_s.nvms : 1, sizeof(*lv_s.vms));
	for (size_t k = 0; k < lv_s.nvms; k++) {
		lv_s.vms[k] = x->s->vms[k];
		if (lv_s.vms[k].hugepages)
			strvec_pushf(&r->notes, "mem hugepage=yes of [%s] through "
						"libvirt: no hugepages (libvirt takes them "
						"only from a hugetlbfs mounted before its "
						"daemon started); ordinary memory, a shared "
						"memfd where vhost-user needs it",
				     lv_s.vms[k].name);
		lv_s.vms[k].hugepages = 0;
	}
	adapt = host_adapt_start(&ha, &lv_s, x->rundir, &r->notes, &r->reason);
	free(lv_s.vms);
	if (adapt) {
		r->status = adapt > 0 ? RUN_SKIP : RUN_ERROR;
		host_adapt_stop(&ha, &r->notes);
		return;
	}
	xa.s = &ha.s;
	x = &xa;
	conn = virConnectOpen(x->j->daemon->uri);
	if (!conn) {
		r->status = RUN_ERROR;
		sb_printf(&r->reason, "cannot connect to libvirt %s: %s", lv->version,
			  lv_error());
		host_adapt_stop(&ha, &r->notes);
		return;
	}
	domain_name(x->s->name, &name);
	sb_printf(&console, "%s/" CONSOLE_FILE, x->rundir);
	initrd = initrd_guest(x->s, 0, x->kver);
	if (!initrd) {
		r->status = RUN_ERROR;
		sb_puts(&r->reason, "cannot build the guest's initramfs");
		goto out;
	}
	if (libvirt_domain_xml(x, name.buf, console.buf, initrd, &xml))
		goto out;
	native = virConnectDomainXMLToNative(conn, "qemu-argv", xml.buf, 0);
	r->native = xstrdup(native ? native : lv_error());
	if (scenario_count_devices(x->s, DEV_VHOST_USER)) {
		memset(&menv, 0, sizeof(menv));
		menv.rundir = x->rundir;
		have_tp = 1;
		if (testpmd_start(&tp, x->s, &menv, 1, &r->reason)) {
			r->status = RUN_ERROR;
			goto out;
		}
	}
	dom = virDomainDefineXML(conn, xml.buf);
	if (!dom) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "libvirt %s rejects the domain: %s", lv->version,
			  lv_error());
		goto out;
	}
	expanded = virDomainGetXMLDesc(dom, 0);
	pid = start_domain(x, dom, name.buf, 0);
	if (pid >= 0)
		libvirt_guest(x, dom, pid, console.buf, &expanded, &state, &reason);
	take_domain_log(x, name.buf);
	if (r->status == RUN_FAIL && !r->reason.len)
		sb_puts(&r->reason, "libvirt failed");
	if (state == VIR_DOMAIN_SHUTOFF)
		strvec_pushf(&r->notes, "libvirt: shut off, reason %s", shutoff_reason(reason));
out:
	drop_domain(dom, name.buf);
	/* As libvirt expanded it, or ours when libvirt never took it. */
	r->domain_xml = expanded ? expanded : xml.len ? xstrdup(xml.buf) : NULL;
	if (have_tp)
		testpmd_stop(&tp, &r->backend, &r->notes);
	if (conn)
		virConnectClose(conn);
	host_adapt_stop(&ha, &r->notes);
	free(native);
	free(initrd);
	strbuf_release(&name);
	strbuf_release(&console);
	strbuf_release(&xml);
}

/*
 * A user's file userxml_adopt() refused (why): the run fails, with
 * libvirt's own word on it when its parser rejects it too (converting
 * defines nothing and starts nothing), else with ours.
 */
static void not_adopted(struct run_ctx *x, virConnectPtr conn,
			const struct strbuf *text, const char *why)
{
	struct result *r = x->r;
	char *native = virConnectDomainXMLToNative(conn, "qemu-argv", text->buf, 0);

	r->status = RUN_FAIL;
	if (!native)
		sb_printf(&r->reason, "libvirt %s rejects the domain: %s",
			  x->j->libvirt->version, lv_error());
	else
		sb_printf(&r->reason, "'%s' is not a domain XML virt-matrix can "
				      "adopt: %s",
			  x->j->scenario_path, why);
	free(native);
}

/* The one check of an adopted domain: whether libvirt took and started it. */
static void userxml_check_into(struct result *r)
{
	json_object *check = json_object_new_object();
	int pass = r->status == RUN_PASS;

	json_object_object_add(check, "n", json_object_new_int(1));
	json_object_object_add(check, "kind", json_object_new_string("libvirt"));
	json_object_object_add(check, "pass", json_object_new_boolean(pass));
	json_object_object_add(check, "detail",
			       json_object_new_string(pass ? "libvirt defined and started "
							     "the domain"
							   : r->reason.buf));
	r->checks = json_object_new_array();
	json_object_array_add(r->checks, check);
}

/*
 * The user's own domain XML (userxml.h): adopted, defined and started
 * paused, which is enough for the argv libvirt really gives QEMU; then
 * destroyed. Pass means libvirt took the domain and QEMU started; libvirt's
 * own message is the reason when it did not.
 */
static void run_libvirt_xml(struct run_ctx *x)
{
	struct result *r = x->r;
	const struct install *lv = x->j->libvirt;
	struct strbuf name = STRBUF_INIT, text = STRBUF_INIT, xml = STRBUF_INIT,
		      why = STRBUF_INIT;
	struct userxml_as as;
	struct strvec fw = STRVEC_INIT;
	virConnectPtr conn = NULL;
	virDomainPtr dom = NULL;
	char *native = NULL, *live = NULL;
	int took = 0; /* adopted: the run has its one check */

	domain_name(x->s->name, &name);
	if (read_regular_file(&text, x->j->scenario_path, USERXML_MAX)) {
		r->status = RUN_ERROR;
		sb_printf(&r->reason, "cannot read '%s' (a regular file of at most %d "
				      "bytes is taken)",
			  x->j->scenario_path, USERXML_MAX);
		goto out;
	}
	as.name = name.buf;
	as.emulator = x->j->qemu->binary_path;
	as.virttype = strcmp(r->accel, "kvm") ? "qemu" : "kvm";
	qemu_firmware_args(&fw);
	as.qemu_args = &fw;
	conn = virConnectOpen(x->j->daemon->uri);
	if (!conn) {
		r->status = RUN_ERROR;
		sb_printf(&r->reason, "cannot connect to libvirt %s: %s", lv->version,
			  lv_error());
		goto out;
	}
	if (userxml_adopt(text.buf, text.len, &as, &xml, &r->notes, &why)) {
		not_adopted(x, conn, &text, why.buf);
		goto out;
	}
	native = virConnectDomainXMLToNative(conn, "qemu-argv", xml.buf, 0);
	r->native = xstrdup(native ? native : lv_error());
	r->domain_xml = xstrdup(xml.buf);
	took = 1;
	/* Checked against libvirt's schema too: a user's file may hold
	 * elements libvirt would otherwise silently ignore. */
	dom = virDomainDefineXMLFlags(conn, xml.buf, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!dom) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "libvirt %s rejects the domain: %s", lv->version,
			  lv_error());
		goto out;
	}
	if (start_domain(x, dom, name.buf, VIR_DOMAIN_START_PAUSED) < 0)
		goto logs;
	live = virDomainGetXMLDesc(dom, 0);
	if (live) {
		free(r->domain_xml);
		r->domain_xml = xstrdup(live);
	}
	r->status = RUN_PASS;
	strvec_push(&r->notes, "started paused: the argv is libvirt's, no guest ran");
logs:
	take_domain_log(x, name.buf);
out:
	if (took)
		userxml_check_into(r);
	drop_domain(dom, name.buf);
	if (conn)
		virConnectClose(conn);
	free(native);
	free(live);
	strbuf_release(&name);
	strbuf_release(&text);
	strbuf_release(&xml);
	strbuf_release(&why);
	strvec_clear(&fw);
}

static void daemon_missing(struct run_ctx *x)
{
	x->r->status = RUN_ERROR;
	sb_printf(&x->r->reason, "the daemon of libvirt %s did not start (its log "
				 "was shown)",
		  x->j->libvirt->version);
}

static int userxml_applies(const struct run_ctx *x)
{
	return job_is_user_xml(x->j);
}

/* A user's domain XML: through a running daemon only. */
static void userxml_run(struct run_ctx *x)
{
	if (x->j->libvirt && x->j->daemon) {
		run_libvirt_xml(x);
	} else if (x->j->libvirt) {
		daemon_missing(x);
	} else {
		x->r->status = RUN_SKIP;
		sb_puts(&x->r->reason, "a domain XML scenario runs through libvirt only");
	}
}

static int libvirt_applies(const struct run_ctx *x)
{
	return x->j->libvirt != NULL;
}

static void libvirt_run(struct run_ctx *x)
{
	if (x->j->daemon)
		run_libvirt(x);
	else
		daemon_missing(x);
}

const struct run_backend run_backend_userxml = {
	.name = "libvirt-xml",
	.applies = userxml_applies,
	.run = userxml_run,
};

const struct run_backend run_backend_libvirt = {
	.name = "libvirt",
	.applies = libvirt_applies,
	.run = libvirt_run,
};
