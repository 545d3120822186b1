/*
 * The streaming JSON writer (jsonw.h): json-c 0.16's pretty, spaced,
 * no-slash-escape text, written as it goes. The layout and the escaping
 * follow json-c's json_object_object_to_json_string,
 * json_object_array_to_json_string, json_escape_str and
 * json_object_double_to_json_string_format; tests/unit/test_jsonw.c
 * compares the two byte for byte.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonw.h"
#include "banned.h"

void jsonw_init(struct jsonw *w, struct strbuf *out)
{
	w->out = out;
	w->depth = 0;
	w->after_key = 0;
	w->array = 0;
	w->children = 0;
}

static unsigned long long top_bit(const struct jsonw *w)
{
	return 1ull << (w->depth - 1);
}

static void indent(struct jsonw *w, int level)
{
	static const char spaces[] = "                                "
				     "                                ";
	size_t n = 2 * (size_t)level;

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		sb_add(w->out, spaces, k);
		n -= k;
	}
}

/* What comes before a member of the current container: ",\n", indent. */
static void member(struct jsonw *w)
{
	if (w->children & top_bit(w))
		sb_add(w->out, ",\n", 2);
	w->children |= top_bit(w);
	indent(w, w->depth);
}

/* What comes before a value: nothing after a key or at the top. */
static void before_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->depth)
		return;
	if (!(w->array & top_bit(w)))
		die("jsonw: a value in an object without its key");
	member(w);
}

static void begin(struct jsonw *w, int array)
{
	before_value(w);
	if (w->depth == JSONW_MAX_DEPTH)
		die("jsonw: nested deeper than %d", JSONW_MAX_DEPTH);
	w->depth++;
	if (array)
		w->array |= top_bit(w);
	else
		w->array &= ~top_bit(w);
	w->children &= ~top_bit(w);
	sb_add(w->out, array ? "[\n" : "{\n", 2);
}

static void end(struct jsonw *w, int array)
{
	if (!w->depth || w->after_key || !(w->array & top_bit(w)) != !array)
		die("jsonw: %s closed where it was not open",
		    array ? "array" : "object");
	if (w->children & top_bit(w))
		sb_putc(w->out, '\n');
	w->depth--;
	indent(w, w->depth);
	sb_putc(w->out, array ? ']' : '}');
}

void jsonw_object_begin(struct jsonw *w)
{
	begin(w, 0);
}

void jsonw_object_end(struct jsonw *w)
{
	end(w, 0);
}

void jsonw_array_begin(struct jsonw *w)
{
	begin(w, 1);
}

void jsonw_array_end(struct jsonw *w)
{
	end(w, 1);
}

/* s[0..len) as json_escape_str writes it, without the quotes. */
static void escape(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* \b to \r by their letter; \v (0x0b) has none in JSON */
	static const char named[] = {'b', 't', 'n', 0, 'f', 'r'};
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		e[0] = '\\';
		if (c == '"' || c == '\\') {
			e[1] = (char)c;
		} else if (c >= '\b' && c <= '\r' && named[c - '\b']) {
			e[1] = named[c - '\b'];
		} else {
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 0xf];
			elen = 6;
		}
		if (i > start)
			sb_add(out, s + start, i - start);
		sb_add(out, e, elen);
		start = i + 1;
	}
	if (len > start)
		sb_add(out, s + start, len - start);
}

static void string_len(struct jsonw *w, const char *s, size_t len)
{
	before_value(w);
	sb_putc(w->out, '"');
	escape(w->out, s, len);
	sb_putc(w->out, '"');
}

void jsonw_key(struct jsonw *w, const char *key)
{
	if (!w->depth || w->after_key || (w->array & top_bit(w)))
		die("jsonw: key '%s' outside an object", key);
	member(w);
	sb_putc(w->out, '"');
	escape(w->out, key, strlen(key));
	sb_add(w->out, "\": ", 3);
	w->after_key = 1;
}

void jsonw_string(struct jsonw *w, const char *s)
{
	if (s)
		string_len(w, s, strlen(s));
	else
		jsonw_null(w);
}

void jsonw_int(struct jsonw *w, long long n)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u =
	    n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		*--p = '-';
	before_value(w);
	sb_add(w->out, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_size(struct jsonw *w, size_t n)
{
	jsonw_int(w, (long long)n);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void jsonw_double(struct jsonw *w, double d)
{
	char buf[128], *p;
	int size;

	if (isnan(d)) {
		size = snprintf(buf, sizeof(buf), "NaN");
	} else if (isinf(d)) {
		size = snprintf(buf, sizeof(buf),
				d > 0 ? "Infinity" : "-Infinity");
	} else {
		size = snprintf(buf, sizeof(buf), "%.17g", d);
		if (size < 0 || size >= (int)sizeof(buf) - 2)
			die("jsonw: cannot format a double");
		p = strchr(buf, ',');
		if (p)
			*p = '.';
		else
			p = strchr(buf, '.');
		if (!p && !strchr(buf, 'e') &&
		    (is_digit(buf[0]) || (buf[0] == '-' && is_digit(buf[1])))) {
			memcpy(buf + size, ".0", 3);
			size += 2;
		}
	}
	before_value(w);
	sb_add(w->out, buf, (size_t)size);
}

void jsonw_bool(struct jsonw *w, int b)
{
	before_value(w);
	if (b)
		sb_add(w->out, "true", 4);
	else
		sb_add(w->out, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	sb_add(w->out, "null", 4);
}

void jsonw_json(struct jsonw *w, struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		jsonw_null(w);
		break;
	case json_type_object:
		jsonw_object_begin(w);
		json_object_object_foreach(o, k, v)
		{
			jsonw_key(w, k);
			jsonw_json(w, v);
		}
		jsonw_object_end(w);
		break;
	case json_type_array:
		jsonw_array_begin(w);
		for (size_t i = 0; i < json_object_array_length(o); i++)
			jsonw_json(w, json_object_array_get_idx(o, i));
		jsonw_array_end(w);
		break;
	case json_type_string:
		string_len(w, json_object_get_string(o),
			   (size_t)json_object_get_string_len(o));
		break;
	case json_type_boolean:
		jsonw_bool(w, json_object_get_boolean(o));
		break;
	default:
		/* numbers: json-c keeps the text of a parsed double */
		before_value(w);
		sb_puts(w->out, json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE));
	}
}

void jsonw_strvec(struct jsonw *w, const struct strvec *v)
{
	jsonw_array_begin(w);
	for (size_t i = 0; i < v->nr; i++)
		jsonw_string(w, v->v[i]);
	jsonw_array_end(w);
}

void jsonw_kobject(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_object_begin(w);
}

void jsonw_karray(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_array_begin(w);
}

void jsonw_kstring(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_string(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, long long n)
{
	jsonw_key(w, key);
	jsonw_int(w, n);
}

void jsonw_ksize(struct jsonw *w, const char *key, size_t n)
{
	jsonw_key(w, key);
	jsonw_size(w, n);
}

void jsonw_kdouble(struct jsonw *w, const char *key, double d)
{
	jsonw_key(w, key);
	jsonw_double(w, d);
}

void jsonw_kbool(struct jsonw *w, const char *key, int b)
{
	jsonw_key(w, key);
	jsonw_bool(w, b);
}

void jsonw_knull(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_null(w);
}

void jsonw_kstrvec(struct jsonw *w, const char *key, const struct strvec *v)
{
	jsonw_key(w, key);
	jsonw_strvec(w, v);
}
