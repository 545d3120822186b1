/*
 * The HTML writer: one self-contained file (inline CSS and script, no
 * fetches of any kind; the logs are relative links to files written
 * beside it). Every table can be sorted by clicking a header and
 * filtered with the box above it, or all at once with the box at the top;
 * the URL fragment does the same for links and scripts:
 * "#filter=queue_reset" filters every table, "#sort=TABLE:COL[:desc]"
 * sorts one. A select of class xfilter with data-key K (the migration
 * part's machine type, version and libvirt version) hides what has a
 * data-f-K attribute without its value among the attribute's words (a
 * table cell is only dimmed); "#K=VALUE" sets it. Filtered-out rows get
 * the hidden attribute, and the body gets data-js="ready" once the script
 * ran (the tests read both from Chromium's DOM). A table of more than
 * 1,000 rows shows 1,000 at a time, with previous/next/show-all buttons
 * above and below it ("#page=TABLE:N" turns to page N, a link to an
 * element of a row on another page turns to that page): the rows of the
 * other pages stay in the DOM with class pgoff, so that a sort or filter
 * of 15,000 rows lays out 1,000 (a sort 2.5 s before, 0.3 s after in
 * Chromium, medians, docs/PERFORMANCE.md). Everything from the store
 * is escaped (rep_html). The ABI part, with its overview grid, is
 * html_abi.c's, the migration part html_migration.c's; the table and
 * cell pieces they all use are html_kit.c's.
 */
#include <string.h>

