/*
 * The host resources a libvirt domain XML names (see needs.h), read from
 * the tree lib/xmlsafe.c parses. The domain's children and the devices
 * are dispatched through two tables (element name, function): each
 * function adds what its element needs, where it is ("disk vda",
 * "serial #2"), and add() keeps the first of each kind and name and
 * drops the paths every host has. Sources that are shared by several
 * elements have one function each: a disk's source (also a backing
 * store's and a data file's), a network source, a character device, a
 * secret, a host PCI address. Nothing on the host is looked at.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "needs.h"
#include "userxml.h"
#include "xmlsafe.h"
#include "banned.h"

VM_ENUM_IMPL(corp_res_kind, CORP_RES_LAST, "disk", "boot-file", "dir", "devnode",
	     "socket", "network", "bridge", "host-netdev", "pool", "hostdev",
	     "hugepages", "secret", "other");

/* Every host has these; a stand-in for them would only get in the way. */
static const char *const universal[] = {
	"/dev/null", "/dev/urandom", "/dev/random", "/dev/zero",
	"/dev/kvm",  "/dev/net/tun", "/dev/vhost-net", "/dev/ptmx",
};

struct ctx {
	struct corp_needs *out;
	xmlChar **keep; /* attribute values and texts, freed at the end */
	size_t nkeep, akeep;
	struct strvec listens; /* unix sockets the domain's chardevs listen on */
};

/* The attribute name of n (NULL: none, or n NULL); freed with c. */
static const char *prop(struct ctx *c, xmlNode *n, const char *name)
{
	xmlChar *v;

	if (!n || !(v = xmlGetNoNsProp(n, BAD_CAST name)))
		return NULL;
	ALLOC_GROW(c->keep, c->nkeep + 1, c->akeep);
	c->keep[c->nkeep++] = v;
	return (const char *)v;
}

static int prop_is(struct ctx *c, xmlNode *n, const char *name, const char *want)
{
	const char *v = prop(c, n, name);

	return v && !strcmp(v, want);
}

/* The text of n without the whitespace around it (NULL: none); freed with c. */
static const char *text(struct ctx *c, xmlNode *n)
{
	xmlChar *v;
	char *s, *e;

	if (!n || !(v = xmlNodeGetContent(n)))
		return NULL;
	ALLOC_GROW(c->keep, c->nkeep + 1, c->akeep);
	c->keep[c->nkeep++] = v;
	s = (char *)v;
	s += strspn(s, " \t\r\n");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

/* libvirt's elements are in no namespace; <metadata>'s may be in any. */
static int is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns &&
	       (!name || xmlStrEqual(n->name, BAD_CAST name));
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *k = n ? n->children : NULL; k; k = k->next)
		if (is_elem(k, name))
			return k;
	return NULL;
}

/* The next sibling of k named as k, for loops over repeated children. */
static xmlNode *next_same(xmlNode *k)
{
	for (xmlNode *s = k->next; s; s = s->next)
		if (is_elem(s, (const char *)k->name))
			return s;
	return NULL;
}

static void add_disk(struct ctx *c, enum corp_res_kind kind, const char *what,
		     const char *where, const char *disk_type, const char *format,
		     int readonly)
{
	struct corp_needs *o = c->out;
	struct corp_res *r;

	if (!what || !*what)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(universal); i++)
		if (!strcmp(what, universal[i]))
			return;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == kind && !strcmp(o->v[i].what, what))
			return;
	ALLOC_GROW(o->v, o->n + 1, o->alloc);
	r = &o->v[o->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->what = xstrdup(what);
	r->where = xstrdup(where);
	if (kind == CORP_RES_DISK) {
		r->disk_type = xstrdup(disk_type);
		r->format = format && *format ? xstrdup(format) : NULL;
		r->readonly = readonly;
	}
}

static void add(struct ctx *c, enum corp_res_kind kind, const char *what,
		const char *where)
{
	add_disk(c, kind, what, where, NULL, NULL, 0);
}

static void addf(struct ctx *c, enum corp_res_kind kind, const char *where,
		 const char *fmt, ...) VM_PRINTF(4, 5);
static void addf(struct ctx *c, enum corp_res_kind kind, const char *where,
		 const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (strbuf_vaddf(&what, fmt, ap))
		die("out of memory");
	va_end(ap);
	add(c, kind, what.buf, where);
	strbuf_release(&what);
}

/* A number as libvirt writes it in an address ("0x1f", "31"). */
static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || *end || *out > max ? -1 : 0;
}

