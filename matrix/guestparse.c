/*
 * Parsing the bytes of the guest view (matrix/guestview.h) and making two
 * runs of one binary comparable. Pure functions: no I/O, so that
 * tests/unit/test_guestview.c runs them on recorded dumps. Layouts are
 * those of the ACPI specification (RSDP 5.2.5, the table header 5.2.6,
 * RSDT/XSDT 5.2.7-8, FADT 5.2.9, FACS 5.2.10), the SMBIOS specification
 * (entry points 5.2.1 and 5.2.2), QEMU's docs/specs/fw_cfg.rst and the
 * PCI Local Bus specification (BARs, 6.2.5).
 */
#include <stdlib.h>
#include <string.h>

#include "guestview.h"
#include "banned.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint8_t gv_sum(const unsigned char *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

int gv_rsdp_parse(const unsigned char *p, size_t len, struct gv_rsdp *r,
		  const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	if (len < 20 || memcmp(p, "RSD PTR ", 8)) {
		*why = "no 'RSD PTR ' signature";
		return -1;
	}
	if (gv_sum(p, 20)) {
		*why = "'RSD PTR ' with a bad checksum";
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->revision = p[15];
	r->rsdt = le32(p + 16);
	r->len = 20;
	if (r->revision >= 2) {
		if (len < 36 || le32(p + 20) < 36 || le32(p + 20) > len) {
			*why = "an RSDP of revision 2 that is too short";
			return -1;
		}
		r->len = le32(p + 20);
		if (gv_sum(p, r->len)) {
			*why = "an RSDP with a bad extended checksum";
			return -1;
		}
		r->xsdt = le64(p + 24);
	}
	return 0;
}

long gv_rsdp_find(const unsigned char *area, size_t len, const char **seen)
{
	const char *first = NULL, *why = NULL;
	struct gv_rsdp r;

	for (size_t off = 0; off + 20 <= len; off += 16) {
		if (memcmp(area + off, "RSD PTR ", 8))
			continue;
		if (!gv_rsdp_parse(area + off, len - off, &r, &why))
			return (long)off;
		if (!first)
			first = why;
	}
	if (seen)
		*seen = first ? first : "no 'RSD PTR ' signature";
	return -1;
}

int gv_sdt_header(const unsigned char *p, size_t avail, char sig[5],
		  uint32_t *length)
{
	if (avail < 36)
		return -1;
	memcpy(sig, p, 4);
	sig[4] = '\0';
	*length = le32(p + 4);
	return *length < 36 ? -1 : 0;
}

int gv_facs_len(const unsigned char *p, size_t avail, uint32_t *length)
{
	if (avail < 8 || memcmp(p, "FACS", 4))
		return -1;
	*length = le32(p + 4);
	return *length < 64 ? -1 : 0;
}

int gv_sdt_entries(const unsigned char *t, size_t len, size_t width,
		   uint64_t **addrs, size_t *n)
{
	uint64_t *a;

	*addrs = NULL;
	*n = 0;
	if (len < 36 || (len - 36) % width || le32(t + 4) != len)
		return -1;
	*n = (len - 36) / width;
	a = xcalloc(*n ? *n : 1, sizeof(*a));
	for (size_t i = 0; i < *n; i++)
		a[i] = width == 8 ? le64(t + 36 + 8 * i) : le32(t + 36 + 4 * i);
	*addrs = a;
	return 0;
}

/* FADT offsets (ACPI 5.2.9). */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140

int gv_fadt_parse(const unsigned char *t, size_t len, struct gv_fadt *f)
{
	if (len < FADT_DSDT + 4 || memcmp(t, "FACP", 4))
		return -1;
	f->facs = le32(t + FADT_FIRMWARE_CTRL);
	f->dsdt = le32(t + FADT_DSDT);
	if (len >= FADT_X_FIRMWARE_CTRL + 8 && le64(t + FADT_X_FIRMWARE_CTRL))
		f->facs = le64(t + FADT_X_FIRMWARE_CTRL);
	if (len >= FADT_X_DSDT + 8 && le64(t + FADT_X_DSDT))
		f->dsdt = le64(t + FADT_X_DSDT);
	return 0;
}

int gv_smbios_parse(const unsigned char *p, size_t len, struct gv_smbios *s,
		    const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	memset(s, 0, sizeof(*s));
	if (len >= 24 && !memcmp(p, "_SM3_", 5)) {
		s->entry_len = p[6];
		if (s->entry_len < 24 || s->entry_len > len || gv_sum(p, s->entry_len)) {
			*why = "'_SM3_' with a bad length or checksum";
			return -1;
		}
		s->v3 = 1;
		s->major = p[7];
		s->minor = p[8];
		s->table_len = le32(p + 12);
		s->table = le64(p + 16);
		return 0;
	}
	if (len >= 31 && !memcmp(p, "_SM_", 4)) {
		s->entry_len = p[5];
		if (s->entry_len < 31 || s->entry_len > len ||
		    gv_sum(p, s->entry_len) || memcmp(p + 16, "_DMI_", 5) ||
		    gv_sum(p + 16, 15)) {
			*why = "'_SM_' with a bad length or checksum";
			return -1;
		}
		s->major = p[6];
		s->minor = p[7];
		s->table_len = le16(p + 22);
		s->table = le32(p + 24);
		return 0;
	}
	*why = "no '_SM_' or '_SM3_' anchor";
	return -1;
}

long gv_smbios_find(const unsigned char *area, size_t len, struct gv_smbios *s)
{
	for (size_t off = 0; off + 24 <= len; off += 16)
		if ((!memcmp(area + off, "_SM3_", 5) || !memcmp(area + off, "_SM_", 4)) &&
		    !gv_smbios_parse(area + off, len - off, s, NULL))
			return (long)off;
	return -1;
}

int gv_fwcfg_dir_parse(const unsigned char *p, size_t len,
		       struct gv_fwcfg_file **files, size_t *n)
{
	uint32_t count;
	struct gv_fwcfg_file *f;

	*files = NULL;
	*n = 0;
	if (len < 4)
		return -1;
	count = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
	if (count > GV_FWCFG_MAX_FILES || len != 4 + 64 * (size_t)count)
		return -1;
	f = xcalloc(count ? count : 1, sizeof(*f));
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *e = p + 4 + 64 * (size_t)i;

		if (!memchr(e + 8, '\0', 56)) {
			free(f);
			return -1;
		}
		f[i].size = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
			    (uint32_t)e[2] << 8 | e[3];
		f[i].select = (uint16_t)(e[4] << 8 | e[5]);
		memcpy(f[i].name, e + 8, 56);
		f[i].name[56] = '\0';
	}
	*files = f;
	*n = count;
	return 0;
}

