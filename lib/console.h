#ifndef VM_CONSOLE_H
#define VM_CONSOLE_H

/*
 * A guest's serial console that virt-matrix both reads and writes: QEMU
 * connects its chardev (`-chardev socket,id=...,path=SOCK`, client mode)
 * to a socket we listen on (qemu_listen/qemu_accept of qemuproc.h), so
 * nothing the guest prints before we look is lost and a line can be sent
 * to the guest's shell. What the guest prints goes into log, capped at
 * max with the strbuf cut marker (a guest that floods its console is cut,
 * never a reason to stop). Every wait has a deadline, and is cut short
 * by QEMU's end and by Ctrl-C; QEMU's own stderr is pumped meanwhile so
 * that its pipe never fills.
 */

#include "command.h"
#include "strbuf.h"

struct console {
	int fd;		   /* connected to QEMU's chardev, or -1 */
	struct strbuf log; /* everything the guest printed, capped */
	size_t from;	   /* console_wait searches log from here */
};

void console_init(struct console *c, size_t max);
/* Takes fd, QEMU's accepted connection (qemu_accept): 0, or -1 reported. */
int console_attach(struct console *c, int fd) VM_WUR;
void console_release(struct console *c);

/* console_wait's answers. */
enum console_wait {
	CONSOLE_SEEN = 1,     /* marker is in the log */
	CONSOLE_CLOSED = 0,   /* QEMU ended or closed the console first */
	CONSOLE_TIMEOUT = -1, /* the deadline passed first */
	CONSOLE_INTERRUPTED = -2,
};

/*
 * Reads until marker appears in the log at or after c->from on a line
 * whose newline has arrived (then from moves past that line), cmd ends,
 * or timeout seconds pass.
 * cmd's output is pumped meanwhile. cmd may be NULL for a QEMU that is
 * not our child (libvirt's): then its end shows as the console closing.
 */
enum console_wait console_wait(struct console *c, struct command *cmd,
			       const char *marker, double timeout);

/* Writes line and a newline to the guest: 0, or -1 (QEMU is gone). */
int console_send(struct console *c, const char *line);

#endif
