/*
 * vm-bench: benchmarks for `make bench`. Each figure is measured side by
 * side in one run against a standard peer on the same input, and reported
 * as a ratio, because these machines are noisy. Results are appended to
 * the file named on the command line (and printed).
 *
 *   sha256   sha256_file() vs coreutils sha256sum, 256 MiB file; and
 *            SHA-NI vs the plain code on the largest QEMU binary
 *   unpack   unpack_archive() (libarchive, secure checks) vs GNU tar -x,
 *            a .tar.gz of 4000 small files in 40 directories
 *   probe    for Debian's QEMU and each ark-built QEMU under /opt/qemu:
 *            the capability record, the ABI of all versioned machine
 *            types, and probing the unchanged binary again (goals: 0.5 s,
 *            2 s, 50 ms); side by side, libvirt's own cold capability
 *            probe of the same binary where an ark-built libvirt exists,
 *            and QEMU's own scripts/compare-machine-types.py --all for the
 *            ABI side where it can run (ark-built QEMU >= 9.1); and
 *            both probes with each QEMU started by exec instead of
 *            forked from its zygote (lib/zygote.h), in turn first
 *
 *   run      the runner's overhead: `virt-matrix run` of the plain
 *            i440fx scenario on Debian's QEMU, whole command, against a
 *            bare QEMU booting the same guest with the argv that run
 *            recorded (its QMP monitor taken out); goal: 10% or less.
 *            And a sweep of 4 such jobs with --jobs 1 against --jobs 2.
 *
 *   report   `virt-matrix report all` in all four formats (HTML, Markdown,
 *            JSON, JUnit, and the run logs) over every QEMU install of the
 *            default store, whole command; goal: 1 s or less. Side by
 *            side, the sqlite3 shell reading the same rows (the ABI texts
 *            compared, machine types, QMP commands, device properties,
 *            the runs with their argv and logs) to /dev/null.
 *
 *   corpus   `virt-matrix map FILE --json` of every DTS cfg under
 *            scenarios/dts for every probed QEMU of the default store,
 *            one process per file, beside python3's configparser reading
 *            the same files as DTS does and sqlite3 running the mapper's
 *            queries for every version; in bench/corpus-bench.c.
 *
 *   startup, accel, qmp, store: the parts of a probe, in
 *            bench/probe-costs.c (see there).
 *
 *   guest    the guest view of Debian's QEMU and the newest ark build
 *            beside a bare boot loop, in bench/guest-bench.c.
 *
 *   migrate  a file-mode migration job from Debian's QEMU to itself and
 *            to the newest ark build, on the newest pc-q35 machine type
 *            both have: each restore with the guest's proof (goal 2 s),
 *            and the whole job beside a bare script with the same argvs
 *            (goal 10% or less); in bench/migrate-bench.c.
 *
 *   vf       an SR-IOV VF passed through in the VF lab beside the e1000e
 *            lab's passthrough (scenarios/passthrough.cfg), and DTS's
 *            scene/vf_passthrough.cfg; in bench/vf-bench.c.
 *
 *   lvcorpus libvirt's own test domains (`virt-matrix corpus run`) on
 *            Debian's libvirt and QEMU: the whole corpus (goal 5 min,
 *            one run), and up to 40 domains beside a bare virsh loop of
 *            the same domains (goal: ratio 1.0 or less); in
 *            bench/lvcorpus-bench.c.
 *
 *   scale    a large lab's sweep, SIMULATED (bench/scale-gen.c): 64
 *            shard stores merged (goal 20 s) and reported (goal 5 s) at
 *            960, 3,750 and 15,000 jobs, the growth per doubling, and the
 *            15,000-row table filtered and sorted in headless Chromium
 *            (goal 1 s each); in bench/scale-bench.c.
 *
 * Each side runs 5 times alternately (the sweep 3 times); the median
 * wall time counts. Sections are rows of sections[]; each block in the
 * results file opens with what makes its figures comparable: the time,
 * the machine (cores, CPU model, kernel, /dev/kvm, load average) and the
 * virt-matrix version.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "fs.h"
#include "sha256.h"
#include "strbuf.h"
#include "unpack.h"
#include "abi.h"
#include "caps.h"
#include "libvirtd.h"
#include "installs.h"
#include "paths.h"
#include "store.h"
#include "version.h"
#include "vmversion.h"
#include "bench.h"
#include <dirent.h>
#include <json-c/json.h>
#include <sys/utsname.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	sort_array(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

double timed_run(const char *const *argv, int want_exit0)
{
	struct command cmd;
	double t;

	command_init(&cmd);
	strvec_pushv(&cmd.args, argv);
	cmd.out = CMD_OUT_NULL;
	cmd.timeout = 600;
	t = now_monotonic();
	if (command_run(&cmd) || (want_exit0 && !command_succeeded(&cmd)))
		die("'%s %s' failed", argv[0], argv[1] ? argv[1] : "");
	t = now_monotonic() - t;
	command_release(&cmd);
	return t;
}

static double run_peer(const char *const *argv, const char *dir)
{
	struct command cmd;
	double t;

	command_init(&cmd);
	strvec_pushv(&cmd.args, argv);
	cmd.dir = dir;
	cmd.out = CMD_OUT_NULL;
	cmd.timeout = 300;
	t = now_monotonic();
	if (command_run(&cmd) || !command_succeeded(&cmd))
		die("peer '%s' failed", argv[0]);
	t = now_monotonic() - t;
	command_release(&cmd);
	return t;
}

static void make_data(const char *path, size_t mib)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	unsigned char buf[1 << 16];
	unsigned x = 12345;

	if (fd < 0)
		die("cannot create %s", path);
	for (size_t i = 0; i < mib * 16; i++) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (unsigned char)((x = x * 1103515245 + 12345) >> 16);
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("cannot write %s", path);
	}
	close(fd);
}

static void make_archive(const char *path)
{
	struct archive *a = archive_write_new();
	char name[128], text[600];

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		die("cannot create %s", path);
	for (int i = 0; i < 4000; i++) {
		struct archive_entry *e = archive_entry_new();
		int n = snprintf(text, sizeof(text), "file %d\n%0500d\n", i, i);

		snprintf(name, sizeof(name), "proj-1.0/dir%02d/file%04d.c",
			 i % 40, i);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, n);
		archive_write_header(a, e);
		archive_write_data(a, text, (size_t)n);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

/*
 * QEMU's scripts/compare-machine-types.py for an ark-built QEMU >= 9.1
 * (the first with compat-props in query-machines), taken from the source
 * tarball ark fetched for it and run with Debian's python3 (pandas and
 * tabulate from make deps). Fills argv and returns 0 if it can run.
 */
