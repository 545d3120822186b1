/*
 * The guest view in the store (guestrecord.h): writing a binary's
 * outcomes in one transaction, reading one machine type's view back, and
 * the fingerprint over a view's items.
 */
#include <stdlib.h>
#include <string.h>

#include "guestrecord.h"
#include "banned.h"

static int cmp_item_ptr(const void *a, const void *b)
{
	const struct gv_item *x = *(const struct gv_item *const *)a;
	const struct gv_item *y = *(const struct gv_item *const *)b;

	return strcmp(x->name, y->name);
}

void guestview_fingerprint(const struct guestview *gv,
			   char out[SHA256_HEX_LEN + 1])
{
	const struct gv_item **v = xcalloc(gv->nr + 1, sizeof(*v));
	struct strbuf lines = STRBUF_INIT;

	for (size_t i = 0; i < gv->nr; i++)
		v[i] = &gv->items[i];
	sort_array(v, gv->nr, sizeof(*v), cmp_item_ptr);
	for (size_t i = 0; i < gv->nr; i++) {
		char sha[SHA256_HEX_LEN + 1];

		sha256_hex(v[i]->data, v[i]->len, sha);
		sb_printf(&lines, "%s %s\n", v[i]->name, sha);
	}
	sha256_hex(lines.buf, lines.len, out);
	strbuf_release(&lines);
	free(v);
}

/* store_error with the machine type (and item) it was about. */
static int where_error(struct store *st, const char *what, long long id,
		       const char *machine, const char *item)
{
	struct strbuf m = STRBUF_INIT;
	int ret;

	sb_printf(&m, "%s (probe record %lld, %s%s%s)", what, id, machine,
		  item ? ", " : "", item ? item : "");
	ret = store_error(st, m.buf);
	strbuf_release(&m);
	return ret;
}

static int store_items(struct store *st, long long id, const char *machine,
		       const struct guestview *gv)
{
	auto_stmt *a = NULL;
	auto_stmt *b = NULL;

	if (store_prepare(st, &a,
			  "INSERT OR IGNORE INTO guest_items (sha256, data)"
			  " VALUES (?, ?)") ||
	    store_prepare(st, &b,
			  "INSERT INTO machine_guest_items (binary, machine, seq,"
			  " name, sha256) VALUES (?, ?, ?, ?, ?)"))
		return -1;
	for (size_t i = 0; i < gv->nr; i++) {
		const struct gv_item *it = &gv->items[i];
		char sha[SHA256_HEX_LEN + 1];
		int ra, rb;

		sha256_hex(it->data, it->len, sha);
		store_bind_text(a, 1, sha);
		sqlite3_bind_blob(a, 2, it->data, (int)it->len, SQLITE_STATIC);
		sqlite3_bind_int64(b, 1, id);
		store_bind_text(b, 2, machine);
		sqlite3_bind_int64(b, 3, (long long)i);
		store_bind_text(b, 4, it->name);
		store_bind_text(b, 5, sha);
		ra = sqlite3_step(a);
		rb = sqlite3_step(b);
		sqlite3_reset(a);
		sqlite3_reset(b);
		if (ra != SQLITE_DONE || rb != SQLITE_DONE)
			return where_error(st, "cannot record a guest-view item", id,
					   machine, it->name);
	}
	return 0;
}

