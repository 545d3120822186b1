/*
 * `virt-matrix sweep`: the nightly job in one command. It fixes the
 * sweep's versions (the catalog's and the installed ones, or those
 * named), builds the missing ones with ark, probes them, runs every
 * scenario on every combination with `run`, has `report` write the
 * reports, and prints a summary: counts, regressions against the
 * previous sweep, ABI breaks and where the report is. Each stage is a
 * child process (virt-matrix itself, see child.c) with its own
 * timeout; Ctrl-C stops the running stage cleanly.
 *
 * One sweep row (kind 'sweep') groups the runs; giving its uuid again
 * (--sweep-id, or --resume for the newest unfinished one) continues it:
 * ark does not rebuild what is installed, probe does not re-probe an
 * unchanged binary, and run skips every job the sweep already recorded.
 *
 * Sharded (--shard K/N, or CI_NODE_INDEX/CI_NODE_TOTAL, or Slurm's array
 * variables), every shard builds and probes all of the sweep's versions
 * and runs its own slice of the jobs (run's round-robin split over
 * QEMU x libvirt x scenario), so the same versions give the same split
 * on every machine; `merge` joins the shards' stores.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sweep.h"
#include "sweep_internal.h"
#include "catalog.h"
#include "fs.h"
#include "installs.h"
#include "paths.h"
#include "shard.h"
#include "runs.h"
#include "sweeps.h"
#include "version.h"
#include "banned.h"

#define BUILD_TIMEOUT (12 * 3600.0)
#define PROBE_TIMEOUT (2 * 3600.0)
#define IMPORT_TIMEOUT 300.0
#define RUN_TIMEOUT (24 * 3600.0)
#define REPORT_TIMEOUT 3600.0

static const char usage[] =
	"usage: virt-matrix sweep [--qemu VERSION]... [--libvirt VERSION|none]...\n"
	"                         [--scenario NAME]... [--installed] [--no-import]\n"
	"                         [--sweep-id UUID | --resume] [--shard K/N]\n"
	"                         [--jobs N] [--timeout SEC] [--from SOURCE]\n"
	"                         [--report-dir DIR | --no-report] [--db PATH]\n"
	"\n"
	"The nightly job: registers the distribution's own QEMU and libvirt,\n"
	"builds the versions of the sweep that are not installed (ark), probes\n"
	"them, runs every scenario on every QEMU x libvirt combination (run),\n"
	"writes the reports (report) and prints a summary:\n"
	"counts, regressions against the previous sweep, ABI breaks, and the\n"
	"report's path. Every stage is virt-matrix itself in a child process.\n"
	"\n"
	"  --qemu VERSION     a QEMU of the sweep (built if not installed);\n"
	"                     repeatable; default: every catalog version and\n"
	"                     every QEMU install\n"
	"  --libvirt V        a libvirt of the sweep, 'none' for direct runs;\n"
	"                     repeatable; default: direct runs and every catalog\n"
	"                     version and libvirt install\n"
	"  --scenario NAME    repeatable; default: every scenario\n"
	"  --installed        only what is installed now: build nothing\n"
	"  --no-import        do not register the distribution's own QEMU and\n"
	"                     libvirt (by default a sweep that does not name\n"
	"                     its versions imports them: ark import)\n"
	"  --sweep-id UUID    the sweep's id: a new sweep with this id, or the\n"
	"                     sweep to continue (the shards of one sweep share it)\n"
	"  --resume           continue the newest sweep that did not finish, with\n"
	"                     the options it was started with\n"
	"  --shard K/N        build and probe everything, run the K-th of N slices\n"
	"                     of the jobs; default from CI_NODE_INDEX/CI_NODE_TOTAL\n"
	"                     or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT\n"
	"  --jobs N, --timeout SEC   passed to run\n"
	"  --from SOURCE      passed to ark build (auto, upstream, debian)\n"
	"  --report-dir DIR   where the reports go (default: reports/<sweep id>\n"
	"                     beside the store)\n"
	"  --no-report        skip the report stage (a sharded CI job reports\n"
	"                     after merging)\n"
	"  --db PATH          store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every stage ran and there is no regression, 1\n"
	"otherwise (a build failed, a stage failed, regressions, ABI breaks\n"
	"that specs/abi-acks does not acknowledge), 130 when interrupted\n"
	"(resume with --resume or the same --sweep-id).\n";

struct sweep_opts {
	struct strvec qemus, libvirts, scenarios;
	int installed, resume, no_report, no_import;
	const char *uuid, *from, *jobs, *timeout, *report_dir;
	struct shard shard;
	int shard_given;
	struct strvec resumed; /* --resume: the recorded command o points into */
};

