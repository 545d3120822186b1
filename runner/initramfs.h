#ifndef RUN_INITRAMFS_H
#define RUN_INITRAMFS_H

/*
 * The guest's initramfs: busybox (static), the kernel modules asked for
 * and everything they depend on (resolved through modules.dep, put in
 * load order, decompressed if the distribution compresses them), and an
 * /init script. Written as a newc cpio archive with libarchive, which
 * the kernel unpacks as it is.
 */

#include <stddef.h>

#include "strbuf.h"
#include "util.h"

struct initramfs_spec {
	const char *kver;	 /* kernel release, e.g. 6.1.0-56-amd64 */
	const char *modules_dir; /* NULL: /lib/modules */
	const char *busybox;	 /* NULL: /bin/busybox */
	const char *const *modules; /* names (virtio_net or virtio-net), NULL-ended */
	const char *init;	 /* the /init script's text */
};

/*
 * Resolves the modules of spec and their dependencies into `order`
 * (paths relative to the modules directory, each dependency before its
 * users, each once). -1 (reported) if a module is unknown.
 */
int initramfs_resolve(const struct initramfs_spec *spec, struct strvec *order) VM_WUR;

/*
 * Writes the archive to out (atomically: a temporary file renamed into
 * place). /etc/modules lists the module files in load order for /init.
 * Returns 0, or -1 after reporting.
 */
int initramfs_build(const struct initramfs_spec *spec, const char *out) VM_WUR;

/* The release of the newest kernel under /boot with modules; NULL if none. */
char *initramfs_default_kver(void);

#endif
