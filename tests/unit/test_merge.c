/*
 * sweep_merge on real SQLite stores made by store_open: two shard stores
 * that share a probed binary (under different row ids), an ABI text, an
 * install and one sweep, each with runs and migrations (QEMU alone and
 * through libvirt) of its own. Checks renumbering,
 * that nothing is lost or doubled (also when a store is merged twice),
 * the merged sweep's state from its shards, and that a failed merge
 * leaves the output as it was. Twelve stores (more than SQLite attaches
 * at once) whose records of the same binaries mostly repeat and
 * sometimes differ merge to the same store with the shortcut for
 * repeated probe records and without it; an interrupted merge leaves
 * nothing behind.
 */
#include <dirent.h>
#include <signal.h>

#include "teststore.h"
#include "sweep.h"
#include "merge.h"

static char *dir;

/*
 * A shard store: binary 'aaa' (with a filler binary first in store b so
 * the ids differ), machine_abi pointing at abi text 't1', install qemu
 * 7.2.0 with one patch, sweep U shard k/2 with the given status, two
 * runs and two migrations (one through libvirt) of its own; corpus
 * origin 11.3.0 and one of its own.
 */
static char *make_shard(const char *name, int k, const char *status,
			const char *run_a, const char *run_b)
{
	struct store st;
	struct strbuf sql = STRBUF_INIT;
	char *p = tu_path(dir, name);

	assert_int_equal(store_open(&st, p), 0);
	if (k == 2)
		sb_puts(&sql, "INSERT INTO binaries (sha256, status, probed_at)"
			      " VALUES ('filler', 'complete', 'now');");
	sb_printf(&sql,
		  "INSERT INTO abi_texts VALUES ('t1', 'line one\nline two');"
		  "INSERT INTO binaries (sha256, version, status, probed_at)"
		  " VALUES ('aaa', '7.2.0', 'complete', 'now');"
		  "INSERT INTO machine_abi (binary, machine, status, fingerprint)"
		  " SELECT id, 'pc-q35-7.2', 'ok', 't1' FROM binaries WHERE sha256 = 'aaa';"
		  "INSERT INTO machine_types (binary, name, is_default, deprecated)"
		  " SELECT id, 'pc-q35-7.%d', 0, 0 FROM binaries WHERE sha256 = 'aaa';"
		  "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		  " binary_sha256, status, installed_at) VALUES ('qemu', '7.2.0',"
		  " 'built', '/opt/qemu/7.2.0', '/opt/qemu/7.2.0/bin/q', 'aaa',"
		  " 'installed', 'then');"
		  "INSERT INTO install_patches SELECT id, 1, 'p%d.patch', 'h' FROM installs;"
		  "INSERT INTO sweeps (uuid, kind, shard, status, started_at, finished_at)"
		  " VALUES ('11111111-2222-4333-8444-555555555555', 'sweep', '%d/2',"
		  " '%s', '2026-01-0%dT00:00:00Z', '2026-01-0%dT01:00:00Z');"
		  "INSERT INTO sweep_shards SELECT id, %d, 2, '%s',"
		  " '2026-01-0%dT00:00:00Z', '2026-01-0%dT01:00:00Z' FROM sweeps;"
		  "INSERT INTO runs (qemu, scenario, scenario_sha256, status, started_at, sweep)"
		  " SELECT '7.2.0', '%s', 'h', 'pass', 'now', id FROM sweeps;"
		  "INSERT INTO runs (qemu, scenario, scenario_sha256, status, started_at, sweep)"
		  " SELECT '7.2.0', '%s', 'h', 'fail', 'now', id FROM sweeps;"
		  "INSERT INTO migrations (sweep, machine, mode, src_qemu, dst_qemu, status,"
		  " side, started_at) SELECT id, 'pc-q35-7.%d', 'file', '7.2.0', '10.2.2',"
		  " 'fail', 'destination', 'now' FROM sweeps;"
		  "INSERT INTO migrations (sweep, machine, mode, src_libvirt, src_qemu,"
		  " dst_libvirt, dst_qemu, status, started_at) SELECT id, 'pc-q35-7.%d',"
		  " 'libvirt', '9.0.0', '7.2.0', '11.3.0-system', '10.2.2', 'pass', 'now'"
		  " FROM sweeps;",
		  k, k, k, status, k, k, k, status, k, k, run_a, run_b, k, k);
	sb_printf(&sql, "INSERT INTO corpus_origins VALUES ('libvirt', '11.3.0', '10.0.0'),"
			" ('libvirt', '%d.0.0', NULL);", k);
	assert_int_equal(store_exec(&st, sql.buf), 0);
	store_close(&st);
	strbuf_release(&sql);
	return p;
}

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("merge");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static void test_two_shards_merge_into_one_sweep(void **state)
{
	char *a = make_shard("a.db", 1, "finished", "vm-q35", "vm-i440fx");
	char *b = make_shard("b.db", 2, "interrupted", "vhost-user", "passthrough");
	char *out = tu_path(dir, "out.db");
	const char *both[] = { a, b };
	struct store st;
	char *v;

	(void)state;
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, both, 2), 0);
	/* Again, and a shard on its own: nothing new. */
	assert_int_equal(sweep_merge(out, both, 2), 0);
	assert_int_equal(sweep_merge(out, both + 1, 1), 0);
	free(tu_capture_end());
	assert_int_equal(store_open(&st, out), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs"), 4);
	assert_int_equal(tu_query_int(&st, "SELECT count(DISTINCT uuid) FROM runs"), 4);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM sweeps"), 1);
	/* Each shard's migration, once, in the one sweep. */
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM migrations m JOIN sweeps s"
				    " ON s.id = m.sweep WHERE s.uuid ="
				    " '11111111-2222-4333-8444-555555555555' AND m.side ="
				    " 'destination' AND m.machine IN ('pc-q35-7.1', 'pc-q35-7.2')"),
			 2);
	assert_int_equal(tu_query_int(&st, "SELECT count(DISTINCT uuid) FROM migrations"), 4);
	/* ... and each one through libvirt, with both libvirt installs. */
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM migrations m JOIN sweeps s"
				    " ON s.id = m.sweep WHERE m.mode = 'libvirt' AND"
				    " m.src_libvirt = '9.0.0' AND m.dst_libvirt ="
				    " '11.3.0-system' AND m.dst_qemu = '10.2.2'"),
			 2);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM binaries"), 2);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM abi_texts"), 1);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM installs"), 1);
	/* The corpus origins, each once. */
	v = tu_query1(&st, "SELECT group_concat(origin || ':' || coalesce(latest_qemu, '-'))"
			   " FROM (SELECT * FROM corpus_origins ORDER BY origin)");
	assert_string_equal(v, "1.0.0:-,11.3.0:10.0.0,2.0.0:-");
	free(v);
	/* The first store's install and its patch only. */
	v = tu_query1(&st, "SELECT group_concat(name) FROM install_patches");
	assert_string_equal(v, "p1.patch");
	free(v);
	/* Every run points at the one sweep, the ABI at the one binary. */
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs r JOIN sweeps s"
				    " ON s.id = r.sweep WHERE s.uuid ="
				    " '11111111-2222-4333-8444-555555555555'"), 4);
	v = tu_query1(&st, "SELECT group_concat(m.name, ' ') FROM machine_types m"
			   " JOIN binaries b ON b.id = m.binary AND b.sha256 = 'aaa'");
	assert_string_equal(v, "pc-q35-7.1 pc-q35-7.2");
	free(v);
	v = tu_query1(&st, "SELECT t.text FROM machine_abi a JOIN binaries b ON"
			   " b.id = a.binary AND b.sha256 = 'aaa' JOIN abi_texts t"
			   " ON t.sha256 = a.fingerprint");
	assert_string_equal(v, "line one\nline two");
	free(v);
	/* Shard 2 was interrupted: the sweep is not finished. */
	v = tu_query1(&st, "SELECT status || ' ' || shard || ' ' || started_at ||"
			   " ' ' || coalesce(finished_at, '-') FROM sweeps");
	assert_string_equal(v, "interrupted 1,2/2 2026-01-01T00:00:00Z -");
	free(v);
	store_close(&st);

	/* Shard 2 resumed and finished on its machine, merged again. */
	assert_int_equal(store_open(&st, b), 0);
	assert_int_equal(store_exec(&st, "UPDATE sweep_shards SET status = 'finished';"
					 "INSERT INTO runs (qemu, scenario, scenario_sha256,"
					 " status, started_at, sweep) SELECT '7.2.0',"
					 " 'vm-resumed', 'h', 'pass', 'now', id FROM sweeps"),
			 0);
	store_close(&st);
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, both + 1, 1), 0);
	free(tu_capture_end());
	assert_int_equal(store_open(&st, out), 0);
	v = tu_query1(&st, "SELECT status || ' ' || shard || ' ' || finished_at FROM sweeps");
	assert_string_equal(v, "finished 1,2/2 2026-01-02T01:00:00Z");
	free(v);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs"), 5);
	store_close(&st);
	free(a);
	free(b);
	free(out);
}

