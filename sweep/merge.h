#ifndef SWEEP_MERGE_H
#define SWEEP_MERGE_H

/*
 * What the tests of sweep/merge.c call: the merge with the
 * repeated-probe-records shortcut switched off (to show it changes
 * nothing). Its temporary directories are lib/owned_tmp.h's, of tag
 * "merge".
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

#endif
