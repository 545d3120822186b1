/*
 * The guest view's decoders (matrix/guestdecode.c, guestpci.c,
 * guestcpuid.c, guestvirtio.c) on real recorded views of Debian's QEMU 7.2, normalised as
 * the store keeps them: pc-q35-7.2 as it comes (tests/data/guestview/
 * pc-q35-7.2.txt) and with an e1000e, two virtio-net and a PCIe root
 * port (pc-q35-7.2-nics.txt, rewritten by REGENERATE=1
 * tests/bin/test_guestdecode_qemu). ACPI and SMBIOS go through the real
 * iasl and dmidecode; stand-ins of them (shell scripts put first in the
 * tools' path) show a tool that fails or hangs. CPUID, the local APIC and
 * the firmware's e820 have no recorded dump yet: their bytes are built
 * here from values whose meaning is known. Broken copies of real bytes
 * must decode as far as they go and say where they stopped.
 */
#include "testutil.h"
#include "guestdecode.h"
#include "guestview.h"

#define DUMP "tests/data/guestview/pc-q35-7.2.txt"
#define NICS "tests/data/guestview/pc-q35-7.2-nics.txt"

static struct guestview q35, nics;
static char *base;	   /* this run's directory: holds tmpdir and scratch */
static char *tmpdir;	   /* TMPDIR while the tests run: must stay empty */
static char *saved_tmpdir; /* the TMPDIR before */

static void load(const char *path, struct guestview *gv)
{
	char *text = tu_read(path);

	guestview_init(gv);
	if (guestview_undump(text, path, gv) || guestview_normalise(gv))
		fail_msg("cannot load %s", path);
	free(text);
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	load(DUMP, &q35);
	load(NICS, &nics);
	saved_tmpdir = t ? xstrdup(t) : NULL;
	base = tu_tmpdir("decode");
	tmpdir = tu_path(base, "tmp");
	assert_int_equal(mkdir(tmpdir, 0700), 0);
	setenv("TMPDIR", tmpdir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	guestview_release(&q35);
	guestview_release(&nics);
	if (saved_tmpdir)
		setenv("TMPDIR", saved_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(saved_tmpdir);
	free(tmpdir);
	tu_rmdir(base);
	return 0;
}

/* Fails unless text has the whole line (without its newline). */
static void assert_line(const char *text, const char *line, const char *what)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && !memcmp(p, line, n))
			return;
		p = nl ? nl + 1 : NULL;
	}
	fail_msg("%s: expected the line '%s' in:\n%s", what, line, text);
}

static void assert_lacks(const char *text, const char *needle, const char *what)
{
	if (strstr(text, needle))
		fail_msg("%s: '%s' should not be in:\n%s", what, needle, text);
}

/* The decoders' temporary directories are all gone. */
static void assert_tmpdir_empty(const char *what)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fail_msg("%s: '%s' left in %s", what, e->d_name,
				 tmpdir);
	closedir(d);
}

/* A directory of the test's own, outside TMPDIR (removed in teardown). */
static char *scratch(const char *name)
{
	char *dir = tu_path(base, name);

	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

static char *decode(const struct guestview *gv, const char *name)
{
	struct strbuf out = STRBUF_INIT;

	if (guest_decode(gv, name, &out))
		fail_msg("%s: cannot decode", name);
	assert_tmpdir_empty(name);
	return strbuf_detach(&out);
}

/* A view of one item (or two: a pci/ item and its pcibar/). */
static void one_item(struct guestview *gv, const char *name, const void *data,
		     size_t len)
{
	guestview_init(gv);
	guestview_add(gv, name, 0, data, len);
}

static const char *const weekdays[] = { "Mon ", "Tue ", "Wed ", "Thu ",
					"Fri ", "Sat ", "Sun " };

/* The DSDT: ASL, with nothing of iasl's own, of the run or of the host. */
static void test_dsdt(void **state)
{
	char *t = decode(&q35, "acpi/DSDT");

	(void)state;
	assert_line(t,
		    "DefinitionBlock (\"\", \"DSDT\", 1, \"BOCHS \", "
		    "\"BXPC    \", 0x00000001)",
		    "DSDT");
	assert_contains(t, "        Device (PCI0)\n", "DSDT");
	assert_contains(t,
			"            Name (_HID, EisaId (\"PNP0A08\") /* PCI "
			"Express Bus */)  // _HID: Hardware ID\n",
			"DSDT");
	assert_line(t, " *     Length           0x000020D8 (8408)",
		    "DSDT header");
	for (size_t i = 0; i < ARRAY_SIZE(weekdays); i++)
		assert_lacks(t, weekdays[i], "a date");
	assert_lacks(t, tmpdir, "DSDT");
	assert_lacks(t, "table.", "the file iasl read");
	assert_lacks(t, "Intel ACPI Component Architecture", "iasl's banner");
	assert_lacks(t, "Disassembl", "iasl's banner");
	assert_lacks(t, "Copyright", "iasl's banner");
	assert_lacks(t, "Checksum", "DSDT");
	free(t);
}

/* Every other table, field by field; the RSDP by our own decoder. */
static const struct acpi_case {
	const char *item;
	const char *lines[4];
} acpi_cases[] = {
	{ "acpi/RSDP",
	  { "Signature : \"RSD PTR \"", "Oem ID : \"BOCHS \"",
	    "Revision : 0x00", "RSDT Address : 0x00000000" } },
	{ "acpi/RSDT",
	  { "Signature : \"RSDT\"    [Root System Description Table]",
	    "ACPI Table Address   4 : 00000000" } },
	{ "acpi/FACP",
	  { "Revision : 03", "SCI Interrupt : 0009",
	    "PM1A Event Block Address : 00000600",
	    "  8042 Present on ports 60/64 (V2) : 1" } },
	{ "acpi/FACS",
	  { "Signature : \"FACS\"", "Length : 00000040",
	    "Hardware Signature : 00000000" } },
	{ "acpi/APIC",
	  { "Local Apic Address : FEE00000", "Subtable Type : 01 [I/O APIC]",
	    "Address : FEC00000", "Subtable Type : 04 [Local APIC NMI]" } },
	{ "acpi/HPET",
	  { "Hardware Block ID : 8086A201", "Address : 00000000FED00000" } },
	{ "acpi/MCFG",
	  { "Base Address : 00000000B0000000", "End Bus Number : FF" } },
	{ "acpi/WAET",
	  { "Flags (decoded below) : 00000002",
	    "  PM timer, one read only : 1" } },
};

static void test_acpi_tables(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(acpi_cases); c++) {
		const struct acpi_case *k = &acpi_cases[c];
		char *t = decode(&q35, k->item);

		for (size_t i = 0; i < ARRAY_SIZE(k->lines) && k->lines[i]; i++)
			assert_line(t, k->lines[i], k->item);
		assert_lacks(t, "Checksum", k->item);
		assert_lacks(t, "Raw Table Data", k->item);
		assert_lacks(t, "could not decode", k->item);
		assert_lacks(t, "[000h", k->item);
		assert_lacks(t, "Intel ACPI", k->item);
		free(t);
	}
}

