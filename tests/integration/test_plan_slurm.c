/*
 * `virt-matrix plan --format slurm` on a real single-node Slurm (Debian's
 * slurmctld, slurmd, slurm-client and munge, from make deps), set up by
 * the test alone in a temporary directory: its own slurm.conf (SLURM_CONF
 * for every Slurm command), munge key and munged socket, ports picked
 * free at run time, state, spool, pid files and logs; nothing of
 * /etc/slurm or /etc/munge is read. The daemons run in the foreground as
 * children of the test and are ready when they answer: munge encodes a
 * credential, `scontrol ping` says UP, `sinfo` says the node is idle.
 *
 * The plan of test_sweep.c's small sweep (two plain VM scenarios on
 * Debian's QEMU) in two shards, with --workdir, is run with sh: it
 * submits a job array of two tasks, each sweeping its shard into a fresh
 * store of its own (sweep imports Debian's QEMU there), and a job that
 * merges and reports once both succeeded. The merged store must hold the
 * results of an unsharded sweep of the same work run by the test, one
 * finished sweep of shards 1,2/2, and report/ the four reports. A plan
 * whose sbatch fails (a partition the cluster lacks) must stop with
 * sbatch's error and submit nothing after it.
 *
 * Afterwards, also when the test fails, every job is cancelled and
 * slurmd, slurmctld and munged stopped; a process left with the test's
 * SLURM_CONF in its environment (a slurmstepd, a job) fails the test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include "teststore.h"

#define SCN "--scenario", "vm-i440fx", "--scenario", "vm-q35"
#define UUID "51c0a11e-2222-4333-8444-555566667777"
/* Two jobs of about 10 s each, and the merge; a loaded machine is slower. */
#define JOB_TIMEOUT 900.0
#define READY_TIMEOUT 60.0

static const char *const slurm_bins[] = {
	"/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/bin/munge", "/usr/sbin/slurmctld",
	"/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/scontrol", "/usr/bin/sinfo",
	"/usr/bin/squeue", "/usr/bin/scancel",
};

enum { MUNGED, SLURMCTLD, SLURMD, NDAEMONS };
static const char *const daemon_names[NDAEMONS] = { "munged", "slurmctld", "slurmd" };

/* The test's Slurm: its directory and its daemons. */
static struct {
	char *dir;  /* 0755: munged wants its socket's directory open to all */
	char *conf; /* dir/slurm.conf */
	char *env;  /* "SLURM_CONF=<conf>" */
	struct command d[NDAEMONS];
} S;

static char *vm;

/* Quietly: argv with SLURM_CONF, in dir (or NULL); its exit status, -1 when it did not end. */
static int slurm_run_in(const char *dir, char **out, const char *const *argv, double timeout)
{
	struct command c;
	int rc;

	command_init(&c);
	strvec_pushv(&c.args, argv);
	strvec_push(&c.env, S.env);
	c.dir = dir;
	c.timeout = timeout;
	rc = command_run(&c);
	if (!rc)
		rc = c.exited ? c.status : 128 + c.signal;
	*out = strbuf_detach(&c.output);
	command_release(&c);
	return rc;
}

static int slurm_run(char **out, const char *const *argv, double timeout)
{
	return slurm_run_in(NULL, out, argv, timeout);
}

/* The last 3000 bytes of dir/name on stderr, for a failure's message. */
static void show_tail(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = tu_path(dir, name);

	if (!strbuf_read_file(&sb, p, 64 << 20))
		fprintf(stderr, "---- %s (end) ----\n%s\n", name,
			sb.buf + (sb.len > 3000 ? sb.len - 3000 : 0));
	strbuf_release(&sb);
	free(p);
}

static void show_daemon_logs(void)
{
	static const char *const logs[] = { "munged.log", "munged.out", "slurmctld.log",
					    "slurmctld.out", "slurmd.log", "slurmd.out" };

	for (size_t i = 0; i < ARRAY_SIZE(logs); i++)
		show_tail(S.dir, logs[i]);
}

