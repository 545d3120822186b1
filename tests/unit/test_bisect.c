/*
 * The bisection search (sweep/bisect_search.c) driven to its end over
 * known truths, both directions alike (the search only knows old and
 * new), with candidates that cannot be judged; the commit list parser
 * and the snapshot URL template, with the errors a user would see.
 */
#include "testutil.h"
#include "bisect.h"
#include "sweep.h"

struct search_case {
	const char *name;
	const char *truth;  /* per candidate: o (old), n (new), s (skip) */
	size_t last_old, first_new, nskipped;
	int max_tests;	    /* candidates tested besides the two ends */
};

static const struct search_case search_cases[] = {
	{ "two candidates", "on", 0, 1, 0, 0 },
	{ "three, middle old", "oon", 1, 2, 0, 1 },
	{ "three, middle new (fix found at 7.2 -> 10.0)", "onn", 0, 1, 0, 1 },
	{ "eight, change at 5", "ooooonnn", 4, 5, 0, 3 },
	{ "eight, change at 1", "onnnnnnn", 0, 1, 0, 3 },
	{ "eight, change at 7", "ooooooon", 6, 7, 0, 3 },
	{ "sixteen, change at 9", "ooooooooonnnnnnn", 8, 9, 0, 4 },
	{ "skip in the middle, answer after it", "oosoonnn", 4, 5, 0, 5 },
	{ "skip right before the change", "ooosnnn", 2, 4, 1, 4 },
	{ "only skips between", "ossn", 0, 3, 2, 2 },
};

static void test_search(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(search_cases); c++) {
		const struct search_case *k = &search_cases[c];
		size_t n = strlen(k->truth), next;
		enum bisect_state st[32] = { 0 };
		struct bisect_result res;
		int tests = 0, rc;

		st[0] = BISECT_OLD;
		st[n - 1] = BISECT_NEW;
		while ((rc = bisect_next(st, n, &next, &res)) == 1) {
			if (next == 0 || next >= n - 1 || st[next] != BISECT_UNTESTED)
				fail_msg("%s: asked for candidate %zu again", k->name, next);
			st[next] = k->truth[next] == 'o'   ? BISECT_OLD
				   : k->truth[next] == 'n' ? BISECT_NEW
							   : BISECT_SKIP;
			tests++;
		}
		if (rc != 0 || res.last_old != k->last_old ||
		    res.first_new != k->first_new || res.nskipped != k->nskipped)
			fail_msg("%s: rc %d, last old %zu first new %zu skipped %zu; "
				 "expected %zu %zu %zu",
				 k->name, rc, res.last_old, res.first_new, res.nskipped,
				 k->last_old, k->first_new, k->nskipped);
		if (tests > k->max_tests)
			fail_msg("%s: %d tests, expected at most %d", k->name, tests,
				 k->max_tests);
	}
}

static void test_search_refuses_bad_ends(void **state)
{
	enum bisect_state st[3] = { BISECT_NEW, BISECT_UNTESTED, BISECT_OLD };
	struct bisect_result res;
	size_t next;

	(void)state;
	assert_int_equal(bisect_next(st, 3, &next, &res), -1);
	assert_int_equal(bisect_next(st, 1, &next, &res), -1);
}

struct commits_case {
	const char *name;
	const char *text;
	const char *want;  /* joined with spaces, or NULL for an error */
	const char *error; /* expected in the message */
};

static const struct commits_case commits_cases[] = {
	{ "plain list", "aaaa1111\nbbbb2222\ncccc3333\n", "aaaa1111 bbbb2222 cccc3333", NULL },
	{ "comments, blanks, rev-list --oneline", "# from git rev-list\n\n  aaaa1111 first one\nbbbb2222#x\n",
	  "aaaa1111 bbbb2222", NULL },
	{ "no newline at the end", "aaaa1111\nbbbb2222", "aaaa1111 bbbb2222", NULL },
	{ "a shell-ish word", "aaaa1111\n$(rm -rf /)\n", NULL,
	  "commits.txt:2: '$(rm' is not a commit" },
	{ "too short", "abc\n", NULL, "commits.txt:1: 'abc' is not a commit" },
	{ "twice", "aaaa1111\n# c\naaaa1111\n", NULL, "commits.txt:3: commit 'aaaa1111' is listed twice" },
	{ "empty", "# nothing\n\n", NULL, "commits.txt: no commits listed" },
};