/* The same bytes, twice and from a second load: the same text. */
static void test_stable(void **state)
{
	struct guestview again;

	(void)state;
	load(DUMP, &again);
	for (size_t i = 0; i < q35.nr; i++) {
		char *a = decode(&q35, q35.items[i].name);
		char *b = decode(&q35, q35.items[i].name);
		char *c = decode(&again, q35.items[i].name);

		if (strcmp(a, b) || strcmp(a, c))
			fail_msg("%s: two decodes differ", q35.items[i].name);
		free(a);
		free(b);
		free(c);
	}
	guestview_release(&again);
}

/* One byte of the DSDT's AML differs: the text says which; a checksum alone
 * does not. */
static void test_dsdt_byte_differs(void **state)
{
	static const unsigned char dbg[] = { 'D',  'B',	 'G',  '_',
					     0x01, 0x0b, 0x02, 0x04 };
	const struct gv_item *dsdt = guestview_find(&q35, "acpi/DSDT");
	unsigned char *copy = xmalloc(dsdt->len);
	unsigned char *at;
	struct guestview v;
	char *orig = decode(&q35, "acpi/DSDT"), *t;

	(void)state;
	memcpy(copy, dsdt->data, dsdt->len);
	at = memmem(copy, dsdt->len, dbg, sizeof(dbg));
	assert_non_null(at);
	at[6] = 0x03; /* OperationRegion (DBG, SystemIO, 0x0403, One) */
	one_item(&v, "acpi/DSDT", copy, dsdt->len);
	t = decode(&v, "acpi/DSDT");
	assert_contains(t, "OperationRegion (DBG, SystemIO, 0x0403, One)",
			"changed");
	assert_contains(orig, "OperationRegion (DBG, SystemIO, 0x0402, One)",
			"original");
	assert_true(strcmp(t, orig) != 0);
	free(t);
	guestview_release(&v);
	memcpy(copy, dsdt->data, dsdt->len);
	copy[9] ^= 0x5a;
	one_item(&v, "acpi/DSDT", copy, dsdt->len);
	t = decode(&v, "acpi/DSDT");
	assert_string_equal(t, orig);
	free(t);
	guestview_release(&v);
	free(copy);
	free(orig);
}

/*
 * A table iasl knows only by its header keeps iasl's hex dump (with the
 * checksum zeroed); one it cannot read at all is our hex dump with why.
 */
static void test_acpi_unknown(void **state)
{
	const struct gv_item *waet = guestview_find(&q35, "acpi/WAET");
	unsigned char *copy = xmalloc(waet->len);
	struct guestview v;
	char *t;

	(void)state;
	memcpy(copy, waet->data, waet->len);
	memcpy(copy, "QQQQ", 4);
	one_item(&v, "acpi/QQQQ", copy, waet->len);
	t = decode(&v, "acpi/QQQQ");
	assert_line(t, "**** Unknown ACPI table signature [QQQQ]", "QQQQ");
	assert_line(t, "Raw Table Data: Length 40 (0x28)", "QQQQ");
	assert_contains(
	    t, "    0000: 51 51 51 51 28 00 00 00 01 00 42 4F 43 48 53 20",
	    "QQQQ");
	free(t);
	guestview_release(&v);
	one_item(&v, "acpi/SSDT", "SSDT\x10\x00\x00\x00", 8);
	t = decode(&v, "acpi/SSDT");
	assert_line(t,
		    "iasl could not decode this (exited with status 255): "
		    "Binary file does not contain a valid ACPI table",
		    "SSDT");
	assert_line(
	    t,
	    "00000000  53 53 44 54 10 00 00 00                          "
	    "|SSDT....|",
	    "SSDT");
	free(t);
	guestview_release(&v);
	free(copy);
}

