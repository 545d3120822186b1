/*
 * cmd_probe: "virt-matrix probe [VERSION...]". Probes every QEMU install
 * in the store, or the ones named, with up to --jobs worker processes.
 * An unchanged binary (same size, mtime and inode, or same sha256 as one
 * already probed) is not run again.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "ark.h"
#include "workers.h"
#include "caps.h"
#include "domcaps.h"
#include "command.h"
#include "installs.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix probe [options] [VERSION...] [--qemu-binary PATH]...\n"
	"\n"
	"Record the capabilities of every installed QEMU (see 'virt-matrix ark\n"
	"list'), or of the versions named, in the store: version, target,\n"
	"accelerators tried for real, machine types, CPU models, QOM types,\n"
	"every device's properties and defaults, QMP commands, command-line\n"
	"options and the QMP schema; the guest ABI fingerprint of every\n"
	"versioned machine type; and its guest view: what the guest itself\n"
	"sees once the firmware has run (ACPI tables, SMBIOS, PCI configuration\n"
	"space, fw_cfg, the memory map, CPUID, the local APIC; see 'virt-matrix\n"
	"show guest'). Then, for every libvirt install, its own\n"
	"daemon (an ark build's virtqemud or libvirtd from its prefix; an\n"
	"imported one in a private mount namespace with its state in a\n"
	"temporary tree; stopped afterwards) gives the domain capabilities of\n"
	"each QEMU for q35 and pc. A binary already probed is not run again,\n"
	"except for the parts it lacks or that an older virt-matrix recorded.\n"
	"\n"
	"The machine types' QEMUs are forked from one QEMU of the binary that\n"
	"has already loaded (virt-matrix-zygote.so preloaded into it), which\n"
	"saves each one QEMU's start-up; the results are the same as with an\n"
	"exec per machine type. Environment: VIRT_MATRIX_ZYGOTE=off execs each\n"
	"QEMU; =require fails when the zygote cannot be used (by default the\n"
	"probe then execs); VIRT_MATRIX_ZYGOTE_SO names the preload.\n"
	"\n"
	"options:\n"
	"  --force        probe again even if the binary is unchanged\n"
	"  --no-abi       capabilities only: no machine-type ABI fingerprints\n"
	"                 and no guest view\n"
	"  --no-guest     no guest view\n"
	"  --no-libvirt   skip libvirt's domain capabilities for each QEMU\n"
	"  --qemu-binary PATH  a QEMU binary that is not an install (a build\n"
	"                 tree's build/qemu-system-x86_64): registered under\n"
	"                 VERSION-build-<its hash> and probed; repeatable\n"
	"  --jobs N       binaries probed at once (default: number of cores)\n"
	"  --db PATH      store (env VIRT_MATRIX_DB)\n"
	"  -q, --quiet    only errors\n";

/* "; guest view of N machine types (...) in S" when it was taken. */
static void guest_summary(const struct caps_result *r, struct strbuf *out)
{
	if (r->guest_done)
		sb_printf(out, "; guest view of %zu versioned machine types (%zu "
			       "distinct, %zu failed) in %.2fs",
			  r->guest_machines, r->guest_distinct, r->guest_failed,
			  r->guest_seconds);
}

static void probe_report(const struct install *in, const struct caps_result *r,
			 int skip)
{
	struct strbuf s = STRBUF_INIT;

	if (r->reused) {
		info("qemu %s: unchanged (%.12s), %.3fs", in->version, r->sha256,
		     r->seconds);
		return;
	}
	if (r->abi_only)
		sb_puts(&s, "capabilities unchanged");
	else
		sb_printf(&s, "probed in %.2fs: %zu machine types, %zu devices "
			      "(%zu properties), %zu device failures, %zu QMP "
			      "commands", r->seconds, r->machines, r->devices,
			  r->props, r->failures, r->commands);
	if (!(skip & CAPS_ONLY) && (!r->abi_only || r->abi_machines))
		sb_printf(&s, "; ABI of %zu versioned machine types (%zu distinct, "
			      "%zu failed) in %.2fs",
			  r->abi_machines, r->abi_distinct, r->abi_failed,
			  r->abi_seconds);
	guest_summary(r, &s);
	info("qemu %s: %s", in->version, s.buf);
	strbuf_release(&s);
}

