/*
 * The renames the static vmstate check forgives (vmstatecheck.h):
 * specs/vmstate-renames lists device sections (QOM types), descriptions
 * and fields that QEMU renamed without changing what goes over the
 * wire, each with the reason and, where known, the QEMU commit. QEMU's
 * scripts/vmstate-static-checker.py keeps the same table in its code
 * (changed_names, get_changed_sec_name); here it is data, so that a
 * rename found in a new release is one line and a review, not a patch.
 * One entry per line (lib/lineparse.h: "double quotes" group words, #
 * starts a comment):
 *
 *   section OLD NEW reason="..." [commit=HASH]
 *   description SECTION OLD NEW reason="..." [commit=HASH]
 *   field DESCRIPTION OLD NEW reason="..." [commit=HASH]
 *
 * A mistake is reported with the file and line, and what was expected.
 */
#include <stdlib.h>
#include <string.h>

#include "vmstatecheck.h"
#include "fs.h"
#include "lineparse.h"
#include "paths.h"
#include "banned.h"

VM_ENUM_IMPL(vmstate_rename_kind, VMSTATE_RENAME_LAST, "section", "description",
	     "field");

/* What each kind takes before its key=value words. */
static const char *const forms[VMSTATE_RENAME_LAST] = {
	"section OLD NEW",
	"description SECTION OLD NEW",
	"field DESCRIPTION OLD NEW",
};

static void rename_release(struct vmstate_rename *r)
{
	free(r->scope);
	free(r->old_name);
	free(r->new_name);
	free(r->commit);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

void vmstate_renames_release(struct vmstate_renames *r)
{
	for (size_t i = 0; i < r->nr; i++)
		rename_release(&r->v[i]);
	free(r->v);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

static int is_commit(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return !s[n] && n >= 7 && n <= 40;
}

static int same_rename(const struct vmstate_rename *a,
		       const struct vmstate_rename *b)
{
	if (a->kind != b->kind || (a->scope && strcmp(a->scope, b->scope)))
		return 0;
	return (!strcmp(a->old_name, b->old_name) &&
		!strcmp(a->new_name, b->new_name)) ||
	       (!strcmp(a->old_name, b->new_name) &&
		!strcmp(a->new_name, b->old_name));
}

static int parse_line(struct line_iter *it, const struct strvec *words,
		      struct vmstate_rename *r)
{
	int kind = vmstate_rename_kind_from_string(words->v[0]);
	size_t names;

	r->line = it->lineno;
	if (kind < 0)
		return line_error(it, "unknown entry '%s'; expected section, "
				  "description or field", words->v[0]);
	r->kind = (enum vmstate_rename_kind)kind;
	names = r->kind == VMSTATE_RENAME_SECTION ? 2 : 3;
	if (words->nr < 1 + names)
		return line_error(it, "'%s' takes %zu names: %s reason=\"...\"",
				  words->v[0], names, forms[kind]);
	for (size_t i = 1; i <= names; i++) {
		const char *w = words->v[i];

		if (!*w)
			return line_error(it, "an empty name; expected %s",
					  forms[kind]);
		if (!strncmp(w, "reason=", 7) || !strncmp(w, "commit=", 7))
			return line_error(it, "'%s' where a name was expected: %s "
					  "reason=\"...\"", w, forms[kind]);
	}
	if (names == 3)
		r->scope = xstrdup(words->v[1]);
	r->old_name = xstrdup(words->v[names - 1]);
	r->new_name = xstrdup(words->v[names]);
	if (!strcmp(r->old_name, r->new_name))
		return line_error(it, "'%s' is renamed to itself", r->old_name);
	for (size_t i = 1 + names; i < words->nr; i++) {
		const char *w = words->v[i], *v;
		char **slot;

		if (skip_prefix(w, "reason=", &v))
			slot = &r->reason;
		else if (skip_prefix(w, "commit=", &v))
			slot = &r->commit;
		else
			return line_error(it, "'%s' after the names; expected "
					  "reason=\"...\" or commit=HASH (%s takes "
					  "%zu names)", w, words->v[0], names);
		if (*slot)
			return line_error(it, "'%.*s' given twice",
					  (int)(strchr(w, '=') - w), w);
		*slot = xstrdup(v);
	}
	if (!r->reason || !*r->reason)
		return line_error(it, "missing reason=\"...\": say why the rename "
				  "keeps the wire format");
	if (r->commit && !is_commit(r->commit))
		return line_error(it, "commit='%s' is not a commit hash (7 to 40 "
				  "lower-case hex digits)", r->commit);
	return 0;
}

int vmstate_renames_parse(const char *path, const char *text,
			  struct vmstate_renames *out)
{
	struct line_iter it;
	struct strvec words = STRVEC_INIT;
	size_t alloc = 0;
	int r, ret = 0;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	line_iter_init(&it, path, text);
	while ((r = line_iter_next(&it, &words)) == 1) {
		struct vmstate_rename *e;

		ALLOC_GROW(out->v, out->nr + 1, alloc);
		e = &out->v[out->nr];
		memset(e, 0, sizeof(*e));
		if (parse_line(&it, &words, e)) {
			rename_release(e);
			ret = -1;
			break;
		}
		for (size_t i = 0; i < out->nr; i++)
			if (same_rename(&out->v[i], e)) {
				line_error(&it, "the same rename as line %d",
					   out->v[i].line);
				rename_release(e);
				ret = -1;
				break;
			}
		if (ret)
			break;
		out->nr++;
	}
	if (r < 0)
		ret = -1;
	line_iter_release(&it);
	strvec_clear(&words);
	if (ret)
		vmstate_renames_release(out);
	return ret;
}

int vmstate_renames_load(const char *path, struct vmstate_renames *out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(out, 0, sizeof(*out));
	if (data_file_read(path, &sb)) {
		strbuf_release(&sb);
		return -1;
	}
	ret = vmstate_renames_parse(path, sb.buf, out);
	strbuf_release(&sb);
	return ret;
}

int vmstate_renames_load_default(struct vmstate_renames *out)
{
	char *dir = paths_data_dir("specs");
	struct strbuf p = STRBUF_INIT;
	int ret;

	sb_printf(&p, "%s/vmstate-renames", dir);
	ret = vmstate_renames_load(p.buf, out);
	free(dir);
	strbuf_release(&p);
	return ret;
}
