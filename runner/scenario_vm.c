/*
 * The keys of a VM section (scenario.h): one row each in scn_vm_keys[],
 * with the options allowed and the function that keeps the value. The
 * keys are those DTS's hypervisor modules have a handler for (qemu_kvm,
 * qemu_libvirt, virt_scene) plus machine, user, pflash, start, kernel
 * and crypto of later DTS cfgs; what the runner does not act on gets a
 * note instead of an error.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "banned.h"

static int is_mac(const char *m)
{
	if (strlen(m) != 17)
		return 0;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return 0;
	return 1;
}

static int check_mac(struct scn_ctx *c, const char *name, const char *v)
{
	if (v && !is_mac(v))
		return scn_bad(c,
			       "bad MAC address '%s' for %s; expected "
			       "xx:xx:xx:xx:xx:xx (hex)",
			       v, name);
	return 0;
}

static int check_cpus(struct scn_ctx *c, const char *name, const char *v)
{
	if (strspn(v, "0123456789 ") != strlen(v) || !strpbrk(v, "0123456789"))
		return scn_bad(c,
			       "bad %s '%s'; expected host CPU numbers separated "
			       "by spaces",
			       name, v);
	return 0;
}

/* Options of an entry that DTS uses and the runner does not, with why. */
struct unused_opt {
	const char *name, *why;
};

static void note_unused(struct scn_ctx *c, const char *key,
			const struct scn_entry *e, const struct unused_opt *u,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = scn_opt(e, u[i].name);

		if (v)
			scn_note(c, "%s %s=%s is not used: %s", key, u[i].name, v,
				 u[i].why);
	}
}

static const struct unused_opt cpu_unused[] = {
	{ "numa", "the runner places vCPUs by cpupin only" },
	{ "numa_aware", "the runner places vCPUs by cpupin only" },
	{ "skipcores", "the runner reserves no host CPUs" },
	{ "cpu_topo", "the guest gets its vCPUs without a topology" },
};

static int vm_cpu(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_vm *vm = c->vm;
	const char *v, *pin = scn_opt(e, "cpupin");
	/* A DTS scene pins by cpu_pin (virt_scene.py), a suite by cpupin. */
	const char *scene_pin = scn_opt(e, "cpu_pin");
	long n;

	if ((v = scn_opt(e, "number"))) {
		if (scn_num(c, "cpu number", v, 1, 256, &n))
			return -1;
		vm->cpus = (int)n;
	}
	if ((scene_pin && check_cpus(c, "cpu_pin", scene_pin)) ||
	    (pin && check_cpus(c, "cpupin", pin)))
		return -1;
	if (pin || scene_pin)
		scn_set_str(&vm->cpupin, xstrdup(pin ? pin : scene_pin));
	if (scn_opt(e, "model"))
		scn_set_str(&vm->cpu_model, scn_dup_opt(e, "model"));
	note_unused(c, "cpu", e, cpu_unused, ARRAY_SIZE(cpu_unused));
	return 0;
}

static int vm_mem(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_vm *vm = c->vm;
	const char *v;

	if ((v = scn_opt(e, "size")) &&
	    scn_num(c, "mem size (MiB)", v, 16, 1048576, &vm->mem_mib))
		return -1;
	if ((v = scn_opt(e, "hugepage")) &&
	    scn_yesno(c, "mem hugepage", v, &vm->hugepages))
		return -1;
	return 0;
}

static int vm_disk(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_vm *vm = c->vm;
	struct scn_disk *d;

	if (!scn_opt(e, "file") || !*scn_opt(e, "file"))
		return scn_bad(c, "disk without file=; expected file=PATH");
	vm->disks = xrealloc(vm->disks, (vm->ndisks + 1) * sizeof(*vm->disks));
	d = &vm->disks[vm->ndisks++];
	d->file = scn_dup_opt(e, "file");
	/* DTS's libvirt module says type=raw for the disk's format. */
	d->format = scn_dup_opt(e, scn_opt(e, "opt_format") ? "opt_format" : "type");
	d->iface = scn_dup_opt(e, "opt_if");
	d->line = c->line;
	return 0;
}

