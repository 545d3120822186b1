#ifndef VM_REP_MODEL_H
#define VM_REP_MODEL_H

/*
 * The in-memory model of a report. The builders (versions.c,
 * abi_report.c, guest_report.c, abi_views.c, mapping.c, timeline.c,
 * matrix_report.c, migration_report.c, migration_libvirt.c) read the store
 * into it; the writers (html.c, markdown.c, json.c, junit.c) only read
 * it. Every string is malloc'd and owned by the model; indexes into
 * rep_versions stand for QEMU versions. rep_report_release() frees it
 * all.
 */

#include "migrations.h"
#include "outcome.h"
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
	/* The options' keys, texts and props are a memo's (argv.c), not v's. */
	int borrowed;
};

struct rep_map_source {
	int qemu;	  /* rep_versions index, -1 when no longer installed */
	char *qemu_name;
	char *libvirt;	  /* NULL: the direct mapper */
	long long run;	  /* 0 when computed */
	char *status;
	char *argv_json; /* as recorded, or as computed */
	char *tool;	  /* the virt-matrix that made the run; NULL: unknown */
	struct rep_argv argv;
	int computed;	  /* the mapper's argv made at report time, no run */
	struct strvec notes; /* computed: the mapper's notes */
};

struct rep_map_row {
	char *key;
	/* [nsources], NULL where the option is absent; the sources' texts */
	char **cells;
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
	char *name;	/* a corpus VM: "dts/sriov_kvm.cfg [vm2]" */
	char *file;	/* a corpus VM: its file below scenarios/; else NULL */
	char *vm;	/* a corpus VM: its section's name; else NULL */
	/* A corpus VM: "QEMU 5.2.0: why" for each version that cannot
	 * express it (not a source). */
	struct strvec errors;
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
	struct rep_map_scenario *v; /* the scenarios with recorded runs */
	size_t nr;
	/*
	 * DPDK DTS's VM files shipped in scenarios/dts/ (mapping_corpus.c):
	 * one per (file, VM), its sources the mapper's argv for each QEMU
	 * install with a probe record, computed at report time (as
	 * `virt-matrix map` shows them), compared as the runs are.
	 */
	struct rep_map_scenario *corpus;
	size_t ncorpus;
	char *corpus_dir;	 /* where the files were read; NULL: not found */
	struct strvec corpus_skipped; /* "FILE: why" for a file that does not load */
	struct rep_argv_memo *memo;   /* what the sources' argv borrow */
};

/* A sweep, as the parts that read sweeps name it. */
struct rep_sweep_ref {
	long long id; /* sweeps.id; 0: the runs recorded without a sweep */
	char *uuid;   /* NULL for those */
	char *label;  /* uuid, or "legacy" */
	char *kind, *started_at;
};

/* ---- 2b. libvirt's test domains on real pairs (mapping_lvcorpus.c) ---- */

/* What a started cell's argv is against libvirt's own expectation. */
enum rep_lvc_golden {
	REP_LVC_NONE,	  /* not started: nothing to compare */
	REP_LVC_NO_GOLDEN, /* the domain has no golden file at all */
	REP_LVC_ERR,	  /* the nearest golden file is an .err: libvirt's
			   * tests expect an error, and QEMU started */
	REP_LVC_UNREAD,	  /* the golden .args text is not libvirt's form */
	REP_LVC_EQUAL,	  /* equal, normalised */
	REP_LVC_DIFFERS,
};

/* "none", "no-golden", "golden-error", "unreadable", "equal", "differs". */
const char *rep_lvc_golden_name(enum rep_lvc_golden g);

/* An option where a real argv and libvirt's golden argv differ. */
struct rep_lvc_diff {
	char *key;	     /* row key: "-machine", "-sandbox" */
	char *golden, *real; /* normalised values; NULL: absent */
	char *detail;	     /* rep_opt_detail(golden, real): "+acpi=on" */
};

/* Cells counted: by outcome; the started ones compared with golden. */
struct rep_lvc_counts {
	size_t n[CORP_OUTCOME_LAST]; /* cells by outcome */
	size_t compared, differs;    /* started cells with a golden argv; differing */
	/*
	 * Of those differing, the ones whose golden file is of the QEMU
	 * release under test (rep_lvc_cell.same_qemu 1), of another (0); the
	 * rest are of a release not known.
	 */
	size_t differs_same, differs_other;
};

/* A (libvirt install, QEMU install) pair with corpus runs. */
struct rep_lvc_pair {
	char *libvirt, *qemu;
	struct rep_lvc_counts count; /* its cells */
};

