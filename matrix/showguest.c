/*
 * "virt-matrix show guest VERSION MACHINE [--table T] [--json]": what the
 * guest of one versioned machine type sees, as the probe recorded it
 * (matrix/guestrecord.h). Without --table, a summary: the fingerprint
 * and every item with its size, sha256 and a line on what it is
 * (matrix/guestitems.h); with --table, the items it names decoded
 * (matrix/guestdecode.h). Read into a struct, then printed as text or
 * JSON, so that tests need no QEMU.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestdecode.h"
#include "guestitems.h"
#include "guestrecord.h"
#include "installs.h"
#include "sha256.h"
#include "show.h"
#include "banned.h"

/* Whether binary id's guest view was taken: 1, or 0 or -1 reported. */
static int view_taken(struct store *st, long long id, const char *version,
		      int *rev)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "SELECT guest_seconds, coalesce(guest_rev, 0)"
			  " FROM binaries WHERE id = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) != SQLITE_ROW)
		return store_error(st, "cannot read the probe record");
	*rev = sqlite3_column_int(q, 1);
	if (sqlite3_column_type(q, 0) == SQLITE_NULL) {
		error(
		    "the guest view of QEMU %s was not taken: run 'virt-matrix "
		    "probe %s'",
		    version, version);
		return 0;
	}
	return 1;
}

