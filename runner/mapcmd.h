#ifndef RUN_MAPCMD_H
#define RUN_MAPCMD_H

/*
 * `virt-matrix map`: the QEMU command line of every VM of a scenario
 * file, for each probed QEMU install, from the mapper (mapper.h) alone:
 * nothing runs. cmd_map parses the options and reads the store;
 * map_write, which tests call with recorded caps, does the rest.
 */

#include <stddef.h>

#include "mapper.h"
#include "scenario.h"
#include "store.h"
#include "strbuf.h"

/* virt-matrix map SCENARIO [--qemu VERSION]... [--accel A] [--json] [--db PATH] */
int cmd_map(int argc, char **argv);

/* One QEMU a scenario is mapped for. */
struct map_target {
	char *install;	/* the install's name, what --qemu takes: "7.2.22-system" */
	char *binary;	/* its binary's path: the command line's first word */
	struct map_caps caps;
};

/*
 * The QEMU installs named in names (all installs with a complete probe
 * record when names is empty), in version order, each with its caps
 * (map_caps_load): *out is a malloc'd array of *n (map_targets_free).
 * -1 after reporting a name that is no install, or an install without
 * a complete probe record ("run 'virt-matrix probe VERSION' first").
 */
int map_targets_load(struct store *st, const struct strvec *names,
		     struct map_target **out, size_t *n) VM_WUR;
void map_targets_free(struct map_target *t, size_t n);

/*
 * Maps every VM of s (map_vm_argv) for each of t[0..n), under accel
 * ("kvm" or "tcg"), in map_env_shown's environment, and appends the result
 * to out: as text (the file's notes; per VM its notes, then per QEMU the
 * command line as one shell-quoted line, the mapper's notes, or the
 * error), or with json as the JSON document runner/README.md describes.
 * Pure: no store, no QEMU.
 */
void map_write(const struct scenario *s, const struct map_target *t, size_t n,
	       const char *accel, int json, struct strbuf *out);

#endif
