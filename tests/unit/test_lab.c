/*
 * The lab (runner/lab.c). What it makes of L2's QMP answers: the answers
 * a real QEMU gives pass the checks; answers of the wrong JSON types (a
 * QEMU from an arbitrary commit can answer anything) fail them, without
 * crashing and without json-c's conversions inventing values; a VF is
 * judged by the igb VF's id. And the pure parts of the VF lab: L1's
 * argv with igb ports, where the VFs are, the work its /init is given,
 * and which VF scenarios it refuses and why.
 */
#include "testutil.h"
#include "lab.h"


static const struct {
	const char *name;
	const char *log;
	int parsed;  /* inspect_parse found query-pci */
	int failed;  /* checks that fail */
} cases[] = {
	{ "a real QEMU's answers",
	  "{\"QMP\": {}}\n{\"return\": {}, \"id\": \"caps\"}\n"
	  "{\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 4, "
	  "\"function\": 0, \"qdev_id\": \"pt_0\", \"id\": {\"vendor\": 32902, "
	  "\"device\": 4307}}]}], \"id\": \"pci\"}\n"
	  "{\"return\": [{\"thread-id\": 1}, {\"thread-id\": 2}], \"id\": \"cpus\"}\n"
	  "{\"return\": {\"base-memory\": 268435456}, \"id\": \"mem\"}\n",
	  1, 0 },
	{ "ids of the wrong type are not answers",
	  "{\"return\": [], \"id\": 5}\n{\"return\": [], \"id\": null}\n", 0, 4 },
	{ "devices, qdev_id and ids of the wrong types",
	  "{\"return\": [{\"bus\": 0, \"devices\": {}}, {\"devices\": [{\"qdev_id\": 5, "
	  "\"id\": [1]}, {\"qdev_id\": \"pt_0\", \"id\": {\"vendor\": \"32902\", "
	  "\"device\": null}, \"pci_bridge\": {\"devices\": 3}}]}], \"id\": \"pci\"}\n"
	  "{\"return\": {\"thread-id\": 1}, \"id\": \"cpus\"}\n"
	  "{\"return\": {\"base-memory\": \"268435456\"}, \"id\": \"mem\"}\n",
	  1, 4 },
	{ "answers that are not objects", "[1]\n\"x\"\n{\"return\": 1, \"id\": \"pci\"}\n",
	  1, 4 },
};

static void test_answers(void **state)
{
	struct scenario s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scenario_load(&s, "tests/data/runs/lab-passthrough.cfg"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inspect_answers a;
		struct guest_outcome o;
		int r = inspect_parse(cases[i].log, strlen(cases[i].log), &a);

		if ((r == 0) != cases[i].parsed)
			fail_msg("%s: inspect_parse returned %d", cases[i].name, r);
		memset(&o, 0, sizeof(o));
		inspect_eval(&s, &a, "8086:10d3", LAB_VF_ID, &o);
		if (o.failed != cases[i].failed) {
			for (size_t k = 0; k < o.nchecks; k++)
				print_message("  %s %s: %s\n", o.checks[k].kind,
					      o.checks[k].pass ? "pass" : "FAIL",
					      o.checks[k].detail);
			fail_msg("%s: %d checks failed, want %d", cases[i].name,
				 o.failed, cases[i].failed);
		}
		guest_outcome_release(&o);
		inspect_answers_release(&a);
	}
	scenario_release(&s);
}

/* The VFs of DTS's vf_passthrough_1.cfg, as Debian's QEMU 7.2.22 answered in the lab. */
static const struct {
	const char *name;
	const char *from, *to; /* an edit of the real answers, or NULL */
	int failed;
	const char *detail; /* of the first failed check, or NULL */
} vf_cases[] = {
	{ "the real answers: two igb VFs", NULL, NULL, 0, NULL },
	{ "a VF that is not igb's", "\"device\": 4298", "\"device\": 4307", 1,
	  "pt_0: 8086:10d3 at 00:01.0 want 8086:10ca" },
	{ "a VF that QEMU left out", "\"qdev_id\": \"pt_1\"", "\"qdev_id\": \"xx_1\"", 1,
	  "pt_1: no such device in query-pci" },
};

