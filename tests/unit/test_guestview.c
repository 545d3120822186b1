/*
 * The guest view's parsers and normalisation (matrix/guestparse.c,
 * matrix/guestdump.c) on a real recorded dump: the raw guest view of
 * pc-q35-7.2 from Debian's QEMU 7.2 (tests/data/guestview/, rewritten by
 * REGENERATE=1 tests/bin/test_guestview_qemu). The pointers the tables hold
 * must lead to the tables recorded at those addresses; broken copies of
 * the real bytes must be refused; two views that differ only in where
 * the tables are must normalise to the same record. BAR sizes decode
 * from crafted read-backs and agree with the recorded BARs; the MCFG,
 * capability and BAR helpers read the recorded registers.
 */
#include "testutil.h"
#include "guestview.h"

#define DUMP "tests/data/guestview/pc-q35-7.2.txt"

static struct guestview gv;

static int setup(void **state)
{
	char *text = tu_read(DUMP);

	(void)state;
	guestview_init(&gv);
	if (!text || guestview_undump(text, DUMP, &gv))
		return -1;
	free(text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	guestview_release(&gv);
	return 0;
}

static const struct gv_item *item(const char *name)
{
	const struct gv_item *it = guestview_find(&gv, name);

	if (!it)
		fail_msg("no '%s' in %s", name, DUMP);
	return it;
}

static uint32_t le32_of(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static const char *name_at(uint64_t addr)
{
	for (size_t i = 0; i < gv.nr; i++)
		if (gv.items[i].addr == addr && !strncmp(gv.items[i].name, "acpi/", 5))
			return gv.items[i].name;
	return "(none)";
}

/* Every table: a valid header whose Length is what was read, a zero sum. */
static void test_tables_valid(void **state)
{
	size_t tables = 0;

	(void)state;
	for (size_t i = 0; i < gv.nr; i++) {
		const struct gv_item *it = &gv.items[i];
		char sig[5];
		uint32_t len;

		if (strncmp(it->name, "acpi/", 5) || !strcmp(it->name, "acpi/RSDP"))
			continue;
		tables++;
		if (!strcmp(it->name, "acpi/FACS")) {
			assert_int_equal(gv_facs_len(it->data, it->len, &len), 0);
		} else {
			if (gv_sdt_header(it->data, it->len, sig, &len))
				fail_msg("%s: no valid header", it->name);
			if (strcmp(sig, it->name + 5))
				fail_msg("%s: signature '%s'", it->name, sig);
			if (gv_sum(it->data, it->len))
				fail_msg("%s: checksum does not add up", it->name);
		}
		if (len != it->len)
			fail_msg("%s: Length %u, read %zu", it->name, len, it->len);
	}
	assert_int_equal(tables, 8); /* RSDT FACP DSDT FACS APIC HPET MCFG WAET */
}

/* RSDP -> RSDT -> each table, FACP -> DSDT and FACS: the recorded addresses. */
static void test_pointers_lead_to_tables(void **state)
{
	static const char *const listed[] = { "acpi/FACP", "acpi/APIC", "acpi/HPET",
					      "acpi/MCFG", "acpi/WAET" };
	const struct gv_item *rsdp = item("acpi/RSDP"), *rsdt = item("acpi/RSDT"),
			     *facp = item("acpi/FACP");
	struct gv_rsdp r;
	struct gv_fadt f;
	uint64_t *addrs = NULL;
	size_t n = 0;
	const char *why = NULL;

	(void)state;
	assert_int_equal(gv_rsdp_parse(rsdp->data, rsdp->len, &r, &why), 0);
	assert_int_equal(r.revision, 0);
	assert_int_equal(r.rsdt, rsdt->addr);
	assert_int_equal(gv_sdt_entries(rsdt->data, rsdt->len, 4, &addrs, &n), 0);
	assert_int_equal(n, ARRAY_SIZE(listed));
	for (size_t i = 0; i < n; i++)
		if (strcmp(name_at(addrs[i]), listed[i]))
			fail_msg("RSDT entry %zu: 0x%llx is '%s', expected '%s'", i,
				 (unsigned long long)addrs[i], name_at(addrs[i]),
				 listed[i]);
	free(addrs);
	/* An RSDT read as an XSDT does not divide into entries. */
	assert_int_equal(gv_sdt_entries(rsdt->data, rsdt->len, 8, &addrs, &n), -1);
	assert_int_equal(gv_fadt_parse(facp->data, facp->len, &f), 0);
	assert_string_equal(name_at(f.dsdt), "acpi/DSDT");
	assert_string_equal(name_at(f.facs), "acpi/FACS");
}

/* The RSDP is found in a BIOS area only when valid, past a broken decoy. */
static void test_rsdp_find(void **state)
{
	const struct gv_item *rsdp = item("acpi/RSDP");
	unsigned char *area = xcalloc(0x20000, 1);
	const char *seen = NULL;

	(void)state;
	assert_int_equal(gv_rsdp_find(area, 0x20000, &seen), -1);
	assert_string_equal(seen, "no 'RSD PTR ' signature");
	memcpy(area + 0x100, rsdp->data, rsdp->len);
	area[0x108] ^= 1; /* a copy with a bad checksum */
	assert_int_equal(gv_rsdp_find(area, 0x20000, &seen), -1);
	assert_string_equal(seen, "'RSD PTR ' with a bad checksum");
	memcpy(area + (rsdp->addr - 0xe0000), rsdp->data, rsdp->len);
	assert_int_equal(gv_rsdp_find(area, 0x20000, &seen), (long)(rsdp->addr - 0xe0000));
	/* Not at a 16-byte boundary: not an RSDP. */
	memset(area, 0, 0x20000);
	memcpy(area + 0x104, rsdp->data, rsdp->len);
	assert_int_equal(gv_rsdp_find(area, 0x20000, NULL), -1);
	free(area);
}

static void test_smbios(void **state)
{
	const struct gv_item *e = item("smbios/entry"), *t = item("smbios/table");
	struct gv_smbios s;
	const char *why = NULL;

	(void)state;
	assert_int_equal(gv_smbios_parse(e->data, e->len, &s, &why), 0);
	assert_int_equal(s.v3, 0);
	assert_int_equal(s.entry_len, e->len);
	assert_int_equal(s.table, t->addr);
	assert_int_equal(s.table_len, t->len);
	/* The table ends with type 127. */
	assert_int_equal(t->data[t->len - 6], 127);
}

static void test_fwcfg_dir(void **state)
{
	const struct gv_item *d = item("fw_cfg/dir"), *e820 = item("fw_cfg/etc/e820");
	struct gv_fwcfg_file *f = NULL;
	size_t n = 0;
	int tables = 0, e = 0;

	(void)state;
	assert_int_equal(gv_fwcfg_dir_parse(d->data, d->len, &f, &n), 0);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(f[i].name, "etc/acpi/tables"))
			tables = 1;
		if (!strcmp(f[i].name, "etc/e820")) {
			e = 1;
			assert_int_equal(f[i].size, e820->len);
			assert_int_equal(f[i].select, e820->addr);
		}
		/* QEMU lists its files sorted by name (fw_cfg_add_file). */
		if (i && strcmp(f[i - 1].name, f[i].name) >= 0)
			fail_msg("fw_cfg files not in order: '%s', '%s'",
				 f[i - 1].name, f[i].name);
	}
	assert_true(tables && e);
	free(f);
}

