/*
 * The direct runner (see run.h). One job is one (QEMU install, scenario)
 * pair, run in a forked worker: it maps the scenario to an argv, builds
 * (or reuses) the initramfs, starts the backend, boots QEMU, reads the
 * guest's verdict from the console, and records everything in `runs`.
 * Everything a job starts lives in its own temporary directory and
 * process groups, and is gone when the job ends, however it ends.
 */
#include <dirent.h>
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
#include "mapper.h"
#include "paths.h"
#include "qemuproc.h"
#include "scenario.h"
#include "sha256.h"
#include "store.h"
#include "workers.h"
#include "banned.h"

#define BOOT_TIMEOUT 240 /* TCG on a loaded 2-core machine */
#define LOG_MAX (1 << 20)

static const char usage[] =
	"usage: virt-matrix run [--scenario NAME]... [--qemu VERSION]...\n"
	"                       [--jobs N] [--shard K/N] [--db PATH]\n"
	"\n"
	"Runs each scenario (scenarios/*.cfg, DPDK DTS VM cfg format) against\n"
	"each installed QEMU, in a guest booted from the host kernel with a\n"
	"generated busybox initramfs, and records the result, the argv, QEMU's\n"
	"exit and output, the console and the backend's log in the store.\n"
	"\n"
	"  --scenario NAME  a scenario by name (file name without .cfg), or a\n"
	"                   path to a cfg file; repeatable; default: all\n"
	"  --qemu VERSION   a QEMU install (see 'virt-matrix ark list');\n"
	"                   repeatable; default: all\n"
	"  --jobs N         guests side by side (default: cores / 2, at least 1)\n"
	"  --shard K/N      only the K-th of N equal slices of the jobs (1-based);\n"
	"                   the same jobs always give the same slices\n"
	"  --db PATH        store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every run passed or was skipped, 1 otherwise.\n";

struct job {
	const struct install *qemu;
	const char *scenario_path;
};

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

struct result {
	const char *status;
	struct strbuf reason;
	double seconds;
	const char *accel;
	struct strvec argv, notes;
	json_object *checks;
	int exited, exit_status, signal;
	struct strbuf stderr_text, serial, backend;
};

static void result_release(struct result *r)
{
	strbuf_release(&r->reason);
	strvec_clear(&r->argv);
	strvec_clear(&r->notes);
	json_object_put(r->checks);
	strbuf_release(&r->stderr_text);
	strbuf_release(&r->serial);
	strbuf_release(&r->backend);
}

