#ifndef RUN_GUEST_H
#define RUN_GUEST_H

/*
 * The guest side of a scenario: which kernel modules it needs, the /init
 * script that runs the [expect] checks, and the parser of what that
 * script prints on the serial console:
 *
 *   VMX-BEGIN <scenario>
 *   VMX-CHECK <n> <kind> pass|fail <detail...>
 *   VMX-END <passed> <failed>
 *
 * after which /init powers the guest off.
 */

#include "scenario.h"
#include "strbuf.h"

/*
 * The guest kernel's command line: the console, no reboot after a panic,
 * and no_timer_check. Under TCG on a loaded host the kernel's check that
 * the timer interrupt reaches the IO-APIC can miss it and panic ("IO-APIC
 * + timer doesn't work!") though QEMU is fine: seen on a 2-core machine
 * busy with builds, a false failure of the scenario, not QEMU's.
 */
#define GUEST_CMDLINE "console=ttyS0 panic=-1 quiet no_timer_check"

#define GUEST_BEGIN "VMX-BEGIN"
#define GUEST_END "VMX-END"

/* Module names for VM k of s (virtio, virtio_net, e1000, e1000e...). */
void guest_modules(const struct scenario *s, size_t k, struct strvec *out);
/*
 * The /init script for VM k of s into out: the checks that apply to it
 * ([expect], and [expect NAME] of that VM), numbered from 1.
 */
void guest_init_script(const struct scenario *s, size_t k, struct strbuf *out);

struct guest_check {
	int n;
	char kind[16];
	int pass;
	char detail[256];
};

struct guest_outcome {
	int begun, ended;   /* markers seen */
	int passed, failed; /* from VMX-END */
	struct guest_check *checks;
	size_t nchecks;
};

/*
 * Parses a console log (bounded by the caller). Lines that are not ours
 * are skipped (the kernel prints too). Returns 0; the outcome says what
 * was seen. guest_outcome_release frees it.
 */
int guest_parse(const char *log, struct guest_outcome *o);
void guest_outcome_release(struct guest_outcome *o);

#endif
