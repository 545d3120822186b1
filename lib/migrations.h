#ifndef VM_MIGRATIONS_H
#define VM_MIGRATIONS_H

/*
 * The migrations table (schema 14): one row per (source QEMU,
 * destination QEMU, versioned machine type, mode) that `virt-matrix
 * migrate` tried. Written by migrate/, read by the reports. The verdict
 * is runs.h's enum; the mode and the failing side are enums here, with
 * the stable strings the store keeps.
 */

#include "enum.h"
#include "runs.h"
#include "store.h"

enum mig_mode {
	MIG_FILE, /* saved to a file on the source, restored on the destination */
	MIG_LIVE, /* over a unix socket while the guest runs */
	MIG_MODE_LAST
};
VM_ENUM_DECL(mig_mode);

enum mig_side {
	MIG_SIDE_NONE,	 /* nothing failed, or the harness did */
	MIG_SIDE_SOURCE,
	MIG_SIDE_DEST,
	MIG_SIDE_LAST
};
VM_ENUM_DECL(mig_side);

struct mig_row {
	const char *machine;
	enum mig_mode mode;
	const char *src_qemu, *src_sha256; /* the install's version, its binary */
	const char *dst_qemu, *dst_sha256;
	enum run_status status;
	enum mig_side side;
	const char *reason;		/* NULL: none */
	double seconds, src_seconds;
	const char *src_transport, *dst_transport; /* "file", "exec", "unix" */
	const char *src_argv, *dst_argv, *checks;  /* JSON text */
	const char *src_log, *dst_log;
	long long sweep;		/* 0: none */
};

/* Inserts row, made by this virt-matrix: 0, or -1 after reporting. */
int migrations_insert(struct store *st, const struct mig_row *row) VM_WUR;

/*
 * Whether the sweep has recorded every destination of dsts for (src,
 * machine, mode): 1 (with *failed set when one of them is a failure), 0
 * when one is missing, -1 after reporting.
 */
int migrations_recorded(struct store *st, long long sweep, const char *machine,
			enum mig_mode mode, const char *src,
			const char *const *dsts, size_t ndsts, int *failed) VM_WUR;

#endif
