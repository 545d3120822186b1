/*
 * The sweeps a report part compares (builders.h): those of the kinds it
 * reads, in order of start, the report's among them (a migrate sweep by
 * its uuid), and the copy and release of one reference.
 * The matrix reads the sweeps that are not 'migrate' or 'corpus' ones, the migration
 * part those that hold migrations (a 'migrate' sweep, or a nightly
 * 'sweep' whose migrate stage joined it), and the migration part's
 * sections (QEMU alone, through libvirt) the same ones; each takes the
 * newest (or the one named) and the one before it. The mapping part's
 * libvirt corpus reads those that hold corpus runs.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

void rep_sweep_ref_release(struct rep_sweep_ref *s)
{
	free(s->uuid);
	free(s->label);
	free(s->kind);
	free(s->started_at);
	memset(s, 0, sizeof(*s));
}

void rep_sweep_ref_copy(struct rep_sweep_ref *dst, const struct rep_sweep_ref *src)
{
	dst->id = src->id;
	dst->uuid = src->uuid ? xstrdup(src->uuid) : NULL;
	dst->label = xstrdup(src->label);
	dst->kind = src->kind ? xstrdup(src->kind) : NULL;
	dst->started_at = src->started_at ? xstrdup(src->started_at) : NULL;
}

/* What each kind of part reads, as the WHERE clause of a query of sweeps. */
static const struct {
	const char *where, *what;
} sweeps_of[] = {
	[REP_SWEEPS_RUNS] = { "kind NOT IN ('migrate', 'corpus')", "the sweeps" },
	[REP_SWEEPS_MIGRATE] = { "id IN (SELECT sweep FROM migrations)", "the sweeps" },
	[REP_SWEEPS_CORPUS] = { "id IN (SELECT DISTINCT sweep FROM corpus_runs)",
				"the sweeps of the corpus runs" },
};

int rep_sweeps_load(struct store *st, enum rep_sweeps_of of, struct rep_sweeps *sw)
{
	struct strbuf sql = STRBUF_INIT;
	auto_stmt *q = NULL;
	int rc;

	sb_printf(&sql, "SELECT id, uuid, kind, started_at FROM sweeps WHERE %s"
			" ORDER BY started_at, id", sweeps_of[of].where);
	rc = store_prepare(st, &q, sql.buf);
	strbuf_release(&sql);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct rep_sweep_ref *s;

		ALLOC_GROW(sw->v, sw->nr + 1, sw->alloc);
		s = &sw->v[sw->nr++];
		memset(s, 0, sizeof(*s));
		s->id = sqlite3_column_int64(q, 0);
		s->uuid = store_column_strdup(q, 1);
		s->label = store_column_strdup(q, 1);
		s->kind = store_column_strdup(q, 2);
		s->started_at = store_column_strdup(q, 3);
	}
	if (rc != SQLITE_DONE)
		return store_error(st, sweeps_of[of].what);
	return 0;
}

size_t rep_sweeps_find(const struct rep_sweeps *sw, const char *uuid)
{
	for (size_t i = 0; i < sw->nr; i++)
		if (sw->v[i].uuid && !strcmp(sw->v[i].uuid, uuid))
			return i;
	return sw->nr;
}

int rep_sweeps_choose_migrate(struct store *st, struct rep_sweeps *sw, const char *uuid)
{
	if (!uuid) {
		sw->cur = sw->nr ? sw->nr - 1 : 0;
		return 0;
	}
	sw->cur = rep_sweeps_find(sw, uuid);
	if (sw->cur < sw->nr)
		return 0;
	return error("no migrate sweep '%s' in store '%s' ('virt-matrix migrate' "
		     "records them)", uuid, st->path);
}

void rep_sweeps_release(struct rep_sweeps *sw)
{
	for (size_t i = 0; i < sw->nr; i++)
		rep_sweep_ref_release(&sw->v[i]);
	free(sw->v);
	memset(sw, 0, sizeof(*sw));
}

void rep_sweeps_set(const struct rep_sweeps *sw, int *have_cur, struct rep_sweep_ref *cur,
		    int *have_prev, struct rep_sweep_ref *prev)
{
	*have_cur = 1;
	rep_sweep_ref_copy(cur, &sw->v[sw->cur]);
	if (sw->cur) {
		*have_prev = 1;
		rep_sweep_ref_copy(prev, &sw->v[sw->cur - 1]);
	}
}

void rep_sweeps_now_before(const struct rep_sweeps *sw, const size_t *pos, size_t stride,
			   size_t n, long *now, long *before)
{
	*now = *before = -1;
	for (size_t k = 0; k < n; k++) {
		size_t p = *(const size_t *)(const void *)((const char *)pos + k * stride);

		if (p == sw->cur)
			*now = (long)k;
		/* The newest earlier sweep with a result: a partial sweep in
		 * between does not hide a regression. */
		if (p < sw->cur)
			*before = (long)k;
	}
}
