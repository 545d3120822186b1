/*
 * Loading scenario files (see scenario.h). A small INI reader with the
 * rules of Python's ConfigParser as DTS uses it (`key = value` or
 * `key: value`, values continued on indented lines, full-line comments,
 * keys case-insensitive), then DTS's value rules: entries separated by
 * ';' or line ends, options by ',', name and value by the first '='.
 * Each entry is checked against the tables below at once, so a message
 * names the line the entry is on; the checks that need the whole file
 * (a vhost-user device needs a backend...) run at the end.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "fs.h"
#include "lineparse.h"
#include "banned.h"

struct ctx {
	struct scenario *s;
	const char *path;
	const char *section;
	int line;
};

static int bad(struct ctx *c, const char *fmt, ...) VM_PRINTF(2, 3);
static int bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(c->path, c->line, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void entry_release(struct scn_entry *e)
{
	for (size_t i = 0; i < e->nr; i++) {
		free(e->opts[i].name);
		free(e->opts[i].value);
	}
	free(e->opts);
	e->opts = NULL;
	e->nr = 0;
}

static const char *opt(const struct scn_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nr; i++)
		if (!strcmp(e->opts[i].name, name))
			return e->opts[i].value;
	return NULL;
}

struct opt_at {
	const char *name;
	size_t i;
};

static int cmp_opt_at(const void *a, const void *b)
{
	const struct opt_at *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * The index of the first option of e that repeats an earlier one, or
 * e->nr when none does. Sorting keeps this O(n log n): a DTS entry can
 * hold a hundred thousand options, and asking each new option of all
 * the earlier ones took half a minute there.
 */
static size_t first_repeat(const struct scn_entry *e)
{
	struct opt_at *v = xcalloc(e->nr, sizeof(*v));
	size_t first = e->nr;

	for (size_t i = 0; i < e->nr; i++) {
		v[i].name = e->opts[i].name;
		v[i].i = i;
	}
	sort_array(v, e->nr, sizeof(*v), cmp_opt_at);
	/* Equal names are adjacent, each run in the order of the entry. */
	for (size_t i = 1; i < e->nr; i++)
		if (v[i].i < first && !strcmp(v[i].name, v[i - 1].name))
			first = v[i].i;
	free(v);
	return first;
}

/*
 * Splits one entry (text is modified) into e->opts: options at ',',
 * name and value at the first '='; opt_settings takes the rest of the
 * entry, commas included.
 */
static int split_entry(struct ctx *c, char *text, struct scn_entry *e)
{
	size_t alloc = 0, repeat;
	const char *nameless = NULL; /* the value of '=value', which stops it */
	char *p = text;

	while (p) {
		size_t n = strcspn(p, "=,");
		char *name = p, *value = NULL, *next = NULL;

		if (p[n] == '=') {
			p[n] = '\0';
			value = p + n + 1;
			if (strcmp(trim(name), "opt_settings")) {
				next = strchr(value, ',');
				if (next)
					*next++ = '\0';
			}
		} else if (p[n] == ',') {
			p[n] = '\0';
			next = p + n + 1;
		}
		name = trim(name);
		value = value ? trim(value) : NULL;
		if (!*name && value) {
			nameless = value;
			break;
		}
		if (*name) {
			ALLOC_GROW(e->opts, e->nr + 1, alloc);
			e->opts[e->nr].name = xstrdup(name);
			e->opts[e->nr].value = xstrdup(value ? value : "");
			e->nr++;
		}
		p = next;
	}
	/* The first mistake in the entry is the one reported. */
	repeat = first_repeat(e);
	if (repeat < e->nr)
		return bad(c,
			   "option '%s' given twice; expected each option once "
			   "in an entry",
			   e->opts[repeat].name);
	if (nameless)
		return bad(c, "option '=%s' has no name; expected name=value",
			   nameless);
	return 0;
}