/* Two free TCP ports (held open together, so that they differ). */
static void free_ports(long *a, long *b)
{
	int fd[2];
	long *port[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);

		fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd[i] >= 0);
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
		assert_int_equal(bind(fd[i], (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(getsockname(fd[i], (struct sockaddr *)&sa, &len), 0);
		*port[i] = ntohs(sa.sin_port);
	}
	close(fd[0]);
	close(fd[1]);
}

/* Starts daemon i: argv, its stdout and stderr into dir/<name>.out. */
static void start_daemon(int i, const char *const *argv)
{
	struct strbuf p = STRBUF_INIT;
	struct command *c = &S.d[i];
	int fd;

	sb_printf(&p, "%s/%s.out", S.dir, daemon_names[i]);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	strvec_pushv(&c->args, argv);
	strvec_push(&c->env, S.env);
	c->out = CMD_OUT_FD;
	c->out_fd = fd;
	if (command_start(c))
		fail_msg("cannot start %s", daemon_names[i]);
	close(fd);
	c->out_fd = -1;
	strbuf_release(&p);
}

/*
 * Polls argv every 0.2 s until its output contains want, up to
 * READY_TIMEOUT, while daemon i runs; fails the test, with the logs,
 * when it does not come.
 */
static void wait_ready(int i, const char *const *argv, const char *want)
{
	double deadline = now_monotonic() + READY_TIMEOUT;
	char *out = NULL;

	for (;;) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		int rc = slurm_run(&out, argv, 30);

		if (rc == 0 && strstr(out, want))
			break;
		if (!command_running(&S.d[i]) || now_monotonic() > deadline || vm_interrupted) {
			show_daemon_logs();
			fail_msg("%s not ready: '%s' answered (status %d):\n%s", daemon_names[i],
				 argv[0], rc, out);
		}
		free(out);
		nanosleep(&ts, NULL);
	}
	free(out);
}

