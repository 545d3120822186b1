#ifndef VM_REP_BUILDERS_H
#define VM_REP_BUILDERS_H

/*
 * Inside reports/: the functions that fill the model (model.h) from the
 * store, and the writers that turn a model into HTML, Markdown, JSON or
 * JUnit XML. report.c strings them together, from its tables of parts
 * and formats. Builders return 0, or -1 after reporting; on failure what
 * they filled is still released by rep_report_release().
 */

#include <stdint.h>

#include "model.h"

/* ---- abi_acks.c ---- */

/*
 * Parses the acknowledgement file text (named path in messages) into
 * out, which owns what it holds. Errors name the file and line:
 * "specs/abi-acks:4: unknown key 'machin'; expected ...". -1 after
 * reporting.
 */
int rep_acks_parse(const char *path, const char *text, struct rep_acks *out) VM_WUR;
/* Reads and parses path. -1 after reporting (a missing file included). */
int rep_acks_load(const char *path, struct rep_acks *out) VM_WUR;
void rep_acks_release(struct rep_acks *a);
/*
 * The first entry that acknowledges a difference of property on object
 * of machine from version `from` to `to` (install names), with old and
 * new values (NULL: absent, matched as ""), or NULL. Counts its use.
 * Entries whose object starts with "guest:" match only such objects
 * (the guest view's items), the others only the other objects.
 */
struct rep_ack *rep_acks_match(struct rep_acks *a, const char *machine,
			       const char *object, const char *property,
			       const char *from, const char *to,
			       const char *old_value, const char *new_value);

/* ---- pairs.c ---- */

/*
 * Calls fn(ctx, from, to) for each two consecutive versions whose
 * fingerprint (fingerprint[0..nv): NULL absent, "failed") is there.
 * Returns the first non-zero fn returned, or 0.
 */
int rep_pairs_walk(char *const *fingerprint, size_t nv,
		   int (*fn)(void *ctx, int from, int to), void *ctx);

/* ---- abi_report.c ---- */

/*
 * Compares the fingerprint texts (abi_texts lines, see matrix/abitext.c) of
 * machine in versions from and to (older first), appending differences
 * to abi->diffs, acknowledged through abi->acks. Returns the number of
 * differences appended.
 */
size_t rep_abi_compare(struct rep_abi *abi, const struct rep_versions *v,
		       const char *machine, int from, int to,
		       const char *old_text, const char *new_text);
/*
 * Every versioned machine type of every probed version: each one's
 * fingerprints compared between consecutive versions that have it.
 * abi->acks must be loaded (or empty) before.
 */
int rep_abi_build(struct store *st, const struct rep_versions *v,
		  struct rep_abi *abi) VM_WUR;
void rep_abi_release(struct rep_abi *abi);

/* Differences that are the same but for the machine type, for display. */
struct rep_abi_group {
	const struct rep_abi_diff *d; /* the first of the group */
	struct strvec machines;
};
/* Groups of breaks (breaks != 0) or of added/removed properties. */
void rep_abi_groups(const struct rep_abi *abi, int breaks,
		    struct rep_abi_group **out, size_t *n);
void rep_abi_groups_free(struct rep_abi_group *g, size_t n);

/* ---- guest_change.c ---- */

/* One item of a guest-view record: its name and the sha256 of its bytes. */
struct rep_item_ref {
	char *name, *sha;
};

/* A record's items, by name (byte order). */
struct rep_items {
	struct rep_item_ref *v;
	size_t nr, alloc;
};

/* Decoded items by content, for one report build. */
struct rep_decoder;
/* A decoder reading item bytes from st; NULL after reporting. */
struct rep_decoder *rep_decoder_new(struct store *st);
void rep_decoder_free(struct rep_decoder *d);

/*
 * The index in g->changes of item name going from its content in record
 * a to its content in record b (absent from one of them for an added or
 * removed item): an earlier one with the same item and contents, or a
 * new one, decoded and diffed. -1 after reporting a store error (a
 * decoder that fails is no error: the change shows hex dumps).
 */
long rep_guest_change_of(struct rep_decoder *d, struct rep_guest *g,
			 const char *name, const struct rep_items *a,
			 const struct rep_items *b);
void rep_guest_change_release(struct rep_guest_change *c);

/* ---- guest_report.c ---- */

