#ifndef RUN_LAB_H
#define RUN_LAB_H

/*
 * PCI passthrough without passthrough hardware: the nested "lab VM".
 *
 * The lab (L1) is a TCG guest with an emulated IOMMU (intel-iommu) and
 * an emulated e1000e, booted from the host kernel with intel_iommu=on
 * and a busybox initramfs. Its /init mounts the host's root read-only
 * over virtio-9p and the run directory read-write over a second 9p
 * export, binds the e1000e to vfio-pci (driver_override + drivers_probe)
 * and runs the QEMU under test (L2) from the host tree through chroot,
 * with the argv the runner wrote to the run directory. L2 stays stopped
 * (-S): what matters is that vfio-pci realises the device, which its
 * QMP answers (query-pci...) show; those go to a file in the run
 * directory that the runner reads back after the lab powered off.
 *
 * SR-IOV VFs (a cfg's dev_gen and vf_idx devices) take the same road in
 * a lab with QEMU's emulated igb (82576, SR-IOV, QEMU >= 8.0) in place of
 * the e1000e: one igb per host port the cfg names, each on the root bus
 * at a fixed slot. Its /init makes the VFs dev_gen asks for with the
 * kernel's igb driver (sriov_drivers_autoprobe off, so that igbvf takes
 * none), binds those L2 gets to vfio-pci, and checks that each is where
 * the runner put it in L2's argv: QEMU places VF n of a port at
 * devfn(port) + 0x80 + 2n (igb's SR-IOV offset and stride), so the
 * address is known before the lab boots and L2's recorded argv is the
 * one that ran. Debian's QEMU 7.2 has no igb: the VF lab runs on another
 * QEMU (labqemu.h).
 *
 * On a host with a real VFIO device the runner starts L2 directly and
 * asks the same questions over its QMP socket (inspect_*).
 */

#include <json-c/json.h>

#include "guest.h"
#include "scenario.h"
#include "strbuf.h"

/* Where the e1000e sits in the lab, so the mapper can name it. */
#define LAB_PT_BDF "0000:00:05.0"
/* Its vendor:device as query-pci reports it. */
#define LAB_PT_ID "8086:10d3"
/* The run directory as the QEMU under test sees it inside the lab. */
#define LAB_RUNDIR "/tmp/vmx"

/*
 * The VF lab: host port m of a cfg is an igb at slot LAB_PORT_SLOT0 + 2m
 * of the lab's root bus (two slots apart, so that the 14 function numbers
 * a port's 7 VFs span do not meet the next port's), ports 0 to
 * LAB_PORTS_MAX - 1, at most LAB_PORT_VFS igb VFs each (the 82576's
 * sriov_totalvfs).
 */
#define LAB_PORT_SLOT0 0x08
#define LAB_PORTS_MAX 3
#define LAB_PORT_VFS 7
#define LAB_VF_OFFSET 0x80 /* igb's First VF Offset, in routing ids */
#define LAB_VF_STRIDE 2	   /* igb's VF Stride */
/* What query-pci reports for an igb VF (igbvf) and for the port itself. */
#define LAB_VF_ID "8086:10ca"
#define LAB_PF_ID "8086:10c9"
/* The console line of the VF lab's /init once every VF is bound. */
#define LAB_VF_READY "VMX-LAB-VFS ready"

/* Files in the run directory (host side), shared with the lab. */
#define LAB_ARGV_FILE "l2.argv"	 /* L2's argv, one argument per line */
#define LAB_QMP_IN "qmp.in"	 /* the QMP commands L2 reads on stdin */
#define LAB_QMP_OUT "qmp.out"	 /* its answers */
#define LAB_L2_ERR "qemu.err"	 /* its stderr */
/*
 * The VF lab's work (lab_vf_plan), one line each: "port M PF_BDF N" (make
 * N VFs on port M), then "vf M N PF_BDF VF_BDF MAC|-" (VF N of port M,
 * expected at VF_BDF, its MAC set through the port first unless '-', then
 * bound to vfio-pci), or "pf M PF_BDF" (port M itself, DTS's pf_idx,
 * bound to vfio-pci for L2). Its presence makes the /init a VF lab's.
 */
#define LAB_VF_FILE "lab.vfs"

