/*
 * Fuzz harness "unpack": the input is a source archive (tar of any
 * compression, or zip), written to a private file and extracted by
 * unpack_archive() (ark/unpack.c) with libarchive's secure flags into
 * an empty directory three levels down the harness's own directory,
 * which is removed again after each input. Nothing may appear beside
 * the destination, and no symlink in a tree it accepted may resolve
 * outside it.
 */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>

#include "fuzz.h"
#include "unpack.h"

static const char *dest_root;

/* Nothing but `only` and `also` (may be NULL) may be in dir. */
static void check_only(const char *dir, const char *only, const char *also)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	FUZZ_CHECK(d != NULL);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strcmp(e->d_name, only) &&
		    (!also || strcmp(e->d_name, also))) {
			fprintf(stderr, "fuzz: '%s' appeared in '%s'\n",
				e->d_name, dir);
			abort();
		}
	}
	closedir(d);
}

static int check_link(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	char real[PATH_MAX];
	size_t n = strlen(dest_root);

	(void)st;
	(void)ftw;
	if (type == FTW_SL && realpath(path, real) &&
	    (strncmp(real, dest_root, n) || (real[n] && real[n] != '/'))) {
		fprintf(stderr, "fuzz: symlink '%s' resolves to '%s'\n", path,
			real);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf top = STRBUF_INIT, archive = STRBUF_INIT,
			     mid = STRBUF_INIT, low = STRBUF_INIT,
			     dest = STRBUF_INIT;
	char *topdir = NULL;

	if (!top.len) {
		char real[PATH_MAX];

		if (!realpath(fuzz_dir("unpack"), real))
			abort();
		sb_puts(&top, real);
		sb_printf(&archive, "%s/in.archive", top.buf);
		sb_printf(&mid, "%s/a", top.buf);
		sb_printf(&low, "%s/a/b", top.buf);
		sb_printf(&dest, "%s/a/b/out", top.buf);
		dest_root = dest.buf;
	}
	fuzz_write(archive.buf, data, size);
	if (mkdir_p(dest.buf, 0700))
		abort();
	if (!unpack_archive(archive.buf, dest.buf, &topdir)) {
		FUZZ_CHECK(topdir && !strncmp(topdir, dest.buf, dest.len));
		FUZZ_CHECK(nftw(dest.buf, check_link, 16, FTW_PHYS) == 0);
	}
	free(topdir);
	check_only(top.buf, "a", "in.archive");
	check_only(mid.buf, "b", NULL);
	check_only(low.buf, "out", NULL);
	if (remove_tree(mid.buf))
		abort();
	return 0;
}