static void opts_release(struct sweep_opts *o)
{
	strvec_clear(&o->resumed);
	strvec_clear(&o->qemus);
	strvec_clear(&o->libvirts);
	strvec_clear(&o->scenarios);
}

/* 0, 1 for --help, -1 after reporting a usage error. */
static int parse(struct sweep_opts *o, char **db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qemu", required_argument, NULL, 'Q' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "scenario", required_argument, NULL, 's' },
		{ "installed", no_argument, NULL, 'I' },
		{ "no-import", no_argument, NULL, 'M' },
		{ "sweep-id", required_argument, NULL, 'W' },
		{ "resume", no_argument, NULL, 'R' },
		{ "shard", required_argument, NULL, 'S' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "from", required_argument, NULL, 'F' },
		{ "report-dir", required_argument, NULL, 'r' },
		{ "no-report", no_argument, NULL, 'N' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long l;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'Q':
			strvec_push(&o->qemus, optarg);
			break;
		case 'L':
			strvec_push(&o->libvirts, optarg);
			break;
		case 's':
			strvec_push(&o->scenarios, optarg);
			break;
		case 'I':
			o->installed = 1;
			break;
		case 'M':
			o->no_import = 1;
			break;
		case 'W':
			if (!sweep_uuid_valid(optarg))
				return error("--sweep-id wants a uuid such as "
					     "'0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60', not '%s'",
					     optarg);
			o->uuid = optarg;
			break;
		case 'R':
			o->resume = 1;
			break;
		case 'S':
			if (shard_parse(optarg, &o->shard))
				return error("--shard wants K/N with 1 <= K <= N, not '%s'",
					     optarg);
			o->shard_given = 1;
			break;
		case 'j':
			if (parse_long(optarg, 1, 64, &l))
				return error("--jobs wants a number from 1 to 64, not '%s'",
					     optarg);
			o->jobs = optarg;
			break;
		case 'T':
			if (parse_long(optarg, 1, 86400, &l))
				return error("--timeout wants seconds from 1 to 86400, not '%s'",
					     optarg);
			o->timeout = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "auto") && strcmp(optarg, "upstream") &&
			    strcmp(optarg, "debian"))
				return error("--from wants auto, upstream or debian, not '%s'",
					     optarg);
			o->from = optarg;
			break;
		case 'r':
			o->report_dir = optarg;
			break;
		case 'N':
			o->no_report = 1;
			break;
		case 'd':
			if (db) {
				free(*db);
				*db = xstrdup(optarg);
			}
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	if (o->resume && o->uuid)
		return error("--resume continues the newest unfinished sweep; "
			     "--sweep-id names one: give one of them");
	return 0;
}

/*
 * --resume: the newest sweep that did not finish, and the options it was
 * started with (its recorded command), into o. -1 after reporting.
 */
