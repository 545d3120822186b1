/*
 * runner/jobplan.c without QEMU: which jobs a run plans (QEMU installs x
 * direct/libvirt x scenarios, in that order), the shard's slice of them,
 * unknown --qemu/--libvirt names and empty plans refused with the
 * message, and the memory sizing of a job and of the parallelism.
 * Table-driven: a failure names its case.
 */
#include "testutil.h"
#include "jobplan.h"

#define MAXV 6
#define MAXJ 32

struct plan_case {
	const char *name;
	const char *qemus[MAXV], *libvirts[MAXV]; /* installs */
	const char *want_q[MAXV], *want_l[MAXV];  /* --qemu, --libvirt */
	const char *scenarios[MAXV];
	long shard_k, shard_n;
	/* Expected: "QEMU/LIBVIRT/SCENARIO" ("-" for direct), or an error. */
	const char *jobs[MAXJ];
	const char *error;
};

static const struct plan_case plan_cases[] = {
	{ "everything by default", { "7.2.0", "10.0.2" }, { "9.0.0" }, { NULL }, { NULL },
	  { "a.cfg", "b.xml" }, 1, 1,
	  { "7.2.0/-/a.cfg", "7.2.0/-/b.xml", "7.2.0/9.0.0/a.cfg", "7.2.0/9.0.0/b.xml",
	    "10.0.2/-/a.cfg", "10.0.2/-/b.xml", "10.0.2/9.0.0/a.cfg",
	    "10.0.2/9.0.0/b.xml" }, NULL },
	{ "one qemu, direct only", { "7.2.0", "10.0.2" }, { "9.0.0" }, { "10.0.2" },
	  { "none" }, { "a.cfg" }, 1, 1, { "10.0.2/-/a.cfg" }, NULL },
	{ "one libvirt, no direct", { "7.2.0" }, { "9.0.0", "11.3.0" }, { NULL },
	  { "11.3.0" }, { "a.cfg" }, 1, 1, { "7.2.0/11.3.0/a.cfg" }, NULL },
	{ "libvirt all", { "7.2.0" }, { "9.0.0", "11.3.0" }, { NULL }, { "all" },
	  { "a.cfg" }, 1, 1,
	  { "7.2.0/-/a.cfg", "7.2.0/9.0.0/a.cfg", "7.2.0/11.3.0/a.cfg" }, NULL },
	{ "install order, not option order", { "7.2.0", "10.0.2" }, { NULL },
	  { "10.0.2", "7.2.0" }, { NULL }, { "a.cfg" }, 1, 1,
	  { "7.2.0/-/a.cfg", "10.0.2/-/a.cfg" }, NULL },
	{ "shard 1/2 takes even slots", { "7.2.0", "10.0.2" }, { NULL }, { NULL },
	  { NULL }, { "a.cfg", "b.cfg" }, 1, 2,
	  { "7.2.0/-/a.cfg", "10.0.2/-/a.cfg" }, NULL },
	{ "shard 2/2 takes odd slots", { "7.2.0", "10.0.2" }, { NULL }, { NULL },
	  { NULL }, { "a.cfg", "b.cfg" }, 2, 2,
	  { "7.2.0/-/b.cfg", "10.0.2/-/b.cfg" }, NULL },
	{ "slots count unwanted qemus not", { "7.2.0", "10.0.2" }, { NULL },
	  { "10.0.2" }, { NULL }, { "a.cfg", "b.cfg" }, 2, 2, { "10.0.2/-/b.cfg" },
	  NULL },
	{ "unknown qemu", { "7.2.0" }, { NULL }, { "8.0.0" }, { NULL }, { "a.cfg" }, 1, 1,
	  { NULL }, "no QEMU install named '8.0.0'" },
	{ "unknown libvirt", { "7.2.0" }, { "9.0.0" }, { NULL }, { "10.0.0" },
	  { "a.cfg" }, 1, 1, { NULL }, "no libvirt install named '10.0.0'" },
	{ "no installs", { NULL }, { NULL }, { NULL }, { NULL }, { "a.cfg" }, 1, 1,
	  { NULL }, "nothing to run" },
	{ "shard beyond the jobs", { "7.2.0" }, { NULL }, { NULL }, { NULL }, { "a.cfg" },
	  2, 2, { NULL }, "nothing to run" },
};

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (n < MAXV && v[n])
		n++;
	return n;
}

static struct install *installs(const char *const *names, size_t *n)
{
	struct install *v;

	*n = count(names);
	v = xcalloc(*n + 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i].version = (char *)names[i];
	return v;
}

static void strvec_of(struct strvec *out, const char *const *names)
{
	for (size_t i = 0; i < count(names); i++)
		strvec_push(out, names[i]);
}

