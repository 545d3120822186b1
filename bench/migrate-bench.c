/*
 * Section "migrate" of vm-bench: one file-mode migration job
 * (migrate/migjob.h) from Debian's QEMU to itself (the control) and to
 * the newest ark build under /opt/qemu that has the same machine type,
 * on the newest versioned pc-q35 machine type both have. Its figures:
 * each destination's restore with the guest's proof (goal 2 s under
 * TCG), the source's boot and save, and the whole job beside a bare
 * script doing the same migrations with the same argvs (goal: the
 * harness costs 10% or less). The bare side starts each QEMU with
 * qemu_proc, waits for the guest's lines on its console, and drives the
 * migration over QMP; it records nothing and parses no checks. After
 * one job to warm the page cache, both sides run RUNS times, alternating
 * which goes first; medians count.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "abi.h"
#include "command.h"
#include "console.h"
#include "fs.h"
#include "guest.h"
#include "migguest.h"
#include "migjob.h"
#include "qemuproc.h"
#include "result.h"
#include "version.h"
#include "banned.h"

#define GOAL_PROOF 2.0
#define GOAL_RATIO 1.10
/* Seconds for the guest to boot, for one QMP reply or step, for the proof. */
#define BOOT_TIMEOUT 240
#define STEP_TIMEOUT 120
#define PROOF_TIMEOUT 60
/* How often the bare script asks for a migration's state (as migjob.c). */
#define POLL 0.05

/* binary's output for one option (-version, -machine help): 0, or -1. */
static int ask_qemu(const char *binary, const char *const *opts, struct strbuf *out)
{
	struct command cmd;
	int ret = -1;

	command_init(&cmd);
	strvec_push(&cmd.args, binary);
	strvec_pushv(&cmd.args, opts);
	cmd.timeout = 30;
	cmd.capture_max = 1 << 16;
	if (!command_run_checked(&cmd)) {
		sb_puts(out, cmd.output.buf);
		ret = 0;
	}
	command_release(&cmd);
	return ret;
}

/* The versioned pc-q35 machine types of binary into out. */
static int q35_machines(const char *binary, struct strvec *out)
{
	struct strbuf help = STRBUF_INIT;
	const char *line;

	if (ask_qemu(binary, (const char *const[]){ "-machine", "help", NULL }, &help)) {
		strbuf_release(&help);
		return -1;
	}
	for (line = help.buf; *line;) {
		size_t len = strcspn(line, "\n"), word = strcspn(line, " \n");
		char *name = xstrndup(line, word);

		if (!strncmp(name, "pc-q35-", 7) && abi_is_versioned(name))
			strvec_push(out, name);
		free(name);
		line += len + (line[len] == '\n');
	}
	strbuf_release(&help);
	return 0;
}

/* The newest machine type in both a and b (malloc'd), or NULL. */
static char *newest_common(const struct strvec *a, const struct strvec *b)
{
	const char *best = NULL;

	for (size_t i = 0; i < a->nr; i++)
		for (size_t k = 0; k < b->nr; k++)
			if (!strcmp(a->v[i], b->v[k]) &&
			    (!best || version_strcmp(a->v[i] + 7, best + 7) > 0))
				best = a->v[i];
	return best ? xstrdup(best) : NULL;
}

/* Debian's install name as `ark import` gives it ("7.2.22-system"), or NULL. */
static char *debian_version(void)
{
	struct strbuf out = STRBUF_INIT;
	const char *v = NULL;
	char *ret = NULL;

	if (!ask_qemu(DEBIAN_QEMU, (const char *const[]){ "-version", NULL }, &out) &&
	    (v = strstr(out.buf, "QEMU emulator version ")) != NULL) {
		struct strbuf name = STRBUF_INIT;

		v += strlen("QEMU emulator version ");
		sb_printf(&name, "%.*s-system", (int)strcspn(v, " \n"), v);
		ret = strbuf_detach(&name);
	}
	strbuf_release(&out);
	return ret;
}

/* A fresh run directory under dir for one job. */
static char *run_dir(const char *dir)
{
	char *t = temp_template_in(dir, "migrate");

	if (!mkdtemp(t))
		die("cannot create a directory under '%s'", dir);
	return t;
}

/* The times of one run of the job: the source's, each destination's, in all. */
enum { T_SRC, T_DST, T_TOTAL = T_DST + 2, T_N };

