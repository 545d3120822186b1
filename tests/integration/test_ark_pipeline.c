/*
 * The whole ark pipeline against a real HTTP server on loopback
 * (tests/helpers/vm-httpd) and a small autotools-style project that this
 * test packs into tarballs itself. Every case runs the real virt-matrix
 * binary and checks its exit status, its message, the store, and that
 * the install root holds nothing but complete installs.
 *
 * Versions of the test app "hello":
 *   1.0  good, with a patch and a smoke check     1.1  404
 *   1.2  wrong sha256 in the catalog              1.3  transfer cut off once
 *   1.4  "../" entry    1.5  absolute entry       1.6  symlink escape
 *   1.7  patch that does not apply                1.8  build fails
 *   1.9  make killed with SIGKILL                 2.0  virt-matrix killed
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "sha256.h"

struct env {
	char *dir;
	char *root;
	char *db;
	char *specs;
	char *patches;
	char *cache;
	char *logs;
	char *www;
	char *vm;
	struct command httpd;
	int port;
};

static struct env E;

struct file {
	const char *name;
	const char *text;
	int mode;
	const char *symlink; /* target, for a symlink entry */
	const char *hardlink;
};

static const char configure_sh[] =
	"#!/bin/sh\n"
	"prefix=/usr/local\n"
	"for a in \"$@\"; do case \"$a\" in --prefix=*) prefix=${a#--prefix=};; esac; done\n"
	"srcdir=$(dirname \"$0\")\n"
	"sed -e \"s|@prefix@|$prefix|g\" -e \"s|@srcdir@|$srcdir|g\" \"$srcdir/Makefile.in\" > Makefile\n"
	"echo \"configured hello for $prefix\"\n";

static const char hello_c[] =
	"#include <stdio.h>\n"
	"int main(void) { puts(\"hello, world\"); return 0; }\n";

static const char makefile_good[] =
	"prefix = @prefix@\nsrcdir = @srcdir@\n"
	"all: hello\n"
	"hello: $(srcdir)/hello.c\n\tcc -o hello $(srcdir)/hello.c\n"
	"install: hello\n\tmkdir -p $(DESTDIR)$(prefix)/bin\n"
	"\tcp hello $(DESTDIR)$(prefix)/bin/hello\n";

static const char makefile_fail[] =
	"all:\n\t@echo 'hello.c:1: error: deliberate build failure'; false\n"
	"install:\n\ttrue\n";

static const char makefile_sigkill[] =
	"all:\n\t@echo 'about to kill make'; kill -KILL $$PPID; sleep 5\n"
	"install:\n\ttrue\n";

/* Packs files under top/ into a .tar.gz at path with libarchive. */
static void pack(const char *path, const char *top, const struct file *files,
		 size_t n)
{
	struct archive *a = archive_write_new();
	struct strbuf name = STRBUF_INIT;

	assert_non_null(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const char *text = files[i].text ? files[i].text : "";

		strbuf_reset(&name);
		if (files[i].name[0] == '/' || !top)
			sb_puts(&name, files[i].name);
		else
			sb_printf(&name, "%s/%s", top, files[i].name);
		archive_entry_set_pathname(e, name.buf);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (files[i].symlink) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, files[i].symlink);
			archive_entry_set_size(e, 0);
		} else if (files[i].hardlink) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, files[i].hardlink);
			archive_entry_set_size(e, 0);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, files[i].mode ? files[i].mode
								: 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(text));
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (!files[i].symlink && !files[i].hardlink && *text)
			assert_int_equal(archive_write_data(a, text,
							    strlen(text)),
					 (la_ssize_t)strlen(text));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	strbuf_release(&name);
}

