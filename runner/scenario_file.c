/*
 * The sections of a scenario file that are not VMs (scenario.h): [host]
 * (what the host provides), [expect] (what the guest must show) and
 * DTS's [scene], one row per key; then the checks that need the whole
 * file, run once it is read: which backend serves the vhost-user
 * devices, which device the host passes through, which VFs exist.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "banned.h"

/* [host] */

static int host_vhost(struct scn_ctx *c, const struct scn_entry *e)
{
	const char *b = scn_opt(e, "backend");
	long n = 2;

	if (!b || strcmp(b, "testpmd"))
		return scn_bad(c, "bad vhost backend '%s'; expected backend=testpmd",
			       b ? b : "");
	if (scn_opt(e, "ports") &&
	    scn_num(c, "vhost ports", scn_opt(e, "ports"), 1, 8, &n))
		return -1;
	c->s->host.vhost_ports = (int)n;
	c->s->host.line_vhost = c->line;
	return 0;
}

static int host_passthrough(struct scn_ctx *c, const struct scn_entry *e)
{
	const char *d = scn_opt(e, "device");

	if (!d || (strcmp(d, "lab") && !scn_is_bdf(d)))
		return scn_bad(c,
			       "bad passthrough device '%s'; expected device=BDF "
			       "(0000:07:10.0 or 07:10.0) or device=lab",
			       d ? d : "");
	scn_set_str(&c->s->host.passthrough, xstrdup(d));
	c->s->host.line_passthrough = c->line;
	return 0;
}

const struct scn_key scn_host_keys[] = {
	{ "vhost", OPTS("backend", "ports"), host_vhost, NULL },
	{ "passthrough", OPTS("device"), host_passthrough, NULL },
	{ NULL, NULL, NULL, NULL }
};

/* [expect] */

static struct scn_check *add_check(struct scn_ctx *c, enum scn_check_kind kind,
				   const struct scn_check *k)
{
	struct scenario *s = c->s;
	struct scn_check *n;

	s->checks = xrealloc(s->checks, (s->nchecks + 1) * sizeof(*s->checks));
	n = &s->checks[s->nchecks++];
	*n = *k;
	n->kind = kind;
	n->line = c->line;
	n->vm_name = c->expect_vm ? xstrdup(c->expect_vm) : NULL;
	n->vm = -1;
	return n;
}

