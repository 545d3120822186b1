/*
 * `virt-matrix migrate` (migrate.h): the command line, the files every
 * job shares (the host's kernel, the guest's initramfs, the disk image),
 * the sweep, and the workers; each worker runs one job and records its
 * destinations.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "ark.h"
#include "binaries.h"
#include "caps.h"
#include "fs.h"
#include "migguest.h"
#include "migplan.h"
#include "migrow.h"
#include "lvrun.h"
#include "store.h"
#include "sweeps.h"
#include "workers.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix migrate [--qemu VERSION]... [--qemu-binary PATH]...\n"
	"                           [--machine PATTERN]...\n"
	"                           [--from VERSION | --to VERSION]\n"
	"                           [--live | --libvirt VERSION|all]...\n"
	"                           [--jobs N] [--shard K/N]\n"
	"                           [--timeout SEC] [--sweep UUID] [--db PATH]\n"
	"\n"
	"Migrates a running guest between every ordered pair of QEMU installs,\n"
	"for every versioned machine type both have (pc-i440fx-X.Y, pc-q35-X.Y).\n"
	"The guest (the host's kernel, a busybox initramfs) runs with the ABI\n"
	"probe's devices in use: virtio-net-pci and e1000e on one user network\n"
	"(through a hub), virtio-blk-pci on a small image, and on q35 a PCIe\n"
	"root port; it keeps an 8 MiB memory pattern and rewrites more memory\n"
	"while it runs. On the source it is saved to a file once, and that state\n"
	"is restored on every destination (--live: migrated over a unix socket\n"
	"while it runs, to each destination in turn). A destination passes only\n"
	"when the guest proves it survived: its memory against its checksums, a\n"
	"read from the disk, an ICMP echo through each NIC, and its console\n"
	"answering. The source to itself is the control: when it fails, the\n"
	"other destinations are errors, not results. Failures keep the failing\n"
	"QEMU's own words.\n"
	"\n"
	"With --libvirt, the same guest goes through libvirt instead, as users\n"
	"migrate: started by a libvirt daemon with QEMU A, migrated peer to\n"
	"peer to a second daemon (its own host UUID) with QEMU B, paused while\n"
	"its state moves (as in file mode), and proven on B. Each (libvirt,\n"
	"QEMU) end is first migrated to itself (its control); then every\n"
	"ordered pair of QEMUs goes from the newest libvirt that runs A to the\n"
	"newest that runs B, and under every QEMU each two libvirts next in\n"
	"version go both ways. Without --machine, the newest pc-q35 both QEMUs\n"
	"have. A failure keeps libvirt's words and QEMU's.\n"
	"\n"
	"  --qemu VERSION     a QEMU install (see 'virt-matrix ark list');\n"
	"                     repeatable; default: all\n"
	"  --qemu-binary PATH a QEMU binary that is not an install (a build\n"
	"                     tree's build/qemu-system-x86_64): registered under\n"
	"                     VERSION-build-<its hash> and migrated to and from\n"
	"                     like an install; repeatable. The exit status is then\n"
	"                     git bisect run's (below)\n"
	"  --machine PATTERN  versioned machine types matching the shell pattern\n"
	"                     ('pc-q35-7.*'); repeatable; default: all (with\n"
	"                     --libvirt, the newest pc-q35 of each pair)\n"
	"  --from VERSION     only that install as the source\n"
	"  --to VERSION       only that install as the destination (besides\n"
	"                     each source's control)\n"
	"  --live             live migration instead of save and restore\n"
	"  --libvirt VERSION  through libvirt installs (see above); repeatable;\n"
	"                     'all': every libvirt install\n"
	"  --jobs N           jobs side by side (a source, or through libvirt a\n"
	"                     pair; default: the cores; with --live, half)\n"
	"  --shard K/N        only the K-th of N equal slices of the jobs (a job\n"
	"                     is one source and machine type; through libvirt,\n"
	"                     one pair, with the controls it needs); default from\n"
	"                     CI_NODE_INDEX/CI_NODE_TOTAL or SLURM_ARRAY_TASK_*\n"
	"  --timeout SEC      how long the guest may take to boot on the source\n"
	"                     (default 240)\n"
	"  --sweep UUID       record in that sweep; what it has recorded is not\n"
	"                     run again (an interrupted migrate resumes);\n"
	"                     default: a new sweep, whose id is printed\n"
	"  --db PATH          store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Results go to the store's migrations table, one row per source,\n"
	"destination, machine type and mode (and libvirt, through libvirt).\n"
	"\n"
	"Exit status: 0 when every migration passed, 1 when one failed or erred,\n"
	"130 when interrupted, 129 after a usage error. With --qemu-binary, as\n"
	"'git bisect run' wants it: 0 when every migration passed, 1 when one\n"
	"failed, 125 when none failed but one could not be judged (an error, a\n"
	"failed control, a skip) or the binary does not run; 129 and 130 stop\n"
	"git bisect:\n"
	"  git bisect run virt-matrix migrate --qemu 7.2.0 \\\n"
	"      --qemu-binary build/qemu-system-x86_64 --machine pc-q35-7.2\n";

struct mig_opts {
	struct strvec qemus, machines, libvirts;
	struct strvec binaries; /* --qemu-binary */
	enum mig_mode mode;
	const char *from, *to;
	long njobs, timeout;
	struct shard shard;
	const char *sweep_uuid;
	char *db;
};

