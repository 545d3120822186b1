/*
 * The guest view of every versioned machine type of one binary
 * (guestprobe.h). Worker threads (lib/threads.h) take the machine types
 * one by one; each starts QEMU with the qtest
 * chardev (lib/qtest.h) and the boot sector's disk (guestcpu.c), waits
 * until SeaBIOS has booted it and its results are there (CPUID, the
 * local APIC, the firmware's e820), reads the rest of the view, stops
 * QEMU, and normalises what it read: guestview_normalise (what follows
 * addresses and randomness) and guestview_normalise_machine (the machine
 * type's own name). Waiting for the boot is what makes the view whole
 * and the same on every run: until then SeaBIOS is still at work (it
 * makes the BIOS area read-only in the host bridge's PAM registers at
 * the end of POST, iPXE sizes the NICs' BARs and enables bus mastering),
 * and a view read any earlier catches some of it half done. The guest
 * halts once its results are written, so nothing changes while the
 * view is read. The record is written once all are in (guestrecord.c),
 * in one transaction.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guestprobe.h"
#include "abi.h"
#include "canon.h"
#include "fs.h"
#include "guestrecord.h"
#include "guestview.h"
#include "qtest.h"
#include "threads.h"
#include "banned.h"

#define START_TIMEOUT 20
/* SeaBIOS needs about 0.15 s of TCG; the rest is room for a busy host. */
#define FIRMWARE_TIMEOUT 30

struct gmt {
	char *name;
	char *devices; /* as machine_abi has them, or NULL */
	struct guestview gv;
	char error[512];
	int failed;
	double seconds;
};

/* Whether the space-separated list has word. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* A path as one value of a QEMU option list: commas doubled. */
static void push_option_path(struct strvec *out, const char *prefix,
			     const char *path, const char *suffix)
{
	struct strbuf s = STRBUF_INIT;

	sb_puts(&s, prefix);
	for (const char *p = path; *p; p++) {
		if (*p == ',')
			sb_putc(&s, ',');
		sb_putc(&s, *p);
	}
	sb_puts(&s, suffix);
	strvec_push(out, s.buf);
	strbuf_release(&s);
}

void guest_args(const char *machine, const char *devices, const char *image,
		struct strvec *out)
{
	int pcie = strstr(machine, "q35") != NULL;

	strvec_pushv(out, (const char *const[]){ "-m", "128", NULL });
	for (size_t i = 0; i < canon_ndevs; i++) {
		const struct canon_dev *d = &canon_devs[i];

		if (devices ? !has_word(devices, d->name) : d->pcie_only && !pcie)
			continue;
		if (image && !strcmp(d->name, "virtio-blk-pci")) {
			strvec_push(out, "-blockdev");
			push_option_path(out, "driver=file,filename=", image,
					 ",node-name=disk0,read-only=on");
			strvec_pushv(out, (const char *const[]){
				"-device", "virtio-blk-pci,drive=disk0,id=blk0", NULL });
			continue;
		}
		strvec_pushv(out, d->args);
	}
}

/* One machine type: started, read, stopped, normalised. */
/* The lines of SeaBIOS's log that say what failed, "; "-joined into out. */
static int firmware_failures(const char *log, struct strbuf *out)
{
	int n = 0;

	for (const char *p = log; *p && n < 3;) {
		size_t len = strcspn(p, "\n");

		if (memmem(p, len, "fail", 4) || memmem(p, len, "No bootable", 11)) {
			sb_printf(out, "%s%.*s", n ? "; " : "", (int)len, p);
			n++;
		}
		p += len + (p[len] == '\n');
	}
	return n;
}

/*
 * When the boot sector's results did not come: the same machine once
 * more, with SeaBIOS's debug console (isa-debugcon on port 0x402 into a
 * file: a device of its own, so never part of the view) for up to
 * FWLOG_WAIT seconds, and what SeaBIOS says failed appended to why.
 */
#define FWLOG_WAIT 5
static void firmware_says(const struct gmt *m, struct zygote *z,
			  const char *binary, const char *image, char *why,
			  size_t size)
{
	struct strvec args = STRVEC_INIT;
	struct strbuf log = STRBUF_INIT, path = STRBUF_INIT, said = STRBUF_INIT;
	const char *slash = strrchr(image, '/');
	struct qtest t;
	double end = now_monotonic() + FWLOG_WAIT;

	sb_printf(&path, "%.*s/fw-%s.log", (int)(slash - image), image, m->name);
	guest_args(m->name, m->devices, image, &args);
	strvec_push(&args, "-chardev");
	push_option_path(&args, "file,id=fwlog,path=", path.buf, "");
	strvec_pushv(&args, (const char *const[]){
		"-device", "isa-debugcon,iobase=0x402,chardev=fwlog", NULL });
	if (!qtest_start_in(&t, z, binary, m->name, (const char *const *)args.v,
			    START_TIMEOUT)) {
		while (now_monotonic() < end && !vm_interrupted) {
			strbuf_reset(&log);
			if (!strbuf_read_file(&log, path.buf, 1 << 20) &&
			    (strstr(log.buf, "Booting from ROM") ||
			     strstr(log.buf, "No bootable device")))
				break;
			sleep_seconds(0.1);
		}
		qtest_stop(&t);
	}
	if (firmware_failures(log.buf, &said))
		snprintf(why + strlen(why), size - strlen(why),
			 "; SeaBIOS says: %s", said.buf);
	unlink(path.buf);
	strvec_clear(&args);
	strbuf_release(&log);
	strbuf_release(&path);
	strbuf_release(&said);
}

