/*
 * libvirt's test domains into the store (corpus/import.c): tarballs made
 * here from real libvirt test data (tests/data/corpus/libvirt/, see its
 * README) and a few hostile entries, imported into stores of the test's
 * own; the QEMU version "latest" is, from the names of the capabilities
 * files; libvirt's golden .args files as argv; the golden file nearest a
 * QEMU version; the way from an ark-built install to its tarball.
 */
#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "teststore.h"
#include "import.h"
#include "installs.h"
#include "sha256.h"

#define DATA "tests/data/corpus/libvirt/"
#define CONF "libvirt-11.3.0/tests/qemuxmlconfdata/"
#define OLD "libvirt-11.3.0/tests/qemuxml2argvdata/"

/* One entry of a tarball made here. */
struct entry {
	const char *name;   /* in the archive */
	const char *from;   /* a file of tests/data/corpus/libvirt/, or NULL */
	const char *text;   /* else its text, or NULL */
	const char *link;   /* else a symbolic link to this */
	size_t size;	    /* else this many bytes of 'x' */
};

static void pack_entry(struct archive *a, const struct entry *e)
{
	struct archive_entry *x = archive_entry_new();
	char *data = NULL;
	size_t len = 0;

	if (e->from) {
		char *p = tu_path(DATA, e->from);

		data = tu_read(p);
		len = strlen(data);
		free(p);
	} else if (e->text) {
		data = xstrdup(e->text);
		len = strlen(data);
	} else if (!e->link) {
		data = xmalloc(e->size);
		memset(data, 'x', e->size);
		len = e->size;
	}
	archive_entry_set_pathname(x, e->name);
	archive_entry_set_filetype(x, e->link ? AE_IFLNK : AE_IFREG);
	archive_entry_set_perm(x, e->link ? 0777 : 0644);
	if (e->link)
		archive_entry_set_symlink(x, e->link);
	archive_entry_set_size(x, (la_int64_t)len);
	assert_int_equal(archive_write_header(a, x), ARCHIVE_OK);
	if (len)
		assert_int_equal(archive_write_data(a, data, len), (ssize_t)len);
	archive_entry_free(x);
	free(data);
}

