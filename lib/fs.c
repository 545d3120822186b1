/*
 * Directory creation and removal, path containment checks, reading the
 * files a user names, and atomic writes. remove_tree works with
 * openat/unlinkat on directory fds so a symlink inside the tree is
 * removed, never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fs.h"
#include "banned.h"

int mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			ret = error_errno("cannot create directory '%s'", p);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!ret && !is_dir(path))
		ret = error("cannot create directory '%s': not a directory",
			    path);
	free(p);
	return ret;
}

static int remove_at(int parent, const char *name, const char *path)
{
	struct stat st;
	DIR *d;
	int fd, ret = 0;
	struct dirent *e;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return 0;
		return error_errno("cannot remove '%s'", path);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent, name, 0) && errno != ENOENT)
			return error_errno("cannot remove '%s'", path);
		return 0;
	}
	fd = openat(parent, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open directory '%s'", path);
	/* Make it writable and searchable so its entries can go. */
	fchmod(fd, 0700);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return error_errno("cannot read directory '%s'", path);
	}
	while ((e = readdir(d))) {
		struct strbuf sub = STRBUF_INIT;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path_join(&sub, path, e->d_name);
		if (remove_at(dirfd(d), e->d_name, sub.buf))
			ret = -1;
		strbuf_release(&sub);
	}
	closedir(d);
	if (!ret && unlinkat(parent, name, AT_REMOVEDIR) && errno != ENOENT)
		ret = error_errno("cannot remove directory '%s'", path);
	return ret;
}

int remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path, path);
}

int path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * Walks the components of p starting at depth `depth`; returns the final
 * depth, or -1 if it ever goes below zero.
 */
static int walk_depth(const char *p, int depth)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return -1;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return depth;
}

int path_is_contained(const char *p)
{
	if (!p || !*p || *p == '/')
		return 0;
	return walk_depth(p, 0) >= 0;
}

int path_has_dotdot(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

int symlink_is_contained(const char *entry, const char *target)
{
	char *dir;
	int depth;

	if (!path_is_contained(entry) || !target || !*target || *target == '/')
		return 0;
	dir = path_dirname(entry);
	depth = strcmp(dir, ".") ? walk_depth(dir, 0) : 0;
	free(dir);
	return depth >= 0 && walk_depth(target, depth) >= 0;
}

void path_join(struct strbuf *out, const char *a, const char *b)
{
	strbuf_reset(out);
	sb_puts(out, a);
	if (out->len && out->buf[out->len - 1] != '/')
		sb_putc(out, '/');
	sb_puts(out, b);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_absolute(const char *path)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	const char *p;

	if (*path != '/') {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			die("cannot get the current directory");
		sb_puts(&in, cwd);
		sb_putc(&in, '/');
		free(cwd);
	}
	sb_puts(&in, path);
	for (p = in.buf; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out.buf, '/');

			strbuf_setlen(&out, slash ? (size_t)(slash - out.buf)
						  : 0);
		} else {
			sb_putc(&out, '/');
			if (strbuf_add(&out, p, n))
				die("path_absolute");
		}
		p += n;
	}
	if (!out.len)
		sb_putc(&out, '/');
	strbuf_release(&in);
	return strbuf_detach(&out);
}

int open_regular_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	if (fstat(fd, &st)) {
		error_errno("cannot stat '%s'", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return error("'%s' is not a regular file", path);
	}
	return fd;
}

int read_regular_file(struct strbuf *sb, const char *path, size_t max)
{
	int fd = open_regular_file(path), ret;

	if (fd < 0)
		return -1;
	ret = strbuf_read_fd(sb, fd, path, max);
	close(fd);
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_file_replace(path, data, len, 1);
}

/*
 * Creates path with open's flags (O_WRONLY | O_CREAT | O_CLOEXEC and
 * more) and writes data to it; fsync with durable. On failure the file
 * is removed: -1 after reporting.
 */
