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

struct target {
	char *app;
	char *version;
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

static int parse_targets(const struct ark_opts *o, int all, int argc,
			 char **argv, struct target **out, size_t *n)
{
	const char *app = NULL;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	if (all) {
		struct strvec apps = STRVEC_INIT;

		if (argc)
			for (int i = 0; i < argc; i++)
				strvec_push(&apps, argv[i]);
		else if (list_apps(o, &apps))
			return -1;
		for (size_t i = 0; i < apps.nr; i++) {
			struct catalog c;

			if (catalog_load(&c, o->specs_dir, apps.v[i])) {
				strvec_clear(&apps);
				return -1;
			}
			for (size_t k = 0; k < c.nr; k++) {
				ALLOC_GROW(*out, *n + 1, alloc);
				(*out)[*n].app = xstrdup(apps.v[i]);
				(*out)[(*n)++].version = xstrdup(c.v[k].version);
			}
			catalog_release(&c);
		}
		strvec_clear(&apps);
		return 0;
	}
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
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[*n].app = xstrdup(app);
		(*out)[(*n)++].version = xstrdup(argv[i]);
	}
	if (!*n)
		return error("no version given (e.g. 'qemu 7.2.0'; see "
			     "'virt-matrix ark --help')");
	return 0;
}

static void targets_free(struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].app);
		free(t[i].version);
	}
	free(t);
}

struct build_jobs {
	const struct ark_opts *o;
	struct target *t;
};

static int build_job(size_t i, void *arg)
{
	struct build_jobs *bj = arg;

	return ark_build_one(bj->o, bj->t[i].app, bj->t[i].version);
}

/* Builds targets with up to o->parallel worker processes; failures count. */
static int build_targets(const struct ark_opts *o, struct target *t, size_t n)
{
	struct build_jobs bj = { o, t };
	size_t failed = 0;

	if (o->parallel <= 1 || n == 1) {
		for (size_t i = 0; i < n && !vm_interrupted; i++)
			if (ark_build_one(o, t[i].app, t[i].version))
				failed++;
		return (int)failed + (vm_interrupted ? 1 : 0);
	}
	return (int)workers_run(n, o->parallel, NULL, build_job, &bj);
}

static int fetch_targets(const struct ark_opts *o, struct target *t, size_t n)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct catalog c;
		struct source s;
		const struct catalog_entry *e;
		struct ark_opts local = *o;
		char label[160];

		snprintf(label, sizeof(label), "%s %s", t[i].app,
			 t[i].version);
		local.fetch.label = label;
		if (catalog_load(&c, o->specs_dir, t[i].app)) {
			failed++;
			continue;
		}
		e = catalog_find(&c, t[i].version);
		if (!e && !o->source_file) {
			error("%s is not in %s/%s.catalog", label,
			      o->specs_dir, t[i].app);
			failed++;
		} else if (source_obtain(&local, t[i].app, e, &s)) {
			failed++;
		} else {
			printf("%s %s %s %s %s\n", t[i].app, t[i].version,
			       s.sha256, s.flavour, s.path);
			source_release(&s);
		}
		catalog_release(&c);
	}
	return failed;
}

static int show_catalog(const struct ark_opts *o, int argc, char **argv)
{
	struct strvec apps = STRVEC_INIT;
	struct store st;
	int ret = -1;

	if (argc)
		for (int i = 0; i < argc; i++)
			strvec_push(&apps, argv[i]);
	else if (list_apps(o, &apps))
		return -1;
	if (store_open(&st, o->db_path)) {
		strvec_clear(&apps);
		return -1;
	}
	printf("%-8s %-12s %-10s %-9s %s\n", "APP", "VERSION", "STATE",
	       "SOURCES", "DEBIAN");
	for (size_t i = 0; i < apps.nr; i++) {
		struct catalog c;

		if (catalog_load(&c, o->specs_dir, apps.v[i]))
			goto out;
		for (size_t k = 0; k < c.nr; k++) {
			struct install in;
			int r = installs_get(&st, apps.v[i], c.v[k].version,
					     &in);

			if (r < 0) {
				catalog_release(&c);
				goto out;
			}
			printf("%-8s %-12s %-10s %-9s %s\n", apps.v[i],
			       c.v[k].version, r == 0 ? "installed" : "-",
			       c.v[k].debian ? "up+deb" : "upstream",
			       c.v[k].debian ? c.v[k].debian : "");
			if (r == 0)
				install_release(&in);
		}
		catalog_release(&c);
	}
	ret = 0;
out:
	store_close(&st);
	strvec_clear(&apps);
	return ret;
}

