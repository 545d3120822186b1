/*
 * PCI passthrough for real: the passthrough scenario runs Debian's QEMU
 * inside the nested lab VM (intel-iommu, e1000e bound to vfio-pci), and
 * query-pci of that QEMU must show the device as pt_0. A wrong
 * expectation fails with what query-pci showed; a host device that is
 * missing or not bound to vfio-pci is a skip that says so.
 *
 * SR-IOV VFs for real: DTS's scene/vf_passthrough.cfg (two host ports,
 * two VFs made on each, VF 0 of each passed through with its MAC) runs
 * Debian's QEMU in the VF lab, which runs on the QEMU 'make deps'
 * extracts (labqemu.h: the store here has only Debian's 7.2, which has
 * no igb); query-pci must show both igb VFs. Without a QEMU for the VF
 * lab, or with more VFs than igb has, the job is a skip that says why.
 */
#include <dirent.h>

#include "teststore.h"
#include "labqemu.h"

TU_DEBIAN_STORE_FIXTURE("lab")

static void test_passthrough_in_the_lab_vm(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "passthrough", NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ' ' || accel FROM runs WHERE scenario = 'passthrough'");
	assert_string_equal(v, "pass tcg");
	free(v);
	/* The QEMU under test got the lab's e1000e through vfio-pci... */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'passthrough'");
	assert_contains(v, "/usr/bin/qemu-system-x86_64", "argv binary");
	assert_contains(v, "vfio-pci,host=0000:00:05.0,id=pt_0", "argv device");
	free(v);
	/* ...the lab bound it to vfio-pci... */
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'passthrough'");
	assert_contains(v, "VMX-LAB 0000:00:05.0 driver=vfio-pci iommu_group=", "lab binding");
	assert_contains(v, "VMX-L2-EXIT 0", "QEMU's exit in the lab");
	free(v);
	/* ...and query-pci shows it in the guest. */
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'passthrough'");
	assert_contains(v, "id=8086:10d3 want=1 got=1 (query-pci)", "pci check");
	assert_contains(v, "\"kind\":\"passthrough\",\"pass\":true,\"detail\":\"pt_0: 8086:10d3 at 00:", "pt_0");
	free(v);
	store_close(&st);
}

static void test_wrong_expectation_fails_with_query_pci(void **state)
{
	struct store st;
	char *out = NULL, *v;
	const char *text = "[vm0]\nmem = size=256;\ndevice = driver=vfio-pci,opt_host=lab\n"
			   "[host]\npassthrough = device=lab\n"
			   "[expect]\npci = id=8086:10d3,count=2\ncpus = count=1\n";

	(void)state;
	tu_write(dir, "pt-two.cfg", text);
	{
		struct strbuf cfg = STRBUF_INIT;

		sb_printf(&cfg, "%s/pt-two.cfg", dir);
		assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf, NULL },
				   (const char *const[]){ "--db", db, NULL }, 600),
			    1);
		strbuf_release(&cfg);
	}
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'pt-two'");
	assert_contains(v, "fail: 1 of 3 checks failed; pci: id=8086:10d3 want=2 got=1 (query-pci)", "reason");
	free(v);
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'pt-two'");
	assert_contains(v, "\"kind\":\"cpus\",\"pass\":true,\"detail\":\"want=1 got=1 (query-cpus-fast)\"", "cpus over QMP");
	free(v);
	store_close(&st);
}

/* A PCI device of this host that is not bound to vfio-pci, or NULL. */
static char *unbound_host_device(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char *found = NULL;

	if (!d)
		return NULL;
	while (!found && (e = readdir(d))) {
		char link[512], target[256];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (n <= 0 || !strstr(target, "vfio-pci"))
			found = xstrdup(e->d_name);
	}
	closedir(d);
	return found;
}