/* One run of the job by virt-matrix: 0, or -1 with why. */
static int tool_job(const struct mig_job *j, struct mig_env *env, const char *dir,
		    double *t, const char **tr, struct strbuf *why)
{
	struct result res[2];
	struct mig_source src;
	double t0;
	int ret = 0;

	env->rundir = run_dir(dir);
	t0 = now_monotonic();
	mig_job_run(j, env, &src, res, tr);
	t[T_TOTAL] = now_monotonic() - t0;
	t[T_SRC] = src.seconds;
	for (size_t i = 0; i < j->ndsts; i++) {
		t[T_DST + i] = res[i].seconds;
		if (res[i].status != RUN_PASS && !ret) {
			sb_printf(why, "to %s: %s", j->dsts[i]->version, res[i].reason.buf);
			ret = -1;
		}
		result_release(&res[i]);
	}
	tr[2] = src.transport;
	mig_source_release(&src);
	if (remove_tree(env->rundir))
		die("cannot remove '%s'", env->rundir);
	free((char *)env->rundir);
	env->rundir = NULL;
	return ret;
}

/* One QEMU of the bare script: its QMP session and its console. */
struct bare {
	struct qemu_proc p;
	struct console con;
	int up;
};

static int bare_start(struct bare *q, const char *binary, const struct strvec *args,
		      const char *sock, struct strbuf *why)
{
	char msg[256];
	int lfd, fd;

	memset(q, 0, sizeof(*q));
	console_init(&q->con, LOG_MAX);
	lfd = qemu_listen(sock, "console", binary);
	if (lfd < 0) {
		sb_printf(why, "cannot listen on '%s'", sock);
		return -1;
	}
	if (qemu_proc_start(&q->p, binary, (const char *const *)args->v, STEP_TIMEOUT)) {
		close(lfd);
		sb_printf(why, "'%s' did not start", binary);
		return -1;
	}
	q->up = 1;
	fd = qemu_accept(&q->p.cmd, &lfd, "console", "console", binary, sock,
			 STEP_TIMEOUT, msg, sizeof(msg), 1);
	if (lfd >= 0)
		close(lfd);
	if (fd < 0 || console_attach(&q->con, fd)) {
		sb_puts(why, fd < 0 ? msg : "cannot use the console");
		return -1;
	}
	return 0;
}

static void bare_stop(struct bare *q)
{
	if (q->up) {
		qemu_proc_stop(&q->p);
		command_release(&q->p.cmd);
	}
	q->up = 0;
	console_release(&q->con);
}

static int bare_call(struct bare *q, const char *cmd, const char *uri,
		     json_object **ret, struct strbuf *why)
{
	struct qmp_error err;
	json_object *args = NULL;
	int rc;

	if (uri) {
		args = json_object_new_object();
		json_object_object_add(args, "uri", json_object_new_string(uri));
	}
	rc = qmp_call(&q->p.qmp, cmd, args, ret, &err);
	if (rc)
		sb_printf(why, "%s: %s", cmd, rc == QMP_ERR ? err.desc : q->p.qmp.errmsg);
	return rc;
}

/* cmd (migrate or migrate-incoming) to path: file: first, else exec: with cat. */
static int bare_file(struct bare *q, const char *cmd, const char *path,
		     struct strbuf *why)
{
	struct strbuf uri = STRBUF_INIT;
	int rc;

	sb_printf(&uri, "file:%s", path);
	rc = bare_call(q, cmd, uri.buf, NULL, why);
	if (rc == QMP_ERR) {
		strbuf_reset(why);
		strbuf_reset(&uri);
		sb_printf(&uri, !strcmp(cmd, "migrate") ? "exec:cat > %s" : "exec:cat %s",
			  path);
		rc = bare_call(q, cmd, uri.buf, NULL, why);
	}
	strbuf_release(&uri);
	return rc ? -1 : 0;
}

/* Polls cmd until its status is not one of busy: 0 if it is then want. */
static int bare_until(struct bare *q, const char *cmd, const char *const *busy,
		      const char *want, struct strbuf *why)
{
	double deadline = now_monotonic() + STEP_TIMEOUT;

	for (;;) {
		json_object *ret = NULL;
		const char *st;
		int waiting = 0;

		if (bare_call(q, cmd, NULL, &ret, why))
			return -1;
		st = qmp_get_string(ret, "status");
		st = st ? st : "";
		for (size_t i = 0; busy[i]; i++)
			waiting |= !strcmp(st, busy[i]);
		if (!waiting) {
			int ok = !strcmp(st, want);

			if (!ok)
				sb_printf(why, "%s: '%s'", cmd, st);
			json_object_put(ret);
			return ok ? 0 : -1;
		}
		json_object_put(ret);
		if (now_monotonic() > deadline) {
			sb_printf(why, "%s: still '%s' after %d s", cmd, st, STEP_TIMEOUT);
			return -1;
		}
		command_pump(&q->p.cmd, POLL);
	}
}

