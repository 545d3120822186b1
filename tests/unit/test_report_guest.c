/*
 * The guest view in the ABI report (reports/guest_report.c,
 * guest_change.c, abi_views.c, abi_grid.c and the writers) on a store of
 * the test's own: the real recorded guest view of pc-q35-7.2
 * (tests/data/guestview/, normalised as the probe records it), recorded
 * with guest_record for four QEMU versions, the "newer" ones with one
 * byte of the DSDT changed (the fw_cfg device's _HID "QEMU0002" becomes
 * "QEMU0003") or the WAET table missing. The report must name the
 * changed item with its decoded ASL lines, reuse one change for every
 * machine type that has it, take acknowledgements (and gate on those it
 * lacks), list a guest_rev mismatch as not compared, list where QEMU's
 * side and the guest view disagree, and show it all in the overview
 * grid, whose cells link to their details.
 */
#include <json-c/json.h>

#include "teststore.h"
#include "builders.h"
#include "guestrecord.h"
#include "report.h"

#define DUMP "tests/data/guestview/pc-q35-7.2.txt"
#define HID_OFFSET 7808 /* the '2' of "QEMU0002" in the recorded DSDT */

/* The recorded view, normalised: A; A with the _HID changed: B; A without WAET: C. */
static struct guestview view_a, view_b, view_c;

static int setup(void **state)
{
	char *text = tu_read(DUMP);
	struct gv_item *dsdt;

	(void)state;
	guestview_init(&view_a);
	guestview_init(&view_b);
	guestview_init(&view_c);
	if (!text || guestview_undump(text, DUMP, &view_a) ||
	    guestview_normalise(&view_a) || guestview_undump(text, DUMP, &view_b) ||
	    guestview_normalise(&view_b))
		return -1;
	free(text);
	dsdt = (struct gv_item *)guestview_find(&view_b, "acpi/DSDT");
	if (!dsdt || dsdt->len <= HID_OFFSET || memcmp(dsdt->data + HID_OFFSET - 7, "QEMU0002", 8))
		return -1;
	dsdt->data[HID_OFFSET] = '3';
	for (size_t i = 0; i < view_a.nr; i++)
		if (strcmp(view_a.items[i].name, "acpi/WAET"))
			guestview_add(&view_c, view_a.items[i].name, view_a.items[i].addr,
				      view_a.items[i].data, view_a.items[i].len);
	return view_c.nr + 1 == view_a.nr ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	guestview_release(&view_a);
	guestview_release(&view_b);
	guestview_release(&view_c);
	return 0;
}

static void put_text(struct store *st, const char *sha, const char *text)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q, "INSERT INTO abi_texts VALUES (?, ?)"), 0);
	store_bind_text(q, 1, sha);
	store_bind_text(q, 2, text);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

/* Binary id's guest views: pc-q35-7.0 and 7.2 show v72, pc-q35-7.1 v71. */
static void record(struct store *st, long long id, const struct guestview *v72,
		   const struct guestview *v71)
{
	const struct guest_outcome o[] = {
		{ "pc-q35-7.0", v72, NULL, 1.0 },
		{ "pc-q35-7.1", v71, NULL, 1.0 },
		{ "pc-q35-7.2", v72, NULL, 1.0 },
	};
	size_t distinct;

	assert_int_equal(guest_record(st, id, o, ARRAY_SIZE(o), 3.0, &distinct), 0);
}

/*
 * Four versions. The guest view of pc-q35-7.0 and 7.2: A, B, B, B; of
 * 7.1: A, C, A, A; 10.0.2's is of another definition (GUEST_REV + 1).
 * QEMU's side of every machine type: t1, t1, t2 (pit changed), t2.
 */