/* Real bytes, broken one way each: every parser must refuse. */
enum target { T_RSDP, T_RSDT, T_FACP, T_SMBIOS, T_FWCFG };

struct broken_case {
	const char *name;
	const char *item;
	enum target target;
	long off;	/* byte to change (-1: none) */
	int xor;
	long cut;	/* bytes to drop from the end */
};

static const struct broken_case broken[] = {
	{ "RSDP bad checksum", "acpi/RSDP", T_RSDP, 8, 0x01, 0 },
	{ "RSDP truncated", "acpi/RSDP", T_RSDP, -1, 0, 1 },
	{ "RSDP signature", "acpi/RSDP", T_RSDP, 0, 0x20, 0 },
	{ "RSDT Length not the bytes", "acpi/RSDT", T_RSDT, 4, 0x04, 0 },
	{ "RSDT cut mid-entry", "acpi/RSDT", T_RSDT, -1, 0, 2 },
	{ "FACP too short", "acpi/FACP", T_FACP, -1, 0, 244 - 43 },
	{ "FACP signature", "acpi/FACP", T_FACP, 0, 0x01, 0 },
	{ "SMBIOS checksum", "smbios/entry", T_SMBIOS, 4, 0x01, 0 },
	{ "SMBIOS _DMI_ checksum", "smbios/entry", T_SMBIOS, 0x15, 0x01, 0 },
	{ "SMBIOS truncated", "smbios/entry", T_SMBIOS, -1, 0, 1 },
	{ "fw_cfg count above the bytes", "fw_cfg/dir", T_FWCFG, 3, 0x01, 0 },
	{ "fw_cfg cut", "fw_cfg/dir", T_FWCFG, -1, 0, 1 },
	{ "fw_cfg count huge", "fw_cfg/dir", T_FWCFG, 0, 0x80, 0 },
};

