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
 * variables, or a Kubernetes Indexed Job's), every shard builds and
 * probes all of the sweep's versions and runs its own slice of the jobs
 * (run's round-robin split over QEMU x libvirt x scenario), so the same
 * versions give the same split on every machine; `merge` joins the
 * shards' stores.
 *
 * cmd_sweep parses (sweep_opts.c) and calls sweep_execute, which runs
 * the steps below in order; what they decide without a store or a child
 * (the stages, the version sets, the stages' command lines, the exit
 * status) is sweep_steps.c's.
 */
#include <dirent.h>
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
#include "builders.h"
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
	"                         [--report-dir DIR | --no-report] [--no-migrate]\n"
	"                         [--corpus] [--db PATH]\n"
	"\n"
	"The nightly job: registers the distribution's own QEMU and libvirt,\n"
	"builds the versions of the sweep that are not installed (ark), probes\n"
	"them, runs every scenario on every QEMU x libvirt combination (run),\n"
	"migrates a guest between every pair of its QEMUs, directly and through\n"
	"its libvirts (migrate), writes the reports (report) and prints a summary:\n"
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
	"                     of the jobs and of the migrations; default from\n"
	"                     CI_NODE_INDEX/CI_NODE_TOTAL\n"
	"                     or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT\n"
	"                     or JOB_COMPLETION_INDEX/VIRT_MATRIX_SHARDS\n"
	"  --jobs N           passed to run\n"
	"  --timeout SEC      passed to run and migrate\n"
	"  --from SOURCE      passed to ark build (auto, upstream, debian)\n"
	"  --report-dir DIR   where the reports go (default: reports/<sweep id>\n"
	"                     beside the store)\n"
	"  --no-migrate       skip the migrate stages (direct: a guest per QEMU\n"
	"                     and versioned machine type, the longest stage;\n"
	"                     through libvirt: a guest per pair)\n"
	"  --corpus           also run libvirt's own test domains on every (libvirt,\n"
	"                     QEMU) pair of the sweep (corpus import from the\n"
	"                     newest ark-built libvirt, then corpus run; sharded\n"
	"                     by domain like the runs): about 3 minutes a pair\n"
	"  --no-report        skip the report stage (a sharded CI job reports\n"
	"                     after merging)\n"
	"  --db PATH          store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every stage ran and there is no regression, 1\n"
	"otherwise (a build failed, a stage failed, regressions, ABI breaks\n"
	"that specs/abi-acks does not acknowledge), 130 when interrupted\n"
	"(resume with --resume or the same --sweep-id).\n";

/*
 * The versions of app in the sweep (sweep_version_set), the catalog and
 * the installs read only when no version is named. -1 after reporting.
 */
static int version_set(struct store *st, const char *app, const struct strvec *named,
		       int installed_only, struct strvec *out)
{
	struct strvec cat = STRVEC_INIT, inst = STRVEC_INIT;
	struct install *v = NULL;
	size_t n = 0;
	int ret = -1;

	if (!sweep_versions_named(named)) {
		if (!installed_only) {
			struct catalog c;
			char *specs = paths_data_dir("specs");
			int rc = catalog_load(&c, specs, app);

			free(specs);
			if (rc)
				goto out;
			for (size_t i = 0; i < c.nr; i++)
				strvec_push(&cat, c.v[i].version);
			catalog_release(&c);
		}
		if (installs_list(st, app, &v, &n))
			goto out;
		for (size_t i = 0; i < n; i++)
			strvec_push(&inst, v[i].version);
		installs_free(v, n);
	}
	sweep_version_set(named, installed_only ? NULL : &cat, &inst, out);
	ret = 0;
out:
	strvec_clear(&cat);
	strvec_clear(&inst);
	return ret;
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

/*
 * The sweep's counts (its latest run of each cell) and its regressions
 * against the newest earlier sweep that ran each cell, as the matrix
 * report finds them (reports/matrix_report.c): the summary and the
 * report cannot disagree.
 */
/* "migrations: pass N fail M ..." of the sweep, when it has any. */
static int summarise_migrations(struct store *st, const char *uuid)
{
	auto_stmt *q = NULL;
	int rc, any = 0;

	if (store_prepare(st, &q, "SELECT status, count(*) FROM migrations WHERE sweep ="
				  " (SELECT id FROM sweeps WHERE uuid = ?) GROUP BY status"
				  " ORDER BY status"))
		return -1;
	store_bind_text(q, 1, uuid);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		printf("%s %s %lld", any ? "" : "migrations:",
		       (const char *)sqlite3_column_text(q, 0),
		       (long long)sqlite3_column_int64(q, 1));
		any = 1;
	}
	if (any)
		printf("\n");
	return rc == SQLITE_DONE ? 0 : store_error(st, "cannot count the migrations");
}

static int summarise(struct store *st, const char *uuid, int *regressions)
{
	/* In the order of their strings, as the summary has always listed them. */
	static const enum run_status order[] = { RUN_ERROR, RUN_FAIL, RUN_PASS,
						 RUN_SKIP, RUN_UNSUPPORTED };
	size_t count[RUN_STATUS_LAST] = { 0 }, total = 0;
	struct rep_matrix m;

	memset(&m, 0, sizeof(m));
	*regressions = 0;
	if (rep_matrix_build(st, NULL, uuid, &m)) {
		rep_matrix_release(&m);
		return -1;
	}
	for (size_t i = 0; i < m.ncells; i++)
		if (m.cells[i].current) {
			count[m.cells[i].verdict]++;
			total++;
		}
	printf("runs:");
	for (size_t k = 0; k < ARRAY_SIZE(order); k++)
		if (count[order[k]])
			printf(" %s %zu", run_status_to_string(order[k]), count[order[k]]);
	printf("%s (%zu job%s)\n", total ? "" : " none", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < m.ncells; i++) {
		const struct rep_cell *c = &m.cells[i];

		if (!c->regression)
			continue;
		if (!(*regressions)++)
			printf("regressions (passed in the previous sweep that ran them):\n");
		printf("  %-14s %-8s %-14s %s: %.120s (passed in sweep %s)\n", c->qemu,
		       c->libvirt ? c->libvirt : "-", c->scenario, c->status,
		       c->reason ? c->reason : "", c->prev_sweep);
	}
	if (!*regressions)
		printf("regressions: none\n");
	rep_matrix_release(&m);
	return summarise_migrations(st, uuid);
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
				if (json_object_object_get_ex(sum, "guest_unacknowledged", &v)) {
					sb_printf(&text, "; guest-view differences: %ld "
							 "unacknowledged",
						  (long)json_object_get_int64(v));
					*abi_breaks += json_object_get_int64(v);
				}
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
 * report failed; 1 when it found regressions, unacknowledged ABI breaks
 * or guest-view differences.
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

/* A sweep under way: what sweep_execute's steps share. */
struct sweep_run {
	const struct sweep_opts *o; /* the command's, or resumed */
	struct sweep_opts resumed;
	struct sweep_stages stages;
	struct store st;
	int open;
	long long id;
	char uuid[SWEEP_UUID_LEN + 1];
	struct strbuf sh;   /* the shard, K/N */
	struct strbuf note; /* the report stage's lines of the summary */
	struct strvec qemus, libvirts;
	int failed, regressions;
};

/* What a stage step tells sweep_execute. */
enum step {
	STEP_NEXT = 0,	 /* go on with the next stage */
	STEP_CLOSE = 1,	 /* no further stage: close the sweep and summarise */
	STEP_ABORT = -1, /* reported; leave without closing the sweep */
};

/*
 * --resume: the newest sweep that did not finish, and the options it was
 * started with (its recorded command), into r->resumed, which becomes
 * r->o. -1 after reporting.
 */
static int load_resumed(struct sweep_run *r)
{
	struct sweep_opts *o = &r->resumed;
	auto_stmt *q = NULL;
	json_object *cmd = NULL;
	const char *shard;
	size_t n;
	int ret = -1;

	if (store_prepare(&r->st, &q, "SELECT uuid, command, shard FROM sweeps WHERE"
			  " kind = 'sweep' AND status <> 'finished'"
			  " ORDER BY started_at DESC, id DESC LIMIT 1"))
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW)
		return error("no unfinished sweep in '%s' to resume", r->st.path);
	snprintf(r->uuid, sizeof(r->uuid), "%s", sqlite3_column_text(q, 0));
	cmd = json_tokener_parse((const char *)sqlite3_column_text(q, 1));
	if (!cmd || !json_object_is_type(cmd, json_type_array) ||
	    !(n = json_object_array_length(cmd))) {
		error("sweep %s has no command on record to resume it with", r->uuid);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		strvec_push(&o->resumed,
			    json_object_get_string(json_object_array_get_idx(cmd, i)));
	if (sweep_opts_parse(o, (int)n, (char **)o->resumed.v)) {
		error("sweep %s: its recorded command does not parse", r->uuid);
		goto out;
	}
	o->shard.k = o->shard.n = 1;
	shard = (const char *)sqlite3_column_text(q, 2);
	if (shard && shard_parse(shard, &o->shard)) {
		error("sweep %s: shard '%s' on record is not K/N", r->uuid, shard);
		goto out;
	}
	o->db = r->o->db; /* this command's store, not the recorded --db */
	o->uuid = NULL;
	o->resume = 1;
	r->o = o;
	info("resuming sweep %s (%s)", r->uuid, json_object_to_json_string(cmd));
	ret = 0;
out:
	json_object_put(cmd);
	return ret;
}

/*
 * 0. The distribution's own QEMU and libvirt join a sweep that does not
 * name its versions: `ark import --if-present` registers each (again, if
 * the package changed; nothing when it is not installed). Counts the
 * imports that failed (reported) in r->failed: the sweep goes on without
 * them.
 */
static void import_distribution(struct sweep_run *r)
{
	static const char *const apps[] = { "qemu", "libvirt" };

	for (size_t i = 0; i < ARRAY_SIZE(apps); i++) {
		struct strvec a = STRVEC_INIT;
		int rc;

		if (vm_interrupted)
			break;
		if (!(i ? r->stages.import_libvirt : r->stages.import_qemu))
			continue;
		strvec_pushv(&a, (const char *const[]){ "ark", "import", "--if-present",
							"--db", r->o->db, apps[i], NULL });
		rc = vm_self_run(&a, IMPORT_TIMEOUT);
		strvec_clear(&a);
		/* -1: vm_self_run said why (a timeout) or we were interrupted. */
		if (rc > 0)
			error("importing the distribution's %s failed (status %d); the "
			      "sweep goes on without it",
			      apps[i], rc);
		r->failed += rc != 0 && !vm_interrupted;
	}
}

/* The sweep row, new or continued, and its first line. -1 after reporting. */
static int open_sweep(struct sweep_run *r, int argc, char **argv)
{
	const struct sweep_opts *o = r->o;

	sb_printf(&r->sh, "%ld/%ld", o->shard.k, o->shard.n);
	if (o->shard.n > 1 && !o->uuid && !o->resume)
		warning("shard %s of a new sweep: give every shard the same --sweep-id "
			"(see 'virt-matrix plan'), or merge keeps them as %ld sweeps",
			r->sh.buf, o->shard.n);
	if (sweep_open(&r->st, "sweep", o->resume ? r->uuid : o->uuid,
		       o->shard.n > 1 ? r->sh.buf : NULL, argc, argv, &r->id, r->uuid))
		return -1;
	printf("sweep %s%s%s\n", r->uuid, o->shard.n > 1 ? ", shard " : "",
	       o->shard.n > 1 ? r->sh.buf : "");
	fflush(stdout);
	return 0;
}

/*
 * Everything before the stages: the store, the resumed options, the
 * distribution's imports, the version sets, the sweep row. 0, or the
 * exit status (1 after reporting, 130 when interrupted).
 */
static int start(struct sweep_run *r, int argc, char **argv)
{
	if (store_open(&r->st, r->o->db))
		return 1;
	r->open = 1;
	if (r->o->resume && load_resumed(r))
		return 1;
	sweep_stages_of(r->o, &r->stages);
	import_distribution(r);
	if (vm_interrupted)
		return 130;
	if (version_set(&r->st, "qemu", &r->o->qemus, r->o->installed, &r->qemus) ||
	    version_set(&r->st, "libvirt", &r->o->libvirts, r->o->installed, &r->libvirts))
		return 1;
	if (!r->qemus.nr) {
		error("the sweep has no QEMU (none installed, none named)");
		return 1;
	}
	return open_sweep(r, argc, argv) ? 1 : 0;
}

/*
 * After the build: what still is not installed failed to build, leaves
 * the sweep and counts as a failure. -1 after reporting.
 */
static int drop_unbuilt(struct sweep_run *r)
{
	struct strvec missing = STRVEC_INIT;
	size_t nq;
	int ret = -1;

	if (not_installed(&r->st, "qemu", &r->qemus, &missing))
		goto out;
	sweep_drop(&r->qemus, &missing);
	nq = missing.nr;
	if (not_installed(&r->st, "libvirt", &r->libvirts, &missing))
		goto out;
	for (size_t i = 0; i < missing.nr; i++) {
		error("%s %s did not build; the sweep goes on without it%s",
		      i < nq ? "qemu" : "libvirt", missing.v[i],
		      r->o->shard.n > 1 ? " (shards whose version sets differ "
					  "split the jobs differently)"
					: "");
		r->failed++;
	}
	sweep_drop(&r->libvirts, &missing);
	ret = 0;
out:
	strvec_clear(&missing);
	return ret;
}

/* 1. Build what is missing (ark). */
static enum step build_stage(struct sweep_run *r)
{
	struct strvec missing = STRVEC_INIT, a = STRVEC_INIT;
	size_t nq;
	enum step ret = STEP_ABORT;

	if (not_installed(&r->st, "qemu", &r->qemus, &missing))
		goto out;
	nq = missing.nr;
	if (not_installed(&r->st, "libvirt", &r->libvirts, &missing))
		goto out;
	if (missing.nr) {
		sweep_build_args(r->o->from, r->o->db, &missing, nq, &a);
		(void)vm_self_run(&a, BUILD_TIMEOUT);
		if (vm_interrupted) {
			ret = STEP_CLOSE;
			goto out;
		}
		if (drop_unbuilt(r))
			goto out;
	}
	ret = STEP_NEXT;
	if (!r->qemus.nr) {
		error("no QEMU of the sweep is installed");
		ret = STEP_CLOSE;
	}
out:
	strvec_clear(&missing);
	strvec_clear(&a);
	return ret;
}

/* 2. Probe (an unchanged binary is not probed again). */
static enum step probe_stage(struct sweep_run *r)
{
	struct strvec a = STRVEC_INIT;
	int rc;

	sweep_probe_args(r->o->db, &r->qemus, !r->libvirts.nr, &a);
	rc = vm_self_run(&a, PROBE_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted)
		return STEP_CLOSE;
	if (rc) {
		error("probe ended with status %d; runs without a capability record "
		      "are recorded as errors",
		      rc);
		r->failed++;
	}
	return STEP_NEXT;
}

/* 3. Run this shard's jobs; those the sweep has recorded are skipped. */
static enum step run_stage(struct sweep_run *r)
{
	struct strvec a = STRVEC_INIT;
	int rc;

	if (!r->stages.direct && !r->libvirts.nr) {
		error("the sweep has no libvirt installed and no direct runs");
		return STEP_CLOSE;
	}
	sweep_run_args(r->o, r->uuid, r->sh.buf, &r->qemus, &r->libvirts, r->stages.direct,
		       &a);
	rc = vm_self_run(&a, RUN_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted || rc == 130)
		return STEP_CLOSE;
	if (rc != 0 && rc != 1) {
		error("run ended with status %d", rc);
		r->failed++;
	}
	return STEP_NEXT;
}

/* migrate as a child, directly (libvirts NULL) or through libvirts. */
static enum step run_migrate(struct sweep_run *r, const struct strvec *libvirts)
{
	struct strvec a = STRVEC_INIT;
	int rc;

	sweep_migrate_args(r->o, r->uuid, r->sh.buf, &r->qemus, libvirts, &a);
	rc = vm_self_run(&a, RUN_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted || rc == 130)
		return STEP_CLOSE;
	if (rc != 0 && rc != 1) {
		error("migrate%s ended with status %d", libvirts ? " --libvirt" : "", rc);
		r->failed++;
	}
	return STEP_NEXT;
}

/*
 * 4. Migrate this shard's (source, machine type) jobs between the sweep's
 * QEMUs; what the sweep has recorded is skipped. Nothing to do with one.
 */
static enum step migrate_stage(struct sweep_run *r)
{
	if (!r->stages.migrate || r->qemus.nr < 2) {
		printf("migrations: none (%s)\n", !r->stages.migrate ? "--no-migrate"
							      : "the sweep has one QEMU");
		return STEP_NEXT;
	}
	return run_migrate(r, NULL);
}

/*
 * 5. The same guest through the sweep's libvirts (migrate --libvirt):
 * each (libvirt, QEMU) end to itself, the QEMU pairs under the newest
 * libvirt that runs each end, and each libvirt upgrade under each QEMU.
 */
static enum step libvirt_migrate_stage(struct sweep_run *r)
{
	if (!r->stages.migrate || !r->libvirts.nr ||
	    (r->qemus.nr < 2 && r->libvirts.nr < 2)) {
		printf("migrations through libvirt: none (%s)\n",
		       !r->stages.migrate ? "--no-migrate"
		       : !r->libvirts.nr  ? "no libvirt in the sweep"
					  : "one QEMU and one libvirt");
		return STEP_NEXT;
	}
	return run_migrate(r, &r->libvirts);
}

/*
 * 6. libvirt's own test domains on every (libvirt, QEMU) pair (--corpus):
 * imported from the newest ark-built libvirt's source, then this shard's
 * slice of them run; what the sweep has recorded is skipped.
 */
static enum step corpus_stage(struct sweep_run *r)
{
	struct strvec a = STRVEC_INIT;
	int rc;

	if (!r->stages.corpus || !r->libvirts.nr) {
		printf("libvirt's test domains: none (%s)\n",
		       !r->stages.corpus ? "no --corpus" : "no libvirt in the sweep");
		return STEP_NEXT;
	}
	strvec_pushv(&a, (const char *const[]){ "corpus", "import", "--db", r->o->db, NULL });
	rc = vm_self_run(&a, PROBE_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted || rc == 130)
		return STEP_CLOSE;
	if (rc) {
		error("corpus import ended with status %d", rc);
		r->failed++;
		return STEP_NEXT;
	}
	sweep_corpus_args(r->o, r->uuid, r->sh.buf, &r->qemus, &r->libvirts, &a);
	rc = vm_self_run(&a, RUN_TIMEOUT);
	strvec_clear(&a);
	if (vm_interrupted || rc == 130)
		return STEP_CLOSE;
	if (rc) {
		error("corpus run ended with status %d", rc);
		r->failed++;
	}
	return STEP_NEXT;
}

/* 7. Reports. */
static enum step reports_stage(struct sweep_run *r)
{
	char *dir;
	int rc;

	if (!r->stages.report) {
		sb_puts(&r->note, "ABI breaks: not looked at (--no-report)\n"
				  "report: none (--no-report)");
		return STEP_NEXT;
	}
	dir = sweep_report_dir(r->o->report_dir, r->o->db, r->uuid);
	rc = report_stage(r->o->db, r->uuid, dir, &r->note);
	free(dir);
	if (vm_interrupted)
		return STEP_CLOSE;
	if (rc < 0)
		r->failed++;
	else if (rc > 0)
		r->regressions++;
	return STEP_NEXT;
}

/* The stages, in order; each runs unless one before it ended the sweep. */
static const struct sweep_stage {
	const char *name;
	enum step (*run)(struct sweep_run *r);
} sweep_stage_table[] = {
	{ "build", build_stage },
	{ "probe", probe_stage },
	{ "run", run_stage },
	{ "migrate", migrate_stage },
	{ "migrate-libvirt", libvirt_migrate_stage },
	{ "corpus", corpus_stage },
	{ "report", reports_stage },
};

/* The sweep's last lines, its row closed; returns the exit status. */
static int finish(struct sweep_run *r)
{
	int sharded = r->o->shard.n > 1, reg = 0;

	if (!vm_interrupted) {
		printf("sweep %s%s%s: %s\n", r->uuid, sharded ? " shard " : "",
		       sharded ? r->sh.buf : "",
		       r->failed ? "finished with errors" : "finished");
		if (summarise(&r->st, r->uuid, &reg))
			r->failed++;
		r->regressions += reg;
		printf("%s\n", r->note.len ? r->note.buf : "no report");
	}
	if (sweep_close(&r->st, r->id, vm_interrupted ? "interrupted" : "finished"))
		r->failed++;
	if (vm_interrupted)
		printf("sweep %s interrupted; 'virt-matrix sweep --resume' (or "
		       "--sweep-id %s) continues it\n",
		       r->uuid, r->uuid);
	return sweep_exit_status(vm_interrupted, r->failed, r->regressions);
}

static void run_release(struct sweep_run *r)
{
	if (r->open)
		store_close(&r->st);
	sweep_opts_release(&r->resumed);
	strvec_clear(&r->qemus);
	strvec_clear(&r->libvirts);
	strbuf_release(&r->note);
	strbuf_release(&r->sh);
}

int sweep_execute(const struct sweep_opts *o, int argc, char **argv)
{
	struct sweep_run r;
	enum step rc = STEP_NEXT;
	int ret;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.sh = (struct strbuf)STRBUF_INIT;
	r.note = (struct strbuf)STRBUF_INIT;
	ret = start(&r, argc, argv);
	if (!ret) {
		for (size_t i = 0; i < ARRAY_SIZE(sweep_stage_table) && rc == STEP_NEXT; i++)
			rc = sweep_stage_table[i].run(&r);
		ret = rc == STEP_ABORT ? 1 : finish(&r);
	}
	run_release(&r);
	return ret;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	char *db = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = sweep_opts_parse(&o, argc, argv);
	if (rc) {
		fputs(usage, rc > 0 ? stdout : stderr);
		rc = rc > 0 ? 0 : 129;
	} else if (!o.shard_given && shard_from_env(&o.shard)) {
		rc = 1;
	} else {
		db = o.db ? xstrdup(o.db) : store_default_path();
		o.db = db;
		rc = sweep_execute(&o, argc, argv);
	}
	sweep_opts_release(&o);
	free(db);
	return rc;
}
