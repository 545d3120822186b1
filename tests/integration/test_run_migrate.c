/*
 * The migration matrix for real: Debian's QEMU 7.2.22 and the 7.2.0 that
 * test_real_builds built from source, on pc-q35-7.1 and pc-i440fx-7.1,
 * both directions and each QEMU to itself (the control), saved on the
 * source and restored on the destination. Each destination that passes
 * has the guest's proof; the one that fails keeps QEMU's own words
 * (upstream 7.2.0 offers virtio's RING_RESET to a pc-*-7.1 guest, which
 * Debian's 7.2.22 refuses to load: see test_guestview_qemu). A source
 * with a device the destinations lack fails its control with QEMU's
 * message, and every other destination of it is an error, not a result.
 * Ctrl-C leaves no QEMU and no file behind.
 */
#include <signal.h>
#include <unistd.h>

#include "migtest.h"
#include "tuproc.h"
#include "migguest.h"
#include "migjob.h"

static char *dir, *db, *vm, *tmp;

static int setup(void **state)
{
	(void)state;
	if (tu_store_with_real_qemu("migrate", &dir, &db, &vm))
		return -1;
	tmp = tu_private_tmpdir(dir, 0700);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_private_release(dir, db, vm, tmp);
	return 0;
}

/* The row of one migration: "status|side|reason". */
static char *row(struct store *st, const char *src, const char *dst, const char *machine)
{
	struct strbuf q = STRBUF_INIT;
	char *v;

	sb_printf(&q, "SELECT status || '|' || coalesce(side, '-') || '|' ||"
		      " coalesce(reason, '') FROM migrations WHERE src_qemu = '%s'"
		      " AND dst_qemu = '%s' AND machine = '%s' AND mode = 'file'",
		  src, dst, machine);
	v = tu_query1(st, q.buf);
	if (!v)
		fail_msg("no migration %s -> %s on %s", src, dst, machine);
	strbuf_release(&q);
	return v;
}

/* The guest's six proofs on the destination, every one passed. */
static void assert_proven(struct store *st, const char *src, const char *dst,
			  const char *machine)
{
	struct strbuf q = STRBUF_INIT;
	char *checks;

	sb_printf(&q, "SELECT checks FROM migrations WHERE src_qemu = '%s' AND"
		      " dst_qemu = '%s' AND machine = '%s'", src, dst, machine);
	checks = tu_query1(st, q.buf);
	tu_assert_proven(checks, q.buf);
	free(checks);
	strbuf_release(&q);
}

static void test_small_matrix_both_ways(void **state)
{
	static const char *const machines[] = { "pc-q35-7.1", "pc-i440fx-7.1" };
	struct store st;
	char *out = NULL, *v;

	(void)state;
	/* 7.2.0 cannot go to 7.2.22: a failure, exit 1. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "migrate", "--machine", "pc-q35-7.1",
							"--machine", "pc-i440fx-7.1", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    1);
	assert_contains(out, "4 sources x machine type", "plan line");
	assert_contains(out, "8 migrations (file)", "plan line");
	free(out);
	tu_assert_nothing_left(tmp, "after the matrix");
	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM migrations"), 8);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM sweeps WHERE kind = 'migrate'"
					   " AND status = 'finished'"),
			 1);
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		const char *m = machines[i];

		/* The controls, and Debian's state restored on upstream: proven. */
		v = row(&st, "7.2.0", "7.2.0", m);
		assert_string_equal(v, "pass|-|");
		free(v);
		assert_proven(&st, "7.2.0", "7.2.0", m);
		v = row(&st, "7.2.22-system", "7.2.22-system", m);
		assert_string_equal(v, "pass|-|");
		free(v);
		v = row(&st, "7.2.22-system", "7.2.0", m);
		assert_string_equal(v, "pass|-|");
		free(v);
		assert_proven(&st, "7.2.22-system", "7.2.0", m);
		/* Upstream's state on Debian's: refused, in QEMU's words. */
		v = row(&st, "7.2.0", "7.2.22-system", m);
		assert_starts_with(v, "fail|destination|loading the state on the destination: "
				      "qemu-system-x86_64: Features 0x10130af8024 unsupported.");
		assert_contains(v, "error while loading state for instance 0x0 of device "
				   "'0000:00:02.0/virtio-net'", m);
		free(v);
	}
	/* Both sides' argvs: the same machine and devices, the destination incoming. */
	v = tu_query1(&st, "SELECT src_argv || dst_argv || src_transport || dst_transport"
			   " FROM migrations WHERE src_qemu = '7.2.0' AND dst_qemu = '7.2.22-system'"
			   " AND machine = 'pc-q35-7.1'");
	assert_contains(v, "\"-machine\",\"pc-q35-7.1\"", "argv");
	assert_contains(v, "\"e1000e,id=nic0,netdev=un1\"", "argv");
	assert_contains(v, "\"hubport,id=hub0,hubid=0,netdev=user0\"", "argv");
	assert_contains(v, "\"-incoming\",\"defer\"", "argv");
	/* 7.2 has no file: transport: exec: on both sides. */
	assert_contains(v, "]execexec", "transports");
	free(v);
	store_close(&st);
}