/* A host PCI address (<address domain bus slot function>) as "pci 0000:06:12.5". */
static void pci_address(struct ctx *c, xmlNode *addr, enum corp_res_kind kind,
			const char *where)
{
	const char *d = prop(c, addr, "domain"), *b = prop(c, addr, "bus"),
		   *s = prop(c, addr, "slot"), *f = prop(c, addr, "function");
	unsigned long dn = 0, bn, sn, fn;

	if (!addr)
		return;
	if ((!d || !number(d, 0xffff, &dn)) && !number(b, 0xff, &bn) &&
	    !number(s, 0x1f, &sn) && !number(f, 7, &fn))
		addf(c, kind, where, "pci %04lx:%02lx:%02lx.%lx", dn, bn, sn, fn);
	else
		addf(c, kind, where, "pci domain=%s bus=%s slot=%s function=%s",
		     d ? d : "", b ? b : "", s ? s : "", f ? f : "");
}

/* The <secret>s of an <auth> or <encryption>: "ceph usage x", "passphrase uuid u". */
static void secrets(struct ctx *c, xmlNode *holder, const char *where)
{
	for (xmlNode *s = child(holder, "secret"); s; s = next_same(s)) {
		const char *type = prop(c, s, "type"), *uuid = prop(c, s, "uuid"),
			   *usage = prop(c, s, "usage");

		if (uuid || usage)
			addf(c, CORP_RES_SECRET, where, "%s%s%s %s", type ? type : "",
			     type ? " " : "", uuid ? "uuid" : "usage", uuid ? uuid : usage);
	}
}

/*
 * A <source protocol=...> of remote storage: each TCP host as "nbd host
 * example.org", a host reached through a unix socket as that socket, or
 * when there is no host "rbd pool/image" (ceph's configuration names
 * them), with the secrets of its <auth> and <encryption>.
 */
static void network_source(struct ctx *c, xmlNode *src, const char *where)
{
	const char *proto = prop(c, src, "protocol"), *name = prop(c, src, "name");
	int hosts = 0;

	if (!src)
		return;
	if (!proto)
		proto = "network";
	for (xmlNode *h = child(src, "host"); h; h = next_same(h)) {
		const char *hn = prop(c, h, "name");

		if (prop_is(c, h, "transport", "unix")) {
			add(c, CORP_RES_SOCKET, prop(c, h, "socket"), where);
			hosts++;
		} else if (hn) {
			addf(c, CORP_RES_OTHER, where, "%s host %s", proto, hn);
			hosts++;
		}
	}
	if (!hosts)
		addf(c, CORP_RES_OTHER, where, "%s%s%s", proto, name ? " " : "",
		     name ? name : "");
	secrets(c, child(src, "auth"), where);
	secrets(c, child(src, "encryption"), where);
}

/*
 * The source of a <disk>, <backingStore> or <dataStore> node of type
 * type (libvirt's default: "file"): a local path as CORP_RES_DISK, or
 * what another type of disk needs, then the secrets, reservations and
 * data file of its <source>.
 */
static void disk_source(struct ctx *c, xmlNode *node, const char *type,
			const char *format, int ro, const char *where)
{
	xmlNode *src = child(node, "source"), *ds, *rs;
	struct strbuf w = STRBUF_INIT;

	if (!src)
		return;
	if (!type)
		type = "file";
	if (!strcmp(type, "file"))
		add_disk(c, CORP_RES_DISK, prop(c, src, "file"), where, type, format, ro);
	else if (!strcmp(type, "block"))
		add_disk(c, CORP_RES_DISK, prop(c, src, "dev"), where, type, format, ro);
	else if (!strcmp(type, "dir"))
		add_disk(c, CORP_RES_DISK, prop(c, src, "dir"), where, type, format, ro);
	else if (!strcmp(type, "network"))
		network_source(c, src, where);
	else if (!strcmp(type, "volume")) {
		const char *pool = prop(c, src, "pool"), *vol = prop(c, src, "volume");

		if (pool || vol)
			addf(c, CORP_RES_POOL, where, "%s/%s", pool ? pool : "",
			     vol ? vol : "");
	} else if (!strcmp(type, "nvme"))
		pci_address(c, child(src, "address"), CORP_RES_HOSTDEV, where);
	else if (!strcmp(type, "vhostuser"))
		add(c, CORP_RES_SOCKET, prop(c, src, "path"), where);
	else if (!strcmp(type, "vhostvdpa"))
		add(c, CORP_RES_DEVNODE, prop(c, src, "dev"), where);
	if (strcmp(type, "network")) {
		secrets(c, child(src, "auth"), where);
		secrets(c, child(src, "encryption"), where);
	}
	if ((rs = child(src, "reservations"))) {
		xmlNode *rsrc = child(rs, "source");

		if (prop_is(c, rs, "managed", "yes"))
			add(c, CORP_RES_OTHER, "qemu-pr-helper", where);
		else if (rsrc && prop_is(c, rsrc, "mode", "client"))
			add(c, CORP_RES_SOCKET, prop(c, rsrc, "path"), where);
	}
	if ((ds = child(src, "dataStore"))) {
		sb_printf(&w, "%s data file", where);
		disk_source(c, ds, prop(c, ds, "type"), prop(c, child(ds, "format"), "type"),
			    ro, w.buf);
	}
	strbuf_release(&w);
}

