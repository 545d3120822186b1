#ifndef VM_STRBUF_H
#define VM_STRBUF_H

/*
 * The one growable string type (git's strbuf, curl's dynbuf). buf is
 * always NUL-terminated. A non-zero max caps the length, so input from a
 * child, a socket or a file can never grow without bound. Two ways to
 * append, one contract for the cap:
 *  - strbuf_add*() are for data that must be whole (a QMP reply, a file
 *    that is parsed): past the cap they fail with -1 and append nothing;
 *  - sb_*() are for text that may be cut (logs, reasons, reports): past
 *    the cap they append what fits, then the marker STRBUF_CUT_MARKER,
 *    and drop whatever comes after. They never fail.
 */

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

struct strbuf_sink;

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* 0: no cap */
	int cut;    /* sb_*() cut the text at max (the marker is in buf) */
	struct strbuf_sink *sink; /* NULL: the text stays in buf */
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0, 0, 0, NULL }
/* What ends a text that sb_*() cut at its buffer's cap. */
#define STRBUF_CUT_MARKER "\n[... cut: longer than this buffer keeps]\n"

void strbuf_init(struct strbuf *sb, size_t max);
/* Frees the contents; sb can be reused after strbuf_init. */
void strbuf_release(struct strbuf *sb);
/* Returns the malloc'd string (caller frees) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);

/* Appends; return 0, or -1 (errno EFBIG, nothing appended) past max. */
int strbuf_add(struct strbuf *sb, const void *data, size_t len) VM_WUR;
int strbuf_addstr(struct strbuf *sb, const char *s) VM_WUR;
int strbuf_addch(struct strbuf *sb, char c) VM_WUR;
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) VM_PRINTF(2, 3) VM_WUR;
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) VM_WUR;

/* Appends that cut at the cap with STRBUF_CUT_MARKER (see above). */
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_printf(struct strbuf *sb, const char *fmt, ...) VM_PRINTF(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap) VM_PRINTF(2, 0);

/*
 * Where the text of a document too large to keep whole (a report's HTML
 * or JSON) goes as it is made: once sb holds STRBUF_SINK_CHUNK bytes,
 * sb_*() write them to fd and empty sb, so that the same memory is used
 * again. Only sb_*() pass text on; buf and len show what is not yet
 * written. A sink's buffer has no cap.
 */
struct strbuf_sink {
	int fd;
	int err; /* errno of the first write that failed (0: none); nothing is written after */
};
#define STRBUF_SINK_CHUNK ((size_t)256 << 10)
/* Starts passing sb's text (uncapped; what it holds too) to fd through sink. */
void strbuf_sink_start(struct strbuf *sb, struct strbuf_sink *sink, int fd);
/*
 * Writes what sb still holds and ends the sink (sb is empty then). 0, or
 * -1 with errno set to that of the first write that failed.
 */
int strbuf_sink_finish(struct strbuf *sb) VM_WUR;

void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_rtrim(struct strbuf *sb);

/*
 * Reads a whole file into sb (appending). Fails with -1, reported with
 * the path, when it cannot be read or is larger than the cap.
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t max) VM_WUR;
/* The same from an open fd, read to its end (and left open); path names it. */
int strbuf_read_fd(struct strbuf *sb, int fd, const char *path, size_t max) VM_WUR;

/* The last n lines of s (pointer into s). */
const char *str_tail_lines(const char *s, size_t len, int n);

/*
 * Text from a file or a child (a scenario line, a patch header, a QMP
 * reply) made safe to quote in a message on a terminal: s[0..len) into
 * out (reset first; out must have no cap), with printable ASCII (0x20 to
 * 0x7e) kept, a backslash doubled and every other byte written as \xNN
 * (so "\033[2J" shows as "\x1b[2J", a newline as "\x0a", UTF-8 as its
 * bytes). What is shown is at most max bytes wide, escapes counting for
 * their width, then "..." when s was cut (max 0: all).
 * Returns out->buf, for use as a %s argument; it never fails.
 */
const char *str_printable(struct strbuf *out, const char *s, size_t len,
			  size_t max);
/* The same, with newlines kept: for output of several lines (a child's). */
const char *str_printable_lines(struct strbuf *out, const char *s,
				size_t len, size_t max);

/* A vector of strings, NULL-terminated, for argv and environments. */
struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};
#define STRVEC_INIT { NULL, 0, 0 }

void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) VM_PRINTF(2, 3);
void strvec_pushv(struct strvec *sv, const char *const *v);
/* Removes and frees element i. */
void strvec_remove(struct strvec *sv, size_t i);
void strvec_clear(struct strvec *sv);
/* Whether sv holds s. */
int strvec_has(const struct strvec *sv, const char *s);
/* The strings joined with sep, quoted when they contain spaces; for logs. */
void strvec_join(const struct strvec *sv, struct strbuf *out);
/*
 * s as one word of a POSIX shell command line, appended to out: as it is
 * when it holds only letters, digits and _@%+=:,./- (and is not empty),
 * else in single quotes, a ' inside written '\''.
 */
void sb_shell_word(struct strbuf *out, const char *s);
/* s in single quotes, whatever it holds, a ' inside written '\''. */
void sb_shell_quote(struct strbuf *out, const char *s);

#endif
