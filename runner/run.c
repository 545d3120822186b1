/*
 * The direct runner (see run.h). One job is one (QEMU install, scenario)
 * pair, run in a forked worker: it maps the scenario to an argv, builds
 * (or reuses) the initramfs, starts the backend, boots QEMU, reads the
 * guest's verdict from the console, and records everything in `runs`.
 * Everything a job starts lives in its own temporary directory and
 * process groups, and is gone when the job ends, however it ends.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "run.h"
#include "caps.h"
#include "fs.h"
#include "guest.h"
#include "initramfs.h"
#include "installs.h"
#include "lab.h"
#include "libvirtd.h"
#include "runjob.h"
#include "mapper.h"
#include "paths.h"
#include "qemuproc.h"
#include "ready.h"
#include "scenario.h"
#include "sha256.h"
#include "support.h"
#include "shard.h"
#include "runs.h"
#include "store.h"
#include "sweeps.h"
#include "workers.h"
#include "banned.h"

#define BOOT_TIMEOUT 240 /* TCG on a loaded 2-core machine */

/* --timeout: how long a guest (or the lab) may take to finish. */
static long boot_timeout = BOOT_TIMEOUT;
/* The sweep every run of this command belongs to (sweeps.id). */
static long long sweep_id;

static const char usage[] =
	"usage: virt-matrix run [--scenario NAME]... [--qemu VERSION]...\n"
	"                       [--libvirt VERSION|none|all]...\n"
	"                       [--jobs N] [--shard K/N] [--timeout SEC]\n"
	"                       [--sweep UUID] [--db PATH]\n"
	"\n"
	"Runs each scenario (scenarios/*.cfg, DPDK DTS VM cfg format) against\n"
	"each installed QEMU, in a guest booted from the host kernel with a\n"
	"generated busybox initramfs, and records the result, the argv, QEMU's\n"
	"exit and output, the console and the backend's log in the store.\n"
	"vhost-user devices get DPDK testpmd as the backend; passthrough of\n"
	"opt_host=lab runs the QEMU under test inside a nested lab VM whose\n"
	"emulated e1000e is bound to vfio-pci (a host BDF must already be bound\n"
	"to vfio-pci).\n"
	"A scenario may also be a libvirt domain XML: each libvirt install\n"
	"defines it with its own name, no uuid and the QEMU under test as\n"
	"<emulator>, and starts it paused; the result is whether libvirt took\n"
	"it (else libvirt's own message), with the argv it gave QEMU.\n"
	"\n"
	"  --scenario NAME  a scenario by name (file name without .cfg or .xml),\n"
	"                   or a path to a .cfg file or to a libvirt domain .xml\n"
	"                   of your own; repeatable; default: all\n"
	"  --qemu VERSION   a QEMU install (see 'virt-matrix ark list');\n"
	"                   repeatable; default: all\n"
	"  --libvirt V      also through the daemon of that libvirt install: the\n"
	"                   scenario as a domain, <emulator> the QEMU under test;\n"
	"                   'none' is the direct runner; repeatable; default:\n"
	"                   all (direct and every libvirt install)\n"
	"  --jobs N         guests side by side (default: cores / 2, at least 1;\n"
	"                   fewer when the memory they need is not available)\n"
	"  --shard K/N      only the K-th of N equal slices of the jobs (1-based);\n"
	"                   the same jobs always give the same slices; default\n"
	"                   from CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:)\n"
	"                   or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT\n"
	"  --timeout SEC    how long a guest may take from start to power-off\n"
	"                   before QEMU counts as hung and is killed (default 240)\n"
	"  --sweep UUID     record the runs in that sweep (the shards of one sweep\n"
	"                   share it); jobs it has already recorded are not run\n"
	"                   again, so an interrupted run resumes; default: a new\n"
	"                   sweep, whose id is printed\n"
	"  --db PATH        store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every run passed or was skipped, 1 otherwise,\n"
	"130 when interrupted.\n";


static char *scenario_sha(const char *path)
{
	char sha[SHA256_HEX_LEN + 1];

	if (sha256_file(path, sha))
		return NULL;
	return xstrdup(sha);
}

static json_object *strvec_json(const struct strvec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->nr; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

static void result_release(struct result *r)
{
	strbuf_release(&r->reason);
	strvec_clear(&r->argv);
	strvec_clear(&r->notes);
	json_object_put(r->checks);
	strbuf_release(&r->stderr_text);
	strbuf_release(&r->serial);
	strbuf_release(&r->backend);
	free(r->domain_xml);
	free(r->native);
}

static const char *json_text(json_object *o)
{
	return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE)
		 : NULL;
}

static int record(struct store *st, const struct job *j, const char *sha,
		  const char *scn, struct result *r)
{
	json_object *argv = strvec_json(&r->argv), *notes = strvec_json(&r->notes);
	struct run_row row = {
		.qemu = j->qemu->version,
		.qemu_sha256 = j->qemu->binary_sha256,
		.libvirt = j->libvirt ? j->libvirt->version : NULL,
		.scenario = scn,
		.scenario_sha256 = sha,
		.accel = r->accel,
		.status = r->status,
		.reason = r->reason.len ? r->reason.buf : NULL,
		.seconds = r->seconds,
		.argv = json_text(argv),
		.notes = json_text(notes),
		.checks = json_text(r->checks),
		.exited = r->exited,
		.exit_status = r->exit_status,
		.signal = r->signal,
		.stderr_text = r->stderr_text.len ? r->stderr_text.buf : NULL,
		.serial = r->serial.len ? r->serial.buf : NULL,
		.backend = r->backend.len ? r->backend.buf : NULL,
		.domain_xml = r->domain_xml,
		.native = r->native,
		.sweep = sweep_id,
	};
	int ret = runs_insert(st, &row);

	json_object_put(argv);
	json_object_put(notes);
	return ret;
}