static void test_smbios(void **state)
{
	char *t = decode(&q35, "smbios/table"),
	     *e = decode(&q35, "smbios/entry");
	const struct gv_item *table = guestview_find(&q35, "smbios/table");
	struct guestview v;

	(void)state;
	assert_line(t, "SMBIOS 2.8 present.", "table");
	assert_line(t, "9 structures occupying 376 bytes.", "table");
	assert_line(t, "System Information", "table");
	assert_line(t, "\tManufacturer: QEMU", "table");
	assert_line(t, "\tVersion: pc-q35-7.2", "table");
	assert_line(t, "\tUUID: Not Settable", "table (UUID normalised)");
	assert_lacks(t, "# dmidecode", "table");
	assert_lacks(t, "Reading SMBIOS", "table");
	assert_lacks(t, "smbios.bin", "table");
	assert_lacks(t, tmpdir, "table");
	assert_line(e, "anchor = \"_SM_\"", "entry");
	assert_line(e, "version = 2.8", "entry");
	assert_line(e, "structure table length = 376", "entry");
	assert_line(e, "number of structures = 9", "entry");
	assert_line(e, "structure table address = 0x00000000", "entry");
	assert_lacks(e, "checksum", "entry");
	free(t);
	free(e);
	/* No entry point in the view: one is made up, and said so. */
	one_item(&v, "smbios/table", table->data, table->len);
	t = decode(&v, "smbios/table");
	assert_line(t,
		    "no usable smbios/entry: decoded with an SMBIOS 3.0 "
		    "entry point",
		    "made up");
	assert_line(t, "SMBIOS 3.0.0 present.", "made up");
	assert_line(t, "\tManufacturer: QEMU", "made up");
	free(t);
	guestview_release(&v);
}

/* Entry points built by hand: SMBIOS 3, RSDP revision 2, and cut ones. */
static const struct entry_case {
	const char *name;
	void (*decode)(const unsigned char *p, size_t len, struct strbuf *out);
	const char *bytes;
	size_t len;
	const char *lines[4];
} entry_cases[] = {
	{ "_SM3_", guest_decode_smbios_entry,
	  "_SM3_\x00\x18\x03\x05\x00\x01\x00\x78\x01\x00\x00"
	  "\x00\x00\x00\x00\x00\x00\x00\x00", 24,
	  { "anchor = \"_SM3_\"", "version = 3.5.0",
	    "structure table maximum size = 376",
	    "structure table address = 0x0000000000000000" } },
	{ "_SM_ cut", guest_decode_smbios_entry, "_SM_\x00\x1f\x02\x08", 8,
	  { "version = 2.8", "stopped at byte 8: max structure size needs 2 "
			     "bytes, the item has 8" } },
	{ "RSDP 2", guest_decode_rsdp,
	  "RSD PTR \x00" "BOCHS \x02\x00\x00\x00\x00\x24\x00\x00\x00"
	  "\x00\x10\xfe\x07\x00\x00\x00\x00\x00\x00\x00\x00", 36,
	  { "Revision : 0x02", "Length : 0x00000024",
	    "XSDT Address : 0x0000000007fe1000", "Reserved : 00 00 00" } },
	{ "no anchor", guest_decode_smbios_entry, "_XX_", 4,
	  { "no '_SM_' or '_SM3_' anchor: not an SMBIOS entry point" } },
};

static void test_entry_points(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(entry_cases); c++) {
		const struct entry_case *k = &entry_cases[c];
		struct strbuf out = STRBUF_INIT;

		k->decode((const unsigned char *)k->bytes, k->len, &out);
		for (size_t i = 0; i < ARRAY_SIZE(k->lines) && k->lines[i]; i++)
			assert_line(out.buf, k->lines[i], k->name);
		strbuf_release(&out);
	}
}

static void test_pci_q35(void **state)
{
	char *t = decode(&q35, "pci/00:00.0"),
	     *lpc = decode(&q35, "pci/00:1f.0");

	(void)state;
	assert_line(t, "vendor = 0x8086 Intel", "00:00.0");
	assert_line(t, "device = 0x29c0", "00:00.0");
	assert_line(t, "class = 0x060000: bridge, host bridge", "00:00.0");
	assert_line(t, "command = 0x0103: io mem serr", "00:00.0");
	assert_line(t, "subsystem vendor = 0x1af4 Red Hat", "00:00.0");
	/* MCH registers no decoder knows: raw, PCIEXBAR at 0x60. */
	assert_line(
	    t, "bytes 0x060 = 01 00 00 b0 00 00 00 00 00 00 00 00 00 00 00 00",
	    "00:00.0");
	assert_line(lpc, "header type = 0x80: type=0 multi-function",
		    "00:1f.0");
	assert_line(
	    lpc,
	    "bytes 0x0f0 = 01 c0 d1 fe 00 00 00 00 00 00 00 00 00 00 00 00",
	    "00:1f.0 RCBA");
	free(t);
	free(lpc);
}

