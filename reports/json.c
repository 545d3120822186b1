/*
 * The JSON writer: the whole model as one document whose schema is
 * "virt-matrix-report/1", documented field by field in
 * reports/README.md. Fields are only ever added within a schema
 * version; a change of meaning or a removal makes it /2. Versions are
 * always install names (what 'virt-matrix ark list' shows).
 */
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "banned.h"

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *vname(const struct rep_versions *v, int i)
{
	return i >= 0 ? str(rep_vname(v, i)) : NULL;
}

/* The versions whose presence char is c. */
static json_object *presence(const struct rep_versions *v, const char *p, char c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->nr; i++)
		if (p[i] == c)
			json_object_array_add(a, str(v->v[i].name));
	return a;
}

static json_object *ack_json(const struct rep_ack *ack)
{
	json_object *k;

	if (!ack)
		return NULL;
	k = json_object_new_object();
	add(k, "line", json_object_new_int(ack->line));
	add(k, "reason", str(ack->reason));
	return k;
}

static json_object *count(size_t n)
{
	return json_object_new_int64((int64_t)n);
}

/* The pairs of one side recorded by different definitions. */
static json_object *not_compared_json(const struct rep_report *r,
				      const struct rep_pairs *pairs,
				      const char *(*name)(const struct rep_report *, size_t))
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < pairs->nr; i++) {
		const struct rep_pair *p = &pairs->v[i];
		json_object *e;

		if (p->compared)
			continue;
		e = json_object_new_object();
		add(e, "machine", str(name(r, p->machine)));
		add(e, "from", vname(&r->versions, p->from));
		add(e, "to", vname(&r->versions, p->to));
		json_object_array_add(a, e);
	}
	return a;
}

static const char *abi_machine(const struct rep_report *r, size_t m)
{
	return r->abi.machines[m].name;
}

static const char *guest_machine(const struct rep_report *r, size_t m)
{
	return r->guest.machines[m].name;
}

static json_object *guest_machines_json(const struct rep_report *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->guest.nmachines; i++) {
		const struct rep_guest_machine *m = &r->guest.machines[i];
		json_object *e = json_object_new_object(), *f = json_object_new_object();

		add(e, "name", str(m->name));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (m->fingerprint[k])
				add(f, r->versions.v[k].name, str(m->fingerprint[k]));
		add(e, "fingerprints", f);
		add(e, "unacknowledged", count(m->unacked));
		add(e, "acknowledged", count(m->acked));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *guest_changes_json(const struct rep_guest *g)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < g->nchanges; i++) {
		const struct rep_guest_change *c = &g->changes[i];
		json_object *e = json_object_new_object();

		add(e, "item", str(c->item));
		add(e, "old_sha256", str(c->old_sha));
		add(e, "new_sha256", str(c->new_sha));
		add(e, "decoded", json_object_new_boolean(c->decoded));
		add(e, "lines", strvec_json(&c->lines));
		add(e, "more_lines", count(c->more));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *guest_json(const struct rep_report *r)
{
	const struct rep_guest *g = &r->guest;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (size_t i = 0; i < r->versions.nr; i++)
		if (r->versions.v[i].binary && r->versions.v[i].has_guest)
			json_object_array_add(a, str(r->versions.v[i].name));
	add(o, "versions", a);
	add(o, "machines", guest_machines_json(r));
	a = json_object_new_array();
	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];
		json_object *e = json_object_new_object();

		add(e, "machine", str(g->machines[d->machine].name));
		add(e, "from", vname(&r->versions, d->from));
		add(e, "to", vname(&r->versions, d->to));
		add(e, "kind", str(rep_guest_kind_name(d->kind)));
		add(e, "item", str(g->changes[d->change].item));
		add(e, "change", count(d->change));
		add(e, "acknowledged", json_object_new_boolean(d->ack != NULL));
		add(e, "ack", ack_json(d->ack));
		json_object_array_add(a, e);
	}
	add(o, "differences", a);
	add(o, "changes", guest_changes_json(g));
	add(o, "not_compared", not_compared_json(r, &g->pairs, guest_machine));
	return o;
}

