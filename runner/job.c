/*
 * The job engine (job.h). A job runs in a forked worker: it opens the
 * store, loads the scenario, skips what the sweep has already recorded,
 * takes the scenario's notes and skips what the runner cannot run yet
 * (several VMs, VFs beyond the lab's), finds the QEMU's probe record,
 * refuses by rule what a component does not support, makes a run
 * directory, and hands the job to the first backend of run_backends
 * (backends.c) that applies. Whatever the backend left in the result is
 * then recorded in `runs` and printed as one line. Everything a job
 * starts lives in its run directory and its own process groups, and is
 * gone when the job ends, however it ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "backend.h"
#include "binaries.h"
#include "fs.h"
#include "initramfs.h"
#include "sha256.h"
#include "store.h"
#include "support.h"
#include "banned.h"

static int record(struct store *st, const struct job_env *env, const struct job *j,
		  const char *sha, const char *scn, const struct result *r)
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
		.argv = json_plain(argv),
		.notes = json_plain(notes),
		.checks = json_plain(r->checks),
		.exited = r->exited,
		.exit_status = r->exit_status,
		.signal = r->signal,
		.stderr_text = r->stderr_text.len ? r->stderr_text.buf : NULL,
		.serial = r->serial.len ? r->serial.buf : NULL,
		.backend = r->backend.len ? r->backend.buf : NULL,
		.domain_xml = r->domain_xml,
		.native = r->native,
		.sweep = env->sweep_id,
	};
	int ret = runs_insert(st, &row);

	json_object_put(argv);
	json_object_put(notes);
	return ret;
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

/* What job_run holds; job_state_release frees it. */
struct job_state {
	struct store st;
	int st_open;
	struct scenario s;
	struct result r;
	struct map_caps caps;
	char *sha, *kver, *kernel, *tmpl, *rundir;
};

static void job_state_release(struct job_state *js)
{
	if (js->rundir && remove_tree(js->rundir))
		warning("cannot remove '%s'", js->rundir);
	if (js->st_open)
		store_close(&js->st);
	scenario_release(&js->s);
	result_release(&js->r);
	free(js->sha);
	free(js->kver);
	free(js->kernel);
	free(js->tmpl);
}

static const char *scenario_name(const struct job_state *js, const struct job *j)
{
	return js->s.name ? js->s.name : j->scenario_path;
}

/* The scenario of j into s: a DTS cfg, or a user's XML named after its file. */
static int load_scenario(const struct job *j, struct scenario *s)
{
	const char *base;

	if (!job_is_user_xml(j))
		return scenario_load(s, j->scenario_path);
	base = strrchr(j->scenario_path, '/');
	base = base ? base + 1 : j->scenario_path;
	s->name = xstrndup(base, strlen(base) - 4);
	return 0;
}

/*
 * 1 when the sweep has already recorded this job (*ret: its exit, as
 * job_run's), 0 when it is to run, -1 after reporting.
 */
static int already_recorded(const struct job_env *env, struct job_state *js,
			    const struct job *j, int *ret)
{
	enum run_status prev;
	int done;

	if (!js->sha || !env->sweep_id)
		return 0;
	done = runs_status_in_sweep(&js->st, env->sweep_id, j->qemu->version,
				    j->libvirt ? j->libvirt->version : NULL,
				    scenario_name(js, j), js->sha, &prev);
	if (done <= 0)
		return done;
	info("%-14s %-12s %-16s %-4s (already recorded in this sweep)",
	     j->qemu->version, j->libvirt ? j->libvirt->version : "-",
	     js->s.name ? js->s.name : "?", run_status_to_string(prev));
	*ret = run_status_is_failure(prev);
	return 1;
}

/*
 * The QEMU's probe record (for the mapper) and accelerator, found and
 * never probed: cmd_run probed what was missing before the workers
 * started. -1 with the run's error when there is none.
 */
static int find_record(struct job_state *js, const struct job *j)
{
	struct result *r = &js->r;
	long long id = 0;
	int rc = binary_find(&js->st, j->qemu->binary_path, &id);

	if (!rc && map_caps_load(&js->st, id, &js->caps))
		rc = -1;
	if (rc) {
		r->status = RUN_ERROR;
		if (rc > 0)
			sb_printf(&r->reason, "QEMU %s was not probed: run 'virt-matrix probe'",
				  j->qemu->version);
		else
			sb_printf(&r->reason, "no capability record of QEMU %s",
				  j->qemu->version);
		return -1;
	}
	r->accel = binary_accel_usable(&js->st, id, "kvm") > 0 ? "kvm" : "tcg";
	return 0;
}

/*
 * The host of the scenario's passthrough device into *host (NULL: none);
 * -1 with the run's error when it has several (the lab VM has one).
 */
static int passthrough_host(const struct scenario *s, const char **host,
			    struct result *r)
{
	const struct scn_vm *vm = s->vms; /* NULL for a domain XML */

