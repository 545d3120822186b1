/*
 * The capability probe (matrix/caps.c) against replies of the wrong JSON
 * type: fake-qemu answers each query from a table (its "answer" mode),
 * one answer at a time made wrong. Before, a qom-list-types answered
 * with null, a number or an object aborted in a json-c assertion, and a
 * list of non-objects or of objects without a string name crashed in
 * strlen(NULL), leaving the QEMUs' temporary directories behind. Now the
 * probe fails with a message naming the binary, the query, where in the
 * reply and what came back; its QEMUs are gone and TMPDIR is empty.
 * The ABI probe likewise: a query-pci that is not an array, CPU "props"
 * that are not an object, and the like fail that machine type, recorded
 * with the message, instead of an assertion in json-c. And an ABI part
 * recorded under an older definition of the fingerprint is redone.
 */
#include <dirent.h>
#include <json-c/json.h>

#include "teststore.h"
#include "abi.h"
#include "caps.h"

/* Answers a real QEMU could give, small: every query the probe asks. */
static const char base_answers[] =
	"{\"query-version\": {\"return\": {\"qemu\": {\"major\": 9, \"minor\": 1,"
	"  \"micro\": 2}, \"package\": \"fake\"}},"
	" \"query-target\": {\"return\": {\"arch\": \"x86_64\"}},"
	" \"query-machines\": {\"return\": [{\"name\": \"pc-q35-9.1\", \"alias\": \"q35\","
	"  \"is-default\": false, \"deprecated\": false, \"cpu-max\": 1024,"
	"  \"hotpluggable-cpus\": true, \"default-cpu-type\": \"qemu64-x86_64-cpu\","
	"  \"default-ram-id\": \"pc.ram\"}]},"
	" \"query-cpu-definitions\": {\"return\": [{\"name\": \"qemu64\","
	"  \"typename\": \"qemu64-x86_64-cpu\", \"migration-safe\": true,"
	"  \"static\": false, \"deprecated\": false}]},"
	" \"query-commands\": {\"return\": [{\"name\": \"query-version\"}]},"
	" \"query-command-line-options\": {\"return\": [{\"option\": \"machine\","
	"  \"parameters\": [{\"name\": \"type\", \"type\": \"string\"}]},"
	"  {\"option\": \"S\", \"parameters\": []}]},"
	" \"query-qmp-schema\": {\"return\": [{\"name\": \"query-version\","
	"  \"meta-type\": \"command\"}]},"
	" \"qom-list-types\": {\"return\": [{\"name\": \"fake-dev\", \"parent\": \"device\","
	"  \"abstract\": false}]},"
	" \"device-list-properties\": {\"return\": [{\"name\": \"on\", \"type\": \"bool\","
	"  \"default-value\": true, \"description\": \"a property\"}]},"
	/*
	 * The ABI probe's, for the machine type pc-q35-9.1. The one answer
	 * to HMP is read as info qtree and as info qom-tree, which each
	 * take the lines of their kind: the qom-tree names one CPU.
	 */
	" \"human-monitor-command\": {\"return\": \"bus: main-system-bus\\r\\n"
	"  type System\\r\\n/machine (pc-q35-9.1-machine)\\r\\n"
	"  /unattached (container)\\r\\n    /device[0] (qemu64-x86_64-cpu)\\r\\n\"},"
	" \"query-pci\": {\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 0,"
	"  \"function\": 0, \"class_info\": {\"class\": 1536}, \"id\": {\"vendor\": 32902,"
	"  \"device\": 10688}, \"regions\": [], \"qdev_id\": \"\"}]}]},"
	" \"query-cpu-model-expansion\": {\"return\": {\"model\": {\"name\": \"qemu64\","
	"  \"props\": {\"pmu\": false}}}},"
	" \"qom-list\": {\"return\": [{\"name\": \"smm\", \"type\": \"OnOffAuto\"},"
	"  {\"name\": \"type\", \"type\": \"string\"},"
	"  {\"name\": \"phys-bits\", \"type\": \"uint32\"}]},"
	" \"qom-get\": {\"return\": \"on\"}}";

