/*
 * The ABI report: for each versioned machine type, its fingerprint text
 * (matrix/abitext.c: sorted "qtree PATH PROP = VALUE", "pci SLOT KEY = V",
 * "cpu PROP = V", "machine PROP = V" lines, and "qtree PATH : LINE" for
 * what info qtree prints about a device besides properties) is compared
 * between each two consecutive versions that have the machine type
 * (reports/pairs.c), unless the two probe records follow different
 * definitions of the text (binaries.abi_rev): such a pair is listed as
 * not compared, since its differences could be virt-matrix's own.
 *
 * What counts as a guest-ABI break: a property present in both versions
 * with another value (JSON object values compared key by key, so a
 * struct that only grew is not a change); a device the machine
 * instantiates in one version only (reported once, at the top-most such
 * device, with its type); a PCI slot filled in one version only; and a
 * change of a device's layout lines (BARs, class and ids, memory
 * regions). A property only one version has is listed, not counted: a
 * new knob at its default is how QEMU grows. Layout lines that only
 * reflect how the monitor prints QEMU's internal wiring (qdev GPIO lists;
 * "isa irq 6", "isa irqs 1,12", which 7.2 no longer prints at all, its
 * devices have irq properties instead) are not compared.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "banned.h"

/* Layout lines that describe QEMU's wiring or output format, not the guest. */
static const char *const ignored_layout[] = { "gpio-in ", "gpio-out ",
					      "isa irq" };

const char *rep_abi_kind_name(enum rep_abi_kind k)
{
	static const char *const names[] = { "changed",	      "device-added",
					     "device-removed", "layout",
					     "property-added", "property-removed" };

	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "?";
}

int rep_abi_kind_is_break(enum rep_abi_kind k)
{
	return k <= REP_ABI_LAYOUT;
}

/* ---- one fingerprint text, parsed in place ---- */

struct entry {
	const char *object, *property, *value;
	int layout; /* a "qtree PATH : LINE" line; value is LINE */
};

struct parsed {
	char *buf;
	struct entry *v;
	size_t nr;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->object, y->object);

	if (c)
		return c;
	if (x->layout != y->layout)
		return x->layout - y->layout;
	if ((c = strcmp(x->property, y->property)))
		return c;
	return strcmp(x->value, y->value);
}

/* Merges the sorted v[0..m) and v[m..n) into out[0..n). */
static void merge_entries(const struct entry *v, size_t m, size_t n,
			  struct entry *out)
{
	size_t i = 0, k = m, o = 0;

	while (i < m && k < n)
		out[o++] = cmp_entry(&v[k], &v[i]) < 0 ? v[k++] : v[i++];
	while (i < m)
		out[o++] = v[i++];
	while (k < n)
		out[o++] = v[k++];
}

/*
 * Sorts v[0..n) by cmp_entry. A text's lines come sorted within each
 * kind (cpu, machine, pci, qom, qtree), so its entries are a few sorted
 * runs, merged here in about linear time; many runs are left to qsort.
 * Entries that compare equal are equal in every field: any order of
 * them is the same.
 */
