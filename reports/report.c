/*
 * cmd_report: "virt-matrix report [abi|mapping|caps|matrix|migration|all]...":
 * reads the store (never writes it), builds the report model and writes
 * it as HTML, Markdown, JSON and JUnit XML. The exit status gates CI:
 * 1 when there are unacknowledged ABI breaks or guest-view differences,
 * or new regressions of the matrix or the migrations (unless --no-fail),
 * 2 on errors, 129 on a usage mistake. cmd_report only parses the
 * command line; rep_report_run() does the rest. A part and a format are
 * rows of a table (parts[], formats[]): a part's row says how to build
 * and release it, which kinds of sweep --sweep may name for it, which
 * files it writes beside the report and what of it fails the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "builders.h"
#include "command.h"
#include "fs.h"
#include "owned_tmp.h"
#include "threads.h"
#include "paths.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix report [abi | mapping | caps | matrix | migration | all]...\n"
	"                          [--format LIST] [--out DIR] [--sweep UUID]\n"
	"                          [--acks FILE] [--no-fail] [--logs all|failed]\n"
	"                          [--db PATH]\n"
	"\n"
	"Reports from the store, which it only reads (but for the schema upgrade\n"
	"every command makes when the store is older than virt-matrix):\n"
	"  abi        guest-ABI differences of each versioned machine type between\n"
	"             consecutive QEMU versions that have it, as QEMU reports its\n"
	"             devices and as the guest reads its tables and registers (the\n"
	"             guest view), and where the two disagree; intentional ones are\n"
	"             shown as acknowledged (specs/abi-acks)\n"
	"  mapping    the QEMU argv of each scenario per (libvirt, QEMU) pair and\n"
	"             from the direct mapper, normalised (ids, fds, temporary paths,\n"
	"             uuids do not count), and which version changed which option;\n"
	"             and the argv of each VM of DPDK DTS's files (scenarios/dts/)\n"
	"             for every probed QEMU, as 'virt-matrix map' makes it, compared\n"
	"             the same way; and libvirt's own test domains as 'virt-matrix\n"
	"             corpus run' ran them on real pairs: outcomes, QEMU's refusals,\n"
	"             differences with libvirt's golden argv, changes per version\n"
	"  caps       first and last QEMU version with each machine type, device,\n"
	"             device property and QMP command; default values that changed\n"
	"  matrix     pass/fail per scenario, QEMU rows x libvirt columns, of one\n"
	"             sweep, regressions against the previous sweep first\n"
	"  migration  pass/fail of migrations between QEMU installs (virt-matrix\n"
	"             migrate) per versioned machine type and mode, source rows x\n"
	"             destination columns, of one migrate sweep; regressions against\n"
	"             the previous one; each held against the two binaries' ABI\n"
	"             fingerprints and guest views, disagreements first; and the\n"
	"             migrations through libvirt, each beside QEMU's own verdict on\n"
	"             its QEMU pair, where the two differ first\n"
	"  all        all five (the default)\n"
	"\n"
	"options:\n"
	"  --format LIST  comma-separated html, md, json, junit (default: all)\n"
	"  --out DIR      where report.html, report.md, report.json,\n"
	"                 report.junit.xml and logs/run-N.txt, logs/migration-N.txt\n"
	"                 go (default: ./virt-matrix-report); '-' writes the one\n"
	"                 format asked for to stdout, without logs\n"
	"  --sweep UUID   the sweep to report on, instead of the latest: a migrate\n"
	"                 sweep is the migration part's, any other the matrix's\n"
	"                 ('legacy' is the runs recorded without a sweep); the other\n"
	"                 part shows its latest; a sweep of corpus runs is also the\n"
	"                 mapping part's libvirt corpus's\n"
	"  --acks FILE    acknowledged ABI differences (default: specs/abi-acks)\n"
	"  --logs WHICH   logs/ of every run and migration of the report (all,\n"
	"                 the default), or only of those that failed or erred\n"
	"                 (failed: a large lab's nightly writes tens of thousands\n"
	"                 of logs otherwise; the others have no log link)\n"
	"  --no-fail      exit 0 even with unacknowledged ABI breaks, guest-view\n"
	"                 differences or new regressions\n"
	"  --db PATH      store (env VIRT_MATRIX_DB)\n"
	"\n"
	"exit status: 0 written; 1 written, and there are unacknowledged ABI\n"
	"breaks, guest-view differences or new regressions of the matrix or of\n"
	"the migrations (not with --no-fail); 2 error; 129 usage.\n";

static const struct {
	const char *name, *file;
	unsigned bit;
	void (*write)(const struct rep_report *, struct strbuf *);
} formats[] = {
	{ "html", "report.html", REP_FMT_HTML, rep_write_html },
	{ "md", "report.md", REP_FMT_MD, rep_write_markdown },
	{ "json", "report.json", REP_FMT_JSON, rep_write_json },
	{ "junit", "report.junit.xml", REP_FMT_JUNIT, rep_write_junit },
};

/* The acknowledgement file: path, or specs/abi-acks when there (NULL: none). */
static int load_acks(const char *path, struct rep_acks *acks)
{
	char *dir = NULL;
	struct strbuf p = STRBUF_INIT;
	int rc = 0;

	if (path)
		return rep_acks_load(path, acks);
	dir = paths_data_dir("specs");
	sb_printf(&p, "%s/abi-acks", dir);
	if (path_exists(p.buf))
		rc = rep_acks_load(p.buf, acks);
	free(dir);
	strbuf_release(&p);
	return rc;
}

