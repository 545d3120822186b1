/*
 * `plan --format gitlab-ci`: a GitLab CI child pipeline. The sweep job
 * has `parallel: N`; GitLab gives each copy CI_NODE_INDEX and
 * CI_NODE_TOTAL, from which `virt-matrix sweep` takes its shard, and all
 * copies share one sweep id. GitLab runs at most 200 copies of one
 * parallel job: a plan of more shards has several sweep jobs (sweep-1,
 * sweep-2, ...), each of up to 200 copies, that name their shard with
 * --shard (CI_NODE_INDEX plus the jobs before). Each copy keeps its store
 * as an artifact; the merge job joins them with `virt-matrix merge`, the
 * report job reports on the merged store. The parent pipeline writes the
 * plan as an artifact and triggers it:
 *
 *	plan:
 *	  script: virt-matrix plan --format gitlab-ci --shards 4 > sweep.yml
 *	  artifacts: { paths: [sweep.yml] }
 *	sweep:
 *	  trigger:
 *	    include: [{ artifact: sweep.yml, job: plan }]
 *	    strategy: depend
 */
#include <stdio.h>

#include "plan.h"
#include "banned.h"

#define GITLAB_PARALLEL_MAX 200
#define GITLAB_NEEDS_MAX 50

static void tags(struct strbuf *y, const struct strvec *t)
{
	if (!t->nr)
		return;
	sb_puts(y, "  tags:\n");
	for (size_t i = 0; i < t->nr; i++) {
		sb_puts(y, "    - ");
		plan_yaml_quote(y, t->v[i]);
		sb_putc(y, '\n');
	}
}

/* A script: of one line. */
static void script(struct strbuf *y, const char *line)
{
	sb_puts(y, "  script:\n    - ");
	plan_yaml_quote(y, line);
	sb_putc(y, '\n');
}

/* Sweep job chunk c of nchunks (0-based), its copies from shard first + 1. */
static void sweep_job(struct strbuf *y, const struct plan_spec *sp, long c,
		      long nchunks)
{
	long first = c * GITLAB_PARALLEL_MAX;
	long n = sp->shards - first < GITLAB_PARALLEL_MAX ? sp->shards - first
							  : GITLAB_PARALLEL_MAX;
	struct strbuf cmd = STRBUF_INIT, db = STRBUF_INIT, shard = STRBUF_INIT;
	/* parallel: must be 2..200; a chunk of one shard is a plain job. */
	const char *node = n > 1 ? "${CI_NODE_INDEX}" : "1";

	if (nchunks == 1) {
		/* The copies' CI_NODE_INDEX/CI_NODE_TOTAL tell sweep its shard. */
		sb_puts(y, "sweep:\n");
		sb_printf(&db, "shard-%s.db", node);
	} else {
		sb_printf(y, "sweep-%ld:\n", c + 1);
		sb_printf(&db, "shard-%ld-%s.db", c + 1, node);
		if (n > 1)
			sb_printf(&shard, "$((CI_NODE_INDEX + %ld))/%ld", first, sp->shards);
		else
			sb_printf(&shard, "%ld/%ld", first + 1, sp->shards);
	}
	plan_sweep_cmd(sp, db.buf, shard.len ? shard.buf : NULL, &cmd);
	sb_puts(y, "  stage: sweep\n");
	if (n > 1)
		sb_printf(y, "  parallel: %ld\n", n);
	tags(y, sp->tags);
	script(y, cmd.buf);
	sb_puts(y, "  artifacts:\n    when: always\n    paths:\n      - ");
	plan_yaml_quote(y, db.buf);
	sb_puts(y, "\n\n");
	strbuf_release(&cmd);
	strbuf_release(&db);
	strbuf_release(&shard);
}

int plan_gitlab_ci(const struct plan_spec *sp, struct strbuf *y)
{
	long nchunks = plan_chunks(sp->shards, GITLAB_PARALLEL_MAX);
	struct strbuf cmd = STRBUF_INIT;

	sb_printf(y, "# virt-matrix sweep %s over %ld machines (virt-matrix plan)\n",
		  sp->uuid, sp->shards);
	sb_puts(y, "stages:\n  - sweep\n  - merge\n  - report\n\n");
	sb_puts(y, "variables:\n  VIRT_MATRIX_SWEEP: ");
	plan_yaml_quote(y, sp->uuid);
	sb_puts(y, "\n\n");
	for (long c = 0; c < nchunks; c++)
		sweep_job(y, sp, c, nchunks);

	/*
	 * The merge job needs every sweep job. needs: lists at most 50 jobs;
	 * beyond that the merge job goes without, and GitLab passes it the
	 * artifacts of every job of the earlier stages.
	 */
	sb_puts(y, "merge:\n  stage: merge\n");
	if (nchunks <= GITLAB_NEEDS_MAX) {
		sb_puts(y, "  needs:\n");
		for (long c = 0; c < nchunks; c++) {
			if (nchunks == 1)
				sb_puts(y, "    - job: sweep\n");
			else
				sb_printf(y, "    - job: sweep-%ld\n", c + 1);
			sb_puts(y, "      artifacts: true\n");
		}
	}
	tags(y, sp->tags);
	sb_printf(&cmd, "%s merge matrix.db shard-*.db", sp->bin);
	script(y, cmd.buf);
	sb_puts(y, "  artifacts:\n    when: always\n    paths:\n      - matrix.db\n\n");
	sb_puts(y, "report:\n  stage: report\n  needs:\n    - job: merge\n"
		   "      artifacts: true\n");
	tags(y, sp->tags);
	strbuf_reset(&cmd);
	sb_printf(&cmd, "%s report all --format html,md,json,junit --sweep %s --out report --db matrix.db",
		  sp->bin, sp->uuid);
	script(y, cmd.buf);
	sb_puts(y, "  artifacts:\n    when: always\n    paths:\n      - report/\n"
		   "    reports:\n      junit: report/*.xml\n");
	strbuf_release(&cmd);
	return 0;
}