static void test_one_shard_alone_is_not_finished(void **state)
{
	char *a = make_shard("solo.db", 1, "finished", "vm-q35", "vm-i440fx");
	char *out = tu_path(dir, "solo-out.db");
	const char *one[] = { a };
	struct store st;
	char *v;

	(void)state;
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, one, 1), 0);
	free(tu_capture_end());
	assert_int_equal(store_open(&st, out), 0);
	v = tu_query1(&st, "SELECT status || ' ' || shard FROM sweeps");
	assert_string_equal(v, "running 1/2");
	free(v);
	store_close(&st);
	free(a);
	free(out);
}

/* A failure leaves nothing: an output merge created is removed again. */
static void test_failed_merge_writes_nothing(void **state)
{
	char *a = make_shard("ok.db", 1, "finished", "vm-q35", "vm-i440fx");
	char *bad = tu_path(dir, "bad.db");
	char *out = tu_path(dir, "new-out.db");
	const char *ins[] = { a, bad };
	struct store st;
	char *msg;

	(void)state;
	assert_int_equal(store_open(&st, bad), 0);
	assert_int_equal(store_exec(&st, "CREATE TABLE surprise (x)"), 0);
	store_close(&st);
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, ins, 2), -1);
	msg = tu_capture_end();
	assert_contains(msg, "bad.db' has a table merge does not know: 'surprise'",
			"unknown table");
	free(msg);
	assert_false(path_exists(out));

	/* An existing output keeps exactly what it had. */
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, ins, 1), 0);
	assert_int_equal(sweep_merge(out, ins, 2), -1);
	free(tu_capture_end());
	assert_int_equal(store_open(&st, out), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs"), 2);
	store_close(&st);

	/* The output cannot be one of the inputs. */
	tu_capture_begin();
	assert_int_equal(sweep_merge(a, ins, 1), -1);
	msg = tu_capture_end();
	assert_contains(msg, "is the output store", "same file");
	free(msg);
	free(a);
	free(bad);
	free(out);
}

