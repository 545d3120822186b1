/*
 * Secure archive extraction with libarchive. Besides libarchive's own
 * ARCHIVE_EXTRACT_SECURE_* checks, every entry is checked lexically
 * before it is written, so a hostile archive is refused with a message
 * that names the entry instead of being half extracted. A lexical check
 * cannot see symlinks the archive made earlier ("p/l -> ." makes
 * "p/m -> l/../.." the tree's parent), nor a hard link that copies a
 * symlink to another directory, so once everything is written each
 * symlink is resolved again through the tree as the kernel would.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack.h"
#include "fs.h"
#include "strbuf.h"
#include "banned.h"

static void ar_read_cleanup(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}
static void ar_write_cleanup(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}

#define EXTRACT_FLAGS                                                       \
	(ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT |          \
	 ARCHIVE_EXTRACT_SECURE_SYMLINKS |                                 \
	 ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK | \
	 ARCHIVE_EXTRACT_PERM)

static int check_entry(const char *archive, struct archive_entry *e)
{
	const char *path = archive_entry_pathname(e);
	const char *hard = archive_entry_hardlink(e);
	const char *sym = archive_entry_symlink(e);
	mode_t type = archive_entry_filetype(e);

	if (!path)
		return error("cannot unpack '%s': an entry has no name",
			     archive);
	if (!path_is_contained(path))
		return error("cannot unpack '%s': entry '%s' would be written "
			     "outside the tree",
			     archive, path);
	if (path_has_dotdot(path))
		return error("cannot unpack '%s': entry '%s' has a '..' "
			     "component",
			     archive, path);
	if (hard && !path_is_contained(hard))
		return error("cannot unpack '%s': hard link '%s' points "
			     "outside the tree ('%s')",
			     archive, path, hard);
	if (type == AE_IFLNK && (!sym || !symlink_is_contained(path, sym)))
		return error("cannot unpack '%s': symlink '%s' points outside "
			     "the tree ('%s')",
			     archive, path, sym ? sym : "");
	if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO ||
	    type == AE_IFSOCK)
		return error("cannot unpack '%s': entry '%s' is a device or "
			     "fifo",
			     archive, path);
	return 0;
}

/* Symlinks followed on the way, at most: the kernel's ELOOP limit, and the link. */
#define LINK_HOPS 41
/*
 * What one archive may hold: far above a QEMU or libvirt source tree
 * (tens of thousands of files, well under 1 GiB), far below what would
 * fill a disk or the list of links.
 */
#define UNPACK_MAX_ENTRIES 1000000
#define UNPACK_MAX_BYTES ((la_int64_t)16 << 30)

/*
 * Whether path (relative to the tree, opened as root), a symlink, resolves
 * inside the tree, following the tree's own symlinks on the way (the link
 * itself is the first); components that do not exist count as
 * directories, and an absolute target is outside.
 */
