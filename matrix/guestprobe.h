#ifndef MX_GUESTPROBE_H
#define MX_GUESTPROBE_H

/*
 * Taking the guest view (matrix/guestview.h) of every versioned machine
 * type of a probed binary and recording it (matrix/guestrecord.h). Each
 * machine type runs with the canonical devices its ABI probe was given
 * (machine_abi.devices; all of canon.h when the ABI part is not
 * recorded), so that the two views describe the same machine, under TCG
 * with the firmware every QEMU here is given (lib/qemuproc.c's -L
 * directories: Debian's SeaBIOS and iPXE), so that a difference between
 * two QEMU versions is QEMU's, not the firmware's.
 */

#include <stddef.h>

#include "store.h"
#include "strbuf.h"
#include "zygote.h"

struct guest_result {
	size_t machines;
	size_t distinct;
	size_t failed;
	double seconds;
};

/*
 * The argv (after the binary, the machine and qtest's own options) that
 * the guest view of machine gives QEMU: memory, then the canonical
 * devices named in devices (space-separated; NULL: every one the machine
 * takes, by canon.h's pcie_only), the block device backed by image.
 */
void guest_args(const char *machine, const char *devices, const char *image,
		struct strvec *out);

/*
 * Takes and records the guest view of every versioned machine type of
 * binary id; QEMUs are forked from z (NULL: each is an exec). A machine
 * type that fails is recorded as failed with its reason; 0 when the
 * record was written, -1 reported otherwise (interrupted included).
 */
int guest_probe_in(struct store *st, long long id, const char *binary,
		   struct zygote *z, struct guest_result *out) VM_WUR;

#endif