/* "NodeName=... CPUs=... RealMemory=..." as slurmd sees this machine. */
static char *node_line(void)
{
	char *out = NULL;

	if (slurm_run(&out, (const char *const[]){ "/usr/sbin/slurmd", "-C", NULL }, 60) ||
	    strncmp(out, "NodeName=", 9))
		fail_msg("slurmd -C answered:\n%s", out);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* The node's name in a node line. */
static char *node_name(const char *line)
{
	return xstrndup(line + 9, strcspn(line + 9, " "));
}

/*
 * The cluster: slurm.conf, munge key, munged, slurmctld and slurmd, each
 * ready. On failure the teardown stops what started.
 */
static void slurm_start(void)
{
	struct strbuf conf = STRBUF_INIT, p = STRBUF_INIT;
	char *node = node_line(), *name = node_name(node), *out = NULL;
	long ctld_port, slurmd_port;
	const char *d = S.dir;

	free_ports(&ctld_port, &slurmd_port);
	sb_printf(&p, "%s/state", d);
	assert_int_equal(mkdir_p(p.buf, 0700), 0);
	strbuf_reset(&p);
	sb_printf(&p, "%s/spool", d);
	assert_int_equal(mkdir_p(p.buf, 0700), 0);
	/* Addresses given, so that nothing depends on resolving the name. */
	sb_printf(&conf,
		  "ClusterName=vmtest\n"
		  "SlurmctldHost=%s(127.0.0.1)\n"
		  "SlurmctldPort=%ld\n"
		  "SlurmdPort=%ld\n"
		  "SlurmUser=root\n"
		  "SlurmdUser=root\n"
		  "AuthType=auth/munge\n"
		  "CredType=cred/munge\n"
		  "AuthInfo=socket=%s/munge.sock\n"
		  "StateSaveLocation=%s/state\n"
		  "SlurmdSpoolDir=%s/spool\n"
		  "SlurmctldPidFile=%s/slurmctld.pid\n"
		  "SlurmdPidFile=%s/slurmd.pid\n"
		  "SlurmctldLogFile=%s/slurmctld.log\n"
		  "SlurmdLogFile=%s/slurmd.log\n"
		  "ProctrackType=proctrack/linuxproc\n"
		  "TaskPlugin=task/none\n"
		  "JobAcctGatherType=jobacct_gather/none\n"
		  "AccountingStorageType=accounting_storage/none\n"
		  "MpiDefault=none\n"
		  "SchedulerType=sched/builtin\n"
		  "SelectType=select/cons_tres\n"
		  "SelectTypeParameters=CR_Core\n"
		  "ReturnToService=2\n"
		  /* Finished jobs stay visible to scontrol while the test looks. */
		  "MinJobAge=3600\n"
		  "%s NodeAddr=127.0.0.1 State=UNKNOWN\n"
		  "PartitionName=vmx Nodes=%s Default=YES MaxTime=INFINITE State=UP\n",
		  name, ctld_port, slurmd_port, d, d, d, d, d, d, d, node, name);
	assert_int_equal(write_file_atomic(S.conf, conf.buf, conf.len), 0);

	strbuf_reset(&p);
	sb_printf(&p, "%s/munge.key", d);
	if (slurm_run(&out, (const char *const[]){ "/usr/sbin/mungekey", "--create", "--bits",
						   "1024", "--keyfile", p.buf, NULL },
		      60))
		fail_msg("mungekey: %s", out);
	free(out);
	assert_int_equal(chmod(p.buf, 0400), 0);
	{
		struct strbuf k = STRBUF_INIT, s = STRBUF_INIT, pid = STRBUF_INIT,
			      log = STRBUF_INIT, seed = STRBUF_INIT;

		sb_printf(&k, "--key-file=%s", p.buf);
		sb_printf(&s, "%s/munge.sock", d);
		sb_printf(&pid, "--pid-file=%s/munged.pid", d);
		sb_printf(&log, "--log-file=%s/munged.log", d);
		sb_printf(&seed, "--seed-file=%s/munged.seed", d);
		start_daemon(MUNGED, (const char *const[]){ "/usr/sbin/munged", "--foreground",
			"--socket", s.buf, k.buf, pid.buf, log.buf, seed.buf, NULL });
		wait_ready(MUNGED, (const char *const[]){ "/usr/bin/munge", "--socket", s.buf,
							  "--no-input", NULL },
			   "MUNGE:");
		strbuf_release(&k);
		strbuf_release(&s);
		strbuf_release(&pid);
		strbuf_release(&log);
		strbuf_release(&seed);
	}
	start_daemon(SLURMCTLD, (const char *const[]){ "/usr/sbin/slurmctld", "-D", NULL });
	wait_ready(SLURMCTLD, (const char *const[]){ "/usr/bin/scontrol", "ping", NULL },
		   "is UP");
	start_daemon(SLURMD, (const char *const[]){ "/usr/sbin/slurmd", "-D", NULL });
	wait_ready(SLURMD, (const char *const[]){ "/usr/bin/sinfo", "--noheader", "--Node",
						  "--format=%N %T", NULL },
		   " idle");
	fprintf(stderr, "slurm: node %s, slurmctld port %ld, slurmd port %ld\n", name,
		ctld_port, slurmd_port);
	free(node);
	free(name);
	strbuf_release(&conf);
	strbuf_release(&p);
}

/* The pids of processes with the test's SLURM_CONF in their environment. */
static void conf_processes(struct strvec *pids)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;

	assert_non_null(proc);
	while ((e = readdir(proc))) {
		struct strbuf env = STRBUF_INIT, p = STRBUF_INIT;
		long pid;
		int fd;

		if (parse_long(e->d_name, 1, 1L << 30, &pid) || pid == (long)getpid())
			continue;
		sb_printf(&p, "/proc/%ld/environ", pid);
		fd = open(p.buf, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && !strbuf_read_fd(&env, fd, p.buf, 1 << 20)) {
			/* NUL-separated entries: compare each. */
			for (size_t at = 0; at < env.len; at += strlen(env.buf + at) + 1)
				if (!strcmp(env.buf + at, S.env))
					strvec_pushf(pids, "%ld", pid);
		}
		if (fd >= 0)
			close(fd);
		strbuf_release(&env);
		strbuf_release(&p);
	}
	closedir(proc);
}