static int link_stays_inside(int root, const char *path)
{
	struct strvec at = STRVEC_INIT; /* where resolution is, below root */
	struct strbuf rest = STRBUF_INIT, cur = STRBUF_INIT;
	char buf[PATH_MAX];
	int hops = 0, inside = 1;

	sb_puts(&rest, path);
	while (inside && rest.len) {
		size_t len = strcspn(rest.buf, "/");
		char *c = xstrndup(rest.buf, len);
		struct stat st;
		ssize_t n;

		memmove(rest.buf, rest.buf + len + (rest.buf[len] == '/'),
			rest.len - len - (rest.buf[len] == '/') + 1);
		strbuf_setlen(&rest, strlen(rest.buf));
		if (!*c || !strcmp(c, ".")) {
			free(c);
			continue;
		}
		if (!strcmp(c, "..")) {
			free(c);
			if (!at.nr)
				inside = 0;
			else
				strvec_remove(&at, at.nr - 1);
			continue;
		}
		strbuf_reset(&cur);
		for (size_t i = 0; i < at.nr; i++)
			sb_printf(&cur, "%s/", at.v[i]);
		sb_puts(&cur, c);
		if (fstatat(root, cur.buf, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISLNK(st.st_mode)) {
			strvec_push(&at, c);
			free(c);
			continue;
		}
		free(c);
		n = readlinkat(root, cur.buf, buf, sizeof(buf) - 1);
		if (++hops > LINK_HOPS || n <= 0 ||
		    (size_t)n == sizeof(buf) - 1 || buf[0] == '/') {
			inside = 0;
			break;
		}
		buf[n] = '\0';
		/* The link's target replaces it: resolve that first. */
		strbuf_reset(&cur);
		sb_printf(&cur, "%s/%s", buf, rest.buf);
		strbuf_reset(&rest);
		sb_puts(&rest, cur.buf);
	}
	strvec_clear(&at);
	strbuf_release(&rest);
	strbuf_release(&cur);
	return inside;
}

/*
 * Every symlink among paths (entries that were written, relative to the
 * working directory, which is dest) must stay inside.
 */
static int check_written_links(const char *archive, const char *dest,
			       const struct strvec *paths)
{
	int root = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (root < 0)
		return error_errno("cannot open '%s'", dest);
	for (size_t i = 0; !ret && i < paths->nr; i++) {
		char target[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (fstatat(root, paths->v[i], &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISLNK(st.st_mode))
			continue; /* replaced by a later entry */
		if (link_stays_inside(root, paths->v[i]))
			continue;
		n = readlinkat(root, paths->v[i], target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		ret = error("cannot unpack '%s': symlink '%s' points outside the "
			    "tree ('%s')",
			    archive, paths->v[i], target);
	}
	close(root);
	return ret;
}

static char *single_topdir(const char *dest)
{
	struct dirent **ents = NULL;
	int n = scandir(dest, &ents, NULL, alphasort), count = 0;
	struct strbuf top = STRBUF_INIT;

	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..")) {
			count++;
			path_join(&top, dest, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	if (count == 1 && is_dir(top.buf))
		return strbuf_detach(&top);
	strbuf_release(&top);
	return xstrdup(dest);
}

/* The archive reader and disk writer, with the formats and flags ark allows. */
static void unpack_setup(struct archive *in, struct archive *out)
{
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_read_support_format_zip(in);
	archive_write_disk_set_options(out, EXTRACT_FLAGS);
	archive_write_disk_set_standard_lookup(out);
}

/*
 * The data of entry e from in to out, counted into *bytes against
 * UNPACK_MAX_BYTES, then the entry finished; -1 (reported) on failure.
 */
static int copy_data(const char *archive, struct archive *in,
		     struct archive *out, struct archive_entry *e,
		     la_int64_t *bytes)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		*bytes += (la_int64_t)len;
		if (*bytes > UNPACK_MAX_BYTES)
			return error("cannot unpack '%s': entry '%s': the archive "
				     "unpacks to more than %lld GiB",
				     archive, archive_entry_pathname(e),
				     (long long)(UNPACK_MAX_BYTES >> 30));
		if (archive_write_data_block(out, buf, len, off) != ARCHIVE_OK)
			return error("cannot unpack '%s': entry '%s': %s",
				     archive, archive_entry_pathname(e),
				     archive_error_string(out));
	}
	if (r != ARCHIVE_EOF)
		return error("cannot unpack '%s': entry '%s': %s", archive,
			     archive_entry_pathname(e),
			     archive_error_string(in));
	if (archive_write_finish_entry(out) != ARCHIVE_OK)
		return error("cannot unpack '%s': entry '%s': %s", archive,
			     archive_entry_pathname(e),
			     archive_error_string(out));
	return 0;
}

/* Where unpack_entries is: entries and bytes so far, possible links. */
struct unpack_state {
	const char *archive;
	la_int64_t entries, bytes;
	struct strvec links; /* entries that may be symlinks */
};

/*
 * Writes entry e, after check_entry and within UNPACK_MAX_ENTRIES, with
 * owners and permissions of ark's own; -1 (reported) on failure.
 */
static int unpack_entry(struct unpack_state *u, struct archive *in,
			struct archive *out, struct archive_entry *e)
{
	if (check_entry(u->archive, e))
		return -1;
	if (++u->entries > UNPACK_MAX_ENTRIES)
		return error("cannot unpack '%s': more than %d entries",
			     u->archive, UNPACK_MAX_ENTRIES);
	if (archive_entry_filetype(e) == AE_IFLNK || archive_entry_hardlink(e))
		strvec_push(&u->links, archive_entry_pathname(e));
	/* Never restore owners from the archive. */
	archive_entry_set_uid(e, getuid());
	archive_entry_set_gid(e, getgid());
	archive_entry_set_perm(e, archive_entry_perm(e) & 0755);
	if (archive_write_header(out, e) != ARCHIVE_OK)
		return error("cannot unpack '%s': entry '%s': %s", u->archive,
			     archive_entry_pathname(e),
			     archive_error_string(out));
	return copy_data(u->archive, in, out, e, &u->bytes);
}

/* Every entry of in, then out closed; -1 (reported) on failure. */
static int unpack_entries(struct unpack_state *u, struct archive *in,
			  struct archive *out)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN)
		if (unpack_entry(u, in, out, e))
			return -1;
	if (r != ARCHIVE_EOF)
		return error("cannot unpack '%s': %s", u->archive,
			     archive_error_string(in));
	if (archive_write_close(out) != ARCHIVE_OK)
		return error("cannot unpack '%s': %s", u->archive,
			     archive_error_string(out));
	return 0;
}

int unpack_archive(const char *archive, const char *dest, char **topdir)
{
	__attribute__((cleanup(ar_read_cleanup))) struct archive *in = NULL;
	__attribute__((cleanup(ar_write_cleanup))) struct archive *out = NULL;
	struct unpack_state u = { archive, 0, 0, STRVEC_INIT };
	int cwd = -1, ret = -1;

	*topdir = NULL;
	in = archive_read_new();
	out = archive_write_disk_new();
	if (!in || !out)
		die("out of memory");
	unpack_setup(in, out);
	if (archive_read_open_filename(in, archive, 1 << 16) != ARCHIVE_OK)
		return error("cannot unpack '%s': %s", archive,
			     archive_error_string(in));
	/* libarchive resolves entry names against the working directory. */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(dest)) {
		error_errno("cannot enter '%s'", dest);
		goto out;
	}
	if (unpack_entries(&u, in, out) ||
	    check_written_links(archive, dest, &u.links))
		goto out;
	ret = 0;
out:
	strvec_clear(&u.links);
	if (cwd >= 0) {
		if (fchdir(cwd))
			die("cannot return to the working directory");
		close(cwd);
	}
	if (!ret)
		*topdir = single_topdir(dest);
	return ret;
}
