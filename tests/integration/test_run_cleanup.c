/*
 * Nothing of a run survives it: not when QEMU "hangs" (the guest cannot
 * finish within --timeout, so the runner kills it), and not when the run
 * is interrupted with Ctrl-C (SIGINT to its process group) while QEMU
 * and testpmd are up. A worker killed with SIGKILL cannot clean up; what
 * it reserved of the machine's hugepages, and its hugetlbfs mount, are
 * given back by the next run. The runs use a TMPDIR of the test's own,
 * so every socket and directory of theirs is under it, and every QEMU
 * and testpmd of theirs names it on its command line.
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include "teststore.h"
#include "tuhugepages.h"
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
	tu_store_private_release(dir, db, vm, tmp);
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
	double t0 = now_monotonic();

	(void)state;
	tu_import_debian_libvirt(vm, db);
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

/*
 * The record of a reservation of the test's run (its mount under tmp)
 * once it holds its pages and QEMU runs on them, into *rec; 0 when that
 * did not happen within 300 s or the run ended first.
 */
static int wait_for_reservation(struct command *cmd, struct hugepage_record *rec)
{
	double t0 = now_monotonic();

	while (now_monotonic() - t0 < 300 && command_running(cmd)) {
		struct hugepage_record *recs = NULL;
		size_t n = 0;
		int found = 0;

		assert_int_equal(host_hugepages_records(NULL, &recs, &n), 0);
		for (size_t i = 0; i < n && !found; i++) {
			char *m = recs[i].mount ? tu_hugetlbfs_mounts(recs[i].mount) : NULL;

			if (m && *m && !recs[i].changing &&
			    !strncmp(recs[i].mount, tmp, strlen(tmp)) &&
			    processes_with_all(tmp, "qemu-system", NULL)) {
				*rec = recs[i];
				rec->name = xstrdup(recs[i].name);
				rec->mount = xstrdup(recs[i].mount);
				found = 1;
			}
			free(m);
		}
		hugepage_records_free(recs, n);
		if (found)
			return 1;
		usleep(50000);
	}
	return 0;
}

/*
 * A worker whose guest runs on hugepages the run reserved is killed with
 * SIGKILL: its QEMU goes with it, and its reservation (the record, the
 * raised nr_hugepages, the hugetlbfs mount in its run directory) stays.
 * The next run gives all of it back at its start, naming the dead pid.
 */
static void test_a_killed_worker_s_hugepages_are_given_back(void **state)
{
	struct command cmd;
	struct hugepage_record rec;
	struct strbuf cfg = STRBUF_INIT, skip = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf record = STRBUF_INIT;
	const char *text = "[vm0]\ncpu = number=1;\nmem = size=256,hugepage=yes;\n"
			   "[expect]\ncpus = count=1\n";
	const char *needs_disk = "[vm0]\nmem = size=256;\n"
				 "disk = file=/nonexistent/vm0.img,opt_if=virtio;\n"
				 "[expect]\npci = id=1af4:1001\n";
	char *owners_before = tu_hugepage_owners(NULL), *owners_after, *out = NULL, *m;
	long nr_before = tu_nr_hugepages(), nr_after;
	double t0;
	DIR *d;
	struct dirent *e;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	sb_printf(&cfg, "%s/hugepage-kill.cfg", dir);
	assert_int_equal(write_file_atomic(cfg.buf, text, strlen(text)), 0);
	sb_printf(&skip, "%s/needs-disk.cfg", dir);
	assert_int_equal(write_file_atomic(skip.buf, needs_disk, strlen(needs_disk)), 0);
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ vm, "run", "--scenario", cfg.buf,
						       "--libvirt", "none", "--db", db, NULL });
	cmd.capture_max = 1 << 20;
	cmd.timeout = 600;
	assert_int_equal(command_start(&cmd), 0);
	if (!wait_for_reservation(&cmd, &rec)) {
		command_wait(&cmd, 300);
		fail_msg("the run reserved no hugepages for a running QEMU; it printed:\n%s",
			 cmd.output.buf);
	}
	assert_int_equal(rec.pages, 128);
	assert_true(rec.live);
	assert_int_equal(kill((pid_t)rec.pid, SIGKILL), 0);
	assert_int_equal(command_wait(&cmd, 120), 0);
	assert_true(cmd.exited);
	assert_int_equal(cmd.status, 1);
	/* QEMU dies with its worker (PR_SET_PDEATHSIG). */
	t0 = now_monotonic();
	while (processes_using_tmp(NULL) && now_monotonic() - t0 < 60)
		usleep(100000);
	assert_int_equal(processes_using_tmp(NULL), 0);
	/* What the worker took is still taken. */
	sb_printf(&record, "%s/%s", hugepage_paths_host.registry, rec.name);
	assert_true(path_exists(record.buf));
	m = tu_hugetlbfs_mounts(rec.mount);
	assert_contains(m, rec.mount, "the killed worker's mount");
	free(m);

	/* The next run gives it back before its own job (a quick skip). */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--scenario", skip.buf,
							"--libvirt", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 300),
		    0);
	sb_printf(&want, "warning: hugepages of dead pid %ld (record %s): gave back 128 of "
			 "its 128 pages (nr_hugepages ",
		  rec.pid, record.buf);
	assert_contains(out, want.buf, "the sweep's warning");
	strbuf_reset(&want);
	sb_printf(&want, "; hugetlbfs on %s detached; %s removed\n", rec.mount, rec.mount);
	assert_contains(out, want.buf, "the sweep's warning");
	assert_contains(out, "is not on this host, and the [expect] check", "the next job");
	free(out);
	assert_false(path_exists(record.buf));
	assert_false(path_exists(rec.mount));
	m = tu_hugetlbfs_mounts(tmp);
	assert_string_equal(m, "");
	free(m);
	nr_after = tu_nr_hugepages();
	owners_after = tu_hugepage_owners(NULL);
	if (!*owners_before && !*owners_after)
		assert_int_equal(nr_after, nr_before);
	else
		print_message("nr_hugepages %ld before, %ld after, not compared: the registry "
			      "held other records\nbefore:\n%safter:\n%s",
			      nr_before, nr_after, owners_before, owners_after);
	/* The killed worker's run directory is left (nothing else removes
	 * it); the tests after this one want an empty TMPDIR. */
	d = opendir(tmp);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			struct strbuf p = STRBUF_INIT;

			path_join(&p, tmp, e->d_name);
			assert_int_equal(remove_tree(p.buf), 0);
			strbuf_release(&p);
		}
	closedir(d);
	command_release(&cmd);
	free(rec.name);
	free(rec.mount);
	free(owners_before);
	free(owners_after);
	strbuf_release(&cfg);
	strbuf_release(&skip);
	strbuf_release(&want);
	strbuf_release(&record);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_hung_guest_is_killed_and_cleaned_up),
		cmocka_unit_test(test_ctrl_c_leaves_nothing),
		cmocka_unit_test(test_ctrl_c_through_libvirt_leaves_nothing),
		cmocka_unit_test(test_a_killed_worker_s_hugepages_are_given_back),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
