#ifndef VM_REP_JSON_KIT_H
#define VM_REP_JSON_KIT_H

/*
 * Inside the JSON writer (json.c, json_lvcorpus.c): the pieces its parts
 * share, made in json.c. Each returns a new object the caller adds to a
 * parent (json-c then owns it); NULL stands for JSON null.
 */

#include <json-c/json.h>

#include "model.h"

/* A string, or null for NULL. */
json_object *rep_json_str(const char *s);
/* A count as a JSON integer. */
json_object *rep_json_count(size_t n);
/* o[k] = v (v may be NULL: null); o takes v. */
void rep_json_add(json_object *o, const char *k, json_object *v);
/* A sweep's uuid, label, kind and start; null when there is none (!have). */
json_object *rep_json_sweep(int have, const struct rep_sweep_ref *s);
/* The changes across versions of s, each with its option, versions and detail. */
json_object *rep_json_map_changes(const struct rep_map_scenario *s);

#endif
