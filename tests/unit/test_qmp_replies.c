/*
 * Replies of the wrong JSON type, fed straight to what reads them,
 * without QEMU: the shape check of lib/qmp.c (qmp_reply_check, its
 * excerpts and typed getters), the capability probe's checks
 * (caps_reply_check) and the ABI probe's (abi_reply_check, and its
 * readers abi_lines and abi_props_from_list_get, which must neither
 * crash nor convert when handed a wrong type). Each wrong reply here
 * once aborted in a json-c assertion, dereferenced NULL, or was read
 * through json-c's conversions; each must now fail with a message that
 * names the binary, the command, where, and what came back. And every
 * reply of the recorded sessions (tests/data/qmp/) must pass.
 */
#include <dirent.h>
#include <json-c/json.h>

#include "testutil.h"
#include "abi.h"
#include "caps.h"
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

static const struct {
	const char *name;
	const char *cmd;
	const char *reply;
	const char *message; /* after "reply to 'CMD': "; NULL: it passes */
} caps_cases[] = {
	{ "types well formed", "qom-list-types",
	  "[{\"name\": \"e1000e\", \"parent\": \"pci-device\", \"abstract\": false}]", NULL },
	{ "types null", "qom-list-types", "null", "expected an array, got null: 'null'" },
	{ "types a number", "qom-list-types", "42", "expected an array, got an integer: '42'" },
	{ "types an object", "qom-list-types", "{\"return\": []}",
	  "expected an array, got an object: '{\"return\":[]}'" },
	{ "types of strings", "qom-list-types", "[\"e1000e\"]",
	  "[0]: expected an object, got a string: '\"e1000e\"'" },
	{ "type without name", "qom-list-types", "[{\"parent\": \"x\"}]",
	  "[0]: no 'name' member: '{\"parent\":\"x\"}'" },
	{ "type name a number", "qom-list-types", "[{\"name\": 1}]",
	  "[0].name: expected a string, got an integer: '{\"name\":1}'" },
	{ "device props not a list", "device-list-properties", "{\"name\": \"x\"}",
	  "expected an array, got an object" },
	{ "device prop description a number", "device-list-properties",
	  "[{\"name\": \"x\", \"type\": \"bool\", \"description\": 3}]",
	  "[0].description: expected a string, got an integer" },
	{ "device prop default anything", "device-list-properties",
	  "[{\"name\": \"x\", \"type\": \"bool\", \"default-value\": {\"a\": [null]}}]", NULL },
	{ "version", "query-version",
	  "{\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 0}, \"package\": \"x\"}", NULL },
	{ "version major a string", "query-version",
	  "{\"qemu\": {\"major\": \"7\", \"minor\": 2, \"micro\": 0}}",
	  "qemu.major: expected an integer, got a string" },
	{ "version a list", "query-version", "[]", "expected an object, got an array: '[]'" },
	{ "target arch a number", "query-target", "{\"arch\": 64}",
	  "arch: expected a string, got an integer: '{\"arch\":64}'" },
	{ "machines of numbers", "query-machines", "[1]", "[0]: expected an object, got an integer" },
	{ "machine alias null", "query-machines", "[{\"name\": \"pc\", \"alias\": null}]",
	  "[0].alias: expected a string, got null" },
	{ "cpus a string", "query-cpu-definitions", "\"qemu64\"",
	  "expected an array, got a string" },
	{ "commands without names", "query-commands", "[{}]", "[0]: no 'name' member: '{}'" },
	{ "options parameters an object", "query-command-line-options",
	  "[{\"option\": \"m\", \"parameters\": {\"name\": \"size\"}}]",
	  "[0].parameters: expected an array, got an object" },
	{ "schema an object", "query-qmp-schema", "{}", "expected an array, got an object" },
};

static void test_caps_replies(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(caps_cases); i++) {
		json_object *reply = json_tokener_parse(caps_cases[i].reply);
		struct strbuf want = STRBUF_INIT;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = caps_reply_check(BIN, caps_cases[i].cmd, reply);
		msg = tu_capture_end();
		if (!caps_cases[i].message) {
			if (rc || *msg)
				fail_msg("%s: refused: %s", caps_cases[i].name, msg);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", caps_cases[i].name);
			sb_printf(&want, "error: qmp '%s': reply to '%s': %s", BIN,
				  caps_cases[i].cmd, caps_cases[i].message);
			assert_contains(msg, want.buf, caps_cases[i].name);
		}
		free(msg);
		strbuf_release(&want);
		json_object_put(reply);
	}
}