struct wrong {
	const char *name;
	const char *cmd;    /* whose answer is replaced, NULL: none */
	const char *reply;  /* its "return" */
	const char *message; /* after "reply to 'CMD': " */
};

static const struct wrong wrongs[] = {
	{ "all well", NULL, NULL, NULL },
	{ "types null", "qom-list-types", "null", "expected an array, got null: 'null'" },
	{ "types a number", "qom-list-types", "5", "expected an array, got an integer: '5'" },
	{ "types an object", "qom-list-types", "{\"name\": \"x\"}",
	  "expected an array, got an object: '{\"name\":\"x\"}'" },
	{ "types of numbers", "qom-list-types", "[1, 2]",
	  "[0]: expected an object, got an integer: '1'" },
	{ "type without a name", "qom-list-types", "[{\"parent\": \"device\"}]",
	  "[0]: no 'name' member: '{\"parent\":\"device\"}'" },
	{ "type name a number", "qom-list-types", "[{\"name\": \"a\"}, {\"name\": 5}]",
	  "[1].name: expected a string, got an integer: '{\"name\":5}'" },
	{ "type name null", "qom-list-types", "[{\"name\": null}]",
	  "[0].name: expected a string, got null: '{\"name\":null}'" },
	{ "abstract a string", "qom-list-types", "[{\"name\": \"a\", \"abstract\": \"no\"}]",
	  "[0].abstract: expected a boolean, got a string" },
	{ "properties an object", "device-list-properties", "{}",
	  "expected an array, got an object: '{}'" },
	{ "property name a list", "device-list-properties", "[{\"name\": [\"x\"]}]",
	  "[0].name: expected a string, got an array" },
	{ "machines a string", "query-machines", "\"pc\"",
	  "expected an array, got a string: '\"pc\"'" },
	{ "cpu-max a string", "query-machines", "[{\"name\": \"pc\", \"cpu-max\": \"many\"}]",
	  "[0].cpu-max: expected an integer, got a string" },
	{ "version a string", "query-version", "{\"qemu\": \"9.1.2\"}",
	  "qemu: expected an object, got a string: '{\"qemu\":\"9.1.2\"}'" },
	{ "version without micro", "query-version", "{\"qemu\": {\"major\": 9, \"minor\": 1}}",
	  "qemu: no 'micro' member" },
	{ "cpu static a string", "query-cpu-definitions", "[{\"name\": \"a\", \"static\": \"yes\"}]",
	  "[0].static: expected a boolean, got a string" },
	{ "parameters an object", "query-command-line-options",
	  "[{\"option\": \"m\", \"parameters\": {}}]",
	  "[0].parameters: expected an array, got an object" },
	{ "parameter name a number", "query-command-line-options",
	  "[{\"option\": \"m\", \"parameters\": [{\"name\": 1}]}]",
	  "[0].parameters[0].name: expected a string, got an integer" },
	{ "commands null", "query-commands", "null", "expected an array, got null" },
	{ "target a list", "query-target", "[]", "expected an object, got an array" },
	{ "schema a string", "query-qmp-schema", "\"{}\"", "expected an array, got a string" },
};

