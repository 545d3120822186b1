/*
 * `virt-matrix merge OUT.db IN.db...`: the stores of the shards of a
 * sweep (or of any machines) into one. Every table of the schema is
 * listed in tables[] with how its rows are known across stores: by
 * content (qmp_schemas, abi_texts, vmstates, guest_items), by a natural key whose row
 * id is renumbered (binaries by sha256, installs by app and version,
 * propsets by sha256, sweeps and runs by uuid, builds by app, version,
 * start and pid), or by their parent's key after renumbering (everything
 * keyed by a binary, a propset, an install or a sweep). A row already
 * in OUT is not copied again, so merging the same store twice adds
 * nothing. The shards of one sweep become one sweep row whose status is
 * finished only when every shard 1..N is there and finished.
 *
 * Everything happens in one transaction on OUT: a failure leaves OUT as
 * it was (or absent, when merge created it). The inputs are read only
 * (opened once first, which migrates an older schema as any command
 * would). A table in an input that merge does not know is an error, so
 * that a new table cannot be dropped silently.
 *
 * SQLite attaches at most SQLITE_LIMIT_ATTACHED stores to one connection
 * (10 as Debian builds it) and cannot detach one inside a transaction.
 * More inputs than that (the 64 shards of a large lab) are merged in
 * groups of up to that many, in order (the first install of a name still
 * wins). When OUT is new, the groups go one transaction each into a
 * private store in a temporary directory beside OUT, renamed to OUT once
 * all are in: OUT appears whole or not at all. When OUT exists, each
 * group goes into such a private store of its own, and those into OUT
 * in its one transaction. The temporary stores go in any case, also on
 * SIGINT or SIGTERM (a statement under way is interrupted); their
 * directory is named after this process (lib/owned_tmp.c), so that the next
 * merge removes what a merge killed outright left behind. A private store
 * keeps no journal and is not synced until it is whole: on any failure it
 * is thrown away, never rolled back.
 *
 * Probe records are merged by their keys: a binary's machine types, say,
 * are the union of what every store has for that sha256, the first store
 * winning a key two have. The 64 shards of a large lab carry 64 copies of
 * every binary's records; checking each copy row by row against OUT is
 * most of the work. So the rows of one binary in one table (one propset
 * in propset_props) are also digested, as they would be inserted, and a
 * store whose rows there digest to rows already merged for that binary
 * adds nothing: they are passed over. Rows that differ in anything go
 * through the row-by-row merge as before.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"
#include "merge.h"
#include "owned_tmp.h"
#include "command.h"
#include "fs.h"
#include "sha256.h"
#include "store.h"
#include "strbuf.h"
#include "banned.h"

/* How the rows of one table are known across stores. */
struct mtable {
	const char *name;
	/* Natural key columns of a table whose `id` is renumbered, or NULL. */
	const char *key[4];
	/* Columns holding ids of other renumbered tables: "column=table". */
	const char *remap[3];
	/* Copy only rows whose parent (column=table) is new to OUT. */
	const char *fresh_parent;
	/*
	 * A table known by content: its primary key column, the hash of the
	 * rest. Rows OUT has are passed over by key, without reading their
	 * (large) contents.
	 */
	const char *content_key;
	/*
	 * A renumbered column ("column=table") whose rows are digested a
	 * value at a time: a value's rows that digest as rows already merged
	 * for its new id are passed over.
	 */
	const char *group;
};

#define BY_BINARY NULL, NULL, "binary=binaries"

