/*
 * Scenario to libvirt domain XML (see domxml.h): one builder per section
 * of the document (head, cputune, os, cpu, devices...), run in order over
 * a shared state, each escaping what it takes from the scenario. The
 * expected documents per scenario are tests/data/mapper/expected/domxml/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "hostadapt.h"
#include "xmlesc.h"
#include "banned.h"

/* Appends fmt, where each %s argument is escaped. Only %s and %d/%ld. */
static void xf(struct strbuf *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			sb_putc(o, *p);
			continue;
		}
		p++;
		if (*p == 's')
			xml_escape(o, va_arg(ap, const char *));
		else if (*p == 'd')
			sb_printf(o, "%d", va_arg(ap, int));
		else if (*p == 'l' && p[1] == 'd')
			sb_printf(o, "%ld", va_arg(ap, long)), p++;
		else if (*p == 'z' && p[1] == 'u')
			sb_printf(o, "%zu", va_arg(ap, size_t)), p++;
		else
			sb_putc(o, *p);
	}
	va_end(ap);
}

static const char *nic_model(const char *model)
{
	if (!model || !*model)
		return "e1000";
	if (!strcmp(model, "virtio") || !strcmp(model, "virtio-net-pci"))
		return "virtio";
	return model;
}

/* "DDDD:BB:SS.F" (hex fields of exactly those widths) into its parts. */
static int parse_bdf(const char *bdf, unsigned v[4])
{
	static const int width[4] = { 4, 2, 2, 1 };
	static const char sep[4] = { ':', ':', '.', '\0' };
	const char *p = bdf;

	for (int i = 0; i < 4; i++) {
		char part[8], *end;

		for (int k = 0; k < width[i]; k++)
			if (!((p[k] >= '0' && p[k] <= '9') || (p[k] >= 'a' && p[k] <= 'f') ||
			      (p[k] >= 'A' && p[k] <= 'F')))
				return -1;
		memcpy(part, p, (size_t)width[i]);
		part[width[i]] = '\0';
		v[i] = (unsigned)strtoul(part, &end, 16);
		p += width[i];
		if (*p != sep[i])
			return -1;
		p++;
	}
	return v[2] < 32 && v[3] < 8 ? 0 : -1;
}

static int hostdev(struct strbuf *o, const char *bdf, size_t n, struct strbuf *why)
{
	unsigned v[4];

	if (parse_bdf(bdf, v))
		return map_cannot(why, "'%s' is not a PCI address (DDDD:BB:SS.F)", bdf);
	sb_printf(o,
		  "    <hostdev mode='subsystem' type='pci' managed='no'>\n"
		  "      <source><address domain='0x%04x' bus='0x%02x' slot='0x%02x'"
		  " function='0x%x'/></source>\n"
		  "      <alias name='ua-pt_%zu'/>\n"
		  "    </hostdev>\n",
		  v[0], v[1], v[2], v[3], n);
	return 0;
}

/* What the section builders of one domain share. */
struct dom_build {
	const struct scenario *s;
	const struct scn_vm *vm; /* its one VM */
	const struct dom_env *e;
	struct strbuf *o;
	struct strvec *notes;
	struct strbuf *why;
	struct map_env menv; /* for the vhost-user socket paths */
	struct strbuf path;
	size_t vhost, pt;    /* vhost-user devices; passthrough ones so far */
};

static int dom_head(struct dom_build *b)
{
	const struct scn_vm *vm = b->vm;

	xf(b->o, "<domain type='%s' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
		 "  <name>%s</name>\n",
	   b->e->virttype, b->e->name);
	xf(b->o, "  <memory unit='MiB'>%ld</memory>\n", vm->mem_mib > 0 ? vm->mem_mib : 512);
	if (vm->hugepages)
		sb_puts(b->o, "  <memoryBacking>\n    <hugepages/>\n"
			      "    <access mode='shared'/>\n  </memoryBacking>\n");
	else if (b->vhost)
		sb_puts(b->o, "  <memoryBacking>\n    <source type='memfd'/>\n"
			      "    <access mode='shared'/>\n  </memoryBacking>\n");
	xf(b->o, "  <vcpu placement='static'>%d</vcpu>\n", vm->cpus > 0 ? vm->cpus : 1);
	return 0;
}

