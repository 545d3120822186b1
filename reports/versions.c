/*
 * The QEMU versions a report is about: every QEMU install of the store,
 * oldest first by lib/version.h order of the install name (what users
 * see: 7.2.22-system), joined with the probe record of its binary
 * (lib/binaries.h) when the probe completed: which definitions of the ABI
 * text and of the guest view its records follow, and whether its guest
 * view was taken. The other builders refer to versions by their index here.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "binaries.h"
#include "banned.h"

static int cmp_qemu(const void *a, const void *b)
{
	const struct rep_qemu *x = a, *y = b;

	return version_strcmp(x->name, y->name);
}

/* Which definitions v's records follow, and whether its guest view was taken. */
static int load_revs(struct store *st, sqlite3_stmt *q, struct rep_qemu *v)
{
	v->abi_rev = v->guest_rev = 1;
	if (!v->binary)
		return 0;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, v->binary);
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		return error("store '%s': no probe record %lld of '%s'", st->path,
			     v->binary, v->name);
	default:
		return store_error(st, "cannot read a QEMU's probe record");
	}
	v->has_guest = sqlite3_column_int(q, 0);
	v->abi_rev = sqlite3_column_int(q, 1);
	v->guest_rev = sqlite3_column_int(q, 2);
	return 0;
}

int rep_versions_load(struct store *st, struct rep_versions *out)
{
	struct binary_install *in = NULL;
	auto_stmt *q = NULL;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (binary_qemu_installs(st, &in, &n))
		return -1;
	out->v = xcalloc(n + 1, sizeof(*out->v));
	for (size_t i = 0; i < n; i++) {
		struct rep_qemu *v = &out->v[out->nr++];

		v->name = in[i].install;
		v->binary_path = in[i].binary_path;
		v->binary = in[i].binary;
		v->version = in[i].version;
	}
	free(in); /* the strings are out's now */
	sort_array(out->v, out->nr, sizeof(*out->v), cmp_qemu);
	if (store_prepare(st, &q,
			  "SELECT guest_seconds IS NOT NULL, coalesce(abi_rev, 1),"
			  " coalesce(guest_rev, 1) FROM binaries WHERE id = ?"))
		return -1;
	for (size_t i = 0; i < out->nr; i++)
		if (load_revs(st, q, &out->v[i]))
			return -1;
	return 0;
}

void rep_versions_release(struct rep_versions *v)
{
	for (size_t i = 0; i < v->nr; i++) {
		free(v->v[i].name);
		free(v->v[i].version);
		free(v->v[i].binary_path);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int rep_versions_find(const struct rep_versions *v, const char *name)
{
	for (size_t i = 0; name && i < v->nr; i++)
		if (!strcmp(v->v[i].name, name))
			return (int)i;
	return -1;
}