static int vm_net(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_vm *vm = c->vm;
	enum scn_net_kind kind;
	struct scn_net *n;
	const char *type = scn_opt(e, "type"), *v, *mac;
	long vlan = 0;

	if (!type)
		return scn_bad(c, "net without type=; expected type=nic, user, "
				  "tap or bridge");
	if (!strcmp(type, "nic"))
		kind = NET_NIC;
	else if (!strcmp(type, "user"))
		kind = NET_USER;
	else if (!strcmp(type, "tap") || !strcmp(type, "bridge"))
		kind = NET_TAP;
	else
		return scn_bad(c,
			       "bad net type '%s'; expected nic, user, tap or "
			       "bridge",
			       type);
	if ((v = scn_opt(e, "opt_vlan")) &&
	    scn_num(c, "net opt_vlan", v, 0, INT_MAX, &vlan))
		return -1;
	mac = scn_opt(e, "opt_macaddr") ? scn_opt(e, "opt_macaddr")
					: scn_opt(e, "opt_mac");
	if (check_mac(c, "net", mac))
		return -1;
	vm->nets = xrealloc(vm->nets, (vm->nnets + 1) * sizeof(*vm->nets));
	n = &vm->nets[vm->nnets++];
	n->kind = kind;
	n->model = scn_dup_opt(e, "opt_model");
	n->mac = mac && *mac ? xstrdup(mac) : NULL;
	n->hostfwd = scn_dup_opt(e, "opt_hostfwd");
	n->bridge = scn_dup_opt(e, "opt_br");
	n->vlan = (int)vlan;
	n->line = c->line;
	return 0;
}

static struct scn_device *new_device(struct scn_ctx *c, enum scn_dev_kind kind)
{
	struct scn_vm *vm = c->vm;
	struct scn_device *d;

	vm->devices =
	    xrealloc(vm->devices, (vm->ndevices + 1) * sizeof(*vm->devices));
	d = &vm->devices[vm->ndevices++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->line = c->line;
	return d;
}

/*
 * A device DTS's scenes name by host port index (virt_scene.py): VF
 * vf_idx of port pf_dev, or port pf_idx itself; guestpci=auto leaves
 * the guest's slot to QEMU.
 */
static int vm_port_device(struct scn_ctx *c, const struct scn_entry *e,
			  enum scn_dev_kind kind)
{
	static const char *const vf_opts[] = { "vf_idx", "pf_dev", "guestpci",
					       "mac", NULL };
	static const char *const pf_opts[] = { "pf_idx", "guestpci", NULL };
	const char *slot = scn_opt(e, "guestpci");
	struct scn_device *d;
	long pf, vf = 0;

