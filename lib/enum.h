#ifndef VM_ENUM_H
#define VM_ENUM_H

/*
 * An enum paired with its stable strings, as libvirt's VIR_ENUM_DECL /
 * VIR_ENUM_IMPL: code compares the enum, the store, JSON and reports see
 * the strings. In a header:
 *
 *	VM_ENUM_DECL(run_status);
 *
 * declares run_status_to_string(int) (NULL for a value out of range) and
 * run_status_from_string(const char *) (-1 for NULL or an unknown
 * string). In the .c file, one string per value up to the _LAST one:
 *
 *	VM_ENUM_IMPL(run_status, RUN_STATUS_LAST, "pass", "fail", ...);
 *
 * A list of the wrong length fails to compile.
 */

#include <string.h>

#include "util.h"

#define VM_ENUM_DECL(name) \
	const char *name##_to_string(int v); \
	int name##_from_string(const char *s)

#define VM_ENUM_IMPL(name, last, ...) \
	static const char *const name##_strings[] = { __VA_ARGS__ }; \
	_Static_assert(ARRAY_SIZE(name##_strings) == (last), \
		       "VM_ENUM_IMPL(" #name "): one string per value"); \
	const char *name##_to_string(int v) \
	{ \
		return v >= 0 && (size_t)v < ARRAY_SIZE(name##_strings) \
			       ? name##_strings[v] : NULL; \
	} \
	int name##_from_string(const char *s) \
	{ \
		for (size_t i = 0; s && i < ARRAY_SIZE(name##_strings); i++) \
			if (!strcmp(s, name##_strings[i])) \
				return (int)i; \
		return -1; \
	}

#endif
