/*
 * Line diffs (linediff.h). The common head and tail of the two lists are
 * taken off first; between them Myers' greedy forward search finds the
 * furthest-reaching path for each number of edits d, keeping each d's
 * frontier (2d + 1 positions) so that the path can be walked back. A
 * search that passes max_d edits stops there and the middle becomes a
 * plain replacement. Lines are compared by hash first, then by text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linediff.h"
#include "banned.h"

/* The middle of the two lists, after the common head and tail. */
struct mid {
	const char *const *a, *const *b;
	uint32_t *ha, *hb;
	long n, m;
};

static uint32_t hash_line(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int same(const struct mid *c, long x, long y)
{
	return c->ha[x] == c->hb[y] && !strcmp(c->a[x], c->b[y]);
}

static void push(struct linediff *d, char op, size_t a, size_t b)
{
	ALLOC_GROW(d->v, d->nr + 1, d->alloc);
	d->v[d->nr].op = op;
	d->v[d->nr].a = a;
	d->v[d->nr].b = b;
	d->nr++;
	d->removed += op == '-';
	d->added += op == '+';
}

/*
 * The forward search: trace gets each d's frontier V[-d..d] (at offset
 * d * d). Returns the number of edits of a shortest script, or -1 past
 * max_d.
 */
static long search(const struct mid *c, long max_d, long *trace)
{
	long off = max_d + 1;
	long *v = xcalloc((size_t)(2 * max_d + 3), sizeof(*v));
	long found = -1;

	v[off + 1] = 0;
	for (long d = 0; d <= max_d && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x, y;

			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < c->n && y < c->m && same(c, x, y))
				x++, y++;
			v[off + k] = x;
			if (x >= c->n && y >= c->m)
				found = d;
		}
		memcpy(trace + d * d, v + off - d, (size_t)(2 * d + 1) * sizeof(*v));
	}
	free(v);
	return found;
}

/* Walks the path of a shortest script back from (n, m), edits reversed. */
static void walk_back(const struct mid *c, const long *trace, long dmax,
		      struct linediff *rev)
{
	long x = c->n, y = c->m;