/*
 * The guest view of every versioned machine type of every version whose
 * guest view was taken: compared between consecutive versions that have
 * it and follow the same definition (guest_rev), item by item, each
 * difference acknowledged through acks (entries with object "guest:...").
 */
int rep_guest_build(struct store *st, const struct rep_versions *v,
		    struct rep_acks *acks, struct rep_guest *g) VM_WUR;
void rep_guest_release(struct rep_guest *g);

/*
 * Differences that are the same but for the machine type and the
 * item's contents (versions, kind, item, acknowledgement), for display:
 * unacknowledged first.
 */
struct rep_guest_group {
	const struct rep_guest_diff *d; /* the first of the group */
	struct strvec machines;
};
void rep_guest_groups(const struct rep_guest *g, struct rep_guest_group **out,
		      size_t *n);
void rep_guest_groups_free(struct rep_guest_group *gr, size_t n);

/* ---- abi_views.c ---- */

/*
 * The (machine type, version pair)s that both sides compared where only
 * one side differs, in the order of abi->pairs.
 */
void rep_views_build(const struct rep_abi *abi, const struct rep_guest *g,
		     struct rep_views *out);
void rep_views_release(struct rep_views *x);

/* ---- abi_grid.c ---- */

/* A cell's state, each worse than the one before. */
enum rep_grid_state {
	REP_GRID_ABSENT,	/* neither side has the machine type in both versions */
	REP_GRID_EQUAL,		/* no break and no guest-view difference */
	REP_GRID_ACKED,		/* differences, every one acknowledged */
	REP_GRID_NOT_COMPARED,	/* a side recorded by different definitions */
	REP_GRID_UNACKED,	/* an unacknowledged break or guest-view difference */
};

struct rep_grid_cell {
	const struct rep_pair *qemu, *guest; /* the pairs ending here; NULL: none */
	enum rep_grid_state state;	     /* the worse of the two sides */
};

struct rep_grid_row {
	const char *machine; /* the model's */
	char *family;	     /* "pc-q35" */
	struct rep_grid_cell *cells; /* [ncols] */
};

struct rep_grid {
	int *from, *to; /* [ncols]: each column's versions (rep_versions indexes) */
	size_t ncols;
	struct rep_grid_row *rows; /* by family, then in natural order */
	size_t nrows;
};

/*
 * The overview of r's ABI part: every machine type of either side as a
 * row, every two consecutive probed versions as a column. gr borrows
 * from r; release it with rep_grid_release before r.
 */
void rep_grid_make(const struct rep_report *r, struct rep_grid *gr);
void rep_grid_release(struct rep_grid *gr);
/* True when a side of x is not equal: it has details to show. */
int rep_grid_cell_differs(const struct rep_grid_cell *x);
/*
 * The family of a versioned machine type, its name up to "-X.Y"
 * ("pc-q35" of "pc-q35-7.1"; a name without a version is its own);
 * malloc'd.
 */
char *rep_machine_family(const char *name);

/* ---- argv.c ---- */

/*
 * A hash of s[0..n), continuing from h (REP_HASH_INIT to start), for
 * tables that look strings up: eight bytes at a time, the rest FNV-1a.
 */
#define REP_HASH_INIT 0xcbf29ce484222325ULL
uint64_t rep_hash_add(uint64_t h, const char *s, size_t n);

/*
 * Normalises a QEMU argv recorded as a JSON array (binary first) so that
 * ids, fds, temporary paths, uuids and libvirt's per-domain names do not
 * count as differences, while options and their properties do.
 * -1 (not reported) when json is not an array of strings.
 */
int rep_argv_normalise(const char *json, struct rep_argv *out) VM_WUR;
/*
 * What the normalisation of each option value made, kept for the next
 * argv with the same value: many argvs, one memo. It is not shared
 * between threads; rep_argv_memo_free (NULL is fine) after every argv
 * made with it has been released.
 */
struct rep_argv_memo;
struct rep_argv_memo *rep_argv_memo_new(void);
void rep_argv_memo_free(struct rep_argv_memo *m);
/*
 * rep_argv_normalise with a memo (NULL: none), whose strings out's
 * options borrow (out->borrowed): the same argv, made once per value.
 */
int rep_argv_normalise_memo(const char *json, struct rep_argv_memo *memo,
			    struct rep_argv *out) VM_WUR;
