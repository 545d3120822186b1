/*
 * The ABI part of the HTML report. It opens with the overview grid
 * (abi_grid.c): machine types as rows, grouped by family, consecutive
 * QEMU versions as columns, each cell "=" or what differs on QEMU's side
 * (Q) and in the guest view (G), coloured by its worst state and linked
 * to its details below. Then where the two views disagree, the pairs
 * not compared, each cell's details (QEMU's differences, the guest
 * view's items with their decoded line diffs), and the tables of
 * differences grouped across machine types, fingerprints and
 * acknowledgements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "html_kit.h"
#include "banned.h"

#define H(s) rep_html(out, (s))

static const char *const state_class[] = { "g-abs", "g-eq", "g-ack", "g-nc", "g-un" };
static const char not_compared_note[] =
	"not compared: recorded by different definitions; run 'virt-matrix probe'";

/* The id of the details of the cell of machine whose newer version is to. */
static void cell_id(struct strbuf *out, const struct rep_report *r,
		    const char *machine, int to)
{
	rep_html_id(out, "abi-d-", machine);
	rep_html_id(out, "--", rep_vname(&r->versions, to));
}

/* "Q 3 (1 ack)", "G =", "Q n/c", "Q 0 (2 props)" for one side's pair. */
static void side_text(struct strbuf *sb, char side, const struct rep_pair *p)
{
	if (!p->compared)
		sb_printf(sb, "%c n/c", side);
	else if (p->equal)
		sb_printf(sb, "%c =", side);
	else if (!p->unacked && !p->acked)
		sb_printf(sb, "%c 0 (%zu props)", side, p->props);
	else if (p->acked)
		sb_printf(sb, "%c %zu (%zu ack)", side, p->unacked + p->acked, p->acked);
	else
		sb_printf(sb, "%c %zu", side, p->unacked);
}

static void cell_text(struct strbuf *sb, const struct rep_grid_cell *x)
{
	if (x->qemu && x->guest && !rep_grid_cell_differs(x)) {
		sb_puts(sb, "=");
		return;
	}
	if (x->qemu)
		side_text(sb, 'Q', x->qemu);
	if (x->qemu && x->guest)
		sb_puts(sb, " \xc2\xb7 ");
	if (x->guest)
		side_text(sb, 'G', x->guest);
}

/* What a side says in words, for titles and details. */
static void side_words(struct strbuf *sb, const struct rep_report *r,
		       const char *what, const struct rep_pair *p)
{
	sb_printf(sb, "%s: ", what);
	if (!p) {
		sb_puts(sb, "no record in both versions");
		return;
	}
	sb_printf(sb, "from %s, ", rep_vname(&r->versions, p->from));
	if (!p->compared)
		sb_puts(sb, not_compared_note);
	else if (p->equal)
		sb_puts(sb, "equal");
	else
		sb_printf(sb, "%zu unacknowledged, %zu acknowledged", p->unacked,
			  p->acked);
	if (p->compared && !p->equal && p->props)
		sb_printf(sb, ", %zu properties only one version has", p->props);
}

static void grid_cell(struct strbuf *out, const struct rep_report *r,
		      const struct rep_grid_row *row, const struct rep_grid_cell *x,
		      int to)
{
	struct strbuf t = STRBUF_INIT, title = STRBUF_INIT;

	cell_text(&t, x);
	sb_printf(&title, "%s, %s: ", row->machine, rep_vname(&r->versions, to));
	side_words(&title, r, "QEMU side", x->qemu);
	sb_puts(&title, "; ");
	side_words(&title, r, "guest view", x->guest);
	sb_printf(out, "<td class=\"%s\" title=\"", state_class[x->state]);
	H(title.buf);
	sb_puts(out, "\">");
	if (rep_grid_cell_differs(x)) {
		sb_puts(out, "<a href=\"#");
		cell_id(out, r, row->machine, to);
		sb_puts(out, "\">");
		H(t.buf);
		sb_puts(out, "</a>");
	} else {
		H(t.buf);
	}
	sb_puts(out, "</td>");
	strbuf_release(&t);
	strbuf_release(&title);
}

