#ifndef VM_VERSION_H
#define VM_VERSION_H

/*
 * Release versions and version ranges, as used in specs/ and patches/.
 *
 * A version is dotted numbers, an optional release candidate and an
 * optional label: "10.0.2", "8.1.0-rc2", "7.2.22-system". Versions order
 * by their numbers (missing parts count as 0), then a release candidate
 * before its release, then unlabelled before labelled.
 *
 * A range selects release series, both ends inclusive:
 *   *          every version
 *   7.2        the 7.2 series: 7.2, 7.2.0, 7.2.22-system, 7.2.0-rc1
 *   8.1..      8.1.0-rc0 and everything after
 *   ..6.6      everything up to and including the 6.6 series
 *   5.2..7.2   from the 5.2 series to the 7.2 series
 * Labels never affect range membership.
 */

#include <stddef.h>

#include "util.h"

#define VERSION_MAX_PARTS 6
#define VERSION_LABEL_MAX 64

struct version {
	int nparts;
	long part[VERSION_MAX_PARTS];
	long rc; /* -1: not a release candidate */
	char label[VERSION_LABEL_MAX];
};

struct vrange {
	int any;
	int has_lo, has_hi;
	struct version lo, hi;
};

/* Returns 0, or -1 (not reported) when s is not a version. */
int version_parse(const char *s, struct version *v) VM_WUR;
int version_cmp(const struct version *a, const struct version *b);
/* Compares two version strings; unparsable ones sort after, by strcmp. */
int version_strcmp(const char *a, const char *b);

/* Returns 0, or -1 (not reported) when s is not a range. */
int vrange_parse(const char *s, struct vrange *r) VM_WUR;
int vrange_contains(const struct vrange *r, const struct version *v);
/* The accepted forms, for error messages. */
#define VRANGE_FORMS "*, 7.2, 7.2.., ..8.0 or 5.2..7.2"

#endif
