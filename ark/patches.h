#ifndef ARK_PATCHES_H
#define ARK_PATCHES_H

/*
 * Patch series: patches/<app>/<RANGE>/NNNN-name.patch. Every directory
 * whose range (version.h; "all" means every version) contains the version
 * contributes its patches; together they apply in NNNN order (then by
 * directory). A patch whose header (the text before the diff) has a line
 * "Flavour: debian" or "Flavour: upstream" applies only to sources of
 * that flavour.
 */

#include "sha256.h"
#include "strbuf.h"

struct patch {
	char *path;	/* full path */
	char *name;	/* "<range>/<file>", as recorded */
	char *flavour;	/* NULL: any */
	char sha256[SHA256_HEX_LEN + 1];
};

struct patch_series {
	struct patch *v;
	size_t nr, alloc;
	/* sha256 over the names and contents: the patch-set hash. */
	char hash[SHA256_HEX_LEN + 1];
};

/*
 * Collects the patches of app for version and source flavour. A missing
 * patches/<app> directory is an empty series. Malformed names or headers
 * are errors naming the file.
 */
int patches_select(const char *patches_dir, const char *app,
		   const char *version, const char *flavour,
		   struct patch_series *out) VM_WUR;
void patch_series_release(struct patch_series *s);

/*
 * Applies the series to srcdir with patch -p1, output appended to
 * log_fd. Fails (reported, naming the patch and showing patch's output)
 * on the first that does not apply.
 */
int patches_apply(const struct patch_series *s, const char *srcdir,
		  int log_fd) VM_WUR;

#endif
