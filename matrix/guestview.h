#ifndef MX_GUESTVIEW_H
#define MX_GUESTVIEW_H

/*
 * The guest view of a machine type: what the guest itself sees once its
 * firmware (SeaBIOS) has run, read over qtest (lib/qtest.h) from a QEMU
 * started under TCG: every ACPI table, the SMBIOS entry point and table
 * area, the fw_cfg file directory and etc/e820, the PCI configuration
 * space of every function the firmware can reach and the sizes of its
 * BARs; and, from a boot sector SeaBIOS boots (guestcpu.c), CPUID, the
 * local APIC and the e820 map the firmware gives an OS. Each item is
 * kept as raw bytes under a stable name:
 *
 *	cpu/cpuid cpu/lapic firmware/e820 (guestview_read_cpu)
 *	acpi/RSDP acpi/RSDT acpi/XSDT acpi/<SIG> (a second table of one
 *	signature is acpi/<SIG>.2, ...) acpi/DSDT acpi/FACS
 *	smbios/entry smbios/table
 *	fw_cfg/dir fw_cfg/etc/e820
 *	pci/BB:DD.F (256 bytes; 4096, read through ECAM, for a PCI
 *	Express function where there is an MCFG) pcibar/BB:DD.F
 *	virtio/BB:DD.F (a virtio function: device features u64, number
 *	of queues u16, each queue's size u16, as a driver reads them)
 *
 * guestview.c does the I/O, guestparse.c the parsing and normalisation
 * (pure functions on bytes, tested on recorded dumps), guestdump.c the
 * text form of a view that tests/data/guestview/ holds, guestcpu.c the
 * boot sector (guestcpu-boot.S) and its results.
 */

#include <stddef.h>
#include <stdint.h>

#include "qtest.h"
#include "strbuf.h"

struct gv_item {
	char *name;
	uint64_t addr; /* where it was read (guest address, fw_cfg selector, BDF); not part of the record */
	unsigned char *data;
	size_t len;
};

struct guestview {
	struct gv_item *items;
	size_t nr, alloc;
};

void guestview_init(struct guestview *gv);
void guestview_release(struct guestview *gv);
/* Appends a copy of data[0..len) under name. */
void guestview_add(struct guestview *gv, const char *name, uint64_t addr,
		   const void *data, size_t len);
/* The item of that name, or NULL. */
const struct gv_item *guestview_find(const struct guestview *gv,
				     const char *name);

/*
 * Waits (up to fw_timeout seconds) until the firmware of the guest behind
 * t has built its tables, stops the guest (QMP stop, so that no firmware
 * code races the port I/O that follows), and reads every item into gv
 * (initialised by the caller), raw. who names the machine type in
 * messages. Returns 0, or -1 reported (what was seen when the firmware
 * did not get ready: no RSDP, a bad checksum, tables still changing).
 */
int guestview_read(struct qtest *t, const char *who, double fw_timeout,
		   struct guestview *gv) VM_WUR;

/*
 * pcibar/BB:DD.F, read by guestview_read right after pci/BB:DD.F with
 * the guest stopped: 7 u32 (LE) slots, what each BAR register read back
 * after all ones were written to it (the standard sizing, with memory
 * and I/O decoding off meanwhile and everything restored): BAR0-5 at
 * 0x10-0x24 and the ROM at 0x30 for header type 0; BAR0-1 at 0x10-0x14
 * and the ROM at 0x38 (slot 6) for type 1; 0 for unused slots and other
 * header types. The ROM is written 0xfffff800, its enable bit 0.
 */
#define GV_PCIBAR_SLOTS 7
enum gv_bar_kind { GV_BAR_NONE, GV_BAR_IO, GV_BAR_MEM32, GV_BAR_MEM64,
		   GV_BAR_ROM, GV_BAR_UPPER /* the high half of a 64-bit BAR */ };
struct gv_bar {
	enum gv_bar_kind kind;
	int prefetch;
	uint64_t size;
};
/*
 * Decodes a pcibar item (len must be 4 * GV_PCIBAR_SLOTS) into the kind
 * and size of each slot's BAR (GV_BAR_NONE with size 0 for a slot that
 * reads back 0): 0, or -1 (not reported) for a wrong length or a 64-bit
 * BAR in slot 5, which has no slot for its high half.
 */
int gv_pcibar_decode(const unsigned char *p, size_t len,
		     struct gv_bar bars[GV_PCIBAR_SLOTS]) VM_WUR;

