/*
 * A PCI function's configuration space (the guest view's pci/BB:DD.F)
 * as lines, one per register: the header (type 0 endpoint, type 1
 * bridge), the BARs with their sizes when the companion pcibar/BB:DD.F
 * item says what they read back after all-ones was written, the
 * capability list from 0x34 and, for 4096-byte items, the extended
 * capabilities from 0x100. Layouts are those of the PCI Local Bus
 * specification 3.0 (6.1-6.8), the PCI Power Management specification
 * 1.2, PCI Express Base 6.0 (7.5-7.9) and virtio 1.2 (4.1.4). Every walk
 * is bounded and stops on a loop; bytes the item does not have end the
 * decoding with a line saying where. Bytes no decoder claimed (device
 * specific registers, capabilities it does not know) follow as
 * "bytes 0xNN = .." rows when they are not all zero, so that no byte of
 * the item is missing from the text.
 */
#include <stdio.h>
#include <string.h>

#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

#define PCI_CAP_HOPS 48

int pci_have(struct pci_ctx *c, size_t off, size_t n, const char *what)
{
	if (c->stopped)
		return 0;
	if (off + n <= c->len)
		return 1;
	sb_printf(c->out,
		  "stopped at 0x%03zx: %s needs %zu byte%s from there, "
		  "the item has %zu\n",
		  off, what, n, n == 1 ? "" : "s", c->len);
	c->stopped = 1;
	return 0;
}

void pci_cover(struct pci_ctx *c, size_t off, size_t n)
{
	for (size_t i = off; i < off + n && i < c->len && i < PCI_MAX_LEN; i++)
		c->covered[i / 8] |= (unsigned char)(1u << (i % 8));
}

static int is_covered(const struct pci_ctx *c, size_t i)
{
	return i >= PCI_MAX_LEN || (c->covered[i / 8] >> (i % 8) & 1);
}

static uint32_t rd(const struct pci_ctx *c, size_t off, size_t size)
{
	const unsigned char *p = c->cfg + off;

	return size == 1 ? p[0] : size == 2 ? gd_le16(p) : gd_le32(p);
}

int pci_reg_line(struct pci_ctx *c, const char *prefix, size_t base,
		 const struct pci_reg *r)
{
	uint32_t v;

	if (!pci_have(c, base + r->off, r->size, r->name))
		return 0;
	v = rd(c, base + r->off, r->size);
	pci_cover(c, base + r->off, r->size);
	sb_printf(c->out, "%s%s = ", prefix, r->name);
	gd_value(c->out, v, r->size * 2, r->f, r->nf);
	return 1;
}

int pci_regs(struct pci_ctx *c, const char *prefix, size_t base,
	     const struct pci_reg *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pci_reg_line(c, prefix, base, &r[i]))
			return 0;
	return 1;
}

/* ---- Names ---- */

static const struct {
	uint16_t id;
	const char *name;
} vendors[] = {
	{ 0x1002, "AMD/ATI" },	 { 0x1013, "Cirrus Logic" },
	{ 0x1022, "AMD" },	 { 0x10de, "NVIDIA" },
	{ 0x10ec, "Realtek" },	 { 0x1234, "QEMU (Bochs)" },
	{ 0x1414, "Microsoft" }, { 0x15ad, "VMware" },
	{ 0x1af4, "Red Hat" },	 { 0x1b36, "Red Hat" },
	{ 0x8086, "Intel" },
};

static const char *vendor_name(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
		if (vendors[i].id == id)
			return vendors[i].name;
	return NULL;
}

static const char *const base_classes[] = {
	"unclassified",
	"mass storage",
	"network",
	"display",
	"multimedia",
	"memory",
	"bridge",
	"communication",
	"system peripheral",
	"input",
	"docking station",
	"processor",
	"serial bus",
	"wireless",
	"intelligent i/o",
	"satellite",
	"encryption",
	"signal processing",
	"processing accelerator",
	"non-essential instrumentation",
};

