/*
 * Machine-type ABI fingerprints. Worker threads (one more than the
 * cores, so that a core is not idle while a worker waits for its QEMU to
 * start or to die) take jobs from one queue: the compat props and the
 * -dump-vmstate of the binary first, as they are the longest, then one
 * machine type each. A machine type's QEMU answers four pipelined
 * queries, then a second round of qom-get for the machine object's
 * properties that are part of the guest ABI (QEMU >= 10.1 gives them all
 * to the first round's qom-list-get: QEMU reads QMP one byte per system
 * call, and the 31 qom-gets of a q35 machine cost it some 12 ms). The
 * results become sorted, normalised text lines whose sha256 is the
 * fingerprint; the store is written once all are in.
 */
#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi.h"
#include "command.h"
#include "fs.h"
#include "qemuproc.h"
#include "sha256.h"
#include "banned.h"

#define START_TIMEOUT 20

/*
 * Machine properties that are not part of the guest ABI, so neither
 * asked (QEMU reads each request byte by byte: a qom-get costs it some
 * 0.4 ms) nor fingerprinted:
 *   - rtc-time changes with the wall clock;
 *   - type is the machine type's own name, "<machine>" once normalised;
 *   - the others name what the host gives the guest or how the host
 *     treats its memory: files and a command line for a direct boot,
 *     backends, confidential-guest objects, core dumps, page merging and
 *     sharing. They are empty or host policy unless set on the command
 *     line, which the probe never does, and the guest never sees them.
 * Everything else (smm, acpi, hpet, memory, smp, boot, usb, ...) is kept,
 * and so is any property this list does not know.
 */
static const char *const not_abi_machine_props[] = {
	"rtc-time", "type", "kernel", "initrd", "append", "dtb", "dumpdtb",
	"firmware", "shim", "dt-compatible", "memory-backend",
	"memory-encryption", "confidential-guest-support", "dump-guest-core",
	"mem-merge", "aux-ram-share", "pcspk-audiodev",
};

static int is_abi_prop(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_abi_machine_props); i++)
		if (!strcmp(name, not_abi_machine_props[i]))
			return 0;
	return 1;
}

/*
 * A machine property whose value is part of the fingerprint: not a
 * child<> or link<> (the objects are in the qtree and PCI view), and
 * part of the guest ABI.
 */
static int wanted_prop(const char *type, const char *name)
{
	return type && name && strncmp(type, "child<", 6) &&
	       strncmp(type, "link<", 5) && is_abi_prop(name);
}

json_object *abi_props_from_list_get(json_object *ret)
{
	json_object *out = json_object_new_object(), *props;
	json_object *first = qmp_array_len(ret) ? json_object_array_get_idx(ret, 0)
						: NULL;

	props = qmp_get(first, "properties", json_type_array);
	for (size_t i = 0; i < qmp_array_len(props); i++) {
		json_object *p = json_object_array_get_idx(props, i), *v = NULL;
		const char *name = qmp_get_string(p, "name");

		/* No "value": its getter failed, as a failed qom-get. */
		if (wanted_prop(qmp_get_string(p, "type"), name) &&
		    json_object_object_get_ex(p, "value", &v))
			json_object_object_add(out, name, json_object_get(v));
	}
	return out;
}

/*
 * What each reply the ABI probe reads must look like (QEMU's QAPI
 * schema): the members the fingerprint and the compat props read, with
 * the types they read them as. A PCI bridge holds devices, which may be
 * bridges: the device shape refers to itself through the bridge's.
 */
