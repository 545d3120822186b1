/*
 * Capability probing over QMP. Two QEMU processes (-machine none -S) run
 * at once, each driven by a thread of its own so that neither waits for
 * the other: the first answers query-cpu-definitions (one long request),
 * the second lists the device types and answers the other general
 * queries in one pipelined burst, and then both take chunks of the
 * device types for device-list-properties from a shared queue until it
 * is empty. The real accelerator checks (accel.c) run beside them. If a
 * device crashes its QEMU, the device is recorded with QEMU's last
 * words, a new QEMU is started, and the chunk goes on after it.
 * The replies go to capsrecord.c, which writes the record; then the
 * machine-type ABI (abi.c) is probed from the same zygote. A binary
 * whose content has a complete record already is not probed again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "capsrecord.h"
#include "binaries.h"
#include "abi.h"
#include "guestprobe.h"
#include "guestrecord.h"
#include "accel.h"
#include "qemuproc.h"
#include "banned.h"

#define START_TIMEOUT 10
#define MAX_RESTARTS 16

/*
 * What each reply the probe uses must look like (QEMU's QAPI schema):
 * the members the record reads, with the types it reads them as. Each
 * reply is checked as it arrives, so nothing after that meets a wrong
 * type; the record's readers still use the typed getters of qmp.h.
 */
