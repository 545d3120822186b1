/*
 * "virt-matrix show guest" (matrix/showguest.c) on a temporary store
 * holding the real recorded guest view of pc-q35-7.2
 * (tests/data/guestview/), written by guest_record() as the probe writes
 * it: the summary, --table (ACPI disassembled by iasl, PCI decoded), the
 * JSON form parsed back, and every error a user can meet, through
 * cmd_show itself (install, probe record, guest view, machine type,
 * --table).
 */
#include <json-c/json.h>

#include "testguest.h"
#include "installs.h"
#include "probe.h"
#include "show.h"

static char *dir;
static struct store st;
static struct guestview real;
static char real_fp[SHA256_HEX_LEN + 1];

/*
 * QEMU 7.2.0 (binary 1): pc-q35-7.2 and pc-q35-7.1 with the recorded
 * view, pc-q35-2.4 failed. QEMU 10.0.2 (binary 2): probed, its guest
 * view never taken.
 */
static int setup(void **state)
{
	struct guest_outcome v[] = {
		{ "pc-q35-7.2", &real, NULL, 1.25 },
		{ "pc-q35-2.4", NULL, "the firmware built no ACPI tables in 30 s", 30 },
		{ "pc-q35-7.1", &real, NULL, 1.5 },
	};
	size_t distinct;

	(void)state;
	tu_store_tmp("showguest", &dir, &st);
	tu_guestview_real(&real);
	guestview_fingerprint(&real, real_fp);
	tu_guest_binary(&st, dir, 1, "qemu-7.2", "7.2.0");
	tu_guest_binary(&st, dir, 2, "qemu-10.0", "10.0.2");
	assert_int_equal(guest_record(&st, 1, v, ARRAY_SIZE(v), 32.75, &distinct), 0);
	assert_int_equal(distinct, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	guestview_release(&real);
	tu_store_tmp_release(dir, &st);
	return 0;
}

static const struct install in72 = { .version = (char *)"7.2.0",
				     .binary_path = (char *)"/opt/qemu/7.2.0/bin/qemu" };

/* show_guest of pc-q35-7.2 on binary 1 into memory; its return value in *rc. */
static char *show(const char *table, int json, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = show_guest(&st, 1, &in72, "pc-q35-7.2", table, json, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The line of text that starts with prefix, malloc'd, or NULL. */
static char *line_of(const char *text, const char *prefix)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, prefix, strlen(prefix)))
			return xstrndup(p, strcspn(p, "\n"));
	return NULL;
}

static void expect_line(const char *text, const char *prefix, const char *want)
{
	char *got = line_of(text, prefix);

	if (!got || strcmp(got, want))
		fail_msg("line '%s...': got\n%s\nwant\n%s\nin\n%s", prefix,
			 got ? got : "(none)", want, text);
	free(got);
}

/* An item's row: name, size, sha256 prefix and summary, from the real bytes. */
static void expect_item_row(const char *text, const char *name, const char *summary)
{
	const struct gv_item *it = tu_guest_item(&real, name);
	struct strbuf prefix = STRBUF_INIT, want = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];

	sha256_hex(it->data, it->len, sha);
	sb_printf(&prefix, "%-15s ", name);
	sb_printf(&want, "%-15s %6zu  %.12s  %s", name, it->len, sha, summary);
	expect_line(text, prefix.buf, want.buf);
	strbuf_release(&prefix);
	strbuf_release(&want);
}

static void test_summary(void **state)
{
	struct strbuf want = STRBUF_INIT;
	size_t bytes = 0;
	int rc;
	char *out = show(NULL, 0, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < real.nr; i++)
		bytes += real.items[i].len;
	expect_line(out, "qemu ", "qemu 7.2.0  pc-q35-7.2  guest view");
	sb_printf(&want, "  fingerprint    %s", real_fp);
	expect_line(out, "  fingerprint", want.buf);
	expect_line(out, "  taken", "  taken          in 1.25s (guest view rev 2)");
	strbuf_reset(&want);
	sb_printf(&want, "  items          %zu, %zu bytes", real.nr, bytes);
	assert_int_equal(real.nr, 37);
	expect_line(out, "  items", want.buf);
	expect_line(out, "ITEM", "ITEM             BYTES  SHA256        SUMMARY");
	expect_item_row(out, "acpi/DSDT", "DSDT revision 1, OEM \"BOCHS\" \"BXPC\", "
					  "OEM revision 1, length 8408");
	expect_item_row(out, "acpi/RSDP", "RSDP revision 0 (ACPI 1.0), OEM \"BOCHS\"");
	expect_item_row(out, "smbios/table", "9 structures");
	expect_item_row(out, "fw_cfg/dir", "15 files");
	expect_item_row(out, "fw_cfg/etc/e820", "2 entries");
	expect_item_row(out, "pci/00:1f.2",
			"8086:2922 rev 02, class 0106 prog-if 01 (mass storage)");
	/* one row per item, in the order they were read */
	assert_int_equal(strstr(out, "acpi/RSDP ") < strstr(out, "acpi/DSDT "), 1);
	assert_int_equal(strstr(out, "fw_cfg/dir ") < strstr(out, "pci/00:00.0 "), 1);
	free(out);
	strbuf_release(&want);
}

