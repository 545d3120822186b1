/*
 * Child processes: fork/exec with a clean environment and closed fds,
 * a process group per child, bounded capture, timeouts that kill the
 * whole group, exec failures reported by the parent through a CLOEXEC
 * pipe (git's run-command), and exit waits through a pidfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "zygote-client.h"
#include "banned.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;
volatile sig_atomic_t vm_interrupted;

static void on_signal(int sig)
{
	vm_interrupted = sig;
}

void command_setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll() must return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void command_init(struct command *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->in_fd = -1;
	cmd->out_fd = -1;
	cmd->capture_max = 1 << 20;
	cmd->term_grace = 3;
	cmd->pidfd = -1;
	cmd->pipe_fd = -1;
	strbuf_init(&cmd->output, 0);
}

void command_release(struct command *cmd)
{
	if (cmd->pid > 0 && !cmd->reaped) {
		command_kill(cmd, SIGKILL);
		command_wait(cmd, 5);
	}
	strvec_clear(&cmd->args);
	strvec_clear(&cmd->env);
	strbuf_release(&cmd->output);
	if (cmd->pidfd >= 0)
		close(cmd->pidfd);
	if (cmd->pipe_fd >= 0)
		close(cmd->pipe_fd);
	cmd->pidfd = cmd->pipe_fd = -1;
}

static int env_has_key(const struct strvec *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; i < env->nr; i++)
		if (!strncmp(env->v[i], kv, klen) && env->v[i][klen] == '=')
			return 1;
	return 0;
}

static void build_env(const struct command *cmd, struct strvec *env)
{
	const char *home = getenv("HOME");
	const char *tmp = getenv("TMPDIR");
	struct strvec defaults = STRVEC_INIT;

	strvec_pushv(env, cmd->env.v);
	strvec_push(&defaults, "PATH=" CMD_DEFAULT_PATH);
	strvec_pushf(&defaults, "HOME=%s", home ? home : "/");
	strvec_push(&defaults, "LC_ALL=C");
	strvec_push(&defaults, "LANG=C");
	strvec_push(&defaults, "TERM=dumb");
	if (tmp)
		strvec_pushf(&defaults, "TMPDIR=%s", tmp);
	for (size_t i = 0; i < defaults.nr; i++)
		if (!env_has_key(env, defaults.v[i]))
			strvec_push(env, defaults.v[i]);
	strvec_clear(&defaults);
}

static void mark_fds_cloexec(void)
{
	long max;

	if (!syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC))
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static __attribute__((noreturn)) void child_fail(int errfd)
{
	int e = errno;

	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void child(struct command *cmd, pid_t parent, int out_w, int errfd,
		  char **envp)
{
	sigset_t all;
	int in, devnull;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0)
		child_fail(errfd);
	in = cmd->in_fd >= 0 ? cmd->in_fd : devnull;
	if (dup2(in, 0) < 0)
		child_fail(errfd);
	switch (cmd->out) {
	case CMD_OUT_CAPTURE:
		if (dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0)
			child_fail(errfd);
		break;
	case CMD_OUT_FD:
		if (dup2(cmd->out_fd, 1) < 0 || dup2(cmd->out_fd, 2) < 0)
			child_fail(errfd);
		break;
	case CMD_OUT_NULL:
		if (dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
			child_fail(errfd);
		break;
	case CMD_OUT_INHERIT:
		break;
	}
	if (cmd->dir && chdir(cmd->dir))
		child_fail(errfd);
	mark_fds_cloexec();
	environ = envp;
	execvp(cmd->args.v[0], (char *const *)cmd->args.v);
	child_fail(errfd);
}

/*
 * A zygote's child has the zygote's environment and working directory and
 * /dev/null as stdin: a command that asks for other ones is refused (-1,
 * reported), not run without them. Known where the command is built, so
 * a mistake of the caller's, unlike a zygote that died (then: exec).
 */
static int zygote_can_honour(const struct command *cmd)
{
	const char *bin = cmd->args.v[0];

	if (cmd->env.nr)
		return error("cannot start '%s' in its zygote: it would have the "
			     "zygote's environment, not '%s'", bin, cmd->env.v[0]);
	if (cmd->dir)
		return error("cannot start '%s' in its zygote: it would run in the "
			     "zygote's directory, not in '%s'", bin, cmd->dir);
	if (cmd->in_fd >= 0)
		return error("cannot start '%s' in its zygote: its stdin would be "
			     "/dev/null, not fd %d", bin, cmd->in_fd);
	return 0;
}

/*
 * The child as a fork of cmd->zygote. When the zygote is gone, the
 * child is started the usual way instead (1).
 */
