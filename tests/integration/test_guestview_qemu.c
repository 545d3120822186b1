/*
 * The guest view (matrix/guestview.c and guestcpu.c over lib/qtest.c) of
 * Debian's real QEMU, taken as the guest-view probe takes it (the
 * canonical devices, the boot sector's disk, guest_args() of
 * matrix/guestprobe.h): for pc-q35-7.2 and pc-i440fx-7.2, two runs must give the same record byte
 * for byte once normalised, and the record must hold what every such
 * guest has (FACP, DSDT, APIC; an SMBIOS entry point; fw_cfg's
 * etc/acpi/tables and etc/e820; the Intel host bridge at 00:00.0; the
 * boot sector's items). Sizing the BARs must leave the configuration
 * space as it was (a second read gives the same bytes) and find the
 * sizes QEMU itself reports (QMP query-pci, every function, every BAR).
 * The virtio registers: reading them leaves them as they were (a second
 * read, and a legacy-only device on pc-i440fx-2.6), and they show what
 * Debian's 7.2.22 changed from upstream 7.2.0 (/opt/qemu/7.2.0, built by
 * ark; skipped without it): virtio-net's RING_RESET on the 7.1 machine
 * types. PCI Express functions are 4096 bytes where there is an MCFG.
 * REGENERATE=1 rewrites the raw dump that tests/unit/test_guestview.c
 * parses (tests/data/guestview/pc-q35-7.2.txt).
 */
#include "guestqemu.h"
#include "guestprobe.h"
#include "guestdecode.h"
#include "guestview.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
/* Upstream 7.2.0, built by ark (not by make deps: skipped without it). */
#define UPSTREAM "/opt/qemu/7.2.0/bin/qemu-system-x86_64"
#define DUMP "tests/data/guestview/pc-q35-7.2.txt"


struct mt_case {
	const char *machine;
	const char *must[12]; /* items that must be present */
};

static const struct mt_case cases[] = {
	{ "pc-q35-7.2",
	  { "cpu/cpuid", "cpu/lapic", "firmware/e820", "acpi/RSDP", "acpi/FACP",
	    "acpi/DSDT", "acpi/APIC", "acpi/FACS", "acpi/MCFG", "smbios/entry",
	    "pcibar/00:01.0", NULL } },
	{ "pc-i440fx-7.2",
	  { "cpu/cpuid", "cpu/lapic", "firmware/e820", "acpi/RSDP", "acpi/FACP",
	    "acpi/DSDT", "acpi/APIC", "acpi/FACS", "smbios/table", "pci/00:01.0",
	    "pcibar/00:01.1", NULL } },
};

static void start(struct qtest *t, const char *machine, const char *img)
{
	gq_start(t, QEMU, machine, img);
}

/*
 * A second read of the stopped guest (again): every pci/, pcibar/ and
 * virtio/ item as the first read had it, so sizing and reading the
 * virtio registers changed nothing a driver would see.
 */
static void check_reread(const char *machine, const struct guestview *first,
			 const struct guestview *again)
{
	size_t n = 0;

	for (size_t i = 0; i < first->nr; i++) {
		const struct gv_item *a = &first->items[i], *b;

		if (strncmp(a->name, "pci/", 4) && strncmp(a->name, "pcibar/", 7) &&
		    strncmp(a->name, "virtio/", 7))
			continue;
		n++;
		b = guestview_find(again, a->name);
		if (!b || b->len != a->len || memcmp(a->data, b->data, a->len))
			fail_msg("%s: '%s' differs on a second read", machine, a->name);
	}
	if (n < 10)
		fail_msg("%s: only %zu PCI items", machine, n);
}

