/*
 * The parts of a probe, each measured side by side with a floor or a
 * peer in the same run (vm-bench's sections; bench/bench.h):
 *
 *   startup  QEMU's start-up cost: `qemu-system-x86_64 -version`, wall
 *            and CPU time (getrusage of the reaped children), for
 *            Debian's QEMU and each ark build, against /bin/true
 *   accel    the accelerator checks (matrix/accel.h): TCG alone, and
 *            TCG and KVM together as the probe runs them
 *   qmp      the probe's big QMP replies against one running QEMU: bytes,
 *            time of the call and MB/s, against json-c parsing the same
 *            text alone; and device-list-properties of every x86 CPU
 *            model: bytes, distinct replies, and the calls with identical
 *            replies parsed once (qmp.h's share) against each parsed
 *   store    writing the capability record (matrix/capsrecord.c), timed
 *            from BEGIN to COMMIT of its transaction through SQLite's
 *            trace hook, within the probe that writes it
 *   sha256   (its second line) SHA-NI against the plain code on the
 *            largest QEMU binary; the plain side runs in a child of
 *            vm-bench, since sha256_force_plain() cannot be undone
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "command.h"
#include "fs.h"
#include "qemuproc.h"
#include "qmp.h"
#include "sha256.h"
#include "store.h"
#include "version.h"
#include "accel.h"
#include "caps.h"
#include "banned.h"

static int cmp_version_dirent(const struct dirent **a, const struct dirent **b)
{
	return version_strcmp((*a)->d_name, (*b)->d_name);
}

void bench_qemu_binaries(struct strvec *out)
{
	struct dirent **ents = NULL;
	int n = scandir("/opt/qemu", &ents, NULL, cmp_version_dirent);
	struct strbuf b = STRBUF_INIT;

	if (path_exists(DEBIAN_QEMU))
		strvec_push(out, DEBIAN_QEMU);
	for (int i = 0; i < n; i++) {
		strbuf_reset(&b);
		sb_printf(&b, "/opt/qemu/%s/bin/qemu-system-x86_64", ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && path_exists(b.buf))
			strvec_push(out, b.buf);
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&b);
}

static double children_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru))
		die("getrusage failed");
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Runs argv to a successful end: its wall and CPU time (children's). */
static void run_costed(const char *const *argv, double *wall, double *cpu)
{
	double c0 = children_cpu();

	*wall = timed_run(argv, 1);
	*cpu = children_cpu() - c0;
}

/* Lines that `ldd binary` prints: the libraries bound at its start. */
static size_t ldd_lines(const char *binary)
{
	struct command cmd;
	size_t n = 0;

	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "ldd", binary, NULL });
	cmd.timeout = 60;
	if (!command_run(&cmd) && command_succeeded(&cmd))
		for (size_t i = 0; i < cmd.output.len; i++)
			n += cmd.output.buf[i] == '\n';
	command_release(&cmd);
	return n;
}

void bench_startup(struct bench *b)
{
	struct strvec bins = STRVEC_INIT;

	bench_qemu_binaries(&bins);
	if (!bins.nr) {
		sb_puts(b->out, "startup: skipped, no QEMU installed (neither "
				DEBIAN_QEMU " nor /opt/qemu/*)\n");
		return;
	}
	for (size_t k = 0; k < bins.nr; k++) {
		double wall[RUNS], cpu[RUNS], twall[RUNS], tcpu[RUNS], true_cpu;
		const char *const qv[] = { bins.v[k], "-version", NULL };
		const char *const tv[] = { "/bin/true", NULL };

		for (int i = 0; i < RUNS; i++) {
			if (i % 2)
				run_costed(tv, &twall[i], &tcpu[i]);
			run_costed(qv, &wall[i], &cpu[i]);
			if (!(i % 2))
				run_costed(tv, &twall[i], &tcpu[i]);
		}
		/* getrusage counts in microseconds: never divide by 0. */
		true_cpu = median(tcpu, RUNS) > 1e-6 ? median(tcpu, RUNS) : 1e-6;
		sb_printf(b->out,
			  "startup %s -version (%zu lines of ldd): wall %.1f ms, "
			  "CPU %.1f ms; /bin/true wall %.1f ms, CPU %.1f ms; "
			  "ratio CPU QEMU/true %.1f\n",
			  bins.v[k], ldd_lines(bins.v[k]), median(wall, RUNS) * 1000,
			  median(cpu, RUNS) * 1000, median(twall, RUNS) * 1000,
			  true_cpu * 1000, median(cpu, RUNS) / true_cpu);
	}
	strvec_clear(&bins);
}

