/*
 * runner/hugepages.c against files of the test's own: a count file for
 * nr_hugepages, a registry directory and a lock in a temporary
 * directory, so that reservations, give-backs and sweeps run without
 * root and without touching the machine's hugepages. The owners of the
 * records are real processes: this one, a child that is gone, a zombie,
 * and this pid with another start time (a pid used again). Every
 * failure names its case.
 */
#include <limits.h>
#include <sys/wait.h>

#include "testutil.h"
#include "hugepages.h"

/* A registry of the test's own, under dir. */
struct fake_host {
	char *dir;
	struct strbuf nr, free, registry, lock;
	struct hugepage_paths paths;
};

static void fake_host_init(struct fake_host *f, long nr)
{
	char text[32];

	f->dir = tu_tmpdir("hugepages");
	strbuf_init(&f->nr, 0);
	strbuf_init(&f->free, 0);
	strbuf_init(&f->registry, 0);
	strbuf_init(&f->lock, 0);
	sb_printf(&f->nr, "%s/nr_hugepages", f->dir);
	sb_printf(&f->free, "%s/free_hugepages", f->dir);
	sb_printf(&f->registry, "%s/run/virt-matrix/hugepages", f->dir);
	sb_printf(&f->lock, "%s/hugepages.lock", f->dir);
	f->paths = (struct hugepage_paths){ f->nr.buf, f->free.buf, f->registry.buf,
					    f->lock.buf };
	snprintf(text, sizeof(text), "%ld\n", nr);
	tu_write(f->dir, "nr_hugepages", text);
	tu_write(f->dir, "free_hugepages", "0\n");
}

static void fake_host_release(struct fake_host *f)
{
	strbuf_release(&f->nr);
	strbuf_release(&f->free);
	strbuf_release(&f->registry);
	strbuf_release(&f->lock);
	tu_rmdir(f->dir);
}

static long nr_now(const struct fake_host *f)
{
	char *t = tu_read(f->nr.buf);
	long v;

	t[strcspn(t, "\n")] = '\0';
	if (parse_long(t, 0, LONG_MAX, &v))
		fail_msg("'%s' holds '%s'", f->nr.buf, t);
	free(t);
	return v;
}

