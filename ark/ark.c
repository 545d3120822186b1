/*
 * cmd_ark: the "virt-matrix ark" command line. Parses options, turns
 * "APP VERSION... [APP VERSION...]" into targets, and runs builds one
 * by one or in a bounded number of worker processes.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ark.h"
#include "workers.h"
#include "ark_internal.h"
#include "command.h"
#include "fs.h"
#include "paths.h"
#include "version.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix ark <command> [options]\n"
	"\n"
	"Fetch, build and install QEMU and libvirt versions side by side under\n"
	"<root>/<app>/<version> (default root: /opt), recorded in the store.\n"
	"\n"
	"commands:\n"
	"  build APP VERSION... [APP VERSION...]   fetch, patch, build, install\n"
	"  build --all [APP...]                    every catalog version\n"
	"  fetch APP VERSION...      download the sources into the cache only\n"
	"  list [APP] [--json]       installs, and builds that failed or run\n"
	"  remove APP VERSION        delete an install (imported: unregister)\n"
	"  import APP [BINARY] [--name NAME] [--if-present]\n"
	"                            register an existing build, e.g. Debian's\n"
	"                            /usr/bin/qemu-system-x86_64 as 7.2.22-system;\n"
	"                            --if-present: nothing to do (exit 0) when\n"
	"                            there is no such binary\n"
	"  catalog [APP]             the versions specs/ knows, and their state\n"
	"\n"
	"options:\n"
	"  --from auto|upstream|debian\n"
	"                      where sources come from: the catalog's upstream\n"
	"                      url, Debian's orig tarball of the release (via\n"
	"                      apt deb-src, fetched with libcurl), or upstream\n"
	"                      then Debian (auto, the default)\n"
	"  --source FILE       build from this local tarball instead\n"
	"  --flavour upstream|debian\n"
	"                      flavour of --source (default: from its name)\n"
	"  --parallel N        versions built at once (default 1)\n"
	"  --make-jobs N       jobs per build (default: cores / parallel)\n"
	"  --force             rebuild even when up to date\n"
	"  --keep-work         keep the work tree of a failed build\n"
	"  --step-timeout S    kill a build step after S seconds (default 14400)\n"
	"  --retries N         download retries (default 3)\n"
	"  --db PATH           store (env VIRT_MATRIX_DB)\n"
	"  --root DIR          install base (env VIRT_MATRIX_ROOT; default /opt)\n"
	"  --specs DIR         catalogs and recipes (env VIRT_MATRIX_SPECS)\n"
	"  --patches DIR       patch series (env VIRT_MATRIX_PATCHES)\n"
	"  --cache-dir DIR     downloads, work trees, ccache (env VIRT_MATRIX_CACHE)\n"
	"  --log-dir DIR       build logs (env VIRT_MATRIX_LOG_DIR)\n"
	"  -q, --quiet         only errors\n"
	"\n"
	"A version already built from the same source, recipe and patches is not\n"
	"rebuilt. A failed or interrupted build installs nothing.\n";

enum {
	OPT_FROM = 256,
	OPT_SOURCE,
	OPT_FLAVOUR,
	OPT_PARALLEL,
	OPT_MAKE_JOBS,
	OPT_FORCE,
	OPT_KEEP,
	OPT_STEP_TIMEOUT,
	OPT_RETRIES,
	OPT_DB,
	OPT_ROOT,
	OPT_SPECS,
	OPT_PATCHES,
	OPT_CACHE,
	OPT_LOGS,
	OPT_NAME,
	OPT_IF_PRESENT,
	OPT_JSON,
	OPT_ALL,
};

static const struct option options[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "flavour", required_argument, NULL, OPT_FLAVOUR },
	{ "flavor", required_argument, NULL, OPT_FLAVOUR },
	{ "parallel", required_argument, NULL, OPT_PARALLEL },
	{ "make-jobs", required_argument, NULL, OPT_MAKE_JOBS },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "keep-work", no_argument, NULL, OPT_KEEP },
	{ "step-timeout", required_argument, NULL, OPT_STEP_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "db", required_argument, NULL, OPT_DB },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "specs", required_argument, NULL, OPT_SPECS },
	{ "patches", required_argument, NULL, OPT_PATCHES },
	{ "cache-dir", required_argument, NULL, OPT_CACHE },
	{ "log-dir", required_argument, NULL, OPT_LOGS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "if-present", no_argument, NULL, OPT_IF_PRESENT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void opts_release(struct ark_opts *o)
{
	free(o->db_path);
	free(o->root);
	free(o->specs_dir);
	free(o->patches_dir);
	free(o->cache_dir);
	free(o->log_dir);
}

static void set_path(char **slot, const char *v)
{
	free(*slot);
	*slot = path_absolute(v);
}

static int is_app(const struct ark_opts *o, const char *word)
{
	struct strbuf p = STRBUF_INIT;
	int yes;

	if (!*word || strchr(word, '/') || word[0] == '.')
		return 0;
	sb_printf(&p, "%s/%s.catalog", o->specs_dir, word);
	yes = path_exists(p.buf);
	strbuf_release(&p);
	return yes;
}

/* The apps that have a catalog in specs/, malloc'd, sorted. */
static int list_apps(const struct ark_opts *o, struct strvec *apps)
{
	struct dirent **ents = NULL;
	int n = scandir(o->specs_dir, &ents, NULL, alphasort);

	if (n < 0)
		return error_errno("cannot read '%s'", o->specs_dir);
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;

		if (ends_with(d, ".catalog") && d[0] != '.') {
			char *app = xstrndup(d, strlen(d) - 8);

			strvec_push(apps, app);
			free(app);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* The apps named in argv, or when there are none every app of specs/. */
static int named_or_all_apps(const struct ark_opts *o, int argc, char **argv,
			     struct strvec *apps)
{
	if (!argc)
		return list_apps(o, apps);
	for (int i = 0; i < argc; i++)
		strvec_push(apps, argv[i]);
	return 0;
}

static void targets_add(struct ark_targets *t, const char *app,
			const char *version)
{
	ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	t->v[t->nr].app = xstrdup(app);
	t->v[t->nr++].version = xstrdup(version);
}

/* --all [APP...]: every version of the catalogs of the apps. */
static int targets_from_catalogs(const struct ark_opts *o, int argc,
				 char **argv, struct ark_targets *t)
{
	struct strvec apps = STRVEC_INIT;
	int ret = -1;

	if (named_or_all_apps(o, argc, argv, &apps))
		return -1;
	for (size_t i = 0; i < apps.nr; i++) {
		struct catalog c;

		if (catalog_load(&c, o->specs_dir, apps.v[i]))
			goto out;
		for (size_t k = 0; k < c.nr; k++)
			targets_add(t, apps.v[i], c.v[k].version);
		catalog_release(&c);
	}
	ret = 0;
out:
	strvec_clear(&apps);
	return ret;
}

/* "APP VERSION... [APP VERSION...]": each version of the app before it. */
static int targets_from_words(const struct ark_opts *o, int argc, char **argv,
			      struct ark_targets *t)
{
	const char *app = NULL;

	for (int i = 0; i < argc; i++) {
		struct version v;

		if (is_app(o, argv[i])) {
			app = argv[i];
			continue;
		}
		if (!app)
			return error("expected an app name before '%s' (one "
				     "with a catalog in %s, such as qemu or "
				     "libvirt)",
				     argv[i], o->specs_dir);
		if (version_parse(argv[i], &v))
			return error("'%s' is neither an app nor a version",
				     argv[i]);
		targets_add(t, app, argv[i]);
	}
	if (!t->nr)
		return error("no version given (e.g. 'qemu 7.2.0'; see "
			     "'virt-matrix ark --help')");
	return 0;
}

int ark_targets_parse(const struct ark_opts *o, int all, int argc,
		      char **argv, struct ark_targets *t)
{
	if (all)
		return targets_from_catalogs(o, argc, argv, t);
	return targets_from_words(o, argc, argv, t);
}

int ark_targets_check(const struct ark_opts *o, const struct ark_targets *t)
{
	if (o->source_file && t->nr != 1)
		return error("--source names one tarball, so it builds one "
			     "version (got %zu)",
			     t->nr);
	return 0;
}

void ark_targets_release(struct ark_targets *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		free(t->v[i].app);
		free(t->v[i].version);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct build_jobs {
	const struct ark_opts *o;
	const struct ark_targets *t;
};

static int build_job(size_t i, void *arg)
{
	struct build_jobs *bj = arg;

	return ark_build_one(bj->o, bj->t->v[i].app, bj->t->v[i].version);
}

/* Builds targets with up to o->parallel worker processes; failures count. */
static int build_targets(const struct ark_opts *o, const struct ark_targets *t)
{
	struct build_jobs bj = { o, t };
	size_t failed = 0;

	if (o->parallel <= 1 || t->nr == 1) {
		for (size_t i = 0; i < t->nr && !vm_interrupted; i++)
			if (ark_build_one(o, t->v[i].app, t->v[i].version))
				failed++;
		return (int)failed + (vm_interrupted ? 1 : 0);
	}
	return (int)workers_run(t->nr, o->parallel, NULL, build_job, &bj);
}

/* Downloads the source of one target and prints where it is. */
static int fetch_one(const struct ark_opts *o, const struct ark_target *t)
{
	struct catalog c;
	struct source s;
	const struct catalog_entry *e;
	struct ark_opts local = *o;
	char label[160];
	int ret = -1;

	snprintf(label, sizeof(label), "%s %s", t->app, t->version);
	local.fetch.label = label;
	if (catalog_load(&c, o->specs_dir, t->app))
		return -1;
	e = catalog_find(&c, t->version);
	if (!e && !o->source_file) {
		error("%s is not in %s/%s.catalog", label, o->specs_dir,
		      t->app);
	} else if (!source_obtain(&local, t->app, e, &s)) {
		printf("%s %s %s %s %s\n", t->app, t->version, s.sha256,
		       s.flavour, s.path);
		source_release(&s);
		ret = 0;
	}
	catalog_release(&c);
	return ret;
}

static int fetch_targets(const struct ark_opts *o, const struct ark_targets *t)
{
	int failed = 0;

	for (size_t i = 0; i < t->nr; i++)
		if (fetch_one(o, &t->v[i]))
			failed++;
	return failed;
}

/* One line per catalog version of app: whether it is installed. */
static int show_catalog_app(const struct ark_opts *o, struct store *st,
			    const char *app)
{
	struct catalog c;
	int ret = -1;

	if (catalog_load(&c, o->specs_dir, app))
		return -1;
	for (size_t k = 0; k < c.nr; k++) {
		struct install in;
		int r = installs_get(st, app, c.v[k].version, &in);

		if (r < 0)
			goto out;
		printf("%-8s %-12s %-10s %-9s %s\n", app, c.v[k].version,
		       r == 0 ? "installed" : "-",
		       c.v[k].debian ? "up+deb" : "upstream",
		       c.v[k].debian ? c.v[k].debian : "");
		if (r == 0)
			install_release(&in);
	}
	ret = 0;
out:
	catalog_release(&c);
	return ret;
}

static int show_catalog(const struct ark_opts *o, int argc, char **argv)
{
	struct strvec apps = STRVEC_INIT;
	struct store st;
	int ret = -1;

	if (named_or_all_apps(o, argc, argv, &apps))
		return -1;
	if (store_open(&st, o->db_path)) {
		strvec_clear(&apps);
		return -1;
	}
	printf("%-8s %-12s %-10s %-9s %s\n", "APP", "VERSION", "STATE",
	       "SOURCES", "DEBIAN");
	for (size_t i = 0; i < apps.nr; i++)
		if (show_catalog_app(o, &st, apps.v[i]))
			goto out;
	ret = 0;
out:
	store_close(&st);
	strvec_clear(&apps);
	return ret;
}

/*
 * The subcommands. Each returns -1 when it failed before doing any work,
 * else the number of failures (0: success).
 */
static int run_targets(const struct ark_cmdline *cl,
		       int (*each)(const struct ark_opts *,
				   const struct ark_targets *))
{
	struct ark_targets t = { 0 };
	int ret = -1;

	if (!ark_targets_parse(&cl->o, cl->all, cl->argc, cl->argv, &t) &&
	    !ark_targets_check(&cl->o, &t))
		ret = each(&cl->o, &t);
	ark_targets_release(&t);
	return ret;
}

static int run_build(const struct ark_cmdline *cl)
{
	return run_targets(cl, build_targets);
}

static int run_fetch(const struct ark_cmdline *cl)
{
	return run_targets(cl, fetch_targets);
}

static int run_list(const struct ark_cmdline *cl)
{
	return ark_list(&cl->o, cl->argc ? cl->argv[0] : NULL);
}

static int run_remove(const struct ark_cmdline *cl)
{
	return ark_remove(&cl->o, cl->argv[0], cl->argv[1]);
}

static int run_import(const struct ark_cmdline *cl)
{
	return ark_import(&cl->o, cl->argv[0],
			  cl->argc > 1 ? cl->argv[1] : NULL);
}

static int run_catalog(const struct ark_cmdline *cl)
{
	return show_catalog(&cl->o, cl->argc, cl->argv);
}

static const struct ark_subcommand subcommands[] = {
	{ "build", 0, -1, 1, run_build },
	{ "fetch", 0, -1, 1, run_fetch },
	{ "list", 0, 1, 0, run_list },
	{ "remove", 2, 2, 0, run_remove },
	{ "import", 1, 2, 0, run_import },
	{ "catalog", 0, -1, 0, run_catalog },
};

const struct ark_subcommand *ark_subcommand_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

int ark_subcommand_accepts(const struct ark_subcommand *sub, int argc)
{
	return argc >= sub->min_args &&
	       (sub->max_args < 0 || argc <= sub->max_args);
}

int ark_default_make_jobs(int cpus, int parallel)
{
	return cpus / parallel > 0 ? cpus / parallel : 1;
}

static void cmdline_init(struct ark_cmdline *cl, const char *sub)
{
	memset(cl, 0, sizeof(*cl));
	cl->sub = sub;
	cl->o.db_path = store_default_path();
	cl->o.root = paths_root();
	cl->o.specs_dir = paths_data_dir("specs");
	cl->o.patches_dir = paths_data_dir("patches");
	cl->o.cache_dir = paths_cache_dir();
	cl->o.log_dir = paths_log_dir();
	cl->o.from = "auto";
	cl->o.parallel = 1;
	cl->o.step_timeout = 4 * 3600;
	fetch_opts_init(&cl->o.fetch, NULL);
}

void ark_cmdline_release(struct ark_cmdline *cl)
{
	opts_release(&cl->o);
}

/* The path option c's slot in o, or NULL when c is not one. */
static char **path_slot(struct ark_opts *o, int c)
{
	switch (c) {
	case OPT_ROOT:
		return &o->root;
	case OPT_SPECS:
		return &o->specs_dir;
	case OPT_PATCHES:
		return &o->patches_dir;
	case OPT_CACHE:
		return &o->cache_dir;
	case OPT_LOGS:
		return &o->log_dir;
	}
	return NULL;
}

/* The flag option c's slot, or NULL when c is not one. */
static int *flag_slot(struct ark_cmdline *cl, int c)
{
	switch (c) {
	case OPT_FORCE:
		return &cl->o.force;
	case OPT_KEEP:
		return &cl->o.keep_work;
	case OPT_IF_PRESENT:
		return &cl->o.if_present;
	case OPT_JSON:
		return &cl->o.json;
	case OPT_ALL:
		return &cl->all;
	case 'q':
		return &vm_quiet;
	}
	return NULL;
}

/* --parallel, --make-jobs and --retries: a count; -1 (reported) if not. */
static int parse_count(struct ark_opts *o, int c, const char *arg)
{
	long l;

	if (parse_long(arg, c == OPT_RETRIES ? 0 : 1, 256, &l))
		return error("'%s' is not a valid count for --%s", arg,
			     c == OPT_PARALLEL    ? "parallel"
			     : c == OPT_MAKE_JOBS ? "make-jobs"
						  : "retries");
	if (c == OPT_PARALLEL)
		o->parallel = (int)l;
	else if (c == OPT_MAKE_JOBS)
		o->make_jobs = (int)l;
	else
		o->fetch.retries = (int)l;
	return 0;
}

/* An option whose value is checked; -1 (reported) when it is wrong. */
static int parse_checked(struct ark_opts *o, int c, const char *arg)
{
	double d;

	switch (c) {
	case OPT_FROM:
		if (strcmp(arg, "auto") && strcmp(arg, "upstream") &&
		    strcmp(arg, "debian"))
			return error("--from wants auto, upstream or debian, "
				     "not '%s'",
				     arg);
		o->from = arg;
		return 0;
	case OPT_FLAVOUR:
		if (strcmp(arg, "upstream") && strcmp(arg, "debian"))
			return error("--flavour wants upstream or debian, not "
				     "'%s'",
				     arg);
		o->flavour = arg;
		return 0;
	case OPT_STEP_TIMEOUT:
		if (parse_seconds(arg, &d) || d < 1)
			return error("--step-timeout wants seconds, not '%s'",
				     arg);
		o->step_timeout = d;
		return 0;
	case OPT_DB:
		if (store_path_check(arg))
			return -1;
		free(o->db_path);
		o->db_path = xstrdup(arg);
		return 0;
	}
	return parse_count(o, c, arg);
}

/* One option: ARK_CMDLINE_OK, or _HELP or _USAGE to stop there. */
static int parse_option(struct ark_cmdline *cl, int c, const char *arg)
{
	char **path = path_slot(&cl->o, c);
	int *flag = flag_slot(cl, c);

	if (path) {
		set_path(path, arg);
		return ARK_CMDLINE_OK;
	}
	if (flag) {
		*flag = 1;
		return ARK_CMDLINE_OK;
	}
	switch (c) {
	case OPT_SOURCE:
		cl->o.source_file = arg;
		return ARK_CMDLINE_OK;
	case OPT_NAME:
		cl->o.name = arg;
		return ARK_CMDLINE_OK;
	case OPT_FROM:
	case OPT_FLAVOUR:
	case OPT_STEP_TIMEOUT:
	case OPT_DB:
	case OPT_PARALLEL:
	case OPT_MAKE_JOBS:
	case OPT_RETRIES:
		return parse_checked(&cl->o, c, arg) ? ARK_CMDLINE_USAGE
						     : ARK_CMDLINE_OK;
	case 'h':
		return ARK_CMDLINE_HELP;
	}
	return ARK_CMDLINE_USAGE;
}

/* What follows from the options once they are all read. */
static void cmdline_finish(struct ark_cmdline *cl)
{
	cl->o.fetch.cache_dir = cl->o.cache_dir;
	if (vm_quiet)
		cl->o.fetch.progress = 0;
	if (!cl->o.make_jobs)
		cl->o.make_jobs =
			ark_default_make_jobs(online_cpus(), cl->o.parallel);
}

int ark_cmdline_parse(struct ark_cmdline *cl, int argc, char **argv)
{
	int c, r = ARK_CMDLINE_OK;

	cmdline_init(cl, argv[1]);
	optind = 2;
	while (r == ARK_CMDLINE_OK &&
	       (c = getopt_long(argc, argv, "qh", options, NULL)) != -1)
		r = parse_option(cl, c, optarg);
	if (r != ARK_CMDLINE_OK)
		return r;
	cmdline_finish(cl);
	cl->argc = argc - optind;
	cl->argv = argv + optind;
	return ARK_CMDLINE_OK;
}

static int is_help(const char *word)
{
	return !strcmp(word, "--help") || !strcmp(word, "-h") ||
	       !strcmp(word, "help");
}

/*
 * Runs the subcommand cl names: its exit status, or 129 when the
 * subcommand is unknown (reported) or its operands do not fit.
 */
static int run_subcommand(const struct ark_cmdline *cl)
{
	const struct ark_subcommand *sub = ark_subcommand_find(cl->sub);
	int ret;

	if (!sub) {
		error("unknown ark command '%s'", cl->sub);
		return 129;
	}
	if (!ark_subcommand_accepts(sub, cl->argc))
		return 129;
	ret = work_exit_status(sub->run(cl),
			      sub->interruptible && vm_interrupted);
	/* A listing that did not reach stdout is not a success. */
	if (ret == 0 && flush_stdout())
		ret = 1;
	return ret;
}

int cmd_ark(int argc, char **argv)
{
	struct ark_cmdline cl;
	int ret;

	if (argc < 2 || is_help(argv[1])) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 129 : 0;
	}
	switch (ark_cmdline_parse(&cl, argc, argv)) {
	case ARK_CMDLINE_HELP:
		fputs(usage, stdout);
		ret = 0;
		break;
	case ARK_CMDLINE_USAGE:
		ret = 129;
		break;
	default:
		ret = run_subcommand(&cl);
	}
	if (ret == 129)
		fputs(usage, stderr);
	ark_cmdline_release(&cl);
	return ret;
}
