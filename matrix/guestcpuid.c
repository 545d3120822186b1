/*
 * The guest view's cpu/ items as lines: cpu/cpuid (24-byte records:
 * leaf, subleaf, eax, ebx, ecx, edx) and cpu/lapic (the local APIC's ID
 * and version registers). Every CPUID record is keyed by its leaf and
 * subleaf ("0x00000001.0"), so that two CPUs' lines pair up in a diff:
 *  - feature words, one line per named bit, "0x00000001.0 ecx.23 popcnt
 *    = 1", with QEMU's names (target/i386/cpu.c, feature_word_info); a
 *    set bit that has no name is "ecx.11 = 1";
 *  - registers of fields (family/model/stepping, APIC id, caches,
 *    topology, address sizes) as one line each, "eax = 0x..: field=N";
 *  - the vendor, hypervisor and brand strings as one line each;
 *  - every other register whole, "0x0000000d.1 ebx = 0x00000240".
 */
#include <stdio.h>
#include <string.h>

#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

#define CPUID_RECORD 24
enum { EAX, EBX, ECX, EDX };
static const char *const reg_names[] = { "eax", "ebx", "ecx", "edx" };

/* ---- Feature words: QEMU's feature_word_info names ---- */

/* clang-format off: rows of four bits, as in QEMU's feature_word_info */
static const char *const f1_edx[32] = {
	"fpu", "vme", "de", "pse",
	"tsc", "msr", "pae", "mce",
	"cx8", "apic", NULL, "sep",
	"mtrr", "pge", "mca", "cmov",
	"pat", "pse36", "pn", "clflush",
	NULL, "ds", "acpi", "mmx",
	"fxsr", "sse", "sse2", "ss",
	"ht", "tm", "ia64", "pbe",
};
static const char *const f1_ecx[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor",
	"ds-cpl", "vmx", "smx", "est",
	"tm2", "ssse3", "cid", NULL,
	"fma", "cx16", "xtpr", "pdcm",
	NULL, "pcid", "dca", "sse4.1",
	"sse4.2", "x2apic", "movbe", "popcnt",
	"tsc-deadline", "aes", "xsave", "osxsave",
	"avx", "f16c", "rdrand", "hypervisor",
};
static const char *const f6_eax[32] = {
	NULL, NULL, "arat", NULL,
};
static const char *const f7_0_ebx[32] = {
	"fsgsbase", "tsc-adjust", "sgx", "bmi1",
	"hle", "avx2", "fdp-excptn-only", "smep",
	"bmi2", "erms", "invpcid", "rtm",
	NULL, "zero-fcs-fds", "mpx", NULL,
	"avx512f", "avx512dq", "rdseed", "adx",
	"smap", "avx512ifma", "pcommit", "clflushopt",
	"clwb", "intel-pt", "avx512pf", "avx512er",
	"avx512cd", "sha-ni", "avx512bw", "avx512vl",
};
static const char *const f7_0_ecx[32] = {
	NULL, "avx512vbmi", "umip", "pku",
	"ospke", "waitpkg", "avx512vbmi2", NULL,
	"gfni", "vaes", "vpclmulqdq", "avx512vnni",
	"avx512bitalg", NULL, "avx512-vpopcntdq", NULL,
	"la57", NULL, NULL, NULL,
	NULL, NULL, "rdpid", NULL,
	"bus-lock-detect", "cldemote", NULL, "movdiri",
	"movdir64b", NULL, "sgxlc", "pks",
};
static const char *const f7_0_edx[32] = {
	NULL, NULL, "avx512-4vnniw", "avx512-4fmaps",
	"fsrm", NULL, NULL, NULL,
	"avx512-vp2intersect", NULL, "md-clear", NULL,
	NULL, NULL, "serialize", NULL,
	"tsx-ldtrk", NULL, NULL, "arch-lbr",
	NULL, NULL, "amx-bf16", "avx512-fp16",
	"amx-tile", "amx-int8", "spec-ctrl", "stibp",
	"flush-l1d", "arch-capabilities", "core-capability", "ssbd",
};
static const char *const f7_1_eax[32] = {
	"sha512", "sm3", "sm4", NULL,
	"avx-vnni", "avx512-bf16", NULL, "cmpccxadd",
	NULL, NULL, "fzrm", "fsrs",
	"fsrc", NULL, NULL, NULL,
	NULL, "fred", "lkgs", "wrmsrns",
	NULL, "amx-fp16", NULL, "avx-ifma",
	NULL, NULL, "lam", NULL,
};
static const char *const fd_1_eax[32] = {
	"xsaveopt", "xsavec", "xgetbv1", "xsaves",
	"xfd", NULL, NULL, NULL,
};
static const char *const fkvm_eax[32] = {
	"kvmclock", "kvm-nopiodelay", "kvm-mmu", "kvmclock",
	"kvm-asyncpf", "kvm-steal-time", "kvm-pv-eoi", "kvm-pv-unhalt",
	NULL, "kvm-pv-tlb-flush", "kvm-asyncpf-vmexit", "kvm-pv-ipi",
	"kvm-poll-control", "kvm-pv-sched-yield", "kvm-asyncpf-int", "kvm-msi-ext-dest-id",
	NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL,
	"kvmclock-stable-bit", NULL, NULL, NULL,
};
static const char *const fkvm_edx[32] = {
	"kvm-hint-dedicated", NULL, NULL, NULL,
};
/* AMD repeats leaf 1's edx bits here; QEMU copies them under those names. */
static const char *const f81_edx[32] = {
	"fpu", "vme", "de", "pse",
	"tsc", "msr", "pae", "mce",
	"cx8", "apic", NULL, "syscall",
	"mtrr", "pge", "mca", "cmov",
	"pat", "pse36", NULL, NULL,
	"nx", NULL, "mmxext", "mmx",
	"fxsr", "fxsr-opt", "pdpe1gb", "rdtscp",
	NULL, "lm", "3dnowext", "3dnow",
};
static const char *const f81_ecx[32] = {
	"lahf-lm", "cmp-legacy", "svm", "extapic",
	"cr8legacy", "abm", "sse4a", "misalignsse",
	"3dnowprefetch", "osvw", "ibs", "xop",
	"skinit", "wdt", NULL, "lwp",
	"fma4", "tce", NULL, "nodeid-msr",
	NULL, "tbm", "topoext", "perfctr-core",
	"perfctr-nb", NULL, NULL, NULL,
};
static const char *const f87_edx[32] = { [8] = "invtsc" };
static const char *const f88_ebx[32] = {
	"clzero", NULL, "xsaveerptr", NULL,
	NULL, NULL, NULL, NULL,
	NULL, "wbnoinvd", NULL, NULL,
	"ibpb", NULL, "ibrs", "amd-stibp",
	NULL, "stibp-always-on", NULL, NULL,
	NULL, NULL, NULL, NULL,
	"amd-ssbd", "virt-ssbd", "amd-no-ssb", NULL,
	"amd-psfd", NULL, NULL, NULL,
};
static const char *const f8a_edx[32] = {
	"npt", "lbrv", "svm-lock", "nrip-save",
	"tsc-scale", "vmcb-clean", "flushbyasid", "decodeassists",
	NULL, NULL, "pause-filter", NULL,
	"pfthreshold", "avic", NULL, "v-vmsave-vmload",
	"vgif", NULL, NULL, NULL,
	NULL, NULL, NULL, NULL,
	NULL, "vnmi", NULL, NULL,
	"svme-addr-chk", NULL, NULL, NULL,
};
/* clang-format on */

