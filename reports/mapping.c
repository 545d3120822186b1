/*
 * The mapping report: for each scenario, the QEMU argv that each
 * (libvirt, QEMU) pair and the direct mapper (runner/mapper.c) produced,
 * normalised (argv.c), side by side: one row per option, one column per
 * source. The source of a (scenario, QEMU, libvirt) triple is its latest
 * run with a recorded argv, from any sweep.
 *
 * Changes are attributed along one dimension at a time: between
 * consecutive QEMU versions under the same libvirt (or the direct
 * mapper), an option that differs was changed by QEMU (or by what the
 * mapper or libvirt does for that QEMU); between consecutive libvirt
 * versions with the same QEMU, by libvirt. Identical changes seen in
 * several contexts are listed once with all of them.
 *
 * Only runs that the same virt-matrix made (runs.tool) are compared: what
 * virt-matrix itself changed between its versions (its mapper, its domain
 * XML, the guest's command line) is neither QEMU's nor libvirt's doing.
 * The runs of the virt-matrix that made the newest run are compared; the
 * others are listed as not compared, to be run again.
 *
 * The DTS corpus (mapping_corpus.c) has no runs: its sources are the
 * mapper's argv computed at report time, compared the same way
 * (rep_map_compare), the mapper in the place of the direct runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

/* Frees what src holds; its argv may be unset (zeroed). */
static void source_release(struct rep_map_source *src)
{
	free(src->qemu_name);
	free(src->libvirt);
	free(src->status);
	free(src->argv_json);
	free(src->tool);
	rep_argv_release(&src->argv);
	strvec_clear(&src->notes);
}

static int cmp_source(const void *a, const void *b)
{
	const struct rep_map_source *x = a, *y = b;
	int c;

	if (!x->libvirt != !y->libvirt)
		return x->libvirt ? 1 : -1;
	if (x->libvirt && (c = version_strcmp(x->libvirt, y->libvirt)))
		return c;
	return version_strcmp(x->qemu_name, y->qemu_name);
}

static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void add_rows(struct rep_map_scenario *s)
{
	size_t alloc = 0;

	for (size_t k = 0; k < s->nsources; k++) {
		const struct rep_argv *a = &s->sources[k].argv;

		for (size_t i = 0; i < a->nr; i++) {
			int have = 0;

			for (size_t k2 = 0; k2 < s->nrows && !have; k2++)
				have = !strcmp(s->rows[(i + k2) % s->nrows].key, a->v[i].key);
			if (have)
				continue;
			ALLOC_GROW(s->rows, s->nrows + 1, alloc);
			s->rows[s->nrows].key = xstrdup(a->v[i].key);
			s->rows[s->nrows].cells = xcalloc(s->nsources, sizeof(char *));
			s->rows[s->nrows].differs = 0;
			s->nrows++;
		}
	}
	for (size_t r = 0; r < s->nrows; r++) {
		struct rep_map_row *row = &s->rows[r];

		for (size_t k = 0; k < s->nsources; k++) {
			const struct rep_opt *o = rep_argv_find(&s->sources[k].argv, row->key, r);

			row->cells[k] = o ? o->text : NULL;
			if (k && row->cells[k] != row->cells[0] &&
			    !same(row->cells[k], row->cells[0]))
				row->differs = 1;
		}
		if (s->nsources > 1 && !row->cells[0])
			row->differs = 1;
	}
}

/*
 * The changes of a scenario by what they are (row, dimension, versions
 * and texts), so that a change seen again only adds its context.
 */
struct change_index {
	size_t *slots; /* index + 1 into the changes, 0: empty */
	size_t nslots; /* a power of two */
};