static int parse_options(int argc, char **argv, struct mig_opts *o, int *status)
{
	static const struct option opts[] = {
		{ "qemu", required_argument, NULL, 'Q' },
		{ "qemu-binary", required_argument, NULL, 'B' },
		{ "machine", required_argument, NULL, 'M' },
		{ "live", no_argument, NULL, 'l' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->njobs = 0; /* the default follows the mode: see below */
	o->timeout = 240;
	o->db = store_default_path();
	*status = 1;
	if (shard_from_env(&o->shard))
		return 1;
	*status = 129;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			*status = 0;
			return 1;
		case 'Q':
			strvec_push(&o->qemus, optarg);
			break;
		case 'B':
			strvec_push(&o->binaries, optarg);
			break;
		case 'M':
			strvec_push(&o->machines, optarg);
			break;
		case 'l':
		case 'L':
			if (o->mode != MIG_FILE && o->mode != (c == 'l' ? MIG_LIVE : MIG_LIBVIRT)) {
				error("--live and --libvirt go one at a time");
				goto usage_out;
			}
			o->mode = c == 'l' ? MIG_LIVE : MIG_LIBVIRT;
			if (c == 'L')
				strvec_push(&o->libvirts, optarg);
			break;
		case 'F':
			o->from = optarg;
			break;
		case 't':
			o->to = optarg;
			break;
		case 'j':
			if (parse_long(optarg, 1, 64, &o->njobs))
				goto bad;
			break;
		case 'S':
			if (shard_parse(optarg, &o->shard)) {
				error("--shard wants K/N with 1 <= K <= N, not '%s'", optarg);
				goto usage_out;
			}
			o->shard.from = "--shard";
			break;
		case 'T':
			if (parse_long(optarg, 1, 86400, &o->timeout))
				goto bad;
			break;
		case 'W':
			o->sweep_uuid = optarg;
			break;
		case 'd':
			free(o->db);
			o->db = xstrdup(optarg);
			break;
		default:
			goto usage_out;
		}
	}
	/*
	 * A live job runs two QEMUs at once: half as many jobs as cores then.
	 * Through libvirt, the source's boot is most of a job's time.
	 */
	if (!o->njobs) {
		o->njobs = online_cpus() / (o->mode == MIG_LIVE ? 2 : 1);
		if (o->njobs < 1)
			o->njobs = 1;
	}
	if (o->from && o->to) {
		error("--from and --to go one at a time");
		goto usage_out;
	}
	if (strvec_has(&o->libvirts, "all")) {
		if (o->libvirts.nr > 1) {
			error("--libvirt all goes alone");
			goto usage_out;
		}
		strvec_clear(&o->libvirts);
	}
	if (optind == argc)
		return 0;
	error("unexpected argument '%s'", argv[optind]);
	goto usage_out;
bad:
	error("%s wants a number in its range (see --help), not '%s'",
	      argv[optind - 1], optarg);
usage_out:
	fputs(usage, stderr);
	return 1;
}

/* What every job shares: the guest's files, the sweep, the timeout. */
struct mig_shared {
	const char *db;
	long long sweep;
	long timeout;
	struct mig_files files;
	const struct mig_plan *plan;
};

/* Which side failed, from the reason the job gave. */
static enum mig_side side_of(const struct result *r, const struct mig_source *src)
{
	if (r->status == RUN_PASS)
		return MIG_SIDE_NONE;
	if (src->r.status != RUN_STATUS_NONE || strstr(r->reason.buf, "on the source") ||
	    strstr(r->reason.buf, "from the source"))
		return MIG_SIDE_SOURCE;
	if (r->status == RUN_ERROR)
		return MIG_SIDE_NONE;
	return MIG_SIDE_DEST;
}