void bench_accel(struct bench *b)
{
	double alone[RUNS], tcg[RUNS], kvm[RUNS];
	struct accel_result last_kvm;
	int kvm_usable = 0;

	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "accel: skipped, Debian's QEMU (" DEBIAN_QEMU
				") is not installed\n");
		return;
	}
	memset(&last_kvm, 0, sizeof(last_kvm));
	for (int i = 0; i < RUNS; i++) {
		for (int side = 0; side < 2; side++) {
			struct accel_result r, pair[2];
			struct accel_pair p;

			memset(&r, 0, sizeof(r));
			if ((side + i) % 2 == 0) {
				if (accel_probe(DEBIAN_QEMU, "tcg", 5, &r) || !r.usable)
					die("the TCG check of %s failed: %s",
					    DEBIAN_QEMU, r.detail);
				alone[i] = r.seconds;
				continue;
			}
			if (accel_pair_start(&p, NULL, DEBIAN_QEMU))
				die("cannot run the accelerator checks");
			accel_pair_finish(&p, pair);
			if (!pair[0].usable)
				die("the TCG check of %s failed: %s", DEBIAN_QEMU,
				    pair[0].detail);
			tcg[i] = pair[0].seconds;
			kvm[i] = pair[1].seconds;
			kvm_usable += pair[1].usable;
			last_kvm = pair[1];
		}
	}
	sb_printf(b->out,
		  "accel %s (started by exec): TCG check alone %.3f s; TCG and KVM "
		  "checked together as the probe does, TCG %.3f s (ratio "
		  "together/alone %.2f), KVM usable in %d of %d runs, its verdict "
		  "after %.3f s; last KVM verdict: %s\n",
		  DEBIAN_QEMU, median(alone, RUNS), median(tcg, RUNS),
		  median(tcg, RUNS) / median(alone, RUNS), kvm_usable, RUNS,
		  median(kvm, RUNS), last_kvm.detail);
	if (kvm_usable * 2 > RUNS) {
		double ka[RUNS];

		for (int i = 0; i < RUNS; i++) {
			struct accel_result r;

			memset(&r, 0, sizeof(r));
			if (accel_probe(DEBIAN_QEMU, "kvm", 3, &r) || !r.usable)
				die("the KVM check alone failed: %s", r.detail);
			ka[i] = r.seconds;
		}
		sb_printf(b->out, "accel KVM check alone %.3f s; ratio KVM/TCG "
				  "alone %.2f\n",
			  median(ka, RUNS), median(ka, RUNS) / median(alone, RUNS));
	} else {
		sb_puts(b->out, "accel KVM check alone: not measured, KVM is not "
				"usable here\n");
	}
}

/*
 * The probe's big queries, each asked on its own (the probe pipelines
 * them and shares identical replies; here every reply is parsed).
 */
static const struct {
	const char *cmd;
	const char *typename; /* device-list-properties' argument */
} qmp_queries[] = {
	{ "query-qmp-schema", NULL },
	{ "qom-list-types", NULL },
	{ "device-list-properties", "virtio-net-pci" },
	{ "device-list-properties", "e1000e" },
	{ "device-list-properties", "qemu64-x86_64-cpu" },
};

static json_object *query_args(size_t i)
{
	json_object *a;

	if (!qmp_queries[i].typename)
		return NULL;
	a = json_object_new_object();
	json_object_object_add(a, "typename",
			       json_object_new_string(qmp_queries[i].typename));
	return a;
}

static void qmp_call_or_die(struct qemu_proc *p, size_t i)
{
	json_object *ret = NULL;
	struct qmp_error err;

	int r = qmp_call(&p->qmp, qmp_queries[i].cmd, query_args(i), &ret, &err);

	if (r)
		die("%s: %s failed: %s", DEBIAN_QEMU, qmp_queries[i].cmd,
		    r == QMP_ERR ? err.desc : p->qmp.errmsg);
	json_object_put(ret);
}

/*
 * The reply line of query i as QEMU sends it, through the session's
 * transcript (qmp.h: "< " and the line).
 */
static void qmp_reply_text(struct qemu_proc *p, size_t i, struct strbuf *reply)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *line;

	if (!f)
		die("open_memstream failed");
	p->qmp.record = f;
	qmp_call_or_die(p, i);
	p->qmp.record = NULL;
	if (fclose(f))
		die("cannot record the QMP session");
	for (line = buf; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n > 2 && !strncmp(line, "< ", 2) &&
		    strbuf_add(reply, line + 2, n - 2))
			die("the reply to %s is too large", qmp_queries[i].cmd);
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	if (!reply->len)
		die("%s: no reply to %s recorded", DEBIAN_QEMU, qmp_queries[i].cmd);
}

