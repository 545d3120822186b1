#ifndef VM_INSTALLS_H
#define VM_INSTALLS_H

/*
 * The installs table (what is on disk under /opt/<app>/<version>, or an
 * imported distribution build) and the builds table (every build attempt,
 * successful or not). Shared by ark, which writes them, and by probe,
 * run and report, which read them.
 */

#include "store.h"
#include "strbuf.h"

struct install_patch {
	char *name;
	char *sha256;
};

struct install {
	long long id;
	char *app;
	char *version;
	char *kind; /* "built" or "imported" */
	char *prefix;
	char *binary_path;
	char *binary_sha256;
	char *source_url;
	char *source_sha256;
	char *source_flavour;
	char *recipe_hash;
	char *patchset_hash;
	char *configure_args; /* JSON array */
	char *status;	      /* "installed" */
	double build_seconds;
	char *log_path;
	char *installed_at;
	struct install_patch *patches;
	size_t npatches;
};

void install_release(struct install *in);

/*
 * Looks up (app, version). Returns 0 and fills *out when found, 1 when
 * there is no such install, -1 after reporting a store error.
 */
int installs_get(struct store *st, const char *app, const char *version,
		 struct install *out) VM_WUR;
/*
 * All installs (of app, or of every app when app is NULL), ordered by
 * app then version. *out is a malloc'd array of *n installs.
 */
int installs_list(struct store *st, const char *app, struct install **out,
		  size_t *n) VM_WUR;
void installs_free(struct install *v, size_t n);
/* Inserts or replaces the (app, version) row and its patches, atomically. */
int installs_put(struct store *st, const struct install *in) VM_WUR;
/* Deletes (app, version); 1 when there was none. */
int installs_delete(struct store *st, const char *app,
		    const char *version) VM_WUR;

struct build_attempt {
	long long id;
	char *app;
	char *version;
	char *status; /* running, succeeded, failed, skipped */
	char *error;
	char *log_path;
	long pid;
	double seconds;
	char *started_at;
	char *finished_at;
};

void build_attempt_release(struct build_attempt *b);
/* Records the start of an attempt; *id gets its row id. */
int builds_start(struct store *st, const char *app, const char *version,
		 const char *source_url, const char *source_sha256,
		 const char *recipe_hash, const char *patchset_hash,
		 const char *log_path, long long *id) VM_WUR;
int builds_finish(struct store *st, long long id, const char *status,
		  const char *error, double seconds) VM_WUR;
/* The newest attempt of (app, version): 0 found, 1 none, -1 error. */
int builds_latest(struct store *st, const char *app, const char *version,
		  struct build_attempt *out) VM_WUR;
/* The newest attempt per (app, version), for versions not installed. */
int builds_unfinished_or_failed(struct store *st, struct build_attempt **out,
				size_t *n) VM_WUR;
void builds_free(struct build_attempt *v, size_t n);

#endif
