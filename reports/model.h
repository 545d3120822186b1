#ifndef VM_REP_MODEL_H
#define VM_REP_MODEL_H

/*
 * The in-memory model of a report. The builders (versions.c,
 * abi_report.c, guest_report.c, abi_views.c, mapping.c, timeline.c,
 * matrix_report.c) read the store
 * into it; the writers (html.c, markdown.c, json.c, junit.c) only read
 * it. Every string is malloc'd and owned by the model; indexes into
 * rep_versions stand for QEMU versions. rep_report_release() frees it
 * all.
 */

#include "runs.h"
#include "store.h"
#include "strbuf.h"
#include "version.h"

/* ---- QEMU versions: every QEMU install, oldest first ---- */

struct rep_qemu {
	char *name;	   /* install name, what users see: 7.2.22-system */
	char *version;	   /* QEMU's own version string: 7.2.22 (NULL: not probed) */
	char *binary_path;
	long long binary;  /* binaries.id; 0 when the binary was never probed */
	int abi_rev;	   /* which definition its ABI texts follow (1: the first) */
	int guest_rev;	   /* which definition its guest view follows (1: the first) */
	int has_guest;	   /* its guest view was taken (binaries.guest_seconds) */
};

struct rep_versions {
	struct rep_qemu *v;
	size_t nr;
};

/*
 * The QEMU installs of the store, ordered by install name (lib/version.h
 * order), each with its probe record when its binary was probed
 * completely. -1 after reporting a store error.
 */
int rep_versions_load(struct store *st, struct rep_versions *out) VM_WUR;
void rep_versions_release(struct rep_versions *v);
/* The index of install name in v, or -1. */
int rep_versions_find(const struct rep_versions *v, const char *name);

/* ---- 1. ABI ---- */

enum rep_abi_kind {
	REP_ABI_CHANGED,	/* the same property has another value */
	REP_ABI_DEVICE_ADDED,	/* the machine instantiates a device more */
	REP_ABI_DEVICE_REMOVED, /* ... or one less */
	REP_ABI_LAYOUT,		/* BARs, PCI ids, class, memory regions */
	REP_ABI_PROP_ADDED,	/* a property only the newer version has */
	REP_ABI_PROP_REMOVED,	/* a property only the older version has */
};

/* "changed", "device-added", ... as in the JSON schema. */
const char *rep_abi_kind_name(enum rep_abi_kind k);
/* True for the kinds that are guest-ABI breaks (the first four). */
int rep_abi_kind_is_break(enum rep_abi_kind k);

/* One line of specs/abi-acks: an intentional difference, with a reason. */
struct rep_ack {
	char *machine;	/* fnmatch pattern of machine type names */
	char *object;	/* fnmatch pattern of object paths ("*" by default) */
	char *property; /* fnmatch pattern of property names */
	char *from_s, *to_s;
	struct vrange from, to; /* the older and the newer version */
	char *old_value, *new_value; /* fnmatch patterns, NULL: any */
	char *reason;
	int line;
	size_t used; /* differences it acknowledges */
};

struct rep_acks {
	char *path;
	struct rep_ack *v;
	size_t nr;
};

struct rep_abi_diff {
	char *machine;
	int from, to; /* rep_versions indexes, from older than to */
	enum rep_abi_kind kind;
	char *object;	 /* qtree path, "/machine", "cpu" or "pci 0:01.0" */
	char *property;
	char *old_value; /* NULL when absent in the older version */
	char *new_value; /* NULL when absent in the newer version */
	const struct rep_ack *ack;
};

/*
 * Two consecutive versions that have a machine type, on one side: QEMU's
 * (the ABI fingerprints) or the guest's (the guest view). Consecutive
 * among the versions whose record of the machine type is 'ok': a failed
 * one in between is skipped.
 */
struct rep_pair {
	size_t machine; /* index into that side's machines */
	int from, to;	/* rep_versions indexes, from older than to */
	int compared;	/* 0: recorded by different definitions (abi_rev or guest_rev) */
	int equal;	/* the two fingerprints are equal */
	size_t unacked, acked, props; /* its differences (props: QEMU side only) */
	size_t first, ndiffs; /* they are [first, first + ndiffs) of that side's diffs */
};

