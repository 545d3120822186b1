/*
 * Running a libvirt daemon of a given version and asking it things.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libvirtd.h"
#include "support.h"
#include "fs.h"
#include "supervise.h"
#include "banned.h"

static void quiet_errors(void *ud, virErrorPtr e)
{
	(void)ud;
	(void)e;
}

/*
 * The QEMU driver's settings for running guests here, as root, with no
 * security driver, cgroups or namespaces to set up (none of which the
 * runner tests), and character devices written by QEMU itself (no
 * virtlogd). The directory is ours: an ark prefix, or our private tree.
 */
const char libvirtd_qemu_conf[] =
	"# Written by virt-matrix: guests run as root, unconfined.\n"
	"user = \"root\"\n"
	"group = \"root\"\n"
	"dynamic_ownership = 0\n"
	"remember_owner = 0\n"
	"security_driver = \"none\"\n"
	"cgroup_controllers = [ ]\n"
	"namespaces = [ ]\n"
	"stdio_handler = \"file\"\n";

static int write_qemu_conf(const char *etc_dir)
{
	struct strbuf path = STRBUF_INIT, old = STRBUF_INIT;
	int ret = 0;

	sb_printf(&path, "%s/qemu.conf", etc_dir);
	if (!path_exists(path.buf) || strbuf_read_file(&old, path.buf, 1 << 20) ||
	    old.len != sizeof(libvirtd_qemu_conf) - 1 || memcmp(old.buf, libvirtd_qemu_conf, old.len))
		ret = write_file_atomic(path.buf, libvirtd_qemu_conf, strlen(libvirtd_qemu_conf));
	strbuf_release(&path);
	strbuf_release(&old);
	return ret;
}

char *libvirtd_binary(const struct install *lv)
{
	struct strbuf p = STRBUF_INIT;

	if (!strcmp(lv->kind, "imported"))
		return xstrdup(lv->binary_path);
	sb_printf(&p, "%s/sbin/virtqemud", lv->prefix);
	if (access(p.buf, X_OK)) {
		strbuf_reset(&p);
		sb_printf(&p, "%s/sbin/libvirtd", lv->prefix);
	}
	return strbuf_detach(&p);
}

/* An ark build: its own daemon and tree under its prefix. */
static int setup_built(struct libvirtd *d, const char *prefix)
{
	struct strbuf p = STRBUF_INIT;
	int ret;

	sb_printf(&p, "%s/var/run/libvirt", prefix);
	d->run_dir = strbuf_detach(&p);
	sb_printf(&p, "%s/var/log/libvirt", prefix);
	d->log_dir = strbuf_detach(&p);
	sb_printf(&p, "%s/etc/libvirt", prefix);
	ret = mkdir_p(p.buf, 0755) || write_qemu_conf(p.buf) ? -1 : 0;
	strbuf_release(&p);
	return ret;
}

/*
 * A private tree: a temporary tree of ours bound (in the supervisor's
 * private mount namespace) over the directories the daemon's build uses.
 * An imported daemon always runs so; a built one when two of the same
 * version must run at once (a migration between them), which its prefix
 * alone would not allow.
 */
static int setup_private(struct libvirtd *d, const struct install *lv)
{
	static const struct {
		const char *ours, *base, *sub;
	} dirs[] = {
		{ "etc", "etc", "etc/libvirt" },
		{ "run", "run", "var/run/libvirt" },
		{ "lib", "var", "var/lib/libvirt" },
		{ "cache", "var", "var/cache/libvirt" },
		{ "log", "var", "var/log/libvirt" },
	};
	int sys = !strcmp(lv->prefix, "/usr") || !strcmp(lv->prefix, "/");
	char *tmpl = temp_template("libvirt");
	struct strbuf p = STRBUF_INIT;
	int ret = -1;

	if (geteuid()) {
		error("libvirt %s runs in a private mount namespace here, "
		      "which needs root", lv->version);
		goto out;
	}
	d->private = mkdtemp(tmpl);
	if (!d->private) {
		error_errno("cannot create a directory for libvirt %s", lv->version);
		goto out;
	}
	tmpl = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		sb_printf(&p, "%s/%s", d->private, dirs[i].ours);
		if (mkdir_p(p.buf, 0755))
			goto out;
		strvec_push(&d->binds, p.buf);
		strbuf_reset(&p);
		/* Debian's build: /etc, /run and /var, not under /usr. */
		if (sys && !strcmp(dirs[i].base, "run"))
			sb_puts(&p, "/run/libvirt");
		else if (sys)
			sb_printf(&p, "/%s", dirs[i].sub);
		else
			sb_printf(&p, "%s/%s", lv->prefix, dirs[i].sub);
		strvec_push(&d->binds, p.buf);
		/* The daemon's own view of its run and log directories. */
		if (!strcmp(dirs[i].ours, "run"))
			d->run_dir_ns = xstrdup(p.buf);
		else if (!strcmp(dirs[i].ours, "log"))
			d->log_dir_ns = xstrdup(p.buf);
		strbuf_reset(&p);
	}
	sb_printf(&p, "%s/run", d->private);
	d->run_dir = strbuf_detach(&p);
	sb_printf(&p, "%s/log", d->private);
	d->log_dir = strbuf_detach(&p);
	sb_printf(&p, "%s/etc", d->private);
	ret = write_qemu_conf(p.buf);
