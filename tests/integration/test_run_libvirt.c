/*
 * virt-matrix run through Debian's own libvirt (ark import libvirt), with
 * Debian's QEMU, in a store and a TMPDIR of the test's own. The imported
 * daemon runs in a private mount namespace with its state in a
 * temporary tree: the guest's checks pass, the argv is libvirt's, the
 * system's /etc/libvirt is left as it was, and neither the daemon nor
 * its tree outlives the run. Scenarios given as the user's own domain
 * XML pass or fail with libvirt's own message. Passthrough of the lab's
 * e1000e and of SR-IOV VFs runs libvirt inside the nested lab VM. A
 * daemon that cannot start is an error that shows its log, quickly.
 */
#include <dirent.h>

#include "teststore.h"
#include "tuproc.h"
#include "sha256.h"

static char *dir, *db, *vm, *tmp;

static int setup(void **state)
{
	(void)state;
	tu_store_with_debian_qemu("run-libvirt", &dir, &db, &vm);
	tmp = tu_private_tmpdir(dir, 0755);
	tu_import_debian_libvirt(vm, db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_private_release(dir, db, vm, tmp);
	return 0;
}

/* Entries in the test's TMPDIR. */
static int tmp_entries(void)
{
	struct dirent **ents = NULL;
	int n = scandir(tmp, &ents, NULL, alphasort), count = 0;

	for (int i = 0; i < n; i++) {
		count += strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..");
		free(ents[i]);
	}
	free(ents);
	return count;
}

static void test_debian_libvirt_runs_a_scenario(void **state)
{
	char conf_before[SHA256_HEX_LEN + 1] = "", conf_after[SHA256_HEX_LEN + 1] = "";
	int have_conf = path_exists("/etc/libvirt/qemu.conf");
	struct store st;
	char *out = NULL, *v;

	(void)state;
	if (have_conf)
		assert_int_equal(sha256_file("/etc/libvirt/qemu.conf", conf_before), 0);
	if (tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
						"--libvirt", "9.0.0-system", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("run failed:\n%s", out);
	assert_contains(out, "starting the daemon of libvirt 9.0.0-system", "daemon");
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ' ' || (instr(argv, '\"guest=vmx-vm-q35-') > 0)"
			   " || ' ' || (instr(argv, '/var/lib/libvirt/qemu/domain-') > 0)"
			   " || ' ' || (instr(checks, 'want=2 got=2') > 0)"
			   " FROM runs WHERE libvirt = '9.0.0-system'");
	/* Inside its namespace the daemon uses its compiled-in paths. */
	assert_string_equal(v, "pass 1 1 1");
	free(v);
	store_close(&st);
	/* The daemon is gone, its tree with it; the system config untouched. */
	/* Ours: its supervisor and daemon name their tree in our TMPDIR. */
	assert_int_equal(processes_with(tmp, NULL), 0);
	assert_int_equal(tmp_entries(), 0);
	if (have_conf) {
		assert_int_equal(sha256_file("/etc/libvirt/qemu.conf", conf_after), 0);
		assert_string_equal(conf_before, conf_after);
	}
}

/*
 * DTS's vhost_sample.cfg through libvirt, adapted to the host as a
 * direct run is: its disk left out, its cpupin modulo the CPUs present,
 * and hugepage=yes given up (libvirt takes hugepages only from a
 * hugetlbfs mounted before its daemon started), each noted; the guest
 * boots and powers off.
 */
static void test_dts_cfg_adapted_through_libvirt(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	if (tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "dts/vhost_sample.cfg",
						"--libvirt", "9.0.0-system", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("run failed:\n%s", out);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status FROM runs WHERE scenario = 'vhost_sample' "
			   "AND libvirt = '9.0.0-system'");
	assert_string_equal(v, "pass");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vhost_sample' "
			   "AND libvirt = '9.0.0-system'");
	assert_contains(v, "is not on this host: left out", "disk");
	assert_contains(v, "mem hugepage=yes of [vm0] through libvirt: no hugepages", "hugepages");
	assert_contains(v, "cpupin: vCPU 0 on host CPU ", "cpupin");
	assert_contains(v, "libvirt: shut off, reason shutdown", "powered off");
	free(v);
	v = tu_query1(&st, "SELECT domain_xml FROM runs WHERE scenario = 'vhost_sample' "
			   "AND libvirt = '9.0.0-system'");
	assert_null(strstr(v, "<hugepages"));
	assert_null(strstr(v, ".img"));
	assert_contains(v, "<vcpupin vcpu='0' cpuset='", "pinned");
	free(v);
	store_close(&st);
}

