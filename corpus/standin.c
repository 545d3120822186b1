/*
 * Stand-ins for the host resources of libvirt's test domains (see
 * standin.h). Fitting is bookkeeping over paths; making them is done
 * once per set, before the daemon starts: the directories overlaid are
 * the outermost of the deepest existing directories on the way to each
 * path, so that what the host has there stays visible. The stand-in
 * directory lives under /run/virt-matrix/standins/, named by our pid and
 * start time: a run killed before it removed its own is cleaned up by
 * the next (corp_standins_init).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/loop.h>

#include "standin.h"
#include "command.h"
#include "fs.h"
#include "banned.h"

#define STANDIN_ROOT "/run/virt-matrix/standins"

/* The image formats qemu-img creates an empty image of; "raw" first. */
static const char *const image_formats[] = {
	"raw", "qcow2", "qcow", "qed", "vdi", "vhdx", "vmdk", "vpc", "parallels",
};

/* The format a disk's <driver type> asks for as an image, or NULL. */
static const char *image_format(const char *fmt)
{
	if (!fmt || !strcmp(fmt, "iso"))
		return "raw";
	for (size_t i = 0; i < ARRAY_SIZE(image_formats); i++)
		if (!strcmp(fmt, image_formats[i]))
			return image_formats[i];
	return NULL;
}

static const char *node_name(enum corp_node n)
{
	return n == CORP_NODE_BLOCK ? "block device" : n == CORP_NODE_DIR ? "directory"
									   : "regular file";
}

/* The bind (index of its SRC in binds) a path lies under, or -1. */
static long under_bind(const struct strvec *binds, const char *path, const char **rest)
{
	for (size_t i = 0; binds && i + 1 < binds->nr; i += 2) {
		const char *dst = binds->v[i + 1];
		size_t l = strlen(dst);

		if (!strncmp(path, dst, l) && (path[l] == '/' || !path[l])) {
			*rest = path + l;
			return (long)i;
		}
	}
	return -1;
}

/* Where path is seen from here: through the daemon's binds, or itself. */
static void host_view(const struct strvec *binds, const char *path, struct strbuf *out)
{
	const char *rest;
	long b = under_bind(binds, path, &rest);

	strbuf_reset(out);
	if (b < 0)
		sb_puts(out, path);
	else
		sb_printf(out, "%s%s", binds->v[b], rest);
}

/*
 * The deepest directory of path's ancestors the host has (from here,
 * outside any bind), into dir; path must be absolute and clean.
 */
static void deepest_existing(const char *path, struct strbuf *dir)
{
	strbuf_reset(dir);
	sb_puts(dir, path);
	for (;;) {
		char *slash = strrchr(dir->buf, '/');

		if (!slash || slash == dir->buf) {
			strbuf_reset(dir);
			sb_puts(dir, "/");
			return;
		}
		*slash = '\0';
		dir->len = (size_t)(slash - dir->buf);
		if (is_dir(dir->buf))
			return;
	}
}

/* Whether a is b or one of its ancestors. */
static int is_ancestor_or_same(const char *a, const char *b)
{
	size_t l = strlen(a);

	if (!strcmp(a, "/"))
		return 1;
	return !strncmp(a, b, l) && (b[l] == '/' || !b[l]);
}

/* A clean absolute path: no "..", ".", "//", no trailing '/'. */
static int clean_path(const char *p)
{
	size_t l = strlen(p);

	return p[0] == '/' && l > 1 && p[l - 1] != '/' && !strstr(p, "//") &&
	       !strstr(p, "/./") && !path_has_dotdot(p) && !ends_with(p, "/.") &&
	       l < PATH_MAX / 2;
}

/* The stand-in of s at path, or NULL. */
static struct corp_standin *find(struct corp_standins *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].path, path))
			return &s->v[i];
	return NULL;
}

/* What a need finds on the host (through the daemon's binds). */
enum found {
	FOUND_NONE,
	FOUND_MATCH,	/* there, of the kind needed */
	FOUND_OTHER,	/* there, of another kind */
};

static enum found host_has(const struct corp_standins *s, const char *path,
			   enum corp_node node)
{
	struct strbuf at = STRBUF_INIT;
	struct stat st;
	int ok;

