#ifndef MX_GUESTCPU_LAYOUT_H
#define MX_GUESTCPU_LAYOUT_H

/*
 * The results area of the guest-view boot sector: the one description
 * of it that both sides read, the boot sector (matrix/guestcpu-boot.S,
 * through the C preprocessor) that writes it in the guest, and
 * matrix/guestcpu.c that reads it over qtest. Plain numbers only: the
 * assembler reads this file too. Offsets are from GC_AREA; every value
 * is little-endian.
 *
 *	0x000	magic "VMXCPU01" (8 bytes)
 *	0x008	u16 e820 entries	0x00a u16 CPUID records
 *	0x00c	u32 reserved (0)
 *	0x010	u32 local APIC ID register (0xFEE00020)
 *	0x014	u32 local APIC version register (0xFEE00030)
 *	0x018	u32 reserved (0)
 *	0x01c	u32 done: "DONE", the boot sector's last store
 *	0x020	the boot sector's own variables (not results)
 *	0x100	e820 entries, 24 bytes each: base u64, length u64, type u32,
 *		extended attributes u32
 *	0x1000	CPUID records, 24 bytes each: leaf, subleaf, eax, ebx, ecx,
 *		edx (u32 each)
 */

#define GC_AREA		0x20000
#define GC_AREA_LEN	0x10000

#define GC_HDR_LEN	0x20
#define GC_MAGIC_LO	0x43584d56	/* "VMXC" */
#define GC_MAGIC_HI	0x31305550	/* "PU01" */
#define GC_DONE		0x454e4f44	/* "DONE" */
#define GC_HDR_E820_N	0x08
#define GC_HDR_CPUID_N	0x0a
#define GC_HDR_LAPIC_ID	0x10
#define GC_HDR_LAPIC_VER 0x14
#define GC_HDR_DONE	0x1c

/* The boot sector's variables: the last leaf of a range, a subleaf rule. */
#define GC_VAR_LAST	0x20
#define GC_VAR_LIMIT	0x24
#define GC_VAR_RULE	0x28

#define GC_E820_OFF	0x100
#define GC_E820_SIZE	24
#define GC_E820_MAX	128	/* this many entries: maybe cut short */
#define GC_CPUID_OFF	0x1000
#define GC_CPUID_SIZE	24
#define GC_CPUID_MAX	1024	/* this many records: cut short */

/*
 * The leaf ranges walked and their bounds: a range whose first leaf
 * reports a last leaf above its bound stops at the bound.
 */
#define GC_BASIC_MAX	0x3f
#define GC_HYPER_BASE	0x40000000
#define GC_HYPER_MAX	0x400000ff
#define GC_EXT_BASE	0x80000000
#define GC_EXT_MAX	0x80000040

/* The local APIC's registers, at its default base. */
#define GC_LAPIC_ID_REG	0xfee00020

#endif