static void test_domain_xml_scenarios(void **state)
{
	struct strbuf xml = STRBUF_INIT, rejected = STRBUF_INIT, broken = STRBUF_INIT;
	char *text, *at, *out = NULL, *v;
	struct store st;

	(void)state;
	/* The shipped example, and two spoilt copies of it. */
	text = tu_read("scenarios/domain-q35.xml");
	assert_non_null(text);
	at = strstr(text, "model='qemu-xhci'");
	assert_non_null(at);
	sb_printf(&rejected, "%.*smodel='no-such-usb'%s", (int)(at - text), text,
		  at + strlen("model='qemu-xhci'"));
	tu_write(dir, "rejected.xml", rejected.buf);
	at = strstr(text, "</devices>");
	sb_printf(&broken, "%.*s", (int)(at - text), text);
	tu_write(dir, "broken.xml", broken.buf);
	sb_printf(&xml, "%s/rejected.xml", dir);
	strbuf_release(&rejected);
	sb_printf(&rejected, "%s/broken.xml", dir);
	tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "domain-q35",
					   "--scenario", xml.buf, "--scenario",
					   rejected.buf, NULL },
	       (const char *const[]){ "--db", db, NULL }, 600);
	assert_contains(out, "domain-q35       pass", "the example passes");
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT group_concat(coalesce(libvirt, '-') || ' ' || status, ', ')"
			   " FROM (SELECT * FROM runs WHERE scenario = 'domain-q35'"
			   " ORDER BY libvirt)");
	assert_string_equal(v, "- skip, 9.0.0-system pass");
	free(v);
	/* libvirt's argv for the user's domain: our name and emulator, TCG. */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'domain-q35'"
			   " AND libvirt IS NOT NULL");
	assert_contains(v, "\"/usr/bin/qemu-system-x86_64\"", "emulator");
	assert_contains(v, "\"guest=vmx-domain-q35-", "name");
	assert_contains(v, "\"-accel\",\"tcg\"", "accelerator");
	assert_contains(v, "qemu-xhci", "the user's device");
	assert_contains(v, "52:54:00:12:34:56", "the user's mac");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'domain-q35'"
			   " AND libvirt IS NOT NULL");
	assert_contains(v, "domain type 'kvm' run as 'qemu'", "type note");
	free(v);
	/* Rejections carry libvirt's own words. */
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs"
			   " WHERE scenario = 'rejected' AND libvirt IS NOT NULL");
	assert_contains(v, "fail: libvirt 9.0.0-system rejects the domain: ", "rejected");
	assert_contains(v, "failed to validate against schema", "rejected: libvirt's schema");
	free(v);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs"
			   " WHERE scenario = 'broken' AND libvirt IS NOT NULL");
	assert_contains(v, "fail: libvirt 9.0.0-system rejects the domain: ", "broken");
	assert_contains(v, "Premature end of data", "broken: libxml2's message via libvirt");
	free(v);
	store_close(&st);
	/* Ours: its supervisor and daemon name their tree in our TMPDIR. */
	assert_int_equal(processes_with(tmp, NULL), 0);
	assert_int_equal(tmp_entries(), 0);
	free(text);
	strbuf_release(&xml);
	strbuf_release(&rejected);
	strbuf_release(&broken);
}

/*
 * Passthrough through libvirt: Debian's libvirtd and QEMU run inside the
 * nested lab VM from the host tree, with a <hostdev> of the lab's
 * e1000e bound to vfio-pci; libvirt's QEMU realises it (query-pci
 * through libvirt's monitor shows 8086:10d3 as ua-pt_0).
 */