static int build_abi(struct store *st, const struct rep_options *o,
		     struct rep_report *r)
{
	if (load_acks(o->acks, &r->abi.acks))
		return -1;
	return rep_abi_build(st, &r->versions, &r->abi);
}

static void release_abi(struct rep_report *r)
{
	rep_abi_release(&r->abi);
}

/* The guest view, acknowledged through the ABI part's file (loaded first). */
static int build_guest(struct store *st, const struct rep_options *o,
		       struct rep_report *r)
{
	return rep_guest_build(st, &r->versions, &r->abi.acks, &r->guest);
}

static void release_guest(struct rep_report *r)
{
	rep_guest_release(&r->guest);
}

/* QEMU's side against the guest's (both built first). */
static int build_views(struct store *st, const struct rep_options *o,
		       struct rep_report *r)
{
	rep_views_build(&r->abi, &r->guest, &r->views);
	return 0;
}

static void release_views(struct rep_report *r)
{
	rep_views_release(&r->views);
}

static int build_mapping(struct store *st, const struct rep_options *o,
			 struct rep_report *r)
{
	if (rep_mapping_build(st, &r->versions, &r->mapping))
		return -1;
	return rep_corpus_build(st, &r->versions, o->corpus, &r->mapping);
}

static void release_mapping(struct rep_report *r)
{
	rep_mapping_release(&r->mapping);
}

/* libvirt's test domains on real pairs (virt-matrix corpus run). */
static int build_lvcorpus(struct store *st, const struct rep_options *o,
			  struct rep_report *r)
{
	return rep_lvcorpus_build(st, o->sweep, &r->lvcorpus);
}

static void release_lvcorpus(struct rep_report *r)
{
	rep_lvcorpus_release(&r->lvcorpus);
}

static int build_caps(struct store *st, const struct rep_options *o,
		      struct rep_report *r)
{
	return rep_timeline_build(st, &r->versions, &r->caps);
}

static void release_caps(struct rep_report *r)
{
	rep_timeline_release(&r->caps);
}

static int build_matrix(struct store *st, const struct rep_options *o,
			struct rep_report *r)
{
	return rep_matrix_build(st, &r->versions, o->sweep, &r->matrix);
}

static void release_matrix(struct rep_report *r)
{
	rep_matrix_release(&r->matrix);
}

static void plan_matrix(struct rep_report *r)
{
	rep_matrix_plan_logs(&r->matrix, r->logs_failed_only);
}

static int logs_matrix(struct store *st, const struct rep_report *r, const char *dir)
{
	return rep_matrix_write_logs(st, &r->matrix, dir);
}

