/*
 * The bisection search and the inputs of a commit bisect (see bisect.h):
 * which candidate to test next, the commit list file, and the snapshot
 * URL template of a git forge; the candidates of a bisect, the state of
 * a judged candidate, and how the answer reads (its line diffs too).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "version.h"
#include "banned.h"

int bisect_next(const enum bisect_state *state, size_t n, size_t *next,
		struct bisect_result *res)
{
	size_t lo = 0, hi, best = 0;
	int found = 0;

	if (n < 2 || state[0] != BISECT_OLD || state[n - 1] != BISECT_NEW)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (state[i] == BISECT_OLD)
			lo = i;
	for (hi = lo + 1; hi < n && state[hi] != BISECT_NEW; hi++)
		;
	if (hi == n)
		return -1; /* cannot happen: state[n - 1] is NEW */
	for (size_t i = lo + 1; i < hi; i++) {
		size_t mid2 = lo + hi, d = 2 * i > mid2 ? 2 * i - mid2 : mid2 - 2 * i;
		size_t bd = 2 * best > mid2 ? 2 * best - mid2 : mid2 - 2 * best;

		if (state[i] != BISECT_UNTESTED)
			continue;
		if (!found || d < bd) {
			best = i;
			found = 1;
		}
	}
	if (found) {
		*next = best;
		return 1;
	}
	res->last_old = lo;
	res->first_new = hi;
	res->nskipped = hi - lo - 1;
	return 0;
}

int bisect_commit_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

int bisect_parse_commits(const char *path, const char *text, struct strvec *out)
{
	const char *p = text;
	int line = 0;

	while (*p) {
		const char *end = strchr(p, '\n'), *w;
		size_t len = end ? (size_t)(end - p) : strlen(p), wl;
		char *word;

		line++;
		for (w = p; w < p + len && isspace((unsigned char)*w); w++)
			;
		for (wl = 0; w + wl < p + len && !isspace((unsigned char)w[wl]) &&
			     w[wl] != '#';
		     wl++)
			;
		p += len + (end ? 1 : 0);
		if (!wl)
			continue;
		word = xstrndup(w, wl);
		if (!bisect_commit_valid(word)) {
			error("%s:%d: '%s' is not a commit; expected a commit id "
			      "(4 to 64 of 0-9 A-Z a-z . _ -) first on the line",
			      path, line, word);
			free(word);
			return -1;
		}
		for (size_t i = 0; i < out->nr; i++)
			if (!strcmp(out->v[i], word)) {
				error("%s:%d: commit '%s' is listed twice", path, line,
				      word);
				free(word);
				return -1;
			}
		strvec_push(out, word);
		free(word);
	}
	if (!out->nr)
		return error("%s: no commits listed", path);
	return 0;
}

int bisect_url(const char *tmpl, const char *commit, struct strbuf *out)
{
	const char *p = tmpl, *v;
	int used = 0;

	strbuf_reset(out);
	while (*p) {
		if (skip_prefix(p, "${commit}", &v)) {
			sb_puts(out, commit);
			used = 1;
		} else if (skip_prefix(p, "${short}", &v)) {
			if (strbuf_add(out, commit, strlen(commit) < 12 ? strlen(commit) : 12))
				return error("URL too long");
			used = 1;
		} else if (skip_prefix(p, "${", &v)) {
			return error("URL template '%s': unknown '${%.*s'; expected "
				     "${commit} or ${short}",
				     tmpl, (int)strcspn(v, "}") + 1, v);
		} else {
			sb_putc(out, *p);
			v = p + 1;
		}
		p = v;
	}
	if (!used)
		return error("URL template '%s' has no ${commit} (or ${short}); e.g. "
			     "https://gitlab.com/qemu-project/qemu/-/archive/${commit}/"
			     "qemu-${commit}.tar.gz",
			     tmpl);
	return 0;
}