	if (kind == DEV_SRIOV_VF) {
		if (scn_allowed(c, "device vf_idx=", e, vf_opts))
			return -1;
		if (!scn_opt(e, "pf_dev"))
			return scn_bad(c, "VF device without pf_dev=; expected "
					  "vf_idx=N,pf_dev=M (VF N of host "
					  "port M)");
		if (scn_num(c, "device vf_idx", scn_opt(e, "vf_idx"), 0, 65535,
			    &vf) ||
		    scn_num(c, "device pf_dev", scn_opt(e, "pf_dev"), 0, 1023, &pf) ||
		    check_mac(c, "VF", scn_opt(e, "mac")))
			return -1;
	} else if (scn_allowed(c, "device pf_idx=", e, pf_opts) ||
		   scn_num(c, "device pf_idx", scn_opt(e, "pf_idx"), 0, 1023, &pf)) {
		return -1;
	}
	d = new_device(c, kind);
	d->pf = (int)pf;
	d->vf = (int)vf;
	d->mac = scn_dup_opt(e, "mac");
	if (slot && *slot && strcmp(slot, "auto"))
		d->addr = xstrdup(slot);
	return 0;
}

static const char *const vhost_user_opts[] = {
	"driver", "opt_path", "opt_mac", "opt_queue", "opt_settings",
	"opt_server", "opt_legacy", NULL
};
static const char *const passthrough_opts[] = {
	"driver", "opt_host", "opt_addr", NULL
};
static const char *const virtio_net_opts[] = {
	"driver", "opt_netdev", "opt_id", "opt_mac", "opt_bus",
	"opt_addr", "opt_settings", NULL
};

static const struct {
	const char *driver;
	enum scn_dev_kind kind;
	const char *const *opts;
} drivers[] = {
	{ "vhost-user", DEV_VHOST_USER, vhost_user_opts },
	{ "vfio-pci", DEV_VFIO_PCI, passthrough_opts },
	{ "pci-assign", DEV_PCI_ASSIGN, passthrough_opts },
	{ "virtio-net-pci", DEV_VIRTIO_NET_PCI, virtio_net_opts },
};

static int vm_device(struct scn_ctx *c, const struct scn_entry *e)
{
	static const char expected[] = "expected driver=vhost-user, vfio-pci, "
				       "pci-assign or virtio-net-pci";
	struct strbuf what = STRBUF_INIT;
	struct scn_device *d;
	const char *drv = scn_opt(e, "driver"), *v;
	long queues = 0;
	size_t i;
	int r;

	if (!drv && scn_opt(e, "vf_idx"))
		return vm_port_device(c, e, DEV_SRIOV_VF);
	if (!drv && scn_opt(e, "pf_idx"))
		return vm_port_device(c, e, DEV_HOST_PF);
	if (!drv)
		return scn_bad(c, "device without driver=; %s, or a host port's "
				  "VF (vf_idx=N,pf_dev=M) or the port itself "
				  "(pf_idx=N)",
			       expected);
	if (!strcmp(drv, "vhost-cuse"))
		return scn_bad(
		    c, "driver vhost-cuse was removed from DPDK (16.11) and "
		       "QEMU; expected driver=vhost-user");
	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(drivers[i].driver, drv))
			break;
	if (i == ARRAY_SIZE(drivers))
		return scn_bad(c, "unknown device driver '%s'; %s", drv, expected);
	sb_printf(&what, "device driver=%s", drv);
	r = scn_allowed(c, what.buf, e, drivers[i].opts);
	strbuf_release(&what);
	if (r)
		return -1;
	switch (drivers[i].kind) {
	case DEV_VHOST_USER:
		if (!scn_opt(e, "opt_path") || !*scn_opt(e, "opt_path"))
			return scn_bad(c, "vhost-user device without opt_path=; "
					  "expected opt_path=SOCKET");
		if ((v = scn_opt(e, "opt_queue")) &&
		    scn_num(c, "vhost-user opt_queue", v, 1, 64, &queues))
			return -1;
		break;
	case DEV_VFIO_PCI:
	case DEV_PCI_ASSIGN:
		v = scn_opt(e, "opt_host");
		if (!v || (strcmp(v, "lab") && !scn_is_bdf(v)))
			return scn_bad(c,
				       "bad opt_host '%s' for %s; expected a PCI "
				       "address (0000:07:10.0 or 07:10.0) or "
				       "'lab'",
				       v ? v : "", drv);
		break;
	case DEV_VIRTIO_NET_PCI:
	case DEV_SRIOV_VF:
	case DEV_HOST_PF:
		break;
	}
	if (check_mac(c, drv, scn_opt(e, "opt_mac")))
		return -1;
	d = new_device(c, drivers[i].kind);
	d->path = scn_dup_opt(e, "opt_path");
	d->mac = scn_dup_opt(e, "opt_mac");
	d->host = scn_dup_opt(e, "opt_host");
	d->addr = scn_dup_opt(e, "opt_addr");
	d->netdev = scn_dup_opt(e, "opt_netdev");
	d->settings = scn_dup_opt(e, "opt_settings");
	d->queues = (int)queues;
	return 0;
}

