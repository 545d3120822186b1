/*
 * Loading scenario files (see scenario.h): a small INI reader with
 * DTS's value rules, then a table-driven check of every key and option.
 */
#include <ctype.h>
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
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error("%s:%d: %s", c->path, c->line, msg);
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

/* Splits an entry into options; opt_settings keeps the rest. */
static void split_entry(char *text, struct scn_entry *e)
{
	size_t alloc = 0;
	char *p = text;

	while (p && *p) {
		char *comma = strchr(p, ','), *eq;
		struct scn_opt o;

		if (!strncmp(trim(p), "opt_settings=", 13))
			comma = NULL;
		if (comma)
			*comma = '\0';
		eq = strchr(p, '=');
		if (eq)
			*eq = '\0';
		o.name = xstrdup(trim(p));
		o.value = xstrdup(eq ? trim(eq + 1) : "");
		if (*o.name) {
			e->opts = xgrow(e->opts, sizeof(*e->opts), e->nr + 1, &alloc);
			e->opts[e->nr++] = o;
		} else {
			free(o.name);
			free(o.value);
		}
		p = comma ? comma + 1 : NULL;
	}
}

static const char *opt(const struct scn_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nr; i++)
		if (!strcmp(e->opts[i].name, name))
			return e->opts[i].value;
	return NULL;
}

static int allowed(struct ctx *c, const char *key, const struct scn_entry *e,
		   const char *const *names)
{
	for (size_t i = 0; i < e->nr; i++) {
		int ok = 0;

		for (const char *const *n = names; *n; n++)
			ok |= !strcmp(*n, e->opts[i].name);
		if (!ok) {
			struct strbuf list = STRBUF_INIT;
			int r;

			for (const char *const *n = names; *n; n++)
				sb_printf(&list, "%s%s", list.len ? ", " : "", *n);
			r = bad(c, "unknown option '%s' for %s in [%s]; expected %s",
				e->opts[i].name, key, c->section,
				list.len ? list.buf : "no options");
			strbuf_release(&list);
			return r;
		}
	}
	return 0;
}

static int num(struct ctx *c, const char *what, const char *v, long min,
	       long max, long *out)
{
	if (!v || parse_long(v, min, max, out))
		return bad(c, "bad value '%s' for %s; expected an integer from %ld "
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
	return bad(c, "bad value '%s' for %s; expected yes or no", v ? v : "", what);
}

static int is_mac(const char *m)
{
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return 0;
	}
	return m[17] == '\0';
}

static int is_bdf(const char *b)
{
	/* [DDDD:]BB:SS.F */
	size_t n = strlen(b);
	const char *p = n == 12 ? b + 5 : b;

	if (n != 7 && n != 12)
		return 0;
	if (n == 12 && (b[4] != ':' || !isxdigit((unsigned char)b[0])))
		return 0;
	return isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) &&
	       p[2] == ':' && isxdigit((unsigned char)p[3]) &&
	       isxdigit((unsigned char)p[4]) && p[5] == '.' &&
	       p[6] >= '0' && p[6] <= '7';
}

static char *dup_opt(const struct scn_entry *e, const char *name)
{
	const char *v = opt(e, name);

	return v && *v ? xstrdup(v) : NULL;
}

