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
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* Into a private mount namespace, once. */
static int go_private(int *unshared)
{
	if (*unshared)
		return 0;
	if (unshare(CLONE_NEWNS))
		return error_errno("cannot make a private mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return error_errno("cannot make '/' private");
	*unshared = 1;
	return 0;
}

/*
 * The mount points strictly below dir in this namespace, outermost only
 * (a mount below another of the list comes with it), in mount order.
 */
static int submounts(const char *dir, struct strvec *out)
{
	struct strbuf text = STRBUF_INIT;
	size_t dlen = strlen(dir);
	const char *line;
	int ret = 0;

	if (strbuf_read_file(&text, "/proc/self/mountinfo", 4 << 20))
		return error_errno("cannot read /proc/self/mountinfo");
	for (line = text.buf; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		struct strbuf mp = STRBUF_INIT;
		const char *p = line;
		int covered = 0;

		/* mount ID, parent ID, major:minor, root, then the mount point */
		for (int k = 0; k < 4 && p; k++) {
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		if (!p)
			continue;
		/* mountinfo writes ' ', '\t', '\n' and '\\' as octal escapes */
		for (; *p && *p != ' ' && *p != '\n'; p++) {
			if (*p == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
			    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
				sb_putc(&mp, (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
						     (p[3] - '0')));
				p += 3;
			} else {
				sb_putc(&mp, *p);
			}
		}
		if (mp.len > dlen + 1 && !strncmp(mp.buf, dir, dlen) && mp.buf[dlen] == '/') {
			for (size_t i = 0; i < out->nr && !covered; i++) {
				size_t l = strlen(out->v[i]);

				covered = !strcmp(out->v[i], mp.buf) ||
					  (!strncmp(out->v[i], mp.buf, l) && mp.buf[l] == '/');
			}
			if (!covered)
				strvec_push(out, mp.buf);
		}
		strbuf_release(&mp);
	}
	strbuf_release(&text);
	return ret;
}

/* An empty file or directory at path as a mount point, like what it holds. */
static int mount_point_like(const char *path, int tree)
{
	struct stat st;
	int fd;

	if (!lstat(path, &st) || errno != ENOENT)
		return 0;
	if (fstat(tree, &st))
		return error_errno("cannot stat the mount for '%s'", path);
	if (S_ISDIR(st.st_mode))
		return mkdir_p(path, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return error_errno("cannot create the mount point '%s'", path);
	close(fd);
	return 0;
}

/*
 * An overlay over dir: dir as it is below, upper (a directory of ours,
 * prepared beforehand) above, work its overlayfs work directory. The
 * mounts below dir (devpts under /dev, the binds of a private tree) are
 * cloned first and put back on top, so that they stay where they were.
 */
static int overlay(const char *dir, const char *upper, const char *work)
{
	struct strvec subs = STRVEC_INIT;
	struct strbuf opts = STRBUF_INIT;
	int *fds = NULL, ret = -1;
	size_t i;

	if (strpbrk(dir, ",:\\") || strpbrk(upper, ",:\\") || strpbrk(work, ",:\\")) {
		error("cannot overlay '%s' with '%s': ',', ':' or '\\' in a path",
		      dir, upper);
		goto out;
	}
	if (submounts(dir, &subs))
		goto out;
	fds = xcalloc(subs.nr ? subs.nr : 1, sizeof(*fds));
	for (i = 0; i < subs.nr; i++)
		fds[i] = -1;
	for (i = 0; i < subs.nr; i++) {
		fds[i] = open_tree(AT_FDCWD, subs.v[i], OPEN_TREE_CLONE | AT_RECURSIVE |
							   OPEN_TREE_CLOEXEC);
		if (fds[i] < 0) {
			error_errno("cannot clone the mount '%s'", subs.v[i]);
			goto out;
		}
	}
	sb_printf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", dir, upper, work);
	if (mount("overlay", dir, "overlay", 0, opts.buf)) {
		error_errno("cannot overlay '%s' with '%s'", dir, upper);
		goto out;
	}
	for (i = 0; i < subs.nr; i++) {
		if (mount_point_like(subs.v[i], fds[i]))
			goto out;
		if (move_mount(fds[i], "", AT_FDCWD, subs.v[i], MOVE_MOUNT_F_EMPTY_PATH)) {
			error_errno("cannot put the mount '%s' back over the overlay",
				    subs.v[i]);
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; fds && i < subs.nr; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	strvec_clear(&subs);
	strbuf_release(&opts);
	return ret;
}

/*
 * A private mount namespace in which each --bind SRC DST pair is bound
 * over DST: a distribution's daemon, whose paths are compiled in, then
 * keeps its config, sockets and state in SRC. Then each --overlay DIR
 * UPPER WORK puts UPPER over DIR (overlay()): stand-ins for files a
 * domain names appear in DIR for the daemon alone. Everything the daemon
 * starts (QEMU) sees the same view; the mounts end with the last of them.
 */
static int private_mounts(int argc, char **argv, int *i)
{
	int unshared = 0;

	while (*i + 2 < argc && !strcmp(argv[*i], "--bind")) {
		const char *src = argv[*i + 1], *dst = argv[*i + 2];

		if (go_private(&unshared))
			return -1;
		if (mkdir_p(dst, 0755))
			return -1;
		if (mount(src, dst, NULL, MS_BIND, NULL))
			return error_errno("cannot bind '%s' over '%s'", src, dst);
		*i += 3;
	}
	while (*i + 3 < argc && !strcmp(argv[*i], "--overlay")) {
		if (go_private(&unshared) ||
		    overlay(argv[*i + 1], argv[*i + 2], argv[*i + 3]))
			return -1;
		*i += 4;
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

	if (private_mounts(argc, argv, &i))
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
