/*
 * The JSON writer: the whole model as one document whose schema is
 * "virt-matrix-report/1", documented field by field in
 * reports/README.md. Fields are only ever added within a schema
 * version; a change of meaning or a removal makes it /2. Versions are
 * always install names (what 'virt-matrix ark list' shows). The text
 * is streamed into the output as it is made (lib/jsonw.h), in json-c's
 * pretty layout, never held as a tree: a large lab's report is
 * hundreds of megabytes.
 */
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "json_kit.h"
#include "banned.h"

static void vname(struct jsonw *w, const struct rep_versions *v, int i)
{
	jsonw_string(w, i >= 0 ? rep_vname(v, i) : NULL);
}

static void kvname(struct jsonw *w, const char *key,
		   const struct rep_versions *v, int i)
{
	jsonw_key(w, key);
	vname(w, v, i);
}

/* The versions whose presence char is c. */
static void presence(struct jsonw *w, const struct rep_versions *v,
		     const char *p, char c)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < v->nr; i++)
		if (p[i] == c)
			jsonw_string(w, v->v[i].name);
	jsonw_array_end(w);
}

static void ack_json(struct jsonw *w, const struct rep_ack *ack)
{
	if (!ack) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_kint(w, "line", ack->line);
	jsonw_kstring(w, "reason", ack->reason);
	jsonw_object_end(w);
}

/* The pairs of one side recorded by different definitions. */
static void not_compared_json(struct jsonw *w, const struct rep_report *r,
			      const struct rep_pairs *pairs,
			      const char *(*name)(const struct rep_report *,
						  size_t))
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < pairs->nr; i++) {
		const struct rep_pair *p = &pairs->v[i];

		if (p->compared)
			continue;
		jsonw_object_begin(w);
		jsonw_kstring(w, "machine", name(r, p->machine));
		kvname(w, "from", &r->versions, p->from);
		kvname(w, "to", &r->versions, p->to);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static const char *abi_machine(const struct rep_report *r, size_t m)
{
	return r->abi.machines[m].name;
}

static const char *guest_machine(const struct rep_report *r, size_t m)
{
	return r->guest.machines[m].name;
}

/* {version: fingerprint} for the versions that have one. */
static void fingerprints(struct jsonw *w, const struct rep_report *r,
			 char *const *fp)
{
	jsonw_kobject(w, "fingerprints");
	for (size_t k = 0; k < r->versions.nr; k++)
		if (fp[k])
			jsonw_kstring(w, r->versions.v[k].name, fp[k]);
	jsonw_object_end(w);
}

static void guest_machines_json(struct jsonw *w, const struct rep_report *r)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < r->guest.nmachines; i++) {
		const struct rep_guest_machine *m = &r->guest.machines[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "name", m->name);
		fingerprints(w, r, m->fingerprint);
		jsonw_ksize(w, "unacknowledged", m->unacked);
		jsonw_ksize(w, "acknowledged", m->acked);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void guest_changes_json(struct jsonw *w, const struct rep_guest *g)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < g->nchanges; i++) {
		const struct rep_guest_change *c = &g->changes[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "item", c->item);
		jsonw_kstring(w, "old_sha256", c->old_sha);
		jsonw_kstring(w, "new_sha256", c->new_sha);
		jsonw_kbool(w, "decoded", c->decoded);
		jsonw_kstrvec(w, "lines", &c->lines);
		jsonw_ksize(w, "more_lines", c->more);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void guest_json(struct jsonw *w, const struct rep_report *r)
{
	const struct rep_guest *g = &r->guest;

	jsonw_object_begin(w);
	jsonw_karray(w, "versions");
	for (size_t i = 0; i < r->versions.nr; i++)
		if (r->versions.v[i].binary && r->versions.v[i].has_guest)
			jsonw_string(w, r->versions.v[i].name);
	jsonw_array_end(w);
	jsonw_key(w, "machines");
	guest_machines_json(w, r);
	jsonw_karray(w, "differences");
	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "machine", g->machines[d->machine].name);
		kvname(w, "from", &r->versions, d->from);
		kvname(w, "to", &r->versions, d->to);
		jsonw_kstring(w, "kind", rep_guest_kind_name(d->kind));
		jsonw_kstring(w, "item", g->changes[d->change].item);
		jsonw_ksize(w, "change", d->change);
		jsonw_kbool(w, "acknowledged", d->ack != NULL);
		jsonw_key(w, "ack");
		ack_json(w, d->ack);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_key(w, "changes");
	guest_changes_json(w, g);
	jsonw_key(w, "not_compared");
	not_compared_json(w, r, &g->pairs, guest_machine);
	jsonw_object_end(w);
}

