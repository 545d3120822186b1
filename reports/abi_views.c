/*
 * The two views of a machine type's ABI held against each other: QEMU's
 * side (abi_report.c: the devices, properties, PCI and CPU lines QEMU
 * reports) and the guest's (guest_report.c: the tables and registers
 * the guest reads). For every machine type and version pair both sides
 * compared, a disagreement is one side differing while the other does
 * not: the guest sees a change QEMU's side does not show (a firmware or
 * table change no property explains), or QEMU's side has a guest-ABI
 * break the guest does not see (a break that may not be one, or a part
 * of the guest's view that is not read yet). QEMU's side differs when
 * it has breaks, acknowledged or not; properties that only one version
 * has are not breaks and do not count.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

/* The order both pair lists are in: machine name (natural), then versions. */
static int cmp_pair(const char *ma, const struct rep_pair *a, const char *mb,
		    const struct rep_pair *b)
{
	int c = strverscmp(ma, mb);

	if (c)
		return c;
	if (a->to != b->to)
		return a->to - b->to;
	return a->from - b->from;
}

static int qemu_differs(const struct rep_pair *p)
{
	return p->unacked + p->acked > 0;
}

void rep_views_build(const struct rep_abi *abi, const struct rep_guest *g,
		     struct rep_views *out)
{
	size_t i = 0, k = 0;

	memset(out, 0, sizeof(*out));
	while (i < abi->pairs.nr && k < g->pairs.nr) {
		const struct rep_pair *q = &abi->pairs.v[i], *p = &g->pairs.v[k];
		int c = cmp_pair(abi->machines[q->machine].name, q,
				 g->machines[p->machine].name, p);
		struct rep_disagreement *d;

		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			k++;
			continue;
		}
		if (q->compared && p->compared && qemu_differs(q) != !p->equal) {
			ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			d = &out->v[out->nr++];
			d->qemu = i;
			d->guest = k;
			d->guest_differs = !p->equal;
		}
		i++, k++;
	}
}

void rep_views_release(struct rep_views *x)
{
	free(x->v);
	memset(x, 0, sizeof(*x));
}
