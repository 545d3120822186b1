/*
 * `bisect --migration MACHINE` (bisect.h): a candidate is good while a
 * guest of MACHINE migrates between it and the fixed install (--from-qemu
 * A: from A to the candidate; --to-qemu B: from the candidate to B) and
 * proves on the destination that it survived. `virt-matrix migrate` does
 * the work in a child, recording into the bisect's sweep; the verdict is
 * read back from the migrations table.
 */
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "migrations.h"
#include "sweep_internal.h"
#include "banned.h"

#define MIGRATE_TIMEOUT 3600.0

int bisect_migration_judge(struct store *st, const char *db, const char *uuid,
			   long long sweep_id, const char *machine, const char *from,
			   const char *to, const char *cand, long timeout_s,
			   struct strbuf *ev)
{
	const char *src = from ? from : cand, *dst = from ? cand : to;
	struct strvec a = STRVEC_INIT;
	auto_stmt *q = NULL;
	int rc;

	strvec_pushv(&a, (const char *const[]){ "migrate", "--sweep", uuid, "--db", db,
		"--machine", machine, "--qemu", src, "--qemu", dst, "--jobs", "1",
		from ? "--from" : "--to", from ? from : to, NULL });
	if (timeout_s) {
		strvec_push(&a, "--timeout");
		strvec_pushf(&a, "%ld", timeout_s);
	}
	rc = vm_self_run(&a, MIGRATE_TIMEOUT + (double)timeout_s);
	strvec_clear(&a);
	if (rc < 0 || vm_interrupted)
		return -1;
	if (store_prepare(st, &q, "SELECT status, coalesce(reason, ''), seconds FROM"
				  " migrations WHERE sweep = ? AND machine = ? AND mode ="
				  " 'file' AND src_qemu = ? AND dst_qemu = ?"
				  " ORDER BY id DESC LIMIT 1"))
		return -1;
	sqlite3_bind_int64(q, 1, sweep_id);
	store_bind_text(q, 2, machine);
	store_bind_text(q, 3, src);
	store_bind_text(q, 4, dst);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sb_printf(ev, "no migration %s -> %s recorded (no machine type %s on one "
			      "side, or migrate failed first: see above)",
			  src, dst, machine);
		return 's';
	}
	if (rc != SQLITE_ROW)
		return store_error(st, "cannot read the bisect's migrations");
	{
		enum run_status s;
		const char *why = (const char *)sqlite3_column_text(q, 1);

		if (runs_status_parse(st, (const char *)sqlite3_column_text(q, 0), &s))
			return -1;
		if (s == RUN_PASS) {
			sb_printf(ev, "%s -> %s: the guest proved it survived (%.1f s)", src,
				  dst, sqlite3_column_double(q, 2));
			return 'g';
		}
		sb_printf(ev, "%s -> %s %s: %.300s", src, dst, run_status_to_string(s), why);
		return s == RUN_FAIL ? 'b' : 's';
	}
}
