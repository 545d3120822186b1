/*
 * The guest's /init and the parsing of its console (see guest.h). The
 * checks run in busybox sh; each prints one VMX-CHECK line. Waiting in
 * the guest (for a link to come up) is a bounded poll of a condition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "banned.h"

static const char *const virtio_mods[] = { "virtio", "virtio_ring",
					   "virtio_pci", "virtio_net" };

void guest_modules(const struct scenario *s, size_t k, struct strvec *out)
{
	const struct scn_vm *vm = &s->vms[k];
	int virtio = 0, e1000 = 0, e1000e = 0;

	for (size_t i = 0; i < vm->ndevices; i++)
		if (vm->devices[i].kind == DEV_VHOST_USER ||
		    vm->devices[i].kind == DEV_VIRTIO_NET_PCI)
			virtio = 1;
	for (size_t i = 0; i < vm->nnets; i++) {
		const char *m = vm->nets[i].model;

		if (vm->nets[i].kind != NET_NIC)
			continue;
		if (!m || !strcmp(m, "e1000"))
			e1000 = 1;
		else if (!strcmp(m, "e1000e"))
			e1000e = 1;
		else if (!strcmp(m, "virtio") || !strcmp(m, "virtio-net-pci"))
			virtio = 1;
	}
	if (virtio)
		for (size_t i = 0; i < sizeof(virtio_mods) / sizeof(*virtio_mods); i++)
			strvec_push(out, virtio_mods[i]);
	if (e1000)
		strvec_push(out, "e1000");
	if (e1000e)
		strvec_push(out, "e1000e");
}

static void check_pci(struct strbuf *o, int n, const struct scn_check *c)
{
	sb_puts(o, "got=0\n"
		   "for d in /sys/bus/pci/devices/*; do\n"
		   "  case \"$(cat $d/vendor):$(cat $d/device)\" in ");
	/* 1af4:1000|1af4:1041 -> 0x1af4:0x1000|0x1af4:0x1041 */
	for (const char *p = c->id; *p; p += p[9] ? 10 : 9)
		sb_printf(o, "%s0x%.4s:0x%.4s", p == c->id ? "" : "|", p, p + 5);
	sb_printf(o, ") got=$((got+1)) ;; esac\n"
		     "done\n"
		     "result %d pci $([ $got -eq %ld ] && echo pass || echo fail) "
		     "\"id=%s want=%ld got=$got\"\n",
		  n, c->count, c->id, c->count);
}

/*
 * Traffic between two ports of one VM: ICMP echo requests leave the
 * first port with the second port's MAC as destination (a static
 * neighbour, so no ARP is needed); the backend forwards them, and the
 * second port's rx_packets counts them.
 */
static void traffic_within(struct strbuf *o, int n, const struct scn_check *c,
			   const char *mac0, const char *mac1)
{
	sb_printf(o,
		  "a=$(bymac %s); b=$(bymac %s)\n"
		  "for i in $a $b; do ip link set $i up; done\n"
		  "ip addr add 10.200.0.1/24 dev $a\n"
		  "arp -i $a -s 10.200.0.2 %s\n"
		  "before=$(cat /sys/class/net/$b/statistics/rx_packets)\n"
		  "ping -c %ld -i 0.01 -w 60 -W 1 -I $a 10.200.0.2 >/dev/null 2>&1\n"
		  "t=0; got=0\n"
		  "while [ $t -lt 50 ]; do\n"
		  "  got=$(( $(cat /sys/class/net/$b/statistics/rx_packets) - before ))\n"
		  "  [ $got -ge %ld ] && break; usleep 100000; t=$((t+1))\n"
		  "done\n"
		  "result %d traffic $([ $got -ge %ld ] && echo pass || echo fail) "
		  "\"sent=%ld on=$a received=$got on=$b\"\n",
		  mac0, mac1, mac1, c->count, c->count, n, c->count, c->count);
}

/*
 * Traffic from VM k to another VM through the backend: k's port pings
 * the peer VM's address (10.200.0.<index+1>, a static neighbour on the
 * peer's MAC) until it has received `count` packets from the peer (its
 * requests and its replies: nothing else reaches the port), then sends
 * one more burst of `count`, so that a peer that started later counts
 * its own. Both VMs run this check (the scenario's rule), so neither
 * waits for a peer that never sends. Bounded: some 90 s without a peer.
 */
