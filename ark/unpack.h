#ifndef ARK_UNPACK_H
#define ARK_UNPACK_H

#include "util.h"

/*
 * Extracts archive into the existing empty directory dest with
 * libarchive's secure flags (no absolute paths, no "..", no writing
 * through symlinks), refusing the whole archive when any entry's path,
 * hard-link or symlink target would leave dest, or when it holds device
 * nodes. On success *topdir (malloc'd) is dest's single top-level
 * directory, or dest itself when the archive has several top-level
 * entries. On failure dest may hold a partial tree: the caller removes it.
 */
int unpack_archive(const char *archive, const char *dest,
		   char **topdir) VM_WUR;

#endif
