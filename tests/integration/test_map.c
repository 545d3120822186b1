/*
 * virt-matrix map on a store of the test's own with Debian's QEMU: before
 * the probe it names the command that makes the record; after it, DPDK
 * DTS's sriov_kvm.cfg (four VMs, vlans, a tap) maps VM by VM from what
 * the probe recorded (the q35 alias it resolved, the binary's path),
 * as text and as JSON; and the store is not written.
 */
#include <json-c/json.h>

#include "teststore.h"
#include "sha256.h"

TU_DEBIAN_STORE_FIXTURE("map")

/* The install's name and what its q35 is, from the store. */
static void debian_qemu(char **install, char **q35)
{
	struct store st;

	assert_int_equal(store_open(&st, db), 0);
	*install = tu_query1(&st, "SELECT version FROM installs WHERE app = 'qemu'");
	*q35 = tu_query1(&st, "SELECT m.name FROM machine_types m JOIN binaries b"
			      " ON b.id = m.binary WHERE m.alias = 'q35'");
	store_close(&st);
	assert_non_null(*install);
}

static void test_before_probe(void **state)
{
	static const char bad[] = "[vm0]\nmem = size=lots\n";
	char *out = NULL, *install, *q35;
	struct strbuf want = STRBUF_INIT;

	(void)state;
	debian_qemu(&install, &q35);
	assert_null(q35);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "dts/vf_vlan.cfg", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    1);
	assert_contains(out, "has a complete probe record; run 'virt-matrix probe' first",
			"no record");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "dts/vf_vlan.cfg",
							"--qemu", install, NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    1);
	sb_printf(&want, "error: QEMU install '%s' has no complete probe record; run "
			 "'virt-matrix probe %s' first",
		  install, install);
	assert_contains(out, want.buf, "named");
	free(out);
	/* A bad file names its file and line, as the loader does. */
	strbuf_reset(&want);
	sb_printf(&want, "%s/bad.cfg", dir);
	assert_int_equal(write_file_atomic(want.buf, bad, strlen(bad)), 0);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", want.buf, NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    1);
	assert_contains(out, "bad.cfg:2: bad value 'lots' for mem size", "bad file");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "dts/nope.cfg", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    1);
	assert_contains(out, "no scenario 'dts/nope.cfg'", "missing");
	free(out);
	strbuf_release(&want);
	free(install);
}

static void test_after_probe(void **state)
{
	char *out = NULL, *install, *q35, before[65], after[65];
	struct strbuf want = STRBUF_INIT;
	json_object *doc, *vms, *q, *argv, *err;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "probe", "--no-abi", "--no-guest",
							"--no-libvirt", NULL },
			   (const char *const[]){ "--db", db, NULL }, 300),
		    0);
	free(out);
	debian_qemu(&install, &q35);
	assert_non_null(q35);
	assert_int_equal(sha256_file(db, before), 0);

	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "dts/sriov_kvm.cfg", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	assert_contains(out, "/dts/sriov_kvm.cfg: 4 VMs, 1 QEMU, accel kvm\n", "header");
	sb_printf(&want, "\n[vm2] QEMU %s\n  /usr/bin/qemu-system-x86_64 -machine %s "
			 "-accel kvm -cpu host -smp 4 -m 512 "
			 "-drive file=/home/image/vdisk03-ivshmem-fc20.img "
			 "-netdev bridge,id=hostnet0,br=br0 -device e1000,netdev=hostnet0 "
			 "-vnc 'unix:<rundir>/vnc.sock' ",
		  install, q35);
	assert_contains(out, want.buf, "vm2");
	assert_contains(out, "  note: net type=tap (line 136) is -netdev bridge,br=br0",
			"tap note");
	assert_contains(out, "  note: net vlan 1 (line 116): its nic and its backend are "
			     "connected directly",
			"vlan note");
	assert_contains(out, "\n[vm3]\nnote: [vm3] line 152: login user=root is not used",
			"VM notes");
	free(out);

	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "dts/scene/vf_passthrough",
							"--json", "--accel", "tcg", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	doc = json_tokener_parse(out);
	if (!doc)
		fail_msg("not JSON:\n%s", out);
	assert_true(json_object_object_get_ex(doc, "vms", &vms));
	assert_int_equal(json_object_array_length(vms), 1);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(vms, 0), "qemus", &q));
	q = json_object_array_get_idx(q, 0);
	assert_true(json_object_object_get_ex(q, "argv", &argv));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 0)),
			    "/usr/bin/qemu-system-x86_64");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 6)), "max");
	assert_true(json_object_object_get_ex(q, "error", &err) && !err);
	assert_contains(json_object_to_json_string(q), "vfio-pci,host=VF0-OF-PF1,id=pt_1",
			"VF");
	json_object_put(doc);
	free(out);

	/* Several files in one process: an array of documents, in order; a
	 * file that does not load is an error, and the others still map. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "map", "vm2vm", "dts/nope.cfg",
							"dts/vf_vlan.cfg", "--json", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    1);
	assert_contains(out, "no scenario 'dts/nope.cfg'", "the bad one told");
	doc = json_tokener_parse(strchr(out, '['));
	if (!doc || !json_object_is_type(doc, json_type_array))
		fail_msg("not a JSON array:\n%s", out);
	assert_int_equal(json_object_array_length(doc), 2);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(doc, 0), "vms", &vms));
	assert_int_equal(json_object_array_length(vms), 2);
	assert_contains(json_object_get_string(json_object_object_get(
				json_object_array_get_idx(doc, 1), "scenario")),
			"/dts/vf_vlan.cfg", "second file");
	json_object_put(doc);
	free(out);

	/* Nothing of it went into the store. */
	assert_int_equal(sha256_file(db, after), 0);
	assert_string_equal(before, after);
	strbuf_release(&want);
	free(install);
	free(q35);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_probe),
		cmocka_unit_test(test_after_probe),
	};

	return cmocka_run_group_tests_name("map", tests, setup, teardown);
}