static int peer_compare_script(const char *binary, const char *dir,
			       struct strvec *argv)
{
	struct store st;
	struct install in;
	struct strbuf tar = STRBUF_INIT, dest = STRBUF_INIT, script = STRBUF_INIT;
	char *db = store_default_path(), *cache = paths_cache_dir(), *top = NULL;
	const char *base, *slash;
	int ret = -1, r;

	memset(&in, 0, sizeof(in));
	if (strncmp(binary, "/opt/qemu/", 10))
		goto out;
	slash = strchr(binary + 10, '/');
	if (!slash || store_open(&st, db))
		goto out;
	{
		char *ver = xstrndup(binary + 10, (size_t)(slash - binary - 10));

		r = installs_get(&st, "qemu", ver, &in);
		free(ver);
	}
	store_close(&st);
	if (r != 0 || !in.source_url || !in.source_sha256 ||
	    version_strcmp(in.version, "9.1") < 0)
		goto out;
	/* The cache keeps each download in a directory named by its sha256. */
	{
		struct dirent **ents = NULL;
		int k;

		sb_printf(&tar, "%s/downloads/%s", cache, in.source_sha256);
		k = scandir(tar.buf, &ents, NULL, alphasort);
		base = NULL;
		for (int i = 0; i < k; i++) {
			if (!base && ents[i]->d_name[0] != '.')
				sb_printf(&tar, "/%s", ents[i]->d_name), base = "";
			free(ents[i]);
		}
		free(ents);
		if (!base)
			goto out;
	}
	sb_printf(&dest, "%s/peer-%s", dir, in.version);
	if (!path_exists(tar.buf) || mkdir_p(dest.buf, 0755) ||
	    unpack_archive(tar.buf, dest.buf, &top))
		goto out;
	sb_printf(&script, "%s/scripts/compare-machine-types.py", top);
	if (!path_exists(script.buf))
		goto out;
	strvec_pushv(argv, (const char *const[]){ "python3", script.buf, "--all",
						  "--raw", "--qemu-binary",
						  binary, NULL });
	/* Its imports must be there, or it is no peer here. */
	{
		struct command c;

		command_init(&c);
		strvec_pushv(&c.args, (const char *const[]){
			"python3", "-c", "import pandas, tabulate", NULL });
		c.out = CMD_OUT_NULL;
		c.timeout = 60;
		ret = command_run(&c) || !command_succeeded(&c) ? -1 : 0;
		command_release(&c);
	}
out:
	install_release(&in);
	free(top);
	free(db);
	free(cache);
	strbuf_release(&tar);
	strbuf_release(&dest);
	strbuf_release(&script);
	return ret;
}

