/*
 * The mapping part's libvirt corpus: libvirt's own test domains
 * (tests/qemuxmlconfdata, imported by corpus/import.c) as `virt-matrix
 * corpus run` ran them on real (libvirt, QEMU) pairs (table corpus_runs).
 * A cell is one (domain, pair): its newest row of the sweeps up to the
 * report's (the newest sweep with corpus runs, or the one --sweep names
 * when it has some), so that a partial run in between (one QEMU, a few
 * domains) hides nothing older.
 *
 * Each started cell's real argv is held against libvirt's own
 * expectation: the golden .args of the QEMU version nearest the QEMU
 * under test (corp_golden_nearest), from the libvirt source of the
 * libvirt under test when that source was imported with the same domain
 * XML; else the cell is not compared (another libvirt's expectation is
 * not this one's). Compared as lvc_compare.c says. "latest" is the QEMU
 * version its origin's import found (corpus_origins; not known for a
 * store imported before that), so that a difference with a golden file
 * of the QEMU release under test (libvirt deviating from its own
 * expectation) is told from one with a golden file of another release
 * (where libvirt adapting to the QEMU is expected).
 *
 * Each domain's started cells are then the sources of a
 * rep_map_scenario, compared across versions as the runs of the mapping
 * report are (rep_map_compare): a change between two QEMU versions with
 * one libvirt is that QEMU's, between two libvirt versions with one QEMU
 * that libvirt's.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "import.h"
#include "banned.h"

static const char *const golden_names[] = { "none",	"no-golden", "golden-error",
					     "unreadable", "equal",	"differs" };

const char *rep_lvc_golden_name(enum rep_lvc_golden g)
{
	return (size_t)g < ARRAY_SIZE(golden_names) ? golden_names[g] : NULL;
}

void rep_lvc_pair_label(struct strbuf *sb, const struct rep_lvc_pair *p)
{
	sb_printf(sb, "libvirt %s / QEMU %s", p->libvirt, p->qemu);
}

void rep_lvc_golden_label(struct strbuf *sb, const struct rep_lvc_cell *c)
{
	sb_puts(sb, c->golden_qemu ? c->golden_qemu : "");
	if (c->golden_qemu && c->golden_qemu_version &&
	    strcmp(c->golden_qemu, c->golden_qemu_version))
		sb_printf(sb, " (%s)", c->golden_qemu_version);
}

void rep_lvc_differs_words(struct strbuf *sb, const struct rep_lvc_counts *n)
{
	size_t unknown = n->differs - n->differs_same - n->differs_other;

	sb_printf(sb, "%zu differ: %zu against a golden file of the QEMU release under "
		      "test (libvirt's own expectation for that QEMU), %zu against one of "
		      "another release (where libvirt adapting to the QEMU is expected)",
		  n->differs, n->differs_same, n->differs_other);
	if (unknown)
		sb_printf(sb, ", %zu against one of a release not known", unknown);
}

/* ---- reading the store ---- */

/* A golden file of a domain, its argv made and normalised once. */
struct golden {
	char *qemu, *kind, *file, *text;
	int state;	     /* 0: not read yet; 1: read; -1: not libvirt's form */
	struct rep_argv argv; /* state 1, kind args */
	struct strvec ldirs; /* its -L directories */
};

/* A row of corpus_origins. */
struct origin {
	char *origin, *latest_qemu;
};

/* A row of corpus_domains. */
struct domrow {
	long long id;
	char *origin, *name, *file, *sha, *xml_name;
	const char *latest_qemu; /* its origin's (borrowed); NULL: not known */
	size_t gfirst, ngolden; /* its golden files in the golden array */
	long index;		/* in c->domains, -1: no cell */
};

struct run {
	long long id, domain, sweep_pos;
	char *libvirt, *qemu, *outcome, *reason, *argv, *adaptations, *started_at, *sweep;
	double seconds;
	size_t dom;  /* index into doms */
	size_t pair; /* index into c->pairs */
};

struct lvc_ctx {
	struct store *st;
	struct rep_lvcorpus *c;
	struct origin *origins;
	size_t norigins, aorigins;
	struct domrow *doms;
	size_t ndoms;
	struct golden *golden;
	size_t ngolden;
	struct run *runs;
	size_t nruns;
	size_t adoms, agolden, aruns; /* allocated */
	const struct rep_sweeps *sw;  /* the sweeps, for load_runs */
	const struct run *gd_run; /* golden_domain's last question, */
	const struct domrow *gd;  /* and its answer */
};