/* An initramfs with these modules and /init, built once per content. */
char *cached_initrd(const char *kver, const struct strvec *mods,
		    const char *init)
{
	struct strbuf key = STRBUF_INIT, path = STRBUF_INIT;
	char *cache = paths_cache_dir(), sha[SHA256_HEX_LEN + 1], *ret = NULL;
	struct initramfs_spec spec;

	sb_printf(&key, "%s\n%s\n", kver, init);
	for (size_t i = 0; i < mods->nr; i++)
		sb_printf(&key, "%s\n", mods->v[i]);
	sha256_hex(key.buf, key.len, sha);
	sb_printf(&path, "%s/initramfs", cache);
	if (mkdir_p(path.buf, 0755))
		goto out;
	sb_printf(&path, "/%.16s.cpio", sha);
	if (!path_exists(path.buf)) {
		memset(&spec, 0, sizeof(spec));
		spec.kver = kver;
		spec.modules = (const char *const *)mods->v;
		spec.init = init;
		if (initramfs_build(&spec, path.buf))
			goto out;
	}
	ret = strbuf_detach(&path);
out:
	strbuf_release(&key);
	strbuf_release(&path);
	free(cache);
	return ret;
}

char *guest_initrd(const struct scenario *s, const char *kver)
{
	struct strvec mods = STRVEC_INIT;
	struct strbuf init = STRBUF_INIT;
	char *ret;

	guest_modules(s, &mods);
	guest_init_script(s, &init);
	ret = cached_initrd(kver, &mods, init.buf);
	strvec_clear(&mods);
	strbuf_release(&init);
	return ret;
}

/*
 * testpmd with one vhost-user port per device, forwarding port to port.
 * It is ready when every vhost-user socket it serves accepts a connection
 * (lib/ready.h): what it prints is no signal, since stdio keeps its
 * stdout in the pipe's buffer. It runs line-buffered (stdbuf -oL) all the
 * same, so that a reason quoting its log quotes what it has printed.
 */
int backend_start(struct backend *b, const struct scenario *s,
		  const struct map_env *env, struct result *r)
{
	struct command *tp = &b->cmd;
	struct strbuf path = STRBUF_INIT;
	size_t k = 0;

	command_init(tp);
	b->socks = (struct strvec)STRVEC_INIT;
	strvec_pushv(&tp->args, (const char *const[]){ "stdbuf", "-oL", "-eL",
						       "dpdk-testpmd", "-l", "0-1",
						       "--no-huge", "-m", "512",
						       "--no-pci", NULL });
	strvec_pushf(&tp->args, "--file-prefix=vmx%ld", (long)getpid());
	for (size_t i = 0; i < s->ndevices; i++) {
		if (s->devices[i].kind != DEV_VHOST_USER)
			continue;
		map_vhost_path(env, &s->devices[i], &path);
		strvec_push(&b->socks, path.buf);
		strvec_push(&tp->args, "--vdev");
		strvec_pushf(&tp->args, "net_vhost%zu,iface=%s", k++, path.buf);
	}
	strvec_pushv(&tp->args, (const char *const[]){ "--", "--forward-mode=io",
						       "--auto-start",
						       "--total-num-mbufs=8192",
						       "--stats-period", "3600", NULL });
	tp->capture_max = LOG_MAX;
	tp->timeout = 0;
	strbuf_release(&path);
	if (command_start(tp)) {
		sb_puts(&r->reason, "cannot start dpdk-testpmd");
		return -1;
	}
	return ready_wait_unix_sockets(tp, "dpdk-testpmd",
				       (const char *const *)b->socks.v, b->socks.nr,
				       60, &r->reason);
}

/*
 * What testpmd's log (complete once it has exited) says of one socket:
 * DPDK's vhost library logs "(<path>) new vhost user connection" for each
 * peer, ours from the readiness check included, and "(<path>) virtio is
 * now ready for processing." once a guest driver has set the device up.
 */
static void backend_socket_note(const char *log, const char *sock, struct strvec *notes)
{
	struct strbuf conn = STRBUF_INIT, ready = STRBUF_INIT;
	size_t peers = 0;
	const char *p = log;

	sb_printf(&conn, "(%s) new vhost user connection", sock);
	sb_printf(&ready, "(%s) virtio is now ready for processing", sock);
	while (p && (p = strstr(p, conn.buf))) {
		peers++;
		p += conn.len;
	}
	/* The first connection was the readiness check's. */
	strvec_pushf(notes, "testpmd: %s: %s", sock,
		     peers < 2 ? "QEMU never connected"
		     : strstr(log, ready.buf) ? "QEMU connected; the guest's driver "
						"made the device ready"
					      : "QEMU connected; the guest's driver "
						"never made the device ready");
	strbuf_release(&conn);
	strbuf_release(&ready);
}

