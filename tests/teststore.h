#ifndef TESTSTORE_H
#define TESTSTORE_H

/* Helpers for tests that work on a store of their own. */

#include "testutil.h"
#include "store.h"

/* Runs fixture SQL on st; fails the test, quoting the SQL, if it fails. */
static inline void tu_exec(struct store *st, const char *sql)
{
	if (store_exec(st, sql))
		fail_msg("fixture SQL failed: %s", sql);
}

/* The first column of the first row of sql, malloc'd, or NULL. */
static inline char *tu_query1(struct store *st, const char *sql)
{
	sqlite3_stmt *q = NULL;
	char *v = NULL;

	assert_int_equal(store_prepare(st, &q, sql), 0);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		v = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return v;
}

/* The integer sql answers first; fails the test when there is none. */
static inline long long tu_query_int(struct store *st, const char *sql)
{
	char *v = tu_query1(st, sql), *end = NULL;
	long long n;

	if (!v)
		fail_msg("no value from: %s", sql);
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		fail_msg("'%s' is not an integer, from: %s", v, sql);
	free(v);
	return n;
}

/*
 * A temporary directory with a store in it that has Debian's QEMU
 * imported (virt-matrix ark import qemu); *vm is virt-matrix itself.
 */
static inline void tu_store_with_debian_qemu(const char *tag, char **dir,
					     char **db, char **vm)
{
	char *out = NULL;

	*dir = tu_tmpdir(tag);
	*db = tu_path(*dir, "matrix.db");
	*vm = tu_vm_binary();
	assert_int_equal(tu_run(&out, (const char *const[]){ *vm, "ark", "import", "qemu", NULL },
				(const char *const[]){ "--db", *db, NULL }, 60),
			 0);
	free(out);
}

/* A new store DIR/m.db in a new temporary directory *dir (malloc'd). */
static inline void tu_store_tmp(const char *tag, char **dir, struct store *st)
{
	char *p;

	*dir = tu_tmpdir(tag);
	p = tu_path(*dir, "m.db");
	assert_int_equal(store_open(st, p), 0);
	free(p);
}

/* Undoes tu_store_tmp. */
static inline void tu_store_tmp_release(char *dir, struct store *st)
{
	store_close(st);
	tu_rmdir(dir); /* frees dir */
}

/* Undoes tu_store_with_debian_qemu. */
static inline void tu_store_release(char *dir, char *db, char *vm)
{
	tu_rmdir(dir);
	free(db);
	free(vm);
}

/*
 * DIR/tmp, made and set as TMPDIR, so that the test can see what the
 * product leaves behind there; malloc'd. unsetenv("TMPDIR") undoes it.
 */
static inline char *tu_private_tmpdir(const char *dir, mode_t mode)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/tmp", dir);
	assert_int_equal(mkdir_p(p.buf, mode), 0);
	setenv("TMPDIR", p.buf, 1);
	return strbuf_detach(&p);
}

/* Undoes tu_store_with_debian_qemu and tu_private_tmpdir together. */
static inline void tu_store_private_release(char *dir, char *db, char *vm, char *tmp)
{
	unsetenv("TMPDIR");
	tu_store_release(dir, db, vm);
	free(tmp);
}

/* Debian's libvirt registered in db (virt-matrix ark import libvirt). */
static inline void tu_import_debian_libvirt(const char *vm, const char *db)
{
	char *out = NULL;

	if (tu_run(&out, (const char *const[]){ vm, "ark", "import", "libvirt", NULL },
		   (const char *const[]){ "--db", db, NULL }, 60))
		fail_msg("ark import libvirt failed:\n%s", out);
	assert_contains(out, "imported libvirt 9.0.0-system: /usr/sbin/libvirtd", "import");
	free(out);
}

/*
 * The fixture most integration tests share: dir, db and vm as made by
 * tu_store_with_debian_qemu(tag) for the whole group, and removed after.
 */
#define TU_DEBIAN_STORE_FIXTURE(tag)                                      \
	static char *dir, *db, *vm;                                       \
	static int setup(void **state)                                    \
	{                                                                 \
		(void)state;                                              \
		tu_store_with_debian_qemu((tag), &dir, &db, &vm);         \
		return 0;                                                 \
	}                                                                 \
	static int teardown(void **state)                                 \
	{                                                                 \
		(void)state;                                              \
		tu_store_release(dir, db, vm);                            \
		return 0;                                                 \
	}

/* A store dir/name with Debian's QEMU imported (malloc'd path). */
static inline char *tu_store_debian_beside(const char *vm, const char *dir, const char *name)
{
	char *p = tu_path(dir, name), *out = NULL;

	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "import", "qemu", NULL },
			   (const char *const[]){ "--db", p, NULL }, 60),
		    0);
	free(out);
	return p;
}

/*
 * "qemu libvirt scenario status" of the newest run per job of the sweeps
 * of the store at path that sweep_where (SQL on runs r, sweeps s)
 * selects, '; ' between jobs, in order: two stores that ran the same
 * work give the same text (malloc'd; NULL when there is none).
 */
static inline char *tu_sweep_results(const char *path, const char *sweep_where)
{
	struct store st;
	struct strbuf sql = STRBUF_INIT;
	char *v;

	sb_printf(&sql, "SELECT group_concat(j, '; ') FROM (SELECT r.qemu || ' ' ||"
		  " coalesce(r.libvirt, '-') || ' ' || r.scenario || ' ' || r.status AS j"
		  " FROM runs r JOIN sweeps s ON s.id = r.sweep WHERE %s AND r.id ="
		  " (SELECT max(id) FROM runs x WHERE x.sweep = r.sweep AND x.qemu = r.qemu"
		  " AND x.libvirt IS r.libvirt AND x.scenario = r.scenario) ORDER BY j)",
		  sweep_where);
	assert_int_equal(store_open(&st, path), 0);
	v = tu_query1(&st, sql.buf);
	store_close(&st);
	strbuf_release(&sql);
	return v;
}

#endif
