#ifndef VM_OWNED_TMP_H
#define VM_OWNED_TMP_H

/*
 * Private temporary directories named after the process that owns them
 * (lib/owned_tmp.c), removed by a later command of the same tag once
 * that process is gone: merge's beside its output store, report's new
 * logs inside its output directory.
 */

#include "strbuf.h"
#include "util.h"

/*
 * The name prefix of the temporary directories of tag ("merge",
 * "report") of process pid (started at start, clock ticks after boot as
 * proc_stat_start reads it) in dir: "<dir>/vm-<tag>-<host>-<pid>-<start>-",
 * where <host> names this machine's boot and PID namespace (12 hex
 * digits), into out. -1 when this machine's identity cannot be read
 * (nothing reported).
 */
int owned_tmp_prefix(struct strbuf *out, const char *dir, const char *tag, long pid,
		     long start) VM_WUR;

/*
 * A new private directory of tag in dir, named after this process
 * (owned_tmp_prefix plus six random characters; plainly "vm-<tag>-" and
 * mkdtemp's six random characters when the process's identity cannot be
 * read). The malloc'd path, or NULL after reporting.
 */
char *owned_tmp_create(const char *dir, const char *tag);

/*
 * Removes the directories of tag in dir that owned_tmp_create made for a
 * process of this machine's boot and PID namespace that is gone (its pid
 * is free or now names a process started at another time), with a
 * warning naming each. Directories of a live process, of another
 * machine or namespace (which a shared directory may hold) or not named
 * so are left alone. Returns how many were removed.
 */
int owned_tmp_remove_dead(const char *dir, const char *tag);

#endif