static void check_jobs(const struct plan_case *c, const struct jobplan *plan)
{
	size_t want = 0;

	while (want < MAXJ && c->jobs[want])
		want++;
	if (plan->njobs != want)
		fail_msg("%s: %zu jobs, want %zu", c->name, plan->njobs, want);
	for (size_t i = 0; i < want; i++) {
		const struct job *j = &plan->jobs[i];
		struct strbuf got = STRBUF_INIT;

		sb_printf(&got, "%s/%s/%s", j->qemu->version,
			  j->libvirt ? j->libvirt->version : "-", j->scenario_path);
		if (strcmp(got.buf, c->jobs[i]))
			fail_msg("%s: job %zu is %s, want %s", c->name, i, got.buf,
				 c->jobs[i]);
		if (j->daemon)
			fail_msg("%s: job %zu has a daemon before any started", c->name, i);
		strbuf_release(&got);
	}
}

static void test_plan(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(plan_cases); k++) {
		const struct plan_case *c = &plan_cases[k];
		struct strvec wq = STRVEC_INIT, wl = STRVEC_INIT, scn = STRVEC_INIT;
		struct shard sh = { c->shard_k, c->shard_n, "--shard" };
		struct jobplan_in in = { .want_qemus = &wq, .want_libvirts = &wl,
					 .scenarios = &scn, .shard = &sh };
		struct jobplan plan;
		struct install *q = installs(c->qemus, &in.nqemus);
		struct install *l = installs(c->libvirts, &in.nlibvirts);
		char *msg;
		int rc;

		in.qemus = q;
		in.libvirts = l;
		strvec_of(&wq, c->want_q);
		strvec_of(&wl, c->want_l);
		strvec_of(&scn, c->scenarios);
		tu_capture_begin();
		rc = jobplan_build(&in, &plan);
		msg = tu_capture_end();
		if (c->error) {
			if (rc != -1)
				fail_msg("%s: planned %zu jobs, want an error", c->name,
					 plan.njobs);
			assert_contains(msg, c->error, c->name);
		} else {
			if (rc)
				fail_msg("%s: refused: %s", c->name, msg);
			check_jobs(c, &plan);
		}
		free(msg);
		jobplan_release(&plan);
		free(q);
		free(l);
		strvec_clear(&wq);
		strvec_clear(&wl);
		strvec_clear(&scn);
	}
}

struct mib_case {
	const char *name;
	long mem_mib;
	enum scn_dev_kind kinds[3];
	const char *hosts[3];
	size_t ndevices;
	long want;
	size_t nvms;
};

static const struct mib_case mib_cases[] = {
	{ "default memory", 0, { 0 }, { NULL }, 0, 512 + 256, 1 },
	{ "1 GiB guest", 1024, { 0 }, { NULL }, 0, 1024 + 256, 1 },
	{ "vhost-user adds testpmd", 512, { DEV_VHOST_USER, DEV_VHOST_USER }, { NULL },
	  2, 512 + 256 + 512, 1 },
	{ "lab adds the lab VM", 256, { DEV_VFIO_PCI }, { "lab" }, 1, 512 + 256 + 256, 1 },
	{ "host device does not", 256, { DEV_VFIO_PCI }, { "0000:01:00.0" }, 1,
	  256 + 256, 1 },
	/* Two VMs run together: each its memory and QEMU (vm1's default). */
	{ "two VMs", 4096, { 0 }, { NULL }, 0, 4096 + 256 + 512 + 256, 2 },
	{ "an SR-IOV VF runs in the lab", 4096, { DEV_SRIOV_VF }, { NULL }, 1,
	  512 + 4096 + 256, 1 },
	/* The runner skips them (scenario_runnable): nothing runs. */
	{ "a VF beside the lab's e1000e", 4096, { DEV_SRIOV_VF, DEV_VFIO_PCI },
	  { NULL, "lab" }, 2, 0, 1 },
};

static void test_job_mib(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(mib_cases); k++) {
		const struct mib_case *c = &mib_cases[k];
		struct scn_device dev[3];
		struct scn_vm vms[2];
		struct scenario s;
		long got;

		memset(&s, 0, sizeof(s));
		memset(dev, 0, sizeof(dev));
		memset(vms, 0, sizeof(vms));
		for (size_t i = 0; i < c->ndevices; i++) {
			dev[i].kind = c->kinds[i];
			dev[i].host = (char *)c->hosts[i];
		}
		vms[0].name = vms[1].name = (char *)"vm";
		vms[0].mem_mib = c->mem_mib;
		vms[0].devices = dev;
		vms[0].ndevices = c->ndevices;
		s.vms = vms;
		s.nvms = c->nvms;
		got = jobplan_job_mib(&s);
		if (got != c->want)
			fail_msg("%s: %ld MiB, want %ld", c->name, got, c->want);
	}
}

struct par_case {
	const char *name;
	long want, job_mib, avail, expect;
};

static const struct par_case par_cases[] = {
	{ "memory unknown", 4, 768, -1, 4 },
	{ "plenty", 2, 768, 20000, 2 },
	{ "4/5 of what is there", 8, 1000, 5000, 4 },
	{ "at least one", 4, 4000, 1000, 1 },
	{ "exactly fits", 3, 800, 3000, 3 },
};

static void test_parallel(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(par_cases); k++) {
		const struct par_case *c = &par_cases[k];
		long got = jobplan_parallel(c->want, c->job_mib, c->avail);

		if (got != c->expect)
			fail_msg("%s: %ld at a time, want %ld", c->name, got, c->expect);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_job_mib),
		cmocka_unit_test(test_parallel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