/* A well-formed hello project with the given Makefile.in. */
static void pack_project(const char *version, const char *makefile,
			 const struct file *extra, size_t nextra)
{
	struct file files[8] = {
		{ "configure", configure_sh, 0755, NULL, NULL },
		{ "Makefile.in", makefile, 0, NULL, NULL },
		{ "hello.c", hello_c, 0, NULL, NULL },
	};
	struct strbuf path = STRBUF_INIT, top = STRBUF_INIT;
	size_t n = 3;

	for (size_t i = 0; i < nextra && n < 8; i++)
		files[n++] = extra[i];
	sb_printf(&path, "%s/hello-%s.tar.gz", E.www, version);
	sb_printf(&top, "hello-%s", version);
	pack(path.buf, top.buf, files, n);
	strbuf_release(&path);
	strbuf_release(&top);
}

static char *sha_of(const char *version)
{
	struct strbuf p = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];

	sb_printf(&p, "%s/hello-%s.tar.gz", E.www, version);
	assert_int_equal(sha256_file(p.buf, sha), 0);
	strbuf_release(&p);
	return xstrdup(sha);
}

/* Runs virt-matrix ark SUB ... with the test's paths; output in *out. */
static int vm_ark(char **out, const char *sub, const char *const *args)
{
	const char *pre[] = { E.vm, "ark", sub, "--db", E.db, "--root",
			      E.root, "--specs", E.specs, "--patches",
			      E.patches, "--cache-dir", E.cache, "--log-dir",
			      E.logs, "--retries", "2", NULL };

	return tu_run(out, pre, args, 180);
}

/* Entries of root/hello other than the installed versions listed. */
static void assert_root_clean(const char *casename, const char *const *allowed)
{
	struct strbuf d = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n;

	sb_printf(&d, "%s/hello", E.root);
	n = scandir(d.buf, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		int ok = !strcmp(name, ".") || !strcmp(name, "..");

		for (const char *const *a = allowed; a && *a; a++)
			if (!strcmp(*a, name))
				ok = 1;
		if (!ok)
			fail_msg("%s: install root holds '%s/%s'", casename,
				 d.buf, name);
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&d);
}

static void write_catalog(void)
{
	struct strbuf c = STRBUF_INIT;
	const char *ok[] = { "1.0", "1.3", "1.4", "1.5", "1.6", "1.7",
			     "1.8", "1.9", "2.0" };
	char *sha;

	sb_printf(&c, "default url=http://127.0.0.1:%d/hello-${version}.tar.gz\n",
		  E.port);
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		sha = sha_of(ok[i]);
		sb_printf(&c, "%s sha256=%s\n", ok[i], sha);
		free(sha);
	}
	sb_puts(&c, "1.1\n");
	sb_printf(&c, "1.2 sha256=%s\n",
		  "0000000000000000000000000000000000000000000000000000000000000000");
	tu_write(E.specs, "hello.catalog", c.buf);
	strbuf_release(&c);
}

