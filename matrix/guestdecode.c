/*
 * The guest view's items as text (matrix/guestdecode.h): a table maps
 * each item name to its decoder. ACPI tables and SMBIOS go to their
 * tools (guesttools.c), PCI functions to guestpci.c and guestpcie.c,
 * CPUID and the local APIC to guestcpuid.c, virtio devices' features
 * and queues to guestvirtio.c; the RSDP and the SMBIOS entry point,
 * which the tools cannot read alone, the fw_cfg directory, the e820
 * maps and any unknown item (a hex dump) are decoded here, as is the
 * one way every decoder writes a register (guestdecoders.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

/* ---- Registers as text (guestdecoders.h) ---- */

static const char *const speeds[] = { "?",	"2.5GT/s", "5GT/s", "8GT/s",
				      "16GT/s", "32GT/s",  "64GT/s" };

static void speed_list(struct strbuf *out, const char *name, uint64_t x)
{
	const char *sep = "=";

	sb_printf(out, " %s", name);
	for (unsigned b = 1; b < ARRAY_SIZE(speeds); b++)
		if (x >> b & 1) {
			sb_printf(out, "%s%.*s", sep,
				  (int)strcspn(speeds[b], "G"), speeds[b]);
			sep = ",";
		}
	if (*sep == '=')
		sb_puts(out, "=none");
}

static void field(struct strbuf *out, uint64_t x, const struct gd_field *f)
{
	switch (f->kind) {
	case GD_FLAG:
		if (x)
			sb_printf(out, " %s", f->name);
		break;
	case GD_HEX:
		sb_printf(out, " %s=0x%llx", f->name, (unsigned long long)x);
		break;
	case GD_NAMES:
		if (x < f->nnames && f->names[x])
			sb_printf(out, " %s=%s", f->name, f->names[x]);
		else
			sb_printf(out, " %s=%llu", f->name,
				  (unsigned long long)x);
		break;
	case GD_PLUS1:
		sb_printf(out, " %s=%llu", f->name, (unsigned long long)x + 1);
		break;
	case GD_INPLACE:
		sb_printf(out, " %s=0x%llx", f->name,
			  (unsigned long long)(x << f->lo));
		break;
	case GD_POW2:
		sb_printf(out, " %s=%llu", f->name, 1ULL << (x & 63));
		break;
	case GD_SHL7:
		sb_printf(out, " %s=%llu", f->name, 128ULL << (x & 7));
		break;
	case GD_SPEED:
		if (x && x < ARRAY_SIZE(speeds))
			sb_printf(out, " %s=%s", f->name, speeds[x]);
		else
			sb_printf(out, " %s=%llu", f->name,
				  (unsigned long long)x);
		break;
	case GD_SPEEDS:
		speed_list(out, f->name, x);
		break;
	default:
		sb_printf(out, " %s=%llu", f->name, (unsigned long long)x);
	}
}

void gd_fields(struct strbuf *out, uint64_t v, const struct gd_field *f,
	       size_t n)
{
	uint64_t named = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t mask =
		    f[i].bits >= 64 ? ~0ULL : (1ULL << f[i].bits) - 1;

		/* Bit 0 of a speeds vector is reserved: left to "other". */
		named |= (f[i].kind == GD_SPEEDS ? mask & ~1ULL : mask)
			 << f[i].lo;
		field(out, v >> f[i].lo & mask, &f[i]);
	}
	if (n && (v & ~named))
		sb_printf(out, " other=0x%llx",
			  (unsigned long long)(v & ~named));
}

void gd_value(struct strbuf *out, uint64_t v, int digits,
	      const struct gd_field *f, size_t n)
{
	struct strbuf fields = STRBUF_INIT;

	gd_fields(&fields, v, f, n);
	sb_printf(out, "0x%0*llx%s%s\n", digits, (unsigned long long)v,
		  fields.len ? ":" : "", fields.buf);
	strbuf_release(&fields);
}

void gd_size(struct strbuf *out, uint64_t size)
{
	static const char *const units[] = { "EiB", "PiB", "TiB",
					     "GiB", "MiB", "KiB" };

	for (size_t i = 0; i < ARRAY_SIZE(units) && size; i++) {
		unsigned shift = 10 * (unsigned)(ARRAY_SIZE(units) - i);

		if (!(size & ((1ULL << shift) - 1))) {
			sb_printf(out, "%llu %s",
				  (unsigned long long)(size >> shift),
				  units[i]);
			return;
		}
	}
	sb_printf(out, "%llu bytes", (unsigned long long)size);
}

void gd_escaped(struct strbuf *out, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			sb_putc(out, (char)s[i]);
		else
			sb_printf(out, "\\x%02x", s[i]);
}

