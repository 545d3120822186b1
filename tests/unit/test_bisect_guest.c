/*
 * bisect --guest on the store alone (sweep/bisect_guest.c): candidates'
 * guest views written by guest_record() from the real recorded view of
 * pc-q35-7.2 (tests/data/guestview/), one of them with one DSDT byte
 * changed (the fw_cfg device's _HID "QEMU0002" made "QEMU0003", the
 * checksum kept right), are judged against the good end's fingerprint,
 * with every reason a candidate cannot be judged; the answer's evidence
 * is the decoded line diff of the changed item, and the items only one
 * side has.
 */
#include "testguest.h"
#include "bisect.h"

#define MACHINE "pc-q35-7.2"

static char *dir;
static struct store st;
static char good_fp[SHA256_HEX_LEN + 1], dsdt_fp[SHA256_HEX_LEN + 1];

/* Records the view gv (NULL: a failed record) of MACHINE for binary id. */
static void record(long long id, const struct guestview *gv, const char *machine)
{
	struct guest_outcome o = { machine, gv, gv ? NULL : "no RSDP after 30 s", 2.5 };
	size_t distinct;

	assert_int_equal(guest_record(&st, id, &o, 1, 2.5, &distinct), 0);
}

/* The real view with the fw_cfg device's _HID changed in the DSDT. */
static void view_dsdt_changed(struct guestview *gv)
{
	struct gv_item *dsdt;
	unsigned char *hid;

	tu_guestview_real(gv);
	dsdt = tu_guest_item(gv, "acpi/DSDT");
	hid = memmem(dsdt->data, dsdt->len, "QEMU0002", 8);
	assert_non_null(hid);
	assert_int_equal(hid - dsdt->data, 7801);
	hid[7] = '3';
	dsdt->data[9] = 0;
	dsdt->data[9] = (unsigned char)-gv_sum(dsdt->data, dsdt->len);
	assert_int_equal(gv_sum(dsdt->data, dsdt->len), 0);
}

/*
 * Binaries: 1 5.2.0 and 2 7.2.0 the real view; 3 10.0.2 the DSDT
 * changed; 4 10.1.0 not taken; 5 10.2.2 failed; 6 11.0.0 under another
 * guest_rev; 7 6.0.0 only another machine type; 8 8.0.0 one PCI function
 * less, an SSDT more and the first e820 entry gone; 9 9.1.0 the second
 * e820 entry gone.
 */
static int setup(void **state)
{
	static const char *const versions[] = { "5.2.0", "7.2.0", "10.0.2", "10.1.0",
						"10.2.2", "11.0.0", "6.0.0", "8.0.0",
						"9.1.0" };
	struct guestview real, changed, other, cut;
	struct gv_item *last, *e820;

	(void)state;
	tu_store_tmp("bisectguest", &dir, &st);
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
		char file[32];

		snprintf(file, sizeof(file), "qemu-%zu", i + 1);
		tu_guest_binary(&st, dir, (long long)i + 1, file, versions[i]);
	}
	tu_guestview_real(&real);
	view_dsdt_changed(&changed);
	tu_guestview_real(&other);
	last = tu_guest_item(&other, "pci/00:1f.3");
	free(last->name);
	last->name = xstrdup("acpi/SSDT"); /* the bytes do not matter here */
	e820 = tu_guest_item(&other, "fw_cfg/etc/e820");
	assert_int_equal(e820->len, 40);
	memmove(e820->data, e820->data + 20, 20);
	e820->len = 20;
	tu_guestview_real(&cut);
	tu_guest_item(&cut, "fw_cfg/etc/e820")->len = 20;
	guestview_fingerprint(&real, good_fp);
	guestview_fingerprint(&changed, dsdt_fp);
	record(1, &real, MACHINE);
	record(2, &real, MACHINE);
	record(3, &changed, MACHINE);
	record(5, NULL, MACHINE);
	record(6, &real, MACHINE);
	tu_exec(&st, "UPDATE binaries SET guest_rev = guest_rev + 1 WHERE id = 6");
	record(7, &real, "pc-q35-6.0");
	record(8, &other, MACHINE);
	record(9, &cut, MACHINE);
	guestview_release(&cut);
	guestview_release(&real);
	guestview_release(&changed);
	guestview_release(&other);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_tmp_release(dir, &st);
	return 0;
}