#define NPROBE 12

/*
 * Probe store i of NPROBE (tag-i.db): binary 'aaa' in every store (after a filler
 * in odd ones, so ids differ), 'bbb' from store 6 on (new to the merged
 * store in the second group). What repeats: aaa's 'pc' machine type
 * (its is_default differs: the first store's wins), its compat props,
 * its device with propset 'p1', bbb's qom types. What differs: one
 * q35 machine type of three, a compat prop only store 7 has, store 4
 * without 'pc', a property of p1 only store 11 has, a run of its own.
 */
static char *make_probe_store(const char *tag, int i)
{
	struct store st;
	struct strbuf sql = STRBUF_INIT, name = STRBUF_INIT;
	char *p;

	sb_printf(&name, "%s-%d.db", tag, i);
	p = tu_path(dir, name.buf);
	assert_int_equal(store_open(&st, p), 0);
	if (i % 2)
		sb_printf(&sql, "INSERT INTO binaries (sha256, status, probed_at)"
			  " VALUES ('filler%d', 'complete', 'now');", i);
	sb_printf(&sql,
		  "INSERT INTO binaries (sha256, version, status, probed_at)"
		  " VALUES ('aaa', '7.2.0', 'complete', 'now');"
		  "INSERT INTO machine_types (binary, name, is_default, deprecated)"
		  " SELECT id, 'pc-q35-7.%d', 0, 0 FROM binaries WHERE sha256 = 'aaa';"
		  "INSERT INTO compat_props (binary, machine, driver, property, value)"
		  " SELECT id, 'pc-q35-7.2', 'virtio-net', 'mq', 'off' FROM binaries"
		  " WHERE sha256 = 'aaa';"
		  "INSERT INTO compat_props (binary, machine, driver, property, value)"
		  " SELECT id, 'pc-q35-7.2', 'e1000', 'mac', '%s' FROM binaries"
		  " WHERE sha256 = 'aaa';"
		  "INSERT INTO propsets (sha256) VALUES ('p1');"
		  "INSERT INTO propset_props (propset, name, type) SELECT id, 'mac', 'str'"
		  " FROM propsets;"
		  "INSERT INTO devices (binary, name, propset) SELECT b.id, 'virtio-net',"
		  " p.id FROM binaries b, propsets p WHERE b.sha256 = 'aaa';"
		  "INSERT INTO sweeps (uuid, kind, status, started_at)"
		  " VALUES ('probe-sweep-%d', 'run', 'finished', 'then');"
		  "INSERT INTO runs (qemu, scenario, scenario_sha256, status, started_at, sweep)"
		  " SELECT '7.2.0', 'vm-%d', 'h', 'pass', 'now', id FROM sweeps;",
		  i % 3, i == 7 ? "late" : "on", i, i);
	if (i != 4)
		sb_printf(&sql, "INSERT INTO machine_types (binary, name, is_default,"
			  " deprecated) SELECT id, 'pc', %d, 0 FROM binaries WHERE"
			  " sha256 = 'aaa';", i == 0);
	if (i == 7)
		sb_puts(&sql, "INSERT INTO compat_props (binary, machine, driver, property)"
			      " SELECT id, 'pc-q35-7.2', 'ide', 'x' FROM binaries"
			      " WHERE sha256 = 'aaa';");
	if (i == 11)
		sb_puts(&sql, "INSERT INTO propset_props (propset, name, type) SELECT id,"
			      " 'mq', 'bool' FROM propsets;");
	if (i >= 6)
		sb_puts(&sql, "INSERT INTO binaries (sha256, version, status, probed_at)"
			      " VALUES ('bbb', '8.0.0', 'complete', 'now');"
			      "INSERT INTO qom_types (binary, name, parent, abstract) SELECT id,"
			      " 'virtio-net-pci', 'pci-device', 0 FROM binaries WHERE"
			      " sha256 = 'bbb';"
			      "INSERT INTO qom_types (binary, name, parent, abstract) SELECT id,"
			      " 'pci-device', 'device', 1 FROM binaries WHERE sha256 = 'bbb';");
	tu_exec(&st, sql.buf);
	store_close(&st);
	strbuf_release(&sql);
	strbuf_release(&name);
	return p;
}

