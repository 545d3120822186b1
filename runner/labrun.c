/*
 * Passthrough jobs in the nested lab VM (lab.h): the files for the lab
 * go to the run directory, the lab boots and runs the QEMU under test,
 * the answers come back there, and the checks are judged from them.
 * Two ways in: directly (L2's argv from the mapper, its QMP on stdio),
 * and through libvirt (the libvirt under test runs in the lab from the
 * host tree and starts L2 from the domain XML, with a <hostdev> of the
 * lab's e1000e). Booting the lab and telling its failures from those
 * of the QEMU under test is one piece of code for both, and for both
 * labs (labrun.h): the e1000e lab's backends are here, the VF lab's in
 * labvf.c.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "initrd.h"
#include "domxml.h"
#include "fs.h"
#include "lab.h"
#include "labrun.h"
#include "qemuproc.h"
#include "paths.h"
#include "banned.h"

/* The QEMU that runs the lab VM: Debian's (virtfs, intel-iommu). */
#define LAB_QEMU "/usr/bin/qemu-system-x86_64"

static char *lab_initrd(const char *kver, int ports)
{
	struct strvec mods = STRVEC_INIT;
	struct strbuf init = STRBUF_INIT;
	char *ret;

	if (ports)
		lab_vf_modules(&mods);
	else
		lab_modules(&mods);
	lab_init_script(&init);
	ret = initrd_cached(kver, &mods, init.buf);
	strvec_clear(&mods);
	strbuf_release(&init);
	return ret;
}

static int put_file(const struct run_ctx *x, const char *name, const char *text,
		    size_t len)
{
	struct strbuf p = STRBUF_INIT;
	int ret;

	sb_printf(&p, "%s/%s", x->rundir, name);
	ret = write_file_atomic(p.buf, text, len);
	strbuf_release(&p);
	return ret;
}

static void lab_io_error(struct run_ctx *x)
{
	x->r->status = RUN_ERROR;
	sb_printf(&x->r->reason, "cannot exchange files with the lab VM in '%s'",
		  x->rundir);
}

int lab_put(struct run_ctx *x, const char *name, const char *text, size_t len)
{
	if (!put_file(x, name, text, len))
		return 0;
	lab_io_error(x);
	return -1;
}

/*
 * The lab VM sees the host's tree read-only, but mounts a tmpfs of its own
 * over /tmp: a binary there (a clone of the project under /tmp, as CI may
 * use) does not exist inside it. What the lab runs of ours, the
 * supervisor, goes into the run directory, which the lab mounts at
 * LAB_RUNDIR; what it runs of the host must lie outside /tmp.
 */
#define LAB_SUPERVISOR "virt-matrix"
#define LAB_BINARY_MAX (256u << 20)

static int put_supervisor(const struct run_ctx *x)
{
	struct strbuf bin = STRBUF_INIT, p = STRBUF_INIT;
	char *self = paths_self_exec();
	int ret = -1;

	if (strbuf_read_file(&bin, self, LAB_BINARY_MAX))
		goto out;
	sb_printf(&p, "%s/%s", x->rundir, LAB_SUPERVISOR);
	if (write_file_replace(p.buf, bin.buf, bin.len, 0))
		goto out;
	if (chmod(p.buf, 0755)) {
		error_errno("cannot make '%s' executable", p.buf);
		goto out;
	}
	ret = 0;
out:
	free(self);
	strbuf_release(&bin);
	strbuf_release(&p);
	return ret;
}

/*
 * 0 when the lab sees path as the host does; -1 with the run's error when
 * the path lies under /tmp, which the lab mounts afresh.
 */
static int lab_sees(struct result *r, const char *path)
{
	if (strncmp(path, "/tmp/", 5))
		return 0;
	r->status = RUN_ERROR;
	sb_printf(&r->reason, "the lab VM cannot run '%s': it mounts a /tmp of "
			      "its own; install under another root (--root)",
		  path);
	return -1;
}

/* A file the lab left in the run directory, into out (empty if none). */
static int get_file(const struct run_ctx *x, const char *name, struct strbuf *out)
{
	struct strbuf p = STRBUF_INIT;
	int ret = 0;

	strbuf_reset(out);
	sb_printf(&p, "%s/%s", x->rundir, name);
	if (path_exists(p.buf))
		ret = strbuf_read_file(out, p.buf, LOG_MAX);
	strbuf_release(&p);
	return ret;
}