/* In dependency order: a table's parents come before it. */
static const struct mtable tables[] = {
	{ "qmp_schemas", { NULL }, { NULL }, NULL, "sha256", NULL },
	{ "vmstates", { NULL }, { NULL }, NULL, "sha256", NULL },
	{ "abi_texts", { NULL }, { NULL }, NULL, "sha256", NULL },
	{ "guest_items", { NULL }, { NULL }, NULL, "sha256", NULL },
	{ "propsets", { "sha256" }, { NULL }, NULL, NULL, NULL },
	{ "propset_props", { NULL }, { "propset=propsets" }, NULL, NULL,
	  "propset=propsets" },
	{ "binaries", { "sha256" }, { NULL }, NULL, NULL, NULL },
	{ "binary_paths", { NULL }, { NULL }, NULL, NULL, NULL },
	{ "accelerators", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "machine_types", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "cpu_models", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "qom_types", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "devices", { NULL }, { "binary=binaries", "propset=propsets" }, BY_BINARY },
	{ "device_failures", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "qmp_commands", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "cmdline_options", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "unsupported_queries", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "machine_abi", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "machine_guest", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "machine_guest_items", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "compat_props", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "domcaps", { NULL }, { "binary=binaries" }, BY_BINARY },
	{ "installs", { "app", "version" }, { NULL }, NULL, NULL, NULL },
	/* Patches belong to the install row that won. */
	{ "install_patches", { NULL }, { "install_id=installs" }, "install_id=installs",
	  NULL, NULL },
	{ "builds", { "app", "version", "started_at", "pid" }, { NULL }, NULL, NULL, NULL },
	{ "sweeps", { "uuid" }, { NULL }, NULL, NULL, NULL },
	{ "sweep_shards", { NULL }, { "sweep=sweeps" }, NULL, NULL, NULL },
	{ "runs", { "uuid" }, { "sweep=sweeps" }, NULL, NULL, NULL },
	{ "migrations", { "uuid" }, { "sweep=sweeps" }, NULL, NULL, NULL },
	{ "corpus_domains", { "corpus", "origin", "name" }, { NULL }, NULL, NULL, NULL },
	/* Keyed by (corpus, origin), no id: the first store's row wins. */
	{ "corpus_origins", { NULL }, { NULL }, NULL, NULL, NULL },
	/* A domain's golden files come with the domain row that won. */
	{ "corpus_golden", { NULL }, { "domain=corpus_domains" },
	  "domain=corpus_domains", NULL, NULL },
	{ "corpus_runs", { "uuid" }, { "sweep=sweeps", "domain=corpus_domains" },
	  NULL, NULL, NULL },
};

static const char usage[] =
	"usage: virt-matrix merge OUT.db IN.db...\n"
	"\n"
	"Merges stores (the shards of a sweep, or the stores of several machines)\n"
	"into OUT.db, which is created when it does not exist. Every table is\n"
	"merged: installs, builds, probe records (renumbered by the binary's\n"
	"sha256), ABI texts and schemas (by content), sweeps, runs, migrations\n"
	"and corpus runs (by uuid), corpus domains (by corpus, origin and name)\n"
	"and what each corpus origin says of its golden files (by corpus, origin).\n"
	"A row OUT.db already has is not copied again, so merging a store twice\n"
	"changes nothing. The shards of one sweep become one sweep, finished\n"
	"only when every shard 1..N is merged and finished. An install of the\n"
	"same app and version in two stores keeps the first one (a warning names\n"
	"a different binary). One transaction: on failure OUT.db is unchanged.\n"
	"More stores than SQLite attaches at once (10) are merged in groups\n"
	"through temporary stores beside OUT.db first. SIGINT or SIGTERM stops\n"
	"the merge with OUT.db as it was (exit status 130); the temporary\n"
	"directory a merge killed outright left is removed by the next merge.\n";

static int known_table(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].name, name))
			return 1;
	return 0;
}

/* Every table of the input must be one merge knows (path: for messages). */
static int check_tables(struct store *st, const char *alias, const char *path)
{
	struct strbuf sql = STRBUF_INIT;
	auto_stmt *q = NULL;
	int rc, ret = 0;

	sb_printf(&sql, "SELECT name FROM %s.sqlite_master WHERE type = 'table'"
		  " AND name NOT LIKE 'sqlite_%%' ORDER BY name", alias);
	rc = store_prepare(st, &q, sql.buf);
	strbuf_release(&sql);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);

		if (!known_table(t))
			ret = error("'%s' has a table merge does not know: '%s'",
				    path, t);
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot list the input's tables");
	return ret;
}

/* The columns of table in OUT (main), except `id` when skip_id. */
static int columns(struct store *st, const char *table, int skip_id,
		   struct strvec *out)
{
	struct strbuf sql = STRBUF_INIT;
	auto_stmt *q = NULL;
	int rc;

	sb_printf(&sql, "SELECT name FROM pragma_table_info('%s', 'main') ORDER BY cid",
		  table);
	rc = store_prepare(st, &q, sql.buf);
	strbuf_release(&sql);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(q, 0);

		if (!skip_id || strcmp(c, "id"))
			strvec_push(out, c);
	}
	if (rc != SQLITE_DONE || !out->nr)
		return store_error(st, "cannot read the columns of a table");
	return 0;
}