static int vm_entry(struct ctx *c, const char *key, const struct scn_entry *e)
{
	static const char *const cpu_o[] = { "model", "number", "cpupin", "numa", NULL };
	static const char *const mem_o[] = { "size", "hugepage", NULL };
	static const char *const disk_o[] = { "file", "opt_format", "opt_if", "opt_index", "opt_media", NULL };
	static const char *const net_o[] = { "type", "opt_vlan", "opt_model", "opt_macaddr", "opt_mac",
					     "opt_hostfwd", "opt_addr", "opt_vectors", "opt_name", "opt_br",
					     "opt_script", "opt_downscript", NULL };
	static const char *const vhost_o[] = { "driver", "opt_path", "opt_mac", "opt_queue", "opt_settings",
					       "opt_server", "opt_legacy", NULL };
	static const char *const pt_o[] = { "driver", "opt_host", "opt_addr", NULL };
	static const char *const vnet_o[] = { "driver", "opt_netdev", "opt_id", "opt_mac", "opt_bus",
					      "opt_addr", "opt_settings", NULL };
	static const char *const login_o[] = { "user", "password", NULL };
	struct scenario *s = c->s;
	const char *v;
	long n;

	if (!strcmp(key, "cpu")) {
		if (allowed(c, key, e, cpu_o))
			return -1;
		if ((v = opt(e, "number")) && num(c, "cpu number", v, 1, 256, &n))
			return -1;
		if (v)
			s->cpus = (int)n;
		if ((v = opt(e, "cpupin"))) {
			if (strspn(v, "0123456789 ") != strlen(v))
				return bad(c, "bad cpupin '%s'; expected host CPU numbers "
					      "separated by spaces",
					   v);
			free(s->cpupin);
			s->cpupin = xstrdup(v);
		}
		if (opt(e, "model")) {
			free(s->cpu_model);
			s->cpu_model = dup_opt(e, "model");
		}
	} else if (!strcmp(key, "mem")) {
		if (allowed(c, key, e, mem_o))
			return -1;
		if ((v = opt(e, "size")) && num(c, "mem size (MiB)", v, 16, 1048576, &s->mem_mib))
			return -1;
		if ((v = opt(e, "hugepage")) && yesno(c, "mem hugepage", v, &s->hugepages))
			return -1;
	} else if (!strcmp(key, "disk")) {
		struct scn_disk d = { 0 };

		if (allowed(c, key, e, disk_o))
			return -1;
		if (!opt(e, "file") || !*opt(e, "file"))
			return bad(c, "disk without file=; expected file=PATH");
		d.file = dup_opt(e, "file");
		d.format = dup_opt(e, "opt_format");
		d.iface = dup_opt(e, "opt_if");
		d.line = c->line;
		s->disks = xrealloc(s->disks, (s->ndisks + 1) * sizeof(d));
		s->disks[s->ndisks++] = d;
	} else if (!strcmp(key, "net")) {
		struct scn_net d = { 0 };

		if (allowed(c, key, e, net_o))
			return -1;
		v = opt(e, "type");
		if (!v)
			return bad(c, "net without type=; expected type=nic, user, tap or bridge");
		if (!strcmp(v, "nic"))
			d.kind = NET_NIC;
		else if (!strcmp(v, "user"))
			d.kind = NET_USER;
		else if (!strcmp(v, "tap") || !strcmp(v, "bridge"))
			d.kind = NET_TAP;
		else
			return bad(c, "bad net type '%s'; expected nic, user, tap or bridge", v);
		if ((v = opt(e, "opt_vlan")) && num(c, "net opt_vlan", v, 0, 4095, &n))
			return -1;
		d.vlan = v ? (int)n : 0;
		v = opt(e, "opt_macaddr") ? opt(e, "opt_macaddr") : opt(e, "opt_mac");
		if (v && !is_mac(v))
			return bad(c, "bad MAC address '%s'; expected xx:xx:xx:xx:xx:xx", v);
		d.mac = v ? xstrdup(v) : NULL;
		d.model = dup_opt(e, "opt_model");
		d.hostfwd = dup_opt(e, "opt_hostfwd");
		d.line = c->line;
		s->nets = xrealloc(s->nets, (s->nnets + 1) * sizeof(d));
		s->nets[s->nnets++] = d;
	} else if (!strcmp(key, "device")) {
		struct scn_device d = { 0 };
		const char *drv = opt(e, "driver");

		if (!drv)
			return bad(c, "device without driver=; expected driver=vhost-user, "
				      "vfio-pci, pci-assign or virtio-net-pci");
		if (!strcmp(drv, "vhost-user")) {
			d.kind = DEV_VHOST_USER;
			if (allowed(c, key, e, vhost_o))
				return -1;
			if (!opt(e, "opt_path") || !*opt(e, "opt_path"))
				return bad(c, "vhost-user device without opt_path=; expected "
					      "opt_path=SOCKET");
			if ((v = opt(e, "opt_queue")) && num(c, "opt_queue", v, 1, 64, &n))
				return -1;
			d.queues = v ? (int)n : 0;
		} else if (!strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-assign")) {
			d.kind = !strcmp(drv, "vfio-pci") ? DEV_VFIO_PCI : DEV_PCI_ASSIGN;
			if (allowed(c, key, e, pt_o))
				return -1;
			v = opt(e, "opt_host");
			if (!v || (strcmp(v, "lab") && !is_bdf(v)))
				return bad(c, "bad opt_host '%s'; expected a PCI address "
					      "(0000:07:10.0 or 07:10.0) or 'lab'",
					   v ? v : "");
		} else if (!strcmp(drv, "virtio-net-pci")) {
			d.kind = DEV_VIRTIO_NET_PCI;
			if (allowed(c, key, e, vnet_o))
				return -1;
		} else if (!strcmp(drv, "vhost-cuse")) {
			return bad(c, "driver vhost-cuse was removed from DPDK (17.02); "
				      "expected vhost-user");
		} else {
			return bad(c, "unknown device driver '%s'; expected vhost-user, "
				      "vfio-pci, pci-assign or virtio-net-pci",
				   drv);
		}
		if ((v = opt(e, "opt_mac")) && !is_mac(v))
			return bad(c, "bad MAC address '%s'; expected xx:xx:xx:xx:xx:xx", v);
		d.path = dup_opt(e, "opt_path");
		d.mac = dup_opt(e, "opt_mac");
		d.host = dup_opt(e, "opt_host");
		d.addr = dup_opt(e, "opt_addr");
		d.netdev = dup_opt(e, "opt_netdev");
		d.settings = dup_opt(e, "opt_settings");
		d.line = c->line;
		s->devices = xrealloc(s->devices, (s->ndevices + 1) * sizeof(d));
		s->devices[s->ndevices++] = d;
	} else if (!strcmp(key, "vnc")) {
		static const char *const o[] = { "displayNum", "displaynum", NULL };

		if (allowed(c, key, e, o))
			return -1;
		v = opt(e, "displayNum") ? opt(e, "displayNum") : opt(e, "displaynum");
		if (num(c, "vnc displayNum", v, 0, 65535, &n))
			return -1;
		s->vnc = (int)n;
	} else if (!strcmp(key, "qga")) {
		static const char *const o[] = { "enable", NULL };

		if (allowed(c, key, e, o) || yesno(c, "qga enable", opt(e, "enable"), &s->qga))
			return -1;
	} else if (!strcmp(key, "login") || !strcmp(key, "user")) {
		if (allowed(c, key, e, login_o))
			return -1;
		free(s->login_user);
		free(s->login_password);
		s->login_user = dup_opt(e, "user");
		s->login_password = dup_opt(e, "password");
	} else if (!strcmp(key, "usercmd")) {
		static const char *const o[] = { "cmd", NULL };

		if (allowed(c, key, e, o))
			return -1;
		free(s->usercmd);
		s->usercmd = dup_opt(e, "cmd");
	} else if (!strcmp(key, "machine")) {
		static const char *const o[] = { "machine", "opt_gic_version", NULL };

		if (allowed(c, key, e, o))
			return -1;
		v = opt(e, "machine");
		if (!v || (strcmp(v, "q35") && strcmp(v, "pc") &&
			   strncmp(v, "pc-q35-", 7) && strncmp(v, "pc-i440fx-", 10)))
			return bad(c, "bad machine '%s'; expected q35, pc, pc-q35-X.Y "
				      "or pc-i440fx-X.Y",
				   v ? v : "");
		free(s->machine);
		s->machine = xstrdup(v);
	} else {
		/* Keys real DTS cfgs carry that do not change the guest here. */
		static const char *const known[] = { "qemu", "daemon", "name", "enable_kvm",
						     "pflash", "start", "serial_port", "monitor",
						     "pid_file", "migration", "kernel", "crypto", NULL };

		for (const char *const *k = known; *k; k++)
			if (!strcmp(*k, key))
				return 0;
		return bad(c, "unknown key '%s' in [%s]; expected one of cpu, mem, disk, "
			      "net, device, vnc, qga, login, user, usercmd, machine, qemu, "
			      "daemon, name, enable_kvm, pflash, start, serial_port, "
			      "monitor, pid_file, migration, kernel, crypto",
			   key, c->section);
	}
	return 0;
}

