/*
 * libvirt's own test domains through real daemons (virt-matrix corpus):
 * a slice of libvirt 11.3.0's tests/qemuxmlconfdata (tests/data/corpus/
 * slice/, chosen for what each shows) packed as a source tarball,
 * imported with its golden files, and run through Debian's libvirtd and
 * the ark-built libvirt 9.0.0 with Debian's QEMU. Each domain's outcome
 * is checked with the words that justify it: started with the argv
 * QEMU really got and the stand-ins it had, rejected with libvirt's
 * message, refused with QEMU's, skipped with the missing resource. No
 * daemon, QEMU, stand-in or loop device outlives the run, nor Ctrl-C,
 * after which the same sweep resumed does the rest, nothing twice.
 */
#include <dirent.h>
#include <signal.h>

#include "teststore.h"
#include "tuproc.h"

static char *dir, *db, *vm, *tmp;

#define STANDINS "/run/virt-matrix/standins"

/* Whether a stand-in path (STANDINS/PID-START/...) belongs to a gone run. */
static int gone_owner(const char *path)
{
	long pid = strtol(path + strlen(STANDINS) + 1, NULL, 10);

	return pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH;
}

/*
 * Stand-ins of runs that have ended: their directories, and loop devices
 * over their images. Runs beside the test (their pid alive) do not count.
 */
static int standins_left(struct strbuf *which)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct strbuf p = STRBUF_INIT, back = STRBUF_INIT;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		sb_printf(&p, "/sys/block/%s/loop/backing_file", e->d_name);
		if (path_exists(p.buf) && !strbuf_read_file(&back, p.buf, 4096) &&
		    !strncmp(back.buf, STANDINS "/", strlen(STANDINS) + 1) &&
		    gone_owner(back.buf)) {
			n++;
			sb_printf(which, "%s: %s", e->d_name, back.buf);
		}
		strbuf_release(&p);
		strbuf_release(&back);
	}
	closedir(d);
	d = opendir(STANDINS);
	while (d && (e = readdir(d))) {
		struct strbuf p = STRBUF_INIT;

		sb_printf(&p, "%s/%s", STANDINS, e->d_name);
		if (e->d_name[0] != '.' && gone_owner(p.buf)) {
			n++;
			sb_printf(which, "%s\n", p.buf);
		}
		strbuf_release(&p);
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * QEMUs of corpus runs that have ended: a domain's name carries the pid
 * of its run (vmcorpus-PID-N), which runs beside this test do not share.
 */
static int orphan_qemus(struct strbuf *which)
{
	struct strbuf all = STRBUF_INIT;
	const char *p;
	int n = 0;

	processes_with("guest=vmcorpus-", &all);
	for (p = all.buf; (p = strstr(p, "guest=vmcorpus-")); p++) {
		long pid = strtol(p + 15, NULL, 10);

		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH) {
			n++;
			sb_printf(which, "%.60s\n", p);
		}
	}
	strbuf_release(&all);
	return n;
}

static int setup(void **state)
{
	struct store st;
	char *q;

	(void)state;
	tu_store_with_debian_qemu("corpus", &dir, &db, &vm);
	tmp = tu_private_tmpdir(dir, 0755);
	tu_import_debian_libvirt(vm, db);
	/* The ark build of libvirt 9.0.0 test_real_builds made (or made now). */
	if (!path_exists(TU_REAL_ROOT "/libvirt/9.0.0/sbin/virtqemud"))
		tu_real_build(vm, "libvirt", "9.0.0");
	assert_int_equal(store_open(&st, db), 0);
	q = xstrdup("ATTACH '" TU_REAL_DB "' AS real;"
		    "CREATE TEMP TABLE lv AS SELECT * FROM real.installs"
		    " WHERE app = 'libvirt' AND version = '9.0.0';"
		    "UPDATE lv SET id = NULL;"
		    "INSERT INTO installs SELECT * FROM lv;"
		    "DROP TABLE lv; DETACH real;");
	tu_exec(&st, q);
	free(q);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM installs WHERE app ="
					   " 'libvirt'"),
			 2);
	store_close(&st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_private_release(dir, db, vm, tmp);
	return 0;
}

