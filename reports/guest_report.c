/*
 * The guest view in the ABI part: what the guest itself reads of each
 * versioned machine type (matrix/guestrecord.h: ACPI tables, SMBIOS, PCI
 * configuration space, fw_cfg, e820, CPUID, the local APIC), compared
 * between each two consecutive versions whose view of the machine type
 * is 'ok'. Versions whose guest view was never taken are not in this
 * part at all; two records that follow different definitions of the view
 * (binaries.guest_rev) are listed as not compared.
 *
 * Equal fingerprints mean the guest sees the same thing. Otherwise the
 * two item lists are merged by name: an item only one version has is
 * added or removed, one whose sha256 differs is changed, and each such
 * difference gets its decoded line diff from guest_change.c and may be
 * acknowledged in specs/abi-acks (object "guest:ITEM", property the
 * kind, old and new the lines it lost and gained).
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

const char *rep_guest_kind_name(enum rep_guest_kind k)
{
	static const char *const names[] = { "changed", "added", "removed" };

	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "?";
}

static int cmp_machine(const void *a, const void *b)
{
	return strverscmp(((const struct rep_guest_machine *)a)->name,
			  ((const struct rep_guest_machine *)b)->name);
}

static struct rep_guest_machine *machine_of(struct rep_guest *g, size_t *alloc,
					    const char *name)
{
	struct rep_guest_machine *m;

	for (size_t i = 0; i < g->nmachines; i++)
		if (!strcmp(g->machines[i].name, name))
			return &g->machines[i];
	ALLOC_GROW(g->machines, g->nmachines + 1, *alloc);
	m = &g->machines[g->nmachines++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->fingerprint = xcalloc(g->nversions + 1, sizeof(char *));
	return m;
}

/* Every machine type's guest fingerprint in each version that has views. */
static int load_fingerprints(struct store *st, const struct rep_versions *v,
			     struct rep_guest *g)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;

	if (store_prepare(st, &q,
			  "SELECT machine, status, fingerprint FROM machine_guest"
			  " WHERE binary = ?"))
		return -1;
	for (size_t i = 0; i < v->nr; i++) {
		int rc;

		if (!v->v[i].binary || !v->v[i].has_guest)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, v->v[i].binary);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *status = (const char *)sqlite3_column_text(q, 1);
			const char *fp = (const char *)sqlite3_column_text(q, 2);
			struct rep_guest_machine *m =
				machine_of(g, &alloc, (const char *)sqlite3_column_text(q, 0));

			m->fingerprint[i] = xstrdup(!strcmp(status, "ok") && fp ? fp : "failed");
		}
		if (rc != SQLITE_DONE)
			return store_error(st, "cannot read the guest-view records");
	}
	sort_array(g->machines, g->nmachines, sizeof(*g->machines), cmp_machine);
	return 0;
}

static void items_release(struct rep_items *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].sha);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The items of machine on binary, by name. -1 reported. */
static int load_items(struct store *st, sqlite3_stmt *q, long long binary,
		      const char *machine, struct rep_items *out)
{
	int rc;

	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, binary);
	store_bind_text(q, 2, machine);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr].name = store_column_strdup(q, 0);
		out->v[out->nr].sha = store_column_strdup(q, 1);
		out->nr++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read a guest view's items");
	return 0;
}

/* One machine type's walk through its versions. */
struct gwalk {
	struct store *st;
	sqlite3_stmt *items_q;
	struct rep_decoder *dec;
	struct rep_acks *acks;
	struct rep_guest *g;
	const struct rep_versions *v;
	size_t m;
	struct rep_items last; /* the items of the version last compared */
	int last_version;
};

/* Records one difference of item name on the pair p (the last one). */
static int add_diff(struct gwalk *w, enum rep_guest_kind kind, const char *name,
		    const struct rep_items *a, const struct rep_items *b)
{
	struct rep_guest *g = w->g;
	struct rep_pair *p = &g->pairs.v[g->pairs.nr - 1];
	struct rep_guest_machine *mt = &g->machines[w->m];
	long c = rep_guest_change_of(w->dec, g, name, a, b);
	struct rep_guest_diff *d;
	struct strbuf object = STRBUF_INIT;

	if (c < 0)
		return -1;
	ALLOC_GROW(g->diffs, g->ndiffs + 1, g->dalloc);
	d = &g->diffs[g->ndiffs++];
	memset(d, 0, sizeof(*d));
	d->machine = w->m;
	d->from = p->from;
	d->to = p->to;
	d->kind = kind;
	d->change = (size_t)c;
	sb_printf(&object, "guest:%s", name);
	d->ack = rep_acks_match(w->acks, mt->name, object.buf, rep_guest_kind_name(kind),
				rep_vname(w->v, p->from), rep_vname(w->v, p->to),
				kind == REP_GUEST_ADDED ? NULL : g->changes[c].removed,
				kind == REP_GUEST_REMOVED ? NULL : g->changes[c].added);
	if (d->ack)
		p->acked++, mt->acked++, g->acked++;
	else
		p->unacked++, mt->unacked++, g->unacked++;
	strbuf_release(&object);
	return 0;
}