static const struct qmp_shape pci_dev_shape;
static const struct qmp_shape pci_devs_shape = { json_type_array, &pci_dev_shape, NULL };
static const struct qmp_member pci_id_members[] = {
	{ "vendor", &qmp_shape_int, 1 },
	{ "device", &qmp_shape_int, 1 },
	{ "subsystem", &qmp_shape_int, 0 },
	{ "subsystem-vendor", &qmp_shape_int, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_id_shape = { json_type_object, NULL, pci_id_members };
static const struct qmp_member pci_class_members[] = {
	{ "class", &qmp_shape_int, 1 },
	{ "desc", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_class_shape = { json_type_object, NULL, pci_class_members };
static const struct qmp_member pci_region_members[] = {
	{ "bar", &qmp_shape_int, 1 },
	{ "type", &qmp_shape_string, 1 },
	{ "size", &qmp_shape_int, 1 },
	{ "prefetch", &qmp_shape_bool, 0 },
	{ "mem_type_64", &qmp_shape_bool, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_region_shape = { json_type_object, NULL, pci_region_members };
static const struct qmp_shape pci_regions_shape = { json_type_array, &pci_region_shape, NULL };
static const struct qmp_member pci_bridge_members[] = {
	{ "bus", &qmp_shape_object, 0 },
	{ "devices", &pci_devs_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_bridge_shape = { json_type_object, NULL, pci_bridge_members };
static const struct qmp_member pci_dev_members[] = {
	{ "slot", &qmp_shape_int, 1 },
	{ "function", &qmp_shape_int, 1 },
	{ "id", &pci_id_shape, 0 },
	{ "class_info", &pci_class_shape, 0 },
	{ "irq_pin", &qmp_shape_int, 0 },
	{ "regions", &pci_regions_shape, 0 },
	{ "pci_bridge", &pci_bridge_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_dev_shape = { json_type_object, NULL, pci_dev_members };
static const struct qmp_member pci_bus_members[] = {
	{ "bus", &qmp_shape_int, 1 },
	{ "devices", &pci_devs_shape, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_bus_shape = { json_type_object, NULL, pci_bus_members };

static const struct qmp_member cpu_model_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "props", &qmp_shape_object, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape cpu_model_shape = { json_type_object, NULL, cpu_model_members };
static const struct qmp_member cpu_expansion_members[] = {
	{ "model", &cpu_model_shape, 1 },
	{ NULL, NULL, 0 },
};

static const struct qmp_member prop_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "type", &qmp_shape_string, 1 },
	{ "value", &qmp_shape_any, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape prop_shape = { json_type_object, NULL, prop_members };
static const struct qmp_shape props_shape = { json_type_array, &prop_shape, NULL };
static const struct qmp_member object_props_members[] = {
	{ "properties", &props_shape, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape object_props_shape = { json_type_object, NULL,
						     object_props_members };

static const struct qmp_member compat_prop_members[] = {
	{ "qom-type", &qmp_shape_string, 1 },
	{ "property", &qmp_shape_string, 1 },
	{ "value", &qmp_shape_string, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape compat_prop_shape = { json_type_object, NULL, compat_prop_members };
static const struct qmp_shape compat_props_shape = { json_type_array, &compat_prop_shape, NULL };
static const struct qmp_member compat_machine_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "compat-props", &compat_props_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape compat_machine_shape = { json_type_object, NULL,
						       compat_machine_members };

static const struct qmp_reply_shape reply_shapes[] = {
	{ "human-monitor-command", { json_type_string, NULL, NULL } },
	{ "query-pci", { json_type_array, &pci_bus_shape, NULL } },
	{ "query-cpu-model-expansion", { json_type_object, NULL, cpu_expansion_members } },
	{ "qom-list-get", { json_type_array, &object_props_shape, NULL } },
	{ "qom-list", { json_type_array, &prop_shape, NULL } },
	{ "qom-get", { QMP_ANY, NULL, NULL } },
	/* with compat-props */
	{ "query-machines", { json_type_array, &compat_machine_shape, NULL } },
};

int abi_reply_check(const char *binary, const char *cmd, json_object *reply,
		    struct strbuf *err)
{
	return qmp_reply_check_cmd(binary, cmd, reply, reply_shapes,
				   ARRAY_SIZE(reply_shapes), err);
}

/* The canonical devices, in the order they are given to QEMU. */
struct canon_dev {
	const char *name;
	const char *const args[5];
	int pcie_only;
};

static const struct canon_dev canon[] = {
	{ "pcie-root-port", { "-device", "pcie-root-port,id=rp0,chassis=1", NULL }, 1 },
	{ "virtio-net-pci", { "-device", "virtio-net-pci,id=vnet0", NULL }, 0 },
	{ "e1000e", { "-device", "e1000e,id=nic0", NULL }, 0 },
	{ "virtio-blk-pci", { "-blockdev", "driver=null-co,node-name=disk0",
			      "-device", "virtio-blk-pci,drive=disk0,id=blk0", NULL }, 0 },
	{ "virtio-9p-pci", { "-fsdev", "local,id=fs0,path=/,security_model=none",
			     "-device", "virtio-9p-pci,fsdev=fs0,mount_tag=host,id=p9", NULL }, 0 },
};

int abi_is_versioned(const char *m)
{
	const char *dash = strrchr(m, '-');
	int dots = 0;

	if (!dash || !isdigit((unsigned char)dash[1]))
		return 0;
	for (const char *p = dash + 1; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			return 0;
	}
	return dots >= 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- info qtree ---- */

/* A bus or a device on the way down the tree. */
struct frame {
	size_t indent;
	int is_bus;
	char *path;
	struct strvec seen; /* on a bus: the type of each device so far */
};

/* A device's name under its bus: "#id", else "type[n]", n-th of its type. */
static char *device_segment(struct frame *bus, const char *rest)
{
	const char *comma = strstr(rest, ", id \"");
	struct strbuf seg = STRBUF_INIT;
	size_t tlen = comma ? (size_t)(comma - rest) : strlen(rest);
	char *type = xstrndup(rest, tlen);
	int n = 0;

	if (comma && comma[6] && comma[6] != '"') {
		const char *id = comma + 6;

		sb_puts(&seg, "#");
		if (strbuf_add(&seg, id, strcspn(id, "\"")))
			die("device_segment");
	} else {
		for (size_t i = 0; bus && i < bus->seen.nr; i++)
			n += !strcmp(bus->seen.v[i], type);
		sb_printf(&seg, "%s[%d]", type, n);
	}
	if (bus)
		strvec_push(&bus->seen, type);
	free(type);
	return strbuf_detach(&seg);
}

/* "bar 1: mem at 0xffffffffffffffff [0xffe]" -> "bar 1: mem [0xffe]" */
static void drop_addresses(struct strbuf *line)
{
	char *at = strstr(line->buf, " at 0x");
	char *br = at ? strchr(at, '[') : NULL;

	if (br) {
		memmove(at + 1, br, strlen(br) + 1);
		line->len = strlen(line->buf);
	}
}

void abi_flatten_qtree(const char *qtree, struct strvec *out)
{
	struct frame st[128];
	int top = -1;
	const char *p = qtree;

	while (*p) {
		size_t n = strcspn(p, "\r\n"), ind;
		char *line = xstrndup(p, n);
		const char *body, *rest;
		const char *parent;

		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
		ind = strspn(line, " ");
		body = line + ind;
		if (!*body) {
			free(line);
			continue;
		}
		/* Leave every bus and device this line is not inside of. */
		while (top >= 0 && st[top].indent >= ind) {
			free(st[top].path);
			strvec_clear(&st[top].seen);
			top--;
		}
		parent = top >= 0 ? st[top].path : "";
		if ((skip_prefix(body, "bus: ", &rest) ||
		     skip_prefix(body, "dev: ", &rest)) &&
		    top < 127) {
			int is_bus = body[0] == 'b';
			struct strbuf path = STRBUF_INIT;
			char *seg = is_bus ? xstrdup(rest)
					   : device_segment(top >= 0 && st[top].is_bus
								    ? &st[top]
								    : NULL,
							    rest);

			sb_printf(&path, "%s/%s", parent, seg);
			free(seg);
			top++;
			st[top].indent = ind;
			st[top].is_bus = is_bus;
			st[top].path = strbuf_detach(&path);
			memset(&st[top].seen, 0, sizeof(st[top].seen));
			if (!is_bus) {
				const char *comma = strchr(rest, ',');

				strvec_pushf(out, "qtree %s type = %.*s", st[top].path,
					     comma ? (int)(comma - rest) : (int)strlen(rest),
					     rest);
			}
		} else {
			struct strbuf l = STRBUF_INIT;

			sb_puts(&l, body);
			drop_addresses(&l);
			strvec_pushf(out, "qtree %s %s%s", parent,
				     strstr(body, " = ") ? "" : ": ", l.buf);
			strbuf_release(&l);
		}
		free(line);
	}
	while (top >= 0) {
		free(st[top].path);
		strvec_clear(&st[top].seen);
		top--;
	}
}

/* ---- query-pci, cpu expansion, machine properties ---- */

/*
 * The readers below take replies checked by abi_reply_check, and still
 * read them through qmp.h's typed getters: a member of another type
 * reads as absent (-1 for a number), never as json-c's conversion.
 */
static long jint(json_object *o, const char *k)
{
	return (long)qmp_get_int(o, k, -1);
}

static void pci_bus_lines(json_object *bus, const char *where, struct strvec *out)
{
	json_object *devs = qmp_get(bus, "devices", json_type_array);

	for (size_t i = 0; i < qmp_array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *id, *cls,
			    *regions, *bridge;
		char at[64];

		snprintf(at, sizeof(at), "%s%02lx.%lx", where, jint(d, "slot"),
			 jint(d, "function"));
		/* query-pci has no revision; qtree has the rest of the device. */
		id = qmp_get(d, "id", json_type_object);
		if (id) {
			strvec_pushf(out, "pci %s id = %04lx:%04lx", at,
				     jint(id, "vendor"), jint(id, "device"));
			if (jint(id, "subsystem") >= 0)
				strvec_pushf(out, "pci %s subsystem = %04lx:%04lx",
					     at, jint(id, "subsystem-vendor"),
					     jint(id, "subsystem"));
		}
		cls = qmp_get(d, "class_info", json_type_object);
		if (cls)
			strvec_pushf(out, "pci %s class = %04lx", at,
				     jint(cls, "class"));
		if (jint(d, "irq_pin") >= 0)
			strvec_pushf(out, "pci %s irq_pin = %ld", at,
				     jint(d, "irq_pin"));
		regions = qmp_get(d, "regions", json_type_array);
		for (size_t k = 0; k < qmp_array_len(regions); k++) {
			json_object *r = json_object_array_get_idx(regions, k);
			const char *type = qmp_get_string(r, "type");

			strvec_pushf(out, "pci %s bar%ld = %s size %ld%s%s", at,
				     jint(r, "bar"), type ? type : "?",
				     jint(r, "size"),
				     qmp_get_bool(r, "prefetch") ? " prefetch" : "",
				     qmp_get_bool(r, "mem_type_64") ? " 64bit" : "");
		}
		bridge = qmp_get(d, "pci_bridge", json_type_object);
		if (bridge) {
			char sub[80];

			snprintf(sub, sizeof(sub), "%s>", at);
			if (json_object_object_get_ex(bridge, "bus", NULL))
				strvec_pushf(out, "pci %s bridge", at);
			pci_bus_lines(bridge, sub, out);
		}
	}
}

static void pci_lines(json_object *buses, struct strvec *out)
{
	for (size_t i = 0; i < qmp_array_len(buses); i++) {
		json_object *b = json_object_array_get_idx(buses, i);
		char where[32];

		snprintf(where, sizeof(where), "%ld:", jint(b, "bus"));
		pci_bus_lines(b, where, out);
	}
}

static void cpu_lines(json_object *exp, struct strvec *out)
{
	json_object *model = qmp_get(exp, "model", json_type_object), *props;
	const char *name = qmp_get_string(model, "name");

	if (!model)
		return;
	strvec_pushf(out, "cpu model = %s", name ? name : "?");
	props = qmp_get(model, "props", json_type_object);
	if (!props)
		return;
	json_object_object_foreach(props, k, v)
	{
		strvec_pushf(out, "cpu %s = %s", k,
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

/* Replaces every occurrence of name in s by "<machine>". */
static char *normalize(const char *s, const char *name)
{
	struct strbuf o = STRBUF_INIT;
	size_t n = strlen(name);
	const char *hit;

	while ((hit = strstr(s, name))) {
		if (strbuf_add(&o, s, (size_t)(hit - s)))
			die("normalize");
		sb_puts(&o, "<machine>");
		s = hit + n;
	}
	sb_puts(&o, s);
	return strbuf_detach(&o);
}

/* ---- running machine types ---- */

struct mt {
	char *name;
	char *cpu; /* model for the expansion */
	int pcie;
	int list_get; /* qom-list-get (QEMU >= 10.1): values in one request */
	unsigned dropped; /* bit per canon[] entry */
	struct strbuf dropped_why;
	struct qemu_proc p;
	int running;
	struct qmp_req r1[4];
	long first1;
	struct strvec props; /* machine property names for round 2 */
	struct qmp_req *r2;
	long first2;
	struct strvec lines;
	char *qtree;
	json_object *pci, *cpu_exp, *mprops;
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
	for (size_t i = 0; i < ARRAY_SIZE(canon); i++)
		if (!(m->dropped & (1u << i)) && (m->pcie || !canon[i].pcie_only))
			strvec_pushv(a, canon[i].args);
}

/* The canonical device QEMU's error names, or -1. */
static int culprit_device(const char *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(canon); i++) {
		for (const char *const *a = canon[i].args; *a; a += 2) {
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
			  canon[d].name, str_tail_lines(out, strlen(out), 1));
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

static void round1_send(struct mt *m)
{
	memset(m->r1, 0, sizeof(m->r1));
	m->r1[0].cmd = "human-monitor-command";
	m->r1[0].args = json_object_new_object();
	json_object_object_add(m->r1[0].args, "command-line",
			       json_object_new_string("info qtree"));
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
	if (qmp_send_many(&m->p.qmp, m->r1, 4, &m->first1))
		fail(m, m->p.qmp.errmsg);
}

static void round1_recv(struct mt *m, const char *binary)
{
	struct strbuf why = STRBUF_INIT;

	if (m->done)
		return;
	if (qmp_recv_many(&m->p.qmp, m->r1, 4, m->first1)) {
		fail(m, m->p.qmp.errmsg);
		return;
	}
	/* A reply of the wrong shape fails the machine type, recorded. */
	for (int i = 0; i < 4; i++)
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

			if (wanted_prop(type, name))
				strvec_push(&m->props, name);
		}
out:
	strbuf_release(&why);
	for (int i = 0; i < 4; i++)
		qmp_req_release(&m->r1[i]);
}

static void round2_send(struct mt *m)
{
	if (m->done || !m->props.nr)
		return;
	m->r2 = xcalloc(m->props.nr, sizeof(*m->r2));
	for (size_t i = 0; i < m->props.nr; i++) {
		m->r2[i].cmd = "qom-get";
		m->r2[i].args = json_object_new_object();
		json_object_object_add(m->r2[i].args, "path",
				       json_object_new_string("/machine"));
		json_object_object_add(m->r2[i].args, "property",
				       json_object_new_string(m->props.v[i]));
	}
	if (qmp_send_many(&m->p.qmp, m->r2, m->props.nr, &m->first2))
		fail(m, m->p.qmp.errmsg);
}

static void round2_recv(struct mt *m)
{
	if (!m->r2)
		return;
	if (!m->done && qmp_recv_many(&m->p.qmp, m->r2, m->props.nr, m->first2))
		fail(m, m->p.qmp.errmsg);
	m->mprops = json_object_new_object();
	for (size_t i = 0; i < m->props.nr; i++) {
		if (!m->done && m->r2[i].status == 0)
			json_object_object_add(m->mprops, m->props.v[i],
					       json_object_get(m->r2[i].ret));
		qmp_req_release(&m->r2[i]);
	}
	free(m->r2);
	m->r2 = NULL;
}

char *abi_text(const char *machine, struct strvec *lines,
	       char sha[SHA256_HEX_LEN + 1])
{
	struct strbuf t = STRBUF_INIT;
	struct strbuf typename = STRBUF_INIT;

	sb_printf(&typename, "%s-machine", machine);
	for (size_t i = 0; i < lines->nr; i++) {
		char *a = normalize(lines->v[i], typename.buf);
		char *b = normalize(a, machine);

		free((char *)lines->v[i]);
		lines->v[i] = b;
		free(a);
	}
	sort_array(lines->v, lines->nr, sizeof(*lines->v), cmp_str);
	for (size_t i = 0; i < lines->nr; i++)
		sb_printf(&t, "%s\n", lines->v[i]);
	sha256_hex(t.buf, t.len, sha);
	strbuf_release(&typename);
	return strbuf_detach(&t);
}

void abi_lines(const char *qtree, json_object *pci, json_object *cpu,
	       json_object *machine_props, struct strvec *out)
{
	if (qtree)
		abi_flatten_qtree(qtree, out);
	else
		strvec_push(out, "qtree unavailable");
	if (pci)
		pci_lines(pci, out);
	if (cpu)
		cpu_lines(cpu, out);
	else
		strvec_push(out, "cpu unavailable");
	if (json_object_is_type(machine_props, json_type_object)) {
		json_object_object_foreach(machine_props, k, v)
		{
			if (!is_abi_prop(k))
				continue;
			strvec_pushf(out, "machine %s = %s", k,
				     json_object_to_json_string_ext(
					     v, JSON_C_TO_STRING_PLAIN));
		}
	}
}

static void mt_release(struct mt *m)
{
	free(m->text);
	free(m->qtree);
	json_object_put(m->pci);
	json_object_put(m->cpu_exp);
	json_object_put(m->mprops);
	if (m->record)
		fclose(m->record);
	free(m->name);
	free(m->cpu);
	free(m->error);
	strbuf_release(&m->dropped_why);
	strvec_clear(&m->props);
	strvec_clear(&m->lines);
}

/* ---- storing ---- */

static int store_result(struct store *st, long long id, struct mt *m)
{
	auto_stmt *t = NULL;
	auto_stmt *q = NULL;
	struct strbuf devs = STRBUF_INIT;
	const char *sha = m->sha, *text = m->text;
	int ret = -1;

	for (size_t i = 0; i < ARRAY_SIZE(canon); i++)
		if (!(m->dropped & (1u << i)) && (m->pcie || !canon[i].pcie_only))
			sb_printf(&devs, "%s%s", devs.len ? " " : "", canon[i].name);
	if (!m->error) {
		if (store_prepare(st, &t,
				  "INSERT OR IGNORE INTO abi_texts (sha256, text)"
				  " VALUES (?, ?)"))
			goto out;
		store_bind_text(t, 1, sha);
		store_bind_text(t, 2, text);
		if (sqlite3_step(t) != SQLITE_DONE) {
			store_error(st, "cannot record an ABI text");
			goto out;
		}
	}
	if (store_prepare(st, &q,
			  "INSERT OR REPLACE INTO machine_abi (binary, machine,"
			  " status, fingerprint, devices, dropped, error, seconds)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
		goto out;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, m->name);
	store_bind_text(q, 3, m->error ? "failed" : "ok");
	store_bind_text(q, 4, m->error ? NULL : sha);
	store_bind_text(q, 5, devs.buf);
	store_bind_text(q, 6, m->dropped_why.len ? m->dropped_why.buf : NULL);
	store_bind_text(q, 7, m->error);
	sqlite3_bind_double(q, 8, m->seconds);
	if (sqlite3_step(q) != SQLITE_DONE) {
		store_error(st, "cannot record a machine ABI");
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&devs);
	return ret;
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

/* What the binary-wide jobs found, for the store. */
struct binary_jobs {
	json_object *compat; /* query-machines with compat-props, or NULL */
	char compat_class[64]; /* its error class when QEMU refused it */
	int compat_failed;
	struct strbuf vmstate; /* -dump-vmstate's JSON */
	int vmstate_failed;
};

/* Compat props per machine type (query-machines compat-props, >= 9.1). */
static void compat_run(struct binary_jobs *bj, struct zygote *z,
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

static int compat_store(struct store *st, long long id, const char *binary,
			const struct binary_jobs *bj)
{
	auto_stmt *q = NULL;
	json_object *ret = bj->compat;

	if (bj->compat_failed)
		return error("probe '%s': query-machines with compat-props "
			     "failed (QEMU's words are above)",
			     binary);
	if (!ret) {
		if (store_prepare(st, &q,
				  "INSERT OR REPLACE INTO unsupported_queries"
				  " (binary, command, error_class) VALUES (?, ?, ?)"))
			return -1;
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, "query-machines compat-props");
		store_bind_text(q, 3, bj->compat_class);
		return sqlite3_step(q) == SQLITE_DONE ? 0
						      : store_error(st, "cannot record");
	}
	if (store_prepare(st, &q,
			  "INSERT OR REPLACE INTO compat_props (binary, machine,"
			  " driver, property, value) VALUES (?, ?, ?, ?, ?)"))
		return -1;
	for (size_t i = 0; i < qmp_array_len(ret); i++) {
		json_object *m = json_object_array_get_idx(ret, i);
		json_object *cp = qmp_get(m, "compat-props", json_type_array);

		for (size_t k = 0; k < qmp_array_len(cp); k++) {
			json_object *c = json_object_array_get_idx(cp, k);
			int r;

			sqlite3_bind_int64(q, 1, id);
			store_bind_text(q, 2, qmp_get_string(m, "name"));
			store_bind_text(q, 3, qmp_get_string(c, "qom-type"));
			store_bind_text(q, 4, qmp_get_string(c, "property"));
			store_bind_text(q, 5, qmp_get_string(c, "value"));
			r = sqlite3_step(q);
			sqlite3_reset(q);
			if (r != SQLITE_DONE)
				return store_error(st, "cannot record compat props");
		}
	}
	return 0;
}

/* -dump-vmstate, once per binary (reported on failure). */
static void vmstate_run(struct binary_jobs *bj, struct zygote *z,
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
static int vmstate_store(struct store *st, long long id,
			 const struct binary_jobs *bj)
{
	auto_stmt *a = NULL;
	auto_stmt *b = NULL;
	char sha[65];

	if (bj->vmstate_failed)
		return -1;
	sha256_hex(bj->vmstate.buf, bj->vmstate.len, sha);
	if (store_prepare(st, &a, "INSERT OR IGNORE INTO vmstates (sha256, json) VALUES (?, ?)") ||
	    store_prepare(st, &b, "UPDATE binaries SET vmstate_sha256 = ? WHERE id = ?"))
		return -1;
	store_bind_text(a, 1, sha);
	sqlite3_bind_text(a, 2, bj->vmstate.buf, (int)bj->vmstate.len, SQLITE_STATIC);
	store_bind_text(b, 1, sha);
	sqlite3_bind_int64(b, 2, id);
	if (sqlite3_step(a) != SQLITE_DONE || sqlite3_step(b) != SQLITE_DONE)
		return store_error(st, "cannot record the vmstate description");
	return 0;
}

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
		round2_send(m);
		round2_recv(m);
		/* A paused probe needs no clean exit. */
		command_kill(&m->p.cmd, SIGKILL);
		qemu_proc_stop(&m->p);
		command_release(&m->p.cmd);
		m->running = 0;
		m->seconds = now_monotonic() - m->t0;
		m->done = 1;
		if (!m->error) {
			abi_lines(m->qtree, m->pci, m->cpu_exp, m->mprops,
				  &m->lines);
			m->text = abi_text(m->name, &m->lines, m->sha);
		}
	}
}

/* Jobs: 0 compat props, 1 vmstate, 2 + i machine type i. */
struct abi_queue {
	struct mt *m;
	size_t n;
	const char *binary;
	struct zygote *zygote; /* NULL: each QEMU is an exec */
	struct binary_jobs *bj;
	pthread_mutex_t lock;
	size_t next;
};

static void *abi_worker(void *arg)
{
	struct abi_queue *q = arg;

	for (;;) {
		size_t job;

		pthread_mutex_lock(&q->lock);
		job = q->next < q->n + 2 && !vm_interrupted ? q->next++ : SIZE_MAX;
		pthread_mutex_unlock(&q->lock);
		if (job == SIZE_MAX)
			return NULL;
		if (job == 0)
			compat_run(q->bj, q->zygote, q->binary);
		else if (job == 1)
			vmstate_run(q->bj, q->zygote, q->binary);
		else
			run_machine(&q->m[job - 2], q->zygote, q->binary);
	}
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
	struct binary_jobs bj;
	struct abi_queue q;
	pthread_t threads[64];
	size_t n = 0, nthreads = (size_t)online_cpus() + 1, started = 0;
	double t0 = now_monotonic();
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	strbuf_init(&bj.vmstate, 0);
	if (load_machines(st, id, &m, &n))
		return -1;
	memset(&q, 0, sizeof(q));
	q.m = m;
	q.n = n;
	q.binary = binary;
	q.bj = &bj;
	q.zygote = z;
	pthread_mutex_init(&q.lock, NULL);
	if (nthreads > ARRAY_SIZE(threads))
		nthreads = ARRAY_SIZE(threads);
	for (; started < nthreads; started++) {
		int e = pthread_create(&threads[started], NULL, abi_worker, &q);

		if (e) {
			error("cannot start an ABI probe thread: %s", strerror(e));
			break;
		}
	}
	if (!started)
		abi_worker(&q); /* no thread at all: do it here */
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&q.lock);
	if (vm_interrupted)
		goto out;
	if (store_begin(st))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (store_result(st, id, &m[i])) {
			store_rollback(st);
			goto out;
		}
	if (compat_store(st, id, binary, &bj) || vmstate_store(st, id, &bj) ||
	    store_commit(st)) {
		store_rollback(st);
		goto out;
	}
	res->machines = n;
	for (size_t i = 0; i < n; i++)
		res->failed += m[i].error != NULL;
	{
		auto_stmt *dq = NULL;

		if (store_prepare(st, &dq,
				  "SELECT count(DISTINCT fingerprint) FROM machine_abi"
				  " WHERE binary = ? AND status = 'ok'"))
			goto out;
		sqlite3_bind_int64(dq, 1, id);
		if (sqlite3_step(dq) == SQLITE_ROW)
			res->distinct = (size_t)sqlite3_column_int64(dq, 0);
	}
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
