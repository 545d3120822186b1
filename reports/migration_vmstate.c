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
 * dump is parsed once (binaries with the same dump share it), each ABI
 * text's device types are found once, each (pair of dumps, device set) is
 * checked once.
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
	const struct vmstate_dump *d; /* when ok: the parse of its dump */
	char *why;		 /* when not */
};

/* A -dump-vmstate parsed, for each binary whose dump it is. */
struct vm_parsed {
	char *sha; /* vmstates.sha256 */
	struct vmstate_dump d;
};

/* The device types of one ABI text. */
struct vm_text_types {
	char *fingerprint;
	struct strvec types; /* sorted, for in_types' binary search */
};

/* The device types of one (binary, machine type), from its ABI text. */
struct vm_types {
	char *sha, *machine;
	char *fingerprint; /* the ABI text's sha256: equal sets check alike */
	const struct strvec *types; /* NULL: none */
};

struct vm_pair {
	const struct vm_dump *src, *dst;
	const char *fingerprint; /* of the source's device set */
	struct rep_vmstate_check c;
};

/* A check made: binaries with the same dumps check alike. */
struct vm_check {
	const struct vmstate_dump *src, *dst;
	const char *fingerprint;
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
	struct vm_parsed *parsed;
	size_t nparsed, aparsed;
	struct vm_text_types *text_types;
	size_t ntext_types, atext_types;
	size_t *text_types_order, atext_types_order;
	sqlite3_stmt *dump_q, *json_q, *types_q, *text_q;
	struct vm_pair *pairs;
	size_t npairs, apairs;
	size_t *pair_order, apair_order, nindexed; /* pairs with a fingerprint */
	struct vm_check *checks;
	size_t nchecks, achecks;
	size_t *check_order, acheck_order;
	struct vm_types *types;
	size_t ntypes, atypes;
	size_t *type_order, atype_order;
	struct vmstate_renames renames;
	int have_renames;
	char *renames_why;
};

/* The parse of the dump vmstate_sha, kept: NULL when it does not parse. */
static const struct vmstate_dump *parse_of(struct vm_cache *c,
					   const char *vmstate_sha,
					   const char *json, size_t len,
					   const char *install)
{
	struct vm_parsed *p;

	c->parsed =
	    xgrow(c->parsed, sizeof(*c->parsed), c->nparsed + 1, &c->aparsed);
	p = &c->parsed[c->nparsed];
	memset(p, 0, sizeof(*p));
	if (vmstate_dump_parse(install, json, len, &p->d)) {
		vmstate_dump_release(&p->d);
		return NULL;
	}
	p->sha = xstrdup(vmstate_sha);
	c->nparsed++;
	return &p->d;
}

/*
 * The dump of binary sha, parsed (or why not), from the store. Binaries
 * with the same dump share its parse; one that does not parse is read
 * again for each binary, so that each says so.
 */
