/*
 * The report's parts (reports/report_cmd.c writes them out): a part is
 * rows of a table (parts[]) that say how to build and release it, which
 * kinds of sweep --sweep may name for it, which logs it writes beside
 * the report and what of it fails the report. The rows with logs are
 * built first (rep_report_build_logged), so that report_cmd.c can write
 * their logs on another thread while the others are built
 * (rep_report_build_rest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "builders.h"
#include "fs.h"
#include "paths.h"
#include "banned.h"

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
 * The parts, in the order they are built (those with logs first:
 * build_rows); several rows may make up one part (the name a user
 * gives: the first row of that name is parsed).
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

/*
 * Builds the rows asked for whose having logs is logged (see report.h),
 * calling built(row, arg) after each (when not NULL).
 */
static int build_rows(struct store *st, const struct rep_options *o, struct rep_report *r,
		      int logged, void (*built)(size_t row, void *arg), void *arg)
{
	char *kind = NULL;
	int ret = -1;

	if (resolve_sweep(st, o, &kind))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		struct rep_options po = *o;

		if (!(o->parts & parts[i].bit) || !parts[i].write_logs != !logged)
			continue;
		/* --sweep is the part's whose kind of sweep it names. */
		if (!kind || !has_word(parts[i].sweep_kinds, kind))
			po.sweep = NULL;
		if (parts[i].build(st, &po, r))
			goto out;
		if (built)
			built(i, arg);
	}
	ret = 0;
out:
	free(kind);
	return ret;
}

int rep_report_build_logged(struct store *st, const struct rep_options *o,
			    struct rep_report *r, void (*built)(size_t row, void *arg),
			    void *arg)
{
	char now[32];

	memset(r, 0, sizeof(*r));
	now_iso8601(now, sizeof(now));
	r->generated_at = xstrdup(now);
	r->store_path = xstrdup(st->path);
	r->parts = o->parts;
	r->logs_failed_only = o->logs_failed_only;
	if (rep_versions_load(st, &r->versions))
		return -1;
	return build_rows(st, o, r, 1, built, arg);
}

int rep_report_build_rest(struct store *st, const struct rep_options *o,
			  struct rep_report *r)
{
	return build_rows(st, o, r, 0, NULL, NULL);
}

int rep_report_build(struct store *st, const struct rep_options *o,
		     struct rep_report *r)
{
	if (rep_report_build_logged(st, o, r, NULL, NULL))
		return -1;
	return rep_report_build_rest(st, o, r);
}

size_t rep_report_rows(void)
{
	return ARRAY_SIZE(parts);
}

int rep_report_parts_have_logs(unsigned bits)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((bits & parts[i].bit) && parts[i].write_logs)
			return 1;
	return 0;
}

void rep_report_plan_row_logs(struct rep_report *r, size_t row)
{
	if (row < ARRAY_SIZE(parts) && (r->parts & parts[row].bit) && parts[row].plan_logs)
		parts[row].plan_logs(r);
}

int rep_report_write_row_logs(struct store *st, const struct rep_report *r, size_t row,
			      const char *dir)
{
	if (row >= ARRAY_SIZE(parts) || !(r->parts & parts[row].bit) || !parts[row].write_logs)
		return 0;
	return parts[row].write_logs(st, r, dir);
}

int rep_report_gate(const struct rep_report *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((r->parts & parts[i].bit) && parts[i].gate && parts[i].gate(r))
			return 1;
	return 0;
}

int rep_report_parse_part(const char *s, unsigned *bits)
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