/* The text of the first <name> element of a domain's XML, malloc'd, or NULL. */
static char *xml_domain_name(const char *xml)
{
	const char *p = xml ? strstr(xml, "<name>") : NULL, *e;

	if (!p)
		return NULL;
	p += 6;
	e = strstr(p, "</name>");
	return e ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/* Runs sql and hands each row to fn; -1 after reporting what could not be read. */
static int each_row(struct lvc_ctx *x, const char *sql, const char *what,
		    void (*fn)(struct lvc_ctx *x, sqlite3_stmt *q))
{
	auto_stmt *q = NULL;
	int rc;

	if (store_prepare(x->st, &q, sql))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(x, q);
	if (rc != SQLITE_DONE)
		return store_error(x->st, what);
	return 0;
}

/* A row of SELECT origin, latest_qemu FROM corpus_origins. */
static void origin_row(struct lvc_ctx *x, sqlite3_stmt *q)
{
	struct origin *o;

	ALLOC_GROW(x->origins, x->norigins + 1, x->aorigins);
	o = &x->origins[x->norigins++];
	o->origin = store_column_strdup(q, 0);
	o->latest_qemu = store_column_strdup(q, 1);
}

/* The QEMU version "latest" is for origin (borrowed), NULL: not known. */
static const char *origin_latest(const struct lvc_ctx *x, const char *origin)
{
	for (size_t i = 0; origin && i < x->norigins; i++)
		if (x->origins[i].origin && !strcmp(x->origins[i].origin, origin))
			return x->origins[i].latest_qemu;
	return NULL;
}

/* A row of SELECT id, origin, name, file, sha256, xml FROM corpus_domains. */
static void domain_row(struct lvc_ctx *x, sqlite3_stmt *q)
{
	struct domrow *d;

	ALLOC_GROW(x->doms, x->ndoms + 1, x->adoms);
	d = &x->doms[x->ndoms++];
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(q, 0);
	d->origin = store_column_strdup(q, 1);
	d->name = store_column_strdup(q, 2);
	d->file = store_column_strdup(q, 3);
	d->sha = store_column_strdup(q, 4);
	d->xml_name = xml_domain_name((const char *)sqlite3_column_text(q, 5));
	d->latest_qemu = origin_latest(x, d->origin);
	d->index = -1;
}

static int cmp_dom_id(const void *key, const void *elem)
{
	long long id = *(const long long *)key, e = ((const struct domrow *)elem)->id;

	return id < e ? -1 : id > e;
}

static long dom_find(const struct lvc_ctx *x, long long id)
{
	const struct domrow *d = x->ndoms ? bsearch(&id, x->doms, x->ndoms, sizeof(*x->doms),
						    cmp_dom_id)
					  : NULL;

	return d ? (long)(d - x->doms) : -1;
}

/* A row of SELECT domain, qemu, kind, file, text FROM corpus_golden (by domain). */
static void golden_row(struct lvc_ctx *x, sqlite3_stmt *q)
{
	long d = dom_find(x, sqlite3_column_int64(q, 0));
	struct golden *g;

	if (d < 0)
		return;
	ALLOC_GROW(x->golden, x->ngolden + 1, x->agolden);
	g = &x->golden[x->ngolden];
	memset(g, 0, sizeof(*g));
	g->qemu = store_column_strdup(q, 1);
	g->kind = store_column_strdup(q, 2);
	g->file = store_column_strdup(q, 3);
	g->text = store_column_strdup(q, 4);
	if (!x->doms[d].ngolden)
		x->doms[d].gfirst = x->ngolden;
	x->doms[d].ngolden++;
	x->ngolden++;
}

/*
 * The sweeps with corpus runs, in order of start; the report's, c->sweep,
 * is uuid's when it has some, else the newest.
 */
static int choose_sweep(struct store *st, const char *uuid, struct rep_lvcorpus *c,
			struct rep_sweeps *sw)
{
	if (rep_sweeps_load(st, REP_SWEEPS_CORPUS, sw))
		return -1;
	if (!sw->nr)
		return 0;
	sw->cur = uuid ? rep_sweeps_find(sw, uuid) : sw->nr;
	if (sw->cur == sw->nr)
		sw->cur = sw->nr - 1;
	c->have_sweep = 1;
	rep_sweep_ref_copy(&c->sweep, &sw->v[sw->cur]);
	return 0;
}

static size_t sweep_pos(const struct rep_sweeps *sw, long long id)
{
	for (size_t i = 0; i < sw->nr; i++)
		if (sw->v[i].id == id)
			return i;
	return sw->nr;
}

static void run_release(struct run *r)
{
	free(r->libvirt);
	free(r->qemu);
	free(r->outcome);
	free(r->reason);
	free(r->argv);
	free(r->adaptations);
	free(r->started_at);
	free(r->sweep);
}

/*
 * A row of the corpus runs (by domain, libvirt, QEMU, id): the newest of
 * each (domain, libvirt, QEMU) of the sweeps up to x->sw->cur is kept.
 */
static void run_row(struct lvc_ctx *x, sqlite3_stmt *q)
{
	size_t pos = sweep_pos(x->sw, sqlite3_column_int64(q, 11));
	long long domain = sqlite3_column_int64(q, 1);
	const char *lv = (const char *)sqlite3_column_text(q, 2);
	const char *qm = (const char *)sqlite3_column_text(q, 3);
	struct run *r = x->nruns ? &x->runs[x->nruns - 1] : NULL;
	long d;

	if (pos > x->sw->cur || (d = dom_find(x, domain)) < 0)
		return;
	if (r && r->domain == domain && !strcmp(r->libvirt, lv) && !strcmp(r->qemu, qm)) {
		/* The same cell: the row of the newer sweep, else the newer row. */
		if ((long long)pos < r->sweep_pos)
			return;
		run_release(r);
	} else {
		ALLOC_GROW(x->runs, x->nruns + 1, x->aruns);
		r = &x->runs[x->nruns++];
	}
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(q, 0);
	r->domain = domain;
	r->dom = (size_t)d;
	r->sweep_pos = (long long)pos;
	r->libvirt = xstrdup(lv);
	r->qemu = xstrdup(qm);
	r->outcome = store_column_strdup(q, 4);
	r->reason = store_column_strdup(q, 5);
	r->argv = store_column_strdup(q, 6);
	r->adaptations = store_column_strdup(q, 7);
	r->seconds = sqlite3_column_double(q, 8);
	r->started_at = store_column_strdup(q, 9);
	r->sweep = store_column_strdup(q, 10);
}

static int load(struct lvc_ctx *x)
{
	return each_row(x, "SELECT origin, latest_qemu FROM corpus_origins"
			   " WHERE corpus = 'libvirt'",
			"cannot read the corpus origins", origin_row) ||
	       each_row(x, "SELECT id, origin, name, file, sha256, xml"
			   " FROM corpus_domains ORDER BY id",
			"cannot read the corpus domains", domain_row) ||
	       each_row(x, "SELECT domain, qemu, kind, file, text"
			   " FROM corpus_golden ORDER BY domain, qemu, kind",
			"cannot read the corpus's golden files", golden_row) ||
	       each_row(x, "SELECT r.id, r.domain, r.libvirt, r.qemu, r.outcome, r.reason,"
			   " r.argv, r.adaptations, r.seconds, r.started_at, s.uuid, s.id"
			   " FROM corpus_runs r JOIN sweeps s ON s.id = r.sweep"
			   " ORDER BY r.domain, r.libvirt, r.qemu, r.id",
			"cannot read the corpus runs", run_row) ? -1 : 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct rep_lvc_pair *x = a, *y = b;
	int c = version_strcmp(x->libvirt, y->libvirt);

	return c ? c : version_strcmp(x->qemu, y->qemu);
}

static long pair_find(const struct rep_lvcorpus *c, const char *lv, const char *qm)
{
	struct rep_lvc_pair key = { .libvirt = (char *)lv, .qemu = (char *)qm };
	const struct rep_lvc_pair *p = c->npairs ? bsearch(&key, c->pairs, c->npairs,
							   sizeof(*c->pairs), cmp_pair)
						 : NULL;

	return p ? (long)(p - c->pairs) : -1;
}

static void make_pairs(struct lvc_ctx *x)
{
	struct rep_lvcorpus *c = x->c;
	size_t alloc = 0;

	for (size_t i = 0; i < x->nruns; i++) {
		const struct run *r = &x->runs[i];

		if (pair_find(c, r->libvirt, r->qemu) >= 0)
			continue;
		ALLOC_GROW(c->pairs, c->npairs + 1, alloc);
		memset(&c->pairs[c->npairs], 0, sizeof(*c->pairs));
		c->pairs[c->npairs].libvirt = xstrdup(r->libvirt);
		c->pairs[c->npairs].qemu = xstrdup(r->qemu);
		c->npairs++;
		sort_array(c->pairs, c->npairs, sizeof(*c->pairs), cmp_pair);
	}
	for (size_t i = 0; i < x->nruns; i++)
		x->runs[i].pair = (size_t)pair_find(c, x->runs[i].libvirt, x->runs[i].qemu);
}

/* Domains by name, then origin (version order); then their cells by pair. */
static int cmp_dom(const struct domrow *a, const struct domrow *b)
{
	int k = strcmp(a->name, b->name);

	return k ? k : version_strcmp(a->origin, b->origin);
}

static int cmp_run(const void *a, const void *b, void *arg)
{
	const struct lvc_ctx *c = arg;
	const struct run *x = a, *y = b;
	int k =
	    x->dom == y->dom ? 0 : cmp_dom(&c->doms[x->dom], &c->doms[y->dom]);

	if (k)
		return k;
	return x->pair < y->pair ? -1 : x->pair > y->pair;
}

/* The same version: "9.0.0-system" is "9.0.0" (labels aside). */
static int same_version(const char *a, const char *b)
{
	struct version x, y;

	if (version_parse(a, &x) || version_parse(b, &y))
		return 0;
	x.label[0] = y.label[0] = '\0';
	return !version_cmp(&x, &y);
}

/* Whether QEMU versions a and b are of one release (major.minor): 1, 0; -1 not known. */
static int same_qemu_release(const char *a, const char *b)
{
	struct version x, y;
	long xminor, yminor;

	if (!a || !b || version_parse(a, &x) || version_parse(b, &y))
		return -1;
	xminor = x.nparts > 1 ? x.part[1] : 0;
	yminor = y.nparts > 1 ? y.part[1] : 0;
	return x.part[0] == y.part[0] && xminor == yminor;
}

/*
 * The domain whose golden files r is held against: the one of the
 * libvirt source of r's libvirt, with the same XML; NULL when that
 * libvirt's own tests do not have the domain as r ran it (another
 * libvirt's expectation is not this one's: not compared).
 */
static const struct domrow *golden_domain(struct lvc_ctx *x, const struct run *r)
{
	const struct domrow *d = &x->doms[r->dom];

	/* Cells come by domain, then pair: the last answer is often this one. */
	if (x->gd_run && x->gd_run->dom == r->dom && !strcmp(x->gd_run->libvirt, r->libvirt))
		return x->gd;
	x->gd_run = r;
	x->gd = d;
	if (same_version(d->origin, r->libvirt))
		return d;
	for (size_t i = 0; i < x->ndoms; i++) {
		const struct domrow *o = &x->doms[i];

		if (o != d && !strcmp(o->name, d->name) && !strcmp(o->sha, d->sha) &&
		    same_version(o->origin, r->libvirt))
			return x->gd = o;
	}
	return x->gd = NULL;
}

/* The golden file of d nearest QEMU qemu: its .args, else its .err; NULL: none. */
static struct golden *golden_nearest(struct lvc_ctx *x, const struct domrow *d,
				     const char *qemu)
{
	const char **vs;
	const char *want;
	struct golden *best = NULL;

	if (!d->ngolden)
		return NULL;
	vs = xcalloc(d->ngolden, sizeof(*vs));
	for (size_t i = 0; i < d->ngolden; i++)
		vs[i] = x->golden[d->gfirst + i].qemu;
	want = corp_golden_nearest(vs, d->ngolden, qemu, d->latest_qemu);
	for (size_t i = 0; want && i < d->ngolden; i++) {
		struct golden *g = &x->golden[d->gfirst + i];

		if (!strcmp(g->qemu, want) && (!best || !strcmp(g->kind, "args")))
			best = g;
	}
	free(vs);
	return best;
}

/* g's argv, made and normalised on first use; -1: not libvirt's form. */
static int golden_argv(struct golden *g, const struct domrow *d)
{
	struct strbuf why = STRBUF_INIT;
	const char *name = d->xml_name;
	char *json;

	if (g->state)
		return g->state;
	json = corp_golden_argv_json(g->text, strlen(g->text), &why);
	g->state = -1;
	if (json) {
		rep_lvc_l_dirs(json, &g->ldirs);
		if (!rep_lvc_normalise(json, &name, 1, 0, NULL, &g->argv)) {
			rep_lvc_golden_adopt(&g->argv);
			g->state = 1;
		}
	}
	free(json);
	strbuf_release(&why);
	return g->state;
}

/* Whether one of the run's adaptations has what. */
static int adapted_with(const struct strvec *ad, const char *what)
{
	for (size_t i = 0; i < ad->nr; i++)
		if (strstr(ad->v[i], what))
			return 1;
	return 0;
}

static void parse_adaptations(const char *json, struct strvec *out)
{
	json_object *a = json ? json_tokener_parse(json) : NULL;

	if (a && json_object_is_type(a, json_type_array))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *e = json_object_array_get_idx(a, i);

			if (json_object_is_type(e, json_type_string))
				strvec_push(out, json_object_get_string(e));
		}
	json_object_put(a);
}