/* The same of an array already parsed (a is the caller's). */
int rep_argv_normalise_json(struct json_object *a, struct rep_argv *out) VM_WUR;
void rep_argv_release(struct rep_argv *a);
/*
 * The option of a whose key is key (NULL: none), looked for from index
 * hint on and then before it: argvs of one scenario mostly share their
 * order, so the row's own index finds it at once. Borrowed from a.
 */
const struct rep_opt *rep_argv_find(const struct rep_argv *a, const char *key, size_t hint);
/*
 * What changed between two values of one option (NULL: absent), as
 * "+acpi=on, size: 256 -> 262144k"; malloc'd.
 */
char *rep_opt_detail(const struct rep_opt *a, const struct rep_opt *b);

/* ---- mapping.c ---- */

/*
 * Fills m (zeroed by the caller) from the runs' argv; the sources' argv
 * borrow from m->memo, which rep_mapping_release frees last.
 */
int rep_mapping_build(struct store *st, const struct rep_versions *v,
		      struct rep_mapping *m) VM_WUR;
void rep_mapping_release(struct rep_mapping *m);
/*
 * The rows of s from its sources (sorted already) and the changes
 * between consecutive ones, each attributed to the version that made it.
 */
void rep_map_compare(struct rep_map_scenario *s);
/* Frees what s holds (its sources, rows and changes), not s. */
void rep_map_scenario_release(struct rep_map_scenario *s);
/* "libvirt 9.0.0 / QEMU 7.2.0", "direct / QEMU 7.2.0", "mapper / QEMU 7.2.0". */
void rep_map_source_label(struct strbuf *sb, const struct rep_map_source *s);

/* ---- mapping_corpus.c ---- */

/*
 * m's corpus: every .cfg below dir (NULL: the bundled scenarios' dts/),
 * each VM mapped by the mapper for each version of v with a probe record
 * (accel kvm, `virt-matrix map`'s placeholders), normalised and compared
 * like the runs. A missing dir leaves the corpus empty; a file that does
 * not load is skipped, said in m->corpus_skipped. -1 after reporting a
 * store error.
 */
int rep_corpus_build(struct store *st, const struct rep_versions *v,
		     const char *dir, struct rep_mapping *m) VM_WUR;

/* ---- mapping_lvcorpus.c ---- */

/*
 * libvirt's test domains as run on real pairs (corpus/, table
 * corpus_runs): the newest row of each (domain, libvirt, QEMU) up to
 * the report's sweep (uuid when it holds corpus runs, else the newest
 * that does), each started one compared with libvirt's golden argv of
 * the QEMU version nearest (normalised, see mapping_lvcorpus.c), and
 * each domain's started runs compared across versions (rep_map_compare).
 * Nothing (have_sweep 0) without corpus runs. -1 after reporting a
 * store error or an outcome the code does not know.
 */
int rep_lvcorpus_build(struct store *st, const char *uuid, struct rep_lvcorpus *c) VM_WUR;
void rep_lvcorpus_release(struct rep_lvcorpus *c);
/*
 * The changes across versions of every domain of c, those with the same
 * option, dimension, versions and detail as one, most domains first
 * (borrowing from c; free with rep_lvc_change_groups_free).
 */
void rep_lvc_change_groups(const struct rep_lvcorpus *c, struct rep_lvc_cgroup **out,
			   size_t *n);
void rep_lvc_change_groups_free(struct rep_lvc_cgroup *g, size_t n);
/* "libvirt 11.3.0 / QEMU 10.0.2" */
void rep_lvc_pair_label(struct strbuf *sb, const struct rep_lvc_pair *p);
/* A cell's golden QEMU: "latest (10.0.0)", "latest" (not known), "9.1.0". */
void rep_lvc_golden_label(struct strbuf *sb, const struct rep_lvc_cell *c);
/*
 * "N differ: S against ... the same QEMU release ..., O against another
 * ..." for counts n, plain text (the writers escape it).
 */
void rep_lvc_differs_words(struct strbuf *sb, const struct rep_lvc_counts *n);
/* The column heads of the counts per pair ("pair", the outcomes, golden's two). */
void rep_lvc_summary_heads(struct strvec *heads);
/*
 * Row i of the counts per pair: pair i's counts, or for i == c->npairs
 * those of every pair; its label ("all pairs" for that one) appended to
 * label. The counts are c's.
 */