/*
 * A character device (<serial>, <channel>, a smartcard's or an rng's
 * backend...) of type type: a device node, a FIFO pair, a socket QEMU
 * connects to, a TCP server it connects to. Files, listening sockets and
 * ptys are QEMU's own.
 */
static void chardev(struct ctx *c, xmlNode *n, const char *where)
{
	const char *type = prop(c, n, "type");
	xmlNode *src = child(n, "source");

	if (!type || !src)
		return;
	if (!strcmp(type, "dev")) {
		add(c, CORP_RES_DEVNODE, prop(c, src, "path"), where);
	} else if (!strcmp(type, "pipe")) {
		const char *p = prop(c, src, "path");

		if (p && *p)
			addf(c, CORP_RES_OTHER, where, "fifo %s", p);
	} else if (!strcmp(type, "unix")) {
		/* Without a mode libvirt listens; QEMU opens chardevs in order. */
		const char *path = prop(c, src, "path");

		if (!prop_is(c, src, "mode", "connect"))
			strvec_push(&c->listens, path ? path : "");
		else if (path && !strvec_has(&c->listens, path))
			add(c, CORP_RES_SOCKET, path, where);
	} else if (!strcmp(type, "tcp")) {
		const char *host = prop(c, src, "host"), *svc = prop(c, src, "service");

		if (!prop_is(c, src, "mode", "bind"))
			addf(c, CORP_RES_OTHER, where, "tcp server %s:%s",
			     host ? host : "", svc ? svc : "");
		if (prop_is(c, src, "tls", "yes"))
			add(c, CORP_RES_OTHER, "chardev TLS certificates", where);
	}
}

/* A size element or attribute of n in KiB into *kib; -1 when it reads as none. */
static int size_kib(struct ctx *c, xmlNode *n, const char *size_attr,
		    unsigned long long *kib)
{
	static const struct {
		const char *unit;
		uint64_t scale;
	} units[] = {
		{ "b", 1 },	       { "bytes", 1 },	      { "k", 1024 },
		{ "KiB", 1024 },       { "KB", 1000 },	      { "M", 1 << 20 },
		{ "MiB", 1 << 20 },    { "MB", 1000000 },     { "G", 1 << 30 },
		{ "GiB", 1 << 30 },    { "GB", 1000000000 },  { "T", 1ULL << 40 },
		{ "TiB", 1ULL << 40 }, { "TB", 1000000000000ULL },
	};
	const char *v = size_attr ? prop(c, n, size_attr) : text(c, n);
	const char *unit = prop(c, n, "unit");
	unsigned long num;

	if (!v || !*v)
		return -1;
	if (!unit)
		unit = "KiB";
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t bytes;

		if (strcasecmp(unit, units[i].unit) || number(v, ULONG_MAX, &num) ||
		    __builtin_mul_overflow((uint64_t)num, units[i].scale, &bytes) ||
		    bytes % 1024)
			continue;
		*kib = (unsigned long long)(bytes / 1024);
		return 0;
	}
	return -1;
}

/* <hugepages>' page sizes in KiB ("2048 KiB"), as written if no unit fits. */
static void page_size(struct ctx *c, xmlNode *n, const char *size_attr,
		      const char *where)
{
	unsigned long long kib;
	const char *v = size_attr ? prop(c, n, size_attr) : text(c, n);
	const char *unit = prop(c, n, "unit");

	if (!v || !*v)
		return;
	if (!size_kib(c, n, size_attr, &kib))
		addf(c, CORP_RES_HUGEPAGES, where, "%llu KiB", kib);
	else
		addf(c, CORP_RES_HUGEPAGES, where, "%s %s", v, unit ? unit : "KiB");
}

