/*
 * The guest-view boot sector's results (matrix/guestcpu.c) on crafted
 * results areas laid out as matrix/guestcpu-layout.h says: a good area
 * gives its items byte for byte; an area without its magic or done flag
 * is "not yet"; a truncated one, counts out of their bounds, a first
 * record that is not leaf 0, a leaf range cut at its bound, or an e820
 * map that does not call the area usable are refused, each with its
 * reason. The CPUID records of a real run (the recorded guest view of
 * pc-q35-7.2, tests/data/guestview/) must be exactly the leaves and
 * subleaves the walk's rules ask for, given the answers recorded. And
 * the embedded image: 512 bytes ending in 0x55AA, written as a 1 MiB
 * disk.
 */
#include "testutil.h"
#include "cpuidwalk.h"
#include "guestview.h"
#include "guestcpu-layout.h"

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* What QEMU's SeaBIOS gives a 128 MiB q35 guest (the first three). */
static const struct {
	uint64_t base, len;
	uint32_t type;
} e820[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0x7edd000, 1 },
};

/* Leaf 0 (max 1), leaf 1, 0x80000000 (max 0x80000001), 0x80000001. */
static const uint32_t recs[][6] = {
	{ 0, 0, 1, 0x68747541, 0x444d4163, 0x69746e65 },
	{ 1, 0, 0x663, 0x800, 0x80002001, 0x78bfbfd },
	{ 0x80000000, 0, 0x80000001, 0x68747541, 0x444d4163, 0x69746e65 },
	{ 0x80000001, 0, 0x663, 0, 0x1, 0x2191abfd },
};

/* A good, complete results area (GC_AREA_LEN bytes, caller frees). */
static unsigned char *good_area(void)
{
	unsigned char *a = xcalloc(GC_AREA_LEN, 1);

	memcpy(a, "VMXCPU01", 8);
	put16(a + GC_HDR_E820_N, ARRAY_SIZE(e820));
	put16(a + GC_HDR_CPUID_N, ARRAY_SIZE(recs));
	put32(a + GC_HDR_LAPIC_ID, 0x01000000);
	put32(a + GC_HDR_LAPIC_VER, 0x50014);
	put32(a + GC_HDR_DONE, GC_DONE);
	for (size_t i = 0; i < ARRAY_SIZE(e820); i++) {
		unsigned char *e = a + GC_E820_OFF + GC_E820_SIZE * i;

		put64(e, e820[i].base);
		put64(e + 8, e820[i].len);
		put32(e + 16, e820[i].type);
		put32(e + 20, 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++)
		for (int r = 0; r < 6; r++)
			put32(a + GC_CPUID_OFF + GC_CPUID_SIZE * i + 4 * r, recs[i][r]);
	return a;
}

static void test_good_area(void **state)
{
	unsigned char *a = good_area();
	size_t need = GC_CPUID_OFF + GC_CPUID_SIZE * ARRAY_SIZE(recs);
	struct strbuf why = STRBUF_INIT;
	struct gc_results r;
	struct guestview gv;
	const struct gv_item *it;

	(void)state;
	/* The header alone says how much to read. */
	assert_int_equal(guestcpu_header(a, GC_HDR_LEN, &r, &why), 0);
	assert_int_equal(r.need, need);
	assert_int_equal(guestcpu_parse(a, need, &r, &why), 0);
	assert_int_equal(r.e820_n, 3);
	assert_int_equal(r.cpuid_n, 4);
	assert_int_equal(r.lapic_id, 0x01000000);
	assert_int_equal(r.lapic_version, 0x50014);
	guestview_init(&gv);
	guestcpu_add_items(&r, &gv);
	assert_int_equal(gv.nr, 3);
	it = guestview_find(&gv, "cpu/cpuid");
	assert_non_null(it);
	assert_int_equal(it->len, 4 * GC_CPUID_SIZE);
	assert_memory_equal(it->data, a + GC_CPUID_OFF, it->len);
	assert_memory_equal(it->data + 12, "AuthenticAMD", 4); /* EBX of leaf 0 */
	it = guestview_find(&gv, "cpu/lapic");
	assert_non_null(it);
	assert_memory_equal(it->data, "\x00\x00\x00\x01\x14\x00\x05\x00", 8);
	it = guestview_find(&gv, "firmware/e820");
	assert_non_null(it);
	assert_int_equal(it->len, 3 * GC_E820_SIZE);
	assert_memory_equal(it->data, a + GC_E820_OFF, it->len);
	assert_int_equal(it->data[GC_E820_SIZE + 16], 2);
	guestview_release(&gv);
	strbuf_release(&why);
	free(a);
}

/* One change to a good area, and what parsing it must say. */
struct bad_case {
	const char *name;
	size_t off;	 /* where to write (if len) */
	unsigned char bytes[8];
	size_t len;
	size_t cut;	 /* bytes to drop from what the counts need */
	int rc;		 /* 1: not yet, -1: refused */
	const char *why; /* what the reason must say */
};

#define U16(v) { (v) & 0xff, (v) >> 8 }
#define U32(v) { (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, (v) >> 24 }

static const struct bad_case bad[] = {
	{ "no magic", 0, "VMXCPU00", 8, 0, 1, "no results header" },
	{ "magic of zeroes", 0, { 0 }, 8, 0, 1, "no results header" },
	{ "no done flag", GC_HDR_DONE, "DONF", 4, 0, 1,
	  "a results header without its done flag" },
	{ "truncated", 0, { 0 }, 0, 1, -1,
	  "results of 4191 bytes where the counts need 4192" },
	{ "no e820 entries", GC_HDR_E820_N, U16(0), 2, 0, -1,
	  "the firmware's INT 15h E820 gave no entries" },
	{ "e820 count at its bound", GC_HDR_E820_N, U16(GC_E820_MAX), 2, 0, -1,
	  "128 e820 entries, the bound is 127: the map may have been cut short" },
	{ "e820 count beyond its bound", GC_HDR_E820_N, U16(0xffff), 2, 0, -1,
	  "65535 e820 entries" },
	{ "no CPUID records", GC_HDR_CPUID_N, U16(0), 2, 0, -1, "no CPUID records" },
	{ "CPUID count at its bound", GC_HDR_CPUID_N, U16(GC_CPUID_MAX), 2, 0, -1,
	  "1024 CPUID records, the bound is 1023: cut short" },
	{ "CPUID count beyond its bound", GC_HDR_CPUID_N, U16(40000), 2, 0, -1,
	  "40000 CPUID records" },
	{ "first record not leaf 0", GC_CPUID_OFF, U32(1), 4, 0, -1,
	  "a first CPUID record of leaf 0x1 subleaf 0, not leaf 0" },
	{ "leaf 0 beyond its bound", GC_CPUID_OFF + 8, U32(0x40), 4, 0, -1,
	  "CPUID leaf 0x0 reports leaves up to 0x40, beyond the bound 0x3f" },
	{ "leaf 0x80000000 beyond its bound", GC_CPUID_OFF + 2 * GC_CPUID_SIZE + 8,
	  U32(0x80000041), 4, 0, -1,
	  "CPUID leaf 0x80000000 reports leaves up to 0x80000041, beyond the "
	  "bound 0x80000040" },
	{ "hypervisor leaf beyond its bound", GC_CPUID_OFF + 2 * GC_CPUID_SIZE,
	  U32(0x40000000), 4, 0, -1,
	  "CPUID leaf 0x40000000 reports leaves up to 0x80000001, beyond the "
	  "bound 0x400000ff" },
	{ "results area reserved", GC_E820_OFF + 16, U32(2), 4, 0, -1,
	  "the results area 0x20000-0x2ffff is not in memory the firmware's "
	  "e820 map calls usable" },
	{ "usable memory ends inside the area", GC_E820_OFF + 8, U32(0x2ffff), 4,
	  0, -1, "is not in memory the firmware's e820 map calls usable" },
};

static void test_bad_areas(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(bad); c++) {
		const struct bad_case *k = &bad[c];
		unsigned char *a = good_area();
		size_t need = GC_CPUID_OFF + GC_CPUID_SIZE * ARRAY_SIZE(recs);
		struct strbuf why = STRBUF_INIT;
		struct gc_results r;
		int rc;

		memcpy(a + k->off, k->bytes, k->len);
		rc = guestcpu_parse(a, need - k->cut, &r, &why);
		if (rc != k->rc)
			fail_msg("%s: %d, expected %d (%s)", k->name, rc, k->rc, why.buf);
		assert_contains(why.buf, k->why, k->name);
		strbuf_release(&why);
		free(a);
	}
}