static void test_broken_refused(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(broken); c++) {
		const struct broken_case *k = &broken[c];
		const struct gv_item *it = item(k->item);
		size_t len = it->len - (size_t)k->cut;
		unsigned char *b = xmalloc(it->len);
		struct gv_rsdp r;
		struct gv_fadt f;
		struct gv_smbios s;
		struct gv_fwcfg_file *files = NULL;
		uint64_t *addrs = NULL;
		size_t n;
		int rc = 0;

		memcpy(b, it->data, it->len);
		if (k->off >= 0)
			b[k->off] ^= (unsigned char)k->xor;
		switch (k->target) {
		case T_RSDP: rc = gv_rsdp_parse(b, len, &r, NULL); break;
		case T_RSDT: rc = gv_sdt_entries(b, len, 4, &addrs, &n); break;
		case T_FACP: rc = gv_fadt_parse(b, len, &f); break;
		case T_SMBIOS: rc = gv_smbios_parse(b, len, &s, NULL); break;
		case T_FWCFG: rc = gv_fwcfg_dir_parse(b, len, &files, &n); break;
		}
		if (rc != -1)
			fail_msg("%s: accepted", k->name);
		free(addrs);
		free(files);
		free(b);
	}
}

static void copy_view(struct guestview *to)
{
	guestview_init(to);
	for (size_t i = 0; i < gv.nr; i++)
		guestview_add(to, gv.items[i].name, gv.items[i].addr,
			      gv.items[i].data, gv.items[i].len);
}

static unsigned char *data_of(struct guestview *v, const char *name)
{
	return (unsigned char *)guestview_find(v, name)->data;
}

/* Fixes a table's checksum after a change, as the firmware does. */
static void fix_sum(unsigned char *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (unsigned char)(0x100 - gv_sum(p, len));
}

/*
 * A revision 2 RSDP (newer QEMUs' q35 has one, with an XSDT), made from
 * the recorded one: parsed with its XSDT address, refused with a bad
 * extended checksum, its pointers and both checksums normalised.
 */
static void test_rsdp_revision2(void **state)
{
	const struct gv_item *rsdp = item("acpi/RSDP");
	unsigned char b[36] = { 0 };
	struct gv_rsdp r;
	struct guestview v;
	const char *why = NULL;
	unsigned char *p;

	(void)state;
	memcpy(b, rsdp->data, 20);
	b[15] = 2;
	b[20] = 36;
	b[24] = 0x40;
	b[27] = 0x07; /* XsdtAddress 0x7000040 */
	fix_sum(b, 20, 8);
	fix_sum(b, 36, 32);
	assert_int_equal(gv_rsdp_parse(b, 36, &r, &why), 0);
	assert_int_equal(r.revision, 2);
	assert_int_equal(r.len, 36);
	assert_int_equal(r.xsdt, 0x7000040);
	assert_int_equal(r.rsdt, item("acpi/RSDT")->addr);
	assert_int_equal(gv_rsdp_parse(b, 35, &r, &why), -1);
	assert_string_equal(why, "an RSDP of revision 2 that is too short");
	b[33] ^= 1;
	assert_int_equal(gv_rsdp_parse(b, 36, &r, &why), -1);
	assert_string_equal(why, "an RSDP with a bad extended checksum");
	b[33] ^= 1;
	guestview_init(&v);
	guestview_add(&v, "acpi/RSDP", 0, b, 36);
	assert_int_equal(guestview_normalise(&v), 0);
	p = data_of(&v, "acpi/RSDP");
	for (size_t i = 0; i < 36; i++) {
		int zeroed = i == 8 || (i >= 16 && i < 20) || (i >= 24 && i < 33);

		if (zeroed ? p[i] != 0 : p[i] != b[i])
			fail_msg("RSDP byte %zu: 0x%02x", i, p[i]);
	}
	guestview_release(&v);
}

