/*
 * Finding and reading a QEMU binary's probe record (binaries.h). A
 * file's sha256 is remembered in binary_paths with its size, mtime and
 * inode, so that a lookup of an unchanged binary costs one query instead
 * of reading 75 MB. The record's readers (its row, its accelerators, the
 * installs with their records) are here so that no other module needs
 * to know the binaries table's columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "binaries.h"
#include "sha256.h"
#include "banned.h"

int binary_sha256_remembered(struct store *st, const char *path, char out[65],
			     struct binary_path_key *k)
{
	auto_stmt *q = NULL;
	struct stat s;

	if (stat(path, &s))
		return error_errno("cannot probe '%s'", path);
	k->size = (long long)s.st_size;
	k->mtime_ns = (long long)s.st_mtim.tv_sec * 1000000000LL + s.st_mtim.tv_nsec;
	k->inode = (long long)s.st_ino;
	if (store_prepare(st, &q,
			  "SELECT sha256 FROM binary_paths WHERE path = ?"
			  " AND size = ? AND mtime_ns = ? AND inode = ?"))
		return -1;
	store_bind_text(q, 1, path);
	sqlite3_bind_int64(q, 2, k->size);
	sqlite3_bind_int64(q, 3, k->mtime_ns);
	sqlite3_bind_int64(q, 4, k->inode);
	if (sqlite3_step(q) != SQLITE_ROW)
		return 0;
	snprintf(out, 65, "%s", (const char *)sqlite3_column_text(q, 0));
	return 1;
}

int binary_sha256_remember(struct store *st, const char *path, char out[65],
			   const struct binary_path_key *k)
{
	auto_stmt *up = NULL;
	char now[32];

	if (sha256_file(path, out))
		return -1;
	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &up,
			  "INSERT OR REPLACE INTO binary_paths (path, sha256,"
			  " size, mtime_ns, inode, seen_at)"
			  " VALUES (?, ?, ?, ?, ?, ?)"))
		return -1;
	store_bind_text(up, 1, path);
	store_bind_text(up, 2, out);
	sqlite3_bind_int64(up, 3, k->size);
	sqlite3_bind_int64(up, 4, k->mtime_ns);
	sqlite3_bind_int64(up, 5, k->inode);
	store_bind_text(up, 6, now);
	if (sqlite3_step(up) != SQLITE_DONE)
		return store_error(st, "cannot record binary path");
	return 0;
}

int binary_sha256(struct store *st, const char *path, char out[65])
{
	struct binary_path_key k = { 0 };
	int r = binary_sha256_remembered(st, path, out, &k);

	return r < 0 ? -1 : r ? 0 : binary_sha256_remember(st, path, out, &k);
}

int binary_complete_id(struct store *st, const char *sha256, long long *id)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT id FROM binaries WHERE sha256 = ?"
			  " AND status = 'complete'"))
		return -1;
	store_bind_text(q, 1, sha256);
	if (sqlite3_step(q) != SQLITE_ROW)
		return 0;
	*id = sqlite3_column_int64(q, 0);
	return 1;
}

int binary_find(struct store *st, const char *path, long long *id)
{
	char sha[65];
	int r;

	if (binary_sha256(st, path, sha))
		return -1;
	r = binary_complete_id(st, sha, id);
	return r < 0 ? -1 : r ? 0 : 1;
}

static const char *const status_names[] = {
	[BINARY_COMPLETE] = "complete",
	[BINARY_FAILED] = "failed",
};

static int status_parse(const char *s, enum binary_status *out)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum binary_status)i;
			return 0;
		}
	return -1;
}

int binary_get(struct store *st, long long id, struct binary_record *out)
{
	auto_stmt *q = NULL;
	const char *status;

	memset(out, 0, sizeof(*out));
	if (store_prepare(st, &q,
			  "SELECT sha256, version, package, target, schema_sha256,"
			  " status, error, probed_at, probe_seconds, vmstate_sha256,"
			  " abi_seconds IS NOT NULL, abi_seconds,"
			  " coalesce(abi_rev, 1)"
			  " FROM binaries WHERE id = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		return 1;
	default:
		return store_error(st, "cannot read a probe record");
	}
	status = (const char *)sqlite3_column_text(q, 5);
	if (status_parse(status, &out->status))
		return error("probe record %lld has the unknown status '%s'", id,
			     status ? status : "");
	out->id = id;
	snprintf(out->sha256, sizeof(out->sha256), "%s",
		 (const char *)sqlite3_column_text(q, 0));
	out->version = store_column_strdup(q, 1);
	out->package = store_column_strdup(q, 2);
	out->target = store_column_strdup(q, 3);
	out->schema_sha256 = store_column_strdup(q, 4);
	out->error = store_column_strdup(q, 6);
	out->probed_at = store_column_strdup(q, 7);
	out->probe_seconds = sqlite3_column_double(q, 8);
	out->vmstate_sha256 = store_column_strdup(q, 9);
	out->abi_complete = sqlite3_column_int(q, 10);
	out->abi_seconds = sqlite3_column_double(q, 11);
	out->abi_rev = sqlite3_column_int(q, 12);
	return 0;
}

void binary_record_release(struct binary_record *b)
{
	free(b->version);
	free(b->package);
	free(b->target);
	free(b->schema_sha256);
	free(b->error);
	free(b->probed_at);
	free(b->vmstate_sha256);
	memset(b, 0, sizeof(*b));
}

int binary_accel_usable(struct store *st, long long id, const char *name)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT usable FROM accelerators WHERE binary = ?"
			  " AND name = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, name);
	return sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
}

int binary_qemu_installs(struct store *st, struct binary_install **out,
			 size_t *n)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, &q,
			  "SELECT i.version, i.binary_path, b.id, b.version"
			  " FROM installs i LEFT JOIN binaries b"
			  "   ON b.sha256 = i.binary_sha256 AND b.status = 'complete'"
			  " WHERE i.app = 'qemu'"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct binary_install *v;

		ALLOC_GROW(*out, *n + 1, alloc);
		v = &(*out)[(*n)++];
		v->install = store_column_strdup(q, 0);
		v->binary_path = store_column_strdup(q, 1);
		v->binary = sqlite3_column_int64(q, 2);
		v->version = store_column_strdup(q, 3);
	}
	if (rc != SQLITE_DONE) {
		binary_installs_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_error(st, "cannot read the QEMU installs");
	}
	return 0;
}

void binary_installs_free(struct binary_install *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].install);
		free(v[i].binary_path);
		free(v[i].version);
	}
	free(v);
}
