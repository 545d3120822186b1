#ifndef VM_PATHS_H
#define VM_PATHS_H

/*
 * Where things live by default. Each has an environment override:
 *   data (specs/, patches/,  VIRT_MATRIX_SPECS, VIRT_MATRIX_PATCHES,
 *         scenarios/)        VIRT_MATRIX_SCENARIOS;
 *       else next to the binary (a source checkout), else
 *       <bindir>/../share/virt-matrix (an installed copy)
 *   installs                 VIRT_MATRIX_ROOT, else /opt
 *   downloads, work trees    VIRT_MATRIX_CACHE, else /var/cache/virt-matrix
 *                            (root) or $XDG_CACHE_HOME/virt-matrix
 *   logs                     VIRT_MATRIX_LOG_DIR, else /var/log/virt-matrix
 *                            (root) or $XDG_STATE_HOME/virt-matrix/logs
 *   the zygote preload       VIRT_MATRIX_ZYGOTE_SO, else virt-matrix-zygote.so
 *                            beside virt-matrix ($VIRT_MATRIX_BIN when set,
 *                            else the running binary), else
 *                            <bindir>/../lib/virt-matrix/; NULL if none
 * All return malloc'd strings.
 */

/*
 * The running binary (/proc/self/exe), and the virt-matrix under use:
 * $VIRT_MATRIX_BIN when set (test programs name the one they test),
 * else the running binary. NULL if /proc/self/exe cannot be read.
 */
char *paths_exe(void);
char *paths_self(void);
/*
 * A path that executes (or reads) the virt-matrix under use, for running
 * ourselves: $VIRT_MATRIX_BIN when set, else /proc/self/exe, which stays
 * valid when the file was rebuilt or deleted while we run (its readlink
 * then ends in " (deleted)"). Malloc'd; never NULL.
 */
char *paths_self_exec(void);
char *paths_data_dir(const char *what);
char *paths_root(void);
char *paths_cache_dir(void);
char *paths_log_dir(void);
char *paths_zygote(void);

#endif