/* A .tar.xz at path of e[0..n). */
static void pack(const char *path, const struct entry *e, size_t n)
{
	struct archive *a = archive_write_new();

	archive_write_add_filter_xz(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++)
		pack_entry(a, &e[i]);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/*
 * The source tree the import tests share: 7 x86_64 domains with 10
 * golden files; 5 inputs skipped, 3 of them untold (cmt3, a link in the
 * middle of a chain, nogolden, 440fx-wrong-root); big.xml too large.
 */
static const struct entry tree[] = {
	{ "libvirt-11.3.0/", NULL, "", NULL, 0 },
	{ "libvirt-11.3.0/README.rst", NULL, "libvirt\n", NULL, 0 },
	{ CONF "cpu-host-model-cmt.xml", "qemuxmlconfdata/cpu-host-model-cmt.xml", NULL, NULL, 0 },
	{ CONF "cpu-host-model-cmt.x86_64-latest.args", "qemuxmlconfdata/cpu-host-model-cmt.x86_64-latest.args", NULL, NULL, 0 },
	{ CONF "cpu-host-model-vendor.xml", "qemuxmlconfdata/cpu-host-model-vendor.xml", NULL, NULL, 0 },
	{ CONF "cpu-host-model-vendor.x86_64-latest.args", "qemuxmlconfdata/cpu-host-model-vendor.x86_64-latest.args", NULL, NULL, 0 },
	{ CONF "cpu-host-model-kvm.xml", "qemuxmlconfdata/cpu-host-model-kvm.xml", NULL, NULL, 0 },
	{ CONF "cpu-host-model-kvm.x86_64-latest.args", "qemuxmlconfdata/cpu-host-model-kvm.x86_64-latest.args", NULL, NULL, 0 },
	{ CONF "cpu-host-model-kvm.x86_64-6.2.0.args", "qemuxmlconfdata/cpu-host-model-kvm.x86_64-6.2.0.args", NULL, NULL, 0 },
	{ CONF "cpu-host-model-kvm.x86_64-8.0.0.args", "qemuxmlconfdata/cpu-host-model-kvm.x86_64-8.0.0.args", NULL, NULL, 0 },
	{ CONF "cpu-host-model-kvm.x86_64-latest.xml", "qemuxmlconfdata/cpu-host-model-kvm.x86_64-latest.xml", NULL, NULL, 0 },
	{ CONF "graphics-sdl.xml", "qemuxmlconfdata/graphics-sdl.xml", NULL, NULL, 0 },
	{ CONF "graphics-sdl.x86_64-latest.args", "qemuxmlconfdata/graphics-sdl.x86_64-latest.args", NULL, NULL, 0 },
	{ CONF "boot-dev+order.xml", "qemuxmlconfdata/boot-dev+order.xml", NULL, NULL, 0 },
	{ CONF "boot-dev+order.x86_64-latest.err", "qemuxmlconfdata/boot-dev+order.x86_64-latest.err", NULL, NULL, 0 },
	{ CONF "launch-security-sev.xml", "qemuxmlconfdata/launch-security-sev.xml", NULL, NULL, 0 },
	{ CONF "launch-security-sev.x86_64-latest+amdsev.args", "qemuxmlconfdata/launch-security-sev.x86_64-latest+amdsev.args", NULL, NULL, 0 },
	{ CONF "aarch64-virt-minimal.xml", "qemuxmlconfdata/aarch64-virt-minimal.xml", NULL, NULL, 0 },
	{ CONF "aarch64-virt-minimal.aarch64-latest.args", "qemuxmlconfdata/aarch64-virt-minimal.aarch64-latest.args", NULL, NULL, 0 },
	/* Links to siblings, as libvirt's tarballs have; a chain too. */
	{ CONF "cpu-host-model-cmt2.xml", NULL, NULL, "cpu-host-model-cmt3.xml", 0 },
	{ CONF "cpu-host-model-cmt3.xml", NULL, NULL, "./cpu-host-model-cmt.xml", 0 },
	{ CONF "cpu-host-model-cmt2.x86_64-latest.args", NULL, NULL, "cpu-host-model-cmt.x86_64-latest.args", 0 },
	/* A link out of the directory, an entry over the limit. */
	{ CONF "escape.xml", NULL, NULL, "../../../etc/passwd", 0 },
	{ CONF "escape.x86_64-latest.err", NULL, "error\n", NULL, 0 },
	{ CONF "big.xml", NULL, NULL, NULL, CORP_IMPORT_ENTRY_MAX + 1 },
	{ CONF "big.x86_64-latest.err", NULL, "error\n", NULL, 0 },
	{ CONF "nogolden.xml", NULL, "<domain/>\n", NULL, 0 },
	{ OLD "blkdeviotune-max.xml", "qemuxml2argvdata/blkdeviotune-max.xml", NULL, NULL, 0 },
	{ OLD "blkdeviotune-max.x86_64-latest.args", "qemuxml2argvdata/blkdeviotune-max.x86_64-latest.args", NULL, NULL, 0 },
	{ OLD "blkdeviotune-max.x86_64-4.1.0.args", "qemuxml2argvdata/blkdeviotune-max.x86_64-4.1.0.args", NULL, NULL, 0 },
	{ OLD "440fx-wrong-root.xml", "qemuxml2argvdata/440fx-wrong-root.xml", NULL, NULL, 0 },
	{ OLD "440fx-wrong-root.err", "qemuxml2argvdata/440fx-wrong-root.err", NULL, NULL, 0 },
};

/* What the import of tree gives: each domain, its file and golden files. */
static const struct {
	const char *name, *file;
	const char *golden; /* "qemu kind file-in-data|..." in (qemu, kind) order */
} domains[] = {
	{ "blkdeviotune-max", "tests/qemuxml2argvdata/blkdeviotune-max.xml",
	  "4.1.0 args qemuxml2argvdata/blkdeviotune-max.x86_64-4.1.0.args|"
	  "latest args qemuxml2argvdata/blkdeviotune-max.x86_64-latest.args" },
	{ "boot-dev+order", "tests/qemuxmlconfdata/boot-dev+order.xml",
	  "latest err qemuxmlconfdata/boot-dev+order.x86_64-latest.err" },
	{ "cpu-host-model-cmt", "tests/qemuxmlconfdata/cpu-host-model-cmt.xml",
	  "latest args qemuxmlconfdata/cpu-host-model-cmt.x86_64-latest.args" },
	{ "cpu-host-model-cmt2", "tests/qemuxmlconfdata/cpu-host-model-cmt2.xml",
	  "latest args qemuxmlconfdata/cpu-host-model-cmt2.x86_64-latest.args" },
	{ "cpu-host-model-kvm", "tests/qemuxmlconfdata/cpu-host-model-kvm.xml",
	  "6.2.0 args qemuxmlconfdata/cpu-host-model-kvm.x86_64-6.2.0.args|"
	  "8.0.0 args qemuxmlconfdata/cpu-host-model-kvm.x86_64-8.0.0.args|"
	  "latest args qemuxmlconfdata/cpu-host-model-kvm.x86_64-latest.args" },
	{ "cpu-host-model-vendor", "tests/qemuxmlconfdata/cpu-host-model-vendor.xml",
	  "latest args qemuxmlconfdata/cpu-host-model-vendor.x86_64-latest.args" },
	{ "graphics-sdl", "tests/qemuxmlconfdata/graphics-sdl.xml",
	  "latest args qemuxmlconfdata/graphics-sdl.x86_64-latest.args" },
};

/* The data file a domain's file or golden file came from (links: their target). */
static char *data_text(const char *tree_file)
{
	struct strbuf p = STRBUF_INIT;
	const char *base = strrchr(tree_file, '/') + 1;
	char *text;

	sb_printf(&p, DATA "%s/", strstr(tree_file, "qemuxml2argvdata")
					  ? "qemuxml2argvdata"
					  : "qemuxmlconfdata");
	if (!strncmp(base, "cpu-host-model-cmt2", 19))
		sb_printf(&p, "cpu-host-model-cmt%s", base + 19);
	else
		sb_puts(&p, base);
	text = tu_read(p.buf);
	strbuf_release(&p);
	return text;
}

/* Everything the corpus tables hold, as one text: "unchanged" checks. */
static char *corpus_dump(struct store *st)
{
	char *a = tu_query1(st, "SELECT group_concat(id || '|' || origin || '|'"
				" || name || '|' || file || '|' || sha256 || '|'"
				" || xml || '|' || imported_at, '#') FROM"
				" (SELECT * FROM corpus_domains ORDER BY id)");
	char *b = tu_query1(st, "SELECT group_concat(domain || '|' || qemu ||"
				" '|' || kind || '|' || file || '|' || text, '#')"
				" FROM (SELECT * FROM corpus_golden ORDER BY"
				" domain, qemu, kind)");
	char *c = tu_query1(st, "SELECT group_concat(corpus || '|' || origin || '|'"
				" || coalesce(latest_qemu, '-'), '#') FROM"
				" (SELECT * FROM corpus_origins ORDER BY corpus, origin)");
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s\n--\n%s\n--\n%s", a ? a : "", b ? b : "", c ? c : "");
	free(a);
	free(b);
	free(c);
	return strbuf_detach(&sb);
}

/* Asserts the store holds tree's domains of origin, as imported. */
static void check_domains(struct store *st, const char *origin)
{
	sqlite3_stmt *q = NULL, *g = NULL;

	assert_int_equal(store_prepare(st, &q,
				       "SELECT id, name, file, sha256, xml,"
				       " imported_at FROM corpus_domains"
				       " WHERE origin = ? ORDER BY name"),
			 0);
	assert_int_equal(store_prepare(st, &g,
				       "SELECT qemu, kind, file, text FROM"
				       " corpus_golden WHERE domain = ?"
				       " ORDER BY qemu, kind"),
			 0);
	store_bind_text(q, 1, origin);
	for (size_t i = 0; i < ARRAY_SIZE(domains); i++) {
		const char *name = domains[i].name;
		char sha[SHA256_HEX_LEN + 1], *xml;
		struct strvec gold = STRVEC_INIT;
		struct strbuf one = STRBUF_INIT;
		size_t n = 0;

		if (sqlite3_step(q) != SQLITE_ROW)
			fail_msg("%s: not in the store", name);
		assert_string_equal(sqlite3_column_text(q, 1), name);
		assert_string_equal(sqlite3_column_text(q, 2), domains[i].file);
		xml = data_text(domains[i].file);
		sha256_hex(xml, strlen(xml), sha);
		if (strcmp((const char *)sqlite3_column_text(q, 4), xml) ||
		    strcmp((const char *)sqlite3_column_text(q, 3), sha))
			fail_msg("%s: xml or sha256 differ from the file", name);
		free(xml);
		assert_int_equal(strlen((const char *)sqlite3_column_text(q, 5)), 20);
		for (const char *p = domains[i].golden; *p;) {
			size_t len = strcspn(p, "|");

			strbuf_reset(&one);
			sb_printf(&one, "%.*s", (int)len, p);
			strvec_push(&gold, one.buf);
			p += len + (p[len] == '|');
		}
		sqlite3_reset(g);
		sqlite3_bind_int64(g, 1, sqlite3_column_int64(q, 0));
		while (sqlite3_step(g) == SQLITE_ROW) {
			struct strvec w = STRVEC_INIT;
			struct strbuf file = STRBUF_INIT;
			char *text;

			if (n == gold.nr)
				fail_msg("%s: more golden files than %zu", name,
					 gold.nr);
			tu_words(gold.v[n++], &w);
			assert_string_equal(sqlite3_column_text(g, 0), w.v[0]);
			assert_string_equal(sqlite3_column_text(g, 1), w.v[1]);
			sb_printf(&file, "tests/%s", w.v[2]);
			text = data_text(file.buf);
			assert_string_equal(sqlite3_column_text(g, 2), file.buf);
			if (strcmp((const char *)sqlite3_column_text(g, 3), text))
				fail_msg("%s: golden %s differs from the file",
					 name, w.v[2]);
			free(text);
			strbuf_release(&file);
			strvec_clear(&w);
		}
		if (n != gold.nr)
			fail_msg("%s: %zu golden files, expected %zu", name, n,
				 gold.nr);
		strvec_clear(&gold);
		strbuf_release(&one);
	}
	if (sqlite3_step(q) == SQLITE_ROW)
		fail_msg("an unexpected domain '%s'", sqlite3_column_text(q, 1));
	sqlite3_finalize(q);
	sqlite3_finalize(g);
}

static void check_stats(const char *what, const struct corp_import_stats *s,
			int added, int changed)
{
	if (s->domains != 7 || s->added != added || s->changed != changed ||
	    s->golden != 10 || s->skipped != 5 || s->untold != 3 ||
	    s->toolarge != 1)
		fail_msg("%s: domains %d added %d changed %d golden %d skipped "
			 "%d untold %d toolarge %d",
			 what, s->domains, s->added, s->changed, s->golden,
			 s->skipped, s->untold, s->toolarge);
}

static void test_import(void **state)
{
	struct store st;
	struct corp_import_stats s;
	char *dir, *tar, *msg, *ids, *again;

	(void)state;
	tu_store_tmp("corpimp", &dir, &st);
	tar = tu_path(dir, "libvirt-11.3.0.tar.xz");
	pack(tar, tree, ARRAY_SIZE(tree));
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar, "11.3.0", &s), 0);
	msg = tu_capture_end();
	check_stats("first import", &s, 7, 0);
	check_domains(&st, "11.3.0");
	assert_contains(msg, "entry '" CONF "big.xml' is larger than 1048576 bytes: left out",
			"oversized");
	assert_contains(msg, "entry '" CONF "escape.xml' links outside its directory",
			"link out");
	assert_contains(msg, "libvirt-11.3.0.tar.xz", "names the tarball");
	free(msg);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_domains"
					   " WHERE corpus = 'libvirt'"),
			 7);
	/* No capabilities in tree: "latest" is not known. */
	assert_string_equal(s.latest_qemu, "");
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_origins WHERE"
					   " corpus = 'libvirt' AND origin = '11.3.0'"
					   " AND latest_qemu IS NULL"),
			 1);

	/* Again: the same rows, the same ids, nothing added. */
	ids = corpus_dump(&st);
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar, "11.3.0", &s), 0);
	free(tu_capture_end());
	check_stats("again", &s, 0, 0);
	again = corpus_dump(&st);
	assert_string_equal(ids, again);
	free(again);
	free(ids);

	/* Another origin is other domains. */
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar, "11.2.0", &s), 0);
	free(tu_capture_end());
	check_stats("another origin", &s, 7, 0);
	check_domains(&st, "11.2.0");
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_domains"), 14);
	free(tar);
	tu_store_tmp_release(dir, &st);
}