/* The two item lists merged by name: what was added, removed, changed. */
static int compare_items(struct gwalk *w, const struct rep_items *a,
			 const struct rep_items *b)
{
	size_t i = 0, k = 0;
	int ret = 0;

	while (!ret && (i < a->nr || k < b->nr)) {
		int c = i >= a->nr ? 1 : k >= b->nr ? -1 : strcmp(a->v[i].name, b->v[k].name);

		if (c < 0) {
			ret = add_diff(w, REP_GUEST_REMOVED, a->v[i++].name, a, b);
		} else if (c > 0) {
			ret = add_diff(w, REP_GUEST_ADDED, b->v[k++].name, a, b);
		} else {
			if (strcmp(a->v[i].sha, b->v[k].sha))
				ret = add_diff(w, REP_GUEST_CHANGED, a->v[i].name, a, b);
			i++, k++;
		}
	}
	return ret;
}

/* The pair (from, to) of w->m: recorded; compared unless it cannot or need not be. */
static int compare_pair(void *ctx, int from, int to)
{
	struct gwalk *w = ctx;
	struct rep_guest *g = w->g;
	char **fp = g->machines[w->m].fingerprint;
	struct rep_pair *p = rep_pairs_add(&g->pairs, w->m, from, to);
	struct rep_items a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	int ret = -1;

	p->compared = w->v->v[from].guest_rev == w->v->v[to].guest_rev;
	p->equal = !strcmp(fp[from], fp[to]);
	g->pairs.not_compared += !p->compared;
	if (!p->compared || p->equal)
		return 0;
	if (w->last_version == from) {
		a = w->last;
		memset(&w->last, 0, sizeof(w->last));
	} else if (load_items(w->st, w->items_q, w->v->v[from].binary,
			      g->machines[w->m].name, &a)) {
		goto out;
	}
	p->first = g->ndiffs;
	if (load_items(w->st, w->items_q, w->v->v[to].binary, g->machines[w->m].name, &b) ||
	    compare_items(w, &a, &b))
		goto out;
	p->ndiffs = g->ndiffs - p->first;
	items_release(&w->last);
	w->last = b;
	w->last_version = to;
	memset(&b, 0, sizeof(b));
	ret = 0;
out:
	items_release(&a);
	items_release(&b);
	return ret;
}

int rep_guest_build(struct store *st, const struct rep_versions *v,
		    struct rep_acks *acks, struct rep_guest *g)
{
	auto_stmt *q = NULL;
	struct rep_decoder *dec = NULL;
	int ret = -1;

	g->nversions = v->nr;
	if (load_fingerprints(st, v, g) ||
	    store_prepare(st, &q,
			  "SELECT name, sha256 FROM machine_guest_items"
			  " WHERE binary = ? AND machine = ? ORDER BY name") ||
	    !(dec = rep_decoder_new(st)))
		return -1;
	for (size_t m = 0; m < g->nmachines; m++) {
		struct gwalk w = { st, q, dec, acks, g, v, m, { NULL, 0, 0 }, -1 };
		int rc = rep_pairs_walk(g->machines[m].fingerprint, v->nr, compare_pair, &w);

		items_release(&w.last);
		if (rc)
			goto out;
	}
	ret = 0;
out:
	rep_decoder_free(dec);
	return ret;
}

void rep_guest_release(struct rep_guest *g)
{
	for (size_t i = 0; i < g->nmachines; i++) {
		for (size_t k = 0; k < g->nversions; k++)
			free(g->machines[i].fingerprint[k]);
		free(g->machines[i].fingerprint);
		free(g->machines[i].name);
	}
	free(g->machines);
	for (size_t i = 0; i < g->nchanges; i++)
		rep_guest_change_release(&g->changes[i]);
	free(g->changes);
	free(g->diffs);
	rep_pairs_release(&g->pairs);
	memset(g, 0, sizeof(*g));
}

/* ---- grouping for display ---- */

/* A difference with the names it is sorted by. */
struct gsort {
	const struct rep_guest_diff *d;
	const char *machine, *item;
};

static int cmp_gkey(const struct gsort *x, const struct gsort *y)
{
	const struct rep_guest_diff *a = x->d, *b = y->d;
	int c;

	if ((a->ack != NULL) != (b->ack != NULL))
		return (a->ack != NULL) - (b->ack != NULL); /* unacknowledged first */
	if (a->from != b->from)
		return a->from - b->from;
	if (a->to != b->to)
		return a->to - b->to;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if ((c = strcmp(x->item, y->item)))
		return c;
	return a->ack && b->ack ? a->ack->line - b->ack->line : 0;
}

static int cmp_gsort(const void *a, const void *b)
{
	const struct gsort *x = a, *y = b;
	int c = cmp_gkey(x, y);

	return c ? c : strverscmp(x->machine, y->machine);
}

void rep_guest_groups(const struct rep_guest *g, struct rep_guest_group **out,
		      size_t *n)
{
	struct gsort *p = xcalloc(g->ndiffs + 1, sizeof(*p));
	size_t alloc = 0, last = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < g->ndiffs; i++) {
		p[i].d = &g->diffs[i];
		p[i].machine = g->machines[g->diffs[i].machine].name;
		p[i].item = g->changes[g->diffs[i].change].item;
	}
	sort_array(p, g->ndiffs, sizeof(*p), cmp_gsort);
	for (size_t i = 0; i < g->ndiffs; i++) {
		if (!*n || cmp_gkey(&p[last], &p[i])) {
			ALLOC_GROW(*out, *n + 1, alloc);
			(*out)[*n].d = p[i].d;
			memset(&(*out)[*n].machines, 0, sizeof((*out)[*n].machines));
			(*n)++;
			last = i;
		}
		strvec_push(&(*out)[*n - 1].machines, p[i].machine);
	}
	free(p);
}

void rep_guest_groups_free(struct rep_guest_group *gr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strvec_clear(&gr[i].machines);
	free(gr);
}
