#ifndef RUN_HOSTADAPT_H
#define RUN_HOSTADAPT_H

/*
 * What the direct backend adapts for the host it runs on, saying so in
 * the run's notes; the mapper (mapper.h) maps the file as written, and
 * `virt-matrix map` shows that. A DTS cfg names a lab's disk images,
 * hugepages and CPUs; every VM of the scenario is adapted:
 *   - a disk image the host does not have is left out of its VM, unless
 *     a check of [expect] that applies to that VM needs the device it
 *     brings (then the job is a skip);
 *   - hugepage memory the host has not set aside is reserved for the run
 *     (2 MiB pages: nr_hugepages raised by what the VMs with hugepage=yes
 *     need together, one reservation with its record, hugepages.h, and
 *     one private hugetlbfs mount in the run directory that all of them
 *     use) and given back after it;
 *   - a vCPU pinned to a CPU the host lacks runs on CPU (n mod count).
 * Notes and reasons name the VM ("[vm1] disk ...") when the scenario has
 * more than one. The plan is pure (what the host has is an argument), so
 * it is tested without a host; host_adapt_start() and host_adapt_stop()
 * carry it out.
 */

#include <sched.h>

#include "hugepages.h"
#include "scenario.h"
#include "strbuf.h"

/* What the host has, as the plan sees it. */
struct host_facts {
	int (*exists)(const char *path); /* a disk image is there */
	int dev_hugepages; /* /dev/hugepages is a hugetlbfs mount */
	long free_hugepages; /* free 2 MiB pages */
	int root;	     /* may reserve pages and mount */
};

/* What to do for one VM. */
struct host_plan_vm {
	unsigned char *left_out; /* per disk of the VM: 1 = not on this host */
	size_t ndisks;
};

/* What to do for a scenario. */
struct host_plan {
	struct host_plan_vm *vms; /* per VM of the scenario, in order */
	size_t nvms;
	long hugepages; /* 2 MiB pages to reserve and mount for all the VMs
			   with hugepage=yes together; 0: none */
};

/*
 * The plan for every VM of s on a host with facts h: one note per disk
 * left out ("disk FILE (line N) is not on this host: left out", with
 * "[NAME] " before it when s has several VMs) appended to notes.
 * Returns 0 when the job runs; 1 when it is a skip, with why appended
 * (a check that applies to a VM needs a disk of it that is not there;
 * hugepages are wanted, too few are free, and h->root is 0). p is the
 * caller's; host_plan_release() frees it either way.
 */
int host_plan_make(const struct scenario *s, const struct host_facts *h,
		   struct host_plan *p, struct strvec *notes, struct strbuf *why);
void host_plan_release(struct host_plan *p);

/*
 * The host CPU that cpupin's `want` runs on, among the CPUs of set
 * (those this process may use): want itself when it is in set, else the
 * (want mod count)-th CPU of set. -1 when want is negative or set empty.
 */
long host_pin_cpu(long want, const cpu_set_t *set);

/* A run's adaptations, carried out; host_adapt_stop() undoes them. */
struct host_adapt {
	struct scenario s;	  /* the scenario the mapper maps: every VM of
				     the caller's, each without its disks left
				     out (shares the caller's strings) */
	struct scn_vm *vms;	  /* s.vms: copies of the caller's VMs */
	struct scn_disk *disks;	  /* the disks kept, of all VMs: s.vms[i].disks
				     point into it */
	struct hugepage_hold hugepages; /* the pages this run added */
	char *mnt;		  /* the hugetlbfs mount point, or NULL */
};

/*
 * Adapts every VM of s for this host, the run's private files under
 * rundir. Returns 0 with a->s to map and a->mnt (or NULL) as the
 * mapper's hugepage directory for all its VMs; 1 for a skip with why
 * appended; -1 for an error with why appended (reported nowhere else).
 * What was done is noted in notes. host_adapt_stop() must follow,
 * whatever it returned.
 */
int host_adapt_start(struct host_adapt *a, const struct scenario *s,
		     const char *rundir, struct strvec *notes,
		     struct strbuf *why) VM_WUR;

/*
 * Gives back what host_adapt_start() took: unmounts the hugetlbfs, then
 * lowers nr_hugepages by the pages this run added (never by more) and
 * removes the reservation's record, with a note of each; releases a.
 * Safe on a zeroed a.
 */
void host_adapt_stop(struct host_adapt *a, struct strvec *notes);

#endif
