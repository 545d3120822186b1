/*
 * The guest view's items for a list (guestitems.h): a one-line summary
 * of each item from what its header says, chosen by a table of item
 * names, and the table names of `show guest --table` that select groups
 * of items. Everything here reads normalised bytes (guestparse.c zeroes
 * checksums and addresses), so nothing depends on a checksum.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "guestitems.h"
#include "banned.h"

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* A fixed-width id (OEM ids): trailing blanks and NULs dropped, escaped. */
static void put_id(struct strbuf *out, const unsigned char *p, size_t n)
{
	struct strbuf esc = STRBUF_INIT;

	while (n && (p[n - 1] == ' ' || !p[n - 1]))
		n--;
	sb_printf(out, "\"%s\"", str_printable(&esc, (const char *)p, n, 0));
	strbuf_release(&esc);
}

static void sum_rsdp(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;
	unsigned rev;

	if (it->len < 20) {
		sb_printf(out, "RSDP, too short (%zu bytes)", it->len);
		return;
	}
	rev = p[15];
	sb_printf(out, "RSDP revision %u (ACPI %s), OEM ", rev,
		  rev >= 2 ? "2.0+" : "1.0");
	put_id(out, p + 9, 6);
	if (rev >= 2 && it->len >= 24)
		sb_printf(out, ", length %u", le32(p + 20));
}

static void sum_facs(const struct gv_item *it, struct strbuf *out)
{
	if (it->len < 33) {
		sb_printf(out, "FACS, too short (%zu bytes)", it->len);
		return;
	}
	sb_printf(out, "FACS version %u, length %u", it->data[32],
		  le32(it->data + 4));
}

/* Any other ACPI table: its 36-byte header. */
static void sum_sdt(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;
	struct strbuf esc = STRBUF_INIT;
	uint32_t length;

	if (it->len < 36) {
		sb_printf(out, "too short for an ACPI table header (%zu bytes)",
			  it->len);
		return;
	}
	length = le32(p + 4);
	sb_printf(out, "%s revision %u, OEM ",
		  str_printable(&esc, (const char *)p, 4, 0), p[8]);
	put_id(out, p + 10, 6);
	sb_putc(out, ' ');
	put_id(out, p + 16, 8);
	sb_printf(out, ", OEM revision %u, length %u", le32(p + 24), length);
	if (length != it->len)
		sb_printf(out, " (%zu bytes read)", it->len);
	strbuf_release(&esc);
}

static void sum_smbios_entry(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;

	if (it->len >= 24 && !memcmp(p, "_SM3_", 5))
		sb_printf(
		    out,
		    "SMBIOS %u.%u, 64-bit entry point, table at most %u bytes",
		    p[7], p[8], le32(p + 12));
	else if (it->len >= 31 && !memcmp(p, "_SM_", 4))
		sb_printf(out,
			  "SMBIOS %u.%u, 32-bit entry point, table %u bytes",
			  p[6], p[7], le16(p + 22));
	else
		sb_puts(out, "no SMBIOS anchor ('_SM_' or '_SM3_')");
}

/* The structures of the table: a formatted area, then strings up to "\0\0". */
static void sum_smbios_table(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;
	size_t pos = 0, n = 0;
	int end = 0;

	while (!end && pos + 4 <= it->len) {
		size_t s = pos + p[pos + 1];

		if (p[pos + 1] < 4 || s > it->len)
			break;
		end = p[pos] == 127;
		while (s + 1 < it->len && (p[s] || p[s + 1]))
			s++;
		n++;
		pos = s + 2;
	}
	sb_printf(out, "%zu %s", n, plural(n, "structure", "structures"));
	if (!end)
		sb_printf(out,
			  ", no end-of-table structure (malformed at byte %zu)",
			  pos);
}

/* PCI base classes 00 to 11. */
static const char *const pci_classes[] = {
	[0x00] = "unclassified",
	[0x01] = "mass storage",
	[0x02] = "network",
	[0x03] = "display",
	[0x04] = "multimedia",
	[0x05] = "memory",
	[0x06] = "bridge",
	[0x07] = "communication",
	[0x08] = "system peripheral",
	[0x09] = "input",
	[0x0a] = "docking station",
	[0x0b] = "processor",
	[0x0c] = "serial bus",
	[0x0d] = "wireless",
	[0x0e] = "intelligent I/O",
	[0x0f] = "satellite",
	[0x10] = "encryption",
	[0x11] = "signal processing",
};