/* Sub-classes and programming interfaces (prog -1: any). */
static const struct {
	uint8_t base, sub;
	int prog;
	const char *name;
} sub_classes[] = {
	{ 0x01, 0x00, -1, "scsi" },	   { 0x01, 0x01, -1, "ide" },
	{ 0x01, 0x02, -1, "floppy" },	   { 0x01, 0x04, -1, "raid" },
	{ 0x01, 0x05, -1, "ata" },	   { 0x01, 0x06, 0x01, "sata, ahci" },
	{ 0x01, 0x06, -1, "sata" },	   { 0x01, 0x07, -1, "sas" },
	{ 0x01, 0x08, 0x02, "nvm, nvme" }, { 0x01, 0x08, -1, "nvm" },
	{ 0x02, 0x00, -1, "ethernet" },	   { 0x03, 0x00, -1, "vga" },
	{ 0x03, 0x02, -1, "3d" },	   { 0x04, 0x01, -1, "audio" },
	{ 0x04, 0x03, -1, "hda" },	   { 0x05, 0x00, -1, "ram" },
	{ 0x06, 0x00, -1, "host bridge" }, { 0x06, 0x01, -1, "isa bridge" },
	{ 0x06, 0x04, -1, "pci bridge" },  { 0x06, 0x07, -1, "cardbus bridge" },
	{ 0x07, 0x00, -1, "serial" },	   { 0x07, 0x01, -1, "parallel" },
	{ 0x08, 0x00, -1, "pic" },	   { 0x08, 0x03, -1, "rtc" },
	{ 0x08, 0x05, -1, "sd host" },	   { 0x08, 0x06, -1, "iommu" },
	{ 0x09, 0x00, -1, "keyboard" },	   { 0x09, 0x02, -1, "mouse" },
	{ 0x0c, 0x03, 0x00, "usb, uhci" }, { 0x0c, 0x03, 0x10, "usb, ohci" },
	{ 0x0c, 0x03, 0x20, "usb, ehci" }, { 0x0c, 0x03, 0x30, "usb, xhci" },
	{ 0x0c, 0x03, -1, "usb" },	   { 0x0c, 0x05, -1, "smbus" },
};

static void class_line(struct pci_ctx *c)
{
	uint8_t prog = c->cfg[0x09], sub = c->cfg[0x0a], base = c->cfg[0x0b];

	sb_printf(c->out, "class = 0x%02x%02x%02x:", base, sub, prog);
	if (base < ARRAY_SIZE(base_classes))
		sb_printf(c->out, " %s", base_classes[base]);
	else
		sb_puts(c->out, base == 0xff ? " unassigned" : " unknown");
	for (size_t i = 0; i < ARRAY_SIZE(sub_classes); i++)
		if (sub_classes[i].base == base && sub_classes[i].sub == sub &&
		    (sub_classes[i].prog < 0 || sub_classes[i].prog == prog)) {
			sb_printf(c->out, ", %s", sub_classes[i].name);
			break;
		}
	sb_putc(c->out, '\n');
	pci_cover(c, 0x09, 3);
}

/* ---- The header ---- */

static const struct gd_field command_f[] = {
	GD_F(0, "io"),	     GD_F(1, "mem"),	       GD_F(2, "master"),
	GD_F(3, "special"),  GD_F(4, "mwi"),	       GD_F(5, "vga-snoop"),
	GD_F(6, "parity"),   GD_F(7, "stepping"),      GD_F(8, "serr"),
	GD_F(9, "fast-b2b"), GD_F(10, "intx-disable"),
};
static const char *const devsel[] = { "fast", "medium", "slow" };
static const struct gd_field status_f[] = {
	GD_F(0, "immediate-readiness"),
	GD_F(3, "intx"),
	GD_F(4, "cap-list"),
	GD_F(5, "66mhz"),
	GD_F(7, "fast-b2b"),
	GD_F(8, "master-parity-error"),
	GD_N(9, 2, "devsel", devsel),
	GD_F(11, "target-abort-sent"),
	GD_F(12, "target-abort"),
	GD_F(13, "master-abort"),
	GD_F(14, "serr-sent"),
	GD_F(15, "parity-error"),
};
static const struct gd_field header_f[] = {
	GD_V(0, 7, GD_DEC, "type"),
	GD_F(7, "multi-function"),
};
static const struct gd_field bist_f[] = {
	GD_V(0, 4, GD_HEX, "completion"),
	GD_F(6, "start"),
	GD_F(7, "capable"),
};

