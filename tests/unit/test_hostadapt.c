/*
 * runner/hostadapt.c, the pure parts: the plan of what a DTS cfg's VMs
 * leave out and reserve on a host described by the case (which disk
 * images are there, whether /dev/hugepages has free pages, root or not),
 * the copy of the scenario the mapper gets, and where cpupin puts a vCPU
 * whose CPU the host lacks. Every failure names its case.
 */
#include "testutil.h"
#include "hostadapt.h"

/* The fake host has the images under /here/ and nothing else. */
static int here_only(const char *path)
{
	return !strncmp(path, "/here/", 6);
}

struct plan_case {
	const char *name, *cfg;
	int dev_hugepages;
	long free_hugepages;
	int root;
	int ret;
	const char *left_out; /* per disk, '1' left out, '0' kept; VMs apart by '|' */
	long hugepages;
	const char *note, *why; /* a whole note (one of them), the whole reason;
				   NULL: no note, no reason */
};

static const struct plan_case plan_cases[] = {
	{ "a missing disk is left out, noted with its line",
	  "[vm0]\ncpu = number=1;\ndisk =\n    file=/storage/vm-image/vm0.img;\n", 0, 0, 1,
	  0, "1", 0, "disk /storage/vm-image/vm0.img (line 4) is not on this host: left out",
	  NULL },
	{ "a disk that is there is kept",
	  "[vm0]\ndisk = file=/here/vm0.img; file=/gone/vm1.img;\n", 0, 0, 1, 0, "01", 0,
	  "disk /gone/vm1.img (line 2) is not on this host: left out", NULL },
	{ "a pci check of virtio-blk needs the virtio disk: skip",
	  "[vm0]\ndisk = file=/gone/vm0.img,opt_if=virtio;\n[expect]\n"
	  "pci = id=1af4:1000|1af4:1001,count=2\n",
	  0, 0, 1, 1, NULL, 0, NULL,
	  "disk /gone/vm0.img (line 2) is not on this host, and the [expect] check of "
	  "line 4 (pci id=1af4:1000|1af4:1001) needs it" },
	{ "a pci check of a NIC does not need the virtio disk",
	  "[vm0]\ndisk = file=/gone/vm0.img,opt_if=virtio;\n[expect]\npci = id=1af4:1000\n",
	  0, 0, 1, 0, "1", 0, "disk /gone/vm0.img (line 2) is not on this host: left out",
	  NULL },
	{ "an IDE disk brings no device a pci check names",
	  "[vm0]\ndisk = file=/gone/vm0.img;\n[expect]\npci = id=1af4:1001\n", 0, 0, 1, 0,
	  "1", 0, "disk /gone/vm0.img (line 2) is not on this host: left out", NULL },
	{ "hugepages without hugetlbfs, as root: reserve the VM's memory",
	  "[vm0]\nmem = size=4096,hugepage=yes;\n", 0, 0, 1, 0, "", 2048, NULL, NULL },
	{ "hugepages of an odd size round up",
	  "[vm0]\nmem = size=17,hugepage=yes;\n", 0, 0, 1, 0, "", 9, NULL, NULL },
	{ "hugetlbfs with too few free pages: reserve",
	  "[vm0]\nmem = size=512,hugepage=yes;\n", 1, 255, 1, 0, "", 256, NULL, NULL },
	{ "hugetlbfs with enough free pages: as the file says",
	  "[vm0]\nmem = size=512,hugepage=yes;\n", 1, 256, 0, 0, "", 0, NULL, NULL },
	{ "hugepages wanted, none free, not root: skip",
	  "[vm0]\nmem = size=512,hugepage=yes;\n", 0, 0, 0, 1, NULL, 0, NULL,
	  "hugepage memory of 512 MiB needs 256 2 MiB pages; the host has no hugetlbfs at "
	  "/dev/hugepages and reserving them takes root" },
	{ "no hugepages: nothing to reserve", "[vm0]\nmem = size=4096;\n", 0, 0, 0, 0, "", 0,
	  NULL, NULL },
	/* Several VMs. */
	{ "two VMs with hugepages: the sum, each VM rounded up",
	  "[vm0]\nmem = size=512,hugepage=yes;\n[vm1]\nmem = size=17,hugepage=yes;\n", 0, 0,
	  1, 0, "|", 265, NULL, NULL },
	{ "a VM without hugepage=yes adds none",
	  "[vm0]\nmem = size=512,hugepage=yes;\n[vm1]\nmem = size=4096;\n", 0, 0, 1, 0, "|",
	  256, NULL, NULL },
	{ "the sum is what must be free in /dev/hugepages",
	  "[vm0]\nmem = size=512,hugepage=yes;\n[vm1]\nmem = size=512,hugepage=yes;\n", 1,
	  511, 1, 0, "|", 512, NULL, NULL },
	{ "the sum free in /dev/hugepages: as the file says",
	  "[vm0]\nmem = size=512,hugepage=yes;\n[vm1]\nmem = size=512,hugepage=yes;\n", 1,
	  512, 0, 0, "|", 0, NULL, NULL },
	{ "two VMs' hugepages, not root: skip naming both",
	  "[vm0]\nmem = size=512,hugepage=yes;\n[vm1]\nmem = size=512,hugepage=yes;\n", 0, 0,
	  0, 1, NULL, 0, NULL,
	  "hugepage memory of 1024 MiB ([vm0], [vm1]) needs 512 2 MiB pages; the host has "
	  "no hugetlbfs at /dev/hugepages and reserving them takes root" },
	{ "a disk of vm1 that an [expect vm1] check needs: skip naming vm1",
	  "[vm0]\ndisk = file=/here/vm0.img,opt_if=virtio;\n"
	  "[vm1]\ndisk = file=/gone/vm1.img,opt_if=virtio;\n[expect vm1]\npci = id=1af4:1001\n",
	  0, 0, 1, 1, NULL, 0, NULL,
	  "[vm1] disk /gone/vm1.img (line 4) is not on this host, and the [expect vm1] check of "
	  "line 6 (pci id=1af4:1001) needs it" },
	{ "the same disk with a check only for vm0: left out of vm1",
	  "[vm0]\ndisk = file=/here/vm0.img,opt_if=virtio;\n"
	  "[vm1]\ndisk = file=/gone/vm1.img,opt_if=virtio;\n[expect vm0]\npci = id=1af4:1001\n",
	  0, 0, 1, 0, "0|1", 0, "[vm1] disk /gone/vm1.img (line 4) is not on this host: left out",
	  NULL },
	{ "an [expect] for every VM needs vm1's disk too: skip",
	  "[vm0]\ndisk = file=/here/vm0.img,opt_if=virtio;\n"
	  "[vm1]\ndisk = file=/gone/vm1.img,opt_if=virtio;\n[expect]\npci = id=1af4:1001\n",
	  0, 0, 1, 1, NULL, 0, NULL,
	  "[vm1] disk /gone/vm1.img (line 4) is not on this host, and the [expect] check of "
	  "line 6 (pci id=1af4:1001) needs it" },
	{ "disks of both VMs left out, each noted with its VM",
	  "[vm0]\ndisk = file=/gone/a.img; file=/here/b.img;\n"
	  "[vm1]\ndisk = file=/here/c.img; file=/gone/d.img; file=/gone/e.img;\n",
	  0, 0, 1, 0, "10|011", 0, "[vm0] disk /gone/a.img (line 2) is not on this host: left out",
	  NULL },
};

