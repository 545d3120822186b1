/*
 * Parsing build recipes and evaluating them for one version. The
 * recipe hash is taken over the evaluated directives, so a change to a
 * line that does not apply to a version does not rebuild that version.
 */
#include <stdlib.h>
#include <string.h>

#include "recipe.h"
#include "fs.h"
#include "lineparse.h"
#include "banned.h"

static const char *const var_names[] = { "prefix", "version", "jobs",
					 "srcdir", "builddir" };

static const struct {
	const char *name;
	int min_args, max_args; /* max -1: any */
} directives[] = {
	{ "system", 1, 1 },    { "arg", 1, -1 },    { "unarg", 1, -1 },
	{ "env", 1, -1 },      { "require", 2, 2 }, { "bootstrap", 1, -1 },
	{ "binary", 1, 1 },    { "check", 1, -1 },
};

void recipe_release(struct recipe *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->v[i].range_text);
		free(r->v[i].directive);
		strvec_clear(&r->v[i].args);
	}
	free(r->v);
	free(r->app);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

static int check_vars(struct line_iter *it, const char *word)
{
	const char *p = word;

	while ((p = strstr(p, "${"))) {
		const char *end = strchr(p, '}');
		size_t n;
		int ok = 0;

		if (!end)
			return line_error(it, "unterminated '${' in '%s'", word);
		n = (size_t)(end - p - 2);
		for (size_t i = 0; i < ARRAY_SIZE(var_names); i++)
			if (strlen(var_names[i]) == n &&
			    !strncmp(p + 2, var_names[i], n))
				ok = 1;
		if (!ok)
			return line_error(it,
					  "unknown variable '%.*s'; expected "
					  "prefix, version, jobs, srcdir or "
					  "builddir",
					  (int)(end - p + 1), p);
		p = end + 1;
	}
	return 0;
}

static int check_line(struct line_iter *it, struct strvec *w)
{
	const char *d = w->v[1];
	int nargs = (int)w->nr - 2;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (!strcmp(d, directives[i].name))
			break;
	if (i == ARRAY_SIZE(directives))
		return line_error(it,
				  "unknown directive '%s'; expected system, "
				  "arg, unarg, env, require, bootstrap, "
				  "binary or check",
				  d);
	if (nargs < directives[i].min_args ||
	    (directives[i].max_args >= 0 && nargs > directives[i].max_args))
		return line_error(it, "'%s' takes %s%d argument%s, got %d", d,
				  directives[i].max_args < 0 ? "at least " : "",
				  directives[i].min_args,
				  directives[i].min_args == 1 ? "" : "s", nargs);
	if (!strcmp(d, "system") && strcmp(w->v[2], "configure") &&
	    strcmp(w->v[2], "meson"))
		return line_error(it,
				  "unknown build system '%s'; expected "
				  "configure or meson",
				  w->v[2]);
	if (!strcmp(d, "env"))
		for (size_t k = 2; k < w->nr; k++)
			if (!strchr(w->v[k], '=') || w->v[k][0] == '=')
				return line_error(it,
						  "env wants KEY=VALUE, got "
						  "'%s'",
						  w->v[k]);
	if (!strcmp(d, "require")) {
		struct vrange vr;

		if (vrange_parse(w->v[3], &vr))
			return line_error(it,
					  "'%s' is not a version range "
					  "(expected " VRANGE_FORMS ")",
					  w->v[3]);
	}
	if (!strcmp(d, "binary") && !path_is_contained(w->v[2]))
		return line_error(it,
				  "binary '%s' must be a path inside the "
				  "prefix, such as bin/qemu-system-x86_64",
				  w->v[2]);
	for (size_t k = 2; k < w->nr; k++)
		if (check_vars(it, w->v[k]))
			return -1;
	return 0;
}

int recipe_parse(struct recipe *r, const char *app, const char *path,
		 const char *text)
{
	struct strvec words = STRVEC_INIT;
	struct line_iter it;
	int rc, ret = -1;

	memset(r, 0, sizeof(*r));
	r->app = xstrdup(app);
	r->path = xstrdup(path);
	line_iter_init(&it, path, text);
	while ((rc = line_iter_next(&it, &words)) == 1) {
		struct recipe_line *l;

		if (words.nr < 2) {
			line_error(&it, "expected RANGE DIRECTIVE [ARG...]");
			goto out;
		}
		ALLOC_GROW(r->v, r->nr + 1, r->alloc);
		l = &r->v[r->nr];
		memset(l, 0, sizeof(*l));
		if (vrange_parse(words.v[0], &l->range)) {
			line_error(&it,
				   "'%s' is not a version range (expected "
				   VRANGE_FORMS ")",
				   words.v[0]);
			goto out;
		}
		if (check_line(&it, &words))
			goto out;
		l->range_text = xstrdup(words.v[0]);
		l->directive = xstrdup(words.v[1]);
		for (size_t i = 2; i < words.nr; i++)
			strvec_push(&l->args, words.v[i]);
		l->line = it.lineno;
		r->nr++;
	}
	if (rc == 0)
		ret = 0;
out:
	strvec_clear(&words);
	line_iter_release(&it);
	if (ret)
		recipe_release(r);
	return ret;
}

