/*
 * The corpus on every (libvirt, QEMU) pair (see corpusrun.h). For each libvirt
 * the domains are fitted into sets of stand-ins (standin.h); each set
 * gets a start of the daemon in its private tree, with the stand-ins in
 * its mount namespace, and every chosen QEMU then runs the set's domains
 * on worker threads over the one connection. A domain no stand-in can
 * serve is a skip on every QEMU of that libvirt, with its reason; a pair
 * libvirt refuses by rule (its minimum QEMU version) is unsupported.
 * Rows are written by the main thread after each (set, QEMU) batch, in
 * one transaction: an interrupted run keeps every finished batch, and a
 * run resumed with --sweep does only what that sweep lacks.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libvirt/virterror.h>

#include "corpusrun.h"
#include "command.h"
#include "fs.h"
#include "installs.h"
#include "qemuproc.h"
#include "runs.h"
#include "standin.h"
#include "support.h"
#include "sweeps.h"
#include "threads.h"
#include "userxml.h"
#include "version.h"
#include "vmversion.h"
#include "banned.h"

/* The log of a domain that failed, kept in its reason: the tail. */
#define DOMAIN_LOG_MAX 4096

void corp_result_init(struct corp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = CORP_ERROR;
}

void corp_result_release(struct corp_result *r)
{
	strbuf_release(&r->reason);
	strvec_clear(&r->argv);
	strvec_clear(&r->adaptations);
	free(r->domain_xml);
	r->domain_xml = NULL;
}

static const char *lv_message(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

/* Destroys (if running) and undefines dom, with its nvram; frees it. */
static void drop(virDomainPtr dom)
{
	if (!dom)
		return;
	if (virDomainIsActive(dom) == 1)
		virDomainDestroy(dom);
	if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM |
					       VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
					       VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) &&
	    virDomainUndefine(dom))
		warning("cannot undefine a corpus domain: %s", lv_message());
	virDomainFree(dom);
}

/* The domain's QEMU log (libvirt's lines, then QEMU's stderr): removed. */
static void take_log(const struct corp_pair *pair, const char *name, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT;

	sb_printf(&path, "%s/qemu/%s.log", pair->log_dir, name);
	if (out)
		read_file_tail(path.buf, DOMAIN_LOG_MAX, out);
	if (path_exists(path.buf) && unlink(path.buf))
		warning("cannot remove '%s'", path.buf);
	strbuf_release(&path);
}

/*
 * libvirt's message for a failed step, with the daemon's own error line
 * when libvirt told the client only that "the cause is unknown" (its
 * log from mark on; this lane's daemon runs this job alone), classified.
 */
static enum corp_outcome lv_failure(const struct corp_pair *pair, off_t mark,
				    enum corp_step step, struct strbuf *reason)
{
	struct strbuf m = STRBUF_INIT;
	const char *e = virGetLastErrorMessage();
	enum corp_outcome o;

	sb_puts(&m, e ? e : "");
	libvirtd_log_explain(pair->log_dir, mark, &m);
	o = corp_classify(step, m.buf, reason);
	strbuf_release(&m);
	return o;
}

void corp_job(const struct corp_pair *pair, const char *xml, const char *name,
	      struct corp_result *r)
{
	off_t mark = libvirtd_log_mark(pair->log_dir);
	struct strbuf adopted = STRBUF_INIT, why = STRBUF_INIT, log = STRBUF_INIT;
	struct userxml_as as;
	virDomainPtr dom = NULL;
	double t0 = now_monotonic();
	long pid;
	char *live;

