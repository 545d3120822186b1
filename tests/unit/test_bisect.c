/*
 * The bisection search (sweep/bisect_search.c) driven to its end over
 * known truths, both directions alike (the search only knows old and
 * new), with candidates that cannot be judged; the commit list parser
 * and the snapshot URL template, with the errors a user would see; the
 * command's options and their checks, the candidates of a version or a
 * commit bisect, the state of a judged candidate and the answer's text.
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

/* bisect_opts_parse then bisect_opts_check: what is taken, what refused. */
struct opts_case {
	const char *name;
	const char *args; /* after "bisect" */
	int rc;		  /* parse's, or -2 when the check refuses */
	const char *want; /* the options taken, or expected on stderr */
};

static const struct opts_case opts_cases[] = {
	{ "scenario", "--scenario boot --good 7.2.0 --bad 10.0.2", 0,
	  "scenario:boot good:7.2.0 bad:10.0.2 libvirt:- timeout:240" },
	{ "abi", "--abi pc-q35-5.2 --good 10.0.2 --bad 5.2.0 --db m.db", 0,
	  "abi:pc-q35-5.2 good:10.0.2 bad:5.2.0 libvirt:- timeout:240 db:m.db" },
	{ "guest", "--guest pc-i440fx-7.2 --good 7.2.0 --bad 10.0.2", 0,
	  "guest:pc-i440fx-7.2 good:7.2.0 bad:10.0.2 libvirt:- timeout:240" },
	{ "migration from", "--migration pc-q35-7.1 --from-qemu 7.2.0 --good 7.2.0 --bad 10.2.2", 0,
	  "migration:pc-q35-7.1 from:7.2.0 good:7.2.0 bad:10.2.2 libvirt:- timeout:240" },
	{ "migration to", "--migration pc-q35-7.1 --to-qemu 7.2.0 --good 7.2.0 --bad 10.2.2", 0,
	  "migration:pc-q35-7.1 to:7.2.0 good:7.2.0 bad:10.2.2 libvirt:- timeout:240" },
	{ "migration without a side", "--migration pc-q35-7.1 --good 1 --bad 2", -2,
	  "--migration MACHINE-TYPE goes with one of --from-qemu A and --to-qemu B" },
	{ "migration both sides", "--migration pc-q35-7.1 --from-qemu a --to-qemu b --good 1"
	  " --bad 2", -2, "goes with one of --from-qemu A and --to-qemu B" },
	{ "a side without migration", "--abi pc-q35-7.1 --to-qemu b --good 1 --bad 2", -2,
	  "goes with one of --from-qemu A and --to-qemu B" },
	{ "migration alias", "--migration q35 --to-qemu b --good 1 --bad 2", -2,
	  "error: --migration wants a versioned machine type" },
	{ "migration and guest", "--migration pc-q35-7.1 --guest pc-q35-7.1 --to-qemu b"
	  " --good 1 --bad 2", -2, "bisect wants one of" },
	{ "libvirt none is direct", "--scenario s --good a1b2 --bad c3d4 --libvirt none", 0,
	  "scenario:s good:a1b2 bad:c3d4 libvirt:- timeout:240" },
	{ "commits", "--scenario s --good abcd --bad ef01 --url http://x/${commit}.tgz"
	  " --commit abcd --commit ef01 --base-version 7.2.0 --flavor debian --timeout 60"
	  " --libvirt 9.0.0", 0,
	  "scenario:s good:abcd bad:ef01 libvirt:9.0.0 timeout:60 url:http://x/${commit}.tgz"
	  " commits:2 base:7.2.0 flavour:debian" },
	{ "help", "--help", 1, "" },
	{ "bad commit", "--commit ab", -1, "--commit 'ab' is not a commit id" },
	{ "bad flavour", "--flavour git", -1, "--flavour wants upstream or debian, not 'git'" },
	{ "bad timeout", "--timeout 0", -1, "--timeout wants seconds from 1 to 86400, not '0'" },
	{ "unknown option: usage", "--bogus", -1, "usage: virt-matrix bisect" },
	{ "extra word", "--scenario s 7.2.0", -1, "unexpected argument '7.2.0'" },
	{ "neither scenario nor abi", "--good 1 --bad 2", -2,
	  "bisect wants one of --scenario NAME, --abi MACHINE-TYPE, --guest MACHINE-TYPE and --migration MACHINE-TYPE" },
	{ "both scenario and abi", "--scenario s --abi pc-q35-5.2 --good 1 --bad 2", -2,
	  "bisect wants one of --scenario NAME, --abi MACHINE-TYPE, --guest" },
	{ "both abi and guest", "--guest pc-q35-5.2 --abi pc-q35-5.2 --good 1 --bad 2", -2,
	  "bisect wants one of --scenario NAME, --abi MACHINE-TYPE, --guest" },
	{ "scenario and guest", "--guest pc-q35-5.2 --scenario s --good 1 --bad 2", -2,
	  "bisect wants one of --scenario NAME, --abi MACHINE-TYPE, --guest" },
	{ "abi alias", "--abi q35 --good 1 --bad 2", -2, "not 'q35'" },
	{ "guest alias", "--guest pc --good 1 --bad 2", -2,
	  "error: --guest wants a versioned machine type (a name that ends in a version, "
	  "such as pc-q35-5.2), not 'pc'" },
	{ "guest through libvirt", "--guest pc-q35-5.2 --good 1 --bad 2 --libvirt 9.0.0", -2,
	  "--libvirt goes with --scenario (the guest view is the QEMU's own)" },
	{ "same ends", "--scenario s --good 1 --bad 1", -2, "two different versions" },
	{ "no bad", "--scenario s --good 1", -2, "two different versions" },
	{ "abi through libvirt", "--abi pc-q35-5.2 --good 1 --bad 2 --libvirt 9.0.0", -2,
	  "--libvirt goes with --scenario" },
	{ "url without commits", "--scenario s --good 1 --bad 2 --url http://x", -2,
	  "wants --url TEMPLATE and --commits FILE" },
	{ "commits without url", "--scenario s --good 1 --bad 2 --commits c.txt", -2,
	  "wants --url TEMPLATE and --commits FILE" },
	{ "git", "--scenario s --good v1 --bad HEAD --git src/qemu --base-version 7.2.0", 0,
	  "scenario:s good:v1 bad:HEAD libvirt:- timeout:240 git:src/qemu base:7.2.0" },
	{ "git without base", "--scenario s --good v1 --bad HEAD --git src/qemu", -2,
	  "--git DIR wants --base-version V" },
	{ "git and url", "--scenario s --good v1 --bad HEAD --git q --base-version 7.2.0"
	  " --url http://x/${commit}.tgz --commit abcd", -2,
	  "--git DIR takes the commits from the clone: not with --url" },
	{ "git and commits", "--scenario s --good v1 --bad HEAD --git q --base-version 7.2.0"
	  " --commits c.txt", -2, "not with --url, --commits or --commit" },
};

