/*
 * Fuzz harness "guestview": the input is what a guest's memory or
 * fw_cfg may hold where virt-matrix reads tables (any bytes), fed to
 * every parser of matrix/guestparse.c and, as each item the
 * normalisation knows, to guestview_normalise() and (as the SMBIOS table
 * and fw_cfg's directory of a machine type named "pc") to
 * guestview_normalise_machine(); input without NUL bytes is also parsed
 * as a dump (matrix/guestdump.c). The same bytes are the boot sector's
 * results area (matrix/guestcpu.c) and BAR read-backs.
 */
#include "fuzz.h"
#include "guestview.h"

static const char *const names[] = { "acpi/RSDP", "acpi/RSDT", "acpi/XSDT",
				     "acpi/FACP", "smbios/entry",
				     "smbios/table" };

/* The results area: what is taken lies within the bytes given. */
static void check_guestcpu(const unsigned char *p, size_t size)
{
	struct strbuf why = STRBUF_INIT;
	struct gc_results r;
	struct gv_bar bars[GV_PCIBAR_SLOTS];
	int rc = guestcpu_parse(p, size, &r, &why);

	FUZZ_CHECK(rc == 0 || why.len);
	if (!rc) {
		struct guestview gv;

		FUZZ_CHECK(r.need <= size && r.e820 && r.cpuid);
		FUZZ_CHECK(r.cpuid + 24 * r.cpuid_n <= p + size);
		FUZZ_CHECK(r.e820 + 24 * r.e820_n <= p + size);
		guestview_init(&gv);
		guestcpu_add_items(&r, &gv);
		FUZZ_CHECK(gv.nr == 3);
		guestview_release(&gv);
	}
	if (!gv_pcibar_decode(p, size, bars))
		for (int i = 0; i < GV_PCIBAR_SLOTS; i++)
			FUZZ_CHECK(bars[i].kind != GV_BAR_NONE || !bars[i].size);
	strbuf_release(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, so that a read past the end is seen. */
	unsigned char *p = xmalloc(size ? size : 1);
	struct gv_rsdp r;
	struct gv_fadt f;
	struct gv_smbios s;
	struct gv_fwcfg_file *files = NULL;
	uint64_t *addrs = NULL;
	struct guestview gv;
	size_t n;
	long off;
	char sig[5], *text;
	uint32_t len;

	memcpy(p, data, size);
	check_guestcpu(p, size);
	off = gv_rsdp_find(p, size, NULL);
	FUZZ_CHECK(off < 0 || (off % 16 == 0 && !gv_rsdp_parse(p + off, size - (size_t)off, &r, NULL)));
	if (!gv_rsdp_parse(p, size, &r, NULL))
		FUZZ_CHECK(r.len <= size && !gv_sum(p, 20));
	if (!gv_sdt_header(p, size, sig, &len))
		FUZZ_CHECK(len >= 36 && strlen(sig) <= 4);
	for (size_t w = 4; w <= 8; w += 4)
		if (!gv_sdt_entries(p, size, w, &addrs, &n)) {
			FUZZ_CHECK(36 + n * w == size);
			free(addrs);
		}
	(void)gv_fadt_parse(p, size, &f);
	if (!gv_smbios_parse(p, size, &s, NULL))
		FUZZ_CHECK(s.entry_len <= size);
	off = gv_smbios_find(p, size, &s);
	FUZZ_CHECK(off < 0 || (off % 16 == 0 && s.entry_len <= size - (size_t)off));
	if (!gv_fwcfg_dir_parse(p, size, &files, &n)) {
		FUZZ_CHECK(4 + 64 * n == size);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strlen(files[i].name) <= 56);
		free(files);
	}
	guestview_init(&gv);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		guestview_add(&gv, names[i], 0, p, size);
	/* Too short for its fields: refused (and reported), never overrun. */
	(void)!guestview_normalise(&gv);
	for (size_t i = 0; i < gv.nr; i++)
		FUZZ_CHECK(gv.items[i].len == size);
	guestview_release(&gv);
	guestview_init(&gv);
	guestview_add(&gv, "smbios/entry", 0, "_SM_", 4);
	guestview_add(&gv, "smbios/table", 0, p, size);
	guestview_add(&gv, "fw_cfg/dir", 0, p, size);
	if (!guestview_normalise_machine(&gv, "pc")) {
		const struct gv_item *t = guestview_find(&gv, "smbios/table");

		/* "pc" (3 bytes with its NUL) became "<machine>" (10). */
		FUZZ_CHECK(t->len >= size && (t->len - size) % 7 == 0);
	}
	guestview_release(&gv);
	text = fuzz_text(data, size);
	if (text) {
		guestview_init(&gv);
		(void)!guestview_undump(text, "fuzz", &gv);
		guestview_release(&gv);
		free(text);
	}
	free(p);
	return 0;
}
