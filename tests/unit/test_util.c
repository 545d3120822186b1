/*
 * The helper of lib/util.c that commands rely on: output on stdout that
 * could not be written reported (flush_stdout), except to a pipe nobody
 * reads any more.
 */
#include <signal.h>

#include "testutil.h"

/*
 * stdout on /dev/full: a short listing fails at the flush, a long one
 * already while printing; both are reported with the reason.
 */
static const struct {
	const char *name;
	size_t bytes;
} full_cases[] = {
	{ "short listing (fails at the flush)", 100 },
	{ "long listing (fails while printing)", 200000 },
};

static void test_flush_stdout(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(full_cases); i++) {
		int saved, rc;
		char *msg;

		saved = tu_stdout_to(open("/dev/full", O_WRONLY | O_CLOEXEC));
		for (size_t k = 0; k < full_cases[i].bytes / 10; k++)
			fputs("123456789\n", stdout);
		tu_capture_begin();
		rc = flush_stdout();
		msg = tu_capture_end();
		tu_stdout_restore(saved);
		if (rc != -1)
			fail_msg("%s: rc %d", full_cases[i].name, rc);
		assert_contains(msg, "error: cannot write to standard output: No space left on device",
				full_cases[i].name);
		free(msg);
	}
	/* A pipe whose reader went away ('| head') is no failure. */
	{
		int saved, fds[2], rc;
		char *msg;

		signal(SIGPIPE, SIG_IGN); /* as virt-matrix has it */
		assert_int_equal(pipe(fds), 0);
		saved = tu_stdout_to(fds[1]);
		close(fds[0]);
		fputs("first line\n", stdout);
		tu_capture_begin();
		rc = flush_stdout();
		msg = tu_capture_end();
		tu_stdout_restore(saved);
		assert_int_equal(rc, 0);
		assert_string_equal(msg, "");
		free(msg);
	}
	/* And a stdout that takes it all is a success, with nothing said. */
	printf("flush_stdout: this line reaches stdout\n");
	assert_int_equal(flush_stdout(), 0);
}

static void test_work_exit_status(void **state)
{
	static const struct {
		const char *name;
		int result, interrupted, status;
	} cases[] = {
		{ "success", 0, 0, 0 },
		{ "one failure", 1, 0, 1 },
		{ "three failures", 3, 0, 1 },
		{ "failed before any work", -1, 0, 1 },
		{ "failed before any work, interrupted", -1, 1, 1 },
		{ "interrupted", 0, 1, 130 },
		{ "interrupted with failures", 2, 1, 130 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = work_exit_status(cases[i].result, cases[i].interrupted);

		if (got != cases[i].status)
			fail_msg("%s: exit status %d, want %d", cases[i].name, got,
				 cases[i].status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_work_exit_status),
		cmocka_unit_test(test_flush_stdout),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
