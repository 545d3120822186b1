/*
 * The binaries table's readers and the path cache (lib/binaries.c), on a
 * temporary store: records are written with plain SQL the way the probe
 * writes them, and each reader is checked for what it gives back.
 */
#include <unistd.h>

#include "teststore.h"
#include "binaries.h"
#include "installs.h"
#include "sha256.h"

static char *dir;
static struct store st;

/*
 * Four records: 1 complete with its ABI part (7.2.0) of the first
 * definition (abi_rev NULL, as before the column), 2 complete without it
 * (10.0.2, probed with --no-abi, KVM usable), 3 failed, 4 complete with
 * an ABI part of definition 2. Installs name the binaries of 1, 2 and 3,
 * and a fourth one that was never probed.
 */
static int setup(void **state)
{
	(void)state;
	tu_store_tmp("binaries", &dir, &st);
	tu_exec(&st, "INSERT INTO qmp_schemas (sha256, json) VALUES ('s1', '[]');"
		 "INSERT INTO binaries (id, sha256, version, package, target,"
		 " schema_sha256, status, error, probed_at, probe_seconds,"
		 " vmstate_sha256, abi_seconds) VALUES"
		 " (1, 'aa', '7.2.0', 'Debian 1:7.2', 'x86_64', 's1', 'complete',"
		 "  NULL, '2026-12-01T00:00:00Z', 1.5, 'v1', 3.25),"
		 " (2, 'bb', '10.0.2', NULL, 'x86_64', NULL, 'complete', NULL,"
		 "  '2026-12-02T00:00:00Z', 2.5, NULL, NULL),"
		 " (3, 'cc', NULL, NULL, NULL, NULL, 'failed',"
		 "  'the probe failed', '2026-12-03T00:00:00Z', 0.5, NULL, NULL);"
		 "INSERT INTO binaries (id, sha256, version, status, probed_at,"
		 " probe_seconds, abi_seconds, abi_rev) VALUES"
		 " (4, 'ee', '10.2.2', 'complete', '2026-12-04T00:00:00Z', 0.5, 0.75, 2);"
		 "INSERT INTO accelerators (binary, name, usable) VALUES"
		 " (1, 'tcg', 1), (1, 'kvm', 0), (2, 'tcg', 1), (2, 'kvm', 1);");
	tu_exec(&st, "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		 " binary_sha256, status, installed_at) VALUES"
		 " ('qemu', '7.2.0', 'built', '/opt/qemu/7.2.0', '/q/7.2.0', 'aa',"
		 "  'installed', 'now'),"
		 " ('qemu', '10.0.2', 'built', '/opt/qemu/10.0.2', '/q/10.0.2', 'bb',"
		 "  'installed', 'now'),"
		 " ('qemu', '9.9.9', 'built', '/opt/qemu/9.9.9', '/q/9.9.9', 'cc',"
		 "  'installed', 'now'),"
		 " ('qemu', '8.0.0', 'built', '/opt/qemu/8.0.0', '/q/8.0.0', NULL,"
		 "  'installed', 'now'),"
		 " ('libvirt', '9.0.0', 'built', '/opt/libvirt/9.0.0', '/l/virsh', 'aa',"
		 "  'installed', 'now');");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_tmp_release(dir, &st);
	return 0;
}

static void test_get(void **state)
{
	struct binary_record b;

	(void)state;
	assert_int_equal(binary_get(&st, 1, &b), 0);
	assert_int_equal(b.id, 1);
	assert_string_equal(b.sha256, "aa");
	assert_string_equal(b.version, "7.2.0");
	assert_string_equal(b.package, "Debian 1:7.2");
	assert_string_equal(b.target, "x86_64");
	assert_string_equal(b.schema_sha256, "s1");
	assert_int_equal(b.status, BINARY_COMPLETE);
	assert_null(b.error);
	assert_string_equal(b.probed_at, "2026-12-01T00:00:00Z");
	assert_true(b.probe_seconds == 1.5);
	assert_string_equal(b.vmstate_sha256, "v1");
	assert_int_equal(b.abi_complete, 1);
	assert_true(b.abi_seconds == 3.25);
	assert_int_equal(b.abi_rev, 1); /* NULL: the first definition */
	binary_record_release(&b);

	assert_int_equal(binary_get(&st, 4, &b), 0);
	assert_int_equal(b.abi_complete, 1);
	assert_int_equal(b.abi_rev, 2);
	binary_record_release(&b);

	/* Probed with --no-abi: the ABI part is still to do. */
	assert_int_equal(binary_get(&st, 2, &b), 0);
	assert_string_equal(b.version, "10.0.2");
	assert_null(b.package);
	assert_null(b.schema_sha256);
	assert_int_equal(b.abi_complete, 0);
	binary_record_release(&b);

	assert_int_equal(binary_get(&st, 3, &b), 0);
	assert_int_equal(b.status, BINARY_FAILED);
	assert_string_equal(b.error, "the probe failed");
	assert_null(b.version);
	binary_record_release(&b);

	assert_int_equal(binary_get(&st, 42, &b), 1);
	binary_record_release(&b);
}