/* The slice as libvirt's source tree has it, packed like its tarball. */
static char *slice_tarball(void)
{
	struct strbuf src = STRBUF_INIT, tree = STRBUF_INIT, data = STRBUF_INIT;
	char *tar = tu_path(dir, "libvirt-slice.tar.xz"), *out = NULL;
	DIR *d;
	struct dirent *e;

	sb_puts(&src, "tests/data/corpus/slice"); /* tests run from the top */
	sb_printf(&tree, "%s/libvirt-slice", dir);
	sb_printf(&data, "%s/tests/qemuxmlconfdata", tree.buf);
	assert_int_equal(mkdir_p(data.buf, 0755), 0);
	d = opendir(src.buf);
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct strbuf from = STRBUF_INIT, to = STRBUF_INIT, text = STRBUF_INIT;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README"))
			continue;
		sb_printf(&from, "%s/%s", src.buf, e->d_name);
		sb_printf(&to, "%s/%s", data.buf, e->d_name);
		assert_int_equal(strbuf_read_file(&text, from.buf, 1 << 20), 0);
		assert_int_equal(write_file_atomic(to.buf, text.buf, text.len), 0);
		strbuf_release(&from);
		strbuf_release(&to);
		strbuf_release(&text);
	}
	closedir(d);
	assert_exit(tu_run(&out, (const char *const[]){ "tar", "-cJf", tar, "-C", dir,
							"libvirt-slice", NULL },
			   NULL, 60),
		    0);
	free(out);
	assert_int_equal(remove_tree(tree.buf), 0);
	strbuf_release(&src);
	strbuf_release(&tree);
	strbuf_release(&data);
	return tar;
}

static const struct {
	const char *domain, *outcome, *words;
} want[] = {
	{ "audio-none-minimal", "started", NULL },
	{ "disk-virtio", "started",
	  "stand-in for disk hda: '/dev/HostVG/QEMUGuest1', a block device" },
	{ "disk-floppy", "started", NULL },
	{ "blkdeviotune", "started", NULL },
	{ "disk-cdrom", "started",
	  "stand-in for disk hda: '/dev/cdrom', a block device with an empty 1G image" },
	{ "disk-active-commit", "started", "read as qcow2" },
	{ "440fx-wrong-root", "rejected",
	  "The PCI controller with index='0' must be model='pci-root'" },
	{ "usb-hub-conflict", "rejected", "Duplicate USB address bus 0 port 1" },
	{ "broken-xml-invalid", "rejected", "Couldn't find end of Start Tag dom" },
	{ "console-compat-crash", "refused", "qemu-system-x86_64: -soundhw: invalid option" },
	{ "net-many-models", "refused", "'idontexist' is not a valid device model name" },
	{ "qemu-ns", "refused", "qemu-system-x86_64: -unknown: invalid option" },
	{ "disk-cache", "refused", "Failed to get \"write\" lock" },
	{ "acpi-table", "skipped",
	  "needs the file '/var/lib/libvirt/acpi/slic.dat' (os/acpi table)" },
	{ "hostdev-pci-address", "skipped", "needs the host device pci 0000:06:12.5" },
	{ "hugepages-default", "skipped", "needs hugepages (memoryBacking)" },
	{ "net-virtio-network-portgroup", "skipped", "needs the libvirt network" },
	{ "qemu-ns-domain-commandline-ns0", "skipped",
	  "Could not open 'ARGUMENT': No such file or directory" },
};

