/*
 * "virt-matrix show caps|abi" (matrix/show.c) on a temporary store:
 * records are written with plain SQL the way the probe writes them,
 * read back through the show_*_read functions and printed, as text and
 * as JSON, into memory; the test compares every byte.
 */
#include "teststore.h"
#include "binaries.h"
#include "installs.h"
#include "probe.h"
#include "show.h"

static char *dir;
static struct store st;

/*
 * Binary 1: two accelerators (kvm without detail), a device failure,
 * two unsupported queries (one without error class), counts, and four
 * machine types' ABI, two of them with the same fingerprint. Binary 2:
 * a bare record without package, accelerators or ABI.
 */
static int setup(void **state)
{
	(void)state;
	tu_store_tmp("show", &dir, &st);
	tu_exec(&st, "INSERT INTO qmp_schemas (sha256, json) VALUES ('s1', '[]');"
		 "INSERT INTO binaries (id, sha256, version, package, target,"
		 " schema_sha256, status, error, probed_at, probe_seconds)"
		 " VALUES (1, 'aa', '7.2.0', 'Debian 1:7.2', 'x86_64', 's1',"
		 "  'complete', NULL, '2026-12-01T00:00:00Z', 1.5),"
		 " (2, 'bb', '10.2.2', '', 'x86_64', NULL, 'complete', NULL,"
		 "  '2026-12-02T00:00:00Z', 0.25);"
		 "INSERT INTO accelerators (binary, name, usable, detail) VALUES"
		 " (1, 'tcg', 1, 'fast enough'), (1, 'kvm', 0, NULL);"
		 "INSERT INTO device_failures (binary, device, error) VALUES"
		 " (1, 'xen-disk', 'crashed');"
		 "INSERT INTO unsupported_queries (binary, command, error_class)"
		 " VALUES (1, 'query-b', NULL), (1, 'query-a', 'GenericError');"
		 "INSERT INTO machine_types (binary, name, is_default, deprecated)"
		 " VALUES (1, 'pc-q35-7.2', 0, 0), (1, 'pc-i440fx-7.2', 1, 0);"
		 "INSERT INTO cpu_models (binary, name) VALUES (1, 'qemu64');"
		 "INSERT INTO qom_types (binary, name, abstract) VALUES"
		 " (1, 'a', 0), (1, 'b', 0), (1, 'c', 1);"
		 "INSERT INTO propsets (id, sha256) VALUES (1, 'p1'), (2, 'p2');"
		 "INSERT INTO propset_props (propset, name) VALUES"
		 " (1, 'mac'), (1, 'netdev'), (2, 'x');"
		 "INSERT INTO devices (binary, name, propset) VALUES"
		 " (1, 'e1000', 1), (1, 'isa-fdc', 2);"
		 "INSERT INTO qmp_commands (binary, name) VALUES (1, 'quit');"
		 "INSERT INTO cmdline_options (binary, option, parameter) VALUES"
		 " (1, 'm', 'size'), (1, 'm', 'slots');");
	tu_exec(&st, "INSERT INTO abi_texts (sha256, text) VALUES"
		 " ('f00d0123456789abcdef', 'dev a/b = 1\ndev a/c = \"x/y\"\n'),"
		 " ('beef0123456789abcdef', 'dev z = 2\n');"
		 "INSERT INTO machine_abi (binary, machine, status, fingerprint,"
		 " devices, dropped, error, seconds) VALUES"
		 " (1, 'pc-q35-7.2', 'ok', 'f00d0123456789abcdef', 'ahci e1000',"
		 "  NULL, NULL, 0.5),"
		 " (1, 'pc-q35-10.0', 'ok', 'f00d0123456789abcdef', 'ahci', NULL,"
		 "  NULL, 0.25),"
		 " (1, 'pc-i440fx-7.2', 'ok', 'beef0123456789abcdef', NULL,"
		 "  'vfio: no iommu', NULL, 1),"
		 " (1, 'pc-q35-2.4', 'failed', NULL, NULL, NULL, 'it crashed', 2);");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_tmp_release(dir, &st);
	return 0;
}

/* A stream into memory for a print function; mem_text closes it. */
static char *mem_buf;
static size_t mem_len;