/* The item names of a guest pair's differences. */
static void guest_items_json(struct jsonw *w, const struct rep_guest *g,
			     const struct rep_pair *p)
{
	jsonw_array_begin(w);
	for (size_t i = p->first; i < p->first + p->ndiffs; i++)
		jsonw_string(w, g->changes[g->diffs[i].change].item);
	jsonw_array_end(w);
}

static void disagreements_json(struct jsonw *w, const struct rep_report *r)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < r->views.nr; i++) {
		const struct rep_disagreement *d = &r->views.v[i];
		const struct rep_pair *q = &r->abi.pairs.v[d->qemu];
		const struct rep_pair *g = &r->guest.pairs.v[d->guest];

		jsonw_object_begin(w);
		jsonw_kstring(w, "machine", r->abi.machines[q->machine].name);
		kvname(w, "from", &r->versions, q->from);
		kvname(w, "to", &r->versions, q->to);
		jsonw_kstring(w, "differs",
			      d->guest_differs ? "guest" : "qemu");
		jsonw_kbool(w, "qemu_equal", q->equal);
		jsonw_ksize(w, "qemu_breaks", q->unacked + q->acked);
		jsonw_key(w, "guest_items");
		guest_items_json(w, &r->guest, g);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void abi_json(struct jsonw *w, const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;

	jsonw_object_begin(w);
	jsonw_kstring(w, "acks_file", abi->acks.path);
	jsonw_karray(w, "machines");
	for (size_t i = 0; i < abi->nmachines; i++) {
		const struct rep_abi_machine *m = &abi->machines[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "name", m->name);
		fingerprints(w, r, m->fingerprint);
		jsonw_kint(w, "unacknowledged", (long long)m->breaks);
		jsonw_kint(w, "acknowledged", (long long)m->acked);
		jsonw_kint(w, "property_changes", (long long)m->props);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_karray(w, "differences");
	for (size_t i = 0; i < abi->ndiffs; i++) {
		const struct rep_abi_diff *d = &abi->diffs[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "machine", d->machine);
		kvname(w, "from", &r->versions, d->from);
		kvname(w, "to", &r->versions, d->to);
		jsonw_kstring(w, "kind", rep_abi_kind_name(d->kind));
		jsonw_kbool(w, "break", rep_abi_kind_is_break(d->kind));
		jsonw_kstring(w, "object", d->object);
		jsonw_kstring(w, "property", d->property);
		jsonw_kstring(w, "old", d->old_value);
		jsonw_kstring(w, "new", d->new_value);
		jsonw_kbool(w, "acknowledged", d->ack != NULL);
		jsonw_key(w, "ack");
		ack_json(w, d->ack);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_key(w, "not_compared");
	not_compared_json(w, r, &abi->pairs, abi_machine);
	jsonw_key(w, "guest");
	guest_json(w, r);
	jsonw_key(w, "disagreements");
	disagreements_json(w, r);
	jsonw_karray(w, "acks");
	for (size_t i = 0; i < abi->acks.nr; i++) {
		const struct rep_ack *k = &abi->acks.v[i];

		jsonw_object_begin(w);
		jsonw_kint(w, "line", k->line);
		jsonw_kstring(w, "machine", k->machine);
		jsonw_kstring(w, "object", k->object);
		jsonw_kstring(w, "property", k->property);
		jsonw_kstring(w, "from", k->from_s);
		jsonw_kstring(w, "to", k->to_s);
		jsonw_kstring(w, "old", k->old_value);
		jsonw_kstring(w, "new", k->new_value);
		jsonw_kstring(w, "reason", k->reason);
		jsonw_kint(w, "used", (long long)k->used);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_object_end(w);
}

/* A source's argv as recorded: the JSON array in the store, or null. */
static void recorded_argv(struct jsonw *w, const char *argv_json)
{
	json_object *o = json_tokener_parse(argv_json);

	jsonw_json(w, o);
	json_object_put(o);
}

/* A compared source: its run, its argv as recorded and normalised. */
static void map_source_json(struct jsonw *w, const struct rep_map_source *src)
{
	jsonw_object_begin(w);
	jsonw_kstring(w, "qemu", src->qemu_name);
	jsonw_kstring(w, "libvirt", src->libvirt);
	jsonw_kint(w, "run", src->run);
	jsonw_kstring(w, "status", src->status);
	jsonw_kstring(w, "binary", src->argv.binary);
	jsonw_key(w, "argv");
	recorded_argv(w, src->argv_json);
	jsonw_karray(w, "normalised");
	for (size_t n = 0; n < src->argv.nr; n++) {
		jsonw_object_begin(w);
		jsonw_kstring(w, "option", src->argv.v[n].key);
		jsonw_kstring(w, "value", src->argv.v[n].text);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_kbool(w, "computed", src->computed);
	if (src->computed)
		jsonw_kstrvec(w, "notes", &src->notes);
	jsonw_object_end(w);
}

/* A run another virt-matrix made, not compared. */
static void map_aside_json(struct jsonw *w, const struct rep_map_source *src)
{
	jsonw_object_begin(w);
	jsonw_kstring(w, "qemu", src->qemu_name);
	jsonw_kstring(w, "libvirt", src->libvirt);
	jsonw_kint(w, "run", src->run);
	jsonw_kstring(w, "tool", src->tool);
	jsonw_object_end(w);
}

static void map_rows_json(struct jsonw *w, const struct rep_map_scenario *s)
{
	jsonw_array_begin(w);
	for (size_t n = 0; n < s->nrows; n++) {
		jsonw_object_begin(w);
		jsonw_kstring(w, "option", s->rows[n].key);
		jsonw_kbool(w, "differs", s->rows[n].differs);
		jsonw_karray(w, "values");
		for (size_t k = 0; k < s->nsources; k++)
			jsonw_string(w, s->rows[n].cells[k]);
		jsonw_array_end(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

void rep_jsonw_map_changes(struct jsonw *w, const struct rep_map_scenario *s)
{
	jsonw_array_begin(w);
	for (size_t n = 0; n < s->nchanges; n++) {
		const struct rep_map_change *c = &s->changes[n];

		jsonw_object_begin(w);
		jsonw_kstring(w, "option", s->rows[c->row].key);
		jsonw_kstring(w, "dimension", c->dimension);
		jsonw_kstring(w, "from", c->from);
		jsonw_kstring(w, "to", c->to);
		jsonw_kstrvec(w, "contexts", &c->contexts);
		jsonw_kstring(w, "old", c->old_text);
		jsonw_kstring(w, "new", c->new_text);
		jsonw_kstring(w, "detail", c->detail);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

/* A scenario's members, in an object the caller opened (and closes). */
static void map_scenario_fields(struct jsonw *w,
				const struct rep_map_scenario *s)
{
	jsonw_kstring(w, "name", s->name);
	jsonw_karray(w, "sources");
	for (size_t k = 0; k < s->nsources; k++)
		map_source_json(w, &s->sources[k]);
	jsonw_array_end(w);
	jsonw_kstring(w, "tool", s->tool);
	jsonw_karray(w, "not_compared");
	for (size_t k = 0; k < s->naside; k++)
		map_aside_json(w, &s->aside[k]);
	jsonw_array_end(w);
	jsonw_key(w, "rows");
	map_rows_json(w, s);
	jsonw_key(w, "changes");
	rep_jsonw_map_changes(w, s);
}

/* The DTS corpus: per (file, VM), the mapper's argv per probed QEMU. */
static void map_corpus_json(struct jsonw *w, const struct rep_mapping *m)
{
	jsonw_object_begin(w);
	jsonw_kstring(w, "dir", m->corpus_dir);
	jsonw_kstrvec(w, "skipped", &m->corpus_skipped);
	jsonw_karray(w, "vms");
	for (size_t i = 0; i < m->ncorpus; i++) {
		const struct rep_map_scenario *s = &m->corpus[i];

		jsonw_object_begin(w);
		map_scenario_fields(w, s);
		jsonw_kstring(w, "file", s->file);
		jsonw_kstring(w, "vm", s->vm);
		jsonw_kstrvec(w, "errors", &s->errors);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_object_end(w);
}

static void mapping_json(struct jsonw *w, const struct rep_report *r)
{
	jsonw_object_begin(w);
	jsonw_karray(w, "scenarios");
	for (size_t i = 0; i < r->mapping.nr; i++) {
		jsonw_object_begin(w);
		map_scenario_fields(w, &r->mapping.v[i]);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_key(w, "corpus");
	map_corpus_json(w, &r->mapping);
	jsonw_key(w, "libvirt_corpus");
	rep_jsonw_lvcorpus(w, &r->lvcorpus);
	jsonw_object_end(w);
}

static void caps_json(struct jsonw *w, const struct rep_report *r)
{
	static const char *const kinds[] = {"machine", "device", "property",
					    "command"};
	static const char *const keys[] = {"machines", "devices", "properties",
					   "commands"};
	const struct rep_timeline *t = &r->caps;

	jsonw_object_begin(w);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		jsonw_karray(w, keys[k]);
		for (size_t i = 0; i < t->nitems; i++) {
			const struct rep_tl_item *it = &t->items[i];

			if (strcmp(it->kind, kinds[k]))
				continue;
			jsonw_object_begin(w);
			jsonw_kstring(w, "name", it->name);
			if (!strcmp(it->kind, "property"))
				jsonw_kstrvec(w, "devices", &it->devices);
			kvname(w, "first", &r->versions, it->first);
			kvname(w, "last", &r->versions, it->last);
			jsonw_key(w, "present");
			presence(w, &r->versions, it->present, '1');
			jsonw_key(w, "absent");
			presence(w, &r->versions, it->present, '0');
			jsonw_object_end(w);
		}
		jsonw_array_end(w);
	}
	jsonw_kint(w, "properties_with_device_span",
		   (long long)t->props_same_span);
	jsonw_karray(w, "default_changes");
	for (size_t i = 0; i < t->ndefaults; i++) {
		const struct rep_tl_default *d = &t->defaults[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "property", d->property);
		jsonw_kstrvec(w, "devices", &d->devices);
		jsonw_kobject(w, "defaults");
		for (size_t k = 0; k < r->versions.nr; k++)
			if (d->values[k])
				jsonw_kstring(w, r->versions.v[k].name,
					      d->values[k]);
		jsonw_object_end(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_object_end(w);
}

void rep_jsonw_sweep(struct jsonw *w, int have, const struct rep_sweep_ref *s)
{
	if (!have) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_kstring(w, "uuid", s->uuid);
	jsonw_kstring(w, "label", s->label);
	jsonw_kstring(w, "kind", s->kind);
	jsonw_kstring(w, "started_at", s->started_at);
	jsonw_object_end(w);
}

static void ksweep(struct jsonw *w, const char *key, int have,
		   const struct rep_sweep_ref *s)
{
	jsonw_key(w, key);
	rep_jsonw_sweep(w, have, s);
}

static void matrix_json(struct jsonw *w, const struct rep_report *r)
{
	const struct rep_matrix *m = &r->matrix;

	jsonw_object_begin(w);
	ksweep(w, "sweep", m->have_cur, &m->cur);
	ksweep(w, "previous", m->have_prev, &m->prev);
	jsonw_kstrvec(w, "scenarios", &m->scenarios);
	jsonw_kstrvec(w, "qemu", &m->qemus);
	jsonw_kstrvec(w, "libvirt", &m->libvirts);
	jsonw_karray(w, "cells");
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];

		jsonw_object_begin(w);
		jsonw_kstring(w, "scenario", c->scenario);
		jsonw_kstring(w, "qemu", c->qemu);
		jsonw_kstring(w, "libvirt", c->libvirt);
		jsonw_kint(w, "run", c->run);
		jsonw_kstring(w, "status", c->status);
		jsonw_kstring(w, "reason", c->reason);
		jsonw_kdouble(w, "seconds", c->seconds);
		jsonw_kstring(w, "accel", c->accel);
		jsonw_kstring(w, "started_at", c->started_at);
		jsonw_kbool(w, "current", c->current);
		jsonw_kstring(w, "from_sweep", c->from_sweep);
		if (c->prev_run) {
			jsonw_kobject(w, "previous");
			jsonw_kint(w, "run", c->prev_run);
			jsonw_kstring(w, "status", c->prev_status);
			jsonw_object_end(w);
		} else {
			jsonw_knull(w, "previous");
		}
		jsonw_kbool(w, "regression", c->regression);
		jsonw_kbool(w, "fixed", c->fixed);
		jsonw_kstring(w, "log", c->log);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_kint(w, "regressions", (long long)m->regressions);
	jsonw_kint(w, "fixed", (long long)m->fixed);
	jsonw_object_end(w);
}

/* ---- migration ---- */

static void vmstate_json(struct jsonw *w, const struct rep_vmstate_check *v)
{
	if (!v) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_kstring(w, "state", rep_vmstate_state_name(v->state));
	jsonw_ksize(w, "errors", v->errors);
	jsonw_kstring(w, "detail", v->detail);
	jsonw_object_end(w);
}

static void mig_previous_json(struct jsonw *w, const struct rep_mig_cell *c)
{
	if (!c->has_prev) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_kstring(w, "status", run_status_to_string(c->prev_verdict));
	jsonw_kstring(w, "sweep", c->prev_sweep);
	jsonw_object_end(w);
}

static void mig_side_json(struct jsonw *w, const struct rep_mig_cell *c)
{
	jsonw_kstring(w, "side",
		      c->side == MIG_SIDE_NONE ? NULL
					       : mig_side_to_string(c->side));
}

/* What a cell of the grids and one through libvirt both have: members. */
static void mig_common_fields(struct jsonw *w, const struct rep_mig_cell *c)
{
	jsonw_kint(w, "id", c->id);
	jsonw_kstring(w, "machine", c->machine);
	jsonw_kstring(w, "family", c->family);
	jsonw_kbool(w, "control", c->control);
	jsonw_kstring(w, "status", run_status_to_string(c->verdict));
	mig_side_json(w, c);
	jsonw_kstring(w, "reason", c->reason);
	jsonw_kdouble(w, "seconds", c->seconds);
	jsonw_kstring(w, "started_at", c->started_at);
	jsonw_kbool(w, "current", c->current);
	jsonw_kstring(w, "from_sweep", c->from_sweep);
	jsonw_key(w, "previous");
	mig_previous_json(w, c);
	jsonw_kbool(w, "regression", c->regression);
	jsonw_kbool(w, "fixed", c->fixed);
	jsonw_kstring(w, "log", c->log);
}

static void mig_cell_json(struct jsonw *w, const struct rep_mig_cell *c)
{
	jsonw_object_begin(w);
	mig_common_fields(w, c);
	jsonw_kstring(w, "mode", mig_mode_to_string(c->mode));
	jsonw_kstring(w, "source", c->src);
	jsonw_kstring(w, "destination", c->dst);
	jsonw_kstring(w, "source_sha256", c->src_sha);
	jsonw_kstring(w, "destination_sha256", c->dst_sha);
	jsonw_kdouble(w, "source_seconds", c->src_seconds);
	jsonw_kstring(w, "qemu_abi", rep_fp_cmp_name(c->abi));
	jsonw_kstring(w, "guest_view", rep_fp_cmp_name(c->guest));
	jsonw_key(w, "vmstate");
	vmstate_json(w, c->vmstate);
	jsonw_kstring(w, "disagreement",
		      rep_mig_disagreement_name(c->disagreement));
	jsonw_object_end(w);
}

/* QEMU's own migration beside one through libvirt. */
static void mig_direct_json(struct jsonw *w, const struct rep_mig_cell *d)
{
	if (!d) {
		jsonw_null(w);
		return;
	}
	jsonw_object_begin(w);
	jsonw_kstring(w, "mode", mig_mode_to_string(d->mode));
	jsonw_kstring(w, "status", run_status_to_string(d->verdict));
	mig_side_json(w, d);
	jsonw_kstring(w, "reason", d->reason);
	jsonw_kbool(w, "current", d->current);
	jsonw_kint(w, "id", d->id);
	jsonw_object_end(w);
}

/* The migrations through libvirt, in the order shown. */
static void mig_libvirt_json(struct jsonw *w, const struct rep_mig_libvirt *lv)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < lv->ncells; i++) {
		const struct rep_mig_cell *c = &lv->cells[lv->order[i]];
		const struct rep_mig_lv *x = &lv->lv[lv->order[i]];

		jsonw_object_begin(w);
		mig_common_fields(w, c);
		jsonw_kstring(w, "src_libvirt", c->src_libvirt);
		jsonw_kstring(w, "src_qemu", c->src);
		jsonw_kstring(w, "dst_libvirt", c->dst_libvirt);
		jsonw_kstring(w, "dst_qemu", c->dst);
		jsonw_kstring(w, "src_sha256", c->src_sha);
		jsonw_kstring(w, "dst_sha256", c->dst_sha);
		jsonw_key(w, "direct");
		mig_direct_json(w, x->direct);
		jsonw_kstring(w, "disagreement",
			      rep_lv_disagreement_name(x->disagreement));
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void mig_modes_json(struct jsonw *w, const struct rep_report *r)
{
	jsonw_array_begin(w);
	for (int mode = 0; mode < MIG_MODE_LAST; mode++) {
		const struct rep_mig_counts *k = rep_mig_counts_of(r, mode);

		jsonw_object_begin(w);
		jsonw_kstring(w, "mode", mig_mode_to_string(mode));
		jsonw_ksize(w, "migrations", k->cells);
		for (int v = 0; v < RUN_STATUS_LAST; v++)
			jsonw_ksize(w, run_status_to_string(v), k->n[v]);
		jsonw_ksize(w, "controls", k->controls);
		jsonw_ksize(w, "controls_failed", k->controls_failed);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void mig_grids_json(struct jsonw *w, const struct rep_migration *m)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < m->ngrids; i++) {
		const struct rep_mig_grid *g = &m->grids[i];
		size_t n = g->versions.nr;

		jsonw_object_begin(w);
		jsonw_kstring(w, "machine", g->machine);
		jsonw_kstring(w, "family", g->family);
		jsonw_kstring(w, "mode", mig_mode_to_string(g->mode));
		jsonw_kstrvec(w, "versions", &g->versions);
		jsonw_karray(w, "cells");
		for (size_t s = 0; s < n; s++) {
			jsonw_array_begin(w);
			for (size_t d = 0; d < n; d++) {
				long c = g->cell[s * n + d];

				if (c < 0)
					jsonw_null(w);
				else
					jsonw_size(w, (size_t)c);
			}
			jsonw_array_end(w);
		}
		jsonw_array_end(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void migration_json(struct jsonw *w, const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	const struct rep_mig_libvirt *lv = &r->mig_libvirt;

	jsonw_object_begin(w);
	ksweep(w, "sweep", m->have_cur, &m->cur);
	ksweep(w, "previous", m->have_prev, &m->prev);
	jsonw_kstrvec(w, "versions", &m->versions);
	jsonw_kstrvec(w, "machines", &m->machines);
	jsonw_key(w, "modes");
	mig_modes_json(w, r);
	jsonw_karray(w, "cells");
	for (size_t i = 0; i < m->ncells; i++)
		mig_cell_json(w, &m->cells[i]);
	jsonw_array_end(w);
	jsonw_key(w, "grids");
	mig_grids_json(w, m);
	jsonw_karray(w, "predictions");
	for (size_t i = 0; i < m->npredictions; i++)
		jsonw_size(w, m->predictions[i]);
	jsonw_array_end(w);
	jsonw_ksize(w, "equal_but_fails", m->equal_but_fails);
	jsonw_ksize(w, "differs_but_passes", m->differs_but_passes);
	jsonw_ksize(w, "regressions", m->regressions);
	jsonw_ksize(w, "fixed", m->fixed);
	jsonw_key(w, "libvirt");
	mig_libvirt_json(w, lv);
	jsonw_ksize(w, "libvirt_fails_direct_passes", lv->fails_direct_passes);
	jsonw_ksize(w, "libvirt_passes_direct_fails", lv->passes_direct_fails);
	jsonw_ksize(w, "libvirt_regressions", lv->regressions);
	jsonw_ksize(w, "libvirt_fixed", lv->fixed);
	jsonw_object_end(w);
}

static void summary_json(struct jsonw *w, const struct rep_report *r)
{
	jsonw_kobject(w, "summary");
	jsonw_kint(w, "abi_unacknowledged", (long long)r->abi.unacked);
	jsonw_kint(w, "abi_acknowledged", (long long)r->abi.acked);
	jsonw_kint(w, "abi_property_changes", (long long)r->abi.props);
	jsonw_ksize(w, "guest_unacknowledged", r->guest.unacked);
	jsonw_ksize(w, "guest_acknowledged", r->guest.acked);
	jsonw_ksize(w, "disagreements", r->views.nr);
	jsonw_kint(w, "regressions", (long long)r->matrix.regressions);
	jsonw_kint(w, "fixed", (long long)r->matrix.fixed);
	jsonw_ksize(w, "migration_regressions", rep_migration_regressions(r));
	jsonw_ksize(w, "migration_fixed",
		    r->migration.fixed + r->mig_libvirt.fixed);
	jsonw_ksize(w, "migration_disagreements",
		    r->migration.equal_but_fails +
			r->migration.differs_but_passes);
	jsonw_ksize(w, "migration_libvirt_disagreements",
		    r->mig_libvirt.fails_direct_passes +
			r->mig_libvirt.passes_direct_fails);
	jsonw_object_end(w);
}

void rep_write_json(const struct rep_report *r, struct strbuf *out)
{
	static const char *const parts[] = {"abi", "mapping", "caps", "matrix",
					    "migration"};
	static const struct {
		const char *key;
		unsigned part;
		void (*write)(struct jsonw *, const struct rep_report *);
	} sections[] = {
	    {"abi", REP_ABI, abi_json},
	    {"mapping", REP_MAPPING, mapping_json},
	    {"caps", REP_CAPS, caps_json},
	    {"matrix", REP_MATRIX, matrix_json},
	    {"migration", REP_MIGRATION, migration_json},
	};
	struct jsonw w;

	jsonw_init(&w, out);
	jsonw_object_begin(&w);
	jsonw_kstring(&w, "schema", "virt-matrix-report/1");
	jsonw_kstring(&w, "generated_at", r->generated_at);
	jsonw_kstring(&w, "store", r->store_path);
	jsonw_karray(&w, "parts");
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (r->parts & (1u << i))
			jsonw_string(&w, parts[i]);
	jsonw_array_end(&w);
	jsonw_karray(&w, "qemu_versions");
	for (size_t i = 0; i < r->versions.nr; i++) {
		const struct rep_qemu *q = &r->versions.v[i];

		jsonw_object_begin(&w);
		jsonw_kstring(&w, "name", q->name);
		jsonw_kstring(&w, "version", q->version);
		jsonw_kstring(&w, "binary", q->binary_path);
		jsonw_kbool(&w, "probed", q->binary != 0);
		jsonw_object_end(&w);
	}
	jsonw_array_end(&w);
	summary_json(&w, r);
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		jsonw_key(&w, sections[i].key);
		if (r->parts & sections[i].part)
			sections[i].write(&w, r);
		else
			jsonw_null(&w);
	}
	jsonw_object_end(&w);
	sb_putc(out, '\n');
}
