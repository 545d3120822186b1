/*
 * The QEMU versions a report is about: every QEMU install of the store,
 * oldest first by lib/version.h order of the install name (what users
 * see: 7.2.22-system), joined with the probe record of its binary
 * (installs.binary_sha256 = binaries.sha256) when the probe completed.
 * The other builders refer to versions by their index here.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "banned.h"

static int cmp_qemu(const void *a, const void *b)
{
	const struct rep_qemu *x = a, *y = b;

	return version_strcmp(x->name, y->name);
}

int rep_versions_load(struct store *st, struct rep_versions *out)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_prepare(st, &q,
			  "SELECT i.version, i.binary_path, b.id, b.version"
			  " FROM installs i LEFT JOIN binaries b"
			  "   ON b.sha256 = i.binary_sha256 AND b.status = 'complete'"
			  " WHERE i.app = 'qemu'"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct rep_qemu *v;

		ALLOC_GROW(out->v, out->nr + 1, alloc);
		v = &out->v[out->nr++];
		v->name = store_column_strdup(q, 0);
		v->binary_path = store_column_strdup(q, 1);
		v->binary = sqlite3_column_int64(q, 2);
		v->version = store_column_strdup(q, 3);
	}
	if (rc != SQLITE_DONE) {
		rep_versions_release(out);
		return store_error(st, "cannot read the QEMU installs");
	}
	sort_array(out->v, out->nr, sizeof(*out->v), cmp_qemu);
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
