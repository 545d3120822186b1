#ifndef RUN_HUGEPAGES_H
#define RUN_HUGEPAGES_H

/*
 * The machine's 2 MiB hugepages as direct runs borrow them: nr_hugepages
 * is one number for the whole machine, raised by a run for its VMs and
 * lowered by the same after (hostadapt.h decides how many). Every change
 * is made under one lock, and every reservation has a record in a
 * registry directory on tmpfs (it goes at reboot, as the reservation
 * does), so that a run killed with SIGKILL does not keep its pages and
 * its hugetlbfs mount until reboot: the next process to take the lock
 * sweeps the records of owners that are gone, giving back what they took.
 *
 * A record is a file of the registry named PID-START-SEQ: the owner's
 * pid, its start time (field 22 of /proc/PID/stat, so a pid used again by
 * a later process does not pass for the owner) and a number of the
 * owner's own. It holds "key value" lines:
 *	pages 128		2 MiB pages the owner added to nr_hugepages
 *	mount /tmp/vm-run-x/hugepages	its hugetlbfs mount point
 *	state held		or "state changing" with "base N": the
 *				owner was moving nr_hugepages between N
 *				and N + pages (either way) when the
 *				record was written
 * Records are written whole (write_file_replace: readers see the old or
 * the new file) and only under the lock.
 *
 * The order, and what a kill between two steps leaves:
 *  - reserving: record "changing, base = nr_hugepages now"; nr_hugepages
 *    raised; the record rewritten "held"; then, after the lock, the mount.
 *    A kill before the record is written leaves nothing (at most the
 *    temporary file of write_file_replace, which the sweep removes); a
 *    kill after it leaves a record the next lock holder gives back
 *    exactly: it reads nr_hugepages as the dead owner left it (every
 *    lock holder sweeps before it changes the number) and gives back
 *    what is above base, at most pages: the pages if the raise happened,
 *    none if not. The record names the mount point before it is made,
 *    so a mount never goes without a record.
 *  - giving back: the mount is undone first; then under the lock the
 *    record is rewritten "changing, base = the number to write";
 *    nr_hugepages lowered; the record removed. A kill in between leaves
 *    a record the next holder completes the same way, never lowering
 *    twice.
 * Only a writer of nr_hugepages that does not sweep first (an
 * administrator, a virt-matrix older than the registry) can make the
 * sweep's count wrong; the sweep never lowers nr_hugepages below what
 * the records of live owners account for, nor below 0.
 */

#include "strbuf.h"
#include "util.h"

/* The size of the pages the runner reserves. */
#define HUGEPAGE_KIB 2048

/* Where the kernel counts the pages, the registry and the lock. */
struct hugepage_paths {
	const char *nr;	      /* nr_hugepages: read and written */
	const char *free;     /* free_hugepages: read */
	const char *registry; /* the records' directory (made when missing) */
	const char *lock;     /* the lock every change is made under */
};

/*
 * The machine's: /sys/kernel/mm/hugepages/hugepages-2048kB/{nr,free}_hugepages,
 * /run/virt-matrix/hugepages and /run/lock/virt-matrix-hugepages.lock.
 */
extern const struct hugepage_paths hugepage_paths_host;

/* A reservation this process holds. */
struct hugepage_hold {
	const struct hugepage_paths *paths;
	long pages;   /* added to nr_hugepages; 0: nothing held */
	char *record; /* the record's path */
	char *mnt;    /* the mount point it names, or NULL */
};

/* The free pages p->free counts; 0 when it cannot be read. */
long host_hugepages_free(const struct hugepage_paths *p);

/*
 * Raises nr_hugepages by pages for this process, after sweeping the
 * records of dead owners, and records it with mnt (the mount point the
 * caller will mount next; NULL: none). Returns 0 with h holding the
 * pages and a note "hugepages: reserved N 2 MiB pages for the run
 * (nr_hugepages A -> B)"; 1 when the kernel gave fewer (what it gave is
 * lowered again, nothing held) and -1 on an error, both with why
 * appended. h is zeroed first; host_hugepages_give_back() releases it
 * in every case.
 */
int host_hugepages_reserve(struct hugepage_hold *h, const struct hugepage_paths *p,
			   long pages, const char *mnt, struct strvec *notes,
			   struct strbuf *why) VM_WUR;

/*
 * Lowers nr_hugepages by what h holds (never below what the records of
 * other live owners account for) and removes its record, with a note
 * "hugepages: gave back the N pages (nr_hugepages A -> B)"; a failure is
 * a warning and leaves the record for a sweep once this process is gone.
 * Does not unmount: the caller does that first. Zeroes h; safe on a
 * zeroed h.
 */
void host_hugepages_give_back(struct hugepage_hold *h, struct strvec *notes);

/*
 * Under the lock, gives back what every record of a dead owner (gone, a
 * zombie, or a pid with another start time) holds: lowers nr_hugepages
 * by its pages, detaches its hugetlbfs mount (umount2 MNT_DETACH) and
 * removes the mount point and the record, with a warning naming the
 * owner and what was given back. Returns how many records it swept.
 * Problems are warnings: a record it cannot read is left as it is. When
 * the registry is missing, or this process may not write it (not root),
 * there is nothing it can do: 0, nothing printed. p NULL: the machine's.
 */
size_t host_hugepages_sweep(const struct hugepage_paths *p);

/* One record of the registry, as host_hugepages_records() reads it. */
struct hugepage_record {
	char *name;   /* PID-START-SEQ */
	long pid, start;
	int live;     /* the owner runs (not a zombie) with that start time */
	long pages;
	char *mount;  /* NULL: none */
	int changing; /* state changing, from base */
	long base;
};

/*
 * The records of p's registry (what a test or a report shows), in name
 * order, into *recs (the caller's; hugepage_records_free): 0, also when
 * the registry is missing (none); -1 after reporting an unreadable
 * registry. A file that is not a valid record is left out with a warning.
 */
int host_hugepages_records(const struct hugepage_paths *p,
			   struct hugepage_record **recs, size_t *n) VM_WUR;
void hugepage_records_free(struct hugepage_record *recs, size_t n);

#endif
