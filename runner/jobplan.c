/*
 * The plan of a run (jobplan.h): installs x libvirts x scenarios, the
 * shard's slice, and the parallelism the memory allows. Nothing here
 * reads a file or the store; tests/unit/test_jobplan.c drives it with
 * installs and scenarios made in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "jobplan.h"
#include "banned.h"

static int check_qemu_names(const struct jobplan_in *in)
{
	for (size_t i = 0; i < in->want_qemus->nr; i++) {
		int found = 0;

		for (size_t k = 0; k < in->nqemus; k++)
			found |= !strcmp(in->qemus[k].version, in->want_qemus->v[i]);
		if (!found)
			return error("no QEMU install named '%s' (see 'virt-matrix ark list')",
				     in->want_qemus->v[i]);
	}
	return 0;
}

/* The libvirt dimension into plan->libvirts: NULL is the direct runner. */
static int libvirt_dimension(const struct jobplan_in *in, struct jobplan *plan)
{
	const struct strvec *want = in->want_libvirts;

	plan->libvirts = xcalloc(in->nlibvirts + 1, sizeof(*plan->libvirts));
	if (!want->nr || strvec_has(want, "all")) {
		plan->libvirts[plan->nlibvirts++] = NULL;
		for (size_t k = 0; k < in->nlibvirts; k++)
			plan->libvirts[plan->nlibvirts++] = &in->libvirts[k];
		return 0;
	}
	if (strvec_has(want, "none"))
		plan->libvirts[plan->nlibvirts++] = NULL;
	for (size_t i = 0; i < want->nr; i++) {
		int found = !strcmp(want->v[i], "none");

		for (size_t k = 0; k < in->nlibvirts && !found; k++)
			if (!strcmp(in->libvirts[k].version, want->v[i])) {
				plan->libvirts[plan->nlibvirts++] = &in->libvirts[k];
				found = 1;
			}
		if (!found)
			return error("no libvirt install named '%s' (see 'virt-matrix "
				     "ark list'; 'none' is the direct runner)",
				     want->v[i]);
	}
	return 0;
}

static int qemu_wanted(const struct jobplan_in *in, const struct install *q)
{
	return !in->want_qemus->nr || strvec_has(in->want_qemus, q->version);
}

int jobplan_build(const struct jobplan_in *in, struct jobplan *plan)
{
	size_t idx = 0;

	memset(plan, 0, sizeof(*plan));
	if (check_qemu_names(in) || libvirt_dimension(in, plan))
		return -1;
	plan->jobs = xcalloc(in->nqemus * in->scenarios->nr * plan->nlibvirts + 1,
			     sizeof(*plan->jobs));
	for (size_t k = 0; k < in->nqemus; k++) {
		if (!qemu_wanted(in, &in->qemus[k]))
			continue;
		for (size_t l = 0; l < plan->nlibvirts; l++)
			for (size_t i = 0; i < in->scenarios->nr; i++, idx++) {
				struct job *j = &plan->jobs[plan->njobs];

				/* Round-robin slices: stable for the same job list. */
				if (!shard_has(in->shard, idx))
					continue;
				j->qemu = &in->qemus[k];
				j->libvirt = plan->libvirts[l];
				j->scenario_path = in->scenarios->v[i];
				plan->njobs++;
			}
	}
	if (!plan->njobs)
		return error("nothing to run: no QEMU installs or scenarios chosen");
	return 0;
}

void jobplan_release(struct jobplan *plan)
{
	free(plan->jobs);
	free(plan->libvirts);
	memset(plan, 0, sizeof(*plan));
}

long jobplan_job_mib(const struct scenario *s)
{
	struct strbuf why = STRBUF_INIT;
	const struct scn_vm *vm;
	long mem, need;
	int skipped = scenario_runnable(s, &why);

	strbuf_release(&why);
	if (skipped)
		return 0;
	/* Each VM's memory and QEMU; testpmd once; the lab VM around one L2. */
	need = 0;
	for (size_t k = 0; k < s->nvms; k++) {
		vm = &s->vms[k];
		mem = vm->mem_mib > 0 ? vm->mem_mib : 512;
		need += mem + 256;
		for (size_t i = 0; i < vm->ndevices; i++)
			if ((vm->devices[i].host && !strcmp(vm->devices[i].host, "lab")) ||
			    vm->devices[i].kind == DEV_SRIOV_VF) {
				need += 512;
				break;
			}
	}
	for (size_t k = 0, tp = 0; k < s->nvms && !tp; k++)
		for (size_t i = 0; i < s->vms[k].ndevices && !tp; i++)
			if (s->vms[k].devices[i].kind == DEV_VHOST_USER) {
				need += 512; /* testpmd */
				tp = 1;
			}
	return need;
}

long jobplan_parallel(long want, long job_mib, long avail_mib)
{
	long fit = avail_mib > 0 && job_mib > 0 ? avail_mib * 4 / 5 / job_mib : want;

	if (fit < 1)
		fit = 1;
	return fit < want ? fit : want;
}