/*
 * A started cell against its golden file; its normalised argv into src
 * (zeroed when it does not normalise: then not a source).
 */
static void compare_cell(struct lvc_ctx *x, const struct run *r, struct rep_lvc_cell *cell,
			 struct rep_map_source *src)
{
	const struct domrow *gd = golden_domain(x, r);
	struct golden *g = gd ? golden_nearest(x, gd, r->qemu) : NULL;
	const char *name = x->doms[r->dom].xml_name;
	int adapted = adapted_with(&cell->adaptations, "<qemu:commandline> -L");

	memset(src, 0, sizeof(*src));
	if (g) {
		const char *v = strcmp(g->qemu, "latest") ? g->qemu : gd->latest_qemu;

		cell->golden_file = xstrdup(g->file);
		cell->golden_qemu = xstrdup(g->qemu);
		cell->golden_qemu_version = v ? xstrdup(v) : NULL;
		cell->same_qemu = same_qemu_release(v, r->qemu);
		cell->golden_origin = xstrdup(gd->origin);
	}
	if (rep_lvc_normalise(r->argv, &name, 1, adapted,
			  g && golden_argv(g, gd) == 1 ? &g->ldirs : NULL, &src->argv)) {
		warning("corpus run %lld: its recorded argv is not a JSON array of strings; "
			"left out of the mapping report", r->id);
		memset(&src->argv, 0, sizeof(src->argv));
		cell->golden = REP_LVC_UNREAD;
		return;
	}
	src->qemu = -1;
	src->qemu_name = xstrdup(r->qemu);
	src->libvirt = xstrdup(r->libvirt);
	src->run = r->id;
	src->status = xstrdup("started");
	if (!g)
		cell->golden = REP_LVC_NO_GOLDEN;
	else if (strcmp(g->kind, "args"))
		cell->golden = REP_LVC_ERR;
	else if (golden_argv(g, gd) != 1)
		cell->golden = REP_LVC_UNREAD;
	else {
		rep_lvc_diff_argvs(&g->argv, &src->argv, adapted_with(&cell->adaptations, "stand-in"),
			   &cell->diffs, &cell->ndiffs);
		cell->golden = cell->ndiffs ? REP_LVC_DIFFERS : REP_LVC_EQUAL;
	}
}