static const struct {
	const char *name;
	const char *cmd;
	const char *reply;
	const char *message; /* after "reply to 'CMD': "; NULL: it passes */
} abi_cases[] = {
	{ "qtree a number", "human-monitor-command", "5", "expected a string, got an integer: '5'" },
	{ "qtree null", "human-monitor-command", "null", "expected a string, got null" },
	{ "pci not a list", "query-pci", "{\"bus\": 0}",
	  "expected an array, got an object: '{\"bus\":0}'" },
	{ "pci null", "query-pci", "null", "expected an array, got null" },
	{ "pci bus without devices", "query-pci", "[{\"bus\": 0}]",
	  "[0]: no 'devices' member: '{\"bus\":0}'" },
	{ "pci devices an object", "query-pci", "[{\"bus\": 0, \"devices\": {}}]",
	  "[0].devices: expected an array, got an object" },
	{ "pci slot a string", "query-pci",
	  "[{\"bus\": 0, \"devices\": [{\"slot\": \"1\", \"function\": 0}]}]",
	  "[0].devices[0].slot: expected an integer, got a string" },
	{ "pci regions an object", "query-pci",
	  "[{\"bus\": 0, \"devices\": [{\"slot\": 1, \"function\": 0, \"regions\": {}}]}]",
	  "[0].devices[0].regions: expected an array, got an object" },
	{ "pci region type a number", "query-pci",
	  "[{\"bus\": 0, \"devices\": [{\"slot\": 1, \"function\": 0, \"regions\":"
	  " [{\"bar\": 0, \"type\": 1, \"size\": 4096}]}]}]",
	  "[0].devices[0].regions[0].type: expected a string, got an integer" },
	{ "pci bridge device id a list", "query-pci",
	  "[{\"bus\": 0, \"devices\": [{\"slot\": 1, \"function\": 0, \"pci_bridge\":"
	  " {\"bus\": {}, \"devices\": [{\"slot\": 0, \"function\": 0, \"id\": []}]}}]}]",
	  "[0].devices[0].pci_bridge.devices[0].id: expected an object, got an array" },
	{ "pci well formed", "query-pci",
	  "[{\"bus\": 0, \"devices\": [{\"slot\": 1, \"function\": 0, \"id\": {\"vendor\": 6966,"
	  " \"device\": 4096}, \"class_info\": {\"class\": 512}, \"irq_pin\": 1,"
	  " \"regions\": [{\"bar\": 0, \"type\": \"io\", \"size\": 32, \"address\": 49344}],"
	  " \"pci_bridge\": {\"bus\": {\"number\": 1}, \"devices\": []}}]}]",
	  NULL },
	{ "cpu expansion a list", "query-cpu-model-expansion", "[]",
	  "expected an object, got an array" },
	{ "cpu without model", "query-cpu-model-expansion", "{}", "no 'model' member: '{}'" },
	{ "cpu props a number", "query-cpu-model-expansion",
	  "{\"model\": {\"name\": \"qemu64\", \"props\": 5}}",
	  "model.props: expected an object, got an integer: '{\"name\":\"qemu64\",\"props\":5}'" },
	{ "cpu props a list", "query-cpu-model-expansion",
	  "{\"model\": {\"name\": \"qemu64\", \"props\": [\"a\"]}}",
	  "model.props: expected an object, got an array" },
	{ "cpu name a number", "query-cpu-model-expansion", "{\"model\": {\"name\": 64}}",
	  "model.name: expected a string, got an integer" },
	{ "list-get properties a number", "qom-list-get", "[{\"properties\": 5}]",
	  "[0].properties: expected an array, got an integer: '{\"properties\":5}'" },
	{ "list-get properties an object", "qom-list-get", "[{\"properties\": {}}]",
	  "[0].properties: expected an array, got an object" },
	{ "list-get not a list", "qom-list-get", "{\"properties\": []}",
	  "expected an array, got an object" },
	{ "list-get property type null", "qom-list-get",
	  "[{\"properties\": [{\"name\": \"smm\", \"type\": null, \"value\": \"on\"}]}]",
	  "[0].properties[0].type: expected a string, got null" },
	{ "qom-list name a number", "qom-list", "[{\"name\": 1, \"type\": \"bool\"}]",
	  "[0].name: expected a string, got an integer" },
	{ "qom-get anything", "qom-get", "null", NULL },
	{ "compat props an object", "query-machines",
	  "[{\"name\": \"pc-q35-9.0\", \"compat-props\": {}}]",
	  "[0].compat-props: expected an array, got an object" },
	{ "compat value a boolean", "query-machines",
	  "[{\"name\": \"pc-q35-9.0\", \"compat-props\": [{\"qom-type\": \"x\","
	  " \"property\": \"y\", \"value\": true}]}]",
	  "[0].compat-props[0].value: expected a string, got a boolean" },
	{ "unknown command", "query-nothing", "[]", NULL },
};