/* dev_gen = pf_idx=N,vf_num=M,driver=D (a DTS scene makes the VFs). */
static int vm_dev_gen(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_vm *vm = c->vm;
	struct scn_vf_gen *g;
	const char *drv = scn_opt(e, "driver");
	long pf, vfs = 1;

	if (scn_num(c, "dev_gen pf_idx", scn_opt(e, "pf_idx"), 0, 1023, &pf))
		return -1;
	if (scn_opt(e, "vf_num") &&
	    scn_num(c, "dev_gen vf_num", scn_opt(e, "vf_num"), 0, 65535, &vfs))
		return -1;
	/* DTS fails on it (virt_scene.py names the driver it has not got). */
	if (!drv || !*drv)
		return scn_bad(c, "dev_gen without driver=; expected driver=default, "
				  "igb_uio or vfio-pci (the port's host driver)");
	if (!scn_opt(e, "vf_num"))
		scn_note(c, "dev_gen pf_idx=%ld has no vf_num: one VF, as DTS "
			    "assumes",
			 pf);
	vm->vf_gens =
	    xrealloc(vm->vf_gens, (vm->nvf_gens + 1) * sizeof(*vm->vf_gens));
	g = &vm->vf_gens[vm->nvf_gens++];
	g->pf = (int)pf;
	g->vfs = (int)vfs;
	g->driver = xstrdup(drv);
	g->line = c->line;
	return 0;
}

static int vm_vnc(struct scn_ctx *c, const struct scn_entry *e)
{
	long n;

	if (scn_num(c, "vnc displayNum", scn_opt(e, "displayNum"), 0, 65535, &n))
		return -1;
	c->vm->vnc = (int)n;
	return 0;
}

static int vm_qga(struct scn_ctx *c, const struct scn_entry *e)
{
	return scn_yesno(c, "qga enable", scn_opt(e, "enable"), &c->vm->qga);
}

static int vm_login(struct scn_ctx *c, const struct scn_entry *e)
{
	if (scn_opt(e, "user"))
		scn_set_str(&c->vm->login_user, scn_dup_opt(e, "user"));
	if (scn_opt(e, "password"))
		scn_set_str(&c->vm->login_password, scn_dup_opt(e, "password"));
	return 0;
}

static int vm_usercmd(struct scn_ctx *c, const struct scn_entry *e)
{
	scn_set_str(&c->vm->usercmd, scn_dup_opt(e, "cmd"));
	return 0;
}

static int vm_qemu(struct scn_ctx *c, const struct scn_entry *e)
{
	if (scn_opt(e, "path"))
		scn_set_str(&c->vm->qemu_path, scn_dup_opt(e, "path"));
	return 0;
}

static int vm_machine(struct scn_ctx *c, const struct scn_entry *e)
{
	const char *v = scn_opt(e, "machine");

	if (!v || (strcmp(v, "q35") && strcmp(v, "pc") &&
		   !skip_prefix(v, "pc-q35-", NULL) &&
		   !skip_prefix(v, "pc-i440fx-", NULL)))
		return scn_bad(c,
			       "bad machine '%s'; expected q35, pc, pc-q35-X.Y "
			       "or pc-i440fx-X.Y",
			       v ? v : "");
	scn_set_str(&c->vm->machine, xstrdup(v));
	return 0;
}

#define LOGIN_NOTE "is not used: nobody logs into the guest, its /init runs the checks"