static void test_vf_answers(void **state)
{
	struct strbuf log = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(scenario_load(&s, "scenarios/dts/scene/vf_passthrough_1.cfg"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(vf_cases); i++) {
		struct inspect_answers a;
		struct guest_outcome o;
		char *p;

		strbuf_reset(&log);
		if (strbuf_read_file(&log, "tests/data/runs/lab-vf-7.2.22.qmp", 1 << 20))
			fail_msg("%s: cannot read the recorded answers", vf_cases[i].name);
		if (vf_cases[i].from) {
			p = strstr(log.buf, vf_cases[i].from);
			if (!p || strlen(vf_cases[i].from) != strlen(vf_cases[i].to))
				fail_msg("%s: cannot edit the answers", vf_cases[i].name);
			memcpy(p, vf_cases[i].to, strlen(vf_cases[i].to));
		}
		assert_int_equal(inspect_parse(log.buf, log.len, &a), 0);
		inspect_eval(&s, &a, LAB_PT_ID, LAB_VF_ID, &o);
		if (o.nchecks != 2 || o.failed != vf_cases[i].failed)
			fail_msg("%s: %zu checks, %d failed; want 2, %d", vf_cases[i].name,
				 o.nchecks, o.failed, vf_cases[i].failed);
		for (size_t k = 0; k < o.nchecks; k++) {
			if (strcmp(o.checks[k].kind, "passthrough"))
				fail_msg("%s: check %zu is %s", vf_cases[i].name, k,
					 o.checks[k].kind);
			if (!o.checks[k].pass && vf_cases[i].detail &&
			    strcmp(o.checks[k].detail, vf_cases[i].detail))
				fail_msg("%s: '%s', want '%s'", vf_cases[i].name,
					 o.checks[k].detail, vf_cases[i].detail);
			if (o.checks[k].pass && !strstr(o.checks[k].detail, " want " LAB_VF_ID))
				fail_msg("%s: '%s' does not want the VF's id",
					 vf_cases[i].name, o.checks[k].detail);
		}
		guest_outcome_release(&o);
		inspect_answers_release(&a);
	}
	scenario_release(&s);
	strbuf_release(&log);
}

/* L1's argv: the e1000e lab as it always was, the VF lab's igb ports. */
static const struct {
	const char *name;
	int ports;
	long l2_mib;
	const char *want;
} argv_cases[] = {
	{ "the e1000e lab", 0, 256,
	  "-machine q35 -accel tcg -smp 2 -device intel-iommu -m 768 "
	  "-device e1000e,addr=05.0 "
	  "-fsdev local,id=hostroot,path=/,security_model=none,readonly=on "
	  "-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=06.0 "
	  "-fsdev local,id=vmxrun,path=/run/dir,security_model=none "
	  "-device virtio-9p-pci,fsdev=vmxrun,mount_tag=vmxrun,addr=07.0 "
	  "-kernel /k -initrd /i -append '" GUEST_CMDLINE " intel_iommu=on' "
	  "-chardev stdio,id=ser0,signal=off -serial chardev:ser0 -no-reboot" },
	{ "the VF lab, two ports, 2 GiB for L2", 2, 2048,
	  "-machine q35 -accel tcg -smp 2 -device intel-iommu -m 2560 "
	  "-device igb,addr=08.0,id=port0 -device igb,addr=0a.0,id=port1 "
	  "-fsdev local,id=hostroot,path=/,security_model=none,readonly=on "
	  "-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=06.0 "
	  "-fsdev local,id=vmxrun,path=/run/dir,security_model=none "
	  "-device virtio-9p-pci,fsdev=vmxrun,mount_tag=vmxrun,addr=07.0 "
	  "-kernel /k -initrd /i -append '" GUEST_CMDLINE " intel_iommu=on' "
	  "-chardev stdio,id=ser0,signal=off -serial chardev:ser0 -no-reboot" },
	{ "the VF lab, one port, L2's memory by default", 1, 0,
	  "-machine q35 -accel tcg -smp 2 -device intel-iommu -m 1024 "
	  "-device igb,addr=08.0,id=port0 "
	  "-fsdev local,id=hostroot,path=/,security_model=none,readonly=on "
	  "-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=06.0 "
	  "-fsdev local,id=vmxrun,path=/run/dir,security_model=none "
	  "-device virtio-9p-pci,fsdev=vmxrun,mount_tag=vmxrun,addr=07.0 "
	  "-kernel /k -initrd /i -append '" GUEST_CMDLINE " intel_iommu=on' "
	  "-chardev stdio,id=ser0,signal=off -serial chardev:ser0 -no-reboot" },
};

static void test_argv(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(argv_cases); i++) {
		struct lab_env e = { "/k", "/i", "/run/dir", argv_cases[i].l2_mib,
				     argv_cases[i].ports };
		struct strvec argv = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT;

		lab_argv(&e, &argv);
		strvec_join(&argv, &got);
		if (strcmp(got.buf, argv_cases[i].want))
			fail_msg("%s:\n got %s\nwant %s", argv_cases[i].name, got.buf,
				 argv_cases[i].want);
		strvec_clear(&argv);
		strbuf_release(&got);
	}
}