void bisect_versions_between(const struct strvec *catalog, const char *good,
			     const char *bad, struct strvec *out)
{
	const char *lo = good, *hi = bad;

	if (version_strcmp(lo, hi) > 0) {
		lo = bad;
		hi = good;
	}
	for (size_t i = 0; i < catalog->nr; i++)
		if (version_strcmp(catalog->v[i], lo) >= 0 &&
		    version_strcmp(catalog->v[i], hi) <= 0)
			strvec_push(out, catalog->v[i]);
}

static int index_of(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return (int)i;
	return -1;
}

int bisect_commit_candidates(const struct strvec *commits, const char *good,
			     const char *bad, const char *base, struct strvec *label,
			     struct strvec *cand)
{
	int g = index_of(commits, good), b = index_of(commits, bad);
	struct version v;

	if (!base || version_parse(base, &v) || v.label[0])
		return error("--url wants --base-version, a release such as 7.2.0 "
			     "(its recipe and patches build the commits)");
	if (g < 0 || b < 0)
		return error("--%s '%s' is not in the commit list", g < 0 ? "good" : "bad",
			     g < 0 ? good : bad);
	for (int i = g < b ? g : b; i <= (g < b ? b : g); i++) {
		strvec_push(label, commits->v[i]);
		strvec_pushf(cand, "%s+g%.12s", base, commits->v[i]);
	}
	return 0;
}

enum bisect_state bisect_state_of(int verdict, int good_is_old)
{
	if (verdict == 's')
		return BISECT_SKIP;
	return (verdict == 'g') == !!good_is_old ? BISECT_OLD : BISECT_NEW;
}

void bisect_describe(const struct bisect_answer *a, struct strbuf *out)
{
	const char *what = a->good_is_old ? "bad" : "good";
	const char *kind = a->commits ? "commit" : "version";
	size_t o = a->res.last_old, f = a->res.first_new;

	if (a->res.nskipped) {
		sb_printf(out, "the first %s %s is one of:", what, kind);
		for (size_t i = o + 1; i <= f; i++)
			sb_printf(out, " %s", a->label->v[i]);
		sb_printf(out, " (those before %s could not be judged)\n", a->label->v[f]);
	} else {
		sb_printf(out, "first %s %s: %s (after %s %s)\n", what, kind, a->label->v[f],
			  a->good_is_old ? "good" : "bad", a->label->v[o]);
	}
	if (a->commits && a->subject && a->subject[f] && !a->res.nskipped)
		sb_printf(out, "  %s\n", a->subject[f]);
	if (a->commits)
		sb_printf(out, "  built as QEMU %s\n", a->cand->v[f]);
	sb_printf(out, "  %s side, %s:\n      %s\n", a->good_is_old ? "good" : "bad",
		  a->label->v[o], a->evidence[o]);
	sb_printf(out, "  %s side, %s:\n      %s\n", what, a->label->v[f], a->evidence[f]);
}

/* The lines of a that b lacks, as "<indent><mark> line", while *shown < cap. */
static void lines_missing(const char *a, const char *b, char mark, const char *indent,
			  int cap, struct strbuf *out, int *shown, int *more)
{
	const char *p = a;

	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *q = b;
		int found = 0;

		while (*q && !found) {
			size_t ql = strcspn(q, "\n");

			found = ql == len && !memcmp(p, q, len);
			q += ql + (q[ql] ? 1 : 0);
		}
		if (!found) {
			if (*shown < cap) {
				sb_printf(out, "%s%c %.*s\n", indent, mark, (int)len, p);
				(*shown)++;
			} else {
				(*more)++;
			}
		}
		p += len + (p[len] ? 1 : 0);
	}
}

int bisect_line_diff(const char *a, const char *b, int budget, const char *indent,
		     struct strbuf *out)
{
	int shown = 0, more = 0;

	lines_missing(a, b, '-', indent, budget / 2, out, &shown, &more);
	lines_missing(b, a, '+', indent, budget, out, &shown, &more);
	return more;
}
