/* Store migrations and the installs/builds tables (lib/store.c, lib/installs.c). */
#include <limits.h>

#include "teststore.h"
#include "installs.h"
#include "migrations.h"
#include "sha256.h"
#include "sweep.h"

/* The integer sql answers, with arg (unless NULL) bound to its "?". */
static int scalar_int_with(struct store *st, const char *sql, const char *arg)
{
	sqlite3_stmt *q = NULL;
	int v;

	assert_int_equal(store_prepare(st, &q, sql), 0);
	if (arg)
		store_bind_text(q, 1, arg);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

static int scalar_int(struct store *st, const char *sql)
{
	return scalar_int_with(st, sql, NULL);
}

/*
 * A store made at path by this virt-matrix, changed by sql into what an
 * older schema left, and opened again into st: migrated to the newest.
 */
static void open_old_store(struct store *st, const char *path, const char *sql)
{
	sqlite3 *raw = NULL;

	assert_int_equal(store_open(st, path), 0);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(store_open(st, path), 0);
	assert_int_equal(scalar_int(st, "PRAGMA user_version"), store_schema_version());
}

static void test_migrations(void **state)
{
	char *dir = tu_tmpdir("store"), *msg;
	struct strbuf p = STRBUF_INIT;
	struct store st;
	sqlite3 *raw = NULL;
	sqlite3_stmt *q = NULL;

	(void)state;
	sb_printf(&p, "%s/sub/dir/m.db", dir);
	assert_int_equal(store_open(&st, p.buf), 0);
	assert_int_equal(scalar_int(&st, "PRAGMA user_version"),
			 store_schema_version());
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM sqlite_master"
					 " WHERE type = 'table' AND name IN"
					 " ('installs', 'install_patches', 'builds')"),
			 3);
	assert_int_equal(store_prepare(&st, &q, "PRAGMA journal_mode"), 0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	store_close(&st);

	/* Reopening changes nothing. */
	assert_int_equal(store_open(&st, p.buf), 0);
	assert_int_equal(scalar_int(&st, "PRAGMA user_version"),
			 store_schema_version());
	store_close(&st);

	/* A newer schema is refused, not misread. */
	assert_int_equal(sqlite3_open(p.buf, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	tu_capture_begin();
	assert_int_equal(store_open(&st, p.buf), -1);
	msg = tu_capture_end();
	assert_contains(msg, "schema version 999, newer than", "newer schema");
	free(msg);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * Schema versions this binary cannot migrate from. A negative one used
 * to index migrations[] below its start: -1..-3 "migrated" silently,
 * lower ones ran stray memory as SQL. Each is refused by store_open and
 * by merge (as an input and as the output), naming the file and the
 * version (and, for a newer one, the newest known), and the file is left
 * as it was: same version, not switched to WAL, no tables added.
 */
static void test_unknown_schema_versions_refused(void **state)
{
	static const struct {
		const char *name;
		long long version; /* INT_MAX + 1: one past this binary's */
		const char *message;
	} cases[] = {
		{ "minus one", -1, "has schema version -1: no virt-matrix writes a negative one" },
		{ "minus three", -3, "has schema version -3: no virt-matrix writes a negative one" },
		{ "minus four", -4, "has schema version -4: no virt-matrix writes a negative one" },
		{ "minus 1000", -1000, "has schema version -1000: no virt-matrix" },
		{ "INT_MIN", INT_MIN, "has schema version -2147483648: no virt-matrix" },
		{ "one newer", (long long)INT_MAX + 1, NULL },
		{ "999", 999, "has schema version 999, newer than this virt-matrix understands" },
		{ "INT_MAX", INT_MAX, "has schema version 2147483647, newer than" },
	};
	char *dir = tu_tmpdir("store");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf p = STRBUF_INIT, out = STRBUF_INIT, sql = STRBUF_INIT;
		struct strbuf want = STRBUF_INIT;
		int version = cases[i].version > INT_MAX ? store_schema_version() + 1
							 : (int)cases[i].version;
		const char *in[1];
		struct store st;
		sqlite3 *raw = NULL;
		sqlite3_stmt *q = NULL;
		char *msg;

		sb_printf(&p, "%s/v%zu.db", dir, i);
		sb_printf(&out, "%s/merged%zu.db", dir, i);
		sb_printf(&sql, "CREATE TABLE t (x); PRAGMA user_version = %d;", version);
		assert_int_equal(sqlite3_open(p.buf, &raw), SQLITE_OK);
		assert_int_equal(sqlite3_exec(raw, sql.buf, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(raw);
		sb_printf(&want, "store '%s' ", p.buf);
		if (cases[i].message)
			sb_puts(&want, cases[i].message);
		else
			sb_printf(&want, "has schema version %d, newer than this virt-matrix "
					 "understands (%d)",
				  version, store_schema_version());

		tu_capture_begin();
		if (store_open(&st, p.buf) != -1)
			fail_msg("%s: store_open accepted it", cases[i].name);
		msg = tu_capture_end();
		assert_contains(msg, want.buf, cases[i].name);
		assert_contains(msg, "error: ", cases[i].name);
		free(msg);

		/* merge refuses it as an input, and creates no output. */
		in[0] = p.buf;
		tu_capture_begin();
		if (sweep_merge(out.buf, in, 1) != -1)
			fail_msg("%s: merge took it as an input", cases[i].name);
		msg = tu_capture_end();
		assert_contains(msg, want.buf, cases[i].name);
		assert_false(path_exists(out.buf));
		free(msg);

		/* Nor does it merge into it. */
		strbuf_reset(&out);
		sb_printf(&out, "%s/good%zu.db", dir, i);
		assert_int_equal(store_open(&st, out.buf), 0);
		store_close(&st);
		in[0] = out.buf;
		tu_capture_begin();
		if (sweep_merge(p.buf, in, 1) != -1)
			fail_msg("%s: merge wrote into it", cases[i].name);
		msg = tu_capture_end();
		assert_contains(msg, want.buf, cases[i].name);
		free(msg);

		/* Untouched. */
		assert_int_equal(sqlite3_open(p.buf, &raw), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(raw, "SELECT (SELECT user_version FROM"
							 " pragma_user_version),"
							 " (SELECT journal_mode FROM"
							 " pragma_journal_mode),"
							 " (SELECT count(*) FROM sqlite_master)",
						    -1, &q, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != version)
			fail_msg("%s: user_version now %d", cases[i].name,
				 sqlite3_column_int(q, 0));
		if (strcmp((const char *)sqlite3_column_text(q, 1), "delete"))
			fail_msg("%s: journal mode now %s", cases[i].name,
				 (const char *)sqlite3_column_text(q, 1));
		if (sqlite3_column_int(q, 2) != 1)
			fail_msg("%s: %d tables now", cases[i].name,
				 sqlite3_column_int(q, 2));
		sqlite3_finalize(q);
		sqlite3_close(raw);
		strbuf_release(&p);
		strbuf_release(&out);
		strbuf_release(&sql);
		strbuf_release(&want);
	}
	tu_rmdir(dir);
}

/*
 * Migration 10 rewrites the ABI texts of an older store in place: the
 * machine properties that are not guest ABI go, each text is re-keyed by
 * the sha256 of what is left, and the machine types follow it.
 */
/*
 * What migration 13 (the guest view) and those after it added: a test
 * that makes a store of an older schema out of a new one takes it away
 * first (17: the corpus origins, 16: the corpus tables, 15: migrations
 * rebuilt).
 */
#define UNDO_16 "DROP TABLE corpus_origins;"
#define UNDO_15 UNDO_16 "DROP TABLE corpus_runs; DROP TABLE corpus_golden;" \
	"DROP TABLE corpus_domains;"
#define UNDO_14 UNDO_15 "DROP TABLE migrations;"
#define UNDO_13 UNDO_14 \
	"DROP TABLE machine_guest_items; DROP TABLE machine_guest;" \
	"DROP TABLE guest_items; ALTER TABLE binaries DROP COLUMN guest_seconds;" \
	"ALTER TABLE binaries DROP COLUMN guest_rev;" \
	"ALTER TABLE binaries DROP COLUMN abi_rev;"

static void test_migration_10_rewrites_abi_texts(void **state)
{
	static const char old_text[] =
		"cpu model = qemu64\n"
		"machine hpet = true\n"
		"machine kernel = \"\"\n"
		"machine mem-merge = true\n"
		"machine smm = \"auto\"\n"
		"machine type = \"<machine>-machine\"\n";
	static const char new_text[] =
		"cpu model = qemu64\n"
		"machine hpet = true\n"
		"machine smm = \"auto\"\n";
	static const char kept_text[] = "cpu model = max\nmachine smm = \"on\"\n";
	char *dir = tu_tmpdir("store"), *v;
	char old_sha[SHA256_HEX_LEN + 1], new_sha[SHA256_HEX_LEN + 1];
	char kept_sha[SHA256_HEX_LEN + 1];
	struct strbuf p = STRBUF_INIT, sql = STRBUF_INIT;
	struct store st;

	(void)state;
	sha256_hex(old_text, strlen(old_text), old_sha);
	sha256_hex(new_text, strlen(new_text), new_sha);
	sha256_hex(kept_text, strlen(kept_text), kept_sha);
	sb_printf(&p, "%s/m.db", dir);
	/* The store as schema 9 left it, with texts of the old kind. */
	sb_printf(&sql,
		  UNDO_13 "PRAGMA user_version = 9;"
		  "INSERT INTO binaries (sha256, version, status, probed_at, abi_seconds)"
		  " VALUES ('aaa', '7.2.0', 'complete', 'now', 1.5);"
		  "INSERT INTO abi_texts VALUES ('%s', '%s');"
		  "INSERT INTO abi_texts VALUES ('%s', '%s');"
		  "INSERT INTO machine_abi (binary, machine, status, fingerprint)"
		  " SELECT id, 'pc-q35-7.1', 'ok', '%s' FROM binaries;"
		  "INSERT INTO machine_abi (binary, machine, status, fingerprint)"
		  " SELECT id, 'pc-q35-7.2', 'ok', '%s' FROM binaries;"
		  "INSERT INTO machine_abi (binary, machine, status, fingerprint)"
		  " SELECT id, 'pc-q35-7.0', 'ok', '%s' FROM binaries;",
		  old_sha, old_text, kept_sha, kept_text, old_sha, old_sha, kept_sha);
	open_old_store(&st, p.buf, sql.buf);
	/* Both machine types of the old text now point at the new one. */
	assert_int_equal(scalar_int_with(&st, "SELECT count(*) FROM machine_abi"
					      " WHERE fingerprint = ? AND machine"
					      " IN ('pc-q35-7.1', 'pc-q35-7.2')",
					 new_sha),
			 2);
	strbuf_reset(&sql);
	sb_printf(&sql, "SELECT text FROM abi_texts WHERE sha256 = '%s'", new_sha);
	v = tu_query1(&st, sql.buf);
	assert_string_equal(v, new_text);
	free(v);
	/* A text without such lines keeps its key; the old one is gone. */
	assert_int_equal(scalar_int_with(&st, "SELECT count(*) FROM machine_abi"
					      " WHERE machine = 'pc-q35-7.0'"
					      " AND fingerprint = ?",
					 kept_sha),
			 1);
	assert_int_equal(scalar_int_with(&st, "SELECT count(*) FROM abi_texts"
					      " WHERE sha256 = ?",
					 old_sha),
			 0);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM abi_texts"), 2);
	/* Nothing to probe again. */
	assert_int_equal(scalar_int(&st, "SELECT abi_seconds IS NOT NULL FROM binaries"), 1);
	/* The line filter keeps a last line without its newline. */
	v = tu_query1(&st, "SELECT vm_drop_lines('a\nmachine x = 1\nb', 'machine x = ')");
	assert_string_equal(v, "a\nb");
	free(v);
	store_close(&st);
	strbuf_release(&sql);
	strbuf_release(&p);
	tu_rmdir(dir);
}

static void test_installs_round_trip(void **state)
{
	char *dir = tu_tmpdir("store");
	struct strbuf p = STRBUF_INIT;
	struct install in, out, *all = NULL;
	struct install_patch patches[2] = { { "7.2../0001-a.patch", "aa" },
					    { "all/0002-b.patch", "bb" } };
	struct build_attempt b, *bl = NULL;
	struct store st;
	long long id;
	size_t n = 0;

	(void)state;
	sb_printf(&p, "%s/m.db", dir);
	assert_int_equal(store_open(&st, p.buf), 0);
	memset(&in, 0, sizeof(in));
	in.app = "qemu";
	in.version = "10.0.2";
	in.kind = "built";
	in.prefix = "/opt/qemu/10.0.2";
	in.binary_path = "/opt/qemu/10.0.2/bin/qemu-system-x86_64";
	in.binary_sha256 = "b1";
	in.source_url = "https://example.invalid/q.tar.xz";
	in.source_sha256 = "s1";
	in.source_flavour = "debian";
	in.recipe_hash = "r1";
	in.patchset_hash = "p1";
	in.configure_args = "[\"--prefix=/opt/qemu/10.0.2\"]";
	in.status = "installed";
	in.build_seconds = 222.5;
	in.log_path = "/var/log/x.log";
	in.installed_at = "2026-11-23T00:00:00Z";
	in.patches = patches;
	in.npatches = 2;
	assert_int_equal(installs_put(&st, &in), 0);
	in.version = "7.2.0";
	in.npatches = 0;
	assert_int_equal(installs_put(&st, &in), 0);

	assert_int_equal(installs_get(&st, "qemu", "10.0.2", &out), 0);
	assert_string_equal(out.source_flavour, "debian");
	assert_string_equal(out.configure_args, in.configure_args);
	assert_true(out.build_seconds > 222.4 && out.build_seconds < 222.6);
	assert_int_equal(out.npatches, 2);
	assert_string_equal(out.patches[0].name, "7.2../0001-a.patch");
	assert_string_equal(out.patches[1].sha256, "bb");
	install_release(&out);

	/* Listed in version order, not insertion order. */
	assert_int_equal(installs_list(&st, "qemu", &all, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].version, "7.2.0");
	assert_string_equal(all[1].version, "10.0.2");
	installs_free(all, n);

	/* put replaces; delete removes, patches go with it. */
	in.version = "10.0.2";
	in.binary_sha256 = "b2";
	assert_int_equal(installs_put(&st, &in), 0);
	assert_int_equal(installs_get(&st, "qemu", "10.0.2", &out), 0);
	assert_string_equal(out.binary_sha256, "b2");
	assert_int_equal(out.npatches, 0);
	install_release(&out);
	assert_int_equal(installs_delete(&st, "qemu", "10.0.2"), 0);
	assert_int_equal(installs_delete(&st, "qemu", "10.0.2"), 1);
	assert_int_equal(installs_get(&st, "qemu", "10.0.2", &out), 1);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM install_patches"), 0);

	/* Build attempts. */
	assert_int_equal(builds_start(&st, "qemu", "10.0.2", "u", "s", "r", "p",
				      "/l", &id),
			 0);
	assert_int_equal(builds_latest(&st, "qemu", "10.0.2", &b), 0);
	assert_string_equal(b.status, "running");
	build_attempt_release(&b);
	assert_int_equal(builds_finish(&st, id, "failed", "boom", 1.5), 0);
	assert_int_equal(builds_latest(&st, "qemu", "10.0.2", &b), 0);
	assert_string_equal(b.status, "failed");
	assert_string_equal(b.error, "boom");
	build_attempt_release(&b);
	assert_int_equal(builds_unfinished_or_failed(&st, &bl, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(bl[0].version, "10.0.2");
	builds_free(bl, n);
	/* Once installed, an old failure is no longer listed. */
	assert_int_equal(installs_put(&st, &in), 0);
	assert_int_equal(builds_unfinished_or_failed(&st, &bl, &n), 0);
	assert_int_equal(n, 0);
	builds_free(bl, n);
	store_close(&st);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * Migration 11 rebuilds the runs table so that a run may be
 * 'unsupported': the rows, their uuids, the indexes and the trigger that
 * gives new runs a uuid all survive, and other statuses stay refused.
 */
static void test_migration_11_unsupported_runs(void **state)
{
	char *dir = tu_tmpdir("store");
	struct strbuf p = STRBUF_INIT;
	struct store st;

	(void)state;
	sb_printf(&p, "%s/m.db", dir);
	/* A store as schema 10 left it: the old CHECK, two runs. */
	open_old_store(&st, p.buf, UNDO_13
		"DROP TABLE runs;"
		"CREATE TABLE runs (id INTEGER PRIMARY KEY, qemu TEXT NOT NULL,"
		" qemu_sha256 TEXT, libvirt TEXT, scenario TEXT NOT NULL,"
		" scenario_sha256 TEXT NOT NULL, accel TEXT, status TEXT NOT NULL"
		" CHECK (status IN ('pass', 'fail', 'error', 'skip')), reason TEXT,"
		" seconds REAL, argv TEXT, notes TEXT, checks TEXT, exit_status INTEGER,"
		" signal INTEGER, stderr TEXT, serial_log TEXT, backend_log TEXT,"
		" started_at TEXT NOT NULL, domain_xml TEXT, native TEXT,"
		" sweep INTEGER REFERENCES sweeps(id), uuid TEXT);"
		"CREATE UNIQUE INDEX runs_uuid ON runs (uuid);"
		"INSERT INTO runs (qemu, libvirt, scenario, scenario_sha256, status,"
		" reason, started_at, uuid) VALUES ('5.2.0', '11.3.0', 'vm-q35', 'x',"
		" 'fail', 'cause is unknown', 'then', 'u1'), ('10.0.2', NULL, 'vm-q35',"
		" 'x', 'pass', NULL, 'then', 'u2');"
		"PRAGMA user_version = 10;");
	assert_true(store_schema_version() >= 11);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM runs WHERE"
					 " (uuid = 'u1' AND status = 'fail' AND libvirt = '11.3.0'"
					 "  AND reason = 'cause is unknown') OR"
					 " (uuid = 'u2' AND status = 'pass' AND libvirt IS NULL)"),
			 2);
	assert_int_equal(store_exec(&st, "INSERT INTO runs (qemu, libvirt, scenario,"
					 " scenario_sha256, status, started_at) VALUES"
					 " ('5.2.0', '11.3.0', 'vhost-user', 'y',"
					 " 'unsupported', 'now')"),
			 0);
	/* The trigger still names a new run. */
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM runs WHERE"
					 " status = 'unsupported' AND length(uuid) = 32"),
			 1);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM sqlite_master WHERE"
					 " tbl_name = 'runs' AND name IN ('runs_pair',"
					 " 'runs_sweep', 'runs_uuid', 'runs_uuid_default')"),
			 4);
	tu_capture_begin();
	assert_int_equal(store_exec(&st, "INSERT INTO runs (qemu, scenario,"
					 " scenario_sha256, status, started_at) VALUES"
					 " ('5.2.0', 'a', 'y', 'passed', 'now')"),
			 -1);
	free(tu_capture_end());
	store_close(&st);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * 14 rebuilds sweeps (a sweep may be a 'migrate' one) under the runs and
 * shards that refer to it: none of them is lost or left dangling, and
 * the migrations table names its rows.
 */
static void test_migration_14_sweeps_rebuilt_under_runs(void **state)
{
	char *dir = tu_tmpdir("store");
	struct strbuf p = STRBUF_INIT;
	struct store st;

	(void)state;
	sb_printf(&p, "%s/m.db", dir);
	open_old_store(&st, p.buf, UNDO_14
		"DROP TABLE sweeps;"
		"CREATE TABLE sweeps (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
		" kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep', 'bisect')),"
		" command TEXT, shard TEXT, status TEXT NOT NULL CHECK (status IN"
		" ('running', 'finished', 'interrupted')), started_at TEXT NOT NULL,"
		" finished_at TEXT);"
		"INSERT INTO sweeps VALUES (7, 's7', 'sweep', 'x', NULL, 'finished',"
		" 'then', 'later');"
		"INSERT INTO sweep_shards VALUES (7, 1, 2, 'finished', 'then', 'later');"
		"INSERT INTO runs (qemu, scenario, scenario_sha256, status, started_at,"
		" sweep, uuid) VALUES ('7.2.0', 'vm-q35', 'x', 'pass', 'then', 7, 'r1');"
		"PRAGMA user_version = 13;");
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM sweeps s JOIN runs r ON"
					 " r.sweep = s.id JOIN sweep_shards h ON h.sweep = s.id"
					 " WHERE s.uuid = 's7' AND s.kind = 'sweep' AND"
					 " r.uuid = 'r1' AND h.n = 2"),
			 1);
	assert_int_equal(scalar_int(&st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(store_exec(&st, "INSERT INTO sweeps (uuid, kind, status,"
					 " started_at) VALUES ('m1', 'migrate', 'running', 'now');"
					 "INSERT INTO migrations (sweep, machine, mode, src_qemu,"
					 " dst_qemu, status, side, started_at) SELECT id,"
					 " 'pc-q35-7.1', 'file', '7.2.0', '10.2.2', 'fail',"
					 " 'destination', 'now' FROM sweeps WHERE uuid = 'm1'"),
			 0);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM migrations WHERE"
					 " length(uuid) = 32 AND side = 'destination'"),
			 1);
	/* Still refused: a kind no command makes, a mode that is not one. */
	tu_capture_begin();
	assert_int_equal(store_exec(&st, "INSERT INTO sweeps (uuid, kind, status,"
					 " started_at) VALUES ('b', 'nightly', 'running', 'now')"),
			 -1);
	assert_int_equal(store_exec(&st, "INSERT INTO migrations (machine, mode,"
					 " src_qemu, dst_qemu, status, started_at) VALUES"
					 " ('pc-q35-7.1', 'warp', 'a', 'b', 'pass', 'now')"),
			 -1);
	free(tu_capture_end());
	store_close(&st);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * 15 rebuilds migrations so that a row may be 'libvirt', with the two
 * libvirt installs: the rows of schema 14 stay (without libvirt), the
 * sweep they refer to too, the indexes and the trigger are back, and
 * the lookup of one migration tells libvirt versions apart.
 */
static void test_migration_15_libvirt_mode(void **state)
{
	char *dir = tu_tmpdir("store");
	struct strbuf p = STRBUF_INIT;
	struct store st;
	struct mig_row row;
	long long sweep;
	int failed = -1;

	(void)state;
	sb_printf(&p, "%s/m.db", dir);
	/* The migrations table as schema 14 made it, with a row of a sweep. */
	open_old_store(&st, p.buf, UNDO_15 "DROP TABLE migrations;"
		"CREATE TABLE migrations (id INTEGER PRIMARY KEY, uuid TEXT,"
		" sweep INTEGER REFERENCES sweeps(id), machine TEXT NOT NULL,"
		" mode TEXT NOT NULL CHECK (mode IN ('file', 'live')),"
		" src_qemu TEXT NOT NULL, src_sha256 TEXT, dst_qemu TEXT NOT NULL,"
		" dst_sha256 TEXT, status TEXT NOT NULL CHECK (status IN ('pass', 'fail',"
		" 'error', 'skip', 'unsupported')), side TEXT CHECK (side IN ('source',"
		" 'destination')), reason TEXT, seconds REAL, src_seconds REAL,"
		" src_transport TEXT, dst_transport TEXT, src_argv TEXT, dst_argv TEXT,"
		" checks TEXT, src_log TEXT, dst_log TEXT, started_at TEXT NOT NULL,"
		" tool TEXT);"
		"CREATE INDEX migrations_sweep ON migrations (sweep, machine, src_qemu,"
		" dst_qemu, mode);"
		"CREATE UNIQUE INDEX migrations_uuid ON migrations (uuid);"
		"INSERT INTO sweeps (id, uuid, kind, status, started_at) VALUES"
		" (3, 'm3', 'migrate', 'finished', 'then');"
		"INSERT INTO migrations (uuid, sweep, machine, mode, src_qemu, dst_qemu,"
		" status, side, reason, checks, started_at, tool) VALUES ('u14', 3,"
		" 'pc-q35-7.1', 'file', '7.2.0', '10.2.2', 'fail', 'destination',"
		" 'Unknown savevm section', '[]', 'then', 'old');"
		"PRAGMA user_version = 14;");
	assert_true(store_schema_version() >= 15);
	assert_int_equal(scalar_int(&st, "PRAGMA foreign_keys"), 1);
	/* The old row, whole, under its sweep, without libvirt. */
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM migrations m JOIN sweeps s"
					 " ON s.id = m.sweep WHERE s.uuid = 'm3' AND m.uuid = 'u14'"
					 " AND m.mode = 'file' AND m.side = 'destination' AND"
					 " m.reason = 'Unknown savevm section' AND m.checks = '[]'"
					 " AND m.tool = 'old' AND m.src_libvirt IS NULL AND"
					 " m.dst_libvirt IS NULL"),
			 1);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM sqlite_master WHERE"
					 " tbl_name = 'migrations' AND name IN ('migrations_sweep',"
					 " 'migrations_uuid', 'migrations_uuid_default')"),
			 3);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM pragma_index_info("
					 "'migrations_sweep') WHERE name IN ('src_libvirt',"
					 " 'dst_libvirt')"),
			 2);

	/* A migration through libvirt, as migrate/ records it. */
	memset(&row, 0, sizeof(row));
	sweep = 3;
	row.machine = "pc-q35-7.1";
	row.mode = MIG_LIBVIRT;
	row.src_libvirt = "9.0.0";
	row.dst_libvirt = "11.3.0-system";
	row.src_qemu = "7.2.0";
	row.dst_qemu = "10.2.2";
	row.status = RUN_FAIL;
	row.side = MIG_SIDE_DEST;
	row.reason = "libvirt: operation failed: job 'migration in' failed";
	row.sweep = sweep;
	assert_int_equal(migrations_insert(&st, &row), 0);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM migrations WHERE"
					 " mode = 'libvirt' AND src_libvirt = '9.0.0' AND"
					 " dst_libvirt = '11.3.0-system' AND length(uuid) = 32"),
			 1);
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_LIBVIRT,
						 "9.0.0", "7.2.0", "11.3.0-system", "10.2.2",
						 &failed),
			 1);
	assert_int_equal(failed, 1);
	/* Another destination libvirt, or none, is another migration. */
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_LIBVIRT,
						 "9.0.0", "7.2.0", "9.0.0", "10.2.2", &failed),
			 0);
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_LIBVIRT,
						 NULL, "7.2.0", NULL, "10.2.2", &failed),
			 0);
	/* The old row: found with no libvirt (NULL matches NULL), not as libvirt's. */
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_FILE, NULL,
						 "7.2.0", NULL, "10.2.2", &failed),
			 1);
	assert_int_equal(failed, 1);
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_FILE,
						 "9.0.0", "7.2.0", "11.3.0-system", "10.2.2",
						 &failed),
			 0);
	/* A control passes: found, not failed. */
	row.dst_libvirt = "9.0.0";
	row.dst_qemu = "7.2.0";
	row.status = RUN_PASS;
	row.side = MIG_SIDE_NONE;
	row.reason = NULL;
	assert_int_equal(migrations_insert(&st, &row), 0);
	assert_int_equal(migrations_recorded_one(&st, sweep, "pc-q35-7.1", MIG_LIBVIRT,
						 "9.0.0", "7.2.0", "9.0.0", "7.2.0", &failed),
			 1);
	assert_int_equal(failed, 0);
	/* Still refused: a mode that is not one. */
	tu_capture_begin();
	assert_int_equal(store_exec(&st, "INSERT INTO migrations (machine, mode,"
					 " src_qemu, dst_qemu, status, started_at) VALUES"
					 " ('pc-q35-7.1', 'ssh', 'a', 'b', 'pass', 'now')"),
			 -1);
	free(tu_capture_end());
	store_close(&st);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * An empty store path is a temporary database to SQLite, whose records
 * would vanish: store_open refuses it, and so does every command given
 * '--db ""', before doing anything (installs and caches point nowhere
 * and downloads at a closed port, in case one did not).
 */