static void sort_entries(struct entry *v, size_t n)
{
	size_t *run = NULL, nrun = 0, alloc = 0;
	struct entry *tmp, *from = v, *to;

	for (size_t i = 0; i < n; i++) {
		if (i && cmp_entry(&v[i - 1], &v[i]) <= 0)
			continue;
		ALLOC_GROW(run, nrun + 2, alloc);
		run[nrun++] = i;
		if (nrun > 64) {
			free(run);
			sort_array(v, n, sizeof(*v), cmp_entry);
			return;
		}
	}
	if (nrun <= 1) {
		free(run);
		return;
	}
	run[nrun] = n;
	tmp = xmalloc(n * sizeof(*tmp));
	to = tmp;
	while (nrun > 1) {
		size_t kept = 0;

		for (size_t r = 0; r < nrun; r += 2) {
			size_t end = r + 2 <= nrun ? run[r + 2] : n;

			if (r + 1 < nrun)
				merge_entries(from + run[r],
					      run[r + 1] - run[r], end - run[r],
					      to + run[r]);
			else
				memcpy(to + run[r], from + run[r],
				       (n - run[r]) * sizeof(*to));
			run[kept++] = run[r];
		}
		run[kept] = n;
		nrun = kept;
		to = from;
		from = from == v ? tmp : v;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
	free(tmp);
	free(run);
}

/* Splits "OBJECT PROP = VALUE" (object may hold spaces) at the last space. */
static void split_prop(char *kv, struct entry *e, const char *object_prefix)
{
	char *eq = strstr(kv, " = "), *sp;

	*eq = '\0';
	e->value = eq + 3;
	sp = strrchr(kv, ' ');
	if (sp && !object_prefix) {
		*sp = '\0';
		e->object = kv;
		e->property = sp + 1;
	} else {
		e->object = object_prefix ? object_prefix : "";
		e->property = kv;
	}
}

static void parse_text(const char *text, struct parsed *p)
{
	size_t alloc = 0;
	char *s;

	memset(p, 0, sizeof(*p));
	p->buf = xstrdup(text);
	for (s = p->buf; *s;) {
		char *nl = strchr(s, '\n'), *rest;
		struct entry *e;

		if (nl)
			*nl = '\0';
		ALLOC_GROW(p->v, p->nr + 1, alloc);
		e = &p->v[p->nr++];
		memset(e, 0, sizeof(*e));
		if (!strncmp(s, "qtree ", 6) && strstr(s + 6, " = ")) {
			split_prop(s + 6, e, NULL);
		} else if (!strncmp(s, "qtree ", 6) && (rest = strstr(s + 6, " : "))) {
			*rest = '\0';
			e->object = s + 6;
			e->property = "";
			e->value = rest + 3;
			e->layout = 1;
		} else if (!strncmp(s, "pci ", 4)) {
			char *sp = strchr(s + 4, ' ');

			/* "pci 0:01.0 id = 1af4:1000", "pci 0:01.0 bridge" */
			e->object = s;
			if (sp) {
				*sp = '\0';
				if (strstr(sp + 1, " = "))
					split_prop(sp + 1, e, s);
				else
					e->property = sp + 1, e->value = "";
			} else {
				e->property = "", e->value = "";
			}
		} else if (!strncmp(s, "cpu ", 4) && strstr(s, " = ")) {
			split_prop(s + 4, e, "cpu");
		} else if (!strncmp(s, "machine ", 8) && strstr(s, " = ")) {
			split_prop(s + 8, e, "/machine");
		} else if (!strncmp(s, "qom ", 4) && (rest = strchr(s + 4, ' ')) &&
			   strstr(rest, " = ")) {
			/* "qom ICH9-LPC[0] disable_s3 = 0": object "qom ICH9-LPC[0]" */
			*rest = '\0';
			split_prop(rest + 1, e, s);
		} else {
			e->object = "(other)";
			e->property = s;
			e->value = "";
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	sort_entries(p->v, p->nr);
}

static void parsed_release(struct parsed *p)
{
	free(p->buf);
	free(p->v);
}

/* ---- devices present in one version only ---- */

static int is_device(const struct entry *e)
{
	return (e->object[0] == '/' && !e->layout && !strcmp(e->property, "type")) ||
	       (!strncmp(e->object, "pci ", 4) && !strcmp(e->property, "id"));
}

/* True when object is dev or lies under it ("dev/..." or "dev>..."). */
static int is_under(const char *object, const char *dev)
{
	size_t n = strlen(dev);

	return !strncmp(object, dev, n) &&
	       (!object[n] || object[n] == '/' || object[n] == '>');
}

static int has_object(const struct parsed *p, const char *object)
{
	size_t lo = 0, hi = p->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->v[mid].object, object);

		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Devices of a missing from b, top-most only. */
static void lone_devices(const struct parsed *a, const struct parsed *b,
			 struct strvec *out, struct strvec *types)
{
	for (size_t i = 0; i < a->nr; i++) {
		const struct entry *e = &a->v[i];
		int covered = 0;

		if (!is_device(e) || has_object(b, e->object))
			continue;
		for (size_t k = 0; k < out->nr && !covered; k++)
			covered = is_under(e->object, out->v[k]);
		if (covered)
			continue;
		strvec_push(out, e->object);
		strvec_push(types, e->value);
	}
}

static int in_lone(const struct strvec *lone, const char *object)
{
	for (size_t k = 0; k < lone->nr; k++)
		if (is_under(object, lone->v[k]))
			return 1;
	return 0;
}

/* ---- emitting ---- */

struct cmp_ctx {
	struct rep_abi *abi;
	const struct rep_versions *v;
	const char *machine;
	int from, to;
	size_t added;
};

static void emit(struct cmp_ctx *c, enum rep_abi_kind kind, const char *object,
		 const char *property, const char *old_value,
		 const char *new_value)
{
	struct rep_abi *abi = c->abi;
	struct rep_abi_diff *d;

	ALLOC_GROW(abi->diffs, abi->ndiffs + 1, abi->alloc);
	d = &abi->diffs[abi->ndiffs++];
	memset(d, 0, sizeof(*d));
	d->machine = xstrdup(c->machine);
	d->from = c->from;
	d->to = c->to;
	d->kind = kind;
	d->object = xstrdup(object);
	d->property = xstrdup(property);
	d->old_value = old_value ? xstrdup(old_value) : NULL;
	d->new_value = new_value ? xstrdup(new_value) : NULL;
	if (rep_abi_kind_is_break(kind))
		d->ack = rep_acks_match(&abi->acks, c->machine, object, property,
					rep_vname(c->v, c->from),
					rep_vname(c->v, c->to), old_value,
					new_value);
	c->added++;
}

/* Two values of one property: JSON objects key by key, else as text. */
static void compare_values(struct cmp_ctx *c, const struct entry *x,
			   const struct entry *y)
{
	json_object *a, *b;

	if (!strcmp(x->value, y->value))
		return;
	a = x->value[0] == '{' ? json_tokener_parse(x->value) : NULL;
	b = a && y->value[0] == '{' ? json_tokener_parse(y->value) : NULL;
	if (a && b && json_object_is_type(a, json_type_object) &&
	    json_object_is_type(b, json_type_object)) {
		struct strbuf name = STRBUF_INIT;

		json_object_object_foreach(a, k, va)
		{
			json_object *vb = NULL;
			const char *sa = json_object_to_json_string_ext(va, JSON_C_TO_STRING_PLAIN);

			strbuf_reset(&name);
			sb_printf(&name, "%s.%s", x->property, k);
			if (!json_object_object_get_ex(b, k, &vb)) {
				emit(c, REP_ABI_PROP_REMOVED, x->object, name.buf, sa, NULL);
			} else {
				char *sa2 = xstrdup(sa);
				const char *sb = json_object_to_json_string_ext(vb, JSON_C_TO_STRING_PLAIN);

				if (strcmp(sa2, sb))
					emit(c, REP_ABI_CHANGED, x->object, name.buf, sa2, sb);
				free(sa2);
			}
		}
		json_object_object_foreach(b, k2, vb2)
		{
			if (json_object_object_get_ex(a, k2, NULL))
				continue;
			strbuf_reset(&name);
			sb_printf(&name, "%s.%s", x->property, k2);
			emit(c, REP_ABI_PROP_ADDED, x->object, name.buf, NULL,
			     json_object_to_json_string_ext(vb2, JSON_C_TO_STRING_PLAIN));
		}
		strbuf_release(&name);
	} else {
		emit(c, REP_ABI_CHANGED, x->object, x->property, x->value, y->value);
	}
	json_object_put(a);
	json_object_put(b);
}

static int ignored(const char *layout_line)
{
	for (size_t i = 0; i < ARRAY_SIZE(ignored_layout); i++)
		if (!strncmp(layout_line, ignored_layout[i], strlen(ignored_layout[i])))
			return 1;
	return 0;
}

/* Layout lines of one object: [i, i_end) of a and [k, k_end) of b. */
static void compare_layout(struct cmp_ctx *c, const char *object,
			   const struct entry *a, size_t na,
			   const struct entry *b, size_t nb)
{
	struct strbuf gone = STRBUF_INIT, came = STRBUF_INIT;
	size_t i = 0, k = 0;

	while (i < na || k < nb) {
		int r = i >= na ? 1 : k >= nb ? -1 : strcmp(a[i].value, b[k].value);

		if (r < 0) {
			if (!ignored(a[i].value))
				sb_printf(&gone, "%s%s", gone.len ? "; " : "", a[i].value);
			i++;
		} else if (r > 0) {
			if (!ignored(b[k].value))
				sb_printf(&came, "%s%s", came.len ? "; " : "", b[k].value);
			k++;
		} else {
			i++, k++;
		}
	}
	if (gone.len || came.len)
		emit(c, REP_ABI_LAYOUT, object, "(layout)",
		     gone.len ? gone.buf : NULL, came.len ? came.buf : NULL);
	strbuf_release(&gone);
	strbuf_release(&came);
}

/* The run [i, end) of entries with the same object, layout flag and property. */
static size_t run_end(const struct parsed *p, size_t i)
{
	size_t e = i + 1;

	while (e < p->nr && !strcmp(p->v[e].object, p->v[i].object) &&
	       p->v[e].layout == p->v[i].layout &&
	       (p->v[i].layout || !strcmp(p->v[e].property, p->v[i].property)))
		e++;
	return e;
}

static int cmp_key(const struct entry *x, const struct entry *y)
{
	int c = strcmp(x->object, y->object);

	if (c)
		return c;
	if (x->layout != y->layout)
		return x->layout - y->layout;
	return x->layout ? 0 : strcmp(x->property, y->property);
}

static void compare_parsed(struct cmp_ctx *c, const struct parsed *a,
			   const struct parsed *b)
{
	struct strvec gone = STRVEC_INIT, gone_t = STRVEC_INIT,
		      came = STRVEC_INIT, came_t = STRVEC_INIT;
	size_t i = 0, k = 0;

	lone_devices(a, b, &gone, &gone_t);
	lone_devices(b, a, &came, &came_t);
	for (size_t n = 0; n < gone.nr; n++)
		emit(c, REP_ABI_DEVICE_REMOVED, gone.v[n],
		     gone.v[n][0] == '/' ? "type" : "id", gone_t.v[n], NULL);
	for (size_t n = 0; n < came.nr; n++)
		emit(c, REP_ABI_DEVICE_ADDED, came.v[n],
		     came.v[n][0] == '/' ? "type" : "id", NULL, came_t.v[n]);
	while (i < a->nr || k < b->nr) {
		size_t ie = i < a->nr ? run_end(a, i) : i;
		size_t ke = k < b->nr ? run_end(b, k) : k;
		int r = i >= a->nr ? 1 : k >= b->nr ? -1 : cmp_key(&a->v[i], &b->v[k]);
		const struct entry *x = i < a->nr ? &a->v[i] : NULL;
		const struct entry *y = k < b->nr ? &b->v[k] : NULL;

		if (r < 0) {
			if (!x->layout && !in_lone(&gone, x->object))
				emit(c, REP_ABI_PROP_REMOVED, x->object, x->property,
				     x->value, NULL);
			else if (x->layout && !in_lone(&gone, x->object))
				compare_layout(c, x->object, x, ie - i, NULL, 0);
			i = ie;
		} else if (r > 0) {
			if (!y->layout && !in_lone(&came, y->object))
				emit(c, REP_ABI_PROP_ADDED, y->object, y->property,
				     NULL, y->value);
			else if (y->layout && !in_lone(&came, y->object))
				compare_layout(c, y->object, NULL, 0, y, ke - k);
			k = ke;
		} else {
			if (x->layout)
				compare_layout(c, x->object, x, ie - i, y, ke - k);
			else if (ie - i == 1 && ke - k == 1)
				compare_values(c, x, y);
			else
				for (size_t n = 0; n < ie - i && n < ke - k; n++)
					compare_values(c, &a->v[i + n], &b->v[k + n]);
			i = ie;
			k = ke;
		}
	}
	strvec_clear(&gone);
	strvec_clear(&gone_t);
	strvec_clear(&came);
	strvec_clear(&came_t);
}

size_t rep_abi_compare(struct rep_abi *abi, const struct rep_versions *v,
		       const char *machine, int from, int to,
		       const char *old_text, const char *new_text)
{
	struct cmp_ctx c = { abi, v, machine, from, to, 0 };
	struct parsed a, b;

	parse_text(old_text, &a);
	parse_text(new_text, &b);
	compare_parsed(&c, &a, &b);
	parsed_release(&a);
	parsed_release(&b);
	return c.added;
}

/* ---- the whole store ---- */

static int cmp_machine(const void *a, const void *b)
{
	return strverscmp(((const struct rep_abi_machine *)a)->name,
			  ((const struct rep_abi_machine *)b)->name);
}

static struct rep_abi_machine *machine_of(struct rep_abi *abi, size_t *alloc,
					  const char *name, size_t nv)
{
	for (size_t i = 0; i < abi->nmachines; i++)
		if (!strcmp(abi->machines[i].name, name))
			return &abi->machines[i];
	ALLOC_GROW(abi->machines, abi->nmachines + 1, *alloc);
	memset(&abi->machines[abi->nmachines], 0, sizeof(*abi->machines));
	abi->machines[abi->nmachines].name = xstrdup(name);
	abi->machines[abi->nmachines].fingerprint = xcalloc(nv, sizeof(char *));
	return &abi->machines[abi->nmachines++];
}

static int load_text(struct store *st, sqlite3_stmt *q, const char *sha,
		     char **out)
{
	sqlite3_reset(q);
	store_bind_text(q, 1, sha);
	if (sqlite3_step(q) != SQLITE_ROW)
		return error("store '%s': ABI text %s is missing", st->path, sha);
	*out = store_column_strdup(q, 0);
	return 0;
}

/* Every machine type's fingerprint in each version. */
static int load_fingerprints(struct store *st, const struct rep_versions *v,
			     struct rep_abi *abi)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;

	if (store_prepare(st, &q,
			  "SELECT machine, status, fingerprint FROM machine_abi"
			  " WHERE binary = ?"))
		return -1;
	for (size_t i = 0; i < v->nr; i++) {
		int rc;

		if (!v->v[i].binary)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, v->v[i].binary);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(q, 0);
			const char *status = (const char *)sqlite3_column_text(q, 1);
			const char *fp = (const char *)sqlite3_column_text(q, 2);
			struct rep_abi_machine *m = machine_of(abi, &alloc, name, v->nr);

			m->fingerprint[i] = xstrdup(!strcmp(status, "ok") && fp ? fp : "failed");
		}
		if (rc != SQLITE_DONE)
			return store_error(st, "cannot read the machine ABI records");
	}
	sort_array(abi->machines, abi->nmachines, sizeof(*abi->machines), cmp_machine);
	return 0;
}