static void count_cell(struct rep_lvc_counts *n, const struct rep_lvc_cell *cell)
{
	n->n[cell->outcome]++;
	n->compared += cell->golden == REP_LVC_EQUAL || cell->golden == REP_LVC_DIFFERS;
	n->differs += cell->golden == REP_LVC_DIFFERS;
	n->differs_same += cell->golden == REP_LVC_DIFFERS && cell->same_qemu == 1;
	n->differs_other += cell->golden == REP_LVC_DIFFERS && cell->same_qemu == 0;
}

/* Fills c's domains and cells from the runs (sorted). */
static int make_cells(struct lvc_ctx *x)
{
	struct rep_lvcorpus *c = x->c;
	size_t dalloc = 0;

	c->cells = xcalloc(x->nruns + 1, sizeof(*c->cells));
	c->alloc = x->nruns + 1;
	for (size_t i = 0; i < x->nruns; i++) {
		const struct run *r = &x->runs[i];
		struct domrow *dr = &x->doms[r->dom];
		struct rep_lvc_cell *cell = &c->cells[c->ncells];
		struct rep_lvc_domain *d;
		int oc = corp_outcome_from_string(r->outcome);

		if (oc < 0)
			return error("corpus run %lld: unknown outcome '%s'", r->id,
				     r->outcome ? r->outcome : "(null)");
		if (dr->index < 0) {
			ALLOC_GROW(c->domains, c->ndomains + 1, dalloc);
			d = &c->domains[c->ndomains];
			memset(d, 0, sizeof(*d));
			d->name = xstrdup(dr->name);
			d->origin = xstrdup(dr->origin);
			d->file = xstrdup(dr->file);
			d->first = c->ncells;
			d->across.name = xstrdup(dr->name);
			d->across.sources = xcalloc(c->npairs + 1, sizeof(*d->across.sources));
			dr->index = (long)c->ndomains++;
		}
		d = &c->domains[dr->index];
		cell->domain = (size_t)dr->index;
		cell->pair = r->pair;
		cell->run = r->id;
		cell->outcome = oc;
		cell->reason = r->reason ? xstrdup(r->reason) : NULL;
		cell->started_at = xstrdup(r->started_at);
		cell->sweep = r->sweep ? xstrdup(r->sweep) : NULL;
		cell->current = r->sweep_pos == -1;
		cell->seconds = r->seconds;
		cell->same_qemu = -1;
		parse_adaptations(r->adaptations, &cell->adaptations);
		if (oc == CORP_STARTED) {
			/* sources has room for one per pair */
			struct rep_map_source *src = &d->across.sources[d->across.nsources];

			compare_cell(x, r, cell, src);
			if (src->qemu_name)
				d->across.nsources++;
			d->differs += cell->golden == REP_LVC_DIFFERS;
		}
		count_cell(&c->pairs[r->pair].count, cell);
		count_cell(&c->all, cell);
		d->refused += oc == CORP_REFUSED;
		d->ncells++;
		c->ncells++;
	}
	for (size_t i = 0; i < c->ndomains; i++) {
		rep_map_compare(&c->domains[i].across);
		c->changes += c->domains[i].across.nchanges;
	}
	return 0;
}