/* The remap target of column c in t ("binaries"), or NULL. */
static const char *remap_of(const struct mtable *t, const char *c, char *buf,
			    size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(t->remap) && t->remap[i]; i++) {
		const char *eq = strchr(t->remap[i], '=');

		if ((size_t)(eq - t->remap[i]) == strlen(c) &&
		    !strncmp(t->remap[i], c, strlen(c))) {
			snprintf(buf, size, "%s", eq + 1);
			return buf;
		}
	}
	return NULL;
}

/* "m.a IS s.a AND m.b IS s.b" for the key of t. */
static void key_match(const struct mtable *t, struct strbuf *sql)
{
	for (size_t i = 0; i < ARRAY_SIZE(t->key) && t->key[i]; i++)
		sb_printf(sql, "%sm.%s IS s.%s", i ? " AND " : "", t->key[i],
			  t->key[i]);
}

/*
 * vm_merge_digest(v, ...): an aggregate, the SHA-256 of the rows it is
 * given, each value with its type and length, so that two sequences of
 * rows digest alike only when they are the same values in the same
 * order. A 32-byte blob.
 */
struct digest {
	int started;
	size_t fill;
	struct sha256 c;
	unsigned char buf[4096];
};

static void digest_add(struct digest *d, const void *data, size_t len)
{
	if (d->fill + len > sizeof(d->buf)) {
		sha256_update(&d->c, d->buf, d->fill);
		d->fill = 0;
	}
	if (len > sizeof(d->buf)) {
		sha256_update(&d->c, data, len);
		return;
	}
	memcpy(d->buf + d->fill, data, len);
	d->fill += len;
}

/* A value's type and a 64-bit number (the value, or a length), big-endian. */
static void digest_u64(struct digest *d, int type, uint64_t v)
{
	unsigned char *b;

	if (d->fill + 9 > sizeof(d->buf)) {
		sha256_update(&d->c, d->buf, d->fill);
		d->fill = 0;
	}
	b = d->buf + d->fill;
	b[0] = (unsigned char)type;
	for (int i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
	d->fill += 9;
}

static void digest_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct digest *d = sqlite3_aggregate_context(ctx, sizeof(*d));

	if (!d) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!d->started) {
		sha256_init(&d->c);
		d->started = 1;
	}
	for (int i = 0; i < argc; i++) {
		int type = sqlite3_value_type(argv[i]);
		const void *p = NULL;
		double f;
		uint64_t u;

		switch (type) {
		case SQLITE_INTEGER:
			digest_u64(d, type, (uint64_t)sqlite3_value_int64(argv[i]));
			break;
		case SQLITE_FLOAT:
			f = sqlite3_value_double(argv[i]);
			memcpy(&u, &f, sizeof(u));
			digest_u64(d, type, u);
			break;
		case SQLITE_TEXT:
		case SQLITE_BLOB:
			p = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(argv[i])
						: sqlite3_value_blob(argv[i]);
			u = (uint64_t)sqlite3_value_bytes(argv[i]);
			digest_u64(d, type, u);
			if (u)
				digest_add(d, p, (size_t)u);
			break;
		default:
			digest_u64(d, type, 0);
		}
	}
}

static void digest_final(sqlite3_context *ctx)
{
	struct digest *d = sqlite3_aggregate_context(ctx, 0);
	uint8_t out[32];

	if (!d || !d->started) {
		sqlite3_result_null(ctx);
		return;
	}
	sha256_update(&d->c, d->buf, d->fill);
	sha256_final(&d->c, out);
	sqlite3_result_blob(ctx, out, sizeof(out), SQLITE_TRANSIENT);
}

static int run_sql(struct store *st, struct strbuf *sql)
{
	int rc = store_exec(st, sql->buf);

	strbuf_reset(sql);
	return rc;
}

/*
 * The rows of t (which has a group) from input alias into main, INSERT
 * OR IGNORE as any table of probe records, except the rows of a group
 * value whose digest (of the rows as they would be inserted: sel less
 * the group column, in the order of t's key) is one temp.merge_digests
 * has for the same table and new id. Such rows add nothing: the rows
 * with that digest were offered to main before, and what main held then
 * it still holds (merge removes nothing), so each of them would be
 * ignored again. The digests of the values offered are kept.
 */