	host_view(s->binds, path, &at);
	if (stat(at.buf, &st)) {
		strbuf_release(&at);
		return FOUND_NONE;
	}
	strbuf_release(&at);
	ok = node == CORP_NODE_BLOCK ? S_ISBLK(st.st_mode)
	   : node == CORP_NODE_DIR   ? S_ISDIR(st.st_mode)
				     : S_ISREG(st.st_mode);
	return ok ? FOUND_MATCH : FOUND_OTHER;
}

/* A planned stand-in (not in s yet, or an existing one upgraded). */
struct plan {
	const struct corp_res *res;
	enum corp_node node;
	const char *format;
	struct corp_standin *have; /* the stand-in of s at the path, or NULL */
	int needed;		   /* 0: the host has it */
};

/*
 * Whether a stand-in at path (node) fits beside the others of s and the
 * plans so far: no stand-in may be a file where another needs a directory.
 */
static int nests(const struct corp_standins *s, const struct plan *p, size_t np,
		 const char *path, enum corp_node node)
{
	for (size_t i = 0; i < s->n + np; i++) {
		const char *q = i < s->n ? s->v[i].path : p[i - s->n].res->what;
		enum corp_node qn = i < s->n ? s->v[i].node : p[i - s->n].node;

		if (i >= s->n && !p[i - s->n].needed)
			continue;
		if (!strcmp(q, path))
			continue;
		if (qn != CORP_NODE_DIR && is_ancestor_or_same(q, path))
			return 0;
		if (node != CORP_NODE_DIR && is_ancestor_or_same(path, q))
			return 0;
	}
	return 1;
}

/* why: one reason more, "; " between. */
static void VM_PRINTF(2, 3) add_why(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	if (why->len)
		sb_puts(why, "; ");
	va_start(ap, fmt);
	sb_vprintf(why, fmt, ap);
	va_end(ap);
}

/*
 * A disk, directory need as a plan; CORP_FIT_NEVER with why appended,
 * CORP_FIT_CONFLICT when s holds another kind at the path.
 */
static enum corp_fit plan_path(struct corp_standins *s, const struct corp_res *r,
			       struct plan *p, struct strbuf *why)
{
	struct strbuf top = STRBUF_INIT;
	const char *rest;
	enum found f;

	memset(p, 0, sizeof(*p));
	p->res = r;
	if (r->kind == CORP_RES_DIR) {
		p->node = CORP_NODE_DIR;
	} else if (r->disk_type && !strcmp(r->disk_type, "block")) {
		p->node = CORP_NODE_BLOCK;
		p->format = image_format(r->format);
	} else if (r->disk_type && !strcmp(r->disk_type, "dir")) {
		p->node = CORP_NODE_DIR;
	} else {
		p->node = CORP_NODE_FILE;
		p->format = image_format(r->format);
	}
	if (p->node != CORP_NODE_DIR && !p->format) {
		add_why(why, "no stand-in for a '%s' disk image ('%s')", r->format, r->what);
		return CORP_FIT_NEVER;
	}
	if (!clean_path(r->what)) {
		add_why(why, "'%s' (%s) is not a clean absolute path", r->what, r->where);
		return CORP_FIT_NEVER;
	}
	f = host_has(s, r->what, p->node);
	if (f == FOUND_MATCH)
		return CORP_FIT_YES;
	if (f == FOUND_OTHER) {
		add_why(why, "'%s' (%s) is not what the domain needs on this host",
			r->what, r->where);
		return CORP_FIT_NEVER;
	}
	p->needed = 1;
	if (under_bind(s->binds, r->what, &rest) < 0) {
		deepest_existing(r->what, &top);
		if (!strcmp(top.buf, "/")) {
			add_why(why, "'%s' (%s) lies in a top-level directory this host "
				     "lacks",
				r->what, r->where);
			strbuf_release(&top);
			return CORP_FIT_NEVER;
		}
		if (is_ancestor_or_same(top.buf, STANDIN_ROOT) ||
		    is_ancestor_or_same(STANDIN_ROOT, top.buf) ||
		    is_ancestor_or_same("/proc", top.buf) ||
		    is_ancestor_or_same("/sys", top.buf)) {
			add_why(why, "'%s' (%s) lies where virt-matrix makes no stand-in",
				r->what, r->where);
			strbuf_release(&top);
			return CORP_FIT_NEVER;
		}
	}
	strbuf_release(&top);
	p->have = find(s, r->what);
	if (p->have) {
		if (p->have->node != p->node)
			return CORP_FIT_CONFLICT;
		/* Read as raw, any image serves; another format wants its own. */
		if (p->node != CORP_NODE_DIR && strcmp(p->format, "raw") &&
		    strcmp(p->have->format, "raw") && strcmp(p->have->format, p->format))
			return CORP_FIT_CONFLICT;
	}
	return CORP_FIT_YES;
}