static int setup(void **state)
{
	struct strbuf p = STRBUF_INIT;

	(void)state;
	memset(&E, 0, sizeof(E));
	E.dir = tu_tmpdir("ark");
#define SUB(f, n)                                  \
	sb_printf(&p, "%s/%s", E.dir, n);          \
	E.f = strbuf_detach(&p);
	SUB(root, "opt");
	SUB(db, "matrix.db");
	SUB(specs, "specs");
	SUB(patches, "patches");
	SUB(cache, "cache");
	SUB(logs, "logs");
	SUB(www, "www");
#undef SUB
	E.vm = tu_vm_binary();
	assert_int_equal(mkdir_p(E.www, 0755), 0);
	assert_int_equal(mkdir_p(E.specs, 0755), 0);

	pack_project("1.0", makefile_good, NULL, 0);
	pack_project("1.2", makefile_good, NULL, 0);
	pack_project("1.3", makefile_good, NULL, 0);
	{
		const struct file evil[] = { { "../evil", "x", 0, NULL, NULL } };
		pack_project("1.4", makefile_good, evil, 1);
	}
	{
		struct strbuf abs = STRBUF_INIT;
		struct file evil[1] = { { NULL, "x", 0, NULL, NULL } };

		sb_printf(&abs, "%s/abs-escape", E.dir);
		evil[0].name = abs.buf;
		pack_project("1.5", makefile_good, evil, 1);
		strbuf_release(&abs);
	}
	{
		const struct file evil[] = {
			{ "link", NULL, 0, "../../../..", NULL },
			{ "link/escaped", "x", 0, NULL, NULL },
		};
		pack_project("1.6", makefile_good, evil, 2);
	}
	pack_project("1.7", makefile_good, NULL, 0);
	pack_project("1.8", makefile_fail, NULL, 0);
	pack_project("1.9", makefile_sigkill, NULL, 0);
	{
		/* Slow only while the marker exists; records its shell's pid. */
		struct strbuf mk = STRBUF_INIT;

		sb_printf(&mk,
			  "prefix = @prefix@\nsrcdir = @srcdir@\n"
			  "all:\n\techo $$$$ > %s/slow.pid; "
			  "if [ -f %s/slow.marker ]; then sleep 20; fi; "
			  "cc -o hello $(srcdir)/hello.c\n"
			  "install:\n\tmkdir -p $(DESTDIR)$(prefix)/bin\n"
			  "\tcp hello $(DESTDIR)$(prefix)/bin/hello\n",
			  E.dir, E.dir);
		pack_project("2.0", mk.buf, NULL, 0);
		strbuf_release(&mk);
	}

	tu_write(E.specs, "hello.recipe",
		 "# test recipe\n"
		 "*  system configure\n"
		 "*  binary bin/hello\n"
		 "*  check  bin/hello\n");
	tu_write(E.patches, "hello/1.0/0001-greeting.patch",
		 "Subject: greet the patched world\n\n"
		 "--- a/hello.c\n+++ b/hello.c\n@@ -1,2 +1,2 @@\n"
		 " #include <stdio.h>\n"
		 "-int main(void) { puts(\"hello, world\"); return 0; }\n"
		 "+int main(void) { puts(\"hello, patched world\"); return 0; }\n");
	tu_write(E.patches, "hello/1.7/0001-does-not-apply.patch",
		 "--- a/hello.c\n+++ b/hello.c\n@@ -1,2 +1,2 @@\n"
		 " #include <nothing-like-this.h>\n"
		 "-int main(void) { return 42; }\n"
		 "+int main(void) { return 43; }\n");

	/* The HTTP server, on a free loopback port. */
	E.port = tu_httpd_start(&E.httpd, E.dir, E.www, (const char *const[]){
		"--cut", "hello-1.3.tar.gz", "--lifetime", "600", NULL });
	write_catalog();
	strbuf_release(&p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	command_kill(&E.httpd, SIGTERM);
	command_wait(&E.httpd, 5);
	command_release(&E.httpd);
	if (!getenv("KEEP_TEST_DIR"))
		tu_rmdir(E.dir);
	else
		free(E.dir);
	free(E.root);
	free(E.db);
	free(E.specs);
	free(E.patches);
	free(E.cache);
	free(E.logs);
	free(E.www);
	free(E.vm);
	return 0;
}

static void test_good_build_installs_patches_and_records(void **state)
{
	char *out = NULL, *json = NULL, *run = NULL;
	struct strbuf bin = STRBUF_INIT;
	struct command cmd;
	const char *allowed[] = { "1.0", NULL };

	(void)state;
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "hello", "1.0", NULL }),
			 0);
	assert_contains(out, "patch 1.0/0001-greeting.patch", "good build");
	assert_contains(out, "check: hello, patched world", "good build");
	assert_contains(out, "installed in", "good build");
	free(out);

	/* The installed binary is the patched one. */
	sb_printf(&bin, "%s/hello/1.0/bin/hello", E.root);
	command_init(&cmd);
	strvec_push(&cmd.args, bin.buf);
	cmd.timeout = 10;
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	assert_string_equal(cmd.output.buf, "hello, patched world\n");
	command_release(&cmd);
	assert_root_clean("good build", allowed);

	/* Recorded with source, patches, hashes, configure args, binary sha. */
	assert_int_equal(vm_ark(&json, "list", (const char *const[]){
					  "--json", NULL }),
			 0);
	assert_contains(json, "\"version\": \"1.0\"", "list --json");
	assert_contains(json, "\"status\": \"installed\"", "list --json");
	assert_contains(json, "1.0/0001-greeting.patch", "list --json");
	assert_contains(json, "\"--prefix=", "list --json");
	assert_contains(json, "\"binary_sha256\": \"", "list --json");
	assert_contains(json, "\"source_flavour\": \"upstream\"", "list --json");
	free(json);

	/* Same source, recipe and patches: not rebuilt. */
	assert_int_equal(vm_ark(&run, "build", (const char *const[]){
					 "hello", "1.0", NULL }),
			 0);
	assert_contains(run, "up to date", "rebuild");
	free(run);
	strbuf_release(&bin);
}

