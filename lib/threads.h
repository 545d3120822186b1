#ifndef VM_THREADS_H
#define VM_THREADS_H

/*
 * Independent jobs on worker threads: one more thread than the cores (a
 * worker that waits for its QEMU to start leaves the core to another
 * one's work), each taking the next job index from one counter until
 * all are taken or vm_interrupted is set. When no thread can be
 * started, the calling thread does the jobs itself. The machine-type
 * probes (matrix/abi.c, matrix/guestprobe.c) run on it.
 */

#include <stddef.h>

/* Runs job(i, arg) for i in [0, n), each once; returns when all ended. */
void threads_run(size_t n, void (*job)(size_t i, void *arg), void *arg);

#endif
