/*
 * The supervisor behind supervise.h: a subreaper that reaps promptly.
 */
#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"
#include "paths.h"
#include "fs.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

/*
 * A private mount namespace in which each --bind SRC DST pair is bound
 * over DST: a distribution's daemon, whose paths are compiled in, then
 * keeps its config, sockets and state in SRC. Everything the daemon
 * starts (QEMU) sees the same view; the mounts end with the last of them.
 */
static int private_binds(int argc, char **argv, int *i)
{
	int unshared = 0;

	while (*i + 2 < argc && !strcmp(argv[*i], "--bind")) {
		const char *src = argv[*i + 1], *dst = argv[*i + 2];

		if (!unshared) {
			if (unshare(CLONE_NEWNS))
				return error_errno("cannot make a private mount namespace");
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
				return error_errno("cannot make '/' private");
			unshared = 1;
		}
		if (mkdir_p(dst, 0755))
			return -1;
		if (mount(src, dst, NULL, MS_BIND, NULL))
			return error_errno("cannot bind '%s' over '%s'", src, dst);
		*i += 3;
	}
	return 0;
}

void supervise_argv(struct strvec *out)
{
	char *self = paths_self_exec();

	strvec_push(out, self);
	free(self);
	strvec_push(out, "internal-supervise");
}

int cmd_internal_supervise(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t none;
	pid_t daemon;
	int status = 0, i = 1;
	double kill_at = 0;

	if (private_binds(argc, argv, &i))
		return 1;
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		error("internal-supervise: no command");
		return 129;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		return error_errno("cannot become a child subreaper"), 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	daemon = fork();
	if (daemon < 0)
		return error_errno("cannot fork"), 1;
	if (daemon == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execv(argv[i], argv + i);
		fprintf(stderr, "error: cannot run '%s': %s\n", argv[i],
			strerror(errno));
		_exit(127);
	}
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid == daemon) {
			status = WIFEXITED(st) ? WEXITSTATUS(st)
					       : 128 + WTERMSIG(st);
			break;
		}
		if (pid < 0 && errno == EINTR) {
			if (stop_sig && !kill_at) {
				kill(daemon, SIGTERM);
				kill_at = now_monotonic() + 10;
				alarm(11);
			} else if (kill_at && now_monotonic() >= kill_at) {
				kill(daemon, SIGKILL);
			}
			continue;
		}
		if (pid < 0 && errno == ECHILD)
			break;
	}
	/* Reap any stragglers without blocking for long. */
	for (int k = 0; k < 50; k++) {
		int st;
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (waitpid(-1, &st, WNOHANG) <= 0) {
			if (errno == ECHILD)
				break;
			nanosleep(&ts, NULL);
		}
	}
	return status;
}
