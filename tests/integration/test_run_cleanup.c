/*
 * Nothing of a run survives it: not when QEMU "hangs" (the guest cannot
 * finish within --timeout, so the runner kills it), and not when the run
 * is interrupted with Ctrl-C (SIGINT to its process group) while QEMU
 * and testpmd are up. The runs use a TMPDIR of the test's own, so every
 * socket and directory of theirs is under it, and every QEMU and
 * testpmd of theirs names it on its command line.
 */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "teststore.h"
#include "tuproc.h"

static char *dir, *db, *vm, *tmp;

static int setup(void **state)
{
	(void)state;
	tu_store_with_debian_qemu("cleanup", &dir, &db, &vm);
	tmp = tu_private_tmpdir(dir, 0700);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("TMPDIR");
	tu_store_release(dir, db, vm);
	free(tmp);
	return 0;
}

/* Processes whose command line mentions the test's TMPDIR. */
static int processes_using_tmp(struct strbuf *which)
{
	return processes_with(tmp, which);
}

static void assert_nothing_left(const char *when)
{
	tu_assert_nothing_left(tmp, when);
}

/*
 * /var/run/dpdk/vmx<pid> (testpmd's runtime dirs, named after the
 * virt-matrix process that started it) whose process is gone, as one
 * sorted string: a leftover. Another virt-matrix on the machine (a sweep
 * beside the tests) has its own, of a process that is alive.
 */
static char *dpdk_dirs(void)
{
	struct strbuf s = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n = scandir("/var/run/dpdk", &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		long pid = strtol(name + 3, NULL, 10);

		if (!strncmp(name, "vmx", 3) && (pid <= 0 || kill((pid_t)pid, 0)))
			sb_printf(&s, "%s ", name);
		free(ents[i]);
	}
	free(ents);
	return strbuf_detach(&s);
}

static void test_a_hung_guest_is_killed_and_cleaned_up(void **state)
{
	struct store st;
	char *out = NULL, *v, *dpdk_before = dpdk_dirs(), *dpdk_after;

	(void)state;
	/* A TCG boot takes seconds: with 3 s the guest cannot finish. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vhost-user",
							"--timeout", "3", NULL },
			   (const char *const[]){ "--db", db, NULL }, 300),
		    1);
	free(out);
	assert_nothing_left("after a hang");
	dpdk_after = dpdk_dirs();
	assert_string_equal(dpdk_after, dpdk_before);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'vhost-user'");
	assert_starts_with(v, "fail: the guest did not finish within 3 s (QEMU hung or "
			      "the guest did); its console ");
	free(v);
	/* What the guest had printed so far and testpmd's log are kept. */
	v = tu_query1(&st, "SELECT backend_log FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "start packet forwarding", "testpmd log");
	free(v);
	store_close(&st);
	free(dpdk_before);
	free(dpdk_after);
}

static void test_ctrl_c_leaves_nothing(void **state)
{
	struct command cmd;
	char *dpdk_before = dpdk_dirs(), *dpdk_after;
	double t0 = now_monotonic();

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "run", "--scenario", "vhost-user",
						       "--scenario", "passthrough", "--jobs", "2",
						       "--db", db, NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 300;
	assert_int_equal(command_start(&cmd), 0);
	/* Both runs are up once their QEMUs (and testpmd) are. */
	while (processes_using_tmp(NULL) < 3 && now_monotonic() - t0 < 120)
		usleep(100000);
	assert_true(processes_using_tmp(NULL) >= 3);
	/* Ctrl-C: SIGINT to the whole foreground process group. */
	command_kill(&cmd, SIGINT);
	assert_int_equal(command_wait(&cmd, 60), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 130);
	assert_nothing_left("after Ctrl-C");
	dpdk_after = dpdk_dirs();
	assert_string_equal(dpdk_after, dpdk_before);
	command_release(&cmd);
	free(dpdk_before);
	free(dpdk_after);
}

/*
 * Ctrl-C while a guest runs through Debian's libvirtd: the domain is
 * destroyed and undefined, the daemon stopped, its private tree and the
 * run directory removed.
 */
static void test_ctrl_c_through_libvirt_leaves_nothing(void **state)
{
	struct command cmd;
	char *out = NULL;
	double t0 = now_monotonic();

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "import", "libvirt", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	free(out);
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
						       "--libvirt", "9.0.0-system",
						       "--db", db, NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 300;
	assert_int_equal(command_start(&cmd), 0);
	/* The daemon's supervisor and libvirt's QEMU name files in TMPDIR. */
	while (!processes_with("guest=vmx-vm-q35-", NULL) && now_monotonic() - t0 < 120)
		usleep(100000);
	assert_true(processes_with("guest=vmx-vm-q35-", NULL));
	command_kill(&cmd, SIGINT);
	assert_int_equal(command_wait(&cmd, 60), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 130);
	/* Ours too: its supervisor and daemon name their tree in our TMPDIR. */
	assert_nothing_left("after Ctrl-C through libvirt");
	assert_int_equal(processes_with("guest=vmx-vm-q35-", NULL), 0);
	command_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_hung_guest_is_killed_and_cleaned_up),
		cmocka_unit_test(test_ctrl_c_leaves_nothing),
		cmocka_unit_test(test_ctrl_c_through_libvirt_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
