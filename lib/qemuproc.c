/*
 * Starting and stopping QEMU processes that are driven over QMP.
 *
 * virt-matrix listens on the QMP socket and QEMU connects to it as a
 * client ("-chardev socket,path=P", no server=on): QEMU does so while it
 * creates its chardevs, in its main thread, before the monitor's I/O
 * thread or its main loop run, and there is no listening socket in QEMU.
 *
 * Not the other way round. A QEMU that listens (server=on,wait=off)
 * watches the listening socket from its main loop until the monitor's
 * I/O thread takes the watch over; a client that connects during the
 * handover is seen by both threads: one accepts it and greets, the other
 * blocks for good in accept() on the blocking listener. When that is the
 * main thread, nothing the client sends is ever run (not even 'quit'),
 * nor is SIGTERM acted on. Debian's QEMU 7.2 did that about once in 300
 * starts on a busy machine (gdb: the main thread in accept4() under
 * main_loop_wait, the greeting already sent).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemuproc.h"
#include "fs.h"
#include "banned.h"

static const char *const firmware_dirs[] = { "/usr/share/qemu",
					     "/usr/share/seabios",
					     "/usr/lib/ipxe/qemu" };

void qemu_firmware_args(struct strvec *args)
{
	for (size_t i = 0; i < ARRAY_SIZE(firmware_dirs); i++)
		if (is_dir(firmware_dirs[i])) {
			strvec_push(args, "-L");
			strvec_push(args, firmware_dirs[i]);
		}
}

int qemu_listen(const char *path, const char *tag, const char *binary)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_sockaddr(&sa, path))
		return error("%s '%s': socket path too long: '%s'", tag, binary,
			     path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return error_errno("%s '%s': socket", tag, binary);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		error_errno("%s '%s': cannot listen on '%s'", tag, binary, path);
		close(fd);
		return -1;
	}
	return fd;
}

int qemu_accept(struct command *cmd, int *listen_fd, const char *tag,
		const char *name, const char *binary, const char *path,
		double timeout, char *msg, size_t size, int quiet)
{
	double deadline = now_monotonic() + timeout;

	for (;;) {
		struct pollfd pfd[2] = { { *listen_fd, POLLIN, 0 },
					 { cmd ? cmd->pidfd : -1, POLLIN, 0 } };
		/* Asked first: a QEMU that connected and then ended is seen. */
		int alive = !cmd || command_running(cmd);
		int fd = accept4(*listen_fd, NULL, NULL, SOCK_CLOEXEC);
		double left;

		if (fd >= 0) {
			close(*listen_fd);
			*listen_fd = -1;
			return fd;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED) {
			snprintf(msg, size, "%s '%s': cannot accept on '%s': %s",
				 tag, binary, path, strerror(errno));
			break;
		}
		if (!alive) {
			snprintf(msg, size, "%s '%s': QEMU exited before it "
				 "connected to its %s socket", tag, binary, name);
			break;
		}
		left = deadline - now_monotonic();
		if (left <= 0) {
			snprintf(msg, size, "%s '%s': QEMU did not connect to its "
				 "%s socket '%s' within %.1fs", tag, binary, name,
				 path, timeout);
			break;
		}
		/* The pidfd (-1 is ignored) wakes us when QEMU ends. */
		poll(pfd, 2, left > 0.1 ? 100 : (int)(left * 1000) + 1);
	}
	if (!quiet)
		error("%s", msg);
	return -1;
}

const char *qemu_proc_output(const struct qemu_proc *p)
{
	return str_tail_lines(p->cmd.output.buf, p->cmd.output.len, 10);
}

int qemu_proc_spawn(struct qemu_proc *p, const char *binary,
		    const char *const *args)
{
	return qemu_proc_spawn_in(p, NULL, binary, args);
}

int qemu_proc_spawn_in(struct qemu_proc *p, struct zygote *z,
		       const char *binary, const char *const *args)
{
	return qemu_proc_spawn_fw(p, z, binary, NULL, args);
}

