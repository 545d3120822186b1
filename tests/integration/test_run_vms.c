/*
 * Several VMs in one job, for real: scenarios/vm2vm.cfg's two VMs, each
 * with one vhost-user port, wired to each other through one DPDK
 * testpmd, each guest pinging the other until packets from it arrive.
 * QEMU up to 7.2 crashes with vhost-user under TCG (test_run.c says
 * why), so the QEMU under test is Debian's backports 10.0 that 'make
 * deps' unpacks for the VF lab (runner/labqemu.h), imported into the
 * test's store and probed like any install.
 */
#include <json-c/json.h>

#include "teststore.h"
#include "labqemu.h"

TU_DEBIAN_STORE_FIXTURE("vms")

#define LAB_QEMU_BIN LAB_QEMU_DIR_DEFAULT "/usr/bin/qemu-system-x86_64"

/* The check of kind on VM name in the run's checks JSON, or fails. */
static json_object *check_of(json_object *checks, const char *vm_name, const char *kind)
{
	for (size_t i = 0; i < json_object_array_length(checks); i++) {
		json_object *c = json_object_array_get_idx(checks, i), *v, *k;

		if (json_object_object_get_ex(c, "vm", &v) &&
		    json_object_object_get_ex(c, "kind", &k) &&
		    !strcmp(json_object_get_string(v), vm_name) &&
		    !strcmp(json_object_get_string(k), kind))
			return c;
	}
	fail_msg("no %s check of [%s] in %s", kind, vm_name,
		 json_object_to_json_string(checks));
	return NULL;
}

/*
 * The install name of the unpacked QEMU: its upstream version from the
 * Debian version 'make deps' recorded ("1:10.0.2+ds-2..." -> 10.0.2),
 * and "-backports"; malloc'd.
 */
static char *backports_name(void)
{
	char *v = tu_read(LAB_QEMU_DIR_DEFAULT "/VERSION"), *up;
	struct strbuf name = STRBUF_INIT;

	if (!v)
		fail_msg("no " LAB_QEMU_DIR_DEFAULT "/VERSION: run 'make deps'");
	up = strchr(v, ':') ? strchr(v, ':') + 1 : v;
	sb_printf(&name, "%.*s-backports", (int)strcspn(up, "+-~\n"), up);
	free(v);
	return strbuf_detach(&name);
}

static void test_vm_to_vm_through_one_testpmd(void **state)
{
	struct store st;
	char *out = NULL, *v, *name;
	json_object *checks, *c;

	(void)state;
	if (!path_exists(LAB_QEMU_BIN))
		fail_msg("no %s: run 'make deps'", LAB_QEMU_BIN);
	name = backports_name();
	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "import", "qemu",
							LAB_QEMU_BIN, "--name", name,
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "probe", name, "--no-abi",
							"--no-guest", "--no-libvirt", NULL },
			   (const char *const[]){ "--db", db, NULL }, 300),
		    0);
	free(out);
	(void)tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm2vm",
						  "--qemu", name, "--libvirt", "none",
						  NULL },
		     (const char *const[]){ "--db", db, NULL }, 600);
	free(out);

	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || coalesce(reason, '') FROM runs "
			   "WHERE scenario = 'vm2vm'");
	assert_string_equal(v, "pass: ");
	free(v);
	/* Each guest received from the other, through the wire testpmd made. */
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'vm2vm'");
	checks = json_tokener_parse(v);
	assert_non_null(checks);
	c = check_of(checks, "vm0", "traffic");
	assert_true(json_object_get_boolean(json_object_object_get(c, "pass")));
	assert_contains(json_object_get_string(json_object_object_get(c, "detail")),
			"to=[vm1] 52:54:00:00:00:02 received=", "vm0 to vm1");
	c = check_of(checks, "vm1", "traffic");
	assert_true(json_object_get_boolean(json_object_object_get(c, "pass")));
	assert_contains(json_object_get_string(json_object_object_get(c, "detail")),
			"to=[vm0] 52:54:00:00:00:01 received=", "vm1 to vm0");
	(void)check_of(checks, "vm0", "pci");
	(void)check_of(checks, "vm1", "link");
	json_object_put(checks);
	free(v);
	/* One testpmd, a port per VM, in a run subdirectory per VM. */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vm2vm'");
	assert_contains(v, "/vm0/vhost-net0.sock: QEMU connected; the guest's driver made "
			   "the device ready", "vm0's port");
	assert_contains(v, "/vm1/vhost-net1.sock: QEMU connected; the guest's driver made "
			   "the device ready", "vm1's port");
	assert_contains(v, "[vm1] QMP: SHUTDOWN reason=guest-shutdown", "vm1 powered off");
	free(v);
	v = tu_query1(&st, "SELECT backend_log FROM runs WHERE scenario = 'vm2vm'");
	assert_contains(v, "Forward statistics for port 0", "port 0");
	assert_contains(v, "Forward statistics for port 1", "port 1");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vm2vm'");
	assert_contains(v, "[\"[vm0]\",\"" LAB_QEMU_BIN "\",", "vm0's argv");
	assert_contains(v, "\"[vm1]\",\"" LAB_QEMU_BIN "\",", "vm1's argv");
	assert_contains(v, "/vm1/vhost-net1.sock", "vm1's socket");
	free(v);
	store_close(&st);
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_to_vm_through_one_testpmd),
	};

	return cmocka_run_group_tests_name("run-vms", tests, setup, teardown);
}
