/*
 * The streaming JSON writer of lib/jsonw.c against json-c itself: each
 * case is a value described as a list of steps, built once as a json-c
 * tree serialised the way the JSON report was (pretty, spaced, no slash
 * escape) and once through the writer; the bytes must be the same.
 * Strings with every control character, quotes, backslash, slash, DEL,
 * UTF-8 and invalid UTF-8; empty and nested empty containers; doubles;
 * large integers; null. Then parsed documents written through
 * jsonw_json(), and a few texts spelled out.
 */
#include <math.h>
#include <stdint.h>

#include <json-c/json.h>

#include "testutil.h"
#include "jsonw.h"

#define FLAGS                                                \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
	 JSON_C_TO_STRING_NOSLASHESCAPE)

enum step_kind { OBJ, ARR, END, KEY, STR, INT, SIZE, DBL, BOOL, NUL, STOP };

struct step {
	enum step_kind kind;
	const char *s; /* KEY, STR (NULL: null) */
	long long i;   /* INT, SIZE, BOOL */
	double d;      /* DBL */
};

#define S_OBJ                   \
	{                       \
		OBJ, NULL, 0, 0 \
	}
#define S_ARR                   \
	{                       \
		ARR, NULL, 0, 0 \
	}
#define S_END                   \
	{                       \
		END, NULL, 0, 0 \
	}
#define S_KEY(k)             \
	{                    \
		KEY, k, 0, 0 \
	}
#define S_STR(v)             \
	{                    \
		STR, v, 0, 0 \
	}
#define S_INT(v)                \
	{                       \
		INT, NULL, v, 0 \
	}
#define S_SIZE(v)                \
	{                        \
		SIZE, NULL, v, 0 \
	}
#define S_DBL(v)                \
	{                       \
		DBL, NULL, 0, v \
	}
#define S_BOOL(v)                \
	{                        \
		BOOL, NULL, v, 0 \
	}
#define S_NUL                   \
	{                       \
		NUL, NULL, 0, 0 \
	}
#define S_STOP                   \
	{                        \
		STOP, NULL, 0, 0 \
	}

#define CONTROLS                                                       \
	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" \
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"

struct jw_case {
	const char *name;
	struct step steps[32];
};

