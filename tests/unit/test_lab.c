/*
 * What the lab makes of L2's QMP answers (runner/lab.c): the answers a
 * real QEMU gives pass the checks; answers of the wrong JSON types (a
 * QEMU from an arbitrary commit can answer anything) fail them, without
 * crashing and without json-c's conversions inventing values.
 */
#include "testutil.h"
#include "lab.h"


static const struct {
	const char *name;
	const char *log;
	int parsed;  /* inspect_parse found query-pci */
	int failed;  /* checks that fail */
} cases[] = {
	{ "a real QEMU's answers",
	  "{\"QMP\": {}}\n{\"return\": {}, \"id\": \"caps\"}\n"
	  "{\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 4, "
	  "\"function\": 0, \"qdev_id\": \"pt_0\", \"id\": {\"vendor\": 32902, "
	  "\"device\": 4307}}]}], \"id\": \"pci\"}\n"
	  "{\"return\": [{\"thread-id\": 1}, {\"thread-id\": 2}], \"id\": \"cpus\"}\n"
	  "{\"return\": {\"base-memory\": 268435456}, \"id\": \"mem\"}\n",
	  1, 0 },
	{ "ids of the wrong type are not answers",
	  "{\"return\": [], \"id\": 5}\n{\"return\": [], \"id\": null}\n", 0, 4 },
	{ "devices, qdev_id and ids of the wrong types",
	  "{\"return\": [{\"bus\": 0, \"devices\": {}}, {\"devices\": [{\"qdev_id\": 5, "
	  "\"id\": [1]}, {\"qdev_id\": \"pt_0\", \"id\": {\"vendor\": \"32902\", "
	  "\"device\": null}, \"pci_bridge\": {\"devices\": 3}}]}], \"id\": \"pci\"}\n"
	  "{\"return\": {\"thread-id\": 1}, \"id\": \"cpus\"}\n"
	  "{\"return\": {\"base-memory\": \"268435456\"}, \"id\": \"mem\"}\n",
	  1, 4 },
	{ "answers that are not objects", "[1]\n\"x\"\n{\"return\": 1, \"id\": \"pci\"}\n",
	  1, 4 },
};

static void test_answers(void **state)
{
	struct scenario s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scenario_load(&s, "tests/data/runs/lab-passthrough.cfg"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inspect_answers a;
		struct guest_outcome o;
		int r = inspect_parse(cases[i].log, strlen(cases[i].log), &a);

		if ((r == 0) != cases[i].parsed)
			fail_msg("%s: inspect_parse returned %d", cases[i].name, r);
		memset(&o, 0, sizeof(o));
		inspect_eval(&s, &a, "8086:10d3", &o);
		if (o.failed != cases[i].failed) {
			for (size_t k = 0; k < o.nchecks; k++)
				print_message("  %s %s: %s\n", o.checks[k].kind,
					      o.checks[k].pass ? "pass" : "FAIL",
					      o.checks[k].detail);
			fail_msg("%s: %d checks failed, want %d", cases[i].name,
				 o.failed, cases[i].failed);
		}
		guest_outcome_release(&o);
		inspect_answers_release(&a);
	}
	scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
	};
	return cmocka_run_group_tests_name("lab", tests, NULL, NULL);
}