/* One (domain, pair): its newest row up to the report's sweep. */
struct rep_lvc_cell {
	size_t domain, pair;	 /* indexes into domains, pairs */
	long long run;		 /* corpus_runs.id */
	enum corp_outcome outcome;
	char *reason;		 /* libvirt's message, or QEMU's own line(s) */
	char *started_at, *sweep; /* sweep: its sweep's uuid */
	int current;		 /* from the report's sweep */
	double seconds;
	struct strvec adaptations;
	enum rep_lvc_golden golden;
	char *golden_file;	 /* the golden file compared with; NULL: none */
	char *golden_qemu;	 /* its QEMU version: "latest", "9.1.0" */
	/* golden_qemu as a version, "latest" resolved (corpus_origins); NULL: not known */
	char *golden_qemu_version;
	/* golden_qemu_version is of the release (major.minor) under test: 1, 0; -1 not known */
	int same_qemu;
	char *golden_origin;	 /* the libvirt source it is of */
	struct rep_lvc_diff *diffs; /* REP_LVC_DIFFERS: the options that differ */
	size_t ndiffs;
};

/* A difference with libvirt's golden argv, counted over every cell. */
struct rep_lvc_common {
	char *key, *detail;
	size_t cells;		/* started cells that show it */
	struct strvec golden;	/* their golden files' QEMU (rep_lvc_golden_label) */
	struct strvec domains;	/* the domains that show it */
	struct strvec pairs;	/* the pairs ("libvirt 11.3.0 / QEMU 10.0.2") */
};

/*
 * What one domain shows alike on several pairs: QEMU's refusal with the
 * same words (rep_lvcorpus.refusals), or the same difference with the
 * golden argv (rep_lvcorpus.domain_diffs).
 */
struct rep_lvc_group {
	size_t domain;	     /* index into domains */
	size_t cell;	     /* the first cell that shows it (its reason) */
	size_t diff;	     /* domain_diffs: index into that cell's diffs */
	struct strvec pairs; /* the pairs that show it, "libvirt x / QEMU y" */
	/* domain_diffs: their golden files, and those files' QEMU (rep_lvc_golden_label) */
	struct strvec golden_files, golden;
};

/* One thing QEMU said when it refused, and where (rep_lvcorpus.by_words). */
struct rep_lvc_refusal {
	const char *words;    /* a refused cell's reason (borrowed) */
	size_t cells;
	struct strvec domains; /* in name order */
	struct strvec pairs;   /* in the order first seen */
};

/* A change across versions that several domains show alike (rep_lvc_change_groups). */
struct rep_lvc_cgroup {
	const struct rep_lvc_domain *d;	 /* the first domain that shows it */
	const struct rep_map_change *c;	 /* its change */
	struct strvec domains;		 /* every domain that shows it */
};

struct rep_lvc_domain {
	char *name, *origin, *file; /* corpus_domains' */
	size_t first, ncells;	    /* its cells, [first, first + ncells), by pair */
	size_t refused, differs;    /* its cells refused by QEMU; differing from golden */
	/*
	 * Its started cells as sources (libvirt, then QEMU order), compared
	 * across versions by rep_map_compare: each change attributed to the
	 * libvirt or QEMU version that made it. name is the domain's.
	 */
	struct rep_map_scenario across;
};

