#ifndef MX_GUESTRECORD_H
#define MX_GUESTRECORD_H

/*
 * The guest view in the store (schema 13): each normalised item once by
 * content in guest_items (sha256 -> bytes), the items a (binary, machine
 * type) showed in machine_guest_items (name, sha256, the order they were
 * read in), and per (binary, machine type) a row in machine_guest with
 * its status and its fingerprint: the sha256 of the lines "NAME SHA256\n"
 * of its items in byte order of their names. Equal fingerprints: the
 * guest sees the same thing.
 *
 * binaries.guest_rev says which definition of the view a binary's record
 * follows (GUEST_REV now); a record of an older one is taken again by
 * the next probe, and the reports never compare two definitions.
 */

#include "guestview.h"
#include "sha256.h"
#include "store.h"

/*
 * What the guest view is now: 1 = ACPI, SMBIOS (machine name
 * normalised), fw_cfg, PCI (configuration space and BAR sizes), CPUID,
 * the local APIC and the firmware's e820 (matrix/guestparse.c says what
 * is normalised). 2 adds each virtio function's device features, number
 * of queues and queue sizes (virtio/BB:DD.F), and reads the whole 4 KiB
 * configuration space of PCI Express functions through ECAM (their
 * pci/BB:DD.F items grow from 256 to 4096 bytes).
 */
#define GUEST_REV 2

/* One machine type's outcome. */
struct guest_outcome {
	const char *machine;
	const struct guestview *gv; /* normalised; ignored when error is set */
	const char *error;	    /* why the view could not be taken, or NULL */
	double seconds;
};

/* The fingerprint of gv (its items by name: "NAME SHA256\n" lines). */
void guestview_fingerprint(const struct guestview *gv,
			   char out[SHA256_HEX_LEN + 1]);

/*
 * Records the n outcomes of binary id and its guest_seconds and
 * guest_rev, in one transaction (rolled back on failure); *distinct gets
 * the number of distinct fingerprints. 0, or -1 reported.
 */
int guest_record(struct store *st, long long id, const struct guest_outcome *v,
		 size_t n, double seconds, size_t *distinct) VM_WUR;

/*
 * Whether binary id's guest view is to be taken (again): never taken, or
 * taken under an older GUEST_REV. 1 yes, 0 no, -1 reported.
 */
int guest_missing(struct store *st, long long id) VM_WUR;

/*
 * The recorded view of machine on binary id into gv (initialised by the
 * caller), items in the order they were read. 0; 1 when there is no
 * 'ok' record (*error, if not NULL, gets the failed record's error,
 * malloc'd, or NULL); -1 reported.
 */
int guestview_load(struct store *st, long long id, const char *machine,
		   struct guestview *gv, char **error) VM_WUR;

#endif
