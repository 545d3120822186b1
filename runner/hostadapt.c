/*
 * The host's adaptations of a direct run (hostadapt.h): the pure plan of
 * what to leave out of each VM and what to reserve for all of them, and
 * carrying it out: the copy of the scenario the mapper maps, the
 * reservation (hugepages.h, which keeps nr_hugepages whole across
 * concurrent and killed jobs) and the run's hugetlbfs mount.
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

/* The [expect] check for VM vm that needs its disk d, or NULL. */
static const struct scn_check *check_needing(const struct scenario *s, size_t vm,
					     const struct scn_disk *d)
{
	for (size_t i = 0; d->iface && i < ARRAY_SIZE(disk_pci_ids); i++) {
		if (strcmp(d->iface, disk_pci_ids[i].iface))
			continue;
		for (size_t c = 0; c < s->nchecks; c++) {
			const struct scn_check *k = &s->checks[c];

			if (k->kind != CHECK_PCI || !k->id || !scn_check_applies(k, vm))
				continue;
			for (size_t j = 0; disk_pci_ids[i].ids[j]; j++)
				if (strstr(k->id, disk_pci_ids[i].ids[j]))
					return k;
		}
	}
	return NULL;
}

/* "[NAME] " of VM vm when s has several, for notes and reasons; else "". */
static void vm_prefix(const struct scenario *s, size_t vm, struct strbuf *out)
{
	strbuf_reset(out);
	if (s->nvms > 1)
		sb_printf(out, "[%s] ", s->vms[vm].name);
}

/* The disks of VM vm left out into pv; 1 with why appended for a skip. */
static int plan_disks(const struct scenario *s, size_t vm, const struct host_facts *h,
		      struct host_plan_vm *pv, struct strvec *notes, struct strbuf *why)
{
	const struct scn_vm *v = &s->vms[vm];
	struct strbuf pre = STRBUF_INIT;
	int ret = 0;

	vm_prefix(s, vm, &pre);
	pv->ndisks = v->ndisks;
	pv->left_out = xcalloc(v->ndisks ? v->ndisks : 1, 1);
	for (size_t i = 0; i < v->ndisks; i++) {
		const struct scn_disk *d = &v->disks[i];
		const struct scn_check *k;

		if (h->exists(d->file))
			continue;
		k = check_needing(s, vm, d);
		if (k) {
			sb_printf(why, "%sdisk %s (line %d) is not on this host, and the "
				       "[expect%s%s] check of line %d (pci id=%s) needs it",
				  pre.buf, d->file, d->line, k->vm_name ? " " : "",
				  k->vm_name ? k->vm_name : "", k->line, k->id);
			ret = 1;
			break;
		}
		pv->left_out[i] = 1;
		strvec_pushf(notes, "%sdisk %s (line %d) is not on this host: left out",
			     pre.buf, d->file, d->line);
	}
	strbuf_release(&pre);
	return ret;
}

/*
 * The pages of every VM with hugepage=yes into p; 1 with why appended
 * when they are not free and cannot be reserved.
 */
static int plan_hugepages(const struct scenario *s, const struct host_facts *h,
			  struct host_plan *p, struct strbuf *why)
{
	struct strbuf names = STRBUF_INIT;
	long pages = 0, mib = 0;
	size_t nvms = 0;

	for (size_t i = 0; i < s->nvms; i++) {
		const struct scn_vm *v = &s->vms[i];

		if (!v->hugepages)
			continue;
		/* Each VM's memory backend is a whole number of pages. */
		pages += (v->mem_mib * 1024 + HUGEPAGE_KIB - 1) / HUGEPAGE_KIB;
		mib += v->mem_mib;
		sb_printf(&names, "%s[%s]", nvms++ ? ", " : "", v->name);
	}
	if (!pages || (h->dev_hugepages && h->free_hugepages >= pages)) {
		strbuf_release(&names);
		return 0;
	}
	if (!h->root) {
		sb_printf(why, "hugepage memory of %ld MiB%s%s%s needs %ld 2 MiB pages; "
			       "the host has %s and reserving them takes root",
			  mib, nvms > 1 ? " (" : "", nvms > 1 ? names.buf : "",
			  nvms > 1 ? ")" : "", pages,
			  h->dev_hugepages ? "too few free" : "no hugetlbfs at /dev/hugepages");
		strbuf_release(&names);
		return 1;
	}
	p->hugepages = pages;
	strbuf_release(&names);
	return 0;
}