static void traffic_between(struct strbuf *o, int n, const struct scn_check *c,
			    size_t k, const char *mac, size_t peer_vm,
			    const char *peer_mac, const char *peer_name)
{
	sb_printf(o,
		  "a=$(bymac %s)\n"
		  "ip link set $a up\n"
		  "ip addr add 10.200.0.%zu/24 dev $a\n"
		  "arp -i $a -s 10.200.0.%zu %s\n"
		  "before=$(cat /sys/class/net/$a/statistics/rx_packets)\n"
		  "t=0; got=0\n"
		  "while [ $t -lt 60 ]; do\n"
		  "  ping -c 10 -i 0.05 -W 1 -I $a 10.200.0.%zu >/dev/null 2>&1\n"
		  "  got=$(( $(cat /sys/class/net/$a/statistics/rx_packets) - before ))\n"
		  "  [ $got -ge %ld ] && break; t=$((t+1))\n"
		  "done\n"
		  "ping -c %ld -i 0.01 -W 1 -I $a 10.200.0.%zu >/dev/null 2>&1\n"
		  "result %d traffic $([ $got -ge %ld ] && echo pass || echo fail) "
		  "\"to=[%s] %s received=$got on=$a\"\n",
		  mac, k + 1, peer_vm + 1, peer_mac, peer_vm + 1, c->count, c->count,
		  peer_vm + 1, n, c->count, peer_name, peer_mac);
}

static void check_traffic(struct strbuf *o, int n, const struct scn_check *c,
			  const struct scenario *s, size_t k)
{
	struct scn_port me, peer;
	const char *mac, *peer_mac;

	/* The loader made sure both exist (scn_cross_checks). */
	if (scenario_vhost_port(s, k, 0, &me) || scenario_vhost_peer(s, &me, &peer)) {
		sb_printf(o, "result %d traffic fail \"no vhost-user port pair\"\n", n);
		return;
	}
	mac = s->vms[me.vm].devices[me.dev].mac;
	peer_mac = s->vms[peer.vm].devices[peer.dev].mac;
	if (peer.vm == k)
		traffic_within(o, n, c, mac ? mac : "none", peer_mac ? peer_mac : "none");
	else
		traffic_between(o, n, c, k, mac ? mac : "none", peer.vm,
				peer_mac ? peer_mac : "00:00:00:00:00:00",
				s->vms[peer.vm].name);
}