static void test_host_devices_that_cannot_be_used_are_skipped(void **state)
{
	struct store st;
	struct strbuf text = STRBUF_INIT, cfg = STRBUF_INIT;
	char *out = NULL, *v, *bdf = unbound_host_device();

	(void)state;
	if (!bdf)
		skip();
	sb_printf(&text, "[vm0]\nmem = size=256;\ndevice = driver=vfio-pci,opt_host=%s\n"
			 "[host]\npassthrough = device=%s\n[expect]\npci = id=8086:10d3\n",
		  bdf, bdf);
	tu_write(dir, "pt-host.cfg", text.buf);
	strbuf_reset(&text);
	sb_puts(&text, "[vm0]\nmem = size=256;\ndevice = driver=vfio-pci,opt_host=0000:fe:1f.7\n"
		       "[host]\npassthrough = device=0000:fe:1f.7\n[expect]\npci = id=8086:10d3\n");
	tu_write(dir, "pt-none.cfg", text.buf);
	sb_printf(&cfg, "%s/pt-host.cfg", dir);
	{
		struct strbuf c2 = STRBUF_INIT;

		sb_printf(&c2, "%s/pt-none.cfg", dir);
		assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf,
								"--scenario", c2.buf, NULL },
				   (const char *const[]){ "--db", db, NULL }, 120),
			    0);
		strbuf_release(&c2);
	}
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'pt-host'");
	assert_contains(v, "skip: host device ", "status");
	assert_contains(v, bdf, "names the device");
	assert_contains(v, "not vfio-pci: bind it before the run", "what to do");
	free(v);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'pt-none'");
	assert_contains(v, "skip: this host has no PCI device 0000:fe:1f.7", "missing device");
	free(v);
	store_close(&st);
	strbuf_release(&text);
	strbuf_release(&cfg);
	free(bdf);
}

static void test_sriov_vfs_in_the_lab_vm(void **state)
{
	struct store st;
	struct strbuf lab_qemu = STRBUF_INIT;
	char *out = NULL, *v;

	(void)state;
	/* The Debian version of the package 'make deps' extracted, which QEMU says too. */
	if (!path_exists(LAB_QEMU_DIR_DEFAULT "/VERSION"))
		fail_msg("no " LAB_QEMU_DIR_DEFAULT "/VERSION: run 'make deps'");
	v = tu_read(LAB_QEMU_DIR_DEFAULT "/VERSION");
	v[strcspn(v, "\n")] = '\0';
	sb_printf(&lab_qemu, "(Debian %s): %s/usr/bin/qemu-system-x86_64 (Debian's "
			     "bookworm-backports build, extracted by 'make deps' into %s)",
		  v, LAB_QEMU_DIR_DEFAULT, LAB_QEMU_DIR_DEFAULT);
	free(v);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
							"dts/scene/vf_passthrough.cfg",
							"--libvirt", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ' ' || accel FROM runs WHERE scenario = 'vf_passthrough'");
	assert_string_equal(v, "pass tcg");
	free(v);
	/* Debian's QEMU got VF 0 of each port at the address the lab gives it... */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vf_passthrough'");
	assert_contains(v, "\"/usr/bin/qemu-system-x86_64\"", "argv binary");
	assert_contains(v, "\"vfio-pci,host=0000:00:18.0,id=pt_0\"", "VF 0 of port 0");
	assert_contains(v, "\"vfio-pci,host=0000:00:1a.0,id=pt_1\"", "VF 0 of port 1");
	free(v);
	/* ...the notes say on which QEMU the lab ran and where each VF is... */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vf_passthrough'");
	assert_contains(v, lab_qemu.buf, "the lab's QEMU");
	assert_contains(v, "VF 0 of host port 0 (line 27): host=0000:00:18.0, where the "
			   "run makes it (dev_gen, line 24: 2 VFs on the port), its MAC "
			   "00:00:00:00:01:01 set through the port", "VF 0 of port 0");
	assert_contains(v, "disk /storage/vm-image/vm0.img (line 20) is left out in the "
			   "lab VM", "the disk");
	free(v);
	/* ...the lab made the VFs with igb and bound those two to vfio-pci... */
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'vf_passthrough'");
	assert_contains(v, "VMX-LAB port 0 0000:00:08.0 igb sriov_numvfs=2 of 7", "port 0");
	assert_contains(v, "VMX-LAB port 1 0000:00:0a.0 igb sriov_numvfs=2 of 7", "port 1");
	assert_contains(v, "VMX-LAB 0000:00:18.0 driver=vfio-pci iommu_group=", "VF bound");
	assert_contains(v, "(VF 0 of port 1, 0x8086:0x10ca, mac 00:00:00:00:01:02)",
			"VF of port 1 with its MAC");
	assert_contains(v, "VMX-L2-EXIT 0", "QEMU's exit in the lab");
	free(v);
	/* ...and query-pci shows both igb VFs in the guest. */
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'vf_passthrough'");
	assert_contains(v, "\"kind\":\"passthrough\",\"pass\":true,\"detail\":\"pt_0: "
			   "8086:10ca at 00:", "pt_0");
	assert_contains(v, "\"kind\":\"passthrough\",\"pass\":true,\"detail\":\"pt_1: "
			   "8086:10ca at 00:", "pt_1");
	free(v);
	store_close(&st);
	strbuf_release(&lab_qemu);
}

