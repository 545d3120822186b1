/*
 * The migration part's section of migrations through libvirt (mode
 * 'libvirt' of the migrations table): a guest started by one libvirt
 * daemon with one QEMU, migrated peer to peer (paused) to another daemon
 * with another QEMU. Each (machine type, source libvirt and QEMU,
 * destination libvirt and QEMU) is one cell, read from the same migrate
 * sweeps as the part's grids by the same code (rep_mig_cells_read): its
 * row in the report's sweep, or else, greyed and counted nowhere, its
 * latest older one. A regression is a cell that passed in the newest
 * earlier migrate sweep that has it (libvirt versions included) and
 * fails or errs now; it fails the report as the part's others do. Two
 * daemons of one libvirt version with one QEMU are the control.
 *
 * Each cell is held against QEMU's own verdict on the same QEMU pair and
 * machine type: the part's cell of it in mode file, else live (the
 * report's sweep's before an older one), or "not run". Where libvirt
 * fails and QEMU alone passed (libvirt's own checks or the command line
 * it made broke it), or libvirt passes where QEMU alone failed, comes
 * first, then the failures, then the rest. report.c builds this after
 * the part's grids, as a row of the same part; the section borrows
 * their cells.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

/* The groups of rep_mig_libvirt.order, in the order shown. */
enum lv_group {
	LV_FAILS_DIRECT_PASSES,
	LV_PASSES_DIRECT_FAILS,
	LV_FAILURE,
	LV_OTHER,
	LV_OLDER,
	LV_GROUP_LAST
};

const char *rep_lv_disagreement_name(enum rep_lv_disagreement d)
{
	static const char *const names[] = { NULL, "libvirt-fails-direct-passes",
					     "libvirt-passes-direct-fails" };

	return (size_t)d < ARRAY_SIZE(names) ? names[d] : NULL;
}

/*
 * QEMU's own migration of c's QEMU pair and machine type in m: file
 * before live, the report's sweep's before an older one; NULL: none.
 */
static const struct rep_mig_cell *direct_of(const struct rep_migration *m,
					    const struct rep_mig_cell *c)
{
	static const enum mig_mode modes[] = { MIG_FILE, MIG_LIVE };
	const struct rep_mig_cell *older = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		const struct rep_mig_cell *d = rep_mig_find(m, c->machine, modes[i], c->src,
							     c->dst);

		if (d && d->current)
			return d;
		if (d && !older)
			older = d;
	}
	return older;
}

/* Only a pass or a fail on both sides is a verdict; an older cell has none. */
static enum rep_lv_disagreement disagreement_of(const struct rep_mig_cell *c,
						const struct rep_mig_cell *direct)
{
	if (!c->current || !direct)
		return REP_LV_AGREE;
	if (c->verdict == RUN_FAIL && direct->verdict == RUN_PASS)
		return REP_LV_FAILS_DIRECT_PASSES;
	if (c->verdict == RUN_PASS && direct->verdict == RUN_FAIL)
		return REP_LV_PASSES_DIRECT_FAILS;
	return REP_LV_AGREE;
}

static enum lv_group group_of(const struct rep_mig_cell *c, const struct rep_mig_lv *x)
{
	if (x->disagreement == REP_LV_FAILS_DIRECT_PASSES)
		return LV_FAILS_DIRECT_PASSES;
	if (x->disagreement == REP_LV_PASSES_DIRECT_FAILS)
		return LV_PASSES_DIRECT_FAILS;
	if (!c->current)
		return LV_OLDER;
	return run_status_is_failure(c->verdict) ? LV_FAILURE : LV_OTHER;
}

