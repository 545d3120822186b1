/*
 * `plan --format github`: a GitHub Actions workflow. A `sweep` job with
 * a matrix `shard: [1, ..., N]` runs one shard on each runner, naming it
 * with --shard ${{ matrix.shard }}/N (GitHub gives a matrix job no index
 * variable of its own), and keeps its store as the artifact shard-K
 * whether the sweep passed or not; the `merge` job, after every sweep job
 * and whatever their outcome (unless the run was cancelled), downloads
 * those artifacts, merges them, reports on the merged store and keeps
 * the report as the artifact `report`. GitHub runs at most 256 jobs of
 * one matrix: a plan of more shards has several sweep jobs (sweep-1,
 * sweep-2, ...), each with a matrix of up to 256 shard numbers, all of
 * which the merge job needs.
 *
 * The runners are self-hosted (`runs-on:` the --tag labels, default
 * self-hosted): a sweep needs KVM, QEMU, libvirt and the builds under
 * /opt that GitHub's own runners lack. The workflow is started by hand
 * or through the API (workflow_dispatch) or from another workflow
 * (workflow_call). The sweep id is fixed in the file: a new sweep is a
 * new plan.
 */
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "banned.h"

#define GITHUB_MATRIX_MAX 256
/* GitHub starts no run from a workflow file larger than this. */
#define GITHUB_FILE_MAX (500 * 1024)

static void runs_on(struct strbuf *y, const struct strvec *t)
{
	sb_puts(y, "    runs-on: [");
	if (!t->nr)
		sb_puts(y, "\"self-hosted\"");
	for (size_t i = 0; i < t->nr; i++) {
		if (i)
			sb_puts(y, ", ");
		plan_yaml_quote(y, t->v[i]);
	}
	sb_puts(y, "]\n");
}

/* A step that runs one command line. */
static void run_step(struct strbuf *y, const char *name, const char *line)
{
	sb_printf(y, "      - name: %s\n        run: ", name);
	plan_yaml_quote(y, line);
	sb_putc(y, '\n');
}

/* Sweep job chunk c of nchunks (0-based): shards c * 256 + 1 onwards. */
static void sweep_job(struct strbuf *y, const struct plan_spec *sp, long c, long nchunks)
{
	long first = c * GITHUB_MATRIX_MAX + 1;
	long last = first + GITHUB_MATRIX_MAX - 1 < sp->shards ? first + GITHUB_MATRIX_MAX - 1
								: sp->shards;
	struct strbuf cmd = STRBUF_INIT, shard = STRBUF_INIT;

	if (nchunks == 1)
		sb_puts(y, "  sweep:\n");
	else
		sb_printf(y, "  sweep-%ld:\n", c + 1);
	runs_on(y, sp->tags);
	sb_puts(y, "    strategy:\n      fail-fast: false\n      matrix:\n        shard: [");
	for (long k = first; k <= last; k++)
		sb_printf(y, "%s%ld", k > first ? ", " : "", k);
	sb_puts(y, "]\n    steps:\n");
	sb_printf(&shard, "${{ matrix.shard }}/%ld", sp->shards);
	plan_sweep_cmd(sp, "shard-${{ matrix.shard }}.db", shard.buf, &cmd);
	run_step(y, "sweep", cmd.buf);
	/* The store of a shard that found regressions is the point of it. */
	sb_puts(y, "      - name: keep the store\n"
		   "        if: always()\n"
		   "        uses: actions/upload-artifact@v4\n"
		   "        with:\n"
		   "          name: \"shard-${{ matrix.shard }}\"\n"
		   "          path: \"shard-${{ matrix.shard }}.db\"\n"
		   "          if-no-files-found: error\n\n");
	strbuf_release(&cmd);
	strbuf_release(&shard);
}

int plan_github(const struct plan_spec *sp, struct strbuf *y)
{
	long nchunks = plan_chunks(sp->shards, GITHUB_MATRIX_MAX);
	struct strbuf cmd = STRBUF_INIT;
	int ret = 0;

	/* GitHub would evaluate ${{ ... }} in a run: line before the shell. */
	for (size_t i = 0; i < sp->pass->nr; i++)
		if (strstr(sp->pass->v[i], "${{"))
			return error("'%s': GitHub would read '${{' in a workflow as an "
				     "expression", sp->pass->v[i]);

	sb_printf(y, "# virt-matrix sweep %s over %ld machines (virt-matrix plan)\n",
		  sp->uuid, sp->shards);
	sb_puts(y, "name: virt-matrix sweep\n\non:\n  workflow_dispatch:\n  workflow_call:\n\n");
	sb_puts(y, "env:\n  VIRT_MATRIX_SWEEP: ");
	plan_yaml_quote(y, sp->uuid);
	sb_puts(y, "\n\njobs:\n");
	for (long c = 0; c < nchunks; c++)
		sweep_job(y, sp, c, nchunks);

	sb_puts(y, "  merge:\n    needs: [");
	for (long c = 0; c < nchunks; c++) {
		if (nchunks == 1)
			sb_puts(y, "sweep");
		else
			sb_printf(y, "%ssweep-%ld", c ? ", " : "", c + 1);
	}
	/*
	 * The shards that failed kept their stores: report on all of them,
	 * unless the run was cancelled.
	 */
	sb_puts(y, "]\n    if: ${{ !cancelled() }}\n");
	runs_on(y, sp->tags);
	sb_puts(y, "    steps:\n"
		   "      - name: fetch the stores\n"
		   "        uses: actions/download-artifact@v4\n"
		   "        with:\n"
		   "          pattern: \"shard-*\"\n"
		   "          merge-multiple: true\n");
	sb_printf(&cmd, "%s merge matrix.db shard-*.db", sp->bin);
	run_step(y, "merge", cmd.buf);
	strbuf_reset(&cmd);
	sb_printf(&cmd, "%s report all --format html,md,json,junit --sweep %s --out report --db matrix.db",
		  sp->bin, sp->uuid);
	run_step(y, "report", cmd.buf);
	sb_puts(y, "      - name: keep the report\n"
		   "        if: always()\n"
		   "        uses: actions/upload-artifact@v4\n"
		   "        with:\n"
		   "          name: report\n"
		   "          path: |\n"
		   "            report/\n"
		   "            matrix.db\n");
	strbuf_release(&cmd);
	if (y->len > GITHUB_FILE_MAX)
		ret = error("the workflow for %ld shards is %zu bytes: GitHub runs no "
			    "workflow file over %d KB", sp->shards, y->len,
			    GITHUB_FILE_MAX / 1024);
	return ret;
}
