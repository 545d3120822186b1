/*
 * Real builds from source, as the ark pipeline does them for users, and
 * the pair they make. First QEMU 7.2.0:
 * QEMU 7.2.0 from Debian's orig tarball (found through apt's deb-src
 * entries, fetched with libcurl, verified against the catalog), patched,
 * configured with the recipe in specs/, built and installed into a
 * temporary root. The downloads and ccache live in the default cache so
 * later runs reuse them; the install and the store are the test's own.
 *
 * Then the binary is checked for what the scenarios need: it runs, and it
 * has TCG, KVM support compiled in, vhost-user, virtio-9p, vfio-pci and
 * memfd memory backends.
 *
 * Then libvirt 9.0.0 (meson, QEMU and remote drivers) beside it, and
 * virt-matrix probe: the libvirt daemon of that version, started from its
 * own prefix with its sockets there, gives the domain capabilities of the
 * QEMU just built, and is gone afterwards.
 *
 * The builds are made in TU_REAL_BUILDS by tu_real_build, which
 * test_report_html uses too when it finds no QEMU there; they stay for the
 * tests that run after this one (test_report_html probes the QEMU beside
 * Debian's), and the next run of this test removes them first.
 */
#include <dirent.h>
#include "testutil.h"

static const char *const root = TU_REAL_ROOT, *const db = TU_REAL_DB;
static char *vm;

static int setup(void **state)
{
	(void)state;
	/*
	 * A fixed place, not a random one: QEMU bakes its prefix into every
	 * object, so only a stable prefix lets ccache serve the next run.
	 * Short, too: libvirt's monitor socket lives under its prefix
	 * (.../var/lib/libvirt/qemu/domain-N-NAME/monitor.sock), and a unix
	 * socket path has 107 bytes. Emptied: the builds are what is tested.
	 */
	tu_real_builds_reset();
	vm = tu_vm_binary();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* The builds are left for the tests after this one (TU_REAL_BUILDS). */
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
	struct strbuf qemu = STRBUF_INIT;
	char *out;

	(void)state;
	tu_real_build(vm, "qemu", "7.2.0");

	sb_printf(&qemu, "%s/qemu/7.2.0/bin/qemu-system-x86_64", root);
	assert_string_equal(qemu.buf, TU_REAL_QEMU);
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
	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "list", NULL },
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

static void test_build_libvirt_and_probe_the_pair(void **state)
{
	char *out = NULL;
	struct strbuf prefix = STRBUF_INIT, sock = STRBUF_INIT;

	(void)state;
	tu_real_build(vm, "libvirt", "9.0.0");

	sb_printf(&prefix, "%s/libvirt/9.0.0", root);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "probe", NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	assert_contains(out, "qemu 7.2.0: probed in", "probe");
	assert_contains(out, "libvirt 9.0.0: domain capabilities of 2 (QEMU, machine) pairs: 2 probed", "probe");
	free(out);

	/* What libvirt 9.0.0 says about the QEMU 7.2.0 built above. */
	assert_exit(tu_run(&out, (const char *const[]){ "sqlite3", db, NULL },
			   (const char *const[]){
				   "SELECT machine, resolved_machine, virttype,"
				   " instr(xml, '/qemu/7.2.0/bin/qemu-system-x86_64</path>') > 0"
				   " FROM domcaps ORDER BY machine", NULL },
			   30),
		    0);
	assert_contains(out, "pc|pc-i440fx-7.2|qemu|1", "domcaps pc");
	assert_contains(out, "q35|pc-q35-7.2|qemu|1", "domcaps q35");
	free(out);

	/* The daemon is gone, its sockets were under its prefix, not in /run. */
	assert_false(tu_running_from(prefix.buf));
	sb_printf(&sock, "%s/var/run/libvirt", prefix.buf);
	assert_true(is_dir(sock.buf));
	strbuf_release(&prefix);
	strbuf_release(&sock);
}

/*
 * One (libvirt, QEMU) pair for real: vm-q35 through the libvirt 9.0.0
 * daemon with <emulator> the QEMU 7.2.0 built above, beside the direct
 * run. The guest's checks pass, the argv is the one libvirt gave QEMU,
 * the expanded XML and domxml-to-native are kept, and no daemon, domain
 * or QEMU is left.
 */
static void test_run_a_scenario_through_libvirt(void **state)
{
	char *out = NULL;
	struct strbuf prefix = STRBUF_INIT;

	(void)state;
	if (tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
						"--libvirt", "all", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("run failed:\n%s", out);
	assert_contains(out, "starting the daemon of libvirt 9.0.0", "daemon");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ "sqlite3", db, NULL },
			   (const char *const[]){
				   "SELECT coalesce(libvirt, 'direct'), status,"
				   " instr(argv, '/qemu/7.2.0/bin/qemu-system-x86_64') > 0,"
				   " instr(argv, '\"guest=vmx-vm-q35-') > 0,"
				   " coalesce(instr(domain_xml, 'pcie-root-port') > 0, 0),"
				   " coalesce(instr(native, '-machine') > 0, 0),"
				   " instr(checks, 'want=2 got=2') > 0"
				   " FROM runs WHERE scenario = 'vm-q35' ORDER BY libvirt", NULL },
			   30),
		    0);
	/* direct: no domain; libvirt: QEMU started by libvirt with its -name. */
	assert_contains(out, "direct|pass|1|0|0|0|1", "direct run");
	assert_contains(out, "9.0.0|pass|1|1|1|1|1", "libvirt run");
	free(out);
	sb_printf(&prefix, "%s/libvirt/9.0.0", root);
	assert_false(tu_running_from(prefix.buf));
	strbuf_release(&prefix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_qemu_7_2_from_debian_source),
		cmocka_unit_test(test_build_libvirt_and_probe_the_pair),
		cmocka_unit_test(test_run_a_scenario_through_libvirt),
	};
	return cmocka_run_group_tests_name("real builds", tests, setup,
					   teardown);
}