/* One machine type's walk through its versions. */
struct walk {
	struct store *st;
	sqlite3_stmt *text_q;
	struct rep_abi *abi;
	const struct rep_versions *v;
	size_t m;
	const char *last_sha; /* the text last parsed, kept for the next pair */
	struct parsed last;
};

/*
 * The pair (from, to) of w->m: recorded, and compared unless the two
 * records follow different definitions of the text or are equal.
 */
static int compare_pair(void *ctx, int from, int to)
{
	struct walk *w = ctx;
	struct rep_abi *abi = w->abi;
	struct rep_abi_machine *mt = &abi->machines[w->m];
	struct rep_pair *p = rep_pairs_add(&abi->pairs, w->m, from, to);
	struct cmp_ctx c = { abi, w->v, mt->name, from, to, 0 };
	char *text = NULL;
	struct parsed a, b;
	size_t first = abi->ndiffs;

	p->compared = w->v->v[from].abi_rev == w->v->v[to].abi_rev;
	p->equal = !strcmp(mt->fingerprint[from], mt->fingerprint[to]);
	abi->pairs.not_compared += !p->compared;
	if (!p->compared || p->equal)
		return 0;
	if (w->last_sha && !strcmp(w->last_sha, mt->fingerprint[from])) {
		a = w->last;
		memset(&w->last, 0, sizeof(w->last));
	} else if (load_text(w->st, w->text_q, mt->fingerprint[from], &text)) {
		return -1;
	} else {
		parse_text(text, &a);
		free(text);
	}
	if (load_text(w->st, w->text_q, mt->fingerprint[to], &text)) {
		parsed_release(&a);
		return -1;
	}
	parse_text(text, &b);
	free(text);
	compare_parsed(&c, &a, &b);
	p->first = first;
	p->ndiffs = abi->ndiffs - first;
	for (size_t d = first; d < abi->ndiffs; d++) {
		const struct rep_abi_diff *df = &abi->diffs[d];

		if (!rep_abi_kind_is_break(df->kind))
			mt->props++, abi->props++, p->props++;
		else if (df->ack)
			mt->acked++, abi->acked++, p->acked++;
		else
			mt->breaks++, abi->unacked++, p->unacked++;
	}
	parsed_release(&a);
	parsed_release(&w->last);
	w->last_sha = mt->fingerprint[to];
	w->last = b;
	return 0;
}