/*
 * Cancels every job and waits (bounded) for the queue to empty, stops
 * slurmd, slurmctld and munged, kills whatever still has the test's
 * SLURM_CONF. 0, or -1 when something had to be killed that should have
 * ended by itself.
 */
static int slurm_stop(void)
{
	struct strvec left = STRVEC_INIT;
	char *out = NULL;
	int ret = 0;

	if (command_running(&S.d[SLURMCTLD])) {
		double deadline = now_monotonic() + 120;

		if (slurm_run(&out, (const char *const[]){ "/usr/bin/scancel", "--user=root", NULL },
			      60))
			fprintf(stderr, "scancel: %s\n", out);
		free(out);
		while (now_monotonic() < deadline) {
			struct timespec ts = { 0, 200 * 1000 * 1000 };

			if (!slurm_run(&out, (const char *const[]){ "/usr/bin/squeue", "--noheader",
								    "--states=all", "--format=%i %T",
								    NULL },
				       30) &&
			    !strstr(out, "RUNNING") && !strstr(out, "COMPLETING") &&
			    !strstr(out, "PENDING") && !strstr(out, "CONFIGURING")) {
				free(out);
				break;
			}
			free(out);
			nanosleep(&ts, NULL);
		}
	}
	for (int i = NDAEMONS - 1; i >= 0; i--) {
		if (command_running(&S.d[i])) {
			command_kill(&S.d[i], SIGTERM);
			if (command_wait(&S.d[i], 60))
				fprintf(stderr, "%s did not stop on SIGTERM: killed\n",
					daemon_names[i]);
		}
		command_release(&S.d[i]);
	}
	conf_processes(&left);
	for (size_t i = 0; i < left.nr; i++) {
		long pid;

		if (!parse_long(left.v[i], 1, 1L << 30, &pid)) {
			char st = tu_proc_state(pid);

			fprintf(stderr, "left running with the test's SLURM_CONF: pid %ld (%c)\n",
				pid, st ? st : '-');
			kill((pid_t)pid, SIGKILL);
		}
		ret = -1;
	}
	strvec_clear(&left);
	return ret;
}

static int setup(void **state)
{
	(void)state;
	vm = tu_vm_binary();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(vm);
	return 0;
}

/* After the test, passed or failed: nothing of the cluster is left. */
static int slurm_teardown(void **state)
{
	int ret;

	(void)state;
	if (!S.dir)
		return 0;
	ret = slurm_stop();
	tu_rmdir(S.dir);
	free(S.conf);
	free(S.env);
	memset(&S, 0, sizeof(S));
	return ret;
}

/* The job id after prefix in the script's output ("sweep job 12: ..."). */
static long job_id(const char *out, const char *prefix)
{
	const char *p = strstr(out, prefix);
	char *s;
	long id;

	if (!p)
		fail_msg("no '%s' in the plan's output:\n%s", prefix, out);
	s = xstrndup(p + strlen(prefix), strspn(p + strlen(prefix), "0123456789"));
	if (parse_long(s, 1, 1L << 30, &id))
		fail_msg("'%s%s' is not a job id", prefix, s);
	free(s);
	return id;
}

