/*
 * Scenario to QEMU argv (see mapper.h). Everything version-dependent is
 * decided from struct map_caps, which map_caps_load fills from the probe
 * record, so that the mapping is testable against expected-output files
 * per version without running QEMU. map_vm_argv runs one short builder
 * per section of the command line, in the order of sections[], over a
 * shared struct map_build; map_argv is that for the one VM the runner
 * runs, once map_runnable agrees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapper.h"
#include "binaries.h"
#include "guest.h"
#include "version.h"
#include "banned.h"

static int query_exists(struct store *st, const char *sql, long long id,
			const char *name)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, sql))
		return 0;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, name);
	return sqlite3_step(q) == SQLITE_ROW;
}

static void alias_target(struct store *st, long long id, const char *alias,
			 char *out, size_t size)
{
	auto_stmt *q = NULL;

	snprintf(out, size, "%s", alias);
	if (store_prepare(st, &q,
			  "SELECT name FROM machine_types WHERE binary = ?"
			  " AND alias = ?"))
		return;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, alias);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(q, 0));
}

/* Whether the QMP schema sha256 names the netdev type "vhost-user". */
static int schema_has_vhost_user(struct store *st, const char *schema_sha256,
				 int *out)
{
	auto_stmt *s = NULL;

	if (store_prepare(st, &s,
			  "SELECT instr(json, '\"vhost-user\"')"
			  " FROM qmp_schemas WHERE sha256 = ?"))
		return -1;
	store_bind_text(s, 1, schema_sha256);
	*out = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
	return 0;
}

int map_caps_load(struct store *st, long long id, struct map_caps *c)
{
	struct binary_record b;
	static const char dev_sql[] =
		"SELECT 1 FROM devices WHERE binary = ? AND name = ?";
	static const char type_sql[] =
		"SELECT 1 FROM qom_types WHERE binary = ? AND name = ?";
	int r;

	memset(c, 0, sizeof(*c));
	r = binary_get(st, id, &b);
	if (r < 0)
		return -1;
	if (r > 0 || b.status != BINARY_COMPLETE) {
		binary_record_release(&b);
		return error("no complete probe record for binary %lld; run "
			     "'virt-matrix probe' first",
			     id);
	}
	snprintf(c->version, sizeof(c->version), "%s", b.version ? b.version : "");
	alias_target(st, id, "q35", c->q35, sizeof(c->q35));
	alias_target(st, id, "pc", c->pc, sizeof(c->pc));
	c->has_vfio_pci = query_exists(st, dev_sql, id, "vfio-pci");
	c->has_pci_assign = query_exists(st, dev_sql, id, "pci-assign") ||
			    query_exists(st, dev_sql, id, "kvm-pci-assign");
	c->has_memfd = query_exists(st, type_sql, id, "memory-backend-memfd");
	/* The machine property arrived in 5.0; older ones take -numa memdev. */
	c->machine_memdev = version_strcmp(c->version, "5.0") >= 0;
	r = schema_has_vhost_user(st, b.schema_sha256, &c->has_vhost_user_netdev);
	binary_record_release(&b);
	return r;
}

static const struct {
	const char *key;
	size_t off;
} caps_flags[] = {
	{ "vfio-pci", offsetof(struct map_caps, has_vfio_pci) },
	{ "pci-assign", offsetof(struct map_caps, has_pci_assign) },
	{ "memory-backend-memfd", offsetof(struct map_caps, has_memfd) },
	{ "machine-memory-backend", offsetof(struct map_caps, machine_memdev) },
	{ "netdev-vhost-user", offsetof(struct map_caps, has_vhost_user_netdev) },
};

void map_caps_format(const struct map_caps *c, struct strbuf *out)
{
	sb_printf(out, "version %s\nq35 %s\npc %s\n", c->version, c->q35, c->pc);
	for (size_t i = 0; i < ARRAY_SIZE(caps_flags); i++)
		sb_printf(out, "%s %d\n", caps_flags[i].key,
			  *(const int *)((const char *)c + caps_flags[i].off));
}

