#ifndef VM_ZYGOTE_H
#define VM_ZYGOTE_H

/*
 * A QEMU binary started once, with virt-matrix's preload
 * (lib/zygote-preload.c), that forks a new QEMU for each command started
 * through it: QEMU's own main() with the command's argv, in a process that
 * has already been loaded, linked and had its constructors run. Probes
 * that start the same binary dozens of times (one per machine type) use
 * it: Debian's QEMU binds all its libraries at every start, and its ABI
 * probe takes about 0.77 of the time it takes with an exec per QEMU
 * (make bench BENCH=probe reports the ratio for each binary).
 *
 * Set cmd.zygote before command_start (lib/command.h): the child is then
 * started by the zygote, in its own process group, and command_wait,
 * command_kill and command_running treat it as any other child. Its
 * environment and working directory are the zygote's and its stdin is
 * /dev/null: command_start refuses a command that sets cmd.env, cmd.dir
 * or cmd.in_fd. The zygote's children die with it. (How command.c talks
 * to the zygote is zygote-client.h's.)
 *
 * Safe to share between threads.
 */

#include <sys/types.h>

#include "strbuf.h"

struct zygote;

/*
 * Starts binary as a zygote. Returns NULL when it cannot be used, with
 * the reason in *why: VIRT_MATRIX_ZYGOTE=off, no preload installed
 * (paths_zygote), or the binary did not take the preload (static,
 * set-user-ID, not glibc: then with the first line it printed) or did
 * not answer within 10 s. Callers then start the binary the usual way.
 * Nothing is reported.
 */
struct zygote *zygote_start(const char *binary, struct strbuf *why);
/*
 * zygote_start as the probes use it: 0 with *out (NULL when the zygote
 * cannot be used: then exec), or -1 (reported) when it cannot and
 * VIRT_MATRIX_ZYGOTE=require.
 */
int zygote_open(const char *binary, struct zygote **out) VM_WUR;
/* Stops the zygote and its remaining children. Accepts NULL. */
void zygote_free(struct zygote *z);
/* The zygote's own process id. */
pid_t zygote_pid(const struct zygote *z);

#endif