/*
 * A capability record and an ABI probe of binary in a new store, with
 * VIRT_MATRIX_ZYGOTE=zygote ("require": forked, or die; "off": exec);
 * with again, the unchanged binary's probe as well.
 */
static void probe_once(const char *binary, const char *db, const char *zygote,
		       double *caps, double *abi, size_t *machines, double *again)
{
	struct store st;
	struct caps_result r;
	struct abi_result a;

	unlink(db);
	setenv("VIRT_MATRIX_ZYGOTE", zygote, 1);
	if (store_open(&st, db) || caps_probe(&st, binary, 1, 1, &r) ||
	    abi_probe(&st, r.binary_id, binary, &a))
		die("probe of %s (VIRT_MATRIX_ZYGOTE=%s) failed", binary, zygote);
	*caps = r.seconds;
	*abi = a.seconds;
	*machines = a.machines;
	if (again) {
		if (caps_probe(&st, binary, 0, 1, &r) || !r.reused)
			die("re-probe of %s was not reused", binary);
		*again = r.seconds;
	}
	unsetenv("VIRT_MATRIX_ZYGOTE");
	store_close(&st);
}

/*
 * One binary: caps (no ABI), ABI, unchanged; medians of RUNS. The same
 * with every QEMU an exec instead of forked from the zygote, the two
 * sides in turn first. Where QEMU's own compare-machine-types.py can
 * run, it runs alternately with the ABI probe and the ratio is given.
 */
static double bench_probe(const char *binary, const char *dir, struct strbuf *out)
{
	double caps[RUNS], abi[RUNS], again[RUNS], peer[RUNS];
	double caps_exec[RUNS], abi_exec[RUNS];
	struct strbuf db = STRBUF_INIT;
	struct strvec pargv = STRVEC_INIT;
	size_t machines = 0;
	int have_peer = peer_compare_script(binary, dir, &pargv) == 0;

	sb_printf(&db, "%s/probe.db", dir);
	for (int i = 0; i < RUNS; i++) {
		for (int side = 0; side < 2; side++) {
			if ((side + i) % 2 == 0)
				probe_once(binary, db.buf, "require", &caps[i],
					   &abi[i], &machines, &again[i]);
			else
				probe_once(binary, db.buf, "off", &caps_exec[i],
					   &abi_exec[i], &machines, NULL);
		}
		if (have_peer)
			peer[i] = run_peer((const char *const *)pargv.v, dir);
	}
	sb_printf(out,
		  "probe %s: capability record %.2f s (goal 0.5 s), ABI of %zu "
		  "machine types %.2f s (goal 2 s), unchanged %.1f ms (goal 50 ms)\n",
		  binary, median(caps, RUNS), machines, median(abi, RUNS),
		  median(again, RUNS) * 1000);
	sb_printf(out,
		  "  the same with every QEMU started by exec (VIRT_MATRIX_ZYGOTE=off): "
		  "capability record %.2f s, ratio zygote/exec %.2f; ABI %.2f s, "
		  "ratio %.2f\n",
		  median(caps_exec, RUNS), median(caps, RUNS) / median(caps_exec, RUNS),
		  median(abi_exec, RUNS), median(abi, RUNS) / median(abi_exec, RUNS));
	if (have_peer) {
		double mp = median(peer, RUNS);

		sb_printf(out,
			  "peer: QEMU's compare-machine-types.py --all on the same "
			  "binary: %.2f s; ABI ratio ours/peer %.2f\n",
			  mp, median(abi, RUNS) / mp);
	} else {
		sb_printf(out, "peer: compare-machine-types.py cannot run on "
			       "this binary (QEMU < 9.1, not built by ark, or its "
			       "source or python modules missing)\n");
	}
	strvec_clear(&pargv);
	strbuf_release(&db);
	return median(caps, RUNS);
}