/* The ABI probe's queries, each answered wrong in turn. */
static const struct wrong abi_wrongs[] = {
	{ "all well", NULL, NULL, NULL },
	{ "qtree a number", "human-monitor-command", "5",
	  "expected a string, got an integer: '5'" },
	{ "pci null", "query-pci", "null", "expected an array, got null: 'null'" },
	{ "pci an object", "query-pci", "{\"bus\": 0, \"devices\": []}",
	  "expected an array, got an object: '{\"bus\":0,\"devices\":[]}'" },
	{ "pci devices a string", "query-pci", "[{\"bus\": 0, \"devices\": \"none\"}]",
	  "[0].devices: expected an array, got a string" },
	{ "cpu props a number", "query-cpu-model-expansion",
	  "{\"model\": {\"name\": \"qemu64\", \"props\": 5}}",
	  "model.props: expected an object, got an integer: "
	  "'{\"name\":\"qemu64\",\"props\":5}'" },
	{ "cpu model null", "query-cpu-model-expansion", "{\"model\": null}",
	  "model: expected an object, got null" },
	{ "qom-list names numbers", "qom-list", "[{\"name\": 1, \"type\": \"bool\"}]",
	  "[0].name: expected a string, got an integer" },
};

/* Entries in dir other than . and .., joined by spaces ("" for none). */
static char *dir_entries(const char *dir)
{
	struct strbuf names = STRBUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			sb_printf(&names, " %s", e->d_name);
	closedir(d);
	sb_puts(&names, "");
	return strbuf_detach(&names);
}

/* A copy of fake-qemu as the probed binary, its answers, a store, a TMPDIR. */
struct fixture {
	char *dir, *tmp;
	struct strbuf bin, answers, db;
};

static void fixture_init(struct fixture *f)
{
	struct strbuf data = STRBUF_INIT, mode = STRBUF_INIT;
	char *fake = path_absolute("tests/bin/fake-qemu");

	memset(f, 0, sizeof(*f));
	f->dir = tu_tmpdir("probe-replies");
	/* A copy, so that its processes are told apart from other fakes. */
	path_join(&f->bin, f->dir, "qemu-system-x86_64");
	path_join(&f->answers, f->dir, "answers.json");
	path_join(&f->db, f->dir, "matrix.db");
	assert_int_equal(strbuf_read_file(&data, fake, 64 << 20), 0);
	assert_int_equal(write_file_atomic(f->bin.buf, data.buf, data.len), 0);
	assert_int_equal(chmod(f->bin.buf, 0755), 0);
	sb_printf(&mode, "answer %s\n", f->answers.buf);
	tu_write(f->dir, "qemu-system-x86_64.fake", mode.buf);
	f->tmp = tu_private_tmpdir(f->dir, 0700);
	strbuf_release(&data);
	strbuf_release(&mode);
	free(fake);
}

static void fixture_release(struct fixture *f)
{
	unsetenv("TMPDIR");
	unsetenv("VIRT_MATRIX_ZYGOTE");
	free(f->tmp);
	strbuf_release(&f->bin);
	strbuf_release(&f->answers);
	strbuf_release(&f->db);
	tu_rmdir(f->dir);
}

/* The base answers with w's command answered by w's reply. */
static void write_answers(const struct fixture *f, const struct wrong *w)
{
	json_object *map = json_tokener_parse(base_answers);

	assert_non_null(map);
	if (w->cmd) {
		json_object *msg = json_object_new_object();
		json_object *ret = json_tokener_parse(w->reply);

		if (!ret && strcmp(w->reply, "null"))
			fail_msg("%s: bad reply in the test", w->name);
		json_object_object_add(msg, "return", ret);
		json_object_object_add(map, w->cmd, msg);
	}
	assert_int_equal(json_object_to_file(f->answers.buf, map), 0);
	json_object_put(map);
}

/*
 * The first cases fork the fakes from the zygote, as a probe does by
 * default; the others exec them: from the zygote, the TCG check of a
 * fake that exits at once (it has no QMP socket there) waits its whole
 * 5 s, as its end is not seen.
 */
static void choose_zygote(size_t i)
{
	if (i < 3)
		unsetenv("VIRT_MATRIX_ZYGOTE");
	else
		setenv("VIRT_MATRIX_ZYGOTE", "off", 1);
}

