/*
 * Version parsing, ordering and series ranges. The grammar is shared by
 * the catalog, the build recipes and the patch directories, so that a
 * range means the same thing everywhere.
 */
#include <ctype.h>
#include <string.h>

#include "version.h"
#include "banned.h"

static int parse_number(const char **p, long *out)
{
	long v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (v > 100000000)
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

int version_parse(const char *s, struct version *v)
{
	const char *p = s;
	size_t n;

	memset(v, 0, sizeof(*v));
	v->rc = -1;
	for (;;) {
		if (v->nparts == VERSION_MAX_PARTS ||
		    parse_number(&p, &v->part[v->nparts]))
			return -1;
		v->nparts++;
		if (*p != '.')
			break;
		p++;
	}
	if ((p[0] == '-' && p[1] == 'r' && p[2] == 'c') ||
	    (p[0] == 'r' && p[1] == 'c')) {
		p += p[0] == '-' ? 3 : 2;
		if (parse_number(&p, &v->rc))
			return -1;
	}
	if (!*p)
		return 0;
	if (*p != '-' && *p != '+' && *p != '~')
		return -1;
	n = strlen(p + 1);
	if (!n || n >= sizeof(v->label))
		return -1;
	for (const char *q = p + 1; *q; q++)
		if (!isalnum((unsigned char)*q) && !strchr(".-+~_:", *q))
			return -1;
	memcpy(v->label, p + 1, n + 1);
	return 0;
}

static int cmp_parts(const struct version *a, const struct version *b, int n)
{
	for (int i = 0; i < n; i++) {
		long x = i < a->nparts ? a->part[i] : 0;
		long y = i < b->nparts ? b->part[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int version_cmp(const struct version *a, const struct version *b)
{
	int n = a->nparts > b->nparts ? a->nparts : b->nparts;
	int c = cmp_parts(a, b, n);

	if (c)
		return c;
	if (a->rc != b->rc) {
		if (a->rc < 0)
			return 1;
		if (b->rc < 0)
			return -1;
		return a->rc < b->rc ? -1 : 1;
	}
	c = strcmp(a->label, b->label);
	return c < 0 ? -1 : c > 0;
}

int version_strcmp(const char *a, const char *b)
{
	struct version va, vb;
	int pa = !version_parse(a, &va), pb = !version_parse(b, &vb);

	if (pa && pb)
		return version_cmp(&va, &vb);
	if (pa != pb)
		return pa ? -1 : 1;
	return strcmp(a, b);
}

static int parse_series(const char *s, size_t len, struct version *v)
{
	char buf[128];

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (version_parse(buf, v) || v->rc >= 0 || v->label[0])
		return -1;
	return 0;
}

int vrange_parse(const char *s, struct vrange *r)
{
	const char *dots = strstr(s, "..");

	memset(r, 0, sizeof(*r));
	if (!strcmp(s, "*")) {
		r->any = 1;
		return 0;
	}
	if (!dots) {
		if (parse_series(s, strlen(s), &r->lo))
			return -1;
		r->hi = r->lo;
		r->has_lo = r->has_hi = 1;
		return 0;
	}
	if (dots != s) {
		if (parse_series(s, (size_t)(dots - s), &r->lo))
			return -1;
		r->has_lo = 1;
	}
	if (dots[2]) {
		if (parse_series(dots + 2, strlen(dots + 2), &r->hi))
			return -1;
		r->has_hi = 1;
	}
	if (!r->has_lo && !r->has_hi)
		return -1;
	if (r->has_lo && r->has_hi) {
		int n = r->lo.nparts < r->hi.nparts ? r->lo.nparts
						    : r->hi.nparts;
		if (cmp_parts(&r->lo, &r->hi, n) > 0)
			return -1;
	}
	return 0;
}

int vrange_contains(const struct vrange *r, const struct version *v)
{
	if (r->any)
		return 1;
	if (r->has_lo && cmp_parts(v, &r->lo, r->lo.nparts) < 0)
		return 0;
	if (r->has_hi && cmp_parts(v, &r->hi, r->hi.nparts) > 0)
		return 0;
	return 1;
}
