/*
 * Acknowledged ABI differences: specs/abi-acks lists differences between
 * QEMU versions that are intentional, each with a reason. The ABI report
 * shows them as acknowledged (never hides them) and does not count them
 * as breaks for the exit status. One entry per line, key=value words:
 *
 *   machine=pc-* object=* property=rombar from=7.2 to=10.0
 *       old="1 (0x1)" new="-1 *" reason="..."
 *
 * machine, object, property, old and new are fnmatch(3) patterns (an
 * absent value matches as the empty string); from and to are version
 * ranges (lib/version.h) that the older and the newer version must be
 * in. Mistakes, a pattern that is not well-formed among them, are
 * reported with the file and the line.
 *
 * An entry whose object starts with "guest:" acknowledges differences
 * of the guest view (guest_report.c) and only those: the object is
 * "guest:" and the item's name (guest:acpi/DSDT, guest:pci/00:02.0),
 * the property the kind (changed, added, removed), and old and new
 * match the decoded lines the item lost and gained, joined by newlines:
 *
 *   machine=pc-q35-* object=guest:acpi/DSDT property=changed
 *       from=7.2 to=10.0 new="*Name (_S3_*" reason="..."
 *
 * Any other entry acknowledges QEMU-side differences only.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "builders.h"
#include "lineparse.h"
#include "banned.h"

static const char keys_expected[] =
	"machine, object, property, from, to, old, new or reason";

static void ack_release(struct rep_ack *a)
{
	free(a->machine);
	free(a->object);
	free(a->property);
	free(a->from_s);
	free(a->to_s);
	free(a->old_value);
	free(a->new_value);
	free(a->reason);
}

void rep_acks_release(struct rep_acks *a)
{
	for (size_t i = 0; i < a->nr; i++)
		ack_release(&a->v[i]);
	free(a->v);
	free(a->path);
	memset(a, 0, sizeof(*a));
}

/* The field of a named by key, or NULL when key is unknown. */
static char **field(struct rep_ack *a, const char *key)
{
	static const char *const names[] = { "machine", "object", "property",
					     "from",	"to",	  "old",
					     "new",	"reason" };
	char **const fields[] = { &a->machine, &a->object, &a->property,
				  &a->from_s,  &a->to_s,   &a->old_value,
				  &a->new_value, &a->reason };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(key, names[i]))
			return fields[i];
	return NULL;
}

/*
 * Why p is not a well-formed fnmatch(3) pattern (flags 0), or NULL. A
 * '[' must be closed by ']' (a ']' right after '[', '[!' or '[^' is a
 * member), a '[:class:]' must name a class, '[=' and '[.' must close,
 * and a '\\' must escape something. fnmatch itself would take an
 * unclosed '[' as a literal and never match what was meant.
 */
static const char *glob_problem(const char *p)
{
	static const char *const classes[] = { "alnum", "alpha", "blank", "cntrl",
					       "digit", "graph", "lower", "print",
					       "punct", "space", "upper", "xdigit" };

	for (; *p; p++) {
		const char *q;

		if (*p == '\\') {
			if (!*++p)
				return "a '\\' at the end escapes nothing";
			continue;
		}
		if (*p != '[')
			continue;
		q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		for (; *q != ']'; q++) {
			if (!*q)
				return "a '[' is not closed by ']'";
			if (*q == '\\' && q[1]) {
				q++;
			} else if (*q == '[' && (q[1] == ':' || q[1] == '=' || q[1] == '.')) {
				const char close[3] = { q[1], ']', '\0' };
				const char *end = strstr(q + 2, close);
				size_t k = 0;

				if (!end)
					return q[1] == ':' ? "a '[:' is not closed by ':]'"
					       : q[1] == '=' ? "a '[=' is not closed by '=]'"
							     : "a '[.' is not closed by '.]'";
				while (q[1] == ':' && k < ARRAY_SIZE(classes) &&
				       (strlen(classes[k]) != (size_t)(end - q - 2) ||
					strncmp(classes[k], q + 2, (size_t)(end - q - 2))))
					k++;
				if (k == ARRAY_SIZE(classes))
					return "'[:...:]' names no character class (alnum, alpha, "
					       "blank, cntrl, digit, graph, lower, print, punct, "
					       "space, upper or xdigit)";
				q = end + 1;
			}
		}
		p = q;
	}
	return NULL;
}

