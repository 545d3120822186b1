#ifndef VM_BENCH_H
#define VM_BENCH_H

/*
 * Shared by the sections of vm-bench (bench/vm-bench.c dispatches them,
 * bench/probe-costs.c measures the parts of a probe). A section appends
 * its lines to b->out; when a prerequisite is missing it appends one line
 * saying what is missing instead, never a figure.
 */

#include "strbuf.h"

/* Each side of a figure runs this many times; the median counts. */
#define RUNS 5

#define DEBIAN_QEMU "/usr/bin/qemu-system-x86_64"

struct bench {
	const char *dir;  /* private temporary directory, removed at the end */
	const char *self; /* this program, for the children that are vm-bench */
	struct strbuf *out;
};

/* The median of v[0..n), which it sorts. */
double median(double *v, int n);

/*
 * Wall time of running argv to its end (output discarded); dies if it
 * cannot run, or with want_exit0 if it does not exit 0.
 */
double timed_run(const char *const *argv, int want_exit0);

/* Whether name is a program in the children's PATH (command.h). */
int bench_on_path(const char *name);

/*
 * Debian's QEMU if installed, then each /opt/qemu/VERSION/bin/
 * qemu-system-x86_64 that exists, in version order.
 */
void bench_qemu_binaries(struct strvec *out);

/*
 * corpus-bench.c: `virt-matrix map` of every DTS cfg under scenarios/dts
 * for every probed QEMU install of the default store, beside python3's
 * configparser reading the same files and sqlite3 running the mapper's
 * queries.
 */
void bench_corpus(struct bench *b);

/* guest-bench.c: the guest view of each binary beside a bare boot loop. */
void bench_guest(struct bench *b);

/*
 * migrate-bench.c: a migration job (Debian's QEMU to itself and to the
 * newest ark build) beside a bare script doing the same migrations.
 */
void bench_migrate(struct bench *b);

/*
 * vf-bench.c: an SR-IOV VF passed through in the VF lab beside the
 * e1000e lab's passthrough, whole `virt-matrix run` commands.
 */
void bench_vf(struct bench *b);

/*
 * lvcorpus-bench.c: libvirt's test domains on Debian's libvirt and QEMU,
 * the whole corpus in one `virt-matrix corpus run` (goal 5 minutes), and
 * up to 40 of them beside a bare virsh define/start/destroy/undefine loop.
 */
void bench_lvcorpus(struct bench *b);

/*
 * scale-bench.c: merge and report of a large lab's 64 simulated shard
 * stores (bench/scale-gen.h) at 1x, 4x and 16x, and the report's HTML
 * table filtered and sorted in headless Chromium.
 */
void bench_scale(struct bench *b);

/* The sections of probe-costs.c. */
void bench_startup(struct bench *b);
void bench_accel(struct bench *b);
void bench_qmp(struct bench *b);
void bench_store(struct bench *b);
/* SHA-NI against the plain code on the largest QEMU binary (sha256 section). */
void bench_sha256_binary(struct bench *b);

/*
 * The child side of bench_sha256_binary (`vm-bench --sha256-plain FILE`):
 * the plain code forced, hashes path and prints "MICROSECONDS HEX".
 * Returns the exit status.
 */
int bench_sha256_plain_child(const char *path);

#endif
