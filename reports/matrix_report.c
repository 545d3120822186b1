/*
 * The sweep matrix: pass/fail of every (scenario, QEMU, libvirt) cell in
 * one sweep (the latest unless a uuid is given), QEMU versions as rows
 * and libvirt versions (the direct runner first) as columns, and the
 * regressions against the previous sweep: cells that passed there and
 * fail (or err) now. A cell is the latest run of its triple in that
 * sweep; "there" is the newest earlier sweep that ran the same cell, so
 * that a partial `run` in between (another scenario, one QEMU) neither
 * hides a regression nor invents one.
 *
 * Sweeps are ordered by start time. Runs recorded before sweeps existed
 * (runs.sweep NULL) form one batch, "legacy", older than every sweep, so
 * the first real sweep is compared with them. Sweeps of kind 'migrate'
 * hold migrations, not runs (migration_report.c): they are not this
 * part's, so that a `virt-matrix migrate` after a sweep leaves the
 * matrix of that sweep the latest. A cell the current sweep
 * did not run is still shown, greyed, with its latest result from an
 * older sweep, and never counts as a regression. Each shown cell's run
 * record (argv, checks, QEMU's messages, the console, the backend's log,
 * libvirt's XML) is written to logs/run-N.txt next to the report.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "command.h"
#include "fs.h"
#include "sweeps.h"
#include "banned.h"

struct rrow {
	char *scenario, *qemu, *libvirt;
	long long id;
	size_t pos; /* in sweep order */
	char *status, *reason, *accel, *started_at;
	enum run_status verdict;
	double seconds;
};

/* The sweeps in order, and which of them is the matrix's. */
/* The runs up to the current sweep. */
struct rrows {
	struct rrow *v;
	size_t nr, alloc;
};

static int nullcmp(const char *a, const char *b, int (*cmp)(const char *, const char *))
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return cmp(a, b);
}

static int cmp_triple(const struct rrow *x, const struct rrow *y)
{
	int c = strcmp(x->scenario, y->scenario);

	if (!c)
		c = version_strcmp(x->qemu, y->qemu);
	if (!c)
		c = nullcmp(x->libvirt, y->libvirt, version_strcmp);
	return c;
}

