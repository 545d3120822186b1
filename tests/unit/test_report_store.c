/*
 * The capability timeline (reports/timeline.c), the sweep matrix
 * (reports/matrix_report.c), the four writers and the command's exit
 * status, on a small store made here with known probe records, sweeps
 * and runs: exact spans, groups, defaults, cells, regressions (and
 * which sweep is "previous"; the regression decision alone, verdict by
 * verdict), escaping of hostile text from the store in
 * every format, the run logs, and 0/1/2/129 from 'virt-matrix report'.
 */
#include <dirent.h>
#include <json-c/json.h>

#include "teststore.h"
#include "builders.h"
#include "report.h"

static const char hostile[] = "<script>alert(1)</script> | pipe & \"quote\"";

static void fill(struct store *st)
{
	sqlite3_stmt *q = NULL;

	tu_exec(st, "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		 " binary_sha256, status, installed_at) VALUES"
		 " ('qemu', '10.0.2', 'built', '/o/10', '/o/10/b', 's3', 'installed', 'x'),"
		 " ('qemu', '5.2.0', 'built', '/o/5', '/o/5/b', 's1', 'installed', 'x'),"
		 " ('qemu', '7.2.0', 'built', '/o/7', '/o/7/b', 's2', 'installed', 'x'),"
		 " ('libvirt', '9.0.0', 'built', '/o/l', '/o/l/b', 'sl', 'installed', 'x')");
	tu_exec(st, "INSERT INTO binaries (id, sha256, version, status, probed_at) VALUES"
		 " (1, 's1', '5.2.0', 'complete', 'x'), (2, 's2', '7.2.0', 'complete', 'x'),"
		 " (3, 's3', '10.0.2', 'complete', 'x')");
	tu_exec(st, "INSERT INTO machine_types (binary, name, is_default, deprecated) VALUES"
		 " (1, 'pc-1.0', 0, 0), (1, 'pc-q35-5.2', 0, 0),"
		 " (2, 'pc-q35-5.2', 0, 0), (2, 'pc-q35-7.2', 0, 0),"
		 " (3, 'pc-q35-5.2', 0, 0), (3, 'pc-q35-7.2', 0, 0), (3, 'pc-q35-10.0', 1, 0)");
	tu_exec(st, "INSERT INTO qmp_commands VALUES (1, 'query-x'), (2, 'query-x'),"
		 " (3, 'query-x'), (3, 'query-new'), (1, 'query-old'), (2, 'query-old')");
	tu_exec(st, "INSERT INTO propsets VALUES (1, 'p1'), (2, 'p2'), (3, 'p3');"
		 "INSERT INTO propset_props (propset, name, type, default_value) VALUES"
		 " (1, 'a', 'uint32', '1'), (1, 'b', 'bool', 'true'),"
		 " (2, 'a', 'uint32', '1'), (2, 'b', 'bool', 'false'), (2, 'c', 'str', NULL),"
		 " (3, 'a', 'uint32', '1');"
		 "INSERT INTO devices VALUES (1, 'e1000', 1), (2, 'e1000', 1), (3, 'e1000', 1),"
		 " (1, 'virtio-net', 1), (2, 'virtio-net', 2), (3, 'virtio-net', 2),"
		 " (1, 'virtio-blk', 1), (2, 'virtio-blk', 2), (3, 'virtio-blk', 2),"
		 " (3, 'new-dev', 3)");
	/* Sweeps: started out of id order, so that order is by start time. */
	tu_exec(st, "INSERT INTO sweeps (id, uuid, kind, status, started_at) VALUES"
		 " (1, 'aaaaaaaa-0000-4000-8000-000000000003', 'run', 'finished', '2026-01-03T00:00:00Z'),"
		 " (2, 'aaaaaaaa-0000-4000-8000-000000000001', 'run', 'finished', '2026-01-01T00:00:00Z'),"
		 " (3, 'aaaaaaaa-0000-4000-8000-000000000002', 'sweep', 'finished', '2026-01-02T00:00:00Z'),"
		 /* two partial runs between the sweeps 0002 and 0003 */
		 " (4, 'aaaaaaaa-0000-4000-8000-000000000004', 'run', 'finished', '2026-01-02T12:00:00Z'),"
		 " (5, 'aaaaaaaa-0000-4000-8000-000000000005', 'run', 'finished', '2026-01-02T06:00:00Z'),"
		 /* the newest, of migrations: not the matrix's */
		 " (6, 'aaaaaaaa-0000-4000-8000-000000000006', 'migrate', 'finished', '2026-01-04T00:00:00Z')");
	tu_exec(st, "INSERT INTO runs (id, qemu, libvirt, scenario, scenario_sha256, status,"
		 " sweep, seconds, serial_log, started_at) VALUES"
		 " (1, '7.2.0', NULL, 'vm', 's', 'pass', NULL, 1, 'old console', '2025-12-31T00:00:00Z'),"
		 " (2, '7.2.0', NULL, 'vm', 's', 'fail', 2, 1, NULL, 'x'),"
		 " (3, '10.0.2', NULL, 'vm', 's', 'pass', 2, 1, NULL, 'x'),"
		 " (4, '7.2.0', NULL, 'vm', 's', 'pass', 3, 1, NULL, 'x'),"
		 " (5, '10.0.2', NULL, 'vm', 's', 'pass', 3, 1, NULL, 'x'),"
		 " (6, '10.0.2', '9.0.0', 'vm', 's', 'pass', 3, 1, NULL, 'x'),"
		 " (7, '7.2.0', NULL, 'vm', 's', 'fail', 1, 2.5, 'VMX-CHECK pci fail', 'x'),"
		 " (8, '10.0.2', NULL, 'vm', 's', 'pass', 1, 1, NULL, 'x'),"
		 " (9, '10.0.2', NULL, 'vm', 's', 'error', 1, 1, 'late console', 'x'),"
		 " (11, '10.0.2', '9.0.0', 'vm', 's', 'fail', 4, 1, NULL, 'x'),"
		 " (12, '7.2.0', NULL, 'vhost', 's', 'pass', 5, 1, NULL, 'x')");
	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO runs (id, qemu, scenario, scenario_sha256,"
				       " status, reason, sweep, started_at)"
				       " VALUES (10, '7.2.0', 'vhost', 's', 'skip', ?, 1, 'x')"),
			 0);
	store_bind_text(q, 1, hostile);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