static const struct pci_reg common_head[] = {
	REG(0x04, 2, "command", command_f),
	REG(0x06, 2, "status", status_f),
	REG0(0x08, 1, "revision"),
};
static const struct pci_reg common_tail[] = {
	REG0(0x0c, 1, "cache line size"),
	REG0(0x0d, 1, "latency timer"),
	REG(0x0e, 1, "header type", header_f),
};
static const struct pci_reg bist_plain = REG0(0x0f, 1, "bist");
static const struct pci_reg bist_capable = REG(0x0f, 1, "bist", bist_f);

static void id_line(struct pci_ctx *c, size_t off, const char *what)
{
	uint16_t id = gd_le16(c->cfg + off);
	const char *name = vendor_name(id);

	sb_printf(c->out, "%s = 0x%04x%s%s\n", what, id, name ? " " : "",
		  name ? name : "");
	pci_cover(c, off, 2);
}

/* 0 when the item stopped before the end of the common part. */
static int common_header(struct pci_ctx *c)
{
	if (!pci_have(c, 0, 4, "vendor and device"))
		return 0;
	id_line(c, 0, "vendor");
	sb_printf(c->out, "device = 0x%04x\n", gd_le16(c->cfg + 2));
	pci_cover(c, 2, 2);
	if (!pci_regs(c, "", 0, common_head, ARRAY_SIZE(common_head)) ||
	    !pci_have(c, 0x09, 3, "class"))
		return 0;
	class_line(c);
	if (!pci_regs(c, "", 0, common_tail, ARRAY_SIZE(common_tail)))
		return 0;
	/* BIST's fields only mean something on a function capable of it. */
	return pci_reg_line(c, "", 0,
			    c->len > 0x0f && c->cfg[0x0f] & 0x80 ? &bist_capable
								 : &bist_plain);
}

/* The lowest set bit of what a BAR read back: its size (0: unimplemented). */
static uint64_t lowest_bit(uint64_t mask)
{
	return mask & (~mask + 1);
}

static void size_text(struct pci_ctx *c, uint64_t mask, int known)
{
	uint64_t size = lowest_bit(mask);

	if (!known)
		return;
	if (!size) {
		sb_puts(c->out, " unimplemented");
		return;
	}
	sb_printf(c->out, " size 0x%llx (", (unsigned long long)size);
	gd_size(c->out, size);
	sb_putc(c->out, ')');
}

static int readback(const struct pci_ctx *c, unsigned i, uint32_t *v)
{
	if (!c->bars || c->bars_len < 4 * (size_t)(i + 1))
		return 0;
	*v = gd_le32(c->bars + 4 * i);
	return 1;
}

