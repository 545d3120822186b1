#ifndef VM_JSONW_H
#define VM_JSONW_H

/*
 * A streaming JSON writer: values appended as text straight into a
 * strbuf, in the byte-exact layout json-c 0.16 gives with
 * JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
 * JSON_C_TO_STRING_NOSLASHESCAPE, so a document too large to build as a
 * json-c tree (the JSON report) reads the same as one that was. Two-space
 * indent, "key": value, an empty object or array on two lines ("{" then
 * its indent and "}"), no newline after the last brace.
 *
 * Usage: jsonw_init() over a strbuf, then begin/end objects and arrays
 * and put values; inside an object each value follows jsonw_key() (or
 * use the jsonw_k*() shortcuts). Text goes through sb_*(): past the
 * strbuf's cap it is cut, never failing. The caller nests correctly
 * (at most JSONW_MAX_DEPTH levels): a wrong nesting is a bug and dies.
 * All state is in struct jsonw: writers on separate threads are
 * independent.
 */

#include <stddef.h>

#include "strbuf.h"

#define JSONW_MAX_DEPTH 64

struct json_object;

struct jsonw {
	struct strbuf *out;
	int depth;
	int after_key;		  /* a key was written; its value comes next */
	unsigned long long array; /* bit d: level d+1 is an array */
	unsigned long long children; /* bit d: level d+1 has a member */
};

void jsonw_init(struct jsonw *w, struct strbuf *out);

void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
/* The key of the next value of the current object. */
void jsonw_key(struct jsonw *w, const char *key);

/* A string as json-c escapes it; NULL writes null. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, long long n);
/* A count; as json-c prints json_object_new_int64((int64_t)n). */
void jsonw_size(struct jsonw *w, size_t n);
/* As json-c prints a double: "%.17g", ".0" added when integral. */
void jsonw_double(struct jsonw *w, double d);
void jsonw_bool(struct jsonw *w, int b);
void jsonw_null(struct jsonw *w);
/*
 * A value json-c holds (a parsed document), written at the current
 * indent as json-c would write it in place; NULL writes null.
 */
void jsonw_json(struct jsonw *w, struct json_object *o);
/* An array of the strings of v. */
void jsonw_strvec(struct jsonw *w, const struct strvec *v);

/* key then value, in the current object. */
void jsonw_kobject(struct jsonw *w, const char *key);
void jsonw_karray(struct jsonw *w, const char *key);
void jsonw_kstring(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long n);
void jsonw_ksize(struct jsonw *w, const char *key, size_t n);
void jsonw_kdouble(struct jsonw *w, const char *key, double d);
void jsonw_kbool(struct jsonw *w, const char *key, int b);
void jsonw_knull(struct jsonw *w, const char *key);
void jsonw_kstrvec(struct jsonw *w, const char *key, const struct strvec *v);

#endif