/* A store file in a fresh directory; *dir to remove. */
static char *make_store(struct store *st, char **dir)
{
	struct strbuf p = STRBUF_INIT;

	*dir = tu_tmpdir("report");
	sb_printf(&p, "%s/m.db", *dir);
	assert_int_equal(store_open(st, p.buf), 0);
	fill(st);
	return strbuf_detach(&p);
}

/* ---- timeline ---- */

static void test_timeline(void **state)
{
	static const char want[] =
		"machine pc-1.0 100 5.2.0..5.2.0\n"
		"machine pc-q35-5.2 111 5.2.0..10.0.2\n"
		"machine pc-q35-7.2 011 7.2.0..10.0.2\n"
		"machine pc-q35-10.0 001 10.0.2..10.0.2\n"
		"command query-new 001 10.0.2..10.0.2\n"
		"command query-old 110 5.2.0..7.2.0\n"
		"command query-x 111 5.2.0..10.0.2\n"
		"device e1000 111 5.2.0..10.0.2\n"
		"device new-dev 001 10.0.2..10.0.2\n"
		"device virtio-blk 111 5.2.0..10.0.2\n"
		"device virtio-net 111 5.2.0..10.0.2\n"
		"property c 011 7.2.0..10.0.2 [virtio-blk virtio-net]\n";
	struct rep_versions v;
	struct rep_timeline t;
	struct store st;
	struct strbuf got = STRBUF_INIT;
	char *dir, *db;

	(void)state;
	db = make_store(&st, &dir);
	memset(&t, 0, sizeof(t));
	assert_int_equal(rep_versions_load(&st, &v), 0);
	assert_int_equal(rep_timeline_build(&st, &v, &t), 0);
	for (size_t i = 0; i < t.nitems; i++) {
		const struct rep_tl_item *it = &t.items[i];

		sb_printf(&got, "%s %s %s %s..%s", it->kind, it->name, it->present,
			  rep_vname(&v, it->first), rep_vname(&v, it->last));
		if (it->devices.nr) {
			sb_puts(&got, " [");
			for (size_t k = 0; k < it->devices.nr; k++)
				sb_printf(&got, "%s%s", k ? " " : "", it->devices.v[k]);
			sb_puts(&got, "]");
		}
		sb_putc(&got, '\n');
	}
	if (strcmp(got.buf, want))
		fail_msg("items: got\n%s\nwant\n%s", got.buf, want);
	assert_int_equal(t.ndefaults, 1);
	assert_string_equal(t.defaults[0].property, "b");
	assert_int_equal(t.defaults[0].devices.nr, 2);
	assert_string_equal(t.defaults[0].values[0], "true");
	assert_string_equal(t.defaults[0].values[1], "false");
	assert_string_equal(t.defaults[0].values[2], "false");
	/* e1000 a,b; new-dev a; virtio-blk a,b; virtio-net a,b */
	assert_int_equal(t.props_same_span, 7);
	strbuf_release(&got);
	rep_timeline_release(&t);
	rep_versions_release(&v);
	store_close(&st);
	free(db);
	tu_rmdir(dir);
}

