#ifndef VM_REP_JSON_KIT_H
#define VM_REP_JSON_KIT_H

/*
 * Inside the JSON writer (json.c, json_lvcorpus.c): the pieces its parts
 * share, made in json.c. Each writes through the streaming writer
 * (lib/jsonw.h) a value in the place the writer is at: after a key of an
 * object or as the next element of an array.
 */

#include "jsonw.h"
#include "model.h"

/* A sweep's uuid, label, kind and start; null when there is none (!have). */
void rep_jsonw_sweep(struct jsonw *w, int have, const struct rep_sweep_ref *s);
/* The changes across versions of s, each with its option, versions and detail.
 */
void rep_jsonw_map_changes(struct jsonw *w, const struct rep_map_scenario *s);
/* mapping.libvirt_corpus (json_lvcorpus.c). */
void rep_jsonw_lvcorpus(struct jsonw *w, const struct rep_lvcorpus *lc);

#endif
