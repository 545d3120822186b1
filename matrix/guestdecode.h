#ifndef MX_GUESTDECODE_H
#define MX_GUESTDECODE_H

/*
 * The guest view's items (matrix/guestview.h) as lines a person reads,
 * so that a difference between two versions reads as ASL lines, SMBIOS
 * fields, PCI registers or CPUID bits rather than as bytes. The field's
 * own tools do what they can: iasl -d disassembles every ACPI table
 * (DSDT/SSDT as ASL, the others field by field), dmidecode --from-dump
 * decodes SMBIOS. What no tool reads from a file (a PCI function's
 * configuration space, fw_cfg's directory, the memory maps, CPUID and
 * the local APIC) is decoded here, register by register.
 *
 * The text depends on the item's bytes alone: what the tools add of
 * their own (iasl's banner, its timestamp and file names, dmidecode's
 * version line) is left out, so the same bytes always decode to the
 * same lines and a line diff of two decodes shows only what changed.
 *
 * Items and what they hold (all little-endian):
 *	acpi/<SIG>[.N], acpi/RSDP, acpi/FACS   the table as the guest has it
 *	smbios/entry, smbios/table              entry point; structure table
 *	pci/BB:DD.F                             configuration space (256 bytes,
 *	                                        or 4096 for PCI Express)
 *	fw_cfg/dir                              the file directory (big-endian,
 *	                                        as fw_cfg gives it)
 *	fw_cfg/etc/e820                         QEMU's e820 table (20-byte
 *	                                        entries: addr, len, type)
 *	firmware/e820                           the map INT 15h E820 hands the
 *	                                        boot loader (24-byte entries:
 *	                                        base u64, length u64, type u32,
 *	                                        extended attributes u32)
 *	cpu/cpuid                               24-byte records: leaf, subleaf,
 *	                                        eax, ebx, ecx, edx (u32 each)
 *	cpu/lapic                               the local APIC's ID and version
 *	                                        registers (u32 each)
 *	virtio/BB:DD.F                          a virtio device's features
 *	                                        (u64), its number of queues
 *	                                        (u16) and each queue's size
 *	                                        (u16 each)
 * Any other item decodes as a hex dump.
 */

#include "guestview.h"
#include "strbuf.h"

/*
 * Appends the decoded lines of item name of gv (normalised items, as the
 * store keeps them; a decoder may read other items of gv, as smbios/table
 * reads smbios/entry) to out, each ending in '\n'. Returns 0, or -1
 * reported (no such item, a tool that is missing or fails: the message
 * says which and how to install it). Items too short or malformed for
 * their decoder are decoded as far as they go, with a line saying where
 * the bytes stopped making sense, never an error.
 */
int guest_decode(const struct guestview *gv, const char *name,
		 struct strbuf *out) VM_WUR;

/* What guest_decode_with may change; all zero gives guest_decode's ways. */
struct guest_decode_opts {
	/*
	 * Directories (colon-separated) searched for iasl and dmidecode,
	 * which then run from where they were found. NULL: $PATH, then
	 * /usr/sbin and /sbin (dmidecode lives there, outside a user's PATH).
	 */
	const char *tool_path;
	double timeout; /* seconds for one run of a tool; 0: 30 */
};

/* guest_decode with opts (NULL: the defaults). */
int guest_decode_with(const struct guestview *gv, const char *name,
		      const struct guest_decode_opts *opts,
		      struct strbuf *out) VM_WUR;

/* Pure decoders, one per kind of item (for tests and the fuzzer). */
void guest_decode_pci(const unsigned char *cfg, size_t len, struct strbuf *out);
/*
 * The same with what the function's BARs read back after all-ones was
 * written (the pcibar/BB:DD.F item: 7 u32, BAR0-5 then the expansion
 * ROM), so that each BAR's line says its size; bars NULL: no sizes.
 */
void guest_decode_pci_bars(const unsigned char *cfg, size_t len,
			   const unsigned char *bars, size_t bars_len,
			   struct strbuf *out);
/* The RSDP's fields (iasl -d cannot read one from a file). */
void guest_decode_rsdp(const unsigned char *p, size_t len, struct strbuf *out);
/* An SMBIOS 2.x or 3.x entry point's fields, without its checksums. */
void guest_decode_smbios_entry(const unsigned char *p, size_t len,
			       struct strbuf *out);
void guest_decode_fwcfg_dir(const unsigned char *p, size_t len,
			    struct strbuf *out);
void guest_decode_e820(const unsigned char *p, size_t len, size_t entry_size,
		       struct strbuf *out);
void guest_decode_cpuid(const unsigned char *p, size_t len, struct strbuf *out);
void guest_decode_lapic(const unsigned char *p, size_t len, struct strbuf *out);
void guest_decode_hex(const unsigned char *p, size_t len, struct strbuf *out);
/*
 * A virtio/BB:DD.F item (guestvirtio.c); device is the function's PCI
 * device id (0x1000 ...), which chooses the device type's feature names
 * (another id: the transport's alone).
 */
void guest_decode_virtio(const unsigned char *p, size_t len, unsigned device,
			 struct strbuf *out);

#endif