/*
 * Whether this host has every CPU or NUMA node a libvirt cpuset names
 * ("1-3,^2,6"), as sysfs shows them below dir ("cpu": cpuN, "node":
 * nodeN). A set that does not read as one is not had.
 */
static int host_has_set(const char *set, const char *dir)
{
	const char *p = set;

	while (*p) {
		long a, b;
		char *end;
		int exclude = *p == '^';

		if (exclude)
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		a = b = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return 0;
			b = strtol(p, &end, 10);
			p = end;
		}
		if (a < 0 || b < a || b > 4096)
			return 0;
		for (long n = a; n <= b && !exclude; n++) {
			char path[96];

			snprintf(path, sizeof(path), "/sys/devices/system/%s/%s%ld", dir,
				 dir, n);
			if (!path_exists(path))
				return 0;
		}
		if (*p == ',')
			p++;
		else if (*p)
			return 0;
	}
	return 1;
}

/* The leading number of s ("14336 MiB") into *v; -1 when there is none. */
static int parse_long_prefix(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return end == s || errno || *v < 0 ? -1 : 0;
}

/*
 * The memory a domain may preallocate: what the host has available,
 * shared by the domains that run side by side (one per core, and one).
 */
static long prealloc_budget_mib(void)
{
	struct strbuf m = STRBUF_INIT;
	const char *p;
	long kib = 0;

	if (!strbuf_read_file(&m, "/proc/meminfo", 1 << 16) &&
	    (p = strstr(m.buf, "MemAvailable:")) && parse_long_prefix(p + 13, &kib))
		kib = 0;
	strbuf_release(&m);
	return kib / 1024 / (online_cpus() + 1);
}

/* Why a need no stand-in can meet, or 0 when the host has it. */
static int unmet(const struct corp_standins *s, const struct corp_res *r,
		 struct strbuf *why)
{
	struct strbuf p = STRBUF_INIT;
	const char *set;
	int missing = 0;

	switch (r->kind) {
	case CORP_RES_BOOT_FILE:
		if (host_has(s, r->what, CORP_NODE_FILE) != FOUND_MATCH) {
			add_why(why, "needs the file '%s' (%s), which QEMU reads at start",
				r->what, r->where);
			missing = 1;
		}
		break;
	case CORP_RES_DEVNODE:
	case CORP_RES_SOCKET:
		host_view(s->binds, r->what, &p);
		if (!path_exists(p.buf)) {
			if (r->kind == CORP_RES_SOCKET)
				add_why(why, "needs a listening socket at '%s' (%s)",
					r->what, r->where);
			else
				add_why(why, "needs the host device node '%s' (%s)",
					r->what, r->where);
			missing = 1;
		}
		break;
	case CORP_RES_BRIDGE:
	case CORP_RES_HOST_NETDEV:
		sb_printf(&p, "/sys/class/net/%s", r->what);
		if (strchr(r->what, '/') || !path_exists(p.buf)) {
			if (r->kind == CORP_RES_BRIDGE)
				add_why(why, "needs the host bridge '%s' (%s)", r->what,
					r->where);
			else
				add_why(why, "needs the host network device '%s' (%s)",
					r->what, r->where);
			missing = 1;
		}
		break;
	case CORP_RES_NETWORK:
		add_why(why, "needs the libvirt network '%s' (%s)", r->what, r->where);
		missing = 1;
		break;
	case CORP_RES_POOL:
		add_why(why, "needs the storage volume '%s' (%s)", r->what, r->where);
		missing = 1;
		break;
	case CORP_RES_HOSTDEV:
		add_why(why, "needs the host device %s (%s)", r->what, r->where);
		missing = 1;
		break;
	case CORP_RES_HUGEPAGES:
		add_why(why, "needs hugepages (%s)", r->where ? r->where : "memoryBacking");
		missing = 1;
		break;
	case CORP_RES_SECRET:
		add_why(why, "needs the libvirt secret '%s' (%s)", r->what, r->where);
		missing = 1;
		break;
	default:
		if (skip_prefix(r->what, "host CPUs ", &set) && host_has_set(set, "cpu"))
			break;
		if (skip_prefix(r->what, "preallocated guest memory of ", &set)) {
			long mib, budget = prealloc_budget_mib();

			if (!parse_long_prefix(set, &mib) && mib <= budget)
				break;
			add_why(why, "needs %s (%s), more than the %ld MiB a domain "
				     "running beside others gets here",
				r->what, r->where, budget);
			missing = 1;
			break;
		}
		if (skip_prefix(r->what, "host NUMA nodes ", &set) &&
		    host_has_set(set, "node"))
			break;
		add_why(why, "needs %s (%s)", r->what, r->where);
		missing = 1;
		break;
	}
	strbuf_release(&p);
	return missing;
}

