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

#endif