int qemu_proc_spawn_fw(struct qemu_proc *p, struct zygote *z, const char *binary,
		       const char *const *firmware, const char *const *args)
{
	struct strbuf s = STRBUF_INIT;
	char *tmpl = temp_template("qemu");

	memset(p, 0, sizeof(*p));
	p->binary = binary;
	p->qmp.fd = -1;
	p->listen_fd = -1;
	command_init(&p->cmd);
	if (!mkdtemp(tmpl)) {
		error_errno("cannot create a directory '%s' for '%s'", tmpl, binary);
		free(tmpl);
		return -1;
	}
	p->dir = tmpl;
	sb_printf(&s, "%s/qmp.sock", p->dir);
	p->sock = strbuf_detach(&s);
	p->listen_fd = qemu_listen(p->sock, "qmp", binary);
	if (p->listen_fd < 0) {
		qemu_proc_stop(p);
		return -1;
	}

	strvec_push(&p->cmd.args, binary);
	strvec_pushv(&p->cmd.args,
		     (const char *const[]){ "-nodefaults", "-no-user-config",
					    "-display", "none", NULL });
	if (firmware)
		strvec_pushv(&p->cmd.args, firmware);
	else
		qemu_firmware_args(&p->cmd.args);
	strvec_push(&p->cmd.args, "-chardev");
	strvec_pushf(&p->cmd.args, "socket,id=vmqmp,path=%s", p->sock);
	strvec_pushv(&p->cmd.args, (const char *const[]){
					   "-mon", "chardev=vmqmp,mode=control",
					   NULL });
	strvec_pushv(&p->cmd.args, args);
	p->cmd.capture_max = 256 << 10;
	p->cmd.zygote = z;
	if (command_start(&p->cmd)) {
		qemu_proc_stop(p);
		return -1;
	}
	p->started = 1;
	return 0;
}

int qemu_proc_attach(struct qemu_proc *p, double timeout, int quiet)
{
	int fd = qemu_accept(&p->cmd, &p->listen_fd, "qmp", "QMP", p->binary,
			     p->sock, timeout, p->qmp.errmsg,
			     sizeof(p->qmp.errmsg), quiet);

	if (fd >= 0) {
		qmp_init(&p->qmp, fd, p->binary);
		p->qmp.timeout = timeout;
		p->qmp.quiet = quiet;
		if (!qmp_handshake(&p->qmp))
			return 0;
	}
	qemu_proc_stop(p);
	if (!quiet && (p->cmd.output.len || p->cmd.signal || p->cmd.exited)) {
		struct strbuf why = STRBUF_INIT;

		command_describe(&p->cmd, &why);
		error("'%s' %s:\n%s", p->binary, why.buf, qemu_proc_output(p));
		strbuf_release(&why);
	}
	return -1;
}

int qemu_proc_start(struct qemu_proc *p, const char *binary,
		    const char *const *args, double timeout)
{
	return qemu_proc_start_in(p, NULL, binary, args, timeout);
}

int qemu_proc_start_in(struct qemu_proc *p, struct zygote *z,
		       const char *binary, const char *const *args,
		       double timeout)
{
	if (qemu_proc_spawn_in(p, z, binary, args))
		return -1;
	return qemu_proc_attach(p, timeout, 0);
}

int qemu_proc_start_fw(struct qemu_proc *p, const char *binary,
		       const char *const *firmware, const char *const *args,
		       double timeout)
{
	if (qemu_proc_spawn_fw(p, NULL, binary, firmware, args))
		return -1;
	return qemu_proc_attach(p, timeout, 0);
}

void qemu_proc_stop(struct qemu_proc *p)
{
	/* QEMU may close the socket before the reply: do not wait for it. */
	if (p->qmp.fd >= 0 && p->started && command_running(&p->cmd) &&
	    qmp_send(&p->qmp, "quit"))
		command_kill(&p->cmd, SIGKILL);
	if (p->started) {
		command_wait(&p->cmd, 5);
		p->started = 0;
	}
	qmp_release(&p->qmp);
	p->qmp.fd = -1;
	if (p->listen_fd >= 0)
		close(p->listen_fd);
	p->listen_fd = -1;
	if (p->dir && remove_tree(p->dir))
		warning("cannot remove '%s'", p->dir);
	free(p->dir);
	free(p->sock);
	p->dir = p->sock = NULL;
}
