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
#include "json_kit.h"
#include "banned.h"

json_object *rep_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void rep_json_add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *vname(const struct rep_versions *v, int i)
{
	return i >= 0 ? rep_json_str(rep_vname(v, i)) : NULL;
}

/* The versions whose presence char is c. */
static json_object *presence(const struct rep_versions *v, const char *p, char c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->nr; i++)
		if (p[i] == c)
			json_object_array_add(a, rep_json_str(v->v[i].name));
	return a;
}

static json_object *ack_json(const struct rep_ack *ack)
{
	json_object *k;

	if (!ack)
		return NULL;
	k = json_object_new_object();
	rep_json_add(k, "line", json_object_new_int(ack->line));
	rep_json_add(k, "reason", rep_json_str(ack->reason));
	return k;
}

json_object *rep_json_count(size_t n)
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
		rep_json_add(e, "machine", rep_json_str(name(r, p->machine)));
		rep_json_add(e, "from", vname(&r->versions, p->from));
		rep_json_add(e, "to", vname(&r->versions, p->to));
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

		rep_json_add(e, "name", rep_json_str(m->name));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (m->fingerprint[k])
				rep_json_add(f, r->versions.v[k].name,
					     rep_json_str(m->fingerprint[k]));
		rep_json_add(e, "fingerprints", f);
		rep_json_add(e, "unacknowledged", rep_json_count(m->unacked));
		rep_json_add(e, "acknowledged", rep_json_count(m->acked));
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

		rep_json_add(e, "item", rep_json_str(c->item));
		rep_json_add(e, "old_sha256", rep_json_str(c->old_sha));
		rep_json_add(e, "new_sha256", rep_json_str(c->new_sha));
		rep_json_add(e, "decoded", json_object_new_boolean(c->decoded));
		rep_json_add(e, "lines", strvec_json(&c->lines));
		rep_json_add(e, "more_lines", rep_json_count(c->more));
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
			json_object_array_add(a, rep_json_str(r->versions.v[i].name));
	rep_json_add(o, "versions", a);
	rep_json_add(o, "machines", guest_machines_json(r));
	a = json_object_new_array();
	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "machine", rep_json_str(g->machines[d->machine].name));
		rep_json_add(e, "from", vname(&r->versions, d->from));
		rep_json_add(e, "to", vname(&r->versions, d->to));
		rep_json_add(e, "kind", rep_json_str(rep_guest_kind_name(d->kind)));
		rep_json_add(e, "item", rep_json_str(g->changes[d->change].item));
		rep_json_add(e, "change", rep_json_count(d->change));
		rep_json_add(e, "acknowledged", json_object_new_boolean(d->ack != NULL));
		rep_json_add(e, "ack", ack_json(d->ack));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "differences", a);
	rep_json_add(o, "changes", guest_changes_json(g));
	rep_json_add(o, "not_compared", not_compared_json(r, &g->pairs, guest_machine));
	return o;
}