/* The JobState=... words of `scontrol show job id`, space-separated (malloc'd). */
static char *job_states(long id)
{
	struct strbuf states = STRBUF_INIT;
	char ids[32], *out = NULL;

	snprintf(ids, sizeof(ids), "%ld", id);
	if (slurm_run(&out, (const char *const[]){ "/usr/bin/scontrol", "show", "job", ids, NULL },
		      30))
		fail_msg("scontrol show job %ld: %s", id, out);
	for (const char *p = out; (p = strstr(p, "JobState=")); p += 9)
		sb_printf(&states, "%s%.*s", states.len ? " " : "", (int)strcspn(p + 9, " \n"),
			  p + 9);
	free(out);
	return strbuf_detach(&states);
}

/* Whether a job in state s may still end well. */
static int job_going(const char *s)
{
	static const char *const going[] = { "PENDING", "CONFIGURING", "RUNNING", "COMPLETING",
					     "REQUEUED", "RESIZING", "SUSPENDED" };

	for (size_t i = 0; i < ARRAY_SIZE(going); i++)
		if (!strncmp(s, going[i], strlen(going[i])))
			return 1;
	return 0;
}

/* Waits (bounded) for job id to end; its state, malloc'd. */
static char *job_wait(long id)
{
	double deadline = now_monotonic() + JOB_TIMEOUT;
	char *s;

	while (job_going(s = job_states(id))) {
		struct timespec ts = { 0, 500 * 1000 * 1000 };

		if (now_monotonic() > deadline || vm_interrupted)
			fail_msg("job %ld still %s after %.0f s", id, s, JOB_TIMEOUT);
		free(s);
		nanosleep(&ts, NULL);
	}
	return s;
}