const struct rep_lvc_counts *rep_lvc_summary_row(const struct rep_lvcorpus *c, size_t i,
						 struct strbuf *label);
/*
 * The options where real (a recorded argv, JSON) differs from golden
 * (libvirt's golden argv as corp_golden_argv_json gives it), both
 * normalised as the corpus part compares them (see mapping_lvcorpus.c):
 * appended to *diffs (*n of them). golden_name is the domain's name in
 * libvirt's tests, adapted is whether the run added firmware -L
 * directories, standins whether it stood in for some of the domain's
 * files. -1 (not reported) when either is not an argv.
 */
int rep_lvc_compare(const char *golden, const char *real, const char *golden_name,
		    int adapted, int standins, struct rep_lvc_diff **diffs,
		    size_t *n) VM_WUR;
void rep_lvc_diffs_free(struct rep_lvc_diff *d, size_t n);

/* ---- lvc_compare.c: the pieces of rep_lvc_compare, for mapping_lvcorpus.c ---- */

/*
 * json (an argv) normalised as the corpus compares: names[0..nnames)
 * (the domain's name in libvirt's tests) and the run's own name as
 * <name>, with drop_l the -L options whose directory keep (NULL: none)
 * does not list left out, libvirt's prefix dropped. -1 (not reported,
 * out zeroed) when json is not an array of strings.
 */
int rep_lvc_normalise(const char *json, const char *const *names, size_t nnames,
		      int drop_l, const struct strvec *keep, struct rep_argv *out) VM_WUR;
/* The directories of json's -L options, appended to out. */
void rep_lvc_l_dirs(const char *json, struct strvec *out);
/* What the run's adoption changes, made on a golden argv (TCG, no -incoming). */
void rep_lvc_golden_adopt(struct rep_argv *g);
/*
 * The options where g (golden) and r (real) differ, appended to *diffs
 * (*n of them); standins: the run stood in for some of the domain's files.
 */
void rep_lvc_diff_argvs(const struct rep_argv *g, const struct rep_argv *r, int standins,
			struct rep_lvc_diff **diffs, size_t *n);

/* ---- timeline.c ---- */

int rep_timeline_build(struct store *st, const struct rep_versions *v,
		       struct rep_timeline *t) VM_WUR;
void rep_timeline_release(struct rep_timeline *t);

/* ---- matrix_report.c ---- */

/*
 * The pass/fail matrix of sweep uuid (NULL: the latest sweep), with
 * regressions against the sweep before it. Runs recorded without a
 * sweep form one batch, "legacy", older than every sweep.
 */
int rep_matrix_build(struct store *st, const struct rep_versions *v,
		     const char *uuid, struct rep_matrix *m) VM_WUR;
/* What a cell's verdict now is against its verdict in an earlier sweep. */
enum rep_change {
	REP_CHANGE_NONE,
	REP_CHANGE_REGRESSION, /* pass there, fail or error now */
	REP_CHANGE_FIXED,      /* fail or error there, pass now */
};
/*
 * The change from before (the verdict of the newest earlier sweep that
 * ran the cell; NULL: none ran it) to now. Skip and unsupported are
 * neither failures nor passes: to or from them is REP_CHANGE_NONE.
 */
enum rep_change rep_verdict_change(const enum run_status *before, enum run_status now);
/*
 * Sets each cell's log to "logs/run-N.txt" (NULL: none); with
 * failed_only, only of the cells that failed or erred.
 */
void rep_matrix_plan_logs(struct rep_matrix *m, int failed_only);
/*
 * Writes the run record of each cell with a log to dir/<its log> (a new
 * file: dir is the report's private directory). -1 after reporting, or
 * when virt-matrix is interrupted.
 */
int rep_matrix_write_logs(struct store *st, const struct rep_matrix *m,
			  const char *dir) VM_WUR;
void rep_matrix_release(struct rep_matrix *m);
/*
 * The writers' grids: m's cells sorted by place (scenario, QEMU, libvirt,
 * "direct" for none; the first of equal places first), a malloc'd array
 * of m->ncells pointers into m the caller frees, so that each grid cell
 * is a binary search (rep_matrix_find) and not a scan of every cell; and
 * the cell at a place in it, or NULL.
 */