static void test_passthrough_through_libvirt_in_the_lab(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	if (tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "passthrough",
						"--libvirt", "9.0.0-system", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("run failed:\n%s", out);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ' ' || checks FROM runs"
			   " WHERE scenario = 'passthrough' AND libvirt = '9.0.0-system'");
	assert_contains(v, "pass [", "status");
	assert_contains(v, "id=8086:10d3 want=1 got=1 (query-pci)", "pci check");
	assert_contains(v, "pt_0: 8086:10d3 at ", "passthrough check");
	free(v);
	/* libvirt's own argv for the hostdev, and the lab's console. */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'passthrough'"
			   " AND libvirt = '9.0.0-system'");
	assert_contains(v, "\\\"driver\\\":\\\"vfio-pci\\\",\\\"host\\\":\\\"0000:00:05.0\\\",\\\"id\\\":\\\"ua-pt_0\\\"",
			"vfio-pci in libvirt's argv");
	free(v);
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'passthrough'"
			   " AND libvirt = '9.0.0-system'");
	assert_contains(v, "driver=vfio-pci iommu_group=", "lab bound the e1000e");
	assert_contains(v, "VMX-LAB libvirt daemon up after ", "daemon in the lab");
	free(v);
	store_close(&st);
	assert_int_equal(tmp_entries(), 0);
}

/*
 * SR-IOV VFs through libvirt: DTS's scene/vf_passthrough_1.cfg (two VFs
 * of one port) in the VF lab, Debian's libvirtd and QEMU inside it, a
 * <hostdev> of each VF at its lab address; libvirt's QEMU realises both
 * (query-pci through libvirt's monitor shows igb's VF 8086:10ca as
 * ua-pt_0 and ua-pt_1).
 */
static void test_vfs_through_libvirt_in_the_lab(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	if (tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
						"dts/scene/vf_passthrough_1.cfg",
						"--libvirt", "9.0.0-system", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("run failed:\n%s", out);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ' ' || checks FROM runs"
			   " WHERE scenario = 'vf_passthrough_1' AND libvirt = '9.0.0-system'");
	assert_contains(v, "pass [", "status");
	assert_contains(v, "pt_0: 8086:10ca at ", "VF 0");
	assert_contains(v, "pt_1: 8086:10ca at ", "VF 1");
	free(v);
	v = tu_query1(&st, "SELECT domain_xml FROM runs WHERE scenario = 'vf_passthrough_1'"
			   " AND libvirt = '9.0.0-system'");
	assert_contains(v, "<address domain='0x0000' bus='0x00' slot='0x18' function='0x2'/>",
			"VF 1's hostdev");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vf_passthrough_1'"
			   " AND libvirt = '9.0.0-system'");
	assert_contains(v, "\\\"driver\\\":\\\"vfio-pci\\\",\\\"host\\\":\\\"0000:00:18.2\\\"",
			"VF 1 in libvirt's argv");
	free(v);
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'vf_passthrough_1'"
			   " AND libvirt = '9.0.0-system'");
	assert_contains(v, "VMX-LAB port 0 0000:00:08.0 igb sriov_numvfs=2 of 7", "VFs made");
	assert_contains(v, "VMX-LAB libvirt daemon up after ", "daemon in the lab");
	free(v);
	store_close(&st);
	assert_int_equal(tmp_entries(), 0);
}

/* A "libvirtd" that says its version and then fails to start. */
static void test_daemon_that_does_not_start(void **state)
{
	struct strbuf fake = STRBUF_INIT;
	char *out = NULL;
	double t0 = now_monotonic();

	(void)state;
	tu_write(dir, "libvirtd", "#!/bin/sh\n"
				  "if [ \"$1\" = --version ]; then\n"
				  "  echo 'libvirtd (libvirt) 1.2.3'; exit 0\n"
				  "fi\n"
				  "echo 'error : cannot open the broken config' >&2\n"
				  "exit 6\n");
	sb_printf(&fake, "%s/libvirtd", dir);
	assert_int_equal(chmod(fake.buf, 0755), 0);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "import", "libvirt",
							fake.buf, "--name", "1.2.3-broken", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
							"--libvirt", "1.2.3-broken", NULL },
			   (const char *const[]){ "--db", db, NULL }, 120),
		    1);
	assert_contains(out, "exited with status 6 before it answered", "error");
	assert_contains(out, "cannot open the broken config", "its log");
	assert_contains(out, "the daemon of libvirt 1.2.3-broken did not start", "result");
	assert_true(now_monotonic() - t0 < 60);
	free(out);
	assert_int_equal(tmp_entries(), 0);
	strbuf_release(&fake);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_libvirt_runs_a_scenario),
		cmocka_unit_test(test_dts_cfg_adapted_through_libvirt),
		cmocka_unit_test(test_domain_xml_scenarios),
		cmocka_unit_test(test_passthrough_through_libvirt_in_the_lab),
		cmocka_unit_test(test_vfs_through_libvirt_in_the_lab),
		cmocka_unit_test(test_daemon_that_does_not_start),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
