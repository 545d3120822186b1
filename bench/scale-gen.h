#ifndef VM_SCALE_GEN_H
#define VM_SCALE_GEN_H

/*
 * SIMULATED stores for benchmarks only (bench/scale-gen.c): the shard
 * stores of one nightly sweep of a large lab, as `sweep --shard K/N`
 * would leave them on N machines, for `make bench` (bench/scale-bench.c)
 * and tests/unit/test_scale_gen.c. Nothing in them was measured on a
 * real QEMU.
 */

#include "installs.h"
#include "shard.h"
#include "strbuf.h"
#include "util.h"

struct scale_spec {
	int qemus;      /* QEMU installs (at most 30) */
	int libvirts;   /* libvirt installs (at most 10) */
	int scenarios;  /* scenarios; jobs = qemus x libvirts x scenarios */
	int machines;   /* versioned machine types per QEMU, half q35, half i440fx */
	int shards;     /* N of --shard K/N */
	int nights;     /* sweeps per store: nights - 1 earlier ones, then the current */
	int migrations; /* also the file-mode migrations of each night */
	int blob_scale; /* percent of the real stores' log and text sizes (100) */
};

/* The full lab of the brief: 30 x 10 x 50 = 15,000 jobs, 64 shards. */
#define SCALE_SPEC_FULL                                                        \
	{ .qemus = 30, .libvirts = 10, .scenarios = 50, .machines = 60,        \
	  .shards = 64, .nights = 2, .migrations = 1, .blob_scale = 100 }

struct scale_result {
	char uuid[40];          /* the current night's sweep (shared by every shard) */
	size_t jobs;            /* run jobs of one night, over all shards */
	size_t migrations;      /* migrations of one night, over all shards */
	struct strvec stores;   /* shard-K.db paths, K = 1..shards */
};

/*
 * The schema version the generator's SQL was written for (lib/store.c);
 * scale_generate refuses to run against any other.
 */
#define SCALE_SCHEMA 17

/*
 * Writes spec->shards stores dir/shard-K.db (K = 1..N) and fills *res
 * (strvec initialised by the caller, freed with scale_result_release):
 * each has the probe records of every QEMU (written once into
 * dir/probe-template.db through matrix/'s record functions, then copied),
 * the installs, and spec->nights sweeps of kind 'sweep' with the same
 * uuid in every shard (the current one last), each with its shard K/N
 * recorded as sweep_open() records it, holding the runs of K's slice of
 * the job list (scale_shard_jobs) and, with spec->migrations, K's slice
 * of the (source, machine type) migration jobs. Deterministic: the same
 * spec gives the same rows but for uuids and times. 0, or -1 after
 * reporting (a schema other than SCALE_SCHEMA is refused).
 */
int scale_generate(const struct scale_spec *spec, const char *dir,
		   struct scale_result *res) VM_WUR;
void scale_result_release(struct scale_result *res);

/*
 * The jobs of shard sh among nq QEMU installs x nl libvirt installs x
 * scenarios, in runner/jobplan.h's order (QEMU, then libvirt, then
 * scenario; job idx in shard (idx mod N) + 1): their number, and with
 * idx_out (room for all of them) each one's index in the whole list.
 */
size_t scale_shard_jobs(const struct install *qemus, size_t nq, const struct install *lvs,
			size_t nl, const struct strvec *scenarios, const struct shard *sh,
			size_t *idx_out);

#endif