static const struct feature_word {
	uint32_t leaf, subleaf;
	uint8_t reg;
	const char *const *names;
} words[] = {
	{ 0x00000001, 0, EDX, f1_edx },	  { 0x00000001, 0, ECX, f1_ecx },
	{ 0x00000006, 0, EAX, f6_eax },	  { 0x00000007, 0, EBX, f7_0_ebx },
	{ 0x00000007, 0, ECX, f7_0_ecx }, { 0x00000007, 0, EDX, f7_0_edx },
	{ 0x00000007, 1, EAX, f7_1_eax }, { 0x0000000d, 1, EAX, fd_1_eax },
	{ 0x40000001, 0, EAX, fkvm_eax }, { 0x40000001, 0, EDX, fkvm_edx },
	{ 0x80000001, 0, EDX, f81_edx },  { 0x80000001, 0, ECX, f81_ecx },
	{ 0x80000007, 0, EDX, f87_edx },  { 0x80000008, 0, EBX, f88_ebx },
	{ 0x8000000a, 0, EDX, f8a_edx },
};

/* ---- Registers of fields ---- */

static const struct gd_field max_leaf_f[] = { GD_V(0, 32, GD_HEX, "max-leaf") };
static const struct gd_field max_sub_f[] = { GD_V(0, 32, GD_DEC,
						  "max-subleaf") };
