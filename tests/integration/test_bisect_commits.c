/*
 * virt-matrix bisect over commits, for real but small: a loopback HTTP
 * server (tests/helpers/vm-httpd) serves source snapshots at
 * /archive/<commit>/qemu-<commit>.tar.gz, as git forges do; the bisect
 * fetches them through the URL template, ark builds each one it tests
 * (with a test recipe: the snapshots are a small C program, not QEMU's
 * tree, so that a build takes a second instead of minutes), and `run`
 * boots the vm-q35 scenario with the result. The program starts
 * Debian's real QEMU with the arguments it got, except that from commit
 * c5 on it turns `-smp N` into `-smp 1`: the guest sees one CPU where
 * the scenario expects two, a regression the bisect must pin on c5.
 * Commit c3's snapshot is missing (404): it cannot be judged and is
 * skipped. A real QEMU source tree per commit works the same way and is
 * shown in the README (a patched Debian QEMU 7.2 snapshot).
 */
#include <archive.h>
#include <archive_entry.h>
#include <signal.h>
#include <time.h>

#include "teststore.h"

static char *dir, *db, *vm, *www;
static struct command httpd;
static int port;

static const char *const commits[] = {
	"c0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0",
	"c1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1",
	"c2ccccccccccccccccccccccccccccccccccccc2",
	"c3ddddddddddddddddddddddddddddddddddddd3",
	"c4eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee4",
	"c5fffffffffffffffffffffffffffffffffffff5",
	"c600000000000000000000000000000000000006",
};

static const char configure_sh[] =
	"#!/bin/sh\n"
	"prefix=/usr/local\n"
	"for a in \"$@\"; do case \"$a\" in --prefix=*) prefix=${a#--prefix=};; esac; done\n"
	"srcdir=$(dirname \"$0\")\n"
	"sed -e \"s|@prefix@|$prefix|g\" -e \"s|@srcdir@|$srcdir|g\" \"$srcdir/Makefile.in\" > Makefile\n";

static const char makefile_in[] =
	"prefix = @prefix@\nsrcdir = @srcdir@\n"
	"all: qemu-system-x86_64\n"
	"qemu-system-x86_64: $(srcdir)/qemu.c\n\tcc -O0 -o $@ $(srcdir)/qemu.c\n"
	"install: qemu-system-x86_64\n\tmkdir -p $(DESTDIR)$(prefix)/bin\n"
	"\tcp qemu-system-x86_64 $(DESTDIR)$(prefix)/bin/\n";

/* The "source" at a commit: Debian's QEMU, with or without the bug. */
static void qemu_c(struct strbuf *out, const char *commit, int one_cpu)
{
	sb_printf(out,
		  "#include <string.h>\n#include <unistd.h>\n"
		  "static const char commit[] = \"%s\";\n"
		  "int main(int argc, char **argv)\n{\n"
		  "\t(void)commit;\n",
		  commit);
	if (one_cpu)
		sb_puts(out, "\tfor (int i = 1; i + 1 < argc; i++)\n"
			     "\t\tif (!strcmp(argv[i], \"-smp\"))\n"
			     "\t\t\targv[i + 1] = (char *)\"1\";\n");
	sb_puts(out, "\targv[0] = (char *)\"/usr/bin/qemu-system-x86_64\";\n"
		     "\texecv(argv[0], argv);\n\treturn 127;\n}\n");
}

static void add_file(struct archive *a, const char *name, const char *text, int mode)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	archive_entry_set_mtime(e, 1700000000, 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
	archive_entry_free(e);
}

/* www/archive/<commit>/qemu-<commit>.tar.gz with top directory qemu-<commit>/. */
static void snapshot(const char *commit, int one_cpu)
{
	struct strbuf p = STRBUF_INIT, d = STRBUF_INIT, n = STRBUF_INIT, src = STRBUF_INIT;
	struct archive *a = archive_write_new();

	sb_printf(&d, "%s/archive/%s", www, commit);
	assert_int_equal(mkdir_p(d.buf, 0755), 0);
	sb_printf(&p, "%s/qemu-%s.tar.gz", d.buf, commit);
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, p.buf), ARCHIVE_OK);
	sb_printf(&n, "qemu-%s/configure", commit);
	add_file(a, n.buf, configure_sh, 0755);
	strbuf_reset(&n);
	sb_printf(&n, "qemu-%s/Makefile.in", commit);
	add_file(a, n.buf, makefile_in, 0644);
	strbuf_reset(&n);
	sb_printf(&n, "qemu-%s/qemu.c", commit);
	qemu_c(&src, commit, one_cpu);
	add_file(a, n.buf, src.buf, 0644);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	strbuf_release(&p);
	strbuf_release(&d);
	strbuf_release(&n);
	strbuf_release(&src);
}