static int probe_one(const char *db, const struct install *in, int force,
		     int skip)
{
	struct store st;
	struct caps_result r;
	int ret;

	if (store_open(&st, db))
		return -1;
	ret = caps_probe(&st, in->binary_path, force, skip, &r);
	if (!ret)
		probe_report(in, &r, skip);
	else
		error("qemu %s: probe of '%s' failed", in->version,
		      in->binary_path);
	store_close(&st);
	return ret;
}

static int probe_libvirt(const char *db, const struct install *lv,
			 const struct install *qemus, size_t n, const int *chosen,
			 int force)
{
	struct store st;
	struct domcaps_result r;
	struct install *sel = xcalloc(n + 1, sizeof(*sel));
	size_t ns = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		if (chosen[i])
			sel[ns++] = qemus[i]; /* shallow: read only */
	if (store_open(&st, db)) {
		free(sel);
		return -1;
	}
	ret = domcaps_probe(&st, lv, sel, ns, force, &r);
	if (!ret)
		info("libvirt %s: domain capabilities of %zu (QEMU, machine) pairs: "
		     "%zu probed, %zu unchanged, %zu unsupported, %zu failed, in %.2fs",
		     lv->version, r.pairs, r.probed, r.skipped, r.unsupported, r.failed,
		     r.seconds);
	else
		error("libvirt %s: domain capabilities probe failed", lv->version);
	store_close(&st);
	free(sel);
	return ret;
}

struct probe_jobs {
	const struct probe_opts *po;
	struct install *v;
	int *chosen;
};

static int probe_wanted(size_t i, void *arg)
{
	return ((struct probe_jobs *)arg)->chosen[i];
}

static int probe_job(size_t i, void *arg)
{
	struct probe_jobs *pj = arg;

	const struct probe_opts *po = pj->po;

	return probe_one(po->db, &pj->v[i], po->force,
			 (po->no_abi ? CAPS_ONLY : 0) |
				 (po->no_guest ? CAPS_NO_GUEST : 0));
}

int probe_choose(const struct install *v, size_t n, int nnames,
		 char *const *names, int *chosen)
{
	for (int i = 0; i < nnames; i++) {
		int found = 0;

		for (size_t k = 0; k < n; k++)
			if (!strcmp(v[k].version, names[i]))
				chosen[k] = found = 1;
		if (!found)
			return error("no QEMU install named '%s' (see "
				     "'virt-matrix ark list')",
				     names[i]);
	}
	if (!nnames)
		for (size_t k = 0; k < n; k++)
			chosen[k] = 1;
	if (!n)
		return error("no QEMU is installed; build one with "
			     "'virt-matrix ark build' or register Debian's "
			     "with 'virt-matrix ark import qemu'");
	return 0;
}

/* The installs of app in the store db; -1 (reported) when unreadable. */
static int load_installs(const char *db, const char *app, struct install **v,
			 size_t *n)
{
	struct store st;
	int ret;

	if (store_open(&st, db))
		return -1;
	ret = installs_list(&st, app, v, n);
	store_close(&st);
	return ret;
}

/*
 * Libvirt's view of each chosen QEMU, one worker process per libvirt
 * install in turn; the number of libvirt installs whose probe failed,
 * or -1 (reported) when the installs cannot be read.
 */
