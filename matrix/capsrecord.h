#ifndef MX_CAPSRECORD_H
#define MX_CAPSRECORD_H

/*
 * Internal to matrix/: the capability record as rows. The probe
 * (caps.c) gathers QEMU's replies into struct caps_replies and hands
 * them over; caps_record writes the binaries row and every table that
 * hangs off it in one transaction. The writer never asks QEMU anything.
 */

#include <json-c/json.h>

#include "accel.h"
#include "caps.h"
#include "store.h"

/* The general queries, indexes into caps_queries[] and caps_replies.basic. */
enum caps_query {
	CAPS_VERSION,
	CAPS_TARGET,
	CAPS_MACHINES,
	CAPS_CPU_DEFS, /* the long one */
	CAPS_COMMANDS,
	CAPS_OPTIONS,
	CAPS_SCHEMA,
	CAPS_NQUERIES
};

/*
 * Their QMP command names, which are also what unsupported_queries
 * records of a query QEMU refused.
 */
extern const char *const caps_queries[CAPS_NQUERIES];

/*
 * What QEMU answered, each reply checked by caps_reply_check. The
 * probe owns it; caps_record only reads it.
 */
struct caps_replies {
	json_object *basic[CAPS_NQUERIES]; /* NULL: refused, or never asked */
	char basic_err[CAPS_NQUERIES][64]; /* then QEMU's error class */
	json_object *types;   /* qom-list-types, all */
	json_object *devices; /* qom-list-types, devices, concrete */
	json_object **props;  /* per device, NULL if it failed */
	char **failures;      /* per device, error text */
	size_t ndevices;
	struct accel_result accel[2];
};

/*
 * Replaces the record of sha (and its property sets no other record
 * uses) with r, under status "complete" or "failed" (then with err, and
 * nothing but the binaries row), in one transaction. Sets binary_id,
 * machines, commands, devices, props and failures of res. Returns 0, or
 * -1 after reporting, with the transaction rolled back.
 */
int caps_record(struct store *st, const struct caps_replies *r, const char *sha,
		const char *status, const char *err, double seconds,
		struct caps_result *res) VM_WUR;

/* Sets the capability probe's time (storing included) of record id: 0, or -1 after reporting. */
int caps_record_probe_seconds(struct store *st, long long id, double seconds) VM_WUR;

/* Sets the ABI probe's time of record id, which marks its ABI part complete: 0, or -1 after reporting. */
int caps_record_abi_seconds(struct store *st, long long id, double seconds) VM_WUR;

#endif