static int store_outcome(struct store *st, long long id,
			 const struct guest_outcome *o)
{
	auto_stmt *q = NULL;
	char fp[SHA256_HEX_LEN + 1];

	if (!o->error) {
		guestview_fingerprint(o->gv, fp);
		if (store_items(st, id, o->machine, o->gv))
			return -1;
	}
	if (store_prepare(st, &q,
			  "INSERT INTO machine_guest (binary, machine, status,"
			  " fingerprint, error, seconds) VALUES (?, ?, ?, ?, ?, ?)"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, o->machine);
	store_bind_text(q, 3, o->error ? "failed" : "ok");
	store_bind_text(q, 4, o->error ? NULL : fp);
	store_bind_text(q, 5, o->error);
	sqlite3_bind_double(q, 6, o->seconds);
	if (sqlite3_step(q) != SQLITE_DONE)
		return where_error(st, "cannot record a machine type's guest view",
				   id, o->machine, NULL);
	return 0;
}

/* What an earlier take of binary id left: gone before the new one. */
static int forget(struct store *st, long long id)
{
	auto_stmt *a = NULL;
	auto_stmt *b = NULL;

	if (store_prepare(st, &a, "DELETE FROM machine_guest_items WHERE binary = ?") ||
	    store_prepare(st, &b, "DELETE FROM machine_guest WHERE binary = ?"))
		return -1;
	sqlite3_bind_int64(a, 1, id);
	sqlite3_bind_int64(b, 1, id);
	if (sqlite3_step(a) != SQLITE_DONE || sqlite3_step(b) != SQLITE_DONE)
		return store_error(st, "cannot replace an older guest view");
	return 0;
}

static int mark_binary(struct store *st, long long id, double seconds)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "UPDATE binaries SET guest_seconds = ?, guest_rev = ?"
			  " WHERE id = ?"))
		return -1;
	sqlite3_bind_double(q, 1, seconds);
	sqlite3_bind_int(q, 2, GUEST_REV);
	sqlite3_bind_int64(q, 3, id);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record the guest view's time");
	return 0;
}

static int count_distinct(struct store *st, long long id, size_t *distinct)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT count(DISTINCT fingerprint) FROM machine_guest"
			  " WHERE binary = ? AND status = 'ok'"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	*distinct = sqlite3_step(q) == SQLITE_ROW
			    ? (size_t)sqlite3_column_int64(q, 0) : 0;
	return 0;
}

int guest_record(struct store *st, long long id, const struct guest_outcome *v,
		 size_t n, double seconds, size_t *distinct)
{
	*distinct = 0;
	if (store_begin(st))
		return -1;
	if (forget(st, id))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (store_outcome(st, id, &v[i]))
			goto fail;
	if (mark_binary(st, id, seconds) || store_commit(st))
		goto fail;
	return count_distinct(st, id, distinct);
fail:
	store_rollback(st);
	return -1;
}

int guest_missing(struct store *st, long long id)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT guest_seconds IS NULL OR coalesce(guest_rev, 1) < ?"
			  " FROM binaries WHERE id = ?"))
		return -1;
	sqlite3_bind_int(q, 1, GUEST_REV);
	sqlite3_bind_int64(q, 2, id);
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		return sqlite3_column_int(q, 0) != 0;
	case SQLITE_DONE:
		return error("no probe record %lld", id);
	default:
		return store_error(st, "cannot read a probe record");
	}
}

static int load_failed(struct store *st, long long id, const char *machine,
		       char **err)
{
	auto_stmt *q = NULL;

	if (!err)
		return 1;
	*err = NULL;
	if (store_prepare(st, &q,
			  "SELECT error FROM machine_guest WHERE binary = ?"
			  " AND machine = ? AND status = 'failed'"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, machine);
	if (sqlite3_step(q) == SQLITE_ROW)
		*err = store_column_strdup(q, 0);
	return 1;
}

int guestview_load(struct store *st, long long id, const char *machine,
		   struct guestview *gv, char **err)
{
	auto_stmt *q = NULL;
	int r;

	if (err)
		*err = NULL;
	if (store_prepare(st, &q,
			  "SELECT i.name, g.data FROM machine_guest m"
			  " JOIN machine_guest_items i ON i.binary = m.binary"
			  "  AND i.machine = m.machine"
			  " JOIN guest_items g ON g.sha256 = i.sha256"
			  " WHERE m.binary = ? AND m.machine = ? AND m.status = 'ok'"
			  " ORDER BY i.seq"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, machine);
	while ((r = sqlite3_step(q)) == SQLITE_ROW)
		guestview_add(gv, (const char *)sqlite3_column_text(q, 0), 0,
			      sqlite3_column_blob(q, 1),
			      (size_t)sqlite3_column_bytes(q, 1));
	if (r != SQLITE_DONE)
		return where_error(st, "cannot read a guest view", id, machine, NULL);
	if (gv->nr)
		return 0;
	/* An 'ok' view has at least its RSDP: none means no such record. */
	return load_failed(st, id, machine, err);
}
