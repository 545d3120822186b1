/*
 * The scale section of vm-bench: a large lab's nightly sweep, SIMULATED
 * by bench/scale-gen.c (64 shard stores, as `sweep --shard K/64` leaves
 * them), at three sizes: 1x (8 QEMUs x 10 libvirts x 12 scenarios, 960
 * jobs), 4x (15 x 10 x 25, 3,750) and 16x (30 x 10 x 50, 15,000: the full
 * lab). At each: `virt-matrix merge merged.db shard-*.db` (goal 20 s at
 * 16x) and `virt-matrix report all` in four formats on the merged store
 * (goal 5 s at 16x) into a new directory, whole commands, the median of
 * 3 runs; the growth per doubling of jobs, so that a superlinear cost shows. At
 * 16x the report's HTML is opened in headless Chromium and the page's own
 * controls timed there (performance.now() around a filter of the
 * matrix's all-cells table and a sort of it by clicking a column head,
 * each followed by a forced layout, three times each after the page's
 * first layout; goal 1 s each).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "command.h"
#include "fs.h"
#include "scale-gen.h"
#include "banned.h"

#define CHROMIUM "/usr/bin/chromium"

struct level {
	const char *name;
	int qemus, scenarios, runs;
};

static const struct level levels[] = {
	{ "1x", 8, 12, 3 },
	{ "4x", 15, 25, 3 },
	{ "16x", 30, 50, 3 },
};

/*
 * What the page measures, appended after its own script: the time from
 * navigation to here (parse and the page's script), the page's first
 * layout (forced first, so that no action pays for it), then three
 * filters ("fail", the box emptied between them, untimed) and three
 * clicks on the QEMU column's head (ascending, descending, ascending),
 * each timed with the forced layout after it: the median and all three.
 * shown: rows the filter left; laid_out: rows with a box after the
 * sorts. The body is emptied after, so that --dump-dom has little to
 * write.
 */
static const char probe_js[] =
	"<script>(function(){var L=performance.now(),t=document.getElementById('matrix-cells');"
	"function done(s){document.body.innerHTML='';var o=document.createElement('pre');"
	"o.id='scale-bench';o.textContent=s;document.body.appendChild(o);}\n"
	"function med(v){var w=v.slice().sort(function(a,b){return a-b;});"
	"return w[1].toFixed(1)+' ('+v.map(function(x){return x.toFixed(1);}).join('/')+')';}\n"
	"function timed(f){var a=performance.now();f();void t.offsetHeight;return performance.now()-a;}\n"
	"if(!t){done('no matrix-cells table');return;}"
	"var a=performance.now();void document.body.offsetHeight;var l=performance.now()-a;"
	"var box=document.querySelector('input.tfilter[data-table=\"matrix-cells\"]'),"
	"rows=t.tBodies[0].rows,h=t.querySelectorAll('thead th')[1],f=[],s=[],shown;\n"
	"for(var i=0;i<3;i++){f.push(timed(function(){box.value='fail';"
	"box.dispatchEvent(new Event('input'));}));"
	"shown=Array.prototype.filter.call(rows,function(r){return !r.hidden;}).length;"
	"box.value='';box.dispatchEvent(new Event('input'));void t.offsetHeight;}\n"
	"for(i=0;i<3;i++)s.push(timed(function(){h.click();}));\n"
	"var laid=Array.prototype.filter.call(rows,function(r){return r.getClientRects().length>0;}).length;"
	"done('SCALE rows='+rows.length+' load_ms='+L.toFixed(0)+' layout_ms='+l.toFixed(1)+"
	"' filter_ms='+med(f)+' shown='+shown+' sort_ms='+med(s)+' laid_out='+laid);})();</script>\n";

/* The figures the page wrote, into line; -1 when it did not run. */
static int browser_measure(const char *dir, const char *html, struct strbuf *line)
{
	struct strbuf page = STRBUF_INIT, path = STRBUF_INIT, url = STRBUF_INIT,
		      home = STRBUF_INIT;
	struct command cmd;
	const char *p, *e;
	int ret = -1;

	if (!path_exists(CHROMIUM)) {
		sb_puts(line, "browser: skipped, " CHROMIUM " is not installed");
		return -1;
	}
	sb_printf(&path, "%s/measure.html", dir);
	if (strbuf_read_file(&page, html, (size_t)1 << 31) ||
	    strbuf_add(&page, probe_js, strlen(probe_js)) ||
	    write_file_atomic(path.buf, page.buf, page.len))
		die("cannot write %s", path.buf);
	strbuf_release(&page);
	sb_printf(&url, "file://%s", path.buf);
	sb_printf(&home, "HOME=%s", dir);
	command_init(&cmd);
	strvec_push(&cmd.env, home.buf);
	strvec_pushv(&cmd.args, (const char *const[]){ CHROMIUM, "--headless", "--no-sandbox",
						       "--disable-gpu", "--no-first-run",
						       "--log-level=3", "--dump-dom", url.buf, NULL });
	cmd.timeout = 300;
	cmd.capture_max = (size_t)1 << 30;
	if (!command_run(&cmd) && command_succeeded(&cmd) &&
	    (p = strstr(cmd.output.buf, "id=\"scale-bench\">SCALE ")) &&
	    (e = strchr(p, '<'))) {
		p += strlen("id=\"scale-bench\">SCALE ");
		sb_printf(line, "browser (Chromium): %.*s", (int)(e - p), p);
		ret = 0;
	} else {
		sb_puts(line, "browser: the page's measurement did not come back");
	}
	command_release(&cmd);
	unlink(path.buf);
	strbuf_release(&path);
	strbuf_release(&url);
	strbuf_release(&home);
	return ret;
}