/* ---- the golden differences counted over every cell ---- */

struct diffref {
	const struct rep_lvc_diff *d;
	size_t cell;
};

static int cmp_diffref(const void *a, const void *b)
{
	const struct diffref *x = a, *y = b;
	int k = strcmp(x->d->key, y->d->key);

	if (!k)
		k = strcmp(x->d->detail, y->d->detail);
	return k ? k : (x->cell < y->cell ? -1 : x->cell > y->cell);
}

static int cmp_common(const void *a, const void *b)
{
	const struct rep_lvc_common *x = a, *y = b;

	if (x->cells != y->cells)
		return x->cells > y->cells ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void make_common(struct rep_lvcorpus *c)
{
	struct diffref *v = NULL;
	size_t n = 0, alloc = 0, calloc_ = 0;
	struct strbuf lab = STRBUF_INIT;

	for (size_t i = 0; i < c->ncells; i++)
		for (size_t k = 0; k < c->cells[i].ndiffs; k++) {
			ALLOC_GROW(v, n + 1, alloc);
			v[n].d = &c->cells[i].diffs[k];
			v[n++].cell = i;
		}
	sort_array(v, n, sizeof(*v), cmp_diffref);
	for (size_t i = 0; i < n; i++) {
		const struct rep_lvc_cell *cell = &c->cells[v[i].cell];
		struct rep_lvc_common *g = c->ncommon ? &c->common[c->ncommon - 1] : NULL;
		const char *dom = c->domains[cell->domain].name;

		if (!g || strcmp(g->key, v[i].d->key) || strcmp(g->detail, v[i].d->detail)) {
			ALLOC_GROW(c->common, c->ncommon + 1, calloc_);
			g = &c->common[c->ncommon++];
			memset(g, 0, sizeof(*g));
			g->key = xstrdup(v[i].d->key);
			g->detail = xstrdup(v[i].d->detail);
		}
		g->cells++;
		strbuf_reset(&lab);
		rep_lvc_golden_label(&lab, cell);
		if (!strvec_has(&g->golden, lab.buf))
			strvec_push(&g->golden, lab.buf);
		if (!g->domains.nr || strcmp(g->domains.v[g->domains.nr - 1], dom))
			strvec_push(&g->domains, dom);
		strbuf_reset(&lab);
		rep_lvc_pair_label(&lab, &c->pairs[cell->pair]);
		if (!strvec_has(&g->pairs, lab.buf))
			strvec_push(&g->pairs, lab.buf);
	}
	sort_array(c->common, c->ncommon, sizeof(*c->common), cmp_common);
	free(v);
	strbuf_release(&lab);
}

/* ---- what each domain shows alike on several pairs ---- */

static struct rep_lvc_group *group_new(struct rep_lvc_group **v, size_t *n, size_t *alloc,
				       size_t domain, size_t cell, size_t diff)
{
	struct rep_lvc_group *g;

	ALLOC_GROW(*v, *n + 1, *alloc);
	g = &(*v)[(*n)++];
	memset(g, 0, sizeof(*g));
	g->domain = domain;
	g->cell = cell;
	g->diff = diff;
	return g;
}

static void group_add_pair(const struct rep_lvcorpus *c, struct rep_lvc_group *g,
			   const struct rep_lvc_cell *cell, struct strbuf *lab)
{
	strbuf_reset(lab);
	rep_lvc_pair_label(lab, &c->pairs[cell->pair]);
	strvec_push(&g->pairs, lab->buf);
}

/* group_add_pair, and the cell's golden file and its QEMU when new to g. */
static void group_add_golden(const struct rep_lvcorpus *c, struct rep_lvc_group *g,
			     const struct rep_lvc_cell *cell, struct strbuf *lab)
{
	group_add_pair(c, g, cell, lab);
	if (cell->golden_file && !strvec_has(&g->golden_files, cell->golden_file))
		strvec_push(&g->golden_files, cell->golden_file);
	strbuf_reset(lab);
	rep_lvc_golden_label(lab, cell);
	if (!strvec_has(&g->golden, lab->buf))
		strvec_push(&g->golden, lab->buf);
}

static int same_reason(const struct rep_lvc_cell *x, const struct rep_lvc_cell *y)
{
	return !strcmp(x->reason ? x->reason : "", y->reason ? y->reason : "");
}

/* Each domain's refused cells, those with the same words as one. */
static void make_refusals(struct rep_lvcorpus *c, struct strbuf *lab)
{
	size_t alloc = 0;

	for (size_t d = 0; d < c->ndomains; d++) {
		const struct rep_lvc_domain *dom = &c->domains[d];
		char *done = xcalloc(dom->ncells + 1, 1);

		for (size_t i = 0; dom->refused && i < dom->ncells; i++) {
			const struct rep_lvc_cell *x = &c->cells[dom->first + i];
			struct rep_lvc_group *g;

			if (x->outcome != CORP_REFUSED || done[i])
				continue;
			g = group_new(&c->refusals, &c->nrefusals, &alloc, d, dom->first + i, 0);
			for (size_t k = i; k < dom->ncells; k++) {
				const struct rep_lvc_cell *y = &c->cells[dom->first + k];

				if (y->outcome != CORP_REFUSED || done[k] || !same_reason(x, y))
					continue;
				done[k] = 1;
				group_add_pair(c, g, y, lab);
			}
		}
		free(done);
	}
}

static int by_cells_desc(const void *a, const void *b)
{
	const struct rep_lvc_refusal *x = a, *y = b;

	if (x->cells != y->cells)
		return x->cells < y->cells ? 1 : -1;
	return strcmp(x->words, y->words);
}

/*
 * The refusals again, by QEMU's words alone: one line of QEMU (libvirt
 * 9.0.0's -no-acpi on QEMU 10.0.2) is often the whole story of many
 * domains.
 */
static void make_by_words(struct rep_lvcorpus *c)
{
	size_t alloc = 0;

	for (size_t i = 0; i < c->nrefusals; i++) {
		const struct rep_lvc_group *g = &c->refusals[i];
		const char *w = c->cells[g->cell].reason ? c->cells[g->cell].reason : "";
		struct rep_lvc_refusal *r = NULL;

		for (size_t k = 0; k < c->nby_words && !r; k++)
			if (!strcmp(c->by_words[k].words, w))
				r = &c->by_words[k];
		if (!r) {
			ALLOC_GROW(c->by_words, c->nby_words + 1, alloc);
			r = &c->by_words[c->nby_words++];
			memset(r, 0, sizeof(*r));
			r->words = w;
		}
		r->cells += g->pairs.nr;
		strvec_push(&r->domains, c->domains[g->domain].name);
		for (size_t p = 0; p < g->pairs.nr; p++)
			if (!strvec_has(&r->pairs, g->pairs.v[p]))
				strvec_push(&r->pairs, g->pairs.v[p]);
	}
	sort_array(c->by_words, c->nby_words, sizeof(*c->by_words), by_cells_desc);
}

static int same_diff(const struct rep_lvc_diff *a, const struct rep_lvc_diff *b)
{
	return !strcmp(a->key, b->key) && !strcmp(a->detail, b->detail);
}

/* Whether a cell of dom before cell i shows diff. */
static int diff_seen(const struct rep_lvcorpus *c, const struct rep_lvc_domain *dom,
		     size_t i, const struct rep_lvc_diff *diff)
{
	for (size_t j = 0; j < i; j++) {
		const struct rep_lvc_cell *y = &c->cells[dom->first + j];

		for (size_t m = 0; m < y->ndiffs; m++)
			if (same_diff(&y->diffs[m], diff))
				return 1;
	}
	return 0;
}

/* Each domain's golden differences, once per (option, detail), with their pairs. */
static void make_domain_diffs(struct rep_lvcorpus *c, struct strbuf *lab)
{
	size_t alloc = 0;

	for (size_t d = 0; d < c->ndomains; d++) {
		const struct rep_lvc_domain *dom = &c->domains[d];

		for (size_t i = 0; dom->differs && i < dom->ncells; i++) {
			const struct rep_lvc_cell *x = &c->cells[dom->first + i];

			for (size_t k = 0; k < x->ndiffs; k++) {
				struct rep_lvc_group *g;

				if (diff_seen(c, dom, i, &x->diffs[k]))
					continue;
				g = group_new(&c->domain_diffs, &c->ndomain_diffs, &alloc, d,
					      dom->first + i, k);
				for (size_t j = i; j < dom->ncells; j++) {
					const struct rep_lvc_cell *y = &c->cells[dom->first + j];

					for (size_t m = 0; m < y->ndiffs; m++)
						if (same_diff(&y->diffs[m], &x->diffs[k]))
							group_add_golden(c, g, y, lab);
				}
			}
		}
	}
}

static void make_groups(struct rep_lvcorpus *c)
{
	struct strbuf lab = STRBUF_INIT;

	make_refusals(c, &lab);
	make_by_words(c);
	make_domain_diffs(c, &lab);
	strbuf_release(&lab);
}

static void groups_free(struct rep_lvc_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strvec_clear(&g[i].pairs);
		strvec_clear(&g[i].golden_files);
		strvec_clear(&g[i].golden);
	}
	free(g);
}