/* The concrete x86 CPU model types of the QEMU behind p. */
static void cpu_model_types(struct qemu_proc *p, struct strvec *out)
{
	json_object *args = json_object_new_object(), *ret = NULL;
	struct qmp_error err;

	json_object_object_add(args, "implements", json_object_new_string("x86_64-cpu"));
	json_object_object_add(args, "abstract", json_object_new_boolean(0));
	if (qmp_call(&p->qmp, "qom-list-types", args, &ret, &err))
		die("%s: qom-list-types failed", DEBIAN_QEMU);
	for (size_t i = 0; i < qmp_array_len(ret); i++) {
		const char *name = qmp_get_string(json_object_array_get_idx(ret, i), "name");

		if (name)
			strvec_push(out, name);
	}
	json_object_put(ret);
	if (!out->nr)
		die("%s lists no x86 CPU models", DEBIAN_QEMU);
}

static json_object *typename_args(const char *type)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "typename", json_object_new_string(type));
	return a;
}

/*
 * device-list-properties of every type in a new QEMU session, replies
 * shared (qmp.h) or each parsed: the seconds the calls take.
 */
static double cpu_props_pass(const struct strvec *types, int share)
{
	const char *const args[] = { "-machine", "none", "-S", NULL };
	struct qemu_proc p;
	double t;

	if (qemu_proc_start(&p, DEBIAN_QEMU, args, 30))
		die("cannot start %s with QMP", DEBIAN_QEMU);
	p.qmp.share = share;
	t = now_monotonic();
	for (size_t i = 0; i < types->nr; i++) {
		json_object *ret = NULL;
		struct qmp_error err;

		if (qmp_call(&p.qmp, "device-list-properties",
			     typename_args(types->v[i]), &ret, &err))
			die("%s: device-list-properties %s failed", DEBIAN_QEMU,
			    types->v[i]);
		json_object_put(ret);
	}
	t = now_monotonic() - t;
	qemu_proc_stop(&p);
	return t;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The CPU models' replies: how many bytes, how many distinct; and the
 * calls with identical replies shared against each parsed.
 */
static void bench_cpu_replies(struct qemu_proc *p, struct strbuf *out)
{
	struct strvec types = STRVEC_INIT;
	double shared[RUNS], parsed[RUNS];
	const char **texts;
	size_t bytes = 0, distinct = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cpu_model_types(p, &types);
	texts = xcalloc(types.nr, sizeof(*texts));
	f = open_memstream(&buf, &len);
	if (!f)
		die("open_memstream failed");
	p->qmp.record = f;
	for (size_t i = 0; i < types.nr; i++) {
		json_object *ret = NULL;
		struct qmp_error err;

		if (qmp_call(&p->qmp, "device-list-properties",
			     typename_args(types.v[i]), &ret, &err))
			die("%s: device-list-properties %s failed", DEBIAN_QEMU,
			    types.v[i]);
		texts[i] = xstrdup(json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN));
		json_object_put(ret);
	}
	p->qmp.record = NULL;
	if (fclose(f))
		die("cannot record the QMP session");
	for (const char *line = buf; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n > 2 && !strncmp(line, "< ", 2))
			bytes += n - 2;
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	sort_array(texts, types.nr, sizeof(*texts), cmp_str);
	for (size_t i = 0; i < types.nr; i++)
		distinct += !i || strcmp(texts[i], texts[i - 1]);
	for (int i = 0; i < RUNS; i++) {
		for (int side = 0; side < 2; side++) {
			if ((side + i) % 2 == 0)
				shared[i] = cpu_props_pass(&types, 1);
			else
				parsed[i] = cpu_props_pass(&types, 0);
		}
	}
	sb_printf(out,
		  "qmp device-list-properties of all %zu x86 CPU models on Debian's "
		  "QEMU: %.2f MB of replies, %zu distinct; the calls with identical "
		  "replies parsed once (qmp share) %.1f ms, each parsed %.1f ms; "
		  "ratio shared/parsed %.2f\n",
		  types.nr, bytes / 1e6, distinct, median(shared, RUNS) * 1000,
		  median(parsed, RUNS) * 1000,
		  median(shared, RUNS) / median(parsed, RUNS));
	for (size_t i = 0; i < types.nr; i++)
		free((char *)texts[i]);
	free(texts);
	strvec_clear(&types);
}