static int merge_grouped(struct store *st, const char *alias, const struct mtable *t,
			 const struct strvec *cols, const struct strbuf *sel)
{
	struct strbuf sql = STRBUF_INIT, dig = STRBUF_INIT;
	const char *eq = strchr(t->group, '=');
	int glen = (int)(eq - t->group), n = 0, ret;

	/* sel's expressions, one per column, less the group column's. */
	for (size_t i = 0; i < cols->nr; i++) {
		char target[64];

		if (!strncmp(cols->v[i], t->group, (size_t)glen) && !cols->v[i][glen])
			continue;
		if (remap_of(t, cols->v[i], target, sizeof(target)))
			sb_printf(&dig, "%s(SELECT new FROM temp.map_%s WHERE old = s.%s)",
				  n++ ? ", " : "", target, cols->v[i]);
		else
			sb_printf(&dig, "%ss.%s", n++ ? ", " : "", cols->v[i]);
	}
	sb_printf(&sql, "DROP TABLE IF EXISTS temp.merge_in;"
		  "CREATE TEMP TABLE merge_in (old INTEGER PRIMARY KEY, new INTEGER,"
		  " digest BLOB, seen INTEGER NOT NULL DEFAULT 0);"
		  "INSERT INTO temp.merge_in (old, new, digest) SELECT s.%.*s,"
		  " (SELECT new FROM temp.map_%s WHERE old = s.%.*s), vm_merge_digest(%s)"
		  " FROM %s.%s s WHERE s.%.*s IS NOT NULL GROUP BY s.%.*s;"
		  "UPDATE temp.merge_in SET seen = 1 WHERE EXISTS (SELECT 1 FROM"
		  " temp.merge_digests k WHERE k.tbl = '%s' AND k.grp = merge_in.new"
		  " AND k.digest = merge_in.digest);"
		  "INSERT OR IGNORE INTO main.%s (",
		  glen, t->group, eq + 1, glen, t->group, dig.buf, alias, t->name, glen,
		  t->group, glen, t->group, t->name, t->name);
	for (size_t i = 0; i < cols->nr; i++)
		sb_printf(&sql, "%s%s", i ? ", " : "", cols->v[i]);
	sb_printf(&sql, ") SELECT %s FROM %s.%s s WHERE s.%.*s IS NULL OR s.%.*s IN"
		  " (SELECT old FROM temp.merge_in WHERE NOT seen);"
		  "INSERT OR IGNORE INTO temp.merge_digests (tbl, grp, digest)"
		  " SELECT '%s', new, digest FROM temp.merge_in"
		  " WHERE new IS NOT NULL AND NOT seen;",
		  sel->buf, alias, t->name, glen, t->group, glen, t->group, t->name);
	strbuf_release(&dig);
	ret = run_sql(st, &sql);
	strbuf_release(&sql);
	return ret;
}

/*
 * Copies the rows of t from input alias into main (passing over a
 * group's rows already merged, with skip). For a renumbered table,
 * temp.map_<t> afterwards maps every input id to OUT's id, with fresh = 1
 * for rows this merge added.
 */
