/*
 * `virt-matrix plan --format FORMAT`: one sweep spread over the machines
 * of an engine (plan.h). This file is the command: its options, checked
 * once for every format (the sweep options every shard gets are checked
 * here, not on the machines), the table of formats, and what the formats
 * share: the sweep command of a shard and YAML quoting. A new engine is a
 * file plan_<engine>.c and one entry in the table.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sweep.h"
#include "plan.h"
#include "shard.h"
#include "strbuf.h"
#include "sweeps.h"
#include "sweep_internal.h"
#include "banned.h"

#define PLAN_BIN_CHARS                                               \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	"/._+-,:@%="

static const struct plan_format formats[] = {
	{ .name = "gitlab-ci", .engine = "GitLab CI", .per_job = 200,
	  .write = plan_gitlab_ci, .write_parent = plan_gitlab_ci_parent },
	{ .name = "slurm", .engine = "Slurm", .per_job = 1000, .write = plan_slurm,
	  .flags = PLAN_WORKDIR },
	{ .name = "github", .engine = "GitHub Actions", .per_job = 256, .write = plan_github },
	/* An Indexed Job runs up to 100000 completions: SHARD_MAX. */
	{ .name = "k8s", .engine = "Kubernetes", .per_job = 0, .write = plan_k8s },
};

const struct plan_format *plan_format_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

void plan_format_names(struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		sb_printf(out, "%s%s", i ? ", " : "", formats[i].name);
}

long plan_chunks(long shards, long per_job)
{
	return per_job > 0 ? (shards + per_job - 1) / per_job : 1;
}

void plan_yaml_quote(struct strbuf *out, const char *s)
{
	sb_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(out, '\\');
		sb_putc(out, *s);
	}
	sb_putc(out, '"');
}

void plan_sweep_cmd(const struct plan_spec *sp, const char *db, const char *shard,
		    struct strbuf *cmd)
{
	sb_printf(cmd, "%s sweep --sweep-id %s --no-report --db %s", sp->bin, sp->uuid, db);
	if (shard)
		sb_printf(cmd, " --shard %s", shard);
	for (size_t i = 0; i < sp->pass->nr; i++) {
		/* Single quotes for the shell: option words carry no variables. */
		sb_putc(cmd, ' ');
		sb_shell_quote(cmd, sp->pass->v[i]);
	}
}

void plan_sweep_kept_status(const struct plan_spec *sp, const char *db, const char *shard,
			    const char *rcfile, struct strbuf *out)
{
	sb_puts(out, "rc=0; ");
	plan_sweep_cmd(sp, db, shard, out);
	sb_printf(out, " || rc=$?; echo \"$rc\" > %s; test \"$rc\" -le 1", rcfile);
}

void plan_merge_report_kept(const struct plan_spec *sp, struct strbuf *out)
{
	sb_printf(out,
		  "%s merge matrix.db shard-*.db || exit $?; rc=0; "
		  "%s report all --format html,md,json,junit --sweep %s --out report"
		  " --db matrix.db || rc=$?; "
		  "if [ \"$rc\" -eq 0 ] && grep -qvx 0 shard-*.rc; then "
		  "echo 'error: a shard'\\''s sweep exited 1 (shard-*.rc): see its log' >&2; "
		  "rc=1; fi; exit \"$rc\"",
		  sp->bin, sp->bin, sp->uuid);
}

static const char usage[] =
	"usage: virt-matrix plan --format FORMAT [--shards N] [--sweep-id UUID]\n"
	"                        [--bin PATH] [--tag TAG]... [--parent]\n"
	"                        [--workdir DIR] [--image REF] [--volume-claim NAME]\n"
	"                        [sweep options...]\n"
	"\n"
	"Writes (on stdout) what an engine needs to run one sweep on N machines:\n"
	"N shards of 'virt-matrix sweep --sweep-id UUID --no-report', each into\n"
	"a store of its own, then 'virt-matrix merge' of those stores and\n"
	"'virt-matrix report all' of the merged one.\n"
	"\n"
	"  --format gitlab-ci  a GitLab CI child pipeline: a 'sweep' job with\n"
	"                      'parallel: N' (CI_NODE_INDEX/CI_NODE_TOTAL), a\n"
	"                      'merge' and a 'report' job; over 200 shards, one\n"
	"                      sweep job per 200; with --parent, the parent\n"
	"                      pipeline for .gitlab-ci.yml: a 'plan' job that\n"
	"                      writes that child pipeline (a new sweep id on\n"
	"                      every run unless --sweep-id is given) and a\n"
	"                      trigger job that runs it\n"
	"  --format slurm      a POSIX sh script to run on a Slurm submit host:\n"
	"                      it submits (sbatch) a job array of N tasks\n"
	"                      (SLURM_ARRAY_TASK_ID) and a job that merges and\n"
	"                      reports once every task succeeded, and prints\n"
	"                      their ids; over 1000 shards, one array per 1000\n"
	"  --format github     a GitHub Actions workflow (workflow_dispatch,\n"
	"                      workflow_call) for self-hosted runners: a 'sweep'\n"
	"                      job of a matrix of shards (--shard K/N) keeping\n"
	"                      each store as an artifact, a 'merge' job that\n"
	"                      merges and reports; over 256 shards, one sweep job\n"
	"                      per 256\n"
	"  --format k8s        Kubernetes: an Indexed Job of N privileged pods\n"
	"                      (JOB_COMPLETION_INDEX, VIRT_MATRIX_SHARDS) with\n"
	"                      their stores on a shared volume, and a merge Job\n"
	"                      to apply once it is complete (kubectl apply -l\n"
	"                      virt-matrix/step=sweep, then =merge)\n"
	"  --shards N          machines (default 2)\n"
	"  --sweep-id UUID     the sweep's id (default: a new one)\n"
	"  --bin PATH          virt-matrix on the machines (default virt-matrix)\n"
	"  --parent            what the engine's own configuration holds to plan\n"
	"                      and start the sweep on each of its runs (gitlab-ci)\n"
	"  --tag TAG           runner tag (gitlab-ci), label (github) or partition\n"
	"                      (slurm) of every job; for k8s a node label\n"
	"                      KEY=VALUE of the sweep pods; repeatable\n"
	"  --workdir DIR       where the jobs run, a directory every machine\n"
	"                      shares (slurm; default: where the script is run)\n"
	"  --image REF         k8s: the pods' image, with virt-matrix, QEMU,\n"
	"                      libvirt and the builds under /opt (required)\n"
	"  --volume-claim NAME k8s: the ReadWriteMany claim the stores and the\n"
	"                      report go to (default virt-matrix)\n"
	"  --qemu V, --libvirt V, --scenario NAME, --installed, --from SOURCE,\n"
	"  --jobs N, --timeout SEC\n"
	"                      passed to every shard's sweep\n";

