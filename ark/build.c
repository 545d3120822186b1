/*
 * Building one version: source -> unpack -> patch -> configure/meson ->
 * make/ninja -> install into a staging directory (DESTDIR) -> one rename
 * into <root>/<app>/<version> -> smoke check -> record in the store.
 *
 * The version's lock file serialises attempts. Everything an attempt
 * creates (work tree, staging tree) carries its pid and is removed when
 * it ends; what a killed attempt left is removed by the next one under
 * the lock. Until the final rename nothing is visible under the prefix,
 * so a failed or killed build never leaves a partial install.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ark_internal.h"
#include "command.h"
#include "fs.h"
#include "patches.h"
#include "recipe.h"
#include "unpack.h"
#include "version.h"
#include "banned.h"

struct build {
	const struct ark_opts *o;
	const char *app;
	const char *version;
	char label[160];
	struct store st;
	struct catalog cat;
	struct recipe recipe;
	struct build_plan plan;
	struct patch_series patches;
	struct source src;
	char *prefix;
	char *work;
	char *srcdir;
	char *builddir;
	char *stage;
	char *log_path;
	int log_fd;
	struct strvec env;
	struct strvec configure_argv;
	long long build_id;
	char jobs[16];
	double t0;
};

char *ark_prefix(const struct ark_opts *o, const char *app,
		 const char *version)
{
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s/%s/%s", o->root, app, version);
	return strbuf_detach(&sb);
}

char *ark_lock_path(const struct ark_opts *o, const char *app,
		    const char *version)
{
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "%s/locks/%s-%s.lock", o->cache_dir, app, version);
	return strbuf_detach(&sb);
}

int ark_lock(const struct ark_opts *o, const char *app, const char *version)
{
	char *lock = ark_lock_path(o, app, version);
	char *dir = path_dirname(lock);
	int fd = mkdir_p(dir, 0755) ? -1 : lock_acquire(lock, 0);

	if (fd == -2) {
		error("%s %s is being built or removed by another virt-matrix "
		      "(lock '%s')",
		      app, version, lock);
		fd = -1;
	}
	free(dir);
	free(lock);
	return fd;
}

/* Removes dir/<prefix>* entries. */
static int remove_matching(const char *dir, const char *prefix)
{
	struct dirent **ents = NULL;
	struct strbuf p = STRBUF_INIT;
	int n = scandir(dir, &ents, NULL, alphasort), ret = 0;

	for (int i = 0; i < n; i++) {
		if (!strncmp(ents[i]->d_name, prefix, strlen(prefix))) {
			path_join(&p, dir, ents[i]->d_name);
			if (remove_tree(p.buf))
				ret = -1;
		}
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&p);
	return ret;
}

int ark_clean_stale(const struct ark_opts *o, struct store *st,
		    const char *app, const char *version)
{
	struct strbuf dir = STRBUF_INIT, pfx = STRBUF_INIT;
	auto_stmt *q = NULL;
	int ret = 0;

	sb_printf(&dir, "%s/%s", o->root, app);
	sb_printf(&pfx, ".stage-%s-", version);
	ret |= remove_matching(dir.buf, pfx.buf);
	strbuf_reset(&pfx);
	sb_printf(&pfx, ".trash-%s-", version);
	ret |= remove_matching(dir.buf, pfx.buf);
	strbuf_reset(&dir);
	strbuf_reset(&pfx);
	sb_printf(&dir, "%s/work", o->cache_dir);
	sb_printf(&pfx, "%s-%s-", app, version);
	ret |= remove_matching(dir.buf, pfx.buf);
	strbuf_release(&dir);
	strbuf_release(&pfx);
	if (store_prepare(st, &q,
			  "UPDATE builds SET status = 'failed', error ="
			  " 'interrupted: the virt-matrix process went away'"
			  " WHERE app = ? AND version = ?"
			  " AND status = 'running'"))
		return -1;
	store_bind_text(q, 1, app);
	store_bind_text(q, 2, version);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot update builds");
	return ret ? -1 : 0;
}

static void logf_(struct build *b, const char *fmt, ...) VM_PRINTF(2, 3);
static void logf_(struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->log_fd < 0)
		return;
	va_start(ap, fmt);
	vdprintf(b->log_fd, fmt, ap);
	va_end(ap);
}