/* Each region query-pci lists for dev against the pcibar item of dev. */
static size_t check_device_bars(const char *machine, json_object *dev,
				const struct guestview *gv)
{
	json_object *regions = qmp_get(dev, "regions", json_type_array);
	struct gv_bar bars[GV_PCIBAR_SLOTS];
	const struct gv_item *it;
	int listed[GV_PCIBAR_SLOTS] = { 0 };
	char name[32];

	snprintf(name, sizeof(name), "pcibar/%02llx:%02llx.%llx",
		 qmp_get_int(dev, "bus", -1), qmp_get_int(dev, "slot", -1),
		 qmp_get_int(dev, "function", -1));
	it = guestview_find(gv, name);
	if (!it || gv_pcibar_decode(it->data, it->len, bars))
		fail_msg("%s: no valid '%s'", machine, name);
	for (size_t i = 0; i < qmp_array_len(regions); i++) {
		json_object *r = json_object_array_get_idx(regions, i);
		long long bar = qmp_get_int(r, "bar", -1);
		const char *type = qmp_get_string(r, "type");
		enum gv_bar_kind want;

		if (bar < 0 || bar >= GV_PCIBAR_SLOTS || !type)
			fail_msg("%s: %s: a region without bar or type", machine, name);
		listed[bar] = 1;
		want = bar == 6 ? GV_BAR_ROM
		       : !strcmp(type, "io") ? GV_BAR_IO
		       : qmp_get_bool(r, "mem_type_64") ? GV_BAR_MEM64 : GV_BAR_MEM32;
		if (bars[bar].kind != want ||
		    bars[bar].size != (uint64_t)qmp_get_int(r, "size", -1) ||
		    (want != GV_BAR_IO && want != GV_BAR_ROM &&
		     bars[bar].prefetch != qmp_get_bool(r, "prefetch")))
			fail_msg("%s: %s BAR%lld: kind %d size 0x%llx, query-pci "
				 "says %s size 0x%llx", machine, name, bar,
				 bars[bar].kind, (unsigned long long)bars[bar].size,
				 type, qmp_get_int(r, "size", -1));
	}
	for (int i = 0; i < GV_PCIBAR_SLOTS; i++)
		if (!listed[i] && bars[i].kind != GV_BAR_NONE &&
		    bars[i].kind != GV_BAR_UPPER)
			fail_msg("%s: %s slot %d sized 0x%llx, not in query-pci",
				 machine, name, i, (unsigned long long)bars[i].size);
	return qmp_array_len(regions);
}

static void check_bus_bars(const char *machine, json_object *devices,
			   const struct guestview *gv, size_t *funcs, size_t *vnet)
{
	for (size_t i = 0; i < qmp_array_len(devices); i++) {
		json_object *d = json_object_array_get_idx(devices, i);
		json_object *br = qmp_get(d, "pci_bridge", json_type_object);
		const char *id = qmp_get_string(d, "qdev_id");
		size_t n = check_device_bars(machine, d, gv);

		(*funcs)++;
		if (id && !strcmp(id, "vnet0"))
			*vnet = n;
		if (br)
			check_bus_bars(machine, qmp_get(br, "devices", json_type_array),
				       gv, funcs, vnet);
	}
}

/* The BAR sizes QEMU reports (QMP query-pci: buses) are those read back. */
static void check_bars_qmp(const char *machine, json_object *buses,
			   const struct guestview *gv)
{
	size_t funcs = 0, vnet = 0;

	for (size_t b = 0; b < qmp_array_len(buses); b++)
		check_bus_bars(machine,
			       qmp_get(json_object_array_get_idx(buses, b), "devices",
				       json_type_array),
			       gv, &funcs, &vnet);
	if (funcs < 8)
		fail_msg("%s: query-pci lists %zu functions", machine, funcs);
	/* virtio-net: I/O, MMIO (MSI-X), 64-bit prefetchable MMIO, ROM. */
	if (vnet != 4)
		fail_msg("%s: virtio-net has %zu BARs, expected 4", machine, vnet);
}

/*
 * One run: raw into *raw, the normalised dump into *norm; with checks,
 * a second read and query-pci too, each checked once QEMU is stopped.
 */