void gd_quoted(struct strbuf *out, const unsigned char *s, size_t len)
{
	sb_putc(out, '"');
	gd_escaped(out, s, len);
	sb_putc(out, '"');
}

/* ---- Pure decoders ---- */

void guest_decode_hex(const unsigned char *p, size_t len, struct strbuf *out)
{
	if (!len)
		sb_puts(out, "(no bytes)\n");
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		sb_printf(out, "%08zx ", off);
		for (size_t i = 0; i < 16; i++)
			if (i < n)
				sb_printf(out, " %02x", p[off + i]);
			else
				sb_puts(out, "   ");
		sb_puts(out, "  |");
		for (size_t i = 0; i < n; i++)
			sb_putc(out, p[off + i] >= 0x20 && p[off + i] < 0x7f
					 ? (char)p[off + i]
					 : '.');
		sb_puts(out, "|\n");
	}
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void file_line(struct strbuf *out, size_t i, const char *name,
		      size_t name_len, uint32_t size, uint16_t select)
{
	sb_printf(out, "%zu ", i);
	gd_escaped(out, (const unsigned char *)name, name_len);
	sb_printf(out, " size %u select 0x%04x\n", size, select);
}

/* A directory gv_fwcfg_dir_parse refuses: the files that are whole. */
static void fwcfg_partial(const unsigned char *p, size_t len,
			  struct strbuf *out)
{
	uint32_t count;
	size_t i;

	if (len < 4) {
		sb_printf(out,
			  "stopped at byte 0: %zu bytes, too short for the "
			  "count\n",
			  len);
		return;
	}
	count = be32(p);
	sb_printf(out, "count = %u\n", count);
	for (i = 0; i < count && 4 + 64 * (i + 1) <= len; i++) {
		const unsigned char *e = p + 4 + 64 * i;
		const unsigned char *nul = memchr(e + 8, '\0', 56);

		file_line(out, i, (const char *)e + 8,
			  nul ? (size_t)(nul - e - 8) : 56, be32(e),
			  (uint16_t)(e[4] << 8 | e[5]));
		if (!nul)
			sb_printf(out,
				  "stopped at byte %zu: file %zu's name has no "
				  "NUL in its 56 bytes\n",
				  4 + 64 * i + 8, i);
	}
	if (i < count)
		sb_printf(out,
			  "stopped at byte %zu: %u files counted, %zu bytes "
			  "hold %zu\n",
			  4 + 64 * i, count, len, i);
	else if (4 + 64 * i < len)
		sb_printf(out,
			  "stopped at byte %zu: %zu bytes after the %u files "
			  "counted\n",
			  4 + 64 * i, len - 4 - 64 * i, count);
}

void guest_decode_fwcfg_dir(const unsigned char *p, size_t len,
			    struct strbuf *out)
{
	struct gv_fwcfg_file *f = NULL;
	size_t n = 0;

	if (gv_fwcfg_dir_parse(p, len, &f, &n)) {
		fwcfg_partial(p, len, out);
		return;
	}
	sb_printf(out, "count = %zu\n", n);
	for (size_t i = 0; i < n; i++)
		file_line(out, i, f[i].name, strlen(f[i].name), f[i].size,
			  f[i].select);
	free(f);
}

static const char *const e820_types[] = {
	[1] = "usable",	  [2] = "reserved", [3] = "acpi", [4] = "nvs",
	[5] = "unusable", [6] = "disabled", [7] = "pmem", [12] = "pram",
};

void guest_decode_e820(const unsigned char *p, size_t len, size_t entry_size,
		       struct strbuf *out)
{
	size_t n = entry_size >= 20 ? len / entry_size : 0;

