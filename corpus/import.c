/*
 * libvirt's test domains from a libvirt source tarball into the store
 * (corpus/import.h). The tarball is read once with libarchive, entry by
 * entry and never unpacked: the entries of the data directories are
 * named (input, golden file of x86_64, of something else), the inputs and
 * x86_64 golden files kept in memory, bounded, and the names of the
 * x86_64 capabilities noted for the version "latest" is; then the
 * domains are grouped by name and written in one transaction. Also here: the
 * way from an ark-built libvirt install to its tarball. What is done with
 * golden files once imported is golden.c.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "enum.h"
#include "fetch.h"
#include "fs.h"
#include "installs.h"
#include "paths.h"
#include "sha256.h"
#include "userxml.h"
#include "version.h"
#include "banned.h"

_Static_assert(CORP_IMPORT_ENTRY_MAX == USERXML_MAX,
	       "an input the import takes is one userxml takes");

/* What one import may keep in memory, and read: far above libvirt's. */
#define IMPORT_MAX_KEPT ((size_t)256 << 20)
#define IMPORT_MAX_ENTRIES 1000000L

/* The data directories, by layout (see import.h); newest first. */
static const char *const data_dirs[] = {
	"tests/qemuxmlconfdata/",
	"tests/qemuxml2argvdata/",
};

enum golden_kind { GOLDEN_ARGS, GOLDEN_ERR, GOLDEN_LAST };
VM_ENUM_DECL(corp_golden_kind);
VM_ENUM_IMPL(corp_golden_kind, GOLDEN_LAST, "args", "err");

/* What an entry of a data directory is to the import. */
enum role {
	ROLE_INPUT,  /* NAME.xml */
	ROLE_GOLDEN, /* NAME.x86_64-{latest,X.Y.Z}.{args,err} */
	ROLE_OTHER,  /* a golden file of another architecture or a variant */
	ROLE_UNTOLD, /* NAME.args, NAME.err: hand-made capabilities */
	ROLE_NONE,   /* output XMLs, anything else */
};

struct item {
	char *name;  /* NAME */
	int dir;     /* index into data_dirs */
	enum role role;
	char qemu[CORP_QEMU_NAME_MAX]; /* ROLE_GOLDEN: "latest" or "X.Y.Z" */
	enum golden_kind kind;	  /* ROLE_GOLDEN */
	char *file;  /* the path in the source tree */
	const char *base; /* its name in the directory (in file) */
	char *entry; /* the entry's name in the archive */
	char *link;  /* a link: the name of its target in the directory */
	char *text;  /* NULL for a link not resolved yet, or left out */
	size_t len;
};

struct items {
	struct item *v;
	size_t nr, alloc;
	size_t kept; /* bytes of text */
};

static void items_release(struct items *it)
{
	for (size_t i = 0; i < it->nr; i++) {
		free(it->v[i].name);
		free(it->v[i].file);
		free(it->v[i].entry);
		free(it->v[i].link);
		free(it->v[i].text);
	}
	free(it->v);
	memset(it, 0, sizeof(*it));
}

/* How a golden file's name ends: ".ARCH-VER[+VARIANT][.abi-update].EXT" */
struct suffix {
	const char *arch;
	size_t archlen;
	char qemu[CORP_QEMU_NAME_MAX];
	int variant, abi_update;
	const char *ext;
};

/* s (after a '.') as ARCH-VER[+VARIANT][.abi-update].EXT; 0 when it is. */
static int parse_suffix(const char *s, struct suffix *out)
{
	const char *p = s, *v;

	memset(out, 0, sizeof(*out));
	out->arch = p;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	       *p == '_')
		p++;
	out->archlen = (size_t)(p - s);
	if (!out->archlen || *p++ != '-')
		return -1;
	v = p;
	if (!skip_prefix(p, "latest", &p)) {
		int parts = 0;

		while (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			parts++;
			if (p[0] != '.' || !isdigit((unsigned char)p[1]))
				break;
			p++;
		}
		if (parts < 2)
			return -1;
	}
	if ((size_t)(p - v) >= sizeof(out->qemu))
		return -1;
	memcpy(out->qemu, v, (size_t)(p - v));
	if (*p == '+') {
		out->variant = 1;
		p += strcspn(p, ".");
		if (p[-1] == '+')
			return -1;
	}
	if (skip_prefix(p, ".abi-update", &p))
		out->abi_update = 1;
	if (*p++ != '.')
		return -1;
	if (strcmp(p, "args") && strcmp(p, "err") && strcmp(p, "xml"))
		return -1;
	out->ext = p;
	return 0;
}