struct fail_case {
	const char *name;
	const char *version;
	const char *message;
	const char *message2;
};

static const struct fail_case fail_cases[] = {
	{ "404", "1.1", "HTTP 404", "hello-1.1.tar.gz" },
	{ "checksum mismatch", "1.2", "checksum mismatch", "the download was deleted" },
	{ "dotdot entry", "1.4", "entry 'hello-1.4/../evil' has a '..' component", "nothing was installed" },
	{ "absolute entry", "1.5", "would be written outside the tree", "abs-escape" },
	{ "symlink escape", "1.6", "symlink 'hello-1.6/link' points outside the tree", "nothing was installed" },
	{ "patch does not apply", "1.7", "patch '1.7/0001-does-not-apply.patch' does not apply", "nothing was installed" },
	{ "build fails", "1.8", "build failed: 'make' exited with status 2", "deliberate build failure" },
	{ "build killed", "1.9", "'make' was killed by signal 9", "nothing was installed" },
};

static void test_failures_leave_root_clean(void **state)
{
	struct strbuf p = STRBUF_INIT;
	const char *allowed[] = { "1.0", NULL };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fail_cases); i++) {
		const struct fail_case *c = &fail_cases[i];
		char *out = NULL;
		int rc = vm_ark(&out, "build", (const char *const[]){
					"hello", c->version, NULL });

		if (rc != 1)
			fail_msg("%s: exit status %d, expected 1:\n%s",
				 c->name, rc, out);
		assert_contains(out, c->message, c->name);
		assert_contains(out, c->message2, c->name);
		assert_root_clean(c->name, allowed);
		free(out);
	}
	/* Nothing escaped the archive of 1.4 and 1.5. */
	sb_printf(&p, "%s/cache/work/evil", E.dir);
	assert_false(path_exists(p.buf));
	strbuf_reset(&p);
	sb_printf(&p, "%s/abs-escape", E.dir);
	assert_false(path_exists(p.buf));
	/* The bad download is not in the cache under any name. */
	strbuf_reset(&p);
	sb_printf(&p, "%s/downloads/0000000000000000000000000000000000000000000000000000000000000000",
		  E.cache);
	assert_false(path_exists(p.buf));
	strbuf_release(&p);
}

static void test_cut_transfer_is_resumed(void **state)
{
	char *out = NULL, *log;
	struct strbuf p = STRBUF_INIT;
	const char *allowed[] = { "1.0", "1.3", NULL };

	(void)state;
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "hello", "1.3", NULL }),
			 0);
	assert_contains(out, "retrying", "cut transfer");
	assert_contains(out, "installed in", "cut transfer");
	free(out);
	sb_printf(&p, "%s/httpd.log", E.dir);
	log = tu_read(p.buf);
	/* First a cut 200, then a ranged request that picked up the rest. */
	assert_contains(log, "GET /hello-1.3.tar.gz range=0 cut", "httpd log");
	{
		const char *r = strstr(log, "GET /hello-1.3.tar.gz range=");
		r = r ? strstr(r + 1, "GET /hello-1.3.tar.gz range=") : NULL;
		assert_non_null(r);
		assert_true(strncmp(r, "GET /hello-1.3.tar.gz range=0 ", 30));
		assert_contains(r, " 206", "resumed request");
	}
	free(log);
	assert_root_clean("cut transfer", allowed);
	strbuf_release(&p);
}

