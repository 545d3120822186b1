#ifndef CORP_STANDIN_H
#define CORP_STANDIN_H

/*
 * Stand-ins for the host resources libvirt's test domains name and this
 * host lacks (needs.h), where a stand-in keeps the configuration the
 * same for libvirt and QEMU: an empty disk image of the format the
 * domain names (made by qemu-img), a loop block device over one where
 * the disk is a block device, an empty directory. They appear at the
 * named path for one libvirt daemon alone, inside its private mount
 * namespace: under the daemon's private tree where it binds one over the
 * path, else in an overlay (supervise.h) over the deepest directory the
 * host has on the way to it. Nothing is created on the host's own tree
 * outside our stand-in directory, which corp_standins_release() removes.
 *
 * A set of stand-ins serves one daemon: domains are fitted into it one
 * by one (corp_standins_fit). A domain whose needs clash with what the
 * set holds already (the same path as a block device for one domain and
 * a regular file for another) waits for another set, and so another
 * start of the daemon; a need no stand-in can meet (a host PCI device,
 * a network, a directory at the root this host lacks) makes it a skip.
 */

#include "needs.h"
#include "strbuf.h"
#include "util.h"

enum corp_node {
	CORP_NODE_FILE,
	CORP_NODE_BLOCK,
	CORP_NODE_DIR,
};

struct corp_standin {
	char *path;	  /* as the domains name it */
	enum corp_node node;
	char *format;	  /* the image in it ("raw", "qcow2"; NULL for a dir) */
	char *where;	  /* where it was made, seen from here */
	char *backing;	  /* block: the image file behind the loop device */
	int loop_fd;	  /* block: the loop device, held open; -1: none */
	int loop;	  /* block: N of /dev/loopN; -1: none */
};

struct corp_standins {
	char *tree;		 /* ours: upper/K, work/K, images/ */
	const struct strvec *binds; /* the daemon's private binds (SRC DST ...) */
	struct corp_standin *v;
	size_t n, alloc;
	struct strvec tops;	 /* the directories overlaid */
	int made;
};

enum corp_fit {
	CORP_FIT_YES,	   /* fitted; the set may have grown */
	CORP_FIT_CONFLICT, /* clashes with this set; another set may take it */
	CORP_FIT_NEVER,	   /* no stand-in can meet a need: why says which */
};

/* The size of every stand-in image (sparse or a qcow2 header). */
#define CORP_STANDIN_SIZE "1G"

/*
 * An empty set for a daemon whose private binds are binds (SRC DST
 * pairs, libvirtd.h; borrowed, may be empty) with its stand-ins in a new
 * directory of ours. -1 after reporting.
 */
int corp_standins_init(struct corp_standins *s, const struct strvec *binds) VM_WUR;

/*
 * Fits the needs of one domain into s (not made yet): all of them or
 * none. For CORP_FIT_YES each stand-in the domain will see is described
 * in adaptations ("stand-in: /dev/HostVG/QEMUGuest1, an empty raw block
 * device"); for CORP_FIT_NEVER why names the first need no stand-in
 * meets and why.
 */
enum corp_fit corp_standins_fit(struct corp_standins *s, const struct corp_needs *needs,
				struct strvec *adaptations, struct strbuf *why);

/*
 * The stand-ins of from (fitted, not made) into to, a set just
 * initialised for another daemon: each daemon of a libvirt gets its own
 * copies, so that the domains running side by side never share a disk
 * image (QEMU locks the images it opens for writing).
 */
void corp_standins_copy(struct corp_standins *to, const struct corp_standins *from);

/*
 * Makes every stand-in of s: images with qemu-img, loop devices, device
 * nodes and directories in their places, and pushes the supervisor's
 * "--overlay DIR UPPER WORK" arguments into ns_args. -1 after reporting;
 * what was made is undone by corp_standins_release().
 */
int corp_standins_make(struct corp_standins *s, struct strvec *ns_args) VM_WUR;

/* Detaches the loop devices and removes the stand-in directory; s is reset. */
void corp_standins_release(struct corp_standins *s);

#endif
