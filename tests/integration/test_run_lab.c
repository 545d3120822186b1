/*
 * PCI passthrough for real: the passthrough scenario runs Debian's QEMU
 * inside the nested lab VM (intel-iommu, e1000e bound to vfio-pci), and
 * query-pci of that QEMU must show the device as pt_0. A wrong
 * expectation fails with what query-pci showed; a host device that is
 * missing or not bound to vfio-pci is a skip that says so.
 */
#include <dirent.h>

#include "teststore.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_devices_that_cannot_be_used_are_skipped),
		cmocka_unit_test(test_passthrough_in_the_lab_vm),
		cmocka_unit_test(test_wrong_expectation_fails_with_query_pci),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
