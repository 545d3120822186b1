/* Versions and version ranges (lib/version.c). */
#include "testutil.h"
#include "version.h"

static const struct {
	const char *name;
	const char *in;
	int ok;
	int nparts;
	long rc;
	const char *label;
} parse_cases[] = {
	{ "plain", "7.2.0", 1, 3, -1, "" },
	{ "two digits", "10.0.2", 1, 3, -1, "" },
	{ "rc dash", "8.1.0-rc2", 1, 3, 2, "" },
	{ "rc bare", "8.1.0rc2", 1, 3, 2, "" },
	{ "label", "7.2.22-system", 1, 3, -1, "system" },
	{ "series", "5.2", 1, 2, -1, "" },
	{ "empty", "", 0, 0, 0, NULL },
	{ "word", "x", 0, 0, 0, NULL },
	{ "double dot", "7..2", 0, 0, 0, NULL },
	{ "trailing dot", "7.2.", 0, 0, 0, NULL },
	{ "too many parts", "1.2.3.4.5.6.7", 0, 0, 0, NULL },
	{ "empty label", "7.2.0-", 0, 0, 0, NULL },
	{ "space", "7.2.0 x", 0, 0, 0, NULL },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct version v;
		int r = version_parse(parse_cases[i].in, &v);

		if ((r == 0) != parse_cases[i].ok)
			fail_msg("%s: '%s' parse returned %d", parse_cases[i].name,
				 parse_cases[i].in, r);
		if (!parse_cases[i].ok)
			continue;
		if (v.nparts != parse_cases[i].nparts || v.rc != parse_cases[i].rc ||
		    strcmp(v.label, parse_cases[i].label))
			fail_msg("%s: got %d parts, rc %ld, label '%s'",
				 parse_cases[i].name, v.nparts, v.rc, v.label);
	}
}

static const struct {
	const char *a, *b;
	int cmp;
} cmp_cases[] = {
	{ "10.0.2", "9.2.0", 1 },    { "9.2.0", "7.2.0", 1 },
	{ "8.1.0-rc2", "8.1.0", -1 }, { "8.1.0-rc1", "8.1.0-rc2", -1 },
	{ "7.2", "7.2.0", 0 },       { "7.2.22-system", "7.2.22", 1 },
	{ "7.10.0", "7.9.0", 1 },    { "1.0", "not-a-version", -1 },
};

static void test_compare(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cmp_cases); i++) {
		int c = version_strcmp(cmp_cases[i].a, cmp_cases[i].b);
		int r = version_strcmp(cmp_cases[i].b, cmp_cases[i].a);

		c = c < 0 ? -1 : c > 0;
		r = r < 0 ? -1 : r > 0;
		if (c != cmp_cases[i].cmp || r != -cmp_cases[i].cmp)
			fail_msg("%s vs %s: got %d/%d, want %d", cmp_cases[i].a,
				 cmp_cases[i].b, c, r, cmp_cases[i].cmp);
	}
}

static const struct {
	const char *range;
	int ok;
	const char *in;	 /* comma separated members */
	const char *out; /* comma separated non-members */
} range_cases[] = {
	{ "*", 1, "1.0,99.1.1-rc1", "" },
	{ "7.2", 1, "7.2.0,7.2.22-system,7.2.0-rc1,7.2", "7.20.0,7.3.0,7.1.9" },
	{ "8.1..", 1, "8.1.0-rc1,8.1.0,10.0.2", "8.0.5,7.2.0" },
	{ "..6.6", 1, "6.6.1,5.2.0,6.6", "6.7.0,7.0.0" },
	{ "5.2..7.2", 1, "5.2.0,6.0.0,7.2.9", "5.1.0,7.3.0" },
	{ "7.2..7", 1, "7.2.0,7.9.1", "7.1.0,8.0.0" },
	{ "", 0, "", "" },
	{ "..", 0, "", "" },
	{ "x..", 0, "", "" },
	{ "8.0..7.2", 0, "", "" },
	{ "7.2.0-rc1..", 0, "", "" },
	{ "7.2-system", 0, "", "" },
};

static void check_members(const char *range, const struct vrange *r,
			  const char *list, int want)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *s = buf; *s;) {
		size_t n = strcspn(s, ",");
		char save = s[n];
		struct version v;

		s[n] = '\0';
		assert_int_equal(version_parse(s, &v), 0);
		if (vrange_contains(r, &v) != want)
			fail_msg("range '%s': %s should%s be a member", range, s,
				 want ? "" : " not");
		s += n + (save ? 1 : 0);
	}
}

static void test_ranges(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(range_cases); i++) {
		struct vrange r;
		int rc = vrange_parse(range_cases[i].range, &r);

		if ((rc == 0) != range_cases[i].ok)
			fail_msg("range '%s': parse returned %d",
				 range_cases[i].range, rc);
		if (!range_cases[i].ok)
			continue;
		check_members(range_cases[i].range, &r, range_cases[i].in, 1);
		check_members(range_cases[i].range, &r, range_cases[i].out, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