static void test_abi_replies(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(abi_cases); i++) {
		json_object *reply = json_tokener_parse(abi_cases[i].reply);
		struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;
		int rc = abi_reply_check(BIN, abi_cases[i].cmd, reply, &err);

		if (!strcmp(abi_cases[i].cmd, "query-nothing")) {
			/* A command without a shape is a mistake of ours, said so. */
			assert_int_equal(rc, -1);
			assert_contains(err.buf, "no shape known for the reply to 'query-nothing'",
					abi_cases[i].name);
		} else if (!abi_cases[i].message) {
			if (rc)
				fail_msg("%s: refused: %s", abi_cases[i].name, err.buf);
		} else {
			if (rc != -1)
				fail_msg("%s: accepted", abi_cases[i].name);
			sb_printf(&want, "qmp '%s': reply to '%s': %s", BIN, abi_cases[i].cmd,
				  abi_cases[i].message);
			assert_contains(err.buf, want.buf, abi_cases[i].name);
		}
		strbuf_release(&err);
		strbuf_release(&want);
		json_object_put(reply);
	}
}

/*
 * The readers handed wrong types directly (the probe checks first, the
 * tests and any later caller may not): what has the wrong type is left
 * out, the rest is read, nothing crashes. pci_lines used to assert in
 * json-c on a non-array, cpu_lines to dereference NULL on "props" that
 * is not an object, abi_props_from_list_get to assert on "properties".
 */
static void test_abi_readers_skip_wrong_types(void **state)
{
	static const char *const pci_wrong[] = {
		"5", "{}", "\"x\"", "[5]", "[{\"bus\": 0, \"devices\": 5}]",
		"[{\"bus\": 0, \"devices\": [7, {\"slot\": 1, \"function\": 0, \"regions\": {}, "
		"\"id\": [], \"class_info\": 5, \"irq_pin\": \"1\", "
		"\"pci_bridge\": {\"bus\": {}, \"devices\": 5}}]}]",
	};
	struct strvec lines = STRVEC_INIT;
	json_object *cpu, *pci, *mp, *ret, *props;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pci_wrong); i++) {
		pci = json_tokener_parse(pci_wrong[i]);
		cpu = json_tokener_parse("{\"model\": {\"name\": \"qemu64\", \"props\": 5}}");
		mp = json_tokener_parse("[1]");
		abi_lines(&(struct abi_replies){ NULL, pci, cpu, mp, NULL, NULL }, &lines);
		for (size_t k = 0; k < lines.nr; k++)
			if (!strncmp(lines.v[k], "pci ", 4) && i < 5)
				fail_msg("pci '%s': line '%s'", pci_wrong[i], lines.v[k]);
		assert_int_equal(lines.nr, i < 5 ? 2 : 3);
		assert_string_equal(lines.v[0], "qtree unavailable");
		assert_string_equal(lines.v[lines.nr - 1], "cpu model = qemu64");
		if (i == 5)
			assert_string_equal(lines.v[1], "pci 0:01.0 bridge");
		strvec_clear(&lines);
		json_object_put(pci);
		json_object_put(cpu);
		json_object_put(mp);
	}
	/* A model that is not an object, a name that is not a string. */
	cpu = json_tokener_parse("{\"model\": {\"name\": 1, \"props\": {\"pmu\": false}}}");
	abi_lines(&(struct abi_replies){ NULL, NULL, cpu, NULL, NULL, NULL }, &lines);
	assert_int_equal(lines.nr, 3);
	assert_string_equal(lines.v[1], "cpu model = ?");
	assert_string_equal(lines.v[2], "cpu pmu = false");
	strvec_clear(&lines);
	json_object_put(cpu);
	cpu = json_tokener_parse("{\"model\": \"qemu64\"}");
	abi_lines(&(struct abi_replies){ NULL, NULL, cpu, NULL, NULL, NULL }, &lines);
	assert_int_equal(lines.nr, 1);
	strvec_clear(&lines);
	json_object_put(cpu);

	/* qom-list-get: properties of the wrong type read as none. */
	static const char *const list_get_wrong[] = {
		"5", "{}", "[5]", "[{\"properties\": 5}]", "[{\"properties\": {}}]",
		"[{\"properties\": [5, {\"name\": 1, \"type\": \"bool\", \"value\": true},"
		" {\"name\": \"hpet\", \"type\": 2, \"value\": true}]}]",
	};
	for (size_t i = 0; i < ARRAY_SIZE(list_get_wrong); i++) {
		ret = json_tokener_parse(list_get_wrong[i]);
		props = abi_props_from_list_get(ret);
		assert_true(json_object_is_type(props, json_type_object));
		if (json_object_object_length(props))
			fail_msg("'%s': %s", list_get_wrong[i], json_object_to_json_string(props));
		json_object_put(props);
		json_object_put(ret);
	}
	/* The well-typed entries among them are read. */
	ret = json_tokener_parse("[{\"properties\": [5, {\"name\": \"smm\", \"type\": \"OnOffAuto\","
				 " \"value\": \"on\"}, {\"name\": 3, \"type\": \"bool\"}]}]");
	props = abi_props_from_list_get(ret);
	assert_string_equal(json_object_to_json_string_ext(props, JSON_C_TO_STRING_PLAIN),
			    "{\"smm\":\"on\"}");
	json_object_put(props);
	json_object_put(ret);
}