static int write_new(const char *path, int flags, const void *data, size_t len,
		     int durable)
{
	const char *p = data;
	int fd = open(path, flags, 0644);

	if (fd < 0)
		return error_errno("cannot create '%s'", path);
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_errno("cannot write '%s'", path);
			close(fd);
			unlink(path);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if ((durable && fsync(fd)) || close(fd)) {
		error_errno("cannot write '%s'", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int write_file_replace(const char *path, const void *data, size_t len, int durable)
{
	struct strbuf tmp = STRBUF_INIT;
	int ret = -1;

	sb_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (write_new(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, data, len, durable))
		goto out;
	if (rename(tmp.buf, path)) {
		error_errno("cannot rename '%s' to '%s'", tmp.buf, path);
		unlink(tmp.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

int write_file_new(const char *path, const void *data, size_t len)
{
	return write_new(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, data, len, 0);
}

int rename_dir_replace(const char *from, const char *to)
{
	struct stat sb;

	if (lstat(to, &sb)) {
		if (errno != ENOENT)
			return error_errno("cannot read '%s'", to);
		if (rename(from, to))
			return error_errno("cannot rename '%s' to '%s'", from, to);
		return 0;
	}
	if (!S_ISDIR(sb.st_mode))
		return error("cannot replace '%s': not a directory", to);
	/* Readers see the old directory or the new one, never none. */
	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE))
		return remove_tree(from);
	if (errno != EINVAL && errno != ENOSYS)
		return error_errno("cannot exchange '%s' and '%s'", from, to);
	/* A file system without the exchange: the old one goes first. */
	if (remove_tree(to))
		return -1;
	if (rename(from, to))
		return error_errno("cannot rename '%s' to '%s'", from, to);
	return 0;
}

int unix_sockaddr(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len >= sizeof(sa->sun_path))
		return -1;
	memcpy(sa->sun_path, path, len + 1);
	return 0;
}

int lock_acquire(const char *path, int wait)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return error_errno("cannot open lock '%s'", path);
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
		if (errno == EINTR)
			continue;
		close(fd);
		if (errno == EWOULDBLOCK)
			return -2;
		return error_errno("cannot lock '%s'", path);
	}
	return fd;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int lock_is_held(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int held = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK)
		held = 1;
	close(fd);
	return held;
}

char *temp_template_in(const char *dir, const char *tag)
{
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s/vm-%s-XXXXXX", dir, tag);
	return strbuf_detach(&sb);
}

char *temp_template(const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	return temp_template_in(tmp && *tmp ? tmp : "/tmp", tag);
}

int proc_cmdline(long pid, struct strvec *argv)
{
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;
	int ret = -1;

	sb_printf(&p, "/proc/%ld/cmdline", pid);
	if (!strbuf_read_file(&t, p.buf, 256 << 10) && t.len) {
		for (size_t off = 0; off < t.len; off += strlen(t.buf + off) + 1)
			strvec_push(argv, t.buf + off);
		ret = 0;
	}
	strbuf_release(&p);
	strbuf_release(&t);
	return ret;
}

int proc_stat_start(long pid, char *state, long *start)
{
	char path[64], buf[1024], *end;
	const char *f;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* One read: the kernel makes the file whole (a few hundred bytes). */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name, in parentheses, may hold anything. */
	f = strrchr(buf, ')');
	if (!f || f[1] != ' ' || !f[2])
		return -1;
	*state = f[2];
	f += 2; /* field 3 */
	for (int field = 3; field < 22 && f; field++)
		f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
	if (!f)
		return -1;
	errno = 0;
	*start = strtol(f, &end, 10);
	return errno || end == f || (*end != ' ' && *end != '\n' && *end) || *start < 0
		       ? -1 : 0;
}

void read_file_tail(const char *path, size_t max, struct strbuf *out)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size;
	ssize_t n;

	strbuf_reset(out);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)max)
		lseek(fd, size - (off_t)max, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	while (out->len < max && (n = read(fd, buf, sizeof(buf))) > 0)
		if (strbuf_add(out, buf, (size_t)n > max - out->len ? max - out->len : (size_t)n))
			break;
	close(fd);
}