static FILE *mem_open(void)
{
	FILE *f;

	mem_buf = NULL;
	f = open_memstream(&mem_buf, &mem_len);
	assert_non_null(f);
	return f;
}

/* What was printed into f, malloc'd. */
static char *mem_text(FILE *f)
{
	assert_int_equal(fclose(f), 0);
	return mem_buf;
}

static void expect(const char *name, const char *got, const char *want)
{
	if (strcmp(got, want))
		fail_msg("%s: printed\n%s\nwant\n%s", name, got, want);
}

static const char caps1_text[] =
	"qemu 7.2.0  /q/7.2.0\n"
	"  sha256         aa\n"
	"  version        7.2.0 (Debian 1:7.2)\n"
	"  target         x86_64\n"
	"  probed         2026-12-01T00:00:00Z, in 1.50s\n"
	"  accelerators   kvm: not usable (-)\n"
	"                 tcg: usable (fast enough)\n"
	"  machine types  2\n"
	"  cpu models     1\n"
	"  qom types      3\n"
	"  devices        2, with 3 properties\n"
	"  qmp commands   1\n"
	"  device failures xen-disk: crashed\n"
	"  unsupported    query-a (GenericError)\n"
	"                 query-b (-)\n";

static const char caps1_json[] =
	"{\n"
	"  \"install\": \"7.2.0\",\n"
	"  \"binary\": \"/q/7.2.0\",\n"
	"  \"sha256\": \"aa\",\n"
	"  \"version\": \"7.2.0\",\n"
	"  \"package\": \"Debian 1:7.2\",\n"
	"  \"target\": \"x86_64\",\n"
	"  \"probed_at\": \"2026-12-01T00:00:00Z\",\n"
	"  \"probe_seconds\": 1.5,\n"
	"  \"qmp_schema_sha256\": \"s1\",\n"
	"  \"accelerators\": [\n"
	"    {\n"
	"      \"name\": \"kvm\",\n"
	"      \"usable\": false,\n"
	"      \"detail\": null\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"tcg\",\n"
	"      \"usable\": true,\n"
	"      \"detail\": \"fast enough\"\n"
	"    }\n"
	"  ],\n"
	"  \"machine_types\": 2,\n"
	"  \"cpu_models\": 1,\n"
	"  \"qom_types\": 3,\n"
	"  \"devices\": 2,\n"
	"  \"device_properties\": 3,\n"
	"  \"qmp_commands\": 1,\n"
	"  \"cmdline_option_parameters\": 2,\n"
	"  \"device_failures\": [\n"
	"    {\n"
	"      \"device\": \"xen-disk\",\n"
	"      \"error\": \"crashed\"\n"
	"    }\n"
	"  ],\n"
	"  \"unsupported_queries\": [\n"
	"    {\n"
	"      \"command\": \"query-a\",\n"
	"      \"error_class\": \"GenericError\"\n"
	"    },\n"
	"    {\n"
	"      \"command\": \"query-b\",\n"
	"      \"error_class\": null\n"
	"    }\n"
	"  ]\n"
	"}\n";

static const char caps2_text[] =
	"qemu 10.2.2  /q/10.2.2\n"
	"  sha256         bb\n"
	"  version        10.2.2\n"
	"  target         x86_64\n"
	"  probed         2026-12-02T00:00:00Z, in 0.25s\n"
	"  machine types  0\n"
	"  cpu models     0\n"
	"  qom types      0\n"
	"  devices        0, with 0 properties\n"
	"  qmp commands   0\n";

static void test_caps(void **state)
{
	static const struct {
		const char *name;
		long long id;
		const char *install, *path;
		int json;
		const char *want;
	} cases[] = {
		{ "full record, text", 1, "7.2.0", "/q/7.2.0", 0, caps1_text },
		{ "full record, json", 1, "7.2.0", "/q/7.2.0", 1, caps1_json },
		{ "bare record, text", 2, "10.2.2", "/q/10.2.2", 0, caps2_text },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct install in;
		struct show_caps c;
		char *got;
		FILE *out;

		memset(&in, 0, sizeof(in));
		in.version = (char *)cases[i].install;
		in.binary_path = (char *)cases[i].path;
		assert_int_equal(show_caps_read(&st, cases[i].id, &c), 0);
		out = mem_open();
		show_caps_print(out, &in, &c, cases[i].json);
		got = mem_text(out);
		expect(cases[i].name, got, cases[i].want);
		free(got);
		show_caps_release(&c);
	}
}

