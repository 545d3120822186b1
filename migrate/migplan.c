/*
 * The plan of `virt-matrix migrate` (migplan.h), from the store.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "migplan.h"
#include "abi.h"
#include "binaries.h"
#include "version.h"
#include "banned.h"

static int by_version(const void *a, const void *b)
{
	const struct mig_plan_qemu *x = a, *y = b;

	return version_strcmp(x->version, y->version);
}

static int wanted(const struct strvec *want, const char *v)
{
	for (size_t i = 0; i < want->nr; i++)
		if (!strcmp(want->v[i], v))
			return 1;
	return !want->nr;
}

static int machine_allowed(const struct strvec *pats, const char *m)
{
	for (size_t i = 0; i < pats->nr; i++)
		if (!fnmatch(pats->v[i], m, 0))
			return 1;
	return !pats->nr;
}

/* The sha256 and versioned machine types of record id into q. */
static int load_record(struct store *st, long long id, struct mig_plan_qemu *q)
{
	auto_stmt *s = NULL;
	int rc;

	if (store_prepare(st, &s, "SELECT sha256 FROM binaries WHERE id = ?"))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		struct strbuf why = STRBUF_INIT;
		int ret;

		sb_printf(&why, "cannot read the probe record of QEMU %s", q->version);
		ret = store_error(st, why.buf);
		strbuf_release(&why);
		return ret;
	}
	q->sha256 = store_column_strdup(s, 0);
	store_stmt_cleanup(&s);
	if (store_prepare(st, &s, "SELECT name FROM machine_types WHERE binary = ?"
				  " ORDER BY name"))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);

		if (name && abi_is_versioned(name))
			strvec_push(&q->machines, name);
	}
	if (rc != SQLITE_DONE) {
		struct strbuf why = STRBUF_INIT;
		int ret;

		sb_printf(&why, "cannot read the machine types of QEMU %s", q->version);
		ret = store_error(st, why.buf);
		strbuf_release(&why);
		return ret;
	}
	return 0;
}

static int has_machine(const struct mig_plan_qemu *q, const char *m)
{
	for (size_t i = 0; i < q->machines.nr; i++)
		if (!strcmp(q->machines.v[i], m))
			return 1;
	return 0;
}

/* The chosen installs with their records into plan->qemus, in version order. */
static int load_qemus(struct store *st, const struct mig_plan_in *in,
		      struct mig_plan *plan)
{
	struct binary_install *bi = NULL;
	size_t n = 0, alloc = 0;
	int ret = -1;

	if (binary_qemu_installs(st, &bi, &n))
		return -1;
	for (size_t w = 0; w < in->want_qemus->nr; w++) {
		size_t i;

		for (i = 0; i < n && strcmp(bi[i].install, in->want_qemus->v[w]); i++)
			;
		if (i == n) {
			error("no QEMU install '%s' (see 'virt-matrix ark list')",
			      in->want_qemus->v[w]);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct mig_plan_qemu *q;

		if (!wanted(in->want_qemus, bi[i].install))
			continue;
		if (!bi[i].binary) {
			/* Named, it is an error; one of all, it is left out (said). */
			if (in->want_qemus->nr) {
				error("QEMU %s has no complete probe record ('virt-matrix "
				      "probe' says why)", bi[i].install);
				goto out;
			}
			warning("QEMU %s has no complete probe record: left out",
				bi[i].install);
			continue;
		}
		plan->qemus = xgrow(plan->qemus, sizeof(*plan->qemus), plan->nqemus + 1,
				    &alloc);
		q = &plan->qemus[plan->nqemus++];
		memset(q, 0, sizeof(*q));
		q->version = xstrdup(bi[i].install);
		q->binary = xstrdup(bi[i].binary_path);
		if (load_record(st, bi[i].binary, q))
			goto out;
	}
	sort_array(plan->qemus, plan->nqemus, sizeof(*plan->qemus), by_version);
	for (size_t i = 0; i < plan->nqemus; i++) {
		struct mig_plan_qemu *q = &plan->qemus[i];

		q->q.version = q->version;
		q->q.binary = q->binary;
		q->q.sha256 = q->sha256;
	}
	ret = 0;
out:
	binary_installs_free(bi, n);
	return ret;
}

int mig_plan_build(struct store *st, const struct mig_plan_in *in,
		   struct mig_plan *plan)
{
	size_t alloc = 0;

	memset(plan, 0, sizeof(*plan));
	if (load_qemus(st, in, plan))
		return -1;
	for (int e = 0; e < 2; e++) {
		const char *v = e ? in->to : in->from;
		size_t i;

		for (i = 0; v && i < plan->nqemus && strcmp(plan->qemus[i].version, v); i++)
			;
		if (v && i == plan->nqemus)
			return error("--%s %s: no such QEMU install among those chosen",
				     e ? "to" : "from", v);
	}
	for (size_t a = 0; a < plan->nqemus; a++) {
		const struct mig_plan_qemu *A = &plan->qemus[a];
		int named = in->from || in->to;

		if (in->from && strcmp(A->version, in->from))
			continue;
		for (size_t m = 0; m < A->machines.nr; m++) {
			const char *name = A->machines.v[m];
			const struct mig_qemu **d;
			struct mig_job *j;
			size_t nd = 1;

			if (!machine_allowed(in->machines, name))
				continue;
			d = xcalloc(plan->nqemus, sizeof(*d));
			d[0] = &A->q;
			for (size_t b = 0; b < plan->nqemus; b++)
				if (b != a && has_machine(&plan->qemus[b], name) &&
				    (!in->to || !strcmp(plan->qemus[b].version, in->to)))
					d[nd++] = &plan->qemus[b].q;
			if ((nd < 2 && !named) ||
			    (in->to && nd < 2 && strcmp(A->version, in->to)) ||
			    !shard_has(in->shard, plan->total++)) {
				free(d);
				continue;
			}
			plan->jobs = xgrow(plan->jobs, sizeof(*plan->jobs),
					   plan->njobs + 1, &alloc);
			j = &plan->jobs[plan->njobs++];
			memset(j, 0, sizeof(*j));
			j->machine = name;
			j->pcie = strstr(name, "q35") != NULL;
			j->mode = in->mode;
			j->src = &A->q;
			j->dsts = (const struct mig_qemu *const *)d;
			j->ndsts = nd;
		}
	}
	return 0;
}

void mig_plan_release(struct mig_plan *plan)
{
	for (size_t i = 0; i < plan->njobs; i++)
		free((void *)plan->jobs[i].dsts);
	free(plan->jobs);
	for (size_t i = 0; i < plan->nqemus; i++) {
		free(plan->qemus[i].version);
		free(plan->qemus[i].binary);
		free(plan->qemus[i].sha256);
		strvec_clear(&plan->qemus[i].machines);
	}
	free(plan->qemus);
	memset(plan, 0, sizeof(*plan));
}
