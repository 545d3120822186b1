/*
 * virt-matrix report on real data: a store of the test's own with
 * Debian's QEMU and the 7.2.0 built from source (test_real_builds leaves
 * it in TU_REAL_BUILDS; run alone, this test builds it), both probed,
 * and a scenario run on each (nothing of the machine's own store is
 * used). Every format is produced; the JSON parses, the JUnit XML is
 * well-formed for xmllint; and the HTML is opened in a real headless
 * Chromium: the DOM after its script ran must show a filter from the URL
 * fragment applied (exactly the rows without the word hidden) and a sort
 * from the fragment applied (the rows reversed), the ABI part's overview
 * grid must have a row per machine type and a cell per version pair, and
 * every cell's link must reach details that say what the cell says; a
 * screenshot is taken (tests/out/report.png, for a person to look at).
 * A page made from the report with one table's rows replaced by 15,000
 * made ones checks the pages of a large table: after a filter, a sort
 * and a page from the fragment, or a link to a row of another page,
 * every row is in the DOM in sorted order, hidden exactly when filtered
 * out, shown exactly when on the page, with the right counts; and the
 * pager's buttons, the filter box and a column head, used by a script as
 * a person would, show what they should; a table made wider than the
 * window is whole where the window shows it, its heads on top.
 * The guest views of a few machine types are read from both real QEMUs
 * and recorded (matrix/guestrecord.h) before the report, so that both
 * sides of the ABI part are real.
 */
#include <json-c/json.h>

#include "guestrecord.h"
#include "teststore.h"

#define CHROMIUM "/usr/bin/chromium"

static char *dir, *copy, *vm, *outdir;

/* Machine types whose guest view is read from each QEMU of the store. */
static const char *const guest_machines[] = { "pc-q35-7.1", "pc-q35-7.2", "pc-i440fx-7.2" };

/* One machine type's guest view, normalised as the probe records it. */
static int read_view(const char *binary, const char *machine, struct guestview *gv)
{
	struct guestview raw;
	struct qtest t;
	int rc;

	guestview_init(&raw);
	if (qtest_start(&t, binary, machine, NULL, 20))
		return -1;
	rc = guestview_read(&t, machine, 60, &raw);
	qtest_stop(&t);
	for (size_t i = 0; !rc && i < raw.nr; i++)
		guestview_add(gv, raw.items[i].name, 0, raw.items[i].data, raw.items[i].len);
	guestview_release(&raw);
	return rc ? rc : guestview_normalise(gv);
}

/* The guest views of guest_machines on every probed QEMU of the store. */
static int record_guest_views(void)
{
	struct store st;
	sqlite3_stmt *q = NULL;
	int ret = -1;

	if (store_open(&st, copy))
		return -1;
	if (store_prepare(&st, &q, "SELECT b.id, i.binary_path FROM installs i JOIN binaries b"
				   " ON b.sha256 = i.binary_sha256 WHERE i.app = 'qemu'"))
		goto out;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct guestview gv[ARRAY_SIZE(guest_machines)];
		struct guest_outcome o[ARRAY_SIZE(guest_machines)];
		size_t distinct, n = 0;
		int rc = 0;

		for (; n < ARRAY_SIZE(guest_machines) && !rc; n++) {
			guestview_init(&gv[n]);
			rc = read_view((const char *)sqlite3_column_text(q, 1), guest_machines[n],
				       &gv[n]);
			o[n] = (struct guest_outcome){ guest_machines[n], &gv[n], NULL, 1.0 };
		}
		if (!rc)
			rc = guest_record(&st, sqlite3_column_int64(q, 0), o, n, 1.0, &distinct);
		for (size_t i = 0; i < n; i++)
			guestview_release(&gv[i]);
		if (rc)
			goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(q);
	store_close(&st);
	return ret;
}