/* ---- guestcpu.c: the boot sector and its results area. ---- */

/*
 * Writes the disk image the guest-view probe boots to path: the
 * 512-byte boot sector (0x55AA at 510) followed by zeroes to 1 MiB, so
 * that SeaBIOS's CHS read of it works. 0, or -1 reported.
 */
int guestcpu_write_image(const char *path) VM_WUR;
#define GC_BOOT_LEN 512
/* The boot sector itself, GC_BOOT_LEN bytes. */
const unsigned char *guestcpu_boot_sector(void);

/*
 * Waits (up to timeout seconds, polling every 20 ms) for the boot
 * sector's results in the guest behind t (started with the image as a
 * bootable disk), then adds to gv:
 *
 *	cpu/cpuid	24-byte records: leaf, subleaf, eax, ebx, ecx, edx
 *	cpu/lapic	the local APIC's ID, then version register
 *	firmware/e820	24-byte INT 15h E820 entries: base, length (u64),
 *			type, extended attributes (u32; 1 unless the
 *			firmware wrote it)
 *
 * all little-endian. who names the machine type in messages. Returns 0,
 * or -1 reported: what the last poll saw, and whether the boot sector
 * was at 0x7c00 at all, or why the results were refused.
 */
int guestview_read_cpu(struct qtest *t, const char *who, double timeout,
		       struct guestview *gv) VM_WUR;

/* The results area, parsed (pointers into the bytes parsed). */
struct gc_results {
	size_t e820_n, cpuid_n;
	uint32_t lapic_id, lapic_version;
	size_t need; /* bytes from the area's start that the counts cover */
	const unsigned char *e820, *cpuid; /* set by guestcpu_parse */
};
/*
 * The header (the first len bytes of the area): 0 with the counts,
 * the APIC registers and need set; 1 when there are no complete results
 * yet (no magic, no done flag); -1 when they cannot be taken (too
 * short, counts out of their bounds). why gets the reason for 1 and -1.
 */
int guestcpu_header(const unsigned char *p, size_t len, struct gc_results *r,
		    struct strbuf *why) VM_WUR;
/*
 * The whole area (len bytes from its start): guestcpu_header, then the
 * records the counts need must be there, the first CPUID record must be
 * leaf 0, no leaf range may reach past its bound, and the e820 map must
 * call the results area usable. Same returns.
 */
int guestcpu_parse(const unsigned char *area, size_t len, struct gc_results *r,
		   struct strbuf *why) VM_WUR;
/* The items of parsed results into gv. */
void guestcpu_add_items(const struct gc_results *r, struct guestview *gv);

/* ---- guestparse.c: pure functions on bytes. ---- */

/* The 8-bit sum of p[0..len): 0 for a valid ACPI or SMBIOS checksum. */
uint8_t gv_sum(const unsigned char *p, size_t len);

struct gv_rsdp {
	uint8_t revision;
	uint32_t rsdt;
	uint64_t xsdt;	/* 0 below revision 2 */
	size_t len;	/* 20, or its Length from revision 2 */
};
/*
 * An RSDP at p (len bytes available): 0 with *r filled when its
 * signature and checksums (and extended checksum from revision 2) are
 * valid, else -1 with why set (not reported).
 */
int gv_rsdp_parse(const unsigned char *p, size_t len, struct gv_rsdp *r,
		  const char **why) VM_WUR;
/*
 * The first valid RSDP in area (len bytes, 16-byte aligned from its
 * start): its offset, or -1. *seen, if not NULL, says what was found
 * ("no 'RSD PTR '", or why the first candidate was invalid).
 */
long gv_rsdp_find(const unsigned char *area, size_t len, const char **seen);

/*
 * A system description table's header at p (avail bytes): its signature
 * (4 characters and a NUL) and Length. -1 when avail < 36 or the Length
 * is below 36 (FACS, which has no checksum, is read with gv_facs_len).
 */
int gv_sdt_header(const unsigned char *p, size_t avail, char sig[5],
		  uint32_t *length) VM_WUR;
/* FACS: signature "FACS" and its Length (>= 64), or -1. */
int gv_facs_len(const unsigned char *p, size_t avail, uint32_t *length) VM_WUR;
/*
 * The entries of an RSDT (width 4) or XSDT (width 8) of len bytes:
 * *n addresses into *addrs (malloc'd, caller frees). -1 when len is
 * not 36 plus a multiple of width.
 */
