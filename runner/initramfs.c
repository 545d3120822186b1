/*
 * Building the guest's initramfs (see initramfs.h). Used by the runner
 * once per distinct /init and module set; the result is cached by the
 * caller under a name derived from its inputs.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "initramfs.h"
#include "fs.h"
#include "lineparse.h"
#include "banned.h"

#define MAX_MODULE (64 << 20)

static const char *modules_dir(const struct initramfs_spec *spec)
{
	return spec->modules_dir ? spec->modules_dir : "/lib/modules";
}

/* "kernel/drivers/net/virtio_net.ko.xz" -> "virtio_net" into out. */
static void module_name(const char *path, struct strbuf *out)
{
	const char *base = path_basename(path);
	const char *dot = strstr(base, ".ko");

	strbuf_reset(out);
	sb_printf(out, "%.*s", (int)(dot ? (size_t)(dot - base) : strlen(base)),
		  base);
	for (size_t i = 0; i < out->len; i++)
		if (out->buf[i] == '-')
			out->buf[i] = '_';
}

static int has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

int initramfs_resolve(const struct initramfs_spec *spec, struct strvec *order)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, name = STRBUF_INIT,
		      want = STRBUF_INIT;
	int ret = -1;

	sb_printf(&path, "%s/%s/modules.dep", modules_dir(spec), spec->kver);
	if (data_file_read(path.buf, &text))
		goto out;
	for (const char *const *m = spec->modules; m && *m; m++) {
		const char *line = text.buf;
		int found = 0;

		module_name(*m, &want);
		while (line && *line) {
			const char *eol = strchr(line, '\n');
			size_t len = eol ? (size_t)(eol - line) : strlen(line);
			const char *colon = memchr(line, ':', len);

			if (colon) {
				char *target = xstrndup(line, (size_t)(colon - line));

				module_name(target, &name);
				if (!strcmp(name.buf, want.buf)) {
					struct strvec deps = STRVEC_INIT;
					const char *w = colon + 1, *end = line + len;

					while (w < end) {
						size_t k = strcspn(w, " \t\n");

						if (w + k > end)
							k = (size_t)(end - w);
						if (k) {
							char *d = xstrndup(w, k);

							strvec_push(&deps, d);
							free(d);
						}
						w += k + 1;
					}
					/* modprobe loads the list back to front. */
					for (size_t i = deps.nr; i-- > 0;)
						if (!has(order, deps.v[i]))
							strvec_push(order, deps.v[i]);
					if (!has(order, target))
						strvec_push(order, target);
					strvec_clear(&deps);
					found = 1;
				}
				free(target);
				if (found)
					break;
			}
			line = eol ? eol + 1 : NULL;
		}
		if (!found) {
			error("no kernel module '%s' in '%s'", *m, path.buf);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&name);
	strbuf_release(&want);
	return ret;
}

/* Reads a module, decompressing .xz/.gz/.zst with libarchive's raw reader. */
static int read_module(const char *path, struct strbuf *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char buf[65536];
	la_ssize_t n;
	int ret = -1;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		error("cannot read kernel module '%s': %s", path,
		      archive_error_string(a));
		goto out;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (out->len + (size_t)n > MAX_MODULE) {
			error("kernel module '%s' is larger than %d MiB", path,
			      MAX_MODULE >> 20);
			goto out;
		}
		if (strbuf_add(out, buf, (size_t)n)) {
			error("out of memory reading '%s'", path);
			goto out;
		}
	}
	if (n < 0) {
		error("cannot read kernel module '%s': %s", path,
		      archive_error_string(a));
		goto out;
	}
	ret = 0;
out:
	archive_read_free(a);
	return ret;
}

static int add_entry(struct archive *a, const char *name, mode_t type,
		     mode_t perm, const void *data, size_t len, dev_t rdev)
{
	struct archive_entry *e = archive_entry_new();
	int ret = 0;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (rdev)
		archive_entry_set_rdev(e, rdev);
	archive_entry_set_mtime(e, 0, 0); /* same inputs, same bytes */
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len))
		ret = error("cannot write '%s' into the initramfs: %s", name,
			    archive_error_string(a));
	archive_entry_free(e);
	return ret;
}

/* Every directory leading to path (relative), each once. */
static int add_parents(struct archive *a, struct strvec *dirs, const char *path)
{
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		char *d = xstrndup(path, (size_t)(s - path));

		if (!has(dirs, d)) {
			strvec_push(dirs, d);
			if (add_entry(a, d, AE_IFDIR, 0755, NULL, 0, 0)) {
				free(d);
				return -1;
			}
		}
		free(d);
	}
	return 0;
}

