/*
 * The third predictor of the migration part (model.h's hook): the static
 * vmstate check (matrix/vmstatecheck.h, QEMU's vmstate-static-checker
 * semantics) of the source's -dump-vmstate against the destination's,
 * with the renames of specs/vmstate-renames. probe records one dump per
 * binary, taken with -machine none: it describes every device type of
 * the binary. Only the sections of the device types the source's machine
 * type instantiates are checked (its ABI text's qtree and qom paths,
 * abi_text_types): a device type the guest does not have sends nothing.
 * What a machine type's compat properties turn off (a subsection whose
 * needed() is false on old machine types) still cannot be seen. Each
 * dump is parsed once, each (pair, device set) checked once.
 */
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "builders.h"
#include "vmstatecheck.h"
#include "banned.h"

struct vm_dump {
	char *sha;		 /* the binary's */
	int ok;			 /* parsed */
	struct vmstate_dump d;
	char *why;		 /* when not */
};

/* The device types of one (binary, machine type), from its ABI text. */
struct vm_types {
	char *sha, *machine;
	char *fingerprint; /* the ABI text's sha256: equal sets check alike */
	struct strvec types;
};

struct vm_pair {
	const struct vm_dump *src, *dst;
	const char *fingerprint; /* of the source's device set */
	struct rep_vmstate_check c;
};

/*
 * Each cache is an array in the order entries were made and an index of
 * it sorted by key, found by binary search: a sweep of a large lab has
 * thousands of (binary, machine type) device sets and checked pairs.
 */
struct vm_cache {
	struct vm_dump *dumps;
	size_t ndumps, adumps;
	struct vm_pair *pairs;
	size_t npairs, apairs;
	size_t *pair_order, apair_order, nindexed; /* pairs with a fingerprint */
	struct vm_types *types;
	size_t ntypes, atypes;
	size_t *type_order, atype_order;
	struct vmstate_renames renames;
	int have_renames;
	char *renames_why;
};

/* The dump of binary sha, parsed (or why not), from the store. */
static const struct vm_dump *dump_of(struct store *st, struct vm_cache *c, const char *sha,
				     const char *install)
{
	struct vm_dump *d;
	auto_stmt *q = NULL;
	struct strbuf why = STRBUF_INIT;

	for (size_t i = 0; i < c->ndumps; i++)
		if (!strcmp(c->dumps[i].sha, sha))
			return &c->dumps[i];
	c->dumps = xgrow(c->dumps, sizeof(*c->dumps), c->ndumps + 1, &c->adumps);
	d = &c->dumps[c->ndumps++];
	memset(d, 0, sizeof(*d));
	d->sha = xstrdup(sha);
	if (store_prepare(st, &q, "SELECT v.json FROM binaries b JOIN vmstates v ON"
				  " v.sha256 = b.vmstate_sha256 WHERE b.sha256 = ?")) {
		sb_puts(&why, "the store could not be read");
	} else {
		store_bind_text(q, 1, sha);
		if (sqlite3_step(q) != SQLITE_ROW) {
			sb_printf(&why, "probe recorded no -dump-vmstate of QEMU %s", install);
		} else {
			const char *json = (const char *)sqlite3_column_text(q, 0);
			size_t len = (size_t)sqlite3_column_bytes(q, 0);

			d->ok = json && !vmstate_dump_parse(install, json, len, &d->d);
			if (!d->ok)
				sb_printf(&why, "the -dump-vmstate of QEMU %s does not parse", install);
		}
	}
	d->why = why.len ? strbuf_detach(&why) : NULL;
	strbuf_release(&why);
	return d;
}

/* The device types of binary sha's machine type, from its ABI record (types.nr 0: none). */
/*
 * Where key is or would go in order (n indexes of entries, sorted by cmp
 * of key and an entry): 1 when there. The caches' one binary search.
 */
static int index_find(const size_t *order, size_t n, const void *key,
		      int (*cmp)(const void *key, const struct vm_cache *c, size_t i),
		      const struct vm_cache *c, size_t *at)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp(key, c, order[mid]);

		if (!r) {
			*at = mid;
			return 1;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return 0;
}

struct types_key {
	const char *sha, *machine;
};

