/*
 * A real QEMU build from source, as the ark pipeline does it for users:
 * QEMU 7.2.0 from Debian's orig tarball (found through apt's deb-src
 * entries, fetched with libcurl, verified against the catalog), patched,
 * configured with the recipe in specs/, built and installed into a
 * temporary root. The downloads and ccache live in the default cache so
 * later runs reuse them; the install and the store are the test's own.
 *
 * Then the binary is checked for what the scenarios need: it runs, and it
 * has TCG, KVM support compiled in, vhost-user, virtio-9p, vfio-pci and
 * memfd memory backends.
 */
#include "testutil.h"

static char *dir, *root, *db, *logs, *vm;

static int setup(void **state)
{
	struct strbuf p = STRBUF_INIT;
	(void)state;
	dir = tu_tmpdir("realbuild");
	sb_printf(&p, "%s/opt", dir);
	root = strbuf_detach(&p);
	sb_printf(&p, "%s/matrix.db", dir);
	db = strbuf_detach(&p);
	sb_printf(&p, "%s/logs", dir);
	logs = strbuf_detach(&p);
	vm = tu_vm_binary();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("KEEP_TEST_DIR"))
		free(dir);
	else
		tu_rmdir(dir);
	free(root);
	free(db);
	free(logs);
	free(vm);
	return 0;
}

static char *qemu_output(const char *qemu, const char *const *args)
{
	char *out = NULL;

	if (tu_run(&out, (const char *const[]){ qemu, NULL }, args, 30))
		fail_msg("%s %s failed:\n%s", qemu, args[0], out);
	return out;
}

static void test_build_qemu_7_2_from_debian_source(void **state)
{
	struct command cmd;
	struct strbuf qemu = STRBUF_INIT;
	char *out;

	(void)state;
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){
		vm, "ark", "build", "--from", "debian", "--db", db, "--root",
		root, "--log-dir", logs, "qemu", "7.2.0", NULL });
	cmd.timeout = 40 * 60;
	cmd.out = CMD_OUT_INHERIT; /* progress goes to the test log */
	assert_int_equal(command_run(&cmd), 0);
	assert_true(command_succeeded(&cmd));
	command_release(&cmd);

	sb_printf(&qemu, "%s/qemu/7.2.0/bin/qemu-system-x86_64", root);
	out = qemu_output(qemu.buf, (const char *const[]){ "--version", NULL });
	assert_contains(out, "QEMU emulator version 7.2.0", "version");
	free(out);

	out = qemu_output(qemu.buf, (const char *const[]){ "-accel", "help",
							   NULL });
	assert_contains(out, "tcg", "accelerators");
	assert_contains(out, "kvm", "accelerators");
	free(out);
	out = qemu_output(qemu.buf, (const char *const[]){ "-device", "help",
							   NULL });
	assert_contains(out, "\"virtio-9p-pci\"", "devices");
	assert_contains(out, "\"vfio-pci\"", "devices");
	assert_contains(out, "\"virtio-net-pci\"", "devices");
	assert_contains(out, "\"e1000e\"", "devices");
	free(out);
	out = qemu_output(qemu.buf, (const char *const[]){ "-netdev", "help",
							   NULL });
	assert_contains(out, "vhost-user", "netdevs");
	assert_contains(out, "user", "netdevs");
	free(out);
	out = qemu_output(qemu.buf, (const char *const[]){ "-object", "help",
							   NULL });
	assert_contains(out, "memory-backend-memfd", "objects");
	free(out);

	/* Recorded in the store with the Debian source and the patch. */
	assert_int_equal(tu_run(&out, (const char *const[]){ vm, "ark", "list", NULL },
				(const char *const[]){ "--json", "--db", db,
						       "--root", root, NULL },
				30),
			 0);
	assert_contains(out, "\"source_flavour\": \"debian\"", "store");
	assert_contains(out, "7.2../0001-no-edk2-blobs.patch", "store");
	assert_contains(out, "--without-default-features", "store");
	free(out);
	strbuf_release(&qemu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_qemu_7_2_from_debian_source),
	};
	return cmocka_run_group_tests_name("real qemu build", tests, setup,
					   teardown);
}