static int dom_cputune(struct dom_build *b)
{
	const char *c = b->vm->cpupin;
	int cpus = b->vm->cpus > 0 ? b->vm->cpus : 1;

	if (!c)
		return 0;
	sb_puts(b->o, "  <cputune>\n");
	for (int i = 0; i < cpus && *c; i++) {
		size_t len = strcspn(c, " ");
		char host[24];

		snprintf(host, sizeof(host), "%.*s", (int)(len < 15 ? len : 15), c);
		if (b->e->cpus) {
			long want = strtol(host, NULL, 10),
			     got = host_pin_cpu(want, b->e->cpus);

			if (got >= 0 && got != want) {
				strvec_pushf(b->notes, "cpupin: vCPU %d on host CPU %ld: "
						       "CPU %ld is not on this host, "
						       "%ld mod %d",
					     i, got, want, want, CPU_COUNT(b->e->cpus));
				snprintf(host, sizeof(host), "%ld", got);
			}
		}
		xf(b->o, "    <vcpupin vcpu='%d' cpuset='%s'/>\n", i, host);
		c += len;
		c += strspn(c, " ");
	}
	sb_puts(b->o, "  </cputune>\n");
	return 0;
}

static int dom_os(struct dom_build *b)
{
	const struct dom_env *e = b->e;

	xf(b->o, "  <os>\n    <type arch='x86_64' machine='%s'>hvm</type>\n",
	   b->vm->machine ? b->vm->machine : "q35");
	if (e->kernel)
		xf(b->o, "    <kernel>%s</kernel>\n    <initrd>%s</initrd>\n"
			 "    <cmdline>%s</cmdline>\n",
		   e->kernel, e->initrd, e->cmdline);
	sb_puts(b->o, "  </os>\n");
	sb_puts(b->o, "  <features>\n    <acpi/>\n  </features>\n");
	return 0;
}

static int dom_cpu(struct dom_build *b)
{
	const char *model = b->vm->cpu_model;

	if (!model)
		return 0;
	if (!strcmp(model, "host") && !strcmp(b->e->virttype, "kvm")) {
		sb_puts(b->o, "  <cpu mode='host-passthrough'/>\n");
	} else if (!strcmp(model, "host") && b->e->no_cpu_maximum) {
		strvec_push(b->notes, "cpu model=host needs KVM; under TCG it would "
				      "be <cpu mode='maximum'>, which this libvirt "
				      "(before 7.1) does not have: libvirt's default "
				      "CPU model");
	} else if (!strcmp(model, "host")) {
		sb_puts(b->o, "  <cpu mode='maximum'/>\n");
		strvec_push(b->notes, "cpu model=host needs KVM; under TCG it is "
				      "<cpu mode='maximum'> (libvirt >= 7.1)");
	} else {
		xf(b->o, "  <cpu mode='custom' match='exact' check='none'>\n"
			 "    <model fallback='forbid'>%s</model>\n  </cpu>\n",
		   model);
	}
	return 0;
}

/* The lifecycle, and <devices> opened with the emulator. */
static int dom_devices_open(struct dom_build *b)
{
	sb_puts(b->o, "  <on_poweroff>destroy</on_poweroff>\n"
		      "  <on_reboot>destroy</on_reboot>\n"
		      "  <on_crash>destroy</on_crash>\n  <devices>\n");
	xf(b->o, "    <emulator>%s</emulator>\n", b->e->emulator);
	return 0;
}

