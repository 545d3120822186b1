/*
 * Replies of the wrong JSON type, fed straight to what reads them,
 * without QEMU: the shape check of lib/qmp.c (qmp_reply_check), its
 * excerpts and its typed getters. A wrong reply must fail with a message
 * that names the binary, the command, where, and what came back.
 */
#include <json-c/json.h>

#include "testutil.h"
#include "qmp.h"

#define BIN "/opt/qemu/9.9.9/bin/qemu-system-x86_64"

/* A test's own shapes: a list of named things, each maybe with a list. */
static const struct qmp_shape thing_shape;
static const struct qmp_shape things_shape = { json_type_array, &thing_shape, NULL };
static const struct qmp_member thing_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "size", &qmp_shape_int, 0 },
	{ "on", &qmp_shape_bool, 0 },
	{ "any", &qmp_shape_any, 0 },
	{ "children", &things_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape thing_shape = { json_type_object, NULL, thing_members };

static const struct {
	const char *name;
	const char *reply; /* "null" is JSON null */
	const char *message; /* NULL: it passes */
} shape_cases[] = {
	{ "empty list", "[]", NULL },
	{ "well formed",
	  "[{\"name\": \"a\", \"size\": 1, \"on\": true, \"any\": null, \"extra\": [1],"
	  " \"children\": [{\"name\": \"b\", \"children\": []}]}]",
	  NULL },
	{ "null", "null", "reply to 'query-things': expected an array, got null: 'null'" },
	{ "number", "5", "expected an array, got an integer: '5'" },
	{ "double", "5.5", "expected an array, got a floating-point number: '5.5'" },
	{ "string", "\"x\"", "expected an array, got a string: '\"x\"'" },
	{ "object", "{\"name\": \"a\"}", "expected an array, got an object: '{\"name\":\"a\"}'" },
	{ "element a number", "[{\"name\": \"a\"}, 7]", "[1]: expected an object, got an integer: '7'" },
	{ "element null", "[null]", "[0]: expected an object, got null: 'null'" },
	{ "no name", "[{\"size\": 1}]", "[0]: no 'name' member: '{\"size\":1}'" },
	{ "name null", "[{\"name\": null}]",
	  "[0].name: expected a string, got null: '{\"name\":null}'" },
	{ "size a string", "[{\"name\": \"a\", \"size\": \"1\"}]",
	  "[0].size: expected an integer, got a string: '{\"name\":\"a\",\"size\":\"1\"}'" },
	{ "size a double", "[{\"name\": \"a\", \"size\": 1.0}]",
	  "[0].size: expected an integer, got a floating-point number" },
	{ "on a number", "[{\"name\": \"a\", \"on\": 1}]",
	  "[0].on: expected a boolean, got an integer" },
	{ "nested", "[{\"name\": \"a\", \"children\": [{\"name\": \"b\", \"children\": [{\"name\": 3}]}]}]",
	  "[0].children[0].children[0].name: expected a string, got an integer: '{\"name\":3}'" },
	{ "children an object", "[{\"name\": \"a\", \"children\": {}}]",
	  "[0].children: expected an array, got an object" },
};

static void test_shape_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(shape_cases); i++) {
		json_object *reply = json_tokener_parse(shape_cases[i].reply);
		struct strbuf err = STRBUF_INIT;
		struct strbuf want = STRBUF_INIT;
		char *msg;
		int rc;

		if (!reply && strcmp(shape_cases[i].reply, "null"))
			fail_msg("%s: bad JSON in the test", shape_cases[i].name);
		rc = qmp_reply_check(BIN, "query-things", reply, &things_shape, &err);
		if (!shape_cases[i].message) {
			if (rc)
				fail_msg("%s: refused: %s", shape_cases[i].name, err.buf);
		} else {
			if (!rc)
				fail_msg("%s: accepted", shape_cases[i].name);
			sb_printf(&want, "qmp '%s': ", BIN);
			assert_contains(err.buf, want.buf, shape_cases[i].name);
			assert_contains(err.buf, shape_cases[i].message, shape_cases[i].name);
			/* Without err, the same message is reported. */
			tu_capture_begin();
			assert_int_equal(qmp_reply_check(BIN, "query-things", reply,
							 &things_shape, NULL),
					 -1);
			msg = tu_capture_end();
			strbuf_reset(&want);
			sb_printf(&want, "error: %s\n", err.buf);
			assert_string_equal(msg, want.buf);
			free(msg);
		}
		json_object_put(reply);
		strbuf_release(&err);
		strbuf_release(&want);
	}
}

