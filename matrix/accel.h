#ifndef MX_ACCEL_H
#define MX_ACCEL_H

/*
 * Is an accelerator usable, for real? A QEMU binary may list kvm while
 * /dev/kvm does not work (on these machines guests hang, or QEMU aborts
 * on an MSR). So each accelerator boots a tiny guest: the PC firmware
 * (SeaBIOS) with no disk, whose debug console must reach "No bootable
 * device." before the timeout. TCG gets there in about 0.2 s.
 */

#include "command.h"

struct accel_result {
	char name[16];
	int usable;
	double seconds;
	char detail[512];
};

struct accel_check {
	struct command cmd;
	char name[16];
	double t0;
	int running;
};

/* Starts the tiny guest under accel; -1 (reported) if it cannot start. */
int accel_check_start(struct accel_check *c, const char *binary,
		      const char *accel) VM_WUR;
/* Waits up to timeout seconds from the start, fills *out, ends the guest. */
void accel_check_finish(struct accel_check *c, double timeout,
			struct accel_result *out);
/* Ends the guest if it still runs (safe after finish or a failed start). */
void accel_check_abort(struct accel_check *c);

/* start + finish; -1 only when the check itself could not run. */
int accel_probe(const char *binary, const char *accel, double timeout,
		struct accel_result *out) VM_WUR;

#endif
