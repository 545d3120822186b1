/*
 * The machine's hugepages as runs borrow them (hugepages.h): the
 * reservation and its give-back, each under the lock and with its record
 * in the registry, and the sweep of the records whose owner is gone.
 * Everything that changes nr_hugepages or the registry runs under the
 * lock, and sweeps first: the first lock holder after an owner died sees
 * nr_hugepages as that owner left it, which is what lets a record
 * written before a change say how much of it happened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "hugepages.h"
#include "fs.h"
#include "banned.h"

#define HUGETLBFS_MAGIC_NR 0x958458f6
/* A record is a few short lines; anything longer is not one. */
#define RECORD_MAX 4096

const struct hugepage_paths hugepage_paths_host = {
	.nr = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
	.free = "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
	.registry = "/run/virt-matrix/hugepages",
	.lock = "/run/lock/virt-matrix-hugepages.lock",
};

/* A count from a sysfs file (or a test's file) into *v; -1 with why appended. */
static int count_read(const char *path, long *v, struct strbuf *why)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	int err = errno;

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		sb_printf(why, "cannot read '%s': %s", path, n ? strerror(err) : "empty");
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_long(buf, 0, LONG_MAX, v)) {
		sb_printf(why, "'%s' holds '%s', not a count", path, buf);
		return -1;
	}
	return 0;
}

/* v into a count file; -1 with why appended. */
static int count_write(const char *path, long v, struct strbuf *why)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", v);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, buf, (size_t)len);
	int err = errno;

	if (fd >= 0 && close(fd) && n == len)
		n = -1, err = errno;
	if (n != len) {
		sb_printf(why, "cannot write %ld to '%s': %s", v, path,
			  n < 0 ? strerror(err) : "short write");
		return -1;
	}
	return 0;
}

long host_hugepages_free(const struct hugepage_paths *p)
{
	struct strbuf ignored = STRBUF_INIT;
	long n;

	if (count_read(p->free, &n, &ignored))
		n = 0;
	strbuf_release(&ignored);
	return n;
}

/* ---- Records. ---- */

/*
 * The owner a registry name stands for: "PID-START-SEQ" into *pid and
 * *start, and what follows SEQ into *rest ("" for a record, ".tmp.PID"
 * for write_file_replace's temporary file). -1 when the name is not one.
 */
static int name_owner(const char *name, long *pid, long *start, const char **rest)
{
	long v[3];
	const char *p = name;

	for (int i = 0; i < 3; i++) {
		char *end;

		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v[i] = strtol(p, &end, 10);
		if (errno || (i < 2 && *end != '-'))
			return -1;
		p = i < 2 ? end + 1 : end;
	}
	*pid = v[0];
	*start = v[1];
	*rest = p;
	return *pid > 0 ? 0 : -1;
}

static int owner_alive(long pid, long start)
{
	char state;
	long now_start;

	return !proc_stat_start(pid, &state, &now_start) && state != 'Z' &&
	       state != 'X' && now_start == start;
}

static void record_release(struct hugepage_record *r)
{
	free(r->name);
	free(r->mount);
	memset(r, 0, sizeof(*r));
}

void hugepage_records_free(struct hugepage_record *recs, size_t n)
{
	for (size_t i = 0; recs && i < n; i++)
		record_release(&recs[i]);
	free(recs);
}

/* One "key value" line of a record into r; -1 with why appended. */
static int record_line(struct hugepage_record *r, const char *line, int *seen_state,
		       struct strbuf *why)
{
	const char *v = strchr(line, ' ');
	size_t klen = v ? (size_t)(v - line) : strlen(line);
	int bad = 0;

	if (!v || !v[1]) {
		sb_printf(why, "line '%s' is not 'key value'", line);
		return -1;
	}
	v++;
	if (klen == 5 && !strncmp(line, "pages", 5))
		bad = parse_long(v, 0, LONG_MAX, &r->pages);
	else if (klen == 4 && !strncmp(line, "base", 4))
		bad = parse_long(v, 0, LONG_MAX, &r->base);
	else if (klen == 5 && !strncmp(line, "mount", 5) && *v == '/' && !r->mount)
		r->mount = xstrdup(v);
	else if (klen == 5 && !strncmp(line, "state", 5) &&
		 (!strcmp(v, "held") || !strcmp(v, "changing"))) {
		r->changing = !strcmp(v, "changing");
		*seen_state = 1;
	} else
		bad = 1;
	if (bad)
		sb_printf(why, "line '%s' is not pages N, base N, mount /PATH or "
			       "state held|changing",
			  line);
	return bad ? -1 : 0;
}

