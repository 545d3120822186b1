/*
 * What a sweep (sweep.c) does, decided from its options and version
 * lists without a store or a child: which stages run, the version set of
 * an app, the command lines of the build, probe and run stages, where
 * the reports go and the exit status. tests/unit/test_sweep_steps.c
 * checks each against a table of cases.
 */
#include <stdlib.h>
#include <string.h>

#include "sweep_internal.h"
#include "fs.h"
#include "version.h"
#include "banned.h"

static int by_version(const void *a, const void *b)
{
	return version_strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sweep_stages_of(const struct sweep_opts *o, struct sweep_stages *s)
{
	/* 'all' among the versions named takes the distribution's in too. */
	s->import_qemu = !o->no_import && (!o->qemus.nr || strvec_has(&o->qemus, "all"));
	s->import_libvirt = !o->no_import &&
			    (!o->libvirts.nr || strvec_has(&o->libvirts, "all"));
	s->direct = !o->libvirts.nr || strvec_has(&o->libvirts, "none") ||
		    strvec_has(&o->libvirts, "all");
	s->migrate = !o->no_migrate;
	s->corpus = o->corpus;
	s->report = !o->no_report;
}

int sweep_versions_named(const struct strvec *named)
{
	for (size_t i = 0; i < named->nr; i++)
		if (strcmp(named->v[i], "all"))
			return 1;
	return 0;
}

/* The words of from that out lacks, appended to out. */
static void push_new(struct strvec *out, const struct strvec *from)
{
	for (size_t i = 0; i < from->nr; i++)
		if (!strvec_has(out, from->v[i]))
			strvec_push(out, from->v[i]);
}

void sweep_version_set(const struct strvec *named, const struct strvec *catalog,
		       const struct strvec *installs, struct strvec *out)
{
	for (size_t i = 0; i < named->nr; i++)
		if (strcmp(named->v[i], "all") && strcmp(named->v[i], "none") &&
		    !strvec_has(out, named->v[i]))
			strvec_push(out, named->v[i]);
	if (!sweep_versions_named(named)) {
		if (catalog)
			push_new(out, catalog);
		push_new(out, installs);
	}
	sort_array(out->v, out->nr, sizeof(*out->v), by_version);
}

void sweep_drop(struct strvec *set, const struct strvec *gone)
{
	for (size_t i = set->nr; i-- > 0;)
		if (strvec_has(gone, set->v[i]))
			strvec_remove(set, i);
}

void sweep_build_args(const char *from, const char *db, const struct strvec *missing,
		      size_t nqemu, struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "ark", "build", NULL });
	if (from)
		strvec_pushv(a, (const char *const[]){ "--from", from, NULL });
	strvec_pushv(a, (const char *const[]){ "--db", db, NULL });
	for (size_t i = 0; i < missing->nr; i++) {
		if (i == 0 && nqemu)
			strvec_push(a, "qemu");
		if (i == nqemu)
			strvec_push(a, "libvirt");
		strvec_push(a, missing->v[i]);
	}
}

void sweep_probe_args(const char *db, const struct strvec *qemus, int no_libvirt,
		      struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "probe", "--db", db, NULL });
	if (no_libvirt)
		strvec_push(a, "--no-libvirt");
	for (size_t i = 0; i < qemus->nr; i++)
		strvec_push(a, qemus->v[i]);
}

void sweep_run_args(const struct sweep_opts *o, const char *uuid, const char *shard,
		    const struct strvec *qemus, const struct strvec *libvirts, int direct,
		    struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "run", "--sweep", uuid, "--shard", shard,
		"--db", o->db, NULL });
	for (size_t i = 0; i < qemus->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--qemu", qemus->v[i], NULL });
	if (direct)
		strvec_pushv(a, (const char *const[]){ "--libvirt", "none", NULL });
	for (size_t i = 0; i < libvirts->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--libvirt", libvirts->v[i], NULL });
	for (size_t i = 0; i < o->scenarios.nr; i++)
		strvec_pushv(a, (const char *const[]){ "--scenario", o->scenarios.v[i], NULL });
	if (o->jobs)
		strvec_pushv(a, (const char *const[]){ "--jobs", o->jobs, NULL });
	if (o->timeout)
		strvec_pushv(a, (const char *const[]){ "--timeout", o->timeout, NULL });
}

void sweep_migrate_args(const struct sweep_opts *o, const char *uuid, const char *shard,
			const struct strvec *qemus, const struct strvec *libvirts,
			struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "migrate", "--sweep", uuid, "--shard", shard,
		"--db", o->db, NULL });
	for (size_t i = 0; i < qemus->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--qemu", qemus->v[i], NULL });
	if (o->timeout)
		strvec_pushv(a, (const char *const[]){ "--timeout", o->timeout, NULL });
	for (size_t i = 0; libvirts && i < libvirts->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--libvirt", libvirts->v[i], NULL });
}

void sweep_corpus_args(const struct sweep_opts *o, const char *uuid, const char *shard,
		       const struct strvec *qemus, const struct strvec *libvirts,
		       struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "corpus", "run", "--sweep", uuid, "--shard",
		shard, "--db", o->db, NULL });
	for (size_t i = 0; i < qemus->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--qemu", qemus->v[i], NULL });
	for (size_t i = 0; i < libvirts->nr; i++)
		strvec_pushv(a, (const char *const[]){ "--libvirt", libvirts->v[i], NULL });
}

char *sweep_report_dir(const char *given, const char *db, const char *uuid)
{
	struct strbuf p = STRBUF_INIT;
	char *d;

	if (given)
		return xstrdup(given);
	d = path_dirname(db);
	sb_printf(&p, "%s/reports/%s", d, uuid);
	free(d);
	return strbuf_detach(&p);
}

int sweep_exit_status(int interrupted, int failed, int regressions)
{
	if (interrupted)
		return 130;
	return failed || regressions ? 1 : 0;
}