/* Changed content: replaced in place, runs still refer to it. */
static void test_reimport_changed(void **state)
{
	struct entry changed[ARRAY_SIZE(tree)];
	struct store st;
	struct corp_import_stats s;
	char *dir, *tar, *tar2, *before, *after;
	long long cmt, sdl, vendor;

	(void)state;
	tu_store_tmp("corpimp", &dir, &st);
	tar = tu_path(dir, "a.tar.xz");
	tar2 = tu_path(dir, "b.tar.xz");
	pack(tar, tree, ARRAY_SIZE(tree));
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar, "11.3.0", &s), 0);
	free(tu_capture_end());
	cmt = tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'cpu-host-model-cmt'");
	sdl = tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'graphics-sdl'");
	vendor = tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'cpu-host-model-vendor'");
	tu_exec(&st, "INSERT INTO corpus_runs (domain, libvirt, qemu, outcome,"
		     " started_at) SELECT id, '11.3.0', '10.0.2', 'started',"
		     " '2026-01-01T00:00:00Z' FROM corpus_domains WHERE name ="
		     " 'cpu-host-model-cmt'");
	before = tu_query1(&st, "SELECT xml || imported_at FROM corpus_domains"
				" WHERE name = 'cpu-host-model-vendor'");

	/* The cmt input and the graphics-sdl golden file differ. */
	memcpy(changed, tree, sizeof(tree));
	for (size_t i = 0; i < ARRAY_SIZE(changed); i++) {
		if (!strcmp(changed[i].name, CONF "cpu-host-model-cmt.xml"))
			changed[i] = (struct entry){ changed[i].name, NULL,
						     "<domain type='qemu'/>\n", NULL, 0 };
		if (!strcmp(changed[i].name, CONF "graphics-sdl.x86_64-latest.args"))
			changed[i] = (struct entry){ changed[i].name, NULL,
						     "/usr/bin/qemu-system-x86_64 \\\n-S\n",
						     NULL, 0 };
	}
	pack(tar2, changed, ARRAY_SIZE(changed));
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar2, "11.3.0", &s), 0);
	free(tu_capture_end());
	/* cmt2 links to the cmt input: it changed too. */
	if (s.domains != 7 || s.added != 0 || s.changed != 3 || s.golden != 10)
		fail_msg("changed: domains %d added %d changed %d golden %d",
			 s.domains, s.added, s.changed, s.golden);
	assert_int_equal(tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'cpu-host-model-cmt'"), cmt);
	assert_int_equal(tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'graphics-sdl'"), sdl);
	assert_int_equal(tu_query_int(&st, "SELECT id FROM corpus_domains WHERE name = 'cpu-host-model-vendor'"), vendor);
	after = tu_query1(&st, "SELECT xml FROM corpus_domains WHERE name = 'cpu-host-model-cmt'");
	assert_string_equal(after, "<domain type='qemu'/>\n");
	free(after);
	after = tu_query1(&st, "SELECT text FROM corpus_golden g JOIN corpus_domains d"
			       " ON d.id = g.domain WHERE d.name = 'graphics-sdl'");
	assert_string_equal(after, "/usr/bin/qemu-system-x86_64 \\\n-S\n");
	free(after);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_golden g"
					   " JOIN corpus_domains d ON d.id = g.domain"
					   " WHERE d.name = 'graphics-sdl'"),
			 1);
	/* The unchanged one is untouched, imported_at included. */
	after = tu_query1(&st, "SELECT xml || imported_at FROM corpus_domains"
			       " WHERE name = 'cpu-host-model-vendor'");
	assert_string_equal(before, after);
	free(after);
	free(before);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_runs r JOIN"
					   " corpus_domains d ON d.id = r.domain"
					   " WHERE d.name = 'cpu-host-model-cmt'"),
			 1);
	free(tar);
	free(tar2);
	tu_store_tmp_release(dir, &st);
}

