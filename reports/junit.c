/*
 * The JUnit XML writer, in the subset Jenkins (junit plugin) and GitLab
 * (artifacts:reports:junit) both read: <testsuites> of <testsuite>s of
 * <testcase>s with <failure>, <skipped> and <system-out>.
 *
 *   abi     one test case per versioned machine type; it fails when it
 *           has unacknowledged breaks (each listed in the failure),
 *           acknowledged ones are in system-out
 *   guest   the same for the guest view: one test case per machine type
 *           with a guest view, failing with its unacknowledged
 *           differences (each with its decoded line diff)
 *   matrix  one test case per cell of the current sweep, named
 *           "QEMU x / libvirt y" in class "matrix.<scenario>": fail and
 *           error runs fail (a regression says so first), skip runs are
 *           skipped; system-out names the log file
 *   migration  one test case per (source, destination, machine type,
 *           mode) of the current migrate sweep, named "QEMU x -> y" in
 *           class "migration.<machine>.<mode>": a fail is a failure
 *           (type "regression" when it passed before), an error an
 *           error, skip and unsupported are skipped; the message is the
 *           failing side ("[destination] ") and the reason, with QEMU's
 *           words; system-out has the log file and what the fingerprints
 *           predicted
 *   migration.libvirt  one test case per migration through libvirt of
 *           the current migrate sweep, named "L1/x -> L2/y" (libvirt
 *           and QEMU installs) in class "migration.libvirt.<machine>",
 *           failing as the migration suite's; system-out has the log
 *           file, QEMU's own verdict on the pair and the disagreement
 *
 *   mapping.libvirt_corpus  one test case per (domain, pair) of the
 *           libvirt corpus's current sweep, named "libvirt x / QEMU y" in
 *           class "corpus.<domain>": refused (libvirt accepted it, QEMU
 *           did not) is a failure with QEMU's words, error an error,
 *           skipped and unsupported are skipped; system-out has the run,
 *           libvirt's rejection, and the differences with the golden argv
 *
 * The rest of the mapping and the capability timeline have no pass or
 * fail and are not in this format.
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "runs.h"
#include "xmlesc.h"
#include "banned.h"

#define X(s) xml_escape(out, (s))

/*
 * One test case: failing with the text fail (type and message say what
 * failed) when there is any, the acknowledged differences as its output.
 */
static void test_case(struct strbuf *out, const char *classname, const char *name,
		      const char *type, const char *message, const struct strbuf *fail,
		      const struct strbuf *acked)
{
	sb_printf(out, "    <testcase classname=\"%s\" name=\"", classname);
	X(name);
	sb_puts(out, "\">\n");
	if (fail->len) {
		sb_printf(out, "      <failure type=\"%s\" message=\"%s\">", type, message);
		X(fail->buf);
		sb_puts(out, "</failure>\n");
	}
	if (acked->len) {
		sb_puts(out, "      <system-out>");
		X(acked->buf);
		sb_puts(out, "</system-out>\n");
	}
	sb_puts(out, "    </testcase>\n");
}

static void abi_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_abi *abi = &r->abi;
	size_t failures = 0;

	for (size_t m = 0; m < abi->nmachines; m++)
		failures += abi->machines[m].breaks > 0;
	sb_printf(out, "  <testsuite name=\"abi\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		       "skipped=\"0\">\n", abi->nmachines, failures);
	for (size_t m = 0; m < abi->nmachines; m++) {
		const struct rep_abi_machine *mt = &abi->machines[m];
		struct strbuf fail = STRBUF_INIT, acked = STRBUF_INIT;
		char msg[80];

		for (size_t i = 0; i < abi->ndiffs; i++) {
			const struct rep_abi_diff *d = &abi->diffs[i];
			struct strbuf *to = d->ack ? &acked : &fail;

			if (strcmp(d->machine, mt->name) || !rep_abi_kind_is_break(d->kind))
				continue;
			sb_printf(to, "%s -> %s: %s %s %s: %s -> %s", rep_vname(&r->versions, d->from),
				  rep_vname(&r->versions, d->to), rep_abi_kind_name(d->kind),
				  d->object, d->property, d->old_value ? d->old_value : "(absent)",
				  d->new_value ? d->new_value : "(absent)");
			if (d->ack)
				sb_printf(to, " [acknowledged, line %d: %s]", d->ack->line,
					  d->ack->reason);
			sb_putc(to, '\n');
		}
		snprintf(msg, sizeof(msg), "%zu unacknowledged guest-ABI difference(s)",
			 mt->breaks);
		test_case(out, "abi", mt->name, "abi-break", msg, &fail, &acked);
		strbuf_release(&fail);
		strbuf_release(&acked);
	}
	sb_puts(out, "  </testsuite>\n");
}

