/*
 * ark import against the real distribution builds on this machine:
 * Debian's qemu-system-x86_64 and libvirtd. The expected names come from
 * the binaries' own --version output, read here independently.
 */
#include "testutil.h"

static char *dir, *db, *vm;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("import");
	db = tu_path(dir, "matrix.db");
	vm = tu_vm_binary();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	free(db);
	free(vm);
	return 0;
}

static int run(char **out, const char *const *args)
{
	const char *post[] = { "--db", db, NULL };
	struct strvec all = STRVEC_INIT;
	int st;

	strvec_pushv(&all, args);
	strvec_pushv(&all, post);
	st = tu_run(out, (const char *const[]){ vm, NULL }, all.v, 60);
	strvec_clear(&all);
	return st;
}

/* "7.2.22" from "QEMU emulator version 7.2.22 (Debian ...)". */
static char *version_of(const char *binary, const char *marker)
{
	struct command cmd;
	const char *p;
	char *v;

	command_init(&cmd);
	strvec_push(&cmd.args, binary);
	strvec_push(&cmd.args, "--version");
	cmd.timeout = 30;
	assert_int_equal(command_run(&cmd), 0);
	p = strstr(cmd.output.buf, marker);
	assert_non_null(p);
	p += strlen(marker);
	v = xstrndup(p, strspn(p, "0123456789."));
	command_release(&cmd);
	return v;
}

struct import_case {
	const char *name;
	const char *app;
	const char *binary;
	const char *marker;
};

static const struct import_case cases[] = {
	{ "debian qemu", "qemu", "/usr/bin/qemu-system-x86_64",
	  "QEMU emulator version " },
	{ "debian libvirt", "libvirt", "/usr/sbin/libvirtd", "(libvirt) " },
};

static void test_import_list_remove(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct import_case *c = &cases[i];
		char *ver = version_of(c->binary, c->marker);
		struct strbuf name = STRBUF_INIT, row = STRBUF_INIT;
		char *out = NULL;

		sb_printf(&name, "%s-system", ver);
		assert_int_equal(run(&out, (const char *const[]){
					     "ark", "import", c->app, NULL }),
				 0);
		assert_contains(out, name.buf, c->name);
		assert_contains(out, c->binary, c->name);
		free(out);

		assert_int_equal(run(&out, (const char *const[]){
					     "ark", "list", "--json", NULL }),
				 0);
		sb_printf(&row, "\"version\": \"%s\"", name.buf);
		assert_contains(out, row.buf, c->name);
		assert_contains(out, "\"kind\": \"imported\"", c->name);
		assert_contains(out, "\"source_url\": \"debian:", c->name);
		free(out);

		/* Removing an import unregisters it and leaves the binary. */
		assert_int_equal(run(&out, (const char *const[]){
					     "ark", "remove", c->app,
					     name.buf, NULL }),
				 0);
		assert_contains(out, "unregistered", c->name);
		assert_true(path_exists(c->binary));
		free(out);
		assert_int_equal(run(&out, (const char *const[]){
					     "ark", "remove", c->app,
					     name.buf, NULL }),
				 1);
		assert_contains(out, "is not installed", c->name);
		free(out);
		free(ver);
		strbuf_release(&name);
		strbuf_release(&row);
	}
}

static void test_import_rejects_what_is_not_qemu(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(run(&out, (const char *const[]){
				     "ark", "import", "qemu", "/bin/true",
				     NULL }),
			 1);
	assert_contains(out, "has no 'QEMU emulator version <version>'",
			"not qemu");
	free(out);
	assert_int_equal(run(&out, (const char *const[]){
				     "ark", "import", "qemu",
				     "/nonexistent/qemu", NULL }),
			 1);
	assert_contains(out, "cannot import '/nonexistent/qemu'", "missing");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_list_remove),
		cmocka_unit_test(test_import_rejects_what_is_not_qemu),
	};
	return cmocka_run_group_tests_name("ark import", tests, setup,
					   teardown);
}