static void describe(struct strvec *adaptations, const struct plan *p)
{
	const struct corp_res *r = p->res;

	if (p->node == CORP_NODE_DIR)
		strvec_pushf(adaptations, "stand-in for %s: '%s', an empty directory",
			     r->where, r->what);
	else
		strvec_pushf(adaptations, "stand-in for %s: '%s', a %s with an empty %s "
					  "image, read as %s",
			     r->where, r->what, node_name(p->node), CORP_STANDIN_SIZE,
			     p->format);
}

enum corp_fit corp_standins_fit(struct corp_standins *s, const struct corp_needs *needs,
				struct strvec *adaptations, struct strbuf *why)
{
	struct plan *plans = xcalloc(needs->n ? needs->n : 1, sizeof(*plans));
	enum corp_fit fit = CORP_FIT_YES;
	size_t np = 0;

	for (size_t i = 0; i < needs->n; i++) {
		const struct corp_res *r = &needs->v[i];
		enum corp_fit f;

		if (r->kind != CORP_RES_DISK && r->kind != CORP_RES_DIR) {
			if (unmet(s, r, why))
				fit = CORP_FIT_NEVER;
			continue;
		}
		f = plan_path(s, r, &plans[np], why);
		if (f == CORP_FIT_NEVER)
			fit = CORP_FIT_NEVER;
		else if (f == CORP_FIT_CONFLICT && fit == CORP_FIT_YES)
			fit = CORP_FIT_CONFLICT;
		else if (plans[np].needed && fit == CORP_FIT_YES &&
			 !nests(s, plans, np, r->what, plans[np].node))
			fit = CORP_FIT_CONFLICT;
		np++;
	}
	if (fit != CORP_FIT_YES)
		goto out;
	for (size_t i = 0; i < np; i++) {
		struct plan *p = &plans[i];
		struct corp_standin *x;

		if (!p->needed)
			continue;
		describe(adaptations, p);
		x = p->have;
		if (!x) {
			x = find(s, p->res->what);
		}
		if (x) {
			if (p->format && strcmp(p->format, "raw")) {
				free(x->format);
				x->format = xstrdup(p->format);
			}
			continue;
		}
		ALLOC_GROW(s->v, s->n + 1, s->alloc);
		x = &s->v[s->n++];
		memset(x, 0, sizeof(*x));
		x->path = xstrdup(p->res->what);
		x->node = p->node;
		x->format = p->format ? xstrdup(p->format) : NULL;
		x->loop_fd = x->loop = -1;
	}
out:
	free(plans);
	return fit;
}

void corp_standins_copy(struct corp_standins *to, const struct corp_standins *from)
{
	for (size_t i = 0; i < from->n; i++) {
		struct corp_standin *x;

		ALLOC_GROW(to->v, to->n + 1, to->alloc);
		x = &to->v[to->n++];
		memset(x, 0, sizeof(*x));
		x->path = xstrdup(from->v[i].path);
		x->node = from->v[i].node;
		x->format = from->v[i].format ? xstrdup(from->v[i].format) : NULL;
		x->loop_fd = x->loop = -1;
	}
}