/* Until "completed": the states on the way (none given before it began). */
static const char *const migrating[] = { "", "none", "setup", "active", "device",
					 "pre-switchover", "wait-unplug", NULL };
static const char *const loading[] = { "inmigrate", NULL };

/*
 * The source: booted until ready, stopped, saved to path; *seconds from
 * t0 to the end of the save (before QEMU quits, as migjob.c counts it).
 */
static int bare_source(const struct mig_job *j, const struct mig_env *env,
		       const char *path, double t0, double *seconds,
		       struct strbuf *why)
{
	struct strvec args = STRVEC_INIT;
	struct strbuf sock = STRBUF_INIT;
	struct bare q;
	int ret = -1;

	sb_printf(&sock, "%s/src.sock", env->rundir);
	mig_guest_args(j, env, sock.buf, &args);
	if (bare_start(&q, j->src->binary, &args, sock.buf, why))
		goto out;
	if (console_wait(&q.con, &q.p.cmd, MIG_READY, BOOT_TIMEOUT) != CONSOLE_SEEN) {
		sb_puts(why, "the guest did not get ready on the source");
		goto out;
	}
	if (bare_call(&q, "stop", NULL, NULL, why) ||
	    bare_file(&q, "migrate", path, why) ||
	    bare_until(&q, "query-migrate", migrating, "completed", why))
		goto out;
	*seconds = now_monotonic() - t0;
	ret = 0;
out:
	bare_stop(&q);
	unlink(sock.buf);
	strvec_clear(&args);
	strbuf_release(&sock);
	return ret;
}

/* A destination: loaded from path, resumed, asked for the guest's checks. */
static int bare_dest(const struct mig_job *j, const struct mig_env *env,
		     const char *binary, const char *path, struct strbuf *why)
{
	struct strvec args = STRVEC_INIT;
	struct strbuf sock = STRBUF_INIT;
	struct bare q;
	int ret = -1;

	sb_printf(&sock, "%s/dst.sock", env->rundir);
	mig_guest_args(j, env, sock.buf, &args);
	strvec_pushv(&args, (const char *const[]){ "-S", "-incoming", "defer", NULL });
	if (bare_start(&q, binary, &args, sock.buf, why))
		goto out;
	if (bare_file(&q, "migrate-incoming", path, why) ||
	    bare_until(&q, "query-status", loading, "paused", why) ||
	    bare_call(&q, "cont", NULL, NULL, why))
		goto out;
	q.con.from = q.con.log.len;
	if (console_send(&q.con, MIG_CHECK_CMD) ||
	    console_wait(&q.con, &q.p.cmd, GUEST_END " ", PROOF_TIMEOUT) != CONSOLE_SEEN) {
		sb_printf(why, "no answer from the guest on '%s'", binary);
		goto out;
	}
	ret = 0;
out:
	bare_stop(&q);
	unlink(sock.buf);
	strvec_clear(&args);
	strbuf_release(&sock);
	return ret;
}

/* One run of the same job by the bare script: 0, or -1 with why. */
static int bare_job(const struct mig_job *j, struct mig_env *env, const char *dir,
		    double *t, struct strbuf *why)
{
	struct strbuf state = STRBUF_INIT;
	double t0, t1;
	int ret = -1;

	env->rundir = run_dir(dir);
	sb_printf(&state, "%s/state", env->rundir);
	t0 = now_monotonic();
	if (bare_source(j, env, state.buf, t0, &t[T_SRC], why))
		goto out;
	for (size_t i = 0; i < j->ndsts; i++) {
		t1 = now_monotonic();
		if (bare_dest(j, env, j->dsts[i]->binary, state.buf, why))
			goto out;
		t[T_DST + i] = now_monotonic() - t1;
	}
	t[T_TOTAL] = now_monotonic() - t0;
	ret = 0;
out:
	if (remove_tree(env->rundir))
		die("cannot remove '%s'", env->rundir);
	free((char *)env->rundir);
	env->rundir = NULL;
	strbuf_release(&state);
	return ret;
}

/* The median over the RUNS runs of t of one of its times. */
static double med(double (*t)[T_N], int which)
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = t[i][which];
	return median(v, RUNS);
}

/*
 * The newest ark build with a versioned pc-q35 machine type Debian's QEMU
 * has too: its binary, version and the newest such machine type into
 * the out parameters (malloc'd). 0, or -1 when there is none.
 */
static int pick_ark(const struct strvec *bins, const struct strvec *deb,
		    char **binary, char **version, char **machine)
{
	for (size_t k = bins->nr; k-- > 0;) {
		const char *b = bins->v[k], *v, *slash;
		struct strvec m = STRVEC_INIT;

		if (!skip_prefix(b, "/opt/qemu/", &v) || !(slash = strchr(v, '/')))
			continue;
		if (!q35_machines(b, &m))
			*machine = newest_common(deb, &m);
		strvec_clear(&m);
		if (*machine) {
			*binary = xstrdup(b);
			*version = xstrndup(v, (size_t)(slash - v));
			return 0;
		}
	}
	return -1;
}