/* Every table of the store at path, every row, in the order of all its columns. */
static char *dump_store(const char *path)
{
	struct store st;
	struct strbuf out = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_open(&st, path), 0);
	assert_int_equal(store_prepare(&st, &q, "SELECT name FROM sqlite_master WHERE"
					     " type = 'table' ORDER BY name"), 0);
	while (sqlite3_step(q) == SQLITE_ROW)
		strvec_push(&names, (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	for (size_t t = 0; t < names.nr; t++) {
		struct strbuf sql = STRBUF_INIT;
		int n;

		sb_printf(&sql, "SELECT * FROM \"%s\" LIMIT 0", names.v[t]);
		assert_int_equal(store_prepare(&st, &q, sql.buf), 0);
		n = sqlite3_column_count(q);
		sqlite3_finalize(q);
		strbuf_reset(&sql);
		sb_printf(&sql, "SELECT * FROM \"%s\" ORDER BY 1", names.v[t]);
		for (int c = 2; c <= n; c++)
			sb_printf(&sql, ", %d", c);
		assert_int_equal(store_prepare(&st, &q, sql.buf), 0);
		sb_printf(&out, "[%s]\n", names.v[t]);
		while (sqlite3_step(q) == SQLITE_ROW) {
			for (int c = 0; c < n; c++) {
				const unsigned char *v = sqlite3_column_text(q, c);

				sb_printf(&out, "%s%d:%s", c ? "|" : "",
					  sqlite3_column_type(q, c), v ? (const char *)v : "");
			}
			sb_puts(&out, "\n");
		}
		sqlite3_finalize(q);
		strbuf_release(&sql);
	}
	store_close(&st);
	strvec_clear(&names);
	return strbuf_detach(&out);
}

/* Merges ins into a new out.db, then into one that has the first three. */
static void merge_both_ways(const char *const *ins, unsigned flags, const char *fresh,
			    const char *grown)
{
	char *f = tu_path(dir, fresh), *g = tu_path(dir, grown);

	tu_capture_begin();
	assert_int_equal(sweep_merge_flags(f, ins, NPROBE, flags), 0);
	assert_int_equal(sweep_merge_flags(g, ins, 3, flags), 0);
	assert_int_equal(sweep_merge_flags(g, ins, NPROBE, flags), 0);
	free(tu_capture_end());
	free(f);
	free(g);
}

static void test_skip_of_repeated_records_changes_nothing(void **state)
{
	char *ins[NPROBE], *a, *b, *f;
	struct store st;
	char *v;

	(void)state;
	for (int i = 0; i < NPROBE; i++)
		ins[i] = make_probe_store("probe", i);
	merge_both_ways((const char *const *)ins, 0, "skip.db", "skip-grown.db");
	merge_both_ways((const char *const *)ins, MERGE_NO_SKIP, "noskip.db",
			"noskip-grown.db");

	/* What the merge must hold, whichever way. */
	f = tu_path(dir, "skip.db");
	assert_int_equal(store_open(&st, f), 0);
	v = tu_query1(&st, "SELECT group_concat(m.name || '=' || m.is_default, ' ') FROM"
			   " (SELECT * FROM machine_types ORDER BY name) m JOIN binaries b"
			   " ON b.id = m.binary AND b.sha256 = 'aaa'");
	assert_string_equal(v, "pc=1 pc-q35-7.0=0 pc-q35-7.1=0 pc-q35-7.2=0");
	free(v);
	v = tu_query1(&st, "SELECT group_concat(c.driver || '.' || c.property || '='"
			   " || coalesce(c.value, '-'), ' ') FROM (SELECT * FROM compat_props"
			   " ORDER BY driver) c");
	assert_string_equal(v, "e1000.mac=on ide.x=- virtio-net.mq=off");
	free(v);
	v = tu_query1(&st, "SELECT group_concat(name, ' ') FROM (SELECT name FROM"
			   " propset_props ORDER BY name)");
	assert_string_equal(v, "mac mq");
	free(v);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM qom_types q JOIN binaries b"
				       " ON b.id = q.binary AND b.sha256 = 'bbb'"),
			 2);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs"), NPROBE);
	store_close(&st);
	free(f);

	/* ... and the two ways agree on every row of every table. */
	for (int k = 0; k < 2; k++) {
		f = tu_path(dir, k ? "skip-grown.db" : "skip.db");
		a = dump_store(f);
		free(f);
		f = tu_path(dir, k ? "noskip-grown.db" : "noskip.db");
		b = dump_store(f);
		free(f);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	for (int i = 0; i < NPROBE; i++)
		free(ins[i]);
}

