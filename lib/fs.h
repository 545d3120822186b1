#ifndef VM_FS_H
#define VM_FS_H

/*
 * File-system helpers: directories, whole-tree removal that never follows
 * symlinks, lexical path checks for untrusted names (archive entries,
 * patch names), reading files the user names, atomic file writes, and
 * advisory locks.
 */

#include <stddef.h>

#include "strbuf.h"

/* mkdir -p with the given mode; reports and returns -1 on failure. */
int mkdir_p(const char *path, unsigned mode) VM_WUR;
/* rm -rf without following symlinks; a missing path is success. */
int remove_tree(const char *path) VM_WUR;
int path_exists(const char *path);
int is_dir(const char *path);

/*
 * True when p is a relative path that stays inside its base: not empty,
 * not absolute, no ".." component that climbs above the start.
 */
int path_is_contained(const char *p);
/* True when p has a ".." component anywhere. */
int path_has_dotdot(const char *p);
/*
 * True when a symlink at `entry` (relative to the tree root) with target
 * `target` resolves, lexically, to a place inside the tree.
 */
int symlink_is_contained(const char *entry, const char *target);

/* a + "/" + b into out (cleared first). */
void path_join(struct strbuf *out, const char *a, const char *b);
/* The directory part of path ("." when none); malloc'd. */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* An absolute, lexically normalised version of path; malloc'd. */
char *path_absolute(const char *path);

/*
 * Reads a file the user named (a scenario, a patch, an acks file, a
 * domain XML) into sb, appending at most max bytes. Anything but a
 * regular file (a FIFO, a device, a directory) is refused at once with
 * "'PATH' is not a regular file", never waited on: the file is opened
 * with O_NONBLOCK and checked with fstat before it is read. Reports and
 * returns -1 on failure.
 */
int read_regular_file(struct strbuf *sb, const char *path, size_t max) VM_WUR;
/*
 * The same check for a reader of its own: an fd open for reading (the
 * caller closes it), or -1 after reporting.
 */
int open_regular_file(const char *path) VM_WUR;

/*
 * Writes data to path through a temporary file in the same directory
 * and rename(), so readers see the old or the new file, never a part.
 */
int write_file_atomic(const char *path, const void *data, size_t len) VM_WUR;
/* The same; durable 0 skips the fsync (files that are cheap to make again). */
int write_file_replace(const char *path, const void *data, size_t len,
		       int durable) VM_WUR;
/*
 * Creates path, which must not exist, with data (no fsync, no temporary
 * name): for files in a private directory (owned_tmp_create) that is
 * renamed into place once whole. -1 after reporting; nothing is left.
 */
int write_file_new(const char *path, const void *data, size_t len) VM_WUR;
/*
 * Puts the directory from in the place of to: exchanged with an existing
 * directory to in one step where the file system can (renameat2's
 * RENAME_EXCHANGE), the old one removed after; renamed when there is
 * none. -1 after reporting (to a file: refused).
 */
int rename_dir_replace(const char *from, const char *to) VM_WUR;

/*
 * The address of the unix socket at path into *sa: 0, or -1 (nothing
 * reported) when path does not fit in sun_path (at most 107 bytes).
 */
struct sockaddr_un;
int unix_sockaddr(struct sockaddr_un *sa, const char *path) VM_WUR;

/*
 * Takes an exclusive flock on path (created if needed). With wait=0 a
 * held lock fails at once: returns -2 without reporting. Returns the fd
 * (>= 0) to pass to lock_release, or -1 after reporting.
 */
int lock_acquire(const char *path, int wait);
void lock_release(int fd);
/* True when someone holds the lock at path. */
int lock_is_held(const char *path);

/* "$TMPDIR/vm-<tag>-XXXXXX" (or under /tmp) for mkdtemp/mkstemp; malloc'd. */
char *temp_template(const char *tag);
/* The same template under dir: "<dir>/vm-<tag>-XXXXXX"; malloc'd. */
char *temp_template_in(const char *dir, const char *tag);

/* /proc/<pid>/cmdline into argv (bounded): 0, or -1 (gone; nothing reported). */
int proc_cmdline(long pid, struct strvec *argv);
/*
 * The state letter ('R', 'S', 'Z' for a zombie...) and the start time
 * (field 22 of /proc/<pid>/stat, clock ticks after boot) of process pid
 * into *state and *start: 0, or -1 when it is gone or its stat cannot be
 * read (nothing reported). A pid and its start time name one process for
 * the whole boot: the pid of a process started later has a later start.
 */
int proc_stat_start(long pid, char *state, long *start) VM_WUR;
/*
 * The last max bytes of a file another process keeps writing (a QEMU's
 * log, a console file) into out; empty when there is none.
 */
void read_file_tail(const char *path, size_t max, struct strbuf *out);

#endif
