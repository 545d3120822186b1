#ifndef VM_TESTUTIL_H
#define VM_TESTUTIL_H

/*
 * Helpers shared by the cmocka tests: temporary directories, files,
 * capturing what the code under test reports on stderr, redirecting its
 * stdout, running the virt-matrix binary, the loopback HTTP server and
 * the real builds some integration tests share. Header-only so each test
 * is one file.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "command.h"
#include "fs.h"
#include "strbuf.h"

/*
 * How much later than its limit a wait may be seen to end on a loaded
 * 2-core machine (other builds and tests running beside): a test that
 * checks that a wait ended at its limit allows the limit plus this. The
 * children that would run on without that limit run longer (a sleep 60,
 * fake-qemu's alarm(60)), so a wait that ignores it still fails.
 */
#define TU_SLACK 20.0

/*
 * Where test_real_builds builds and installs QEMU 7.2.0 and libvirt 9.0.0
 * (a fixed place, so that ccache serves the next run; short, for the
 * unix sockets libvirt puts under its prefix), with the store and logs of
 * the builds. The builds are left in place for the tests that run after
 * it; a test that needs the QEMU and finds it missing builds it the same
 * way (tu_real_build), and the next run of test_real_builds starts afresh.
 */
#define TU_REAL_BUILDS "/var/tmp/vmx-builds"
#define TU_REAL_ROOT TU_REAL_BUILDS "/opt"
#define TU_REAL_DB TU_REAL_BUILDS "/matrix.db"
#define TU_REAL_LOGS TU_REAL_BUILDS "/logs"
#define TU_REAL_QEMU TU_REAL_ROOT "/qemu/7.2.0/bin/qemu-system-x86_64"

/*
 * CMOCKA_TEST_FILTER=PATTERN (cmocka's wildcards * and ?) runs only the
 * tests of a program whose names match, e.g. one slow integration test:
 *	CMOCKA_TEST_FILTER=test_dts_adapted_for_host tests/bin/test_run
 * A program that calls this first in main() takes it.
 */
static inline void tu_test_filter(void)
{
	const char *f = getenv("CMOCKA_TEST_FILTER");

	if (f && *f)
		cmocka_set_test_filter(f);
}

/* A fresh directory under $TMPDIR (or /tmp); caller removes with tu_rmdir. */
static inline char *tu_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s/vm-test-%s-XXXXXX", base && *base ? base : "/tmp",
		  tag);
	if (!mkdtemp(sb.buf))
		fail_msg("mkdtemp: %s", strerror(errno));
	return strbuf_detach(&sb);
}

static inline void tu_rmdir(char *dir)
{
	if (dir && remove_tree(dir))
		fail_msg("cannot remove %s", dir);
	free(dir);
}

/* Space-separated words into v (no quoting: the cases need none). */
static inline void tu_words(const char *s, struct strvec *v)
{
	struct strbuf w = STRBUF_INIT;

	for (const char *p = s; p && *p;) {
		size_t n = strcspn(p, " ");

		strbuf_reset(&w);
		sb_printf(&w, "%.*s", (int)n, p);
		if (n)
			strvec_push(v, w.buf);
		p += n + (p[n] ? 1 : 0);
	}
	strbuf_release(&w);
}

/* "dir/name", malloc'd. */
static inline char *tu_path(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/%s", dir, name);
	return strbuf_detach(&p);
}

/* Writes text to dir/name, creating parent directories. */
static inline void tu_write(const char *dir, const char *name, const char *text)
{
	struct strbuf p = STRBUF_INIT;
	char *parent;
	FILE *f;

	path_join(&p, dir, name);
	parent = path_dirname(p.buf);
	assert_int_equal(mkdir_p(parent, 0755), 0);
	free(parent);
	f = fopen(p.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	strbuf_release(&p);
}

static inline char *tu_read(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path, 64 << 20))
		fail_msg("cannot read %s", path);
	return strbuf_detach(&sb);
}

/*
 * Capturing stderr around a call, to assert on the error message the
 * code under test reports:
 *	tu_capture_begin(); rc = f(); char *msg = tu_capture_end();
 */
static int tu_saved_stderr = -1;
static FILE *tu_capture_file;

static inline void tu_capture_begin(void)
{
	fflush(stderr);
	tu_capture_file = tmpfile();
	assert_non_null(tu_capture_file);
	tu_saved_stderr = dup(2);
	assert_true(tu_saved_stderr >= 0);
	assert_true(dup2(fileno(tu_capture_file), 2) >= 0);
}

