#ifndef RUN_SCENARIO_INTERNAL_H
#define RUN_SCENARIO_INTERNAL_H

/*
 * Shared by the files of the scenario loader, not used outside them:
 * scenario.c reads the file (sections, keys, entries, options) and
 * dispatches each entry to the row of its key; scenario_vm.c holds the
 * rows of a VM section, scenario_file.c those of [host], [expect] and
 * [scene] and the checks across sections.
 */

#include "scenario.h"

/* What a section is, by DTS's rules and ours. */
enum scn_section {
	SECT_VM,	/* any other name: vm0, vm, backup... */
	SECT_HOST,	/* [host] with vhost or passthrough */
	SECT_HOST_OPEN, /* [host] before its first key, which decides */
	SECT_EXPECT,	/* [expect], or [expect NAME] for VM NAME */
	SECT_SCENE,	/* [scene]: DTS's scene settings */
};

/* The reader's state, for messages and for the rows. */
struct scn_ctx {
	struct scenario *s;
	struct scn_vm *vm; /* the VM being read, or NULL */
	const char *path;
	const char *section;
	enum scn_section kind;
	int line;
	const char *expect_vm; /* in [expect NAME]: NAME; else NULL */
};

/*
 * A key of a section. opts lists the options allowed (NULL: any, for
 * the keys that only make a note, and for device, whose options depend
 * on the driver); fill keeps the value (NULL: nothing to keep); note,
 * when set, says in a note after the entry why the runner does not act
 * on it ("is not used: ...").
 */
struct scn_key {
	const char *key;
	const char *const *opts;
	int (*fill)(struct scn_ctx *c, const struct scn_entry *e);
	const char *note;
};

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The rows of each kind of section, each ending with a NULL key. */
extern const struct scn_key scn_vm_keys[];
extern const struct scn_key scn_host_keys[];
extern const struct scn_key scn_expect_keys[];
extern const struct scn_key scn_scene_keys[];

/* "error: PATH:LINE: ..." at the line being read; returns -1. */
int scn_bad(struct scn_ctx *c, const char *fmt, ...) VM_PRINTF(2, 3);
/*
 * A note "[SECTION] line N: ..." (bytes that are not printable escaped)
 * on the VM being read, else on the scenario.
 */
void scn_note(struct scn_ctx *c, const char *fmt, ...) VM_PRINTF(2, 3);

/* The value of option name in e, or NULL. */
const char *scn_opt(const struct scn_entry *e, const char *name);
/* A copy of it, NULL when absent or empty. */
char *scn_dup_opt(const struct scn_entry *e, const char *name);
/* Frees *dst, then *dst = v. */
void scn_set_str(char **dst, char *v);
/*
 * Every option of e must be in names (NULL-terminated): a named option
 * that is not is an error; a bare word (cpupin=4,5: the '5') is what DTS
 * ignores too, and gets a note. Returns 0 or -1 (reported).
 */
int scn_allowed(struct scn_ctx *c, const char *what, const struct scn_entry *e,
		const char *const *names) VM_WUR;
/* v as an integer in [min, max] into *out, else -1 naming what. */
int scn_num(struct scn_ctx *c, const char *what, const char *v, long min,
	    long max, long *out) VM_WUR;
/* v as yes (1) or no (0) into *out, else -1 naming what. */
int scn_yesno(struct scn_ctx *c, const char *what, const char *v, int *out) VM_WUR;
/* Whether p[0..n) are hex digits. */
int scn_is_hex(const char *p, size_t n);
/* Whether b is a PCI address [DDDD:]BB:SS.F. */
int scn_is_bdf(const char *b);

/* A new VM named name, its section at line, defaults set; c->vm is it. */
void scn_vm_start(struct scn_ctx *c, const char *name, int line);
void scn_vm_release(struct scn_vm *vm);
size_t scn_vm_count_devices(const struct scn_vm *vm, enum scn_dev_kind k);

/* What needs the whole file: backends, passthrough, traffic; -1 reported. */
int scn_cross_checks(struct scn_ctx *c) VM_WUR;

#endif