static int build_migration(struct store *st, const struct rep_options *o,
			   struct rep_report *r)
{
	return rep_migration_build(st, o->sweep, &r->migration);
}

static void release_migration(struct rep_report *r)
{
	rep_migration_release(&r->migration);
}

static void plan_migration(struct rep_report *r)
{
	rep_migration_plan_logs(&r->migration, r->logs_failed_only);
}

static int logs_migration(struct store *st, const struct rep_report *r, const char *dir)
{
	return rep_migration_write_logs(st, &r->migration, dir);
}

/* Migrations through libvirt, against QEMU's own (built first). */
static int build_mig_libvirt(struct store *st, const struct rep_options *o,
			     struct rep_report *r)
{
	return rep_mig_libvirt_build(st, o->sweep, &r->migration, &r->mig_libvirt);
}

static void release_mig_libvirt(struct rep_report *r)
{
	rep_mig_libvirt_release(&r->mig_libvirt);
}

static void plan_mig_libvirt(struct rep_report *r)
{
	rep_mig_libvirt_plan_logs(&r->mig_libvirt, r->logs_failed_only);
}

static int logs_mig_libvirt(struct store *st, const struct rep_report *r, const char *dir)
{
	return rep_mig_libvirt_write_logs(st, &r->mig_libvirt, dir);
}

/* What fails the report (exit status 1), part by part. */
static size_t gate_abi(const struct rep_report *r)
{
	return r->abi.unacked;
}

static size_t gate_guest(const struct rep_report *r)
{
	return r->guest.unacked;
}

static size_t gate_matrix(const struct rep_report *r)
{
	return r->matrix.regressions;
}

static size_t gate_migration(const struct rep_report *r)
{
	return r->migration.regressions;
}

static size_t gate_mig_libvirt(const struct rep_report *r)
{
	return r->mig_libvirt.regressions;
}

/*
 * The parts, in the order they are built; several rows may make up one
 * part (the name a user gives: the first row of that name is parsed).
 */
static const struct {
	const char *name;
	unsigned bit;
	int (*build)(struct store *, const struct rep_options *, struct rep_report *);
	void (*release)(struct rep_report *); /* also of a part not built */
	/* The kinds of sweep --sweep may name for this row, space-separated
	 * (sweeps.kind; "legacy": the runs without a sweep); NULL: none. A
	 * row gets o->sweep only when it names a sweep of such a kind. */
	const char *sweep_kinds;
	/*
	 * The logs beside the report (not with --out -; NULL: none): which
	 * of the part's cells get one (their log set before any format is
	 * written), then writing those under dir, the report's private
	 * directory, while the formats are written (the model unchanged).
	 */
	void (*plan_logs)(struct rep_report *);
	int (*write_logs)(struct store *, const struct rep_report *, const char *dir);
	/* How many findings fail the report (exit status 1); NULL: none. */
	size_t (*gate)(const struct rep_report *);
} parts[] = {
	{ "abi", REP_ABI, build_abi, release_abi, NULL, NULL, NULL, gate_abi },
	{ "abi", REP_ABI, build_guest, release_guest, NULL, NULL, NULL, gate_guest },
	{ "abi", REP_ABI, build_views, release_views, NULL, NULL, NULL, NULL },
	{ "mapping", REP_MAPPING, build_mapping, release_mapping, NULL, NULL, NULL, NULL },
	{ "mapping", REP_MAPPING, build_lvcorpus, release_lvcorpus, "run", NULL, NULL, NULL },
	{ "caps", REP_CAPS, build_caps, release_caps, NULL, NULL, NULL, NULL },
	{ "matrix", REP_MATRIX, build_matrix, release_matrix, "run sweep bisect legacy",
	  plan_matrix, logs_matrix, gate_matrix },
	{ "migration", REP_MIGRATION, build_migration, release_migration, "migrate",
	  plan_migration, logs_migration, gate_migration },
	{ "migration", REP_MIGRATION, build_mig_libvirt, release_mig_libvirt, "migrate",
	  plan_mig_libvirt, logs_mig_libvirt, gate_mig_libvirt },
};

