/*
 * `bisect --guest MACHINE` on the store alone (bisect.h): a candidate is
 * good while the guest view of MACHINE (matrix/guestrecord.h) has the
 * good end's fingerprint, and only views of one definition (guest_rev)
 * are compared. The answer's evidence is the items that differ between
 * the last old and the first new candidate, each changed one with a
 * bounded line diff of its decoded text (matrix/guestdecode.h), so that a
 * changed DSDT reads as ASL lines. bisect.c probes the candidates first.
 */
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "guestdecode.h"
#include "linediff.h"
#include "guestitems.h"
#include "guestrecord.h"
#include "banned.h"

#define ITEM_DIFF_LINES 24 /* per changed item */
#define ITEMS_DIFFED 8	   /* changed items shown with their lines */

/*
 * Whether binary bin's guest view was taken: 1 with *rev, or 0 with the
 * reason in ev; -1 reported.
 */
static int view_taken(struct store *st, long long bin, const char *install,
		      int *rev, struct strbuf *ev)
{
	auto_stmt *q = NULL;
	int r;

	if (store_prepare(st, &q,
			  "SELECT guest_seconds, coalesce(guest_rev, 0)"
			  " FROM binaries WHERE id = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, bin);
	r = sqlite3_step(q);
	if (r == SQLITE_DONE) {
		sb_printf(ev, "QEMU %s has no complete probe record", install);
		return 0;
	}
	if (r != SQLITE_ROW)
		return store_error(st, "cannot read a probe record");
	*rev = sqlite3_column_int(q, 1);
	if (sqlite3_column_type(q, 0) == SQLITE_NULL) {
		sb_printf(ev, "the guest view of QEMU %s was not taken",
			  install);
		return 0;
	}
	return 1;
}

int bisect_guest_judge(struct store *st, long long bin, const char *install,
		       const char *machine, const char *good_fp, int good_rev,
		       char **fp, int *rev, struct strbuf *ev)
{
	auto_stmt *q = NULL;
	int r;

	*fp = NULL;
	*rev = 0;
	r = view_taken(st, bin, install, rev, ev);
	if (r <= 0)
		return r < 0 ? -1 : 's';
	if (store_prepare(
		st, &q,
		"SELECT m.status, m.fingerprint, m.error,"
		" (SELECT count(*) FROM machine_guest_items i"
		"  WHERE i.binary = m.binary AND i.machine = m.machine)"
		" FROM machine_guest m WHERE m.binary = ? AND m.machine = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, bin);
	store_bind_text(q, 2, machine);
	r = sqlite3_step(q);
	if (r == SQLITE_DONE) {
		sb_printf(ev, "no machine type %s in the guest view of QEMU %s",
			  machine, install);
		return 's';
	}
	if (r != SQLITE_ROW)
		return store_error(st, "cannot read a guest view");
	if (strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
		sb_printf(ev, "the guest view of %s could not be taken: %s",
			  machine,
			  sqlite3_column_text(q, 2)
			      ? (const char *)sqlite3_column_text(q, 2)
			      : "no reason recorded");
		return 's';
	}
	if (good_fp && *rev != good_rev) {
		sb_printf(ev,
			  "guest view rev %d, the good end's is rev %d: not "
			  "comparable",
			  *rev, good_rev);
		return 's';
	}
	*fp = store_column_strdup(q, 1);
	sb_printf(ev, "guest view fingerprint %.16s (%d items)", *fp,
		  sqlite3_column_int(q, 3));
	return !good_fp || !strcmp(*fp, good_fp) ? 'g' : 'b';
}

/* "8180 -> 8180 bytes; 2 differ, at 0x9 0x1e80": how a and b differ. */
static void byte_changes(const struct gv_item *a, const struct gv_item *b,
			 struct strbuf *out)
{
	size_t n = a->len < b->len ? a->len : b->len, diff = 0;

	sb_printf(out, "%zu -> %zu bytes; ", a->len, b->len);
	for (size_t i = 0; i < n; i++)
		if (a->data[i] != b->data[i] && diff++ < 4)
			sb_printf(out, "%s0x%zx", diff == 1 ? "at " : " ", i);
	if (!diff)
		sb_printf(out, "the first %zu the same", n);
	else if (a->len != b->len)
		sb_printf(out, "%s, %zu of the first %zu differ",
			  diff > 4 ? " ..." : "", diff, n);
	else
		sb_printf(out, "%s, %zu differ", diff > 4 ? " ..." : "", diff);
}

/*
 * a of gv[0] and b of gv[1] decoded into t[0] and t[1]; both as hex
 * dumps when either cannot be decoded (after the decoder's error):
 * then -1.
 */
static int decode_both(const struct guestview *gv, const struct gv_item *a,
		       const struct gv_item *b, struct strbuf t[2])
{
	if (!guest_decode(&gv[0], a->name, &t[0]) &&
	    !guest_decode(&gv[1], b->name, &t[1]))
		return 0;
	strbuf_reset(&t[0]);
	strbuf_reset(&t[1]);
	guest_decode_hex(a->data, a->len, &t[0]);
	guest_decode_hex(b->data, b->len, &t[1]);
	return -1;
}

/*
 * The decoded texts' unified diff (lib/linediff.h: decoded ASL keeps its
 * order, so a changed line shows among the lines around it), indented,
 * at most ITEM_DIFF_LINES lines: how many were left out.
 */
static int unified_diff(const char *a, const char *b, struct strbuf *out)
{
	struct strvec la = STRVEC_INIT, lb = STRVEC_INIT, lines = STRVEC_INIT;
	struct linediff d;
	size_t more;

	linediff_split(a, &la);
	linediff_split(b, &lb);
	linediff((const char *const *)la.v, la.nr, (const char *const *)lb.v,
		 lb.nr, 2000, &d);
	more = linediff_unified(&d, (const char *const *)la.v,
				(const char *const *)lb.v, 2, ITEM_DIFF_LINES,
				&lines);
	/* The "... N more lines" marker is said below, with where to look. */
	for (size_t i = 0; i < lines.nr; i++)
		if (!more || i + 1 < lines.nr)
			sb_printf(out, "      %s\n", lines.v[i]);
	linediff_release(&d);
	strvec_clear(&la);
	strvec_clear(&lb);
	strvec_clear(&lines);
	return (int)more;
}

/* A changed item: its sizes, where it changes, and its decoded line diff. */
static void item_diff(const struct guestview *gv, const struct gv_item *a,
		      const struct gv_item *b,
		      const struct bisect_guest_sides *s, const char *machine,
		      struct strbuf *out)
{
	struct strbuf t[2] = { STRBUF_INIT, STRBUF_INIT }, table = STRBUF_INIT;
	int more;

	sb_printf(out, "    %s changed (", a->name);
	byte_changes(a, b, out);
	sb_puts(out, "):\n");
	if (decode_both(gv, a, b, t))
		sb_puts(out, "      (compared as hex: it could not be decoded, "
			     "see above)\n");
	more = unified_diff(t[0].buf, t[1].buf, out);
	if (!strcmp(t[0].buf, t[1].buf))
		sb_puts(out, "      (the decoded text is the same)\n");
	guest_table_of(a->name, &table);
	if (more)
		sb_printf(
		    out,
		    "      ... and %d more differing lines ('virt-matrix show "
		    "guest %s %s --table %s' decodes it whole)\n",
		    more, s->install[1], machine, table.buf);
	strbuf_release(&t[0]);
	strbuf_release(&t[1]);
	strbuf_release(&table);
}

/* The items of gv[0] not in gv[1] (mark '-') or, with mark '+', the reverse. */
static size_t only_in(const struct guestview *gv, char mark, const char *label,
		      struct strbuf *out)
{
	const struct guestview *a = &gv[mark == '+'], *b = &gv[mark == '-'];
	size_t n = 0;

	for (size_t i = 0; i < a->nr; i++)
		if (!guestview_find(b, a->items[i].name)) {
			sb_printf(out, "    %c %s (only in %s, %zu bytes)\n",
				  mark, a->items[i].name, label,
				  a->items[i].len);
			n++;
		}
	return n;
}

/* The items gv[0] and gv[1] both have, changed: the first few with lines. */
static size_t changed(const struct guestview *gv,
		      const struct bisect_guest_sides *s, const char *machine,
		      struct strbuf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < gv[0].nr; i++) {
		const struct gv_item *a = &gv[0].items[i];
		const struct gv_item *b = guestview_find(&gv[1], a->name);

		if (!b ||
		    (a->len == b->len && !memcmp(a->data, b->data, a->len)))
			continue;
		if (n++ < ITEMS_DIFFED)
			item_diff(gv, a, b, s, machine, out);
		else {
			sb_printf(out, "    %s changed (", a->name);
			byte_changes(a, b, out);
			sb_puts(out, ")\n");
		}
	}
	return n;
}

int bisect_guest_diff(struct store *st, const char *machine,
		      const struct bisect_guest_sides *s, struct strbuf *out)
{
	struct guestview gv[2];
	struct strbuf body = STRBUF_INIT;
	size_t n;
	int ret = -1;

	guestview_init(&gv[0]);
	guestview_init(&gv[1]);
	for (int k = 0; k < 2; k++) {
		int r = guestview_load(st, s->binary[k], machine, &gv[k], NULL);

		if (r > 0)
			error("the guest view of %s on QEMU %s is not in the "
			      "store",
			      machine, s->install[k]);
		if (r)
			goto out;
	}
	n = only_in(gv, '-', s->label[0], &body) +
	    only_in(gv, '+', s->label[1], &body);
	n += changed(gv, s, machine, &body);
	sb_printf(out, "  %s guest view, - %s, + %s: %zu item%s differ%s\n%s",
		  machine, s->label[0], s->label[1], n, n == 1 ? "" : "s",
		  n == 1 ? "s" : "", body.buf);
	ret = 0;
out:
	strbuf_release(&body);
	guestview_release(&gv[0]);
	guestview_release(&gv[1]);
	return ret;
}
