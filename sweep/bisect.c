/*
 * `virt-matrix bisect`: the first QEMU version (or commit) between a good
 * and a bad one where a scenario's result, a machine type's guest ABI
 * fingerprint or its guest view changed. Candidates are the catalog's
 * versions between the two (plus the two themselves when they are
 * installs outside the catalog), or a list of commits whose source
 * snapshots come from a URL template, as git forges serve them, or from
 * a local clone (bisect_git.c), built as '<base>+g<commit>' from the
 * tarball. Each candidate tested
 * is built with ark when it is not installed (so cached builds are
 * reused), then run (`run`, its runs recorded in one sweep of kind
 * 'bisect') or probed (`probe`, for --abi and --guest; bisect_guest.c
 * judges a guest view). The search (bisect_search.c) works in either
 * direction: good older than bad finds a regression, good newer than bad
 * finds the fix. The answer comes with the evidence of both sides: the
 * runs' statuses, reasons and checks, the ABI lines that differ, or the
 * guest view's items that differ, decoded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sweep.h"
#include "sweep_internal.h"
#include "abi.h"
#include "binaries.h"
#include "bisect.h"
#include "catalog.h"
#include "fetch.h"
#include "fs.h"
#include "installs.h"
#include "paths.h"
#include "runs.h"
#include "sweeps.h"
#include "version.h"
#include "banned.h"

#define BUILD_TIMEOUT (6 * 3600.0)
#define STEP_TIMEOUT (3600.0)
#define DIFF_LINES 60

static const char usage[] =
	"usage: virt-matrix bisect (--scenario NAME | --abi MACHINE-TYPE |\n"
	"                           --guest MACHINE-TYPE |\n"
	"                           --migration MACHINE-TYPE (--from-qemu A |\n"
	"                                                     --to-qemu B))\n"
	"                          --good V1 --bad V2 [--libvirt VERSION]\n"
	"                          [--url TEMPLATE (--commits FILE | --commit C...)\n"
	"                           --base-version V [--flavour upstream|debian]]\n"
	"                          [--git DIR --base-version V [--flavour F]]\n"
	"                          [--from SOURCE] [--timeout SEC] [--sweep-id UUID]\n"
	"                          [--db PATH]\n"
	"\n"
	"Finds the first QEMU version between V1 (good) and V2 (bad) where the\n"
	"scenario's result changes (pass is good; fail is bad; an error, or a\n"
	"version that does not build, cannot be judged and is skipped), or with\n"
	"--abi, where the machine type's ABI fingerprint stops being the good\n"
	"version's, or with --guest, where the machine type's guest view (ACPI,\n"
	"SMBIOS, PCI, fw_cfg, e820, CPUID) stops being the good version's, or\n"
	"with --migration, where a guest of the machine type stops migrating\n"
	"from install A to the version (or from the version to install B).\n"
	"The candidates are V1, V2 and the catalog's versions between.\n"
	"Good may be newer than bad: then the answer is the first good version\n"
	"(the fix). Each version tested is built with ark if it is not installed\n"
	"(installed builds are reused) and run (or probed); the runs are kept in\n"
	"one sweep of kind 'bisect', and the answer shows both sides' evidence.\n"
	"\n"
	"  --scenario NAME     a scenario by name or a path to a cfg file\n"
	"  --abi MACHINE-TYPE  a versioned machine type, e.g. pc-q35-5.2\n"
	"  --guest MACHINE-TYPE  a versioned machine type whose guest view is\n"
	"                      compared; the answer shows the items that differ,\n"
	"                      decoded (ASL lines, SMBIOS fields, PCI registers)\n"
	"  --migration MACHINE-TYPE  a versioned machine type whose guest is\n"
	"                      migrated (saved and restored, as 'virt-matrix\n"
	"                      migrate' does): good when the guest proves it\n"
	"                      survived on the destination, bad when it fails\n"
	"  --from-qemu A, --to-qemu B  the fixed side of --migration: an install\n"
	"  --good V1, --bad V2 versions (or commits, with --url or --git)\n"
	"  --libvirt VERSION   run the scenario through that libvirt install\n"
	"                      (default: the direct runner)\n"
	"  --url TEMPLATE      bisect commits: the snapshot tarball of a commit,\n"
	"                      with ${commit} (or ${short}, its first 12\n"
	"                      characters), e.g. https://gitlab.com/qemu-project/\n"
	"                      qemu/-/archive/${commit}/qemu-${commit}.tar.gz\n"
	"  --git DIR           bisect the commits of a local clone: --good and\n"
	"                      --bad are revisions of it (either the older);\n"
	"                      the candidates are the commits on the ancestry\n"
	"                      path between them; each tested commit is taken\n"
	"                      with 'git archive' (no network) and built by ark\n"
	"                      (ccache is shared between commits)\n"
	"  --commits FILE      the commits, oldest first, one per line ('git\n"
	"                      rev-list --reverse V1..V2' output); '#' comments\n"
	"  --commit C          a commit; repeatable, oldest first\n"
	"  --base-version V    the release the commits build like (recipe and\n"
	"                      patches), e.g. 7.2.0; installs are named\n"
	"                      V+g<first 12 characters of the commit>\n"
	"  --flavour F         source flavour of the snapshots (default upstream)\n"
	"  --from SOURCE       passed to ark build for release versions\n"
	"  --timeout SEC       passed to run\n"
	"  --sweep-id UUID     continue that bisect: runs it recorded are reused\n"
	"  --db PATH           store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when the first changed version was found, 1 otherwise,\n"
	"130 when interrupted.\n";

/* A bisect under way: its options, candidates and what it learnt. */
struct bisect_ctx {
	const struct bisect_opts *o;
	char *db;
	char *scn_name;
	struct strvec commits; /* --commit and --commits FILE, or --git's */
	char *good_id, *bad_id; /* --git: the ends' full commit ids */
	struct strvec cand;  /* install names, oldest first */
	struct strvec label; /* as the user calls them: versions or commits */
	enum bisect_state *state;
	char **evidence;     /* per candidate, malloc'd */
	char **fingerprint;  /* --abi, --guest: per candidate, malloc'd */
	long long *binary;   /* --guest: per candidate, its probe record (0: none) */
	char *good_fp;
	int good_rev;	     /* --guest: the good end's guest_rev */
	int good_is_old;
	struct store st;
	int open;
	long long sweep_id;
	char uuid[SWEEP_UUID_LEN + 1];
};