int map_caps_parse(const char *file, const char *text, struct map_caps *c)
{
	const char *line = text;
	int n = 0, seen = 0;

	memset(c, 0, sizeof(*c));
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[128], *val;
		size_t i;

		n++;
		if (!len || line[0] == '#')
			goto next;
		if (len >= sizeof(buf))
			return error("%s:%d: line too long", file, n);
		memcpy(buf, line, len);
		buf[len] = '\0';
		val = strchr(buf, ' ');
		if (!val)
			return error("%s:%d: expected 'key value'", file, n);
		*val++ = '\0';
		if (!strcmp(buf, "version"))
			snprintf(c->version, sizeof(c->version), "%s", val);
		else if (!strcmp(buf, "q35"))
			snprintf(c->q35, sizeof(c->q35), "%s", val);
		else if (!strcmp(buf, "pc"))
			snprintf(c->pc, sizeof(c->pc), "%s", val);
		else {
			for (i = 0; i < ARRAY_SIZE(caps_flags); i++)
				if (!strcmp(buf, caps_flags[i].key))
					break;
			if (i == ARRAY_SIZE(caps_flags) || (strcmp(val, "0") && strcmp(val, "1")))
				return error("%s:%d: unknown key '%s' or value '%s' "
					     "(expected a capability and 0 or 1)",
					     file, n, buf, val);
			*(int *)((char *)c + caps_flags[i].off) = *val == '1';
		}
		seen = 1;
next:
		line = eol ? eol + 1 : NULL;
	}
	if (!seen || !*c->version)
		return error("%s: no 'version' line", file);
	return 0;
}

void map_env_shown(struct map_env *env, const char *accel)
{
	memset(env, 0, sizeof(*env));
	env->kernel = "<kernel>";
	env->initrd = "<initrd>";
	env->append = GUEST_CMDLINE;
	env->accel = accel;
	env->rundir = "<rundir>";
	env->pt_host = "<lab-device>";
}

void map_vhost_path(const struct map_env *env, const struct scn_device *d,
		    struct strbuf *out)
{
	const char *p = d->path;

	strbuf_reset(out);
	if (p[0] == '/') {
		sb_puts(out, p);
		return;
	}
	skip_prefix(p, "./", &p);
	sb_printf(out, "%s/%s", env->rundir, p);
}

static const char *nic_device(const char *model)
{
	if (!model || !*model)
		return "e1000";
	if (!strcmp(model, "virtio"))
		return "virtio-net-pci";
	return model;
}

int map_cannot(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_reset(why);
	if (strbuf_vaddf(why, fmt, ap))
		sb_puts(why, "(message too long)");
	va_end(ap);
	return -1;
}

int map_runnable(const struct scenario *s, struct strbuf *why)
{
	struct strbuf r = STRBUF_INIT;
	int ret = 0;

	if (scenario_runnable(s, &r))
		ret = map_cannot(why, "%s", r.buf);
	strbuf_release(&r);
	return ret;
}

int map_one_vm(const struct scenario *s, struct strbuf *why)
{
	if (map_runnable(s, why))
		return -1;
	if (s->nvms > 1)
		return map_cannot(why, "%zu VMs in one scenario run together on the "
				       "direct backend only (--libvirt none), not "
				       "through libvirt or in the lab",
				  s->nvms);
	for (size_t i = 0; i < s->vms[0].nnets; i++)
		if (s->vms[0].nets[i].kind == NET_TAP)
			return map_cannot(why, "scenario '%s': tap networking (line %d) "
					       "runs directly only (--libvirt none), "
					       "where the run makes a bridge for it",
					  s->name, s->vms[0].nets[i].line);
	return 0;
}

/*
 * The nets of one vlan of a VM (DTS's opt_vlan, QEMU's hub number before
 * 3.0): how many nics and backends it has, and how they are joined.
 */
struct map_vlan {
	int vlan;
	size_t nics, backends; /* backends: user or tap lines */
	int made_up;	/* nics but no backend line: user networking for them */
	int hub;	/* joined on a hub, not one nic on one backend */
	int pair_id;	/* not a hub: hostnetN of its one backend */
	int line;	/* of its first net */
};

/*
 * What the sections of the command line share: the inputs, the outputs,
 * and the counters that one section's arguments name and a later one's
 * refer to.
 */
