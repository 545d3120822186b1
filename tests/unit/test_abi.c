/*
 * Machine-type ABI fingerprints from recorded QMP transcripts of real
 * QEMU 7.2.0, 10.0.2 and 10.2.2 sessions (tests/data/qmp/, re-recorded with
 * 'make record-transcripts'). The fingerprint must agree with QEMU's
 * own compat tables: on 7.2.0, pc-q35-7.1 -> 7.2 differs only in the
 * virtio devices' queue_reset (hw_compat_7_1), pc-q35-7.0 = 7.1 (their
 * compat props touch only devices not instantiated), and pc-i440fx-6.2 ->
 * 7.0 differs only in PIIX4_PM's x-not-migrate-acpi-index (hw_compat_6_2).
 */
#include "testutil.h"
#include "abi.h"
#include "canon.h"
#include "qmp.h"

struct session {
	char *qtree, *qom_tree;
	json_object *pci, *cpu, *props;
	json_object *qom; /* QOM path -> its properties, as abi_lines wants */
	int qom_gets, list_gets; /* how the machine properties were asked */
	int obj_gets, obj_lists; /* how the objects' properties were asked */
};

/*
 * A qom-get of an object's property: its value into its qom-list entry,
 * or, for an object asked without a qom-list (a CPU), into an entry of
 * its own, as the probe does.
 */
static void object_value(struct session *s, const char *path,
			 const char *prop, json_object *ret)
{
	json_object *listing = qmp_get(s->qom, path, json_type_array), *e;

	if (!listing) {
		listing = json_object_new_array();
		json_object_object_add(s->qom, path, listing);
	}
	for (size_t i = 0; i < qmp_array_len(listing); i++) {
		e = json_object_array_get_idx(listing, i);
		if (!strcmp(qmp_get_string(e, "name"), prop)) {
			json_object_object_add(e, "value", json_object_get(ret));
			s->obj_gets++;
			return;
		}
	}
	e = json_object_new_object();
	json_object_object_add(e, "name", json_object_new_string(prop));
	json_object_object_add(e, "value", json_object_get(ret));
	json_object_array_add(listing, e);
	s->obj_gets++;
}

/* One reply, by the request it answers, into s. */
static void take(struct session *s, const char *cmd, json_object *args,
		 json_object *ret)
{
	const char *path = qmp_get_string(args, "path");
	json_object *paths = qmp_get(args, "paths", json_type_array);

	if (!strcmp(cmd, "human-monitor-command")) {
		const char *cl = qmp_get_string(args, "command-line");

		if (!strcmp(cl, "info qtree"))
			s->qtree = xstrdup(json_object_get_string(ret));
		else if (!strcmp(cl, "info qom-tree"))
			s->qom_tree = xstrdup(json_object_get_string(ret));
	} else if (!strcmp(cmd, "query-pci")) {
		s->pci = json_object_get(ret);
	} else if (!strcmp(cmd, "query-cpu-model-expansion")) {
		s->cpu = json_object_get(ret);
	} else if (!strcmp(cmd, "qom-get") && !strcmp(path, "/machine")) {
		json_object_object_add(s->props, qmp_get_string(args, "property"),
				       json_object_get(ret));
		s->qom_gets++;
	} else if (!strcmp(cmd, "qom-get")) {
		object_value(s, path, qmp_get_string(args, "property"), ret);
	} else if (!strcmp(cmd, "qom-list") && strcmp(path, "/machine")) {
		json_object_object_add(s->qom, path, json_object_get(ret));
		s->obj_lists++;
	} else if (!strcmp(cmd, "qom-list-get") &&
		   !strcmp(json_object_get_string(json_object_array_get_idx(paths, 0)),
			   "/machine")) {
		json_object_put(s->props);
		s->props = abi_props_from_list_get(ret);
		s->list_gets++;
	} else if (!strcmp(cmd, "qom-list-get")) {
		for (size_t i = 0; i < qmp_array_len(paths); i++)
			json_object_object_add(
				s->qom, json_object_get_string(json_object_array_get_idx(paths, i)),
				json_object_get(qmp_get(json_object_array_get_idx(ret, i),
							"properties", json_type_array)));
		s->obj_lists++;
	}
}

/*
 * Reads one recorded session: "> request" and "< reply" lines, pipelined,
 * so replies are matched to requests by "id".
 */