int rep_abi_build(struct store *st, const struct rep_versions *v,
		  struct rep_abi *abi)
{
	auto_stmt *t = NULL;

	abi->nversions = v->nr;
	if (load_fingerprints(st, v, abi) ||
	    store_prepare(st, &t, "SELECT text FROM abi_texts WHERE sha256 = ?"))
		return -1;
	for (size_t m = 0; m < abi->nmachines; m++) {
		struct walk w = { st, t, abi, v, m, NULL, { NULL, NULL, 0 } };
		int rc = rep_pairs_walk(abi->machines[m].fingerprint, v->nr,
					compare_pair, &w);

		parsed_release(&w.last);
		if (rc)
			return -1;
	}
	return 0;
}

void rep_abi_release(struct rep_abi *abi)
{
	for (size_t i = 0; i < abi->ndiffs; i++) {
		struct rep_abi_diff *d = &abi->diffs[i];

		free(d->machine);
		free(d->object);
		free(d->property);
		free(d->old_value);
		free(d->new_value);
	}
	free(abi->diffs);
	for (size_t i = 0; i < abi->nmachines; i++) {
		for (size_t k = 0; k < abi->nversions; k++)
			free(abi->machines[i].fingerprint[k]);
		free(abi->machines[i].fingerprint);
		free(abi->machines[i].name);
	}
	free(abi->machines);
	rep_pairs_release(&abi->pairs);
	rep_acks_release(&abi->acks);
	memset(abi, 0, sizeof(*abi));
}