	as.name = name;
	as.emulator = pair->emulator;
	as.virttype = "qemu";
	as.qemu_args = pair->qemu_args;
	if (userxml_adopt(xml, strlen(xml), &as, &adopted, &r->adaptations, &why)) {
		/* libvirt's parser has the last word on a document ours refuses:
		 * converting defines nothing and starts nothing. */
		char *native = virConnectDomainXMLToNative(pair->conn, "qemu-argv", xml, 0);

		if (!native) {
			r->outcome = lv_failure(pair, mark, CORP_STEP_DEFINE, &r->reason);
		} else {
			r->outcome = CORP_ERROR;
			sb_printf(&r->reason, "virt-matrix cannot adopt the domain: %s",
				  why.buf);
		}
		free(native);
		goto out;
	}
	dom = virDomainDefineXMLFlags(pair->conn, adopted.buf, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!dom) {
		r->outcome = lv_failure(pair, mark, CORP_STEP_DEFINE, &r->reason);
		goto out;
	}
	if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED)) {
		struct strbuf first = STRBUF_INIT;

		r->outcome = lv_failure(pair, mark, CORP_STEP_START, &r->reason);
		/* QEMU's words may be only in its log (libvirt before 8.0 cut them). */
		take_log(pair, name, &log);
		if (r->outcome == CORP_REJECTED && strstr(log.buf, "qemu-system-")) {
			sb_puts(&first, r->reason.buf);
			strbuf_reset(&r->reason);
			r->outcome = corp_classify(CORP_STEP_START, log.buf, &r->reason);
			if (r->outcome == CORP_REJECTED) {
				strbuf_reset(&r->reason);
				sb_puts(&r->reason, first.buf);
			}
		}
		strbuf_release(&first);
		goto out;
	}
	pid = libvirtd_qemu_pid(pair->run_dir, name);
	if (pid < 0 || proc_cmdline(pid, &r->argv)) {
		r->outcome = CORP_ERROR;
		sb_printf(&r->reason, "libvirt %s started the domain, but no QEMU process "
				      "of it is there (pid file under %s/qemu)",
			  pair->libvirt, pair->run_dir);
		goto out;
	}
	live = virDomainGetXMLDesc(dom, 0);
	if (live) {
		r->domain_xml = xstrdup(live);
		free(live);
	}
	r->outcome = CORP_STARTED;
out:
	drop(dom);
	take_log(pair, name, NULL);
	r->seconds = now_monotonic() - t0;
	strbuf_release(&adopted);
	strbuf_release(&why);
	strbuf_release(&log);
}

/* ---- the corpus, the pairs, the rows ---- */

struct domain {
	long long id;
	char *name, *xml;
	struct corp_needs needs;
	int bad;		   /* needs.h could not read it: why */
	struct strbuf why;	   /* a skip's or a bad document's reason */
	struct strvec adaptations; /* the stand-ins of its set */
	int never;		   /* no stand-in serves it */
};

struct ctx {
	struct store *st;
	const struct corp_run_opts *o;
	long long sweep;
	struct domain *doms;
	size_t ndoms;
	struct install *lvs, *qemus;
	size_t nlvs, nqemus;
	struct strvec fw; /* firmware directories for QEMU (qemuproc.h) */
	const char *qemu_version; /* of the batch running, for progress */
	int failed_pairs;
};

static int load_domains(struct ctx *c, const char *origin)
{
	auto_stmt *q = NULL;
	size_t alloc = 0, idx = 0;
	int rc;

	if (store_prepare(c->st, &q, "SELECT id, name, xml FROM corpus_domains"
				     " WHERE corpus = 'libvirt' AND origin = ?"
				     " ORDER BY name"))
		return -1;
	store_bind_text(q, 1, origin);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		const char *xml = (const char *)sqlite3_column_text(q, 2);
		struct domain *d;
		int want = !c->o->match.nr;

		for (size_t i = 0; i < c->o->match.nr && !want; i++)
			want = !fnmatch(c->o->match.v[i], name, 0);
		if (!want)
			continue;
		if (c->o->limit && (long)idx >= c->o->limit) {
			rc = SQLITE_DONE;
			break;
		}
		/* Sharded by the domain's place in the chosen list. */
		if (c->o->shard && !shard_has(c->o->shard, idx++))
			continue;
		if (!c->o->shard)
			idx++;
		ALLOC_GROW(c->doms, c->ndoms + 1, alloc);
		d = &c->doms[c->ndoms++];
		memset(d, 0, sizeof(*d));
		d->id = sqlite3_column_int64(q, 0);
		d->name = xstrdup(name);
		d->xml = xstrdup(xml ? xml : "");
		if (corp_needs_parse(d->xml, strlen(d->xml), &d->needs, &d->why))
			d->bad = 1;
	}
	if (rc != SQLITE_DONE)
		return store_error(c->st, "cannot read the corpus");
	return 0;
}

