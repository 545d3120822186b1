#ifndef ARK_FETCH_H
#define ARK_FETCH_H

/*
 * Downloads with libcurl (http, https, file) into a cache addressed by
 * sha256: <cache>/downloads/<sha256>/<name>. Partial downloads are kept
 * in <cache>/downloads/partial/ and resumed; transient failures are
 * retried a bounded number of times with exponential backoff. A file
 * whose sha256 does not match the expected one is deleted, never used.
 */

#include "sha256.h"
#include "util.h"

struct fetch_opts {
	const char *cache_dir;
	int retries;	     /* extra attempts after the first; default 3 */
	double backoff;	     /* first wait in seconds, doubling; default 1 */
	int progress;	     /* 1: progress bar on stderr */
	long connect_timeout; /* seconds; default 30 */
	long stall_timeout;  /* abort when < 1 byte/s for this long; 60 */
	const char *label;   /* "qemu 7.2.0", for messages */
	/*
	 * 1: the caller has another source to fall back on. A failure is
	 * then a note, not an error, and a host that cannot be reached
	 * (resolve, connect, time-out) is not tried again.
	 */
	int fallback;
};

void fetch_opts_init(struct fetch_opts *o, const char *cache_dir);

struct fetched {
	char *path; /* in the cache */
	char sha256[SHA256_HEX_LEN + 1];
	int unreachable; /* on failure: the host could not be reached */
};

/*
 * Fetches url, keeping it as `name` in the cache. With expect_sha256 a
 * cached copy is used without downloading, and a mismatch is an error.
 * Returns 0, or -1 after reporting.
 */
int fetch_url(const struct fetch_opts *o, const char *url, const char *name,
	      const char *expect_sha256, struct fetched *out) VM_WUR;
void fetched_release(struct fetched *f);

/*
 * The cached file for sha256 (named name, or any name when name is NULL),
 * malloc'd, or NULL when it is not in the cache.
 */
char *fetch_cached(const char *cache_dir, const char *sha256,
		   const char *name);

/*
 * Asks apt where Debian's orig tarball of source package pkg at version
 * debver is ("apt-get source --print-uris"). Fills malloc'd *url and
 * *name and the sha256 apt knows. Needs deb-src entries (make deps).
 */
int debian_orig_uri(const char *pkg, const char *debver, char **url,
		    char **name, char sha256[SHA256_HEX_LEN + 1]) VM_WUR;

#endif