static void make_store(struct store *st, char **dir)
{
	tu_store_tmp("report-guest", dir, st);
	tu_exec(st, "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		 " binary_sha256, status, installed_at) VALUES"
		 " ('qemu', '7.2.0', 'built', '/o/7', '/o/7/b', 's1', 'installed', 'x'),"
		 " ('qemu', '8.0.0', 'built', '/o/8', '/o/8/b', 's2', 'installed', 'x'),"
		 " ('qemu', '9.0.0', 'built', '/o/9', '/o/9/b', 's3', 'installed', 'x'),"
		 " ('qemu', '10.0.2', 'built', '/o/10', '/o/10/b', 's4', 'installed', 'x')");
	tu_exec(st, "INSERT INTO binaries (id, sha256, version, status, probed_at) VALUES"
		 " (1, 's1', '7.2.0', 'complete', 'x'), (2, 's2', '8.0.0', 'complete', 'x'),"
		 " (3, 's3', '9.0.0', 'complete', 'x'), (4, 's4', '10.0.2', 'complete', 'x')");
	put_text(st, "t1", "machine pit = true\nqtree /p/#nic0 rombar = 1 (0x1)\n");
	put_text(st, "t2", "machine pit = \"auto\"\nqtree /p/#nic0 rombar = 1 (0x1)\n");
	for (int m = 0; m < 3; m++) {
		struct strbuf sql = STRBUF_INIT;

		sb_printf(&sql, "INSERT INTO machine_abi (binary, machine, status, fingerprint)"
			  " VALUES (1, 'pc-q35-7.%d', 'ok', 't1'), (2, 'pc-q35-7.%d', 'ok', 't1'),"
			  " (3, 'pc-q35-7.%d', 'ok', 't2'), (4, 'pc-q35-7.%d', 'ok', 't2')",
			  m, m, m, m);
		tu_exec(st, sql.buf);
		strbuf_release(&sql);
	}
	record(st, 1, &view_a, &view_a);
	record(st, 2, &view_b, &view_c);
	record(st, 3, &view_b, &view_a);
	record(st, 4, &view_b, &view_a);
	tu_exec(st, "UPDATE binaries SET guest_rev = guest_rev + 1 WHERE id = 4");
}

/* The QEMU-side break is acknowledged; the guest-view ones as asked. */
static const char acks_qemu[] =
	"machine=pc-q35-* object=/machine property=pit from=8.0 to=9.0 old=true "
	"new=\"\\\"auto\\\"\" reason=\"pit became OnOffAuto\"\n";
static const char acks_guest[] =
	"machine=pc-q35-7.[02] object=guest:acpi/DSDT property=changed from=7.2 to=8.0 "
	"old=*QEMU0002* new=\"*Name (_HID, \\\"QEMU0003\\\")*\" reason=\"fw_cfg's _HID\"\n"
	"machine=pc-q35-7.1 object=guest:acpi/WAET property=* from=* to=* reason=\"WAET\"\n";

static void build(struct store *st, const char *dir, const char *acks_text,
		  struct rep_report *r)
{
	struct rep_options o = { REP_ABI, NULL, NULL, NULL, 0 };
	struct strbuf path = STRBUF_INIT;

	tu_write(dir, "acks", acks_text);
	sb_printf(&path, "%s/acks", dir);
	o.acks = path.buf;
	assert_int_equal(rep_report_build(st, &o, r), 0);
	strbuf_release(&path);
}

static void diffs_text(const struct rep_report *r, struct strbuf *out)
{
	const struct rep_guest *g = &r->guest;

	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];

		sb_printf(out, "%s %s->%s %s %s change=%zu ack=%d\n",
			  g->machines[d->machine].name, rep_vname(&r->versions, d->from),
			  rep_vname(&r->versions, d->to), rep_guest_kind_name(d->kind),
			  g->changes[d->change].item, d->change, d->ack ? d->ack->line : 0);
	}
}