/* Whether word is one of the space-separated words of list. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && !strncmp(p, word, n))
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

/*
 * The kind of sweep uuid names ("legacy" for itself) into *kind
 * (malloc'd). -1 after reporting a sweep the store does not have.
 */
static int sweep_kind(struct store *st, const char *uuid, char **kind)
{
	auto_stmt *q = NULL;
	int rc;

	if (!strcmp(uuid, "legacy")) {
		*kind = xstrdup("legacy");
		return 0;
	}
	if (store_prepare(st, &q, "SELECT kind FROM sweeps WHERE uuid = ?"))
		return -1;
	store_bind_text(q, 1, uuid);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*kind = store_column_strdup(q, 0);
		return 0;
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot look up the sweep");
	return error("no sweep '%s' in store '%s' (sweeps.uuid, or 'legacy' for the "
		     "runs recorded without a sweep)", uuid, st->path);
}

/*
 * The kind of sweep o->sweep names into *kind (NULL: none given, or no
 * part asked for reads sweeps, when --sweep means nothing). -1 after
 * reporting an unknown sweep, or one that only a part not asked for reads.
 */
static int resolve_sweep(struct store *st, const struct rep_options *o, char **kind)
{
	int reads = 0;

	*kind = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		reads |= (o->parts & parts[i].bit) && parts[i].sweep_kinds;
	if (!o->sweep || !reads)
		return 0;
	if (sweep_kind(st, o->sweep, kind))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((o->parts & parts[i].bit) && has_word(parts[i].sweep_kinds, *kind))
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (has_word(parts[i].sweep_kinds, *kind))
			return error("sweep '%s' is a '%s' sweep, which the %s part reports "
				     "on; ask for it ('virt-matrix report %s')",
				     o->sweep, *kind, parts[i].name, parts[i].name);
	return error("sweep '%s' is a '%s' sweep, which no part reports on", o->sweep,
		     *kind);
}

void rep_report_release(struct rep_report *r)
{
	free(r->generated_at);
	free(r->store_path);
	for (size_t i = ARRAY_SIZE(parts); i > 0; i--)
		parts[i - 1].release(r);
	rep_versions_release(&r->versions);
	memset(r, 0, sizeof(*r));
}

int rep_report_build(struct store *st, const struct rep_options *o,
		     struct rep_report *r)
{
	char now[32], *kind = NULL;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	now_iso8601(now, sizeof(now));
	r->generated_at = xstrdup(now);
	r->store_path = xstrdup(st->path);
	r->parts = o->parts;
	if (rep_versions_load(st, &r->versions) || resolve_sweep(st, o, &kind))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		struct rep_options po = *o;

		/* --sweep is the part's whose kind of sweep it names. */
		if (!kind || !has_word(parts[i].sweep_kinds, kind))
			po.sweep = NULL;
		if ((o->parts & parts[i].bit) && parts[i].build(st, &po, r))
			goto out;
	}
	ret = 0;
out:
	free(kind);
	return ret;
}

/*
 * One job of writing a report out: the logs (format -1), or one format
 * rendered and written to its file, both into the private directory.
 */
struct out_job {
	int format;
	int ok;
};

struct out_run {
	struct store *st;
	const struct rep_report *r;
	const char *stage; /* the private directory in --out */
	struct out_job jobs[1 + ARRAY_SIZE(formats)];
	size_t njobs;
};

/* Whether a part asked for has logs. */
static int has_logs(const struct rep_report *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((r->parts & parts[i].bit) && parts[i].write_logs)
			return 1;
	return 0;
}

static int write_logs(struct store *st, const struct rep_report *r, const char *stage)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((r->parts & parts[i].bit) && parts[i].write_logs &&
		    parts[i].write_logs(st, r, stage))
			return -1;
	return 0;
}

static int write_format(const struct rep_report *r, int f, const char *stage)
{
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT;
	int ret;

	formats[f].write(r, &out);
	sb_printf(&path, "%s/%s", stage, formats[f].file);
	ret = write_file_new(path.buf, out.buf, out.len);
	strbuf_release(&out);
	strbuf_release(&path);
	return ret;
}