/* A memory BAR of slot i, reading back v (the high half in p's next slot). */
static int decode_mem(const unsigned char *p, size_t i, uint32_t v,
		      struct gv_bar bars[GV_PCIBAR_SLOTS])
{
	uint64_t mask = v & ~(uint64_t)0xf;
	int is64 = ((v >> 1) & 3) == 2;

	if (is64) {
		if (i + 1 >= GV_PCIBAR_SLOTS - 1)
			return -1;
		mask |= (uint64_t)le32(p + 4 * (i + 1)) << 32;
		bars[i + 1].kind = GV_BAR_UPPER;
	} else if (mask) {
		mask |= 0xffffffff00000000ull;
	}
	if (!mask)
		return 0; /* only the type bits read back: no BAR */
	bars[i].kind = is64 ? GV_BAR_MEM64 : GV_BAR_MEM32;
	bars[i].prefetch = !!(v & 0x8);
	bars[i].size = ~mask + 1;
	return 0;
}

int gv_pcibar_decode(const unsigned char *p, size_t len,
		     struct gv_bar bars[GV_PCIBAR_SLOTS])
{
	memset(bars, 0, GV_PCIBAR_SLOTS * sizeof(*bars));
	if (len != 4 * GV_PCIBAR_SLOTS)
		return -1;
	for (size_t i = 0; i < GV_PCIBAR_SLOTS - 1; i++) {
		uint32_t v = le32(p + 4 * i);

		if (bars[i].kind == GV_BAR_UPPER || !v)
			continue;
		if (v & 1) {
			/* I/O: bits 31:16 may be hard-wired to 0 (64 KiB space). */
			uint32_t mask = v & ~3u;

			if (!(mask & 0xffff0000u))
				mask |= 0xffff0000u;
			bars[i].kind = GV_BAR_IO;
			bars[i].size = (uint32_t)(~mask + 1);
		} else if (decode_mem(p, i, v, bars)) {
			return -1;
		}
	}
	/* The expansion ROM: address bits 31:11, the enable bit 0. */
	if (le32(p + 4 * 6) & 0xfffff800u) {
		bars[6].kind = GV_BAR_ROM;
		bars[6].size = (uint32_t)(~(le32(p + 4 * 6) & 0xfffff800u) + 1);
	}
	return 0;
}