/* Tarballs the import refuses; the store is left as it was. */
static const struct entry twice[] = {
	{ CONF "a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ CONF "a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
	{ CONF "a.x86_64-latest.err", NULL, "f\n", NULL, 0 },
};
static const struct entry both_dirs[] = {
	{ CONF "a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ CONF "a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
	{ OLD "a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ OLD "a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
};
static const struct entry no_data[] = {
	{ "qemu-9.0.0/README", NULL, "qemu\n", NULL, 0 },
};

static const struct {
	const char *name;
	const struct entry *e;
	size_t n;
	int cut;	      /* 1: keep the first half of the tarball */
	const char *message;
} refused[] = {
	{ "truncated", tree, ARRAY_SIZE(tree), 1, "cannot read '" },
	{ "not an archive", NULL, 0, 0, "cannot read '" },
	{ "an entry twice", twice, ARRAY_SIZE(twice), 0,
	  "entries '" CONF "a.x86_64-latest.err' and '" CONF
	  "a.x86_64-latest.err' are the same file" },
	{ "both directories", both_dirs, ARRAY_SIZE(both_dirs), 0,
	  "domain 'a' is both '" CONF "a.xml' and '" OLD "a.xml'" },
	{ "no test data", no_data, ARRAY_SIZE(no_data), 0,
	  "has no tests/qemuxmlconfdata/ or tests/qemuxml2argvdata/: not a "
	  "libvirt source tarball" },
};

static void test_refused(void **state)
{
	struct store st;
	struct corp_import_stats s;
	char *dir, *good, *before;

	(void)state;
	tu_store_tmp("corpimp", &dir, &st);
	good = tu_path(dir, "good.tar.xz");
	pack(good, tree, ARRAY_SIZE(tree));
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, good, "11.3.0", &s), 0);
	free(tu_capture_end());
	before = corpus_dump(&st);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		char *tar = tu_path(dir, "bad.tar.xz"), *msg, *after;

		if (refused[i].e) {
			pack(tar, refused[i].e, refused[i].n);
		} else {
			tu_write(dir, "bad.tar.xz", "this is no archive\n");
		}
		if (refused[i].cut) {
			struct stat sb;

			assert_int_equal(stat(tar, &sb), 0);
			assert_int_equal(truncate(tar, sb.st_size / 2), 0);
		}
		tu_capture_begin();
		if (corp_import_tarball(&st, tar, "11.3.0", &s) != -1)
			fail_msg("%s: accepted", refused[i].name);
		msg = tu_capture_end();
		assert_contains(msg, refused[i].message, refused[i].name);
		assert_contains(msg, "bad.tar.xz", refused[i].name);
		after = corpus_dump(&st);
		if (strcmp(before, after))
			fail_msg("%s: the store changed", refused[i].name);
		free(after);
		free(msg);
		free(tar);
	}
	free(before);
	free(good);
	tu_store_tmp_release(dir, &st);
}

/* A store error half-way: rolled back, named. */
static void test_store_error_rolls_back(void **state)
{
	struct store st;
	struct corp_import_stats s;
	char *dir, *tar, *msg;

	(void)state;
	tu_store_tmp("corpimp", &dir, &st);
	tar = tu_path(dir, "t.tar.xz");
	pack(tar, tree, ARRAY_SIZE(tree));
	tu_exec(&st, "CREATE TRIGGER no_8 BEFORE INSERT ON corpus_golden"
		     " WHEN NEW.qemu = '8.0.0' BEGIN"
		     " SELECT RAISE(ABORT, 'the test says no'); END");
	tu_capture_begin();
	assert_int_equal(corp_import_tarball(&st, tar, "11.3.0", &s), -1);
	msg = tu_capture_end();
	assert_contains(msg, "cannot import '", "store error");
	assert_contains(msg, "cpu-host-model-kvm.x86_64-8.0.0.args': the test says no",
			"store error");
	free(msg);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_domains"), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_golden"), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_origins"), 0);
	free(tar);
	tu_store_tmp_release(dir, &st);
}

/*
 * The capabilities files of libvirt's tests, of one release or another
 * layout: the newest x86_64 one, variants and other architectures aside,
 * is the QEMU version "latest" is.
 */
#define CAPS "libvirt-11.3.0/tests/qemucapabilitiesdata/"
#define CAPS7 "libvirt-7.0.0/tests/qemucapabilitiesdata/"
#define CAPS_XML "<qemuCaps/>\n", NULL, 0

