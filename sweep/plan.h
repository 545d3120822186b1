#ifndef SWEEP_PLAN_H
#define SWEEP_PLAN_H

/*
 * `virt-matrix plan`: one sweep spread over the machines of an engine a
 * lab already runs. plan.c parses the options and picks the format from
 * a table; each format (plan_<engine>.c) writes its engine's files from a
 * plan_spec alone, so a format is one file and one table entry, testable
 * without the engine. Every format runs the same three steps: N shards of
 * `virt-matrix sweep --sweep-id UUID --no-report`, each into a store of
 * its own; `virt-matrix merge` of those stores; `virt-matrix report all`
 * of the merged one. A shard's index and count reach `sweep` as the
 * engine gives them (lib/shard.h reads them) or as --shard K/N.
 */

#include "strbuf.h"
#include "util.h"

/* What a plan is made of, checked (plan.c): every format's input. */
struct plan_spec {
	long shards;		  /* 1..SHARD_MAX */
	const char *uuid;	  /* the sweep's id, fixed when the plan is written */
	const char *bin;	  /* virt-matrix on the machines: letters, digits, /._+-,:@%= */
	const struct strvec *pass; /* sweep options for every shard */
	const struct strvec *tags; /* runner tags, labels, partitions: per format */
	const char *image;	  /* k8s: the pods' image (NULL: not given) */
	const char *claim;	  /* k8s: the shared volume's claim */
	const char *workdir;	  /* where the jobs run (PLAN_WORKDIR formats); NULL: default */
	int uuid_given;		  /* uuid came from --sweep-id (not made now) */
};

/* A plan format: its name (--format), its engine's limit, its writer. */
struct plan_format {
	const char *name;
	const char *engine;	/* for messages: "GitLab CI" */
	/*
	 * The most shards one job of the engine runs (GitLab's parallel:
	 * 200, GitHub's matrix 256; 0: no limit). A plan with more writes
	 * several jobs ("chunks") and says so on stderr.
	 */
	long per_job;
	/* The plan into out: 0, or -1 after reporting. */
	int (*write)(const struct plan_spec *sp, struct strbuf *out);
	unsigned flags;		/* PLAN_* */
	/*
	 * --parent: what the engine's own configuration holds to plan and
	 * start a sweep on each of its runs (GitLab's parent pipeline that
	 * triggers the plan as a child); NULL when the format has none.
	 */
	int (*write_parent)(const struct plan_spec *sp, struct strbuf *out);
};

/* A format that takes --workdir (plan_spec.workdir). */
#define PLAN_WORKDIR 1u

/* The formats, by name; NULL when there is none of that name. */
const struct plan_format *plan_format_find(const char *name);

/* "gitlab-ci, slurm, ..." for usage and errors. */
void plan_format_names(struct strbuf *out);

/*
 * The sweep command of one shard, for a POSIX shell: bin sweep --sweep-id
 * UUID --no-report --db DB [--shard SHARD] and every pass word quoted
 * with single quotes. db and shard are put in as they are (they may hold
 * the engine's ${VAR} or $((...)): they must come from the format, never
 * from the user). shard NULL: none (the engine's variables tell sweep).
 */
void plan_sweep_cmd(const struct plan_spec *sp, const char *db, const char *shard,
		    struct strbuf *out);

/*
 * A shard's sweep for an engine that judges a job by its exit status
 * alone and runs the merge only after jobs that succeeded (Slurm's
 * afterok, a Kubernetes Job's Complete): sweep exits 1 when it ran to
 * its end with findings or a failed stage, which must not keep the
 * merge from running. So the sweep's status goes to rcfile, and the
 * job succeeds when it is 0 or 1: "rc=0; SWEEP || rc=$?; echo "$rc" >
 * RCFILE; test "$rc" -le 1", for sh with or without -e (db, shard and
 * rcfile as for plan_sweep_cmd: from the format only).
 */
void plan_sweep_kept_status(const struct plan_spec *sp, const char *db, const char *shard,
			    const char *rcfile, struct strbuf *out);

/*
 * The merge and report after such shards, in their directory, for sh
 * with or without -e: merge into matrix.db, report into report/, then
 * exit 1 when a shard's sweep did (a .rc file that is not 0) and the
 * report itself did not fail; else the report's status.
 */
void plan_merge_report_kept(const struct plan_spec *sp, struct strbuf *out);

/* s as a YAML double-quoted scalar (also a JSON string). */
void plan_yaml_quote(struct strbuf *out, const char *s);

/* The chunks of a plan: (shards + per_job - 1) / per_job, 1 when per_job is 0. */
long plan_chunks(long shards, long per_job);

/* ---- the formats (one file each) ---- */
int plan_gitlab_ci(const struct plan_spec *sp, struct strbuf *out) VM_WUR;
int plan_github(const struct plan_spec *sp, struct strbuf *out) VM_WUR;
int plan_k8s(const struct plan_spec *sp, struct strbuf *out) VM_WUR;
int plan_slurm(const struct plan_spec *sp, struct strbuf *out) VM_WUR;
int plan_gitlab_ci_parent(const struct plan_spec *sp, struct strbuf *out) VM_WUR;

#endif
