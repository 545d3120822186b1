/*
 * The migration part of the report (reports/migration_report.c, the
 * writers' migration sections, report.c's --sweep and gate) on a store of
 * the test's own: three migrate sweeps (and a newer sweep of runs) over
 * QEMU 7.2.0, Debian's 7.2.22 and 10.2.2 on pc-q35-7.1 and pc-i440fx-7.1,
 * file and live, with the reasons QEMU really gave (virtio-net's
 * "Features ... unsupported", "Unknown savevm section or instance
 * 'slirp' 1", the control that failed). The binaries' ABI fingerprints
 * and guest views are chosen so that every kind of prediction is there:
 * equal fingerprints or guest views with a failing migration, differing
 * fingerprints and equal guest views with a passing one, a record made by
 * an older definition (abi_rev 1: not compared, never "differs"), a
 * guest view that failed (missing). Checked: the cells and which sweep
 * each is from, regressions and fixes against the newest earlier sweep
 * that had the migration, the grids, the disagreements first, the
 * vmstate hook, the JSON fields, the JUnit test cases and failure texts,
 * the Markdown and HTML, the logs, and the exit status. The same store
 * with migrations through libvirt added (fill_libvirt) checks their
 * section: QEMU's own verdict beside each, disagreements first, the
 * control, a regression that fails the report, every format and the log;
 * the grids stay as they were.
 */
#include <json-c/json.h>

#include "teststore.h"
#include "sha256.h"
#include "builders.h"
#include "report.h"

#define M0 "bbbbbbbb-0000-4000-8000-000000000001"
#define M1 "bbbbbbbb-0000-4000-8000-000000000002"
#define RUNS "bbbbbbbb-0000-4000-8000-000000000003"
#define M2 "bbbbbbbb-0000-4000-8000-000000000004"

#define Q35 "pc-q35-7.1"
#define I440 "pc-i440fx-7.1"

/* What QEMU said, copied from a real migrate sweep's store. */
static const char features[] =
	"loading the state on the destination: qemu-system-x86_64: Features "
	"0x10130af8024 unsupported. Allowed features: 0x179bf8064 / "
	"qemu-system-x86_64: Failed to load virtio-net:virtio / qemu-system-x86_64: "
	"error while loading state for instance 0x0 of device "
	"'0000:00:02.0/virtio-net' / qemu-system-x86_64: load of migration failed: "
	"Operation not permitted";
static const char features_1022[] =
	"loading the state on the destination: qemu-system-x86_64: warning: Machine "
	"type 'pc-q35-7.1' is deprecated: machines more than 3 years old are subject "
	"to deletion after 6 years / qemu-system-x86_64: Features "
	"0x00000000000000000000000130af8024 unsupported. Allowed features: "
	"0x00000000000000000000000179bf8064 / qemu-system-x86_64: load of migration "
	"failed: Operation not permitted: error while loading state for instance 0x0 "
	"of device '0000:00:02.0/virtio-net': Failed to load element of type virtio "
	"for virtio: -1";
static const char slirp[] =
	"loading the state on the destination: qemu-system-x86_64: Unknown savevm "
	"section or instance 'slirp' 1. Make sure that your current VM setup matches "
	"your saved VM setup, including any hotplugged devices / qemu-system-x86_64: "
	"load of migration failed: Invalid argument";
static const char no_reason[] = "QEMU ended after the switch: (no reason given)";
static const char no_word[] =
	"QEMU ended after the switch: QEMU exited with status 0 without a word";
static const char control_failed[] =
	"the control (QEMU 7.2.22-system to itself) failed: QEMU ended after the "
	"switch: QEMU exited with status 0 without a word";
static const char checks[] =
	"[{\"n\":1,\"kind\":\"memory\",\"pass\":true,\"detail\":\"8 MiB pattern in RAM "
	"against its md5\"},{\"n\":4,\"kind\":\"virtio-net\",\"pass\":true,\"detail\":"
	"\"echo to 10.0.2.2 on eth0, rx_packets 3 to 4\"}]";

static const char *sha_of(const char *install)
{
	if (!strcmp(install, "7.2.0"))
		return "s720";
	if (!strcmp(install, "7.2.22-system"))
		return "s722";
	return "s1022";
}