void rep_lvc_summary_heads(struct strvec *heads)
{
	strvec_push(heads, "pair");
	for (int k = 0; k < CORP_OUTCOME_LAST; k++)
		strvec_push(heads, corp_outcome_to_string(k));
	strvec_push(heads, "compared with golden");
	strvec_push(heads, "differ from golden");
}

const struct rep_lvc_counts *rep_lvc_summary_row(const struct rep_lvcorpus *c, size_t i,
						 struct strbuf *label)
{
	if (i < c->npairs) {
		rep_lvc_pair_label(label, &c->pairs[i]);
		return &c->pairs[i].count;
	}
	sb_puts(label, "all pairs");
	return &c->all;
}

/* ---- the changes across versions, grouped over the domains ---- */

struct cref {
	const struct rep_lvc_domain *d;
	const struct rep_map_change *c;
};

static int cmp_cref(const void *a, const void *b)
{
	const struct rep_map_change *x = ((const struct cref *)a)->c;
	const struct rep_map_change *y = ((const struct cref *)b)->c;
	const char *kx = ((const struct cref *)a)->d->across.rows[x->row].key;
	const char *ky = ((const struct cref *)b)->d->across.rows[y->row].key;
	int k = strcmp(kx, ky);

	if (!k)
		k = strcmp(x->dimension, y->dimension);
	if (!k)
		k = version_strcmp(x->from, y->from);
	if (!k)
		k = version_strcmp(x->to, y->to);
	if (!k)
		k = strcmp(x->detail, y->detail);
	return k;
}

