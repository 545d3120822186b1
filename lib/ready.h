#ifndef VM_READY_H
#define VM_READY_H

/*
 * Readiness of a child judged from state that can be observed, never from
 * text it prints: a child's stdout into a pipe is fully buffered by stdio,
 * so a line such as testpmd's "start packet forwarding" may sit in its
 * buffer until it exits. A server is ready when its listening socket
 * accepts a connection.
 */

#include <stddef.h>

#include "command.h"
#include "strbuf.h"
#include "util.h"

/*
 * True (1) when a stream connection to the unix socket at path is
 * accepted now, 0 when it is not (yet), -1 when it never can be (the path
 * is too long for a socket address). The connection is closed at once.
 * On 0 and -1, why (if not NULL) is set to what was seen ("no such file",
 * "connection refused", "not a socket").
 */
int ready_unix_accepts(const char *path, struct strbuf *why);

/*
 * Waits until every one of the n unix sockets in paths accepts a
 * connection, while the child keeps running (it is not waited for).
 * Returns 0 when all accept; -1 after writing the true reason into why
 * (not reported): the child ended first (its exit and the tail of its
 * output), the timeout passed (which socket was still not accepting and
 * what connecting to it gave), or virt-matrix was interrupted.
 */
int ready_wait_unix_sockets(struct command *child, const char *what,
			    const char *const *paths, size_t n, double timeout,
			    struct strbuf *why) VM_WUR;

#endif