void bench_qmp(struct bench *b)
{
	const char *const args[] = { "-machine", "none", "-S", NULL };
	struct qemu_proc p;

	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "qmp: skipped, Debian's QEMU (" DEBIAN_QEMU
				") is not installed\n");
		return;
	}
	if (qemu_proc_start(&p, DEBIAN_QEMU, args, 30))
		die("cannot start %s with QMP", DEBIAN_QEMU);
	for (size_t q = 0; q < ARRAY_SIZE(qmp_queries); q++) {
		struct strbuf text = STRBUF_INIT;
		double call[RUNS], parse[RUNS], mc, mp, mb;

		qmp_reply_text(&p, q, &text);
		mb = text.len / 1e6;
		for (int i = 0; i < RUNS; i++) {
			for (int side = 0; side < 2; side++) {
				double t = now_monotonic();

				if ((side + i) % 2 == 0) {
					qmp_call_or_die(&p, q);
					call[i] = now_monotonic() - t;
				} else {
					json_object *o = json_tokener_parse(text.buf);

					parse[i] = now_monotonic() - t;
					if (!o)
						die("json-c cannot parse the reply to %s",
						    qmp_queries[q].cmd);
					json_object_put(o);
				}
			}
		}
		mc = median(call, RUNS);
		mp = median(parse, RUNS);
		sb_printf(b->out,
			  "qmp %s%s%s on Debian's QEMU: reply %.1f KB, call %.2f ms "
			  "(%.1f MB/s of JSON); json-c parsing the same text %.2f ms "
			  "(%.0f MB/s); ratio call/parse %.2f\n",
			  qmp_queries[q].cmd, qmp_queries[q].typename ? " " : "",
			  qmp_queries[q].typename ? qmp_queries[q].typename : "",
			  text.len / 1e3, mc * 1000, mb / mc, mp * 1000, mb / mp,
			  mc / mp);
		strbuf_release(&text);
	}
	bench_cpu_replies(&p, b->out);
	qemu_proc_stop(&p);
}

/*
 * The store's side of a probe, seen through SQLite's trace hook: the
 * wall time from the start of a BEGIN to the end of its COMMIT, for the
 * transaction that inserts the binaries row (caps_record's).
 */
struct record_trace {
	double begin;
	int is_record;
	double seconds; /* of the last such transaction */
	int seen;
};

static int record_trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	struct record_trace *t = ctx;
	const char *sql;

	if (type == SQLITE_TRACE_STMT) {
		sql = x;
		if (!strncmp(sql, "BEGIN", 5)) {
			t->begin = now_monotonic();
			t->is_record = 0;
		} else if (!strncmp(sql, "INSERT INTO binaries ", 21)) {
			t->is_record = 1;
		}
	} else if (type == SQLITE_TRACE_PROFILE) {
		sql = sqlite3_sql(p);
		if (sql && !strncmp(sql, "COMMIT", 6) && t->is_record) {
			t->seconds = now_monotonic() - t->begin;
			t->seen++;
			t->is_record = 0;
		}
	}
	return 0;
}

/* One probe (no ABI) with the record's transaction timed: both times. */
static void probe_record(struct store *st, struct record_trace *t, int force,
			 struct caps_result *r, double *probe, double *record)
{
	int seen = t->seen;

	if (caps_probe(st, DEBIAN_QEMU, force, 1, r) || r->reused)
		die("the probe of %s failed or was not run", DEBIAN_QEMU);
	if (t->seen != seen + 1)
		die("the capability record's transaction was not seen");
	*probe = r->seconds;
	*record = t->seconds;
}

