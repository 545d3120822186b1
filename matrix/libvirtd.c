/*
 * Running a libvirt daemon of a given version and asking it things.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvirtd.h"
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
 * virtlogd). The prefix belongs to virt-matrix (ark installed it).
 */
static const char qemu_conf[] =
	"# Written by virt-matrix: guests run as root, unconfined.\n"
	"user = \"root\"\n"
	"group = \"root\"\n"
	"dynamic_ownership = 0\n"
	"remember_owner = 0\n"
	"security_driver = \"none\"\n"
	"cgroup_controllers = [ ]\n"
	"namespaces = [ ]\n"
	"stdio_handler = \"file\"\n";

static int write_qemu_conf(const char *prefix)
{
	struct strbuf path = STRBUF_INIT, old = STRBUF_INIT;
	int ret = 0;

	sb_printf(&path, "%s/etc/libvirt/qemu.conf", prefix);
	if (!path_exists(path.buf) || strbuf_read_file(&old, path.buf, 1 << 20) ||
	    old.len != sizeof(qemu_conf) - 1 || memcmp(old.buf, qemu_conf, old.len))
		ret = write_file_atomic(path.buf, qemu_conf, strlen(qemu_conf));
	strbuf_release(&path);
	strbuf_release(&old);
	return ret;
}

int libvirtd_start(struct libvirtd *d, const char *prefix, double timeout)
{
	struct strbuf daemon = STRBUF_INIT, sock = STRBUF_INIT, uri = STRBUF_INIT;
	double deadline = now_monotonic() + timeout;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	d->prefix = xstrdup(prefix);
	command_init(&d->cmd);
	sb_printf(&daemon, "%s/sbin/libvirtd", prefix);
	sb_printf(&sock, "%s/var/run/libvirt/libvirt-sock", prefix);
	sb_printf(&uri, "qemu:///system?socket=%s", sock.buf);
	d->uri = strbuf_detach(&uri);
	if (access(daemon.buf, X_OK)) {
		error_errno("cannot run the libvirt daemon '%s'", daemon.buf);
		goto out;
	}
	if (mkdir_p("/var/log/libvirt", 0755) || write_qemu_conf(prefix))
		goto out;
	virSetErrorFunc(NULL, quiet_errors);
	supervise_argv(&d->cmd.args);
	strvec_push(&d->cmd.args, daemon.buf);
	d->cmd.capture_max = 1 << 20;
	if (command_start(&d->cmd))
		goto out;
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (path_exists(sock.buf)) {
			d->conn = virConnectOpen(d->uri);
			/*
			 * The socket may belong to another daemon of this prefix,
			 * in which case ours exits: only ours counts.
			 */
			if (d->conn &&
			    command_wait_output(&d->cmd, "\x01never\x01", 0.2) != 0) {
				ret = 0;
				goto out;
			}
			if (d->conn) {
				virConnectClose(d->conn);
				d->conn = NULL;
			}
		}
		if (command_wait_output(&d->cmd, "\x01never\x01", 0.001) == 0) {
			struct strbuf why = STRBUF_INIT;

			command_wait(&d->cmd, 5);
			command_describe(&d->cmd, &why);
			error("libvirt daemon '%s' %s before it answered:\n%s",
			      daemon.buf, why.buf,
			      str_tail_lines(d->cmd.output.buf, d->cmd.output.len, 10));
			strbuf_release(&why);
			goto out;
		}
		if (now_monotonic() > deadline) {
			error("libvirt daemon '%s' did not answer on '%s' within "
			      "%.0fs; its log:\n%s",
			      daemon.buf, sock.buf, timeout,
			      str_tail_lines(d->cmd.output.buf, d->cmd.output.len, 10));
			goto out;
		}
		nanosleep(&ts, NULL);
	}
out:
	if (ret)
		libvirtd_stop(d);
	strbuf_release(&daemon);
	strbuf_release(&sock);
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
	free(d->prefix);
	free(d->uri);
	d->prefix = d->uri = NULL;
}

int libvirtd_domcaps(struct libvirtd *d, const char *emulator,
		     const char *machine, const char *virttype, char **xml,
		     char **err)
{
	char *x = virConnectGetDomainCapabilities(d->conn, emulator, "x86_64",
						  machine, virttype, 0);

	*xml = *err = NULL;
	if (!x) {
		const char *m = virGetLastErrorMessage();
		struct strbuf e = STRBUF_INIT;
		const char *log, *hit = NULL, *p;

		sb_puts(&e, m ? m : "unknown libvirt error");
		/* The client may only know "the cause is unknown": the daemon's
		 * own last error line says what it was. */
		command_wait_output(&d->cmd, "\x01never\x01", 0.1);
		log = d->cmd.output.buf;
		for (p = log; (p = strstr(p, " : ")); p += 3)
			if (p - log >= 6 && !strncmp(p - 6, " error", 6))
				hit = p + 3;
		if (hit)
			sb_printf(&e, " (libvirtd: %.*s)", (int)strcspn(hit, "\n"),
				  hit);
		*err = strbuf_detach(&e);
		return -1;
	}
	*xml = xstrdup(x);
	free(x);
	return 0;
}