/*
 * A store of the test's own with two real QEMUs whose guest ABI differs:
 * Debian's 7.2.22 and a 7.2.0 built from Debian's sources (with no Debian
 * patches: virtio-net's queue_reset under pc-q35-7.1 differs), both
 * probed, and two runs, one per QEMU. The 7.2.0 is the one
 * test_real_builds left (make check runs it first); when it is not there
 * (this test run alone, or after a failed build), it is built the same
 * way, which ccache makes quick after the first time.
 */
static int setup(void **state)
{
	static const struct {
		const char *const args[8];
		int worst; /* the highest exit status that is fine */
	} steps[] = {
		{ { "ark", "import", "qemu", NULL }, 0 },
		{ { "ark", "import", "qemu", TU_REAL_QEMU, "--name", "7.2.0", NULL }, 0 },
		{ { "probe", "--no-libvirt", NULL }, 0 },
		/* A run that fails is a result too: exit 1. */
		{ { "run", "--scenario", "vm-q35", "--libvirt", "none", NULL }, 1 },
	};
	struct strvec args = STRVEC_INIT;
	char *out = NULL;
	int rc;

	(void)state;
	vm = tu_vm_binary();
	if (!path_exists(TU_REAL_QEMU)) {
		print_message("no %s (test_real_builds leaves it): building it\n",
			      TU_REAL_QEMU);
		tu_real_builds_reset();
		tu_real_build(vm, "qemu", "7.2.0");
	}
	dir = tu_tmpdir("report-real");
	copy = tu_path(dir, "store.db");
	outdir = tu_path(dir, "out");
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		free(out);
		out = NULL;
		strvec_clear(&args);
		strvec_push(&args, vm);
		strvec_pushv(&args, steps[i].args);
		rc = tu_run(&out, args.v, (const char *const[]){ "--db", copy, NULL }, 900);
		if (rc < 0 || rc > steps[i].worst) {
			print_message("cannot make the store: %s\n", out ? out : "");
			free(out);
			strvec_clear(&args);
			return -1;
		}
	}
	strvec_clear(&args);
	free(out);
	if (record_guest_views()) {
		print_message("cannot record the guest views\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	free(copy);
	free(outdir);
	free(vm);
	return 0;
}

/*
 * Runs chromium headless on url with extra args; returns what it printed
 * (with --dump-dom, the DOM; --log-level=3 keeps its own noise out).
 */
static char *chromium(const char *url, const char *const *args)
{
	struct command cmd;
	struct strbuf home = STRBUF_INIT;
	char *out;

	if (!path_exists(CHROMIUM))
		fail_msg(CHROMIUM " is not installed ('make deps' installs it)");
	command_init(&cmd);
	sb_printf(&home, "HOME=%s", dir);
	strvec_push(&cmd.env, home.buf);
	strvec_pushv(&cmd.args, (const char *const[]){ CHROMIUM, "--headless", "--no-sandbox",
						       "--disable-gpu", "--hide-scrollbars",
						       "--no-first-run", "--log-level=3", NULL });
	strvec_pushv(&cmd.args, args);
	strvec_push(&cmd.args, url);
	cmd.timeout = 90;
	cmd.capture_max = 64 << 20;
	if (command_run(&cmd) || !command_succeeded(&cmd)) {
		struct strbuf why = STRBUF_INIT;

		command_describe(&cmd, &why);
		fail_msg("chromium on %s: %s\n%s", url, why.buf, cmd.output.buf);
	}
	out = strbuf_detach(&cmd.output);
	command_release(&cmd);
	strbuf_release(&home);
	return out;
}

/* The <tr ...>...</tr> rows of table id's tbody in html, in order. */
static void table_rows(const char *html, const char *id, struct strvec *rows)
{
	struct strbuf needle = STRBUF_INIT;
	const char *t, *end, *p;

	sb_printf(&needle, "id=\"%s\"", id);
	t = strstr(html, needle.buf);
	if (!t)
		fail_msg("no table %s in the DOM", id);
	t = strstr(t, "<tbody>");
	end = strstr(t, "</tbody>");
	for (p = t; (p = strstr(p, "<tr")) && p < end;) {
		const char *e = strstr(p, "</tr>");

		strvec_pushf(rows, "%.*s", (int)(e - p), p);
		p = e;
	}
	strbuf_release(&needle);
}

static void first_cell(const char *row, struct strbuf *out)
{
	const char *td = strstr(row, "<td");
	const char *gt = td ? strchr(td, '>') : NULL;
	const char *end = gt ? strstr(gt, "</td>") : NULL;

	strbuf_reset(out);
	if (end && strbuf_add(out, gt + 1, (size_t)(end - gt - 1)))
		fail_msg("cell too long");
}

/* How often needle occurs in s[0..len). */
static size_t count_in(const char *s, size_t len, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)) && p < s + len; p++)
		n++;
	return n;
}

