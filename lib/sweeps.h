#ifndef VM_SWEEPS_H
#define VM_SWEEPS_H

/*
 * Sweeps: one row of `sweeps` groups everything one `run`, `sweep` or
 * `bisect` produced (runs.sweep). The uuid names a sweep across
 * machines: the shards of one sweep share it and `merge` keeps it, and
 * a sweep given again by uuid is resumed (its finished jobs are not run
 * again).
 */

#include "store.h"
#include "strbuf.h"

#define SWEEP_UUID_LEN 36

/* A random (version 4) uuid into buf[SWEEP_UUID_LEN + 1]; -1 after reporting. */
int sweep_new_uuid(char *buf) VM_WUR;

/* Whether s has the shape of a uuid as sweep_new_uuid() writes them. */
int sweep_uuid_valid(const char *s);

/*
 * Opens the sweep named uuid (or a new one when uuid is NULL or names
 * none yet) of this kind, started by argv (recorded as JSON), marks it
 * running and puts its id in *id and its uuid in uuid_out
 * [SWEEP_UUID_LEN + 1]. A uuid that names a sweep of another kind is an
 * error. -1 after reporting.
 */
int sweep_open(struct store *st, const char *kind, const char *uuid,
	       const char *shard, int argc, char **argv, long long *id,
	       char *uuid_out) VM_WUR;

/* Marks the sweep 'finished' or 'interrupted' now. -1 after reporting. */
int sweep_close(struct store *st, long long id, const char *status) VM_WUR;

#endif