int host_plan_make(const struct scenario *s, const struct host_facts *h,
		   struct host_plan *p, struct strvec *notes, struct strbuf *why)
{
	memset(p, 0, sizeof(*p));
	p->nvms = s->nvms;
	p->vms = xcalloc(s->nvms ? s->nvms : 1, sizeof(*p->vms));
	for (size_t i = 0; i < s->nvms; i++)
		if (plan_disks(s, i, h, &p->vms[i], notes, why))
			return 1;
	return plan_hugepages(s, h, p, why);
}

void host_plan_release(struct host_plan *p)
{
	for (size_t i = 0; p->vms && i < p->nvms; i++)
		free(p->vms[i].left_out);
	free(p->vms);
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

/* A private hugetlbfs on mnt (made), for the run's VMs; -1 with why appended. */
static int mount_hugetlbfs(struct host_adapt *a, const char *mnt,
			   struct strvec *notes, struct strbuf *why)
{
	struct strbuf vms = STRBUF_INIT;
	size_t n = 0;

	if (mkdir(mnt, 0700) ||
	    mount("hugetlbfs", mnt, "hugetlbfs", MS_NOSUID | MS_NODEV, "pagesize=2M")) {
		sb_printf(why, "cannot mount hugetlbfs on '%s': %s", mnt, strerror(errno));
		return -1;
	}
	a->mnt = xstrdup(mnt);
	for (size_t i = 0; i < a->s.nvms; i++)
		if (a->s.vms[i].hugepages)
			sb_printf(&vms, "%s[%s]", n++ ? ", " : "", a->s.vms[i].name);
	if (n > 1)
		strvec_pushf(notes, "hugepages: hugetlbfs mounted on %s for the run, the "
				    "mem-path of the memory backends of %s (the file says "
				    "/dev/hugepages)",
			     a->mnt, vms.buf);
	else
		strvec_pushf(notes, "hugepages: hugetlbfs mounted on %s for the run, its "
				    "memory backend's mem-path (the file says /dev/hugepages)",
			     a->mnt);
	strbuf_release(&vms);
	return 0;
}

/* a->s: the VMs of s, each without the disks p leaves out. */
static void adapted_copy(struct host_adapt *a, const struct scenario *s,
			 const struct host_plan *p)
{
	size_t total = 0, n = 0;

	for (size_t i = 0; i < s->nvms; i++)
		total += s->vms[i].ndisks;
	a->s = *s;
	a->vms = xcalloc(s->nvms ? s->nvms : 1, sizeof(*a->vms));
	a->disks = xcalloc(total ? total : 1, sizeof(*a->disks));
	for (size_t i = 0; i < s->nvms; i++) {
		a->vms[i] = s->vms[i];
		a->vms[i].disks = a->disks + n;
		a->vms[i].ndisks = 0;
		for (size_t d = 0; d < s->vms[i].ndisks; d++)
			if (!p->vms[i].left_out[d])
				a->disks[n + a->vms[i].ndisks++] = s->vms[i].disks[d];
		n += a->vms[i].ndisks;
	}
	a->s.vms = a->vms;
}

int host_adapt_start(struct host_adapt *a, const struct scenario *s,
		     const char *rundir, struct strvec *notes, struct strbuf *why)
{
	struct host_facts h;
	struct host_plan p;
	struct strbuf mnt = STRBUF_INIT;
	int ret;

	memset(a, 0, sizeof(*a));
	host_facts_read(&h);
	ret = host_plan_make(s, &h, &p, notes, why);
	if (!ret)
		adapted_copy(a, s, &p);
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
	free(a->vms);
	free(a->disks);
	memset(a, 0, sizeof(*a));
}