struct judge_case {
	const char *name;
	long long bin;
	const char *install;
	int against_good; /* 0: it is the good end */
	int want;
	const char *fp;	      /* "good", "dsdt" or NULL */
	const char *evidence; /* the start of it */
};

static const struct judge_case judge_cases[] = {
	{ "the good end defines good", 1, "5.2.0", 0, 'g', "good", "guest view fingerprint " },
	{ "the same view", 2, "7.2.0", 1, 'g', "good", "guest view fingerprint " },
	{ "one DSDT byte changed", 3, "10.0.2", 1, 'b', "dsdt", "guest view fingerprint " },
	{ "the good end with another view is good too", 3, "10.0.2", 0, 'g', "dsdt",
	  "guest view fingerprint " },
	{ "not taken", 4, "10.1.0", 1, 's', NULL, "the guest view of QEMU 10.1.0 was not taken" },
	{ "not taken, as the good end", 4, "10.1.0", 0, 's', NULL,
	  "the guest view of QEMU 10.1.0 was not taken" },
	{ "failed", 5, "10.2.2", 1, 's', NULL,
	  "the guest view of " MACHINE " could not be taken: no RSDP after 30 s" },
	{ "another guest_rev", 6, "11.0.0", 1, 's', NULL,
	  "guest view rev 3, the good end's is rev 2: not comparable" },
	{ "no such machine type", 7, "6.0.0", 1, 's', NULL,
	  "no machine type " MACHINE " in the guest view of QEMU 6.0.0" },
	{ "not probed", 0, "9.0.0", 1, 's', NULL, "QEMU 9.0.0 has no complete probe record" },
};

static void test_judge(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(judge_cases); c++) {
		const struct judge_case *k = &judge_cases[c];
		const char *want_fp = !k->fp ? NULL : !strcmp(k->fp, "good") ? good_fp : dsdt_fp;
		struct strbuf ev = STRBUF_INIT, want_ev = STRBUF_INIT;
		char *fp = NULL;
		int rev = -1;
		int v = bisect_guest_judge(&st, k->bin, k->install, MACHINE,
					   k->against_good ? good_fp : NULL, GUEST_REV, &fp, &rev, &ev);

		if (v != k->want)
			fail_msg("%s: verdict %c, expected %c: %s", k->name, v, k->want, ev.buf);
		if (want_fp ? !fp || strcmp(fp, want_fp) : fp != NULL)
			fail_msg("%s: fingerprint %s, expected %s", k->name, fp ? fp : "none",
				 want_fp ? want_fp : "none");
		if (strncmp(ev.buf, k->evidence, strlen(k->evidence)))
			fail_msg("%s: evidence '%s', expected '%s...'", k->name, ev.buf,
				 k->evidence);
		if (want_fp) {
			sb_printf(&want_ev, "guest view fingerprint %.16s (37 items)", want_fp);
			assert_string_equal(ev.buf, want_ev.buf);
			assert_int_equal(rev, GUEST_REV);
		}
		free(fp);
		strbuf_release(&ev);
		strbuf_release(&want_ev);
	}
}

static char *diff(long long a, long long b, const char *la, const char *lb, int *rc)
{
	struct bisect_guest_sides s = { { a, b }, { la, lb }, { la, lb } };
	struct strbuf out = STRBUF_INIT;

	*rc = bisect_guest_diff(&st, MACHINE, &s, &out);
	return strbuf_detach(&out);
}

/* A line of text that starts with prefix and contains needle. */
static int has_line(const char *text, const char *prefix, const char *needle)
{
	for (const char *p = text; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0)) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		int ok = !strncmp(line, prefix, strlen(prefix)) && strstr(line, needle);

		free(line);
		if (ok)
			return 1;
	}
	return 0;
}

