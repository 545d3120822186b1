#ifndef VM_UTIL_H
#define VM_UTIL_H

/*
 * Basic helpers shared by every component: allocation that never returns
 * NULL, error reporting in one style, checked number parsing, time.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define VM_WUR __attribute__((warn_unused_result))
#define VM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these die with "fatal: out of memory" instead of failing. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *ptr (an array of elem-sized items) so that it holds at least need. */
void *xgrow(void *ptr, size_t elem, size_t need, size_t *alloc);
#define ALLOC_GROW(p, need, alloc) ((p) = xgrow((p), sizeof(*(p)), (need), &(alloc)))
/* qsort for arrays that may be empty (NULL), which qsort must not get. */
void sort_array(void *base, size_t n, size_t size,
		int (*cmp)(const void *, const void *));

/*
 * Report "error: <message>" on stderr and return -1, so that the place
 * that fails can write `return error("cannot open '%s': %s", ...)`.
 */
int error(const char *fmt, ...) VM_PRINTF(1, 2);
int error_errno(const char *fmt, ...) VM_PRINTF(1, 2);
void warning(const char *fmt, ...) VM_PRINTF(1, 2);
/*
 * From now on, the first error this thread reports is also kept in
 * buf[0..size) (cut to fit), for a record that must say why something
 * failed; buf starts empty. error_keep(NULL, 0) stops keeping.
 */
void error_keep(char *buf, size_t size);
/* Informational line on stderr, suppressed by vm_quiet. */
void info(const char *fmt, ...) VM_PRINTF(1, 2);
/* For states that cannot happen; prints "fatal: ..." and exits 128. */
__attribute__((noreturn)) void die(const char *fmt, ...) VM_PRINTF(1, 2);

extern int vm_quiet;

/*
 * A command's exit status for a result of -1 (it failed before doing
 * anything) or a number of failures: 1 for -1, else 130 when interrupted,
 * 1 when anything failed, 0 otherwise.
 */
int work_exit_status(int result, int interrupted);

/*
 * Flushes stdout and checks that all that was printed on it was written
 * (a full disk, an fd that cannot be written). Commands that print
 * listings or results call it last, so that output that was lost is not
 * a success. A pipe whose reader has gone ('| head') is not a failure.
 * Returns 0, or -1 after reporting "cannot write to standard output:
 * <why>".
 */
int flush_stdout(void) VM_WUR;

/*
 * Parse a whole string as a base-10 integer within [min, max]. Returns 0,
 * or -1 (without reporting) when s is empty, has trailing junk or is out
 * of range.
 */
int parse_long(const char *s, long min, long max, long *out) VM_WUR;
/* Same for a non-negative decimal number such as "1.5". */
int parse_seconds(const char *s, double *out) VM_WUR;

/* Monotonic time in seconds. */
double now_monotonic(void);
/* Sleeps s seconds (less when a signal interrupts it). */
void sleep_seconds(double s);
/* "2026-11-23T10:15:00Z" for the current time, into buf (>= 21 bytes). */
void now_iso8601(char *buf, size_t size);
/* Human duration: "4m12s", "0.8s". */
void format_duration(double seconds, char *buf, size_t size);

/* True if s starts with prefix; on success *rest points after it. */
int skip_prefix(const char *s, const char *prefix, const char **rest);
int ends_with(const char *s, const char *suffix);

/* Number of online CPUs, at least 1. */
int online_cpus(void);

#endif