static void run_machine(struct gmt *m, struct zygote *z, const char *binary,
			const char *image)
{
	struct strvec args = STRVEC_INIT;
	struct qtest t;
	double t0 = now_monotonic();
	int r;

	error_keep(m->error, sizeof(m->error));
	guest_args(m->name, m->devices, image, &args);
	r = qtest_start_in(&t, z, binary, m->name, (const char *const *)args.v,
			   START_TIMEOUT);
	strvec_clear(&args);
	if (!r) {
		int booted = !image || !guestview_read_cpu(&t, m->name,
							   FIRMWARE_TIMEOUT, &m->gv);

		r = booted ? guestview_read(&t, m->name, FIRMWARE_TIMEOUT, &m->gv)
			   : -1;
		qtest_stop(&t);
		if (!booted && !vm_interrupted)
			firmware_says(m, z, binary, image, m->error,
				      sizeof(m->error));
	}
	if (!r)
		r = guestview_normalise(&m->gv) ||
		    guestview_normalise_machine(&m->gv, m->name);
	m->failed = r != 0;
	if (m->failed && !m->error[0])
		snprintf(m->error, sizeof(m->error), "the guest view failed");
	m->seconds = now_monotonic() - t0;
	error_keep(NULL, 0);
}

struct guest_queue {
	struct gmt *m;
	const char *binary;
	char *image;
	struct zygote *z;
};

static void guest_job(size_t i, void *arg)
{
	struct guest_queue *q = arg;

	run_machine(&q->m[i], q->z, q->binary, q->image);
}

/* The versioned machine types of id, with the devices their ABI had. */
static int load_machines(struct store *st, long long id, struct gmt **out,
			 size_t *n)
{
	auto_stmt *q = NULL;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, &q,
			  "SELECT t.name, a.devices FROM machine_types t"
			  " LEFT JOIN machine_abi a ON a.binary = t.binary"
			  "  AND a.machine = t.name AND a.status = 'ok'"
			  " WHERE t.binary = ? ORDER BY t.name COLLATE version"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		struct gmt *m;

		if (!abi_is_versioned(name))
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->name = xstrdup(name);
		m->devices = store_column_strdup(q, 1);
		guestview_init(&m->gv);
	}
	return 0;
}

static void free_machines(struct gmt *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].devices);
		guestview_release(&m[i].gv);
	}
	free(m);
}

/* The image and its directory gone; frees path. */
static void image_remove(char *path)
{
	char *slash = path ? strrchr(path, '/') : NULL;

	if (!path)
		return;
	unlink(path);
	*slash = '\0';
	rmdir(path);
	free(path);
}

/* The boot sector's disk image in a private directory, into *path. */
static int boot_image(char **path)
{
	char *dir = temp_template("guestview");
	struct strbuf p = STRBUF_INIT;

	*path = NULL;
	if (!mkdtemp(dir)) {
		error_errno("cannot create a directory '%s'", dir);
		free(dir);
		return -1;
	}
	sb_printf(&p, "%s/boot.img", dir);
	free(dir);
	*path = strbuf_detach(&p);
	if (!guestcpu_write_image(*path))
		return 0;
	image_remove(*path);
	*path = NULL;
	return -1;
}

static int record(struct store *st, long long id, const struct gmt *m,
		  size_t n, double seconds, struct guest_result *res)
{
	struct guest_outcome *v = xcalloc(n + 1, sizeof(*v));
	int ret;

	for (size_t i = 0; i < n; i++) {
		v[i].machine = m[i].name;
		v[i].gv = &m[i].gv;
		v[i].error = m[i].failed ? m[i].error : NULL;
		v[i].seconds = m[i].seconds;
		res->failed += m[i].failed;
	}
	ret = guest_record(st, id, v, n, seconds, &res->distinct);
	free(v);
	return ret;
}

int guest_probe_in(struct store *st, long long id, const char *binary,
		   struct zygote *z, struct guest_result *res)
{
	struct guest_queue q;
	struct gmt *m = NULL;
	size_t n = 0;
	double t0 = now_monotonic();
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (load_machines(st, id, &m, &n))
		return -1;
	memset(&q, 0, sizeof(q));
	q.m = m;
	q.binary = binary;
	q.z = z;
	if (boot_image(&q.image)) {
		free_machines(m, n);
		return -1;
	}
	threads_run(n, guest_job, &q);
	image_remove(q.image);
	res->machines = n;
	res->seconds = now_monotonic() - t0;
	if (vm_interrupted)
		error("probe '%s': the guest view was interrupted", binary);
	else
		ret = record(st, id, m, n, res->seconds, res);
	free_machines(m, n);
	return ret;
}