/* The names of j's array of objects at path (two keys), into names once each. */
static void names_of(json_object *j, const char *k1, const char *k2, struct strvec *names)
{
	json_object *a = json_object_object_get(json_object_object_get(j, k1), k2);

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *n = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(a, i), "name"));
		size_t k = 0;

		while (k < names->nr && strcmp(names->v[k], n))
			k++;
		if (k == names->nr)
			strvec_push(names, n);
	}
}

/*
 * The count a side shows in a cell ("Q 3 (1 ack) · G 2": 'Q' gives 3),
 * or -1 when the side shows no count.
 */
static long side_count(const char *text, char side)
{
	const char *p = strchr(text, side);
	char *end;
	long n;

	if (!p || p[1] != ' ' || !strchr("0123456789", p[2]))
		return -1;
	n = strtol(p + 2, &end, 10);
	return end == p + 2 ? -1 : n;
}

/*
 * The differences (their status cells) a side's details list: the part
 * of the details [d, end) from marker to stop (or end).
 */
static size_t details_rows(const char *d, const char *end, const char *marker,
			   const char *stop)
{
	const char *t = strstr(d, marker), *te;

	if (!t || t > end)
		fail_msg("no '%s' in the details", marker);
	te = stop ? strstr(t, stop) : end;
	if (!te || te > end)
		te = end;
	return count_in(t, (size_t)(te - t), "UNACKNOWLEDGED</td>") +
	       count_in(t, (size_t)(te - t), "<td class=\"acked\">");
}

/*
 * The overview grid in the DOM: a row per machine type of either side,
 * a cell per consecutive pair of probed versions, and every link of a
 * cell reaching the details of that machine type and version, which list
 * as many differences of each side as the cell counts. Returns the
 * number of links followed.
 */
static size_t check_grid(const char *dom, json_object *j)
{
	const char *g = strstr(dom, "id=\"abi-grid\""), *gend, *p;
	struct strvec names = STRVEC_INIT;
	size_t probed = 0, links = 0, rows;
	json_object *vs = json_object_object_get(j, "qemu_versions");

	assert_non_null(g);
	gend = strstr(g, "</table>");
	names_of(j, "abi", "machines", &names);
	names_of(json_object_object_get(j, "abi"), "guest", "machines", &names);
	for (size_t i = 0; i < json_object_array_length(vs); i++)
		probed += json_object_get_boolean(
			json_object_object_get(json_object_array_get_idx(vs, i), "probed"));
	rows = count_in(g, (size_t)(gend - g), "<th class=\"m\">");
	assert_int_equal(rows, names.nr);
	assert_int_equal(count_in(g, (size_t)(gend - g), "<td "), rows * (probed - 1));
	for (p = g; (p = strstr(p, "<a href=\"#abi-d-")) && p < gend; p++) {
		struct strbuf id = STRBUF_INIT;
		const char *q = p + strlen("<a href=\"#"), *text = strchr(q, '>') + 1;
		const char *d, *dend;
		size_t qn, gn;
		char *label = xstrndup(text, (size_t)(strstr(text, "</a>") - text));

		sb_printf(&id, "id=\"%.*s\"", (int)(strchr(q, '"') - q), q);
		d = strstr(dom, id.buf);
		if (!d)
			fail_msg("grid link %s reaches nothing", id.buf);
		dend = strstr(d, "</div>");
		qn = details_rows(d, dend, "QEMU side:", "Guest view:");
		gn = details_rows(d, dend, "Guest view:", NULL);
		if (side_count(label, 'Q') >= 0 && qn != (size_t)side_count(label, 'Q'))
			fail_msg("cell '%s': its details (%s) list %zu QEMU-side breaks", label,
				 id.buf, qn);
		if (side_count(label, 'G') >= 0 && gn != (size_t)side_count(label, 'G'))
			fail_msg("cell '%s': its details (%s) list %zu guest-view items", label,
				 id.buf, gn);
		links++;
		free(label);
		strbuf_release(&id);
	}
	strvec_clear(&names);
	return links;
}