static void load(const char *version, const char *machine, struct session *s)
{
	struct strbuf path = STRBUF_INIT;
	json_object *reqs = json_object_new_object();
	char *text, *p;

	memset(s, 0, sizeof(*s));
	s->props = json_object_new_object();
	s->qom = json_object_new_object();
	sb_printf(&path, "tests/data/qmp/%s/%s.replies", version, machine);
	text = tu_read(path.buf);
	for (p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char save = p[n];
		json_object *m, *id = NULL, *req = NULL, *ret = NULL;

		p[n] = '\0';
		m = json_tokener_parse(p + 2);
		if (m && json_object_object_get_ex(m, "id", &id)) {
			const char *key = json_object_get_string(id);

			if (!strncmp(p, "> ", 2))
				json_object_object_add(reqs, key, json_object_get(m));
			else if (json_object_object_get_ex(reqs, key, &req) &&
				 json_object_object_get_ex(m, "return", &ret))
				take(s, qmp_get_string(req, "execute"),
				     json_object_object_get(req, "arguments"), ret);
		}
		json_object_put(m);
		p += n + (save ? 1 : 0);
	}
	json_object_put(reqs);
	if (!s->qtree || !s->pci || !s->cpu || !s->qom_tree)
		fail_msg("%s: incomplete transcript", path.buf);
	free(text);
	strbuf_release(&path);
}

static void release(struct session *s)
{
	free(s->qtree);
	free(s->qom_tree);
	json_object_put(s->pci);
	json_object_put(s->cpu);
	json_object_put(s->props);
	json_object_put(s->qom);
}

/*
 * The fingerprint text of one recorded machine type; sha filled. With
 * how, the number of machine qom-gets and qom-list-gets, object qom-gets
 * and object listings in the session.
 */
static char *text_of_how(const char *version, const char *machine,
			 char sha[65], int how[4])
{
	struct session s;
	struct strvec lines = STRVEC_INIT;
	char *t;

	load(version, machine, &s);
	if (how) {
		how[0] = s.qom_gets;
		how[1] = s.list_gets;
		how[2] = s.obj_gets;
		how[3] = s.obj_lists;
	}
	abi_lines(&(struct abi_replies){ s.qtree, s.pci, s.cpu, s.props,
					 s.qom_tree, s.qom },
		  &lines);
	t = abi_text(machine, &lines, sha);
	strvec_clear(&lines);
	release(&s);
	return t;
}

static char *text_of(const char *version, const char *machine, char sha[65])
{
	return text_of_how(version, machine, sha, NULL);
}

/* Lines of a that are not in b, and of b not in a, as "-line"/"+line". */
static void diff_lines(const char *a, const char *b, struct strvec *out)
{
	const char *x = a, *y = b;

	/* Both are sorted: a merge walk. */
	while (*x || *y) {
		size_t nx = strcspn(x, "\n"), ny = strcspn(y, "\n");
		int c = !*x ? 1 : !*y ? -1 : strncmp(x, y, nx < ny ? nx : ny);

		if (!c && nx != ny)
			c = nx < ny ? -1 : 1;
		if (c < 0) {
			strvec_pushf(out, "-%.*s", (int)nx, x);
			x += nx + (x[nx] ? 1 : 0);
		} else if (c > 0) {
			strvec_pushf(out, "+%.*s", (int)ny, y);
			y += ny + (y[ny] ? 1 : 0);
		} else {
			x += nx + (x[nx] ? 1 : 0);
			y += ny + (y[ny] ? 1 : 0);
		}
	}
}

static const struct {
	const char *name, *version, *a, *b;
	const char *only_property; /* every differing line is about this */
	size_t min_changes;	   /* at least this many lines each way */
} pairs[] = {
	{ "hw_compat_7_1 queue_reset", "7.2.0", "pc-q35-7.1", "pc-q35-7.2", " queue_reset = ", 2 },
	{ "hw_compat_7_0: only devices not instantiated", "7.2.0", "pc-q35-7.0", "pc-q35-7.1", NULL, 0 },
	{ "hw_compat_6_2 PIIX4_PM", "7.2.0", "pc-i440fx-6.2", "pc-i440fx-7.0", "PIIX4_PM[0] x-not-migrate-acpi-index = ", 1 },
	{ "10.0: pc-q35-9.2 = pc-q35-10.0", "10.0.2", "pc-q35-9.2", "pc-q35-10.0", NULL, 0 },
};

