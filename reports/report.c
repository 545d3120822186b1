/*
 * cmd_report: "virt-matrix report [abi|mapping|caps|matrix|all]...":
 * reads the store (never writes it), builds the report model and writes
 * it as HTML, Markdown, JSON and JUnit XML. The exit status gates CI:
 * 1 when there are unacknowledged ABI breaks or new regressions (unless
 * --no-fail), 2 on errors, 129 on a usage mistake.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "builders.h"
#include "fs.h"
#include "paths.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix report [abi | mapping | caps | matrix | all]...\n"
	"                          [--format LIST] [--out DIR] [--sweep UUID]\n"
	"                          [--acks FILE] [--no-fail] [--db PATH]\n"
	"\n"
	"Reports from the store, which it only reads (but for the schema upgrade\n"
	"every command makes when the store is older than virt-matrix):\n"
	"  abi      guest-ABI differences of each versioned machine type between\n"
	"           consecutive QEMU versions that have it; intentional ones are\n"
	"           shown as acknowledged (specs/abi-acks)\n"
	"  mapping  the QEMU argv of each scenario per (libvirt, QEMU) pair and\n"
	"           from the direct mapper, normalised (ids, fds, temporary paths,\n"
	"           uuids do not count), and which version changed which option\n"
	"  caps     first and last QEMU version with each machine type, device,\n"
	"           device property and QMP command; default values that changed\n"
	"  matrix   pass/fail per scenario, QEMU rows x libvirt columns, of one\n"
	"           sweep, regressions against the previous sweep first\n"
	"  all      all four (the default)\n"
	"\n"
	"options:\n"
	"  --format LIST  comma-separated html, md, json, junit (default: all)\n"
	"  --out DIR      where report.html, report.md, report.json,\n"
	"                 report.junit.xml and logs/run-N.txt go (default:\n"
	"                 ./virt-matrix-report); '-' writes the one format asked\n"
	"                 for to stdout, without logs\n"
	"  --sweep UUID   the sweep of the matrix (default: the latest; 'legacy'\n"
	"                 is the runs recorded without a sweep)\n"
	"  --acks FILE    acknowledged ABI differences (default: specs/abi-acks)\n"
	"  --no-fail      exit 0 even with unacknowledged ABI breaks or new\n"
	"                 regressions\n"
	"  --db PATH      store (env VIRT_MATRIX_DB)\n"
	"\n"
	"exit status: 0 written; 1 written, and there are unacknowledged ABI\n"
	"breaks or new regressions (not with --no-fail); 2 error; 129 usage.\n";

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

void rep_report_release(struct rep_report *r)
{
	free(r->generated_at);
	free(r->store_path);
	rep_abi_release(&r->abi);
	rep_mapping_release(&r->mapping);
	rep_timeline_release(&r->caps);
	rep_matrix_release(&r->matrix);
	rep_versions_release(&r->versions);
	memset(r, 0, sizeof(*r));
}

int rep_report_build(struct store *st, const struct rep_options *o,
		     struct rep_report *r)
{
	char now[32];

	memset(r, 0, sizeof(*r));
	now_iso8601(now, sizeof(now));
	r->generated_at = xstrdup(now);
	r->store_path = xstrdup(st->path);
	r->parts = o->parts;
	if (rep_versions_load(st, &r->versions))
		return -1;
	if (o->parts & REP_ABI) {
		if (o->acks) {
			if (rep_acks_load(o->acks, &r->abi.acks))
				return -1;
		} else {
			char *dir = paths_data_dir("specs");
			struct strbuf p = STRBUF_INIT;
			int rc = 0;

			sb_printf(&p, "%s/abi-acks", dir);
			if (path_exists(p.buf))
				rc = rep_acks_load(p.buf, &r->abi.acks);
			free(dir);
			strbuf_release(&p);
			if (rc)
				return -1;
		}
		if (rep_abi_build(st, &r->versions, &r->abi))
			return -1;
	}
	if ((o->parts & REP_MAPPING) && rep_mapping_build(st, &r->versions, &r->mapping))
		return -1;
	if ((o->parts & REP_CAPS) && rep_timeline_build(st, &r->versions, &r->caps))
		return -1;
	if ((o->parts & REP_MATRIX) &&
	    rep_matrix_build(st, &r->versions, o->sweep, &r->matrix))
		return -1;
	return 0;
}

int rep_report_write(struct store *st, struct rep_report *r, unsigned fmts,
		     const char *dir)
{
	int to_stdout = !strcmp(dir, "-");
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT;
	int ret = -1;

	if (!to_stdout) {
		if (mkdir_p(dir, 0755))
			return -1;
		if ((r->parts & REP_MATRIX) && rep_matrix_write_logs(st, &r->matrix, dir))
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		if (!(fmts & formats[i].bit))
			continue;
		strbuf_reset(&out);
		formats[i].write(r, &out);
		if (to_stdout) {
			if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
				error_errno("cannot write the report to stdout");
				goto done;
			}
			continue;
		}
		strbuf_reset(&path);
		sb_printf(&path, "%s/%s", dir, formats[i].file);
		/* Made again from the store at will: no fsync. */
		if (write_file_replace(path.buf, out.buf, out.len, 0))
			goto done;
	}
	ret = 0;