/* BAR i: how many BARs it took (2 for a 64-bit one), 0 if the item stopped. */
static unsigned bar_line(struct pci_ctx *c, unsigned i, unsigned nbars)
{
	size_t off = 0x10 + 4 * (size_t)i;
	uint32_t v, rb = 0, rbh = 0;
	int known;

	if (!pci_have(c, off, 4, "a BAR"))
		return 0;
	v = gd_le32(c->cfg + off);
	pci_cover(c, off, 4);
	known = readback(c, i, &rb);
	if (!v && !(known && rb)) {
		/* Nothing assigned, and no readback to say what it is. */
		sb_printf(c->out, "bar%u = 0x00000000%s\n", i,
			  known ? ": unimplemented" : "");
		return 1;
	}
	if (v & 1) {
		sb_printf(c->out, "bar%u = 0x%08x: io at 0x%x", i, v, v & ~3u);
		size_text(c, rb & ~3u, known);
		sb_putc(c->out, '\n');
		return 1;
	}
	if (((v >> 1) & 3) == 2) {
		uint64_t addr;

		if (i + 1 >= nbars) {
			sb_printf(c->out,
				  "bar%u = 0x%08x: mem 64-bit, but no BAR "
				  "holds its upper half\n",
				  i, v);
			return 1;
		}
		if (!pci_have(c, off + 4, 4, "a 64-bit BAR's upper half"))
			return 0;
		pci_cover(c, off + 4, 4);
		addr = (uint64_t)gd_le32(c->cfg + off + 4) << 32 | (v & ~0xfu);
		known = known && readback(c, i + 1, &rbh);
		sb_printf(c->out, "bar%u = 0x%016llx: mem 64-bit%s at 0x%llx",
			  i, (unsigned long long)addr | (v & 0xf),
			  v & 8 ? " prefetchable" : "",
			  (unsigned long long)addr);
		size_text(c, (uint64_t)rbh << 32 | (rb & ~0xfu), known);
		sb_putc(c->out, '\n');
		return 2;
	}
	sb_printf(c->out, "bar%u = 0x%08x: mem %s%s at 0x%x", i, v,
		  ((v >> 1) & 3) == 1	? "below-1M"
		  : ((v >> 1) & 3) == 3 ? "reserved-type"
					: "32-bit",
		  v & 8 ? " prefetchable" : "", v & ~0xfu);
	size_text(c, rb & ~0xfu, known);
	sb_putc(c->out, '\n');
	return 1;
}

static int bars(struct pci_ctx *c, unsigned nbars)
{
	for (unsigned i = 0; i < nbars;) {
		unsigned took = bar_line(c, i, nbars);

		if (!took)
			return 0;
		i += took;
	}
	return 1;
}

static int rom_line(struct pci_ctx *c, size_t off)
{
	uint32_t v, rb = 0;
	int known;

	if (!pci_have(c, off, 4, "the expansion ROM BAR"))
		return 0;
	v = gd_le32(c->cfg + off);
	pci_cover(c, off, 4);
	known = readback(c, 6, &rb);
	if (!v && !(known && rb)) {
		sb_printf(c->out, "rom = 0x00000000%s\n",
			  known ? ": unimplemented" : "");
		return 1;
	}
	sb_printf(c->out, "rom = 0x%08x: at 0x%x %s", v, v & 0xfffff800u,
		  v & 1 ? "enabled" : "disabled");
	size_text(c, rb & 0xfffff800u, known);
	sb_putc(c->out, '\n');
	return 1;
}

static const char *const pins[] = { "none", "INTA", "INTB", "INTC", "INTD" };
static const struct gd_field pin_f[] = { GD_N(0, 8, "pin", pins) };

static const struct pci_reg cardbus_cis = REG0(0x28, 4, "cardbus cis");
static const struct pci_reg type0_irq[] = {
	REG0(0x3c, 1, "interrupt line"),
	REG(0x3d, 1, "interrupt pin", pin_f),
	REG0(0x3e, 1, "min grant"),
	REG0(0x3f, 1, "max latency"),
};

static int type0(struct pci_ctx *c)
{
	if (!bars(c, 6) || !pci_reg_line(c, "", 0, &cardbus_cis) ||
	    !pci_have(c, 0x2c, 4, "the subsystem ids"))
		return 0;
	id_line(c, 0x2c, "subsystem vendor");
	sb_printf(c->out, "subsystem device = 0x%04x\n",
		  gd_le16(c->cfg + 0x2e));
	pci_cover(c, 0x2e, 2);
	return rom_line(c, 0x30) &&
	       pci_regs(c, "", 0, type0_irq, ARRAY_SIZE(type0_irq));
}