static void test_guest_diffs(void **state)
{
	static const char want[] =
		"pc-q35-7.0 7.2.0->8.0.0 changed acpi/DSDT change=0 ack=0\n"
		"pc-q35-7.1 7.2.0->8.0.0 removed acpi/WAET change=1 ack=0\n"
		"pc-q35-7.1 8.0.0->9.0.0 added acpi/WAET change=2 ack=0\n"
		"pc-q35-7.2 7.2.0->8.0.0 changed acpi/DSDT change=0 ack=0\n";
	struct store st;
	struct rep_report r;
	struct strbuf got = STRBUF_INIT;
	const struct rep_guest_change *c;
	char *dir;

	(void)state;
	make_store(&st, &dir);
	build(&st, dir, acks_qemu, &r);
	diffs_text(&r, &got);
	if (strcmp(got.buf, want))
		fail_msg("got\n%s\nwant\n%s", got.buf, want);
	assert_int_equal(r.guest.nchanges, 3);
	c = &r.guest.changes[0];
	assert_true(c->decoded);
	/* The decoded ASL around the byte that changed, not bytes. */
	assert_non_null(c->lines.nr);
	assert_true(!strncmp(c->lines.v[0], "@@ -", 4));
	assert_true(strstr(c->removed, "Name (_HID, \"QEMU0002\")") != NULL);
	assert_true(strstr(c->added, "Name (_HID, \"QEMU0003\")") != NULL);
	assert_null(strstr(c->added, "QEMU0002"));
	{
		int minus = 0, plus = 0;

		for (size_t i = 0; i < c->lines.nr; i++) {
			minus += c->lines.v[i][0] == '-' && strstr(c->lines.v[i], "\"QEMU0002\"");
			plus += c->lines.v[i][0] == '+' && strstr(c->lines.v[i], "\"QEMU0003\"");
		}
		assert_int_equal(minus, 1);
		assert_int_equal(plus, 1);
	}
	/* A removed table: every decoded line of it is a "- " line. */
	c = &r.guest.changes[1];
	assert_null(c->new_sha);
	assert_true(!strncmp(c->lines.v[0], "@@ -1,", 6));
	assert_true(strstr(c->lines.v[0], " +0,0 @@") != NULL);
	for (size_t i = 1; i < c->lines.nr; i++)
		if (c->lines.v[i][0] != '-')
			fail_msg("line %zu of a removed item: '%s'", i, c->lines.v[i]);
	assert_true(strstr(c->removed, "WAET") != NULL);
	assert_int_equal(r.guest.unacked, 4);
	assert_int_equal(r.abi.unacked, 0);
	assert_int_equal(r.abi.acked, 3);
	assert_int_equal(rep_report_gate(&r), 1);
	rep_report_release(&r);
	strbuf_release(&got);
	tu_store_tmp_release(dir, &st);
}

/* Pairs of both sides; the guest_rev mismatch is not compared. */
static void test_pairs_and_views(void **state)
{
	static const char want_guest[] =
		"pc-q35-7.0 7.2.0->8.0.0 differs\npc-q35-7.0 8.0.0->9.0.0 equal\n"
		"pc-q35-7.0 9.0.0->10.0.2 not-compared\n"
		"pc-q35-7.1 7.2.0->8.0.0 differs\npc-q35-7.1 8.0.0->9.0.0 differs\n"
		"pc-q35-7.1 9.0.0->10.0.2 not-compared\n"
		"pc-q35-7.2 7.2.0->8.0.0 differs\npc-q35-7.2 8.0.0->9.0.0 equal\n"
		"pc-q35-7.2 9.0.0->10.0.2 not-compared\n";
	static const char want_views[] =
		"pc-q35-7.0 7.2.0->8.0.0 guest\npc-q35-7.0 8.0.0->9.0.0 qemu\n"
		"pc-q35-7.1 7.2.0->8.0.0 guest\n"
		"pc-q35-7.2 7.2.0->8.0.0 guest\npc-q35-7.2 8.0.0->9.0.0 qemu\n";
	struct store st;
	struct rep_report r;
	struct strbuf got = STRBUF_INIT;
	char *dir;

	(void)state;
	make_store(&st, &dir);
	build(&st, dir, acks_qemu, &r);
	for (size_t i = 0; i < r.guest.pairs.nr; i++) {
		const struct rep_pair *p = &r.guest.pairs.v[i];

		sb_printf(&got, "%s %s->%s %s\n", r.guest.machines[p->machine].name,
			  rep_vname(&r.versions, p->from), rep_vname(&r.versions, p->to),
			  !p->compared ? "not-compared" : p->equal ? "equal" : "differs");
	}
	if (strcmp(got.buf, want_guest))
		fail_msg("guest pairs: got\n%s\nwant\n%s", got.buf, want_guest);
	assert_int_equal(r.guest.pairs.not_compared, 3);
	assert_int_equal(r.abi.pairs.not_compared, 0);
	strbuf_reset(&got);
	/* 7.1's 8.0.0 -> 9.0.0 differs on both sides: no disagreement. */
	for (size_t i = 0; i < r.views.nr; i++) {
		const struct rep_pair *q = &r.abi.pairs.v[r.views.v[i].qemu];
		const struct rep_pair *g = &r.guest.pairs.v[r.views.v[i].guest];

		assert_int_equal(q->from, g->from);
		assert_int_equal(q->to, g->to);
		sb_printf(&got, "%s %s->%s %s\n", r.abi.machines[q->machine].name,
			  rep_vname(&r.versions, q->from), rep_vname(&r.versions, q->to),
			  r.views.v[i].guest_differs ? "guest" : "qemu");
	}
	if (strcmp(got.buf, want_views))
		fail_msg("disagreements: got\n%s\nwant\n%s", got.buf, want_views);
	rep_report_release(&r);
	strbuf_release(&got);
	tu_store_tmp_release(dir, &st);
}