static int start_in_zygote(struct command *cmd)
{
	int outpipe[2] = { -1, -1 };
	int out = -1, devnull = -1;
	pid_t pid;

	if (zygote_can_honour(cmd))
		return -1;
	switch (cmd->out) {
	case CMD_OUT_CAPTURE:
		if (pipe2(outpipe, O_CLOEXEC))
			return error_errno("cannot start '%s'", cmd->args.v[0]);
		out = outpipe[1];
		break;
	case CMD_OUT_FD:
		out = cmd->out_fd;
		break;
	case CMD_OUT_NULL:
	case CMD_OUT_INHERIT:
		devnull = cmd->out == CMD_OUT_NULL
				  ? open("/dev/null", O_WRONLY | O_CLOEXEC)
				  : fcntl(2, F_DUPFD_CLOEXEC, 0);
		if (devnull < 0)
			return error_errno("cannot start '%s'", cmd->args.v[0]);
		out = devnull;
		break;
	}
	cmd->started = now_monotonic();
	if (zygote_spawn(cmd->zygote, cmd->args.v, out, &pid)) {
		int e = errno;

		for (int i = 0; i < 2; i++)
			if (outpipe[i] >= 0)
				close(outpipe[i]);
		if (devnull >= 0)
			close(devnull);
		if (e == EPIPE) { /* zygote_spawn has said so, once */
			cmd->zygote = NULL;
			return 1;
		}
		errno = e;
		return error_errno("cannot start '%s' in its zygote", cmd->args.v[0]);
	}
	if (outpipe[1] >= 0)
		close(outpipe[1]);
	if (devnull >= 0)
		close(devnull);
	cmd->pid = pid;
	cmd->pipe_fd = outpipe[0];
	if (cmd->pipe_fd >= 0)
		fcntl(cmd->pipe_fd, F_SETFL, O_NONBLOCK);
	/* -1 (ESRCH) when it has already ended: its end is then reported. */
	cmd->pidfd = (int)syscall(SYS_pidfd_open, cmd->pid, 0);
	return 0;
}

