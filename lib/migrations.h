#ifndef VM_MIGRATIONS_H
#define VM_MIGRATIONS_H

/*
 * The migrations table (schema 15): one row per (source QEMU,
 * destination QEMU, versioned machine type, mode) that `virt-matrix
 * migrate` tried, and for a migration through libvirt per (source
 * libvirt and QEMU, destination libvirt and QEMU, machine type). Written
 * by migrate/, read by the reports. The verdict is runs.h's enum; the
 * mode and the failing side are enums here, with the stable strings the
 * store keeps.
 */

#include "enum.h"
#include "runs.h"
#include "store.h"

enum mig_mode {
	MIG_FILE, /* saved to a file on the source, restored on the destination */
	MIG_LIVE, /* over a unix socket while the guest runs */
	/* live, peer to peer from one libvirt daemon to another
	 * (virDomainMigrateToURI3), each running its QEMU */
	MIG_LIBVIRT,
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
	/* MIG_LIBVIRT: the libvirt installs' versions ("9.0.0-system");
	 * NULL for the other modes */
	const char *src_libvirt, *dst_libvirt;
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

/*
 * Whether the sweep has recorded the migration of machine in mode from
 * (src_libvirt, src_qemu) to (dst_libvirt, dst_qemu): 1 (with *failed
 * set when its latest row is a fail or an error), 0 when not, -1 after
 * reporting. The libvirt versions are NULL for the modes without libvirt,
 * and NULL matches NULL.
 */
int migrations_recorded_one(struct store *st, long long sweep, const char *machine,
			    enum mig_mode mode, const char *src_libvirt, const char *src_qemu,
			    const char *dst_libvirt, const char *dst_qemu, int *failed) VM_WUR;

#endif
