/*
 * `virt-matrix run` (run.h): the command line. It chooses the scenarios,
 * the QEMU and libvirt installs and the shard, sizes the parallelism to
 * the memory, opens the sweep, starts one daemon per libvirt version,
 * gives back the hugepages that killed runs left reserved (hugepages.h),
 * and runs the jobs in forked workers through the job engine (job.h),
 * which records each in `runs`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "run.h"
#include "ark.h"
#include "binaries.h"
#include "caps.h"
#include "fs.h"
#include "hugepages.h"
#include "installs.h"
#include "job.h"
#include "jobplan.h"
#include "libvirtd.h"
#include "netlab.h"
#include "runs.h"
#include "scenario.h"
#include "shard.h"
#include "store.h"
#include "sweeps.h"
#include "workers.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix run [--scenario NAME]... [--qemu VERSION]...\n"
	"                       [--qemu-binary PATH]...\n"
	"                       [--libvirt VERSION|none|all]...\n"
	"                       [--jobs N] [--shard K/N] [--timeout SEC]\n"
	"                       [--sweep UUID] [--db PATH]\n"
	"\n"
	"Runs each scenario (scenarios/*.cfg, DPDK DTS VM cfg format) against\n"
	"each installed QEMU, in a guest booted from the host kernel with a\n"
	"generated busybox initramfs, and records the result, the argv, QEMU's\n"
	"exit and output, the console and the backend's log in the store.\n"
	"vhost-user devices get DPDK testpmd as the backend; passthrough of\n"
	"opt_host=lab runs the QEMU under test inside a nested lab VM whose\n"
	"emulated e1000e is bound to vfio-pci (a host BDF must already be bound\n"
	"to vfio-pci).\n"
	"The VMs of one file run together in one job, directly (--libvirt none):\n"
	"one QEMU each, their vhost-user ports in one testpmd (port 2n forwards\n"
	"to 2n+1: two VMs' first ports are a wire between them); [expect] is for\n"
	"every VM, [expect NAME] for one; the job passes when every VM passed.\n"
	"DTS's tap networking (type=tap,opt_br=br0) runs on a bridge and taps the\n"
	"run makes (vx<pid>br, vx<pid>v<vm>t<n>; removed after the job, and\n"
	"those of a killed run by the next run), not on the host's bridges.\n"
	"SR-IOV VFs (dev_gen = pf_idx=M,vf_num=N and device = vf_idx=K,pf_dev=M,\n"
	"as in dts/scene/vf_passthrough.cfg) run in a nested lab VM with QEMU's\n"
	"emulated igb as host ports 0-2 (at most 7 VFs each): it makes the VFs,\n"
	"binds those the VM gets to vfio-pci, and the QEMU under test gets each\n"
	"by its address in the lab; query-pci must show it as an igb VF. That lab\n"
	"runs on the QEMU 'make deps' unpacks into\n"
	"/usr/local/lib/virt-matrix/lab-qemu (env VIRT_MATRIX_LAB_QEMU), else\n"
	"the newest probed install with igb, virtio-9p-pci and intel-iommu;\n"
	"without one a VF scenario is skipped, saying so. A host port by index\n"
	"(device = pf_idx=M, dts/scene/pf_passthrough.cfg) is that lab's igb\n"
	"port M itself, bound to vfio-pci.\n"
	"A scenario may also be a libvirt domain XML: each libvirt install\n"
	"defines it with its own name, no uuid and the QEMU under test as\n"
	"<emulator>, and starts it paused; the result is whether libvirt took\n"
	"it (else libvirt's own message), with the argv it gave QEMU.\n"
	"\n"
	"  --scenario NAME  a scenario by name (file name without .cfg or .xml),\n"
	"                   one of DPDK DTS's files shipped under scenarios/dts/\n"
	"                   (dts/vf_vlan.cfg), or a path to a .cfg file or to a\n"
	"                   libvirt domain .xml of your own; repeatable; default:\n"
	"                   every scenario directly in scenarios/ (not dts/)\n"
	"  --qemu VERSION   a QEMU install (see 'virt-matrix ark list');\n"
	"                   repeatable; default: all\n"
	"  --qemu-binary PATH  a QEMU binary that is not an install, such as\n"
	"                   build/qemu-system-x86_64 of a QEMU build tree: it is\n"
	"                   registered under VERSION-build-<its hash> (see 'ark\n"
	"                   list') and run like an install; repeatable. The exit\n"
	"                   status is then git bisect run's (below)\n"
	"  --libvirt V      also through the daemon of that libvirt install: the\n"
	"                   scenario as a domain, <emulator> the QEMU under test;\n"
	"                   'none' is the direct runner; repeatable; default:\n"
	"                   all (direct and every libvirt install)\n"
	"  --jobs N         guests side by side (default: cores / 2, at least 1;\n"
	"                   fewer when the memory they need is not available)\n"
	"  --shard K/N      only the K-th of N equal slices of the jobs (1-based);\n"
	"                   the same jobs always give the same slices; default\n"
	"                   from CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:)\n"
	"                   or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT\n"
	"                   or JOB_COMPLETION_INDEX/VIRT_MATRIX_SHARDS\n"
	"  --timeout SEC    how long a guest may take from start to power-off\n"
	"                   before QEMU counts as hung and is killed (default 240)\n"
	"  --sweep UUID     record the runs in that sweep (the shards of one sweep\n"
	"                   share it); jobs it has already recorded are not run\n"
	"                   again, so an interrupted run resumes; default: a new\n"
	"                   sweep, whose id is printed\n"
	"  --db PATH        store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every run passed, was skipped or is unsupported\n"
	"(a pair a component refuses by its own rule), 1 when one failed or\n"
	"erred, 130 when interrupted. With --qemu-binary, as 'git bisect run'\n"
	"wants it: 0 when every run passed, 1 when one failed (the guest or\n"
	"QEMU proved it), 125 when none failed but one could not be judged (an\n"
	"error, a skip, unsupported, no run, or the binary does not run), 129\n"
	"for a usage error and 130 when interrupted (both stop git bisect):\n"
	"  git bisect run virt-matrix run --qemu-binary build/qemu-system-x86_64 \\\n"
	"      --scenario vhost-user --libvirt none\n";


/*
 * Scenario names or paths to file paths (scenario_find): a DTS .cfg, or
 * the user's own libvirt domain .xml; by default every file directly in
 * scenarios/ (not the DTS corpus in scenarios/dts/, which runs only
 * when named).
 */
