#ifndef VM_REP_HTML_KIT_H
#define VM_REP_HTML_KIT_H

/*
 * Inside the HTML writer (html.c, html_abi.c, html_migration.c): the
 * pieces its sections share (html_kit.c), and the sections of the parts
 * that have files of their own. Every string goes through rep_html; NULL
 * cells show as a dash.
 */

#include "model.h"

/* prefix then s with everything but [A-Za-z0-9] as '-': an HTML id. */
void rep_html_id(struct strbuf *out, const char *prefix, const char *s);
/*
 * A filter box (and, with onlydiff, the "only options that differ"
 * switch) and the start of a sortable table id with n column heads, up
 * to its open <tbody>; rep_html_table_close ends it. The table sits in a
 * div.tw, which the browser lays out only when it is near the screen.
 */
void rep_html_table_open(struct strbuf *out, const char *id,
			 const char *const *heads, size_t n, int onlydiff);
void rep_html_table_close(struct strbuf *out);
/* A cell of class cls (NULL: none) with s, or a dash for NULL. */
void rep_html_td(struct strbuf *out, const char *cls, const char *s);
/* A cell listing sv, folded behind its first two names past four. */
void rep_html_td_list(struct strbuf *out, const struct strvec *sv);

/*
 * The mapping part's libvirt corpus: counts, QEMU's refusals, golden
 * differences, changes, every domain on every pair.
 */
void rep_html_lvcorpus(struct strbuf *out, const struct rep_report *r);
/* The ABI part: the overview grid, both views, their details. */
void rep_html_abi(struct strbuf *out, const struct rep_report *r);
/*
 * The migration part: counts, failures, predictions, through libvirt,
 * the grids, all migrations.
 */
void rep_html_migration(struct strbuf *out, const struct rep_report *r);

#endif
