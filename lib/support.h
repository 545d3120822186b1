#ifndef VM_SUPPORT_H
#define VM_SUPPORT_H

/*
 * Pairs that a component does not support by a rule of its own, such as
 * libvirt's minimum QEMU version ("QEMU version >= 6.2.0 is required, but
 * 5.2.0 found"). Such a pair is "unsupported": not a failure, not a
 * regression, shown apart in the reports, and not run while the pair is
 * unchanged. The rules are a table of the components' own words.
 */

#include <stddef.h>

/*
 * True when msg holds a component's refusal of the pair by rule. Then
 * *words and *len give the refusal in the component's own words (a part
 * of msg) and *component names it ("libvirt"). False otherwise (msg may
 * be NULL).
 */
int support_refusal(const char *msg, const char **component,
		    const char **words, size_t *len);

#endif
