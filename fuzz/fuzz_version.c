/*
 * Fuzz harness "version": the input is two words, a version or range
 * and a version, separated by the first newline (lib/version.c). Both
 * go through version_parse(), version_cmp() and version_strcmp(), the
 * first also through vrange_parse(); a range must contain its ends (they
 * are inclusive) and comparison must be antisymmetric.
 */
#include "fuzz.h"
#include "version.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *a, *b;
	struct version va, vb;
	struct vrange r;
	int pa, pb;

	if (!text)
		return 0;
	a = text;
	b = strchr(text, '\n');
	if (b)
		*b++ = '\0';
	else
		b = a;
	pa = !version_parse(a, &va);
	pb = !version_parse(b, &vb);
	FUZZ_CHECK(sign(version_strcmp(a, b)) == -sign(version_strcmp(b, a)));
	FUZZ_CHECK(version_strcmp(a, a) == 0);
	if (pa && pb)
		FUZZ_CHECK(version_cmp(&va, &vb) == -version_cmp(&vb, &va));
	if (!vrange_parse(a, &r)) {
		if (r.has_lo)
			FUZZ_CHECK(vrange_contains(&r, &r.lo));
		/* "0.5..0" ends inside the 0 series: 0 itself is before it. */
		if (r.has_hi && (!r.has_lo || r.hi.nparts >= r.lo.nparts))
			FUZZ_CHECK(vrange_contains(&r, &r.hi));
		if (pb)
			(void)vrange_contains(&r, &vb);
	}
	free(text);
	return 0;
}
