/*
 * Reading a -dump-vmstate description (vmstatecheck.h) into plain
 * structs for the static vmstate check. The dump comes from a QEMU
 * binary, or from whoever wrote the file: it is parsed with a cap on
 * its size and depth, and every member the check uses is checked for
 * its type and range before it is kept, so that the check itself never
 * meets a surprise. A mistake is reported with the path of the member,
 * "e1000".Description.Fields[3].size, the way a reader would find it.
 *
 * QEMU writes (migration/savevm.c, dump_vmstate_json_to_file):
 *   { "vmschkmachine": { "Name": MACHINE },
 *     QOM-TYPE: { "Name": QOM-TYPE, "version_id": N,
 *                 "minimum_version_id": N, "Description": DESC }, ... }
 *   DESC = { "name": S, "version_id": N, "minimum_version_id": N,
 *            "Fields": [ { "field": S, "version_id": N,
 *                          "field_exists": BOOL, "num": N (arrays, 8.1+),
 *                          "size": N, "Description": DESC (structs) } ],
 *            "Subsections": [ DESC, ... ] }
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vmstatecheck.h"
#include "fs.h"
#include "banned.h"

/*
 * JSON nesting: deep enough for any real dump (about 17 levels: a
 * struct field's description is 3 below its own), and a bound on the
 * recursion of the parser and of the check.
 */
#define DUMP_MAX_DEPTH 64
/* A field's bytes, alone or times its number of elements. */
#define FIELD_MAX_SIZE (1LL << 48)

struct parser {
	const char *what;
	struct strbuf where; /* the JSON path of the member being read */
};

static int bad(struct parser *p, const char *fmt, ...) VM_PRINTF(2, 3);

static int bad(struct parser *p, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, esc = STRBUF_INIT, w = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (strbuf_vaddf(&msg, fmt, ap))
		die("cannot format an error about '%s'", p->what);
	va_end(ap);
	error("%s: %s: %s", p->what, str_printable(&w, p->where.buf, p->where.len, 200),
	      str_printable(&esc, msg.buf, msg.len, 0));
	strbuf_release(&msg);
	strbuf_release(&esc);
	strbuf_release(&w);
	return -1;
}

static const char *type_name(json_object *o)
{
	return o ? json_type_to_name(json_object_get_type(o)) : "null";
}

/* Appends ".name" (or "name" at the start) to the path; returns the old length. */
static size_t enter(struct parser *p, const char *name)
{
	size_t len = p->where.len;

	sb_printf(&p->where, "%s%s", len ? "." : "", name);
	return len;
}

static size_t enter_index(struct parser *p, size_t i)
{
	size_t len = p->where.len;

	sb_printf(&p->where, "[%zu]", i);
	return len;
}

static void leave(struct parser *p, size_t len)
{
	strbuf_setlen(&p->where, len);
}

static int get_string(struct parser *p, json_object *o, const char *key,
		      char **out)
{
	size_t len = enter(p, key);
	int n;

	if (!json_object_is_type(o, json_type_string))
		return bad(p, "expected a string, got %s", type_name(o));
	n = json_object_get_string_len(o);
	if (n < 0 || memchr(json_object_get_string(o), '\0', (size_t)n))
		return bad(p, "a name with a NUL byte");
	*out = xstrndup(json_object_get_string(o), (size_t)n);
	leave(p, len);
	return 0;
}

static int get_int(struct parser *p, json_object *o, const char *key,
		   long long min, long long max, long long *out)
{
	size_t len = enter(p, key);
	long long v;

	if (!json_object_is_type(o, json_type_int))
		return bad(p, "expected an integer, got %s", type_name(o));
	/* json-c clamps what does not fit in 64 bits, beyond any max here. */
	v = (long long)json_object_get_int64(o);
	if (v < min || v > max)
		return bad(p, "%s is out of range (%lld to %lld)",
			   json_object_to_json_string(o), min, max);
	*out = v;
	leave(p, len);
	return 0;
}

