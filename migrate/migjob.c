/*
 * One migration job (migjob.h): the source booted once, each destination
 * restored from it and asked for the guest's proof. QEMU is driven over
 * QMP only (stop, migrate, migrate-incoming, query-migrate, query-status,
 * cont); the guest over its console socket (lib/console.h). Readiness is
 * read from state, never from a child's buffered output: the console's
 * markers are written by the guest's serial port, QMP answers what
 * QEMU's state is.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migjob.h"
#include "console.h"
#include "guest.h"
#include "migguest.h"
#include "migproof.h"
#include "qemuproc.h"
#include "banned.h"

/* How long a QEMU may take to exit after refusing a stream or breaking QMP. */
#define MIG_DEST_GRACE 5.0
/* How often a migration's state is asked for. */
#define MIG_POLL 0.05

void mig_guest_args(const struct mig_job *j, const struct mig_env *env,
		    const char *console_sock, struct strvec *out)
{
	/* The ABI probe's canonical devices (matrix/canon.c), in its order. */
	strvec_pushv(out, (const char *const[]){ "-machine", j->machine, "-accel",
						 "tcg", "-m", "256", "-smp", "1",
						 NULL });
	if (j->pcie)
		strvec_pushv(out, (const char *const[]){
			"-device", "pcie-root-port,id=rp0,chassis=1", NULL });
	/*
	 * Both NICs on one user network, through a hub: QEMU 8.2 numbered
	 * the savevm instances of several user networks 0, 1... where
	 * older ones gave each 0 (commit b23db4cd82), so a guest with two
	 * could not go back from 8.2 to any older QEMU, whatever its
	 * machine type, and that one break would hide every other. A hub
	 * has no state of its own.
	 */
	strvec_pushv(out, (const char *const[]){
		"-netdev", "user,id=user0",
		"-netdev", "hubport,id=hub0,hubid=0,netdev=user0",
		"-netdev", "hubport,id=un0,hubid=0",
		"-device", "virtio-net-pci,id=vnet0,netdev=un0",
		"-netdev", "hubport,id=un1,hubid=0",
		"-device", "e1000e,id=nic0,netdev=un1", NULL });
	strvec_push(out, "-blockdev");
	strvec_pushf(out, "driver=file,filename=%s,node-name=disk0,read-only=on",
		     env->image);
	strvec_pushv(out, (const char *const[]){
		"-device", "virtio-blk-pci,drive=disk0,id=blk0",
		"-kernel", env->kernel, "-initrd", env->initrd,
		"-append", GUEST_CMDLINE, "-chardev", NULL });
	strvec_pushf(out, "socket,id=ser0,path=%s", console_sock);
	strvec_pushv(out, (const char *const[]){ "-serial", "chardev:ser0",
						 "-no-reboot", NULL });
}

/* One QEMU of the job, with its QMP session and its console. */
struct side {
	struct qemu_proc p;
	struct console con;
	char *sock; /* the console's socket, removed at the end */
	int spawned, stopped;
};

/* Starts binary with args plus its console; -1 with the reason in r. */
static int side_start(struct side *s, const char *binary, const struct strvec *args,
		      const char *sock, struct result *r)
{
	char msg[512];
	int lfd, fd;

	memset(s, 0, sizeof(*s));
	console_init(&s->con, LOG_MAX);
	s->sock = xstrdup(sock);
	unlink(sock);
	lfd = qemu_listen(sock, "console", binary);
	if (lfd < 0) {
		sb_printf(&r->reason, "cannot listen on '%s' for the console", sock);
		return -1;
	}
	if (qemu_proc_spawn(&s->p, binary, (const char *const *)args->v)) {
		close(lfd);
		sb_printf(&r->reason, "cannot start '%s'", binary);
		return -1;
	}
	s->spawned = 1;
	strvec_pushv(&r->argv, (const char *const *)s->p.cmd.args.v);
	if (qemu_proc_attach(&s->p, MIG_START_TIMEOUT, 1)) {
		sb_printf(&r->reason, "QEMU did not start: ");
		mig_qemu_words(s->p.cmd.output.buf, &r->reason);
		if (!s->p.cmd.output.len)
			sb_puts(&r->reason, s->p.qmp.errmsg);
		close(lfd);
		return -1;
	}
	fd = qemu_accept(&s->p.cmd, &lfd, "console", "console", binary, sock,
			 MIG_START_TIMEOUT, msg, sizeof(msg), 1);
	if (lfd >= 0)
		close(lfd);
	if (fd < 0 || console_attach(&s->con, fd)) {
		sb_printf(&r->reason, "%s", fd < 0 ? msg : "cannot use the console");
		return -1;
	}
	return 0;
}

