#ifndef RUN_NETLAB_H
#define RUN_NETLAB_H

/*
 * DTS's tap networking (`net = type=tap,opt_br=br0`) for a direct run.
 * DTS's lab has a host bridge br0 that its ifup script adds each VM's
 * tap to; this host may have no br0, or one that carries its own
 * traffic. So a run makes its own: one bridge for the job, named after
 * the run's process ("vx<pid>br"), and a persistent tap per tap net of
 * each VM ("vx<pid>v<vm>t<n>", n counting that VM's tap nets), enslaved
 * to it and up; QEMU opens the tap by name (`-netdev
 * tap,ifname=...,script=no,downscript=no`: map_env.tap_prefix). The VMs
 * a file puts on one bridge meet on the run's, as on DTS's br0; the
 * host's bridges and routes are not touched. The links go when the job
 * ends; those a killed run left are removed by the next `run`
 * (netlab_sweep), recognised by name and a pid that no longer runs.
 * Links are made and removed with iproute2's `ip` (argv, no shell).
 */

#include <sys/types.h>

#include "scenario.h"
#include "strbuf.h"

/* IFNAMSIZ - 1: the longest name a link may have. */
#define NETLAB_IFNAME_MAX 15

/* The bridge of the run of process pid into out (size >= 64). */
void netlab_bridge_name(pid_t pid, char *out, size_t size);
/* The prefix of VM vm's tap names (out: size >= 64); the nth tap net is prefix + n. */
void netlab_tap_prefix(pid_t pid, size_t vm, char *out, size_t size);
/*
 * The pid a link name of ours holds ("vx<pid>br", "vx<pid>v<k>t<n>"),
 * or 0 when name is not one of ours. Pure.
 */
pid_t netlab_owner(const char *name);

/* Tap nets of VM vm of s. */
size_t netlab_taps(const struct scenario *s, size_t vm);

struct netlab {
	struct strvec links; /* made, in order: the bridge first */
};

/*
 * Makes the bridge and the taps every VM of s needs (none: nothing is
 * made, 0), each noted. Returns 0; -1 with why appended when `ip`
 * refused (what was made is removed again by netlab_stop).
 */
int netlab_start(struct netlab *n, const struct scenario *s, struct strvec *notes,
		 struct strbuf *why) VM_WUR;
/* Removes what netlab_start made, taps first; safe on a zeroed n. */
void netlab_stop(struct netlab *n);

/*
 * Removes the links of ours whose run is gone (a killed worker's), with
 * a warning each; the number removed.
 */
int netlab_sweep(void);

#endif