static void join_names(struct strbuf *sb, const char *const *names)
{
	for (const char *const *n = names; *n; n++)
		sb_printf(sb, "%s%s", n == names ? "" : ", ", *n);
}

/* Every option of e must be in names (NULL-terminated). */
static int allowed(struct ctx *c, const char *what, const struct scn_entry *e,
		   const char *const *names)
{
	for (size_t i = 0; i < e->nr; i++) {
		struct strbuf list = STRBUF_INIT;
		const char *const *n;

		for (n = names; *n; n++)
			if (!strcmp(*n, e->opts[i].name))
				break;
		if (*n)
			continue;
		join_names(&list, names);
		bad(c, "unknown option '%s' for %s in [%s]; expected one of %s",
		    e->opts[i].name, what, c->section, list.buf);
		strbuf_release(&list);
		return -1;
	}
	return 0;
}

static int num(struct ctx *c, const char *what, const char *v, long min,
	       long max, long *out)
{
	if (!v || parse_long(v, min, max, out))
		return bad(
		    c,
		    "bad value '%s' for %s; expected an integer from %ld "
		    "to %ld",
		    v ? v : "", what, min, max);
	return 0;
}

static int yesno(struct ctx *c, const char *what, const char *v, int *out)
{
	if (v && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
		*out = !strcmp(v, "yes");
		return 0;
	}
	return bad(c, "bad value '%s' for %s; expected yes or no", v ? v : "",
		   what);
}

static int is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

static int is_mac(const char *m)
{
	if (strlen(m) != 17)
		return 0;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return 0;
	return 1;
}

static int check_mac(struct ctx *c, const char *name, const char *v)
{
	if (v && !is_mac(v))
		return bad(c,
			   "bad MAC address '%s' for %s; expected "
			   "xx:xx:xx:xx:xx:xx (hex)",
			   v, name);
	return 0;
}

/* [DDDD:]BB:SS.F, hex, function 0-7. */
static int is_bdf(const char *b)
{
	size_t n = strlen(b);

	if (n == 12) {
		if (!is_hex(b, 4) || b[4] != ':')
			return 0;
		b += 5;
	} else if (n != 7) {
		return 0;
	}
	return is_hex(b, 2) && b[2] == ':' && is_hex(b + 3, 2) && b[5] == '.' &&
	       b[6] >= '0' && b[6] <= '7';
}

static char *dup_opt(const struct scn_entry *e, const char *name)
{
	const char *v = opt(e, name);

	return v && *v ? xstrdup(v) : NULL;
}

static void set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* [vm0] */

static int vm_cpu(struct ctx *c, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	const char *v;
	long n;

	if ((v = opt(e, "number"))) {
		if (num(c, "cpu number", v, 1, 256, &n))
			return -1;
		s->cpus = (int)n;
	}
	if ((v = opt(e, "cpupin"))) {
		if (strspn(v, "0123456789 ") != strlen(v) ||
		    !strpbrk(v, "0123456789"))
			return bad(c,
				   "bad cpupin '%s'; expected host CPU numbers "
				   "separated by spaces",
				   v);
		set_str(&s->cpupin, xstrdup(v));
	}
	if (opt(e, "model"))
		set_str(&s->cpu_model, dup_opt(e, "model"));
	return 0;
}

static int vm_mem(struct ctx *c, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	const char *v;

	if ((v = opt(e, "size")) &&
	    num(c, "mem size (MiB)", v, 16, 1048576, &s->mem_mib))
		return -1;
	if ((v = opt(e, "hugepage")) &&
	    yesno(c, "mem hugepage", v, &s->hugepages))
		return -1;
	return 0;
}

static int vm_disk(struct ctx *c, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	struct scn_disk *d;

	if (!opt(e, "file") || !*opt(e, "file"))
		return bad(c, "disk without file=; expected file=PATH");
	s->disks = xrealloc(s->disks, (s->ndisks + 1) * sizeof(*s->disks));
	d = &s->disks[s->ndisks++];
	d->file = dup_opt(e, "file");
	d->format = dup_opt(e, "opt_format");
	d->iface = dup_opt(e, "opt_if");
	d->line = c->line;
	return 0;
}