/*
 * What file (a name in a data directory) is, with the length of its NAME
 * in *namelen and, for a golden file, its QEMU version and kind.
 */
static enum role classify(const char *file, size_t *namelen,
			  char qemu[CORP_QEMU_NAME_MAX], enum golden_kind *kind)
{
	size_t len = strlen(file);
	struct suffix sf;

	/* The shortest suffix that fits: NAME may hold dots. */
	for (size_t i = len; i-- > 1;) {
		if (file[i] != '.' || parse_suffix(file + i + 1, &sf))
			continue;
		*namelen = i;
		if (!strcmp(sf.ext, "xml"))
			return ROLE_NONE;
		if (sf.archlen != 6 || memcmp(sf.arch, "x86_64", 6) ||
		    sf.variant || sf.abi_update)
			return ROLE_OTHER;
		memcpy(qemu, sf.qemu, CORP_QEMU_NAME_MAX);
		*kind = corp_golden_kind_from_string(sf.ext);
		return ROLE_GOLDEN;
	}
	if (len > 4 && ends_with(file, ".xml")) {
		*namelen = len - 4;
		return ROLE_INPUT;
	}
	if (len > 5 && ends_with(file, ".args")) {
		*namelen = len - 5;
		return ROLE_UNTOLD;
	}
	if (len > 4 && ends_with(file, ".err")) {
		*namelen = len - 4;
		return ROLE_UNTOLD;
	}
	*namelen = len;
	return ROLE_NONE;
}

/*
 * Whether the entry path is a file directly in dir of the source tree,
 * with *file its path in the tree and *base its name in dir. Entries are
 * "TOP/tests/...", "./TOP/tests/..." or, without a top-level directory,
 * "tests/...".
 */
static int in_dir(const char *path, const char *dir, const char **file,
		  const char **base)
{
	const char *slash, *rest;

	skip_prefix(path, "./", &path);
	for (int pass = 0; pass < 2; pass++) {
		if (skip_prefix(path, dir, &rest) && *rest &&
		    !strchr(rest, '/')) {
			*file = path;
			*base = rest;
			return 1;
		}
		slash = strchr(path, '/');
		if (!slash)
			break;
		path = slash + 1;
	}
	return 0;
}

/*
 * The data directory entry path is in (index into data_dirs), with
 * *file and *base as in_dir gives them; -1 when it is in none.
 */
static int data_entry(const char *path, const char **file, const char **base)
{
	for (size_t d = 0; d < ARRAY_SIZE(data_dirs); d++)
		if (in_dir(path, data_dirs[d], file, base))
			return (int)d;
	return -1;
}

/*
 * The QEMU version of a capabilities file of x86_64, "caps_X.Y.Z_x86_64.xml"
 * or (older libvirt) "caps_X.Y.Z.x86_64.xml", into qemu and v; -1 for
 * any other name: another architecture, a variant ("+amdsev"), replies.
 */
static int caps_version(const char *base, char qemu[CORP_QEMU_NAME_MAX],
			struct version *v)
{
	const char *p, *end;

	if (!skip_prefix(base, "caps_", &p))
		return -1;
	end = p;
	while (isdigit((unsigned char)*end) ||
	       (*end == '.' && isdigit((unsigned char)end[1])))
		end++;
	if (end == p || (size_t)(end - p) >= CORP_QEMU_NAME_MAX ||
	    (*end != '_' && *end != '.') || strcmp(end + 1, "x86_64.xml"))
		return -1;
	memcpy(qemu, p, (size_t)(end - p));
	qemu[end - p] = '\0';
	return version_parse(qemu, v);
}