static int load_resumed(struct store *st, struct sweep_opts *o, char *uuid)
{
	auto_stmt *q = NULL;
	json_object *cmd = NULL;
	const char *shard;
	size_t n;
	int ret = -1;

	if (store_prepare(st, &q, "SELECT uuid, command, shard FROM sweeps WHERE"
			  " kind = 'sweep' AND status <> 'finished'"
			  " ORDER BY started_at DESC, id DESC LIMIT 1"))
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW)
		return error("no unfinished sweep in '%s' to resume", st->path);
	snprintf(uuid, SWEEP_UUID_LEN + 1, "%s", sqlite3_column_text(q, 0));
	cmd = json_tokener_parse((const char *)sqlite3_column_text(q, 1));
	if (!cmd || !json_object_is_type(cmd, json_type_array) ||
	    !(n = json_object_array_length(cmd))) {
		error("sweep %s has no command on record to resume it with", uuid);
		goto out;
	}
	opts_release(o);
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < n; i++)
		strvec_push(&o->resumed,
			    json_object_get_string(json_object_array_get_idx(cmd, i)));
	if (parse(o, NULL, (int)n, (char **)o->resumed.v)) {
		error("sweep %s: its recorded command does not parse", uuid);
		goto out;
	}
	o->shard.k = o->shard.n = 1;
	shard = (const char *)sqlite3_column_text(q, 2);
	if (shard && shard_parse(shard, &o->shard)) {
		error("sweep %s: shard '%s' on record is not K/N", uuid, shard);
		goto out;
	}
	o->uuid = NULL;
	o->resume = 1;
	info("resuming sweep %s (%s)", uuid, json_object_to_json_string(cmd));
	ret = 0;
out:
	json_object_put(cmd);
	return ret;
}

static int strvec_has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

static int by_version(const void *a, const void *b)
{
	return version_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The versions of app in the sweep: those named (words other than 'none'
 * and 'all'), else the catalog's (unless installed_only) and the installs.
 */
static int version_set(struct store *st, const char *app, const struct strvec *named,
		       int installed_only, struct strvec *out)
{
	struct install *v = NULL;
	size_t n = 0;
	int explicit = 0;

	for (size_t i = 0; i < named->nr; i++) {
		if (!strcmp(named->v[i], "all"))
			continue;
		explicit = 1;
		if (strcmp(named->v[i], "none") && !strvec_has(out, named->v[i]))
			strvec_push(out, named->v[i]);
	}
	if (!explicit) {
		if (!installed_only) {
			struct catalog c;
			char *specs = paths_data_dir("specs");
			int rc = catalog_load(&c, specs, app);

			free(specs);
			if (rc)
				return -1;
			for (size_t i = 0; i < c.nr; i++)
				if (!strvec_has(out, c.v[i].version))
					strvec_push(out, c.v[i].version);
			catalog_release(&c);
		}
		if (installs_list(st, app, &v, &n))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!strvec_has(out, v[i].version))
				strvec_push(out, v[i].version);
		installs_free(v, n);
	}
	sort_array(out->v, out->nr, sizeof(*out->v), by_version);
	return 0;
}

/* The versions of app in set that are not installed, into missing. */
static int not_installed(struct store *st, const char *app, const struct strvec *set,
			 struct strvec *missing)
{
	for (size_t i = 0; i < set->nr; i++) {
		struct install in;
		int r = installs_get(st, app, set->v[i], &in);

		if (r < 0)
			return -1;
		if (r == 0)
			install_release(&in);
		else
			strvec_push(missing, set->v[i]);
	}
	return 0;
}

/* Drops from set the versions in gone. */
static void drop(struct strvec *set, const struct strvec *gone)
{
	for (size_t i = set->nr; i-- > 0;)
		if (strvec_has(gone, set->v[i]))
			strvec_remove(set, i);
}

