/*
 * runner/hostadapt.c, the pure parts: the plan of what a DTS cfg's VM
 * leaves out and reserves on a host described by the case (which disk
 * images are there, whether /dev/hugepages has free pages, root or not),
 * and where cpupin puts a vCPU whose CPU the host lacks. Every failure
 * names its case.
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
	const char *left_out; /* per disk, '1' left out, '0' kept */
	long hugepages;
	const char *note, *why; /* substrings; NULL: none expected */
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
	  0, 0, 1, 0, "1", 0, "is not on this host: left out", NULL },
	{ "an IDE disk brings no device a pci check names",
	  "[vm0]\ndisk = file=/gone/vm0.img;\n[expect]\npci = id=1af4:1001\n", 0, 0, 1, 0,
	  "1", 0, "left out", NULL },
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
};

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
		if (c->why && (!why.buf || strcmp(why.buf, c->why)))
			fail_msg("%s: why '%s', want '%s'", c->name, why.buf, c->why);
		if (!c->why && why.len)
			fail_msg("%s: unexpected why '%s'", c->name, why.buf);
		if (c->note && (!all.buf || !strstr(all.buf, c->note)))
			fail_msg("%s: notes '%s' lack '%s'", c->name, all.buf, c->note);
		if (!c->ret) {
			if (p.ndisks != strlen(c->left_out))
				fail_msg("%s: %zu disks, want %zu", c->name, p.ndisks,
					 strlen(c->left_out));
			for (size_t i = 0; i < p.ndisks; i++)
				if (p.left_out[i] != (c->left_out[i] == '1'))
					fail_msg("%s: disk %zu left out %d", c->name, i,
						 p.left_out[i]);
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
		cmocka_unit_test(test_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
