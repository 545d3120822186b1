/*
 * The nested lab VM for passthrough (its e1000e, or igb ports with
 * SR-IOV VFs), and the checks made from outside a stopped guest over QMP
 * (see lab.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "qmp.h"
#include "banned.h"

static const char *const lab_mods[] = {
	"virtio_pci", "9pnet_virtio", "9p", "vfio_pci", "vfio_iommu_type1",
};

void lab_modules(struct strvec *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(lab_mods); i++)
		strvec_push(out, lab_mods[i]);
}

void lab_vf_modules(struct strvec *out)
{
	lab_modules(out);
	strvec_push(out, "igb");
}

/* The routing id (bus 0) of host port port, and of its VF vf. */
static unsigned port_devfn(int port)
{
	return (unsigned)(LAB_PORT_SLOT0 + 2 * port) << 3;
}

static void devfn_bdf(unsigned devfn, char *out, size_t size)
{
	snprintf(out, size, "0000:00:%02x.%x", devfn >> 3 & 0x1f, devfn & 7);
}

void lab_port_bdf(int port, char *out, size_t size)
{
	devfn_bdf(port_devfn(port), out, size);
}

void lab_vf_bdf(int port, int vf, char *out, size_t size)
{
	devfn_bdf(port_devfn(port) + LAB_VF_OFFSET + LAB_VF_STRIDE * (unsigned)vf,
		  out, size);
}

int lab_vf_runnable(const struct scenario *s, const struct scn_device *d,
		    struct strbuf *why)
{
	const struct scn_vm *vm = &s->vms[0];

	const char *what_d = d->kind == DEV_HOST_PF ? "a host port" : "SR-IOV VFs";

	if (d->pf >= LAB_PORTS_MAX && d->kind == DEV_HOST_PF) {
		sb_printf(why, "host port %d (line %d: pf_idx=%d) is not run: the "
			       "runner gives host ports from the nested lab VM, whose "
			       "igb ports are 0 to %d",
			  d->pf, d->line, d->pf, LAB_PORTS_MAX - 1);
		return -1;
	}
	if (d->pf >= LAB_PORTS_MAX) {
		sb_printf(why, "VF %d of host port %d (line %d) is not run: the runner "
			       "makes VFs in the nested lab VM, whose igb ports are "
			       "0 to %d",
			  d->vf, d->pf, d->line, LAB_PORTS_MAX - 1);
		return -1;
	}
	if (d->kind == DEV_HOST_PF && scenario_vf_gen(s, d->pf)) {
		sb_printf(why, "host port %d (line %d: pf_idx=%d) is given to the VM "
			       "and makes VFs too (dev_gen, line %d): the lab binds "
			       "a port to vfio-pci or makes its VFs, not both",
			  d->pf, d->line, d->pf, scenario_vf_gen(s, d->pf)->line);
		return -1;
	}
	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].nvf_gens; i++) {
			const struct scn_vf_gen *g = &s->vms[k].vf_gens[i];

			if (g->pf >= LAB_PORTS_MAX) {
				sb_printf(why, "dev_gen pf_idx=%d (line %d) is not run: "
					       "the runner makes VFs in the nested lab "
					       "VM, whose igb ports are 0 to %d",
					  g->pf, g->line, LAB_PORTS_MAX - 1);
				return -1;
			}
			if (g->vfs > LAB_PORT_VFS) {
				sb_printf(why, "dev_gen pf_idx=%d (line %d) asks for %d "
					       "VFs: the runner makes VFs in the nested "
					       "lab VM on QEMU's igb (82576), which has "
					       "at most %d per port",
					  g->pf, g->line, g->vfs, LAB_PORT_VFS);
				return -1;
			}
		}
	for (size_t i = 0; i < vm->ndevices; i++) {
		const struct scn_device *o = &vm->devices[i];
		const char *what = o->kind == DEV_VFIO_PCI	  ? "a vfio-pci device"
				   : o->kind == DEV_PCI_ASSIGN	  ? "a pci-assign device"
				   : o->kind == DEV_VHOST_USER	  ? "a vhost-user device"
								  : NULL;

		if (what) {
			sb_printf(why, "%s (line %d) beside %s (line %d) is not "
				       "run: the nested lab VM that makes the VFs has "
				       "no other device to pass through and no "
				       "vhost-user backend",
				  what, o->line, what_d, d->line);
			return -1;
		}
	}
	return 0;
}