static void grid_legend(struct strbuf *out)
{
	sb_puts(out, "<p class=\"legend\"><span class=\"g-eq\">= equal</span> "
		     "<span class=\"g-ack\">acknowledged only</span> "
		     "<span class=\"g-un\">unacknowledged</span> "
		     "<span class=\"g-nc\">n/c: not compared</span> "
		     "<span class=\"g-abs\">absent</span> &nbsp; Q: QEMU's side "
		     "(breaks; properties only one version has in brackets), G: the "
		     "guest view (items that differ). A cell links to its details.</p>\n");
}

static void grid_section(struct strbuf *out, const struct rep_report *r,
			 const struct rep_grid *gr)
{
	const char *family = NULL;

	sb_puts(out, "<h3 id=\"abi-overview\">Overview</h3>\n");
	grid_legend(out);
	if (!gr->ncols) {
		sb_puts(out, "<p>Fewer than two probed QEMU versions: nothing to compare.</p>\n");
		return;
	}
	sb_puts(out, "<div class=\"filterbar\"><input class=\"tfilter\" type=\"search\" "
		     "placeholder=\"filter machine types\" data-table=\"abi-grid\"></div>\n"
		     "<div class=\"gridwrap\"><table class=\"grid\" id=\"abi-grid\"><thead>"
		     "<tr><th>machine type</th>");
	for (size_t c = 0; c < gr->ncols; c++) {
		sb_puts(out, "<th>");
		H(rep_vname(&r->versions, gr->from[c]));
		sb_puts(out, "<br>&rarr; ");
		H(rep_vname(&r->versions, gr->to[c]));
		sb_puts(out, "</th>");
	}
	sb_puts(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < gr->nrows; i++) {
		const struct rep_grid_row *row = &gr->rows[i];

		if (!family || strcmp(family, row->family)) {
			family = row->family;
			sb_printf(out, "<tr class=\"fam\"><th colspan=\"%zu\">", gr->ncols + 1);
			H(family);
			sb_puts(out, "</th></tr>\n");
		}
		sb_puts(out, "<tr><th class=\"m\">");
		H(row->machine);
		sb_puts(out, "</th>");
		for (size_t c = 0; c < gr->ncols; c++)
			grid_cell(out, r, row, &row->cells[c], gr->to[c]);
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</tbody></table></div>\n");
}

/* ---- the two views against each other; pairs not compared ---- */

static void disagreements(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "machine type", "from", "to", "QEMU side",
					 "guest view", "details" };
	struct strbuf t = STRBUF_INIT;

	sb_printf(out, "<h3 id=\"abi-disagree\">Where QEMU's side and the guest view "
		       "disagree</h3>\n<p>%zu (machine type, version pair)s compared on "
		       "both sides where only one side differs. QEMU's side differs when "
		       "it has breaks (properties only one version has are not breaks).</p>\n",
		  r->views.nr);
	rep_html_table_open(out, "abi-views", h, ARRAY_SIZE(h), 0);
	for (size_t i = 0; i < r->views.nr; i++) {
		const struct rep_disagreement *d = &r->views.v[i];
		const struct rep_pair *q = &r->abi.pairs.v[d->qemu];
		const struct rep_pair *g = &r->guest.pairs.v[d->guest];
		const char *machine = r->abi.machines[q->machine].name;

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", machine);
		rep_html_td(out, NULL, rep_vname(&r->versions, q->from));
		rep_html_td(out, NULL, rep_vname(&r->versions, q->to));
		strbuf_reset(&t);
		if (d->guest_differs)
			sb_printf(&t, "no break%s", q->equal ? " (equal)" : "");
		else
			sb_printf(&t, "%zu break(s), %zu acknowledged", q->unacked + q->acked,
				  q->acked);
		rep_html_td(out, d->guest_differs ? NULL : "hl", t.buf);
		strbuf_reset(&t);
		if (d->guest_differs)
			sb_printf(&t, "%zu item(s) differ, %zu acknowledged",
				  g->unacked + g->acked, g->acked);
		rep_html_td(out, d->guest_differs ? "hl" : NULL, d->guest_differs ? t.buf : "equal");
		sb_puts(out, "<td><a href=\"#");
		cell_id(out, r, machine, q->to);
		sb_puts(out, "\">details</a></td></tr>\n");
	}
	rep_html_table_close(out);
	strbuf_release(&t);
}

