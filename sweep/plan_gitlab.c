/*
 * `plan --format gitlab-ci`: a GitLab CI child pipeline, and with
 * --parent the parent pipeline that writes it and triggers it.
 *
 * The child: the sweep job has `parallel: N`; GitLab gives each copy
 * CI_NODE_INDEX and CI_NODE_TOTAL, from which `virt-matrix sweep` takes
 * its shard, and all copies share one sweep id. GitLab runs at most 200
 * copies of one parallel job: a plan of more shards has several sweep
 * jobs (sweep-1, sweep-2, ...), each of up to 200 copies, that name their
 * shard with --shard (CI_NODE_INDEX plus the jobs before). Each copy
 * starts from an empty store (a runner keeps nothing between jobs): it
 * first registers the runner's distribution QEMU and libvirt (`ark import
 * --if-present`; a sweep that names its versions would not), then sweeps
 * into shard-${CI_NODE_INDEX}.db, kept as an artifact also when the sweep
 * fails (the runner expands the variable in artifacts:paths). The merge
 * job joins the stores with `virt-matrix merge`, the report job reports
 * on the merged store; both run also after a failed shard (when: always),
 * so that what did run is reported. merge `needs:` the sweep jobs only
 * while the copies number at most 50: GitLab counts each copy of a
 * parallel job as one need; beyond that, stage order gives merge the
 * artifacts of every earlier job.
 *
 * The parent: a `plan` job that runs this same `virt-matrix plan` (a new
 * sweep id on each pipeline run, unless --sweep-id pinned one) into an
 * artifact, and a trigger job that runs it as a child pipeline
 * (`trigger: include: artifact:`, strategy: depend, so the parent fails
 * with the sweep).
 */
#include <stdio.h>

#include "plan.h"
#include "banned.h"

#define GITLAB_PARALLEL_MAX 200
/* needs: per job (GitLab's ci_needs_size_limit), each parallel copy one */
#define GITLAB_NEEDS_MAX 50
/* The child pipeline, as the parent's plan job writes it. */
#define GITLAB_CHILD_FILE "virt-matrix-sweep.yml"

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

/* A list of script lines under key (script, before_script). */
static void lines(struct strbuf *y, const char *key, const char *const *l, size_t n)
{
	sb_printf(y, "  %s:\n", key);
	for (size_t i = 0; i < n; i++) {
		sb_puts(y, "    - ");
		plan_yaml_quote(y, l[i]);
		sb_putc(y, '\n');
	}
}

/* A script: of one line. */
static void script(struct strbuf *y, const char *line)
{
	lines(y, "script", &line, 1);
}

/* Sweep job chunk c of nchunks (0-based), its copies from shard first + 1. */
static void sweep_job(struct strbuf *y, const struct plan_spec *sp, long c,
		      long nchunks)
{
	long first = c * GITLAB_PARALLEL_MAX;
	long n = sp->shards - first < GITLAB_PARALLEL_MAX ? sp->shards - first
							  : GITLAB_PARALLEL_MAX;
	struct strbuf cmd = STRBUF_INIT, db = STRBUF_INIT, shard = STRBUF_INIT;
	struct strbuf imp[2] = { STRBUF_INIT, STRBUF_INIT };
	static const char *const apps[] = { "qemu", "libvirt" };
	const char *before[2];
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
	/* The shard's store starts empty: the runner's own builds in it first. */
	for (size_t i = 0; i < ARRAY_SIZE(apps); i++) {
		sb_printf(&imp[i], "%s ark import --if-present --db %s %s", sp->bin, db.buf,
			  apps[i]);
		before[i] = imp[i].buf;
	}
	lines(y, "before_script", before, ARRAY_SIZE(before));
	script(y, cmd.buf);
	sb_puts(y, "  artifacts:\n    when: always\n    paths:\n      - ");
	plan_yaml_quote(y, db.buf);
	sb_puts(y, "\n\n");
	strbuf_release(&cmd);
	strbuf_release(&db);
	strbuf_release(&shard);
	strbuf_release(&imp[0]);
	strbuf_release(&imp[1]);
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

	sb_puts(y, "merge:\n  stage: merge\n  when: always\n");
	if (sp->shards <= GITLAB_NEEDS_MAX) {
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
	sb_puts(y, "report:\n  stage: report\n  when: always\n  needs:\n    - job: merge\n"
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

int plan_gitlab_ci_parent(const struct plan_spec *sp, struct strbuf *y)
{
	struct strbuf cmd = STRBUF_INIT;

	sb_printf(&cmd, "%s plan --format gitlab-ci --shards %ld", sp->bin, sp->shards);
	if (sp->uuid_given)
		sb_printf(&cmd, " --sweep-id %s", sp->uuid);
	sb_printf(&cmd, " --bin %s", sp->bin);
	for (size_t i = 0; i < sp->tags->nr; i++) {
		sb_puts(&cmd, " --tag ");
		sb_shell_quote(&cmd, sp->tags->v[i]);
	}
	for (size_t i = 0; i < sp->pass->nr; i++) {
		sb_putc(&cmd, ' ');
		sb_shell_quote(&cmd, sp->pass->v[i]);
	}
	sb_puts(&cmd, " > " GITLAB_CHILD_FILE);

	sb_printf(y, "# virt-matrix sweep over %ld machines: the parent pipeline (virt-matrix plan --parent)\n",
		  sp->shards);
	if (sp->uuid_given)
		sb_printf(y, "# every run continues sweep %s\n", sp->uuid);
	else
		sb_puts(y, "# every run plans a new sweep\n");
	sb_puts(y, "stages:\n  - plan\n  - sweep\n\n");
	sb_puts(y, "plan:\n  stage: plan\n");
	tags(y, sp->tags);
	script(y, cmd.buf);
	sb_puts(y, "  artifacts:\n    paths:\n      - " GITLAB_CHILD_FILE "\n\n");
	/* A trigger job takes no tags: GitLab runs it itself. */
	sb_puts(y, "run-sweep:\n  stage: sweep\n  trigger:\n    include:\n"
		   "      - artifact: " GITLAB_CHILD_FILE "\n        job: plan\n"
		   "    strategy: depend\n");
	strbuf_release(&cmd);
	return 0;
}
