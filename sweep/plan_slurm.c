/*
 * `plan --format slurm`: a POSIX sh script that submits one sweep to
 * Slurm with sbatch. Run on a submit host (`sh sweep.sh`), it submits:
 *
 *   - the shards as a job array (--array=1-N): Slurm gives each task
 *     SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN,
 *     from which `virt-matrix sweep` takes its shard (lib/shard.h); each
 *     task writes its own store, shard-K.db;
 *   - a job that merges the shard stores into matrix.db and reports on it
 *     (report/), with --dependency=afterok on every array: it runs once
 *     every task succeeded, and Slurm cancels it when one fails
 *     (--kill-on-invalid-dep).
 *
 * Every job runs in one directory that the nodes share (--chdir: the
 * plan's --workdir, or the directory the script is run in), where the
 * stores and the report are. The script stops at the first sbatch that
 * fails (set -eu) and prints the job ids. The jobs' scripts go to sbatch
 * on stdin in quoted here-documents (nothing in them is expanded by the
 * submitting shell); the sweep options in them are single-quoted words,
 * the partitions (--tag) and the directory single-quoted on sbatch's
 * command line.
 *
 * Slurm's MaxArraySize (1001 by default) caps an array's indexes at
 * 1000: a plan of more shards submits one array per 1000, each
 * --array=1-1000 (the last one shorter), whose tasks name their shard
 * with --shard (the task's index plus the shards of the arrays before),
 * and the merge job waits for all of them.
 */
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "banned.h"

#define SLURM_ARRAY_MAX 1000

/* The end of every job script's here-document. */
#define EOJ "VIRT_MATRIX_JOB"

/*
 * The partitions must not be empty (plan.c has checked the binary and
 * the sweep options). 0, or -1 after reporting.
 */
static int check(const struct plan_spec *sp)
{
	for (size_t i = 0; i < sp->tags->nr; i++)
		if (!*sp->tags->v[i])
			return error("--tag wants a partition name, not ''");
	return 0;
}

/* sbatch options every job has: its name, the directory, the partitions. */
static void common(struct strbuf *s, const struct plan_spec *sp, const char *name)
{
	sb_printf(s, "submit --job-name=%s --chdir=\"$dir\"", name);
	if (sp->tags->nr) {
		struct strbuf parts = STRBUF_INIT;

		for (size_t i = 0; i < sp->tags->nr; i++)
			sb_printf(&parts, "%s%s", i ? "," : "", sp->tags->v[i]);
		sb_puts(s, " --partition=");
		sb_shell_quote(s, parts.buf);
		strbuf_release(&parts);
	}
}

/* The array of chunk c of nchunks (0-based): its shards from first + 1. */
static void sweep_array(struct strbuf *s, const struct plan_spec *sp, long c, long nchunks)
{
	long first = c * SLURM_ARRAY_MAX;
	long n = sp->shards - first < SLURM_ARRAY_MAX ? sp->shards - first : SLURM_ARRAY_MAX;
	struct strbuf cmd = STRBUF_INIT, db = STRBUF_INIT, shard = STRBUF_INIT;
	struct strbuf rc = STRBUF_INIT;

	if (nchunks == 1) {
		/* The task's array variables tell sweep its shard. */
		sb_puts(&db, "shard-${SLURM_ARRAY_TASK_ID}.db");
	} else if (!first) {
		sb_puts(&db, "shard-${SLURM_ARRAY_TASK_ID}.db");
		sb_printf(&shard, "${SLURM_ARRAY_TASK_ID}/%ld", sp->shards);
	} else {
		sb_printf(&db, "shard-$((SLURM_ARRAY_TASK_ID + %ld)).db", first);
		sb_printf(&shard, "$((SLURM_ARRAY_TASK_ID + %ld))/%ld", first, sp->shards);
	}
	/* shard-K.db's status in shard-K.rc */
	sb_printf(&rc, "%.*s.rc", (int)(db.len - strlen(".db")), db.buf);
	plan_sweep_kept_status(sp, db.buf, shard.len ? shard.buf : NULL, rc.buf, &cmd);
	common(s, sp, "virt-matrix-sweep");
	sb_printf(s, " --array=1-%ld <<'" EOJ "'\n#!/bin/sh\nset -eu\n%s\n" EOJ "\n",
		  n, cmd.buf);
	sb_printf(s, "sweep%ld=$id\n", c + 1);
	sb_printf(s, "printf 'sweep job %%s: shards %ld-%ld of %ld\\n' \"$id\"\n\n", first + 1,
		  first + n, sp->shards);
	strbuf_release(&cmd);
	strbuf_release(&db);
	strbuf_release(&shard);
	strbuf_release(&rc);
}

int plan_slurm(const struct plan_spec *sp, struct strbuf *s)
{
	long nchunks = plan_chunks(sp->shards, SLURM_ARRAY_MAX);

	if (check(sp))
		return -1;
	sb_printf(s, "#!/bin/sh\n"
		     "# virt-matrix sweep %s over %ld machines (virt-matrix plan).\n"
		     "# Run it with sh on a Slurm submit host. It submits the shards as a\n"
		     "# job array and a job that merges their stores and reports once every\n"
		     "# shard succeeded; all jobs run in one directory the nodes share.\n"
		     "set -eu\n",
		  sp->uuid, sp->shards);
	if (sp->workdir) {
		sb_puts(s, "dir=");
		sb_shell_quote(s, sp->workdir);
		sb_putc(s, '\n');
	} else {
		sb_puts(s, "dir=$(pwd)\n");
	}
	sb_puts(s, "\n"
		   "# sbatch with the job script on stdin: the job id in $id.\n"
		   "submit() {\n"
		   "\tid=$(sbatch --parsable \"$@\")\n"
		   "\tid=${id%%;*}\n"
		   "\tcase $id in\n"
		   "\t''|*[!0-9]*)\n"
		   "\t\tprintf 'error: sbatch answered '\\''%s'\\'', not a job id\\n' \"$id\" >&2\n"
		   "\t\texit 1 ;;\n"
		   "\tesac\n"
		   "}\n\n");
	sb_printf(s, "printf 'virt-matrix sweep %s in %%s\\n' \"$dir\"\n", sp->uuid);
	for (long c = 0; c < nchunks; c++)
		sweep_array(s, sp, c, nchunks);

	common(s, sp, "virt-matrix-report");
	sb_puts(s, " --dependency=afterok");
	for (long c = 0; c < nchunks; c++)
		sb_printf(s, ":$sweep%ld", c + 1);
	{
		struct strbuf fin = STRBUF_INIT;

		plan_merge_report_kept(sp, &fin);
		sb_printf(s, " --kill-on-invalid-dep=yes <<'" EOJ "'\n#!/bin/sh\nset -eu\n%s\n"
			  EOJ "\n", fin.buf);
		strbuf_release(&fin);
	}
	sb_puts(s, "printf 'report job %s: merge and report once every sweep job ran to its end\\n'"
		   " \"$id\"\n");
	return 0;
}