static int merge_table(struct store *st, const char *alias, const struct mtable *t,
		       int skip)
{
	struct strvec cols = STRVEC_INIT;
	struct strbuf sql = STRBUF_INIT, sel = STRBUF_INIT;
	int ret = -1;

	if (columns(st, t->name, t->key[0] != NULL, &cols))
		goto out;
	for (size_t i = 0; i < cols.nr; i++) {
		char target[64];

		if (remap_of(t, cols.v[i], target, sizeof(target)))
			sb_printf(&sel, "%s(SELECT new FROM temp.map_%s WHERE old = s.%s)",
				  i ? ", " : "", target, cols.v[i]);
		else
			sb_printf(&sel, "%ss.%s", i ? ", " : "", cols.v[i]);
	}
	if (t->key[0]) {
		sb_printf(&sql, "DROP TABLE IF EXISTS temp.map_%s;"
			  "CREATE TEMP TABLE map_%s (old INTEGER PRIMARY KEY, new INTEGER,"
			  " fresh INTEGER NOT NULL DEFAULT 0);"
			  "INSERT INTO temp.map_%s (old, new) SELECT s.id,"
			  " (SELECT m.id FROM main.%s m WHERE ",
			  t->name, t->name, t->name, t->name);
		key_match(t, &sql);
		sb_printf(&sql, " LIMIT 1) FROM %s.%s s;"
			  "UPDATE temp.map_%s SET fresh = 1 WHERE new IS NULL;",
			  alias, t->name, t->name);
		if (run_sql(st, &sql))
			goto out;
		sb_printf(&sql, "INSERT INTO main.%s (", t->name);
		for (size_t i = 0; i < cols.nr; i++)
			sb_printf(&sql, "%s%s", i ? ", " : "", cols.v[i]);
		/* One row per key even if the input repeats a key. */
		sb_printf(&sql, ") SELECT %s FROM %s.%s s WHERE s.id IN (SELECT"
			  " min(x.id) FROM %s.%s x JOIN temp.map_%s f ON f.old = x.id"
			  " WHERE f.fresh GROUP BY ",
			  sel.buf, alias, t->name, alias, t->name, t->name);
		for (size_t i = 0; i < ARRAY_SIZE(t->key) && t->key[i]; i++)
			sb_printf(&sql, "%sx.%s", i ? ", " : "", t->key[i]);
		sb_printf(&sql, ") ORDER BY s.id;"
			  "UPDATE temp.map_%s SET new = (SELECT m.id FROM main.%s m"
			  " JOIN %s.%s s ON ",
			  t->name, t->name, alias, t->name);
		key_match(t, &sql);
		sb_printf(&sql, " WHERE s.id = temp.map_%s.old LIMIT 1) WHERE fresh;",
			  t->name);
		ret = run_sql(st, &sql);
		goto out;
	}
	if (t->group && skip) {
		ret = merge_grouped(st, alias, t, &cols, &sel);
		goto out;
	}
	sb_printf(&sql, "INSERT OR IGNORE INTO main.%s (", t->name);
	for (size_t i = 0; i < cols.nr; i++)
		sb_printf(&sql, "%s%s", i ? ", " : "", cols.v[i]);
	sb_printf(&sql, ") SELECT %s FROM %s.%s s", sel.buf, alias, t->name);
	if (t->fresh_parent) {
		const char *eq = strchr(t->fresh_parent, '=');

		sb_printf(&sql, " WHERE s.%.*s IN (SELECT old FROM temp.map_%s WHERE fresh)",
			  (int)(eq - t->fresh_parent), t->fresh_parent, eq + 1);
	}
	if (t->content_key)
		sb_printf(&sql, " WHERE s.%s NOT IN (SELECT %s FROM main.%s)", t->content_key,
			  t->content_key, t->name);
	if (!strcmp(t->name, "sweep_shards"))
		/* The same shard in two stores: the more final state wins. */
		sb_puts(&sql, " WHERE true ON CONFLICT (sweep, k, n) DO UPDATE SET"
			      " status = excluded.status, started_at = excluded.started_at,"
			      " finished_at = excluded.finished_at WHERE"
			      " (CASE excluded.status WHEN 'finished' THEN 2"
			      "  WHEN 'interrupted' THEN 1 ELSE 0 END) >"
			      " (CASE status WHEN 'finished' THEN 2"
			      "  WHEN 'interrupted' THEN 1 ELSE 0 END)");
	ret = run_sql(st, &sql);
out:
	strbuf_release(&sql);
	strbuf_release(&sel);
	strvec_clear(&cols);
	return ret;
}

/*
 * A sweep's state from its shards: finished when shards 1..N are all
 * there and finished, interrupted when one was interrupted, otherwise
 * running; shard "K,K.../N" lists what is merged.
 */
static const char recompute_sql[] =
	"UPDATE main.sweeps SET"
	" status = CASE"
	"  WHEN NOT EXISTS (SELECT 1 FROM main.sweep_shards x WHERE x.sweep = sweeps.id"
	"                   AND x.status <> 'finished')"
	"   AND (SELECT count(DISTINCT k) FROM main.sweep_shards x WHERE x.sweep = sweeps.id)"
	"     = (SELECT max(n) FROM main.sweep_shards x WHERE x.sweep = sweeps.id)"
	"  THEN 'finished'"
	"  WHEN EXISTS (SELECT 1 FROM main.sweep_shards x WHERE x.sweep = sweeps.id"
	"               AND x.status = 'interrupted') THEN 'interrupted'"
	"  ELSE 'running' END,"
	" shard = CASE WHEN (SELECT max(n) FROM main.sweep_shards x WHERE x.sweep = sweeps.id) > 1"
	"  THEN (SELECT group_concat(k, ',') FROM (SELECT DISTINCT k FROM main.sweep_shards x"
	"        WHERE x.sweep = sweeps.id ORDER BY k))"
	"       || '/' || (SELECT max(n) FROM main.sweep_shards x WHERE x.sweep = sweeps.id)"
	"  ELSE NULL END,"
	" started_at = (SELECT min(started_at) FROM main.sweep_shards x WHERE x.sweep = sweeps.id)"
	" WHERE id IN (SELECT new FROM temp.map_sweeps)"
	"  AND EXISTS (SELECT 1 FROM main.sweep_shards x WHERE x.sweep = sweeps.id);"
	"UPDATE main.sweeps SET finished_at = CASE WHEN status = 'finished' THEN"
	"  (SELECT max(finished_at) FROM main.sweep_shards x WHERE x.sweep = sweeps.id)"
	"  ELSE NULL END WHERE id IN (SELECT new FROM temp.map_sweeps);";