/* The item names of a guest pair's differences. */
static json_object *guest_items_json(const struct rep_guest *g, const struct rep_pair *p)
{
	json_object *a = json_object_new_array();

	for (size_t i = p->first; i < p->first + p->ndiffs; i++)
		json_object_array_add(a, str(g->changes[g->diffs[i].change].item));
	return a;
}

static json_object *disagreements_json(const struct rep_report *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->views.nr; i++) {
		const struct rep_disagreement *d = &r->views.v[i];
		const struct rep_pair *q = &r->abi.pairs.v[d->qemu];
		const struct rep_pair *g = &r->guest.pairs.v[d->guest];
		json_object *e = json_object_new_object();

		add(e, "machine", str(r->abi.machines[q->machine].name));
		add(e, "from", vname(&r->versions, q->from));
		add(e, "to", vname(&r->versions, q->to));
		add(e, "differs", str(d->guest_differs ? "guest" : "qemu"));
		add(e, "qemu_equal", json_object_new_boolean(q->equal));
		add(e, "qemu_breaks", count(q->unacked + q->acked));
		add(e, "guest_items", guest_items_json(&r->guest, g));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *abi_json(const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;
	json_object *o = json_object_new_object(), *a;

	add(o, "acks_file", str(abi->acks.path));
	a = json_object_new_array();
	for (size_t i = 0; i < abi->nmachines; i++) {
		const struct rep_abi_machine *m = &abi->machines[i];
		json_object *e = json_object_new_object(), *f = json_object_new_object();

		add(e, "name", str(m->name));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (m->fingerprint[k])
				add(f, r->versions.v[k].name, str(m->fingerprint[k]));
		add(e, "fingerprints", f);
		add(e, "unacknowledged", json_object_new_int64((int64_t)m->breaks));
		add(e, "acknowledged", json_object_new_int64((int64_t)m->acked));
		add(e, "property_changes", json_object_new_int64((int64_t)m->props));
		json_object_array_add(a, e);
	}
	add(o, "machines", a);
	a = json_object_new_array();
	for (size_t i = 0; i < abi->ndiffs; i++) {
		const struct rep_abi_diff *d = &abi->diffs[i];
		json_object *e = json_object_new_object();

		add(e, "machine", str(d->machine));
		add(e, "from", vname(&r->versions, d->from));
		add(e, "to", vname(&r->versions, d->to));
		add(e, "kind", str(rep_abi_kind_name(d->kind)));
		add(e, "break", json_object_new_boolean(rep_abi_kind_is_break(d->kind)));
		add(e, "object", str(d->object));
		add(e, "property", str(d->property));
		add(e, "old", str(d->old_value));
		add(e, "new", str(d->new_value));
		add(e, "acknowledged", json_object_new_boolean(d->ack != NULL));
		add(e, "ack", ack_json(d->ack));
		json_object_array_add(a, e);
	}
	add(o, "differences", a);
	add(o, "not_compared", not_compared_json(r, &abi->pairs, abi_machine));
	add(o, "guest", guest_json(r));
	add(o, "disagreements", disagreements_json(r));
	a = json_object_new_array();
	for (size_t i = 0; i < abi->acks.nr; i++) {
		const struct rep_ack *k = &abi->acks.v[i];
		json_object *e = json_object_new_object();

		add(e, "line", json_object_new_int(k->line));
		add(e, "machine", str(k->machine));
		add(e, "object", str(k->object));
		add(e, "property", str(k->property));
		add(e, "from", str(k->from_s));
		add(e, "to", str(k->to_s));
		add(e, "old", str(k->old_value));
		add(e, "new", str(k->new_value));
		add(e, "reason", str(k->reason));
		add(e, "used", json_object_new_int64((int64_t)k->used));
		json_object_array_add(a, e);
	}
	add(o, "acks", a);
	return o;
}

/* A compared source: its run, its argv as recorded and normalised. */
static json_object *map_source_json(const struct rep_map_source *src)
{
	json_object *so = json_object_new_object(), *opts = json_object_new_array();

	add(so, "qemu", str(src->qemu_name));
	add(so, "libvirt", str(src->libvirt));
	add(so, "run", json_object_new_int64(src->run));
	add(so, "status", str(src->status));
	add(so, "binary", str(src->argv.binary));
	add(so, "argv", json_tokener_parse(src->argv_json));
	for (size_t n = 0; n < src->argv.nr; n++) {
		json_object *op = json_object_new_object();

		add(op, "option", str(src->argv.v[n].key));
		add(op, "value", str(src->argv.v[n].text));
		json_object_array_add(opts, op);
	}
	add(so, "normalised", opts);
	add(so, "computed", json_object_new_boolean(src->computed));
	if (src->computed)
		add(so, "notes", strvec_json(&src->notes));
	return so;
}

/* A run another virt-matrix made, not compared. */
static json_object *map_aside_json(const struct rep_map_source *src)
{
	json_object *so = json_object_new_object();

	add(so, "qemu", str(src->qemu_name));
	add(so, "libvirt", str(src->libvirt));
	add(so, "run", json_object_new_int64(src->run));
	add(so, "tool", str(src->tool));
	return so;
}

static json_object *map_rows_json(const struct rep_map_scenario *s)
{
	json_object *a = json_object_new_array();

	for (size_t n = 0; n < s->nrows; n++) {
		json_object *ro = json_object_new_object(), *vals = json_object_new_array();

		add(ro, "option", str(s->rows[n].key));
		add(ro, "differs", json_object_new_boolean(s->rows[n].differs));
		for (size_t k = 0; k < s->nsources; k++)
			json_object_array_add(vals, str(s->rows[n].cells[k]));
		add(ro, "values", vals);
		json_object_array_add(a, ro);
	}
	return a;
}

static json_object *map_changes_json(const struct rep_map_scenario *s)
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

static json_object *map_scenario_json(const struct rep_map_scenario *s)
{
	json_object *e = json_object_new_object(), *a = json_object_new_array();

	add(e, "name", str(s->name));
	for (size_t k = 0; k < s->nsources; k++)
		json_object_array_add(a, map_source_json(&s->sources[k]));
	add(e, "sources", a);
	add(e, "tool", str(s->tool));
	a = json_object_new_array();
	for (size_t k = 0; k < s->naside; k++)
		json_object_array_add(a, map_aside_json(&s->aside[k]));
	add(e, "not_compared", a);
	add(e, "rows", map_rows_json(s));
	add(e, "changes", map_changes_json(s));
	return e;
}

/* The DTS corpus: per (file, VM), the mapper's argv per probed QEMU. */
static json_object *map_corpus_json(const struct rep_mapping *m)
{
	json_object *o = json_object_new_object(), *vms = json_object_new_array();

	add(o, "dir", str(m->corpus_dir));
	add(o, "skipped", strvec_json(&m->corpus_skipped));
	for (size_t i = 0; i < m->ncorpus; i++) {
		const struct rep_map_scenario *s = &m->corpus[i];
		json_object *e = map_scenario_json(s);

		add(e, "file", str(s->file));
		add(e, "vm", str(s->vm));
		add(e, "errors", strvec_json(&s->errors));
		json_object_array_add(vms, e);
	}
	add(o, "vms", vms);
	return o;
}

static json_object *mapping_json(const struct rep_report *r)
{
	json_object *o = json_object_new_object(), *scns = json_object_new_array();

	for (size_t i = 0; i < r->mapping.nr; i++)
		json_object_array_add(scns, map_scenario_json(&r->mapping.v[i]));
	add(o, "scenarios", scns);
	add(o, "corpus", map_corpus_json(&r->mapping));
	add(o, "libvirt_corpus", rep_json_lvcorpus(&r->lvcorpus));
	return o;
}

static json_object *caps_json(const struct rep_report *r)
{
	static const char *const kinds[] = { "machine", "device", "property", "command" };
	static const char *const keys[] = { "machines", "devices", "properties", "commands" };
	const struct rep_timeline *t = &r->caps;
	json_object *o = json_object_new_object(), *a;

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		a = json_object_new_array();
		for (size_t i = 0; i < t->nitems; i++) {
			const struct rep_tl_item *it = &t->items[i];
			json_object *e;

			if (strcmp(it->kind, kinds[k]))
				continue;
			e = json_object_new_object();
			add(e, "name", str(it->name));
			if (!strcmp(it->kind, "property"))
				add(e, "devices", strvec_json(&it->devices));
			add(e, "first", vname(&r->versions, it->first));
			add(e, "last", vname(&r->versions, it->last));
			add(e, "present", presence(&r->versions, it->present, '1'));
			add(e, "absent", presence(&r->versions, it->present, '0'));
			json_object_array_add(a, e);
		}
		add(o, keys[k], a);
	}
	add(o, "properties_with_device_span",
	    json_object_new_int64((int64_t)t->props_same_span));
	a = json_object_new_array();
	for (size_t i = 0; i < t->ndefaults; i++) {
		const struct rep_tl_default *d = &t->defaults[i];
		json_object *e = json_object_new_object(), *vals = json_object_new_object();

		add(e, "property", str(d->property));
		add(e, "devices", strvec_json(&d->devices));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (d->values[k])
				add(vals, r->versions.v[k].name, str(d->values[k]));
		add(e, "defaults", vals);
		json_object_array_add(a, e);
	}
	add(o, "default_changes", a);
	return o;
}

