#ifndef VM_REPORT_H
#define VM_REPORT_H

/*
 * reports/: what the store says, for people and for CI. cmd_report is
 * "virt-matrix report"; the functions below are the same steps for
 * tests and benchmarks: build the model (model.h) from a store, write
 * it in some formats, and decide the exit status.
 */

#include "model.h"

/* virt-matrix report [abi|mapping|caps|matrix|migration|all]... [options] */
int cmd_report(int argc, char **argv);

enum rep_format {
	REP_FMT_HTML = 1,
	REP_FMT_MD = 2,
	REP_FMT_JSON = 4,
	REP_FMT_JUNIT = 8,
	REP_FMT_ALL = 15,
};

struct rep_options {
	unsigned parts;	   /* enum rep_part bits */
	/* uuid of a sweep (or "legacy"): the matrix's, or the migration
	 * part's when it is a migrate sweep; the other part's is its latest.
	 * NULL: the latest of each. */
	const char *sweep;
	const char *acks;  /* acknowledgement file, NULL: specs/abi-acks if there */
	/* The mapping part's DTS corpus (rep_corpus_build), NULL: the
	 * bundled scenarios' dts/ */
	const char *corpus;
	int logs_failed_only; /* logs of the failures and errors only */
};

/*
 * Reads the store into r (zeroed first). r must be released with
 * rep_report_release() whatever this returns. -1 after reporting (also
 * for o->sweep naming no sweep, or one that only a part not in o->parts
 * reports on).
 */
int rep_report_build(struct store *st, const struct rep_options *o,
		     struct rep_report *r) VM_WUR;
/*
 * rep_report_build in two steps: the parts with logs (the matrix, the
 * migrations), r zeroed first, built(row, arg) called (when not NULL)
 * after each of their rows of the parts table is built; then the
 * others. The same contract.
 */
int rep_report_build_logged(struct store *st, const struct rep_options *o,
			    struct rep_report *r, void (*built)(size_t row, void *arg),
			    void *arg) VM_WUR;
int rep_report_build_rest(struct store *st, const struct rep_options *o,
			  struct rep_report *r) VM_WUR;
/* How many rows the parts table has (row: 0 to this, exclusive). */
size_t rep_report_rows(void);
/* Whether one of the parts in bits (enum rep_part) has logs beside the report. */
int rep_report_parts_have_logs(unsigned bits);
/*
 * Sets which cells of the part of row (built) get a log: their log
 * member, a path under the report's directory (r->logs_failed_only: the
 * failures only). Nothing for a row without logs or not asked for.
 */
void rep_report_plan_row_logs(struct rep_report *r, size_t row);
/*
 * Writes the log of each cell of row's part that has one to
 * dir/<its log>, as new files (dir/logs must exist), reading st; r is
 * not changed, and the other parts may be built meanwhile. -1 after
 * reporting, or when virt-matrix is interrupted.
 */
int rep_report_write_row_logs(struct store *st, const struct rep_report *r, size_t row,
			      const char *dir) VM_WUR;
/* The part named s ("all": every one) into *bits: 0, or -1 after reporting. */
int rep_report_parse_part(const char *s, unsigned *bits) VM_WUR;
/*
 * Writes each format of formats into dir (report.html, report.md,
 * report.json, report.junit.xml) and, with the matrix, the run logs into
 * dir/logs/run-N.txt, with the migration part its records into
 * dir/logs/migration-N.txt (only of the failures with
 * r->logs_failed_only), on worker threads (st is the logs' alone until
 * this returns). Everything is written into a private directory in dir
 * first, then renamed into place: logs/ is replaced whole, so it holds
 * only this report's logs. dir "-" writes the single format to stdout,
 * without logs. -1 after reporting (also when interrupted); dir is then
 * as it was.
 */
int rep_report_write(struct store *st, struct rep_report *r, unsigned formats,
		     const char *dir) VM_WUR;
/*
 * 1 when r has unacknowledged ABI breaks or guest-view differences, or
 * new regressions of the matrix or of the migrations, else 0 (a part
 * not in r->parts counts for nothing).
 */
int rep_report_gate(const struct rep_report *r);

/* What "virt-matrix report" does, as its options say. */
struct rep_run_options {
	struct rep_options report;
	const char *db;	   /* the store's path */
	const char *out;   /* output directory, or "-": stdout */
	unsigned formats;  /* enum rep_format bits; one only with out "-" */
};

/*
 * Opens the store at o->db (which must exist), builds the report, writes
 * it and says where. Returns rep_report_gate() of the report, or -1
 * after reporting an error.
 */
int rep_report_run(const struct rep_run_options *o) VM_WUR;

#endif
