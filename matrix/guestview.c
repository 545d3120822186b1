/*
 * Reading the guest view (matrix/guestview.h) over qtest, the way QEMU's
 * tests/qtest/bios-tables-test and acpi-utils do: find the RSDP in the
 * BIOS area (0xE0000-0xFFFFF), walk the RSDT/XSDT and the FADT's
 * pointers, then read SMBIOS, fw_cfg (ports 0x510/0x511) and the PCI
 * configuration space (ports 0xCF8/0xCFC; bytes 256-4095 of a PCI
 * Express function through the MCFG's ECAM window), sizing each
 * function's BARs the standard way (see size_bars) with the guest
 * stopped, and reading each virtio function's device features and
 * queues the way its driver would before it negotiates (read_virtio):
 * only registers whose reads have no side effect, and the selectors a
 * driver would see restored.
 *
 * The firmware builds the tables while QEMU runs it under TCG, so the
 * first thing is to wait for it: the tables are taken as built when an
 * RSDP with a valid checksum is found and the whole table set (every
 * byte of every table) is the same on two polls in a row. Then the guest
 * is stopped (QMP "stop") before any port I/O: fw_cfg's selector and the
 * PCI address register are shared with the firmware, which may still be
 * using them (boot device probing) and would read what our selection
 * left there. SeaBIOS builds the tables late in its POST (after PCI
 * set-up, SMBIOS and fw_cfg's table-loader); with Debian's QEMU 7.2 on
 * pc-q35-7.2 and pc-i440fx-7.2 the raw view read this way is byte for
 * byte the one read after letting the firmware run 3 s longer, and the
 * same with both cores busy.
 */
#include <string.h>

#include "guestview.h"
#include "banned.h"

/* Bounds on what the guest may make us read. */
#define BIOS_AREA 0xe0000
#define BIOS_AREA_LEN 0x20000
#define MAX_TABLE (1 << 20)
#define MAX_TABLES 256
#define MAX_SMBIOS (1 << 20)
#define MAX_FWCFG_FILE (64 << 10)
#define POLL_INTERVAL 0.05

#define FW_CFG_CTL 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_FILE_DIR 0x19
#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define PCI_COMMAND 0x04
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEM 0x2
#define PCI_HEADER_TYPE 0x0e
#define PCI_CAP_ID_EXP 0x10
#define PCI_CFG_MAX 4096

/* virtio 1.2 4.1.4.3 (struct virtio_pci_common_cfg) and 4.1.4.10 (legacy). */
#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_DFSELECT 0
#define VIRTIO_DF 4
#define VIRTIO_NUMQ 18
#define VIRTIO_QSELECT 22
#define VIRTIO_QSIZE 24
#define VIRTIO_LEGACY_HOSTF 0
#define VIRTIO_LEGACY_QNUM 12
#define VIRTIO_LEGACY_QSEL 14
/* QEMU's VIRTIO_QUEUE_MAX; more queues than this are not read. */
#define VIRTIO_MAX_QUEUES 1024

void guestview_init(struct guestview *gv)
{
	memset(gv, 0, sizeof(*gv));
}

void guestview_release(struct guestview *gv)
{
	for (size_t i = 0; i < gv->nr; i++) {
		free(gv->items[i].name);
		free(gv->items[i].data);
	}
	free(gv->items);
	memset(gv, 0, sizeof(*gv));
}

void guestview_add(struct guestview *gv, const char *name, uint64_t addr,
		   const void *data, size_t len)
{
	struct gv_item *it;

	ALLOC_GROW(gv->items, gv->nr + 1, gv->alloc);
	it = &gv->items[gv->nr++];
	it->name = xstrdup(name);
	it->addr = addr;
	it->len = len;
	it->data = xmalloc(len ? len : 1);
	if (len)
		memcpy(it->data, data, len);
}

const struct gv_item *guestview_find(const struct guestview *gv,
				     const char *name)
{
	for (size_t i = 0; i < gv->nr; i++)
		if (!strcmp(gv->items[i].name, name))
			return &gv->items[i];
	return NULL;
}

