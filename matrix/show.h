#ifndef MX_SHOW_H
#define MX_SHOW_H

#include <stdio.h>

#include "binaries.h"

struct install;

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