static const struct pci_case {
	const char *item;
	const char *lines[10];
} pci_cases[] = {
	{ "pci/00:01.0", /* e1000e */
	  { "device = 0x10d3", "cap 0xa0 id = 0x11 msi-x",
	    "cap 0xa0 msi-x control = 0x0004: table-size=5",
	    "cap 0xa0 msi-x table = 0x00000003: bir=3 offset=0x0",
	    "cap 0xa0 msi-x pba = 0x00002003: bir=3 offset=0x2000",
	    "cap 0xe0 pcie capabilities = 0x0091: version=1 "
	    "type=rc-integrated-endpoint interrupt-message=0",
	    "bar2 = 0x0000c041: io at 0xc040 size 0x20 (32 bytes)",
	    "rom = 0xfe600000: at 0xfe600000 disabled size 0x40000 (256 KiB)",
	    /* read through ECAM */
	    "ecap 0x100 id = 0x0001 aer version 2",
	    "ecap 0x140 id = 0x0003 serial-number version 1" } },
	{ "pci/00:02.0", /* virtio-net, transitional, on the root complex */
	  { "vendor = 0x1af4 Red Hat", "device = 0x1000",
	    "cap 0x40 virtio cfg-type = 1 common",
	    "cap 0x70 virtio cfg-type = 2 notify",
	    "cap 0x70 virtio notify-off-multiplier = 4",
	    "cap 0x50 virtio cfg-type = 3 isr",
	    "cap 0x60 virtio cfg-type = 4 device",
	    "cap 0x60 virtio offset = 0x00002000",
	    "cap 0x84 virtio cfg-type = 5 pci",
	    "bar4 = 0x00000000fea0000c: mem 64-bit prefetchable at "
	    "0xfea00000 size 0x4000 (16 KiB)" } },
	{ "pci/00:03.0", /* pcie-root-port */
	  { "header type = 0x01: type=1", "secondary bus = 0x01",
	    "subordinate bus = 0x01", "memory window = 0xfe400000-0xfe5fffff",
	    "prefetchable window = 0xfe800000-0xfe9fffff (64-bit)",
	    "io window = disabled (base 0xc000 above limit 0xbfff)",
	    "cap 0x54 pcie link capabilities 2 = 0x0000001e: speeds=2.5,5,8,16",
	    "cap 0x54 pcie slot capabilities = 0x000a007b: attention-button "
	    "power-controller attention-indicator power-indicator "
	    "hotplug-surprise hotplug-capable power-limit=0 power-scale=0 "
	    "interlock slot=1",
	    "cap 0x40 bridge-subsystem subsystem vendor = 0x1b36",
	    "ecap 0x148 id = 0x000d acs version 1" } },
	{ "pci/01:00.0", /* virtio-net behind the port: modern only */
	  { "device = 0x1041", "revision = 0x01",
	    "cap 0x40 pcie capabilities = 0x0002: version=2 type=endpoint "
	    "interrupt-message=0",
	    "cap 0x40 pcie link status = 0x0011: speed=2.5GT/s width=1",
	    "cap 0x84 virtio cfg-type = 1 common",
	    "cap 0xdc msi-x control = 0x0003: table-size=4",
	    "extended capabilities = none (0x00000000)" } },
};

static void test_pci_nics(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(pci_cases); c++) {
		const struct pci_case *k = &pci_cases[c];
		char *t = decode(&nics, k->item);

		for (size_t i = 0; i < ARRAY_SIZE(k->lines) && k->lines[i]; i++)
			assert_line(t, k->lines[i], k->item);
		assert_lacks(t, "stopped", k->item);
		free(t);
	}
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/* What the BARs read back after all-ones: their sizes, 64-bit from both halves.
 */
static void test_pci_bar_sizes(void **state)
{
	static const uint32_t e1000e[7] = { 0xfffe0000, 0xfffe0000, 0xffffffe1,
					    0xffffc000, 0,	    0,
					    0xfffc0000 };
	/* virtio-net with its 64-bit BAR4 made 8 GiB. */
	static const uint32_t virtio[7] = { 0xffffffe1, 0xfffff000, 0,
					    0,		0x0000000c, 0xfffffffe,
					    0xfffc0000 };
	const struct gv_item *e = guestview_find(&nics, "pci/00:01.0"),
			     *v = guestview_find(&nics, "pci/00:02.0");
	unsigned char rb[28];
	struct guestview gv;
	char *t;

	(void)state;
	for (int i = 0; i < 7; i++)
		put32(rb + 4 * i, e1000e[i]);
	one_item(&gv, "pci/00:01.0", e->data, e->len);
	guestview_add(&gv, "pcibar/00:01.0", 0, rb, sizeof(rb));
	t = decode(&gv, "pci/00:01.0");
	assert_line(t,
		    "bar0 = 0xfe680000: mem 32-bit at 0xfe680000 size 0x20000 "
		    "(128 KiB)",
		    "e1000e");
	assert_line(t, "bar2 = 0x0000c041: io at 0xc040 size 0x20 (32 bytes)",
		    "e1000e");
	assert_line(t,
		    "bar3 = 0xfe6c0000: mem 32-bit at 0xfe6c0000 size 0x4000 "
		    "(16 KiB)",
		    "e1000e");
	assert_line(t, "bar4 = 0x00000000: unimplemented", "e1000e");
	assert_line(t,
		    "rom = 0xfe600000: at 0xfe600000 disabled size 0x40000 "
		    "(256 KiB)",
		    "e1000e");
	free(t);
	guestview_release(&gv);
	for (int i = 0; i < 7; i++)
		put32(rb + 4 * i, virtio[i]);
	one_item(&gv, "pci/00:02.0", v->data, v->len);
	guestview_add(&gv, "pcibar/00:02.0", 0, rb, sizeof(rb));
	t = decode(&gv, "pci/00:02.0");
	assert_line(t,
		    "bar4 = 0x00000000fea0000c: mem 64-bit prefetchable at "
		    "0xfea00000 size 0x200000000 (8 GiB)",
		    "virtio 64-bit");
	assert_lacks(t, "bar5", "virtio: BAR5 is BAR4's upper half");
	assert_line(t, "bar2 = 0x00000000: unimplemented", "virtio");
	free(t);
	guestview_release(&gv);
}

/* The AHCI function cut short: decoded up to where its bytes end. */
static const struct cut_case {
	size_t len;
	const char *stopped, *last; /* the stop line; a line still decoded */
} cut_cases[] = {
	{ 0,
	  "stopped at 0x000: vendor and device needs 4 bytes from there, "
	  "the item has 0",
	  NULL },
	{ 9, "stopped at 0x009: class needs 3 bytes from there, the item has 9",
	  "revision = 0x02" },
	{ 0x22,
	  "stopped at 0x020: a BAR needs 4 bytes from there, the item has 34",
	  "bytes 0x020 = 81 c0" },
	{ 0x3c,
	  "stopped at 0x03c: interrupt line needs 1 byte from there, the "
	  "item has 60",
	  "rom = 0x00000000" },
	{ 0x86,
	  "stopped at 0x084: address needs 4 bytes from there, the item "
	  "has 134",
	  "cap 0x80 msi control = 0x0080: vectors-capable=1 "
	  "vectors-enabled=1 64-bit" },
};