struct rep_pairs {
	struct rep_pair *v;
	size_t nr, alloc;
	size_t not_compared;
};

/* Appends a pair to p and returns it (valid until the next append). */
struct rep_pair *rep_pairs_add(struct rep_pairs *p, size_t machine, int from, int to);
void rep_pairs_release(struct rep_pairs *p);

/* A machine type and its fingerprint in each version (NULL: absent). */
struct rep_abi_machine {
	char *name;
	char **fingerprint; /* [versions.nr]; "failed" when its probe failed */
	size_t breaks, acked, props; /* unacknowledged breaks, acked, added/removed */
};

struct rep_abi {
	struct rep_abi_machine *machines;
	size_t nmachines;
	struct rep_abi_diff *diffs;
	size_t ndiffs, alloc;
	size_t unacked, acked, props;
	size_t nversions; /* of each machine's fingerprint array */
	struct rep_pairs pairs;
	struct rep_acks acks;
};

/* ---- 1b. the guest view (guest_report.c) ---- */

enum rep_guest_kind {
	REP_GUEST_CHANGED, /* the item's bytes differ */
	REP_GUEST_ADDED,   /* only the newer version has the item */
	REP_GUEST_REMOVED, /* only the older version has it */
};

/* "changed", "added", "removed": the property of an acknowledgement. */
const char *rep_guest_kind_name(enum rep_guest_kind k);

/*
 * One item going from one content to another (sha256 NULL: absent),
 * decoded (matrix/guestdecode.h) and line-diffed once for every machine
 * type and version pair that shows the same change.
 */
struct rep_guest_change {
	char *item;		/* "acpi/DSDT" */
	char *old_sha, *new_sha;
	struct strvec lines;	/* the unified diff, capped; "... N more lines" last */
	size_t more;		/* lines of the diff not shown */
	char *removed, *added;	/* every removed, added line, '\n'-joined ("" none) */
	int decoded;		/* 0: a decoder failed, the lines are of hex dumps */
	char *key;		/* the contents it was made from, and what their decoders read */
};

struct rep_guest_diff {
	size_t machine; /* index into rep_guest.machines */
	int from, to;
	enum rep_guest_kind kind;
	size_t change; /* index into rep_guest.changes */
	const struct rep_ack *ack;
};

struct rep_guest_machine {
	char *name;
	char **fingerprint; /* [nversions]: NULL absent, "failed" when not taken */
	size_t unacked, acked;
};

struct rep_guest {
	struct rep_guest_machine *machines;
	size_t nmachines;
	struct rep_pairs pairs;
	struct rep_guest_diff *diffs;
	size_t ndiffs, dalloc;
	struct rep_guest_change *changes;
	size_t nchanges, changes_alloc;
	size_t unacked, acked;
	size_t nversions;
};

/* ---- 1c. where QEMU's side and the guest's disagree (abi_views.c) ---- */

/*
 * A (machine type, version pair) compared on both sides where one side
 * differs and the other does not. QEMU's side differs when it has
 * guest-ABI breaks (acknowledged or not; added or removed properties
 * alone are not), the guest's when its fingerprints differ.
 */
struct rep_disagreement {
	size_t qemu, guest; /* indexes into abi.pairs and guest.pairs */
	int guest_differs;  /* 1: only the guest view differs; 0: only QEMU's side */
};

struct rep_views {
	struct rep_disagreement *v;
	size_t nr, alloc;
};

/* ---- 2. command-line mapping ---- */

/* One option of a normalised argv. */
struct rep_opt {
	char *key;	    /* row key: "-device virtio-net-pci", "-L #1" */
	char *text;	    /* the normalised value, props joined with ',' */
	struct strvec props; /* "k=v" (or a bare word), sorted unless positional */
};

struct rep_argv {
	char *binary; /* argv[0] */
	struct rep_opt *v;
	size_t nr;
};