/* Acknowledged guest-view differences no longer fail the report. */
static void test_acks(void **state)
{
	struct store st;
	struct rep_report r;
	struct strbuf acks = STRBUF_INIT, got = STRBUF_INIT;
	char *dir;

	(void)state;
	make_store(&st, &dir);
	sb_printf(&acks, "%s%s", acks_qemu, acks_guest);
	build(&st, dir, acks.buf, &r);
	diffs_text(&r, &got);
	assert_string_equal(got.buf,
			    "pc-q35-7.0 7.2.0->8.0.0 changed acpi/DSDT change=0 ack=2\n"
			    "pc-q35-7.1 7.2.0->8.0.0 removed acpi/WAET change=1 ack=3\n"
			    "pc-q35-7.1 8.0.0->9.0.0 added acpi/WAET change=2 ack=3\n"
			    "pc-q35-7.2 7.2.0->8.0.0 changed acpi/DSDT change=0 ack=2\n");
	assert_int_equal(r.guest.unacked, 0);
	assert_int_equal(r.guest.acked, 4);
	assert_int_equal(r.abi.acks.v[1].used, 2);
	assert_int_equal(r.abi.acks.v[2].used, 2);
	assert_int_equal(rep_report_gate(&r), 0);
	rep_report_release(&r);
	/* An entry whose new= does not match the lines gained is no ack. */
	strbuf_reset(&acks);
	sb_printf(&acks, "%smachine=pc-q35-* object=guest:acpi/DSDT property=changed "
		  "from=* to=* new=*QEMU0002* reason=r\n", acks_qemu);
	build(&st, dir, acks.buf, &r);
	assert_int_equal(r.guest.unacked, 4);
	assert_int_equal(r.abi.acks.v[1].used, 0);
	assert_int_equal(rep_report_gate(&r), 1);
	rep_report_release(&r);
	strbuf_release(&acks);
	strbuf_release(&got);
	tu_store_tmp_release(dir, &st);
}

static char *read_out(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	char *t;

	sb_printf(&p, "%s/out/%s", dir, name);
	t = tu_read(p.buf);
	strbuf_release(&p);
	return t;
}

/* needle is in the details block that starts at div. */
static void in_div(const char *div, const char *needle)
{
	const char *end = strstr(div, "</div>"), *p = strstr(div, needle);

	if (!p || !end || p > end)
		fail_msg("'%s' is not in the details:\n%.*s", needle,
			 end ? (int)(end - div) : 200, div);
}

/* The grid's cell of machine in column (0: the first): its <td>. */
static char *grid_cell(const char *html, const char *machine, size_t column)
{
	struct strbuf row = STRBUF_INIT;
	const char *p, *end;

	sb_printf(&row, "<tr><th class=\"m\">%s</th>", machine);
	p = strstr(html, row.buf);
	if (!p)
		fail_msg("no grid row %s", machine);
	for (size_t c = 0; c <= column; c++)
		p = strstr(p + 1, "<td");
	end = strstr(p, "</td>");
	strbuf_release(&row);
	return xstrndup(p, (size_t)(end - p + 5));
}

