/*
 * What one guest-view item's change looks like to a person: both
 * contents decoded (matrix/guestdecode.h: ASL, SMBIOS fields, PCI
 * registers, ...) and line-diffed (lib/linediff.h), capped at
 * GUEST_DIFF_LINES lines. guest_report.c asks for the change of an item
 * between two records; a change already made for another machine type
 * or version pair (same item, same contents) is reused, and decoded
 * texts are kept by content (the same bytes recur across machine types
 * and versions) up to DECODE_CACHE_BYTES, after which the cache starts
 * over. A content that its decoder refuses is shown as a hex dump and
 * the change says so.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "guestdecode.h"
#include "linediff.h"
#include "banned.h"

#define GUEST_DIFF_LINES 40	/* lines of a change shown, then "... N more lines" */
#define GUEST_DIFF_CONTEXT 3	/* common lines around each change */
#define GUEST_DIFF_MAX_D 1000	/* edits searched for; past that, a replacement */
#define DECODE_CACHE_BYTES (64u << 20)

/*
 * Items whose decoder reads another item of the view as well
 * (matrix/guestdecode.c): a name starting with `item` needs the one that
 * starts with `needs` instead and goes on the same (pci/00:02.0 needs
 * pcibar/00:02.0). The other item goes into the view handed to the
 * decoder, and its content into the cache key.
 */
static const struct {
	const char *item, *needs;
} decode_needs[] = {
	{ "smbios/table", "smbios/entry" },
	{ "pci/", "pcibar/" },
};

struct decoded {
	char *key; /* "SHA[+NEEDED-SHA] NAME" */
	struct strvec lines;
	int ok; /* 0: the decoder failed, lines are a hex dump */
};

struct rep_decoder {
	struct store *st;
	sqlite3_stmt *blob_q;
	struct decoded *v;
	size_t nr, alloc, bytes;
};

struct rep_decoder *rep_decoder_new(struct store *st)
{
	struct rep_decoder *d = xcalloc(1, sizeof(*d));

	d->st = st;
	if (store_prepare(st, &d->blob_q, "SELECT data FROM guest_items WHERE sha256 = ?")) {
		free(d);
		return NULL;
	}
	return d;
}

static void cache_clear(struct rep_decoder *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->v[i].key);
		strvec_clear(&d->v[i].lines);
	}
	d->nr = 0;
	d->bytes = 0;
}

void rep_decoder_free(struct rep_decoder *d)
{
	if (!d)
		return;
	cache_clear(d);
	free(d->v);
	sqlite3_finalize(d->blob_q);
	free(d);
}

static const struct rep_item_ref *find_item(const struct rep_items *l, const char *name)
{
	for (size_t i = 0; l && i < l->nr; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* The item of l that the decoder of it reads too, or NULL. */
static const struct rep_item_ref *needed(const struct rep_items *l,
					 const struct rep_item_ref *it)
{
	for (size_t i = 0; i < ARRAY_SIZE(decode_needs); i++) {
		size_t n = strlen(decode_needs[i].item);
		const struct rep_item_ref *x;
		struct strbuf name = STRBUF_INIT;

		if (strncmp(it->name, decode_needs[i].item, n))
			continue;
		sb_printf(&name, "%s%s", decode_needs[i].needs, it->name + n);
		x = find_item(l, name.buf);
		strbuf_release(&name);
		return x;
	}
	return NULL;
}

/* What the decode of it in record l depends on, as a key. */
static void decode_key(const struct rep_items *l, const struct rep_item_ref *it,
		       struct strbuf *key)
{
	const struct rep_item_ref *n = needed(l, it);

	strbuf_reset(key);
	sb_printf(key, "%s%s%s %s", it->sha, n ? "+" : "", n ? n->sha : "", it->name);
}

/* Adds the stored bytes of it to gv. -1 reported. */
static int add_blob(struct rep_decoder *d, const struct rep_item_ref *it,
		    struct guestview *gv)
{
	sqlite3_reset(d->blob_q);
	store_bind_text(d->blob_q, 1, it->sha);
	switch (sqlite3_step(d->blob_q)) {
	case SQLITE_ROW:
		guestview_add(gv, it->name, 0, sqlite3_column_blob(d->blob_q, 0),
			      (size_t)sqlite3_column_bytes(d->blob_q, 0));
		return 0;
	case SQLITE_DONE:
		return error("store '%s': guest-view item %s (%s) is missing",
			     d->st->path, it->name, it->sha);
	default:
		return store_error(d->st, "cannot read a guest-view item");
	}
}

/* Decodes it (and what its decoder needs from l) into x. -1 reported. */
static int decode(struct rep_decoder *d, const struct rep_items *l,
		  const struct rep_item_ref *it, struct decoded *x)
{
	const struct rep_item_ref *n = needed(l, it);
	struct strbuf text = STRBUF_INIT;
	struct guestview gv;
	int ret = -1;

	guestview_init(&gv);
	if (add_blob(d, it, &gv) || (n && add_blob(d, n, &gv)))
		goto out;
	x->ok = !guest_decode(&gv, it->name, &text);
	if (!x->ok) {
		strbuf_reset(&text);
		guest_decode_hex(gv.items[0].data, gv.items[0].len, &text);
	}
	linediff_split(text.buf, &x->lines);
	d->bytes += text.len + x->lines.nr * sizeof(char *);
	ret = 0;
out:
	strbuf_release(&text);
	guestview_release(&gv);
	return ret;
}

/*
 * Room for the two decodes of one change: the cache starts over first if
 * it is full, so that neither decode moves or drops the other.
 */
static void cache_prepare(struct rep_decoder *d)
{
	if (d->bytes > DECODE_CACHE_BYTES)
		cache_clear(d);
	ALLOC_GROW(d->v, d->nr + 2, d->alloc);
}

/*
 * The decoded lines of item it of record l, from the cache or made (at
 * most twice after each cache_prepare). NULL after reporting.
 */
static const struct decoded *decoded_of(struct rep_decoder *d,
					const struct rep_items *l,
					const struct rep_item_ref *it)
{
	struct strbuf key = STRBUF_INIT;
	struct decoded *x;

	decode_key(l, it, &key);
	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->v[i].key, key.buf)) {
			strbuf_release(&key);
			return &d->v[i];
		}
	x = &d->v[d->nr];
	memset(x, 0, sizeof(*x));
	x->key = strbuf_detach(&key);
	if (decode(d, l, it, x)) {
		free(x->key);
		strvec_clear(&x->lines);
		return NULL;
	}
	d->nr++;
	return x;
}