/* One row of the migrations table; side NULL: none. */
static void mig(struct store *st, int sweep, const char *machine, const char *mode,
		const char *src, const char *dst, const char *status, const char *side,
		const char *reason)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO migrations (sweep, machine, mode, src_qemu,"
				       " src_sha256, dst_qemu, dst_sha256, status, side, reason,"
				       " seconds, src_seconds, src_transport, dst_transport,"
				       " src_argv, dst_argv, checks, src_log, dst_log, started_at,"
				       " tool) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1.5, 14.25,"
				       " 'exec', 'exec', '[\"/opt/qemu/7.2.0/bin/qemu-system-x86_64\","
				       " \"-machine\", \"pc-q35-7.1\"]', NULL, ?, 'source console',"
				       " 'destination console', '2026-02-03T10:00:00Z', 'test')"),
			 0);
	sqlite3_bind_int(q, 1, sweep);
	store_bind_text(q, 2, machine);
	store_bind_text(q, 3, mode);
	store_bind_text(q, 4, src);
	store_bind_text(q, 5, sha_of(src));
	store_bind_text(q, 6, dst);
	store_bind_text(q, 7, sha_of(dst));
	store_bind_text(q, 8, status);
	store_bind_text(q, 9, side);
	store_bind_text(q, 10, reason);
	store_bind_text(q, 11, !strcmp(status, "pass") ? checks : NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

static void fill(struct store *st)
{
	/* 10.2.2's ABI texts follow an older definition (abi_rev 1). */
	tu_exec(st, "INSERT INTO binaries (id, sha256, version, status, probed_at,"
		 " guest_seconds, abi_rev, guest_rev) VALUES"
		 " (1, 's720', '7.2.0', 'complete', 'x', 5, 2, 2),"
		 " (2, 's722', '7.2.22', 'complete', 'x', 5, 2, 2),"
		 " (3, 's1022', '10.2.2', 'complete', 'x', 5, 1, 2)");
	tu_exec(st, "INSERT INTO abi_texts VALUES ('fA', 'a'), ('fB', 'b'), ('fC', 'c'),"
		 " ('fD', 'd'), ('fE', 'e')");
	/* pc-q35-7.1: 7.2.0 and 7.2.22 alike on QEMU's side, not in the guest. */
	tu_exec(st, "INSERT INTO machine_abi (binary, machine, status, fingerprint) VALUES"
		 " (1, 'pc-q35-7.1', 'ok', 'fA'), (2, 'pc-q35-7.1', 'ok', 'fA'),"
		 " (3, 'pc-q35-7.1', 'ok', 'fB'),"
		 " (1, 'pc-i440fx-7.1', 'ok', 'fC'), (2, 'pc-i440fx-7.1', 'ok', 'fD'),"
		 " (3, 'pc-i440fx-7.1', 'ok', 'fE')");
	/* pc-i440fx-7.1: the guest sees the same everywhere; 10.2.2's q35 view failed. */
	tu_exec(st, "INSERT INTO machine_guest (binary, machine, status, fingerprint) VALUES"
		 " (1, 'pc-q35-7.1', 'ok', 'g1'), (2, 'pc-q35-7.1', 'ok', 'g2'),"
		 " (3, 'pc-q35-7.1', 'failed', NULL),"
		 " (1, 'pc-i440fx-7.1', 'ok', 'h'), (2, 'pc-i440fx-7.1', 'ok', 'h'),"
		 " (3, 'pc-i440fx-7.1', 'ok', 'h')");
	/* The sweep of runs is the newest: it must not be the migration part's. */
	tu_exec(st, "INSERT INTO sweeps (id, uuid, kind, status, started_at) VALUES"
		 " (1, '" M0 "', 'migrate', 'finished', '2026-02-01T00:00:00Z'),"
		 " (2, '" M1 "', 'migrate', 'finished', '2026-02-02T00:00:00Z'),"
		 " (3, '" RUNS "', 'sweep', 'finished', '2026-02-04T00:00:00Z'),"
		 " (4, '" M2 "', 'migrate', 'finished', '2026-02-03T00:00:00Z')");

	mig(st, 1, I440, "file", "7.2.22-system", "7.2.0", "pass", NULL, NULL);

	mig(st, 2, Q35, "file", "7.2.0", "7.2.0", "pass", NULL, NULL);
	mig(st, 2, Q35, "file", "7.2.0", "7.2.22-system", "pass", NULL, NULL);
	mig(st, 2, Q35, "file", "7.2.22-system", "7.2.0", "fail", "destination", no_reason);
	mig(st, 2, Q35, "live", "7.2.0", "7.2.22-system", "fail", "destination", features);
	mig(st, 2, Q35, "live", "7.2.22-system", "7.2.0", "pass", NULL, NULL);

	/* Recorded twice (a resumed sweep): the later row counts. */
	mig(st, 4, Q35, "file", "7.2.0", "7.2.0", "error", NULL, no_word);
	mig(st, 4, Q35, "file", "7.2.0", "7.2.0", "pass", NULL, NULL);
	mig(st, 4, Q35, "file", "7.2.0", "7.2.22-system", "fail", "destination", features);
	mig(st, 4, Q35, "file", "7.2.22-system", "7.2.22-system", "pass", NULL, NULL);
	mig(st, 4, Q35, "file", "7.2.22-system", "7.2.0", "pass", NULL, NULL);
	mig(st, 4, Q35, "live", "7.2.0", "7.2.0", "pass", NULL, NULL);
	mig(st, 4, Q35, "live", "7.2.0", "10.2.2", "fail", "destination", features_1022);
	mig(st, 4, Q35, "live", "10.2.2", "10.2.2", "pass", NULL, NULL);
	mig(st, 4, Q35, "live", "10.2.2", "7.2.0", "fail", "destination", slirp);
	mig(st, 4, Q35, "live", "7.2.22-system", "7.2.22-system", "error", NULL, no_word);
	mig(st, 4, Q35, "live", "7.2.22-system", "7.2.0", "error", NULL, control_failed);
	mig(st, 4, I440, "file", "7.2.0", "7.2.0", "pass", NULL, NULL);
	mig(st, 4, I440, "file", "7.2.0", "7.2.22-system", "fail", "destination", features);
	mig(st, 4, I440, "file", "7.2.22-system", "7.2.22-system", "pass", NULL, NULL);
	mig(st, 4, I440, "file", "7.2.22-system", "7.2.0", "pass", NULL, NULL);
	mig(st, 4, I440, "file", "7.2.0", "10.2.2", "pass", NULL, NULL);
	mig(st, 4, I440, "file", "10.2.2", "7.2.0", "fail", "destination", slirp);
}

struct fixture {
	char *dir;
	struct store st;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	/* specs/vmstate-renames of this tree (the tests run at its top). */
	setenv("VIRT_MATRIX_SPECS", "specs", 1);
	tu_store_tmp("report-migration", &f->dir, &f->st);
	fill(&f->st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_store_tmp_release(f->dir, &f->st);
	free(f);
	return 0;
}

/* ---- the cells, per sweep ---- */

static void cell_line(struct strbuf *sb, const struct rep_mig_cell *c)
{
	const char *d = rep_mig_disagreement_name(c->disagreement);

	sb_printf(sb, "%s %s %s>%s %s%s%s %s%s prev=%s reg=%d fix=%d abi=%s guest=%s%s%s\n",
		  c->machine, mig_mode_to_string(c->mode), c->src, c->dst,
		  run_status_to_string(c->verdict), c->control ? " ctl" : "",
		  c->side != MIG_SIDE_NONE ? (c->side == MIG_SIDE_DEST ? " dst" : " src") : "",
		  c->current ? "cur" : "old:", c->current ? "" : c->from_sweep,
		  c->has_prev ? run_status_to_string(c->prev_verdict) : "-", c->regression,
		  c->fixed, rep_fp_cmp_name(c->abi), rep_fp_cmp_name(c->guest), d ? " " : "",
		  d ? d : "");
}

struct sweep_case {
	const char *name, *uuid;
	const char *cur, *prev; /* uuids */
	const char *want;
	size_t regressions, fixed, current;
};

static const struct sweep_case sweep_cases[] = {
	{ "the latest migrate sweep (a newer sweep of runs is not one)", NULL, M2, M1,
	  "pc-i440fx-7.1 file 7.2.0>7.2.0 pass ctl cur prev=- reg=0 fix=0 abi=equal guest=equal\n"
	  "pc-i440fx-7.1 file 7.2.0>7.2.22-system fail dst cur prev=- reg=0 fix=0 abi=differs "
	  "guest=equal equal-but-fails\n"
	  "pc-i440fx-7.1 file 7.2.0>10.2.2 pass cur prev=- reg=0 fix=0 abi=not-compared "
	  "guest=equal\n"
	  "pc-i440fx-7.1 file 7.2.22-system>7.2.0 pass cur prev=pass reg=0 fix=0 abi=differs "
	  "guest=equal differs-but-passes\n"
	  "pc-i440fx-7.1 file 7.2.22-system>7.2.22-system pass ctl cur prev=- reg=0 fix=0 "
	  "abi=equal guest=equal\n"
	  "pc-i440fx-7.1 file 10.2.2>7.2.0 fail dst cur prev=- reg=0 fix=0 abi=not-compared "
	  "guest=equal equal-but-fails\n"
	  "pc-q35-7.1 file 7.2.0>7.2.0 pass ctl cur prev=pass reg=0 fix=0 abi=equal guest=equal\n"
	  "pc-q35-7.1 file 7.2.0>7.2.22-system fail dst cur prev=pass reg=1 fix=0 abi=equal "
	  "guest=differs equal-but-fails\n"
	  "pc-q35-7.1 file 7.2.22-system>7.2.0 pass cur prev=fail reg=0 fix=1 abi=equal "
	  "guest=differs\n"
	  "pc-q35-7.1 file 7.2.22-system>7.2.22-system pass ctl cur prev=- reg=0 fix=0 "
	  "abi=equal guest=equal\n"
	  "pc-q35-7.1 live 7.2.0>7.2.0 pass ctl cur prev=- reg=0 fix=0 abi=equal guest=equal\n"
	  "pc-q35-7.1 live 7.2.0>7.2.22-system fail dst old:" M1 " prev=- reg=0 fix=0 "
	  "abi=equal guest=differs\n"
	  "pc-q35-7.1 live 7.2.0>10.2.2 fail dst cur prev=- reg=0 fix=0 abi=not-compared "
	  "guest=missing\n"
	  "pc-q35-7.1 live 7.2.22-system>7.2.0 error cur prev=pass reg=1 fix=0 abi=equal "
	  "guest=differs\n"
	  "pc-q35-7.1 live 7.2.22-system>7.2.22-system error ctl cur prev=- reg=0 fix=0 "
	  "abi=equal guest=equal\n"
	  "pc-q35-7.1 live 10.2.2>7.2.0 fail dst cur prev=- reg=0 fix=0 abi=not-compared "
	  "guest=missing\n"
	  "pc-q35-7.1 live 10.2.2>10.2.2 pass ctl cur prev=- reg=0 fix=0 abi=equal "
	  "guest=missing\n",
	  2, 1, 16 },
	{ "an older migrate sweep by uuid", M1, M1, M0,
	  "pc-i440fx-7.1 file 7.2.22-system>7.2.0 pass old:" M0 " prev=- reg=0 fix=0 "
	  "abi=differs guest=equal\n"
	  "pc-q35-7.1 file 7.2.0>7.2.0 pass ctl cur prev=- reg=0 fix=0 abi=equal guest=equal\n"
	  "pc-q35-7.1 file 7.2.0>7.2.22-system pass cur prev=- reg=0 fix=0 abi=equal "
	  "guest=differs\n"
	  "pc-q35-7.1 file 7.2.22-system>7.2.0 fail dst cur prev=- reg=0 fix=0 abi=equal "
	  "guest=differs equal-but-fails\n"
	  "pc-q35-7.1 live 7.2.0>7.2.22-system fail dst cur prev=- reg=0 fix=0 abi=equal "
	  "guest=differs equal-but-fails\n"
	  "pc-q35-7.1 live 7.2.22-system>7.2.0 pass cur prev=- reg=0 fix=0 abi=equal "
	  "guest=differs\n",
	  0, 0, 5 },
};

static void test_cells(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(sweep_cases); i++) {
		const struct sweep_case *k = &sweep_cases[i];
		struct strbuf got = STRBUF_INIT;
		struct rep_migration m;

		memset(&m, 0, sizeof(m));
		assert_int_equal(rep_migration_build(&f->st, k->uuid, &m), 0);
		for (size_t c = 0; c < m.ncells; c++)
			cell_line(&got, &m.cells[c]);
		if (strcmp(got.buf, k->want) || m.regressions != k->regressions ||
		    m.fixed != k->fixed || m.current_cells != k->current)
			fail_msg("case '%s': got\n%s(%zu regressions, %zu fixed, %zu current)\n"
				 "want\n%s", k->name, got.buf, m.regressions, m.fixed,
				 m.current_cells, k->want);
		assert_true(m.have_cur && m.have_prev);
		assert_string_equal(m.cur.uuid, k->cur);
		assert_string_equal(m.prev.uuid, k->prev);
		strbuf_release(&got);
		rep_migration_release(&m);
	}
}

/* The resumed sweep's later row is the cell's; the counts of each mode. */
static void test_counts(void **state)
{
	struct fixture *f = *state;
	const struct rep_mig_cell *c;
	struct rep_migration m;

	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_migration_build(&f->st, NULL, &m), 0);
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.0", "7.2.0");
	assert_non_null(c);
	assert_int_equal(c->verdict, RUN_PASS);
	assert_null(c->reason);
	c = rep_mig_find(&m, Q35, MIG_LIVE, "10.2.2", "7.2.0");
	assert_non_null(c);
	assert_string_equal(c->reason, slirp);
	assert_string_equal(c->src_sha, "s1022");
	assert_true(c->seconds == 1.5 && c->src_seconds == 14.25);
	/* file: 6 between installs, 3 pass, 3 fail; 4 controls, all passed */
	assert_int_equal(m.modes[MIG_FILE].cells, 6);
	assert_int_equal(m.modes[MIG_FILE].n[RUN_PASS], 3);
	assert_int_equal(m.modes[MIG_FILE].n[RUN_FAIL], 3);
	assert_int_equal(m.modes[MIG_FILE].controls, 4);
	assert_int_equal(m.modes[MIG_FILE].controls_failed, 0);
	/* live: the older 7.2.0 -> 7.2.22 does not count */
	assert_int_equal(m.modes[MIG_LIVE].cells, 3);
	assert_int_equal(m.modes[MIG_LIVE].n[RUN_FAIL], 2);
	assert_int_equal(m.modes[MIG_LIVE].n[RUN_ERROR], 1);
	assert_int_equal(m.modes[MIG_LIVE].controls, 3);
	assert_int_equal(m.modes[MIG_LIVE].controls_failed, 1);
	assert_int_equal(m.versions.nr, 3);
	assert_string_equal(m.versions.v[0], "7.2.0");
	assert_string_equal(m.versions.v[1], "7.2.22-system");
	assert_string_equal(m.versions.v[2], "10.2.2");
	assert_int_equal(m.machines.nr, 2);
	assert_string_equal(m.machines.v[0], I440);
	assert_string_equal(m.machines.v[1], Q35);
	rep_migration_release(&m);
}

/* ---- grids ---- */

