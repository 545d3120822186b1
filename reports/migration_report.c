/*
 * The migration part: what `virt-matrix migrate` recorded (the
 * migrations table, lib/migrations.h) in one migrate sweep, the latest
 * unless a uuid is given. Each (source, destination, versioned machine
 * type, mode) is one cell: its latest row in that sweep, or else, greyed,
 * its latest row of an older migrate sweep (never counted). The source
 * to itself is the control.
 *
 * A regression is a cell that passed in the newest earlier migrate sweep
 * that has it (a partial `migrate` in between, of other versions or the
 * other mode, neither hides nor invents one) and fails or errs now, as
 * in the sweep matrix (rep_verdict_change).
 *
 * Each cell is held against what the store predicts of it: whether the
 * two binaries' (migrations.src_sha256 and dst_sha256 = binaries.sha256)
 * QEMU-side ABI fingerprints of the machine type are equal, and their
 * guest views; records of different definitions (binaries.abi_rev,
 * guest_rev) are not compared. A third predictor, a static vmstate
 * check, has its place in the model (rep_mig_cell.vmstate) for a module
 * to fill. Where a predictor and the verdict disagree is listed first.
 * Each shown cell's record (both argvs, the guest's checks, both QEMUs'
 * messages and consoles) goes to logs/migration-N.txt next to the report.
 *
 * Rows of mode 'libvirt' are not cells here (the grids are keyed by QEMU
 * installs alone): migration_libvirt.c makes its section of them with
 * the same reading of rows into cells (rep_mig_cells_read), counts and
 * logs, which this file exports for it.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "command.h"
#include "fs.h"
#include "banned.h"

const char *rep_fp_cmp_name(enum rep_fp_cmp c)
{
	static const char *const names[] = { "missing", "not-compared", "equal", "differs" };

	return (size_t)c < ARRAY_SIZE(names) ? names[c] : "?";
}

const char *rep_vmstate_state_name(enum rep_vmstate_state s)
{
	static const char *const names[] = { "clean", "errors", "not-compared" };

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *rep_mig_disagreement_name(enum rep_mig_disagreement d)
{
	static const char *const names[] = { NULL, "equal-but-fails", "differs-but-passes" };

	return (size_t)d < ARRAY_SIZE(names) ? names[d] : NULL;
}

void rep_vmstate_text(struct strbuf *sb, const struct rep_vmstate_check *v)
{
	if (!v)
		return;
	switch (v->state) {
	case REP_VMSTATE_CLEAN:
		sb_puts(sb, "vmstate: clean");
		break;
	case REP_VMSTATE_ERRORS:
		sb_printf(sb, "vmstate: %zu error%s", v->errors, v->errors == 1 ? "" : "s");
		break;
	case REP_VMSTATE_NOT_COMPARED:
		sb_puts(sb, "vmstate: not compared");
		break;
	}
	if (v->detail && *v->detail)
		sb_printf(sb, ": %s", v->detail);
}

/* ---- the rows ---- */

struct mrow {
	long long id;
	size_t pos; /* its sweep's index in the sweep list */
	char *machine, *family, *src, *dst, *src_sha, *dst_sha;
	char *src_lv, *dst_lv; /* mode libvirt's; else NULL */
	enum mig_mode mode;
	enum run_status verdict;
	enum mig_side side;
	char *reason, *started_at;
	double seconds, src_seconds;
};

struct mrows {
	struct mrow *v;
	size_t nr, alloc;
};

