/*
 * The pieces the Markdown report's sections are made of (markdown.c,
 * md_migration.c): pipe-table rows, cells, headers, cells that link a
 * log. Everything from the store goes through rep_md_cell.
 */
#include "builders.h"
#include "md_kit.h"
#include "banned.h"

void rep_md_row_start(struct strbuf *out)
{
	sb_puts(out, "|");
}

void rep_md_td(struct strbuf *out, const char *s)
{
	sb_putc(out, ' ');
	if (s && *s)
		rep_md_cell(out, s);
	else
		sb_puts(out, "—");
	sb_puts(out, " |");
}

void rep_md_list_td(struct strbuf *out, const struct strvec *sv, size_t max)
{
	struct strbuf t = STRBUF_INIT;

	for (size_t i = 0; i < sv->nr && i < max; i++)
		sb_printf(&t, "%s%s", i ? ", " : "", sv->v[i]);
	if (sv->nr > max)
		sb_printf(&t, " and %zu more", sv->nr - max);
	rep_md_td(out, t.buf);
	strbuf_release(&t);
}

void rep_md_code_td(struct strbuf *out, const char *s)
{
	rep_md_td(out, s);
}

void rep_md_header(struct strbuf *out, const char *const *h, size_t n)
{
	rep_md_row_start(out);
	for (size_t i = 0; i < n; i++)
		rep_md_td(out, h[i]);
	sb_puts(out, "\n|");
	for (size_t i = 0; i < n; i++)
		sb_puts(out, "---|");
	sb_putc(out, '\n');
}

void rep_md_linked(struct strbuf *out, const char *text, const char *log)
{
	sb_putc(out, ' ');
	if (log)
		sb_puts(out, "[");
	rep_md_cell(out, text);
	if (log) {
		sb_puts(out, "](");
		rep_md_cell(out, log);
		sb_puts(out, ")");
	}
	sb_puts(out, " |");
}
