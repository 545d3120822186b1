#ifndef VM_STORE_H
#define VM_STORE_H

/*
 * The SQLite store: the only shared state of virt-matrix. store_open()
 * creates or opens the file, switches to WAL, and brings the schema up to
 * date through the numbered migrations in store.c (PRAGMA user_version).
 * All SQL goes through prepared statements with bound parameters. The
 * collation "version" orders names with numbers in them as people expect
 * (pc-q35-2.4 before pc-q35-2.10).
 */

#include <sqlite3.h>

#include "util.h"

struct store {
	sqlite3 *db;
	char *path;
};

/* Statements free themselves at the end of their scope. */
void store_stmt_cleanup(sqlite3_stmt **st);
#define auto_stmt __attribute__((cleanup(store_stmt_cleanup))) sqlite3_stmt

/* The schema version this binary writes. */
int store_schema_version(void);

/*
 * Default store path: $VIRT_MATRIX_DB, else /var/lib/virt-matrix/matrix.db
 * for root, else $XDG_DATA_HOME (or ~/.local/share)/virt-matrix/matrix.db.
 * Returns a malloc'd string.
 */
char *store_default_path(void);

/*
 * Refuses an empty store path, which SQLite would take as a private
 * temporary database (what a command records would vanish with it):
 * -1 after reporting "cannot use '' as the store: ...", else 0.
 * store_open checks it; a command that does work before it opens the
 * store (ark build downloads) checks its --db with it first.
 */
int store_path_check(const char *path) VM_WUR;

/*
 * Opens (creating the file and its directory) and migrates. Refuses an
 * empty path (store_path_check) and, naming the file and the version
 * found, a store whose schema version is negative or newer than this
 * binary knows; such a file is left as it was. Reports and returns -1 on
 * failure.
 */
int store_open(struct store *st, const char *path) VM_WUR;
void store_close(struct store *st);

/* Prepares sql; reports with the store path on failure. */
int store_prepare(struct store *st, sqlite3_stmt **out, const char *sql) VM_WUR;
/* Runs sql (no results). */
int store_exec(struct store *st, const char *sql) VM_WUR;
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st) VM_WUR;
int store_commit(struct store *st) VM_WUR;
void store_rollback(struct store *st);
/* Reports the current SQLite error for what was being done; returns -1. */
int store_error(struct store *st, const char *what);

/* Binds text or NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text as a malloc'd string, NULL when the column is NULL. */
char *store_column_strdup(sqlite3_stmt *st, int i);

#endif