/* The last lines of the log, for error messages. */
static void log_tail(struct build *b, struct strbuf *out, int lines)
{
	char buf[16384];
	off_t size = lseek(b->log_fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(b->log_fd, buf, sizeof(buf) - 1, from);

	if (n <= 0)
		return;
	buf[n] = '\0';
	sb_puts(out, str_tail_lines(buf, (size_t)n, lines));
}

/* Runs one build step with output into the log. */
static int step(struct build *b, const char *what, const char *dir,
		const struct strvec *args, const char *extra_env)
{
	struct command cmd;
	struct strbuf line = STRBUF_INIT, why = STRBUF_INIT,
		      tail = STRBUF_INIT;
	double t = now_monotonic();
	char d[32];
	int ok;

	command_init(&cmd);
	strvec_pushv(&cmd.args, args->v);
	strvec_pushv(&cmd.env, b->env.v);
	if (extra_env)
		strvec_push(&cmd.env, extra_env);
	cmd.dir = dir;
	cmd.out = CMD_OUT_FD;
	cmd.out_fd = b->log_fd;
	cmd.timeout = b->o->step_timeout;
	strvec_join(args, &line);
	info("%s: %s", b->label, what);
	logf_(b, "\n+ [%s] cd %s && %s%s%s\n", what, dir,
	      extra_env ? extra_env : "", extra_env ? " " : "", line.buf);
	if (command_start(&cmd)) {
		logf_(b, "cannot run '%s'\n", args->v[0]);
		command_release(&cmd);
		strbuf_release(&line);
		return -1;
	}
	command_wait(&cmd, cmd.timeout);
	ok = command_succeeded(&cmd);
	format_duration(now_monotonic() - t, d, sizeof(d));
	if (!ok) {
		command_describe(&cmd, &why);
		logf_(b, "+ [%s] %s after %s\n", what, why.buf, d);
		log_tail(b, &tail, 25);
		error("%s: %s failed: '%s' %s; the last lines of %s:\n%s",
		      b->label, what, args->v[0], why.buf, b->log_path,
		      tail.buf);
	} else {
		logf_(b, "+ [%s] done in %s\n", what, d);
	}
	command_release(&cmd);
	strbuf_release(&line);
	strbuf_release(&why);
	strbuf_release(&tail);
	return ok ? 0 : -1;
}

static char *expand(struct build *b, const char *s)
{
	struct recipe_vars vars = {
		.prefix = b->prefix,
		.version = b->version,
		.jobs = b->jobs,
		.srcdir = b->srcdir,
		.builddir = b->builddir,
	};
	return recipe_expand(s, &vars);
}

static void push_expanded(struct build *b, struct strvec *out,
			  const struct strvec *in)
{
	for (size_t i = 0; i < in->nr; i++) {
		char *s = expand(b, in->v[i]);

		strvec_push(out, s);
		free(s);
	}
}

/* First word of out that parses as a version (a leading 'v' allowed). */
static int find_version(const char *out, struct version *v)
{
	const char *p = out;

	while (*p) {
		size_t n = strcspn(p, " \t\n()");
		char word[64];

		if (n && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (!version_parse(word[0] == 'v' ? word + 1 : word, v))
				return 0;
		}
		p += n;
		if (*p)
			p++;
	}
	return -1;
}

static int check_requirements(struct build *b)
{
	for (size_t i = 0; i < b->plan.nrequires; i++) {
		const struct tool_req *t = &b->plan.requires[i];
		struct command cmd;
		struct version v;
		int ret = 0;

		command_init(&cmd);
		strvec_push(&cmd.args, t->tool);
		strvec_push(&cmd.args, "--version");
		strvec_pushv(&cmd.env, b->env.v);
		cmd.timeout = 30;
		cmd.capture_max = 1 << 16;
		if (command_run(&cmd) || !command_succeeded(&cmd)) {
			ret = error("%s needs %s %s, but '%s --version' did not "
				    "run (install it, e.g. with 'make deps')",
				    b->label, t->tool, t->range_text, t->tool);
		} else if (find_version(cmd.output.buf, &v)) {
			ret = error("%s needs %s %s, but '%s --version' printed "
				    "no version",
				    b->label, t->tool, t->range_text, t->tool);
		} else if (!vrange_contains(&t->range, &v)) {
			struct strbuf o = STRBUF_INIT;

			sb_puts(&o, cmd.output.buf);
			strbuf_rtrim(&o);
			ret = error("%s needs %s %s, but '%s --version' says "
				    "'%s'",
				    b->label, t->tool, t->range_text, t->tool,
				    str_tail_lines(o.buf, o.len, 1));
			strbuf_release(&o);
		} else {
			logf_(b, "+ requirement %s %s: ok\n", t->tool,
			      t->range_text);
		}
		command_release(&cmd);
		if (ret)
			return -1;
	}
	return 0;
}

static void setup_env(struct build *b)
{
	struct strbuf path = STRBUF_INIT;
	int has_path = 0;

	for (size_t i = 0; i < b->plan.env.nr; i++) {
		char *s = expand(b, b->plan.env.v[i]);

		if (skip_prefix(s, "PATH=", NULL))
			has_path = 1;
		strvec_push(&b->env, s);
		free(s);
	}
	if (!has_path) {
		if (is_dir("/usr/lib/ccache"))
			sb_puts(&path, "PATH=/usr/lib/ccache:" CMD_DEFAULT_PATH);
		else
			sb_puts(&path, "PATH=" CMD_DEFAULT_PATH);
		strvec_push(&b->env, path.buf);
	}
	strvec_pushf(&b->env, "CCACHE_DIR=%s/ccache", b->o->cache_dir);
	strbuf_release(&path);
}

static int configure_and_build(struct build *b)
{
	struct strvec a = STRVEC_INIT;
	struct strbuf destdir = STRBUF_INIT;
	int ret = -1;

	if (b->plan.bootstrap.nr) {
		push_expanded(b, &a, &b->plan.bootstrap);
		if (step(b, "bootstrap", b->srcdir, &a, NULL))
			goto out;
		strvec_clear(&a);
	}
	if (!strcmp(b->plan.system, "configure")) {
		strvec_pushf(&b->configure_argv, "%s/configure", b->srcdir);
		strvec_pushf(&b->configure_argv, "--prefix=%s", b->prefix);
		push_expanded(b, &b->configure_argv, &b->plan.args);
		if (step(b, "configure", b->builddir, &b->configure_argv,
			 NULL))
			goto out;
		strvec_push(&a, "make");
		strvec_pushf(&a, "-j%s", b->jobs);
		if (step(b, "build", b->builddir, &a, NULL))
			goto out;
		strvec_clear(&a);
		strvec_pushv(&a, (const char *const[]){ "make", "install",
							NULL });
		strvec_pushf(&a, "DESTDIR=%s", b->stage);
		if (step(b, "install", b->builddir, &a, NULL))
			goto out;
	} else {
		strvec_pushv(&b->configure_argv,
			     (const char *const[]){ "meson", "setup", NULL });
		strvec_push(&b->configure_argv, b->builddir);
		strvec_push(&b->configure_argv, b->srcdir);
		strvec_pushf(&b->configure_argv, "--prefix=%s", b->prefix);
		push_expanded(b, &b->configure_argv, &b->plan.args);
		if (step(b, "configure", b->srcdir, &b->configure_argv, NULL))
			goto out;
		strvec_pushv(&a, (const char *const[]){ "ninja", "-C", NULL });
		strvec_push(&a, b->builddir);
		strvec_pushf(&a, "-j%s", b->jobs);
		if (step(b, "build", b->builddir, &a, NULL))
			goto out;
		strvec_clear(&a);
		strvec_pushv(&a, (const char *const[]){ "meson", "install",
							"--no-rebuild", "-C",
							NULL });
		strvec_push(&a, b->builddir);
		sb_printf(&destdir, "DESTDIR=%s", b->stage);
		if (step(b, "install", b->builddir, &a, destdir.buf))
			goto out;
	}
	ret = 0;
out:
	strvec_clear(&a);
	strbuf_release(&destdir);
	return ret;
}

/*
 * Moves the staged tree to the prefix. *exchanged tells whether an old
 * install now sits in the staging path (to be removed, or swapped back).
 */
static int move_into_place(struct build *b, const char *staged,
			    int *exchanged)
{
	*exchanged = 0;
	if (!path_exists(b->prefix)) {
		if (rename(staged, b->prefix))
			return error_errno("%s: cannot move '%s' to '%s'",
					   b->label, staged, b->prefix);
		return 0;
	}
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, b->prefix,
		      RENAME_EXCHANGE))
		return error_errno("%s: cannot replace '%s'", b->label,
				   b->prefix);
	*exchanged = 1;
	return 0;
}

