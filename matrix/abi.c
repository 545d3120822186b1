/*
 * Machine-type ABI fingerprints. Worker threads (lib/threads.h: one more
 * than the cores, so that a core is not idle while a worker waits for
 * its QEMU to start or to die) take jobs in order: the compat props and the
 * -dump-vmstate of the binary first, as they are the longest, then one
 * machine type each. A machine type's QEMU answers three rounds of
 * pipelined requests: info qtree, query-pci, the CPU model expansion,
 * the machine object's properties and info qom-tree; then a qom-get of
 * each machine property that is part of the guest ABI, and the
 * properties of the QOM objects abiqom.c reads (a qom-list each, a
 * qom-get each of a CPU's few); then a qom-get of each listed property
 * that counts. QEMU >= 10.1 gives values with qom-list-get, the
 * machine's in the first round and the objects' in the second, and there
 * is no third: QEMU reads QMP one byte per system call, and the 31
 * qom-gets of a q35 machine cost it some 12 ms. The results become
 * sorted, normalised text lines whose sha256 is the fingerprint
 * (abitext.c); the record is written once all are in (abirecord.c).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi.h"
#include "abirecord.h"
#include "canon.h"
#include "command.h"
#include "fs.h"
#include "qemuproc.h"
#include "sha256.h"
#include "threads.h"
#include "banned.h"

#define START_TIMEOUT 20

/* ---- running machine types ---- */

/* The first round: info qtree, query-pci, CPU, machine, info qom-tree. */
#define R1_N 5

struct mt {
	char *name;
	char *cpu; /* model for the expansion */
	int pcie;
	int list_get; /* qom-list-get (QEMU >= 10.1): values in one request */
	unsigned dropped; /* bit per canon_devs[] entry (canon.h) */
	struct strbuf dropped_why;
	struct qemu_proc p;
	int running;
	struct qmp_req r1[R1_N];
	long first1;
	struct strvec props; /* machine property names for round 2 */
	struct abi_qom_objs objs; /* the QOM objects abiqom.c reads */
	struct strvec lines;
	char *qtree, *qom_tree;
	json_object *pci, *cpu_exp, *mprops;
	json_object *qom; /* QOM path -> its properties (abi_replies) */
	FILE *record;
	char *text; /* the ABI text, and its sha256: the fingerprint */
	char sha[SHA256_HEX_LEN + 1];
	char *error;
	double t0, seconds;
	int done;
};

static void build_args(struct mt *m, struct strvec *a)
{
	strvec_pushv(a, (const char *const[]){ "-machine", m->name, "-accel",
					       "tcg", "-S", "-m", "128", NULL });
	for (size_t i = 0; i < canon_ndevs; i++)
		if (!(m->dropped & (1u << i)) && (m->pcie || !canon_devs[i].pcie_only))
			strvec_pushv(a, canon_devs[i].args);
}

/* The canonical device QEMU's error names, or -1. */
static int culprit_device(const char *err)
{
	for (size_t i = 0; i < canon_ndevs; i++) {
		for (const char *const *a = canon_devs[i].args; *a; a += 2) {
			struct strbuf needle = STRBUF_INIT;
			int hit;

			sb_printf(&needle, "%s %s", a[0], a[1]);
			hit = strstr(err, needle.buf) != NULL;
			strbuf_release(&needle);
			if (hit)
				return (int)i;
		}
	}
	return -1;
}

static void spawn(struct mt *m, struct zygote *z, const char *binary)
{
	struct strvec a = STRVEC_INIT;

	build_args(m, &a);
	m->t0 = now_monotonic();
	m->running = !qemu_proc_spawn_in(&m->p, z, binary, a.v);
	strvec_clear(&a);
}

static void fail(struct mt *m, const char *why)
{
	free(m->error);
	m->error = xstrdup(why);
	m->done = 1;
}

