#ifndef RUN_MAPPER_H
#define RUN_MAPPER_H

/*
 * The config-to-command-line mapper: a pure function from a scenario,
 * what the QEMU under test can do (from the store) and where the run's
 * files are, to QEMU's argv. It adapts to the version where QEMU
 * changed, and says so in `notes`; it never works around a QEMU bug,
 * and never passes on a form the version no longer takes.
 *
 * map_vm_argv maps any VM of a file, including what the runner does not
 * run but QEMU can be told (SR-IOV VFs and host ports, with placeholders
 * for their host addresses; tap on a host bridge; DTS's vlans as hubs);
 * map_argv is what the runner runs: the one VM of a scenario it can run.
 */

#include "scenario.h"
#include "store.h"
#include "strbuf.h"

struct map_caps {
	char version[32];
	char q35[64], pc[64];	  /* what the aliases resolve to */
	int has_vfio_pci, has_pci_assign;
	int has_memfd;		  /* memory-backend-memfd */
	int machine_memdev;	  /* -machine memory-backend= (QEMU >= 5.0) */
	int has_vhost_user_netdev; /* "vhost-user" among the netdev types */
};

struct map_env {
	const char *kernel, *initrd, *append; /* kernel NULL: no guest code runs
						 (-S), the runner asks QMP */
	const char *accel;   /* "tcg" or "kvm" */
	const char *rundir;  /* sockets; relative scenario paths land here */
	const char *pt_host; /* the BDF that `lab` stands for, or NULL */
	const char *hugepage_dir; /* mem-path of hugepage memory; NULL:
				     /dev/hugepages, as DTS writes */
	/*
	 * Where the run made the SR-IOV VFs (the lab VM): the address of VF
	 * vf of host port pf into out; NULL: a placeholder, VF<vf>-OF-PF<pf>.
	 */
	void (*vf_bdf)(int pf, int vf, char *out, size_t size);
	/* Where the run provides host port pf (pf_idx), or NULL: a placeholder, PF<pf>. */
	void (*pf_bdf)(int pf, char *out, size_t size);
	/*
	 * The taps the run made for this VM's tap nets (netlab.h): the nth
	 * is tap_prefix + n, opened by name; NULL: the host's bridge named
	 * by the file, through qemu-bridge-helper (shown, not run).
	 */
	const char *tap_prefix;
};

/*
 * The environment of a mapping shown without a run (`virt-matrix map`,
 * the mapping report's DTS corpus): the guest kernel's command line the
 * runner gives, accel ("kvm" or "tcg"), and placeholders for what only a
 * run knows: "<kernel>", "<initrd>", "<rundir>", "<lab-device>".
 */
void map_env_shown(struct map_env *env, const char *accel);

/* Fills c from the store for the binary with that id; -1 if not probed. */
int map_caps_load(struct store *st, long long binary_id, struct map_caps *c) VM_WUR;

/*
 * struct map_caps as text, one "key value" line each (version, q35, pc,
 * vfio-pci, pci-assign, memory-backend-memfd, machine-memory-backend,
 * netdev-vhost-user), so tests keep what real probes gave per version.
 * map_caps_parse reports "FILE:LINE: ..." and returns -1 on bad input.
 */
void map_caps_format(const struct map_caps *c, struct strbuf *out);
int map_caps_parse(const char *file, const char *text, struct map_caps *c) VM_WUR;

/* The socket path of a vhost-user device, resolved against env->rundir. */
void map_vhost_path(const struct map_env *env, const struct scn_device *d,
		    struct strbuf *out);

/* Sets why to the formatted reason; returns -1 (for "cannot map" paths). */
int map_cannot(struct strbuf *why, const char *fmt, ...) VM_PRINTF(2, 3);

/*
 * 0 when the runner runs s as it is; else -1 with why set to the reason
 * (scenario_runnable: VMs sharing a socket, VFs beyond what the lab VM
 * makes), as map_cannot.
 */
int map_runnable(const struct scenario *s, struct strbuf *why) VM_WUR;

/*
 * Appends QEMU's arguments (not the binary, not the QMP monitor) for VM
 * vm (an index into s->vms) to argv, and to notes one line per version
 * adaptation, per placeholder (a VF's or a host port's PCI address) and
 * per thing the host must provide (a bridge). -1 when this QEMU cannot
 * express the VM at all (a missing device, the lab's device without
 * env->pt_host), with the reason in why (nothing printed: the reason
 * belongs to the caller's record). argv and notes may hold part of the
 * mapping then. The VM's own notes (s->vms[vm].notes) are not copied.
 */
int map_vm_argv(const struct scenario *s, size_t vm, const struct map_caps *c,
		const struct map_env *env, struct strvec *argv,
		struct strvec *notes, struct strbuf *why) VM_WUR;

/*
 * map_runnable, for a backend that runs one VM per job (through libvirt,
 * in the lab): also -1 when s has several VMs, which only the direct
 * backend runs together, or tap networking, for which only the direct
 * backend makes a bridge (netlab.h).
 */
int map_one_vm(const struct scenario *s, struct strbuf *why) VM_WUR;

/*
 * map_vm_argv of the only VM, once map_one_vm agrees: what the one-VM
 * backends run. -1 with why as either says.
 */
int map_argv(const struct scenario *s, const struct map_caps *c,
	     const struct map_env *env, struct strvec *argv,
	     struct strvec *notes, struct strbuf *why) VM_WUR;

#endif