static int get_int32(struct parser *p, json_object *o, const char *key, int *out)
{
	long long v;

	if (get_int(p, o, key, INT_MIN, INT_MAX, &v))
		return -1;
	*out = (int)v;
	return 0;
}

static int get_array(struct parser *p, json_object *o, const char *key)
{
	if (!json_object_is_type(o, json_type_array)) {
		size_t len = enter(p, key);

		bad(p, "expected an array, got %s", type_name(o));
		leave(p, len);
		return -1;
	}
	return 0;
}

static int need(struct parser *p, int have, const char *key)
{
	return have ? 0 : bad(p, "no %s", key);
}

static void add_member(unsigned char *members, size_t *nr, enum vmstate_member m)
{
	for (size_t i = 0; i < *nr; i++)
		if (members[i] == m)
			return;
	members[(*nr)++] = (unsigned char)m;
}

static void desc_release(struct vmstate_desc *d);

static void field_release(struct vmstate_field *f)
{
	free(f->name);
	if (f->desc) {
		desc_release(f->desc);
		free(f->desc);
	}
}

static void desc_release(struct vmstate_desc *d)
{
	free(d->name);
	for (size_t i = 0; i < d->nr_fields; i++)
		field_release(&d->fields[i]);
	free(d->fields);
	for (size_t i = 0; i < d->nr_subs; i++)
		desc_release(&d->subs[i]);
	free(d->subs);
	free(d->sub_index);
	memset(d, 0, sizeof(*d));
}

/* Sorting positions by name: the names of the array being sorted. */
struct by_name {
	size_t i;
	const char *name;
};