const struct rep_cell **rep_matrix_by_place(const struct rep_matrix *m);
const struct rep_cell *rep_matrix_find(const struct rep_cell *const *by_place, size_t n,
				       const char *scn, const char *qemu, const char *lv);
void rep_sweep_ref_release(struct rep_sweep_ref *s);
void rep_sweep_ref_copy(struct rep_sweep_ref *dst, const struct rep_sweep_ref *src);

/* The sweeps a part compares, in order of start (sweeplist.c). */
struct rep_sweeps {
	struct rep_sweep_ref *v;
	size_t nr, alloc;
	size_t cur; /* the report's; the previous one is cur - 1 */
};
/* Which sweeps a part reads. */
enum rep_sweeps_of {
	REP_SWEEPS_RUNS,    /* not of kind 'migrate' or 'corpus': the matrix's */
	REP_SWEEPS_MIGRATE, /* those that hold migrations */
	REP_SWEEPS_CORPUS,  /* those that hold corpus runs */
};
/* Appends the sweeps of kind of, in order of start: 0, or -1 after reporting. */
int rep_sweeps_load(struct store *st, enum rep_sweeps_of of, struct rep_sweeps *sw) VM_WUR;
/* The index in sw of the sweep whose uuid is uuid; sw->nr for none. */
size_t rep_sweeps_find(const struct rep_sweeps *sw, const char *uuid);
/*
 * sw->cur: the migrate sweep uuid of sw (NULL: the latest, or 0 when sw
 * is empty). -1 after reporting a uuid that is not a migrate sweep's.
 */
int rep_sweeps_choose_migrate(struct store *st, struct rep_sweeps *sw,
			      const char *uuid) VM_WUR;
void rep_sweeps_release(struct rep_sweeps *sw);
/*
 * Among the n results of one cell, in sweep order (each a struct of
 * stride bytes whose size_t member at pos is its sweep's index in sw):
 * the index of the current sweep's in *now, of the newest earlier one
 * in *before; -1 for none.
 */
void rep_sweeps_now_before(const struct rep_sweeps *sw, const size_t *pos, size_t stride,
			   size_t n, long *now, long *before);
/* The current sweep (sw->cur) and the one before it, copied. */
void rep_sweeps_set(const struct rep_sweeps *sw, int *have_cur, struct rep_sweep_ref *cur,
		    int *have_prev, struct rep_sweep_ref *prev);
/* "\n==== title ====\ntext\n" into a log file's text; nothing for NULL or "". */
void rep_log_section(struct strbuf *sb, const char *title, const char *text);
/* An argv recorded as a JSON array, one word a line; else as rep_log_section. */
void rep_log_argv(struct strbuf *sb, const char *title, const char *json);

/* ---- migration_report.c ---- */

/*
 * The migrations of migrate sweep uuid (NULL: the latest migrate sweep),
 * each (source, destination, machine type, mode) once: its row in that
 * sweep, or else its latest older one (not current); compared with the
 * newest earlier migrate sweep that has it (regressions, fixed) and held
 * against the two binaries' ABI fingerprints and guest views
 * (rep_migration_classify). Nothing (have_cur 0) without migrate sweeps;
 * -1 after reporting a uuid that is not a migrate sweep's, a verdict,
 * mode or side the code does not know, or a store error.
 */
int rep_migration_build(struct store *st, const char *uuid,
			struct rep_migration *m) VM_WUR;
/*
 * Each cell's disagreement from its predictors and verdict, the counts
 * and the order of m->predictions; again after a predictor changed (the
 * vmstate hook).
 */
void rep_migration_classify(struct rep_migration *m);
/*
 * The static vmstate check (migration_vmstate.c) of every current cell
 * between two installs into its vmstate hook; rep_migration_build calls
 * it before it classifies. A dump or renames file that cannot be read
 * makes the cells "not compared", saying why; it does not fail.
 */
void rep_migration_vmstate(struct store *st, struct rep_migration *m);
/* What c's predictors and verdict say together (REP_MIG_AGREE for a control). */
enum rep_mig_disagreement rep_mig_disagreement_of(const struct rep_mig_cell *c);
/* Whether a cell of m has the vmstate predictor set (the writers' column). */
int rep_migration_has_vmstate(const struct rep_migration *m);
/* The cell of (machine, mode, source, destination) in m, or NULL. */
const struct rep_mig_cell *rep_mig_find(const struct rep_migration *m,
					const char *machine, enum mig_mode mode,
					const char *src, const char *dst);
