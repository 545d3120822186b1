#ifndef MX_CAPS_H
#define MX_CAPS_H

/*
 * The capability record of one QEMU binary, keyed by the sha256 of its
 * contents: version, package, target; accelerators tried for real;
 * machine types; CPU models; QOM types; every device type with all its
 * properties and defaults; QMP commands; command-line options; the QMP
 * schema (stored once per distinct schema). Queries an old QEMU lacks
 * are recorded as unsupported. Device types whose introspection crashes
 * QEMU are recorded with QEMU's message and skipped.
 */

#include <json-c/json.h>

#include "store.h"

struct caps_result {
	long long binary_id;
	char sha256[65];
	int reused;	/* unchanged binary: nothing was run */
	int abi_only;	/* capabilities unchanged; only the ABI was added */
	double seconds;
	size_t machines, devices, props, commands, failures;
	size_t abi_machines, abi_distinct, abi_failed;
	double abi_seconds;
	int guest_done; /* the guest view was taken */
	size_t guest_machines, guest_distinct, guest_failed;
	double guest_seconds;
};

/* What caps_probe leaves out (flags). */
#define CAPS_ONLY 1	/* the capabilities: neither the ABI nor the guest view */
#define CAPS_NO_GUEST 2 /* the guest view */

/*
 * Probes binary (or reuses the record of identical content unless force)
 * and stores the record in one transaction, then, unless skip says
 * otherwise, the machine-type ABI fingerprints (abi.h) and the guest
 * view (guestprobe.h). A binary probed before gets only the parts it
 * lacks, or that an older virt-matrix recorded. Returns 0, or -1 after
 * reporting; a failed probe is also recorded (status 'failed'), unless
 * the same binary has a complete record already, which is kept.
 */
int caps_probe(struct store *st, const char *binary, int force, int skip,
	       struct caps_result *out) VM_WUR;

/*
 * For commands that work on installs (run, migrate): the capabilities of
 * the QEMU at binary (the install name) when it has no complete probe
 * record yet, saying so; nothing when it has one. 0 when there is a
 * record afterwards; -1 when the probe failed (warned: the caller's
 * jobs of that QEMU then say so).
 */
int caps_probe_if_missing(struct store *st, const char *name, const char *binary);

/*
 * Checks a reply to one of the probe's queries (cmd: query-version,
 * query-target, query-machines, query-cpu-definitions, query-commands,
 * query-command-line-options, query-qmp-schema, qom-list-types,
 * device-list-properties) for the types of what the record reads of it.
 * Returns 0, or -1 after reporting binary, cmd, where and what came back.
 */
int caps_reply_check(const char *binary, const char *cmd,
		     json_object *reply) VM_WUR;

#endif