/*
 * The same view with every table moved by 0x100 (the pointers and
 * checksums patched as the firmware would) and the SMBIOS table moved:
 * the normalised records must be the same, and the items without
 * addresses untouched.
 */
static void test_normalise_moved_tables(void **state)
{
	struct guestview a, b;
	struct strbuf da = STRBUF_INIT, db = STRBUF_INIT;
	unsigned char *p;
	size_t len;

	(void)state;
	copy_view(&a);
	copy_view(&b);
	p = data_of(&b, "acpi/RSDP");
	p[17] += 1; /* RsdtAddress + 0x100 */
	fix_sum(p, 20, 8);
	p = data_of(&b, "acpi/RSDT");
	len = guestview_find(&b, "acpi/RSDT")->len;
	for (size_t off = 36; off < len; off += 4)
		p[off + 1] += 1;
	fix_sum(p, len, 9);
	p = data_of(&b, "acpi/FACP");
	p[36 + 1] += 1; /* FIRMWARE_CTRL */
	p[40 + 1] += 1; /* DSDT */
	fix_sum(p, guestview_find(&b, "acpi/FACP")->len, 9);
	p = data_of(&b, "smbios/entry");
	p[24 + 1] += 1; /* structure table address */
	fix_sum(p + 16, 15, 5);
	fix_sum(p, 31, 4);
	/* The parsers still accept what was moved. */
	{
		struct gv_rsdp r;
		struct gv_smbios s;

		assert_int_equal(gv_rsdp_parse(data_of(&b, "acpi/RSDP"), 20, &r, NULL), 0);
		assert_int_equal(r.rsdt, guestview_find(&a, "acpi/RSDT")->addr + 0x100);
		assert_int_equal(gv_smbios_parse(data_of(&b, "smbios/entry"), 31, &s, NULL), 0);
	}
	assert_int_equal(guestview_normalise(&a), 0);
	assert_int_equal(guestview_normalise(&b), 0);
	guestview_dump(&a, &da);
	guestview_dump(&b, &db);
	/* Addresses of items are not part of the record: compare the bytes. */
	for (size_t i = 0; i < a.nr; i++) {
		assert_string_equal(a.items[i].name, b.items[i].name);
		if (a.items[i].len != b.items[i].len ||
		    memcmp(a.items[i].data, b.items[i].data, a.items[i].len))
			fail_msg("'%s' differs once normalised", a.items[i].name);
	}
	/* What carries no address is left as it was. */
	for (size_t i = 0; i < a.nr; i++) {
		const char *nm = a.items[i].name;

		if (!strcmp(nm, "acpi/DSDT") || !strcmp(nm, "acpi/APIC") ||
		    !strncmp(nm, "pci/", 4) || !strncmp(nm, "fw_cfg/", 7))
			assert_memory_equal(a.items[i].data, gv.items[i].data,
					    a.items[i].len);
	}
	/* And the fields normalised are zero. */
	p = data_of(&a, "acpi/RSDP");
	assert_int_equal(p[8] | p[16] | p[17] | p[18] | p[19], 0);
	p = data_of(&a, "acpi/FACP");
	assert_int_equal(p[9] | p[40] | p[41] | p[42] | p[43], 0);
	assert_memory_equal(data_of(&a, "acpi/FACP") + 44,
			    guestview_find(&gv, "acpi/FACP")->data + 44, 132 - 44);
	guestview_release(&a);
	guestview_release(&b);
	strbuf_release(&da);
	strbuf_release(&db);
}

