#ifndef VM_BINARIES_H
#define VM_BINARIES_H

/*
 * The `binaries` table and its `binary_paths` cache: one row per QEMU
 * binary content (sha256) that `probe` recorded, and where such a
 * content was seen, so that an unchanged file is not hashed again. The
 * probe writes the record (matrix/capsrecord.c, matrix/abirecord.c);
 * everything else reads a binary's record here and never probes.
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

/* The status of a probe record, stored as its string. */
enum binary_status {
	BINARY_COMPLETE, /* "complete" */
	BINARY_FAILED,	 /* "failed": the probe failed, error says so */
};

/* One probe record: its binaries row. Strings are malloc'd, NULL when absent. */
struct binary_record {
	long long id;
	char sha256[65];
	char *version; /* QEMU's own, "7.2.0" */
	char *package;
	char *target;
	char *schema_sha256; /* its QMP schema in qmp_schemas */
	enum binary_status status;
	char *error;
	char *probed_at;
	double probe_seconds;
	char *vmstate_sha256; /* its -dump-vmstate in vmstates */
	int abi_complete; /* the machine-type ABI part is recorded */
	double abi_seconds;
	int abi_rev; /* the definition of the ABI text it follows (NULL: 1) */
};

/*
 * Reads record id into *out (released with binary_record_release): 0;
 * 1 when there is no such record; -1 after reporting (a store error or
 * a status this binary does not know).
 */
int binary_get(struct store *st, long long id, struct binary_record *out) VM_WUR;
/* Frees the strings of b; accepts a record binary_get did not fill. */
void binary_record_release(struct binary_record *b);

/*
 * Whether the accelerator name ("kvm", "tcg") ran the probe's test guest
 * on record id: 1 usable, 0 not (or not tried), -1 after reporting.
 */
int binary_accel_usable(struct store *st, long long id, const char *name) VM_WUR;

/* An install and the complete probe record of its binary. */
struct binary_install {
	char *install;	   /* the install's name, "7.2.22-system" */
	char *binary_path;
	long long binary;  /* the record's id, 0 when not probed completely */
	char *version;	   /* the record's QEMU version, NULL then */
};

/*
 * Every QEMU install (unordered), each with the complete record of the
 * binary it installed: *out is a malloc'd array of *n (binary_installs_free).
 * Returns 0, or -1 after reporting.
 */
int binary_qemu_installs(struct store *st, struct binary_install **out,
			 size_t *n) VM_WUR;
void binary_installs_free(struct binary_install *v, size_t n);

#endif
