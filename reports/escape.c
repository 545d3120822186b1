/*
 * Escaping for the writers: everything that comes from the store (names,
 * values, argv, logs) goes through one of these before it reaches HTML,
 * Markdown or XML output.
 */
#include <string.h>

#include "builders.h"
#include "banned.h"

void rep_html(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '>': sb_puts(out, "&gt;"); break;
		case '"': sb_puts(out, "&quot;"); break;
		case '\'': sb_puts(out, "&#39;"); break;
		default: sb_putc(out, *s);
		}
	}
}

void rep_md_cell(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|': sb_puts(out, "\\|"); break;
		case '\n': sb_puts(out, "<br>"); break;
		case '\r': break;
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '`': sb_puts(out, "&#96;"); break;
		case '*': case '_': case '[': case ']': case '\\':
			sb_putc(out, '\\');
			sb_putc(out, *s);
			break;
		default: sb_putc(out, *s);
		}
	}
}

/* The length of the valid UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3
		 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void rep_xml(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)s);

			if (!n) {
				sb_putc(out, '?'); /* XML must be valid UTF-8 */
				continue;
			}
			if (strbuf_add(out, s, n))
				die("rep_xml");
			s += n - 1;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue; /* not allowed in XML 1.0, even escaped */
		switch (c) {
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '>': sb_puts(out, "&gt;"); break;
		case '"': sb_puts(out, "&quot;"); break;
		case '\'': sb_puts(out, "&apos;"); break;
		default: sb_putc(out, *s);
		}
	}
}

const char *rep_vname(const struct rep_versions *v, int i)
{
	return i >= 0 && (size_t)i < v->nr ? v->v[i].name : "?";
}
