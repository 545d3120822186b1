#ifndef MX_VMSTATECHECK_H
#define MX_VMSTATECHECK_H

/*
 * The static vmstate check: whether migration from one QEMU binary to
 * another would break, judged from the two binaries' -dump-vmstate
 * descriptions alone, with the semantics of QEMU's
 * scripts/vmstate-static-checker.py. Every device section of the
 * source must exist in the destination, in a version the destination
 * accepts, with the same fields in the same order and of the same
 * sizes (fields that only moved into or out of a struct, or became
 * "unused" padding of the same size, are fine), and the destination
 * must know every subsection the source has. A different machine type
 * is a warning, and so is a destination with two subsections of one
 * name (QEMU 10.2's sd-card has); everything else it finds is an error.
 *
 * Renamed sections, descriptions and fields that keep the wire format
 * are data, not code: specs/vmstate-renames (vmstaterenames.c).
 * The dumps are input from outside: the parser checks the type of every
 * member it uses and reports the path of the first wrong one.
 *
 * What a dump cannot show, the check cannot see: dumps of QEMU before
 * 8.1 have no "num" for arrays, so an array replaced by "unused" bytes
 * of the same total size still looks like a mismatch against them
 * (e1000e's core.eitr_intr_pending between 7.2 and 10.0 is one).
 */

#include "enum.h"
#include "strbuf.h"

/* The largest dump vmstate_dump_load reads (one is about 800 KiB). */
#define VMSTATE_DUMP_MAX (64u << 20)

/* One field of a description ("Fields"). */
struct vmstate_field {
	char *name;		   /* "field" */
	int version_id;		   /* the version the field appeared in */
	int field_exists;	   /* "field_exists": 0, 1, or -1 when absent */
	long long size;		   /* "size": bytes (of one element for arrays) */
	long long num;		   /* "num": elements of an array, -1 absent */
	struct vmstate_desc *desc; /* "Description" of a struct field, or NULL */
};

/*
 * The members of a description or a section the dump had, in its
 * order: the check reports a missing one in that order, as the script
 * does. Members of other names are not kept (see vmstate_dump_parse).
 */
enum vmstate_member {
	VMSTATE_M_NAME,		/* "name" of a description, "Name" of a section */
	VMSTATE_M_VERSION,	/* "version_id" */
	VMSTATE_M_MINIMUM,	/* "minimum_version_id" */
	VMSTATE_M_FIELDS,	/* "Fields" */
	VMSTATE_M_SUBSECTIONS,	/* "Subsections" */
	VMSTATE_M_DESCRIPTION,	/* "Description" of a section */
	VMSTATE_M_LAST
};

/* A VMStateDescription: a section's, a struct field's or a subsection. */
struct vmstate_desc {
	char *name;
	int version_id;
	int minimum_version_id;
	int has_minimum;
	unsigned char members[VMSTATE_M_LAST]; /* enum vmstate_member, in order */
	size_t nr_members;
	struct vmstate_field *fields; /* "Fields" (has_fields: even if empty) */
	size_t nr_fields;
	int has_fields;
	struct vmstate_desc *subs; /* "Subsections" (has_subs: even if empty) */
	size_t nr_subs;
	int has_subs;
	size_t *sub_index; /* subs sorted by name, then by position */
};

/*
 * One section: a device type of the binary (the member's name is its
 * QOM type), or "vmschkmachine", which only names the machine type.
 */
struct vmstate_section {
	char *id;	/* the member's name */
	char *name;	/* "Name", or NULL */
	int version_id; /* valid when has_version */
	int has_version;
	int minimum_version_id;
	int has_minimum;
	unsigned char members[VMSTATE_M_LAST];
	size_t nr_members;
	struct vmstate_desc *desc; /* "Description", or NULL */
};

struct vmstate_dump {
	struct vmstate_section *v; /* in the dump's order */
	size_t nr;
	size_t *index; /* v sorted by id, then by position */
};

/*
 * Parses the -dump-vmstate JSON json[0..len) into out (which the caller
 * releases with vmstate_dump_release, on failure too). what names the
 * dump in errors (a file name, "QEMU 7.2.0"). The text must be one JSON
 * object of at most VMSTATE_DUMP_MAX bytes, nested at most 64 deep;
 * every section but "vmschkmachine" needs an integer version_id,
 * "vmschkmachine" a string Name; a description needs a string name and
 * an integer version_id; a field a string field, integer version_id and
 * size (0 to 2^48 bytes, with num elements too). Names may not hold NUL
 * bytes. Other members are ignored. Returns 0, or -1 after reporting
 * "error: WHAT: PATH: what is wrong" (PATH as in
 * "e1000".Description.Fields[3].size).
 */
int vmstate_dump_parse(const char *what, const char *json, size_t len,
		       struct vmstate_dump *out) VM_WUR;
/* The same from a file (what is the path); reports as above. */
int vmstate_dump_load(const char *path, struct vmstate_dump *out) VM_WUR;
void vmstate_dump_release(struct vmstate_dump *d);
/* The section of that member name, or NULL. */
const struct vmstate_section *vmstate_dump_find(const struct vmstate_dump *d,
						 const char *id);
/*
 * d's first subsection of that name, or NULL: the one QEMU loads a
 * subsection of that name into (vmstate_get_subsection). *count, if
 * not NULL, gets how many d has of that name.
 */
const struct vmstate_desc *vmstate_desc_find_sub(const struct vmstate_desc *d,
						 const char *name, size_t *count);