static int guestview_equal(const struct guestview *a, const struct guestview *b)
{
	if (a->nr != b->nr)
		return 0;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->items[i].name, b->items[i].name) ||
		    a->items[i].len != b->items[i].len ||
		    memcmp(a->items[i].data, b->items[i].data, a->items[i].len))
			return 0;
	return 1;
}

static int sig_printable(const char *sig)
{
	for (int i = 0; i < 4; i++)
		if (!((sig[i] >= 'A' && sig[i] <= 'Z') ||
		      (sig[i] >= '0' && sig[i] <= '9') || sig[i] == '_'))
			return 0;
	return 1;
}

/* An ACPI table read so far, while the firmware may still be at it. */
enum { ACPI_OK = 0, ACPI_BROKEN = -1, ACPI_NOT_YET = 1 };

/*
 * One table with a header at addr, checksum checked, into gv under its
 * signature (numbered when seen before). ACPI_NOT_YET with *seen set when
 * it is not (yet) a valid table.
 */
static int read_table(struct qtest *t, uint64_t addr, struct guestview *gv,
		      struct strbuf *seen, char sig_out[5])
{
	unsigned char hdr[36], *buf = NULL;
	char sig[5], name[32];
	uint32_t len;
	int n = 1, ret = ACPI_NOT_YET;

	if (qtest_memread(t, addr, hdr, sizeof(hdr)))
		return ACPI_BROKEN;
	if (!memcmp(hdr, "FACS", 4)) {
		if (gv_facs_len(hdr, sizeof(hdr), &len) || len > MAX_TABLE) {
			sb_printf(seen, "a FACS at 0x%llx of a bad length",
				  (unsigned long long)addr);
			return ACPI_NOT_YET;
		}
		memcpy(sig, "FACS", 5);
	} else if (gv_sdt_header(hdr, sizeof(hdr), sig, &len) ||
		   !sig_printable(sig) || len > MAX_TABLE) {
		sb_printf(seen, "no valid table header at 0x%llx",
			  (unsigned long long)addr);
		return ACPI_NOT_YET;
	}
	buf = xmalloc(len);
	if (qtest_memread(t, addr, buf, len)) {
		ret = ACPI_BROKEN;
		goto out;
	}
	if (strcmp(sig, "FACS") && gv_sum(buf, len)) {
		sb_printf(seen, "table '%s' at 0x%llx with a bad checksum", sig,
			  (unsigned long long)addr);
		goto out;
	}
	snprintf(name, sizeof(name), "acpi/%s", sig);
	while (guestview_find(gv, name))
		snprintf(name, sizeof(name), "acpi/%s.%d", sig, ++n);
	guestview_add(gv, name, addr, buf, len);
	if (sig_out)
		memcpy(sig_out, sig, 5);
	ret = ACPI_OK;
out:
	free(buf);
	return ret;
}

static int have_addr(const struct guestview *gv, uint64_t addr)
{
	for (size_t i = 0; i < gv->nr; i++)
		if (gv->items[i].addr == addr && !strncmp(gv->items[i].name, "acpi/", 5))
			return 1;
	return 0;
}

/* The tables listed by an RSDT (width 4) or XSDT (8) item, and the FADT's. */
static int read_listed(struct qtest *t, const struct gv_item *sdt, size_t width,
		       struct guestview *gv, struct strbuf *seen)
{
	uint64_t *addrs = NULL;
	size_t n = 0;
	int ret = ACPI_OK;

	if (gv_sdt_entries(sdt->data, sdt->len, width, &addrs, &n) || n > MAX_TABLES) {
		sb_printf(seen, "'%s' with a bad length", sdt->name);
		free(addrs);
		return ACPI_NOT_YET;
	}
	for (size_t i = 0; i < n && ret == ACPI_OK; i++) {
		char sig[5];
		struct gv_fadt f;
		const struct gv_item *fadt;

		if (have_addr(gv, addrs[i]))
			continue;
		ret = read_table(t, addrs[i], gv, seen, sig);
		if (ret != ACPI_OK || strcmp(sig, "FACP"))
			continue;
		fadt = &gv->items[gv->nr - 1];
		if (gv_fadt_parse(fadt->data, fadt->len, &f)) {
			sb_printf(seen, "a FACP too short for its pointers");
			ret = ACPI_NOT_YET;
			break;
		}
		if (f.dsdt && !have_addr(gv, f.dsdt))
			ret = read_table(t, f.dsdt, gv, seen, NULL);
		if (ret == ACPI_OK && f.facs && !have_addr(gv, f.facs))
			ret = read_table(t, f.facs, gv, seen, NULL);
	}
	free(addrs);
	return ret;
}

