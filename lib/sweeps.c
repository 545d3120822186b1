/*
 * Sweep rows (see sweeps.h): created or re-opened at the start of a
 * command, closed at its end with how it ended.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "shard.h"
#include "sweeps.h"
#include "banned.h"

/*
 * The sweep this process opened: its shard, and whether it is one a
 * `run` joined (a 'sweep' or 'bisect' that another command owns).
 */
static struct {
	long long id;
	long k, n;
	int joined;
} opened;

/* Marks shard k/n of sweep id running (a new row, or one re-opened). */
static int shard_running(struct store *st, long long id, long k, long n,
			 const char *now)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "INSERT INTO sweep_shards (sweep, k, n, status,"
			  " started_at) VALUES (?, ?, ?, 'running', ?)"
			  " ON CONFLICT (sweep, k, n) DO UPDATE SET status = 'running',"
			  " finished_at = NULL"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, k);
	sqlite3_bind_int64(q, 3, n);
	store_bind_text(q, 4, now);
	return sqlite3_step(q) == SQLITE_DONE ? 0
					      : store_error(st, "cannot record the sweep's shard");
}

int sweep_new_uuid(char *buf)
{
	unsigned char b[16];
	size_t at = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return error_errno("cannot read random bytes for a sweep id");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[at++] = '-';
		buf[at++] = "0123456789abcdef"[b[i] >> 4];
		buf[at++] = "0123456789abcdef"[b[i] & 15];
	}
	buf[at] = '\0';
	return 0;
}

int sweep_uuid_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return 0;
	}
	return i == SWEEP_UUID_LEN;
}

int sweep_open(struct store *st, const char *kind, const char *uuid,
	       const char *shard, int argc, char **argv, long long *id,
	       char *uuid_out)
{
	auto_stmt *q = NULL;
	json_object *cmd = NULL;
	struct shard sh = { 1, 1, NULL };
	char now[32];
	int rc;

	if (shard && shard_parse(shard, &sh))
		return error("'%s' is not a shard (K/N with 1 <= K <= N)", shard);
	now_iso8601(now, sizeof(now));
	memset(&opened, 0, sizeof(opened));
	opened.k = sh.k;
	opened.n = sh.n;
	if (uuid && !sweep_uuid_valid(uuid))
		return error("'%s' is not a sweep id (a uuid such as "
			     "'0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60')", uuid);
	if (uuid) {
		if (store_prepare(st, &q, "SELECT id, kind FROM sweeps WHERE uuid = ?"))
			return -1;
		store_bind_text(q, 1, uuid);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(q, 1);

			/* A run, migrate or corpus joins the sweep or bisect that started it. */
			opened.joined = strcmp(k, kind) &&
					(!strcmp(kind, "run") || !strcmp(kind, "migrate") ||
					 !strcmp(kind, "corpus")) &&
					(!strcmp(k, "sweep") || !strcmp(k, "bisect"));
			if (strcmp(k, kind) && !opened.joined)
				return error("sweep %s is a '%s', not a '%s'", uuid, k,
					     kind);
			*id = opened.id = sqlite3_column_int64(q, 0);
			memmove(uuid_out, uuid, SWEEP_UUID_LEN + 1);
			sqlite3_finalize(q);
			q = NULL;
			if (opened.joined)
				return 0;
			if (shard_running(st, *id, sh.k, sh.n, now))
				return -1;
			if (store_prepare(st, &q, "UPDATE sweeps SET status = 'running',"
					  " finished_at = NULL WHERE id = ?"))
				return -1;
			sqlite3_bind_int64(q, 1, *id);
			return sqlite3_step(q) == SQLITE_DONE
				       ? 0
				       : store_error(st, "cannot reopen the sweep");
		}
		if (rc != SQLITE_DONE)
			return store_error(st, "cannot look up the sweep");
		sqlite3_finalize(q);
		q = NULL;
		memmove(uuid_out, uuid, SWEEP_UUID_LEN + 1);
	} else if (sweep_new_uuid(uuid_out))
		return -1;
	cmd = json_object_new_array();
	for (int i = 0; i < argc; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	rc = store_prepare(st, &q, "INSERT INTO sweeps (uuid, kind, command, shard,"
			   " status, started_at) VALUES (?, ?, ?, ?, 'running', ?)");
	if (!rc) {
		store_bind_text(q, 1, uuid_out);
		store_bind_text(q, 2, kind);
		store_bind_text(q, 3, json_object_to_json_string_ext(
				cmd, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		store_bind_text(q, 4, shard);
		store_bind_text(q, 5, now);
		rc = sqlite3_step(q) == SQLITE_DONE ? 0
						    : store_error(st, "cannot record the sweep");
	}
	json_object_put(cmd);
	if (rc)
		return rc;
	*id = opened.id = sqlite3_last_insert_rowid(st->db);
	return shard_running(st, *id, sh.k, sh.n, now);
}

int sweep_close(struct store *st, long long id, const char *status)
{
	auto_stmt *q = NULL;
	char now[32];

	if (opened.id == id && opened.joined)
		return 0;
	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q, "UPDATE sweeps SET status = ?, finished_at = ?"
			  " WHERE id = ?"))
		return -1;
	store_bind_text(q, 1, status);
	store_bind_text(q, 2, now);
	sqlite3_bind_int64(q, 3, id);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot close the sweep");
	sqlite3_finalize(q);
	q = NULL;
	if (opened.id != id)
		return 0;
	if (store_prepare(st, &q, "UPDATE sweep_shards SET status = ?, finished_at = ?"
			  " WHERE sweep = ? AND k = ? AND n = ?"))
		return -1;
	store_bind_text(q, 1, status);
	store_bind_text(q, 2, now);
	sqlite3_bind_int64(q, 3, id);
	sqlite3_bind_int64(q, 4, opened.k);
	sqlite3_bind_int64(q, 5, opened.n);
	return sqlite3_step(q) == SQLITE_DONE
		       ? 0
		       : store_error(st, "cannot close the sweep's shard");
}