static int vm_net(struct ctx *c, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	enum scn_net_kind kind;
	struct scn_net *n;
	const char *type = opt(e, "type"), *v, *mac;
	long vlan = 0;

	if (!type)
		return bad(c, "net without type=; expected type=nic, user, tap "
			      "or bridge");
	if (!strcmp(type, "nic"))
		kind = NET_NIC;
	else if (!strcmp(type, "user"))
		kind = NET_USER;
	else if (!strcmp(type, "tap") || !strcmp(type, "bridge"))
		kind = NET_TAP;
	else
		return bad(c,
			   "bad net type '%s'; expected nic, user, tap or "
			   "bridge",
			   type);
	if ((v = opt(e, "opt_vlan")) &&
	    num(c, "net opt_vlan", v, 0, INT_MAX, &vlan))
		return -1;
	mac = opt(e, "opt_macaddr") ? opt(e, "opt_macaddr") : opt(e, "opt_mac");
	if (check_mac(c, "net", mac))
		return -1;
	s->nets = xrealloc(s->nets, (s->nnets + 1) * sizeof(*s->nets));
	n = &s->nets[s->nnets++];
	n->kind = kind;
	n->model = dup_opt(e, "opt_model");
	n->mac = mac && *mac ? xstrdup(mac) : NULL;
	n->hostfwd = dup_opt(e, "opt_hostfwd");
	n->vlan = (int)vlan;
	n->line = c->line;
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

static int vm_device(struct ctx *c, const struct scn_entry *e)
{
	static const char expected[] = "expected driver=vhost-user, vfio-pci, "
				       "pci-assign or virtio-net-pci";
	struct scenario *s = c->s;
	struct strbuf what = STRBUF_INIT;
	struct scn_device *d;
	const char *drv = opt(e, "driver"), *v;
	long queues = 0;
	size_t i;
	int r;

	if (!drv)
		return bad(c, "device without driver=; %s", expected);
	if (!strcmp(drv, "vhost-cuse"))
		return bad(
		    c, "driver vhost-cuse was removed from DPDK (16.11) and "
		       "QEMU; expected driver=vhost-user");
	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(drivers[i].driver, drv))
			break;
	if (i == ARRAY_SIZE(drivers))
		return bad(c, "unknown device driver '%s'; %s", drv, expected);
	sb_printf(&what, "device driver=%s", drv);
	r = allowed(c, what.buf, e, drivers[i].opts);
	strbuf_release(&what);
	if (r)
		return -1;
	switch (drivers[i].kind) {
	case DEV_VHOST_USER:
		if (!opt(e, "opt_path") || !*opt(e, "opt_path"))
			return bad(c, "vhost-user device without opt_path=; "
				      "expected opt_path=SOCKET");
		if ((v = opt(e, "opt_queue")) &&
		    num(c, "vhost-user opt_queue", v, 1, 64, &queues))
			return -1;
		break;
	case DEV_VFIO_PCI:
	case DEV_PCI_ASSIGN:
		v = opt(e, "opt_host");
		if (!v || (strcmp(v, "lab") && !is_bdf(v)))
			return bad(c,
				   "bad opt_host '%s' for %s; expected a PCI "
				   "address (0000:07:10.0 or 07:10.0) or 'lab'",
				   v ? v : "", drv);
		break;
	case DEV_VIRTIO_NET_PCI:
		break;
	}
	if (check_mac(c, drv, opt(e, "opt_mac")))
		return -1;
	s->devices =
	    xrealloc(s->devices, (s->ndevices + 1) * sizeof(*s->devices));
	d = &s->devices[s->ndevices++];
	d->kind = drivers[i].kind;
	d->path = dup_opt(e, "opt_path");
	d->mac = dup_opt(e, "opt_mac");
	d->host = dup_opt(e, "opt_host");
	d->addr = dup_opt(e, "opt_addr");
	d->netdev = dup_opt(e, "opt_netdev");
	d->settings = dup_opt(e, "opt_settings");
	d->queues = (int)queues;
	d->line = c->line;
	return 0;
}