static void test_caps_of_no_record(void **state)
{
	struct show_caps c;
	char *err;

	(void)state;
	tu_capture_begin();
	assert_int_equal(show_caps_read(&st, 99, &c), -1);
	err = tu_capture_end();
	assert_contains(err, "cannot read the probe record", "no record 99");
	free(err);
	show_caps_release(&c);
}

static const char list_text[] =
	"MACHINE          STATUS  FINGERPRINT  SAME AS          NOTES\n"
	"pc-i440fx-7.2    ok      beef01234567                  vfio: no iommu\n"
	"pc-q35-2.4       failed  -                             it crashed\n"
	"pc-q35-7.2       ok      f00d01234567                  \n"
	"pc-q35-10.0      ok      f00d01234567 pc-q35-7.2       \n";

static const char list_json[] =
	"[\n"
	"  {\n"
	"    \"machine\": \"pc-i440fx-7.2\",\n"
	"    \"status\": \"ok\",\n"
	"    \"fingerprint\": \"beef0123456789abcdef\",\n"
	"    \"same_as\": null,\n"
	"    \"dropped\": \"vfio: no iommu\",\n"
	"    \"error\": null,\n"
	"    \"seconds\": 1.0\n"
	"  },\n"
	"  {\n"
	"    \"machine\": \"pc-q35-2.4\",\n"
	"    \"status\": \"failed\",\n"
	"    \"fingerprint\": null,\n"
	"    \"same_as\": null,\n"
	"    \"dropped\": null,\n"
	"    \"error\": \"it crashed\",\n"
	"    \"seconds\": 2.0\n"
	"  },\n"
	"  {\n"
	"    \"machine\": \"pc-q35-7.2\",\n"
	"    \"status\": \"ok\",\n"
	"    \"fingerprint\": \"f00d0123456789abcdef\",\n"
	"    \"same_as\": null,\n"
	"    \"dropped\": null,\n"
	"    \"error\": null,\n"
	"    \"seconds\": 0.5\n"
	"  },\n"
	"  {\n"
	"    \"machine\": \"pc-q35-10.0\",\n"
	"    \"status\": \"ok\",\n"
	"    \"fingerprint\": \"f00d0123456789abcdef\",\n"
	"    \"same_as\": \"pc-q35-7.2\",\n"
	"    \"dropped\": null,\n"
	"    \"error\": null,\n"
	"    \"seconds\": 0.25\n"
	"  }\n"
	"]\n";

