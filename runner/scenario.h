#ifndef RUN_SCENARIO_H
#define RUN_SCENARIO_H

/*
 * Scenario files, in the VM configuration format of DPDK's test suite
 * (DTS) virtualization framework: INI sections, `key = value` with the
 * value continued on indented lines, each value a list of entries
 * separated by ';' or line ends, each entry `name=value` pairs separated
 * by ','. A DTS cfg loads as it is.
 *
 *   [vm0]                      the VM (the first section that is not
 *                              [host] or [expect]; exactly one)
 *   cpu = model=host,number=2,cpupin=0 1;
 *   mem = size=512,hugepage=yes;
 *   device = driver=vhost-user,opt_path=./vhost-net,opt_mac=00:00:20:00:00:20
 *   net = type=user,opt_vlan=0;
 *   [host]                     what the host must provide
 *   [expect]                   what the guest must show
 *
 * Keys and options are checked against tables (scenario.c); anything
 * else is an error naming the file, the line and the expected form.
 */

#include <stddef.h>

#include "util.h"

/* One `name=value` of an entry; value "" when the entry says `name`. */
struct scn_opt {
	char *name;
	char *value;
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
};

struct scn_device {
	enum scn_dev_kind kind;
	char *path;	/* vhost-user: opt_path (socket) */
	char *mac;	/* opt_mac */
	char *host;	/* vfio-pci/pci-assign: opt_host (BDF, or "lab") */
	char *addr;	/* opt_addr: guest PCI slot */
	char *netdev;	/* virtio-net-pci: opt_netdev */
	char *settings; /* opt_settings: extra device properties */
	int queues;	/* opt_queue; 0 = default */
	int line;
};

enum scn_net_kind { NET_NIC, NET_USER, NET_TAP };

struct scn_net {
	enum scn_net_kind kind;
	char *model;   /* nic: opt_model (default e1000) */
	char *mac;     /* opt_macaddr / opt_mac */
	char *hostfwd; /* user: opt_hostfwd */
	int vlan;      /* opt_vlan */
	int line;
};

struct scn_disk {
	char *file;
	char *format; /* opt_format */
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
};

/* [host]: what the host provides. */
struct scn_host {
	int vhost_ports;      /* vhost = backend=testpmd,ports=N */
	char *passthrough;    /* passthrough = device=BDF|lab */
	int line_vhost, line_passthrough;
};

struct scenario {
	char *name; /* file name without directory and .cfg */
	char *path;
	char *vm_name; /* the VM section's name */
	/* [vm] */
	char *machine;	 /* machine = machine=q35 (default q35) */
	char *cpu_model; /* cpu model=, NULL for QEMU's default */
	int cpus;	 /* cpu number=, default 1 */
	char *cpupin;	 /* cpu cpupin=, host CPUs, space separated */
	long mem_mib;	 /* mem size=, default 512 */
	int hugepages;	 /* mem hugepage=yes */
	int vnc;	 /* vnc displayNum=, -1 = none */
	int qga;	 /* qga enable=yes */
	char *login_user, *login_password; /* kept, unused by the runner */
	char *usercmd;	 /* usercmd cmd=: recorded, never run */
	struct scn_disk *disks;
	size_t ndisks;
	struct scn_net *nets;
	size_t nnets;
	struct scn_device *devices;
	size_t ndevices;
	struct scn_host host;
	struct scn_check *checks;
	size_t nchecks;
};

/*
 * Loads and checks path. On error returns -1 after reporting
 * "error: PATH:LINE: what is wrong; expected ..." and *s is released.
 */
int scenario_load(struct scenario *s, const char *path) VM_WUR;
/* Same, from a buffer; name and path are used in messages and s->name. */
int scenario_parse(struct scenario *s, const char *path, const char *text,
		   size_t len) VM_WUR;
void scenario_release(struct scenario *s);

/* The number of vhost-user devices; of passthrough (vfio/pci-assign) ones. */
size_t scenario_count_devices(const struct scenario *s, enum scn_dev_kind k);

#endif
