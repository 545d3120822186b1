#ifndef SWEEP_SWEEP_H
#define SWEEP_SWEEP_H

/*
 * The commands of sweep/: `sweep` (the nightly job: build, probe, run,
 * report), `bisect` (the first version or commit where a scenario's
 * result or a machine type's ABI changed), `merge` (the stores of the
 * shards into one) and `plan` (a CI pipeline that runs a sharded sweep).
 */

#include <stddef.h>

#include "util.h"

int cmd_sweep(int argc, char **argv);
int cmd_bisect(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plan(int argc, char **argv);

/*
 * Merges the stores in[0..nin) into out (created when missing), in one
 * transaction; prints a one-line summary. -1 after reporting, with out
 * unchanged (or removed, when this call created it).
 */
int sweep_merge(const char *out, const char *const *in, size_t nin) VM_WUR;

#endif
