/*
 * The fingerprint's "qom" lines (abi.h): what info qtree does not show of
 * a machine but reaches the guest or the migration stream. HMP info
 * qom-tree names the objects (one request); abi_qom_select picks those
 * of the kinds below and names them so that no run-time numbering shows
 * ("ICH9-LPC[0]", not /machine/unattached/device[2]); abi_qom_wanted
 * says which of their properties count, from their qom-list and from
 * what qtree prints already. The probe asks those (abi.c) and abi_lines
 * turns them into "qom <name> <property> = <value>".
 *
 * info qtree prints the static qdev properties of every device on a bus.
 * It leaves out the objects on no bus and the properties added at run
 * time (object_property_add*). Walking qom-list of /machine on QEMU
 * 5.2.0, 7.2.0, Debian's 7.2.22 and 10.2.2, pc-q35-X and pc-i440fx-X
 * with the canonical devices, against their qtree, found these, and the
 * fingerprint takes them:
 *   - each CPU (no bus): what realize gives it that the model expansion
 *     (a CPU before realize, outside the machine) lacks: apic-id,
 *     phys-bits, guest-phys-bits, ucode-rev, and feature-words, the
 *     CPUID feature words the guest gets once realize filtered them. Its
 *     other properties are the expansion's, fingerprinted already.
 *   - each CPU's local APIC ("apic", the CPU's lapic child, no bus):
 *     version (0x11 on pc-i440fx-2.0 and older: pc_compat_2_0), vapic,
 *     legacy-instance-id (its vmstate instance id: pc_compat_2_6).
 *   - the PM function's run-time properties: ICH9-LPC's
 *     (ich9_pm_add_properties in hw/acpi/ich9.c: disable_s3, disable_s4,
 *     s4_val, enable_tco, acpi-pci-hotplug-with-bridge-support,
 *     x-keep-pci-slot-hpc, memory-hotplug-support, cpu-hotplug-legacy,
 *     the ACPI enable and disable commands, the SCI, the GPE0 block's
 *     length, the ACPI PCI hotplug ports) and PIIX4_PM's (the same ACPI
 *     values, its GPE0 block and hotplug ports).
 *   - the host bridge's (q35-pcihost, i440FX-pcihost) PCI holes, which
 *     the ACPI tables give the guest.
 *   - each PCI bus's acpi-pcihp-bsel, the number the DSDT gives the bus
 *     for ACPI hotplug.
 * Two runs of one binary give the same text (tests/integration/
 * test_probe.c probes Debian's QEMU three times).
 *
 * Left out, and why:
 *   - child<> and link<> properties: paths, the shape of QOM, not of the
 *     guest; type, realized, hotplugged, hotpluggable and parent_bus:
 *     QOM's and qdev's bookkeeping; "legacy-X" beside X: qdev's string
 *     form of X.
 *   - what qtree prints for a device of the type: in its lines already.
 *   - what the firmware programs or negotiates once the guest runs: the
 *     PM base (pm_io_base; on ICH9 the GPE0 block too, which follows it),
 *     the MMCONFIG window (mcfg_size) and the negotiated SMI features. In
 *     the paused machine they hold reset values, addresses not assigned
 *     yet, as qtree's BARs are.
 *   - the CPU's topology ids (socket-id, die-id, module-id, cluster-id,
 *     core-id, thread-id) and its APIC's id: apic-id and the machine's
 *     smp lines give them; hv-vendor-id, which only Hyper-V
 *     enlightenments show the guest, none of which the expansion
 *     enables; filtered-features and unavailable-features (what the
 *     accelerator could not give: the expansion less feature-words);
 *     crash-information (no value until the guest panics); legacy-memory
 *     (not readable).
 *   - every other object. The command line's devices
 *     (/machine/peripheral) carry beside their qdev properties only
 *     aliases of their virtio backend's (which qtree prints under the
 *     backend), bootindex (only set on the command line) and legacy
 *     forms; fw_cfg, the PC speaker, the other devices on a bus and the
 *     buses that are not PCI had nothing beyond qtree but the RTC's date,
 *     which is the wall clock; memory regions and IRQ lines (some 250
 *     objects: a request each would cost more than the rest of the
 *     session) are the layout of the devices fingerprinted already, and
 *     BAR addresses are assigned when the guest runs.
 * Before QEMU 10.1 each property is a qom-get, which QEMU reads a byte
 * per system call: a qom-get costs it some 0.5 ms, so what is asked is
 * kept to what says something of its own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "qmp.h"
#include "banned.h"

#define QOM_MAX_OBJECTS 64
#define QOM_MAX_DEPTH 32

/* The CPU's properties that realize sets (see above). */
static const char *const cpu_props[] = {
	"feature-words", "apic-id", "phys-bits", "guest-phys-bits", "ucode-rev",
	NULL,
};