static void mrows_release(struct mrows *rows)
{
	for (size_t i = 0; i < rows->nr; i++) {
		struct mrow *r = &rows->v[i];

		free(r->machine);
		free(r->family);
		free(r->src);
		free(r->dst);
		free(r->src_sha);
		free(r->dst_sha);
		free(r->src_lv);
		free(r->dst_lv);
		free(r->reason);
		free(r->started_at);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* Version order, NULL (no libvirt) first. */
static int cmp_opt_version(const char *a, const char *b)
{
	if (!a || !b)
		return !!a - !!b;
	return version_strcmp(a, b);
}

/*
 * The order of cells: family, machine type (natural), mode, source
 * (libvirt, then QEMU), destination likewise.
 */
static int cmp_key(const struct mrow *x, const struct mrow *y)
{
	int c = strcmp(x->family, y->family);

	if (!c)
		c = strverscmp(x->machine, y->machine);
	if (!c && x->mode != y->mode)
		c = x->mode < y->mode ? -1 : 1;
	if (!c)
		c = cmp_opt_version(x->src_lv, y->src_lv);
	if (!c)
		c = version_strcmp(x->src, y->src);
	if (!c)
		c = cmp_opt_version(x->dst_lv, y->dst_lv);
	if (!c)
		c = version_strcmp(x->dst, y->dst);
	return c;
}

static int cmp_mrow(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	int c = cmp_key(x, y);

	if (c)
		return c;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static size_t pos_of(const struct rep_sweeps *sw, long long id)
{
	for (size_t i = 0; i < sw->nr; i++)
		if (sw->v[i].id == id)
			return i;
	return sw->nr;
}

/* The mode, verdict and side of row r from their texts; -1 after reporting. */
static int parse_enums(struct store *st, sqlite3_stmt *q, struct mrow *r)
{
	const char *mode = (const char *)sqlite3_column_text(q, 3);
	const char *side = (const char *)sqlite3_column_text(q, 9);
	int m = mig_mode_from_string(mode), s = side ? mig_side_from_string(side) : MIG_SIDE_NONE;

	if (m < 0)
		return error("store '%s': migration %lld has mode '%s'; expected file, live "
			     "or libvirt",
			     st->path, r->id, mode ? mode : "(null)");
	if (s < 0 || (side && s == MIG_SIDE_NONE))
		return error("store '%s': migration %lld has side '%s'; expected source "
			     "or destination", st->path, r->id, side);
	r->mode = (enum mig_mode)m;
	r->side = (enum mig_side)s;
	return runs_status_parse(st, (const char *)sqlite3_column_text(q, 8), &r->verdict);
}

/*
 * The rows of the migrate sweeps up to the report's, of mode libvirt
 * (libvirt != 0) or of the others, sorted by cell, then by sweep, then
 * by id. -1 after reporting.
 */
static int read_rows(struct store *st, const struct rep_sweeps *sw, int libvirt,
		     struct mrows *out)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT id, sweep, machine, mode, src_qemu, dst_qemu, src_sha256,"
			  " dst_sha256, status, side, reason, seconds, src_seconds, started_at,"
			  " src_libvirt, dst_libvirt FROM migrations WHERE sweep IS NOT NULL"
			  " AND (mode = 'libvirt') = ? ORDER BY id"))
		return -1;
	sqlite3_bind_int(q, 1, !!libvirt);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t pos = pos_of(sw, sqlite3_column_int64(q, 1));
		struct mrow *r;

		if (pos > sw->cur)
			continue;
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		r = &out->v[out->nr++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(q, 0);
		r->pos = pos;
		r->machine = store_column_strdup(q, 2);
		r->family = rep_machine_family(r->machine);
		r->src = store_column_strdup(q, 4);
		r->dst = store_column_strdup(q, 5);
		r->src_sha = store_column_strdup(q, 6);
		r->dst_sha = store_column_strdup(q, 7);
		r->reason = store_column_strdup(q, 10);
		r->seconds = sqlite3_column_double(q, 11);
		r->src_seconds = sqlite3_column_double(q, 12);
		r->started_at = store_column_strdup(q, 13);
		r->src_lv = store_column_strdup(q, 14);
		r->dst_lv = store_column_strdup(q, 15);
		if (parse_enums(st, q, r))
			return -1;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the migrations");
	sort_array(out->v, out->nr, sizeof(*out->v), cmp_mrow);
	return 0;
}

/* ---- cells ---- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int same_opt(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void cell_from(struct rep_mig_cell *c, const struct mrow *r)
{
	c->machine = xstrdup(r->machine);
	c->family = xstrdup(r->family);
	c->mode = r->mode;
	c->src = xstrdup(r->src);
	c->dst = xstrdup(r->dst);
	c->src_libvirt = dup_or_null(r->src_lv);
	c->dst_libvirt = dup_or_null(r->dst_lv);
	c->src_sha = dup_or_null(r->src_sha);
	c->dst_sha = dup_or_null(r->dst_sha);
	c->id = r->id;
	c->verdict = r->verdict;
	c->side = r->side;
	c->reason = dup_or_null(r->reason);
	c->seconds = r->seconds;
	c->src_seconds = r->src_seconds;
	c->started_at = dup_or_null(r->started_at);
	c->control = !strcmp(r->src, r->dst) && same_opt(r->src_lv, r->dst_lv);
}

/* Where rep_mig_cells_read appends. */
struct cell_sink {
	struct rep_mig_cell **v;
	size_t *nr, *alloc;
};

/*
 * The cell of one key from its n rows (sorted by sweep): the report's
 * sweep's latest, or else the latest older one; compared with the
 * newest earlier sweep that has the key.
 */
static void add_cell(const struct cell_sink *out, const struct rep_sweeps *sw,
		     const struct mrow *rows, size_t n)
{
	const struct mrow *now = NULL, *before = NULL;
	struct rep_mig_cell *c;
	long i_now, i_before;

	rep_sweeps_now_before(sw, &rows[0].pos, sizeof(*rows), n, &i_now, &i_before);
	now = i_now >= 0 ? &rows[i_now] : NULL;
	before = i_before >= 0 ? &rows[i_before] : NULL;
	ALLOC_GROW(*out->v, *out->nr + 1, *out->alloc);
	c = &(*out->v)[(*out->nr)++];
	memset(c, 0, sizeof(*c));
	cell_from(c, now ? now : &rows[n - 1]);
	c->current = now != NULL;
	if (!now)
		c->from_sweep = xstrdup(sw->v[rows[n - 1].pos].label);
	/* An older result is itself from before: it has no "previous". */
	if (now && before) {
		c->has_prev = 1;
		c->prev_verdict = before->verdict;
		c->prev_sweep = xstrdup(sw->v[before->pos].label);
	}
	if (now) {
		enum rep_change ch = rep_verdict_change(before ? &before->verdict : NULL,
							now->verdict);

		c->regression = ch == REP_CHANGE_REGRESSION;
		c->fixed = ch == REP_CHANGE_FIXED;
	}
}

int rep_mig_cells_read(struct store *st, const struct rep_sweeps *sw, int libvirt,
		       struct rep_mig_cell **cells, size_t *n, size_t *alloc)
{
	const struct cell_sink out = { cells, n, alloc };
	struct mrows rows = { NULL, 0, 0 };
	int ret = read_rows(st, sw, libvirt, &rows);

	for (size_t i = 0; !ret && i < rows.nr;) {
		size_t e = i;

		while (e < rows.nr && !cmp_key(&rows.v[e], &rows.v[i]))
			e++;
		add_cell(&out, sw, rows.v + i, e - i);
		i = e;
	}
	mrows_release(&rows);
	return ret;
}

void rep_strvec_add_version(struct strvec *sv, const char *s)
{
	size_t i = 0;
	const char *last;

	while (i < sv->nr && version_strcmp(sv->v[i], s) < 0)
		i++;
	if (i < sv->nr && !strcmp(sv->v[i], s))
		return;
	strvec_push(sv, s);
	last = sv->v[sv->nr - 1];
	memmove(sv->v + i + 1, sv->v + i, (sv->nr - 1 - i) * sizeof(*sv->v));
	sv->v[i] = last;
}

static long index_of(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return (long)i;
	return -1;
}

/* The grid of cells [first, end), which share machine type and mode. */
static void make_grid(const struct rep_migration *m, size_t first, size_t end,
		      struct rep_mig_grid *g)
{
	size_t n;

	memset(g, 0, sizeof(*g));
	g->machine = m->cells[first].machine;
	g->family = m->cells[first].family;
	g->mode = m->cells[first].mode;
	for (size_t i = first; i < end; i++) {
		rep_strvec_add_version(&g->versions, m->cells[i].src);
		rep_strvec_add_version(&g->versions, m->cells[i].dst);
	}
	n = g->versions.nr;
	g->cell = xmalloc((n * n + 1) * sizeof(*g->cell));
	for (size_t i = 0; i < n * n; i++)
		g->cell[i] = -1;
	for (size_t i = first; i < end; i++) {
		long s = index_of(&g->versions, m->cells[i].src);
		long d = index_of(&g->versions, m->cells[i].dst);

		g->cell[(size_t)s * n + (size_t)d] = (long)i;
	}
}

void rep_mig_counts_add(struct rep_mig_counts *k, const struct rep_mig_cell *c)
{
	if (c->control) {
		k->controls++;
		k->controls_failed += c->verdict != RUN_PASS;
	} else {
		k->cells++;
		k->n[c->verdict]++;
	}
}

/* The grids, the versions and machine types, the counts per mode and in all. */
static void make_views(struct rep_migration *m)
{
	for (size_t i = 0; i < m->ncells;) {
		const struct rep_mig_cell *c = &m->cells[i];
		size_t e = i;

		while (e < m->ncells && m->cells[e].mode == c->mode &&
		       !strcmp(m->cells[e].machine, c->machine))
			e++;
		m->grids = xrealloc(m->grids, (m->ngrids + 1) * sizeof(*m->grids));
		make_grid(m, i, e, &m->grids[m->ngrids++]);
		if (index_of(&m->machines, c->machine) < 0)
			strvec_push(&m->machines, c->machine);
		i = e;
	}
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_mig_cell *c = &m->cells[i];

		rep_strvec_add_version(&m->versions, c->src);
		rep_strvec_add_version(&m->versions, c->dst);
		if (!c->current)
			continue;
		rep_mig_counts_add(&m->modes[c->mode], c);
		m->current_cells++;
		m->regressions += c->regression;
		m->fixed += c->fixed;
	}
}

