/*
 * Which messages are a component's refusal of a pair by rule (support.h).
 * Each row is the fixed text around the rule in the component's source,
 * so a message matches only when the component itself said it.
 */
#include <string.h>

#include "support.h"
#include "util.h"
#include "banned.h"

struct refusal {
	const char *component;
	const char *begin;  /* the refusal starts here, */
	const char *middle; /* has this before its end, */
	const char *end;    /* and ends after this */
};

static const struct refusal refusals[] = {
	/*
	 * libvirt's src/qemu/qemu_capabilities.c, virQEMUCapsInitQMPMonitor:
	 * "QEMU version >= %d.%d.%d is required, but %d.%d.%d found".
	 */
	{ "libvirt", "QEMU version >= ", " is required, but ", " found" },
};

int support_refusal(const char *msg, const char **component,
		    const char **words, size_t *len)
{
	if (!msg)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct refusal *f = &refusals[i];
		const char *b = strstr(msg, f->begin), *e;

		if (!b)
			continue;
		e = strstr(b + strlen(f->begin), f->middle);
		e = e ? strstr(e + strlen(f->middle), f->end) : NULL;
		if (!e)
			continue;
		*component = f->component;
		*words = b;
		*len = (size_t)(e - b) + strlen(f->end);
		return 1;
	}
	return 0;
}