static int cmp_by_name(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Positions 0..n-1 sorted by name(i), then by position (malloc'd). */
static size_t *name_index(size_t n, const char *(*name)(const void *, size_t),
			  const void *arg)
{
	struct by_name *t = xcalloc(n + 1, sizeof(*t));
	size_t *index = xcalloc(n + 1, sizeof(*index));

	for (size_t i = 0; i < n; i++) {
		t[i].i = i;
		t[i].name = name(arg, i);
	}
	sort_array(t, n, sizeof(*t), cmp_by_name);
	for (size_t i = 0; i < n; i++)
		index[i] = t[i].i;
	free(t);
	return index;
}

static const char *sub_name(const void *arg, size_t i)
{
	return ((const struct vmstate_desc *)arg)->subs[i].name;
}

static const char *section_id(const void *arg, size_t i)
{
	return ((const struct vmstate_dump *)arg)->v[i].id;
}

static int parse_desc(struct parser *p, json_object *o,
		      struct vmstate_desc *d);

static int parse_field(struct parser *p, json_object *o,
		       struct vmstate_field *f)
{
	int have_name = 0, have_version = 0, have_size = 0;

	f->field_exists = -1;
	f->num = -1;
	if (!json_object_is_type(o, json_type_object))
		return bad(p, "expected an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "field")) {
			if (get_string(p, val, key, &f->name))
				return -1;
			have_name = 1;
		} else if (!strcmp(key, "version_id")) {
			if (get_int32(p, val, key, &f->version_id))
				return -1;
			have_version = 1;
		} else if (!strcmp(key, "field_exists")) {
			size_t len = enter(p, key);

			if (!json_object_is_type(val, json_type_boolean))
				return bad(p, "expected true or false, got %s",
					   type_name(val));
			f->field_exists = json_object_get_boolean(val) ? 1 : 0;
			leave(p, len);
		} else if (!strcmp(key, "size")) {
			if (get_int(p, val, key, 0, FIELD_MAX_SIZE, &f->size))
				return -1;
			have_size = 1;
		} else if (!strcmp(key, "num")) {
			if (get_int(p, val, key, 0, INT_MAX, &f->num))
				return -1;
		} else if (!strcmp(key, "Description")) {
			size_t len = enter(p, key);

			f->desc = xcalloc(1, sizeof(*f->desc));
			if (parse_desc(p, val, f->desc))
				return -1;
			leave(p, len);
		}
	}
	if (need(p, have_name, "field") || need(p, have_version, "version_id") ||
	    need(p, have_size, "size"))
		return -1;
	if (f->num > 0 && f->size > FIELD_MAX_SIZE / f->num)
		return bad(p, "size %lld times num %lld is out of range (up to %lld)",
			   f->size, f->num, FIELD_MAX_SIZE);
	return 0;
}

static int parse_fields(struct parser *p, json_object *a,
			struct vmstate_desc *d)
{
	size_t n = json_object_array_length(a);

	d->fields = xcalloc(n + 1, sizeof(*d->fields));
	for (size_t i = 0; i < n; i++) {
		size_t len = enter_index(p, i);

		d->nr_fields = i + 1;
		if (parse_field(p, json_object_array_get_idx(a, i),
				&d->fields[i]))
			return -1;
		leave(p, len);
	}
	return 0;
}

static int parse_subsections(struct parser *p, json_object *a,
			     struct vmstate_desc *d)
{
	size_t n = json_object_array_length(a);

	d->subs = xcalloc(n + 1, sizeof(*d->subs));
	for (size_t i = 0; i < n; i++) {
		size_t len = enter_index(p, i);

		d->nr_subs = i + 1;
		if (parse_desc(p, json_object_array_get_idx(a, i),
			       &d->subs[i]))
			return -1;
		leave(p, len);
	}
	d->sub_index = name_index(d->nr_subs, sub_name, d);
	return 0;
}

static int parse_desc(struct parser *p, json_object *o,
		      struct vmstate_desc *d)
{
	int have_version = 0;

	if (!json_object_is_type(o, json_type_object))
		return bad(p, "expected an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val) {
		size_t len;

		if (!strcmp(key, "name")) {
			if (get_string(p, val, key, &d->name))
				return -1;
			add_member(d->members, &d->nr_members, VMSTATE_M_NAME);
		} else if (!strcmp(key, "version_id")) {
			if (get_int32(p, val, key, &d->version_id))
				return -1;
			have_version = 1;
			add_member(d->members, &d->nr_members, VMSTATE_M_VERSION);
		} else if (!strcmp(key, "minimum_version_id")) {
			if (get_int32(p, val, key, &d->minimum_version_id))
				return -1;
			d->has_minimum = 1;
			add_member(d->members, &d->nr_members, VMSTATE_M_MINIMUM);
		} else if (!strcmp(key, "Fields")) {
			if (get_array(p, val, key))
				return -1;
			len = enter(p, key);
			if (parse_fields(p, val, d))
				return -1;
			leave(p, len);
			d->has_fields = 1;
			add_member(d->members, &d->nr_members, VMSTATE_M_FIELDS);
		} else if (!strcmp(key, "Subsections")) {
			if (get_array(p, val, key))
				return -1;
			len = enter(p, key);
			if (parse_subsections(p, val, d))
				return -1;
			leave(p, len);
			d->has_subs = 1;
			add_member(d->members, &d->nr_members, VMSTATE_M_SUBSECTIONS);
		}
	}
	return need(p, d->name != NULL, "name") || need(p, have_version, "version_id")
		       ? -1 : 0;
}

static int parse_section(struct parser *p, const char *id, json_object *o,
			 struct vmstate_section *s)
{
	s->id = xstrdup(id);
	if (!json_object_is_type(o, json_type_object))
		return bad(p, "expected an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "Name")) {
			if (get_string(p, val, key, &s->name))
				return -1;
			add_member(s->members, &s->nr_members, VMSTATE_M_NAME);
		} else if (!strcmp(key, "version_id")) {
			if (get_int32(p, val, key, &s->version_id))
				return -1;
			s->has_version = 1;
			add_member(s->members, &s->nr_members, VMSTATE_M_VERSION);
		} else if (!strcmp(key, "minimum_version_id")) {
			if (get_int32(p, val, key, &s->minimum_version_id))
				return -1;
			s->has_minimum = 1;
			add_member(s->members, &s->nr_members, VMSTATE_M_MINIMUM);
		} else if (!strcmp(key, "Description")) {
			size_t len = enter(p, key);

			s->desc = xcalloc(1, sizeof(*s->desc));
			if (parse_desc(p, val, s->desc))
				return -1;
			leave(p, len);
			add_member(s->members, &s->nr_members, VMSTATE_M_DESCRIPTION);
		}
	}
	if (!strcmp(id, "vmschkmachine"))
		return need(p, s->name != NULL, "Name");
	return need(p, s->has_version, "version_id");
}

