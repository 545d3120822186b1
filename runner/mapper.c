/*
 * Scenario to QEMU argv (see mapper.h). Everything version-dependent is
 * decided from struct map_caps, which map_caps_load fills from the probe
 * record, so that the mapping is testable against expected-output files
 * per version without running QEMU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapper.h"
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

int map_caps_load(struct store *st, long long id, struct map_caps *c)
{
	auto_stmt *q = NULL;
	static const char dev_sql[] =
		"SELECT 1 FROM devices WHERE binary = ? AND name = ?";
	static const char type_sql[] =
		"SELECT 1 FROM qom_types WHERE binary = ? AND name = ?";

	memset(c, 0, sizeof(*c));
	if (store_prepare(st, &q, "SELECT version, schema_sha256 FROM binaries"
				  " WHERE id = ? AND status = 'complete'"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) != SQLITE_ROW)
		return error("no complete probe record for binary %lld; run "
			     "'virt-matrix probe' first",
			     id);
	snprintf(c->version, sizeof(c->version), "%s",
		 (const char *)sqlite3_column_text(q, 0));
	alias_target(st, id, "q35", c->q35, sizeof(c->q35));
	alias_target(st, id, "pc", c->pc, sizeof(c->pc));
	c->has_vfio_pci = query_exists(st, dev_sql, id, "vfio-pci");
	c->has_pci_assign = query_exists(st, dev_sql, id, "pci-assign") ||
			    query_exists(st, dev_sql, id, "kvm-pci-assign");
	c->has_memfd = query_exists(st, type_sql, id, "memory-backend-memfd");
	/* The machine property arrived in 5.0; older ones take -numa memdev. */
	c->machine_memdev = version_strcmp(c->version, "5.0") >= 0;
	{
		auto_stmt *s = NULL;

		if (store_prepare(st, &s,
				  "SELECT instr(json, '\"vhost-user\"')"
				  " FROM qmp_schemas WHERE sha256 ="
				  " (SELECT schema_sha256 FROM binaries WHERE id = ?)"))
			return -1;
		sqlite3_bind_int64(s, 1, id);
		c->has_vhost_user_netdev =
			sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
	}
	return 0;
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

int map_argv(const struct scenario *s, const struct map_caps *c,
	     const struct map_env *env, struct strvec *argv,
	     struct strvec *notes, struct strbuf *why)
{
	const char *machine = s->machine ? s->machine : "q35";
	struct strbuf m = STRBUF_INIT, path = STRBUF_INIT;
	size_t vhost = scenario_count_devices(s, DEV_VHOST_USER);
	int shared = vhost > 0 || s->hugepages, nic = 0, backend = 0, ret = -1;

