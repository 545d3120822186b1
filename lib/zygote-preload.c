/*
 * The QEMU side of the zygote (lib/zygote.h): a shared object that
 * virt-matrix preloads into a QEMU binary so that the binary's start-up
 * (execve, the dynamic linker binding every library, the constructors
 * that register QEMU's types) is paid once, and each QEMU that a probe
 * needs is a fork of that initialised process running QEMU's own main()
 * with its own argv, as AFL's fork server does for its targets.
 *
 * It wraps __libc_start_main. Without VIRT_MATRIX_ZYGOTE in the
 * environment it changes nothing. With it, main() is not called; the
 * process serves requests on its standard input, a SOCK_SEQPACKET socket
 * shared with virt-matrix:
 *
 *   request:  "argv0\0argv1\0...\0" with one descriptor (SCM_RIGHTS)
 *             for the child's stdout and stderr
 *   replies:  struct zygote_msg { 'S', pid, 0 }   a child was started
 *             struct zygote_msg { 'X', pid, status } it ended (waitpid)
 *             struct zygote_msg { 'E', 0, errno }  fork failed
 *             struct zygote_msg { 'R', pid, 0 }    once, when ready
 *
 * A child gets /dev/null as stdin, the descriptor as stdout and stderr,
 * its own process group, SIGKILL when the zygote dies, the environment
 * without the zygote's variables, and exits with what main returns. The
 * zygote ends when virt-matrix closes the socket (its children are then
 * killed), or when virt-matrix dies (PR_SET_PDEATHSIG).
 *
 * Fixed buffers and no allocation of its own: this runs inside somebody
 * else's program, before it has started.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zygote-proto.h"

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
			void (*)(void), void (*)(void), void *);

static main_fn real_main;
static pid_t children[ZYGOTE_MAX_CHILDREN];

static int send_msg(char type, int32_t pid, int32_t value)
{
	struct zygote_msg m = { .type = type, .pid = pid, .value = value };
	ssize_t n;

	do
		n = send(0, &m, sizeof(m), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(m) ? 0 : -1;
}

static void reap(void)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid <= 0)
			return;
		for (size_t i = 0; i < ZYGOTE_MAX_CHILDREN; i++)
			if (children[i] == pid)
				children[i] = 0;
		send_msg('X', pid, st);
	}
}

static void kill_children(void)
{
	for (size_t i = 0; i < ZYGOTE_MAX_CHILDREN; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
}

static void child(pid_t zygote, int out, char *buf, size_t len, char **envp)
{
	static char *argv[ZYGOTE_MAX_ARGS + 1];
	int argc = 0, devnull;
	sigset_t none;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != zygote)
		_exit(127);
	for (size_t at = 0; at < len && argc < ZYGOTE_MAX_ARGS;) {
		argv[argc++] = buf + at;
		at += strlen(buf + at) + 1;
	}
	argv[argc] = NULL;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(127);
	close(devnull);
	close(out);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	exit(real_main(argc, argv, envp));
}

/* One request: 0 served, -1 when the socket is closed or broken. */
static int serve_one(char **envp)
{
	static char buf[ZYGOTE_MAX_REQUEST];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.space,
			     .msg_controllen = sizeof(ctl.space) };
	struct cmsghdr *c;
	int out = -1;
	ssize_t n;
	size_t slot;
	pid_t pid, self = getpid();

	do
		n = recvmsg(0, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&out, CMSG_DATA(c), sizeof(int));
	if (out < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || n < 2 ||
	    buf[n - 1] != '\0') {
		if (out >= 0)
			close(out);
		return send_msg('E', 0, EINVAL);
	}
	for (slot = 0; slot < ZYGOTE_MAX_CHILDREN && children[slot]; slot++)
		;
	if (slot == ZYGOTE_MAX_CHILDREN) {
		close(out);
		return send_msg('E', 0, EAGAIN);
	}
	pid = fork();
	if (pid == 0)
		child(self, out, buf, (size_t)n, envp);
	close(out);
	if (pid < 0)
		return send_msg('E', 0, errno);
	/* Both sides, so that its group exists before virt-matrix kills it. */
	setpgid(pid, pid);
	children[slot] = pid;
	return send_msg('S', pid, 0);
}

static void on_chld(int sig)
{
	(void)sig;
}

/* Takes main()'s place; the zygote's own argv and envp are not used. */
static int serve(int argc, char **argv, char **envp)
{
	sigset_t chld, waiting;
	struct sigaction sa;

	(void)argc;
	(void)argv;
	(void)envp;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The children must not inherit the zygote's own variables. */
	unsetenv("LD_PRELOAD");
	unsetenv(ZYGOTE_ENV);
	/* SIGCHLD is blocked except while waiting, where it ends the wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &waiting) ||
	    sigaction(SIGCHLD, &sa, NULL) || send_msg('R', getpid(), 0))
		_exit(1);
	sigdelset(&waiting, SIGCHLD);
	for (;;) {
		struct pollfd p = { 0, POLLIN, 0 };
		int r = ppoll(&p, 1, NULL, &waiting);
		int e = errno;

		reap();
		if (r < 0 && e != EINTR)
			break;
		if (r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    serve_one(environ))
			break;
	}
	kill_children();
	for (;;) { /* reap what was killed, then go */
		int st;

		if (waitpid(-1, &st, 0) < 0 && errno != EINTR)
			break;
	}
	_exit(0);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack)
{
	start_fn next = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");
	const char *on = getenv(ZYGOTE_ENV);

	if (!next)
		_exit(127);
	if (!on || strcmp(on, "1"))
		return next(main, argc, argv, init, fini, rtld_fini, stack);
	real_main = main;
	return next(serve, argc, argv, init, fini, rtld_fini, stack);
}
