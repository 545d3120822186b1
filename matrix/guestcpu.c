/*
 * What only code in the guest sees (matrix/guestview.h, "cpu/" and
 * "firmware/" items): CPUID as the guest's CPU executes it, its local
 * APIC's ID and version registers, and the e820 map SeaBIOS hands to an
 * OS. No guest kernel is booted: SeaBIOS boots a disk whose first sector
 * is matrix/guestcpu-boot.S (assembled at build time and embedded here),
 * which writes its findings to a results area in low memory
 * (matrix/guestcpu-layout.h) and halts. The guest-view probe writes the
 * image once (guestcpu_write_image), gives it to each QEMU as its
 * virtio-blk disk, and calls guestview_read_cpu before guestview_read:
 * the boot sector runs only once POST is over, when the tables are
 * built.
 *
 * SeaBIOS boots the disk without a bootindex: with the canonical devices
 * and -nodefaults there is no floppy or CD-ROM, and its default order
 * (hard disks before the option ROMs' boot entries, boot.c) makes the
 * virtio-blk disk, the only hard disk, the first; fw_cfg's "bootorder"
 * stays empty and the fw_cfg directory is the ABI probe's byte for byte
 * (a bootindex would give "bootorder" a size). The disk also keeps the
 * firmware quiet: with one it cannot boot (the ABI probe's null-co),
 * SeaBIOS goes on to the NICs' iPXE, which sizes their BARs itself and
 * was once caught half-way by the QMP stop before the PCI read
 * (virtio-net's BAR4 read as 0xffffc00c); here the guest sits in
 * cli; hlt when guestview_read stops it.
 *
 * The results area is read over qtest and is not trusted: it is taken
 * only with its magic and done flag, counts within their bounds, a
 * first CPUID record that is leaf 0, no leaf range cut at its bound,
 * and the area itself inside memory the e820 map read calls usable.
 */
#include <string.h>

#include "guestview.h"
#include "guestcpu-layout.h"
#include "fs.h"
#include "banned.h"

/* The boot sector: 512 bytes (the Makefile checks the file's size). */
__asm__(".section .rodata\n"
	".global vm_guestcpu_boot\n"
	".type vm_guestcpu_boot, @object\n"
	"vm_guestcpu_boot:\n"
	".incbin \"matrix/guestcpu-boot.bin\"\n"
	".size vm_guestcpu_boot, . - vm_guestcpu_boot\n"
	".previous\n");
extern const unsigned char vm_guestcpu_boot[GC_BOOT_LEN];

/*
 * The disk: the boot sector, then zeroes up to 1 MiB. SeaBIOS reads the
 * boot sector with INT 13h AH=02 (CHS), and a disk of less than one
 * cylinder (16 heads x 63 sectors) gets 0 logical cylinders: "Boot
 * failed: could not read the boot disk".
 */
#define IMAGE_LEN (1 << 20)
#define POLL_INTERVAL 0.02

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

const unsigned char *guestcpu_boot_sector(void)
{
	return vm_guestcpu_boot;
}

int guestcpu_write_image(const char *path)
{
	unsigned char *img = xcalloc(IMAGE_LEN, 1);
	int ret;

	memcpy(img, vm_guestcpu_boot, GC_BOOT_LEN);
	ret = write_file_replace(path, img, IMAGE_LEN, 0);
	free(img);
	return ret;
}

int guestcpu_header(const unsigned char *p, size_t len, struct gc_results *r,
		    struct strbuf *why)
{
	memset(r, 0, sizeof(*r));
	if (len < GC_HDR_LEN) {
		sb_printf(why, "a results header of %zu bytes, not %d", len,
			  GC_HDR_LEN);
		return -1;
	}
	if (le32(p) != GC_MAGIC_LO || le32(p + 4) != GC_MAGIC_HI) {
		sb_puts(why, "no results header");
		return 1;
	}
	if (le32(p + GC_HDR_DONE) != GC_DONE) {
		sb_puts(why, "a results header without its done flag");
		return 1;
	}
	r->e820_n = (size_t)(p[GC_HDR_E820_N] | p[GC_HDR_E820_N + 1] << 8);
	r->cpuid_n = (size_t)(p[GC_HDR_CPUID_N] | p[GC_HDR_CPUID_N + 1] << 8);
	r->lapic_id = le32(p + GC_HDR_LAPIC_ID);
	r->lapic_version = le32(p + GC_HDR_LAPIC_VER);
	if (!r->e820_n) {
		sb_puts(why, "the firmware's INT 15h E820 gave no entries");
		return -1;
	}
	if (r->e820_n >= GC_E820_MAX) {
		sb_printf(why, "%zu e820 entries, the bound is %d: the map may "
			  "have been cut short", r->e820_n, GC_E820_MAX - 1);
		return -1;
	}
	if (!r->cpuid_n) {
		sb_puts(why, "no CPUID records");
		return -1;
	}
	if (r->cpuid_n >= GC_CPUID_MAX) {
		sb_printf(why, "%zu CPUID records, the bound is %d: cut short",
			  r->cpuid_n, GC_CPUID_MAX - 1);
		return -1;
	}
	r->need = GC_CPUID_OFF + r->cpuid_n * GC_CPUID_SIZE;
	return 0;
}

