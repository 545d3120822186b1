/*
 * Fuzz harness "abi": the input is the replies of one machine type's ABI
 * session, separated by NUL bytes: the "info qtree" text, then the
 * "return" values of query-pci, query-cpu-model-expansion and
 * qom-list-get of the machine as JSON, the "info qom-tree" text, and the
 * QOM objects' properties as JSON ({path: [{name, type, value}]}). The
 * machine's go through abi_props_from_list_get(), then all through
 * abi_lines() and abi_text() (matrix/abitext.c, abiqom.c), as the probe
 * feeds them. A missing part, or JSON that does not parse, is passed as
 * NULL, as for a query QEMU refused.
 */
#include <json-c/json.h>

#include "fuzz.h"
#include "abi.h"

/* Part i of data (NUL-separated), malloc'd and terminated, or NULL. */
static char *part(const uint8_t *data, size_t size, int i)
{
	const uint8_t *p = data, *end = data + size;

	while (i-- > 0) {
		const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return NULL;
		p = nul + 1;
	}
	{
		const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));

		return xstrndup((const char *)p,
				(size_t)((nul ? nul : end) - p));
	}
}

static json_object *json_part(const uint8_t *data, size_t size, int i)
{
	char *s = part(data, size, i);
	json_object *o = s ? json_tokener_parse(s) : NULL;

	free(s);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *qtree = part(data, size, 0);
	json_object *pci = json_part(data, size, 1);
	json_object *cpu = json_part(data, size, 2);
	json_object *list_get = json_part(data, size, 3);
	json_object *props = list_get ? abi_props_from_list_get(list_get) : NULL;
	char *qom_tree = part(data, size, 4);
	json_object *qom = json_part(data, size, 5);
	struct abi_replies r = { qtree, pci, cpu, props, qom_tree, qom };
	struct strvec lines = STRVEC_INIT;
	char sha[SHA256_HEX_LEN + 1];

	abi_lines(&r, &lines);
	free(abi_text("pc-i440fx-10.2", &lines, sha));
	strvec_clear(&lines);
	json_object_put(props);
	json_object_put(list_get);
	json_object_put(cpu);
	json_object_put(pci);
	json_object_put(qom);
	free(qom_tree);
	free(qtree);
	return 0;
}