static json_object *sweep_json(int have, const struct rep_sweep_ref *s)
{
	json_object *o;

	if (!have)
		return NULL;
	o = json_object_new_object();
	add(o, "uuid", str(s->uuid));
	add(o, "label", str(s->label));
	add(o, "kind", str(s->kind));
	add(o, "started_at", str(s->started_at));
	return o;
}

static json_object *matrix_json(const struct rep_report *r)
{
	const struct rep_matrix *m = &r->matrix;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	add(o, "sweep", sweep_json(m->have_cur, &m->cur));
	add(o, "previous", sweep_json(m->have_prev, &m->prev));
	add(o, "scenarios", strvec_json(&m->scenarios));
	add(o, "qemu", strvec_json(&m->qemus));
	add(o, "libvirt", strvec_json(&m->libvirts));
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];
		json_object *e = json_object_new_object();

		add(e, "scenario", str(c->scenario));
		add(e, "qemu", str(c->qemu));
		add(e, "libvirt", str(c->libvirt));
		add(e, "run", json_object_new_int64(c->run));
		add(e, "status", str(c->status));
		add(e, "reason", str(c->reason));
		add(e, "seconds", json_object_new_double(c->seconds));
		add(e, "accel", str(c->accel));
		add(e, "started_at", str(c->started_at));
		add(e, "current", json_object_new_boolean(c->current));
		add(e, "from_sweep", str(c->from_sweep));
		if (c->prev_run) {
			json_object *p = json_object_new_object();

			add(p, "run", json_object_new_int64(c->prev_run));
			add(p, "status", str(c->prev_status));
			add(e, "previous", p);
		} else {
			add(e, "previous", NULL);
		}
		add(e, "regression", json_object_new_boolean(c->regression));
		add(e, "fixed", json_object_new_boolean(c->fixed));
		add(e, "log", str(c->log));
		json_object_array_add(a, e);
	}
	add(o, "cells", a);
	add(o, "regressions", json_object_new_int64((int64_t)m->regressions));
	add(o, "fixed", json_object_new_int64((int64_t)m->fixed));
	return o;
}

