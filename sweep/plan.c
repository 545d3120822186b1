/*
 * `virt-matrix plan --format gitlab-ci`: a GitLab CI child pipeline that
 * runs one sweep spread over N machines. The sweep job has `parallel: N`;
 * GitLab gives each copy CI_NODE_INDEX and CI_NODE_TOTAL, from which
 * `virt-matrix sweep` takes its shard, and all copies share one sweep id
 * (fixed here, when the plan is written). Each copy keeps its own store
 * as an artifact; the merge job joins them with `virt-matrix merge`, and
 * the report job reports on the merged store. The parent pipeline writes
 * the plan as an artifact and triggers it:
 *
 *	plan:
 *	  script: virt-matrix plan --format gitlab-ci --shards 4 > sweep.yml
 *	  artifacts: { paths: [sweep.yml] }
 *	sweep:
 *	  trigger:
 *	    include: [{ artifact: sweep.yml, job: plan }]
 *	    strategy: depend
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sweep.h"
#include "strbuf.h"
#include "sweeps.h"
#include "sweep_internal.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix plan --format gitlab-ci [--shards N] [--sweep-id UUID]\n"
	"                        [--bin PATH] [--tag TAG]... [sweep options...]\n"
	"\n"
	"Writes a GitLab CI child pipeline (YAML, on stdout) that runs one sweep\n"
	"on N machines: a 'sweep' job with 'parallel: N' running 'virt-matrix\n"
	"sweep --sweep-id UUID --no-report' (each copy takes its shard from\n"
	"CI_NODE_INDEX/CI_NODE_TOTAL) and keeping its store as an artifact, a\n"
	"'merge' job joining the stores with 'virt-matrix merge', and a 'report'\n"
	"job writing the reports of the merged store.\n"
	"\n"
	"  --format gitlab-ci  the only format so far\n"
	"  --shards N          machines (default 2)\n"
	"  --sweep-id UUID     the sweep's id (default: a new one)\n"
	"  --bin PATH          virt-matrix on the runners (default virt-matrix)\n"
	"  --tag TAG           runner tag of every job; repeatable\n"
	"  --qemu V, --libvirt V, --scenario NAME, --installed, --from SOURCE,\n"
	"  --jobs N, --timeout SEC\n"
	"                      passed to every shard's sweep\n";

/* A YAML double-quoted scalar. */
static void yq(struct strbuf *out, const char *s)
{
	sb_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(out, '\\');
		sb_putc(out, *s);
	}
	sb_putc(out, '"');
}

static void tags(struct strbuf *y, const struct strvec *t)
{
	if (!t->nr)
		return;
	sb_puts(y, "  tags:\n");
	for (size_t i = 0; i < t->nr; i++) {
		sb_puts(y, "    - ");
		yq(y, t->v[i]);
		sb_putc(y, '\n');
	}
}

/*
 * The pipeline into y. Words of pass are sweep options, quoted one by
 * one for the shell that runs the script lines.
 */
static void gitlab_ci(struct strbuf *y, long shards, const char *uuid,
		      const char *bin, const struct strvec *pass,
		      const struct strvec *tagv)
{
	struct strbuf cmd = STRBUF_INIT;

	sb_printf(&cmd, "%s sweep --sweep-id %s --no-report --db shard-${CI_NODE_INDEX}.db",
		  bin, uuid);
	for (size_t i = 0; i < pass->nr; i++) {
		/* Single quotes for the shell: option words carry no variables. */
		sb_puts(&cmd, " '");
		for (const char *p = pass->v[i]; *p; p++)
			if (*p == '\'')
				sb_puts(&cmd, "'\\''");
			else
				sb_putc(&cmd, *p);
		sb_putc(&cmd, '\'');
	}
	sb_printf(y, "# virt-matrix sweep %s over %ld machines (virt-matrix plan)\n", uuid,
		  shards);
	sb_puts(y, "stages:\n  - sweep\n  - merge\n  - report\n\n");
	sb_puts(y, "variables:\n  VIRT_MATRIX_SWEEP: ");
	yq(y, uuid);
	sb_puts(y, "\n\nsweep:\n  stage: sweep\n");
	sb_printf(y, "  parallel: %ld\n", shards);
	tags(y, tagv);
	sb_puts(y, "  script:\n    - ");
	yq(y, cmd.buf);
	sb_puts(y, "\n  artifacts:\n    when: always\n    paths:\n"
		   "      - \"shard-${CI_NODE_INDEX}.db\"\n\n");
	sb_puts(y, "merge:\n  stage: merge\n  needs:\n    - job: sweep\n"
		   "      artifacts: true\n");
	tags(y, tagv);
	sb_puts(y, "  script:\n    - ");
	strbuf_reset(&cmd);
	sb_printf(&cmd, "%s merge matrix.db shard-*.db", bin);
	yq(y, cmd.buf);
	sb_puts(y, "\n  artifacts:\n    when: always\n    paths:\n      - matrix.db\n\n");
	sb_puts(y, "report:\n  stage: report\n  needs:\n    - job: merge\n"
		   "      artifacts: true\n");
	tags(y, tagv);
	sb_puts(y, "  script:\n    - ");
	strbuf_reset(&cmd);
	sb_printf(&cmd, "%s report all --format html,md,json,junit --sweep %s --out report --db matrix.db",
		  bin, uuid);
	yq(y, cmd.buf);
	sb_puts(y, "\n  artifacts:\n    when: always\n    paths:\n      - report/\n"
		   "    reports:\n      junit: report/*.xml\n");
	strbuf_release(&cmd);
}

