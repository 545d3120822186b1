/*
 * Section "vf" of vm-bench: an SR-IOV VF passed through in the VF lab
 * (runner/lab.h: igb ports on the QEMU labqemu.h chooses, the VF made
 * and bound by the lab's /init) beside today's e1000e lab passthrough
 * (scenarios/passthrough.cfg on Debian's QEMU), both `virt-matrix run`
 * whole commands with Debian's QEMU as L2. The VF side is a copy of
 * passthrough.cfg with one VF in place of the lab's e1000e (same L2
 * memory, one device), so that the ratio is the VF lab's own cost: its
 * QEMU, its igb port, making the VF. DTS's scene/vf_passthrough.cfg (two
 * ports, two VFs each, 2 GiB for L2) is timed as a third side, for what
 * a real DTS scene costs. Each side runs RUNS times, in turn; medians and
 * ratios go to the output, with the lab QEMU the notes named.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "command.h"
#include "fs.h"
#include "store.h"
#include "banned.h"

/* The VF side: passthrough.cfg with one VF in place of the lab's e1000e. */
static const char vf_one_cfg[] = "[vm0]\n"
				 "mem = size=256;\n"
				 "dev_gen = pf_idx=0,vf_num=1,driver=default\n"
				 "device = vf_idx=0,pf_dev=0\n";

struct vf_side {
	const char *label;
	const char *scenario; /* as run --scenario takes it */
	const char *name;     /* as the store records it */
	double t[RUNS];
};

/*
 * The status, reason and lab note of the last run of name, into out as
 * "STATUS[: REASON]"; 1 when it passed, 0 when not, -1 when there is none.
 */
static int last_run(const char *db, const char *name, struct strbuf *out,
		    struct strbuf *lab_note)
{
	struct store st;
	auto_stmt *q = NULL;
	int ret = -1;

	if (store_open(&st, db))
		return -1;
	if (!store_prepare(&st, &q, "SELECT status, reason, notes FROM runs WHERE "
				    "scenario = ? ORDER BY id DESC LIMIT 1")) {
		store_bind_text(q, 1, name);
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *status = (const char *)sqlite3_column_text(q, 0);
			const char *reason = (const char *)sqlite3_column_text(q, 1);
			const char *notes = (const char *)sqlite3_column_text(q, 2);
			const char *n = notes ? strstr(notes, "the lab VM runs on ") : NULL;

			sb_printf(out, "%s%s%s", status, reason ? ": " : "", reason ? reason : "");
			if (n && lab_note)
				sb_printf(lab_note, "%.*s", (int)strcspn(n, "\""), n);
			ret = !strcmp(status, "pass");
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	store_close(&st);
	return ret;
}

static double run_side(const char *vm, const char *db, const struct vf_side *s)
{
	return timed_run((const char *const[]){ vm, "run", "--scenario", s->scenario,
						"--libvirt", "none", "--jobs", "1",
						"--db", db, NULL },
			 1);
}

void bench_vf(struct bench *b)
{
	const char *vm = getenv("VIRT_MATRIX_BIN");
	struct strbuf db = STRBUF_INIT, cfg = STRBUF_INIT, st = STRBUF_INIT,
		      lab = STRBUF_INIT;
	struct vf_side sides[3] = {
		{ "e1000e lab, passthrough.cfg", "passthrough", "passthrough", { 0 } },
		{ "VF lab, one VF (passthrough.cfg's guest)", NULL, "vf-one", { 0 } },
		{ "VF lab, DTS scene/vf_passthrough.cfg (2 ports, 2 VFs, 2 GiB)",
		  "dts/scene/vf_passthrough.cfg", "vf_passthrough", { 0 } },
	};

	if (!vm)
		vm = "./virt-matrix";
	if (!path_exists(DEBIAN_QEMU)) {
		sb_puts(b->out, "vf: skipped, Debian's QEMU is not installed\n");
		return;
	}
	sb_printf(&db, "%s/vf.db", b->dir);
	sb_printf(&cfg, "%s/vf-one.cfg", b->dir);
	if (write_file_atomic(cfg.buf, vf_one_cfg, strlen(vf_one_cfg)))
		die("cannot write %s", cfg.buf);
	sides[1].scenario = cfg.buf;
	timed_run((const char *const[]){ vm, "ark", "import", "qemu", "--db", db.buf, NULL }, 1);
	/* Warm (the probe record, each lab's initramfs), and each side must pass. */
	for (size_t k = 0; k < ARRAY_SIZE(sides); k++) {
		run_side(vm, db.buf, &sides[k]);
		strbuf_reset(&st);
		if (last_run(db.buf, sides[k].name, &st, k == 1 ? &lab : NULL) != 1) {
			sb_printf(b->out, "vf: skipped, %s did not pass: %s\n", sides[k].label,
				  st.len ? st.buf : "no run recorded");
			goto out;
		}
	}
	for (int i = 0; i < RUNS; i++)
		/* In turn, starting with another side each time. */
		for (size_t k = 0; k < ARRAY_SIZE(sides); k++) {
			size_t j = (k + (size_t)i) % ARRAY_SIZE(sides);

			sides[j].t[i] = run_side(vm, db.buf, &sides[j]);
		}
	{
		double e = median(sides[0].t, RUNS), v = median(sides[1].t, RUNS),
		       d = median(sides[2].t, RUNS);

		sb_printf(b->out, "vf: L2 Debian's QEMU, `virt-matrix run` whole command; %s\n",
			  lab.buf);
		sb_printf(b->out, "vf: %s %.2f s, %s %.2f s, ratio %.2f\n", sides[1].label,
			  v, sides[0].label, e, v / e);
		sb_printf(b->out, "vf: %s %.2f s, ratio %.2f to the e1000e lab\n",
			  sides[2].label, d, d / e);
	}
out:
	strbuf_release(&db);
	strbuf_release(&cfg);
	strbuf_release(&st);
	strbuf_release(&lab);
}
