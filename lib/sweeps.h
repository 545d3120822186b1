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
 * [SWEEP_UUID_LEN + 1]; shard K/N (NULL: 1/1) gets its own row in
 * sweep_shards, marked running. A uuid that names a sweep of another kind
 * is an error, except that a 'run', 'migrate' or 'corpus' joins a 'sweep'
 * or 'bisect' (the command that owns it starts `run` with its uuid): its
 * runs are recorded
 * there, and neither sweep_open nor sweep_close touches that sweep's state.
 * -1 after reporting.
 */
int sweep_open(struct store *st, const char *kind, const char *uuid,
	       const char *shard, int argc, char **argv, long long *id,
	       char *uuid_out) VM_WUR;

/*
 * Marks the sweep, and the shard this process opened, 'finished' or
 * 'interrupted' now (nothing for a sweep a run joined). -1 after reporting.
 */
int sweep_close(struct store *st, long long id, const char *status) VM_WUR;

#endif