/*
 * libvirt's own cold capability probe of binary, the peer for caps
 * (ours: our capability record of the same binary).
 */
static void bench_libvirt_peer(const char *prefix, const char *binary,
			       double ours, struct strbuf *out)
{
	double t[RUNS];
	struct strbuf cache = STRBUF_INIT;

	sb_printf(&cache, "%s/var/cache/libvirt/qemu/capabilities", prefix);
	for (int i = 0; i < RUNS; i++) {
		struct libvirtd d;
		char *xml = NULL, *err = NULL;
		double t0;

		struct install lv = { .kind = (char *)"built", .prefix = (char *)prefix,
				      .version = (char *)prefix };

		if (remove_tree(cache.buf) || libvirtd_start(&d, &lv, 60))
			die("cannot start libvirt at %s", prefix);
		t0 = now_monotonic();
		if (libvirtd_domcaps(&d, binary, "pc", "qemu", &xml, &err))
			die("libvirt domcapabilities failed: %s", err);
		t[i] = now_monotonic() - t0;
		free(xml);
		libvirtd_stop(&d);
	}
	sb_printf(out,
		  "peer: libvirt %s cold capability probe of %s: %.2f s; "
		  "capability record ratio ours/peer %.2f\n",
		  prefix, binary, median(t, RUNS), ours / median(t, RUNS));
	strbuf_release(&cache);
}

/* The recorded argv of the last run of scenario, without QMP. */
static void recorded_bare_argv(const char *db, const char *scenario,
			       struct strvec *out)
{
	struct store st;
	auto_stmt *q = NULL;
	json_object *a;

	if (store_open(&st, db) ||
	    store_prepare(&st, &q, "SELECT argv FROM runs WHERE scenario = ?"
				   " AND status = 'pass' ORDER BY id DESC LIMIT 1"))
		die("cannot read the runs of %s", db);
	store_bind_text(q, 1, scenario);
	if (sqlite3_step(q) != SQLITE_ROW)
		die("no passed run of %s to take the argv from", scenario);
	a = json_tokener_parse((const char *)sqlite3_column_text(q, 0));
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(a, i));
		const char *next = i + 1 < json_object_array_length(a)
					   ? json_object_get_string(json_object_array_get_idx(a, i + 1))
					   : "";

		if ((!strcmp(v, "-chardev") && !strncmp(next, "socket,id=vmqmp,", 16)) ||
		    (!strcmp(v, "-mon") && !strncmp(next, "chardev=vmqmp,", 14))) {
			i++;
			continue;
		}
		strvec_push(out, v);
	}
	json_object_put(a);
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
}