/* The newest origin imported, into out. 1 when there is none. */
static int newest_origin(struct ctx *c, struct strbuf *out)
{
	auto_stmt *q = NULL;
	int rc, found = 0;

	if (store_prepare(c->st, &q, "SELECT DISTINCT origin FROM corpus_domains"
				     " WHERE corpus = 'libvirt'"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(q, 0);

		if (!found || version_strcmp(v, out->buf) > 0) {
			strbuf_reset(out);
			sb_puts(out, v);
		}
		found = 1;
	}
	if (rc != SQLITE_DONE)
		return store_error(c->st, "cannot read the corpus");
	return !found;
}

/* The installs of app the options choose (all when none is named). */
static int choose(struct ctx *c, const char *app, const struct strvec *want,
		  struct install **out, size_t *n)
{
	struct install *all = NULL;
	size_t nall = 0, k = 0;

	if (installs_list(c->st, app, &all, &nall))
		return -1;
	for (size_t w = 0; w < want->nr; w++) {
		size_t i;

		for (i = 0; i < nall; i++)
			if (!strcmp(all[i].version, want->v[w]))
				break;
		if (i == nall) {
			installs_free(all, nall);
			return error("no %s install '%s' (see: virt-matrix ark list)", app,
				     want->v[w]);
		}
	}
	*out = xcalloc(nall ? nall : 1, sizeof(**out));
	for (size_t i = 0; i < nall; i++) {
		if (want->nr && !strvec_has(want, all[i].version)) {
			install_release(&all[i]);
			continue;
		}
		(*out)[k++] = all[i];
	}
	free(all);
	*n = k;
	return 0;
}

/* Whether (domain, libvirt, QEMU) is in the sweep already. */
static int done_in_sweep(struct ctx *c, long long domain, const char *lv,
			 const char *qemu)
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(c->st, &q, "SELECT 1 FROM corpus_runs WHERE sweep = ?"
				     " AND domain = ? AND libvirt = ? AND qemu = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, c->sweep);
	sqlite3_bind_int64(q, 2, domain);
	store_bind_text(q, 3, lv);
	store_bind_text(q, 4, qemu);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_error(c->st, "cannot look up the sweep's corpus runs");
}

static int insert_row(struct ctx *c, const struct domain *d, const char *lv,
		      const struct install *qemu, const struct corp_result *r)
{
	auto_stmt *q = NULL;
	json_object *argv = NULL, *ad = NULL;
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	char now[32];
	int ret = 0;

	now_iso8601(now, sizeof(now));
	if (store_prepare(c->st, &q, "INSERT INTO corpus_runs (sweep, domain, libvirt,"
				     " qemu, qemu_sha256, accel, outcome, reason, argv,"
				     " adaptations, domain_xml, seconds, started_at, tool)"
				     " VALUES (?, ?, ?, ?, ?, 'tcg', ?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	if (r->argv.nr)
		argv = strvec_json(&r->argv);
	if (r->adaptations.nr)
		ad = strvec_json(&r->adaptations);
	sqlite3_bind_int64(q, 1, c->sweep);
	sqlite3_bind_int64(q, 2, d->id);
	store_bind_text(q, 3, lv);
	store_bind_text(q, 4, qemu->version);
	store_bind_text(q, 5, qemu->binary_sha256);
	store_bind_text(q, 6, corp_outcome_to_string(r->outcome));
	store_bind_text(q, 7, r->reason.len ? r->reason.buf : NULL);
	store_bind_text(q, 8, argv ? json_object_to_json_string_ext(argv, flags) : NULL);
	store_bind_text(q, 9, ad ? json_object_to_json_string_ext(ad, flags) : NULL);
	store_bind_text(q, 10, r->domain_xml);
	sqlite3_bind_double(q, 11, r->seconds);
	store_bind_text(q, 12, now);
	store_bind_text(q, 13, vm_version());
	if (sqlite3_step(q) != SQLITE_DONE)
		ret = store_error(c->st, "cannot record a corpus run");
	json_object_put(argv);
	json_object_put(ad);
	return ret;
}

/*
 * One daemon of a libvirt, with its own copies of the set's stand-ins:
 * the domains running side by side each have a daemon, so that no two
 * QEMUs ever open one stand-in image.
 */
struct lane {
	struct libvirtd d;
	struct corp_standins s;
	struct strvec ns;
	int prepared, inited;
	/* The job running, for the watchdog (under the batch's lock). */
	char job[64];	/* its libvirt domain name; "" when none runs */
	double since;
	int killed;	/* its QEMU was killed: timed out, or interrupted */
};

/* One (set, QEMU) batch, its domains taken in turn by the lanes. */
struct batch {
	struct ctx *c;
	struct lane *lanes;
	size_t nlanes;
	const struct install *qemu;
	size_t *idx;		   /* domains of the batch */
	struct corp_result *res;   /* [n] */
	int *ran;		   /* [n]: finished */
	size_t n;
	size_t next, finished;	   /* atomic */
	double t0;
	pthread_mutex_t lock;	   /* the lanes' job, since, killed */
	int over;		   /* the lanes have stopped: the watchdog too */
};

/*
 * The watchdog of a batch: a domain whose start takes longer than
 * CORP_JOB_TIMEOUT (a QEMU preallocating more than we thought, a hang),
 * or any when virt-matrix is interrupted, has its QEMU killed, which
 * ends libvirt's start; the job then says so.
 */
static void *watchdog(void *arg)
{
	struct batch *b = arg;
	size_t nlanes = b->nlanes;

	for (;;) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		int over;

		pthread_mutex_lock(&b->lock);
		over = b->over;
		for (size_t k = 0; k < nlanes && !over; k++) {
			struct lane *l = &b->lanes[k];
			long pid;

			if (!l->job[0] || l->killed ||
			    (now_monotonic() - l->since < CORP_JOB_TIMEOUT && !vm_interrupted))
				continue;
			pid = libvirtd_qemu_pid(l->d.run_dir, l->job);
			if (pid > 0 && !kill((pid_t)pid, SIGKILL))
				l->killed = 1;
		}
		pthread_mutex_unlock(&b->lock);
		if (over)
			return NULL;
		nanosleep(&ts, NULL);
	}
}

/* Domain i of the batch on lane l; 0, or -1 when interrupted (no result). */
static int run_one(struct batch *b, struct lane *l, const struct corp_pair *pair, size_t i)
{
	const struct domain *d = &b->c->doms[b->idx[i]];
	char name[64];
	int ret = 0;

	snprintf(name, sizeof(name), "vmcorpus-%ld-%zu", (long)getpid(), b->idx[i]);
	corp_result_release(&b->res[i]);
	corp_result_init(&b->res[i]);
	for (size_t a = 0; a < d->adaptations.nr; a++)
		strvec_push(&b->res[i].adaptations, d->adaptations.v[a]);
	pthread_mutex_lock(&b->lock);
	snprintf(l->job, sizeof(l->job), "%s", name);
	l->since = now_monotonic();
	l->killed = 0;
	pthread_mutex_unlock(&b->lock);
	corp_job(pair, d->xml, name, &b->res[i]);
	pthread_mutex_lock(&b->lock);
	l->job[0] = '\0';
	if (l->killed && vm_interrupted) {
		ret = -1; /* not a result: a resumed sweep runs it again */
	} else if (l->killed) {
		corp_result_release(&b->res[i]);
		corp_result_init(&b->res[i]);
		b->res[i].outcome = CORP_ERROR;
		sb_printf(&b->res[i].reason, "QEMU was killed after %d s: libvirt %s had "
					     "not started the domain by then",
			  CORP_JOB_TIMEOUT, pair->libvirt);
	}
	pthread_mutex_unlock(&b->lock);
	if (!ret)
		b->ran[i] = 1;
	return ret;
}

static void lane_pair(const struct batch *b, const struct lane *l, struct corp_pair *pair)
{
	pair->conn = l->d.conn;
	pair->run_dir = l->d.run_dir;
	pair->log_dir = l->d.log_dir;
	pair->libvirt = l->d.version;
	pair->emulator = b->qemu->binary_path;
	pair->qemu_args = &b->c->fw;
}

/* Lane k: the batch's next domain until none is left. */
static void lane_job(size_t k, void *arg)
{
	struct batch *b = arg;
	struct lane *l = &b->lanes[k];
	struct corp_pair pair;

	lane_pair(b, l, &pair);
	while (!vm_interrupted) {
		size_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED), done;

		if (i >= b->n || run_one(b, l, &pair, i))
			break;
		done = __atomic_add_fetch(&b->finished, 1, __ATOMIC_RELAXED);
		if (done % 100 == 0 && done < b->n)
			info("libvirt %s / QEMU %s: %zu of %zu domains (%.0f s)",
			     pair.libvirt, b->qemu->version, done, b->n,
			     now_monotonic() - b->t0);
	}
}

/*
 * A domain that found a port it names taken may have met another domain
 * of the batch using it: it runs again alone on lane 0, after the others.
 */
static void retry_alone(struct batch *b)
{
	struct corp_pair pair;
	const char *rest;

	lane_pair(b, &b->lanes[0], &pair);
	for (size_t i = 0; i < b->n && !vm_interrupted; i++)
		if (b->ran[i] && b->res[i].outcome == CORP_SKIPPED &&
		    skip_prefix(b->res[i].reason.buf, CORP_PORT_IN_USE, &rest))
			run_one(b, &b->lanes[0], &pair, i);
}

static void count_line(struct strbuf *sb, const int *counts)
{
	for (int k = 0; k < CORP_OUTCOME_LAST; k++)
		if (counts[k])
			sb_printf(sb, "%s%d %s", sb->len ? ", " : "", counts[k],
				  corp_outcome_to_string((enum corp_outcome)k));
}

/* Records a batch's finished results in one transaction. */
static int record_batch(struct ctx *c, struct batch *b, const char *lv,
			const struct install *qemu, int *counts)
{
	if (store_begin(c->st))
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->ran[i])
			continue;
		if (insert_row(c, &c->doms[b->idx[i]], lv, qemu, &b->res[i])) {
			store_rollback(c->st);
			return -1;
		}
		counts[b->res[i].outcome]++;
	}
	return store_commit(c->st);
}