static uint64_t change_hash(size_t row, const char *dim, const char *from,
			    const char *to, const char *old_text,
			    const char *new_text)
{
	uint64_t h =
	    rep_hash_add(REP_HASH_INIT, (const char *)&row, sizeof(row));

	h = rep_hash_add(h, dim, strlen(dim) + 1);
	h = rep_hash_add(h, from, strlen(from) + 1);
	h = rep_hash_add(h, to, strlen(to) + 1);
	h = rep_hash_add(h, old_text ? old_text : "",
			 old_text ? strlen(old_text) + 1 : 0);
	return rep_hash_add(h, new_text ? new_text : "",
			    new_text ? strlen(new_text) + 1 : 0);
}

static uint64_t change_hash_of(const struct rep_map_change *c)
{
	return change_hash(c->row, c->dimension, c->from, c->to, c->old_text,
			   c->new_text);
}

static void change_index_grow(struct change_index *ci,
			      const struct rep_map_scenario *s)
{
	free(ci->slots);
	ci->nslots = ci->nslots ? 2 * ci->nslots : 64;
	ci->slots = xcalloc(ci->nslots, sizeof(*ci->slots));
	for (size_t i = 0; i < s->nchanges; i++) {
		size_t at =
		    (size_t)change_hash_of(&s->changes[i]) & (ci->nslots - 1);

		while (ci->slots[at])
			at = (at + 1) & (ci->nslots - 1);
		ci->slots[at] = i + 1;
	}
}

/* One change of row r between sources x and y (older first) along dim. */
static void add_change(struct rep_map_scenario *s, struct change_index *ci,
		       size_t *alloc, size_t r, const char *dim,
		       const struct rep_map_source *x,
		       const struct rep_map_source *y)
{
	const char *from = !strcmp(dim, "qemu") ? x->qemu_name : x->libvirt;
	const char *to = !strcmp(dim, "qemu") ? y->qemu_name : y->libvirt;
	const struct rep_opt *a = rep_argv_find(&x->argv, s->rows[r].key, 0);
	const struct rep_opt *b = rep_argv_find(&y->argv, s->rows[r].key, 0);
	const char *old_text = a ? a->text : NULL,
		   *new_text = b ? b->text : NULL;
	struct strbuf ctx = STRBUF_INIT;
	struct rep_map_change *c;
	size_t at;

	if (!strcmp(dim, "qemu"))
		sb_printf(&ctx, "%s%s",
			  x->libvirt ? "libvirt " : x->computed ? "mapper" : "direct",
			  x->libvirt ? x->libvirt : "");
	else
		sb_printf(&ctx, "QEMU %s", x->qemu_name);
	if (2 * (s->nchanges + 1) > ci->nslots)
		change_index_grow(ci, s);
	for (at = (size_t)change_hash(r, dim, from, to, old_text, new_text) &
		  (ci->nslots - 1);
	     ci->slots[at]; at = (at + 1) & (ci->nslots - 1)) {
		c = &s->changes[ci->slots[at] - 1];
		if (c->row == r && !strcmp(c->dimension, dim) &&
		    !strcmp(c->from, from) && !strcmp(c->to, to) &&
		    same(c->old_text, old_text) &&
		    same(c->new_text, new_text)) {
			strvec_push(&c->contexts, ctx.buf);
			strbuf_release(&ctx);
			return;
		}
	}
	ALLOC_GROW(s->changes, s->nchanges + 1, *alloc);
	c = &s->changes[s->nchanges++];
	memset(c, 0, sizeof(*c));
	c->row = r;
	c->dimension = !strcmp(dim, "qemu") ? "qemu" : "libvirt";
	c->from = xstrdup(from);
	c->to = xstrdup(to);
	strvec_push(&c->contexts, ctx.buf);
	c->old_text = a ? xstrdup(a->text) : NULL;
	c->new_text = b ? xstrdup(b->text) : NULL;
	c->detail = rep_opt_detail(a, b);
	ci->slots[at] = s->nchanges;
	strbuf_release(&ctx);
}

