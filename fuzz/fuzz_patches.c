/*
 * Fuzz harness "patches": the input is one patch file of a series
 * (patches/<app>/<range>/NNNN-name.patch), header and diff. It is
 * written into a private patches tree as qemu/all/0001-fuzz.patch beside
 * a fixed good patch, and patches_select() (ark/patches.c) reads the
 * headers for each source flavour, as ark does before a build.
 */
#include "fuzz.h"
#include "patches.h"

static const char good_patch[] =
	"From: ark\n"
	"Subject: keep the build quiet\n"
	"Flavour: debian\n"
	"\n"
	"--- a/configure\n"
	"+++ b/configure\n"
	"@@ -1 +1 @@\n"
	"-#!/bin/sh\n"
	"+#!/bin/sh -e\n";

static const char *const flavours[] = { NULL, "upstream", "debian" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf root = STRBUF_INIT, file = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];

	if (!root.len) {
		struct strbuf good = STRBUF_INIT, dir = STRBUF_INIT;

		sb_printf(&root, "%s/patches", fuzz_dir("patches"));
		sb_printf(&dir, "%s/qemu/7.2..", root.buf);
		if (mkdir_p(dir.buf, 0700))
			abort();
		sb_printf(&good, "%s/0002-quiet.patch", dir.buf);
		fuzz_write(good.buf, (const uint8_t *)good_patch,
			   strlen(good_patch));
		strbuf_reset(&dir);
		sb_printf(&dir, "%s/qemu/all", root.buf);
		if (mkdir_p(dir.buf, 0700))
			abort();
		sb_printf(&file, "%s/0001-fuzz.patch", dir.buf);
		strbuf_release(&good);
		strbuf_release(&dir);
	}
	fuzz_write(file.buf, data, size);
	sha256_hex(data, size, sha);
	for (size_t i = 0; i < ARRAY_SIZE(flavours); i++) {
		struct patch_series s;
		int found = 0;

		if (patches_select(root.buf, "qemu", "7.2.0", flavours[i], &s))
			continue;
		for (size_t k = 0; k < s.nr; k++) {
			FUZZ_CHECK(!s.v[k].flavour || !flavours[i] ||
				   !strcmp(s.v[k].flavour, flavours[i]));
			if (!strcmp(s.v[k].name, "all/0001-fuzz.patch")) {
				FUZZ_CHECK(!strcmp(s.v[k].sha256, sha));
				found = 1;
			}
		}
		FUZZ_CHECK(found || flavours[i]);
		patch_series_release(&s);
	}
	return 0;
}
