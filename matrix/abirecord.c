/*
 * Writing the machine-type ABI part of a binary's record (abirecord.h):
 * one machine_abi row per versioned machine type with its fingerprint,
 * the fingerprint's text in abi_texts once per distinct sha256, the
 * compat props per machine type (or the refusal of the query, on QEMU
 * before 9.1), the -dump-vmstate description in vmstates once per
 * distinct content, and binaries.abi_rev (the definition of the text,
 * ABI_REV), all in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "abirecord.h"
#include "qmp.h"
#include "sha256.h"
#include "banned.h"

static int store_outcome(struct store *st, long long id,
			 const struct abi_outcome *m)
{
	auto_stmt *t = NULL;
	auto_stmt *q = NULL;

	if (!m->error) {
		if (store_prepare(st, &t,
				  "INSERT OR IGNORE INTO abi_texts (sha256, text)"
				  " VALUES (?, ?)"))
			return -1;
		store_bind_text(t, 1, m->fingerprint);
		store_bind_text(t, 2, m->text);
		if (sqlite3_step(t) != SQLITE_DONE)
			return store_error(st, "cannot record an ABI text");
	}
	if (store_prepare(st, &q,
			  "INSERT OR REPLACE INTO machine_abi (binary, machine,"
			  " status, fingerprint, devices, dropped, error, seconds)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, m->machine);
	store_bind_text(q, 3, m->error ? "failed" : "ok");
	store_bind_text(q, 4, m->error ? NULL : m->fingerprint);
	store_bind_text(q, 5, m->devices);
	store_bind_text(q, 6, m->dropped);
	store_bind_text(q, 7, m->error);
	sqlite3_bind_double(q, 8, m->seconds);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record a machine ABI");
	return 0;
}

static int compat_store(struct store *st, long long id, const char *binary,
			const struct abi_binary_jobs *bj)
{
	auto_stmt *q = NULL;
	json_object *ret = bj->compat;

	if (bj->compat_failed)
		return error("probe '%s': query-machines with compat-props "
			     "failed (QEMU's words are above)",
			     binary);
	if (!ret) {
		if (store_prepare(st, &q,
				  "INSERT OR REPLACE INTO unsupported_queries"
				  " (binary, command, error_class) VALUES (?, ?, ?)"))
			return -1;
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, "query-machines compat-props");
		store_bind_text(q, 3, bj->compat_class);
		return sqlite3_step(q) == SQLITE_DONE ? 0
						      : store_error(st, "cannot record");
	}
	if (store_prepare(st, &q,
			  "INSERT OR REPLACE INTO compat_props (binary, machine,"
			  " driver, property, value) VALUES (?, ?, ?, ?, ?)"))
		return -1;
	for (size_t i = 0; i < qmp_array_len(ret); i++) {
		json_object *m = json_object_array_get_idx(ret, i);
		json_object *cp = qmp_get(m, "compat-props", json_type_array);

		for (size_t k = 0; k < qmp_array_len(cp); k++) {
			json_object *c = json_object_array_get_idx(cp, k);
			int r;

			sqlite3_bind_int64(q, 1, id);
			store_bind_text(q, 2, qmp_get_string(m, "name"));
			store_bind_text(q, 3, qmp_get_string(c, "qom-type"));
			store_bind_text(q, 4, qmp_get_string(c, "property"));
			store_bind_text(q, 5, qmp_get_string(c, "value"));
			r = sqlite3_step(q);
			sqlite3_reset(q);
			if (r != SQLITE_DONE)
				return store_error(st, "cannot record compat props");
		}
	}
	return 0;
}


static int vmstate_store(struct store *st, long long id,
			 const struct abi_binary_jobs *bj)
{
	auto_stmt *a = NULL;
	auto_stmt *b = NULL;
	char sha[65];

	if (bj->vmstate_failed)
		return -1;
	sha256_hex(bj->vmstate.buf, bj->vmstate.len, sha);
	if (store_prepare(st, &a, "INSERT OR IGNORE INTO vmstates (sha256, json) VALUES (?, ?)") ||
	    store_prepare(st, &b, "UPDATE binaries SET vmstate_sha256 = ? WHERE id = ?"))
		return -1;
	store_bind_text(a, 1, sha);
	sqlite3_bind_text(a, 2, bj->vmstate.buf, (int)bj->vmstate.len, SQLITE_STATIC);
	store_bind_text(b, 1, sha);
	sqlite3_bind_int64(b, 2, id);
	if (sqlite3_step(a) != SQLITE_DONE || sqlite3_step(b) != SQLITE_DONE)
		return store_error(st, "cannot record the vmstate description");
	return 0;
}

/* The definition of the text these fingerprints follow (abi.h). */
static int rev_store(struct store *st, long long id)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "UPDATE binaries SET abi_rev = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_int(q, 1, ABI_REV);
	sqlite3_bind_int64(q, 2, id);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record the ABI text's revision");
	return 0;
}

static int count_distinct(struct store *st, long long id, size_t *distinct)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT count(DISTINCT fingerprint) FROM machine_abi"
			  " WHERE binary = ? AND status = 'ok'"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW)
		*distinct = (size_t)sqlite3_column_int64(q, 0);
	return 0;
}

int abi_record(struct store *st, long long id, const char *binary,
	       const struct abi_outcome *v, size_t n,
	       const struct abi_binary_jobs *bj, size_t *distinct)
{
	if (store_begin(st))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_outcome(st, id, &v[i]))
			goto fail;
	if (compat_store(st, id, binary, bj) || vmstate_store(st, id, bj) ||
	    rev_store(st, id) || store_commit(st))
		goto fail;
	return count_distinct(st, id, distinct);
fail:
	store_rollback(st);
	return -1;
}