/* Installs of the same name but another binary: the first store's stays. */
static int warn_install_conflicts(struct store *st, const char *alias,
				  const char *path)
{
	struct strbuf sql = STRBUF_INIT;
	auto_stmt *q = NULL;
	int rc;

	sb_printf(&sql, "SELECT s.app, s.version FROM %s.installs s JOIN main.installs m"
		  " ON m.app = s.app AND m.version = s.version"
		  " WHERE m.binary_sha256 IS NOT s.binary_sha256", alias);
	rc = store_prepare(st, &q, sql.buf);
	strbuf_release(&sql);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		warning("'%s' has another build of %s %s than the merged store; "
			"keeping the one merged first",
			path, sqlite3_column_text(q, 0), sqlite3_column_text(q, 1));
	return rc == SQLITE_DONE ? 0 : store_error(st, "cannot compare installs");
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Counts for the summary: rows of OUT's runs, sweeps, binaries, installs. */
static void print_counts(struct store *st, const char *path)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "SELECT (SELECT count(*) FROM runs),"
			  " (SELECT count(*) FROM sweeps), (SELECT count(*) FROM binaries),"
			  " (SELECT count(*) FROM installs)") ||
	    sqlite3_step(q) != SQLITE_ROW)
		return;
	printf("merged into %s: %lld runs, %lld sweeps, %lld probed binaries, "
	       "%lld installs\n",
	       path, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
	       sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3));
}

/*
 * The inputs exist, none is out, and each opens (which brings an older
 * schema up to date, as any command would). -1 after reporting.
 */
static int check_inputs(const char *out, int existed, const char *const *in, size_t nin)
{
	for (size_t i = 0; i < nin; i++) {
		struct store s;

		if (!path_exists(in[i]))
			return error("no store '%s'", in[i]);
		if (existed && same_file(out, in[i]))
			return error("'%s' is the output store; it cannot also be an input",
				     in[i]);
		if (store_open(&s, in[i]))
			return -1;
		store_close(&s);
	}
	return 0;
}

/*
 * in[] attached to st as in0, in1... (at most SQLITE_LIMIT_ATTACHED of
 * them: merge_tree's groups); *attached counts them; label[i] names in[i]
 * in messages. -1 after reporting.
 */
static int attach_inputs(struct store *st, const char *const *in,
			 const char *const *label, size_t nin, size_t *attached)
{
	for (; *attached < nin; (*attached)++) {
		char alias[32];
		auto_stmt *q = NULL;

		snprintf(alias, sizeof(alias), "in%zu", *attached);
		if (store_prepare(st, &q, "ATTACH DATABASE ? AS ?"))
			return -1;
		store_bind_text(q, 1, in[*attached]);
		store_bind_text(q, 2, alias);
		if (sqlite3_step(q) != SQLITE_DONE)
			return error("cannot open '%s' to merge: %s", label[*attached],
				     sqlite3_errmsg(st->db));
		if (check_tables(st, alias, label[*attached]))
			return -1;
	}
	return 0;
}

/* How a merge goes: inputs attached at once, and MERGE_NO_SKIP or not. */
struct mrun {
	size_t limit;
	unsigned flags;
};

/* Every table of input i (attached, from path) into st. -1 after reporting. */
static int merge_input(struct store *st, size_t i, const char *path,
		       const struct mrun *r)
{
	char alias[32];

	snprintf(alias, sizeof(alias), "in%zu", i);
	if (warn_install_conflicts(st, alias, path))
		return -1;
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		if (merge_table(st, alias, &tables[t], !(r->flags & MERGE_NO_SKIP)))
			return error("cannot merge table '%s' of '%s'", tables[t].name, path);
	return store_exec(st, recompute_sql);
}