out:
	free(tmpl);
	strbuf_release(&p);
	return ret;
}

/*
 * The daemon's own config in our private tree (virtqemud.conf or
 * libvirtd.conf, after its binary): its host UUID (NULL: libvirt's
 * own), and its log in a file of the tree rather than on a pipe nobody
 * reads while jobs run.
 */
static int write_daemon_conf(const struct libvirtd *d, const char *host_uuid)
{
	const char *base = strrchr(d->daemon, '/');
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int ret;

	base = base ? base + 1 : d->daemon;
	sb_printf(&path, "%s/etc/%s.conf", d->private, base);
	sb_puts(&text, "# Written by virt-matrix.\n");
	if (host_uuid)
		sb_printf(&text, "host_uuid = \"%s\"\n", host_uuid);
	sb_printf(&text, "log_outputs = \"3:file:%s/daemon.log\"\n", d->log_dir_ns);
	ret = write_file_atomic(path.buf, text.buf, text.len);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

int libvirtd_start(struct libvirtd *d, const struct install *lv, double timeout)
{
	return libvirtd_start_as(d, lv, NULL, timeout);
}

int libvirtd_start_as(struct libvirtd *d, const struct install *lv,
		      const char *host_uuid, double timeout)
{
	if (libvirtd_prepare(d, lv, host_uuid, host_uuid != NULL))
		return -1;
	return libvirtd_launch(d, NULL, timeout);
}

int libvirtd_prepare(struct libvirtd *d, const struct install *lv,
		     const char *host_uuid, int private_tree)
{
	struct strbuf sock = STRBUF_INIT, uri = STRBUF_INIT;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	command_init(&d->cmd);
	d->version = xstrdup(lv->version);
	d->daemon = libvirtd_binary(lv);
	if (private_tree || !strcmp(lv->kind, "imported") ? setup_private(d, lv)
							  : setup_built(d, lv->prefix))
		goto out;
	/* A private tree's daemon logs to a file: a pipe nobody reads while
	 * jobs run fills (three lines a domain: Debian's libvirtd hung after
	 * about 130 domains). */
	if (d->private && write_daemon_conf(d, host_uuid))
		goto out;
	sb_printf(&sock, "%s/%s", d->run_dir,
		  ends_with(d->daemon, "/virtqemud") ? "virtqemud-sock"
						     : "libvirt-sock");
	if (sock.len >= 108) {
		error("libvirt %s's socket path '%s' is longer than a unix socket "
		      "can be (107 bytes)", lv->version, sock.buf);
		goto out;
	}
	sb_printf(&uri, "qemu:///system?socket=%s", sock.buf);
	d->uri = strbuf_detach(&uri);
	d->sock = strbuf_detach(&sock);
	if (access(d->daemon, X_OK)) {
		error_errno("cannot run the libvirt daemon '%s'", d->daemon);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		libvirtd_stop(d);
	strbuf_release(&sock);
	return ret;
}

/* The last lines of a private tree's daemon log, after a newline; "" if none. */
static void file_log_tail(const struct libvirtd *d, struct strbuf *out)
{
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;

	strbuf_reset(out);
	if (!d->private)
		return;
	sb_printf(&p, "%s/daemon.log", d->log_dir);
	read_file_tail(p.buf, 4096, &t);
	if (t.len)
		sb_printf(out, "\n%s", str_tail_lines(t.buf, t.len, 10));
	strbuf_release(&p);
	strbuf_release(&t);
}

int libvirtd_launch(struct libvirtd *d, const struct strvec *ns_args,
		    double timeout)
{
	double deadline = now_monotonic() + timeout;
	struct strbuf flog = STRBUF_INIT;
	int ret = -1;

	if (mkdir_p("/var/log/libvirt", 0755))
		goto out;
	virSetErrorFunc(NULL, quiet_errors);
	supervise_argv(&d->cmd.args);
	for (size_t i = 0; i + 1 < d->binds.nr; i += 2) {
		strvec_push(&d->cmd.args, "--bind");
		strvec_push(&d->cmd.args, d->binds.v[i]);
		strvec_push(&d->cmd.args, d->binds.v[i + 1]);
	}
	for (size_t i = 0; ns_args && i < ns_args->nr; i++)
		strvec_push(&d->cmd.args, ns_args->v[i]);
	strvec_push(&d->cmd.args, "--");
	strvec_push(&d->cmd.args, d->daemon);
	/*
	 * A daemon keeps its pid file outside the directories we bind over
	 * (/run itself, or its prefix's var/run), which the private namespace
	 * shares: a second one (another virt-matrix, a test beside a sweep,
	 * two of one version for a migration) would find it locked and exit.
	 * Ours goes to the private tree.
	 */
	if (d->private) {
		strvec_push(&d->cmd.args, "--pid-file");
		strvec_pushf(&d->cmd.args, "%s/daemon.pid", d->run_dir_ns);
	}
	d->cmd.capture_max = 1 << 20;
	if (command_start(&d->cmd))
		goto out;
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (path_exists(d->sock)) {
			d->conn = virConnectOpen(d->uri);
			/*
			 * The socket may belong to another daemon of this prefix,
			 * in which case ours exits: only ours counts.
			 */
			if (d->conn &&
			    command_pump(&d->cmd, 0.2) != 0) {
				ret = 0;
				goto out;
			}
			if (d->conn) {
				virConnectClose(d->conn);
				d->conn = NULL;
			}
		}
		if (command_pump(&d->cmd, 0.001) == 0) {
			struct strbuf why = STRBUF_INIT;

			command_wait(&d->cmd, 5);
			command_describe(&d->cmd, &why);
			file_log_tail(d, &flog);
			error("libvirt daemon '%s' %s before it answered:\n%s%s",
			      d->daemon, why.buf,
			      str_tail_lines(d->cmd.output.buf, d->cmd.output.len, 10),
			      flog.buf);
			strbuf_release(&why);
			goto out;
		}
		if (now_monotonic() > deadline) {
			file_log_tail(d, &flog);
			error("libvirt daemon '%s' did not answer on '%s' within "
			      "%.0fs; its log:\n%s%s",
			      d->daemon, d->sock, timeout,
			      str_tail_lines(d->cmd.output.buf, d->cmd.output.len, 10),
			      flog.buf);
			goto out;
		}
		nanosleep(&ts, NULL);
	}
out:
	strbuf_release(&flog);
	if (ret)
		libvirtd_stop(d);
	return ret;
}

void libvirtd_stop(struct libvirtd *d)
{
	if (d->conn)
		virConnectClose(d->conn);
	d->conn = NULL;
	if (d->cmd.pid > 0 && !d->cmd.reaped) {
		command_kill(&d->cmd, SIGTERM);
		command_wait(&d->cmd, 15);
	}
	command_release(&d->cmd);
	if (d->private && remove_tree(d->private))
		warning("cannot remove '%s'", d->private);
	free(d->private);
	free(d->daemon);
	free(d->uri);
	free(d->sock);
	free(d->version);
	free(d->run_dir_ns);
	free(d->log_dir_ns);
	strvec_clear(&d->binds);
	free(d->run_dir);
	free(d->log_dir);
	d->private = d->daemon = d->uri = d->run_dir = d->log_dir = NULL;
	d->sock = d->version = d->run_dir_ns = d->log_dir_ns = NULL;
}

void libvirtd_log_error(const char *log, struct strbuf *out)
{
	const char *hit = NULL, *p;

	for (p = log; p && (p = strstr(p, " : ")); p += 3)
		if (p - log >= 6 && !strncmp(p - 6, " error", 6))
			hit = p + 3;
	if (hit)
		sb_printf(out, " (daemon: %.*s)", (int)strcspn(hit, "\n"), hit);
}

/* The daemon's own log in a private tree (write_daemon_conf). */
static char *daemon_log(const char *log_dir)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/daemon.log", log_dir);
	return strbuf_detach(&p);
}

