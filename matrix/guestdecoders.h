#ifndef MX_GUESTDECODERS_H
#define MX_GUESTDECODERS_H

/*
 * What the guest view's decoders share, internal to them (guestdecode.c,
 * guesttools.c, guestpci.c, guestpcie.c, guestcpuid.c): little-endian
 * readers, the one way a register is written as a line, and what a
 * decoder of a whole item is given. A register's fields are a table;
 * gd_fields() writes the flags that are set by name and every multi-bit
 * field as name=value, then "other=0x.." for set bits no field names (a
 * register without fields is its value alone), so that no bit of a
 * register is lost from the text and a change of one field changes one
 * line.
 */

#include <stdint.h>

#include "guestview.h"
#include "strbuf.h"

static inline uint16_t gd_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t gd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t gd_le64(const unsigned char *p)
{
	return (uint64_t)gd_le32(p) | (uint64_t)gd_le32(p + 4) << 32;
}

enum gd_kind {
	GD_FLAG,    /* one bit: its name when set */
	GD_DEC,	    /* name=N */
	GD_HEX,	    /* name=0xN */
	GD_NAMES,   /* name=names[N], or N past the table */
	GD_PLUS1,   /* name=N+1 (counts stored minus one) */
	GD_POW2,    /* name=1<<N (counts stored as their log2) */
	GD_INPLACE, /* name=0xN<<lo: an aligned offset, the bits where they are
		     */
	GD_SHL7,    /* name=128<<N (PCIe payload and request sizes) */
	GD_SPEED,   /* name=2.5GT/s ... (PCIe link speed codes) */
	GD_SPEEDS, /* name=2.5,5,8 (PCIe supported speeds vector, from bit 0) */
};

struct gd_field {
	uint8_t lo, bits;
	uint8_t kind; /* enum gd_kind */
	const char *name;
	const char *const *names;
	uint8_t nnames;
};

#define GD_F(lo, name)                            \
	{                                         \
		(lo), 1, GD_FLAG, (name), NULL, 0 \
	}
#define GD_V(lo, bits, kind, name)                    \
	{                                             \
		(lo), (bits), (kind), (name), NULL, 0 \
	}
#define GD_N(lo, bits, name, names)                      \
	{                                                \
		(lo), (bits), GD_NAMES, (name), (names), \
		    (uint8_t)ARRAY_SIZE(names)           \
	}

/*
 * " flag name=value ... other=0x.." for v into out (nothing when no
 * field has anything to say).
 */
void gd_fields(struct strbuf *out, uint64_t v, const struct gd_field *f,
	       size_t n);
/* "0x<v, digits wide>: fields\n", or without the colon when no field speaks. */
void gd_value(struct strbuf *out, uint64_t v, int digits,
	      const struct gd_field *f, size_t n);
/* "4 KiB", "128 MiB", "3 bytes": a size as a person reads it. */
void gd_size(struct strbuf *out, uint64_t size);
/* s[0..len) with '"', '\\' and what is not printable ASCII as \xNN. */
void gd_escaped(struct strbuf *out, const unsigned char *s, size_t len);
/* The same between double quotes. */
void gd_quoted(struct strbuf *out, const unsigned char *s, size_t len);

/* ---- Decoders of whole items (guestdecode.c's table) ---- */

#define GD_TOOL_TIMEOUT 30.0

struct gd_ctx {
	const struct guestview *gv;
	const struct gv_item *it; /* the item to decode */
	const char *tool_path;	  /* NULL: $PATH, then /usr/sbin and /sbin */
	double timeout;		  /* for one run of a tool */
	struct strbuf *out;
};

/* guesttools.c: 0 with the text in x->out, or -1 reported. */
int gd_decode_acpi(struct gd_ctx *x) VM_WUR;
int gd_decode_smbios_table(struct gd_ctx *x) VM_WUR;

/* ---- PCI configuration space (guestpci.c, guestpcie.c) ---- */

#define PCI_MAX_LEN 4096

struct pci_ctx {
	const unsigned char *cfg;
	size_t len;
	const unsigned char *bars; /* 7 readbacks (BAR0-5, ROM), or NULL */
	size_t bars_len;
	struct strbuf *out;
	int stopped; /* the bytes ended: nothing more is decoded */
	unsigned char covered[PCI_MAX_LEN / 8]; /* bytes some line showed */
};

/* A register with its fields, at an offset from its structure's start. */
struct pci_reg {
	uint16_t off;
	uint8_t size;
	const char *name;
	const struct gd_field *f;
	size_t nf;
};
#define REG(off, size, name, f)                           \
	{                                                 \
		(off), (size), (name), (f), ARRAY_SIZE(f) \
	}
#define REG0(off, size, name)                  \
	{                                      \
		(off), (size), (name), NULL, 0 \
	}

/* A capability being decoded: where, and what its lines start with. */
struct cap_ctx {
	struct pci_ctx *c;
	size_t off;
	char prefix[48];
};

/*
 * True when the item holds [off, off+n); else false, with a line saying
 * where the bytes stopped (once: the first stop ends the decoding).
 */
int pci_have(struct pci_ctx *c, size_t off, size_t n, const char *what);
/* Marks [off, off+n) as shown, so that it is not in the "bytes" rows. */
void pci_cover(struct pci_ctx *c, size_t off, size_t n);
/* "PREFIXname = 0x..: fields"; 0 when the item stopped before it. */
int pci_reg_line(struct pci_ctx *c, const char *prefix, size_t base,
		 const struct pci_reg *r);
/* pci_reg_line for each of r[0..n); 0 when the item stopped. */
int pci_regs(struct pci_ctx *c, const char *prefix, size_t base,
	     const struct pci_reg *r, size_t n);
/* guestpcie.c: the PCI Express capability, and the extended ones. */
void pcie_capability(struct cap_ctx *k);
void pcie_ext_capabilities(struct pci_ctx *c);

#endif