	if (entry_size < 20) {
		sb_printf(out,
			  "entries of %zu bytes: too short for an e820 "
			  "entry\n",
			  entry_size);
		guest_decode_hex(p, len, out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *e = p + entry_size * i;
		uint64_t start = gd_le64(e), size = gd_le64(e + 8);
		uint32_t type = gd_le32(e + 16);
		const char *name =
		    type < ARRAY_SIZE(e820_types) ? e820_types[type] : NULL;

		sb_printf(out, "0x%016llx", (unsigned long long)start);
		if (size && start + (size - 1) >= start)
			sb_printf(out, "-0x%016llx",
				  (unsigned long long)(start + size - 1));
		sb_printf(out, " size 0x%llx (", (unsigned long long)size);
		if (size && start + (size - 1) < start)
			sb_puts(out, "past the end of the address space, ");
		gd_size(out, size);
		sb_printf(out, ") type %u %s", type, name ? name : "unknown");
		if (entry_size >= 24)
			sb_printf(out, " attributes 0x%08x", gd_le32(e + 20));
		sb_putc(out, '\n');
	}
	if (len % entry_size)
		sb_printf(out,
			  "stopped at byte %zu: %zu bytes left over, not a "
			  "whole %zu-byte entry\n",
			  n * entry_size, len % entry_size, entry_size);
}

/* Fields at fixed offsets, for the RSDP and the SMBIOS entry points. */
enum bf_kind { BF_STR, BF_DEC, BF_HEX, BF_BYTES, BF_VERSION };
struct byte_field {
	uint8_t off, size;
	uint8_t kind; /* enum bf_kind */
	const char *name;
};

static void byte_fields(const unsigned char *p, size_t len,
			const struct byte_field *f, size_t n, const char *sep,
			struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *v = p + f[i].off;
		uint64_t x = 0;

		if ((size_t)f[i].off + f[i].size > len) {
			sb_printf(out,
				  "stopped at byte %u: %s needs %u bytes, the "
				  "item has %zu\n",
				  f[i].off, f[i].name, f[i].size, len);
			return;
		}
		for (unsigned b = 0; b < f[i].size && b < 8; b++)
			x |= (uint64_t)v[b] << 8 * b;
		sb_printf(out, "%s%s", f[i].name, sep);
		if (f[i].kind == BF_STR)
			gd_quoted(out, v, f[i].size);
		else if (f[i].kind == BF_DEC)
			sb_printf(out, "%llu", (unsigned long long)x);
		else if (f[i].kind == BF_HEX)
			sb_printf(out, "0x%0*llx", 2 * f[i].size,
				  (unsigned long long)x);
		else if (f[i].kind == BF_VERSION)
			for (unsigned b = 0; b < f[i].size; b++)
				sb_printf(out, "%s%u", b ? "." : "", v[b]);
		else
			for (unsigned b = 0; b < f[i].size; b++)
				sb_printf(out, "%s%02x", b ? " " : "", v[b]);
		sb_putc(out, '\n');
	}
}

/* ACPI 5.2.5.3, without the checksum (8) and extended checksum (32). */
static const struct byte_field rsdp1[] = {
	{ 0, 8, BF_STR, "Signature" },
	{ 9, 6, BF_STR, "Oem ID" },
	{ 15, 1, BF_HEX, "Revision" },
	{ 16, 4, BF_HEX, "RSDT Address" },
};
static const struct byte_field rsdp2[] = {
	{ 20, 4, BF_HEX, "Length" },
	{ 24, 8, BF_HEX, "XSDT Address" },
	{ 33, 3, BF_BYTES, "Reserved" },
};

void guest_decode_rsdp(const unsigned char *p, size_t len, struct strbuf *out)
{
	byte_fields(p, len, rsdp1, ARRAY_SIZE(rsdp1), " : ", out);
	if (len >= 16 && p[15] >= 2)
		byte_fields(p, len, rsdp2, ARRAY_SIZE(rsdp2), " : ", out);
	else if (len > 20)
		sb_printf(out,
			  "stopped at byte 20: %zu bytes after a revision 0 "
			  "RSDP\n",
			  len - 20);
}

/* SMBIOS 3.7 5.2.1 and 5.2.2, without the checksums. */
static const struct byte_field sm2[] = {
	{ 0, 4, BF_STR, "anchor" },
	{ 5, 1, BF_DEC, "entry point length" },
	{ 6, 2, BF_VERSION, "version" },
	{ 8, 2, BF_DEC, "max structure size" },
	{ 10, 1, BF_HEX, "entry point revision" },
	{ 11, 5, BF_BYTES, "formatted area" },
	{ 16, 5, BF_STR, "intermediate anchor" },
	{ 22, 2, BF_DEC, "structure table length" },
	{ 24, 4, BF_HEX, "structure table address" },
	{ 28, 2, BF_DEC, "number of structures" },
	{ 30, 1, BF_HEX, "bcd revision" },
};
static const struct byte_field sm3[] = {
	{ 0, 5, BF_STR, "anchor" },
	{ 6, 1, BF_DEC, "entry point length" },
	{ 7, 3, BF_VERSION, "version" },
	{ 10, 1, BF_HEX, "entry point revision" },
	{ 11, 1, BF_HEX, "reserved" },
	{ 12, 4, BF_DEC, "structure table maximum size" },
	{ 16, 8, BF_HEX, "structure table address" },
};

void guest_decode_smbios_entry(const unsigned char *p, size_t len,
			       struct strbuf *out)
{
	size_t end;