	if (!strcmp(machine, "q35") && *c->q35)
		machine = c->q35;
	else if (!strcmp(machine, "pc") && *c->pc)
		machine = c->pc;
	sb_puts(&m, machine);
	if (shared && c->machine_memdev)
		sb_puts(&m, ",memory-backend=mem0");
	strvec_pushv(argv, (const char *const[]){ "-machine", m.buf, "-accel",
						  env->accel, NULL });
	if (s->cpu_model) {
		const char *model = s->cpu_model;

		if (!strcmp(model, "host") && strcmp(env->accel, "kvm")) {
			model = "max";
			strvec_pushf(notes, "cpu model=host needs KVM; under %s "
					    "it is 'max'",
				     env->accel);
		}
		strvec_pushv(argv, (const char *const[]){ "-cpu", model, NULL });
	}
	if (s->cpupin)
		strvec_pushf(notes, "cpupin=%s: the runner pins the vCPU threads "
				    "(query-cpus-fast thread-id) once QEMU is up",
			     s->cpupin);
	strvec_push(argv, "-smp");
	strvec_pushf(argv, "%d", s->cpus > 0 ? s->cpus : 1);
	strvec_push(argv, "-m");
	strvec_pushf(argv, "%ld", s->mem_mib > 0 ? s->mem_mib : 512);
	if (shared) {
		strvec_push(argv, "-object");
		if (s->hugepages)
			strvec_pushf(argv, "memory-backend-file,id=mem0,size=%ldM,"
					   "mem-path=/dev/hugepages,share=on,prealloc=on",
				     s->mem_mib);
		else if (c->has_memfd)
			strvec_pushf(argv, "memory-backend-memfd,id=mem0,size=%ldM,"
					   "share=on",
				     s->mem_mib);
		else {
			strvec_pushf(argv, "memory-backend-file,id=mem0,size=%ldM,"
					   "mem-path=/dev/shm,share=on",
				     s->mem_mib);
			strvec_push(notes, "no memory-backend-memfd in this QEMU: "
					   "shared memory from a file in /dev/shm");
		}
		if (!c->machine_memdev) {
			strvec_pushv(argv, (const char *const[]){
				"-numa", "node,memdev=mem0", NULL });
			strvec_push(notes, "QEMU < 5.0: guest RAM through -numa "
					   "node,memdev instead of -machine "
					   "memory-backend");
		}
	}
	for (size_t i = 0; i < s->ndisks; i++) {
		const struct scn_disk *d = &s->disks[i];

		strvec_push(argv, "-drive");
		strvec_pushf(argv, "file=%s%s%s%s%s", d->file,
			     d->format ? ",format=" : "", d->format ? d->format : "",
			     d->iface ? ",if=" : "", d->iface ? d->iface : "");
	}
	/* DTS pairs each nic with a user or tap backend. */
	for (size_t i = 0; i < s->nnets; i++) {
		const struct scn_net *n = &s->nets[i];

		if (n->kind == NET_NIC)
			continue;
		strvec_push(argv, "-netdev");
		if (n->kind == NET_USER)
			strvec_pushf(argv, "user,id=hostnet%d%s%s", backend,
				     n->hostfwd ? ",hostfwd=" : "",
				     n->hostfwd ? n->hostfwd : "");
		else {
			ret = map_cannot(why, "scenario '%s': tap networking needs a host "
				    "bridge, which the runner does not set up",
				    s->name);
			goto out;
		}
		backend++;
	}
	for (size_t i = 0; i < s->nnets; i++) {
		const struct scn_net *n = &s->nets[i];

		if (n->kind != NET_NIC)
			continue;
		if (nic >= backend) {
			strvec_push(argv, "-netdev");
			strvec_pushf(argv, "user,id=hostnet%d", backend++);
			strvec_pushf(notes, "nic %d has no backend line: user "
					    "networking",
				     nic);
		}
		strvec_push(argv, "-device");
		strvec_pushf(argv, "%s,netdev=hostnet%d%s%s", nic_device(n->model),
			     nic, n->mac ? ",mac=" : "", n->mac ? n->mac : "");
		nic++;
	}
	for (size_t i = 0, v = 0, pt = 0; i < s->ndevices; i++) {
		const struct scn_device *d = &s->devices[i];
		const char *host;

		switch (d->kind) {
		case DEV_VHOST_USER:
			if (!c->has_vhost_user_netdev) {
				ret = map_cannot(why, "QEMU %s has no vhost-user network "
					    "backend",
					    c->version);
				goto out;
			}
			map_vhost_path(env, d, &path);
			strvec_push(argv, "-chardev");
			strvec_pushf(argv, "socket,id=char%zu,path=%s", v, path.buf);
			strvec_push(argv, "-netdev");
			if (d->queues > 1)
				strvec_pushf(argv, "vhost-user,id=vhost%zu,chardev=char%zu,"
						   "queues=%d",
					     v, v, d->queues);
			else
				strvec_pushf(argv, "vhost-user,id=vhost%zu,chardev=char%zu",
					     v, v);
			strvec_push(argv, "-device");
			strvec_pushf(argv, "virtio-net-pci,netdev=vhost%zu,id=vnet%zu%s%s%s%s",
				     v, v, d->mac ? ",mac=" : "", d->mac ? d->mac : "",
				     d->settings ? "," : "",
				     d->settings ? d->settings : "");
			v++;
			break;
		case DEV_VFIO_PCI:
		case DEV_PCI_ASSIGN:
			host = d->host;
			if (!strcmp(host, "lab")) {
				if (!env->pt_host) {
					ret = map_cannot(why, "scenario '%s': passthrough of the "
						    "lab's device outside the lab VM",
						    s->name);
					goto out;
				}
				host = env->pt_host;
			}
			if (d->kind == DEV_PCI_ASSIGN && !c->has_pci_assign) {
				strvec_pushf(notes, "pci-assign is gone from QEMU %s "
						    "(removed in 2.12): vfio-pci",
					     c->version);
			} else if (d->kind == DEV_PCI_ASSIGN) {
				strvec_push(argv, "-device");
				strvec_pushf(argv, "pci-assign,host=%s,id=pt_%zu%s%s",
					     host, pt, d->addr ? ",addr=" : "",
					     d->addr ? d->addr : "");
				pt++;
				break;
			}
			if (!c->has_vfio_pci) {
				ret = map_cannot(why, "QEMU %s has no vfio-pci device",
					    c->version);
				goto out;
			}
			strvec_push(argv, "-device");
			strvec_pushf(argv, "vfio-pci,host=%s,id=pt_%zu%s%s", host, pt,
				     d->addr ? ",addr=" : "", d->addr ? d->addr : "");
			pt++;
			break;
		case DEV_VIRTIO_NET_PCI:
			strvec_push(argv, "-device");
			strvec_pushf(argv, "virtio-net-pci%s%s%s%s%s%s",
				     d->netdev ? ",netdev=" : "",
				     d->netdev ? d->netdev : "",
				     d->mac ? ",mac=" : "", d->mac ? d->mac : "",
				     d->settings ? "," : "",
				     d->settings ? d->settings : "");
			break;
		}
	}
	if (s->vnc >= 0) {
		strvec_push(argv, "-vnc");
		strvec_pushf(argv, "unix:%s/vnc.sock", env->rundir);
		strvec_pushf(notes, "vnc displayNum=%d is served on a unix socket, "
				    "so that runs can go side by side",
			     s->vnc);
	}
	if (s->qga) {
		strvec_push(argv, "-chardev");
		strvec_pushf(argv, "socket,id=qga0,path=%s/qga.sock,server=on,"
				   "wait=off",
			     env->rundir);
		strvec_pushv(argv, (const char *const[]){
			"-device", "virtio-serial-pci,id=vser0", "-device",
			"virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
			NULL });
	}
	if (env->kernel)
		strvec_pushv(argv, (const char *const[]){
			"-kernel", env->kernel, "-initrd", env->initrd, "-append",
			env->append, "-chardev", "stdio,id=ser0,signal=off",
			"-serial", "chardev:ser0", "-no-reboot", NULL });
	else
		/* Inspected over QMP, never run. */
		strvec_push(argv, "-S");
	ret = 0;
out:
	strbuf_release(&m);
	strbuf_release(&path);
	return ret;
}