/* ---- the predictors ---- */

/* What the store has of one end's binary for a machine type. */
struct fp_end {
	int abi_rev, guest_rev;
	char *abi, *guest; /* the fingerprints of 'ok' records; NULL: none */
};

static void fp_end_release(struct fp_end *e)
{
	free(e->abi);
	free(e->guest);
	memset(e, 0, sizeof(*e));
}

/* e for the binary sha (NULL: unknown) and machine; -1 after reporting. */
static int load_end(struct store *st, sqlite3_stmt *q, const char *sha,
		    const char *machine, struct fp_end *e)
{
	memset(e, 0, sizeof(*e));
	if (!sha)
		return 0;
	sqlite3_reset(q);
	store_bind_text(q, 1, sha);
	store_bind_text(q, 2, machine);
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		e->abi_rev = sqlite3_column_int(q, 0);
		e->guest_rev = sqlite3_column_int(q, 1);
		e->abi = store_column_strdup(q, 2);
		e->guest = store_column_strdup(q, 3);
		return 0;
	case SQLITE_DONE: /* never probed (completely) */
		return 0;
	default:
		return store_error(st, "cannot read the fingerprints of a migration's binaries");
	}
}

static enum rep_fp_cmp compare(const char *a, const char *b, int rev_a, int rev_b)
{
	if (!a || !b)
		return REP_FP_MISSING;
	if (rev_a != rev_b)
		return REP_FP_NOT_COMPARED;
	return strcmp(a, b) ? REP_FP_DIFFERS : REP_FP_EQUAL;
}

