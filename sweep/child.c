/*
 * The stages of sweep and bisect run as children: virt-matrix itself
 * with a subcommand (ark build, probe, run, report), through command.h,
 * so that each stage is isolated in its own process and process group,
 * bounded by a timeout, and stopped cleanly on Ctrl-C.
 */
#include <stdlib.h>
#include <string.h>

#include "sweep_internal.h"
#include "fs.h"
#include "paths.h"
#include "banned.h"

/* What the children need to find the same store, installs and data. */
static const char *const passed_env[] = {
	"VIRT_MATRIX_DB", "VIRT_MATRIX_ROOT", "VIRT_MATRIX_SPECS",
	"VIRT_MATRIX_PATCHES", "VIRT_MATRIX_SCENARIOS", "VIRT_MATRIX_CACHE",
	"VIRT_MATRIX_LOG_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME",
	"XDG_STATE_HOME", "http_proxy", "https_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
};

static int self_run(const struct strvec *args, double timeout, int quiet)
{
	struct command cmd;
	struct strbuf line = STRBUF_INIT;
	char *self;
	int ret;

	if (vm_interrupted)
		return -1;
	command_init(&cmd);
	self = paths_self_exec();
	strvec_push(&cmd.args, self);
	free(self);
	for (size_t i = 0; i < args->nr; i++)
		strvec_push(&cmd.args, args->v[i]);
	for (size_t i = 0; i < ARRAY_SIZE(passed_env); i++) {
		const char *v = getenv(passed_env[i]);

		if (v)
			strvec_pushf(&cmd.env, "%s=%s", passed_env[i], v);
	}
	cmd.out = quiet ? CMD_OUT_NULL : CMD_OUT_INHERIT;
	cmd.timeout = timeout;
	/* The runner removes guests, backends and run directories first. */
	cmd.term_grace = 60;
	strvec_join(args, &line);
	if (!quiet)
		info("> virt-matrix %s", line.buf);
	strbuf_release(&line);
	if (command_start(&cmd)) {
		command_release(&cmd);
		return -1;
	}
	if (command_wait(&cmd, timeout)) {
		struct strbuf d = STRBUF_INIT;

		command_describe(&cmd, &d);
		if (!vm_interrupted)
			error("'virt-matrix %s' %s", args->v[0], d.buf);
		strbuf_release(&d);
		command_release(&cmd);
		return -1;
	}
	ret = cmd.exited ? cmd.status : 128 + cmd.signal;
	command_release(&cmd);
	return ret;
}

int vm_self_run(const struct strvec *args, double timeout)
{
	return self_run(args, timeout, 0);
}

int vm_self_has(const char *command)
{
	struct strvec a = STRVEC_INIT;
	int rc;

	strvec_pushv(&a, (const char *const[]){ command, "--help", NULL });
	rc = self_run(&a, 60, 1);
	strvec_clear(&a);
	return rc == 0;
}

char *scenario_name_of(const char *arg)
{
	const char *base = path_basename(arg);

	if (ends_with(base, ".cfg"))
		return xstrndup(base, strlen(base) - 4);
	return xstrdup(base);
}
