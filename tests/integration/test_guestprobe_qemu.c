/*
 * The guest view as `virt-matrix probe` takes and records it, on Debian's
 * real QEMU 7.2 (every versioned machine type, in a store of the test's
 * own):
 *  - two probes of the binary record the same fingerprint for every
 *    machine type (the normalisation leaves nothing volatile);
 *  - machine types that QEMU's compat code says differ only in what the
 *    guest's tables hold differ in the guest view, in those items, while
 *    the QEMU-side ABI fingerprint is equal or cannot see it:
 *      pc-i440fx-7.0 -> 7.1 and pc-q35-7.0 -> 7.1: enforce_amd_1tb_hole
 *        (hw/i386/pc_piix.c and pc_q35.c, the *_7_0_machine_options set
 *        it false; hw/i386/pc.c reserves the AMD HyperTransport hole in
 *        the e820 table when the CPU's vendor is AMD, as qemu64's is,
 *        and phys-bits >= 40, as TCG's are): etc/e820 gains an entry, and
 *        so does the map SeaBIOS hands the boot loader;
 *      pc-i440fx-5.1 -> 5.2: pci_root_uid (pc_i440fx_5_1_machine_options
 *        sets it to 1; hw/i386/acpi-build.c writes it as \_SB.PCI0._UID):
 *        the DSDT, and nothing else the guest sees;
 *  - machine types whose compat code differs in nothing the guest sees
 *    stay identical: pc-i440fx-4.1 and 4.2, 3.0 and 3.1, 2.11 and 2.12.
 * Then a third probe is not run at all (an unchanged binary).
 */
#include "teststore.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static char *dir, *db, *vm;

/* machine -> fingerprint of table (machine_guest or machine_abi). */
static char *fingerprint(struct store *st, const char *table, const char *machine)
{
	struct strbuf sql = STRBUF_INIT;
	char *v;

	sb_printf(&sql, "SELECT fingerprint FROM %s WHERE machine = '%s'"
			" AND status = 'ok'", table, machine);
	v = tu_query1(st, sql.buf);
	strbuf_release(&sql);
	if (!v)
		fail_msg("no %s record of %s", table, machine);
	return v;
}

/* The names of the items whose content differs between a and b, sorted. */
static char *differing_items(struct store *st, const char *a, const char *b)
{
	struct strbuf sql = STRBUF_INIT;
	char *v;

	sb_printf(&sql,
		  "SELECT group_concat(name, ' ') FROM (SELECT x.name FROM"
		  " machine_guest_items x LEFT JOIN machine_guest_items y ON"
		  " y.binary = x.binary AND y.machine = '%s' AND y.name = x.name"
		  " WHERE x.machine = '%s' AND (y.sha256 IS NULL OR"
		  " y.sha256 <> x.sha256) UNION SELECT y.name FROM"
		  " machine_guest_items y WHERE y.machine = '%s' AND NOT EXISTS"
		  " (SELECT 1 FROM machine_guest_items x WHERE x.binary ="
		  " y.binary AND x.machine = '%s' AND x.name = y.name)"
		  " ORDER BY 1)",
		  b, a, b, a);
	v = tu_query1(st, sql.buf);
	strbuf_release(&sql);
	return v ? v : xstrdup("");
}

static char *snapshot(struct store *st)
{
	return tu_query1(st, "SELECT group_concat(machine || '=' || fingerprint, ' ')"
			     " FROM (SELECT * FROM machine_guest ORDER BY machine)");
}

static void probe(const char *const *extra)
{
	char *out = NULL;
	int rc = tu_run(&out, (const char *const[]){ vm, "probe", "--no-libvirt", NULL },
			extra, 300);

	if (rc)
		fail_msg("probe failed (%d): %s", rc, out);
	free(out);
}

static void test_two_probes_identical(void **state)
{
	struct store st;
	char *first, *second, *failed;

	(void)state;
	probe((const char *const[]){ "--db", db, NULL });
	assert_int_equal(store_open(&st, db), 0);
	failed = tu_query1(&st, "SELECT group_concat(machine || ': ' || error, '; ')"
				" FROM machine_guest WHERE status <> 'ok'");
	if (failed)
		fail_msg("machine types whose guest view failed: %s", failed);
	assert_true(tu_query_int(&st, "SELECT count(*) FROM machine_guest") >= 50);
	first = snapshot(&st);
	store_close(&st);

	probe((const char *const[]){ "--db", db, "--force", NULL });
	assert_int_equal(store_open(&st, db), 0);
	second = snapshot(&st);
	store_close(&st);
	if (strcmp(first, second))
		fail_msg("two probes differ:\n%s\n%s", first, second);
	free(first);
	free(second);
}

static const struct pair_case {
	const char *a, *b;
	const char *items; /* the items that differ, "" for none */
	int abi_equal;	   /* the QEMU-side fingerprints are equal too */
} pairs[] = {
	{ "pc-i440fx-7.0", "pc-i440fx-7.1", "firmware/e820 fw_cfg/dir fw_cfg/etc/e820", 1 },
	{ "pc-q35-7.0", "pc-q35-7.1", "firmware/e820 fw_cfg/dir fw_cfg/etc/e820", 1 },
	{ "pc-i440fx-5.1", "pc-i440fx-5.2", "acpi/DSDT", 0 },
	{ "pc-i440fx-4.1", "pc-i440fx-4.2", "", 0 },
	{ "pc-i440fx-3.0", "pc-i440fx-3.1", "", 0 },
	{ "pc-i440fx-2.11", "pc-i440fx-2.12", "", 0 },
};

static void test_pairs(void **state)
{
	struct store st;

	(void)state;
	assert_int_equal(store_open(&st, db), 0);
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct pair_case *k = &pairs[i];
		char *items = differing_items(&st, k->a, k->b);
		char *ga = fingerprint(&st, "machine_guest", k->a);
		char *gb = fingerprint(&st, "machine_guest", k->b);
		char *qa = fingerprint(&st, "machine_abi", k->a);
		char *qb = fingerprint(&st, "machine_abi", k->b);

		if (strcmp(items, k->items))
			fail_msg("%s -> %s: items differing '%s', expected '%s'",
				 k->a, k->b, items, k->items);
		if ((strcmp(ga, gb) == 0) != (*k->items == 0))
			fail_msg("%s -> %s: the guest fingerprints disagree with "
				 "the items", k->a, k->b);
		if (k->abi_equal && strcmp(qa, qb))
			fail_msg("%s -> %s: the QEMU-side fingerprints differ",
				 k->a, k->b);
		free(items);
		free(ga);
		free(gb);
		free(qa);
		free(qb);
	}
	store_close(&st);
}

static void test_unchanged_not_again(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(tu_run(&out, (const char *const[]){ vm, "probe", "--no-libvirt", NULL },
				(const char *const[]){ "--db", db, NULL }, 60), 0);
	assert_contains(out, "unchanged", "third probe");
	if (strstr(out, "guest view of"))
		fail_msg("an unchanged binary's guest view was taken again: %s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_probes_identical),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_unchanged_not_again),
	};
	int r;

	if (access(QEMU, X_OK))
		return 0;
	tu_store_with_debian_qemu("guestprobe", &dir, &db, &vm);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	tu_store_release(dir, db, vm);
	return r;
}