static void test_compat_tables(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		char sa[65], sb[65];
		char *ta = text_of(pairs[i].version, pairs[i].a, sa);
		char *tb = text_of(pairs[i].version, pairs[i].b, sb);
		struct strvec d = STRVEC_INIT;
		size_t minus = 0, plus = 0;

		diff_lines(ta, tb, &d);
		if (!pairs[i].only_property) {
			if (strcmp(sa, sb) || d.nr)
				fail_msg("%s: expected equal fingerprints, %zu lines differ (first: %s)",
					 pairs[i].name, d.nr, d.nr ? d.v[0] : "");
		} else {
			if (!strcmp(sa, sb))
				fail_msg("%s: expected different fingerprints", pairs[i].name);
			for (size_t k = 0; k < d.nr; k++) {
				if (!strstr(d.v[k], pairs[i].only_property))
					fail_msg("%s: unexpected difference: %s",
						 pairs[i].name, d.v[k]);
				minus += d.v[k][0] == '-';
				plus += d.v[k][0] == '+';
			}
			if (minus < pairs[i].min_changes || plus != minus)
				fail_msg("%s: %zu lines removed, %zu added", pairs[i].name,
					 minus, plus);
		}
		strvec_clear(&d);
		free(ta);
		free(tb);
	}
}

/* The same session gives the same fingerprint; the machine's name is gone. */
static void test_stable_and_normalised(void **state)
{
	char a[65], b[65];
	char *t1 = text_of("10.0.2", "pc-q35-10.0", a);
	char *t2 = text_of("10.0.2", "pc-q35-10.0", b);

	(void)state;
	assert_string_equal(a, b);
	assert_string_equal(t1, t2);
	assert_null(strstr(t1, "pc-q35-10.0"));
	assert_null(strstr(t1, "rtc-time"));
	assert_null(strstr(t1, " at 0x"));
	/* No QOM path, whose numbering is QEMU's order of creation. */
	assert_null(strstr(t1, "/machine/"));
	assert_null(strstr(t1, "/device["));
	assert_contains(t1, "qom PCIE:rp0 acpi-pcihp-bsel = ", "bsel");
	/* The machine's guest-visible properties are in; host-side ones not. */
	assert_contains(t1, "machine smm = ", "smm");
	assert_contains(t1, "machine hpet = ", "hpet");
	assert_contains(t1, "machine max-ram-below-4g = ", "max-ram-below-4g");
	assert_null(strstr(t1, "machine type = "));
	assert_null(strstr(t1, "machine kernel = "));
	assert_null(strstr(t1, "machine mem-merge = "));
	assert_null(strstr(t1, "machine dump-guest-core = "));
	assert_contains(t1, "qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0 type = virtio-net-pci", "vnet0");
	assert_contains(t1, "cpu model = qemu64", "cpu");
	free(t1);
	free(t2);
}

/*
 * QEMU 10.2.2 recorded twice: two runs of one binary, one asking the
 * machine's and the QOM objects' properties with qom-list-get (as the
 * probe does from 10.1 on), the other with a qom-list and a qom-get each
 * (VIRT_MATRIX_ABI_QOM_GET=1, as before 10.1). Same lines, same
 * fingerprint, the qom lines among them, and each session really asked
 * its way.
 */
static void test_list_get_equals_qom_get(void **state)
{
	static const char *const machines[] = { "pc-q35-10.2", "pc-i440fx-10.2",
						"pc-q35-7.2", "pc-i440fx-7.2",
						"pc-q35-6.1", "pc-q35-6.2" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		char sa[65], sb[65];
		int ha[4], hb[4];
		char *ta = text_of_how("10.2.2", machines[i], sa, ha);
		char *tb = text_of_how("10.2.2-qom-get", machines[i], sb, hb);
		const char *pm = strstr(machines[i], "q35") ? "qom ICH9-LPC[0] disable_s3 = "
							    : "qom PIIX4_PM[0] sci_int = 9\n";
		struct strvec d = STRVEC_INIT;

		/* list-get: one for the machine, one for the objects. */
		assert_int_equal(ha[0], 0);
		assert_int_equal(ha[1], 1);
		assert_int_equal(ha[2], 0);
		assert_int_equal(ha[3], 1);
		assert_true(hb[0] > 30);
		assert_int_equal(hb[1], 0);
		assert_true(hb[2] > 20);
		assert_true(hb[3] >= 4);
		assert_contains(ta, "machine smbios-entry-point-type = ", machines[i]);
		assert_contains(ta, "machine max-ram-below-4g = ", machines[i]);
		assert_contains(ta, pm, machines[i]);
		assert_contains(ta, "qom apic[0] version = 20\n", machines[i]);
		assert_contains(ta, "qom qemu64-x86_64-cpu[0] phys-bits = 40\n", machines[i]);
		assert_contains(ta, "qom qemu64-x86_64-cpu[0] feature-words 0x00000001.EDX = 0x",
				machines[i]);
		diff_lines(ta, tb, &d);
		if (strcmp(sa, sb) || d.nr)
			fail_msg("%s: %zu lines differ (first: %s)", machines[i], d.nr,
				 d.nr ? d.v[0] : "");
		strvec_clear(&d);
		free(ta);
		free(tb);
	}
}