static int smoke_check(struct build *b)
{
	struct strvec a = STRVEC_INIT;
	struct command cmd;
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (!b->plan.check.nr)
		return 0;
	for (size_t i = 0; i < b->plan.check.nr; i++) {
		char *s = expand(b, b->plan.check.v[i]);

		if (i == 0 && s[0] != '/')
			strvec_pushf(&a, "%s/%s", b->prefix, s);
		else
			strvec_push(&a, s);
		free(s);
	}
	command_init(&cmd);
	strvec_pushv(&cmd.args, a.v);
	cmd.timeout = 60;
	cmd.capture_max = 1 << 16;
	if (command_run(&cmd) || !command_succeeded(&cmd)) {
		command_describe(&cmd, &why);
		ret = error("%s: the installed build fails its check: '%s' "
			    "%s:\n%s",
			    b->label, a.v[0], why.buf,
			    str_tail_lines(cmd.output.buf, cmd.output.len, 10));
	} else {
		struct strbuf first = STRBUF_INIT;

		sb_puts(&first, cmd.output.buf);
		first.len = strcspn(first.buf, "\n");
		first.buf[first.len] = '\0';
		info("%s: check: %s", b->label, first.buf);
		logf_(b, "+ check: %s\n", cmd.output.buf);
		strbuf_release(&first);
	}
	command_release(&cmd);
	strvec_clear(&a);
	strbuf_release(&why);
	return ret;
}