/* ---- matrix ---- */

/* The regression decision alone: previous verdict x current verdict. */
struct change_case {
	const char *name;
	int had_before;
	enum run_status before, now;
	enum rep_change want;
};

static void test_verdict_change(void **state)
{
	static const struct change_case cases[] = {
		{ "never ran before, fails now", 0, RUN_PASS, RUN_FAIL, REP_CHANGE_NONE },
		{ "never ran before, passes now", 0, RUN_FAIL, RUN_PASS, REP_CHANGE_NONE },
		{ "pass to fail", 1, RUN_PASS, RUN_FAIL, REP_CHANGE_REGRESSION },
		{ "pass to error", 1, RUN_PASS, RUN_ERROR, REP_CHANGE_REGRESSION },
		{ "pass to pass", 1, RUN_PASS, RUN_PASS, REP_CHANGE_NONE },
		{ "pass to skip", 1, RUN_PASS, RUN_SKIP, REP_CHANGE_NONE },
		{ "pass to unsupported", 1, RUN_PASS, RUN_UNSUPPORTED, REP_CHANGE_NONE },
		{ "fail to pass", 1, RUN_FAIL, RUN_PASS, REP_CHANGE_FIXED },
		{ "error to pass", 1, RUN_ERROR, RUN_PASS, REP_CHANGE_FIXED },
		{ "fail to error", 1, RUN_FAIL, RUN_ERROR, REP_CHANGE_NONE },
		{ "error to fail", 1, RUN_ERROR, RUN_FAIL, REP_CHANGE_NONE },
		{ "fail to skip", 1, RUN_FAIL, RUN_SKIP, REP_CHANGE_NONE },
		{ "skip to fail", 1, RUN_SKIP, RUN_FAIL, REP_CHANGE_NONE },
		{ "skip to pass", 1, RUN_SKIP, RUN_PASS, REP_CHANGE_NONE },
		{ "unsupported to fail", 1, RUN_UNSUPPORTED, RUN_FAIL, REP_CHANGE_NONE },
		{ "unsupported to pass", 1, RUN_UNSUPPORTED, RUN_PASS, REP_CHANGE_NONE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct change_case *c = &cases[i];
		const enum run_status *before = c->had_before ? &c->before : NULL;
		enum rep_change got = rep_verdict_change(before, c->now);

		if (got != c->want)
			fail_msg("case '%s': got %d, want %d", c->name, (int)got,
				 (int)c->want);
	}
}

struct sweep_case {
	const char *name, *uuid;
	const char *want; /* per cell: scenario qemu libvirt run status current prev reg fixed */
	size_t regressions, fixed;
};

static const struct sweep_case sweep_cases[] = {
	{ "the latest sweep against the one before it", NULL,
	  "vhost 7.2.0 direct 10 skip cur prev=pass reg=0 fix=0\n"
	  "vm 7.2.0 direct 7 fail cur prev=pass reg=1 fix=0\n"
	  "vm 10.0.2 direct 9 error cur prev=pass reg=1 fix=0\n"
	  "vm 10.0.2 9.0.0 11 fail old:aaaaaaaa-0000-4000-8000-000000000004 prev=fail reg=0 fix=0\n",
	  2, 0 },
	{ "an older sweep by uuid", "aaaaaaaa-0000-4000-8000-000000000002",
	  "vm 7.2.0 direct 4 pass cur prev=fail reg=0 fix=1\n"
	  "vm 10.0.2 direct 5 pass cur prev=pass reg=0 fix=0\n"
	  "vm 10.0.2 9.0.0 6 pass cur prev=- reg=0 fix=0\n",
	  0, 1 },
	{ "the first sweep is compared with the runs without a sweep",
	  "aaaaaaaa-0000-4000-8000-000000000001",
	  "vm 7.2.0 direct 2 fail cur prev=pass reg=1 fix=0\n"
	  "vm 10.0.2 direct 3 pass cur prev=- reg=0 fix=0\n",
	  1, 0 },
	{ "a cell compared with the newest earlier sweep that ran it",
	  "aaaaaaaa-0000-4000-8000-000000000004",
	  "vhost 7.2.0 direct 12 pass old:aaaaaaaa-0000-4000-8000-000000000005 prev=pass reg=0 fix=0\n"
	  "vm 7.2.0 direct 4 pass old:aaaaaaaa-0000-4000-8000-000000000002 prev=pass reg=0 fix=0\n"
	  "vm 10.0.2 direct 5 pass old:aaaaaaaa-0000-4000-8000-000000000002 prev=pass reg=0 fix=0\n"
	  "vm 10.0.2 9.0.0 11 fail cur prev=pass reg=1 fix=0\n",
	  1, 0 },
	{ "the legacy batch itself", "legacy", "vm 7.2.0 direct 1 pass cur prev=- reg=0 fix=0\n",
	  0, 0 },
};

static void test_matrix(void **state)
{
	struct rep_versions v;
	struct store st;
	char *dir, *db, *msg;
	struct rep_matrix m;

	(void)state;
	db = make_store(&st, &dir);
	assert_int_equal(rep_versions_load(&st, &v), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sweep_cases); i++) {
		const struct sweep_case *c = &sweep_cases[i];
		struct strbuf got = STRBUF_INIT;

		memset(&m, 0, sizeof(m));
		assert_int_equal(rep_matrix_build(&st, &v, c->uuid, &m), 0);
		for (size_t k = 0; k < m.ncells; k++) {
			const struct rep_cell *x = &m.cells[k];

			sb_printf(&got, "%s %s %s %lld %s %s%s prev=%s reg=%d fix=%d\n",
				  x->scenario, x->qemu, x->libvirt ? x->libvirt : "direct",
				  x->run, x->status, x->current ? "cur" : "old:",
				  x->current ? "" : x->from_sweep,
				  x->prev_status ? x->prev_status : "-", x->regression,
				  x->fixed);
		}
		if (strcmp(got.buf, c->want) || m.regressions != c->regressions ||
		    m.fixed != c->fixed)
			fail_msg("case '%s': got\n%s(%zu regressions, %zu fixed)\nwant\n%s",
				 c->name, got.buf, m.regressions, m.fixed, c->want);
		strbuf_release(&got);
		rep_matrix_release(&m);
	}
	/* Rows and columns of the latest sweep. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_matrix_build(&st, &v, NULL, &m), 0);
	assert_string_equal(m.cur.uuid, "aaaaaaaa-0000-4000-8000-000000000003");
	assert_string_equal(m.prev.uuid, "aaaaaaaa-0000-4000-8000-000000000004");
	assert_int_equal(m.qemus.nr, 2);
	assert_string_equal(m.qemus.v[0], "7.2.0");
	assert_string_equal(m.qemus.v[1], "10.0.2");
	assert_int_equal(m.libvirts.nr, 2);
	assert_string_equal(m.libvirts.v[0], "direct");
	assert_string_equal(m.scenarios.v[0], "vhost");
	rep_matrix_release(&m);
	/* An unknown sweep is an error that says what to give. */
	memset(&m, 0, sizeof(m));
	tu_capture_begin();
	assert_int_equal(rep_matrix_build(&st, &v, "nope", &m), -1);
	msg = tu_capture_end();
	assert_contains(msg, "error: no sweep 'nope' in store", "unknown sweep");
	assert_contains(msg, "'legacy' for the runs recorded without a sweep", "unknown sweep");
	free(msg);
	rep_matrix_release(&m);
	/* A migrate sweep holds no runs: it is not one of the matrix's. */
	memset(&m, 0, sizeof(m));
	tu_capture_begin();
	assert_int_equal(rep_matrix_build(&st, &v, "aaaaaaaa-0000-4000-8000-000000000006", &m), -1);
	msg = tu_capture_end();
	assert_contains(msg, "error: no sweep 'aaaaaaaa-0000-4000-8000-000000000006'",
			"migrate sweep");
	free(msg);
	rep_matrix_release(&m);
	rep_versions_release(&v);
	store_close(&st);
	free(db);
	tu_rmdir(dir);
}

