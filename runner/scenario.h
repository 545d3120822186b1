#ifndef RUN_SCENARIO_H
#define RUN_SCENARIO_H

/*
 * Scenario files, in the VM configuration format of DPDK's test suite
 * (DTS) virtualization framework: INI sections, `key = value` with the
 * value continued on indented lines, each value a list of entries
 * separated by ';' or line ends, each entry `name=value` pairs separated
 * by ','. Every VM section of a DTS cfg loads as it is.
 *
 *   [vm0]                      a VM: every section but [host], [expect]
 *   cpu = model=host,number=2,cpupin=0 1;          and [scene]; a file may
 *   mem = size=512,hugepage=yes;                   hold several, in order
 *   device = driver=vhost-user,opt_path=./vhost-net,opt_mac=00:00:20:00:00:20
 *   net = type=nic,opt_vlan=0; type=user,opt_vlan=0;
 *   dev_gen = pf_idx=0,vf_num=2,driver=igb_uio     VFs made on host port 0
 *   device = vf_idx=0,pf_dev=0,guestpci=auto       its VF 0 in the guest
 *   [vm1]
 *   ...
 *   [host]                     what the host provides; a [host] whose
 *                              first key is a VM key (cpu, mem...) is a
 *                              VM named host, as in DTS
 *   [expect]                   what the guest (the first VM) must show
 *   [scene]                    DTS's scene settings, noted
 *
 * Keys and options are checked against tables (scenario_vm.c,
 * scenario_file.c): every key DTS has a handler for loads; what the
 * runner does not act on (login, daemon, monitor, qemu path=, [scene]...)
 * is kept and said in a note. What DTS itself refuses, or has no handler
 * for, is an error naming the file, the line and the expected form.
 * Vhost-user devices without a `vhost` line in [host] get testpmd, as
 * `vhost = backend=testpmd` gives.
 */

#include <stddef.h>

#include "strbuf.h"
#include "util.h"

/* One `name=value` of an entry; value "" when the entry says `name`. */
struct scn_opt {
	char *name;
	char *value;
	int bare; /* no '=': a word after a ',', as in cpupin=4,5 */
};

/* One entry of a key's value: `a=1,b=2`. */
struct scn_entry {
	struct scn_opt *opts;
	size_t nr;
	int line;
};

enum scn_dev_kind {
	DEV_VHOST_USER,	    /* driver=vhost-user */
	DEV_VFIO_PCI,	    /* driver=vfio-pci */
	DEV_PCI_ASSIGN,	    /* driver=pci-assign (old name of passthrough) */
	DEV_VIRTIO_NET_PCI, /* driver=virtio-net-pci */
	DEV_SRIOV_VF,	    /* vf_idx=N,pf_dev=M: VF N of the host's port M */
	DEV_HOST_PF,	    /* pf_idx=N: the host's port N itself */
};

struct scn_device {
	enum scn_dev_kind kind;
	char *path;	/* vhost-user: opt_path (socket) */
	char *mac;	/* opt_mac; a VF: mac=, which DTS sets through the PF */
	char *host;	/* vfio-pci/pci-assign: opt_host (BDF, or "lab") */
	char *addr;	/* opt_addr, or guestpci= (NULL for auto): guest PCI slot */
	char *netdev;	/* virtio-net-pci: opt_netdev */
	char *settings; /* opt_settings: extra device properties */
	int queues;	/* opt_queue; 0 = default */
	int pf;		/* a VF: pf_dev; a PF: pf_idx (the host's port index) */
	int vf;		/* a VF: vf_idx (among the VFs of that port) */
	int line;
};

/* dev_gen = pf_idx=0,vf_num=2,driver=igb_uio: VFs DTS makes on a host port. */
struct scn_vf_gen {
	int pf;	      /* pf_idx: the host's port index */
	int vfs;      /* vf_num; 1 when absent, as in DTS */
	char *driver; /* the port's host driver: igb_uio, vfio-pci, default */
	int line;
};

enum scn_net_kind { NET_NIC, NET_USER, NET_TAP };

struct scn_net {
	enum scn_net_kind kind;
	char *model;   /* nic: opt_model (default e1000) */
	char *mac;     /* opt_macaddr / opt_mac */
	char *hostfwd; /* user: opt_hostfwd */
	char *bridge;  /* tap: opt_br (DTS uses br0 when absent) */
	int vlan;      /* opt_vlan (QEMU dropped vlan= in 3.0) */
	int line;
};

struct scn_disk {
	char *file;
	char *format; /* opt_format, or libvirt's type= */
	char *iface;  /* opt_if */
	int line;
};

/* [expect]: one check the guest's /init runs. */
enum scn_check_kind {
	CHECK_PCI,    /* pci = id=1af4:1000[|1af4:1041...][,count=N]: N devices
			 with one of these ids */
	CHECK_CPUS,   /* cpus = count=N */
	CHECK_MEM,    /* mem = min=MiB[,max=MiB] */
	CHECK_LINK,   /* link = count=N (virtio/e1000 interfaces up) */
	CHECK_TRAFFIC /* traffic = packets=N (sent on the first vhost port,
			 counted by the backend on the second) */
};

struct scn_check {
	enum scn_check_kind kind;
	char *id;	/* pci: vendor:device, lower case hex */
	long count;	/* pci, cpus, link, traffic */
	long min, max;	/* mem, MiB; max 0 = none */
	int line;
	char *vm_name;	/* [expect NAME]: the VM it is for; NULL: [expect] */
	int vm;		/* that VM's index in s->vms; -1: every VM */
};