static char *json_args(const struct strvec *v)
{
	json_object *a = json_object_new_array();
	char *s;

	for (size_t i = 0; i < v->nr; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	s = xstrdup(json_object_to_json_string_ext(
		a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

static int record_install(struct build *b, double seconds)
{
	struct install in;
	struct strbuf bin = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1], now[32];
	int ret;

	memset(&in, 0, sizeof(in));
	path_join(&bin, b->prefix, b->plan.binary);
	if (sha256_file(bin.buf, sha)) {
		strbuf_release(&bin);
		return -1;
	}
	now_iso8601(now, sizeof(now));
	in.app = (char *)b->app;
	in.version = (char *)b->version;
	in.kind = "built";
	in.prefix = b->prefix;
	in.binary_path = bin.buf;
	in.binary_sha256 = sha;
	in.source_url = b->src.url;
	in.source_sha256 = b->src.sha256;
	in.source_flavour = b->src.flavour;
	in.recipe_hash = b->plan.hash;
	in.patchset_hash = b->patches.hash;
	in.configure_args = json_args(&b->configure_argv);
	in.status = "installed";
	in.build_seconds = seconds;
	in.log_path = b->log_path;
	in.installed_at = now;
	in.npatches = b->patches.nr;
	in.patches = xcalloc(b->patches.nr + 1, sizeof(*in.patches));
	for (size_t i = 0; i < b->patches.nr; i++) {
		in.patches[i].name = b->patches.v[i].name;
		in.patches[i].sha256 = b->patches.v[i].sha256;
	}
	ret = installs_put(&b->st, &in);
	free(in.configure_args);
	free(in.patches);
	strbuf_release(&bin);
	return ret;
}

/* Installed from the same source, recipe and patches, and still on disk? */
static int up_to_date(struct build *b)
{
	struct install in;
	int r = installs_get(&b->st, b->app, b->version, &in), same = 0;

	if (r)
		return 0;
	same = !strcmp(in.kind, "built") && in.source_sha256 &&
	       !strcmp(in.source_sha256, b->src.sha256) && in.recipe_hash &&
	       !strcmp(in.recipe_hash, b->plan.hash) && in.patchset_hash &&
	       !strcmp(in.patchset_hash, b->patches.hash) &&
	       path_exists(in.binary_path);
	install_release(&in);
	return same;
}

static int open_log(struct build *b)
{
	struct strbuf p = STRBUF_INIT;
	char now[32];

	if (mkdir_p(b->o->log_dir, 0755))
		return -1;
	now_iso8601(now, sizeof(now));
	for (char *c = now; *c; c++)
		if (*c == ':')
			*c = '-';
	sb_printf(&p, "%s/%s-%s-%s.log", b->o->log_dir, b->app, b->version,
		  now);
	b->log_fd = open(p.buf, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
			 0644);
	if (b->log_fd < 0) {
		error_errno("cannot create log '%s'", p.buf);
		strbuf_release(&p);
		return -1;
	}
	b->log_path = strbuf_detach(&p);
	return 0;
}

/* Opens the log and the builds row of this attempt. */
static int start_record(struct build *b)
{
	if (open_log(b))
		return -1;
	if (builds_start(&b->st, b->app, b->version, b->src.url,
			 b->src.sha256, b->plan.hash, b->patches.hash,
			 b->log_path, &b->build_id))
		return -1;
	logf_(b, "virt-matrix ark build %s %s\nsource: %s\nsha256: %s\n"
		 "flavour: %s\nrecipe: %s\npatch set: %s\n",
	      b->app, b->version, b->src.url, b->src.sha256, b->src.flavour,
	      b->plan.hash, b->patches.hash);
	return 0;
}

/* The work tree: the source unpacked and patched, an empty build dir. */
static int prepare_tree(struct build *b)
{
	struct strbuf p = STRBUF_INIT;
	char *top = NULL;
	int ret = -1;

	sb_printf(&p, "%s/work/%s-%s-%ld", b->o->cache_dir, b->app,
		  b->version, (long)getpid());
	b->work = strbuf_detach(&p);
	/*
	 * The work tree's name changes with every attempt: let ccache see
	 * paths relative to it, so a rebuild hits the cache.
	 */
	strvec_pushf(&b->env, "CCACHE_BASEDIR=%s", b->work);
	strvec_push(&b->env, "CCACHE_NOHASHDIR=1");
	sb_printf(&p, "%s/src", b->work);
	if (mkdir_p(p.buf, 0755))
		goto out;
	info("%s: unpack %s", b->label, path_basename(b->src.path));
	if (unpack_archive(b->src.path, p.buf, &top))
		goto out;
	/*
	 * Every source tree is work/src/<app>, whatever its tarball calls it
	 * (qemu-7.2.0, qemu-7.2+dfsg, qemu-<commit>): ccache sees the same
	 * relative paths for every version and every commit of a bisect, and
	 * their builds share the cache. (An archive of several top-level
	 * entries is its own tree: src itself.)
	 */
	if (strcmp(top, p.buf)) {
		sb_printf(&p, "/%s", b->app);
		if (strcmp(top, p.buf) && rename(top, p.buf)) {
			error_errno("%s: cannot rename '%s' to '%s'", b->label, top,
				    p.buf);
			goto out;
		}
	}
	b->srcdir = strbuf_detach(&p);
	strbuf_reset(&p);
	sb_printf(&p, "%s/build", b->work);
	b->builddir = strbuf_detach(&p);
	if (mkdir_p(b->builddir, 0755))
		goto out;
	for (size_t i = 0; i < b->patches.nr; i++)
		info("%s: patch %s", b->label, b->patches.v[i].name);
	if (patches_apply(&b->patches, b->srcdir, b->log_fd))
		goto out;
	ret = check_requirements(b);
out:
	free(top);
	strbuf_release(&p);
	return ret;
}

/*
 * Configures, builds and installs into the staging tree; *staged is
 * the prefix inside it, which must hold the recipe's binary.
 */
static int build_staged(struct build *b, struct strbuf *staged)
{
	struct strbuf p = STRBUF_INIT;
	int ret = -1;

	sb_printf(&p, "%s/%s/.stage-%s-%ld", b->o->root, b->app, b->version,
		  (long)getpid());
	b->stage = strbuf_detach(&p);
	if (configure_and_build(b))
		goto out;
	sb_printf(staged, "%s%s", b->stage, b->prefix);
	path_join(&p, staged->buf, b->plan.binary);
	if (!path_exists(p.buf)) {
		error("%s: the install step did not produce '%s' (expected "
		      "at '%s')",
		      b->label, b->plan.binary, p.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&p);
	return ret;
}

/*
 * Moves the staged prefix into place, checks that it runs (else puts
 * back what was there before, or nothing) and records the install.
 */
static int install_staged(struct build *b, const char *staged)
{
	int exchanged = 0;
	char d[32];

	if (move_into_place(b, staged, &exchanged))
		return -1;
	if (smoke_check(b)) {
		if (exchanged)
			renameat2(AT_FDCWD, staged, AT_FDCWD, b->prefix,
				  RENAME_EXCHANGE);
		else if (rename(b->prefix, staged))
			warning("cannot move '%s' aside: %s", b->prefix,
				strerror(errno));
		return -1;
	}
	if (record_install(b, now_monotonic() - b->t0))
		return -1;
	format_duration(now_monotonic() - b->t0, d, sizeof(d));
	info("%s: installed in %s (%s)", b->label, b->prefix, d);
	return 0;
}

/* Closes the builds row with how it went; -1 when that fails. */
static int finish_record(struct build *b, int ret)
{
	struct strbuf why = STRBUF_INIT;

	if (ret) {
		if (vm_interrupted)
			sb_puts(&why, "interrupted");
		else
			sb_printf(&why, "failed; see %s", b->log_path);
	}
	if (builds_finish(&b->st, b->build_id, ret ? "failed" : "succeeded",
			  ret ? why.buf : NULL, now_monotonic() - b->t0))
		ret = -1;
	strbuf_release(&why);
	return ret;
}

/*
 * The end of an attempt that got a builds row: the row closed, a
 * failure told, the staging tree and the work tree removed (the work
 * tree kept after a failure with --keep-work). Returns ret, or -1 when
 * any of that fails.
 */
static int finish_attempt(struct build *b, int ret)
{
	if (b->build_id)
		ret = finish_record(b, ret);
	if (ret)
		error("%s: build failed; nothing was installed%s%s", b->label,
		      b->log_path ? "; log: " : "",
		      b->log_path ? b->log_path : "");
	if (b->stage && remove_tree(b->stage))
		ret = -1;
	if (b->work && b->o->keep_work && ret)
		info("%s: work tree kept in %s", b->label, b->work);
	else if (b->work && remove_tree(b->work))
		ret = -1;
	return ret;
}

static int build_in_lock(struct build *b)
{
	struct strbuf staged = STRBUF_INIT;
	int ret = -1;

	if (ark_clean_stale(b->o, &b->st, b->app, b->version))
		return -1;
	if (!b->o->force && up_to_date(b)) {
		info("%s: up to date in %s (same source, recipe and patches)",
		     b->label, b->prefix);
		return 0;
	}
	if (start_record(b))
		return -1;
	if (!prepare_tree(b) && !build_staged(b, &staged) &&
	    !install_staged(b, staged.buf))
		ret = 0;
	ret = finish_attempt(b, ret);
	strbuf_release(&staged);
	return ret;
}

static void build_release(struct build *b)
{
	store_close(&b->st);
	catalog_release(&b->cat);
	recipe_release(&b->recipe);
	build_plan_release(&b->plan);
	patch_series_release(&b->patches);
	source_release(&b->src);
	free(b->prefix);
	free(b->work);
	free(b->srcdir);
	free(b->builddir);
	free(b->stage);
	free(b->log_path);
	if (b->log_fd >= 0)
		close(b->log_fd);
	strvec_clear(&b->env);
	strvec_clear(&b->configure_argv);
}

int ark_build_one(const struct ark_opts *o, const char *app,
		  const char *version)
{
	struct build b;
	const struct catalog_entry *e = NULL;
	struct strbuf dir = STRBUF_INIT;
	int lockfd = -1, ret = -1;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.app = app;
	b.version = version;
	b.log_fd = -1;
	b.t0 = now_monotonic();
	snprintf(b.label, sizeof(b.label), "%s %s", app, version);
	snprintf(b.jobs, sizeof(b.jobs), "%d", o->make_jobs);

	if (recipe_load(&b.recipe, o->specs_dir, app) ||
	    recipe_plan(&b.recipe, version, &b.plan))
		goto out;
	if (catalog_load(&b.cat, o->specs_dir, app))
		goto out;
	e = catalog_find(&b.cat, version);
	if (!e && !o->source_file) {
		error("%s %s is not in %s/%s.catalog (add a line, or give "
		      "--source FILE)",
		      app, version, o->specs_dir, app);
		goto out;
	}
	b.prefix = ark_prefix(o, app, version);
	setup_env(&b);
	if (source_obtain(o, app, e, &b.src))
		goto out;
	if (patches_select(o->patches_dir, app, version, b.src.flavour,
			   &b.patches))
		goto out;
	if (store_open(&b.st, o->db_path))
		goto out;
	sb_printf(&dir, "%s/%s", o->root, app);
	if (mkdir_p(dir.buf, 0755))
		goto out;
	lockfd = ark_lock(o, app, version);
	if (lockfd < 0)
		goto out;
	ret = build_in_lock(&b);
out:
	lock_release(lockfd);
	strbuf_release(&dir);
	build_release(&b);
	return ret;
}
