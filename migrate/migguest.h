#ifndef MIG_GUEST_H
#define MIG_GUEST_H

/*
 * The guest of a migration job: the host's kernel and a busybox
 * initramfs whose /init brings its devices into use and keeps a memory
 * workload running, so that what the destination restores is proven by
 * the guest itself. On the console (a socket: lib/console.h):
 *
 *   VMX-BEGIN before          the checks on the source, before migrating
 *   VMX-CHECK <n> <kind> pass|fail <detail>   (runner/guest.h's format)
 *   VMX-END <passed> <failed>
 *   VMX-MIG-READY             the source may be migrated now
 *
 * then it waits for a line "check" on the console (sent on the
 * destination after the switch) and prints the same block as
 * "VMX-BEGIN after", with the check of the memory it kept rewriting.
 * The checks: memory (an 8 MiB pattern in RAM and its md5, written at
 * boot), dirty (eight 1 MiB chunks rewritten in turn while the guest
 * runs, each followed by its md5; stopped and verified after the
 * switch), disk (1 MiB read from the virtio-blk disk past the page
 * cache, its sha256 against the image's), virtio-net and e1000e (an
 * ICMP echo to user networking's gateway through each; both NICs hang
 * off one user network through a hub), console (it answered).
 */

#include "strbuf.h"

#define MIG_READY "VMX-MIG-READY"
#define MIG_CHECK_CMD "check"
/* The checks of the "after" block; "before" has all but dirty. */
#define MIG_CHECKS_AFTER 6
#define MIG_CHECKS_BEFORE 5

/* The disk image the guest reads: MIG_DISK_BYTES of a fixed pattern. */
#define MIG_DISK_BYTES (1u << 20)
void mig_disk_image(struct strbuf *out);

/* The guest's kernel modules, in load order (dependencies are resolved later). */
void mig_guest_modules(struct strvec *out);

/* The /init script into out. */
void mig_guest_init(struct strbuf *out);

/*
 * The files every migration job shares: the host's newest kernel with
 * modules, the guest's initramfs and the disk image, both kept under the
 * cache directory by content (made once). Paths malloc'd.
 */
struct mig_files {
	char *kernel, *initrd, *image;
};
int mig_guest_files(struct mig_files *f) VM_WUR;
void mig_guest_files_release(struct mig_files *f);

#endif