/* The first leaf of each range walked, and the last leaf it may report. */
static const struct {
	uint32_t base, max;
} ranges[] = {
	{ 0, GC_BASIC_MAX },
	{ GC_HYPER_BASE, GC_HYPER_MAX },
	{ GC_EXT_BASE, GC_EXT_MAX },
};

static int check_cpuid(const unsigned char *rec, size_t n, struct strbuf *why)
{
	if (le32(rec) != 0 || le32(rec + 4) != 0) {
		sb_printf(why, "a first CPUID record of leaf 0x%x subleaf %u, "
			  "not leaf 0", le32(rec), le32(rec + 4));
		return -1;
	}
	for (size_t i = 0; i < n; i++, rec += GC_CPUID_SIZE)
		for (size_t k = 0; k < ARRAY_SIZE(ranges); k++)
			if (le32(rec) == ranges[k].base && !le32(rec + 4) &&
			    le32(rec + 8) > ranges[k].max) {
				sb_printf(why, "CPUID leaf 0x%x reports leaves up "
					  "to 0x%x, beyond the bound 0x%x",
					  ranges[k].base, le32(rec + 8),
					  ranges[k].max);
				return -1;
			}
	return 0;
}

/* Whether e820 (n entries) calls all of the results area usable (type 1). */
static int area_usable(const unsigned char *e820, size_t n)
{
	for (size_t i = 0; i < n; i++, e820 += GC_E820_SIZE) {
		uint64_t base = le64(e820), len = le64(e820 + 8);

		if (le32(e820 + 16) == 1 && base <= GC_AREA &&
		    len >= GC_AREA + GC_AREA_LEN - base)
			return 1;
	}
	return 0;
}

int guestcpu_parse(const unsigned char *area, size_t len, struct gc_results *r,
		   struct strbuf *why)
{
	int rc = guestcpu_header(area, len, r, why);

	if (rc)
		return rc;
	if (len < r->need) {
		sb_printf(why, "results of %zu bytes where the counts need %zu",
			  len, r->need);
		return -1;
	}
	r->e820 = area + GC_E820_OFF;
	r->cpuid = area + GC_CPUID_OFF;
	if (check_cpuid(r->cpuid, r->cpuid_n, why))
		return -1;
	if (!area_usable(r->e820, r->e820_n)) {
		sb_printf(why, "the results area 0x%x-0x%x is not in memory the "
			  "firmware's e820 map calls usable", GC_AREA,
			  GC_AREA + GC_AREA_LEN - 1);
		return -1;
	}
	return 0;
}

void guestcpu_add_items(const struct gc_results *r, struct guestview *gv)
{
	unsigned char lapic[8];

	put_le32(lapic, r->lapic_id);
	put_le32(lapic + 4, r->lapic_version);
	guestview_add(gv, "cpu/cpuid", GC_AREA + GC_CPUID_OFF, r->cpuid,
		      r->cpuid_n * GC_CPUID_SIZE);
	guestview_add(gv, "cpu/lapic", GC_LAPIC_ID_REG, lapic, sizeof(lapic));
	guestview_add(gv, "firmware/e820", GC_AREA + GC_E820_OFF, r->e820,
		      r->e820_n * GC_E820_SIZE);
}

/* No results in time: what was seen, and whether the boot sector is there. */
static int not_booted(struct qtest *t, const char *who, double timeout,
		      int polls, const char *seen)
{
	unsigned char at[16];

	if (qtest_memread(t, 0x7c00, at, sizeof(at)))
		return -1;
	return error("guest view of '%s' on '%s': no boot sector results at "
		     "0x%x after %.1fs (%d polls; %s): %s", who, t->binary,
		     GC_AREA, timeout, polls, seen,
		     memcmp(at, vm_guestcpu_boot, sizeof(at))
			     ? "no boot sector at 0x7c00: did SeaBIOS boot the disk?"
			     : "the boot sector is at 0x7c00 but did not finish");
}

int guestview_read_cpu(struct qtest *t, const char *who, double timeout,
		       struct guestview *gv)
{
	double deadline = now_monotonic() + timeout;
	unsigned char hdr[GC_HDR_LEN], *area = NULL;
	struct strbuf why = STRBUF_INIT;
	struct gc_results r;
	int polls = 0, rc, ret = -1;

	for (;;) {
		polls++;
		strbuf_reset(&why);
		if (qtest_memread(t, GC_AREA, hdr, sizeof(hdr)))
			goto out;
		rc = guestcpu_header(hdr, sizeof(hdr), &r, &why);
		if (rc <= 0)
			break;
		if (now_monotonic() >= deadline) {
			not_booted(t, who, timeout, polls, why.buf);
			goto out;
		}
		sleep_seconds(POLL_INTERVAL);
	}
	if (!rc) {
		area = xmalloc(r.need);
		if (qtest_memread(t, GC_AREA, area, r.need))
			goto out;
		strbuf_reset(&why);
		rc = guestcpu_parse(area, r.need, &r, &why);
	}
	if (rc) {
		error("guest view of '%s' on '%s': the boot sector's results at "
		      "0x%x: %s", who, t->binary, GC_AREA, why.buf);
		goto out;
	}
	guestcpu_add_items(&r, gv);
	ret = 0;
out:
	free(area);
	strbuf_release(&why);
	return ret;
}