/* Reads an archive and keeps what the import needs. */
struct reader {
	const char *tarball;
	struct archive *a;
	struct items items;
	int toolarge;
	long entries;
	int data_dirs_seen;
	/* the QEMU of the newest x86_64 capabilities; "": none seen */
	char latest[CORP_QEMU_NAME_MAX];
	struct version latest_v;
};

/* Whether a warning about item it is worth giving: a file the import takes. */
static int wanted(const struct item *it)
{
	return it->role == ROLE_INPUT || it->role == ROLE_GOLDEN;
}

/*
 * The data of the current entry, a regular file, into it->text, or left
 * NULL when it is left out (with a warning when it is wanted); -1 after
 * reporting when the archive cannot be read.
 */
static int read_text(struct reader *r, struct item *it)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[1 << 16];
	ssize_t n;

	strbuf_init(&sb, CORP_IMPORT_ENTRY_MAX);
	while ((n = archive_read_data(r->a, buf, sizeof(buf))) > 0)
		if (strbuf_add(&sb, buf, (size_t)n)) {
			strbuf_release(&sb);
			goto toolarge;
		}
	if (n < 0) {
		strbuf_release(&sb);
		return error("cannot read '%s': entry '%s': %s", r->tarball,
			     it->entry, archive_error_string(r->a));
	}
	if (memchr(sb.buf, '\0', sb.len)) {
		if (wanted(it))
			warning("'%s': entry '%s' holds a NUL byte: left out",
				r->tarball, it->entry);
		strbuf_release(&sb);
		return 0;
	}
	if (r->items.kept + sb.len > IMPORT_MAX_KEPT) {
		strbuf_release(&sb);
		return error("cannot read '%s': entry '%s': the test data is "
			     "larger than %zu MiB",
			     r->tarball, it->entry, IMPORT_MAX_KEPT >> 20);
	}
	r->items.kept += sb.len;
	it->len = sb.len;
	it->text = strbuf_detach(&sb);
	return 0;
toolarge:
	if (wanted(it)) {
		warning("'%s': entry '%s' is larger than %d bytes: left out",
			r->tarball, it->entry, CORP_IMPORT_ENTRY_MAX);
		r->toolarge++;
	}
	return 0;
}

/*
 * The target of a link entry e in directory dir as a name in that
 * directory (malloc'd), or NULL when it points elsewhere. Symbolic link
 * targets are relative to the link ("x.xml", "./x.xml"); hard link
 * targets are archive paths.
 */
static char *link_target(struct archive_entry *e, int dir)
{
	const char *hard = archive_entry_hardlink(e), *t, *file, *base;

	if (hard)
		return data_entry(hard, &file, &base) == dir ? xstrdup(base)
							     : NULL;
	t = archive_entry_symlink(e);
	if (!t)
		return NULL;
	skip_prefix(t, "./", &t);
	return *t && !strchr(t, '/') ? xstrdup(t) : NULL;
}

/* A capabilities entry's name, for the version "latest" is. */
static void note_caps(struct reader *r, const char *path)
{
	char qemu[CORP_QEMU_NAME_MAX];
	const char *file, *base;
	struct version v;

	if (!in_dir(path, "tests/qemucapabilitiesdata/", &file, &base) ||
	    caps_version(base, qemu, &v))
		return;
	if (r->latest[0] && version_cmp(&v, &r->latest_v) <= 0)
		return;
	r->latest_v = v;
	memcpy(r->latest, qemu, sizeof(qemu));
}