/* ---- migration ---- */

static json_object *vmstate_json(const struct rep_vmstate_check *v)
{
	json_object *o;

	if (!v)
		return NULL;
	o = json_object_new_object();
	add(o, "state", str(rep_vmstate_state_name(v->state)));
	add(o, "errors", count(v->errors));
	add(o, "detail", str(v->detail));
	return o;
}

static json_object *mig_previous_json(const struct rep_mig_cell *c)
{
	json_object *p;

	if (!c->has_prev)
		return NULL;
	p = json_object_new_object();
	add(p, "status", str(run_status_to_string(c->prev_verdict)));
	add(p, "sweep", str(c->prev_sweep));
	return p;
}

static json_object *mig_side_json(const struct rep_mig_cell *c)
{
	return c->side == MIG_SIDE_NONE ? NULL : str(mig_side_to_string(c->side));
}

/* What a cell of the grids and one through libvirt both have. */
static json_object *mig_common_json(const struct rep_mig_cell *c)
{
	json_object *e = json_object_new_object();

	add(e, "id", json_object_new_int64(c->id));
	add(e, "machine", str(c->machine));
	add(e, "family", str(c->family));
	add(e, "control", json_object_new_boolean(c->control));
	add(e, "status", str(run_status_to_string(c->verdict)));
	add(e, "side", mig_side_json(c));
	add(e, "reason", str(c->reason));
	add(e, "seconds", json_object_new_double(c->seconds));
	add(e, "started_at", str(c->started_at));
	add(e, "current", json_object_new_boolean(c->current));
	add(e, "from_sweep", str(c->from_sweep));
	add(e, "previous", mig_previous_json(c));
	add(e, "regression", json_object_new_boolean(c->regression));
	add(e, "fixed", json_object_new_boolean(c->fixed));
	add(e, "log", str(c->log));
	return e;
}