/* After a failed attach: drop the device QEMU refused and retry, or fail. */
static int refused(struct mt *m)
{
	const char *out = qemu_proc_output(&m->p);
	int d = culprit_device(out);
	struct strbuf why = STRBUF_INIT;

	command_release(&m->p.cmd);
	m->running = 0;
	if (d >= 0 && !(m->dropped & (1u << d))) {
		m->dropped |= 1u << d;
		sb_printf(&m->dropped_why, "%s%s: %s", m->dropped_why.len ? "; " : "",
			  canon_devs[d].name, str_tail_lines(out, strlen(out), 1));
		strbuf_rtrim(&m->dropped_why);
		return 1; /* retry */
	}
	/* QEMU printed nothing: the QMP side says why (no connection...). */
	sb_printf(&why, "QEMU did not start: %s",
		  *out ? out : *m->p.qmp.errmsg ? m->p.qmp.errmsg : "(no output)");
	strbuf_rtrim(&why);
	fail(m, why.buf);
	strbuf_release(&why);
	return 0;
}

/*
 * With VIRT_MATRIX_RECORD_QMP=DIR (and optionally
 * VIRT_MATRIX_RECORD_MACHINES="a b c"), each machine type's session is
 * written to DIR/<machine>.replies for tests/ to replay.
 */
static void start_recording(struct mt *m)
{
	const char *dir = getenv("VIRT_MATRIX_RECORD_QMP");
	const char *only = getenv("VIRT_MATRIX_RECORD_MACHINES");
	struct strbuf p = STRBUF_INIT;

	if (!dir || !*dir)
		return;
	if (only && *only) {
		struct strbuf w = STRBUF_INIT;
		int hit;

		sb_printf(&w, " %s ", only);
		strbuf_reset(&p);
		sb_printf(&p, " %s ", m->name);
		hit = strstr(w.buf, p.buf) != NULL;
		strbuf_release(&w);
		if (!hit) {
			strbuf_release(&p);
			return;
		}
		strbuf_reset(&p);
	}
	sb_printf(&p, "%s/%s.replies", dir, m->name);
	m->record = fopen(p.buf, "w");
	if (!m->record)
		warning("cannot record to '%s'", p.buf);
	m->p.qmp.record = m->record;
	strbuf_release(&p);
}

static json_object *hmp_args(const char *command_line)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "command-line", json_object_new_string(command_line));
	return a;
}

static void round1_send(struct mt *m)
{
	memset(m->r1, 0, sizeof(m->r1));
	m->r1[0].cmd = "human-monitor-command";
	m->r1[0].args = hmp_args("info qtree");
	m->r1[1].cmd = "query-pci";
	m->r1[2].cmd = "query-cpu-model-expansion";
	m->r1[2].args = json_object_new_object();
	json_object_object_add(m->r1[2].args, "type", json_object_new_string("full"));
	{
		json_object *model = json_object_new_object();

		json_object_object_add(model, "name", json_object_new_string(m->cpu));
		json_object_object_add(m->r1[2].args, "model", model);
	}
	m->r1[3].args = json_object_new_object();
	if (m->list_get) {
		json_object *paths = json_object_new_array();

		json_object_array_add(paths, json_object_new_string("/machine"));
		m->r1[3].cmd = "qom-list-get";
		json_object_object_add(m->r1[3].args, "paths", paths);
	} else {
		m->r1[3].cmd = "qom-list";
		json_object_object_add(m->r1[3].args, "path",
				       json_object_new_string("/machine"));
	}
	m->r1[4].cmd = "human-monitor-command";
	m->r1[4].args = hmp_args("info qom-tree");
	if (qmp_send_many(&m->p.qmp, m->r1, R1_N, &m->first1))
		fail(m, m->p.qmp.errmsg);
}

