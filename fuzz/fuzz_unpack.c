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
		    (!also || strcmp(e->d_name, also)))
			fuzz_fail("'%s' appeared in '%s'", e->d_name, dir);
	}
	closedir(d);
}

/*
 * Where the symlink at path points, as the kernel resolves it: for a
 * dangling one, its longest existing prefix resolved and the rest
 * applied lexically (missing components as directories). Into out.
 */
static void resolve(const char *path, struct strbuf *out)
{
	char target[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	struct strbuf cand = STRBUF_INIT, prefix = STRBUF_INIT;
	struct strvec parts = STRVEC_INIT;
	char *dir = path_dirname(path);
	size_t k;

	FUZZ_CHECK(n >= 0);
	target[n] = '\0';
	if (target[0] == '/')
		sb_puts(&cand, target);
	else
		sb_printf(&cand, "%s/%s", dir, target); /* path is absolute */
	free(dir);
	for (const char *p = cand.buf; *p;) {
		size_t len = strcspn(p, "/");

		if (len)
			strvec_pushf(&parts, "%.*s", (int)len, p);
		p += len + (p[len] == '/');
	}
	/* The longest prefix that exists ("/" does), resolved. */
	for (k = parts.nr;; k--) {
		strbuf_reset(&prefix);
		for (size_t i = 0; i < k; i++)
			sb_printf(&prefix, "/%s", parts.v[i]);
		if (realpath(k ? prefix.buf : "/", real))
			break;
		FUZZ_CHECK(k > 0);
	}
	strbuf_reset(out);
	sb_puts(out, real);
	for (size_t i = k; i < parts.nr; i++) {
		char *up = strrchr(out->buf, '/');

		if (!strcmp(parts.v[i], ".."))
			strbuf_setlen(out, up && up != out->buf
						   ? (size_t)(up - out->buf)
						   : 1);
		else if (strcmp(parts.v[i], "."))
			sb_printf(out, "%s%s", out->len > 1 ? "/" : "",
				  parts.v[i]);
	}
	strvec_clear(&parts);
	strbuf_release(&prefix);
	strbuf_release(&cand);
}

static int check_link(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	struct strbuf to = STRBUF_INIT;
	size_t n = strlen(dest_root);

	(void)st;
	(void)ftw;
	if (type != FTW_SL)
		return 0;
	resolve(path, &to);
	if (strncmp(to.buf, dest_root, n) || (to.buf[n] && to.buf[n] != '/'))
		fuzz_fail("symlink '%s' points outside the tree, to '%s'",
			  path, to.buf);
	strbuf_release(&to);
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