static char *describe_opts(const struct bisect_opts *o)
{
	struct strbuf d = STRBUF_INIT;

	sb_printf(&d, "%s:%s",
		  o->scenario ? "scenario" : o->machine ? "abi" : o->guest ? "guest" : "migration",
		  o->scenario ? o->scenario : o->machine ? o->machine
					   : o->guest ? o->guest : o->migration);
	if (o->mig_from || o->mig_to)
		sb_printf(&d, " %s:%s", o->mig_from ? "from" : "to",
			  o->mig_from ? o->mig_from : o->mig_to);
	sb_printf(&d, " good:%s bad:%s libvirt:%s timeout:%ld", o->good, o->bad,
		  o->libvirt ? o->libvirt : "-", o->timeout_s);
	if (o->url)
		sb_printf(&d, " url:%s commits:%zu base:%s flavour:%s", o->url,
			  o->commits.nr, o->base, o->flavour);
	if (o->git)
		sb_printf(&d, " git:%s base:%s", o->git, o->base);
	if (o->db)
		sb_printf(&d, " db:%s", o->db);
	return strbuf_detach(&d);
}

static void test_opts(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(opts_cases); c++) {
		const struct opts_case *k = &opts_cases[c];
		struct strvec a = STRVEC_INIT;
		struct bisect_opts o;
		char *msg, *got = NULL;
		int rc;

		strvec_push(&a, "bisect");
		tu_words(k->args, &a);
		bisect_opts_init(&o);
		tu_capture_begin();
		rc = bisect_opts_parse(&o, (int)a.nr, (char **)a.v);
		if (rc == 0 && bisect_opts_check(&o))
			rc = -2;
		msg = tu_capture_end();
		if (rc != k->rc)
			fail_msg("%s: rc %d, expected %d: %s", k->name, rc, k->rc, msg);
		if (rc == 0) {
			got = describe_opts(&o);
			if (strcmp(got, k->want))
				fail_msg("%s: took '%s', expected '%s'", k->name, got, k->want);
		} else if (rc < 0) {
			assert_contains(msg, k->want, k->name);
		}
		free(got);
		free(msg);
		bisect_opts_release(&o);
		strvec_clear(&a);
	}
}

struct between_case {
	const char *name;
	const char *catalog, *good, *bad, *want;
};