const struct scn_key scn_vm_keys[] = {
	{ "cpu",
	  OPTS("model", "number", "cpupin", "numa", "numa_aware", "skipcores",
	       "cpu_topo", "cpu_pin"),
	  vm_cpu, NULL },
	{ "mem", OPTS("size", "hugepage"), vm_mem, NULL },
	{ "disk",
	  OPTS("file", "opt_format", "opt_if", "opt_index", "opt_media", "type"),
	  vm_disk, NULL },
	{ "net",
	  OPTS("type", "opt_vlan", "opt_model", "opt_macaddr", "opt_mac",
	       "opt_hostfwd", "opt_addr", "opt_vectors", "opt_name", "opt_br",
	       "opt_script", "opt_downscript"),
	  vm_net, NULL },
	{ "device", NULL, vm_device, NULL },
	{ "vnc", OPTS("displayNum"), vm_vnc, NULL },
	{ "qga", OPTS("enable"), vm_qga, NULL },
	{ "login", OPTS("user", "password"), vm_login, LOGIN_NOTE },
	{ "user", OPTS("user", "password"), vm_login, LOGIN_NOTE },
	{ "usercmd", OPTS("cmd"), vm_usercmd, "is recorded, never run" },
	{ "machine", OPTS("machine", "opt_gic_version"), vm_machine, NULL },
	{ "qemu", NULL, vm_qemu, "is noted; the QEMU under test is used instead" },
	{ "daemon", NULL, NULL,
	  "is not used: the runner keeps QEMU in the foreground" },
	{ "name", NULL, NULL, "is not used: the runner names the guest" },
	{ "enable_kvm", NULL, NULL,
	  "is not used: the runner tries KVM and falls back to TCG" },
	{ "pflash", NULL, NULL,
	  "is not used: the guest boots the host's kernel, without firmware" },
	{ "start", NULL, NULL,
	  "is not used: the runner starts the guest and waits for its checks" },
	{ "serial_port", NULL, NULL,
	  "is not used: the runner reads the guest's serial console itself" },
	{ "monitor", NULL, NULL,
	  "is not used: the runner talks to QEMU on its own QMP socket" },
	{ "pid_file", NULL, NULL, "is not used: the runner holds QEMU's pid" },
	{ "migration", NULL, NULL,
	  "is not used: live migration is 'virt-matrix migrate'" },
	{ "kernel", NULL, NULL, "is not used: the guest boots the host's kernel" },
	{ "crypto", NULL, NULL, "is not used: the runner adds no crypto devices" },
	{ "dev_gen", OPTS("pf_idx", "vf_num", "driver"), vm_dev_gen,
	  "is made, for a VM that gets one of these VFs, in the nested lab VM "
	  "on QEMU's igb" },
	{ "virtio_serial_channel", NULL, NULL,
	  "is not used: the guest gets the guest agent's channel only" },
	{ NULL, NULL, NULL, NULL }
};

void scn_vm_start(struct scn_ctx *c, const char *name, int line)
{
	struct scenario *s = c->s;
	struct scn_vm *vm;

	s->vms = xrealloc(s->vms, (s->nvms + 1) * sizeof(*s->vms));
	vm = &s->vms[s->nvms++];
	memset(vm, 0, sizeof(*vm));
	vm->name = xstrdup(name);
	vm->line = line;
	vm->machine = xstrdup("q35");
	vm->cpus = 1;
	vm->mem_mib = 512;
	vm->vnc = -1;
	c->vm = vm;
}

void scn_vm_release(struct scn_vm *vm)
{
	free(vm->name);
	free(vm->machine);
	free(vm->cpu_model);
	free(vm->cpupin);
	free(vm->login_user);
	free(vm->login_password);
	free(vm->usercmd);
	free(vm->qemu_path);
	for (size_t i = 0; i < vm->ndisks; i++) {
		free(vm->disks[i].file);
		free(vm->disks[i].format);
		free(vm->disks[i].iface);
	}
	free(vm->disks);
	for (size_t i = 0; i < vm->nnets; i++) {
		free(vm->nets[i].model);
		free(vm->nets[i].mac);
		free(vm->nets[i].hostfwd);
		free(vm->nets[i].bridge);
	}
	free(vm->nets);
	for (size_t i = 0; i < vm->ndevices; i++) {
		struct scn_device *d = &vm->devices[i];

		free(d->path);
		free(d->mac);
		free(d->host);
		free(d->addr);
		free(d->netdev);
		free(d->settings);
	}
	free(vm->devices);
	for (size_t i = 0; i < vm->nvf_gens; i++)
		free(vm->vf_gens[i].driver);
	free(vm->vf_gens);
	strvec_clear(&vm->notes);
	memset(vm, 0, sizeof(*vm));
}

size_t scn_vm_count_devices(const struct scn_vm *vm, enum scn_dev_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < vm->ndevices; i++)
		n += vm->devices[i].kind == k;
	return n;
}
