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

static void outcomes(struct jsonw *w, const size_t *n)
{
	for (int k = 0; k < CORP_OUTCOME_LAST; k++)
		jsonw_ksize(w, corp_outcome_to_string(k), n[k]);
}

/* A pair's libvirt and QEMU installs. */
static void pair_fields(struct jsonw *w, const struct rep_lvc_pair *p)
{
	jsonw_kstring(w, "libvirt", p->libvirt);
	jsonw_kstring(w, "qemu", p->qemu);
}

static void golden_counts(struct jsonw *w, const struct rep_lvc_counts *n)
{
	jsonw_ksize(w, "compared", n->compared);
	jsonw_ksize(w, "golden_differs", n->differs);
	jsonw_ksize(w, "golden_differs_same_qemu", n->differs_same);
}

static void diffs_json(struct jsonw *w, const struct rep_lvc_cell *c)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < c->ndiffs; i++) {
		jsonw_object_begin(w);
		jsonw_kstring(w, "option", c->diffs[i].key);
		jsonw_kstring(w, "golden", c->diffs[i].golden);
		jsonw_kstring(w, "real", c->diffs[i].real);
		jsonw_kstring(w, "detail", c->diffs[i].detail);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void cell_json(struct jsonw *w, const struct rep_lvcorpus *lc,
		      const struct rep_lvc_cell *c)
{
	jsonw_object_begin(w);
	pair_fields(w, &lc->pairs[c->pair]);
	jsonw_kint(w, "run", c->run);
	jsonw_kstring(w, "outcome", corp_outcome_to_string(c->outcome));
	jsonw_kstring(w, "reason", c->reason);
	jsonw_kdouble(w, "seconds", c->seconds);
	jsonw_kstring(w, "started_at", c->started_at);
	jsonw_kstring(w, "sweep", c->sweep);
	jsonw_kbool(w, "current", c->current);
	jsonw_kstrvec(w, "adaptations", &c->adaptations);
	if (c->outcome == CORP_STARTED) {
		jsonw_kobject(w, "golden");
		jsonw_kstring(w, "state", rep_lvc_golden_name(c->golden));
		jsonw_kstring(w, "file", c->golden_file);
		jsonw_kstring(w, "qemu", c->golden_qemu);
		jsonw_kstring(w, "qemu_version", c->golden_qemu_version);
		if (c->same_qemu < 0)
			jsonw_knull(w, "same_qemu");
		else
			jsonw_kbool(w, "same_qemu", c->same_qemu);
		jsonw_kstring(w, "origin", c->golden_origin);
		jsonw_key(w, "differences");
		diffs_json(w, c);
		jsonw_object_end(w);
	} else {
		jsonw_knull(w, "golden");
	}
	jsonw_object_end(w);
}

static void domain_json(struct jsonw *w, const struct rep_lvcorpus *lc,
			const struct rep_lvc_domain *d)
{
	jsonw_object_begin(w);
	jsonw_kstring(w, "name", d->name);
	jsonw_kstring(w, "origin", d->origin);
	jsonw_kstring(w, "file", d->file);
	jsonw_ksize(w, "refused", d->refused);
	jsonw_ksize(w, "golden_differs", d->differs);
	jsonw_karray(w, "cells");
	for (size_t i = d->first; i < d->first + d->ncells; i++)
		cell_json(w, lc, &lc->cells[i]);
	jsonw_array_end(w);
	jsonw_key(w, "changes");
	rep_jsonw_map_changes(w, &d->across);
	jsonw_object_end(w);
}

static void pairs_json(struct jsonw *w, const struct rep_lvcorpus *lc)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < lc->npairs; i++) {
		jsonw_object_begin(w);
		pair_fields(w, &lc->pairs[i]);
		outcomes(w, lc->pairs[i].count.n);
		golden_counts(w, &lc->pairs[i].count);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

/* Every refused cell, on its own. */
static void refused_json(struct jsonw *w, const struct rep_lvcorpus *lc)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < lc->ncells; i++) {
		const struct rep_lvc_cell *c = &lc->cells[i];

		if (c->outcome != CORP_REFUSED)
			continue;
		jsonw_object_begin(w);
		jsonw_kstring(w, "domain", lc->domains[c->domain].name);
		jsonw_kstring(w, "origin", lc->domains[c->domain].origin);
		pair_fields(w, &lc->pairs[c->pair]);
		jsonw_kint(w, "run", c->run);
		jsonw_kstring(w, "reason", c->reason);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void common_json(struct jsonw *w, const struct rep_lvcorpus *lc)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < lc->ncommon; i++) {
		const struct rep_lvc_common *g = &lc->common[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "option", g->key);
		jsonw_kstring(w, "detail", g->detail);
		jsonw_ksize(w, "cells", g->cells);
		jsonw_kstrvec(w, "domains", &g->domains);
		jsonw_kstrvec(w, "pairs", &g->pairs);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

void rep_jsonw_lvcorpus(struct jsonw *w, const struct rep_lvcorpus *lc)
{
	jsonw_object_begin(w);
	jsonw_key(w, "sweep");
	rep_jsonw_sweep(w, lc->have_sweep, &lc->sweep);
	jsonw_kobject(w, "outcomes");
	outcomes(w, lc->all.n);
	jsonw_object_end(w);
	golden_counts(w, &lc->all);
	jsonw_ksize(w, "changes", lc->changes);
	jsonw_key(w, "pairs");
	pairs_json(w, lc);
	jsonw_key(w, "refused");
	refused_json(w, lc);
	jsonw_key(w, "golden_differences");
	common_json(w, lc);
	jsonw_karray(w, "domains");
	for (size_t i = 0; i < lc->ndomains; i++)
		domain_json(w, lc, &lc->domains[i]);
	jsonw_array_end(w);
	jsonw_object_end(w);
}