/* Every ACPI table, from the RSDP in area (the BIOS area, read). */
static int read_acpi(struct qtest *t, const unsigned char *area,
		     struct guestview *gv, struct strbuf *seen)
{
	const char *why = NULL;
	long off = gv_rsdp_find(area, BIOS_AREA_LEN, &why);
	struct gv_rsdp r;
	int ret;

	if (off < 0) {
		sb_printf(seen, "%s in 0x%x-0x%x", why, BIOS_AREA,
			  BIOS_AREA + BIOS_AREA_LEN - 1);
		return ACPI_NOT_YET;
	}
	if (gv_rsdp_parse(area + off, BIOS_AREA_LEN - (size_t)off, &r, NULL))
		return ACPI_NOT_YET;
	guestview_add(gv, "acpi/RSDP", BIOS_AREA + (uint64_t)off, area + off, r.len);
	if (r.rsdt) {
		ret = read_table(t, r.rsdt, gv, seen, NULL);
		if (ret != ACPI_OK)
			return ret;
		ret = read_listed(t, &gv->items[gv->nr - 1], 4, gv, seen);
		if (ret != ACPI_OK)
			return ret;
	}
	if (r.xsdt) {
		ret = read_table(t, r.xsdt, gv, seen, NULL);
		if (ret != ACPI_OK)
			return ret;
		ret = read_listed(t, &gv->items[gv->nr - 1], 8, gv, seen);
		if (ret != ACPI_OK)
			return ret;
	}
	return ACPI_OK;
}

/*
 * Polls until the ACPI tables are built and the same twice in a row;
 * they go into gv. area receives the BIOS area of the last poll.
 */
static int wait_acpi(struct qtest *t, const char *who, double timeout,
		     unsigned char *area, struct guestview *gv)
{
	double deadline = now_monotonic() + timeout;
	struct guestview prev, cur;
	struct strbuf seen = STRBUF_INIT;
	int have_prev = 0, polls = 0, ret = -1;

	guestview_init(&prev);
	guestview_init(&cur);
	for (;;) {
		int r;

		strbuf_reset(&seen);
		polls++;
		if (qtest_memread(t, BIOS_AREA, area, BIOS_AREA_LEN))
			goto out;
		r = read_acpi(t, area, &cur, &seen);
		if (r == ACPI_BROKEN)
			goto out;
		if (r == ACPI_OK) {
			if (have_prev && guestview_equal(&prev, &cur))
				break;
			sb_printf(&seen, "%zu ACPI tables, %s", cur.nr,
				  have_prev ? "changed since the poll before"
					    : "seen once");
			guestview_release(&prev);
			prev = cur;
			guestview_init(&cur);
			have_prev = 1;
		} else {
			guestview_release(&cur);
			have_prev = 0;
		}
		if (now_monotonic() >= deadline) {
			error("guest view of '%s' on '%s': the firmware's ACPI "
			      "tables were not ready within %.1fs (%d polls); "
			      "last seen: %s", who, t->binary, timeout, polls,
			      seen.buf);
			goto out;
		}
		sleep_seconds(POLL_INTERVAL);
	}
	*gv = cur;
	guestview_init(&cur);
	ret = 0;
out:
	guestview_release(&prev);
	guestview_release(&cur);
	strbuf_release(&seen);
	return ret;
}

static int read_smbios(struct qtest *t, const char *who, const unsigned char *area,
		       struct guestview *gv)
{
	/* The entry point is in the F segment, 16-byte aligned. */
	struct gv_smbios s;
	long off = gv_smbios_find(area + 0x10000, 0x10000, &s);
	unsigned char *buf;
	int ret;

