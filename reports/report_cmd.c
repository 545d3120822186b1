/*
 * cmd_report: "virt-matrix report [abi|mapping|caps|matrix|migration|all]...":
 * reads the store (never writes it), builds the report model
 * (reports/report.c) and writes it as HTML, Markdown, JSON and JUnit XML
 * (a format is a row of formats[]), with the logs of its runs and
 * migrations beside it. The exit status gates CI: 1 when there are
 * unacknowledged ABI breaks or guest-view differences, or new
 * regressions of the matrix or the migrations (unless --no-fail), 2 on
 * errors, 129 on a usage mistake. cmd_report only parses the command
 * line; rep_report_run() does the rest.
 *
 * Writing out: everything goes into a private directory in --out first
 * (lib/owned_tmp.c), then is renamed into place, so that a failure or
 * Ctrl-C leaves --out as it was and logs/ holds only this report's logs.
 * The logs (tens of thousands of files at a large lab, whose creation is
 * most of their cost) are written on a thread of their own, with a
 * connection of their own to the store, from the moment the parts with
 * logs are built; the other parts are built meanwhile, then the formats
 * rendered on worker threads. A run's or migration's row never changes
 * once recorded, so the logs' connection reads what the model's saw.
 */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
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

/*
 * One snapshot of the store for what follows (a sweep may be writing
 * meanwhile), read through a memory map: without the transaction every
 * statement takes and drops its locks, without the map every page read
 * is a pread. -1 after reporting.
 */
static int read_snapshot(struct store *st)
{
	if (store_exec(st, "PRAGMA mmap_size = 2147483647"))
		return -1;
	return store_exec(st, "BEGIN");
}

/* A report being written into dir (see the top). */
struct rep_out {
	struct rep_report *r;
	const char *db;    /* the store, for the logs' own connection */
	struct store *st;  /* or the connection to use (rep_report_write) */
	const char *dir;
	char *stage;       /* the private directory in dir */
	int has_logs;
	/* The rows of the parts table whose model is built, for the logs. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t *ready, nready, taken;
	int all_ready;     /* no more rows will come */
	pthread_t logs;
	int logs_running;  /* the logs' thread was started */
	int logs_ok;
	struct {
		int format;
		int ok;
	} jobs[ARRAY_SIZE(formats)];
	size_t njobs;
};

/* The next built row for the logs, or SIZE_MAX when none will come. */
static size_t next_row(struct rep_out *w)
{
	size_t row = SIZE_MAX;

	pthread_mutex_lock(&w->mu);
	while (w->taken == w->nready && !w->all_ready)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->taken < w->nready)
		row = w->ready[w->taken++];
	pthread_mutex_unlock(&w->mu);
	return row;
}

/* Each row's logs as it is built, until none will come; -1 at a failure. */
static int write_rows(struct rep_out *w, struct store *st)
{
	for (size_t row; (row = next_row(w)) != SIZE_MAX;)
		if (rep_report_write_row_logs(st, w->r, row, w->stage))
			return -1;
	return 0;
}

static int write_logs(struct rep_out *w)
{
	struct store own;
	int ret;

	if (w->st)
		return write_rows(w, w->st);
	if (store_open(&own, w->db))
		return -1;
	ret = read_snapshot(&own) || write_rows(w, &own) ? -1 : 0;
	store_rollback(&own);
	store_close(&own);
	return ret;
}

static void *logs_thread(void *arg)
{
	struct rep_out *w = arg;

	w->logs_ok = !write_logs(w);
	return NULL;
}

/*
 * Row row of the parts table is built: which of its cells get a log is
 * set, and the logs' thread may write them (a built() of
 * rep_report_build_logged).
 */
