/*
 * Allocation, error reporting and small parsing helpers. Error messages
 * follow git: lower-case, no full stop, quoted subjects, one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

int vm_quiet;

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

void sort_array(void *base, size_t n, size_t size,
		int (*cmp)(const void *, const void *))
{
	if (n > 1)
		(qsort)(base, n, size, cmp);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		die("out of memory");
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		die("out of memory");
	return p;
}

void *xgrow(void *ptr, size_t elem, size_t need, size_t *alloc)
{
	size_t n;

	if (need <= *alloc)
		return ptr;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die("out of memory");
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		die("out of memory");
	ptr = xrealloc(ptr, n * elem);
	*alloc = n;
	return ptr;
}

/* This thread's kept error (error_keep), or NULL. */
static __thread char *kept;
static __thread size_t kept_size;

void error_keep(char *buf, size_t size)
{
	kept = size ? buf : NULL;
	kept_size = size;
	if (kept)
		kept[0] = '\0';
}

static void vreport(const char *prefix, const char *fmt, va_list ap,
		    const char *suffix)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (kept && !kept[0] && !strcmp(prefix, "error: "))
		snprintf(kept, kept_size, "%s%s%s", msg, suffix ? ": " : "",
			 suffix ? suffix : "");
	if (suffix)
		fprintf(stderr, "%s%s: %s\n", prefix, msg, suffix);
	else
		fprintf(stderr, "%s%s\n", prefix, msg);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (vm_quiet)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap, NULL);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(128);
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double *out)
{
	char *end = NULL;
	double v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= 0) || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

void now_iso8601(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (!strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) && size)
		buf[0] = '\0';
}

void format_duration(double seconds, char *buf, size_t size)
{
	if (seconds < 60)
		snprintf(buf, size, "%.1fs", seconds);
	else if (seconds < 3600)
		snprintf(buf, size, "%dm%02ds", (int)seconds / 60,
			 (int)seconds % 60);
	else
		snprintf(buf, size, "%dh%02dm", (int)seconds / 3600,
			 ((int)seconds % 3600) / 60);
}

int skip_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return 0;
	if (rest)
		*rest = s + n;
	return 1;
}

int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !memcmp(s + a - b, suffix, b);
}

int work_exit_status(int result, int interrupted)
{
	if (result < 0)
		return 1;
	if (interrupted)
		return 130;
	return result ? 1 : 0;
}

int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (int)n;
}

int flush_stdout(void)
{
	int failed = ferror(stdout);

	/* A failed write leaves its bytes buffered: flushing tries again
	 * and tells why. */
	if (fflush(stdout)) {
		if (errno == EPIPE) {
			/* The reader stopped reading ('| head'), as git takes it. */
			clearerr(stdout);
			return 0;
		}
		return error_errno("cannot write to standard output");
	}
	if (failed) {
		clearerr(stdout);
		return error("cannot write to standard output: a write failed");
	}
	return 0;
}