int command_start(struct command *cmd)
{
	int errpipe[2] = { -1, -1 }, outpipe[2] = { -1, -1 };
	struct strvec env = STRVEC_INIT;
	pid_t parent = getpid();
	int child_errno = 0;
	ssize_t n;

	if (!cmd->args.nr)
		return error("no command to run");
	strbuf_release(&cmd->output);
	strbuf_init(&cmd->output, cmd->capture_max);
	cmd->exited = cmd->status = cmd->signal = 0;
	cmd->timed_out = cmd->interrupted = cmd->truncated = 0;
	cmd->timed_out_after = 0;
	cmd->reaped = 0;
	if (cmd->zygote) {
		int r = start_in_zygote(cmd);

		if (r <= 0)
			return r;
	}
	build_env(cmd, &env);

	if (pipe2(errpipe, O_CLOEXEC))
		goto fail_errno;
	if (cmd->out == CMD_OUT_CAPTURE && pipe2(outpipe, O_CLOEXEC))
		goto fail_errno;

	fflush(NULL);
	cmd->started = now_monotonic();
	cmd->pid = fork();
	if (cmd->pid < 0)
		goto fail_errno;
	if (cmd->pid == 0) {
		close(errpipe[0]);
		if (outpipe[0] >= 0)
			close(outpipe[0]);
		child(cmd, parent, outpipe[1], errpipe[1], (char **)env.v);
	}
	/* Both sides call setpgid to close the race with kill(-pgid). */
	setpgid(cmd->pid, cmd->pid);
	close(errpipe[1]);
	errpipe[1] = -1;
	if (outpipe[1] >= 0) {
		close(outpipe[1]);
		outpipe[1] = -1;
	}
	do
		n = read(errpipe[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	strvec_clear(&env);
	if (n == sizeof(child_errno)) {
		int st;

		waitpid(cmd->pid, &st, 0);
		cmd->reaped = 1;
		cmd->pid = 0;
		if (outpipe[0] >= 0)
			close(outpipe[0]);
		errno = child_errno;
		if (cmd->dir && errno == ENOENT && access(cmd->dir, X_OK))
			return error_errno("cannot run '%s' in '%s'",
					   cmd->args.v[0], cmd->dir);
		return error_errno("cannot run '%s'", cmd->args.v[0]);
	}
	cmd->pipe_fd = outpipe[0];
	if (cmd->pipe_fd >= 0)
		fcntl(cmd->pipe_fd, F_SETFL, O_NONBLOCK);
	cmd->pidfd = (int)syscall(SYS_pidfd_open, cmd->pid, 0);
	return 0;

fail_errno:
	error_errno("cannot start '%s'", cmd->args.v[0]);
	for (int i = 0; i < 2; i++) {
		if (errpipe[i] >= 0)
			close(errpipe[i]);
		if (outpipe[i] >= 0)
			close(outpipe[i]);
	}
	strvec_clear(&env);
	return -1;
}

void command_kill(struct command *cmd, int sig)
{
	if (cmd->pid > 0 && !cmd->reaped)
		kill(-cmd->pid, sig);
}

static void drain(struct command *cmd)
{
	char buf[65536];

	while (cmd->pipe_fd >= 0) {
		ssize_t n = read(cmd->pipe_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(cmd->pipe_fd);
				cmd->pipe_fd = -1;
			}
			return;
		}
		if (!cmd->truncated &&
		    strbuf_add(&cmd->output, buf, (size_t)n)) {
			size_t room = cmd->output.max - cmd->output.len;

			if (room && strbuf_add(&cmd->output, buf, room))
				die("capture accounting");
			cmd->truncated = 1;
		}
	}
}

/* The child ended with wait status st: 1. */
static int reaped(struct command *cmd, int st)
{
	cmd->reaped = 1;
	if (WIFEXITED(st)) {
		cmd->exited = 1;
		cmd->status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		cmd->signal = WTERMSIG(st);
	}
	return 1;
}

/*
 * A zygote's child has ended when the zygote says it reaped it. Its
 * word comes first: once reaped, the pid (and the pidfd's process, if
 * the child was gone before the pidfd was opened) may be another's.
 * Once the pidfd says it ended, the zygote's word is waited for.
 */
static int try_reap_zygote(struct command *cmd)
{
	int st, r = zygote_exit_status(cmd->zygote, cmd->pid, 0, &st);

	if (r <= 0 && cmd->pidfd >= 0) {
		struct pollfd p = { cmd->pidfd, POLLIN, 0 };

		if (poll(&p, 1, 0) != 1)
			return 0; /* running (if the zygote is gone: dying) */
		/* The zygote reaps within milliseconds of the end. */
		if (r == 0)
			r = zygote_exit_status(cmd->zygote, cmd->pid, 5, &st);
	}
	if (r == 0)
		return 0;
	if (r < 0) {
		/* The zygote is gone, and its children were killed with it. */
		cmd->reaped = 1;
		cmd->signal = SIGKILL;
		return 1;
	}
	return reaped(cmd, st);
}

static int try_reap(struct command *cmd)
{
	int st;
	pid_t r;

	if (cmd->zygote)
		return try_reap_zygote(cmd);
	do
		r = waitpid(cmd->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r < 0) { /* reaped elsewhere (e.g. a subreaper loop) */
		cmd->reaped = 1;
		return 1;
	}
	return reaped(cmd, st);
}

/* Waits up to `seconds` for exit while draining output; 1 if exited. */
static int wait_exit(struct command *cmd, double seconds, int stop_on_signal)
{
	double deadline = seconds > 0 ? now_monotonic() + seconds : 0;

	for (;;) {
		struct pollfd pfd[2];
		int nfd = 0, ms = 200;

		if (try_reap(cmd))
			return 1;
		if (stop_on_signal && vm_interrupted)
			return 0;
		if (deadline) {
			double left = deadline - now_monotonic();

			if (left <= 0)
				return 0;
			if (left * 1000 < ms)
				ms = (int)(left * 1000) + 1;
		}
		if (cmd->pidfd >= 0)
			pfd[nfd++] = (struct pollfd){ cmd->pidfd, POLLIN, 0 };
		else
			ms = ms > 20 ? 20 : ms;
		if (cmd->pipe_fd >= 0)
			pfd[nfd++] = (struct pollfd){ cmd->pipe_fd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)nfd, ms) < 0 && errno != EINTR)
			ms = 0; /* fall through to try_reap */
		drain(cmd);
	}
}

int command_running(struct command *cmd)
{
	siginfo_t si;

	if (cmd->pid <= 0 || cmd->reaped)
		return 0;
	if (cmd->zygote) {
		struct pollfd p = { cmd->pidfd, POLLIN, 0 };

		return cmd->pidfd >= 0 ? poll(&p, 1, 0) == 0 : !try_reap(cmd);
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)cmd->pid, &si, WEXITED | WNOHANG | WNOWAIT))
		return 0;
	return si.si_pid == 0;
}

