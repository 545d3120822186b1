#ifndef RUN_INITRD_H
#define RUN_INITRD_H

/*
 * The initramfs a job boots, built once per content: the kernel release,
 * the /init script and the module list make its key, and the archive is
 * kept under the cache directory (paths.h) for every later job with the
 * same key, across runs and workers.
 */

#include "scenario.h"
#include "strbuf.h"

/*
 * The path of an initramfs with these modules and this /init for kernel
 * kver, built (initramfs.h) when the cache has none; malloc'd, or NULL
 * after reporting.
 */
char *initrd_cached(const char *kver, const struct strvec *mods,
		    const char *init);

/*
 * The initramfs of VM vm of s (its modules and the /init from the
 * [expect] checks for it: guest.h), as initrd_cached(); NULL after
 * reporting.
 */
char *initrd_guest(const struct scenario *s, size_t vm, const char *kver);

#endif