struct map_build {
	const struct scenario *s;
	const struct scn_vm *vm; /* the VM mapped */
	const struct map_caps *c;
	const struct map_env *env;
	struct strvec *argv, *notes;
	struct strbuf *why;
	int shared;  /* guest RAM in a shared backend (vhost-user, hugepages) */
	int backend; /* -netdev hostnetN lines so far */
	int hubport; /* -netdev hubport lines so far */
	int old_net; /* QEMU < 3.0: a hub is '-net ...,vlan=N' */
	struct map_vlan *vlans; /* the vlans of vm's nets, in order of first use */
	size_t nvlans;
	size_t vhost, pt; /* vhost-user devices, passthrough devices so far */
};

/* -machine, with the aliases resolved and the shared RAM named, -accel. */
static int map_machine(struct map_build *b)
{
	const char *machine = b->vm->machine ? b->vm->machine : "q35";
	struct strbuf m = STRBUF_INIT;

	if (!strcmp(machine, "q35") && *b->c->q35)
		machine = b->c->q35;
	else if (!strcmp(machine, "pc") && *b->c->pc)
		machine = b->c->pc;
	sb_puts(&m, machine);
	if (b->shared && b->c->machine_memdev)
		sb_puts(&m, ",memory-backend=mem0");
	strvec_pushv(b->argv, (const char *const[]){ "-machine", m.buf, "-accel",
						     b->env->accel, NULL });
	strbuf_release(&m);
	return 0;
}

/* -cpu (host needs KVM); vCPU pinning is the runner's, noted. */
static int map_cpu(struct map_build *b)
{
	const char *model = b->vm->cpu_model;

	if (model) {
		if (!strcmp(model, "host") && strcmp(b->env->accel, "kvm")) {
			model = "max";
			strvec_pushf(b->notes, "cpu model=host needs KVM; under %s "
					       "it is 'max'",
				     b->env->accel);
		}
		strvec_pushv(b->argv, (const char *const[]){ "-cpu", model, NULL });
	}
	if (b->vm->cpupin)
		strvec_pushf(b->notes, "cpupin=%s: the runner pins the vCPU threads "
				       "(query-cpus-fast thread-id) once QEMU is up",
			     b->vm->cpupin);
	return 0;
}

/* The backend object of shared guest RAM, and -numa before QEMU 5.0. */
static void map_shared_memory(struct map_build *b)
{
	const struct scn_vm *vm = b->vm;

	strvec_push(b->argv, "-object");
	if (vm->hugepages)
		strvec_pushf(b->argv, "memory-backend-file,id=mem0,size=%ldM,"
				      "mem-path=%s,share=on,prealloc=on",
			     vm->mem_mib,
			     b->env->hugepage_dir ? b->env->hugepage_dir : "/dev/hugepages");
	else if (b->c->has_memfd)
		strvec_pushf(b->argv, "memory-backend-memfd,id=mem0,size=%ldM,"
				      "share=on",
			     vm->mem_mib);
	else {
		strvec_pushf(b->argv, "memory-backend-file,id=mem0,size=%ldM,"
				      "mem-path=/dev/shm,share=on",
			     vm->mem_mib);
		strvec_push(b->notes, "no memory-backend-memfd in this QEMU: "
				      "shared memory from a file in /dev/shm");
	}
	if (!b->c->machine_memdev) {
		strvec_pushv(b->argv, (const char *const[]){ "-numa", "node,memdev=mem0",
							     NULL });
		strvec_push(b->notes, "QEMU < 5.0: guest RAM through -numa "
				      "node,memdev instead of -machine "
				      "memory-backend");
	}
}

/* -smp, -m, and the shared RAM backend if any. */
static int map_smp_memory(struct map_build *b)
{
	strvec_push(b->argv, "-smp");
	strvec_pushf(b->argv, "%d", b->vm->cpus > 0 ? b->vm->cpus : 1);
	strvec_push(b->argv, "-m");
	strvec_pushf(b->argv, "%ld", b->vm->mem_mib > 0 ? b->vm->mem_mib : 512);
	if (b->shared)
		map_shared_memory(b);
	return 0;
}