static const struct vm_dump *dump_of(struct store *st, struct vm_cache *c, const char *sha,
				     const char *install)
{
	struct vm_dump *d;
	struct strbuf why = STRBUF_INIT;

	for (size_t i = 0; i < c->ndumps; i++)
		if (!strcmp(c->dumps[i].sha, sha))
			return &c->dumps[i];
	c->dumps = xgrow(c->dumps, sizeof(*c->dumps), c->ndumps + 1, &c->adumps);
	d = &c->dumps[c->ndumps++];
	memset(d, 0, sizeof(*d));
	d->sha = xstrdup(sha);
	if ((!c->dump_q &&
	     store_prepare(
		 st, &c->dump_q,
		 "SELECT v.sha256 FROM binaries b JOIN vmstates v ON"
		 " v.sha256 = b.vmstate_sha256 WHERE b.sha256 = ?")) ||
	    (!c->json_q &&
	     store_prepare(st, &c->json_q,
			   "SELECT json FROM vmstates WHERE sha256 = ?"))) {
		sb_puts(&why, "the store could not be read");
	} else {
		sqlite3_reset(c->dump_q);
		store_bind_text(c->dump_q, 1, sha);
		if (sqlite3_step(c->dump_q) != SQLITE_ROW) {
			sb_printf(&why, "probe recorded no -dump-vmstate of QEMU %s", install);
		} else {
			const char *vsha =
			    (const char *)sqlite3_column_text(c->dump_q, 0);

			for (size_t i = 0; i < c->nparsed && !d->d; i++)
				if (!strcmp(c->parsed[i].sha, vsha))
					d->d = &c->parsed[i].d;
			if (!d->d) {
				const char *json;

				sqlite3_reset(c->json_q);
				store_bind_text(c->json_q, 1, vsha);
				json = sqlite3_step(c->json_q) == SQLITE_ROW
					   ? (const char *)sqlite3_column_text(
						 c->json_q, 0)
					   : NULL;
				if (json)
					d->d = parse_of(
					    c, vsha, json,
					    (size_t)sqlite3_column_bytes(
						c->json_q, 0),
					    install);
				sqlite3_reset(c->json_q);
			}
			d->ok = d->d != NULL;
			if (!d->ok)
				sb_printf(&why, "the -dump-vmstate of QEMU %s does not parse", install);
		}
		sqlite3_reset(c->dump_q);
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

static int cmp_text_types(const void *key, const struct vm_cache *c, size_t i)
{
	return strcmp(key, c->text_types[i].fingerprint);
}

/* The device types of the ABI text fingerprint, read once (NULL: none). */
static const struct strvec *text_types_of(struct store *st, struct vm_cache *c,
					  const char *fingerprint)
{
	struct vm_text_types *t;
	size_t at;

	if (index_find(c->text_types_order, c->ntext_types, fingerprint,
		       cmp_text_types, c, &at))
		return &c->text_types[c->text_types_order[at]].types;
	if (!c->text_q &&
	    store_prepare(st, &c->text_q,
			  "SELECT text FROM abi_texts WHERE sha256 = ?"))
		return NULL;
	c->text_types = xgrow(c->text_types, sizeof(*c->text_types),
			      c->ntext_types + 1, &c->atext_types);
	c->text_types_order =
	    xgrow(c->text_types_order, sizeof(*c->text_types_order),
		  c->ntext_types + 1, &c->atext_types_order);
	memmove(&c->text_types_order[at + 1], &c->text_types_order[at],
		(c->ntext_types - at) * sizeof(*c->text_types_order));
	c->text_types_order[at] = c->ntext_types;
	t = &c->text_types[c->ntext_types++];
	memset(t, 0, sizeof(*t));
	t->fingerprint = xstrdup(fingerprint);
	sqlite3_reset(c->text_q);
	store_bind_text(c->text_q, 1, fingerprint);
	if (sqlite3_step(c->text_q) == SQLITE_ROW) {
		abi_text_types((const char *)sqlite3_column_text(c->text_q, 0),
			       &t->types);
		sort_array(t->types.v, t->types.nr, sizeof(*t->types.v),
			   cmp_str);
	}
	sqlite3_reset(c->text_q);
	return &t->types;
}

static const struct vm_types *types_of(struct store *st, struct vm_cache *c, const char *sha,
				       const char *machine)
{
	struct types_key key = { sha, machine };
	struct vm_types *t;
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
	if (c->types_q ||
	    !store_prepare(
		st, &c->types_q,
		"SELECT t.sha256 FROM binaries b JOIN machine_abi m"
		" ON m.binary = b.id JOIN abi_texts t ON t.sha256 ="
		" m.fingerprint WHERE b.sha256 = ? AND m.machine = ? AND"
		" m.status = 'ok'")) {
		sqlite3_reset(c->types_q);
		store_bind_text(c->types_q, 1, sha);
		store_bind_text(c->types_q, 2, machine);
		if (sqlite3_step(c->types_q) == SQLITE_ROW) {
			t->fingerprint = store_column_strdup(c->types_q, 0);
			t->types = text_types_of(st, c, t->fingerprint);
		}
		sqlite3_reset(c->types_q);
	}
	return t;
}

static int in_types(const char *id, void *arg)
{
	const struct strvec *types = arg;

	return types && types->nr &&
	       bsearch(&id, types->v, types->nr, sizeof(*types->v), cmp_str);
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

struct check_key {
	const struct vmstate_dump *src, *dst;
	const char *fingerprint;
};

static int cmp_checks(const void *key, const struct vm_cache *c, size_t i)
{
	const struct check_key *k = key;
	const struct vm_check *x = &c->checks[i];

	if (k->src != x->src)
		return k->src < x->src ? -1 : 1;
	if (k->dst != x->dst)
		return k->dst < x->dst ? -1 : 1;
	return strcmp(k->fingerprint, x->fingerprint);
}

/* vmstate_check_only of two parsed dumps for device set t, made once. */
static const struct rep_vmstate_check *check_of(struct vm_cache *c,
						const struct vmstate_dump *s,
						const struct vmstate_dump *d,
						const struct vm_types *t)
{
	struct check_key key = { s, d, t->fingerprint };
	struct vmstate_findings f;
	struct vm_check *x;
	size_t at;

	if (index_find(c->check_order, c->nchecks, &key, cmp_checks, c, &at))
		return &c->checks[c->check_order[at]].c;
	c->checks =
	    xgrow(c->checks, sizeof(*c->checks), c->nchecks + 1, &c->achecks);
	c->check_order = xgrow(c->check_order, sizeof(*c->check_order),
			       c->nchecks + 1, &c->acheck_order);
	memmove(&c->check_order[at + 1], &c->check_order[at],
		(c->nchecks - at) * sizeof(*c->check_order));
	c->check_order[at] = c->nchecks;
	x = &c->checks[c->nchecks++];
	memset(x, 0, sizeof(*x));
	x->src = s;
	x->dst = d;
	x->fingerprint = t->fingerprint;
	vmstate_check_only(s, d, &c->renames, in_types, (void *)t->types, &f);
	x->c.errors = f.errors;
	x->c.state = f.errors ? REP_VMSTATE_ERRORS : REP_VMSTATE_CLEAN;
	for (size_t i = 0; i < f.nr && !x->c.detail; i++)
		if (f.v[i].severity == VMSTATE_ERROR)
			x->c.detail = xstrdup(f.v[i].message);
	vmstate_findings_release(&f);
	return &x->c;
}

/* The check of one pair of dumps for the source's device set, made once. */
static const struct rep_vmstate_check *pair_check(struct vm_cache *c, const struct vm_dump *s,
						  const struct vm_dump *d,
						  const struct vm_types *t, const char *install)
{
	struct pair_key key = { s, d, t->fingerprint };
	const struct rep_vmstate_check *r;
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
	if (!s->ok || !d->ok || !c->have_renames || !t->types ||
	    !t->types->nr) {
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
	/* compared: t has types, so a fingerprint */
	r = check_of(c, s->d, d->d, t);
	p->c = *r;
	p->c.detail = r->detail ? xstrdup(r->detail) : NULL;
	return &p->c;
}

static void cache_release(struct vm_cache *c)
{
	for (size_t i = 0; i < c->ndumps; i++) {
		free(c->dumps[i].sha);
		free(c->dumps[i].why);
	}
	free(c->dumps);
	for (size_t i = 0; i < c->nparsed; i++) {
		free(c->parsed[i].sha);
		vmstate_dump_release(&c->parsed[i].d);
	}
	free(c->parsed);
	for (size_t i = 0; i < c->ntext_types; i++) {
		free(c->text_types[i].fingerprint);
		strvec_clear(&c->text_types[i].types);
	}
	free(c->text_types);
	free(c->text_types_order);
	sqlite3_finalize(c->dump_q);
	sqlite3_finalize(c->json_q);
	sqlite3_finalize(c->types_q);
	sqlite3_finalize(c->text_q);
	for (size_t i = 0; i < c->npairs; i++)
		free(c->pairs[i].c.detail);
	free(c->pairs);
	free(c->pair_order);
	for (size_t i = 0; i < c->nchecks; i++)
		free(c->checks[i].c.detail);
	free(c->checks);
	free(c->check_order);
	free(c->type_order);
	for (size_t i = 0; i < c->ntypes; i++) {
		free(c->types[i].sha);
		free(c->types[i].machine);
		free(c->types[i].fingerprint);
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