int recipe_load(struct recipe *r, const char *specs_dir, const char *app)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int ret;

	sb_printf(&path, "%s/%s.recipe", specs_dir, app);
	ret = data_file_read(path.buf, &text);
	if (!ret)
		ret = recipe_parse(r, app, path.buf, text.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

void build_plan_release(struct build_plan *p)
{
	free(p->system);
	free(p->binary);
	strvec_clear(&p->args);
	strvec_clear(&p->env);
	strvec_clear(&p->bootstrap);
	strvec_clear(&p->check);
	for (size_t i = 0; i < p->nrequires; i++) {
		free(p->requires[i].tool);
		free(p->requires[i].range_text);
	}
	free(p->requires);
	memset(p, 0, sizeof(*p));
}

static void set_single(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static void env_set(struct strvec *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; i < env->nr; i++)
		if (!strncmp(env->v[i], kv, klen) && env->v[i][klen] == '=') {
			strvec_remove(env, i);
			break;
		}
	strvec_push(env, kv);
}

int recipe_plan(const struct recipe *r, const char *version,
		struct build_plan *p)
{
	struct sha256 h;
	struct version v;

	memset(p, 0, sizeof(*p));
	if (version_parse(version, &v))
		return error("'%s' is not a version", version);
	sha256_init(&h);
	for (size_t i = 0; i < r->nr; i++) {
		const struct recipe_line *l = &r->v[i];
		const char *d = l->directive;

		if (!vrange_contains(&l->range, &v))
			continue;
		sha256_update(&h, d, strlen(d) + 1);
		for (size_t k = 0; k < l->args.nr; k++)
			sha256_update(&h, l->args.v[k],
				      strlen(l->args.v[k]) + 1);
		sha256_update(&h, "\n", 1);

		if (!strcmp(d, "system")) {
			set_single(&p->system, l->args.v[0]);
		} else if (!strcmp(d, "binary")) {
			set_single(&p->binary, l->args.v[0]);
		} else if (!strcmp(d, "arg")) {
			strvec_pushv(&p->args, l->args.v);
		} else if (!strcmp(d, "unarg")) {
			for (size_t k = 0; k < l->args.nr; k++)
				for (size_t j = p->args.nr; j-- > 0;)
					if (!strcmp(p->args.v[j], l->args.v[k]))
						strvec_remove(&p->args, j);
		} else if (!strcmp(d, "env")) {
			for (size_t k = 0; k < l->args.nr; k++)
				env_set(&p->env, l->args.v[k]);
		} else if (!strcmp(d, "bootstrap")) {
			strvec_clear(&p->bootstrap);
			strvec_pushv(&p->bootstrap, l->args.v);
		} else if (!strcmp(d, "check")) {
			strvec_clear(&p->check);
			strvec_pushv(&p->check, l->args.v);
		} else if (!strcmp(d, "require")) {
			struct tool_req *t;

			ALLOC_GROW(p->requires, p->nrequires + 1,
				   p->arequires);
			t = &p->requires[p->nrequires++];
			t->tool = xstrdup(l->args.v[0]);
			t->range_text = xstrdup(l->args.v[1]);
			if (vrange_parse(t->range_text, &t->range))
				die("recipe range checked at parse time");
		}
	}
	sha256_final_hex(&h, p->hash);
	if (!p->system || !p->binary) {
		error("%s: no '%s' line applies to %s %s", r->path,
		      p->system ? "binary" : "system", r->app, version);
		build_plan_release(p);
		return -1;
	}
	return 0;
}

char *recipe_expand(const char *s, const struct recipe_vars *vars)
{
	const char *values[ARRAY_SIZE(var_names)] = {
		vars->prefix, vars->version, vars->jobs, vars->srcdir,
		vars->builddir,
	};
	struct strbuf out = STRBUF_INIT;

	while (*s) {
		size_t i;

		if (s[0] == '$' && s[1] == '{') {
			for (i = 0; i < ARRAY_SIZE(var_names); i++) {
				size_t n = strlen(var_names[i]);

				if (!strncmp(s + 2, var_names[i], n) &&
				    s[2 + n] == '}' && values[i]) {
					sb_puts(&out, values[i]);
					s += n + 3;
					break;
				}
			}
			if (i < ARRAY_SIZE(var_names))
				continue;
		}
		sb_putc(&out, *s++);
	}
	return strbuf_detach(&out);
}