static void test_grids(void **state)
{
	static const char want[] =
		"pc-i440fx-7.1 file [7.2.0 7.2.22-system 10.2.2]\n"
		"  7.2.0: pass* fail pass\n"
		"  7.2.22-system: pass pass* -\n"
		"  10.2.2: fail - -\n"
		"pc-q35-7.1 file [7.2.0 7.2.22-system]\n"
		"  7.2.0: pass* fail\n"
		"  7.2.22-system: pass pass*\n"
		"pc-q35-7.1 live [7.2.0 7.2.22-system 10.2.2]\n"
		"  7.2.0: pass* fail(old) fail\n"
		"  7.2.22-system: error error* -\n"
		"  10.2.2: fail - pass*\n";
	struct fixture *f = *state;
	struct strbuf got = STRBUF_INIT;
	struct rep_migration m;

	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_migration_build(&f->st, NULL, &m), 0);
	for (size_t i = 0; i < m.ngrids; i++) {
		const struct rep_mig_grid *g = &m.grids[i];
		size_t n = g->versions.nr;

		sb_printf(&got, "%s %s [", g->machine, mig_mode_to_string(g->mode));
		for (size_t k = 0; k < n; k++)
			sb_printf(&got, "%s%s", k ? " " : "", g->versions.v[k]);
		sb_puts(&got, "]\n");
		for (size_t s = 0; s < n; s++) {
			sb_printf(&got, "  %s:", g->versions.v[s]);
			for (size_t d = 0; d < n; d++) {
				long x = g->cell[s * n + d];
				const struct rep_mig_cell *c = x < 0 ? NULL : &m.cells[x];

				if (!c) {
					sb_puts(&got, " -");
					continue;
				}
				/* a cell is at its own source's row and destination's column */
				assert_string_equal(c->src, g->versions.v[s]);
				assert_string_equal(c->dst, g->versions.v[d]);
				sb_printf(&got, " %s%s%s", run_status_to_string(c->verdict),
					  c->control ? "*" : "", c->current ? "" : "(old)");
			}
			sb_putc(&got, '\n');
		}
	}
	if (strcmp(got.buf, want))
		fail_msg("grids: got\n%s\nwant\n%s", got.buf, want);
	strbuf_release(&got);
	rep_migration_release(&m);
}

/* ---- what the predictors say against the verdict ---- */

struct dis_case {
	const char *name;
	enum run_status verdict;
	int control;
	enum rep_fp_cmp abi, guest;
	int vm; /* -1: not checked, else an enum rep_vmstate_state */
	enum rep_mig_disagreement want;
};

static void test_disagreement_of(void **state)
{
	static const struct dis_case cases[] = {
		{ "ABI equal, fails", RUN_FAIL, 0, REP_FP_EQUAL, REP_FP_DIFFERS, -1,
		  REP_MIG_EQUAL_BUT_FAILS },
		{ "guest view equal, fails", RUN_FAIL, 0, REP_FP_DIFFERS, REP_FP_EQUAL, -1,
		  REP_MIG_EQUAL_BUT_FAILS },
		{ "both differ, fails", RUN_FAIL, 0, REP_FP_DIFFERS, REP_FP_DIFFERS, -1,
		  REP_MIG_AGREE },
		{ "ABI differs, guest equal, passes", RUN_PASS, 0, REP_FP_DIFFERS, REP_FP_EQUAL,
		  -1, REP_MIG_DIFFERS_BUT_PASSES },
		{ "both differ, passes", RUN_PASS, 0, REP_FP_DIFFERS, REP_FP_DIFFERS, -1,
		  REP_MIG_AGREE },
		{ "ABI not compared, guest equal, passes", RUN_PASS, 0, REP_FP_NOT_COMPARED,
		  REP_FP_EQUAL, -1, REP_MIG_AGREE },
		{ "ABI not compared, guest missing, fails", RUN_FAIL, 0, REP_FP_NOT_COMPARED,
		  REP_FP_MISSING, -1, REP_MIG_AGREE },
		{ "ABI differs, guest missing, passes", RUN_PASS, 0, REP_FP_DIFFERS,
		  REP_FP_MISSING, -1, REP_MIG_AGREE },
		{ "an error is no verdict", RUN_ERROR, 0, REP_FP_EQUAL, REP_FP_EQUAL, -1,
		  REP_MIG_AGREE },
		{ "a skip is no verdict", RUN_SKIP, 0, REP_FP_DIFFERS, REP_FP_EQUAL, -1,
		  REP_MIG_AGREE },
		{ "the control predicts nothing", RUN_FAIL, 1, REP_FP_EQUAL, REP_FP_EQUAL, -1,
		  REP_MIG_AGREE },
		{ "vmstate clean, fails", RUN_FAIL, 0, REP_FP_DIFFERS, REP_FP_DIFFERS,
		  REP_VMSTATE_CLEAN, REP_MIG_EQUAL_BUT_FAILS },
		{ "vmstate errors, passes", RUN_PASS, 0, REP_FP_DIFFERS, REP_FP_DIFFERS,
		  REP_VMSTATE_ERRORS, REP_MIG_DIFFERS_BUT_PASSES },
		{ "vmstate errors, fails", RUN_FAIL, 0, REP_FP_DIFFERS, REP_FP_DIFFERS,
		  REP_VMSTATE_ERRORS, REP_MIG_AGREE },
		{ "vmstate not compared, passes", RUN_PASS, 0, REP_FP_DIFFERS, REP_FP_DIFFERS,
		  REP_VMSTATE_NOT_COMPARED, REP_MIG_AGREE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dis_case *k = &cases[i];
		struct rep_vmstate_check v = { REP_VMSTATE_CLEAN, 0, NULL };
		struct rep_mig_cell c;
		enum rep_mig_disagreement got;

		memset(&c, 0, sizeof(c));
		c.verdict = k->verdict;
		c.control = k->control;
		c.abi = k->abi;
		c.guest = k->guest;
		if (k->vm >= 0) {
			v.state = (enum rep_vmstate_state)k->vm;
			c.vmstate = &v;
		}
		got = rep_mig_disagreement_of(&c);
		if (got != k->want)
			fail_msg("case '%s': got %d, want %d", k->name, (int)got, (int)k->want);
	}
}

/* Disagreements first: equal but failing, then differing but passing. */
static void test_prediction_order(void **state)
{
	static const char want[] =
		"pc-i440fx-7.1 file 7.2.0>7.2.22-system equal-but-fails\n"
		"pc-i440fx-7.1 file 10.2.2>7.2.0 equal-but-fails\n"
		"pc-q35-7.1 file 7.2.0>7.2.22-system equal-but-fails\n"
		"pc-i440fx-7.1 file 7.2.22-system>7.2.0 differs-but-passes\n"
		"pc-i440fx-7.1 file 7.2.0>10.2.2 -\n"
		"pc-q35-7.1 file 7.2.22-system>7.2.0 -\n"
		"pc-q35-7.1 live 7.2.0>10.2.2 -\n"
		"pc-q35-7.1 live 7.2.22-system>7.2.0 -\n"
		"pc-q35-7.1 live 10.2.2>7.2.0 -\n";
	struct fixture *f = *state;
	struct strbuf got = STRBUF_INIT;
	struct rep_migration m;
	struct rep_mig_cell *c;

	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_migration_build(&f->st, NULL, &m), 0);
	for (size_t i = 0; i < m.npredictions; i++) {
		const struct rep_mig_cell *x = &m.cells[m.predictions[i]];
		const char *d = rep_mig_disagreement_name(x->disagreement);

		sb_printf(&got, "%s %s %s>%s %s\n", x->machine, mig_mode_to_string(x->mode),
			  x->src, x->dst, d ? d : "-");
	}
	if (strcmp(got.buf, want))
		fail_msg("predictions: got\n%s\nwant\n%s", got.buf, want);
	assert_int_equal(m.equal_but_fails, 3);
	assert_int_equal(m.differs_but_passes, 1);

	/* The hook: a vmstate check that found errors where the migration passed. */
	c = (struct rep_mig_cell *)rep_mig_find(&m, Q35, MIG_FILE, "7.2.22-system", "7.2.0");
	assert_non_null(c);
	assert_int_equal(c->disagreement, REP_MIG_AGREE);
	/* Without dumps in the store, not compared: no predictor. */
	assert_int_equal(c->vmstate->state, REP_VMSTATE_NOT_COMPARED);
	free(c->vmstate->detail);
	free(c->vmstate);
	c->vmstate = xcalloc(1, sizeof(*c->vmstate));
	c->vmstate->state = REP_VMSTATE_ERRORS;
	c->vmstate->errors = 2;
	c->vmstate->detail = xstrdup("section 'virtio-net' version 11 > 10");
	rep_migration_classify(&m);
	assert_int_equal(c->disagreement, REP_MIG_DIFFERS_BUT_PASSES);
	assert_int_equal(m.differs_but_passes, 2);
	assert_int_equal(m.npredictions, 9);
	assert_ptr_equal(&m.cells[m.predictions[4]], c);
	strbuf_release(&got);
	rep_migration_release(&m); /* frees the vmstate too (valgrind) */
}

/*
 * The static check wired in: the binaries' real (cut) dumps in the store
 * (tests/data/vmstate/), each pair checked with specs/vmstate-renames.
 * 7.2.0's dump lacks tpm-crb, which 7.2.22's has: clean from 7.2.0,
 * an error back (as QEMU's own script finds on the whole dumps).
 */
static void add_dump(struct store *st, const char *bin_sha, const char *file)
{
	struct strbuf json = STRBUF_INIT, path = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];
	sqlite3_stmt *q = NULL;

	sb_printf(&path, "tests/data/vmstate/%s", file);
	assert_int_equal(strbuf_read_file(&json, path.buf, 1 << 20), 0);
	sha256_hex(json.buf, json.len, sha);
	assert_int_equal(store_prepare(st, &q, "INSERT INTO vmstates VALUES (?, ?)"), 0);
	store_bind_text(q, 1, sha);
	store_bind_text(q, 2, json.buf);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	assert_int_equal(store_prepare(st, &q, "UPDATE binaries SET vmstate_sha256 = ?"
					       " WHERE sha256 = ?"), 0);
	store_bind_text(q, 1, sha);
	store_bind_text(q, 2, bin_sha);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	strbuf_release(&json);
	strbuf_release(&path);
}