	if (off < 0)
		return error("guest view of '%s' on '%s': no SMBIOS entry point "
			     "in 0xf0000-0xfffff", who, t->binary);
	guestview_add(gv, "smbios/entry", 0xf0000 + (uint64_t)off,
		      area + 0x10000 + off, s.entry_len);
	if (!s.table_len || s.table_len > MAX_SMBIOS)
		return error("guest view of '%s' on '%s': SMBIOS table of %u "
			     "bytes", who, t->binary, s.table_len);
	buf = xmalloc(s.table_len);
	ret = qtest_memread(t, s.table, buf, s.table_len);
	if (!ret)
		guestview_add(gv, "smbios/table", s.table, buf, s.table_len);
	free(buf);
	return ret;
}

static int fwcfg_read(struct qtest *t, uint16_t select, unsigned char *buf,
		      size_t len)
{
	if (qtest_outw(t, FW_CFG_CTL, select))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (qtest_inb(t, FW_CFG_DATA, &buf[i]))
			return -1;
	return 0;
}

/* Files of the directory that are read too. */
static const char *const fwcfg_files[] = { "etc/e820" };

static int read_fwcfg(struct qtest *t, const char *who, struct guestview *gv)
{
	unsigned char hdr[4], *dir = NULL;
	struct gv_fwcfg_file *files = NULL;
	size_t n = 0, len;
	uint32_t count;
	int ret = -1;

	if (fwcfg_read(t, FW_CFG_SIGNATURE, hdr, 4))
		return -1;
	if (memcmp(hdr, "QEMU", 4))
		return error("guest view of '%s' on '%s': no fw_cfg signature "
			     "'QEMU' at port 0x%x", who, t->binary, FW_CFG_CTL);
	if (fwcfg_read(t, FW_CFG_FILE_DIR, hdr, 4))
		return -1;
	count = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		(uint32_t)hdr[2] << 8 | hdr[3];
	if (count > GV_FWCFG_MAX_FILES)
		return error("guest view of '%s' on '%s': fw_cfg directory of %u "
			     "files", who, t->binary, count);
	len = 4 + 64 * (size_t)count;
	dir = xmalloc(len);
	/* The count again, then the entries: one selection reads it all. */
	if (fwcfg_read(t, FW_CFG_FILE_DIR, dir, len))
		goto out;
	if (gv_fwcfg_dir_parse(dir, len, &files, &n)) {
		error("guest view of '%s' on '%s': fw_cfg directory is malformed",
		      who, t->binary);
		goto out;
	}
	guestview_add(gv, "fw_cfg/dir", FW_CFG_FILE_DIR, dir, len);
	for (size_t w = 0; w < ARRAY_SIZE(fwcfg_files); w++)
		for (size_t i = 0; i < n; i++) {
			struct strbuf name = STRBUF_INIT;
			unsigned char *buf;

			if (strcmp(files[i].name, fwcfg_files[w]))
				continue;
			if (files[i].size > MAX_FWCFG_FILE) {
				error("guest view of '%s' on '%s': fw_cfg file "
				      "'%s' of %u bytes", who, t->binary,
				      files[i].name, files[i].size);
				goto out;
			}
			buf = xmalloc(files[i].size ? files[i].size : 1);
			if (fwcfg_read(t, files[i].select, buf, files[i].size)) {
				free(buf);
				goto out;
			}
			sb_printf(&name, "fw_cfg/%s", files[i].name);
			guestview_add(gv, name.buf, files[i].select, buf, files[i].size);
			strbuf_release(&name);
			free(buf);
		}
	ret = 0;
out:
	free(files);
	free(dir);
	return ret;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le(unsigned char *p, uint32_t v, int n)
{
	for (int b = 0; b < n; b++)
		p[b] = (unsigned char)(v >> (8 * b));
}

static uint32_t pci_addr(unsigned bdf, unsigned reg)
{
	return 0x80000000u | bdf << 8 | (reg & 0xfc);
}

static int pci_read(struct qtest *t, unsigned bdf, unsigned reg, uint32_t *v)
{
	if (qtest_outl(t, PCI_ADDR, pci_addr(bdf, reg)))
		return -1;
	return qtest_inl(t, PCI_DATA, v);
}

static int pci_write(struct qtest *t, unsigned bdf, unsigned reg, uint32_t v)
{
	if (qtest_outl(t, PCI_ADDR, pci_addr(bdf, reg)))
		return -1;
	return qtest_outl(t, PCI_DATA, v);
}

/* The command register alone: a dword write would clear status bits (RW1C). */
static int pci_write_command(struct qtest *t, unsigned bdf, uint16_t v)
{
	if (qtest_outl(t, PCI_ADDR, pci_addr(bdf, PCI_COMMAND)))
		return -1;
	return qtest_outw(t, PCI_DATA, v);
}

/* BAR registers per header type, by pcibar slot (0: none). */
static const uint8_t bar_regs[2][GV_PCIBAR_SLOTS] = {
	{ 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x30 },
	{ 0x10, 0x14, 0, 0, 0, 0, 0x38 },
};

/*
 * Sizes the BARs of function bdf whose configuration space is cfg (read
 * just before, the guest stopped): memory and I/O decoding off, each BAR
 * register saved, written all ones (the ROM 0xfffff800, its enable bit
 * 0), read back and restored, then the command register restored. The
 * read-backs go into out as the pcibar item's 7 u32 (LE).
 */
static int size_bars(struct qtest *t, unsigned bdf, const unsigned char *cfg,
		     unsigned char out[4 * GV_PCIBAR_SLOTS])
{
	unsigned type = cfg[PCI_HEADER_TYPE] & 0x7f;
	uint16_t cmd = (uint16_t)(cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8);

	memset(out, 0, 4 * GV_PCIBAR_SLOTS);
	if (type >= ARRAY_SIZE(bar_regs))
		return 0;
	if (pci_write_command(t, bdf, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM)))
		return -1;
	for (size_t i = 0; i < GV_PCIBAR_SLOTS; i++) {
		unsigned reg = bar_regs[type][i];
		uint32_t saved, v;

		if (!reg)
			continue;
		saved = (uint32_t)cfg[reg] | (uint32_t)cfg[reg + 1] << 8 |
			(uint32_t)cfg[reg + 2] << 16 | (uint32_t)cfg[reg + 3] << 24;
		if (pci_write(t, bdf, reg, i == 6 ? 0xfffff800u : 0xffffffffu) ||
		    qtest_inl(t, PCI_DATA, &v) || pci_write(t, bdf, reg, saved))
			return -1;
		for (int b = 0; b < 4; b++)
			out[4 * i + b] = (unsigned char)(v >> (8 * b));
	}
	return pci_write_command(t, bdf, cmd);
}