static int host_entry(struct ctx *c, const char *key, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	long n = 2;

	if (!strcmp(key, "vhost")) {
		static const char *const o[] = { "backend", "ports", NULL };
		const char *b = opt(e, "backend");

		if (allowed(c, key, e, o))
			return -1;
		if (!b || strcmp(b, "testpmd"))
			return bad(c, "bad vhost backend '%s'; expected backend=testpmd",
				   b ? b : "");
		if (opt(e, "ports") && num(c, "vhost ports", opt(e, "ports"), 1, 8, &n))
			return -1;
		s->host.vhost_ports = (int)n;
		s->host.line_vhost = c->line;
	} else if (!strcmp(key, "passthrough")) {
		static const char *const o[] = { "device", NULL };
		const char *d = opt(e, "device");

		if (allowed(c, key, e, o))
			return -1;
		if (!d || (strcmp(d, "lab") && !is_bdf(d)))
			return bad(c, "bad passthrough device '%s'; expected a PCI "
				      "address or 'lab'",
				   d ? d : "");
		free(s->host.passthrough);
		s->host.passthrough = xstrdup(d);
		s->host.line_passthrough = c->line;
	} else {
		return bad(c, "unknown key '%s' in [host]; expected vhost or passthrough",
			   key);
	}
	return 0;
}