static void bench_runner(const char *dir, struct strbuf *out)
{
	const char *vm = getenv("VIRT_MATRIX_BIN");
	struct strbuf db = STRBUF_INIT, cfg = STRBUF_INIT;
	struct strvec bare = STRVEC_INIT, sweep = STRVEC_INIT;
	double ours[RUNS], peer[RUNS], mo, mp, serial[3], par[3];
	/* make bench runs from the top of the tree. */
	char *scn = is_dir("scenarios") ? xstrdup("scenarios") : paths_data_dir("scenarios");

	if (!vm)
		vm = "./virt-matrix";
	if (!path_exists("/usr/bin/qemu-system-x86_64")) {
		sb_puts(out, "run: skipped, Debian's QEMU is not installed\n");
		free(scn);
		return;
	}
	sb_printf(&db, "%s/run.db", dir);
	timed_run((const char *const[]){ vm, "ark", "import", "qemu", "--db", db.buf, NULL }, 1);
	/* Warm: the probe record and the cached initramfs. */
	timed_run((const char *const[]){ vm, "run", "--scenario", "vm-i440fx", "--db", db.buf, NULL }, 1);
	recorded_bare_argv(db.buf, "vm-i440fx", &bare);
	for (int i = 0; i < RUNS; i++) {
		/* Alternate which side goes first. */
		if (i % 2)
			peer[i] = timed_run((const char *const *)bare.v, 1);
		ours[i] = timed_run((const char *const[]){ vm, "run", "--scenario", "vm-i440fx",
							   "--db", db.buf, NULL }, 1);
		if (!(i % 2))
			peer[i] = timed_run((const char *const *)bare.v, 1);
	}
	mo = median(ours, RUNS);
	mp = median(peer, RUNS);
	sb_printf(out,
		  "run vm-i440fx on Debian's QEMU: virt-matrix run %.2f s, bare "
		  "QEMU boot of the same guest %.2f s; harness overhead %+.1f%% "
		  "(goal 10%% or less)\n",
		  mo, mp, 100 * (mo / mp - 1));
	/* The sweep: 4 copies of the scenario, serial then 2 at a time. */
	for (int k = 0; k < 4; k++) {
		struct strbuf src = STRBUF_INIT, t = STRBUF_INIT;

		sb_printf(&src, "%s/vm-i440fx.cfg", scn);
		strbuf_reset(&cfg);
		sb_printf(&cfg, "%s/sweep-%d.cfg", dir, k);
		if (strbuf_read_file(&t, src.buf, 1 << 20) ||
		    write_file_atomic(cfg.buf, t.buf, t.len))
			die("cannot copy %s", src.buf);
		strvec_pushv(&sweep, (const char *const[]){ "--scenario", cfg.buf, NULL });
		strbuf_release(&src);
		strbuf_release(&t);
	}
	for (int i = 0; i < 6; i++) {
		struct strvec a = STRVEC_INIT;

		strvec_pushv(&a, (const char *const[]){ vm, "run", "--db", db.buf,
							"--jobs", i % 2 ? "2" : "1", NULL });
		strvec_pushv(&a, (const char *const *)sweep.v);
		(i % 2 ? par : serial)[i / 2] = timed_run((const char *const *)a.v, 1);
		strvec_clear(&a);
	}
	mo = median(serial, 3);
	mp = median(par, 3);
	sb_printf(out,
		  "run sweep of 4 jobs: --jobs 1 %.2f s, --jobs 2 %.2f s; "
		  "speedup %.2fx on %d cores\n",
		  mo, mp, mo / mp, online_cpus());
	strvec_clear(&bare);
	strvec_clear(&sweep);
	strbuf_release(&db);
	strbuf_release(&cfg);
	free(scn);
}

/* What the report reads, as plain queries for the sqlite3 shell. */
static const char report_peer_sql[] =
	"SELECT v.version, m.machine, m.fingerprint, t.text FROM installs v"
	" JOIN binaries b ON b.sha256 = v.binary_sha256"
	" JOIN machine_abi m ON m.binary = b.id"
	" LEFT JOIN abi_texts t ON t.sha256 = m.fingerprint WHERE v.app = 'qemu';"
	"SELECT binary, name FROM machine_types;"
	"SELECT binary, name FROM qmp_commands;"
	"SELECT binary, name, propset FROM devices;"
	"SELECT propset, name, default_value FROM propset_props;"
	"SELECT * FROM runs;"
	"SELECT * FROM sweeps;";

