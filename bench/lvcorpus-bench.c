/*
 * Section "lvcorpus" of vm-bench: libvirt's own test domains (corpus/,
 * `virt-matrix corpus run`) on Debian's libvirt and Debian's QEMU. Two
 * figures, for the two goals:
 *
 *  - the whole corpus on that one (libvirt, QEMU) pair, one `corpus run`
 *    command, wall time against the goal of 5 minutes on these 2 cores,
 *    with the store's counts per outcome. One run, not RUNS: it takes
 *    minutes.
 *  - the first 40 by name of the domains that started in it and needed
 *    no stand-in (their adaptations are only the firmware note):
 *    `corpus run --match NAME...` for those, beside a bare loop of the
 *    same domains through one daemon of the same libvirt, started once
 *    as corpus run starts its own (libvirtd.h), each domain adopted the
 *    same way (userxml.h, qemu_firmware_args()) and taken through
 *    `virsh define`, `virsh start --paused`, `virsh destroy` and `virsh
 *    undefine`, four processes, one domain after the other. RUNS each,
 *    in turn; medians. The sides differ in what they include (ours: its own three daemons
 *    started and stopped, domains side by side; the loop: a daemon
 *    already up, one domain at a time), so a second ratio compares one
 *    domain's job as the store times it (corpus_runs.seconds: define,
 *    start, argv, destroy, undefine) with one domain's four virsh
 *    processes.
 *
 * Everything happens in a private store under b->dir: Debian's QEMU and
 * libvirt registered by `ark import`, the corpus imported from the
 * source tarball of the newest ark-built libvirt, which the default
 * store (store_default_path()) names. The default store is only read: a
 * copy of it (SQLite's online backup from a read-only connection) is
 * what corp_import_find_tarball() opens, since store_open() migrates.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "command.h"
#include "fs.h"
#include "import.h"
#include "installs.h"
#include "libvirtd.h"
#include "qemuproc.h"
#include "store.h"
#include "userxml.h"
#include "banned.h"

/* The goal for the whole corpus on one pair, in seconds. */
#define GOAL_WHOLE 300.0
/* The most domains figure 2 takes. */
#define NDOMS 40
/* Seconds a whole corpus run, a --match run and one virsh may take. */
#define WHOLE_TIMEOUT 3600
#define MATCH_TIMEOUT 900
#define VIRSH_TIMEOUT 120

struct lvc {
	const char *vm;
	struct strbuf dir;	/* ours, under b->dir */
	struct strbuf db;	/* the private store */
	char *libvirt, *qemu;	/* Debian's install versions in it */
	char *emulator;		/* Debian's QEMU binary */
	struct strbuf origin;	/* the corpus's libvirt version */
	long long sweep;	/* the whole corpus's */
	struct strvec names;	/* figure 2's domains, by name */
	struct strvec files;	/* their adopted XMLs for virsh */
	struct strvec match;	/* --match NAME... for ours */
};

/*
 * argv run to its end, output captured: 0 when it exited 0, else -1 with
 * why set (its description and its last lines). *secs: its wall time.
 */
static int run(const char *const *argv, double timeout, double *secs,
	       struct strbuf *why)
{
	struct command cmd;
	double t;
	int ret = 0;

	command_init(&cmd);
	strvec_pushv(&cmd.args, argv);
	cmd.capture_max = 1 << 16;
	cmd.timeout = timeout;
	t = now_monotonic();
	if (command_run(&cmd) || !command_succeeded(&cmd)) {
		sb_printf(why, "'%s %s' ", argv[0], argv[1] ? argv[1] : "");
		command_describe(&cmd, why);
		if (cmd.output.len) {
			strbuf_rtrim(&cmd.output);
			sb_printf(why, ": %s", str_tail_lines(cmd.output.buf,
							      cmd.output.len, 1));
		}
		ret = -1;
	}
	if (secs)
		*secs = now_monotonic() - t;
	command_release(&cmd);
	return ret;
}

/*
 * The version of app's imported install in db into *out and, if binary,
 * its binary into *binary (both malloc'd): 0, or -1 when there is none.
 */
