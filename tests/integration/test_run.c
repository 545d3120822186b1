/*
 * virt-matrix run against Debian's real QEMU, in a store of the test's
 * own: the plain VM scenarios boot the host kernel with the generated
 * initramfs, the guest's checks come back from the console, and the run
 * is recorded with its real argv. A scenario the guest must fail (more
 * CPUs expected than given) is recorded as a failure with the reason.
 */
#include "teststore.h"

TU_DEBIAN_STORE_FIXTURE("run")

static void test_plain_vms_pass(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
							"--scenario", "vm-i440fx", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	assert_contains(out, "vm-q35", "run output");
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT group_concat(status) FROM runs WHERE scenario IN ('vm-q35', 'vm-i440fx')");
	assert_string_equal(v, "pass,pass");
	free(v);
	/* The guest really reported: both CPUs, and the virtio NIC. */
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'vm-q35'");
	assert_contains(v, "want=2 got=2", "cpus check");
	assert_contains(v, "id=1af4:1000|1af4:1041 want=1 got=1", "pci check");
	free(v);
	/* cpupin=0 1: both vCPU threads were pinned. */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vm-q35'");
	assert_contains(v, "cpupin: vCPU 0 (thread ", "vCPU 0 pinned");
	assert_contains(v, ") on host CPU 1", "vCPU 1 pinned");
	free(v);
	/* The argv is the real one: the binary, the resolved machine type. */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vm-i440fx'");
	assert_contains(v, "/usr/bin/qemu-system-x86_64", "argv");
	assert_contains(v, "pc-i440fx-", "argv machine");
	assert_contains(v, "e1000,netdev=hostnet0", "argv nic");
	free(v);
	store_close(&st);
}

/*
 * vhost-user through a real testpmd. Debian's QEMU 7.2 crashes here
 * (SIGSEGV once the guest's virtio-net driver starts, reproduced by hand
 * outside virt-matrix), so the result is whatever QEMU did: a pass must
 * carry the guest's traffic check, a failure must name the signal or the
 * failed check; either way the backend's counters are on record.
 */
static void test_vhost_user_is_run_for_real(void **state)
{
	struct store st;
	char *out = NULL, *status, *v;

	(void)state;
	(void)tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vhost-user", NULL },
		     (const char *const[]){ "--db", db, NULL }, 900);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	status = tu_query1(&st, "SELECT status FROM runs WHERE scenario = 'vhost-user'");
	assert_non_null(status);
	v = tu_query1(&st, "SELECT backend_log FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "Forward statistics for port 1", "testpmd counters");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "memory-backend-memfd,id=mem0,size=256M,share=on", "shared memory");
	assert_contains(v, "vhost-user,id=vhost1,chardev=char1", "second port");
	free(v);
	/* testpmd was judged ready by its sockets, and QEMU reached both. */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "vhost0.sock: QEMU connected", "first socket");
	assert_contains(v, "vhost1.sock: QEMU connected", "second socket");
	free(v);
	v = tu_query1(&st, "SELECT coalesce(reason, '') || ' ' || coalesce(checks, '') FROM runs WHERE scenario = 'vhost-user'");
	if (!strcmp(status, "pass"))
		assert_contains(v, "\"kind\":\"traffic\",\"pass\":true", "traffic check");
	else if (!strcmp(status, "fail"))
		assert_true(strstr(v, "signal 11") || strstr(v, "checks failed"));
	else
		fail_msg("vhost-user ended '%s': %s", status, v);
	free(v);
	free(status);
	store_close(&st);
}

static void test_guest_failure_is_recorded(void **state)
{
	struct store st;
	struct strbuf cfg = STRBUF_INIT;
	char *out = NULL, *v;
	const char *text = "[vm0]\ncpu = number=1;\nmem = size=256;\n[expect]\ncpus = count=3\n";

	(void)state;
	sb_printf(&cfg, "%s/wrong-cpus.cfg", dir);
	assert_int_equal(write_file_atomic(cfg.buf, text, strlen(text)), 0);
	assert_int_not_equal(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf, NULL },
				    (const char *const[]){ "--db", db, NULL }, 600),
			     0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'wrong-cpus'");
	assert_contains(v, "fail: 1 of 1 checks failed", "status");
	assert_contains(v, "want=3 got=1", "reason");
	free(v);
	store_close(&st);
	strbuf_release(&cfg);
}

static void test_bad_scenario_names_file_and_line(void **state)
{
	struct strbuf cfg = STRBUF_INIT;
	char *out = NULL;
	const char *text = "[vm0]\ncpu = number=1;\nmem = size=lots;\n";

	(void)state;
	sb_printf(&cfg, "%s/bad.cfg", dir);
	assert_int_equal(write_file_atomic(cfg.buf, text, strlen(text)), 0);
	assert_int_not_equal(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf, NULL },
				    (const char *const[]){ "--db", db, NULL }, 60),
			     0);
	assert_contains(out, "bad.cfg:3: bad value 'lots' for mem size", "error");
	free(out);
	strbuf_release(&cfg);
}

/*
 * DTS's own cfg of two VMs, named as the bundled corpus names it
 * (dts/NAME.cfg), loads, and is recorded as a skip that names them, with
 * the notes of what the runner does not act on: no guest runs.
 */
static void test_dts_two_vms_skipped(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
							"dts/vxlan_sample.cfg",
							"--libvirt", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 120),
		    0);
	assert_contains(out, "2 VMs in one scenario are not run yet ([vm0], [vm1])",
			"run output");
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'vxlan_sample'");
	assert_string_equal(v, "skip: 2 VMs in one scenario are not run yet ([vm0], [vm1])");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vxlan_sample'");
	assert_contains(v, "[vm1] line 28: daemon enable=yes is not used", "notes");
	free(v);
	v = tu_query1(&st, "SELECT count(*) FROM runs WHERE scenario = 'vxlan_sample' AND argv != '[]'");
	assert_string_equal(v, "0");
	free(v);
	store_close(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_scenario_names_file_and_line),
		cmocka_unit_test(test_dts_two_vms_skipped),
		cmocka_unit_test(test_plain_vms_pass),
		cmocka_unit_test(test_guest_failure_is_recorded),
		cmocka_unit_test(test_vhost_user_is_run_for_real),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
