/*
 * virt-matrix's side of the zygote: starting it, asking it for children,
 * and collecting what it reports of their ends. The protocol is in
 * zygote-proto.h and the QEMU side in zygote-preload.c.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zygote.h"
#include "zygote-proto.h"
#include "command.h"
#include "paths.h"
#include "banned.h"

#define READY_TIMEOUT 10
#define REPLY_TIMEOUT 10
#define EXITS 128

struct zygote {
	struct command cmd;
	int fd;
	int gone;
	int warned; /* that it is gone */
	char *binary;
	pthread_mutex_t lock;
	/* Ends reported but not yet asked for: a ring. */
	struct {
		pid_t pid;
		int status;
	} exits[EXITS];
	size_t next_exit;
};

pid_t zygote_pid(const struct zygote *z)
{
	return z->cmd.pid;
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
		z->next_exit = (z->next_exit + 1) % EXITS;
	}
	return 1;
}

static int find_exit(struct zygote *z, pid_t pid, int *status)
{
	for (size_t i = 0; i < EXITS; i++)
		if (z->exits[i].pid == pid) {
			*status = z->exits[i].status;
			z->exits[i].pid = 0;
			return 1;
		}
	return 0;
}

struct zygote *zygote_start(const char *binary, struct strbuf *why)
{
	const char *off = getenv("VIRT_MATRIX_ZYGOTE");
	struct zygote *z = NULL;
	struct zygote_msg m;
	char *so = NULL;
	int sv[2] = { -1, -1 };
	double deadline;

	if (off && !strcmp(off, "off")) {
		sb_puts(why, "VIRT_MATRIX_ZYGOTE=off");
		return NULL;
	}
	so = paths_zygote();
	if (!so) {
		const char *env = getenv("VIRT_MATRIX_ZYGOTE_SO");

		if (env && *env)
			sb_printf(why, "cannot read '%s' (VIRT_MATRIX_ZYGOTE_SO)", env);
		else
			sb_puts(why, "no virt-matrix-zygote.so beside virt-matrix"
				     " or in ../lib/virt-matrix/");
		return NULL;
	}
	if (strpbrk(so, " :")) { /* LD_PRELOAD splits on them */
		sb_printf(why, "'%s' cannot be preloaded (a space or colon)", so);
		free(so);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		sb_printf(why, "socketpair: %s", strerror(errno));
		free(so);
		return NULL;
	}
	z = xcalloc(1, sizeof(*z));
	z->fd = sv[0];
	z->binary = xstrdup(binary);
	pthread_mutex_init(&z->lock, NULL);
	command_init(&z->cmd);
	/* Without the preload, QEMU prints its version and exits. */
	strvec_pushv(&z->cmd.args, (const char *const[]){ binary, "-version", NULL });
	strvec_pushf(&z->cmd.env, "LD_PRELOAD=%s", so);
	strvec_pushf(&z->cmd.env, "%s=1", ZYGOTE_ENV);
	z->cmd.in_fd = sv[1];
	z->cmd.capture_max = 64 << 10;
	free(so);
	if (command_start(&z->cmd)) {
		sb_printf(why, "cannot run '%s'", binary);
		close(sv[1]);
		zygote_free(z);
		return NULL;
	}
	close(sv[1]);
	deadline = now_monotonic() + READY_TIMEOUT;
	for (;;) {
		double left = deadline - now_monotonic();
		int r = left > 0 ? read_msg(z, &m, left) : 0;

		if (r > 0 && m.type == 'R')
			return z;
		if (r <= 0) {
			sb_printf(why, "'%s' %s with the preload", binary,
				  r < 0 ? "did not serve" : "did not answer");
			/* What it said first (the dynamic linker's word on the
			 * preload comes before QEMU's own output). */
			close(z->fd);
			z->fd = -1;
			command_wait(&z->cmd, 5);
			if (z->cmd.output.len) {
				size_t n = strcspn(z->cmd.output.buf, "\n");

				sb_printf(why, ": %.*s", (int)(n > 300 ? 300 : n),
					  z->cmd.output.buf);
			}
			zygote_free(z);
			return NULL;
		}
	}
}

int zygote_open(const char *binary, struct zygote **out)
{
	const char *want = getenv("VIRT_MATRIX_ZYGOTE");
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	*out = zygote_start(binary, &why);
	if (!*out && want && !strcmp(want, "require"))
		ret = error("no zygote for '%s': %s", binary, why.buf);
	strbuf_release(&why);
	return ret;
}

void zygote_free(struct zygote *z)
{
	if (!z)
		return;
	if (z->fd >= 0)
		close(z->fd); /* the zygote kills what is left, and ends */
	if (z->cmd.pid > 0)
		command_wait(&z->cmd, 5);
	command_release(&z->cmd);
	pthread_mutex_destroy(&z->lock);
	free(z->binary);
	free(z);
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
