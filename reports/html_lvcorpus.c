/*
 * The HTML writer's part of the libvirt corpus (mapping_lvcorpus.c),
 * inside the mapping section: the counts per pair, what libvirt accepted
 * and QEMU refused (QEMU's own words), where the real argv differs from
 * libvirt's golden one, the changes across versions, and the outcome of
 * every domain on every pair as one table: a row per domain, a cell per
 * pair with a short word (its reason in title=), so that 941 domains on
 * 24 pairs stay a table html.c's script sorts and filters at once.
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "html_kit.h"
#include "banned.h"

#define H(s) rep_html(out, (s))

/* The short word and class of a cell in the outcome table. */
static void outcome_word(const struct rep_lvc_cell *c, const char **word, const char **cls)
{
	static const struct {
		const char *word, *cls;
	} w[CORP_OUTCOME_LAST] = {
		[CORP_STARTED] = { "ok", "lv-ok" },	 [CORP_REJECTED] = { "rej", "lv-rj" },
		[CORP_REFUSED] = { "QEMU", "lv-rf" },	 [CORP_SKIPPED] = { "skip", "lv-sk" },
		[CORP_ERROR] = { "err", "lv-er" },	 [CORP_UNSUPPORTED] = { "n/a", "lv-un" },
	};

	*word = w[c->outcome].word;
	*cls = w[c->outcome].cls;
	if (c->outcome == CORP_STARTED && c->golden == REP_LVC_DIFFERS) {
		*word = "ok*";
		*cls = "lv-ok lv-d";
	}
}

static void summary(struct strbuf *out, const struct rep_lvcorpus *c)
{
	struct strvec heads = STRVEC_INIT;
	struct strbuf lab = STRBUF_INIT;

	rep_lvc_summary_heads(&heads);
	rep_html_table_open(out, "lvc-summary", heads.v, heads.nr, 0);
	for (size_t i = 0; i <= c->npairs; i++) {
		const struct rep_lvc_counts *n;

		strbuf_reset(&lab);
		n = rep_lvc_summary_row(c, i, &lab);
		sb_puts(out, "<tr>");
		rep_html_td(out, NULL, lab.buf);
		for (int k = 0; k < CORP_OUTCOME_LAST; k++)
			sb_printf(out, "<td>%zu</td>", n->n[k]);
		sb_printf(out, "<td>%zu</td><td>%zu</td></tr>\n", n->compared, n->differs);
	}
	rep_html_table_close(out);
	strvec_clear(&heads);
	strbuf_release(&lab);
}