static const struct {
	const char *name, *sha256;
	int want;
	long long id;
} complete_cases[] = {
	{ "complete", "aa", 1, 1 },
	{ "complete without ABI", "bb", 1, 2 },
	{ "failed", "cc", 0, 0 },
	{ "unknown", "dd", 0, 0 },
	{ "no sha256", NULL, 0, 0 },
};

static void test_complete_id(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(complete_cases); i++) {
		long long id = 0;
		int r = binary_complete_id(&st, complete_cases[i].sha256, &id);

		if (r != complete_cases[i].want || id != complete_cases[i].id)
			fail_msg("%s: got %d with id %lld, want %d with id %lld",
				 complete_cases[i].name, r, id, complete_cases[i].want,
				 complete_cases[i].id);
	}
}

static const struct {
	const char *name;
	long long id;
	const char *accel;
	int want;
} accel_cases[] = {
	{ "tcg usable", 1, "tcg", 1 },
	{ "kvm not usable", 1, "kvm", 0 },
	{ "kvm usable", 2, "kvm", 1 },
	{ "not tried", 3, "kvm", 0 },
	{ "unknown accelerator", 1, "hvf", 0 },
};

static void test_accel_usable(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(accel_cases); i++) {
		int r = binary_accel_usable(&st, accel_cases[i].id, accel_cases[i].accel);

		if (r != accel_cases[i].want)
			fail_msg("%s: got %d, want %d", accel_cases[i].name, r,
				 accel_cases[i].want);
	}
}

static const struct binary_install want_installs[] = {
	{ "10.0.2", "/q/10.0.2", 2, "10.0.2" },
	{ "7.2.0", "/q/7.2.0", 1, "7.2.0" },
	{ "8.0.0", "/q/8.0.0", 0, NULL },
	{ "9.9.9", "/q/9.9.9", 0, NULL }, /* its record failed */
};

static int cmp_install(const void *a, const void *b)
{
	return strcmp(((const struct binary_install *)a)->install,
		      ((const struct binary_install *)b)->install);
}

static void test_qemu_installs(void **state)
{
	struct binary_install *v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(binary_qemu_installs(&st, &v, &n), 0);
	assert_int_equal(n, ARRAY_SIZE(want_installs)); /* libvirt's is not one */
	sort_array(v, n, sizeof(*v), cmp_install);
	for (size_t i = 0; i < n; i++) {
		const struct binary_install *w = &want_installs[i];

		assert_string_equal(v[i].install, w->install);
		assert_string_equal(v[i].binary_path, w->binary_path);
		if (v[i].binary != w->binary)
			fail_msg("%s: binary %lld, want %lld", w->install, v[i].binary,
				 w->binary);
		if (w->version)
			assert_string_equal(v[i].version, w->version);
		else
			assert_null(v[i].version);
	}
	binary_installs_free(v, n);
}

/*
 * A file's sha256 is read once and then remembered by path, size, mtime
 * and inode; a changed file is read again, and binary_find tells a
 * recorded content from one that is not.
 */
static void test_sha256_remembered_and_find(void **state)
{
	struct strbuf path = STRBUF_INIT;
	struct binary_path_key k;
	char sha[65], want[65], again[65];
	long long id = 0;

	(void)state;
	sb_printf(&path, "%s/qemu-system-x86_64", dir);
	tu_write(dir, "qemu-system-x86_64", "not really QEMU");
	sha256_hex("not really QEMU", strlen("not really QEMU"), want);

	assert_int_equal(binary_sha256_remembered(&st, path.buf, sha, &k), 0);
	assert_int_equal(binary_sha256(&st, path.buf, sha), 0);
	assert_string_equal(sha, want);
	assert_int_equal(binary_sha256_remembered(&st, path.buf, again, &k), 1);
	assert_string_equal(again, want);
	assert_int_equal(k.size, (long long)strlen("not really QEMU"));

	/* Hashed, but no record of that content: 1. */
	assert_int_equal(binary_find(&st, path.buf, &id), 1);

	/* A record of that content makes it found. */
	{
		sqlite3_stmt *q = NULL;

		assert_int_equal(store_prepare(&st, &q, "UPDATE binaries SET sha256 = ?"
						       " WHERE id = 2"),
				 0);
		store_bind_text(q, 1, want);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_finalize(q);
	}
	assert_int_equal(binary_find(&st, path.buf, &id), 0);
	assert_int_equal(id, 2);

	/* Another content at the same path is read again, not remembered. */
	tu_write(dir, "qemu-system-x86_64", "another QEMU, longer than the first");
	assert_int_equal(binary_sha256_remembered(&st, path.buf, again, &k), 0);
	assert_int_equal(binary_sha256(&st, path.buf, again), 0);
	assert_string_not_equal(again, want);
	assert_int_equal(binary_find(&st, path.buf, &id), 1);

	/* A file that is not there is reported, not hashed. */
	tu_capture_begin();
	assert_int_equal(binary_sha256(&st, "/nonexistent/qemu", sha), -1);
	{
		char *msg = tu_capture_end();

		assert_contains(msg, "/nonexistent/qemu", "missing file");
		free(msg);
	}
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_complete_id),
		cmocka_unit_test(test_accel_usable),
		cmocka_unit_test(test_qemu_installs),
		cmocka_unit_test(test_sha256_remembered_and_find),
	};
	return cmocka_run_group_tests_name("binaries", tests, setup, teardown);
}