static void test_abi_list(void **state)
{
	static const struct {
		const char *name;
		long long id;
		int json;
		const char *want;
	} cases[] = {
		{ "four machines, text", 1, 0, list_text },
		{ "four machines, json", 1, 1, list_json },
		{ "no ABI, text", 2, 0,
		  "MACHINE          STATUS  FINGERPRINT  SAME AS          NOTES\n" },
		{ "no ABI, json", 2, 1, "[\n]\n" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct show_abi_list l;
		char *got;
		FILE *out;

		assert_int_equal(show_abi_list_read(&st, cases[i].id, &l), 0);
		out = mem_open();
		show_abi_list_print(out, &l, cases[i].json);
		got = mem_text(out);
		expect(cases[i].name, got, cases[i].want);
		free(got);
		show_abi_list_release(&l);
	}
}

static void test_abi_link_same(void **state)
{
	static const struct {
		const char *name;
		const char *fps[5]; /* "": no fingerprint */
		const char *same;   /* per row: the index of same_as, or '-' */
	} cases[] = {
		{ "all distinct", { "a", "b", "c" }, "---" },
		{ "all equal: the first", { "a", "a", "a" }, "-00" },
		{ "two groups", { "a", "b", "a", "b" }, "--01" },
		{ "no fingerprint is never the same", { "", "", "a" }, "---" },
	};
	static char *machines[] = { "m0", "m1", "m2", "m3", "m4" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct show_abi_row rows[5];
		struct show_abi_list l = { rows, 0, 5 };

		memset(rows, 0, sizeof(rows));
		for (; cases[i].fps[l.nr]; l.nr++) {
			rows[l.nr].machine = machines[l.nr];
			rows[l.nr].fingerprint =
				*cases[i].fps[l.nr] ? (char *)cases[i].fps[l.nr] : NULL;
		}
		show_abi_link_same(&l);
		for (size_t k = 0; k < l.nr; k++) {
			char want = cases[i].same[k];
			const char *got = rows[k].same_as;

			if (want == '-' ? got != NULL
					: got != machines[want - '0'])
				fail_msg("%s: row %zu same as %s, want %c", cases[i].name,
					 k, got ? got : "none", want);
		}
	}
}

static void test_abi_machine(void **state)
{
	static const struct {
		const char *name, *machine;
		int json;
		const char *want;
	} cases[] = {
		{ "ok, text", "pc-q35-7.2", 0,
		  "# pc-q35-7.2  ok  fingerprint f00d0123456789abcdef\n"
		  "# devices: ahci e1000\n"
		  "dev a/b = 1\n"
		  "dev a/c = \"x/y\"\n" },
		{ "dropped, text", "pc-i440fx-7.2", 0,
		  "# pc-i440fx-7.2  ok  fingerprint beef0123456789abcdef\n"
		  "# devices: -\n"
		  "# dropped: vfio: no iommu\n"
		  "dev z = 2\n" },
		{ "failed, text", "pc-q35-2.4", 0,
		  "# pc-q35-2.4  failed  fingerprint -\n"
		  "# devices: -\n"
		  "# error: it crashed\n" },
		{ "ok, json (slashes kept)", "pc-q35-7.2", 1,
		  "{\n"
		  "  \"machine\": \"pc-q35-7.2\",\n"
		  "  \"status\": \"ok\",\n"
		  "  \"fingerprint\": \"f00d0123456789abcdef\",\n"
		  "  \"devices\": \"ahci e1000\",\n"
		  "  \"dropped\": null,\n"
		  "  \"error\": null,\n"
		  "  \"lines\": [\n"
		  "    \"dev a/b = 1\",\n"
		  "    \"dev a/c = \\\"x/y\\\"\"\n"
		  "  ]\n"
		  "}\n" },
		{ "failed, json", "pc-q35-2.4", 1,
		  "{\n"
		  "  \"machine\": \"pc-q35-2.4\",\n"
		  "  \"status\": \"failed\",\n"
		  "  \"fingerprint\": null,\n"
		  "  \"devices\": null,\n"
		  "  \"dropped\": null,\n"
		  "  \"error\": \"it crashed\",\n"
		  "  \"lines\": [\n"
		  "  ]\n"
		  "}\n" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct show_abi_machine m;
		char *got;
		FILE *out;

		assert_int_equal(show_abi_machine_read(&st, 1, cases[i].machine, &m), 0);
		out = mem_open();
		show_abi_machine_print(out, &m, cases[i].json);
		got = mem_text(out);
		expect(cases[i].name, got, cases[i].want);
		free(got);
		show_abi_machine_release(&m);
	}
}

static void test_abi_machine_unknown(void **state)
{
	struct show_abi_machine m;
	char *err;

	(void)state;
	tu_capture_begin();
	assert_int_equal(show_abi_machine_read(&st, 1, "pc-q35-9.9", &m), -1);
	err = tu_capture_end();
	assert_contains(err,
			"error: no ABI record for machine type 'pc-q35-9.9' (see "
			"'virt-matrix show abi VERSION')",
			"unknown machine");
	free(err);
	show_abi_machine_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_caps_of_no_record),
		cmocka_unit_test(test_abi_list),
		cmocka_unit_test(test_abi_link_same),
		cmocka_unit_test(test_abi_machine),
		cmocka_unit_test(test_abi_machine_unknown),
	};
	return cmocka_run_group_tests_name("show", tests, setup, teardown);
}
