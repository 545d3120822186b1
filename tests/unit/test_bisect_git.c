/*
 * sweep/bisect_git.c on a git repository the test makes: the candidates
 * of `bisect --git` (the older end, then the ancestry path to the newer,
 * whichever of good and bad is older; a side branch's commit left out),
 * revisions that are not commits or not related refused with the reason,
 * and the snapshot of a commit: a tarball with the commit's tree under
 * qemu-<12 characters>/, made once and then reused, nothing half-written.
 */
#include <archive.h>
#include <archive_entry.h>

#include "testutil.h"
#include "bisect.h"

static char *dir, *repo;

static int git(char **out, const char *const *args)
{
	return tu_run(out, (const char *const[]){ "git", "-C", repo, "-c", "user.name=t",
						  "-c", "user.email=t@example.org",
						  "-c", "init.defaultBranch=main", NULL },
		      args, 60);
}

static char *commit(const char *file, const char *text, const char *msg)
{
	char *out = NULL;

	tu_write(repo, file, text);
	assert_exit(git(&out, (const char *const[]){ "add", "-A", NULL }), 0);
	free(out);
	assert_exit(git(&out, (const char *const[]){ "commit", "-q", "-m", msg, NULL }), 0);
	free(out);
	assert_exit(git(&out, (const char *const[]){ "rev-parse", "HEAD", NULL }), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static char *c[4], *side;

static int setup(void **state)
{
	char *out = NULL;

	(void)state;
	if (access("/usr/bin/git", X_OK)) {
		fprintf(stderr, "no git ('make deps' installs it)\n");
		return -1;
	}
	dir = tu_tmpdir("bisectgit");
	repo = tu_path(dir, "repo");
	assert_int_equal(mkdir(repo, 0755), 0);
	assert_exit(git(&out, (const char *const[]){ "init", "-q", NULL }), 0);
	free(out);
	c[0] = commit("VERSION", "7.2.0\n", "c0");
	c[1] = commit("a.c", "int a;\n", "c1");
	/* A side branch from c1, merged after c2: its commit is no candidate
	 * unless on the ancestry path (it is: c1..c3 passes through it). */
	assert_exit(git(&out, (const char *const[]){ "checkout", "-q", "-b", "side", NULL }),
		    0);
	free(out);
	side = commit("b.c", "int b;\n", "side");
	assert_exit(git(&out, (const char *const[]){ "checkout", "-q", "main", NULL }), 0);
	free(out);
	c[2] = commit("a.c", "int a = 2;\n", "c2");
	assert_exit(git(&out, (const char *const[]){ "merge", "-q", "--no-edit", "side", NULL }),
		    0);
	free(out);
	c[3] = commit("a.c", "int a = 3;\n", "c3");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		free(c[i]);
	free(side);
	free(repo);
	tu_rmdir(dir);
	return 0;
}

static void test_commits(void **state)
{
	struct strvec v = STRVEC_INIT;
	char *g = NULL, *b = NULL;

	(void)state;
	assert_int_equal(bisect_git_commits(repo, "main~2", "main", &v, &g, &b), 0);
	/* main~2 is c2 (first parent of the merge is c2): c2, merge, c3. */
	assert_int_equal(v.nr, 3);
	assert_string_equal(v.v[0], c[2]);
	assert_string_equal(v.v[2], c[3]);
	assert_string_equal(g, c[2]);
	assert_string_equal(b, c[3]);
	strvec_clear(&v);
	free(g);
	free(b);

	/* From c0: every commit, the side branch's included, oldest first. */
	assert_int_equal(bisect_git_commits(repo, c[0], "HEAD", &v, &g, &b), 0);
	assert_int_equal(v.nr, 6);
	assert_string_equal(v.v[0], c[0]);
	assert_string_equal(v.v[1], c[1]);
	assert_string_equal(v.v[5], c[3]);
	for (size_t i = 0; i < v.nr; i++)
		assert_int_equal(strlen(v.v[i]), 40);
	strvec_clear(&v);
	free(g);
	free(b);

	/* What a commit says of itself, for the answer. */
	{
		struct strbuf subj = STRBUF_INIT;

		assert_int_equal(bisect_git_subject(repo, c[2], &subj), 0);
		assert_true(!strncmp(subj.buf, c[2], 7));
		assert_string_equal(strchr(subj.buf, ' '), " c2");
		strbuf_release(&subj);
	}

	/* Good newer than bad (finding the fix): the list is still oldest first. */
	assert_int_equal(bisect_git_commits(repo, "HEAD", c[1], &v, &g, &b), 0);
	assert_string_equal(v.v[0], c[1]);
	assert_string_equal(v.v[v.nr - 1], c[3]);
	assert_string_equal(g, c[3]);
	assert_string_equal(b, c[1]);
	strvec_clear(&v);
	free(g);
	free(b);
}

static const struct bad_case {
	const char *name, *good, *bad, *want;
} bad_cases[] = {
	{ "no such revision", "v99", "HEAD", "no commit 'v99' in" },
	{ "an option for a revision", "--all", "HEAD", "'--all' is not a revision" },
	{ "the same commit", "HEAD", "main", "are the same commit" },
	{ "unrelated", "side", "main~2", "neither of --good 'side' and --bad 'main~2' is an "
					 "ancestor of the other" },
};

static void test_bad_revisions(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *k = &bad_cases[i];
		struct strvec v = STRVEC_INIT;
		char *g = NULL, *b = NULL, *err;
		int rc;

		tu_capture_begin();
		rc = bisect_git_commits(repo, k->good, k->bad, &v, &g, &b);
		err = tu_capture_end();
		if (rc != -1)
			fail_msg("%s: accepted", k->name);
		assert_contains(err, k->want, k->name);
		assert_int_equal(v.nr, 0);
		assert_null(g);
		free(err);
	}
}

/* The entries of a tarball, one per line. */
static char *entries(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct strbuf s = STRBUF_INIT;

	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK)
		sb_printf(&s, "%s\n", archive_entry_pathname(e));
	archive_read_free(a);
	return strbuf_detach(&s);
}