/* libvirt accepted, QEMU refused: per domain, each reason with its pairs. */
static void refused(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const hc[] = { "domain", "pairs", "QEMU's words" };

	static const char *const hw[] = { "QEMU's words", "cells", "domains", "pairs" };

	sb_printf(out, "<h4 id=\"lvc-refused\">libvirt accepts, QEMU refuses (%zu)</h4>\n",
		  c->all.n[CORP_REFUSED]);
	rep_html_table_open(out, "lvc-refused-words", hw, ARRAY_SIZE(hw), 0);
	for (size_t i = 0; i < c->nby_words; i++) {
		const struct rep_lvc_refusal *r = &c->by_words[i];
		char n[32];

		snprintf(n, sizeof(n), "%zu", r->cells);
		sb_puts(out, "<tr>");
		rep_html_td(out, "code", r->words);
		rep_html_td(out, NULL, n);
		rep_html_td_list(out, &r->domains);
		rep_html_td_list(out, &r->pairs);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	sb_puts(out, "<p>Each domain's:</p>\n");
	rep_html_table_open(out, "lvc-refused-table", hc, ARRAY_SIZE(hc), 0);
	for (size_t i = 0; i < c->nrefusals; i++) {
		const struct rep_lvc_group *g = &c->refusals[i];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", c->domains[g->domain].name);
		rep_html_td_list(out, &g->pairs);
		rep_html_td(out, "code", c->cells[g->cell].reason);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

/* Where the real argv differs from libvirt's golden one. */
static void golden(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const hg[] = { "option", "difference (golden -> real)", "cells",
					  "golden QEMU", "domains", "pairs" };
	static const char *const hd[] = { "domain", "option", "difference (golden -> real)",
					  "golden file", "golden QEMU", "pairs" };
	struct strbuf sb = STRBUF_INIT;

	sb_printf(out, "<h4 id=\"lvc-golden\">Where the real argv differs from libvirt's "
		       "golden argv</h4>\n<p>%zu started cells compared with the golden "
		       ".args that the libvirt under test's own tests have for the domain "
		       "as it ran, for the QEMU version nearest the QEMU under test "
		       "(<code>latest</code>: the newest QEMU those tests have capabilities "
		       "of); ",
		  c->all.compared);
	rep_lvc_differs_words(&sb, &c->all);
	H(sb.buf);
	strbuf_release(&sb);
	sb_puts(out, ". Normalised as above, and what the run's adoption changes does not "
		     "count (the domain's name, the firmware -L directories, TCG for KVM, "
		     "libvirt's install prefix, a stand-in CD-ROM; the machine type "
		     "alias libvirt's tests keep).</p>\n");
	rep_html_table_open(out, "lvc-golden-common", hg, ARRAY_SIZE(hg), 0);
	for (size_t i = 0; i < c->ncommon; i++) {
		const struct rep_lvc_common *g = &c->common[i];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", g->key);
		rep_html_td(out, "code hl", g->detail);
		sb_printf(out, "<td>%zu</td>", g->cells);
		rep_html_td_list(out, &g->golden);
		rep_html_td_list(out, &g->domains);
		rep_html_td_list(out, &g->pairs);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	sb_puts(out, "<details><summary>Per domain</summary>\n");
	rep_html_table_open(out, "lvc-golden-domains", hd, ARRAY_SIZE(hd), 0);
	for (size_t i = 0; i < c->ndomain_diffs; i++) {
		const struct rep_lvc_group *g = &c->domain_diffs[i];
		const struct rep_lvc_cell *x = &c->cells[g->cell];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", c->domains[g->domain].name);
		rep_html_td(out, "code", x->diffs[g->diff].key);
		rep_html_td(out, "code hl", x->diffs[g->diff].detail);
		rep_html_td_list(out, &g->golden_files);
		rep_html_td_list(out, &g->golden);
		rep_html_td_list(out, &g->pairs);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	sb_puts(out, "</details>\n");
}

/* The changes across versions, alike ones over the domains as one. */
static void changes(struct strbuf *out, const struct rep_lvcorpus *c)
{
	static const char *const hc[] = { "option", "changed by", "from", "to", "with",
					  "change", "domains" };
	struct rep_lvc_cgroup *g;
	size_t n;

	rep_lvc_change_groups(c, &g, &n);
	sb_printf(out, "<h4 id=\"lvc-changes\">Changes across versions</h4>\n<p>Each "
		       "domain's started runs compared as the runs above: a change between "
		       "two QEMU versions under one libvirt is that QEMU's, between two "
		       "libvirt versions with one QEMU that libvirt's. %zu changes in all, "
		       "%zu distinct.</p>\n",
		  c->changes, n);
	rep_html_table_open(out, "lvc-changes-table", hc, ARRAY_SIZE(hc), 0);
	for (size_t i = 0; i < n; i++) {
		const struct rep_map_change *ch = g[i].c;

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", g[i].d->across.rows[ch->row].key);
		rep_html_td(out, NULL, ch->dimension);
		rep_html_td(out, NULL, ch->from);
		rep_html_td(out, NULL, ch->to);
		rep_html_td_list(out, &ch->contexts);
		rep_html_td(out, "code hl", ch->detail);
		rep_html_td_list(out, &g[i].domains);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	rep_lvc_change_groups_free(g, n);
}

/* Every domain on every pair: one row per domain, one cell per pair. */
static void outcome_table(struct strbuf *out, const struct rep_lvcorpus *c)
{
	sb_puts(out, "<h4 id=\"lvc-table\">Every domain on every pair</h4>\n<p class=\"legend\">"
		     "<span class=\"lv-ok\">ok</span> started "
		     "<span class=\"lv-ok lv-d\">ok*</span> started, argv differs from golden "
		     "<span class=\"lv-rj\">rej</span> libvirt rejected it "
		     "<span class=\"lv-rf\">QEMU</span> QEMU refused it "
		     "<span class=\"lv-sk\">skip</span> a host resource is missing "
		     "<span class=\"lv-er\">err</span> ours "
		     "<span class=\"lv-un\">n/a</span> unsupported pair; "
		     "the reason is a cell's tooltip. Sort by a column's head, filter by "
		     "name or word.</p>\n"
		     "<div class=\"filterbar\"><input class=\"tfilter\" type=\"search\" "
		     "placeholder=\"filter rows\" data-table=\"lvc-outcomes\">"
		     "<span class=\"count\" id=\"lvc-outcomes-count\"></span></div>\n"
		     "<div class=\"tw\"><table class=\"rep lvc\" id=\"lvc-outcomes\"><thead>"
		     "<tr><th>domain</th>");
	for (size_t p = 0; p < c->npairs; p++) {
		sb_puts(out, "<th title=\"");
		rep_lvc_pair_label(out, &c->pairs[p]);
		sb_puts(out, "\">");
		H(c->pairs[p].libvirt);
		sb_puts(out, "<br>");
		H(c->pairs[p].qemu);
		sb_puts(out, "</th>");
	}
	sb_puts(out, "</tr></thead><tbody>\n");
	for (size_t d = 0; d < c->ndomains; d++) {
		const struct rep_lvc_domain *dom = &c->domains[d];
		size_t i = 0;

		sb_puts(out, "<tr><td>");
		H(dom->name);
		sb_puts(out, "</td>");
		for (size_t p = 0; p < c->npairs; p++) {
			const struct rep_lvc_cell *x = i < dom->ncells ? &c->cells[dom->first + i]
								       : NULL;
			const char *word, *cls;

			if (!x || x->pair != p) {
				sb_puts(out, "<td></td>");
				continue;
			}
			i++;
			outcome_word(x, &word, &cls);
			sb_printf(out, "<td class=\"%s%s\"", cls, x->current ? "" : " old");
			if (x->reason) {
				sb_puts(out, " title=\"");
				H(x->reason);
				sb_puts(out, "\"");
			} else if (x->ndiffs) {
				sb_printf(out, " title=\"%zu option(s) differ from ", x->ndiffs);
				H(x->golden_file);
				sb_puts(out, "\"");
			}
			sb_printf(out, ">%s</td>", word);
		}
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

void rep_html_lvcorpus(struct strbuf *out, const struct rep_report *r)
{
	const struct rep_lvcorpus *c = &r->lvcorpus;

	sb_puts(out, "<h3 id=\"mapping-lvcorpus\">libvirt's test domains on real pairs</h3>\n");
	if (!c->have_sweep) {
		sb_puts(out, "<p>No corpus runs (<span class=\"code\">virt-matrix corpus "
			     "run</span>).</p>\n");
		return;
	}
	sb_printf(out, "<p>libvirt's own test domains (tests/qemuxmlconfdata), each "
		       "defined in a real libvirt daemon and started paused with a real "
		       "QEMU: %zu domains on %zu pairs, the newest result of each up to "
		       "sweep <span class=\"code\">",
		  c->ndomains, c->npairs);
	H(c->sweep.label);
	sb_puts(out, "</span> (started ");
	H(c->sweep.started_at);
	sb_puts(out, "; an older result is greyed).</p>\n");
	summary(out, c);
	refused(out, c);
	golden(out, c);
	changes(out, c);
	outcome_table(out, c);
}