/* The rows whose cells differ between sources k and n, as changes along dim. */
static void compare_sources(struct rep_map_scenario *s, struct change_index *ci,
			    size_t *alloc, size_t k, size_t n, const char *dim)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (s->rows[r].cells[k] != s->rows[r].cells[n] &&
		    !same(s->rows[r].cells[k], s->rows[r].cells[n]))
			add_change(s, ci, alloc, r, dim, &s->sources[k],
				   &s->sources[n]);
}

static int cmp_by_qemu(const void *a, const void *b, void *arg)
{
	const struct rep_map_source *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(v[x].qemu_name, v[y].qemu_name);

	return c ? c : (x > y) - (x < y);
}

/*
 * For each source of a libvirt, the next source of a libvirt with the
 * same QEMU (nsources: none); malloc'd.
 */
static size_t *next_of_same_qemu(const struct rep_map_scenario *s)
{
	size_t *next = xmalloc((s->nsources + 1) * sizeof(*next));
	size_t *order = xmalloc((s->nsources + 1) * sizeof(*order));
	size_t n = 0;

	for (size_t k = 0; k < s->nsources; k++) {
		next[k] = s->nsources;
		if (s->sources[k].libvirt)
			order[n++] = k;
	}
	if (n)
		qsort_r(order, n, sizeof(*order), cmp_by_qemu, s->sources);
	for (size_t i = 0; i + 1 < n; i++)
		if (!strcmp(s->sources[order[i]].qemu_name,
			    s->sources[order[i + 1]].qemu_name))
			next[order[i]] = order[i + 1];
	free(order);
	return next;
}

/*
 * Sources are sorted by libvirt, then QEMU: the next one of the same
 * libvirt is the next QEMU version, and the next one with the same QEMU
 * (of another libvirt) the next libvirt version.
 */
static void add_changes(struct rep_map_scenario *s)
{
	struct change_index ci = { NULL, 0 };
	size_t *next = next_of_same_qemu(s), alloc = 0;

	for (size_t k = 0; k + 1 < s->nsources; k++) {
		const struct rep_map_source *x = &s->sources[k];

		if (same(x->libvirt, s->sources[k + 1].libvirt))
			compare_sources(s, &ci, &alloc, k, k + 1, "qemu");
		if (x->libvirt && next[k] < s->nsources &&
		    !same(x->libvirt, s->sources[next[k]].libvirt))
			compare_sources(s, &ci, &alloc, k, next[k], "libvirt");
	}
	free(next);
	free(ci.slots);
}

void rep_map_compare(struct rep_map_scenario *s)
{
	add_rows(s);
	add_changes(s);
}

void rep_map_source_label(struct strbuf *sb, const struct rep_map_source *s)
{
	if (s->libvirt)
		sb_printf(sb, "libvirt %s / QEMU %s", s->libvirt, s->qemu_name);
	else
		sb_printf(sb, "%s / QEMU %s", s->computed ? "mapper" : "direct",
			  s->qemu_name);
}

/*
 * Keeps the sources that the virt-matrix of the newest run made and sets
 * the others aside (s->aside): their differences could be virt-matrix's.
 */
static void set_aside_other_tools(struct rep_map_scenario *s)
{
	const struct rep_map_source *newest = NULL;
	size_t kept = 0, alloc = 0;

	for (size_t k = 0; k < s->nsources; k++)
		if (!newest || s->sources[k].run > newest->run)
			newest = &s->sources[k];
	if (!newest)
		return;
	s->tool = newest->tool ? xstrdup(newest->tool) : NULL;
	for (size_t k = 0; k < s->nsources; k++) {
		struct rep_map_source *src = &s->sources[k];

		if (same(src->tool, s->tool)) {
			s->sources[kept++] = *src;
			continue;
		}
		ALLOC_GROW(s->aside, s->naside + 1, alloc);
		s->aside[s->naside++] = *src;
	}
	s->nsources = kept;
}

