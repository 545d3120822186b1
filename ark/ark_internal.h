#ifndef ARK_INTERNAL_H
#define ARK_INTERNAL_H

/* Shared between the files of ark/; not used outside it. */

#include "catalog.h"
#include "fetch.h"
#include "installs.h"
#include "strbuf.h"

struct ark_opts {
	char *db_path;
	char *root; /* absolute; default /opt */
	char *specs_dir;
	char *patches_dir;
	char *cache_dir;
	char *log_dir;
	const char *from;	 /* auto, upstream, debian */
	const char *source_file; /* --source */
	const char *flavour;	 /* --flavour */
	const char *name;	 /* --name (import) */
	int if_present;		 /* --if-present (import) */
	int parallel;
	int make_jobs;
	int force;
	int keep_work;
	int json;
	double step_timeout;
	struct fetch_opts fetch;
};

/* A source archive ready to unpack. */
struct source {
	char *url;
	char *path;
	char *flavour;
	char sha256[SHA256_HEX_LEN + 1];
};

void source_release(struct source *s);
/*
 * Obtains the source of app/version: --source FILE, or the catalog
 * entry's upstream url and/or Debian orig tarball per --from.
 */
int source_obtain(const struct ark_opts *o, const char *app,
		  const struct catalog_entry *e, struct source *out);

/* Builds and installs one version; 0 when installed or up to date. */
int ark_build_one(const struct ark_opts *o, const char *app,
		  const char *version);

/* <root>/<app>/<version>, malloc'd. */
char *ark_prefix(const struct ark_opts *o, const char *app,
		 const char *version);
/* Lock file of app/version: <cache>/locks/<app>-<version>.lock; malloc'd. */
char *ark_lock_path(const struct ark_opts *o, const char *app,
		    const char *version);
/* Takes the lock of app/version; the fd, or -1 (reported) when held. */
int ark_lock(const struct ark_opts *o, const char *app, const char *version);
/*
 * Removes what a killed attempt at app/version left: staging and trash
 * directories, work trees, "running" build rows. Caller holds the lock.
 */
int ark_clean_stale(const struct ark_opts *o, struct store *st,
		    const char *app, const char *version);

int ark_import(const struct ark_opts *o, const char *app, const char *path);
int ark_list(const struct ark_opts *o, const char *app);
int ark_remove(const struct ark_opts *o, const char *app,
	       const char *version);

/* One version of one app named on the command line. */
struct ark_target {
	char *app;
	char *version;
};

struct ark_targets {
	struct ark_target *v;
	size_t nr, alloc;
};

/*
 * The targets of build and fetch: with all, every catalog version of the
 * apps in argv (of every app of specs/ when argv is empty); otherwise
 * "APP VERSION... [APP VERSION...]". Appends to t (the caller releases
 * it, also on failure); -1 (reported) on a word that is neither an app
 * nor a version, a version before any app, no version, or a catalog that
 * cannot be read.
 */
int ark_targets_parse(const struct ark_opts *o, int all, int argc,
		      char **argv, struct ark_targets *t);
/* -1 (reported) when --source is given for other than one target. */
int ark_targets_check(const struct ark_opts *o, const struct ark_targets *t);
/* Frees the targets and empties t. */
void ark_targets_release(struct ark_targets *t);

/* What "virt-matrix ark SUBCOMMAND [options] [operands]" asked for. */
struct ark_cmdline {
	struct ark_opts o;
	const char *sub; /* argv[1] */
	int all;	 /* --all */
	int argc;	 /* operands after the options */
	char **argv;
};

enum {
	ARK_CMDLINE_OK,
	ARK_CMDLINE_HELP,  /* -h, --help among the options */
	ARK_CMDLINE_USAGE, /* a wrong option (reported if its value was) */
};

/*
 * Parses argv[2..] (argv[1] is the subcommand) into cl, defaults first
 * (the environment's paths). Returns ARK_CMDLINE_*; in every case the
 * caller calls ark_cmdline_release. cl->argv points into argv.
 */
int ark_cmdline_parse(struct ark_cmdline *cl, int argc, char **argv);
void ark_cmdline_release(struct ark_cmdline *cl);

/* A subcommand: its operand count bounds (max -1: any) and its work. */
struct ark_subcommand {
	const char *name;
	int min_args, max_args;
	int interruptible; /* exits 130 when interrupted (build, fetch) */
	/* -1 when it failed before doing anything, else failures (0: ok). */
	int (*run)(const struct ark_cmdline *cl);
};

/* The subcommand called name, or NULL. */
const struct ark_subcommand *ark_subcommand_find(const char *name);
/* Whether sub takes argc operands. */
int ark_subcommand_accepts(const struct ark_subcommand *sub, int argc);
/* Jobs per build when --make-jobs is not given: cpus / parallel, >= 1. */
int ark_default_make_jobs(int cpus, int parallel);

#endif