static int map_disks(struct map_build *b)
{
	for (size_t i = 0; i < b->vm->ndisks; i++) {
		const struct scn_disk *d = &b->vm->disks[i];

		strvec_push(b->argv, "-drive");
		strvec_pushf(b->argv, "file=%s%s%s%s%s", d->file,
			     d->format ? ",format=" : "", d->format ? d->format : "",
			     d->iface ? ",if=" : "", d->iface ? d->iface : "");
	}
	return 0;
}

/*
 * Networks. DTS writes QEMU's old form, `-net nic,vlan=N` and `-net
 * user,vlan=N` (or tap): every net of one vlan joins QEMU's hub N. QEMU
 * 3.0 removed `vlan=` (docs/about/removed-features.rst, "-net ...,vlan=x
 * (removed in 3.0)": one NIC on one backend is `-netdev ...,id=n` with
 * `-device ...,netdev=n`; several on a hub are `-netdev
 * hubport,id=n,hubid=x` each, a backend joining through hubport's
 * `netdev=`, which qapi/net.json has since 2.12). So:
 *   - a vlan of one nic and one backend is that pair, -netdev + -device,
 *     on every version (QEMU took it long before 3.0; a hub of two ports
 *     carries the same frames); a vlan other than 0 gets a note;
 *   - any other vlan is a hub: `-net ...,vlan=N` before 3.0, `-netdev
 *     hubport,hubid=N` from 3.0, with a note either way;
 *   - a vlan of nics without a backend line gets user networking (noted);
 *   - tap (DTS: a tap on bridge opt_br, br0 by default, through its
 *     ifup script) is `-netdev bridge,br=B` (qemu-options.hx: the
 *     qemu-bridge-helper form, in QEMU since 1.1; before 3.0 also `-net
 *     bridge,vlan=N`), noted because the bridge must exist on the host.
 */
static struct map_vlan *vlan_of(struct map_build *b, int vlan)
{
	for (size_t i = 0; i < b->nvlans; i++)
		if (b->vlans[i].vlan == vlan)
			return &b->vlans[i];
	return NULL;
}

/* The vlans of the VM's nets, and how each is joined. */
static void plan_vlans(struct map_build *b)
{
	b->vlans = xcalloc(b->vm->nnets + 1, sizeof(*b->vlans));
	for (size_t i = 0; i < b->vm->nnets; i++) {
		const struct scn_net *n = &b->vm->nets[i];
		struct map_vlan *g = vlan_of(b, n->vlan);

		if (!g) {
			g = &b->vlans[b->nvlans++];
			g->vlan = n->vlan;
			g->line = n->line;
			g->pair_id = -1;
		}
		if (n->kind == NET_NIC)
			g->nics++;
		else
			g->backends++;
	}
	for (size_t i = 0; i < b->nvlans; i++) {
		struct map_vlan *g = &b->vlans[i];

		g->made_up = g->nics && !g->backends;
		g->hub = !(g->nics <= 1 && g->backends + (size_t)g->made_up == 1);
	}
}