static void bench_report(const char *dir, struct strbuf *out)
{
	const char *vm = getenv("VIRT_MATRIX_BIN");
	char *db = store_default_path();
	struct strbuf rep = STRBUF_INIT, versions = STRBUF_INIT;
	double ours[RUNS], peer[RUNS], mo, mp;
	size_t nq = 0;

	if (!vm)
		vm = "./virt-matrix";
	if (!path_exists(db)) {
		sb_printf(out, "report: skipped, no store at %s\n", db);
		free(db);
		return;
	}
	{
		struct store st;
		struct install *in = NULL;
		size_t n = 0;

		if (store_open(&st, db) || installs_list(&st, "qemu", &in, &n))
			die("cannot read the installs of %s", db);
		for (size_t i = 0; i < n; i++)
			sb_printf(&versions, "%s%s", i ? ", " : "", in[i].version);
		nq = n;
		installs_free(in, n);
		store_close(&st);
	}
	sb_printf(&rep, "%s/report", dir);
	for (int i = 0; i < RUNS; i++) {
		const char *const ov[] = { vm, "report", "all", "--format", "html,md,json,junit",
					   "--out", rep.buf, "--no-fail", "--db", db, NULL };
		const char *const pv[] = { "sqlite3", "-readonly", db, report_peer_sql, NULL };

		if (i % 2)
			peer[i] = timed_run(pv, 1);
		ours[i] = timed_run(ov, 1);
		if (!(i % 2))
			peer[i] = timed_run(pv, 1);
	}
	mo = median(ours, RUNS);
	mp = median(peer, RUNS);
	sb_printf(out,
		  "report all, 4 formats, %zu QEMU versions (%s) from %s: virt-matrix "
		  "report %.3f s (goal 1 s); sqlite3 reading the same rows %.3f s; "
		  "ratio ours/peer %.2f\n",
		  nq, versions.buf, db, mo, mp, mo / mp);
	strbuf_release(&rep);
	strbuf_release(&versions);
	free(db);
}

static void bench_sha256(struct bench *b)
{
	struct strbuf data = STRBUF_INIT;
	double ours[RUNS], peer[RUNS], mo, mp;
	char hex[SHA256_HEX_LEN + 1];

	sb_printf(&data, "%s/data.bin", b->dir);
	make_data(data.buf, 256);
	for (int i = 0; i < RUNS; i++) {
		double t = now_monotonic();

		if (sha256_file(data.buf, hex))
			die("sha256_file failed");
		ours[i] = now_monotonic() - t;
		peer[i] = run_peer((const char *const[]){ "sha256sum", data.buf,
							  NULL },
				   NULL);
	}
	unlink(data.buf);
	mo = median(ours, RUNS);
	mp = median(peer, RUNS);
	sb_printf(b->out,
		  "sha256 256 MiB: virt-matrix %.3f s (%.0f MiB/s), sha256sum "
		  "%.3f s; ratio ours/peer %.2f\n",
		  mo, 256 / mo, mp, mo / mp);
	bench_sha256_binary(b);
	strbuf_release(&data);
}

static void bench_unpack(struct bench *b)
{
	struct strbuf tgz = STRBUF_INIT, dest = STRBUF_INIT;
	double ours[RUNS], peer[RUNS], mo, mp;
	char *top = NULL;

	sb_printf(&tgz, "%s/proj.tar.gz", b->dir);
	make_archive(tgz.buf);
	for (int i = 0; i < RUNS; i++) {
		double t;

		strbuf_reset(&dest);
		sb_printf(&dest, "%s/ours", b->dir);
		if (remove_tree(dest.buf) || mkdir_p(dest.buf, 0755))
			die("cannot prepare %s", dest.buf);
		t = now_monotonic();
		if (unpack_archive(tgz.buf, dest.buf, &top))
			die("unpack failed");
		ours[i] = now_monotonic() - t;
		free(top);
		strbuf_reset(&dest);
		sb_printf(&dest, "%s/peer", b->dir);
		if (remove_tree(dest.buf) || mkdir_p(dest.buf, 0755))
			die("cannot prepare %s", dest.buf);
		peer[i] = run_peer((const char *const[]){ "tar", "-xzf",
							  tgz.buf, NULL },
				   dest.buf);
	}
	mo = median(ours, RUNS);
	mp = median(peer, RUNS);
	sb_printf(b->out,
		  "unpack 4000 files: virt-matrix (secure checks) %.3f s, GNU "
		  "tar %.3f s; ratio ours/peer %.2f\n",
		  mo, mp, mo / mp);
	strbuf_release(&tgz);
	strbuf_release(&dest);
}

static void bench_probes(struct bench *b)
{
	struct strvec bins = STRVEC_INIT;
	const char *lv = is_dir("/opt/libvirt/9.0.0") ? "/opt/libvirt/9.0.0" : NULL;

	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "probe: skipped, Debian's QEMU (" DEBIAN_QEMU
				") is not installed\n");
		return;
	}
	bench_qemu_binaries(&bins);
	for (size_t k = 0; k < bins.nr; k++) {
		double caps = bench_probe(bins.v[k], b->dir, b->out);

		if (!k && lv)
			bench_libvirt_peer(lv, bins.v[k], caps, b->out);
	}
	strvec_clear(&bins);
}

