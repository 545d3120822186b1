/*
 * Default locations, relocatable: data files are found relative to the
 * running binary (/proc/self/exe), like git's RUNTIME_PREFIX.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "fs.h"
#include "strbuf.h"
#include "banned.h"

static char *env_or(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? path_absolute(v) : NULL;
}

char *paths_exe(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	return xstrdup(exe);
}

char *paths_self(void)
{
	const char *bin = getenv("VIRT_MATRIX_BIN");

	return bin && *bin ? path_absolute(bin) : paths_exe();
}

char *paths_self_exec(void)
{
	const char *bin = getenv("VIRT_MATRIX_BIN");

	return bin && *bin ? path_absolute(bin) : xstrdup("/proc/self/exe");
}

char *paths_data_dir(const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir, *env, *exe;

	env = env_or(!strcmp(what, "specs")	? "VIRT_MATRIX_SPECS"
		     : !strcmp(what, "patches") ? "VIRT_MATRIX_PATCHES"
						: "VIRT_MATRIX_SCENARIOS");
	if (env)
		return env;
	exe = paths_exe();
	if (exe) {
		dir = path_dirname(exe);
		free(exe);
		sb_printf(&sb, "%s/%s", dir, what);
		if (is_dir(sb.buf)) {
			free(dir);
			return strbuf_detach(&sb);
		}
		strbuf_reset(&sb);
		sb_printf(&sb, "%s/../share/virt-matrix/%s", dir, what);
		free(dir);
		if (is_dir(sb.buf)) {
			char *abs = path_absolute(sb.buf);

			strbuf_release(&sb);
			return abs;
		}
		strbuf_reset(&sb);
	}
	sb_printf(&sb, "/usr/local/share/virt-matrix/%s", what);
	return strbuf_detach(&sb);
}

char *paths_root(void)
{
	char *env = env_or("VIRT_MATRIX_ROOT");

	return env ? env : xstrdup("/opt");
}

static char *user_dir(const char *xdg, const char *fallback, const char *sub)
{
	const char *v = getenv(xdg), *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (v && *v)
		sb_printf(&sb, "%s/%s", v, sub);
	else
		sb_printf(&sb, "%s/%s/%s", home ? home : ".", fallback, sub);
	return strbuf_detach(&sb);
}

char *paths_cache_dir(void)
{
	char *env = env_or("VIRT_MATRIX_CACHE");

	if (env)
		return env;
	if (geteuid() == 0)
		return xstrdup("/var/cache/virt-matrix");
	return user_dir("XDG_CACHE_HOME", ".cache", "virt-matrix");
}

char *paths_log_dir(void)
{
	char *env = env_or("VIRT_MATRIX_LOG_DIR");

	if (env)
		return env;
	if (geteuid() == 0)
		return xstrdup("/var/log/virt-matrix");
	return user_dir("XDG_STATE_HOME", ".local/state", "virt-matrix/logs");
}

char *paths_zygote(void)
{
	static const char *const beside[] = {
		"virt-matrix-zygote.so", "../lib/virt-matrix/virt-matrix-zygote.so"
	};
	char *env = env_or("VIRT_MATRIX_ZYGOTE_SO");
	char *self, *dir;

	if (env)
		return access(env, R_OK) ? (free(env), NULL) : env;
	self = paths_self();
	if (!self)
		return NULL;
	dir = path_dirname(self);
	free(self);
	for (size_t i = 0; i < ARRAY_SIZE(beside); i++) {
		struct strbuf sb = STRBUF_INIT;

		sb_printf(&sb, "%s/%s", dir, beside[i]);
		if (!access(sb.buf, R_OK)) {
			char *abs = path_absolute(sb.buf);

			strbuf_release(&sb);
			free(dir);
			return abs;
		}
		strbuf_release(&sb);
	}
	free(dir);
	return NULL;
}