static json_object *mig_cell_json(const struct rep_mig_cell *c)
{
	json_object *e = mig_common_json(c);

	add(e, "mode", str(mig_mode_to_string(c->mode)));
	add(e, "source", str(c->src));
	add(e, "destination", str(c->dst));
	add(e, "source_sha256", str(c->src_sha));
	add(e, "destination_sha256", str(c->dst_sha));
	add(e, "source_seconds", json_object_new_double(c->src_seconds));
	add(e, "qemu_abi", str(rep_fp_cmp_name(c->abi)));
	add(e, "guest_view", str(rep_fp_cmp_name(c->guest)));
	add(e, "vmstate", vmstate_json(c->vmstate));
	add(e, "disagreement", str(rep_mig_disagreement_name(c->disagreement)));
	return e;
}

/* QEMU's own migration beside one through libvirt. */
static json_object *mig_direct_json(const struct rep_mig_cell *d)
{
	json_object *o;

	if (!d)
		return NULL;
	o = json_object_new_object();
	add(o, "mode", str(mig_mode_to_string(d->mode)));
	add(o, "status", str(run_status_to_string(d->verdict)));
	add(o, "side", mig_side_json(d));
	add(o, "reason", str(d->reason));
	add(o, "current", json_object_new_boolean(d->current));
	add(o, "id", json_object_new_int64(d->id));
	return o;
}

