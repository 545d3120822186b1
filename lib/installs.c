/*
 * Rows of the installs, install_patches and builds tables, to and from
 * structs. Writes of an install and its patch list happen in one
 * transaction.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "installs.h"
#include "version.h"
#include "banned.h"

#define INSTALL_COLUMNS                                                    \
	"id, app, version, kind, prefix, binary_path, binary_sha256,"     \
	" source_url, source_sha256, source_flavour, recipe_hash,"        \
	" patchset_hash, configure_args, status, build_seconds, log_path," \
	" installed_at"

void install_release(struct install *in)
{
	free(in->app);
	free(in->version);
	free(in->kind);
	free(in->prefix);
	free(in->binary_path);
	free(in->binary_sha256);
	free(in->source_url);
	free(in->source_sha256);
	free(in->source_flavour);
	free(in->recipe_hash);
	free(in->patchset_hash);
	free(in->configure_args);
	free(in->status);
	free(in->log_path);
	free(in->installed_at);
	for (size_t i = 0; i < in->npatches; i++) {
		free(in->patches[i].name);
		free(in->patches[i].sha256);
	}
	free(in->patches);
	memset(in, 0, sizeof(*in));
}

void installs_free(struct install *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		install_release(&v[i]);
	free(v);
}

static void read_install(sqlite3_stmt *q, struct install *in)
{
	memset(in, 0, sizeof(*in));
	in->id = sqlite3_column_int64(q, 0);
	in->app = store_column_strdup(q, 1);
	in->version = store_column_strdup(q, 2);
	in->kind = store_column_strdup(q, 3);
	in->prefix = store_column_strdup(q, 4);
	in->binary_path = store_column_strdup(q, 5);
	in->binary_sha256 = store_column_strdup(q, 6);
	in->source_url = store_column_strdup(q, 7);
	in->source_sha256 = store_column_strdup(q, 8);
	in->source_flavour = store_column_strdup(q, 9);
	in->recipe_hash = store_column_strdup(q, 10);
	in->patchset_hash = store_column_strdup(q, 11);
	in->configure_args = store_column_strdup(q, 12);
	in->status = store_column_strdup(q, 13);
	in->build_seconds = sqlite3_column_double(q, 14);
	in->log_path = store_column_strdup(q, 15);
	in->installed_at = store_column_strdup(q, 16);
}

static int read_patches(struct store *st, struct install *in)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT name, sha256 FROM install_patches"
			  " WHERE install_id = ? ORDER BY seq"))
		return -1;
	sqlite3_bind_int64(q, 1, in->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ALLOC_GROW(in->patches, in->npatches + 1, alloc);
		in->patches[in->npatches].name = store_column_strdup(q, 0);
		in->patches[in->npatches].sha256 = store_column_strdup(q, 1);
		in->npatches++;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot read install patches");
	return 0;
}

int installs_get(struct store *st, const char *app, const char *version,
		 struct install *out)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT " INSTALL_COLUMNS " FROM installs"
			  " WHERE app = ? AND version = ?"))
		return -1;
	store_bind_text(q, 1, app);
	store_bind_text(q, 2, version);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return store_error(st, "cannot read installs");
	read_install(q, out);
	if (read_patches(st, out)) {
		install_release(out);
		return -1;
	}
	return 0;
}

static int cmp_install(const void *a, const void *b)
{
	const struct install *x = a, *y = b;
	int c = strcmp(x->app, y->app);

	return c ? c : version_strcmp(x->version, y->version);
}

int installs_list(struct store *st, const char *app, struct install **out,
		  size_t *n)
{
	auto_stmt *q = NULL;
	struct install *v = NULL;
	size_t nr = 0, alloc = 0;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT " INSTALL_COLUMNS " FROM installs"
			  " WHERE ?1 IS NULL OR app = ?1"))
		return -1;
	store_bind_text(q, 1, app);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ALLOC_GROW(v, nr + 1, alloc);
		read_install(q, &v[nr++]);
		if (read_patches(st, &v[nr - 1])) {
			installs_free(v, nr);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		installs_free(v, nr);
		return store_error(st, "cannot list installs");
	}
	sort_array(v, nr, sizeof(*v), cmp_install);
	*out = v;
	*n = nr;
	return 0;
}

int installs_put(struct store *st, const struct install *in)
{
	auto_stmt *del = NULL;
	auto_stmt *ins = NULL;
	auto_stmt *pat = NULL;
	long long id;

	if (store_begin(st))
		return -1;
	if (store_prepare(st, &del,
			  "DELETE FROM installs WHERE app = ? AND version = ?") ||
	    store_prepare(st, &ins,
			  "INSERT INTO installs (app, version, kind, prefix,"
			  " binary_path, binary_sha256, source_url,"
			  " source_sha256, source_flavour, recipe_hash,"
			  " patchset_hash, configure_args, status,"
			  " build_seconds, log_path, installed_at)"
			  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
	    store_prepare(st, &pat,
			  "INSERT INTO install_patches"
			  " (install_id, seq, name, sha256) VALUES (?,?,?,?)"))
		goto fail;
	store_bind_text(del, 1, in->app);
	store_bind_text(del, 2, in->version);
	if (sqlite3_step(del) != SQLITE_DONE)
		goto fail_sql;
	store_bind_text(ins, 1, in->app);
	store_bind_text(ins, 2, in->version);
	store_bind_text(ins, 3, in->kind);
	store_bind_text(ins, 4, in->prefix);
	store_bind_text(ins, 5, in->binary_path);
	store_bind_text(ins, 6, in->binary_sha256);
	store_bind_text(ins, 7, in->source_url);
	store_bind_text(ins, 8, in->source_sha256);
	store_bind_text(ins, 9, in->source_flavour);
	store_bind_text(ins, 10, in->recipe_hash);
	store_bind_text(ins, 11, in->patchset_hash);
	store_bind_text(ins, 12, in->configure_args);
	store_bind_text(ins, 13, in->status);
	sqlite3_bind_double(ins, 14, in->build_seconds);
	store_bind_text(ins, 15, in->log_path);
	store_bind_text(ins, 16, in->installed_at);
	if (sqlite3_step(ins) != SQLITE_DONE)
		goto fail_sql;
	id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < in->npatches; i++) {
		sqlite3_reset(pat);
		sqlite3_bind_int64(pat, 1, id);
		sqlite3_bind_int64(pat, 2, (sqlite3_int64)i);
		store_bind_text(pat, 3, in->patches[i].name);
		store_bind_text(pat, 4, in->patches[i].sha256);
		if (sqlite3_step(pat) != SQLITE_DONE)
			goto fail_sql;
	}
	if (store_commit(st))
		goto fail;
	return 0;
fail_sql:
	store_error(st, "cannot record install");
fail:
	store_rollback(st);
	return -1;
}

int installs_delete(struct store *st, const char *app, const char *version)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "DELETE FROM installs WHERE app = ? AND version = ?"))
		return -1;
	store_bind_text(q, 1, app);
	store_bind_text(q, 2, version);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot delete install");
	return sqlite3_changes(st->db) ? 0 : 1;
}

void build_attempt_release(struct build_attempt *b)
{
	free(b->app);
	free(b->version);
	free(b->status);
	free(b->error);
	free(b->log_path);
	free(b->started_at);
	free(b->finished_at);
	memset(b, 0, sizeof(*b));
}

void builds_free(struct build_attempt *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		build_attempt_release(&v[i]);
	free(v);
}

int builds_start(struct store *st, const char *app, const char *version,
		 const char *source_url, const char *source_sha256,
		 const char *recipe_hash, const char *patchset_hash,
		 const char *log_path, long long *id)
{
	auto_stmt *q = NULL;
	char now[32];

	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q,
			  "INSERT INTO builds (app, version, status,"
			  " source_url, source_sha256, recipe_hash,"
			  " patchset_hash, log_path, pid, started_at)"
			  " VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	store_bind_text(q, 1, app);
	store_bind_text(q, 2, version);
	store_bind_text(q, 3, source_url);
	store_bind_text(q, 4, source_sha256);
	store_bind_text(q, 5, recipe_hash);
	store_bind_text(q, 6, patchset_hash);
	store_bind_text(q, 7, log_path);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)getpid());
	store_bind_text(q, 9, now);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record build");
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int builds_finish(struct store *st, long long id, const char *status,
		  const char *err, double seconds)
{
	auto_stmt *q = NULL;
	char now[32];

	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q,
			  "UPDATE builds SET status = ?, error = ?,"
			  " seconds = ?, finished_at = ? WHERE id = ?"))
		return -1;
	store_bind_text(q, 1, status);
	store_bind_text(q, 2, err);
	sqlite3_bind_double(q, 3, seconds);
	store_bind_text(q, 4, now);
	sqlite3_bind_int64(q, 5, id);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record build result");
	return 0;
}

static void read_build(sqlite3_stmt *q, struct build_attempt *b)
{
	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(q, 0);
	b->app = store_column_strdup(q, 1);
	b->version = store_column_strdup(q, 2);
	b->status = store_column_strdup(q, 3);
	b->error = store_column_strdup(q, 4);
	b->log_path = store_column_strdup(q, 5);
	b->pid = (long)sqlite3_column_int64(q, 6);
	b->seconds = sqlite3_column_double(q, 7);
	b->started_at = store_column_strdup(q, 8);
	b->finished_at = store_column_strdup(q, 9);
}

#define BUILD_COLUMNS                                                   \
	"id, app, version, status, error, log_path, pid, seconds,"     \
	" started_at, finished_at"

int builds_latest(struct store *st, const char *app, const char *version,
		  struct build_attempt *out)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT " BUILD_COLUMNS " FROM builds"
			  " WHERE app = ? AND version = ?"
			  " ORDER BY id DESC LIMIT 1"))
		return -1;
	store_bind_text(q, 1, app);
	store_bind_text(q, 2, version);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return store_error(st, "cannot read builds");
	read_build(q, out);
	return 0;
}

int builds_unfinished_or_failed(struct store *st, struct build_attempt **out,
				size_t *n)
{
	auto_stmt *q = NULL;
	struct build_attempt *v = NULL;
	size_t nr = 0, alloc = 0;
	int rc;

	if (store_prepare(st, &q,
			  "SELECT " BUILD_COLUMNS " FROM builds b"
			  " WHERE id = (SELECT max(id) FROM builds c"
			  "   WHERE c.app = b.app AND c.version = b.version)"
			  " AND status IN ('running', 'failed')"
			  " AND NOT EXISTS (SELECT 1 FROM installs i"
			  "   WHERE i.app = b.app AND i.version = b.version)"
			  " ORDER BY app, version"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		ALLOC_GROW(v, nr + 1, alloc);
		read_build(q, &v[nr++]);
	}
	if (rc != SQLITE_DONE) {
		builds_free(v, nr);
		return store_error(st, "cannot list builds");
	}
	*out = v;
	*n = nr;
	return 0;
}