/* Each cell's two binaries compared by ABI fingerprint and guest view. */
static int load_predictors(struct store *st, struct rep_migration *m)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT coalesce(b.abi_rev, 1), coalesce(b.guest_rev, 1),"
			  " (SELECT a.fingerprint FROM machine_abi a WHERE a.binary = b.id"
			  "   AND a.machine = ?2 AND a.status = 'ok'),"
			  " (SELECT g.fingerprint FROM machine_guest g WHERE g.binary = b.id"
			  "   AND g.machine = ?2 AND g.status = 'ok'"
			  "   AND b.guest_seconds IS NOT NULL)"
			  " FROM binaries b WHERE b.sha256 = ?1 AND b.status = 'complete'"))
		return -1;
	for (size_t i = 0; i < m->ncells; i++) {
		struct rep_mig_cell *c = &m->cells[i];
		struct fp_end a, b;
		int rc = load_end(st, q, c->src_sha, c->machine, &a);

		if (!rc)
			rc = load_end(st, q, c->dst_sha, c->machine, &b);
		else
			memset(&b, 0, sizeof(b));
		c->abi = compare(a.abi, b.abi, a.abi_rev, b.abi_rev);
		c->guest = compare(a.guest, b.guest, a.guest_rev, b.guest_rev);
		fp_end_release(&a);
		fp_end_release(&b);
		if (rc)
			return -1;
	}
	return 0;
}

enum rep_mig_disagreement rep_mig_disagreement_of(const struct rep_mig_cell *c)
{
	const struct rep_vmstate_check *v = c->vmstate;

	if (c->control)
		return REP_MIG_AGREE;
	if (c->verdict == RUN_FAIL &&
	    (c->abi == REP_FP_EQUAL || c->guest == REP_FP_EQUAL ||
	     (v && v->state == REP_VMSTATE_CLEAN)))
		return REP_MIG_EQUAL_BUT_FAILS;
	if (c->verdict == RUN_PASS &&
	    ((c->abi == REP_FP_DIFFERS && c->guest == REP_FP_EQUAL) ||
	     (v && v->state == REP_VMSTATE_ERRORS)))
		return REP_MIG_DIFFERS_BUT_PASSES;
	return REP_MIG_AGREE;
}