static void test_report_real(void **state)
{
	char *out = NULL, *js, *dom, *sorted, *plain;
	struct strbuf p = STRBUF_INIT, url = STRBUF_INIT, cell = STRBUF_INIT;
	struct strvec rows = STRVEC_INIT, srows = STRVEC_INIT, prow = STRVEC_INIT;
	json_object *j, *diffs;
	const char *word = NULL;
	size_t visible = 0;
	int status;

	(void)state;
	status = tu_run(&out, (const char *const[]){ vm, "report", NULL },
			(const char *const[]){ "--db", copy, "--out", outdir, NULL }, 120);
	if (status != 0 && status != 1)
		fail_msg("report exited %d:\n%s", status, out);
	assert_contains(out, "report written to", "report");
	free(out);

	/* JSON parses and has what the real store holds. */
	sb_printf(&p, "%s/report.json", outdir);
	js = tu_read(p.buf);
	j = json_tokener_parse(js);
	assert_non_null(j);
	assert_true(json_object_array_length(json_object_object_get(j, "qemu_versions")) >= 2);
	{
		json_object *sum = json_object_object_get(j, "summary");
		int gate = json_object_get_int(json_object_object_get(sum, "abi_unacknowledged")) ||
			   json_object_get_int(json_object_object_get(sum, "guest_unacknowledged")) ||
			   json_object_get_int(json_object_object_get(sum, "regressions")) ||
			   json_object_get_int(json_object_object_get(sum, "migration_regressions"));

		assert_int_equal(status, gate);
	}
	diffs = json_object_object_get(json_object_object_get(j, "abi"), "differences");
	/* The property of an unacknowledged break, else of any break. */
	for (int pass = 0; pass < 2 && !word; pass++)
		for (size_t i = 0; i < json_object_array_length(diffs) && !word; i++) {
			json_object *d = json_object_array_get_idx(diffs, i);

			if (json_object_get_boolean(json_object_object_get(d, "break")) &&
			    (pass || !json_object_get_boolean(json_object_object_get(d, "acknowledged"))))
				word = json_object_get_string(json_object_object_get(d, "property"));
		}
	if (!word)
		fail_msg("the real store shows no ABI difference between its QEMU versions");

	/* JUnit XML is well-formed. */
	strbuf_reset(&p);
	sb_printf(&p, "%s/report.junit.xml", outdir);
	assert_exit(tu_run(&out, (const char *const[]){ "xmllint", "--noout", p.buf, NULL },
			   (const char *const[]){ NULL }, 60),
		    0);
	free(out);

	/* The filter from the URL fragment, after the page's script ran. */
	sb_printf(&url, "file://%s/report.html#filter=%s", outdir, word);
	dom = chromium(url.buf, (const char *const[]){ "--dump-dom", NULL });
	assert_contains(dom, "data-js=\"ready\"", "the script ran");
	table_rows(dom, "abi-breaks", &rows);
	assert_true(rows.nr > 0);
	for (size_t i = 0; i < rows.nr; i++) {
		int hidden = strstr(rows.v[i], " hidden=\"\"") != NULL;
		int has = strstr(rows.v[i], word) != NULL;

		if (hidden == has)
			fail_msg("filter '%s': row %zu %s:\n%s", word, i,
				 has ? "is hidden but has it" : "is shown without it", rows.v[i]);
		visible += !hidden;
	}
	assert_true(visible > 0);
	strbuf_reset(&p);
	sb_printf(&p, "id=\"abi-breaks-count\">%zu of %zu rows<", visible, rows.nr);
	assert_contains(dom, p.buf, "the row count the script shows");

	/* The overview grid; the real QEMUs differ, so some cells link. */
	assert_true(check_grid(dom, j) > 0);
	assert_int_equal(json_object_array_length(json_object_object_get(
				 json_object_object_get(json_object_object_get(j, "abi"), "guest"),
				 "versions")), 2);

	/* A sort from the fragment: the machine types reversed. */
	strbuf_reset(&url);
	sb_printf(&url, "file://%s/report.html", outdir);
	plain = chromium(url.buf, (const char *const[]){ "--dump-dom", NULL });
	strbuf_reset(&url);
	sb_printf(&url, "file://%s/report.html#sort=caps-machines:0:desc", outdir);
	sorted = chromium(url.buf, (const char *const[]){ "--dump-dom", NULL });
	table_rows(plain, "caps-machines", &prow);
	table_rows(sorted, "caps-machines", &srows);
	assert_int_equal(prow.nr, srows.nr);
	assert_true(prow.nr > 10);
	for (size_t i = 0; i < prow.nr; i++) {
		struct strbuf a = STRBUF_INIT;

		first_cell(prow.v[prow.nr - 1 - i], &a);
		first_cell(srows.v[i], &cell);
		if (strcmp(a.buf, cell.buf))
			fail_msg("sorted row %zu is '%s', want '%s'", i, cell.buf, a.buf);
		strbuf_release(&a);
	}
	assert_contains(sorted, "aria-sort=\"descending\"", "sort marker");

	/* A screenshot for a person to look at. */
	{
		struct strbuf shot = STRBUF_INIT, arg = STRBUF_INIT, png = STRBUF_INIT;

		assert_int_equal(mkdir_p("tests/out", 0755), 0);
		sb_printf(&shot, "%s/report.png", dir);
		sb_printf(&arg, "--screenshot=%s", shot.buf);
		free(chromium(url.buf, (const char *const[]){ arg.buf, "--window-size=1400,1800",
							      NULL }));

		assert_int_equal(strbuf_read_file(&png, shot.buf, 64 << 20), 0);
		assert_true(png.len > 10000);
		assert_true(!memcmp(png.buf, "\x89PNG", 4));
		assert_int_equal(write_file_atomic("tests/out/report.png", png.buf, png.len), 0);
		strbuf_release(&png);
		strbuf_release(&shot);
		strbuf_release(&arg);
	}
	json_object_put(j);
	free(js);
	free(dom);
	free(plain);
	free(sorted);
	strvec_clear(&rows);
	strvec_clear(&srows);
	strvec_clear(&prow);
	strbuf_release(&p);
	strbuf_release(&url);
	strbuf_release(&cell);
}

