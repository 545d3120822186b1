/*
 * The decisions of "virt-matrix probe" (matrix/probe.c) without QEMU:
 * its options, which installs a command line chooses, and the exit
 * status from the probes' results.
 */
#include "testutil.h"
#include "installs.h"
#include "probe.h"

static void test_options(void **state)
{
	static const struct {
		const char *name;
		const char *args[8];
		int status;
		int force, no_abi, no_libvirt;
		long jobs; /* 0: the default, the number of cores */
		const char *db;
		int nnames;
		const char *error;
	} cases[] = {
		{ "defaults", { NULL }, PROBE_CMDLINE_OK, 0, 0, 0, 0, NULL, 0, NULL },
		{ "every option", { "--force", "--no-abi", "--no-libvirt", "-j", "3",
		  "--db", "x.db" }, PROBE_CMDLINE_OK, 1, 1, 1, 3, "x.db", 0, NULL },
		{ "names after options", { "--jobs", "64", "7.2.0", "10.2.2" },
		  PROBE_CMDLINE_OK, 0, 0, 0, 64, NULL, 2, NULL },
		{ "--jobs 0", { "--jobs", "0" }, PROBE_CMDLINE_USAGE, 0, 0, 0, 0,
		  NULL, 0, "error: --jobs wants a number from 1 to 64, not '0'" },
		{ "--jobs 65", { "-j", "65" }, PROBE_CMDLINE_USAGE, 0, 0, 0, 0,
		  NULL, 0, "not '65'" },
		{ "--help", { "7.2.0", "--help" }, PROBE_CMDLINE_HELP, 0, 0, 0, 0,
		  NULL, 0, NULL },
		{ "unknown option", { "--abi" }, PROBE_CMDLINE_USAGE, 0, 0, 0, 0,
		  NULL, 0, "unrecognized option" },
	};
	int saved_quiet = vm_quiet;

	(void)state;
	setenv("VIRT_MATRIX_DB", "/nonexistent/default.db", 1);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct probe_opts po;
		char *argv[10], *err;
		int argc = 0, rc;

		argv[argc++] = "probe";
		for (size_t k = 0; cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		argv[argc] = NULL;
		optind = 0;
		tu_capture_begin();
		rc = probe_cmdline_parse(&po, argc, argv);
		err = tu_capture_end();
		if (rc != cases[i].status)
			fail_msg("%s: status %d, want %d (%s)", cases[i].name, rc,
				 cases[i].status, err);
		if (cases[i].error)
			assert_contains(err, cases[i].error, cases[i].name);
		if (rc == PROBE_CMDLINE_OK &&
		    (po.force != cases[i].force || po.no_abi != cases[i].no_abi ||
		     po.no_libvirt != cases[i].no_libvirt ||
		     po.jobs != (cases[i].jobs ? cases[i].jobs : online_cpus()) ||
		     strcmp(po.db, cases[i].db ? cases[i].db
					      : "/nonexistent/default.db") ||
		     po.nnames != cases[i].nnames))
			fail_msg("%s: force %d no-abi %d no-libvirt %d jobs %ld "
				 "db %s names %d",
				 cases[i].name, po.force, po.no_abi, po.no_libvirt,
				 po.jobs, po.db, po.nnames);
		free(err);
		probe_opts_release(&po);
	}
	unsetenv("VIRT_MATRIX_DB");
	vm_quiet = saved_quiet;
}

static void test_choose(void **state)
{
	static const struct {
		const char *name;
		size_t ninstalls;
		const char *names[4];
		const char *chosen; /* one char per install; NULL: fails */
		const char *error;
	} cases[] = {
		{ "no names: all", 3, { NULL }, "111", NULL },
		{ "one name", 3, { "10.2.2" }, "010", NULL },
		{ "two names, any order", 3, { "7.2.22-system", "7.2.0" }, "101",
		  NULL },
		{ "a name twice", 3, { "7.2.0", "7.2.0" }, "100", NULL },
		{ "unknown name", 3, { "7.2.0", "8.0.0" }, NULL,
		  "error: no QEMU install named '8.0.0' (see 'virt-matrix ark "
		  "list')" },
		{ "a prefix is not a name", 3, { "7.2" }, NULL,
		  "no QEMU install named '7.2'" },
		{ "nothing installed", 0, { NULL }, NULL,
		  "error: no QEMU is installed; build one with 'virt-matrix ark "
		  "build'" },
		{ "nothing installed, a name", 0, { "7.2.0" }, NULL,
		  "no QEMU install named '7.2.0'" },
	};
	struct install v[3];

	(void)state;
	memset(v, 0, sizeof(v));
	v[0].version = "7.2.0";
	v[1].version = "10.2.2";
	v[2].version = "7.2.22-system";
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int chosen[4] = { 0 };
		char got[4] = "";
		char *err;
		int nnames = 0, rc;

		while (cases[i].names[nnames])
			nnames++;
		tu_capture_begin();
		rc = probe_choose(v, cases[i].ninstalls, nnames,
				  (char *const *)cases[i].names, chosen);
		err = tu_capture_end();
		for (size_t k = 0; k < cases[i].ninstalls; k++)
			got[k] = chosen[k] ? '1' : '0';
		if (cases[i].chosen && (rc || strcmp(got, cases[i].chosen)))
			fail_msg("%s: rc %d, chose %s, want %s (%s)", cases[i].name,
				 rc, got, cases[i].chosen, err);
		if (!cases[i].chosen && !rc)
			fail_msg("%s: accepted, chose %s", cases[i].name, got);
		if (cases[i].error)
			assert_contains(err, cases[i].error, cases[i].name);
		else if (*err)
			fail_msg("%s: unexpected message %s", cases[i].name, err);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_choose),
	};
	return cmocka_run_group_tests_name("probe_cmd", tests, NULL, NULL);
}
