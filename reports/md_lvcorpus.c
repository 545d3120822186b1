/*
 * The Markdown writer's part of the libvirt corpus (mapping_lvcorpus.c):
 * the counts per pair, what libvirt accepted and QEMU refused, the
 * differences with libvirt's golden argv and the changes across
 * versions, each alike over domains as one row. Not the table of every
 * domain on every pair (thousands of cells): the HTML and JSON reports
 * have it.
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "md_kit.h"
#include "banned.h"

static void summary_md(struct strbuf *out, const struct rep_lvcorpus *c)
{
	struct strvec heads = STRVEC_INIT;
	struct strbuf lab = STRBUF_INIT;

	rep_lvc_summary_heads(&heads);
	rep_md_header(out, heads.v, heads.nr);
	for (size_t i = 0; i <= c->npairs; i++) {
		const struct rep_lvc_counts *n;

		strbuf_reset(&lab);
		n = rep_lvc_summary_row(c, i, &lab);
		rep_md_row_start(out);
		rep_md_td(out, lab.buf);
		for (int k = 0; k < CORP_OUTCOME_LAST; k++)
			sb_printf(out, " %zu |", n->n[k]);
		sb_printf(out, " %zu | %zu |\n", n->compared, n->differs);
	}
	sb_putc(out, '\n');
	strvec_clear(&heads);
	strbuf_release(&lab);
}

static void refused_md(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const h[] = { "QEMU's words", "cells", "domains", "pairs" };

	sb_printf(out, "#### libvirt accepts, QEMU refuses\n\n%zu cell(s), by what QEMU "
		       "said (each domain's in the HTML and JSON reports).\n\n",
		  c->all.n[CORP_REFUSED]);
	if (c->nby_words)
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < c->nby_words; i++) {
		const struct rep_lvc_refusal *r = &c->by_words[i];
		char n[32];

		snprintf(n, sizeof(n), "%zu", r->cells);
		rep_md_row_start(out);
		rep_md_code_td(out, r->words);
		rep_md_td(out, n);
		rep_md_list_td(out, &r->domains, 6);
		rep_md_list_td(out, &r->pairs, 4);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

static void golden_md(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const h[] = { "option", "difference (golden -> real)", "cells",
					 "golden QEMU", "domains", "pairs" };

	sb_printf(out, "#### Where the real argv differs from libvirt's golden argv\n\n"
		       "%zu started cell(s) compared with the golden .args of the libvirt "
		       "under test's own tests, for the QEMU version nearest (`latest`: "
		       "the newest QEMU those tests have capabilities of); ",
		  c->all.compared);
	rep_lvc_differs_words(out, &c->all);
	sb_puts(out, ". Each difference once, with the golden files' QEMU and the "
		     "domains and pairs that show it (the JSON report has every cell's).\n\n");
	if (c->ncommon)
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < c->ncommon; i++) {
		const struct rep_lvc_common *g = &c->common[i];
		char n[32];

		snprintf(n, sizeof(n), "%zu", g->cells);
		rep_md_row_start(out);
		rep_md_code_td(out, g->key);
		rep_md_code_td(out, g->detail);
		rep_md_td(out, n);
		rep_md_list_td(out, &g->golden, 4);
		rep_md_list_td(out, &g->domains, 6);
		rep_md_list_td(out, &g->pairs, 4);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
}

static void changes_md(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const h[] = { "option", "changed by", "from", "to", "with",
					 "change", "domains" };
	struct rep_lvc_cgroup *g;
	size_t n;

	rep_lvc_change_groups(c, &g, &n);
	sb_printf(out, "#### Changes across versions\n\n%zu change(s) over every domain, "
		       "%zu distinct.\n\n", c->changes, n);
	if (n)
		rep_md_header(out, h, ARRAY_SIZE(h));
	for (size_t i = 0; i < n; i++) {
		const struct rep_map_change *ch = g[i].c;

		rep_md_row_start(out);
		rep_md_code_td(out, g[i].d->across.rows[ch->row].key);
		rep_md_td(out, ch->dimension);
		rep_md_td(out, ch->from);
		rep_md_td(out, ch->to);
		rep_md_list_td(out, &ch->contexts, 4);
		rep_md_code_td(out, ch->detail);
		rep_md_list_td(out, &g[i].domains, 6);
		sb_putc(out, '\n');
	}
	sb_putc(out, '\n');
	rep_lvc_change_groups_free(g, n);
}

void rep_md_lvcorpus(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_lvcorpus *c = &r->lvcorpus;

	sb_puts(out, "### libvirt's test domains on real pairs\n\n");
	if (!c->have_sweep) {
		sb_puts(out, "No corpus runs (`virt-matrix corpus run`).\n\n");
		return;
	}
	sb_printf(out, "%zu domains of libvirt's tests on %zu pairs, the newest result "
		       "of each up to sweep ",
		  c->ndomains, c->npairs);
	rep_md_cell(out, c->sweep.label);
	sb_printf(out, ". The table of every domain on every pair (%zu cells) is in the "
		       "HTML report and in the JSON report (`mapping.libvirt_corpus`).\n\n",
		  c->ncells);
	summary_md(out, c);
	refused_md(out, c);
	golden_md(out, c);
	changes_md(out, c);
}