/* The registry's file names, sorted, one per line. */
static char *registry_list(const struct fake_host *f)
{
	struct strbuf out = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n = scandir(f->registry.buf, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.')
			sb_printf(&out, "%s\n", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return strbuf_detach(&out);
}

static long start_of(pid_t pid)
{
	char state;
	long start;

	if (proc_stat_start((long)pid, &state, &start))
		fail_msg("no /proc/%ld/stat", (long)pid);
	return start;
}

/* A reservation raises the count and writes its record; give-back undoes both. */
static void test_reserve_and_give_back(void **state)
{
	struct fake_host f;
	struct hugepage_hold h;
	struct hugepage_record *recs;
	struct strvec notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, want = STRBUF_INIT;
	char *mnt, *list, *rec;
	size_t n;

	(void)state;
	fake_host_init(&f, 3);
	mnt = tu_path(f.dir, "run/hugepages");
	assert_int_equal(host_hugepages_reserve(&h, &f.paths, 5, mnt, &notes, &why), 0);
	assert_int_equal(why.len, 0);
	assert_int_equal(nr_now(&f), 8);
	assert_int_equal(h.pages, 5);
	/* One record, named after this process and its start time. */
	list = registry_list(&f);
	sb_printf(&want, "%ld-%ld-", (long)getpid(), start_of(getpid()));
	assert_starts_with(path_basename(h.record), want.buf);
	strbuf_reset(&want);
	sb_printf(&want, "%s\n", path_basename(h.record));
	assert_string_equal(list, want.buf);
	rec = tu_read(h.record);
	strbuf_reset(&want);
	sb_printf(&want, "pages 5\nmount %s\nstate held\n", mnt);
	assert_string_equal(rec, want.buf);
	assert_int_equal(notes.nr, 2);
	assert_string_equal(notes.v[0], "hugepages: reserved 5 2 MiB pages for the run "
					"(nr_hugepages 3 -> 8)");
	assert_contains(notes.v[1], h.record, "record note");
	/* What a test or a report reads of it. */
	assert_int_equal(host_hugepages_records(&f.paths, &recs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].pid, (long)getpid());
	assert_true(recs[0].live);
	assert_int_equal(recs[0].pages, 5);
	assert_false(recs[0].changing);
	assert_string_equal(recs[0].mount, mnt);
	hugepage_records_free(recs, n);
	/* A sweep leaves a live owner's record alone. */
	assert_int_equal(host_hugepages_sweep(&f.paths), 0);
	assert_int_equal(nr_now(&f), 8);
	assert_true(path_exists(h.record));

	host_hugepages_give_back(&h, &notes);
	assert_int_equal(nr_now(&f), 3);
	free(list);
	list = registry_list(&f);
	assert_string_equal(list, "");
	assert_int_equal(notes.nr, 3);
	assert_string_equal(notes.v[2], "hugepages: gave back the 5 pages (nr_hugepages 8 -> 3)");
	assert_null(h.record);
	assert_int_equal(h.pages, 0);
	/* Twice is nothing. */
	host_hugepages_give_back(&h, &notes);
	assert_int_equal(notes.nr, 3);
	assert_int_equal(nr_now(&f), 3);

	free(list);
	free(rec);
	free(mnt);
	strvec_clear(&notes);
	strbuf_release(&why);
	strbuf_release(&want);
	fake_host_release(&f);
}

/* Who owns a record of a sweep case. */
enum owner {
	OWNER_GONE,	/* a child that exited and was reaped */
	OWNER_ZOMBIE,	/* a child that exited, not reaped yet */
	OWNER_SELF,	/* this process */
	OWNER_REUSED,	/* this pid with another start time */
};

struct sweep_case {
	const char *name;
	enum owner owner;
	const char *text;  /* the record, without its mount line */
	long live;	   /* pages of a record of this process beside it; 0: none */
	long nr_before, nr_after;
	size_t swept;
	const char *warning; /* what the sweep says after "dead pid N (record R): " */
};

static const struct sweep_case sweep_cases[] = {
	{ "a gone owner's pages are given back", OWNER_GONE, "pages 4\nstate held\n", 0, 10,
	  6, 1, "gave back 4 of its 4 pages (nr_hugepages 10 -> 6)" },
	{ "a zombie owner counts as gone", OWNER_ZOMBIE, "pages 4\nstate held\n", 0, 10, 6, 1,
	  "gave back 4 of its 4 pages (nr_hugepages 10 -> 6)" },
	{ "a live pid with another start time counts as gone", OWNER_REUSED,
	  "pages 4\nstate held\n", 0, 10, 6, 1,
	  "gave back 4 of its 4 pages (nr_hugepages 10 -> 6)" },
	{ "a live owner's record is left alone", OWNER_SELF, "pages 4\nstate held\n", 0, 10,
	  10, 0, NULL },
	{ "never below 0", OWNER_GONE, "pages 4\nstate held\n", 0, 2, 0, 1,
	  "gave back 2 of its 4 pages (nr_hugepages 2 -> 0; not below 0)" },
	{ "never below what live records account for", OWNER_GONE, "pages 4\nstate held\n",
	  5, 8, 5, 1,
	  "gave back 3 of its 4 pages (nr_hugepages 8 -> 5; the records of live runs "
	  "account for 5)" },
	{ "killed after the raise: the pages above base", OWNER_GONE,
	  "pages 4\nstate changing\nbase 6\n", 0, 10, 6, 1,
	  "gave back 4 of its 4 pages (nr_hugepages 10 -> 6)" },
	{ "killed before the raise: nothing to give back", OWNER_GONE,
	  "pages 4\nstate changing\nbase 10\n", 0, 10, 10, 1,
	  "gave back 0 of its 4 pages (nr_hugepages 10 -> 10)" },
	{ "killed after a part of the raise: that part", OWNER_GONE,
	  "pages 4\nstate changing\nbase 8\n", 0, 10, 8, 1,
	  "gave back 2 of its 4 pages (nr_hugepages 10 -> 8)" },
	{ "killed while giving back, after the write: nothing more", OWNER_GONE,
	  "pages 4\nstate changing\nbase 6\n", 0, 6, 6, 1,
	  "gave back 0 of its 4 pages (nr_hugepages 6 -> 6)" },
};

/* A process that is gone (reaped), or a zombie (*zombie set, reap it after). */
static pid_t dead_child(int zombie, long *start)
{
	int fds[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	*start = start_of(pid);
	close(fds[1]); /* it exits */
	if (zombie) {
		for (int i = 0; i < 500 && tu_proc_state(pid) != 'Z'; i++)
			usleep(10000);
		assert_int_equal(tu_proc_state(pid), 'Z');
	} else {
		assert_int_equal(waitpid(pid, NULL, 0), pid);
	}
	return pid;
}

static void test_sweep(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(sweep_cases); k++) {
		const struct sweep_case *c = &sweep_cases[k];
		struct fake_host f;
		struct strbuf name = STRBUF_INIT, text = STRBUF_INIT, want = STRBUF_INIT;
		char *mnt, *msg;
		long pid, start;
		size_t swept;

		fake_host_init(&f, c->nr_before);
		assert_int_equal(mkdir_p(f.registry.buf, 0755), 0);
		pid = c->owner == OWNER_SELF || c->owner == OWNER_REUSED
			      ? (long)getpid()
			      : (long)dead_child(c->owner == OWNER_ZOMBIE, &start);
		if (pid == (long)getpid())
			start = start_of(getpid()) + (c->owner == OWNER_REUSED);
		mnt = tu_path(f.dir, "vm-run-x/hugepages");
		assert_int_equal(mkdir_p(mnt, 0700), 0);
		sb_printf(&name, "%ld-%ld-0", pid, start);
		sb_printf(&text, "%smount %s\n", c->text, mnt);
		tu_write(f.registry.buf, name.buf, text.buf);
		if (c->live) {
			strbuf_reset(&text);
			sb_printf(&text, "pages %ld\nstate held\n", c->live);
			strbuf_reset(&name);
			sb_printf(&name, "%ld-%ld-1", (long)getpid(), start_of(getpid()));
			tu_write(f.registry.buf, name.buf, text.buf);
		}
		strbuf_reset(&name);
		sb_printf(&name, "%s/%ld-%ld-0", f.registry.buf, pid, start);

		tu_capture_begin();
		swept = host_hugepages_sweep(&f.paths);
		msg = tu_capture_end();

		if (c->owner == OWNER_ZOMBIE)
			assert_int_equal(waitpid((pid_t)pid, NULL, 0), (pid_t)pid);
		if (swept != c->swept)
			fail_msg("%s: swept %zu, want %zu (%s)", c->name, swept, c->swept, msg);
		if (nr_now(&f) != c->nr_after)
			fail_msg("%s: nr_hugepages %ld, want %ld", c->name, nr_now(&f),
				 c->nr_after);
		if (path_exists(name.buf) != !c->swept)
			fail_msg("%s: the record is %s", c->name,
				 c->swept ? "still there" : "gone");
		if (path_exists(mnt) != !c->swept)
			fail_msg("%s: the mount point is %s", c->name,
				 c->swept ? "still there" : "gone");
		if (c->warning) {
			sb_printf(&want, "warning: hugepages of dead pid %ld (record %s): %s; "
					 "%s removed\n",
				  pid, name.buf, c->warning, mnt);
			if (strcmp(msg, want.buf))
				fail_msg("%s: it said '%s', want '%s'", c->name, msg, want.buf);
		} else if (*msg) {
			fail_msg("%s: it said '%s'", c->name, msg);
		}
		free(msg);
		free(mnt);
		strbuf_release(&name);
		strbuf_release(&text);
		strbuf_release(&want);
		fake_host_release(&f);
	}
}

/* A reservation sweeps first: the pages of a gone owner come back before. */
static void test_reserve_sweeps_first(void **state)
{
	struct fake_host f;
	struct hugepage_hold h;
	struct strvec notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, name = STRBUF_INIT;
	long start;
	pid_t pid;
	char *msg, *list, *rec;

	(void)state;
	fake_host_init(&f, 7);
	assert_int_equal(mkdir_p(f.registry.buf, 0755), 0);
	pid = dead_child(0, &start);
	sb_printf(&name, "%ld-%ld-3", (long)pid, start);
	tu_write(f.registry.buf, name.buf, "pages 7\nstate held\n");
	tu_capture_begin();
	assert_int_equal(host_hugepages_reserve(&h, &f.paths, 2, NULL, &notes, &why), 0);
	msg = tu_capture_end();
	assert_contains(msg, "gave back 7 of its 7 pages (nr_hugepages 7 -> 0)", "sweep");
	assert_string_equal(notes.v[0], "hugepages: reserved 2 2 MiB pages for the run "
					"(nr_hugepages 0 -> 2)");
	list = registry_list(&f);
	assert_null(strstr(list, name.buf));
	rec = tu_read(h.record);
	assert_string_equal(rec, "pages 2\nstate held\n");
	host_hugepages_give_back(&h, &notes);
	assert_int_equal(nr_now(&f), 0);
	free(rec);
	free(msg);
	free(list);
	strvec_clear(&notes);
	strbuf_release(&why);
	strbuf_release(&name);
	fake_host_release(&f);
}

/*
 * What is not a record is left as it is, with a warning; a temporary
 * file of a gone writer (killed within write_file_replace) is removed.
 */
static void test_sweep_leaves_what_it_does_not_know(void **state)
{
	struct fake_host f;
	struct strbuf tmp = STRBUF_INIT, bad = STRBUF_INIT;
	long start;
	pid_t pid;
	char *msg, *list;

	(void)state;
	fake_host_init(&f, 4);
	assert_int_equal(mkdir_p(f.registry.buf, 0755), 0);
	pid = dead_child(0, &start);
	sb_printf(&tmp, "%ld-%ld-0.tmp.%ld", (long)pid, start, (long)pid);
	sb_printf(&bad, "%ld-%ld-1", (long)pid, start);
	tu_write(f.registry.buf, tmp.buf, "pages 4\n");
	tu_write(f.registry.buf, bad.buf, "pages lots\nstate held\n");
	tu_write(f.registry.buf, "junk", "x");
	tu_capture_begin();
	assert_int_equal(host_hugepages_sweep(&f.paths), 0);
	msg = tu_capture_end();
	assert_int_equal(nr_now(&f), 4);
	list = registry_list(&f);
	strbuf_reset(&tmp);
	sb_printf(&tmp, "%s\njunk\n", bad.buf);
	assert_string_equal(list, tmp.buf);
	assert_contains(msg, "warning: line 'pages lots' is not pages N, base N, mount /PATH "
			     "or state held|changing in '", "bad record");
	assert_contains(msg, "'; the hugepage record is left as it is\n", "bad record");
	assert_contains(msg, "/junk' is not a hugepage record (PID-START-SEQ); left as it is",
			"junk");
	free(msg);
	free(list);
	strbuf_release(&tmp);
	strbuf_release(&bad);
	fake_host_release(&f);
}

/* Without a registry, or one it may not write, a sweep does nothing. */
static void test_sweep_without_registry(void **state)
{
	struct fake_host f;
	char *msg;

	(void)state;
	fake_host_init(&f, 4);
	tu_capture_begin();
	assert_int_equal(host_hugepages_sweep(&f.paths), 0);
	msg = tu_capture_end();
	assert_string_equal(msg, "");
	assert_false(path_exists(f.lock.buf));
	assert_int_equal(nr_now(&f), 4);
	free(msg);
	fake_host_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_and_give_back),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_reserve_sweeps_first),
		cmocka_unit_test(test_sweep_leaves_what_it_does_not_know),
		cmocka_unit_test(test_sweep_without_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
