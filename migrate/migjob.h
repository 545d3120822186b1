#ifndef MIG_JOB_H
#define MIG_JOB_H

/*
 * One migration job: a guest (migguest.h) of one versioned machine type
 * booted on a source QEMU, then migrated to each destination QEMU in
 * turn, the first destination being the source's own binary (the
 * control). In file mode the source is saved once to a file and that
 * state is restored on every destination; in live mode the source runs
 * on and is migrated over a unix socket to each destination, resumed
 * between them. Either way the cost is one boot per (source, machine
 * type). A destination passes only when the guest proves it survived.
 *
 * What may fail, and whose failure it is:
 *  - the source (boot, its own checks before migrating, the save):
 *    every destination is an error on the source side, never a result
 *    about compatibility;
 *  - the control (source to itself): an error of the harness or of QEMU,
 *    and the other destinations are not tried;
 *  - a destination: a failure on the destination side, with QEMU's own
 *    words ("Unknown savevm section or instance ...") or the guest's.
 *
 * Nothing here knows the store: the command (migrate.c) records.
 * Everything the job starts lives in env->rundir and its own process
 * groups, and is gone when mig_job_run returns.
 */

#include "migrations.h"
#include "result.h"

struct mig_qemu {
	const char *version; /* the install's version */
	const char *binary, *sha256;
};

struct mig_job {
	const char *machine;
	int pcie;		 /* a machine type with PCI Express: the root port too */
	enum mig_mode mode;
	const struct mig_qemu *src;
	const struct mig_qemu *const *dsts; /* dsts[0] must be src: the control */
	size_t ndsts;
};

struct mig_env {
	const char *kernel, *initrd, *image; /* the guest's, shared by all jobs */
	const char *rundir;		     /* this job's own directory */
	long timeout;			     /* seconds for the guest to boot */
	const char *const *src_extra;	     /* more -device arguments for the source (tests) */
};

/* The source's part, shared by every destination. */
struct mig_source {
	struct result r;       /* status NONE while it went well; argv, logs */
	const char *transport; /* "file", "exec", "unix" */
	double seconds;	       /* boot and save (file mode), or boot (live) */
};

/* The devices and the rest of a guest's argv (without the binary). */
void mig_guest_args(const struct mig_job *j, const struct mig_env *env,
		    const char *console_sock, struct strvec *out);

/*
 * Runs j. src and res[0..j->ndsts) are initialised here; every res[i]
 * gets a verdict (status not RUN_STATUS_NONE) unless virt-matrix was
 * interrupted. res[i].backend names the destination's transport;
 * *dst_transport[i] the same as a static string.
 */
void mig_job_run(const struct mig_job *j, const struct mig_env *env,
		 struct mig_source *src, struct result *res,
		 const char **dst_transport);

void mig_source_release(struct mig_source *src);

#endif
