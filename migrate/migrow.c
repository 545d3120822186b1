/*
 * A migrations row's texts from a job's results (migrow.h).
 */
#include <stdlib.h>
#include <string.h>

#include "migrow.h"
#include "banned.h"

static json_object *argv_json(const struct strvec *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->nr; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

static const char *json_text(json_object *o)
{
	return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE)
		 : NULL;
}

/* QEMU's output, then the console: one log per side. */
static char *side_log(const struct result *r)
{
	struct strbuf l = STRBUF_INIT;

	strbuf_init(&l, 2 * LOG_MAX);
	sb_printf(&l, "%s%s--- console ---\n%s", r->stderr_text.buf,
		  r->stderr_text.len && r->stderr_text.buf[r->stderr_text.len - 1] != '\n'
			  ? "\n" : "",
		  r->serial.buf);
	return strbuf_detach(&l);
}

void mig_row_texts(struct mig_row *row, struct mig_row_texts *t,
		   const struct result *src, const struct result *dst)
{
	t->sargv = argv_json(&src->argv);
	t->dargv = argv_json(&dst->argv);
	t->slog = side_log(src);
	t->dlog = side_log(dst);
	row->src_argv = json_text(t->sargv);
	row->dst_argv = dst->argv.nr ? json_text(t->dargv) : NULL;
	row->checks = json_text(dst->checks);
	row->src_log = t->slog;
	row->dst_log = t->dlog;
}

void mig_row_texts_release(struct mig_row_texts *t)
{
	json_object_put(t->sargv);
	json_object_put(t->dargv);
	free(t->slog);
	free(t->dlog);
	memset(t, 0, sizeof(*t));
}