/* Counts and regressions of the sweep, for the summary. */
static int summarise(struct store *st, long long id, int *regressions)
{
	static const char counts_sql[] =
		"SELECT status, count(*) FROM runs r WHERE sweep = ?1 AND id ="
		" (SELECT max(id) FROM runs x WHERE x.sweep = r.sweep AND x.qemu = r.qemu"
		"  AND x.libvirt IS r.libvirt AND x.scenario = r.scenario)"
		" GROUP BY status ORDER BY status";
	/*
	 * Passing in the newest earlier sweep that ran it; whether it fails
	 * now is run_status_is_failure's to say.
	 */
	static const char regress_sql[] =
		"SELECT r.qemu, coalesce(r.libvirt, '-'), r.scenario, r.status,"
		" coalesce(r.reason, ''), (SELECT s.uuid FROM runs p JOIN sweeps s ON"
		"  s.id = p.sweep WHERE s.id <> ?1 AND s.started_at <"
		"  (SELECT started_at FROM sweeps WHERE id = ?1) AND p.qemu = r.qemu"
		"  AND p.libvirt IS r.libvirt AND p.scenario = r.scenario"
		"  ORDER BY s.started_at DESC, p.id DESC LIMIT 1) AS prev_sweep,"
		" (SELECT p.status FROM runs p JOIN sweeps s ON s.id = p.sweep WHERE"
		"  s.id <> ?1 AND s.started_at < (SELECT started_at FROM sweeps WHERE"
		"  id = ?1) AND p.qemu = r.qemu AND p.libvirt IS r.libvirt AND"
		"  p.scenario = r.scenario ORDER BY s.started_at DESC, p.id DESC"
		"  LIMIT 1) AS prev"
		" FROM runs r WHERE r.sweep = ?1"
		" AND r.id = (SELECT max(id) FROM runs x WHERE x.sweep = r.sweep AND"
		"  x.qemu = r.qemu AND x.libvirt IS r.libvirt AND x.scenario = r.scenario)"
		" AND prev = 'pass' ORDER BY r.qemu, r.libvirt, r.scenario";
	auto_stmt *q = NULL;
	long long total = 0;
	int rc;

	if (store_prepare(st, &q, counts_sql))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	printf("runs:");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		printf(" %s %lld", sqlite3_column_text(q, 0), sqlite3_column_int64(q, 1));
		total += sqlite3_column_int64(q, 1);
	}
	printf("%s (%lld jobs)\n", total ? "" : " none", total);
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot count the sweep's runs");
	sqlite3_finalize(q);
	q = NULL;
	if (store_prepare(st, &q, regress_sql))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	*regressions = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum run_status now;

		if (runs_status_parse(st, (const char *)sqlite3_column_text(q, 3), &now))
			return -1;
		if (!run_status_is_failure(now))
			continue;
		if (!(*regressions)++)
			printf("regressions (passed in the previous sweep that ran them):\n");
		printf("  %-14s %-8s %-14s %s: %.120s (passed in sweep %s)\n",
		       sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
		       sqlite3_column_text(q, 2), sqlite3_column_text(q, 3),
		       sqlite3_column_text(q, 4), sqlite3_column_text(q, 5));
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "cannot look for regressions");
	if (!*regressions)
		printf("regressions: none\n");
	return 0;
}

/*
 * The summary of a report JSON document (schema virt-matrix-report/N,
 * reports/README.md) in dir, into note; 0 when there is none.
 */
static int read_report_json(const char *dir, struct strbuf *note, long *regressions,
			    long *abi_breaks)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort), found = 0;

	for (int i = 0; i < n; i++) {
		struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
		json_object *doc = NULL, *schema, *sum, *v;

		if (!found && ends_with(ents[i]->d_name, ".json")) {
			sb_printf(&p, "%s/%s", dir, ents[i]->d_name);
			if (!strbuf_read_file(&text, p.buf, 256 << 20))
				doc = json_tokener_parse(text.buf);
			if (doc && json_object_object_get_ex(doc, "schema", &schema) &&
			    !strncmp(json_object_get_string(schema), "virt-matrix-report/", 19) &&
			    json_object_object_get_ex(doc, "summary", &sum)) {
				found = 1;
				*regressions = json_object_object_get_ex(sum, "regressions", &v)
						       ? json_object_get_int64(v)
						       : 0;
				*abi_breaks = json_object_object_get_ex(sum, "abi_unacknowledged", &v)
						      ? json_object_get_int64(v)
						      : 0;
				/* note holds "report: DIR"; the ABI line goes first. */
				strbuf_reset(&text);
				sb_printf(&text, "ABI breaks: %ld unacknowledged", *abi_breaks);
				if (json_object_object_get_ex(sum, "abi_acknowledged", &v))
					sb_printf(&text, ", %ld acknowledged",
						  (long)json_object_get_int64(v));
				sb_printf(&text, " (report)\n%s (%s: %ld new regressions", note->buf,
					  ents[i]->d_name, *regressions);
				if (json_object_object_get_ex(sum, "fixed", &v))
					sb_printf(&text, ", %ld fixed", (long)json_object_get_int64(v));
				sb_puts(&text, ")");
				strbuf_reset(note);
				sb_puts(note, text.buf);
			}
			json_object_put(doc);
		}
		strbuf_release(&p);
		strbuf_release(&text);
		free(ents[i]);
	}
	free(ents);
	return found;
}

