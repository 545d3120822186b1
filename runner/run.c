/*
 * `virt-matrix run` (run.h): the command line. It chooses the scenarios,
 * the QEMU and libvirt installs and the shard, sizes the parallelism to
 * the memory, opens the sweep, starts one daemon per libvirt version,
 * and runs the jobs in forked workers through the job engine (job.h),
 * which records each in `runs`.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "run.h"
#include "fs.h"
#include "installs.h"
#include "job.h"
#include "libvirtd.h"
#include "paths.h"
#include "scenario.h"
#include "shard.h"
#include "store.h"
#include "sweeps.h"
#include "workers.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix run [--scenario NAME]... [--qemu VERSION]...\n"
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
	"A scenario may also be a libvirt domain XML: each libvirt install\n"
	"defines it with its own name, no uuid and the QEMU under test as\n"
	"<emulator>, and starts it paused; the result is whether libvirt took\n"
	"it (else libvirt's own message), with the argv it gave QEMU.\n"
	"\n"
	"  --scenario NAME  a scenario by name (file name without .cfg or .xml),\n"
	"                   or a path to a .cfg file or to a libvirt domain .xml\n"
	"                   of your own; repeatable; default: all\n"
	"  --qemu VERSION   a QEMU install (see 'virt-matrix ark list');\n"
	"                   repeatable; default: all\n"
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
	"  --timeout SEC    how long a guest may take from start to power-off\n"
	"                   before QEMU counts as hung and is killed (default 240)\n"
	"  --sweep UUID     record the runs in that sweep (the shards of one sweep\n"
	"                   share it); jobs it has already recorded are not run\n"
	"                   again, so an interrupted run resumes; default: a new\n"
	"                   sweep, whose id is printed\n"
	"  --db PATH        store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when every run passed or was skipped, 1 otherwise,\n"
	"130 when interrupted.\n";


/*
 * Scenario names or paths to file paths: a DTS .cfg, or the user's own
 * libvirt domain .xml; all of scenarios/ by default.
 */
static int find_scenarios(struct strvec *names, struct strvec *paths)
{
	char *dir = paths_data_dir("scenarios");
	int ret = 0;

	if (!names->nr) {
		struct dirent **ents = NULL;
		int n = scandir(dir, &ents, NULL, alphasort);

		if (n < 0) {
			ret = error_errno("cannot read scenarios from '%s'", dir);
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (ends_with(ents[i]->d_name, ".cfg") ||
			    ends_with(ents[i]->d_name, ".xml"))
				strvec_pushf(paths, "%s/%s", dir, ents[i]->d_name);
			free(ents[i]);
		}
		free(ents);
		goto out;
	}
	for (size_t i = 0; i < names->nr; i++) {
		struct strbuf p = STRBUF_INIT;

		if (strchr(names->v[i], '/') || ends_with(names->v[i], ".cfg") ||
		    ends_with(names->v[i], ".xml"))
			sb_puts(&p, names->v[i]);
		else {
			sb_printf(&p, "%s/%s.cfg", dir, names->v[i]);
			if (!path_exists(p.buf)) {
				strbuf_reset(&p);
				sb_printf(&p, "%s/%s.xml", dir, names->v[i]);
			}
		}
		if (!path_exists(p.buf)) {
			ret = error("no scenario '%s' (looked for '%s')", names->v[i],
				    p.buf);
			strbuf_release(&p);
			goto out;
		}
		strvec_push(paths, p.buf);
		strbuf_release(&p);
	}
out:
	free(dir);
	return ret;
}

/*
 * What one job of s may take, MiB: guest RAM plus QEMU's own (TCG's
 * translation cache included), testpmd's 512 MiB for vhost-user, and
 * for the lab its own RAM on top of the guest's.
 */
