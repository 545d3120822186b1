/*
 * `virt-matrix corpus`: libvirt's own test domains (tests/qemuxmlconfdata
 * of a libvirt source) imported into the store (import.h) and run on
 * every (libvirt, QEMU) pair (corpusrun.h). Option parsing only; the work is
 * in import.c and corpusrun.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "command.h"
#include "import.h"
#include "corpusrun.h"
#include "shard.h"
#include "store.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix corpus import [--from VERSION | --tarball FILE --origin VERSION]\n"
	"                                 [--db PATH]\n"
	"       virt-matrix corpus run [--origin VERSION] [--libvirt VERSION]...\n"
	"                              [--qemu VERSION]... [--match GLOB]... [--limit N]\n"
	"                              [--shard K/N] [--sweep UUID] [--db PATH]\n"
	"\n"
	"libvirt's own test domains (the input XMLs of tests/qemuxmlconfdata in\n"
	"libvirt's source, those with x86_64 golden files) on real libvirt\n"
	"daemons and real QEMU binaries of every installed version.\n"
	"\n"
	"import takes them, with libvirt's golden argv (.args) and expected\n"
	"errors (.err) for each QEMU version it has them for, from the source\n"
	"tarball ark fetched for a libvirt install (default: the newest ark\n"
	"built), or from any libvirt source tarball. Importing again adds what\n"
	"is new and replaces what changed; runs already recorded stay. The\n"
	"QEMU version of the golden files named 'latest' (the newest of the\n"
	"tests' x86_64 capabilities) is noted too.\n"
	"\n"
	"run defines each domain in each libvirt daemon with validation, with\n"
	"the QEMU under test as its emulator and TCG, starts it paused, records\n"
	"the argv QEMU really got (from /proc), destroys and undefines it. Disk\n"
	"images, block devices and directories the domain names and this host\n"
	"lacks get stand-ins of the same kind and format, seen by the daemon\n"
	"alone (in its private mount namespace); a domain needing something\n"
	"else the host lacks (a network, a host device, hugepages, a secret)\n"
	"is skipped with the resource named. Each (domain, libvirt, QEMU) is:\n"
	"  started      QEMU runs: its argv is recorded\n"
	"  rejected     libvirt refused the domain, with its message\n"
	"  refused      libvirt accepted it, QEMU did not, with QEMU's message\n"
	"  skipped      a host resource it names is missing\n"
	"  unsupported  libvirt does not support that QEMU version by rule\n"
	"  error        virt-matrix could not carry the job out\n"
	"Results go to the store under a sweep (table corpus_runs), one daemon\n"
	"start per libvirt and set of stand-ins, domains side by side.\n"
	"\n"
	"  --from VERSION    the ark-built libvirt whose source to import\n"
	"  --tarball FILE    a libvirt source tarball, with --origin its version\n"
	"  --origin VERSION  run: the imported corpus to run (default: newest)\n"
	"  --libvirt V, --qemu V  installs to run (repeatable; default: all)\n"
	"  --match GLOB      domains whose name matches (repeatable; default: all)\n"
	"  --limit N         the first N chosen domains, by name\n"
	"  --shard K/N       the K-th of N slices of the domains (also from\n"
	"                    CI_NODE_INDEX/CI_NODE_TOTAL or a Slurm array)\n"
	"  --sweep UUID      record into that sweep; what it has is not run again\n"
	"  --db PATH         store (env VIRT_MATRIX_DB)\n";

static int usage_error(const char *what)
{
	if (what)
		error("%s", what);
	fputs(usage, stderr);
	return 129;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "tarball", required_argument, NULL, 't' },
		{ "origin", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *tarball = NULL, *origin = NULL;
	char *db = store_default_path();
	struct strbuf path = STRBUF_INIT, version = STRBUF_INIT;
	struct corp_import_stats stats;
	struct store st;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': tarball = optarg; break;
		case 'o': origin = optarg; break;
		case 'd': free(db); db = xstrdup(optarg); break;
		case 'h': fputs(usage, stdout); ret = 0; goto out;
		default: ret = usage_error(NULL); goto out;
		}
	}
	if (optind < argc) {
		ret = usage_error("unexpected argument");
		goto out;
	}
	if (tarball && from) {
		ret = usage_error("--tarball and --from name two sources: give one");
		goto out;
	}
	if (!tarball != !origin) {
		ret = usage_error(tarball ? "--tarball needs --origin VERSION, the libvirt "
					    "version of the tarball"
					  : "--origin goes with --tarball");
		goto out;
	}
	if (store_open(&st, db))
		goto out;
	if (tarball) {
		sb_puts(&path, tarball);
		sb_puts(&version, origin);
	} else if (corp_import_find_tarball(&st, from, &path, &version)) {
		store_close(&st);
		goto out;
	}
	memset(&stats, 0, sizeof(stats));
	if (!corp_import_tarball(&st, path.buf, version.buf, &stats)) {
		info("libvirt %s: %d x86_64 test domain(s): %d new, %d changed; %d "
		     "golden file(s); left out: %d of other architectures, %d whose "
		     "architecture the tests do not tell%s; golden 'latest' is %s%s",
		     version.buf, stats.domains, stats.added, stats.changed, stats.golden,
		     stats.skipped - stats.untold, stats.untold,
		     stats.toolarge ? ", and files too large (warned)" : "",
		     *stats.latest_qemu ? "QEMU " : "an unknown QEMU (no x86_64 "
						    "capabilities in the tarball)",
		     stats.latest_qemu);
		ret = 0;
	}
	store_close(&st);
out:
	free(db);
	strbuf_release(&path);
	strbuf_release(&version);
	return ret;
}

static int cmd_run_corpus(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "origin", required_argument, NULL, 'o' },
		{ "libvirt", required_argument, NULL, 'L' },
		{ "qemu", required_argument, NULL, 'Q' },
		{ "match", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'n' },
		{ "shard", required_argument, NULL, 'S' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct corp_run_opts o;
	struct shard shard;
	char *db = store_default_path();
	struct store st;
	int c, ret = 1, rc;

	memset(&o, 0, sizeof(o));
	o.argc = argc;
	o.argv = argv;
	if (shard_from_env(&shard))
		goto out;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.origin = optarg; break;
		case 'L': strvec_push(&o.libvirts, optarg); break;
		case 'Q': strvec_push(&o.qemus, optarg); break;
		case 'm': strvec_push(&o.match, optarg); break;
		case 'n':
			if (parse_long(optarg, 1, 1000000, &o.limit)) {
				ret = usage_error("--limit wants a positive number");
				goto out;
			}
			break;
		case 'S':
			if (shard_parse(optarg, &shard)) {
				ret = usage_error("--shard wants K/N with 1 <= K <= N");
				goto out;
			}
			shard.from = "--shard";
			break;
		case 'W': o.sweep_uuid = optarg; break;
		case 'd': free(db); db = xstrdup(optarg); break;
		case 'h': fputs(usage, stdout); ret = 0; goto out;
		default: ret = usage_error(NULL); goto out;
		}
	}
	if (optind < argc) {
		ret = usage_error("unexpected argument");
		goto out;
	}
	o.shard = &shard;
	if (store_open(&st, db))
		goto out;
	command_setup_signals();
	rc = corp_run(&st, &o);
	store_close(&st);
	ret = work_exit_status(rc, vm_interrupted);
out:
	free(db);
	strvec_clear(&o.libvirts);
	strvec_clear(&o.qemus);
	strvec_clear(&o.match);
	return ret;
}

int cmd_corpus(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{ "import", cmd_import },
		{ "run", cmd_run_corpus },
	};

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 129 : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	error("unknown corpus command '%s'", argv[1]);
	fputs(usage, stderr);
	return 129;
}