static int dom_disks(struct dom_build *b)
{
	for (size_t i = 0; i < b->vm->ndisks; i++) {
		const struct scn_disk *d = &b->vm->disks[i];
		const char *bus = d->iface ? d->iface : "virtio";
		char dev[8];

		/* vda, sdb, hdc...: the prefix libvirt expects for the bus */
		snprintf(dev, sizeof(dev), "%s%c",
			 !strcmp(bus, "virtio") ? "vd" : !strcmp(bus, "ide") ? "hd" : "sd",
			 (char)('a' + (int)(i % 26)));
		xf(b->o, "    <disk type='file' device='disk'>\n"
			 "      <driver name='qemu' type='%s'/>\n"
			 "      <source file='%s'/>\n"
			 "      <target dev='%s' bus='%s'/>\n    </disk>\n",
		   d->format ? d->format : "raw", d->file, dev, bus);
	}
	return 0;
}

static int dom_nets(struct dom_build *b)
{
	for (size_t i = 0; i < b->vm->nnets; i++) {
		const struct scn_net *n = &b->vm->nets[i];

		/* The nic's backend: type='user'; map_runnable refused tap. */
		if (n->kind != NET_NIC)
			continue;
		sb_puts(b->o, "    <interface type='user'>\n");
		if (n->mac)
			xf(b->o, "      <mac address='%s'/>\n", n->mac);
		xf(b->o, "      <model type='%s'/>\n    </interface>\n", nic_model(n->model));
	}
	return 0;
}

static void dom_vhost_user(struct dom_build *b, const struct scn_device *d, size_t v)
{
	map_vhost_path(&b->menv, d, &b->path);
	sb_puts(b->o, "    <interface type='vhostuser'>\n");
	if (d->mac)
		xf(b->o, "      <mac address='%s'/>\n", d->mac);
	xf(b->o, "      <source type='unix' path='%s' mode='client'/>\n"
		 "      <model type='virtio'/>\n",
	   b->path.buf);
	if (d->queues > 1)
		xf(b->o, "      <driver queues='%d'/>\n", d->queues);
	xf(b->o, "      <alias name='ua-vnet%zu'/>\n    </interface>\n", v);
	if (d->settings)
		strvec_pushf(b->notes, "vhost-user opt_settings '%s' has no domain "
				       "XML form here: not applied",
			     d->settings);
}

static int dom_passthrough(struct dom_build *b, const struct scn_device *d)
{
	const char *host = d->host;

	if (!strcmp(host, "lab")) {
		if (!b->e->pt_host)
			return map_cannot(b->why, "scenario '%s': passthrough of the "
					  "lab's device outside the lab VM",
					  b->s->name);
		host = b->e->pt_host;
	}
	if (d->kind == DEV_PCI_ASSIGN)
		strvec_push(b->notes, "pci-assign: libvirt chooses the backend of "
				      "<hostdev> (vfio)");
	return hostdev(b->o, host, b->pt++, b->why);
}

/* An SR-IOV VF where the run made it (the lab VM): a <hostdev> of it. */
static int dom_vf(struct dom_build *b, const struct scn_device *d)
{
	char bdf[32];

	if (!b->e->vf_bdf)
		return map_cannot(b->why, "scenario '%s': VF %d of host port %d "
				  "(line %d) outside the lab VM, which makes the VFs",
				  b->s->name, d->vf, d->pf, d->line);
	b->e->vf_bdf(d->pf, d->vf, bdf, sizeof(bdf));
	strvec_pushf(b->notes, "VF %d of host port %d (line %d): a <hostdev> of "
			       "%s, where the run makes it%s%s%s",
		     d->vf, d->pf, d->line, bdf, d->mac ? ", its MAC " : "",
		     d->mac ? d->mac : "", d->mac ? " set through the port" : "");
	return hostdev(b->o, bdf, b->pt++, b->why);
}

