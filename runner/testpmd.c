/*
 * DPDK testpmd as the vhost-user backend (testpmd.h). It is ready when
 * every vhost-user socket it serves accepts a connection (lib/ready.h):
 * what it prints is no signal, since stdio keeps its stdout in the
 * pipe's buffer. It runs line-buffered (stdbuf -oL) all the same, so
 * that a reason quoting its log quotes what it has printed.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "testpmd.h"
#include "fs.h"
#include "ready.h"
#include "banned.h"

#define TESTPMD_LOG_MAX (1 << 20)

int testpmd_start(struct testpmd *t, const struct scenario *s,
		  const struct map_env *env, size_t nenv, struct strbuf *reason)
{
	struct command *tp = &t->cmd;
	struct strbuf path = STRBUF_INIT;
	size_t k = 0;

	command_init(tp);
	t->socks = (struct strvec)STRVEC_INIT;
	strvec_pushv(&tp->args, (const char *const[]){ "stdbuf", "-oL", "-eL",
						       "dpdk-testpmd", "-l", "0-1",
						       "--no-huge", "-m", "512",
						       "--no-pci", NULL });
	strvec_pushf(&tp->args, "--file-prefix=vmx%ld", (long)getpid());
	for (size_t v = 0; v < nenv && v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevices; i++) {
			const struct scn_device *d = &s->vms[v].devices[i];

			if (d->kind != DEV_VHOST_USER)
				continue;
			map_vhost_path(&env[v], d, &path);
			strvec_push(&t->socks, path.buf);
			strvec_push(&tp->args, "--vdev");
			strvec_pushf(&tp->args, "net_vhost%zu,iface=%s", k++, path.buf);
		}
	strvec_pushv(&tp->args, (const char *const[]){ "--", "--forward-mode=io",
						       "--auto-start",
						       "--total-num-mbufs=8192",
						       "--stats-period", "3600", NULL });
	tp->capture_max = TESTPMD_LOG_MAX;
	tp->timeout = 0;
	strbuf_release(&path);
	if (command_start(tp)) {
		sb_puts(reason, "cannot start dpdk-testpmd");
		return -1;
	}
	return ready_wait_unix_sockets(tp, "dpdk-testpmd",
				       (const char *const *)t->socks.v, t->socks.nr,
				       60, reason);
}

void testpmd_socket_note(const char *log, const char *sock, struct strvec *notes)
{
	struct strbuf conn = STRBUF_INIT, ready = STRBUF_INIT;
	size_t peers = 0;
	const char *p = log;

	sb_printf(&conn, "(%s) new vhost user connection", sock);
	sb_printf(&ready, "(%s) virtio is now ready for processing", sock);
	while (p && (p = strstr(p, conn.buf))) {
		peers++;
		p += conn.len;
	}
	/* The first connection was the readiness check's. */
	strvec_pushf(notes, "testpmd: %s: %s", sock,
		     peers < 2 ? "QEMU never connected"
		     : strstr(log, ready.buf) ? "QEMU connected; the guest's driver "
						"made the device ready"
					      : "QEMU connected; the guest's driver "
						"never made the device ready");
	strbuf_release(&conn);
	strbuf_release(&ready);
}

/* DPDK's runtime files for our --file-prefix (as root). */
static void remove_runtime_files(void)
{
	struct strbuf d = STRBUF_INIT;

	sb_printf(&d, "/var/run/dpdk/vmx%ld", (long)getpid());
	if (is_dir(d.buf) && remove_tree(d.buf))
		warning("cannot remove '%s'", d.buf);
	strbuf_release(&d);
}

void testpmd_stop(struct testpmd *t, struct strbuf *log, struct strvec *notes)
{
	struct command *tp = &t->cmd;

	command_kill(tp, SIGINT);
	command_wait(tp, 15);
	command_kill(tp, SIGKILL);
	command_wait(tp, 5);
	sb_puts(log, tp->output.buf);
	for (size_t i = 0; i < t->socks.nr; i++)
		testpmd_socket_note(tp->output.buf ? tp->output.buf : "",
				    t->socks.v[i], notes);
	command_release(tp);
	strvec_clear(&t->socks);
	remove_runtime_files();
}