static const struct entry caps_new[] = {
	{ CONF "a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ CONF "a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
	{ CAPS "caps_9.1.0_x86_64.xml", NULL, CAPS_XML },
	{ CAPS "caps_10.0.0_x86_64.xml", NULL, CAPS_XML },
	{ CAPS "caps_9.2.0_x86_64.xml", NULL, CAPS_XML },
	{ CAPS "caps_5.2.0.x86_64.xml", NULL, CAPS_XML },
	/* Newer, but not x86_64's "latest". */
	{ CAPS "caps_10.1.0_x86_64+inteltdx.xml", NULL, CAPS_XML },
	{ CAPS "caps_10.0.0_x86_64+amdsev.xml", NULL, CAPS_XML },
	{ CAPS "caps_10.2.0_aarch64.xml", NULL, CAPS_XML },
	{ CAPS "caps_10.2.0_x86_64.replies", NULL, CAPS_XML },
	{ CAPS "caps_10.2.0_x86_64.xml.orig", NULL, CAPS_XML },
	{ CAPS "caps_10.2.0_x86_64", NULL, CAPS_XML },
	{ CAPS "caps_latest_x86_64.xml", NULL, CAPS_XML },
	{ CAPS "sub/caps_11.0.0_x86_64.xml", NULL, CAPS_XML },
	{ "libvirt-11.3.0/tests/domaincapsdata/caps_11.0.0_x86_64.xml", NULL, CAPS_XML },
	{ "libvirt-11.3.0/caps_11.0.0_x86_64.xml", NULL, CAPS_XML },
};
static const struct entry caps_old[] = {
	{ "libvirt-7.0.0/tests/qemuxml2argvdata/a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ "libvirt-7.0.0/tests/qemuxml2argvdata/a.x86_64-latest.args", NULL, "/q -S\n", NULL, 0 },
	{ CAPS7 "caps_5.2.0.x86_64.xml", NULL, CAPS_XML },
	{ CAPS7 "caps_5.1.0.x86_64.xml", NULL, CAPS_XML },
	{ CAPS7 "caps_5.10.0.aarch64.xml", NULL, CAPS_XML },
	{ CAPS7 "caps_5.2.0.x86_64.replies", NULL, CAPS_XML },
	{ CAPS7 "caps_4.2.0.x86_64.xml", NULL, CAPS_XML },
};
/* No top-level directory; numbers compare as numbers. */
static const struct entry caps_flat[] = {
	{ "tests/qemucapabilitiesdata/caps_8.0.0_x86_64.xml", NULL, CAPS_XML },
	{ "./tests/qemucapabilitiesdata/caps_8.10.0_x86_64.xml", NULL, CAPS_XML },
	{ "tests/qemucapabilitiesdata/caps_8.9.0_x86_64.xml", NULL, CAPS_XML },
	{ "tests/qemuxmlconfdata/a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ "tests/qemuxmlconfdata/a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
};
static const struct entry caps_none[] = {
	{ CONF "a.xml", NULL, "<domain/>\n", NULL, 0 },
	{ CONF "a.x86_64-latest.err", NULL, "e\n", NULL, 0 },
	{ CAPS "caps_10.0.0_aarch64.xml", NULL, CAPS_XML },
	{ CAPS "caps_10.0.0_x86_64+amdsev.xml", NULL, CAPS_XML },
};

static const struct {
	const char *name;
	const struct entry *e;
	size_t n;
	const char *origin;
	const char *want; /* NULL: not known */
} latest_cases[] = {
	{ "11.3.0 layout", caps_new, ARRAY_SIZE(caps_new), "11.3.0", "10.0.0" },
	{ "7.0.0 layout", caps_old, ARRAY_SIZE(caps_old), "7.0.0", "5.2.0" },
	{ "no top directory", caps_flat, ARRAY_SIZE(caps_flat), "9.0.0", "8.10.0" },
	{ "none of x86_64", caps_none, ARRAY_SIZE(caps_none), "11.2.0", NULL },
	/* Imported again: replaced, either way. */
	{ "again without", caps_none, ARRAY_SIZE(caps_none), "11.3.0", NULL },
	{ "again with", caps_new, ARRAY_SIZE(caps_new), "11.3.0", "10.0.0" },
};

static void test_latest_qemu(void **state)
{
	struct store st;
	struct corp_import_stats s;
	char *dir, *tar;

	(void)state;
	tu_store_tmp("corpimp", &dir, &st);
	tar = tu_path(dir, "caps.tar.xz");
	for (size_t i = 0; i < ARRAY_SIZE(latest_cases); i++) {
		struct strbuf sql = STRBUF_INIT;
		char *got;

		pack(tar, latest_cases[i].e, latest_cases[i].n);
		tu_capture_begin();
		if (corp_import_tarball(&st, tar, latest_cases[i].origin, &s))
			fail_msg("%s: not imported", latest_cases[i].name);
		free(tu_capture_end());
		if (s.domains != 1)
			fail_msg("%s: %d domains", latest_cases[i].name, s.domains);
		if (strcmp(s.latest_qemu, latest_cases[i].want ? latest_cases[i].want : ""))
			fail_msg("%s: stats say '%s'", latest_cases[i].name, s.latest_qemu);
		sb_printf(&sql, "SELECT coalesce(latest_qemu, 'NULL') FROM corpus_origins"
				" WHERE corpus = 'libvirt' AND origin = '%s'",
			  latest_cases[i].origin);
		got = tu_query1(&st, sql.buf);
		if (!got || strcmp(got, latest_cases[i].want ? latest_cases[i].want : "NULL"))
			fail_msg("%s: the store says '%s'", latest_cases[i].name,
				 got ? got : "(no row)");
		free(got);
		strbuf_release(&sql);
	}
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_origins"), 4);
	free(tar);
	tu_store_tmp_release(dir, &st);
}

/* Golden .args files of tests/data as argv: their length and some words. */
static const struct {
	const char *file;
	int argc;
	int index;	/* of a word to check; negative: from the end */
	const char *word;
} arg_files[] = {
	{ "qemuxmlconfdata/cpu-host-model-cmt.x86_64-latest.args", 45, 0,
	  "/usr/bin/qemu-system-x86_64" },
	{ "qemuxmlconfdata/cpu-host-model-cmt.x86_64-latest.args", 45, 5,
	  "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
	  "\"file\":\"/var/lib/libvirt/qemu/domain--1-QEMUGuest1/master-key.aes\"}" },
	{ "qemuxmlconfdata/cpu-host-model-vendor.x86_64-latest.args", 45, 11,
	  "Haswell,vendor=Libvirt QEMU,vme=on,ds=on,acpi=on,ss=on,ht=on,tm=on,"
	  "pbe=on,dtes64=on,monitor=on,ds-cpl=on,vmx=on,smx=on,est=on,tm2=on,"
	  "xtpr=on,pdcm=on,f16c=on,rdrand=on,pdpe1gb=on,abm=on,lahf-lm=on" },
	{ "qemuxmlconfdata/cpu-host-model-kvm.x86_64-latest.args", 55, -1,
	  "timestamp=on" },
	{ "qemuxmlconfdata/cpu-host-model-kvm.x86_64-6.2.0.args", 56, 0,
	  "/usr/bin/qemu-system-x86_64" },
	{ "qemuxmlconfdata/cpu-host-model-kvm.x86_64-8.0.0.args", 55, -2,
	  "-msg" },
	{ "qemuxmlconfdata/graphics-sdl.x86_64-latest.args", 47, 0,
	  "/usr/bin/qemu-system-x86_64" },
	{ "qemuxmlconfdata/launch-security-sev.x86_64-latest+amdsev.args", 49,
	  0, "/usr/bin/qemu-system-x86_64" },
	{ "qemuxmlconfdata/aarch64-virt-minimal.aarch64-latest.args", 41, 0,
	  "/usr/bin/qemu-system-aarch64" },
	{ "qemuxml2argvdata/blkdeviotune-max.x86_64-latest.args", 54, 5,
	  "secret,id=masterKey0,format=raw,"
	  "file=/tmp/lib/domain--1-QEMUGuest1/master-key.aes" },
	{ "qemuxml2argvdata/blkdeviotune-max.x86_64-latest.args", 54, 37,
	  "{\"driver\":\"host_device\",\"filename\":\"/dev/HostVG/QEMUGuest1\","
	  "\"node-name\":\"libvirt-2-storage\",\"cache\":{\"direct\":true,"
	  "\"no-flush\":false},\"auto-read-only\":true,\"discard\":\"unmap\"}" },
	{ "qemuxml2argvdata/blkdeviotune-max.x86_64-4.1.0.args", 48, 0,
	  "/usr/bin/qemu-system-i386" },
};

static void test_argv_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(arg_files); i++) {
		struct strbuf why = STRBUF_INIT;
		char *p = tu_path(DATA, arg_files[i].file), *text = tu_read(p);
		char *json = corp_golden_argv_json(text, strlen(text), &why);
		json_object *a;
		int n, at;

		if (!json)
			fail_msg("%s: %s", arg_files[i].file, why.buf);
		a = json_tokener_parse(json);
		if (!a || !json_object_is_type(a, json_type_array))
			fail_msg("%s: not a JSON array: %s", arg_files[i].file,
				 json);
		n = (int)json_object_array_length(a);
		if (n != arg_files[i].argc)
			fail_msg("%s: %d words, expected %d", arg_files[i].file,
				 n, arg_files[i].argc);
		at = arg_files[i].index < 0 ? n + arg_files[i].index
					    : arg_files[i].index;
		if (strcmp(json_object_get_string(json_object_array_get_idx(a, (size_t)at)),
			   arg_files[i].word))
			fail_msg("%s: word %d is '%s', expected '%s'",
				 arg_files[i].file, at,
				 json_object_get_string(json_object_array_get_idx(a, (size_t)at)),
				 arg_files[i].word);
		for (int k = 0; k < n; k++) {
			const char *w = json_object_get_string(
				json_object_array_get_idx(a, (size_t)k));

			if (!strncmp(w, "LC_ALL=", 7) || !strncmp(w, "PATH=", 5))
				fail_msg("%s: the environment is in it",
					 arg_files[i].file);
		}
		json_object_put(a);
		free(json);
		free(text);
		free(p);
		strbuf_release(&why);
	}
}

static const struct {
	const char *name;
	const char *text;
	const char *json; /* NULL: refused */
	const char *why;
} argv_cases[] = {
	{ "one per line", "/usr/bin/qemu \\\n-S \\\n-m 64\n",
	  "[\"/usr/bin/qemu\",\"-S\",\"-m\",\"64\"]", NULL },
	{ "environment left out",
	  "LC_ALL=C \\\nPATH=/bin \\\nHOME=/var/lib/libvirt/qemu/x \\\n"
	  "/usr/bin/qemu-system-x86_64 \\\n-S\n",
	  "[\"/usr/bin/qemu-system-x86_64\",\"-S\"]", NULL },
	{ "quoted value of a variable", "DISPLAY=':0 1' \\\n/q -S\n",
	  "[\"/q\",\"-S\"]", NULL },
	{ "quoted name is no variable", "'A=b' /q\n", "[\"A=b\",\"/q\"]", NULL },
	{ "escaped name is no variable", "A\\=b /q\n", "[\"A=b\",\"/q\"]", NULL },
	{ "digit first is no variable", "1A=b /q\n", "[\"1A=b\",\"/q\"]", NULL },
	{ "variable after the binary kept", "/q A=b\n", "[\"/q\",\"A=b\"]", NULL },
	{ "quoted space", "/q \\\n-cpu 'Haswell,vendor=Libvirt QEMU' \\\n-x\n",
	  "[\"/q\",\"-cpu\",\"Haswell,vendor=Libvirt QEMU\",\"-x\"]", NULL },
	{ "escaped single quote", "/q -name 'it'\\''s'\n",
	  "[\"/q\",\"-name\",\"it's\"]", NULL },
	{ "only an escaped quote", "/q \\'\n", "[\"/q\",\"'\"]", NULL },
	{ "empty word", "/q '' -S\n", "[\"/q\",\"\",\"-S\"]", NULL },
	{ "wrapped inside quotes", "/q '{\"a\":1,\\\n\"b\":\"c\\\\d\"}'\n",
	  "[\"/q\",\"{\\\"a\\\":1,\\\"b\\\":\\\"c\\\\\\\\d\\\"}\"]", NULL },
	{ "wrapped outside quotes", "/q -drive file=a,\\\nformat=raw\n",
	  "[\"/q\",\"-drive\",\"file=a,format=raw\"]", NULL },
	{ "backslash outside quotes", "/q a\\ b\n", "[\"/q\",\"a b\"]", NULL },
	{ "backslash inside quotes", "/q 'a\\;b'\n", "[\"/q\",\"a\\\\;b\"]", NULL },
	{ "newline inside quotes", "/q 'a\nb'\n", "[\"/q\",\"a\\nb\"]", NULL },
	{ "no final newline", "/q -S", "[\"/q\",\"-S\"]", NULL },
	{ "blank lines around", "\n\n/q -S\n\n", "[\"/q\",\"-S\"]", NULL },
	{ "tabs", "/q\t-S\n", "[\"/q\",\"-S\"]", NULL },
	{ "slashes not escaped", "/usr/bin/q\n", "[\"/usr/bin/q\"]", NULL },
	{ "unterminated quote", "/q \\\n-name 'guest \\\n-S\n", NULL,
	  "line 2: a single quote that is not closed" },
	{ "nothing but variables", "LC_ALL=C \\\nPATH=/bin\n", NULL,
	  "nothing but environment variables" },
	{ "empty", "", NULL, "no command" },
	{ "only blanks", " \n\t\n", NULL, "no command" },
	{ "unquoted dollar", "/q $HOME\n", NULL,
	  "line 1: '$' outside quotes (libvirt quotes it)" },
	{ "unquoted double quote", "/q \\\n\"a b\"\n", NULL,
	  "line 2: '\"' outside quotes" },
	{ "unquoted semicolon", "/q a;b\n", NULL, "line 1: ';' outside quotes" },
	{ "a second command", "/q -S\n/r -m 1\n", NULL,
	  "line 2: a second command (the first ended on line 1)" },
	{ "a variable line, then a command", "A=b\n/q\n", NULL,
	  "line 2: a second command" },
	{ "backslash at the end", "/q \\", NULL,
	  "line 1: a backslash at the end of the text" },
	{ "carriage return", "/q -S\r\n", NULL,
	  "line 1: a carriage return outside quotes" },
};

static void test_argv_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(argv_cases); i++) {
		struct strbuf why = STRBUF_INIT;
		const char *t = argv_cases[i].text;
		char *json = corp_golden_argv_json(t, strlen(t), &why);

		if (argv_cases[i].json) {
			if (!json)
				fail_msg("%s: refused: %s", argv_cases[i].name,
					 why.buf);
			if (strcmp(json, argv_cases[i].json))
				fail_msg("%s: got %s, expected %s",
					 argv_cases[i].name, json,
					 argv_cases[i].json);
		} else {
			if (json)
				fail_msg("%s: accepted as %s", argv_cases[i].name,
					 json);
			assert_contains(why.buf, argv_cases[i].why,
					argv_cases[i].name);
		}
		free(json);
		strbuf_release(&why);
	}
}

