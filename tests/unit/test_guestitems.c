/*
 * The guest view's items summed up in a line and selected by table name
 * (matrix/guestitems.c): the summaries of the real recorded view of
 * pc-q35-7.2 (tests/data/guestview/, normalised as the store keeps it)
 * compared with what its bytes say, items of kinds that view lacks
 * (CPUID, the local APIC, the firmware's e820, an SSDT) built here, and
 * short or malformed items, which are summed up as such. Then which
 * --table names select which items, and what a view offers to select.
 */
#include "testguest.h"
#include "guestitems.h"

static struct guestview real;

static int setup(void **state)
{
	(void)state;
	tu_guestview_real(&real);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	guestview_release(&real);
	return 0;
}

static void expect_summary(const char *casename, const struct gv_item *it,
			   const char *want)
{
	struct strbuf got = STRBUF_INIT;

	guest_item_summary(it, &got);
	if (strcmp(got.buf, want))
		fail_msg("%s: '%s', expected '%s'", casename, got.buf, want);
	strbuf_release(&got);
}

/* What the recorded bytes say (checked by hand against the dump). */
static void test_real_summaries(void **state)
{
	static const struct {
		const char *item, *want;
	} cases[] = {
		{ "acpi/RSDP", "RSDP revision 0 (ACPI 1.0), OEM \"BOCHS\"" },
		{ "acpi/RSDT", "RSDT revision 1, OEM \"BOCHS\" \"BXPC\", OEM revision 1, length 56" },
		{ "acpi/DSDT", "DSDT revision 1, OEM \"BOCHS\" \"BXPC\", OEM revision 1, length 8408" },
		{ "acpi/FACP", "FACP revision 3, OEM \"BOCHS\" \"BXPC\", OEM revision 1, length 244" },
		{ "acpi/FACS", "FACS version 0, length 64" },
		{ "smbios/entry", "SMBIOS 2.8, 32-bit entry point, table 376 bytes" },
		{ "smbios/table", "9 structures" },
		{ "fw_cfg/dir", "15 files" },
		{ "fw_cfg/etc/e820", "2 entries" },
		{ "pci/00:00.0", "8086:29c0 rev 00, class 0600 prog-if 00 (bridge)" },
		{ "pci/00:1f.2", "8086:2922 rev 02, class 0106 prog-if 01 (mass storage)" },
		{ "pci/00:1f.3", "8086:2930 rev 02, class 0c05 prog-if 00 (serial bus)" },
		/* VERSION_1 and RING_RESET; rx, tx and the control queue */
		{ "virtio/00:02.0", "features 0x0000010130bf8024, 3 queues" },
		{ "virtio/00:04.0", "features 0x0000010130006e74, 1 queues" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_summary(cases[i].item, tu_guest_item(&real, cases[i].item),
			       cases[i].want);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Items of kinds the recorded view lacks, and broken ones. */
static void test_built_summaries(void **state)
{
	unsigned char cpuid[48] = { 0 }, lapic[8], e820[50] = { 0 }, ssdt[40] = { 0 };
	unsigned char smb[40] = { 0 }, pci[4] = { 0x86, 0x80, 0x00, 0x10 };
	static const unsigned char table_no_end[] = { 1, 4, 0, 1, 'x', 0, 0, 0, 2 };
	struct {
		struct gv_item it;
		const char *want;
	} cases[] = {
		{ { "cpu/cpuid", 0, cpuid, sizeof(cpuid) },
		  "2 records, max basic leaf 0xd, vendor GenuineIntel" },
		{ { "cpu/cpuid", 0, cpuid, 30 }, "1 record and 6 bytes left over, max basic leaf 0xd, vendor GenuineIntel" },
		{ { "cpu/lapic", 0, lapic, sizeof(lapic) }, "APIC ID 1, version 0x14, 6 LVT entries" },
		{ { "cpu/lapic", 0, lapic, 4 }, "too short (4 bytes)" },
		{ { "firmware/e820", 0, e820, 48 }, "2 entries" },
		{ { "firmware/e820", 0, e820, 50 }, "2 entries and 2 bytes left over" },
		{ { "fw_cfg/etc/e820", 0, e820, 50 }, "2 entries and 10 bytes left over" },
		{ { "acpi/SSDT.2", 0, ssdt, sizeof(ssdt) },
		  "SSDT revision 1, OEM \"BOCHS\" \"NVDIMM\", OEM revision 1, length 38 (40 bytes read)" },
		{ { "acpi/SSDT", 0, ssdt, 20 }, "too short for an ACPI table header (20 bytes)" },
		{ { "acpi/RSDP", 0, ssdt, 12 }, "RSDP, too short (12 bytes)" },
		{ { "smbios/entry", 0, smb, sizeof(smb) }, "SMBIOS 3.4, 64-bit entry point, table at most 1000 bytes" },
		{ { "smbios/entry", 0, ssdt, sizeof(ssdt) }, "no SMBIOS anchor ('_SM_' or '_SM3_')" },
		{ { "smbios/table", 0, (unsigned char *)table_no_end, sizeof(table_no_end) },
		  "1 structure, no end-of-table structure (malformed at byte 7)" },
		{ { "pci/00:02.0", 0, pci, sizeof(pci) }, "too short for a PCI header (4 bytes)" },
		{ { "fw_cfg/dir", 0, pci, 2 }, "too short for a file count (2 bytes)" },
		{ { "virtio/00:02.0", 0, ssdt, 9 }, "too short (9 bytes)" },
		{ { "fw_cfg/etc/boot-fail-wait", 0, pci, 4 }, "" },
		{ { "pcibar/00:02.0", 0, pci, 4 }, "" },
	};

	(void)state;
	put32(cpuid + 8, 0xd);
	memcpy(cpuid + 12, "Genu", 4); /* ebx */
	memcpy(cpuid + 16, "ntel", 4); /* ecx */
	memcpy(cpuid + 20, "ineI", 4); /* edx */
	put32(cpuid + 24, 1);
	put32(lapic, 0x01000000);
	put32(lapic + 4, 0x00050014);
	memcpy(ssdt, "SSDT", 4);
	put32(ssdt + 4, 38);
	ssdt[8] = 1;
	memcpy(ssdt + 10, "BOCHS NVDIMM  ", 14);
	put32(ssdt + 24, 1);
	memcpy(smb, "_SM3_", 5);
	smb[7] = 3;
	smb[8] = 4;
	put32(smb + 12, 1000);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[64];

		snprintf(name, sizeof(name), "case %zu, %s", i, cases[i].it.name);
		expect_summary(name, &cases[i].it, cases[i].want);
	}
}

struct select_case {
	const char *table;
	int valid;
	const char *selected; /* of the names below, as a string of 0 and 1 */
};

static const char *const names[] = {
	"acpi/DSDT", "acpi/SSDT", "acpi/SSDT.2", "acpi/SSDT.10", "acpi/SSDTX",
	"acpi/SSDT.x", "pci/00:02.0", "pcibar/00:02.0", "pci/00:1f.2",
	"smbios/entry", "smbios/table", "cpu/cpuid", "cpu/lapic",
	"firmware/e820", "fw_cfg/etc/e820", "fw_cfg/dir", "fw_cfg/etc/boot-fail-wait",
	"virtio/00:02.0",
};

static const struct select_case select_cases[] = {
	{ "DSDT", 1, "100000000000000000" },
	{ "dsdt", 1, "100000000000000000" },
	{ "SSDT", 1, "011100000000000000" },
	{ "ssdt", 1, "011100000000000000" },
	{ "pci", 1, "000000101000000000" },
	{ "PCI", 1, "000000101000000000" },
	{ "pci:00:02.0", 1, "000000100000000000" },
	{ "pcibar/00:02.0", 1, "000000010000000000" },
	{ "pci:00:1F.2", 1, "000000001000000000" },
	{ "smbios", 1, "000000000110000000" },
	{ "cpuid", 1, "000000000001000000" },
	{ "lapic", 1, "000000000000100000" },
	{ "e820", 1, "000000000000011000" },
	{ "fwcfg", 1, "000000000000000100" },
	{ "fw_cfg/etc/boot-fail-wait", 1, "000000000000000010" },
	{ "virtio", 1, "000000000000000001" },
	{ "VIRTIO", 1, "000000000000000001" },
	{ "virtio/00:02.0", 1, "000000000000000001" },
	{ "XSDT", 1, "000000000000000000" },
	{ "pci:0:2.0", 0, NULL },
	{ "pci:", 0, NULL },
	{ "bogus", 0, NULL },
	{ "DSD", 0, NULL },
	{ "fw_cfg/", 0, NULL },
	{ "", 0, NULL },
};

static void test_select(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(select_cases); c++) {
		const struct select_case *k = &select_cases[c];
		char got[ARRAY_SIZE(names) + 1];

		if (guest_table_valid(k->table) != k->valid)
			fail_msg("'%s': valid %d, expected %d", k->table, !k->valid, k->valid);
		if (!k->valid)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			got[i] = guest_table_selects(k->table, names[i]) ? '1' : '0';
		got[ARRAY_SIZE(names)] = '\0';
		if (strcmp(got, k->selected))
			fail_msg("'%s' selects %s, expected %s", k->table, got, k->selected);
	}
}

/*
 * The table of each item selects it again; a pcibar/ item is shown by its
 * function's decoding, pci:BB:DD.F.
 */
static void test_table_of(void **state)
{
	static const char *const want[] = {
		"DSDT", "SSDT", "SSDT", "SSDT", "SSDT", "SSDT", "pci:00:02.0",
		"pci:00:02.0", "pci:00:1f.2", "smbios", "smbios", "cpuid",
		"lapic", "e820", "e820", "fwcfg", "fw_cfg/etc/boot-fail-wait",
		"virtio",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct strbuf t = STRBUF_INIT;

		guest_table_of(names[i], &t);
		if (strcmp(t.buf, want[i]))
			fail_msg("%s: table '%s', expected '%s'", names[i], t.buf, want[i]);
		/* acpi/SSDTX and acpi/SSDT.x are no names a table gives back */
		if (i != 4 && i != 5 && i != 7 && !guest_table_selects(t.buf, names[i]))
			fail_msg("%s: its table '%s' does not select it", names[i], t.buf);
		strbuf_release(&t);
	}
}

static void test_tables_in(void **state)
{
	struct guestview small;
	struct strbuf got = STRBUF_INIT;

	(void)state;
	guest_tables_in(&real, &got);
	assert_string_equal(got.buf, "smbios, pci, pci:BB:DD.F (00:00.0 00:01.0 00:02.0 "
				     "00:03.0 00:04.0 00:05.0 00:1f.0 00:1f.2 00:1f.3), "
				     "cpuid, lapic, e820, fwcfg, virtio and the ACPI tables RSDP "
				     "RSDT FACP DSDT FACS APIC HPET MCFG WAET");
	guestview_init(&small);
	strbuf_reset(&got);
	guest_tables_in(&small, &got);
	assert_string_equal(got.buf, "no items");
	guestview_add(&small, "acpi/SSDT", 0, "x", 1);
	guestview_add(&small, "acpi/SSDT.2", 0, "x", 1);
	guestview_add(&small, "cpu/cpuid", 0, "x", 1);
	strbuf_reset(&got);
	guest_tables_in(&small, &got);
	assert_string_equal(got.buf, "cpuid and the ACPI tables SSDT");
	guestview_release(&small);
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_summaries),
		cmocka_unit_test(test_built_summaries),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_table_of),
		cmocka_unit_test(test_tables_in),
	};

	return cmocka_run_group_tests_name("guestitems", tests, setup, teardown);
}