static void test_vmstate_from_real_dumps(void **state)
{
	struct fixture *f = *state;
	const struct rep_mig_cell *c;
	struct rep_migration m;

	add_dump(&f->st, "s720", "qemu-7.2.0.json");
	add_dump(&f->st, "s722", "qemu-7.2.22.json");
	/* The devices pc-q35-7.1 has, as its ABI text shows them: a TPM too. */
	tu_exec(&f->st, "UPDATE abi_texts SET text ="
		 " 'qtree /main-system-bus/q35-pcihost[0]/pcie.0/#nic0 : bar 0: mem [0x1fffe]' ||"
		 " char(10) || 'qtree /main-system-bus/q35-pcihost[0]/pcie.0/ICH9-SMB[0] addr = 1f.3'"
		 " || char(10) || 'qtree /main-system-bus/tpm-crb[0] ppi = true' WHERE sha256 = 'fA'");
	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_migration_build(&f->st, NULL, &m), 0);
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.0", "7.2.22-system");
	assert_non_null(c->vmstate);
	assert_int_equal(c->vmstate->state, REP_VMSTATE_CLEAN);
	assert_null(c->vmstate->detail);
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.22-system", "7.2.0");
	assert_int_equal(c->vmstate->state, REP_VMSTATE_ERRORS);
	assert_true(c->vmstate->errors >= 1);
	assert_string_equal(c->vmstate->detail, "Section \"tpm-crb\" does not exist in dest");
	/* A pass with errors predicted: a disagreement of that kind. */
	assert_int_equal(c->verdict, RUN_PASS);
	assert_int_equal(c->disagreement, REP_MIG_DIFFERS_BUT_PASSES);
	/* 7.2.0 to 7.2.22 is clean on paper and fails: equal but fails. */
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.0", "7.2.22-system");
	assert_int_equal(c->verdict, RUN_FAIL);
	assert_int_equal(c->disagreement, REP_MIG_EQUAL_BUT_FAILS);
	/* 10.2.2 has no dump here: not compared, and why. */
	c = rep_mig_find(&m, I440, MIG_FILE, "10.2.2", "7.2.0");
	assert_int_equal(c->vmstate->state, REP_VMSTATE_NOT_COMPARED);
	assert_string_equal(c->vmstate->detail, "probe recorded no -dump-vmstate of QEMU 10.2.2");
	/* Controls are not predicted. */
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.0", "7.2.0");
	assert_null(c->vmstate);
	/* i440fx's ABI text names no device: not compared, and why. */
	c = rep_mig_find(&m, I440, MIG_FILE, "7.2.22-system", "7.2.0");
	assert_int_equal(c->vmstate->state, REP_VMSTATE_NOT_COMPARED);
	assert_string_equal(c->vmstate->detail, "no ABI record of pc-i440fx-7.1 on QEMU "
						"7.2.22-system says which devices it has");
	rep_migration_release(&m);

	/* Without the TPM in the guest, nothing of it is sent: clean. */
	tu_exec(&f->st, "UPDATE abi_texts SET text ="
		 " 'qtree /main-system-bus/q35-pcihost[0]/pcie.0/#nic0 : bar 0: mem [0x1fffe]'"
		 " WHERE sha256 = 'fA'");
	memset(&m, 0, sizeof(m));
	assert_int_equal(rep_migration_build(&f->st, NULL, &m), 0);
	c = rep_mig_find(&m, Q35, MIG_FILE, "7.2.22-system", "7.2.0");
	assert_int_equal(c->vmstate->state, REP_VMSTATE_CLEAN);
	rep_migration_release(&m);
}

static void test_vmstate_text(void **state)
{
	static const struct {
		struct rep_vmstate_check v;
		const char *want;
	} cases[] = {
		{ { REP_VMSTATE_CLEAN, 0, NULL }, "vmstate: clean" },
		{ { REP_VMSTATE_ERRORS, 1, NULL }, "vmstate: 1 error" },
		{ { REP_VMSTATE_ERRORS, 3, (char *)"no section 'slirp'" },
		  "vmstate: 3 errors: no section 'slirp'" },
		{ { REP_VMSTATE_NOT_COMPARED, 0, (char *)"no -dump-vmstate before 5.0" },
		  "vmstate: not compared: no -dump-vmstate before 5.0" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf t = STRBUF_INIT;

		rep_vmstate_text(&t, &cases[i].v);
		assert_string_equal(t.buf ? t.buf : "", cases[i].want);
		strbuf_release(&t);
	}
	{
		struct strbuf t = STRBUF_INIT;

		rep_vmstate_text(&t, NULL);
		assert_int_equal(t.len, 0);
		strbuf_release(&t);
	}
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

/* The four files of a report written into dir/out. */
struct outputs {
	char *html, *md, *xml, *js;
};

/* r written in every format into f->dir/out, and read back. */
static void write_outputs(struct fixture *f, struct rep_report *r, struct outputs *o)
{
	struct strbuf out = STRBUF_INIT;

	sb_printf(&out, "%s/out", f->dir);
	assert_int_equal(rep_report_write(&f->st, r, REP_FMT_ALL, out.buf), 0);
	o->html = read_out(f->dir, "report.html");
	o->md = read_out(f->dir, "report.md");
	o->xml = read_out(f->dir, "report.junit.xml");
	o->js = read_out(f->dir, "report.json");
	strbuf_release(&out);
}

/* The migration part of f's store into r, written and read back into o. */
static void build_outputs(struct fixture *f, struct rep_report *r, struct outputs *o)
{
	struct rep_options opt = { REP_MIGRATION, NULL, NULL, NULL, 0 };

	assert_int_equal(rep_report_build(&f->st, &opt, r), 0);
	write_outputs(f, r, o);
}

static void outputs_free(struct outputs *o)
{
	free(o->html);
	free(o->md);
	free(o->xml);
	free(o->js);
	memset(o, 0, sizeof(*o));
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no '%s' in %s", key, json_object_to_json_string(o));
	return v;
}

static const char *gets(json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

static void check_json(const char *js)
{
	json_object *j = json_tokener_parse(js), *m, *cells, *c, *g, *p, *modes;
	size_t slirp_cell = 0, found = 0;

	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(j, "parts"), 0)),
			    "migration");
	assert_int_equal(json_object_get_int(get(get(j, "summary"), "migration_regressions")), 2);
	assert_int_equal(json_object_get_int(get(get(j, "summary"), "migration_fixed")), 1);
	assert_int_equal(json_object_get_int(get(get(j, "summary"), "migration_disagreements")), 4);
	assert_true(json_object_is_type(get(j, "matrix"), json_type_null));
	m = get(j, "migration");
	assert_string_equal(gets(get(m, "sweep"), "uuid"), M2);
	assert_string_equal(gets(get(m, "sweep"), "kind"), "migrate");
	assert_string_equal(gets(get(m, "previous"), "uuid"), M1);
	assert_int_equal(json_object_get_int(get(m, "regressions")), 2);
	assert_int_equal(json_object_get_int(get(m, "equal_but_fails")), 3);
	assert_int_equal(json_object_get_int(get(m, "differs_but_passes")), 1);
	cells = get(m, "cells");
	assert_int_equal(json_object_array_length(cells), 17);
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		c = json_object_array_get_idx(cells, i);
		if (!strcmp(gets(c, "machine"), I440) && !strcmp(gets(c, "source"), "10.2.2")) {
			slirp_cell = i;
			found++;
		}
	}
	assert_int_equal(found, 1);
	c = json_object_array_get_idx(cells, slirp_cell);
	assert_string_equal(gets(c, "family"), "pc-i440fx");
	assert_string_equal(gets(c, "mode"), "file");
	assert_string_equal(gets(c, "destination"), "7.2.0");
	assert_string_equal(gets(c, "source_sha256"), "s1022");
	assert_string_equal(gets(c, "status"), "fail");
	assert_string_equal(gets(c, "side"), "destination");
	assert_string_equal(gets(c, "reason"), slirp);
	assert_string_equal(gets(c, "qemu_abi"), "not-compared");
	assert_string_equal(gets(c, "guest_view"), "equal");
	assert_string_equal(gets(c, "disagreement"), "equal-but-fails");
	/* No dump of either binary in this store: not compared, and why. */
	assert_string_equal(gets(get(c, "vmstate"), "state"), "not-compared");
	assert_string_equal(gets(get(c, "vmstate"), "detail"),
			    "probe recorded no -dump-vmstate of QEMU 10.2.2");
	assert_false(json_object_get_boolean(get(c, "control")));
	assert_true(json_object_get_boolean(get(c, "current")));
	assert_true(json_object_is_type(get(c, "previous"), json_type_null));
	assert_string_equal(gets(c, "log"), "logs/migration-23.txt");
	/* the first prediction is the first disagreement: i440fx 7.2.0 -> 7.2.22 */
	p = get(m, "predictions");
	assert_int_equal(json_object_array_length(p), 9);
	c = json_object_array_get_idx(cells, json_object_get_int(json_object_array_get_idx(p, 0)));
	assert_string_equal(gets(c, "destination"), "7.2.22-system");
	assert_string_equal(gets(c, "disagreement"), "equal-but-fails");
	/* a regression, with the previous sweep's verdict */
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		c = json_object_array_get_idx(cells, i);
		if (!strcmp(gets(c, "machine"), Q35) && !strcmp(gets(c, "mode"), "live") &&
		    !strcmp(gets(c, "source"), "7.2.22-system") &&
		    !strcmp(gets(c, "destination"), "7.2.0"))
			break;
	}
	assert_true(json_object_get_boolean(get(c, "regression")));
	assert_string_equal(gets(get(c, "previous"), "status"), "pass");
	assert_string_equal(gets(get(c, "previous"), "sweep"), M1);
	assert_true(json_object_is_type(get(c, "side"), json_type_null));
	/* the live grid of pc-q35-7.1 */
	g = json_object_array_get_idx(get(m, "grids"), 2);
	assert_string_equal(gets(g, "machine"), Q35);
	assert_string_equal(gets(g, "mode"), "live");
	assert_int_equal(json_object_array_length(get(g, "versions")), 3);
	assert_true(json_object_is_type(json_object_array_get_idx(
		json_object_array_get_idx(get(g, "cells"), 1), 2), json_type_null));
	c = json_object_array_get_idx(cells, json_object_get_int(json_object_array_get_idx(
		json_object_array_get_idx(get(g, "cells"), 2), 0)));
	assert_string_equal(gets(c, "source"), "10.2.2");
	assert_string_equal(gets(c, "reason"), slirp);
	modes = get(m, "modes");
	assert_string_equal(gets(json_object_array_get_idx(modes, 1), "mode"), "live");
	assert_int_equal(json_object_get_int(get(json_object_array_get_idx(modes, 1), "error")), 1);
	assert_int_equal(json_object_get_int(get(json_object_array_get_idx(modes, 1),
						 "controls_failed")), 1);
	json_object_put(j);
}