static int expect_entry(struct ctx *c, const char *key, const struct scn_entry *e)
{
	struct scenario *s = c->s;
	struct scn_check k = { 0 };
	const char *v;

	k.line = c->line;
	if (!strcmp(key, "pci")) {
		static const char *const o[] = { "id", "count", NULL };
		char id[16];

		if (allowed(c, key, e, o))
			return -1;
		v = opt(e, "id");
		if (!v || strlen(v) != 9 || v[4] != ':' || strspn(v, "0123456789abcdefABCDEF:") != 9)
			return bad(c, "bad pci id '%s'; expected id=VVVV:DDDD (hex)", v ? v : "");
		for (int i = 0; i < 10; i++)
			id[i] = (char)tolower((unsigned char)v[i]);
		k.kind = CHECK_PCI;
		k.id = xstrdup(id);
		k.count = 1;
		if ((v = opt(e, "count")) && num(c, "pci count", v, 0, 64, &k.count)) {
			free(k.id);
			return -1;
		}
	} else if (!strcmp(key, "cpus")) {
		static const char *const o[] = { "count", NULL };

		if (allowed(c, key, e, o) || num(c, "cpus count", opt(e, "count"), 1, 256, &k.count))
			return -1;
		k.kind = CHECK_CPUS;
	} else if (!strcmp(key, "mem")) {
		static const char *const o[] = { "min", "max", NULL };

		if (allowed(c, key, e, o) || num(c, "mem min (MiB)", opt(e, "min"), 1, 1048576, &k.min) ||
		    (opt(e, "max") && num(c, "mem max (MiB)", opt(e, "max"), k.min, 1048576, &k.max)))
			return -1;
		k.kind = CHECK_MEM;
	} else if (!strcmp(key, "link")) {
		static const char *const o[] = { "count", NULL };

		k.count = 1;
		if (allowed(c, key, e, o) ||
		    (opt(e, "count") && num(c, "link count", opt(e, "count"), 1, 64, &k.count)))
			return -1;
		k.kind = CHECK_LINK;
	} else if (!strcmp(key, "traffic")) {
		static const char *const o[] = { "packets", NULL };

		if (allowed(c, key, e, o) ||
		    num(c, "traffic packets", opt(e, "packets"), 1, 1000000, &k.count))
			return -1;
		k.kind = CHECK_TRAFFIC;
	} else {
		return bad(c, "unknown key '%s' in [expect]; expected pci, cpus, mem, "
			      "link or traffic",
			   key);
	}
	s->checks = xrealloc(s->checks, (s->nchecks + 1) * sizeof(k));
	s->checks[s->nchecks++] = k;
	return 0;
}

/* One `key = value` (with its continuation lines) of a section. */
static int handle_value(struct ctx *c, const char *key, char *value, int first_line)
{
	int line = first_line, ret = 0;
	char *p = value;

	while (p && !ret) {
		char *eol = strchr(p, '\n'), *item = p;

		if (eol)
			*eol = '\0';
		c->line = line;
		while (item && !ret) {
			char *semi = strchr(item, ';');
			struct scn_entry e = { 0 };
			char *t;

			if (semi)
				*semi = '\0';
			t = trim(item);
			if (*t) {
				split_entry(t, &e);
				e.line = line;
				if (!strcmp(c->section, "host"))
					ret = host_entry(c, key, &e);
				else if (!strcmp(c->section, "expect"))
					ret = expect_entry(c, key, &e);
				else
					ret = vm_entry(c, key, &e);
				for (size_t i = 0; i < e.nr; i++) {
					free(e.opts[i].name);
					free(e.opts[i].value);
				}
				free(e.opts);
			}
			item = semi ? semi + 1 : NULL;
		}
		p = eol ? eol + 1 : NULL;
		line++;
	}
	return ret;
}

static int cross_checks(struct ctx *c)
{
	struct scenario *s = c->s;
	size_t vh = scenario_count_devices(s, DEV_VHOST_USER);

	for (size_t i = 0; i < s->ndevices; i++) {
		const struct scn_device *d = &s->devices[i];

		c->line = d->line;
		if (d->kind == DEV_VHOST_USER && !s->host.vhost_ports)
			return bad(c, "a vhost-user device needs a backend; expected "
				      "'vhost = backend=testpmd' in [host]");
		if ((d->kind == DEV_VFIO_PCI || d->kind == DEV_PCI_ASSIGN) &&
		    !s->host.passthrough)
			return bad(c, "a passthrough device needs the host to provide "
				      "it; expected 'passthrough = device=...' in [host]");
		if ((d->kind == DEV_VFIO_PCI || d->kind == DEV_PCI_ASSIGN) &&
		    !strcmp(d->host, "lab") && strcmp(s->host.passthrough, "lab"))
			return bad(c, "opt_host=lab but [host] passthrough is '%s'; "
				      "expected device=lab",
				   s->host.passthrough);
	}
	for (size_t i = 0; i < s->nchecks; i++)
		if (s->checks[i].kind == CHECK_TRAFFIC && vh < 2) {
			c->line = s->checks[i].line;
			return bad(c, "a traffic check needs two vhost-user devices; "
				      "this scenario has %zu",
				   vh);
		}
	return 0;
}