static void bench_run(struct bench *b)
{
	bench_runner(b->dir, b->out);
}

static void bench_reports(struct bench *b)
{
	bench_report(b->dir, b->out);
}

/* The sections, in the order `make bench` runs them. */
static const struct bench_section {
	const char *name;
	void (*run)(struct bench *b);
} sections[] = {
	{ "sha256", bench_sha256 },
	{ "unpack", bench_unpack },
	{ "startup", bench_startup },
	{ "accel", bench_accel },
	{ "qmp", bench_qmp },
	{ "store", bench_store },
	{ "probe", bench_probes },
	{ "guest", bench_guest },
	{ "run", bench_run },
	{ "report", bench_reports },
	{ "corpus", bench_corpus },
	{ "migrate", bench_migrate },
	{ "vf", bench_vf },
	{ "lvcorpus", bench_lvcorpus },
	{ "scale", bench_scale },
};

/* "model name" of /proc/cpuinfo's first processor, or "unknown". */
static void cpu_model(struct strbuf *out)
{
	struct strbuf info = STRBUF_INIT;
	const char *p = NULL, *colon, *nl;

	if (!strbuf_read_file(&info, "/proc/cpuinfo", 4 << 20))
		p = strstr(info.buf, "model name");
	colon = p ? strchr(p, ':') : NULL;
	if (!colon) {
		sb_puts(out, "unknown");
	} else {
		colon += 1 + (colon[1] == ' ');
		nl = strchr(colon, '\n');
		sb_printf(out, "%.*s", (int)(nl ? nl - colon : (long)strlen(colon)),
			  colon);
	}
	strbuf_release(&info);
}

/*
 * The block's header: what makes its figures comparable with those of
 * another run, taken before the first section runs.
 */
static void block_header(struct strbuf *out)
{
	char now[32];
	double load[3] = { -1, -1, -1 };
	struct utsname u;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	now_iso8601(now, sizeof(now));
	sb_printf(out, "# %s, %d cores, median of %d runs each\n", now,
		  online_cpus(), RUNS);
	sb_puts(out, "# machine: CPU '");
	cpu_model(out);
	if (uname(&u))
		sb_puts(out, "', kernel unknown");
	else
		sb_printf(out, "', kernel %s %s %s", u.sysname, u.release, u.machine);
	sb_printf(out, ", /dev/kvm %s", kvm >= 0 ? "openable read-write" :
			 "not openable read-write");
	if (kvm >= 0)
		close(kvm);
	if (getloadavg(load, 3) == 3)
		sb_printf(out, ", load average %.2f %.2f %.2f at start", load[0],
			  load[1], load[2]);
	sb_printf(out, ", virt-matrix %s\n", vm_version());
}

static void usage(void)
{
	struct strbuf names = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		sb_printf(&names, "%s%s", i ? "|" : "", sections[i].name);
	die("usage: vm-bench RESULTS-FILE [%s]", names.buf);
}

int main(int argc, char **argv)
{
	char *dirtmpl = temp_template("bench");
	struct strbuf out = STRBUF_INIT, head = STRBUF_INIT;
	struct bench b = { .self = "/proc/self/exe", .out = &out };
	const char *only;
	FILE *f;
	int found = 0;

	if (argc == 3 && !strcmp(argv[1], "--sha256-plain"))
		return bench_sha256_plain_child(argv[2]);
	if (argc < 2 || argc > 3)
		usage();
	only = argc == 3 ? argv[2] : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		found |= !only || !strcmp(only, sections[i].name);
	if (!found)
		usage();
	block_header(&head);
	b.dir = mkdtemp(dirtmpl);
	if (!b.dir)
		die("mkdtemp failed");
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!only || !strcmp(only, sections[i].name))
			sections[i].run(&b);

	f = fopen(argv[1], "a");
	if (!f)
		die("cannot open %s", argv[1]);
	fprintf(f, "%s%s", head.buf, out.buf);
	if (fclose(f))
		die("cannot write %s", argv[1]);
	fputs(head.buf, stdout);
	fputs(out.buf, stdout);
	if (remove_tree(b.dir))
		return 1;
	return 0;
}