/*
 * The record dir/name into r (its owner checked): 0; 1 when it went
 * meanwhile (nothing said); -1 with why appended.
 */
static int record_read(const char *dir, const char *name, struct hugepage_record *r,
		       struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	const char *rest;
	char buf[RECORD_MAX + 1];
	int fd, err, seen_state = 0, seen_base = 0, ret = -1;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	path_join(&path, dir, name);
	if (name_owner(name, &r->pid, &r->start, &rest) || *rest) {
		sb_printf(why, "'%s' is not named PID-START-SEQ", path.buf);
		goto out;
	}
	fd = open(path.buf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		ret = 1;
		goto out;
	}
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	err = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0 || n > RECORD_MAX || memchr(buf, '\0', (size_t)n)) {
		sb_printf(why, "cannot read '%s': %s", path.buf,
			  n < 0 ? strerror(err) : "not a record's text");
		goto out;
	}
	if (strbuf_add(&text, buf, (size_t)n))
		goto out;
	for (char *l = text.buf; *l;) {
		char *nl = strchr(l, '\n');

		if (nl)
			*nl = '\0';
		seen_base |= !strncmp(l, "base ", 5);
		if (*l && record_line(r, l, &seen_state, why)) {
			strbuf_rtrim(why);
			sb_printf(why, " in '%s'", path.buf);
			goto out;
		}
		l = nl ? nl + 1 : l + strlen(l);
	}
	if (!seen_state || (r->changing && !seen_base)) {
		sb_printf(why, "'%s' has no %s line", path.buf, seen_state ? "base" : "state");
		goto out;
	}
	r->name = xstrdup(name);
	r->live = owner_alive(r->pid, r->start);
	ret = 0;
out:
	if (ret)
		record_release(r);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * The registry's records; a write_file_replace temporary file of a dead
 * owner is removed when sweep is set (a kill while it wrote one).
 */
static int records_scan(const struct hugepage_paths *p, int sweep,
			struct hugepage_record **recs, size_t *n)
{
	struct dirent **ents = NULL;
	size_t alloc = 0;
	int count = scandir(p->registry, &ents, NULL, by_name);