/* The item names of a guest pair's differences. */
static json_object *guest_items_json(const struct rep_guest *g, const struct rep_pair *p)
{
	json_object *a = json_object_new_array();

	for (size_t i = p->first; i < p->first + p->ndiffs; i++)
		json_object_array_add(a, rep_json_str(g->changes[g->diffs[i].change].item));
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

		rep_json_add(e, "machine", rep_json_str(r->abi.machines[q->machine].name));
		rep_json_add(e, "from", vname(&r->versions, q->from));
		rep_json_add(e, "to", vname(&r->versions, q->to));
		rep_json_add(e, "differs", rep_json_str(d->guest_differs ? "guest" : "qemu"));
		rep_json_add(e, "qemu_equal", json_object_new_boolean(q->equal));
		rep_json_add(e, "qemu_breaks", rep_json_count(q->unacked + q->acked));
		rep_json_add(e, "guest_items", guest_items_json(&r->guest, g));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *abi_json(const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;
	json_object *o = json_object_new_object(), *a;

	rep_json_add(o, "acks_file", rep_json_str(abi->acks.path));
	a = json_object_new_array();
	for (size_t i = 0; i < abi->nmachines; i++) {
		const struct rep_abi_machine *m = &abi->machines[i];
		json_object *e = json_object_new_object(), *f = json_object_new_object();

		rep_json_add(e, "name", rep_json_str(m->name));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (m->fingerprint[k])
				rep_json_add(f, r->versions.v[k].name,
					     rep_json_str(m->fingerprint[k]));
		rep_json_add(e, "fingerprints", f);
		rep_json_add(e, "unacknowledged", json_object_new_int64((int64_t)m->breaks));
		rep_json_add(e, "acknowledged", json_object_new_int64((int64_t)m->acked));
		rep_json_add(e, "property_changes", json_object_new_int64((int64_t)m->props));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "machines", a);
	a = json_object_new_array();
	for (size_t i = 0; i < abi->ndiffs; i++) {
		const struct rep_abi_diff *d = &abi->diffs[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "machine", rep_json_str(d->machine));
		rep_json_add(e, "from", vname(&r->versions, d->from));
		rep_json_add(e, "to", vname(&r->versions, d->to));
		rep_json_add(e, "kind", rep_json_str(rep_abi_kind_name(d->kind)));
		rep_json_add(e, "break",
			     json_object_new_boolean(rep_abi_kind_is_break(d->kind)));
		rep_json_add(e, "object", rep_json_str(d->object));
		rep_json_add(e, "property", rep_json_str(d->property));
		rep_json_add(e, "old", rep_json_str(d->old_value));
		rep_json_add(e, "new", rep_json_str(d->new_value));
		rep_json_add(e, "acknowledged", json_object_new_boolean(d->ack != NULL));
		rep_json_add(e, "ack", ack_json(d->ack));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "differences", a);
	rep_json_add(o, "not_compared", not_compared_json(r, &abi->pairs, abi_machine));
	rep_json_add(o, "guest", guest_json(r));
	rep_json_add(o, "disagreements", disagreements_json(r));
	a = json_object_new_array();
	for (size_t i = 0; i < abi->acks.nr; i++) {
		const struct rep_ack *k = &abi->acks.v[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "line", json_object_new_int(k->line));
		rep_json_add(e, "machine", rep_json_str(k->machine));
		rep_json_add(e, "object", rep_json_str(k->object));
		rep_json_add(e, "property", rep_json_str(k->property));
		rep_json_add(e, "from", rep_json_str(k->from_s));
		rep_json_add(e, "to", rep_json_str(k->to_s));
		rep_json_add(e, "old", rep_json_str(k->old_value));
		rep_json_add(e, "new", rep_json_str(k->new_value));
		rep_json_add(e, "reason", rep_json_str(k->reason));
		rep_json_add(e, "used", json_object_new_int64((int64_t)k->used));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "acks", a);
	return o;
}

/* A compared source: its run, its argv as recorded and normalised. */
static json_object *map_source_json(const struct rep_map_source *src)
{
	json_object *so = json_object_new_object(), *opts = json_object_new_array();

	rep_json_add(so, "qemu", rep_json_str(src->qemu_name));
	rep_json_add(so, "libvirt", rep_json_str(src->libvirt));
	rep_json_add(so, "run", json_object_new_int64(src->run));
	rep_json_add(so, "status", rep_json_str(src->status));
	rep_json_add(so, "binary", rep_json_str(src->argv.binary));
	rep_json_add(so, "argv", json_tokener_parse(src->argv_json));
	for (size_t n = 0; n < src->argv.nr; n++) {
		json_object *op = json_object_new_object();

		rep_json_add(op, "option", rep_json_str(src->argv.v[n].key));
		rep_json_add(op, "value", rep_json_str(src->argv.v[n].text));
		json_object_array_add(opts, op);
	}
	rep_json_add(so, "normalised", opts);
	rep_json_add(so, "computed", json_object_new_boolean(src->computed));
	if (src->computed)
		rep_json_add(so, "notes", strvec_json(&src->notes));
	return so;
}

/* A run another virt-matrix made, not compared. */
static json_object *map_aside_json(const struct rep_map_source *src)
{
	json_object *so = json_object_new_object();

	rep_json_add(so, "qemu", rep_json_str(src->qemu_name));
	rep_json_add(so, "libvirt", rep_json_str(src->libvirt));
	rep_json_add(so, "run", json_object_new_int64(src->run));
	rep_json_add(so, "tool", rep_json_str(src->tool));
	return so;
}

static json_object *map_rows_json(const struct rep_map_scenario *s)
{
	json_object *a = json_object_new_array();

	for (size_t n = 0; n < s->nrows; n++) {
		json_object *ro = json_object_new_object(), *vals = json_object_new_array();

		rep_json_add(ro, "option", rep_json_str(s->rows[n].key));
		rep_json_add(ro, "differs", json_object_new_boolean(s->rows[n].differs));
		for (size_t k = 0; k < s->nsources; k++)
			json_object_array_add(vals, rep_json_str(s->rows[n].cells[k]));
		rep_json_add(ro, "values", vals);
		json_object_array_add(a, ro);
	}
	return a;
}

json_object *rep_json_map_changes(const struct rep_map_scenario *s)
{
	json_object *a = json_object_new_array();

	for (size_t n = 0; n < s->nchanges; n++) {
		const struct rep_map_change *c = &s->changes[n];
		json_object *co = json_object_new_object();

		rep_json_add(co, "option", rep_json_str(s->rows[c->row].key));
		rep_json_add(co, "dimension", rep_json_str(c->dimension));
		rep_json_add(co, "from", rep_json_str(c->from));
		rep_json_add(co, "to", rep_json_str(c->to));
		rep_json_add(co, "contexts", strvec_json(&c->contexts));
		rep_json_add(co, "old", rep_json_str(c->old_text));
		rep_json_add(co, "new", rep_json_str(c->new_text));
		rep_json_add(co, "detail", rep_json_str(c->detail));
		json_object_array_add(a, co);
	}
	return a;
}

static json_object *map_scenario_json(const struct rep_map_scenario *s)
{
	json_object *e = json_object_new_object(), *a = json_object_new_array();

	rep_json_add(e, "name", rep_json_str(s->name));
	for (size_t k = 0; k < s->nsources; k++)
		json_object_array_add(a, map_source_json(&s->sources[k]));
	rep_json_add(e, "sources", a);
	rep_json_add(e, "tool", rep_json_str(s->tool));
	a = json_object_new_array();
	for (size_t k = 0; k < s->naside; k++)
		json_object_array_add(a, map_aside_json(&s->aside[k]));
	rep_json_add(e, "not_compared", a);
	rep_json_add(e, "rows", map_rows_json(s));
	rep_json_add(e, "changes", rep_json_map_changes(s));
	return e;
}

/* The DTS corpus: per (file, VM), the mapper's argv per probed QEMU. */
static json_object *map_corpus_json(const struct rep_mapping *m)
{
	json_object *o = json_object_new_object(), *vms = json_object_new_array();

	rep_json_add(o, "dir", rep_json_str(m->corpus_dir));
	rep_json_add(o, "skipped", strvec_json(&m->corpus_skipped));
	for (size_t i = 0; i < m->ncorpus; i++) {
		const struct rep_map_scenario *s = &m->corpus[i];
		json_object *e = map_scenario_json(s);

		rep_json_add(e, "file", rep_json_str(s->file));
		rep_json_add(e, "vm", rep_json_str(s->vm));
		rep_json_add(e, "errors", strvec_json(&s->errors));
		json_object_array_add(vms, e);
	}
	rep_json_add(o, "vms", vms);
	return o;
}

static json_object *mapping_json(const struct rep_report *r)
{
	json_object *o = json_object_new_object(), *scns = json_object_new_array();

	for (size_t i = 0; i < r->mapping.nr; i++)
		json_object_array_add(scns, map_scenario_json(&r->mapping.v[i]));
	rep_json_add(o, "scenarios", scns);
	rep_json_add(o, "corpus", map_corpus_json(&r->mapping));
	rep_json_add(o, "libvirt_corpus", rep_json_lvcorpus(&r->lvcorpus));
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
			rep_json_add(e, "name", rep_json_str(it->name));
			if (!strcmp(it->kind, "property"))
				rep_json_add(e, "devices", strvec_json(&it->devices));
			rep_json_add(e, "first", vname(&r->versions, it->first));
			rep_json_add(e, "last", vname(&r->versions, it->last));
			rep_json_add(e, "present", presence(&r->versions, it->present, '1'));
			rep_json_add(e, "absent", presence(&r->versions, it->present, '0'));
			json_object_array_add(a, e);
		}
		rep_json_add(o, keys[k], a);
	}
	rep_json_add(o, "properties_with_device_span",
	    json_object_new_int64((int64_t)t->props_same_span));
	a = json_object_new_array();
	for (size_t i = 0; i < t->ndefaults; i++) {
		const struct rep_tl_default *d = &t->defaults[i];
		json_object *e = json_object_new_object(), *vals = json_object_new_object();

		rep_json_add(e, "property", rep_json_str(d->property));
		rep_json_add(e, "devices", strvec_json(&d->devices));
		for (size_t k = 0; k < r->versions.nr; k++)
			if (d->values[k])
				rep_json_add(vals, r->versions.v[k].name,
					     rep_json_str(d->values[k]));
		rep_json_add(e, "defaults", vals);
		json_object_array_add(a, e);
	}
	rep_json_add(o, "default_changes", a);
	return o;
}