/* What a driver reads of a virtio device before it touches the device. */
struct virtio_regs {
	uint64_t features;
	uint16_t nq;
	uint16_t size[VIRTIO_MAX_QUEUES];
};

/*
 * The device features (device_feature_select 0, then 1), the number of
 * queues and each queue's size through the common configuration at addr
 * (a memory BAR). The selectors are read first and written back: the
 * driver sees them as they were.
 */
static int virtio_modern(struct qtest *t, uint64_t addr, struct virtio_regs *r)
{
	uint32_t dfsel, lo, hi;
	uint16_t qsel;

	if (qtest_readl(t, addr + VIRTIO_DFSELECT, &dfsel) ||
	    qtest_writel(t, addr + VIRTIO_DFSELECT, 0) ||
	    qtest_readl(t, addr + VIRTIO_DF, &lo) ||
	    qtest_writel(t, addr + VIRTIO_DFSELECT, 1) ||
	    qtest_readl(t, addr + VIRTIO_DF, &hi) ||
	    qtest_writel(t, addr + VIRTIO_DFSELECT, dfsel) ||
	    qtest_readw(t, addr + VIRTIO_NUMQ, &r->nq) ||
	    qtest_readw(t, addr + VIRTIO_QSELECT, &qsel))
		return -1;
	r->features = (uint64_t)hi << 32 | lo;
	if (r->nq > VIRTIO_MAX_QUEUES)
		r->nq = VIRTIO_MAX_QUEUES;
	for (uint16_t q = 0; q < r->nq; q++)
		if (qtest_writew(t, addr + VIRTIO_QSELECT, q) ||
		    qtest_readw(t, addr + VIRTIO_QSIZE, &r->size[q]))
			return -1;
	return qtest_writew(t, addr + VIRTIO_QSELECT, qsel);
}

