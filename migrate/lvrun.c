/*
 * The migrations through libvirt (lvrun.h): the daemons, the rounds of
 * controls, the pairs, and their rows. Each job runs in a forked worker
 * (lib/workers.h) and writes its verdict into a shared page as well as
 * the store, so that the next round is decided without reading back.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lvrun.h"
#include "fs.h"
#include "libvirtd.h"
#include "lvmig.h"
#include "lvplan.h"
#include "migrow.h"
#include "store.h"
#include "version.h"
#include "workers.h"
#include "banned.h"

/* One job of a batch: from (l1, q1) to (l2, q2), a control when equal. */
struct lv_job {
	const char *machine;
	size_t l1, q1, l2, q2;
};

struct lv_env {
	const struct lv_run_in *in;
	struct install *lvs;	   /* the chosen libvirts, newest first */
	size_t nlvs;
	struct libvirtd *daemons; /* [2l]: sources, [2l + 1]: destinations */
	int *up;		   /* per libvirt: both daemons answer */
	struct lv_plan plan;
	const struct lv_job *batch;
	enum run_status *verdicts; /* shared with the workers: one per batch job */
};

static int newest_first(const void *a, const void *b)
{
	const struct install *x = a, *y = b;

	return version_strcmp(y->version, x->version);
}

/* The chosen libvirt installs into e, newest first: 0, or -1 reported. */
static int load_libvirts(struct lv_env *e)
{
	const struct strvec *want = e->in->libvirts;
	struct install *all = NULL;
	size_t n = 0;
	struct store st;
	int ret = -1;

	if (store_open(&st, e->in->db))
		return -1;
	if (installs_list(&st, "libvirt", &all, &n))
		goto out;
	for (size_t w = 0; w < want->nr; w++) {
		size_t i;

		for (i = 0; i < n && strcmp(all[i].version, want->v[w]); i++)
			;
		if (i == n) {
			error("no libvirt install '%s' (see 'virt-matrix ark list')",
			      want->v[w]);
			goto out;
		}
	}
	e->lvs = xcalloc(n + 1, sizeof(*e->lvs));
	for (size_t i = 0; i < n; i++) {
		int chosen = !want->nr;

		for (size_t w = 0; w < want->nr && !chosen; w++)
			chosen = !strcmp(all[i].version, want->v[w]);
		if (chosen) {
			e->lvs[e->nlvs++] = all[i];
			memset(&all[i], 0, sizeof(all[i]));
		}
	}
	sort_array(e->lvs, e->nlvs, sizeof(*e->lvs), newest_first);
	ret = e->nlvs ? 0 : error("the store has no libvirt install to migrate through");
out:
	installs_free(all, n);
	store_close(&st);
	return ret;
}

/* Two daemons per libvirt a control needs, each with its own host UUID. */
static void start_daemons(struct lv_env *e)
{
	e->daemons = xcalloc(2 * e->nlvs, sizeof(*e->daemons));
	e->up = xcalloc(e->nlvs, sizeof(*e->up));
	for (size_t l = 0; l < e->nlvs && !vm_interrupted; l++) {
		int used = 0;

		for (size_t c = 0; c < e->plan.ncontrols && !used; c++)
			used = e->plan.controls[c].l == l;
		if (!used)
			continue;
		info("starting two daemons of libvirt %s", e->lvs[l].version);
		e->up[l] = 1;
		for (size_t k = 0; k < 2 && e->up[l]; k++) {
			char uuid[40];

			snprintf(uuid, sizeof(uuid), "5c0e7a11-0000-4000-8000-%012zx",
				 2 * l + k + 1);
			if (libvirtd_start_as(&e->daemons[2 * l + k], &e->lvs[l], uuid, 60)) {
				e->up[l] = 0;
				break;
			}
			/* Workers connect on their own after fork. */
			virConnectClose(e->daemons[2 * l + k].conn);
			e->daemons[2 * l + k].conn = NULL;
		}
	}
}

static void stop_daemons(struct lv_env *e)
{
	for (size_t i = 0; e->daemons && i < 2 * e->nlvs; i++)
		if (e->daemons[i].uri) {
			libvirtd_leftovers(e->daemons[i].uri);
			libvirtd_stop(&e->daemons[i]);
		}
	free(e->daemons);
	free(e->up);
}