/* The UUID of SMBIOS type 1 wherever type 1 is in the table. */
static void test_normalise_uuid(void **state)
{
	struct guestview a;
	const unsigned char *t = guestview_find(&gv, "smbios/table")->data;
	size_t len = guestview_find(&gv, "smbios/table")->len, off = 0;
	unsigned char *p;
	int found = 0;

	(void)state;
	copy_view(&a);
	p = data_of(&a, "smbios/table");
	/* Walk to type 1 as a reader of the table would. */
	while (off + 4 <= len && t[off] != 127) {
		size_t end = off + t[off + 1];

		if (t[off] == 1) {
			memset(p + off + 8, 0xa5, 16);
			found = 1;
			break;
		}
		while (end + 1 < len && (t[end] || t[end + 1]))
			end++;
		off = end + 2;
	}
	assert_true(found);
	assert_int_equal(guestview_normalise(&a), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(p[off + 8 + i], 0);
	/* The rest of the table is as recorded. */
	assert_memory_equal(p, t, off + 8);
	assert_memory_equal(p + off + 24, t + off + 24, len - off - 24);
	guestview_release(&a);
}

static void test_normalise_too_short(void **state)
{
	struct guestview a;

	char *msg;

	(void)state;
	guestview_init(&a);
	guestview_add(&a, "acpi/FACP", 0, "FACP", 4);
	tu_capture_begin();
	assert_int_equal(guestview_normalise(&a), -1);
	msg = tu_capture_end();
	assert_contains(msg, "'acpi/FACP' is 4 bytes", "message");
	free(msg);
	guestview_release(&a);
}

/* Read-backs of BAR sizing, crafted, and what they decode to. */
struct bar_case {
	const char *name;
	uint32_t slots[GV_PCIBAR_SLOTS];
	int rc;
	struct gv_bar want[GV_PCIBAR_SLOTS];
};

static const struct bar_case bar_cases[] = {
	{ "nothing", { 0 }, 0, { { 0 } } },
	{ "I/O with bits 31:16 read back",
	  { 0xffffffe1 }, 0, { { GV_BAR_IO, 0, 0x20 } } },
	{ "I/O with bits 31:16 hard-wired to 0",
	  { 0x0000ffc1 }, 0, { { GV_BAR_IO, 0, 0x40 } } },
	{ "32-bit memory",
	  { 0, 0xfffff000 }, 0, { { 0 }, { GV_BAR_MEM32, 0, 0x1000 } } },
	{ "64-bit prefetchable memory and its high half",
	  { 0, 0, 0, 0, 0xffffc00c, 0xffffffff }, 0,
	  { { 0 }, { 0 }, { 0 }, { 0 }, { GV_BAR_MEM64, 1, 0x4000 }, { GV_BAR_UPPER, 0, 0 } } },
	{ "64-bit beyond 4 GiB",
	  { 0x0000000c, 0xfffffffe }, 0,
	  { { GV_BAR_MEM64, 1, 0x200000000ull }, { GV_BAR_UPPER, 0, 0 } } },
	{ "expansion ROM",
	  { 0, 0, 0, 0, 0, 0, 0xfffc0000 }, 0,
	  { { 0 }, { 0 }, { 0 }, { 0 }, { 0 }, { 0 }, { GV_BAR_ROM, 0, 0x40000 } } },
	{ "ROM enable bit and reserved bits ignored",
	  { 0, 0, 0, 0, 0, 0, 0xfffff801 }, 0,
	  { { 0 }, { 0 }, { 0 }, { 0 }, { 0 }, { 0 }, { GV_BAR_ROM, 0, 0x800 } } },
	{ "only type bits read back", { 0x8 }, 0, { { 0 } } },
	{ "64-bit in slot 5", { 0, 0, 0, 0, 0, 0xfffff004 }, -1, { { 0 } } },
};

static void test_pcibar_decode(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(bar_cases); c++) {
		const struct bar_case *k = &bar_cases[c];
		unsigned char p[4 * GV_PCIBAR_SLOTS];
		struct gv_bar bars[GV_PCIBAR_SLOTS];

		for (int i = 0; i < GV_PCIBAR_SLOTS; i++)
			for (int b = 0; b < 4; b++)
				p[4 * i + b] = (unsigned char)(k->slots[i] >> (8 * b));
		if (gv_pcibar_decode(p, sizeof(p), bars) != k->rc)
			fail_msg("%s: not %d", k->name, k->rc);
		if (k->rc)
			continue;
		for (int i = 0; i < GV_PCIBAR_SLOTS; i++)
			if (bars[i].kind != k->want[i].kind ||
			    bars[i].size != k->want[i].size ||
			    bars[i].prefetch != k->want[i].prefetch)
				fail_msg("%s: slot %d: kind %d size 0x%llx prefetch %d",
					 k->name, i, bars[i].kind,
					 (unsigned long long)bars[i].size, bars[i].prefetch);
	}
	/* Not 28 bytes: refused. */
	{
		unsigned char p[4 * GV_PCIBAR_SLOTS + 1] = { 0 };
		struct gv_bar bars[GV_PCIBAR_SLOTS];

		assert_int_equal(gv_pcibar_decode(p, sizeof(p), bars), -1);
		assert_int_equal(gv_pcibar_decode(p, sizeof(p) - 2, bars), -1);
	}
}