void bench_migrate(struct bench *b)
{
	struct strvec bins = STRVEC_INIT, deb = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct mig_files files;
	char *ark = NULL, *ark_version = NULL, *machine = NULL, *deb_version = NULL;
	double tool[RUNS][T_N], bare[RUNS][T_N], warm[T_N];
	const char *tr[3] = { NULL, NULL, NULL };
	int have_files = 0;

	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "migrate: skipped, Debian's QEMU (" DEBIAN_QEMU
				") is not installed\n");
		goto out;
	}
	deb_version = debian_version();
	if (!deb_version || q35_machines(DEBIAN_QEMU, &deb)) {
		sb_puts(b->out, "migrate: skipped, Debian's QEMU does not say its "
				"version or machine types\n");
		goto out;
	}
	bench_qemu_binaries(&bins);
	if (pick_ark(&bins, &deb, &ark, &ark_version, &machine)) {
		sb_puts(b->out, "migrate: skipped, no ark build under /opt/qemu with a "
				"versioned pc-q35 machine type that Debian's QEMU has\n");
		goto out;
	}
	if (mig_guest_files(&files)) {
		sb_puts(b->out, "migrate: skipped, the migration guest's files could "
				"not be made (a kernel with modules under /boot)\n");
		goto out;
	}
	have_files = 1;
	{
		const struct mig_qemu qd = { deb_version, DEBIAN_QEMU, NULL };
		const struct mig_qemu qa = { ark_version, ark, NULL };
		const struct mig_qemu *const dsts[] = { &qd, &qa };
		const struct mig_job j = { .machine = machine, .pcie = 1, .mode = MIG_FILE,
					   .src = &qd, .dsts = dsts, .ndsts = 2 };
		struct mig_env env = { .kernel = files.kernel, .initrd = files.initrd,
				       .image = files.image, .timeout = BOOT_TIMEOUT };
		double mt, mb, d0, d1;

		/* Warm: the binaries and the guest's files in the page cache. */
		if (tool_job(&j, &env, b->dir, warm, tr, &why)) {
			sb_printf(b->out, "migrate: the job failed (%s, %s): %s\n",
				  machine, deb_version, why.buf);
			goto out;
		}
		for (int i = 0; i < RUNS; i++) {
			/* Alternating which side goes first, so that neither is always second. */
			if (i % 2 && bare_job(&j, &env, b->dir, bare[i], &why))
				break;
			if (tool_job(&j, &env, b->dir, tool[i], tr, &why))
				break;
			if (!(i % 2) && bare_job(&j, &env, b->dir, bare[i], &why))
				break;
		}
		if (why.len) {
			sb_printf(b->out, "migrate: a run failed (%s): %s\n", machine, why.buf);
			goto out;
		}
		mt = med(tool, T_TOTAL);
		mb = med(bare, T_TOTAL);
		d0 = med(tool, T_DST);
		d1 = med(tool, T_DST + 1);
		sb_printf(b->out,
			  "migrate %s, file mode, from %s: restore with the guest's "
			  "proof on %s %.2f s, on %s %.2f s (goal %.0f s: %s); source "
			  "boot and save %.2f s; whole job %.2f s, bare %.2f s, ratio "
			  "%.2f (goal %.2f: %s)\n",
			  machine, deb_version, deb_version, d0, ark_version, d1,
			  GOAL_PROOF, d0 <= GOAL_PROOF && d1 <= GOAL_PROOF ? "met" : "missed",
			  med(tool, T_SRC), mt, mb, mt / mb,
			  GOAL_RATIO, mt / mb <= GOAL_RATIO ? "met" : "missed");
		sb_printf(b->out,
			  "  bare: source boot and save %.2f s, restore with the guest's "
			  "answer on %s %.2f s, on %s %.2f s; the state saved by %s, "
			  "loaded by %s on %s and by %s on %s\n",
			  med(bare, T_SRC), deb_version,
			  med(bare, T_DST), ark_version,
			  med(bare, T_DST + 1),
			  tr[2] ? tr[2] : "?", tr[0] ? tr[0] : "?", deb_version,
			  tr[1] ? tr[1] : "?", ark_version);
	}
out:
	if (have_files)
		mig_guest_files_release(&files);
	free(ark);
	free(ark_version);
	free(machine);
	free(deb_version);
	strvec_clear(&bins);
	strvec_clear(&deb);
	strbuf_release(&why);
}