#include "builders.h"
#include "html_kit.h"
#include "report.h"
#include "banned.h"

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 3em;color:#222}"
	"h1{margin:.6em 0 .2em}h2{border-bottom:2px solid #ccc;margin-top:1.6em}"
	"h3{margin:1.2em 0 .3em}nav a{margin-right:1em}"
	"table.rep{border-collapse:collapse;margin:.4em 0 1em;font-size:13px}"
	"table.rep th,table.rep td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}"
	"table.rep th{background:#eef;cursor:pointer;position:sticky;top:0;user-select:none}"
	"table.rep th[aria-sort=ascending]::after{content:' \\25B2'}"
	"table.rep th[aria-sort=descending]::after{content:' \\25BC'}"
	"td.code,span.code{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}"
	"td.pass{background:#d6f5d6}td.fail{background:#f8d0d0}td.error{background:#fbe3c2}"
	"td.skip{background:#eee;color:#666}td.old{opacity:.55}td.none{color:#aaa}"
	"td.unsupported{background:#f2f2f2;color:#999;font-style:italic}"
	"p.note{background:#fff6d6;padding:4px 8px}"
	"td.hl{background:#fff3a8}tr.differs td:first-child{font-weight:bold}"
	"table.only-diff tr.same{display:none}"
	".unacked{color:#b00;font-weight:bold}.acked{color:#666}"
	".badge{display:inline-block;padding:0 4px;border-radius:3px;font-size:11px;font-weight:bold}"
	".badge.reg{background:#b00;color:#fff}.badge.fix{background:#070;color:#fff}"
	".gate{padding:.5em 1em;margin:.6em 0;border-radius:4px;font-weight:bold}"
	".gate.fail{background:#f8d0d0}.gate.pass{background:#d6f5d6}"
	".filterbar{margin:.3em 0}.count{color:#666;margin-left:.6em;font-size:12px}"
	"table.rep tr.pgoff{display:none}.pager{margin:.2em 0;font-size:12px;color:#555}"
	".pager button{font-size:12px;margin:0 .4em}"
	/*
	 * The tables (div.tw, html_kit.c) and the ABI part's details
	 * (div.celld) are laid out only near the screen: a large lab's page
	 * (100 MB, 136,000 rows) opens in seconds, not minutes. Each is at
	 * least as wide as its content, so that the containment does not cut
	 * a table wider than the window. Off screen, until first seen, a table
	 * counts as 800 px tall (the script then makes that its rows' height)
	 * and a detail as 200 px.
	 */
	".tw,div.celld{content-visibility:auto;min-width:min-content}"
	".tw{contain-intrinsic-block-size:auto 800px}div.celld{contain-intrinsic-block-size:auto 200px}"
	"details>summary{cursor:pointer;color:#225}pre{white-space:pre-wrap;font-size:12px}"
	/* the ABI overview grid (html_abi.c) */
	".gridwrap{max-height:75vh;max-width:100%;overflow:auto;display:inline-block;border:1px solid #ccc}"
	"table.grid{border-collapse:separate;border-spacing:0;font-size:12px}"
	"table.grid th,table.grid td{border-right:1px solid #ddd;border-bottom:1px solid #ddd;"
	"padding:1px 6px;white-space:nowrap;text-align:center}"
	"table.grid thead th{position:sticky;top:0;z-index:2;background:#eef;font-weight:normal}"
	"table.grid thead th:first-child{left:0;z-index:3}"
	"table.grid th.m{position:sticky;left:0;z-index:1;background:#fff;text-align:left;"
	"font-family:ui-monospace,monospace}"
	"table.grid tr.fam th{position:sticky;left:0;background:#f4f4f4;text-align:left}"
	"table.grid td a{color:inherit;text-decoration:none;display:block}"
	"table.grid td a:hover{text-decoration:underline}"
	".g-eq{background:#e3f4e3;color:#3a7a3a}.g-ack{background:#dbe7f8;color:#234}"
	".g-un{background:#f6c4c4;color:#900;font-weight:bold}.g-abs{background:#fff;color:#bbb}"
	".g-nc{background:repeating-linear-gradient(45deg,#f4f4f4 0 4px,#e2e2e2 4px 8px);color:#555}"
	".legend span{padding:1px 6px;margin-right:4px;border:1px solid #ddd}"
	"div.celld{border-left:4px solid #ccc;padding:0 .8em;margin:.8em 0}"
	"div.celld[data-state=g-un]{border-left-color:#c00}div.celld[data-state=g-ack]{border-left-color:#69c}"
	"div.celld[data-state=g-nc]{border-left-color:#999}div.celld:target{background:#fffbe6;outline:2px solid #f90}"
	"div.celld h4{margin:.5em 0 .2em}a.up{font-size:11px;font-weight:normal;margin-left:1em}"
	"table.mini{border-collapse:collapse;font-size:12px;margin:.3em 0}"
	"table.mini th,table.mini td{border:1px solid #ddd;padding:1px 5px;vertical-align:top;text-align:left}"
	"pre.diff{margin:0;white-space:pre;overflow-x:auto;max-width:110ch}"
	".dl-add{background:#e6ffec}.dl-del{background:#ffebe9}.dl-meta{color:#888}"
	/* the migration part (html_migration.c) */
	"table.mig td{min-width:5em}table.mig td details div.why{white-space:normal;"
	"max-width:45ch;text-align:left;font-size:11px}"
	"td.ctl,span.ctl{outline:2px dashed #777;outline-offset:-3px}"
	".legend span.pass{background:#d6f5d6}.legend span.fail{background:#f8d0d0}"
	".legend span.error{background:#fbe3c2}.legend span.old{opacity:.55}"
	"div.miggrid{display:inline-block;vertical-align:top;margin:0 1.5em .8em 0}"
	".xoff{display:none}td.xoff{display:table-cell;opacity:.2}"
	/* the libvirt corpus (html_lvcorpus.c) */
	"table.lvc td{padding:0 3px;text-align:center;font-size:11px}table.lvc td:first-child{text-align:left}"
	"table.lvc th{font-size:11px;font-weight:normal}"
	".lv-ok{background:#d6f5d6}.lv-d{background:#b9e6f0}.lv-rj{background:#e4e4f4}"
	".lv-rf{background:#f6c4c4;font-weight:bold}.lv-sk{background:#eee;color:#666}"
	".lv-er{background:#fbe3c2}.lv-un{background:#f2f2f2;color:#999;font-style:italic}"
	".legend span.lv-ok,.legend span.lv-rj,.legend span.lv-rf{padding:0 4px}";