/* The differences of guest-view machine type m, failing or acknowledged. */
static void guest_lines(const struct rep_report *r, size_t m, struct strbuf *fail,
			struct strbuf *acked)
{
	const struct rep_guest *g = &r->guest;

	for (size_t i = 0; i < g->ndiffs; i++) {
		const struct rep_guest_diff *d = &g->diffs[i];
		const struct rep_guest_change *c = &g->changes[d->change];
		struct strbuf *to = d->ack ? acked : fail;

		if (d->machine != m)
			continue;
		sb_printf(to, "%s -> %s: %s %s", rep_vname(&r->versions, d->from),
			  rep_vname(&r->versions, d->to), c->item,
			  rep_guest_kind_name(d->kind));
		if (d->ack) {
			sb_printf(to, " [acknowledged, line %d: %s]\n", d->ack->line,
				  d->ack->reason);
			continue;
		}
		sb_putc(to, '\n');
		for (size_t k = 0; k < c->lines.nr; k++)
			sb_printf(to, "    %s\n", c->lines.v[k]);
	}
}

static void guest_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_guest *g = &r->guest;
	size_t failures = 0;

	for (size_t m = 0; m < g->nmachines; m++)
		failures += g->machines[m].unacked > 0;
	sb_printf(out, "  <testsuite name=\"guest\" tests=\"%zu\" failures=\"%zu\" "
		       "errors=\"0\" skipped=\"0\">\n", g->nmachines, failures);
	for (size_t m = 0; m < g->nmachines; m++) {
		struct strbuf fail = STRBUF_INIT, acked = STRBUF_INIT;
		char msg[80];

		guest_lines(r, m, &fail, &acked);
		snprintf(msg, sizeof(msg), "%zu unacknowledged guest-view difference(s)",
			 g->machines[m].unacked);
		test_case(out, "guest", g->machines[m].name, "guest-difference", msg,
			  &fail, &acked);
		strbuf_release(&fail);
		strbuf_release(&acked);
	}
	sb_puts(out, "  </testsuite>\n");
}

/* The verdicts of a suite's test cases, for its opening tag. */
struct tally {
	size_t failures, errors, skipped;
	double secs;
};

static void tally_add(struct tally *t, enum run_status v, double seconds)
{
	t->failures += v == RUN_FAIL;
	t->errors += v == RUN_ERROR;
	t->skipped += v == RUN_SKIP || v == RUN_UNSUPPORTED;
	t->secs += seconds;
}

/* <testsuite name tests failures errors skipped time [id timestamp]> */
static void suite_open(struct strbuf *out, const char *name, size_t tests,
		       const struct tally *t, const struct rep_sweep_ref *sweep)
{
	sb_printf(out, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" "
		       "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
		  name, tests, t->failures, t->errors, t->skipped, t->secs);
	if (sweep) {
		sb_puts(out, " id=\"");
		X(sweep->label);
		sb_puts(out, "\" timestamp=\"");
		X(sweep->started_at);
		sb_puts(out, "\"");
	}
	sb_puts(out, ">\n");
}

/* <failure> (<error> with is_error) of type: message, after prefix (not escaped). */
static void failure_el(struct strbuf *out, int is_error, const char *type, const char *prefix,
		       const char *message)
{
	sb_printf(out, "      <%s type=\"%s\" message=\"%s", is_error ? "error" : "failure", type,
		  prefix);
	X(message);
	sb_puts(out, "\"/>\n");
}

/* <skipped> with reason, "unsupported: " first for unsupported. */
static void skipped_el(struct strbuf *out, int unsupported, const char *reason)
{
	sb_puts(out, "      <skipped message=\"");
	if (unsupported)
		sb_puts(out, "unsupported: ");
	X(reason);
	sb_puts(out, "\"/>\n");
}