static void round1_recv(struct mt *m, const char *binary)
{
	struct strbuf why = STRBUF_INIT;

	if (m->done)
		return;
	if (qmp_recv_many(&m->p.qmp, m->r1, R1_N, m->first1)) {
		fail(m, m->p.qmp.errmsg);
		return;
	}
	/* A reply of the wrong shape fails the machine type, recorded. */
	for (int i = 0; i < R1_N; i++)
		if (m->r1[i].status == 0 &&
		    abi_reply_check(binary, m->r1[i].cmd, m->r1[i].ret, &why)) {
			fail(m, why.buf);
			goto out;
		}
	if (m->r1[0].status == 0)
		m->qtree = xstrdup(json_object_get_string(m->r1[0].ret));
	if (m->r1[1].status == 0)
		m->pci = json_object_get(m->r1[1].ret);
	if (m->r1[2].status == 0)
		m->cpu_exp = json_object_get(m->r1[2].ret);
	if (m->r1[3].status == 0 && m->list_get)
		m->mprops = abi_props_from_list_get(m->r1[3].ret);
	else if (m->r1[3].status == 0)
		for (size_t i = 0; i < qmp_array_len(m->r1[3].ret); i++) {
			json_object *o = json_object_array_get_idx(m->r1[3].ret, i);
			const char *type = qmp_get_string(o, "type");
			const char *name = qmp_get_string(o, "name");

			if (abi_prop_wanted(type, name))
				strvec_push(&m->props, name);
		}
	if (m->r1[4].status == 0) {
		m->qom_tree = xstrdup(json_object_get_string(m->r1[4].ret));
		abi_qom_select(m->qom_tree, &m->objs);
	}
out:
	strbuf_release(&why);
	for (int i = 0; i < R1_N; i++)
		qmp_req_release(&m->r1[i]);
}

/* ---- the later rounds: a list of requests, each with what it is for ---- */

struct ask {
	enum { ASK_MACHINE, ASK_LIST, ASK_LIST_GET, ASK_GET } what;
	const char *name;   /* ASK_MACHINE: the machine property */
	size_t obj;	    /* ASK_LIST, ASK_GET: which of m->objs */
	json_object *entry; /* ASK_GET: the qom-list entry it gives a value */
};

struct round {
	struct qmp_req *r;
	struct ask *a;
	size_t nr, alloc_r, alloc_a;
	long first;
};

static void round_add(struct round *rd, const char *cmd, json_object *args,
		      struct ask a)
{
	ALLOC_GROW(rd->r, rd->nr + 1, rd->alloc_r);
	ALLOC_GROW(rd->a, rd->nr + 1, rd->alloc_a);
	memset(&rd->r[rd->nr], 0, sizeof(rd->r[rd->nr]));
	rd->r[rd->nr].cmd = cmd;
	rd->r[rd->nr].args = args;
	rd->a[rd->nr++] = a;
}

static json_object *path_args(const char *path, const char *property)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "path", json_object_new_string(path));
	if (property)
		json_object_object_add(a, "property", json_object_new_string(property));
	return a;
}

/* Where a reply goes; the shape is checked already. */
static void round_take(struct mt *m, const struct ask *a, json_object *ret)
{
	switch (a->what) {
	case ASK_MACHINE:
		json_object_object_add(m->mprops, a->name, json_object_get(ret));
		break;
	case ASK_LIST:
		json_object_object_add(m->qom, m->objs.v[a->obj].path,
				       json_object_get(ret));
		break;
	case ASK_LIST_GET:
		for (size_t i = 0; i < qmp_array_len(ret) && i < m->objs.nr; i++) {
			json_object *o = json_object_array_get_idx(ret, i);

			json_object_object_add(
				m->qom, m->objs.v[i].path,
				json_object_get(qmp_get(o, "properties", json_type_array)));
		}
		break;
	case ASK_GET:
		json_object_object_add(a->entry, "value", json_object_get(ret));
		break;
	}
}

/* Sends the round, takes its replies (a wrong shape fails m), frees it. */
static void round_run(struct mt *m, struct round *rd, const char *binary)
{
	struct strbuf why = STRBUF_INIT;

	if (!m->done && rd->nr &&
	    (qmp_send_many(&m->p.qmp, rd->r, rd->nr, &rd->first) ||
	     qmp_recv_many(&m->p.qmp, rd->r, rd->nr, rd->first)))
		fail(m, m->p.qmp.errmsg);
	for (size_t i = 0; i < rd->nr && !m->done; i++)
		if (rd->r[i].status == 0 &&
		    abi_reply_check(binary, rd->r[i].cmd, rd->r[i].ret, &why))
			fail(m, why.buf);
	for (size_t i = 0; i < rd->nr; i++) {
		if (!m->done && rd->r[i].status == 0)
			round_take(m, &rd->a[i], rd->r[i].ret);
		qmp_req_release(&rd->r[i]);
	}
	free(rd->r);
	free(rd->a);
	memset(rd, 0, sizeof(*rd));
	strbuf_release(&why);
}

/*
 * Before QEMU 10.1, object i's qom-list; or, for a fixed list of
 * properties (abi_qom_only), a qom-get of each at once, each value into
 * an entry {name} of its own.
 */
