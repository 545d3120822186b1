/*
 * Secure archive extraction with libarchive. Besides libarchive's own
 * ARCHIVE_EXTRACT_SECURE_* checks, every entry is checked lexically
 * before it is written, so a hostile archive is refused with a message
 * that names the entry instead of being half extracted.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

int unpack_archive(const char *archive, const char *dest, char **topdir)
{
	__attribute__((cleanup(ar_read_cleanup))) struct archive *in = NULL;
	__attribute__((cleanup(ar_write_cleanup))) struct archive *out = NULL;
	struct archive_entry *e;
	int cwd = -1, ret = -1, r;

	*topdir = NULL;
	in = archive_read_new();
	out = archive_write_disk_new();
	if (!in || !out)
		die("out of memory");
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_read_support_format_zip(in);
	archive_write_disk_set_options(out, EXTRACT_FLAGS);
	archive_write_disk_set_standard_lookup(out);
	if (archive_read_open_filename(in, archive, 1 << 16) != ARCHIVE_OK)
		return error("cannot unpack '%s': %s", archive,
			     archive_error_string(in));
	/* libarchive resolves entry names against the working directory. */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(dest)) {
		error_errno("cannot enter '%s'", dest);
		goto out;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const void *buf;
		size_t len;
		la_int64_t off;

		if (check_entry(archive, e))
			goto out;
		/* Never restore owners from the archive. */
		archive_entry_set_uid(e, getuid());
		archive_entry_set_gid(e, getgid());
		archive_entry_set_perm(e, archive_entry_perm(e) & 0755);
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			error("cannot unpack '%s': entry '%s': %s", archive,
			      archive_entry_pathname(e),
			      archive_error_string(out));
			goto out;
		}
		while ((r = archive_read_data_block(in, &buf, &len, &off)) ==
		       ARCHIVE_OK) {
			if (archive_write_data_block(out, buf, len, off) !=
			    ARCHIVE_OK) {
				error("cannot unpack '%s': entry '%s': %s",
				      archive, archive_entry_pathname(e),
				      archive_error_string(out));
				goto out;
			}
		}
		if (r != ARCHIVE_EOF) {
			error("cannot unpack '%s': entry '%s': %s", archive,
			      archive_entry_pathname(e),
			      archive_error_string(in));
			goto out;
		}
		if (archive_write_finish_entry(out) != ARCHIVE_OK) {
			error("cannot unpack '%s': entry '%s': %s", archive,
			      archive_entry_pathname(e),
			      archive_error_string(out));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		error("cannot unpack '%s': %s", archive,
		      archive_error_string(in));
		goto out;
	}
	if (archive_write_close(out) != ARCHIVE_OK) {
		error("cannot unpack '%s': %s", archive,
		      archive_error_string(out));
		goto out;
	}
	ret = 0;
out:
	if (cwd >= 0) {
		if (fchdir(cwd))
			die("cannot return to the working directory");
		close(cwd);
	}
	if (!ret)
		*topdir = single_topdir(dest);
	return ret;
}