json_object *rep_json_sweep(int have, const struct rep_sweep_ref *s)
{
	json_object *o;

	if (!have)
		return NULL;
	o = json_object_new_object();
	rep_json_add(o, "uuid", rep_json_str(s->uuid));
	rep_json_add(o, "label", rep_json_str(s->label));
	rep_json_add(o, "kind", rep_json_str(s->kind));
	rep_json_add(o, "started_at", rep_json_str(s->started_at));
	return o;
}

static json_object *matrix_json(const struct rep_report *r)
{
	const struct rep_matrix *m = &r->matrix;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	rep_json_add(o, "sweep", rep_json_sweep(m->have_cur, &m->cur));
	rep_json_add(o, "previous", rep_json_sweep(m->have_prev, &m->prev));
	rep_json_add(o, "scenarios", strvec_json(&m->scenarios));
	rep_json_add(o, "qemu", strvec_json(&m->qemus));
	rep_json_add(o, "libvirt", strvec_json(&m->libvirts));
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "scenario", rep_json_str(c->scenario));
		rep_json_add(e, "qemu", rep_json_str(c->qemu));
		rep_json_add(e, "libvirt", rep_json_str(c->libvirt));
		rep_json_add(e, "run", json_object_new_int64(c->run));
		rep_json_add(e, "status", rep_json_str(c->status));
		rep_json_add(e, "reason", rep_json_str(c->reason));
		rep_json_add(e, "seconds", json_object_new_double(c->seconds));
		rep_json_add(e, "accel", rep_json_str(c->accel));
		rep_json_add(e, "started_at", rep_json_str(c->started_at));
		rep_json_add(e, "current", json_object_new_boolean(c->current));
		rep_json_add(e, "from_sweep", rep_json_str(c->from_sweep));
		if (c->prev_run) {
			json_object *p = json_object_new_object();

			rep_json_add(p, "run", json_object_new_int64(c->prev_run));
			rep_json_add(p, "status", rep_json_str(c->prev_status));
			rep_json_add(e, "previous", p);
		} else {
			rep_json_add(e, "previous", NULL);
		}
		rep_json_add(e, "regression", json_object_new_boolean(c->regression));
		rep_json_add(e, "fixed", json_object_new_boolean(c->fixed));
		rep_json_add(e, "log", rep_json_str(c->log));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "cells", a);
	rep_json_add(o, "regressions", json_object_new_int64((int64_t)m->regressions));
	rep_json_add(o, "fixed", json_object_new_int64((int64_t)m->fixed));
	return o;
}