/* The attached inputs into st in one transaction. -1 after reporting, rolled back. */
static int merge_inputs(struct store *st, const char *const *in, size_t nin,
			const struct mrun *r)
{
	if (store_begin(st))
		return -1;
	for (size_t i = 0; i < nin; i++)
		if (merge_input(st, i, in[i], r)) {
			store_rollback(st);
			return -1;
		}
	/* Foreign keys are on: a row whose parent is missing failed above. */
	if (vm_interrupted || store_commit(st)) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static void detach_inputs(struct store *st, size_t attached)
{
	for (size_t i = 0; i < attached; i++) {
		char sql[48];

		snprintf(sql, sizeof(sql), "DETACH DATABASE in%zu", i);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
}

/* Nothing half-written: a store merge created (and its WAL files) goes again. */
static void remove_store(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		struct strbuf p = STRBUF_INIT;

		sb_printf(&p, "%s%s", path, suffix[i]);
		if (unlink(p.buf) && errno != ENOENT)
			warning("cannot remove '%s': %s", p.buf, strerror(errno));
		strbuf_release(&p);
	}
}

/* SIGINT or SIGTERM: the statement under way stops (SQLITE_INTERRUPT). */
static int stop_on_signal(void *unused)
{
	(void)unused;
	return vm_interrupted != 0;
}

/*
 * Opens the store path for merging into: interruptible, the digest
 * aggregate and the table of digests merged, inputs read through mmap.
 * A private store (priv: in merge's temporary directory, thrown away on
 * failure) keeps no journal and is not synced. -1 after reporting, st
 * closed.
 */
static int merge_open(struct store *st, const char *path, int priv)
{
	if (store_open(st, path))
		return -1;
	sqlite3_progress_handler(st->db, 10000, stop_on_signal, NULL);
	if (sqlite3_create_function(st->db, "vm_merge_digest", -1, SQLITE_UTF8, NULL, NULL,
				    digest_step, digest_final) != SQLITE_OK) {
		store_error(st, "cannot register vm_merge_digest");
		goto fail;
	}
	/* mmap_size before any ATTACH: the inputs take it too. */
	if (store_exec(st, "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -65536;"
			   "CREATE TEMP TABLE IF NOT EXISTS merge_digests (tbl TEXT NOT NULL,"
			   " grp INTEGER NOT NULL, digest BLOB NOT NULL,"
			   " PRIMARY KEY (tbl, grp, digest)) WITHOUT ROWID") ||
	    (priv && store_exec(st, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")))
		goto fail;
	return 0;
fail:
	store_close(st);
	return -1;
}

/*
 * A private store made whole (see merge_open): back to WAL, as every
 * store is, then closed and its file synced. -1 after reporting, closed.
 */
static int merge_seal(struct store *st)
{
	char *path = xstrdup(st->path);
	int fd, ret = store_exec(st, "PRAGMA journal_mode = WAL");

	store_close(st);
	fd = ret ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (!ret && (fd < 0 || fsync(fd)))
		ret = error("cannot sync '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

/*
 * The nin inputs (at most the attach limit) into out in one transaction;
 * with report, the summary line. out is removed on failure unless it
 * existed; priv: out is a private store (merge_open). -1 after reporting.
 */
static int merge_group(const char *out, int existed, int priv, const char *const *in,
		       const char *const *label, size_t nin, int report,
		       const struct mrun *r)
{
	struct store st;
	size_t attached = 0;
	int ret = -1;

	if (merge_open(&st, out, priv))
		goto out;
	if (!attach_inputs(&st, in, label, nin, &attached) &&
	    !merge_inputs(&st, label, nin, r)) {
		if (report)
			print_counts(&st, out);
		ret = 0;
	}
	detach_inputs(&st, attached);
out:
	store_close(&st);
	if (ret && !existed)
		remove_store(out);
	return ret;
}

/* How many stores SQLite attaches to one connection here. */
static int attach_limit(void)
{
	sqlite3 *db = NULL;
	int limit = 10;

	if (sqlite3_open(":memory:", &db) == SQLITE_OK)
		limit = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1);
	sqlite3_close(db);
	return limit < 2 ? 2 : limit;
}

/* A private directory beside the store out (owned_tmp_create's). */
static char *merge_tmp_create(const char *out)
{
	char *dir = path_dirname(out), *tmp = owned_tmp_create(dir, "merge");

	free(dir);
	return tmp;
}

/*
 * in[] into the new store out, in groups of at most limit, each in one
 * transaction, through a private store renamed to out at the end. -1
 * after reporting; nothing is left behind then.
 */
static int merge_new(const char *out, const char *const *in, const char *const *label,
		     size_t nin, int report, const struct mrun *r)
{
	struct strbuf tmp = STRBUF_INIT;
	char *dir = merge_tmp_create(out);
	struct store st;
	int ret = -1;

	if (!dir)
		return -1;
	sb_printf(&tmp, "%s/merged.db", dir);
	if (merge_open(&st, tmp.buf, 1))
		goto out;
	ret = 0;
	for (size_t first = 0; first < nin && !ret; first += r->limit) {
		size_t n = nin - first < r->limit ? nin - first : r->limit, attached = 0;

		/* Detached between groups: outside a transaction, as SQLite wants. */
		ret = attach_inputs(&st, in + first, label + first, n, &attached) ||
		      merge_inputs(&st, label + first, n, r) ? -1 : 0;
		detach_inputs(&st, attached);
	}
	if (!ret && report)
		print_counts(&st, out);
	if (ret)
		store_close(&st);
	else
		ret = merge_seal(&st);
	if (!ret && vm_interrupted)
		ret = -1;
	if (!ret && rename(tmp.buf, out))
		ret = error("cannot rename '%s' to '%s': %s", tmp.buf, out, strerror(errno));
out:
	remove_store(tmp.buf);
	if (rmdir(dir))
		warning("cannot remove '%s': %s", dir, strerror(errno));
	free(dir);
	strbuf_release(&tmp);
	return ret;
}

/*
 * in[] into out, in groups of at most limit when there are more (see the
 * top). -1 after reporting; the temporary stores are gone either way.
 */
static int merge_tree(const char *out, int existed, const char *const *in,
		      const char *const *label, size_t nin, int report,
		      const struct mrun *r)
{
	struct strvec parts = STRVEC_INIT, plabels = STRVEC_INIT;
	char *tmpl = NULL;
	int ret = -1;

	if (nin <= r->limit)
		return merge_group(out, existed, 0, in, label, nin, report, r);
	if (!existed)
		return merge_new(out, in, label, nin, report, r);
	tmpl = merge_tmp_create(out);
	if (!tmpl)
		goto out;
	for (size_t first = 0; first < nin; first += r->limit) {
		size_t n = nin - first < r->limit ? nin - first : r->limit;

		strvec_pushf(&parts, "%s/part-%zu.db", tmpl, parts.nr + 1);
		strvec_pushf(&plabels, "%s .. %s", label[first], label[first + n - 1]);
		if (merge_group(parts.v[parts.nr - 1], 0, 1, in + first, label + first, n, 0,
				r))
			goto out;
	}
	ret = merge_tree(out, existed, parts.v, plabels.v, parts.nr, report, r);
out:
	for (size_t i = 0; i < parts.nr; i++)
		remove_store(parts.v[i]);
	if (tmpl && rmdir(tmpl))
		warning("cannot remove '%s': %s", tmpl, strerror(errno));
	free(tmpl);
	strvec_clear(&parts);
	strvec_clear(&plabels);
	return ret;
}

int sweep_merge_flags(const char *out, const char *const *in, size_t nin,
		      unsigned flags)
{
	struct mrun r = { (size_t)attach_limit(), flags };
	int existed = path_exists(out), ret;
	char *dir = path_dirname(out);

	/* What merges killed outright left beside out: their owners are gone. */
	owned_tmp_remove_dead(dir, "merge");
	free(dir);
	if (check_inputs(out, existed, in, nin))
		return -1;
	ret = merge_tree(out, existed, in, in, nin, 1, &r);
	if (ret && vm_interrupted)
		error("merge interrupted by signal %d: '%s' is %s", (int)vm_interrupted, out,
		      existed ? "as it was" : "not made");
	return ret;
}

int sweep_merge(const char *out, const char *const *in, size_t nin)
{
	return sweep_merge_flags(out, in, nin, 0);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0; /* a fresh scan, also when called twice in one process */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		fputs(usage, stderr);
		return 129;
	}
	if (argc - optind < 2) {
		error("merge wants OUT.db and at least one IN.db");
		fputs(usage, stderr);
		return 129;
	}
	if (!sweep_merge(argv[optind], (const char *const *)argv + optind + 1,
			 (size_t)(argc - optind - 1)))
		return 0;
	return vm_interrupted ? 130 : 1;
}
