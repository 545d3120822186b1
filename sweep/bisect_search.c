/*
 * The bisection search and the inputs of a commit bisect (see bisect.h):
 * which candidate to test next, the commit list file, and the snapshot
 * URL template of a git forge.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
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