/* ---- a large table: pages ---- */

#define LARGE_ROWS 15000
#define LARGE_PAGE 1000 /* the page's PAGE */
#define LARGE_ID "caps-machines"

/* The number the made row at place k holds (a permutation of 1..LARGE_ROWS). */
static size_t large_value(size_t k)
{
	return k * 7919 % LARGE_ROWS + 1;
}

/*
 * report.html with table LARGE_ID's rows replaced by LARGE_ROWS made
 * ones: the first cell "m-V" (V = large_value of the row's place; the
 * row of V = 7777 has id "row-7777"), the others "x". Written as
 * dir/large.html, with extra (a script, or "") before </body>.
 */
static char *large_page(const char *html, const char *extra)
{
	const char *t = strstr(html, "id=\"" LARGE_ID "\""), *body, *end, *h, *hend, *tail;
	struct strbuf page = STRBUF_INIT;
	size_t cols = 0;
	char *path = tu_path(dir, "large.html");

	if (!t)
		fail_msg("no table " LARGE_ID " in the report");
	h = strstr(t, "<thead>");
	hend = strstr(t, "</thead>");
	body = strstr(t, "<tbody>");
	end = strstr(t, "</tbody>");
	if (!h || !hend || !body || !end)
		fail_msg("table " LARGE_ID " has no thead or tbody");
	cols = count_in(h, (size_t)(hend - h), "<th>");
	assert_true(cols >= 2);
	body += strlen("<tbody>");
	sb_printf(&page, "%.*s\n", (int)(body - html), html);
	for (size_t k = 0; k < LARGE_ROWS; k++) {
		size_t v = large_value(k);

		if (v == 7777)
			sb_puts(&page, "<tr id=\"row-7777\">");
		else
			sb_puts(&page, "<tr>");
		sb_printf(&page, "<td class=\"code\">m-%zu</td>", v);
		for (size_t c = 1; c < cols; c++)
			sb_puts(&page, "<td>x</td>");
		sb_puts(&page, "</tr>\n");
	}
	tail = strstr(end, "</body>");
	assert_non_null(tail);
	sb_printf(&page, "%.*s%s%s", (int)(tail - end), end, extra, tail);
	assert_int_equal(write_file_atomic(path, page.buf, page.len), 0);
	strbuf_release(&page);
	return path;
}

