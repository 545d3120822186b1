#ifndef VM_LINEPARSE_H
#define VM_LINEPARSE_H

/*
 * Splitting the line-oriented data files of specs/ into words: words are
 * separated by blanks, "double quotes" group words (with \" and \\
 * escapes), and # starts a comment at the beginning of a word. Errors
 * name the file and line: "specs/qemu.recipe:12: unterminated quote".
 */

#include "strbuf.h"

struct line_iter {
	const char *path;
	const char *p;
	int lineno;
	struct strbuf line;
};

void line_iter_init(struct line_iter *it, const char *path, const char *text);
void line_iter_release(struct line_iter *it);
/* Next line's words into words (cleared first); 1 on a line, 0 at the end, -1 on error (reported). */
int line_iter_next(struct line_iter *it, struct strvec *words);
/*
 * "error: PATH:LINE: message" for a mistake in a file the user gave; the
 * message quotes the file, so its bytes are escaped (str_printable).
 * Returns -1.
 */
int verror_at(const char *path, int line, const char *fmt, va_list ap)
	VM_PRINTF(3, 0);
/*
 * error("<path>:<line>: <message>"), the message's bytes that are not
 * printable escaped (str_printable: it quotes the file); returns -1.
 */
int line_error(const struct line_iter *it, const char *fmt, ...) VM_PRINTF(2, 3);

/*
 * Reads a data file (a regular file, at most 4 MiB, no NUL bytes: see
 * read_regular_file) into sb; reports errors.
 */
int data_file_read(const char *path, struct strbuf *sb) VM_WUR;

#endif
