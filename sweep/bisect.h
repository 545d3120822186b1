#ifndef SWEEP_BISECT_H
#define SWEEP_BISECT_H

/*
 * The search of `virt-matrix bisect`, apart from building and running so
 * that it can be tested on its own. Candidates 0..n-1 are in order,
 * oldest first (versions, or commits as listed). As in git bisect's
 * old/new terms, candidate 0 has the state of the older end and n-1
 * that of the newer end; the search finds the first candidate in the
 * newer state, whichever of good and bad that is (a regression or a fix).
 */

#include <stddef.h>

#include "strbuf.h"
#include "util.h"

enum bisect_state {
	BISECT_UNTESTED = 0,
	BISECT_OLD,  /* as the older end */
	BISECT_NEW,  /* as the newer end */
	BISECT_SKIP, /* cannot be judged: build failed, run errored, no such machine type */
};

struct bisect_result {
	size_t last_old;  /* the newest candidate in the old state */
	size_t first_new; /* the first candidate in the new state after it */
	/* Skipped candidates between them: the first new one is among them
	 * or first_new. */
	size_t nskipped;
};

/*
 * The candidate to test next, given what state[] (n entries, state[0] ==
 * OLD and state[n-1] == NEW) knows: the untested candidate closest to
 * the middle of the last old and the first new one after it. Returns 1
 * with *next set, or 0 when nothing between them is left to test, with
 * *res set. -1 (not reported) when n < 2 or the ends are not OLD and NEW.
 */
int bisect_next(const enum bisect_state *state, size_t n, size_t *next,
		struct bisect_result *res);

/*
 * Reads a commit list: one commit per line, oldest first, as `git
 * rev-list --reverse` prints them; '#' starts a comment, blank lines
 * are skipped, a line's first word is the commit. A commit is 4 to 64
 * characters of [0-9A-Za-z._-]. Reports file:line on a bad line or a
 * repeated commit. -1 after reporting.
 */
int bisect_parse_commits(const char *path, const char *text,
			 struct strvec *out) VM_WUR;

/* Whether s can be a commit in a list (see bisect_parse_commits). */
int bisect_commit_valid(const char *s);

/*
 * The URL of commit's snapshot: every ${commit} of tmpl replaced by the
 * commit, ${short} by its first 12 characters. -1 after reporting when
 * tmpl has no ${commit} or ${short}, or another ${...}.
 */
int bisect_url(const char *tmpl, const char *commit, struct strbuf *out) VM_WUR;

#endif
