/*
 * The pieces the HTML report's sections are made of (html.c,
 * html_abi.c): ids made from names, tables with their filter box, cells,
 * folded lists. Everything from the store goes through rep_html.
 */
#include <ctype.h>

#include "builders.h"
#include "html_kit.h"
#include "banned.h"

void rep_html_id(struct strbuf *out, const char *prefix, const char *s)
{
	sb_puts(out, prefix);
	for (; s && *s; s++)
		sb_putc(out, isalnum((unsigned char)*s) ? *s : '-');
}

void rep_html_table_open(struct strbuf *out, const char *id,
			 const char *const *heads, size_t n, int onlydiff)
{
	sb_puts(out, "<div class=\"filterbar\"><input class=\"tfilter\" type=\"search\" "
		     "placeholder=\"filter rows\" data-table=\"");
	rep_html(out, id);
	sb_puts(out, "\">");
	if (onlydiff) {
		sb_puts(out, " <label><input class=\"onlydiff\" type=\"checkbox\" data-table=\"");
		rep_html(out, id);
		sb_puts(out, "\"> only options that differ</label>");
	}
	sb_puts(out, "<span class=\"count\" id=\"");
	rep_html(out, id);
	sb_puts(out, "-count\"></span></div>\n<div class=\"tw\"><table class=\"rep\" id=\"");
	rep_html(out, id);
	sb_puts(out, "\"><thead><tr>");
	for (size_t i = 0; i < n; i++) {
		sb_puts(out, "<th>");
		rep_html(out, heads[i]);
		sb_puts(out, "</th>");
	}
	sb_puts(out, "</tr></thead><tbody>\n");
}

void rep_html_table_close(struct strbuf *out)
{
	sb_puts(out, "</tbody></table></div>\n");
}

void rep_html_td(struct strbuf *out, const char *cls, const char *s)
{
	if (cls && *cls)
		sb_printf(out, "<td class=\"%s\">", cls);
	else
		sb_puts(out, "<td>");
	if (s)
		rep_html(out, s);
	else
		sb_puts(out, "&mdash;");
	sb_puts(out, "</td>");
}

void rep_html_td_list(struct strbuf *out, const struct strvec *sv)
{
	sb_puts(out, "<td>");
	if (sv->nr > 4) {
		sb_printf(out, "<details><summary>%zu: ", sv->nr);
		rep_html(out, sv->v[0]);
		sb_puts(out, ", ");
		rep_html(out, sv->v[1]);
		sb_puts(out, " &hellip;</summary>");
	}
	for (size_t i = 0; i < sv->nr; i++) {
		if (i)
			sb_puts(out, ", ");
		rep_html(out, sv->v[i]);
	}
	if (sv->nr > 4)
		sb_puts(out, "</details>");
	sb_puts(out, "</td>");
}
