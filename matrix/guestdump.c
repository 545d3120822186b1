/*
 * The text form of a guest view (matrix/guestview.h), for recorded dumps
 * under tests/data/guestview/ that the unit tests parse: one header line
 * per item, "item NAME ADDR LEN" (ADDR in hex, LEN in decimal), then its
 * bytes as lines of at most 32 lower-case hex pairs. Lines starting with
 * '#' are comments.
 */
#include <stdlib.h>
#include <string.h>

#include "guestview.h"
#include "banned.h"

void guestview_dump(const struct guestview *gv, struct strbuf *out)
{
	for (size_t i = 0; i < gv->nr; i++) {
		const struct gv_item *it = &gv->items[i];

		sb_printf(out, "item %s 0x%llx %zu\n", it->name,
			  (unsigned long long)it->addr, it->len);
		for (size_t j = 0; j < it->len; j++)
			sb_printf(out, "%02x%s", it->data[j],
				  (j % 32 == 31 || j + 1 == it->len) ? "\n" : "");
	}
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The item being read, complete, into gv (its name and bytes freed and
 * reset); -1 when fewer bytes came than its header said.
 */
static int end_item(struct guestview *gv, char **name, unsigned long long addr,
		    unsigned char **data, size_t len, size_t have)
{
	int ret = 0;

	if (*name && have != len)
		ret = -1;
	else if (*name)
		guestview_add(gv, *name, addr, *data, len);
	free(*name);
	free(*data);
	*name = NULL;
	*data = NULL;
	return ret;
}

int guestview_undump(const char *text, const char *path, struct guestview *gv)
{
	const char *p = text;
	int lineno = 0;
	unsigned char *data = NULL;
	char *name = NULL;
	unsigned long long addr = 0;
	size_t len = 0, have = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *rest;

		lineno++;
		if (n && p[0] == '#') {
			/* comment */
		} else if (skip_prefix(p, "item ", &rest)) {
			const char *sp1 = memchr(rest, ' ', n - 5);
			const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1)) : NULL;
			char num[32];
			long l;
			char *end;

			if (end_item(gv, &name, addr, &data, len, have))
				goto bad;
			if (!sp1 || !sp2 || (size_t)(p + n - sp2 - 1) >= sizeof(num))
				goto bad;
			name = xstrndup(rest, (size_t)(sp1 - rest));
			addr = strtoull(sp1 + 1, &end, 16);
			if (end != sp2)
				goto bad;
			memcpy(num, sp2 + 1, (size_t)(p + n - sp2 - 1));
			num[p + n - sp2 - 1] = '\0';
			if (parse_long(num, 0, 16 << 20, &l))
				goto bad;
			len = (size_t)l;
			have = 0;
			data = xmalloc(len ? len : 1);
		} else if (n) {
			if (!name || n % 2 || have + n / 2 > len)
				goto bad;
			for (size_t i = 0; i < n; i += 2) {
				int hi = hexdigit(p[i]), lo = hexdigit(p[i + 1]);

				if (hi < 0 || lo < 0)
					goto bad;
				data[have++] = (unsigned char)(hi << 4 | lo);
			}
		}
		p += n + (eol ? 1 : 0);
	}
	if (end_item(gv, &name, addr, &data, len, have))
		goto bad;
	return 0;
bad:
	free(name);
	free(data);
	return error("%s:%d: not a guest view dump line", path, lineno);
}
