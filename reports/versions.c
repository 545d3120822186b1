/*
 * The QEMU versions a report is about: every QEMU install of the store,
 * oldest first by lib/version.h order of the install name (what users
 * see: 7.2.22-system), joined with the probe record of its binary
 * (lib/binaries.h) when the probe completed.
 * The other builders refer to versions by their index here.
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

int rep_versions_load(struct store *st, struct rep_versions *out)
{
	struct binary_install *in = NULL;
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