static void matrix_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_matrix *m = &r->matrix;
	struct tally t = { 0, 0, 0, 0 };

	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].current)
			tally_add(&t, m->cells[i].verdict, m->cells[i].seconds);
	suite_open(out, "matrix", m->current_cells, &t, m->have_cur ? &m->cur : NULL);
	for (size_t i = 0; i < m->ncells; i++) {
		const struct rep_cell *c = &m->cells[i];
		if (!c->current)
			continue;
		sb_puts(out, "    <testcase classname=\"matrix.");
		X(c->scenario);
		sb_puts(out, "\" name=\"QEMU ");
		X(c->qemu);
		sb_puts(out, " / ");
		X(c->libvirt ? "libvirt " : "direct");
		X(c->libvirt);
		sb_printf(out, "\" time=\"%.3f\">\n", c->seconds);
		if (run_status_is_failure(c->verdict))
			failure_el(out, c->verdict == RUN_ERROR,
				   c->regression ? "regression" : c->status,
				   c->regression ? "regression (passed in the previous sweep): " : "",
				   c->reason ? c->reason : c->status);
		else if (c->verdict == RUN_SKIP || c->verdict == RUN_UNSUPPORTED)
			skipped_el(out, c->verdict == RUN_UNSUPPORTED, c->reason);
		sb_printf(out, "      <system-out>run %lld", c->run);
		if (c->log) {
			sb_puts(out, "; log: ");
			X(c->log);
		}
		sb_puts(out, "</system-out>\n    </testcase>\n");
	}
	sb_puts(out, "  </testsuite>\n");
}

/* A migration's failure, error or skip element, if it has one. */
static void migration_verdict(struct strbuf *out, const struct rep_mig_cell *c)
{
	if (run_status_is_failure(c->verdict)) {
		struct strbuf prefix = STRBUF_INIT;

		if (c->regression)
			sb_puts(&prefix, "regression (passed in the previous migrate sweep): ");
		if (c->side != MIG_SIDE_NONE)
			sb_printf(&prefix, "[%s] ", mig_side_to_string(c->side));
		failure_el(out, c->verdict == RUN_ERROR,
			   c->regression ? "regression" : run_status_to_string(c->verdict),
			   prefix.len ? prefix.buf : "",
			   c->reason ? c->reason : run_status_to_string(c->verdict));
		strbuf_release(&prefix);
	} else if (c->verdict == RUN_SKIP || c->verdict == RUN_UNSUPPORTED) {
		skipped_el(out, c->verdict == RUN_UNSUPPORTED, c->reason);
	}
}

/*
 * One migration's test case of class cls, named name (" (control)" added
 * for the control): its verdict, and in system-out its id, its log and
 * then notes.
 */
static void mig_case(struct strbuf *out, const char *cls, const char *name,
		     const struct rep_mig_cell *c, const char *notes)
{
	sb_puts(out, "    <testcase classname=\"");
	X(cls);
	sb_puts(out, "\" name=\"");
	X(name);
	sb_printf(out, "%s\" time=\"%.3f\">\n", c->control ? " (control)" : "", c->seconds);
	migration_verdict(out, c);
	sb_printf(out, "      <system-out>migration %lld", c->id);
	if (c->log) {
		sb_puts(out, "; log: ");
		X(c->log);
	}
	X(notes);
	sb_puts(out, "</system-out>\n    </testcase>\n");
}

static void migration_case(struct strbuf *out, const struct rep_mig_cell *c)
{
	struct strbuf cls = STRBUF_INIT, name = STRBUF_INIT, t = STRBUF_INIT;

	sb_printf(&cls, "migration.%s.%s", c->machine, mig_mode_to_string(c->mode));
	sb_printf(&name, "QEMU %s -> %s", c->src, c->dst);
	if (!c->control) {
		sb_printf(&t, "\nQEMU ABI fingerprints: %s; guest view: %s",
			  rep_fp_cmp_name(c->abi), rep_fp_cmp_name(c->guest));
		if (c->vmstate) {
			sb_puts(&t, "; ");
			rep_vmstate_text(&t, c->vmstate);
		}
		if (c->disagreement)
			sb_printf(&t, "\ndisagreement: %s",
				  rep_mig_disagreement_name(c->disagreement));
	}
	mig_case(out, cls.buf, name.buf, c, t.buf);
	strbuf_release(&cls);
	strbuf_release(&name);
	strbuf_release(&t);
}

/* The current ones of n migration cells. */
static void tally_current(struct tally *t, const struct rep_mig_cell *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cells[i].current)
			tally_add(t, cells[i].verdict, cells[i].seconds);
}

static void libvirt_case(struct strbuf *out, const struct rep_mig_cell *c,
			 const struct rep_mig_lv *x)
{
	struct strbuf cls = STRBUF_INIT, name = STRBUF_INIT, t = STRBUF_INIT;

	sb_printf(&cls, "migration.libvirt.%s", c->machine);
	sb_printf(&name, "%s/%s -> %s/%s", c->src_libvirt, c->src, c->dst_libvirt, c->dst);
	if (x->direct)
		sb_printf(&t, "\nQEMU alone (%s): %s", mig_mode_to_string(x->direct->mode),
			  run_status_to_string(x->direct->verdict));
	else
		sb_puts(&t, "\nQEMU alone: not run");
	if (x->disagreement)
		sb_printf(&t, "\ndisagreement: %s", rep_lv_disagreement_name(x->disagreement));
	mig_case(out, cls.buf, name.buf, c, t.buf);
	strbuf_release(&cls);
	strbuf_release(&name);
	strbuf_release(&t);
}