static void test_parallel_builds(void **state)
{
	char *out = NULL, *json = NULL;
	const char *allowed[] = { "1.0", "1.3", NULL };

	(void)state;
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "--parallel", "2", "--force", "hello",
					 "1.0", "1.3", NULL }),
			 0);
	assert_contains(out, "hello 1.0: installed in", "parallel");
	assert_contains(out, "hello 1.3: installed in", "parallel");
	free(out);
	assert_int_equal(vm_ark(&json, "list", (const char *const[]){ NULL }), 0);
	assert_contains(json, "hello    1.0", "parallel list");
	assert_contains(json, "hello    1.3", "parallel list");
	free(json);
	assert_root_clean("parallel", allowed);
}

static void test_killed_virt_matrix_leaves_nothing_and_retry_works(void **state)
{
	struct strbuf marker = STRBUF_INIT, pidf = STRBUF_INIT;
	const char *allowed[] = { "1.0", "1.3", NULL };
	const char *allowed2[] = { "1.0", "1.3", "2.0", NULL };
	struct command cmd;
	char *out = NULL, *text;
	long pid = 0;

	(void)state;
	sb_printf(&marker, "%s/slow.marker", E.dir);
	sb_printf(&pidf, "%s/slow.pid", E.dir);
	tu_write(E.dir, "slow.marker", "1");
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){
		E.vm, "ark", "build", "--db", E.db, "--root", E.root,
		"--specs", E.specs, "--patches", E.patches, "--cache-dir",
		E.cache, "--log-dir", E.logs, "hello", "2.0", NULL });
	cmd.timeout = 120;
	assert_int_equal(command_start(&cmd), 0);
	/* Wait until the build step runs, then SIGKILL virt-matrix itself. */
	for (int i = 0; i < 600 && !path_exists(pidf.buf); i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	assert_true(path_exists(pidf.buf));
	kill(cmd.pid, SIGKILL);
	command_wait(&cmd, 10);
	assert_int_equal(cmd.signal, SIGKILL);
	command_release(&cmd);
	text = tu_read(pidf.buf);
	text[strcspn(text, "\n")] = '\0';
	if (!parse_long(text, 2, 1L << 22, &pid))
		kill((pid_t)pid, SIGKILL); /* the orphaned sleep's shell */
	free(text);

	/* No install appeared, though the attempt's leftovers may exist. */
	{
		struct strbuf p = STRBUF_INIT;
		sb_printf(&p, "%s/hello/2.0", E.root);
		assert_false(path_exists(p.buf));
		strbuf_release(&p);
	}
	assert_int_equal(vm_ark(&out, "list", (const char *const[]){ NULL }), 0);
	assert_contains(out, "interrupted", "list after kill");
	free(out);

	/* The next attempt cleans up and succeeds. */
	unlink(marker.buf);
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "hello", "2.0", NULL }),
			 0);
	assert_contains(out, "installed in", "retry after kill");
	free(out);
	assert_root_clean("retry after kill", allowed2);
	{
		struct strbuf p = STRBUF_INIT;
		struct dirent **ents = NULL;
		int n;

		/* No work tree of any attempt is left in the cache. */
		sb_printf(&p, "%s/work", E.cache);
		n = scandir(p.buf, &ents, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.')
				fail_msg("work tree left: %s", ents[i]->d_name);
			free(ents[i]);
		}
		free(ents);
		strbuf_release(&p);
	}
	/* remove deletes it and forgets it. */
	assert_int_equal(vm_ark(&out, "remove", (const char *const[]){
					 "hello", "2.0", NULL }),
			 0);
	assert_contains(out, "removed hello 2.0", "remove");
	free(out);
	assert_root_clean("after remove", allowed);
	strbuf_release(&marker);
	strbuf_release(&pidf);
}

/*
 * --from auto (the default) with an upstream that cannot be reached: the
 * first version notes it and takes Debian's orig tarball at once, without
 * retries; the next versions of the run do not try upstream again. The
 * Debian tarballs are pinned and cached, so neither apt nor the network
 * is asked.
 */
