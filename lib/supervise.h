#ifndef VM_SUPERVISE_H
#define VM_SUPERVISE_H

/*
 * A process that runs a daemon as a child subreaper (PR_SET_CHILD_SUBREAPER)
 * and reaps every process that ends under it at once. PID 1 on these
 * machines reaps orphans slowly (1-2 s each) and libvirt's capability
 * probe waits for its daemonised QEMUs to be reaped, so daemons run under
 * this instead. virt-matrix runs it as "virt-matrix internal-supervise --
 * DAEMON ARGS..." (not a user command); SIGTERM or SIGINT are passed on
 * to the daemon, and after 10 s it is killed. Exits with the daemon's
 * status. "internal-supervise --bind SRC DST... -- DAEMON ARGS" first
 * moves into a private mount namespace with each SRC bound over DST (a
 * distribution's daemon whose paths are compiled in keeps its state in
 * SRC instead); root only. "--overlay DIR UPPER WORK..." after the
 * binds puts the directory UPPER over DIR with overlayfs (WORK is its
 * work directory, on UPPER's file system), the mounts below DIR kept in
 * place: what UPPER holds appears in DIR for the daemon and its QEMUs
 * alone.
 */

int cmd_internal_supervise(int argc, char **argv);

/*
 * Pushes the argv prefix that runs argv under the supervisor: this
 * virt-matrix binary (/proc/self/exe), or $VIRT_MATRIX_BIN when set (for
 * programs other than virt-matrix that use the library, such as tests),
 * then "internal-supervise"; the caller adds any --bind pairs and
 * --overlay triples, then "--".
 */
struct strvec;
void supervise_argv(struct strvec *out);

#endif