/* ---- <devices>: one function per element, "where" given. */

static void dev_disk(struct ctx *c, xmlNode *d, const char *where)
{
	const char *device = prop(c, d, "device");
	int ro = child(d, "readonly") ||
		 (device && (!strcmp(device, "cdrom") || !strcmp(device, "floppy")));
	struct strbuf w = STRBUF_INIT;
	int depth = 0;

	disk_source(c, d, prop(c, d, "type"), prop(c, child(d, "driver"), "type"), ro,
		    where);
	/* QEMU passes SCSI commands through (scsi-block, SG_IO): a loop
	 * device or an image cannot stand in for the host's SCSI device. */
	if (device && !strcmp(device, "lun") && prop(c, child(d, "source"), "dev"))
		addf(c, CORP_RES_OTHER, where, "a SCSI device at %s (LUN passthrough)",
		     prop(c, child(d, "source"), "dev"));
	secrets(c, child(d, "auth"), where);
	secrets(c, child(d, "encryption"), where);
	/* The chain ends with an empty <backingStore/>; QEMU reads it only. */
	for (xmlNode *bs = child(d, "backingStore"); bs && prop(c, bs, "type");
	     bs = child(bs, "backingStore")) {
		strbuf_reset(&w);
		sb_printf(&w, "%s backing #%d", where, ++depth);
		disk_source(c, bs, prop(c, bs, "type"),
			    prop(c, child(bs, "format"), "type"), 1, w.buf);
	}
	strbuf_release(&w);
}

static void dev_interface(struct ctx *c, xmlNode *n, const char *where)
{
	const char *type = prop(c, n, "type");
	xmlNode *src = child(n, "source"), *target = child(n, "target"),
		*backend = child(n, "backend"), *script = child(n, "script");

	if (!type)
		return;
	if (!strcmp(type, "network"))
		add(c, CORP_RES_NETWORK, prop(c, src, "network"), where);
	else if (!strcmp(type, "bridge"))
		add(c, CORP_RES_BRIDGE, prop(c, src, "bridge"), where);
	else if (!strcmp(type, "direct"))
		add(c, CORP_RES_HOST_NETDEV, prop(c, src, "dev"), where);
	else if (!strcmp(type, "hostdev"))
		pci_address(c, child(src, "address"), CORP_RES_HOSTDEV, where);
	else if (!strcmp(type, "vdpa"))
		add(c, CORP_RES_DEVNODE, prop(c, src, "dev"), where);
	else if (!strcmp(type, "vhostuser") && prop_is(c, src, "mode", "client"))
		add(c, CORP_RES_SOCKET, prop(c, src, "path"), where);
	else if (!strcmp(type, "ethernet") && prop_is(c, target, "managed", "no"))
		add(c, CORP_RES_HOST_NETDEV, prop(c, target, "dev"), where);
	else if (!strcmp(type, "client")) {
		const char *a = prop(c, src, "address"), *p = prop(c, src, "port");

		addf(c, CORP_RES_OTHER, where, "tcp server %s:%s", a ? a : "",
		     p ? p : "");
	}
	if (prop_is(c, backend, "type", "passt"))
		add(c, CORP_RES_OTHER, "passt", where);
	add(c, CORP_RES_DEVNODE, prop(c, backend, "tap"), where);
	add(c, CORP_RES_DEVNODE, prop(c, backend, "vhost"), where);
	if (script && prop(c, script, "path"))
		addf(c, CORP_RES_OTHER, where, "script %s", prop(c, script, "path"));
	add(c, CORP_RES_BOOT_FILE, prop(c, child(n, "rom"), "file"), where);
}