static void test_unreachable_upstream_falls_back_at_once(void **state)
{
	static const char *const vers[] = { "3.0", "3.1" };
	struct strbuf c = STRBUF_INIT, d = STRBUF_INIT, text = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1], *out = NULL;
	double t0;

	(void)state;
	/* Port 1 on loopback: nothing listens, the connection is refused. */
	sb_puts(&c, "default url=http://127.0.0.1:1/far-${version}.tar.gz\n");
	for (size_t i = 0; i < ARRAY_SIZE(vers); i++) {
		strbuf_reset(&text);
		sb_printf(&text, "the orig tarball of far %s\n", vers[i]);
		sha256_hex(text.buf, text.len, sha);
		sb_printf(&c, "%s debian=%s-1 debian-sha256=%s\n", vers[i], vers[i], sha);
		strbuf_reset(&d);
		sb_printf(&d, "%s/downloads/%s", E.cache, sha);
		assert_int_equal(mkdir_p(d.buf, 0755), 0);
		strbuf_reset(&d);
		sb_printf(&d, "far_%s.orig.tar.gz", vers[i]);
		{
			struct strbuf dir = STRBUF_INIT;

			sb_printf(&dir, "%s/downloads/%s", E.cache, sha);
			tu_write(dir.buf, d.buf, text.buf);
			strbuf_release(&dir);
		}
	}
	tu_write(E.specs, "far.catalog", c.buf);
	t0 = now_monotonic();
	assert_exit(vm_ark(&out, "fetch", (const char *const[]){ "far", "3.0", "3.1", NULL }), 0);
	assert_contains(out, "cannot fetch 'http://127.0.0.1:1/far-3.0.tar.gz'", "note");
	assert_contains(out, "far 3.0: trying Debian's source package 3.0-1 instead", "3.0");
	assert_contains(out, "far 3.1: upstream could not be reached earlier in this run",
			"3.1");
	assert_contains(out, "far 3.1 ", "3.1 fetched");
	/* A note, not an error; not retried; upstream not asked for 3.1. */
	assert_null(strstr(out, "error:"));
	assert_null(strstr(out, "retrying"));
	assert_null(strstr(out, "far-3.1.tar.gz"));
	if (now_monotonic() - t0 > 60)
		fail_msg("the fall-back took %.0f s", now_monotonic() - t0);
	free(out);
	strbuf_release(&c);
	strbuf_release(&d);
	strbuf_release(&text);
}

static void test_bad_input_is_reported_with_file_and_line(void **state)
{
	char *out = NULL;
	struct strbuf bad = STRBUF_INIT;

	(void)state;
	tu_write(E.dir, "badspecs/hello.catalog", "1.0 url=http://x/y.tar.gz sha=1\n");
	tu_write(E.dir, "badspecs/hello.recipe", "*  system configure\n*  binary bin/x\n");
	sb_printf(&bad, "%s/badspecs", E.dir);
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "--specs", bad.buf, "hello", "1.0",
					 NULL }),
			 1);
	assert_contains(out, "hello.catalog:1: unknown key 'sha'", "bad catalog");
	free(out);
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "hello", "9.9", NULL }),
			 1);
	assert_contains(out, "hello 9.9 is not in", "unknown version");
	free(out);
	assert_int_equal(vm_ark(&out, "build", (const char *const[]){
					 "--from", "nowhere", "hello", "1.0",
					 NULL }),
			 129);
	assert_contains(out, "--from wants auto, upstream or debian", "bad option");
	free(out);
	strbuf_release(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_build_installs_patches_and_records),
		cmocka_unit_test(test_failures_leave_root_clean),
		cmocka_unit_test(test_cut_transfer_is_resumed),
		cmocka_unit_test(test_parallel_builds),
		cmocka_unit_test(test_killed_virt_matrix_leaves_nothing_and_retry_works),
		cmocka_unit_test(test_unreachable_upstream_falls_back_at_once),
		cmocka_unit_test(test_bad_input_is_reported_with_file_and_line),
	};
	return cmocka_run_group_tests_name("ark pipeline", tests, setup,
					   teardown);
}