/* ---- the writers ---- */

static char *read_out(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	char *t;

	sb_printf(&p, "%s/out/%s", dir, name);
	t = tu_read(p.buf);
	strbuf_release(&p);
	return t;
}

static void test_writers(void **state)
{
	struct rep_options o = { REP_ALL, NULL, NULL, NULL, 0 };
	struct rep_report r;
	struct store st;
	struct strbuf out = STRBUF_INIT, acks = STRBUF_INIT;
	char *dir, *db, *html, *md, *xml, *js, *log;
	json_object *j, *cells;

	(void)state;
	db = make_store(&st, &dir);
	tu_write(dir, "acks", "# none\n");
	sb_printf(&acks, "%s/acks", dir);
	o.acks = acks.buf;
	o.corpus = "scenarios/dts";
	assert_int_equal(rep_report_build(&st, &o, &r), 0);
	sb_printf(&out, "%s/out", dir);
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_ALL, out.buf), 0);
	assert_int_equal(rep_report_gate(&r), 1);
	html = read_out(dir, "report.html");
	md = read_out(dir, "report.md");
	xml = read_out(dir, "report.junit.xml");
	js = read_out(dir, "report.json");
	log = read_out(dir, "logs/run-9.txt");

	/* HTML: self-contained, escaped, regressions first, logs linked. */
	assert_true(!strncmp(html, "<!DOCTYPE html>", 15));
	if (strstr(html, "http:") || strstr(html, "https:") || strstr(html, " src="))
		fail_msg("the HTML refers to something outside itself");
	if (strstr(html, "<script>alert"))
		fail_msg("store text reached the HTML unescaped");
	assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; | pipe &amp; &quot;quote&quot;",
			"html escaping");
	assert_contains(html, "<a href=\"logs/run-9.txt\">error</a> <span class=\"badge reg\">"
			      "REGRESSION</span>", "html regression cell");
	assert_true(strstr(html, "id=\"matrix-regressions\"") < strstr(html, "id=\"matrix-vm\""));
	assert_contains(html, "class=\"gate fail\"", "html gate");
	assert_contains(html, "2 new regression(s)", "html gate text");
	assert_contains(html, "not in this sweep; from aaaaaaaa-0000-4000-8000-000000000004",
			"html older cell");

	/* Markdown: pipes escaped inside cells. */
	assert_contains(md, "- **2 new regression(s)**", "md summary");
	assert_contains(md, "| [skip](logs/run-10.txt) | &lt;script>alert(1)&lt;/script> \\| pipe "
			    "&amp; \"quote\" |",
			"md escaping");
	assert_contains(md, "| [error REGRESSION](logs/run-9.txt) |", "md cell");

	/* JUnit: only the current sweep's cells; a regression says so. */
	assert_contains(xml, "<testsuite name=\"matrix\" tests=\"3\" failures=\"1\" errors=\"1\" "
			     "skipped=\"1\"", "junit counts");
	assert_contains(xml, "<failure type=\"regression\" message=\"regression (passed in the "
			     "previous sweep): fail\"/>", "junit regression");
	assert_contains(xml, "<skipped message=\"&lt;script&gt;alert(1)&lt;/script&gt; | pipe "
			     "&amp; &quot;quote&quot;\"/>", "junit escaping");
	assert_contains(xml, "<testsuite name=\"abi\" tests=\"0\"", "junit abi");

	/* JSON: the documented schema. */
	j = json_tokener_parse(js);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_object_get(j, "schema")),
			    "virt-matrix-report/1");
	assert_int_equal(json_object_get_int(json_object_object_get(
				 json_object_object_get(j, "summary"), "regressions")), 2);
	cells = json_object_object_get(json_object_object_get(j, "matrix"), "cells");
	assert_int_equal(json_object_array_length(cells), 4);
	assert_string_equal(json_object_get_string(json_object_object_get(
				    json_object_array_get_idx(cells, 0), "reason")), hostile);
	assert_string_equal(json_object_get_string(json_object_object_get(
				    json_object_array_get_idx(cells, 2), "log")), "logs/run-9.txt");
	{
		json_object *props = json_object_object_get(json_object_object_get(j, "caps"),
							    "properties");
		json_object *p0 = json_object_array_get_idx(props, 0);

		assert_int_equal(json_object_array_length(props), 1);
		assert_string_equal(json_object_get_string(json_object_object_get(p0, "first")),
				    "7.2.0");
		assert_string_equal(json_object_get_string(json_object_array_get_idx(
					    json_object_object_get(p0, "devices"), 1)),
				    "virtio-net");
		assert_string_equal(json_object_get_string(json_object_array_get_idx(
					    json_object_object_get(p0, "absent"), 0)),
				    "5.2.0");
	}
	{
		json_object *corpus = json_object_object_get(json_object_object_get(j, "mapping"),
							     "corpus");
		json_object *vms = json_object_object_get(corpus, "vms"), *vm2 = NULL, *src;
		size_t found = 0;

		assert_string_equal(json_object_get_string(json_object_object_get(corpus, "dir")),
				    "scenarios/dts");
		assert_int_equal(json_object_array_length(vms), 31);
		for (size_t i = 0; i < json_object_array_length(vms); i++) {
			json_object *e = json_object_array_get_idx(vms, i);
			const char *name = json_object_get_string(json_object_object_get(e, "name"));

			if (!strcmp(name, "dts/sriov_kvm.cfg [vm2]"))
				vm2 = e;
			/* The VFs and host ports: no vfio-pci in any of the three. */
			if (strstr(name, "passthrough")) {
				assert_int_equal(json_object_array_length(
							 json_object_object_get(e, "errors")), 3);
				found++;
			}
		}
		assert_int_equal(found, 4);
		assert_non_null(vm2);
		assert_string_equal(json_object_get_string(json_object_object_get(vm2, "file")),
				    "dts/sriov_kvm.cfg");
		assert_string_equal(json_object_get_string(json_object_object_get(vm2, "vm")),
				    "vm2");
		src = json_object_array_get_idx(json_object_object_get(vm2, "sources"), 2);
		assert_string_equal(json_object_get_string(json_object_object_get(src, "qemu")),
				    "10.0.2");
		assert_true(json_object_get_boolean(json_object_object_get(src, "computed")));
		assert_contains(json_object_get_string(json_object_array_get_idx(
					json_object_object_get(src, "notes"), 1)),
				"net type=tap (line 136) is -netdev bridge,br=br0", "json note");
	}
	json_object_put(j);

	/*
	 * The DTS corpus in the mapping part: each VM mapped for the three
	 * probed versions; none has vfio-pci, so a VF cannot be mapped.
	 */
	assert_contains(html, "<h3 id=\"mapping-corpus\">DPDK DTS's VM files, mapped for "
			      "every probed QEMU</h3>",
			"html corpus");
	assert_contains(html, "<h4>dts/sriov_kvm.cfg [vm2]</h4>\n<p>3 sources, ", "html vm2");
	assert_contains(html, "<p><b>mapper / QEMU 10.0.2</b> (computed, not run)</p><pre>"
			      "[&quot;/o/10/b&quot;,&quot;-machine&quot;,&quot;q35&quot;",
			"html argv");
	assert_contains(html, "<li>net type=tap (line 136) is -netdev bridge,br=br0: ",
			"html note");
	assert_contains(html, "<h4>dts/scene/vf_passthrough.cfg [vm0]</h4>\n<p>0 sources, "
			      "0 options, 0 changes.</p>\n<p class=\"note\">Not mapped:</p><ul>"
			      "<li>QEMU 5.2.0: QEMU 5.2.0 has no vfio-pci device</li>",
			"html not mapped");
	assert_contains(md, "### DPDK DTS's VM files, mapped for every probed QEMU\n", "md corpus");
	assert_contains(md, "#### dts/sriov\\_kvm.cfg \\[vm2\\]\n\n| option | mapper / QEMU "
			    "5.2.0 | mapper / QEMU 7.2.0 | mapper / QEMU 10.0.2 |",
			"md vm2");
	assert_contains(md, "Not mapped: QEMU 7.2.0: QEMU 7.2.0 has no vfio-pci device\n", "md error");

	/* The log of a cell. */
	assert_contains(log, "virt-matrix run 9\nscenario: vm\nqemu: 10.0.2\nlibvirt: (direct)\n"
			     "sweep: aaaaaaaa-0000-4000-8000-000000000003\nstatus: error\n", "log head");
	assert_contains(log, "==== serial console ====\nlate console\n", "log console");

	/* Only the capability timeline: nothing to gate on. */
	r.parts = REP_CAPS;
	assert_int_equal(rep_report_gate(&r), 0);
	rep_report_release(&r);
	free(html);
	free(md);
	free(xml);
	free(js);
	free(log);
	strbuf_release(&out);
	strbuf_release(&acks);
	store_close(&st);
	free(db);
	tu_rmdir(dir);
}

