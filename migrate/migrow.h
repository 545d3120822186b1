#ifndef MIG_ROW_H
#define MIG_ROW_H

/*
 * The texts of a migrations row (lib/migrations.h) from a job's results,
 * for every kind of migration job: both argvs as JSON arrays, the
 * guest's checks, and one log per side (QEMU's output, then the
 * console).
 */

#include <json-c/json.h>

#include "migrations.h"
#include "result.h"

struct mig_row_texts {
	json_object *sargv, *dargv;
	char *slog, *dlog;
};

/* Fills row's argv, checks and log fields from src and dst; t owns them. */
void mig_row_texts(struct mig_row *row, struct mig_row_texts *t,
		   const struct result *src, const struct result *dst);
void mig_row_texts_release(struct mig_row_texts *t);

#endif