/* [host]: what the host provides. */
struct scn_host {
	int vhost_ports;      /* vhost = backend=testpmd,ports=N; 2 when a VM
				 has vhost-user devices and no line says so */
	char *passthrough;    /* passthrough = device=BDF|lab */
	int line_vhost, line_passthrough; /* 0: not in the file */
};

/* One VM section. */
struct scn_vm {
	char *name;	 /* the section's name: vm0, vm, host, backup... */
	int line;	 /* of its [name] line */
	char *machine;	 /* machine = machine=q35 (default q35) */
	char *cpu_model; /* cpu model=, NULL for QEMU's default */
	int cpus;	 /* cpu number=, default 1 */
	char *cpupin;	 /* cpu cpupin= (or a scene's cpu_pin=), host CPUs,
			    space separated */
	long mem_mib;	 /* mem size=, default 512 */
	int hugepages;	 /* mem hugepage=yes */
	int vnc;	 /* vnc displayNum=, -1 = none */
	int qga;	 /* qga enable=yes */
	char *login_user, *login_password; /* kept, unused by the runner */
	char *usercmd;	 /* usercmd cmd=: recorded, never run */
	char *qemu_path; /* qemu path=: noted, the QEMU under test runs */
	struct scn_disk *disks;
	size_t ndisks;
	struct scn_net *nets;
	size_t nnets;
	struct scn_device *devices;
	size_t ndevices;
	struct scn_vf_gen *vf_gens;
	size_t nvf_gens;
	/* What the section says that the runner does not act on, one
	 * "[vm0] line N: ..." each. */
	struct strvec notes;
};

struct scenario {
	char *name; /* file name without directory and .cfg */
	char *path;
	struct scn_vm *vms; /* in file order; at least one once loaded */
	size_t nvms;
	struct scn_host host;
	struct scn_check *checks; /* [expect] and [expect NAME], in file order */
	size_t nchecks;
	/* What the file says outside its VMs that the runner does not act
	 * on ([scene]), and the defaults it took. */
	struct strvec notes;
};

/*
 * Loads and checks path. On error returns -1 after reporting
 * "error: PATH:LINE: what is wrong; expected ..." and *s is released.
 */
int scenario_load(struct scenario *s, const char *path) VM_WUR;
/* Same, from a buffer; name and path are used in messages and s->name. */
int scenario_parse(struct scenario *s, const char *path, const char *text,
		   size_t len) VM_WUR;
/*
 * The bundled scenarios run by default, appended to paths: the .cfg and
 * .xml files directly in paths_data_dir("scenarios"), in name order (the
 * DTS corpus below it, dts/, is for `map` and the mapping report, and
 * runs only when named). -1 after reporting an unreadable directory.
 */
int scenario_bundled(struct strvec *paths) VM_WUR;
/*
 * The file a scenario name stands for, into path: a path as given when
 * that file exists (it has a '/' or ends in .cfg or .xml); else one of
 * the bundled scenarios (paths_data_dir("scenarios")): NAME.cfg or
 * NAME.xml there, or, for a relative name with a '/', the file below it
 * ("dts/vf_vlan.cfg", "dts/vf_vlan"). -1 after reporting "no scenario
 * 'NAME' (looked for ...)" with every place tried.
 */
int scenario_find(const char *name, struct strbuf *path) VM_WUR;
/* Frees what s holds and zeroes it; s may be zeroed already. */
void scenario_release(struct scenario *s);

/*
 * The devices of kind k of the first VM, the one the runner runs (0 when
 * s has no VM, as a user's domain XML).
 */
size_t scenario_count_devices(const struct scenario *s, enum scn_dev_kind k);

/*
 * The dev_gen of any VM of s that makes VFs on host port pf (DTS makes
 * them once for the whole file), or NULL.
 */
const struct scn_vf_gen *scenario_vf_gen(const struct scenario *s, int pf);

/* Whether check k is for VM vm ([expect], or [expect NAME] of that VM). */
static inline int scn_check_applies(const struct scn_check *k, size_t vm)
{
	return k->vm < 0 || (size_t)k->vm == vm;
}

/*
 * A vhost-user device as a port of the scenario's one testpmd: the
 * vhost-user devices of all VMs in file order are its ports 0, 1, ...,
 * and testpmd forwards port 2n to 2n+1 and back (io mode, paired ports).
 */
struct scn_port {
	size_t vm;   /* index in s->vms */
	size_t dev;  /* index in that VM's devices */
	size_t port; /* testpmd's port number */
};

/*
 * The nth vhost-user device of VM vm into *p: 0, or -1 when it has
 * fewer than n+1.
 */
int scenario_vhost_port(const struct scenario *s, size_t vm, size_t n,
			struct scn_port *p);
/* The port testpmd pairs with *p into *peer: 0, or -1 when there is none. */
int scenario_vhost_peer(const struct scenario *s, const struct scn_port *p,
			struct scn_port *peer);

/*
 * Whether the runner can run s as it is: 0; else -1 with why appended
 * (two VMs on one vhost-user socket, an SR-IOV VF beyond what the lab
 * VM's igb ports make: lab.h's lab_vf_runnable, a host port by index),
 * nothing reported. A skip, not an error: the file is fine. Several VMs
 * run together in one job on the direct backend; the one-VM backends
 * say so themselves (map_one_vm).
 */
int scenario_runnable(const struct scenario *s, struct strbuf *why) VM_WUR;

/* Every note of s, the file's then each VM's, appended to out. */
void scenario_notes(const struct scenario *s, struct strvec *out);

#endif