/* Sets each cell's log to "logs/migration-N.txt" (failed_only: as rep_matrix_plan_logs). */
void rep_migration_plan_logs(struct rep_migration *m, int failed_only);
/* Writes each cell's record to dir/<its log> (as rep_matrix_write_logs). */
int rep_migration_write_logs(struct store *st, const struct rep_migration *m,
			     const char *dir) VM_WUR;
void rep_migration_release(struct rep_migration *m);

/*
 * The cells of the migrate sweeps of sw up to sw->cur, of mode libvirt
 * (libvirt != 0) or of the other modes: each (machine type, mode, source
 * and destination libvirt and QEMU) once, its row in sw->cur, or else
 * its latest older row (not current); compared with the newest earlier
 * sweep that has it (regression, fixed). Appended to *cells (*n used of
 * *alloc), in key order; the caller counts them. -1 after reporting a
 * verdict, mode or side the code does not know, or a store error.
 */
int rep_mig_cells_read(struct store *st, const struct rep_sweeps *sw, int libvirt,
		       struct rep_mig_cell **cells, size_t *n, size_t *alloc) VM_WUR;
/* Frees what c holds (not c). */
void rep_mig_cell_release(struct rep_mig_cell *c);
/* Counts current cell c into k: by verdict, or as a control. */
void rep_mig_counts_add(struct rep_mig_counts *k, const struct rep_mig_cell *c);
/* Adds s to sv at its place in version order, once. */
void rep_strvec_add_version(struct strvec *sv, const char *s);
/* rep_migration_plan_logs of the n cells. */
void rep_mig_cells_plan_logs(struct rep_mig_cell *cells, size_t n, int failed_only);
/*
 * Writes the record of each of the n cells (migrations.id) that has a
 * log to dir/<its log> (as rep_matrix_write_logs).
 */
int rep_mig_cells_write_logs(struct store *st, const struct rep_mig_cell *cells, size_t n,
			     const char *dir) VM_WUR;

/* ---- migration_libvirt.c ---- */

/*
 * The migrations through libvirt of the migration part's sweeps (migrate
 * sweep uuid, NULL: the latest), each held against QEMU's own verdict
 * on its QEMU pair in direct (already built; lv borrows its cells: release
 * lv first), ordered and counted (see model.h). Nothing without libvirt
 * rows. -1 after reporting.
 */
int rep_mig_libvirt_build(struct store *st, const char *uuid,
			  const struct rep_migration *direct,
			  struct rep_mig_libvirt *lv) VM_WUR;
/* Sets each cell's log (as rep_migration_plan_logs). */
void rep_mig_libvirt_plan_logs(struct rep_mig_libvirt *lv, int failed_only);
/* Writes each cell's record to dir/<its log> (as rep_matrix_write_logs). */
int rep_mig_libvirt_write_logs(struct store *st, const struct rep_mig_libvirt *lv,
			       const char *dir) VM_WUR;
void rep_mig_libvirt_release(struct rep_mig_libvirt *lv);
/* The new migration regressions of r: QEMU's own and through libvirt. */
size_t rep_migration_regressions(const struct rep_report *r);
/* The counts of one mode's current cells (MIG_LIBVIRT: the libvirt section's). */
const struct rep_mig_counts *rep_mig_counts_of(const struct rep_report *r,
					       enum mig_mode mode);

/* ---- writers: html.c, markdown.c, json.c, junit.c ---- */

void rep_write_html(const struct rep_report *r, struct strbuf *out);
void rep_write_markdown(const struct rep_report *r, struct strbuf *out);
void rep_write_json(const struct rep_report *r, struct strbuf *out);
void rep_write_junit(const struct rep_report *r, struct strbuf *out);

/* ---- escaping (escape.c) ---- */

/* HTML text and attribute values: & < > " ' escaped; NULL as "". */
void rep_html(struct strbuf *out, const char *s);
/*
 * A Markdown table cell: | and Markdown's markup characters escaped,
 * newlines as <br>, & and < as entities (no raw HTML gets through).
 */
void rep_md_cell(struct strbuf *out, const char *s);
/* "7.2.0" for a version index, "?" out of range. */
const char *rep_vname(const struct rep_versions *v, int i);

#endif
