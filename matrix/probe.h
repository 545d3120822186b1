#ifndef MX_PROBE_H
#define MX_PROBE_H

#include "strbuf.h"
#include <stddef.h>

/*
 * probe: record what each installed QEMU binary can do (matrix/). The
 * entry points of the component; the rest of matrix/ is internal.
 */

int cmd_probe(int argc, char **argv);
int cmd_show(int argc, char **argv);

/* The pieces of cmd_probe, apart so that a test can call them. */

struct install;

/* What "virt-matrix probe [options] [VERSION...]" asked for. */
struct probe_opts {
	char *db; /* malloc'd */
	int force, no_abi, no_guest, no_libvirt;
	long jobs;
	int nnames;   /* the VERSION operands */
	char **names; /* point into argv, or into names_v */
	struct strvec binaries; /* --qemu-binary PATH */
	struct strvec names_v;	/* the operands and the binaries' installs */
};

enum {
	PROBE_CMDLINE_OK,
	PROBE_CMDLINE_HELP,  /* -h, --help */
	PROBE_CMDLINE_USAGE, /* a wrong option (reported if its value was) */
};

/*
 * Parses argv (from optind, as getopt left it) into po, defaults first.
 * Returns PROBE_CMDLINE_*; in every case the caller calls
 * probe_opts_release.
 */
int probe_cmdline_parse(struct probe_opts *po, int argc, char **argv);
void probe_opts_release(struct probe_opts *po);

/*
 * Which of the n QEMU installs v to probe: sets chosen[k] for each one
 * whose version is among names, or for all when nnames is 0. -1
 * (reported) when a name is no install's, or when there is no install.
 */
int probe_choose(const struct install *v, size_t n, int nnames,
		 char *const *names, int *chosen);

#endif