static int cmp_cgroup(const void *a, const void *b)
{
	const struct rep_lvc_cgroup *x = a, *y = b;

	if (x->domains.nr != y->domains.nr)
		return x->domains.nr > y->domains.nr ? -1 : 1;
	return cmp_cref(&(struct cref){ x->d, x->c }, &(struct cref){ y->d, y->c });
}

void rep_lvc_change_groups(const struct rep_lvcorpus *c, struct rep_lvc_cgroup **out,
			   size_t *n)
{
	struct cref *v = NULL;
	size_t nv = 0, alloc = 0, galloc = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < c->ndomains; i++)
		for (size_t k = 0; k < c->domains[i].across.nchanges; k++) {
			ALLOC_GROW(v, nv + 1, alloc);
			v[nv].d = &c->domains[i];
			v[nv++].c = &c->domains[i].across.changes[k];
		}
	sort_array(v, nv, sizeof(*v), cmp_cref);
	for (size_t i = 0; i < nv; i++) {
		struct rep_lvc_cgroup *g = *n ? &(*out)[*n - 1] : NULL;

		if (!g || cmp_cref(&(struct cref){ g->d, g->c }, &v[i])) {
			ALLOC_GROW(*out, *n + 1, galloc);
			g = &(*out)[(*n)++];
			memset(g, 0, sizeof(*g));
			g->d = v[i].d;
			g->c = v[i].c;
		}
		if (!g->domains.nr || strcmp(g->domains.v[g->domains.nr - 1], v[i].d->name))
			strvec_push(&g->domains, v[i].d->name);
	}
	sort_array(*out, *n, sizeof(**out), cmp_cgroup);
	free(v);
}

