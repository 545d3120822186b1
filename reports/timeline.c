/*
 * The capability timeline: for each machine type, device type, device
 * property and QMP command, which of the probed QEMU versions have it,
 * and so the first and the last one; and the device properties whose
 * default value changed, with the value in each version.
 *
 * A device property is listed only when its span differs from its
 * device's (it came or went while the device existed): the span of
 * every other property is its device's, and listing all of them (85 000
 * for four versions, mostly CPU model features) would bury the news.
 * Properties with the same name and the same span (or the same defaults)
 * are one entry naming all their device types. Device properties are
 * read per property set (probe stores each distinct set once), so a
 * device whose set is the same in every version costs one comparison.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

struct named {
	char *name;
	int v;
	long long propset;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strverscmp(x->name, y->name);

	return c ? c : x->v - y->v;
}

static int vindex(const struct rep_versions *v, long long binary)
{
	for (size_t i = 0; i < v->nr; i++)
		if (binary && v->v[i].binary == binary)
			return (int)i;
	return -1;
}

/* (binary, name[, propset]) rows of sql into *out, for the probed versions. */
static int load_named(struct store *st, const struct rep_versions *v,
		      const char *sql, struct named **out, size_t *n)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, &q, sql))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int i = vindex(v, sqlite3_column_int64(q, 0));

		if (i < 0)
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[*n].name = store_column_strdup(q, 1);
		(*out)[*n].v = i;
		(*out)[*n].propset = sqlite3_column_count(q) > 2 ? sqlite3_column_int64(q, 2) : 0;
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the probe records");
	sort_array(*out, *n, sizeof(**out), cmp_named);
	return 0;
}