static void dev_hostdev(struct ctx *c, xmlNode *n, const char *where)
{
	const char *mode = prop(c, n, "mode"), *type = prop(c, n, "type");
	xmlNode *src = child(n, "source");

	if (mode && !strcmp(mode, "capabilities")) {
		addf(c, CORP_RES_OTHER, where, "hostdev capabilities %s", type ? type : "");
		return;
	}
	if (!type)
		return;
	if (!strcmp(type, "pci")) {
		pci_address(c, child(src, "address"), CORP_RES_HOSTDEV, where);
	} else if (!strcmp(type, "usb")) {
		const char *v = prop(c, child(src, "vendor"), "id"),
			   *p = prop(c, child(src, "product"), "id"),
			   *b = prop(c, child(src, "address"), "bus"),
			   *d = prop(c, child(src, "address"), "device");
		struct strbuf w = STRBUF_INIT;

		sb_puts(&w, "usb");
		if (v || p)
			sb_printf(&w, " %s:%s", v ? v : "", p ? p : "");
		if (b || d)
			sb_printf(&w, " bus %s device %s", b ? b : "", d ? d : "");
		add(c, CORP_RES_HOSTDEV, w.buf, where);
		strbuf_release(&w);
	} else if (!strcmp(type, "scsi")) {
		if (prop_is(c, src, "protocol", "iscsi")) {
			network_source(c, src, where);
		} else {
			xmlNode *a = child(src, "address");
			const char *ad = prop(c, child(src, "adapter"), "name"),
				   *bus = prop(c, a, "bus"), *t = prop(c, a, "target"),
				   *u = prop(c, a, "unit");

			addf(c, CORP_RES_HOSTDEV, where, "scsi %s %s:%s:%s", ad ? ad : "",
			     bus ? bus : "", t ? t : "", u ? u : "");
		}
	} else if (!strcmp(type, "scsi_host")) {
		add(c, CORP_RES_DEVNODE, "/dev/vhost-scsi", where);
		if (prop(c, src, "wwpn"))
			addf(c, CORP_RES_HOSTDEV, where, "scsi_host %s", prop(c, src, "wwpn"));
	} else if (!strcmp(type, "mdev")) {
		const char *uuid = prop(c, child(src, "address"), "uuid");

		if (uuid)
			addf(c, CORP_RES_HOSTDEV, where, "mdev %s", uuid);
	}
	add(c, CORP_RES_BOOT_FILE, prop(c, child(n, "rom"), "file"), where);
}

static void dev_filesystem(struct ctx *c, xmlNode *n, const char *where)
{
	const char *type = prop(c, n, "type");
	xmlNode *src = child(n, "source");

	if (type && strcmp(type, "mount"))
		return; /* block, file, ram, bind, template, volume: not QEMU's */
	if (prop_is(c, child(n, "driver"), "type", "virtiofs")) {
		const char *bin = prop(c, child(n, "binary"), "path");

		if (prop(c, src, "socket")) {
			add(c, CORP_RES_SOCKET, prop(c, src, "socket"), where);
			return;
		}
		addf(c, CORP_RES_OTHER, where, "virtiofsd%s%s", bin ? " " : "",
		     bin ? bin : "");
	}
	add(c, CORP_RES_DIR, prop(c, src, "dir"), where);
}

static void dev_graphics(struct ctx *c, xmlNode *n, const char *where)
{
	const char *type = prop(c, n, "type");
	xmlNode *gl = child(n, "gl");
	int gl_on = prop_is(c, gl, "enable", "yes");

	if (!type)
		return;
	if (!strcmp(type, "sdl"))
		add(c, CORP_RES_OTHER, "X display (sdl)", where);
	else if (!strcmp(type, "rdp"))
		add(c, CORP_RES_OTHER, "qemu-rdp", where);
	else if (!strcmp(type, "dbus") && prop(c, n, "address"))
		addf(c, CORP_RES_OTHER, where, "D-Bus bus %s", prop(c, n, "address"));
	else if (!strcmp(type, "dbus") && !prop_is(c, n, "p2p", "yes"))
		add(c, CORP_RES_OTHER, "dbus-daemon", where);
	if (!strcmp(type, "spice")) {
		int secure = prop_is(c, n, "defaultMode", "secure");

		for (xmlNode *ch = child(n, "channel"); ch && !secure; ch = next_same(ch))
			secure = prop_is(c, ch, "mode", "secure");
		if (secure)
			add(c, CORP_RES_OTHER, "spice TLS certificates", where);
	}
	if (strcmp(type, "egl-headless") && (!gl_on || !strcmp(type, "sdl")))
		return;
	if (prop(c, gl, "rendernode"))
		add(c, CORP_RES_DEVNODE, prop(c, gl, "rendernode"), where);
	else
		add(c, CORP_RES_OTHER, "DRM render node", where);
}

static void dev_video(struct ctx *c, xmlNode *n, const char *where)
{
	if (prop_is(c, child(n, "driver"), "name", "vhostuser"))
		add(c, CORP_RES_OTHER, "vhost-user-gpu", where);
	add(c, CORP_RES_DEVNODE,
	    prop(c, child(child(n, "model"), "acceleration"), "rendernode"), where);
}