static int cmp_rrow(const void *a, const void *b)
{
	const struct rrow *x = a, *y = b;
	int c = cmp_triple(x, y);

	if (c)
		return c;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The sweeps that hold runs in order, "legacy" first when runs without a
 * sweep exist.
 */
static int load_sweeps(struct store *st, struct rep_sweeps *out)
{
	auto_stmt *l = NULL;

	if (store_prepare(st, &l, "SELECT min(started_at) FROM runs WHERE sweep IS NULL"))
		return -1;
	if (sqlite3_step(l) == SQLITE_ROW && sqlite3_column_type(l, 0) != SQLITE_NULL) {
		ALLOC_GROW(out->v, 1, out->alloc);
		memset(out->v, 0, sizeof(*out->v));
		out->v[0].label = xstrdup("legacy");
		out->v[0].kind = xstrdup("legacy");
		out->v[0].started_at = store_column_strdup(l, 0);
		out->nr = 1;
	}
	return rep_sweeps_load(st, REP_SWEEPS_RUNS, out);
}

/*
 * Sets sw->cur to the sweep labelled uuid, or to the latest when uuid is
 * NULL. -1 after reporting a label the store does not have.
 */
static int choose_sweep(struct store *st, struct rep_sweeps *sw, const char *uuid)
{
	if (!uuid) {
		sw->cur = sw->nr ? sw->nr - 1 : 0;
		return 0;
	}
	if (!sw->nr)
		return error("no sweep '%s' in store '%s': it holds no runs", uuid, st->path);
	for (sw->cur = 0; sw->cur < sw->nr; sw->cur++)
		if (!strcmp(sw->v[sw->cur].label, uuid))
			return 0;
	return error("no sweep '%s' in store '%s' (sweeps.uuid, or 'legacy' "
		     "for the runs recorded without a sweep)",
		     uuid, st->path);
}

static size_t pos_of(const struct rep_sweeps *sw, long long id, int null)
{
	for (size_t i = 0; i < sw->nr; i++)
		if (null ? !sw->v[i].uuid : sw->v[i].id == id)
			return i;
	return sw->nr;
}

static void rrows_release(struct rrows *rows)
{
	for (size_t i = 0; i < rows->nr; i++) {
		struct rrow *r = &rows->v[i];

		free(r->scenario);
		free(r->qemu);
		free(r->libvirt);
		free(r->status);
		free(r->reason);
		free(r->accel);
		free(r->started_at);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/*
 * Every run of the sweeps up to the current one into out, sorted by
 * triple, then by sweep, then by id. -1 after reporting.
 */
static int read_runs(struct store *st, const struct rep_sweeps *sw, struct rrows *out)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT id, scenario, qemu, libvirt, status, reason, seconds,"
			  " started_at, accel, sweep FROM runs ORDER BY id"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t pos = pos_of(sw, sqlite3_column_int64(q, 9),
				    sqlite3_column_type(q, 9) == SQLITE_NULL);
		struct rrow *r;

		if (pos > sw->cur)
			continue;
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		r = &out->v[out->nr++];
		r->id = sqlite3_column_int64(q, 0);
		r->scenario = store_column_strdup(q, 1);
		r->qemu = store_column_strdup(q, 2);
		r->libvirt = store_column_strdup(q, 3);
		r->status = store_column_strdup(q, 4);
		r->reason = store_column_strdup(q, 5);
		r->seconds = sqlite3_column_double(q, 6);
		r->started_at = store_column_strdup(q, 7);
		r->accel = store_column_strdup(q, 8);
		r->pos = pos;
		if (runs_status_parse(st, r->status, &r->verdict))
			return -1;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the runs");
	sort_array(out->v, out->nr, sizeof(*out->v), cmp_rrow);
	return 0;
}

/* Inserts s at its place (strvec_push appends; rotate it into place). */
static void insert_sorted(struct strvec *sv, const char *s,
			  int (*cmp)(const char *, const char *))
{
	size_t i = 0;
	const char *last;

	while (i < sv->nr && cmp(sv->v[i], s) < 0)
		i++;
	if (i < sv->nr && !cmp(sv->v[i], s))
		return;
	strvec_push(sv, s);
	last = sv->v[sv->nr - 1];
	memmove(sv->v + i + 1, sv->v + i, (sv->nr - 1 - i) * sizeof(*sv->v));
	sv->v[i] = last;
}

static void cell_from(struct rep_cell *c, const struct rrow *r)
{
	c->scenario = xstrdup(r->scenario);
	c->qemu = xstrdup(r->qemu);
	c->libvirt = r->libvirt ? xstrdup(r->libvirt) : NULL;
	c->run = r->id;
	c->status = xstrdup(r->status);
	c->verdict = r->verdict;
	c->reason = r->reason ? xstrdup(r->reason) : NULL;
	c->accel = r->accel ? xstrdup(r->accel) : NULL;
	c->started_at = xstrdup(r->started_at);
	c->seconds = r->seconds;
}

enum rep_change rep_verdict_change(const enum run_status *before, enum run_status now)
{
	if (!before)
		return REP_CHANGE_NONE;
	if (*before == RUN_PASS && run_status_is_failure(now))
		return REP_CHANGE_REGRESSION;
	if (run_status_is_failure(*before) && now == RUN_PASS)
		return REP_CHANGE_FIXED;
	return REP_CHANGE_NONE;
}

/*
 * The cell of one triple from its n runs (sorted by sweep): the current
 * sweep's run, or else the latest older one; compared with the newest
 * earlier sweep that ran the triple.
 */
static void add_cell(struct rep_matrix *m, const struct rep_sweeps *sw,
		     const struct rrow *runs, size_t n)
{
	const struct rrow *now = NULL, *before = NULL;
	struct rep_cell *c;
	long i_now, i_before;

	rep_sweeps_now_before(sw, &runs[0].pos, sizeof(*runs), n, &i_now, &i_before);
	now = i_now >= 0 ? &runs[i_now] : NULL;
	before = i_before >= 0 ? &runs[i_before] : NULL;
	ALLOC_GROW(m->cells, m->ncells + 1, m->alloc);
	c = &m->cells[m->ncells++];
	memset(c, 0, sizeof(*c));
	cell_from(c, now ? now : &runs[n - 1]);
	c->current = now != NULL;
	if (!now)
		c->from_sweep = xstrdup(sw->v[runs[n - 1].pos].label);
	if (before) {
		c->prev_run = before->id;
		c->prev_status = xstrdup(before->status);
		c->prev_sweep = xstrdup(sw->v[before->pos].label);
	}
	if (now) {
		enum rep_change ch = rep_verdict_change(before ? &before->verdict : NULL,
							now->verdict);

		m->current_cells++;
		c->regression = ch == REP_CHANGE_REGRESSION;
		c->fixed = ch == REP_CHANGE_FIXED;
		m->regressions += c->regression;
		m->fixed += c->fixed;
	}
	insert_sorted(&m->scenarios, c->scenario, strcmp);
	insert_sorted(&m->qemus, c->qemu, version_strcmp);
}

/* One cell per triple of the sorted runs. */
static void add_cells(struct rep_matrix *m, const struct rep_sweeps *sw,
		      const struct rrows *rows)
{
	for (size_t i = 0; i < rows->nr;) {
		size_t e = i;

		while (e < rows->nr && !cmp_triple(&rows->v[e], &rows->v[i]))
			e++;
		add_cell(m, sw, rows->v + i, e - i);
		i = e;
	}
}

/* Columns: the direct runner, then libvirt versions. */
static void add_columns(struct rep_matrix *m)
{
	struct strvec lv = STRVEC_INIT;

	for (size_t i = 0; i < m->ncells; i++)
		if (!m->cells[i].libvirt) {
			strvec_push(&m->libvirts, "direct");
			break;
		}
	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].libvirt)
			insert_sorted(&lv, m->cells[i].libvirt, version_strcmp);
	for (size_t i = 0; i < lv.nr; i++)
		strvec_push(&m->libvirts, lv.v[i]);
	strvec_clear(&lv);
}

