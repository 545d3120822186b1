/*
 * Private temporary directories owned by a process: `merge` keeps its
 * temporary stores in one beside OUT (so that the final rename stays on
 * one file system), `report` its new logs/ in one inside --out. They are
 * named vm-<tag>-<host>-<pid>-<start>-<6 random characters of mkdtemp>:
 * the process that owns one by its pid and start time, as
 * corpus/standin.c names its directories, and <host> for this machine's
 * boot and PID namespace. The owner removes its own directory when it
 * ends, also on SIGINT or SIGTERM; one killed outright leaves it, and the
 * next command of that tag in that directory removes it
 * (owned_tmp_remove_dead). The host part keeps a command from taking a
 * directory of one on another machine (a shared directory) or in another
 * PID namespace for one of a gone process: such directories, and those
 * of an earlier boot, are left alone.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What mkdtemp(3) replaces with six random characters. */
#define MKDTEMP_SUFFIX "XXXXXX"

#include "owned_tmp.h"
#include "util.h"
#include "fs.h"
#include "sha256.h"
#include "banned.h"

#define HOST_LEN 12

/* <host> of owned_tmp_prefix into buf (HOST_LEN + 1); -1 when unreadable. */
static int host_tag(char *buf)
{
	struct strbuf id = STRBUF_INIT;
	char ns[128], hex[SHA256_HEX_LEN + 1];
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof(ns));
	int ret = -1;

	if (n > 0 && (size_t)n < sizeof(ns) &&
	    !strbuf_read_file(&id, "/proc/sys/kernel/random/boot_id", 256) && id.len) {
		if (!strbuf_add(&id, ns, (size_t)n)) {
			sha256_hex(id.buf, id.len, hex);
			memcpy(buf, hex, HOST_LEN);
			buf[HOST_LEN] = '\0';
			ret = 0;
		}
	}
	strbuf_release(&id);
	return ret;
}

int owned_tmp_prefix(struct strbuf *out, const char *dir, const char *tag, long pid,
		     long start)
{
	char host[HOST_LEN + 1];

	if (host_tag(host))
		return -1;
	sb_printf(out, "%s/vm-%s-%s-%ld-%ld-", dir, tag, host, pid, start);
	return 0;
}

char *owned_tmp_create(const char *dir, const char *tag)
{
	struct strbuf p = STRBUF_INIT;
	char state;
	long start;

	if (proc_stat_start((long)getpid(), &state, &start) ||
	    owned_tmp_prefix(&p, dir, tag, (long)getpid(), start)) {
		strbuf_reset(&p);
		sb_printf(&p, "%s/vm-%s-", dir, tag);
	}
	sb_puts(&p, MKDTEMP_SUFFIX);
	if (mkdtemp(p.buf))
		return strbuf_detach(&p);
	error("cannot create a temporary directory in '%s': %s", dir, strerror(errno));
	strbuf_release(&p);
	return NULL;
}

/*
 * The owner of the directory name (an owned_tmp_create name of tag with
 * this host's tag) into *pid and *start: 0, or -1 when it is not one.
 */
static int owner_of(const char *name, const char *tag, const char *host, long *pid,
		    long *start)
{
	size_t tlen = strlen(tag);
	char num[32];
	const char *p, *dash;

	if (strncmp(name, "vm-", 3) || strncmp(name + 3, tag, tlen) || name[3 + tlen] != '-')
		return -1;
	p = name + 3 + tlen + 1;
	if (strncmp(p, host, HOST_LEN) || p[HOST_LEN] != '-')
		return -1;
	p += HOST_LEN + 1;
	for (int i = 0; i < 2; i++) {
		dash = strchr(p, '-');
		if (!dash || dash == p || (size_t)(dash - p) >= sizeof(num))
			return -1;
		memcpy(num, p, (size_t)(dash - p));
		num[dash - p] = '\0';
		if (parse_long(num, i ? 0 : 1, LONG_MAX, i ? start : pid))
			return -1;
		p = dash + 1;
	}
	/* mkdtemp's six characters, nothing else. */
	return strlen(p) == 6 && !strchr(p, '/') ? 0 : -1;
}

int owned_tmp_remove_dead(const char *dir, const char *tag)
{
	char host[HOST_LEN + 1];
	DIR *d;
	struct dirent *e;
	int removed = 0;

	if (host_tag(host) || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		struct strbuf p = STRBUF_INIT;
		long pid, start, have;
		char state;

		if (owner_of(e->d_name, tag, host, &pid, &start))
			continue;
		/* Alive: the pid names the process started then (a zombie too). */
		if (!proc_stat_start(pid, &state, &have) && have == start)
			continue;
		sb_printf(&p, "%s/%s", dir, e->d_name);
		if (remove_tree(p.buf)) {
			warning("cannot remove '%s', left by a %s that is gone (pid %ld)",
				p.buf, tag, pid);
		} else {
			warning("removed '%s', left by a %s that is gone (pid %ld)", p.buf, tag,
				pid);
			removed++;
		}
		strbuf_release(&p);
	}
	closedir(d);
	return removed;
}