static void check_junit(const char *xml)
{
	const char *suite = strstr(xml, "<testsuite name=\"migration\"");

	assert_non_null(suite);
	assert_contains(suite, "<testsuite name=\"migration\" tests=\"16\" failures=\"5\" "
			       "errors=\"2\" skipped=\"0\"", "junit counts");
	assert_contains(suite, "id=\"" M2 "\"", "junit sweep");
	/* one test case per current (source, destination, machine type, mode) */
	assert_int_equal(count_of(suite, "<testcase "), 16);
	assert_int_equal(count_of(suite, "<failure "), 5);
	assert_int_equal(count_of(suite, "<error "), 2);
	assert_contains(suite, "<testcase classname=\"migration.pc-i440fx-7.1.file\" "
			       "name=\"QEMU 10.2.2 -&gt; 7.2.0\" time=\"1.500\">\n"
			       "      <failure type=\"fail\" message=\"[destination] loading the "
			       "state on the destination: qemu-system-x86_64: Unknown savevm "
			       "section or instance &apos;slirp&apos; 1.", "junit failure");
	assert_contains(suite, "<failure type=\"regression\" message=\"regression (passed in "
			       "the previous migrate sweep): [destination] loading the state",
			"junit regression");
	assert_contains(suite, "<error type=\"regression\" message=\"regression (passed in the "
			       "previous migrate sweep): the control (QEMU 7.2.22-system to "
			       "itself) failed", "junit error");
	assert_contains(suite, "name=\"QEMU 7.2.0 -&gt; 7.2.0 (control)\"", "junit control");
	assert_contains(suite, "QEMU ABI fingerprints: not-compared; guest view: equal; "
			       "vmstate: not compared: probe recorded no -dump-vmstate of QEMU "
			       "10.2.2\ndisagreement: equal-but-fails</system-out>",
			"junit prediction");
	/* the older result is not a test case of this sweep */
	assert_int_equal(count_of(suite, "name=\"QEMU 7.2.0 -&gt; 7.2.22-system\""), 2);
}

static void check_md(const char *md)
{
	assert_contains(md, "- **2 new migration regression(s)**", "md summary");
	assert_contains(md, "## 5. Migrations between QEMU versions", "md section");
	assert_contains(md, "| live | 3 | 0 | 2 | 1 | 0 | 0 | 3 | 1 |", "md mode counts");
	assert_contains(md, "#### pc-q35-7.1, live\n\n| source \\\\ destination | 7.2.0 | "
			    "7.2.22-system | 10.2.2 |", "md grid head");
	assert_contains(md, "| 7.2.0 | [pass (control)](logs/migration-12.txt) | "
			    "[fail (destination) (older: bbbbbbbb)](logs/migration-5.txt) | "
			    "[fail (destination)](logs/migration-13.txt) |", "md grid row");
	assert_contains(md, "| pc-i440fx-7.1 | file | 10.2.2 | 7.2.0 | not-compared | equal | "
			    "[fail (destination)](logs/migration-23.txt) | **equal-but-fails** |",
			"md prediction");
	/* disagreements before the others */
	assert_true(strstr(md, "| pc-q35-7.1 | file | 7.2.0 | 7.2.22-system | equal | differs") <
		    strstr(md, "| pc-i440fx-7.1 | file | 7.2.0 | 10.2.2 | not-compared | equal"));
	assert_contains(md, "Unknown savevm section or instance 'slirp' 1.", "md reason");
	assert_contains(md, "[error REGRESSION](logs/migration-17.txt) | — | the control (QEMU "
			    "7.2.22-system to itself) failed", "md regression");
}

static void check_html(const char *html)
{
	assert_contains(html, "<a href=\"#migration\">Migrations</a>", "html nav");
	assert_contains(html, "2 new migration regression(s).", "html gate");
	assert_contains(html, "<select class=\"xfilter\" id=\"mig-f-machine\" data-key=\"machine\">"
			      "<option value=\"\">all</option><option>pc-i440fx-7.1</option>"
			      "<option>pc-q35-7.1</option></select>", "html machine filter");
	assert_contains(html, "<option>7.2.0</option><option>7.2.22-system</option>"
			      "<option>10.2.2</option>", "html version filter");
	/* a grid cell: its verdict's colour, the filters' attributes, the reason on hover */
	assert_contains(html, "<td class=\"fail\" data-f-machine=\"pc-i440fx-7.1\" "
			      "data-f-version=\"10.2.2 7.2.0\" title=\"pc-i440fx-7.1, file: QEMU "
			      "10.2.2 -&gt; 7.2.0: fail (destination): loading the state",
			"html grid cell");
	/* ... and unfolded on a click, with the log */
	assert_contains(html, "<details><summary>fail (destination)</summary><div class=\"why\">"
			      "loading the state on the destination: qemu-system-x86_64: Unknown "
			      "savevm section or instance &#39;slirp&#39; 1.", "html unfold");
	assert_contains(html, "<a href=\"logs/migration-23.txt\">log</a>", "html log");
	assert_contains(html, "<td class=\"pass ctl\" data-f-machine=\"pc-q35-7.1\" "
			      "data-f-version=\"7.2.0 7.2.0\"", "html control");
	assert_contains(html, "<td class=\"fail old\" data-f-machine=\"pc-q35-7.1\"", "html old");
	assert_contains(html, "<td class=\"hl unacked\">equal-but-fails</td>", "html disagreement");
	assert_true(strstr(html, "id=\"mig-predictions\"") < strstr(html, "id=\"mig-grids\""));
}

static void test_writers(void **state)
{
	struct fixture *f = *state;
	struct outputs out;
	struct rep_report r;
	struct rep_mig_cell *c;
	char *log;

	build_outputs(f, &r, &out);
	assert_int_equal(rep_report_gate(&r), 1);
	log = read_out(f->dir, "logs/migration-23.txt");
	check_json(out.js);
	check_junit(out.xml);
	check_md(out.md);
	check_html(out.html);
	assert_contains(log, "virt-matrix migration 23\nmachine type: pc-i440fx-7.1\nmode: file\n"
			     "source: QEMU 10.2.2\ndestination: QEMU 7.2.0\nsweep: " M2 "\n"
			     "status: fail\nfailed on: the destination\nreason: loading the state",
			"log head");
	assert_contains(log, "==== source argv ====\n/opt/qemu/7.2.0/bin/qemu-system-x86_64\n"
			     "    -machine\n", "log argv");
	assert_contains(log, "==== destination: QEMU's messages, then the console ====\n"
			     "destination console\n", "log destination");
	assert_contains(out.md, "vmstate: not compared: probe recorded no -dump-vmstate of QEMU ",
			"md vmstate not compared");
	outputs_free(&out);

	/* The hook, once set, is printed by every writer. */
	c = (struct rep_mig_cell *)rep_mig_find(&r.migration, I440, MIG_FILE, "10.2.2", "7.2.0");
	assert_int_equal(c->vmstate->state, REP_VMSTATE_NOT_COMPARED);
	free(c->vmstate->detail);
	free(c->vmstate);
	c->vmstate = xcalloc(1, sizeof(*c->vmstate));
	c->vmstate->state = REP_VMSTATE_ERRORS;
	c->vmstate->errors = 2;
	c->vmstate->detail = xstrdup("no section 'slirp' on the destination");
	rep_migration_classify(&r.migration);
	write_outputs(f, &r, &out);
	assert_contains(out.md, "| **equal-but-fails** | vmstate: 2 errors: no section 'slirp' on the "
			    "destination |", "md vmstate");
	assert_contains(out.md, "| vmstate: not compared: probe recorded no -dump-vmstate of QEMU ",
			"md vmstate of the others");
	assert_contains(out.html, "<td>vmstate: 2 errors: no section &#39;slirp&#39; on the "
			      "destination</td>", "html vmstate");
	assert_contains(out.xml, "guest view: equal; vmstate: 2 errors: no section &apos;slirp&apos; "
			     "on the destination\n", "junit vmstate");
	{
		json_object *j = json_tokener_parse(out.js), *cells, *v = NULL;

		assert_non_null(j);
		cells = get(get(j, "migration"), "cells");
		for (size_t i = 0; i < json_object_array_length(cells); i++) {
			json_object *x = json_object_array_get_idx(cells, i);

			json_object *vs = get(x, "vmstate");

			if (!json_object_is_type(vs, json_type_null) &&
			    !strcmp(gets(vs, "state"), "errors"))
				v = vs;
		}
		assert_non_null(v);
		assert_string_equal(gets(v, "state"), "errors");
		assert_int_equal(json_object_get_int(get(v, "errors")), 2);
		assert_string_equal(gets(v, "detail"), "no section 'slirp' on the destination");
		json_object_put(j);
	}
	outputs_free(&out);
	free(log);
	rep_report_release(&r);
}

/* ---- through libvirt ---- */

/* What libvirt said (its own words, then QEMU's on the destination). */
static const char lv_vmcoreinfo[] =
	"libvirt: operation failed: job 'migration in' failed: load of migration "
	"failed: Invalid argument; QEMU on the destination: qemu-system-x86_64: "
	"Unknown savevm section or instance 'vmcoreinfo' 0. Make sure that your "
	"current VM setup matches your saved VM setup, including any hotplugged "
	"devices";
