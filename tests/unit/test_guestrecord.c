/*
 * The guest view in the store (matrix/guestrecord.c), the normalisation
 * of the machine type's own name (guestview_normalise_machine in
 * matrix/guestparse.c) and the argv of the guest view (guest_args in
 * matrix/guestprobe.c), on the real recorded raw view of pc-q35-7.2
 * (tests/data/guestview/pc-q35-7.2.txt, Debian's QEMU 7.2).
 */
#include "teststore.h"
#include "guestprobe.h"
#include "guestrecord.h"
#include "guestview.h"

#define DUMP "tests/data/guestview/pc-q35-7.2.txt"
#define MACHINE "pc-q35-7.2"

static void load_dump(struct guestview *gv)
{
	char *text = tu_read(DUMP);

	guestview_init(gv);
	assert_non_null(text);
	assert_int_equal(guestview_undump(text, DUMP, gv), 0);
	free(text);
}

/* The item's bytes contain needle (len bytes) this many times. */
static int count_bytes(const struct gv_item *it, const char *needle, size_t len)
{
	int n = 0;

	for (size_t i = 0; i + len <= it->len; i++)
		n += !memcmp(it->data + i, needle, len);
	return n;
}

static uint32_t dir_size(const struct gv_item *dir, const char *file)
{
	for (size_t off = 4; off + 64 <= dir->len; off += 64)
		if (!strcmp((const char *)dir->data + off + 8, file))
			return (uint32_t)dir->data[off] << 24 |
			       (uint32_t)dir->data[off + 1] << 16 |
			       (uint32_t)dir->data[off + 2] << 8 | dir->data[off + 3];
	fail_msg("no '%s' in fw_cfg's directory", file);
	return 0;
}

static void test_normalise_machine(void **state)
{
	struct guestview gv;
	const struct gv_item *table, *entry, *dir;
	uint32_t before;
	size_t old_len;

	(void)state;
	load_dump(&gv);
	assert_int_equal(guestview_normalise(&gv), 0);
	table = guestview_find(&gv, "smbios/table");
	dir = guestview_find(&gv, "fw_cfg/dir");
	/* types 1, 3 and 4 carry the name as their version string */
	assert_int_equal(count_bytes(table, MACHINE, sizeof(MACHINE)), 3);
	old_len = table->len;
	before = dir_size(dir, "etc/smbios/smbios-tables");

	assert_int_equal(guestview_normalise_machine(&gv, MACHINE), 0);
	table = guestview_find(&gv, "smbios/table");
	entry = guestview_find(&gv, "smbios/entry");
	dir = guestview_find(&gv, "fw_cfg/dir");
	assert_int_equal(count_bytes(table, MACHINE, sizeof(MACHINE) - 1), 0);
	assert_int_equal(count_bytes(table, "<machine>", sizeof("<machine>")), 3);
	/* "<machine>" is 9 bytes, "pc-q35-7.2" 10: 3 bytes fewer */
	assert_int_equal(table->len, old_len - 3);
	assert_int_equal(dir_size(dir, "etc/smbios/smbios-tables"), before - 3);
	/* the entry point's table length follows (SMBIOS 2.x: offset 22) */
	assert_memory_equal(entry->data, "_SM_", 4);
	assert_int_equal(entry->data[22] | entry->data[23] << 8, table->len);
	guestview_release(&gv);
}

/*
 * The same view as if its machine type had a longer name: once both are
 * normalised, nothing tells them apart.
 */
static void rename_strings(struct guestview *gv, const char *from, const char *to)
{
	struct gv_item *t = (struct gv_item *)guestview_find(gv, "smbios/table");
	struct gv_item *e = (struct gv_item *)guestview_find(gv, "smbios/entry");
	unsigned char *out = xmalloc(t->len * 2);
	size_t o = 0, i = 0, lf = strlen(from) + 1, lt = strlen(to) + 1;
	int hits = 0;

	while (i < t->len) {
		if (i + lf <= t->len && !memcmp(t->data + i, from, lf) && t->data[i - 1] == 0) {
			memcpy(out + o, to, lt);
			o += lt;
			i += lf;
			hits++;
			continue;
		}
		out[o++] = t->data[i++];
	}
	assert_int_equal(hits, 3);
	free(t->data);
	t->data = out;
	t->len = o;
	e->data[22] = (unsigned char)o;
	e->data[23] = (unsigned char)(o >> 8);
}

static void test_normalise_machine_longer_name(void **state)
{
	struct guestview a, b;
	const struct gv_item *ta, *tb;

	(void)state;
	load_dump(&a);
	load_dump(&b);
	rename_strings(&b, MACHINE, "pc-q35-10.20");
	assert_int_equal(guestview_normalise(&a) || guestview_normalise(&b), 0);
	assert_int_equal(guestview_normalise_machine(&a, MACHINE), 0);
	assert_int_equal(guestview_normalise_machine(&b, "pc-q35-10.20"), 0);
	ta = guestview_find(&a, "smbios/table");
	tb = guestview_find(&b, "smbios/table");
	assert_int_equal(ta->len, tb->len);
	assert_memory_equal(ta->data, tb->data, ta->len);
	assert_memory_equal(guestview_find(&a, "smbios/entry")->data,
			    guestview_find(&b, "smbios/entry")->data, 31);
	/* the fw_cfg directory is b's own: its size was not renamed above */
	guestview_release(&a);
	guestview_release(&b);
}