int gv_sdt_entries(const unsigned char *t, size_t len, size_t width,
		   uint64_t **addrs, size_t *n) VM_WUR;

struct gv_fadt {
	uint64_t facs; /* X_FIRMWARE_CTRL if set and present, else FIRMWARE_CTRL */
	uint64_t dsdt; /* X_DSDT likewise, else DSDT */
};
int gv_fadt_parse(const unsigned char *t, size_t len, struct gv_fadt *f) VM_WUR;

struct gv_smbios {
	int v3;		  /* _SM3_ (64-bit) rather than _SM_ */
	size_t entry_len; /* bytes of the entry point */
	uint8_t major, minor;
	uint64_t table;	   /* address of the structure table */
	uint32_t table_len; /* its length (v3: its maximum size) */
};
/* An SMBIOS entry point at p: 0 when its anchor and checksums are valid. */
int gv_smbios_parse(const unsigned char *p, size_t len, struct gv_smbios *s,
		    const char **why) VM_WUR;
/*
 * The first valid entry point in area (16-byte aligned): its offset, with
 * it parsed into *s; or -1.
 */
long gv_smbios_find(const unsigned char *area, size_t len, struct gv_smbios *s);

struct gv_fwcfg_file {
	char name[57];
	uint32_t size;
	uint16_t select;
};
/*
 * The fw_cfg file directory (selector 0x19: a big-endian count, then 64
 * bytes per file: size, select, reserved, a 56-byte name): -1 when len
 * does not hold exactly the files counted or a name has no NUL.
 */
#define GV_FWCFG_MAX_FILES 4096
int gv_fwcfg_dir_parse(const unsigned char *p, size_t len,
		       struct gv_fwcfg_file **files, size_t *n) VM_WUR;

/* The MCFG table's first allocation of PCI segment 0 (ECAM). */
struct gv_mcfg {
	uint64_t base; /* the configuration space of bus 0 */
	uint8_t start_bus, end_bus;
};
/* From the acpi/MCFG item's bytes: 0, or -1 when it has none usable. */
int gv_mcfg_parse(const unsigned char *t, size_t len, struct gv_mcfg *m) VM_WUR;

/*
 * The offset of the next capability with that id in a function's
 * configuration space (len >= 256), after the one at pos (0: from the
 * start of the list); 0 when there is none. A list that loops or leaves
 * 0x40-0xff ends.
 */
size_t gv_pci_cap_next(const unsigned char *cfg, size_t len, size_t pos,
		       uint8_t id);
/*
 * The address BAR bar (0-5) of a header type 0 function holds as the
 * firmware programmed it (both halves of a 64-bit BAR), *io set for an
 * I/O BAR: 0, or -1 when it holds none.
 */
int gv_pci_bar_addr(const unsigned char *cfg, size_t len, unsigned bar,
		    uint64_t *addr, int *io) VM_WUR;

/* Where a virtio device's common configuration structure is. */
struct gv_virtio_cap {
	uint8_t bar;
	uint32_t offset, length;
};
/*
 * The first virtio vendor capability (id 0x09) with cfg_type 1 (common
 * configuration): 0, or -1 when there is none (a legacy-only device) or
 * it is malformed (a BAR past 5, shorter than the registers read).
 */
int gv_virtio_common_cap(const unsigned char *cfg, size_t len,
			 struct gv_virtio_cap *cap) VM_WUR;

/*
 * Replaces, in place, what differs between two runs of one binary only
 * because of where the firmware put things or of randomness, by zeroes
 * (each field is listed in guestparse.c). Items it does not know are
 * left alone. Returns 0, or -1 reported when an item it must normalise
 * is too short for its fields.
 */
int guestview_normalise(struct guestview *gv) VM_WUR;
/*
 * Replaces the machine type's own name in SMBIOS's strings by
 * "<machine>", and the lengths that follow from it (guestparse.c), so
 * that two machine types of one binary compare by what differs between
 * them. 0, or -1 reported when the SMBIOS table is malformed.
 */
int guestview_normalise_machine(struct guestview *gv,
				const char *machine) VM_WUR;

/* ---- guestdump.c: the text form. ---- */

/*
 * "item NAME ADDR LEN" then the bytes in lines of 32 hex pairs, per item,
 * into out.
 */
void guestview_dump(const struct guestview *gv, struct strbuf *out);
/* Parses what guestview_dump wrote (path for messages): 0 or -1 reported. */
int guestview_undump(const char *text, const char *path,
		     struct guestview *gv) VM_WUR;

#endif