/* Every QEMU stopped, every temporary directory removed. */
static void assert_nothing_left(const struct fixture *f, const char *name)
{
	char *left = dir_entries(f->tmp);

	assert_false(tu_running_from(f->bin.buf));
	if (*left)
		fail_msg("%s: left in TMPDIR:%s", name, left);
	free(left);
}

static void test_wrong_types_fail_the_probe(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	for (size_t i = 0; i < ARRAY_SIZE(wrongs); i++) {
		const struct wrong *w = &wrongs[i];
		struct caps_result r;
		struct store st;
		struct strbuf want = STRBUF_INIT;
		char *msg;
		int rc;

		write_answers(&f, w);
		choose_zygote(i);
		assert_int_equal(store_open(&st, f.db.buf), 0);
		tu_capture_begin();
		rc = caps_probe(&st, f.bin.buf, 1, 1, &r);
		msg = tu_capture_end();
		store_close(&st);
		if (!w->cmd) {
			if (rc || r.machines != 1 || r.devices != 1 || r.props != 1 ||
			    r.commands != 1)
				fail_msg("%s: result %d, %zu machines, %zu devices, %zu "
					 "properties, %zu commands; it reported:\n%s",
					 w->name, rc, r.machines, r.devices, r.props,
					 r.commands, msg);
		} else {
			if (rc != -1)
				fail_msg("%s: result %d; it reported:\n%s", w->name, rc, msg);
			sb_printf(&want, "error: qmp '%s': reply to '%s': %s", f.bin.buf,
				  w->cmd, w->message);
			assert_contains(msg, want.buf, w->name);
			/* Not json-c's words, nor a crash's. */
			if (strstr(msg, "Assertion") || strstr(msg, "json_object"))
				fail_msg("%s: json-c in the message:\n%s", w->name, msg);
		}
		assert_nothing_left(&f, w->name);
		free(msg);
		strbuf_release(&want);
	}
	fixture_release(&f);
}

/*
 * The ABI probe of the one versioned machine type of the answers: all
 * well, its fingerprint's text has the PCI device, the CPU model and the
 * machine property; a wrong reply fails that machine type (the probe
 * goes on), recorded with the message.
 */
static void test_wrong_types_fail_the_machine_type(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	for (size_t i = 0; i < ARRAY_SIZE(abi_wrongs); i++) {
		const struct wrong *w = &abi_wrongs[i];
		struct caps_result r;
		struct store st;
		struct strbuf want = STRBUF_INIT;
		char *msg, *got;
		int rc;

		write_answers(&f, w);
		choose_zygote(i);
		assert_int_equal(store_open(&st, f.db.buf), 0);
		tu_capture_begin();
		rc = caps_probe(&st, f.bin.buf, 1, 0, &r);
		msg = tu_capture_end();
		if (rc || r.abi_machines != 1 || r.abi_failed != (w->cmd ? 1u : 0u))
			fail_msg("%s: result %d, %zu machine types, %zu failed; it "
				 "reported:\n%s",
				 w->name, rc, r.abi_machines, r.abi_failed, msg);
		if (!w->cmd) {
			got = tu_query1(&st, "SELECT t.text FROM machine_abi m JOIN abi_texts t"
					     " ON t.sha256 = m.fingerprint"
					     " WHERE m.machine = 'pc-q35-9.1' AND m.status = 'ok'");
			assert_contains(got, "pci 0:00.0 id = 8086:29c0\n", w->name);
			assert_contains(got, "cpu model = qemu64\ncpu pmu = false\n", w->name);
			assert_contains(got, "machine smm = \"on\"\n", w->name);
			/* The CPU of the qom-tree: listed, then its value asked. */
			assert_contains(got, "qom qemu64-x86_64-cpu[0] phys-bits = \"on\"\n",
					w->name);
		} else {
			got = tu_query1(&st, "SELECT error FROM machine_abi"
					     " WHERE machine = 'pc-q35-9.1' AND status = 'failed'");
			sb_printf(&want, "qmp '%s': reply to '%s': %s", f.bin.buf, w->cmd,
				  w->message);
			assert_contains(got, want.buf, w->name);
		}
		store_close(&st);
		assert_nothing_left(&f, w->name);
		free(got);
		free(msg);
		strbuf_release(&want);
	}
	fixture_release(&f);
}