size_t lab_vf_plan(const struct scenario *s, struct strbuf *out, int *ports,
		   struct strvec *notes)
{
	const struct scn_vm *vm = s->nvms ? &s->vms[0] : NULL;
	char pf[16], bdf[16];
	size_t n = 0;

	*ports = 0;
	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].nvf_gens; i++) {
			const struct scn_vf_gen *g = &s->vms[k].vf_gens[i];

			/* The first dev_gen of a port is the one DTS acts on. */
			if (scenario_vf_gen(s, g->pf) != g)
				continue;
			lab_port_bdf(g->pf, pf, sizeof(pf));
			sb_printf(out, "port %d %s %d\n", g->pf, pf, g->vfs);
			if (g->pf + 1 > *ports)
				*ports = g->pf + 1;
			if (g->driver && strcmp(g->driver, "default"))
				strvec_pushf(notes, "dev_gen pf_idx=%d (line %d) has "
						    "driver=%s: the lab makes the VFs "
						    "with the kernel's igb driver on the "
						    "port (DTS binds the port to %s first)",
					     g->pf, g->line, g->driver, g->driver);
		}
	for (size_t i = 0; vm && i < vm->ndevices; i++) {
		const struct scn_device *d = &vm->devices[i];

		if (d->kind == DEV_HOST_PF) {
			/* The port itself, given to L2: no VFs made on it. */
			lab_port_bdf(d->pf, pf, sizeof(pf));
			sb_printf(out, "pf %d %s\n", d->pf, pf);
			if (d->pf + 1 > *ports)
				*ports = d->pf + 1;
			n++;
			continue;
		}
		if (d->kind != DEV_SRIOV_VF)
			continue;
		lab_port_bdf(d->pf, pf, sizeof(pf));
		lab_vf_bdf(d->pf, d->vf, bdf, sizeof(bdf));
		sb_printf(out, "vf %d %d %s %s %s\n", d->pf, d->vf, pf, bdf,
			  d->mac ? d->mac : "-");
		n++;
	}
	return n;
}

/*
 * The lab's /init is runner/lab-init.sh, embedded here at build time
 * (the Makefile makes lab.o depend on it), NUL-terminated.
 */
__asm__(".section .rodata\n"
	".global vm_lab_init_sh\n"
	".type vm_lab_init_sh, @object\n"
	"vm_lab_init_sh:\n"
	".incbin \"runner/lab-init.sh\"\n"
	".byte 0\n"
	".size vm_lab_init_sh, . - vm_lab_init_sh\n"
	".previous\n");
extern const char vm_lab_init_sh[];

/* What each @NAME@ of lab-init.sh stands for. */
static const struct {
	const char *name, *value;
} lab_init_vars[] = {
	{ "GUEST_BEGIN", GUEST_BEGIN },
	{ "GUEST_END", GUEST_END },
	{ "LAB_EXIT", LAB_EXIT },
	{ "LAB_RUNDIR", LAB_RUNDIR },
	{ "LAB_PT_BDF", LAB_PT_BDF },
	{ "LAB_ARGV_FILE", LAB_ARGV_FILE },
	{ "LAB_QMP_IN", LAB_QMP_IN },
	{ "LAB_QMP_OUT", LAB_QMP_OUT },
	{ "LAB_L2_ERR", LAB_L2_ERR },
	{ "LAB_LIBVIRT_FILE", LAB_LIBVIRT_FILE },
	{ "LAB_DOMAIN_XML", LAB_DOMAIN_XML },
	{ "LAB_LIVE_XML", LAB_LIVE_XML },
	{ "LAB_L2_CMDLINE", LAB_L2_CMDLINE },
	{ "LAB_VIRSH_LOG", LAB_VIRSH_LOG },
	{ "LAB_DAEMON_LOG", LAB_DAEMON_LOG },
	{ "LAB_VF_FILE", LAB_VF_FILE },
	{ "LAB_VF_READY", LAB_VF_READY },
};

