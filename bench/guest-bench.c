/*
 * Section "guest" of vm-bench: the guest view of every versioned machine
 * type of one binary (Debian's QEMU, and the newest ark build), as `probe`
 * takes it (worker threads, QEMUs forked from the binary's zygote, the
 * view read, normalised and recorded), beside a bare loop that boots the
 * same machine types one after another with the same argv and only
 * waits for the boot sector's results (the moment the view can be read
 * at all). Both sides run RUNS times, alternating; medians and their
 * ratio go to the output. The goal is 30 s per binary.
 */
#include <string.h>

#include "bench.h"
#include "caps.h"
#include "fs.h"
#include "guestprobe.h"
#include "guestview.h"
#include "qtest.h"
#include "store.h"
#include "zygote.h"
#include "banned.h"

#define GOAL 30.0

struct gb_machine {
	char *name, *devices;
};

/* The versioned machine types of id and their ABI probe's devices. */
static size_t load_machines(struct store *st, long long id,
			    struct gb_machine **out)
{
	sqlite3_stmt *q = NULL;
	size_t n = 0, alloc = 0;

	*out = NULL;
	if (store_prepare(st, &q,
			  "SELECT machine, devices FROM machine_abi WHERE binary = ?"
			  " AND status = 'ok' ORDER BY machine"))
		return 0;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		ALLOC_GROW(*out, n + 1, alloc);
		(*out)[n].name = xstrdup((const char *)sqlite3_column_text(q, 0));
		(*out)[n].devices = store_column_strdup(q, 1);
		n++;
	}
	sqlite3_finalize(q);
	return n;
}

/* One pass of the bare loop: seconds, or -1 when a boot failed. */
static double bare_loop(const char *binary, const struct gb_machine *m,
			size_t n, const char *image)
{
	double t0 = now_monotonic();

	for (size_t i = 0; i < n; i++) {
		struct strvec args = STRVEC_INIT;
		struct guestview gv;
		struct qtest t;
		int r;

		guestview_init(&gv);
		guest_args(m[i].name, m[i].devices, image, &args);
		r = qtest_start(&t, binary, m[i].name, (const char *const *)args.v, 20);
		strvec_clear(&args);
		if (!r) {
			r = guestview_read_cpu(&t, m[i].name, 30, &gv);
			qtest_stop(&t);
		}
		guestview_release(&gv);
		if (r)
			return -1;
	}
	return now_monotonic() - t0;
}

/* One pass as probe does it: seconds, or -1. */
static double probe_pass(struct store *st, long long id, const char *binary,
			 size_t *failed)
{
	struct guest_result g;
	struct zygote *z = NULL;
	double t0 = now_monotonic(), s;

	if (zygote_open(binary, &z))
		return -1;
	s = guest_probe_in(st, id, binary, z, &g) ? -1 : now_monotonic() - t0;
	zygote_free(z);
	*failed = g.failed;
	return s;
}

static void bench_guest_binary(const char *binary, const char *dir,
			       struct strbuf *out)
{
	struct strbuf db = STRBUF_INIT, image = STRBUF_INIT;
	double tool[RUNS], bare[RUNS];
	struct gb_machine *m = NULL;
	struct caps_result r;
	struct store st;
	size_t n = 0, failed = 0;
	int ok = 1;

	sb_printf(&db, "%s/guest.db", dir);
	sb_printf(&image, "%s/boot.img", dir);
	unlink(db.buf);
	if (store_open(&st, db.buf)) {
		sb_printf(out, "guest %s: skipped, no store\n", binary);
		goto out_free;
	}
	if (caps_probe(&st, binary, 1, CAPS_NO_GUEST, &r) ||
	    guestcpu_write_image(image.buf)) {
		sb_printf(out, "guest %s: skipped, it could not be probed\n", binary);
		goto out;
	}
	n = load_machines(&st, r.binary_id, &m);
	for (int i = 0; i < RUNS && ok; i++) {
		/* Alternating which side goes first, so that neither is always second. */
		if (i % 2)
			bare[i] = bare_loop(binary, m, n, image.buf);
		tool[i] = probe_pass(&st, r.binary_id, binary, &failed);
		if (!(i % 2))
			bare[i] = bare_loop(binary, m, n, image.buf);
		ok = tool[i] >= 0 && bare[i] >= 0;
	}
	if (!ok) {
		sb_printf(out, "guest %s: a guest view or a bare boot failed\n", binary);
		goto out;
	}
	sb_printf(out,
		  "guest %s: the view of %zu machine types %.2f s (goal %.0f s: %s; "
		  "%zu failed), a bare boot loop of the same %.2f s, ratio %.2f\n",
		  binary, n, median(tool, RUNS), GOAL,
		  median(tool, RUNS) <= GOAL ? "met" : "missed", failed,
		  median(bare, RUNS), median(tool, RUNS) / median(bare, RUNS));
out:
	store_close(&st);
out_free:
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].devices);
	}
	free(m);
	unlink(image.buf);
	unlink(db.buf);
	strbuf_release(&db);
	strbuf_release(&image);
}

void bench_guest(struct bench *b)
{
	struct strvec bins = STRVEC_INIT;

	bench_qemu_binaries(&bins);
	if (!bins.nr)
		sb_puts(b->out, "guest: skipped, no QEMU is installed\n");
	/* The first (Debian's when installed) and the newest. */
	for (size_t k = 0; k < bins.nr; k += bins.nr - 1 ? bins.nr - 1 : 1)
		bench_guest_binary(bins.v[k], b->dir, b->out);
	strvec_clear(&bins);
}
