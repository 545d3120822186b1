/*
 * The overview grid that opens the ABI part: versioned machine types as
 * rows, grouped by family (the name without its version: pc-q35,
 * pc-i440fx) and in natural order within it, and as columns each two
 * consecutive probed QEMU versions. A cell holds the pair of either side
 * (QEMU's, the guest's) that ends at the column's newer version (its
 * older one may be further back, when the machine type's record failed
 * in between) and the worst state of the two. Built from the model
 * alone, for the writers.
 */
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "banned.h"

char *rep_machine_family(const char *name)
{
	const char *dash = strrchr(name, '-');

	if (!dash || dash == name || !strchr("0123456789", dash[1]) ||
	    dash[strspn(dash + 1, "0123456789.") + 1])
		return xstrdup(name);
	return xstrndup(name, (size_t)(dash - name));
}

static int cmp_row(const void *a, const void *b)
{
	const struct rep_grid_row *x = a, *y = b;
	int c = strcmp(x->family, y->family);

	return c ? c : strverscmp(x->machine, y->machine);
}

static enum rep_grid_state side_state(const struct rep_pair *p)
{
	if (!p)
		return REP_GRID_ABSENT;
	if (!p->compared)
		return REP_GRID_NOT_COMPARED;
	if (p->unacked)
		return REP_GRID_UNACKED;
	return p->acked ? REP_GRID_ACKED : REP_GRID_EQUAL;
}

/* The rows: every machine type of either side, once. */
static void make_rows(const struct rep_abi *abi, const struct rep_guest *g,
		      struct rep_grid *out, size_t ncols)
{
	size_t alloc = 0;

	for (int side = 0; side < 2; side++) {
		size_t n = side ? g->nmachines : abi->nmachines;

		for (size_t i = 0; i < n; i++) {
			const char *name = side ? g->machines[i].name : abi->machines[i].name;
			size_t k = 0;

			while (k < out->nrows && strcmp(out->rows[k].machine, name))
				k++;
			if (k < out->nrows)
				continue;
			ALLOC_GROW(out->rows, out->nrows + 1, alloc);
			out->rows[k].machine = name;
			out->rows[k].family = rep_machine_family(name);
			out->rows[k].cells = xcalloc(ncols + 1, sizeof(*out->rows[k].cells));
			out->nrows++;
		}
	}
	sort_array(out->rows, out->nrows, sizeof(*out->rows), cmp_row);
}

static struct rep_grid_row *row_of(struct rep_grid *gr, const char *machine)
{
	for (size_t i = 0; i < gr->nrows; i++)
		if (!strcmp(gr->rows[i].machine, machine))
			return &gr->rows[i];
	return NULL;
}

static int col_of(const struct rep_grid *gr, int to)
{
	for (size_t c = 0; c < gr->ncols; c++)
		if (gr->to[c] == to)
			return (int)c;
	return -1;
}

/* Puts each pair of one side into its cell. */
static void place(struct rep_grid *gr, const struct rep_pairs *pairs,
		  const char *(*name)(const void *side, size_t m), const void *side,
		  int guest)
{
	for (size_t i = 0; i < pairs->nr; i++) {
		const struct rep_pair *p = &pairs->v[i];
		struct rep_grid_row *row = row_of(gr, name(side, p->machine));
		int c = col_of(gr, p->to);

		if (!row || c < 0)
			continue;
		if (guest)
			row->cells[c].guest = p;
		else
			row->cells[c].qemu = p;
	}
}

static const char *abi_name(const void *side, size_t m)
{
	return ((const struct rep_abi *)side)->machines[m].name;
}

static const char *guest_name(const void *side, size_t m)
{
	return ((const struct rep_guest *)side)->machines[m].name;
}

void rep_grid_make(const struct rep_report *r, struct rep_grid *gr)
{
	int prev = -1;

	memset(gr, 0, sizeof(*gr));
	gr->from = xcalloc(r->versions.nr + 1, sizeof(*gr->from));
	gr->to = xcalloc(r->versions.nr + 1, sizeof(*gr->to));
	for (size_t i = 0; i < r->versions.nr; i++) {
		if (!r->versions.v[i].binary)
			continue;
		if (prev >= 0) {
			gr->from[gr->ncols] = prev;
			gr->to[gr->ncols++] = (int)i;
		}
		prev = (int)i;
	}
	make_rows(&r->abi, &r->guest, gr, gr->ncols);
	place(gr, &r->abi.pairs, abi_name, &r->abi, 0);
	place(gr, &r->guest.pairs, guest_name, &r->guest, 1);
	for (size_t i = 0; i < gr->nrows; i++)
		for (size_t c = 0; c < gr->ncols; c++) {
			struct rep_grid_cell *x = &gr->rows[i].cells[c];
			enum rep_grid_state q = side_state(x->qemu), g = side_state(x->guest);

			x->state = q > g ? q : g;
		}
}

int rep_grid_cell_differs(const struct rep_grid_cell *x)
{
	return (x->qemu && (!x->qemu->compared || !x->qemu->equal)) ||
	       (x->guest && (!x->guest->compared || !x->guest->equal));
}

void rep_grid_release(struct rep_grid *gr)
{
	for (size_t i = 0; i < gr->nrows; i++) {
		free(gr->rows[i].family);
		free(gr->rows[i].cells);
	}
	free(gr->rows);
	free(gr->from);
	free(gr->to);
	memset(gr, 0, sizeof(*gr));
}
