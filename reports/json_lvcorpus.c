/*
 * The JSON writer's part of the libvirt corpus (mapping_lvcorpus.c):
 * mapping.libvirt_corpus, documented field by field in reports/README.md.
 * The argvs themselves stay in the store (corpus_runs.argv, by run id):
 * at 941 domains on 24 pairs they would be most of the file.
 */
#include "builders.h"
#include "json_kit.h"
#include "runs.h"
#include "banned.h"

static void outcomes(json_object *o, const size_t *n)
{
	for (int k = 0; k < CORP_OUTCOME_LAST; k++)
		rep_json_add(o, corp_outcome_to_string(k), rep_json_count(n[k]));
}

/* A pair's libvirt and QEMU installs. */
static void pair_fields(json_object *o, const struct rep_lvc_pair *p)
{
	rep_json_add(o, "libvirt", rep_json_str(p->libvirt));
	rep_json_add(o, "qemu", rep_json_str(p->qemu));
}

static void golden_counts(json_object *o, const struct rep_lvc_counts *n)
{
	rep_json_add(o, "compared", rep_json_count(n->compared));
	rep_json_add(o, "golden_differs", rep_json_count(n->differs));
}

static json_object *diffs_json(const struct rep_lvc_cell *c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < c->ndiffs; i++) {
		json_object *e = json_object_new_object();

		rep_json_add(e, "option", rep_json_str(c->diffs[i].key));
		rep_json_add(e, "golden", rep_json_str(c->diffs[i].golden));
		rep_json_add(e, "real", rep_json_str(c->diffs[i].real));
		rep_json_add(e, "detail", rep_json_str(c->diffs[i].detail));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *cell_json(const struct rep_lvcorpus *lc, const struct rep_lvc_cell *c)
{
	json_object *e = json_object_new_object(), *g = NULL;

	pair_fields(e, &lc->pairs[c->pair]);
	rep_json_add(e, "run", json_object_new_int64(c->run));
	rep_json_add(e, "outcome", rep_json_str(corp_outcome_to_string(c->outcome)));
	rep_json_add(e, "reason", rep_json_str(c->reason));
	rep_json_add(e, "seconds", json_object_new_double(c->seconds));
	rep_json_add(e, "started_at", rep_json_str(c->started_at));
	rep_json_add(e, "sweep", rep_json_str(c->sweep));
	rep_json_add(e, "current", json_object_new_boolean(c->current));
	rep_json_add(e, "adaptations", strvec_json(&c->adaptations));
	if (c->outcome == CORP_STARTED) {
		g = json_object_new_object();
		rep_json_add(g, "state", rep_json_str(rep_lvc_golden_name(c->golden)));
		rep_json_add(g, "file", rep_json_str(c->golden_file));
		rep_json_add(g, "qemu", rep_json_str(c->golden_qemu));
		rep_json_add(g, "origin", rep_json_str(c->golden_origin));
		rep_json_add(g, "differences", diffs_json(c));
	}
	rep_json_add(e, "golden", g);
	return e;
}

static json_object *domain_json(const struct rep_lvcorpus *lc, const struct rep_lvc_domain *d)
{
	json_object *e = json_object_new_object(), *a = json_object_new_array();

	rep_json_add(e, "name", rep_json_str(d->name));
	rep_json_add(e, "origin", rep_json_str(d->origin));
	rep_json_add(e, "file", rep_json_str(d->file));
	rep_json_add(e, "refused", rep_json_count(d->refused));
	rep_json_add(e, "golden_differs", rep_json_count(d->differs));
	for (size_t i = d->first; i < d->first + d->ncells; i++)
		json_object_array_add(a, cell_json(lc, &lc->cells[i]));
	rep_json_add(e, "cells", a);
	rep_json_add(e, "changes", rep_json_map_changes(&d->across));
	return e;
}

static json_object *pairs_json(const struct rep_lvcorpus *lc)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < lc->npairs; i++) {
		json_object *e = json_object_new_object();

		pair_fields(e, &lc->pairs[i]);
		outcomes(e, lc->pairs[i].count.n);
		golden_counts(e, &lc->pairs[i].count);
		json_object_array_add(a, e);
	}
	return a;
}

/* Every refused cell, on its own. */
static json_object *refused_json(const struct rep_lvcorpus *lc)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < lc->ncells; i++) {
		const struct rep_lvc_cell *c = &lc->cells[i];
		json_object *e;

		if (c->outcome != CORP_REFUSED)
			continue;
		e = json_object_new_object();
		rep_json_add(e, "domain", rep_json_str(lc->domains[c->domain].name));
		rep_json_add(e, "origin", rep_json_str(lc->domains[c->domain].origin));
		pair_fields(e, &lc->pairs[c->pair]);
		rep_json_add(e, "run", json_object_new_int64(c->run));
		rep_json_add(e, "reason", rep_json_str(c->reason));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *common_json(const struct rep_lvcorpus *lc)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < lc->ncommon; i++) {
		const struct rep_lvc_common *g = &lc->common[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "option", rep_json_str(g->key));
		rep_json_add(e, "detail", rep_json_str(g->detail));
		rep_json_add(e, "cells", rep_json_count(g->cells));
		rep_json_add(e, "domains", strvec_json(&g->domains));
		rep_json_add(e, "pairs", strvec_json(&g->pairs));
		json_object_array_add(a, e);
	}
	return a;
}

json_object *rep_json_lvcorpus(const struct rep_lvcorpus *lc)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object(), *a;

	rep_json_add(o, "sweep", rep_json_sweep(lc->have_sweep, &lc->sweep));
	outcomes(e, lc->all.n);
	rep_json_add(o, "outcomes", e);
	golden_counts(o, &lc->all);
	rep_json_add(o, "changes", rep_json_count(lc->changes));
	rep_json_add(o, "pairs", pairs_json(lc));
	rep_json_add(o, "refused", refused_json(lc));
	rep_json_add(o, "golden_differences", common_json(lc));
	a = json_object_new_array();
	for (size_t i = 0; i < lc->ndomains; i++)
		json_object_array_add(a, domain_json(lc, &lc->domains[i]));
	rep_json_add(o, "domains", a);
	return o;
}
