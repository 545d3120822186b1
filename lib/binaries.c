/*
 * Finding a QEMU binary's probe record by its content (binaries.h). A
 * file's sha256 is remembered in binary_paths with its size, mtime and
 * inode, so that a lookup of an unchanged binary costs one query instead
 * of reading 75 MB.
 */
#include <stdio.h>
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
