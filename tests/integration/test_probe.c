/*
 * virt-matrix probe and show against Debian's real QEMU, in a store of
 * the test's own: the record must agree with what the binary says about
 * itself on its command line, an unchanged binary must not be run again,
 * and every device recorded as crashing QEMU must really crash it.
 */
#include "teststore.h"
#include "caps.h"
#include "sha256.h"
#include "qemuproc.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

TU_DEBIAN_STORE_FIXTURE("probe")

static long atoi_checked(const char *s)
{
	long v = -1;

	if (!s || parse_long(s, 0, 1L << 30, &v))
		fail_msg("'%s' is not a count", s ? s : "(null)");
	return v;
}

/* Each line of `qemu <arg> help` that names one of want must be in the store. */
static void test_probe_records_what_qemu_says(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "probe", NULL },
			   (const char *const[]){ "--db", db, NULL }, 120),
		    0);
	assert_contains(out, "probed in", "first probe");
	free(out);
	assert_int_equal(store_open(&st, db), 0);

	/* What -machine help lists (q35 is an alias of pc-q35-7.2 here). */
	assert_exit(tu_run(&out, (const char *const[]){ QEMU, "-machine", "help", NULL },
			   (const char *const[]){ NULL }, 30),
		    0);
	{
		sqlite3_stmt *q = NULL;
		size_t n = 0;

		assert_int_equal(store_prepare(&st, &q, "SELECT name, alias FROM machine_types"), 0);
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(q, 0);
			struct strbuf line = STRBUF_INIT;

			sb_printf(&line, "\n%s ", name);
			assert_contains(out, line.buf, "machine in -machine help");
			strbuf_release(&line);
			n++;
		}
		sqlite3_finalize(q);
		assert_true(n > 30);
	}
	free(out);
	v = tu_query1(&st, "SELECT name FROM machine_types WHERE alias = 'q35'");
	assert_non_null(v);
	assert_true(!strncmp(v, "pc-q35-", 7));
	free(v);

	/* A property and its default, as device-list-properties gives it. */
	v = tu_query1(&st, "SELECT type FROM device_props WHERE device = 'virtio-net-pci' AND name = 'mac'");
	assert_non_null(v);
	assert_string_equal(v, "str");
	free(v);
	v = tu_query1(&st, "SELECT default_value FROM device_props WHERE device = 'e1000e' AND name = 'subsys_ven'");
	assert_non_null(v);
	assert_string_equal(v, "32902"); /* 0x8086 */
	free(v);

	/*
	 * Property sets are shared: the CPU models all have one, so there
	 * are fewer sets than devices, and every device has its set.
	 */
	v = tu_query1(&st, "SELECT (SELECT count(*) FROM propsets) < (SELECT count(*) FROM devices)");
	assert_string_equal(v, "1");
	free(v);
	v = tu_query1(&st, "SELECT count(*) FROM devices d LEFT JOIN propsets p ON p.id = d.propset WHERE p.id IS NULL");
	assert_string_equal(v, "0");
	free(v);
	v = tu_query1(&st, "SELECT count(DISTINCT d.propset) FROM devices d WHERE d.name IN ('Haswell-x86_64-cpu', 'Skylake-Client-x86_64-cpu', 'qemu64-x86_64-cpu')");
	assert_string_equal(v, "1");
	free(v);

	/* TCG works here; KVM is recorded either way, with a reason. */
	v = tu_query1(&st, "SELECT usable FROM accelerators WHERE name = 'tcg'");
	assert_string_equal(v, "1");
	free(v);
	v = tu_query1(&st, "SELECT detail FROM accelerators WHERE name = 'kvm'");
	assert_non_null(v);
	free(v);
	v = tu_query1(&st, "SELECT count(*) FROM qmp_commands WHERE name = 'query-machines'");
	assert_string_equal(v, "1");
	free(v);
	v = tu_query1(&st, "SELECT count(*) FROM binaries b JOIN qmp_schemas s ON s.sha256 = b.schema_sha256");
	assert_string_equal(v, "1");
	free(v);
	store_close(&st);
}

/*
 * A device recorded as crashing QEMU crashes a fresh QEMU when asked alone.
 * Debian's QEMU 7.2 has such devices (virtio-gpu-gl-pci, virtio-vga-gl:
 * built without their GL half), so a probe that records none has lost
 * them, and the test would check nothing.
 */