/* An object of the guest view ("guest:acpi/DSDT") or a pattern of them. */
static int is_guest(const char *object)
{
	return !strncmp(object, "guest:", 6);
}

static int parse_line(struct line_iter *it, struct strvec *words,
		      struct rep_ack *a)
{
	static const char *const required[] = { "machine", "property", "from",
						"to", "reason" };
	static const char *const patterns[] = { "machine", "object", "property",
						"old", "new" };

	memset(a, 0, sizeof(*a));
	a->line = it->lineno;
	for (size_t i = 0; i < words->nr; i++) {
		const char *w = words->v[i], *eq = strchr(w, '=');
		char *key, **f;

		if (!eq || eq == w)
			return line_error(it, "'%s' is not key=value; expected %s",
					  w, keys_expected);
		key = xstrndup(w, (size_t)(eq - w));
		f = field(a, key);
		if (!f) {
			line_error(it, "unknown key '%s'; expected %s", key,
				   keys_expected);
			free(key);
			return -1;
		}
		if (*f) {
			line_error(it, "'%s' given twice", key);
			free(key);
			return -1;
		}
		free(key);
		*f = xstrdup(eq + 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!*field(a, required[i]) || !**field(a, required[i]))
			return line_error(it, "missing %s=; an entry needs machine, "
					  "property, from, to and reason",
					  required[i]);
	if (!a->object)
		a->object = xstrdup("*");
	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		const char *v = *field(a, patterns[i]), *why = v ? glob_problem(v) : NULL;

		if (why)
			return line_error(it, "%s='%s' is not a pattern: %s", patterns[i], v,
					  why);
	}
	if (is_guest(a->object) && fnmatch(a->property, "changed", 0) &&
	    fnmatch(a->property, "added", 0) && fnmatch(a->property, "removed", 0))
		return line_error(it, "property='%s' matches no kind of guest-view "
				  "difference; expected changed, added or removed",
				  a->property);
	if (vrange_parse(a->from_s, &a->from))
		return line_error(it, "from='%s' is not a version range; expected %s",
				  a->from_s, VRANGE_FORMS);
	if (vrange_parse(a->to_s, &a->to))
		return line_error(it, "to='%s' is not a version range; expected %s",
				  a->to_s, VRANGE_FORMS);
	return 0;
}

int rep_acks_parse(const char *path, const char *text, struct rep_acks *out)
{
	struct line_iter it;
	struct strvec words = STRVEC_INIT;
	size_t alloc = 0;
	int r, ret = 0;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	line_iter_init(&it, path, text);
	while ((r = line_iter_next(&it, &words)) == 1) {
		ALLOC_GROW(out->v, out->nr + 1, alloc);
		if (parse_line(&it, &words, &out->v[out->nr])) {
			ack_release(&out->v[out->nr]);
			ret = -1;
			break;
		}
		out->nr++;
	}
	if (r < 0)
		ret = -1;
	line_iter_release(&it);
	strvec_clear(&words);
	if (ret)
		rep_acks_release(out);
	return ret;
}

int rep_acks_load(const char *path, struct rep_acks *out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(out, 0, sizeof(*out));
	if (data_file_read(path, &sb)) {
		strbuf_release(&sb);
		return -1;
	}
	ret = rep_acks_parse(path, sb.buf, out);
	strbuf_release(&sb);
	return ret;
}

static int match(const char *pattern, const char *s)
{
	return !pattern || !fnmatch(pattern, s ? s : "", 0);
}

static int in_range(const struct vrange *r, const char *name)
{
	struct version v;

	return !version_parse(name, &v) && vrange_contains(r, &v);
}

struct rep_ack *rep_acks_match(struct rep_acks *a, const char *machine,
			       const char *object, const char *property,
			       const char *from, const char *to,
			       const char *old_value, const char *new_value)
{
	for (size_t i = 0; i < a->nr; i++) {
		struct rep_ack *k = &a->v[i];

		if (is_guest(k->object) != is_guest(object))
			continue;
		if (match(k->machine, machine) && match(k->object, object) &&
		    match(k->property, property) && in_range(&k->from, from) &&
		    in_range(&k->to, to) && match(k->old_value, old_value) &&
		    match(k->new_value, new_value)) {
			k->used++;
			return k;
		}
	}
	return NULL;
}