static void sum_pci(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;

	if (it->len < 12) {
		sb_printf(out, "too short for a PCI header (%zu bytes)",
			  it->len);
		return;
	}
	sb_printf(out, "%04x:%04x rev %02x, class %02x%02x prog-if %02x",
		  le16(p), le16(p + 2), p[8], p[11], p[10], p[9]);
	if (p[11] < ARRAY_SIZE(pci_classes))
		sb_printf(out, " (%s)", pci_classes[p[11]]);
}

static void sum_fwcfg_dir(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;
	uint32_t n;

	if (it->len < 4) {
		sb_printf(out, "too short for a file count (%zu bytes)",
			  it->len);
		return;
	}
	n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	    p[3];
	sb_printf(out, "%u %s", n, plural(n, "file", "files"));
}

static void count_records(const struct gv_item *it, size_t size,
			  const char *one, const char *many, struct strbuf *out)
{
	sb_printf(out, "%zu %s", it->len / size,
		  plural(it->len / size, one, many));
	if (it->len % size)
		sb_printf(out, " and %zu bytes left over", it->len % size);
}

static void sum_e820_fwcfg(const struct gv_item *it, struct strbuf *out)
{
	count_records(it, 20, "entry", "entries", out);
}

static void sum_e820_firmware(const struct gv_item *it, struct strbuf *out)
{
	count_records(it, 24, "entry", "entries", out);
}

/* 24-byte records: leaf, subleaf, eax, ebx, ecx, edx. */
static void sum_cpuid(const struct gv_item *it, struct strbuf *out)
{
	count_records(it, 24, "record", "records", out);
	for (size_t off = 0; off + 24 <= it->len; off += 24) {
		const unsigned char *r = it->data + off;
		char vendor[13];

		if (le32(r))
			continue;
		memcpy(vendor, r + 12, 4); /* ebx, edx, ecx */
		memcpy(vendor + 4, r + 20, 4);
		memcpy(vendor + 8, r + 16, 4);
		vendor[12] = '\0';
		for (size_t i = 0; i < 12; i++)
			if (!isprint((unsigned char)vendor[i]))
				vendor[i] = '?';
		sb_printf(out, ", max basic leaf 0x%x, vendor %s", le32(r + 8),
			  vendor);
		break;
	}
}

/* The ID and version registers. */
static void sum_lapic(const struct gv_item *it, struct strbuf *out)
{
	uint32_t ver;

	if (it->len < 8) {
		sb_printf(out, "too short (%zu bytes)", it->len);
		return;
	}
	ver = le32(it->data + 4);
	sb_printf(out, "APIC ID %u, version 0x%02x, %u LVT entries",
		  it->data[3], ver & 0xff, ((ver >> 16) & 0xff) + 1);
}

static void sum_virtio(const struct gv_item *it, struct strbuf *out)
{
	const unsigned char *p = it->data;
	uint64_t f = 0;

	if (it->len < 10) {
		sb_printf(out, "too short (%zu bytes)", it->len);
		return;
	}
	for (int b = 7; b >= 0; b--)
		f = f << 8 | p[b];
	sb_printf(out, "features 0x%016llx, %u queues", (unsigned long long)f,
		  (unsigned)(p[8] | p[9] << 8));
}

/* Who summarises which item: an exact name, or a prefix ending in '/'. */
static const struct {
	const char *name;
	void (*fn)(const struct gv_item *it, struct strbuf *out);
} summaries[] = {
	{ "acpi/RSDP", sum_rsdp },
	{ "acpi/FACS", sum_facs },
	{ "acpi/", sum_sdt },
	{ "smbios/entry", sum_smbios_entry },
	{ "smbios/table", sum_smbios_table },
	{ "pci/", sum_pci },
	{ "fw_cfg/dir", sum_fwcfg_dir },
	{ "fw_cfg/etc/e820", sum_e820_fwcfg },
	{ "firmware/e820", sum_e820_firmware },
	{ "cpu/cpuid", sum_cpuid },
	{ "cpu/lapic", sum_lapic },
	{ "virtio/", sum_virtio },
};

static int name_matches(const char *pattern, const char *name)
{
	size_t n = strlen(pattern);

	return pattern[n - 1] == '/' ? !strncmp(pattern, name, n)
				     : !strcmp(pattern, name);
}

void guest_item_summary(const struct gv_item *it, struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(summaries); i++)
		if (name_matches(summaries[i].name, it->name)) {
			summaries[i].fn(it, out);
			return;
		}
}

/* ---- Table names. ---- */

