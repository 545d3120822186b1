/*
 * virt-matrix run against Debian's real QEMU, in a store of the test's
 * own: the plain VM scenarios boot the host kernel with the generated
 * initramfs, the guest's checks come back from the console, and the run
 * is recorded with its real argv. A scenario the guest must fail (more
 * CPUs expected than given) is recorded as a failure with the reason.
 * A DTS cfg of one VM runs adapted to this host, with notes.
 */
#include <limits.h>
#include <sched.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "netlab.h"
#include "teststore.h"
#include "tuhugepages.h"

TU_DEBIAN_STORE_FIXTURE("run")

static void test_plain_vms_pass(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vm-q35",
							"--scenario", "vm-i440fx", NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	assert_contains(out, "vm-q35", "run output");
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT group_concat(status) FROM runs WHERE scenario IN ('vm-q35', 'vm-i440fx')");
	assert_string_equal(v, "pass,pass");
	free(v);
	/* The guest really reported: both CPUs, and the virtio NIC. */
	v = tu_query1(&st, "SELECT checks FROM runs WHERE scenario = 'vm-q35'");
	assert_contains(v, "want=2 got=2", "cpus check");
	assert_contains(v, "id=1af4:1000|1af4:1041 want=1 got=1", "pci check");
	free(v);
	/* cpupin=0 1: both vCPU threads were pinned. */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vm-q35'");
	assert_contains(v, "cpupin: vCPU 0 (thread ", "vCPU 0 pinned");
	assert_contains(v, ") on host CPU 1", "vCPU 1 pinned");
	free(v);
	/* The argv is the real one: the binary, the resolved machine type. */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vm-i440fx'");
	assert_contains(v, "/usr/bin/qemu-system-x86_64", "argv");
	assert_contains(v, "pc-i440fx-", "argv machine");
	assert_contains(v, "e1000,netdev=hostnet0", "argv nic");
	free(v);
	store_close(&st);
}

/*
 * vhost-user through a real testpmd. Debian's QEMU 7.2 crashes here
 * under TCG (SIGSEGV once the guest's virtio-net driver sets DRIVER_OK:
 * vhost-user does not mask guest notifiers, yet QEMU up to 7.2 sets
 * MSI-X vector notifiers without KVM irqfds, and the unmask reaches
 * kvm_virtio_pci_irqfd_use() with no vector_irqfd, a NULL dereference;
 * QEMU 8.0's 1680542862 sets them only where masking is used), so the
 * result is whatever QEMU did: a pass must
 * carry the guest's traffic check, a failure must name the signal or the
 * failed check; either way the backend's counters are on record.
 */
static void test_vhost_user_is_run_for_real(void **state)
{
	struct store st;
	char *out = NULL, *status, *v;

	(void)state;
	(void)tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "vhost-user", NULL },
		     (const char *const[]){ "--db", db, NULL }, 900);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	status = tu_query1(&st, "SELECT status FROM runs WHERE scenario = 'vhost-user'");
	assert_non_null(status);
	v = tu_query1(&st, "SELECT backend_log FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "Forward statistics for port 1", "testpmd counters");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "memory-backend-memfd,id=mem0,size=256M,share=on", "shared memory");
	assert_contains(v, "vhost-user,id=vhost1,chardev=char1", "second port");
	free(v);
	/* testpmd was judged ready by its sockets, and QEMU reached both. */
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vhost-user'");
	assert_contains(v, "vhost0.sock: QEMU connected", "first socket");
	assert_contains(v, "vhost1.sock: QEMU connected", "second socket");
	free(v);
	v = tu_query1(&st, "SELECT coalesce(reason, '') || ' ' || coalesce(checks, '') FROM runs WHERE scenario = 'vhost-user'");
	if (!strcmp(status, "pass"))
		assert_contains(v, "\"kind\":\"traffic\",\"pass\":true", "traffic check");
	else if (!strcmp(status, "fail"))
		assert_true(strstr(v, "signal 11") || strstr(v, "checks failed"));
	else
		fail_msg("vhost-user ended '%s': %s", status, v);
	free(v);
	free(status);
	store_close(&st);
}