/* A comment line of the template: blanks, then '#' and a blank or its end. */
static int comment_line(const char *line, size_t len)
{
	size_t i = strspn(line, " \t");

	return i < len && line[i] == '#' && (i + 1 == len || line[i + 1] == ' ' ||
					     line[i + 1] == '\n');
}

/* One line of the template into o, each @NAME@ replaced ("$@" is the shell's). */
static void lab_init_line(struct strbuf *o, const char *line, size_t len)
{
	static const char name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	for (size_t i = 0; i < len; i++) {
		size_t n = line[i] == '@' ? strspn(line + i + 1, name_chars) : 0;
		size_t k;

		if (!n || i + 1 + n >= len || line[i + 1 + n] != '@') {
			sb_printf(o, "%c", line[i]);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(lab_init_vars); k++)
			if (strlen(lab_init_vars[k].name) == n &&
			    !strncmp(lab_init_vars[k].name, line + i + 1, n))
				break;
		if (k == ARRAY_SIZE(lab_init_vars))
			die("runner/lab-init.sh: unknown placeholder @%.*s@", (int)n,
			    line + i + 1);
		sb_puts(o, lab_init_vars[k].value);
		i += n + 1;
	}
}

void lab_init_script(struct strbuf *o)
{
	const char *line = vm_lab_init_sh;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);

		if (line == vm_lab_init_sh || !comment_line(line, len))
			lab_init_line(o, line, len);
		line += len;
	}
}

void lab_argv(const struct lab_env *e, struct strvec *argv)
{
	/* Room for L2's RAM (vfio pins all of it) on top of the lab's own. */
	long mem = 512 + (e->l2_mem_mib > 0 ? e->l2_mem_mib : 512);

	strvec_pushv(argv, (const char *const[]){
		"-machine", "q35", "-accel", "tcg", "-smp", "2",
		/* The IOMMU must exist before the devices behind it. */
		"-device", "intel-iommu", NULL });
	strvec_push(argv, "-m");
	strvec_pushf(argv, "%ld", mem);
	if (!e->ports)
		strvec_pushv(argv, (const char *const[]){ "-device", "e1000e,addr=05.0",
							  NULL });
	for (int i = 0; i < e->ports; i++) {
		strvec_push(argv, "-device");
		strvec_pushf(argv, "igb,addr=%02x.0,id=port%d", LAB_PORT_SLOT0 + 2 * i, i);
	}
	strvec_pushv(argv, (const char *const[]){
		"-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on",
		"-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=06.0",
		NULL });
	strvec_push(argv, "-fsdev");
	strvec_pushf(argv, "local,id=vmxrun,path=%s,security_model=none", e->rundir);
	strvec_pushv(argv, (const char *const[]){
		"-device", "virtio-9p-pci,fsdev=vmxrun,mount_tag=vmxrun,addr=07.0",
		"-kernel", e->kernel, "-initrd", e->initrd, "-append",
		GUEST_CMDLINE " intel_iommu=on",
		"-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
		"-no-reboot", NULL });
}

void inspect_qmp_script(struct strbuf *o)
{
	sb_puts(o, "{\"execute\":\"qmp_capabilities\",\"id\":\"caps\"}\n"
		   "{\"execute\":\"query-pci\",\"id\":\"pci\"}\n"
		   "{\"execute\":\"query-cpus-fast\",\"id\":\"cpus\"}\n"
		   "{\"execute\":\"query-memory-size-summary\",\"id\":\"mem\"}\n"
		   "{\"execute\":\"quit\",\"id\":\"quit\"}\n");
}