static const struct gd_field fms_f[] = {
	GD_V(0, 4, GD_DEC, "stepping"),	  GD_V(4, 4, GD_DEC, "model"),
	GD_V(8, 4, GD_DEC, "family"),	  GD_V(12, 2, GD_DEC, "type"),
	GD_V(16, 4, GD_DEC, "ext-model"), GD_V(20, 8, GD_DEC, "ext-family"),
};
static const struct gd_field f1_ebx_f[] = {
	GD_V(0, 8, GD_DEC, "brand-index"),
	GD_V(8, 8, GD_DEC, "clflush-qwords"),
	GD_V(16, 8, GD_DEC, "logical-processors"),
	GD_V(24, 8, GD_DEC, "apic-id"),
};
static const char *const cache_types[] = { "null", "data", "instruction",
					   "unified" };
static const struct gd_field cache_eax_f[] = {
	GD_N(0, 5, "type", cache_types),   GD_V(5, 3, GD_DEC, "level"),
	GD_F(8, "self-initializing"),	   GD_F(9, "fully-associative"),
	GD_V(14, 12, GD_PLUS1, "sharing"), GD_V(26, 6, GD_PLUS1, "cores"),
};
static const struct gd_field amd_cache_eax_f[] = {
	GD_N(0, 5, "type", cache_types),   GD_V(5, 3, GD_DEC, "level"),
	GD_F(8, "self-initializing"),	   GD_F(9, "fully-associative"),
	GD_V(14, 12, GD_PLUS1, "sharing"),
};
static const struct gd_field cache_ebx_f[] = {
	GD_V(0, 12, GD_PLUS1, "line-size"),
	GD_V(12, 10, GD_PLUS1, "partitions"),
	GD_V(22, 10, GD_PLUS1, "ways"),
};
static const struct gd_field cache_ecx_f[] = { GD_V(0, 32, GD_PLUS1, "sets") };
static const struct gd_field cache_edx_f[] = {
	GD_F(0, "wbinvd-not-inclusive"),
	GD_F(1, "inclusive"),
	GD_F(2, "complex-indexing"),
};
static const char *const level_types[] = {
	"invalid", "smt", "core", "module", "tile", "die", "die-group",
};
static const struct gd_field topo_eax_f[] = { GD_V(0, 5, GD_DEC, "shift") };
static const struct gd_field topo_ebx_f[] = {
	GD_V(0, 16, GD_DEC, "logical-processors"),
};
static const struct gd_field topo_ecx_f[] = {
	GD_V(0, 8, GD_DEC, "level"),
	GD_N(8, 8, "level-type", level_types),
};
static const struct gd_field topo_edx_f[] = { GD_V(0, 32, GD_DEC,
						   "x2apic-id") };
static const struct gd_field addr_f[] = {
	GD_V(0, 8, GD_DEC, "phys-bits"),
	GD_V(8, 8, GD_DEC, "linear-bits"),
	GD_V(16, 8, GD_DEC, "guest-phys-bits"),
};
static const struct gd_field f88_ecx_f[] = {
	GD_V(0, 8, GD_PLUS1, "threads"),
	GD_V(12, 4, GD_DEC, "apic-id-size"),
	GD_V(16, 2, GD_DEC, "perf-tsc-size"),
};

#define ANY_SUBLEAF UINT32_MAX
#define FR(leaf, sub, reg, f)                            \
	{                                                \
		(leaf), (sub), (reg), (f), ARRAY_SIZE(f) \
	}
static const struct field_reg {
	uint32_t leaf, subleaf;
	uint8_t reg;
	const struct gd_field *f;
	size_t nf;
} field_regs[] = {
	FR(0x00000000, 0, EAX, max_leaf_f),
	FR(0x00000001, 0, EAX, fms_f),
	FR(0x00000001, 0, EBX, f1_ebx_f),
	FR(0x00000004, ANY_SUBLEAF, EAX, cache_eax_f),
	FR(0x00000004, ANY_SUBLEAF, EBX, cache_ebx_f),
	FR(0x00000004, ANY_SUBLEAF, ECX, cache_ecx_f),
	FR(0x00000004, ANY_SUBLEAF, EDX, cache_edx_f),
	FR(0x00000007, 0, EAX, max_sub_f),
	FR(0x0000000b, ANY_SUBLEAF, EAX, topo_eax_f),
	FR(0x0000000b, ANY_SUBLEAF, EBX, topo_ebx_f),
	FR(0x0000000b, ANY_SUBLEAF, ECX, topo_ecx_f),
	FR(0x0000000b, ANY_SUBLEAF, EDX, topo_edx_f),
	FR(0x0000001f, ANY_SUBLEAF, EAX, topo_eax_f),
	FR(0x0000001f, ANY_SUBLEAF, EBX, topo_ebx_f),
	FR(0x0000001f, ANY_SUBLEAF, ECX, topo_ecx_f),
	FR(0x0000001f, ANY_SUBLEAF, EDX, topo_edx_f),
	FR(0x40000000, 0, EAX, max_leaf_f),
	FR(0x80000000, 0, EAX, max_leaf_f),
	FR(0x80000001, 0, EAX, fms_f),
	FR(0x80000008, 0, EAX, addr_f),
	FR(0x80000008, 0, ECX, f88_ecx_f),
	FR(0x8000001d, ANY_SUBLEAF, EAX, amd_cache_eax_f),
	FR(0x8000001d, ANY_SUBLEAF, EBX, cache_ebx_f),
	FR(0x8000001d, ANY_SUBLEAF, ECX, cache_ecx_f),
	FR(0x8000001d, ANY_SUBLEAF, EDX, cache_edx_f),
};