/* The options of `plan`. */
struct plan_opts {
	const char *format, *bin;
	char uuid[SWEEP_UUID_LEN + 1]; /* "" until given or made */
	long shards;
	struct strvec pass; /* sweep options for every shard */
	struct strvec tags;
};

static void plan_opts_release(struct plan_opts *o)
{
	strvec_clear(&o->pass);
	strvec_clear(&o->tags);
}

/*
 * argv into o: 0, 1 for --help, -1 after reporting (with the usage on
 * stderr for an unknown option).
 */
static int plan_opts_parse(struct plan_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "shards", required_argument, NULL, 'n' },
		{ "sweep-id", required_argument, NULL, 'W' },
		{ "bin", required_argument, NULL, 'b' },
		{ "tag", required_argument, NULL, 't' },
		{ "qemu", required_argument, NULL, 'P' },
		{ "libvirt", required_argument, NULL, 'P' },
		{ "scenario", required_argument, NULL, 'P' },
		{ "from", required_argument, NULL, 'P' },
		{ "jobs", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'P' },
		{ "installed", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	optind = 0; /* a fresh scan, also when called twice in one process */
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		switch (c) {
		case 'f': o->format = optarg; break;
		case 'b': o->bin = optarg; break;
		case 't': strvec_push(&o->tags, optarg); break;
		case 'n':
			if (parse_long(optarg, 1, 200, &o->shards))
				return error("--shards wants a number from 1 to 200 (GitLab's "
					     "parallel: limit), not '%s'",
					     optarg);
			break;
		case 'W':
			if (!sweep_uuid_valid(optarg))
				return error("--sweep-id wants a uuid, not '%s'", optarg);
			snprintf(o->uuid, sizeof(o->uuid), "%s", optarg);
			break;
		case 'P':
			strvec_pushf(&o->pass, "--%s", opts[idx].name);
			if (opts[idx].has_arg)
				strvec_push(&o->pass, optarg);
			break;
		case 'h': return 1;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	return 0;
}

/* Whether the options go together: 0, or -1 after reporting. */
static int plan_opts_check(const struct plan_opts *o)
{
	/* What the runners will pass to sweep is checked here, not there. */
	if (sweep_args_check(&o->pass))
		return -1;
	if (!o->format || strcmp(o->format, "gitlab-ci"))
		return error("--format wants gitlab-ci (the only format so far), not '%s'",
			     o->format ? o->format : "nothing");
	if (strpbrk(o->bin, "\"'\\ \n"))
		return error("--bin '%s': a path without quotes, spaces or backslashes",
			     o->bin);
	return 0;
}

/* The pipeline on stdout, with a new sweep id unless given: the exit status. */
static int plan_write(struct plan_opts *o)
{
	struct strbuf y = STRBUF_INIT;
	int ret;

	if (!*o->uuid && sweep_new_uuid(o->uuid))
		return 1;
	gitlab_ci(&y, o->shards, o->uuid, o->bin, &o->pass, &o->tags);
	fputs(y.buf, stdout);
	ret = flush_stdout() ? 1 : 0;
	strbuf_release(&y);
	return ret;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_opts o = { NULL, "virt-matrix", "", 2, STRVEC_INIT, STRVEC_INIT };
	int rc = plan_opts_parse(&o, argc, argv);

	if (rc > 0) {
		fputs(usage, stdout);
		rc = 0;
	} else if (rc < 0 || plan_opts_check(&o)) {
		rc = 129;
	} else {
		rc = plan_write(&o);
	}
	plan_opts_release(&o);
	return rc;
}