static int strvec_index(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return (int)i;
	return -1;
}

static int by_version(const void *a, const void *b)
{
	return version_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Release candidates: the catalog's versions between the ends, and the
 * ends themselves when they are installs outside the catalog.
 */
static int version_candidates(struct bisect_ctx *x)
{
	struct catalog c;
	struct strvec versions = STRVEC_INIT;
	char *specs = paths_data_dir("specs");
	int rc = catalog_load(&c, specs, "qemu"), ret = -1;

	free(specs);
	if (rc)
		return -1;
	for (size_t i = 0; i < c.nr; i++)
		strvec_push(&versions, c.v[i].version);
	bisect_versions_between(&versions, x->o->good, x->o->bad, &x->cand);
	for (int e = 0; e < 2; e++) {
		const char *v = e ? x->o->bad : x->o->good;
		struct install in;
		int r;

		if (strvec_index(&x->cand, v) >= 0)
			continue;
		r = installs_get(&x->st, "qemu", v, &in);
		if (r < 0)
			goto out;
		if (r) {
			error("QEMU %s is neither in %s nor installed (see 'virt-matrix "
			      "ark catalog')",
			      v, c.path);
			goto out;
		}
		install_release(&in);
		strvec_push(&x->cand, v);
	}
	sort_array(x->cand.v, x->cand.nr, sizeof(*x->cand.v), by_version);
	strvec_pushv(&x->label, x->cand.v);
	ret = 0;
out:
	strvec_clear(&versions);
	catalog_release(&c);
	return ret;
}

static int installed(struct bisect_ctx *x, const char *name, struct install *in)
{
	int r = installs_get(&x->st, "qemu", name, in);

	return r < 0 ? -1 : r == 0;
}

/* Builds candidate i unless installed. 0, or -1 (reported) when it did not build. */
static int ensure_built(struct bisect_ctx *x, size_t i)
{
	struct strvec a = STRVEC_INIT;
	struct install in;
	struct fetched f = { NULL, "", 0 };
	int r = installed(x, x->cand.v[i], &in);

	if (r < 0)
		return -1;
	if (r) {
		install_release(&in);
		return 0;
	}
	strvec_pushv(&a, (const char *const[]){ "ark", "build", "--db", x->db, NULL });
	if (x->o->git) {
		char *cache = paths_cache_dir(), *path = NULL;

		r = bisect_git_snapshot(x->o->git, x->label.v[i], cache, &path);
		free(cache);
		if (r) {
			strvec_clear(&a);
			return -1;
		}
		strvec_pushv(&a, (const char *const[]){ "--source", path, "--flavour",
			x->o->flavour ? x->o->flavour : "upstream", NULL });
		free(path);
	} else if (x->o->url) {
		struct strbuf url = STRBUF_INIT;
		struct fetch_opts fo;
		char *cache = paths_cache_dir();
		const char *base;

		fetch_opts_init(&fo, cache);
		fo.label = x->label.v[i];
		if (bisect_url(x->o->url, x->label.v[i], &url)) {
			free(cache);
			strvec_clear(&a);
			return -1;
		}
		base = path_basename(url.buf);
		info("commit %s: fetching %s", x->label.v[i], url.buf);
		if (!archive_format_from_name(base) || strchr(base, '?'))
			r = error("'%s' does not end in an archive name ark can unpack "
				  "(.tar.gz, .tar.xz, .tar.bz2, .tgz, .zip)",
				  url.buf);
		else
			r = fetch_url(&fo, url.buf, base, NULL, &f);
		strbuf_release(&url);
		free(cache);
		if (r) {
			strvec_clear(&a);
			return -1;
		}
		strvec_pushv(&a, (const char *const[]){ "--source", f.path, "--flavour",
			x->o->flavour ? x->o->flavour : "upstream", NULL });
	} else if (x->o->from) {
		strvec_pushv(&a, (const char *const[]){ "--from", x->o->from, NULL });
	}
	strvec_pushv(&a, (const char *const[]){ "qemu", x->cand.v[i], NULL });
	r = vm_self_run(&a, BUILD_TIMEOUT);
	strvec_clear(&a);
	fetched_release(&f);
	if (r)
		return r < 0 ? -1 : error("QEMU %s did not build (ark exit status %d)",
					  x->cand.v[i], r);
	return 0;
}

/* One run's evidence: status, reason, exit, and every check. */
static void run_evidence(sqlite3_stmt *q, struct strbuf *ev)
{
	const char *checks = (const char *)sqlite3_column_text(q, 2);
	json_object *arr = checks ? json_tokener_parse(checks) : NULL;

	sb_printf(ev, "%s", sqlite3_column_text(q, 0));
	if (sqlite3_column_text(q, 1) && *sqlite3_column_text(q, 1))
		sb_printf(ev, ": %s", sqlite3_column_text(q, 1));
	if (sqlite3_column_type(q, 4) != SQLITE_NULL && sqlite3_column_int(q, 4))
		sb_printf(ev, " [QEMU killed by signal %d]", sqlite3_column_int(q, 4));
	else if (sqlite3_column_type(q, 3) != SQLITE_NULL)
		sb_printf(ev, " [QEMU exit status %d]", sqlite3_column_int(q, 3));
	sb_printf(ev, " (run %s)", sqlite3_column_text(q, 5));
	for (size_t i = 0; arr && json_object_is_type(arr, json_type_array) &&
			   i < json_object_array_length(arr);
	     i++) {
		json_object *c = json_object_array_get_idx(arr, i), *k, *p, *d;

		if (!json_object_object_get_ex(c, "kind", &k) ||
		    !json_object_object_get_ex(c, "pass", &p))
			continue;
		json_object_object_get_ex(c, "detail", &d);
		sb_printf(ev, "\n      %s %s %s", json_object_get_boolean(p) ? "ok  " : "FAIL",
			  json_object_get_string(k), d ? json_object_get_string(d) : "");
	}
	json_object_put(arr);
}

/* 'g', 'b' or 's' for candidate i, its evidence into x->evidence[i]. */
static int judge_scenario(struct bisect_ctx *x, size_t i)
{
	struct strvec a = STRVEC_INIT;
	struct strbuf ev = STRBUF_INIT;
	auto_stmt *q = NULL;
	int rc, verdict = 's';

	strvec_pushv(&a, (const char *const[]){ "run", "--sweep", x->uuid, "--db", x->db,
		"--qemu", x->cand.v[i], "--scenario", x->o->scenario, "--libvirt",
		x->o->libvirt ? x->o->libvirt : "none", "--jobs", "1", NULL });
	if (x->o->timeout)
		strvec_pushv(&a, (const char *const[]){ "--timeout", x->o->timeout, NULL });
	rc = vm_self_run(&a, STEP_TIMEOUT + (double)x->o->timeout_s);
	strvec_clear(&a);
	if (rc < 0 || vm_interrupted)
		return -1;
	if (store_prepare(&x->st, &q, "SELECT status, reason, checks, exit_status, signal,"
			  " uuid FROM runs WHERE sweep = ? AND qemu = ? AND libvirt IS ?"
			  " AND scenario = ? ORDER BY id DESC LIMIT 1"))
		return -1;
	sqlite3_bind_int64(q, 1, x->sweep_id);
	store_bind_text(q, 2, x->cand.v[i]);
	store_bind_text(q, 3, x->o->libvirt);
	store_bind_text(q, 4, x->scn_name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		enum run_status s;

		if (runs_status_parse(&x->st, (const char *)sqlite3_column_text(q, 0), &s))
			return -1;
		verdict = s == RUN_PASS ? 'g' : s == RUN_FAIL ? 'b' : 's';
		run_evidence(q, &ev);
	} else if (rc == SQLITE_DONE) {
		sb_puts(&ev, "no run recorded (run failed before the guest started; see above)");
	} else {
		return store_error(&x->st, "cannot read the bisect's runs");
	}
	x->evidence[i] = strbuf_detach(&ev);
	return verdict;
}

/*
 * Probes candidate i; *bin gets its complete probe record's id (0 when
 * there is none). 0, or -1 on error or interrupt.
 */
static int probe_candidate(struct bisect_ctx *x, size_t i, long long *bin)
{
	struct strvec a = STRVEC_INIT;
	struct install in;
	int rc;

	*bin = 0;
	strvec_pushv(&a, (const char *const[]){ "probe", "--no-libvirt", "--db", x->db,
		x->cand.v[i], NULL });
	rc = vm_self_run(&a, STEP_TIMEOUT);
	strvec_clear(&a);
	if (rc < 0 || vm_interrupted)
		return -1;
	if (installed(x, x->cand.v[i], &in) != 1)
		return -1;
	rc = binary_complete_id(&x->st, in.binary_sha256, bin);
	install_release(&in);
	return rc < 0 ? -1 : 0;
}

/* The fingerprint of machine on candidate i (probed first), or NULL. */
static int judge_abi(struct bisect_ctx *x, size_t i)
{
	struct strbuf ev = STRBUF_INIT;
	auto_stmt *q = NULL;
	long long bin = 0;
	int rc;

	if (probe_candidate(x, i, &bin) ||
	    store_prepare(&x->st, &q, "SELECT m.status, m.fingerprint, m.error,"
			  " length(t.text) - length(replace(t.text, char(10), '')) + 1"
			  " FROM machine_abi m"
			  " LEFT JOIN abi_texts t ON t.sha256 = m.fingerprint"
			  " WHERE m.binary = ? AND m.machine = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, bin); /* 0 when not probed: no row */
	store_bind_text(q, 2, x->o->machine);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
		x->fingerprint[i] = store_column_strdup(q, 1);
		sb_printf(&ev, "fingerprint %.16s (%d lines)", x->fingerprint[i],
			  sqlite3_column_int(q, 3));
	} else if (rc == SQLITE_ROW) {
		sb_printf(&ev, "ABI of %s not recorded: %s", x->o->machine,
			  sqlite3_column_text(q, 2));
	} else if (rc == SQLITE_DONE) {
		sb_printf(&ev, "no machine type %s (or no probe record)", x->o->machine);
	} else {
		return store_error(&x->st, "cannot read the ABI record");
	}
	x->evidence[i] = strbuf_detach(&ev);
	if (!x->fingerprint[i])
		return 's';
	if (!x->good_fp)
		return 'g'; /* the good end itself: it defines good */
	return strcmp(x->fingerprint[i], x->good_fp) ? 'b' : 'g';
}

/* The guest view of machine on candidate i (probed first) against the good end's. */
static int judge_guest(struct bisect_ctx *x, size_t i)
{
	struct strbuf ev = STRBUF_INIT;
	int v, rev;

	if (probe_candidate(x, i, &x->binary[i]))
		return -1;
	v = bisect_guest_judge(&x->st, x->binary[i], x->cand.v[i], x->o->guest, x->good_fp,
			       x->good_rev, &x->fingerprint[i], &rev, &ev);
	if (v < 0) {
		strbuf_release(&ev);
		return -1;
	}
	if (!x->good_fp && v == 'g')
		x->good_rev = rev; /* the good end: its definition is compared */
	x->evidence[i] = strbuf_detach(&ev);
	return v;
}

/* A guest of the machine type migrated between candidate i and the fixed install. */
static int judge_migration(struct bisect_ctx *x, size_t i)
{
	struct strbuf ev = STRBUF_INIT;
	int v = bisect_migration_judge(&x->st, x->db, x->uuid, x->sweep_id, x->o->migration,
				       x->o->mig_from, x->o->mig_to, x->cand.v[i],
				       x->o->timeout ? x->o->timeout_s : 0, &ev);

	if (v < 0) {
		strbuf_release(&ev);
		return -1;
	}
	x->evidence[i] = strbuf_detach(&ev);
	return v;
}

/* Tests candidate i: 'g', 'b', 's' (cannot be judged), -1 on error/interrupt. */
static int judge(struct bisect_ctx *x, size_t i)
{
	int v;

	free(x->evidence[i]);
	x->evidence[i] = NULL;
	info("bisect: testing %s", x->label.v[i]);
	if (ensure_built(x, i)) {
		if (vm_interrupted)
			return -1;
		x->evidence[i] = xstrdup("did not build (see above)");
		v = 's';
	} else {
		v = x->o->guest	      ? judge_guest(x, i)
		    : x->o->machine   ? judge_abi(x, i)
		    : x->o->migration ? judge_migration(x, i)
				      : judge_scenario(x, i);
	}
	if (v > 0)
		printf("  %-24s %-4s %s\n", x->label.v[i],
		       v == 'g' ? "good" : v == 'b' ? "bad" : "skip", x->evidence[i]);
	fflush(stdout);
	return v;
}

/* The ABI lines that differ between candidates o and n. */
static int abi_diff(struct bisect_ctx *x, size_t o, size_t n)
{
	auto_stmt *q = NULL;
	struct strbuf out = STRBUF_INIT;
	char *t[2] = { NULL, NULL };
	int more;

	for (int k = 0; k < 2; k++) {
		if (store_prepare(&x->st, &q, "SELECT text FROM abi_texts WHERE sha256 = ?"))
			return -1;
		store_bind_text(q, 1, x->fingerprint[k ? n : o]);
		if (sqlite3_step(q) == SQLITE_ROW)
			t[k] = store_column_strdup(q, 0);
		sqlite3_finalize(q);
		q = NULL;
	}
	if (!t[0] || !t[1]) {
		free(t[0]);
		free(t[1]);
		return error("the ABI text of %s is not in the store", x->o->machine);
	}
	more = bisect_line_diff(t[0], t[1], DIFF_LINES, "    ", &out);
	printf("  %s ABI lines, - %s, + %s:\n%s", x->o->machine, x->label.v[o], x->label.v[n],
	       out.buf);
	if (more)
		printf("    ... and %d more differing lines ('virt-matrix show abi "
		       "VERSION %s' prints them all)\n",
		       more, x->o->machine);
	strbuf_release(&out);
	free(t[0]);
	free(t[1]);
	return 0;
}

/* The guest view's items that differ between candidates o and n. */
static int guest_diff(struct bisect_ctx *x, size_t o, size_t n)
{
	struct bisect_guest_sides s = { { x->binary[o], x->binary[n] },
					{ x->label.v[o], x->label.v[n] },
					{ x->cand.v[o], x->cand.v[n] } };
	struct strbuf out = STRBUF_INIT;
	int rc = bisect_guest_diff(&x->st, x->o->guest, &s, &out);

	if (!rc)
		fputs(out.buf, stdout);
	strbuf_release(&out);
	return rc;
}

/*
 * The two ends, the good one first (for --abi it defines good): each must
 * be what the user says it is. -1 after reporting.
 */
static int judge_ends(struct bisect_ctx *x)
{
	size_t old_end = 0, new_end = x->cand.nr - 1;

	x->good_is_old = !strcmp(x->label.v[0], x->good_id ? x->good_id : x->o->good);
	for (int e = 0; e < 2; e++) {
		size_t i = (e == 0) == x->good_is_old ? old_end : new_end;
		char want = e == 0 ? 'g' : 'b';
		int v = judge(x, i);

		if (v < 0)
			return -1;
		if (v != want)
			return error("--%s %s is not %s: %s", want == 'g' ? "good" : "bad",
				     x->label.v[i], want == 'g' ? "good" : "bad",
				     x->evidence[i] ? x->evidence[i] : "?");
		if ((x->o->machine || x->o->guest) && want == 'g')
			x->good_fp = xstrdup(x->fingerprint[i]);
		x->state[i] = bisect_state_of(v, x->good_is_old);
	}
	return 0;
}

/* The search, then its answer with both sides' evidence. -1 after reporting. */
static int search(struct bisect_ctx *x)
{
	struct bisect_answer a = { &x->label, &x->cand, (const char *const *)x->evidence,
				   { 0, 0, 0 }, 0, x->o->url || x->o->git, NULL };
	struct strbuf out = STRBUF_INIT;
	char **subjects = NULL;
	size_t next;
	int v, rc;

	if (judge_ends(x))
		return -1;
	while ((rc = bisect_next(x->state, x->cand.nr, &next, &a.res)) == 1) {
		v = judge(x, next);
		if (v < 0)
			return -1;
		x->state[next] = bisect_state_of(v, x->good_is_old);
	}
	if (rc < 0)
		return error("bisect lost its ends (internal error)");
	a.good_is_old = x->good_is_old;
	if (x->o->git) {
		/* What the first changed commit says of itself. */
		struct strbuf subj = STRBUF_INIT;

		subjects = xcalloc(x->cand.nr, sizeof(*subjects));
		if (!bisect_git_subject(x->o->git, x->label.v[a.res.first_new], &subj))
			subjects[a.res.first_new] = strbuf_detach(&subj);
		strbuf_release(&subj);
		a.subject = (const char *const *)subjects;
	}
	bisect_describe(&a, &out);
	if (subjects)
		free(subjects[a.res.first_new]);
	free(subjects);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	if (x->o->machine && abi_diff(x, a.res.last_old, a.res.first_new))
		return -1;
	if (x->o->guest && guest_diff(x, a.res.last_old, a.res.first_new))
		return -1;
	return 0;
}

/* Everything the search needs: the commits, the store, the candidates. */
static int prepare(struct bisect_ctx *x)
{
	const struct bisect_opts *o = x->o;

	strvec_pushv(&x->commits, o->commits.v);
	if (o->commits_file) {
		struct strbuf t = STRBUF_INIT;
		int rc = strbuf_read_file(&t, o->commits_file, 16 << 20) ||
			 bisect_parse_commits(o->commits_file, t.buf, &x->commits);

		strbuf_release(&t);
		if (rc)
			return -1;
	}
	if (o->git) {
		char *g = NULL, *b = NULL;

		if (bisect_git_commits(o->git, o->good, o->bad, &x->commits, &g, &b))
			return -1;
		info("%zu commits from %s to %s in '%s'", x->commits.nr, g, b, o->git);
		x->good_id = g;
		x->bad_id = b;
	}
	if (o->url) {
		struct strbuf probe_url = STRBUF_INIT;
		int rc = bisect_url(o->url, o->good, &probe_url);

		strbuf_release(&probe_url);
		if (rc)
			return -1;
	}
	if (o->scenario)
		x->scn_name = scenario_name_of(o->scenario);
	if (store_open(&x->st, x->db))
		return -1;
	x->open = 1;
	if (o->git ? bisect_commit_candidates(&x->commits, x->good_id, x->bad_id, o->base,
					       &x->label, &x->cand)
	    : o->url ? bisect_commit_candidates(&x->commits, o->good, o->bad, o->base,
						 &x->label, &x->cand)
		   : version_candidates(x))
		return -1;
	x->state = xcalloc(x->cand.nr, sizeof(*x->state));
	x->evidence = xcalloc(x->cand.nr, sizeof(*x->evidence));
	x->fingerprint = xcalloc(x->cand.nr, sizeof(*x->fingerprint));
	x->binary = xcalloc(x->cand.nr, sizeof(*x->binary));
	return 0;
}

/* The bisect's sweep row, new or continued, and its first line. */
static int open_bisect(struct bisect_ctx *x, int argc, char **argv)
{
	if (sweep_open(&x->st, "bisect", x->o->uuid, NULL, argc, argv, &x->sweep_id,
		       x->uuid))
		return -1;
	printf("bisect %s: %s%s, good %s, bad %s, %zu candidates:", x->uuid,
	       x->o->guest ? x->o->guest : x->o->machine ? x->o->machine
			 : x->o->migration ? x->o->migration : x->scn_name,
	       x->o->guest ? " (guest view)" : x->o->migration ? " (migration)" : "", x->o->good, x->o->bad, x->cand.nr);
	for (size_t i = 0; i < x->label.nr; i++)
		printf(" %s", x->label.v[i]);
	printf("\n");
	fflush(stdout);
	return 0;
}

/* Closes the bisect's sweep row; the exit status after a search that gave ret. */
static int close_bisect(struct bisect_ctx *x, int ret)
{
	if (vm_interrupted) {
		ret = 130;
		printf("bisect %s interrupted; '--sweep-id %s' continues it with the runs "
		       "it recorded\n",
		       x->uuid, x->uuid);
	}
	if (sweep_close(&x->st, x->sweep_id, vm_interrupted ? "interrupted" : "finished"))
		ret = ret ? ret : 1;
	return ret;
}

static void ctx_release(struct bisect_ctx *x)
{
	if (x->open)
		store_close(&x->st);
	for (size_t i = 0; i < x->cand.nr && x->evidence; i++) {
		free(x->evidence[i]);
		free(x->fingerprint[i]);
	}
	free(x->evidence);
	free(x->fingerprint);
	free(x->binary);
	free(x->state);
	free(x->good_fp);
	free(x->scn_name);
	free(x->good_id);
	free(x->bad_id);
	strvec_clear(&x->commits);
	strvec_clear(&x->cand);
	strvec_clear(&x->label);
	free(x->db);
}

int bisect_execute(const struct bisect_opts *o, int argc, char **argv)
{
	struct bisect_ctx x;
	int ret = 1;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.db = o->db ? xstrdup(o->db) : store_default_path();
	if (!prepare(&x) && !open_bisect(&x, argc, argv))
		ret = close_bisect(&x, search(&x) ? 1 : 0);
	ctx_release(&x);
	return ret;
}

void bisect_opts_init(struct bisect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_s = 240;
}

void bisect_opts_release(struct bisect_opts *o)
{
	strvec_clear(&o->commits);
}

/* An option whose value is checked (c of bisect_opts_parse): 0, or -1 after reporting. */
static int set_checked(struct bisect_opts *o, int c, const char *arg)
{
	long l;

	switch (c) {
	case 'c':
		if (!bisect_commit_valid(arg))
			return error("--commit '%s' is not a commit id (4 to 64 of 0-9 A-Z "
				     "a-z . _ -)",
				     arg);
		strvec_push(&o->commits, arg);
		return 0;
	case 'f':
		if (strcmp(arg, "upstream") && strcmp(arg, "debian"))
			return error("--flavour wants upstream or debian, not '%s'", arg);
		o->flavour = arg;
		return 0;
	default: /* 'T' */
		if (parse_long(arg, 1, 86400, &l))
			return error("--timeout wants seconds from 1 to 86400, not '%s'", arg);
		o->timeout = arg;
		o->timeout_s = l;
		return 0;
	}
}

int bisect_opts_parse(struct bisect_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "abi", required_argument, NULL, 'a' },
		{ "guest", required_argument, NULL, 'G' },
		{ "migration", required_argument, NULL, 'M' },
		{ "from-qemu", required_argument, NULL, 'A' },
		{ "to-qemu", required_argument, NULL, 'Z' },
		{ "good", required_argument, NULL, 'g' },
		{ "bad", required_argument, NULL, 'b' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "url", required_argument, NULL, 'u' },
		{ "git", required_argument, NULL, 'D' },
		{ "commits", required_argument, NULL, 'C' },
		{ "commit", required_argument, NULL, 'c' },
		{ "base-version", required_argument, NULL, 'B' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "flavor", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "sweep-id", required_argument, NULL, 'W' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0; /* a fresh scan, also when called twice in one process */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o->scenario = optarg; break;
		case 'a': o->machine = optarg; break;
		case 'G': o->guest = optarg; break;
		case 'M': o->migration = optarg; break;
		case 'A': o->mig_from = optarg; break;
		case 'Z': o->mig_to = optarg; break;
		case 'g': o->good = optarg; break;
		case 'b': o->bad = optarg; break;
		case 'L': o->libvirt = strcmp(optarg, "none") ? optarg : NULL; break;
		case 'u': o->url = optarg; break;
		case 'D': o->git = optarg; break;
		case 'C': o->commits_file = optarg; break;
		case 'B': o->base = optarg; break;
		case 'F': o->from = optarg; break;
		case 'W': o->uuid = optarg; break;
		case 'd': o->db = optarg; break;
		case 'c': case 'f': case 'T':
			if (set_checked(o, c, optarg))
				return -1;
			break;
		case 'h': return 1;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	return 0;
}

int bisect_opts_check(const struct bisect_opts *o)
{
	const char *m = o->machine ? o->machine : o->guest ? o->guest : o->migration;

	if (!!o->scenario + !!o->machine + !!o->guest + !!o->migration != 1)
		return error("bisect wants one of --scenario NAME, --abi MACHINE-TYPE, "
			     "--guest MACHINE-TYPE and --migration MACHINE-TYPE");
	if (!o->migration != !(o->mig_from || o->mig_to) || (o->mig_from && o->mig_to))
		return error("--migration MACHINE-TYPE goes with one of --from-qemu A "
			     "and --to-qemu B");
	if (m && !abi_is_versioned(m)) {
		struct strbuf esc = STRBUF_INIT;

		/* An alias such as q35 names another machine in each version:
		 * its fingerprint changes with every release. */
		error("--%s wants a versioned machine type (a name that ends in a "
		      "version, such as pc-q35-5.2), not '%s'",
		      o->machine ? "abi" : o->guest ? "guest" : "migration",
		      str_printable(&esc, m, strlen(m), 100));
		strbuf_release(&esc);
		return -1;
	}
	if (!o->good || !o->bad || !strcmp(o->good, o->bad))
		return error("bisect wants --good and --bad, two different versions or commits");
	if (m && o->libvirt)
		return error("--libvirt goes with --scenario (the %s is the QEMU's own)",
			     o->machine ? "ABI" : o->guest ? "guest view" : "migration");
	if (o->git && (o->url || o->commits_file || o->commits.nr))
		return error("--git DIR takes the commits from the clone: not with --url, "
			     "--commits or --commit");
	if (o->git && !o->base)
		return error("--git DIR wants --base-version V, the release the commits "
			     "build like (recipe and patches)");
	if (!o->url != !(o->commits_file || o->commits.nr))
		return error("bisecting commits wants --url TEMPLATE and --commits FILE "
			     "(or --commit C...) together");
	return 0;
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect_opts o;
	int rc;

	bisect_opts_init(&o);
	rc = bisect_opts_parse(&o, argc, argv);
	if (rc > 0) {
		fputs(usage, stdout);
		rc = 0;
	} else if (rc < 0 || bisect_opts_check(&o)) {
		rc = 129;
	} else {
		rc = bisect_execute(&o, argc, argv);
	}
	bisect_opts_release(&o);
	return rc;
}
