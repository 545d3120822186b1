/*
 * A run's own bridge and taps for DTS's tap networking (netlab.h):
 * names from the run's pid, links made and removed with `ip`, and the
 * sweep of those a killed run left.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlab.h"
#include "command.h"
#include "banned.h"

/* How long one `ip` may take. */
#define IP_TIMEOUT 20

void netlab_bridge_name(pid_t pid, char *out, size_t size)
{
	snprintf(out, size, "vx%ldbr", (long)pid);
}

void netlab_tap_prefix(pid_t pid, size_t vm, char *out, size_t size)
{
	snprintf(out, size, "vx%ldv%zut", (long)pid, vm);
}

/* Digits at *p into *v (at most 9); the end, or NULL when there are none. */
static const char *digits(const char *p, long *v)
{
	const char *s = p;

	*v = 0;
	while (*p >= '0' && *p <= '9' && p - s < 9)
		*v = *v * 10 + (*p++ - '0');
	return p > s ? p : NULL;
}

pid_t netlab_owner(const char *name)
{
	const char *p;
	long pid, k;

	if (strncmp(name, "vx", 2) || !(p = digits(name + 2, &pid)) || pid <= 0)
		return 0;
	if (!strcmp(p, "br"))
		return (pid_t)pid;
	if (*p++ != 'v' || !(p = digits(p, &k)) || *p++ != 't' || !(p = digits(p, &k)) ||
	    *p)
		return 0;
	return (pid_t)pid;
}

size_t netlab_taps(const struct scenario *s, size_t vm)
{
	size_t n = 0;

	for (size_t i = 0; i < s->vms[vm].nnets; i++)
		n += s->vms[vm].nets[i].kind == NET_TAP;
	return n;
}

/* `ip ARGS...`: 0, or -1 with its words appended to why (when why). */
static int ip(struct strbuf *why, const char *const *args)
{
	struct command c;
	int ret = 0;

	command_init(&c);
	strvec_push(&c.args, "ip");
	strvec_pushv(&c.args, args);
	c.timeout = IP_TIMEOUT;
	c.capture_max = 4096;
	if (command_run(&c) || !command_succeeded(&c)) {
		ret = -1;
		if (why) {
			sb_puts(why, "'ip");
			for (size_t i = 0; args[i]; i++)
				sb_printf(why, " %s", args[i]);
			sb_puts(why, "' ");
			command_describe(&c, why);
			if (c.output.len)
				sb_printf(why, ": %.*s", (int)strcspn(c.output.buf, "\n"),
					  c.output.buf);
		}
	}
	command_release(&c);
	return ret;
}

int netlab_start(struct netlab *n, const struct scenario *s, struct strvec *notes,
		 struct strbuf *why)
{
	char br[64], pre[64];
	struct strbuf tap = STRBUF_INIT;
	size_t total = 0;
	int ret = -1;

	memset(n, 0, sizeof(*n));
	n->links = (struct strvec)STRVEC_INIT;
	for (size_t k = 0; k < s->nvms; k++)
		total += netlab_taps(s, k);
	if (!total)
		return 0;
	netlab_bridge_name(getpid(), br, sizeof(br));
	if (ip(why, (const char *const[]){ "link", "add", br, "type", "bridge", NULL }))
		goto out;
	strvec_push(&n->links, br);
	if (ip(why, (const char *const[]){ "link", "set", br, "up", NULL }))
		goto out;
	for (size_t k = 0; k < s->nvms; k++) {
		size_t t = 0;

		netlab_tap_prefix(getpid(), k, pre, sizeof(pre));
		for (size_t i = 0; i < s->vms[k].nnets; i++) {
			const struct scn_net *net = &s->vms[k].nets[i];

			if (net->kind != NET_TAP)
				continue;
			strbuf_reset(&tap);
			sb_printf(&tap, "%s%zu", pre, t++);
			if (tap.len > NETLAB_IFNAME_MAX) {
				sb_printf(why, "tap name '%s' is longer than %d characters",
					  tap.buf, NETLAB_IFNAME_MAX);
				goto out;
			}
			if (ip(why, (const char *const[]){ "tuntap", "add", "dev", tap.buf,
							   "mode", "tap", NULL }))
				goto out;
			strvec_push(&n->links, tap.buf);
			if (ip(why, (const char *const[]){ "link", "set", tap.buf, "master",
							   br, "up", NULL }))
				goto out;
			strvec_pushf(notes, "%s%s%snet type=tap (line %d) on bridge %s: "
					    "tap %s on %s, the bridge the run made in its "
					    "place (the host's bridges are not touched)",
				     s->nvms > 1 ? "[" : "", s->nvms > 1 ? s->vms[k].name : "",
				     s->nvms > 1 ? "] " : "", net->line,
				     net->bridge ? net->bridge : "br0", tap.buf, br);
		}
	}
	ret = 0;
out:
	strbuf_release(&tap);
	return ret;
}

void netlab_stop(struct netlab *n)
{
	/* Taps first, the bridge (the first made) last. */
	for (size_t i = n->links.nr; i-- > 0;)
		if (ip(NULL, (const char *const[]){ "link", "del", n->links.v[i], NULL }))
			warning("cannot remove the run's link '%s'", n->links.v[i]);
	strvec_clear(&n->links);
}

static int running(pid_t pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

/* Removes the links of gone that are bridges (or not), with a warning each. */
static int drop_gone(const struct strvec *gone, int bridges)
{
	int n = 0;

	for (size_t i = 0; i < gone->nr; i++) {
		const char *l = gone->v[i];
		size_t len = strlen(l);
		int bridge = len > 2 && !strcmp(l + len - 2, "br");

		if (bridge != bridges ||
		    ip(NULL, (const char *const[]){ "link", "del", l, NULL }))
			continue;
		warning("removed link '%s' of a run that is gone (pid %ld)", l,
			(long)netlab_owner(l));
		n++;
	}
	return n;
}

int netlab_sweep(void)
{
	DIR *d = opendir("/sys/class/net");
	struct strvec gone = STRVEC_INIT;
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		pid_t pid = netlab_owner(e->d_name);

		if (pid > 0 && !running(pid))
			strvec_push(&gone, e->d_name);
	}
	closedir(d);
	/* Taps before bridges, which cannot go while a tap is enslaved. */
	n += drop_gone(&gone, 0);
	n += drop_gone(&gone, 1);
	strvec_clear(&gone);
	return n;
}