/*
 * Where the VFs are: port m's devfn (slot 8 + 2m) + igb's offset 0x80 +
 * stride 2 per VF, as the kernel in the lab found them (virtfn links).
 */
static const struct {
	int port, vf;
	const char *port_bdf, *vf_bdf;
} bdf_cases[] = {
	{ 0, 0, "0000:00:08.0", "0000:00:18.0" }, /* seen in the lab */
	{ 0, 1, "0000:00:08.0", "0000:00:18.2" }, /* seen in the lab */
	{ 0, 6, "0000:00:08.0", "0000:00:19.4" },
	{ 1, 0, "0000:00:0a.0", "0000:00:1a.0" }, /* seen in the lab */
	{ 1, 1, "0000:00:0a.0", "0000:00:1a.2" }, /* seen in the lab */
	{ 2, 6, "0000:00:0c.0", "0000:00:1d.4" },
};

static void test_vf_bdf(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bdf_cases); i++) {
		char pf[16], vf[16];

		lab_port_bdf(bdf_cases[i].port, pf, sizeof(pf));
		lab_vf_bdf(bdf_cases[i].port, bdf_cases[i].vf, vf, sizeof(vf));
		if (strcmp(pf, bdf_cases[i].port_bdf) || strcmp(vf, bdf_cases[i].vf_bdf))
			fail_msg("port %d VF %d: %s %s, want %s %s", bdf_cases[i].port,
				 bdf_cases[i].vf, pf, vf, bdf_cases[i].port_bdf,
				 bdf_cases[i].vf_bdf);
	}
}

/* The /init's work for DTS's own VF scenes. */
static const struct {
	const char *cfg;
	size_t vfs;
	int ports;
	const char *work, *note;
} plan_cases[] = {
	{ "scenarios/dts/scene/vf_passthrough.cfg", 2, 2,
	  "port 0 0000:00:08.0 2\n"
	  "port 1 0000:00:0a.0 2\n"
	  "vf 0 0 0000:00:08.0 0000:00:18.0 00:00:00:00:01:01\n"
	  "vf 1 0 0000:00:0a.0 0000:00:1a.0 00:00:00:00:01:02\n",
	  NULL },
	{ "scenarios/dts/scene/vf_passthrough_1.cfg", 2, 1,
	  "port 0 0000:00:08.0 2\n"
	  "vf 0 0 0000:00:08.0 0000:00:18.0 -\n"
	  "vf 0 1 0000:00:08.0 0000:00:18.2 -\n",
	  NULL },
	{ "scenarios/dts/scene/dpdk_vf_passthrough.cfg", 2, 2,
	  "port 0 0000:00:08.0 1\n"
	  "port 1 0000:00:0a.0 1\n"
	  "vf 0 0 0000:00:08.0 0000:00:18.0 -\n"
	  "vf 1 0 0000:00:0a.0 0000:00:1a.0 -\n",
	  "dev_gen pf_idx=1 (line 27) has driver=igb_uio: the lab makes the VFs "
	  "with the kernel's igb driver on the port (DTS binds the port to "
	  "igb_uio first)" },
	{ "scenarios/passthrough.cfg", 0, 0, "", NULL },
};