/*
 * `report caps` of the test's store into dir/name, made into the large
 * page with extra (large_page); its path.
 */
static char *caps_large_page(const char *name, const char *extra)
{
	char *out = NULL, *html, *path, *rdir = tu_path(dir, name);
	struct strbuf p = STRBUF_INIT;

	assert_exit(tu_run(&out, (const char *const[]){ vm, "report", "caps", NULL },
			   (const char *const[]){ "--db", copy, "--out", rdir, NULL }, 120),
		    0);
	free(out);
	sb_printf(&p, "%s/report.html", rdir);
	html = tu_read(p.buf);
	path = large_page(html, extra);
	free(html);
	free(rdir);
	strbuf_release(&p);
	return path;
}

/* The opening tag of a row (<tr ...>), for its attributes only. */
static int tag_has(const char *row, const char *needle)
{
	const char *gt = strchr(row, '>'), *p = strstr(row, needle);

	return p && gt && p < gt;
}

/*
 * Table-driven: the large table after the page's script and a URL
 * fragment. Every row stays in the DOM in the order the sort gives;
 * filtered-out rows (the text lacks the filter, case-insensitively) are
 * hidden; of the rows the filter leaves, those of the expected page are
 * shown and the others have class pgoff; the count and the pagers say so.
 */
static void test_report_large_table(void **state)
{
	static const struct {
		const char *name, *hash;
		const char *filter; /* as matched: lower case; NULL: none */
		int desc;           /* 1: sorted by the first column, descending */
		size_t page;        /* 1-based; 0: the page of row-7777 */
	} cases[] = {
		{ "as written", "", NULL, 0, 1 },
		{ "filter, sort descending, page 2",
		  "#filter=M-12&sort=" LARGE_ID ":0:desc&page=" LARGE_ID ":2", "m-12", 1, 2 },
		{ "page given before the filter", "#page=" LARGE_ID ":2&filter=M-12", "m-12", 0, 2 },
		{ "a link to a row on another page", "#row-7777", NULL, 0, 0 },
	};
	char *path;
	struct strbuf url = STRBUF_INIT, cell = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	path = caps_large_page("out-large", "");
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct strvec rows = STRVEC_INIT;
		size_t shown = 0, page = cases[c].page, on = 0, pages;
		char *dom;

		strbuf_reset(&url);
		sb_printf(&url, "file://%s%s", path, cases[c].hash);
		dom = chromium(url.buf, (const char *const[]){ "--dump-dom", NULL });
		assert_contains(dom, "data-js=\"ready\"", cases[c].name);
		table_rows(dom, LARGE_ID, &rows);
		if (rows.nr != LARGE_ROWS)
			fail_msg("%s: %zu rows in the DOM, want %d", cases[c].name, rows.nr,
				 LARGE_ROWS);
		if (!page) /* the page of row-7777, unsorted and unfiltered */
			for (size_t k = 0; k < LARGE_ROWS; k++)
				if (large_value(k) == 7777)
					page = k / LARGE_PAGE + 1;
		for (size_t k = 0; k < rows.nr; k++) {
			size_t v = cases[c].desc ? LARGE_ROWS - k : large_value(k);
			int hit, off;

			first_cell(rows.v[k], &cell);
			strbuf_reset(&want);
			sb_printf(&want, "m-%zu", v);
			if (strcmp(cell.buf, want.buf))
				fail_msg("%s: row %zu is '%s', want '%s'", cases[c].name, k,
					 cell.buf, want.buf);
			hit = !cases[c].filter || strstr(cell.buf, cases[c].filter);
			if (tag_has(rows.v[k], " hidden=\"\"") == hit)
				fail_msg("%s: row %zu (%s) %s", cases[c].name, k, cell.buf,
					 hit ? "is hidden" : "is not hidden");
			off = hit && shown / LARGE_PAGE != page - 1;
			if (tag_has(rows.v[k], "pgoff") != off)
				fail_msg("%s: row %zu (%s) %s", cases[c].name, k, cell.buf,
					 off ? "is on the page, want another" : "is not on the page");
			shown += hit;
			on += hit && !off;
		}
		pages = (shown + LARGE_PAGE - 1) / LARGE_PAGE;
		assert_true(on > 0 && on <= LARGE_PAGE);
		strbuf_reset(&want);
		sb_printf(&want, "id=\"" LARGE_ID "-count\">%zu of %d rows<", shown, LARGE_ROWS);
		assert_contains(dom, want.buf, cases[c].name);
		/* both pagers, and no other: the report's other tables are small */
		strbuf_reset(&want);
		sb_printf(&want, "<span class=\"pgtext\">rows %zu\xe2\x80\x93%zu of %zu, page %zu of %zu<",
			  (page - 1) * LARGE_PAGE + 1, (page - 1) * LARGE_PAGE + on, shown, page,
			  pages);
		if (count_in(dom, strlen(dom), want.buf) != 2)
			fail_msg("%s: want 2 pagers saying '%s'", cases[c].name, want.buf);
		assert_int_equal(count_in(dom, strlen(dom), "class=\"pager\""), 2);
		assert_int_equal(count_in(dom, strlen(dom), "data-table=\"" LARGE_ID "\" hidden"), 0);
		if (cases[c].desc)
			assert_contains(dom, "aria-sort=\"descending\"", cases[c].name);
		strvec_clear(&rows);
		free(dom);
	}
	free(path);
	strbuf_release(&url);
	strbuf_release(&cell);
	strbuf_release(&want);
}