/* How many entries of dir start with prefix. */
static int count_prefixed(const char *d, const char *prefix)
{
	DIR *dh = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(dh);
	return n;
}

/* SIGINT or SIGTERM during a merge: no output made, none changed, no temporary left. */
static void test_interrupted_merge_leaves_nothing(void **state)
{
	char *ins[NPROBE], *out = tu_path(dir, "intr.db"), *msg;
	struct store st;

	(void)state;
	for (int i = 0; i < NPROBE; i++)
		ins[i] = make_probe_store("intr", i);
	vm_interrupted = SIGTERM;
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, (const char *const *)ins, NPROBE), -1);
	msg = tu_capture_end();
	assert_contains(msg, "merge interrupted by signal 15", "new output");
	assert_contains(msg, "is not made", "new output");
	free(msg);
	assert_false(path_exists(out));
	assert_int_equal(count_prefixed(dir, "vm-merge-"), 0);

	/* An existing output, merged through temporary parts: as it was. */
	vm_interrupted = 0;
	tu_capture_begin();
	assert_int_equal(sweep_merge(out, (const char *const *)ins, 2), 0);
	vm_interrupted = SIGINT;
	assert_int_equal(sweep_merge(out, (const char *const *)ins, NPROBE), -1);
	msg = tu_capture_end();
	vm_interrupted = 0;
	assert_contains(msg, "is as it was", "existing output");
	free(msg);
	assert_int_equal(count_prefixed(dir, "vm-merge-"), 0);
	assert_int_equal(store_open(&st, out), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM runs"), 2);
	store_close(&st);
	for (int i = 0; i < NPROBE; i++)
		free(ins[i]);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_shards_merge_into_one_sweep),
		cmocka_unit_test(test_one_shard_alone_is_not_finished),
		cmocka_unit_test(test_failed_merge_writes_nothing),
		cmocka_unit_test(test_skip_of_repeated_records_changes_nothing),
		cmocka_unit_test(test_interrupted_merge_leaves_nothing),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
