#ifndef VM_BINARIES_H
#define VM_BINARIES_H

/*
 * The `binaries` table and its `binary_paths` cache: one row per QEMU
 * binary content (sha256) that `probe` recorded, and where such a
 * content was seen, so that an unchanged file is not hashed again. The
 * probe writes the record (matrix/caps.c); everything else finds a
 * binary's record here and never probes.
 */

#include "store.h"
#include "util.h"

/* What identifies an unchanged file at a path, besides the path. */
struct binary_path_key {
	long long size, mtime_ns, inode;
};

/*
 * The sha256 remembered for the file at path when its size, mtime and
 * inode are unchanged (into out[65], with the file's key into k):
 * 1 found, 0 not remembered, -1 after reporting (the file cannot be
 * stat'ed, or the store fails).
 */
int binary_sha256_remembered(struct store *st, const char *path, char out[65],
			     struct binary_path_key *k) VM_WUR;

/* Reads the file for its sha256 and remembers it under k: 0, or -1 after reporting. */
int binary_sha256_remember(struct store *st, const char *path, char out[65],
			   const struct binary_path_key *k) VM_WUR;

/* The sha256 of the file at path, remembered or read: 0, or -1 after reporting. */
int binary_sha256(struct store *st, const char *path, char out[65]) VM_WUR;

/* The id of the complete record of sha256: 1 with *id, 0 none, -1 after reporting. */
int binary_complete_id(struct store *st, const char *sha256, long long *id) VM_WUR;

/*
 * The id of the complete probe record of the binary at path, without
 * probing: 0 with *id; 1 when probe has not recorded it completely (the
 * caller says so and points at `virt-matrix probe`); -1 after reporting.
 */
int binary_find(struct store *st, const char *path, long long *id) VM_WUR;

#endif