/* A NUL byte is refused, not read past. */
static void test_argv_nul(void **state)
{
	static const char text[] = "/q -S\0-m 64\n";
	struct strbuf why = STRBUF_INIT;

	(void)state;
	assert_null(corp_golden_argv_json(text, sizeof(text) - 1, &why));
	assert_contains(why.buf, "line 1: a NUL byte", "nul");
	strbuf_release(&why);
}

static const struct {
	const char *name;
	const char *versions; /* space-separated */
	const char *qemu;
	const char *latest;   /* the version "latest" is; NULL: not known */
	const char *want;     /* NULL: none */
} nearest_cases[] = {
	{ "between", "latest 7.2.0 8.0.0", "7.2.22-system", NULL, "7.2.0" },
	{ "exactly one", "latest 7.2.0 8.0.0", "8.0.0", NULL, "8.0.0" },
	{ "newer than all", "latest 7.2.0 8.0.0", "10.0.2", NULL, "latest" },
	{ "newer, no latest", "6.2.0 8.0.0", "10.0.2", NULL, "8.0.0" },
	{ "older than all", "latest 8.0.0 7.2.0", "6.0.0", NULL, "7.2.0" },
	{ "only latest", "latest", "5.2.0", NULL, "latest" },
	{ "numbers, not text", "6.2.0 7.10.0 7.9.0", "7.10.1", NULL, "7.10.0" },
	{ "rc before its release", "latest 7.2.0 8.0.0", "8.0.0-rc1", NULL, "7.2.0" },
	{ "not a version", "latest 6.2.0", "git-abc", NULL, "latest" },
	{ "not a version, no latest", "6.2.0 7.0.0", "git-abc", NULL, "7.0.0" },
	{ "junk ignored", "bogus latest 7.0.0", "6.0.0", NULL, "7.0.0" },
	{ "only junk", "bogus", "7.0.0", NULL, NULL },
	{ "none", "", "7.0.0", NULL, NULL },
	/* "latest" known: chosen as that version would be. */
	{ "latest of the release", "9.1.0 latest", "10.0.2", "10.0.0", "latest" },
	{ "latest exactly", "latest 9.1.0", "10.0.0", "10.0.0", "latest" },
	{ "newer than latest", "latest 9.1.0", "11.0.0", "10.0.0", "latest" },
	{ "below latest", "latest 9.1.0", "9.2.0", "10.0.0", "9.1.0" },
	{ "below latest, unknown", "latest 9.1.0", "9.2.0", NULL, "latest" },
	{ "older than all, latest known", "latest 9.1.0", "8.0.0", "10.0.0", "9.1.0" },
	{ "older than latest alone", "latest", "5.2.0", "10.0.0", "latest" },
	{ "X.Y.Z of latest's version first", "latest 10.0.0 9.1.0", "10.0.2", "10.0.0",
	  "10.0.0" },
	{ "... in any order", "10.0.0 latest", "10.0.2", "10.0.0", "10.0.0" },
	{ "not a version, latest known", "latest 9.1.0", "git-abc", "10.0.0", "latest" },
	{ "latest no version: not known", "latest 9.1.0", "9.2.0", "bogus", "latest" },
	{ "latest known, none given", "9.1.0 8.0.0", "9.2.0", "10.0.0", "9.1.0" },
};