/* The lines of a side of d with op, joined by '\n'. */
static char *joined(const struct linediff *d, const struct strvec *side, char op)
{
	struct strbuf out = STRBUF_INIT;

	for (size_t i = 0; i < d->nr; i++) {
		if (d->v[i].op != op)
			continue;
		if (out.len)
			sb_putc(&out, '\n');
		sb_puts(&out, side->v[op == '-' ? d->v[i].a : d->v[i].b]);
	}
	return strbuf_detach(&out);
}

/* c's lines from the two decoded texts (NULL: the item is absent). */
static void make_change(struct rep_guest_change *c, const struct decoded *a,
			const struct decoded *b)
{
	static const struct strvec none = STRVEC_INIT;
	const struct strvec *la = a ? &a->lines : &none, *lb = b ? &b->lines : &none;
	struct linediff d;

	linediff(la->v, la->nr, lb->v, lb->nr, GUEST_DIFF_MAX_D, &d);
	c->more = linediff_unified(&d, la->v, lb->v, GUEST_DIFF_CONTEXT,
				   GUEST_DIFF_LINES, &c->lines);
	c->removed = joined(&d, la, '-');
	c->added = joined(&d, lb, '+');
	c->decoded = (!a || a->ok) && (!b || b->ok);
	linediff_release(&d);
}

/* What a change between x of a and y of b (NULL: absent) is made from. */
static void change_key(const struct rep_items *a, const struct rep_item_ref *x,
		       const struct rep_items *b, const struct rep_item_ref *y,
		       struct strbuf *key)
{
	struct strbuf k = STRBUF_INIT;

	strbuf_reset(key);
	if (x)
		decode_key(a, x, &k);
	sb_printf(key, "%s -> ", x ? k.buf : "(absent)");
	if (y)
		decode_key(b, y, &k);
	sb_puts(key, y ? k.buf : "(absent)");
	strbuf_release(&k);
}

long rep_guest_change_of(struct rep_decoder *d, struct rep_guest *g,
			 const char *name, const struct rep_items *a,
			 const struct rep_items *b)
{
	const struct rep_item_ref *x = find_item(a, name), *y = find_item(b, name);
	const struct decoded *da = NULL, *db = NULL;
	struct strbuf key = STRBUF_INIT;
	struct rep_guest_change *c;

	change_key(a, x, b, y, &key);
	for (size_t i = 0; i < g->nchanges; i++)
		if (!strcmp(g->changes[i].key, key.buf)) {
			strbuf_release(&key);
			return (long)i;
		}
	cache_prepare(d);
	if ((x && !(da = decoded_of(d, a, x))) || (y && !(db = decoded_of(d, b, y)))) {
		strbuf_release(&key);
		return -1;
	}
	ALLOC_GROW(g->changes, g->nchanges + 1, g->changes_alloc);
	c = &g->changes[g->nchanges];
	memset(c, 0, sizeof(*c));
	c->item = xstrdup(name);
	c->old_sha = x ? xstrdup(x->sha) : NULL;
	c->new_sha = y ? xstrdup(y->sha) : NULL;
	c->key = strbuf_detach(&key);
	make_change(c, da, db);
	return (long)g->nchanges++;
}

void rep_guest_change_release(struct rep_guest_change *c)
{
	free(c->item);
	free(c->old_sha);
	free(c->new_sha);
	strvec_clear(&c->lines);
	free(c->removed);
	free(c->added);
	free(c->key);
}