static const struct gd_field bridge_ctl_f[] = {
	GD_F(0, "parity"),
	GD_F(1, "serr"),
	GD_F(2, "isa"),
	GD_F(3, "vga"),
	GD_F(4, "vga16"),
	GD_F(5, "master-abort"),
	GD_F(6, "secondary-reset"),
	GD_F(7, "fast-b2b"),
	GD_F(8, "primary-discard-timer"),
	GD_F(9, "secondary-discard-timer"),
	GD_F(10, "discard-timer-status"),
	GD_F(11, "discard-timer-serr"),
};
static const struct pci_reg type1_bus[] = {
	REG0(0x18, 1, "primary bus"),
	REG0(0x19, 1, "secondary bus"),
	REG0(0x1a, 1, "subordinate bus"),
	REG0(0x1b, 1, "secondary latency timer"),
	REG(0x1e, 2, "secondary status", status_f),
};
static const struct pci_reg type1_irq[] = {
	REG0(0x3c, 1, "interrupt line"),
	REG(0x3d, 1, "interrupt pin", pin_f),
	REG(0x3e, 2, "bridge control", bridge_ctl_f),
};

static void window_line(struct pci_ctx *c, const char *what, uint64_t base,
			uint64_t limit, const char *width)
{
	if (base > limit)
		sb_printf(c->out,
			  "%s window = disabled (base 0x%llx above limit "
			  "0x%llx)%s\n",
			  what, (unsigned long long)base,
			  (unsigned long long)limit, width);
	else
		sb_printf(c->out, "%s window = 0x%llx-0x%llx%s\n", what,
			  (unsigned long long)base, (unsigned long long)limit,
			  width);
}

/* The I/O, memory and prefetchable windows (0x1c-0x33). */
static int windows(struct pci_ctx *c)
{
	const unsigned char *p = c->cfg;
	uint64_t base, limit;
	int wide;

	if (!pci_have(c, 0x1c, 2, "the I/O window") ||
	    !pci_have(c, 0x20, 0x14, "the memory windows"))
		return 0;
	wide = (p[0x1c] & 0xf) == 1;
	base = (uint64_t)(p[0x1c] & 0xf0) << 8;
	limit = (uint64_t)(p[0x1d] & 0xf0) << 8 | 0xfff;
	if (wide) {
		base |= (uint64_t)gd_le16(p + 0x30) << 16;
		limit |= (uint64_t)gd_le16(p + 0x32) << 16;
	}
	window_line(c, "io", base, limit, wide ? " (32-bit)" : "");
	base = (uint64_t)(gd_le16(p + 0x20) & 0xfff0) << 16;
	limit = (uint64_t)(gd_le16(p + 0x22) & 0xfff0) << 16 | 0xfffff;
	window_line(c, "memory", base, limit, "");
	wide = (gd_le16(p + 0x24) & 0xf) == 1;
	base = (uint64_t)(gd_le16(p + 0x24) & 0xfff0) << 16;
	limit = (uint64_t)(gd_le16(p + 0x26) & 0xfff0) << 16 | 0xfffff;
	if (wide) {
		base |= (uint64_t)gd_le32(p + 0x28) << 32;
		limit |= (uint64_t)gd_le32(p + 0x2c) << 32;
	}
	window_line(c, "prefetchable", base, limit, wide ? " (64-bit)" : "");
	/*
	 * The low nibbles say the widths; anything else in them shows raw,
	 * as do upper halves a window of its width does not use.
	 */
	pci_cover(c, 0x1c, 2);
	pci_cover(c, 0x20, 8);
	if (wide)
		pci_cover(c, 0x28, 8);
	if ((p[0x1c] & 0xf) == 1)
		pci_cover(c, 0x30, 4);
	if ((p[0x1c] & 0xf) > 1 || (p[0x1d] & 0xf) != (p[0x1c] & 0xf) ||
	    (p[0x20] & 0xf) || (p[0x22] & 0xf) || (p[0x24] & 0xf) > 1 ||
	    (p[0x26] & 0xf) != (p[0x24] & 0xf))
		sb_printf(c->out,
			  "window type bits = io 0x%x/0x%x memory "
			  "0x%x/0x%x prefetchable 0x%x/0x%x\n",
			  p[0x1c] & 0xf, p[0x1d] & 0xf, p[0x20] & 0xf,
			  p[0x22] & 0xf, p[0x24] & 0xf, p[0x26] & 0xf);
	return 1;
}

static int type1(struct pci_ctx *c)
{
	return bars(c, 2) &&
	       pci_regs(c, "", 0, type1_bus, ARRAY_SIZE(type1_bus)) &&
	       windows(c) && rom_line(c, 0x38) &&
	       pci_regs(c, "", 0, type1_irq, ARRAY_SIZE(type1_irq));
}