/* Each cell against QEMU's own verdict; the lists, the counts, the order. */
static void classify(const struct rep_migration *m, struct rep_mig_libvirt *lv)
{
	size_t n = 0;

	lv->lv = xcalloc(lv->ncells + 1, sizeof(*lv->lv));
	lv->order = xcalloc(lv->ncells + 1, sizeof(*lv->order));
	for (size_t i = 0; i < lv->ncells; i++) {
		const struct rep_mig_cell *c = &lv->cells[i];
		struct rep_mig_lv *x = &lv->lv[i];

		x->direct = direct_of(m, c);
		x->disagreement = disagreement_of(c, x->direct);
		lv->fails_direct_passes += x->disagreement == REP_LV_FAILS_DIRECT_PASSES;
		lv->passes_direct_fails += x->disagreement == REP_LV_PASSES_DIRECT_FAILS;
		if (!strvec_has(&lv->machines, c->machine))
			strvec_push(&lv->machines, c->machine);
		rep_strvec_add_version(&lv->versions, c->src);
		rep_strvec_add_version(&lv->versions, c->dst);
		rep_strvec_add_version(&lv->libvirts, c->src_libvirt);
		rep_strvec_add_version(&lv->libvirts, c->dst_libvirt);
		if (!c->current)
			continue;
		rep_mig_counts_add(&lv->counts, c);
		lv->current_cells++;
		lv->regressions += c->regression;
		lv->fixed += c->fixed;
	}
	for (int g = 0; g < LV_GROUP_LAST; g++)
		for (size_t i = 0; i < lv->ncells; i++)
			if (group_of(&lv->cells[i], &lv->lv[i]) == (enum lv_group)g)
				lv->order[n++] = i;
}

/* A libvirt row without its libvirt versions: a store no migrate/ writes. */
static int check_cells(struct store *st, const struct rep_mig_libvirt *lv)
{
	for (size_t i = 0; i < lv->ncells; i++)
		if (!lv->cells[i].src_libvirt || !lv->cells[i].dst_libvirt)
			return error("store '%s': migration %lld through libvirt names no "
				     "libvirt for its %s", st->path, lv->cells[i].id,
				     lv->cells[i].src_libvirt ? "destination" : "source");
	return 0;
}

int rep_mig_libvirt_build(struct store *st, const char *uuid,
			  const struct rep_migration *direct, struct rep_mig_libvirt *lv)
{
	struct rep_sweeps sw = { NULL, 0, 0, 0 };
	int ret = -1;

	if (rep_sweeps_load(st, REP_SWEEPS_MIGRATE, &sw) || rep_sweeps_choose_migrate(st, &sw, uuid))
		goto out;
	if (sw.nr && (rep_mig_cells_read(st, &sw, 1, &lv->cells, &lv->ncells, &lv->alloc) ||
		      check_cells(st, lv)))
		goto out;
	classify(direct, lv);
	ret = 0;
out:
	rep_sweeps_release(&sw);
	return ret;
}

void rep_mig_libvirt_plan_logs(struct rep_mig_libvirt *lv, int failed_only)
{
	rep_mig_cells_plan_logs(lv->cells, lv->ncells, failed_only);
}

int rep_mig_libvirt_write_logs(struct store *st, const struct rep_mig_libvirt *lv,
			       const char *dir)
{
	return rep_mig_cells_write_logs(st, lv->cells, lv->ncells, dir);
}

void rep_mig_libvirt_release(struct rep_mig_libvirt *lv)
{
	for (size_t i = 0; i < lv->ncells; i++)
		rep_mig_cell_release(&lv->cells[i]);
	free(lv->cells);
	free(lv->lv);
	free(lv->order);
	strvec_clear(&lv->machines);
	strvec_clear(&lv->versions);
	strvec_clear(&lv->libvirts);
	memset(lv, 0, sizeof(*lv));
}

size_t rep_migration_regressions(const struct rep_report *r)
{
	return r->migration.regressions + r->mig_libvirt.regressions;
}

const struct rep_mig_counts *rep_mig_counts_of(const struct rep_report *r,
					       enum mig_mode mode)
{
	return mode == MIG_LIBVIRT ? &r->mig_libvirt.counts : &r->migration.modes[mode];
}
