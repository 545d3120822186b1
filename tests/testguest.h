#ifndef TESTGUEST_H
#define TESTGUEST_H

/*
 * Helpers for tests that need a guest view in a store of their own: the
 * real raw view of pc-q35-7.2 recorded from Debian's QEMU 7.2
 * (tests/data/guestview/), normalised as the probe does, and a binary
 * whose probe record has views of it, written with guest_record().
 */

#include "teststore.h"
#include "guestrecord.h"

#define TU_GUEST_DUMP "tests/data/guestview/pc-q35-7.2.txt"

/* The recorded view of pc-q35-7.2 into gv (initialised here), normalised. */
static inline void tu_guestview_real(struct guestview *gv)
{
	char *text = tu_read(TU_GUEST_DUMP);

	guestview_init(gv);
	assert_int_equal(guestview_undump(text, TU_GUEST_DUMP, gv), 0);
	assert_int_equal(guestview_normalise(gv), 0);
	free(text);
}

/* The item name of gv, which must be there, to change in place. */
static inline struct gv_item *tu_guest_item(struct guestview *gv, const char *name)
{
	struct gv_item *it = (struct gv_item *)guestview_find(gv, name);

	if (!it)
		fail_msg("no item '%s' in the recorded guest view", name);
	return it;
}

/*
 * A complete probe record id for a binary file written to dir/file (its
 * sha256 is the record's), installed as QEMU version.
 */
static inline void tu_guest_binary(struct store *st, const char *dir, long long id,
				   const char *file, const char *version)
{
	struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT;
	char *path = tu_path(dir, file), sha[SHA256_HEX_LEN + 1];

	sb_printf(&text, "not QEMU, a file whose sha256 is QEMU %s's record\n", version);
	tu_write(dir, file, text.buf);
	sha256_hex(text.buf, text.len, sha);
	sb_printf(&sql, "INSERT INTO binaries (id, sha256, version, target, status,"
		  " probed_at, probe_seconds) VALUES (%lld, '%s', '%s', 'x86_64',"
		  " 'complete', '2026-12-01T00:00:00Z', 1.0);"
		  "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		  " binary_sha256, status, installed_at) VALUES ('qemu', '%s',"
		  " 'built', '%s', '%s', '%s', 'installed', 'now');",
		  id, sha, version, version, dir, path, sha);
	tu_exec(st, sql.buf);
	strbuf_release(&sql);
	strbuf_release(&text);
	free(path);
}

#endif