static void one_run(const char *machine, int checks, struct guestview *raw,
		    char **norm)
{
	struct qtest t;
	struct guestview gv, again;
	struct strbuf out = STRBUF_INIT;
	json_object *buses = NULL;
	struct qmp_error err;

	guestview_init(raw);
	guestview_init(&gv);
	guestview_init(&again);
	start(&t, machine, gq_image);
	gq_read_view(&t, machine, raw);
	if (checks && (guestview_read(&t, machine, 60, &again) ||
		       qmp_call(&t.proc.qmp, "query-pci", NULL, &buses, &err))) {
		qtest_stop(&t);
		fail_msg("%s: cannot read the guest view again or query-pci", machine);
	}
	qtest_stop(&t);
	if (checks) {
		check_reread(machine, raw, &again);
		check_bars_qmp(machine, buses, raw);
	}
	json_object_put(buses);
	guestview_release(&again);
	for (size_t i = 0; i < raw->nr; i++)
		guestview_add(&gv, raw->items[i].name, 0, raw->items[i].data,
			      raw->items[i].len);
	assert_int_equal(guestview_normalise(&gv), 0);
	guestview_dump(&gv, &out);
	*norm = strbuf_detach(&out);
	guestview_release(&gv);
}

static const struct gv_item *virtio_net(const struct guestview *gv,
					const char *what);

/* The length of the e1000e's pci/ item (8086:10d3), a PCI Express function. */
static size_t e1000e(const struct guestview *gv)
{
	for (size_t i = 0; i < gv->nr; i++) {
		const struct gv_item *it = &gv->items[i];

		if (!strncmp(it->name, "pci/", 4) && it->len >= 4 &&
		    !memcmp(it->data, "\x86\x80\xd3\x10", 4))
			return it->len;
	}
	return 0;
}

static int has_file(const struct guestview *gv, const char *name)
{
	const struct gv_item *d = guestview_find(gv, "fw_cfg/dir");
	struct gv_fwcfg_file *f = NULL;
	size_t n = 0;
	int found = 0;

	if (!d || gv_fwcfg_dir_parse(d->data, d->len, &f, &n))
		return 0;
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(f[i].name, name);
	free(f);
	return found;
}

static void test_two_runs_identical(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct mt_case *k = &cases[c];
		struct guestview a, b;
		char *na = NULL, *nb = NULL;
		const struct gv_item *host;

		one_run(k->machine, 1, &a, &na);
		one_run(k->machine, 0, &b, &nb);
		if (strcmp(na, nb)) {
			tu_write("/tmp", "guestview-a.txt", na);
			tu_write("/tmp", "guestview-b.txt", nb);
			fail_msg("%s: two runs differ once normalised (see "
				 "/tmp/guestview-[ab].txt)", k->machine);
		}
		for (size_t i = 0; k->must[i]; i++)
			if (!guestview_find(&a, k->must[i]))
				fail_msg("%s: no '%s' in the guest view", k->machine,
					 k->must[i]);
		if (!has_file(&a, "etc/acpi/tables") || !has_file(&a, "etc/e820"))
			fail_msg("%s: fw_cfg directory lacks etc/acpi/tables or "
				 "etc/e820", k->machine);
		if (!guestview_find(&a, "fw_cfg/etc/e820") ||
		    guestview_find(&a, "fw_cfg/etc/e820")->len % 20)
			fail_msg("%s: no etc/e820 of 20-byte entries", k->machine);
		/* The virtio devices' registers, and ECAM on q35 alone. */
		virtio_net(&a, k->machine);
		if (!!guestview_find(&a, "acpi/MCFG") != (e1000e(&a) == 4096))
			fail_msg("%s: the e1000e's pci/ item is %zu bytes",
				 k->machine, e1000e(&a));
		host = guestview_find(&a, "pci/00:00.0");
		if (!host || host->data[0] != 0x86 || host->data[1] != 0x80)
			fail_msg("%s: 00:00.0 is not Intel's", k->machine);
		if (c == 0 && getenv("REGENERATE")) {
			struct strbuf out = STRBUF_INIT;

			sb_puts(&out, "# guest view of pc-q35-7.2, Debian's QEMU 7.2, "
				      "raw, with the guest-view probe's devices and boot "
				      "disk (tests/integration/test_guestview_qemu.c)\n");
			guestview_dump(&a, &out);
			assert_int_equal(write_file_atomic(DUMP, out.buf, out.len), 0);
			strbuf_release(&out);
		}
		guestview_release(&a);
		guestview_release(&b);
		free(na);
		free(nb);
	}
}

