#ifndef TESTS_TUPROC_H
#define TESTS_TUPROC_H

/*
 * For the tests that check that nothing of a command survives it (a
 * hang, Ctrl-C): the processes whose command line names a string (the
 * test's own TMPDIR, which every QEMU and socket of the command names),
 * and what is left in that TMPDIR.
 */

#include <dirent.h>

#include "testutil.h"

/*
 * Processes whose command line mentions needle and also also (when not
 * NULL), their lines into which.
 */
static inline int processes_with_all(const char *needle, const char *also,
				     struct strbuf *which)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[8192];
		FILE *f;
		size_t len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = '\0';
		if (strstr(buf, needle) && (!also || strstr(buf, also))) {
			n++;
			if (which)
				sb_printf(which, "%s: %.200s\n", e->d_name, buf);
		}
	}
	closedir(d);
	return n;
}

/* Processes whose command line mentions needle (their lines into which). */
static inline int processes_with(const char *needle, struct strbuf *which)
{
	return processes_with_all(needle, NULL, which);
}

/* No process names tmp, and tmp is empty; else the test fails, saying when. */
static inline void tu_assert_nothing_left(const char *tmp, const char *when)
{
	struct strbuf which = STRBUF_INIT;
	DIR *d;
	struct dirent *e;

	if (processes_with(tmp, &which))
		fail_msg("%s: processes left:\n%s", when, which.buf);
	d = opendir(tmp);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			fail_msg("%s: '%s' left in TMPDIR", when, e->d_name);
	closedir(d);
	strbuf_release(&which);
}

#endif