/*
 * Pairs of machine types whose compat props set a property that qtree
 * does not show: the fingerprints told them apart before only by other
 * lines, now also by that property, and by it alone among the qom lines.
 *  - pc-q35-6.1 / 6.2, ICH9-LPC x-keep-pci-slot-hpc: false in 6.1
 *    (pc_compat_6_1, hw/i386/pc.c:148 at v10.2.0, which
 *    pc_q35_machine_6_1_options adds at hw/i386/pc_q35.c:514), true
 *    otherwise (hw/acpi/ich9.c:427). ich9_pm_add_properties adds it at
 *    run time (hw/acpi/ich9.c:456), so qtree does not print it; with it
 *    false and ACPI PCI hotplug on, q35 hides the PCIe slots' native
 *    hotplug capability (hw/i386/pc_q35.c:261-268).
 *  - pc-i440fx-2.6 / 2.7, the local APIC's legacy-instance-id: on in 2.6
 *    (pc_compat_2_6, hw/i386/pc.c:246 at v7.2.0, added to pc-i440fx-2.6
 *    at hw/i386/pc_piix.c:691), off otherwise. A qdev property
 *    (hw/intc/apic_common.c:422), but of a device on no bus, which qtree
 *    never reaches; it decides the APIC's vmstate instance id
 *    (apic_common.c:308), so the migration stream.
 */
static const struct {
	const char *name, *version, *a, *b;
	const char *line; /* the qom line's start, up to its value */
	const char *va, *vb;
} qom_pairs[] = {
	{ "pc_compat_6_1, qom-list-get", "10.2.2", "pc-q35-6.1", "pc-q35-6.2",
	  "qom ICH9-LPC[0] x-keep-pci-slot-hpc = ", "false", "true" },
	{ "pc_compat_6_1, qom-get", "10.2.2-qom-get", "pc-q35-6.1", "pc-q35-6.2",
	  "qom ICH9-LPC[0] x-keep-pci-slot-hpc = ", "false", "true" },
	{ "pc_compat_2_6", "7.2.0", "pc-i440fx-2.6", "pc-i440fx-2.7",
	  "qom apic[0] legacy-instance-id = ", "true", "false" },
};

static void test_qom_pairs(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(qom_pairs); i++) {
		char sa[65], sb[65];
		char *ta = text_of(qom_pairs[i].version, qom_pairs[i].a, sa);
		char *tb = text_of(qom_pairs[i].version, qom_pairs[i].b, sb);
		const char *prop = strrchr(qom_pairs[i].line, ']');
		struct strvec d = STRVEC_INIT;
		struct strbuf want = STRBUF_INIT;
		size_t qom = 0;

		diff_lines(ta, tb, &d);
		sb_printf(&want, "-%s%s", qom_pairs[i].line, qom_pairs[i].va);
		for (size_t k = 0; k < d.nr; k++) {
			int is_qom = !strncmp(d.v[k] + 1, "qom ", 4);

			if (is_qom && strncmp(d.v[k] + 1, qom_pairs[i].line,
					      strlen(qom_pairs[i].line)))
				fail_msg("%s: another qom line differs: %s",
					 qom_pairs[i].name, d.v[k]);
			/* The other lines (qtree, cpu) never name it. */
			if (!is_qom && strstr(d.v[k], prop + 2))
				fail_msg("%s: a line besides qom shows it: %s",
					 qom_pairs[i].name, d.v[k]);
			if (is_qom && !strcmp(d.v[k], want.buf))
				qom |= 1;
			if (is_qom && d.v[k][0] == '+' &&
			    !strcmp(d.v[k] + 1 + strlen(qom_pairs[i].line), qom_pairs[i].vb))
				qom |= 2;
		}
		if (qom != 3 || !strcmp(sa, sb))
			fail_msg("%s: %s %s / %s %s not among the %zu differences",
				 qom_pairs[i].name, qom_pairs[i].line, qom_pairs[i].va,
				 qom_pairs[i].line, qom_pairs[i].vb, d.nr);
		strvec_clear(&d);
		strbuf_release(&want);
		free(ta);
		free(tb);
	}
}

