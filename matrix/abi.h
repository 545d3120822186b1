#ifndef MX_ABI_H
#define MX_ABI_H

/*
 * The guest ABI of each versioned machine type (pc-i440fx-X.Y, pc-q35-X.Y,
 * any name ending in a version): the machine starts paused under TCG with
 * one canonical set of devices (those the scenarios use, as far as the
 * machine accepts them), and its state is read back:
 *   qtree    every qdev property of every device (HMP info qtree)
 *   pci      vendor, device, subsystem, class, revision, BAR sizes, layout
 *   cpu      the default CPU model's full expansion
 *   machine  the machine object's own properties
 * Volatile parts (addresses not yet assigned, the machine's own name,
 * paths) are normalised, the lines sorted, and their sha256 is the
 * fingerprint: equal when the guest ABI is equal. The text is stored
 * once per distinct fingerprint for the reports to diff.
 *
 * Compat props (query-machines, QEMU >= 9.1) and the vmstate description
 * (-dump-vmstate, which depends on the binary, not the machine type) are
 * recorded beside the fingerprint, not in it.
 */

#include "store.h"
#include "strbuf.h"

struct abi_result {
	size_t machines;
	size_t distinct;
	size_t failed;
	double seconds;
};

/* Fingerprints every versioned machine type of the probed binary id. */
int abi_probe(struct store *st, long long binary_id, const char *binary,
	      struct abi_result *out) VM_WUR;

/* True for machine type names that end in a version (pc-q35-7.2). */
int abi_is_versioned(const char *machine);

/*
 * Turns the text of HMP "info qtree" into sorted, normalised lines
 * "qtree <path> <property> = <value>" appended to out. machine is the
 * machine type's name, replaced by "<machine>" wherever it appears.
 */
void abi_flatten_qtree(const char *qtree, struct strvec *out);

#endif