/*
 * A record whose ABI part follows an older definition of the
 * fingerprint's text (binaries.abi_rev NULL, as before the column, or 1)
 * has only that part redone by the next probe, which is not forced: the
 * capabilities are reused, the machine type's fingerprint is made again
 * and the record says ABI_REV; the probe after that has nothing to do.
 */
static void test_older_abi_rev_is_redone(void **state)
{
	static const char *const older[] = { "NULL", "1" };
	struct fixture f;
	struct caps_result r;
	struct store st;
	struct strbuf rev = STRBUF_INIT;
	char *fp, *got, *probed_at;

	(void)state;
	fixture_init(&f);
	write_answers(&f, &abi_wrongs[0]);
	setenv("VIRT_MATRIX_ZYGOTE", "off", 1);
	sb_printf(&rev, "%d", ABI_REV);
	assert_int_equal(store_open(&st, f.db.buf), 0);
	assert_int_equal(caps_probe(&st, f.bin.buf, 1, 0, &r), 0);
	assert_int_equal(r.abi_machines, 1);
	got = tu_query1(&st, "SELECT abi_rev FROM binaries");
	assert_string_equal(got, rev.buf);
	free(got);
	fp = tu_query1(&st, "SELECT fingerprint FROM machine_abi");
	probed_at = tu_query1(&st, "SELECT probed_at FROM binaries");
	for (size_t i = 0; i < ARRAY_SIZE(older); i++) {
		struct strbuf sql = STRBUF_INIT;

		sb_printf(&sql, "UPDATE binaries SET abi_rev = %s;"
				"INSERT OR IGNORE INTO abi_texts (sha256, text)"
				" VALUES ('older', 'an older text');"
				"UPDATE machine_abi SET fingerprint = 'older'",
			  older[i]);
		tu_exec(&st, sql.buf);
		strbuf_release(&sql);
		tu_capture_begin();
		if (caps_probe(&st, f.bin.buf, 0, 0, &r) || r.reused || !r.abi_only ||
		    r.abi_machines != 1)
			fail_msg("abi_rev %s: reused %d, abi_only %d, %zu machine types; "
				 "it reported:\n%s",
				 older[i], r.reused, r.abi_only, r.abi_machines,
				 tu_capture_end());
		free(tu_capture_end());
		got = tu_query1(&st, "SELECT abi_rev FROM binaries");
		assert_string_equal(got, rev.buf);
		free(got);
		got = tu_query1(&st, "SELECT fingerprint FROM machine_abi");
		assert_string_equal(got, fp);
		free(got);
		/* The capability record is the first probe's. */
		got = tu_query1(&st, "SELECT probed_at FROM binaries");
		assert_string_equal(got, probed_at);
		free(got);
		got = tu_query1(&st, "SELECT count(*) FROM binaries");
		assert_string_equal(got, "1");
		free(got);
	}
	/* Up to date: nothing is run. */
	assert_int_equal(caps_probe(&st, f.bin.buf, 0, 0, &r), 0);
	assert_true(r.reused);
	assert_false(r.abi_only);
	assert_int_equal(r.abi_machines, 0);
	store_close(&st);
	assert_nothing_left(&f, "abi_rev");
	free(fp);
	free(probed_at);
	strbuf_release(&rev);
	fixture_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrong_types_fail_the_probe),
		cmocka_unit_test(test_wrong_types_fail_the_machine_type),
		cmocka_unit_test(test_older_abi_rev_is_redone),
	};
	return cmocka_run_group_tests_name("probe_replies", tests, NULL, NULL);
}
