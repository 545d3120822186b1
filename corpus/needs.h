#ifndef CORP_NEEDS_H
#define CORP_NEEDS_H

/*
 * The host resources a libvirt domain XML names: the files, devices,
 * sockets, networks, pools, secrets and host devices that must exist on
 * the host for libvirt to define the domain and for QEMU to start it.
 * The corpus runner (run.c) gives each one a stand-in where a stand-in
 * keeps the configuration the same for libvirt and QEMU (standin.c), and
 * otherwise records a skip that names it. Parsing only: nothing on the
 * host is looked at here.
 */

#include <stddef.h>

#include "strbuf.h"
#include "enum.h"
#include "util.h"

enum corp_res_kind {
	CORP_RES_DISK,	    /* a <disk>'s local source: path, disk type, format */
	CORP_RES_BOOT_FILE, /* read by QEMU or libvirt at start: kernel, initrd,
			     * dtb, shim, loader, nvram template, ACPI table,
			     * ROM, fw_cfg file, an nvdimm's backing file */
	CORP_RES_DIR,	    /* a directory that must exist (filesystem source) */
	CORP_RES_DEVNODE,   /* a host device node that is not a disk (/dev/...) */
	CORP_RES_SOCKET,    /* a unix socket QEMU or libvirt connects to */
	CORP_RES_NETWORK,   /* a libvirt virtual network, by name */
	CORP_RES_BRIDGE,    /* a host bridge, by name */
	CORP_RES_HOST_NETDEV, /* a host network device (direct; ethernet with
			       * managed='no'); an <interface type='hostdev'>
			       * is the CORP_RES_HOSTDEV of its PCI address */
	CORP_RES_POOL,	    /* a libvirt storage pool (and volume) */
	CORP_RES_HOSTDEV,   /* a host PCI, USB, SCSI or mediated device */
	CORP_RES_HUGEPAGES, /* hugepage-backed guest memory */
	CORP_RES_SECRET,    /* a libvirt secret, by uuid or usage */
	CORP_RES_OTHER,	    /* anything else the host must have (said in what) */
	CORP_RES_LAST
};

/*
 * corp_res_kind_to_string(): "disk", "boot-file", "dir", "devnode",
 * "socket", "network", "bridge", "host-netdev", "pool", "hostdev",
 * "hugepages", "secret", "other".
 */
VM_ENUM_DECL(corp_res_kind);

struct corp_res {
	enum corp_res_kind kind;
	char *what;	 /* a path or a name, as written; for a pool
			  * "pool/volume"; a host device "pci 0000:06:12.5",
			  * "usb 0x1234:0xbeef", "usb bus 14 device 6",
			  * "scsi scsi_host0 0:0:0", "scsi_host naa...",
			  * "mdev UUID"; hugepages "2048 KiB" or "default"; a
			  * secret "TYPE uuid UUID" or "TYPE usage NAME"
			  * (TYPE the <secret type>: ceph, iscsi, passphrase;
			  * vtpm for a TPM's); other: "nbd host example.org",
			  * "tcp server HOST:PORT", "fifo PATH", "swtpm",
			  * "efi firmware", "host CPUs 1-3"... */
	char *disk_type; /* CORP_RES_DISK: the <disk type=...> ("file",
			  * "block", "dir"); else NULL */
	char *format;	 /* CORP_RES_DISK: <driver type=...>, NULL when absent */
	int readonly;	 /* CORP_RES_DISK: <readonly/>, a cdrom/floppy, or
			  * a backing store (QEMU reads those only) */
	char *where;	 /* where in the document, for a reason:
			  * "disk vda", "disk vda backing #1", "disk vda
			  * data file", "disk #3" (no target), "os/kernel",
			  * "interface #2" (the second <interface>) */
};

struct corp_needs {
	struct corp_res *v;
	size_t n, alloc;
};

#define CORP_NEEDS_INIT { NULL, 0, 0 }

/*
 * The resources the domain xml[0..len) names, in document order, each
 * once (the same path or name twice is one entry, the first). Paths that
 * every host has (/dev/null, /dev/urandom, /dev/random, /dev/zero,
 * /dev/kvm, /dev/net/tun, /dev/vhost-net, /dev/ptmx) are left out, and
 * so are outputs QEMU or libvirt create (a chardev's file or a listening
 * socket, an nvram file created from its template, a log). -1 with why
 * set (one line) when xml is not a domain XML userxml.h would take (not
 * well-formed, a document type declaration, no <domain> root, larger
 * than USERXML_MAX); out is then empty. What out held before is released
 * first.
 */
int corp_needs_parse(const char *xml, size_t len, struct corp_needs *out,
		     struct strbuf *why) VM_WUR;
void corp_needs_release(struct corp_needs *n);

#endif