/* ---- migration ---- */

static json_object *vmstate_json(const struct rep_vmstate_check *v)
{
	json_object *o;

	if (!v)
		return NULL;
	o = json_object_new_object();
	rep_json_add(o, "state", rep_json_str(rep_vmstate_state_name(v->state)));
	rep_json_add(o, "errors", rep_json_count(v->errors));
	rep_json_add(o, "detail", rep_json_str(v->detail));
	return o;
}

static json_object *mig_previous_json(const struct rep_mig_cell *c)
{
	json_object *p;

	if (!c->has_prev)
		return NULL;
	p = json_object_new_object();
	rep_json_add(p, "status", rep_json_str(run_status_to_string(c->prev_verdict)));
	rep_json_add(p, "sweep", rep_json_str(c->prev_sweep));
	return p;
}

static json_object *mig_side_json(const struct rep_mig_cell *c)
{
	return c->side == MIG_SIDE_NONE ? NULL : rep_json_str(mig_side_to_string(c->side));
}

/* What a cell of the grids and one through libvirt both have. */
static json_object *mig_common_json(const struct rep_mig_cell *c)
{
	json_object *e = json_object_new_object();

	rep_json_add(e, "id", json_object_new_int64(c->id));
	rep_json_add(e, "machine", rep_json_str(c->machine));
	rep_json_add(e, "family", rep_json_str(c->family));
	rep_json_add(e, "control", json_object_new_boolean(c->control));
	rep_json_add(e, "status", rep_json_str(run_status_to_string(c->verdict)));
	rep_json_add(e, "side", mig_side_json(c));
	rep_json_add(e, "reason", rep_json_str(c->reason));
	rep_json_add(e, "seconds", json_object_new_double(c->seconds));
	rep_json_add(e, "started_at", rep_json_str(c->started_at));
	rep_json_add(e, "current", json_object_new_boolean(c->current));
	rep_json_add(e, "from_sweep", rep_json_str(c->from_sweep));
	rep_json_add(e, "previous", mig_previous_json(c));
	rep_json_add(e, "regression", json_object_new_boolean(c->regression));
	rep_json_add(e, "fixed", json_object_new_boolean(c->fixed));
	rep_json_add(e, "log", rep_json_str(c->log));
	return e;
}