/* A host port by index where the run provides it (the lab VM): a <hostdev>. */
static int dom_pf(struct dom_build *b, const struct scn_device *d)
{
	char bdf[32];

	if (!b->e->pf_bdf)
		return map_cannot(b->why, "scenario '%s': host port %d (line %d: "
				  "pf_idx) outside the lab VM, which provides the ports",
				  b->s->name, d->pf, d->line);
	b->e->pf_bdf(d->pf, bdf, sizeof(bdf));
	strvec_pushf(b->notes, "host port %d (line %d): a <hostdev> of %s, where the "
			       "run provides it",
		     d->pf, d->line, bdf);
	return hostdev(b->o, bdf, b->pt++, b->why);
}

static int dom_devices(struct dom_build *b)
{
	for (size_t i = 0, v = 0; i < b->vm->ndevices; i++) {
		const struct scn_device *d = &b->vm->devices[i];

		switch (d->kind) {
		case DEV_VHOST_USER:
			dom_vhost_user(b, d, v++);
			break;
		case DEV_VFIO_PCI:
		case DEV_PCI_ASSIGN:
			if (dom_passthrough(b, d))
				return -1;
			break;
		case DEV_VIRTIO_NET_PCI:
			return map_cannot(b->why, "scenario '%s': a bare virtio-net-pci "
					  "device (opt_netdev) has no libvirt form",
					  b->s->name);
		case DEV_SRIOV_VF:
			if (dom_vf(b, d))
				return -1;
			break;
		case DEV_HOST_PF:
			if (dom_pf(b, d))
				return -1;
			break;
		}
	}
	return 0;
}

/* VNC, the guest agent, the console; <devices> closed. */
static int dom_devices_close(struct dom_build *b)
{
	const struct dom_env *e = b->e;

	if (b->vm->vnc >= 0) {
		xf(b->o, "    <graphics type='vnc' socket='%s/vnc.sock'/>\n", e->rundir);
		strvec_pushf(b->notes, "vnc displayNum=%d is served on a unix socket, "
				       "so that runs can go side by side",
			     b->vm->vnc);
	}
	if (b->vm->qga)
		xf(b->o, "    <channel type='unix'>\n"
			 "      <source mode='bind' path='%s/qga.sock'/>\n"
			 "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
			 "    </channel>\n",
		   e->rundir);
	xf(b->o, "    <serial type='file'>\n      <source path='%s'/>\n"
		 "      <target port='0'/>\n    </serial>\n",
	   e->console);
	sb_puts(b->o, "    <memballoon model='none'/>\n  </devices>\n");
	return 0;
}

/* ark's QEMU builds carry no firmware: the distribution's, as direct runs. */
static int dom_firmware(struct dom_build *b)
{
	const struct strvec *fw = b->e->firmware;

	if (fw && fw->nr) {
		sb_puts(b->o, "  <qemu:commandline>\n");
		for (size_t i = 0; i < fw->nr; i++)
			xf(b->o, "    <qemu:arg value='%s'/>\n", fw->v[i]);
		sb_puts(b->o, "  </qemu:commandline>\n");
		strvec_push(b->notes, "firmware directories passed with "
				      "<qemu:commandline> -L, as in direct runs");
	}
	sb_puts(b->o, "</domain>\n");
	return 0;
}

/* The domain's sections in document order; each returns 0 or -1 with why. */
static int (*const sections[])(struct dom_build *) = {
	dom_head,	  dom_cputune, dom_os,	    dom_cpu,	       dom_devices_open,
	dom_disks,	  dom_nets,    dom_devices, dom_devices_close, dom_firmware,
};

int domxml_build(const struct scenario *s, const struct dom_env *e,
		 struct strbuf *o, struct strvec *notes, struct strbuf *why)
{
	struct dom_build b = { s, s->vms, e, o, notes, why, { 0 }, STRBUF_INIT,
			       scenario_count_devices(s, DEV_VHOST_USER), 0 };
	int ret = 0;

	if (map_one_vm(s, why))
		return -1;
	b.menv.rundir = e->rundir;
	for (size_t i = 0; i < ARRAY_SIZE(sections) && !ret; i++)
		ret = sections[i](&b);
	strbuf_release(&b.path);
	return ret;
}
