/*
 * The migration part of the Markdown report: the migrate sweep and its
 * counts per mode (through libvirt too), the regressions and the
 * failures of QEMU alone, the migrations held against the fingerprints
 * (disagreements first), the migrations through libvirt beside QEMU's
 * own verdict on each QEMU pair (disagreements first), then per family
 * and machine type one grid per mode of QEMU alone. Cells link each
 * migration's log.
 */
#include <string.h>

#include "builders.h"
#include "md_kit.h"
#include "banned.h"

#define C(s) rep_md_cell(out, (s))

/*
 * "fail (destination)", "pass (control)", "error REGRESSION", "pass (from
 * e39c3c46)": a grid names an older result's sweep by the start of its uuid.
 */
static void mig_status_text(struct strbuf *t, const struct rep_mig_cell *c)
{
	sb_puts(t, run_status_to_string(c->verdict));
	if (c->side != MIG_SIDE_NONE)
		sb_printf(t, " (%s)", mig_side_to_string(c->side));
	if (c->control)
		sb_puts(t, " (control)");
	if (c->regression)
		sb_puts(t, " REGRESSION");
	if (c->fixed)
		sb_puts(t, " (fixed)");
	if (!c->current)
		sb_printf(t, " (older: %.8s)", c->from_sweep);
}

static void mig_status_md(struct strbuf *out, const struct rep_mig_cell *c)
{
	struct strbuf t = STRBUF_INIT;

	mig_status_text(&t, c);
	rep_md_linked(out, t.buf, c->log);
	strbuf_release(&t);
}

/* machine type, mode, source, destination (no newline) */
static void mig_key_md(struct strbuf *out, const struct rep_mig_cell *c)
{
	rep_md_row_start(out);
	rep_md_code_td(out, c->machine);
	rep_md_td(out, mig_mode_to_string(c->mode));
	rep_md_td(out, c->src);
	rep_md_td(out, c->dst);
}

/* The current cells per mode (libvirt's too) by verdict, controls apart. */
static void mig_summary_md(struct strbuf *out, const struct rep_report *r)
{
	static const char *const h[] = { "mode", "migrations", "pass", "fail", "error",
					 "skip", "unsupported", "controls", "controls failed" };

	rep_md_header(out, h, ARRAY_SIZE(h));
	for (int mode = 0; mode < MIG_MODE_LAST; mode++) {
		const struct rep_mig_counts *k = rep_mig_counts_of(r, mode);

		if (!k->cells && !k->controls)
			continue;
		sb_printf(out, "| %s | %zu |", mig_mode_to_string(mode), k->cells);
		for (int v = 0; v < RUN_STATUS_LAST; v++)
			sb_printf(out, " %zu |", k->n[v]);
		sb_printf(out, " %zu | %zu |\n", k->controls, k->controls_failed);
	}
	sb_putc(out, '\n');
}

/* The current cells that failed or erred (regressions only: only those). */
static void mig_failures_md(struct strbuf *out, const struct rep_migration *m,
			    int regressions, const char *title)
{
	static const char *const h[] = { "machine type", "mode", "source", "destination",
					 "status", "side", "reason", "previous" };
	size_t n = 0;

	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_mig_cell *c = &m->cells[i];

		if (!c->current || !run_status_is_failure(c->verdict) ||
		    (regressions && !c->regression))
			continue;
		if (!n++) {
			sb_printf(out, "%s\n\n", title);
			rep_md_header(out, h, ARRAY_SIZE(h));
		}
		mig_key_md(out, c);
		mig_status_md(out, c);
		rep_md_td(out, c->side == MIG_SIDE_NONE ? NULL : mig_side_to_string(c->side));
		rep_md_td(out, c->reason);
		rep_md_td(out, c->has_prev ? run_status_to_string(c->prev_verdict) : NULL);
		sb_putc(out, '\n');
	}
	if (n)
		sb_putc(out, '\n');
}

static void mig_predictions_md(struct strbuf *out, const struct rep_migration *m)
{
	static const char *const h[] = { "machine type", "mode", "source", "destination",
					 "QEMU ABI", "guest view", "migration", "disagreement",
					 "vmstate" };
	int vm = rep_migration_has_vmstate(m);

	sb_printf(out, "### Held against the fingerprints\n\n%zu migration(s) failed "
		       "where the QEMU ABI fingerprints or the guest views are equal; %zu "
		       "passed where the ABI fingerprints differ and the guest views are "
		       "equal. Those come first.\n\n",
		  m->equal_but_fails, m->differs_but_passes);
	if (!m->npredictions)
		return;
	rep_md_header(out, h, ARRAY_SIZE(h) - !vm);
	for (size_t i = 0; i < m->npredictions; i++) {
		const struct rep_mig_cell *c = &m->cells[m->predictions[i]];
		const char *d = rep_mig_disagreement_name(c->disagreement);
		struct strbuf t = STRBUF_INIT;

		mig_key_md(out, c);
		rep_md_td(out, rep_fp_cmp_name(c->abi));
		rep_md_td(out, rep_fp_cmp_name(c->guest));
		mig_status_md(out, c);
		if (d)
			sb_printf(out, " **%s** |", d);
		else
			rep_md_td(out, NULL);
		if (vm) {
			rep_vmstate_text(&t, c->vmstate);
			rep_md_td(out, t.len ? t.buf : "not checked");
		}
		sb_putc(out, '\n');
		strbuf_release(&t);
	}
	sb_putc(out, '\n');
}

