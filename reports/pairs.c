/*
 * Consecutive version pairs of one machine type, the unit both sides of
 * the ABI part compare (QEMU's fingerprints in abi_report.c, the guest
 * view in guest_report.c): the versions whose record of the machine type
 * is 'ok', taken two by two in version order, and the list the pairs
 * are kept in for the writers (the overview grid, the disagreements).
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

struct rep_pair *rep_pairs_add(struct rep_pairs *p, size_t machine, int from, int to)
{
	struct rep_pair *x;

	ALLOC_GROW(p->v, p->nr + 1, p->alloc);
	x = &p->v[p->nr++];
	memset(x, 0, sizeof(*x));
	x->machine = machine;
	x->from = from;
	x->to = to;
	return x;
}

void rep_pairs_release(struct rep_pairs *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

int rep_pairs_walk(char *const *fingerprint, size_t nv,
		   int (*fn)(void *ctx, int from, int to), void *ctx)
{
	int prev = -1;

	for (size_t i = 0; i < nv; i++) {
		int rc;

		if (!fingerprint[i] || !strcmp(fingerprint[i], "failed"))
			continue;
		if (prev >= 0 && (rc = fn(ctx, prev, (int)i)))
			return rc;
		prev = (int)i;
	}
	return 0;
}