/*
 * Through libvirt (lab.libvirt present): one value per line, the
 * supervisor (virt-matrix), the daemon, virsh, the socket, the daemon's
 * runtime dir, its log dir, its config dir and the domain name, then
 * the directories to cover with a tmpfs. qemu.conf goes into the config
 * dir; domain.xml is defined; L2's answers come back as pci.json,
 * cpus.json and mem.json, its argv as l2.cmdline, and L2's exit line
 * carries 0, or 1 when libvirt rejected the domain, 2 when it could not
 * start it (virsh.log says why).
 */
#define LAB_LIBVIRT_FILE "lab.libvirt"
#define LAB_DOMAIN_XML "domain.xml"
#define LAB_LIVE_XML "live.xml"
#define LAB_L2_CMDLINE "l2.cmdline"
#define LAB_VIRSH_LOG "virsh.log"
#define LAB_DAEMON_LOG "daemon.log"

/* Console line with L2's exit status (as the lab's shell reports it). */
#define LAB_EXIT "VMX-L2-EXIT"

/* Kernel modules the lab needs (9p, virtio-pci, vfio-pci). */
void lab_modules(struct strvec *out);
/* Those of the VF lab: lab_modules() and igb. */
void lab_vf_modules(struct strvec *out);

/* The lab's address of host port port (0 <= port < LAB_PORTS_MAX). */
void lab_port_bdf(int port, char *out, size_t size);
/* Where QEMU and the lab's kernel put VF vf of host port port. */
void lab_vf_bdf(int port, int vf, char *out, size_t size);

/*
 * Whether the VF lab runs device d of s's first VM, a VF or a host port
 * by index (pf_idx): 0; else -1 with why appended (a port beyond the
 * lab's, more VFs on a port than igb has, a port both given to the VM
 * and making VFs, another passthrough or a vhost-user device beside it),
 * nothing reported. For scenario_runnable().
 */
int lab_vf_runnable(const struct scenario *s, const struct scn_device *d,
		    struct strbuf *why) VM_WUR;

/*
 * The VF lab's work for s as LAB_VF_FILE's text into out: the VFs of
 * every dev_gen of the file (DTS makes them once for the whole file),
 * then the first VM's VF devices and host ports; the number of igb ports
 * the lab needs (the highest port a dev_gen or a pf_idx names, plus one)
 * into *ports. Returns the number of devices L2 gets (0: s has none). What the lab does differently
 * from DTS (the port's driver) is noted in notes. The caller has checked
 * s with scenario_runnable() (ports and VF counts within the lab's).
 */
size_t lab_vf_plan(const struct scenario *s, struct strbuf *out, int *ports,
		   struct strvec *notes);
/*
 * The lab's /init, appended to out: runner/lab-init.sh as embedded at
 * build time, its comment lines dropped and each @NAME@ replaced by the
 * constant of that name (below, and guest.h's GUEST_BEGIN/GUEST_END).
 */
void lab_init_script(struct strbuf *out);

struct lab_env {
	const char *kernel, *initrd;
	const char *rundir; /* host path, exported to the lab */
	long l2_mem_mib;    /* the guest memory L2 asks for */
	int ports;	    /* igb ports (the VF lab); 0: the e1000e at LAB_PT_BDF */
};

/*
 * L1's arguments after those qemu_proc adds (binary, QMP, -nodefaults,
 * firmware).
 */
void lab_argv(const struct lab_env *e, struct strvec *argv);

/*
 * The QMP commands the checks need, as JSON lines with ids, ending with
 * quit (for L2's stdin).
 */
void inspect_qmp_script(struct strbuf *out);

/* Answers by id from a log of QMP output (greeting, replies, events). */
struct inspect_answers {
	json_object *pci, *cpus, *mem; /* "return" values, or NULL */
};

/* Parses L2's QMP output; 0 if the query-pci answer was found. */
int inspect_parse(const char *log, size_t len, struct inspect_answers *a);
void inspect_answers_release(struct inspect_answers *a);

/*
 * Evaluates s's [expect] checks from the answers, plus one check per
 * passthrough device (pt_N present with the expected id: pt_id for a
 * vfio-pci or pci-assign device, vf_id for an SR-IOV VF; NULL: any),
 * into o as the guest would have reported them. Checks that need a
 * running guest (link, traffic) fail with that reason.
 */
void inspect_eval(const struct scenario *s, const struct inspect_answers *a,
		  const char *pt_id, const char *vf_id, struct guest_outcome *o);

#endif
