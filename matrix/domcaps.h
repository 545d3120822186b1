#ifndef MX_DOMCAPS_H
#define MX_DOMCAPS_H

/*
 * libvirt's side of the probe: for one libvirt install and every probed
 * QEMU install, the domain capabilities for that emulator, q35 and
 * i440fx ("pc"), from a daemon of that libvirt version (libvirtd.h).
 * A pair already recorded with the same libvirtd and QEMU binaries is
 * skipped unless force.
 */

#include "installs.h"
#include "store.h"

struct domcaps_result {
	/* unsupported: pairs the daemon refuses by rule (lib/support.h) */
	size_t pairs, probed, skipped, failed, unsupported;
	double seconds;
};

int domcaps_probe(struct store *st, const struct install *libvirt,
		  const struct install *qemus, size_t nqemus, int force,
		  struct domcaps_result *out) VM_WUR;

#endif
