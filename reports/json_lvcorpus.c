/*
 * The JSON writer's part of the libvirt corpus (mapping_lvcorpus.c):
 * mapping.libvirt_corpus, documented field by field in reports/README.md.
 * The argvs themselves stay in the store (corpus_runs.argv, by run id):
 * at 941 domains on 24 pairs they would be most of the file.
 */
#include <json-c/json.h>

#include "builders.h"
#include "runs.h"
#include "banned.h"

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *count(size_t n)
{
	return json_object_new_int64((int64_t)n);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static void outcomes(json_object *o, const size_t *n)
{
	for (int k = 0; k < CORP_OUTCOME_LAST; k++)
		add(o, corp_outcome_to_string(k), count(n[k]));
}

static json_object *diffs_json(const struct rep_lvc_cell *c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < c->ndiffs; i++) {
		json_object *e = json_object_new_object();

		add(e, "option", str(c->diffs[i].key));
		add(e, "golden", str(c->diffs[i].golden));
		add(e, "real", str(c->diffs[i].real));
		add(e, "detail", str(c->diffs[i].detail));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *cell_json(const struct rep_lvcorpus *lc, const struct rep_lvc_cell *c)
{
	json_object *e = json_object_new_object(), *g = NULL;

	add(e, "libvirt", str(lc->pairs[c->pair].libvirt));
	add(e, "qemu", str(lc->pairs[c->pair].qemu));
	add(e, "run", json_object_new_int64(c->run));
	add(e, "outcome", str(corp_outcome_to_string(c->outcome)));
	add(e, "reason", str(c->reason));
	add(e, "seconds", json_object_new_double(c->seconds));
	add(e, "started_at", str(c->started_at));
	add(e, "sweep", str(c->sweep));
	add(e, "current", json_object_new_boolean(c->current));
	add(e, "adaptations", strvec_json(&c->adaptations));
	if (c->outcome == CORP_STARTED) {
		g = json_object_new_object();
		add(g, "state", str(rep_lvc_golden_name(c->golden)));
		add(g, "file", str(c->golden_file));
		add(g, "qemu", str(c->golden_qemu));
		add(g, "origin", str(c->golden_origin));
		add(g, "differences", diffs_json(c));
	}
	add(e, "golden", g);
	return e;
}

static json_object *changes_json(const struct rep_map_scenario *s)
{
	json_object *a = json_object_new_array();

	for (size_t n = 0; n < s->nchanges; n++) {
		const struct rep_map_change *c = &s->changes[n];
		json_object *co = json_object_new_object();

		add(co, "option", str(s->rows[c->row].key));
		add(co, "dimension", str(c->dimension));
		add(co, "from", str(c->from));
		add(co, "to", str(c->to));
		add(co, "contexts", strvec_json(&c->contexts));
		add(co, "old", str(c->old_text));
		add(co, "new", str(c->new_text));
		add(co, "detail", str(c->detail));
		json_object_array_add(a, co);
	}
	return a;
}

static json_object *domain_json(const struct rep_lvcorpus *lc, const struct rep_lvc_domain *d)
{
	json_object *e = json_object_new_object(), *a = json_object_new_array();

	add(e, "name", str(d->name));
	add(e, "origin", str(d->origin));
	add(e, "file", str(d->file));
	add(e, "refused", count(d->refused));
	add(e, "golden_differs", count(d->differs));
	for (size_t i = d->first; i < d->first + d->ncells; i++)
		json_object_array_add(a, cell_json(lc, &lc->cells[i]));
	add(e, "cells", a);
	add(e, "changes", changes_json(&d->across));
	return e;
}

json_object *rep_json_lvcorpus(const struct rep_lvcorpus *lc)
{
	json_object *o = json_object_new_object(), *a, *e;

	if (lc->have_sweep) {
		e = json_object_new_object();
		add(e, "uuid", str(lc->sweep.uuid));
		add(e, "label", str(lc->sweep.label));
		add(e, "kind", str(lc->sweep.kind));
		add(e, "started_at", str(lc->sweep.started_at));
		add(o, "sweep", e);
	} else {
		add(o, "sweep", NULL);
	}
	e = json_object_new_object();
	outcomes(e, lc->n);
	add(o, "outcomes", e);
	add(o, "compared", count(lc->compared));
	add(o, "golden_differs", count(lc->differs));
	add(o, "changes", count(lc->changes));
	a = json_object_new_array();
	for (size_t i = 0; i < lc->npairs; i++) {
		const struct rep_lvc_pair *p = &lc->pairs[i];

		e = json_object_new_object();
		add(e, "libvirt", str(p->libvirt));
		add(e, "qemu", str(p->qemu));
		outcomes(e, p->n);
		add(e, "compared", count(p->compared));
		add(e, "golden_differs", count(p->differs));
		json_object_array_add(a, e);
	}
	add(o, "pairs", a);
	a = json_object_new_array();
	for (size_t i = 0; i < lc->ncells; i++) {
		const struct rep_lvc_cell *c = &lc->cells[i];

		if (c->outcome != CORP_REFUSED)
			continue;
		e = json_object_new_object();
		add(e, "domain", str(lc->domains[c->domain].name));
		add(e, "origin", str(lc->domains[c->domain].origin));
		add(e, "libvirt", str(lc->pairs[c->pair].libvirt));
		add(e, "qemu", str(lc->pairs[c->pair].qemu));
		add(e, "run", json_object_new_int64(c->run));
		add(e, "reason", str(c->reason));
		json_object_array_add(a, e);
	}
	add(o, "refused", a);
	a = json_object_new_array();
	for (size_t i = 0; i < lc->ncommon; i++) {
		const struct rep_lvc_common *g = &lc->common[i];

		e = json_object_new_object();
		add(e, "option", str(g->key));
		add(e, "detail", str(g->detail));
		add(e, "cells", count(g->cells));
		add(e, "domains", strvec_json(&g->domains));
		add(e, "pairs", strvec_json(&g->pairs));
		json_object_array_add(a, e);
	}
	add(o, "golden_differences", a);
	a = json_object_new_array();
	for (size_t i = 0; i < lc->ndomains; i++)
		json_object_array_add(a, domain_json(lc, &lc->domains[i]));
	add(o, "domains", a);
	return o;
}
