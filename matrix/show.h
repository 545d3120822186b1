#ifndef MX_SHOW_H
#define MX_SHOW_H

#include <stdio.h>

#include "binaries.h"
#include "guestview.h"

struct install;
struct json_object;

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

/* "show guest VERSION MACHINE" (matrix/showguest.c): one guest view. */
struct show_guest {
	char *machine, *fingerprint;
	double seconds;	     /* taking this machine type's view */
	int guest_rev;	     /* the definition the binary's view follows */
	struct guestview gv; /* its items, in the order they were read */
};

/*
 * Reads the guest view of machine on binary id, the install called
 * version: 0; -1 after reporting when the binary's guest view was not
 * taken, has no such machine type (the message lists those it has) or
 * a failed record for it (with its error). In both cases the caller
 * calls show_guest_release.
 */
int show_guest_read(struct store *st, long long id, const char *version,
		    const char *machine, struct show_guest *g) VM_WUR;
void show_guest_release(struct show_guest *g);

/*
 * The names of the items of g that table (a --table value, see
 * matrix/guestitems.h) selects, in view order, appended to names: 0;
 * -1 after reporting when table is not a table name or selects nothing
 * (the message says what g has).
 */
int show_guest_select(const struct show_guest *g, const char *table,
		      const char *version, struct strvec *names) VM_WUR;

/*
 * Prints g, of the install in, to out: a summary of its items, or, with
 * items (names from show_guest_select; NULL for the summary), those
 * items decoded (matrix/guestdecode.h), and in JSON also their bytes in
 * hex. 0, or -1 after reporting an item that cannot be decoded.
 */
int show_guest_print(FILE *out, const struct install *in,
		     const struct show_guest *g, const struct strvec *items,
		     int json) VM_WUR;

/* Read, select (table NULL: the summary) and print, as above, to out. */
int show_guest(struct store *st, long long id, const struct install *in,
	       const char *machine, const char *table, int json,
	       FILE *out) VM_WUR;

/* ---- Shared by show.c and showguest.c. ---- */

/* The lines of text, without their newlines, as a new JSON array. */
struct json_object *show_lines_json(const char *text);

#endif