/* Strings spread over three registers, in the order they read. */
static const struct string_reg {
	uint32_t leaf;
	uint8_t regs[3];
	const char *name;
} strings[] = {
	{ 0x00000000, { EBX, EDX, ECX }, "vendor" },
	{ 0x40000000, { EBX, ECX, EDX }, "hypervisor" },
	{ 0x80000000, { EBX, EDX, ECX }, "vendor" },
};

struct cpuid_rec {
	uint32_t leaf, subleaf, r[4];
};

static void rec_read(const unsigned char *p, struct cpuid_rec *c)
{
	c->leaf = gd_le32(p);
	c->subleaf = gd_le32(p + 4);
	for (int i = 0; i < 4; i++)
		c->r[i] = gd_le32(p + 8 + 4 * i);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/* A string of bytes with its trailing NULs left out. */
static void string_line(struct strbuf *out, const struct cpuid_rec *c,
			const char *name, const unsigned char *s, size_t len)
{
	while (len && !s[len - 1])
		len--;
	sb_printf(out, "0x%08x.%u %s = ", c->leaf, c->subleaf, name);
	gd_quoted(out, s, len);
	sb_putc(out, '\n');
}

/* Registers that a string took: a bit mask of EAX..EDX. */
static unsigned strings_of(struct strbuf *out, const struct cpuid_rec *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		unsigned char s[12];

		if (strings[i].leaf != c->leaf || c->subleaf)
			continue;
		for (int j = 0; j < 3; j++)
			put_le32(s + 4 * j, c->r[strings[i].regs[j]]);
		string_line(out, c, strings[i].name, s, sizeof(s));
		return 1u << strings[i].regs[0] | 1u << strings[i].regs[1] |
		       1u << strings[i].regs[2];
	}
	return 0;
}

/*
 * The brand string (0x80000002-4): one line at 0x80000002 when all three
 * leaves are there (the others marked done), else 16 bytes per leaf.
 */
static unsigned brand(struct strbuf *out, const struct cpuid_rec *c,
		      const unsigned char *p, size_t n, unsigned char *done)
{
	unsigned char s[48];
	size_t at[3] = { 0 };
	int found = 0;

	if (c->leaf < 0x80000002 || c->leaf > 0x80000004)
		return 0;
	for (size_t i = 0; c->leaf == 0x80000002 && i < n; i++) {
		struct cpuid_rec o;

		rec_read(p + CPUID_RECORD * i, &o);
		if (o.leaf >= 0x80000002 && o.leaf <= 0x80000004 &&
		    !(found & 1 << (o.leaf - 0x80000002))) {
			found |= 1 << (o.leaf - 0x80000002);
			at[o.leaf - 0x80000002] = i;
		}
	}
	if (found == 7) {
		for (int k = 0; k < 3; k++) {
			struct cpuid_rec o;

			rec_read(p + CPUID_RECORD * at[k], &o);
			for (int j = 0; j < 4; j++)
				put_le32(s + 16 * k + 4 * j, o.r[j]);
			done[at[k]] = 1;
		}
		string_line(out, c, "brand", s, sizeof(s));
		return 0xf;
	}
	for (int j = 0; j < 4; j++)
		put_le32(s + 4 * j, c->r[j]);
	string_line(out, c,
		    c->leaf == 0x80000002   ? "brand[0:15]"
		    : c->leaf == 0x80000003 ? "brand[16:31]"
					    : "brand[32:47]",
		    s, 16);
	return 0xf;
}

