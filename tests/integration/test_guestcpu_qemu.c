/*
 * The boot sector's view (matrix/guestcpu.c) of Debian's real QEMU 7.2,
 * started as the guest-view probe starts it (guest_args() of matrix/guestprobe.h), on new
 * and old machine types (pc-i440fx-1.4 is the oldest this binary has).
 * What the guest executed must agree with what QEMU says of the same
 * CPU over QMP (qom-get on the CPU of query-cpus-fast): leaf 0's maximum
 * and vendor (qemu64 under TCG: AuthenticAMD), leaf 1's family, model,
 * stepping and APIC ID, 0x80000000's maximum, the brand string of
 * 0x80000002-4 (QEMU's model-id). The local APIC is QEMU's with that
 * APIC ID and its lapic object's version (0x14 on 7.2 machine types,
 * 0x11 on pc-i440fx-2.0 and older); the e820 map has usable memory at 0
 * and RAM to 128 MiB less what SeaBIOS reserves at the top, as QEMU's
 * own map (fw_cfg etc/e820) has it. The records are those the walk's
 * rules ask for (tests/cpuidwalk.h; the old machine types' legacy cache
 * leaf 4 has several subleaves). Two runs give the same bytes. SeaBIOS boots
 * the disk without a bootindex, so fw_cfg's directory is the ABI probe's
 * (null-co disk) byte for byte; a disk it cannot boot gives an error
 * that says so.
 */
#include "guestqemu.h"
#include "cpuidwalk.h"
#include "guestprobe.h"
#include "guestview.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
#define MIB (1024ull * 1024)


static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void start(struct qtest *t, const char *machine, const char *img)
{
	gq_start(t, QEMU, machine, img);
}

/* The boot sector's items, then the rest, as the guest-view probe does. */
static void read_view(struct qtest *t, const char *machine, struct guestview *gv)
{
	guestview_init(gv);
	gq_read_view(t, machine, gv);
}

/* The record of leaf/subleaf in cpu/cpuid, or fail. */
static const unsigned char *leaf(const char *machine, const struct gv_item *c,
				 uint32_t l, uint32_t sub)
{
	for (size_t off = 0; off + 24 <= c->len; off += 24)
		if (le32(c->data + off) == l && le32(c->data + off + 4) == sub)
			return c->data + off + 8; /* eax ebx ecx edx */
	fail_msg("%s: no CPUID leaf 0x%x subleaf %u", machine, l, sub);
	return NULL;
}

/* What QEMU says of the guest's CPU (QOM), read before QEMU is stopped. */
struct qom_cpu {
	char *vendor, *model_id;
	long long level, xlevel, family, model, stepping, apic_id, lapic_version;
};

/*
 * qom-get of a property of the CPU at path, or of its child below (NULL:
 * the CPU itself): a string into *s (malloc'd) or a number into *num.
 * 0, or -1 with why.
 */
static int qom_get(struct qtest *t, const char *cpu, const char *below,
		   const char *prop, char **s, long long *num, struct strbuf *why)
{
	json_object *args = json_object_new_object(), *v = NULL;
	struct strbuf path = STRBUF_INIT;
	struct qmp_error err;
	int ret = -1;

	sb_printf(&path, "%s%s%s", cpu, below ? "/" : "", below ? below : "");
	json_object_object_add(args, "path", json_object_new_string(path.buf));
	json_object_object_add(args, "property", json_object_new_string(prop));
	if (qmp_call(&t->proc.qmp, "qom-get", args, &v, &err)) {
		sb_printf(why, "qom-get %s %s failed", path.buf, prop);
	} else if (s && json_object_is_type(v, json_type_string)) {
		*s = xstrdup(json_object_get_string(v));
		ret = 0;
	} else if (num && json_object_is_type(v, json_type_int)) {
		*num = json_object_get_int64(v);
		ret = 0;
	} else {
		sb_printf(why, "qom-get %s %s: unexpected type", path.buf, prop);
	}
	json_object_put(v);
	strbuf_release(&path);
	return ret;
}