/*
 * Runs the report stage; what to say of it goes into *note. -1 when the
 * report failed; 1 when it found regressions or unacknowledged ABI breaks.
 */
static int report_stage(const char *db, const char *uuid, const char *dir,
			struct strbuf *note)
{
	struct strvec a = STRVEC_INIT;
	long regressions = 0, abi_breaks = 0;
	int rc;

	if (!vm_self_has("report")) {
		sb_puts(note, "ABI breaks: not computed (this virt-matrix has no 'report' "
			      "command yet, issue 6)\nreport: none; the counts and "
			      "regressions above are the sweep's own");
		return 0;
	}
	strvec_pushv(&a, (const char *const[]){ "report", "all", "--format",
		"html,md,json,junit", "--sweep", uuid, "--out", dir, "--db", db, NULL });
	rc = vm_self_run(&a, REPORT_TIMEOUT);
	strvec_clear(&a);
	if (rc != 0 && rc != 1) {
		sb_printf(note, "report failed (exit status %d; see above)", rc);
		return -1;
	}
	sb_printf(note, "report: %s", dir);
	if (!read_report_json(dir, note, &regressions, &abi_breaks)) {
		strbuf_reset(note);
		sb_printf(note, "ABI breaks: unknown (no JSON summary in the report)\n"
				"report: %s", dir);
	}
	return rc == 1 || regressions || abi_breaks ? 1 : 0;
}

int sweep_args_check(const struct strvec *args)
{
	struct sweep_opts o;
	struct strvec a = STRVEC_INIT;
	int rc;

	memset(&o, 0, sizeof(o));
	strvec_push(&a, "sweep");
	for (size_t i = 0; i < args->nr; i++)
		strvec_push(&a, args->v[i]);
	rc = parse(&o, NULL, (int)a.nr, (char **)a.v);
	opts_release(&o);
	strvec_clear(&a);
	return rc < 0 ? -1 : 0;
}

/*
 * 0. The distribution's own QEMU and libvirt join a sweep that does not
 * name its versions: `ark import --if-present` registers each (again, if
 * the package changed; nothing when it is not installed). Returns how
 * many imports failed (reported): the sweep goes on without them.
 */