static int record(struct store *st, const struct job *j, const char *sha,
		  const char *scn, struct result *r)
{
	auto_stmt *q = NULL;
	json_object *argv = strvec_json(&r->argv), *notes = strvec_json(&r->notes);
	char now[32];
	int ret;

	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q,
			  "INSERT INTO runs (qemu, qemu_sha256, libvirt, scenario,"
			  " scenario_sha256, accel, status, reason, seconds, argv,"
			  " notes, checks, exit_status, signal, stderr, serial_log,"
			  " backend_log, started_at) VALUES (?, ?, NULL, ?, ?, ?,"
			  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
		json_object_put(argv);
		json_object_put(notes);
		return -1;
	}
	store_bind_text(q, 1, j->qemu->version);
	store_bind_text(q, 2, j->qemu->binary_sha256);
	store_bind_text(q, 3, scn);
	store_bind_text(q, 4, sha);
	store_bind_text(q, 5, r->accel);
	store_bind_text(q, 6, r->status);
	store_bind_text(q, 7, r->reason.len ? r->reason.buf : NULL);
	sqlite3_bind_double(q, 8, r->seconds);
	store_bind_text(q, 9, json_object_to_json_string_ext(argv, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	store_bind_text(q, 10, json_object_to_json_string_ext(notes, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	store_bind_text(q, 11, r->checks ? json_object_to_json_string_ext(r->checks, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL);
	if (r->exited)
		sqlite3_bind_int(q, 12, r->exit_status);
	if (r->signal)
		sqlite3_bind_int(q, 13, r->signal);
	store_bind_text(q, 14, r->stderr_text.len ? r->stderr_text.buf : NULL);
	store_bind_text(q, 15, r->serial.len ? r->serial.buf : NULL);
	store_bind_text(q, 16, r->backend.len ? r->backend.buf : NULL);
	store_bind_text(q, 17, now);
	ret = sqlite3_step(q) == SQLITE_DONE ? 0 : store_error(st, "cannot record the run");
	json_object_put(argv);
	json_object_put(notes);
	return ret;
}

/* The initramfs for s, built once per content into the cache. */
static char *guest_initrd(const struct scenario *s, const char *kver)
{
	struct strvec mods = STRVEC_INIT;
	struct strbuf init = STRBUF_INIT, key = STRBUF_INIT, path = STRBUF_INIT;
	char *cache = paths_cache_dir(), sha[SHA256_HEX_LEN + 1], *ret = NULL;
	struct initramfs_spec spec;

	guest_modules(s, &mods);
	guest_init_script(s, &init);
	sb_printf(&key, "%s\n%s\n", kver, init.buf);
	for (size_t i = 0; i < mods.nr; i++)
		sb_printf(&key, "%s\n", mods.v[i]);
	sha256_hex(key.buf, key.len, sha);
	sb_printf(&path, "%s/initramfs", cache);
	if (mkdir_p(path.buf, 0755))
		goto out;
	sb_printf(&path, "/%.16s.cpio", sha);
	if (!path_exists(path.buf)) {
		memset(&spec, 0, sizeof(spec));
		spec.kver = kver;
		spec.modules = (const char *const *)mods.v;
		spec.init = init.buf;
		if (initramfs_build(&spec, path.buf))
			goto out;
	}
	ret = strbuf_detach(&path);
out:
	strvec_clear(&mods);
	strbuf_release(&init);
	strbuf_release(&key);
	strbuf_release(&path);
	free(cache);
	return ret;
}

/* testpmd with one vhost-user port per device, forwarding port to port. */
static int backend_start(struct command *tp, const struct scenario *s,
			 const struct map_env *env, struct result *r)
{
	struct strbuf path = STRBUF_INIT;
	size_t k = 0;
	int ret;

	command_init(tp);
	strvec_pushv(&tp->args, (const char *const[]){ "dpdk-testpmd", "-l", "0-1",
						       "--no-huge", "-m", "512",
						       "--no-pci", NULL });
	strvec_pushf(&tp->args, "--file-prefix=vmx%ld", (long)getpid());
	for (size_t i = 0; i < s->ndevices; i++) {
		if (s->devices[i].kind != DEV_VHOST_USER)
			continue;
		map_vhost_path(env, &s->devices[i], &path);
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
	ret = command_wait_output(tp, "start packet forwarding", 60);
	if (ret != 1) {
		sb_printf(&r->reason, "dpdk-testpmd did not come up: %s",
			  str_tail_lines(tp->output.buf, tp->output.len, 3));
		return -1;
	}
	return 0;
}

/* Stops testpmd (SIGINT prints its statistics) and keeps its log. */
static void backend_stop(struct command *tp, struct result *r)
{
	command_kill(tp, SIGINT);
	command_wait(tp, 15);
	command_kill(tp, SIGKILL);
	command_wait(tp, 5);
	sb_puts(&r->backend, tp->output.buf);
	command_release(tp);
	/* DPDK's runtime files for our --file-prefix (as root). */
	{
		struct strbuf d = STRBUF_INIT;

		sb_printf(&d, "/var/run/dpdk/vmx%ld", (long)getpid());
		if (is_dir(d.buf) && remove_tree(d.buf))
			warning("cannot remove '%s'", d.buf);
		strbuf_release(&d);
	}
}

static void split_output(const char *out, struct result *r)
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

static int run_one(const char *db, const struct job *j)
{
	struct store st;
	struct scenario s;
	struct result r;
	struct caps_result cr;
	struct map_caps caps;
	struct map_env env;
	struct qemu_proc p;
	struct command tp;
	char *kver = NULL, *initrd = NULL, *kernel = NULL, *sha = NULL;
	char *tmpl = temp_template("run"), *rundir = NULL;
	double t0 = now_monotonic();
	int have_p = 0, have_tp = 0, ret = -1;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	strbuf_init(&r.reason, 0);
	strbuf_init(&r.stderr_text, LOG_MAX);
	strbuf_init(&r.serial, LOG_MAX);
	strbuf_init(&r.backend, LOG_MAX);
	r.accel = "tcg";
	if (store_open(&st, db))
		goto out_free;
	if (scenario_load(&s, j->scenario_path)) {
		store_close(&st);
		goto out_free;
	}
	sha = scenario_sha(j->scenario_path);
	if (caps_probe(&st, j->qemu->binary_path, 0, 1, &cr) ||
	    map_caps_load(&st, cr.binary_id, &caps)) {
		r.status = "error";
		sb_printf(&r.reason, "no capability record of QEMU %s",
			  j->qemu->version);
		goto done;
	}
	r.accel = pick_accel(&st, cr.binary_id);
	if (scenario_count_devices(&s, DEV_VFIO_PCI) ||
	    scenario_count_devices(&s, DEV_PCI_ASSIGN)) {
		r.status = "skip";
		sb_puts(&r.reason, "PCI passthrough runs inside the nested lab VM, "
				   "which this runner does not start yet, and this "
				   "host has no VFIO device named in the scenario");
		goto done;
	}
	rundir = mkdtemp(tmpl);
	kver = initramfs_default_kver();
	if (!rundir || !kver) {
		r.status = "error";
		sb_puts(&r.reason, !rundir ? "cannot create a run directory"
					   : "no kernel with modules under /boot");
		goto done;
	}
	{
		struct strbuf k = STRBUF_INIT;

		sb_printf(&k, "/boot/vmlinuz-%s", kver);
		kernel = strbuf_detach(&k);
	}
	initrd = guest_initrd(&s, kver);
	if (!initrd) {
		r.status = "error";
		sb_puts(&r.reason, "cannot build the guest's initramfs");
		goto done;
	}
	memset(&env, 0, sizeof(env));
	env.kernel = kernel;
	env.initrd = initrd;
	env.append = "console=ttyS0 panic=-1 quiet";
	env.accel = r.accel;
	env.rundir = rundir;
	if (map_argv(&s, &caps, &env, &r.argv, &r.notes, &r.reason)) {
		r.status = "skip";
		goto done;
	}
	if (scenario_count_devices(&s, DEV_VHOST_USER)) {
		if (backend_start(&tp, &s, &env, &r)) {
			have_tp = 1;
			r.status = "error";
			goto done;
		}
		have_tp = 1;
	}
	{
		struct strvec args = STRVEC_INIT;
		int w;

		strvec_pushv(&args, (const char *const *)r.argv.v);
		if (qemu_proc_start(&p, j->qemu->binary_path,
				    (const char *const *)args.v, 30)) {
			strvec_clear(&args);
			r.status = "fail";
			sb_printf(&r.reason, "QEMU did not start: %s",
				  qemu_proc_output(&p));
			split_output(qemu_proc_output(&p), &r);
			r.exited = p.cmd.exited;
			r.exit_status = p.cmd.status;
			r.signal = p.cmd.signal;
			command_release(&p.cmd);
			goto done;
		}
		strvec_clear(&args);
		have_p = 1;
		/* The recorded argv is the real one, binary and monitor included. */
		strvec_clear(&r.argv);
		strvec_pushv(&r.argv, (const char *const *)p.cmd.args.v);
		w = command_wait_output(&p.cmd, GUEST_END, BOOT_TIMEOUT);
		if (w == 1) {
			/* /init powers off next: QEMU must exit by itself. */
			command_wait(&p.cmd, 30);
		}
		if (!p.cmd.exited && !p.cmd.signal)
			command_kill(&p.cmd, SIGKILL), command_wait(&p.cmd, 5);
		r.exited = p.cmd.exited;
		r.exit_status = p.cmd.status;
		r.signal = p.cmd.signal;
		split_output(p.cmd.output.buf, &r);
		{
			struct guest_outcome o;

			guest_parse(r.serial.buf ? r.serial.buf : "", &o);
			r.checks = json_object_new_array();
			for (size_t i = 0; i < o.nchecks; i++) {
				json_object *c = json_object_new_object();

				json_object_object_add(c, "n", json_object_new_int(o.checks[i].n));
				json_object_object_add(c, "kind", json_object_new_string(o.checks[i].kind));
				json_object_object_add(c, "pass", json_object_new_boolean(o.checks[i].pass));
				json_object_object_add(c, "detail", json_object_new_string(o.checks[i].detail));
				json_object_array_add(r.checks, c);
			}
			if (w != 1) {
				r.status = "fail";
				if (r.signal && r.signal != SIGKILL)
					sb_printf(&r.reason, "QEMU was killed by signal %d (%s) "
							     "before the guest finished",
						  r.signal, strsignal(r.signal));
				else if (r.exited)
					sb_printf(&r.reason, "QEMU exited with status %d "
							     "before the guest finished",
						  r.exit_status);
				else
					sb_printf(&r.reason, "the guest did not finish within "
							     "%d s (QEMU hung or the guest did)",
						  BOOT_TIMEOUT);
			} else if (!r.exited || r.exit_status) {
				r.status = "fail";
				sb_printf(&r.reason, "the guest finished but QEMU did not "
						     "power off cleanly (%s %d)",
					  r.exited ? "exit status" : "signal",
					  r.exited ? r.exit_status : r.signal);
			} else if (o.failed || o.nchecks != s.nchecks) {
				r.status = "fail";
				sb_printf(&r.reason, "%d of %zu checks failed in the guest",
					  o.failed + (int)(s.nchecks - o.nchecks), s.nchecks);
				for (size_t i = 0; i < o.nchecks; i++)
					if (!o.checks[i].pass)
						sb_printf(&r.reason, "; %s: %s", o.checks[i].kind,
							  o.checks[i].detail);
			} else {
				r.status = "pass";
			}
			guest_outcome_release(&o);
		}
	}
done:
	if (have_p) {
		qemu_proc_stop(&p);
		command_release(&p.cmd);
	}
	if (have_tp)
		backend_stop(&tp, &r);
	if (rundir && remove_tree(rundir))
		warning("cannot remove '%s'", rundir);
	r.seconds = now_monotonic() - t0;
	if (r.status && !vm_interrupted) {
		ret = record(&st, j, sha ? sha : "", s.name ? s.name : j->scenario_path, &r);
		info("%-10s %-16s %-4s %s%s%s (%.1fs)", j->qemu->version,
		     s.name ? s.name : "?", r.status, r.accel,
		     r.reason.len ? ": " : "", r.reason.len ? r.reason.buf : "",
		     r.seconds);
		if (!ret && strcmp(r.status, "pass") && strcmp(r.status, "skip"))
			ret = 1;
	}
	store_close(&st);
	scenario_release(&s);
out_free:
	result_release(&r);
	free(kver);
	free(kernel);
	free(initrd);
	free(sha);
	free(tmpl);
	return ret;
}

/* Scenario names or paths to cfg paths; all of scenarios/ by default. */
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
			if (ends_with(ents[i]->d_name, ".cfg"))
				strvec_pushf(paths, "%s/%s", dir, ents[i]->d_name);
			free(ents[i]);
		}
		free(ents);
		goto out;
	}
	for (size_t i = 0; i < names->nr; i++) {
		struct strbuf p = STRBUF_INIT;

		if (strchr(names->v[i], '/') || ends_with(names->v[i], ".cfg"))
			sb_puts(&p, names->v[i]);
		else
			sb_printf(&p, "%s/%s.cfg", dir, names->v[i]);
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

static int parse_shard(const char *s, long *k, long *n)
{
	const char *slash = strchr(s, '/');
	char *a;
	int bad;

	if (!slash)
		return -1;
	a = xstrndup(s, (size_t)(slash - s));
	bad = parse_long(a, 1, 100000, k) || parse_long(slash + 1, 1, 100000, n) ||
	      *k > *n;
	free(a);
	return bad ? -1 : 0;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT, qemus = STRVEC_INIT;
	struct install *v = NULL;
	struct job *jobs = NULL;
	struct store st;
	char *db = store_default_path();
	long njobs = online_cpus() / 2, shard_k = 1, shard_n = 1;
	size_t n = 0, nj = 0;
	int c, failed = 0, ret = 1;

	if (njobs < 1)
		njobs = 1;
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
			if (parse_shard(optarg, &shard_k, &shard_n)) {
				error("--shard wants K/N with 1 <= K <= N, not '%s'",
				      optarg);
				goto usage_out;
			}
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

		if (scenario_load(&s, paths.v[i]))
			goto out;
		scenario_release(&s);
	}
	if (store_open(&st, db))
		goto out;
	if (installs_list(&st, "qemu", &v, &n)) {
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
	jobs = xcalloc(n * paths.nr + 1, sizeof(*jobs));
	for (size_t k = 0, idx = 0; k < n; k++) {
		int want = !qemus.nr;

		for (size_t i = 0; i < qemus.nr; i++)
			want |= !strcmp(v[k].version, qemus.v[i]);
		if (!want)
			continue;
		for (size_t i = 0; i < paths.nr; i++, idx++) {
			/* Round-robin slices: stable for the same job list. */
			if ((long)(idx % (size_t)shard_n) != shard_k - 1)
				continue;
			jobs[nj].qemu = &v[k];
			jobs[nj].scenario_path = paths.v[i];
			nj++;
		}
	}
	if (!nj) {
		error("nothing to run: no QEMU installs or scenarios chosen");
		goto out;
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
	if (v)
		installs_free(v, n);
	free(jobs);
	strvec_clear(&names);
	strvec_clear(&paths);
	strvec_clear(&qemus);
	free(db);
	return ret;
}