static void test_excerpt(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[1000];
	json_object *o;

	(void)state;
	/* Control bytes and bytes above ASCII are shown, not sent. */
	qmp_excerpt_text(&sb, "a\x1b[2Jb\tc\xc3\xa9\n", 11);
	assert_string_equal(sb.buf, "a\\x1b[2Jb\\x09c\\xc3\\xa9\\x0a");
	/* Long text is cut, and says so. */
	memset(big, 'x', sizeof(big));
	strbuf_reset(&sb);
	qmp_excerpt_text(&sb, big, sizeof(big));
	assert_int_equal(sb.len, QMP_EXCERPT + 3);
	assert_string_equal(sb.buf + QMP_EXCERPT, "...");
	/* Escapes count for their width. */
	memset(big, '\x01', sizeof(big));
	strbuf_reset(&sb);
	qmp_excerpt_text(&sb, big, sizeof(big));
	assert_int_equal(sb.len, QMP_EXCERPT + 3);
	/* Exactly as long as allowed: not cut. */
	strbuf_reset(&sb);
	memset(big, 'y', QMP_EXCERPT);
	qmp_excerpt_text(&sb, big, QMP_EXCERPT);
	assert_int_equal(sb.len, QMP_EXCERPT);
	/* JSON: its plain text, slashes as they are. */
	o = json_tokener_parse("{\"path\": \"/machine\", \"n\": [1, null]}");
	strbuf_reset(&sb);
	qmp_excerpt(&sb, o);
	assert_string_equal(sb.buf, "{\"path\":\"/machine\",\"n\":[1,null]}");
	json_object_put(o);
	strbuf_reset(&sb);
	qmp_excerpt(&sb, NULL);
	assert_string_equal(sb.buf, "null");
	strbuf_release(&sb);
}

/* The getters never convert: a number is no string, "5" is no number. */
static void test_typed_getters(void **state)
{
	json_object *o = json_tokener_parse("{\"s\": \"5\", \"i\": 7, \"b\": true,"
					    " \"n\": null, \"d\": 2.5, \"a\": [1, 2]}");
	json_object *list = json_tokener_parse("[1]");

	(void)state;
	assert_string_equal(qmp_get_string(o, "s"), "5");
	assert_null(qmp_get_string(o, "i"));
	assert_null(qmp_get_string(o, "n"));
	assert_null(qmp_get_string(o, "missing"));
	assert_int_equal(qmp_get_int(o, "i", -1), 7);
	assert_int_equal(qmp_get_int(o, "s", -1), -1);
	assert_int_equal(qmp_get_int(o, "d", -1), -1);
	assert_int_equal(qmp_get_int(o, "b", -1), -1);
	assert_int_equal(qmp_get_bool(o, "b"), 1);
	assert_int_equal(qmp_get_bool(o, "i"), 0);
	assert_int_equal(qmp_get_bool(o, "s"), 0);
	assert_non_null(qmp_get(o, "a", json_type_array));
	assert_null(qmp_get(o, "a", json_type_object));
	assert_int_equal(qmp_array_len(qmp_get(o, "a", json_type_array)), 2);
	assert_int_equal(qmp_array_len(o), 0);
	assert_int_equal(qmp_array_len(NULL), 0);
	/* Not an object at all. */
	assert_null(qmp_get_string(list, "s"));
	assert_null(qmp_get(NULL, "s", json_type_string));
	assert_int_equal(qmp_get_int(list, "i", 9), 9);
	json_object_put(o);
	json_object_put(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_check),
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_typed_getters),
	};
	return cmocka_run_group_tests_name("qmp_replies", tests, NULL, NULL);
}