static void test_pci_cut(void **state)
{
	const struct gv_item *ahci = guestview_find(&nics, "pci/00:1f.2");

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cut_cases); c++) {
		const struct cut_case *k = &cut_cases[c];
		struct strbuf out = STRBUF_INIT;
		char name[32];

		snprintf(name, sizeof(name), "%zu bytes", k->len);
		guest_decode_pci(ahci->data, k->len, &out);
		assert_line(out.buf, k->stopped, name);
		if (k->last)
			assert_line(out.buf, k->last, name);
		strbuf_release(&out);
	}
}

/* Capability lists that loop or point into the header end there. */
static void test_pci_cap_loops(void **state)
{
	static const struct {
		size_t at;
		unsigned char v;
		const char *line;
	} cases[] = {
		{ 0xa9, 0x80,
		  "cap 0x80: the capability list loops back here: stopped" },
		{ 0x81, 0x81,
		  "cap 0x80: the capability list loops back here: stopped" },
		{ 0x81, 0x10, "cap 0x10: points into the header: stopped" },
	};
	const struct gv_item *ahci = guestview_find(&nics, "pci/00:1f.2");

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		unsigned char cfg[256];
		struct strbuf out = STRBUF_INIT;

		memcpy(cfg, ahci->data, sizeof(cfg));
		cfg[cases[c].at] = cases[c].v;
		guest_decode_pci(cfg, sizeof(cfg), &out);
		assert_line(out.buf, cases[c].line, cases[c].line);
		assert_line(out.buf, "cap 0x80 id = 0x05 msi", cases[c].line);
		strbuf_release(&out);
	}
}

static void ecap(unsigned char *cfg, size_t off, uint16_t id, unsigned ver,
		 size_t next)
{
	put32(cfg + off, id | ver << 16 | (uint32_t)next << 20);
}

/* A 4096-byte configuration space: the extended capabilities, and a loop. */
static void test_pci_extended(void **state)
{
	const struct gv_item *v = guestview_find(&nics, "pci/01:00.0");
	unsigned char *cfg = xcalloc(4096, 1);
	struct strbuf out = STRBUF_INIT;

	(void)state;
	memcpy(cfg, v->data, 256);
	ecap(cfg, 0x100, 0x0001, 2, 0x148); /* AER */
	put32(cfg + 0x108, 0x00062030);	    /* uncorrectable mask */
	ecap(cfg, 0x148, 0x000e, 1, 0x150); /* ARI */
	put32(cfg + 0x14c, 0x00000400);	    /* next function 4 */
	ecap(cfg, 0x150, 0x0010, 1, 0x190); /* SR-IOV */
	cfg[0x15e] = 7;			    /* total VFs */
	cfg[0x164] = 0x80;		    /* first VF offset */
	cfg[0x166] = 1;			    /* VF stride */
	ecap(cfg, 0x190, 0x000d, 1, 0x1a0); /* ACS */
	put32(cfg + 0x194, 0x0000001f);
	ecap(cfg, 0x1a0, 0x0fff, 1, 0x100); /* unknown, back to AER */
	cfg[0x300] = 0x5a;		    /* claimed by nothing */
	guest_decode_pci(cfg, 4096, &out);
	assert_line(out.buf, "ecap 0x100 id = 0x0001 aer version 2", "AER");
	assert_line(out.buf, "ecap 0x100 aer uncorrectable mask = 0x00062030",
		    "AER");
	assert_line(out.buf,
		    "ecap 0x148 ari capabilities = 0x0400: next-function=4",
		    "ARI");
	assert_line(out.buf, "ecap 0x150 sr-iov total vfs = 0x0007", "SR-IOV");
	assert_line(out.buf, "ecap 0x150 sr-iov first vf offset = 0x0080",
		    "SR-IOV");
	assert_line(out.buf,
		    "ecap 0x190 acs capabilities = 0x001f: "
		    "source-validation translation-blocking "
		    "request-redirect completion-redirect "
		    "upstream-forwarding egress-vector-size=0",
		    "ACS");
	assert_line(out.buf, "ecap 0x1a0 id = 0x0fff unknown version 1",
		    "unknown");
	assert_line(out.buf,
		    "ecap 0x100: the extended capability list loops back "
		    "here: stopped",
		    "loop");
	assert_line(out.buf,
		    "bytes 0x300 = 5a 00 00 00 00 00 00 00 00 00 00 00 "
		    "00 00 00 00",
		    "unclaimed");
	strbuf_release(&out);
	/* Without any: said so. */
	memset(cfg + 0x100, 0, 4096 - 0x100);
	strbuf_init(&out, 0);
	guest_decode_pci(cfg, 4096, &out);
	assert_line(out.buf, "extended capabilities = none (0x00000000)",
		    "none");
	strbuf_release(&out);
	free(cfg);
}

/* The recorded virtio devices: features by name, the queues. */
static const struct pci_case virtio_cases[] = {
	{ "virtio/00:02.0", /* virtio-net, no backend: no offloads */
	  { "feature 0 csum = 0", "feature 5 mac = 1", "feature 15 mrg_rxbuf = 1",
	    "feature 17 ctrl_vq = 1",
	    "feature 29 ring_event_idx = 1", "feature 32 version_1 = 1",
	    "feature 40 ring_reset = 1", "queues = 3", "queue 0 size = 256",
	    "queue 2 size = 64" } },
	{ "virtio/00:04.0", /* virtio-blk */
	  { "feature 2 seg_max = 1", "feature 9 flush = 1", "feature 12 mq = 0",
	    "feature 14 write_zeroes = 1", "feature 28 ring_indirect_desc = 1",
	    "feature 40 ring_reset = 1", "queues = 1" } },
	{ "virtio/00:05.0", /* virtio-9p */
	  { "feature 0 mount_tag = 1", "feature 32 version_1 = 1", "queues = 1",
	    "queue 0 size = 128" } },
};