/*
 * What the probe reads PCI Express and virtio registers by: the recorded
 * MCFG, the capability lists, the BARs as the firmware programmed them
 * (virtio-net at 00:02.0, the e1000e at 00:03.0), and crafted breakage.
 */
static void test_pci_helpers(void **state)
{
	const struct gv_item *mcfg = item("acpi/MCFG"), *net = item("pci/00:02.0"),
			     *e1000e = item("pci/00:03.0");
	unsigned char t[60] = { 0 }, cfg[256] = { 0 };
	struct gv_mcfg m;
	struct gv_virtio_cap cap;
	uint64_t addr;
	int io;

	(void)state;
	assert_int_equal(gv_mcfg_parse(mcfg->data, mcfg->len, &m), 0);
	assert_true(m.base == 0xb0000000u && m.start_bus == 0 && m.end_bus == 0xff);
	memcpy(t, mcfg->data, 60);
	t[52] = 1; /* segment 1 only */
	assert_int_equal(gv_mcfg_parse(t, 60, &m), -1);
	assert_int_equal(gv_mcfg_parse(mcfg->data, 44, &m), -1);

	assert_int_not_equal(gv_pci_cap_next(e1000e->data, e1000e->len, 0, 0x10), 0);
	assert_int_equal(gv_pci_cap_next(net->data, net->len, 0, 0x10), 0);
	assert_int_equal(gv_virtio_common_cap(net->data, net->len, &cap), 0);
	assert_true(cap.bar == 4 && cap.offset == 0 && cap.length == 0x1000);
	assert_int_equal(gv_virtio_common_cap(e1000e->data, e1000e->len, &cap), -1);
	assert_int_equal(gv_pci_bar_addr(net->data, net->len, 4, &addr, &io), 0);
	assert_true(addr == 0xfea00000u && !io);
	assert_int_equal(gv_pci_bar_addr(net->data, net->len, 0, &addr, &io), 0);
	assert_true(addr == 0xc0c0 && io);
	assert_int_equal(gv_pci_bar_addr(net->data, net->len, 2, &addr, &io), -1);
	assert_int_equal(gv_pci_bar_addr(net->data, 64, 4, &addr, &io), -1);

	/* A list that loops, and one that leaves 0x40-0xff. */
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x09;
	cfg[0x41] = 0x40;
	assert_int_equal(gv_pci_cap_next(cfg, 256, 0, 0x10), 0);
	assert_int_equal(gv_pci_cap_next(cfg, 256, 0, 0x09), 0x40);
	assert_int_equal(gv_virtio_common_cap(cfg, 256, &cap), -1);
	cfg[0x41] = 0x20;
	assert_int_equal(gv_pci_cap_next(cfg, 256, 0x40, 0x09), 0);
	cfg[0x06] = 0;
	assert_int_equal(gv_pci_cap_next(cfg, 256, 0, 0x09), 0);
}

/*
 * The recorded BAR sizes against the configuration space read before
 * them: every function has both items; each BAR the sizing found has
 * the type bits its register shows and an address the firmware aligned
 * to its size; a slot that sized nothing holds no address.
 */