void bench_store(struct bench *b)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	double fresh[RUNS], fresh_rec[RUNS], again[RUNS], again_rec[RUNS];
	struct strbuf db = STRBUF_INIT, side = STRBUF_INIT;
	struct caps_result r;

	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "store: skipped, Debian's QEMU (" DEBIAN_QEMU
				") is not installed\n");
		return;
	}
	sb_printf(&db, "%s/store.db", b->dir);
	for (int i = 0; i < RUNS; i++) {
		struct record_trace t = { 0 };
		struct store st;

		for (size_t k = 0; k < ARRAY_SIZE(suffixes); k++) {
			strbuf_reset(&side);
			sb_printf(&side, "%s%s", db.buf, suffixes[k]);
			unlink(side.buf);
		}
		if (store_open(&st, db.buf))
			die("cannot open %s", db.buf);
		if (sqlite3_trace_v2(st.db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE,
				     record_trace_cb, &t) != SQLITE_OK)
			die("cannot trace %s", db.buf);
		/* Into a new store, then forced again: the record replaced. */
		probe_record(&st, &t, 0, &r, &fresh[i], &fresh_rec[i]);
		probe_record(&st, &t, 1, &r, &again[i], &again_rec[i]);
		sqlite3_trace_v2(st.db, 0, NULL, NULL);
		store_close(&st);
	}
	sb_printf(b->out,
		  "store the capability record of %s (%zu devices, %zu properties), "
		  "BEGIN to COMMIT: into a new store %.1f ms of a %.2f s probe "
		  "(%.1f%%); replacing it (forced probe) %.1f ms of %.2f s (%.1f%%)\n",
		  DEBIAN_QEMU, r.devices, r.props, median(fresh_rec, RUNS) * 1000,
		  median(fresh, RUNS), 100 * median(fresh_rec, RUNS) / median(fresh, RUNS),
		  median(again_rec, RUNS) * 1000, median(again, RUNS),
		  100 * median(again_rec, RUNS) / median(again, RUNS));
	strbuf_release(&db);
	strbuf_release(&side);
}

int bench_sha256_plain_child(const char *path)
{
	char hex[SHA256_HEX_LEN + 1];
	double t;

	sha256_force_plain();
	t = now_monotonic();
	if (sha256_file(path, hex))
		return 1;
	t = now_monotonic() - t;
	printf("%ld %s\n", (long)(t * 1e6), hex);
	return flush_stdout() ? 1 : 0;
}

/* The plain code's time on path, in a child; its digest must be want. */
static double sha256_plain_seconds(struct bench *b, const char *path,
				   const char *want)
{
	struct command cmd;
	char *us = NULL;
	const char *sp;
	long v;

	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ b->self, "--sha256-plain",
						       path, NULL });
	cmd.timeout = 120;
	if (command_run(&cmd) || !command_succeeded(&cmd))
		die("the plain sha256 child failed: %s", cmd.output.buf);
	sp = strchr(cmd.output.buf, ' ');
	if (!sp || strncmp(sp + 1, want, SHA256_HEX_LEN))
		die("the plain sha256 child printed '%s', not the digest %s",
		    cmd.output.buf, want);
	us = xstrndup(cmd.output.buf, (size_t)(sp - cmd.output.buf));
	if (parse_long(us, 0, 1000L * 1000 * 1000, &v))
		die("the plain sha256 child printed '%s'", cmd.output.buf);
	free(us);
	command_release(&cmd);
	return v / 1e6;
}

void bench_sha256_binary(struct bench *b)
{
	struct strvec bins = STRVEC_INIT;
	const char *path = NULL;
	double ni[RUNS], plain[RUNS], mb;
	char hex[SHA256_HEX_LEN + 1];
	off_t size = 0;

	bench_qemu_binaries(&bins);
	for (size_t k = 0; k < bins.nr; k++) {
		struct stat s;

		if (!stat(bins.v[k], &s) && s.st_size > size)
			size = s.st_size, path = bins.v[k];
	}
	if (!path) {
		sb_puts(b->out, "sha256 of a QEMU binary: skipped, no QEMU installed\n");
		strvec_clear(&bins);
		return;
	}
	mb = (double)size / 1e6;
	if (!sha256_accelerated()) {
		sb_printf(b->out, "sha256 %s: skipped, this CPU has no SHA-NI, so "
				  "there is no accelerated side to compare\n",
			  path);
		strvec_clear(&bins);
		return;
	}
	if (sha256_file(path, hex)) /* into the page cache */
		die("cannot hash %s", path);
	for (int i = 0; i < RUNS; i++) {
		for (int side = 0; side < 2; side++) {
			char h[SHA256_HEX_LEN + 1];
			double t = now_monotonic();

			if ((side + i) % 2) {
				plain[i] = sha256_plain_seconds(b, path, hex);
				continue;
			}
			if (sha256_file(path, h) || strcmp(h, hex))
				die("cannot hash %s", path);
			ni[i] = now_monotonic() - t;
		}
	}
	sb_printf(b->out,
		  "sha256 %s (%.1f MB, cached): SHA-NI %.3f s (%.0f MB/s), plain "
		  "code %.3f s (%.0f MB/s); ratio SHA-NI/plain %.2f\n",
		  path, mb, median(ni, RUNS), mb / median(ni, RUNS),
		  median(plain, RUNS), mb / median(plain, RUNS),
		  median(ni, RUNS) / median(plain, RUNS));
	strvec_clear(&bins);
}