int inspect_parse(const char *log, size_t len, struct inspect_answers *a)
{
	json_tokener *tok = json_tokener_new();
	size_t off = 0;

	memset(a, 0, sizeof(*a));
	while (off < len) {
		json_object *o, *id, *ret;
		size_t used;

		/* Skip to the next object; anything else is not QMP. */
		while (off < len && log[off] != '{')
			off++;
		if (off >= len)
			break;
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, log + off, (int)(len - off > 1 << 30 ? 1 << 30 : len - off));
		used = (size_t)json_tokener_get_parse_end(tok);
		if (!o) {
			off += used ? used : 1;
			continue;
		}
		off += used;
		id = qmp_get(o, "id", json_type_string);
		if (id && json_object_object_get_ex(o, "return", &ret)) {
			const char *name = json_object_get_string(id);
			json_object **slot = !strcmp(name, "pci") ? &a->pci
					     : !strcmp(name, "cpus") ? &a->cpus
					     : !strcmp(name, "mem") ? &a->mem : NULL;

			if (slot && !*slot)
				*slot = json_object_get(ret);
		}
		json_object_put(o);
	}
	json_tokener_free(tok);
	return a->pci ? 0 : -1;
}

void inspect_answers_release(struct inspect_answers *a)
{
	json_object_put(a->pci);
	json_object_put(a->cpus);
	json_object_put(a->mem);
	memset(a, 0, sizeof(*a));
}

static long jint(json_object *o, const char *key)
{
	return (long)qmp_get_int(o, key, -1);
}

/* Calls fn for every device on every bus, behind bridges too. */
static void pci_walk_bus(json_object *devices,
			 void (*fn)(json_object *dev, void *arg), void *arg,
			 int depth)
{
	size_t n = devices && json_object_is_type(devices, json_type_array)
			   ? json_object_array_length(devices) : 0;

	if (depth > 32)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *dev = json_object_array_get_idx(devices, i), *br, *sub;

		fn(dev, arg);
		/* PciBridgeInfo: { bus: PciBusInfo, devices: [...] } */
		br = qmp_get(dev, "pci_bridge", json_type_object);
		sub = qmp_get(br, "devices", json_type_array);
		if (sub)
			pci_walk_bus(sub, fn, arg, depth + 1);
	}
}

static void pci_walk(json_object *pci, void (*fn)(json_object *, void *), void *arg)
{
	size_t n = pci && json_object_is_type(pci, json_type_array)
			   ? json_object_array_length(pci) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *devs = qmp_get(json_object_array_get_idx(pci, i),
					    "devices", json_type_array);

		if (devs)
			pci_walk_bus(devs, fn, arg, 0);
	}
}

static void dev_id(json_object *dev, char *out, size_t size)
{
	json_object *id = qmp_get(dev, "id", json_type_object);

	if (id)
		snprintf(out, size, "%04lx:%04lx", jint(id, "vendor"),
			 jint(id, "device"));
	else
		snprintf(out, size, "?");
}

struct count_id {
	const char *want;
	long got;
};

static void count_id(json_object *dev, void *arg)
{
	struct count_id *c = arg;
	char id[16];

	dev_id(dev, id, sizeof(id));
	/* want: one id, or alternatives joined by '|' */
	for (const char *w = c->want; *w; w += w[9] ? 10 : 9)
		if (!strncmp(w, id, 9)) {
			c->got++;
			break;
		}
}

struct find_qdev {
	const char *qdev;
	char id[16];
	long bus, slot, fn;
	int found;
};