/* One backend on vlan g: user networking, or tap on a host bridge. */
static void net_backend(struct map_build *b, struct map_vlan *g,
			const struct scn_net *n)
{
	const char *br = n && n->bridge ? n->bridge : "br0";
	const char *fwd = n ? n->hostfwd : NULL;
	int tap = n && n->kind == NET_TAP, own = tap && b->env->tap_prefix;
	struct strbuf tapdev = STRBUF_INIT;
	int id;

	/* The run's own tap for this net: the nth tap net of the VM. */
	if (own) {
		size_t t = 0;

		for (const struct scn_net *o = b->vm->nets; o < n; o++)
			t += o->kind == NET_TAP;
		sb_printf(&tapdev, "tap,ifname=%s%zu,script=no,downscript=no",
			  b->env->tap_prefix, t);
	} else if (tap) {
		sb_printf(&tapdev, "bridge,br=%s", br);
	}
	if (tap && !own)
		strvec_pushf(b->notes, "net type=tap (line %d) is -%s bridge,br=%s: "
				       "QEMU's qemu-bridge-helper adds the tap to "
				       "the host's bridge %s, which must exist and "
				       "be allowed in its bridge.conf",
			     n->line, g->hub && b->old_net ? "net" : "netdev", br, br);
	if (g->hub && b->old_net) {
		strvec_push(b->argv, "-net");
		if (tap)
			strvec_pushf(b->argv, "%.*s,vlan=%d%s", (int)strcspn(tapdev.buf, ","),
				     tapdev.buf, g->vlan, tapdev.buf + strcspn(tapdev.buf, ","));
		else
			strvec_pushf(b->argv, "user,vlan=%d%s%s", g->vlan,
				     fwd ? ",hostfwd=" : "", fwd ? fwd : "");
		strbuf_release(&tapdev);
		return;
	}
	id = b->backend++;
	strvec_push(b->argv, "-netdev");
	if (tap)
		strvec_pushf(b->argv, "%.*s,id=hostnet%d%s", (int)strcspn(tapdev.buf, ","),
			     tapdev.buf, id, tapdev.buf + strcspn(tapdev.buf, ","));
	else
		strvec_pushf(b->argv, "user,id=hostnet%d%s%s", id,
			     fwd ? ",hostfwd=" : "", fwd ? fwd : "");
	strbuf_release(&tapdev);
	if (!g->hub) {
		g->pair_id = id;
		return;
	}
	strvec_push(b->argv, "-netdev");
	strvec_pushf(b->argv, "hubport,id=hub%dp%d,hubid=%d,netdev=hostnet%d", g->vlan,
		     b->hubport++, g->vlan, id);
}

/* The backends, in the file's order, then user networking where none was. */
static int map_net_backends(struct map_build *b)
{
	plan_vlans(b);
	for (size_t i = 0; i < b->vm->nnets; i++)
		if (b->vm->nets[i].kind != NET_NIC)
			net_backend(b, vlan_of(b, b->vm->nets[i].vlan), &b->vm->nets[i]);
	for (size_t i = 0; i < b->nvlans; i++) {
		struct map_vlan *g = &b->vlans[i];

		if (!g->made_up)
			continue;
		strvec_pushf(b->notes, "net vlan %d (line %d) has nics and no user or "
				       "tap line: user networking",
			     g->vlan, g->line);
		net_backend(b, g, NULL);
	}
	return 0;
}

/* What became of each vlan other than a plain pair on vlan 0. */
static void note_vlans(struct map_build *b)
{
	for (size_t i = 0; i < b->nvlans; i++) {
		const struct map_vlan *g = &b->vlans[i];

		if (!g->hub && g->nics && g->vlan)
			strvec_pushf(b->notes, "net vlan %d (line %d): its nic and its "
					       "backend are connected directly "
					       "(-netdev, -device), as on every QEMU; "
					       "the vlan, QEMU's hub number and not "
					       "an 802.1Q tag, is not needed",
				     g->vlan, g->line);
		else if (!g->hub && g->nics)
			continue; /* a pair on vlan 0: what -net without vlan= was */
		else if (!g->nics)
			strvec_pushf(b->notes, "net vlan %d (line %d) has no nic: its "
					       "backend%s connect%s to no guest device",
				     g->vlan, g->line, g->backends > 1 ? "s" : "",
				     g->backends > 1 ? "" : "s");
		else if (b->old_net)
			strvec_pushf(b->notes, "net vlan %d (line %d): its %zu nets on "
					       "QEMU's hub %d as -net ...,vlan=%d, "
					       "which QEMU %s still takes (removed in "
					       "3.0)",
				     g->vlan, g->line, g->nics + g->backends + g->made_up,
				     g->vlan, g->vlan, b->c->version);
		else
			strvec_pushf(b->notes, "net vlan %d (line %d): its %zu nets on "
					       "hub %d through -netdev hubport,hubid=%d, "
					       "since QEMU 3.0 removed -net ...,vlan=",
				     g->vlan, g->line, g->nics + g->backends + g->made_up,
				     g->vlan, g->vlan);
	}
}