static long job_mem_mib(const struct scenario *s)
{
	long mem = s->mem_mib > 0 ? s->mem_mib : 512, need = mem + 256;

	if (scenario_count_devices(s, DEV_VHOST_USER))
		need += 512;
	for (size_t i = 0; i < s->ndevices; i++)
		if (s->devices[i].host && !strcmp(s->devices[i].host, "lab")) {
			need = 512 + mem + 256;
			break;
		}
	return need;
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

static int strvec_has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

/* Domains of ours a killed worker may have left on a daemon. */
static void leftover_domains(const char *uri)
{
	virConnectPtr c = virConnectOpen(uri);
	virDomainPtr *doms = NULL;
	int n;

	if (!c)
		return;
	n = virConnectListAllDomains(c, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *name = virDomainGetName(doms[i]);

		if (name && !strncmp(name, "vmx-", 4)) {
			warning("removing domain '%s' left by an interrupted job", name);
			if (virDomainIsActive(doms[i]) == 1)
				virDomainDestroy(doms[i]);
			virDomainUndefine(doms[i]);
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(c);
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

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT, qemus = STRVEC_INIT;
	struct install *v = NULL, *lvs = NULL;
	const struct install **lv_use = NULL;
	struct libvirtd *daemons = NULL;
	struct strvec libvirts = STRVEC_INIT;
	size_t nlv = 0, nuse = 0;
	struct job *jobs = NULL;
	struct store st;
	char *db = store_default_path();
	struct job_env env = { .timeout = JOB_TIMEOUT_DEFAULT };
	struct shard shard;
	const char *sweep_uuid = NULL;
	char uuid[SWEEP_UUID_LEN + 1];
	long njobs = online_cpus() / 2, job_mib = 1;
	size_t n = 0, nj = 0;
	int c, failed = 0, ret = 1;

	if (njobs < 1)
		njobs = 1;
	if (shard_from_env(&shard))
		goto out;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			strvec_push(&names, optarg);
			break;
		case 'Q':
			strvec_push(&qemus, optarg);
			break;
		case 'j':
			if (parse_long(optarg, 1, 64, &njobs)) {
				error("--jobs wants a number from 1 to 64, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'S':
			if (shard_parse(optarg, &shard)) {
				error("--shard wants K/N with 1 <= K <= N, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'L':
			strvec_push(&libvirts, optarg);
			break;
		case 'T':
			if (parse_long(optarg, 1, 86400, &env.timeout)) {
				error("--timeout wants seconds from 1 to 86400, not '%s'",
				      optarg);
				goto usage_out;
			}
			break;
		case 'W':
			sweep_uuid = optarg;
			break;
		case 'd':
			free(db);
			db = xstrdup(optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			ret = 0;
			goto out;
		default:
			goto usage_out;
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		goto usage_out;
	}
	if (find_scenarios(&names, &paths))
		goto out;
	/* Every scenario must load before anything runs. */
	for (size_t i = 0; i < paths.nr; i++) {
		struct scenario s;
		long need;

		if (ends_with(paths.v[i], ".xml"))
			continue; /* libvirt reads it, when it runs */
		if (scenario_load(&s, paths.v[i]))
			goto out;
		need = job_mem_mib(&s);
		if (need > job_mib)
			job_mib = need;
		scenario_release(&s);
	}
	{
		long avail = mem_available_mib(), fit = avail > 0 ? avail * 4 / 5 / job_mib : njobs;

		if (fit < 1)
			fit = 1;
		if (fit < njobs) {
			info("%ld jobs at a time would need %ld MiB; %ld MiB are available: "
			     "running %ld at a time",
			     njobs, njobs * job_mib, avail, fit);
			njobs = fit;
		}
	}
	if (store_open(&st, db))
		goto out;
	if (installs_list(&st, "qemu", &v, &n) ||
	    installs_list(&st, "libvirt", &lvs, &nlv)) {
		store_close(&st);
		goto out;
	}
	store_close(&st);
	for (size_t i = 0; i < qemus.nr; i++) {
		int found = 0;

		for (size_t k = 0; k < n; k++)
			found |= !strcmp(v[k].version, qemus.v[i]);
		if (!found) {
			error("no QEMU install named '%s' (see 'virt-matrix ark list')",
			      qemus.v[i]);
			goto out;
		}
	}
	/* The libvirt dimension: NULL is the direct runner. */
	lv_use = xcalloc(nlv + 1, sizeof(*lv_use));
	if (!libvirts.nr || strvec_has(&libvirts, "all")) {
		lv_use[nuse++] = NULL;
		for (size_t k = 0; k < nlv; k++)
			lv_use[nuse++] = &lvs[k];
	} else {
		if (strvec_has(&libvirts, "none"))
			lv_use[nuse++] = NULL;
		for (size_t i = 0; i < libvirts.nr; i++) {
			int found = !strcmp(libvirts.v[i], "none");

			for (size_t k = 0; k < nlv && !found; k++)
				if (!strcmp(lvs[k].version, libvirts.v[i])) {
					lv_use[nuse++] = &lvs[k];
					found = 1;
				}
			if (!found) {
				error("no libvirt install named '%s' (see 'virt-matrix "
				      "ark list'; 'none' is the direct runner)",
				      libvirts.v[i]);
				goto out;
			}
		}
	}
	jobs = xcalloc(n * paths.nr * nuse + 1, sizeof(*jobs));
	for (size_t k = 0, idx = 0; k < n; k++) {
		int want = !qemus.nr;

		for (size_t i = 0; i < qemus.nr; i++)
			want |= !strcmp(v[k].version, qemus.v[i]);
		if (!want)
			continue;
		for (size_t l = 0; l < nuse; l++)
			for (size_t i = 0; i < paths.nr; i++, idx++) {
				/* Round-robin slices: stable for the same job list. */
				if (!shard_has(&shard, idx))
					continue;
				jobs[nj].qemu = &v[k];
				jobs[nj].libvirt = lv_use[l];
				jobs[nj].scenario_path = paths.v[i];
				nj++;
			}
	}
	if (!nj) {
		error("nothing to run: no QEMU installs or scenarios chosen");
		goto out;
	}
	{
		char sh[48];

		snprintf(sh, sizeof(sh), "%ld/%ld", shard.k, shard.n);
		if (store_open(&st, db))
			goto out;
		if (sweep_open(&st, "run", sweep_uuid, shard.n > 1 ? sh : NULL, argc,
			       argv, &env.sweep_id, uuid)) {
			env.sweep_id = 0;
			store_close(&st);
			goto out;
		}
		store_close(&st);
		info("sweep %s%s%s", uuid, shard.n > 1 ? ", shard " : "",
		     shard.n > 1 ? sh : "");
		if (shard.n > 1 && shard.from && strcmp(shard.from, "--shard"))
			info("shard %s from %s", sh, shard.from);
	}
	/* One daemon per libvirt version for the whole run. */
	daemons = xcalloc(nuse + 1, sizeof(*daemons));
	for (size_t l = 0; l < nuse && !vm_interrupted; l++) {
		int used = 0;

		if (!lv_use[l])
			continue;
		for (size_t i = 0; i < nj && !used; i++)
			used = jobs[i].libvirt == lv_use[l];
		if (!used)
			continue;
		info("starting the daemon of libvirt %s", lv_use[l]->version);
		if (libvirtd_start(&daemons[l], lv_use[l], 60))
			continue;
		/* Workers connect on their own after fork. */
		virConnectClose(daemons[l].conn);
		daemons[l].conn = NULL;
		for (size_t i = 0; i < nj; i++)
			if (jobs[i].libvirt == lv_use[l])
				jobs[i].daemon = &daemons[l];
	}
	info("running %zu jobs (%zu at a time)", nj, (size_t)njobs);
	{
		struct run_jobs rj = { &env, jobs };

		env.db = db;

		failed = (int)workers_run(nj, njobs, NULL, run_job, &rj);
	}
	ret = vm_interrupted ? 130 : failed ? 1 : 0;
	goto out;
usage_out:
	fputs(usage, stderr);
	ret = 129;
out:
	if (env.sweep_id) {
		if (!store_open(&st, db)) {
			if (sweep_close(&st, env.sweep_id,
					vm_interrupted ? "interrupted" : "finished"))
				ret = ret ? ret : 1;
			store_close(&st);
		}
		env.sweep_id = 0;
	}
	for (size_t l = 0; daemons && l < nuse; l++)
		if (daemons[l].uri) {
			leftover_domains(daemons[l].uri);
			libvirtd_stop(&daemons[l]);
		}
	free(daemons);
	free(lv_use);
	if (lvs)
		installs_free(lvs, nlv);
	if (v)
		installs_free(v, n);
	free(jobs);
	strvec_clear(&libvirts);
	strvec_clear(&names);
	strvec_clear(&paths);
	strvec_clear(&qemus);
	free(db);
	return ret;
}