static void test_table_dsdt(void **state)
{
	int rc;
	char *out = show("dsdt", 0, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_contains(out, "# acpi/DSDT  8408 bytes  sha256 ", "dsdt");
	assert_contains(out, "DefinitionBlock", "dsdt");
	assert_contains(out, "\"QEMU0002\"", "dsdt: the fw_cfg device's _HID");
	assert_null(strstr(out, "# acpi/FACP"));
	free(out);
}

static void test_table_pci(void **state)
{
	int rc;
	char *out = show("pci", 0, &rc), *one;

	(void)state;
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < real.nr; i++)
		if (!strncmp(real.items[i].name, "pci/", 4)) {
			struct strbuf head = STRBUF_INIT;

			sb_printf(&head, "\n# %s  %zu bytes", real.items[i].name,
				  real.items[i].len);
			assert_contains(out, head.buf, "pci");
			strbuf_release(&head);
		}
	assert_contains(out, "8086", "pci: Intel's vendor id");
	assert_contains(out, "2922", "pci: the AHCI controller's device id");
	one = show("pci:00:1F.2", 0, &rc);
	assert_int_equal(rc, 0);
	assert_contains(one, "# pci/00:1f.2  256 bytes", "pci:00:1F.2");
	assert_null(strstr(one, "# pci/00:00.0"));
	free(one);
	free(out);
}

static json_object *member(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		fail_msg("no %s '%s' in %s", json_type_to_name(type), key,
			 json_object_to_json_string(o));
	return v;
}

/* The JSON items are the view's, with sizes, sha256s and summaries. */
static void check_json_items(json_object *root)
{
	json_object *items = member(root, "items", json_type_array);

	assert_int_equal(json_object_array_length(items), real.nr);
	for (size_t i = 0; i < real.nr; i++) {
		json_object *o = json_object_array_get_idx(items, i);
		char sha[SHA256_HEX_LEN + 1];

		sha256_hex(real.items[i].data, real.items[i].len, sha);
		assert_string_equal(json_object_get_string(member(o, "name", json_type_string)),
				    real.items[i].name);
		assert_int_equal(json_object_get_int64(member(o, "size", json_type_int)),
				 real.items[i].len);
		assert_string_equal(json_object_get_string(member(o, "sha256", json_type_string)),
				    sha);
	}
}

static void test_json(void **state)
{
	int rc;
	char *out = show(NULL, 1, &rc);
	json_object *root = json_tokener_parse(out), *dsdt;
	size_t k = 0;

	(void)state;
	assert_int_equal(rc, 0);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(member(root, "machine", json_type_string)),
			    "pc-q35-7.2");
	assert_string_equal(json_object_get_string(member(root, "fingerprint", json_type_string)),
			    real_fp);
	assert_int_equal(json_object_get_int(member(root, "guest_rev", json_type_int)), GUEST_REV);
	check_json_items(root);
	while (k < real.nr && strcmp(real.items[k].name, "acpi/DSDT"))
		k++;
	dsdt = json_object_array_get_idx(member(root, "items", json_type_array), k);
	assert_string_equal(json_object_get_string(member(dsdt, "summary", json_type_string)),
			    "DSDT revision 1, OEM \"BOCHS\" \"BXPC\", OEM revision 1, length 8408");
	assert_false(json_object_object_get_ex(root, "tables", NULL));
	json_object_put(root);
	free(out);
}