/* The nics: on their vlan's one backend, or on its hub. */
static int map_nics(struct map_build *b)
{
	for (size_t i = 0; i < b->vm->nnets; i++) {
		const struct scn_net *n = &b->vm->nets[i];
		const struct map_vlan *g = vlan_of(b, n->vlan);
		const char *mac = n->mac;
		struct strbuf netdev = STRBUF_INIT;

		if (n->kind != NET_NIC)
			continue;
		if (g->hub && b->old_net) {
			strvec_push(b->argv, "-net");
			strvec_pushf(b->argv, "nic,vlan=%d,model=%s%s%s", n->vlan,
				     n->model ? n->model : "e1000",
				     mac ? ",macaddr=" : "", mac ? mac : "");
			continue;
		}
		if (g->hub) {
			sb_printf(&netdev, "hub%dp%d", g->vlan, b->hubport++);
			strvec_push(b->argv, "-netdev");
			strvec_pushf(b->argv, "hubport,id=%s,hubid=%d", netdev.buf,
				     g->vlan);
		} else {
			sb_printf(&netdev, "hostnet%d", g->pair_id);
		}
		strvec_push(b->argv, "-device");
		strvec_pushf(b->argv, "%s,netdev=%s%s%s", nic_device(n->model),
			     netdev.buf, mac ? ",mac=" : "", mac ? mac : "");
		strbuf_release(&netdev);
	}
	note_vlans(b);
	return 0;
}

/* A vhost-user NIC: its socket's chardev, the netdev, the virtio-net device. */
static int map_vhost_user(struct map_build *b, const struct scn_device *d)
{
	struct strbuf path = STRBUF_INIT;
	size_t v = b->vhost++;

	if (!b->c->has_vhost_user_netdev)
		return map_cannot(b->why, "QEMU %s has no vhost-user network backend",
				  b->c->version);
	map_vhost_path(b->env, d, &path);
	strvec_push(b->argv, "-chardev");
	strvec_pushf(b->argv, "socket,id=char%zu,path=%s", v, path.buf);
	strbuf_release(&path);
	strvec_push(b->argv, "-netdev");
	if (d->queues > 1)
		strvec_pushf(b->argv, "vhost-user,id=vhost%zu,chardev=char%zu,queues=%d",
			     v, v, d->queues);
	else
		strvec_pushf(b->argv, "vhost-user,id=vhost%zu,chardev=char%zu", v, v);
	strvec_push(b->argv, "-device");
	strvec_pushf(b->argv, "virtio-net-pci,netdev=vhost%zu,id=vnet%zu%s%s%s%s", v,
		     v, d->mac ? ",mac=" : "", d->mac ? d->mac : "",
		     d->settings ? "," : "", d->settings ? d->settings : "");
	return 0;
}

/*
 * A host PCI device: "lab" stands for the lab VM's device; pci-assign
 * where this QEMU still has it, else vfio-pci.
 */
static int map_passthrough(struct map_build *b, const struct scn_device *d)
{
	const char *host = d->host;

	if (!strcmp(host, "lab")) {
		if (!b->env->pt_host)
			return map_cannot(b->why, "scenario '%s': passthrough of the "
						  "lab's device outside the lab VM",
					  b->s->name);
		host = b->env->pt_host;
	}
	if (d->kind == DEV_PCI_ASSIGN && b->c->has_pci_assign) {
		strvec_push(b->argv, "-device");
		strvec_pushf(b->argv, "pci-assign,host=%s,id=pt_%zu%s%s", host,
			     b->pt++, d->addr ? ",addr=" : "", d->addr ? d->addr : "");
		return 0;
	}
	if (d->kind == DEV_PCI_ASSIGN)
		strvec_pushf(b->notes, "pci-assign is gone from QEMU %s "
				       "(removed in 2.12): vfio-pci",
			     b->c->version);
	if (!b->c->has_vfio_pci)
		return map_cannot(b->why, "QEMU %s has no vfio-pci device",
				  b->c->version);
	strvec_push(b->argv, "-device");
	strvec_pushf(b->argv, "vfio-pci,host=%s,id=pt_%zu%s%s", host, b->pt++,
		     d->addr ? ",addr=" : "", d->addr ? d->addr : "");
	return 0;
}

