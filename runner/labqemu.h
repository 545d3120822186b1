#ifndef RUN_LABQEMU_H
#define RUN_LABQEMU_H

/*
 * The QEMU that runs the VF lab (lab.h) as L1: one with igb (82576 with
 * SR-IOV, QEMU >= 8.0), virtio-9p-pci and intel-iommu. Debian bookworm's
 * own QEMU (7.2), which runs the e1000e lab and is a QEMU under test,
 * has no igb; so, in this order:
 *
 *   1. the private copy `make deps` extracts (scripts/install-deps.sh:
 *      Debian's bookworm-backports qemu-system-x86 and qemu-system-data,
 *      unpacked with dpkg-deb -x, never installed over Debian's QEMU)
 *      into LAB_QEMU_DIR_DEFAULT, or into the directory VIRT_MATRIX_LAB_QEMU
 *      names: DIR/usr/bin/qemu-system-x86_64, its firmware from
 *      DIR/usr/share/qemu (-L), BIOS and option ROMs from Debian's
 *      seabios and ipxe-qemu;
 *   2. else the newest QEMU install of the store whose complete probe
 *      record has all three devices, with the distribution's firmware
 *      directories (qemu_firmware_args);
 *   3. else none: the job is a skip that says what is missing.
 *
 * The choice is made per job and named in the run's notes.
 */

#include "store.h"
#include "strbuf.h"

#define LAB_QEMU_DIR_DEFAULT "/usr/local/lib/virt-matrix/lab-qemu"
#define LAB_QEMU_ENV "VIRT_MATRIX_LAB_QEMU"
/* The devices L1 needs, as query-devices/the probe names them. */
#define LAB_QEMU_DEVICES { "igb", "virtio-9p-pci", "intel-iommu" }

struct lab_qemu {
	char *binary;
	char *version;		/* what `binary --version` says, first line */
	struct strbuf about;	/* for the notes: what it is and where from */
	struct strvec firmware; /* "-L DIR" arguments */
};

/* A QEMU install as the choice sees it. */
struct lab_qemu_cand {
	const char *install; /* the install's name */
	const char *version; /* QEMU's own version (probe record) */
	int devices;	     /* how many of LAB_QEMU_DEVICES it has */
};

/*
 * Of n candidates, the index of the newest (by version) with every one
 * of LAB_QEMU_DEVICES; -1 when none has them all. Pure.
 */
long lab_qemu_pick(const struct lab_qemu_cand *c, size_t n);

/* The private copy's directory: $VIRT_MATRIX_LAB_QEMU, or the default. */
const char *lab_qemu_dir(void);

/*
 * Fills q (lab_qemu_release frees it either way) with the lab's QEMU as
 * the order above chooses it, st for the installs. Returns 0; 1 when
 * there is none, with why set to what is missing and how to get it; -1
 * when the one chosen does not run (its words in why) or the store
 * cannot be read (reported).
 */
int lab_qemu_find(struct store *st, struct lab_qemu *q, struct strbuf *why) VM_WUR;
void lab_qemu_release(struct lab_qemu *q);

#endif