void rep_lvc_change_groups_free(struct rep_lvc_cgroup *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strvec_clear(&g[i].domains);
	free(g);
}

int rep_lvcorpus_build(struct store *st, const char *uuid, struct rep_lvcorpus *c)
{
	struct lvc_ctx x;
	struct rep_sweeps sw;
	int ret = -1;

	memset(&x, 0, sizeof(x));
	memset(&sw, 0, sizeof(sw));
	x.st = st;
	x.c = c;
	if (choose_sweep(st, uuid, c, &sw))
		goto out;
	if (!c->have_sweep) {
		ret = 0;
		goto out;
	}
	x.sw = &sw;
	if (load(&x))
		goto out;
	make_pairs(&x);
	if (x.nruns)
		qsort_r(x.runs, x.nruns, sizeof(*x.runs), cmp_run, &x);
	/* -1: of the report's sweep (a current cell) */
	for (size_t i = 0; i < x.nruns; i++)
		x.runs[i].sweep_pos = x.runs[i].sweep_pos == (long long)sw.cur ? -1 : 0;
	if (make_cells(&x))
		goto out;
	make_common(c);
	make_groups(c);
	ret = 0;
out:
	for (size_t i = 0; i < x.ndoms; i++) {
		free(x.doms[i].origin);
		free(x.doms[i].name);
		free(x.doms[i].file);
		free(x.doms[i].sha);
		free(x.doms[i].xml_name);
	}
	for (size_t i = 0; i < x.ngolden; i++) {
		free(x.golden[i].qemu);
		free(x.golden[i].kind);
		free(x.golden[i].file);
		free(x.golden[i].text);
		rep_argv_release(&x.golden[i].argv);
		strvec_clear(&x.golden[i].ldirs);
	}
	for (size_t i = 0; i < x.nruns; i++)
		run_release(&x.runs[i]);
	for (size_t i = 0; i < x.norigins; i++) {
		free(x.origins[i].origin);
		free(x.origins[i].latest_qemu);
	}
	free(x.origins);
	free(x.doms);
	free(x.golden);
	free(x.runs);
	rep_sweeps_release(&sw);
	return ret;
}

void rep_lvcorpus_release(struct rep_lvcorpus *c)
{
	for (size_t i = 0; i < c->npairs; i++) {
		free(c->pairs[i].libvirt);
		free(c->pairs[i].qemu);
	}
	for (size_t i = 0; i < c->ndomains; i++) {
		free(c->domains[i].name);
		free(c->domains[i].origin);
		free(c->domains[i].file);
		rep_map_scenario_release(&c->domains[i].across);
	}
	for (size_t i = 0; i < c->ncells; i++) {
		struct rep_lvc_cell *x = &c->cells[i];

		free(x->reason);
		free(x->started_at);
		free(x->sweep);
		strvec_clear(&x->adaptations);
		free(x->golden_file);
		free(x->golden_qemu);
		free(x->golden_qemu_version);
		free(x->golden_origin);
		rep_lvc_diffs_free(x->diffs, x->ndiffs);
	}
	for (size_t i = 0; i < c->ncommon; i++) {
		free(c->common[i].key);
		free(c->common[i].detail);
		strvec_clear(&c->common[i].golden);
		strvec_clear(&c->common[i].domains);
		strvec_clear(&c->common[i].pairs);
	}
	groups_free(c->refusals, c->nrefusals);
	for (size_t i = 0; i < c->nby_words; i++) {
		strvec_clear(&c->by_words[i].domains);
		strvec_clear(&c->by_words[i].pairs);
	}
	free(c->by_words);
	groups_free(c->domain_diffs, c->ndomain_diffs);
	free(c->pairs);
	free(c->domains);
	free(c->cells);
	free(c->common);
	rep_sweep_ref_release(&c->sweep);
	memset(c, 0, sizeof(*c));
}
