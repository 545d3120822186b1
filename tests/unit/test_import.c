/*
 * ark import's refusals (ark/import.c), each before the store is
 * opened: an app ark does not know, a binary that is missing or cannot
 * be run, and one whose --version has no version, quoted with its
 * control bytes escaped. Run under valgrind or ASan, the error paths
 * leak nothing.
 */
#include "testutil.h"
#include "ark_internal.h"

static const struct {
	const char *name;
	const char *app;
	const char *file;    /* under the test directory, or NULL */
	const char *content; /* written to file, mode 0755 (0644 with '#') */
	const char *error;   /* expected after "error: " */
} cases[] = {
	{ "unknown app", "xen", NULL, NULL, "cannot import 'xen': ark knows qemu and libvirt" },
	{ "missing binary", "qemu", "missing", NULL,
	  "/missing': No such file or directory" },
	{ "not executable", "qemu", "plain", "#", "/plain': Permission denied" },
	{ "no version in --version, control bytes escaped", "qemu", "fake",
	  "#!/bin/sh\nprintf 'fake \\033[2Jqemu\\n'\n",
	  "/fake': its --version output has no 'QEMU emulator version <version>':\n"
	  "fake \\x1b[2Jqemu\n" },
};

static void test_import_refusals(void **state)
{
	char *dir = tu_tmpdir("import");
	struct strbuf db = STRBUF_INIT;
	struct ark_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	sb_printf(&db, "%s/matrix.db", dir);
	o.db_path = db.buf;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf p = STRBUF_INIT;
		char *msg;
		int rc;

		if (cases[i].file)
			path_join(&p, dir, cases[i].file);
		if (cases[i].content) {
			tu_write(dir, cases[i].file, cases[i].content);
			assert_int_equal(chmod(p.buf, cases[i].content[0] == '#' &&
							      !cases[i].content[1]
						      ? 0644
						      : 0755),
					 0);
		}
		tu_capture_begin();
		rc = ark_import(&o, cases[i].app, cases[i].file ? p.buf : NULL);
		msg = tu_capture_end();
		if (rc != -1)
			fail_msg("%s: rc %d", cases[i].name, rc);
		assert_contains(msg, "error: cannot import '", cases[i].name);
		assert_contains(msg, cases[i].error, cases[i].name);
		free(msg);
		strbuf_release(&p);
	}
	/* Refused before the store: none was created. */
	assert_false(path_exists(db.buf));
	strbuf_release(&db);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_refusals),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
