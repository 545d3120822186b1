/*
 * Fuzz harness "catalog": the input is the text of a version catalog
 * (specs/<app>.catalog), fed to catalog_parse() (ark/catalog.c) as
 * catalog_load() feeds a file. A catalog that parses must have every
 * entry complete, findable and in version order.
 */
#include "fuzz.h"
#include "catalog.h"
#include "version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog c;
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	if (!catalog_parse(&c, "qemu", "specs/qemu.catalog", text)) {
		for (size_t i = 0; i < c.nr; i++) {
			const struct catalog_entry *e = &c.v[i];

			FUZZ_CHECK(e->version && e->url && e->format);
			FUZZ_CHECK(catalog_find(&c, e->version) == e);
			FUZZ_CHECK(i == 0 || version_strcmp(c.v[i - 1].version,
							    e->version) <= 0);
			(void)archive_format_from_name(e->url);
		}
		catalog_release(&c);
	}
	free(text);
	return 0;
}