/*
 * Every reply of the recorded real sessions passes abi_reply_check: the
 * shapes want what QEMU 7.2.0, 10.0.2 and 10.2.2 send.
 */
static size_t check_transcript(const char *path)
{
	struct strbuf t = STRBUF_INIT;
	json_object *cmds = json_object_new_object(); /* id -> execute */
	size_t checked = 0;

	assert_int_equal(strbuf_read_file(&t, path, 64 << 20), 0);
	for (const char *p = t.buf; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		json_object *m = n > 2 ? json_tokener_parse(line + 2) : NULL;
		json_object *id = NULL, *ret = NULL, *cmd = NULL;

		p += n + (p[n] == '\n');
		if (m && json_object_object_get_ex(m, "id", &id)) {
			const char *key = json_object_get_string(id);

			if (line[0] == '>' && json_object_object_get_ex(m, "execute", &cmd))
				json_object_object_add(cmds, key, json_object_get(cmd));
			else if (line[0] == '<' && json_object_object_get_ex(m, "return", &ret) &&
				 json_object_object_get_ex(cmds, key, &cmd)) {
				struct strbuf err = STRBUF_INIT;

				if (abi_reply_check(BIN, json_object_get_string(cmd), ret, &err))
					fail_msg("%s: %s", path, err.buf);
				strbuf_release(&err);
				checked++;
			}
		}
		json_object_put(m);
		free(line);
	}
	json_object_put(cmds);
	strbuf_release(&t);
	return checked;
}

static void test_recorded_replies_pass(void **state)
{
	static const char *const dirs[] = { "7.2.0", "10.0.2", "10.2.2", "10.2.2-qom-get" };
	size_t files = 0, replies = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct strbuf d = STRBUF_INIT;
		struct dirent *e;
		DIR *dir;

		sb_printf(&d, "tests/data/qmp/%s", dirs[i]);
		dir = opendir(d.buf);
		if (!dir)
			fail_msg("no '%s' (run from the top of the tree)", d.buf);
		while ((e = readdir(dir))) {
			struct strbuf f = STRBUF_INIT;

			if (!ends_with(e->d_name, ".replies"))
				continue;
			sb_printf(&f, "%s/%s", d.buf, e->d_name);
			replies += check_transcript(f.buf);
			files++;
			strbuf_release(&f);
		}
		closedir(dir);
		strbuf_release(&d);
	}
	assert_true(files >= 15);
	/* Four in the first round of each, and the qom-gets. */
	assert_true(replies >= files * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_check),
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_typed_getters),
		cmocka_unit_test(test_caps_replies),
		cmocka_unit_test(test_abi_replies),
		cmocka_unit_test(test_abi_readers_skip_wrong_types),
		cmocka_unit_test(test_recorded_replies_pass),
	};
	return cmocka_run_group_tests_name("qmp_replies", tests, NULL, NULL);
}
