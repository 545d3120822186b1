/*
 * `bisect --git DIR`: the commits of a developer's own clone, with no
 * network. The candidates are the older end and the commits on the
 * ancestry path from it to the newer end (`git rev-list --reverse
 * --ancestry-path`), oldest first; each tested commit's tree is taken
 * with `git archive` into the cache (downloads/git/<commit>.tar.gz,
 * written under a temporary name and renamed, so an interrupted archive
 * is never taken for a whole one) and built by ark like a snapshot of
 * --url. ark unpacks every source tree to the same directory name, so
 * the second and later commits' builds hit ccache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "command.h"
#include "fs.h"
#include "banned.h"

#define GIT_TIMEOUT 120.0
#define ARCHIVE_TIMEOUT 1800.0

/*
 * git -C dir ARGS...: its output (trailing newlines cut) in *out; -1
 * after reporting, with git's own words when it failed.
 */
static int git_out(const char *dir, const char *const *args, size_t max,
		   struct strbuf *out)
{
	struct command c;
	struct strbuf esc = STRBUF_INIT;
	int ret = -1;

	command_init(&c);
	strvec_pushv(&c.args, (const char *const[]){ "git", "-C", dir, NULL });
	strvec_pushv(&c.args, args);
	c.out = CMD_OUT_CAPTURE;
	c.capture_max = max;
	c.timeout = GIT_TIMEOUT;
	if (command_run(&c))
		goto out;
	if (!command_succeeded(&c)) {
		error("'git %s' in '%s' failed%s%s", args[0], dir, c.output.len ? ": " : "",
		      str_printable_lines(&esc, c.output.buf, c.output.len, 1024));
		goto out;
	}
	if (c.truncated) {
		error("'git %s' in '%s' printed over %zu bytes", args[0], dir, max);
		goto out;
	}
	strbuf_reset(out);
	sb_puts(out, c.output.buf);
	while (out->len && out->buf[out->len - 1] == '\n')
		out->buf[--out->len] = '\0';
	ret = 0;
out:
	strbuf_release(&esc);
	command_release(&c);
	return ret;
}

/* The full commit id of rev in dir, malloc'd in *id; -1 after reporting. */
static int resolve(const char *dir, const char *rev, char **id)
{
	struct strbuf spec = STRBUF_INIT, out = STRBUF_INIT;
	int ret = -1;

	if (!*rev || *rev == '-') {
		ret = error("'%s' is not a revision", rev);
		goto out;
	}
	sb_printf(&spec, "%s^{commit}", rev);
	if (git_out(dir, (const char *const[]){ "rev-parse", "--verify", "--quiet",
						spec.buf, NULL },
		    4096, &out)) {
		error("no commit '%s' in '%s'", rev, dir);
		goto out;
	}
	if (!bisect_commit_valid(out.buf)) {
		error("git rev-parse '%s' in '%s' gave '%s', not a commit id", rev, dir,
		      out.buf);
		goto out;
	}
	*id = strbuf_detach(&out);
	ret = 0;
out:
	strbuf_release(&spec);
	strbuf_release(&out);
	return ret;
}

/* Whether a is an ancestor of b: 1, 0, or -1 after reporting. */
static int is_ancestor(const char *dir, const char *a, const char *b)
{
	struct command c;
	int r = -1;

	command_init(&c);
	strvec_pushv(&c.args, (const char *const[]){ "git", "-C", dir, "merge-base",
						     "--is-ancestor", a, b, NULL });
	c.timeout = GIT_TIMEOUT;
	if (command_run(&c))
		r = -1;
	else if (c.exited && (c.status == 0 || c.status == 1))
		r = c.status == 0;
	else
		r = error("git merge-base --is-ancestor in '%s' failed: %s", dir,
			  c.output.buf);
	command_release(&c);
	return r;
}

int bisect_git_commits(const char *dir, const char *good, const char *bad,
		       struct strvec *commits, char **good_id, char **bad_id)
{
	struct strbuf range = STRBUF_INIT, out = STRBUF_INIT;
	char *g = NULL, *b = NULL;
	const char *older, *newer;
	int ret = -1, r;

	if (resolve(dir, good, &g) || resolve(dir, bad, &b))
		goto out;
	if (!strcmp(g, b)) {
		error("--good '%s' and --bad '%s' are the same commit %s", good, bad, g);
		goto out;
	}
	r = is_ancestor(dir, g, b);
	if (r < 0)
		goto out;
	older = r ? g : b;
	newer = r ? b : g;
	if (!r && (r = is_ancestor(dir, b, g)) <= 0) {
		if (!r)
			error("neither of --good '%s' and --bad '%s' is an ancestor of "
			      "the other in '%s'",
			      good, bad, dir);
		goto out;
	}
	sb_printf(&range, "%s..%s", older, newer);
	if (git_out(dir, (const char *const[]){ "rev-list", "--reverse", "--ancestry-path",
						range.buf, NULL },
		    64 << 20, &out))
		goto out;
	strvec_push(commits, older);
	for (char *line = out.buf, *nl; *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if (*line)
			strvec_push(commits, line);
	}
	*good_id = g;
	*bad_id = b;
	g = b = NULL;
	ret = 0;
out:
	free(g);
	free(b);
	strbuf_release(&range);
	strbuf_release(&out);
	return ret;
}

int bisect_git_snapshot(const char *dir, const char *commit, const char *cache_dir,
			char **path)
{
	struct strbuf p = STRBUF_INIT, tmp = STRBUF_INIT, prefix = STRBUF_INIT;
	struct command c;
	int ret = -1;

	command_init(&c);
	sb_printf(&p, "%s/downloads/git", cache_dir);
	if (mkdir_p(p.buf, 0755))
		goto out;
	sb_printf(&p, "/%s.tar.gz", commit);
	if (path_exists(p.buf)) {
		*path = strbuf_detach(&p);
		ret = 0;
		goto out;
	}
	sb_printf(&tmp, "%s.part-%ld", p.buf, (long)getpid());
	sb_printf(&prefix, "qemu-%.12s/", commit);
	info("commit %s: git archive from '%s'", commit, dir);
	strvec_pushv(&c.args, (const char *const[]){ "git", "-C", dir, "archive",
						     "--format=tar.gz", NULL });
	strvec_pushf(&c.args, "--prefix=%s", prefix.buf);
	strvec_pushf(&c.args, "--output=%s", tmp.buf);
	strvec_push(&c.args, commit);
	c.timeout = ARCHIVE_TIMEOUT;
	if (command_run_checked(&c) || rename(tmp.buf, p.buf)) {
		if (c.exited && c.status == 0)
			error_errno("cannot rename '%s' to '%s'", tmp.buf, p.buf);
		unlink(tmp.buf);
		goto out;
	}
	*path = strbuf_detach(&p);
	ret = 0;
out:
	command_release(&c);
	strbuf_release(&p);
	strbuf_release(&tmp);
	strbuf_release(&prefix);
	return ret;
}

int bisect_git_subject(const char *dir, const char *commit, struct strbuf *out)
{
	struct strbuf spec = STRBUF_INIT;
	int ret;

	sb_printf(&spec, "%s^{commit}", commit);
	ret = git_out(dir, (const char *const[]){ "log", "-1", "--format=%h %s", spec.buf,
						  NULL },
		      4096, out);
	strbuf_release(&spec);
	return ret;
}
