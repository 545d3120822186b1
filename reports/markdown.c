/*
 * The Markdown writer (GitHub/GitLab flavour): the same sections as the
 * HTML report as pipe tables, for merge requests, wikis and chat. Cells
 * go through rep_md_cell (pipes, markup and HTML escaped). Long lists of
 * machine or device types are shortened to their first names and a
 * count; the JSON report has them all. The migration part is
 * md_migration.c's; the table pieces they both use are md_kit.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "md_kit.h"
#include "banned.h"

#define C(s) rep_md_cell(out, (s))

/* A fence for text: longer than any run of '~' in it. */
static void fence(struct strbuf *out, const struct strvec *lines)
{
	size_t longest = 2;

	for (size_t i = 0; i < lines->nr; i++)
		for (const char *p = lines->v[i]; *p;) {
			size_t n = strspn(p, "~");

			longest = n > longest ? n : longest;
			p += n ? n : 1;
		}
	for (size_t i = 0; i <= longest; i++)
		sb_putc(out, '~');
}

/* Each guest-view change of an unacknowledged difference, once, as a diff. */
static void guest_diffs_md(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_guest *g = &r->guest;
	char *shown = xcalloc(g->nchanges + 1, 1);

	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];
		const struct rep_guest_change *c = &g->changes[d->change];

		if (d->ack || shown[d->change])
			continue;
		shown[d->change] = 1;
		sb_puts(out, "**");
		C(c->item);
		sb_puts(out, "** ");
		C(rep_guest_kind_name(d->kind));
		sb_puts(out, ", ");
		C(g->machines[d->machine].name);
		sb_printf(out, " %s → %s%s:\n\n", rep_vname(&r->versions, d->from),
			  rep_vname(&r->versions, d->to),
			  c->decoded ? "" : " (not decoded: hex dumps)");
		fence(out, &c->lines);
		sb_puts(out, "diff\n");
		for (size_t k = 0; k < c->lines.nr; k++)
			sb_printf(out, "%s\n", c->lines.v[k]);
		fence(out, &c->lines);
		sb_puts(out, "\n\n");
	}
	free(shown);
}

static void guest_md(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "from", "to", "kind", "item", "machine types",
					 "status" };
	struct rep_guest_group *g;
	size_t n;

	sb_printf(out, "### The guest view\n\nWhat the guest reads (ACPI, SMBIOS, PCI, "
		       "fw_cfg, e820, CPUID): %zu unacknowledged difference(s), %zu "
		       "acknowledged.\n\n", r->guest.unacked, r->guest.acked);
	rep_guest_groups(&r->guest, &g, &n);
	if (n)
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < n; i++) {
		const struct rep_guest_diff *d = g[i].d;
		struct strbuf st = STRBUF_INIT;

		rep_md_row_start(out);
		rep_md_td(out, rep_vname(&r->versions, d->from));
		rep_md_td(out, rep_vname(&r->versions, d->to));
		rep_md_td(out, rep_guest_kind_name(d->kind));
		rep_md_code_td(out, r->guest.changes[d->change].item);
		rep_md_list_td(out, &g[i].machines, 6);
		if (d->ack)
			sb_printf(&st, "acknowledged (line %d): %s", d->ack->line, d->ack->reason);
		sb_putc(out, ' ');
		if (d->ack)
			C(st.buf);
		else
			sb_puts(out, "**UNACKNOWLEDGED**");
		sb_puts(out, " |\n");
		strbuf_release(&st);
	}
	sb_putc(out, '\n');
	rep_guest_groups_free(g, n);
	guest_diffs_md(out, r);
}