void bench_scale(struct bench *b)
{
	const char *vm = getenv("VIRT_MATRIX_BIN");
	double merge_s[ARRAY_SIZE(levels)], report_s[ARRAY_SIZE(levels)];
	size_t jobs[ARRAY_SIZE(levels)];

	if (!vm)
		vm = "./virt-matrix";
	for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
		struct scale_spec sp = SCALE_SPEC_FULL;
		struct scale_result res = { .stores = STRVEC_INIT };
		struct strbuf dir = STRBUF_INIT, out = STRBUF_INIT, rep = STRBUF_INIT,
			      html = STRBUF_INIT;
		double m[3], r[3], gen;
		int n = levels[l].runs;

		sp.qemus = levels[l].qemus;
		sp.scenarios = levels[l].scenarios;
		sb_printf(&dir, "%s/scale-%s", b->dir, levels[l].name);
		sb_printf(&out, "%s/merged.db", dir.buf);
		gen = now_monotonic();
		if (scale_generate(&sp, dir.buf, &res))
			die("cannot generate the %s stores", levels[l].name);
		gen = now_monotonic() - gen;
		jobs[l] = res.jobs;
		for (int i = 0; i < n; i++) {
			struct strvec a = STRVEC_INIT;

			unlink(out.buf);
			/*
			 * A new directory each time, as a nightly's report: removing
			 * the last one's 51,000 logs just before would slow the
			 * creation of these on a file system without a journal (ext4
			 * passes over inodes freed in the last 30 s).
			 */
			strbuf_reset(&rep);
			sb_printf(&rep, "%s/report-%d", dir.buf, i + 1);
			strvec_pushv(&a, (const char *const[]){ vm, "merge", out.buf, NULL });
			strvec_pushv(&a, res.stores.v);
			/*
			 * What the last command left to write back (a report's
			 * 740 MB are not synced: made again at will) is written
			 * first, so that it does not land on this one's time.
			 */
			sync();
			m[i] = timed_run(a.v, 1);
			strvec_clear(&a);
			sync();
			r[i] = timed_run((const char *const[]){ vm, "report", "all", "--format",
								"html,md,json,junit", "--sweep",
								res.uuid, "--out", rep.buf,
								"--no-fail", "--db", out.buf, NULL },
					 1);
		}
		merge_s[l] = median(m, n);
		report_s[l] = median(r, n);
		sb_printf(b->out,
			  "scale %s (SIMULATED, %d QEMUs x %d libvirts x %d scenarios = %zu "
			  "jobs, %zu migration jobs, %d shards, %d nights; generated in %.0f s): "
			  "merge %.2f s, report all %.2f s (median of %d",
			  levels[l].name, sp.qemus, sp.libvirts, sp.scenarios, res.jobs,
			  res.migrations, sp.shards, sp.nights, gen, merge_s[l], report_s[l], n);
		for (int i = 0; i < n; i++)
			sb_printf(b->out, "%s%.2f", i ? "/" : ": merge ", m[i]);
		for (int i = 0; i < n; i++)
			sb_printf(b->out, "%s%.2f", i ? "/" : ", report ", r[i]);
		sb_puts(b->out, ")");
		if (l) {
			double d = log2((double)jobs[l] / (double)jobs[l - 1]);

			sb_printf(b->out, "; per doubling of jobs: merge x%.2f, report x%.2f",
				  pow(merge_s[l] / merge_s[l - 1], 1 / d),
				  pow(report_s[l] / report_s[l - 1], 1 / d));
		}
		if (l + 1 == ARRAY_SIZE(levels)) {
			sb_printf(b->out, "; goals: merge 20 s (%s), report 5 s (%s)",
				  merge_s[l] <= 20 ? "met" : "MISSED",
				  report_s[l] <= 5 ? "met" : "MISSED");
			sb_printf(&html, "%s/report.html", rep.buf);
			sb_puts(b->out, "\n  ");
			browser_measure(dir.buf, html.buf, b->out);
			sb_puts(b->out, " (goal 1 s each)");
		}
		sb_puts(b->out, "\n");
		if (remove_tree(dir.buf))
			die("cannot remove %s", dir.buf);
		scale_result_release(&res);
		strbuf_release(&dir);
		strbuf_release(&out);
		strbuf_release(&rep);
		strbuf_release(&html);
	}
}