	if (len >= 5 && !memcmp(p, "_SM3_", 5)) {
		byte_fields(p, len, sm3, ARRAY_SIZE(sm3), " = ", out);
		end = 24;
	} else if (len >= 4 && !memcmp(p, "_SM_", 4)) {
		byte_fields(p, len, sm2, ARRAY_SIZE(sm2), " = ", out);
		end = 31;
	} else {
		sb_puts(out, "no '_SM_' or '_SM3_' anchor: not an SMBIOS entry "
			     "point\n");
		guest_decode_hex(p, len, out);
		return;
	}
	if (len > end)
		sb_printf(out,
			  "stopped at byte %zu: %zu bytes after the entry "
			  "point\n",
			  end, len - end);
}

/* ---- The table of items ---- */

static int decode_rsdp(struct gd_ctx *x)
{
	guest_decode_rsdp(x->it->data, x->it->len, x->out);
	return 0;
}

static int decode_smbios_entry(struct gd_ctx *x)
{
	guest_decode_smbios_entry(x->it->data, x->it->len, x->out);
	return 0;
}

static int decode_pci(struct gd_ctx *x)
{
	struct strbuf bars = STRBUF_INIT;
	const struct gv_item *b;

	sb_printf(&bars, "pcibar/%s", x->it->name + strlen("pci/"));
	b = guestview_find(x->gv, bars.buf);
	guest_decode_pci_bars(x->it->data, x->it->len, b ? b->data : NULL,
			      b ? b->len : 0, x->out);
	strbuf_release(&bars);
	return 0;
}

static int decode_fwcfg_dir(struct gd_ctx *x)
{
	guest_decode_fwcfg_dir(x->it->data, x->it->len, x->out);
	return 0;
}

static int decode_e820_qemu(struct gd_ctx *x)
{
	guest_decode_e820(x->it->data, x->it->len, 20, x->out);
	return 0;
}

static int decode_e820_firmware(struct gd_ctx *x)
{
	guest_decode_e820(x->it->data, x->it->len, 24, x->out);
	return 0;
}

static int decode_cpuid(struct gd_ctx *x)
{
	guest_decode_cpuid(x->it->data, x->it->len, x->out);
	return 0;
}

static int decode_lapic(struct gd_ctx *x)
{
	guest_decode_lapic(x->it->data, x->it->len, x->out);
	return 0;
}

/* virtio/BB:DD.F, with the device id pci/BB:DD.F has (0 without one). */
static int decode_virtio(struct gd_ctx *x)
{
	struct strbuf pci = STRBUF_INIT;
	const struct gv_item *c;

	sb_printf(&pci, "pci/%s", x->it->name + strlen("virtio/"));
	c = guestview_find(x->gv, pci.buf);
	guest_decode_virtio(x->it->data, x->it->len,
			    c && c->len >= 4 ? gd_le16(c->data + 2) : 0, x->out);
	strbuf_release(&pci);
	return 0;
}

/* A name ending in '/' is a prefix; the first row that matches decodes. */
static const struct decoder {
	const char *name;
	int (*decode)(struct gd_ctx *x);
} decoders[] = {
	{ "acpi/RSDP", decode_rsdp },
	{ "acpi/", gd_decode_acpi },
	{ "smbios/entry", decode_smbios_entry },
	{ "smbios/table", gd_decode_smbios_table },
	{ "pci/", decode_pci },
	{ "fw_cfg/dir", decode_fwcfg_dir },
	{ "fw_cfg/etc/e820", decode_e820_qemu },
	{ "firmware/e820", decode_e820_firmware },
	{ "cpu/cpuid", decode_cpuid },
	{ "cpu/lapic", decode_lapic },
	{ "virtio/", decode_virtio },
};

int guest_decode_with(const struct guestview *gv, const char *name,
		      const struct guest_decode_opts *opts, struct strbuf *out)
{
	struct gd_ctx x = { gv, guestview_find(gv, name), NULL, GD_TOOL_TIMEOUT,
			    out };

	if (!x.it)
		return error("guest view: no item '%s' to decode", name);
	if (opts && opts->tool_path)
		x.tool_path = opts->tool_path;
	if (opts && opts->timeout > 0)
		x.timeout = opts->timeout;
	for (size_t i = 0; i < ARRAY_SIZE(decoders); i++) {
		const char *d = decoders[i].name;
		size_t n = strlen(d);

		if (d[n - 1] == '/' ? !strncmp(name, d, n) : !strcmp(name, d))
			return decoders[i].decode(&x);
	}
	guest_decode_hex(x.it->data, x.it->len, out);
	return 0;
}

int guest_decode(const struct guestview *gv, const char *name,
		 struct strbuf *out)
{
	return guest_decode_with(gv, name, NULL, out);
}