/*
 * What the e1000e lab's /init prints once its device is bound
 * (lab-init.sh; the VF lab's is LAB_VF_READY), and how long that may
 * take: some 5 s under TCG, 40 s seen on a busy machine. A lab that does
 * not get there in time hung while booting, before the QEMU under test
 * ran: it is booted again, once, and the run notes it (the harness hung,
 * not QEMU under test).
 */
#define LAB_UP "VMX-LAB " LAB_PT_BDF " "
#define LAB_UP_TIMEOUT 120.0
#define LAB_BOOTS 2

/* The lab of p hung while booting: noted with its last words, and stopped. */
static void lab_hung(struct run_ctx *x, struct qemu_proc *p)
{
	struct strbuf q = STRBUF_INIT, console = STRBUF_INIT, note = STRBUF_INIT;

	command_kill(&p->cmd, SIGKILL);
	command_wait(&p->cmd, 5);
	split_output(p->cmd.output.buf, &q, &console);
	sb_printf(&note, "the lab VM hung while booting (not up within %.0f s", LAB_UP_TIMEOUT);
	console_last_said(&note, console.buf);
	sb_puts(&note, "); booted it again");
	strvec_push(&x->r->notes, note.buf);
	sb_printf(&x->r->backend, "%s\n%s", note.buf, console.buf);
	qemu_proc_stop(p);
	command_release(&p->cmd);
	strbuf_release(&q);
	strbuf_release(&console);
	strbuf_release(&note);
}

/*
 * Boots the lab with what the run directory holds and waits for it to
 * power off. The lab's console goes to r->serial, its QEMU's own lines
 * and argv to r->backend. Returns L2's exit status as the lab reported
 * it, or -1 when the lab broke or hung before that (r->status and
 * r->reason then say so: an error of the lab, not of the QEMU under
 * test).
 */
static int lab_boot(struct run_ctx *x, const struct lab_setup *ls, const char *how)
{
	struct result *r = x->r;
	struct strbuf qemu_lines = STRBUF_INIT;
	struct lab_env le;
	struct strvec l1 = STRVEC_INIT;
	struct qemu_proc p;
	char *initrd = NULL;
	const char *ex, *err;
	int w, l2_exit = -1, p_exited, p_status, p_signal;

	strvec_pushf(&r->notes, "run inside the nested lab VM (%s) %s; checked "
				"over QMP",
		     ls->what, how);
	initrd = lab_initrd(x->kver, ls->ports);
	if (!initrd) {
		r->status = RUN_ERROR;
		sb_puts(&r->reason, "cannot build the lab VM's initramfs");
		return -1;
	}
	memset(&le, 0, sizeof(le));
	le.kernel = x->kernel;
	le.initrd = initrd;
	le.rundir = x->rundir;
	le.l2_mem_mib = x->s->vms[0].mem_mib;
	le.ports = ls->ports;
	lab_argv(&le, &l1);
	for (int attempt = 1;; attempt++) {
		if (qemu_proc_start_fw(&p, ls->qemu, ls->firmware,
				       (const char *const *)l1.v, 30)) {
			r->status = RUN_ERROR;
			sb_printf(&r->reason, "the lab VM did not start: %s",
				  qemu_proc_output(&p));
			command_release(&p.cmd);
			goto out;
		}
		sb_puts(&r->backend, "lab VM:");
		for (size_t i = 0; i < p.cmd.args.nr; i++)
			sb_printf(&r->backend, " %s", p.cmd.args.v[i]);
		sb_puts(&r->backend, "\n");
		/* The lab up (its device bound), then the QEMU under test to its end. */
		w = command_wait_output(&p.cmd, ls->up, LAB_UP_TIMEOUT);
		if (w == 1)
			w = command_wait_output(&p.cmd, GUEST_END, (double)x->timeout);
		if (w != -1 || vm_interrupted || attempt == LAB_BOOTS ||
		    strstr(p.cmd.output.buf, ls->up))
			break;
		lab_hung(x, &p);
	}
	if (w == 1)
		command_wait(&p.cmd, 30);
	if (!p.cmd.exited && !p.cmd.signal)
		command_kill(&p.cmd, SIGKILL), command_wait(&p.cmd, 5);
	p_exited = p.cmd.exited, p_status = p.cmd.status, p_signal = p.cmd.signal;
	/* The lab's console is the serial log; its QEMU's own lines, the backend's. */
	split_output(p.cmd.output.buf, &qemu_lines, &r->serial);
	sb_puts(&r->backend, qemu_lines.buf ? qemu_lines.buf : "");
	strbuf_release(&qemu_lines);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
	if (r->serial.buf && (ex = strstr(r->serial.buf, LAB_EXIT " "))) {
		l2_exit = (int)strtol(ex + strlen(LAB_EXIT " "), NULL, 10);
		goto out;
	}
	/* The lab broke before the QEMU under test ran: not its fault. */
	err = r->serial.buf ? strstr(r->serial.buf, "VMX-LAB-ERROR ") : NULL;
	r->status = err || w != 1 ? RUN_ERROR : RUN_FAIL;
	if (err)
		sb_printf(&r->reason, "the lab VM failed: %.*s",
			  (int)strcspn(err + 14, "\r\n"), err + 14);
	else if (strstr(r->serial.buf ? r->serial.buf : "", "VMX-LAB "))
		sb_printf(&r->reason, "QEMU %s did not finish within %ld s in the lab "
				      "VM (hung)",
			  x->j->qemu->version, x->timeout);
	else if (w == 0)
		sb_printf(&r->reason, "the lab VM ended before it came up (%s %d)",
			  p_exited ? "exit status" : "signal", p_exited ? p_status : p_signal);
	else
		sb_printf(&r->reason, "the lab VM did not come up within %ld s",
			  x->timeout);
	if (!err)
		console_last_said(&r->reason, r->serial.buf);
out:
	strvec_clear(&l1);
	free(initrd);
	return l2_exit;
}