static const char script[] =
	"(function(){\n"
	"function txt(c){return c?c.textContent.trim():'';}\n"
	"function num(s){return /^-?[0-9]+(\\.[0-9]+)?$/.test(s)?parseFloat(s):NaN;}\n"
	"var coll=new Intl.Collator(undefined,{numeric:true,sensitivity:'base'});\n"
	"function cmp(a,b){var x=num(a),y=num(b);if(!isNaN(x)&&!isNaN(y))return x-y;"
	"return coll.compare(a,b);}\n"
	/*
	 * A table of more than PAGE rows shows PAGE of them at a time: the
	 * others get class pgoff (display:none), so that a sort or a filter
	 * lays out PAGE rows, not all of them. Every row stays in the DOM, in
	 * order; hidden still means filtered out.
	 */
	"var PAGE=1000;\n"
	"function shows(t,r){return !r.hidden&&!r.classList.contains('xoff')&&"
	"!(t.classList.contains('only-diff')&&r.classList.contains('same'));}\n"
	"function paginate(t){var p=t.vmPager;if(!p)return;var rows=t.tBodies[0].rows,n=0,i,r,off;"
	"for(i=0;i<rows.length;i++)if(shows(t,rows[i]))n++;\n"
	"var pages=Math.max(1,Math.ceil(n/PAGE));if(p.page>=pages)p.page=pages-1;if(p.page<0)p.page=0;"
	"var lo=p.all?0:p.page*PAGE,hi=p.all?n:lo+PAGE,k=0;\n"
	"for(i=0;i<rows.length;i++){r=rows[i];off=false;if(shows(t,r)){off=k<lo||k>=hi;k++;}"
	"if(r.classList.contains('pgoff')!==off)r.classList.toggle('pgoff',off);}\n"
	"p.bars.forEach(function(b){b.hidden=n<=PAGE;b.querySelector('.pgtext').textContent=p.all?"
	"'all '+n+' rows':'rows '+(lo+1)+'\\u2013'+Math.min(hi,n)+' of '+n+', page '+(p.page+1)+' of '+pages;"
	"b.querySelector('[data-go=prev]').disabled=p.all||p.page===0;"
	"b.querySelector('[data-go=next]').disabled=p.all||p.page+1>=pages;"
	"b.querySelector('[data-go=all]').textContent=p.all?'show '+PAGE+' rows a page':'show all '+n;});}\n"
	/* the controls, above and below the table */
	"function pager(t){var p={page:0,all:false,bars:[]};t.vmPager=p;"
	"[t,t.nextSibling].forEach(function(at){var d=document.createElement('div');d.className='pager';"
	"d.setAttribute('data-table',t.id);"
	"[['prev','\\u2039 previous'],['',''],['next','next \\u203a'],['all','']].forEach(function(g){"
	"var e=document.createElement(g[0]?'button':'span');"
	"if(g[0]){e.type='button';e.setAttribute('data-go',g[0]);}else e.className='pgtext';"
	"e.textContent=g[1];d.appendChild(e);});\n"
	"d.addEventListener('click',function(e){var g=e.target.getAttribute('data-go');if(!g)return;"
	"if(g==='all')p.all=!p.all;else p.page+=g==='next'?1:-1;paginate(t);"
	"if(t.getBoundingClientRect().top<0)t.scrollIntoView();});"
	"t.parentNode.insertBefore(d,at);p.bars.push(d);});}\n"
	/* each key read once: the corpus table has a thousand rows */
	"function sortTable(t,col,desc){var tb=t.tBodies[0];if(!tb)return;"
	"var rows=Array.prototype.map.call(tb.rows,function(r){return [txt(r.cells[col]),r];});"
	"rows.sort(function(x,y){var r=cmp(x[0],y[0]);return desc?-r:r;});"
	"var f=document.createDocumentFragment();rows.forEach(function(p){f.appendChild(p[1]);});"
	"tb.appendChild(f);"
	"t.querySelectorAll('thead th').forEach(function(h,i){h.removeAttribute('aria-sort');"
	"if(i===col)h.setAttribute('aria-sort',desc?'descending':'ascending');});"
	"if(t.vmPager){t.vmPager.page=0;paginate(t);}}\n"
	"function filterTable(t,q){var tb=t.tBodies[0];if(!tb)return;q=q.toLowerCase();var n=0;"
	"Array.prototype.forEach.call(tb.rows,function(r){"
	"var hit=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!hit;if(hit)n++;});"
	"var c=document.getElementById(t.id+'-count');if(c)c.textContent=n+' of '+tb.rows.length+' rows';"
	"if(t.vmPager){t.vmPager.page=0;paginate(t);}}\n"
	"function filterAll(q){document.querySelectorAll('table.rep').forEach(function(t){filterTable(t,q);});"
	"document.querySelectorAll('input.tfilter').forEach(function(i){i.value=q;});}\n"
	"document.querySelectorAll('table.rep').forEach(function(t){"
	"t.querySelectorAll('thead th').forEach(function(h,i){h.addEventListener('click',function(){"
	"sortTable(t,i,h.getAttribute('aria-sort')==='ascending');});});"
	"if(t.tBodies[0]&&t.tBodies[0].rows.length>PAGE)pager(t);filterTable(t,'');"
	/* an unseen table's height, from the rows its page shows */
	"var w=t.parentNode,n=t.tBodies[0]?t.tBodies[0].rows.length:0;"
	"if(w.classList.contains('tw'))w.style.containIntrinsicBlockSize='auto '+(30+22*Math.min(n,PAGE))+'px';});\n"
	"document.querySelectorAll('input.tfilter').forEach(function(i){i.addEventListener('input',function(){"
	"var t=document.getElementById(i.getAttribute('data-table'));if(t)filterTable(t,i.value);});});\n"
	"document.querySelectorAll('input.onlydiff').forEach(function(i){i.addEventListener('change',function(){"
	"var t=document.getElementById(i.getAttribute('data-table'));"
	"if(t){t.classList.toggle('only-diff',i.checked);paginate(t);}});});\n"
	"var all=document.getElementById('filter-all');"
	"if(all)all.addEventListener('input',function(){filterAll(all.value);});\n"
	"var xsel=Array.prototype.slice.call(document.querySelectorAll('select.xfilter'));\n"
	"function xfilter(){xsel.forEach(function(s){var k=s.getAttribute('data-key');"
	"document.querySelectorAll('[data-f-'+k+']').forEach(function(e){"
	"var off=xsel.some(function(t){var a=e.getAttribute('data-f-'+t.getAttribute('data-key'));"
	"return t.value&&a!==null&&a.split(' ').indexOf(t.value)<0;});"
	"e.classList.toggle('xoff',off);});});"
	"document.querySelectorAll('table.rep').forEach(function(t){paginate(t);});}\n"
	"xsel.forEach(function(s){s.addEventListener('change',xfilter);});\n"
	/* a link to an element in a row of another page turns to that page */
	"function reveal(e){var r=e&&e.closest?e.closest('tr.pgoff'):null;if(!r)return;"
	"var t=r.closest('table.rep'),rows=t.tBodies[0].rows,n=0;"
	"for(var i=0;i<rows.length&&rows[i]!==r;i++)if(shows(t,rows[i]))n++;"
	"t.vmPager.page=Math.floor(n/PAGE);paginate(t);e.scrollIntoView();}\n"
	"function fromHash(){var h=location.hash.slice(1),pg=[];"
	"if(h&&h.indexOf('=')<0){reveal(document.getElementById(decodeURIComponent(h)));return;}"
	"h.split('&').forEach(function(kv){"
	"var i=kv.indexOf('=');if(i<0)return;var k=kv.slice(0,i),v=decodeURIComponent(kv.slice(i+1));"
	"if(k==='filter'){if(all)all.value=v;filterAll(v);}"
	"else if(k==='sort'){var p=v.split(':'),t=document.getElementById(p[0]);"
	"if(t)sortTable(t,parseInt(p[1],10),p[2]==='desc');}"
	"else if(k==='page')pg.push(v.split(':'));"
	"else xsel.forEach(function(s){if(s.getAttribute('data-key')===k){s.value=v;xfilter();}});});\n"
	/* pages last, whatever their place: a filter or a sort turns to page 1 */
	"pg.forEach(function(p){var t=document.getElementById(p[0]);"
	"if(t&&t.vmPager){t.vmPager.page=(parseInt(p[1],10)||1)-1;paginate(t);}});}\n"
	"fromHash();window.addEventListener('hashchange',fromHash);\n"
	"document.body.setAttribute('data-js','ready');\n"
	"})();\n";