/* What is kept of a qom-list-get reply, and what is not. */
static void test_props_from_list_get(void **state)
{
	json_object *ret = json_tokener_parse(
		"[{\"properties\": ["
		"{\"name\": \"type\", \"type\": \"string\", \"value\": \"pc-q35-10.2-machine\"},"
		"{\"name\": \"smm\", \"type\": \"OnOffAuto\", \"value\": \"auto\"},"
		"{\"name\": \"memory-backend\", \"type\": \"string\"},"
		"{\"name\": \"rtc-time\", \"type\": \"struct tm\", \"value\": {\"tm_year\": 126}},"
		"{\"name\": \"peripheral\", \"type\": \"child<container>\", \"value\": \"/machine/peripheral\"},"
		"{\"name\": \"acpi-pm\", \"type\": \"link<PCIDevice>\", \"value\": \"\"},"
		"{\"name\": \"max-ram-below-4g\", \"type\": \"size\", \"value\": 2147483648},"
		"{\"name\": \"kernel\", \"type\": \"string\", \"value\": \"\"},"
		"{\"name\": \"mem-merge\", \"type\": \"bool\", \"value\": true}"
		"]}]");
	json_object *p, *v = NULL;

	(void)state;
	assert_non_null(ret);
	p = abi_props_from_list_get(ret);
	assert_int_equal(json_object_object_length(p), 2);
	assert_true(json_object_object_get_ex(p, "smm", &v));
	assert_string_equal(json_object_get_string(v), "auto");
	assert_true(json_object_object_get_ex(p, "max-ram-below-4g", &v));
	assert_int_equal(json_object_get_int64(v), 2147483648LL);
	/* Not guest ABI: the type's own name, host files and host policy. */
	assert_false(json_object_object_get_ex(p, "type", NULL));
	assert_false(json_object_object_get_ex(p, "kernel", NULL));
	assert_false(json_object_object_get_ex(p, "mem-merge", NULL));
	assert_false(json_object_object_get_ex(p, "memory-backend", NULL));
	assert_false(json_object_object_get_ex(p, "rtc-time", NULL));
	assert_false(json_object_object_get_ex(p, "peripheral", NULL));
	assert_false(json_object_object_get_ex(p, "acpi-pm", NULL));
	json_object_put(p);
	/* A reply without the object's properties gives none. */
	p = abi_props_from_list_get(NULL);
	assert_int_equal(json_object_object_length(p), 0);
	json_object_put(p);
	json_object_put(ret);
}

static void test_flatten_qtree(void **state)
{
	static const char qtree[] =
		"bus: main-system-bus\n"
		"  type System\n"
		"  dev: hpet, id \"\"\n"
		"    timers = 3 (0x3)\n"
		"    mmio 00000000fed00000/0000000000000400\n"
		"  dev: q35-pcihost, id \"\"\n"
		"    bus: pcie.0\n"
		"      type PCIE\n"
		"      dev: virtio-net-pci, id \"vnet0\"\n"
		"        addr = 01.0\n"
		"        bar 1: mem at 0xffffffffffffffff [0xffe]\n"
		"      dev: e1000e, id \"\"\n"
		"        addr = 02.0\n"
		"      dev: e1000e, id \"\"\n"
		"        addr = 03.0\n"
		"  dev: hpet, id \"\"\n"
		"    timers = 4 (0x4)\n";
	static const char *const want[] = {
		"qtree /main-system-bus : type System",
		"qtree /main-system-bus/hpet[0] type = hpet",
		"qtree /main-system-bus/hpet[0] timers = 3 (0x3)",
		"qtree /main-system-bus/hpet[0] : mmio 00000000fed00000/0000000000000400",
		"qtree /main-system-bus/q35-pcihost[0] type = q35-pcihost",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0 : type PCIE",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0 type = virtio-net-pci",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0 addr = 01.0",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0 : bar 1: mem [0xffe]",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/e1000e[0] type = e1000e",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/e1000e[0] addr = 02.0",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/e1000e[1] type = e1000e",
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/e1000e[1] addr = 03.0",
		"qtree /main-system-bus/hpet[1] type = hpet",
		"qtree /main-system-bus/hpet[1] timers = 4 (0x4)",
	};
	struct strvec out = STRVEC_INIT;

	(void)state;
	abi_flatten_qtree(qtree, &out);
	if (out.nr != ARRAY_SIZE(want))
		fail_msg("got %zu lines, want %zu; first: %s", out.nr,
			 ARRAY_SIZE(want), out.nr ? out.v[0] : "");
	for (size_t i = 0; i < out.nr; i++)
		if (strcmp(out.v[i], want[i]))
			fail_msg("line %zu: got '%s', want '%s'", i, out.v[i], want[i]);
	strvec_clear(&out);
}

/*
 * info qom-tree to the objects read: only the kinds abiqom.c names, in
 * path order with numbers compared as numbers, named by type and rank
 * (a bus by its own name), whatever QEMU numbered them; lines that are
 * not "/name (type)" skipped, types with spaces kept whole.
 */