/* Stops QEMU; its output and the console into r. */
static void side_stop(struct side *s, struct result *r)
{
	if (s->stopped)
		return;
	s->stopped = 1;
	if (s->spawned) {
		qemu_proc_stop(&s->p);
		exit_into(r, &s->p.cmd);
		sb_puts(&r->stderr_text, s->p.cmd.output.buf);
		command_release(&s->p.cmd);
		s->spawned = 0;
	}
	sb_puts(&r->serial, s->con.log.buf);
	console_release(&s->con);
	if (s->sock)
		unlink(s->sock);
	free(s->sock);
	s->sock = NULL;
}

/* A QMP command; on failure, why it failed into why. 0, QMP_ERR or -1. */
static int call(struct side *s, const char *cmd, json_object *args,
		json_object **ret, struct strbuf *why)
{
	struct qmp_error err;
	int rc = qmp_call(&s->p.qmp, cmd, args, ret, &err);

	if (rc == QMP_ERR) {
		sb_printf(why, "%s: %s", cmd, err.desc);
	} else if (rc < 0) {
		/* A session that broke is usually a QEMU on its way out with its reason. */
		double until = now_monotonic() + MIG_DEST_GRACE;

		while (command_running(&s->p.cmd) && now_monotonic() < until && !vm_interrupted)
			command_pump(&s->p.cmd, 0.1);
		sb_printf(why, "%s: %s", cmd, s->p.qmp.errmsg);
	}
	return rc;
}

static json_object *uri_args(const char *uri)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "uri", json_object_new_string(uri));
	return a;
}

/* A URI naming a transport an older QEMU lacks: it says so in these words. */
static int unknown_protocol(const char *desc)
{
	return strstr(desc, "migration protocol") != NULL;
}