/* The slice imported: the first time new, then unchanged. */
static void import_slice(void)
{
	char *tar = slice_tarball(), *out = NULL;

	assert_exit(tu_run(&out, (const char *const[]){ vm, "corpus", "import", "--tarball",
							tar, "--origin", "11.3.0", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	if (!strstr(out, "libvirt 11.3.0: 18 x86_64 test domain(s): 18 new, 0 changed; "
			 "18 golden file(s)") &&
	    !strstr(out, "libvirt 11.3.0: 18 x86_64 test domain(s): 0 new, 0 changed; "
			 "18 golden file(s)"))
		fail_msg("import: %s", out);
	free(out);
	free(tar);
}

static void test_slice_through_two_libvirts(void **state)
{
	struct strbuf which = STRBUF_INIT;
	char *out = NULL;
	struct store st;

	(void)state;
	import_slice();
	if (tu_run(&out, (const char *const[]){ vm, "corpus", "run", "--qemu",
						"7.2.22-system", NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("corpus run failed:\n%s", out);
	assert_contains(out, "18 domain(s) of libvirt 11.3.0's tests, 2 libvirt(s), 1 QEMU(s)",
			"run");
	assert_contains(out, "libvirt 9.0.0-system: set 1 of stand-ins: ", "debian's");
	assert_contains(out, "libvirt 9.0.0: set 1 of stand-ins: ", "ark's");
	free(out);

	assert_int_equal(store_open(&st, db), 0);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_runs"),
			 2 * (long long)ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		for (int l = 0; l < 2; l++) {
			struct strbuf q = STRBUF_INIT;
			char *got;

			sb_printf(&q, "SELECT r.outcome || '|' || coalesce(r.reason, '') || '|'"
				      " || coalesce(r.adaptations, '')"
				      " FROM corpus_runs r JOIN corpus_domains d"
				      " ON d.id = r.domain WHERE d.name = '%s'"
				      " AND r.libvirt = '%s' AND r.qemu = '7.2.22-system'",
				  want[i].domain, l ? "9.0.0" : "9.0.0-system");
			got = tu_query1(&st, q.buf);
			if (strncmp(got, want[i].outcome, strlen(want[i].outcome)) ||
			    got[strlen(want[i].outcome)] != '|' ||
			    (want[i].words && !strstr(got, want[i].words)))
				fail_msg("%s through libvirt %s: '%s', want %s with '%s'",
					 want[i].domain, l ? "9.0.0" : "9.0.0-system", got,
					 want[i].outcome, want[i].words ? want[i].words : "");
			free(got);
			strbuf_release(&q);
		}
	}
	/* A started domain's argv is the one QEMU got: Debian's binary, the
	 * run's name, the stand-in's path as the domain names it. */
	out = tu_query1(&st, "SELECT (instr(r.argv, '[\"/usr/bin/qemu-system-x86_64\"') = 1)"
			     " || (instr(r.argv, '\"guest=vmcorpus-') > 0)"
			     " || (instr(r.argv, '/dev/HostVG/QEMUGuest1') > 0)"
			     " || (r.seconds > 0) FROM corpus_runs r JOIN corpus_domains d"
			     " ON d.id = r.domain WHERE d.name = 'disk-virtio'"
			     " AND r.libvirt = '9.0.0'");
	assert_string_equal(out, "1111");
	free(out);
	assert_int_equal(tu_query_int(&st, "SELECT count(*) FROM corpus_golden"), 18);
	store_close(&st);

	/* Nothing of the run is left: daemons, QEMUs, stand-ins, loops. */
	assert_int_equal(processes_with(tmp, &which), 0);
	assert_int_equal(orphan_qemus(&which), 0);
	if (standins_left(&which))
		fail_msg("stand-ins left:\n%s", which.buf);
	tu_assert_nothing_left(tmp, "after corpus run");
	strbuf_release(&which);
}

/* The rows of sweep uuid, and how many (domain, libvirt, QEMU) repeat. */
static void sweep_rows(const char *uuid, long long *rows, long long *twice)
{
	struct store st;
	struct strbuf q = STRBUF_INIT;

	assert_int_equal(store_open(&st, db), 0);
	sb_printf(&q, "SELECT count(*) FROM corpus_runs WHERE sweep ="
		      " (SELECT id FROM sweeps WHERE uuid = '%s')", uuid);
	*rows = tu_query_int(&st, q.buf);
	strbuf_reset(&q);
	sb_printf(&q, "SELECT count(*) FROM (SELECT 1 FROM corpus_runs WHERE sweep ="
		      " (SELECT id FROM sweeps WHERE uuid = '%s')"
		      " GROUP BY domain, libvirt, qemu HAVING count(*) > 1)", uuid);
	*twice = tu_query_int(&st, q.buf);
	strbuf_release(&q);
	store_close(&st);
}

/*
 * Ctrl-C as the first domain's QEMU runs: the run stops (130), its
 * daemons, QEMUs, stand-ins and loop devices go with it, and `--sweep`
 * then does what the sweep lacks, nothing twice.
 */
static void test_ctrl_c_then_resume(void **state)
{
	struct strbuf which = STRBUF_INIT, name = STRBUF_INIT;
	struct command cmd;
	char uuid[40] = "", *out = NULL;
	const char *p;
	double t0 = now_monotonic();
	long long rows, twice;

	(void)state;
	import_slice();
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "corpus", "run", "--qemu",
						       "7.2.22-system", "--db", db, NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 300;
	assert_int_equal(command_start(&cmd), 0);
	sb_printf(&name, "guest=vmcorpus-%ld-", (long)cmd.pid);
	while (!processes_with(name.buf, NULL) && command_running(&cmd) &&
	       now_monotonic() - t0 < 120)
		usleep(20000);
	assert_true(processes_with(name.buf, NULL) > 0);
	command_kill(&cmd, SIGINT);
	assert_int_equal(command_wait(&cmd, 90), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 130);
	p = strstr(cmd.output.buf, "sweep ");
	assert_non_null(p);
	memcpy(uuid, p + 6, 36);
	assert_int_equal(processes_with(tmp, &which), 0);
	assert_int_equal(processes_with(name.buf, &which), 0);
	if (standins_left(&which))
		fail_msg("stand-ins left after Ctrl-C:\n%s", which.buf);
	tu_assert_nothing_left(tmp, "after Ctrl-C");
	sweep_rows(uuid, &rows, &twice);
	assert_true(rows < 2 * (long long)ARRAY_SIZE(want));
	command_release(&cmd);

	if (tu_run(&out, (const char *const[]){ vm, "corpus", "run", "--qemu",
						"7.2.22-system", "--sweep", uuid, NULL },
		   (const char *const[]){ "--db", db, NULL }, 900))
		fail_msg("corpus run --sweep failed:\n%s", out);
	free(out);
	sweep_rows(uuid, &rows, &twice);
	assert_int_equal(rows, 2 * (long long)ARRAY_SIZE(want));
	assert_int_equal(twice, 0);
	tu_assert_nothing_left(tmp, "after the resumed run");
	strbuf_release(&which);
	strbuf_release(&name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slice_through_two_libvirts),
		cmocka_unit_test(test_ctrl_c_then_resume),
	};

	tu_test_filter();
	return cmocka_run_group_tests_name("corpus", tests, setup, teardown);
}