	*recs = NULL;
	*n = 0;
	if (count < 0 && errno == ENOENT)
		return 0;
	if (count < 0)
		return error_errno("cannot list the hugepage registry '%s'", p->registry);
	for (int i = 0; i < count; i++) {
		const char *name = ents[i]->d_name, *rest;
		struct strbuf why = STRBUF_INIT, path = STRBUF_INIT;
		long pid, start;
		int r;

		if (name_owner(name, &pid, &start, &rest)) {
			if (name[0] != '.')
				warning("'%s/%s' is not a hugepage record (PID-START-SEQ); "
					"left as it is",
					p->registry, name);
		} else if (*rest) {
			path_join(&path, p->registry, name);
			if (sweep && !strncmp(rest, ".tmp.", 5) && !owner_alive(pid, start) &&
			    unlink(path.buf) && errno != ENOENT)
				warning("cannot remove '%s': %s", path.buf, strerror(errno));
		} else {
			ALLOC_GROW(*recs, *n + 1, alloc);
			r = record_read(p->registry, name, &(*recs)[*n], &why);
			if (!r)
				(*n)++;
			else if (r < 0)
				warning("%s; the hugepage record is left as it is", why.buf);
		}
		strbuf_release(&why);
		strbuf_release(&path);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

int host_hugepages_records(const struct hugepage_paths *p,
			   struct hugepage_record **recs, size_t *n)
{
	return records_scan(p ? p : &hugepage_paths_host, 0, recs, n);
}

/* What r holds of nr_hugepages when it reads now. */
static long record_held(const struct hugepage_record *r, long now)
{
	long above;

	if (!r->changing)
		return r->pages;
	above = now - r->base;
	return above < 0 ? 0 : above > r->pages ? r->pages : above;
}

/* What the records of live owners other than skip account for. */
static long live_pages(const struct hugepage_record *recs, size_t n, long now,
		       const char *skip)
{
	long sum = 0;

	for (size_t i = 0; i < n; i++)
		if (recs[i].live && (!skip || strcmp(recs[i].name, skip)))
			sum += record_held(&recs[i], now);
	return sum;
}

/* The record at path says pages, mnt and the state; -1 with why appended. */
static int record_write(const char *path, long pages, const char *mnt, int changing,
			long base, struct strbuf *why)
{
	struct strbuf t = STRBUF_INIT;
	int ret;

	sb_printf(&t, "pages %ld\n", pages);
	if (mnt)
		sb_printf(&t, "mount %s\n", mnt);
	if (changing)
		sb_printf(&t, "state changing\nbase %ld\n", base);
	else
		sb_puts(&t, "state held\n");
	/* tmpfs: a rename is as durable as the reservation it records. */
	ret = write_file_replace(path, t.buf, t.len, 0);
	if (ret)
		sb_printf(why, "cannot write the hugepage record '%s'", path);
	strbuf_release(&t);
	return ret;
}

/* Detaches and removes a dead owner's mount point; what was done into done. */
static void mount_undo(const char *mnt, struct strbuf *done)
{
	struct statfs fs;

	if (!statfs(mnt, &fs) && (unsigned long)fs.f_type == HUGETLBFS_MAGIC_NR) {
		if (umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW) && errno != EINVAL) {
			warning("cannot unmount '%s': %s", mnt, strerror(errno));
			return;
		}
		sb_printf(done, "; hugetlbfs on %s detached", mnt);
	}
	if (!rmdir(mnt))
		sb_printf(done, "; %s removed", mnt);
	else if (errno != ENOENT)
		warning("cannot remove '%s': %s", mnt, strerror(errno));
}

/*
 * Gives back what the dead owner's record r holds, then removes the
 * record: 0; -1 with why appended when nr_hugepages cannot be read or
 * written (the record stays).
 */
static int settle_dead(const struct hugepage_paths *p, const struct hugepage_record *recs,
		       size_t n, const struct hugepage_record *r, struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT, done = STRBUF_INIT, limit = STRBUF_INIT;
	long now, held, live, give;
	int ret = -1;

	path_join(&path, p->registry, r->name);
	if (count_read(p->nr, &now, why))
		goto out;
	held = record_held(r, now);
	live = live_pages(recs, n, now, r->name);
	give = now - live < held ? now - live : held;
	if (give < 0)
		give = 0;
	if (give && count_write(p->nr, now - give, why))
		goto out;
	if (r->mount)
		mount_undo(r->mount, &done);
	if (unlink(path.buf) && errno != ENOENT)
		warning("cannot remove '%s': %s", path.buf, strerror(errno));
	if (give < held && live)
		sb_printf(&limit, "; the records of live runs account for %ld", live);
	else if (give < held)
		sb_puts(&limit, "; not below 0");
	warning("hugepages of dead pid %ld (record %s): gave back %ld of its %ld pages "
		"(nr_hugepages %ld -> %ld%s)%s",
		r->pid, path.buf, give, r->pages, now, now - give, limit.buf, done.buf);
	ret = 0;
out:
	strbuf_release(&path);
	strbuf_release(&done);
	strbuf_release(&limit);
	return ret;
}

/* The sweep, the lock held. */
static size_t sweep_locked(const struct hugepage_paths *p)
{
	struct hugepage_record *recs;
	size_t n, swept = 0;

	if (records_scan(p, 1, &recs, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct strbuf why = STRBUF_INIT;

		if (recs[i].live)
			continue;
		if (settle_dead(p, recs, n, &recs[i], &why)) {
			warning("cannot give back the hugepages of pid %ld (record '%s/%s'): %s",
				recs[i].pid, p->registry, recs[i].name, why.buf);
			strbuf_release(&why);
			break;
		}
		/* Given back: it no longer counts, live or not. */
		recs[i].pages = 0;
		recs[i].changing = 0;
		swept++;
		strbuf_release(&why);
	}
	hugepage_records_free(recs, n);
	return swept;
}

size_t host_hugepages_sweep(const struct hugepage_paths *p)
{
	size_t swept;
	int lock;

	if (!p)
		p = &hugepage_paths_host;
	if (access(p->registry, W_OK))
		return 0;
	lock = lock_acquire(p->lock, 1);
	if (lock < 0)
		return 0;
	swept = sweep_locked(p);
	lock_release(lock);
	return swept;
}

/* ---- A reservation of this process. ---- */

/* registry/PID-START-SEQ for a new record of this process; -1 with why. */
static int record_name(const struct hugepage_paths *p, struct strbuf *path,
		       struct strbuf *why)
{
	static long seq;
	long pid = (long)getpid(), start;
	char state;

	if (proc_stat_start(pid, &state, &start)) {
		sb_printf(why, "cannot read the start time of this process (/proc/%ld/stat)",
			  pid);
		return -1;
	}
	sb_printf(path, "%s/%ld-%ld-%ld", p->registry, pid, start, seq++);
	return 0;
}

/*
 * Takes back a raise that was not whole, the lock held: nr_hugepages to
 * before when it is above, then the record removed.
 */
static void reserve_undo(const struct hugepage_paths *p, const char *record, long before,
			 struct strbuf *why)
{
	long now;

	if (count_read(p->nr, &now, why) || (now > before && count_write(p->nr, before, why)))
		return; /* the record stays: a sweep settles it once we are gone */
	if (unlink(record) && errno != ENOENT)
		sb_printf(why, "; cannot remove '%s': %s", record, strerror(errno));
}

int host_hugepages_reserve(struct hugepage_hold *h, const struct hugepage_paths *p,
			   long pages, const char *mnt, struct strvec *notes,
			   struct strbuf *why)
{
	struct strbuf rec = STRBUF_INIT;
	long before, got;
	int lock, ret = -1;

	memset(h, 0, sizeof(*h));
	h->paths = p;
	if (mnt && strchr(mnt, '\n')) {
		sb_printf(why, "hugetlbfs mount point '%s' has a newline", mnt);
		return -1;
	}
	if (mkdir_p(p->registry, 0755)) {
		sb_printf(why, "cannot make the hugepage registry '%s'", p->registry);
		return -1;
	}
	lock = lock_acquire(p->lock, 1);
	if (lock < 0) {
		sb_printf(why, "cannot lock '%s'", p->lock);
		return -1;
	}
	(void)sweep_locked(p);
	if (count_read(p->nr, &before, why) || record_name(p, &rec, why) ||
	    record_write(rec.buf, pages, mnt, 1, before, why))
		goto out;
	if (count_write(p->nr, before + pages, why) || count_read(p->nr, &got, why)) {
		reserve_undo(p, rec.buf, before, why);
		goto out;
	}
	if (got < before + pages) {
		sb_printf(why, "hugepage memory needs %ld 2 MiB pages and the kernel "
			       "gave %ld (nr_hugepages %ld, asked %ld)",
			  pages, got > before ? got - before : 0, got, before + pages);
		reserve_undo(p, rec.buf, before, why);
		ret = 1;
		goto out;
	}
	/* The raise is whole: if this write fails, the record says changing
	 * from before, which a sweep settles the same. */
	h->pages = pages;
	h->record = strbuf_detach(&rec);
	h->mnt = mnt ? xstrdup(mnt) : NULL;
	if (record_write(h->record, pages, mnt, 0, 0, why))
		goto out;
	strvec_pushf(notes, "hugepages: reserved %ld 2 MiB pages for the run "
			    "(nr_hugepages %ld -> %ld)",
		     pages, before, got);
	strvec_pushf(notes, "hugepages: the reservation is recorded in %s (a later run "
			    "gives it back if this one dies)",
		     h->record);
	ret = 0;
out:
	lock_release(lock);
	strbuf_release(&rec);
	return ret;
}

void host_hugepages_give_back(struct hugepage_hold *h, struct strvec *notes)
{
	const struct hugepage_paths *p = h->paths;
	struct hugepage_record *recs = NULL;
	struct strbuf why = STRBUF_INIT;
	const char *name;
	long now, live, give;
	size_t n = 0;
	int lock;

	if (!h->record)
		goto out;
	name = path_basename(h->record);
	lock = lock_acquire(p->lock, 1);
	if (lock < 0) {
		warning("cannot give back %ld hugepages: cannot lock '%s'", h->pages, p->lock);
		goto out;
	}
	(void)sweep_locked(p);
	if (records_scan(p, 0, &recs, &n) || count_read(p->nr, &now, &why))
		goto fail;
	live = live_pages(recs, n, now, name);
	give = now - live < h->pages ? now - live : h->pages;
	if (give < 0)
		give = 0;
	if (record_write(h->record, h->pages, h->mnt, 1, now - give, &why) ||
	    (give && count_write(p->nr, now - give, &why)))
		goto fail;
	if (unlink(h->record))
		warning("cannot remove '%s': %s", h->record, strerror(errno));
	if (give == h->pages)
		strvec_pushf(notes, "hugepages: gave back the %ld pages (nr_hugepages %ld -> %ld)",
			     give, now, now - give);
	else
		strvec_pushf(notes, "hugepages: gave back %ld of the %ld pages (nr_hugepages "
				    "%ld -> %ld; the records of other live runs account for "
				    "the rest)",
			     give, h->pages, now, now - give);
	goto unlock;
fail:
	warning("cannot give back %ld hugepages: %s; the record '%s' stays for a sweep",
		h->pages, why.buf, h->record);
unlock:
	lock_release(lock);
out:
	hugepage_records_free(recs, n);
	strbuf_release(&why);
	free(h->record);
	free(h->mnt);
	memset(h, 0, sizeof(*h));
}