static const char lv_features[] =
	"libvirt: operation failed: job 'migration in' failed: load of migration "
	"failed: Operation not permitted; QEMU on the destination: qemu-system-x86_64: "
	"Features 0x10130af8024 unsupported. Allowed features: 0x179bf8064";
static const char lv_daemon[] =
	"libvirt: the destination daemon (libvirt 11.3.0) did not answer on its socket";

/* One migration through libvirt, recorded as migrate/ records it. */
static void mig_lv(struct store *st, int sweep, const char *machine, const char *src_lv,
		   const char *src, const char *dst_lv, const char *dst, enum run_status status,
		   enum mig_side side, const char *reason)
{
	struct mig_row row;

	memset(&row, 0, sizeof(row));
	row.machine = machine;
	row.mode = MIG_LIBVIRT;
	row.src_libvirt = src_lv;
	row.dst_libvirt = dst_lv;
	row.src_qemu = src;
	row.src_sha256 = sha_of(src);
	row.dst_qemu = dst;
	row.dst_sha256 = sha_of(dst);
	row.status = status;
	row.side = side;
	row.reason = reason;
	row.seconds = 4.5;
	row.src_argv = "[\"/opt/qemu/7.2.0/bin/qemu-system-x86_64\", \"-name\", "
		       "\"guest=vm-matrix,debug-threads=on\"]";
	row.checks = status == RUN_PASS ? checks : NULL;
	row.src_log = "source domain log";
	row.dst_log = "destination domain log";
	row.sweep = sweep;
	assert_int_equal(migrations_insert(st, &row), 0);
}

/*
 * After fill()'s 23 rows (ids 24..31): two in the middle migrate sweep,
 * six in the latest, over libvirt 9.0.0 and 11.3.0.
 */
static void fill_libvirt(struct store *st)
{
	mig_lv(st, 2, Q35, "9.0.0", "7.2.0", "9.0.0", "7.2.22-system", RUN_PASS, MIG_SIDE_NONE,
	       NULL);
	mig_lv(st, 2, Q35, "9.0.0", "7.2.22-system", "11.3.0", "7.2.0", RUN_PASS,
	       MIG_SIDE_NONE, NULL);

	/* 26: fails where QEMU alone (file) passes in this sweep */
	mig_lv(st, 4, Q35, "9.0.0", "7.2.22-system", "9.0.0", "7.2.0", RUN_FAIL, MIG_SIDE_DEST,
	       lv_vmcoreinfo);
	/* 27: passed in the sweep before: a regression */
	mig_lv(st, 4, Q35, "9.0.0", "7.2.0", "9.0.0", "7.2.22-system", RUN_FAIL, MIG_SIDE_DEST,
	       lv_features);
	/* 28: the control */
	mig_lv(st, 4, Q35, "9.0.0", "7.2.0", "9.0.0", "7.2.0", RUN_PASS, MIG_SIDE_NONE, NULL);
	/* 29: passes where QEMU alone failed (slirp) */
	mig_lv(st, 4, I440, "11.3.0", "10.2.2", "9.0.0", "7.2.0", RUN_PASS, MIG_SIDE_NONE,
	       NULL);
	/* 30: QEMU alone never tried 7.2.22 -> 10.2.2 */
	mig_lv(st, 4, I440, "9.0.0", "7.2.22-system", "11.3.0", "10.2.2", RUN_ERROR,
	       MIG_SIDE_NONE, lv_daemon);
	/* 31: only live was tried alone */
	mig_lv(st, 4, Q35, "9.0.0", "7.2.0", "11.3.0", "10.2.2", RUN_FAIL, MIG_SIDE_DEST,
	       lv_features);
}

static int setup_libvirt(void **state)
{
	setup(state);
	fill_libvirt(&((struct fixture *)*state)->st);
	return 0;
}

static void lv_line(struct strbuf *sb, const struct rep_mig_cell *c, const struct rep_mig_lv *x)
{
	const char *d = rep_lv_disagreement_name(x->disagreement);

	sb_printf(sb, "%s %s/%s>%s/%s %s%s%s %s%s prev=%s reg=%d direct=", c->machine,
		  c->src_libvirt, c->src, c->dst_libvirt, c->dst, run_status_to_string(c->verdict),
		  c->control ? " ctl" : "", c->side == MIG_SIDE_DEST ? " dst" : "",
		  c->current ? "cur" : "old:", c->current ? "" : c->from_sweep,
		  c->has_prev ? run_status_to_string(c->prev_verdict) : "-", c->regression);
	if (x->direct)
		sb_printf(sb, "%s:%s", mig_mode_to_string(x->direct->mode),
			  run_status_to_string(x->direct->verdict));
	else
		sb_puts(sb, "not-run");
	sb_printf(sb, "%s%s\n", d ? " " : "", d ? d : "");
}

struct lv_case {
	const char *name, *uuid;
	const char *want; /* in the order shown */
	size_t regressions, current, fails_direct_passes, passes_direct_fails;
};

static const struct lv_case lv_cases[] = {
	{ "the latest: disagreements, failures, the rest, the older", NULL,
	  "pc-q35-7.1 9.0.0/7.2.22-system>9.0.0/7.2.0 fail dst cur prev=- reg=0 "
	  "direct=file:pass libvirt-fails-direct-passes\n"
	  "pc-i440fx-7.1 11.3.0/10.2.2>9.0.0/7.2.0 pass cur prev=- reg=0 direct=file:fail "
	  "libvirt-passes-direct-fails\n"
	  "pc-i440fx-7.1 9.0.0/7.2.22-system>11.3.0/10.2.2 error cur prev=- reg=0 "
	  "direct=not-run\n"
	  "pc-q35-7.1 9.0.0/7.2.0>9.0.0/7.2.22-system fail dst cur prev=pass reg=1 "
	  "direct=file:fail\n"
	  "pc-q35-7.1 9.0.0/7.2.0>11.3.0/10.2.2 fail dst cur prev=- reg=0 direct=live:fail\n"
	  "pc-q35-7.1 9.0.0/7.2.0>9.0.0/7.2.0 pass ctl cur prev=- reg=0 direct=file:pass\n"
	  "pc-q35-7.1 9.0.0/7.2.22-system>11.3.0/7.2.0 pass old:" M1 " prev=- reg=0 "
	  "direct=file:pass\n",
	  1, 6, 1, 1 },
	{ "an older migrate sweep: QEMU alone as it was then", M1,
	  "pc-q35-7.1 9.0.0/7.2.22-system>11.3.0/7.2.0 pass cur prev=- reg=0 direct=file:fail "
	  "libvirt-passes-direct-fails\n"
	  "pc-q35-7.1 9.0.0/7.2.0>9.0.0/7.2.22-system pass cur prev=- reg=0 direct=file:pass\n",
	  0, 2, 0, 1 },
};

static void test_libvirt_section(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(lv_cases); i++) {
		const struct lv_case *k = &lv_cases[i];
		struct rep_options o = { REP_MIGRATION, k->uuid, NULL, NULL, 0 };
		const struct rep_mig_libvirt *lv;
		struct strbuf got = STRBUF_INIT;
		struct rep_report r;

		assert_int_equal(rep_report_build(&f->st, &o, &r), 0);
		lv = &r.mig_libvirt;
		for (size_t c = 0; c < lv->ncells; c++)
			lv_line(&got, &lv->cells[lv->order[c]], &lv->lv[lv->order[c]]);
		if (strcmp(got.buf ? got.buf : "", k->want) || lv->regressions != k->regressions ||
		    lv->current_cells != k->current ||
		    lv->fails_direct_passes != k->fails_direct_passes ||
		    lv->passes_direct_fails != k->passes_direct_fails)
			fail_msg("case '%s': got\n%s(%zu regressions, %zu current, %zu + %zu "
				 "disagreements)\nwant\n%s", k->name, got.buf, lv->regressions,
				 lv->current_cells, lv->fails_direct_passes,
				 lv->passes_direct_fails, k->want);
		/* The gate counts them with QEMU alone's. */
		assert_int_equal(rep_migration_regressions(&r),
				 r.migration.regressions + k->regressions);
		strbuf_release(&got);
		rep_report_release(&r);
	}
}

/* Rows through libvirt are not cells of the grids, and counted apart. */
static void test_libvirt_not_in_grids(void **state)
{
	struct fixture *f = *state;
	struct rep_options o = { REP_MIGRATION, NULL, NULL, NULL, 0 };
	struct strbuf got = STRBUF_INIT;
	const struct rep_mig_counts *k;
	struct rep_report r;

	assert_int_equal(rep_report_build(&f->st, &o, &r), 0);
	for (size_t c = 0; c < r.migration.ncells; c++)
		cell_line(&got, &r.migration.cells[c]);
	assert_string_equal(got.buf, sweep_cases[0].want);
	assert_int_equal(r.migration.ngrids, 3);
	assert_int_equal(r.migration.regressions, 2);
	for (size_t g = 0; g < r.migration.ngrids; g++)
		assert_int_not_equal(r.migration.grids[g].mode, MIG_LIBVIRT);
	assert_int_equal(r.migration.modes[MIG_LIBVIRT].cells, 0);
	/* 26, 27, 29, 30, 31 between two installs; 28 the control */
	k = rep_mig_counts_of(&r, MIG_LIBVIRT);
	assert_int_equal(k->cells, 5);
	assert_int_equal(k->n[RUN_PASS], 1);
	assert_int_equal(k->n[RUN_FAIL], 3);
	assert_int_equal(k->n[RUN_ERROR], 1);
	assert_int_equal(k->controls, 1);
	assert_int_equal(k->controls_failed, 0);
	assert_ptr_equal(rep_mig_counts_of(&r, MIG_LIVE), &r.migration.modes[MIG_LIVE]);
	assert_int_equal(r.mig_libvirt.libvirts.nr, 2);
	assert_string_equal(r.mig_libvirt.libvirts.v[0], "9.0.0");
	assert_string_equal(r.mig_libvirt.libvirts.v[1], "11.3.0");
	strbuf_release(&got);
	rep_report_release(&r);
}

