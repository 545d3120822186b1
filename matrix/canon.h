#ifndef MX_CANON_H
#define MX_CANON_H

/*
 * The canonical devices that the ABI probe (abi.c) and the guest view
 * (guestprobe.c) give every versioned machine type, so that both views
 * describe the same machine: the devices the scenarios use, in the
 * order they are given to QEMU. A machine type that refuses one is
 * probed without it; machine_abi.devices records which were given.
 */

#include <stddef.h>

struct canon_dev {
	const char *name;
	const char *const args[5];
	int pcie_only; /* only on machine types with PCI Express (q35) */
};

extern const struct canon_dev canon_devs[];
extern const size_t canon_ndevs;

/* The entry of that name, or NULL. */
const struct canon_dev *canon_find(const char *name);

/*
 * The QOM type of the canonical device with that id ("vnet0":
 * "virtio-net-pci") into type[size]: 1, or 0 when no device has it.
 */
int canon_type_of_id(const char *id, char *type, size_t size);

#endif