static void ask_object(struct mt *m, struct round *rd, size_t i)
{
	const struct abi_qom_obj *o = &m->objs.v[i];
	const char *const *only = abi_qom_only(o->type);
	json_object *listing;

	if (!only) {
		round_add(rd, "qom-list", path_args(o->path, NULL),
			  (struct ask){ ASK_LIST, NULL, i, NULL });
		return;
	}
	listing = json_object_new_array();
	json_object_object_add(m->qom, o->path, listing);
	for (; *only; only++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "name", json_object_new_string(*only));
		json_object_array_add(listing, e);
		round_add(rd, "qom-get", path_args(o->path, *only),
			  (struct ask){ ASK_GET, NULL, i, e });
	}
}

/*
 * Round 2: the machine properties (a qom-get each, before QEMU 10.1) and
 * the objects' properties (a qom-list each, or one qom-list-get).
 */
static void round2(struct mt *m, const char *binary)
{
	struct round rd = { 0 };

	if (m->done)
		return;
	if (m->props.nr && !m->mprops)
		m->mprops = json_object_new_object();
	for (size_t i = 0; i < m->props.nr; i++)
		round_add(&rd, "qom-get", path_args("/machine", m->props.v[i]),
			  (struct ask){ ASK_MACHINE, m->props.v[i], 0, NULL });
	m->qom = json_object_new_object();
	if (m->list_get && m->objs.nr) {
		json_object *args = json_object_new_object();
		json_object *paths = json_object_new_array();

		for (size_t i = 0; i < m->objs.nr; i++)
			json_object_array_add(paths,
					      json_object_new_string(m->objs.v[i].path));
		json_object_object_add(args, "paths", paths);
		round_add(&rd, "qom-list-get", args,
			  (struct ask){ ASK_LIST_GET, NULL, 0, NULL });
	}
	for (size_t i = 0; !m->list_get && i < m->objs.nr; i++)
		ask_object(m, &rd, i);
	round_run(m, &rd, binary);
}

/*
 * Round 3, before QEMU 10.1: a qom-get of each listed property that
 * counts.
 */
static void round3(struct mt *m, const char *binary)
{
	struct round rd = { 0 };
	json_object *shown;

	if (m->done || m->list_get || !m->objs.nr)
		return;
	shown = abi_qtree_props(m->qtree);
	for (size_t i = 0; i < m->objs.nr; i++) {
		const struct abi_qom_obj *o = &m->objs.v[i];
		json_object *listing = abi_qom_only(o->type)
					       ? NULL /* asked in round 2 */
					       : qmp_get(m->qom, o->path, json_type_array);

		for (size_t k = 0; k < qmp_array_len(listing); k++) {
			json_object *e = json_object_array_get_idx(listing, k);
			const char *name = qmp_get_string(e, "name");

			if (abi_qom_wanted(o->type, listing, name, shown))
				round_add(&rd, "qom-get", path_args(o->path, name),
					  (struct ask){ ASK_GET, NULL, i, e });
		}
	}
	json_object_put(shown);
	round_run(m, &rd, binary);
}

static void mt_release(struct mt *m)
{
	free(m->text);
	free(m->qtree);
	free(m->qom_tree);
	json_object_put(m->pci);
	json_object_put(m->cpu_exp);
	json_object_put(m->mprops);
	json_object_put(m->qom);
	abi_qom_objs_release(&m->objs);
	if (m->record)
		fclose(m->record);
	free(m->name);
	free(m->cpu);
	free(m->error);
	strbuf_release(&m->dropped_why);
	strvec_clear(&m->props);
	strvec_clear(&m->lines);
}

/*
 * Whether the binary has qom-list-get (its record's QMP commands), unless
 * VIRT_MATRIX_ABI_QOM_GET is set: then each machine property is asked
 * with qom-get, as on QEMUs before 10.1 (make record-transcripts records
 * both ways, and the unit tests check they give the same lines).
 */