static int probe_libvirts(const struct probe_opts *po, const struct install *v,
			  size_t n, const int *chosen)
{
	struct install *lv = NULL;
	size_t nlv = 0;
	int failed = 0;

	if (load_installs(po->db, "libvirt", &lv, &nlv))
		return -1;
	for (size_t k = 0; k < nlv; k++) {
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		if (pid == 0)
			exit(probe_libvirt(po->db, &lv[k], v, n, chosen,
					   po->force) ? 1 : 0);
		if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	installs_free(lv, nlv);
	return failed;
}

/*
 * Probes the QEMUs po names (all when none), then libvirt's view of
 * them: the number of failures, or -1 (reported) when nothing could be
 * probed or the libvirt installs could not be read.
 */
static int probe_run(const struct probe_opts *po)
{
	struct install *v = NULL;
	size_t n = 0;
	int *chosen = NULL;
	int failed, lv, ret = -1;

	if (load_installs(po->db, "qemu", &v, &n))
		return -1;
	chosen = xcalloc(n + 1, sizeof(*chosen));
	if (probe_choose(v, n, po->nnames, po->names, chosen))
		goto out;
	{
		struct probe_jobs pj = { po, v, chosen };

		failed = (int)workers_run(n, po->jobs, probe_wanted, probe_job,
					  &pj);
	}
	lv = vm_interrupted || po->no_libvirt ? 0
					      : probe_libvirts(po, v, n, chosen);
	if (lv >= 0)
		ret = failed + lv;
out:
	installs_free(v, n);
	free(chosen);
	return ret;
}

static const struct option probe_options[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "no-abi", no_argument, NULL, 'n' },
	{ "no-guest", no_argument, NULL, 'G' },
	{ "no-libvirt", no_argument, NULL, 'L' },
	{ "qemu-binary", required_argument, NULL, 'B' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "db", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option: PROBE_CMDLINE_OK, or _HELP or _USAGE to stop there. */
static int parse_option(struct probe_opts *po, int c, const char *arg)
{
	switch (c) {
	case 'f':
		po->force = 1;
		break;
	case 'n':
		po->no_abi = 1;
		break;
	case 'G':
		po->no_guest = 1;
		break;
	case 'L':
		po->no_libvirt = 1;
		break;
	case 'B':
		strvec_push(&po->binaries, arg);
		break;
	case 'j':
		if (parse_long(arg, 1, 64, &po->jobs)) {
			error("--jobs wants a number from 1 to 64, not '%s'",
			      arg);
			return PROBE_CMDLINE_USAGE;
		}
		break;
	case 'd':
		free(po->db);
		po->db = xstrdup(arg);
		break;
	case 'q':
		vm_quiet = 1;
		break;
	case 'h':
		return PROBE_CMDLINE_HELP;
	default:
		return PROBE_CMDLINE_USAGE;
	}
	return PROBE_CMDLINE_OK;
}

int probe_cmdline_parse(struct probe_opts *po, int argc, char **argv)
{
	int c, r = PROBE_CMDLINE_OK;

	memset(po, 0, sizeof(*po));
	po->db = store_default_path();
	po->jobs = online_cpus();
	while (r == PROBE_CMDLINE_OK &&
	       (c = getopt_long(argc, argv, "qhj:", probe_options, NULL)) != -1)
		r = parse_option(po, c, optarg);
	po->nnames = argc - optind;
	po->names = argv + optind;
	return r;
}

void probe_opts_release(struct probe_opts *po)
{
	free(po->db);
	po->db = NULL;
	strvec_clear(&po->binaries);
	strvec_clear(&po->names_v);
}

/*
 * Each --qemu-binary registered as an install (ark_import_build) and
 * probed with the operands: when there are binaries, po->names becomes
 * the operands and their installs. -1 after reporting.
 */
static int import_binaries(struct probe_opts *po)
{
	if (!po->binaries.nr)
		return 0;
	strvec_pushv(&po->names_v, (const char *const *)po->names);
	if (ark_import_builds(po->db, &po->binaries, &po->names_v))
		return -1;
	po->names = (char **)po->names_v.v;
	po->nnames = (int)po->names_v.nr;
	return 0;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_opts po;
	int ret;

	switch (probe_cmdline_parse(&po, argc, argv)) {
	case PROBE_CMDLINE_HELP:
		fputs(usage, stdout);
		ret = 0;
		break;
	case PROBE_CMDLINE_USAGE:
		fputs(usage, stderr);
		ret = 129;
		break;
	default:
		ret = import_binaries(&po) ? 1
					   : work_exit_status(probe_run(&po), vm_interrupted);
	}
	probe_opts_release(&po);
	return ret;
}