static void test_normalise_machine_malformed(void **state)
{
	struct guestview gv;
	static const unsigned char entry[31] = "_SM_";
	/* a structure whose strings never end */
	static const unsigned char table[] = { 1, 4, 0, 1, 'p', 'c', 0 };
	char *msg;

	(void)state;
	guestview_init(&gv);
	guestview_add(&gv, "smbios/entry", 0, entry, sizeof(entry));
	guestview_add(&gv, "smbios/table", 0, table, sizeof(table));
	tu_capture_begin();
	assert_int_equal(guestview_normalise_machine(&gv, "pc"), -1);
	msg = tu_capture_end();
	assert_contains(msg, "the SMBIOS table of 'pc' is malformed", "message");
	free(msg);
	guestview_release(&gv);
}

/*
 * A structure whose string set starts with a NUL but does not end there
 * (found by the fuzzer: its bytes up to the double NUL were dropped):
 * what is not a string equal to the name is kept byte for byte.
 */
static void test_normalise_machine_keeps_odd_strings(void **state)
{
	static const unsigned char entry[31] = "_SM_";
	static const unsigned char table[] = {
		1, 4, 0, 1, 0, 'x', 0, 0,	 /* "\0x\0\0" after the header */
		2, 4, 0, 2, 'p', 'c', 0, 'y', 0, 0, /* "pc", "y" */
		127, 4, 0, 3, 0, 0,
	};
	static const unsigned char want[] = {
		1, 4, 0, 1, 0, 'x', 0, 0,
		2, 4, 0, 2, '<', 'm', 'a', 'c', 'h', 'i', 'n', 'e', '>', 0, 'y', 0, 0,
		127, 4, 0, 3, 0, 0,
	};
	struct guestview gv;
	const struct gv_item *t;

	(void)state;
	guestview_init(&gv);
	guestview_add(&gv, "smbios/entry", 0, entry, sizeof(entry));
	guestview_add(&gv, "smbios/table", 0, table, sizeof(table));
	assert_int_equal(guestview_normalise_machine(&gv, "pc"), 0);
	t = guestview_find(&gv, "smbios/table");
	assert_int_equal(t->len, sizeof(want));
	assert_memory_equal(t->data, want, sizeof(want));
	/* the longest structure is the second: 4 + "<machine>\0y\0\0" */
	assert_int_equal(guestview_find(&gv, "smbios/entry")->data[8], 4 + 13);
	guestview_release(&gv);
}

static long long add_binary(struct store *st, const char *sha)
{
	struct strbuf sql = STRBUF_INIT;
	long long id;

	sb_printf(&sql,
		  "INSERT INTO binaries (sha256, version, status, probed_at)"
		  " VALUES ('%s', '7.2.0', 'complete', 'now')", sha);
	tu_exec(st, sql.buf);
	strbuf_release(&sql);
	id = sqlite3_last_insert_rowid(st->db);
	return id;
}

static void test_record_and_load(void **state)
{
	struct store st;
	char *dir, *err = NULL;
	struct guestview gv, back;
	char fp[SHA256_HEX_LEN + 1], *stored;
	struct guest_outcome v[2];
	size_t distinct = 9;
	long long id;

	(void)state;
	tu_store_tmp("guestrecord", &dir, &st);
	id = add_binary(&st, "aaa");
	load_dump(&gv);
	assert_int_equal(guestview_normalise(&gv), 0);
	assert_int_equal(guest_missing(&st, id), 1);
	v[0] = (struct guest_outcome){ MACHINE, &gv, NULL, 0.25 };
	v[1] = (struct guest_outcome){ "pc-q35-7.1", NULL, "QEMU did not start", 0.1 };
	assert_int_equal(guest_record(&st, id, v, 2, 1.5, &distinct), 0);
	assert_int_equal(distinct, 1);
	assert_int_equal(guest_missing(&st, id), 0);

	guestview_init(&back);
	assert_int_equal(guestview_load(&st, id, MACHINE, &back, &err), 0);
	assert_null(err);
	assert_int_equal(back.nr, gv.nr);
	for (size_t i = 0; i < gv.nr; i++) {
		assert_string_equal(back.items[i].name, gv.items[i].name);
		assert_int_equal(back.items[i].len, gv.items[i].len);
		assert_memory_equal(back.items[i].data, gv.items[i].data, gv.items[i].len);
	}
	guestview_fingerprint(&gv, fp);
	stored = tu_query1(&st, "SELECT fingerprint FROM machine_guest WHERE machine = '" MACHINE "'");
	assert_string_equal(stored, fp);
	free(stored);
	guestview_release(&back);

	/* the failed one: no view, its error */
	guestview_init(&back);
	assert_int_equal(guestview_load(&st, id, "pc-q35-7.1", &back, &err), 1);
	assert_string_equal(err, "QEMU did not start");
	free(err);
	assert_int_equal(guestview_load(&st, id, "pc-q35-9.9", &back, &err), 1);
	assert_null(err);
	assert_int_equal(back.nr, 0);

	/* an item shared by two machine types is stored once */
	v[1] = (struct guest_outcome){ "pc-q35-7.1", &gv, NULL, 0.2 };
	assert_int_equal(guest_record(&st, id, v, 2, 1.0, &distinct), 0);
	assert_int_equal(distinct, 1);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM machine_guest"), 2);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM guest_items"),
			 tu_query_int(&st, "SELECT count(DISTINCT sha256) FROM machine_guest_items"));
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM machine_guest_items"),
			 2 * (long long)gv.nr);

	/* a record of an older definition is to be taken again */
	tu_exec(&st, "UPDATE binaries SET guest_rev = NULL");
	assert_int_equal(guest_missing(&st, id), GUEST_REV > 1);
	guestview_release(&gv);
	tu_store_tmp_release(dir, &st);
}