static int expect_pci(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { .count = 1 };
	const char *v = scn_opt(e, "id");
	struct scn_check *n;

	/* VVVV:DDDD, or up to 4 alternatives joined by '|'. */
	for (size_t i = 0, alt = 0; v && i <= strlen(v); i += 10, alt++)
		if (alt == 4 || !scn_is_hex(v + i, 4) || v[i + 4] != ':' ||
		    !scn_is_hex(v + i + 5, 4) || (v[i + 9] && v[i + 9] != '|') ||
		    (v[i + 9] == '|' && !v[i + 10]))
			return scn_bad(c,
				       "bad pci id '%s'; expected id=VVVV:DDDD "
				       "(hex), or alternatives VVVV:DDDD|VVVV:DDDD",
				       v);
	if (!v)
		return scn_bad(c, "bad pci id ''; expected id=VVVV:DDDD (hex)");
	if (scn_opt(e, "count") &&
	    scn_num(c, "pci count", scn_opt(e, "count"), 0, 256, &k.count))
		return -1;
	n = add_check(c, CHECK_PCI, &k);
	n->id = xstrdup(v);
	for (char *p = n->id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static int expect_cpus(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (scn_num(c, "cpus count", scn_opt(e, "count"), 1, 256, &k.count))
		return -1;
	add_check(c, CHECK_CPUS, &k);
	return 0;
}

static int expect_mem(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (scn_num(c, "mem min (MiB)", scn_opt(e, "min"), 1, 1048576, &k.min))
		return -1;
	if (scn_opt(e, "max") &&
	    scn_num(c, "mem max (MiB)", scn_opt(e, "max"), k.min, 1048576, &k.max))
		return -1;
	add_check(c, CHECK_MEM, &k);
	return 0;
}

static int expect_link(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { .count = 1 };

	if (scn_opt(e, "count") &&
	    scn_num(c, "link count", scn_opt(e, "count"), 1, 64, &k.count))
		return -1;
	add_check(c, CHECK_LINK, &k);
	return 0;
}

static int expect_traffic(struct scn_ctx *c, const struct scn_entry *e)
{
	struct scn_check k = { 0 };

	if (scn_num(c, "traffic packets", scn_opt(e, "packets"), 1, 1000000,
		    &k.count))
		return -1;
	add_check(c, CHECK_TRAFFIC, &k);
	return 0;
}

const struct scn_key scn_expect_keys[] = {
	{ "pci", OPTS("id", "count"), expect_pci, NULL },
	{ "cpus", OPTS("count"), expect_cpus, NULL },
	{ "mem", OPTS("min", "max"), expect_mem, NULL },
	{ "link", OPTS("count"), expect_link, NULL },
	{ "traffic", OPTS("packets"), expect_traffic, NULL },
	{ NULL, NULL, NULL, NULL }
};

/* [scene]: DTS's scene settings (virt_scene.py); nothing here runs them. */

static int scene_host(struct scn_ctx *c, const struct scn_entry *e)
{
	/* virt_scene.py refuses a host without these two. */
	if (!scn_opt(e, "dpdk") || !scn_opt(e, "cores"))
		return scn_bad(c, "scene host without %s=; expected "
				  "dpdk=testpmd,cores=LIST",
			       scn_opt(e, "dpdk") ? "cores" : "dpdk");
	return 0;
}

const struct scn_key scn_scene_keys[] = {
	{ "suite", OPTS("dut", "portmap", "tester", "type"), NULL,
	  "is noted: DTS's suite settings; the runner runs the VM's own checks" },
	{ "host", OPTS("dpdk", "cores", "target"), scene_host,
	  "is noted: the runner starts no DPDK application for a scene's "
	  "host ports" },
	{ NULL, NULL, NULL, NULL }
};

/* Across sections */

static int is_passthrough(const struct scn_device *d)
{
	return d->kind == DEV_VFIO_PCI || d->kind == DEV_PCI_ASSIGN;
}

/* A VF exists when a dev_gen makes it: DTS finds no VF port otherwise. */
static int check_vf(struct scn_ctx *c, const struct scn_device *d)
{
	const struct scn_vf_gen *g = scenario_vf_gen(c->s, d->pf);

	if (!g)
		return scn_bad(c,
			       "VF %d of host port %d, but no dev_gen makes VFs "
			       "on port %d; expected 'dev_gen = pf_idx=%d,"
			       "vf_num=N,driver=...' in the file",
			       d->vf, d->pf, d->pf, d->pf);
	if (d->vf >= g->vfs)
		return scn_bad(c,
			       "VF %d of host port %d, but dev_gen makes %d on "
			       "it (line %d); expected vf_idx below %d",
			       d->vf, d->pf, g->vfs, g->line, g->vfs);
	return 0;
}

/*
 * Two vhost-user devices of vm on one socket: DTS's vhost sample serves
 * both there; testpmd attaches every connection of a socket to one port.
 */
static void note_shared_socket(struct scn_ctx *c, const struct scn_vm *vm,
			       size_t i)
{
	const struct scn_device *d = &vm->devices[i];

	for (size_t k = 0; k < i; k++) {
		const struct scn_device *o = &vm->devices[k];

		if (o->kind != DEV_VHOST_USER || strcmp(o->path, d->path))
			continue;
		scn_note(c, "vhost-user devices of lines %d and %d share the "
			    "socket '%s': testpmd serves one port per socket, so "
			    "give each device its own",
			 o->line, d->line, d->path);
		return;
	}
}

static int check_devices(struct scn_ctx *c, struct scn_vm *vm,
			 int *vhost_default)
{
	const struct scn_host *h = &c->s->host;

	for (size_t i = 0; i < vm->ndevices; i++) {
		const struct scn_device *d = &vm->devices[i];

		c->line = d->line;
		if (d->kind == DEV_VHOST_USER) {
			*vhost_default |= !h->vhost_ports;
			note_shared_socket(c, vm, i);
		}
		if (d->kind == DEV_SRIOV_VF && check_vf(c, d))
			return -1;
		if (is_passthrough(d) && !h->passthrough)
			return scn_bad(c, "a passthrough device needs the host to "
					  "provide it; expected 'passthrough = "
					  "device=...' in [host]");
		if (is_passthrough(d) && !strcmp(d->host, "lab") &&
		    strcmp(h->passthrough, "lab"))
			return scn_bad(c,
				       "opt_host=lab but [host] passthrough is "
				       "'%s' (line %d); expected device=lab there",
				       h->passthrough, h->line_passthrough);
	}
	return 0;
}

/* [expect NAME]: NAME must be one of the file's VMs. */
static int resolve_expect(struct scn_ctx *c, struct scn_check *k)
{
	const struct scenario *s = c->s;
	struct strbuf names = STRBUF_INIT;

	if (!k->vm_name)
		return 0;
	for (size_t i = 0; i < s->nvms; i++)
		if (!strcmp(s->vms[i].name, k->vm_name)) {
			k->vm = (int)i;
			return 0;
		}
	for (size_t i = 0; i < s->nvms; i++)
		sb_printf(&names, "%s[expect %s]", i ? ", " : "", s->vms[i].name);
	c->section = "expect";
	c->line = k->line;
	scn_bad(c, "[expect %s] names no VM of this file; expected one of %s",
		k->vm_name, names.buf);
	strbuf_release(&names);
	return -1;
}

/*
 * A traffic check of VM k sends from its first vhost-user port to the
 * port testpmd pairs with it (scenario_vhost_peer): another port of k,
 * or a port of another VM, which must then run a traffic check too, so
 * that it is up, addressed and sending when k counts what it receives.
 */
static int check_traffic(struct scn_ctx *c, const struct scn_check *k, size_t vm)
{
	const struct scenario *s = c->s;
	struct scn_port me, peer;

	c->section = "expect";
	c->line = k->line;
	if (scenario_vhost_port(s, vm, 0, &me))
		return scn_bad(c, "a traffic check needs a vhost-user device in "
				  "[%s], which has none; expected 'device = "
				  "driver=vhost-user,...' there",
			       s->vms[vm].name);
	if (scenario_vhost_peer(s, &me, &peer)) {
		size_t n = 0;

		for (size_t v = 0; v < s->nvms; v++)
			n += scn_vm_count_devices(&s->vms[v], DEV_VHOST_USER);
		return scn_bad(c, "a traffic check needs two vhost-user devices, "
				  "this scenario has %zu; expected at least 2 "
				  "'device = driver=vhost-user,...' (testpmd "
				  "forwards port %zu to port %zu)",
			       n, me.port, me.port ^ 1);
	}
	if (peer.vm == vm)
		return 0;
	for (size_t i = 0; i < s->nchecks; i++)
		if (s->checks[i].kind == CHECK_TRAFFIC &&
		    scn_check_applies(&s->checks[i], peer.vm))
			return 0;
	return scn_bad(c, "the traffic check for [%s] goes through testpmd to "
			  "[%s] (its device of line %d), which runs none; "
			  "expected a traffic check for [%s] too ([expect] or "
			  "[expect %s]), so that it answers",
		       s->vms[vm].name, s->vms[peer.vm].name,
		       s->vms[peer.vm].devices[peer.dev].line, s->vms[peer.vm].name,
		       s->vms[peer.vm].name);
}

int scn_cross_checks(struct scn_ctx *c)
{
	struct scenario *s = c->s;
	int vhost_default = 0;

	for (size_t k = 0; k < s->nvms; k++) {
		c->vm = &s->vms[k];
		c->section = c->vm->name;
		if (check_devices(c, c->vm, &vhost_default))
			return -1;
	}
	c->vm = NULL;
	if (vhost_default) {
		/* What 'vhost = backend=testpmd' gives. */
		s->host.vhost_ports = 2;
		strvec_push(&s->notes, "vhost-user devices get DPDK testpmd as "
				       "their backend, as 'vhost = backend=testpmd' "
				       "in [host] gives");
	}
	for (size_t i = 0; i < s->nchecks; i++)
		if (resolve_expect(c, &s->checks[i]))
			return -1;
	for (size_t i = 0; i < s->nchecks; i++)
		for (size_t k = 0; k < s->nvms; k++)
			if (scn_check_applies(&s->checks[i], k) &&
			    s->checks[i].kind == CHECK_TRAFFIC &&
			    check_traffic(c, &s->checks[i], k))
				return -1;
	return 0;
}