/* The options of `plan`. */
struct plan_opts {
	const char *format, *bin, *workdir;
	const char *image, *claim; /* k8s */
	char uuid[SWEEP_UUID_LEN + 1]; /* "" until given or made */
	long shards;
	int parent; /* --parent */
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
		{ "workdir", required_argument, NULL, 'w' },
		{ "image", required_argument, NULL, 'i' },
		{ "volume-claim", required_argument, NULL, 'c' },
		{ "parent", no_argument, NULL, 'p' },
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
		case 'w': o->workdir = optarg; break;
		case 'i': o->image = optarg; break;
		case 'c': o->claim = optarg; break;
		case 'p': o->parent = 1; break;
		case 'n':
			if (parse_long(optarg, 1, SHARD_MAX, &o->shards))
				return error("--shards wants a number from 1 to %d, not '%s'",
					     SHARD_MAX, optarg);
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
	if (!plan_format_find(o->format)) {
		struct strbuf names = STRBUF_INIT;

		plan_format_names(&names);
		error("--format wants one of %s, not '%s'", names.buf,
		      o->format ? o->format : "nothing");
		strbuf_release(&names);
		return -1;
	}
	if (o->workdir && !(plan_format_find(o->format)->flags & PLAN_WORKDIR))
		return error("--workdir is not for --format %s", o->format);
	/*
	 * The binary goes into every format's scripts as it is: a path of
	 * plain characters. A sweep option is quoted, but a line break in one
	 * could end a YAML scalar or a job script's here-document.
	 */
	if (!*o->bin || o->bin[strspn(o->bin, PLAN_BIN_CHARS)])
		return error("--bin '%s': a path of letters, digits and /._+-,:@%%=",
			     o->bin);
	if (o->parent && !plan_format_find(o->format)->write_parent)
		return error("--parent: format '%s' has no parent", o->format);
	for (size_t i = 0; i < o->pass.nr; i++)
		if (strpbrk(o->pass.v[i], "\n\r"))
			return error("'%s': a sweep option with a line break cannot go "
				     "into a plan", o->pass.v[i]);
	return 0;
}

/* The pipeline on stdout, with a new sweep id unless given: the exit status. */
static int plan_write(struct plan_opts *o)
{
	struct strbuf y = STRBUF_INIT;
	int ret, given = *o->uuid != '\0';

	if (!given && sweep_new_uuid(o->uuid))
		return 1;
	{
		const struct plan_format *f = plan_format_find(o->format);
		struct plan_spec sp = { .shards = o->shards, .uuid = o->uuid, .bin = o->bin,
					.pass = &o->pass, .tags = &o->tags,
					.image = o->image, .claim = o->claim,
					.workdir = o->workdir, .uuid_given = given };
		long chunks = plan_chunks(o->shards, f->per_job);

		if (chunks > 1 && !o->parent) /* the parent's plan job says it */
			info("%ld shards: %s runs at most %ld copies of one job, so the "
			     "plan has %ld sweep jobs",
			     o->shards, f->engine, f->per_job, chunks);
		if ((o->parent ? f->write_parent : f->write)(&sp, &y)) {
			strbuf_release(&y);
			return 1;
		}
	}
	fputs(y.buf, stdout);
	ret = flush_stdout() ? 1 : 0;
	strbuf_release(&y);
	return ret;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_opts o = { .bin = "virt-matrix", .claim = "virt-matrix", .shards = 2,
			       .pass = STRVEC_INIT, .tags = STRVEC_INIT };
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