/*
 * The same for a legacy-only device through its I/O BAR0: the 32-bit
 * host features, and the queues up to the first of size 0.
 */
static int virtio_legacy(struct qtest *t, uint16_t io, struct virtio_regs *r)
{
	uint32_t feat;
	uint16_t qsel;

	if (qtest_inl(t, io + VIRTIO_LEGACY_HOSTF, &feat) ||
	    qtest_inw(t, io + VIRTIO_LEGACY_QSEL, &qsel))
		return -1;
	r->features = feat;
	for (r->nq = 0; r->nq < VIRTIO_MAX_QUEUES; r->nq++) {
		if (qtest_outw(t, io + VIRTIO_LEGACY_QSEL, r->nq) ||
		    qtest_inw(t, io + VIRTIO_LEGACY_QNUM, &r->size[r->nq]))
			return -1;
		if (!r->size[r->nq])
			break;
	}
	return qtest_outw(t, io + VIRTIO_LEGACY_QSEL, qsel);
}

/*
 * virtio/BB:DD.F of a virtio function whose config space is cfg: the
 * features (u64), the number of queues (u16), each queue's size (u16).
 */
static int read_virtio(struct qtest *t, unsigned bdf, const unsigned char *cfg,
		       size_t len, const char *bdf_name, struct guestview *gv)
{
	struct gv_virtio_cap cap;
	struct virtio_regs *r = NULL;
	unsigned char *item = NULL;
	char name[32];
	uint64_t addr;
	int io, ret = 0;

	if (le16(cfg) != VIRTIO_VENDOR || le16(cfg + 2) < 0x1000 ||
	    le16(cfg + 2) > 0x107f)
		return 0;
	r = xcalloc(1, sizeof(*r));
	if (!gv_virtio_common_cap(cfg, len, &cap)) {
		/* Only what the firmware mapped and left decoded is read. */
		if (gv_pci_bar_addr(cfg, len, cap.bar, &addr, &io) || io ||
		    !(cfg[PCI_COMMAND] & PCI_CMD_MEM))
			goto out;
		ret = virtio_modern(t, addr + cap.offset, r);
	} else {
		if (gv_pci_bar_addr(cfg, len, 0, &addr, &io) || !io ||
		    addr > 0xffff - 0x20 || !(cfg[PCI_COMMAND] & PCI_CMD_IO))
			goto out;
		ret = virtio_legacy(t, (uint16_t)addr, r);
	}
	if (ret)
		goto out;
	item = xmalloc(10 + 2 * (size_t)r->nq);
	put_le(item, (uint32_t)r->features, 4);
	put_le(item + 4, (uint32_t)(r->features >> 32), 4);
	put_le(item + 8, r->nq, 2);
	for (size_t q = 0; q < r->nq; q++)
		put_le(item + 10 + 2 * q, r->size[q], 2);
	snprintf(name, sizeof(name), "virtio/%s", bdf_name);
	guestview_add(gv, name, bdf, item, 10 + 2 * (size_t)r->nq);
out:
	free(item);
	free(r);
	return ret;
}

/*
 * A function's configuration space into cfg: 256 bytes through ports
 * 0xcf8/0xcfc, then, for a PCI Express function on a bus the MCFG
 * allocation (mcfg, or NULL) covers, bytes 256-4095 through ECAM. Its
 * length into *len.
 */
static int read_config(struct qtest *t, unsigned bdf, const struct gv_mcfg *mcfg,
		       unsigned char cfg[PCI_CFG_MAX], size_t *len)
{
	unsigned bus = bdf >> 8;

	for (unsigned reg = 0; reg < 256; reg += 4) {
		uint32_t v;

		if (pci_read(t, bdf, reg, &v))
			return -1;
		put_le(cfg + reg, v, 4);
	}
	*len = 256;
	if (!mcfg || bus < mcfg->start_bus || bus > mcfg->end_bus ||
	    !gv_pci_cap_next(cfg, 256, 0, PCI_CAP_ID_EXP))
		return 0;
	if (qtest_memread(t, mcfg->base + ((uint64_t)bdf << 12) + 256, cfg + 256,
			  PCI_CFG_MAX - 256))
		return -1;
	*len = PCI_CFG_MAX;
	return 0;
}