/*
 * The domains idx[0..n) of one set on one QEMU of the lanes' daemons;
 * unsup: the pair's refusal by rule (NULL: none), which every domain gets.
 */
static int run_batch(struct ctx *c, struct lane *lanes, size_t nlanes,
		     const struct install *qemu, const size_t *idx, size_t n,
		     const char *unsup)
{
	struct batch b;
	int counts[CORP_OUTCOME_LAST] = { 0 }, ret;
	const char *lv = lanes[0].d.version;
	struct strbuf line = STRBUF_INIT;
	size_t k = 0;

	memset(&b, 0, sizeof(b));
	b.c = c;
	b.lanes = lanes;
	b.qemu = qemu;
	b.t0 = now_monotonic();
	b.idx = xcalloc(n ? n : 1, sizeof(*b.idx));
	for (size_t i = 0; i < n; i++) {
		int done = c->o->sweep_uuid ? done_in_sweep(c, c->doms[idx[i]].id, lv,
							    qemu->version)
					    : 0;

		if (done < 0) {
			free(b.idx);
			return -1;
		}
		if (!done)
			b.idx[k++] = idx[i];
	}
	b.n = k;
	b.res = xcalloc(k ? k : 1, sizeof(*b.res));
	b.ran = xcalloc(k ? k : 1, sizeof(*b.ran));
	for (size_t i = 0; i < k; i++)
		corp_result_init(&b.res[i]);
	if (unsup) {
		for (size_t i = 0; i < k; i++) {
			b.res[i].outcome = CORP_UNSUPPORTED;
			sb_puts(&b.res[i].reason, unsup);
			b.ran[i] = 1;
		}
	} else {
		pthread_t dog;
		int e;

		b.nlanes = nlanes < k ? nlanes : k;
		pthread_mutex_init(&b.lock, NULL);
		e = pthread_create(&dog, NULL, watchdog, &b);
		if (e) {
			error("cannot start the corpus watchdog: %s", strerror(e));
			b.n = 0;
		}
		threads_run(b.nlanes, lane_job, &b);
		retry_alone(&b);
		if (!e) {
			pthread_mutex_lock(&b.lock);
			b.over = 1;
			pthread_mutex_unlock(&b.lock);
			pthread_join(dog, NULL);
		}
		pthread_mutex_destroy(&b.lock);
	}
	ret = record_batch(c, &b, lv, qemu, counts);
	count_line(&line, counts);
	info("libvirt %s / QEMU %s: %zu domain(s)%s%s (%.0f s)", lv, qemu->version, k,
	     line.len ? ": " : "", line.buf, now_monotonic() - b.t0);
	for (size_t i = 0; i < k; i++)
		corp_result_release(&b.res[i]);
	free(b.res);
	free(b.ran);
	free(b.idx);
	strbuf_release(&line);
	return ret;
}