static void test_qom_select(void **state)
{
	static const char tree[] =
		"/machine (pc-q35-7.2-machine)\r\n"
		"  /peripheral (container)\r\n"
		"    /rp0 (pcie-root-port)\r\n"
		"      /rp0 (PCIE)\r\n"
		"  /q35 (q35-pcihost)\r\n"
		"    /pcie.0 (PCIE)\r\n"
		"  /unattached (container)\r\n"
		"    /device[10] (qemu64-x86_64-cpu)\r\n"
		"      /lapic (apic)\r\n"
		"    /device[16] (ICH9 SMB)\r\n"
		"    /device[2] (ICH9-LPC)\r\n"
		"      /isa.0 (ISA)\r\n"
		"    garbage\r\n"
		"   /odd (apic)\r\n"
		"    /device[9] (qemu64-x86_64-cpu)\r\n"
		"      /lapic (apic)\r\n"
		"    /x-cpu (-cpu)\r\n"
		"    /y-cpu (y-cpu)\r\n";
	static const char *const want[][3] = {
		{ "/machine/peripheral/rp0/rp0", "PCIE", "PCIE:rp0" },
		{ "/machine/q35", "q35-pcihost", "q35-pcihost[0]" },
		{ "/machine/q35/pcie.0", "PCIE", "PCIE:pcie.0" },
		{ "/machine/unattached/device[2]", "ICH9-LPC", "ICH9-LPC[0]" },
		{ "/machine/unattached/device[9]", "qemu64-x86_64-cpu", "qemu64-x86_64-cpu[0]" },
		{ "/machine/unattached/device[9]/lapic", "apic", "apic[0]" },
		{ "/machine/unattached/device[10]", "qemu64-x86_64-cpu", "qemu64-x86_64-cpu[1]" },
		{ "/machine/unattached/device[10]/lapic", "apic", "apic[1]" },
		{ "/machine/unattached/y-cpu", "y-cpu", "y-cpu[0]" },
	};
	struct abi_qom_objs o = { NULL, 0, 0 };

	(void)state;
	abi_qom_select(tree, &o);
	if (o.nr != ARRAY_SIZE(want))
		fail_msg("got %zu objects, want %zu; first: %s", o.nr, ARRAY_SIZE(want),
			 o.nr ? o.v[0].path : "");
	for (size_t i = 0; i < o.nr; i++)
		if (strcmp(o.v[i].path, want[i][0]) || strcmp(o.v[i].type, want[i][1]) ||
		    strcmp(o.v[i].name, want[i][2]))
			fail_msg("object %zu: got %s (%s) %s, want %s (%s) %s", i,
				 o.v[i].path, o.v[i].type, o.v[i].name, want[i][0],
				 want[i][1], want[i][2]);
	abi_qom_objs_release(&o);
	abi_qom_select(NULL, &o);
	assert_int_equal(o.nr, 0);
	abi_qom_select("bus: main-system-bus\r\n  type System\r\n", &o);
	assert_int_equal(o.nr, 0);
}

/* Which properties of an object count, by the rules of abiqom.c. */
static const struct {
	const char *name, *type, *prop;
	int want;
} wanted_cases[] = {
	{ "a run-time PM property", "ICH9-LPC", "disable_s3", 1 },
	{ "what qtree prints of the type", "ICH9-LPC", "noreboot", 0 },
	{ "a link", "ICH9-LPC", "bus", 0 },
	{ "a child", "ICH9-LPC", "isa.0", 0 },
	{ "qdev's string form of addr", "ICH9-LPC", "legacy-addr", 0 },
	{ "legacy- with no such property", "apic", "legacy-instance-id", 1 },
	{ "bookkeeping", "ICH9-LPC", "realized", 0 },
	{ "bookkeeping: type", "apic", "type", 0 },
	{ "not listed", "ICH9-LPC", "enable_tco", 0 },
	{ "the PM base the firmware programs", "PIIX4_PM", "pm_io_base", 0 },
	{ "ICH9's GPE0 block follows the PM base", "ICH9-LPC", "gpe0_blk", 0 },
	{ "PIIX4's GPE0 block is fixed", "PIIX4_PM", "gpe0_blk", 1 },
	{ "a CPU's realized value", "qemu64-x86_64-cpu", "phys-bits", 1 },
	{ "a CPU's topology id: apic-id's", "qemu64-x86_64-cpu", "core-id", 0 },
	{ "the APIC's id: the CPU's apic-id", "apic", "id", 0 },
	{ "a CPU's feature words", "max-x86_64-cpu", "feature-words", 1 },
	{ "a CPU's expansion property", "qemu64-x86_64-cpu", "pmu", 0 },
	{ "what the accelerator could not give", "qemu64-x86_64-cpu", "filtered-features", 0 },
	{ "an object of another kind", "mc146818rtc", "date", 0 },
	{ "no type", NULL, "disable_s3", 0 },
	{ "no property", "ICH9-LPC", NULL, 0 },
};

