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

/* Files in the run directory (host side), shared with the lab. */
#define LAB_ARGV_FILE "l2.argv"	 /* L2's argv, one argument per line */
#define LAB_QMP_IN "qmp.in"	 /* the QMP commands L2 reads on stdin */
#define LAB_QMP_OUT "qmp.out"	 /* its answers */
#define LAB_L2_ERR "qemu.err"	 /* its stderr */

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
};

/* L1's arguments after those qemu_proc adds (binary, QMP, -nodefaults). */
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
 * passthrough device (pt_N present with the expected id), into o as the
 * guest would have reported them. Checks that need a running guest
 * (link, traffic) fail with that reason.
 */
void inspect_eval(const struct scenario *s, const struct inspect_answers *a,
		  const char *pt_id, struct guest_outcome *o);

#endif