int gv_mcfg_parse(const unsigned char *t, size_t len, struct gv_mcfg *m)
{
	/* The header (36), 8 reserved bytes, then 16-byte allocations. */
	for (size_t off = 44; off + 16 <= len; off += 16)
		if (!le16(t + off + 8)) {
			m->base = le64(t + off);
			m->start_bus = t[off + 10];
			m->end_bus = t[off + 11];
			return m->base && m->start_bus <= m->end_bus ? 0 : -1;
		}
	return -1;
}

size_t gv_pci_cap_next(const unsigned char *cfg, size_t len, size_t pos,
		       uint8_t id)
{
	size_t p;

	if (len < 256 || pos > 0xfc)
		return 0;
	/* Status bit 4: a capability list at the pointer in 0x34. */
	p = pos ? cfg[pos + 1] : (cfg[0x06] & 0x10 ? cfg[0x34] : 0);
	/* 48 capabilities of 4 bytes fill 0x40-0xff: more is a loop. */
	for (int n = 0; n < 48 && p >= 0x40 && p <= 0xfc; n++) {
		p &= 0xfc;
		if (cfg[p] == id)
			return p;
		p = cfg[p + 1];
	}
	return 0;
}

int gv_pci_bar_addr(const unsigned char *cfg, size_t len, unsigned bar,
		    uint64_t *addr, int *io)
{
	size_t reg = 0x10 + 4 * (size_t)bar;
	uint32_t v;

	if (len < 256 || bar > 5 || (cfg[0x0e] & 0x7f))
		return -1;
	v = le32(cfg + reg);
	*io = v & 1;
	if (*io) {
		*addr = v & ~3u;
	} else {
		*addr = v & ~0xfu;
		if (((v >> 1) & 3) == 2) {
			if (bar == 5)
				return -1;
			*addr |= (uint64_t)le32(cfg + reg + 4) << 32;
		}
	}
	return *addr ? 0 : -1;
}

int gv_virtio_common_cap(const unsigned char *cfg, size_t len,
			 struct gv_virtio_cap *cap)
{
	size_t p = 0;

	/* As many as the list may hold: one that loops ends here too. */
	for (int n = 0; n < 48 && (p = gv_pci_cap_next(cfg, len, p, 0x09)); n++) {
		/* struct virtio_pci_cap: cfg_type 3, bar 4, offset 8, length 12. */
		if (cfg[p + 2] < 16 || p + 16 > 256 || cfg[p + 3] != 1)
			continue;
		cap->bar = cfg[p + 4];
		cap->offset = le32(cfg + p + 8);
		cap->length = le32(cfg + p + 12);
		return cap->bar <= 5 && cap->length >= 26 ? 0 : -1;
	}
	return -1;
}

/*
 * Normalisation. What follows addresses: the firmware (SeaBIOS's
 * romfile_loader running QEMU's etc/table-loader) places the tables in
 * memory and patches pointers to them into the tables that refer to
 * them, then fixes up those tables' checksums. Two runs of one binary
 * place them alike, but a table that grows by a byte in another version
 * moves every table after it: the pointers and the checksums that cover
 * them say nothing about the guest ABI. What is random: the SMBIOS
 * system UUID (type 1), which follows -uuid (zero without it).
 */
struct gv_field {
	size_t off, len;
};

/* Zeroes fields that fit in the item; -1 reported for one that does not. */
static int zero_fields(struct gv_item *it, const struct gv_field *f, size_t n,
		       size_t need)
{
	if (it->len < need)
		return error("guest view: '%s' is %zu bytes, shorter than the "
			     "%zu its normalisation needs", it->name, it->len, need);
	for (size_t i = 0; i < n; i++)
		if (f[i].off + f[i].len <= it->len)
			memset(it->data + f[i].off, 0, f[i].len);
	return 0;
}

