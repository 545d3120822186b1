#ifndef SWEEP_INTERNAL_H
#define SWEEP_INTERNAL_H

/* Shared between the files of sweep/; not used outside it. */

#include "command.h"
#include "shard.h"
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

/*
 * The options of `sweep`, as parsed; the strings point into the argv
 * parsed (or into resumed, for a sweep continued with --resume).
 */
struct sweep_opts {
	struct strvec qemus, libvirts, scenarios;
	int installed, resume, no_report, no_import, no_migrate, corpus;
	const char *uuid, *from, *jobs, *timeout, *report_dir;
	const char *db; /* --db; cmd_sweep puts the store's path here */
	struct shard shard;
	int shard_given;
	struct strvec resumed; /* --resume: the recorded command o points into */
};

/* Frees what o holds (not the strings it points to). */
void sweep_opts_release(struct sweep_opts *o);

/*
 * Parses sweep's argv (argv[0] the command) into o (zeroed by the
 * caller). 0, 1 for --help, -1 after reporting a usage error.
 */
int sweep_opts_parse(struct sweep_opts *o, int argc, char **argv);

/*
 * The sweep o describes (o->db set, o->shard resolved), from the store
 * to the summary; argc and argv are recorded with a new sweep. Returns
 * the exit status: 0, 1 (an error, a failed stage, regressions or
 * unacknowledged ABI breaks) or 130 (interrupted).
 */
int sweep_execute(const struct sweep_opts *o, int argc, char **argv);

/* What a sweep does besides building, probing and running. */
struct sweep_stages {
	int import_qemu, import_libvirt; /* ark import --if-present */
	int direct;			 /* runs without libvirt */
	int migrate;			 /* the migrate stage */
	int corpus;			 /* libvirt's test domains (--corpus) */
	int report;			 /* the report stage */
};

/* The stages of the sweep o asks for. */
void sweep_stages_of(const struct sweep_opts *o, struct sweep_stages *s);

/* Whether named (--qemu or --libvirt words) has a word other than 'all'. */
int sweep_versions_named(const struct strvec *named);

/*
 * The versions of an app in the sweep, into out (sorted, no repeats):
 * those named (but 'none'), or when none are named those of catalog
 * (NULL with --installed) and installs.
 */
void sweep_version_set(const struct strvec *named, const struct strvec *catalog,
		       const struct strvec *installs, struct strvec *out);

/* Drops from set the versions in gone. */
void sweep_drop(struct strvec *set, const struct strvec *gone);

/*
 * The stages' command lines (after virt-matrix itself), appended to a.
 * missing holds the QEMUs to build, then from nqemu on the libvirts.
 */
void sweep_build_args(const char *from, const char *db, const struct strvec *missing,
		      size_t nqemu, struct strvec *a);
void sweep_probe_args(const char *db, const struct strvec *qemus, int no_libvirt,
		      struct strvec *a);
void sweep_run_args(const struct sweep_opts *o, const char *uuid, const char *shard,
		    const struct strvec *qemus, const struct strvec *libvirts, int direct,
		    struct strvec *a);

/* migrate's argv: direct with libvirts NULL, else through those libvirts. */
void sweep_migrate_args(const struct sweep_opts *o, const char *uuid, const char *shard,
			const struct strvec *qemus, const struct strvec *libvirts,
			struct strvec *a);

/* corpus run's argv: libvirt's test domains on the sweep's pairs. */
void sweep_corpus_args(const struct sweep_opts *o, const char *uuid, const char *shard,
		       const struct strvec *qemus, const struct strvec *libvirts,
		       struct strvec *a);

/* Where the reports go: given, else reports/<uuid> beside the store db. */
char *sweep_report_dir(const char *given, const char *db, const char *uuid);

/* The exit status of a sweep that ran to its end or was interrupted. */
int sweep_exit_status(int interrupted, int failed, int regressions);

#endif
