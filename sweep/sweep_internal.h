#ifndef SWEEP_INTERNAL_H
#define SWEEP_INTERNAL_H

/* Shared between the files of sweep/; not used outside it. */

#include "command.h"
#include "store.h"
#include "strbuf.h"

/*
 * Runs virt-matrix itself (paths_self_exec) with args (NULL-terminated
 * after the subcommand), output on our own stdout and stderr, and the
 * virt-matrix settings of our environment (VIRT_MATRIX_*, XDG_*, proxies)
 * passed on over command.h's clean one. Ctrl-C reaches it as SIGTERM
 * (command.h), with time to clean up its guests. Returns its exit status
 * (128 + signal when killed), or -1 after reporting when it could not be
 * started or we were interrupted.
 */
int vm_self_run(const struct strvec *args, double timeout);

/* Whether this virt-matrix has command (its --help exits 0). */
int vm_self_has(const char *command);

/* The scenario name recorded by `run` for a --scenario argument. */
char *scenario_name_of(const char *arg);

/*
 * Checks sweep options (args, without the command) as `sweep` itself
 * would: 0, or -1 after reporting the first bad one.
 */
int sweep_args_check(const struct strvec *args);

#endif