static void test_pcibar_recorded(void **state)
{
	size_t functions = 0, sized = 0;

	(void)state;
	for (size_t i = 0; i < gv.nr; i++) {
		const struct gv_item *cfg = &gv.items[i], *bar;
		struct gv_bar bars[GV_PCIBAR_SLOTS];
		char name[32];
		int type1;

		if (strncmp(cfg->name, "pci/", 4))
			continue;
		functions++;
		snprintf(name, sizeof(name), "pcibar/%s", cfg->name + 4);
		bar = item(name);
		if (gv_pcibar_decode(bar->data, bar->len, bars))
			fail_msg("%s: does not decode", name);
		type1 = (cfg->data[0x0e] & 0x7f) == 1;
		for (int s = 0; s < GV_PCIBAR_SLOTS; s++) {
			unsigned reg = s == 6 ? (type1 ? 0x38 : 0x30) : 0x10 + 4 * (unsigned)s;
			uint64_t v = (uint64_t)cfg->data[reg] | (uint64_t)cfg->data[reg + 1] << 8 |
				     (uint64_t)cfg->data[reg + 2] << 16 |
				     (uint64_t)cfg->data[reg + 3] << 24;
			unsigned low = s == 6 ? 0x7ff : (v & 1) ? 0x3 : 0xf;

			/* A bridge's 0x18-0x27 are bus numbers and windows. */
			if (bars[s].kind == GV_BAR_UPPER || (type1 && s >= 2 && s < 6))
				continue;
			if (bars[s].kind == GV_BAR_NONE) {
				if (v & ~(uint64_t)1)
					fail_msg("%s slot %d: address 0x%llx, no size",
						 name, s, (unsigned long long)v);
				continue;
			}
			sized++;
			if (bars[s].kind == GV_BAR_MEM64)
				v |= (uint64_t)le32_of(cfg->data + reg + 4) << 32;
			if (s != 6 && (v & low) != (le32_of(bar->data + 4 * s) & low))
				fail_msg("%s slot %d: type bits differ", name, s);
			if ((v & ~(uint64_t)low) % bars[s].size)
				fail_msg("%s slot %d: 0x%llx not aligned to 0x%llx", name,
					 s, (unsigned long long)v,
					 (unsigned long long)bars[s].size);
		}
	}
	assert_true(functions >= 8);
	assert_true(sized >= 15);
}

/* dump(undump(file)) is the file, less its comment; bad lines refused. */
static void test_dump_round_trip(void **state)
{
	static const char *const bad[] = {
		"item x 0x0 2\n0102ff\n",    /* more bytes than said */
		"item x 0x0 3\n0102\n",      /* fewer */
		"item x 0x0 1\n0g\n",        /* not hex */
		"0102\n",                    /* bytes before any item */
		"item x 2\n",                /* no address */
		"item x zz 2\n0102\n",
	};
	char *text = tu_read(DUMP);
	struct strbuf out = STRBUF_INIT;

	(void)state;
	guestview_dump(&gv, &out);
	assert_string_equal(out.buf, strchr(text, '\n') + 1);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guestview v;
		char *msg;

		guestview_init(&v);
		tu_capture_begin();
		if (guestview_undump(bad[i], "bad.txt", &v) != -1)
			fail_msg("bad dump %zu accepted", i);
		msg = tu_capture_end();
		assert_contains(msg, "bad.txt:", "names the file");
		free(msg);
		guestview_release(&v);
	}
	free(text);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_valid),
		cmocka_unit_test(test_pointers_lead_to_tables),
		cmocka_unit_test(test_rsdp_find),
		cmocka_unit_test(test_smbios),
		cmocka_unit_test(test_fwcfg_dir),
		cmocka_unit_test(test_broken_refused),
		cmocka_unit_test(test_normalise_moved_tables),
		cmocka_unit_test(test_rsdp_revision2),
		cmocka_unit_test(test_normalise_uuid),
		cmocka_unit_test(test_normalise_too_short),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_pcibar_decode),
		cmocka_unit_test(test_pcibar_recorded),
		cmocka_unit_test(test_pci_helpers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