struct rep_map_source {
	int qemu;	  /* rep_versions index, -1 when no longer installed */
	char *qemu_name;
	char *libvirt;	  /* NULL: the direct mapper */
	long long run;
	char *status;
	char *argv_json; /* as recorded */
	char *tool;	  /* the virt-matrix that made the run; NULL: unknown */
	struct rep_argv argv;
};

struct rep_map_row {
	char *key;
	char **cells; /* [nsources], NULL where the option is absent */
	int differs;
};

struct rep_map_change {
	size_t row;
	const char *dimension; /* "qemu" or "libvirt" */
	char *from, *to;       /* the versions of that dimension */
	struct strvec contexts; /* the other dimension: "libvirt 9.0.0", "direct" */
	char *old_text, *new_text; /* NULL: absent */
	char *detail;	       /* "+acpi=on", "size=256 -> size=262144k" */
};

struct rep_map_scenario {
	char *name;
	char *tool; /* the virt-matrix that made the compared runs; NULL: unknown */
	struct rep_map_source *sources;
	size_t nsources;
	/* Runs another virt-matrix made: not compared (to be run again). */
	struct rep_map_source *aside;
	size_t naside;
	struct rep_map_row *rows;
	size_t nrows;
	struct rep_map_change *changes;
	size_t nchanges;
};

struct rep_mapping {
	struct rep_map_scenario *v;
	size_t nr;
};

/* ---- 3. capability timeline ---- */

struct rep_tl_item {
	const char *kind;     /* "machine", "device", "property", "command" */
	char *name;
	char *present;	      /* one char per version: '1', '0', '?' (not probed) */
	int first, last;      /* version indexes, -1 when never present */
	struct strvec devices; /* "property": the device types sharing this span */
};

struct rep_tl_default {
	char *property;
	struct strvec devices;
	char **values; /* [versions.nr]: JSON default, "(none)", or NULL (absent) */
};

struct rep_timeline {
	struct rep_tl_item *items;
	size_t nitems, alloc;
	struct rep_tl_default *defaults;
	size_t ndefaults, dalloc;
	size_t props_same_span; /* properties whose span is their device's */
	size_t nversions;
};

/* ---- 4. sweep matrix ---- */

struct rep_sweep_ref {
	long long id; /* sweeps.id; 0: the runs recorded without a sweep */
	char *uuid;   /* NULL for those */
	char *label;  /* uuid, or "legacy" */
	char *kind, *started_at;
};

struct rep_cell {
	char *scenario, *qemu, *libvirt; /* libvirt NULL: direct */
	long long run;
	char *status, *reason, *accel, *started_at;
	enum run_status verdict; /* status, checked when it was read */
	double seconds;
	int current;	   /* the run belongs to the current sweep */
	char *from_sweep;  /* label of the sweep of an older result */
	long long prev_run; /* the same cell in the previous sweep, 0: none */
	char *prev_status;
	char *prev_sweep;  /* label of the sweep of prev_run, NULL: none */
	int regression;	   /* pass in the previous sweep, fail/error now */
	int fixed;	   /* fail/error in the previous sweep, pass now */
	char *log;	   /* "logs/run-N.txt", relative to the output */
};

struct rep_matrix {
	int have_cur, have_prev;
	struct rep_sweep_ref cur, prev;
	struct rep_cell *cells;
	size_t ncells, alloc;
	struct strvec scenarios, qemus, libvirts; /* libvirts: "direct" first */
	size_t regressions, fixed, current_cells;
};

/* ---- the whole report ---- */

enum rep_part {
	REP_ABI = 1,
	REP_MAPPING = 2,
	REP_CAPS = 4,
	REP_MATRIX = 8,
	REP_ALL = 15,
};

struct rep_report {
	unsigned parts;
	char *generated_at;
	char *store_path;
	struct rep_versions versions;
	struct rep_abi abi;
	struct rep_guest guest;
	struct rep_views views;
	struct rep_mapping mapping;
	struct rep_timeline caps;
	struct rep_matrix matrix;
};

void rep_report_release(struct rep_report *r);

#endif