static const struct {
	const char *below, *prop;
	size_t str, num; /* offsets into struct qom_cpu; (size_t)-1: none */
} qom_props[] = {
#define QS(f) offsetof(struct qom_cpu, f), (size_t)-1
#define QN(f) (size_t)-1, offsetof(struct qom_cpu, f)
	{ NULL, "vendor", QS(vendor) },	    { NULL, "model-id", QS(model_id) },
	{ NULL, "level", QN(level) },	    { NULL, "xlevel", QN(xlevel) },
	{ NULL, "family", QN(family) },	    { NULL, "model", QN(model) },
	{ NULL, "stepping", QN(stepping) }, { NULL, "apic-id", QN(apic_id) },
	{ "lapic", "version", QN(lapic_version) },
#undef QS
#undef QN
};

/* The first CPU's properties into q: 0, or -1 with why. */
static int qom_cpu_read(struct qtest *t, struct qom_cpu *q, struct strbuf *why)
{
	json_object *cpus = NULL;
	struct qmp_error err;
	const char *cpu;
	int ret = 0;

	memset(q, 0, sizeof(*q));
	if (qmp_call(&t->proc.qmp, "query-cpus-fast", NULL, &cpus, &err) ||
	    !(cpu = qmp_get_string(json_object_array_get_idx(cpus, 0), "qom-path"))) {
		sb_puts(why, "query-cpus-fast gave no CPU");
		json_object_put(cpus);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(qom_props) && !ret; i++) {
		char *base = (char *)q;

		ret = qom_get(t, cpu, qom_props[i].below, qom_props[i].prop,
			      qom_props[i].str != (size_t)-1
				      ? (char **)(base + qom_props[i].str) : NULL,
			      qom_props[i].num != (size_t)-1
				      ? (long long *)(base + qom_props[i].num) : NULL,
			      why);
	}
	json_object_put(cpus);
	return ret;
}

static void qom_cpu_release(struct qom_cpu *q)
{
	free(q->vendor);
	free(q->model_id);
}

/* A value the guest saw against QEMU's; the message names both. */
static void expect(const char *machine, const char *what, long long got,
		   long long want)
{
	if (got != want)
		fail_msg("%s: %s is 0x%llx in the guest, QEMU says 0x%llx",
			 machine, what, got, want);
}

static void expect_str(const char *machine, const char *what, const char *got,
		       const char *want)
{
	if (!want || strcmp(got, want))
		fail_msg("%s: %s is '%s' in the guest, expected '%s'", machine,
			 what, got, want ? want : "(nothing)");
}

/* CPUID against QOM: vendor, levels, signature, brand, APIC ID. */
static void check_cpuid(const char *machine, const struct guestview *gv,
			const struct qom_cpu *q)
{
	const struct gv_item *c = guestview_find(gv, "cpu/cpuid");
	const unsigned char *l0, *l1, *e0;
	char vendor[13], brand[49];
	uint32_t eax, fam, model;

	if (!c || !c->len || c->len % 24)
		fail_msg("%s: cpu/cpuid is not 24-byte records", machine);
	l0 = leaf(machine, c, 0, 0);
	memcpy(vendor, l0 + 4, 4);	/* EBX EDX ECX */
	memcpy(vendor + 4, l0 + 12, 4);
	memcpy(vendor + 8, l0 + 8, 4);
	vendor[12] = '\0';
	expect_str(machine, "the vendor", vendor, "AuthenticAMD"); /* qemu64, TCG */
	expect_str(machine, "the vendor", vendor, q->vendor);
	expect(machine, "leaf 0's EAX", le32(l0), q->level);
	l1 = leaf(machine, c, 1, 0);
	eax = le32(l1);
	fam = (eax >> 8) & 0xf;
	model = (eax >> 4) & 0xf;
	if (fam == 0xf || fam == 0x6)
		model |= ((eax >> 16) & 0xf) << 4;
	if (fam == 0xf)
		fam += (eax >> 20) & 0xff;
	expect(machine, "the family", fam, q->family);
	expect(machine, "the model", model, q->model);
	expect(machine, "the stepping", eax & 0xf, q->stepping);
	expect(machine, "leaf 1's APIC ID", le32(l1 + 4) >> 24, q->apic_id);
	e0 = leaf(machine, c, 0x80000000, 0);
	expect(machine, "leaf 0x80000000's EAX", le32(e0), q->xlevel);
	for (uint32_t i = 0; i < 3; i++)
		memcpy(brand + 16 * i, leaf(machine, c, 0x80000002 + i, 0), 16);
	brand[48] = '\0';
	assert_contains(brand, "QEMU Virtual CPU version ", machine);
	expect_str(machine, "the brand string", brand, q->model_id);
}