static void test_fingerprint_by_name(void **state)
{
	struct guestview a, b;
	char fa[SHA256_HEX_LEN + 1], fb[SHA256_HEX_LEN + 1];

	(void)state;
	guestview_init(&a);
	guestview_init(&b);
	guestview_add(&a, "acpi/DSDT", 1, "x", 1);
	guestview_add(&a, "acpi/APIC", 2, "y", 1);
	guestview_add(&b, "acpi/APIC", 3, "y", 1);
	guestview_add(&b, "acpi/DSDT", 4, "x", 1);
	guestview_fingerprint(&a, fa);
	guestview_fingerprint(&b, fb);
	/* order read and addresses do not count; content does */
	assert_string_equal(fa, fb);
	b.items[0].data[0] = 'z';
	guestview_fingerprint(&b, fb);
	assert_string_not_equal(fa, fb);
	guestview_release(&a);
	guestview_release(&b);
}

static const struct args_case {
	const char *name, *machine, *devices, *image, *want;
} args_cases[] = {
	{ "q35, every device", "pc-q35-7.2", NULL, NULL,
	  "-m 128 -device pcie-root-port,id=rp0,chassis=1 -device virtio-net-pci,id=vnet0 "
	  "-device e1000e,id=nic0 -blockdev driver=null-co,node-name=disk0 "
	  "-device virtio-blk-pci,drive=disk0,id=blk0 "
	  "-fsdev local,id=fs0,path=/,security_model=none "
	  "-device virtio-9p-pci,fsdev=fs0,mount_tag=host,id=p9" },
	{ "i440fx: no root port", "pc-i440fx-7.2", NULL, NULL,
	  "-m 128 -device virtio-net-pci,id=vnet0 -device e1000e,id=nic0 "
	  "-blockdev driver=null-co,node-name=disk0 -device virtio-blk-pci,drive=disk0,id=blk0 "
	  "-fsdev local,id=fs0,path=/,security_model=none "
	  "-device virtio-9p-pci,fsdev=fs0,mount_tag=host,id=p9" },
	{ "the ABI probe's devices, the boot image", "pc-i440fx-1.4",
	  "virtio-net-pci virtio-blk-pci", "/tmp/a,b/boot.img",
	  "-m 128 -device virtio-net-pci,id=vnet0 "
	  "-blockdev driver=file,filename=/tmp/a,,b/boot.img,node-name=disk0,read-only=on "
	  "-device virtio-blk-pci,drive=disk0,id=blk0" },
	{ "a name is a whole word", "pc-q35-7.2", "e1000", NULL, "-m 128" },
};

static void test_guest_args(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(args_cases); c++) {
		const struct args_case *k = &args_cases[c];
		struct strvec v = STRVEC_INIT;
		struct strbuf s = STRBUF_INIT;

		guest_args(k->machine, k->devices, k->image, &v);
		for (size_t i = 0; i < v.nr; i++)
			sb_printf(&s, "%s%s", i ? " " : "", v.v[i]);
		if (strcmp(s.buf, k->want))
			fail_msg("%s:\n got  %s\n want %s", k->name, s.buf, k->want);
		strvec_clear(&v);
		strbuf_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_machine),
		cmocka_unit_test(test_normalise_machine_longer_name),
		cmocka_unit_test(test_normalise_machine_malformed),
		cmocka_unit_test(test_normalise_machine_keeps_odd_strings),
		cmocka_unit_test(test_record_and_load),
		cmocka_unit_test(test_fingerprint_by_name),
		cmocka_unit_test(test_guest_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