/* Lines that differ between a and b, which have as many lines. */
static size_t lines_differing(const char *a, const char *b)
{
	size_t n = 0;

	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		n += la != lb || memcmp(a, b, la);
		a += la + !!a[la];
		b += lb + !!b[lb];
	}
	return n + (*a || *b);
}

static void test_virtio(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(virtio_cases); c++) {
		const struct pci_case *k = &virtio_cases[c];
		char *t = decode(&q35, k->item);

		for (size_t i = 0; i < ARRAY_SIZE(k->lines) && k->lines[i]; i++)
			assert_line(t, k->lines[i], k->item);
		assert_lacks(t, "stopped", k->item);
		free(t);
	}
}

/* Crafted items: a feature taken away is one line; unknown bits; cuts. */
static void test_virtio_crafted(void **state)
{
	const struct gv_item *net = guestview_find(&q35, "virtio/00:02.0");
	unsigned char b[16] = { 0 };
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

	(void)state;
	assert_int_equal(net->len, 16);
	memcpy(b, net->data, 16);
	b[5] &= (unsigned char)~1; /* bit 40 */
	guest_decode_virtio(net->data, 16, 0x1000, &x);
	guest_decode_virtio(b, 16, 0x1000, &y);
	assert_int_equal(lines_differing(x.buf, y.buf), 1);
	assert_line(y.buf, "feature 40 ring_reset = 0", "ring_reset off");
	strbuf_reset(&x);
	/* Unknown device: the transport's names; bits 0 and 45 by number. */
	memset(b, 0, sizeof(b));
	b[0] = 1;
	b[5] = 0x20;
	guest_decode_virtio(b, 10, 0x1005, &x);
	assert_line(x.buf, "feature 0 = 1", "unnamed");
	assert_line(x.buf, "feature 45 = 1", "unnamed");
	assert_line(x.buf, "feature 40 ring_reset = 0", "transport");
	assert_line(x.buf, "queues = 0", "no queues");
	assert_lacks(x.buf, "csum", "not a network device");
	assert_lacks(x.buf, "feature 1 ", "an unnamed bit that is 0");
	strbuf_reset(&x);
	guest_decode_virtio(b, 6, 0x1041, &x);
	assert_string_equal(x.buf, "stopped at byte 0: 6 bytes, too short for "
				   "the 64 feature bits\n");
	strbuf_reset(&x);
	guest_decode_virtio(b, 8, 0x1042, &x);
	assert_line(x.buf, "feature 9 flush = 0", "blk, modern id");
	assert_line(x.buf, "stopped at byte 8: 8 bytes, too short for the "
			   "number of queues", "no count");
	strbuf_reset(&x);
	b[8] = 3;
	b[10] = 0x80;
	guest_decode_virtio(b, 13, 0x1042, &x);
	assert_line(x.buf, "queue 0 size = 128", "cut");
	assert_line(x.buf, "stopped at byte 12: 3 queues counted, 13 bytes "
			   "hold 1", "cut");
	strbuf_reset(&x);
	b[8] = 1;
	guest_decode_virtio(b, 16, 0x1042, &x);
	assert_line(x.buf, "stopped at byte 12: 4 bytes after the 1 queues "
			   "counted", "extra");
	strbuf_release(&x);
	strbuf_release(&y);
}

static void test_fwcfg_dir(void **state)
{
	const struct gv_item *d = guestview_find(&q35, "fw_cfg/dir");
	char *t = decode(&q35, "fw_cfg/dir");
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_line(t, "count = 15", "dir");
	assert_line(t, "0 bios-geometry size 0 select 0x0020", "dir");
	assert_line(t, "3 etc/acpi/tables size 131072 select 0x0023", "dir");
	assert_line(t, "14 genroms/kvmvapic.bin size 9216 select 0x002e",
		    "dir");
	free(t);
	/* Cut in its last file: the whole ones, and where it stopped. */
	guest_decode_fwcfg_dir(d->data, d->len - 10, &out);
	assert_line(out.buf, "13 etc/tpm/log size 0 select 0x002d", "cut");
	assert_lacks(out.buf, "genroms", "cut");
	assert_line(out.buf,
		    "stopped at byte 900: 15 files counted, 954 bytes "
		    "hold 14",
		    "cut");
	strbuf_release(&out);
}

static void test_e820(void **state)
{
	const struct gv_item *e = guestview_find(&q35, "fw_cfg/etc/e820");
	unsigned char *odd = xcalloc(e->len + 3, 1);
	struct strbuf out = STRBUF_INIT;
	char *t = decode(&q35, "fw_cfg/etc/e820");

	(void)state;
	assert_line(t,
		    "0x000000fd00000000-0x000000ffffffffff size 0x300000000 "
		    "(12 GiB) type 2 reserved",
		    "e820");
	assert_line(t,
		    "0x0000000000000000-0x0000000007ffffff size 0x8000000 "
		    "(128 MiB) type 1 usable",
		    "e820");
	free(t);
	memcpy(odd, e->data, e->len);
	guest_decode_e820(odd, e->len + 3, 20, &out);
	assert_line(out.buf,
		    "0x0000000000000000-0x0000000007ffffff size "
		    "0x8000000 (128 MiB) type 1 usable",
		    "odd");
	assert_line(out.buf,
		    "stopped at byte 40: 3 bytes left over, not a whole "
		    "20-byte entry",
		    "odd");
	strbuf_release(&out);
	free(odd);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The map SeaBIOS hands a boot loader for 128 MiB (24-byte entries). */
static void test_firmware_e820(void **state)
{
	static const struct {
		uint64_t start, size;
		uint32_t type;
	} map[] = {
		{ 0, 0x9fc00, 1 },	   { 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },   { 0x100000, 0x7ee0000, 1 },
		{ 0x7fe0000, 0x20000, 2 }, { 0xfffc0000, 0x40000, 2 },
		{ 0x1000, 0, 9 },
	};
	unsigned char buf[ARRAY_SIZE(map) * 24];
	struct guestview gv;
	char *t;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		put64(buf + 24 * i, map[i].start);
		put64(buf + 24 * i + 8, map[i].size);
		put32(buf + 24 * i + 16, map[i].type);
		put32(buf + 24 * i + 20, 1);
	}
	one_item(&gv, "firmware/e820", buf, sizeof(buf));
	t = decode(&gv, "firmware/e820");
	assert_line(t,
		    "0x0000000000000000-0x000000000009fbff size 0x9fc00 "
		    "(639 KiB) type 1 usable attributes 0x00000001",
		    "low");
	assert_line(t,
		    "0x000000000009fc00-0x000000000009ffff size 0x400 "
		    "(1 KiB) type 2 reserved attributes 0x00000001",
		    "ebda");
	assert_line(t,
		    "0x0000000000100000-0x0000000007fdffff size 0x7ee0000 "
		    "(129920 KiB) type 1 usable attributes 0x00000001",
		    "high");
	assert_line(t,
		    "0x0000000000001000 size 0x0 (0 bytes) type 9 unknown "
		    "attributes 0x00000001",
		    "empty");
	free(t);
	guestview_release(&gv);
}