/* The string member name of o, or "". */
static const char *member(json_object *o, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

/* Short waits between polls, pumping QEMU's output meanwhile. */
static void pause_for(struct side *s, double seconds)
{
	if (command_pump(&s->p.cmd, seconds) == 1)
		return;
	/* QEMU ended: the next call notices. */
}

/* Until the outgoing migration of s completed: 0; -1 with why. */
static int wait_outgoing(struct side *s, double timeout, struct strbuf *why)
{
	double deadline = now_monotonic() + timeout;

	for (;;) {
		json_object *ret = NULL;
		const char *st;

		if (call(s, "query-migrate", NULL, &ret, why))
			return -1;
		st = member(ret, "status");
		if (!strcmp(st, "completed")) {
			json_object_put(ret);
			return 0;
		}
		if (!strcmp(st, "failed") || !strcmp(st, "cancelled")) {
			sb_printf(why, "the migration %s", st);
			if (*member(ret, "error-desc"))
				sb_printf(why, ": %s", member(ret, "error-desc"));
			json_object_put(ret);
			return -1;
		}
		json_object_put(ret);
		if (vm_interrupted)
			return -1;
		if (now_monotonic() > deadline) {
			sb_printf(why, "the migration did not complete within %.0f s "
				       "(state '%s')", timeout, st);
			return -1;
		}
		pause_for(s, MIG_POLL);
	}
}

/* Until the incoming migration of s has loaded: 0; -1 with why. */
static int wait_incoming(struct side *s, double timeout, struct strbuf *why)
{
	double deadline = now_monotonic() + timeout;

	for (;;) {
		json_object *ret = NULL;
		const char *st;

		if (call(s, "query-status", NULL, &ret, why))
			return -1;
		st = member(ret, "status");
		if (strcmp(st, "inmigrate")) {
			int ok = !strcmp(st, "paused");

			if (!ok)
				sb_printf(why, "after loading, the state is '%s', "
					       "not 'paused'", st);
			json_object_put(ret);
			return ok ? 0 : -1;
		}
		json_object_put(ret);
		if (vm_interrupted)
			return -1;
		if (now_monotonic() > deadline) {
			sb_printf(why, "the state did not load within %.0f s", timeout);
			return -1;
		}
		pause_for(s, MIG_POLL);
	}
}

/* The reason of a failed step on s: QEMU's own words when it ended. */
static void step_failed(struct side *s, struct result *r, const char *what,
			struct strbuf *why)
{
	r->status = RUN_FAIL;
	sb_printf(&r->reason, "%s: ", what);
	if (!command_running(&s->p.cmd) || !s->p.cmd.output.len)
		command_pump(&s->p.cmd, 0.2);
	if (s->p.cmd.output.len && (!command_running(&s->p.cmd) || !why->len)) {
		mig_qemu_words(s->p.cmd.output.buf, &r->reason);
		return;
	}
	if (why->len) {
		sb_puts(&r->reason, why->buf);
	} else if (!command_running(&s->p.cmd)) {
		struct strbuf how = STRBUF_INIT;

		command_wait(&s->p.cmd, 5);
		command_describe(&s->p.cmd, &how);
		sb_printf(&r->reason, "QEMU %s without a word", how.buf);
		strbuf_release(&how);
	} else {
		sb_puts(&r->reason, "QEMU runs on but said nothing");
	}
}

/* The state file of file mode, and the socket of live mode. */
static char *job_path(const struct mig_env *env, const char *name)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/%s", env->rundir, name);
	return strbuf_detach(&p);
}

