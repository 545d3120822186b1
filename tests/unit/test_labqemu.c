/*
 * Which QEMU runs the VF lab (runner/labqemu.c), of the store's installs:
 * the newest, by QEMU's version, whose probe record has igb,
 * virtio-9p-pci and intel-iommu; none when no install has all three.
 * And where the private copy is looked for.
 */
#include "testutil.h"
#include "labqemu.h"

static const struct lab_qemu_cand machine[] = {
	/* As this machine's store has them (devices counted from it). */
	{ "5.2.0", "5.2.0", 2 },
	{ "7.2.0", "7.2.0", 2 },
	{ "7.2.22-system", "7.2.22", 2 },
	{ "10.0.2", "10.0.2", 3 },
	{ "10.0.13", "10.0.13", 3 },
	{ "10.2.2", "10.2.2", 3 },
};
static const struct lab_qemu_cand no_igb[] = {
	{ "7.2.22-system", "7.2.22", 2 },
	{ "5.2.0", "5.2.0", 2 },
};
static const struct lab_qemu_cand unprobed[] = {
	{ "10.2.2", NULL, 0 }, /* no complete probe record */
	{ "10.0.2", "10.0.2", 3 },
	{ "9.9.9", "9.9.9", 1 },
};

static const struct {
	const char *name;
	const struct lab_qemu_cand *c;
	size_t n;
	long want;
} cases[] = {
	{ "the newest with all three", machine, ARRAY_SIZE(machine), 5 },
	{ "none has igb", no_igb, ARRAY_SIZE(no_igb), -1 },
	{ "an install not probed, one with only some", unprobed, ARRAY_SIZE(unprobed), 1 },
	{ "no installs", machine, 0, -1 },
};

static void test_pick(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long got = lab_qemu_pick(cases[i].c, cases[i].n);

		if (got != cases[i].want)
			fail_msg("%s: picked %ld (%s), want %ld", cases[i].name, got,
				 got >= 0 ? cases[i].c[got].install : "none", cases[i].want);
	}
}

static void test_dir(void **state)
{
	(void)state;
	unsetenv(LAB_QEMU_ENV);
	assert_string_equal(lab_qemu_dir(), LAB_QEMU_DIR_DEFAULT);
	setenv(LAB_QEMU_ENV, "", 1);
	assert_string_equal(lab_qemu_dir(), LAB_QEMU_DIR_DEFAULT);
	setenv(LAB_QEMU_ENV, "/srv/lab-qemu", 1);
	assert_string_equal(lab_qemu_dir(), "/srv/lab-qemu");
	unsetenv(LAB_QEMU_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
