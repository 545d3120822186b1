/*
 * Domain capabilities per (libvirt, QEMU) pair, into the domcaps table.
 */
#include <stdlib.h>
#include <string.h>

#include "domcaps.h"
#include "support.h"
#include "caps.h"
#include "libvirtd.h"
#include "sha256.h"
#include "binaries.h"
#include "banned.h"

static const char *const machines[] = { "q35", "pc" };

/* The probed binary id of a QEMU install, its virt type; 0 if not probed. */
static long long binary_of(struct store *st, const struct install *q,
			   const char **virttype)
{
	long long id;
	int r = binary_find(st, q->binary_path, &id);

	if (r)
		return r < 0 ? -1 : 0;
	r = binary_accel_usable(st, id, "kvm");
	if (r < 0)
		return -1;
	*virttype = r ? "kvm" : "qemu";
	return id;
}

/*
 * 1 when the pair is recorded for this very libvirt and QEMU binary: its
 * domain capabilities, or the daemon's refusal of it by rule (which an
 * unchanged pair would only repeat); 0 when it must be asked.
 */
static int have(struct store *st, const char *lv, const char *lvsha,
		long long bin, const char *machine)
{
	auto_stmt *s = NULL;
	const char *who, *words;
	size_t len;

	if (store_prepare(st, &s,
			  "SELECT xml IS NOT NULL, error FROM domcaps WHERE libvirt = ?"
			  " AND libvirt_sha256 = ? AND binary = ? AND machine = ?"))
		return -1;
	store_bind_text(s, 1, lv);
	store_bind_text(s, 2, lvsha);
	sqlite3_bind_int64(s, 3, bin);
	store_bind_text(s, 4, machine);
	if (sqlite3_step(s) != SQLITE_ROW)
		return 0;
	return sqlite3_column_int(s, 0) ||
	       support_refusal((const char *)sqlite3_column_text(s, 1), &who, &words, &len);
}

/* The text of <machine>...</machine> in xml, malloc'd, or NULL. */
static char *resolved(const char *xml)
{
	const char *a = xml ? strstr(xml, "<machine>") : NULL;
	const char *b = a ? strstr(a, "</machine>") : NULL;

	return a && b ? xstrndup(a + 9, (size_t)(b - a - 9)) : NULL;
}

static int record(struct store *st, const char *lv, const char *lvsha,
		  long long bin, const char *machine, const char *virttype,
		  const char *xml, const char *err, double seconds)
{
	auto_stmt *s = NULL;
	char now[32], *res = resolved(xml);
	int rc;

	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &s,
			  "INSERT OR REPLACE INTO domcaps (libvirt, libvirt_sha256,"
			  " binary, machine, resolved_machine, virttype, xml, error,"
			  " seconds, probed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
		free(res);
		return -1;
	}
	store_bind_text(s, 1, lv);
	store_bind_text(s, 2, lvsha);
	sqlite3_bind_int64(s, 3, bin);
	store_bind_text(s, 4, machine);
	store_bind_text(s, 5, res);
	store_bind_text(s, 6, virttype);
	store_bind_text(s, 7, xml);
	store_bind_text(s, 8, err);
	sqlite3_bind_double(s, 9, seconds);
	store_bind_text(s, 10, now);
	rc = sqlite3_step(s);
	free(res);
	return rc == SQLITE_DONE ? 0 : store_error(st, "cannot record domain capabilities");
}

int domcaps_probe(struct store *st, const struct install *lv,
		  const struct install *qemus, size_t nq, int force,
		  struct domcaps_result *res)
{
	struct libvirtd d;
	char lvsha[65], *daemon = libvirtd_binary(lv);
	double t0 = now_monotonic();
	int started = 0, ret = -1;

	memset(res, 0, sizeof(*res));
	if (sha256_file(daemon, lvsha))
		goto out;
	for (size_t i = 0; i < nq && !vm_interrupted; i++) {
		const char *virttype = "qemu";
		long long bin = binary_of(st, &qemus[i], &virttype);

		if (bin < 0)
			goto out;
		if (!bin) {
			warning("libvirt %s: qemu %s is not probed; skipped",
				lv->version, qemus[i].version);
			continue;
		}
		for (size_t m = 0; m < ARRAY_SIZE(machines); m++) {
			char *xml = NULL, *err = NULL;
			double t;
			int h = force ? 0 : have(st, lv->version, lvsha, bin, machines[m]);

			res->pairs++;
			if (h < 0)
				goto out;
			if (h) {
				res->skipped++;
				continue;
			}
			if (!started) {
				if (libvirtd_start(&d, lv, 60))
					goto out;
				started = 1;
			}
			t = now_monotonic();
			if (libvirtd_domcaps(&d, qemus[i].binary_path, machines[m],
					     virttype, &xml, &err)) {
				const char *who, *words;
				size_t len;

				if (support_refusal(err, &who, &words, &len)) {
					res->unsupported++;
					info("libvirt %s does not support qemu %s (machine %s): "
					     "%.*s",
					     lv->version, qemus[i].version, machines[m],
					     (int)len, words);
				} else {
					res->failed++;
					warning("libvirt %s with qemu %s, machine %s: %s",
						lv->version, qemus[i].version, machines[m],
						err);
				}
			} else {
				res->probed++;
			}
			if (record(st, lv->version, lvsha, bin, machines[m], virttype,
				   xml, err, now_monotonic() - t)) {
				free(xml);
				free(err);
				goto out;
			}
			free(xml);
			free(err);
		}
	}
	ret = vm_interrupted ? -1 : 0;
out:
	if (started)
		libvirtd_stop(&d);
	free(daemon);
	res->seconds = now_monotonic() - t0;
	return ret;
}