static void free_named(struct named *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static char *blank_presence(const struct rep_versions *v)
{
	char *p = xmalloc(v->nr + 1);

	for (size_t i = 0; i < v->nr; i++)
		p[i] = v->v[i].binary ? '0' : '?';
	p[v->nr] = '\0';
	return p;
}

static struct rep_tl_item *add_item(struct rep_timeline *t, const char *kind,
				    const char *name, char *present)
{
	struct rep_tl_item *it;
	size_t n = strlen(present);

	ALLOC_GROW(t->items, t->nitems + 1, t->alloc);
	it = &t->items[t->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->name = xstrdup(name);
	it->present = present;
	it->first = it->last = -1;
	for (size_t i = 0; i < n; i++)
		if (present[i] == '1') {
			if (it->first < 0)
				it->first = (int)i;
			it->last = (int)i;
		}
	return it;
}

/* One item per distinct name of a sorted list. */
static void add_spans(struct rep_timeline *t, const struct rep_versions *v,
		      const char *kind, const struct named *a, size_t n)
{
	for (size_t i = 0; i < n;) {
		char *present = blank_presence(v);
		size_t e = i;

		while (e < n && !strcmp(a[e].name, a[i].name))
			present[a[e++].v] = '1';
		add_item(t, kind, a[i].name, present);
		i = e;
	}
}

/* ---- device properties ---- */

struct pprop {
	long long propset;
	char *name, *def;
};

static int cmp_pprop(const void *a, const void *b)
{
	const struct pprop *x = a, *y = b;

	return x->propset < y->propset ? -1 : x->propset > y->propset;
}

/* The properties of propset: [*lo, *hi) of the sorted array. */
static void propset_range(const struct pprop *p, size_t n, long long id,
			  size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t m = (a + b) / 2;

		if (p[m].propset < id)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n && p[a].propset == id)
		a++;
	*hi = a;
}

/* A property's span or its defaults, for one device, before grouping. */
struct pspan {
	char *name, *key; /* key: presence, or the defaults joined */
	const char *device;
	char **values;	  /* defaults only: [nv] */
};

static int cmp_pspan(const void *a, const void *b)
{
	const struct pspan *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = strcmp(x->key, y->key);
	return c ? c : strverscmp(x->device, y->device);
}

struct pctx {
	const struct rep_versions *v;
	const struct pprop *props;
	size_t nprops;
	struct pspan *spans, *defs;
	size_t nspans, sa, ndefs, da;
	size_t same;
};

static int streq_null(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

struct vprop {
	const struct pprop *p;
	int v;
};

static int cmp_vprop(const void *a, const void *b)
{
	const struct vprop *x = a, *y = b;
	int c = strcmp(x->p->name, y->p->name);

	return c ? c : x->v - y->v;
}

static void add_pspan(struct pspan **arr, size_t *n, size_t *alloc,
		      const char *name, char *key, const char *device)
{
	ALLOC_GROW(*arr, *n + 1, *alloc);
	(*arr)[*n].name = xstrdup(name);
	(*arr)[*n].key = key;
	(*arr)[*n].device = device;
	(*arr)[*n].values = NULL;
	(*n)++;
}

/* Device d: its nd entries of the device list, one per version. */
static void device_props(struct pctx *c, const struct named *d, size_t nd)
{
	size_t nv = c->v->nr, nb = 0, alloc = 0;
	struct vprop *all = NULL;
	char *dev_present = blank_presence(c->v);
	int all_same = 1;

	for (size_t k = 0; k < nd; k++) {
		dev_present[d[k].v] = '1';
		all_same &= d[k].propset == d[0].propset;
	}
	if (all_same) {
		size_t lo, hi;

		propset_range(c->props, c->nprops, d[0].propset, &lo, &hi);
		c->same += hi - lo;
		free(dev_present);
		return;
	}
	/* Every property of every version's set, by name then version. */
	for (size_t k = 0; k < nd; k++) {
		size_t lo, hi;

		propset_range(c->props, c->nprops, d[k].propset, &lo, &hi);
		for (size_t i = lo; i < hi; i++) {
			ALLOC_GROW(all, nb + 1, alloc);
			all[nb].p = &c->props[i];
			all[nb++].v = d[k].v;
		}
	}
	sort_array(all, nb, sizeof(*all), cmp_vprop);
	for (size_t i = 0; i < nb;) {
		const char *name = all[i].p->name;
		char *present = blank_presence(c->v);
		const char **values = xcalloc(nv, sizeof(char *));
		int differ = 0;
		size_t e = i;

		for (; e < nb && !strcmp(all[e].p->name, name); e++) {
			present[all[e].v] = '1';
			values[all[e].v] = all[e].p->def ? all[e].p->def : "(none)";
			if (!streq_null(values[all[i].v], values[all[e].v]))
				differ = 1;
		}
		if (strcmp(present, dev_present)) {
			add_pspan(&c->spans, &c->nspans, &c->sa, name, present, d[0].name);
			present = NULL;
		} else {
			c->same++;
		}
		if (differ) {
			struct strbuf key = STRBUF_INIT;
			struct pspan *s;

			for (size_t k = 0; k < nv; k++)
				sb_printf(&key, "%s\x1f", values[k] ? values[k] : "\x1e");
			add_pspan(&c->defs, &c->ndefs, &c->da, name,
				  strbuf_detach(&key), d[0].name);
			s = &c->defs[c->ndefs - 1];
			s->values = xcalloc(nv, sizeof(char *));
			for (size_t k = 0; k < nv; k++)
				s->values[k] = values[k] ? xstrdup(values[k]) : NULL;
		}
		free(values);
		free(present);
		i = e;
	}
	free(all);
	free(dev_present);
}

static void group_spans(struct rep_timeline *t, struct pctx *c)
{
	sort_array(c->spans, c->nspans, sizeof(*c->spans), cmp_pspan);
	for (size_t i = 0; i < c->nspans;) {
		struct rep_tl_item *it = add_item(t, "property", c->spans[i].name,
						  xstrdup(c->spans[i].key));
		size_t e = i;

		while (e < c->nspans && !strcmp(c->spans[e].name, c->spans[i].name) &&
		       !strcmp(c->spans[e].key, c->spans[i].key))
			strvec_push(&it->devices, c->spans[e++].device);
		i = e;
	}
	sort_array(c->defs, c->ndefs, sizeof(*c->defs), cmp_pspan);
	for (size_t i = 0; i < c->ndefs;) {
		struct rep_tl_default *d;
		size_t e = i;

		ALLOC_GROW(t->defaults, t->ndefaults + 1, t->dalloc);
		d = &t->defaults[t->ndefaults++];
		memset(d, 0, sizeof(*d));
		d->property = xstrdup(c->defs[i].name);
		d->values = c->defs[i].values;
		c->defs[i].values = NULL;
		while (e < c->ndefs && !strcmp(c->defs[e].name, c->defs[i].name) &&
		       !strcmp(c->defs[e].key, c->defs[i].key))
			strvec_push(&d->devices, c->defs[e++].device);
		i = e;
	}
}

static void free_pspans(struct pspan *s, size_t n, size_t nv)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].key);
		for (size_t k = 0; s[i].values && k < nv; k++)
			free(s[i].values[k]);
		free(s[i].values);
	}
	free(s);
}

