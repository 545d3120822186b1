/*
 * Word splitting for the data files in specs/, with file:line errors.
 */
#include <stdio.h>
#include <string.h>

#include "lineparse.h"
#include "fs.h"
#include "banned.h"

void line_iter_init(struct line_iter *it, const char *path, const char *text)
{
	it->path = path;
	it->p = text;
	it->lineno = 0;
	strbuf_init(&it->line, 0);
}

void line_iter_release(struct line_iter *it)
{
	strbuf_release(&it->line);
}

int verror_at(const char *path, int line, const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT, esc = STRBUF_INIT;

	if (strbuf_vaddf(&msg, fmt, ap))
		die("cannot format an error in '%s'", path);
	error("%s:%d: %s", path, line, str_printable(&esc, msg.buf, msg.len, 0));
	strbuf_release(&msg);
	strbuf_release(&esc);
	return -1;
}

int line_error(const struct line_iter *it, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(it->path, it->lineno, fmt, ap);
	va_end(ap);
	return -1;
}

static int split(struct line_iter *it, const char *s, struct strvec *words)
{
	struct strbuf w = STRBUF_INIT;

	for (;;) {
		int quoted = 0;

		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			break;
		strbuf_reset(&w);
		while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\r'))) {
			if (*s == '"') {
				quoted = !quoted;
				s++;
				continue;
			}
			if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			sb_putc(&w, *s++);
		}
		if (quoted) {
			strbuf_release(&w);
			return line_error(it, "unterminated quote");
		}
		strvec_push(words, w.buf);
	}
	strbuf_release(&w);
	return 0;
}

int line_iter_next(struct line_iter *it, struct strvec *words)
{
	strvec_clear(words);
	while (*it->p) {
		size_t n = strcspn(it->p, "\n");

		it->lineno++;
		strbuf_reset(&it->line);
		if (strbuf_add(&it->line, it->p, n))
			die("line_iter");
		it->p += n;
		if (*it->p == '\n')
			it->p++;
		if (split(it, it->line.buf, words))
			return -1;
		if (words->nr)
			return 1;
	}
	return 0;
}

int data_file_read(const char *path, struct strbuf *sb)
{
	if (read_regular_file(sb, path, 4 << 20))
		return -1;
	if (strlen(sb->buf) != sb->len)
		return error("'%s' is not a text file (it contains a NUL byte)",
			     path);
	return 0;
}