/* ---- the command ---- */

struct cmd_case {
	const char *name;
	const char *const args[8];
	int status;
	const char *out; /* expected in stdout+stderr */
};

/* --logs failed: the logs of the runs that failed or erred, and no other. */
static void test_logs_failed_only(void **state)
{
	struct rep_options o = { REP_MATRIX, NULL, NULL, NULL, 0 };
	struct rep_report r;
	struct store st;
	struct strbuf out = STRBUF_INIT, p = STRBUF_INIT;
	char *dir, *db, *html;

	(void)state;
	db = make_store(&st, &dir);
	assert_int_equal(rep_report_build(&st, &o, &r), 0);
	r.logs_failed_only = 1;
	sb_printf(&out, "%s/out", dir);
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_HTML, out.buf), 0);
	sb_printf(&p, "%s/logs/run-9.txt", out.buf);
	assert_true(path_exists(p.buf)); /* error */
	strbuf_reset(&p);
	sb_printf(&p, "%s/logs/run-10.txt", out.buf);
	assert_false(path_exists(p.buf)); /* skip */
	html = read_out(dir, "report.html");
	assert_contains(html, "<a href=\"logs/run-9.txt\">error</a>", "failed run linked");
	assert_null(strstr(html, "logs/run-10.txt"));
	free(html);
	rep_report_release(&r);
	store_close(&st);
	strbuf_release(&out);
	strbuf_release(&p);
	free(db);
	tu_rmdir(dir);
}

