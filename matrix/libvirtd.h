#ifndef MX_LIBVIRTD_H
#define MX_LIBVIRTD_H

/*
 * A libvirt daemon of one installed version, started by virt-matrix under
 * the prompt-reaping supervisor (supervise.h), connected to with the
 * libvirt C API on its own socket, and stopped again. A daemon that does
 * not come up is an error that shows its log, never a hang.
 *
 * A version ark built keeps its config, sockets and state under its
 * prefix; its daemon is the modular virtqemud where that version has it,
 * else libvirtd. An imported distribution libvirt (Debian's libvirtd,
 * whose paths under /etc, /run and /var are compiled in) runs in a
 * private mount namespace with a temporary tree of ours bound over
 * those directories: the system's own config and any system daemon are
 * left alone, and the tree is removed when the daemon stops. Either way
 * qemu.conf is set for running guests as root here.
 */

#include <sys/types.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "command.h"
#include "installs.h"

struct libvirtd {
	struct command cmd;
	char *daemon;	/* the daemon binary */
	char *uri;
	char *run_dir;	/* libvirt's runtime dir (qemu/<dom>.pid) seen from here */
	char *log_dir;	/* libvirt's log dir (qemu/<dom>.log) seen from here */
	char *private;	/* our tree bound over the daemon's dirs (imported, _as) */
	/* The same run and log directories as the daemon sees them (the
	 * directories bound over): what it is told, since a stand-in's
	 * overlay may cover our tree's own path in its namespace. */
	char *run_dir_ns, *log_dir_ns;
	char *sock;	/* the daemon's socket, seen from here */
	char *version;	/* the install's version */
	/* The private tree's binds, SRC then DST for each: where a path the
	 * daemon sees under DST really is (SRC). Empty for a built daemon in
	 * its own prefix. */
	struct strvec binds;
	virConnectPtr conn;
};

/* The qemu.conf every daemon of ours gets (guests run as root, unconfined). */
extern const char libvirtd_qemu_conf[];

/* The daemon binary libvirtd_start() runs for lv (malloc'd). */
char *libvirtd_binary(const struct install *lv);

/*
 * Starts the daemon of the libvirt install lv (built: from its prefix;
 * imported: its binary in a private namespace) and connects. Reports and
 * returns -1, with the daemon's log, when it does not answer in timeout.
 */
int libvirtd_start(struct libvirtd *d, const struct install *lv,
		   double timeout) VM_WUR;
/*
 * The same, for a daemon that must be told from another of the same
 * version on this host (the two ends of a migration): it runs in a
 * private tree of ours whatever its kind, with host_uuid as its host
 * UUID (libvirt refuses a migration between daemons that share one) and
 * its log in log_dir/daemon.log.
 */
int libvirtd_start_as(struct libvirtd *d, const struct install *lv,
		      const char *host_uuid, double timeout) VM_WUR;
/*
 * libvirtd_start_as() in two steps, for a caller that puts things into
 * the daemon's view before it starts. libvirtd_prepare() sets d up for
 * lv (a private tree when private_tree, when host_uuid is given, or for
 * an imported install: d->binds says where) and starts nothing.
 * libvirtd_launch() then starts the daemon under the supervisor, with
 * ns_args (NULL: none; "--overlay DIR UPPER WORK" triples, supervise.h)
 * after the binds, and connects. Both report and return -1, d stopped
 * and released, on failure.
 */
int libvirtd_prepare(struct libvirtd *d, const struct install *lv,
		     const char *host_uuid, int private_tree) VM_WUR;
int libvirtd_launch(struct libvirtd *d, const struct strvec *ns_args,
		    double timeout) VM_WUR;

/* Disconnects, stops the daemon (SIGTERM, then SIGKILL), reaps it. */
void libvirtd_stop(struct libvirtd *d);

/*
 * The last error line of a daemon's log text (NULL: none) appended to
 * out as " (daemon: ...)": what the client, told only "the cause is
 * unknown", could not say. Nothing when there is none.
 */
void libvirtd_log_error(const char *log, struct strbuf *out);

/*
 * The size of the daemon log in log_dir (a private tree's daemon.log),
 * to be given to libvirtd_log_explain() after a call; 0 when none.
 */
off_t libvirtd_log_mark(const char *log_dir);
/*
 * When msg holds libvirt's "the cause is unknown", the daemon's error
 * line logged in log_dir/daemon.log since from (a refusal by rule if one
 * is there, else the first) appended as libvirtd_log_error() words it.
 * A job beside this one on the same daemon may have logged one too: it
 * says nothing then that is not true of that daemon.
 */
void libvirtd_log_explain(const char *log_dir, off_t from, struct strbuf *msg);

/*
 * Domain capabilities of emulator for machine (type "qemu" when KVM is
 * not usable, else "kvm"): *xml is malloc'd. On failure returns -1 and
 * *err (malloc'd) holds libvirt's message; nothing is reported.
 */
int libvirtd_domcaps(struct libvirtd *d, const char *emulator,
		     const char *machine, const char *virttype, char **xml,
		     char **err);

/* The pid of domain name's QEMU, from the pid file in run_dir; -1 if none. */
long libvirtd_qemu_pid(const char *run_dir, const char *name);

/*
 * Destroys and undefines the domains of ours ("vmx-...") that a killed
 * job left on the daemon at uri, saying so.
 */
void libvirtd_leftovers(const char *uri);

#endif