/* One archive entry; -1 after reporting. */
static int read_entry(struct reader *r, struct archive_entry *e)
{
	const char *path = archive_entry_pathname(e), *file, *base;
	mode_t type = archive_entry_filetype(e);
	struct item it = { 0 };
	size_t namelen = 0;
	int dir;

	if (++r->entries > IMPORT_MAX_ENTRIES)
		return error("cannot read '%s': more than %ld entries",
			     r->tarball, IMPORT_MAX_ENTRIES);
	if (!path)
		return 0;
	if ((dir = data_entry(path, &file, &base)) < 0) {
		if (type != AE_IFDIR)
			note_caps(r, path);
		return 0;
	}
	r->data_dirs_seen = 1;
	/* A name no file system keeps is no test's. */
	if (type == AE_IFDIR || strlen(base) > NAME_MAX)
		return 0;
	it.role = classify(base, &namelen, it.qemu, &it.kind);
	it.name = xstrndup(base, namelen);
	it.dir = dir;
	it.file = xstrdup(file);
	it.base = it.file + (base - file);
	it.entry = xstrdup(path);
	if (archive_entry_hardlink(e) || type == AE_IFLNK) {
		it.link = link_target(e, dir);
		if (!it.link && wanted(&it))
			warning("'%s': entry '%s' links outside its directory: "
				"left out",
				r->tarball, path);
	} else if (type != AE_IFREG) {
		if (wanted(&it))
			warning("'%s': entry '%s' is not a regular file: left "
				"out",
				r->tarball, path);
	} else if (archive_entry_size_is_set(e) &&
		   archive_entry_size(e) > CORP_IMPORT_ENTRY_MAX) {
		if (wanted(&it)) {
			warning("'%s': entry '%s' is larger than %d bytes: "
				"left out",
				r->tarball, path, CORP_IMPORT_ENTRY_MAX);
			r->toolarge++;
		}
	} else if (read_text(r, &it)) {
		free(it.name);
		free(it.file);
		free(it.entry);
		return -1;
	}
	ALLOC_GROW(r->items.v, r->items.nr + 1, r->items.alloc);
	r->items.v[r->items.nr++] = it;
	return 0;
}

/* Items by directory, then name in it: for link targets. */
static int cmp_place(const void *pa, const void *pb)
{
	const struct item *a = *(const struct item *const *)pa;
	const struct item *b = *(const struct item *const *)pb;

	return a->dir != b->dir ? a->dir - b->dir : strcmp(a->base, b->base);
}

/* Links followed from one entry, at most (the kernel's ELOOP limit). */
#define LINK_HOPS 40

/*
 * Each link's text from the file it leads to in its directory (a link of
 * libvirt's test data names a sibling: an input shared by two tests, a
 * golden file two give alike); a link that leads to no file there is
 * left out, with a warning when it is wanted.
 */
static int resolve_links(struct reader *r)
{
	struct items *it = &r->items;
	const struct item **by = xcalloc(it->nr ? it->nr : 1, sizeof(*by));

	for (size_t i = 0; i < it->nr; i++)
		by[i] = &it->v[i];
	sort_array(by, it->nr, sizeof(*by), cmp_place);
	for (size_t i = 0; i < it->nr; i++) {
		struct item *l = &it->v[i];
		const struct item *t = l;
		int hops = 0;

		while (t && t->link && hops++ < LINK_HOPS) {
			struct item key = { .dir = l->dir, .base = t->link };
			const struct item *k = &key, **hit;

			hit = bsearch(&k, by, it->nr, sizeof(*by), cmp_place);
			t = hit ? *hit : NULL;
		}
		if (!l->link)
			continue;
		if (t && !t->link && t->text) {
			if (it->kept + t->len > IMPORT_MAX_KEPT) {
				free(by);
				return error("cannot read '%s': entry '%s': the "
					     "test data is larger than %zu MiB",
					     r->tarball, l->entry,
					     IMPORT_MAX_KEPT >> 20);
			}
			l->text = xstrndup(t->text, t->len);
			l->len = t->len;
			it->kept += t->len;
		} else if (wanted(l)) {
			warning("'%s': entry '%s' is a link to '%s', which "
				"leads to no file of its directory: left out",
				r->tarball, l->entry, l->link);
		}
	}
	free(by);
	return 0;
}