static void dev_audio(struct ctx *c, xmlNode *n, const char *where)
{
	static const char *const host_audio[][2] = {
		{ "alsa", "alsa audio" },
		{ "coreaudio", "coreaudio audio (macOS)" },
		{ "jack", "jack audio server" },
		{ "oss", "oss audio" },
		{ "pipewire", "pipewire audio server" },
		{ "pulseaudio", "pulseaudio audio server" },
		{ "sdl", "sdl audio" },
	};
	const char *type = prop(c, n, "type");

	for (size_t i = 0; type && i < ARRAY_SIZE(host_audio); i++)
		if (!strcmp(type, host_audio[i][0]))
			add(c, CORP_RES_OTHER, host_audio[i][1], where);
	if (type && strcmp(type, "file"))
		for (xmlNode *k = n->children; k; k = k->next) {
			const char *dev = is_elem(k, NULL) ? prop(c, k, "dev") : NULL;

			if (dev && !strncmp(dev, "/dev/", 5))
				add(c, CORP_RES_DEVNODE, dev, where);
		}
}

static void dev_memory(struct ctx *c, xmlNode *n, const char *where)
{
	const char *model = prop(c, n, "model");
	xmlNode *src = child(n, "source");

	if (model && !strcmp(model, "sgx-epc"))
		add(c, CORP_RES_DEVNODE, "/dev/sgx_vepc", where);
	/* An nvdimm's or virtio-pmem's backing file, opened by QEMU. */
	add(c, CORP_RES_BOOT_FILE, text(c, child(src, "path")), where);
	if (child(src, "pagesize"))
		page_size(c, child(src, "pagesize"), NULL, where);
}

static void dev_input(struct ctx *c, xmlNode *n, const char *where)
{
	xmlNode *src = child(n, "source");

	if (prop_is(c, n, "type", "evdev"))
		add(c, CORP_RES_DEVNODE, prop(c, src, "dev"), where);
	else if (prop_is(c, n, "type", "passthrough"))
		add(c, CORP_RES_DEVNODE, prop(c, src, "evdev"), where);
}

static void dev_tpm(struct ctx *c, xmlNode *n, const char *where)
{
	xmlNode *b = child(n, "backend");
	const char *type = prop(c, b, "type"), *uuid;

	if (!type)
		return;
	if (!strcmp(type, "passthrough")) {
		const char *p = prop(c, child(b, "device"), "path");

		add(c, CORP_RES_DEVNODE, p ? p : "/dev/tpm0", where);
	} else if (!strcmp(type, "emulator")) {
		add(c, CORP_RES_OTHER, "swtpm", where);
		if ((uuid = prop(c, child(b, "encryption"), "secret")))
			addf(c, CORP_RES_SECRET, where, "vtpm uuid %s", uuid);
	} else if (!strcmp(type, "external")) {
		add(c, CORP_RES_SOCKET, prop(c, child(b, "source"), "path"), where);
	}
}

static void dev_rng(struct ctx *c, xmlNode *n, const char *where)
{
	xmlNode *b = child(n, "backend");
	const char *model = prop(c, b, "model");

	if (model && !strcmp(model, "random"))
		add(c, CORP_RES_DEVNODE, text(c, b), where);
	else if (model && !strcmp(model, "egd"))
		chardev(c, b, where);
}

static void dev_smartcard(struct ctx *c, xmlNode *n, const char *where)
{
	const char *mode = prop(c, n, "mode");
	const char *db = text(c, child(n, "database"));

	if (!mode)
		return;
	if (!strcmp(mode, "host"))
		add(c, CORP_RES_OTHER, "smartcard reader", where);
	else if (!strcmp(mode, "host-certificates"))
		add(c, CORP_RES_DIR, db && *db ? db : "/etc/pki/nssdb", where);
	else if (!strcmp(mode, "passthrough"))
		chardev(c, n, where);
}

static void dev_shmem(struct ctx *c, xmlNode *n, const char *where)
{
	xmlNode *server = child(n, "server");
	const char *path = prop(c, server, "path"), *name = prop(c, n, "name");

	if (!prop_is(c, child(n, "model"), "type", "ivshmem-doorbell"))
		return;
	/* libvirt's own default for a doorbell's ivshmem-server. */
	if (path)
		add(c, CORP_RES_SOCKET, path, where);
	else if (name)
		addf(c, CORP_RES_SOCKET, where, "/var/lib/libvirt/shmem-%s-sock", name);
}

static void dev_vsock(struct ctx *c, xmlNode *n, const char *where)
{
	add(c, CORP_RES_DEVNODE, "/dev/vhost-vsock", where);
}