/* The migrations through libvirt, when there are any. */
static void libvirt_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_mig_libvirt *lv = &r->mig_libvirt;
	const struct rep_migration *m = &r->migration;
	struct tally t = { 0, 0, 0, 0 };

	if (!lv->ncells)
		return;
	tally_current(&t, lv->cells, lv->ncells);
	suite_open(out, "migration.libvirt", lv->current_cells, &t, m->have_cur ? &m->cur : NULL);
	for (size_t i = 0; i < lv->ncells; i++) {
		size_t k = lv->order[i];

		if (lv->cells[k].current)
			libvirt_case(out, &lv->cells[k], &lv->lv[k]);
	}
	sb_puts(out, "  </testsuite>\n");
}

static void migration_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_migration *m = &r->migration;
	struct tally t = { 0, 0, 0, 0 };

	tally_current(&t, m->cells, m->ncells);
	suite_open(out, "migration", m->current_cells, &t, m->have_cur ? &m->cur : NULL);
	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].current)
			migration_case(out, &m->cells[i]);
	sb_puts(out, "  </testsuite>\n");
}

/* One (domain, pair) of the libvirt corpus. */
static void lvcorpus_case(struct strbuf *out, const struct rep_lvcorpus *c,
			  const struct rep_lvc_cell *x)
{
	const struct rep_lvc_pair *p = &c->pairs[x->pair];

	sb_puts(out, "    <testcase classname=\"corpus.");
	X(c->domains[x->domain].name);
	sb_puts(out, "\" name=\"libvirt ");
	X(p->libvirt);
	sb_puts(out, " / QEMU ");
	X(p->qemu);
	sb_printf(out, "\" time=\"%.3f\">\n", x->seconds);
	if (x->outcome == CORP_REFUSED || x->outcome == CORP_ERROR)
		failure_el(out, x->outcome == CORP_ERROR, corp_outcome_to_string(x->outcome), "",
			   x->reason ? x->reason : corp_outcome_to_string(x->outcome));
	else if (x->outcome == CORP_SKIPPED || x->outcome == CORP_UNSUPPORTED)
		skipped_el(out, x->outcome == CORP_UNSUPPORTED, x->reason);
	sb_printf(out, "      <system-out>corpus run %lld: %s", x->run,
		  corp_outcome_to_string(x->outcome));
	if (x->outcome == CORP_REJECTED) {
		sb_puts(out, " by libvirt: ");
		X(x->reason);
	}
	if (x->golden_file && x->outcome == CORP_STARTED) {
		sb_printf(out, "\ngolden %s: ", rep_lvc_golden_name(x->golden));
		X(x->golden_file);
	}
	for (size_t k = 0; k < x->ndiffs; k++) {
		sb_puts(out, "\n  ");
		X(x->diffs[k].key);
		sb_puts(out, ": ");
		X(x->diffs[k].detail);
	}
	sb_puts(out, "</system-out>\n    </testcase>\n");
}

static void lvcorpus_suite(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_lvcorpus *c = &r->lvcorpus;
	struct tally t = { 0, 0, 0, 0 };
	size_t tests = 0;

	if (!c->have_sweep)
		return;
	for (size_t i = 0; i < c->ncells; i++) {
		const struct rep_lvc_cell *x = &c->cells[i];

		if (!x->current)
			continue;
		tests++;
		t.failures += x->outcome == CORP_REFUSED;
		t.errors += x->outcome == CORP_ERROR;
		t.skipped += x->outcome == CORP_SKIPPED || x->outcome == CORP_UNSUPPORTED;
		t.secs += x->seconds;
	}
	suite_open(out, "mapping.libvirt_corpus", tests, &t, &c->sweep);
	for (size_t i = 0; i < c->ncells; i++)
		if (c->cells[i].current)
			lvcorpus_case(out, c, &c->cells[i]);
	sb_puts(out, "  </testsuite>\n");
}

void rep_write_junit(const struct rep_report *r, struct strbuf *out)
{
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"virt-matrix report\">\n");
	if (r->parts & REP_ABI) {
		abi_suite(out, r);
		guest_suite(out, r);
	}
	if (r->parts & REP_MAPPING)
		lvcorpus_suite(out, r);
	if (r->parts & REP_MATRIX)
		matrix_suite(out, r);
	if (r->parts & REP_MIGRATION) {
		migration_suite(out, r);
		libvirt_suite(out, r);
	}
	sb_puts(out, "</testsuites>\n");
}