static int cmp_types(const void *key, const struct vm_cache *c, size_t i)
{
	const struct types_key *k = key;
	int r = strcmp(k->sha, c->types[i].sha);

	return r ? r : strcmp(k->machine, c->types[i].machine);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const struct vm_types *types_of(struct store *st, struct vm_cache *c, const char *sha,
				       const char *machine)
{
	struct types_key key = { sha, machine };
	struct vm_types *t;
	auto_stmt *q = NULL;
	size_t at;

	if (index_find(c->type_order, c->ntypes, &key, cmp_types, c, &at))
		return &c->types[c->type_order[at]];
	c->types = xgrow(c->types, sizeof(*c->types), c->ntypes + 1, &c->atypes);
	c->type_order = xgrow(c->type_order, sizeof(*c->type_order), c->ntypes + 1,
			      &c->atype_order);
	memmove(&c->type_order[at + 1], &c->type_order[at],
		(c->ntypes - at) * sizeof(*c->type_order));
	c->type_order[at] = c->ntypes;
	t = &c->types[c->ntypes++];
	memset(t, 0, sizeof(*t));
	t->sha = xstrdup(sha);
	t->machine = xstrdup(machine);
	if (!store_prepare(st, &q, "SELECT t.sha256, t.text FROM binaries b JOIN machine_abi m"
				   " ON m.binary = b.id JOIN abi_texts t ON t.sha256 ="
				   " m.fingerprint WHERE b.sha256 = ? AND m.machine = ? AND"
				   " m.status = 'ok'")) {
		store_bind_text(q, 1, sha);
		store_bind_text(q, 2, machine);
		if (sqlite3_step(q) == SQLITE_ROW) {
			t->fingerprint = store_column_strdup(q, 0);
			abi_text_types((const char *)sqlite3_column_text(q, 1), &t->types);
			/* sorted, for in_types' binary search */
			sort_array(t->types.v, t->types.nr, sizeof(*t->types.v), cmp_str);
		}
	}
	return t;
}

static int in_types(const char *id, void *arg)
{
	const struct strvec *types = arg;

	return types->nr && bsearch(&id, types->v, types->nr, sizeof(*types->v), cmp_str);
}

struct pair_key {
	const struct vm_dump *src, *dst;
	const char *fingerprint;
};

/* Pairs by (source, destination, device set); dumps by their address. */
static int cmp_pairs(const void *key, const struct vm_cache *c, size_t i)
{
	const struct pair_key *k = key;
	const struct vm_pair *p = &c->pairs[i];

	if (k->src != p->src)
		return k->src < p->src ? -1 : 1;
	if (k->dst != p->dst)
		return k->dst < p->dst ? -1 : 1;
	return strcmp(k->fingerprint, p->fingerprint);
}

/* The check of one pair of dumps for the source's device set, made once. */
static const struct rep_vmstate_check *pair_check(struct vm_cache *c, const struct vm_dump *s,
						  const struct vm_dump *d,
						  const struct vm_types *t, const char *install)
{
	struct pair_key key = { s, d, t->fingerprint };
	struct vmstate_findings f;
	struct vm_pair *p;
	size_t at = 0;

	/* A pair without a fingerprint is checked anew each time, as before. */
	if (t->fingerprint && index_find(c->pair_order, c->nindexed, &key, cmp_pairs, c, &at))
		return &c->pairs[c->pair_order[at]].c;
	c->pairs = xgrow(c->pairs, sizeof(*c->pairs), c->npairs + 1, &c->apairs);
	if (t->fingerprint) {
		c->pair_order = xgrow(c->pair_order, sizeof(*c->pair_order), c->nindexed + 1,
				      &c->apair_order);
		memmove(&c->pair_order[at + 1], &c->pair_order[at],
			(c->nindexed - at) * sizeof(*c->pair_order));
		c->pair_order[at] = c->npairs;
		c->nindexed++;
	}
	p = &c->pairs[c->npairs++];
	memset(p, 0, sizeof(*p));
	p->src = s;
	p->dst = d;
	p->fingerprint = t->fingerprint;
	if (!s->ok || !d->ok || !c->have_renames || !t->types.nr) {
		struct strbuf why = STRBUF_INIT;

		p->c.state = REP_VMSTATE_NOT_COMPARED;
		if (!s->ok || !d->ok || !c->have_renames)
			sb_puts(&why, !s->ok ? s->why : !d->ok ? d->why : c->renames_why);
		else
			sb_printf(&why, "no ABI record of %s on QEMU %s says which devices "
					"it has", t->machine, install);
		p->c.detail = strbuf_detach(&why);
		return &p->c;
	}
	vmstate_check_only(&s->d, &d->d, &c->renames, in_types, (void *)&t->types, &f);
	p->c.errors = f.errors;
	p->c.state = f.errors ? REP_VMSTATE_ERRORS : REP_VMSTATE_CLEAN;
	for (size_t i = 0; i < f.nr && !p->c.detail; i++)
		if (f.v[i].severity == VMSTATE_ERROR)
			p->c.detail = xstrdup(f.v[i].message);
	vmstate_findings_release(&f);
	return &p->c;
}

static void cache_release(struct vm_cache *c)
{
	for (size_t i = 0; i < c->ndumps; i++) {
		free(c->dumps[i].sha);
		free(c->dumps[i].why);
		if (c->dumps[i].ok)
			vmstate_dump_release(&c->dumps[i].d);
	}
	free(c->dumps);
	for (size_t i = 0; i < c->npairs; i++)
		free(c->pairs[i].c.detail);
	free(c->pairs);
	free(c->pair_order);
	free(c->type_order);
	for (size_t i = 0; i < c->ntypes; i++) {
		free(c->types[i].sha);
		free(c->types[i].machine);
		free(c->types[i].fingerprint);
		strvec_clear(&c->types[i].types);
	}
	free(c->types);
	if (c->have_renames)
		vmstate_renames_release(&c->renames);
	free(c->renames_why);
}

void rep_migration_vmstate(struct store *st, struct rep_migration *m)
{
	struct vm_cache c;

	memset(&c, 0, sizeof(c));
	c.have_renames = !vmstate_renames_load_default(&c.renames);
	if (!c.have_renames)
		c.renames_why = xstrdup("specs/vmstate-renames could not be read");
	for (size_t i = 0; i < m->ncells; i++) {
		struct rep_mig_cell *cell = &m->cells[i];
		const struct rep_vmstate_check *r;

		if (!cell->current || cell->control || !cell->src_sha || !cell->dst_sha)
			continue;
		r = pair_check(&c, dump_of(st, &c, cell->src_sha, cell->src),
			       dump_of(st, &c, cell->dst_sha, cell->dst),
			       types_of(st, &c, cell->src_sha, cell->machine), cell->src);
		cell->vmstate = xmalloc(sizeof(*cell->vmstate));
		*cell->vmstate = *r;
		cell->vmstate->detail = r->detail ? xstrdup(r->detail) : NULL;
	}
	cache_release(&c);
}