static int feature_word(struct strbuf *out, const struct cpuid_rec *c, int reg)
{
	const struct feature_word *w = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(words) && !w; i++)
		if (words[i].leaf == c->leaf &&
		    words[i].subleaf == c->subleaf && words[i].reg == reg)
			w = &words[i];
	if (!w)
		return 0;
	for (unsigned b = 0; b < 32; b++) {
		unsigned v = c->r[reg] >> b & 1;

		if (w->names[b])
			sb_printf(out, "0x%08x.%u %s.%u %s = %u\n", c->leaf,
				  c->subleaf, reg_names[reg], b, w->names[b],
				  v);
		else if (v)
			sb_printf(out, "0x%08x.%u %s.%u = 1\n", c->leaf,
				  c->subleaf, reg_names[reg], b);
	}
	return 1;
}

static int field_reg(struct strbuf *out, const struct cpuid_rec *c, int reg)
{
	for (size_t i = 0; i < ARRAY_SIZE(field_regs); i++) {
		const struct field_reg *f = &field_regs[i];

		if (f->leaf != c->leaf || f->reg != reg ||
		    (f->subleaf != ANY_SUBLEAF && f->subleaf != c->subleaf))
			continue;
		sb_printf(out, "0x%08x.%u %s = ", c->leaf, c->subleaf,
			  reg_names[reg]);
		gd_value(out, c->r[reg], 8, f->f, f->nf);
		return 1;
	}
	return 0;
}

/* Leaves 4 and 0x8000001d: the cache's size, from the four registers. */
static void cache_size(struct strbuf *out, const struct cpuid_rec *c)
{
	uint64_t size;

	if ((c->leaf != 4 && c->leaf != 0x8000001d) || !(c->r[EAX] & 0x1f))
		return;
	size = (uint64_t)((c->r[EBX] & 0xfff) + 1) *
	       ((c->r[EBX] >> 12 & 0x3ff) + 1) * ((c->r[EBX] >> 22) + 1) *
	       ((uint64_t)c->r[ECX] + 1);
	sb_printf(out, "0x%08x.%u cache size = ", c->leaf, c->subleaf);
	gd_size(out, size);
	sb_putc(out, '\n');
}

static void record(struct strbuf *out, const unsigned char *p, size_t n,
		   size_t i, unsigned char *done)
{
	struct cpuid_rec c;
	unsigned taken;

	rec_read(p + CPUID_RECORD * i, &c);
	taken = strings_of(out, &c) | brand(out, &c, p, n, done);
	for (int reg = EAX; reg <= EDX; reg++) {
		if (taken & 1u << reg)
			continue;
		if (!feature_word(out, &c, reg) && !field_reg(out, &c, reg))
			sb_printf(out, "0x%08x.%u %s = 0x%08x\n", c.leaf,
				  c.subleaf, reg_names[reg], c.r[reg]);
	}
	cache_size(out, &c);
}

void guest_decode_cpuid(const unsigned char *p, size_t len, struct strbuf *out)
{
	size_t n = len / CPUID_RECORD;
	unsigned char *done = xcalloc(n ? n : 1, 1);

	for (size_t i = 0; i < n; i++)
		if (!done[i])
			record(out, p, n, i, done);
	if (len % CPUID_RECORD)
		sb_printf(out,
			  "stopped at byte %zu: %zu bytes left over, not a "
			  "whole %d-byte record\n",
			  n * CPUID_RECORD, len % CPUID_RECORD, CPUID_RECORD);
	free(done);
}

/* ---- The local APIC ---- */

static const struct gd_field lapic_id_f[] = { GD_V(24, 8, GD_DEC, "id") };
static const struct gd_field lapic_ver_f[] = {
	GD_V(0, 8, GD_HEX, "version"),
	GD_V(16, 8, GD_DEC, "max-lvt-entry"),
	GD_F(24, "eoi-broadcast-suppression"),
};
static const struct {
	const char *name;
	const struct gd_field *f;
	size_t nf;
} lapic_regs[] = {
	{ "id register", lapic_id_f, ARRAY_SIZE(lapic_id_f) },
	{ "version register", lapic_ver_f, ARRAY_SIZE(lapic_ver_f) },
};

void guest_decode_lapic(const unsigned char *p, size_t len, struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(lapic_regs); i++) {
		uint32_t v;

		if (len < 4 * (i + 1)) {
			sb_printf(out,
				  "stopped at byte %zu: the %s needs 4 bytes, "
				  "the item has %zu\n",
				  4 * i, lapic_regs[i].name, len);
			return;
		}
		v = gd_le32(p + 4 * i);
		sb_printf(out, "%s = ", lapic_regs[i].name);
		gd_value(out, v, 8, lapic_regs[i].f, lapic_regs[i].nf);
	}
	if (len > 8)
		sb_printf(out,
			  "stopped at byte 8: %zu bytes more than the two "
			  "registers\n",
			  len - 8);
}