static void test_nearest(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nearest_cases); i++) {
		struct strvec v = STRVEC_INIT;
		const char *got;

		tu_words(nearest_cases[i].versions, &v);
		got = corp_golden_nearest(v.v, v.nr, nearest_cases[i].qemu,
					  nearest_cases[i].latest);
		if (nearest_cases[i].want ? !got || strcmp(got, nearest_cases[i].want)
					  : got != NULL)
			fail_msg("%s: got %s, expected %s", nearest_cases[i].name,
				 got ? got : "NULL",
				 nearest_cases[i].want ? nearest_cases[i].want : "NULL");
		/* Borrowed: a pointer into versions. */
		if (got) {
			size_t k = 0;

			while (k < v.nr && v.v[k] != got)
				k++;
			assert_true(k < v.nr);
		}
		strvec_clear(&v);
	}
}

/* An install row of libvirt version. */
static void put_install(struct store *st, const char *version,
			const char *kind, const char *url, const char *sha,
			const char *flavour)
{
	struct install in = { 0 };

	in.app = "libvirt";
	in.version = (char *)version;
	in.kind = (char *)kind;
	in.prefix = "/opt/libvirt/x";
	in.binary_path = "/opt/libvirt/x/sbin/virtqemud";
	in.source_url = (char *)url;
	in.source_sha256 = (char *)sha;
	in.source_flavour = (char *)flavour;
	in.status = "installed";
	in.installed_at = "2026-01-01T00:00:00Z";
	assert_int_equal(installs_put(st, &in), 0);
}