/* Stops testpmd (SIGINT prints its statistics) and keeps its log. */
void backend_stop(struct backend *b, struct result *r)
{
	struct command *tp = &b->cmd;

	command_kill(tp, SIGINT);
	command_wait(tp, 15);
	command_kill(tp, SIGKILL);
	command_wait(tp, 5);
	sb_puts(&r->backend, tp->output.buf);
	for (size_t i = 0; i < b->socks.nr; i++)
		backend_socket_note(tp->output.buf ? tp->output.buf : "", b->socks.v[i],
				    &r->notes);
	command_release(tp);
	strvec_clear(&b->socks);
	/* DPDK's runtime files for our --file-prefix (as root). */
	{
		struct strbuf d = STRBUF_INIT;

		sb_printf(&d, "/var/run/dpdk/vmx%ld", (long)getpid());
		if (is_dir(d.buf) && remove_tree(d.buf))
			warning("cannot remove '%s'", d.buf);
		strbuf_release(&d);
	}
}

void split_output(const char *out, struct result *r)
{
	const char *line = out;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);

		/* QEMU's own messages start with its program name. */
		if (!strncmp(line, "qemu-system-", 12) || !strncmp(line, "qemu: ", 6))
			sb_printf(&r->stderr_text, "%.*s", (int)len, line);
		else
			sb_printf(&r->serial, "%.*s", (int)len, line);
		line = eol ? eol + 1 : NULL;
	}
}

static const char *pick_accel(struct store *st, long long id)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "SELECT usable FROM accelerators WHERE binary = ?"
				  " AND name = 'kvm'"))
		return "tcg";
	sqlite3_bind_int64(q, 1, id);
	return sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) ? "kvm" : "tcg";
}

void checks_into(struct result *r, const struct guest_outcome *o)
{
	json_object_put(r->checks);
	r->checks = json_object_new_array();
	for (size_t i = 0; i < o->nchecks; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "n", json_object_new_int(o->checks[i].n));
		json_object_object_add(c, "kind", json_object_new_string(o->checks[i].kind));
		json_object_object_add(c, "pass", json_object_new_boolean(o->checks[i].pass));
		json_object_object_add(c, "detail", json_object_new_string(o->checks[i].detail));
		json_object_array_add(r->checks, c);
	}
}

/* Pass when all `want` checks were reported and passed. */
void judge(struct result *r, const struct guest_outcome *o, size_t want)
{
	if (!o->failed && o->nchecks == want) {
		r->status = RUN_PASS;
		return;
	}
	r->status = RUN_FAIL;
	sb_printf(&r->reason, "%d of %zu checks failed",
		  o->failed + (int)(want > o->nchecks ? want - o->nchecks : 0), want);
	for (size_t i = 0; i < o->nchecks; i++)
		if (!o->checks[i].pass)
			sb_printf(&r->reason, "; %s: %s", o->checks[i].kind,
				  o->checks[i].detail);
}

void exit_into(struct result *r, const struct command *c)
{
	r->exited = c->exited;
	r->exit_status = c->status;
	r->signal = c->signal;
}

/*
 * DTS's cpupin: vCPU n runs on the n-th host CPU listed. The thread ids
 * come from QMP; a CPU that is not online here is a note, not a failure.
 */
static void pin_vcpus(struct qemu_proc *p, const char *cpupin, struct result *r)
{
	json_object *cpus = NULL;
	struct qmp_error err;
	const char *c = cpupin;
	size_t n;

	if (qmp_call(&p->qmp, "query-cpus-fast", NULL, &cpus, &err)) {
		strvec_pushf(&r->notes, "cpupin not applied: query-cpus-fast failed");
		return;
	}
	n = qmp_array_len(cpus);
	for (size_t i = 0; i < n && *c; i++) {
		long long tid = qmp_get_int(json_object_array_get_idx(cpus, i),
					    "thread-id", -1);
		char *end;
		long host = strtol(c, &end, 10);
		cpu_set_t set;
		int in_range;

		if (end == c)
			break;
		c = end + strspn(end, " ");
		if (tid <= 0 || tid > INT32_MAX)
			continue;
		in_range = host >= 0 && host < CPU_SETSIZE;
		CPU_ZERO(&set);
		if (in_range)
			CPU_SET((int)host, &set);
		if (!in_range || sched_setaffinity((pid_t)tid, sizeof(set), &set))
			strvec_pushf(&r->notes, "cpupin: vCPU %zu not pinned to host "
						"CPU %ld (%s)",
				     i, host, !in_range ? "out of range" : strerror(errno));
		else
			strvec_pushf(&r->notes, "cpupin: vCPU %zu (thread %lld) on host CPU %ld",
				     i, tid, host);
	}
	json_object_put(cpus);
}

/*
 * Starts the QEMU under test with r->argv, which then becomes the real
 * argv (binary and monitor included). A QEMU that does not come up is
 * the run's failure, with its output and exit; -1 then.
 */
static int start_under_test(struct run_ctx *x, struct qemu_proc *p)
{
	struct result *r = x->r;

	if (qemu_proc_start(p, x->j->qemu->binary_path,
			    (const char *const *)r->argv.v, 30)) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "QEMU %s did not start: %s", x->j->qemu->version,
			  qemu_proc_output(p));
		split_output(qemu_proc_output(p), r);
		exit_into(r, &p->cmd);
		command_release(&p->cmd);
		return -1;
	}
	strvec_clear(&r->argv);
	strvec_pushv(&r->argv, (const char *const *)p->cmd.args.v);
	return 0;
}

