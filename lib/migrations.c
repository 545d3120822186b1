/*
 * The migrations table (migrations.h): the enums' strings, the insert,
 * and the lookups that let an interrupted sweep resume.
 */
#include <sqlite3.h>

#include "migrations.h"
#include "vmversion.h"
#include "banned.h"

VM_ENUM_IMPL(mig_mode, MIG_MODE_LAST, "file", "live", "libvirt");
/* "none" is never stored: the column is NULL then. */
VM_ENUM_IMPL(mig_side, MIG_SIDE_LAST, "none", "source", "destination");

int migrations_insert(struct store *st, const struct mig_row *row)
{
	auto_stmt *q = NULL;
	const char *status = run_status_to_string(row->status);
	const char *mode = mig_mode_to_string(row->mode);
	char now[32];

	if (!status || !mode)
		return error("cannot record the migration of %s from QEMU %s to %s: "
			     "verdict %d or mode %d has no name",
			     row->machine, row->src_qemu, row->dst_qemu,
			     (int)row->status, (int)row->mode);
	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &q,
			  "INSERT INTO migrations (sweep, machine, mode, src_qemu,"
			  " src_sha256, dst_qemu, dst_sha256, status, side, reason,"
			  " seconds, src_seconds, src_transport, dst_transport,"
			  " src_argv, dst_argv, checks, src_log, dst_log, started_at,"
			  " tool, src_libvirt, dst_libvirt) VALUES (?, ?, ?, ?, ?, ?, ?,"
			  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	if (row->sweep)
		sqlite3_bind_int64(q, 1, row->sweep);
	store_bind_text(q, 2, row->machine);
	store_bind_text(q, 3, mode);
	store_bind_text(q, 4, row->src_qemu);
	store_bind_text(q, 5, row->src_sha256);
	store_bind_text(q, 6, row->dst_qemu);
	store_bind_text(q, 7, row->dst_sha256);
	store_bind_text(q, 8, status);
	store_bind_text(q, 9, row->side == MIG_SIDE_NONE ? NULL
							 : mig_side_to_string(row->side));
	store_bind_text(q, 10, row->reason);
	sqlite3_bind_double(q, 11, row->seconds);
	sqlite3_bind_double(q, 12, row->src_seconds);
	store_bind_text(q, 13, row->src_transport);
	store_bind_text(q, 14, row->dst_transport);
	store_bind_text(q, 15, row->src_argv);
	store_bind_text(q, 16, row->dst_argv);
	store_bind_text(q, 17, row->checks);
	store_bind_text(q, 18, row->src_log);
	store_bind_text(q, 19, row->dst_log);
	store_bind_text(q, 20, now);
	store_bind_text(q, 21, vm_version());
	store_bind_text(q, 22, row->src_libvirt);
	store_bind_text(q, 23, row->dst_libvirt);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record the migration");
	return 0;
}

int migrations_recorded_one(struct store *st, long long sweep, const char *machine,
			    enum mig_mode mode, const char *src_libvirt, const char *src_qemu,
			    const char *dst_libvirt, const char *dst_qemu, int *failed)
{
	auto_stmt *q = NULL;
	enum run_status s;
	int rc;

	*failed = 0;
	if (store_prepare(st, &q,
			  "SELECT status FROM migrations WHERE sweep = ? AND machine = ? AND"
			  " mode = ? AND src_qemu = ? AND dst_qemu = ? AND src_libvirt IS ?"
			  " AND dst_libvirt IS ? ORDER BY id DESC LIMIT 1"))
		return -1;
	sqlite3_bind_int64(q, 1, sweep);
	store_bind_text(q, 2, machine);
	store_bind_text(q, 3, mig_mode_to_string(mode));
	store_bind_text(q, 4, src_qemu);
	store_bind_text(q, 5, dst_qemu);
	store_bind_text(q, 6, src_libvirt);
	store_bind_text(q, 7, dst_libvirt);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_error(st, "cannot read the migrations of the sweep");
	if (runs_status_parse(st, (const char *)sqlite3_column_text(q, 0), &s))
		return -1;
	*failed = run_status_is_failure(s);
	return 1;
}

int migrations_recorded(struct store *st, long long sweep, const char *machine,
			enum mig_mode mode, const char *src,
			const char *const *dsts, size_t ndsts, int *failed)
{
	*failed = 0;
	for (size_t i = 0; i < ndsts; i++) {
		int f, rc = migrations_recorded_one(st, sweep, machine, mode, NULL, src, NULL,
						    dsts[i], &f);

		if (rc <= 0)
			return rc;
		*failed |= f;
	}
	return 1;
}