static void views_md(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "machine type", "from", "to", "QEMU side",
					 "guest view" };

	sb_printf(out, "### Where QEMU's side and the guest view disagree\n\n%zu pair(s) "
		       "compared on both sides where only one side differs (QEMU's side: "
		       "breaks; the guest view: items).\n\n", r->views.nr);
	if (r->views.nr)
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < r->views.nr; i++) {
		const struct rep_disagreement *d = &r->views.v[i];
		const struct rep_pair *q = &r->abi.pairs.v[d->qemu];
		const struct rep_pair *g = &r->guest.pairs.v[d->guest];
		struct strbuf t = STRBUF_INIT;

		rep_md_row_start(out);
		rep_md_code_td(out, r->abi.machines[q->machine].name);
		rep_md_td(out, rep_vname(&r->versions, q->from));
		rep_md_td(out, rep_vname(&r->versions, q->to));
		if (d->guest_differs)
			sb_puts(&t, q->equal ? "equal" : "no break");
		else
			sb_printf(&t, "%zu break(s)", q->unacked + q->acked);
		rep_md_td(out, t.buf);
		strbuf_reset(&t);
		for (size_t k = g->first; k < g->first + g->ndiffs; k++)
			sb_printf(&t, "%s%s", k > g->first ? ", " : "",
				  r->guest.changes[r->guest.diffs[k].change].item);
		rep_md_td(out, d->guest_differs ? t.buf : "equal");
		sb_putc(out, '\n');
		strbuf_release(&t);
	}
	sb_putc(out, '\n');
}

static void not_compared_md(struct strbuf *out, const struct rep_report *r)
{
	if (!r->abi.pairs.not_compared && !r->guest.pairs.not_compared)
		return;
	sb_printf(out, "**Not compared: recorded by different definitions; run "
		       "'virt-matrix probe'**: %zu pair(s) on QEMU's side, %zu in the "
		       "guest view (listed in the HTML and JSON reports).\n\n",
		  r->abi.pairs.not_compared, r->guest.pairs.not_compared);
}

static void abi_md(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "from", "to", "kind", "object", "property", "old",
					 "new", "machine types", "status" };
	struct rep_abi_group *g;
	size_t n;

	sb_printf(out, "## 1. Guest ABI of versioned machine types\n\n"
		       "%zu unacknowledged break(s), %zu acknowledged, %zu properties "
		       "that only one of two versions has (not breaks; in the JSON "
		       "report). Acknowledgements: ",
		  r->abi.unacked, r->abi.acked, r->abi.props);
	C(r->abi.acks.path ? r->abi.acks.path : "(none)");
	sb_puts(out, ".\n\n");
	rep_abi_groups(&r->abi, 1, &g, &n);
	if (!n)
		sb_puts(out, "No differences.\n\n");
	else
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct rep_abi_diff *d = g[i].d;
			struct strbuf st = STRBUF_INIT;

			if ((pass == 0) != !d->ack)
				continue;
			rep_md_row_start(out);
			rep_md_td(out, rep_vname(&r->versions, d->from));
			rep_md_td(out, rep_vname(&r->versions, d->to));
			rep_md_td(out, rep_abi_kind_name(d->kind));
			rep_md_code_td(out, d->object);
			rep_md_code_td(out, d->property);
			rep_md_code_td(out, d->old_value ? d->old_value : "(absent)");
			rep_md_code_td(out, d->new_value ? d->new_value : "(absent)");
			rep_md_list_td(out, &g[i].machines, 6);
			if (d->ack)
				sb_printf(&st, "acknowledged (line %d): %s", d->ack->line,
					  d->ack->reason);
			else
				sb_puts(&st, "**UNACKNOWLEDGED**");
			sb_putc(out, ' ');
			if (d->ack)
				C(st.buf);
			else
				sb_puts(out, st.buf);
			sb_puts(out, " |\n");
			strbuf_release(&st);
		}
	sb_putc(out, '\n');
	rep_abi_groups_free(g, n);
	not_compared_md(out, r);
	views_md(out, r);
	guest_md(out, r);
}

/* The runs another virt-matrix made, which are not compared. */
static void aside_md(struct strbuf *out, const struct rep_map_scenario *s)
{
	if (!s->naside)
		return;
	sb_puts(out, "Not compared, made by another virt-matrix than ");
	C(s->tool ? s->tool : "(unknown)");
	sb_puts(out, " (run them again to compare):");
	for (size_t k = 0; k < s->naside; k++) {
		const struct rep_map_source *a = &s->aside[k];
		struct strbuf l = STRBUF_INIT;

		sb_printf(&l, " %s%s / QEMU %s (virt-matrix %s)%s",
			  a->libvirt ? "libvirt " : "direct", a->libvirt ? a->libvirt : "",
			  a->qemu_name, a->tool ? a->tool : "unknown",
			  k + 1 < s->naside ? ";" : ".");
		C(l.buf);
		strbuf_release(&l);
	}
	sb_puts(out, "\n\n");
}