/* A header read cut short is refused, whatever it holds. */
static void test_short_header(void **state)
{
	unsigned char *a = good_area();
	struct strbuf why = STRBUF_INIT;
	struct gc_results r;

	(void)state;
	assert_int_equal(guestcpu_header(a, GC_HDR_LEN - 1, &r, &why), -1);
	assert_string_equal(why.buf, "a results header of 31 bytes, not 32");
	strbuf_release(&why);
	free(a);
}

static void test_image(void **state)
{
	const unsigned char *boot = guestcpu_boot_sector();
	char *dir = tu_tmpdir("guestcpu"), *path = tu_path(dir, "boot.img");
	struct strbuf img = STRBUF_INIT;
	char *msg;

	(void)state;
	assert_int_equal(boot[510], 0x55);
	assert_int_equal(boot[511], 0xaa);
	/* Code, not zeroes: it starts with cli (0xfa). */
	assert_int_equal(boot[0], 0xfa);
	assert_int_equal(guestcpu_write_image(path), 0);
	assert_int_equal(read_regular_file(&img, path, 2 << 20), 0);
	assert_int_equal(img.len, 1 << 20);
	assert_memory_equal(img.buf, boot, GC_BOOT_LEN);
	for (size_t i = GC_BOOT_LEN; i < img.len; i++)
		if (img.buf[i])
			fail_msg("byte %zu of the image is not 0", i);
	strbuf_release(&img);
	free(path);
	/* A directory that is not there: reported. */
	path = tu_path(dir, "no/such/boot.img");
	tu_capture_begin();
	assert_int_equal(guestcpu_write_image(path), -1);
	msg = tu_capture_end();
	assert_contains(msg, "no/such/boot.img", "missing directory");
	free(msg);
	free(path);
	tu_rmdir(dir);
}

#define DUMP "tests/data/guestview/pc-q35-7.2.txt"

static void test_recorded_walk(void **state)
{
	char *text = tu_read(DUMP);
	struct guestview gv;
	const struct gv_item *c;

	(void)state;
	guestview_init(&gv);
	assert_int_equal(guestview_undump(text, DUMP, &gv), 0);
	c = guestview_find(&gv, "cpu/cpuid");
	assert_non_null(c);
	tu_cpuid_walk_check("pc-q35-7.2", c);
	/* qemu64's leaf 0xd: all 64 subleaves (TU_FIXED); 0xb to level type 0. */
	assert_non_null(tu_cpuid_answer(c, 0xd, 63));
	assert_null(tu_cpuid_answer(c, 0xd, 64));
	assert_non_null(tu_cpuid_answer(c, 0xb, 2));
	assert_null(tu_cpuid_answer(c, 0xb, 3));
	guestview_release(&gv);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_area),
		cmocka_unit_test(test_bad_areas),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_image),
		cmocka_unit_test(test_recorded_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
