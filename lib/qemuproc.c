/*
 * Starting and stopping QEMU processes that are driven over QMP.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

static int still_running(void *ctx)
{
	struct qemu_proc *p = ctx;

	return command_running(&p->cmd);
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
	struct strbuf s = STRBUF_INIT;
	char *tmpl = temp_template("qemu");

	memset(p, 0, sizeof(*p));
	p->binary = binary;
	p->qmp.fd = -1;
	command_init(&p->cmd);
	if (!mkdtemp(tmpl)) {
		error_errno("cannot create a directory '%s' for '%s'", tmpl, binary);
		free(tmpl);
		return -1;
	}
	p->dir = tmpl;
	sb_printf(&s, "%s/qmp.sock", p->dir);
	p->sock = strbuf_detach(&s);

	strvec_push(&p->cmd.args, binary);
	strvec_pushv(&p->cmd.args,
		     (const char *const[]){ "-nodefaults", "-no-user-config",
					    "-display", "none", NULL });
	qemu_firmware_args(&p->cmd.args);
	strvec_push(&p->cmd.args, "-chardev");
	strvec_pushf(&p->cmd.args, "socket,id=vmqmp,path=%s,server=on,wait=off",
		     p->sock);
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
	int fd = qmp_connect_unix(p->sock, timeout, still_running, p, p->binary);

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

void qemu_proc_stop(struct qemu_proc *p)
{
	/* QEMU may close the socket before the reply: do not wait for it. */
	if (p->qmp.fd >= 0 && p->started && still_running(p) &&
	    qmp_send(&p->qmp, "quit"))
		command_kill(&p->cmd, SIGKILL);
	if (p->started) {
		command_wait(&p->cmd, 5);
		p->started = 0;
	}
	qmp_release(&p->qmp);
	p->qmp.fd = -1;
	if (p->dir && remove_tree(p->dir))
		warning("cannot remove '%s'", p->dir);
	free(p->dir);
	free(p->sock);
	p->dir = p->sock = NULL;
}
