/*
 * The plan of the migrations through libvirt (lvplan.h).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "lvplan.h"
#include "version.h"
#include "banned.h"

static int allowed(const struct strvec *pats, const char *m)
{
	for (size_t i = 0; i < pats->nr; i++)
		if (!fnmatch(pats->v[i], m, 0))
			return 1;
	return 0;
}

static int has(const struct mig_plan_qemu *q, const char *m)
{
	for (size_t i = 0; i < q->machines.nr; i++)
		if (!strcmp(q->machines.v[i], m))
			return 1;
	return 0;
}

/* "pc-q35-7.2": the family's length ("pc-q35") and the version ("7.2"). */
static size_t family_len(const char *m)
{
	const char *dash = strrchr(m, '-');

	return dash ? (size_t)(dash - m) : strlen(m);
}

/*
 * Whether machine m of A goes into a pair with B: allowed by the
 * patterns, or (none given) the newest pc-q35 that both have.
 */
static int pair_machine(const struct mig_plan_qemu *A, const struct mig_plan_qemu *B,
			const struct strvec *pats, const char *m)
{
	size_t fl = family_len(m);

	if (!has(B, m))
		return 0;
	if (pats->nr)
		return allowed(pats, m);
	if (fl != strlen("pc-q35") || strncmp(m, "pc-q35", fl))
		return 0;
	for (size_t i = 0; i < A->machines.nr; i++) {
		const char *o = A->machines.v[i];

		if (family_len(o) == fl && !strncmp(o, m, fl) && has(B, o) &&
		    version_strcmp(o + fl + 1, m + fl + 1) > 0)
			return 0;
	}
	return 1;
}

/* Whether machine m of QEMU q is in one of its QEMU pairs. */
static int in_qemu_pair(const struct mig_plan *qp, size_t q, const struct strvec *pats,
			const char *m)
{
	for (size_t o = 0; o < qp->nqemus; o++)
		if (o != q && pair_machine(&qp->qemus[q], &qp->qemus[o], pats, m))
			return 1;
	return 0;
}

/*
 * Whether machine m goes into QEMU q's libvirt pairs: of those its QEMU
 * pairs take (whose controls run anyway), the newest of each family, or
 * all the patterns allow; with q the only QEMU, as for a pair with itself.
 */
static int libvirt_pair_machine(const struct mig_plan *qp, size_t q,
				const struct strvec *pats, const char *m)
{
	const struct mig_plan_qemu *Q = &qp->qemus[q];
	size_t fl = family_len(m);

	if (qp->nqemus == 1)
		return pair_machine(Q, Q, pats, m);
	if (!in_qemu_pair(qp, q, pats, m))
		return 0;
	if (pats->nr)
		return 1;
	for (size_t i = 0; i < Q->machines.nr; i++) {
		const char *o = Q->machines.v[i];

		if (family_len(o) == fl && !strncmp(o, m, fl) &&
		    version_strcmp(o + fl + 1, m + fl + 1) > 0 && in_qemu_pair(qp, q, pats, o))
			return 0;
	}
	return 1;
}

static void add_pair(struct lv_plan *p, size_t *alloc, const struct shard *shard,
		     const struct lv_pair *pair)
{
	if (!shard_has(shard, p->total++))
		return;
	p->pairs = xgrow(p->pairs, sizeof(*p->pairs), p->npairs + 1, alloc);
	p->pairs[p->npairs++] = *pair;
}

static void need_control(struct lv_plan *p, size_t *alloc, size_t l, size_t q,
			 const char *machine, int side_only)
{
	struct lv_control *c = (struct lv_control *)lv_plan_control(p, l, q, machine);

	if (c) {
		c->side_only &= side_only;
		return;
	}
	p->controls = xgrow(p->controls, sizeof(*p->controls), p->ncontrols + 1, alloc);
	p->controls[p->ncontrols++] = (struct lv_control){ machine, l, q, side_only,
							   RUN_STATUS_LAST };
}