static inline char *tu_capture_end(void)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(tu_saved_stderr, 2);
	close(tu_saved_stderr);
	tu_saved_stderr = -1;
	rewind(tu_capture_file);
	while ((n = fread(buf, 1, sizeof(buf), tu_capture_file)) > 0)
		if (strbuf_add(&sb, buf, n))
			break;
	fclose(tu_capture_file);
	return strbuf_detach(&sb);
}

/* The virt-matrix binary under test: $VIRT_MATRIX_BIN or ./virt-matrix. */
static inline char *tu_vm_binary(void)
{
	const char *bin = getenv("VIRT_MATRIX_BIN");

	return path_absolute(bin && *bin ? bin : "./virt-matrix");
}

/* The output of the last tu_run (owned by its caller), for assert_exit. */
static const char *tu_last_output;

/*
 * Runs argv (pre) followed by argv (args), both NULL-terminated, with
 * env (NAME=value entries, NULL-terminated, or NULL) added to the clean
 * environment commands get, and a timeout; *out gets stdout and stderr.
 * Returns the exit status, or 128 + signal. Fails the test if it could
 * not run to its end.
 */
static inline int tu_run_env(char **out, const char *const *pre,
			     const char *const *args, const char *const *env,
			     double timeout)
{
	struct command cmd;
	int status;

	command_init(&cmd);
	strvec_pushv(&cmd.args, pre);
	strvec_pushv(&cmd.args, args);
	if (env)
		strvec_pushv(&cmd.env, env);
	cmd.timeout = timeout;
	cmd.capture_max = 4 << 20;
	if (command_run(&cmd))
		fail_msg("'%s' did not run to its end", cmd.args.v[0]);
	status = cmd.exited ? cmd.status : 128 + cmd.signal;
	*out = strbuf_detach(&cmd.output);
	tu_last_output = *out;
	command_release(&cmd);
	return status;
}

static inline int tu_run(char **out, const char *const *pre,
			 const char *const *args, double timeout)
{
	return tu_run_env(out, pre, args, NULL, timeout);
}

/*
 * Fails the test unless the tu_run(_env) in expr exited with want, showing what
 * the command printed: a failure in CI then says why.
 */
#define assert_exit(expr, want)                                                 \
	do {                                                                    \
		int s_ = (expr), w_ = (want);                                   \
		if (s_ != w_) {                                                 \
			fprintf(stderr, "exit status %d, expected %d; it printed:\n%s\n", \
				s_, w_, tu_last_output ? tu_last_output : ""); \
			fail();                                                 \
		}                                                               \
	} while (0)

/*
 * Points stdout (fd 1) at fd, which it closes, for code under test that
 * prints: returns what tu_stdout_restore needs. Whatever stdio had
 * buffered for the old stdout is written first.
 */
static inline int tu_stdout_to(int fd)
{
	int saved;

	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_true(fd >= 0);
	assert_true(dup2(fd, 1) >= 0);
	close(fd);
	return saved;
}

/*
 * Puts stdout back. What stdio still holds for the redirected stdout
 * (unwritten on a full or read-only fd) is dropped, and its error state
 * cleared, so that nothing of it reaches the real stdout.
 */
static inline void tu_stdout_restore(int saved)
{
	__fpurge(stdout);
	clearerr(stdout);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
}

/*
 * Starts tests/bin/vm-httpd serving www on a free loopback port, with its
 * port file and request log (dir/httpd.port, dir/httpd.log) in dir and
 * the extra arguments (NULL-terminated, or NULL); returns the port once
 * the server has written it. Waits for the port while the server runs,
 * up to 60 s: a loaded machine may take seconds to start it. The caller
 * ends it with command_kill, command_wait and command_release.
 */
static inline int tu_httpd_start(struct command *httpd, const char *dir,
				 const char *www, const char *const *extra)
{
	struct strbuf pf = STRBUF_INIT, log = STRBUF_INIT;
	double deadline = now_monotonic() + 60;
	char *text;
	long port;

	sb_printf(&pf, "%s/httpd.port", dir);
	sb_printf(&log, "%s/httpd.log", dir);
	command_init(httpd);
	strvec_pushv(&httpd->args, (const char *const[]){
		"tests/bin/vm-httpd", "--root", www, "--port-file", pf.buf,
		"--log", log.buf, NULL });
	if (extra)
		strvec_pushv(&httpd->args, extra);
	httpd->out = CMD_OUT_INHERIT;
	assert_int_equal(command_start(httpd), 0);
	/* Written with rename(): once there, it is whole. */
	while (!path_exists(pf.buf)) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (!command_running(httpd) || now_monotonic() > deadline)
			fail_msg("vm-httpd wrote no port to %s (%s)", pf.buf,
				 command_running(httpd) ? "still running after 60 s"
							: "it ended");
		nanosleep(&ts, NULL);
	}
	text = tu_read(pf.buf);
	text[strcspn(text, "\n")] = '\0';
	if (parse_long(text, 1, 65535, &port))
		fail_msg("vm-httpd wrote '%s' as its port", text);
	free(text);
	strbuf_release(&pf);
	strbuf_release(&log);
	return (int)port;
}