/* Records domains no stand-in serves (or that could not be read) as such. */
static int record_never(struct ctx *c, const struct install *lv, char **unsup)
{
	int counts[CORP_OUTCOME_LAST] = { 0 };

	if (store_begin(c->st))
		return -1;
	for (size_t q = 0; q < c->nqemus; q++)
		for (size_t i = 0; i < c->ndoms; i++) {
			struct domain *d = &c->doms[i];
			struct corp_result r;
			int done;

			if (!d->never)
				continue;
			done = c->o->sweep_uuid ? done_in_sweep(c, d->id, lv->version,
								c->qemus[q].version)
						: 0;
			if (done < 0) {
				store_rollback(c->st);
				return -1;
			}
			if (done)
				continue;
			corp_result_init(&r);
			r.outcome = unsup[q] ? CORP_UNSUPPORTED : CORP_SKIPPED;
			sb_puts(&r.reason, unsup[q] ? unsup[q] : d->why.buf);
			if (insert_row(c, d, lv->version, &c->qemus[q], &r)) {
				corp_result_release(&r);
				store_rollback(c->st);
				return -1;
			}
			counts[r.outcome]++;
			corp_result_release(&r);
		}
	if (counts[CORP_SKIPPED])
		info("libvirt %s: %d run(s) skipped for a missing host resource",
		     lv->version, counts[CORP_SKIPPED]);
	return store_commit(c->st);
}