/* No view of machine on binary id: says which machine types there are. */
static int no_machine(struct store *st, long long id, const char *version,
		      const char *machine)
{
	auto_stmt *q = NULL;
	struct strbuf have = STRBUF_INIT, esc = STRBUF_INIT;

	if (store_prepare(st, &q,
			  "SELECT machine FROM machine_guest WHERE binary = ?"
			  " ORDER BY machine COLLATE version"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW)
		sb_printf(&have, " %s", sqlite3_column_text(q, 0));
	str_printable(&esc, machine, strlen(machine), 100);
	if (have.len)
		error("no machine type '%s' in the guest view of QEMU %s; it "
		      "has:%s",
		      esc.buf, version, have.buf);
	else
		error(
		    "no machine type '%s' in the guest view of QEMU %s; it has "
		    "none",
		    esc.buf, version);
	strbuf_release(&have);
	strbuf_release(&esc);
	return -1;
}

/* machine's row of machine_guest into g; -1 reported when none or failed. */
static int read_row(struct store *st, long long id, const char *version,
		    const char *machine, struct show_guest *g)
{
	auto_stmt *q = NULL;

	if (store_prepare(
		st, &q,
		"SELECT status, fingerprint, error, seconds"
		" FROM machine_guest WHERE binary = ? AND machine = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, machine);
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		return no_machine(st, id, version, machine);
	default:
		return store_error(st, "cannot read the guest view");
	}
	if (strcmp((const char *)sqlite3_column_text(q, 0), "ok"))
		return error(
		    "the guest view of %s on QEMU %s could not be taken: %s",
		    machine, version,
		    sqlite3_column_text(q, 2)
			? (const char *)sqlite3_column_text(q, 2)
			: "no reason recorded");
	g->fingerprint = store_column_strdup(q, 1);
	g->seconds = sqlite3_column_double(q, 3);
	return 0;
}

int show_guest_read(struct store *st, long long id, const char *version,
		    const char *machine, struct show_guest *g)
{
	int r;

	memset(g, 0, sizeof(*g));
	guestview_init(&g->gv);
	r = view_taken(st, id, version, &g->guest_rev);
	if (r <= 0 || read_row(st, id, version, machine, g))
		return -1;
	g->machine = xstrdup(machine);
	r = guestview_load(st, id, machine, &g->gv, NULL);
	if (r > 0)
		return error("the guest view of %s on QEMU %s has no items",
			     machine, version);
	return r;
}

void show_guest_release(struct show_guest *g)
{
	free(g->machine);
	free(g->fingerprint);
	guestview_release(&g->gv);
	memset(g, 0, sizeof(*g));
}

int show_guest_select(const struct show_guest *g, const char *table,
		      const char *version, struct strvec *names)
{
	struct strbuf have = STRBUF_INIT, esc = STRBUF_INIT;
	int valid = guest_table_valid(table);
	size_t before = names->nr;

	for (size_t i = 0; valid && i < g->gv.nr; i++)
		if (guest_table_selects(table, g->gv.items[i].name))
			strvec_push(names, g->gv.items[i].name);
	if (names->nr > before)
		return 0;
	guest_tables_in(&g->gv, &have);
	str_printable(&esc, table, strlen(table), 100);
	error("%s --table '%s': the guest view of %s on QEMU %s has %s",
	      valid ? "nothing for" : "unknown", esc.buf, g->machine, version,
	      have.buf);
	strbuf_release(&have);
	strbuf_release(&esc);
	return -1;
}

/* ---- Printing. ---- */

static int name_width(const struct guestview *gv)
{
	size_t w = 4;

	for (size_t i = 0; i < gv->nr; i++)
		if (strlen(gv->items[i].name) > w)
			w = strlen(gv->items[i].name);
	return w > 32 ? 32 : (int)w;
}

static void print_head_text(FILE *out, const struct install *in,
			    const struct show_guest *g)
{
	size_t bytes = 0;

	for (size_t i = 0; i < g->gv.nr; i++)
		bytes += g->gv.items[i].len;
	fprintf(out, "qemu %s  %s  guest view\n", in->version, g->machine);
	fprintf(out, "  %-14s %s\n", "fingerprint", g->fingerprint);
	fprintf(out, "  %-14s in %.2fs (guest view rev %d%s)\n", "taken",
		g->seconds, g->guest_rev,
		g->guest_rev == GUEST_REV
		    ? ""
		    : ", not this virt-matrix's: probe again");
	fprintf(out, "  %-14s %zu, %zu bytes\n", "items", g->gv.nr, bytes);
}

static void print_summary_text(FILE *out, const struct install *in,
			       const struct show_guest *g)
{
	int w = name_width(&g->gv);

	print_head_text(out, in, g);
	fprintf(out, "%-*s %6s  %-12s  %s\n", w, "ITEM", "BYTES", "SHA256",
		"SUMMARY");
	for (size_t i = 0; i < g->gv.nr; i++) {
		const struct gv_item *it = &g->gv.items[i];
		struct strbuf sum = STRBUF_INIT;
		char sha[SHA256_HEX_LEN + 1];

		sha256_hex(it->data, it->len, sha);
		guest_item_summary(it, &sum);
		fprintf(out, "%-*s %6zu  %.12s  %s\n", w, it->name, it->len,
			sha, sum.buf);
		strbuf_release(&sum);
	}
}

/* Each item of names decoded, under a line that names it. */
static int print_tables_text(FILE *out, const struct install *in,
			     const struct show_guest *g,
			     const struct strvec *names)
{
	fprintf(out, "# qemu %s  %s  guest view %.16s\n", in->version,
		g->machine, g->fingerprint);
	for (size_t i = 0; i < names->nr; i++) {
		const struct gv_item *it = guestview_find(&g->gv, names->v[i]);
		struct strbuf text = STRBUF_INIT, sum = STRBUF_INIT;
		char sha[SHA256_HEX_LEN + 1];
		int r;

		if (!it)
			return error("no item '%s' in the guest view",
				     names->v[i]);
		sha256_hex(it->data, it->len, sha);
		guest_item_summary(it, &sum);
		r = guest_decode(&g->gv, it->name, &text);
		if (!r)
			fprintf(out, "\n# %s  %zu bytes  sha256 %.12s  %s\n%s",
				it->name, it->len, sha, sum.buf, text.buf);
		strbuf_release(&text);
		strbuf_release(&sum);
		if (r)
			return -1;
	}
	return 0;
}

static void jadd(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static json_object *item_json(const struct gv_item *it)
{
	json_object *o = json_object_new_object();
	struct strbuf sum = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];

	sha256_hex(it->data, it->len, sha);
	guest_item_summary(it, &sum);
	jadd(o, "name", it->name);
	json_object_object_add(o, "size",
			       json_object_new_int64((int64_t)it->len));
	jadd(o, "sha256", sha);
	jadd(o, "summary", sum.len ? sum.buf : NULL);
	strbuf_release(&sum);
	return o;
}

/* {name, lines, hex} of item name, decoded; NULL after reporting. */
static json_object *table_json(const struct show_guest *g, const char *name)
{
	const struct gv_item *it = guestview_find(&g->gv, name);
	struct strbuf text = STRBUF_INIT, hex = STRBUF_INIT;
	json_object *o;

	if (!it) {
		error("no item '%s' in the guest view", name);
		return NULL;
	}
	if (guest_decode(&g->gv, name, &text)) {
		strbuf_release(&text);
		return NULL;
	}
	for (size_t i = 0; i < it->len; i++)
		sb_printf(&hex, "%02x", it->data[i]);
	o = json_object_new_object();
	jadd(o, "name", name);
	json_object_object_add(o, "lines", show_lines_json(text.buf));
	jadd(o, "hex", hex.buf);
	strbuf_release(&text);
	strbuf_release(&hex);
	return o;
}

static int print_json(FILE *out, const struct install *in,
		      const struct show_guest *g, const struct strvec *names)
{
	json_object *root = json_object_new_object(),
		    *items = json_object_new_array();
	json_object *tables = names ? json_object_new_array() : NULL;
	int ret = 0;

	jadd(root, "install", in->version);
	jadd(root, "binary", in->binary_path);
	jadd(root, "machine", g->machine);
	jadd(root, "fingerprint", g->fingerprint);
	json_object_object_add(root, "seconds",
			       json_object_new_double(g->seconds));
	json_object_object_add(root, "guest_rev",
			       json_object_new_int(g->guest_rev));
	for (size_t i = 0; i < g->gv.nr; i++)
		json_object_array_add(items, item_json(&g->gv.items[i]));
	json_object_object_add(root, "items", items);
	for (size_t i = 0; names && i < names->nr && !ret; i++) {
		json_object *t = table_json(g, names->v[i]);

		if (t)
			json_object_array_add(tables, t);
		else
			ret = -1;
	}
	if (tables)
		json_object_object_add(root, "tables", tables);
	if (!ret)
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(
			    root, JSON_C_TO_STRING_PRETTY |
				      JSON_C_TO_STRING_SPACED |
				      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return ret;
}

int show_guest_print(FILE *out, const struct install *in,
		     const struct show_guest *g, const struct strvec *items,
		     int json)
{
	if (json)
		return print_json(out, in, g, items);
	if (items)
		return print_tables_text(out, in, g, items);
	print_summary_text(out, in, g);
	return 0;
}

int show_guest(struct store *st, long long id, const struct install *in,
	       const char *machine, const char *table, int json, FILE *out)
{
	struct show_guest g;
	struct strvec names = STRVEC_INIT;
	int ret = show_guest_read(st, id, in->version, machine, &g);

	if (!ret && table)
		ret = show_guest_select(&g, table, in->version, &names);
	if (!ret)
		ret =
		    show_guest_print(out, in, &g, table ? &names : NULL, json);
	strvec_clear(&names);
	show_guest_release(&g);
	return ret;
}