static int add_file(struct archive *a, struct strvec *dirs, const char *name,
		    mode_t perm, const void *data, size_t len)
{
	if (add_parents(a, dirs, name))
		return -1;
	return add_entry(a, name, AE_IFREG, perm, data, len, 0);
}

int initramfs_build(const struct initramfs_spec *spec, const char *out)
{
	static const char *const dirs0[] = { "bin", "sbin", "usr", "usr/bin",
					     "usr/sbin", "proc", "sys", "dev",
					     "tmp", "etc", "mnt", "run", "root" };
	struct strvec order = STRVEC_INIT, dirs = STRVEC_INIT;
	struct strbuf tmp = STRBUF_INIT, data = STRBUF_INIT, list = STRBUF_INIT,
		      name = STRBUF_INIT, src = STRBUF_INIT;
	struct archive *a = NULL;
	const char *bb = spec->busybox ? spec->busybox : "/bin/busybox";
	int ret = -1, fd = -1;

	if (initramfs_resolve(spec, &order))
		goto out;
	sb_printf(&tmp, "%s.tmp.%ld", out, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp.buf);
		goto out;
	}
	a = archive_write_new();
	archive_write_set_format_cpio_newc(a);
	archive_write_add_filter_none(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		error("cannot write '%s': %s", tmp.buf, archive_error_string(a));
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs0); i++) {
		strvec_push(&dirs, dirs0[i]);
		if (add_entry(a, dirs0[i], AE_IFDIR, 0755, NULL, 0, 0))
			goto out;
	}
	if (add_entry(a, "dev/console", AE_IFCHR, 0600, NULL, 0, makedev(5, 1)) ||
	    add_entry(a, "dev/null", AE_IFCHR, 0666, NULL, 0, makedev(1, 3)))
		goto out;
	if (read_module(bb, &data) || add_file(a, &dirs, "bin/busybox", 0755,
					       data.buf, data.len))
		goto out;
	for (size_t i = 0; i < order.nr; i++) {
		const char *ko;

		strbuf_reset(&src);
		strbuf_reset(&data);
		strbuf_reset(&name);
		sb_printf(&src, "%s/%s/%s", modules_dir(spec), spec->kver,
			  order.v[i]);
		if (read_module(src.buf, &data))
			goto out;
		ko = strstr(order.v[i], ".ko");
		sb_printf(&name, "lib/modules/%.*s.ko",
			  (int)(ko ? (size_t)(ko - order.v[i]) : strlen(order.v[i])),
			  order.v[i]);
		if (add_file(a, &dirs, name.buf, 0644, data.buf, data.len))
			goto out;
		sb_printf(&list, "/%s\n", name.buf);
	}
	if (add_file(a, &dirs, "etc/modules", 0644, list.buf, list.len) ||
	    add_file(a, &dirs, "init", 0755, spec->init, strlen(spec->init)))
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		error("cannot finish '%s': %s", tmp.buf, archive_error_string(a));
		goto out;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		error_errno("cannot write '%s'", tmp.buf);
		goto out;
	}
	fd = -1;
	if (rename(tmp.buf, out)) {
		error_errno("cannot rename '%s' to '%s'", tmp.buf, out);
		goto out;
	}
	ret = 0;
out:
	if (a)
		archive_write_free(a);
	if (fd >= 0)
		close(fd);
	if (ret && tmp.len)
		unlink(tmp.buf);
	strvec_clear(&order);
	strvec_clear(&dirs);
	strbuf_release(&tmp);
	strbuf_release(&data);
	strbuf_release(&list);
	strbuf_release(&name);
	strbuf_release(&src);
	return ret;
}

char *initramfs_default_kver(void)
{
	struct dirent **ents = NULL;
	int n = scandir("/boot", &ents, NULL, alphasort);
	char *best = NULL;

	for (int i = 0; i < n; i++) {
		const char *rel;
		struct strbuf dep = STRBUF_INIT;

		if (skip_prefix(ents[i]->d_name, "vmlinuz-", &rel)) {
			sb_printf(&dep, "/lib/modules/%s/modules.dep", rel);
			if (path_exists(dep.buf) &&
			    (!best || strverscmp(rel, best) > 0)) {
				free(best);
				best = xstrdup(rel);
			}
		}
		strbuf_release(&dep);
		free(ents[i]);
	}
	free(ents);
	return best;
}