static void test_vf_plan(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(plan_cases); i++) {
		struct strbuf work = STRBUF_INIT, why = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;
		struct scenario s;
		int ports = -1;
		size_t n;

		assert_int_equal(scenario_load(&s, plan_cases[i].cfg), 0);
		if (scenario_runnable(&s, &why))
			fail_msg("%s: not runnable: %s", plan_cases[i].cfg, why.buf);
		n = lab_vf_plan(&s, &work, &ports, &notes);
		if (n != plan_cases[i].vfs || ports != plan_cases[i].ports)
			fail_msg("%s: %zu VFs on %d ports, want %zu on %d", plan_cases[i].cfg,
				 n, ports, plan_cases[i].vfs, plan_cases[i].ports);
		if (strcmp(work.buf ? work.buf : "", plan_cases[i].work))
			fail_msg("%s: work\n%s\nwant\n%s", plan_cases[i].cfg, work.buf,
				 plan_cases[i].work);
		if (plan_cases[i].note && !strvec_has(&notes, plan_cases[i].note))
			fail_msg("%s: no note '%s'", plan_cases[i].cfg, plan_cases[i].note);
		if (!plan_cases[i].note && notes.nr)
			fail_msg("%s: note '%s'", plan_cases[i].cfg, notes.v[0]);
		scenario_release(&s);
		strbuf_release(&work);
		strbuf_release(&why);
		strvec_clear(&notes);
	}
}

/* What the VF lab does not run, and why (scenario_runnable). */
static const struct {
	const char *name, *cfg, *why;
} refuse_cases[] = {
	{ "igb's 7 VFs per port",
	  "[vm0]\ndev_gen = pf_idx=0,vf_num=8,driver=default\ndevice = vf_idx=7,pf_dev=0\n",
	  "dev_gen pf_idx=0 (line 2) asks for 8 VFs: the runner makes VFs in the "
	  "nested lab VM on QEMU's igb (82576), which has at most 7 per port" },
	{ "a port beyond the lab's",
	  "[vm0]\ndev_gen = pf_idx=3,vf_num=1,driver=default\ndevice = vf_idx=0,pf_dev=3\n",
	  "VF 0 of host port 3 (line 3) is not run: the runner makes VFs in the "
	  "nested lab VM, whose igb ports are 0 to 2" },
	{ "a dev_gen beyond the lab's",
	  "[vm0]\ndev_gen = pf_idx=0,vf_num=1,driver=default; pf_idx=5,vf_num=1,driver=default\n"
	  "device = vf_idx=0,pf_dev=0\n",
	  "dev_gen pf_idx=5 (line 2) is not run: the runner makes VFs in the "
	  "nested lab VM, whose igb ports are 0 to 2" },
	{ "the lab's e1000e beside a VF",
	  "[vm0]\ndev_gen = pf_idx=0,vf_num=1,driver=default\ndevice = vf_idx=0,pf_dev=0\n"
	  "device = driver=vfio-pci,opt_host=lab\n[host]\npassthrough = device=lab\n",
	  "a vfio-pci device (line 4) beside SR-IOV VFs (line 3) is not run: the "
	  "nested lab VM that makes the VFs has no other device to pass through "
	  "and no vhost-user backend" },
	{ "seven VFs are igb's", "[vm0]\ndev_gen = pf_idx=2,vf_num=7,driver=default\n"
	  "device = vf_idx=6,pf_dev=2\n", NULL },
};

static void test_vf_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refuse_cases); i++) {
		struct strbuf why = STRBUF_INIT;
		struct scenario s;
		int r;

		if (scenario_parse(&s, "t.cfg", refuse_cases[i].cfg, strlen(refuse_cases[i].cfg)))
			fail_msg("%s: does not load", refuse_cases[i].name);
		r = scenario_runnable(&s, &why);
		if (!refuse_cases[i].why && r)
			fail_msg("%s: refused: %s", refuse_cases[i].name, why.buf);
		if (refuse_cases[i].why &&
		    (!r || strcmp(why.buf ? why.buf : "", refuse_cases[i].why)))
			fail_msg("%s: '%s', want '%s'", refuse_cases[i].name,
				 why.buf ? why.buf : "(runnable)", refuse_cases[i].why);
		scenario_release(&s);
		strbuf_release(&why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_vf_answers),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_vf_bdf),
		cmocka_unit_test(test_vf_plan),
		cmocka_unit_test(test_vf_refused),
	};
	return cmocka_run_group_tests_name("lab", tests, NULL, NULL);
}