/* ICH9's GPE0 block is at a fixed offset from the PM base. */
static const char *const ich9_not[] = { "gpe0_blk", NULL };
/* The CPU's apic-id gives it. */
static const char *const apic_not[] = { "id", NULL };

static const struct qom_kind {
	const char *type; /* the QOM type; "*-cpu": any type ending so */
	int by_name;	  /* named "<type>:<QOM name>", not "<type>[n]" */
	const char *const *only; /* these properties, or NULL: the rule's */
	const char *const *not;	 /* and not these */
} qom_kinds[] = {
	{ "*-cpu", 0, cpu_props, NULL },
	{ "apic", 0, NULL, apic_not },
	{ "ICH9-LPC", 0, NULL, ich9_not },
	{ "PIIX4_PM", 0, NULL, NULL },
	{ "q35-pcihost", 0, NULL, NULL },
	{ "i440FX-pcihost", 0, NULL, NULL },
	{ "PCI", 1, NULL, NULL },
	{ "PCIE", 1, NULL, NULL },
};

/*
 * On any object: QOM's and qdev's bookkeeping, and what the firmware
 * programs or negotiates (see above).
 */
static const char *const not_qom_props[] = {
	"type",	      "realized", "hotplugged", "hotpluggable", "parent_bus",
	"pm_io_base", "mcfg_size", "x-smi-negotiated-features",
};

static const struct qom_kind *kind_of(const char *type)
{
	for (size_t i = 0; type && i < ARRAY_SIZE(qom_kinds); i++) {
		const char *k = qom_kinds[i].type;

		if (k[0] == '*' ? strlen(type) > strlen(k + 1) &&
					  ends_with(type, k + 1)
				: !strcmp(type, k))
			return &qom_kinds[i];
	}
	return NULL;
}

/* strcmp, but runs of digits compare as numbers: device[9] < device[10]. */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t na = strspn(a, "0123456789");
			size_t nb = strspn(b, "0123456789");
			int c;

			if (na != nb)
				return na < nb ? -1 : 1;
			c = strncmp(a, b, na);
			if (c)
				return c;
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int cmp_obj_path(const void *a, const void *b)
{
	return natural_cmp(((const struct abi_qom_obj *)a)->path,
			   ((const struct abi_qom_obj *)b)->path);
}

/*
 * One line of info qom-tree, "<2 spaces a level>/name (type)", split:
 * its level, name and type (malloc'd). 0, or -1 for another line.
 */
static int tree_line(const char *line, size_t len, size_t *level,
		     char **name, char **type)
{
	size_t ind = strspn(line, " ");
	const char *body = line + ind, *end = line + len, *open = NULL;

	if (ind >= len || *body != '/' || end[-1] != ')' || ind % 2)
		return -1;
	for (const char *p = body; p + 1 < end; p++)
		if (p[0] == ' ' && p[1] == '(')
			open = p;
	if (!open || open == body + 1 || open + 3 > end - 1)
		return -1;
	*level = ind / 2;
	*name = xstrndup(body + 1, (size_t)(open - body - 1));
	*type = xstrndup(open + 2, (size_t)(end - 1 - (open + 2)));
	return 0;
}