/* A path QEMU's exec: transport hands to /bin/sh: ours, and plain. */
static int shell_safe(const char *path)
{
	return path[strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789/._-")] == '\0';
}

/*
 * migrate (or migrate-incoming) to path, with file: where the QEMU has
 * it and exec: with cat where it does not. The transport into *used.
 */
static int file_transport(struct side *s, const char *cmd, const char *path,
			  const char **used, struct strbuf *why)
{
	struct strbuf uri = STRBUF_INIT;
	int rc;

	sb_printf(&uri, "file:%s", path);
	*used = "file";
	rc = call(s, cmd, uri_args(uri.buf), NULL, why);
	if (rc == QMP_ERR && unknown_protocol(why->buf)) {
		strbuf_reset(why);
		strbuf_reset(&uri);
		if (!shell_safe(path)) {
			sb_printf(why, "'%s' is not a path to hand to exec:", path);
			strbuf_release(&uri);
			return -1;
		}
		sb_printf(&uri, !strcmp(cmd, "migrate") ? "exec:cat > %s" : "exec:cat %s",
			  path);
		*used = "exec";
		rc = call(s, cmd, uri_args(uri.buf), NULL, why);
	}
	strbuf_release(&uri);
	return rc ? -1 : 0;
}

/* Boots the source and waits for its guest; -1 with src->r decided. */
static int source_boot(const struct mig_job *j, const struct mig_env *env,
		       struct side *s, struct mig_source *src)
{
	struct result *r = &src->r;
	struct strvec args = STRVEC_INIT;
	char *sock = job_path(env, "src.sock");
	enum console_wait w;
	int ret = -1;

	mig_guest_args(j, env, sock, &args);
	if (env->src_extra)
		strvec_pushv(&args, env->src_extra);
	if (side_start(s, j->src->binary, &args, sock, r)) {
		r->status = RUN_ERROR;
		goto out;
	}
	w = console_wait(&s->con, &s->p.cmd, MIG_READY, (double)env->timeout);
	if (w == CONSOLE_INTERRUPTED)
		goto out;
	if (w != CONSOLE_SEEN && w != CONSOLE_TIMEOUT)
		command_pump(&s->p.cmd, 0.2);
	ret = mig_source_verdict(w, s->con.log.buf, env->timeout, s->p.cmd.output.buf, r);
out:
	strvec_clear(&args);
	free(sock);
	return ret;
}

/* File mode: the source stopped and saved to path; -1 with src->r decided. */
static int source_save(struct side *s, const char *path, struct mig_source *src)
{
	struct strbuf why = STRBUF_INIT;
	int ret = -1;

	if (call(s, "stop", NULL, NULL, &why) ||
	    file_transport(s, "migrate", path, &src->transport, &why) ||
	    wait_outgoing(s, MIG_XFER_TIMEOUT, &why)) {
		if (!vm_interrupted) {
			step_failed(s, &src->r, "saving the state on the source", &why);
			src->r.status = RUN_ERROR;
		}
	} else {
		ret = 0;
	}
	strbuf_release(&why);
	return ret;
}

/*
 * The guest's proof on the destination d, after its state loaded: it
 * runs on, is asked over its console, and answers with its checks.
 */
static void dest_prove(struct side *d, struct result *r)
{
	struct strbuf why = STRBUF_INIT;
	enum console_wait w;
	size_t mark;

	if (call(d, "cont", NULL, NULL, &why)) {
		step_failed(d, r, "resuming the guest on the destination", &why);
		goto out;
	}
	mark = d->con.log.len;
	d->con.from = mark;
	if (console_send(&d->con, MIG_CHECK_CMD)) {
		step_failed(d, r, "the destination's console is gone", &why);
		goto out;
	}
	w = console_wait(&d->con, &d->p.cmd, GUEST_END " ", MIG_PROOF_TIMEOUT);
	if (w == CONSOLE_INTERRUPTED)
		goto out;
	if (mig_dest_verdict(w, d->con.log.buf + (mark < d->con.log.len ? mark : d->con.log.len),
			     r) && w != CONSOLE_INTERRUPTED)
		step_failed(d, r, "QEMU ended after the switch", &why);
out:
	strbuf_release(&why);
}

/*
 * One destination: started to take the state, loaded, proven. In file
 * mode from path; in live mode from the running source s over the
 * socket at path. r gets the verdict, *transport the destination's.
 */
static void dest_run(const struct mig_job *j, const struct mig_env *env,
		     const struct mig_qemu *b, struct side *s, const char *path,
		     struct mig_source *src, struct result *r, const char **transport)
{
	struct strvec args = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, uri = STRBUF_INIT;
	char *sock = job_path(env, "dst.sock");
	struct side d;
	double t0 = now_monotonic();

	mig_guest_args(j, env, sock, &args);
	strvec_pushv(&args, (const char *const[]){ "-S", "-incoming", "defer", NULL });
	if (side_start(&d, b->binary, &args, sock, r)) {
		r->status = RUN_FAIL;
		goto out;
	}
	if (j->mode == MIG_FILE) {
		if (file_transport(&d, "migrate-incoming", path, transport, &why)) {
			step_failed(&d, r, "loading the state on the destination", &why);
			goto out;
		}
	} else {
		sb_printf(&uri, "unix:%s", path);
		*transport = "unix";
		if (call(&d, "migrate-incoming", uri_args(uri.buf), NULL, &why)) {
			step_failed(&d, r, "listening for the migration on the "
					   "destination", &why);
			goto out;
		}
		if (call(s, "migrate", uri_args(uri.buf), NULL, &why) ||
		    wait_outgoing(s, MIG_XFER_TIMEOUT, &why)) {
			/*
			 * The destination's words come first: it refused the
			 * stream, and may be a moment from exiting with them.
			 */
			double until = now_monotonic() + MIG_DEST_GRACE;

			while (command_running(&d.p.cmd) && now_monotonic() < until &&
			       !vm_interrupted)
				command_pump(&d.p.cmd, 0.1);
			if (!command_running(&d.p.cmd) || vm_interrupted)
				step_failed(&d, r, "loading the state on the destination",
					    &why);
			else {
				step_failed(s, r, "migrating from the source", &why);
				r->status = RUN_ERROR;
			}
			goto out;
		}
	}
	if (wait_incoming(&d, MIG_XFER_TIMEOUT, &why)) {
		step_failed(&d, r, "loading the state on the destination", &why);
		goto out;
	}
	dest_prove(&d, r);
out:
	side_stop(&d, r);
	r->seconds = now_monotonic() - t0;
	(void)src;
	strvec_clear(&args);
	strbuf_release(&why);
	strbuf_release(&uri);
	free(sock);
}

void mig_source_release(struct mig_source *src)
{
	result_release(&src->r);
}

/* Every destination left without a verdict gets this one. */
static void all_left(const struct mig_job *j, struct result *res, enum run_status st,
		     const char *why)
{
	for (size_t i = 0; i < j->ndsts; i++)
		if (res[i].status == RUN_STATUS_NONE) {
			res[i].status = st;
			sb_puts(&res[i].reason, why);
		}
}

void mig_job_run(const struct mig_job *j, const struct mig_env *env,
		 struct mig_source *src, struct result *res,
		 const char **dst_transport)
{
	char *path = job_path(env, j->mode == MIG_FILE ? "state" : "live.sock");
	struct side s;
	double t0 = now_monotonic();
	int up;

	result_init(&src->r);
	src->transport = j->mode == MIG_FILE ? NULL : "unix";
	for (size_t i = 0; i < j->ndsts; i++) {
		result_init(&res[i]);
		dst_transport[i] = NULL;
	}
	up = !source_boot(j, env, &s, src);
	if (up && j->mode == MIG_LIVE) {
		struct strbuf why = STRBUF_INIT;
		json_object *a = json_object_new_object();

		/* The default cap (32 MiB/s before QEMU 8.0) would not let a busy guest converge. */
		json_object_object_add(a, "max-bandwidth", json_object_new_int64(1LL << 30));
		if (call(&s, "migrate-set-parameters", a, NULL, &why)) {
			step_failed(&s, &src->r, "setting the migration's bandwidth", &why);
			src->r.status = RUN_ERROR;
			up = 0;
		}
		strbuf_release(&why);
	}
	if (up && j->mode == MIG_FILE) {
		up = !source_save(&s, path, src);
		src->seconds = now_monotonic() - t0;
		side_stop(&s, &src->r);
	} else {
		src->seconds = now_monotonic() - t0;
	}
	if (!up) {
		if (!vm_interrupted) {
			struct strbuf why = STRBUF_INIT;

			sb_printf(&why, "on the source: %s", src->r.reason.buf);
			all_left(j, res, RUN_ERROR, why.buf);
			strbuf_release(&why);
		}
		goto out;
	}
	for (size_t i = 0; i < j->ndsts && !vm_interrupted; i++) {
		struct strbuf why = STRBUF_INIT;

		if (j->mode == MIG_LIVE && i > 0 &&
		    call(&s, "cont", NULL, NULL, &why)) {
			sb_printf(&src->r.reason, "resuming the source: %s", why.buf);
			strbuf_release(&why);
			strbuf_reset(&why);
			sb_printf(&why, "on the source: %s", src->r.reason.buf);
			all_left(j, res, RUN_ERROR, why.buf);
			strbuf_release(&why);
			break;
		}
		strbuf_release(&why);
		dest_run(j, env, j->dsts[i], &s, path, src, &res[i], &dst_transport[i]);
		if (i == 0 && res[0].status != RUN_PASS && !vm_interrupted) {
			/* The control failed: nothing else says anything about compatibility. */
			strbuf_reset(&why);
			sb_printf(&why, "the control (QEMU %s to itself) failed: %s",
				  j->src->version, res[0].reason.buf);
			res[0].status = RUN_STATUS_NONE;
			strbuf_reset(&res[0].reason);
			all_left(j, res, RUN_ERROR, why.buf);
			strbuf_release(&why);
			break;
		}
	}
	if (j->mode == MIG_LIVE)
		side_stop(&s, &src->r);
out:
	side_stop(&s, &src->r);
	unlink(path);
	free(path);
}