static void not_compared_rows(struct strbuf *out, const struct rep_report *r,
			      const char *side, const struct rep_pairs *pairs,
			      const char *(*name)(const struct rep_report *, size_t))
{
	for (size_t i = 0; i < pairs->nr; i++) {
		const struct rep_pair *p = &pairs->v[i];

		if (p->compared)
			continue;
		sb_puts(out, "<tr>");
		rep_html_td(out, NULL, side);
		rep_html_td(out, "code", name(r, p->machine));
		rep_html_td(out, NULL, rep_vname(&r->versions, p->from));
		rep_html_td(out, NULL, rep_vname(&r->versions, p->to));
		rep_html_td(out, "g-nc", not_compared_note);
		sb_puts(out, "</tr>\n");
	}
}

static const char *abi_machine(const struct rep_report *r, size_t m)
{
	return r->abi.machines[m].name;
}

static const char *guest_machine(const struct rep_report *r, size_t m)
{
	return r->guest.machines[m].name;
}

static void not_compared(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "side", "machine type", "from", "to", "" };

	if (!r->abi.pairs.not_compared && !r->guest.pairs.not_compared)
		return;
	sb_printf(out, "<h3 id=\"abi-not-compared\">Not compared</h3>\n<p>%zu pair(s) on "
		       "QEMU's side and %zu in the guest view were recorded by different "
		       "definitions of what is recorded (an older virt-matrix): their "
		       "differences could be virt-matrix's own. Run 'virt-matrix probe' "
		       "to record them again.</p>\n",
		  r->abi.pairs.not_compared, r->guest.pairs.not_compared);
	rep_html_table_open(out, "abi-not-compared-pairs", h, ARRAY_SIZE(h), 0);
	not_compared_rows(out, r, "QEMU", &r->abi.pairs, abi_machine);
	not_compared_rows(out, r, "guest", &r->guest.pairs, guest_machine);
	rep_html_table_close(out);
}

/* ---- each cell's details ---- */

static void ack_cell(struct strbuf *out, const struct rep_report *r,
		     const struct rep_ack *ack)
{
	if (!ack) {
		sb_puts(out, "<td class=\"unacked\">UNACKNOWLEDGED</td>");
		return;
	}
	sb_puts(out, "<td class=\"acked\">acknowledged (");
	H(r->abi.acks.path);
	sb_printf(out, ":%d): ", ack->line);
	H(ack->reason);
	sb_puts(out, "</td>");
}

