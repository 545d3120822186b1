/*
 * The listings of ark (ark/list.c, and the catalog listing of
 * ark/ark.c): what they print, and that a listing that cannot be
 * written (stdout on /dev/full, or closed) fails with the reason
 * instead of exiting 0.
 */

#include "testutil.h"
#include "ark.h"

static char *dir;
static struct strbuf db = STRBUF_INIT;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("list");
	sb_printf(&db, "%s/matrix.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	strbuf_release(&db);
	tu_rmdir(dir);
	return 0;
}

/*
 * cmd_ark with args, stdout on the file to (NULL: an fd that cannot be
 * written, as a closed stdout);
 * stderr into *err. Whatever stdio still holds is dropped after.
 */
static int ark_to(const char *const *args, const char *to, char **err)
{
	char *argv[16];
	int argc = 0, rc, saved;

	argv[argc++] = (char *)"ark";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc++] = (char *)"--db";
	argv[argc++] = db.buf;
	argv[argc++] = (char *)"--specs";
	argv[argc++] = (char *)"specs";
	argv[argc] = NULL;
	/* Not writable at all: a read-only fd (closing 1 would let the
	 * next open take it). */
	saved = tu_stdout_to(to ? open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
				: open("/dev/null", O_RDONLY | O_CLOEXEC));
	tu_capture_begin();
	rc = cmd_ark(argc, argv);
	*err = tu_capture_end();
	tu_stdout_restore(saved);
	return rc;
}

static const struct {
	const char *name;
	const char *args[4];
	const char *listing; /* in what it prints to a file */
} listings[] = {
	{ "ark list", { "list", NULL }, "nothing installed (store " },
	{ "ark list --json", { "list", "--json", NULL }, "\"installs\": [\n  ],\n" },
	{ "ark catalog", { "catalog", NULL }, "APP      VERSION      STATE" },
	{ "ark catalog qemu", { "catalog", "qemu", NULL }, "qemu     7.2.0        -" },
};

static const struct {
	const char *name;
	const char *to;
	const char *error;
} outputs[] = {
	{ "a full disk", "/dev/full",
	  "error: cannot write to standard output: No space left on device\n" },
	{ "stdout not writable", NULL,
	  "error: cannot write to standard output: Bad file descriptor\n" },
};

static void test_listings(void **state)
{
	struct strbuf file = STRBUF_INIT;

	(void)state;
	sb_printf(&file, "%s/out.txt", dir);
	for (size_t i = 0; i < ARRAY_SIZE(listings); i++) {
		char *err, *text;
		int rc = ark_to(listings[i].args, file.buf, &err);

		if (rc)
			fail_msg("%s: exit status %d: %s", listings[i].name, rc, err);
		text = tu_read(file.buf);
		assert_contains(text, listings[i].listing, listings[i].name);
		free(text);
		free(err);
		for (size_t k = 0; k < ARRAY_SIZE(outputs); k++) {
			rc = ark_to(listings[i].args, outputs[k].to, &err);
			if (rc != 1 || strcmp(err, outputs[k].error))
				fail_msg("%s on %s: exit status %d, message\n%s\nwant\n%s",
					 listings[i].name, outputs[k].name, rc, err,
					 outputs[k].error);
			free(err);
		}
	}
	strbuf_release(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listings),
	};
	return cmocka_run_group_tests_name("list", tests, setup, teardown);
}
