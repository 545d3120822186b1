/*
 * The migration part of the HTML report: the sweep and its counts per
 * mode (libvirt's too), the regressions, the migrations that failed, the
 * migrations held against the fingerprints (disagreements first), the
 * migrations through libvirt beside QEMU's own verdict on each QEMU pair
 * (disagreements first), then per family and machine type one grid per
 * mode of QEMU alone, sources as rows and destinations as columns, each
 * cell coloured by its verdict, the reason on hover and unfolded on a
 * click, the control marked; and every migration of QEMU alone with its
 * log. Selects filter the whole part by machine type, by QEMU version
 * and, with migrations through libvirt, by libvirt version (elements
 * carry data-f-machine, data-f-version and data-f-libvirt; html.c's
 * script does the rest): a grid cell that does not involve the version
 * is dimmed, a table row hidden.
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "html_kit.h"
#include "banned.h"

#define H(s) rep_html(out, (s))

/* The attributes the part's filters read: machine type, both versions. */
static void filter_attrs(struct strbuf *out, const struct rep_mig_cell *c)
{
	sb_puts(out, " data-f-machine=\"");
	H(c->machine);
	sb_puts(out, "\" data-f-version=\"");
	H(c->src);
	sb_putc(out, ' ');
	H(c->dst);
	if (c->src_libvirt && c->dst_libvirt) {
		sb_puts(out, "\" data-f-libvirt=\"");
		H(c->src_libvirt);
		sb_putc(out, ' ');
		H(c->dst_libvirt);
	}
	sb_puts(out, "\"");
}

/* The id of a migration's row in the table of all of them. */
static void row_id(struct strbuf *out, const struct rep_mig_cell *c)
{
	sb_printf(out, "mig-c-%lld", c->id);
}

/* "fail (destination)", "pass · control" */
static void verdict_text(struct strbuf *t, const struct rep_mig_cell *c)
{
	sb_puts(t, run_status_to_string(c->verdict));
	if (c->side != MIG_SIDE_NONE)
		sb_printf(t, " (%s)", mig_side_to_string(c->side));
	if (c->control)
		sb_puts(t, " \xc2\xb7 control");
}

/* What a cell's title says: the verdict, its reason, where it is from. */
static void cell_title(struct strbuf *t, const struct rep_mig_cell *c)
{
	sb_printf(t, "%s, %s: QEMU %s -> %s%s: ", c->machine, mig_mode_to_string(c->mode),
		  c->src, c->dst, c->control ? " (the control)" : "");
	verdict_text(t, c);
	if (c->reason)
		sb_printf(t, ": %s", c->reason);
	if (!c->current)
		sb_printf(t, " [not in this sweep; from %s]", c->from_sweep);
	else if (c->has_prev)
		sb_printf(t, " [previous migrate sweep: %s]", run_status_to_string(c->prev_verdict));
}

/* An older result's sweep, by the start of its uuid. */
static void older_badge(struct strbuf *out, const struct rep_mig_cell *c)
{
	char start[9];

	if (c->current)
		return;
	snprintf(start, sizeof(start), "%s", c->from_sweep);
	sb_puts(out, "<br><small>older: ");
	H(start);
	sb_puts(out, "</small>");
}

/* Regression and fixed badges; an older result's sweep. */
static void badges(struct strbuf *out, const struct rep_mig_cell *c)
{
	if (c->regression)
		sb_puts(out, " <span class=\"badge reg\">REGRESSION</span>");
	if (c->fixed)
		sb_puts(out, " <span class=\"badge fix\">fixed</span>");
	older_badge(out, c);
}

/* A grid cell: the verdict; a failure unfolds its reason and log. */
static void grid_cell(struct strbuf *out, const struct rep_mig_cell *c)
{
	struct strbuf t = STRBUF_INIT;

	cell_title(&t, c);
	sb_printf(out, "<td class=\"%s%s%s\"", run_status_to_string(c->verdict),
		  c->current ? "" : " old", c->control ? " ctl" : "");
	filter_attrs(out, c);
	sb_puts(out, " title=\"");
	H(t.buf);
	sb_puts(out, "\">");
	strbuf_reset(&t);
	verdict_text(&t, c);
	if (c->reason) {
		sb_puts(out, "<details><summary>");
		H(t.buf);
		sb_puts(out, "</summary><div class=\"why\">");
		H(c->reason);
		sb_puts(out, " <a href=\"#");
		row_id(out, c);
		sb_puts(out, "\">more</a>");
		if (c->log) {
			sb_puts(out, " <a href=\"");
			H(c->log);
			sb_puts(out, "\">log</a>");
		}
		sb_puts(out, "</div></details>");
	} else {
		sb_puts(out, "<a href=\"#");
		row_id(out, c);
		sb_puts(out, "\">");
		H(t.buf);
		sb_puts(out, "</a>");
	}
	badges(out, c);
	sb_puts(out, "</td>");
	strbuf_release(&t);
}