static void test_qom_wanted(void **state)
{
	json_object *listing = json_tokener_parse(
		"[{\"name\": \"disable_s3\", \"type\": \"uint8\"},"
		" {\"name\": \"noreboot\", \"type\": \"bool\"},"
		" {\"name\": \"bus\", \"type\": \"link<PCI>\"},"
		" {\"name\": \"isa.0\", \"type\": \"child<ISA>\"},"
		" {\"name\": \"addr\", \"type\": \"int32\"},"
		" {\"name\": \"legacy-addr\", \"type\": \"str\"},"
		" {\"name\": \"legacy-instance-id\", \"type\": \"bool\"},"
		" {\"name\": \"realized\", \"type\": \"bool\"},"
		" {\"name\": \"type\", \"type\": \"string\"},"
		" {\"name\": \"phys-bits\", \"type\": \"uint32\"},"
		" {\"name\": \"core-id\", \"type\": \"int32\"},"
		" {\"name\": \"id\", \"type\": \"uint32\"},"
		" {\"name\": \"pm_io_base\", \"type\": \"uint32\"},"
		" {\"name\": \"gpe0_blk\", \"type\": \"uint32\"},"
		" {\"name\": \"feature-words\", \"type\": \"X86CPUFeatureWordInfo\"},"
		" {\"name\": \"pmu\", \"type\": \"bool\"},"
		" {\"name\": \"filtered-features\", \"type\": \"X86CPUFeatureWordInfo\"},"
		" {\"name\": \"date\", \"type\": \"struct tm\"}]");
	json_object *shown = abi_qtree_props(
		"bus: main-system-bus\r\n"
		"  dev: q35-pcihost, id \"\"\r\n"
		"    bus: pcie.0\r\n"
		"      dev: ICH9-LPC, id \"\"\r\n"
		"        noreboot = false\r\n"
		"        addr = 1f.0\r\n"
		"        bus: isa.0\r\n"
		"          dev: isa-pit, id \"\"\r\n"
		"            iobase = 64 (0x40)\r\n");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(wanted_cases); i++)
		if (abi_qom_wanted(wanted_cases[i].type, listing, wanted_cases[i].prop,
				   shown) != wanted_cases[i].want)
			fail_msg("%s: expected %d", wanted_cases[i].name,
				 wanted_cases[i].want);
	/* A device's buses end its properties: iobase is the PIT's. */
	assert_false(json_object_object_get_ex(
		json_object_object_get(shown, "ICH9-LPC"), "iobase", NULL));
	assert_true(json_object_object_get_ex(
		json_object_object_get(shown, "isa-pit"), "iobase", NULL));
	json_object_put(shown);
	json_object_put(listing);
}

/*
 * The qom lines from replies, including replies of the wrong type (the
 * probe checks their shape; the readers must not convert or crash):
 * what is not of the right type is left out, the rest read.
 */