/* A virtio-net device on a netdev the scenario names. */
static int map_virtio_net(struct map_build *b, const struct scn_device *d)
{
	strvec_push(b->argv, "-device");
	strvec_pushf(b->argv, "virtio-net-pci%s%s%s%s%s%s",
		     d->netdev ? ",netdev=" : "", d->netdev ? d->netdev : "",
		     d->mac ? ",mac=" : "", d->mac ? d->mac : "",
		     d->settings ? "," : "", d->settings ? d->settings : "");
	return 0;
}

/*
 * A host port's VF (dev_gen made it) or the port itself, by index: only
 * the host knows its PCI address, so the argv holds a placeholder and a
 * note says where the address comes from; where the run made the VFs
 * itself (env->vf_bdf: the lab VM), the VF's address.
 */
static int map_host_port(struct map_build *b, const struct scn_device *d)
{
	struct strbuf host = STRBUF_INIT;
	const struct scn_vf_gen *g;
	char bdf[32];

	if (!b->c->has_vfio_pci)
		return map_cannot(b->why, "QEMU %s has no vfio-pci device",
				  b->c->version);
	/* The loader made sure that a dev_gen makes every VF. */
	g = d->kind == DEV_SRIOV_VF ? scenario_vf_gen(b->s, d->pf) : NULL;
	if (g && b->env->vf_bdf) {
		b->env->vf_bdf(d->pf, d->vf, bdf, sizeof(bdf));
		sb_puts(&host, bdf);
	} else if (d->kind == DEV_SRIOV_VF) {
		sb_printf(&host, "VF%d-OF-PF%d", d->vf, d->pf);
	} else if (b->env->pf_bdf) {
		b->env->pf_bdf(d->pf, bdf, sizeof(bdf));
		sb_puts(&host, bdf);
	} else {
		sb_printf(&host, "PF%d", d->pf);
	}
	strvec_push(b->argv, "-device");
	strvec_pushf(b->argv, "vfio-pci,host=%s,id=pt_%zu%s%s", host.buf, b->pt++,
		     d->addr ? ",addr=" : "", d->addr ? d->addr : "");
	if (g && b->env->vf_bdf) {
		strvec_pushf(b->notes, "VF %d of host port %d (line %d): host=%s, "
				       "where the run makes it (dev_gen, line %d: %d "
				       "VF%s on the port)%s%s%s",
			     d->vf, d->pf, d->line, host.buf, g->line, g->vfs,
			     g->vfs == 1 ? "" : "s", d->mac ? ", its MAC " : "",
			     d->mac ? d->mac : "", d->mac ? " set through the port" : "");
	} else if (!g && b->env->pf_bdf) {
		strvec_pushf(b->notes, "host port %d (line %d): host=%s, where the run "
				       "provides it, bound to vfio-pci",
			     d->pf, d->line, host.buf);
	} else if (!g) {
		strvec_pushf(b->notes, "host port %d (line %d): host=%s stands for "
				       "the port's PCI address on the host (DTS's "
				       "port list); bind it to vfio-pci",
			     d->pf, d->line, host.buf);
	} else {
		strvec_pushf(b->notes, "VF %d of host port %d (line %d): host=%s "
				       "stands for the PCI address the host gives "
				       "that VF once dev_gen (line %d) has written "
				       "%d to the port's sriov_numvfs; bind it to "
				       "vfio-pci",
			     d->vf, d->pf, d->line, host.buf, g->line, g->vfs);
		if (d->mac)
			strvec_pushf(b->notes, "VF %d of host port %d (line %d): its "
					       "MAC is set through the port, as DTS "
					       "does: ip link set <port %d> vf %d mac %s",
				     d->vf, d->pf, d->line, d->pf, d->vf, d->mac);
	}
	strbuf_release(&host);
	return 0;
}

static int (*const device_builders[])(struct map_build *, const struct scn_device *) = {
	[DEV_VHOST_USER] = map_vhost_user,
	[DEV_VFIO_PCI] = map_passthrough,
	[DEV_PCI_ASSIGN] = map_passthrough,
	[DEV_VIRTIO_NET_PCI] = map_virtio_net,
	[DEV_SRIOV_VF] = map_host_port,
	[DEV_HOST_PF] = map_host_port,
};

