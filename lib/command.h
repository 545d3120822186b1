#ifndef VM_COMMAND_H
#define VM_COMMAND_H

/*
 * The one place that starts child processes (libvirt's virCommand, git's
 * run-command). A child gets an argv vector (never a shell), a clean
 * environment, stdin from /dev/null unless told otherwise, no inherited
 * file descriptors, and its own process group. Waiting always has a
 * timeout; when it passes, or when virt-matrix is interrupted, the whole
 * group is terminated (SIGTERM, then SIGKILL). Output is captured with a
 * cap, written to a file, or discarded.
 *
 * Usage:
 *	struct command cmd;
 *	command_init(&cmd);
 *	strvec_push(&cmd.args, "make"); ...
 *	cmd.timeout = 600;
 *	if (command_run(&cmd) || !command_succeeded(&cmd)) ...
 *	command_release(&cmd);
 */

#include <signal.h>
#include <sys/types.h>

#include "strbuf.h"

enum cmd_out {
	CMD_OUT_CAPTURE = 0, /* stdout and stderr into cmd.output */
	CMD_OUT_FD,	     /* stdout and stderr onto out_fd */
	CMD_OUT_INHERIT,     /* our own stdout and stderr */
	CMD_OUT_NULL,	     /* /dev/null */
};

struct command {
	struct strvec args;
	/* Extra KEY=VALUE entries over the clean default environment. */
	struct strvec env;
	const char *dir;
	int in_fd; /* -1: /dev/null */
	enum cmd_out out;
	int out_fd;
	size_t capture_max; /* cap of output; default 1 MiB */
	double timeout;	    /* seconds; 0: none (callers set one) */
	double term_grace;  /* SIGTERM to SIGKILL; default 3 s */
	/*
	 * When set, the child is a fork of this zygote (lib/zygote.h)
	 * instead of an exec of args.v[0], which must be its binary
	 * (CMD_OUT_INHERIT then gives it our stderr for both outputs).
	 * env, dir and in_fd must then be left unset: command_start
	 * refuses them, since the zygote's child cannot have them.
	 */
	struct zygote *zygote;

	/* Results */
	pid_t pid;
	int exited;	 /* exit status valid */
	int status;	 /* exit status */
	int signal;	 /* terminating signal, 0 if none */
	int timed_out;
	double timed_out_after; /* the limit of the wait that timed out */
	int interrupted; /* virt-matrix got SIGINT/SIGTERM */
	int truncated;	 /* output exceeded capture_max */
	double seconds;
	struct strbuf output;

	/* Internal */
	int pidfd;
	int pipe_fd;
	int reaped;
	double started;
};

/* Set by the SIGINT/SIGTERM handler that command_setup_signals installs. */
extern volatile sig_atomic_t vm_interrupted;
/* Installs SIGINT/SIGTERM handlers that set vm_interrupted. */
void command_setup_signals(void);

void command_init(struct command *cmd);
void command_release(struct command *cmd);

/*
 * Starts the child. Returns 0, or -1 after reporting when it could not be
 * started ("cannot run 'meson': No such file or directory").
 */
int command_start(struct command *cmd) VM_WUR;
/*
 * Waits up to timeout seconds (0: forever) for the child, collecting its
 * output. On timeout or interruption, terminates the group. Always reaps
 * the child and kills whatever remains of its process group. A child
 * already seen to end (command_running, command_wait_output) is not
 * waited for, but what it wrote is still collected. Returns 0 when the
 * child ran to its end (whatever its status), -1 when it timed out or
 * was interrupted (not reported: see command_describe).
 */
int command_wait(struct command *cmd, double timeout);
/*
 * For CMD_OUT_CAPTURE: waits until the output contains marker (1), the
 * child exits without printing it (0), or timeout passes or virt-matrix
 * is interrupted (-1). The child keeps running; command_wait ends it.
 * Only for children that write the marker without stdio buffering (QEMU's
 * serial console, written with write(2)): a line that stdio buffers in a
 * pipe may arrive only at exit (lib/ready.h judges servers by state).
 */
int command_wait_output(struct command *cmd, const char *marker,
			double timeout);
/*
 * For CMD_OUT_CAPTURE: collects the child's output for up to seconds
 * while it runs (a marker of NULL for command_wait_output never matches).
 * Returns 1 when the child is still running afterwards, 0 when it ended
 * (not reaped: command_wait does that), -1 when virt-matrix was
 * interrupted.
 */
int command_pump(struct command *cmd, double seconds);
/* command_start + command_wait(cmd->timeout); -1 if either fails. */
int command_run(struct command *cmd);
/* Sends sig to the child's process group (if it is still running). */
void command_kill(struct command *cmd, int sig);
/* True while the child has been started and has not ended. */
int command_running(struct command *cmd);

/* True when the child exited with status 0. */
int command_succeeded(const struct command *cmd);
/*
 * "exited with status 2", "killed by signal 9 (Killed)", "timed out after
 * 5.0s and was killed" (the limit of the command_wait that timed out).
 */
void command_describe(const struct command *cmd, struct strbuf *out);
/*
 * Runs and checks: returns 0 if the child exited 0; otherwise reports
 * "error: '<argv0>' <description>" followed by the tail of its captured
 * output and returns -1.
 */
int command_run_checked(struct command *cmd) VM_WUR;

/* The default PATH for children: system directories only. */
#define CMD_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
