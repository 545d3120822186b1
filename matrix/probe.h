#ifndef MX_PROBE_H
#define MX_PROBE_H

#include <stddef.h>
#include <stdio.h>

#include "binaries.h"

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
	int force, no_abi, no_libvirt;
	long jobs;
	int nnames;   /* the VERSION operands */
	char **names; /* point into argv */
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
/*
 * cmd_probe's exit status for a result of -1 (nothing probed) or a
 * number of failures: 1 for -1, 130 when interrupted, 1 when anything
 * failed, else 0.
 */
int probe_exit_status(int result, int interrupted);

/*
 * show (matrix/show.c): what the probe recorded about one binary, read
 * from the store into a struct, then printed as text or JSON.
 */

/* A name and a note, and a flag (an accelerator: usable). */
struct show_pair {
	char *name;
	char *note;
	int flag;
};

struct show_pairs {
	struct show_pair *v;
	size_t nr, alloc;
};

/* "show caps": the record and what its tables hold. */
struct show_caps {
	struct binary_record b;
	long long machine_types, cpu_models, qom_types, qmp_commands;
	long long cmdline_options; /* option parameters */
	long long devices, props;
	struct show_pairs accels;      /* name, detail; flag: usable */
	struct show_pairs failures;    /* device, error */
	struct show_pairs unsupported; /* command, error_class */
};

/*
 * Reads what "show caps" prints about binary id; 0, or -1 (reported).
 * In both cases the caller calls show_caps_release.
 */
int show_caps_read(struct store *st, long long id, struct show_caps *c);
void show_caps_release(struct show_caps *c);
/* Prints c, of the install in, to out: text, or JSON when json. */
void show_caps_print(FILE *out, const struct install *in,
		     const struct show_caps *c, int json);

/* "show abi VERSION MACHINE": one machine type's ABI record. */
struct show_abi_machine {
	char *machine, *status, *fingerprint, *devices, *dropped, *error;
	char *text; /* its ABI lines, NULL when it has none */
};

/*
 * Reads the ABI record of machine of binary id; 0, or -1 (reported,
 * also when there is none). In both cases the caller calls
 * show_abi_machine_release.
 */
int show_abi_machine_read(struct store *st, long long id, const char *machine,
			  struct show_abi_machine *m);
void show_abi_machine_release(struct show_abi_machine *m);
void show_abi_machine_print(FILE *out, const struct show_abi_machine *m,
			    int json);

/* "show abi VERSION": one row per versioned machine type. */
struct show_abi_row {
	char *machine, *status, *fingerprint, *dropped, *error;
	const char *same_as; /* the first row before with this fingerprint */
	double seconds;
};

struct show_abi_list {
	struct show_abi_row *v;
	size_t nr, alloc;
};

/* Sets each row's same_as: the machine of the first earlier row whose
 * fingerprint is the same, or NULL. */
void show_abi_link_same(struct show_abi_list *l);
/*
 * Reads the ABI rows of binary id, in version order, linked by
 * show_abi_link_same; 0, or -1 (reported). In both cases the caller
 * calls show_abi_list_release.
 */
int show_abi_list_read(struct store *st, long long id, struct show_abi_list *l);
void show_abi_list_release(struct show_abi_list *l);
void show_abi_list_print(FILE *out, const struct show_abi_list *l, int json);

#endif
