/*
 * Migrations through libvirt for real: Debian's own libvirt (two
 * daemons of it, each with a host UUID of its own, in private mount
 * namespaces) with Debian's QEMU 7.2.22 and the 7.2.0 that
 * test_real_builds built, on pc-q35-7.1. Each (libvirt, QEMU) end first
 * migrates to itself (the control); then both QEMU pairs. Debian's
 * state goes to upstream's and the guest proves it there; upstream's
 * 7.2.0 offers virtio's RING_RESET to a pc-*-7.1 guest, which Debian's
 * refuses to load: libvirt's verdict and QEMU's own words are kept, on
 * the destination's side. Ctrl-C leaves no QEMU, no daemon and no file.
 */
#include <signal.h>
#include <unistd.h>

#include "migtest.h"
#include "tuproc.h"

static char *dir, *db, *vm, *tmp;

static int setup(void **state)
{
	(void)state;
	if (tu_store_with_real_qemu("migrate-libvirt", &dir, &db, &vm))
		return -1;
	tu_import_debian_libvirt(vm, db);
	tmp = tu_private_tmpdir(dir, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_private_release(dir, db, vm, tmp);
	return 0;
}

/* One column of the libvirt row (src -> dst on pc-q35-7.1). */
static char *col(struct store *st, const char *what, const char *src, const char *dst)
{
	struct strbuf q = STRBUF_INIT;
	char *v;

	sb_printf(&q, "SELECT %s FROM migrations WHERE mode = 'libvirt' AND src_qemu = '%s'"
		      " AND dst_qemu = '%s' AND machine = 'pc-q35-7.1' AND src_libvirt ="
		      " '9.0.0-system' AND dst_libvirt = '9.0.0-system'",
		  what, src, dst);
	v = tu_query1(st, q.buf);
	if (!v)
		fail_msg("no row: %s", q.buf);
	strbuf_release(&q);
	return v;
}

static void assert_proven(struct store *st, const char *src, const char *dst)
{
	char *checks = col(st, "checks", src, dst);

	tu_assert_proven(checks, src);
	free(checks);
}

static void test_through_debian_libvirt(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "migrate", "--libvirt", "9.0.0-system",
							"--machine", "pc-q35-7.1", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    1);
	assert_contains(out, "2 pairs through libvirt", "plan line");
	assert_contains(out, "starting two daemons of libvirt 9.0.0-system", "daemons");
	free(out);
	tu_assert_nothing_left(tmp, "after the migrations");
	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM migrations WHERE"
					   " mode = 'libvirt'"),
			 4);
	/* The controls, and Debian's guest on upstream's QEMU: proven. */
	v = col(&st, "status || '|' || coalesce(side, '-') || '|' || coalesce(reason, '')",
		"7.2.0", "7.2.0");
	assert_string_equal(v, "pass|-|");
	free(v);
	v = col(&st, "status", "7.2.22-system", "7.2.22-system");
	assert_string_equal(v, "pass");
	free(v);
	v = col(&st, "status || '|' || coalesce(side, '-')", "7.2.22-system", "7.2.0");
	assert_string_equal(v, "pass|-");
	free(v);
	assert_proven(&st, "7.2.0", "7.2.0");
	assert_proven(&st, "7.2.22-system", "7.2.0");
	/* Upstream's guest on Debian's QEMU: libvirt's verdict and QEMU's words. */
	v = col(&st, "status || '|' || side || '|' || reason", "7.2.0", "7.2.22-system");
	assert_starts_with(v, "fail|destination|libvirt: ");
	assert_contains(v, "; QEMU on the destination: qemu-system-x86_64: Features "
			   "0x10130af8024 unsupported.", "reason");
	assert_contains(v, "error while loading state for instance 0x0 of device "
			   "'0000:00:10.0/virtio-net'", "reason");
	free(v);
	/* The argv is libvirt's: its machine option, our NICs passed through. */
	v = col(&st, "src_argv || dst_argv", "7.2.22-system", "7.2.0");
	assert_contains(v, "\"-machine\",\"pc-q35-7.1,", "argv");
	assert_contains(v, "\"e1000e,id=nic0,netdev=un1,bus=pcie.0,addr=0x11\"", "argv");
	assert_contains(v, "\"-incoming\",\"defer\"", "argv");
	assert_contains(v, "/usr/bin/qemu-system-x86_64", "argv");
	assert_contains(v, TU_REAL_QEMU, "argv");
	free(v);
	store_close(&st);
}

static void test_ctrl_c_leaves_nothing(void **state)
{
	struct command cmd;
	double t0 = now_monotonic();

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "migrate", "--libvirt", "all",
						       "--machine", "pc-q35-7.0", "--db", db,
						       NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 300;
	assert_int_equal(command_start(&cmd), 0);
	/* A guest is up once a QEMU names the TMPDIR (its console socket). */
	while (!processes_with_all(tmp, "qemu-system", NULL) && now_monotonic() - t0 < 120)
		usleep(100000);
	assert_true(processes_with_all(tmp, "qemu-system", NULL) >= 1);
	command_kill(&cmd, SIGINT);
	assert_int_equal(command_wait(&cmd, 90), 0);
	assert_true(cmd.exited);
	if (cmd.status != 130)
		fail_msg("status %d:\n%s", cmd.status, cmd.output.buf);
	tu_assert_nothing_left(tmp, "after Ctrl-C");
	command_release(&cmd);
	{
		struct store st;

		assert_int_equal(store_open(&st, db), 0);
		assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM sweeps WHERE"
						   " kind = 'migrate' AND status = 'interrupted'"),
				 1);
		store_close(&st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_through_debian_libvirt),
		cmocka_unit_test(test_ctrl_c_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