/* ---- renames that keep the wire format: specs/vmstate-renames ---- */

enum vmstate_rename_kind {
	VMSTATE_RENAME_SECTION,	    /* a device's QOM type (a section) */
	VMSTATE_RENAME_DESCRIPTION, /* a description's name, in one section */
	VMSTATE_RENAME_FIELD,	    /* a field's name, in one description */
	VMSTATE_RENAME_LAST
};
/* "section", "description", "field" */
VM_ENUM_DECL(vmstate_rename_kind);

/*
 * One rename. Names match both ways (either may be the source's), so a
 * check from the newer to the older binary uses the same entry.
 */
struct vmstate_rename {
	enum vmstate_rename_kind kind;
	/* description: the section; field: the description; section: NULL */
	char *scope;
	char *old_name;
	char *new_name;
	char *commit;	/* the QEMU commit that renamed it, or NULL */
	char *reason;
	int line;	/* in the file */
};

struct vmstate_renames {
	char *path;
	struct vmstate_rename *v;
	size_t nr;
};

/*
 * Parses the text of a renames file (path names it in errors) into out
 * (released on failure). Returns 0, or -1 after reporting
 * "error: PATH:LINE: what was expected".
 */
int vmstate_renames_parse(const char *path, const char *text,
			  struct vmstate_renames *out) VM_WUR;
/* The same from a file. */
int vmstate_renames_load(const char *path, struct vmstate_renames *out) VM_WUR;
/* specs/vmstate-renames of the data directory (lib/paths.h). */
int vmstate_renames_load_default(struct vmstate_renames *out) VM_WUR;
void vmstate_renames_release(struct vmstate_renames *r);

/* ---- the check ---- */

enum vmstate_severity {
	VMSTATE_ERROR,	 /* migration from the source would fail */
	VMSTATE_WARNING, /* the dumps cannot show it: machine-type, subsection-twice */
	VMSTATE_SEVERITY_LAST
};
/* "error", "warning" */
VM_ENUM_DECL(vmstate_severity);

enum vmstate_problem {
	VMSTATE_SECTION_MISSING,     /* the destination lacks a section */
	VMSTATE_ENTRY_MISSING,	     /* ... a member (Description, Fields, ...) */
	VMSTATE_VERSION,	     /* source version_id above the destination's */
	VMSTATE_MINIMUM_VERSION,     /* source version_id below its minimum */
	VMSTATE_DESCRIPTION_NAME,    /* a description of another name */
	VMSTATE_FIELD_MISMATCH,	     /* another field where one was expected */
	VMSTATE_FIELDS_END,	     /* the destination's fields end early */
	VMSTATE_UNUSED_SIZE,	     /* "unused" bytes do not add up */
	VMSTATE_SIZE,		     /* a field of another size */
	VMSTATE_ARRAY_LENGTH,	     /* an array of another length ("num") */
	VMSTATE_DESCRIPTION_MISSING, /* a struct field without its description */
	VMSTATE_SUBSECTION_MISSING,  /* the destination lacks a subsection */
	VMSTATE_SUBSECTION_TWICE,    /* ... has two of one name (a warning) */
	VMSTATE_MACHINE_TYPE,	     /* the dumps are of other machine types */
	VMSTATE_PROBLEM_LAST
};
/*
 * "section-missing", "entry-missing", "version", "minimum-version",
 * "description-name", "field-mismatch", "fields-end", "unused-size",
 * "size", "array-length", "description-missing", "subsection-missing",
 * "subsection-twice", "machine-type"
 */
VM_ENUM_DECL(vmstate_problem);

struct vmstate_finding {
	enum vmstate_severity severity;
	enum vmstate_problem problem;
	char *section; /* the source's section ("vmschkmachine" for the machine) */
	/*
	 * Where in the section, from its description: field names joined
	 * by '/', through struct fields into their descriptions, a
	 * subsection as its name in brackets ("pm/[ich9_pm/pcihp]"); ""
	 * for the section or its own description.
	 */
	char *path;
	/*
	 * The script's line: 'Section "hpet", Description "hpet": expected
	 * field "num_timers", got "num_timers_save"; skipping rest'.
	 */
	char *message;
};

struct vmstate_findings {
	struct vmstate_finding *v; /* in the order the script reports them */
	size_t nr, alloc;
	size_t errors, warnings;
	/* Per entry of the renames given: how often it matched. */
	size_t *rename_uses;
	size_t nr_renames;
};

/*
 * Compares src (the binary migrated from) with dst: findings into out
 * (initialised here; vmstate_findings_release frees them). renames may
 * be NULL (none). It cannot fail: the dumps were checked when parsed.
 */
void vmstate_check(const struct vmstate_dump *src,
		   const struct vmstate_dump *dst,
		   const struct vmstate_renames *renames,
		   struct vmstate_findings *out);
/*
 * vmstate_check of the source's sections for which want(id, arg) is
 * true (and the machine type's): the device types a guest really has,
 * when the dumps describe a whole binary.
 */
void vmstate_check_only(const struct vmstate_dump *src,
			const struct vmstate_dump *dst,
			const struct vmstate_renames *renames,
			int (*want)(const char *id, void *arg), void *arg,
			struct vmstate_findings *out);
void vmstate_findings_release(struct vmstate_findings *f);

/*
 * "clean", or "N errors, M warnings" (singular for 1), appended to out;
 * returns out->buf.
 */
const char *vmstate_findings_summary(const struct vmstate_findings *f,
				     struct strbuf *out);

#endif
