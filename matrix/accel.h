#ifndef MX_ACCEL_H
#define MX_ACCEL_H

/*
 * Is an accelerator usable, for real? A QEMU binary may list kvm while
 * /dev/kvm does not work (on these machines guests hang, or QEMU aborts
 * on an MSR). So each accelerator boots a tiny guest: the PC firmware
 * (SeaBIOS) with no disk, whose debug console must reach "No bootable
 * device." before the timeout. TCG gets there in about 0.2 s.
 */

#include "util.h"

struct accel_result {
	char name[16];
	int usable;
	double seconds;
	char detail[512];
};

/* Fills *out; returns -1 only when the probe itself could not run. */
int accel_probe(const char *binary, const char *accel, double timeout,
		struct accel_result *out) VM_WUR;

#endif