static int map_devices(struct map_build *b)
{
	for (size_t i = 0; i < b->vm->ndevices; i++) {
		const struct scn_device *d = &b->vm->devices[i];

		if ((size_t)d->kind < ARRAY_SIZE(device_builders) &&
		    device_builders[d->kind] && device_builders[d->kind](b, d))
			return -1;
	}
	return 0;
}

/* VNC on a unix socket in the run's directory, so that runs go side by side. */
static int map_vnc(struct map_build *b)
{
	if (b->vm->vnc < 0)
		return 0;
	strvec_push(b->argv, "-vnc");
	strvec_pushf(b->argv, "unix:%s/vnc.sock", b->env->rundir);
	strvec_pushf(b->notes, "vnc displayNum=%d is served on a unix socket, "
			       "so that runs can go side by side",
		     b->vm->vnc);
	return 0;
}

/* The guest agent's virtio-serial port on a socket in the run's directory. */
static int map_guest_agent(struct map_build *b)
{
	if (!b->vm->qga)
		return 0;
	strvec_push(b->argv, "-chardev");
	strvec_pushf(b->argv, "socket,id=qga0,path=%s/qga.sock,server=on,wait=off",
		     b->env->rundir);
	strvec_pushv(b->argv, (const char *const[]){
		"-device", "virtio-serial-pci,id=vser0", "-device",
		"virtserialport,chardev=qga0,name=org.qemu.guest_agent.0", NULL });
	return 0;
}

/* Kernel, initramfs and the serial console; without a kernel, -S. */
static int map_boot(struct map_build *b)
{
	const struct map_env *env = b->env;

	if (env->kernel)
		strvec_pushv(b->argv, (const char *const[]){
			"-kernel", env->kernel, "-initrd", env->initrd, "-append",
			env->append, "-chardev", "stdio,id=ser0,signal=off",
			"-serial", "chardev:ser0", "-no-reboot", NULL });
	else
		/* Inspected over QMP, never run. */
		strvec_push(b->argv, "-S");
	return 0;
}

/* qemu path=: the QEMU mapped for stands in for the one the file names. */
static int map_qemu_path(struct map_build *b)
{
	if (b->vm->qemu_path)
		strvec_pushf(b->notes, "qemu path=%s: QEMU %s is used instead",
			     b->vm->qemu_path, b->c->version);
	return 0;
}

/* The sections of QEMU's command line, in order. */
static int (*const sections[])(struct map_build *) = {
	map_qemu_path,	  /* a note only */
	map_machine,	  /* -machine, -accel */
	map_cpu,	  /* -cpu */
	map_smp_memory,	  /* -smp, -m, -object memory-backend-*, -numa */
	map_disks,	  /* -drive */
	map_net_backends, /* -netdev user */
	map_nics,	  /* -device <nic> */
	map_devices,	  /* vhost-user, passthrough, virtio-net-pci */
	map_vnc,	  /* -vnc */
	map_guest_agent,  /* -chardev, virtio-serial for qemu-ga */
	map_boot,	  /* -kernel ... -serial, or -S */
};

int map_vm_argv(const struct scenario *s, size_t vm, const struct map_caps *c,
		const struct map_env *env, struct strvec *argv,
		struct strvec *notes, struct strbuf *why)
{
	struct map_build b = {
		.s = s, .vm = &s->vms[vm], .c = c, .env = env, .argv = argv,
		.notes = notes, .why = why,
	};
	int ret = 0;

	b.old_net = version_strcmp(c->version, "3.0") < 0;
	b.shared = b.vm->hugepages;
	for (size_t i = 0; i < b.vm->ndevices; i++)
		b.shared |= b.vm->devices[i].kind == DEV_VHOST_USER;
	for (size_t i = 0; i < ARRAY_SIZE(sections) && !ret; i++)
		ret = sections[i](&b);
	free(b.vlans);
	return ret;
}

int map_argv(const struct scenario *s, const struct map_caps *c,
	     const struct map_env *env, struct strvec *argv,
	     struct strvec *notes, struct strbuf *why)
{
	if (map_one_vm(s, why))
		return -1;
	return map_vm_argv(s, 0, c, env, argv, notes, why);
}