static const struct between_case between_cases[] = {
	{ "good older", "5.2.0 6.0.0 7.2.0 8.0.0 10.0.2", "6.0.0", "8.0.0", "6.0.0 7.2.0 8.0.0" },
	{ "good newer (a fix)", "5.2.0 6.0.0 7.2.0 8.0.0 10.0.2", "10.0.2", "7.2.0",
	  "7.2.0 8.0.0 10.0.2" },
	{ "ends outside the catalog", "6.0.0 7.2.0 8.0.0", "5.2.0", "7.3.0", "6.0.0 7.2.0" },
	{ "version order, not text order", "9.2.0 10.0.0 10.1.0", "9.0.0", "10.0.5",
	  "9.2.0 10.0.0" },
	{ "nothing between", "5.2.0 10.0.2", "6.0.0", "7.0.0", "" },
};

static void test_versions_between(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(between_cases); c++) {
		const struct between_case *k = &between_cases[c];
		struct strvec cat = STRVEC_INIT, out = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;

		tu_words(k->catalog, &cat);
		bisect_versions_between(&cat, k->good, k->bad, &out);
		strvec_join(&out, &got);
		if (strcmp(got.buf, k->want))
			fail_msg("%s: '%s', expected '%s'", k->name, got.buf, k->want);
		strbuf_release(&got);
		strvec_clear(&cat);
		strvec_clear(&out);
	}
}

struct cand_case {
	const char *name;
	const char *good, *bad, *base;
	const char *want_label, *want_cand; /* NULL: refused */
	const char *error;
};

#define C1 "aaaa0000111122223333"
#define C2 "bbbb0000111122223333"
#define C3 "cccc0000111122223333"
#define C4 "dddd0000111122223333"

static const struct cand_case cand_cases[] = {
	{ "good first", C2, C4, "7.2.0", C2 " " C3 " " C4,
	  "7.2.0+gbbbb00001111 7.2.0+gcccc00001111 7.2.0+gdddd00001111", NULL },
	{ "bad first: list order kept", C3, C1, "7.2.0", C1 " " C2 " " C3,
	  "7.2.0+gaaaa00001111 7.2.0+gbbbb00001111 7.2.0+gcccc00001111", NULL },
	{ "no base version", C1, C2, NULL, NULL, NULL, "--url wants --base-version" },
	{ "base is a commit's build", C1, C2, "7.2.0+gabcd1234", NULL, NULL,
	  "--url wants --base-version" },
	{ "base is not a version", C1, C2, "seven", NULL, NULL, "--url wants --base-version" },
	{ "good not listed", "eeee1111", C2, "7.2.0", NULL, NULL,
	  "--good 'eeee1111' is not in the commit list" },
	{ "bad not listed", C1, "eeee1111", "7.2.0", NULL, NULL,
	  "--bad 'eeee1111' is not in the commit list" },
};

static void test_commit_candidates(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cand_cases); c++) {
		const struct cand_case *k = &cand_cases[c];
		struct strvec commits = STRVEC_INIT, label = STRVEC_INIT, cand = STRVEC_INIT;
		struct strbuf gl = STRBUF_INIT, gc = STRBUF_INIT;
		char *msg;
		int rc;

		tu_words(C1 " " C2 " " C3 " " C4, &commits);
		tu_capture_begin();
		rc = bisect_commit_candidates(&commits, k->good, k->bad, k->base, &label, &cand);
		msg = tu_capture_end();
		strvec_join(&label, &gl);
		strvec_join(&cand, &gc);
		if (k->want_label && (rc || strcmp(gl.buf, k->want_label) ||
				      strcmp(gc.buf, k->want_cand)))
			fail_msg("%s: rc %d, '%s' as '%s'; expected '%s' as '%s': %s", k->name,
				 rc, gl.buf, gc.buf, k->want_label, k->want_cand, msg);
		if (!k->want_label) {
			if (rc != -1)
				fail_msg("%s: accepted", k->name);
			assert_contains(msg, k->error, k->name);
		}
		free(msg);
		strbuf_release(&gl);
		strbuf_release(&gc);
		strvec_clear(&commits);
		strvec_clear(&label);
		strvec_clear(&cand);
	}
}

static void test_state_of(void **state)
{
	static const struct {
		const char *name;
		int verdict, good_is_old;
		enum bisect_state want;
	} cases[] = {
		{ "good, good older", 'g', 1, BISECT_OLD },
		{ "bad, good older", 'b', 1, BISECT_NEW },
		{ "good, good newer", 'g', 0, BISECT_NEW },
		{ "bad, good newer", 'b', 0, BISECT_OLD },
		{ "skip", 's', 1, BISECT_SKIP },
		{ "skip, good newer", 's', 0, BISECT_SKIP },
	};

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		enum bisect_state got = bisect_state_of(cases[c].verdict, cases[c].good_is_old);

		if (got != cases[c].want)
			fail_msg("%s: state %d, expected %d", cases[c].name, got, cases[c].want);
	}
}