static int has_list_get(struct store *st, long long id)
{
	auto_stmt *q = NULL;
	const char *force = getenv("VIRT_MATRIX_ABI_QOM_GET");

	if ((force && *force) ||
	    store_prepare(st, &q,
			  "SELECT 1 FROM qmp_commands WHERE binary = ?"
			  " AND name = 'qom-list-get'"))
		return 0;
	sqlite3_bind_int64(q, 1, id);
	return sqlite3_step(q) == SQLITE_ROW;
}

static int load_machines(struct store *st, long long id, struct mt **out,
			 size_t *n)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;
	int list_get = has_list_get(st, id);

	*out = NULL;
	*n = 0;
	if (store_prepare(st, &q,
			  "SELECT name, default_cpu_type FROM machine_types"
			  " WHERE binary = ? ORDER BY name COLLATE version"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *cpu = (const char *)sqlite3_column_text(q, 1);
		struct mt *m;

		if (!abi_is_versioned(name))
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->name = xstrdup(name);
		/* "qemu64-x86_64-cpu" is the model "qemu64". */
		if (cpu && ends_with(cpu, "-x86_64-cpu"))
			m->cpu = xstrndup(cpu, strlen(cpu) - strlen("-x86_64-cpu"));
		else
			m->cpu = xstrdup(cpu ? cpu : "qemu64");
		m->pcie = strstr(name, "q35") != NULL;
		m->list_get = list_get;
		strbuf_init(&m->dropped_why, 0);
	}
	return 0;
}

/* Compat props per machine type (query-machines compat-props, >= 9.1). */
static void compat_run(struct abi_binary_jobs *bj, struct zygote *z,
		       const char *binary)
{
	const char *args[] = { "-machine", "none", "-S", NULL };
	json_object *qargs = json_object_new_object();
	struct qemu_proc p;
	struct qmp_error err;
	int r;

	bj->compat_failed = 1;
	if (qemu_proc_start_in(&p, z, binary, args, START_TIMEOUT)) {
		json_object_put(qargs);
		return;
	}
	json_object_object_add(qargs, "compat-props", json_object_new_boolean(1));
	r = qmp_call(&p.qmp, "query-machines", qargs, &bj->compat, &err);
	if (r == QMP_ERR)
		snprintf(bj->compat_class, sizeof(bj->compat_class), "%s",
			 err.class_);
	if (r == 0 && abi_reply_check(binary, "query-machines", bj->compat, NULL)) {
		json_object_put(bj->compat);
		bj->compat = NULL;
		r = -1;
	}
	bj->compat_failed = r < 0;
	qemu_proc_stop(&p);
	command_release(&p.cmd);
}

/* -dump-vmstate, once per binary (reported on failure). */
static void vmstate_run(struct abi_binary_jobs *bj, struct zygote *z,
			const char *binary)
{
	struct command cmd;
	char *tmpl = temp_template("vmstate");
	int fd = mkstemp(tmpl);

	bj->vmstate_failed = 1;
	if (fd < 0) {
		error_errno("cannot create '%s' for the vmstate of '%s'", tmpl,
			    binary);
		free(tmpl);
		return;
	}
	close(fd);
	command_init(&cmd);
	strvec_push(&cmd.args, binary);
	qemu_firmware_args(&cmd.args);
	strvec_pushv(&cmd.args, (const char *const[]){ "-nodefaults", "-display",
						       "none", "-machine", "none",
						       "-dump-vmstate", tmpl, NULL });
	cmd.timeout = 30;
	cmd.zygote = z;
	if (!command_run_checked(&cmd) &&
	    !strbuf_read_file(&bj->vmstate, tmpl, 64 << 20))
		bj->vmstate_failed = 0;
	unlink(tmpl);
	free(tmpl);
	command_release(&cmd);
}

/* The vmstate description, stored once per distinct content. */
/* One machine type, start to end: retried without a device QEMU refused. */
static void run_machine(struct mt *m, struct zygote *z, const char *binary)
{
	while (!m->done && !vm_interrupted) {
		spawn(m, z, binary);
		if (!m->running || qemu_proc_attach(&m->p, START_TIMEOUT, 1)) {
			refused(m); /* retry, or m->done with the error */
			continue;
		}
		m->p.qmp.timeout = START_TIMEOUT;
		start_recording(m);
		round1_send(m);
		round1_recv(m, binary);
		round2(m, binary);
		round3(m, binary);
		/* A paused probe needs no clean exit. */
		command_kill(&m->p.cmd, SIGKILL);
		qemu_proc_stop(&m->p);
		command_release(&m->p.cmd);
		m->running = 0;
		m->seconds = now_monotonic() - m->t0;
		m->done = 1;
		if (!m->error) {
			struct abi_replies r = { m->qtree, m->pci, m->cpu_exp,
						 m->mprops, m->qom_tree, m->qom };

			abi_lines(&r, &m->lines);
			m->text = abi_text(m->name, &m->lines, m->sha);
		}
	}
}