/*
 * QEMU's APIC: the version its lapic object has (0x14 on the 7.2
 * machine types; 0x11 where a compat property keeps the old one), the
 * APIC ID QOM has in bits 31:24.
 */
static void check_lapic(const char *machine, const struct guestview *gv,
			const struct qom_cpu *q)
{
	const struct gv_item *a = guestview_find(gv, "cpu/lapic");

	if (!a || a->len != 8)
		fail_msg("%s: no 8-byte cpu/lapic", machine);
	if ((le32(a->data + 4) & 0xff) != q->lapic_version ||
	    (strstr(machine, "-7.2") && q->lapic_version != 0x14))
		fail_msg("%s: local APIC version register 0x%x, QOM's version 0x%llx",
			 machine, le32(a->data + 4), q->lapic_version);
	expect(machine, "the APIC ID register's ID", le32(a->data) >> 24, q->apic_id);
}

/*
 * Usable memory at 0 and from 1 MiB to where SeaBIOS's reservation at
 * the top of RAM starts; QEMU's own map (etc/e820, 20-byte entries)
 * ends its RAM at 128 MiB, where that reservation ends.
 */
static void check_e820(const char *machine, const struct guestview *gv)
{
	const struct gv_item *e = guestview_find(gv, "firmware/e820"),
			     *q = guestview_find(gv, "fw_cfg/etc/e820");
	uint64_t top = 0, reserved_to = 0, qemu_ram = 0;

	if (!e || !e->len || e->len % 24 || !q || q->len % 20)
		fail_msg("%s: no e820 items", machine);
	for (size_t off = 0; off < q->len; off += 20)
		if (le32(q->data + off + 16) == 1)
			qemu_ram = le64(q->data + off) + le64(q->data + off + 8);
	if (qemu_ram != 128 * MIB)
		fail_msg("%s: QEMU's e820 has RAM to 0x%llx", machine,
			 (unsigned long long)qemu_ram);
	if (le64(e->data) || le32(e->data + 16) != 1 || le64(e->data + 8) < 0x9f000)
		fail_msg("%s: the first e820 entry is not usable memory at 0",
			 machine);
	for (size_t off = 0; off < e->len; off += 24) {
		uint64_t base = le64(e->data + off), end = base + le64(e->data + off + 8);

		if (le32(e->data + off + 16) == 1 && base == MIB)
			top = end;
		if (le32(e->data + off + 16) == 2 && top && base == top)
			reserved_to = end;
		/* What SeaBIOS does not write keeps the 1 set before the call. */
		if (le32(e->data + off + 20) != 1)
			fail_msg("%s: e820 entry %zu has extended attributes 0x%x",
				 machine, off / 24, le32(e->data + off + 20));
	}
	if (top <= 120 * MIB || top > 128 * MIB || reserved_to != 128 * MIB)
		fail_msg("%s: usable RAM from 1 MiB to 0x%llx, then reserved to "
			 "0x%llx", machine, (unsigned long long)top,
			 (unsigned long long)reserved_to);
}

static int same_item(const struct guestview *a, const struct guestview *b,
		     const char *name)
{
	const struct gv_item *x = guestview_find(a, name), *y = guestview_find(b, name);

	return x && y && x->len == y->len && !memcmp(x->data, y->data, x->len);
}

static const char *const machines[] = {
	"pc-q35-7.2", "pc-i440fx-7.2", "pc-q35-2.4", "pc-i440fx-2.0",
	"pc-i440fx-1.4",
};

