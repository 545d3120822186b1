#ifndef SWEEP_BISECT_H
#define SWEEP_BISECT_H

/*
 * The search of `virt-matrix bisect`, apart from building and running so
 * that it can be tested on its own. Candidates 0..n-1 are in order,
 * oldest first (versions, or commits as listed). As in git bisect's
 * old/new terms, candidate 0 has the state of the older end and n-1
 * that of the newer end; the search finds the first candidate in the
 * newer state, whichever of good and bad that is (a regression or a fix).
 * Besides the search: the command's options, which candidates a bisect
 * has, and how its answer reads, all without building or running.
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

/*
 * bisect_git.c. The commits of the clone at dir from good to bad, either
 * the older: the older end's full id, then the commits on the ancestry
 * path to the newer end, oldest first, appended to commits; the full ids
 * of good and bad, malloc'd, in *good_id and *bad_id. -1 after reporting
 * (no such revision, neither end an ancestor of the other, git failed).
 */
int bisect_git_commits(const char *dir, const char *good, const char *bad,
		       struct strvec *commits, char **good_id, char **bad_id) VM_WUR;

/*
 * The tree of commit in the clone at dir as a tarball in the cache
 * (cache_dir/downloads/git/<commit>.tar.gz, top directory
 * qemu-<12 characters>/), made with git archive unless there; its path,
 * malloc'd, in *path. -1 after reporting (nothing half-written is left).
 */
int bisect_git_snapshot(const char *dir, const char *commit, const char *cache_dir,
			char **path) VM_WUR;

/*
 * "<short id> <subject>" of commit in the clone at dir into out; -1 after
 * reporting.
 */
int bisect_git_subject(const char *dir, const char *commit, struct strbuf *out) VM_WUR;

/* The options of `virt-matrix bisect`; strings point into its argv. */
struct bisect_opts {
	const char *scenario; /* one of scenario, machine and guest */
	const char *machine;  /* --abi: a machine type's ABI fingerprint */
	const char *guest;    /* --guest: a machine type's guest view */
	const char *migration; /* --migration: a machine type's migration... */
	const char *mig_from, *mig_to; /* ...from this QEMU install, or to it */
	const char *libvirt;		/* NULL: the direct runner */
	const char *good, *bad;
	const char *url, *commits_file, *base, *flavour; /* commits */
	const char *git;       /* --git DIR: commits of a local clone */
	const char *from, *timeout, *uuid, *db;
	long timeout_s;	       /* --timeout, or run's default */
	struct strvec commits; /* --commit, oldest first */
};

/* o with its defaults. */
void bisect_opts_init(struct bisect_opts *o);
void bisect_opts_release(struct bisect_opts *o);

/*
 * Parses bisect's argv (argv[0] the command) into o. 0, 1 for --help,
 * -1 after reporting (with the usage on stderr for an unknown option).
 */
int bisect_opts_parse(struct bisect_opts *o, int argc, char **argv);

/* Whether the options go together: 0, or -1 after reporting why not. */
int bisect_opts_check(const struct bisect_opts *o) VM_WUR;

/*
 * The bisect o describes (validated), from the store to the answer;
 * argc and argv are recorded with the bisect's sweep. Returns the exit
 * status: 0 when the first changed candidate was found, 1 otherwise,
 * 130 when interrupted.
 */
int bisect_execute(const struct bisect_opts *o, int argc, char **argv);

/*
 * The versions of catalog from good to bad (either may be the older),
 * both included, appended to out in catalog order.
 */
void bisect_versions_between(const struct strvec *catalog, const char *good,
			     const char *bad, struct strvec *out);

/*
 * Commit candidates: the commits of the list from good to bad, in list
 * order, into label (the commits) and cand (their installs, named
 * base+g<first 12 characters>). -1 after reporting when base is not a
 * release or good or bad is not in the list.
 */
int bisect_commit_candidates(const struct strvec *commits, const char *good,
			     const char *bad, const char *base, struct strvec *label,
			     struct strvec *cand) VM_WUR;

/*
 * The state of a candidate judged verdict ('g' good, 'b' bad, 's' cannot
 * be judged) when the good end is the older one (good_is_old) or not.
 */
enum bisect_state bisect_state_of(int verdict, int good_is_old);

/* What a finished search found, for bisect_describe. */
struct bisect_answer {
	const struct strvec *label;   /* candidates as the user calls them */
	const struct strvec *cand;    /* their installs */
	const char *const *evidence;  /* per candidate */
	struct bisect_result res;
	int good_is_old;
	int commits; /* candidates are commits (shown with their install) */
	/* Per candidate, what its commit says ("abc1234 subject"), or NULL. */
	const char *const *subject;
};

/* The answer's lines: the first changed candidate(s) and both sides. */
void bisect_describe(const struct bisect_answer *a, struct strbuf *out);

/*
 * A small line diff for the answer's evidence: the lines of a that b
 * lacks as "<indent>- line", then those of b that a lacks as
 * "<indent>+ line", appended to out; at most budget lines, at most half
 * of them '-' lines. Returns how many differing lines were left out.
 */
int bisect_line_diff(const char *a, const char *b, int budget,
		     const char *indent, struct strbuf *out);

/* ---- bisect_guest.c: --guest, judged on the store alone. ---- */

struct store;

/*
 * Judges the guest view of machine on binary bin (the install called
 * install; bin 0: not probed) against the good end's fingerprint
 * good_fp under guest_rev good_rev, or, when good_fp is NULL, as the
 * good end itself. Returns 'g' (the same fingerprint; the good end:
 * any view), 'b' (another one), 's' (cannot be judged: no probe
 * record, the guest view not taken, no such machine type, a failed
 * record, or a view under another guest_rev), with *fp (malloc'd;
 * NULL for 's') and *rev set and one line of evidence appended to ev;
 * -1 after reporting a store error.
 */
int bisect_guest_judge(struct store *st, long long bin, const char *install,
		       const char *machine, const char *good_fp, int good_rev,
		       char **fp, int *rev, struct strbuf *ev) VM_WUR;

/* The two sides of a --guest answer: [0] the last old candidate, [1] the first new. */
struct bisect_guest_sides {
	long long binary[2];
	const char *label[2];	/* as the user calls them */
	const char *install[2]; /* their installs, for 'virt-matrix show guest' */
};

/*
 * The items of machine's guest view that differ between the two sides,
 * appended to out: those only on one side, and those changed, each with
 * a bounded line diff of its decoded text (matrix/guestdecode.h; an item
 * that cannot be decoded is compared as a hex dump, after the decoder's
 * error). 0, or -1 after reporting when a view cannot be read.
 */
int bisect_guest_diff(struct store *st, const char *machine,
		      const struct bisect_guest_sides *s, struct strbuf *out) VM_WUR;

/*
 * `bisect --migration MACHINE` (bisect_migration.c): candidate cand is
 * judged by migrating a guest of that machine type from install from to
 * cand (or from cand to install to: exactly one of from and to), with
 * `virt-matrix migrate` recording into the bisect's sweep (uuid, in the
 * store at db; st reads it). 'g' when the guest proved it survived, 'b'
 * when the migration failed, 's' when it cannot be judged (the control
 * failed, the machine type is missing, the harness erred), with one line
 * of evidence appended to ev; -1 on error or interrupt.
 */
int bisect_migration_judge(struct store *st, const char *db, const char *uuid,
			   long long sweep_id, const char *machine, const char *from,
			   const char *to, const char *cand, long timeout_s,
			   struct strbuf *ev) VM_WUR;

#endif
