/*
 * Fuzz harness "needs": the input is a libvirt domain XML, fed to
 * corp_needs_parse() (corpus/needs.h). Either it fails with one line of
 * why and no needs, or every need it lists has a kind, a what and a
 * where, a disk's type, no two share kind and what, and none is a path
 * every host has. Parsing twice into the same list gives the same list.
 */
#include "fuzz.h"
#include "needs.h"

static void check(const struct corp_needs *n)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct corp_res *r = &n->v[i];

		FUZZ_CHECK(corp_res_kind_to_string(r->kind) != NULL);
		FUZZ_CHECK(r->what && *r->what && r->where && *r->where);
		FUZZ_CHECK((r->kind == CORP_RES_DISK) == (r->disk_type != NULL));
		FUZZ_CHECK(strcmp(r->what, "/dev/null") && strcmp(r->what, "/dev/kvm"));
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(n->v[k].kind != r->kind || strcmp(n->v[k].what, r->what));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct corp_needs n = CORP_NEEDS_INIT;
	struct strbuf why = STRBUF_INIT;
	size_t first;

	if (corp_needs_parse((const char *)data, size, &n, &why)) {
		FUZZ_CHECK(why.len > 0 && !strchr(why.buf, '\n'));
		FUZZ_CHECK(n.n == 0 && n.v == NULL);
	} else {
		check(&n);
		first = n.n;
		FUZZ_CHECK(!corp_needs_parse((const char *)data, size, &n, &why));
		FUZZ_CHECK(n.n == first);
	}
	corp_needs_release(&n);
	strbuf_release(&why);
	return 0;
}