static int imported_version(const char *db, const char *app, char **out,
			    char **binary)
{
	struct store st;
	struct install *v = NULL;
	size_t n = 0;
	int ret = -1;

	if (store_open(&st, db))
		return -1;
	if (!installs_list(&st, app, &v, &n))
		for (size_t i = 0; i < n && ret; i++)
			if (!strcmp(v[i].kind, "imported")) {
				*out = xstrdup(v[i].version);
				if (binary)
					*binary = xstrdup(v[i].binary_path);
				ret = 0;
			}
	installs_free(v, n);
	store_close(&st);
	return ret;
}

/*
 * The source tarball of the newest ark-built libvirt of the default
 * store into tar, its version into version: 0, or -1 with why set (what
 * is missing). The default store is copied to copy first and only the
 * copy is opened by store_open().
 */
static int default_tarball(const char *copy, struct strbuf *tar,
			   struct strbuf *version, struct strbuf *why)
{
	char *db = store_default_path();
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *bk;
	struct store st;
	struct install *v = NULL;
	size_t n = 0;
	int built = 0, ret = -1, rc;

	if (!path_exists(db)) {
		sb_printf(why, "no default store at %s, whose ark-built libvirt's "
			       "source tarball holds the test domains",
			  db);
		goto out;
	}
	if (sqlite3_open_v2(db, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(copy, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		sb_printf(why, "the default store %s cannot be read: %s", db,
			  sqlite3_errmsg(dst ? dst : src));
		goto out;
	}
	sqlite3_busy_timeout(src, 30000);
	bk = sqlite3_backup_init(dst, "main", src, "main");
	rc = bk ? sqlite3_backup_step(bk, -1) : SQLITE_ERROR;
	if (bk && sqlite3_backup_finish(bk) != SQLITE_OK && rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		sb_printf(why, "the default store %s cannot be copied: %s", db,
			  sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_close(dst);
	dst = NULL;
	if (store_open(&st, copy)) {
		sb_printf(why, "the default store %s cannot be opened (a copy of it)", db);
		goto out;
	}
	if (!installs_list(&st, "libvirt", &v, &n))
		for (size_t i = 0; i < n; i++)
			built |= !strcmp(v[i].kind, "built");
	if (!built)
		sb_printf(why, "no ark-built libvirt in the default store %s, whose "
			       "source tarball holds the test domains",
			  db);
	else if (corp_import_find_tarball(&st, NULL, tar, version))
		sb_printf(why, "the source tarball of the default store's newest "
			       "ark-built libvirt is not at hand (the error above "
			       "says how to get it back)");
	else
		ret = 0;
	installs_free(v, n);
	store_close(&st);
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	free(db);
	return ret;
}

/* An SQLite database's files: the database, its WAL and shared memory. */
static const char *const sqlite_suffixes[] = { "", "-wal", "-shm" };

/*
 * Debian's QEMU and libvirt in the private store, and the corpus imported
 * into it: 0, or -1 with the section's one line said.
 */
static int lvc_prepare(struct lvc *c, struct strbuf *out)
{
	struct strbuf why = STRBUF_INIT, tar = STRBUF_INIT, copy = STRBUF_INIT;
	size_t base;
	int ret = -1;

	sb_printf(&copy, "%s/default-copy.db", c->dir.buf);
	base = copy.len;
	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(out, "lvcorpus: skipped, Debian's QEMU (" DEBIAN_QEMU
			     ") is not installed\n");
		goto out;
	}
	if (run((const char *const[]){ c->vm, "ark", "import", "qemu", "--db",
				       c->db.buf, NULL },
		120, NULL, &why) ||
	    imported_version(c->db.buf, "qemu", &c->qemu, &c->emulator)) {
		sb_printf(out, "lvcorpus: skipped, Debian's QEMU could not be "
			       "registered: %s\n",
			  why.len ? why.buf : "ark import named no install");
		goto out;
	}
	if (run((const char *const[]){ c->vm, "ark", "import", "libvirt", "--db",
				       c->db.buf, NULL },
		120, NULL, &why) ||
	    imported_version(c->db.buf, "libvirt", &c->libvirt, NULL)) {
		sb_printf(out, "lvcorpus: skipped, no Debian libvirt daemon to "
			       "register (libvirt-daemon-driver-qemu): %s\n",
			  why.len ? why.buf : "ark import named no install");
		goto out;
	}
	if (default_tarball(copy.buf, &tar, &c->origin, &why)) {
		sb_printf(out, "lvcorpus: skipped, %s\n", why.buf);
		goto out;
	}
	if (run((const char *const[]){ c->vm, "corpus", "import", "--tarball",
				       tar.buf, "--origin", c->origin.buf, "--db",
				       c->db.buf, NULL },
		600, NULL, &why)) {
		sb_printf(out, "lvcorpus: skipped, the corpus could not be imported "
			       "from libvirt %s's source: %s\n",
			  c->origin.buf, why.buf);
		goto out;
	}
	ret = 0;
out:
	/* The copy is as large as the default store: gone before the runs. */
	for (size_t i = 0; i < ARRAY_SIZE(sqlite_suffixes); i++) {
		strbuf_setlen(&copy, base);
		sb_puts(&copy, sqlite_suffixes[i]);
		unlink(copy.buf);
	}
	strbuf_release(&why);
	strbuf_release(&tar);
	strbuf_release(&copy);
	return ret;
}

/* The newest corpus sweep of the private store, or -1. */
static long long last_sweep(struct store *st)
{
	auto_stmt *q = NULL;
	long long id = -1;

	if (!store_prepare(st, &q, "SELECT max(id) FROM sweeps WHERE kind = 'corpus'") &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		id = sqlite3_column_int64(q, 0);
	return id;
}

/* `corpus run` argv for the pair, without the domains chosen. */
static void corpus_argv(const struct lvc *c, struct strvec *argv)
{
	strvec_pushv(argv, (const char *const[]){ c->vm, "corpus", "run", "--db",
						  c->db.buf, "--origin", c->origin.buf,
						  "--libvirt", c->libvirt, "--qemu",
						  c->qemu, NULL });
}

/* The outcomes recorded, in the order the line gives them. */
static const char *const outcomes[] = { "started", "rejected", "refused", "skipped",
					"unsupported", "error" };

/* Figure 1: the whole corpus, one run. 0, or -1 with its line said. */
static int whole_corpus(struct lvc *c, struct strbuf *out)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, counts = STRBUF_INIT;
	struct store st;
	auto_stmt *q = NULL;
	long long total = 0, n[ARRAY_SIZE(outcomes)] = { 0 };
	double t;
	int ret = -1;

	corpus_argv(c, &argv);
	if (run((const char *const *)argv.v, WHOLE_TIMEOUT, &t, &why)) {
		sb_printf(out, "lvcorpus: the whole corpus run failed (libvirt %s x QEMU "
			       "%s): %s\n",
			  c->libvirt, c->qemu, why.buf);
		goto out;
	}
	if (store_open(&st, c->db.buf)) {
		sb_printf(out, "lvcorpus: the private store %s cannot be read\n",
			  c->db.buf);
		goto out;
	}
	c->sweep = last_sweep(&st);
	if (!store_prepare(&st, &q, "SELECT outcome, count(*) FROM corpus_runs"
				    " WHERE sweep = ? GROUP BY outcome")) {
		sqlite3_bind_int64(q, 1, c->sweep);
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *o = (const char *)sqlite3_column_text(q, 0);

			total += sqlite3_column_int64(q, 1);
			for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
				if (!strcmp(o, outcomes[i]))
					n[i] = sqlite3_column_int64(q, 1);
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
	if (!total) {
		sb_printf(out, "lvcorpus: the whole corpus run recorded nothing "
			       "(libvirt %s x QEMU %s)\n",
			  c->libvirt, c->qemu);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
		if (i < 4 || n[i])
			sb_printf(&counts, "%s%lld %s", i ? ", " : "", n[i], outcomes[i]);
	sb_printf(out,
		  "lvcorpus: whole corpus (%lld domains of libvirt %s's tests), libvirt "
		  "%s x QEMU %s: %.1f s (%.2f s a domain; goal %.0f s: %s): %s (one "
		  "run: it takes minutes)\n",
		  total, c->origin.buf, c->libvirt, c->qemu, t, t / (double)total,
		  GOAL_WHOLE, t <= GOAL_WHOLE ? "met" : "missed", counts.buf);
	ret = 0;
out:
	strvec_clear(&argv);
	strbuf_release(&why);
	strbuf_release(&counts);
	return ret;
}

/*
 * Whether adaptations (a JSON array) holds only the note userxml_adopt()
 * makes for every domain, the firmware directories: no stand-in and no
 * other change, so the domain runs the same on a bare daemon.
 */
static int no_standin(const char *adaptations)
{
	json_object *a = adaptations ? json_tokener_parse(adaptations) : NULL;
	int ok = !adaptations || json_object_is_type(a, json_type_array);

	for (size_t i = 0; ok && a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		const char *s = json_object_get_string(e);

		ok = json_object_is_type(e, json_type_string) &&
		     !strncmp(s, "firmware directories added", 26);
	}
	json_object_put(a);
	return ok;
}

/*
 * Figure 2's domains: those started in the whole run with no stand-in,
 * the first NDOMS by name; each adopted for the virsh loop into a file
 * ("vmxbench-N"). 0, or -1 with its line said.
 */
static int choose_domains(struct lvc *c, struct strbuf *out)
{
	struct store st;
	auto_stmt *q = NULL;
	struct strvec fw = STRVEC_INIT;
	struct strbuf xml = STRBUF_INIT, why = STRBUF_INIT, path = STRBUF_INIT;
	int ret = -1;

	qemu_firmware_args(&fw);
	if (store_open(&st, c->db.buf))
		goto out;
	if (store_prepare(&st, &q, "SELECT d.name, d.xml, r.adaptations"
				   " FROM corpus_runs r JOIN corpus_domains d"
				   "   ON d.id = r.domain"
				   " WHERE r.sweep = ? AND r.outcome = 'started'"
				   " ORDER BY d.name")) {
		store_close(&st);
		goto out;
	}
	sqlite3_bind_int64(q, 1, c->sweep);
	while (c->names.nr < NDOMS && sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *dxml = (const char *)sqlite3_column_text(q, 1);
		struct strvec notes = STRVEC_INIT;
		char vname[32];
		struct userxml_as as = { vname, c->emulator, "qemu", &fw };

		if (!no_standin((const char *)sqlite3_column_text(q, 2)) ||
		    strpbrk(name, "*?[\\"))
			continue;
		snprintf(vname, sizeof(vname), "vmxbench-%zu", c->names.nr);
		strbuf_reset(&xml);
		strbuf_reset(&path);
		sb_printf(&path, "%s/%s.xml", c->dir.buf, vname);
		if (userxml_adopt(dxml, strlen(dxml), &as, &xml, &notes, &why) ||
		    write_file_atomic(path.buf, xml.buf, xml.len)) {
			strvec_clear(&notes);
			sb_printf(out, "lvcorpus: cannot write the adopted XML of "
				       "'%s' to '%s'%s%s\n",
				  name, path.buf, why.len ? ": " : "", why.buf);
			goto close;
		}
		strvec_clear(&notes);
		strvec_push(&c->names, name);
		strvec_push(&c->files, path.buf);
		strvec_pushv(&c->match, (const char *const[]){ "--match", name, NULL });
	}
	if (!c->names.nr)
		sb_printf(out, "lvcorpus: no domain started without a stand-in in the "
			       "whole run, none to time one by one\n");
	else
		ret = 0;
close:
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
out:
	strvec_clear(&fw);
	strbuf_release(&xml);
	strbuf_release(&why);
	strbuf_release(&path);
	return ret;
}

/*
 * Ours, once: `corpus run --match NAME...`; *wall its time, each job's
 * corpus_runs.seconds appended to jobs (*njobs), *started how many
 * started. 0, or -1 with why set.
 */
static int ours_once(struct lvc *c, double *wall, double *jobs, size_t *njobs,
		     int *started, struct strbuf *why)
{
	struct strvec argv = STRVEC_INIT;
	struct store st;
	auto_stmt *q = NULL;
	int ret = -1;

	corpus_argv(c, &argv);
	strvec_pushv(&argv, (const char *const *)c->match.v);
	if (run((const char *const *)argv.v, MATCH_TIMEOUT, wall, why))
		goto out;
	if (store_open(&st, c->db.buf)) {
		sb_printf(why, "the store %s cannot be read", c->db.buf);
		goto out;
	}
	*started = 0;
	if (!store_prepare(&st, &q, "SELECT outcome, seconds FROM corpus_runs"
				    " WHERE sweep = ?")) {
		sqlite3_bind_int64(q, 1, last_sweep(&st));
		while (sqlite3_step(q) == SQLITE_ROW) {
			*started += !strcmp((const char *)sqlite3_column_text(q, 0),
					    "started");
			if (*njobs < (size_t)RUNS * NDOMS)
				jobs[(*njobs)++] = sqlite3_column_double(q, 1);
		}
		ret = 0;
	}
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
out:
	strvec_clear(&argv);
	return ret;
}

/* One virsh process on uri: 0, or -1 with why set naming the domain. */
static int virsh(const char *uri, const char *const *args, const char *domain,
		 struct strbuf *why)
{
	struct strvec argv = STRVEC_INIT;
	int ret;

	strvec_pushv(&argv, (const char *const[]){ "virsh", "-c", uri, NULL });
	strvec_pushv(&argv, args);
	ret = run((const char *const *)argv.v, VIRSH_TIMEOUT, NULL, why);
	if (ret)
		sb_printf(why, " (virsh %s of corpus domain '%s')", args[0], domain);
	strvec_clear(&argv);
	return ret;
}

/*
 * The bare loop, once: each domain defined, started paused, destroyed
 * and undefined by four virsh processes; *wall the loop's time, each
 * domain's four processes appended to per (*nper). 0, or -1 with why set
 * (the domain that failed is destroyed and undefined again).
 */
static int virsh_once(struct lvc *c, const char *uri, double *wall, double *per,
		      size_t *nper, struct strbuf *why)
{
	double t0 = now_monotonic();

	for (size_t i = 0; i < c->names.nr; i++) {
		char vname[32];
		double t = now_monotonic();

		snprintf(vname, sizeof(vname), "vmxbench-%zu", i);
		if (virsh(uri, (const char *const[]){ "define", c->files.v[i], NULL },
			  c->names.v[i], why) ||
		    virsh(uri, (const char *const[]){ "start", "--paused", vname, NULL },
			  c->names.v[i], why) ||
		    virsh(uri, (const char *const[]){ "destroy", vname, NULL },
			  c->names.v[i], why) ||
		    virsh(uri, (const char *const[]){ "undefine", vname, NULL },
			  c->names.v[i], why)) {
			struct strbuf ignored = STRBUF_INIT;

			run((const char *const[]){ "virsh", "-c", uri, "destroy", vname,
						   NULL },
			    VIRSH_TIMEOUT, NULL, &ignored);
			run((const char *const[]){ "virsh", "-c", uri, "undefine", vname,
						   NULL },
			    VIRSH_TIMEOUT, NULL, &ignored);
			strbuf_release(&ignored);
			return -1;
		}
		if (*nper < (size_t)RUNS * NDOMS)
			per[(*nper)++] = now_monotonic() - t;
	}
	*wall = now_monotonic() - t0;
	return 0;
}

/* Figure 2: ours beside the virsh loop, RUNS each, in turn. */
static void one_by_one(struct lvc *c, struct strbuf *out)
{
	double ours[RUNS], peer[RUNS], jobs[RUNS * NDOMS], per[RUNS * NDOMS];
	size_t njobs = 0, nper = 0;
	struct strbuf why = STRBUF_INIT, pwhy = STRBUF_INIT;
	struct libvirtd d;
	struct install lv;
	struct store st;
	int have_daemon = 0, have_peer = 0, least = NDOMS, started = 0, got;

	memset(&lv, 0, sizeof(lv));
	if (!bench_on_path("virsh")) {
		sb_puts(&pwhy, "virsh (libvirt-clients) is not installed");
	} else if (store_open(&st, c->db.buf)) {
		sb_printf(&pwhy, "the store %s cannot be read", c->db.buf);
	} else {
		got = installs_get(&st, "libvirt", c->libvirt, &lv);
		store_close(&st);
		if (got)
			sb_printf(&pwhy, "libvirt %s is not in the private store", c->libvirt);
		/*
		 * As corpus run starts its daemons: in a private tree, with
		 * the daemon's log in a file there. libvirtd_start() leaves
		 * the log on a pipe that nobody reads between virsh calls;
		 * at three lines a domain (tainted twice, no cgroup) the
		 * daemon blocks writing to it after some 140 domains.
		 */
		else if (libvirtd_prepare(&d, &lv, NULL, 1) ||
			 libvirtd_launch(&d, NULL, 60))
			sb_printf(&pwhy, "the daemon of libvirt %s did not start (the "
					 "error above)", c->libvirt);
		else
			have_daemon = have_peer = 1;
	}
	for (int i = 0; i < RUNS; i++) {
		/* Alternating which side goes first, so that neither is always second. */
		if (i % 2 && have_peer && virsh_once(c, d.uri, &peer[i], per, &nper, &pwhy))
			have_peer = 0;
		if (ours_once(c, &ours[i], jobs, &njobs, &started, &why)) {
			sb_printf(out, "lvcorpus: the run of %zu domains failed: %s\n",
				  c->names.nr, why.buf);
			goto out;
		}
		if (started < least)
			least = started;
		if (!(i % 2) && have_peer && virsh_once(c, d.uri, &peer[i], per, &nper, &pwhy))
			have_peer = 0;
	}
	if (!njobs) {
		sb_printf(out, "lvcorpus: the runs of %zu domains recorded no job\n",
			  c->names.nr);
		goto out;
	}
	{
		double mo = median(ours, RUNS), mj = median(jobs, (int)njobs);

		if (have_peer) {
			double mp = median(peer, RUNS), mper = median(per, (int)nper);

			sb_printf(out,
				  "lvcorpus: %zu domains started paused and destroyed: ours "
				  "%.1f s, virsh loop %.1f s, ratio %.2f (goal 1.0: %s; median "
				  "of %d; ours: `corpus run --match`, its 3 daemons started "
				  "and stopped within, domains side by side; virsh: one "
				  "daemon already running, one domain at a time)%s\n",
				  c->names.nr, mo, mp, mo / mp, mo / mp <= 1.0 ? "met" : "missed",
				  RUNS, least < (int)c->names.nr ? "; not all started in "
								    "every run of ours" : "");
			sb_printf(out,
				  "lvcorpus: per domain: ours %.2f s (job: define, start, "
				  "argv, destroy, undefine; median of %zu), virsh %.2f s "
				  "(define+start+destroy+undefine, 4 processes; median of "
				  "%zu), ratio %.2f\n",
				  mj, njobs, mper, nper, mj / mper);
		} else {
			sb_printf(out,
				  "lvcorpus: %zu domains started paused and destroyed: ours "
				  "%.1f s (median of %d), per domain %.2f s (job); no virsh "
				  "loop beside it: %s\n",
				  c->names.nr, mo, RUNS, mj, pwhy.buf);
		}
	}
out:
	if (have_daemon)
		libvirtd_stop(&d);
	install_release(&lv);
	strbuf_release(&why);
	strbuf_release(&pwhy);
}

void bench_lvcorpus(struct bench *b)
{
	struct lvc c = { .dir = STRBUF_INIT, .db = STRBUF_INIT, .origin = STRBUF_INIT,
			 .names = STRVEC_INIT, .files = STRVEC_INIT, .match = STRVEC_INIT };

	c.vm = getenv("VIRT_MATRIX_BIN");
	if (!c.vm)
		c.vm = "./virt-matrix";
	sb_printf(&c.dir, "%s/lvcorpus", b->dir);
	sb_printf(&c.db, "%s/lvcorpus.db", c.dir.buf);
	if (mkdir_p(c.dir.buf, 0755))
		die("cannot create '%s'", c.dir.buf);
	if (!lvc_prepare(&c, b->out) && !whole_corpus(&c, b->out) &&
	    !choose_domains(&c, b->out))
		one_by_one(&c, b->out);
	if (remove_tree(c.dir.buf))
		die("cannot remove '%s'", c.dir.buf);
	strbuf_release(&c.dir);
	strbuf_release(&c.db);
	strbuf_release(&c.origin);
	strvec_clear(&c.names);
	strvec_clear(&c.files);
	strvec_clear(&c.match);
	free(c.libvirt);
	free(c.qemu);
	free(c.emulator);
}