/* ---- grouping for display ---- */

/* NULL (absent) sorts before every value. */
static int nstrcmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_group_key(const struct rep_abi_diff *x, const struct rep_abi_diff *y)
{
	int c;

	if (x->from != y->from)
		return x->from - y->from;
	if (x->to != y->to)
		return x->to - y->to;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if ((c = strcmp(x->object, y->object)) || (c = strcmp(x->property, y->property)) ||
	    (c = nstrcmp(x->old_value, y->old_value)) ||
	    (c = nstrcmp(x->new_value, y->new_value)))
		return c;
	return (x->ack != NULL) - (y->ack != NULL);
}

static int cmp_group_ptr(const void *a, const void *b)
{
	const struct rep_abi_diff *x = *(const struct rep_abi_diff *const *)a;
	const struct rep_abi_diff *y = *(const struct rep_abi_diff *const *)b;
	int c = cmp_group_key(x, y);

	return c ? c : strverscmp(x->machine, y->machine);
}

void rep_abi_groups(const struct rep_abi *abi, int breaks,
		    struct rep_abi_group **out, size_t *n)
{
	const struct rep_abi_diff **p = xcalloc(abi->ndiffs + 1, sizeof(*p));
	size_t np = 0, alloc = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < abi->ndiffs; i++)
		if (!rep_abi_kind_is_break(abi->diffs[i].kind) == !breaks)
			p[np++] = &abi->diffs[i];
	sort_array(p, np, sizeof(*p), cmp_group_ptr);
	for (size_t i = 0; i < np; i++) {
		if (!*n || cmp_group_key((*out)[*n - 1].d, p[i])) {
			ALLOC_GROW(*out, *n + 1, alloc);
			(*out)[*n].d = p[i];
			memset(&(*out)[*n].machines, 0, sizeof((*out)[*n].machines));
			(*n)++;
		}
		strvec_push(&(*out)[*n - 1].machines, p[i]->machine);
	}
	free(p);
}

void rep_abi_groups_free(struct rep_abi_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strvec_clear(&g[i].machines);
	free(g);
}