/* Empties TU_REAL_BUILDS: the builds after it are from scratch. */
static inline void tu_real_builds_reset(void)
{
	if (remove_tree(TU_REAL_BUILDS) || mkdir_p(TU_REAL_BUILDS, 0755))
		fail_msg("cannot prepare %s", TU_REAL_BUILDS);
}

/*
 * Builds app version from Debian's source into TU_REAL_BUILDS, as users
 * build with the ark (virt-matrix ark build --from debian), its progress
 * on the test's output; the downloads and ccache are the default cache's,
 * so a build done before is quick. Fails the test unless it succeeded.
 */
static inline void tu_real_build(const char *vm, const char *app,
				 const char *version)
{
	struct command cmd;

	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){
		vm, "ark", "build", "--from", "debian", "--db", TU_REAL_DB, "--root",
		TU_REAL_ROOT, "--log-dir", TU_REAL_LOGS, app, version, NULL });
	cmd.timeout = 40 * 60;
	cmd.out = CMD_OUT_INHERIT; /* progress goes to the test log */
	if (command_run(&cmd) || !command_succeeded(&cmd)) {
		struct strbuf why = STRBUF_INIT;

		command_describe(&cmd, &why);
		fail_msg("ark build %s %s into %s %s", app, version, TU_REAL_BUILDS,
			 why.buf);
	}
	command_release(&cmd);
}

/*
 * The state letter of process pid in /proc/PID/stat ('R', 'S', 'Z' for a
 * zombie...), or 0 when it is gone (also when it goes while being read).
 */
static inline char tu_proc_state(long pid)
{
	struct strbuf stat = STRBUF_INIT;
	char path[64], state = 0;
	const char *paren;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (!strbuf_read_fd(&stat, fd, path, 1 << 16)) {
		/* The command name, in parentheses, may hold anything. */
		paren = strrchr(stat.buf, ')');
		if (paren && paren[1] == ' ')
			state = paren[2];
	}
	close(fd);
	strbuf_release(&stat);
	return state;
}

/*
 * How many processes have /proc/PID/LINK ("exe", "cwd") starting with
 * prefix; each as "PID: LINK TARGET" lines into which (NULL: not said).
 */
static inline int tu_procs_linked(const char *link, const char *prefix, struct strbuf *which)
{
	struct dirent **ents = NULL;
	int n = scandir("/proc", &ents, NULL, alphasort), found = 0;

	for (int i = 0; i < n; i++) {
		char path[300], target[4096];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/%s/%s", ents[i]->d_name, link);
		len = readlink(path, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			if (!strncmp(target, prefix, strlen(prefix))) {
				if (which)
					sb_printf(which, "%s: %s %s\n", ents[i]->d_name, link,
						  target);
				found++;
			}
		}
		free(ents[i]);
	}
	free(ents);
	return found;
}

/* Whether a process runs an executable whose path starts with prefix. */
static inline int tu_running_from(const char *prefix)
{
	return tu_procs_linked("exe", prefix, NULL) > 0;
}

/* Fails the test, naming the case, unless haystack contains needle. */
#define assert_contains(haystack, needle, casename)                        \
	do {                                                               \
		const char *h_ = (haystack), *n_ = (needle);               \
		if (!h_ || !strstr(h_, n_))                                \
			fail_msg("%s: expected '%s' in:\n%s", (casename), n_, \
				 h_ ? h_ : "(null)");                      \
	} while (0)

/* Fails the test unless s starts with prefix. */
#define assert_starts_with(s, prefix)                                      \
	do {                                                               \
		const char *s_ = (s), *p_ = (prefix);                      \
		if (!s_ || strncmp(s_, p_, strlen(p_)))                    \
			fail_msg("expected a text starting '%s', got:\n%s", p_, \
				 s_ ? s_ : "(null)");                      \
	} while (0)

#endif
