/*
 * Accelerator probing with a real tiny guest (matrix/accel.c) on Debian's
 * QEMU: TCG must finish the firmware's self test; an accelerator QEMU
 * does not know must be reported with QEMU's own message; KVM is reported
 * either way, with the reason when it is not usable (on these machines it
 * stalls in the firmware), started by exec or forked from a zygote.
 */
#include "testutil.h"
#include "accel.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
/*
 * The limit given to a single check: the firmware's self test takes TCG
 * about a second here, QEMU's refusal of an accelerator less; a loaded
 * machine may take many times that, and what is tested is the verdict
 * and its reason, not the speed (make bench measures that).
 */
#define LIMIT 60

static void test_tcg_is_usable(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "tcg", LIMIT, &r), 0);
	assert_string_equal(r.name, "tcg");
	if (!r.usable)
		fail_msg("tcg not usable: %s", r.detail);
	assert_contains(r.detail, "finished its self test", "tcg");
	assert_true(r.seconds < LIMIT);
}

static void test_unknown_accelerator(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "nonesuch", LIMIT, &r), 0);
	assert_false(r.usable);
	/* It ended by itself, not at the limit. */
	assert_contains(r.detail, "QEMU exited with status 1", "nonesuch");
	assert_contains(r.detail, "invalid accelerator nonesuch", "nonesuch");
	assert_true(r.seconds < LIMIT);
}

static void test_kvm_verdict_has_a_reason(void **state)
{
	struct accel_result r;

	(void)state;
	assert_int_equal(accel_probe(QEMU, "kvm", 2, &r), 0);
	if (r.usable)
		assert_contains(r.detail, "finished its self test", "kvm");
	else if (!strstr(r.detail, "did not finish") && !strstr(r.detail, "QEMU "))
		fail_msg("kvm: no reason given: '%s'", r.detail);
}

/* The pair on its thread: TCG works here; KVM is judged against it. */
static void pair_judges_kvm_against_tcg(struct zygote *z)
{
	struct accel_pair p;
	struct accel_result r[2];

	assert_int_equal(accel_pair_start(&p, z, QEMU), 0);
	accel_pair_finish(&p, r);
	assert_string_equal(r[0].name, "tcg");
	assert_string_equal(r[1].name, "kvm");
	assert_true(r[0].usable);
	assert_contains(r[0].detail, "finished its self test", "tcg");
	assert_true(r[0].output_bytes > 1000); /* SeaBIOS's debug output */
	if (r[1].usable) {
		assert_true(r[1].seconds <= 2 * r[0].seconds + 0.001 ||
			    r[1].seconds <= 0.25);
	} else if (strstr(r[1].detail, "more than twice as slow as TCG")) {
		/* Judged by how far it had got beside TCG. */
		size_t done = 0, tcg = 0;
		const char *at = strstr(r[1].detail, "this guest had printed ");

		assert_non_null(at);
		assert_int_equal(sscanf(at, "this guest had printed %zu bytes of "
					    "the firmware's self test, TCG %zu",
					&done, &tcg),
				 2);
		assert_true(tcg >= 1024 && tcg <= r[0].output_bytes);
		assert_int_equal(done, r[1].output_bytes);
		assert_true(2 * done < tcg);
		assert_true(r[1].seconds < 2 * r[0].seconds + 0.1);
	} else {
		assert_true(strstr(r[1].detail, "did not finish") ||
			    strstr(r[1].detail, "QEMU "));
	}
}

/* Both guests started by exec, then both forked from a zygote. */
static void test_pair_judges_kvm_against_tcg(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct zygote *z;

	(void)state;
	pair_judges_kvm_against_tcg(NULL);
	z = zygote_start(QEMU, &why);
	if (!z)
		fail_msg("no zygote: %s", why.buf);
	strbuf_release(&why);
	pair_judges_kvm_against_tcg(z);
	zygote_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcg_is_usable),
		cmocka_unit_test(test_unknown_accelerator),
		cmocka_unit_test(test_kvm_verdict_has_a_reason),
		cmocka_unit_test(test_pair_judges_kvm_against_tcg),
	};
	return cmocka_run_group_tests_name("accel", tests, NULL, NULL);
}
