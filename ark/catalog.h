#ifndef ARK_CATALOG_H
#define ARK_CATALOG_H

/*
 * The version catalog of one app: specs/<app>.catalog. One line per
 * version:
 *
 *	VERSION key=value...
 *
 * Keys: url (upstream tarball; ${version} is substituted), sha256 (of the
 * upstream tarball, when known), format (tar.xz, tar.bz2, tar.gz, tgz,
 * zip; default from the url), debian (the Debian source package version
 * of the same release, e.g. 1:7.2+dfsg-7+deb12u18), debian-sha256 (of
 * Debian's orig tarball). A line "default key=value..." sets defaults for
 * the lines after it.
 */

#include "util.h"

struct catalog_entry {
	char *version;
	char *url;
	char *sha256;
	char *format;
	char *debian;
	char *debian_sha256;
	int line;
};

struct catalog {
	char *app;
	char *path;
	struct catalog_entry *v;
	size_t nr, alloc;
};

/* Parses text (from path, for messages). Reports the first error with file:line. */
int catalog_parse(struct catalog *c, const char *app, const char *path,
		  const char *text) VM_WUR;
/* Reads and parses <specs_dir>/<app>.catalog. */
int catalog_load(struct catalog *c, const char *specs_dir,
		 const char *app) VM_WUR;
/* The entry for version, or NULL. */
const struct catalog_entry *catalog_find(const struct catalog *c,
					 const char *version);
void catalog_release(struct catalog *c);

/* Archive format from a file name or URL ("tar.xz"), or NULL. */
const char *archive_format_from_name(const char *name);

#endif
