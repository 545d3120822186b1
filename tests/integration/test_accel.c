/*
 * Accelerator probing with a real tiny guest (matrix/accel.c) on Debian's
 * QEMU: TCG must finish the firmware's self test; an accelerator QEMU
 * does not know must be reported with QEMU's own message; KVM is reported
 * either way, with the reason when it is not usable (on these machines it
 * stalls in the firmware).
 */
#include "testutil.h"
#include "accel.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static void test_tcg_is_usable(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "tcg", 5, &r), 0);
	assert_string_equal(r.name, "tcg");
	if (!r.usable)
		fail_msg("tcg not usable: %s", r.detail);
	assert_contains(r.detail, "finished its self test", "tcg");
	assert_true(r.seconds < 5);
}

static void test_unknown_accelerator(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "nonesuch", 5, &r), 0);
	assert_false(r.usable);
	assert_contains(r.detail, "QEMU exited with status 1", "nonesuch");
	assert_contains(r.detail, "invalid accelerator nonesuch", "nonesuch");
	assert_true(r.seconds < 3);
}

static void test_kvm_verdict_has_a_reason(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "kvm", 2, &r), 0);
	if (r.usable)
		assert_contains(r.detail, "finished its self test", "kvm");
	else if (!strstr(r.detail, "stalled") && !strstr(r.detail, "QEMU "))
		fail_msg("kvm: no reason given: '%s'", r.detail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcg_is_usable),
		cmocka_unit_test(test_unknown_accelerator),
		cmocka_unit_test(test_kvm_verdict_has_a_reason),
	};
	return cmocka_run_group_tests_name("accel", tests, NULL, NULL);
}