int command_wait_output(struct command *cmd, const char *marker,
			double timeout)
{
	double deadline = now_monotonic() + timeout;
	size_t from = 0, mlen = marker ? strlen(marker) : 0;

	for (;;) {
		struct pollfd pfd[2];
		int nfd = 0, ms;

		drain(cmd);
		if (marker && cmd->output.len >= mlen &&
		    memmem(cmd->output.buf + from, cmd->output.len - from,
			   marker, mlen))
			return 1;
		if (cmd->output.len >= mlen)
			from = cmd->output.len - mlen + 1;
		if (vm_interrupted)
			return -1;
		if (cmd->pipe_fd < 0 || cmd->truncated) {
			/* No more output can come: wait for the exit. */
			double left = deadline - now_monotonic();

			return left > 0 && wait_exit(cmd, left, 1) ? 0 : -1;
		}
		ms = (int)((deadline - now_monotonic()) * 1000);
		if (ms <= 0)
			return -1;
		pfd[nfd++] = (struct pollfd){ cmd->pipe_fd, POLLIN, 0 };
		if (cmd->pidfd >= 0)
			pfd[nfd++] = (struct pollfd){ cmd->pidfd, POLLIN, 0 };
		if (poll(pfd, (nfds_t)nfd, ms > 200 ? 200 : ms) < 0 &&
		    errno != EINTR)
			return -1;
		if (nfd == 2 && (pfd[1].revents & POLLIN)) {
			drain(cmd);
			if (marker && memmem(cmd->output.buf + from,
					     cmd->output.len - from, marker, mlen))
				return 1;
			return 0;
		}
	}
}

int command_pump(struct command *cmd, double seconds)
{
	int r = command_wait_output(cmd, NULL, seconds);

	if (r == 0)
		return 0;
	return vm_interrupted ? -1 : 1;
}

int command_wait(struct command *cmd, double timeout)
{
	int ok = 1;

	if (cmd->pid <= 0 ||
	    (cmd->reaped && cmd->pipe_fd < 0 && cmd->pidfd < 0))
		return 0; /* not started, or waited for */
	/*
	 * Reaped already, it is not waited for; what it wrote is still to be
	 * collected. command_running reaps a zygote's child that had ended
	 * before command_start could open its pidfd.
	 */
	if (!cmd->reaped && !wait_exit(cmd, timeout, 1)) {
		ok = 0;
		if (vm_interrupted) {
			cmd->interrupted = 1;
		} else {
			cmd->timed_out = 1;
			cmd->timed_out_after = timeout;
		}
		command_kill(cmd, SIGTERM);
		if (!wait_exit(cmd, cmd->term_grace, 0)) {
			command_kill(cmd, SIGKILL);
			wait_exit(cmd, 0, 0);
		}
	}
	drain(cmd);
	/* Nothing of the group outlives the command. */
	kill(-cmd->pid, SIGKILL);
	if (cmd->pipe_fd >= 0) {
		close(cmd->pipe_fd);
		cmd->pipe_fd = -1;
	}
	if (cmd->pidfd >= 0) {
		close(cmd->pidfd);
		cmd->pidfd = -1;
	}
	cmd->seconds = now_monotonic() - cmd->started;
	return ok ? 0 : -1;
}

int command_run(struct command *cmd)
{
	if (command_start(cmd))
		return -1;
	return command_wait(cmd, cmd->timeout);
}

int command_succeeded(const struct command *cmd)
{
	return cmd->reaped && cmd->exited && cmd->status == 0 &&
	       !cmd->timed_out && !cmd->interrupted;
}

void command_describe(const struct command *cmd, struct strbuf *out)
{
	char d[32];

	if (cmd->timed_out) {
		format_duration(cmd->timed_out_after, d, sizeof(d));
		sb_printf(out, "timed out after %s and was killed", d);
	} else if (cmd->interrupted) {
		sb_puts(out, "was interrupted");
	} else if (cmd->signal) {
		sb_printf(out, "was killed by signal %d (%s)", cmd->signal,
			  strsignal(cmd->signal));
	} else if (cmd->exited) {
		sb_printf(out, "exited with status %d", cmd->status);
	} else {
		sb_puts(out, "did not run");
	}
}

int command_run_checked(struct command *cmd)
{
	struct strbuf why = STRBUF_INIT;

	if (command_start(cmd))
		return -1;
	command_wait(cmd, cmd->timeout);
	if (command_succeeded(cmd))
		return 0;
	command_describe(cmd, &why);
	if (cmd->out == CMD_OUT_CAPTURE && cmd->output.len) {
		const char *tail =
			str_tail_lines(cmd->output.buf, cmd->output.len, 15);
		error("'%s' %s:\n%s", cmd->args.v[0], why.buf, tail);
	} else {
		error("'%s' %s", cmd->args.v[0], why.buf);
	}
	strbuf_release(&why);
	return -1;
}