/* Whether dir holds an entry whose name starts with prefix. */
static int has_entry(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		found |= !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return found;
}

/*
 * logs/ is replaced whole: a log of an earlier report that this one
 * has not is gone. A report that fails leaves --out as it was, and no
 * private directory behind.
 */
static void test_out_replaced_whole(void **state)
{
	struct rep_options o = { REP_MATRIX, NULL, NULL, NULL, 0 };
	struct rep_report r;
	struct store st;
	struct strbuf out = STRBUF_INIT, p = STRBUF_INIT;
	char *dir, *db, *before, *after, *msg;

	(void)state;
	db = make_store(&st, &dir);
	assert_int_equal(rep_report_build(&st, &o, &r), 0);
	sb_printf(&out, "%s/out", dir);
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_HTML | REP_FMT_MD, out.buf), 0);
	sb_printf(&p, "%s/logs", out.buf);
	tu_write(p.buf, "run-999.txt", "an earlier report's log");
	tu_write(out.buf, "report.md", "an earlier report");
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_HTML, out.buf), 0);
	strbuf_reset(&p);
	sb_printf(&p, "%s/logs/run-999.txt", out.buf);
	assert_false(path_exists(p.buf));
	strbuf_reset(&p);
	sb_printf(&p, "%s/logs/run-9.txt", out.buf);
	assert_true(path_exists(p.buf));
	/* A format not asked for is left alone. */
	after = read_out(dir, "report.md");
	assert_string_equal(after, "an earlier report");
	free(after);
	assert_false(has_entry(out.buf, "vm-report-"));

	/* A run's record gone from the store: its log cannot be written. */
	before = read_out(dir, "report.html");
	tu_exec(&st, "PRAGMA foreign_keys = OFF");
	tu_exec(&st, "DELETE FROM runs WHERE id = 9");
	tu_write(out.buf, "report.html", "the report before");
	tu_capture_begin();
	assert_int_equal(rep_report_write(&st, &r, REP_FMT_HTML, out.buf), -1);
	msg = tu_capture_end();
	assert_contains(msg, "cannot read a run's record", "the error");
	after = read_out(dir, "report.html");
	assert_string_equal(after, "the report before");
	assert_true(path_exists(p.buf)); /* logs/run-9.txt of the report before */
	assert_false(has_entry(out.buf, "vm-report-"));
	free(before);
	free(after);
	free(msg);
	rep_report_release(&r);
	store_close(&st);
	strbuf_release(&out);
	strbuf_release(&p);
	free(db);
	tu_rmdir(dir);
}

