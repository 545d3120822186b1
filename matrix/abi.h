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
 *   qom      what qtree does not show of the CPUs, their local APICs, the
 *            PM function, the host bridge and the PCI buses (QOM
 *            properties added at run time, objects on no bus)
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

/*
 * Which definition of the fingerprint's text a record follows, kept in
 * binaries.abi_rev (NULL: 1). A probe redoes the ABI part of a record
 * made under an older one, so that the reports compare like with like.
 *   1  qtree, pci, cpu and machine lines
 *   2  and the qom lines
 */
#define ABI_REV 2

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
 * The QOM objects the fingerprint reads besides the machine: path, type,
 * and the name their lines give it ("ICH9-LPC[0]": the n-th object of
 * its type in path order; a bus "PCIE:rp0", by its own name).
 */
struct abi_qom_obj {
	char *path, *type, *name;
};

struct abi_qom_objs {
	struct abi_qom_obj *v;
	size_t nr, alloc;
};

/*
 * The objects of HMP "info qom-tree" (its text; NULL: none) that the
 * fingerprint reads, in path order, into out (empty; at most 64). Lines
 * that are not "/name (type)" are skipped.
 */
void abi_qom_select(const char *qom_tree, struct abi_qom_objs *out);
void abi_qom_objs_release(struct abi_qom_objs *o);

/*
 * The property names info qtree prints, per device type: an object
 * {type: {name: true}}, owned by the caller. NULL qtree: an empty one.
 */
json_object *abi_qtree_props(const char *qtree);

/*
 * True when property prop of an object of this type is fingerprinted.
 * listing is the object's qom-list reply (or its qom-list-get
 * "properties"), which gives prop's type and its neighbours; shown is
 * abi_qtree_props of the session's qtree. The probe asks qom-get only
 * of these; abi_lines keeps only these, so both ways give equal lines.
 * For a type abi_qom_only lists, only the list counts (listing unused).
 */
int abi_qom_wanted(const char *type, json_object *listing, const char *prop,
		   json_object *shown);

/*
 * The properties read of an object of this type when they are a fixed
 * list (a CPU's: a few of its hundreds), NULL-terminated; else NULL.
 * Before QEMU 10.1 the probe asks these with a qom-get each, without a
 * qom-list first.
 */
const char *const *abi_qom_only(const char *type);

/* The replies of one machine type's session that the text is made of. */
struct abi_replies {
	const char *qtree;    /* HMP info qtree */
	json_object *pci;     /* query-pci */
	json_object *cpu;     /* query-cpu-model-expansion */
	json_object *machine; /* the machine's properties: name -> value */
	const char *qom_tree; /* HMP info qom-tree */
	json_object *qom;     /* QOM path -> [{name, type, value}] */
};

/*
 * The fingerprint's lines from the replies of one machine type's
 * session, appended to out. Any reply may be NULL. qom holds, for the
 * objects abi_qom_select names, their qom-list-get "properties", or
 * their qom-list with "value" added from a qom-get of each property
 * abi_qom_wanted names (for a type abi_qom_only lists, just
 * [{name, value}] of its qom-gets). Pure: the tests feed it recorded
 * transcripts. The replies are those abi_reply_check accepts; parts of
 * other types are left out.
 */
void abi_lines(const struct abi_replies *r, struct strvec *out);
/* The "qom" part of abi_lines (abiqom.c). */
void abi_qom_lines(const char *qtree, const char *qom_tree, json_object *qom,
		   struct strvec *out);

/*
 * Normalises lines for machine (its name becomes "<machine>"), sorts
 * them, and returns the text (malloc'd) with its sha256 in sha.
 */
/*
 * The QOM types a machine type's ABI text shows instantiated (its qtree
 * and qom paths: "TYPE[n]" components, and the canonical devices named
 * "#id"), appended to out without repeats, in the order first seen.
 */
void abi_text_types(const char *text, struct strvec *out);

char *abi_text(const char *machine, struct strvec *lines,
	       char sha[SHA256_HEX_LEN + 1]);

#endif
