/*
 * The line diff of lib/linediff.c: unified output case by case (hunks,
 * context, merging, the cap and its "... N more lines", the bound on
 * the search), and on generated lists that every script rebuilds both
 * sides and is as short as a plain LCS table says it can be.
 */
#include "testutil.h"
#include "linediff.h"

struct ud_case {
	const char *name, *old_text, *new_text;
	size_t max_d, context, max_lines;
	const char *want; /* the unified lines, each ending in '\n' */
	int bounded;
};

static const struct ud_case ud_cases[] = {
	{ "equal", "a\nb\nc\n", "a\nb\nc\n", 100, 2, 50, "", 0 },
	{ "one line changed in the middle", "a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nX\ne\nf\ng\n",
	  100, 2, 50, "@@ -2,5 +2,5 @@\n  b\n  c\n- d\n+ X\n  e\n  f\n", 0 },
	{ "added at the start, no context", "b\nc\n", "a\nb\nc\n", 100, 0, 50,
	  "@@ -0,0 +1,1 @@\n+ a\n", 0 },
	{ "removed at the end", "a\nb\nc\n", "a\nb\n", 100, 1, 50,
	  "@@ -2,2 +2,1 @@\n  b\n- c\n", 0 },
	{ "from nothing", "", "x\ny\n", 100, 2, 50, "@@ -0,0 +1,2 @@\n+ x\n+ y\n", 0 },
	{ "two changes far apart are two hunks",
	  "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nA\n3\n4\n5\n6\n7\nB\n9\n", 100, 1, 50,
	  "@@ -1,3 +1,3 @@\n  1\n- 2\n+ A\n  3\n@@ -7,3 +7,3 @@\n  7\n- 8\n+ B\n  9\n", 0 },
	{ "two changes close together are one hunk",
	  "1\n2\n3\n4\n5\n", "1\nA\n3\nB\n5\n", 100, 1, 50,
	  "@@ -1,5 +1,5 @@\n  1\n- 2\n+ A\n  3\n- 4\n+ B\n  5\n", 0 },
	{ "removed lines come before added ones",
	  "x\na\nb\ny\n", "x\nc\nd\ny\n", 100, 0, 50,
	  "@@ -2,2 +2,2 @@\n- a\n- b\n+ c\n+ d\n", 0 },
	{ "a moved line is one removal and one addition",
	  "a\nb\nc\nd\n", "b\nc\nd\na\n", 100, 0, 50,
	  "@@ -1,1 +0,0 @@\n- a\n@@ -4,0 +4,1 @@\n+ a\n", 0 },
	{ "the cap, with what was left out counted",
	  "a\nb\nc\nd\n", "w\nx\ny\nz\n", 100, 0, 3,
	  "@@ -1,4 +1,4 @@\n- a\n- b\n... 6 more lines\n", 0 },
	{ "past the bound: a plain replacement of the middle",
	  "h\na\nk\nb\nt\n", "h\nk\nc\nt\n", 1, 0, 50,
	  "@@ -2,3 +2,2 @@\n- a\n- k\n- b\n+ k\n+ c\n", 1 },
	{ "within the bound: the shortest script",
	  "h\na\nk\nb\nt\n", "h\nk\nc\nt\n", 4, 0, 50,
	  "@@ -2,1 +1,0 @@\n- a\n@@ -4,1 +3,1 @@\n- b\n+ c\n", 0 },
};

static void test_unified(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ud_cases); i++) {
		const struct ud_case *c = &ud_cases[i];
		struct strvec a = STRVEC_INIT, b = STRVEC_INIT, lines = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;
		struct linediff d;

		linediff_split(c->old_text, &a);
		linediff_split(c->new_text, &b);
		linediff(a.v, a.nr, b.v, b.nr, c->max_d, &d);
		linediff_unified(&d, a.v, b.v, c->context, c->max_lines, &lines);
		for (size_t k = 0; k < lines.nr; k++)
			sb_printf(&got, "%s\n", lines.v[k]);
		if (strcmp(got.buf, c->want) || d.bounded != c->bounded)
			fail_msg("case '%s': got (bounded %d)\n%s\nwant (bounded %d)\n%s",
				 c->name, d.bounded, got.buf, c->bounded, c->want);
		linediff_release(&d);
		strvec_clear(&a);
		strvec_clear(&b);
		strvec_clear(&lines);
		strbuf_release(&got);
	}
}

/* The length of a longest common subsequence, by the textbook table. */
static size_t lcs_len(const struct strvec *a, const struct strvec *b)
{
	size_t *t = xcalloc((a->nr + 1) * (b->nr + 1), sizeof(*t)), r;

	for (size_t i = 1; i <= a->nr; i++)
		for (size_t k = 1; k <= b->nr; k++) {
			size_t *cell = &t[i * (b->nr + 1) + k];

			if (!strcmp(a->v[i - 1], b->v[k - 1]))
				*cell = t[(i - 1) * (b->nr + 1) + k - 1] + 1;
			else
				*cell = t[(i - 1) * (b->nr + 1) + k] > t[i * (b->nr + 1) + k - 1]
						? t[(i - 1) * (b->nr + 1) + k]
						: t[i * (b->nr + 1) + k - 1];
		}
	r = t[a->nr * (b->nr + 1) + b->nr];
	free(t);
	return r;
}

/* Lists of 0..39 lines drawn from a small alphabet, so lines repeat. */
static void gen(unsigned *seed, struct strvec *v)
{
	size_t n;

	*seed = *seed * 1103515245u + 12345u;
	n = (*seed >> 16) % 40;
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		strvec_pushf(v, "line %u", (*seed >> 16) % 6);
	}
}

static void test_generated(void **state)
{
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 300; round++) {
		struct strvec a = STRVEC_INIT, b = STRVEC_INIT;
		struct linediff d;
		size_t ia = 0, ib = 0, common = 0;

		gen(&seed, &a);
		gen(&seed, &b);
		linediff(a.v, a.nr, b.v, b.nr, 1000, &d);
		for (size_t k = 0; k < d.nr; k++) {
			const struct ld_edit *e = &d.v[k];

			if (e->op != '+' && e->a != ia++)
				fail_msg("round %d: edit %zu skips old line %zu", round, k, ia - 1);
			if (e->op != '-' && e->b != ib++)
				fail_msg("round %d: edit %zu skips new line %zu", round, k, ib - 1);
			if (e->op == ' ' && strcmp(a.v[e->a], b.v[e->b]))
				fail_msg("round %d: common lines differ at edit %zu", round, k);
			common += e->op == ' ';
		}
		assert_int_equal(ia, a.nr);
		assert_int_equal(ib, b.nr);
		assert_false(d.bounded);
		if (common != lcs_len(&a, &b))
			fail_msg("round %d: %zu common lines, a longest has %zu", round, common,
				 lcs_len(&a, &b));
		assert_int_equal(d.removed, a.nr - common);
		assert_int_equal(d.added, b.nr - common);
		linediff_release(&d);
		strvec_clear(&a);
		strvec_clear(&b);
	}
}

static void test_split(void **state)
{
	struct strvec v = STRVEC_INIT;

	(void)state;
	linediff_split("a\n\nb", &v);
	assert_int_equal(v.nr, 3);
	assert_string_equal(v.v[0], "a");
	assert_string_equal(v.v[1], "");
	assert_string_equal(v.v[2], "b");
	strvec_clear(&v);
	linediff_split("", &v);
	assert_int_equal(v.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unified),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
