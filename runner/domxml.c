/*
 * Scenario to libvirt domain XML (see domxml.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
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

int domxml_build(const struct scenario *s, const struct dom_env *e,
		 struct strbuf *o, struct strvec *notes, struct strbuf *why)
{
	const char *machine = s->machine ? s->machine : "q35";
	long mem = s->mem_mib > 0 ? s->mem_mib : 512;
	int cpus = s->cpus > 0 ? s->cpus : 1;
	size_t vhost = scenario_count_devices(s, DEV_VHOST_USER), pt = 0;
	struct strbuf path = STRBUF_INIT;
	struct map_env menv;
	int ret = -1;

	memset(&menv, 0, sizeof(menv));
	menv.rundir = e->rundir;
	xf(o, "<domain type='%s' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
	      "  <name>%s</name>\n",
	   e->virttype, e->name);
	xf(o, "  <memory unit='MiB'>%ld</memory>\n", mem);
	if (s->hugepages)
		sb_puts(o, "  <memoryBacking>\n    <hugepages/>\n"
			   "    <access mode='shared'/>\n  </memoryBacking>\n");
	else if (vhost)
		sb_puts(o, "  <memoryBacking>\n    <source type='memfd'/>\n"
			   "    <access mode='shared'/>\n  </memoryBacking>\n");
	xf(o, "  <vcpu placement='static'>%d</vcpu>\n", cpus);
	if (s->cpupin) {
		const char *c = s->cpupin;

		sb_puts(o, "  <cputune>\n");
		for (int i = 0; i < cpus && *c; i++) {
			size_t len = strcspn(c, " ");
			char host[16];

			snprintf(host, sizeof(host), "%.*s", (int)(len < 15 ? len : 15), c);
			xf(o, "    <vcpupin vcpu='%d' cpuset='%s'/>\n", i, host);
			c += len;
			c += strspn(c, " ");
		}
		sb_puts(o, "  </cputune>\n");
	}
	xf(o, "  <os>\n    <type arch='x86_64' machine='%s'>hvm</type>\n", machine);
	if (e->kernel)
		xf(o, "    <kernel>%s</kernel>\n    <initrd>%s</initrd>\n"
		      "    <cmdline>%s</cmdline>\n",
		   e->kernel, e->initrd, e->cmdline);
	sb_puts(o, "  </os>\n");
	sb_puts(o, "  <features>\n    <acpi/>\n  </features>\n");
	if (s->cpu_model) {
		if (!strcmp(s->cpu_model, "host") && !strcmp(e->virttype, "kvm"))
			sb_puts(o, "  <cpu mode='host-passthrough'/>\n");
		else if (!strcmp(s->cpu_model, "host")) {
			sb_puts(o, "  <cpu mode='maximum'/>\n");
			strvec_push(notes, "cpu model=host needs KVM; under TCG it is "
					   "<cpu mode='maximum'> (libvirt >= 7.1)");
		} else
			xf(o, "  <cpu mode='custom' match='exact' check='none'>\n"
			      "    <model fallback='forbid'>%s</model>\n  </cpu>\n",
			   s->cpu_model);
	}
	sb_puts(o, "  <on_poweroff>destroy</on_poweroff>\n"
		   "  <on_reboot>destroy</on_reboot>\n"
		   "  <on_crash>destroy</on_crash>\n  <devices>\n");
	xf(o, "    <emulator>%s</emulator>\n", e->emulator);
	for (size_t i = 0; i < s->ndisks; i++) {
		const struct scn_disk *d = &s->disks[i];

		const char *bus = d->iface ? d->iface : "virtio";
		char dev[8];

		/* vda, sdb, hdc...: the prefix libvirt expects for the bus */
		snprintf(dev, sizeof(dev), "%s%c",
			 !strcmp(bus, "virtio") ? "vd" : !strcmp(bus, "ide") ? "hd" : "sd",
			 (char)('a' + (int)(i % 26)));
		xf(o, "    <disk type='file' device='disk'>\n"
		      "      <driver name='qemu' type='%s'/>\n"
		      "      <source file='%s'/>\n"
		      "      <target dev='%s' bus='%s'/>\n    </disk>\n",
		   d->format ? d->format : "raw", d->file, dev, bus);
	}
	for (size_t i = 0; i < s->nnets; i++) {
		const struct scn_net *n = &s->nets[i];

		if (n->kind == NET_TAP) {
			map_cannot(why, "scenario '%s': tap networking needs a host "
				    "bridge, which the runner does not set up",
			       s->name);
			goto out;
		}
		if (n->kind == NET_USER) /* the nic's backend: type='user' */
			continue;
		sb_puts(o, "    <interface type='user'>\n");
		if (n->mac)
			xf(o, "      <mac address='%s'/>\n", n->mac);
		xf(o, "      <model type='%s'/>\n    </interface>\n", nic_model(n->model));
	}
	for (size_t i = 0, v = 0; i < s->ndevices; i++) {
		const struct scn_device *d = &s->devices[i];
		const char *host;

		switch (d->kind) {
		case DEV_VHOST_USER:
			map_vhost_path(&menv, d, &path);
			sb_puts(o, "    <interface type='vhostuser'>\n");
			if (d->mac)
				xf(o, "      <mac address='%s'/>\n", d->mac);
			xf(o, "      <source type='unix' path='%s' mode='client'/>\n"
			      "      <model type='virtio'/>\n",
			   path.buf);
			if (d->queues > 1)
				xf(o, "      <driver queues='%d'/>\n", d->queues);
			xf(o, "      <alias name='ua-vnet%zu'/>\n    </interface>\n", v);
			if (d->settings)
				strvec_pushf(notes, "vhost-user opt_settings '%s' has no "
						    "domain XML form here: not applied",
					     d->settings);
			v++;
			break;
		case DEV_VFIO_PCI:
		case DEV_PCI_ASSIGN:
			host = d->host;
			if (!strcmp(host, "lab")) {
				if (!e->pt_host) {
					map_cannot(why, "scenario '%s': passthrough of the "
						    "lab's device outside the lab VM",
					       s->name);
					goto out;
				}
				host = e->pt_host;
			}
			if (d->kind == DEV_PCI_ASSIGN)
				strvec_push(notes, "pci-assign: libvirt chooses the "
						   "backend of <hostdev> (vfio)");
			if (hostdev(o, host, pt++, why))
				goto out;
			break;
		case DEV_VIRTIO_NET_PCI:
			map_cannot(why, "scenario '%s': a bare virtio-net-pci device "
				    "(opt_netdev) has no libvirt form",
			       s->name);
			goto out;
		}
	}
	if (s->vnc >= 0) {
		xf(o, "    <graphics type='vnc' socket='%s/vnc.sock'/>\n", e->rundir);
		strvec_pushf(notes, "vnc displayNum=%d is served on a unix socket, "
				    "so that runs can go side by side",
			     s->vnc);
	}
	if (s->qga)
		xf(o, "    <channel type='unix'>\n"
		      "      <source mode='bind' path='%s/qga.sock'/>\n"
		      "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
		      "    </channel>\n",
		   e->rundir);
	xf(o, "    <serial type='file'>\n      <source path='%s'/>\n"
	      "      <target port='0'/>\n    </serial>\n",
	   e->console);
	sb_puts(o, "    <memballoon model='none'/>\n  </devices>\n");
	if (e->firmware && e->firmware->nr) {
		/* ark's QEMU builds carry no firmware: the distribution's, as direct runs. */
		sb_puts(o, "  <qemu:commandline>\n");
		for (size_t i = 0; i < e->firmware->nr; i++)
			xf(o, "    <qemu:arg value='%s'/>\n", e->firmware->v[i]);
		sb_puts(o, "  </qemu:commandline>\n");
		strvec_push(notes, "firmware directories passed with <qemu:commandline> -L, "
				   "as in direct runs");
	}
	sb_puts(o, "</domain>\n");
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}