static int vm_vnc(struct ctx *c, const struct scn_entry *e)
{
	long n;

	if (num(c, "vnc displayNum", opt(e, "displayNum"), 0, 65535, &n))
		return -1;
	c->s->vnc = (int)n;
	return 0;
}

static int vm_qga(struct ctx *c, const struct scn_entry *e)
{
	return yesno(c, "qga enable", opt(e, "enable"), &c->s->qga);
}

static int vm_login(struct ctx *c, const struct scn_entry *e)
{
	if (opt(e, "user"))
		set_str(&c->s->login_user, dup_opt(e, "user"));
	if (opt(e, "password"))
		set_str(&c->s->login_password, dup_opt(e, "password"));
	return 0;
}

static int vm_usercmd(struct ctx *c, const struct scn_entry *e)
{
	set_str(&c->s->usercmd, dup_opt(e, "cmd"));
	return 0;
}

static int vm_machine(struct ctx *c, const struct scn_entry *e)
{
	const char *v = opt(e, "machine");

	if (!v || (strcmp(v, "q35") && strcmp(v, "pc") &&
		   !skip_prefix(v, "pc-q35-", NULL) &&
		   !skip_prefix(v, "pc-i440fx-", NULL)))
		return bad(c,
			   "bad machine '%s'; expected q35, pc, pc-q35-X.Y or "
			   "pc-i440fx-X.Y",
			   v ? v : "");
	set_str(&c->s->machine, xstrdup(v));
	return 0;
}

/* [host] */

static int host_vhost(struct ctx *c, const struct scn_entry *e)
{
	const char *b = opt(e, "backend");
	long n = 2;

	if (!b || strcmp(b, "testpmd"))
		return bad(c,
			   "bad vhost backend '%s'; expected backend=testpmd",
			   b ? b : "");
	if (opt(e, "ports") && num(c, "vhost ports", opt(e, "ports"), 1, 8, &n))
		return -1;
	c->s->host.vhost_ports = (int)n;
	c->s->host.line_vhost = c->line;
	return 0;
}

static int host_passthrough(struct ctx *c, const struct scn_entry *e)
{
	const char *d = opt(e, "device");

	if (!d || (strcmp(d, "lab") && !is_bdf(d)))
		return bad(c,
			   "bad passthrough device '%s'; expected device=BDF "
			   "(0000:07:10.0 or 07:10.0) or device=lab",
			   d ? d : "");
	set_str(&c->s->host.passthrough, xstrdup(d));
	c->s->host.line_passthrough = c->line;
	return 0;
}

/* [expect] */

static struct scn_check *add_check(struct ctx *c, enum scn_check_kind kind,
				   const struct scn_check *k)
{
	struct scenario *s = c->s;
	struct scn_check *n;

	s->checks = xrealloc(s->checks, (s->nchecks + 1) * sizeof(*s->checks));
	n = &s->checks[s->nchecks++];
	*n = *k;
	n->kind = kind;
	n->line = c->line;
	return n;
}

