#ifndef VM_LINEDIFF_H
#define VM_LINEDIFF_H

/*
 * A line diff: Myers' O((N+D)D) shortest edit script between two lists
 * of lines, bounded so that two unrelated texts cost no more than a
 * chosen number of edits, and its unified form ("@@ -A,N +B,M @@", then
 * lines prefixed "  ", "- " and "+ "), capped at a number of lines. The
 * reports use it to show how the decoded text of an item changed.
 */

#include <stddef.h>

#include "strbuf.h"

struct ld_edit {
	char op;     /* ' ' common, '-' removed, '+' added */
	size_t a, b; /* the line in the old list (' ', '-'), in the new (' ', '+') */
};

struct linediff {
	struct ld_edit *v;
	size_t nr, alloc;
	size_t removed, added;
	int bounded; /* more than max_d edits: the middle is all removed, all added */
};

/*
 * The edits that turn a[0..na) into b[0..nb) into d (zeroed first):
 * every line of both once, in order; within a run of changes the removed
 * lines come before the added ones. Lines the two share at their start
 * and end are never searched; in between, a shortest script of at most
 * max_d removed plus added lines is searched for, and when there is
 * none, everything between is given as removed then added and
 * d->bounded is set (a correct script, not a shortest one). Memory is
 * O(max_d^2). Release d with linediff_release.
 */
void linediff(const char *const *a, size_t na, const char *const *b, size_t nb,
	      size_t max_d, struct linediff *d);
void linediff_release(struct linediff *d);

/*
 * d as unified hunks with context common lines around each change
 * (hunks that would overlap are one), each line appended to out; at most
 * max_lines lines, then the line "... N more lines" (N: hunk headers and
 * lines not shown). Returns N. Nothing is appended when the lists are
 * equal.
 */
size_t linediff_unified(const struct linediff *d, const char *const *a,
			const char *const *b, size_t context, size_t max_lines,
			struct strvec *out);

/* text split at '\n' (a last line without one included) into out. */
void linediff_split(const char *text, struct strvec *out);

#endif
