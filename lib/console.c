/*
 * The two-way serial console of a guest (console.h): a non-blocking
 * socket, read into a capped log while waiting for a marker.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "banned.h"

void console_init(struct console *c, size_t max)
{
	c->fd = -1;
	strbuf_init(&c->log, max);
	c->from = 0;
}

int console_attach(struct console *c, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		error_errno("cannot make the console socket non-blocking");
		close(fd);
		return -1;
	}
	c->fd = fd;
	return 0;
}

void console_release(struct console *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	strbuf_release(&c->log);
	c->from = 0;
}

/* Whatever the socket holds now into the log: 1 read, 0 nothing, -1 closed. */
static int console_drain(struct console *c)
{
	char buf[4096];
	int got = 0;

	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof(buf));

		if (n > 0) {
			/* Text that may be cut: past the cap, the marker and no more. */
			if (!c->log.cut) {
				char *t = xstrndup(buf, (size_t)n);

				/* NUL bytes from a guest would end the text early. */
				for (ssize_t i = 0; i < n; i++)
					if (!t[i])
						t[i] = ' ';
				sb_puts(&c->log, t);
				free(t);
			}
			got = 1;
			continue;
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return got;
		return -1;
	}
}

/*
 * Whether marker is in the log from c->from on a whole line (its
 * newline has arrived: the rest of the line may be what the caller
 * reads); moves from past that line.
 */
static int console_seen(struct console *c, const char *marker)
{
	const char *p = strstr(c->log.buf + c->from, marker);
	const char *eol = p ? strchr(p, '\n') : NULL;

	if (!eol)
		return 0;
	c->from = (size_t)(eol + 1 - c->log.buf);
	return 1;
}

enum console_wait console_wait(struct console *c, struct command *cmd,
			       const char *marker, double timeout)
{
	double deadline = now_monotonic() + timeout;

	if (c->from > c->log.len)
		c->from = c->log.len;
	for (;;) {
		struct pollfd pfd[2] = { { c->fd, POLLIN, 0 },
					 { cmd ? cmd->pidfd : -1, POLLIN, 0 } };
		double left;
		int closed = c->fd < 0;

		if (!closed && console_drain(c) < 0) {
			close(c->fd);
			c->fd = -1;
			closed = 1;
		}
		if (console_seen(c, marker))
			return CONSOLE_SEEN;
		if (vm_interrupted)
			return CONSOLE_INTERRUPTED;
		if (closed || (cmd && !command_running(cmd)))
			return CONSOLE_CLOSED;
		left = deadline - now_monotonic();
		if (left <= 0)
			return CONSOLE_TIMEOUT;
		/* QEMU's stderr, so that its pipe never fills while we wait. */
		if (cmd && command_pump(cmd, 0) < 0)
			return CONSOLE_INTERRUPTED;
		poll(pfd, 2, left > 0.2 ? 200 : (int)(left * 1000) + 1);
	}
}

int console_send(struct console *c, const char *line)
{
	size_t len = strlen(line), off = 0;
	char *t = xmalloc(len + 1);
	int ret = 0;

	memcpy(t, line, len);
	t[len++] = '\n';
	while (off < len) {
		ssize_t n;

		if (c->fd < 0) {
			ret = -1;
			break;
		}
		n = write(c->fd, t + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { c->fd, POLLOUT, 0 };

			/* A line is a few bytes: a socket that stays full is broken. */
			if (poll(&pfd, 1, 5000) > 0)
				continue;
		}
		ret = -1;
		break;
	}
	free(t);
	return ret;
}