/* The virtio/ item of the virtio-net function of gv (device 0x1000/0x1041). */
static const struct gv_item *virtio_net(const struct guestview *gv,
					const char *what)
{
	for (size_t i = 0; i < gv->nr; i++) {
		const struct gv_item *it = &gv->items[i], *pci;
		char name[32];
		unsigned dev;

		if (strncmp(it->name, "virtio/", 7))
			continue;
		snprintf(name, sizeof(name), "pci/%s", it->name + 7);
		pci = guestview_find(gv, name);
		dev = pci ? (unsigned)(pci->data[2] | pci->data[3] << 8) : 0;
		if (dev == 0x1000 || dev == 0x1041)
			return it;
	}
	fail_msg("%s: no virtio/ item of a virtio-net function", what);
	return NULL;
}

static uint64_t features(const struct gv_item *it)
{
	uint64_t f = 0;

	assert_true(it->len >= 10);
	for (int b = 7; b >= 0; b--)
		f = f << 8 | it->data[b];
	return f;
}

/* One view of machine on binary, the raw items into gv. */
static void view_of(const char *binary, const char *machine, struct guestview *gv)
{
	struct qtest t;

	guestview_init(gv);
	gq_start(&t, binary, machine, gq_image);
	gq_read_view(&t, machine, gv);
	qtest_stop(&t);
}

/*
 * Debian's 7.2.22 turns virtio-net's queue_reset off for pc-*-7.1 and
 * older (its compat properties); upstream 7.2.0 offers RING_RESET (bit
 * 40) there. On 7.2 both offer it. Everything else of the item (the
 * other features, the queues) is the same.
 */
static const struct two_case {
	const char *machine;
	uint64_t differ; /* the feature bits upstream has and Debian lacks */
} two_cases[] = {
	{ "pc-q35-7.1", 1ULL << 40 },
	{ "pc-i440fx-7.1", 1ULL << 40 },
	{ "pc-q35-7.2", 0 },
};

static void test_virtio_two_qemus(void **state)
{
	(void)state;
	if (access(UPSTREAM, X_OK)) {
		print_message("skipped: no %s (ark build qemu 7.2.0)\n", UPSTREAM);
		return;
	}
	for (size_t c = 0; c < ARRAY_SIZE(two_cases); c++) {
		const struct two_case *k = &two_cases[c];
		struct guestview deb, up;
		const struct gv_item *a, *b;
		struct strbuf da = STRBUF_INIT, db = STRBUF_INIT;

		view_of(QEMU, k->machine, &deb);
		view_of(UPSTREAM, k->machine, &up);
		a = virtio_net(&deb, k->machine);
		b = virtio_net(&up, k->machine);
		if ((features(b) & ~features(a)) != k->differ ||
		    (features(a) & ~features(b)))
			fail_msg("%s: virtio-net features 0x%016llx (Debian), "
				 "0x%016llx (upstream)", k->machine,
				 (unsigned long long)features(a),
				 (unsigned long long)features(b));
		print_message("%s: virtio-net features 0x%016llx (Debian), "
			      "0x%016llx (upstream)\n", k->machine,
			      (unsigned long long)features(a),
			      (unsigned long long)features(b));
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->data + 8, b->data + 8, a->len - 8);
		assert_true(features(a) >> 32 & 1); /* VERSION_1: read as modern */
		/* Decoded: the one line that says so. */
		assert_int_equal(guest_decode(&deb, a->name, &da), 0);
		assert_int_equal(guest_decode(&up, b->name, &db), 0);
		assert_contains(db.buf, "\nfeature 40 ring_reset = 1\n", k->machine);
		assert_contains(da.buf, k->differ ? "\nfeature 40 ring_reset = 0\n"
						  : "\nfeature 40 ring_reset = 1\n",
				k->machine);
		strbuf_release(&da);
		strbuf_release(&db);
		guestview_release(&deb);
		guestview_release(&up);
	}
}

