#ifndef RUN_MAPPER_H
#define RUN_MAPPER_H

/*
 * The config-to-command-line mapper: a pure function from a scenario,
 * what the QEMU under test can do (from the store) and where the run's
 * files are, to QEMU's argv. It adapts to the version where QEMU
 * changed, and says so in `notes`; it never works around a QEMU bug.
 */

#include "scenario.h"
#include "store.h"
#include "strbuf.h"

struct map_caps {
	char version[32];
	char q35[64], pc[64];	  /* what the aliases resolve to */
	int has_vfio_pci, has_pci_assign;
	int has_memfd;		  /* memory-backend-memfd */
	int machine_memdev;	  /* -machine memory-backend= (QEMU >= 5.0) */
	int has_vhost_user_netdev; /* "vhost-user" among the netdev types */
};

struct map_env {
	const char *kernel, *initrd, *append; /* kernel NULL: no guest code runs
						 (-S), the runner asks QMP */
	const char *accel;   /* "tcg" or "kvm" */
	const char *rundir;  /* sockets; relative scenario paths land here */
	const char *pt_host; /* the BDF that `lab` stands for, or NULL */
};

/* Fills c from the store for the binary with that id; -1 if not probed. */
int map_caps_load(struct store *st, long long binary_id, struct map_caps *c) VM_WUR;

/*
 * struct map_caps as text, one "key value" line each (version, q35, pc,
 * vfio-pci, pci-assign, memory-backend-memfd, machine-memory-backend,
 * netdev-vhost-user), so tests keep what real probes gave per version.
 * map_caps_parse reports "FILE:LINE: ..." and returns -1 on bad input.
 */
void map_caps_format(const struct map_caps *c, struct strbuf *out);
int map_caps_parse(const char *file, const char *text, struct map_caps *c) VM_WUR;

/* The socket path of a vhost-user device, resolved against env->rundir. */
void map_vhost_path(const struct map_env *env, const struct scn_device *d,
		    struct strbuf *out);

/* Sets why to the formatted reason; returns -1 (for "cannot map" paths). */
int map_cannot(struct strbuf *why, const char *fmt, ...) VM_PRINTF(2, 3);

/*
 * 0 when the runner runs s as it is; else -1 with why set to the reason
 * (scenario_runnable: several VMs, VFs to make), as map_cannot.
 */
int map_runnable(const struct scenario *s, struct strbuf *why) VM_WUR;

/*
 * Appends QEMU's arguments (not the binary, not the QMP monitor) for s
 * (its one VM) to argv, and one line per version adaptation to notes. -1
 * when this QEMU cannot express the scenario at all (a missing device),
 * or the runner does not run s yet (scenario_runnable), with the reason
 * in why (nothing printed: the reason belongs to the run's record).
 */
int map_argv(const struct scenario *s, const struct map_caps *c,
	     const struct map_env *env, struct strvec *argv,
	     struct strvec *notes, struct strbuf *why) VM_WUR;

#endif