static void ar_read_cleanup(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

/* The whole tarball into r->items; -1 after reporting. */
static int read_tarball(struct reader *r)
{
	__attribute__((cleanup(ar_read_cleanup))) struct archive *a = NULL;
	struct strbuf last = STRBUF_INIT; /* the last entry read */
	struct archive_entry *e;
	int rc, ret = -1;

	a = archive_read_new();
	if (!a)
		die("out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_filename(a, r->tarball, 1 << 16) != ARCHIVE_OK)
		return error("cannot read '%s': %s", r->tarball,
			     archive_error_string(a));
	r->a = a;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       rc == ARCHIVE_WARN) {
		if (read_entry(r, e))
			goto out;
		strbuf_reset(&last);
		sb_puts(&last, archive_entry_pathname(e) ? archive_entry_pathname(e)
							  : "");
	}
	if (rc != ARCHIVE_EOF && last.len)
		error("cannot read '%s': after entry '%s': %s", r->tarball,
		      last.buf, archive_error_string(a));
	else if (rc != ARCHIVE_EOF)
		error("cannot read '%s': %s", r->tarball,
		      archive_error_string(a));
	else if (!r->data_dirs_seen)
		error("'%s' has no %s or %s: not a libvirt source tarball",
		      r->tarball, data_dirs[0], data_dirs[1]);
	else
		ret = resolve_links(r);
out:
	strbuf_release(&last);
	return ret;
}

/* By name, directory, role, then (golden files) QEMU version and kind. */
static int cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (a->dir != b->dir)
		return a->dir - b->dir;
	if (a->role != b->role)
		return (int)a->role - (int)b->role;
	if (a->role != ROLE_GOLDEN)
		return 0;
	c = strcmp(a->qemu, b->qemu);
	return c ? c : (int)a->kind - (int)b->kind;
}

/* A domain in the tarball: its input and its golden files (sorted). */
struct domain {
	const struct item *input;
	const struct item *golden;
	size_t ngolden;
};

/* The statements of one import. */
struct writer {
	struct store *st;
	const char *tarball, *origin;
	char now[32];
	sqlite3_stmt *find, *golden, *insert, *update, *clear, *add, *latest;
};

static void writer_release(struct writer *w)
{
	store_stmt_cleanup(&w->find);
	store_stmt_cleanup(&w->golden);
	store_stmt_cleanup(&w->insert);
	store_stmt_cleanup(&w->update);
	store_stmt_cleanup(&w->clear);
	store_stmt_cleanup(&w->add);
	store_stmt_cleanup(&w->latest);
}

static int writer_prepare(struct writer *w)
{
	struct store *st = w->st;

	return store_prepare(st, &w->find,
			     "SELECT id, sha256, file FROM corpus_domains"
			     " WHERE corpus = 'libvirt' AND origin = ?"
			     " AND name = ?") ||
	       store_prepare(st, &w->golden,
			     "SELECT qemu, kind, file, text FROM corpus_golden"
			     " WHERE domain = ? ORDER BY qemu, kind") ||
	       store_prepare(st, &w->insert,
			     "INSERT INTO corpus_domains (corpus, origin, name,"
			     " file, sha256, xml, imported_at)"
			     " VALUES ('libvirt', ?, ?, ?, ?, ?, ?)") ||
	       store_prepare(st, &w->update,
			     "UPDATE corpus_domains SET file = ?, sha256 = ?,"
			     " xml = ?, imported_at = ? WHERE id = ?") ||
	       store_prepare(st, &w->clear,
			     "DELETE FROM corpus_golden WHERE domain = ?") ||
	       store_prepare(st, &w->add,
			     "INSERT INTO corpus_golden (domain, qemu, kind,"
			     " file, text) VALUES (?, ?, ?, ?, ?)") ||
	       store_prepare(st, &w->latest,
			     "INSERT INTO corpus_origins (corpus, origin,"
			     " latest_qemu) VALUES ('libvirt', ?, ?)"
			     " ON CONFLICT (corpus, origin) DO UPDATE"
			     " SET latest_qemu = excluded.latest_qemu");
}

/* The store's error while writing entry e; returns -1. */
static int write_error(struct writer *w, const char *what,
		       const struct item *e)
{
	return error("cannot import '%s' into '%s': %s '%s': %s", w->tarball,
		     w->st->path, what, e->entry, sqlite3_errmsg(w->st->db));
}

static int column_is(sqlite3_stmt *q, int i, const char *s, size_t len)
{
	const void *v = sqlite3_column_text(q, i);

	return v && (size_t)sqlite3_column_bytes(q, i) == len &&
	       !memcmp(v, s, len);
}