/*
 * pci/BB:DD.F, virtio/BB:DD.F (a virtio device) and pcibar/BB:DD.F of
 * function bdf; its config space into cfg.
 */
static int read_function(struct qtest *t, unsigned bdf, const struct gv_mcfg *mcfg,
			 unsigned char cfg[PCI_CFG_MAX], struct guestview *gv)
{
	unsigned char bars[4 * GV_PCIBAR_SLOTS];
	char bdf_name[16], name[32];
	size_t len;

	if (read_config(t, bdf, mcfg, cfg, &len))
		return -1;
	snprintf(bdf_name, sizeof(bdf_name), "%02x:%02x.%x", bdf >> 8,
		 (bdf >> 3) & 0x1f, bdf & 7);
	snprintf(name, sizeof(name), "pci/%s", bdf_name);
	guestview_add(gv, name, bdf, cfg, len);
	if (read_virtio(t, bdf, cfg, len, bdf_name, gv) ||
	    size_bars(t, bdf, cfg, bars))
		return -1;
	snprintf(name, sizeof(name), "pcibar/%s", bdf_name);
	guestview_add(gv, name, bdf, bars, sizeof(bars));
	return 0;
}

/* Bus 0, then every bus a bridge's secondary bus number leads to. */
static int read_pci(struct qtest *t, struct guestview *gv)
{
	unsigned char seen[256] = { 0 }, queue[256];
	const struct gv_item *mcfg_item = guestview_find(gv, "acpi/MCFG");
	struct gv_mcfg mcfg;
	const struct gv_mcfg *m = NULL;
	size_t head = 0, tail = 0;

	if (mcfg_item && !gv_mcfg_parse(mcfg_item->data, mcfg_item->len, &mcfg))
		m = &mcfg;
	queue[tail++] = 0;
	seen[0] = 1;
	while (head < tail) {
		unsigned bus = queue[head++];

		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned fn = 0; fn < 8; fn++) {
				unsigned char cfg[PCI_CFG_MAX];
				unsigned bdf = bus << 8 | dev << 3 | fn;
				uint32_t v;

				if (pci_read(t, bdf, 0, &v))
					return -1;
				if ((v & 0xffff) == 0xffff) {
					if (!fn)
						break;
					continue;
				}
				if (read_function(t, bdf, m, cfg, gv))
					return -1;
				/* Header type 1: a PCI-to-PCI bridge. */
				if ((cfg[0x0e] & 0x7f) == 1 && cfg[0x19] &&
				    !seen[cfg[0x19]]) {
					seen[cfg[0x19]] = 1;
					queue[tail++] = cfg[0x19];
				}
				if (!fn && !(cfg[0x0e] & 0x80))
					break;
			}
	}
	return 0;
}

int guestview_read(struct qtest *t, const char *who, double fw_timeout,
		   struct guestview *gv)
{
	unsigned char *area = xmalloc(BIOS_AREA_LEN);
	struct guestview acpi;
	int ret = -1;

	guestview_init(&acpi);
	if (wait_acpi(t, who, fw_timeout, area, &acpi))
		goto out;
	if (t->proc.qmp.fd >= 0) {
		struct qmp_error err;
		int r = qmp_call(&t->proc.qmp, "stop", NULL, NULL, &err);

		if (r == QMP_ERR)
			error("guest view of '%s' on '%s': QMP 'stop' failed: %s",
			      who, t->binary, err.desc);
		if (r)
			goto out;
	}
	for (size_t i = 0; i < acpi.nr; i++)
		guestview_add(gv, acpi.items[i].name, acpi.items[i].addr,
			      acpi.items[i].data, acpi.items[i].len);
	if (read_smbios(t, who, area, gv) || read_fwcfg(t, who, gv) ||
	    read_pci(t, gv))
		goto out;
	ret = 0;
out:
	guestview_release(&acpi);
	free(area);
	return ret;
}