/* ---- Capabilities ---- */

static const struct gd_field pmc_f[] = {
	GD_V(0, 3, GD_DEC, "version"),
	GD_F(3, "pme-clock"),
	GD_F(4, "immediate-readiness"),
	GD_F(5, "dsi"),
	GD_V(6, 3, GD_DEC, "aux-current"),
	GD_F(9, "d1"),
	GD_F(10, "d2"),
	GD_F(11, "pme-d0"),
	GD_F(12, "pme-d1"),
	GD_F(13, "pme-d2"),
	GD_F(14, "pme-d3hot"),
	GD_F(15, "pme-d3cold"),
};
static const char *const pstates[] = { "D0", "D1", "D2", "D3hot" };
static const struct gd_field pmcsr_f[] = {
	GD_N(0, 2, "state", pstates),
	GD_F(3, "no-soft-reset"),
	GD_F(8, "pme-enable"),
	GD_V(9, 4, GD_DEC, "data-select"),
	GD_V(13, 2, GD_DEC, "data-scale"),
	GD_F(15, "pme-status"),
};
static const struct gd_field pmbse_f[] = { GD_F(6, "b2-b3"), GD_F(7, "bpcc") };
static const struct pci_reg pm_regs[] = {
	REG(0x02, 2, "capabilities", pmc_f),
	REG(0x04, 2, "control/status", pmcsr_f),
	REG(0x06, 1, "bridge extensions", pmbse_f),
	REG0(0x07, 1, "data"),
};

static void cap_pm(struct cap_ctx *k)
{
	pci_regs(k->c, k->prefix, k->off, pm_regs, ARRAY_SIZE(pm_regs));
}

static const struct gd_field msi_ctl_f[] = {
	GD_F(0, "enable"),
	GD_V(1, 3, GD_POW2, "vectors-capable"),
	GD_V(4, 3, GD_POW2, "vectors-enabled"),
	GD_F(7, "64-bit"),
	GD_F(8, "per-vector-masking"),
	GD_F(9, "extended-data-capable"),
	GD_F(10, "extended-data-enable"),
};

static void cap_msi(struct cap_ctx *k)
{
	static const struct pci_reg ctl = REG(0x02, 2, "control", msi_ctl_f);
	struct pci_reg r[] = {
		REG0(0x04, 4, "address"), REG0(0x08, 4, "upper address"),
		REG0(0x08, 2, "data"),	  REG0(0x0a, 2, "extended data"),
		REG0(0x0c, 4, "mask"),	  REG0(0x10, 4, "pending"),
	};
	uint16_t v;
	size_t i, n = ARRAY_SIZE(r);

	if (!pci_reg_line(k->c, k->prefix, k->off, &ctl))
		return;
	v = gd_le16(k->c->cfg + k->off + 2);
	if (v & 0x80) /* 64-bit: data and the rest move by 4 */
		for (i = 2; i < n; i++)
			r[i].off += 4;
	for (i = 0; i < n; i++) {
		if ((i == 1 && !(v & 0x80)) || (i == 3 && !(v & 0x200)) ||
		    (i >= 4 && !(v & 0x100)))
			continue;
		if (!pci_reg_line(k->c, k->prefix, k->off, &r[i]))
			return;
	}
}

static const struct gd_field msix_ctl_f[] = {
	GD_V(0, 11, GD_PLUS1, "table-size"),
	GD_F(14, "function-mask"),
	GD_F(15, "enable"),
};
static const struct gd_field msix_loc_f[] = {
	GD_V(0, 3, GD_DEC, "bir"),
	GD_V(3, 29, GD_INPLACE, "offset"),
};
static const struct pci_reg msix_regs[] = {
	REG(0x02, 2, "control", msix_ctl_f),
	REG(0x04, 4, "table", msix_loc_f),
	REG(0x08, 4, "pba", msix_loc_f),
};