void rep_migration_classify(struct rep_migration *m)
{
	/* The order of predictions: equal but failing, differing but passing, the rest. */
	static const enum rep_mig_disagreement order[] = {
		REP_MIG_EQUAL_BUT_FAILS, REP_MIG_DIFFERS_BUT_PASSES, REP_MIG_AGREE,
	};

	free(m->predictions);
	m->predictions = xcalloc(m->ncells + 1, sizeof(*m->predictions));
	m->npredictions = m->equal_but_fails = m->differs_but_passes = 0;
	for (size_t i = 0; i < m->ncells; i++) {
		struct rep_mig_cell *c = &m->cells[i];

		/* Older results are context: they predict nothing here. */
		c->disagreement = c->current ? rep_mig_disagreement_of(c) : REP_MIG_AGREE;
		m->equal_but_fails += c->disagreement == REP_MIG_EQUAL_BUT_FAILS;
		m->differs_but_passes += c->disagreement == REP_MIG_DIFFERS_BUT_PASSES;
	}
	for (size_t k = 0; k < ARRAY_SIZE(order); k++)
		for (size_t i = 0; i < m->ncells; i++) {
			const struct rep_mig_cell *c = &m->cells[i];

			if (c->current && !c->control && c->disagreement == order[k])
				m->predictions[m->npredictions++] = i;
		}
}

int rep_migration_has_vmstate(const struct rep_migration *m)
{
	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].vmstate)
			return 1;
	return 0;
}

const struct rep_mig_cell *rep_mig_find(const struct rep_migration *m,
					const char *machine, enum mig_mode mode,
					const char *src, const char *dst)
{
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_mig_cell *c = &m->cells[i];

		if (c->mode == mode && !strcmp(c->machine, machine) &&
		    !strcmp(c->src, src) && !strcmp(c->dst, dst))
			return c;
	}
	return NULL;
}

int rep_migration_build(struct store *st, const char *uuid, struct rep_migration *m)
{
	struct rep_sweeps sw = { NULL, 0, 0, 0 };
	int ret = -1;

	if (rep_sweeps_load(st, REP_SWEEPS_MIGRATE, &sw) || rep_sweeps_choose_migrate(st, &sw, uuid))
		goto out;
	if (sw.nr) {
		rep_sweeps_set(&sw, &m->have_cur, &m->cur, &m->have_prev, &m->prev);
		if (rep_mig_cells_read(st, &sw, 0, &m->cells, &m->ncells, &m->alloc))
			goto out;
		make_views(m);
		if (load_predictors(st, m))
			goto out;
		rep_migration_vmstate(st, m);
	}
	rep_migration_classify(m);
	ret = 0;
out:
	rep_sweeps_release(&sw);
	return ret;
}

void rep_mig_cell_release(struct rep_mig_cell *c)
{
	free(c->machine);
	free(c->family);
	free(c->src);
	free(c->dst);
	free(c->src_libvirt);
	free(c->dst_libvirt);
	free(c->src_sha);
	free(c->dst_sha);
	free(c->reason);
	free(c->started_at);
	free(c->from_sweep);
	free(c->prev_sweep);
	free(c->log);
	if (c->vmstate)
		free(c->vmstate->detail);
	free(c->vmstate);
}

void rep_migration_release(struct rep_migration *m)
{
	for (size_t i = 0; i < m->ncells; i++)
		rep_mig_cell_release(&m->cells[i]);
	free(m->cells);
	for (size_t i = 0; i < m->ngrids; i++) {
		strvec_clear(&m->grids[i].versions);
		free(m->grids[i].cell);
	}
	free(m->grids);
	strvec_clear(&m->versions);
	strvec_clear(&m->machines);
	free(m->predictions);
	rep_sweep_ref_release(&m->cur);
	rep_sweep_ref_release(&m->prev);
	memset(m, 0, sizeof(*m));
}

/* ---- logs ---- */

/* "libvirt 9.0.0, QEMU 7.2.0" or "QEMU 7.2.0": one end of a migration. */
static void log_end(struct strbuf *t, const char *libvirt, const char *qemu)
{
	if (libvirt)
		sb_printf(t, "libvirt %s, ", libvirt);
	sb_printf(t, "QEMU %s", qemu);
}