static const struct mig_plan_qemu *qemu_of(const struct lv_env *e, size_t q)
{
	return &e->in->qp->qemus[q];
}

/* The row of job j as far as the plan says it. */
static struct mig_row row_of(const struct lv_env *e, const struct lv_job *j,
			     enum run_status status, const char *reason)
{
	const struct mig_plan_qemu *A = qemu_of(e, j->q1), *B = qemu_of(e, j->q2);

	return (struct mig_row){
		.machine = j->machine,
		.mode = MIG_LIBVIRT,
		.src_libvirt = e->lvs[j->l1].version,
		.dst_libvirt = e->lvs[j->l2].version,
		.src_qemu = A->version,
		.src_sha256 = A->sha256,
		.dst_qemu = B->version,
		.dst_sha256 = B->sha256,
		.status = status,
		.side = MIG_SIDE_NONE,
		.reason = reason,
		.sweep = e->in->sweep,
	};
}

/*
 * A row without a job: a pair that cannot run, with why. An end that no
 * libvirt runs is named with the newest libvirt, the first one tried.
 */
static int record_unrun(const struct lv_env *e, const struct lv_job *j,
			enum run_status status, const char *reason)
{
	struct mig_row row = row_of(e, j, status, reason);
	struct store st;
	int ret, failed;

	if (store_open(&st, e->in->db))
		return -1;
	/* Resumed: recorded once is enough. */
	ret = e->in->sweep ? migrations_recorded_one(&st, e->in->sweep, j->machine,
						     MIG_LIBVIRT, row.src_libvirt, row.src_qemu,
						     row.dst_libvirt, row.dst_qemu, &failed)
			   : 0;
	if (!ret)
		ret = migrations_insert(&st, &row);
	store_close(&st);
	if (ret)
		return ret < 0 ? -1 : 0;
	info("%s/%s -> %s/%s %-16s libvirt %s: %s", row.src_libvirt, row.src_qemu,
	     row.dst_libvirt, row.dst_qemu, j->machine, run_status_to_string(status), reason);
	return ret;
}

/* Records job j's result; 0, or -1 after reporting. */
static int record_job(struct store *st, const struct lv_env *e, const struct lv_job *j,
		      const struct mig_source *src, const struct result *dst,
		      enum mig_side side)
{
	struct mig_row_texts t;
	struct mig_row row = row_of(e, j, dst->status, dst->reason.len ? dst->reason.buf : NULL);
	int ret;

	row.side = dst->status == RUN_PASS ? MIG_SIDE_NONE : side;
	row.seconds = dst->seconds;
	row.src_seconds = src->seconds;
	row.src_transport = src->transport;
	row.dst_transport = "unix";

	mig_row_texts(&row, &t, &src->r, dst);
	ret = migrations_insert(st, &row);
	mig_row_texts_release(&t);
	return ret;
}

/* One job, in a worker. */
static int run_one(size_t i, void *arg)
{
	struct lv_env *e = arg;
	const struct lv_job *j = &e->batch[i];
	const struct libvirtd *sd = &e->daemons[2 * j->l1], *dd = &e->daemons[2 * j->l2 + 1];
	struct lvmig_end se = { e->lvs[j->l1].version, sd->uri, sd->run_dir, sd->log_dir,
				&qemu_of(e, j->q1)->q };
	struct lvmig_end de = { e->lvs[j->l2].version, dd->uri, dd->run_dir, dd->log_dir,
				&qemu_of(e, j->q2)->q };
	struct lvmig_job job = { j->machine, &se, &de };
	struct mig_source src;
	struct result dst;
	enum mig_side side;
	int done = 0, failed = 0;
	struct store st;
	char *tmpl = temp_template("migrate"), *dir;
	int ret = -1;

	if (store_open(&st, e->in->db))
		goto free_out;
	if (e->in->sweep)
		done = migrations_recorded_one(&st, e->in->sweep, j->machine, MIG_LIBVIRT,
					       se.libvirt, se.qemu->version, de.libvirt,
					       de.qemu->version, &failed);
	if (done < 0)
		goto close_out;
	if (done) {
		/*
		 * Resumed: what counts for the rounds is whether it passed.
		 * (A control libvirt refused by rule is taken as passed: the
		 * pairs that then start from it are refused the same way.)
		 */
		info("%s/%s -> %s/%s %-16s (already recorded in this sweep)", se.libvirt,
		     se.qemu->version, de.libvirt, de.qemu->version, j->machine);
		e->verdicts[i] = failed ? RUN_FAIL : RUN_PASS;
		ret = failed;
		goto close_out;
	}
	dir = mkdtemp(tmpl);
	if (!dir) {
		error_errno("cannot create a directory '%s' for a migration", tmpl);
		goto close_out;
	}
	{
		struct mig_env env = { .kernel = e->in->files->kernel,
				       .initrd = e->in->files->initrd,
				       .image = e->in->files->image, .rundir = dir,
				       .timeout = e->in->timeout };

		lvmig_job_run(&job, &env, &src, &dst, &side);
	}
	if (remove_tree(dir))
		warning("cannot remove '%s'", dir);
	if (!vm_interrupted && dst.status != RUN_STATUS_NONE) {
		ret = record_job(&st, e, j, &src, &dst, side);
		e->verdicts[i] = dst.status;
		info("%s/%s -> %s/%s %-16s libvirt %-4s%s%s (%.1fs + %.1fs)", se.libvirt,
		     se.qemu->version, de.libvirt, de.qemu->version, j->machine,
		     run_status_to_string(dst.status), dst.reason.len ? ": " : "",
		     dst.reason.buf, src.seconds, dst.seconds);
		if (!ret && run_status_is_failure(dst.status))
			ret = 1;
	}
	mig_source_release(&src);
	result_release(&dst);
close_out:
	store_close(&st);
free_out:
	free(tmpl);
	return ret;
}