	for (long d = dmax; d > 0; d--) {
		const long *prev = trace + (d - 1) * (d - 1) + (d - 1); /* prev[k]: k in -(d-1)..d-1 */
		long k = x - y, pk, px, py, sx;

		if (k == -d || (k != d && prev[k - 1] < prev[k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = prev[pk];
		py = px - pk;
		sx = pk == k + 1 ? px : px + 1; /* where the snake after the edit starts */
		while (x > sx)
			x--, y--, push(rev, ' ', (size_t)x, (size_t)y);
		if (pk == k + 1)
			push(rev, '+', 0, (size_t)py);
		else
			push(rev, '-', (size_t)px, 0);
		x = px;
		y = py;
	}
	while (x > 0)
		x--, y--, push(rev, ' ', (size_t)x, (size_t)y);
}

/*
 * Appends the middle's edits to d (indexes shifted by head), removed
 * lines before added ones in each run of changes.
 */
static void append_middle(struct linediff *d, const struct linediff *rev,
			  size_t head)
{
	size_t i = rev->nr;

	while (i > 0) {
		size_t end = i;

		if (rev->v[i - 1].op == ' ') {
			i--;
			push(d, ' ', rev->v[i].a + head, rev->v[i].b + head);
			continue;
		}
		while (i > 0 && rev->v[i - 1].op != ' ')
			i--;
		for (size_t k = end; k > i; k--)
			if (rev->v[k - 1].op == '-')
				push(d, '-', rev->v[k - 1].a + head, 0);
		for (size_t k = end; k > i; k--)
			if (rev->v[k - 1].op == '+')
				push(d, '+', 0, rev->v[k - 1].b + head);
	}
}

static void diff_middle(struct mid *c, size_t head, size_t max_d,
			struct linediff *d)
{
	long bound = (long)(max_d < (size_t)(c->n + c->m) ? max_d : (size_t)(c->n + c->m));
	long *trace = xcalloc((size_t)((bound + 1) * (bound + 1)), sizeof(*trace));
	struct linediff rev;
	long dmax;

	memset(&rev, 0, sizeof(rev));
	c->ha = xcalloc((size_t)c->n + 1, sizeof(*c->ha));
	c->hb = xcalloc((size_t)c->m + 1, sizeof(*c->hb));
	for (long i = 0; i < c->n; i++)
		c->ha[i] = hash_line(c->a[i]);
	for (long i = 0; i < c->m; i++)
		c->hb[i] = hash_line(c->b[i]);
	dmax = search(c, bound, trace);
	if (dmax >= 0) {
		walk_back(c, trace, dmax, &rev);
		append_middle(d, &rev, head);
	} else {
		d->bounded = 1;
		for (long i = 0; i < c->n; i++)
			push(d, '-', head + (size_t)i, 0);
		for (long i = 0; i < c->m; i++)
			push(d, '+', 0, head + (size_t)i);
	}
	linediff_release(&rev);
	free(trace);
	free(c->ha);
	free(c->hb);
}

void linediff(const char *const *a, size_t na, const char *const *b, size_t nb,
	      size_t max_d, struct linediff *d)
{
	size_t head = 0, tail = 0;
	struct mid c;

	memset(d, 0, sizeof(*d));
	while (head < na && head < nb && !strcmp(a[head], b[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       !strcmp(a[na - 1 - tail], b[nb - 1 - tail]))
		tail++;
	for (size_t i = 0; i < head; i++)
		push(d, ' ', i, i);
	c.a = a + head;
	c.b = b + head;
	c.n = (long)(na - head - tail);
	c.m = (long)(nb - head - tail);
	if (c.n || c.m)
		diff_middle(&c, head, max_d, d);
	for (size_t i = tail; i > 0; i--)
		push(d, ' ', na - i, nb - i);
}

void linediff_release(struct linediff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ---- the unified form ---- */

struct ucap {
	struct strvec *out;
	size_t max, more;
};

static void uline(struct ucap *u, const char *prefix, const char *line)
{
	if (u->out->nr < u->max)
		strvec_pushf(u->out, "%s%s", prefix, line);
	else
		u->more++;
}

/* The end of the hunk that starts at edit i (with context before it). */
static size_t hunk_end(const struct linediff *d, size_t i, size_t context)
{
	size_t same_run = 0, end = i;

	for (size_t k = i; k < d->nr; k++) {
		if (d->v[k].op != ' ') {
			same_run = 0;
			end = k + 1;
		} else if (++same_run > 2 * context) {
			break;
		}
	}
	return end + context < d->nr ? end + context : d->nr;
}

/*
 * Where a hunk starts in each list: its first line there (1-based), or,
 * when it has none there, the line it comes after (0: the start).
 */
static void hunk_start(const struct linediff *d, size_t from, size_t to,
		       size_t *a0, size_t *b0)
{
	int have_a = 0, have_b = 0;

	*a0 = *b0 = 0;
	for (size_t k = from; k < to && (!have_a || !have_b); k++) {
		if (d->v[k].op != '+' && !have_a++)
			*a0 = d->v[k].a + 1;
		if (d->v[k].op != '-' && !have_b++)
			*b0 = d->v[k].b + 1;
	}
	for (size_t k = from; k > 0 && (!have_a || !have_b); k--) {
		if (d->v[k - 1].op != '+' && !have_a++)
			*a0 = d->v[k - 1].a + 1;
		if (d->v[k - 1].op != '-' && !have_b++)
			*b0 = d->v[k - 1].b + 1;
	}
}

static void hunk(struct ucap *u, const struct linediff *d, size_t from,
		 size_t to, const char *const *a, const char *const *b)
{
	size_t na = 0, nb = 0, a0, b0;
	struct strbuf h = STRBUF_INIT;

	for (size_t k = from; k < to; k++) {
		na += d->v[k].op != '+';
		nb += d->v[k].op != '-';
	}
	hunk_start(d, from, to, &a0, &b0);
	sb_printf(&h, "@@ -%zu,%zu +%zu,%zu @@", a0, na, b0, nb);
	uline(u, "", h.buf);
	for (size_t k = from; k < to; k++) {
		const struct ld_edit *e = &d->v[k];

		if (e->op == ' ')
			uline(u, "  ", a[e->a]);
		else if (e->op == '-')
			uline(u, "- ", a[e->a]);
		else
			uline(u, "+ ", b[e->b]);
	}
	strbuf_release(&h);
}

size_t linediff_unified(const struct linediff *d, const char *const *a,
			const char *const *b, size_t context, size_t max_lines,
			struct strvec *out)
{
	struct ucap u = { out, out->nr + max_lines, 0 };
	size_t i = 0;

	while (i < d->nr) {
		size_t start, end;

		while (i < d->nr && d->v[i].op == ' ')
			i++;
		if (i == d->nr)
			break;
		start = i > context ? i - context : 0;
		end = hunk_end(d, i, context);
		hunk(&u, d, start, end, a, b);
		i = end;
	}
	if (u.more)
		strvec_pushf(out, "... %zu more lines", u.more);
	return u.more;
}

void linediff_split(const char *text, struct strvec *out)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		strvec_pushf(out, "%.*s", (int)len, text);
		text += len + (nl != NULL);
	}
}