struct describe_case {
	const char *name;
	size_t last_old, first_new, nskipped;
	int good_is_old, commits;
	const char *want;
};

static const struct describe_case describe_cases[] = {
	{ "regression", 1, 2, 0, 1, 0,
	  "first bad version: v2 (after good v1)\n"
	  "  good side, v1:\n      ev1\n"
	  "  bad side, v2:\n      ev2\n" },
	{ "fix", 0, 1, 0, 0, 0,
	  "first good version: v1 (after bad v0)\n"
	  "  bad side, v0:\n      ev0\n"
	  "  good side, v1:\n      ev1\n" },
	{ "a commit with its subject", 1, 2, 0, 1, 2,
	  "first bad commit: v2 (after good v1)\n"
	  "  v2abc e1000: the device id\n"
	  "  built as QEMU q2\n"
	  "  good side, v1:\n      ev1\n"
	  "  bad side, v2:\n      ev2\n" },
	{ "skipped between, commits", 0, 3, 2, 1, 1,
	  "the first bad commit is one of: v1 v2 v3 (those before v3 could not be judged)\n"
	  "  built as QEMU q3\n"
	  "  good side, v0:\n      ev0\n"
	  "  bad side, v3:\n      ev3\n" },
};

static void test_describe(void **state)
{
	static const char *const ev[] = { "ev0", "ev1", "ev2", "ev3" };
	struct strvec label = STRVEC_INIT, cand = STRVEC_INIT;

	(void)state;
	tu_words("v0 v1 v2 v3", &label);
	tu_words("q0 q1 q2 q3", &cand);
	for (size_t c = 0; c < ARRAY_SIZE(describe_cases); c++) {
		const struct describe_case *k = &describe_cases[c];
		/* commits 2: with the subject of each commit (bisect --git) */
		static const char *const subject[] = { NULL, NULL, "v2abc e1000: the device id",
							 "v3abc subject" };
		struct bisect_answer a = { &label, &cand, ev,
					   { k->last_old, k->first_new, k->nskipped },
					   k->good_is_old, k->commits != 0,
					   k->commits == 2 ? subject : NULL };
		struct strbuf out = STRBUF_INIT;

		bisect_describe(&a, &out);
		if (strcmp(out.buf, k->want))
			fail_msg("%s: said\n%s\nexpected\n%s", k->name, out.buf, k->want);
		strbuf_release(&out);
	}
	strvec_clear(&label);
	strvec_clear(&cand);
}

/* The answer's line diff: lines one side lacks, within a budget. */
static const struct {
	const char *name, *a, *b;
	int budget;
	const char *want;
	int more;
} line_diff_cases[] = {
	{ "the same", "x\ny\n", "y\nx\n", 10, "", 0 },
	{ "one line changed", "a = 1\nb = 2\nc = 3\n", "a = 1\nb = 5\nc = 3\n", 10,
	  "  - b = 2\n  + b = 5\n", 0 },
	{ "no newline at the end", "a\nb", "a\nc", 10, "  - b\n  + c\n", 0 },
	{ "only added", "a\n", "a\nb\nc\n", 10, "  + b\n  + c\n", 0 },
	{ "half the budget for removed lines", "r1\nr2\nr3\nr4\n", "a1\n", 4,
	  "  - r1\n  - r2\n  + a1\n", 2 },
	{ "added lines fill what removed ones left", "r1\n", "a1\na2\na3\na4\n", 4,
	  "  - r1\n  + a1\n  + a2\n  + a3\n", 1 },
};

static void test_line_diff(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(line_diff_cases); c++) {
		struct strbuf out = STRBUF_INIT;
		int more = bisect_line_diff(line_diff_cases[c].a, line_diff_cases[c].b,
					    line_diff_cases[c].budget, "  ", &out);

		if (strcmp(out.buf, line_diff_cases[c].want) || more != line_diff_cases[c].more)
			fail_msg("%s: said\n%s(%d more)\nexpected\n%s(%d more)",
				 line_diff_cases[c].name, out.buf, more, line_diff_cases[c].want,
				 line_diff_cases[c].more);
		strbuf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_refuses_bad_ends),
		cmocka_unit_test(test_commit_lists),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_abi_wants_versioned_machine),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_versions_between),
		cmocka_unit_test(test_commit_candidates),
		cmocka_unit_test(test_state_of),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_line_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