static void test_device_failures_are_real(void **state)
{
	struct store st;
	sqlite3_stmt *q = NULL;
	const char *args[] = { "-machine", "none", "-S", NULL };
	int crashes = 0;

	(void)state;
	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(store_prepare(&st, &q,
				       "SELECT device, error FROM device_failures"), 0);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *dev = (const char *)sqlite3_column_text(q, 0);
		const char *err = (const char *)sqlite3_column_text(q, 1);
		struct qemu_proc p;
		json_object *a = json_object_new_object(), *r = NULL;
		struct qmp_error e;
		int rc;

		assert_int_equal(qemu_proc_start(&p, QEMU, args, 10), 0);
		p.qmp.quiet = 1;
		json_object_object_add(a, "typename", json_object_new_string(dev));
		rc = qmp_call(&p.qmp, "device-list-properties", a, &r, &e);
		json_object_put(r);
		qemu_proc_stop(&p);
		if (!strncmp(err, "crashes QEMU", 12)) {
			if (rc != -1)
				fail_msg("%s was recorded as crashing QEMU but did not", dev);
			crashes++;
		}
		command_release(&p.cmd);
	}
	sqlite3_finalize(q);
	store_close(&st);
	if (!crashes)
		fail_msg("no device recorded as crashing Debian's QEMU: nothing was checked");
}

static void test_unchanged_binary_is_not_run_again(void **state)
{
	char *out = NULL, *name;
	struct store st;

	(void)state;
	assert_int_equal(store_open(&st, db), 0);
	name = tu_query1(&st, "SELECT version FROM installs WHERE app = 'qemu'");
	store_close(&st);
	assert_non_null(name);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "probe", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	assert_contains(out, "unchanged", "second probe");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "show", "caps", NULL },
			   (const char *const[]){ "--db", db, "--json", name, NULL }, 30),
		    0);
	assert_contains(out, "\"target\": \"x86_64\"", "show caps");
	assert_contains(out, "\"name\": \"tcg\"", "show caps");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "show", "machines", NULL },
			   (const char *const[]){ "--db", db, "nonesuch", NULL }, 30),
		    1);
	assert_contains(out, "no QEMU install named 'nonesuch'", "show unknown");
	free(out);
	free(name);
}

/*
 * A copy of a probed binary at a new path is hashed while the probe's
 * QEMUs already run (it could be new); it is the same content, so the
 * work stops, the record is reused and the new path is remembered.
 * Forced, the copy is run for real.
 */
static void test_copy_of_probed_binary_is_reused(void **state)
{
	char *tmp = tu_tmpdir("probecopy"), *sha, *seen, *msg;
	struct strbuf copy = STRBUF_INIT, data = STRBUF_INIT, sql = STRBUF_INIT;
	struct caps_result r;
	struct store st;
	char want[SHA256_HEX_LEN + 1];

	(void)state;
	path_join(&copy, tmp, "qemu-system-x86_64");
	assert_int_equal(strbuf_read_file(&data, QEMU, 256 << 20), 0);
	assert_int_equal(write_file_atomic(copy.buf, data.buf, data.len), 0);
	assert_int_equal(chmod(copy.buf, 0755), 0);
	assert_int_equal(sha256_file(QEMU, want), 0);
	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(caps_probe(&st, copy.buf, 0, 1, &r), 0);
	assert_true(r.reused);
	assert_string_equal(r.sha256, want);
	sha = tu_query1(&st, "SELECT sha256 FROM binaries WHERE status = 'complete'");
	assert_string_equal(sha, want);
	sb_printf(&sql, "SELECT sha256 FROM binary_paths WHERE path = '%s'", copy.buf);
	seen = tu_query1(&st, sql.buf);
	assert_string_equal(seen, want);
	/* The QEMUs started for it are gone. */
	assert_false(tu_running_from(copy.buf));
	/*
	 * Forced, the copy runs for real: Debian's QEMU finds its modules
	 * from its own path, so this copy stops at start, and the probe
	 * fails with QEMU's words and leaves nothing running.
	 */
	tu_capture_begin();
	assert_int_equal(caps_probe(&st, copy.buf, 1, 1, &r), -1);
	msg = tu_capture_end();
	assert_contains(msg, copy.buf, "forced copy");
	assert_contains(msg, "exited with status 1", "forced copy");
	assert_contains(msg, "the earlier complete record of this binary is kept",
			"forced copy");
	assert_false(r.reused);
	assert_false(tu_running_from(copy.buf));
	free(msg);
	free(sha);
	sha = tu_query1(&st, "SELECT sha256 || ' ' || status FROM binaries");
	assert_non_null(strstr(sha, want));
	assert_non_null(strstr(sha, " complete"));
	store_close(&st);
	free(sha);
	free(seen);
	strbuf_release(&sql);
	strbuf_release(&data);
	strbuf_release(&copy);
	tu_rmdir(tmp);
}

