/*
 * The guest-view boot sector: 512 bytes that SeaBIOS loads from the disk
 * image guestcpu_write_image() writes (matrix/guestcpu.c) to 0000:7C00
 * and jumps to in real mode, once its POST is over. It records what only
 * code running in the guest can see, into the results area at
 * 0x20000-0x2FFFF that matrix/guestcpu-layout.h describes, and halts:
 *
 * 1. The memory map the firmware hands to an OS: INT 15h AX=E820 with
 *    EDX='SMAP', ECX=24, EBX the continuation (0 first), ES:DI the next
 *    24-byte entry, whose extended-attributes dword is set to 1 before
 *    each call as ACPI 3.0+ asks (a BIOS that returns 20 bytes leaves it
 *    so). It stops when EBX comes back 0, on CF or an EAX that is not
 *    'SMAP' (after the first call CF is the end of the list in the ACPI
 *    specification's words; on the first, the count stays 0), or at
 *    GC_E820_MAX entries (a count the reader takes as cut short).
 * 2. CPUID as this CPU executes it, ECX = the subleaf (0 when there is
 *    none): leaves 0 to leaf 0's EAX (at most GC_BASIC_MAX), 0x40000000
 *    to its EAX (at most 0x400000FF; nothing when that EAX is below
 *    0x40000000, as under TCG, where the leaf answers with a basic
 *    leaf's values), 0x80000000 to its EAX (at most GC_EXT_MAX; nothing
 *    when below 0x80000000). Subleaves follow the table rules[]: 4 and
 *    0x8000001D until the cache type (EAX[4:0]) is 0, 0xB and 0x1F until
 *    the level type (ECX[15:8]) is 0, both with that last subleaf
 *    recorded; 0xD subleaves 0-63; 7, 0x14, 0x17, 0x18, 0x1D, 0x1E and
 *    0x24 up to subleaf 0's EAX (bounded); 0xF, 0x10 and 0x12 subleaves
 *    0-3. The walk stops at GC_CPUID_MAX records (a count the reader
 *    takes as cut short); a range cut at its bound shows in the first
 *    record of the range, whose EAX the reader checks.
 * 3. The local APIC's ID (0xFEE00020) and version (0xFEE00030) registers:
 *    a 32-bit address, read in "unreal" mode (FS loaded with a flat 4 GiB
 *    data descriptor while CR0.PE is set, then real mode again: the
 *    limit stays). Interrupts are off from here on.
 * 4. The header: the counts were kept there as it went; the magic
 *    and last of all the done dword are written only now, so that a
 *    reader that sees "DONE" sees everything before it (x86 stores are
 *    not reordered with each other). Then cli; hlt for ever.
 *
 * Why these addresses are safe. SeaBIOS calls the boot sector the way
 * every BIOS does (boot.c call_boot_entry, after malloc_prepboot); from
 * then on the conventional memory that its e820 map lists as usable
 * (0 to the EBDA, minus the IVT and BDA at 0-0x4FF) is the boot code's,
 * as boot loaders assume (GRUB's core image at 0x8000, Linux's real-mode
 * part at 0x90000 and below). What SeaBIOS keeps for itself after boot
 * is in its EBDA and "low zone" below 640 KiB, the F segment, and its
 * high zone at the top of RAM, all reserved in that map (the virtio-blk
 * driver's rings are in the high zone); 0x7000-0x90000 is only its
 * temporary zone during POST (malloc.c: ZoneTmpLow). The stack is set
 * to 0000:7C00, growing down into that free space, and after boot the
 * only SeaBIOS code that runs is the INT 15h handler called here (with
 * interrupts off no IRQ handler runs). matrix/guestcpu.c checks that
 * the results area lies inside a usable entry of the map read here.
 */
#include "guestcpu-layout.h"

#define SMAP 0x534d4150

/* Subleaf rules: the top two bits of a rule, the bound below them. */
#define RULE_FIXED 0x00	/* subleaves 1..bound */
#define RULE_CACHE 0x40	/* until the cache type EAX[4:0] is 0 */
#define RULE_LEVEL 0x80	/* until the level type ECX[15:8] is 0 */
#define RULE_EAX   0xc0	/* 1..subleaf 0's EAX, at most bound */

	.section .note.GNU-stack, "", @progbits
	.text
	.code16
	.globl _start
_start:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ss
	mov $0x7c00, %sp
	ljmp $0, $start		/* CS = 0: the code's own data through %cs */
start:
	mov $(GC_AREA >> 4), %ax	/* DS = ES = the results area */
	mov %ax, %ds
	mov %ax, %es
	xor %di, %di		/* header and variables to 0 */
	xor %ax, %ax
	mov $(GC_E820_OFF / 2), %cx
	rep stosw

	/* 1. e820 */
	mov $GC_E820_OFF, %di
	xor %ebx, %ebx
e820_next:
	movl $1, 20(%di)
	mov $0xe820, %eax
	mov $GC_E820_SIZE, %ecx
	mov $SMAP, %edx
	int $0x15
	cli
	jc e820_done
	cmp $SMAP, %eax
	jne e820_done
	incw GC_HDR_E820_N
	add $GC_E820_SIZE, %di
	test %ebx, %ebx
	jz e820_done
	cmp $(GC_E820_OFF + GC_E820_MAX * GC_E820_SIZE), %di
	jb e820_next