static void test_guest_failure_is_recorded(void **state)
{
	struct store st;
	struct strbuf cfg = STRBUF_INIT;
	char *out = NULL, *v;
	const char *text = "[vm0]\ncpu = number=1;\nmem = size=256;\n[expect]\ncpus = count=3\n";

	(void)state;
	sb_printf(&cfg, "%s/wrong-cpus.cfg", dir);
	assert_int_equal(write_file_atomic(cfg.buf, text, strlen(text)), 0);
	assert_int_not_equal(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf, NULL },
				    (const char *const[]){ "--db", db, NULL }, 600),
			     0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || reason FROM runs WHERE scenario = 'wrong-cpus'");
	assert_contains(v, "fail: 1 of 1 checks failed", "status");
	assert_contains(v, "want=3 got=1", "reason");
	free(v);
	store_close(&st);
	strbuf_release(&cfg);
}

static void test_bad_scenario_names_file_and_line(void **state)
{
	struct strbuf cfg = STRBUF_INIT;
	char *out = NULL;
	const char *text = "[vm0]\ncpu = number=1;\nmem = size=lots;\n";

	(void)state;
	sb_printf(&cfg, "%s/bad.cfg", dir);
	assert_int_equal(write_file_atomic(cfg.buf, text, strlen(text)), 0);
	assert_int_not_equal(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", cfg.buf, NULL },
				    (const char *const[]){ "--db", db, NULL }, 60),
			     0);
	assert_contains(out, "bad.cfg:3: bad value 'lots' for mem size", "error");
	free(out);
	strbuf_release(&cfg);
}

/*
 * DTS's own cfg of two VMs (vm_power_manager.cfg), named as the bundled
 * corpus names it: both VMs boot together in one job, each adapted to
 * the host (its disk left out, vm0's cpupin modulo the CPUs), and the
 * job's record holds each VM's argv, notes and console, tagged with it.
 */
static void test_dts_two_vms_run_together(void **state)
{
	struct store st;
	char *out = NULL, *v;

	(void)state;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
							"dts/vm_power_manager.cfg",
							"--libvirt", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	free(out);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || coalesce(reason, '') FROM runs "
			   "WHERE scenario = 'vm_power_manager'");
	assert_string_equal(v, "pass: ");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vm_power_manager'");
	assert_contains(v, "[vm0] disk /storage/vm-image/vm0.img (line 28) is not on this "
			   "host: left out", "vm0's disk");
	assert_contains(v, "[vm1] disk /storage/vm-image/vm1.img (line 35) is not on this "
			   "host: left out", "vm1's disk");
	assert_contains(v, "[vm0] cpupin: vCPU 3 (thread ", "vm0 pinned");
	assert_contains(v, "[vm0] QMP: SHUTDOWN reason=guest-shutdown", "vm0 ended");
	assert_contains(v, "[vm1] QMP: SHUTDOWN reason=guest-shutdown", "vm1 ended");
	free(v);
	/* Each VM's argv after its name: vm0 has 4 vCPUs, vm1 the default 1. */
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vm_power_manager'");
	assert_contains(v, "[\"[vm0]\",\"/usr/bin/qemu-system-x86_64\",", "vm0 first");
	assert_contains(v, "\"-smp\",\"4\",\"-m\",\"4096\"", "vm0's cpus");
	assert_contains(v, "\"[vm1]\",\"/usr/bin/qemu-system-x86_64\",", "vm1 after");
	assert_contains(v, "\"-smp\",\"1\",\"-m\",\"4096\"", "vm1's cpus");
	assert_null(strstr(v, "vm0.img"));
	free(v);
	/* Both guests ran their /init to its end. */
	v = tu_query1(&st, "SELECT serial_log FROM runs WHERE scenario = 'vm_power_manager'");
	assert_contains(v, "=== [vm0] ===\n", "vm0's console");
	assert_contains(v, "=== [vm1] ===\n", "vm1's console");
	{
		const char *vm1 = strstr(v, "=== [vm1] ==="), *end0 = strstr(v, "VMX-END 0 0");

		assert_true(end0 && vm1 && end0 < vm1);
		assert_non_null(strstr(vm1, "VMX-END 0 0"));
	}
	free(v);
	store_close(&st);
}

/*
 * Links of ours (netlab.h) whose run is gone, as "name name ...": what
 * a run left behind (a live run's, another test's say, do not count).
 */
static void left_links(struct strbuf *out)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;

	strbuf_reset(out);
	while (d && (e = readdir(d))) {
		pid_t pid = netlab_owner(e->d_name);

		if (pid > 0 && kill(pid, 0) && errno == ESRCH)
			sb_printf(out, "%s ", e->d_name);
	}
	if (d)
		closedir(d);
}