off_t libvirtd_log_mark(const char *log_dir)
{
	char *path = daemon_log(log_dir);
	struct stat st;
	off_t size = stat(path, &st) ? 0 : st.st_size;

	free(path);
	return size;
}

void libvirtd_log_explain(const char *log_dir, off_t from, struct strbuf *msg)
{
	struct strbuf line = STRBUF_INIT, pick = STRBUF_INIT;
	char *path, buf[65536];
	int fd;
	ssize_t n;

	if (!strstr(msg->buf, "cause is unknown"))
		return;
	path = daemon_log(log_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/*
	 * The error lines from there on: a refusal by rule if one is there
	 * (a daemon also logs errors it goes on from, cgroups it lacks),
	 * else the first; as libvirtd_log_error words it.
	 */
	for (const char *bol = buf; *bol;) {
		size_t len = strcspn(bol, "\n");
		const char *comp, *words;
		size_t wl;

		if (memmem(bol, len, " error : ", 9)) {
			strbuf_reset(&line);
			sb_printf(&line, "%.*s", (int)len, bol);
			if (!pick.len || support_refusal(line.buf, &comp, &words, &wl)) {
				strbuf_reset(&pick);
				sb_puts(&pick, line.buf);
				if (support_refusal(line.buf, &comp, &words, &wl))
					break;
			}
		}
		bol += len + (bol[len] == '\n');
	}
	if (pick.len)
		libvirtd_log_error(pick.buf, msg);
	strbuf_release(&line);
	strbuf_release(&pick);
}

int libvirtd_domcaps(struct libvirtd *d, const char *emulator,
		     const char *machine, const char *virttype, char **xml,
		     char **err)
{
	off_t mark = d->private ? libvirtd_log_mark(d->log_dir) : 0;
	char *x = virConnectGetDomainCapabilities(d->conn, emulator, "x86_64",
						  machine, virttype, 0);

	*xml = *err = NULL;
	if (!x) {
		const char *m = virGetLastErrorMessage();
		struct strbuf e = STRBUF_INIT;

		sb_puts(&e, m ? m : "unknown libvirt error");
		/* The client may only know "the cause is unknown": the daemon's
		 * own last error line says what it was (in its log file, for a
		 * private tree's daemon with one, else on its output). */
		command_pump(&d->cmd, 0.1);
		if (d->private && strstr(e.buf, "cause is unknown"))
			libvirtd_log_explain(d->log_dir, mark, &e);
		if (!strstr(e.buf, "(daemon: "))
			libvirtd_log_error(d->cmd.output.buf, &e);
		*err = strbuf_detach(&e);
		return -1;
	}
	*xml = xstrdup(x);
	free(x);
	return 0;
}

long libvirtd_qemu_pid(const char *run_dir, const char *name)
{
	struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;
	long pid = -1;

	sb_printf(&p, "%s/qemu/%s.pid", run_dir, name);
	if (path_exists(p.buf) && !strbuf_read_file(&t, p.buf, 64))
		pid = strtol(t.buf, NULL, 10);
	strbuf_release(&p);
	strbuf_release(&t);
	return pid > 0 ? pid : -1;
}

/* Domains of ours a killed worker may have left on a daemon. */
void libvirtd_leftovers(const char *uri)
{
	virConnectPtr c = virConnectOpen(uri);
	virDomainPtr *doms = NULL;
	int n;

	if (!c)
		return;
	n = virConnectListAllDomains(c, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && !strncmp(name, "vmx-", 4)) {
			warning("removing domain '%s' left by an interrupted job", name);
			if (virDomainIsActive(doms[i]) == 1)
				virDomainDestroy(doms[i]);
			virDomainUndefine(doms[i]);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
}