static void cap_msix(struct cap_ctx *k)
{
	pci_regs(k->c, k->prefix, k->off, msix_regs, ARRAY_SIZE(msix_regs));
}

static const char *const virtio_types[] = {
	"?",   "common", "notify", "isr",	    "device",
	"pci", "?",	 "?",	   "shared-memory", "vendor",
};

/* virtio 1.x: struct virtio_pci_cap (and its notify, pci and shm variants). */
static void cap_virtio(struct cap_ctx *k, uint8_t len)
{
	struct pci_ctx *c = k->c;
	const unsigned char *p = c->cfg + k->off;
	uint8_t type;

	if (len < 16 || !pci_have(c, k->off, 16, "a virtio capability"))
		return;
	type = p[3];
	sb_printf(c->out, "%scfg-type = %u %s\n", k->prefix, type,
		  type < ARRAY_SIZE(virtio_types) ? virtio_types[type] : "?");
	sb_printf(c->out, "%sbar = %u\n", k->prefix, p[4]);
	sb_printf(c->out, "%sid = %u\n", k->prefix, p[5]);
	sb_printf(c->out, "%soffset = 0x%08x\n", k->prefix, gd_le32(p + 8));
	sb_printf(c->out, "%slength = 0x%08x\n", k->prefix, gd_le32(p + 12));
	pci_cover(c, k->off + 3, 13);
	if (len < 20 || !pci_have(c, k->off + 16, 4, "a virtio capability"))
		return;
	if (type == 2)
		sb_printf(c->out, "%snotify-off-multiplier = %u\n", k->prefix,
			  gd_le32(p + 16));
	else if (type == 5)
		sb_printf(c->out, "%spci-cfg-data = 0x%08x\n", k->prefix,
			  gd_le32(p + 16));
	else
		return;
	pci_cover(c, k->off + 16, 4);
}

static void cap_vendor(struct cap_ctx *k)
{
	struct pci_ctx *c = k->c;
	uint8_t len;

	if (!pci_have(c, k->off + 2, 1, "a vendor capability's length"))
		return;
	len = c->cfg[k->off + 2];
	pci_cover(c, k->off + 2, 1);
	sb_printf(c->out, "%slength = %u\n", k->prefix, len);
	if (gd_le16(c->cfg) == 0x1af4) {
		snprintf(k->prefix, sizeof(k->prefix), "cap 0x%02zx virtio ",
			 k->off);
		cap_virtio(k, len);
	}
}

static void cap_ssvid(struct cap_ctx *k)
{
	static const struct pci_reg r[] = {
		REG0(0x04, 2, "subsystem vendor"),
		REG0(0x06, 2, "subsystem device"),
	};

	pci_regs(k->c, k->prefix, k->off, r, ARRAY_SIZE(r));
}

static const struct cap_kind {
	uint8_t id;
	const char *name;
	void (*decode)(struct cap_ctx *k);
} cap_kinds[] = {
	{ 0x01, "pm", cap_pm },
	{ 0x02, "agp", NULL },
	{ 0x03, "vpd", NULL },
	{ 0x04, "slot-id", NULL },
	{ 0x05, "msi", cap_msi },
	{ 0x06, "hot-swap", NULL },
	{ 0x07, "pci-x", NULL },
	{ 0x08, "hypertransport", NULL },
	{ 0x09, "vendor", cap_vendor },
	{ 0x0a, "debug-port", NULL },
	{ 0x0b, "compactpci-crc", NULL },
	{ 0x0c, "shpc", NULL },
	{ 0x0d, "bridge-subsystem", cap_ssvid },
	{ 0x0e, "agp-8x", NULL },
	{ 0x0f, "secure-device", NULL },
	{ 0x10, "pcie", pcie_capability },
	{ 0x11, "msi-x", cap_msix },
	{ 0x12, "sata", NULL },
	{ 0x13, "advanced-features", NULL },
	{ 0x14, "enhanced-allocation", NULL },
	{ 0x15, "flattening-portal-bridge", NULL },
};

static const struct cap_kind *cap_kind(uint8_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_kinds); i++)
		if (cap_kinds[i].id == id)
			return &cap_kinds[i];
	return NULL;
}