static void test_qom_lines(void **state)
{
	static const char tree[] =
		"/machine (pc-i440fx-7.2-machine)\n"
		"  /unattached (container)\n"
		"    /device[0] (qemu64-x86_64-cpu)\n"
		"      /lapic (apic)\n"
		"    /device[3] (PIIX4_PM)\n";
	json_object *qom = json_tokener_parse(
		"{\"/machine/unattached/device[0]\": ["
		"  {\"name\": \"phys-bits\", \"type\": \"uint32\", \"value\": 40},"
		"  {\"name\": \"pmu\", \"type\": \"bool\", \"value\": false},"
		"  {\"name\": \"feature-words\", \"type\": \"X86CPUFeatureWordInfo\", \"value\": ["
		"    {\"cpuid-register\": \"EBX\", \"cpuid-input-ecx\": 0,"
		"     \"cpuid-input-eax\": 7, \"features\": 512},"
		"    {\"cpuid-register\": \"EDX\", \"cpuid-input-eax\": 2147483649,"
		"     \"features\": 563346429}]},"
		"  {\"name\": \"apic-id\", \"type\": \"uint32\"}],"
		" \"/machine/unattached/device[0]/lapic\": ["
		"  {\"name\": \"version\", \"type\": \"uint8\", \"value\": 20},"
		"  {\"name\": 5, \"type\": \"bool\", \"value\": true},"
		"  7,"
		"  {\"name\": \"vapic\", \"type\": 1, \"value\": true}],"
		" \"/machine/unattached/device[3]\": {\"name\": \"sci_int\"}}");
	static const char *const want[] = {
		"qom apic[0] version = 20",
		"qom qemu64-x86_64-cpu[0] feature-words 0x00000007.0.EBX = 0x00000200",
		"qom qemu64-x86_64-cpu[0] feature-words 0x80000001.EDX = 0x2193fbfd",
		"qom qemu64-x86_64-cpu[0] phys-bits = 40",
	};
	struct strvec lines = STRVEC_INIT;
	char sha[65];
	char *t;

	(void)state;
	abi_qom_lines(NULL, tree, qom, &lines);
	t = abi_text("pc-i440fx-7.2", &lines, sha);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_contains(t, want[i], want[i]);
	if (lines.nr != ARRAY_SIZE(want))
		fail_msg("got %zu lines, want %zu:\n%s", lines.nr, ARRAY_SIZE(want), t);
	strvec_clear(&lines);
	free(t);
	/* Feature words of another shape: the value as it came. */
	json_object_object_add(qom, "/machine/unattached/device[0]",
			       json_tokener_parse("[{\"name\": \"feature-words\","
						  " \"type\": \"X\", \"value\": [1]}]"));
	abi_qom_lines(NULL, tree, qom, &lines);
	assert_int_equal(lines.nr, 2);
	assert_string_equal(lines.v[0], "qom qemu64-x86_64-cpu[0] feature-words = [1]");
	strvec_clear(&lines);
	/* No qom-tree, or no object map: no qom lines. */
	json_object_put(qom);
	qom = json_object_new_array();
	abi_qom_lines(NULL, NULL, qom, &lines);
	abi_qom_lines(NULL, tree, NULL, &lines);
	abi_qom_lines(NULL, tree, qom, &lines);
	assert_int_equal(lines.nr, 0);
	json_object_put(qom);
}

static const struct {
	const char *name;
	int versioned;
} names[] = {
	{ "pc-q35-7.2", 1 }, { "pc-i440fx-10.0", 1 }, { "pc-q35-4.0.1", 1 },
	{ "q35", 0 },	     { "microvm", 0 },	      { "none", 0 },
	{ "pc-q35-x", 0 },   { "isapc", 0 },
};

static void test_versioned_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (abi_is_versioned(names[i].name) != names[i].versioned)
			fail_msg("%s: expected %d", names[i].name, names[i].versioned);
}

/* The QOM types a machine type's ABI text shows, for the vmstate check. */
static void test_text_types(void **state)
{
	static const char text[] =
		"cpu model = qemu64\n"
		"qom qemu64-x86_64-cpu[0] apic-id = 0\n"
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0 addr = 02.0\n"
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#vnet0/virtio-bus/virtio-net-device[0] mq = false\n"
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#rp0 chassis = 1\n"
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/ICH9-LPC[0]/isa.0/i8257[1] base = 192\n"
		"qtree /main-system-bus/q35-pcihost[0]/pcie.0/#nic0 : bar 0: mem [0x1fffe]\n"
		"qtree /main-system-bus/odd[x] y = 1\n"
		"qtree /main-system-bus/#nosuch z = 2\n"
		"pci 0:1f.0 id = 8086:2918\n";
	struct strvec t = STRVEC_INIT;
	struct strbuf got = STRBUF_INIT;
	char type[64];

	(void)state;
	abi_text_types(text, &t);
	strvec_join(&t, &got);
	assert_string_equal(got.buf, "qemu64-x86_64-cpu q35-pcihost "
				     "virtio-net-pci virtio-net-device pcie-root-port "
				     "ICH9-LPC i8257 e1000e");
	assert_int_equal(canon_type_of_id("blk0", type, sizeof(type)), 1);
	assert_string_equal(type, "virtio-blk-pci");
	assert_int_equal(canon_type_of_id("vnet", type, sizeof(type)), 0);
	assert_int_equal(canon_type_of_id("blk0", type, 4), 0);
	strvec_clear(&t);
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_tables),
		cmocka_unit_test(test_text_types),
		cmocka_unit_test(test_stable_and_normalised),
		cmocka_unit_test(test_list_get_equals_qom_get),
		cmocka_unit_test(test_qom_pairs),
		cmocka_unit_test(test_qom_select),
		cmocka_unit_test(test_qom_wanted),
		cmocka_unit_test(test_qom_lines),
		cmocka_unit_test(test_props_from_list_get),
		cmocka_unit_test(test_flatten_qtree),
		cmocka_unit_test(test_versioned_names),
	};
	return cmocka_run_group_tests_name("abi", tests, NULL, NULL);
}