static void qemu_details(struct strbuf *out, const struct rep_report *r,
			 const struct rep_pair *p)
{
	sb_puts(out, "<table class=\"mini\"><tr><th>kind</th><th>object</th><th>property</th>"
		     "<th>old</th><th>new</th><th>status</th></tr>\n");
	for (size_t i = p->first; i < p->first + p->ndiffs; i++) {
		const struct rep_abi_diff *d = &r->abi.diffs[i];

		sb_puts(out, "<tr>");
		rep_html_td(out, NULL, rep_abi_kind_name(d->kind));
		rep_html_td(out, "code", d->object);
		rep_html_td(out, "code", d->property);
		rep_html_td(out, "code", d->old_value);
		rep_html_td(out, "code", d->new_value);
		if (rep_abi_kind_is_break(d->kind))
			ack_cell(out, r, d->ack);
		else
			rep_html_td(out, NULL, "not a break");
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</table>\n");
}

/* A change's lines, each coloured by what it is. */
static void diff_pre(struct strbuf *out, const struct rep_guest_change *c)
{
	sb_puts(out, "<pre class=\"diff\">");
	for (size_t i = 0; i < c->lines.nr; i++) {
		const char *l = c->lines.v[i];
		const char *cls = l[0] == '+' ? "dl-add" : l[0] == '-' ? "dl-del"
			       : l[0] == '@' || l[0] == '.' ? "dl-meta" : NULL;

		if (cls)
			sb_printf(out, "<span class=\"%s\">", cls);
		H(l);
		sb_puts(out, cls ? "</span>\n" : "\n");
	}
	sb_puts(out, "</pre>");
}

/* Where a guest-view change was shown first: the details' id and title. */
struct shown {
	char *id, *label;
};

/*
 * The guest view's items of pair p; a change shown before (first[c]) is
 * linked, not repeated. here is where these details are.
 */
static void guest_details(struct strbuf *out, const struct rep_report *r,
			  const struct rep_pair *p, struct shown *first,
			  const struct shown *here)
{
	sb_puts(out, "<table class=\"mini\"><tr><th>item</th><th>kind</th><th>status</th>"
		     "<th>decoded difference (- older, + newer)</th></tr>\n");
	for (size_t i = p->first; i < p->first + p->ndiffs; i++) {
		const struct rep_guest_diff *d = &r->guest.diffs[i];
		const struct rep_guest_change *c = &r->guest.changes[d->change];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", c->item);
		rep_html_td(out, NULL, rep_guest_kind_name(d->kind));
		ack_cell(out, r, d->ack);
		sb_puts(out, "<td>");
		if (first[d->change].id) {
			sb_puts(out, "the same change as in <a href=\"#");
			H(first[d->change].id);
			sb_puts(out, "\">");
			H(first[d->change].label);
			sb_puts(out, "</a>");
		} else {
			if (!c->decoded)
				sb_puts(out, "<p class=\"note\">not decoded (the decoder "
					     "failed, see the report's messages): hex dumps</p>");
			diff_pre(out, c);
			first[d->change].id = xstrdup(here->id);
			first[d->change].label = xstrdup(here->label);
		}
		sb_puts(out, "</td></tr>\n");
	}
	sb_puts(out, "</table>\n");
}

static void cell_details(struct strbuf *out, const struct rep_report *r,
			 const struct rep_grid_row *row, const struct rep_grid_cell *x,
			 int from, int to, struct shown *first)
{
	struct strbuf id = STRBUF_INIT, t = STRBUF_INIT, label = STRBUF_INIT;
	struct shown here;

	cell_id(&id, r, row->machine, to);
	sb_printf(&label, "%s, %s \xe2\x86\x92 %s", row->machine,
		  rep_vname(&r->versions, from), rep_vname(&r->versions, to));
	here.id = id.buf;
	here.label = label.buf;
	sb_printf(out, "<div class=\"celld\" data-state=\"%s\" id=\"%s\"><h4>",
		  state_class[x->state], id.buf);
	H(label.buf);
	sb_puts(out, " <a class=\"up\" href=\"#abi-overview\">overview</a></h4>\n<p>");
	side_words(&t, r, "QEMU side", x->qemu);
	H(t.buf);
	sb_puts(out, "</p>\n");
	if (x->qemu && x->qemu->ndiffs)
		qemu_details(out, r, x->qemu);
	strbuf_reset(&t);
	side_words(&t, r, "Guest view", x->guest);
	sb_puts(out, "<p>");
	H(t.buf);
	sb_puts(out, "</p>\n");
	if (x->guest && x->guest->ndiffs)
		guest_details(out, r, x->guest, first, &here);
	sb_puts(out, "</div>\n");
	strbuf_release(&id);
	strbuf_release(&t);
	strbuf_release(&label);
}

static void details_section(struct strbuf *out, const struct rep_report *r,
			    const struct rep_grid *gr)
{
	struct shown *first = xcalloc(r->guest.nchanges + 1, sizeof(*first));

	sb_puts(out, "<h3 id=\"abi-details\">Details by machine type and version</h3>\n");
	for (size_t i = 0; i < gr->nrows; i++)
		for (size_t c = 0; c < gr->ncols; c++)
			if (rep_grid_cell_differs(&gr->rows[i].cells[c]))
				cell_details(out, r, &gr->rows[i], &gr->rows[i].cells[c],
					     gr->from[c], gr->to[c], first);
	for (size_t i = 0; i < r->guest.nchanges; i++) {
		free(first[i].id);
		free(first[i].label);
	}
	free(first);
}

/* ---- differences grouped across machine types; fingerprints; acks ---- */

static void abi_groups_table(struct strbuf *out, const struct rep_report *r,
			     const char *id, int breaks)
{
	static const char *const hb[] = { "from", "to", "kind", "object", "property",
					  "old", "new", "machine types", "status" };
	struct rep_abi_group *g;
	size_t n;

	rep_abi_groups(&r->abi, breaks, &g, &n);
	rep_html_table_open(out, id, hb, breaks ? 9 : 8, 0);
	/* Unacknowledged first. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct rep_abi_diff *d = g[i].d;

			if ((pass == 0) != (!d->ack))
				continue;
			sb_puts(out, "<tr>");
			rep_html_td(out, NULL, rep_vname(&r->versions, d->from));
			rep_html_td(out, NULL, rep_vname(&r->versions, d->to));
			rep_html_td(out, NULL, rep_abi_kind_name(d->kind));
			rep_html_td(out, "code", d->object);
			rep_html_td(out, "code", d->property);
			rep_html_td(out, "code", d->old_value);
			rep_html_td(out, "code", d->new_value);
			rep_html_td_list(out, &g[i].machines);
			if (breaks)
				ack_cell(out, r, d->ack);
			sb_puts(out, "</tr>\n");
		}
	}
	rep_html_table_close(out);
	rep_abi_groups_free(g, n);
}

static void guest_groups_table(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "from", "to", "kind", "item", "machine types",
					 "status" };
	struct rep_guest_group *g;
	size_t n;

	rep_guest_groups(&r->guest, &g, &n);
	rep_html_table_open(out, "abi-guest", h, ARRAY_SIZE(h), 0);
	for (size_t i = 0; i < n; i++) {
		const struct rep_guest_diff *d = g[i].d;

		sb_puts(out, "<tr>");
		rep_html_td(out, NULL, rep_vname(&r->versions, d->from));
		rep_html_td(out, NULL, rep_vname(&r->versions, d->to));
		rep_html_td(out, NULL, rep_guest_kind_name(d->kind));
		rep_html_td(out, "code", r->guest.changes[d->change].item);
		rep_html_td_list(out, &g[i].machines);
		ack_cell(out, r, d->ack);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	rep_guest_groups_free(g, n);
}

static void machines_table(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;
	struct strvec heads = STRVEC_INIT;

	strvec_push(&heads, "machine type");
	for (size_t i = 0; i < r->versions.nr; i++)
		strvec_push(&heads, r->versions.v[i].name);
	strvec_pushv(&heads, (const char *const[]){ "unacknowledged", "acknowledged",
						    "properties added/removed", NULL });
	sb_puts(out, "<h3>Machine types (fingerprint prefix per version)</h3>\n");
	rep_html_table_open(out, "abi-machines", heads.v, heads.nr, 0);
	for (size_t m = 0; m < abi->nmachines; m++) {
		const struct rep_abi_machine *mt = &abi->machines[m];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", mt->name);
		for (size_t i = 0; i < r->versions.nr; i++) {
			char fp[9] = "";

			if (mt->fingerprint[i])
				snprintf(fp, sizeof(fp), "%s", mt->fingerprint[i]);
			rep_html_td(out, mt->fingerprint[i] ? "code" : "none",
				    mt->fingerprint[i] ? fp : NULL);
		}
		sb_printf(out, "<td class=\"%s\">%zu</td><td>%zu</td><td>%zu</td></tr>\n",
			  mt->breaks ? "unacked" : "", mt->breaks, mt->acked, mt->props);
	}
	rep_html_table_close(out);
	strvec_clear(&heads);
}

static void acks_table(struct strbuf *out, const struct rep_report *r)
{
	static const char *const ha[] = { "line", "machine", "object", "property",
					  "from", "to", "old", "new", "reason", "used" };
	const struct rep_acks *acks = &r->abi.acks;

	sb_puts(out, "<h3>Acknowledgements</h3>\n");
	rep_html_table_open(out, "abi-acks", ha, ARRAY_SIZE(ha), 0);
	for (size_t i = 0; i < acks->nr; i++) {
		const struct rep_ack *k = &acks->v[i];

		sb_printf(out, "<tr><td>%d</td>", k->line);
		rep_html_td(out, "code", k->machine);
		rep_html_td(out, "code", k->object);
		rep_html_td(out, "code", k->property);
		rep_html_td(out, NULL, k->from_s);
		rep_html_td(out, NULL, k->to_s);
		rep_html_td(out, "code", k->old_value ? k->old_value : "*");
		rep_html_td(out, "code", k->new_value ? k->new_value : "*");
		rep_html_td(out, NULL, k->reason);
		sb_printf(out, "<td class=\"%s\">%zu%s</td></tr>\n",
			  k->used ? "" : "unacked", k->used, k->used ? "" : " (unused)");
	}
	rep_html_table_close(out);
}

static void summary(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;
	const struct rep_guest *g = &r->guest;
	size_t with_guest = 0;

	for (size_t i = 0; i < r->versions.nr; i++)
		with_guest += r->versions.v[i].binary && r->versions.v[i].has_guest;
	sb_printf(out,
		  "<p>Each machine type compared between consecutive QEMU versions "
		  "that have it. QEMU's side (the devices and properties QEMU "
		  "reports): <b class=\"%s\">%zu unacknowledged break(s)</b>, %zu "
		  "acknowledged, %zu properties that only one of two versions has "
		  "(listed, not breaks). The guest view (what the guest reads: ACPI, "
		  "SMBIOS, PCI, fw_cfg, e820, CPUID), taken on %zu version(s): "
		  "<b class=\"%s\">%zu unacknowledged difference(s)</b>, %zu "
		  "acknowledged. %zu disagreement(s) between the two. "
		  "Acknowledgements: <span class=\"code\">",
		  abi->unacked ? "unacked" : "", abi->unacked, abi->acked, abi->props,
		  with_guest, g->unacked ? "unacked" : "", g->unacked, g->acked,
		  r->views.nr);
	H(abi->acks.path ? abi->acks.path : "(no acknowledgement file)");
	sb_puts(out, "</span>.</p>\n");
}

void rep_html_abi(struct strbuf *out, const struct rep_report *r)
{
	struct rep_grid gr;

	rep_grid_make(r, &gr);
	sb_puts(out, "<section id=\"abi\"><h2>1. Guest ABI of versioned machine types</h2>\n");
	summary(out, r);
	grid_section(out, r, &gr);
	disagreements(out, r);
	not_compared(out, r);
	details_section(out, r, &gr);
	sb_puts(out, "<h3>QEMU's side: differences (breaks), unacknowledged first</h3>\n");
	abi_groups_table(out, r, "abi-breaks", 1);
	sb_puts(out, "<h3>Guest view: differences, unacknowledged first</h3>\n");
	guest_groups_table(out, r);
	machines_table(out, r);
	sb_puts(out, "<details><summary>Properties only one version has, grouped</summary>\n");
	abi_groups_table(out, r, "abi-props", 0);
	sb_puts(out, "</details>\n");
	acks_table(out, r);
	sb_puts(out, "</section>\n");
	rep_grid_release(&gr);
}