/* Records every destination of j; 0, or -1 after reporting. */
static int record_job(struct store *st, const struct mig_shared *sh,
		      const struct mig_job *j, const struct mig_source *src,
		      const struct result *res, const char *const *tr)
{
	int ret = 0;

	for (size_t i = 0; i < j->ndsts && !ret; i++) {
		struct mig_row_texts t;
		struct mig_row row = {
			.machine = j->machine,
			.mode = j->mode,
			.src_qemu = j->src->version,
			.src_sha256 = j->src->sha256,
			.dst_qemu = j->dsts[i]->version,
			.dst_sha256 = j->dsts[i]->sha256,
			.status = res[i].status,
			.side = side_of(&res[i], src),
			.reason = res[i].reason.len ? res[i].reason.buf : NULL,
			.seconds = res[i].seconds,
			.src_seconds = src->seconds,
			.src_transport = src->transport,
			.dst_transport = tr[i],
			.sweep = sh->sweep,
		};

		mig_row_texts(&row, &t, &src->r, &res[i]);
		ret = migrations_insert(st, &row);
		mig_row_texts_release(&t);
	}
	return ret;
}

static void print_job(const struct mig_job *j, const struct mig_source *src,
		      const struct result *res)
{
	for (size_t i = 0; i < j->ndsts; i++)
		info("%-14s -> %-14s %-16s %-4s %-4s%s%s (%.1fs + %.1fs)",
		     j->src->version, j->dsts[i]->version, j->machine,
		     mig_mode_to_string(j->mode), run_status_to_string(res[i].status),
		     res[i].reason.len ? ": " : "",
		     res[i].reason.len ? res[i].reason.buf : "", src->seconds,
		     res[i].seconds);
}

static int run_one(size_t idx, void *arg)
{
	const struct mig_shared *sh = arg;
	const struct mig_job *j = &sh->plan->jobs[idx];
	const char **names = xcalloc(j->ndsts, sizeof(*names));
	const char **tr = xcalloc(j->ndsts, sizeof(*tr));
	struct result *res = xcalloc(j->ndsts, sizeof(*res));
	struct mig_source src;
	struct store st;
	char *tmpl = temp_template("migrate"), *dir;
	int ret = -1, failed = 0, done;

	memset(&src, 0, sizeof(src));
	for (size_t i = 0; i < j->ndsts; i++)
		names[i] = j->dsts[i]->version;
	if (store_open(&st, sh->db))
		goto free_out;
	done = sh->sweep ? migrations_recorded(&st, sh->sweep, j->machine, j->mode,
					      j->src->version, names, j->ndsts,
					      &failed)
			 : 0;
	if (done) {
		if (done > 0)
			info("%-14s -> *              %-16s %-4s (already recorded in "
			     "this sweep)",
			     j->src->version, j->machine, mig_mode_to_string(j->mode));
		ret = done > 0 ? failed : -1;
		goto close_out;
	}
	dir = mkdtemp(tmpl);
	if (!dir) {
		error_errno("cannot create a directory '%s' for a migration", tmpl);
		goto close_out;
	}
	{
		struct mig_env env = { .kernel = sh->files.kernel,
				       .initrd = sh->files.initrd,
				       .image = sh->files.image, .rundir = dir,
				       .timeout = sh->timeout };

		mig_job_run(j, &env, &src, res, tr);
	}
	if (remove_tree(dir))
		warning("cannot remove '%s'", dir);
	if (vm_interrupted)
		goto release_out;
	ret = record_job(&st, sh, j, &src, res, tr);
	print_job(j, &src, res);
	for (size_t i = 0; i < j->ndsts && !ret; i++)
		if (run_status_is_failure(res[i].status))
			ret = 1;
release_out:
	mig_source_release(&src);
	for (size_t i = 0; i < j->ndsts; i++)
		result_release(&res[i]);
close_out:
	store_close(&st);
free_out:
	free(tmpl);
	free(res);
	free(tr);
	free(names);
	return ret;
}

/* The chosen installs that have no probe record get one (their capabilities). */
static void probe_missing(struct store *st, const struct strvec *want)
{
	struct binary_install *bi = NULL;
	size_t n = 0;

	if (binary_qemu_installs(st, &bi, &n))
		return; /* the plan reports it */
	for (size_t i = 0; i < n && !vm_interrupted; i++) {
		int chosen = !want->nr;

		for (size_t w = 0; w < want->nr && !chosen; w++)
			chosen = !strcmp(want->v[w], bi[i].install);
		if (chosen && !bi[i].binary)
			(void)caps_probe_if_missing(st, bi[i].install, bi[i].binary_path);
	}
	binary_installs_free(bi, n);
}