void vmstate_dump_release(struct vmstate_dump *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		struct vmstate_section *s = &d->v[i];

		free(s->id);
		free(s->name);
		if (s->desc) {
			desc_release(s->desc);
			free(s->desc);
		}
	}
	free(d->v);
	free(d->index);
	memset(d, 0, sizeof(*d));
}

int vmstate_dump_parse(const char *what, const char *json, size_t len,
		       struct vmstate_dump *out)
{
	struct parser p = { what, STRBUF_INIT };
	json_tokener *tok = NULL;
	json_object *root = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (len > VMSTATE_DUMP_MAX) {
		error("%s: %zu bytes, more than a vmstate dump may have (%u)",
		      what, len, VMSTATE_DUMP_MAX);
		goto out;
	}
	tok = json_tokener_new_ex(DUMP_MAX_DEPTH);
	if (!tok)
		die("out of memory");
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		error("%s: not JSON: %s at byte %zu", what,
		      e == json_tokener_continue ? "the text ends too early"
						 : json_tokener_error_desc(e),
		      json_tokener_get_parse_end(tok));
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (json[i] != ' ' && json[i] != '\n' && json[i] != '\t' &&
		    json[i] != '\r') {
			error("%s: more after the JSON object, at byte %zu", what, i);
			goto out;
		}
	if (!json_object_is_type(root, json_type_object)) {
		error("%s: expected a JSON object, got %s", what, type_name(root));
		goto out;
	}
	out->v = xcalloc((size_t)json_object_object_length(root) + 1,
			 sizeof(*out->v));
	{
		json_object_object_foreach(root, id, val) {
			strbuf_reset(&p.where);
			sb_printf(&p.where, "\"%s\"", id);
			out->nr++;
			if (parse_section(&p, id, val, &out->v[out->nr - 1]))
				goto out;
		}
	}
	out->index = name_index(out->nr, section_id, out);
	ret = 0;
out:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	strbuf_release(&p.where);
	if (ret)
		vmstate_dump_release(out);
	return ret;
}

int vmstate_dump_load(const char *path, struct vmstate_dump *out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(out, 0, sizeof(*out));
	if (read_regular_file(&sb, path, VMSTATE_DUMP_MAX)) {
		strbuf_release(&sb);
		return -1;
	}
	ret = vmstate_dump_parse(path, sb.buf, sb.len, out);
	strbuf_release(&sb);
	return ret;
}

/* The first of that name in index order: lower bound by (name, position). */
static size_t lower_bound(const size_t *index, size_t n, const char *name,
			  const char *(*get)(const void *, size_t), const void *arg)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(get(arg, index[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct vmstate_section *vmstate_dump_find(const struct vmstate_dump *d,
						 const char *id)
{
	size_t k = lower_bound(d->index, d->nr, id, section_id, d);

	return k < d->nr && !strcmp(d->v[d->index[k]].id, id) ? &d->v[d->index[k]]
							      : NULL;
}

const struct vmstate_desc *vmstate_desc_find_sub(const struct vmstate_desc *d,
						 const char *name, size_t *count)
{
	size_t k = lower_bound(d->sub_index, d->nr_subs, name, sub_name, d), n = 0;

	while (k + n < d->nr_subs && !strcmp(d->subs[d->sub_index[k + n]].name, name))
		n++;
	if (count)
		*count = n;
	return n ? &d->subs[d->sub_index[k]] : NULL;
}