/* Boots the guest; its /init runs the checks and powers off. */
static void run_booted(struct run_ctx *x)
{
	struct result *r = x->r;
	struct map_env env;
	struct qemu_proc p;
	struct backend tp;
	struct guest_outcome o;
	char *initrd = guest_initrd(x->s, x->kver);
	const char *shutdown = NULL;
	int have_tp = 0, w;

	if (!initrd) {
		r->status = RUN_ERROR;
		sb_puts(&r->reason, "cannot build the guest's initramfs");
		return;
	}
	memset(&env, 0, sizeof(env));
	env.kernel = x->kernel;
	env.initrd = initrd;
	env.append = "console=ttyS0 panic=-1 quiet";
	env.accel = r->accel;
	env.rundir = x->rundir;
	if (map_argv(x->s, x->caps, &env, &r->argv, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		goto out;
	}
	if (scenario_count_devices(x->s, DEV_VHOST_USER)) {
		have_tp = 1;
		if (backend_start(&tp, x->s, &env, r)) {
			r->status = RUN_ERROR;
			goto out;
		}
	}
	if (start_under_test(x, &p))
		goto out;
	if (x->s->cpupin)
		pin_vcpus(&p, x->s->cpupin, r);
	w = command_wait_output(&p.cmd, GUEST_END, (double)boot_timeout);
	if (w == 1) /* /init powers off next: QEMU must exit by itself. */
		command_wait(&p.cmd, 30);
	if (!p.cmd.exited && !p.cmd.signal)
		command_kill(&p.cmd, SIGKILL), command_wait(&p.cmd, 5);
	exit_into(r, &p.cmd);
	split_output(p.cmd.output.buf, r);
	/* How QEMU saw the end: its SHUTDOWN event, left in the socket. */
	qmp_drain_events(&p.qmp, 2);
	{
		json_object *ev = qmp_find_event(&p.qmp, "SHUTDOWN");

		shutdown = qmp_get_string(qmp_get(ev, "data", json_type_object), "reason");
		strvec_pushf(&r->notes, "QMP: %s%s", ev ? "SHUTDOWN reason=" : "no SHUTDOWN event",
			     ev ? (shutdown ? shutdown : "(none given)") : "");
	}
	guest_parse(r->serial.buf ? r->serial.buf : "", &o);
	checks_into(r, &o);
	if (w != 1) {
		r->status = RUN_FAIL;
		if (r->signal && r->signal != SIGKILL)
			sb_printf(&r->reason, "QEMU was killed by signal %d (%s) "
					      "before the guest finished",
				  r->signal, strsignal(r->signal));
		else if (r->exited)
			sb_printf(&r->reason, "QEMU exited with status %d before "
					      "the guest finished%s%s%s",
				  r->exit_status,
				  shutdown ? " (QMP SHUTDOWN reason " : "",
				  shutdown ? shutdown : "",
				  !shutdown ? ""
				  : !strcmp(shutdown, "guest-reset")
					  ? ": the guest reset, e.g. a kernel panic)"
					  : ")");
		else
			sb_printf(&r->reason, "the guest did not finish within %ld s "
					      "(QEMU hung or the guest did)",
				  boot_timeout);
	} else if (!r->exited || r->exit_status) {
		r->status = RUN_FAIL;
		sb_printf(&r->reason, "the guest finished but QEMU did not power "
				      "off cleanly (%s %d)",
			  r->exited ? "exit status" : "signal",
			  r->exited ? r->exit_status : r->signal);
	} else {
		judge(r, &o, x->s->nchecks);
	}
	guest_outcome_release(&o);
	qemu_proc_stop(&p);
	command_release(&p.cmd);
out:
	if (have_tp)
		backend_stop(&tp, r);
	free(initrd);
}

size_t count_passthrough(const struct scenario *s)
{
	return scenario_count_devices(s, DEV_VFIO_PCI) +
	       scenario_count_devices(s, DEV_PCI_ASSIGN);
}

/* "vendor:device" of a host PCI device from sysfs, or "" */
static void host_pci_id(const char *bdf, char *out, size_t size)
{
	struct strbuf p = STRBUF_INIT, v = STRBUF_INIT, d = STRBUF_INIT;

	*out = '\0';
	sb_printf(&p, "/sys/bus/pci/devices/%s/vendor", bdf);
	if (path_exists(p.buf) && !strbuf_read_file(&v, p.buf, 64)) {
		strbuf_reset(&p);
		sb_printf(&p, "/sys/bus/pci/devices/%s/device", bdf);
		if (!strbuf_read_file(&d, p.buf, 64))
			snprintf(out, size, "%04lx:%04lx", strtol(v.buf, NULL, 16),
				 strtol(d.buf, NULL, 16));
	}
	strbuf_release(&p);
	strbuf_release(&v);
	strbuf_release(&d);
}

/*
 * Passthrough of a host VFIO device: QEMU under test starts stopped with
 * it, and its QMP answers are checked.
 */
static void run_host_device(struct run_ctx *x, const char *bdf)
{
	struct result *r = x->r;
	struct map_env env;
	struct qemu_proc p;
	struct inspect_answers ans;
	struct guest_outcome o;
	struct strbuf link = STRBUF_INIT;
	char id[16], target[256];
	ssize_t n;
	static const char *const cmds[] = { "query-pci", "query-cpus-fast",
					    "query-memory-size-summary" };

	memset(&ans, 0, sizeof(ans));
	sb_printf(&link, "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(link.buf, target, sizeof(target) - 1);
	strbuf_release(&link);
	host_pci_id(bdf, id, sizeof(id));
	if (!*id) {
		r->status = RUN_SKIP;
		sb_printf(&r->reason, "this host has no PCI device %s (the scenario "
				      "names it; 'lab' uses the nested lab VM)",
			  bdf);
		return;
	}
	target[n > 0 ? n : 0] = '\0';
	if (n <= 0 || strcmp(path_basename(target), "vfio-pci")) {
		r->status = RUN_SKIP;
		sb_printf(&r->reason, "host device %s (%s) is bound to %s, not "
				      "vfio-pci: bind it before the run",
			  bdf, id, n > 0 ? path_basename(target) : "no driver");
		return;
	}
	memset(&env, 0, sizeof(env));
	env.accel = r->accel;
	env.rundir = x->rundir;
	if (map_argv(x->s, x->caps, &env, &r->argv, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		return;
	}
	if (start_under_test(x, &p))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		json_object **slot = i == 0 ? &ans.pci : i == 1 ? &ans.cpus : &ans.mem;
		struct qmp_error err;

		if (qmp_call(&p.qmp, cmds[i], NULL, slot, &err) < 0)
			break;
	}
	inspect_eval(x->s, &ans, id, &o);
	checks_into(r, &o);
	judge(r, &o, x->s->nchecks + count_passthrough(x->s));
	guest_outcome_release(&o);
	qemu_proc_stop(&p);
	exit_into(r, &p.cmd);
	split_output(p.cmd.output.buf, r);
	command_release(&p.cmd);
	inspect_answers_release(&ans);
}

/*
 * What libvirt's daemon said when probe asked it for this QEMU's domain
 * capabilities and it refused (malloc'd), or NULL.
 */
static char *daemon_error(struct store *st, const struct job *j)
{
	auto_stmt *q = NULL;

	if (!j->libvirt || !j->qemu->binary_sha256 ||
	    store_prepare(st, &q, "SELECT d.error FROM domcaps d JOIN binaries b"
			  " ON b.id = d.binary WHERE d.libvirt = ? AND b.sha256 = ?"
			  " AND d.error IS NOT NULL ORDER BY d.machine LIMIT 1"))
		return NULL;
	store_bind_text(q, 1, j->libvirt->version);
	store_bind_text(q, 2, j->qemu->binary_sha256);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		return store_column_strdup(q, 0);
	return NULL;
}

/*
 * libvirt's client only says "the cause is unknown" when the daemon
 * refused a QEMU outright (too old for that libvirt, say); the daemon's
 * own words were recorded when probe asked it for that QEMU's domain
 * capabilities, so they go into the reason.
 */
static void daemon_said(struct store *st, const struct job *j, struct strbuf *reason)
{
	char *e = daemon_error(st, j);
	const char *d = e ? strstr(e, "(daemon: ") : NULL;

	if (!e)
		return;
	sb_printf(reason, "; libvirt %s's daemon, asked by probe about this "
			  "QEMU, said: %s",
		  j->libvirt->version, d ? d + 9 : e);
	if (d && reason->len && reason->buf[reason->len - 1] == ')')
		strbuf_setlen(reason, reason->len - 1);
	free(e);
}

/*
 * A pair that a component refuses by its own rule (support.h) is
 * unsupported: r gets that status and the component's words. From what
 * the daemon told probe (before anything runs: the pair is not run while
 * it is unchanged), or from what a run was told (msg). Returns 1 then.
 */
static int unsupported(const char *msg, const struct job *j, struct result *r)
{
	const char *component, *words;
	size_t len;

	if (!support_refusal(msg, &component, &words, &len))
		return 0;
	r->status = RUN_UNSUPPORTED;
	strbuf_reset(&r->reason);
	sb_puts(&r->reason, component);
	if (!strcmp(component, "libvirt") && j->libvirt)
		sb_printf(&r->reason, " %s", j->libvirt->version);
	sb_printf(&r->reason, " does not support QEMU %s: %.*s", j->qemu->version,
		  (int)len, words);
	return 1;
}

static int run_one(const char *db, const struct job *j)
{
	struct store st;
	struct scenario s;
	struct result r;
	struct caps_result cr;
	struct map_caps caps;
	struct run_ctx x;
	char *kver = NULL, *kernel = NULL, *sha = NULL;
	char *tmpl = temp_template("run"), *rundir = NULL;
	const char *pt_host = NULL;
	double t0 = now_monotonic();
	int ret = -1;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	strbuf_init(&r.reason, 0);
	strbuf_init(&r.stderr_text, LOG_MAX);
	strbuf_init(&r.serial, LOG_MAX);
	strbuf_init(&r.backend, LOG_MAX);
	r.status = RUN_STATUS_NONE;
	r.accel = "tcg";
	if (store_open(&st, db))
		goto out_free;
	if (ends_with(j->scenario_path, ".xml")) {
		/* The user's own domain XML (userxml.h): named after its file. */
		const char *base = strrchr(j->scenario_path, '/');

		base = base ? base + 1 : j->scenario_path;
		s.name = xstrndup(base, strlen(base) - 4);
	} else if (scenario_load(&s, j->scenario_path)) {
		store_close(&st);
		goto out_free;
	}
	sha = scenario_sha(j->scenario_path);
	if (sha && sweep_id) {
		enum run_status prev;
		int done = runs_status_in_sweep(&st, sweep_id, j->qemu->version,
						j->libvirt ? j->libvirt->version : NULL,
						s.name ? s.name : j->scenario_path, sha,
						&prev);

		if (done) {
			if (done > 0) {
				info("%-14s %-12s %-16s %-4s (already recorded in this sweep)",
				     j->qemu->version,
				     j->libvirt ? j->libvirt->version : "-",
				     s.name ? s.name : "?", run_status_to_string(prev));
				ret = run_status_is_failure(prev);
			}
			store_close(&st);
			goto out_release;
		}
	}
	if (caps_probe(&st, j->qemu->binary_path, 0, 1, &cr) ||
	    map_caps_load(&st, cr.binary_id, &caps)) {
		r.status = RUN_ERROR;
		sb_printf(&r.reason, "no capability record of QEMU %s",
			  j->qemu->version);
		goto done;
	}
	r.accel = pick_accel(&st, cr.binary_id);
	if (j->libvirt) {
		char *e = daemon_error(&st, j);
		int u = unsupported(e, j, &r);

		free(e);
		if (u)
			goto done;
	}
	for (size_t i = 0; i < s.ndevices; i++) {
		const char *h = s.devices[i].host;

		if (s.devices[i].kind != DEV_VFIO_PCI &&
		    s.devices[i].kind != DEV_PCI_ASSIGN)
			continue;
		if (pt_host && (strcmp(pt_host, "lab") || strcmp(h, "lab"))) {
			r.status = RUN_ERROR;
			sb_puts(&r.reason, "the runner passes one device per scenario "
					   "through (the lab VM has one)");
			goto done;
		}
		pt_host = h;
	}
	rundir = mkdtemp(tmpl);
	kver = initramfs_default_kver();
	if (!rundir || !kver) {
		r.status = RUN_ERROR;
		sb_puts(&r.reason, !rundir ? "cannot create a run directory"
					   : "no kernel with modules under /boot");
		goto done;
	}
	{
		struct strbuf k = STRBUF_INIT;

		sb_printf(&k, "/boot/vmlinuz-%s", kver);
		kernel = strbuf_detach(&k);
	}
	memset(&x, 0, sizeof(x));
	x.j = j;
	x.s = &s;
	x.caps = &caps;
	x.kver = kver;
	x.kernel = kernel;
	x.rundir = rundir;
	x.r = &r;
	x.timeout = boot_timeout;
	if (ends_with(j->scenario_path, ".xml")) {
		if (j->libvirt && j->daemon)
			run_libvirt_xml(&x);
		else {
			r.status = j->libvirt ? RUN_ERROR : RUN_SKIP;
			sb_printf(&r.reason, j->libvirt ? "the daemon of libvirt %s did not "
							 "start (its log was shown)"
							: "a domain XML scenario runs through "
							  "libvirt only",
				  j->libvirt ? j->libvirt->version : "");
		}
	} else if (j->libvirt && pt_host && !strcmp(pt_host, "lab")) {
		r.accel = "tcg";
		run_lab_libvirt(&x);
	} else if (j->libvirt && pt_host) {
		r.status = RUN_SKIP;
		sb_printf(&r.reason, "passthrough of the host's %s through libvirt is "
				     "not run: the runner only starts libvirt's hostdev "
				     "inside the lab VM",
			  pt_host);
	} else if (j->libvirt && !j->daemon) {
		r.status = RUN_ERROR;
		sb_printf(&r.reason, "the daemon of libvirt %s did not start (its "
				     "log was shown)",
			  j->libvirt->version);
	} else if (j->libvirt)
		run_libvirt(&x);
	else if (!pt_host)
		run_booted(&x);
	else if (!strcmp(pt_host, "lab")) {
		r.accel = "tcg";
		run_lab(&x);
	} else
		run_host_device(&x, pt_host);
done:
	if (rundir && remove_tree(rundir))
		warning("cannot remove '%s'", rundir);
	r.seconds = now_monotonic() - t0;
	if (j->libvirt && r.reason.len && strstr(r.reason.buf, "cause is unknown"))
		daemon_said(&st, j, &r.reason);
	if (j->libvirt && r.status != RUN_STATUS_NONE && run_status_is_failure(r.status) &&
	    r.reason.len) {
		char *why = xstrdup(r.reason.buf);

		unsupported(why, j, &r);
		free(why);
	}
	if (r.status != RUN_STATUS_NONE && !vm_interrupted) {
		ret = record(&st, j, sha ? sha : "", s.name ? s.name : j->scenario_path, &r);
		info("%-14s %-12s %-16s %-4s %s%s%s (%.1fs)", j->qemu->version,
		     j->libvirt ? j->libvirt->version : "-",
		     s.name ? s.name : "?", run_status_to_string(r.status), r.accel,
		     r.reason.len ? ": " : "", r.reason.len ? r.reason.buf : "",
		     r.seconds);
		if (!ret && run_status_is_failure(r.status))
			ret = 1;
	}
	store_close(&st);
out_release:
	scenario_release(&s);
out_free:
	result_release(&r);
	free(kver);
	free(kernel);
	free(sha);
	free(tmpl);
	return ret;
}

/*
 * Scenario names or paths to file paths: a DTS .cfg, or the user's own
 * libvirt domain .xml; all of scenarios/ by default.
 */
static int find_scenarios(struct strvec *names, struct strvec *paths)
{
	char *dir = paths_data_dir("scenarios");
	int ret = 0;

	if (!names->nr) {
		struct dirent **ents = NULL;
		int n = scandir(dir, &ents, NULL, alphasort);

		if (n < 0) {
			ret = error_errno("cannot read scenarios from '%s'", dir);
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (ends_with(ents[i]->d_name, ".cfg") ||
			    ends_with(ents[i]->d_name, ".xml"))
				strvec_pushf(paths, "%s/%s", dir, ents[i]->d_name);
			free(ents[i]);
		}
		free(ents);
		goto out;
	}
	for (size_t i = 0; i < names->nr; i++) {
		struct strbuf p = STRBUF_INIT;

		if (strchr(names->v[i], '/') || ends_with(names->v[i], ".cfg") ||
		    ends_with(names->v[i], ".xml"))
			sb_puts(&p, names->v[i]);
		else {
			sb_printf(&p, "%s/%s.cfg", dir, names->v[i]);
			if (!path_exists(p.buf)) {
				strbuf_reset(&p);
				sb_printf(&p, "%s/%s.xml", dir, names->v[i]);
			}
		}
		if (!path_exists(p.buf)) {
			ret = error("no scenario '%s' (looked for '%s')", names->v[i],
				    p.buf);
			strbuf_release(&p);
			goto out;
		}
		strvec_push(paths, p.buf);
		strbuf_release(&p);
	}
out:
	free(dir);
	return ret;
}

/*
 * What one job of s may take, MiB: guest RAM plus QEMU's own (TCG's
 * translation cache included), testpmd's 512 MiB for vhost-user, and
 * for the lab its own RAM on top of the guest's.
 */
static long job_mem_mib(const struct scenario *s)
{
	long mem = s->mem_mib > 0 ? s->mem_mib : 512, need = mem + 256;

	if (scenario_count_devices(s, DEV_VHOST_USER))
		need += 512;
	for (size_t i = 0; i < s->ndevices; i++)
		if (s->devices[i].host && !strcmp(s->devices[i].host, "lab")) {
			need = 512 + mem + 256;
			break;
		}
	return need;
}

/* MemAvailable from /proc/meminfo, MiB; -1 if unknown. */
static long mem_available_mib(void)
{
	struct strbuf m = STRBUF_INIT;
	const char *p;
	long kib = -1;

	if (!strbuf_read_file(&m, "/proc/meminfo", 1 << 16) &&
	    (p = strstr(m.buf, "MemAvailable:")))
		kib = strtol(p + 13, NULL, 10);
	strbuf_release(&m);
	return kib > 0 ? kib / 1024 : -1;
}

static int strvec_has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

/* Domains of ours a killed worker may have left on a daemon. */
static void leftover_domains(const char *uri)
{
	virConnectPtr c = virConnectOpen(uri);
	virDomainPtr *doms = NULL;
	int n;

	if (!c)
		return;
	n = virConnectListAllDomains(c, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && !strncmp(name, "vmx-", 4)) {
			warning("removing domain '%s' left by an interrupted job", name);
			if (virDomainIsActive(doms[i]) == 1)
				virDomainDestroy(doms[i]);
			virDomainUndefine(doms[i]);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
}

struct run_jobs {
	const char *db;
	const struct job *jobs;
};

static int run_job(size_t i, void *arg)
{
	struct run_jobs *rj = arg;

	return run_one(rj->db, &rj->jobs[i]);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT, qemus = STRVEC_INIT;
	struct install *v = NULL, *lvs = NULL;
	const struct install **lv_use = NULL;
	struct libvirtd *daemons = NULL;
	struct strvec libvirts = STRVEC_INIT;
	size_t nlv = 0, nuse = 0;
	struct job *jobs = NULL;
	struct store st;
	char *db = store_default_path();
	struct shard shard;
	const char *sweep_uuid = NULL;
	char uuid[SWEEP_UUID_LEN + 1];
	long njobs = online_cpus() / 2, job_mib = 1;
	size_t n = 0, nj = 0;
	int c, failed = 0, ret = 1;

	if (njobs < 1)
		njobs = 1;
	if (shard_from_env(&shard))
		goto out;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			strvec_push(&names, optarg);
			break;
		case 'Q':
			strvec_push(&qemus, optarg);
			break;
		case 'j':
			if (parse_long(optarg, 1, 64, &njobs)) {
				error("--jobs wants a number from 1 to 64, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'S':
			if (shard_parse(optarg, &shard)) {
				error("--shard wants K/N with 1 <= K <= N, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'L':
			strvec_push(&libvirts, optarg);
			break;
		case 'T':
			if (parse_long(optarg, 1, 86400, &boot_timeout)) {
				error("--timeout wants seconds from 1 to 86400, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'W':
			sweep_uuid = optarg;
			break;
		case 'd':
			free(db);
			db = xstrdup(optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			ret = 0;
			goto out;
		default:
			goto usage_out;
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		goto usage_out;
	}
	if (find_scenarios(&names, &paths))
		goto out;
	/* Every scenario must load before anything runs. */
	for (size_t i = 0; i < paths.nr; i++) {
		struct scenario s;
		long need;

		if (ends_with(paths.v[i], ".xml"))
			continue; /* libvirt reads it, when it runs */
		if (scenario_load(&s, paths.v[i]))
			goto out;
		need = job_mem_mib(&s);
		if (need > job_mib)
			job_mib = need;
		scenario_release(&s);
	}
	{
		long avail = mem_available_mib(), fit = avail > 0 ? avail * 4 / 5 / job_mib : njobs;

		if (fit < 1)
			fit = 1;
		if (fit < njobs) {
			info("%ld jobs at a time would need %ld MiB; %ld MiB are available: "
			     "running %ld at a time",
			     njobs, njobs * job_mib, avail, fit);
			njobs = fit;
		}
	}
	if (store_open(&st, db))
		goto out;
	if (installs_list(&st, "qemu", &v, &n) ||
	    installs_list(&st, "libvirt", &lvs, &nlv)) {
		store_close(&st);
		goto out;
	}
	store_close(&st);
	for (size_t i = 0; i < qemus.nr; i++) {
		int found = 0;

		for (size_t k = 0; k < n; k++)
			found |= !strcmp(v[k].version, qemus.v[i]);
		if (!found) {
			error("no QEMU install named '%s' (see 'virt-matrix ark list')",
			      qemus.v[i]);
			goto out;
		}
	}
	/* The libvirt dimension: NULL is the direct runner. */
	lv_use = xcalloc(nlv + 1, sizeof(*lv_use));
	if (!libvirts.nr || strvec_has(&libvirts, "all")) {
		lv_use[nuse++] = NULL;
		for (size_t k = 0; k < nlv; k++)
			lv_use[nuse++] = &lvs[k];
	} else {
		if (strvec_has(&libvirts, "none"))
			lv_use[nuse++] = NULL;
		for (size_t i = 0; i < libvirts.nr; i++) {
			int found = !strcmp(libvirts.v[i], "none");

			for (size_t k = 0; k < nlv && !found; k++)
				if (!strcmp(lvs[k].version, libvirts.v[i])) {
					lv_use[nuse++] = &lvs[k];
					found = 1;
				}
			if (!found) {
				error("no libvirt install named '%s' (see 'virt-matrix "
				      "ark list'; 'none' is the direct runner)",
				      libvirts.v[i]);
				goto out;
			}
		}
	}
	jobs = xcalloc(n * paths.nr * nuse + 1, sizeof(*jobs));
	for (size_t k = 0, idx = 0; k < n; k++) {
		int want = !qemus.nr;

		for (size_t i = 0; i < qemus.nr; i++)
			want |= !strcmp(v[k].version, qemus.v[i]);
		if (!want)
			continue;
		for (size_t l = 0; l < nuse; l++)
			for (size_t i = 0; i < paths.nr; i++, idx++) {
				/* Round-robin slices: stable for the same job list. */
				if (!shard_has(&shard, idx))
					continue;
				jobs[nj].qemu = &v[k];
				jobs[nj].libvirt = lv_use[l];
				jobs[nj].scenario_path = paths.v[i];
				nj++;
			}
	}
	if (!nj) {
		error("nothing to run: no QEMU installs or scenarios chosen");
		goto out;
	}
	{
		char sh[48];

		snprintf(sh, sizeof(sh), "%ld/%ld", shard.k, shard.n);
		if (store_open(&st, db))
			goto out;
		if (sweep_open(&st, "run", sweep_uuid, shard.n > 1 ? sh : NULL, argc,
			       argv, &sweep_id, uuid)) {
			sweep_id = 0;
			store_close(&st);
			goto out;
		}
		store_close(&st);
		info("sweep %s%s%s", uuid, shard.n > 1 ? ", shard " : "",
		     shard.n > 1 ? sh : "");
		if (shard.n > 1 && shard.from && strcmp(shard.from, "--shard"))
			info("shard %s from %s", sh, shard.from);
	}
	/* One daemon per libvirt version for the whole run. */
	daemons = xcalloc(nuse + 1, sizeof(*daemons));
	for (size_t l = 0; l < nuse && !vm_interrupted; l++) {
		int used = 0;

		if (!lv_use[l])
			continue;
		for (size_t i = 0; i < nj && !used; i++)
			used = jobs[i].libvirt == lv_use[l];
		if (!used)
			continue;
		info("starting the daemon of libvirt %s", lv_use[l]->version);
		if (libvirtd_start(&daemons[l], lv_use[l], 60))
			continue;
		/* Workers connect on their own after fork. */
		virConnectClose(daemons[l].conn);
		daemons[l].conn = NULL;
		for (size_t i = 0; i < nj; i++)
			if (jobs[i].libvirt == lv_use[l])
				jobs[i].daemon = &daemons[l];
	}
	info("running %zu jobs (%zu at a time)", nj, (size_t)njobs);
	{
		struct run_jobs rj = { db, jobs };

		failed = (int)workers_run(nj, njobs, NULL, run_job, &rj);
	}
	ret = vm_interrupted ? 130 : failed ? 1 : 0;
	goto out;
usage_out:
	fputs(usage, stderr);
	ret = 129;
out:
	if (sweep_id) {
		if (!store_open(&st, db)) {
			if (sweep_close(&st, sweep_id,
					vm_interrupted ? "interrupted" : "finished"))
				ret = ret ? ret : 1;
			store_close(&st);
		}
		sweep_id = 0;
	}
	for (size_t l = 0; daemons && l < nuse; l++)
		if (daemons[l].uri) {
			leftover_domains(daemons[l].uri);
			libvirtd_stop(&daemons[l]);
		}
	free(daemons);
	free(lv_use);
	if (lvs)
		installs_free(lvs, nlv);
	if (v)
		installs_free(v, n);
	free(jobs);
	strvec_clear(&libvirts);
	strvec_clear(&names);
	strvec_clear(&paths);
	strvec_clear(&qemus);
	free(db);
	return ret;
}