static int import_distribution(const struct sweep_opts *o, const char *db)
{
	static const char *const apps[] = { "qemu", "libvirt" };
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(apps); i++) {
		const struct strvec *named = i ? &o->libvirts : &o->qemus;
		struct strvec a = STRVEC_INIT;
		int rc;

		if (vm_interrupted)
			break;
		if (named->nr && !strvec_has(named, "all"))
			continue;
		strvec_pushv(&a, (const char *const[]){ "ark", "import", "--if-present",
							"--db", db, apps[i], NULL });
		rc = vm_self_run(&a, IMPORT_TIMEOUT);
		strvec_clear(&a);
		/* -1: vm_self_run said why (a timeout) or we were interrupted. */
		if (rc > 0)
			error("importing the distribution's %s failed (status %d); the "
			      "sweep goes on without it",
			      apps[i], rc);
		failed += rc != 0 && !vm_interrupted;
	}
	return failed;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	struct strvec qemus = STRVEC_INIT, libvirts = STRVEC_INIT, missing = STRVEC_INIT;
	struct strvec a = STRVEC_INIT;
	struct strbuf note = STRBUF_INIT, sh = STRBUF_INIT;
	struct store st;
	char *db = store_default_path(), *report_dir = NULL;
	char uuid[SWEEP_UUID_LEN + 1];
	long long id = 0;
	int direct, rc, failed = 0, regressions = 0, ret = 1, open = 0;

	memset(&o, 0, sizeof(o));
	rc = parse(&o, &db, argc, argv);
	if (rc) {
		fputs(usage, rc > 0 ? stdout : stderr);
		ret = rc > 0 ? 0 : 129;
		goto out;
	}
	if (!o.shard_given && shard_from_env(&o.shard))
		goto out;
	if (store_open(&st, db))
		goto out;
	open = 1;
	if (o.resume && load_resumed(&st, &o, uuid))
		goto out;
	direct = !o.libvirts.nr || strvec_has(&o.libvirts, "none") ||
		 strvec_has(&o.libvirts, "all");
	if (!o.no_import)
		failed += import_distribution(&o, db);
	if (vm_interrupted) {
		ret = 130;
		goto out;
	}
	if (version_set(&st, "qemu", &o.qemus, o.installed, &qemus) ||
	    version_set(&st, "libvirt", &o.libvirts, o.installed, &libvirts))
		goto out;
	if (!qemus.nr) {
		error("the sweep has no QEMU (none installed, none named)");
		goto out;
	}
	sb_printf(&sh, "%ld/%ld", o.shard.k, o.shard.n);
	if (o.shard.n > 1 && !o.uuid && !o.resume)
		warning("shard %s of a new sweep: give every shard the same --sweep-id "
			"(see 'virt-matrix plan'), or merge keeps them as %ld sweeps",
			sh.buf, o.shard.n);
	if (sweep_open(&st, "sweep", o.resume ? uuid : o.uuid,
		       o.shard.n > 1 ? sh.buf : NULL, argc, argv, &id, uuid))
		goto out;
	printf("sweep %s%s%s\n", uuid, o.shard.n > 1 ? ", shard " : "",
	       o.shard.n > 1 ? sh.buf : "");
	fflush(stdout);

	/* 1. Build what is missing. */
	if (not_installed(&st, "qemu", &qemus, &missing))
		goto out;
	{
		size_t nq = missing.nr;

		if (not_installed(&st, "libvirt", &libvirts, &missing))
			goto out;
		if (missing.nr) {
			strvec_push(&a, "ark");
			strvec_push(&a, "build");
			if (o.from)
				strvec_pushv(&a, (const char *const[]){ "--from", o.from, NULL });
			strvec_pushv(&a, (const char *const[]){ "--db", db, NULL });
			for (size_t i = 0; i < missing.nr; i++) {
				if (i == 0 && nq)
					strvec_push(&a, "qemu");
				if (i == nq)
					strvec_push(&a, "libvirt");
				strvec_push(&a, missing.v[i]);
			}
			rc = vm_self_run(&a, BUILD_TIMEOUT);
			strvec_clear(&a);
			if (vm_interrupted)
				goto close;
			/* What still is not installed failed to build. */
			strvec_clear(&missing);
			if (not_installed(&st, "qemu", &qemus, &missing))
				goto out;
			drop(&qemus, &missing);
			nq = missing.nr;
			if (not_installed(&st, "libvirt", &libvirts, &missing))
				goto out;
			for (size_t i = 0; i < missing.nr; i++) {
				error("%s %s did not build; the sweep goes on without it%s",
				      i < nq ? "qemu" : "libvirt", missing.v[i],
				      o.shard.n > 1 ? " (shards whose version sets differ "
						      "split the jobs differently)"
						    : "");
				failed++;
			}
			drop(&libvirts, &missing);
		}
	}
	if (!qemus.nr) {
		error("no QEMU of the sweep is installed");
		goto close;
	}
	/* 2. Probe (an unchanged binary is not probed again). */
	strvec_pushv(&a, (const char *const[]){ "probe", "--db", db, NULL });
	if (!libvirts.nr)
		strvec_push(&a, "--no-libvirt");
	strvec_pushv(&a, qemus.v);
	rc = vm_self_run(&a, PROBE_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted)
		goto close;
	if (rc) {
		error("probe ended with status %d; runs without a capability record "
		      "are recorded as errors",
		      rc);
		failed++;
	}
	/* 3. Run this shard's jobs; those the sweep has recorded are skipped. */
	strvec_pushv(&a, (const char *const[]){ "run", "--sweep", uuid, "--shard",
		sh.buf, "--db", db, NULL });
	for (size_t i = 0; i < qemus.nr; i++)
		strvec_pushv(&a, (const char *const[]){ "--qemu", qemus.v[i], NULL });
	if (direct)
		strvec_pushv(&a, (const char *const[]){ "--libvirt", "none", NULL });
	for (size_t i = 0; i < libvirts.nr; i++)
		strvec_pushv(&a, (const char *const[]){ "--libvirt", libvirts.v[i], NULL });
	if (!direct && !libvirts.nr) {
		error("the sweep has no libvirt installed and no direct runs");
		goto close;
	}
	for (size_t i = 0; i < o.scenarios.nr; i++)
		strvec_pushv(&a, (const char *const[]){ "--scenario", o.scenarios.v[i], NULL });
	if (o.jobs)
		strvec_pushv(&a, (const char *const[]){ "--jobs", o.jobs, NULL });
	if (o.timeout)
		strvec_pushv(&a, (const char *const[]){ "--timeout", o.timeout, NULL });
	rc = vm_self_run(&a, RUN_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted || rc == 130)
		goto close;
	if (rc != 0 && rc != 1) {
		error("run ended with status %d", rc);
		failed++;
	}
	/* 4. Reports. */
	if (o.no_report) {
		sb_puts(&note, "ABI breaks: not looked at (--no-report)\nreport: none (--no-report)");
	} else {
		if (o.report_dir) {
			report_dir = xstrdup(o.report_dir);
		} else {
			char *d = path_dirname(db);
			struct strbuf p = STRBUF_INIT;

			sb_printf(&p, "%s/reports/%s", d, uuid);
			free(d);
			report_dir = strbuf_detach(&p);
		}
		rc = report_stage(db, uuid, report_dir, &note);
		if (vm_interrupted)
			goto close;
		if (rc < 0)
			failed++;
		else if (rc > 0)
			regressions++;
	}
close:
	{
		int r = 0;

		if (!vm_interrupted) {
			printf("sweep %s%s%s: %s\n", uuid, o.shard.n > 1 ? " shard " : "",
			       o.shard.n > 1 ? sh.buf : "", failed ? "finished with errors" : "finished");
			if (summarise(&st, id, &r))
				failed++;
			regressions += r;
			printf("%s\n", note.len ? note.buf : "no report");
		}
		if (sweep_close(&st, id, vm_interrupted ? "interrupted" : "finished"))
			failed++;
		if (vm_interrupted)
			printf("sweep %s interrupted; 'virt-matrix sweep --resume' (or "
			       "--sweep-id %s) continues it\n",
			       uuid, uuid);
		ret = vm_interrupted ? 130 : failed || regressions ? 1 : 0;
	}
out:
	if (open)
		store_close(&st);
	opts_release(&o);
	strvec_clear(&qemus);
	strvec_clear(&libvirts);
	strvec_clear(&missing);
	strvec_clear(&a);
	strbuf_release(&note);
	strbuf_release(&sh);
	free(report_dir);
	free(db);
	return ret;
}