static char *fingerprint_of(struct store *st, const char *machine)
{
	struct strbuf sql = STRBUF_INIT;
	char *v;

	sb_printf(&sql, "SELECT fingerprint FROM machine_abi WHERE machine = '%s'"
			" AND status = 'ok'", machine);
	v = tu_query1(st, sql.buf);
	strbuf_release(&sql);
	if (!v)
		fail_msg("no ABI fingerprint for %s", machine);
	return v;
}

/* The fingerprint text of machine; it has the qom lines (matrix/abiqom.c). */
static char *text_of(struct store *st, const char *machine, const char *pm)
{
	struct strbuf sql = STRBUF_INIT;
	char *t;

	sb_printf(&sql, "SELECT t.text FROM machine_abi m JOIN abi_texts t"
			" ON t.sha256 = m.fingerprint WHERE m.machine = '%s'",
		  machine);
	t = tu_query1(st, sql.buf);
	strbuf_release(&sql);
	if (!t)
		fail_msg("no ABI text for %s", machine);
	assert_contains(t, pm, machine);
	assert_contains(t, "\nqom apic[0] legacy-instance-id = false\n", machine);
	assert_contains(t, "\nqom qemu64-x86_64-cpu[0] phys-bits = 40\n", machine);
	return t;
}

/*
 * Every versioned machine type got a fingerprint; probing again gives the
 * same ones (so two runs of one binary give the same texts, qom lines
 * and all: pc-q35-7.2's and pc-i440fx-7.2's are compared whole); the
 * relations QEMU's compat tables imply hold.
 */
static void test_abi_fingerprints(void **state)
{
	struct store st;
	char *out = NULL, *a, *b, *c, *before, *after;
	char *q35, *i440fx;

	(void)state;
	assert_int_equal(store_open(&st, db), 0);
	before = tu_query1(&st, "SELECT group_concat(machine || '=' || fingerprint, ',')"
			     " FROM (SELECT * FROM machine_abi ORDER BY machine)");
	assert_non_null(before);
	q35 = text_of(&st, "pc-q35-7.2", "\nqom ICH9-LPC[0] x-keep-pci-slot-hpc = true\n");
	i440fx = text_of(&st, "pc-i440fx-7.2", "\nqom PIIX4_PM[0] sci_int = 9\n");
	a = tu_query1(&st, "SELECT count(*) FROM machine_abi WHERE status != 'ok'");
	assert_string_equal(a, "0");
	free(a);
	a = tu_query1(&st, "SELECT count(*) FROM machine_abi");
	assert_true(atoi_checked(a) >= 40);
	free(a);
	a = fingerprint_of(&st, "pc-q35-7.0");
	b = fingerprint_of(&st, "pc-q35-7.1");
	c = fingerprint_of(&st, "pc-q35-7.2");
	assert_string_equal(a, b);
	assert_string_not_equal(b, c);
	free(a);
	free(b);
	free(c);
	store_close(&st);

	/*
	 * Probed again with each QEMU forked from the zygote (lib/zygote.h;
	 * an error if it cannot be), then with each an exec: the same
	 * fingerprints.
	 */
	for (int i = 0; i < 2; i++) {
		const char *env[] = { i ? "VIRT_MATRIX_ZYGOTE=off"
					: "VIRT_MATRIX_ZYGOTE=require", NULL };

		assert_exit(tu_run_env(&out, (const char *const[]){ vm, "probe", "--force", NULL },
				       (const char *const[]){ "--db", db, NULL }, env, 120),
			    0);
		free(out);
		assert_int_equal(store_open(&st, db), 0);
		after = tu_query1(&st, "SELECT group_concat(machine || '=' || fingerprint, ',')"
				    " FROM (SELECT * FROM machine_abi ORDER BY machine)");
		if (strcmp(before, after))
			fail_msg("%s: the fingerprints changed", env[0]);
		free(after);
		after = text_of(&st, "pc-q35-7.2", "\nqom PCIE:rp0 acpi-pcihp-bsel = 0\n");
		assert_string_equal(after, q35);
		free(after);
		after = text_of(&st, "pc-i440fx-7.2", "\nqom PCI:pci.0 acpi-pcihp-bsel = 0\n");
		assert_string_equal(after, i440fx);
		free(after);
		store_close(&st);
	}
	free(q35);
	free(i440fx);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_records_what_qemu_says),
		cmocka_unit_test(test_device_failures_are_real),
		cmocka_unit_test(test_abi_fingerprints),
		cmocka_unit_test(test_unchanged_binary_is_not_run_again),
		cmocka_unit_test(test_copy_of_probed_binary_is_reused),
	};
	return cmocka_run_group_tests_name("probe", tests, setup, teardown);
}