/* Fails the case unless p leaves out the disks want says ("01|1"). */
static void assert_left_out(const char *name, const struct host_plan *p, const char *want)
{
	size_t vm = 0, i = 0;

	for (const char *w = want;; w++) {
		if (*w == '|' || !*w) {
			if (vm >= p->nvms || p->vms[vm].ndisks != i)
				fail_msg("%s: VM %zu has %zu disks in the plan, want %zu", name,
					 vm, vm < p->nvms ? p->vms[vm].ndisks : 0, i);
			vm++;
			i = 0;
			if (!*w)
				break;
			continue;
		}
		if (vm < p->nvms && i < p->vms[vm].ndisks &&
		    p->vms[vm].left_out[i] != (*w == '1'))
			fail_msg("%s: VM %zu disk %zu left out %d", name, vm, i,
				 p->vms[vm].left_out[i]);
		i++;
	}
	if (vm != p->nvms)
		fail_msg("%s: %zu VMs in the plan, want %zu", name, p->nvms, vm);
}

static void test_plan(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(plan_cases); k++) {
		const struct plan_case *c = &plan_cases[k];
		struct host_facts h = { here_only, c->dev_hugepages, c->free_hugepages, c->root };
		struct scenario s;
		struct host_plan p;
		struct strvec notes = STRVEC_INIT;
		struct strbuf why = STRBUF_INIT, all = STRBUF_INIT;
		int ret;

		memset(&s, 0, sizeof(s));
		if (scenario_parse(&s, "case.cfg", c->cfg, strlen(c->cfg)))
			fail_msg("%s: does not parse", c->name);
		ret = host_plan_make(&s, &h, &p, &notes, &why);
		for (size_t i = 0; i < notes.nr; i++)
			sb_printf(&all, "%s\n", notes.v[i]);
		if (ret != c->ret)
			fail_msg("%s: returned %d, want %d (%s)", c->name, ret, c->ret, why.buf);
		if (c->why && strcmp(why.buf, c->why))
			fail_msg("%s: why '%s', want '%s'", c->name, why.buf, c->why);
		if (!c->why && why.len)
			fail_msg("%s: unexpected why '%s'", c->name, why.buf);
		if (c->note && !strvec_has(&notes, c->note))
			fail_msg("%s: notes '%s' lack '%s'", c->name, all.buf, c->note);
		if (!c->note && !c->ret && notes.nr)
			fail_msg("%s: unexpected notes '%s'", c->name, all.buf);
		if (!c->ret) {
			assert_left_out(c->name, &p, c->left_out);
			if (p.hugepages != c->hugepages)
				fail_msg("%s: %ld hugepages, want %ld", c->name, p.hugepages,
					 c->hugepages);
		}
		host_plan_release(&p);
		scenario_release(&s);
		strvec_clear(&notes);
		strbuf_release(&why);
		strbuf_release(&all);
	}
}