/*
 * The pager's buttons, the filter box and a column head of the large
 * table, clicked and typed into by a script after the page's own (as a
 * person would); it writes what the pager says, how many rows are shown
 * and the first of them, after each step.
 */
static void test_report_large_controls(void **state)
{
	static const char steps[] =
		"<script>(function(){var t=document.getElementById('" LARGE_ID "'),"
		"bars=document.querySelectorAll('div.pager[data-table=\"" LARGE_ID "\"]'),log=[];"
		"function st(){var on=Array.prototype.filter.call(t.tBodies[0].rows,function(r){"
		"return !r.hidden&&r.getClientRects().length>0;});"
		"log.push(bars[0].querySelector('.pgtext').textContent+'|'+on.length+'|'+"
		"on[0].cells[0].textContent);}\n"
		"bars[1].querySelector('[data-go=next]').click();st();"
		"bars[0].querySelector('[data-go=next]').click();st();"
		"bars[0].querySelector('[data-go=prev]').click();st();\n"
		"var box=document.querySelector('input.tfilter[data-table=\"" LARGE_ID "\"]');"
		"box.value='M-12';box.dispatchEvent(new Event('input'));st();"
		"t.querySelectorAll('thead th')[0].click();st();"
		"bars[0].querySelector('[data-go=all]').click();st();\n"
		"var o=document.createElement('pre');o.id='steps';o.textContent=log.join(';');"
		"document.body.appendChild(o);})();</script>\n";
	char *path, *dom;
	struct strbuf p = STRBUF_INIT, url = STRBUF_INIT, want = STRBUF_INIT;
	size_t first_hit = 0;

	(void)state;
	path = caps_large_page("out-large", steps);
	sb_printf(&url, "file://%s", path);
	dom = chromium(url.buf, (const char *const[]){ "--dump-dom", NULL });
	for (size_t k = 0; k < LARGE_ROWS && !first_hit; k++) {
		strbuf_reset(&p);
		sb_printf(&p, "m-%zu", large_value(k));
		if (!strncmp(p.buf, "m-12", 4))
			first_hit = large_value(k);
	}
	sb_printf(&want, "id=\"steps\">"
			 "rows 1001\xe2\x80\x93" "2000 of 15000, page 2 of 15|1000|m-%zu;"
			 "rows 2001\xe2\x80\x93" "3000 of 15000, page 3 of 15|1000|m-%zu;"
			 "rows 1001\xe2\x80\x93" "2000 of 15000, page 2 of 15|1000|m-%zu;"
			 "rows 1\xe2\x80\x93" "1000 of 1111, page 1 of 2|1000|m-%zu;"
			 "rows 1\xe2\x80\x93" "1000 of 1111, page 1 of 2|1000|m-12;"
			 "all 1111 rows|1111|m-12<",
		  large_value(1000), large_value(2000), large_value(1000), first_hit);
	assert_contains(dom, want.buf, "the pager, the filter box and a column head");
	free(dom);
	free(path);
	strbuf_release(&p);
	strbuf_release(&url);
	strbuf_release(&want);
}