/* RSDP: checksum, RsdtAddress, XsdtAddress, extended checksum. */
static const struct gv_field rsdp_fields[] = {
	{ 8, 1 }, { 16, 4 }, { 24, 8 }, { 32, 1 },
};
/* FADT: checksum, FIRMWARE_CTRL, DSDT, X_FIRMWARE_CTRL, X_DSDT. */
static const struct gv_field fadt_fields[] = {
	{ 9, 1 }, { FADT_FIRMWARE_CTRL, 4 }, { FADT_DSDT, 4 },
	{ FADT_X_FIRMWARE_CTRL, 8 }, { FADT_X_DSDT, 8 },
};
/* SMBIOS 2.x: checksum, intermediate checksum, structure table address. */
static const struct gv_field sm2_fields[] = { { 4, 1 }, { 21, 1 }, { 24, 4 } };
/* SMBIOS 3: checksum, structure table address. */
static const struct gv_field sm3_fields[] = { { 5, 1 }, { 16, 8 } };

/* RSDT/XSDT: the checksum and every entry (an address). */
static int normalise_sdt(struct gv_item *it)
{
	static const struct gv_field sum = { 9, 1 };

	if (zero_fields(it, &sum, 1, 36))
		return -1;
	memset(it->data + 36, 0, it->len - 36);
	return 0;
}

/* SMBIOS type 1 (System Information): the 16-byte UUID at offset 8. */
static int normalise_smbios_table(struct gv_item *it)
{
	size_t off = 0;

	while (off + 4 <= it->len) {
		uint8_t type = it->data[off], flen = it->data[off + 1];
		size_t end = off + flen;

		if (flen < 4 || end > it->len)
			break;
		if (type == 1 && flen >= 8 + 16)
			memset(it->data + off + 8, 0, 16);
		if (type == 127)
			break;
		/* The strings: up to a double NUL. */
		while (end + 1 < it->len && (it->data[end] || it->data[end + 1]))
			end++;
		off = end + 2;
	}
	return 0;
}

int guestview_normalise(struct guestview *gv)
{
	for (size_t i = 0; i < gv->nr; i++) {
		struct gv_item *it = &gv->items[i];
		int r = 0;

		if (!strcmp(it->name, "acpi/RSDP"))
			r = zero_fields(it, rsdp_fields, ARRAY_SIZE(rsdp_fields), 20);
		else if (!strcmp(it->name, "acpi/RSDT") || !strcmp(it->name, "acpi/XSDT"))
			r = normalise_sdt(it);
		else if (!strcmp(it->name, "acpi/FACP"))
			r = zero_fields(it, fadt_fields, ARRAY_SIZE(fadt_fields), 44);
		else if (!strcmp(it->name, "smbios/entry"))
			r = it->len >= 5 && !memcmp(it->data, "_SM3_", 5)
				    ? zero_fields(it, sm3_fields, ARRAY_SIZE(sm3_fields), 24)
				    : zero_fields(it, sm2_fields, ARRAY_SIZE(sm2_fields), 31);
		else if (!strcmp(it->name, "smbios/table"))
			r = normalise_smbios_table(it);
		if (r)
			return -1;
	}
	return 0;
}

/*
 * The machine type's own name. QEMU gives SMBIOS the machine type's name
 * as the version string of types 1, 2, 3 and 4 (hw/i386/fw_cfg.c,
 * smbios_set_defaults("QEMU", mc->desc, mc->name)), so two machine types
 * of one binary that are otherwise equal (pc-i440fx-4.1 and 4.2) would
 * always differ. Every string equal to the name becomes "<machine>" (as
 * in the ABI texts), and what follows from the strings' lengths follows
 * it: the 2.x entry point's table length and maximum structure size, the
 * 3.x entry point's table maximum size, and the size of
 * etc/smbios/smbios-tables in fw_cfg's directory.
 */
#define MACHINE_TOKEN "<machine>"