#define H(s) rep_html(out, (s))

/* ---- mapping ---- */

struct cell_ref {
	const char *s; /* NULL: absent */
	size_t i;
};

static int same_value(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* By value (absent first), then by place. */
static int cmp_cell_ref(const void *a, const void *b)
{
	const struct cell_ref *x = a, *y = b;
	int r = !x->s || !y->s ? !!x->s - !!y->s : strcmp(x->s, y->s);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

/*
 * The value most cells of a row have (NULL counts as a value); of values
 * as common, the one that comes first in the row. Sorted, not compared
 * pairwise: a row has a cell per source, hundreds at a large lab.
 */
static const char *majority(const struct rep_map_row *row, size_t n)
{
	struct cell_ref *v;
	const char *best;
	size_t bestn = 0, besti = 0;

	if (!n)
		return NULL;
	v = xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct cell_ref){ row->cells[i], i };
	sort_array(v, n, sizeof(*v), cmp_cell_ref);
	best = v[0].s;
	for (size_t g = 0, e; g < n; g = e) {
		for (e = g + 1; e < n && same_value(v[g].s, v[e].s); e++)
			;
		/* v[g].i is the group's first place in the row. */
		if (e - g > bestn || (e - g == bestn && v[g].i < besti))
			best = v[g].s, bestn = e - g, besti = v[g].i;
	}
	free(v);
	return best;
}

/* The runs another virt-matrix made, named in a note above the table. */
static void mapping_aside_note(struct strbuf *out, const struct rep_map_scenario *s)
{
	struct strbuf lab = STRBUF_INIT;

	sb_puts(out, "<p class=\"note\">Not compared, made by another "
		     "virt-matrix than ");
	H(s->tool ? s->tool : "(unknown)");
	sb_puts(out, " (run them again to compare):");
	for (size_t k = 0; k < s->naside; k++) {
		strbuf_reset(&lab);
		rep_map_source_label(&lab, &s->aside[k]);
		sb_printf(&lab, " (virt-matrix %s)%s",
			  s->aside[k].tool ? s->aside[k].tool : "unknown",
			  k + 1 < s->naside ? ";" : ".");
		sb_putc(out, ' ');
		H(lab.buf);
	}
	sb_puts(out, "</p>\n");
	strbuf_release(&lab);
}

/* One row per option, one column per source; cells off the majority lit. */
static void mapping_options_table(struct strbuf *out, const struct rep_map_scenario *s,
				  const char *id)
{
	struct strbuf lab = STRBUF_INIT;
	struct strvec heads = STRVEC_INIT;

	strvec_push(&heads, "option");
	for (size_t k = 0; k < s->nsources; k++) {
		strbuf_reset(&lab);
		rep_map_source_label(&lab, &s->sources[k]);
		strvec_push(&heads, lab.buf);
	}
	rep_html_table_open(out, id, heads.v, heads.nr, 1);
	for (size_t r = 0; r < s->nrows; r++) {
		const struct rep_map_row *row = &s->rows[r];
		const char *maj = majority(row, s->nsources);

		sb_printf(out, "<tr class=\"%s\">", row->differs ? "differs" : "same");
		rep_html_td(out, "code", row->key);
		for (size_t k = 0; k < s->nsources; k++) {
			const char *c = row->cells[k];
			int hl = c && maj ? strcmp(c, maj) : c != maj;

			rep_html_td(out, hl ? "code hl" : c ? "code" : "none", c);
		}
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	strvec_clear(&heads);
	strbuf_release(&lab);
}

/* Which version changed which option (id: the table's HTML id). */
static void mapping_changes_table(struct strbuf *out, const struct rep_map_scenario *s,
				  const char *id)
{
	static const char *const hc[] = { "option", "changed by", "from", "to",
					  "with", "change" };

	sb_puts(out, "<p>Which version changed which option:</p>\n");
	rep_html_table_open(out, id, hc, ARRAY_SIZE(hc), 0);
	for (size_t c = 0; c < s->nchanges; c++) {
		const struct rep_map_change *ch = &s->changes[c];

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", s->rows[ch->row].key);
		rep_html_td(out, NULL, ch->dimension);
		rep_html_td(out, NULL, ch->from);
		rep_html_td(out, NULL, ch->to);
		rep_html_td_list(out, &ch->contexts);
		rep_html_td(out, "code hl", ch->detail);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
}

/* The strings of sv as a list. */
static void html_list(struct strbuf *out, const struct strvec *sv)
{
	sb_puts(out, "<ul>");
	for (size_t i = 0; i < sv->nr; i++) {
		sb_puts(out, "<li>");
		H(sv->v[i]);
		sb_puts(out, "</li>");
	}
	sb_puts(out, "</ul>\n");
}

/* The argv of each source as recorded (or computed, with its notes), folded. */
static void mapping_recorded_argv(struct strbuf *out, const struct rep_map_scenario *s)
{
	struct strbuf lab = STRBUF_INIT;

	sb_printf(out, "<details><summary>The %s argv of each source</summary>\n",
		  s->file ? "computed" : "recorded");
	for (size_t k = 0; k < s->nsources; k++) {
		const struct rep_map_source *src = &s->sources[k];

		strbuf_reset(&lab);
		rep_map_source_label(&lab, src);
		sb_puts(out, "<p><b>");
		H(lab.buf);
		if (src->computed) {
			sb_puts(out, "</b> (computed, not run)</p><pre>");
		} else {
			sb_printf(out, "</b> (run %lld, ", src->run);
			H(src->status);
			sb_puts(out, ")</p><pre>");
		}
		H(src->argv_json);
		sb_puts(out, "</pre>\n");
		if (src->notes.nr)
			html_list(out, &src->notes);
	}
	sb_puts(out, "</details>\n");
	strbuf_release(&lab);
}

/* One scenario (or corpus VM) under a heading h ("h3", "h4"). */
static void mapping_scenario(struct strbuf *out, const struct rep_map_scenario *s,
			     const char *h)
{
	struct strbuf id = STRBUF_INIT;

	sb_printf(out, "<%s>", h);
	H(s->name);
	sb_printf(out, "</%s>\n<p>%zu sources, %zu options, %zu changes.</p>\n", h,
		  s->nsources, s->nrows, s->nchanges);
	if (s->naside)
		mapping_aside_note(out, s);
	/* The versions that cannot express a corpus VM, with their reasons. */
	if (s->errors.nr) {
		sb_puts(out, "<p class=\"note\">Not mapped:</p>");
		html_list(out, &s->errors);
	}
	rep_html_id(&id, "map-", s->name);
	mapping_options_table(out, s, id.buf);
	if (s->nchanges) {
		sb_puts(&id, "-changes");
		mapping_changes_table(out, s, id.buf);
	}
	mapping_recorded_argv(out, s);
	strbuf_release(&id);
}

/* DPDK DTS's files: each VM's argv computed for every probed QEMU. */
static void mapping_corpus(struct strbuf *out, const struct rep_mapping *m)
{
	sb_puts(out, "<h3 id=\"mapping-corpus\">DPDK DTS's VM files, mapped for every "
		     "probed QEMU</h3>\n");
	if (!m->corpus_dir) {
		sb_puts(out, "<p>The DTS files (scenarios/dts/) are not installed.</p>\n");
		return;
	}
	sb_puts(out, "<p>Each VM of each file in <span class=\"code\">");
	H(m->corpus_dir);
	sb_printf(out, "</span> (%zu VMs), mapped at report time by the mapper for "
		       "each QEMU install with a probe record, as <span class=\"code\">"
		       "virt-matrix map</span> shows it (accel kvm; &lt;kernel&gt;, "
		       "&lt;rundir&gt;... stand for what only a run knows): not run. "
		       "A change is the one the mapper made for that QEMU version.</p>\n",
		  m->ncorpus);
	for (size_t i = 0; i < m->corpus_skipped.nr; i++) {
		sb_puts(out, "<p class=\"note\">");
		H(m->corpus_skipped.v[i]);
		sb_puts(out, "</p>\n");
	}
	for (size_t i = 0; i < m->ncorpus; i++)
		mapping_scenario(out, &m->corpus[i], "h4");
}

static void mapping_section(struct strbuf *out, const struct rep_report *r)
{
	sb_puts(out, "<section id=\"mapping\"><h2>2. Command-line mapping</h2>\n"
		     "<p>The QEMU argv of each scenario, per (libvirt, QEMU) pair and "
		     "from the direct mapper: the latest run of each with a recorded "
		     "argv, normalised so that ids (&lt;id&gt;), fds, temporary and "
		     "per-domain paths, uuids and libvirt's random MACs do not count. "
		     "<span class=\"code\">{json}</span> marks a value given as JSON. "
		     "Highlighted cells differ from the value most sources have.</p>\n");
	if (!r->mapping.nr)
		sb_puts(out, "<p>No run with a recorded argv.</p>\n");
	for (size_t i = 0; i < r->mapping.nr; i++)
		mapping_scenario(out, &r->mapping.v[i], "h3");
	rep_html_lvcorpus(out, r);
	mapping_corpus(out, &r->mapping);
	sb_puts(out, "</section>\n");
}

/* ---- capability timeline ---- */

static void presence_cells(struct strbuf *out, const struct rep_report *r,
			   const char *p)
{
	for (size_t i = 0; i < r->versions.nr; i++)
		sb_printf(out, "<td class=\"%s\">%s</td>",
			  p[i] == '1' ? "pass" : p[i] == '0' ? "none" : "skip",
			  p[i] == '1' ? "yes" : p[i] == '0' ? "no" : "?");
}

static void caps_table(struct strbuf *out, const struct rep_report *r,
		       const char *kind, const char *id, const char *title)
{
	struct strvec heads = STRVEC_INIT;
	int prop = !strcmp(kind, "property");

	strvec_push(&heads, kind);
	if (prop)
		strvec_push(&heads, "device types");
	strvec_push(&heads, "first");
	strvec_push(&heads, "last");
	for (size_t i = 0; i < r->versions.nr; i++)
		strvec_push(&heads, r->versions.v[i].name);
	sb_puts(out, "<h3>");
	H(title);
	sb_puts(out, "</h3>\n");
	rep_html_table_open(out, id, heads.v, heads.nr, 0);
	for (size_t i = 0; i < r->caps.nitems; i++) {
		const struct rep_tl_item *it = &r->caps.items[i];

		if (strcmp(it->kind, kind))
			continue;
		sb_puts(out, "<tr>");
		rep_html_td(out, "code", it->name);
		if (prop)
			rep_html_td_list(out, &it->devices);
		rep_html_td(out, NULL, it->first >= 0 ? rep_vname(&r->versions, it->first) : NULL);
		rep_html_td(out, NULL, it->last >= 0 ? rep_vname(&r->versions, it->last) : NULL);
		presence_cells(out, r, it->present);
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	strvec_clear(&heads);
}

static void caps_section(struct strbuf *out, const struct rep_report *r)
{
	struct strvec heads = STRVEC_INIT;

	sb_puts(out, "<section id=\"caps\"><h2>3. Capability timeline</h2>\n");
	sb_printf(out, "<p>First and last probed version that has each item. Device "
		       "properties are listed when they came or went while their device "
		       "existed; the other %zu (device, property) pairs span exactly "
		       "their device's versions.</p>\n", r->caps.props_same_span);
	caps_table(out, r, "machine", "caps-machines", "Machine types");
	caps_table(out, r, "device", "caps-devices", "Device types");
	caps_table(out, r, "property", "caps-properties", "Device properties");
	caps_table(out, r, "command", "caps-commands", "QMP commands");
	sb_puts(out, "<h3>Default values that changed</h3>\n");
	strvec_push(&heads, "property");
	strvec_push(&heads, "device types");
	for (size_t i = 0; i < r->versions.nr; i++)
		strvec_push(&heads, r->versions.v[i].name);
	rep_html_table_open(out, "caps-defaults", heads.v, heads.nr, 0);
	for (size_t i = 0; i < r->caps.ndefaults; i++) {
		const struct rep_tl_default *d = &r->caps.defaults[i];
		const char *prev = NULL;

		sb_puts(out, "<tr>");
		rep_html_td(out, "code", d->property);
		rep_html_td_list(out, &d->devices);
		for (size_t k = 0; k < r->versions.nr; k++) {
			int changed = d->values[k] && prev && strcmp(prev, d->values[k]);

			rep_html_td(out, changed ? "code hl" : d->values[k] ? "code" : "none", d->values[k]);
			if (d->values[k])
				prev = d->values[k];
		}
		sb_puts(out, "</tr>\n");
	}
	rep_html_table_close(out);
	sb_puts(out, "</section>\n");
	strvec_clear(&heads);
}

/* ---- sweep matrix ---- */

static void status_cell(struct strbuf *out, const struct rep_cell *c)
{
	sb_printf(out, "<td class=\"%s%s\" title=\"", c->status, c->current ? "" : " old");
	H(c->reason ? c->reason : c->status);
	sb_puts(out, "\">");
	if (c->log) {
		sb_puts(out, "<a href=\"");
		H(c->log);
		sb_puts(out, "\">");
	}
	H(c->status);
	if (c->log)
		sb_puts(out, "</a>");
	if (c->regression)
		sb_puts(out, " <span class=\"badge reg\">REGRESSION</span>");
	if (c->fixed)
		sb_puts(out, " <span class=\"badge fix\">fixed</span>");
	if (!c->current) {
		sb_puts(out, " <small>(not in this sweep; from ");
		H(c->from_sweep);
		sb_puts(out, ")</small>");
	}
	sb_puts(out, "</td>");
}

static void cell_row(struct strbuf *out, const struct rep_cell *c)
{
	sb_puts(out, "<tr>");
	rep_html_td(out, NULL, c->scenario);
	rep_html_td(out, NULL, c->qemu);
	rep_html_td(out, NULL, c->libvirt ? c->libvirt : "direct");
	status_cell(out, c);
	rep_html_td(out, NULL, c->reason);
	rep_html_td(out, NULL, c->prev_status);
	sb_printf(out, "<td>%.1f</td>", c->seconds);
	rep_html_td(out, NULL, c->current ? "current" : c->from_sweep);
	sb_puts(out, "</tr>\n");
}

static void matrix_section(struct strbuf *out, const struct rep_report *r)
{
	static const char *const hc[] = { "scenario", "QEMU", "libvirt", "status", "reason",
					  "previous sweep", "seconds", "sweep" };
	const struct rep_matrix *m = &r->matrix;
	struct strvec heads = STRVEC_INIT;
	const struct rep_cell **by_place;

	sb_puts(out, "<section id=\"matrix\"><h2>4. Sweep matrix</h2>\n");
	if (!m->have_cur) {
		sb_puts(out, "<p>No runs recorded.</p></section>\n");
		return;
	}
	sb_puts(out, "<p>Sweep <span class=\"code\">");
	H(m->cur.label);
	sb_puts(out, "</span> (");
	H(m->cur.kind);
	sb_puts(out, ", started ");
	H(m->cur.started_at);
	sb_printf(out, ", %zu cells)", m->current_cells);
	if (m->have_prev) {
		sb_puts(out, ", compared with the previous sweep <span class=\"code\">");
		H(m->prev.label);
		sb_puts(out, "</span>");
	}
	sb_puts(out, ".</p>\n<h3>Regressions (passed in the previous sweep, fail now)</h3>\n");
	rep_html_table_open(out, "matrix-regressions", hc, ARRAY_SIZE(hc), 0);
	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].regression)
			cell_row(out, &m->cells[i]);
	rep_html_table_close(out);
	sb_printf(out, "<p>%zu regression(s), %zu fixed.</p>\n", m->regressions, m->fixed);
	strvec_push(&heads, "QEMU \\ libvirt");
	strvec_pushv(&heads, m->libvirts.v);
	by_place = rep_matrix_by_place(m);
	for (size_t s = 0; s < m->scenarios.nr; s++) {
		struct strbuf id = STRBUF_INIT;

		sb_puts(out, "<h3>");
		H(m->scenarios.v[s]);
		sb_puts(out, "</h3>\n");
		rep_html_id(&id, "matrix-", m->scenarios.v[s]);
		rep_html_table_open(out, id.buf, heads.v, heads.nr, 0);
		for (size_t q = 0; q < m->qemus.nr; q++) {
			sb_puts(out, "<tr>");
			rep_html_td(out, NULL, m->qemus.v[q]);
			for (size_t l = 0; l < m->libvirts.nr; l++) {
				const struct rep_cell *c = rep_matrix_find(by_place, m->ncells,
								     m->scenarios.v[s],
								     m->qemus.v[q], m->libvirts.v[l]);

				if (c)
					status_cell(out, c);
				else
					rep_html_td(out, "none", NULL);
			}
			sb_puts(out, "</tr>\n");
		}
		rep_html_table_close(out);
		strbuf_release(&id);
	}
	free(by_place);
	sb_puts(out, "<h3>All cells</h3>\n");
	rep_html_table_open(out, "matrix-cells", hc, ARRAY_SIZE(hc), 0);
	for (size_t i = 0; i < m->ncells; i++)
		cell_row(out, &m->cells[i]);
	rep_html_table_close(out);
	sb_puts(out, "</section>\n");
	strvec_clear(&heads);
}

void rep_write_html(const struct rep_report *r, struct strbuf *out)
{
	int gate = rep_report_gate(r);

	sb_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width\">"
		       "<title>virt-matrix report</title><style>%s</style></head>\n"
		       "<body>\n<h1>virt-matrix report</h1>\n<p>Generated ", css);
	H(r->generated_at);
	sb_puts(out, " from <span class=\"code\">");
	H(r->store_path);
	sb_puts(out, "</span>. QEMU versions:");
	for (size_t i = 0; i < r->versions.nr; i++) {
		sb_puts(out, i ? ", " : " ");
		H(r->versions.v[i].name);
		if (!r->versions.v[i].binary)
			sb_puts(out, " (not probed)");
	}
	sb_printf(out, ".</p>\n<div class=\"gate %s\" id=\"gate\">", gate ? "fail" : "pass");
	if (r->parts & REP_ABI)
		sb_printf(out, "%zu unacknowledged ABI break(s), %zu unacknowledged "
			       "guest-view difference(s). ", r->abi.unacked, r->guest.unacked);
	if (r->parts & REP_MATRIX)
		sb_printf(out, "%zu new regression(s). ", r->matrix.regressions);
	if (r->parts & REP_MIGRATION)
		sb_printf(out, "%zu new migration regression(s).", rep_migration_regressions(r));
	if (!(r->parts & (REP_ABI | REP_MATRIX | REP_MIGRATION)))
		sb_puts(out, "Nothing to gate on: the ABI, matrix and migration parts are "
			     "not in this report.");
	sb_puts(out, "</div>\n<nav>");
	if (r->parts & REP_ABI)
		sb_puts(out, "<a href=\"#abi\">ABI</a>");
	if (r->parts & REP_MAPPING)
		sb_puts(out, "<a href=\"#mapping\">Mapping</a>");
	if (r->parts & REP_CAPS)
		sb_puts(out, "<a href=\"#caps\">Capabilities</a>");
	if (r->parts & REP_MATRIX)
		sb_puts(out, "<a href=\"#matrix\">Matrix</a>");
	if (r->parts & REP_MIGRATION)
		sb_puts(out, "<a href=\"#migration\">Migrations</a>");
	sb_puts(out, "</nav>\n<div class=\"filterbar\"><label>Filter every table: "
		     "<input id=\"filter-all\" type=\"search\"></label></div>\n");
	if (r->parts & REP_ABI)
		rep_html_abi(out, r);
	if (r->parts & REP_MAPPING)
		mapping_section(out, r);
	if (r->parts & REP_CAPS)
		caps_section(out, r);
	if (r->parts & REP_MATRIX)
		matrix_section(out, r);
	if (r->parts & REP_MIGRATION)
		rep_html_migration(out, r);
	sb_printf(out, "<script>\n%s</script>\n</body></html>\n", script);
}