static void find_qdev(json_object *dev, void *arg)
{
	struct find_qdev *f = arg;
	const char *q = qmp_get_string(dev, "qdev_id");

	/* libvirt gives the scenario's alias its user prefix: ua-pt_N. */
	if (f->found || !q ||
	    (strcmp(q, f->qdev) && (strncmp(q, "ua-", 3) || strcmp(q + 3, f->qdev))))
		return;
	f->found = 1;
	dev_id(dev, f->id, sizeof(f->id));
	f->bus = jint(dev, "bus");
	f->slot = jint(dev, "slot");
	f->fn = jint(dev, "function");
}

static void add_check(struct guest_outcome *o, size_t *alloc, const char *kind,
		      int pass, const char *fmt, ...) VM_PRINTF(5, 6);
static void add_check(struct guest_outcome *o, size_t *alloc, const char *kind,
		      int pass, const char *fmt, ...)
{
	struct guest_check *c;
	va_list ap;

	o->checks = xgrow(o->checks, sizeof(*o->checks), o->nchecks + 1, alloc);
	c = &o->checks[o->nchecks++];
	memset(c, 0, sizeof(*c));
	c->n = (int)o->nchecks;
	snprintf(c->kind, sizeof(c->kind), "%s", kind);
	c->pass = pass;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	if (pass)
		o->passed++;
	else
		o->failed++;
}

void inspect_eval(const struct scenario *s, const struct inspect_answers *a,
		  const char *pt_id, const char *vf_id, struct guest_outcome *o)
{
	size_t alloc = 0, pt = 0;

	memset(o, 0, sizeof(*o));
	o->begun = 1;
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct scn_check *c = &s->checks[i];

		switch (c->kind) {
		case CHECK_PCI: {
			struct count_id ci = { c->id, 0 };

			pci_walk(a->pci, count_id, &ci);
			add_check(o, &alloc, "pci", a->pci && ci.got == c->count,
				  "id=%s want=%ld got=%ld (query-pci)", c->id,
				  c->count, ci.got);
			break;
		}
		case CHECK_CPUS: {
			long got = a->cpus && json_object_is_type(a->cpus, json_type_array)
					   ? (long)json_object_array_length(a->cpus) : -1;

			add_check(o, &alloc, "cpus", got == c->count,
				  "want=%ld got=%ld (query-cpus-fast)", c->count, got);
			break;
		}
		case CHECK_MEM: {
			long got = a->mem ? jint(a->mem, "base-memory") : -1;

			if (got > 0)
				got >>= 20;
			add_check(o, &alloc, "mem",
				  got >= c->min && (!c->max || got <= c->max),
				  "min=%ld max=%ld got=%ld (query-memory-size-summary)",
				  c->min, c->max, got);
			break;
		}
		case CHECK_LINK:
		case CHECK_TRAFFIC:
			add_check(o, &alloc, c->kind == CHECK_LINK ? "link" : "traffic",
				  0, "needs a booted guest; a passthrough scenario "
				     "is checked over QMP with the guest stopped");
			break;
		}
	}
	for (size_t i = 0; i < s->vms[0].ndevices; i++) {
		enum scn_dev_kind k = s->vms[0].devices[i].kind;
		const char *want = k == DEV_SRIOV_VF ? vf_id : k == DEV_HOST_PF ? LAB_PF_ID
											: pt_id;
		char qdev[16];
		struct find_qdev f;

		if (k != DEV_VFIO_PCI && k != DEV_PCI_ASSIGN && k != DEV_SRIOV_VF &&
		    k != DEV_HOST_PF)
			continue;
		memset(&f, 0, sizeof(f));
		snprintf(qdev, sizeof(qdev), "pt_%zu", pt++);
		f.qdev = qdev;
		pci_walk(a->pci, find_qdev, &f);
		if (!f.found)
			add_check(o, &alloc, "passthrough", 0,
				  "%s: no such device in query-pci", qdev);
		else
			add_check(o, &alloc, "passthrough", !want || !strcmp(want, f.id),
				  "%s: %s at %02lx:%02lx.%lx%s%s", qdev, f.id, f.bus,
				  f.slot, f.fn, want ? " want " : "", want ? want : "");
	}
	o->ended = 1;
}