/*
 * A source with a device no destination has: the control fails with the
 * destination QEMU's message, and the other destination is an error that
 * says the control failed. Run through the job's function (the command
 * line has no way to break a migration, as it should not).
 */
static void test_device_on_the_source_only(void **state)
{
	const struct mig_qemu debian = { "7.2.22-system", "/usr/bin/qemu-system-x86_64", NULL };
	const struct mig_qemu upstream = { "7.2.0", TU_REAL_QEMU, NULL };
	const struct mig_qemu *dsts[] = { &debian, &upstream };
	const char *const extra[] = { "-device", "virtio-rng-pci,id=rng0", NULL };
	const struct mig_job j = { "pc-q35-7.1", 1, MIG_FILE, &debian, dsts, 2 };
	struct mig_files f;
	struct mig_env env;
	struct mig_source src;
	struct result res[2];
	const char *tr[2];
	char *rundir = tu_tmpdir("migjob");

	(void)state;
	assert_int_equal(mig_guest_files(&f), 0);
	memset(&env, 0, sizeof(env));
	env.kernel = f.kernel;
	env.initrd = f.initrd;
	env.image = f.image;
	env.rundir = rundir;
	env.timeout = 240;
	env.src_extra = extra;
	mig_job_run(&j, &env, &src, res, tr);
	assert_int_equal(src.r.status, RUN_STATUS_NONE);
	assert_string_equal(src.transport, "exec");
	assert_int_equal(res[0].status, RUN_ERROR);
	assert_starts_with(res[0].reason.buf,
			   "the control (QEMU 7.2.22-system to itself) failed: loading the "
			   "state on the destination: qemu-system-x86_64: Unknown savevm "
			   "section or instance '0000:00:05.0/virtio-rng' 0.");
	assert_contains(res[0].reason.buf, "/virtio-rng' 0. Make sure that your current "
					   "VM setup matches your saved VM setup", "control");
	assert_int_equal(res[1].status, RUN_ERROR);
	assert_string_equal(res[1].reason.buf, res[0].reason.buf);
	/* The other destination was not tried: it has no argv. */
	assert_int_equal(res[1].argv.nr, 0);
	for (size_t i = 0; i < 2; i++)
		result_release(&res[i]);
	mig_source_release(&src);
	mig_guest_files_release(&f);
	/* The job's directory is as it found it: empty. */
	tu_assert_nothing_left(rundir, "in the job's directory");
	tu_rmdir(rundir);
	tu_assert_nothing_left(tmp, "after the broken migration");
}

static void test_ctrl_c_leaves_nothing(void **state)
{
	struct command cmd;
	double t0 = now_monotonic();

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "migrate", "--machine", "pc-q35-7.0",
						       "--db", db, NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 300;
	assert_int_equal(command_start(&cmd), 0);
	/* Both sources are up once their QEMUs name the TMPDIR. */
	while (processes_with(tmp, NULL) < 2 && now_monotonic() - t0 < 120)
		usleep(100000);
	assert_true(processes_with(tmp, NULL) >= 2);
	command_kill(&cmd, SIGINT);
	assert_int_equal(command_wait(&cmd, 60), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 130);
	tu_assert_nothing_left(tmp, "after Ctrl-C");
	command_release(&cmd);
	{
		struct store st;

		assert_int_equal(store_open(&st, db), 0);
		assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM migrations WHERE"
						   " machine = 'pc-q35-7.0'"),
				 0);
		assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM sweeps WHERE"
						   " kind = 'migrate' AND status = 'interrupted'"),
				 1);
		store_close(&st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_matrix_both_ways),
		cmocka_unit_test(test_device_on_the_source_only),
		cmocka_unit_test(test_ctrl_c_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