static void test_plan_on_slurm(void **state)
{
	char *base = NULL, *work, *plan_sh, *out = NULL, *v, *baseline, *states, *m;
	struct strbuf wd = STRBUF_INIT, p = STRBUF_INIT;
	long sweep_job, report_job;
	double t0;
	struct store st;

	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: slurmd runs jobs as root only when started by root, "
				"and this test is not root\n");
		skip();
	}
	for (size_t i = 0; i < ARRAY_SIZE(slurm_bins); i++)
		if (!path_exists(slurm_bins[i]))
			fail_msg("no %s ('make deps' installs slurmctld, slurmd, slurm-client "
				 "and munge)", slurm_bins[i]);

	S.dir = tu_tmpdir("slurm");
	assert_int_equal(chmod(S.dir, 0755), 0);
	S.conf = tu_path(S.dir, "slurm.conf");
	sb_printf(&p, "SLURM_CONF=%s", S.conf);
	S.env = strbuf_detach(&p);
	for (int i = 0; i < NDAEMONS; i++)
		command_init(&S.d[i]);

	/* The baseline: the same work unsharded, in a fresh store. */
	base = tu_path(S.dir, "baseline.db");
	assert_exit(tu_run(&out, (const char *const[]){ vm, "sweep", "--installed", "--libvirt",
							"none", SCN, "--no-report", NULL },
			   (const char *const[]){ "--db", base, NULL }, 900),
		    0);
	free(out);
	baseline = tu_sweep_results(base, "s.kind = 'sweep' AND s.status = 'finished'");
	assert_string_equal(baseline, "7.2.22-system - vm-i440fx pass; 7.2.22-system - vm-q35 pass");

	slurm_start();

	/* A directory whose name needs quoting, given with --workdir. */
	sb_printf(&wd, "%s/lab's sweeps", S.dir);
	assert_int_equal(mkdir_p(wd.buf, 0755), 0);
	work = wd.buf;
	assert_exit(tu_run(&out, (const char *const[]){ vm, "plan", "--format", "slurm",
							"--shards", "2", "--sweep-id", UUID,
							"--bin", vm, "--installed", "--libvirt",
							"none", SCN, "--workdir", work, NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	plan_sh = tu_path(S.dir, "sweep.sh");
	assert_int_equal(write_file_atomic(plan_sh, out, strlen(out)), 0);
	free(out);

	/* Run from elsewhere: the jobs go to --workdir. */
	t0 = now_monotonic();
	if (slurm_run_in(S.dir, &out, (const char *const[]){ "/bin/sh", plan_sh, NULL }, 120))
		fail_msg("sh sweep.sh failed:\n%s", out);
	fprintf(stderr, "%s", out);
	assert_contains(out, "virt-matrix sweep " UUID " in ", "first line");
	sweep_job = job_id(out, "sweep job ");
	report_job = job_id(out, "report job ");
	assert_contains(out, ": shards 1-2 of 2\n", "sweep line");
	free(out);

	states = job_wait(report_job);
	if (strcmp(states, "COMPLETED")) {
		char *sw = job_states(sweep_job), name[64];

		show_daemon_logs();
		for (int k = 1; k <= 2; k++) {
			snprintf(name, sizeof(name), "slurm-%ld_%d.out", sweep_job, k);
			show_tail(work, name);
		}
		snprintf(name, sizeof(name), "slurm-%ld.out", report_job);
		show_tail(work, name);
		fail_msg("report job %ld ended %s (sweep job %ld: %s)", report_job, states,
			 sweep_job, sw);
	}
	free(states);
	states = job_states(sweep_job);
	fprintf(stderr, "slurm: sweep job %ld tasks %s; report job %ld COMPLETED %.1f s after "
			"sh sweep.sh\n", sweep_job, states, report_job, now_monotonic() - t0);
	assert_string_equal(states, "COMPLETED COMPLETED");
	free(states);

	/* Each task swept its own shard, from Slurm's array variables. */
	for (int k = 1; k <= 2; k++) {
		char name[64], want[128];

		snprintf(name, sizeof(name), "slurm-%ld_%d.out", sweep_job, k);
		m = tu_path(work, name);
		v = tu_read(m);
		snprintf(want, sizeof(want), "sweep " UUID ", shard %d/2", k);
		assert_contains(v, want, name);
		assert_contains(v, "runs: pass 1 (1 job)", name);
		free(v);
		free(m);
	}

	m = tu_path(work, "matrix.db");
	assert_int_equal(store_open(&st, m), 0);
	v = tu_query1(&st, "SELECT status || ' ' || shard FROM sweeps WHERE uuid = '" UUID "'");
	assert_string_equal(v, "finished 1,2/2");
	free(v);
	store_close(&st);
	v = tu_sweep_results(m, "s.uuid = '" UUID "'");
	assert_string_equal(v, baseline);
	free(v);
	free(m);
	{
		static const char *const reports[] = { "report.html", "report.md", "report.json",
						       "report.junit.xml" };

		for (size_t i = 0; i < ARRAY_SIZE(reports); i++) {
			strbuf_reset(&p);
			sb_printf(&p, "%s/report/%s", work, reports[i]);
			v = tu_read(p.buf);
			assert_contains(v, UUID, reports[i]);
			free(v);
		}
	}

	/* sbatch refuses the first job: the script stops there, with its error. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "plan", "--format", "slurm",
							"--bin", vm, "--tag", "nosuchpartition",
							NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	assert_int_equal(write_file_atomic(plan_sh, out, strlen(out)), 0);
	free(out);
	if (slurm_run_in(work, &out, (const char *const[]){ "/bin/sh", plan_sh, NULL }, 120) == 0)
		fail_msg("a plan for a partition that does not exist succeeded:\n%s", out);
	assert_contains(out, "invalid partition", "sbatch's error");
	if (strstr(out, "sweep job ") || strstr(out, "report job "))
		fail_msg("jobs submitted after sbatch failed:\n%s", out);
	free(out);

	free(plan_sh);
	free(baseline);
	free(base);
	strbuf_release(&wd);
	strbuf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_plan_on_slurm, slurm_teardown),
	};

	tu_test_filter();
	command_setup_signals();
	return cmocka_run_group_tests(tests, setup, teardown);
}
