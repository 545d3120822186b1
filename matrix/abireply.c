/*
 * What each reply the ABI probe reads must look like (abi.h,
 * abi_reply_check): the QMP shapes of info qtree and info qom-tree
 * (HMP text), query-pci, the CPU model expansion, qom-list, qom-get,
 * qom-list-get and query-machines with compat props. abi.c checks every
 * reply against these before abitext.c and abiqom.c read it, so that a
 * reply of the wrong type fails the machine type with a message instead
 * of an assertion in json-c.
 */
#include "abi.h"
#include "qmp.h"
#include "banned.h"

/*
 * The members the fingerprint and the compat props read, with the types
 * they read them as (QEMU's QAPI schema). A PCI bridge holds devices,
 * which may be bridges: the device shape refers to itself through the
 * bridge's.
 */
static const struct qmp_shape pci_dev_shape;
static const struct qmp_shape pci_devs_shape = { json_type_array, &pci_dev_shape, NULL };
static const struct qmp_member pci_id_members[] = {
	{ "vendor", &qmp_shape_int, 1 },
	{ "device", &qmp_shape_int, 1 },
	{ "subsystem", &qmp_shape_int, 0 },
	{ "subsystem-vendor", &qmp_shape_int, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_id_shape = { json_type_object, NULL, pci_id_members };
static const struct qmp_member pci_class_members[] = {
	{ "class", &qmp_shape_int, 1 },
	{ "desc", &qmp_shape_string, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_class_shape = { json_type_object, NULL, pci_class_members };
static const struct qmp_member pci_region_members[] = {
	{ "bar", &qmp_shape_int, 1 },
	{ "type", &qmp_shape_string, 1 },
	{ "size", &qmp_shape_int, 1 },
	{ "prefetch", &qmp_shape_bool, 0 },
	{ "mem_type_64", &qmp_shape_bool, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_region_shape = { json_type_object, NULL, pci_region_members };
static const struct qmp_shape pci_regions_shape = { json_type_array, &pci_region_shape, NULL };
static const struct qmp_member pci_bridge_members[] = {
	{ "bus", &qmp_shape_object, 0 },
	{ "devices", &pci_devs_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_bridge_shape = { json_type_object, NULL, pci_bridge_members };
static const struct qmp_member pci_dev_members[] = {
	{ "slot", &qmp_shape_int, 1 },
	{ "function", &qmp_shape_int, 1 },
	{ "id", &pci_id_shape, 0 },
	{ "class_info", &pci_class_shape, 0 },
	{ "irq_pin", &qmp_shape_int, 0 },
	{ "regions", &pci_regions_shape, 0 },
	{ "pci_bridge", &pci_bridge_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_dev_shape = { json_type_object, NULL, pci_dev_members };
static const struct qmp_member pci_bus_members[] = {
	{ "bus", &qmp_shape_int, 1 },
	{ "devices", &pci_devs_shape, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape pci_bus_shape = { json_type_object, NULL, pci_bus_members };

static const struct qmp_member cpu_model_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "props", &qmp_shape_object, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape cpu_model_shape = { json_type_object, NULL, cpu_model_members };
static const struct qmp_member cpu_expansion_members[] = {
	{ "model", &cpu_model_shape, 1 },
	{ NULL, NULL, 0 },
};

static const struct qmp_member prop_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "type", &qmp_shape_string, 1 },
	{ "value", &qmp_shape_any, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape prop_shape = { json_type_object, NULL, prop_members };
static const struct qmp_shape props_shape = { json_type_array, &prop_shape, NULL };
static const struct qmp_member object_props_members[] = {
	{ "properties", &props_shape, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape object_props_shape = { json_type_object, NULL,
						     object_props_members };

static const struct qmp_member compat_prop_members[] = {
	{ "qom-type", &qmp_shape_string, 1 },
	{ "property", &qmp_shape_string, 1 },
	{ "value", &qmp_shape_string, 1 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape compat_prop_shape = { json_type_object, NULL, compat_prop_members };
static const struct qmp_shape compat_props_shape = { json_type_array, &compat_prop_shape, NULL };
static const struct qmp_member compat_machine_members[] = {
	{ "name", &qmp_shape_string, 1 },
	{ "compat-props", &compat_props_shape, 0 },
	{ NULL, NULL, 0 },
};
static const struct qmp_shape compat_machine_shape = { json_type_object, NULL,
						       compat_machine_members };

static const struct qmp_reply_shape reply_shapes[] = {
	{ "human-monitor-command", { json_type_string, NULL, NULL } },
	{ "query-pci", { json_type_array, &pci_bus_shape, NULL } },
	{ "query-cpu-model-expansion", { json_type_object, NULL, cpu_expansion_members } },
	{ "qom-list-get", { json_type_array, &object_props_shape, NULL } },
	{ "qom-list", { json_type_array, &prop_shape, NULL } },
	{ "qom-get", { QMP_ANY, NULL, NULL } },
	/* with compat-props */
	{ "query-machines", { json_type_array, &compat_machine_shape, NULL } },
};

int abi_reply_check(const char *binary, const char *cmd, json_object *reply,
		    struct strbuf *err)
{
	return qmp_reply_check_cmd(binary, cmd, reply, reply_shapes,
				   ARRAY_SIZE(reply_shapes), err);
}
