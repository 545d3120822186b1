#ifndef ARK_RECIPE_H
#define ARK_RECIPE_H

/*
 * Build recipes: specs/<app>.recipe. Each line is
 *
 *	RANGE DIRECTIVE [WORD...]
 *
 * and applies to the versions in RANGE (see version.h: *, 7.2, 8.1..,
 * ..6.6, 5.2..7.2). Lines are applied in file order; for single-valued
 * directives the last matching line wins. Directives:
 *
 *	system configure|meson	how to build: ./configure + make, or
 *				meson setup + ninja (+ meson install)
 *	arg WORD...		configure / meson setup arguments
 *	unarg WORD...		drop arguments added by earlier lines
 *	env KEY=VALUE...	environment of every build step
 *	require TOOL RANGE	TOOL --version must report a version in RANGE
 *	bootstrap WORD...	command run in the source tree before configure
 *	binary PATH		the main binary, relative to the prefix
 *	check WORD...		smoke test after install; WORD 1 is relative
 *				to the prefix
 *
 * Words may use ${prefix}, ${version}, ${jobs}, ${srcdir}, ${builddir}.
 */

#include "strbuf.h"
#include "version.h"
#include "sha256.h"

struct recipe_line {
	struct vrange range;
	char *range_text;
	char *directive;
	struct strvec args;
	int line;
};

struct recipe {
	char *app;
	char *path;
	struct recipe_line *v;
	size_t nr, alloc;
};

struct tool_req {
	char *tool;
	char *range_text;
	struct vrange range;
};

/* What the recipe says for one version. */
struct build_plan {
	char *system; /* "configure" or "meson" */
	char *binary;
	struct strvec args;
	struct strvec env;
	struct strvec bootstrap;
	struct strvec check;
	struct tool_req *requires;
	size_t nrequires, arequires;
	/* sha256 of the effective directives: the recipe hash. */
	char hash[SHA256_HEX_LEN + 1];
};

struct recipe_vars {
	const char *prefix;
	const char *version;
	const char *jobs;
	const char *srcdir;
	const char *builddir;
};

int recipe_parse(struct recipe *r, const char *app, const char *path,
		 const char *text) VM_WUR;
int recipe_load(struct recipe *r, const char *specs_dir,
		const char *app) VM_WUR;
void recipe_release(struct recipe *r);

/*
 * The plan for version. Fails (reported) when the recipe gives no
 * 'system' or 'binary' for it.
 */
int recipe_plan(const struct recipe *r, const char *version,
		struct build_plan *out) VM_WUR;
void build_plan_release(struct build_plan *p);

/* s with ${...} variables replaced; malloc'd. Unknown names stay as they are. */
char *recipe_expand(const char *s, const struct recipe_vars *vars);

#endif