/* Removes the stand-in directories of runs that are gone. */
static void sweep_dead(void)
{
	DIR *d = opendir(STANDIN_ROOT);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct strbuf p = STRBUF_INIT;
		char state;
		long pid, start, have;
		char *dash;

		if (e->d_name[0] == '.')
			continue;
		dash = strchr(e->d_name, '-');
		if (!dash)
			continue;
		*dash = '\0';
		if (parse_long(e->d_name, 1, LONG_MAX, &pid) ||
		    parse_long(dash + 1, 0, LONG_MAX, &start)) {
			*dash = '-';
			continue;
		}
		*dash = '-';
		if (!proc_stat_start(pid, &state, &have) && have == start)
			continue;
		sb_printf(&p, "%s/%s", STANDIN_ROOT, e->d_name);
		if (remove_tree(p.buf))
			warning("cannot remove the stand-ins of a gone run, '%s'", p.buf);
		else
			warning("removed the stand-ins of a gone run (pid %ld), '%s'", pid,
				p.buf);
		strbuf_release(&p);
	}
	closedir(d);
}

int corp_standins_init(struct corp_standins *s, const struct strvec *binds)
{
	static unsigned seq;
	struct strbuf p = STRBUF_INIT;
	char state;
	long start;

	memset(s, 0, sizeof(*s));
	s->binds = binds;
	if (proc_stat_start((long)getpid(), &state, &start))
		return error("cannot read this process's start time");
	if (mkdir_p(STANDIN_ROOT, 0700))
		return -1;
	if (!seq)
		sweep_dead();
	sb_printf(&p, "%s/%ld-%ld", STANDIN_ROOT, (long)getpid(), start);
	if (mkdir_p(p.buf, 0700)) {
		strbuf_release(&p);
		return -1;
	}
	sb_printf(&p, "/%u", seq++);
	if (mkdir(p.buf, 0700)) {
		error_errno("cannot create '%s'", p.buf);
		strbuf_release(&p);
		return -1;
	}
	s->tree = strbuf_detach(&p);
	return 0;
}

/* An empty image of format at path: sparse for raw, else qemu-img's. */
static int make_image(const char *path, const char *format)
{
	struct command cmd;
	int fd, ret;

	if (!strcmp(format, "raw")) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return error_errno("cannot create '%s'", path);
		ret = ftruncate(fd, 1L << 30);
		if (ret)
			error_errno("cannot size '%s'", path);
		close(fd);
		return ret ? -1 : 0;
	}
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "qemu-img", "create", "-q", "-f",
						       format, path, CORP_STANDIN_SIZE,
						       NULL });
	cmd.timeout = 60;
	cmd.out = CMD_OUT_CAPTURE;
	ret = command_run_checked(&cmd);
	command_release(&cmd);
	return ret;
}

/* A loop device over backing, held open in x. */
static int attach_loop(struct corp_standin *x)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), bfd = -1, ret = -1;
	struct loop_config cfg;

	if (ctl < 0)
		return error_errno("cannot open /dev/loop-control");
	bfd = open(x->backing, O_RDWR | O_CLOEXEC);
	if (bfd < 0) {
		error_errno("cannot open '%s'", x->backing);
		goto out;
	}
	for (int tries = 0; tries < 32; tries++) {
		char dev[32];
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd;

		if (n < 0) {
			error_errno("no free loop device");
			goto out;
		}
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			error_errno("cannot open '%s'", dev);
			goto out;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = (unsigned)bfd;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (!ioctl(fd, LOOP_CONFIGURE, &cfg)) {
			x->loop_fd = fd;
			x->loop = n;
			ret = 0;
			goto out;
		}
		close(fd);
		if (errno != EBUSY) {
			error_errno("cannot set up '%s' over '%s'", dev, x->backing);
			goto out;
		}
	}
	error("no loop device stayed free for '%s'", x->backing);
out:
	if (bfd >= 0)
		close(bfd);
	close(ctl);
	return ret;
}