e820_done:

	/* 2. CPUID: basic, hypervisor, extended leaves */
	mov $GC_CPUID_OFF, %di
	xor %esi, %esi
	mov $GC_BASIC_MAX, %edx
	call range
	mov $GC_HYPER_BASE, %esi
	mov $GC_HYPER_MAX, %edx
	call range
	mov $GC_EXT_BASE, %esi
	mov $GC_EXT_MAX, %edx
	call range

	/* 3. the local APIC, in unreal mode */
apic:
	mov $0x7c00, %sp	/* also the way out of a full record area */
	cli
	lgdtl %cs:gdt
	mov %cr0, %eax
	inc %ax			/* PE */
	mov %eax, %cr0
	push $8			/* the flat data descriptor */
	pop %fs
	dec %ax
	mov %eax, %cr0
	push %cs		/* 0 */
	pop %fs
	mov $GC_LAPIC_ID_REG, %ebx
	mov %fs:(%ebx), %eax
	mov %eax, GC_HDR_LAPIC_ID
	mov %fs:0x10(%ebx), %eax
	mov %eax, GC_HDR_LAPIC_VER

	/* 4. the header, "DONE" last */
	movl $GC_MAGIC_LO, 0
	movl $GC_MAGIC_HI, 4
	movl $GC_DONE, GC_HDR_DONE
halt:
	cli
	hlt
	jmp halt

/*
 * The leaves ESI to CPUID(ESI).EAX, at most EDX (the range stops there;
 * matrix/guestcpu.c refuses a leaf that reports more), none when that
 * EAX is below ESI; each with its subleaves.
 */
range:
	mov %edx, GC_VAR_LAST
	mov %esi, %eax
	xor %ecx, %ecx
	cpuid
	cmp %esi, %eax
	jb done
	cmp GC_VAR_LAST, %eax
	ja leaf
	mov %eax, GC_VAR_LAST
leaf:
	xor %ebp, %ebp
	call rec
	call lookup
	jc next
	mov %al, GC_VAR_RULE
	movzbl %al, %eax
	and $0x3f, %al
	mov %eax, GC_VAR_LIMIT
	cmpb $RULE_EAX, GC_VAR_RULE
	jb sub
	mov -16(%di), %eax	/* subleaf 0's EAX */
	cmp GC_VAR_LIMIT, %eax
	jae sub
	mov %eax, GC_VAR_LIMIT
sub:
	mov GC_VAR_RULE, %al
	and $0xc0, %al
	cmp $RULE_CACHE, %al
	jne 1f
	testb $0x1f, -16(%di)	/* EAX[4:0] of the last record */
	jz next
1:	cmp $RULE_LEVEL, %al
	jne 2f
	cmpb $0, -7(%di)	/* ECX[15:8] of the last record */
	je next
2:	inc %ebp
	cmp GC_VAR_LIMIT, %ebp
	ja next
	call rec
	jmp sub
next:
	inc %esi
	cmp GC_VAR_LAST, %esi
	jbe leaf
done:
	ret

/* One record: CPUID leaf ESI, subleaf EBP, at DI. */
rec:
	cmp $(GC_CPUID_OFF + GC_CPUID_MAX * GC_CPUID_SIZE), %di
	jae apic		/* full: GC_CPUID_MAX records say so */
	mov %esi, %eax
	mov %ebp, %ecx
	cpuid
	mov %esi, 0(%di)
	mov %ebp, 4(%di)
	mov %eax, 8(%di)
	mov %ebx, 12(%di)
	mov %ecx, 16(%di)
	mov %edx, 20(%di)
	add $GC_CPUID_SIZE, %di
	incw GC_HDR_CPUID_N
	ret

/* The rule of leaf ESI into AL; CF when it has none (subleaf 0 only). */
lookup:
	mov $rules, %bx
1:	movzbl %cs:(%bx), %eax
	test %al, %al
	stc
	jz 3f
	btr $7, %eax		/* bit 7: an extended leaf, 0x80000000 | bits 0-6 */
	jnc 2f
	bts $31, %eax
2:	add $2, %bx
	cmp %esi, %eax
	jne 1b
	mov %cs:-1(%bx), %al	/* CF is clear: equal */
3:	ret

rules:
	.byte 0x04, RULE_CACHE | 15
	.byte 0x07, RULE_EAX | 15
	.byte 0x0b, RULE_LEVEL | 15
	.byte 0x0d, RULE_FIXED | 63
	.byte 0x0f, RULE_FIXED | 3
	.byte 0x10, RULE_FIXED | 3
	.byte 0x12, RULE_FIXED | 3
	.byte 0x14, RULE_EAX | 15
	.byte 0x17, RULE_EAX | 15
	.byte 0x18, RULE_EAX | 31
	.byte 0x1d, RULE_EAX | 15
	.byte 0x1e, RULE_EAX | 15
	.byte 0x1f, RULE_LEVEL | 15
	.byte 0x24, RULE_EAX | 15
	.byte 0x80 | 0x1d, RULE_CACHE | 15
	.byte 0

gdt:				/* the null descriptor holds the GDTR */
	.word gdt_end - gdt - 1
	.long gdt
	.word 0
	.quad 0x00cf92000000ffff	/* flat data: base 0, limit 4 GiB, writable */
gdt_end:

	.org 510
	.byte 0x55, 0xaa
