#ifndef VM_WORKERS_H
#define VM_WORKERS_H

/*
 * Up to `max` forked workers at a time over jobs 0..n-1 (probe, run).
 * Each worker runs fn(i, arg) in its own process, with its own store
 * connection, and exits 0 on success. Every wait a worker does is
 * bounded by that worker; after SIGINT/SIGTERM no new job starts and the
 * running ones are waited for (they see the same signal).
 */

#include <stddef.h>

/* Returns the number of jobs that failed (exit status, signal, fork). */
size_t workers_run(size_t n, long max, int (*want)(size_t i, void *arg),
		   int (*fn)(size_t i, void *arg), void *arg);

#endif