static const struct {
	const char *name;
	void (*fn)(struct ctx *c, xmlNode *n, const char *where);
} devices[] = {
	{ "disk", dev_disk },	    { "interface", dev_interface },
	{ "hostdev", dev_hostdev }, { "filesystem", dev_filesystem },
	{ "serial", chardev },	    { "parallel", chardev },
	{ "console", chardev },	    { "channel", chardev },
	{ "redirdev", chardev },    { "smartcard", dev_smartcard },
	{ "graphics", dev_graphics }, { "video", dev_video },
	{ "audio", dev_audio },	    { "memory", dev_memory },
	{ "input", dev_input },	    { "tpm", dev_tpm },
	{ "rng", dev_rng },	    { "shmem", dev_shmem },
	{ "vsock", dev_vsock },
};

static void top_devices(struct ctx *c, xmlNode *devs)
{
	int count[ARRAY_SIZE(devices)] = { 0 };
	struct strbuf where = STRBUF_INIT;

	for (xmlNode *n = devs->children; n; n = n->next) {
		size_t i;

		if (!is_elem(n, NULL))
			continue;
		for (i = 0; i < ARRAY_SIZE(devices); i++)
			if (xmlStrEqual(n->name, BAD_CAST devices[i].name))
				break;
		if (i == ARRAY_SIZE(devices))
			continue;
		count[i]++;
		strbuf_reset(&where);
		if (!strcmp(devices[i].name, "disk") &&
		    prop(c, child(n, "target"), "dev"))
			sb_printf(&where, "disk %s", prop(c, child(n, "target"), "dev"));
		else
			sb_printf(&where, "%s #%d", devices[i].name, count[i]);
		devices[i].fn(c, n, where.buf);
	}
	strbuf_release(&where);
}

/* ---- The domain's other children. */

static void top_os(struct ctx *c, xmlNode *os)
{
	static const char *const files[] = { "kernel", "initrd", "dtb", "shim", "loader" };
	struct strbuf w = STRBUF_INIT;

	if (prop_is(c, os, "firmware", "efi"))
		add(c, CORP_RES_OTHER, "efi firmware", "os");
	for (xmlNode *n = os->children; n; n = n->next) {
		if (!is_elem(n, NULL))
			continue;
		strbuf_reset(&w);
		sb_printf(&w, "os/%s", (const char *)n->name);
		for (size_t i = 0; i < ARRAY_SIZE(files); i++)
			if (xmlStrEqual(n->name, BAD_CAST files[i]))
				add(c, CORP_RES_BOOT_FILE, text(c, n), w.buf);
		if (xmlStrEqual(n->name, BAD_CAST "nvram")) {
			/* The nvram itself libvirt makes from the template. */
			sb_puts(&w, " template");
			add(c, CORP_RES_BOOT_FILE, prop(c, n, "template"), w.buf);
			if (prop_is(c, n, "type", "network"))
				network_source(c, child(n, "source"), "os/nvram");
		} else if (xmlStrEqual(n->name, BAD_CAST "acpi")) {
			for (xmlNode *t = child(n, "table"); t; t = next_same(t))
				add(c, CORP_RES_BOOT_FILE, text(c, t), "os/acpi table");
		}
	}
	strbuf_release(&w);
}

static void top_memory_backing(struct ctx *c, xmlNode *mb)
{
	xmlNode *hp = child(mb, "hugepages");
	unsigned long long kib;

	/*
	 * QEMU touches every page at start (prealloc): the guest's memory
	 * must be there, and libvirt's memory_backing_dir holds it when it
	 * is file-backed.
	 */
	if (prop_is(c, child(mb, "allocation"), "mode", "immediate") &&
	    !size_kib(c, child(mb->parent, "memory"), NULL, &kib))
		addf(c, CORP_RES_OTHER, "memoryBacking",
		     "preallocated guest memory of %llu MiB", (kib + 1023) / 1024);
	if (!hp)
		return;
	if (!child(hp, "page"))
		add(c, CORP_RES_HUGEPAGES, "default", "memoryBacking");
	for (xmlNode *p = child(hp, "page"); p; p = next_same(p))
		page_size(c, p, "size", "memoryBacking");
}

static void top_blkiotune(struct ctx *c, xmlNode *n)
{
	for (xmlNode *d = child(n, "device"); d; d = next_same(d))
		add(c, CORP_RES_DEVNODE, text(c, child(d, "path")), "blkiotune");
}

/* A set of host NUMA nodes or CPUs; node and CPU 0 every host has. */
static void host_set(struct ctx *c, const char *what, const char *set,
		     const char *where)
{
	if (set && *set && strcmp(set, "0"))
		addf(c, CORP_RES_OTHER, where, "host %s %s", what, set);
}