void guest_init_script(const struct scenario *s, size_t k, struct strbuf *o)
{
	int n = 0;

	sb_puts(o,
		"#!/bin/busybox sh\n"
		"/bin/busybox --install -s\n"
		"mount -t proc proc /proc\n"
		"mount -t sysfs sys /sys\n"
		"mount -t devtmpfs dev /dev 2>/dev/null\n"
		"exec </dev/console >/dev/console 2>&1\n"
		"for m in $(cat /etc/modules); do insmod $m || echo \"VMX-WARN insmod $m failed\"; done\n"
		"pass=0; fail=0\n"
		"result() { echo \"VMX-CHECK $1 $2 $3 $4\";"
		" [ $3 = pass ] && pass=$((pass+1)) || fail=$((fail+1)); }\n"
		/* Interfaces (not lo) and the one that has a MAC. */
		"ifaces() { for i in /sys/class/net/*; do [ ${i##*/} = lo ] || echo ${i##*/}; done; }\n"
		"bymac() { for i in /sys/class/net/*; do [ \"$(cat $i/address)\" = \"$1\" ] && echo ${i##*/}; done; }\n");
	sb_printf(o, "echo \"" GUEST_BEGIN " %s\"\n", s->name);
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct scn_check *c = &s->checks[i];

		if (!scn_check_applies(c, k))
			continue;
		n++;
		switch (c->kind) {
		case CHECK_PCI:
			check_pci(o, n, c);
			break;
		case CHECK_CPUS:
			sb_printf(o,
				  "got=$(grep -c ^processor /proc/cpuinfo)\n"
				  "result %d cpus $([ $got -eq %ld ] && echo pass || echo fail) "
				  "\"want=%ld got=$got\"\n",
				  n, c->count, c->count);
			break;
		case CHECK_MEM:
			sb_printf(o,
				  "got=$(( $(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo) / 1024 ))\n"
				  "ok=pass; [ $got -ge %ld ] || ok=fail\n"
				  "[ %ld -eq 0 ] || [ $got -le %ld ] || ok=fail\n"
				  "result %d mem $ok \"min=%ld max=%ld got=$got\"\n",
				  c->min, c->max, c->max, n, c->min, c->max);
			break;
		case CHECK_LINK:
			sb_printf(o,
				  "for i in $(ifaces); do ip link set $i up; done\n"
				  "got=0; t=0\n"
				  "while [ $t -lt 100 ]; do\n"
				  "  got=0; for i in $(ifaces); do [ \"$(cat /sys/class/net/$i/carrier 2>/dev/null)\" = 1 ] && got=$((got+1)); done\n"
				  "  [ $got -ge %ld ] && break; usleep 100000; t=$((t+1))\n"
				  "done\n"
				  "result %d link $([ $got -ge %ld ] && echo pass || echo fail) "
				  "\"want=%ld up=$got\"\n",
				  c->count, n, c->count, c->count);
			break;
		case CHECK_TRAFFIC:
			check_traffic(o, n, c, s, k);
			break;
		}
	}
	/*
	 * The console is closed before the power-off: the last close of a
	 * tty waits until what it queued has gone out (closing_wait), and
	 * poweroff -f does not. Seen without it: 8 vCPUs under TCG on 2
	 * host cores, the guest powered off with VMX-BEGIN..VMX-END still
	 * in the UART's queue, and only the kernel's "reboot: Power down"
	 * on the console.
	 */
	sb_puts(o, "echo \"" GUEST_END " $pass $fail\"\n"
		   "exec </dev/null >/dev/null 2>&1\n"
		   "poweroff -f\n");
}

static int parse_int(const char *s, const char **end)
{
	long v = strtol(s, (char **)end, 10);

	return v < 0 || v > 1000000 ? -1 : (int)v;
}

int guest_parse(const char *log, struct guest_outcome *o)
{
	size_t alloc = 0;
	const char *line = log;

	memset(o, 0, sizeof(*o));
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[512];
		const char *p, *rest;

		snprintf(buf, sizeof(buf), "%.*s", (int)(len < 511 ? len : 511), line);
		/* The console may put \r before \n, or kernel text before us. */
		buf[strcspn(buf, "\r")] = '\0';
		if ((p = strstr(buf, GUEST_BEGIN " ")))
			o->begun = 1;
		else if ((p = strstr(buf, GUEST_END " "))) {
			const char *e;

			o->passed = parse_int(p + strlen(GUEST_END " "), &e);
			o->failed = *e == ' ' ? parse_int(e + 1, &e) : -1;
			o->ended = o->passed >= 0 && o->failed >= 0;
		} else if ((p = strstr(buf, "VMX-CHECK ")) &&
			   skip_prefix(p, "VMX-CHECK ", &rest)) {
			struct guest_check c;
			const char *e;
			size_t k;

			memset(&c, 0, sizeof(c));
			c.n = parse_int(rest, &e);
			if (c.n < 0 || *e != ' ')
				goto next;
			rest = e + 1;
			k = strcspn(rest, " ");
			snprintf(c.kind, sizeof(c.kind), "%.*s", (int)k, rest);
			rest += k;
			if (skip_prefix(rest, " pass", &rest))
				c.pass = 1;
			else if (!skip_prefix(rest, " fail", &rest))
				goto next;
			snprintf(c.detail, sizeof(c.detail), "%s",
				 *rest == ' ' ? rest + 1 : rest);
			o->checks = xgrow(o->checks, sizeof(*o->checks),
					  o->nchecks + 1, &alloc);
			o->checks[o->nchecks++] = c;
		}
next:
		line = eol ? eol + 1 : NULL;
	}
	return 0;
}

void guest_outcome_release(struct guest_outcome *o)
{
	free(o->checks);
	o->checks = NULL;
	o->nchecks = 0;
}