/*
 * Whether libvirt refuses QEMU q by rule: its own words into *unsup
 * (malloc'd), else NULL.
 */
static void support_check(struct libvirtd *d, const struct install *q, char **unsup)
{
	char *xml = NULL, *err = NULL;
	const char *component, *words;
	size_t len;

	*unsup = NULL;
	if (!libvirtd_domcaps(d, q->binary_path, NULL, "qemu", &xml, &err)) {
		free(xml);
		return;
	}
	if (support_refusal(err, &component, &words, &len)) {
		struct strbuf sb = STRBUF_INIT;

		sb_printf(&sb, "%s: %.*s", component, (int)len, words);
		*unsup = strbuf_detach(&sb);
	}
	free(err);
}

static void lanes_stop(struct lane *lanes, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (lanes[k].prepared)
			libvirtd_stop(&lanes[k].d);
		if (lanes[k].inited)
			corp_standins_release(&lanes[k].s);
		strvec_clear(&lanes[k].ns);
		lanes[k].prepared = lanes[k].inited = 0;
	}
}

/* Lane k's daemon prepared and its stand-ins ready to fit or copy. */
static int lane_prepare(struct lane *l, const struct install *lv)
{
	if (libvirtd_prepare(&l->d, lv, NULL, 1))
		return -1;
	l->prepared = 1;
	if (corp_standins_init(&l->s, &l->d.binds))
		return -1;
	l->inited = 1;
	return 0;
}