static const struct {
	const char *name;
	const char *want;
	int cached;	     /* found in the cache */
	const char *path;    /* else found here, under the test's directory */
	const char *version;
	const char *message; /* when it fails */
} find_cases[] = {
	{ "in the cache", "9.0.0", 1, NULL, "9.0.0", NULL },
	{ "a --source file", "8.0.0", 0, "src/libvirt-8.0.0.tar.xz", "8.0.0",
	  NULL },
	{ "newest built", NULL, 0, NULL, NULL,
	  "the source of libvirt 11.0.0 (sha256 "
	  "1111111111111111111111111111111111111111111111111111111111111111) "
	  "is no longer in ark's cache '" },
	{ "debian flavour", "11.0.0", 0, NULL, NULL,
	  "fetch it again: virt-matrix ark fetch --from debian libvirt 11.0.0" },
	{ "imported", "9.0.0-system", 0, NULL, NULL,
	  "libvirt 9.0.0-system in '" },
	{ "not installed", "7.0.0", 0, NULL, NULL,
	  "no libvirt 7.0.0 in '" },
	{ "changed in the cache", "10.0.0", 0, NULL, NULL,
	  "is not the source libvirt 10.0.0 was built from" },
	{ "no source recorded", "6.0.0", 0, NULL, NULL,
	  "ark recorded no source tarball for libvirt 6.0.0" },
	{ "source file gone", "5.0.0", 0, NULL, NULL,
	  "virt-matrix ark build --force --source FILE libvirt 5.0.0" },
};

static void test_find_tarball(void **state)
{
	struct store st, empty;
	char *dir, *edir, sha[SHA256_HEX_LEN + 1], srcsha[SHA256_HEX_LEN + 1];
	struct strbuf p = STRBUF_INIT, url = STRBUF_INIT, got = STRBUF_INIT;
	struct strbuf ver = STRBUF_INIT;
	char *msg;

	(void)state;
	tu_store_tmp("corpfind", &dir, &st);
	setenv("VIRT_MATRIX_CACHE", dir, 1);
	sha256_hex("tarball 9\n", 10, sha);
	sb_printf(&p, "downloads/%s/libvirt_9.0.0.orig.tar.xz", sha);
	tu_write(dir, p.buf, "tarball 9\n");
	put_install(&st, "9.0.0", "built",
		    "https://download.libvirt.org/libvirt-9.0.0.tar.xz", sha,
		    "upstream");
	/* 10.0.0: its cached file is not what was built. */
	strbuf_reset(&p);
	sb_printf(&p, "downloads/%s/libvirt_10.0.0.orig.tar.xz",
		  "2222222222222222222222222222222222222222222222222222222222222222");
	tu_write(dir, p.buf, "something else\n");
	put_install(&st, "10.0.0", "built", "https://x/libvirt-10.0.0.tar.xz",
		    "2222222222222222222222222222222222222222222222222222222222222222",
		    "upstream");
	put_install(&st, "11.0.0", "built", "debian:libvirt=11.0.0-1",
		    "1111111111111111111111111111111111111111111111111111111111111111",
		    "debian");
	put_install(&st, "9.0.0-system", "imported",
		    "debian:libvirt-daemon=9.0.0-4", NULL, "debian");
	tu_write(dir, "src/libvirt-8.0.0.tar.xz", "tarball 8\n");
	sha256_hex("tarball 8\n", 10, srcsha);
	sb_printf(&url, "file://%s/src/libvirt-8.0.0.tar.xz", dir);
	put_install(&st, "8.0.0", "built", url.buf, srcsha, "upstream");
	put_install(&st, "6.0.0", "built", NULL, NULL, NULL);
	strbuf_reset(&url);
	sb_printf(&url, "file://%s/src/gone.tar.xz", dir);
	put_install(&st, "5.0.0", "built", url.buf,
		    "3333333333333333333333333333333333333333333333333333333333333333",
		    "upstream");

	for (size_t i = 0; i < ARRAY_SIZE(find_cases); i++) {
		int r;

		strbuf_reset(&got);
		strbuf_reset(&ver);
		tu_capture_begin();
		r = corp_import_find_tarball(&st, find_cases[i].want, &got, &ver);
		msg = tu_capture_end();
		if (find_cases[i].message) {
			if (r != -1)
				fail_msg("%s: found '%s'", find_cases[i].name,
					 got.buf);
			assert_contains(msg, find_cases[i].message,
					find_cases[i].name);
		} else {
			struct strbuf want = STRBUF_INIT;

			if (r)
				fail_msg("%s: %s", find_cases[i].name, msg);
			if (find_cases[i].cached)
				sb_printf(&want, "%s/downloads/%s/libvirt_9.0.0"
						 ".orig.tar.xz",
					  dir, sha);
			else
				sb_printf(&want, "%s/%s", dir, find_cases[i].path);
			assert_string_equal(got.buf, want.buf);
			assert_string_equal(ver.buf, find_cases[i].version);
			strbuf_release(&want);
		}
		free(msg);
	}

	/* A store with no ark-built libvirt at all. */
	tu_store_tmp("corpfind", &edir, &empty);
	put_install(&empty, "9.0.0-system", "imported", "debian:x", NULL, "debian");
	tu_capture_begin();
	assert_int_equal(corp_import_find_tarball(&empty, NULL, &got, &ver), -1);
	msg = tu_capture_end();
	assert_contains(msg, "no ark-built libvirt in '", "empty");
	assert_contains(msg, "build one: virt-matrix ark build libvirt VERSION",
			"empty");
	free(msg);
	tu_store_tmp_release(edir, &empty);

	unsetenv("VIRT_MATRIX_CACHE");
	strbuf_release(&p);
	strbuf_release(&url);
	strbuf_release(&got);
	strbuf_release(&ver);
	tu_store_tmp_release(dir, &st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_reimport_changed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_store_error_rolls_back),
		cmocka_unit_test(test_latest_qemu),
		cmocka_unit_test(test_argv_files),
		cmocka_unit_test(test_argv_cases),
		cmocka_unit_test(test_argv_nul),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_find_tarball),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