/* threads_run's job i of the out_run arg. */
static void out_job_run(size_t i, void *arg)
{
	struct out_run *o = arg;
	struct out_job *j = &o->jobs[i];

	if (j->format < 0)
		j->ok = !write_logs(o->st, o->r, o->stage);
	else
		j->ok = !write_format(o->r, j->format, o->stage);
}

/* The one format of fmts to stdout, without logs. */
static int write_stdout(const struct rep_report *r, unsigned fmts)
{
	struct strbuf out = STRBUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		if (!(fmts & formats[i].bit))
			continue;
		formats[i].write(r, &out);
		if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout))
			ret = error_errno("cannot write the report to stdout");
		break;
	}
	strbuf_release(&out);
	return ret;
}

/*
 * What stage holds into dir: each format's file renamed into place, then
 * logs/ put in the place of the old one. -1 after reporting.
 */
static int out_commit(const struct out_run *o, const char *dir)
{
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < o->njobs && !ret; i++) {
		strbuf_reset(&from);
		strbuf_reset(&to);
		if (o->jobs[i].format < 0) {
			sb_printf(&from, "%s/logs", o->stage);
			sb_printf(&to, "%s/logs", dir);
			ret = rename_dir_replace(from.buf, to.buf);
			continue;
		}
		sb_printf(&from, "%s/%s", o->stage, formats[o->jobs[i].format].file);
		sb_printf(&to, "%s/%s", dir, formats[o->jobs[i].format].file);
		if (rename(from.buf, to.buf))
			ret = error_errno("cannot rename '%s' to '%s'", from.buf, to.buf);
	}
	strbuf_release(&from);
	strbuf_release(&to);
	return ret;
}

