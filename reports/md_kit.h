#ifndef VM_REP_MD_KIT_H
#define VM_REP_MD_KIT_H

/*
 * Inside the Markdown writer (markdown.c, md_migration.c,
 * md_lvcorpus.c): the pieces of pipe tables its sections share
 * (md_kit.c), and the sections of the parts that have files of their own. Every string goes through
 * rep_md_cell; NULL or empty cells show as a dash.
 */

#include "model.h"

/* The start of a table row: "|". */
void rep_md_row_start(struct strbuf *out);
/* " s |", or " — |" for NULL or "". */
void rep_md_td(struct strbuf *out, const char *s);
/* A cell of sv's first max names, then "and N more"; a dash when sv is empty. */
void rep_md_list_td(struct strbuf *out, const struct strvec *sv, size_t max);
/* A cell of code (shown plain: backticks would need their own escaping). */
void rep_md_code_td(struct strbuf *out, const char *s);
/* A table's header row of n heads and its separator row. */
void rep_md_header(struct strbuf *out, const char *const *h, size_t n);
/* A cell of text, a link to log when there is one (NULL: none). */
void rep_md_linked(struct strbuf *out, const char *text, const char *log);

/* The mapping part's libvirt corpus: counts, refusals, golden differences, changes. */
void rep_md_lvcorpus(struct strbuf *out, const struct rep_report *r);
/* The migration part: counts, failures, predictions, through libvirt, the grids. */
void rep_md_migration(struct strbuf *out, const struct rep_report *r);

#endif
