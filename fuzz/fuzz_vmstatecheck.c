/*
 * Fuzz harness "vmstatecheck": the input is two -dump-vmstate JSON
 * texts and a renames file (specs/vmstate-renames), separated by NUL
 * bytes; a missing second dump is the first one again, a missing
 * renames file none. The dumps go through vmstate_dump_parse(), the
 * renames through vmstate_renames_parse(), and what parses through
 * vmstate_check() both ways (matrix/vmstatecheck.c, vmstatedump.c,
 * vmstaterenames.c). Checked: the counts add up, every finding has its
 * strings, and a dump compared with itself is clean but for the two
 * things that break a binary's migration to itself: two subsections of
 * one name, and a description whose minimum version is above its own
 * version.
 */
#include "fuzz.h"
#include "vmstatecheck.h"

/* Part i of data (NUL-separated), malloc'd and terminated, or NULL. */
static char *part(const uint8_t *data, size_t size, int i, size_t *len)
{
	const uint8_t *p = data, *end = data + size, *nul;

	while (i-- > 0) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return NULL;
		p = nul + 1;
	}
	nul = memchr(p, '\0', (size_t)(end - p));
	*len = (size_t)((nul ? nul : end) - p);
	return xstrndup((const char *)p, *len);
}

static int twice_in(const struct vmstate_desc *d)
{
	for (size_t i = 0; i < d->nr_subs; i++) {
		size_t n;

		vmstate_desc_find_sub(d, d->subs[i].name, &n);
		FUZZ_CHECK(n >= 1);
		if (n > 1 || twice_in(&d->subs[i]))
			return 1;
	}
	for (size_t i = 0; i < d->nr_fields; i++)
		if (d->fields[i].desc && twice_in(d->fields[i].desc))
			return 1;
	return 0;
}

static int has_twin_subsections(const struct vmstate_dump *d)
{
	for (size_t i = 0; i < d->nr; i++)
		if (d->v[i].desc && twice_in(d->v[i].desc))
			return 1;
	return 0;
}

static void check(const struct vmstate_dump *a, const struct vmstate_dump *b,
		  const struct vmstate_renames *r, int self)
{
	struct vmstate_findings f;
	struct strbuf sum = STRBUF_INIT;
	size_t errors = 0, warnings = 0;

	vmstate_check(a, b, r, &f);
	for (size_t i = 0; i < f.nr; i++) {
		const struct vmstate_finding *k = &f.v[i];

		FUZZ_CHECK(vmstate_severity_to_string(k->severity));
		FUZZ_CHECK(vmstate_problem_to_string(k->problem));
		FUZZ_CHECK(k->section && k->path && k->message && *k->message);
		FUZZ_CHECK(vmstate_dump_find(a, k->section));
		if (k->severity == VMSTATE_ERROR)
			errors++;
		else
			warnings++;
	}
	FUZZ_CHECK(errors == f.errors && warnings == f.warnings);
	FUZZ_CHECK(f.nr_renames == (r ? r->nr : 0));
	vmstate_findings_summary(&f, &sum);
	FUZZ_CHECK(!strcmp(sum.buf, "clean") == !f.nr);
	for (size_t i = 0; self && i < f.nr; i++)
		if (f.v[i].problem != VMSTATE_MINIMUM_VERSION &&
		    !has_twin_subsections(a))
			fuzz_fail("a dump differs from itself: %s", f.v[i].message);
	strbuf_release(&sum);
	vmstate_findings_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t la = 0, lb = 0, lr = 0;
	char *a_text = part(data, size, 0, &la);
	char *b_text = part(data, size, 1, &lb);
	char *r_text = part(data, size, 2, &lr);
	struct vmstate_dump a, b;
	struct vmstate_renames r;
	int have_b, have_r;

	have_r = r_text && !vmstate_renames_parse("specs/vmstate-renames", r_text, &r);
	if (!vmstate_dump_parse("src.json", a_text, la, &a)) {
		check(&a, &a, have_r ? &r : NULL, 1);
		check(&a, &a, NULL, 1);
		have_b = b_text && !vmstate_dump_parse("dst.json", b_text, lb, &b);
		if (have_b) {
			check(&a, &b, have_r ? &r : NULL, 0);
			check(&b, &a, have_r ? &r : NULL, 0);
			vmstate_dump_release(&b);
		}
		vmstate_dump_release(&a);
	}
	if (have_r)
		vmstate_renames_release(&r);
	free(a_text);
	free(b_text);
	free(r_text);
	return 0;
}
