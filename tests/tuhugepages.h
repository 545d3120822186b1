#ifndef TESTS_TUHUGEPAGES_H
#define TESTS_TUHUGEPAGES_H

/*
 * For the integration tests of runs with hugepage memory, which share
 * the machine's hugepages with every other virt-matrix on it: the
 * machine's nr_hugepages, its hugetlbfs mounts, and the records of the
 * hugepage registry (runner/hugepages.h). Another process's record at a
 * snapshot means nr_hugepages may change under the test for reasons of
 * its own (it gives back, or a sweep gives back for it).
 */

#include <limits.h>

#include "hugepages.h"
#include "testutil.h"

/* The machine's nr_hugepages. */
static inline long tu_nr_hugepages(void)
{
	char *t = tu_read(hugepage_paths_host.nr);
	long v;

	t[strcspn(t, "\n")] = '\0';
	if (parse_long(t, 0, LONG_MAX, &v))
		fail_msg("'%s' holds '%s'", hugepage_paths_host.nr, t);
	free(t);
	return v;
}

/*
 * The hugetlbfs mounts whose mount point starts with under (NULL: all),
 * one line of /proc/self/mounts each; malloc'd, "" when none.
 */
static inline char *tu_hugetlbfs_mounts(const char *under)
{
	struct strbuf all = STRBUF_INIT, out = STRBUF_INIT;
	const char *l;

	assert_int_equal(read_regular_file(&all, "/proc/self/mounts", 1 << 20), 0);
	for (l = all.buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *mp = strchr(l, ' ');

		if (!strncmp(l, "hugetlbfs ", 10) && mp &&
		    (!under || !strncmp(mp + 1, under, strlen(under))))
			sb_printf(&out, "%.*s\n", (int)strcspn(l, "\n"), l);
	}
	strbuf_release(&all);
	return strbuf_detach(&out);
}

/*
 * The records of the machine's registry, except those whose mount point
 * starts with mine (NULL: none excepted), one line each ("pid N (live):
 * 128 pages, mount M"); malloc'd, "" when there are none.
 */
static inline char *tu_hugepage_owners(const char *mine)
{
	struct hugepage_record *recs = NULL;
	struct strbuf out = STRBUF_INIT;
	size_t n = 0;

	assert_int_equal(host_hugepages_records(NULL, &recs, &n), 0);
	for (size_t i = 0; i < n; i++) {
		const char *m = recs[i].mount;

		if (mine && m && !strncmp(m, mine, strlen(mine)))
			continue;
		sb_printf(&out, "pid %ld (%s): %ld pages%s, mount %s\n", recs[i].pid,
			  recs[i].live ? "live" : "gone", recs[i].pages,
			  recs[i].changing ? " (changing)" : "", m ? m : "none");
	}
	hugepage_records_free(recs, n);
	return strbuf_detach(&out);
}

/* The record (its path) whose mount point is mnt, or NULL; malloc'd. */
static inline char *tu_hugepage_record_of(const char *mnt)
{
	struct hugepage_record *recs = NULL;
	char *path = NULL;
	size_t n = 0;

	assert_int_equal(host_hugepages_records(NULL, &recs, &n), 0);
	for (size_t i = 0; i < n && !path; i++)
		if (recs[i].mount && !strcmp(recs[i].mount, mnt))
			path = tu_path(hugepage_paths_host.registry, recs[i].name);
	hugepage_records_free(recs, n);
	return path;
}

#endif