int rep_mapping_build(struct store *st, const struct rep_versions *v,
		      struct rep_mapping *m)
{
	auto_stmt *q = NULL;
	size_t alloc = 0, salloc = 0;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT r.id, r.scenario, r.qemu, r.libvirt, r.status, r.argv,"
			  " r.tool"
			  " FROM runs r WHERE r.argv IS NOT NULL AND r.argv <> '[]'"
			  " AND r.id = ("
			  "   SELECT max(x.id) FROM runs x WHERE x.scenario = r.scenario"
			  "   AND x.qemu = r.qemu AND x.libvirt IS r.libvirt"
			  "   AND x.argv IS NOT NULL AND x.argv <> '[]')"
			  " ORDER BY r.scenario, r.id"))
		return -1;
	if (!m->memo)
		m->memo = rep_argv_memo_new();
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *scn = (const char *)sqlite3_column_text(q, 1);
		struct rep_map_scenario *s = m->nr ? &m->v[m->nr - 1] : NULL;
		struct rep_map_source *src;

		if (!s || strcmp(s->name, scn)) {
			ALLOC_GROW(m->v, m->nr + 1, alloc);
			s = &m->v[m->nr++];
			memset(s, 0, sizeof(*s));
			s->name = xstrdup(scn);
			salloc = 0;
		}
		ALLOC_GROW(s->sources, s->nsources + 1, salloc);
		src = &s->sources[s->nsources];
		memset(src, 0, sizeof(*src));
		src->run = sqlite3_column_int64(q, 0);
		src->qemu_name = store_column_strdup(q, 2);
		src->qemu = rep_versions_find(v, src->qemu_name);
		src->libvirt = store_column_strdup(q, 3);
		src->status = store_column_strdup(q, 4);
		src->argv_json = store_column_strdup(q, 5);
		src->tool = store_column_strdup(q, 6);
		if (rep_argv_normalise_memo(src->argv_json, m->memo,
					    &src->argv)) {
			warning("run %lld: its recorded argv is not a JSON array of "
				"strings; left out of the mapping report",
				src->run);
			source_release(src);
			continue;
		}
		s->nsources++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the runs' argv");
	for (size_t i = 0; i < m->nr; i++) {
		struct rep_map_scenario *s = &m->v[i];

		set_aside_other_tools(s);
		sort_array(s->sources, s->nsources, sizeof(*s->sources), cmp_source);
		sort_array(s->aside, s->naside, sizeof(*s->aside), cmp_source);
		rep_map_compare(s);
	}
	return 0;
}

void rep_map_scenario_release(struct rep_map_scenario *s)
{
	for (size_t k = 0; k < s->nsources + s->naside; k++)
		source_release(k < s->nsources ? &s->sources[k]
					       : &s->aside[k - s->nsources]);
	for (size_t r = 0; r < s->nrows; r++) {
		free(s->rows[r].cells);
		free(s->rows[r].key);
	}
	for (size_t c = 0; c < s->nchanges; c++) {
		free(s->changes[c].from);
		free(s->changes[c].to);
		strvec_clear(&s->changes[c].contexts);
		free(s->changes[c].old_text);
		free(s->changes[c].new_text);
		free(s->changes[c].detail);
	}
	free(s->sources);
	free(s->aside);
	free(s->tool);
	free(s->rows);
	free(s->changes);
	free(s->name);
	free(s->file);
	free(s->vm);
	strvec_clear(&s->errors);
}

void rep_mapping_release(struct rep_mapping *m)
{
	for (size_t i = 0; i < m->nr; i++)
		rep_map_scenario_release(&m->v[i]);
	for (size_t i = 0; i < m->ncorpus; i++)
		rep_map_scenario_release(&m->corpus[i]);
	free(m->v);
	free(m->corpus);
	free(m->corpus_dir);
	strvec_clear(&m->corpus_skipped);
	rep_argv_memo_free(m->memo);
	memset(m, 0, sizeof(*m));
}