/*
 * Fits the domains waiting[0..*nwaiting) into lane 0's set: those that
 * fit go into set, those that clash stay waiting for another set.
 */
static size_t fit_set(struct ctx *c, struct corp_standins *s, size_t *waiting,
		      size_t *nwaiting, size_t *set)
{
	size_t nset = 0, nrest = 0;

	for (size_t k = 0; k < *nwaiting; k++) {
		struct domain *dm = &c->doms[waiting[k]];

		switch (corp_standins_fit(s, &dm->needs, &dm->adaptations, &dm->why)) {
		case CORP_FIT_YES:
			set[nset++] = waiting[k];
			break;
		case CORP_FIT_CONFLICT:
			strvec_clear(&dm->adaptations);
			strbuf_reset(&dm->why);
			waiting[nrest++] = waiting[k];
			break;
		case CORP_FIT_NEVER:
			strvec_clear(&dm->adaptations);
			dm->never = 1;
			break;
		}
	}
	if (!nset && nrest) {
		/* Its own stand-ins clash: nothing else will take it. */
		struct domain *dm = &c->doms[waiting[0]];

		dm->never = 1;
		sb_puts(&dm->why, "the stand-ins it needs clash with each other");
		memmove(waiting, waiting + 1, --nrest * sizeof(*waiting));
	}
	*nwaiting = nrest;
	return nset;
}

/*
 * Every chosen QEMU under one libvirt, set of stand-ins by set; each set
 * on as many daemons (lanes) as domains run side by side.
 */
static int run_libvirt(struct ctx *c, const struct install *lv)
{
	size_t *waiting = xcalloc(c->ndoms ? c->ndoms : 1, sizeof(*waiting));
	size_t *set = xcalloc(c->ndoms ? c->ndoms : 1, sizeof(*set));
	char **unsup = xcalloc(c->nqemus ? c->nqemus : 1, sizeof(*unsup));
	size_t nwaiting = 0, pass = 0, maxlanes = (size_t)online_cpus() + 1;
	struct lane *lanes = xcalloc(maxlanes, sizeof(*lanes));
	int ret = 0, checked = 0;

	for (size_t i = 0; i < c->ndoms; i++) {
		struct domain *d = &c->doms[i];

		d->never = 0;
		strvec_clear(&d->adaptations);
		/* A document needs.c cannot read is libvirt's to judge. */
		if (!d->bad)
			strbuf_reset(&d->why);
		waiting[nwaiting++] = i;
	}
	while ((nwaiting || !checked) && !vm_interrupted) {
		size_t nset, nlanes;

		if (lane_prepare(&lanes[0], lv)) {
			c->failed_pairs += (int)c->nqemus;
			goto out;
		}
		nset = fit_set(c, &lanes[0].s, waiting, &nwaiting, set);
		nlanes = nset < maxlanes ? (nset ? nset : 1) : maxlanes;
		info("libvirt %s: set %zu of stand-ins: %zu domain(s), %zu stand-in(s), "
		     "%zu daemon(s); %zu domain(s) wait for another set",
		     lv->version, pass + 1, nset, lanes[0].s.n, nlanes, nwaiting);
		for (size_t k = 1; k < nlanes; k++) {
			if (lane_prepare(&lanes[k], lv)) {
				c->failed_pairs += (int)c->nqemus;
				goto out;
			}
			corp_standins_copy(&lanes[k].s, &lanes[0].s);
		}
		for (size_t k = 0; k < nlanes; k++) {
			if (corp_standins_make(&lanes[k].s, &lanes[k].ns)) {
				c->failed_pairs += (int)c->nqemus;
				goto out;
			}
			if (libvirtd_launch(&lanes[k].d, &lanes[k].ns, 60)) {
				lanes[k].prepared = 0; /* stopped by libvirtd_launch */
				c->failed_pairs += (int)c->nqemus;
				goto out;
			}
		}
		for (size_t q = 0; q < c->nqemus && !vm_interrupted; q++) {
			if (!checked)
				support_check(&lanes[0].d, &c->qemus[q], &unsup[q]);
			if (nset && run_batch(c, lanes, nlanes, &c->qemus[q], set, nset,
					      unsup[q])) {
				ret = -1;
				goto out;
			}
		}
		checked = 1;
		lanes_stop(lanes, maxlanes);
		pass++;
	}
	if (!vm_interrupted)
		ret = record_never(c, lv, unsup);
out:
	lanes_stop(lanes, maxlanes);
	for (size_t q = 0; q < c->nqemus; q++)
		free(unsup[q]);
	free(unsup);
	free(lanes);
	free(waiting);
	free(set);
	return ret;
}

