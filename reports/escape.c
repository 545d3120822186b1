/*
 * Escaping for the writers: everything that comes from the store (names,
 * values, argv, logs) goes through one of these before it reaches HTML
 * or Markdown output (XML: xml_escape of lib/xmlesc.h).
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

const char *rep_vname(const struct rep_versions *v, int i)
{
	return i >= 0 && (size_t)i < v->nr ? v->v[i].name : "?";
}