int rep_matrix_build(struct store *st, const struct rep_versions *v,
		     const char *uuid, struct rep_matrix *m)
{
	struct rep_sweeps sw = { NULL, 0, 0, 0 };
	struct rrows rows = { NULL, 0, 0 };
	int ret = -1;

	(void)v;
	if (load_sweeps(st, &sw) || choose_sweep(st, &sw, uuid))
		goto out;
	if (sw.nr) {
		rep_sweeps_set(&sw, &m->have_cur, &m->cur, &m->have_prev, &m->prev);
		if (read_runs(st, &sw, &rows))
			goto out;
		add_cells(m, &sw, &rows);
		add_columns(m);
	}
	ret = 0;
out:
	rrows_release(&rows);
	rep_sweeps_release(&sw);
	return ret;
}

void rep_matrix_release(struct rep_matrix *m)
{
	for (size_t i = 0; i < m->ncells; i++) {
		struct rep_cell *c = &m->cells[i];

		free(c->scenario);
		free(c->qemu);
		free(c->libvirt);
		free(c->status);
		free(c->reason);
		free(c->accel);
		free(c->started_at);
		free(c->from_sweep);
		free(c->prev_status);
		free(c->prev_sweep);
		free(c->log);
	}
	free(m->cells);
	rep_sweep_ref_release(&m->cur);
	rep_sweep_ref_release(&m->prev);
	strvec_clear(&m->scenarios);
	strvec_clear(&m->qemus);
	strvec_clear(&m->libvirts);
	memset(m, 0, sizeof(*m));
}

/* ---- logs ---- */

void rep_log_section(struct strbuf *sb, const char *title, const char *text)
{
	if (!text || !*text)
		return;
	/* Not through printf: a log may be megabytes. */
	sb_printf(sb, "\n==== %s ====\n", title);
	sb_puts(sb, text);
	if (text[strlen(text) - 1] != '\n')
		sb_putc(sb, '\n');
}

void rep_log_argv(struct strbuf *sb, const char *title, const char *json)
{
	json_object *a = json ? json_tokener_parse(json) : NULL;

	if (!a || !json_object_is_type(a, json_type_array)) {
		rep_log_section(sb, title, json);
		json_object_put(a);
		return;
	}
	sb_printf(sb, "\n==== %s ====\n", title);
	for (size_t i = 0; i < json_object_array_length(a); i++)
		sb_printf(sb, "%s%s\n", i ? "    " : "",
			  json_object_get_string(json_object_array_get_idx(a, i)));
	json_object_put(a);
}

