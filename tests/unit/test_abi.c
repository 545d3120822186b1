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

struct session {
	char *qtree;
	json_object *pci, *cpu, *props;
	int qom_gets, list_gets; /* how the machine properties were asked */
};

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

			if (!strncmp(p, "> ", 2)) {
				json_object_object_add(reqs, key, json_object_get(m));
			} else if (json_object_object_get_ex(reqs, key, &req) &&
				   json_object_object_get_ex(m, "return", &ret)) {
				const char *cmd = json_object_get_string(
					json_object_object_get(req, "execute"));
				json_object *args = json_object_object_get(req, "arguments");

				if (!strcmp(cmd, "human-monitor-command"))
					s->qtree = xstrdup(json_object_get_string(ret));
				else if (!strcmp(cmd, "query-pci"))
					s->pci = json_object_get(ret);
				else if (!strcmp(cmd, "query-cpu-model-expansion"))
					s->cpu = json_object_get(ret);
				else if (!strcmp(cmd, "qom-get")) {
					json_object_object_add(
						s->props,
						json_object_get_string(json_object_object_get(args, "property")),
						json_object_get(ret));
					s->qom_gets++;
				} else if (!strcmp(cmd, "qom-list-get")) {
					json_object_put(s->props);
					s->props = abi_props_from_list_get(ret);
					s->list_gets++;
				}
			}
		}
		json_object_put(m);
		p += n + (save ? 1 : 0);
	}
	json_object_put(reqs);
	if (!s->qtree || !s->pci || !s->cpu)
		fail_msg("%s: incomplete transcript", path.buf);
	free(text);
	strbuf_release(&path);
}

static void release(struct session *s)
{
	free(s->qtree);
	json_object_put(s->pci);
	json_object_put(s->cpu);
	json_object_put(s->props);
}

/*
 * The fingerprint text of one recorded machine type; sha filled. With
 * how, the number of qom-get and qom-list-get replies in the session.
 */
static char *text_of_how(const char *version, const char *machine,
			 char sha[65], int how[2])
{
	struct session s;
	struct strvec lines = STRVEC_INIT;
	char *t;

	load(version, machine, &s);
	if (how) {
		how[0] = s.qom_gets;
		how[1] = s.list_gets;
	}
	abi_lines(s.qtree, s.pci, s.cpu, s.props, &lines);
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
 * QEMU 10.2.2 recorded twice: asking the machine's properties with one
 * qom-list-get (as the probe does from 10.1 on) and with a qom-get each
 * (VIRT_MATRIX_ABI_QOM_GET=1, as before 10.1). Same lines, same
 * fingerprint, and each session really asked its way.
 */
static void test_list_get_equals_qom_get(void **state)
{
	static const char *const machines[] = { "pc-q35-10.2", "pc-i440fx-10.2",
						"pc-q35-7.2" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		char sa[65], sb[65];
		int ha[2], hb[2];
		char *ta = text_of_how("10.2.2", machines[i], sa, ha);
		char *tb = text_of_how("10.2.2-qom-get", machines[i], sb, hb);
		struct strvec d = STRVEC_INIT;

		assert_int_equal(ha[0], 0);
		assert_int_equal(ha[1], 1);
		assert_true(hb[0] > 30);
		assert_int_equal(hb[1], 0);
		assert_contains(ta, "machine smbios-entry-point-type = ", machines[i]);
		assert_contains(ta, "machine max-ram-below-4g = ", machines[i]);
		diff_lines(ta, tb, &d);
		if (strcmp(sa, sb) || d.nr)
			fail_msg("%s: %zu lines differ (first: %s)", machines[i], d.nr,
				 d.nr ? d.v[0] : "");
		strvec_clear(&d);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_tables),
		cmocka_unit_test(test_stable_and_normalised),
		cmocka_unit_test(test_list_get_equals_qom_get),
		cmocka_unit_test(test_props_from_list_get),
		cmocka_unit_test(test_flatten_qtree),
		cmocka_unit_test(test_versioned_names),
	};
	return cmocka_run_group_tests_name("abi", tests, NULL, NULL);
}
