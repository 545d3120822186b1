#ifndef SWEEP_MERGE_H
#define SWEEP_MERGE_H

/*
 * What sweep/merge.c and sweep/merge_tmp.c share, and what their tests
 * call: the private directories a merge keeps its temporary stores in
 * (beside OUT, named after the process that owns them, removed by a
 * later merge once that process is gone), and the merge with the
 * repeated-probe-records shortcut switched off (to show it changes
 * nothing).
 */

#include <stddef.h>

#include "strbuf.h"
#include "util.h"

/* sweep_merge_flags(): copy every input's probe records row by row. */
#define MERGE_NO_SKIP 1u

/*
 * sweep_merge (sweep.h) with flags (MERGE_NO_SKIP or 0): the same result
 * either way, only slower without the shortcut.
 */
int sweep_merge_flags(const char *out, const char *const *in, size_t nin,
		      unsigned flags) VM_WUR;

/*
 * The name prefix of the temporary directories of process pid (started
 * at start, clock ticks after boot as proc_stat_start reads it) in dir:
 * "<dir>/vm-merge-<host>-<pid>-<start>-", where <host> names this
 * machine's boot and PID namespace (12 hex digits), into out. -1 when
 * this machine's identity cannot be read (nothing reported).
 */
int merge_tmp_prefix(struct strbuf *out, const char *dir, long pid, long start) VM_WUR;

/*
 * A new private directory beside the store out, named after this
 * process (merge_tmp_prefix plus six random characters; plainly
 * "vm-merge-" and mkdtemp's six random characters when the process's
 * identity cannot be read). The
 * malloc'd path, or NULL after reporting.
 */
char *merge_tmp_create(const char *out);

/*
 * Removes the directories in dir that merge_tmp_create made for a
 * process of this machine's boot and PID namespace that is gone (its pid
 * is free or now names a process started at another time), with a
 * warning naming each. Directories of a live process, of another
 * machine or namespace (which a shared directory may hold) or not named
 * so are left alone. Returns how many were removed.
 */
int merge_tmp_remove_dead(const char *dir);

#endif