/* Opens (or joins) the sweep; -1 after reporting. */
static int open_sweep(const struct mig_opts *o, int argc, char **argv,
		      long long *id)
{
	char uuid[SWEEP_UUID_LEN + 1], k_n[48];
	struct store st;
	int ret;

	snprintf(k_n, sizeof(k_n), "%ld/%ld", o->shard.k, o->shard.n);
	if (store_open(&st, o->db))
		return -1;
	ret = sweep_open(&st, "migrate", o->sweep_uuid, o->shard.n > 1 ? k_n : NULL,
			 argc, argv, id, uuid);
	store_close(&st);
	if (!ret)
		info("sweep %s%s%s", uuid, o->shard.n > 1 ? ", shard " : "",
		     o->shard.n > 1 ? k_n : "");
	return ret;
}

static int close_sweep(const char *db, long long id)
{
	struct store st;
	int ret = -1;

	if (!id || store_open(&st, db))
		return id ? -1 : 0;
	ret = sweep_close(&st, id, vm_interrupted ? "interrupted" : "finished");
	store_close(&st);
	return ret;
}

int cmd_migrate(int argc, char **argv)
{
	struct mig_opts o = { .qemus = STRVEC_INIT, .machines = STRVEC_INIT,
			      .libvirts = STRVEC_INIT };
	struct mig_plan plan = { NULL };
	struct mig_shared sh = { NULL };
	struct store st;
	int ret, opened = 0;

	if (parse_options(argc, argv, &o, &ret))
		goto out;
	/* A developer's binary answers git bisect run: 125 until judged. */
	ret = o.binaries.nr ? RUN_EXIT_UNTESTABLE : 1;
	if (ark_import_builds(o.db, &o.binaries, &o.qemus) || store_open(&st, o.db))
		goto out;
	probe_missing(&st, &o.qemus);
	{
		struct mig_plan_in in = { &o.qemus, &o.machines, o.mode, &o.shard,
					  o.from, o.to };
		int rc = mig_plan_build(&st, &in, &plan);

		store_close(&st);
		if (rc)
			goto out;
	}
	if (plan.nqemus < 2 && !o.from && !o.to && o.mode != MIG_LIBVIRT) {
		error("a migration needs two QEMU installs; %s %zu",
		      o.qemus.nr ? "named and found" : "the store has", plan.nqemus);
		goto out;
	}
	if (mig_guest_files(&sh.files))
		goto out;
	sh.db = o.db;
	sh.timeout = o.timeout;
	sh.plan = &plan;
	if (open_sweep(&o, argc, argv, &sh.sweep))
		goto out;
	opened = 1;
	if (o.mode == MIG_LIBVIRT) {
		struct lv_run_in in = { o.db, sh.sweep, o.timeout, o.njobs, &sh.files,
					&plan, &o.libvirts, &o.machines, o.from, o.to,
					&o.shard };

		ret = lv_run(&in);
		goto judged;
	}
	{
		size_t pairs = 0;

		for (size_t i = 0; i < plan.njobs; i++)
			pairs += plan.jobs[i].ndsts;
		info("%zu source%s x machine type (%zu of %zu in this shard), %zu "
		     "migrations (%s), %ld at a time",
		     plan.njobs, plan.njobs == 1 ? "" : "s", plan.njobs, plan.total,
		     pairs, mig_mode_to_string(o.mode), o.njobs);
	}
	{
		size_t failed = workers_run(plan.njobs, o.njobs, NULL, run_one, &sh);

		ret = vm_interrupted ? 130 : failed ? 1 : 0;
	}
judged:
	if (o.binaries.nr && !vm_interrupted && ret != 130)
		ret = run_git_bisect_exit(o.db, "SELECT status FROM migrations WHERE sweep = ?1",
					  sh.sweep);
out:
	if (opened && close_sweep(o.db, sh.sweep))
		ret = ret ? ret : o.binaries.nr ? RUN_EXIT_UNTESTABLE : 1;
	mig_plan_release(&plan);
	mig_guest_files_release(&sh.files);
	strvec_clear(&o.qemus);
	strvec_clear(&o.machines);
	strvec_clear(&o.libvirts);
	strvec_clear(&o.binaries);
	free(o.db);
	return ret;
}