static void test_writers(void **state)
{
	struct store st;
	struct rep_report r;
	struct strbuf out = STRBUF_INIT;
	char *dir, *html, *md, *js, *xml, *cell;
	json_object *j, *abi, *g, *jd;

	(void)state;
	make_store(&st, &dir);
	build(&st, dir, acks_qemu, &r);
	sb_printf(&out, "%s/out", dir);
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_ALL, out.buf), 0);
	html = read_out(dir, "report.html");
	md = read_out(dir, "report.md");
	js = read_out(dir, "report.json");
	xml = read_out(dir, "report.junit.xml");

	/* The grid comes first, grouped, and each cell says both sides. */
	assert_contains(html, "id=\"abi-grid\"", "grid");
	assert_contains(html, "id=\"abi-breaks\"", "grouped breaks");
	assert_true(strstr(html, "id=\"abi-grid\"") < strstr(html, "id=\"abi-breaks\""));
	assert_contains(html, "<tr class=\"fam\"><th colspan=\"4\">pc-q35</th></tr>", "family");
	assert_contains(html, "<th>7.2.0<br>&rarr; 8.0.0</th>", "column head");
	cell = grid_cell(html, "pc-q35-7.2", 0);
	assert_contains(cell, "class=\"g-un\"", "cell 0");
	assert_contains(cell, "<a href=\"#abi-d-pc-q35-7-2--8-0-0\">Q = \xc2\xb7 G 1</a>", "cell 0");
	free(cell);
	cell = grid_cell(html, "pc-q35-7.2", 1);
	assert_contains(cell, "class=\"g-ack\"", "cell 1");
	assert_contains(cell, ">Q 1 (1 ack) \xc2\xb7 G =</a>", "cell 1");
	free(cell);
	cell = grid_cell(html, "pc-q35-7.2", 2);
	assert_contains(cell, "class=\"g-nc\"", "cell 2");
	assert_contains(cell, ">Q = \xc2\xb7 G n/c</a>", "cell 2");
	assert_contains(cell, "not compared: recorded by different definitions; run "
			      "&#39;virt-matrix probe&#39;", "cell 2 title");
	free(cell);
	/*
	 * The link reaches the cell's details: pc-q35-7.0's (first in the
	 * page) show the decoded lines, pc-q35-7.2's the same change linked.
	 */
	{
		const char *d0 = strstr(html, "id=\"abi-d-pc-q35-7-0--8-0-0\"");
		const char *d2 = strstr(html, "id=\"abi-d-pc-q35-7-2--8-0-0\"");

		assert_non_null(d0);
		assert_non_null(d2);
		assert_true(d0 < d2);
		in_div(d0, "<span class=\"dl-add\">+             Name (_HID, "
			   "&quot;QEMU0003&quot;)");
		in_div(d0, "<span class=\"dl-del\">-             Name (_HID, "
			   "&quot;QEMU0002&quot;)");
		in_div(d2, "UNACKNOWLEDGED");
		in_div(d2, "the same change as in <a href=\"#abi-d-pc-q35-7-0--8-0-0\">"
			   "pc-q35-7.0, 7.2.0 \xe2\x86\x92 8.0.0</a>");
	}
	assert_contains(html, "id=\"abi-views\"", "disagreements");
	assert_contains(html, "<div class=\"gate fail\" id=\"gate\">0 unacknowledged ABI break(s), "
			      "4 unacknowledged guest-view difference(s).", "gate");

	/* Markdown: the disagreements and the decoded diff. */
	assert_contains(md, "### Where QEMU's side and the guest view disagree", "md views");
	assert_contains(md, "| pc-q35-7.2 | 8.0.0 | 9.0.0 | 1 break(s) | equal |", "md view");
	assert_contains(md, "+             Name (_HID, \"QEMU0003\")", "md diff");
	assert_contains(md, "**Not compared: recorded by different definitions; run "
			    "'virt-matrix probe'**: 0 pair(s) on QEMU's side, 3 in the guest view",
			"md not compared");

	/* JSON: the guest part and the disagreements. */
	j = json_tokener_parse(js);
	assert_non_null(j);
	abi = json_object_object_get(j, "abi");
	g = json_object_object_get(abi, "guest");
	assert_int_equal(json_object_array_length(json_object_object_get(g, "differences")), 4);
	jd = json_object_array_get_idx(json_object_object_get(g, "differences"), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(jd, "item")),
			    "acpi/DSDT");
	assert_string_equal(json_object_get_string(json_object_object_get(jd, "kind")),
			    "changed");
	assert_int_equal(json_object_array_length(json_object_object_get(g, "not_compared")), 3);
	assert_int_equal(json_object_array_length(json_object_object_get(abi, "disagreements")),
			 5);
	assert_int_equal(json_object_get_int(json_object_object_get(
				 json_object_object_get(j, "summary"), "guest_unacknowledged")), 4);
	json_object_put(j);

	/* JUnit: the guest suite fails with the unacknowledged differences. */
	assert_contains(xml, "<testsuite name=\"guest\" tests=\"3\" failures=\"3\"", "junit");
	assert_contains(xml, "<failure type=\"guest-difference\" message=\"1 unacknowledged "
			     "guest-view difference(s)\">7.2.0 -&gt; 8.0.0: acpi/DSDT changed",
			"junit failure");

	rep_report_release(&r);
	free(html);
	free(md);
	free(js);
	free(xml);
	strbuf_release(&out);
	tu_store_tmp_release(dir, &st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_diffs),
		cmocka_unit_test(test_pairs_and_views),
		cmocka_unit_test(test_acks),
		cmocka_unit_test(test_writers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