/* 1 when domain id has exactly d's golden files, 0 when not, -1 error. */
static int same_golden(struct writer *w, sqlite3_int64 id,
		       const struct domain *d)
{
	size_t i = 0;
	int rc, same = 1;

	sqlite3_reset(w->golden);
	sqlite3_bind_int64(w->golden, 1, id);
	while ((rc = sqlite3_step(w->golden)) == SQLITE_ROW) {
		const struct item *g = &d->golden[i];

		if (i == d->ngolden ||
		    !column_is(w->golden, 0, g->qemu, strlen(g->qemu)) ||
		    !column_is(w->golden, 1, corp_golden_kind_to_string(g->kind),
			       strlen(corp_golden_kind_to_string(g->kind))) ||
		    !column_is(w->golden, 2, g->file, strlen(g->file)) ||
		    !column_is(w->golden, 3, g->text, g->len)) {
			same = 0;
			break;
		}
		i++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return write_error(w, "cannot compare golden files of",
				   d->input);
	sqlite3_reset(w->golden);
	return same && i == d->ngolden;
}

static int add_golden(struct writer *w, sqlite3_int64 id,
		      const struct domain *d)
{
	for (size_t i = 0; i < d->ngolden; i++) {
		const struct item *g = &d->golden[i];

		sqlite3_reset(w->add);
		sqlite3_bind_int64(w->add, 1, id);
		store_bind_text(w->add, 2, g->qemu);
		store_bind_text(w->add, 3, corp_golden_kind_to_string(g->kind));
		store_bind_text(w->add, 4, g->file);
		sqlite3_bind_text(w->add, 5, g->text, (int)g->len,
				  SQLITE_STATIC);
		if (sqlite3_step(w->add) != SQLITE_DONE)
			return write_error(w, "cannot record", g);
	}
	return 0;
}

/* Records d: added, changed or as it was; -1 after reporting. */
static int write_domain(struct writer *w, const struct domain *d,
			struct corp_import_stats *stats)
{
	const struct item *in = d->input;
	char sha[SHA256_HEX_LEN + 1];
	sqlite3_int64 id;
	int rc, same;

	sha256_hex(in->text, in->len, sha);
	sqlite3_reset(w->find);
	store_bind_text(w->find, 1, w->origin);
	store_bind_text(w->find, 2, in->name);
	rc = sqlite3_step(w->find);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(w->insert);
		store_bind_text(w->insert, 1, w->origin);
		store_bind_text(w->insert, 2, in->name);
		store_bind_text(w->insert, 3, in->file);
		store_bind_text(w->insert, 4, sha);
		sqlite3_bind_text(w->insert, 5, in->text, (int)in->len,
				  SQLITE_STATIC);
		store_bind_text(w->insert, 6, w->now);
		if (sqlite3_step(w->insert) != SQLITE_DONE)
			return write_error(w, "cannot record", in);
		stats->added++;
		return add_golden(w, sqlite3_last_insert_rowid(w->st->db), d);
	}
	if (rc != SQLITE_ROW)
		return write_error(w, "cannot look up", in);
	id = sqlite3_column_int64(w->find, 0);
	same = column_is(w->find, 1, sha, SHA256_HEX_LEN) &&
	       column_is(w->find, 2, in->file, strlen(in->file));
	sqlite3_reset(w->find);
	if (same && (same = same_golden(w, id, d)) < 0)
		return -1;
	if (same)
		return 0;
	sqlite3_reset(w->update);
	store_bind_text(w->update, 1, in->file);
	store_bind_text(w->update, 2, sha);
	sqlite3_bind_text(w->update, 3, in->text, (int)in->len, SQLITE_STATIC);
	store_bind_text(w->update, 4, w->now);
	sqlite3_bind_int64(w->update, 5, id);
	sqlite3_reset(w->clear);
	sqlite3_bind_int64(w->clear, 1, id);
	if (sqlite3_step(w->update) != SQLITE_DONE ||
	    sqlite3_step(w->clear) != SQLITE_DONE)
		return write_error(w, "cannot replace", in);
	stats->changed++;
	return add_golden(w, id, d);
}

