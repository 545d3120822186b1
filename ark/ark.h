#ifndef ARK_ARK_H
#define ARK_ARK_H

/*
 * ark: fetch, build and install QEMU and libvirt versions side by side
 * under <root>/<app>/<version>, recorded in the store. cmd_ark is the
 * entry point; the rest is internal to ark/ but for the import of a
 * binary from a build tree, which run and probe take with --qemu-binary.
 */

#include "util.h"

int cmd_ark(int argc, char **argv);

/*
 * Registers the QEMU binary at path (a build tree's, not an install) in
 * the store at db, as `ark import` does, under the name
 * VERSION-build-<first 12 hex of its sha256> (VERSION from its
 * --version): each rebuild is an install of its own, and the same binary
 * again is the same install. Its name, malloc'd, in *name. -1 after
 * reporting (no such executable, no version, store error).
 */
int ark_import_build(const char *db, const char *path, char **name) VM_WUR;

struct strvec;

/*
 * Each of paths imported with ark_import_build, its install's name
 * appended to names (the --qemu-binary option of run, probe and
 * migrate). -1 after reporting the first that fails.
 */
int ark_import_builds(const char *db, const struct strvec *paths,
		      struct strvec *names) VM_WUR;

#endif