static void check_libvirt_json(const char *js)
{
	json_object *j = json_tokener_parse(js), *m, *a, *e, *d, *mode;

	assert_non_null(j);
	assert_int_equal(json_object_get_int(get(get(j, "summary"), "migration_regressions")), 3);
	assert_int_equal(json_object_get_int(get(get(j, "summary"),
						 "migration_libvirt_disagreements")), 2);
	m = get(j, "migration");
	assert_int_equal(json_object_get_int(get(m, "regressions")), 2);
	assert_int_equal(json_object_get_int(get(m, "libvirt_regressions")), 1);
	assert_int_equal(json_object_get_int(get(m, "libvirt_fails_direct_passes")), 1);
	assert_int_equal(json_object_get_int(get(m, "libvirt_passes_direct_fails")), 1);
	/* the QEMU-alone cells are as they were: no libvirt row among them */
	assert_int_equal(json_object_array_length(get(m, "cells")), 17);
	mode = json_object_array_get_idx(get(m, "modes"), 2);
	assert_string_equal(gets(mode, "mode"), "libvirt");
	assert_int_equal(json_object_get_int(get(mode, "migrations")), 5);
	assert_int_equal(json_object_get_int(get(mode, "fail")), 3);
	assert_int_equal(json_object_get_int(get(mode, "controls")), 1);
	a = get(m, "libvirt");
	assert_int_equal(json_object_array_length(a), 7);
	/* first: the disagreement, with both verdicts */
	e = json_object_array_get_idx(a, 0);
	assert_int_equal(json_object_get_int(get(e, "id")), 26);
	assert_string_equal(gets(e, "machine"), Q35);
	assert_string_equal(gets(e, "src_libvirt"), "9.0.0");
	assert_string_equal(gets(e, "src_qemu"), "7.2.22-system");
	assert_string_equal(gets(e, "dst_libvirt"), "9.0.0");
	assert_string_equal(gets(e, "dst_qemu"), "7.2.0");
	assert_string_equal(gets(e, "status"), "fail");
	assert_string_equal(gets(e, "side"), "destination");
	assert_string_equal(gets(e, "reason"), lv_vmcoreinfo);
	assert_true(json_object_get_double(get(e, "seconds")) == 4.5);
	assert_false(json_object_get_boolean(get(e, "regression")));
	assert_false(json_object_get_boolean(get(e, "control")));
	assert_string_equal(gets(e, "disagreement"), "libvirt-fails-direct-passes");
	assert_string_equal(gets(e, "log"), "logs/migration-26.txt");
	d = get(e, "direct");
	assert_string_equal(gets(d, "mode"), "file");
	assert_string_equal(gets(d, "status"), "pass");
	assert_true(json_object_is_type(get(d, "reason"), json_type_null));
	assert_int_equal(json_object_get_int(get(d, "id")), 11);
	/* then the other way round */
	e = json_object_array_get_idx(a, 1);
	assert_string_equal(gets(e, "disagreement"), "libvirt-passes-direct-fails");
	assert_string_equal(gets(get(e, "direct"), "reason"), slirp);
	/* QEMU alone never tried it */
	e = json_object_array_get_idx(a, 2);
	assert_string_equal(gets(e, "status"), "error");
	assert_true(json_object_is_type(get(e, "direct"), json_type_null));
	assert_true(json_object_is_type(get(e, "side"), json_type_null));
	/* the regression, with the previous sweep's verdict */
	e = json_object_array_get_idx(a, 3);
	assert_true(json_object_get_boolean(get(e, "regression")));
	assert_string_equal(gets(get(e, "previous"), "status"), "pass");
	assert_string_equal(gets(get(e, "previous"), "sweep"), M1);
	/* the control, then the older result */
	e = json_object_array_get_idx(a, 5);
	assert_true(json_object_get_boolean(get(e, "control")));
	e = json_object_array_get_idx(a, 6);
	assert_false(json_object_get_boolean(get(e, "current")));
	assert_string_equal(gets(e, "from_sweep"), M1);
	json_object_put(j);
}

static void check_libvirt_md(const char *md)
{
	const char *sec = strstr(md, "### Through libvirt");

	assert_contains(md, "- **3 new migration regression(s)**", "md summary");
	assert_contains(md, "| libvirt | 5 | 1 | 3 | 1 | 0 | 0 | 1 | 0 |", "md libvirt counts");
	assert_non_null(sec);
	assert_contains(sec, "1 failed through libvirt where QEMU alone passed", "md lead");
	assert_contains(sec, "| machine type | source | destination | through libvirt | "
			     "libvirt's reason | QEMU alone | QEMU's reason | disagreement |\n"
			     "|---|---|---|---|---|---|---|---|\n"
			     "| pc-q35-7.1 | libvirt 9.0.0 / QEMU 7.2.22-system | libvirt 9.0.0 "
			     "/ QEMU 7.2.0 | [fail (destination)](logs/migration-26.txt) | "
			     "libvirt: operation failed: job 'migration in' failed", "md first row");
	assert_contains(sec, "including any hotplugged devices | [pass (file)]"
			     "(logs/migration-11.txt) | — | **libvirt-fails-direct-passes** |\n"
			     "| pc-i440fx-7.1 | libvirt 11.3.0 / QEMU 10.2.2 | libvirt 9.0.0 / "
			     "QEMU 7.2.0 | [pass](logs/migration-29.txt) | — | [fail (destination, "
			     "file)](logs/migration-23.txt) |", "md both verdicts");
	assert_contains(sec, "| [error](logs/migration-30.txt) | libvirt: the destination "
			     "daemon (libvirt 11.3.0) did not answer on its socket | not run | — "
			     "| — |", "md not run");
	assert_contains(sec, "| [fail (destination) REGRESSION](logs/migration-27.txt) |",
			"md regression");
	assert_contains(sec, "| [pass (control)](logs/migration-28.txt) |", "md control");
	assert_contains(sec, "| [pass (older: bbbbbbbb)](logs/migration-25.txt) |", "md older");
	/* before the grids */
	assert_true(sec < strstr(md, "### pc-i440fx"));
}

static void check_libvirt_junit(const char *xml)
{
	const char *suite = strstr(xml, "<testsuite name=\"migration.libvirt\"");

	/* QEMU alone's suite is as it was */
	assert_contains(xml, "<testsuite name=\"migration\" tests=\"16\" failures=\"5\" "
			     "errors=\"2\"", "junit migration");
	assert_non_null(suite);
	assert_contains(suite, "<testsuite name=\"migration.libvirt\" tests=\"6\" failures=\"3\" "
			       "errors=\"1\" skipped=\"0\"", "junit counts");
	assert_int_equal(count_of(suite, "<testcase "), 6);
	assert_contains(suite, "<testcase classname=\"migration.libvirt.pc-q35-7.1\" "
			       "name=\"9.0.0/7.2.22-system -&gt; 9.0.0/7.2.0\" time=\"4.500\">\n"
			       "      <failure type=\"fail\" message=\"[destination] libvirt: "
			       "operation failed: job &apos;migration in&apos; failed: load of "
			       "migration failed: Invalid argument; QEMU on the destination: "
			       "qemu-system-x86_64: Unknown savevm section", "junit failure");
	assert_contains(suite, "<system-out>migration 26; log: logs/migration-26.txt\nQEMU "
			       "alone (file): pass\ndisagreement: libvirt-fails-direct-passes"
			       "</system-out>", "junit direct");
	assert_contains(suite, "name=\"9.0.0/7.2.0 -&gt; 9.0.0/7.2.22-system\" time=\"4.500\">\n"
			       "      <failure type=\"regression\" message=\"regression (passed in "
			       "the previous migrate sweep): [destination] libvirt: operation "
			       "failed", "junit regression");
	assert_contains(suite, "<error type=\"error\" message=\"libvirt: the destination daemon",
			"junit error");
	assert_contains(suite, "QEMU alone: not run</system-out>", "junit not run");
	assert_contains(suite, "name=\"9.0.0/7.2.0 -&gt; 9.0.0/7.2.0 (control)\"", "junit control");
	/* the older result is no test case of this sweep */
	assert_int_equal(count_of(suite, "-&gt; 11.3.0/7.2.0\""), 0);
}

static void check_libvirt_html(const char *html)
{
	const char *sec = strstr(html, "<h3 id=\"mig-libvirt\">Through libvirt</h3>");

	assert_contains(html, "3 new migration regression(s).", "html gate");
	assert_contains(html, "<select class=\"xfilter\" id=\"mig-f-libvirt\" data-key=\"libvirt\">"
			      "<option value=\"\">all</option><option>9.0.0</option>"
			      "<option>11.3.0</option></select>", "html libvirt filter");
	assert_contains(html, "<tr><td>libvirt</td><td>5</td>", "html counts");
	assert_non_null(sec);
	assert_true(sec < strstr(html, "id=\"mig-grids\""));
	assert_contains(sec, "<tr id=\"mig-c-26\" data-f-machine=\"pc-q35-7.1\" "
			     "data-f-version=\"7.2.22-system 7.2.0\" data-f-libvirt=\"9.0.0 9.0.0\">"
			     "<td class=\"code\">pc-q35-7.1</td><td>libvirt 9.0.0 / QEMU "
			     "7.2.22-system</td><td>libvirt 9.0.0 / QEMU 7.2.0</td><td class=\"fail\">"
			     "<a href=\"logs/migration-26.txt\">fail (destination)</a></td>",
			"html first row");
	assert_contains(sec, "<td class=\"pass\"><a href=\"#mig-c-11\">pass, file</a></td>"
			     "<td class=\"code\">&mdash;</td><td class=\"hl unacked\">libvirt-fails-direct-passes"
			     "</td>", "html both verdicts");
	assert_contains(sec, "<td class=\"none\">not run</td>", "html not run");
	assert_contains(sec, "fail (destination)</a> <span class=\"badge reg\">REGRESSION</span>",
			"html regression");
	assert_contains(sec, "pass \xc2\xb7 control</a>", "html control");
	/* disagreements first, in the order of the model */
	assert_true(strstr(sec, "mig-c-26") < strstr(sec, "mig-c-29"));
	assert_true(strstr(sec, "mig-c-29") < strstr(sec, "mig-c-30"));
}

