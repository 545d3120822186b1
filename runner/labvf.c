/*
 * SR-IOV VF jobs (lab.h): a VM that gets VFs a cfg's dev_gen makes, or
 * host ports by index (DTS's pf_idx), runs in the VF lab, the nested lab
 * VM with QEMU's igb ports, since the runner assumes no SR-IOV hardware
 * and has no port list of its own: directly, or through the libvirt
 * under test. Here the lab's QEMU is chosen (labqemu.h), the VM adapted
 * to the lab (what it cannot have there, noted) and the lab's work
 * written (LAB_VF_FILE); booting the lab and judging L2's answers are
 * labrun.c's, as for the e1000e lab.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "lab.h"
#include "labqemu.h"
#include "labrun.h"
#include "banned.h"

/* What a VF job holds while it runs; vf_lab_release frees it. */
struct vf_lab {
	struct lab_qemu q;
	struct strbuf what, work;
	struct scenario s; /* x->s with vm in place of its VMs */
	struct scn_vm vm;  /* its first VM as the lab runs it (shares strings) */
	struct lab_setup ls;
};

static void vf_lab_release(struct vf_lab *v)
{
	lab_qemu_release(&v->q);
	strbuf_release(&v->what);
	strbuf_release(&v->work);
}

/*
 * The first VM of x->s as L2 runs in the lab, into v->s: no disk (the
 * lab sees the host's tree read-only, and L2 stays stopped: it reads
 * none) and no hugepages (the lab has no hugetlbfs), each noted.
 */
static void vf_lab_adapt(struct run_ctx *x, struct vf_lab *v)
{
	const struct scn_vm *vm = &x->s->vms[0];

	v->s = *x->s;
	v->vm = *vm;
	v->s.vms = &v->vm;
	v->s.nvms = 1;
	v->vm.disks = NULL;
	v->vm.ndisks = 0;
	for (size_t i = 0; i < vm->ndisks; i++)
		strvec_pushf(&x->r->notes, "disk %s (line %d) is left out in the lab "
					   "VM: L2 stays stopped and reads no disk, and "
					   "the lab sees the host read-only",
			     vm->disks[i].file, vm->disks[i].line);
	if (vm->hugepages) {
		v->vm.hugepages = 0;
		strvec_push(&x->r->notes, "mem hugepage=yes is left out in the lab VM, "
					  "which has no hugetlbfs: L2's memory is "
					  "ordinary (it stays stopped)");
	}
}

/*
 * The VF lab for x's job into v: its QEMU, its work in the run
 * directory, the adapted VM. 0; or -1 with the run's verdict (a skip
 * when there is no QEMU to run the lab on, an error when it does not
 * run or the run directory cannot be written).
 */
static int vf_lab_prepare(struct run_ctx *x, struct vf_lab *v)
{
	struct result *r = x->r;
	int ports = 0, rc;
	size_t nvfs;

	memset(v, 0, sizeof(*v));
	strbuf_init(&v->what, 0);
	strbuf_init(&v->work, 0);
	r->accel = "tcg"; /* the lab runs under TCG, whatever the host has */
	if (scenario_count_devices(x->s, DEV_SRIOV_VF))
		strvec_push(&r->notes, "SR-IOV VFs: the runner assumes no SR-IOV "
				       "hardware, so the VFs are made in the nested "
				       "lab VM on QEMU's emulated igb (82576) and L2 "
				       "gets them through vfio-pci");
	if (scenario_count_devices(x->s, DEV_HOST_PF))
		strvec_push(&r->notes, "host ports by index (pf_idx): the runner "
				       "assumes no such hardware, so the ports are "
				       "QEMU's emulated igb (82576) in the nested lab "
				       "VM, and L2 gets them through vfio-pci");
	rc = lab_qemu_find(x->st, &v->q, &r->reason);
	if (rc) {
		r->status = rc > 0 ? RUN_SKIP : RUN_ERROR;
		return -1;
	}
	strvec_pushf(&r->notes, "the lab VM runs on QEMU %s: %s (%s)", v->q.version,
		     v->q.binary, v->q.about.buf);
	nvfs = lab_vf_plan(x->s, &v->work, &ports, &r->notes);
	if (lab_put(x, LAB_VF_FILE, v->work.buf, v->work.len))
		return -1;
	vf_lab_adapt(x, v);
	sb_printf(&v->what, "QEMU %s, TCG, intel-iommu, %d igb port%s with SR-IOV, "
			    "the %zu device%s L2 gets (VFs, or ports by index) "
			    "bound to vfio-pci",
		  v->q.version, ports, ports == 1 ? "" : "s", nvfs, nvfs == 1 ? "" : "s");
	v->ls.qemu = v->q.binary;
	v->ls.firmware = v->q.firmware.nr ? v->q.firmware.v : NULL;
	v->ls.what = v->what.buf;
	v->ls.ports = ports;
	v->ls.up = LAB_VF_READY;
	v->ls.s = &v->s;
	return 0;
}

static void vf_direct(struct run_ctx *x)
{
	struct vf_lab v;

	if (!vf_lab_prepare(x, &v))
		lab_run_direct(x, &v.ls);
	vf_lab_release(&v);
}

static void vf_libvirt(struct run_ctx *x)
{
	struct vf_lab v;

	if (!vf_lab_prepare(x, &v))
		lab_run_libvirt(x, &v.ls);
	vf_lab_release(&v);
}

static int has_vfs(const struct run_ctx *x)
{
	return x->s->nvms && (scenario_count_devices(x->s, DEV_SRIOV_VF) ||
			      scenario_count_devices(x->s, DEV_HOST_PF));
}

static int vf_applies(const struct run_ctx *x)
{
	return !x->j->libvirt && has_vfs(x);
}

static int vf_libvirt_applies(const struct run_ctx *x)
{
	return x->j->libvirt && has_vfs(x);
}

const struct run_backend run_backend_lab_vf = {
	.name = "lab-vf",
	.applies = vf_applies,
	.run = vf_direct,
};

const struct run_backend run_backend_lab_vf_libvirt = {
	.name = "lab-vf+libvirt",
	.applies = vf_libvirt_applies,
	.run = vf_libvirt,
};
