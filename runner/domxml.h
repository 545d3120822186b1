#ifndef RUN_DOMXML_H
#define RUN_DOMXML_H

/*
 * Scenario to libvirt domain XML: the same scenario files as the direct
 * runner, in the terms libvirt has for them, so that what libvirt then
 * makes of it (the QEMU argv) can be compared across libvirt versions.
 *
 *   cpu number, cpupin     <vcpu>, <cputune><vcpupin>
 *   cpu model              <cpu mode='custom'> (host: mode='maximum'
 *                          under TCG, host-passthrough under KVM)
 *   mem size, hugepage     <memory>, <memoryBacking> (memfd + shared
 *                          access when vhost-user needs shared memory)
 *   net nic + user         <interface type='user'> with its model
 *   device vhost-user      <interface type='vhostuser'> (client mode)
 *   device vfio/pci-assign <hostdev mode='subsystem' type='pci'>
 *   device vf_idx          the same, of the VF's address where the run
 *                          made it (the lab VM)
 *   disk                   <disk type='file'>
 *   vnc, qga               <graphics type='vnc' socket>, a guest-agent
 *                          <channel type='unix'>
 *   the guest              <os> kernel, initrd, cmdline; <serial
 *                          type='file'> as the console the runner reads
 */

#include "mapper.h"
#include <sched.h>

#include "scenario.h"
#include "strbuf.h"

struct dom_env {
	const char *name;     /* domain name */
	const char *emulator; /* the QEMU under test */
	const char *virttype; /* "qemu" (TCG) or "kvm" */
	const char *kernel, *initrd, *cmdline; /* kernel NULL: none (the
						* domain is only started paused) */
	const char *console;  /* file the serial console goes to */
	const char *rundir;   /* sockets; relative scenario paths land here */
	const char *pt_host;  /* the BDF that `lab` stands for, or NULL */
	/* Where the run made the SR-IOV VFs (mapper.h's map_env.vf_bdf);
	 * NULL: a VF has no domain XML. */
	void (*vf_bdf)(int pf, int vf, char *out, size_t size);
	/* Where the run provides host port pf (map_env.pf_bdf); NULL: none. */
	void (*pf_bdf)(int pf, char *out, size_t size);
	const struct strvec *firmware; /* "-L DIR" arguments, or NULL */
	/* The host CPUs a run may pin to (host_pin_cpu: a CPU the host
	 * lacks becomes n mod count, noted); NULL: cpupin as written. */
	const cpu_set_t *cpus;
	/* The libvirt under test predates <cpu mode='maximum'> (7.1): model=
	 * host under TCG leaves the CPU model to libvirt; 0: maximum. */
	int no_cpu_maximum;
};

/*
 * Writes the domain XML for s (its one VM) to xml, one note per choice
 * the scenario left open. -1 when libvirt has no way to say it, or the
 * runner does not run s yet (scenario_runnable), with the reason in why
 * (nothing printed).
 */
int domxml_build(const struct scenario *s, const struct dom_env *e,
		 struct strbuf *xml, struct strvec *notes, struct strbuf *why) VM_WUR;

#endif