/*
 * A legacy-only virtio device (pc-i440fx-2.6: disable-modern): its 32
 * host feature bits through I/O BAR0, the queues through the legacy
 * registers, the same on a second read of the stopped guest.
 */
static void test_virtio_legacy(void **state)
{
	struct qtest t;
	struct guestview gv, again;
	const struct gv_item *net, *net2;

	(void)state;
	guestview_init(&gv);
	guestview_init(&again);
	start(&t, "pc-i440fx-2.6", gq_image);
	gq_read_view(&t, "pc-i440fx-2.6", &gv);
	if (guestview_read(&t, "pc-i440fx-2.6", 60, &again))
		fail_msg("pc-i440fx-2.6: cannot read the guest view again");
	qtest_stop(&t);
	net = virtio_net(&gv, "pc-i440fx-2.6");
	net2 = virtio_net(&again, "pc-i440fx-2.6");
	assert_int_equal(features(net) >> 32, 0);
	assert_true(features(net) >> 5 & 1); /* MAC */
	assert_int_equal(net->data[8] | net->data[9] << 8, 3); /* rx, tx, ctrl */
	assert_true(net->len == net2->len && !memcmp(net->data, net2->data, net->len));
	guestview_release(&gv);
	guestview_release(&again);
}

/*
 * No time to wait for the firmware: the error says which binary, which
 * machine type and what the last poll saw, and QEMU is stopped cleanly.
 */
static void test_firmware_deadline(void **state)
{
	struct qtest t;
	struct guestview gv;
	char *msg;

	(void)state;
	guestview_init(&gv);
	assert_int_equal(qtest_start(&t, QEMU, "pc-q35-7.2", NULL, 20), 0);
	tu_capture_begin();
	assert_int_equal(guestview_read(&t, "pc-q35-7.2", 0, &gv), -1);
	msg = tu_capture_end();
	assert_contains(msg, "guest view of 'pc-q35-7.2' on '" QEMU "': the "
		       "firmware's ACPI tables were not ready within 0.0s (1 polls); "
		       "last seen: ", "deadline");
	if (!strstr(msg, "ACPI tables, seen once") && !strstr(msg, "'RSD PTR '"))
		fail_msg("the message does not say what was seen: %s", msg);
	assert_int_equal(gv.nr, 0);
	qtest_stop(&t);
	assert_int_equal(t.dir == NULL && t.fd == -1, 1);
	free(msg);
}

/* A QEMU that cannot start: the reason, and nothing left behind. */
static const struct start_case {
	const char *name, *binary, *machine, *expect;
} start_cases[] = {
	{ "no binary", "/nonexistent/qemu-system-x86_64", "pc-q35-7.2",
	  "cannot run '/nonexistent/qemu-system-x86_64': No such file" },
	{ "no such machine type", QEMU, "no-such-machine",
	  "qemu-system-x86_64: unsupported machine type" },
};

static void test_start_failures(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(start_cases); c++) {
		const struct start_case *k = &start_cases[c];
		struct qtest t;
		char *msg;

		tu_capture_begin();
		if (qtest_start(&t, k->binary, k->machine, NULL, 20) != -1)
			fail_msg("%s: started", k->name);
		msg = tu_capture_end();
		assert_contains(msg, k->expect, k->name);
		if (t.dir || t.fd != -1 || t.started)
			fail_msg("%s: left a directory or a connection", k->name);
		free(msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_runs_identical),
		cmocka_unit_test(test_virtio_two_qemus),
		cmocka_unit_test(test_virtio_legacy),
		cmocka_unit_test(test_firmware_deadline),
		cmocka_unit_test(test_start_failures),
	};

	if (access(QEMU, X_OK))
		return 0;
	return cmocka_run_group_tests(tests, gq_setup, gq_teardown);
}