/*
 * The items of one (name, directory), v[0..n) in cmp_item order, into d:
 * a domain when there is an input and an x86_64 golden file; *other says
 * whether there are golden files of something else. An entry twice is an
 * error, reported.
 */
static int group_domain(const char *tarball, const struct item *v, size_t n,
			struct domain *d, int *other)
{
	memset(d, 0, sizeof(*d));
	*other = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (v[i].role == ROLE_INPUT || v[i].role == ROLE_GOLDEN) &&
		    !cmp_item(&v[i - 1], &v[i]))
			return error("cannot import '%s': entries '%s' and '%s' "
				     "are the same file",
				     tarball, v[i - 1].entry, v[i].entry);
		if (!v[i].text && v[i].role != ROLE_OTHER)
			continue; /* left out */
		if (v[i].role == ROLE_INPUT) {
			d->input = &v[i];
		} else if (v[i].role == ROLE_GOLDEN) {
			if (!d->ngolden++)
				d->golden = &v[i];
		} else if (v[i].role == ROLE_OTHER) {
			*other = 1;
		}
	}
	return 0;
}

/* The origin's "latest" QEMU version (NULL: unknown); -1 after reporting. */
static int write_latest(struct writer *w, const char *latest)
{
	store_bind_text(w->latest, 1, w->origin);
	store_bind_text(w->latest, 2, latest);
	if (sqlite3_step(w->latest) != SQLITE_DONE)
		return error("cannot import '%s' into '%s': cannot record the "
			     "QEMU version of libvirt %s's 'latest': %s",
			     w->tarball, w->st->path, w->origin,
			     sqlite3_errmsg(w->st->db));
	return 0;
}

/* Every domain of the sorted items into the store, counted in stats. */
static int write_items(struct writer *w, const struct items *it,
		       struct corp_import_stats *stats)
{
	const struct item *last = NULL; /* the last domain's input */

	for (size_t i = 0, j; i < it->nr; i = j) {
		struct domain d;
		int other;

		for (j = i + 1; j < it->nr && it->v[j].dir == it->v[i].dir &&
				!strcmp(it->v[j].name, it->v[i].name);
		     j++)
			;
		if (group_domain(w->tarball, &it->v[i], j - i, &d, &other))
			return -1;
		if (!d.input)
			continue; /* golden files of no input */
		if (!d.ngolden) {
			stats->skipped++;
			stats->untold += !other;
			continue;
		}
		if (last && !strcmp(last->name, d.input->name))
			return error("cannot import '%s': domain '%s' is both "
				     "'%s' and '%s'",
				     w->tarball, d.input->name, last->entry,
				     d.input->entry);
		last = d.input;
		stats->domains++;
		stats->golden += (int)d.ngolden;
		if (write_domain(w, &d, stats))
			return -1;
	}
	return 0;
}

int corp_import_tarball(struct store *st, const char *tarball,
			const char *origin, struct corp_import_stats *stats)
{
	struct reader r = { .tarball = tarball };
	struct writer w = { .st = st, .tarball = tarball, .origin = origin };
	struct corp_import_stats s = { 0 };
	int ret = -1;

	if (!origin || !*origin)
		return error("cannot import '%s': the libvirt version it is "
			     "the source of is not given",
			     tarball);
	if (read_tarball(&r))
		goto out;
	sort_array(r.items.v, r.items.nr, sizeof(*r.items.v), cmp_item);
	s.toolarge = r.toolarge;
	now_iso8601(w.now, sizeof(w.now));
	if (store_begin(st))
		goto out;
	memcpy(s.latest_qemu, r.latest, sizeof(s.latest_qemu));
	if (writer_prepare(&w) || write_items(&w, &r.items, &s) ||
	    write_latest(&w, r.latest[0] ? r.latest : NULL)) {
		writer_release(&w);
		store_rollback(st);
		goto out;
	}
	writer_release(&w);
	if (store_commit(st)) {
		store_rollback(st);
		goto out;
	}
	*stats = s;
	ret = 0;
out:
	items_release(&r.items);
	return ret;
}