done:
	strbuf_release(&out);
	strbuf_release(&path);
	return ret;
}

int rep_report_gate(const struct rep_report *r)
{
	return ((r->parts & REP_ABI) && r->abi.unacked) ||
	       ((r->parts & REP_MATRIX) && r->matrix.regressions);
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

static int parse_part(const char *s, unsigned *parts)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = { { "abi", REP_ABI },   { "mapping", REP_MAPPING },
		      { "caps", REP_CAPS }, { "matrix", REP_MATRIX },
		      { "all", REP_ALL } };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*parts |= names[i].bit;
			return 0;
		}
	return error("unknown report '%s'; expected abi, mapping, caps, matrix or all", s);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "sweep", required_argument, NULL, 's' },
		{ "acks", required_argument, NULL, 'a' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rep_options o = { 0, NULL, NULL };
	struct rep_report r;
	struct store st;
	char *db = store_default_path();
	const char *out = "virt-matrix-report";
	unsigned fmts = REP_FMT_ALL;
	int c, no_fail = 0, ret = 2;

	memset(&r, 0, sizeof(r));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_formats(optarg, &fmts))
				goto usage_out;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			o.sweep = optarg;
			break;
		case 'a':
			o.acks = optarg;
			break;
		case 'n':
			no_fail = 1;
			break;
		case 'd':
			free(db);
			db = xstrdup(optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			free(db);
			return 0;
		default:
			goto usage_out;
		}
	}
	for (int i = optind; i < argc; i++)
		if (parse_part(argv[i], &o.parts))
			goto usage_out;
	if (!o.parts)
		o.parts = REP_ALL;
	if (!*out) {
		error("--out needs a directory (or '-')");
		goto usage_out;
	}
	if (!strcmp(out, "-") && (fmts & (fmts - 1))) {
		error("--out - writes one format; give exactly one with --format");
		goto usage_out;
	}
	if (!path_exists(db)) {
		error("no store at '%s' (see --db)", db);
		free(db);
		return 2;
	}
	if (store_open(&st, db)) {
		free(db);
		return 2;
	}
	if (!rep_report_build(&st, &o, &r) && !rep_report_write(&st, &r, fmts, out)) {
		ret = !no_fail && rep_report_gate(&r) ? 1 : 0;
		if (strcmp(out, "-"))
			info("report written to %s: %zu unacknowledged ABI break(s), "
			     "%zu new regression(s)",
			     out, r.abi.unacked, r.matrix.regressions);
	}
	rep_report_release(&r);
	store_close(&st);
	free(db);
	return ret;
usage_out:
	fputs(usage, stderr);
	free(db);
	return 129;
}