struct rep_lvcorpus {
	int have_sweep;		 /* there are corpus runs */
	struct rep_sweep_ref sweep; /* the report's: the newest with corpus runs, or --sweep */
	struct rep_lvc_pair *pairs; /* by libvirt, then QEMU (version order) */
	size_t npairs;
	struct rep_lvc_domain *domains; /* by name, then origin */
	size_t ndomains;
	struct rep_lvc_cell *cells;	/* by domain, then pair */
	size_t ncells, alloc;
	struct rep_lvc_counts all;	/* every pair's cells */
	size_t changes;			/* changes across versions, every domain */
	/* the golden differences by (option, detail), most cells first */
	struct rep_lvc_common *common;
	size_t ncommon;
	/* QEMU's refusals by (domain, QEMU's words); by domain, then first pair */
	struct rep_lvc_group *refusals;
	size_t nrefusals;
	/* the same by QEMU's words alone, most cells first */
	struct rep_lvc_refusal *by_words;
	size_t nby_words;
	/* each domain's golden differences by (option, detail), in the same order */
	struct rep_lvc_group *domain_diffs;
	size_t ndomain_diffs;
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

/* ---- 5. migrations between QEMU installs (migration_report.c) ---- */

/* How one predictor compares the binaries of a migration's two ends. */
enum rep_fp_cmp {
	REP_FP_MISSING,	     /* an end has no record: not probed, failed, not taken */
	REP_FP_NOT_COMPARED, /* recorded by different definitions (abi_rev, guest_rev) */
	REP_FP_EQUAL,
	REP_FP_DIFFERS,
};

/* "missing", "not-compared", "equal", "differs", as in the JSON schema. */
const char *rep_fp_cmp_name(enum rep_fp_cmp c);

/*
 * THE HOOK for a third predictor: a static check of the vmstate the
 * source sends against what the destination accepts. No builder fills
 * it yet: rep_mig_cell.vmstate is NULL ("not checked"). A module that
 * checks sets it (malloc'd, detail too; rep_migration_release frees
 * both) and then calls rep_migration_classify() again, which counts it
 * as a predictor. The writers print it whenever it is set.
 */
enum rep_vmstate_state {
	REP_VMSTATE_CLEAN,	  /* nothing found that the destination would refuse */
	REP_VMSTATE_ERRORS,	  /* errors: sections, fields or versions it would refuse */
	REP_VMSTATE_NOT_COMPARED, /* the check could not compare the two */
};

struct rep_vmstate_check {
	enum rep_vmstate_state state;
	size_t errors; /* with REP_VMSTATE_ERRORS */
	char *detail;  /* the first error, or why not compared; NULL: none */
};

/* "clean", "errors", "not-compared", as in the JSON schema. */
const char *rep_vmstate_state_name(enum rep_vmstate_state s);
/*
 * "vmstate: clean", "vmstate: 3 errors", "vmstate: not compared" (then
 * ": detail" when there is one) appended to sb; nothing for NULL.
 */
void rep_vmstate_text(struct strbuf *sb, const struct rep_vmstate_check *v);

/*
 * Where the predictors and the verdict disagree (rep_migration_classify):
 * only a pass or a fail between two installs is a verdict on
 * compatibility (an error, skip or unsupported is none; the control
 * holds nothing to predict).
 */
enum rep_mig_disagreement {
	REP_MIG_AGREE,
	/* a predictor said compatible (QEMU's ABI fingerprints equal, the
	 * guest views equal, or vmstate clean) and the migration fails */
	REP_MIG_EQUAL_BUT_FAILS,
	/* the ABI fingerprints differ while the guest views are equal, or
	 * vmstate has errors, and the migration passes */
	REP_MIG_DIFFERS_BUT_PASSES,
};

/* NULL, "equal-but-fails", "differs-but-passes", as in the JSON schema. */
const char *rep_mig_disagreement_name(enum rep_mig_disagreement d);

/*
 * One (source, destination, machine type, mode): the latest row of it.
 * Through libvirt (mode MIG_LIBVIRT) each end is a libvirt install too.
 */
struct rep_mig_cell {
	char *machine;
	char *family;	       /* "pc-q35" */
	enum mig_mode mode;
	char *src, *dst;       /* install names as recorded */
	char *src_libvirt, *dst_libvirt; /* MIG_LIBVIRT: libvirt installs; else NULL */
	char *src_sha, *dst_sha; /* their binaries' sha256 as recorded; NULL: unknown */
	long long id;	       /* migrations.id */
	enum run_status verdict;
	enum mig_side side;    /* which QEMU failed; MIG_SIDE_NONE: none said */
	char *reason;	       /* the failing QEMU's own words; NULL: none */
	double seconds, src_seconds;
	char *started_at;
	int control;	       /* the source to itself (the same libvirt too) */
	int current;	       /* from the report's sweep; else the latest older result */
	char *from_sweep;      /* label of an older result's sweep */
	int has_prev;	       /* a current cell the newest earlier sweep with it had: */
	enum run_status prev_verdict;
	char *prev_sweep;      /* ... its label */
	int regression, fixed; /* against prev_verdict; current cells only */
	char *log;	       /* "logs/migration-N.txt", relative to the output */
	/* the predictors, between the two binaries for this machine type */
	enum rep_fp_cmp abi;   /* QEMU's side: machine_abi.fingerprint */
	enum rep_fp_cmp guest; /* the guest view: machine_guest.fingerprint */
	struct rep_vmstate_check *vmstate; /* the hook: NULL, not checked */
	enum rep_mig_disagreement disagreement;
};

/* A grid of one machine type and mode: sources as rows, destinations as columns. */
struct rep_mig_grid {
	const char *machine, *family; /* the cells' */
	enum mig_mode mode;
	struct strvec versions; /* every source and destination, version order */
	long *cell; /* [versions.nr * versions.nr], row-major: index into cells, -1 none */
};

/* The current cells of one mode by verdict, controls apart. */
struct rep_mig_counts {
	size_t cells;		     /* between two installs */
	size_t n[RUN_STATUS_LAST];   /* of those, by verdict */
	size_t controls, controls_failed;
};

struct rep_migration {
	int have_cur, have_prev;
	struct rep_sweep_ref cur, prev; /* migrate sweeps only */
	/* by family, machine type (natural order), mode, source, destination */
	struct rep_mig_cell *cells;
	size_t ncells, alloc;
	struct rep_mig_grid *grids; /* in the order of the cells */
	size_t ngrids;
	struct strvec versions;	    /* every install of any cell, version order */
	struct strvec machines;	    /* every machine type of any cell, in cell order */
	/* modes[MIG_LIBVIRT] stays empty: rep_mig_libvirt counts its own */
	struct rep_mig_counts modes[MIG_MODE_LAST];
	/*
	 * The current cells between two installs, disagreements first (those
	 * equal but failing, then those differing but passing), then in
	 * cell order: indexes into cells (rep_migration_classify).
	 */
	size_t *predictions;
	size_t npredictions;
	size_t equal_but_fails, differs_but_passes;
	size_t regressions, fixed, current_cells;
};

/* ---- 5b. migrations through libvirt (migration_libvirt.c) ---- */

/*
 * A migration through libvirt held against QEMU's own migration of the
 * same QEMU pair and machine type (rep_mig_lv.direct). Only a pass or a
 * fail on both sides is a verdict.
 */
enum rep_lv_disagreement {
	REP_LV_AGREE,
	/* libvirt fails where QEMU alone passed: libvirt's own checks or
	 * the command line it made broke it */
	REP_LV_FAILS_DIRECT_PASSES,
	/* libvirt passes where QEMU alone failed */
	REP_LV_PASSES_DIRECT_FAILS,
};

/* NULL, "libvirt-fails-direct-passes", "libvirt-passes-direct-fails" (JSON). */
const char *rep_lv_disagreement_name(enum rep_lv_disagreement d);

/* What the section adds to one cell through libvirt. */
struct rep_mig_lv {
	/*
	 * QEMU's own verdict: the cell of the migration part of the same
	 * machine type, source and destination QEMU, in mode file, else live
	 * (one of the report's sweep before an older one); borrowed from
	 * rep_report.migration. NULL: not run.
	 */
	const struct rep_mig_cell *direct;
	enum rep_lv_disagreement disagreement; /* current cells only */
};

struct rep_mig_libvirt {
	/*
	 * The cells of mode MIG_LIBVIRT of the migration part's sweeps (as
	 * rep_migration.cells), by family, machine type, source libvirt and
	 * QEMU, destination libvirt and QEMU.
	 */
	struct rep_mig_cell *cells;
	size_t ncells, alloc;
	struct rep_mig_lv *lv; /* [ncells] */
	/*
	 * Indexes into cells, in the order shown: the disagreements (libvirt
	 * failing where QEMU alone passed, then the other way), the current
	 * failures, the other current cells, then the older results, each
	 * group in cell order.
	 */
	size_t *order;
	struct rep_mig_counts counts; /* the current cells */
	struct strvec machines;	      /* in cell order */
	struct strvec versions, libvirts; /* QEMU and libvirt installs, version order */
	size_t fails_direct_passes, passes_direct_fails;
	size_t regressions, fixed, current_cells;
};

/* ---- the whole report ---- */

enum rep_part {
	REP_ABI = 1,
	REP_MAPPING = 2,
	REP_CAPS = 4,
	REP_MATRIX = 8,
	REP_MIGRATION = 16,
	REP_ALL = 31,
};

struct rep_report {
	unsigned parts;
	/* Logs beside the report of the runs and migrations that failed or
	 * erred only (--logs failed), not of every one. */
	int logs_failed_only;
	char *generated_at;
	char *store_path;
	struct rep_versions versions;
	struct rep_abi abi;
	struct rep_guest guest;
	struct rep_views views;
	struct rep_mapping mapping;
	struct rep_lvcorpus lvcorpus; /* the mapping part's libvirt corpus */
	struct rep_timeline caps;
	struct rep_matrix matrix;
	struct rep_migration migration;
	struct rep_mig_libvirt mig_libvirt; /* borrows from migration */
};

void rep_report_release(struct rep_report *r);

#endif
