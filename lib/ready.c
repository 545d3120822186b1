/*
 * Readiness from observable state. A server child (DPDK testpmd with its
 * vhost-user sockets) is ready when each of its listening sockets accepts
 * a connection; the text it prints says nothing reliable, because stdio
 * keeps a pipe's output in its buffer (testpmd 22.11.11 shows "start
 * packet forwarding" only at exit). While waiting, the child's output is
 * collected so that a reason can quote what it really printed, and the
 * child's own end is noticed at once.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ready.h"
#include "fs.h"
#include "banned.h"

int ready_unix_accepts(const char *path, struct strbuf *why)
{
	struct sockaddr_un sa;
	struct stat stbuf;
	int fd, ok;

	if (unix_sockaddr(&sa, path)) {
		if (why)
			sb_printf(why, "the path is %zu bytes, longer than a unix "
				       "socket address allows (%zu)",
				  strlen(path), sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (stat(path, &stbuf)) {
		if (why)
			sb_printf(why, "%s", strerror(errno));
		return 0;
	}
	if (!S_ISSOCK(stbuf.st_mode)) {
		if (why)
			sb_puts(why, "it exists but is not a socket");
		return 0;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		if (why)
			sb_printf(why, "socket: %s", strerror(errno));
		return 0;
	}
	ok = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (!ok && why)
		sb_printf(why, "connect: %s", strerror(errno));
	close(fd);
	return ok;
}

int ready_wait_unix_sockets(struct command *child, const char *what,
			    const char *const *paths, size_t n, double timeout,
			    struct strbuf *why)
{
	double deadline = now_monotonic() + timeout;
	struct strbuf seen = STRBUF_INIT;
	size_t next = 0;
	int ret = -1;

	for (;;) {
		int r;

		/* Sockets that accepted stay counted: walk on from there. */
		while (next < n) {
			strbuf_reset(&seen);
			r = ready_unix_accepts(paths[next], &seen);
			if (r < 0) {
				sb_printf(why, "%s's socket '%s' cannot be used: %s", what,
					  paths[next], seen.buf);
				goto out;
			}
			if (!r)
				break;
			next++;
		}
		if (next == n) {
			ret = 0;
			goto out;
		}
		r = command_pump(child, 0.05);
		if (r == 0) {
			struct strbuf how = STRBUF_INIT;

			command_wait(child, 5);
			command_describe(child, &how);
			sb_printf(why, "%s %s before its socket '%s' accepted a "
				       "connection; it printed:\n%s",
				  what, how.buf, paths[next],
				  str_tail_lines(child->output.buf, child->output.len, 5));
			strbuf_release(&how);
			goto out;
		}
		if (r < 0) {
			sb_printf(why, "interrupted while waiting for %s's socket '%s'",
				  what, paths[next]);
			goto out;
		}
		if (now_monotonic() > deadline) {
			sb_printf(why, "%s is running but its socket '%s' did not accept "
				       "a connection within %.0f s (last try: %s); it "
				       "printed:\n%s",
				  what, paths[next], timeout, seen.buf,
				  str_tail_lines(child->output.buf, child->output.len, 5));
			goto out;
		}
	}
out:
	strbuf_release(&seen);
	return ret;
}