/*
 * The tables are laid out only near the screen (content-visibility on
 * their div.tw): a table made wider than the window must still be whole
 * where the window shows it (its last column's cells are hit at its right
 * edge, not cut by the containment), and its heads must stay at the top
 * of the window while its rows scroll under them.
 */
static void test_report_wide_table(void **state)
{
	static const char steps[] =
		"<script>(function(){var t=document.getElementById('" LARGE_ID "'),w=t.parentNode;"
		"t.querySelector('thead th').style.minWidth='4000px';t.scrollIntoView();\n"
		"setTimeout(function(){var r=t.getBoundingClientRect();"
		"window.scrollBy(r.right-window.innerWidth+50,300);\n"
		"setTimeout(function(){var r=t.getBoundingClientRect(),"
		"e=document.elementFromPoint(r.right-10,window.innerHeight/2),"
		"h=t.querySelector('thead th').getBoundingClientRect(),"
		"o=document.createElement('pre');o.id='wide';"
		"o.textContent=[w.tagName+'.'+w.className,getComputedStyle(w).contentVisibility,"
		"r.width>=4000,r.top<0,e&&t.contains(e)?e.tagName:'cut',Math.round(h.top)].join('|');"
		"document.body.appendChild(o);},500);},500);})();</script>\n";
	char *path, *dom;
	struct strbuf url = STRBUF_INIT;

	(void)state;
	path = caps_large_page("out-wide", steps);
	sb_printf(&url, "file://%s", path);
	dom = chromium(url.buf, (const char *const[]){ "--window-size=1280,900",
							"--virtual-time-budget=10000",
							"--dump-dom", NULL });
	assert_contains(dom, "id=\"wide\">DIV.tw|auto|true|true|TD|0<",
			"a wide table whole and its heads on top");
	free(dom);
	free(path);
	strbuf_release(&url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_real),
		cmocka_unit_test(test_report_large_table),
		cmocka_unit_test(test_report_large_controls),
		cmocka_unit_test(test_report_wide_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