static void test_commit_lists(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(commits_cases); c++) {
		const struct commits_case *k = &commits_cases[c];
		struct strvec v = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = bisect_parse_commits("commits.txt", k->text, &v);
		msg = tu_capture_end();
		if (k->want) {
			for (size_t i = 0; i < v.nr; i++)
				sb_printf(&got, "%s%s", i ? " " : "", v.v[i]);
			if (rc || strcmp(got.buf, k->want))
				fail_msg("%s: got '%s' (rc %d), expected '%s': %s", k->name,
					 got.buf, rc, k->want, msg);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", k->name);
			assert_contains(msg, k->error, k->name);
		}
		free(msg);
		strbuf_release(&got);
		strvec_clear(&v);
	}
}

struct url_case {
	const char *name;
	const char *tmpl, *commit;
	const char *want;
	const char *error;
};

static const struct url_case url_cases[] = {
	{ "gitlab archive", "https://gitlab.com/qemu-project/qemu/-/archive/${commit}/qemu-${commit}.tar.gz",
	  "0123456789abcdef0123", "https://gitlab.com/qemu-project/qemu/-/archive/0123456789abcdef0123/"
	  "qemu-0123456789abcdef0123.tar.gz", NULL },
	{ "short form", "http://127.0.0.1:8080/snap/${short}.tgz", "0123456789abcdef0123",
	  "http://127.0.0.1:8080/snap/0123456789ab.tgz", NULL },
	{ "no commit", "https://example.org/qemu.tar.gz", "abcd1234", NULL, "has no ${commit}" },
	{ "unknown variable", "https://x/${version}/${commit}.tar.gz", "abcd1234", NULL,
	  "unknown '${version}'" },
};

static void test_urls(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(url_cases); c++) {
		const struct url_case *k = &url_cases[c];
		struct strbuf u = STRBUF_INIT;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = bisect_url(k->tmpl, k->commit, &u);
		msg = tu_capture_end();
		if (k->want) {
			if (rc || strcmp(u.buf, k->want))
				fail_msg("%s: got '%s', expected '%s': %s", k->name, u.buf,
					 k->want, msg);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted as '%s'", k->name, u.buf);
			assert_contains(msg, k->error, k->name);
		}
		free(msg);
		strbuf_release(&u);
	}
}

/*
 * --abi takes only a versioned machine type (matrix/abitext.c's
 * abi_is_versioned): an alias like q35 is refused with the reason,
 * before the store is opened or anything is built.
 */
static const struct {
	const char *machine;
	int refused;
} abi_cases[] = {
	{ "q35", 1 },
	{ "pc", 1 },
	{ "pc-q35-", 1 },
	{ "pc-q35-10", 1 },
	{ "pc-q35-5.2x", 1 },
	{ "pc-q35-\033[2J", 1 },
	{ "pc-q35-5.2", 0 },
	{ "pc-i440fx-10.0", 0 },
};

static void test_abi_wants_versioned_machine(void **state)
{
	char *dir = tu_tmpdir("bisect");
	struct strbuf db = STRBUF_INIT, want = STRBUF_INIT, esc = STRBUF_INIT;

	(void)state;
	sb_printf(&db, "%s/matrix.db", dir);
	for (size_t i = 0; i < ARRAY_SIZE(abi_cases); i++) {
		const char *m = abi_cases[i].machine;
		/* --url without --commits: refused next, when --abi is taken. */
		char *argv[] = { (char *)"bisect", (char *)"--abi", (char *)m,
				 (char *)"--good", (char *)"5.2.0", (char *)"--bad",
				 (char *)"7.2.0", (char *)"--url", (char *)"http://x/${commit}",
				 (char *)"--db", db.buf, NULL };
		char *msg;
		int rc;

		tu_capture_begin();
		rc = cmd_bisect((int)ARRAY_SIZE(argv) - 1, argv);
		msg = tu_capture_end();
		if (rc != 129)
			fail_msg("%s: exit status %d: %s", m, rc, msg);
		if (abi_cases[i].refused) {
			strbuf_reset(&want);
			sb_printf(&want, "error: --abi wants a versioned machine type (a name "
					 "that ends in a version, such as pc-q35-5.2), not '%s'\n",
				  str_printable(&esc, m, strlen(m), 0));
			if (strcmp(msg, want.buf))
				fail_msg("%s: message\n%s\nwant\n%s", m, msg, want.buf);
		} else {
			assert_contains(msg, "bisecting commits wants --url", m);
		}
		assert_false(path_exists(db.buf));
		free(msg);
	}
	strbuf_release(&db);
	strbuf_release(&want);
	strbuf_release(&esc);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_refuses_bad_ends),
		cmocka_unit_test(test_commit_lists),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_abi_wants_versioned_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