/* Jobs: 0 compat props, 1 vmstate, 2 + i machine type i (lib/threads.h). */
struct abi_queue {
	struct mt *m;
	const char *binary;
	struct zygote *zygote; /* NULL: each QEMU is an exec */
	struct abi_binary_jobs *bj;
};

static void abi_job(size_t job, void *arg)
{
	struct abi_queue *q = arg;

	if (job == 0)
		compat_run(q->bj, q->zygote, q->binary);
	else if (job == 1)
		vmstate_run(q->bj, q->zygote, q->binary);
	else
		run_machine(&q->m[job - 2], q->zygote, q->binary);
}

/* The devices of canon_devs[] that m's QEMU was given, space-separated. */
static void given_devices(const struct mt *m, struct strbuf *out)
{
	for (size_t i = 0; i < canon_ndevs; i++)
		if (!(m->dropped & (1u << i)) && (m->pcie || !canon_devs[i].pcie_only))
			sb_printf(out, "%s%s", out->len ? " " : "", canon_devs[i].name);
}

/* Hands the outcomes of the n machine types and bj to abi_record. */
static int record(struct store *st, long long id, const char *binary,
		  const struct mt *m, size_t n, const struct abi_binary_jobs *bj,
		  size_t *distinct)
{
	struct abi_outcome *v = xcalloc(n + 1, sizeof(*v));
	struct strbuf *devs = xcalloc(n + 1, sizeof(*devs));
	int ret;

	for (size_t i = 0; i < n; i++) {
		strbuf_init(&devs[i], 0);
		given_devices(&m[i], &devs[i]);
		v[i].machine = m[i].name;
		v[i].fingerprint = m[i].sha;
		v[i].text = m[i].text;
		v[i].devices = devs[i].buf;
		v[i].dropped = m[i].dropped_why.len ? m[i].dropped_why.buf : NULL;
		v[i].error = m[i].error;
		v[i].seconds = m[i].seconds;
	}
	ret = abi_record(st, id, binary, v, n, bj, distinct);
	for (size_t i = 0; i < n; i++)
		strbuf_release(&devs[i]);
	free(devs);
	free(v);
	return ret;
}

int abi_probe(struct store *st, long long id, const char *binary,
	      struct abi_result *res)
{
	struct zygote *z;
	int ret;

	memset(res, 0, sizeof(*res));
	if (zygote_open(binary, &z))
		return -1;
	ret = abi_probe_in(st, id, binary, z, res);
	zygote_free(z);
	return ret;
}

int abi_probe_in(struct store *st, long long id, const char *binary,
		 struct zygote *z, struct abi_result *res)
{
	struct mt *m = NULL;
	struct abi_binary_jobs bj;
	struct abi_queue q;
	size_t n = 0;
	double t0 = now_monotonic();
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	strbuf_init(&bj.vmstate, 0);
	if (load_machines(st, id, &m, &n))
		return -1;
	memset(&q, 0, sizeof(q));
	q.m = m;
	q.binary = binary;
	q.bj = &bj;
	q.zygote = z;
	threads_run(n + 2, abi_job, &q);
	if (vm_interrupted)
		goto out;
	if (record(st, id, binary, m, n, &bj, &res->distinct))
		goto out;
	res->machines = n;
	for (size_t i = 0; i < n; i++)
		res->failed += m[i].error != NULL;
	ret = 0;
out:
	res->seconds = now_monotonic() - t0;
	for (size_t i = 0; i < n; i++) {
		if (m[i].running) {
			qemu_proc_stop(&m[i].p);
			command_release(&m[i].p.cmd);
		}
		mt_release(&m[i]);
	}
	free(m);
	json_object_put(bj.compat);
	strbuf_release(&bj.vmstate);
	return ret;
}