static int find_scenarios(struct strvec *names, struct strvec *paths)
{
	int ret = 0;

	if (!names->nr)
		return scenario_bundled(paths);
	for (size_t i = 0; i < names->nr && !ret; i++) {
		struct strbuf p = STRBUF_INIT;

		ret = scenario_find(names->v[i], &p);
		if (!ret)
			strvec_push(paths, p.buf);
		strbuf_release(&p);
	}
	return ret;
}


/* What the command line asked for. */
struct run_opts {
	struct strvec names, qemus, libvirts;
	struct strvec binaries; /* --qemu-binary */
	long njobs, timeout;
	struct shard shard;
	const char *sweep_uuid;
	char *db;
};

static void run_opts_release(struct run_opts *o)
{
	strvec_clear(&o->names);
	strvec_clear(&o->qemus);
	strvec_clear(&o->libvirts);
	strvec_clear(&o->binaries);
	free(o->db);
}

/* One option into o: 0, or -1 after reporting a bad value. */
static int take_option(int c, const char *arg, struct run_opts *o)
{
	switch (c) {
	case 's':
		strvec_push(&o->names, arg);
		return 0;
	case 'Q':
		strvec_push(&o->qemus, arg);
		return 0;
	case 'L':
		strvec_push(&o->libvirts, arg);
		return 0;
	case 'B':
		strvec_push(&o->binaries, arg);
		return 0;
	case 'W':
		o->sweep_uuid = arg;
		return 0;
	case 'd':
		free(o->db);
		o->db = xstrdup(arg);
		return 0;
	case 'j':
		if (parse_long(arg, 1, 64, &o->njobs))
			return error("--jobs wants a number from 1 to 64, not '%s'", arg);
		return 0;
	case 'S':
		if (shard_parse(arg, &o->shard))
			return error("--shard wants K/N with 1 <= K <= N, not '%s'", arg);
		return 0;
	case 'T':
		if (parse_long(arg, 1, 86400, &o->timeout))
			return error("--timeout wants seconds from 1 to 86400, not '%s'",
				     arg);
		return 0;
	default:
		return -1;
	}
}

/*
 * The command line into o: 0 to go on; else 1 with the exit status in
 * *status (0 after --help, 129 after a usage error, 1 after another).
 */
static int parse_options(int argc, char **argv, struct run_opts *o, int *status)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "qemu-binary", required_argument, NULL, 'B' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->njobs = online_cpus() / 2;
	if (o->njobs < 1)
		o->njobs = 1;
	o->timeout = JOB_TIMEOUT_DEFAULT;
	o->db = store_default_path();
	*status = 1;
	if (shard_from_env(&o->shard))
		return 1;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			*status = 0;
			return 1;
		}
		if (take_option(c, optarg, o))
			goto usage_out;
	}
	if (optind == argc)
		return 0;
	error("unexpected argument '%s'", argv[optind]);