void lv_plan_build(const struct mig_plan *qp, size_t nlibvirts,
		   const struct strvec *patterns, const char *from, const char *to,
		   const struct shard *shard, struct lv_plan *out)
{
	size_t pa = 0, ca = 0;

	memset(out, 0, sizeof(*out));
	/* 2. QEMU pairs. */
	for (size_t a = 0; a < qp->nqemus; a++) {
		const struct mig_plan_qemu *A = &qp->qemus[a];

		if (from && strcmp(A->version, from))
			continue;
		for (size_t b = 0; b < qp->nqemus; b++) {
			const struct mig_plan_qemu *B = &qp->qemus[b];

			if (b == a || (to && strcmp(B->version, to)))
				continue;
			for (size_t m = 0; m < A->machines.nr; m++)
				if (pair_machine(A, B, patterns, A->machines.v[m]))
					add_pair(out, &pa, shard,
						 &(struct lv_pair){ A->machines.v[m], a, b, 0, 0 });
		}
	}
	/* 3. libvirt pairs: for each QEMU (the one named, if any). */
	for (size_t q = 0; q < qp->nqemus && nlibvirts > 1; q++) {
		const struct mig_plan_qemu *Q = &qp->qemus[q];

		if ((from && strcmp(Q->version, from)) || (to && strcmp(Q->version, to)))
			continue;
		for (size_t m = 0; m < Q->machines.nr; m++) {
			const char *name = Q->machines.v[m];

			if (!libvirt_pair_machine(qp, q, patterns, name))
				continue;
			for (size_t l = 0; l + 1 < nlibvirts; l++) {
				add_pair(out, &pa, shard,
					 &(struct lv_pair){ name, q, q, l + 1, l });
				add_pair(out, &pa, shard,
					 &(struct lv_pair){ name, q, q, l, l + 1 });
			}
		}
	}
	/* 1. The controls the shard's pairs need. */
	for (size_t i = 0; i < out->npairs; i++) {
		const struct lv_pair *x = &out->pairs[i];

		if (x->a == x->b) {
			need_control(out, &ca, x->l1, x->a, x->machine, 0);
			need_control(out, &ca, x->l2, x->a, x->machine, 0);
			continue;
		}
		for (size_t l = 0; l < nlibvirts; l++) {
			need_control(out, &ca, l, x->a, x->machine, 1);
			need_control(out, &ca, l, x->b, x->machine, 1);
		}
	}
}

void lv_plan_release(struct lv_plan *p)
{
	free(p->pairs);
	free(p->controls);
	memset(p, 0, sizeof(*p));
}

const struct lv_control *lv_plan_control(const struct lv_plan *p, size_t l, size_t q,
					 const char *machine)
{
	for (size_t i = 0; i < p->ncontrols; i++)
		if (p->controls[i].l == l && p->controls[i].q == q &&
		    !strcmp(p->controls[i].machine, machine))
			return &p->controls[i];
	return NULL;
}

size_t lv_plan_due(const struct lv_plan *p, size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ncontrols; i++) {
		const struct lv_control *c = &p->controls[i];
		int due = c->status == RUN_STATUS_LAST;

		for (size_t l = 0; due && c->side_only && l < c->l; l++) {
			const struct lv_control *o = lv_plan_control(p, l, c->q, c->machine);

			due = o && o->status != RUN_STATUS_LAST && o->status != RUN_PASS;
		}
		if (due)
			idx[n++] = i;
	}
	return n;
}

long lv_plan_side(const struct lv_plan *p, size_t nlibvirts, size_t q,
		  const char *machine)
{
	for (size_t l = 0; l < nlibvirts; l++) {
		const struct lv_control *c = lv_plan_control(p, l, q, machine);

		if (c && c->status == RUN_PASS)
			return (long)l;
	}
	return -1;
}