static int setup(void **state)
{
	struct strbuf p = STRBUF_INIT;

	(void)state;
	tu_store_with_debian_qemu("bisect", &dir, &db, &vm);
	sb_printf(&p, "%s/www", dir);
	www = strbuf_detach(&p);
	for (size_t i = 0; i < ARRAY_SIZE(commits); i++)
		if (i != 3) /* c3's snapshot is missing */
			snapshot(commits[i], i >= 5);
	tu_write(dir, "specs/qemu.catalog", "# no releases: the test bisects commits\n");
	tu_write(dir, "specs/qemu.recipe", "*  system configure\n"
					   "*  binary bin/qemu-system-x86_64\n"
					   "*  check  bin/qemu-system-x86_64 --version\n");
	assert_int_equal(mkdir_p(dir, 0755), 0);
	sb_printf(&p, "%s/patches", dir);
	assert_int_equal(mkdir_p(p.buf, 0755), 0);
	strbuf_release(&p);

	port = tu_httpd_start(&httpd, dir, www,
			      (const char *const[]){ "--lifetime", "900", NULL });
	strbuf_release(&p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	command_kill(&httpd, SIGTERM);
	command_wait(&httpd, 5);
	command_release(&httpd);
	tu_store_release(dir, db, vm);
	free(www);
	return 0;
}

static void test_first_bad_commit(void **state)
{
	struct strbuf url = STRBUF_INIT, list = STRBUF_INIT, e = STRBUF_INIT;
	struct strvec env = STRVEC_INIT;
	struct store st;
	char *v, *log, *out = NULL;

	(void)state;
	sb_printf(&url, "http://127.0.0.1:%d/archive/${commit}/qemu-${commit}.tar.gz", port);
	sb_puts(&list, "# git rev-list --reverse c0..c6\n");
	for (size_t i = 0; i < ARRAY_SIZE(commits); i++)
		sb_printf(&list, "%s commit %zu\n", commits[i], i);
	tu_write(dir, "commits.txt", list.buf);
	strbuf_reset(&list);
	sb_printf(&list, "%s/commits.txt", dir);

	/* ark, probe and run find the test's specs, installs and caches. */
	strvec_pushf(&env, "VIRT_MATRIX_SPECS=%s/specs", dir);
	strvec_pushf(&env, "VIRT_MATRIX_PATCHES=%s/patches", dir);
	strvec_pushf(&env, "VIRT_MATRIX_ROOT=%s/opt", dir);
	strvec_pushf(&env, "VIRT_MATRIX_CACHE=%s/cache", dir);
	strvec_pushf(&env, "VIRT_MATRIX_LOG_DIR=%s/logs", dir);
	assert_exit(tu_run_env(&out, (const char *const[]){ vm, "bisect", "--scenario", "vm-q35",
				"--good", commits[0], "--bad", commits[6], "--url", url.buf,
				"--commits", list.buf, "--base-version", "7.2.0", NULL },
			       (const char *const[]){ "--db", db, NULL }, env.v, 1200),
		    0);
	strvec_clear(&env);
	/* c0 and c6 are the ends, then c3 (missing), c2, c4, c5. */
	sb_printf(&e, "first bad commit: %s (after good %s)", commits[5], commits[4]);
	assert_contains(out, e.buf, "answer");
	assert_contains(out, "built as QEMU 7.2.0+gc5ffffffffff", "install name");
	assert_contains(out, "FAIL cpus want=2 got=1", "bad side evidence");
	assert_contains(out, "ok   cpus want=2 got=2", "good side evidence");
	strbuf_reset(&e);
	sb_printf(&e, "  %-24s skip did not build", commits[3]);
	assert_contains(out, e.buf, "missing snapshot skipped");
	assert_null(strstr(out, "testing c1bbbb"));
	free(out);

	strbuf_reset(&e);
	sb_printf(&e, "%s/httpd.log", dir);
	log = tu_read(e.buf);
	strbuf_reset(&e);
	sb_printf(&e, "GET /archive/%s/qemu-%s.tar.gz range=0 404", commits[3], commits[3]);
	assert_contains(log, e.buf, "404 logged");
	strbuf_reset(&e);
	sb_printf(&e, "GET /archive/%s/qemu-%s.tar.gz range=0 200", commits[5], commits[5]);
	assert_contains(log, e.buf, "c5 fetched");
	free(log);

	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT group_concat(qemu || ' ' || status, ', ') FROM (SELECT"
			   " r.qemu, r.status FROM runs r JOIN sweeps s ON s.id = r.sweep"
			   " WHERE s.kind = 'bisect' ORDER BY r.id)");
	assert_string_equal(v, "7.2.0+gc0aaaaaaaaaa pass, 7.2.0+gc60000000000 fail, "
			       "7.2.0+gc2cccccccccc pass, 7.2.0+gc4eeeeeeeeee pass, "
			       "7.2.0+gc5ffffffffff fail");
	free(v);
	v = tu_query1(&st, "SELECT status FROM sweeps WHERE kind = 'bisect'");
	assert_string_equal(v, "finished");
	free(v);
	v = tu_query1(&st, "SELECT source_url FROM installs WHERE version = '7.2.0+gc5ffffffffff'");
	assert_contains(v, "qemu-c5fffffffffffffffffffffffffffffffffffff5.tar.gz", "source recorded");
	free(v);
	store_close(&st);
	strbuf_release(&url);
	strbuf_release(&list);
	strbuf_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_bad_commit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