/* The one DSDT byte, as the ASL lines it changes. */
static void test_diff_dsdt(void **state)
{
	int rc;
	char *out = diff(2, 3, "7.2.0", "10.0.2", &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_contains(out, "  " MACHINE " guest view, - 7.2.0, + 10.0.2: 1 item differs\n"
			"    acpi/DSDT changed (8408 -> 8408 bytes; at 0x9 0x1e80, 2 differ):\n", "dsdt");
	if (!has_line(out, "      - ", "\"QEMU0002\"") ||
	    !has_line(out, "      + ", "\"QEMU0003\""))
		fail_msg("no ASL lines with the _HID on both sides in:\n%s", out);
	if (has_line(out, "      ", "DefinitionBlock"))
		fail_msg("lines both sides have are in the diff:\n%s", out);
	assert_null(strstr(out, "compared as hex"));
	free(out);
}

/*
 * Without iasl (PATH has none; it is not in /usr/sbin or /sbin either)
 * the decoder says so once per side and the DSDT is compared as hex.
 */
static void test_diff_without_iasl(void **state)
{
	char *path = xstrdup(getenv("PATH")), *msg, *out;
	int rc;

	(void)state;
	setenv("PATH", "/nonexistent", 1);
	tu_capture_begin();
	out = diff(2, 3, "7.2.0", "10.0.2", &rc);
	msg = tu_capture_end();
	setenv("PATH", path, 1);
	assert_int_equal(rc, 0);
	assert_contains(msg, "error: iasl not found: install acpica-tools", "no iasl");
	assert_contains(out, "    acpi/DSDT changed (8408 -> 8408 bytes; at 0x9 0x1e80, 2 differ):\n"
			"      (compared as hex: it could not be decoded, see above)\n", "no iasl");
	if (!has_line(out, "      - ", " 79 ") || !has_line(out, "      + ", " 78 ") ||
	    !has_line(out, "      - ", " 32 ") || !has_line(out, "      + ", " 33 "))
		fail_msg("no hex lines with the checksum and the _HID byte in:\n%s", out);
	free(out);
	free(msg);
	free(path);
}

/* The recorded fw_cfg/etc/e820 entries, decoded. */
#define E820_RESERVED "0x000000fd00000000-0x000000ffffffffff size 0x300000000 (12 GiB) type 2 reserved"
#define E820_RAM "0x0000000000000000-0x0000000007ffffff size 0x8000000 (128 MiB) type 1 usable"

static void test_diff_items(void **state)
{
	int rc;
	char *out = diff(2, 8, "7.2.0", "8.0.0", &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(out, "  " MACHINE " guest view, - 7.2.0, + 8.0.0: 3 items differ\n"
				 "    - pci/00:1f.3 (only in 7.2.0, 256 bytes)\n"
				 "    + acpi/SSDT (only in 8.0.0, 256 bytes)\n"
				 "    fw_cfg/etc/e820 changed (40 -> 20 bytes; at 0x4 0xb 0xc "
				 "0x10, 4 of the first 20 differ):\n"
				 "      @@ -1,2 +1,1 @@\n"
				 "      - " E820_RESERVED "\n"
				 "        " E820_RAM "\n");
	free(out);
	out = diff(2, 9, "7.2.0", "9.1.0", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "  " MACHINE " guest view, - 7.2.0, + 9.1.0: 1 item differs\n"
				 "    fw_cfg/etc/e820 changed (40 -> 20 bytes; the first 20 "
				 "the same):\n"
				 "      @@ -1,2 +1,1 @@\n"
				 "        " E820_RESERVED "\n"
				 "      - " E820_RAM "\n");
	free(out);
	out = diff(1, 2, "5.2.0", "7.2.0", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "  " MACHINE " guest view, - 5.2.0, + 7.2.0: 0 items differ\n");
	free(out);
}

static void test_diff_no_view(void **state)
{
	int rc;
	char *msg, *out;

	(void)state;
	tu_capture_begin();
	out = diff(2, 4, "7.2.0", "10.1.0", &rc);
	msg = tu_capture_end();
	assert_int_equal(rc, -1);
	assert_string_equal(msg, "error: the guest view of " MACHINE " on QEMU 10.1.0 is "
				 "not in the store\n");
	free(out);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_diff_dsdt),
		cmocka_unit_test(test_diff_without_iasl),
		cmocka_unit_test(test_diff_items),
		cmocka_unit_test(test_diff_no_view),
	};

	return cmocka_run_group_tests_name("bisect_guest", tests, setup, teardown);
}
