/*
 * What a QMP reply must look like, and its members by type (qmp.h): a
 * reply from a QEMU of any commit, or of a binary someone imported, can
 * hold anything, so every reader checks a shape (qmp_reply_check) or
 * reads through the typed getters, never through json-c's conversions.
 * Messages quote a bounded, printable excerpt of what came back.
 */
#include <string.h>

#include "qmp.h"
#include "banned.h"

const struct qmp_shape qmp_shape_any = { QMP_ANY, NULL, NULL };
const struct qmp_shape qmp_shape_string = { json_type_string, NULL, NULL };
const struct qmp_shape qmp_shape_int = { json_type_int, NULL, NULL };
const struct qmp_shape qmp_shape_bool = { json_type_boolean, NULL, NULL };
const struct qmp_shape qmp_shape_object = { json_type_object, NULL, NULL };

static const char *type_name(int type)
{
	switch (type) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a floating-point number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

void qmp_excerpt_text(struct strbuf *sb, const char *text, size_t len)
{
	struct strbuf t = STRBUF_INIT;

	sb_puts(sb, str_printable(&t, text, len, QMP_EXCERPT));
	strbuf_release(&t);
}

void qmp_excerpt(struct strbuf *sb, json_object *v)
{
	const char *s = json_object_to_json_string_ext(
		v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	qmp_excerpt_text(sb, s, strlen(s));
}

/*
 * Checks v against s. loc is where v is in the reply ("" for the reply
 * itself, else e.g. "[3].name"); holder the object v is a member of, or
 * NULL. On a mismatch, why gets "LOC: what is wrong: 'excerpt'", the
 * excerpt being of the holder when there is one (which device, which
 * property), else of v.
 */
static int check_value(const struct qmp_shape *s, json_object *v,
		       json_object *holder, struct strbuf *loc,
		       struct strbuf *why)
{
	size_t at = loc->len;

	if (s->type != QMP_ANY && !json_object_is_type(v, (enum json_type)s->type)) {
		sb_printf(why, "%s%sexpected %s, got %s: '", loc->buf ? loc->buf : "",
			  loc->len ? ": " : "", type_name(s->type),
			  type_name(json_object_get_type(v)));
		qmp_excerpt(why, holder ? holder : v);
		sb_putc(why, '\'');
		return -1;
	}
	if (s->elem && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);

		for (size_t i = 0; i < n; i++) {
			sb_printf(loc, "[%zu]", i);
			if (check_value(s->elem, json_object_array_get_idx(v, i),
					NULL, loc, why))
				return -1;
			strbuf_setlen(loc, at);
		}
	}
	if (s->members && json_object_is_type(v, json_type_object)) {
		for (const struct qmp_member *m = s->members; m->key; m++) {
			json_object *mv = NULL;

			if (!json_object_object_get_ex(v, m->key, &mv)) {
				if (!m->required)
					continue;
				sb_printf(why, "%s%sno '%s' member: '",
					  loc->buf ? loc->buf : "",
					  loc->len ? ": " : "", m->key);
				qmp_excerpt(why, v);
				sb_putc(why, '\'');
				return -1;
			}
			sb_printf(loc, "%s%s", loc->len ? "." : "", m->key);
			if (check_value(m->shape, mv, v, loc, why))
				return -1;
			strbuf_setlen(loc, at);
		}
	}
	return 0;
}

int qmp_reply_check(const char *who, const char *cmd, json_object *reply,
		    const struct qmp_shape *shape, struct strbuf *err)
{
	struct strbuf loc = STRBUF_INIT, why = STRBUF_INIT;
	int r = check_value(shape, reply, NULL, &loc, &why);

	if (r && err)
		sb_printf(err, "qmp '%s': reply to '%s': %s", who, cmd, why.buf);
	else if (r)
		error("qmp '%s': reply to '%s': %s", who, cmd, why.buf);
	strbuf_release(&loc);
	strbuf_release(&why);
	return r;
}

int qmp_reply_check_cmd(const char *who, const char *cmd, json_object *reply,
			const struct qmp_reply_shape *shapes, size_t n,
			struct strbuf *err)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cmd, shapes[i].cmd))
			return qmp_reply_check(who, cmd, reply, &shapes[i].shape, err);
	if (!err)
		return error("probe '%s': no shape known for the reply to '%s'", who,
			     cmd);
	sb_printf(err, "probe '%s': no shape known for the reply to '%s'", who, cmd);
	return -1;
}

json_object *qmp_get(json_object *o, const char *key, int type)
{
	json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, (enum json_type)type))
		return NULL;
	return v;
}

const char *qmp_get_string(json_object *o, const char *key)
{
	json_object *v = qmp_get(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

int qmp_get_bool(json_object *o, const char *key)
{
	json_object *v = qmp_get(o, key, json_type_boolean);

	return v ? json_object_get_boolean(v) : 0;
}

long long qmp_get_int(json_object *o, const char *key, long long dflt)
{
	json_object *v = qmp_get(o, key, json_type_int);

	return v ? (long long)json_object_get_int64(v) : dflt;
}

size_t qmp_array_len(json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a)
						       : 0;
}
