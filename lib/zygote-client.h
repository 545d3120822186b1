#ifndef VM_ZYGOTE_CLIENT_H
#define VM_ZYGOTE_CLIENT_H

/*
 * For command.c and zygote.c only: a zygote (lib/zygote.h) as virt-matrix
 * holds it, and virt-matrix's side of its socket (zygote-proto.h). It
 * starts no process: zygote.c starts the zygote itself with command.c,
 * and command.c asks it for children here. So command.c and zygote.c
 * both use this file, and neither uses the other's zygote half.
 */

#include <pthread.h>
#include <sys/types.h>

#include "command.h"

#define ZYGOTE_EXITS 128

struct zygote {
	struct command proc; /* the zygote's own process (zygote.c) */
	int fd;		     /* the socket; -1 once closed */
	int gone;	     /* the socket failed or the zygote stopped answering */
	int warned;	     /* that it is gone */
	char *binary;
	pthread_mutex_t lock;
	/* Ends reported but not yet asked for: a ring. */
	struct {
		pid_t pid;
		int status;
	} exits[ZYGOTE_EXITS];
	size_t next_exit;
};

/* Sets up z's connection half on fd (taken over) for binary. */
void zygote_conn_init(struct zygote *z, int fd, const char *binary);
/* Closes the socket (the zygote then ends) and frees the half; not proc. */
void zygote_conn_release(struct zygote *z);
/*
 * Waits up to seconds for the zygote's "ready": 1 when it came, 0 when
 * nothing came in time, -1 when the socket closed (it did not serve).
 */
int zygote_wait_ready(struct zygote *z, double seconds);

/*
 * Starts argv with out_fd as its stdout and stderr (stdin /dev/null, the
 * zygote's environment and directory): 0 with *pid, or -1 with errno
 * (EPIPE: the zygote is gone, which the first such call reports as a
 * warning; E2BIG: argv does not fit a request).
 */
int zygote_spawn(struct zygote *z, const char *const *argv, int out_fd,
		 pid_t *pid);
/*
 * Waits up to timeout for the zygote to report that pid ended: 1 with
 * its wait status, 0 on timeout, -1 when the zygote is gone.
 */
int zygote_exit_status(struct zygote *z, pid_t pid, double timeout,
		       int *status);

#endif