static void top_numatune(struct ctx *c, xmlNode *n)
{
	for (xmlNode *k = n->children; k; k = k->next) {
		if (!is_elem(k, "memory") && !is_elem(k, "memnode"))
			continue;
		host_set(c, "NUMA nodes", prop(c, k, "nodeset"), "numatune");
		if (prop_is(c, k, "placement", "auto"))
			add(c, CORP_RES_OTHER, "numad", "numatune");
	}
}

static void top_vcpu(struct ctx *c, xmlNode *n)
{
	host_set(c, "CPUs", prop(c, n, "cpuset"), "vcpu");
	if (prop_is(c, n, "placement", "auto"))
		add(c, CORP_RES_OTHER, "numad", "vcpu");
}

static void top_cputune(struct ctx *c, xmlNode *n)
{
	for (xmlNode *k = n->children; k; k = k->next)
		if (is_elem(k, "vcpupin") || is_elem(k, "emulatorpin") ||
		    is_elem(k, "iothreadpin"))
			host_set(c, "CPUs", prop(c, k, "cpuset"), "cputune");
}

static void top_resource(struct ctx *c, xmlNode *n)
{
	const char *p = text(c, child(n, "partition"));

	if (p && *p && strcmp(p, "/machine"))
		addf(c, CORP_RES_OTHER, "resource", "cgroup partition %s", p);
}

static void top_sysinfo(struct ctx *c, xmlNode *n)
{
	for (xmlNode *e = child(n, "entry"); e; e = next_same(e))
		add(c, CORP_RES_BOOT_FILE, prop(c, e, "file"), "sysinfo");
}

static void top_seclabel(struct ctx *c, xmlNode *n)
{
	const char *model = prop(c, n, "model");

	if (model && (!strcmp(model, "selinux") || !strcmp(model, "apparmor")) &&
	    !prop_is(c, n, "type", "none"))
		addf(c, CORP_RES_OTHER, "seclabel", "%s security driver", model);
}

static void top_launch_security(struct ctx *c, xmlNode *n)
{
	static const char *const names[][2] = {
		{ "sev", "AMD SEV" },
		{ "sev-snp", "AMD SEV-SNP" },
		{ "s390-pv", "s390 protected virtualization" },
		{ "tdx", "Intel TDX" },
	};
	const char *type = prop(c, n, "type");

	if (!type)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(type, names[i][0])) {
			add(c, CORP_RES_OTHER, names[i][1], "launchSecurity");
			return;
		}
	addf(c, CORP_RES_OTHER, "launchSecurity", "launch security %s", type);
}

static const struct {
	const char *name;
	void (*fn)(struct ctx *c, xmlNode *n);
} tops[] = {
	{ "vcpu", top_vcpu },
	{ "cputune", top_cputune },
	{ "numatune", top_numatune },
	{ "memoryBacking", top_memory_backing },
	{ "blkiotune", top_blkiotune },
	{ "resource", top_resource },
	{ "sysinfo", top_sysinfo },
	{ "os", top_os },
	{ "seclabel", top_seclabel },
	{ "launchSecurity", top_launch_security },
	{ "devices", top_devices },
};

int corp_needs_parse(const char *xml, size_t len, struct corp_needs *out,
		     struct strbuf *why)
{
	struct ctx c = { out, NULL, 0, 0, STRVEC_INIT };
	xmlDoc *doc;
	xmlNode *root;

	corp_needs_release(out);
	if (!(doc = xmlsafe_parse(xml, len, USERXML_MAX, why)))
		return -1;
	if (!(root = xmlsafe_domain_root(doc, why))) {
		xmlFreeDoc(doc);
		return -1;
	}
	for (xmlNode *n = root->children; n; n = n->next)
		for (size_t i = 0; is_elem(n, NULL) && i < ARRAY_SIZE(tops); i++)
			if (xmlStrEqual(n->name, BAD_CAST tops[i].name))
				tops[i].fn(&c, n);
	for (size_t i = 0; i < c.nkeep; i++)
		xmlFree(c.keep[i]);
	free(c.keep);
	strvec_clear(&c.listens);
	xmlFreeDoc(doc);
	return 0;
}

void corp_needs_release(struct corp_needs *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		free(n->v[i].what);
		free(n->v[i].disk_type);
		free(n->v[i].format);
		free(n->v[i].where);
	}
	free(n->v);
	n->v = NULL;
	n->n = n->alloc = 0;
}