static json_object *mig_cell_json(const struct rep_mig_cell *c)
{
	json_object *e = mig_common_json(c);

	rep_json_add(e, "mode", rep_json_str(mig_mode_to_string(c->mode)));
	rep_json_add(e, "source", rep_json_str(c->src));
	rep_json_add(e, "destination", rep_json_str(c->dst));
	rep_json_add(e, "source_sha256", rep_json_str(c->src_sha));
	rep_json_add(e, "destination_sha256", rep_json_str(c->dst_sha));
	rep_json_add(e, "source_seconds", json_object_new_double(c->src_seconds));
	rep_json_add(e, "qemu_abi", rep_json_str(rep_fp_cmp_name(c->abi)));
	rep_json_add(e, "guest_view", rep_json_str(rep_fp_cmp_name(c->guest)));
	rep_json_add(e, "vmstate", vmstate_json(c->vmstate));
	rep_json_add(e, "disagreement",
		     rep_json_str(rep_mig_disagreement_name(c->disagreement)));
	return e;
}

/* QEMU's own migration beside one through libvirt. */
static json_object *mig_direct_json(const struct rep_mig_cell *d)
{
	json_object *o;

	if (!d)
		return NULL;
	o = json_object_new_object();
	rep_json_add(o, "mode", rep_json_str(mig_mode_to_string(d->mode)));
	rep_json_add(o, "status", rep_json_str(run_status_to_string(d->verdict)));
	rep_json_add(o, "side", mig_side_json(d));
	rep_json_add(o, "reason", rep_json_str(d->reason));
	rep_json_add(o, "current", json_object_new_boolean(d->current));
	rep_json_add(o, "id", json_object_new_int64(d->id));
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

		rep_json_add(e, "src_libvirt", rep_json_str(c->src_libvirt));
		rep_json_add(e, "src_qemu", rep_json_str(c->src));
		rep_json_add(e, "dst_libvirt", rep_json_str(c->dst_libvirt));
		rep_json_add(e, "dst_qemu", rep_json_str(c->dst));
		rep_json_add(e, "src_sha256", rep_json_str(c->src_sha));
		rep_json_add(e, "dst_sha256", rep_json_str(c->dst_sha));
		rep_json_add(e, "direct", mig_direct_json(x->direct));
		rep_json_add(e, "disagreement",
			     rep_json_str(rep_lv_disagreement_name(x->disagreement)));
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

		rep_json_add(e, "mode", rep_json_str(mig_mode_to_string(mode)));
		rep_json_add(e, "migrations", rep_json_count(k->cells));
		for (int v = 0; v < RUN_STATUS_LAST; v++)
			rep_json_add(e, run_status_to_string(v), rep_json_count(k->n[v]));
		rep_json_add(e, "controls", rep_json_count(k->controls));
		rep_json_add(e, "controls_failed", rep_json_count(k->controls_failed));
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

		rep_json_add(e, "machine", rep_json_str(g->machine));
		rep_json_add(e, "family", rep_json_str(g->family));
		rep_json_add(e, "mode", rep_json_str(mig_mode_to_string(g->mode)));
		rep_json_add(e, "versions", strvec_json(&g->versions));
		for (size_t s = 0; s < n; s++) {
			json_object *row = json_object_new_array();

			for (size_t d = 0; d < n; d++) {
				long c = g->cell[s * n + d];

				json_object_array_add(row, c < 0 ? NULL : rep_json_count((size_t)c));
			}
			json_object_array_add(rows, row);
		}
		rep_json_add(e, "cells", rows);
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *migration_json(const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	const struct rep_mig_libvirt *lv = &r->mig_libvirt;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	rep_json_add(o, "sweep", rep_json_sweep(m->have_cur, &m->cur));
	rep_json_add(o, "previous", rep_json_sweep(m->have_prev, &m->prev));
	rep_json_add(o, "versions", strvec_json(&m->versions));
	rep_json_add(o, "machines", strvec_json(&m->machines));
	rep_json_add(o, "modes", mig_modes_json(r));
	for (size_t i = 0; i < m->ncells; i++)
		json_object_array_add(a, mig_cell_json(&m->cells[i]));
	rep_json_add(o, "cells", a);
	rep_json_add(o, "grids", mig_grids_json(m));
	a = json_object_new_array();
	for (size_t i = 0; i < m->npredictions; i++)
		json_object_array_add(a, rep_json_count(m->predictions[i]));
	rep_json_add(o, "predictions", a);
	rep_json_add(o, "equal_but_fails", rep_json_count(m->equal_but_fails));
	rep_json_add(o, "differs_but_passes", rep_json_count(m->differs_but_passes));
	rep_json_add(o, "regressions", rep_json_count(m->regressions));
	rep_json_add(o, "fixed", rep_json_count(m->fixed));
	rep_json_add(o, "libvirt", mig_libvirt_json(lv));
	rep_json_add(o, "libvirt_fails_direct_passes", rep_json_count(lv->fails_direct_passes));
	rep_json_add(o, "libvirt_passes_direct_fails", rep_json_count(lv->passes_direct_fails));
	rep_json_add(o, "libvirt_regressions", rep_json_count(lv->regressions));
	rep_json_add(o, "libvirt_fixed", rep_json_count(lv->fixed));
	return o;
}

void rep_write_json(const struct rep_report *r, struct strbuf *out)
{
	static const char *const parts[] = { "abi", "mapping", "caps", "matrix", "migration" };
	json_object *o = json_object_new_object(), *a = json_object_new_array(), *s;

	rep_json_add(o, "schema", rep_json_str("virt-matrix-report/1"));
	rep_json_add(o, "generated_at", rep_json_str(r->generated_at));
	rep_json_add(o, "store", rep_json_str(r->store_path));
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (r->parts & (1u << i))
			json_object_array_add(a, rep_json_str(parts[i]));
	rep_json_add(o, "parts", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->versions.nr; i++) {
		const struct rep_qemu *q = &r->versions.v[i];
		json_object *e = json_object_new_object();

		rep_json_add(e, "name", rep_json_str(q->name));
		rep_json_add(e, "version", rep_json_str(q->version));
		rep_json_add(e, "binary", rep_json_str(q->binary_path));
		rep_json_add(e, "probed", json_object_new_boolean(q->binary != 0));
		json_object_array_add(a, e);
	}
	rep_json_add(o, "qemu_versions", a);
	s = json_object_new_object();
	rep_json_add(s, "abi_unacknowledged", json_object_new_int64((int64_t)r->abi.unacked));
	rep_json_add(s, "abi_acknowledged", json_object_new_int64((int64_t)r->abi.acked));
	rep_json_add(s, "abi_property_changes", json_object_new_int64((int64_t)r->abi.props));
	rep_json_add(s, "guest_unacknowledged", rep_json_count(r->guest.unacked));
	rep_json_add(s, "guest_acknowledged", rep_json_count(r->guest.acked));
	rep_json_add(s, "disagreements", rep_json_count(r->views.nr));
	rep_json_add(s, "regressions", json_object_new_int64((int64_t)r->matrix.regressions));
	rep_json_add(s, "fixed", json_object_new_int64((int64_t)r->matrix.fixed));
	rep_json_add(s, "migration_regressions", rep_json_count(rep_migration_regressions(r)));
	rep_json_add(s, "migration_fixed",
		     rep_json_count(r->migration.fixed + r->mig_libvirt.fixed));
	rep_json_add(s, "migration_disagreements",
	    rep_json_count(r->migration.equal_but_fails + r->migration.differs_but_passes));
	rep_json_add(s, "migration_libvirt_disagreements",
	    rep_json_count(r->mig_libvirt.fails_direct_passes + r->mig_libvirt.passes_direct_fails));
	rep_json_add(o, "summary", s);
	rep_json_add(o, "abi", r->parts & REP_ABI ? abi_json(r) : NULL);
	rep_json_add(o, "mapping", r->parts & REP_MAPPING ? mapping_json(r) : NULL);
	rep_json_add(o, "caps", r->parts & REP_CAPS ? caps_json(r) : NULL);
	rep_json_add(o, "matrix", r->parts & REP_MATRIX ? matrix_json(r) : NULL);
	rep_json_add(o, "migration", r->parts & REP_MIGRATION ? migration_json(r) : NULL);
	sb_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	sb_putc(out, '\n');
	json_object_put(o);
}
