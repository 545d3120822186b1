#ifndef MX_ACCEL_H
#define MX_ACCEL_H

/*
 * Is an accelerator usable, for real? A QEMU binary may list kvm while
 * /dev/kvm does not work (on these machines guests hang, or QEMU aborts
 * on an MSR). So each accelerator boots a tiny guest: the PC firmware
 * (SeaBIOS) with no disk, whose debug console must reach "No bootable
 * device." before the timeout. TCG gets there in about 0.1 s on an idle
 * machine.
 */

#include <pthread.h>

#include "command.h"
#include "zygote.h"

struct accel_result {
	char name[16];
	int usable;
	double seconds;
	size_t output_bytes; /* what the firmware printed by the end */
	char detail[512];
};

struct accel_check {
	struct command cmd;
	char name[16];
	double t0;
	int running;
};

/*
 * Starts the tiny guest under accel, forked from z (lib/zygote.h) unless
 * it is NULL; -1 (reported) if it cannot start.
 */
int accel_check_start(struct accel_check *c, struct zygote *z,
		      const char *binary, const char *accel) VM_WUR;
/* Waits up to timeout seconds from the start, fills *out, ends the guest. */
void accel_check_finish(struct accel_check *c, double timeout,
			struct accel_result *out);
/* Ends the guest if it still runs (safe after finish or a failed start). */
void accel_check_abort(struct accel_check *c);

/*
 * TCG and KVM checked together on a thread of their own, so that the
 * caller can do other work meanwhile and each time is measured when the
 * guest finishes, not when the caller gets round to looking. KVM counts
 * as usable only if it is not much slower than TCG: it must finish the
 * same self test within twice TCG's time (at least 0.25 s, at most 3 s),
 * and whenever TCG is past its first KiB of firmware output, KVM must
 * have printed at least half of what TCG has, or it is judged then. On these machines KVM runs, but
 * each exit to the host takes so long that a real guest would not boot;
 * a hung KVM guest spins a core, so it is stopped as early as is fair.
 */
struct accel_pair {
	pthread_t thread;
	const char *binary;
	struct zygote *z;
	struct accel_result res[2]; /* tcg, kvm */
	int started;
};

/* Starts both checks (forked from z unless NULL); -1 (reported) if the
 * thread cannot start. */
int accel_pair_start(struct accel_pair *p, struct zygote *z,
		     const char *binary) VM_WUR;
/* Waits for both (bounded by their timeouts) and copies the results. */
void accel_pair_finish(struct accel_pair *p, struct accel_result out[2]);

/*
 * The last line the firmware printed, for a message: of output[0..len)
 * up to its first NUL byte, trailing blanks dropped, at most 200 bytes,
 * "(nothing)" when there is none. Into buf (size bytes, always
 * terminated); ACCEL_LAST_MAX bytes hold the whole of it.
 */
#define ACCEL_LAST_MAX 256
void accel_last_output(const char *output, size_t len, char *buf,
		       size_t size);

/* start + finish; -1 only when the check itself could not run. */
int accel_probe(const char *binary, const char *accel, double timeout,
		struct accel_result *out) VM_WUR;

#endif
