/*
 * The host's adaptations of a direct run (hostadapt.h): the pure plan of
 * what to leave out and what to reserve, and carrying it out: the copy
 * of the scenario the mapper maps, the reservation (hugepages.h, which
 * keeps nr_hugepages whole across concurrent and killed jobs) and the
 * run's hugetlbfs mount.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "hostadapt.h"
#include "fs.h"
#include "banned.h"

#define HUGETLBFS_MAGIC_NR 0x958458f6

/*
 * The PCI ids a disk's interface brings into the guest: a pci check that
 * names one needs a disk of that interface (QEMU's -drive if=).
 */
static const struct {
	const char *iface;
	const char *ids[3];
} disk_pci_ids[] = {
	{ "virtio", { "1af4:1001", "1af4:1042", NULL } }, /* virtio-blk */
	{ "scsi", { "1000:0012", NULL, NULL } },	   /* lsi53c895a */
};

/* The [expect] check that needs disk d, or NULL. */
static const struct scn_check *check_needing(const struct scenario *s,
					     const struct scn_disk *d)
{
	for (size_t i = 0; d->iface && i < ARRAY_SIZE(disk_pci_ids); i++) {
		if (strcmp(d->iface, disk_pci_ids[i].iface))
			continue;
		for (size_t c = 0; c < s->nchecks; c++) {
			const struct scn_check *k = &s->checks[c];

			if (k->kind != CHECK_PCI || !k->id)
				continue;
			for (size_t j = 0; disk_pci_ids[i].ids[j]; j++)
				if (strstr(k->id, disk_pci_ids[i].ids[j]))
					return k;
		}
	}
	return NULL;
}

int host_plan_make(const struct scenario *s, const struct host_facts *h,
		   struct host_plan *p, struct strvec *notes, struct strbuf *why)
{
	const struct scn_vm *vm = &s->vms[0];
	long pages;

	memset(p, 0, sizeof(*p));
	p->ndisks = vm->ndisks;
	p->left_out = xcalloc(vm->ndisks ? vm->ndisks : 1, 1);
	for (size_t i = 0; i < vm->ndisks; i++) {
		const struct scn_disk *d = &vm->disks[i];
		const struct scn_check *k;

		if (h->exists(d->file))
			continue;
		k = check_needing(s, d);
		if (k) {
			sb_printf(why, "disk %s (line %d) is not on this host, and the "
				       "[expect] check of line %d (pci id=%s) needs it",
				  d->file, d->line, k->line, k->id);
			return 1;
		}
		p->left_out[i] = 1;
		strvec_pushf(notes, "disk %s (line %d) is not on this host: left out",
			     d->file, d->line);
	}
	if (!vm->hugepages)
		return 0;
	pages = (vm->mem_mib * 1024 + HUGEPAGE_KIB - 1) / HUGEPAGE_KIB;
	if (h->dev_hugepages && h->free_hugepages >= pages)
		return 0;
	if (!h->root) {
		sb_printf(why, "hugepage memory of %ld MiB needs %ld 2 MiB pages; "
			       "the host has %s and reserving them takes root",
			  vm->mem_mib, pages,
			  h->dev_hugepages ? "too few free" : "no hugetlbfs at /dev/hugepages");
		return 1;
	}
	p->hugepages = pages;
	return 0;
}

void host_plan_release(struct host_plan *p)
{
	free(p->left_out);
	memset(p, 0, sizeof(*p));
}

long host_pin_cpu(long want, const cpu_set_t *set)
{
	int count = CPU_COUNT(set);
	long k;

	if (want < 0 || !count)
		return -1;
	if (want < CPU_SETSIZE && CPU_ISSET((int)want, set))
		return want;
	k = want % count;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set) && !k--)
			return c;
	return -1;
}

/* ---- The host. ---- */

static int file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static void host_facts_read(struct host_facts *h)
{
	struct statfs fs;

	memset(h, 0, sizeof(*h));
	h->exists = file_exists;
	h->dev_hugepages = !statfs("/dev/hugepages", &fs) &&
			   (unsigned long)fs.f_type == HUGETLBFS_MAGIC_NR;
	h->free_hugepages = host_hugepages_free(&hugepage_paths_host);
	h->root = geteuid() == 0;
}

/* A private hugetlbfs on mnt (made), for the run's VM; -1 with why appended. */
static int mount_hugetlbfs(struct host_adapt *a, const char *mnt,
			   struct strvec *notes, struct strbuf *why)
{
	if (mkdir(mnt, 0700) ||
	    mount("hugetlbfs", mnt, "hugetlbfs", MS_NOSUID | MS_NODEV, "pagesize=2M")) {
		sb_printf(why, "cannot mount hugetlbfs on '%s': %s", mnt, strerror(errno));
		return -1;
	}
	a->mnt = xstrdup(mnt);
	strvec_pushf(notes, "hugepages: hugetlbfs mounted on %s for the run, its "
			    "memory backend's mem-path (the file says /dev/hugepages)",
		     a->mnt);
	return 0;
}

int host_adapt_start(struct host_adapt *a, const struct scenario *s,
		     const char *rundir, struct strvec *notes, struct strbuf *why)
{
	struct host_facts h;
	struct host_plan p;
	struct strbuf mnt = STRBUF_INIT;
	size_t n = 0;
	int ret;

	memset(a, 0, sizeof(*a));
	host_facts_read(&h);
	ret = host_plan_make(s, &h, &p, notes, why);
	if (!ret) {
		a->s = *s;
		a->vm = s->vms[0];
		a->disks = xcalloc(p.ndisks ? p.ndisks : 1, sizeof(*a->disks));
		for (size_t i = 0; i < p.ndisks; i++)
			if (!p.left_out[i])
				a->disks[n++] = s->vms[0].disks[i];
		a->vm.disks = a->disks;
		a->vm.ndisks = n;
		a->s.vms = &a->vm;
		a->s.nvms = 1;
	}
	if (!ret && p.hugepages) {
		sb_printf(&mnt, "%s/hugepages", rundir);
		ret = host_hugepages_reserve(&a->hugepages, &hugepage_paths_host,
					     p.hugepages, mnt.buf, notes, why);
		if (!ret)
			ret = mount_hugetlbfs(a, mnt.buf, notes, why);
	}
	strbuf_release(&mnt);
	host_plan_release(&p);
	return ret;
}

void host_adapt_stop(struct host_adapt *a, struct strvec *notes)
{
	if (a->mnt) {
		if (umount2(a->mnt, 0) && umount2(a->mnt, MNT_DETACH))
			warning("cannot unmount '%s': %s", a->mnt, strerror(errno));
		else if (rmdir(a->mnt))
			warning("cannot remove '%s': %s", a->mnt, strerror(errno));
		else
			strvec_pushf(notes, "hugepages: %s unmounted", a->mnt);
	}
	host_hugepages_give_back(&a->hugepages, notes);
	free(a->mnt);
	free(a->disks);
	memset(a, 0, sizeof(*a));
}