/*
 * DTS's scene/pf_passthrough.cfg: host ports 0 and 1 by index (pf_idx)
 * are the VF lab's igb ports themselves, taken from igb, bound to
 * vfio-pci and given to Debian's QEMU, whose query-pci shows the 82576.
 */
static void test_host_ports_by_index_in_the_lab_vm(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
							"dts/scene/pf_passthrough.cfg",
							"--libvirt", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status FROM runs WHERE scenario = 'pf_passthrough'");
	assert_string_equal(v, "pass");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'pf_passthrough'");
	assert_contains(v, "\"vfio-pci,host=0000:00:08.0,id=pt_0\"", "port 0");
	assert_contains(v, "\"vfio-pci,host=0000:00:0a.0,id=pt_1\"", "port 1");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'pf_passthrough'");
	assert_contains(v, "host port 1 (line 23): host=0000:00:0a.0, where the run "
			   "provides it, bound to vfio-pci", "port 1's note");
	assert_null(strstr(v, "SR-IOV VFs:"));
	free(v);
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'pf_passthrough'");
	assert_contains(v, "VMX-LAB 0000:00:08.0 driver=vfio-pci iommu_group=", "port 0 bound");
	assert_contains(v, "(port 1, 0x8086:0x10c9)", "port 1 bound");
	assert_null(strstr(v, "sriov_numvfs="));
	free(v);
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'pf_passthrough'");
	assert_contains(v, "\"detail\":\"pt_0: 8086:10c9 at 00:", "pt_0 is the 82576");
	assert_contains(v, "\"detail\":\"pt_1: 8086:10c9 at 00:", "pt_1 is the 82576");
	free(v);
	store_close(&st);
}

static void test_vfs_the_lab_cannot_make_are_skipped(void **state)
{
	struct store st;
	struct strbuf cfg = STRBUF_INIT;
	char *out = NULL, *v;

	(void)state;
	tu_write(dir, "vf-eight.cfg", "[vm0]\nmem = size=256;\n"
				      "dev_gen = pf_idx=0,vf_num=8,driver=default\n"
				      "device = vf_idx=7,pf_dev=0\n");
	sb_printf(&cfg, "%s/vf-eight.cfg", dir);
	/* No QEMU for the VF lab: none in this directory, none with igb in the store. */
	assert_exit(tu_run_env(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf,
							    "--scenario",
							    "dts/scene/vf_passthrough_1.cfg",
							    "--libvirt", "none", NULL },
			       (const char *const[]){ "--db", db, NULL },
			       (const char *const[]){ LAB_QEMU_ENV "=/nonexistent", NULL }, 120),
		    0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'vf-eight'");
	assert_string_equal(v, "skip: dev_gen pf_idx=0 (line 3) asks for 8 VFs: the runner "
			       "makes VFs in the nested lab VM on QEMU's igb (82576), "
			       "which has at most 7 per port");
	free(v);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'vf_passthrough_1'");
	assert_string_equal(v, "skip: SR-IOV VFs run in the nested lab VM on a QEMU with igb "
			       "(QEMU >= 8.0), virtio-9p-pci and intel-iommu, and this "
			       "machine has none: no '/nonexistent/usr/bin/qemu-system-x86_64' "
			       "($" LAB_QEMU_ENV ", default " LAB_QEMU_DIR_DEFAULT ") and no "
			       "probed QEMU install with all three; 'make deps' installs one "
			       "there (Debian's bookworm-backports QEMU, extracted)");
	free(v);
	store_close(&st);
	strbuf_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_devices_that_cannot_be_used_are_skipped),
		cmocka_unit_test(test_vfs_the_lab_cannot_make_are_skipped),
		cmocka_unit_test(test_passthrough_in_the_lab_vm),
		cmocka_unit_test(test_wrong_expectation_fails_with_query_pci),
		cmocka_unit_test(test_sriov_vfs_in_the_lab_vm),
		cmocka_unit_test(test_host_ports_by_index_in_the_lab_vm),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
