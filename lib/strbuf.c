/*
 * Growable strings and string vectors. Every buffer that holds data read
 * from outside the process is created with a cap (strbuf_init's max).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "banned.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
	sb->cut = 0;
	sb->sink = NULL;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, sb->max);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->alloc ? sb->buf : xstrdup("");

	strbuf_init(sb, sb->max);
	return s;
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
	sb->cut = 0;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		die("strbuf_setlen beyond length");
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

static int grow(struct strbuf *sb, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - sb->len - 1)
		die("out of memory");
	if (sb->max && sb->len + extra > sb->max) {
		errno = EFBIG;
		return -1;
	}
	need = sb->len + extra + 1;
	if (need > sb->alloc) {
		char *old = sb->alloc ? sb->buf : NULL;
		size_t n = sb->alloc ? sb->alloc : 64;

		while (n < need)
			n = n < SIZE_MAX / 2 ? n * 2 : need;
		sb->buf = xrealloc(old, n);
		if (!old)
			sb->buf[0] = '\0';
		sb->alloc = n;
	}
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (grow(sb, len))
		return -1;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	size_t room = sb->alloc ? sb->alloc - sb->len : 0; /* with the NUL's byte */
	va_list cp;
	int n;

	/* Once into the room there is (git's strbuf_vaddf); again if short. */
	va_copy(cp, ap);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	if ((size_t)n < room) {
		if (sb->max && sb->len + (size_t)n > sb->max) {
			sb->buf[sb->len] = '\0';
			errno = EFBIG;
			return -1;
		}
		sb->len += (size_t)n;
		return 0;
	}
	if (grow(sb, (size_t)n)) {
		if (sb->alloc)
			sb->buf[sb->len] = '\0';
		return -1;
	}
	if (vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap) != n)
		die("vsnprintf changed its mind");
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

/* Writes what sb holds to its sink, and empties sb. */
static void sink_flush(struct strbuf *sb)
{
	struct strbuf_sink *k = sb->sink;
	const char *p = sb->buf;
	size_t n = sb->len;

	while (n && !k->err) {
		ssize_t w = write(k->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			k->err = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	strbuf_reset(sb);
}

static void sink_maybe_flush(struct strbuf *sb)
{
	if (sb->sink && sb->len >= STRBUF_SINK_CHUNK)
		sink_flush(sb);
}

void strbuf_sink_start(struct strbuf *sb, struct strbuf_sink *sink, int fd)
{
	if (sb->max)
		die("a strbuf with a cap cannot pass its text on");
	sink->fd = fd;
	sink->err = 0;
	sb->sink = sink;
	sink_maybe_flush(sb);
}

int strbuf_sink_finish(struct strbuf *sb)
{
	struct strbuf_sink *k = sb->sink;

	if (!k)
		return 0;
	sink_flush(sb);
	sb->sink = NULL;
	if (!k->err)
		return 0;
	errno = k->err;
	return -1;
}

/*
 * Appends len bytes of data, or, past the cap, what fits before the cut
 * marker, then the marker; nothing once the text was cut.
 */
static void sb_add_cut(struct strbuf *sb, const char *data, size_t len)
{
	static const char mark[] = STRBUF_CUT_MARKER;
	size_t mlen = sizeof(mark) - 1, keep;

	if (sb->cut)
		return;
	if (!sb->max || sb->len + len <= sb->max) {
		if (strbuf_add(sb, data, len))
			die("strbuf_add within its cap failed");
		sink_maybe_flush(sb);
		return;
	}
	/* Room for the marker: drop the end of what is there if need be. */
	keep = sb->max > mlen ? sb->max - mlen : 0;
	if (sb->len > keep)
		strbuf_setlen(sb, keep);
	if (strbuf_add(sb, data, keep - sb->len) ||
	    strbuf_add(sb, mark, sb->max > mlen ? mlen : sb->max - sb->len))
		die("strbuf_add within its cap failed");
	sb->cut = 1;
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add_cut(sb, s, strlen(s));
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_add_cut(sb, &c, 1);
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_add_cut(sb, data, len);
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	struct strbuf t = STRBUF_INIT;
	int r;

	if (sb->cut)
		return;
	r = strbuf_vaddf(sb->max ? &t : sb, fmt, ap);
	if (r)
		die("vsnprintf into an uncapped buffer failed");
	if (sb->max)
		sb_add_cut(sb, t.buf, t.len);
	else
		sink_maybe_flush(sb);
	strbuf_release(&t);
}

void strbuf_rtrim(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && (sb->buf[n - 1] == ' ' || sb->buf[n - 1] == '\n' ||
		     sb->buf[n - 1] == '\t' || sb->buf[n - 1] == '\r'))
		n--;
	strbuf_setlen(sb, n);
}

int strbuf_read_file(struct strbuf *sb, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	ret = strbuf_read_fd(sb, fd, path, max);
	close(fd);
	return ret;
}

int strbuf_read_fd(struct strbuf *sb, int fd, const char *path, size_t max)
{
	char chunk[65536];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return error_errno("cannot read '%s'", path);
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if ((max && total > max) || strbuf_add(sb, chunk, (size_t)n))
			return error("cannot read '%s': larger than %zu bytes",
				     path, max ? max : sb->max);
	}
	return 0;
}

