#ifndef VM_QEMUPROC_H
#define VM_QEMUPROC_H

/*
 * A QEMU process with a QMP session: started from an argv (never a
 * shell) with its QMP socket in a private temporary directory (virt-matrix
 * listens, QEMU connects to it), negotiated, and stopped again (QMP quit,
 * then SIGKILL) with the directory removed. A QEMU that exits early, hangs
 * or breaks the protocol is killed and reaped, and the error shows its
 * stderr.
 */

#include "command.h"
#include "qmp.h"
#include "zygote.h"

struct qemu_proc {
	struct command cmd;
	char *dir;
	char *sock;
	int listen_fd; /* on sock until QEMU has connected, else -1 */
	struct qmp qmp;
	const char *binary;
	int started;
};

/*
 * Appends "-L DIR" for the distribution's firmware directories that exist
 * (/usr/share/qemu, /usr/share/seabios, /usr/lib/ipxe/qemu): ark builds from Debian's +dfsg
 * tarballs carry no firmware of their own.
 */
void qemu_firmware_args(struct strvec *args);

/*
 * Starts binary with: -nodefaults -no-user-config -display none, the QMP
 * monitor, then args. timeout bounds start-up and each QMP reply.
 */
int qemu_proc_start(struct qemu_proc *p, const char *binary,
		    const char *const *args, double timeout) VM_WUR;
int qemu_proc_start_in(struct qemu_proc *p, struct zygote *z,
		       const char *binary, const char *const *args,
		       double timeout) VM_WUR;
/* qemu_proc_start with firmware as qemu_proc_spawn_fw takes it. */
int qemu_proc_start_fw(struct qemu_proc *p, const char *binary,
		       const char *const *firmware, const char *const *args,
		       double timeout) VM_WUR;
/*
 * The two halves of qemu_proc_start, so several QEMUs can initialise at
 * once: spawn each, then attach to each. A failed attach stops QEMU; with
 * quiet it reports nothing (the caller reads qemu_proc_output).
 */
int qemu_proc_spawn(struct qemu_proc *p, const char *binary,
		    const char *const *args) VM_WUR;
/* qemu_proc_spawn as a fork of z (lib/zygote.h), or an exec when z is NULL. */
int qemu_proc_spawn_in(struct qemu_proc *p, struct zygote *z,
		       const char *binary, const char *const *args) VM_WUR;
/*
 * qemu_proc_spawn_in with firmware ("-L", DIR, ..., NULL) in place of
 * qemu_firmware_args(), for a QEMU whose own firmware directory comes
 * first (the VF lab's private QEMU); NULL: qemu_firmware_args().
 */
int qemu_proc_spawn_fw(struct qemu_proc *p, struct zygote *z, const char *binary,
		       const char *const *firmware, const char *const *args) VM_WUR;
int qemu_proc_attach(struct qemu_proc *p, double timeout, int quiet) VM_WUR;
/*
 * The listen/accept pattern behind every socket QEMU connects to as a
 * client (its QMP monitor here, the qtest chardev in lib/qtest.c).
 * qemu_listen binds and listens on path (non-blocking, close-on-exec):
 * the fd, or -1 reported as "<tag> '<binary>': ...". qemu_accept waits
 * up to timeout seconds, while cmd runs, for QEMU to connect on
 * *listen_fd: the connected fd (*listen_fd is then closed and set to
 * -1), or -1 with the reason in msg ("QEMU exited before it connected to
 * its <name> socket", "did not connect ... within 5.0s"), reported
 * unless quiet. cmd may be NULL for a QEMU that is not our child
 * (libvirt's): then only the deadline ends the wait.
 */
int qemu_listen(const char *path, const char *tag, const char *binary) VM_WUR;
int qemu_accept(struct command *cmd, int *listen_fd, const char *tag,
		const char *name, const char *binary, const char *path,
		double timeout, char *msg, size_t size, int quiet) VM_WUR;
/* Asks QEMU to quit, kills it if it does not, reaps it, cleans up. */
void qemu_proc_stop(struct qemu_proc *p);
/* QEMU's stdout/stderr so far is only known after stop: the tail of it. */
const char *qemu_proc_output(const struct qemu_proc *p);

#endif