static const struct jw_case cases[] = {
    {"empty object", {S_OBJ, S_END, S_STOP}},
    {"empty array", {S_ARR, S_END, S_STOP}},
    {"nested empty",
     {S_OBJ,	  S_KEY("o"), S_OBJ, S_KEY("a"), S_ARR,	     S_END,
      S_KEY("e"), S_OBJ,      S_END, S_END,	 S_KEY("a"), S_ARR,
      S_OBJ,	  S_END,      S_ARR, S_END,	 S_ARR,	     S_ARR,
      S_END,	  S_END,      S_END, S_END,	 S_STOP}},
    {"every control character", {S_ARR, S_STR(CONTROLS), S_END, S_STOP}},
    {"quotes, backslash, slash, DEL",
     {S_OBJ, S_KEY("k\"/\\\x7f"),
      S_STR("a\"b\\c/d\x7f"
	    "e//"),
      S_END, S_STOP}},
    {"UTF-8 and invalid UTF-8",
     {S_ARR, S_STR("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
      S_STR("\xff\xfe \xc3 \x80\x80 \xed\xa0\x80 \xf8\x88\x80\x80\x80"), S_END,
      S_STOP}},
    {"control characters in a key",
     {S_OBJ, S_KEY("\t\n" CONTROLS), S_NUL, S_END, S_STOP}},
    {"escapes between plain text",
     {S_ARR, S_STR("\nx"), S_STR("x\n"), S_STR("a\tb\rc\bd\fe\x1f"), S_STR(""),
      S_END, S_STOP}},
    {"doubles",
     {S_ARR, S_DBL(0), S_DBL(1), S_DBL(0.5), S_DBL(1e-7), S_DBL(123456789.123),
      S_DBL(-0.0), S_DBL(-2.5), S_DBL(1e16), S_DBL(1e17), S_DBL(1e300),
      S_DBL(0.1), S_DBL(12.0), S_DBL(NAN), S_DBL(INFINITY), S_DBL(-INFINITY),
      S_DBL(5e-324), S_END, S_STOP}},
    {"integers",
     {S_ARR, S_INT(0), S_INT(-1), S_INT(42), S_INT(INT64_MAX), S_INT(INT64_MIN),
      S_INT(2147483648LL), S_SIZE(0), S_SIZE(4294967296LL), S_END, S_STOP}},
    {"null, booleans and null strings",
     {S_OBJ, S_KEY("n"), S_NUL, S_KEY("t"), S_BOOL(1), S_KEY("f"), S_BOOL(0),
      S_KEY("s"), S_STR(NULL), S_KEY("a"), S_ARR, S_NUL, S_STR(NULL), S_BOOL(1),
      S_END, S_END, S_STOP}},
    {"a report-like record",
     {S_OBJ,
      S_KEY("schema"),
      S_STR("virt-matrix-report/1"),
      S_KEY("cells"),
      S_ARR,
      S_OBJ,
      S_KEY("run"),
      S_INT(7),
      S_KEY("seconds"),
      S_DBL(3.25),
      S_KEY("previous"),
      S_OBJ,
      S_KEY("status"),
      S_STR("pass"),
      S_END,
      S_KEY("log"),
      S_STR("logs/7.log"),
      S_END,
      S_OBJ,
      S_END,
      S_END,
      S_KEY("parts"),
      S_ARR,
      S_STR("abi"),
      S_END,
      S_END,
      S_STOP}},
    {"a scalar at the top", {S_STR("top/level"), S_STOP}},
    {"null at the top", {S_NUL, S_STOP}},
    {"a double at the top", {S_DBL(2), S_STOP}},
};

/* The case built as a json-c tree: a stack of open containers. */
static json_object *build_tree(const struct step *st)
{
	json_object *stack[16], *root = NULL;
	const char *key = NULL;
	int depth = 0;

	for (; st->kind != STOP; st++) {
		json_object *v = NULL;

		switch (st->kind) {
		case END:
			depth--;
			continue;
		case KEY:
			key = st->s;
			continue;
		case OBJ:
			v = json_object_new_object();
			break;
		case ARR:
			v = json_object_new_array();
			break;
		case STR:
			v = st->s ? json_object_new_string(st->s) : NULL;
			break;
		case INT:
			v = json_object_new_int64(st->i);
			break;
		case SIZE:
			v = json_object_new_int64((int64_t)(size_t)st->i);
			break;
		case DBL:
			v = json_object_new_double(st->d);
			break;
		case BOOL:
			v = json_object_new_boolean(st->i);
			break;
		default:
			break;
		}
		if (!depth)
			root = v;
		else if (json_object_is_type(stack[depth - 1], json_type_array))
			json_object_array_add(stack[depth - 1], v);
		else
			json_object_object_add(stack[depth - 1], key, v);
		if (st->kind == OBJ || st->kind == ARR)
			stack[depth++] = v;
	}
	return root;
}

static void write_steps(struct jsonw *w, const struct step *st)
{
	for (; st->kind != STOP; st++) {
		switch (st->kind) {
		case OBJ:
			jsonw_object_begin(w);
			break;
		case ARR:
			jsonw_array_begin(w);
			break;
		case END:
			/* the writer knows which it closes; so must its caller
			 */
			if (w->array & (1ull << (w->depth - 1)))
				jsonw_array_end(w);
			else
				jsonw_object_end(w);
			break;
		case KEY:
			jsonw_key(w, st->s);
			break;
		case STR:
			jsonw_string(w, st->s);
			break;
		case INT:
			jsonw_int(w, st->i);
			break;
		case SIZE:
			jsonw_size(w, (size_t)st->i);
			break;
		case DBL:
			jsonw_double(w, st->d);
			break;
		case BOOL:
			jsonw_bool(w, (int)st->i);
			break;
		case NUL:
			jsonw_null(w);
			break;
		default:
			break;
		}
	}
}

static void test_same_as_json_c(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct jw_case *c = &cases[i];
		json_object *tree = build_tree(c->steps);
		const char *want =
		    tree ? json_object_to_json_string_ext(tree, FLAGS) : "null";
		struct strbuf got = STRBUF_INIT;
		struct jsonw w;

		jsonw_init(&w, &got);
		write_steps(&w, c->steps);
		if (w.depth || strcmp(got.buf, want))
			fail_msg("case '%s' (depth left %d): got\n%s\nwant\n%s",
				 c->name, w.depth, got.buf, want);
		strbuf_release(&got);
		json_object_put(tree);
	}
}