/* The lines' names: "<type>[n]", n-th of its type, or "<type>:<name>". */
static void name_objects(struct abi_qom_objs *o)
{
	sort_array(o->v, o->nr, sizeof(*o->v), cmp_obj_path);
	for (size_t i = 0; i < o->nr; i++) {
		struct abi_qom_obj *ob = &o->v[i];
		struct strbuf n = STRBUF_INIT;
		size_t same = 0;

		if (kind_of(ob->type)->by_name) {
			sb_printf(&n, "%s:%s", ob->type, strrchr(ob->path, '/') + 1);
		} else {
			for (size_t k = 0; k < i; k++)
				same += !strcmp(o->v[k].type, ob->type);
			sb_printf(&n, "%s[%zu]", ob->type, same);
		}
		ob->name = strbuf_detach(&n);
	}
}

void abi_qom_select(const char *tree, struct abi_qom_objs *out)
{
	char *stack[QOM_MAX_DEPTH] = { NULL };
	size_t depth = 0;

	for (const char *p = tree ? tree : ""; *p;) {
		size_t len = strcspn(p, "\r\n"), level;
		char *name = NULL, *type = NULL;

		if (!tree_line(p, len, &level, &name, &type) && level <= depth &&
		    level < QOM_MAX_DEPTH) {
			struct strbuf path = STRBUF_INIT;

			while (depth > level)
				free(stack[--depth]);
			sb_printf(&path, "%s/%s", level ? stack[level - 1] : "", name);
			stack[depth++] = strbuf_detach(&path);
			if (kind_of(type) && out->nr < QOM_MAX_OBJECTS) {
				ALLOC_GROW(out->v, out->nr + 1, out->alloc);
				out->v[out->nr].path = xstrdup(stack[level]);
				out->v[out->nr].type = type;
				out->v[out->nr++].name = NULL;
				type = NULL;
			}
		}
		free(name);
		free(type);
		p += len;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	while (depth)
		free(stack[--depth]);
	name_objects(out);
}

void abi_qom_objs_release(struct abi_qom_objs *o)
{
	for (size_t i = 0; i < o->nr; i++) {
		free(o->v[i].path);
		free(o->v[i].type);
		free(o->v[i].name);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* "dev: TYPE, id ..." -> TYPE, as qtree prints a device. */
static char *qtree_dev_type(const char *rest)
{
	const char *comma = strstr(rest, ", id \"");

	return xstrndup(rest, comma ? (size_t)(comma - rest) : strlen(rest));
}

json_object *abi_qtree_props(const char *qtree)
{
	json_object *out = json_object_new_object(), *cur = NULL;

	for (const char *p = qtree ? qtree : ""; *p;) {
		size_t len = strcspn(p, "\r\n"), ind = strspn(p, " ");
		char *line = xstrndup(p + ind, len > ind ? len - ind : 0);
		const char *rest, *eq;

		if (skip_prefix(line, "dev: ", &rest)) {
			char *type = qtree_dev_type(rest);

			if (!json_object_object_get_ex(out, type, &cur)) {
				cur = json_object_new_object();
				json_object_object_add(out, type, cur);
			}
			free(type);
		} else if (skip_prefix(line, "bus: ", &rest)) {
			cur = NULL; /* a device's properties come before its buses */
		} else if (cur && (eq = strstr(line, " = ")) && eq > line) {
			char *name = xstrndup(line, (size_t)(eq - line));

			json_object_object_add(cur, name, json_object_new_boolean(1));
			free(name);
		}
		free(line);
		p += len;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return out;
}

/* The type qom-list gives prop in listing, or NULL. */
static const char *listed_type(json_object *listing, const char *prop)
{
	for (size_t i = 0; i < qmp_array_len(listing); i++) {
		json_object *e = json_object_array_get_idx(listing, i);
		const char *name = qmp_get_string(e, "name");

		if (name && !strcmp(name, prop))
			return qmp_get_string(e, "type");
	}
	return NULL;
}

static int in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n && v[i]; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

const char *const *abi_qom_only(const char *type)
{
	const struct qom_kind *k = kind_of(type);

	return k ? k->only : NULL;
}

int abi_qom_wanted(const char *type, json_object *listing, const char *prop,
		   json_object *shown)
{
	const struct qom_kind *k = kind_of(type);
	const char *ptype = prop ? listed_type(listing, prop) : NULL;
	const char *of;
	json_object *props = NULL;

	/* A fixed list needs no listing (and names no child or link). */
	if (k && k->only)
		return prop && in_list(k->only, SIZE_MAX, prop);
	if (!k || !ptype || !strncmp(ptype, "child<", 6) ||
	    !strncmp(ptype, "link<", 5))
		return 0;
	if (in_list(not_qom_props, ARRAY_SIZE(not_qom_props), prop) ||
	    (k->not && in_list(k->not, SIZE_MAX, prop)))
		return 0;
	if (skip_prefix(prop, "legacy-", &of) && listed_type(listing, of))
		return 0;
	return !(json_object_object_get_ex(shown, type, &props) &&
		 json_object_object_get_ex(props, prop, NULL));
}

/*
 * feature-words, one line a word: "0x00000007.0.EBX = 0x00000000" (leaf,
 * subleaf when there is one, register). 0, or -1 when v is not such a list.
 */
static int feature_word_lines(const char *obj, json_object *v,
			      struct strvec *out)
{
	size_t n = qmp_array_len(v);

	for (size_t i = 0; i < n; i++) {
		json_object *w = json_object_array_get_idx(v, i);

		if (qmp_get_int(w, "cpuid-input-eax", -1) < 0 ||
		    qmp_get_int(w, "features", -1) < 0 ||
		    !qmp_get_string(w, "cpuid-register"))
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *w = json_object_array_get_idx(v, i);
		long long ecx = qmp_get_int(w, "cpuid-input-ecx", -1);
		char sub[32] = "";

		if (ecx >= 0)
			snprintf(sub, sizeof(sub), ".%lld", ecx);
		strvec_pushf(out, "qom %s feature-words 0x%08llx%s.%s = 0x%08llx",
			     obj, qmp_get_int(w, "cpuid-input-eax", -1), sub,
			     qmp_get_string(w, "cpuid-register"),
			     qmp_get_int(w, "features", -1));
	}
	return n ? 0 : -1;
}

static void value_lines(const char *obj, const char *prop, json_object *v,
			struct strvec *out)
{
	if (!strcmp(prop, "feature-words") && !feature_word_lines(obj, v, out))
		return;
	strvec_pushf(out, "qom %s %s = %s", obj, prop,
		     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

void abi_qom_lines(const char *qtree, const char *qom_tree, json_object *qom,
		   struct strvec *out)
{
	struct abi_qom_objs objs = { NULL, 0, 0 };
	json_object *shown;

	if (!qom_tree || !json_object_is_type(qom, json_type_object))
		return;
	abi_qom_select(qom_tree, &objs);
	shown = abi_qtree_props(qtree);
	for (size_t i = 0; i < objs.nr; i++) {
		json_object *listing = qmp_get(qom, objs.v[i].path, json_type_array);

		for (size_t k = 0; k < qmp_array_len(listing); k++) {
			json_object *e = json_object_array_get_idx(listing, k), *v;
			const char *name = qmp_get_string(e, "name");

			/* No value: its getter failed, as a failed qom-get. */
			if (json_object_object_get_ex(e, "value", &v) &&
			    abi_qom_wanted(objs.v[i].type, listing, name, shown))
				value_lines(objs.v[i].name, name, v, out);
		}
	}
	json_object_put(shown);
	abi_qom_objs_release(&objs);
}
