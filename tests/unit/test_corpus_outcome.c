/*
 * Telling libvirt's messages apart (corpus/outcome.c). Every message is
 * one a real daemon gave while running libvirt's own test domains
 * (libvirt 11.3.0 with the ark-built QEMU 10.0.2, unless a case says
 * otherwise), as it came, except where a case's name says that its
 * domain name and time were replaced or that it was cut to one rule.
 */
#include "testutil.h"

#include "outcome.h"

static const struct {
	const char *name;
	enum corp_step step;
	const char *msg;
	enum corp_outcome want;
	const char *why; /* the whole reason recorded */
} cases[] = {
	{ "libvirt's XML check at define", CORP_STEP_DEFINE,
	  "XML error: Attempted double use of PCI Address 0000:00:01.1", CORP_REJECTED,
	  "XML error: Attempted double use of PCI Address 0000:00:01.1" },
	{ "libvirt's check against the QEMU's capabilities at start", CORP_STEP_START,
	  "unsupported configuration: spice graphics are not supported with this QEMU",
	  CORP_REJECTED,
	  "unsupported configuration: spice graphics are not supported with this QEMU" },
	{ "QEMU refuses a device: its own line, without libvirt's timestamp",
	  CORP_STEP_START,
	  "internal error: QEMU unexpectedly closed the monitor (vm='vmx-capture-refused'): "
	  "2026-12-06T22:23:50.714909Z qemu-system-x86_64: -device {\"driver\":\"idontexist\","
	  "\"netdev\":\"hostnet0\",\"id\":\"net0\",\"mac\":\"00:11:22:33:44:55\",\"bus\":"
	  "\"pci.0\",\"addr\":\"0x2\"}: 'idontexist' is not a valid device model name",
	  CORP_REFUSED,
	  "qemu-system-x86_64: -device {\"driver\":\"idontexist\",\"netdev\":\"hostnet0\","
	  "\"id\":\"net0\",\"mac\":\"00:11:22:33:44:55\",\"bus\":\"pci.0\",\"addr\":\"0x2\"}: "
	  "'idontexist' is not a valid device model name" },
	{ "QEMU refuses what its build lacks", CORP_STEP_START,
	  "internal error: QEMU unexpectedly closed the monitor (vm='vmx-capture-refused'): "
	  "2026-12-06T22:23:52.019586Z qemu-system-x86_64: NUMA node binding are not "
	  "supported by this QEMU",
	  CORP_REFUSED, "qemu-system-x86_64: NUMA node binding are not supported by this QEMU" },
	{ "libvirt 7.0.0 (with QEMU 7.2.0): the process exited; QEMU's warnings "
	  "left out",
	  CORP_STEP_START,
	  "internal error: process exited while connecting to monitor: qemu-system-x86_64: "
	  "-chardev socket,id=charmonitor,fd=17,server,nowait: warning: short-form "
	  "boolean option 'server' deprecated\nPlease use server=on instead\n"
	  "qemu-system-x86_64: -chardev socket,id=charmonitor,fd=17,server,nowait: "
	  "warning: short-form boolean option 'nowait' deprecated\nPlease use wait=off "
	  "instead\n2026-12-06T22:24:12.910126Z qemu-system-x86_64: -device idontexist,"
	  "netdev=hostnet0,id=net0,mac=00:11:22:33:44:55,bus=pci.0,addr=0x2: 'idontexist' "
	  "is not a valid device model name",
	  CORP_REFUSED,
	  "qemu-system-x86_64: -device idontexist,netdev=hostnet0,id=net0,"
	  "mac=00:11:22:33:44:55,bus=pci.0,addr=0x2: 'idontexist' is not a valid device "
	  "model name" },
	{ "only warnings: they are what QEMU said (cut from the case before)", CORP_STEP_START,
	  "internal error: process exited while connecting to monitor: qemu-system-x86_64: "
	  "-chardev socket,id=charmonitor,fd=17,server,nowait: warning: short-form "
	  "boolean option 'server' deprecated\nPlease use server=on instead",
	  CORP_REFUSED,
	  "qemu-system-x86_64: -chardev socket,id=charmonitor,fd=17,server,nowait: "
	  "warning: short-form boolean option 'server' deprecated" },
	{ "a QMP command QEMU refused at start", CORP_STEP_START,
	  "internal error: unable to execute QEMU command 'device_add': Bus 'pci.0' does "
	  "not support hotplugging",
	  CORP_REFUSED,
	  "unable to execute QEMU command 'device_add': Bus 'pci.0' does not support "
	  "hotplugging" },
	{ "an address this host does not have is a missing resource (name, time replaced)", CORP_STEP_START,
	  "internal error: QEMU unexpectedly closed the monitor (vm='vmcorpus-1-2'): "
	  "2026-12-06T22:15:01.000000Z qemu-system-x86_64: -vnc "
	  "[2001:1:2:3:4:5:1234:1234]:3,audiodev=audio1: Failed to bind socket: Cannot "
	  "assign requested address",
	  CORP_SKIPPED,
	  "an address the domain names is not this host's: qemu-system-x86_64: -vnc "
	  "[2001:1:2:3:4:5:1234:1234]:3,audiodev=audio1: Failed to bind socket: Cannot "
	  "assign requested address" },
	{ "the same image written twice: QEMU's image locking refuses it",
	  CORP_STEP_START,
	  "internal error: QEMU unexpectedly closed the monitor (vm='vmcorpus-1-3'): "
	  "2026-12-06T22:15:02.000000Z qemu-system-x86_64: -device {\"driver\":\"ide-hd\","
	  "\"bus\":\"ide.0\",\"unit\":0,\"drive\":\"libvirt-1-storage\",\"id\":\"ide0-0-0\","
	  "\"bootindex\":1}: Failed to get \"write\" lock",
	  CORP_REFUSED,
	  "qemu-system-x86_64: -device {\"driver\":\"ide-hd\",\"bus\":\"ide.0\",\"unit\":0,"
	  "\"drive\":\"libvirt-1-storage\",\"id\":\"ide0-0-0\",\"bootindex\":1}: Failed to "
	  "get \"write\" lock" },
	{ "a port in use (name, time replaced)", CORP_STEP_START,
	  "internal error: QEMU unexpectedly closed the monitor (vm='vmcorpus-1-4'): "
	  "2026-12-06T22:30:02.000000Z qemu-system-x86_64: -vnc 127.0.0.1:3,audiodev=audio1: "
	  "Failed to find an available port: Address already in use",
	  CORP_SKIPPED,
	  "a port the domain names is in use on this host: qemu-system-x86_64: -vnc "
	  "127.0.0.1:3,audiodev=audio1: Failed to find an available port: Address already "
	  "in use" },
	{ "libvirt says a storage file is not there", CORP_STEP_START,
	  "Cannot access storage file '/var/lib/libvirt/images/f14.img': No such file or "
	  "directory",
	  CORP_SKIPPED,
	  "Cannot access storage file '/var/lib/libvirt/images/f14.img': No such file or "
	  "directory" },
	{ "libvirt's minimum QEMU version (libvirt 11.3.0 with QEMU 5.2.0)", CORP_STEP_START,
	  "internal error: QEMU version >= 6.2.0 is required, but 5.2.0 found",
	  CORP_UNSUPPORTED, "libvirt: QEMU version >= 6.2.0 is required, but 5.2.0 found" },
	{ "no message at all (made up: one rule)", CORP_STEP_START, NULL, CORP_ERROR,
	  "libvirt gave no message" },
	{ "QEMU's name at define is still libvirt's rejection (made up: one rule)", CORP_STEP_DEFINE,
	  "XML error: qemu-system-x86_64 is not a valid machine", CORP_REJECTED,
	  "XML error: qemu-system-x86_64 is not a valid machine" },
};

static void test_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf why = STRBUF_INIT;
		enum corp_outcome got = corp_classify(cases[i].step, cases[i].msg, &why);

		if (got != cases[i].want || strcmp(why.buf, cases[i].why))
			fail_msg("case '%s': got %s '%s', want %s '%s'", cases[i].name,
				 corp_outcome_to_string(got), why.buf,
				 corp_outcome_to_string(cases[i].want), cases[i].why);
		strbuf_release(&why);
	}
}

/* The store's strings, both ways (corpus_runs.outcome's CHECK lists them). */
static void test_outcome_strings(void **state)
{
	static const char *const want[] = { "started", "rejected", "refused", "skipped",
					    "error", "unsupported" };

	(void)state;
	assert_int_equal(ARRAY_SIZE(want), CORP_OUTCOME_LAST);
	for (int k = 0; k < CORP_OUTCOME_LAST; k++) {
		assert_string_equal(corp_outcome_to_string((enum corp_outcome)k), want[k]);
		assert_int_equal(corp_outcome_from_string(want[k]), k);
	}
	assert_int_equal(corp_outcome_from_string("pass"), -1);
	assert_null(corp_outcome_to_string(CORP_OUTCOME_LAST));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_outcome_strings),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