	*host = NULL;
	for (size_t i = 0; s->nvms && i < vm->ndevices; i++) {
		const char *h = vm->devices[i].host;

		if (vm->devices[i].kind != DEV_VFIO_PCI &&
		    vm->devices[i].kind != DEV_PCI_ASSIGN)
			continue;
		if (*host && (strcmp(*host, "lab") || strcmp(h, "lab"))) {
			r->status = RUN_ERROR;
			sb_puts(&r->reason, "the runner passes one device per scenario "
					    "through (the lab VM has one)");
			return -1;
		}
		*host = h;
	}
	return 0;
}

/* The run directory and the kernel; -1 with the run's error. */
static int make_rundir(struct job_state *js)
{
	struct strbuf k = STRBUF_INIT;

	js->tmpl = temp_template("run");
	js->rundir = mkdtemp(js->tmpl);
	js->kver = initramfs_default_kver();
	if (!js->rundir || !js->kver) {
		js->r.status = RUN_ERROR;
		sb_puts(&js->r.reason, !js->rundir ? "cannot create a run directory"
						   : "no kernel with modules under /boot");
		return -1;
	}
	sb_printf(&k, "/boot/vmlinuz-%s", js->kver);
	js->kernel = strbuf_detach(&k);
	return 0;
}

/* The first backend of the table that applies runs the job. */
static void dispatch(struct run_ctx *x)
{
	for (size_t i = 0; i < run_backends_nr; i++)
		if (run_backends[i]->applies(x)) {
			run_backends[i]->run(x);
			return;
		}
	x->r->status = RUN_ERROR;
	sb_puts(&x->r->reason, "no backend runs this job");
}

/*
 * The scenario's notes into the run's; a scenario the runner cannot run
 * yet (several VMs, more VFs than the lab's igb has) is skipped, saying
 * why. -1 then.
 */
static int scenario_notes_or_skip(struct job_state *js, const struct job *j)
{
	scenario_notes(&js->s, &js->r.notes);
	if (job_is_user_xml(j) || !scenario_runnable(&js->s, &js->r.reason))
		return 0;
	js->r.status = RUN_SKIP;
	return -1;
}

/* Everything before a backend runs; -1 when the result is already decided. */
static int prepare(const struct job_env *env, struct job_state *js,
		   const struct job *j, struct run_ctx *x)
{
	if (scenario_notes_or_skip(js, j) || find_record(js, j))
		return -1;
	if (j->libvirt) {
		char *e = daemon_error(&js->st, j);
		int u = unsupported(e, j, &js->r);

		free(e);
		if (u)
			return -1;
	}
	memset(x, 0, sizeof(*x));
	if (passthrough_host(&js->s, &x->pt_host, &js->r) || make_rundir(js))
		return -1;
	x->j = j;
	x->s = &js->s;
	x->caps = &js->caps;
	x->kver = js->kver;
	x->kernel = js->kernel;
	x->rundir = js->rundir;
	x->timeout = env->timeout;
	x->st = &js->st;
	x->r = &js->r;
	return 0;
}

/* The verdict refined, recorded and printed: job_run's return. */
static int finish(const struct job_env *env, struct job_state *js,
		  const struct job *j, double t0)
{
	struct result *r = &js->r;
	int ret;

	if (js->rundir && remove_tree(js->rundir))
		warning("cannot remove '%s'", js->rundir);
	js->rundir = NULL;
	r->seconds = now_monotonic() - t0;
	if (j->libvirt && r->reason.len && strstr(r->reason.buf, "cause is unknown"))
		daemon_said(&js->st, j, &r->reason);
	if (j->libvirt && r->status != RUN_STATUS_NONE &&
	    run_status_is_failure(r->status) && r->reason.len) {
		char *why = xstrdup(r->reason.buf);

		unsupported(why, j, r);
		free(why);
	}
	if (r->status == RUN_STATUS_NONE || vm_interrupted)
		return -1;
	ret = record(&js->st, env, j, js->sha ? js->sha : "", scenario_name(js, j), r);
	info("%-14s %-12s %-16s %-4s %s%s%s (%.1fs)", j->qemu->version,
	     j->libvirt ? j->libvirt->version : "-", js->s.name ? js->s.name : "?",
	     run_status_to_string(r->status), r->accel, r->reason.len ? ": " : "",
	     r->reason.len ? r->reason.buf : "", r->seconds);
	if (!ret && run_status_is_failure(r->status))
		ret = 1;
	return ret;
}

static char *scenario_sha(const char *path)
{
	char sha[SHA256_HEX_LEN + 1];

	if (sha256_file(path, sha))
		return NULL;
	return xstrdup(sha);
}

int job_run(const struct job_env *env, const struct job *j)
{
	struct job_state js;
	struct run_ctx x;
	double t0 = now_monotonic();
	int ret = -1;

	memset(&js, 0, sizeof(js));
	result_init(&js.r);
	if (store_open(&js.st, env->db))
		goto out;
	js.st_open = 1;
	if (load_scenario(j, &js.s))
		goto out;
	js.sha = scenario_sha(j->scenario_path);
	if (already_recorded(env, &js, j, &ret))
		goto out;
	if (!prepare(env, &js, j, &x))
		dispatch(&x);
	ret = finish(env, &js, j, t0);
out:
	job_state_release(&js);
	return ret;
}
