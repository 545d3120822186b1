/*
 * Starting and ending a zygote (zygote.h): its QEMU run with the preload
 * through command.c, and ready when it says so on its socket. Asking it
 * for children is zygote-client.c's, which command.c uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zygote.h"
#include "zygote-client.h"
#include "zygote-proto.h"
#include "paths.h"
#include "banned.h"

#define READY_TIMEOUT 10

pid_t zygote_pid(const struct zygote *z)
{
	return z->proc.pid;
}

struct zygote *zygote_start(const char *binary, struct strbuf *why)
{
	const char *off = getenv("VIRT_MATRIX_ZYGOTE");
	struct zygote *z = NULL;
	char *so = NULL;
	int sv[2] = { -1, -1 };
	int r;

	if (off && !strcmp(off, "off")) {
		sb_puts(why, "VIRT_MATRIX_ZYGOTE=off");
		return NULL;
	}
	so = paths_zygote();
	if (!so) {
		const char *env = getenv("VIRT_MATRIX_ZYGOTE_SO");

		if (env && *env)
			sb_printf(why, "cannot read '%s' (VIRT_MATRIX_ZYGOTE_SO)", env);
		else
			sb_puts(why, "no virt-matrix-zygote.so beside virt-matrix"
				     " or in ../lib/virt-matrix/");
		return NULL;
	}
	if (strpbrk(so, " :")) { /* LD_PRELOAD splits on them */
		sb_printf(why, "'%s' cannot be preloaded (a space or colon)", so);
		free(so);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		sb_printf(why, "socketpair: %s", strerror(errno));
		free(so);
		return NULL;
	}
	z = xcalloc(1, sizeof(*z));
	zygote_conn_init(z, sv[0], binary);
	command_init(&z->proc);
	/* Without the preload, QEMU prints its version and exits. */
	strvec_pushv(&z->proc.args, (const char *const[]){ binary, "-version", NULL });
	strvec_pushf(&z->proc.env, "LD_PRELOAD=%s", so);
	strvec_pushf(&z->proc.env, "%s=1", ZYGOTE_ENV);
	z->proc.in_fd = sv[1];
	z->proc.capture_max = 64 << 10;
	free(so);
	if (command_start(&z->proc)) {
		sb_printf(why, "cannot run '%s'", binary);
		close(sv[1]);
		zygote_free(z);
		return NULL;
	}
	close(sv[1]);
	r = zygote_wait_ready(z, READY_TIMEOUT);
	if (r > 0)
		return z;
	sb_printf(why, "'%s' %s with the preload", binary,
		  r < 0 ? "did not serve" : "did not answer");
	/* What it said first (the dynamic linker's word on the preload comes
	 * before QEMU's own output). */
	close(z->fd);
	z->fd = -1;
	command_wait(&z->proc, 5);
	if (z->proc.output.len) {
		size_t n = strcspn(z->proc.output.buf, "\n");

		sb_printf(why, ": %.*s", (int)(n > 300 ? 300 : n), z->proc.output.buf);
	}
	zygote_free(z);
	return NULL;
}

int zygote_open(const char *binary, struct zygote **out)
{
	const char *want = getenv("VIRT_MATRIX_ZYGOTE");
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	*out = zygote_start(binary, &why);
	if (!*out && want && !strcmp(want, "require"))
		ret = error("no zygote for '%s': %s", binary, why.buf);
	strbuf_release(&why);
	return ret;
}

void zygote_free(struct zygote *z)
{
	if (!z)
		return;
	if (z->fd >= 0)
		close(z->fd); /* the zygote kills what is left, and ends */
	z->fd = -1;
	if (z->proc.pid > 0)
		command_wait(&z->proc, 5);
	command_release(&z->proc);
	zygote_conn_release(z);
	free(z);
}
