/*
 * The guest view's decoders (matrix/guestdecode.c) on what Debian's real
 * QEMU shows a guest: pc-q35-7.2 with an e1000e, a virtio-net on the
 * root complex and another behind a PCIe root port, so that the PCI
 * decoder meets MSI-X, PCI Express endpoints and ports, bridges and
 * virtio's vendor capabilities. Every item must decode with the real
 * iasl and dmidecode, none falling back to a hex dump or stopping
 * short, and the same bytes must decode to the same text twice.
 * REGENERATE=1 rewrites the raw dump that tests/unit/test_guestdecode.c
 * decodes (tests/data/guestview/pc-q35-7.2-nics.txt).
 */
#include "testutil.h"
#include "guestdecode.h"
#include "guestview.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
#define DUMP "tests/data/guestview/pc-q35-7.2-nics.txt"

static const char *const devices[] = {
	"-device", "e1000e,id=nic0",
	"-device", "virtio-net-pci,id=nic1",
	"-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
	"-device", "virtio-net-pci,id=nic2,bus=rp1",
	NULL,
};

static void record(const struct guestview *raw)
{
	struct strbuf out = STRBUF_INIT;

	sb_puts(&out,
		"# guest view of pc-q35-7.2 with -device e1000e, "
		"virtio-net-pci, pcie-root-port, virtio-net-pci behind it; "
		"Debian's QEMU 7.2, raw (tests/integration/"
		"test_guestdecode_qemu.c)\n");
	guestview_dump(raw, &out);
	assert_int_equal(write_file_atomic(DUMP, out.buf, out.len), 0);
	strbuf_release(&out);
}

static void decode_all(const struct guestview *gv, struct strbuf *all)
{
	for (size_t i = 0; i < gv->nr; i++) {
		const char *name = gv->items[i].name;
		struct strbuf out = STRBUF_INIT;

		if (guest_decode(gv, name, &out))
			fail_msg("%s: cannot decode", name);
		if (strstr(out.buf, "could not decode") ||
		    strstr(out.buf, "stopped at"))
			fail_msg("%s: decoded only in part:\n%s", name,
				 out.buf);
		sb_printf(all, "== %s\n%s", name, out.buf);
		strbuf_release(&out);
	}
}

static void test_live_view_decodes(void **state)
{
	struct qtest t;
	struct guestview raw, gv;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	(void)state;
	guestview_init(&raw);
	guestview_init(&gv);
	assert_int_equal(qtest_start(&t, QEMU, "pc-q35-7.2", devices, 20), 0);
	if (guestview_read(&t, "pc-q35-7.2", 60, &raw)) {
		qtest_stop(&t);
		fail_msg("cannot read the guest view");
	}
	qtest_stop(&t);
	if (getenv("REGENERATE"))
		record(&raw);
	for (size_t i = 0; i < raw.nr; i++)
		guestview_add(&gv, raw.items[i].name, 0, raw.items[i].data,
			      raw.items[i].len);
	assert_int_equal(guestview_normalise(&gv), 0);
	decode_all(&gv, &a);
	decode_all(&gv, &b);
	assert_string_equal(a.buf, b.buf);
	assert_contains(a.buf, "DefinitionBlock (\"\", \"DSDT\"", "DSDT");
	assert_contains(a.buf, "System Information", "SMBIOS");
	assert_contains(a.buf, "cap 0x", "PCI capabilities");
	assert_contains(a.buf, "virtio cfg-type = 1 common", "virtio-net");
	assert_contains(a.buf,
			"pcie capabilities = 0x0142: version=2 "
			"type=root-port slot",
			"root port");
	strbuf_release(&a);
	strbuf_release(&b);
	guestview_release(&raw);
	guestview_release(&gv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_view_decodes),
	};

	if (access(QEMU, X_OK))
		return 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