/* The checks from L2's answers; the status from them and from how L2 ended. */
static void lab_judge(struct run_ctx *x, const struct inspect_answers *ans)
{
	struct result *r = x->r;
	struct guest_outcome o;

	inspect_eval(x->s, ans, LAB_PT_ID, LAB_VF_ID, &o);
	checks_into(r, &o);
	if (r->signal || r->exit_status) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "QEMU answered but then %s %d in the lab VM",
			  r->signal ? "was killed by signal" : "exited with status",
			  r->signal ? r->signal : r->exit_status);
	} else {
		judge(r, &o, x->s->nchecks + count_passthrough(x->s));
	}
	guest_outcome_release(&o);
}

/*
 * Directly: L2's argv and QMP questions go to the run directory, the
 * lab runs them, the answers come back there.
 */
void lab_run_direct(struct run_ctx *x, const struct lab_setup *ls)
{
	struct result *r = x->r;
	struct map_env env;
	struct strvec l2 = STRVEC_INIT;
	struct strbuf f = STRBUF_INIT;
	struct inspect_answers ans;
	int l2_exit;

	memset(&ans, 0, sizeof(ans));
	memset(&env, 0, sizeof(env));
	env.accel = "tcg"; /* no KVM inside the lab */
	env.rundir = LAB_RUNDIR;
	if (ls->ports) {
		env.vf_bdf = lab_vf_bdf;
		env.pf_bdf = lab_port_bdf;
	} else
		env.pt_host = LAB_PT_BDF;
	if (lab_sees(r, x->j->qemu->binary_path))
		goto out;
	strvec_pushv(&l2, (const char *const[]){ x->j->qemu->binary_path,
						 "-nodefaults", "-no-user-config",
						 "-display", "none", NULL });
	qemu_firmware_args(&l2);
	strvec_pushv(&l2, (const char *const[]){ "-qmp", "stdio", NULL });
	if (map_argv(ls->s, x->caps, &env, &l2, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		goto out;
	}
	strvec_pushv(&r->argv, (const char *const *)l2.v);
	for (size_t i = 0; i < l2.nr; i++) {
		if (strchr(l2.v[i], '\n')) {
			r->status = RUN_ERROR;
			sb_printf(&r->reason, "argument %zu has a line break", i);
			goto out;
		}
		sb_printf(&f, "%s\n", l2.v[i]);
	}
	if (put_file(x, LAB_ARGV_FILE, f.buf, f.len))
		goto io_error;
	strbuf_reset(&f);
	inspect_qmp_script(&f);
	if (put_file(x, LAB_QMP_IN, f.buf, f.len))
		goto io_error;
	l2_exit = lab_boot(x, ls, "directly, the guest stopped (-S)");
	if (l2_exit < 0)
		goto out;
	if (get_file(x, LAB_L2_ERR, &r->stderr_text) || get_file(x, LAB_QMP_OUT, &f))
		goto io_error;
	/* busybox sh: 128+N for a signal. */
	r->exited = l2_exit < 128;
	r->exit_status = l2_exit < 128 ? l2_exit : 0;
	r->signal = l2_exit >= 128 ? l2_exit - 128 : 0;
	if (inspect_parse(f.buf ? f.buf : "", f.len, &ans)) {
		r->status = RUN_FAIL;
		if (r->signal)
			sb_printf(&r->reason, "QEMU was killed by signal %d (%s) in "
					      "the lab VM",
				  r->signal, strsignal(r->signal));
		else
			sb_printf(&r->reason, "QEMU exited with status %d in the lab "
					      "VM without answering query-pci: %s",
				  r->exit_status,
				  str_tail_lines(r->stderr_text.buf, r->stderr_text.len, 3));
		goto out;
	}
	lab_judge(x, &ans);
	goto out;
io_error:
	lab_io_error(x);
out:
	inspect_answers_release(&ans);
	strvec_clear(&l2);
	strbuf_release(&f);
}

/*
 * Where the daemon of lv keeps things, as the lab sees them (its root is
 * the host's): the same layout libvirtd_start() gives it on the host,
 * without a namespace (the lab is one already), with a tmpfs over every
 * directory it writes, since the host root is read-only in the lab.
 */
struct lab_dirs {
	struct strbuf run, log, etc, virsh;
	struct strvec tmpfs;
};

static void lab_dirs_zero(struct lab_dirs *d)
{
	strbuf_init(&d->run, 0);
	strbuf_init(&d->log, 0);
	strbuf_init(&d->etc, 0);
	strbuf_init(&d->virsh, 0);
	memset(&d->tmpfs, 0, sizeof(d->tmpfs));
}

static void lab_dirs_init(struct lab_dirs *d, const struct install *lv)
{
	/* A distribution's build: /etc, /run and /var, not under /usr. */
	int sys = !strcmp(lv->kind, "imported") &&
		  (!strcmp(lv->prefix, "/usr") || !strcmp(lv->prefix, "/"));
	const char *p = sys ? "" : lv->prefix;

	lab_dirs_zero(d);
	if (sys)
		sb_puts(&d->run, "/run/libvirt");
	else
		sb_printf(&d->run, "%s/var/run/libvirt", p);
	sb_printf(&d->log, "%s/var/log/libvirt", p);
	sb_printf(&d->etc, "%s/etc/libvirt", p);
	sb_printf(&d->virsh, "%s/bin/virsh", sys ? "/usr" : lv->prefix);
	if (sys)
		strvec_pushv(&d->tmpfs, (const char *const[]){
			"/run", "/etc/libvirt", "/var/lib/libvirt",
			"/var/cache/libvirt", "/var/log/libvirt", NULL });
	else {
		strvec_pushf(&d->tmpfs, "%s/var", p);
		strvec_pushf(&d->tmpfs, "%s/etc/libvirt", p);
	}
}

static void lab_dirs_release(struct lab_dirs *d)
{
	strbuf_release(&d->run);
	strbuf_release(&d->log);
	strbuf_release(&d->etc);
	strbuf_release(&d->virsh);
	strvec_clear(&d->tmpfs);
}

/* virsh qemu-monitor-command's reply in f, as a QMP answer with that id. */
static void add_answer(struct strbuf *log, const char *id, const struct strbuf *f)
{
	json_object *o = f->len ? json_tokener_parse(f->buf) : NULL;

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return;
	}
	json_object_object_add(o, "id", json_object_new_string(id));
	sb_printf(log, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/*
 * The domain L2 is, for the libvirt under test: its name into name, its
 * XML into xml and r->domain_xml, and what the same libvirt on the host
 * makes of it into r->native. -1 with the run skipped when the scenario
 * cannot be a domain.
 */
static int lab_domain(struct run_ctx *x, const struct lab_setup *ls,
		      struct strbuf *name, struct strbuf *xml)
{
	struct result *r = x->r;
	struct strvec fw = STRVEC_INIT;
	struct dom_env e;
	virConnectPtr conn;
	int ret = -1;

	sb_printf(name, "vmx-%s-%ld", x->s->name, (long)getpid());
	for (size_t i = 4; i < name->len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_", name->buf[i]))
			name->buf[i] = '_';
	memset(&e, 0, sizeof(e));
	e.name = name->buf;
	e.emulator = x->j->qemu->binary_path;
	e.virttype = "qemu"; /* no KVM inside the lab */
	e.console = LAB_RUNDIR "/console.log";
	e.rundir = LAB_RUNDIR;
	if (ls->ports) {
		e.vf_bdf = lab_vf_bdf;
		e.pf_bdf = lab_port_bdf;
	} else
		e.pt_host = LAB_PT_BDF;
	qemu_firmware_args(&fw);
	e.firmware = &fw;
	if (domxml_build(ls->s, &e, xml, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		goto out;
	}
	r->domain_xml = xstrdup(xml->buf);
	/* What the same libvirt, on the host, would make of it. */
	if (x->j->daemon && (conn = virConnectOpen(x->j->daemon->uri))) {
		char *native = virConnectDomainXMLToNative(conn, "qemu-argv", xml->buf, 0);

		if (native)
			r->native = xstrdup(native);
		free(native);
		virConnectClose(conn);
	}
	ret = 0;
out:
	strvec_clear(&fw);
	return ret;
}

/*
 * What the lab needs to run the libvirt under test, into the run
 * directory: the supervisor, lab.libvirt, the domain and qemu.conf.
 * -1 with the run's error (a path the lab cannot see, a directory the
 * install lacks, a file that cannot be written).
 */
static int lab_put_libvirt(struct run_ctx *x, const struct lab_dirs *dirs,
			   const char *daemon, const char *name,
			   const struct strbuf *xml)
{
	struct result *r = x->r;
	struct strbuf f = STRBUF_INIT;
	int ret = -1;

	if (lab_sees(r, x->j->qemu->binary_path) || lab_sees(r, daemon) ||
	    lab_sees(r, dirs->virsh.buf))
		return -1;
	for (size_t i = 0; i < dirs->tmpfs.nr; i++)
		if (!is_dir(dirs->tmpfs.v[i])) {
			r->status = RUN_ERROR;
			sb_printf(&r->reason, "libvirt %s has no '%s' to run from in the lab",
				  x->j->libvirt->version, dirs->tmpfs.v[i]);
			return -1;
		}
	sb_printf(&f, "%s\n%s\n%s\n%s/%s\n%s\n%s\n%s\n%s\n", LAB_RUNDIR "/" LAB_SUPERVISOR,
		  daemon, dirs->virsh.buf, dirs->run.buf,
		  ends_with(daemon, "/virtqemud") ? "virtqemud-sock" : "libvirt-sock",
		  dirs->run.buf, dirs->log.buf, dirs->etc.buf, name);
	for (size_t i = 0; i < dirs->tmpfs.nr; i++)
		sb_printf(&f, "%s\n", dirs->tmpfs.v[i]);
	if (put_supervisor(x) || put_file(x, LAB_LIBVIRT_FILE, f.buf, f.len) ||
	    put_file(x, LAB_DOMAIN_XML, xml->buf, xml->len) ||
	    put_file(x, "qemu.conf", libvirtd_qemu_conf, strlen(libvirtd_qemu_conf)))
		lab_io_error(x);
	else
		ret = 0;
	strbuf_release(&f);
	return ret;
}

/*
 * What the lab left after running libvirt's L2 (exit st as lab_boot
 * gave it): the logs, L2's argv and live XML into r, its answers into
 * ans. 0 when there are answers to judge; -1 with the run's verdict.
 */
static int lab_libvirt_results(struct run_ctx *x, int st, struct inspect_answers *ans)
{
	static const char *const ids[] = { "pci", "cpus", "mem" };
	struct result *r = x->r;
	const char *version = x->j->libvirt->version;
	struct strbuf f = STRBUF_INIT, log = STRBUF_INIT, fn = STRBUF_INIT;
	int ret = -1;

	if (get_file(x, LAB_L2_ERR, &r->stderr_text) || get_file(x, LAB_VIRSH_LOG, &log) ||
	    get_file(x, LAB_DAEMON_LOG, &f))
		goto io_error;
	sb_printf(&r->backend, "libvirt daemon in the lab:\n%s\nvirsh in the lab:\n%s",
		  f.buf ? f.buf : "", log.buf ? log.buf : "");
	strvec_push(&r->notes, "libvirt puts the device behind a pcie-root-port, "
			       "whose bus the guest firmware numbers: the domain "
			       "ran its firmware until query-pci showed the device, "
			       "then was paused again");
	if (st == 1 || st == 2) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "libvirt %s %s the domain in the lab VM: %s", version,
			  st == 1 ? "rejects" : "cannot start",
			  str_tail_lines(log.buf, log.len, 3));
		goto out;
	}
	if (get_file(x, LAB_L2_CMDLINE, &f))
		goto io_error;
	for (size_t off = 0; off < f.len; off += strlen(f.buf + off) + 1)
		strvec_push(&r->argv, f.buf + off);
	if (get_file(x, LAB_LIVE_XML, &f))
		goto io_error;
	if (f.len) {
		free(r->domain_xml);
		r->domain_xml = xstrdup(f.buf);
	}
	strbuf_reset(&log);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		strbuf_reset(&fn);
		sb_printf(&fn, "%s.json", ids[i]);
		if (get_file(x, fn.buf, &f))
			goto io_error;
		add_answer(&log, ids[i], &f);
	}
	r->exited = 1;
	if (!inspect_parse(log.buf ? log.buf : "", log.len, ans)) {
		ret = 0;
		goto out;
	}
	r->status = RUN_FAIL;
	sb_printf(&r->reason, "QEMU started by libvirt %s in the lab VM did not "
			      "answer query-pci: %s",
		  version, str_tail_lines(r->stderr_text.buf, r->stderr_text.len, 3));
	goto out;
io_error:
	lab_io_error(x);
out:
	strbuf_release(&f);
	strbuf_release(&log);
	strbuf_release(&fn);
	return ret;
}

/*
 * Through libvirt: the libvirt under test runs in the lab from the host
 * tree (its daemon under our supervisor, virsh for the rest), defines
 * the scenario's domain with a <hostdev> of the lab's e1000e (or of each
 * VF) and starts it paused; the answers to the same QMP questions come
 * back through libvirt's monitor.
 */
void lab_run_libvirt(struct run_ctx *x, const struct lab_setup *ls)
{
	struct lab_dirs dirs;
	struct strbuf xml = STRBUF_INIT, name = STRBUF_INIT;
	struct inspect_answers ans;
	char *daemon = libvirtd_binary(x->j->libvirt);
	int st;

	memset(&ans, 0, sizeof(ans));
	lab_dirs_zero(&dirs);
	if (lab_domain(x, ls, &name, &xml))
		goto out;
	lab_dirs_init(&dirs, x->j->libvirt);
	if (lab_put_libvirt(x, &dirs, daemon, name.buf, &xml))
		goto out;
	st = lab_boot(x, ls, "through libvirt");
	if (st >= 0 && !lab_libvirt_results(x, st, &ans))
		lab_judge(x, &ans);
out:
	inspect_answers_release(&ans);
	lab_dirs_release(&dirs);
	strbuf_release(&xml);
	strbuf_release(&name);
	free(daemon);
}

static int lab_applies(const struct run_ctx *x)
{
	return !x->j->libvirt && x->pt_host && !strcmp(x->pt_host, "lab");
}

static int lab_libvirt_applies(const struct run_ctx *x)
{
	return x->j->libvirt && x->pt_host && !strcmp(x->pt_host, "lab");
}

/*
 * The e1000e lab: Debian's QEMU, its e1000e at LAB_PT_BDF. 0 with ls
 * filled; -1 with the run's error when that QEMU is not installed.
 */
static int e1000e_lab(struct run_ctx *x, struct lab_setup *ls)
{
	memset(ls, 0, sizeof(*ls));
	ls->qemu = LAB_QEMU;
	ls->what = LAB_QEMU ", TCG, intel-iommu, its e1000e " LAB_PT_BDF
		   " bound to vfio-pci";
	ls->up = LAB_UP;
	ls->s = x->s;
	if (path_exists(LAB_QEMU))
		return 0;
	x->r->status = RUN_ERROR;
	sb_puts(&x->r->reason, "the lab VM runs on Debian's QEMU (" LAB_QEMU
			       "), which is not installed ('make deps' installs it)");
	return -1;
}

/* The lab runs under TCG, whatever the QEMU under test could use on the host. */
static void lab_direct(struct run_ctx *x)
{
	struct lab_setup ls;

	x->r->accel = "tcg";
	if (!e1000e_lab(x, &ls))
		lab_run_direct(x, &ls);
}

static void lab_libvirt(struct run_ctx *x)
{
	struct lab_setup ls;

	x->r->accel = "tcg";
	if (!e1000e_lab(x, &ls))
		lab_run_libvirt(x, &ls);
}

const struct run_backend run_backend_lab = {
	.name = "lab",
	.applies = lab_applies,
	.run = lab_direct,
};

const struct run_backend run_backend_lab_libvirt = {
	.name = "lab+libvirt",
	.applies = lab_libvirt_applies,
	.run = lab_libvirt,
};