/* What a table name selects: exact item names, or prefixes ending in '/'. */
static const struct {
	const char *table;
	const char *items[3];
} groups[] = {
	{ "smbios", { "smbios/entry", "smbios/table" } },
	{ "pci", { "pci/" } },
	{ "cpuid", { "cpu/cpuid" } },
	{ "lapic", { "cpu/lapic" } },
	{ "e820", { "firmware/e820", "fw_cfg/etc/e820" } },
	{ "fwcfg", { "fw_cfg/dir" } },
	{ "virtio", { "virtio/" } },
};

/* An ACPI signature: four of A-Z a-z 0-9 _ (RSDP too). */
static int acpi_sig_shape(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* BB:DD.F in hex. */
static int bdf_shape(const char *s)
{
	static const char form[] = "xx:xx.x";

	if (strlen(s) != sizeof(form) - 1)
		return 0;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'x' ? !isxdigit((unsigned char)s[i])
				   : s[i] != form[i])
			return 0;
	return 1;
}

static int group_of(const char *table)
{
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcasecmp(groups[i].table, table))
			return (int)i;
	return -1;
}

int guest_table_valid(const char *table)
{
	if (!strncasecmp(table, "pci:", 4))
		return bdf_shape(table + 4);
	return group_of(table) >= 0 || acpi_sig_shape(table) ||
	       (strchr(table, '/') && table[strlen(table) - 1] != '/');
}

/* acpi/<SIG> or acpi/<SIG>.<digits>, the signature compared without case. */
static int acpi_selects(const char *sig, const char *name)
{
	const char *rest;

	if (!skip_prefix(name, "acpi/", &rest) || strncasecmp(rest, sig, 4))
		return 0;
	rest += 4;
	if (!*rest)
		return 1;
	if (*rest++ != '.' || !*rest)
		return 0;
	return strspn(rest, "0123456789") == strlen(rest);
}

int guest_table_selects(const char *table, const char *name)
{
	int g = group_of(table);
	const char *rest;

	if (g >= 0) {
		for (size_t i = 0;
		     i < ARRAY_SIZE(groups[g].items) && groups[g].items[i]; i++)
			if (name_matches(groups[g].items[i], name))
				return 1;
		return 0;
	}
	if (!strncasecmp(table, "pci:", 4))
		return skip_prefix(name, "pci/", &rest) &&
		       !strcasecmp(rest, table + 4);
	if (strchr(table, '/'))
		return !strcmp(table, name);
	return acpi_selects(table, name);
}

void guest_table_of(const char *name, struct strbuf *out)
{
	const char *rest;

	if (skip_prefix(name, "acpi/", &rest)) {
		sb_printf(out, "%.4s", rest);
		return;
	}
	if (skip_prefix(name, "pci/", &rest) ||
	    skip_prefix(name, "pcibar/", &rest)) {
		sb_printf(out, "pci:%s", rest);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (strcmp(groups[i].table, "pci") &&
		    guest_table_selects(groups[i].table, name)) {
			sb_puts(out, groups[i].table);
			return;
		}
	sb_puts(out, name);
}

static int has_word(const struct strbuf *words, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = words->buf; (p = strstr(p, w)); p += n)
		if ((p == words->buf || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

void guest_tables_in(const struct guestview *gv, struct strbuf *out)
{
	struct strbuf acpi = STRBUF_INIT, bdfs = STRBUF_INIT;
	const char *rest;
	int any = 0;

	for (size_t i = 0; i < gv->nr; i++) {
		const char *name = gv->items[i].name;

		if (skip_prefix(name, "acpi/", &rest) && strlen(rest) >= 4) {
			char sig[5];

			memcpy(sig, rest, 4);
			sig[4] = '\0';
			if (!has_word(&acpi, sig))
				sb_printf(&acpi, "%s%s", acpi.len ? " " : "",
					  sig);
		} else if (skip_prefix(name, "pci/", &rest)) {
			sb_printf(&bdfs, "%s%s", bdfs.len ? " " : "", rest);
		}
	}
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		size_t i;

		for (i = 0; i < gv->nr; i++)
			if (guest_table_selects(groups[g].table,
						gv->items[i].name))
				break;
		if (i == gv->nr)
			continue;
		sb_printf(out, "%s%s", any++ ? ", " : "", groups[g].table);
		if (!strcmp(groups[g].table, "pci") && bdfs.len)
			sb_printf(out, ", pci:BB:DD.F (%s)", bdfs.buf);
	}
	if (acpi.len)
		sb_printf(out, "%sthe ACPI tables %s", any ? " and " : "",
			  acpi.buf);
	else if (!any)
		sb_puts(out, "no items");
	strbuf_release(&acpi);
	strbuf_release(&bdfs);
}