static void grid(struct strbuf *out, const struct rep_migration *m,
		 const struct rep_mig_grid *g)
{
	size_t n = g->versions.nr;

	sb_puts(out, "<div class=\"miggrid\" data-f-machine=\"");
	H(g->machine);
	sb_puts(out, "\"><h4>");
	H(g->machine);
	sb_printf(out, ", %s</h4>\n<table class=\"grid mig\"><thead><tr>"
		       "<th>source \\ destination</th>", mig_mode_to_string(g->mode));
	for (size_t d = 0; d < n; d++) {
		sb_puts(out, "<th>");
		H(g->versions.v[d]);
		sb_puts(out, "</th>");
	}
	sb_puts(out, "</tr></thead><tbody>\n");
	for (size_t s = 0; s < n; s++) {
		sb_puts(out, "<tr><th class=\"m\">");
		H(g->versions.v[s]);
		sb_puts(out, "</th>");
		for (size_t d = 0; d < n; d++) {
			long c = g->cell[s * n + d];

			if (c < 0)
				sb_puts(out, "<td class=\"none\" title=\"not tried\">&mdash;</td>");
			else
				grid_cell(out, &m->cells[c]);
		}
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</tbody></table></div>\n");
}

static void grids(struct strbuf *out, const struct rep_migration *m)
{
	const char *family = NULL;

	sb_puts(out, "<h3 id=\"mig-grids\">By machine type: sources \xe2\x86\x93, "
		     "destinations \xe2\x86\x92</h3>\n<p class=\"legend\">"
		     "<span class=\"pass\">pass</span> <span class=\"fail\">fail</span> "
		     "<span class=\"error\">error: no verdict (the harness, or the source "
		     "or the control failed)</span> <span class=\"ctl\">the control: the "
		     "source to itself</span> <span class=\"old\">greyed, \"older\": the "
		     "latest result of a migration this sweep did not try</span> &nbsp; Hover a cell for its reason, click it for the "
		     "reason and the log.</p>\n");
	for (size_t i = 0; i < m->ngrids; i++) {
		if (!family || strcmp(family, m->grids[i].family)) {
			family = m->grids[i].family;
			sb_puts(out, "<h3 class=\"fam\">");
			H(family);
			sb_puts(out, "</h3>\n");
		}
		grid(out, m, &m->grids[i]);
	}
}

/* <tr> with the filters' attributes, and the cells machine type .. destination. */
static void key_cells(struct strbuf *out, const struct rep_mig_cell *c, int with_id)
{
	sb_puts(out, "<tr");
	if (with_id) {
		sb_puts(out, " id=\"");
		row_id(out, c);
		sb_puts(out, "\"");
	}
	filter_attrs(out, c);
	sb_puts(out, ">");
	rep_html_td(out, "code", c->machine);
	rep_html_td(out, NULL, mig_mode_to_string(c->mode));
	rep_html_td(out, NULL, c->src);
	rep_html_td(out, NULL, c->dst);
}

/* The verdict as a cell of its colour, linked to the log. */
static void status_td(struct strbuf *out, const struct rep_mig_cell *c)
{
	struct strbuf t = STRBUF_INIT;

	verdict_text(&t, c);
	sb_printf(out, "<td class=\"%s%s\">", run_status_to_string(c->verdict),
		  c->current ? "" : " old");
	if (c->log) {
		sb_puts(out, "<a href=\"");
		H(c->log);
		sb_puts(out, "\">");
	}
	H(t.buf);
	if (c->log)
		sb_puts(out, "</a>");
	badges(out, c);
	sb_puts(out, "</td>");
	strbuf_release(&t);
}

static void summary(struct strbuf *out, const struct rep_report *r)
{
	sb_puts(out, "<table class=\"mini\"><tr><th>mode</th><th>migrations</th>");
	for (int v = 0; v < RUN_STATUS_LAST; v++)
		sb_printf(out, "<th>%s</th>", run_status_to_string(v));
	sb_puts(out, "<th>controls</th><th>controls failed</th></tr>\n");
	for (int mode = 0; mode < MIG_MODE_LAST; mode++) {
		const struct rep_mig_counts *k = rep_mig_counts_of(r, mode);

		if (!k->cells && !k->controls)
			continue;
		sb_printf(out, "<tr><td>%s</td><td>%zu</td>", mig_mode_to_string(mode), k->cells);
		for (int v = 0; v < RUN_STATUS_LAST; v++)
			sb_printf(out, "<td%s>%zu</td>",
				  k->n[v] && run_status_is_failure(v) ? " class=\"unacked\"" : "",
				  k->n[v]);
		sb_printf(out, "<td>%zu</td><td%s>%zu</td></tr>\n", k->controls,
			  k->controls_failed ? " class=\"unacked\"" : "", k->controls_failed);
	}
	sb_puts(out, "</table>\n");
}

/* The current migrations that failed or erred (only regressions: only those). */
static void failures(struct strbuf *out, const struct rep_migration *m, int regressions,
		     const char *id)
{
	static const char *const h[] = { "machine type", "mode", "source", "destination",
					 "status", "side", "reason", "previous migrate sweep" };

	rep_html_table_open(out, id, h, ARRAY_SIZE(h), 0);
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_mig_cell *c = &m->cells[i];

		if (!c->current || !run_status_is_failure(c->verdict) ||
		    (regressions && !c->regression))
			continue;
		key_cells(out, c, 0);
		status_td(out, c);
		rep_html_td(out, NULL, c->side == MIG_SIDE_NONE ? NULL
							: mig_side_to_string(c->side));
		rep_html_td(out, "code", c->reason);
		rep_html_td(out, NULL, c->has_prev ? run_status_to_string(c->prev_verdict) : NULL);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

/* A predictor's cell: equal green, differs highlighted (no verdict of its own). */
static const char *cmp_class(enum rep_fp_cmp c)
{
	static const char *const cls[] = { "none", "g-nc", "g-eq", "hl" };

	return (size_t)c < ARRAY_SIZE(cls) ? cls[c] : NULL;
}

static void predictions(struct strbuf *out, const struct rep_migration *m)
{
	static const char *const h[] = { "machine type", "mode", "source", "destination",
					 "QEMU ABI fingerprints", "guest view", "migration",
					 "disagreement", "vmstate" };
	int vm = rep_migration_has_vmstate(m);

	sb_printf(out, "<h3 id=\"mig-predictions\">Held against the fingerprints</h3>\n"
		       "<p>Each migration of this sweep between two installs against what "
		       "the store says of their binaries for the machine type: QEMU's ABI "
		       "fingerprints and the guest views, equal or not (not compared: "
		       "recorded by different definitions; missing: not probed, or the "
		       "record failed). <b class=\"%s\">%zu failed where the fingerprints "
		       "or the guest views are equal</b>; <b>%zu passed where the ABI "
		       "fingerprints differ and the guest views are equal</b>. Those "
		       "disagreements come first.</p>\n",
		  m->equal_but_fails ? "unacked" : "", m->equal_but_fails,
		  m->differs_but_passes);
	rep_html_table_open(out, "mig-predictions-table", h, ARRAY_SIZE(h) - !vm, 0);
	for (size_t i = 0; i < m->npredictions; i++) {
		const struct rep_mig_cell *c = &m->cells[m->predictions[i]];
		const char *d = rep_mig_disagreement_name(c->disagreement);

		key_cells(out, c, 0);
		rep_html_td(out, cmp_class(c->abi), rep_fp_cmp_name(c->abi));
		rep_html_td(out, cmp_class(c->guest), rep_fp_cmp_name(c->guest));
		status_td(out, c);
		rep_html_td(out, d ? "hl unacked" : NULL, d);
		if (vm) {
			struct strbuf t = STRBUF_INIT;

			rep_vmstate_text(&t, c->vmstate);
			rep_html_td(out, NULL, t.len ? t.buf : "not checked");
			strbuf_release(&t);
		}
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

/* "libvirt 9.0.0 / QEMU 7.2.0": one end of a migration through libvirt. */
static void end_td(struct strbuf *out, const char *libvirt, const char *qemu)
{
	sb_puts(out, "<td>libvirt ");
	H(libvirt);
	sb_puts(out, " / QEMU ");
	H(qemu);
	sb_puts(out, "</td>");
}

/* QEMU's own verdict on the pair, linked to its row among all migrations. */
static void direct_td(struct strbuf *out, const struct rep_mig_cell *d)
{
	struct strbuf t = STRBUF_INIT;

	if (!d) {
		rep_html_td(out, "none", "not run");
		return;
	}
	verdict_text(&t, d);
	sb_printf(&t, ", %s", mig_mode_to_string(d->mode));
	sb_printf(out, "<td class=\"%s%s\"><a href=\"#", run_status_to_string(d->verdict),
		  d->current ? "" : " old");
	row_id(out, d);
	sb_puts(out, "\">");
	H(t.buf);
	sb_puts(out, "</a>");
	older_badge(out, d);
	sb_puts(out, "</td>");
	strbuf_release(&t);
}

static void through_libvirt(struct strbuf *out, const struct rep_mig_libvirt *lv)
{
	static const char *const h[] = { "machine type", "source", "destination",
					 "through libvirt", "libvirt's reason", "QEMU alone",
					 "QEMU's reason", "disagreement", "previous migrate sweep" };

	sb_puts(out, "<h3 id=\"mig-libvirt\">Through libvirt</h3>\n");
	if (!lv->ncells) {
		sb_puts(out, "<p>No migration through libvirt in these migrate sweeps.</p>\n");
		return;
	}
	sb_printf(out, "<p>Each migration from one libvirt daemon and its QEMU to another "
		       "(peer to peer, paused) beside QEMU's own verdict on the same QEMU "
		       "pair and machine type (QEMU alone: file, else live; not run: "
		       "neither was tried). <b class=\"%s\">%zu failed through libvirt where "
		       "QEMU alone passed</b> (libvirt's own checks or the command line it "
		       "made broke them); <b>%zu passed through libvirt where QEMU alone "
		       "failed</b>. Those come first, then the failures. <b class=\"%s\">"
		       "%zu regression(s)</b>, %zu fixed. Two daemons of one libvirt "
		       "with one QEMU are the control.</p>\n",
		  lv->fails_direct_passes ? "unacked" : "", lv->fails_direct_passes,
		  lv->passes_direct_fails, lv->regressions ? "unacked" : "", lv->regressions,
		  lv->fixed);
	rep_html_table_open(out, "mig-libvirt-table", h, ARRAY_SIZE(h), 0);
	for (size_t i = 0; i < lv->ncells; i++) {
		const struct rep_mig_cell *c = &lv->cells[lv->order[i]];
		const struct rep_mig_lv *x = &lv->lv[lv->order[i]];
		const char *d = rep_lv_disagreement_name(x->disagreement);

		sb_puts(out, "<tr id=\"");
		row_id(out, c);
		sb_puts(out, "\"");
		filter_attrs(out, c);
		sb_puts(out, ">");
		rep_html_td(out, "code", c->machine);
		end_td(out, c->src_libvirt, c->src);
		end_td(out, c->dst_libvirt, c->dst);
		status_td(out, c);
		rep_html_td(out, "code", c->reason);
		direct_td(out, x->direct);
		rep_html_td(out, "code", x->direct ? x->direct->reason : NULL);
		rep_html_td(out, d ? "hl unacked" : NULL, d);
		rep_html_td(out, NULL, c->has_prev ? run_status_to_string(c->prev_verdict) : NULL);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

static void all_cells(struct strbuf *out, const struct rep_migration *m)
{
	static const char *const h[] = { "machine type", "mode", "source", "destination",
					 "status", "reason", "previous migrate sweep", "seconds",
					 "source seconds", "sweep" };

	sb_puts(out, "<h3 id=\"mig-all\">All migrations</h3>\n");
	rep_html_table_open(out, "mig-cells", h, ARRAY_SIZE(h), 0);
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_mig_cell *c = &m->cells[i];

		key_cells(out, c, 1);
		status_td(out, c);
		rep_html_td(out, "code", c->reason);
		rep_html_td(out, NULL, c->has_prev ? run_status_to_string(c->prev_verdict) : NULL);
		sb_printf(out, "<td>%.1f</td><td>%.1f</td>", c->seconds, c->src_seconds);
		rep_html_td(out, NULL, c->current ? "current" : c->from_sweep);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

/*
 * The machine type, version and (with migrations through libvirt)
 * libvirt version selects, of both sections.
 */
static void filters(struct strbuf *out, const struct rep_report *r)
{
	static const char *const keys[] = { "machine", "version", "libvirt" };
	static const char *const labels[] = { "machine type", "version", "libvirt" };
	const struct rep_migration *m = &r->migration;
	const struct rep_mig_libvirt *lv = &r->mig_libvirt;
	struct strvec sv[3] = { STRVEC_INIT, STRVEC_INIT, STRVEC_INIT };

	strvec_pushv(&sv[0], (const char *const *)m->machines.v);
	for (size_t i = 0; i < lv->machines.nr; i++)
		if (!strvec_has(&sv[0], lv->machines.v[i]))
			strvec_push(&sv[0], lv->machines.v[i]);
	strvec_pushv(&sv[1], (const char *const *)m->versions.v);
	for (size_t i = 0; i < lv->versions.nr; i++)
		rep_strvec_add_version(&sv[1], lv->versions.v[i]);
	strvec_pushv(&sv[2], (const char *const *)lv->libvirts.v);
	sb_puts(out, "<div class=\"filterbar\">");
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		if (!sv[k].nr && k == 2)
			continue;
		sb_printf(out, "<label>%s <select class=\"xfilter\" id=\"mig-f-%s\" "
			       "data-key=\"%s\"><option value=\"\">all</option>",
			  labels[k], keys[k], keys[k]);
		for (size_t i = 0; i < sv[k].nr; i++) {
			sb_puts(out, "<option>");
			H(sv[k].v[i]);
			sb_puts(out, "</option>");
		}
		sb_puts(out, "</select></label> ");
		strvec_clear(&sv[k]);
	}
	sb_puts(out, "</div>\n");
}

/* The sweep, and what QEMU alone and through libvirt count together. */
static void heading(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	size_t regressions = rep_migration_regressions(r);

	sb_puts(out, "<p>Migrate sweep <span class=\"code\">");
	H(m->cur.label);
	sb_puts(out, "</span> (started ");
	H(m->cur.started_at);
	sb_printf(out, ", %zu migrations)", m->current_cells + r->mig_libvirt.current_cells);
	if (m->have_prev) {
		sb_puts(out, ", compared with the previous migrate sweep <span class=\"code\">");
		H(m->prev.label);
		sb_puts(out, "</span>");
	}
	sb_printf(out, ": <b class=\"%s\">%zu regression(s)</b> (passed in the newest "
		       "earlier migrate sweep that tried them, fail or error now), %zu "
		       "fixed. A migration passes only when the guest proves on the "
		       "destination that it survived; the source to itself is the "
		       "control, and when it fails the others are errors. Results of "
		       "older migrate sweeps are shown greyed and count for nothing.</p>\n",
		  regressions ? "unacked" : "", regressions, m->fixed + r->mig_libvirt.fixed);
}

void rep_html_migration(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;

	sb_puts(out, "<section id=\"migration\"><h2>5. Migrations between QEMU "
		     "versions</h2>\n");
	if (!m->have_cur) {
		sb_puts(out, "<p>No migrate sweep recorded ('virt-matrix migrate').</p>"
			     "</section>\n");
		return;
	}
	heading(out, r);
	filters(out, r);
	summary(out, r);
	if (m->regressions) {
		sb_puts(out, "<h3 id=\"mig-regressions\">Regressions</h3>\n");
		failures(out, m, 1, "mig-regressions-table");
	}
	sb_puts(out, "<h3 id=\"mig-failures\">Migrations of this sweep that failed</h3>\n");
	failures(out, m, 0, "mig-failures-table");
	predictions(out, m);
	through_libvirt(out, &r->mig_libvirt);
	grids(out, m);
	all_cells(out, m);
	sb_puts(out, "</section>\n");
}