/* One scenario (or corpus VM): the options that differ, then the changes. */
static void map_scenario_md(struct strbuf *out, const struct rep_map_scenario *s,
			    const char *h)
{
	static const char *const hc[] = { "option", "changed by", "from", "to", "with",
					  "change" };
	size_t diffs = 0;

	sb_printf(out, "%s ", h);
	C(s->name);
	sb_puts(out, "\n\n");
	for (size_t i = 0; i < s->errors.nr; i++) {
		sb_puts(out, "Not mapped: ");
		C(s->errors.v[i]);
		sb_puts(out, "\n\n");
	}
	if (!s->nsources)
		return;
	sb_puts(out, "| option |");
	for (size_t k = 0; k < s->nsources; k++) {
		struct strbuf l = STRBUF_INIT;

		rep_map_source_label(&l, &s->sources[k]);
		rep_md_td(out, l.buf);
		strbuf_release(&l);
	}
	sb_puts(out, "\n|---|");
	for (size_t k = 0; k < s->nsources; k++)
		sb_puts(out, "---|");
	sb_putc(out, '\n');
	for (size_t n = 0; n < s->nrows; n++) {
		if (!s->rows[n].differs)
			continue;
		diffs++;
		rep_md_row_start(out);
		rep_md_code_td(out, s->rows[n].key);
		for (size_t k = 0; k < s->nsources; k++)
			rep_md_code_td(out, s->rows[n].cells[k]);
		sb_putc(out, '\n');
	}
	sb_printf(out, "\n%zu of %zu options differ.\n\n", diffs, s->nrows);
	aside_md(out, s);
	if (!s->nchanges)
		return;
	rep_md_header(out, hc, ARRAY_SIZE(hc));
	for (size_t n = 0; n < s->nchanges; n++) {
		const struct rep_map_change *c = &s->changes[n];

		rep_md_row_start(out);
		rep_md_code_td(out, s->rows[c->row].key);
		rep_md_td(out, c->dimension);
		rep_md_td(out, c->from);
		rep_md_td(out, c->to);
		rep_md_list_td(out, &c->contexts, 8);
		rep_md_code_td(out, c->detail);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

static void mapping_md(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_mapping *m = &r->mapping;

	sb_puts(out, "## 2. Command-line mapping\n\nOptions that differ between "
		     "sources (normalised: ids, fds, temporary paths, uuids do not "
		     "count); the HTML and JSON reports have every option.\n\n");
	for (size_t i = 0; i < m->nr; i++)
		map_scenario_md(out, &m->v[i], "###");
	rep_md_lvcorpus(out, r);
	sb_puts(out, "### DPDK DTS's VM files, mapped for every probed QEMU\n\n");
	if (!m->corpus_dir) {
		sb_puts(out, "The DTS files (scenarios/dts/) are not installed.\n\n");
		return;
	}
	sb_puts(out, "Each VM of each file in ");
	C(m->corpus_dir);
	sb_printf(out, " (%zu VMs), mapped at report time for each QEMU install with "
		       "a probe record, as `virt-matrix map` shows it (accel kvm): not "
		       "run.\n\n",
		  m->ncorpus);
	for (size_t i = 0; i < m->corpus_skipped.nr; i++) {
		C(m->corpus_skipped.v[i]);
		sb_puts(out, "\n\n");
	}
	for (size_t i = 0; i < m->ncorpus; i++)
		map_scenario_md(out, &m->corpus[i], "####");
}

static void presence_md(struct strbuf *out, const struct rep_report *r, const char *p)
{
	for (size_t i = 0; i < r->versions.nr; i++)
		rep_md_td(out, p[i] == '1' ? "yes" : p[i] == '0' ? "no" : "?");
}

static void caps_md(struct strbuf *out, const struct rep_report *r)
{
	static const char *const kinds[] = { "machine", "device", "property", "command" };
	static const char *const titles[] = { "Machine types", "Device types",
					      "Device properties", "QMP commands" };

	sb_printf(out, "## 3. Capability timeline\n\nItems not present in every probed "
		       "version. Device properties are listed when they came or went "
		       "while their device existed (%zu others span their device's "
		       "versions).\n\n", r->caps.props_same_span);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		int prop = !strcmp(kinds[k], "property");
		size_t shown = 0, all = 0;

		sb_printf(out, "### %s\n\n| %s |%s first | last |", titles[k], kinds[k],
			  prop ? " device types |" : "");
		for (size_t i = 0; i < r->versions.nr; i++)
			rep_md_td(out, r->versions.v[i].name);
		sb_printf(out, "\n|---|%s---|---|", prop ? "---|" : "");
		for (size_t i = 0; i < r->versions.nr; i++)
			sb_puts(out, "---|");
		sb_putc(out, '\n');
		for (size_t i = 0; i < r->caps.nitems; i++) {
			const struct rep_tl_item *it = &r->caps.items[i];

			if (strcmp(it->kind, kinds[k]))
				continue;
			all++;
			if (!strchr(it->present, '0'))
				continue;
			shown++;
			rep_md_row_start(out);
			rep_md_code_td(out, it->name);
			if (prop)
				rep_md_list_td(out, &it->devices, 5);
			rep_md_td(out, rep_vname(&r->versions, it->first));
			rep_md_td(out, rep_vname(&r->versions, it->last));
			presence_md(out, r, it->present);
			sb_putc(out, '\n');
		}
		sb_printf(out, "\n%zu of %zu; the rest are in every probed version.\n\n",
			  shown, all);
	}
	sb_puts(out, "### Default values that changed\n\n| property | device types |");
	for (size_t i = 0; i < r->versions.nr; i++)
		rep_md_td(out, r->versions.v[i].name);
	sb_puts(out, "\n|---|---|");
	for (size_t i = 0; i < r->versions.nr; i++)
		sb_puts(out, "---|");
	sb_putc(out, '\n');
	for (size_t i = 0; i < r->caps.ndefaults; i++) {
		const struct rep_tl_default *d = &r->caps.defaults[i];

		rep_md_row_start(out);
		rep_md_code_td(out, d->property);
		rep_md_list_td(out, &d->devices, 5);
		for (size_t k = 0; k < r->versions.nr; k++)
			rep_md_code_td(out, d->values[k]);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

static void status_md(struct strbuf *out, const struct rep_cell *c)
{
	struct strbuf t = STRBUF_INIT;

	sb_puts(&t, c->status);
	if (c->regression)
		sb_puts(&t, " REGRESSION");
	if (c->fixed)
		sb_puts(&t, " (fixed)");
	if (!c->current)
		sb_printf(&t, " (not in this sweep; from %s)", c->from_sweep);
	rep_md_linked(out, t.buf, c->log);
	strbuf_release(&t);
}

/* A row's cells: scenario, QEMU, libvirt, status, reason (no newline). */
static void cell_row(struct strbuf *out, const struct rep_cell *c)
{
	rep_md_row_start(out);
	rep_md_td(out, c->scenario);
	rep_md_td(out, c->qemu);
	rep_md_td(out, c->libvirt ? c->libvirt : "direct");
	status_md(out, c);
	rep_md_td(out, c->reason);
}

/*
 * The cells of this sweep that did not pass, as a table under title:
 * the unsupported pairs (a component's own rule) or all the others.
 */
static void matrix_cells_md(struct strbuf *out, const struct rep_matrix *m,
			    int want_unsupported, const char *title)
{
	static const char *const h[] = { "scenario", "QEMU", "libvirt", "status",
					 "reason" };
	size_t n = 0;

	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];

		if (!c->current || c->verdict == RUN_PASS ||
		    (c->verdict == RUN_UNSUPPORTED) != !!want_unsupported)
			continue;
		if (!n++) {
			sb_printf(out, "%s\n\n", title);
			rep_md_header(out, h, ARRAY_SIZE(h));
		}
		cell_row(out, c);
		sb_putc(out, '\n');
	}
	if (n)
		sb_putc(out, '\n');
}


/* "Sweep X (kind, started T), compared with Y: N regression(s), M fixed." */
static void matrix_heading_md(struct strbuf *out, const struct rep_matrix *m)
{
	sb_puts(out, "Sweep ");
	C(m->cur.label);
	sb_puts(out, " (");
	C(m->cur.kind);
	sb_puts(out, ", started ");
	C(m->cur.started_at);
	sb_puts(out, ")");
	if (m->have_prev) {
		sb_puts(out, ", compared with ");
		C(m->prev.label);
	}
	sb_printf(out, ": %zu regression(s), %zu fixed.\n\n", m->regressions, m->fixed);
}

static void matrix_regressions_md(struct strbuf *out, const struct rep_matrix *m)
{
	static const char *const h[] = { "scenario", "QEMU", "libvirt", "now",
					 "reason", "previous" };

	sb_puts(out, "### Regressions\n\n");
	rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];

		if (!c->regression)
			continue;
		cell_row(out, c);
		rep_md_td(out, c->prev_status);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

/* One scenario's grid: QEMU rows, libvirt columns. */
static void matrix_grid_md(struct strbuf *out, const struct rep_matrix *m,
			   const struct rep_cell *const *by_place, const char *scn)
{
	sb_puts(out, "### ");
	C(scn);
	sb_puts(out, "\n\n| QEMU \\\\ libvirt |");
	for (size_t l = 0; l < m->libvirts.nr; l++)
		rep_md_td(out, m->libvirts.v[l]);
	sb_puts(out, "\n|---|");
	for (size_t l = 0; l < m->libvirts.nr; l++)
		sb_puts(out, "---|");
	sb_putc(out, '\n');
	for (size_t q = 0; q < m->qemus.nr; q++) {
		rep_md_row_start(out);
		rep_md_td(out, m->qemus.v[q]);
		for (size_t l = 0; l < m->libvirts.nr; l++) {
			const struct rep_cell *c = rep_matrix_find(by_place, m->ncells, scn,
								   m->qemus.v[q], m->libvirts.v[l]);

			if (c)
				status_md(out, c);
			else
				rep_md_td(out, NULL);
		}
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

static void matrix_md(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_matrix *m = &r->matrix;
	const struct rep_cell **by_place;

	sb_puts(out, "## 4. Sweep matrix\n\n");
	if (!m->have_cur) {
		sb_puts(out, "No runs recorded.\n");
		return;
	}
	matrix_heading_md(out, m);
	if (m->regressions)
		matrix_regressions_md(out, m);
	matrix_cells_md(out, m, 0, "### Cells of this sweep that did not pass");
	matrix_cells_md(out, m, 1, "### Pairs a component does not support");
	by_place = rep_matrix_by_place(m);
	for (size_t s = 0; s < m->scenarios.nr; s++)
		matrix_grid_md(out, m, by_place, m->scenarios.v[s]);
	free(by_place);
}

void rep_write_markdown(const struct rep_report *r, struct strbuf *out)
{
	sb_puts(out, "# virt-matrix report\n\nGenerated ");
	C(r->generated_at);
	sb_puts(out, " from ");
	C(r->store_path);
	sb_puts(out, ". QEMU versions:");
	for (size_t i = 0; i < r->versions.nr; i++) {
		sb_puts(out, i ? ", " : " ");
		C(r->versions.v[i].name);
		if (!r->versions.v[i].binary)
			sb_puts(out, " (not probed)");
	}
	sb_puts(out, ".\n\n");
	if (r->parts & REP_ABI)
		sb_printf(out, "- **%zu unacknowledged ABI break(s)**\n"
			       "- **%zu unacknowledged guest-view difference(s)**\n",
			  r->abi.unacked, r->guest.unacked);
	if (r->parts & REP_MATRIX)
		sb_printf(out, "- **%zu new regression(s)**\n", r->matrix.regressions);
	if (r->parts & REP_MIGRATION)
		sb_printf(out, "- **%zu new migration regression(s)**\n",
			  rep_migration_regressions(r));
	sb_putc(out, '\n');
	if (r->parts & REP_ABI)
		abi_md(out, r);
	if (r->parts & REP_MAPPING)
		mapping_md(out, r);
	if (r->parts & REP_CAPS)
		caps_md(out, r);
	if (r->parts & REP_MATRIX)
		matrix_md(out, r);
	if (r->parts & REP_MIGRATION)
		rep_md_migration(out, r);
}