static int expect_pci(struct ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { .count = 1 };
	const char *v = opt(e, "id");
	struct scn_check *n;

	/* VVVV:DDDD, or up to 4 alternatives joined by '|'. */
	for (size_t i = 0, alt = 0; v && i <= strlen(v); i += 10, alt++)
		if (alt == 4 || !is_hex(v + i, 4) || v[i + 4] != ':' ||
		    !is_hex(v + i + 5, 4) || (v[i + 9] && v[i + 9] != '|') ||
		    (v[i + 9] == '|' && !v[i + 10]))
			return bad(c, "bad pci id '%s'; expected id=VVVV:DDDD (hex), "
				      "or alternatives VVVV:DDDD|VVVV:DDDD",
				   v);
	if (!v)
		return bad(c, "bad pci id ''; expected id=VVVV:DDDD (hex)");
	if (opt(e, "count") &&
	    num(c, "pci count", opt(e, "count"), 0, 256, &k.count))
		return -1;
	n = add_check(c, CHECK_PCI, &k);
	n->id = xstrdup(v);
	for (char *p = n->id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static int expect_cpus(struct ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (num(c, "cpus count", opt(e, "count"), 1, 256, &k.count))
		return -1;
	add_check(c, CHECK_CPUS, &k);
	return 0;
}

static int expect_mem(struct ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (num(c, "mem min (MiB)", opt(e, "min"), 1, 1048576, &k.min))
		return -1;
	if (opt(e, "max") &&
	    num(c, "mem max (MiB)", opt(e, "max"), k.min, 1048576, &k.max))
		return -1;
	add_check(c, CHECK_MEM, &k);
	return 0;
}

static int expect_link(struct ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { .count = 1 };

	if (opt(e, "count") &&
	    num(c, "link count", opt(e, "count"), 1, 64, &k.count))
		return -1;
	add_check(c, CHECK_LINK, &k);
	return 0;
}

static int expect_traffic(struct ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (num(c, "traffic packets", opt(e, "packets"), 1, 1000000, &k.count))
		return -1;
	add_check(c, CHECK_TRAFFIC, &k);
	return 0;
}

/*
 * The keys of each section. opts lists the options allowed (NULL: any,
 * for the DTS keys that do not change the guest here, and for device,
 * whose options depend on the driver); fill is NULL when the value is
 * not kept.
 */
struct key_rule {
	const char *key;
	const char *const *opts;
	int (*fill)(struct ctx *c, const struct scn_entry *e);
};

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct key_rule vm_keys[] = {
	{ "cpu", OPTS("model", "number", "cpupin", "numa"), vm_cpu },
	{ "mem", OPTS("size", "hugepage"), vm_mem },
	{ "disk", OPTS("file", "opt_format", "opt_if", "opt_index", "opt_media"),
	  vm_disk },
	{ "net",
	  OPTS("type", "opt_vlan", "opt_model", "opt_macaddr", "opt_mac",
	       "opt_hostfwd", "opt_addr", "opt_vectors", "opt_name", "opt_br",
	       "opt_script", "opt_downscript"),
	  vm_net },
	{ "device", NULL, vm_device },
	{ "vnc", OPTS("displayNum"), vm_vnc },
	{ "qga", OPTS("enable"), vm_qga },
	{ "login", OPTS("user", "password"), vm_login },
	{ "user", OPTS("user", "password"), vm_login },
	{ "usercmd", OPTS("cmd"), vm_usercmd },
	{ "machine", OPTS("machine", "opt_gic_version"), vm_machine },
	/* In real DTS cfgs; nothing here depends on them. */
	{ "qemu", NULL, NULL },
	{ "daemon", NULL, NULL },
	{ "name", NULL, NULL },
	{ "enable_kvm", NULL, NULL },
	{ "pflash", NULL, NULL },
	{ "start", NULL, NULL },
	{ "serial_port", NULL, NULL },
	{ "monitor", NULL, NULL },
	{ "pid_file", NULL, NULL },
	{ "migration", NULL, NULL },
	{ "kernel", NULL, NULL },
	{ "crypto", NULL, NULL },
	{ NULL, NULL, NULL }
};

static const struct key_rule host_keys[] = {
	{ "vhost", OPTS("backend", "ports"), host_vhost },
	{ "passthrough", OPTS("device"), host_passthrough },
	{ NULL, NULL, NULL }
};

static const struct key_rule expect_keys[] = {
	{ "pci", OPTS("id", "count"), expect_pci },
	{ "cpus", OPTS("count"), expect_cpus },
	{ "mem", OPTS("min", "max"), expect_mem },
	{ "link", OPTS("count"), expect_link },
	{ "traffic", OPTS("packets"), expect_traffic },
	{ NULL, NULL, NULL }
};

static const struct key_rule *section_keys(const char *section)
{
	if (!strcmp(section, "host"))
		return host_keys;
	if (!strcmp(section, "expect"))
		return expect_keys;
	return vm_keys;
}

static const struct key_rule *find_key(struct ctx *c, const char *key)
{
	const struct key_rule *rules = section_keys(c->section), *r;
	struct strbuf list = STRBUF_INIT;

	for (r = rules; r->key; r++)
		if (!strcmp(r->key, key))
			return r;
	for (r = rules; r->key; r++)
		sb_printf(&list, "%s%s", r == rules ? "" : ", ", r->key);
	bad(c, "unknown key '%s' in [%s]; expected one of %s", key, c->section,
	    list.buf);
	strbuf_release(&list);
	return NULL;
}

/* The entries of one line of key's value (text is modified). */
static int handle_line(struct ctx *c, const struct key_rule *rule, char *text)
{
	char *item = text;

	while (item) {
		char *semi = strchr(item, ';'), *t;
		struct scn_entry e = { NULL, 0, c->line };
		int r = 0;

		if (semi)
			*semi++ = '\0';
		t = trim(item);
		item = semi;
		if (!*t)
			continue;
		r = split_entry(c, t, &e);
		if (!r && rule->opts)
			r = allowed(c, rule->key, &e, rule->opts);
		if (!r && rule->fill)
			r = rule->fill(c, &e);
		entry_release(&e);
		if (r)
			return -1;
	}
	return 0;
}

static int new_section(struct ctx *c, struct strvec *seen, char *t)
{
	struct scenario *s = c->s;
	char *end = strchr(t, ']'), *name;

	if (!end || *trim(end + 1))
		return bad(c, "bad section header '%s'; expected [name]", t);
	*end = '\0';
	name = trim(t + 1);
	if (!*name)
		return bad(c,
			   "empty section name; expected [name] such as [vm0]");
	for (size_t i = 0; i < seen->nr; i++)
		if (!strcmp(seen->v[i], name))
			return bad(c,
				   "section [%s] given twice; expected each "
				   "section once",
				   name);
	strvec_push(seen, name);
	c->section = seen->v[seen->nr - 1];
	if (strcmp(name, "host") && strcmp(name, "expect")) {
		if (s->vm_name)
			return bad(
			    c,
			    "second VM section [%s] (the first is [%s]); "
			    "expected one VM per scenario",
			    name, s->vm_name);
		s->vm_name = xstrdup(name);
	}
	return 0;
}

static int is_passthrough(const struct scn_device *d)
{
	return d->kind == DEV_VFIO_PCI || d->kind == DEV_PCI_ASSIGN;
}

static int cross_checks(struct ctx *c)
{
	struct scenario *s = c->s;
	size_t vh = scenario_count_devices(s, DEV_VHOST_USER);

	c->section = s->vm_name;
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct scn_device *d = &s->devices[i];

		c->line = d->line;
		if (d->kind == DEV_VHOST_USER && !s->host.vhost_ports)
			return bad(
			    c, "a vhost-user device needs a backend; "
			       "expected 'vhost = backend=testpmd' in [host]");
		if (is_passthrough(d) && !s->host.passthrough)
			return bad(c, "a passthrough device needs the host to "
				      "provide it; expected 'passthrough = "
				      "device=...' in [host]");
		if (is_passthrough(d) && !strcmp(d->host, "lab") &&
		    strcmp(s->host.passthrough, "lab"))
			return bad(
			    c,
			    "opt_host=lab but [host] passthrough is '%s' "
			    "(line %d); expected device=lab there",
			    s->host.passthrough, s->host.line_passthrough);
	}
	for (size_t i = 0; i < s->nchecks; i++) {
		if (s->checks[i].kind != CHECK_TRAFFIC || vh >= 2)
			continue;
		c->line = s->checks[i].line;
		return bad(c,
			   "a traffic check needs two vhost-user devices, this "
			   "scenario has %zu; expected at least 2 "
			   "'device = driver=vhost-user,...'",
			   vh);
	}
	return 0;
}

int scenario_parse(struct scenario *s, const char *path, const char *text,
		   size_t len)
{
	struct ctx c = { s, path, NULL, 0 };
	struct strvec seen = STRVEC_INIT;
	const struct key_rule *rule = NULL; /* the key being continued */
	char *buf = xstrndup(text, len), *p = buf;
	const char *base = path_basename(path);
	int ret = -1;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->name = ends_with(base, ".cfg") ? xstrndup(base, strlen(base) - 4)
					  : xstrdup(base);
	s->machine = xstrdup("q35");
	s->cpus = 1;
	s->mem_mib = 512;
	s->vnc = -1;
	while (p && *p) {
		char *eol = strchr(p, '\n'), *t;
		int indented = *p == ' ' || *p == '\t';
		size_t k;
		char delim;

		if (eol)
			*eol = '\0';
		t = trim(p);
		p = eol ? eol + 1 : NULL;
		c.line++;
		if (!*t || *t == '#' || *t == ';')
			continue; /* a value goes on after these */
		if (indented && rule) {
			if (handle_line(&c, rule, t))
				goto out;
			continue;
		}
		rule = NULL;
		if (*t == '[') {
			if (new_section(&c, &seen, t))
				goto out;
			continue;
		}
		if (!c.section) {
			bad(&c,
			    "'%s' before any section; expected a [section] "
			    "first",
			    t);
			goto out;
		}
		k = strcspn(t, "=:");
		delim = t[k];
		if (!delim) {
			bad(&c, "bad line '%s'; expected key = value", t);
			goto out;
		}
		t[k] = '\0';
		for (char *q = t; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (!*trim(t)) {
			bad(&c, "no key before '%c'; expected key = value",
			    delim);
			goto out;
		}
		rule = find_key(&c, trim(t));
		if (!rule || handle_line(&c, rule, t + k + 1))
			goto out;
	}
	if (!s->vm_name) {
		c.line = c.line ? c.line : 1;
		bad(&c, "no VM section; expected one such as [vm0]");
		goto out;
	}
	if (cross_checks(&c))
		goto out;
	ret = 0;
out:
	free(buf);
	strvec_clear(&seen);
	if (ret)
		scenario_release(s);
	return ret;
}

int scenario_load(struct scenario *s, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(s, 0, sizeof(*s));
	if (data_file_read(path, &sb)) {
		strbuf_release(&sb);
		return -1;
	}
	ret = scenario_parse(s, path, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

void scenario_release(struct scenario *s)
{
	free(s->name);
	free(s->path);
	free(s->vm_name);
	free(s->machine);
	free(s->cpu_model);
	free(s->cpupin);
	free(s->login_user);
	free(s->login_password);
	free(s->usercmd);
	for (size_t i = 0; i < s->ndisks; i++) {
		free(s->disks[i].file);
		free(s->disks[i].format);
		free(s->disks[i].iface);
	}
	free(s->disks);
	for (size_t i = 0; i < s->nnets; i++) {
		free(s->nets[i].model);
		free(s->nets[i].mac);
		free(s->nets[i].hostfwd);
	}
	free(s->nets);
	for (size_t i = 0; i < s->ndevices; i++) {
		struct scn_device *d = &s->devices[i];

		free(d->path);
		free(d->mac);
		free(d->host);
		free(d->addr);
		free(d->netdev);
		free(d->settings);
	}
	free(s->devices);
	free(s->host.passthrough);
	for (size_t i = 0; i < s->nchecks; i++)
		free(s->checks[i].id);
	free(s->checks);
	memset(s, 0, sizeof(*s));
}

size_t scenario_count_devices(const struct scenario *s, enum scn_dev_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ndevices; i++)
		n += s->devices[i].kind == k;
	return n;
}