static const struct {
	const char *name;
	const char *args[8];
} empty_db_cases[] = {
	{ "ark list", { "ark", "list" } },
	{ "ark catalog", { "ark", "catalog" } },
	{ "ark build (downloads before it opens the store)", { "ark", "build", "7.2.0" } },
	{ "ark import", { "ark", "import", "qemu" } },
	{ "probe", { "probe" } },
	{ "show", { "show", "caps", "7.2.0" } },
	{ "run", { "run", "--scenario", "vm-q35" } },
	{ "sweep", { "sweep", "--installed", "--no-report" } },
	{ "bisect", { "bisect", "--abi", "pc-q35-5.2", "--good", "5.2.0", "--bad", "7.2.0" } },
};

/* Migration 17: a store of schema 16 keeps its corpus, with no origin row yet. */
static void test_migration_16_corpus_origins(void **state)
{
	char *dir = tu_tmpdir("store");
	struct strbuf p = STRBUF_INIT;
	struct store st;

	(void)state;
	sb_printf(&p, "%s/m.db", dir);
	open_old_store(&st, p.buf, UNDO_16
		"INSERT INTO corpus_domains (corpus, origin, name, file, sha256, xml,"
		" imported_at) VALUES ('libvirt', '11.3.0', 'a', 'tests/a.xml', 'x',"
		" '<domain/>', 'then');"
		"PRAGMA user_version = 16;");
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM corpus_domains"), 1);
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM corpus_origins"), 0);
	tu_exec(&st, "INSERT INTO corpus_origins (corpus, origin, latest_qemu)"
		     " VALUES ('libvirt', '11.3.0', '10.0.0'), ('libvirt', '7.0.0', NULL)");
	assert_int_equal(scalar_int(&st, "SELECT count(*) FROM corpus_origins"
					 " WHERE latest_qemu IS NULL"),
			 1);
	/* One row per (corpus, origin); only the libvirt corpus. */
	assert_int_not_equal(sqlite3_exec(st.db, "INSERT INTO corpus_origins VALUES"
					 " ('libvirt', '11.3.0', '9.2.0')", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(st.db, "INSERT INTO corpus_origins VALUES"
					 " ('other', '1.0', NULL)", NULL, NULL, NULL),
			     SQLITE_OK);
	store_close(&st);
	strbuf_release(&p);
	tu_rmdir(dir);
}

static void test_empty_path_refused(void **state)
{
	char *vm = tu_vm_binary(), *msg;
	struct store st;

	(void)state;
	tu_capture_begin();
	assert_int_equal(store_open(&st, ""), -1);
	msg = tu_capture_end();
	assert_contains(msg, "error: cannot use '' as the store: an empty path is a "
			     "temporary database", "store_open");
	assert_null(st.db);
	store_close(&st);
	free(msg);
	for (size_t i = 0; i < ARRAY_SIZE(empty_db_cases); i++) {
		struct strvec args = STRVEC_INIT;
		char *out = NULL;
		int status;

		strvec_pushv(&args, empty_db_cases[i].args);
		strvec_push(&args, "--db");
		strvec_push(&args, "");
		status = tu_run_env(&out, (const char *const[]){ vm, NULL }, args.v,
				    (const char *const[]){ "VIRT_MATRIX_ROOT=/nonexistent",
							   "XDG_CACHE_HOME=/nonexistent",
							   "XDG_STATE_HOME=/nonexistent",
							   "https_proxy=http://127.0.0.1:9",
							   "http_proxy=http://127.0.0.1:9", NULL },
				    60);
		if (!status)
			fail_msg("%s: exit status 0:\n%s", empty_db_cases[i].name, out);
		assert_contains(out, "error: cannot use '' as the store", empty_db_cases[i].name);
		free(out);
		strvec_clear(&args);
	}
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_empty_path_refused),
		cmocka_unit_test(test_unknown_schema_versions_refused),
		cmocka_unit_test(test_migration_10_rewrites_abi_texts),
		cmocka_unit_test(test_migration_11_unsupported_runs),
		cmocka_unit_test(test_migration_14_sweeps_rebuilt_under_runs),
		cmocka_unit_test(test_migration_15_libvirt_mode),
		cmocka_unit_test(test_migration_16_corpus_origins),
		cmocka_unit_test(test_installs_round_trip),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