static int load_props(struct store *st, struct pprop **out, size_t *n)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, &q,
			  "SELECT propset, name, default_value FROM propset_props"
			  " ORDER BY propset, name"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[*n].propset = sqlite3_column_int64(q, 0);
		(*out)[*n].name = store_column_strdup(q, 1);
		(*out)[*n].def = store_column_strdup(q, 2);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read the device properties");
	sort_array(*out, *n, sizeof(**out), cmp_pprop); /* already, but cheap */
	return 0;
}

int rep_timeline_build(struct store *st, const struct rep_versions *v,
		       struct rep_timeline *t)
{
	struct named *a = NULL;
	struct pprop *props = NULL;
	size_t n = 0, nprops = 0;
	struct pctx c;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	t->nversions = v->nr;
	if (load_named(st, v, "SELECT binary, name FROM machine_types", &a, &n))
		goto out;
	add_spans(t, v, "machine", a, n);
	free_named(a, n);
	a = NULL;
	if (load_named(st, v, "SELECT binary, name FROM qmp_commands", &a, &n))
		goto out;
	add_spans(t, v, "command", a, n);
	free_named(a, n);
	a = NULL;
	if (load_named(st, v, "SELECT binary, name, propset FROM devices", &a, &n) ||
	    load_props(st, &props, &nprops))
		goto out;
	add_spans(t, v, "device", a, n);
	c.v = v;
	c.props = props;
	c.nprops = nprops;
	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && !strcmp(a[e].name, a[i].name))
			e++;
		device_props(&c, a + i, e - i);
		i = e;
	}
	group_spans(t, &c);
	t->props_same_span = c.same;
	ret = 0;
out:
	free_pspans(c.spans, c.nspans, v->nr);
	free_pspans(c.defs, c.ndefs, v->nr);
	free_named(a, n);
	for (size_t i = 0; i < nprops; i++) {
		free(props[i].name);
		free(props[i].def);
	}
	free(props);
	return ret;
}

void rep_timeline_release(struct rep_timeline *t)
{
	for (size_t i = 0; i < t->nitems; i++) {
		free(t->items[i].name);
		free(t->items[i].present);
		strvec_clear(&t->items[i].devices);
	}
	free(t->items);
	for (size_t i = 0; i < t->ndefaults; i++) {
		free(t->defaults[i].property);
		strvec_clear(&t->defaults[i].devices);
		for (size_t k = 0; k < t->nversions; k++)
			free(t->defaults[i].values[k]);
		free(t->defaults[i].values);
	}
	free(t->defaults);
	memset(t, 0, sizeof(*t));
}