int cmd_ark(int argc, char **argv)
{
	struct ark_opts o;
	struct target *t = NULL;
	size_t nt = 0;
	const char *sub;
	int c, all = 0, ret = 1;
	long l;
	double d;

	memset(&o, 0, sizeof(o));
	o.db_path = store_default_path();
	o.root = paths_root();
	o.specs_dir = paths_data_dir("specs");
	o.patches_dir = paths_data_dir("patches");
	o.cache_dir = paths_cache_dir();
	o.log_dir = paths_log_dir();
	o.from = "auto";
	o.parallel = 1;
	o.step_timeout = 4 * 3600;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		opts_release(&o);
		return argc < 2 ? 129 : 0;
	}
	sub = argv[1];
	fetch_opts_init(&o.fetch, NULL);
	optind = 2;
	while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			if (strcmp(optarg, "auto") && strcmp(optarg, "upstream") &&
			    strcmp(optarg, "debian")) {
				error("--from wants auto, upstream or debian, "
				      "not '%s'",
				      optarg);
				goto out_usage;
			}
			o.from = optarg;
			break;
		case OPT_SOURCE:
			o.source_file = optarg;
			break;
		case OPT_FLAVOUR:
			if (strcmp(optarg, "upstream") &&
			    strcmp(optarg, "debian")) {
				error("--flavour wants upstream or debian, not "
				      "'%s'",
				      optarg);
				goto out_usage;
			}
			o.flavour = optarg;
			break;
		case OPT_PARALLEL:
		case OPT_MAKE_JOBS:
		case OPT_RETRIES:
			if (parse_long(optarg, c == OPT_RETRIES ? 0 : 1, 256,
				       &l)) {
				error("'%s' is not a valid count for --%s",
				      optarg,
				      c == OPT_PARALLEL ? "parallel"
				      : c == OPT_MAKE_JOBS ? "make-jobs"
							   : "retries");
				goto out_usage;
			}
			if (c == OPT_PARALLEL)
				o.parallel = (int)l;
			else if (c == OPT_MAKE_JOBS)
				o.make_jobs = (int)l;
			else
				o.fetch.retries = (int)l;
			break;
		case OPT_STEP_TIMEOUT:
			if (parse_seconds(optarg, &d) || d < 1) {
				error("--step-timeout wants seconds, not '%s'",
				      optarg);
				goto out_usage;
			}
			o.step_timeout = d;
			break;
		case OPT_FORCE:
			o.force = 1;
			break;
		case OPT_KEEP:
			o.keep_work = 1;
			break;
		case OPT_DB:
			if (store_path_check(optarg))
				goto out_usage;
			free(o.db_path);
			o.db_path = xstrdup(optarg);
			break;
		case OPT_ROOT:
			set_path(&o.root, optarg);
			break;
		case OPT_SPECS:
			set_path(&o.specs_dir, optarg);
			break;
		case OPT_PATCHES:
			set_path(&o.patches_dir, optarg);
			break;
		case OPT_CACHE:
			set_path(&o.cache_dir, optarg);
			break;
		case OPT_LOGS:
			set_path(&o.log_dir, optarg);
			break;
		case OPT_IF_PRESENT:
			o.if_present = 1;
			break;
		case OPT_NAME:
			o.name = optarg;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_ALL:
			all = 1;
			break;
		case 'q':
			vm_quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			ret = 0;
			goto out;
		default:
			goto out_usage;
		}
	}
	o.fetch.cache_dir = o.cache_dir;
	if (vm_quiet)
		o.fetch.progress = 0;
	if (!o.make_jobs)
		o.make_jobs = online_cpus() / o.parallel > 0
				      ? online_cpus() / o.parallel
				      : 1;
	argc -= optind;
	argv += optind;

	if (!strcmp(sub, "build") || !strcmp(sub, "fetch")) {
		if (parse_targets(&o, all, argc, argv, &t, &nt))
			goto out;
		if (o.source_file && nt != 1) {
			error("--source names one tarball, so it builds one "
			      "version (got %zu)",
			      nt);
			goto out;
		}
		ret = (!strcmp(sub, "build") ? build_targets(&o, t, nt)
					     : fetch_targets(&o, t, nt))
			      ? 1
			      : 0;
		if (vm_interrupted)
			ret = 130;
	} else if (!strcmp(sub, "list")) {
		if (argc > 1)
			goto out_usage;
		ret = ark_list(&o, argc ? argv[0] : NULL) ? 1 : 0;
	} else if (!strcmp(sub, "remove")) {
		if (argc != 2)
			goto out_usage;
		ret = ark_remove(&o, argv[0], argv[1]) ? 1 : 0;
	} else if (!strcmp(sub, "import")) {
		if (argc < 1 || argc > 2)
			goto out_usage;
		ret = ark_import(&o, argv[0], argc > 1 ? argv[1] : NULL) ? 1
									  : 0;
	} else if (!strcmp(sub, "catalog")) {
		ret = show_catalog(&o, argc, argv) ? 1 : 0;
	} else {
		error("unknown ark command '%s'", sub);
		goto out_usage;
	}
	/* A listing that did not reach stdout is not a success. */
	if (ret == 0 && flush_stdout())
		ret = 1;
	goto out;
out_usage:
	fputs(usage, stderr);
	ret = 129;
out:
	targets_free(t, nt);
	opts_release(&o);
	return ret;
}