static void test_cpu_view(void **state)
{
	static const char *const items[] = { "cpu/cpuid", "cpu/lapic",
					     "firmware/e820" };
	int leaf4_subleaves = 0;

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(machines); m++) {
		struct qtest t;
		struct guestview a, b;
		struct qom_cpu q;
		struct strbuf why = STRBUF_INIT;

		start(&t, machines[m], gq_image);
		read_view(&t, machines[m], &a);
		if (qom_cpu_read(&t, &q, &why)) {
			qtest_stop(&t);
			fail_msg("%s: %s", machines[m], why.buf);
		}
		qtest_stop(&t);
		check_cpuid(machines[m], &a, &q);
		tu_cpuid_walk_check(machines[m], guestview_find(&a, "cpu/cpuid"));
		if (tu_cpuid_answer(guestview_find(&a, "cpu/cpuid"), 4, 1))
			leaf4_subleaves = 1;
		check_lapic(machines[m], &a, &q);
		check_e820(machines[m], &a);
		qom_cpu_release(&q);
		strbuf_release(&why);
		start(&t, machines[m], gq_image);
		read_view(&t, machines[m], &b);
		qtest_stop(&t);
		for (size_t i = 0; i < ARRAY_SIZE(items); i++)
			if (!same_item(&a, &b, items[i]))
				fail_msg("%s: '%s' differs between two runs",
					 machines[m], items[i]);
		guestview_release(&a);
		guestview_release(&b);
	}
	if (!leaf4_subleaves)
		fail_msg("no machine type gave leaf 4 a subleaf 1: the walk's "
			 "cache type rule went untried");
}

/* The size fw_cfg's directory gives the file name, or -1. */
static long fwcfg_size(const struct guestview *gv, const char *name)
{
	const struct gv_item *d = guestview_find(gv, "fw_cfg/dir");
	struct gv_fwcfg_file *f = NULL;
	size_t n = 0;
	long size = -1;

	if (!d || gv_fwcfg_dir_parse(d->data, d->len, &f, &n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			size = f[i].size;
	free(f);
	return size;
}

/*
 * No bootindex: the fw_cfg directory with the boot disk is the one of the
 * ABI probe's machine (a null-co disk), "bootorder" empty in both.
 */
static void test_boot_order(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		struct qtest t;
		struct guestview boot, abi;

		start(&t, machines[m], gq_image);
		read_view(&t, machines[m], &boot);
		qtest_stop(&t);
		guestview_init(&abi);
		start(&t, machines[m], NULL);
		if (guestview_read(&t, machines[m], 60, &abi)) {
			qtest_stop(&t);
			fail_msg("%s: cannot read the null-co view", machines[m]);
		}
		qtest_stop(&t);
		assert_int_equal(fwcfg_size(&boot, "bootorder"), 0);
		if (!same_item(&boot, &abi, "fw_cfg/dir"))
			fail_msg("%s: the boot disk changes fw_cfg's directory",
				 machines[m]);
		guestview_release(&boot);
		guestview_release(&abi);
	}
}

/* A disk SeaBIOS cannot boot: the error says what was and was not seen. */
static void test_not_booted(void **state)
{
	struct qtest t;
	struct guestview gv;
	char *msg;
	int rc;

	(void)state;
	guestview_init(&gv);
	start(&t, "pc-i440fx-7.2", NULL);
	tu_capture_begin();
	rc = guestview_read_cpu(&t, "pc-i440fx-7.2", 1, &gv);
	msg = tu_capture_end();
	qtest_stop(&t);
	assert_int_equal(rc, -1);
	assert_contains(msg, "guest view of 'pc-i440fx-7.2' on '" QEMU "': no boot "
			"sector results at 0x20000 after 1.0s (", "not booted");
	assert_contains(msg, "polls; no results header): no boot sector at "
			"0x7c00: did SeaBIOS boot the disk?", "not booted");
	assert_int_equal(gv.nr, 0);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_view),
		cmocka_unit_test(test_boot_order),
		cmocka_unit_test(test_not_booted),
	};

	if (access(QEMU, X_OK))
		return 0;
	return cmocka_run_group_tests(tests, gq_setup, gq_teardown);
}