/*
 * What the mapper gets: a copy of the scenario with every VM, each
 * without its disks that are not on this host, the caller's untouched.
 * No hugepages: host_adapt_start changes nothing on the host.
 */
static void test_adapt_copies_every_vm(void **state)
{
	char *dir = tu_tmpdir("hostadapt"), *img = tu_path(dir, "b.img");
	struct strbuf cfg = STRBUF_INIT, why = STRBUF_INIT;
	struct strvec notes = STRVEC_INIT;
	struct host_adapt a;
	struct scenario s;

	(void)state;
	tu_write(dir, "b.img", "");
	sb_printf(&cfg, "[vm0]\ndisk = file=/gone/a.img; file=%s;\n"
			"[vm1]\nmem = size=256;\n"
			"[vm2]\ndisk = file=/gone/c.img; file=/gone/d.img;\n", img);
	memset(&s, 0, sizeof(s));
	assert_int_equal(scenario_parse(&s, "three.cfg", cfg.buf, cfg.len), 0);
	assert_int_equal(host_adapt_start(&a, &s, dir, &notes, &why), 0);
	assert_int_equal(a.s.nvms, 3);
	assert_int_equal(a.s.vms[0].ndisks, 1);
	assert_string_equal(a.s.vms[0].disks[0].file, img);
	assert_int_equal(a.s.vms[1].ndisks, 0);
	assert_int_equal(a.s.vms[1].mem_mib, 256);
	assert_int_equal(a.s.vms[2].ndisks, 0);
	assert_string_equal(a.s.vms[2].name, "vm2");
	assert_null(a.mnt);
	/* The caller's scenario keeps its disks. */
	assert_int_equal(s.vms[0].ndisks, 2);
	assert_int_equal(s.vms[2].ndisks, 2);
	assert_int_equal(notes.nr, 3);
	assert_string_equal(notes.v[0], "[vm0] disk /gone/a.img (line 2) is not on this host: left out");
	assert_string_equal(notes.v[2], "[vm2] disk /gone/d.img (line 6) is not on this host: left out");
	host_adapt_stop(&a, &notes);
	assert_int_equal(notes.nr, 3);
	assert_null(a.s.vms);
	scenario_release(&s);
	strvec_clear(&notes);
	strbuf_release(&cfg);
	strbuf_release(&why);
	free(img);
	tu_rmdir(dir);
}

struct pin_case {
	const char *name;
	int cpus[4], ncpus;
	long want, got;
};

static const struct pin_case pin_cases[] = {
	{ "a CPU the host has", { 0, 1 }, 2, 1, 1 },
	{ "DTS's 24 on two CPUs", { 0, 1 }, 2, 24, 0 },
	{ "DTS's 25 on two CPUs", { 0, 1 }, 2, 25, 1 },
	{ "modulo counts the allowed CPUs, not numbers", { 2, 3, 5 }, 3, 4, 3 },
	{ "a gap in the set", { 2, 3, 5 }, 3, 8, 5 },
	{ "the first allowed CPU", { 2, 3, 5 }, 3, 6, 2 },
	{ "an allowed CPU stays", { 2, 3, 5 }, 3, 5, 5 },
	{ "negative", { 0, 1 }, 2, -1, -1 },
	{ "no CPU at all", { 0 }, 0, 3, -1 },
	{ "beyond CPU_SETSIZE", { 0, 1 }, 2, CPU_SETSIZE + 1, 1 },
};

static void test_pin(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(pin_cases); k++) {
		const struct pin_case *c = &pin_cases[k];
		cpu_set_t set;
		long got;

		CPU_ZERO(&set);
		for (int i = 0; i < c->ncpus; i++)
			CPU_SET(c->cpus[i], &set);
		got = host_pin_cpu(c->want, &set);
		if (got != c->got)
			fail_msg("%s: CPU %ld runs on %ld, want %ld", c->name, c->want, got,
				 c->got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_adapt_copies_every_vm),
		cmocka_unit_test(test_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