/* Parsed documents, written back through jsonw_json() at some depth. */
static const struct {
	const char *name, *text;
} parsed[] = {
    {"an argv", "[\"/usr/bin/qemu-system-x86_64\", \"-machine\", "
		"\"pc-q35-7.2,accel=kvm\"]"},
    {"nested, with empty containers",
     "{\"a\": {}, \"b\": [], \"c\": [{}, [[]], null]}"},
    {"numbers keep their text",
     "[1.50, 1e2, -0, 0.1, 18446744073709551615, -9223372036854775808, 3]"},
    {"escapes and a NUL in a string",
     "[\"a\\u0000b\", \"\\/\\\"\\\\\\u007f\\u00e9\", true, false]"},
    {"a scalar", "\"x\""},
};

static void test_json_value(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parsed); i++) {
		json_object *o = json_tokener_parse(parsed[i].text);
		json_object *outer = json_object_new_object(),
			    *mid = json_object_new_array();
		struct strbuf got = STRBUF_INIT;
		struct jsonw w;

		if (!o && strcmp(parsed[i].text, "null"))
			fail_msg("case '%s': json-c cannot parse it",
				 parsed[i].name);
		/* the same value inside {"k": [ value ]} both ways */
		json_object_array_add(mid, json_object_get(o));
		json_object_object_add(outer, "k", mid);
		jsonw_init(&w, &got);
		jsonw_object_begin(&w);
		jsonw_karray(&w, "k");
		jsonw_json(&w, o);
		jsonw_array_end(&w);
		jsonw_object_end(&w);
		if (strcmp(got.buf,
			   json_object_to_json_string_ext(outer, FLAGS)))
			fail_msg("case '%s': got\n%s\nwant\n%s", parsed[i].name,
				 got.buf,
				 json_object_to_json_string_ext(outer, FLAGS));
		strbuf_release(&got);
		json_object_put(outer);
		json_object_put(o);
	}
}

/* What json-c gives, spelled out: a change in json-c shows here too. */
static void test_spelled_out(void **state)
{
	static const struct step steps[] = {
	    S_OBJ,	S_KEY("a"), S_ARR,	S_END,
	    S_KEY("o"), S_OBJ,	    S_KEY("x"), S_OBJ,
	    S_END,	S_END,	    S_KEY("s"), S_STR("a/b\x01\"\x7f"),
	    S_KEY("d"), S_DBL(1),   S_KEY("e"), S_DBL(1e-7),
	    S_KEY("n"), S_NUL,	    S_END,	S_STOP,
	};
	const char *want = "{\n"
			   "  \"a\": [\n"
			   "  ],\n"
			   "  \"o\": {\n"
			   "    \"x\": {\n"
			   "    }\n"
			   "  },\n"
			   "  \"s\": \"a/b\\u0001\\\"\x7f\",\n"
			   "  \"d\": 1.0,\n"
			   "  \"e\": 9.9999999999999995e-08,\n"
			   "  \"n\": null\n"
			   "}";
	struct strbuf got = STRBUF_INIT;
	struct jsonw w;

	(void)state;
	jsonw_init(&w, &got);
	write_steps(&w, steps);
	assert_string_equal(got.buf, want);
	strbuf_release(&got);
}

/* Past the strbuf's cap the text is cut with its marker, never failing. */
static void test_cap(void **state)
{
	struct strbuf got;
	struct jsonw w;

	(void)state;
	strbuf_init(&got, 64);
	jsonw_init(&w, &got);
	jsonw_array_begin(&w);
	for (int i = 0; i < 100; i++)
		jsonw_string(&w, "0123456789");
	jsonw_array_end(&w);
	assert_int_equal(got.len, 64);
	assert_true(got.cut);
	assert_non_null(strstr(got.buf, "[\n  \"0123456789\",\n"));
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_json_c),
	    cmocka_unit_test(test_json_value),
	    cmocka_unit_test(test_spelled_out),
	    cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