/* The install of libvirt in v[0..n) to take: want, or the newest built. */
static const struct install *pick_install(const struct install *v, size_t n,
					  const char *want)
{
	const struct install *in = NULL;

	for (size_t i = 0; i < n; i++) {
		if (want ? strcmp(v[i].version, want)
			 : strcmp(v[i].kind, "built"))
			continue;
		if (!in || version_strcmp(v[i].version, in->version) > 0)
			in = &v[i];
	}
	return in;
}

/* The way to get the source of in back into ark's cache, for messages. */
static const char *fetch_hint(const struct install *in, struct strbuf *sb)
{
	sb_printf(sb, "virt-matrix ark fetch%s libvirt %s",
		  in->source_flavour && !strcmp(in->source_flavour, "debian")
			  ? " --from debian"
			  : "",
		  in->version);
	return sb->buf;
}

/* The tarball of the ark-built install in into path; -1 reported. */
static int install_tarball(struct store *st, const struct install *in,
			   struct strbuf *path)
{
	struct strbuf hint = STRBUF_INIT;
	char *cache = paths_cache_dir(), *hit = NULL;
	char sha[SHA256_HEX_LEN + 1];
	const char *file = NULL;
	int ret = -1;

	if (!in->source_sha256 || !sha256_hex_valid(in->source_sha256)) {
		error("ark recorded no source tarball for libvirt %s in '%s'; "
		      "build it again: virt-matrix ark build --force libvirt %s",
		      in->version, st->path, in->version);
		goto out;
	}
	if (in->source_url && skip_prefix(in->source_url, "file://", &file) &&
	    path_exists(file))
		hit = xstrdup(file);
	else
		hit = fetch_cached(cache, in->source_sha256, NULL);
	if (!hit && file) {
		error("the source of libvirt %s, '%s', is gone and ark's cache "
		      "'%s/downloads' has none with its sha256 %s; give a copy: "
		      "virt-matrix ark build --force --source FILE libvirt %s",
		      in->version, file, cache, in->source_sha256, in->version);
		goto out;
	}
	if (!hit) {
		error("the source of libvirt %s (sha256 %s) is no longer in "
		      "ark's cache '%s/downloads'; fetch it again: %s",
		      in->version, in->source_sha256, cache,
		      fetch_hint(in, &hint));
		goto out;
	}
	if (sha256_file(hit, sha))
		goto out;
	if (strcasecmp(sha, in->source_sha256)) {
		error("'%s' is not the source libvirt %s was built from "
		      "(sha256 %s, not %s); fetch it again: %s",
		      hit, in->version, sha, in->source_sha256,
		      fetch_hint(in, &hint));
		goto out;
	}
	strbuf_reset(path);
	sb_puts(path, hit);
	ret = 0;
out:
	strbuf_release(&hint);
	free(cache);
	free(hit);
	return ret;
}

int corp_import_find_tarball(struct store *st, const char *want,
			     struct strbuf *path, struct strbuf *version)
{
	struct install *v = NULL;
	const struct install *in;
	size_t n = 0;
	int ret = -1;

	if (installs_list(st, "libvirt", &v, &n))
		return -1;
	in = pick_install(v, n, want);
	if (!in && want)
		error("no libvirt %s in '%s'; build it: virt-matrix ark build "
		      "libvirt %s",
		      want, st->path, want);
	else if (!in)
		error("no ark-built libvirt in '%s'; build one: virt-matrix "
		      "ark build libvirt VERSION (virt-matrix ark catalog "
		      "libvirt lists the versions)",
		      st->path);
	else if (strcmp(in->kind, "built"))
		error("libvirt %s in '%s' was imported, not built by ark: ark "
		      "has no source tarball of it; take an ark-built libvirt "
		      "(virt-matrix ark list libvirt) or build one: "
		      "virt-matrix ark build libvirt VERSION",
		      in->version, st->path);
	else if (!install_tarball(st, in, path))
		ret = 0;
	if (!ret) {
		strbuf_reset(version);
		sb_puts(version, in->version);
	}
	installs_free(v, n);
	return ret;
}