static void test_command(void **state)
{
	static const struct cmd_case cases[] = {
		{ "regressions fail the report", { "matrix", "--format", "json", NULL }, 1,
		  "2 new regression(s)" },
		{ "--no-fail", { "matrix", "--no-fail", "--format", "md", NULL }, 0,
		  "report written to" },
		{ "an older sweep has none", { "matrix", "--sweep",
					       "aaaaaaaa-0000-4000-8000-000000000002", NULL }, 0,
		  "0 new regression(s)" },
		{ "stdout", { "caps", "--format", "json", "--out", "-", NULL }, 0,
		  "\"schema\": \"virt-matrix-report/1\"" },
		{ "stdout takes one format", { "caps", "--out", "-", NULL }, 129,
		  "--out - writes one format" },
		{ "unknown format", { "--format", "pdf", NULL }, 129,
		  "error: unknown format 'pdf'; expected html, md, json or junit" },
		{ "unknown report", { "abx", NULL }, 129,
		  "error: unknown report 'abx'; expected abi, mapping, caps, matrix, "
		  "migration or all" },
		{ "unknown sweep", { "matrix", "--sweep", "x", NULL }, 2, "error: no sweep 'x'" },
		{ "bad acks file", { "abi", "--acks", "/nonexistent/acks", NULL }, 2,
		  "/nonexistent/acks" },
	};
	struct store st;
	char *dir, *db, *vm = tu_vm_binary();
	struct strbuf outdir = STRBUF_INIT;

	(void)state;
	db = make_store(&st, &dir);
	store_close(&st);
	sb_printf(&outdir, "%s/cmd", dir);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = NULL;
		int status = tu_run(&out, (const char *const[]){ vm, "report", "--db", db,
								  "--out", outdir.buf, NULL },
				    cases[i].args, 60);

		if (status != cases[i].status || !strstr(out, cases[i].out))
			fail_msg("case '%s': status %d (want %d), output:\n%s", cases[i].name,
				 status, cases[i].status, out);
		free(out);
	}
	{
		char *out = NULL;
		struct strbuf missing = STRBUF_INIT;

		sb_printf(&missing, "%s/none.db", dir);
		assert_exit(tu_run(&out, (const char *const[]){ vm, "report", NULL },
				   (const char *const[]){ "--db", missing.buf, NULL }, 60),
			    2);
		assert_contains(out, "error: no store at", "missing store");
		assert_false(path_exists(missing.buf));
		free(out);
		strbuf_release(&missing);
	}
	strbuf_release(&outdir);
	free(vm);
	free(db);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_verdict_change),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_writers),
		cmocka_unit_test(test_logs_failed_only),
		cmocka_unit_test(test_out_replaced_whole),
		cmocka_unit_test(test_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
