#ifndef MX_ABI_H
#define MX_ABI_H

/*
 * The guest ABI of each versioned machine type (pc-i440fx-X.Y, pc-q35-X.Y,
 * any name ending in a version): the machine starts paused under TCG with
 * one canonical set of devices (those the scenarios use, as far as the
 * machine accepts them), and its state is read back:
 *   qtree    every qdev property of every device (HMP info qtree)
 *   pci      vendor, device, subsystem, class, revision, BAR sizes, layout
 *   cpu      the default CPU model's full expansion
 *   machine  the machine object's own properties
 * Volatile parts (addresses not yet assigned, the machine's own name,
 * paths) are normalised, the lines sorted, and their sha256 is the
 * fingerprint: equal when the guest ABI is equal. The text is stored
 * once per distinct fingerprint for the reports to diff.
 *
 * Compat props (query-machines, QEMU >= 9.1) and the vmstate description
 * (-dump-vmstate, which depends on the binary, not the machine type) are
 * recorded beside the fingerprint, not in it.
 *
 * abi.c runs the machine types, abitext.c turns the replies into the
 * fingerprint's text, abirecord.c writes the record.
 */

#include <json-c/json.h>

#include "sha256.h"
#include "store.h"
#include "strbuf.h"
#include "zygote.h"

struct abi_result {
	size_t machines;
	size_t distinct;
	size_t failed;
	double seconds;
};

/*
 * Fingerprints every versioned machine type of the probed binary id.
 * abi_probe_in forks the QEMUs from z (lib/zygote.h; NULL: exec each);
 * abi_probe opens a zygote of its own (zygote_open).
 */
int abi_probe(struct store *st, long long binary_id, const char *binary,
	      struct abi_result *out) VM_WUR;
int abi_probe_in(struct store *st, long long binary_id, const char *binary,
		 struct zygote *z, struct abi_result *out) VM_WUR;

/*
 * Checks a reply the ABI probe reads (cmd: human-monitor-command,
 * query-pci, query-cpu-model-expansion, qom-list-get, qom-list, qom-get,
 * and query-machines as asked with compat-props) for the types of what
 * it reads. Returns 0, or -1 with a message naming binary, cmd, where
 * and what came back: reported, or with err set, put there.
 */
int abi_reply_check(const char *binary, const char *cmd, json_object *reply,
		    struct strbuf *err) VM_WUR;

/*
 * The machine properties of a qom-list-get reply for ["/machine"] (QEMU
 * >= 10.1), as qom-get of each gives them: name -> value, without
 * child<>/link<> properties, those that are not guest ABI and those
 * without a value. What is not of the types abi_reply_check wants reads
 * as absent.
 */
json_object *abi_props_from_list_get(json_object *ret);

/*
 * True when a machine property of this QOM type and name is
 * fingerprinted: not a child<> or link<> (those objects are in the qtree
 * and PCI views), and part of the guest ABI. False for NULL.
 */
int abi_prop_wanted(const char *type, const char *name);

/* True for machine type names that end in a version (pc-q35-7.2). */
int abi_is_versioned(const char *machine);

/*
 * Turns the text of HMP "info qtree" into sorted, normalised lines
 * "qtree <path> <property> = <value>" appended to out. machine is the
 * machine type's name, replaced by "<machine>" wherever it appears.
 */
void abi_flatten_qtree(const char *qtree, struct strvec *out);

/*
 * The fingerprint's lines from the replies of one machine type's session:
 * the info qtree text, query-pci, query-cpu-model-expansion, and an object
 * of the machine's properties (name -> qom-get value). Any may be NULL.
 * Pure: the tests feed it recorded transcripts. The replies are those
 * abi_reply_check accepts; parts of other types are left out.
 */
void abi_lines(const char *qtree, json_object *pci, json_object *cpu,
	       json_object *machine_props, struct strvec *out);
/*
 * Normalises lines for machine (its name becomes "<machine>"), sorts
 * them, and returns the text (malloc'd) with its sha256 in sha.
 */
char *abi_text(const char *machine, struct strvec *lines,
	       char sha[SHA256_HEX_LEN + 1]);

#endif