int rep_report_write(struct store *st, struct rep_report *r, unsigned fmts,
		     const char *dir)
{
	struct out_run o = { .st = st, .r = r };
	struct strbuf logs = STRBUF_INIT;
	char *stage = NULL;
	int ret = -1;

	if (!strcmp(dir, "-"))
		return write_stdout(r, fmts);
	if (mkdir_p(dir, 0755))
		return -1;
	/* What reports killed outright left in dir: their owners are gone. */
	owned_tmp_remove_dead(dir, "report");
	stage = owned_tmp_create(dir, "report");
	if (!stage)
		return -1;
	o.stage = stage;
	if (has_logs(r)) {
		sb_printf(&logs, "%s/logs", stage);
		if (mkdir_p(logs.buf, 0755))
			goto done;
		for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
			if ((r->parts & parts[i].bit) && parts[i].plan_logs)
				parts[i].plan_logs(r);
		o.jobs[o.njobs++].format = -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (fmts & formats[i].bit)
			o.jobs[o.njobs++].format = (int)i;
	/* The logs (the most work) first, the formats beside them. */
	threads_run(o.njobs, out_job_run, &o);
	for (size_t i = 0; i < o.njobs; i++)
		if (!o.jobs[i].ok)
			goto done;
	if (vm_interrupted)
		goto done;
	ret = out_commit(&o, dir);
done:
	if (ret && vm_interrupted)
		error("report interrupted by signal %d: '%s' is as it was", (int)vm_interrupted,
		      dir);
	if (remove_tree(stage))
		warning("cannot remove '%s'", stage);
	free(stage);
	strbuf_release(&logs);
	return ret;
}

int rep_report_gate(const struct rep_report *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((r->parts & parts[i].bit) && parts[i].gate && parts[i].gate(r))
			return 1;
	return 0;
}

static int parse_formats(const char *list, unsigned *out)
{
	char *copy = xstrdup(list), *p = copy;

	*out = 0;
	while (p) {
		char *comma = strchr(p, ',');
		size_t i;

		if (comma)
			*comma = '\0';
		for (i = 0; i < ARRAY_SIZE(formats); i++)
			if (!strcmp(p, formats[i].name))
				break;
		if (i == ARRAY_SIZE(formats)) {
			error("unknown format '%s'; expected html, md, json or junit", p);
			free(copy);
			return -1;
		}
		*out |= formats[i].bit;
		p = comma ? comma + 1 : NULL;
	}
	free(copy);
	return 0;
}

static int parse_part(const char *s, unsigned *bits)
{
	if (!strcmp(s, "all")) {
		*bits |= REP_ALL;
		return 0;
	}
	struct strbuf names = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (!strcmp(s, parts[i].name)) {
			*bits |= parts[i].bit;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (!i || strcmp(parts[i].name, parts[i - 1].name))
			sb_printf(&names, "%s%s", i ? ", " : "", parts[i].name);
	error("unknown report '%s'; expected %s or all", s, names.buf);
	strbuf_release(&names);
	return -1;
}

int rep_report_run(const struct rep_run_options *ro)
{
	struct rep_report r = { 0 };
	struct store st;
	int ret = -1;

	if (!path_exists(ro->db))
		return error("no store at '%s' (see --db)", ro->db);
	if (store_open(&st, ro->db))
		return -1;
	/*
	 * One snapshot of the store for the whole report (a sweep may be
	 * writing meanwhile), read through a memory map: without the
	 * transaction every statement takes and drops its locks, without
	 * the map every page is a pread.
	 */
	if (store_exec(&st, "PRAGMA mmap_size = 2147483647") || store_exec(&st, "BEGIN"))
		goto out;
	if (rep_report_build(&st, &ro->report, &r))
		goto out;
	r.logs_failed_only = ro->logs_failed_only;
	if (!rep_report_write(&st, &r, ro->formats, ro->out)) {
		ret = rep_report_gate(&r);
		if (strcmp(ro->out, "-"))
			info("report written to %s: %zu unacknowledged ABI break(s), "
			     "%zu unacknowledged guest-view difference(s), "
			     "%zu new regression(s), %zu new migration regression(s)",
			     ro->out, r.abi.unacked, r.guest.unacked,
			     r.matrix.regressions, rep_migration_regressions(&r));
	}
out:
	rep_report_release(&r);
	store_rollback(&st); /* nothing was written: the snapshot ends */
	store_close(&st);
	return ret;
}

/* The command line, parsed. */
struct report_args {
	struct rep_run_options run;
	int no_fail;
};

/* What the options say together that none says alone. -1 after reporting. */
static int check_args(const struct report_args *a)
{
	if (!*a->run.out)
		return error("--out needs a directory (or '-')");
	if (!strcmp(a->run.out, "-") && (a->run.formats & (a->run.formats - 1)))
		return error("--out - writes one format; give exactly one with --format");
	return 0;
}

/*
 * argv into a (its strings stay argv's). 0: go on; 1: --help; -1 after
 * reporting a usage mistake.
 */
static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "sweep", required_argument, NULL, 's' },
		{ "acks", required_argument, NULL, 'a' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ "logs", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_formats(optarg, &a->run.formats))
				return -1;
			break;
		case 'o':
			a->run.out = optarg;
			break;
		case 's':
			a->run.report.sweep = optarg;
			break;
		case 'a':
			a->run.report.acks = optarg;
			break;
		case 'n':
			a->no_fail = 1;
			break;
		case 'l':
			if (strcmp(optarg, "all") && strcmp(optarg, "failed"))
				return error("--logs wants all or failed, not '%s'", optarg);
			a->run.logs_failed_only = !strcmp(optarg, "failed");
			break;
		case 'd':
			a->run.db = optarg;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	for (int i = optind; i < argc; i++)
		if (parse_part(argv[i], &a->run.report.parts))
			return -1;
	if (!a->run.report.parts)
		a->run.report.parts = REP_ALL;
	return check_args(a);
}

int cmd_report(int argc, char **argv)
{
	char *default_db = store_default_path();
	struct report_args a = {
		.run = { .report = { 0, NULL, NULL }, .db = default_db,
			 .out = "virt-matrix-report", .formats = REP_FMT_ALL },
	};
	int ret;

	switch (parse_args(argc, argv, &a)) {
	case 1:
		fputs(usage, stdout);
		ret = 0;
		break;
	case 0:
		ret = rep_report_run(&a.run);
		ret = ret < 0 ? 2 : !a.no_fail && ret;
		break;
	default:
		fputs(usage, stderr);
		ret = 129;
		break;
	}
	free(default_db);
	return ret;
}