/* The migrations through libvirt, in the order shown. */
static json_object *mig_libvirt_json(const struct rep_mig_libvirt *lv)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < lv->ncells; i++) {
		const struct rep_mig_cell *c = &lv->cells[lv->order[i]];
		const struct rep_mig_lv *x = &lv->lv[lv->order[i]];
		json_object *e = mig_common_json(c);

		add(e, "src_libvirt", str(c->src_libvirt));
		add(e, "src_qemu", str(c->src));
		add(e, "dst_libvirt", str(c->dst_libvirt));
		add(e, "dst_qemu", str(c->dst));
		add(e, "src_sha256", str(c->src_sha));
		add(e, "dst_sha256", str(c->dst_sha));
		add(e, "direct", mig_direct_json(x->direct));
		add(e, "disagreement", str(rep_lv_disagreement_name(x->disagreement)));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *mig_modes_json(const struct rep_report *r)
{
	json_object *a = json_object_new_array();

	for (int mode = 0; mode < MIG_MODE_LAST; mode++) {
		const struct rep_mig_counts *k = rep_mig_counts_of(r, mode);
		json_object *e = json_object_new_object();

		add(e, "mode", str(mig_mode_to_string(mode)));
		add(e, "migrations", count(k->cells));
		for (int v = 0; v < RUN_STATUS_LAST; v++)
			add(e, run_status_to_string(v), count(k->n[v]));
		add(e, "controls", count(k->controls));
		add(e, "controls_failed", count(k->controls_failed));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *mig_grids_json(const struct rep_migration *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->ngrids; i++) {
		const struct rep_mig_grid *g = &m->grids[i];
		json_object *e = json_object_new_object(), *rows = json_object_new_array();
		size_t n = g->versions.nr;

		add(e, "machine", str(g->machine));
		add(e, "family", str(g->family));
		add(e, "mode", str(mig_mode_to_string(g->mode)));
		add(e, "versions", strvec_json(&g->versions));
		for (size_t s = 0; s < n; s++) {
			json_object *row = json_object_new_array();

			for (size_t d = 0; d < n; d++) {
				long c = g->cell[s * n + d];

				json_object_array_add(row, c < 0 ? NULL : count((size_t)c));
			}
			json_object_array_add(rows, row);
		}
		add(e, "cells", rows);
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *migration_json(const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	const struct rep_mig_libvirt *lv = &r->mig_libvirt;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	add(o, "sweep", sweep_json(m->have_cur, &m->cur));
	add(o, "previous", sweep_json(m->have_prev, &m->prev));
	add(o, "versions", strvec_json(&m->versions));
	add(o, "machines", strvec_json(&m->machines));
	add(o, "modes", mig_modes_json(r));
	for (size_t i = 0; i < m->ncells; i++)
		json_object_array_add(a, mig_cell_json(&m->cells[i]));
	add(o, "cells", a);
	add(o, "grids", mig_grids_json(m));
	a = json_object_new_array();
	for (size_t i = 0; i < m->npredictions; i++)
		json_object_array_add(a, count(m->predictions[i]));
	add(o, "predictions", a);
	add(o, "equal_but_fails", count(m->equal_but_fails));
	add(o, "differs_but_passes", count(m->differs_but_passes));
	add(o, "regressions", count(m->regressions));
	add(o, "fixed", count(m->fixed));
	add(o, "libvirt", mig_libvirt_json(lv));
	add(o, "libvirt_fails_direct_passes", count(lv->fails_direct_passes));
	add(o, "libvirt_passes_direct_fails", count(lv->passes_direct_fails));
	add(o, "libvirt_regressions", count(lv->regressions));
	add(o, "libvirt_fixed", count(lv->fixed));
	return o;
}

void rep_write_json(const struct rep_report *r, struct strbuf *out)
{
	static const char *const parts[] = { "abi", "mapping", "caps", "matrix", "migration" };
	json_object *o = json_object_new_object(), *a = json_object_new_array(), *s;

	add(o, "schema", str("virt-matrix-report/1"));
	add(o, "generated_at", str(r->generated_at));
	add(o, "store", str(r->store_path));
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (r->parts & (1u << i))
			json_object_array_add(a, str(parts[i]));
	add(o, "parts", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->versions.nr; i++) {
		const struct rep_qemu *q = &r->versions.v[i];
		json_object *e = json_object_new_object();

		add(e, "name", str(q->name));
		add(e, "version", str(q->version));
		add(e, "binary", str(q->binary_path));
		add(e, "probed", json_object_new_boolean(q->binary != 0));
		json_object_array_add(a, e);
	}
	add(o, "qemu_versions", a);
	s = json_object_new_object();
	add(s, "abi_unacknowledged", json_object_new_int64((int64_t)r->abi.unacked));
	add(s, "abi_acknowledged", json_object_new_int64((int64_t)r->abi.acked));
	add(s, "abi_property_changes", json_object_new_int64((int64_t)r->abi.props));
	add(s, "guest_unacknowledged", count(r->guest.unacked));
	add(s, "guest_acknowledged", count(r->guest.acked));
	add(s, "disagreements", count(r->views.nr));
	add(s, "regressions", json_object_new_int64((int64_t)r->matrix.regressions));
	add(s, "fixed", json_object_new_int64((int64_t)r->matrix.fixed));
	add(s, "migration_regressions", count(rep_migration_regressions(r)));
	add(s, "migration_fixed", count(r->migration.fixed + r->mig_libvirt.fixed));
	add(s, "migration_disagreements",
	    count(r->migration.equal_but_fails + r->migration.differs_but_passes));
	add(s, "migration_libvirt_disagreements",
	    count(r->mig_libvirt.fails_direct_passes + r->mig_libvirt.passes_direct_fails));
	add(o, "summary", s);
	add(o, "abi", r->parts & REP_ABI ? abi_json(r) : NULL);
	add(o, "mapping", r->parts & REP_MAPPING ? mapping_json(r) : NULL);
	add(o, "caps", r->parts & REP_CAPS ? caps_json(r) : NULL);
	add(o, "matrix", r->parts & REP_MATRIX ? matrix_json(r) : NULL);
	add(o, "migration", r->parts & REP_MIGRATION ? migration_json(r) : NULL);
	sb_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	sb_putc(out, '\n');
	json_object_put(o);
}