static void ctx_release(struct ctx *c)
{
	for (size_t i = 0; i < c->ndoms; i++) {
		free(c->doms[i].name);
		free(c->doms[i].xml);
		corp_needs_release(&c->doms[i].needs);
		strbuf_release(&c->doms[i].why);
		strvec_clear(&c->doms[i].adaptations);
	}
	free(c->doms);
	installs_free(c->lvs, c->nlvs);
	installs_free(c->qemus, c->nqemus);
	strvec_clear(&c->fw);
}

int corp_run(struct store *st, const struct corp_run_opts *o)
{
	struct ctx c;
	struct strbuf origin = STRBUF_INIT;
	char uuid[SWEEP_UUID_LEN + 1], k_n[48];
	int ret = -1, rc;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.o = o;
	if (o->origin) {
		sb_puts(&origin, o->origin);
	} else if ((rc = newest_origin(&c, &origin))) {
		if (rc > 0)
			error("no libvirt test domains in the store; import them first: "
			      "virt-matrix corpus import");
		goto out;
	}
	if (load_domains(&c, origin.buf))
		goto out;
	if (!c.ndoms) {
		if (o->match.nr || o->limit || (o->shard && o->shard->n > 1))
			error("no test domain of libvirt %s is chosen (--match, --limit, --shard)",
			      origin.buf);
		else
			error("the store has no test domains of libvirt %s; import them: "
			      "virt-matrix corpus import --from %s", origin.buf, origin.buf);
		goto out;
	}
	if (choose(&c, "libvirt", &o->libvirts, &c.lvs, &c.nlvs) ||
	    choose(&c, "qemu", &o->qemus, &c.qemus, &c.nqemus))
		goto out;
	if (!c.nlvs || !c.nqemus) {
		error("the corpus needs a libvirt and a QEMU install (virt-matrix ark list)");
		goto out;
	}
	snprintf(k_n, sizeof(k_n), "%ld/%ld", o->shard ? o->shard->k : 1,
		 o->shard ? o->shard->n : 1);
	if (sweep_open(st, "corpus", o->sweep_uuid, o->shard && o->shard->n > 1 ? k_n : NULL,
		       o->argc, o->argv, &c.sweep, uuid))
		goto out;
	info("sweep %s: %zu domain(s) of libvirt %s's tests, %zu libvirt(s), %zu QEMU(s)",
	     uuid, c.ndoms, origin.buf, c.nlvs, c.nqemus);
	qemu_firmware_args(&c.fw);
	ret = 0;
	for (size_t l = 0; l < c.nlvs && !vm_interrupted && !ret; l++)
		ret = run_libvirt(&c, &c.lvs[l]);
	if (sweep_close(st, c.sweep, vm_interrupted ? "interrupted" : "finished") && !ret)
		ret = -1;
	if (!ret)
		ret = c.failed_pairs;
out:
	ctx_release(&c);
	strbuf_release(&origin);
	return ret;
}