usage_out:
	fputs(usage, stderr);
	*status = 129;
	return 1;
}

/*
 * Every scenario must load before anything runs; the memory of the
 * largest job into *job_mib. -1 after reporting.
 */
static int scenarios_mib(const struct strvec *paths, long *job_mib)
{
	*job_mib = 1;
	for (size_t i = 0; i < paths->nr; i++) {
		struct scenario s;
		long need;

		if (ends_with(paths->v[i], ".xml"))
			continue; /* libvirt reads it, when it runs */
		if (scenario_load(&s, paths->v[i]))
			return -1;
		need = jobplan_job_mib(&s);
		if (need > *job_mib)
			*job_mib = need;
		scenario_release(&s);
	}
	return 0;
}

/* MemAvailable from /proc/meminfo, MiB; -1 if unknown. */
static long mem_available_mib(void)
{
	struct strbuf m = STRBUF_INIT;
	const char *p;
	long kib = -1;

	if (!strbuf_read_file(&m, "/proc/meminfo", 1 << 16) &&
	    (p = strstr(m.buf, "MemAvailable:")))
		kib = strtol(p + 13, NULL, 10);
	strbuf_release(&m);
	return kib > 0 ? kib / 1024 : -1;
}

/* How many jobs at a time: at most njobs, fewer when memory is short (said). */
static long fit_jobs(long njobs, long job_mib)
{
	long avail = mem_available_mib(), fit = jobplan_parallel(njobs, job_mib, avail);

	if (fit < njobs)
		info("%ld jobs at a time would need %ld MiB; %ld MiB are available: "
		     "running %ld at a time",
		     njobs, njobs * job_mib, avail, fit);
	return fit;
}

/* The QEMU and libvirt installs of the store; -1 after reporting. */
struct run_installs {
	struct install *qemus, *libvirts;
	size_t nqemus, nlibvirts;
};

static int installs_load(const char *db, struct run_installs *in)
{
	struct store st;
	int ret;

	if (store_open(&st, db))
		return -1;
	ret = installs_list(&st, "qemu", &in->qemus, &in->nqemus) ||
	      installs_list(&st, "libvirt", &in->libvirts, &in->nlibvirts) ? -1 : 0;
	store_close(&st);
	return ret;
}

static void installs_release(struct run_installs *in)
{
	if (in->qemus)
		installs_free(in->qemus, in->nqemus);
	if (in->libvirts)
		installs_free(in->libvirts, in->nlibvirts);
}

/* Opens (or joins) the sweep of this run into env->sweep_id; -1 after reporting. */
static int open_sweep(const struct run_opts *o, int argc, char **argv,
		      struct job_env *env)
{
	const struct shard *sh = &o->shard;
	char uuid[SWEEP_UUID_LEN + 1], k_n[48];
	struct store st;

	snprintf(k_n, sizeof(k_n), "%ld/%ld", sh->k, sh->n);
	if (store_open(&st, o->db))
		return -1;
	if (sweep_open(&st, "run", o->sweep_uuid, sh->n > 1 ? k_n : NULL, argc, argv,
		       &env->sweep_id, uuid)) {
		env->sweep_id = 0;
		store_close(&st);
		return -1;
	}
	store_close(&st);
	info("sweep %s%s%s", uuid, sh->n > 1 ? ", shard " : "", sh->n > 1 ? k_n : "");
	if (sh->n > 1 && sh->from && strcmp(sh->from, "--shard"))
		info("shard %s from %s", k_n, sh->from);
	return 0;
}

/* Marks the sweep finished or interrupted; -1 when that cannot be recorded. */
static int close_sweep(const char *db, struct job_env *env)
{
	struct store st;
	int ret = 0;

	if (!env->sweep_id)
		return 0;
	if (!store_open(&st, db)) {
		ret = sweep_close(&st, env->sweep_id,
				  vm_interrupted ? "interrupted" : "finished");
		store_close(&st);
	}
	env->sweep_id = 0;
	return ret;
}

/*
 * One daemon per libvirt version the plan uses, for the whole run
 * (daemons[l] for plan->libvirts[l]); the jobs of a daemon that did not
 * start keep a NULL daemon, and their backend says so.
 */
static struct libvirtd *start_daemons(struct jobplan *plan)
{
	struct libvirtd *daemons = xcalloc(plan->nlibvirts + 1, sizeof(*daemons));

