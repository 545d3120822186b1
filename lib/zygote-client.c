/*
 * virt-matrix's side of a zygote's socket (zygote-client.h): asking for
 * children and collecting what the zygote reports of their ends, under
 * one lock so that threads can share a zygote. It starts no process and
 * uses nothing of command.c; the protocol is in zygote-proto.h and the
 * zygote's side in zygote-preload.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zygote-client.h"
#include "zygote-proto.h"
#include "banned.h"

#define REPLY_TIMEOUT 10

void zygote_conn_init(struct zygote *z, int fd, const char *binary)
{
	z->fd = fd;
	z->gone = z->warned = 0;
	z->binary = xstrdup(binary);
	pthread_mutex_init(&z->lock, NULL);
	memset(z->exits, 0, sizeof(z->exits));
	z->next_exit = 0;
}

void zygote_conn_release(struct zygote *z)
{
	if (z->fd >= 0)
		close(z->fd);
	z->fd = -1;
	pthread_mutex_destroy(&z->lock);
	free(z->binary);
	z->binary = NULL;
}

/*
 * Reads one message, waiting up to `seconds` (0: only if one is there).
 * 1 with *m, 0 when none came, -1 when the zygote is gone. Holds z->lock.
 */
static int read_msg(struct zygote *z, struct zygote_msg *m, double seconds)
{
	struct pollfd p = { z->fd, POLLIN, 0 };
	ssize_t n;
	int r;

	if (z->gone)
		return -1;
	do
		r = poll(&p, 1, (int)(seconds * 1000));
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	do
		n = recv(z->fd, m, sizeof(*m), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n != (ssize_t)sizeof(*m)) {
		z->gone = 1;
		return -1;
	}
	if (m->type == 'X') {
		z->exits[z->next_exit].pid = m->pid;
		z->exits[z->next_exit].status = m->value;
		z->next_exit = (z->next_exit + 1) % ZYGOTE_EXITS;
	}
	return 1;
}

static int find_exit(struct zygote *z, pid_t pid, int *status)
{
	for (size_t i = 0; i < ZYGOTE_EXITS; i++)
		if (z->exits[i].pid == pid) {
			*status = z->exits[i].status;
			z->exits[i].pid = 0;
			return 1;
		}
	return 0;
}

int zygote_wait_ready(struct zygote *z, double seconds)
{
	double deadline = now_monotonic() + seconds;
	struct zygote_msg m;
	int r = 0;

	pthread_mutex_lock(&z->lock);
	for (;;) {
		double left = deadline - now_monotonic();

		r = left > 0 ? read_msg(z, &m, left) : 0;
		if (r <= 0 || m.type == 'R')
			break;
	}
	pthread_mutex_unlock(&z->lock);
	return r;
}

int zygote_spawn(struct zygote *z, const char *const *argv, int out_fd,
		 pid_t *pid)
{
	struct strbuf req = STRBUF_INIT;
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *c;
	struct zygote_msg m;
	size_t argc = 0;
	double deadline;
	ssize_t n;
	int ret = -1, e = EPROTO;
	int too_long = 0;

	strbuf_init(&req, ZYGOTE_MAX_REQUEST - 1);
	for (; argv[argc] && !too_long; argc++)
		too_long = strbuf_add(&req, argv[argc], strlen(argv[argc]) + 1);
	if (too_long || argc > ZYGOTE_MAX_ARGS) {
		strbuf_release(&req);
		errno = E2BIG;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = req.buf;
	iov.iov_len = req.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.space;
	mh.msg_controllen = sizeof(ctl.space);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &out_fd, sizeof(int));

	pthread_mutex_lock(&z->lock);
	if (z->gone) {
		e = EPIPE;
		goto out;
	}
	do
		n = sendmsg(z->fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)req.len) {
		z->gone = 1;
		e = EPIPE;
		goto out;
	}
	deadline = now_monotonic() + REPLY_TIMEOUT;
	for (;;) {
		double left = deadline - now_monotonic();
		int r = left > 0 ? read_msg(z, &m, left) : 0;

		if (r <= 0) {
			/* A zygote that does not answer is no use any more. */
			z->gone = 1;
			e = EPIPE;
			goto out;
		}
		if (m.type == 'S') {
			*pid = m.pid;
			ret = 0;
			goto out;
		}
		if (m.type == 'E') {
			e = m.value;
			goto out;
		}
	}
out:
	if (e == EPIPE && !z->warned) {
		warning("the zygote of '%s' is gone; QEMU is started the usual way",
			z->binary);
		z->warned = 1;
	}
	pthread_mutex_unlock(&z->lock);
	strbuf_release(&req);
	if (ret)
		errno = e;
	return ret;
}

int zygote_exit_status(struct zygote *z, pid_t pid, double timeout,
		       int *status)
{
	double deadline = now_monotonic() + timeout;
	struct zygote_msg m;
	int ret;

	pthread_mutex_lock(&z->lock);
	for (;;) {
		double left = deadline - now_monotonic();
		int r;

		if (find_exit(z, pid, status)) {
			ret = 1;
			break;
		}
		r = read_msg(z, &m, left > 0 ? left : 0);
		if (r < 0 || (r == 0 && left <= 0)) {
			ret = r;
			break;
		}
	}
	pthread_mutex_unlock(&z->lock);
	return ret;
}