static void test_libvirt_writers(void **state)
{
	struct fixture *f = *state;
	struct outputs out;
	struct rep_report r;
	char *log;

	build_outputs(f, &r, &out);
	assert_int_equal(rep_report_gate(&r), 1);
	log = read_out(f->dir, "logs/migration-26.txt");
	check_libvirt_json(out.js);
	check_libvirt_md(out.md);
	check_libvirt_junit(out.xml);
	check_libvirt_html(out.html);
	assert_contains(log, "virt-matrix migration 26\nmachine type: pc-q35-7.1\nmode: libvirt\n"
			     "source: libvirt 9.0.0, QEMU 7.2.22-system\ndestination: libvirt "
			     "9.0.0, QEMU 7.2.0\nsweep: " M2 "\nstatus: fail\nfailed on: the "
			     "destination\nreason: libvirt: operation failed", "log head");
	assert_contains(log, "==== source argv (as libvirt started QEMU) ====\n"
			     "/opt/qemu/7.2.0/bin/qemu-system-x86_64\n", "log argv");
	assert_contains(log, "destination domain log", "log destination");
	free(log);
	log = read_out(f->dir, "logs/migration-28.txt");
	assert_contains(log, "source: libvirt 9.0.0, QEMU 7.2.0\ndestination: libvirt 9.0.0, "
			     "QEMU 7.2.0 (the control)\n", "log control");
	outputs_free(&out);
	free(log);
	rep_report_release(&r);
}

/*
 * A store of migrations through libvirt alone: one that passed in the
 * sweep before and fails now fails the report by itself; QEMU alone has
 * no verdict on it.
 */
static void test_libvirt_regression_gates(void **state)
{
	struct rep_options o = { REP_MIGRATION, NULL, NULL, NULL, 0 };
	char *vm = tu_vm_binary(), *dir, *out = NULL;
	struct strbuf md = STRBUF_INIT, outdir = STRBUF_INIT;
	struct rep_report r;
	struct store st;
	int status;

	(void)state;
	tu_store_tmp("report-migration-libvirt", &dir, &st);
	tu_exec(&st, "INSERT INTO sweeps (id, uuid, kind, status, started_at) VALUES"
		 " (1, '" M0 "', 'migrate', 'finished', '2026-02-01T00:00:00Z'),"
		 " (2, '" M1 "', 'migrate', 'finished', '2026-02-02T00:00:00Z')");
	mig_lv(&st, 1, Q35, "9.0.0", "7.2.0", "11.3.0", "10.2.2", RUN_PASS, MIG_SIDE_NONE, NULL);
	mig_lv(&st, 2, Q35, "9.0.0", "7.2.0", "11.3.0", "10.2.2", RUN_FAIL, MIG_SIDE_DEST,
	       lv_features);
	/* the same QEMU pair from another libvirt is another migration: no regression */
	mig_lv(&st, 1, Q35, "11.3.0", "7.2.0", "11.3.0", "10.2.2", RUN_PASS, MIG_SIDE_NONE,
	       NULL);
	mig_lv(&st, 2, Q35, "9.0.0-system", "7.2.0", "11.3.0", "10.2.2", RUN_FAIL, MIG_SIDE_DEST,
	       lv_features);
	assert_int_equal(rep_report_build(&st, &o, &r), 0);
	assert_int_equal(r.migration.ncells, 0);
	assert_int_equal(r.migration.regressions, 0);
	assert_int_equal(r.mig_libvirt.regressions, 1);
	assert_int_equal(r.mig_libvirt.ncells, 3);
	assert_null(r.mig_libvirt.lv[0].direct);
	assert_int_equal(rep_report_gate(&r), 1);
	rep_write_markdown(&r, &md);
	assert_contains(md.buf, "- **1 new migration regression(s)**", "md gate");
	assert_contains(md.buf, "| not run | — | — |", "md not run");
	rep_report_release(&r);

	/* Through the command: exit status 1, and 0 on the sweep before. */
	sb_printf(&outdir, "%s/cmd", dir);
	status = tu_run(&out, (const char *const[]){ vm, "report", "--db", st.path, "--out",
						     outdir.buf, NULL },
			(const char *const[]){ "migration", "--format", "junit", NULL }, 60);
	if (status != 1 || !strstr(out, "1 new migration regression(s)"))
		fail_msg("latest: status %d, output:\n%s", status, out);
	free(out);
	status = tu_run(&out, (const char *const[]){ vm, "report", "--db", st.path, "--out",
						     outdir.buf, NULL },
			(const char *const[]){ "migration", "--sweep", M0, NULL }, 60);
	if (status != 0 || !strstr(out, "0 new migration regression(s)"))
		fail_msg("older: status %d, output:\n%s", status, out);
	free(out);
	strbuf_release(&md);
	strbuf_release(&outdir);
	free(vm);
	tu_store_tmp_release(dir, &st);
}

/* No migrate sweep at all: an empty part, no failure. */
static void test_empty(void **state)
{
	struct rep_options o = { REP_MIGRATION | REP_MATRIX, NULL, NULL, NULL, 0 };
	struct rep_report r;
	struct strbuf md = STRBUF_INIT, js = STRBUF_INIT;
	struct store st;
	char *dir;

	(void)state;
	tu_store_tmp("report-migration-empty", &dir, &st);
	assert_int_equal(rep_report_build(&st, &o, &r), 0);
	assert_false(r.migration.have_cur);
	assert_int_equal(rep_report_gate(&r), 0);
	rep_write_markdown(&r, &md);
	rep_write_json(&r, &js);
	assert_contains(md.buf, "No migrate sweep recorded ('virt-matrix migrate').", "md empty");
	{
		json_object *j = json_tokener_parse(js.buf), *m;

		assert_non_null(j);
		m = get(j, "migration");
		assert_true(json_object_is_type(get(m, "sweep"), json_type_null));
		assert_int_equal(json_object_array_length(get(m, "cells")), 0);
		assert_int_equal(json_object_get_int(get(m, "regressions")), 0);
		json_object_put(j);
	}
	rep_report_release(&r);
	strbuf_release(&md);
	strbuf_release(&js);
	tu_store_tmp_release(dir, &st);
}

/* ---- --sweep, the exit status and the help, through the command ---- */

struct cmd_case {
	const char *name;
	const char *const args[8];
	int status;
	const char *out; /* expected in stdout+stderr */
};

static void test_command(void **state)
{
	static const struct cmd_case cases[] = {
		{ "migration regressions fail the report", { "migration", "--format", "md", NULL },
		  1, "0 new regression(s), 2 new migration regression(s)" },
		{ "--no-fail", { "migration", "--no-fail", "--format", "json", NULL }, 0,
		  "2 new migration regression(s)" },
		{ "an older migrate sweep has none", { "migration", "--sweep", M1, NULL }, 0,
		  "0 new migration regression(s)" },
		{ "a migrate sweep is the migration part's, with all parts",
		  { "all", "--sweep", M1, "--format", "json", NULL }, 0,
		  "0 new migration regression(s)" },
		{ "a sweep of runs is not the migration part's", { "migration", "--sweep", RUNS,
								     NULL }, 2,
		  "error: sweep '" RUNS "' is a 'sweep' sweep, which the matrix part reports on; "
		  "ask for it ('virt-matrix report matrix')" },
		{ "a migrate sweep is not the matrix's", { "matrix", "--sweep", M2, NULL }, 2,
		  "error: sweep '" M2 "' is a 'migrate' sweep, which the migration part reports "
		  "on; ask for it ('virt-matrix report migration')" },
		{ "an unknown sweep", { "migration", "--sweep", "nope", NULL }, 2,
		  "error: no sweep 'nope' in store" },
		{ "unknown report names them all", { "migrations", NULL }, 129,
		  "error: unknown report 'migrations'; expected abi, mapping, caps, matrix, "
		  "migration or all" },
		{ "help", { "--help", NULL }, 0,
		  "usage: virt-matrix report [abi | mapping | caps | matrix | migration | all]..." },
		{ "help says what the part is", { "--help", NULL }, 0,
		  "  migration  pass/fail of migrations between QEMU installs (virt-matrix\n"
		  "             migrate) per versioned machine type and mode, source rows x\n" },
		{ "help says where --sweep goes", { "--help", NULL }, 0,
		  "a migrate\n                 sweep is the migration part's, any other the "
		  "matrix's" },
		{ "stdout", { "migration", "--format", "junit", "--out", "-", NULL }, 1,
		  "<testsuite name=\"migration\" tests=\"16\"" },
	};
	struct fixture *f = *state;
	char *vm = tu_vm_binary();
	struct strbuf outdir = STRBUF_INIT;

	sb_printf(&outdir, "%s/cmd", f->dir);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = NULL;
		int status = tu_run(&out, (const char *const[]){ vm, "report", "--db", f->st.path,
								  "--out", outdir.buf, NULL },
				    cases[i].args, 60);

		if (status != cases[i].status || !strstr(out, cases[i].out))
			fail_msg("case '%s': status %d (want %d), output:\n%s", cases[i].name,
				 status, cases[i].status, out);
		free(out);
	}
	strbuf_release(&outdir);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grids, setup, teardown),
		cmocka_unit_test(test_disagreement_of),
		cmocka_unit_test_setup_teardown(test_prediction_order, setup, teardown),
		cmocka_unit_test(test_vmstate_text),
		cmocka_unit_test_setup_teardown(test_vmstate_from_real_dumps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_section, setup_libvirt, teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_not_in_grids, setup_libvirt, teardown),
		cmocka_unit_test_setup_teardown(test_libvirt_writers, setup_libvirt, teardown),
		cmocka_unit_test(test_libvirt_regression_gates),
		cmocka_unit_test(test_empty),
		cmocka_unit_test_setup_teardown(test_command, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