void rep_matrix_plan_logs(struct rep_matrix *m, int failed_only)
{
	struct strbuf path = STRBUF_INIT;

	for (size_t i = 0; i < m->ncells; i++) {
		struct rep_cell *c = &m->cells[i];

		free(c->log);
		c->log = NULL;
		if (failed_only && !run_status_is_failure(c->verdict))
			continue;
		strbuf_reset(&path);
		sb_printf(&path, "logs/run-%lld.txt", c->run);
		c->log = xstrdup(path.buf);
	}
	strbuf_release(&path);
}

int rep_matrix_write_logs(struct store *st, const struct rep_matrix *m, const char *dir)
{
	auto_stmt *q = NULL;
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int ret = -1;

	if (store_prepare(st, &q,
			  "SELECT argv, notes, checks, exit_status, signal, stderr,"
			  " serial_log, backend_log, domain_xml, native,"
			  " (SELECT uuid FROM sweeps s WHERE s.id = runs.sweep)"
			  " FROM runs WHERE id = ?"))
		goto out;
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];
		const char *col[11];

		if (!c->log)
			continue;
		if (vm_interrupted)
			goto out;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, c->run);
		if (sqlite3_step(q) != SQLITE_ROW) {
			store_error(st, "cannot read a run's record");
			goto out;
		}
		for (int k = 0; k < 11; k++)
			col[k] = (const char *)sqlite3_column_text(q, k);
		strbuf_reset(&text);
		sb_printf(&text,
			  "virt-matrix run %lld\nscenario: %s\nqemu: %s\nlibvirt: %s\n"
			  "sweep: %s\nstatus: %s\n",
			  c->run, c->scenario, c->qemu, c->libvirt ? c->libvirt : "(direct)",
			  col[10] ? col[10] : "legacy (no sweep)", c->status);
		if (c->reason)
			sb_printf(&text, "reason: %s\n", c->reason);
		sb_printf(&text, "started: %s\nseconds: %.2f\naccelerator: %s\n",
			  c->started_at, c->seconds, c->accel ? c->accel : "?");
		if (sqlite3_column_type(q, 3) != SQLITE_NULL)
			sb_printf(&text, "QEMU exit status: %d\n", sqlite3_column_int(q, 3));
		if (sqlite3_column_type(q, 4) != SQLITE_NULL && sqlite3_column_int(q, 4))
			sb_printf(&text, "QEMU killed by signal: %d\n", sqlite3_column_int(q, 4));
		rep_log_argv(&text, "argv", col[0]);
		rep_log_section(&text, "mapper notes", col[1]);
		rep_log_section(&text, "checks", col[2]);
		rep_log_section(&text, "QEMU messages (stderr; libvirt: the domain log)", col[5]);
		rep_log_section(&text, "serial console", col[6]);
		rep_log_section(&text, "backend log", col[7]);
		rep_log_section(&text, "libvirt domain XML (live)", col[8]);
		rep_log_section(&text, "libvirt domxml-to-native", col[9]);
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

/* A cell's place in the grids: scenario, QEMU, libvirt ("direct": NULL). */
static int cmp_cell_key(const char *scn, const char *qemu, const char *lv,
			const struct rep_cell *c)
{
	int r = strcmp(scn, c->scenario);

	if (!r)
		r = strcmp(qemu, c->qemu);
	if (!r)
		r = strcmp(lv, c->libvirt ? c->libvirt : "direct");
	return r;
}

static int cmp_cell_ptr(const void *a, const void *b)
{
	const struct rep_cell *x = *(const struct rep_cell *const *)a;
	const struct rep_cell *y = *(const struct rep_cell *const *)b;
	int r = cmp_cell_key(x->scenario, x->qemu, x->libvirt ? x->libvirt : "direct", y);

	/* The first of equal keys, as a scan in order would find it. */
	return r ? r : (x > y) - (x < y);
}

const struct rep_cell **rep_matrix_by_place(const struct rep_matrix *m)
{
	const struct rep_cell **v = xcalloc(m->ncells + 1, sizeof(*v));

	for (size_t i = 0; i < m->ncells; i++)
		v[i] = &m->cells[i];
	sort_array(v, m->ncells, sizeof(*v), cmp_cell_ptr);
	return v;
}

const struct rep_cell *rep_matrix_find(const struct rep_cell *const *by_place, size_t n,
				       const char *scn, const char *qemu, const char *lv)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_cell_key(scn, qemu, lv, by_place[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !cmp_cell_key(scn, qemu, lv, by_place[lo]) ? by_place[lo] : NULL;
}