int scenario_parse(struct scenario *s, const char *path, const char *text, size_t len)
{
	struct ctx c = { s, path, NULL, 0 };
	struct strvec seen = STRVEC_INIT;
	struct strbuf value = STRBUF_INIT;
	char *key = NULL, *section = NULL, *buf = xstrndup(text, len);
	const char *base = path_basename(path);
	int key_line = 0, lineno = 0, ret = -1;
	char *p = buf;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->name = ends_with(base, ".cfg") ? xstrndup(base, strlen(base) - 4) : xstrdup(base);
	s->cpus = 1;
	s->mem_mib = 512;
	s->vnc = -1;
	for (;;) {
		char *eol = p ? strchr(p, '\n') : NULL, *t;
		int cont;

		if (p && eol)
			*eol = '\0';
		lineno += p != NULL;
		cont = p && (*p == ' ' || *p == '\t') && *trim(p);
		t = p ? trim(p) : NULL;
		/* A finished key = value goes to its section. */
		if (key && (!p || (!cont && *t) || (t && (*t == '[')))) {
			char empty[1] = "";

			c.section = section;
			if (handle_value(&c, key, value.buf ? value.buf : empty, key_line))
				goto out;
			free(key);
			key = NULL;
			strbuf_reset(&value);
		}
		if (!p)
			break;
		c.line = lineno;
		if (!*t || *t == '#' || *t == ';') {
			/* blank or comment */
		} else if (cont && key) {
			sb_printf(&value, "\n%s", t);
		} else if (*t == '[') {
			char *end = strchr(t, ']');

			if (!end || end[1]) {
				bad(&c, "bad section header '%s'; expected [name]", t);
				goto out;
			}
			*end = '\0';
			free(section);
			section = xstrdup(trim(t + 1));
			for (size_t i = 0; i < seen.nr; i++)
				if (!strcmp(seen.v[i], section)) {
					bad(&c, "section [%s] given twice", section);
					goto out;
				}
			strvec_push(&seen, section);
			if (strcmp(section, "host") && strcmp(section, "expect")) {
				if (s->vm_name) {
					bad(&c, "second VM section [%s] (the first is [%s]); "
						"expected one VM per scenario",
					    section, s->vm_name);
					goto out;
				}
				s->vm_name = xstrdup(section);
			}
		} else {
			size_t k = strcspn(t, "=:");

			if (!section) {
				bad(&c, "'%s' before any section; expected a [section] first", t);
				goto out;
			}
			if (!t[k]) {
				bad(&c, "'%s' is not 'key = value'", t);
				goto out;
			}
			t[k] = '\0';
			key = xstrdup(trim(t));
			for (char *q = key; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			key_line = lineno;
			strbuf_reset(&value);
			sb_puts(&value, trim(t + k + 1));
		}
		p = eol ? eol + 1 : NULL;
	}
	if (!s->vm_name) {
		c.line = lineno;
		bad(&c, "no VM section; expected one such as [vm0]");
		goto out;
	}
	if (cross_checks(&c))
		goto out;
	ret = 0;
out:
	free(key);
	free(section);
	free(buf);
	strvec_clear(&seen);
	strbuf_release(&value);
	if (ret)
		scenario_release(s);
	return ret;
}

int scenario_load(struct scenario *s, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(s, 0, sizeof(*s));
	if (data_file_read(path, &sb))
		return -1;
	ret = scenario_parse(s, path, sb.buf ? sb.buf : "", sb.len);
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
	for (size_t i = 0; i < s->ndisks; i++)
		free(s->disks[i].file), free(s->disks[i].format), free(s->disks[i].iface);
	free(s->disks);
	for (size_t i = 0; i < s->nnets; i++)
		free(s->nets[i].model), free(s->nets[i].mac), free(s->nets[i].hostfwd);
	free(s->nets);
	for (size_t i = 0; i < s->ndevices; i++) {
		struct scn_device *d = &s->devices[i];

		free(d->path), free(d->mac), free(d->host), free(d->addr);
		free(d->netdev), free(d->settings);
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