/* What the source's seconds were spent on, by mode. */
static const char *src_seconds_what(enum mig_mode mode)
{
	switch (mode) {
	case MIG_FILE:
		return "boot and save, shared by its destinations";
	case MIG_LIVE:
		return "boot, shared by its destinations";
	default:
		return "boot";
	}
}

/* The head of a cell's log: what it was and what became of it. */
static void log_head(struct strbuf *t, const struct rep_mig_cell *c, const char *const *col)
{
	sb_printf(t, "virt-matrix migration %lld\nmachine type: %s\nmode: %s\nsource: ",
		  c->id, c->machine, mig_mode_to_string(c->mode));
	log_end(t, c->src_libvirt, c->src);
	sb_puts(t, "\ndestination: ");
	log_end(t, c->dst_libvirt, c->dst);
	sb_printf(t, "%s\nsweep: %s\nstatus: %s\n", c->control ? " (the control)" : "",
		  col[8] ? col[8] : "(none)", run_status_to_string(c->verdict));
	if (c->side != MIG_SIDE_NONE)
		sb_printf(t, "failed on: the %s\n", mig_side_to_string(c->side));
	if (c->reason)
		sb_printf(t, "reason: %s\n", c->reason);
	sb_printf(t, "started: %s\nseconds: %.2f on the destination, %.2f on the source"
		     " (%s)\ntransport: %s -> %s\nbinaries: %s -> %s\nvirt-matrix: %s\n",
		  c->started_at ? c->started_at : "?", c->seconds, c->src_seconds,
		  src_seconds_what(c->mode),
		  col[5] ? col[5] : "?", col[6] ? col[6] : "?", c->src_sha ? c->src_sha : "?",
		  c->dst_sha ? c->dst_sha : "?", col[7] ? col[7] : "?");
}

void rep_mig_cells_plan_logs(struct rep_mig_cell *cells, size_t n, int failed_only)
{
	struct strbuf path = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		struct rep_mig_cell *c = &cells[i];

		free(c->log);
		c->log = NULL;
		if (failed_only && !run_status_is_failure(c->verdict))
			continue;
		strbuf_reset(&path);
		sb_printf(&path, "logs/migration-%lld.txt", c->id);
		c->log = xstrdup(path.buf);
	}
	strbuf_release(&path);
}

int rep_mig_cells_write_logs(struct store *st, const struct rep_mig_cell *cells, size_t n,
			     const char *dir)
{
	auto_stmt *q = NULL;
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int ret = -1;

	if (!n)
		return 0;
	if (store_prepare(st, &q,
			  "SELECT src_argv, dst_argv, checks, src_log, dst_log, src_transport,"
			  " dst_transport, tool,"
			  " (SELECT uuid FROM sweeps s WHERE s.id = migrations.sweep)"
			  " FROM migrations WHERE id = ?"))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct rep_mig_cell *c = &cells[i];
		const char *col[9];

		if (!c->log)
			continue;
		if (vm_interrupted)
			goto out;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, c->id);
		if (sqlite3_step(q) != SQLITE_ROW) {
			store_error(st, "cannot read a migration's record");
			goto out;
		}
		for (int k = 0; k < 9; k++)
			col[k] = (const char *)sqlite3_column_text(q, k);
		strbuf_reset(&text);
		log_head(&text, c, col);
		rep_log_argv(&text, c->src_libvirt ? "source argv (as libvirt started QEMU)"
						   : "source argv", col[0]);
		rep_log_argv(&text, c->dst_libvirt ? "destination argv (as libvirt started QEMU)"
						   : "destination argv", col[1]);
		rep_log_section(&text, "checks (the guest's proof on the destination)", col[2]);
		rep_log_section(&text, "source: QEMU's messages, then the console", col[3]);
		rep_log_section(&text, "destination: QEMU's messages, then the console", col[4]);
		strbuf_reset(&path);
		sb_printf(&path, "%s/%s", dir, c->log);
		if (write_file_new(path.buf, text.buf, text.len))
			goto out;
	}
	ret = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

void rep_migration_plan_logs(struct rep_migration *m, int failed_only)
{
	rep_mig_cells_plan_logs(m->cells, m->ncells, failed_only);
}

int rep_migration_write_logs(struct store *st, const struct rep_migration *m,
			     const char *dir)
{
	return rep_mig_cells_write_logs(st, m->cells, m->ncells, dir);
}