/* Runs jobs[0..n) in workers; the verdicts into verdicts. Failures counted. */
static size_t run_batch(struct lv_env *e, const struct lv_job *jobs, size_t n,
			enum run_status *verdicts)
{
	size_t failed;

	if (!n)
		return 0;
	e->verdicts = mmap(NULL, n * sizeof(*e->verdicts), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (e->verdicts == MAP_FAILED) {
		error_errno("cannot map the verdicts of %zu migrations", n);
		e->verdicts = NULL;
		/* Not run: no verdict, which the controls' rounds take as an error. */
		for (size_t i = 0; i < n; i++)
			verdicts[i] = RUN_STATUS_LAST;
		return n;
	}
	for (size_t i = 0; i < n; i++)
		e->verdicts[i] = RUN_STATUS_LAST;
	e->batch = jobs;
	failed = workers_run(n, e->in->njobs, NULL, run_one, e);
	memcpy(verdicts, e->verdicts, n * sizeof(*verdicts));
	munmap(e->verdicts, n * sizeof(*e->verdicts));
	e->verdicts = NULL;
	return failed;
}

/* The controls, in rounds; failures counted. */
static size_t run_controls(struct lv_env *e)
{
	size_t *idx = xcalloc(e->plan.ncontrols + 1, sizeof(*idx)), n, failed = 0;
	struct lv_job *jobs = xcalloc(e->plan.ncontrols + 1, sizeof(*jobs));
	enum run_status *v = xcalloc(e->plan.ncontrols + 1, sizeof(*v));

	while (!vm_interrupted && (n = lv_plan_due(&e->plan, idx))) {
		size_t nj = 0;

		for (size_t i = 0; i < n; i++) {
			struct lv_control *c = &e->plan.controls[idx[i]];

			if (!e->up[c->l]) {
				struct lv_job j = { c->machine, c->l, c->q, c->l, c->q };
				struct strbuf why = STRBUF_INIT;

				sb_printf(&why, "the daemons of libvirt %s did not start",
					  e->lvs[c->l].version);
				(void)record_unrun(e, &j, RUN_ERROR, why.buf);
				strbuf_release(&why);
				c->status = RUN_ERROR;
				failed++;
				continue;
			}
			jobs[nj++] = (struct lv_job){ c->machine, c->l, c->q, c->l, c->q };
		}
		failed += run_batch(e, jobs, nj, v);
		for (size_t i = 0, k = 0; i < n && !vm_interrupted; i++) {
			struct lv_control *c = &e->plan.controls[idx[i]];

			if (c->status != RUN_STATUS_LAST)
				continue;
			/* A control left without a verdict (its worker died) erred. */
			c->status = v[k] == RUN_STATUS_LAST ? RUN_ERROR : v[k];
			k++;
		}
	}
	free(idx);
	free(jobs);
	free(v);
	return failed;
}

/* Why an end (q, machine) has no libvirt: each control's verdict. */
static enum run_status no_side(const struct lv_env *e, size_t q, const char *machine,
			       struct strbuf *why)
{
	int all_unsupported = 1;