	for (size_t l = 0; l < plan->nlibvirts && !vm_interrupted; l++) {
		const struct install *lv = plan->libvirts[l];
		int used = 0;

		for (size_t i = 0; lv && i < plan->njobs && !used; i++)
			used = plan->jobs[i].libvirt == lv;
		if (!used)
			continue;
		info("starting the daemon of libvirt %s", lv->version);
		if (libvirtd_start(&daemons[l], lv, 60))
			continue;
		/* Workers connect on their own after fork. */
		virConnectClose(daemons[l].conn);
		daemons[l].conn = NULL;
		for (size_t i = 0; i < plan->njobs; i++)
			if (plan->jobs[i].libvirt == lv)
				plan->jobs[i].daemon = &daemons[l];
	}
	return daemons;
}

static void stop_daemons(struct libvirtd *daemons, size_t n)
{
	for (size_t l = 0; daemons && l < n; l++)
		if (daemons[l].uri) {
			libvirtd_leftovers(daemons[l].uri);
			libvirtd_stop(&daemons[l]);
		}
	free(daemons);
}

/*
 * Probes, once and before any worker starts, every QEMU of the plan that
 * has no complete probe record (a run works on a never-probed install),
 * saying so. A probe that fails is reported here; the jobs of that QEMU
 * then find no record and are recorded as errors that say so. -1 only
 * when the store cannot be opened.
 */
static int probe_missing(const char *db, const struct jobplan *plan)
{
	struct store st;

	if (store_open(&st, db))
		return -1;
	for (size_t i = 0; i < plan->njobs && !vm_interrupted; i++) {
		const struct install *q = plan->jobs[i].qemu;
		int seen = 0;

		for (size_t k = 0; k < i && !seen; k++)
			seen = plan->jobs[k].qemu == q;
		if (!seen && caps_probe_if_missing(&st, q->version, q->binary_path))
			warning("the jobs of QEMU %s are recorded as errors", q->version);
	}
	store_close(&st);
	return 0;
}

struct run_jobs {
	const struct job_env *env;
	const struct job *jobs;
};

static int run_job(size_t i, void *arg)
{
	struct run_jobs *rj = arg;

	return job_run(rj->env, &rj->jobs[i]);
}

/* The plan of the run from the options and the store; -1 after reporting. */
static int plan_run(const struct run_opts *o, const struct strvec *paths,
		    const struct run_installs *inst, struct jobplan *plan)
{
	struct jobplan_in in = {
		.qemus = inst->qemus,
		.nqemus = inst->nqemus,
		.libvirts = inst->libvirts,
		.nlibvirts = inst->nlibvirts,
		.want_qemus = &o->qemus,
		.want_libvirts = &o->libvirts,
		.scenarios = paths,
		.shard = &o->shard,
	};

	return jobplan_build(&in, plan);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .names = STRVEC_INIT, .qemus = STRVEC_INIT,
			      .libvirts = STRVEC_INIT };
	struct strvec paths = STRVEC_INIT;
	struct run_installs inst = { NULL };
	struct jobplan plan = { NULL };
	struct libvirtd *daemons = NULL;
	struct job_env env = { NULL };
	long njobs, job_mib;
	int ret;

	if (parse_options(argc, argv, &o, &ret))
		goto out;
	/* A developer's binary answers git bisect run: 125 until judged. */
	ret = o.binaries.nr ? RUN_EXIT_UNTESTABLE : 1;
	if (find_scenarios(&o.names, &paths) || scenarios_mib(&paths, &job_mib) ||
	    ark_import_builds(o.db, &o.binaries, &o.qemus))
		goto out;
	njobs = fit_jobs(o.njobs, job_mib);
	if (installs_load(o.db, &inst) || plan_run(&o, &paths, &inst, &plan) ||
	    probe_missing(o.db, &plan))
		goto out;
	env.db = o.db;
	env.timeout = o.timeout;
	if (open_sweep(&o, argc, argv, &env))
		goto out;
	daemons = start_daemons(&plan);
	(void)host_hugepages_sweep(NULL); /* what killed runs left reserved */
	(void)netlab_sweep();		  /* and the links they made */
	info("running %zu job%s (%zu at a time)", plan.njobs,
	     plan.njobs == 1 ? "" : "s", (size_t)njobs);
	{
		struct run_jobs rj = { &env, plan.jobs };
		size_t failed = workers_run(plan.njobs, njobs, NULL, run_job, &rj);

		ret = vm_interrupted ? 130 : failed ? 1 : 0;
		if (o.binaries.nr && !vm_interrupted)
			ret = run_git_bisect_exit(o.db, RUNS_SWEEP_STATUS_SQL, env.sweep_id);
	}
out:
	if (close_sweep(o.db, &env))
		ret = ret ? ret : o.binaries.nr ? RUN_EXIT_UNTESTABLE : 1;
	stop_daemons(daemons, plan.nlibvirts);
	jobplan_release(&plan);
	installs_release(&inst);
	strvec_clear(&paths);
	run_opts_release(&o);
	return ret;
}