struct cpuid_in {
	uint32_t leaf, sub, eax, ebx, ecx, edx;
};

static void cpuid_bytes(const struct cpuid_in *in, size_t n, unsigned char *p)
{
	for (size_t i = 0; i < n; i++) {
		const uint32_t v[6] = { in[i].leaf, in[i].sub, in[i].eax,
					in[i].ebx,  in[i].ecx, in[i].edx };

		for (int j = 0; j < 6; j++)
			put32(p + 24 * i + 4 * j, v[j]);
	}
}

/* QEMU's qemu64 on an AMD-like host, as the registers would read. */
static const struct cpuid_in qemu64[] = {
	{ 0x0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65 }, /* AuthenticAMD */
	{ 0x1, 0, 0x663, 0x00000800, 0x80802001, 0x078bfbfd | 1u << 10 },
	{ 0x4, 0, 0x121, 0x01c0003f, 0x3f, 0x1 },
	{ 0x7, 0, 0, 0x1, 0, 0 },
	{ 0xd, 1, 0x1, 0x240, 0, 0 },
	{ 0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d },
	{ 0x40000001, 0, 0x01000009, 0, 0, 0 },
	{ 0x80000000, 0, 0x80000008, 0x68747541, 0x444d4163, 0x69746e65 },
	{ 0x80000002, 0, 0x554d4551, 0x72695620, 0x6c617574, 0x55504320 },
	{ 0x80000003, 0, 0x72657620, 0x6e6f6973, 0x352e3220, 0x2b },
	{ 0x80000004, 0, 0, 0, 0, 0 },
	{ 0x80000008, 0, 0x3028, 0, 0, 0 },
};

static void test_cpuid(void **state)
{
	static const char *const lines[] = {
		"0x00000000.0 eax = 0x0000000d: max-leaf=0xd",
		"0x00000000.0 vendor = \"AuthenticAMD\"",
		"0x00000001.0 eax = 0x00000663: stepping=3 model=6 family=6 "
		"type=0 "
		"ext-model=0 ext-family=0",
		"0x00000001.0 ebx = 0x00000800: brand-index=0 clflush-qwords=8 "
		"logical-processors=0 apic-id=0",
		"0x00000001.0 ecx.0 pni = 1",
		"0x00000001.0 ecx.13 cx16 = 1",
		"0x00000001.0 ecx.23 popcnt = 1",
		"0x00000001.0 ecx.31 hypervisor = 1",
		"0x00000001.0 ecx.9 ssse3 = 0",
		"0x00000001.0 edx.10 = 1",
		"0x00000001.0 edx.26 sse2 = 1",
		"0x00000004.0 eax = 0x00000121: type=data level=1 "
		"self-initializing "
		"sharing=1 cores=1",
		"0x00000004.0 ebx = 0x01c0003f: line-size=64 partitions=1 "
		"ways=8",
		"0x00000004.0 cache size = 32 KiB",
		"0x00000007.0 ebx.0 fsgsbase = 1",
		"0x0000000d.1 eax.0 xsaveopt = 1",
		"0x0000000d.1 ebx = 0x00000240",
		"0x40000000.0 hypervisor = \"KVMKVMKVM\"",
		"0x40000001.0 eax.0 kvmclock = 1",
		"0x40000001.0 eax.24 kvmclock-stable-bit = 1",
		"0x80000000.0 eax = 0x80000008: max-leaf=0x80000008",
		"0x80000002.0 brand = \"QEMU Virtual CPU version 2.5+\"",
		"0x80000008.0 eax = 0x00003028: phys-bits=40 linear-bits=48 "
		"guest-phys-bits=0",
	};
	unsigned char buf[ARRAY_SIZE(qemu64) * 24];
	struct guestview gv;
	char *t;

	(void)state;
	cpuid_bytes(qemu64, ARRAY_SIZE(qemu64), buf);
	one_item(&gv, "cpu/cpuid", buf, sizeof(buf));
	t = decode(&gv, "cpu/cpuid");
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		assert_line(t, lines[i], lines[i]);
	assert_lacks(t, "0x80000003", "brand leaves folded into one line");
	free(t);
	guestview_release(&gv);
}

/* Without its last leaves or cut mid-record: what is whole, and where it
 * stopped. */
