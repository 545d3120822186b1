/*
 * virt-matrix: builds many QEMU and libvirt versions side by side and
 * checks them against each other. main() dispatches to one command per
 * component (git's commands[] table); each command parses its own options.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "ark/ark.h"
#include "matrix/probe.h"
#include "runner/mapcmd.h"
#include "runner/run.h"
#include "migrate/migrate.h"
#include "corpus/corpus.h"
#include "reports/report.h"
#include "sweep/sweep.h"
#include "lib/command.h"
#include "lib/supervise.h"
#include "lib/util.h"
#include "lib/vmversion.h"
#include "lib/banned.h"


struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd commands[] = {
	{ "ark", cmd_ark, "fetch, build and install QEMU and libvirt versions" },
	{ "probe", cmd_probe, "record what each installed QEMU can do" },
	{ "show", cmd_show, "what the probe recorded about one QEMU: caps, machines, ABI, guest view" },
	{ "run", cmd_run, "run the scenarios against every installed QEMU" },
	{ "map", cmd_map, "a scenario's QEMU command line per VM for every QEMU, without running" },
	{ "corpus", cmd_corpus, "libvirt's own test domains on every libvirt x QEMU pair" },
	{ "migrate", cmd_migrate, "migrate a running guest between every pair of QEMU installs" },
	{ "report", cmd_report, "ABI, argv mapping, capability and pass/fail reports" },
	{ "sweep", cmd_sweep, "the nightly job: build, probe, run and report (resumable, shardable)" },
	{ "bisect", cmd_bisect, "first version or commit where a scenario, an ABI or a guest view changed" },
	{ "merge", cmd_merge, "merge the stores of the shards of a sweep into one" },
	{ "plan", cmd_plan, "write a CI pipeline that runs a sweep on many machines" },
};

static void usage(FILE *out)
{
	fputs("usage: virt-matrix <command> [options]\n\ncommands:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\n'virt-matrix <command> --help' describes a command.\n", out);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 129;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("virt-matrix %s\n", vm_version());
		return 0;
	}
	/* Not a user command: virt-matrix runs itself this way (supervise.h). */
	if (!strcmp(argv[1], "internal-supervise"))
		return cmd_internal_supervise(argc - 1, argv + 1);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		command_setup_signals();
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			die("cannot initialise libcurl");
		ret = commands[i].fn(argc - 1, argv + 1);
		curl_global_cleanup();
		/*
		 * Output that did not reach stdout is not a success (git does
		 * so); ark, show and plan also check it themselves, so that
		 * their callers in tests see it.
		 */
		if (ret == 0 && flush_stdout())
			ret = 1;
		return ret;
	}
	error("unknown command '%s'", argv[1]);
	usage(stderr);
	return 129;
}