/*
 * DTS's sriov_kvm.cfg: four VMs, two of them with a tap on br0. The run
 * makes its own bridge and a tap for each, QEMU opens them by name, and
 * they are gone after the job. Links a killed run left (a bridge named
 * after a pid that no longer runs) are removed by the next run.
 */
static void test_dts_taps_on_the_runs_own_bridge(void **state)
{
	struct strbuf links = STRBUF_INIT;
	struct command ip;
	struct store st;
	char *out = NULL, *v, dead[64];
	pid_t gone = fork();

	(void)state;
	if (gone == 0)
		_exit(0);
	assert_true(gone > 0);
	assert_int_equal(waitpid(gone, NULL, 0), gone);
	/* A bridge of a run that is gone, as a killed worker leaves it. */
	netlab_bridge_name(gone, dead, sizeof(dead));
	command_init(&ip);
	strvec_pushv(&ip.args, (const char *const[]){ "ip", "link", "add", dead, "type",
						      "bridge", NULL });
	ip.timeout = 20;
	assert_int_equal(command_run_checked(&ip), 0);
	command_release(&ip);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario",
							"dts/sriov_kvm.cfg", "--libvirt", "none",
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 900),
		    0);
	sb_printf(&links, "removed link '%s' of a run that is gone (pid %ld)", dead,
		  (long)gone);
	assert_contains(out, links.buf, "the dead run's bridge swept");
	free(out);
	left_links(&links);
	assert_string_equal(links.buf, "");
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status FROM runs WHERE scenario = 'sriov_kvm'");
	assert_string_equal(v, "pass");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'sriov_kvm'");
	assert_contains(v, "[vm2] net type=tap (line 136) on bridge br0: tap vx", "vm2's tap");
	assert_contains(v, "[vm3] net type=tap (line 155) on bridge br0: tap vx", "vm3's tap");
	assert_contains(v, "br, the bridge the run made in its place", "the run's bridge");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'sriov_kvm'");
	assert_contains(v, "v2t0,script=no,downscript=no\"", "vm2 opens its tap");
	assert_contains(v, "v3t0,script=no,downscript=no\"", "vm3 opens its tap");
	assert_null(strstr(v, "br=br0"));
	free(v);
	store_close(&st);
	strbuf_release(&links);
}

/* What a note says between from and to, in the run's notes v; malloc'd. */
static char *note_part(const char *v, const char *from, const char *to)
{
	const char *a = v ? strstr(v, from) : NULL, *b;

	if (!a || !(b = strstr(a + strlen(from), to)))
		fail_msg("no note with '%s...%s' in:\n%s", from, to, v ? v : "(null)");
	a += strlen(from);
	return xstrndup(a, (size_t)(b - a));
}

/* The two counts of a note's "(nr_hugepages A -> B" after from. */
static void note_counts(const char *v, const char *from, long *a, long *b)
{
	char *part = note_part(v, from, ")"), *arrow;

	arrow = strstr(part, " -> ");
	if (strncmp(part, "(nr_hugepages ", 14) || !arrow)
		fail_msg("'%s' is not (nr_hugepages A -> B)", part);
	*arrow = '\0';
	if (parse_long(part + 14, 0, LONG_MAX, a) || parse_long(arrow + 4, 0, LONG_MAX, b))
		fail_msg("'%s' and '%s' are not counts", part + 14, arrow + 4);
	free(part);
}

/* What the run of vhost_sample.cfg notes of its adaptations. */
static const char *const adapted_notes[] = {
	"disk /home/img/vm0.img (line 67) is not on this host: left out",
	"hugepages: reserved 2048 2 MiB pages for the run",
	"/hugepages for the run, its memory backend's mem-path",
	"/hugepages unmounted",
	"hugepages: gave back the 2048 pages",
	"cpu model=host needs KVM; under tcg it is 'max'",
};

/*
 * DTS's own vhost_sample.cfg, one VM as DTS's lab runs it: a disk image
 * this host does not have, 4 GiB of hugepage memory on a host with none
 * mounted, cpupin=24 25 on however many CPUs this host has, model=host
 * under TCG. The run adapts and says so; the guest passes; what the run
 * took is given back: its own notes say by how much, its record and its
 * mount are gone. The machine's nr_hugepages and hugetlbfs mounts are
 * as they were before, which another virt-matrix on the machine may
 * change meanwhile: compared only when the registry holds no record of
 * another at either snapshot.
 */
