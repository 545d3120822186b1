#ifndef MX_ABIRECORD_H
#define MX_ABIRECORD_H

/*
 * Internal to matrix/: the machine-type ABI part of a binary's record.
 * The ABI probe (abi.c) runs the machine types and the binary-wide jobs,
 * then hands what they found to abi_record, which writes it in one
 * transaction; the writer never asks QEMU anything.
 */

#include <json-c/json.h>

#include "store.h"
#include "strbuf.h"

/* One machine type's outcome, as machine_abi keeps it. */
struct abi_outcome {
	const char *machine;
	const char *fingerprint; /* sha256 of text; ignored when error is set */
	const char *text;	 /* the normalised, sorted lines */
	const char *devices;	 /* the canonical devices QEMU was given */
	const char *dropped;	 /* which ones it refused and why, or NULL */
	const char *error;	 /* why the machine type failed, or NULL */
	double seconds;
};

/* What the binary-wide jobs found. */
struct abi_binary_jobs {
	json_object *compat;   /* query-machines with compat-props, or NULL */
	char compat_class[64]; /* its error class when QEMU refused it */
	int compat_failed;
	struct strbuf vmstate; /* -dump-vmstate's JSON */
	int vmstate_failed;
};

/*
 * Records the n outcomes of binary id (each text once per distinct
 * fingerprint), its compat props (or that QEMU refused the query), its
 * vmstate description (once per distinct content) and that its texts
 * follow ABI_REV (binaries.abi_rev), in one transaction;
 * then sets *distinct to the number of distinct fingerprints. Returns 0,
 * or -1 after reporting (binary names it); a failed compat or vmstate job
 * fails the record.
 */
int abi_record(struct store *st, long long id, const char *binary,
	       const struct abi_outcome *v, size_t n,
	       const struct abi_binary_jobs *bj, size_t *distinct) VM_WUR;

#endif
