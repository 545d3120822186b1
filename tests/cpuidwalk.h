#ifndef TESTS_CPUIDWALK_H
#define TESTS_CPUIDWALK_H

/*
 * The CPUID walk of the guest-view boot sector (matrix/guestcpu-boot.S)
 * restated for the tests, from its specification rather than its code:
 * given the answers a cpu/cpuid item holds, the leaves and subleaves it
 * must hold, in order. test_guestcpu runs it on the recorded view,
 * test_guestcpu_qemu on every machine type it boots.
 */

#include "testutil.h"
#include "guestview.h"
#include "guestcpu-layout.h"

static inline uint32_t tu_cpuid_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The recorded answer to leaf/subleaf (eax ebx ecx edx), or NULL. */
static inline const unsigned char *tu_cpuid_answer(const struct gv_item *c,
						   uint32_t l, uint32_t sub)
{
	for (size_t off = 0; off + 24 <= c->len; off += 24)
		if (tu_cpuid_le32(c->data + off) == l &&
		    tu_cpuid_le32(c->data + off + 4) == sub)
			return c->data + off + 8;
	return NULL;
}

/* How far a leaf's subleaves go (TU_ONLY0 for a leaf not listed). */
enum tu_cpuid_stop { TU_ONLY0, TU_CACHE, TU_LEVEL, TU_FIXED, TU_EAX0 };
static const struct {
	uint32_t leaf;
	enum tu_cpuid_stop stop;
	uint32_t bound;
} tu_cpuid_rules[] = {
	{ 4, TU_CACHE, 15 },	/* until the cache type EAX[4:0] is 0 */
	{ 7, TU_EAX0, 15 },	/* up to subleaf 0's EAX */
	{ 0xb, TU_LEVEL, 15 },	/* until the level type ECX[15:8] is 0 */
	{ 0xd, TU_FIXED, 63 },
	{ 0xf, TU_FIXED, 3 },
	{ 0x10, TU_FIXED, 3 },
	{ 0x12, TU_FIXED, 3 },
	{ 0x14, TU_EAX0, 15 },
	{ 0x17, TU_EAX0, 15 },
	{ 0x18, TU_EAX0, 31 },
	{ 0x1d, TU_EAX0, 15 },
	{ 0x1e, TU_EAX0, 15 },
	{ 0x1f, TU_LEVEL, 15 },
	{ 0x24, TU_EAX0, 15 },
	{ 0x8000001d, TU_CACHE, 15 },
};

/* Appends to want the (leaf, subleaf) pairs the walk of leaf l records. */
static inline void tu_cpuid_walk_leaf(const char *who, const struct gv_item *c,
				      uint32_t l, uint32_t *want, size_t *n)
{
	enum tu_cpuid_stop stop = TU_ONLY0;
	uint32_t limit = 0, sub = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tu_cpuid_rules); i++)
		if (tu_cpuid_rules[i].leaf == l) {
			stop = tu_cpuid_rules[i].stop;
			limit = tu_cpuid_rules[i].bound;
		}
	for (;;) {
		const unsigned char *a = tu_cpuid_answer(c, l, sub);

		want[2 * *n] = l;
		want[2 * *n + 1] = sub;
		(*n)++;
		if (!a)
			fail_msg("%s: CPUID leaf 0x%x subleaf %u is not recorded",
				 who, l, sub);
		if (stop == TU_ONLY0 || (stop == TU_CACHE && !(tu_cpuid_le32(a) & 0x1f)) ||
		    (stop == TU_LEVEL && !((tu_cpuid_le32(a + 8) >> 8) & 0xff)))
			break;
		if (stop == TU_EAX0 && !sub && tu_cpuid_le32(a) < limit)
			limit = tu_cpuid_le32(a);
		if (++sub > limit)
			break;
	}
}

/*
 * The records of c are exactly those the walk asks for: leaves 0 to
 * leaf 0's EAX, 0x40000000 to its EAX (when recorded: under TCG that
 * leaf answers with a basic leaf's values and is left out), 0x80000000
 * to its EAX, each range at most to its bound, subleaves by the rules.
 */
static inline void tu_cpuid_walk_check(const char *who, const struct gv_item *c)
{
	static const uint32_t base[] = { 0, GC_HYPER_BASE, GC_EXT_BASE };
	static const uint32_t max[] = { GC_BASIC_MAX, GC_HYPER_MAX, GC_EXT_MAX };
	uint32_t *want = xcalloc(2 * GC_CPUID_MAX, sizeof(*want));
	size_t n = 0;

	for (size_t r = 0; r < ARRAY_SIZE(base); r++) {
		const unsigned char *first = tu_cpuid_answer(c, base[r], 0);
		uint32_t last;

		if (!first && base[r] == GC_HYPER_BASE)
			continue;
		if (!first)
			fail_msg("%s: no CPUID leaf 0x%x", who, base[r]);
		last = tu_cpuid_le32(first) > max[r] ? max[r] : tu_cpuid_le32(first);
		for (uint32_t l = base[r]; l <= last && n < GC_CPUID_MAX / 2; l++)
			tu_cpuid_walk_leaf(who, c, l, want, &n);
	}
	if (c->len != 24 * n)
		fail_msg("%s: %zu CPUID records, the walk asks for %zu", who,
			 c->len / 24, n);
	for (size_t i = 0; i < n; i++)
		if (tu_cpuid_le32(c->data + 24 * i) != want[2 * i] ||
		    tu_cpuid_le32(c->data + 24 * i + 4) != want[2 * i + 1])
			fail_msg("%s: CPUID record %zu is leaf 0x%x subleaf %u, the "
				 "walk asks for 0x%x subleaf %u", who, i,
				 tu_cpuid_le32(c->data + 24 * i),
				 tu_cpuid_le32(c->data + 24 * i + 4), want[2 * i],
				 want[2 * i + 1]);
	free(want);
}

#endif