static void test_dts_adapted_for_host(void **state)
{
	struct store st;
	struct strbuf want = STRBUF_INIT;
	char *out = NULL, *v, *mnt, *record, *left;
	char *owners_before = tu_hugepage_owners(NULL), *owners_after;
	char *mounts_before = tu_hugetlbfs_mounts(NULL), *mounts_after;
	long nr_before = tu_nr_hugepages(), nr_after, a, b;
	cpu_set_t cpus;

	(void)state;
	assert_false(path_exists("/home/img/vm0.img"));
	assert_int_equal(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	(void)tu_run(&out, (const char *const[]){ vm, "run", "--scenario", "dts/vhost_sample.cfg",
						  "--libvirt", "none", NULL },
		     (const char *const[]){ "--db", db, NULL }, 600);
	free(out);
	nr_after = tu_nr_hugepages();
	mounts_after = tu_hugetlbfs_mounts(NULL);
	owners_after = tu_hugepage_owners(NULL);
	assert_int_equal(store_open(&st, db), 0);
	v = tu_query1(&st, "SELECT status || ': ' || coalesce(reason, '') FROM runs "
			   "WHERE scenario = 'vhost_sample'");
	assert_string_equal(v, "pass: ");
	free(v);
	v = tu_query1(&st, "SELECT notes FROM runs WHERE scenario = 'vhost_sample'");
	for (size_t i = 0; i < ARRAY_SIZE(adapted_notes); i++)
		assert_contains(v, adapted_notes[i], "adaptation note");
	/* The run's own account: up by 2048, down by 2048. */
	note_counts(v, "hugepages: reserved 2048 2 MiB pages for the run ", &a, &b);
	assert_int_equal(b - a, 2048);
	note_counts(v, "hugepages: gave back the 2048 pages ", &a, &b);
	assert_int_equal(a - b, 2048);
	/* Its record and its mount are gone. */
	mnt = note_part(v, "hugetlbfs mounted on ", " for the run");
	record = note_part(v, "hugepages: the reservation is recorded in ", " (a later run");
	assert_starts_with(record, hugepage_paths_host.registry);
	assert_false(path_exists(record));
	assert_null(tu_hugepage_record_of(mnt));
	left = tu_hugetlbfs_mounts(mnt);
	assert_string_equal(left, "");
	assert_false(path_exists(mnt));
	if (CPU_ISSET(24, &cpus))
		sb_puts(&want, ") on host CPU 24\"");
	else
		sb_printf(&want, "CPU 24 is not on this host, 24 mod %d", CPU_COUNT(&cpus));
	assert_contains(v, want.buf, "cpupin modulo");
	free(v);
	v = tu_query1(&st, "SELECT argv FROM runs WHERE scenario = 'vhost_sample'");
	assert_null(strstr(v, "-drive"));
	assert_null(strstr(v, "/dev/hugepages"));
	assert_contains(v, "/hugepages,share=on,prealloc=on", "mem-path");
	assert_contains(v, "\"-cpu\",\"max\"", "cpu");
	free(v);
	store_close(&st);
	/* The machine as before, unless another process held pages meanwhile. */
	if (!*owners_before && !*owners_after) {
		assert_int_equal(nr_after, nr_before);
		assert_string_equal(mounts_after, mounts_before);
	} else {
		print_message("nr_hugepages %ld before, %ld after, not compared: the registry "
			      "held other records\nbefore:\n%safter:\n%s",
			      nr_before, nr_after, owners_before, owners_after);
	}
	strbuf_release(&want);
	free(mnt);
	free(record);
	free(left);
	free(owners_before);
	free(owners_after);
	free(mounts_before);
	free(mounts_after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_scenario_names_file_and_line),
		cmocka_unit_test(test_dts_two_vms_run_together),
		cmocka_unit_test(test_dts_taps_on_the_runs_own_bridge),
		cmocka_unit_test(test_dts_adapted_for_host),
		cmocka_unit_test(test_plain_vms_pass),
		cmocka_unit_test(test_guest_failure_is_recorded),
		cmocka_unit_test(test_vhost_user_is_run_for_real),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