static void test_cpuid_cut(void **state)
{
	unsigned char buf[ARRAY_SIZE(qemu64) * 24];
	struct strbuf out = STRBUF_INIT;

	(void)state;
	cpuid_bytes(qemu64, ARRAY_SIZE(qemu64), buf);
	/* Records up to 0x80000003 and 5 bytes of 0x80000004. */
	guest_decode_cpuid(buf, 10 * 24 + 5, &out);
	assert_line(out.buf, "0x80000002.0 brand[0:15] = \"QEMU Virtual CPU\"",
		    "cut");
	assert_line(out.buf, "0x80000003.0 brand[16:31] = \" version 2.5+\"",
		    "cut");
	assert_line(out.buf,
		    "stopped at byte 240: 5 bytes left over, not a whole "
		    "24-byte record",
		    "cut");
	strbuf_release(&out);
}

static void test_lapic(void **state)
{
	unsigned char buf[8];
	struct guestview gv;
	struct strbuf out = STRBUF_INIT;
	char *t;

	(void)state;
	put32(buf, 0x01000000);
	put32(buf + 4, 0x01050014);
	one_item(&gv, "cpu/lapic", buf, sizeof(buf));
	t = decode(&gv, "cpu/lapic");
	assert_line(t, "id register = 0x01000000: id=1", "lapic");
	assert_line(t,
		    "version register = 0x01050014: version=0x14 "
		    "max-lvt-entry=5 eoi-broadcast-suppression",
		    "lapic");
	free(t);
	guestview_release(&gv);
	guest_decode_lapic(buf, 6, &out);
	assert_line(out.buf, "id register = 0x01000000: id=1", "short");
	assert_line(out.buf,
		    "stopped at byte 4: the version register needs 4 "
		    "bytes, the item has 6",
		    "short");
	strbuf_release(&out);
}

static void test_hex(void **state)
{
	struct guestview gv;
	char *t;

	(void)state;
	one_item(&gv, "fw_cfg/etc/boot-fail-wait",
		 "\x0a\x00\x00\x00QEMU 0123456789\x7f", 20);
	t = decode(&gv, "fw_cfg/etc/boot-fail-wait");
	assert_string_equal(t, "00000000  0a 00 00 00 51 45 4d 55 20 30 31 32 "
			       "33 34 35 36  |....QEMU 0123456|\n"
			       "00000010  37 38 39 7f                          "
			       "            |789.|\n");
	free(t);
	guestview_release(&gv);
}

/* A missing tool names its package; a missing item is an error, too. */
static void test_missing(void **state)
{
	static const struct {
		const char *item, *message;
	} cases[] = {
		{ "acpi/DSDT", "error: iasl not found: install acpica-tools" },
		{ "smbios/table",
		  "error: dmidecode not found: install dmidecode" },
		{ "pci/09:00.0",
		  "error: guest view: no item 'pci/09:00.0' to decode" },
	};
	char *empty = scratch("empty");
	struct guest_decode_opts o = { empty, 0 };

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct strbuf out = STRBUF_INIT;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = guest_decode_with(&q35, cases[c].item, &o, &out);
		msg = tu_capture_end();
		assert_int_equal(rc, -1);
		assert_contains(msg, cases[c].message, cases[c].item);
		assert_int_equal(out.len, 0);
		assert_tmpdir_empty(cases[c].item);
		free(msg);
		strbuf_release(&out);
	}
	free(empty);
}

/* Stand-ins for the tools: one that fails, one that hangs past the timeout. */
static void test_tool_fails(void **state)
{
	char *dir = scratch("tools");
	struct guest_decode_opts o = { dir, 1.0 };
	struct strbuf out = STRBUF_INIT;
	char *path, *msg;
	int rc;

	(void)state;
	tu_write(dir, "dmidecode",
		 "#!/bin/sh\necho '# dmidecode 9.9'\n"
		 "echo 'Invalid SMBIOS data' >&2\nexit 3\n");
	tu_write(dir, "iasl", "#!/bin/sh\nexec sleep 30\n");
	path = tu_path(dir, "dmidecode");
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
	path = tu_path(dir, "iasl");
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
	assert_int_equal(guest_decode_with(&q35, "smbios/table", &o, &out), 0);
	assert_line(out.buf,
		    "dmidecode could not decode this (exited with status "
		    "3): Invalid SMBIOS data",
		    "dmidecode fails");
	assert_line(out.buf,
		    "00000000  00 18 00 00 01 02 00 e8 03 00 08 00 00 00 "
		    "00 00  |................|",
		    "dmidecode fails");
	assert_tmpdir_empty("dmidecode fails");
	strbuf_reset(&out);
	tu_capture_begin();
	rc = guest_decode_with(&q35, "acpi/DSDT", &o, &out);
	msg = tu_capture_end();
	assert_int_equal(rc, -1);
	assert_contains(msg,
			"error: 'iasl' on 'acpi/DSDT' timed out after 1.0s",
			"iasl hangs");
	assert_tmpdir_empty("iasl hangs");
	free(msg);
	strbuf_release(&out);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsdt),
		cmocka_unit_test(test_acpi_tables),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_dsdt_byte_differs),
		cmocka_unit_test(test_acpi_unknown),
		cmocka_unit_test(test_smbios),
		cmocka_unit_test(test_entry_points),
		cmocka_unit_test(test_pci_q35),
		cmocka_unit_test(test_pci_nics),
		cmocka_unit_test(test_pci_bar_sizes),
		cmocka_unit_test(test_pci_cut),
		cmocka_unit_test(test_pci_cap_loops),
		cmocka_unit_test(test_pci_extended),
		cmocka_unit_test(test_virtio),
		cmocka_unit_test(test_virtio_crafted),
		cmocka_unit_test(test_fwcfg_dir),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_firmware_e820),
		cmocka_unit_test(test_cpuid),
		cmocka_unit_test(test_cpuid_cut),
		cmocka_unit_test(test_lapic),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_tool_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
