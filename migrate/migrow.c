/*
 * A migrations row's texts from a job's results (migrow.h).
 */
#include <stdlib.h>
#include <string.h>

#include "migrow.h"
#include "banned.h"

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
	t->sargv = strvec_json(&src->argv);
	t->dargv = strvec_json(&dst->argv);
	t->slog = side_log(src);
	t->dlog = side_log(dst);
	row->src_argv = json_plain(t->sargv);
	row->dst_argv = dst->argv.nr ? json_plain(t->dargv) : NULL;
	row->checks = json_plain(dst->checks);
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
