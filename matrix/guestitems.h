#ifndef MX_GUESTITEMS_H
#define MX_GUESTITEMS_H

/*
 * The guest view's items (matrix/guestview.h) for a person who looks at
 * a list of them: a one-line summary of each (what its header says: an
 * ACPI table's signature, OEM ids, revision and length; a PCI function's
 * vendor:device and class; how many e820 entries, CPUID records or
 * fw_cfg files; a virtio device's features and number of queues), and the names `show guest --table` takes for a group of
 * items. Pure functions on bytes; matrix/guestdecode.h decodes an item
 * in full.
 *
 * Table names (case-insensitive):
 *	an ACPI signature	acpi/<SIG> and every acpi/<SIG>.N (all SSDTs)
 *	smbios			smbios/entry, smbios/table
 *	pci			every pci/BB:DD.F
 *	pci:BB:DD.F		that function's pci/BB:DD.F (whose decoding
 *				reads its BAR sizes from pcibar/BB:DD.F)
 *	cpuid, lapic		cpu/cpuid, cpu/lapic
 *	e820			firmware/e820, fw_cfg/etc/e820
 *	fwcfg			fw_cfg/dir
 *	virtio			every virtio/BB:DD.F
 *	an item's name		that item (fw_cfg/etc/boot-fail-wait)
 */

#include "guestview.h"
#include "strbuf.h"

/*
 * Appends a one-line summary of it (no newline) to out; nothing for an
 * item nothing cheap can be said about. Short or malformed bytes give
 * a summary that says so, never an error.
 */
void guest_item_summary(const struct gv_item *it, struct strbuf *out);

/* Whether table has the shape of a table name (see above). */
int guest_table_valid(const char *table);

/* Whether table (a valid table name) selects the item called name. */
int guest_table_selects(const char *table, const char *name);

/*
 * The table name that selects item name, appended to out (the ACPI
 * signature for acpi/SSDT.2, pci:00:02.0 for pci/00:02.0 and for
 * pcibar/00:02.0, whose BARs that decoding shows, the item's own name
 * when no group holds it).
 */
void guest_table_of(const char *name, struct strbuf *out);

/*
 * What gv has to select, appended to out as a phrase: "smbios, pci,
 * pci:BB:DD.F (00:00.0 00:1f.0), e820, fwcfg and the ACPI tables RSDP
 * RSDT FACP DSDT" (groups of no item left out), for messages.
 */
void guest_tables_in(const struct guestview *gv, struct strbuf *out);

#endif