/* Appends to an uncapped buffer, which cannot fail. */
static void out_add(struct strbuf *sb, const void *p, size_t n)
{
	if (strbuf_add(sb, p, n))
		die("an uncapped strbuf refused %zu bytes", n);
}

struct smbios_rewrite {
	struct strbuf out;
	size_t max_struct; /* the largest structure, strings included */
	long delta;	   /* bytes added (negative: removed) */
};

/* One structure's strings (p[0..len), up to its double NUL) rewritten. */
static void rewrite_strings(const unsigned char *p, size_t len,
			    const char *machine, struct smbios_rewrite *rw)
{
	size_t i = 0;

	while (i < len && p[i]) {
		size_t n = strnlen((const char *)p + i, len - i);

		if (n == strlen(machine) && !memcmp(p + i, machine, n)) {
			out_add(&rw->out, MACHINE_TOKEN, strlen(MACHINE_TOKEN) + 1);
			rw->delta += (long)strlen(MACHINE_TOKEN) - (long)n;
		} else {
			out_add(&rw->out, p + i, n + 1);
		}
		i += n + 1;
	}
	out_add(&rw->out, "", 1); /* the NUL that ends the set */
}

/* The table rebuilt with the name replaced; 0, or -1 when malformed. */
static int rewrite_table(const unsigned char *t, size_t len,
			 const char *machine, struct smbios_rewrite *rw)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint8_t type = t[off], flen = t[off + 1];
		size_t strings = off + flen, end = strings, start = rw->out.len;

		if (flen < 4 || strings > len)
			return -1;
		while (end + 1 < len && (t[end] || t[end + 1]))
			end++;
		if (end + 1 >= len)
			return -1;
		out_add(&rw->out, t + off, flen);
		if (t[strings])
			rewrite_strings(t + strings, end + 1 - strings, machine, rw);
		else /* no strings: kept as they are, up to the double NUL */
			out_add(&rw->out, t + strings, end + 2 - strings);
		if (rw->out.len - start > rw->max_struct)
			rw->max_struct = rw->out.len - start;
		off = end + 2;
		if (type == 127)
			break;
	}
	/* Whatever follows the end-of-table structure is kept as it is. */
	out_add(&rw->out, t + off, len - off);
	return 0;
}

static void put_le16(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_le32(unsigned char *p, size_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The fw_cfg directory's size of etc/smbios/smbios-tables, plus delta. */
static void fwcfg_smbios_size(struct gv_item *dir, long delta)
{
	for (size_t off = 4; dir && off + 64 <= dir->len; off += 64) {
		unsigned char *e = dir->data + off;

		if (!strncmp((const char *)e + 8, "etc/smbios/smbios-tables", 56)) {
			uint32_t size = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
					(uint32_t)e[2] << 8 | e[3];

			size = (uint32_t)((long)size + delta);
			e[0] = (unsigned char)(size >> 24);
			e[1] = (unsigned char)(size >> 16);
			e[2] = (unsigned char)(size >> 8);
			e[3] = (unsigned char)size;
		}
	}
}

static struct gv_item *find_item(struct guestview *gv, const char *name)
{
	return (struct gv_item *)guestview_find(gv, name);
}

int guestview_normalise_machine(struct guestview *gv, const char *machine)
{
	struct gv_item *entry = find_item(gv, "smbios/entry");
	struct gv_item *table = find_item(gv, "smbios/table");
	struct smbios_rewrite rw = { STRBUF_INIT, 0, 0 };

	if (!table || !entry || !*machine)
		return 0;
	if (rewrite_table(table->data, table->len, machine, &rw)) {
		strbuf_release(&rw.out);
		return error("guest view: the SMBIOS table of '%s' is malformed",
			     machine);
	}
	free(table->data);
	table->len = rw.out.len;
	table->data = (unsigned char *)strbuf_detach(&rw.out);
	if (entry->len >= 31 && !memcmp(entry->data, "_SM_", 4)) {
		put_le16(entry->data + 8, rw.max_struct);
		put_le16(entry->data + 22, table->len);
	} else if (entry->len >= 24 && !memcmp(entry->data, "_SM3_", 5)) {
		put_le32(entry->data + 12, table->len);
	}
	fwcfg_smbios_size(find_item(gv, "fw_cfg/dir"), rw.delta);
	return 0;
}
