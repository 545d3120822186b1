/* Which messages are a component's refusal of a pair by rule (runner/support.c). */
#include "testutil.h"
#include "support.h"

static const struct {
	const char *name;
	const char *msg;
	const char *component; /* NULL: not a refusal */
	const char *words;
} cases[] = {
	{ "libvirt 11.3 to QEMU 5.2, as probe recorded it",
	  "cannot get domain capabilities: internal error: QEMU version >= 6.2.0 "
	  "is required, but 5.2.0 found (daemon: libvirtd)",
	  "libvirt", "QEMU version >= 6.2.0 is required, but 5.2.0 found" },
	{ "the bare message",
	  "QEMU version >= 4.2.0 is required, but 3.1.0 found",
	  "libvirt", "QEMU version >= 4.2.0 is required, but 3.1.0 found" },
	{ "inside a run's reason",
	  "libvirt 11.3.0 rejects the domain: An error occurred, but the cause is "
	  "unknown; libvirt 11.3.0's daemon, asked by probe about this QEMU, said: "
	  "internal error: QEMU version >= 6.2.0 is required, but 5.2.0 found",
	  "libvirt", "QEMU version >= 6.2.0 is required, but 5.2.0 found" },
	{ "the cause is unknown, and nothing else",
	  "An error occurred, but the cause is unknown", NULL, NULL },
	{ "a version in another sentence",
	  "QEMU version >= 6.2.0 behaves differently", NULL, NULL },
	{ "no end", "QEMU version >= 6.2.0 is required, but", NULL, NULL },
	{ "a plain failure", "QEMU exited with status 1 before the guest finished",
	  NULL, NULL },
	{ "empty", "", NULL, NULL },
	{ "NULL", NULL, NULL, NULL },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *component = NULL, *words = NULL;
		size_t len = 0;
		int r = support_refusal(cases[i].msg, &component, &words, &len);

		if (r != (cases[i].component != NULL))
			fail_msg("%s: support_refusal returned %d", cases[i].name, r);
		if (!r)
			continue;
		if (strcmp(component, cases[i].component) ||
		    len != strlen(cases[i].words) || memcmp(words, cases[i].words, len))
			fail_msg("%s: got %s '%.*s', want %s '%s'", cases[i].name,
				 component, (int)len, words, cases[i].component,
				 cases[i].words);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("support", tests, NULL, NULL);
}