const char *str_tail_lines(const char *s, size_t len, int n)
{
	size_t i = len;

	if (i && s[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (s[i - 1] == '\n' && --n == 0)
			break;
		i--;
	}
	return s + i;
}

static const char *printable(struct strbuf *out, const char *s, size_t len,
			     size_t max, int keep_newlines)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int plain = (c >= 0x20 && c <= 0x7e && c != '\\') ||
			    (c == '\n' && keep_newlines);
		size_t width = plain ? 1 : c == '\\' ? 2 : 4;

		if (max && out->len + width > max)
			break;
		if (plain)
			sb_putc(out, (char)c);
		else if (c == '\\')
			sb_puts(out, "\\\\");
		else
			sb_printf(out, "\\x%02x", c);
	}
	if (i < len)
		sb_puts(out, "...");
	return out->buf;
}

const char *str_printable(struct strbuf *out, const char *s, size_t len,
			  size_t max)
{
	return printable(out, s, len, max, 0);
}

const char *str_printable_lines(struct strbuf *out, const char *s,
				size_t len, size_t max)
{
	return printable(out, s, len, max, 1);
}

void strvec_push(struct strvec *sv, const char *s)
{
	ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = xstrdup(s);
	sv->v[sv->nr] = NULL;
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (r)
		die("strvec_pushf failed");
	ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = strbuf_detach(&sb);
	sv->v[sv->nr] = NULL;
}

void strvec_pushv(struct strvec *sv, const char *const *v)
{
	for (; v && *v; v++)
		strvec_push(sv, *v);
}

void strvec_remove(struct strvec *sv, size_t i)
{
	if (i >= sv->nr)
		return;
	free((char *)sv->v[i]);
	memmove(sv->v + i, sv->v + i + 1, (sv->nr - i) * sizeof(*sv->v));
	sv->nr--;
}

void strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->nr; i++)
		free((char *)sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->nr = sv->alloc = 0;
}

int strvec_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

void sb_shell_word(struct strbuf *out, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";

	if (*s && strspn(s, safe) == strlen(s))
		sb_puts(out, s);
	else
		sb_shell_quote(out, s);
}

void sb_shell_quote(struct strbuf *out, const char *s)
{
	sb_putc(out, '\'');
	for (; *s; s++)
		if (*s == '\'')
			sb_puts(out, "'\\''");
		else
			sb_putc(out, *s);
	sb_putc(out, '\'');
}

void strvec_join(const struct strvec *sv, struct strbuf *out)
{
	for (size_t i = 0; i < sv->nr; i++) {
		const char *s = sv->v[i];

		if (i)
			sb_putc(out, ' ');
		if (!*s || strpbrk(s, " \t\n'\"\\$"))
			sb_printf(out, "'%s'", s);
		else
			sb_puts(out, s);
	}
}