/* The list from the pointer at ptr_off: at most PCI_CAP_HOPS, no loops. */
static void capabilities(struct pci_ctx *c, size_t ptr_off)
{
	unsigned char seen[256 / 4] = { 0 };
	size_t off;
	unsigned hops = 0;

	if (!pci_have(c, ptr_off, 1, "the capabilities pointer"))
		return;
	off = c->cfg[ptr_off] & 0xfc;
	sb_printf(c->out, "capabilities = 0x%02x\n", c->cfg[ptr_off]);
	pci_cover(c, ptr_off, 1);
	while (off && !c->stopped) {
		struct cap_ctx k = { c, off, "" };
		const struct cap_kind *kind;

		if (off < 0x40) {
			sb_printf(c->out,
				  "cap 0x%02zx: points into the header: "
				  "stopped\n",
				  off);
			return;
		}
		if (seen[off / 4]) {
			sb_printf(c->out,
				  "cap 0x%02zx: the capability list loops "
				  "back here: stopped\n",
				  off);
			return;
		}
		if (hops++ == PCI_CAP_HOPS) {
			sb_printf(c->out,
				  "cap 0x%02zx: more than %d capabilities: "
				  "stopped\n",
				  off, PCI_CAP_HOPS);
			return;
		}
		seen[off / 4] = 1;
		if (!pci_have(c, off, 2, "a capability header"))
			return;
		kind = cap_kind(c->cfg[off]);
		pci_cover(c, off, 2);
		snprintf(k.prefix, sizeof(k.prefix), "cap 0x%02zx %s ", off,
			 kind ? kind->name : "unknown");
		sb_printf(c->out, "cap 0x%02zx id = 0x%02x %s\n", off,
			  c->cfg[off], kind ? kind->name : "unknown");
		if (kind && kind->decode)
			kind->decode(&k);
		off = c->cfg[off + 1] & 0xfc;
	}
}

/* ---- What no decoder claimed ---- */

static void leftover_bytes(struct pci_ctx *c)
{
	size_t len = c->len < PCI_MAX_LEN ? c->len : PCI_MAX_LEN;

	for (size_t row = 0; row < len; row += 16) {
		size_t end = row + 16 < len ? row + 16 : len;
		int show = 0;

		for (size_t i = row; i < end; i++)
			show |= !is_covered(c, i) && c->cfg[i];
		if (!show)
			continue;
		sb_printf(c->out, "bytes 0x%03zx =", row);
		for (size_t i = row; i < end; i++)
			if (is_covered(c, i))
				sb_puts(c->out, " ..");
			else
				sb_printf(c->out, " %02x", c->cfg[i]);
		sb_putc(c->out, '\n');
	}
	if (c->len > PCI_MAX_LEN)
		sb_printf(c->out,
			  "stopped at 0x%x: the item is %zu bytes, more "
			  "than a configuration space\n",
			  PCI_MAX_LEN, c->len);
}

void guest_decode_pci_bars(const unsigned char *cfg, size_t len,
			   const unsigned char *bars, size_t bars_len,
			   struct strbuf *out)
{
	struct pci_ctx *c = xcalloc(1, sizeof(*c));
	int ok = 0;
	uint8_t type;

	c->cfg = cfg;
	c->len = len;
	c->bars = bars;
	c->bars_len = bars_len;
	c->out = out;
	if (!common_header(c))
		goto bytes;
	type = cfg[0x0e] & 0x7f;
	if (type == 0)
		ok = type0(c);
	else if (type == 1)
		ok = type1(c);
	else
		sb_printf(c->out, "header type %u: not decoded past 0x10\n",
			  type);
	if (ok && (gd_le16(cfg + 6) & 0x10))
		capabilities(c, 0x34);
	if (ok && !c->stopped && len > 0x100)
		pcie_ext_capabilities(c);
bytes:
	leftover_bytes(c);
	free(c);
}

void guest_decode_pci(const unsigned char *cfg, size_t len, struct strbuf *out)
{
	guest_decode_pci_bars(cfg, len, NULL, 0, out);
}
