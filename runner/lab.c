/*
 * The nested lab VM for passthrough, and the checks made from outside a
 * stopped guest over QMP (see lab.h).
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

void lab_init_script(struct strbuf *o)
{
	sb_puts(o,
		"#!/bin/busybox sh\n"
		"/bin/busybox --install -s\n"
		"mount -t proc proc /proc\n"
		"mount -t sysfs sys /sys\n"
		"mount -t devtmpfs dev /dev 2>/dev/null\n"
		"exec </dev/console >/dev/console 2>&1\n"
		"for m in $(cat /etc/modules); do insmod $m || echo \"VMX-WARN insmod $m failed\"; done\n"
		"echo \"" GUEST_BEGIN " lab\"\n"
		"die() { echo \"VMX-LAB-ERROR $*\"; echo \"" GUEST_END " 0 1\"; poweroff -f; }\n"
		"mkdir -p /host\n"
		"mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || die cannot mount the host root\n"
		"mount -t devtmpfs dev /host/dev || die cannot mount /dev in the host root\n"
		"mount -t proc proc /host/proc\n"
		"mount -t sysfs sys /host/sys\n"
		"mount -t tmpfs tmp /host/tmp\n"
		"mkdir -p /host" LAB_RUNDIR "\n"
		"mount -t 9p -o trans=virtio,version=9p2000.L vmxrun /host" LAB_RUNDIR
		" || die cannot mount the run directory\n"
		"d=/sys/bus/pci/devices/" LAB_PT_BDF "\n"
		"[ -e $d ] || die no device " LAB_PT_BDF " in the lab\n"
		"[ -e $d/iommu_group ] || die " LAB_PT_BDF " has no IOMMU group: the lab kernel did not enable intel_iommu\n"
		"[ -e $d/driver ] && echo " LAB_PT_BDF " > $d/driver/unbind\n"
		"echo vfio-pci > $d/driver_override\n"
		"echo " LAB_PT_BDF " > /sys/bus/pci/drivers_probe\n"
		"drv=$(readlink $d/driver); grp=$(readlink $d/iommu_group)\n"
		"echo \"VMX-LAB " LAB_PT_BDF " driver=${drv##*/} iommu_group=${grp##*/}\"\n"
		"[ \"${drv##*/}\" = vfio-pci ] || die " LAB_PT_BDF " is not bound to vfio-pci\n"
		"R=/host" LAB_RUNDIR "\n"
		"if [ -e $R/" LAB_LIBVIRT_FILE " ]; then\n"
		/*
		 * Through libvirt: its daemon from the host tree, with tmpfs
		 * over the directories it writes (the host root is read-only),
		 * our qemu.conf, and the domain defined and started paused with
		 * virsh; the answers come from qemu-monitor-command.
		 */
		"  {\n"
		"    IFS= read -r sup; IFS= read -r daemon; IFS= read -r virsh\n"
		"    IFS= read -r sock; IFS= read -r rund; IFS= read -r logd\n"
		"    IFS= read -r etcd; IFS= read -r dom\n"
		"    while IFS= read -r d; do\n"
		"      mount -t tmpfs tmpfs \"/host$d\" || die cannot mount a tmpfs on $d\n"
		"    done\n"
		"  } < $R/" LAB_LIBVIRT_FILE "\n"
		"  mkdir -p \"/host$rund\" \"/host$logd\" \"/host$etcd\" &&\n"
		"    cp $R/qemu.conf \"/host$etcd/qemu.conf\" || die cannot write qemu.conf\n"
		"  L=$R/" LAB_VIRSH_LOG "\n"
		"  chroot /host \"$sup\" internal-supervise -- \"$daemon\" > $R/" LAB_DAEMON_LOG " 2>&1 &\n"
		"  dpid=$!; n=0\n"
		"  while [ ! -S \"/host$sock\" ]; do\n"
		"    kill -0 $dpid 2>/dev/null || die the libvirt daemon exited: $(tail -n 3 $R/" LAB_DAEMON_LOG ")\n"
		"    n=$((n + 1)); [ $n -gt 300 ] && die the libvirt daemon made no socket in 300 s\n"
		"    sleep 1\n"
		"  done\n"
		"  echo \"VMX-LAB libvirt daemon up after ${n}s\"\n"
		"  v() { chroot /host \"$virsh\" -q -c \"qemu:///system?socket=$sock\" \"$@\"; }\n"
		"  st=0\n"
		"  v define " LAB_RUNDIR "/" LAB_DOMAIN_XML " >> $L 2>&1 || st=1\n"
		"  if [ $st = 0 ]; then v start --paused \"$dom\" >> $L 2>&1 || st=2; fi\n"
		"  if [ $st = 0 ]; then\n"
		/*
		 * libvirt puts devices behind pcie-root-ports, and query-pci
		 * only sees behind a bridge once the guest firmware numbered
		 * its bus: run the firmware until our device shows.
		 */
		"    v resume \"$dom\" >> $L 2>&1; n=0\n"
		"    while :; do\n"
		"      v qemu-monitor-command \"$dom\" '{\"execute\":\"query-pci\"}' > $R/pci.json 2>> $L\n"
		"      grep -q '\"qdev_id\":\"ua-pt_' $R/pci.json && break\n"
		"      n=$((n + 1)); [ $n -gt 120 ] && break\n"
		"      sleep 1\n"
		"    done\n"
		"    v suspend \"$dom\" >> $L 2>&1\n"
		"    echo \"VMX-LAB query-pci after ${n}s of guest firmware\"\n"
		"    for q in cpus:query-cpus-fast mem:query-memory-size-summary; do\n"
		"      v qemu-monitor-command \"$dom\" \"{\\\"execute\\\":\\\"${q#*:}\\\"}\" > $R/${q%%:*}.json 2>> $L\n"
		"    done\n"
		"    v dumpxml \"$dom\" > $R/" LAB_LIVE_XML " 2>> $L\n"
		"    pid=$(cat \"/host$rund/qemu/$dom.pid\")\n"
		"    cat /proc/$pid/cmdline > $R/" LAB_L2_CMDLINE "\n"
		"    v destroy \"$dom\" >> $L 2>&1\n"
		"  fi\n"
		"  [ $st = 1 ] || v undefine \"$dom\" >> $L 2>&1\n"
		"  cp \"/host$logd/qemu/$dom.log\" $R/" LAB_L2_ERR " 2>/dev/null\n"
		"  kill $dpid; wait $dpid\n"
		"  echo \"" LAB_EXIT " $st\"\n"
		"else\n"
		/* One argument per line; the first is the binary. */
		"set --\n"
		"while IFS= read -r a; do set -- \"$@\" \"$a\"; done < /host" LAB_RUNDIR "/" LAB_ARGV_FILE "\n"
		"chroot /host \"$@\" < /host" LAB_RUNDIR "/" LAB_QMP_IN
		" > /host" LAB_RUNDIR "/" LAB_QMP_OUT
		" 2> /host" LAB_RUNDIR "/" LAB_L2_ERR "\n"
		"echo \"" LAB_EXIT " $?\"\n"
		"fi\n"
		"sync\n"
		"umount /host" LAB_RUNDIR "\n"
		"echo \"" GUEST_END " 0 0\"\n"
		"poweroff -f\n");
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
	strvec_pushv(argv, (const char *const[]){
		"-device", "e1000e,addr=05.0",
		"-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on",
		"-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=06.0",
		NULL });
	strvec_push(argv, "-fsdev");
	strvec_pushf(argv, "local,id=vmxrun,path=%s,security_model=none", e->rundir);
	strvec_pushv(argv, (const char *const[]){
		"-device", "virtio-9p-pci,fsdev=vmxrun,mount_tag=vmxrun,addr=07.0",
		"-kernel", e->kernel, "-initrd", e->initrd, "-append",
		"console=ttyS0 panic=-1 quiet intel_iommu=on",
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
		  const char *pt_id, struct guest_outcome *o)
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
	for (size_t i = 0; i < s->ndevices; i++) {
		char qdev[16];
		struct find_qdev f;

		if (s->devices[i].kind != DEV_VFIO_PCI &&
		    s->devices[i].kind != DEV_PCI_ASSIGN)
			continue;
		memset(&f, 0, sizeof(f));
		snprintf(qdev, sizeof(qdev), "pt_%zu", pt++);
		f.qdev = qdev;
		pci_walk(a->pci, find_qdev, &f);
		if (!f.found)
			add_check(o, &alloc, "passthrough", 0,
				  "%s: no such device in query-pci", qdev);
		else
			add_check(o, &alloc, "passthrough",
				  !pt_id || !strcmp(pt_id, f.id),
				  "%s: %s at %02lx:%02lx.%lx%s%s", qdev, f.id,
				  f.bus, f.slot, f.fn, pt_id ? " want " : "",
				  pt_id ? pt_id : "");
	}
	o->ended = 1;
}