static void test_snapshot(void **state)
{
	char *cache = tu_path(dir, "cache"), *p = NULL, *again = NULL, *list, *partdir;
	struct strbuf want = STRBUF_INIT;
	struct stat st1, st2;

	(void)state;
	assert_int_equal(bisect_git_snapshot(repo, c[1], cache, &p), 0);
	sb_printf(&want, "%s/downloads/git/%s.tar.gz", cache, c[1]);
	assert_string_equal(p, want.buf);
	list = entries(p);
	strbuf_reset(&want);
	sb_printf(&want, "qemu-%.12s/a.c\n", c[1]);
	assert_contains(list, want.buf, "the commit's tree");
	assert_null(strstr(list, "b.c")); /* the side branch's file is not in c1 */
	free(list);
	assert_int_equal(stat(p, &st1), 0);
	assert_int_equal(bisect_git_snapshot(repo, c[1], cache, &again), 0);
	assert_int_equal(stat(again, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino); /* reused, not made again */

	/* A commit git does not have: an error, and no file, whole or part. */
	tu_capture_begin();
	assert_int_equal(bisect_git_snapshot(repo, "0123456789abcdef0123456789abcdef01234567",
					     cache, &p),
			 -1);
	free(tu_capture_end());
	partdir = tu_path(cache, "downloads/git");
	{
		DIR *d = opendir(partdir);
		struct dirent *de;
		int n = 0;

		assert_non_null(d);
		while ((de = readdir(d)))
			n += de->d_name[0] != '.';
		closedir(d);
		assert_int_equal(n, 1);
	}
	free(partdir);
	free(p);
	free(again);
	free(cache);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commits),
		cmocka_unit_test(test_bad_revisions),
		cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
