/*
 * The options of `virt-matrix sweep` (sweep.c), also checked for `plan`
 * (plan.c), which passes them on to every shard. They are a table:
 * each row says whether an option is a repeatable word, a flag, a string
 * kept as given, or a value whose check and refusal the row names.
 */
#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "sweep_internal.h"
#include "sweeps.h"
#include "banned.h"

void sweep_opts_release(struct sweep_opts *o)
{
	strvec_clear(&o->resumed);
	strvec_clear(&o->qemus);
	strvec_clear(&o->libvirts);
	strvec_clear(&o->scenarios);
}

/* The options with a value to check: 0, or -1 (not reported) when bad. */
static int set_uuid(struct sweep_opts *o, const char *arg)
{
	o->uuid = arg;
	return sweep_uuid_valid(arg) ? 0 : -1;
}

static int set_shard(struct sweep_opts *o, const char *arg)
{
	o->shard_given = 1;
	return shard_parse(arg, &o->shard);
}

static int set_jobs(struct sweep_opts *o, const char *arg)
{
	long l;

	o->jobs = arg;
	return parse_long(arg, 1, 64, &l);
}

static int set_timeout(struct sweep_opts *o, const char *arg)
{
	long l;

	o->timeout = arg;
	return parse_long(arg, 1, 86400, &l);
}

static int set_from(struct sweep_opts *o, const char *arg)
{
	o->from = arg;
	return strcmp(arg, "auto") && strcmp(arg, "upstream") && strcmp(arg, "debian")
		       ? -1
		       : 0;
}

enum opt_kind { OPT_LIST, OPT_FLAG, OPT_STRING, OPT_CHECKED };

/*
 * sweep's options: a word repeated into a list, a flag, a string kept as
 * given, or a value that set() checks, refused as "--NAME wants WANTS".
 */
static const struct sweep_option {
	const char *name;
	enum opt_kind kind;
	size_t off; /* of the member in struct sweep_opts */
	int (*set)(struct sweep_opts *o, const char *arg);
	const char *wants;
	int letter; /* its short option, or 0 */
} sweep_options[] = {
	{ "qemu", OPT_LIST, offsetof(struct sweep_opts, qemus), NULL, NULL, 0 },
	{ "libvirt", OPT_LIST, offsetof(struct sweep_opts, libvirts), NULL, NULL, 0 },
	{ "scenario", OPT_LIST, offsetof(struct sweep_opts, scenarios), NULL, NULL, 0 },
	{ "installed", OPT_FLAG, offsetof(struct sweep_opts, installed), NULL, NULL, 0 },
	{ "no-import", OPT_FLAG, offsetof(struct sweep_opts, no_import), NULL, NULL, 0 },
	{ "sweep-id", OPT_CHECKED, 0, set_uuid,
	  "a uuid such as '0f3c2a4e-8d1b-4c7e-9a52-1b2c3d4e5f60'", 0 },
	{ "resume", OPT_FLAG, offsetof(struct sweep_opts, resume), NULL, NULL, 0 },
	{ "shard", OPT_CHECKED, 0, set_shard, "K/N with 1 <= K <= N", 0 },
	{ "jobs", OPT_CHECKED, 0, set_jobs, "a number from 1 to 64", 'j' },
	{ "timeout", OPT_CHECKED, 0, set_timeout, "seconds from 1 to 86400", 0 },
	{ "from", OPT_CHECKED, 0, set_from, "auto, upstream or debian", 0 },
	{ "report-dir", OPT_STRING, offsetof(struct sweep_opts, report_dir), NULL, NULL, 0 },
	{ "no-report", OPT_FLAG, offsetof(struct sweep_opts, no_report), NULL, NULL, 0 },
	{ "no-migrate", OPT_FLAG, offsetof(struct sweep_opts, no_migrate), NULL, NULL, 0 },
	{ "corpus", OPT_FLAG, offsetof(struct sweep_opts, corpus), NULL, NULL, 0 },
	{ "db", OPT_STRING, offsetof(struct sweep_opts, db), NULL, NULL, 0 },
};

#define OPT_HELP 'h'
#define OPT_BASE 256 /* getopt's value of sweep_options[i]: OPT_BASE + i */

/* sweep_options[] for getopt_long, into out (ARRAY_SIZE + 2 entries). */
static void long_options(struct option *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sweep_options); i++) {
		const struct sweep_option *so = &sweep_options[i];

		out[i] = (struct option){ so->name,
					  so->kind == OPT_FLAG ? no_argument : required_argument,
					  NULL, OPT_BASE + (int)i };
	}
	out[i++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	out[i] = (struct option){ NULL, 0, NULL, 0 };
}

/* The row of sweep_options[] of getopt's c, or NULL. */
static const struct sweep_option *option_of(int c)
{
	for (size_t i = 0; i < ARRAY_SIZE(sweep_options); i++)
		if (c == OPT_BASE + (int)i || (c && c == sweep_options[i].letter))
			return &sweep_options[i];
	return NULL;
}

/* Option so with arg into o: 0, or -1 after reporting. */
static int set_option(struct sweep_opts *o, const struct sweep_option *so, const char *arg)
{
	char *member = (char *)o + so->off;

	switch (so->kind) {
	case OPT_LIST:
		strvec_push((struct strvec *)(void *)member, arg);
		return 0;
	case OPT_FLAG:
		*(int *)(void *)member = 1;
		return 0;
	case OPT_STRING:
		*(const char **)(void *)member = arg;
		return 0;
	case OPT_CHECKED:
		break;
	}
	if (so->set(o, arg))
		return error("--%s wants %s, not '%s'", so->name, so->wants, arg);
	return 0;
}

int sweep_opts_parse(struct sweep_opts *o, int argc, char **argv)
{
	struct option longopts[ARRAY_SIZE(sweep_options) + 2];
	const struct sweep_option *so;
	int c;

	long_options(longopts);
	optind = 0;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		if (c == OPT_HELP)
			return 1;
		so = option_of(c);
		if (!so || set_option(o, so, optarg))
			return -1;
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	if (o->resume && o->uuid)
		return error("--resume continues the newest unfinished sweep; "
			     "--sweep-id names one: give one of them");
	return 0;
}

int sweep_args_check(const struct strvec *args)
{
	struct sweep_opts o;
	struct strvec a = STRVEC_INIT;
	int rc;

	memset(&o, 0, sizeof(o));
	strvec_push(&a, "sweep");
	for (size_t i = 0; i < args->nr; i++)
		strvec_push(&a, args->v[i]);
	rc = sweep_opts_parse(&o, (int)a.nr, (char **)a.v);
	sweep_opts_release(&o);
	strvec_clear(&a);
	return rc < 0 ? -1 : 0;
}