/* --table SSDT --json: decoded lines and the raw bytes. */
static void test_json_table(void **state)
{
	const struct gv_item *it = tu_guest_item(&real, "acpi/DSDT");
	struct strbuf hex = STRBUF_INIT;
	json_object *root, *tables, *t, *lines;
	int rc, found = 0;
	char *out = show("DSDT", 1, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	check_json_items(root);
	tables = member(root, "tables", json_type_array);
	assert_int_equal(json_object_array_length(tables), 1);
	t = json_object_array_get_idx(tables, 0);
	assert_string_equal(json_object_get_string(member(t, "name", json_type_string)),
			    "acpi/DSDT");
	for (size_t i = 0; i < it->len; i++)
		sb_printf(&hex, "%02x", it->data[i]);
	assert_string_equal(json_object_get_string(member(t, "hex", json_type_string)),
			    hex.buf);
	lines = member(t, "lines", json_type_array);
	for (size_t i = 0; i < json_object_array_length(lines); i++)
		found |= strstr(json_object_get_string(json_object_array_get_idx(lines, i)),
				"DefinitionBlock") != NULL;
	assert_true(found);
	json_object_put(root);
	strbuf_release(&hex);
	free(out);
}

/* All of f, which it closes, malloc'd. */
static char *read_stream(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(strbuf_add(&sb, buf, n), 0);
	fclose(f);
	return strbuf_detach(&sb);
}

/* cmd_show with args, stdout and stderr captured; its exit status. */
static int run_show(const char *args, char **out, char **err)
{
	struct strvec a = STRVEC_INIT;
	char *db = tu_path(dir, "m.db");
	FILE *f = tmpfile();
	int saved, rc;

	assert_non_null(f);
	strvec_push(&a, "show");
	tu_words(args, &a);
	strvec_pushv(&a, (const char *const[]){ "--db", db, NULL });
	saved = tu_stdout_to(dup(fileno(f)));
	tu_capture_begin();
	optind = 0;
	rc = cmd_show((int)a.nr, (char **)a.v);
	fflush(stdout);
	*err = tu_capture_end();
	tu_stdout_restore(saved);
	*out = read_stream(f);
	strvec_clear(&a);
	free(db);
	return rc;
}

static const struct {
	const char *name, *args;
	int rc;
	const char *out, *err; /* expected in stdout, stderr */
} cmd_cases[] = {
	{ "summary", "guest 7.2.0 pc-q35-7.2", 0, "acpi/DSDT ", "" },
	{ "table", "guest 7.2.0 pc-q35-7.2 --table FACP", 0, "# acpi/FACP  244 bytes", "" },
	{ "unknown version", "guest 9.9.9 pc-q35-7.2", 1, "",
	  "error: no QEMU install named '9.9.9'; installed: 7.2.0 10.0.2 (see "
	  "'virt-matrix ark list')\n" },
	{ "not taken", "guest 10.0.2 pc-q35-7.2", 1, "",
	  "error: the guest view of QEMU 10.0.2 was not taken: run 'virt-matrix "
	  "probe 10.0.2'\n" },
	{ "unknown machine type", "guest 7.2.0 pc-q35-9.9", 1, "",
	  "error: no machine type 'pc-q35-9.9' in the guest view of QEMU 7.2.0; "
	  "it has: pc-q35-2.4 pc-q35-7.1 pc-q35-7.2\n" },
	{ "failed record", "guest 7.2.0 pc-q35-2.4", 1, "",
	  "error: the guest view of pc-q35-2.4 on QEMU 7.2.0 could not be taken: "
	  "the firmware built no ACPI tables in 30 s\n" },
	{ "unknown table", "guest 7.2.0 pc-q35-7.2 --table dmi", 1, "",
	  "error: unknown --table 'dmi': the guest view of pc-q35-7.2 on QEMU "
	  "7.2.0 has smbios, pci, pci:BB:DD.F (00:00.0 00:01.0 00:02.0 00:03.0 "
	  "00:04.0 00:05.0 00:1f.0 00:1f.2 00:1f.3), cpuid, lapic, e820, fwcfg, "
	  "virtio and the ACPI tables RSDP RSDT FACP DSDT FACS APIC HPET MCFG WAET\n" },
	{ "table not in this view", "guest 7.2.0 pc-q35-7.2 --table ssdt", 1, "",
	  "error: nothing for --table 'ssdt': the guest view of pc-q35-7.2 on "
	  "QEMU 7.2.0 has smbios, pci," },
	{ "no such function", "guest 7.2.0 pc-q35-7.2 --table pci:00:09.0", 1, "",
	  "error: nothing for --table 'pci:00:09.0'" },
	{ "table on abi", "abi 7.2.0 --table DSDT", 129, "",
	  "error: --table goes with 'show guest'\nusage: virt-matrix show" },
	{ "no machine type", "guest 7.2.0", 129, "", "usage: virt-matrix show" },
	{ "help names guest", "--help", 0,
	  "virt-matrix show guest VERSION MACHINE [--table TABLE] [--json]", "" },
};

static void test_cmd(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cmd_cases); i++) {
		char *out, *err;
		int rc = run_show(cmd_cases[i].args, &out, &err);

		if (rc != cmd_cases[i].rc)
			fail_msg("%s: exit status %d, expected %d: %s%s", cmd_cases[i].name,
				 rc, cmd_cases[i].rc, out, err);
		assert_contains(out, cmd_cases[i].out, cmd_cases[i].name);
		if (*cmd_cases[i].err ? strncmp(err, cmd_cases[i].err, strlen(cmd_cases[i].err))
				      : *err != '\0')
			fail_msg("%s: stderr\n%s\nexpected\n%s", cmd_cases[i].name, err,
				 cmd_cases[i].err);
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_table_dsdt),
		cmocka_unit_test(test_table_pci),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_table),
		cmocka_unit_test(test_cmd),
	};

	return cmocka_run_group_tests_name("showguest", tests, setup, teardown);
}