/* One machine type and mode: sources as rows, destinations as columns. */
static void mig_grid_md(struct strbuf *out, const struct rep_migration *m,
			const struct rep_mig_grid *g)
{
	size_t n = g->versions.nr;

	sb_puts(out, "#### ");
	C(g->machine);
	sb_printf(out, ", %s\n\n| source \\\\ destination |", mig_mode_to_string(g->mode));
	for (size_t d = 0; d < n; d++)
		rep_md_td(out, g->versions.v[d]);
	sb_puts(out, "\n|---|");
	for (size_t d = 0; d < n; d++)
		sb_puts(out, "---|");
	sb_putc(out, '\n');
	for (size_t s = 0; s < n; s++) {
		rep_md_row_start(out);
		rep_md_td(out, g->versions.v[s]);
		for (size_t d = 0; d < n; d++) {
			long c = g->cell[s * n + d];

			if (c < 0)
				rep_md_td(out, NULL);
			else
				mig_status_md(out, &m->cells[c]);
		}
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

/* "libvirt 9.0.0 / QEMU 7.2.0": one end of a migration through libvirt. */
static void lv_end_md(struct strbuf *out, const char *libvirt, const char *qemu)
{
	struct strbuf t = STRBUF_INIT;

	sb_printf(&t, "libvirt %s / QEMU %s", libvirt, qemu);
	rep_md_td(out, t.buf);
	strbuf_release(&t);
}

/* QEMU's own verdict on the pair: "pass (file)", "fail (destination, live)". */
static void lv_direct_md(struct strbuf *out, const struct rep_mig_cell *d)
{
	struct strbuf t = STRBUF_INIT;

	if (!d) {
		rep_md_td(out, "not run");
		return;
	}
	sb_printf(&t, "%s (", run_status_to_string(d->verdict));
	if (d->side != MIG_SIDE_NONE)
		sb_printf(&t, "%s, ", mig_side_to_string(d->side));
	sb_printf(&t, "%s)", mig_mode_to_string(d->mode));
	if (!d->current)
		sb_printf(&t, " (older: %.8s)", d->from_sweep);
	rep_md_linked(out, t.buf, d->log);
	strbuf_release(&t);
}

static void mig_libvirt_md(struct strbuf *out, const struct rep_mig_libvirt *lv)
{
	static const char *const h[] = { "machine type", "source", "destination",
					 "through libvirt", "libvirt's reason", "QEMU alone",
					 "QEMU's reason", "disagreement" };

	sb_puts(out, "### Through libvirt\n\n");
	if (!lv->ncells) {
		sb_puts(out, "No migration through libvirt in these migrate sweeps.\n\n");
		return;
	}
	sb_printf(out, "Each migration from one libvirt daemon and its QEMU to another (peer "
		       "to peer, paused) beside QEMU's own verdict on the same QEMU pair and "
		       "machine type (file, else live; \"not run\": neither was tried). %zu "
		       "failed through libvirt where QEMU alone passed (libvirt's own checks or "
		       "the command line it made broke them); %zu passed through libvirt where "
		       "QEMU alone failed. Those come first, then the failures. %zu "
		       "regression(s), %zu fixed.\n\n",
		  lv->fails_direct_passes, lv->passes_direct_fails, lv->regressions, lv->fixed);
	rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < lv->ncells; i++) {
		const struct rep_mig_cell *c = &lv->cells[lv->order[i]];
		const struct rep_mig_lv *x = &lv->lv[lv->order[i]];
		const char *d = rep_lv_disagreement_name(x->disagreement);

		rep_md_row_start(out);
		rep_md_code_td(out, c->machine);
		lv_end_md(out, c->src_libvirt, c->src);
		lv_end_md(out, c->dst_libvirt, c->dst);
		mig_status_md(out, c);
		rep_md_td(out, c->reason);
		lv_direct_md(out, x->direct);
		rep_md_td(out, x->direct ? x->direct->reason : NULL);
		if (d)
			sb_printf(out, " **%s** |", d);
		else
			rep_md_td(out, NULL);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

void rep_md_migration(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	const char *family = NULL;

	sb_puts(out, "## 5. Migrations between QEMU versions\n\n");
	if (!m->have_cur) {
		sb_puts(out, "No migrate sweep recorded ('virt-matrix migrate').\n");
		return;
	}
	sb_puts(out, "Migrate sweep ");
	C(m->cur.label);
	sb_puts(out, " (started ");
	C(m->cur.started_at);
	sb_printf(out, ", %zu migrations)", m->current_cells + r->mig_libvirt.current_cells);
	if (m->have_prev) {
		sb_puts(out, ", compared with ");
		C(m->prev.label);
	}
	sb_printf(out, ": %zu regression(s), %zu fixed. In the grids, \"older: X\" is "
		       "the latest result of a migration this sweep did not try, from the "
		       "migrate sweep whose uuid starts with X; it counts for nothing.\n\n",
		  rep_migration_regressions(r), m->fixed + r->mig_libvirt.fixed);
	mig_summary_md(out, r);
	mig_failures_md(out, m, 1, "### Regressions (passed in the previous migrate sweep)");
	mig_failures_md(out, m, 0, "### Migrations of this sweep that failed");
	mig_predictions_md(out, m);
	mig_libvirt_md(out, &r->mig_libvirt);
	for (size_t i = 0; i < m->ngrids; i++) {
		if (!family || strcmp(family, m->grids[i].family)) {
			family = m->grids[i].family;
			sb_puts(out, "### ");
			C(family);
			sb_puts(out, "\n\n");
		}
		mig_grid_md(out, m, &m->grids[i]);
	}
}