static const struct qmp_member version_triple[] = {
	{ "major", &qmp_shape_int, 1 },
	{ "minor", &qmp_shape_int, 1 },
	{ "micro", &qmp_shape_int, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape version_triple_shape = { json_type_object, NULL,
						       version_triple };
static const struct qmp_member version_members[] = {
	{ "qemu", &version_triple_shape, 1 },
	{ "package", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member target_members[] = {
	{ "arch", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member machine_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "alias", &qmp_shape_string, 0 },
	{ "is-default", &qmp_shape_bool, 0 },
	{ "deprecated", &qmp_shape_bool, 0 },
	{ "cpu-max", &qmp_shape_int, 0 },
	{ "hotpluggable-cpus", &qmp_shape_bool, 0 },
	{ "default-cpu-type", &qmp_shape_string, 0 },
	{ "default-ram-id", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member cpu_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "typename", &qmp_shape_string, 0 },
	{ "migration-safe", &qmp_shape_bool, 0 },
	{ "static", &qmp_shape_bool, 0 },
	{ "deprecated", &qmp_shape_bool, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member name_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member param_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "type", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape param_shape = { json_type_object, NULL, param_members };
static const struct qmp_shape params_shape = { json_type_array, &param_shape, NULL };
static const struct qmp_member option_members[] = {
	{ "option", &qmp_shape_string, 1 },
	{ "parameters", &params_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member type_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "parent", &qmp_shape_string, 0 },
	{ "abstract", &qmp_shape_bool, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_member prop_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "type", &qmp_shape_string, 0 },
	{ "description", &qmp_shape_string, 0 },
	{ "default-value", &qmp_shape_any, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape machine_shape = { json_type_object, NULL, machine_members };
static const struct qmp_shape cpu_shape = { json_type_object, NULL, cpu_members };
static const struct qmp_shape named_shape = { json_type_object, NULL, name_members };
static const struct qmp_shape option_shape = { json_type_object, NULL, option_members };
static const struct qmp_shape type_shape = { json_type_object, NULL, type_members };
static const struct qmp_shape prop_shape = { json_type_object, NULL, prop_members };

static const struct qmp_reply_shape reply_shapes[] = {
	{ "query-version", { json_type_object, NULL, version_members } },
	{ "query-target", { json_type_object, NULL, target_members } },
	{ "query-machines", { json_type_array, &machine_shape, NULL } },
	{ "query-cpu-definitions", { json_type_array, &cpu_shape, NULL } },
	{ "query-commands", { json_type_array, &named_shape, NULL } },
	{ "query-command-line-options", { json_type_array, &option_shape, NULL } },
	{ "query-qmp-schema", { json_type_array, &qmp_shape_object, NULL } },
	{ "qom-list-types", { json_type_array, &type_shape, NULL } },
	{ "device-list-properties", { json_type_array, &prop_shape, NULL } },
};

int caps_reply_check(const char *binary, const char *cmd, json_object *reply)
{
	return qmp_reply_check_cmd(binary, cmd, reply, reply_shapes,
				   ARRAY_SIZE(reply_shapes), NULL);
}

struct probe {
	struct store *st;
	const char *binary;
	struct zygote *z; /* the QEMUs are forked from it; NULL: exec */
	struct caps_replies rep; /* what the record is written from */
};

/*
 * The reply to device-list-properties for device number at: checked like
 * any other, and the message names the device (there are hundreds).
 */
static int device_props_check(const struct probe *pr, size_t at, json_object *ret)
{
	struct strbuf why = STRBUF_INIT;
	int r = qmp_reply_check_cmd(pr->binary, "device-list-properties", ret,
				    reply_shapes, ARRAY_SIZE(reply_shapes), &why);

	if (r)
		error("%s (typename '%s')", why.buf,
		      qmp_get_string(json_object_array_get_idx(pr->rep.devices, at), "name"));
	strbuf_release(&why);
	return r;
}

static int start(struct qemu_proc *p, struct probe *pr)
{
	const char *args[] = { "-machine", "none", "-S", NULL };

	if (qemu_proc_start_in(p, pr->z, pr->binary, args, START_TIMEOUT))
		return -1;
	p->qmp.quiet = 1;
	p->qmp.share = 1; /* replies are only read */
	return 0;
}

/*
 * The general queries, pipelined on p: query-cpu-definitions alone
 * (cpu_defs), or all the others and all QOM types.
 */
static int basic_queries_run(struct probe *pr, struct qemu_proc *p,
			     int cpu_defs)
{
	struct qmp_req reqs[CAPS_NQUERIES + 1];
	size_t at[CAPS_NQUERIES], n = 0;
	int ret = 0;

	memset(reqs, 0, sizeof(reqs));
	for (size_t i = 0; i < CAPS_NQUERIES; i++) {
		if ((i == CAPS_CPU_DEFS) != cpu_defs)
			continue;
		at[n] = i;
		reqs[n++].cmd = caps_queries[i];
	}
	if (!cpu_defs) {
		reqs[n].cmd = "qom-list-types";
		reqs[n].args = json_object_new_object();
	}
	if (qmp_call_many(&p->qmp, reqs, n + !cpu_defs)) {
		ret = error("probe '%s': %s", pr->binary, p->qmp.errmsg);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (reqs[i].status == 0) {
			if (caps_reply_check(pr->binary, reqs[i].cmd, reqs[i].ret)) {
				ret = -1;
				goto out;
			}
			pr->rep.basic[at[i]] = reqs[i].ret;
			reqs[i].ret = NULL;
		} else {
			snprintf(pr->rep.basic_err[at[i]], sizeof(pr->rep.basic_err[at[i]]),
				 "%s", reqs[i].err.class_);
		}
	}
	if (cpu_defs)
		goto out;
	if (reqs[n].status) {
		ret = error("probe '%s': qom-list-types failed: %s", pr->binary,
			    reqs[n].err.desc);
		goto out;
	}
	if (caps_reply_check(pr->binary, reqs[n].cmd, reqs[n].ret)) {
		ret = -1;
		goto out;
	}
	pr->rep.types = reqs[n].ret;
	reqs[n].ret = NULL;
out:
	for (size_t i = 0; i <= n; i++)
		qmp_req_release(&reqs[i]);
	return ret;
}

/* The concrete device types, asked of p before anything else. */
static int device_list(struct probe *pr, struct qemu_proc *p)
{
	json_object *args = json_object_new_object();
	struct qmp_error err;

	json_object_object_add(args, "implements",
			       json_object_new_string("device"));
	json_object_object_add(args, "abstract", json_object_new_boolean(0));
	switch (qmp_call(&p->qmp, "qom-list-types", args, &pr->rep.devices, &err)) {
	case 0:
		break;
	case QMP_ERR:
		return error("probe '%s': qom-list-types failed: %s", pr->binary,
			     err.desc);
	default:
		return error("probe '%s': %s", pr->binary, p->qmp.errmsg);
	}
	if (caps_reply_check(pr->binary, "qom-list-types", pr->rep.devices))
		return -1;
	pr->rep.ndevices = qmp_array_len(pr->rep.devices);
	pr->rep.props = xcalloc(pr->rep.ndevices + 1, sizeof(*pr->rep.props));
	pr->rep.failures = xcalloc(pr->rep.ndevices + 1, sizeof(*pr->rep.failures));
	return 0;
}

struct dev_batch {
	struct qemu_proc *p;
	size_t from, to; /* devices still to introspect */
	struct qmp_req *reqs;
	size_t n;
	long first;
	int restarts;
	int dead; /* the QEMU crashed on the last device it was asked */
};

static void batch_build(struct probe *pr, struct dev_batch *b)
{
	b->n = b->to - b->from;
	b->reqs = xcalloc(b->n + 1, sizeof(*b->reqs));
	for (size_t i = 0; i < b->n; i++) {
		json_object *d = json_object_array_get_idx(pr->rep.devices, b->from + i);

		b->reqs[i].cmd = "device-list-properties";
		b->reqs[i].args = json_object_new_object();
		json_object_object_add(b->reqs[i].args, "typename",
				       json_object_new_string(qmp_get_string(d, "name")));
	}
}

/* Stops p's QEMU (crashed or not) and starts a new one. */
static int restart(struct probe *pr, struct dev_batch *b)
{
	qemu_proc_stop(b->p);
	command_release(&b->p->cmd);
	if (++b->restarts > MAX_RESTARTS)
		return error("probe '%s': gave up on device properties after "
			     "%d restarts",
			     pr->binary, b->restarts);
	return start(b->p, pr);
}

/*
 * After a pipelined batch broke at device `at` or later (QEMU's replies
 * to requests it had already run die with it when it crashes), replays
 * one request at a time from `at` until QEMU crashes again: that device
 * is the culprit. Returns the index to go on from, or -1.
 */
static long find_culprit(struct probe *pr, struct dev_batch *b, size_t at)
{
	if (restart(pr, b))
		return -1;
	for (; at < b->to; at++) {
		json_object *args = json_object_new_object(), *ret = NULL;
		struct qmp_error err;
		int r;

		json_object_object_add(
			args, "typename",
			json_object_new_string(qmp_get_string(
				json_object_array_get_idx(pr->rep.devices, at), "name")));
		r = qmp_call(&b->p->qmp, "device-list-properties", args, &ret, &err);
		if (r == 0) {
			if (device_props_check(pr, at, ret)) {
				json_object_put(ret);
				return -1;
			}
			pr->rep.props[at] = ret;
		} else if (r == QMP_ERR) {
			pr->rep.failures[at] = xstrdup(err.desc);
		} else {
			struct strbuf why = STRBUF_INIT;
			const char *last;

			qemu_proc_stop(b->p);
			last = qemu_proc_output(b->p);
			sb_printf(&why, "crashes QEMU: %s",
				  *last ? last : b->p->qmp.errmsg);
			strbuf_rtrim(&why);
			pr->rep.failures[at] = strbuf_detach(&why);
			b->dead = 1; /* restarted when there is more to ask */
			return (long)at + 1;
		}
	}
	return (long)at;
}

/*
 * Takes the replies of a batch; after a crash, finds the culprit. A
 * reply of the wrong shape fails the probe (reported).
 */
static int batch_collect(struct probe *pr, struct dev_batch *b, int broken)
{
	size_t i;
	long next;
	int bad = 0;

	for (i = 0; i < b->n && b->reqs[i].status != -1; i++) {
		if (b->reqs[i].status == 0) {
			bad = device_props_check(pr, b->from + i, b->reqs[i].ret);
			if (bad)
				break;
			pr->rep.props[b->from + i] = b->reqs[i].ret;
			b->reqs[i].ret = NULL;
		} else {
			pr->rep.failures[b->from + i] = xstrdup(b->reqs[i].err.desc);
		}
	}
	for (size_t k = 0; k < b->n; k++)
		qmp_req_release(&b->reqs[k]);
	free(b->reqs);
	b->reqs = NULL;
	if (bad)
		return -1;
	if (!broken) {
		b->from = b->to;
		return 0;
	}
	next = find_culprit(pr, b, b->from + i);
	if (next < 0)
		return -1;
	b->from = (size_t)next;
	return 0;
}

/*
 * Worker 0 asks query-cpu-definitions, one long request (0.17 s on
 * 5.2.0), while worker 1 lists the device types and asks the other
 * general queries; then both take chunks of the device types for
 * device-list-properties until none are left.
 */
#define CHUNK 24
#define CHUNK_MIN 4
#define WORKERS 2

struct pool {
	struct probe *pr;
	pthread_mutex_t lock;
	pthread_cond_t listed;
	int state; /* 0: devices not listed yet, 1: listed, -1: give up */
	size_t next;
};

struct worker {
	struct pool *pool;
	struct qemu_proc p;
	struct dev_batch b;
	int basics; /* asks query-cpu-definitions */
	int lists;  /* lists the device types, asks the other queries */
	int have_p;
	int ret;
	pthread_t thread;
};

static void pool_set_state(struct pool *pl, int state)
{
	pthread_mutex_lock(&pl->lock);
	if (pl->state >= 0)
		pl->state = state;
	pthread_cond_broadcast(&pl->listed);
	pthread_mutex_unlock(&pl->lock);
}

/* The next chunk into b; 0 when the queue is empty or the probe failed. */
static int pool_take(struct pool *pl, struct dev_batch *b)
{
	int got = 0;

	pthread_mutex_lock(&pl->lock);
	while (pl->state == 0)
		pthread_cond_wait(&pl->listed, &pl->lock);
	if (pl->state > 0 && pl->next < pl->pr->rep.ndevices) {
		/*
		 * Chunks shrink towards the end (a quarter of what is left per
		 * worker, CHUNK at most, CHUNK_MIN at least), so that both
		 * workers finish at about the same time: a chunk of 24 x86
		 * CPU models takes QEMU 5.2 some 70 ms.
		 */
		size_t left = pl->pr->rep.ndevices - pl->next;
		size_t n = left / (4 * WORKERS);

		n = n > CHUNK ? CHUNK : n < CHUNK_MIN ? CHUNK_MIN : n;
		b->from = pl->next;
		b->to = b->from + (n < left ? n : left);
		pl->next = b->to;
		got = 1;
	}
	pthread_mutex_unlock(&pl->lock);
	return got;
}

/* device-list-properties for b's chunk, pipelined, surviving crashes. */
static int run_chunk(struct probe *pr, struct dev_batch *b)
{
	while (b->from < b->to) {
		int broken;

		if (b->dead) {
			if (restart(pr, b))
				return -1;
			b->dead = 0;
		}
		batch_build(pr, b);
		broken = qmp_send_many(&b->p->qmp, b->reqs, b->n, &b->first);
		/* After a failed send, still read what came back. */
		if (qmp_recv_many(&b->p->qmp, b->reqs, b->n, b->first))
			broken = 1;
		if (batch_collect(pr, b, broken))
			return -1;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pool;
	struct probe *pr = pl->pr;

	w->ret = -1;
	if (start(&w->p, pr))
		goto fail;
	w->have_p = 1;
	if (w->lists) {
		if (device_list(pr, &w->p))
			goto fail;
		pool_set_state(pl, 1);
	}
	if (w->basics && basic_queries_run(pr, &w->p, 1))
		goto fail;
	if (w->lists && basic_queries_run(pr, &w->p, 0))
		goto fail;
	w->b.p = &w->p;
	while (pool_take(pl, &w->b))
		if (run_chunk(pr, &w->b))
			goto fail;
	w->ret = 0;
	goto out;
fail:
	pool_set_state(pl, -1);
out:
	/* Each QEMU is stopped (and reaped) by its own thread, at once. */
	if (w->have_p) {
		qemu_proc_stop(&w->p);
		command_release(&w->p.cmd);
	}
	return NULL;
}

/* Everything asked of QEMU over QMP, by WORKERS threads with a QEMU each. */
struct qmp_phase {
	struct pool pl;
	struct worker w[WORKERS];
	size_t started;
};

static int qmp_phase_start(struct qmp_phase *ph, struct probe *pr)
{
	memset(ph, 0, sizeof(*ph));
	ph->pl.pr = pr;
	pthread_mutex_init(&ph->pl.lock, NULL);
	pthread_cond_init(&ph->pl.listed, NULL);
	for (; ph->started < WORKERS; ph->started++) {
		struct worker *w = &ph->w[ph->started];
		int e;

		w->pool = &ph->pl;
		w->basics = ph->started == 0;
		w->lists = ph->started == 1;
		e = pthread_create(&w->thread, NULL, worker_main, w);
		if (e) {
			pool_set_state(&ph->pl, -1);
			return error("probe '%s': cannot start a thread: %s",
				     pr->binary, strerror(e));
		}
	}
	return 0;
}

/*
 * Waits for the workers; with stop, they take no more devices. 0 when
 * everything came back (device failures included).
 */
static int qmp_phase_join(struct qmp_phase *ph, int stop)
{
	int ret = ph->started < WORKERS ? -1 : 0;

	if (stop)
		pool_set_state(&ph->pl, -1);
	for (size_t i = 0; i < ph->started; i++) {
		pthread_join(ph->w[i].thread, NULL);
		if (ph->w[i].ret)
			ret = -1;
	}
	pthread_cond_destroy(&ph->pl.listed);
	pthread_mutex_destroy(&ph->pl.lock);
	return ret;
}

static void probe_release(struct probe *pr)
{
	for (size_t i = 0; i < CAPS_NQUERIES; i++)
		json_object_put(pr->rep.basic[i]);
	json_object_put(pr->rep.types);
	json_object_put(pr->rep.devices);
	for (size_t i = 0; i < pr->rep.ndevices; i++) {
		json_object_put(pr->rep.props[i]);
		free(pr->rep.failures[i]);
	}
	free(pr->rep.props);
	free(pr->rep.failures);
}

/*
 * Whether the ABI part of record id is still to do (or cannot be read):
 * not recorded (--no-abi), or recorded under an older definition of the
 * fingerprint's text (abi.h, ABI_REV).
 */
static int abi_missing(struct store *st, long long id)
{
	struct binary_record b;
	int missing = binary_get(st, id, &b) || !b.abi_complete ||
		      b.abi_rev < ABI_REV;

	binary_record_release(&b);
	return missing;
}

/*
 * The machine-type parts of record id that skip does not leave out and
 * that are missing (or all, when the capabilities were probed now):
 * the ABI fingerprints, then the guest view. 0, or -1 reported.
 */
static int machine_parts(struct store *st, long long id, const char *binary,
			 struct zygote *z, int skip, int all,
			 struct caps_result *res)
{
	struct abi_result abi;
	struct guest_result g;
	int guest;

	if (skip & CAPS_ONLY)
		return 0;
	if (all || abi_missing(st, id)) {
		if ((z ? abi_probe_in(st, id, binary, z, &abi)
		       : abi_probe(st, id, binary, &abi)) ||
		    caps_record_abi_seconds(st, id, abi.seconds))
			return error("probe '%s': the machine-type ABI probe "
				     "failed", binary);
		res->abi_machines = abi.machines;
		res->abi_distinct = abi.distinct;
		res->abi_failed = abi.failed;
		res->abi_seconds = abi.seconds;
	}
	guest = skip & CAPS_NO_GUEST ? 0 : all ? 1 : guest_missing(st, id);
	if (guest < 0)
		return -1;
	if (!guest)
		return 0;
	if (guest_probe_in(st, id, binary, z, &g))
		return error("probe '%s': the guest view failed", binary);
	res->guest_done = 1;
	res->guest_machines = g.machines;
	res->guest_distinct = g.distinct;
	res->guest_failed = g.failed;
	res->guest_seconds = g.seconds;
	return 0;
}

/*
 * A binary probed before (and not forced): nothing to do, or only the
 * machine-type parts it lacks. 1 if handled, 0 if it must be probed,
 * -1 on error.
 */
static int probed_before(struct store *st, const char *binary, int force,
			 int skip, struct caps_result *res, double t0)
{
	int r = force ? 0 : binary_complete_id(st, res->sha256, &res->binary_id);

	if (r <= 0)
		return r;
	if (machine_parts(st, res->binary_id, binary, NULL, skip, 0, res))
		return -1;
	res->abi_only = res->abi_machines || res->guest_done;
	res->reused = !res->abi_only;
	res->seconds = now_monotonic() - t0;
	return 1;
}

/*
 * Hands the replies of a probe that ended (failed, when ret is not 0) to
 * the record. A failure is kept on record (it was reported already),
 * unless it would replace a complete record of the same binary: a forced
 * probe that fails loses nothing. Returns ret, or -1 when the complete
 * record cannot be written.
 */
static int record_outcome(struct store *st, const struct probe *pr, int ret,
			  double t0, struct caps_result *res)
{
	long long old;

	if (ret) {
		if (binary_complete_id(st, res->sha256, &old) > 0)
			warning("probe '%s' failed; the earlier complete record "
				"of this binary is kept",
				pr->binary);
		else if (caps_record(st, &pr->rep, res->sha256, "failed",
				     "the probe failed; see virt-matrix's messages",
				     res->seconds, res))
			warning("cannot record the failed probe of '%s'", pr->binary);
		return ret;
	}
	if (caps_record(st, &pr->rep, res->sha256, "complete", NULL, res->seconds,
			res))
		return -1;
	res->seconds = now_monotonic() - t0;
	return caps_record_probe_seconds(st, res->binary_id, res->seconds);
}

int caps_probe(struct store *st, const char *binary, int force, int skip,
	       struct caps_result *res)
{
	struct probe pr;
	struct accel_pair acc;
	struct qmp_phase ph;
	struct binary_path_key key = { 0 };
	double t0 = now_monotonic();
	int ret = -1, r, known;

	memset(res, 0, sizeof(*res));
	memset(&pr, 0, sizeof(pr));
	memset(&acc, 0, sizeof(acc));
	pr.st = st;
	pr.binary = binary;
	known = binary_sha256_remembered(st, binary, res->sha256, &key);
	if (known < 0)
		return -1;
	if (known && (r = probed_before(st, binary, force, skip, res, t0)))
		return r < 0 ? -1 : 0;
	/* Every QEMU of this probe, the ABI's included, is forked from it. */
	if (zygote_open(binary, &pr.z))
		return -1;

	/*
	 * Everything that takes wall time starts at once. A binary not seen
	 * at this path before is hashed meanwhile (75 MB take 0.07 s); if it
	 * turns out to be a copy of one probed already, the work stops.
	 */
	if (qmp_phase_start(&ph, &pr)) {
		qmp_phase_join(&ph, 1);
		goto out;
	}
	if (accel_pair_start(&acc, pr.z, binary)) {
		qmp_phase_join(&ph, 1);
		goto out;
	}
	if (!known) {
		r = binary_sha256_remember(st, binary, res->sha256, &key);
		if (!r && !force)
			r = binary_complete_id(st, res->sha256, &res->binary_id);
		if (r) {
			qmp_phase_join(&ph, 1);
			accel_pair_finish(&acc, pr.rep.accel);
			probe_release(&pr);
			zygote_free(pr.z);
			if (r < 0 ||
			    (r = probed_before(st, binary, force, skip, res, t0)) < 0)
				return -1;
			return 0;
		}
	}
	if (qmp_phase_join(&ph, 0))
		goto out;
	accel_pair_finish(&acc, pr.rep.accel);
	ret = 0;
out:
	accel_pair_finish(&acc, pr.rep.accel);
	res->seconds = now_monotonic() - t0;
	if (!res->sha256[0] && binary_sha256_remember(st, binary, res->sha256, &key)) {
		probe_release(&pr);
		zygote_free(pr.z);
		return -1; /* nothing to key a record by */
	}
	ret = record_outcome(st, &pr, ret, t0, res);
	/* The capability replies are stored: the ABI probe forks from less. */
	probe_release(&pr);
	if (!ret)
		ret = machine_parts(st, res->binary_id, binary, pr.z, skip, 1, res);
	zygote_free(pr.z);
	return ret;
}

int caps_probe_if_missing(struct store *st, const char *name, const char *binary)
{
	struct caps_result cr;
	long long id;

	if (binary_find(st, binary, &id) != 1)
		return 0;
	info("probing QEMU %s (%s): it has no probe record yet", name, binary);
	if (caps_probe(st, binary, 0, CAPS_ONLY, &cr)) {
		warning("QEMU %s could not be probed", name);
		return -1;
	}
	return 0;
}