	sb_printf(why, "no chosen libvirt runs QEMU %s's guest of %s (controls:",
		  qemu_of(e, q)->version, machine);
	for (size_t l = 0; l < e->nlvs; l++) {
		const struct lv_control *c = lv_plan_control(&e->plan, l, q, machine);

		if (!c)
			continue;
		sb_printf(why, " %s %s", e->lvs[l].version, run_status_to_string(c->status));
		all_unsupported &= c->status == RUN_UNSUPPORTED;
	}
	sb_puts(why, ")");
	return all_unsupported ? RUN_UNSUPPORTED : RUN_SKIP;
}

/* The pairs whose ends run; the others recorded as not run. Failures counted. */
static size_t run_pairs(struct lv_env *e)
{
	struct lv_job *jobs = xcalloc(e->plan.npairs + 1, sizeof(*jobs));
	enum run_status *v = xcalloc(e->plan.npairs + 1, sizeof(*v));
	size_t nj = 0, failed = 0;

	for (size_t i = 0; i < e->plan.npairs && !vm_interrupted; i++) {
		const struct lv_pair *p = &e->plan.pairs[i];
		struct lv_job j = { p->machine, p->l1, p->a, p->l2, p->b };
		struct strbuf why = STRBUF_INIT;
		enum run_status st = RUN_STATUS_LAST;

		if (p->a != p->b) {
			long l1 = lv_plan_side(&e->plan, e->nlvs, p->a, p->machine);
			long l2 = lv_plan_side(&e->plan, e->nlvs, p->b, p->machine);

			if (l1 < 0 || l2 < 0)
				st = no_side(e, l1 < 0 ? p->a : p->b, p->machine, &why);
			j.l1 = l1 < 0 ? 0 : (size_t)l1;
			j.l2 = l2 < 0 ? 0 : (size_t)l2;
		} else {
			for (int k = 0; k < 2 && st == RUN_STATUS_LAST; k++) {
				size_t l = k ? p->l2 : p->l1;
				const struct lv_control *c =
					lv_plan_control(&e->plan, l, p->a, p->machine);

				if (c && c->status != RUN_PASS) {
					st = c->status == RUN_UNSUPPORTED ? RUN_UNSUPPORTED
									  : RUN_SKIP;
					sb_printf(&why, "the control of libvirt %s with QEMU %s "
						  "did not pass (%s)", e->lvs[l].version,
						  qemu_of(e, p->a)->version,
						  run_status_to_string(c->status));
				}
			}
		}
		if (st != RUN_STATUS_LAST)
			(void)record_unrun(e, &j, st, why.buf);
		else
			jobs[nj++] = j;
		strbuf_release(&why);
	}
	failed = run_batch(e, jobs, nj, v);
	free(jobs);
	free(v);
	return failed;
}

int lv_run(const struct lv_run_in *in)
{
	struct lv_env e = { .in = in };
	size_t failed;

	if (load_libvirts(&e))
		return 1;
	lv_plan_build(in->qp, e.nlvs, in->machines, in->from, in->to, in->shard, &e.plan);
	if (!e.plan.npairs) {
		error("nothing to migrate through libvirt: %zu QEMU%s and %zu libvirt%s "
		      "with no machine type to share%s",
		      in->qp->nqemus, in->qp->nqemus == 1 ? "" : "s", e.nlvs,
		      e.nlvs == 1 ? "" : "s",
		      in->machines->nr ? " that the patterns allow" : "");
		lv_plan_release(&e.plan);
		installs_free(e.lvs, e.nlvs);
		return 1;
	}
	info("%zu pair%s through libvirt (%zu of %zu in this shard) and up to %zu "
	     "controls, %ld at a time",
	     e.plan.npairs, e.plan.npairs == 1 ? "" : "s", e.plan.npairs, e.plan.total,
	     e.plan.ncontrols, in->njobs);
	start_daemons(&e);
	failed = run_controls(&e);
	if (!vm_interrupted)
		failed += run_pairs(&e);
	stop_daemons(&e);
	lv_plan_release(&e.plan);
	installs_free(e.lvs, e.nlvs);
	return vm_interrupted ? 130 : failed ? 1 : 0;
}