/* One stand-in in its place (where). */
static int make_one(struct corp_standins *s, struct corp_standin *x, size_t k)
{
	char *parent = path_dirname(x->where);
	struct stat st;
	int ret = -1;

	if (mkdir_p(parent, 0755))
		goto out;
	switch (x->node) {
	case CORP_NODE_DIR:
		ret = mkdir_p(x->where, 0755);
		goto out;
	case CORP_NODE_FILE:
		ret = make_image(x->where, x->format);
		goto out;
	case CORP_NODE_BLOCK:
		break;
	}
	{
		struct strbuf b = STRBUF_INIT;

		sb_printf(&b, "%s/images/%zu.img", s->tree, k);
		x->backing = strbuf_detach(&b);
	}
	if (make_image(x->backing, x->format) || attach_loop(x))
		goto out;
	if (fstat(x->loop_fd, &st)) {
		error_errno("cannot stat /dev/loop%d", x->loop);
		goto out;
	}
	if (mknod(x->where, S_IFBLK | 0600, st.st_rdev)) {
		error_errno("cannot make the block device '%s'", x->where);
		goto out;
	}
	ret = 0;
out:
	free(parent);
	return ret;
}

int corp_standins_make(struct corp_standins *s, struct strvec *ns_args)
{
	struct strbuf p = STRBUF_INIT, top = STRBUF_INIT;
	size_t i, k;
	int ret = -1;

	sb_printf(&p, "%s/images", s->tree);
	if (mkdir_p(p.buf, 0700))
		goto out;
	/* The directories to overlay: the outermost of the deepest existing. */
	for (i = 0; i < s->n; i++) {
		const char *rest;

		if (under_bind(s->binds, s->v[i].path, &rest) >= 0)
			continue;
		deepest_existing(s->v[i].path, &top);
		for (k = 0; k < s->tops.nr; k++) {
			if (is_ancestor_or_same(s->tops.v[k], top.buf))
				break;
			if (is_ancestor_or_same(top.buf, s->tops.v[k])) {
				strvec_remove(&s->tops, k);
				k = s->tops.nr;
				break;
			}
		}
		if (k == s->tops.nr)
			strvec_push(&s->tops, top.buf);
	}
	/* Two tops may now nest: keep the outer one. */
	for (k = 0; k < s->tops.nr; k++)
		for (size_t j = 0; j < s->tops.nr; j++)
			if (j != k && is_ancestor_or_same(s->tops.v[j], s->tops.v[k])) {
				strvec_remove(&s->tops, k--);
				break;
			}
	for (k = 0; k < s->tops.nr; k++) {
		strbuf_reset(&p);
		sb_printf(&p, "%s/upper/%zu", s->tree, k);
		if (mkdir_p(p.buf, 0755))
			goto out;
		strvec_push(ns_args, "--overlay");
		strvec_push(ns_args, s->tops.v[k]);
		strvec_push(ns_args, p.buf);
		strbuf_reset(&p);
		sb_printf(&p, "%s/work/%zu", s->tree, k);
		if (mkdir_p(p.buf, 0700))
			goto out;
		strvec_push(ns_args, p.buf);
	}
	for (i = 0; i < s->n; i++) {
		struct corp_standin *x = &s->v[i];
		const char *rest;

		strbuf_reset(&p);
		if (under_bind(s->binds, x->path, &rest) >= 0) {
			host_view(s->binds, x->path, &p);
		} else {
			for (k = 0; k < s->tops.nr; k++)
				if (is_ancestor_or_same(s->tops.v[k], x->path))
					break;
			sb_printf(&p, "%s/upper/%zu%s", s->tree, k,
				  x->path + strlen(s->tops.v[k]));
		}
		x->where = strbuf_detach(&p);
		if (make_one(s, x, i))
			goto out;
	}
	s->made = 1;
	ret = 0;
out:
	strbuf_release(&p);
	strbuf_release(&top);
	return ret;
}

void corp_standins_release(struct corp_standins *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct corp_standin *x = &s->v[i];

		if (x->loop_fd >= 0) {
			/* Autoclear: the device goes when QEMU has let go too. */
			ioctl(x->loop_fd, LOOP_CLR_FD, 0);
			close(x->loop_fd);
		}
		free(x->path);
		free(x->format);
		free(x->where);
		free(x->backing);
	}
	free(s->v);
	if (s->tree && remove_tree(s->tree))
		warning("cannot remove the stand-ins '%s'", s->tree);
	if (s->tree) {
		/* Our pid's directory goes with its last set. */
		char *parent = path_dirname(s->tree);

		if (rmdir(parent) && errno != ENOTEMPTY && errno != EEXIST)
			warning("cannot remove '%s': %s", parent, strerror(errno));
		free(parent);
	}
	free(s->tree);
	strvec_clear(&s->tops);
	memset(s, 0, sizeof(*s));
}