static void row_built(size_t row, void *arg)
{
	struct rep_out *w = arg;

	if (!w->has_logs)
		return;
	rep_report_plan_row_logs(w->r, row);
	pthread_mutex_lock(&w->mu);
	w->ready[w->nready++] = row;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* No more rows will be built for the logs. */
static void rows_done(struct rep_out *w)
{
	pthread_mutex_lock(&w->mu);
	w->all_ready = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/*
 * Makes w's private directory in dir for a report of parts (enum
 * rep_part bits) whose model is r (built later: row_built announces each
 * row with logs, rows_done the end), and when it has logs starts their
 * thread (when none can be started, the logs are written in out_finish).
 * -1 after reporting (nothing is left then).
 */
static int out_begin(struct rep_out *w, struct rep_report *r, unsigned parts,
		     const char *dir)
{
	struct strbuf logs = STRBUF_INIT;
	int rc;

	w->r = r;
	w->dir = dir;
	w->has_logs = rep_report_parts_have_logs(parts);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->ready = xcalloc(rep_report_rows(), sizeof(*w->ready));
	if (mkdir_p(dir, 0755))
		return -1;
	/* What reports killed outright left in dir: their owners are gone. */
	owned_tmp_remove_dead(dir, "report");
	w->stage = owned_tmp_create(dir, "report");
	if (!w->stage)
		return -1;
	if (!w->has_logs)
		return 0;
	sb_printf(&logs, "%s/logs", w->stage);
	rc = mkdir_p(logs.buf, 0755);
	strbuf_release(&logs);
	if (rc) {
		if (remove_tree(w->stage))
			warning("cannot remove '%s'", w->stage);
		free(w->stage);
		w->stage = NULL;
		return -1;
	}
	w->logs_running = !pthread_create(&w->logs, NULL, logs_thread, w);
	return 0;
}

/*
 * Renders format f of r to fd as it is made (a large lab's HTML and JSON
 * are hundreds of megabytes: not kept whole). -1 with errno set when a
 * write failed.
 */
static int render_to_fd(const struct rep_report *r, int f, int fd)
{
	struct strbuf out = STRBUF_INIT;
	struct strbuf_sink sink;
	int ret;

	strbuf_sink_start(&out, &sink, fd);
	formats[f].write(r, &out);
	ret = strbuf_sink_finish(&out);
	strbuf_release(&out);
	return ret;
}

static int write_format(const struct rep_report *r, int f, const char *stage)
{
	struct strbuf path = STRBUF_INIT;
	int fd, ret = -1;

	sb_printf(&path, "%s/%s", stage, formats[f].file);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_errno("cannot create '%s'", path.buf);
		goto out;
	}
	if (render_to_fd(r, f, fd) || close(fd)) {
		error_errno("cannot write '%s'", path.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}

/* threads_run's job i: one format of the rep_out arg. */
static void format_job(size_t i, void *arg)
{
	struct rep_out *w = arg;

	w->jobs[i].ok = !write_format(w->r, w->jobs[i].format, w->stage);
}

/*
 * What the private directory holds into dir: each format's file renamed
 * into place, then logs/ put in the place of the old one. -1 after
 * reporting.
 */
static int out_commit(const struct rep_out *w)
{
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < w->njobs && !ret; i++) {
		const char *file = formats[w->jobs[i].format].file;

		strbuf_reset(&from);
		strbuf_reset(&to);
		sb_printf(&from, "%s/%s", w->stage, file);
		sb_printf(&to, "%s/%s", w->dir, file);
		if (rename(from.buf, to.buf))
			ret = error_errno("cannot rename '%s' to '%s'", from.buf, to.buf);
	}
	if (!ret && w->has_logs) {
		strbuf_reset(&from);
		strbuf_reset(&to);
		sb_printf(&from, "%s/logs", w->stage);
		sb_printf(&to, "%s/logs", w->dir);
		ret = rename_dir_replace(from.buf, to.buf);
	}
	strbuf_release(&from);
	strbuf_release(&to);
	return ret;
}

static void out_release(struct rep_out *w)
{
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->ready);
	w->ready = NULL;
}

/*
 * With ok (the whole model built), renders each format of fmts on worker
 * threads into w's private directory; waits for the logs; puts all into
 * place when everything was written. The private directory is gone
 * afterwards either way. -1 after reporting, or when not ok.
 */
static int out_finish(struct rep_out *w, unsigned fmts, int ok)
{
	int ret = -1;

	rows_done(w);
	for (size_t i = 0; ok && i < ARRAY_SIZE(formats); i++)
		if (fmts & formats[i].bit)
			w->jobs[w->njobs++].format = (int)i;
	threads_run(w->njobs, format_job, w);
	if (w->logs_running)
		pthread_join(w->logs, NULL);
	else if (w->has_logs && ok)
		w->logs_ok = !write_logs(w);
	for (size_t i = 0; i < w->njobs; i++)
		ok = ok && w->jobs[i].ok;
	if (w->has_logs)
		ok = ok && w->logs_ok;
	if (ok && !vm_interrupted)
		ret = out_commit(w);
	if (ret && vm_interrupted)
		error("report interrupted by signal %d: '%s' is as it was", (int)vm_interrupted,
		      w->dir);
	if (remove_tree(w->stage))
		warning("cannot remove '%s'", w->stage);
	free(w->stage);
	w->stage = NULL;
	out_release(w);
	return ret;
}

/* The one format of fmts to stdout, without logs. */
static int write_stdout(const struct rep_report *r, unsigned fmts)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		if (!(fmts & formats[i].bit))
			continue;
		if (fflush(stdout) || render_to_fd(r, (int)i, STDOUT_FILENO))
			return error_errno("cannot write the report to stdout");
		break;
	}
	return 0;
}

int rep_report_write(struct store *st, struct rep_report *r, unsigned fmts,
		     const char *dir)
{
	struct rep_out w = { .st = st };

	if (!strcmp(dir, "-"))
		return write_stdout(r, fmts);
	if (out_begin(&w, r, r->parts, dir)) {
		out_release(&w);
		return -1;
	}
	for (size_t row = 0; row < rep_report_rows(); row++)
		row_built(row, &w);
	return out_finish(&w, fmts, 1);
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

int rep_report_run(const struct rep_run_options *ro)
{
	struct rep_report r = { 0 };
	struct rep_out w = { .db = ro->db };
	int to_stdout = !strcmp(ro->out, "-"), ret = -1, built;
	struct store st;

	if (!path_exists(ro->db))
		return error("no store at '%s' (see --db)", ro->db);
	if (store_open(&st, ro->db))
		return -1;
	if (read_snapshot(&st))
		goto out;
	if (to_stdout) {
		if (rep_report_build(&st, &ro->report, &r) || write_stdout(&r, ro->formats))
			goto out;
	} else {
		if (out_begin(&w, &r, ro->report.parts, ro->out)) {
			out_release(&w);
			goto out;
		}
		/* Each part's logs are written from when it is built. */
		built = !rep_report_build_logged(&st, &ro->report, &r, row_built, &w) &&
			!rep_report_build_rest(&st, &ro->report, &r);
		if (out_finish(&w, ro->formats, built))
			goto out;
		info("report written to %s: %zu unacknowledged ABI break(s), "
		     "%zu unacknowledged guest-view difference(s), "
		     "%zu new regression(s), %zu new migration regression(s)",
		     ro->out, r.abi.unacked, r.guest.unacked, r.matrix.regressions,
		     rep_migration_regressions(&r));
	}
	ret = rep_report_gate(&r);
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
			a->run.report.logs_failed_only = !strcmp(optarg, "failed");
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
		if (rep_report_parse_part(argv[i], &a->run.report.parts))
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
