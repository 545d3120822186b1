/*
 * The ABI report (reports/abi_report.c, reports/abi_acks.c): fingerprint
 * texts in the format matrix/abitext.c makes are compared case by case with
 * the exact differences expected; the acknowledgement file's parser is
 * fed good and bad lines (errors must name file and line); and a small
 * store with three QEMU installs gives the whole report: versions in
 * install-name order, comparisons between consecutive versions only,
 * acknowledged differences counted apart.
 */
#include "teststore.h"
#include "builders.h"
#include "report.h"

/* ---- rep_abi_compare ---- */

struct cmp_case {
	const char *name, *old_text, *new_text;
	const char *want; /* "kind|object|property|old|new\n" each, sorted as emitted */
};

static const struct cmp_case cmp_cases[] = {
	{ "equal",
	  "cpu model = qemu64\nmachine pit = true\n",
	  "cpu model = qemu64\nmachine pit = true\n", "" },
	{ "a value changed",
	  "qtree /m/pcie.0/#vnet0/virtio-bus/virtio-net-device[0] queue_reset = true\n",
	  "qtree /m/pcie.0/#vnet0/virtio-bus/virtio-net-device[0] queue_reset = false\n",
	  "changed|/m/pcie.0/#vnet0/virtio-bus/virtio-net-device[0]|queue_reset|true|false\n" },
	{ "a new knob is listed, not a break",
	  "cpu model = qemu64\n",
	  "cpu avx10 = false\ncpu model = qemu64\n",
	  "property-added|cpu|avx10|(absent)|false\n" },
	{ "a removed knob",
	  "machine device-memory-region-size = 0\nmachine pit = true\n",
	  "machine pit = true\n",
	  "property-removed|/machine|device-memory-region-size|0|(absent)\n" },
	{ "a JSON struct that only grew",
	  "machine smp = {\"cpus\":1,\"cores\":1}\n",
	  "machine smp = {\"modules\":1,\"cpus\":1,\"cores\":1}\n",
	  "property-added|/machine|smp.modules|(absent)|1\n" },
	{ "a JSON member that changed",
	  "machine smp = {\"cpus\":1,\"cores\":1}\n",
	  "machine smp = {\"cpus\":2,\"cores\":1}\n",
	  "changed|/machine|smp.cpus|1|2\n" },
	{ "a device added: once, at the top-most new device",
	  "qtree /main-system-bus/hpet[0] type = hpet\n",
	  "qtree /main-system-bus/hpet[0] type = hpet\n"
	  "qtree /main-system-bus/ps2-kbd[0] : gpio-out \"\" 1\n"
	  "qtree /main-system-bus/ps2-kbd[0] type = ps2-kbd\n"
	  "qtree /main-system-bus/ps2-kbd[0]/bus/child[0] type = child\n"
	  "qtree /main-system-bus/ps2-kbd[0]/bus/child[0] x = 1\n",
	  "device-added|/main-system-bus/ps2-kbd[0]|type|(absent)|ps2-kbd\n" },
	{ "a device removed, its name with a space",
	  "qtree /p/pcie.0/ICH9 SMB[0] addr = 1f.3\n"
	  "qtree /p/pcie.0/ICH9 SMB[0] type = ICH9 SMB\n",
	  "",
	  "device-removed|/p/pcie.0/ICH9 SMB[0]|type|ICH9 SMB|(absent)\n" },
	{ "a property of a device whose name has a space",
	  "qtree /p/pcie.0/ICH9 SMB[0] addr = 1f.3\nqtree /p/pcie.0/ICH9 SMB[0] type = ICH9 SMB\n",
	  "qtree /p/pcie.0/ICH9 SMB[0] addr = 1f.4\nqtree /p/pcie.0/ICH9 SMB[0] type = ICH9 SMB\n",
	  "changed|/p/pcie.0/ICH9 SMB[0]|addr|1f.3|1f.4\n" },
	{ "a BAR that grew",
	  "qtree /p/#nic0 : bar 0: mem [0x1fffe]\nqtree /p/#nic0 : bar 1: mem [0xffe]\n",
	  "qtree /p/#nic0 : bar 0: mem [0x1fffe]\nqtree /p/#nic0 : bar 1: mem [0x1ffe]\n",
	  "layout|/p/#nic0|(layout)|bar 1: mem [0xffe]|bar 1: mem [0x1ffe]\n" },
	{ "wiring and irq lines the monitor stopped printing are not compared",
	  "qtree /p/i8042[0] : isa irqs 1,12\nqtree /p/isa-fdc[0] : isa irq 6\n"
	  "qtree /p/i8042[0] type = i8042\n",
	  "qtree /p/i8042[0] : gpio-in \"ps2-kbd-input-irq\" 1\nqtree /p/i8042[0] : gpio-out \"\" 2\n"
	  "qtree /p/i8042[0] type = i8042\n",
	  "" },
	{ "a PCI slot filled",
	  "pci 0:00.0 id = 8086:29c0\n",
	  "pci 0:00.0 id = 8086:29c0\npci 0:03.0 class = 0200\npci 0:03.0 id = 8086:10d3\n",
	  "device-added|pci 0:03.0|id|(absent)|8086:10d3\n" },
	{ "a PCI id that changed, and a bridge line",
	  "pci 0:01.0 bridge\npci 0:01.0 id = 1b36:000c\npci 0:01.0>00.0 id = 1af4:1000\n",
	  "pci 0:01.0 bridge\npci 0:01.0 id = 1b36:000c\npci 0:01.0>00.0 id = 1af4:1041\n",
	  "changed|pci 0:01.0>00.0|id|1af4:1000|1af4:1041\n" },
	{ "a QOM property qtree does not show, and a CPUID word",
	  "qom ICH9-LPC[0] x-keep-pci-slot-hpc = false\n"
	  "qom qemu64-x86_64-cpu[0] feature-words 0x00000001.ECX = 0x80002001\n",
	  "qom ICH9-LPC[0] x-keep-pci-slot-hpc = true\n"
	  "qom qemu64-x86_64-cpu[0] feature-words 0x00000001.ECX = 0x80802001\n",
	  "changed|qom ICH9-LPC[0]|x-keep-pci-slot-hpc|false|true\n"
	  "changed|qom qemu64-x86_64-cpu[0]|feature-words 0x00000001.ECX|0x80002001|"
	  "0x80802001\n" },
	{ "a CPU feature that flipped",
	  "cpu model = qemu64\ncpu svm = true\n",
	  "cpu model = qemu64\ncpu svm = false\n",
	  "changed|cpu|svm|true|false\n" },
};

static void diffs_text(const struct rep_abi *abi, struct strbuf *out)
{
	for (size_t i = 0; i < abi->ndiffs; i++) {
		const struct rep_abi_diff *d = &abi->diffs[i];

		sb_printf(out, "%s|%s|%s|%s|%s\n", rep_abi_kind_name(d->kind), d->object,
			  d->property, d->old_value ? d->old_value : "(absent)",
			  d->new_value ? d->new_value : "(absent)");
	}
}

static struct rep_versions two_versions(void)
{
	struct rep_versions v = { xcalloc(2, sizeof(struct rep_qemu)), 2 };

	v.v[0].name = xstrdup("7.2.0");
	v.v[1].name = xstrdup("10.0.2");
	return v;
}

static void test_compare(void **state)
{
	struct rep_versions v = two_versions();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cmp_cases); i++) {
		const struct cmp_case *c = &cmp_cases[i];
		struct rep_abi abi;
		struct strbuf got = STRBUF_INIT;

		memset(&abi, 0, sizeof(abi));
		rep_abi_compare(&abi, &v, "pc-q35-7.1", 0, 1, c->old_text, c->new_text);
		diffs_text(&abi, &got);
		if (strcmp(got.buf, c->want))
			fail_msg("case '%s': got\n%s\nwant\n%s", c->name, got.buf, c->want);
		for (size_t k = 0; k < abi.ndiffs; k++)
			assert_string_equal(abi.diffs[k].machine, "pc-q35-7.1");
		strbuf_release(&got);
		rep_abi_release(&abi);
	}
	rep_versions_release(&v);
}

/* ---- the acknowledgement file ---- */

struct ack_bad {
	const char *name, *text, *msg;
};

static const struct ack_bad ack_bad[] = {
	{ "unknown key", "machine=pc-* property=x from=* to=* reason=r machin=x\n",
	  "error: specs/abi-acks:1: unknown key 'machin'; expected machine, object, "
	  "property, from, to, old, new or reason\n" },
	{ "not key=value", "# c\n\nmachine=pc-* rombar\n",
	  "error: specs/abi-acks:3: 'rombar' is not key=value; expected machine, "
	  "object, property, from, to, old, new or reason\n" },
	{ "missing reason", "machine=pc-* property=x from=* to=*\n",
	  "error: specs/abi-acks:1: missing reason=; an entry needs machine, property, "
	  "from, to and reason\n" },
	{ "empty reason", "machine=pc-* property=x from=* to=* reason=\"\"\n",
	  "error: specs/abi-acks:1: missing reason=; an entry needs machine, property, "
	  "from, to and reason\n" },
	{ "bad range", "machine=pc-* property=x from=7.2.x to=* reason=r\n",
	  "error: specs/abi-acks:1: from='7.2.x' is not a version range; expected *, "
	  "7.2, 7.2.., ..8.0 or 5.2..7.2\n" },
	{ "given twice", "machine=a machine=b property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: 'machine' given twice\n" },
	{ "unterminated quote", "machine=a property=x from=* to=* reason=\"r\n",
	  "error: specs/abi-acks:1: unterminated quote\n" },
	/* Patterns that cannot match what was meant are refused. */
	{ "unterminated bracket", "# c\nmachine=[ property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:2: machine='[' is not a pattern: a '[' is not closed "
	  "by ']'\n" },
	{ "unterminated bracket in object",
	  "machine=pc-* object=*/nic[0 property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: object='*/nic[0' is not a pattern: a '[' is not "
	  "closed by ']'\n" },
	{ "only a ']' inside", "machine=pc-[] property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: machine='pc-[]' is not a pattern: a '[' is not "
	  "closed by ']'\n" },
	{ "unknown class", "machine=pc-[[:num:]] property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: machine='pc-[[:num:]]' is not a pattern: '[:...:]' "
	  "names no character class (alnum, alpha, blank, cntrl, digit, graph, lower, "
	  "print, punct, space, upper or xdigit)\n" },
	{ "class not closed", "machine=pc-[[:digit] property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: machine='pc-[[:digit]' is not a pattern: a '[:' is "
	  "not closed by ':]'\n" },
	{ "trailing backslash", "machine=pc-* property=x old=a\\ from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: old='a\\\\' is not a pattern: a '\\\\' at the end "
	  "escapes nothing\n" },
	{ "a guest-view entry whose property is no kind",
	  "machine=pc-* object=guest:acpi/DSDT property=rombar from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: property='rombar' matches no kind of guest-view "
	  "difference; expected changed, added or removed\n" },
	{ "escape sequence in a key, escaped",
	  "machine=pc-* \033[2Jx=1 property=x from=* to=* reason=r\n",
	  "error: specs/abi-acks:1: unknown key '\\x1b[2Jx'; expected machine, object, "
	  "property, from, to, old, new or reason\n" },
};

/* Well-formed patterns with brackets are taken. */
static const char *const ack_good_patterns[] = {
	"machine=pc-[qi]* property=x from=* to=* reason=r\n",
	"machine=pc-[!x]* property=[]a]* from=* to=* reason=r\n",
	"machine=pc-[^[:digit:]]* property=x from=* to=* reason=r\n",
	"machine=pc-* object=*/ICH9?SMB\\[0\\] property=x from=* to=* reason=r\n",
	"machine=pc-* property=x new=[[=a=][.b.]] from=* to=* reason=r\n",
	"machine=pc-* property=x old=\\[ from=* to=* reason=r\n",
};

static void test_acks_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ack_bad); i++) {
		struct rep_acks a;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = rep_acks_parse("specs/abi-acks", ack_bad[i].text, &a);
		msg = tu_capture_end();
		if (rc != -1 || strcmp(msg, ack_bad[i].msg))
			fail_msg("case '%s': rc %d, message\n%s\nwant\n%s", ack_bad[i].name,
				 rc, msg, ack_bad[i].msg);
		assert_int_equal(a.nr, 0);
		free(msg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ack_good_patterns); i++) {
		struct rep_acks a;

		if (rep_acks_parse("acks", ack_good_patterns[i], &a))
			fail_msg("refused: %s", ack_good_patterns[i]);
		assert_int_equal(a.nr, 1);
		rep_acks_release(&a);
	}
}

struct ack_match {
	const char *name, *machine, *object, *property, *from, *to, *old_value,
		*new_value;
	int want_line; /* 0: none */
};

static const char ack_text[] =
	"# comment\n"
	"machine=pc-q35-* object=*/ICH9?SMB\\[0\\] property=type from=..5.2 to=6.0.. "
	"old=\"\" new=ICH9-SMB reason=\"renamed\"\n"
	"machine=pc-* property=rombar from=..9.1 to=9.2.. old=\"1 (0x1)\" new=\"-1 *\" "
	"reason=\"int32 now\"\n"
	"machine=pc-* object=guest:acpi/* property=changed from=* to=* new=*_S3_* "
	"reason=\"S3 back\"\n"
	"machine=* property=* from=* to=* old=x reason=\"any x\"\n";

static const struct ack_match ack_matches[] = {
	{ "device added, absent old value", "pc-q35-2.4", "/m/pcie.0/ICH9-SMB[0]",
	  "type", "5.2.0", "7.2.0", NULL, "ICH9-SMB", 2 },
	{ "machine pattern", "pc-i440fx-2.4", "/m/pcie.0/ICH9-SMB[0]", "type",
	  "5.2.0", "7.2.0", NULL, "ICH9-SMB", 0 },
	{ "older version out of range", "pc-q35-2.4", "/m/pcie.0/ICH9-SMB[0]", "type",
	  "6.0.0", "7.2.0", NULL, "ICH9-SMB", 0 },
	{ "labels do not count for ranges", "pc-q35-9.0", "/x/#nic0", "rombar",
	  "7.2.22-system", "10.0.2", "1 (0x1)", "-1 (0xffffffffffffffff)", 3 },
	{ "old value must match", "pc-q35-9.0", "/x/#nic0", "rombar", "7.2.22-system",
	  "10.0.2", "0 (0x0)", "-1 (0xffffffffffffffff)", 0 },
	{ "bracket must be literal", "pc-q35-2.4", "/m/pcie.0/ICH9-SMB0", "type",
	  "5.2.0", "7.2.0", NULL, "ICH9-SMB", 0 },
	{ "a guest-view item, lines across newlines", "pc-q35-9.0", "guest:acpi/DSDT",
	  "changed", "7.2.0", "10.0.2", "", "Scope (\\)\n{\n    Name (_S3_, Package (0x04)",
	  4 },
	{ "a guest-view entry's lines must match", "pc-q35-9.0", "guest:acpi/DSDT",
	  "changed", "7.2.0", "10.0.2", "", "Name (_S4_, Zero)", 0 },
	{ "a guest-view entry is not for QEMU's side", "pc-q35-9.0", "acpi/DSDT",
	  "changed", "7.2.0", "10.0.2", "", "_S3_", 0 },
	{ "an entry without guest: is not for the guest view", "pc-q35-9.0",
	  "guest:acpi/SSDT", "changed", "7.2.0", "10.0.2", "x", "y", 0 },
	{ "... but for QEMU's side", "pc-q35-9.0", "/machine", "changed", "7.2.0",
	  "10.0.2", "x", "y", 5 },
};

static void test_acks_match(void **state)
{
	struct rep_acks a;

	(void)state;
	assert_int_equal(rep_acks_parse("acks", ack_text, &a), 0);
	assert_int_equal(a.nr, 4);
	assert_int_equal(a.v[0].line, 2);
	assert_string_equal(a.v[0].object, "*/ICH9?SMB\\[0\\]");
	assert_string_equal(a.v[1].reason, "int32 now");
	for (size_t i = 0; i < ARRAY_SIZE(ack_matches); i++) {
		const struct ack_match *m = &ack_matches[i];
		const struct rep_ack *k =
			rep_acks_match(&a, m->machine, m->object, m->property, m->from,
				       m->to, m->old_value, m->new_value);

		if ((k ? k->line : 0) != m->want_line)
			fail_msg("case '%s': matched line %d, want %d", m->name,
				 k ? k->line : 0, m->want_line);
	}
	assert_int_equal(a.v[0].used, 1);
	assert_int_equal(a.v[1].used, 1);
	assert_int_equal(a.v[2].used, 1);
	assert_int_equal(a.v[3].used, 1);
	rep_acks_release(&a);
}

/* ---- a whole store ---- */

static void put_text(struct store *st, const char *sha, const char *text)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q, "INSERT INTO abi_texts VALUES (?, ?)"), 0);
	store_bind_text(q, 1, sha);
	store_bind_text(q, 2, text);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

static void abi_store(struct store *st)
{
	assert_int_equal(store_open(st, ":memory:"), 0);
	/* Installs out of order; one label; one never probed. */
	tu_exec(st, "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		 " binary_sha256, status, installed_at) VALUES"
		 " ('qemu', '10.0.2', 'built', '/o/q/10', '/o/q/10/b', 'sC', 'installed', 'x'),"
		 " ('qemu', '7.2.22-system', 'imported', '/usr', '/usr/b', 'sB', 'installed', 'x'),"
		 " ('qemu', '5.2.0', 'built', '/o/q/5', '/o/q/5/b', 'sA', 'installed', 'x'),"
		 " ('qemu', '9.0.0', 'built', '/o/q/9', '/o/q/9/b', 'sZ', 'installed', 'x'),"
		 " ('libvirt', '9.0.0', 'built', '/o/l', '/o/l/b', 'sL', 'installed', 'x')");
	tu_exec(st, "INSERT INTO binaries (id, sha256, version, status, probed_at) VALUES"
		 " (1, 'sC', '10.0.2', 'complete', 'x'), (2, 'sB', '7.2.22', 'complete', 'x'),"
		 " (3, 'sA', '5.2.0', 'complete', 'x'), (4, 'sZ', '9.0.0', 'failed', 'x')");
	put_text(st, "t1", "machine pit = true\nqtree /p/#nic0 rombar = 1 (0x1)\n");
	put_text(st, "t2", "machine pit = \"auto\"\nqtree /p/#nic0 rombar = 1 (0x1)\n");
	put_text(st, "t3", "machine pit = \"auto\"\nqtree /p/#nic0 rombar = -1 (0xffffffffffffffff)\n");
	put_text(st, "t4", "machine pit = true\nqtree /p/#nic0 x = 0\n");
	/* pc-q35-5.2: t1 -> t2 -> t3; pc-q35-7.2: only in two versions,
	 * equal; pc-q35-4.2: failed in the middle version, so 5.2.0 and
	 * 10.0.2 are compared directly. */
	tu_exec(st, "INSERT INTO machine_abi (binary, machine, status, fingerprint) VALUES"
		 " (3, 'pc-q35-5.2', 'ok', 't1'), (2, 'pc-q35-5.2', 'ok', 't2'),"
		 " (1, 'pc-q35-5.2', 'ok', 't3'),"
		 " (2, 'pc-q35-7.2', 'ok', 't2'), (1, 'pc-q35-7.2', 'ok', 't2'),"
		 " (3, 'pc-q35-4.2', 'ok', 't4'), (2, 'pc-q35-4.2', 'failed', NULL),"
		 " (1, 'pc-q35-4.2', 'ok', 't1')");
}

static void test_abi_store(void **state)
{
	static const char want[] =
		"pc-q35-4.2 5.2.0->10.0.2 property-added /p/#nic0 rombar ack=0\n"
		"pc-q35-4.2 5.2.0->10.0.2 property-removed /p/#nic0 x ack=0\n"
		"pc-q35-5.2 5.2.0->7.2.22-system changed /machine pit ack=0\n"
		"pc-q35-5.2 7.2.22-system->10.0.2 changed /p/#nic0 rombar ack=3\n";
	struct rep_versions v;
	struct rep_abi abi;
	struct store st;
	struct strbuf got = STRBUF_INIT;

	(void)state;
	abi_store(&st);
	assert_int_equal(rep_versions_load(&st, &v), 0);
	assert_int_equal(v.nr, 4);
	assert_string_equal(v.v[0].name, "5.2.0");
	assert_string_equal(v.v[1].name, "7.2.22-system");
	assert_string_equal(v.v[1].version, "7.2.22");
	assert_string_equal(v.v[2].name, "9.0.0");
	assert_int_equal(v.v[2].binary, 0); /* its probe failed */
	assert_string_equal(v.v[3].name, "10.0.2");
	memset(&abi, 0, sizeof(abi));
	assert_int_equal(rep_acks_parse("acks", ack_text, &abi.acks), 0);
	assert_int_equal(rep_abi_build(&st, &v, &abi), 0);
	assert_int_equal(abi.nmachines, 3);
	assert_string_equal(abi.machines[0].name, "pc-q35-4.2");
	assert_string_equal(abi.machines[1].name, "pc-q35-5.2");
	assert_string_equal(abi.machines[2].name, "pc-q35-7.2");
	assert_string_equal(abi.machines[0].fingerprint[1], "failed");
	assert_null(abi.machines[2].fingerprint[0]);
	assert_string_equal(abi.machines[2].fingerprint[3], "t2");
	for (size_t i = 0; i < abi.ndiffs; i++) {
		const struct rep_abi_diff *d = &abi.diffs[i];

		sb_printf(&got, "%s %s->%s %s %s %s ack=%d\n", d->machine,
			  rep_vname(&v, d->from), rep_vname(&v, d->to),
			  rep_abi_kind_name(d->kind), d->object, d->property,
			  d->ack ? d->ack->line : 0);
	}
	if (strcmp(got.buf, want))
		fail_msg("got\n%s\nwant\n%s", got.buf, want);
	assert_string_equal(abi.diffs[2].old_value, "true");
	assert_string_equal(abi.diffs[2].new_value, "\"auto\"");
	assert_int_equal(abi.unacked, 1);
	assert_int_equal(abi.acked, 1);
	assert_int_equal(abi.props, 2);
	assert_int_equal(abi.machines[0].breaks, 0);
	assert_int_equal(abi.machines[0].props, 2);
	assert_int_equal(abi.machines[1].breaks, 1);
	assert_int_equal(abi.machines[1].acked, 1);
	assert_int_equal(abi.machines[2].breaks + abi.machines[2].acked, 0);
	strbuf_release(&got);
	rep_abi_release(&abi);
	rep_versions_release(&v);
	store_close(&st);
}

/* Records of different definitions of the text are not compared. */
static void test_abi_rev(void **state)
{
	static const char want[] =
		"pc-q35-4.2 5.2.0->10.0.2 not-compared\n"
		"pc-q35-5.2 5.2.0->7.2.22-system differs 1/0/0\n"
		"pc-q35-5.2 7.2.22-system->10.0.2 not-compared\n"
		"pc-q35-7.2 7.2.22-system->10.0.2 not-compared\n";
	struct rep_versions v;
	struct rep_abi abi;
	struct store st;
	struct strbuf got = STRBUF_INIT;

	(void)state;
	abi_store(&st);
	tu_exec(&st, "UPDATE binaries SET abi_rev = 2 WHERE id = 1");
	assert_int_equal(rep_versions_load(&st, &v), 0);
	assert_int_equal(v.v[3].abi_rev, 2);
	assert_int_equal(v.v[0].abi_rev, 1);
	memset(&abi, 0, sizeof(abi));
	assert_int_equal(rep_abi_build(&st, &v, &abi), 0);
	for (size_t i = 0; i < abi.pairs.nr; i++) {
		const struct rep_pair *p = &abi.pairs.v[i];

		sb_printf(&got, "%s %s->%s ", abi.machines[p->machine].name,
			  rep_vname(&v, p->from), rep_vname(&v, p->to));
		if (!p->compared)
			sb_puts(&got, "not-compared\n");
		else
			sb_printf(&got, "%s %zu/%zu/%zu\n", p->equal ? "equal" : "differs",
				  p->unacked, p->acked, p->props);
	}
	if (strcmp(got.buf, want))
		fail_msg("got\n%s\nwant\n%s", got.buf, want);
	assert_int_equal(abi.pairs.not_compared, 3);
	/* Only the pair both of whose records follow one definition. */
	assert_int_equal(abi.ndiffs, 1);
	assert_string_equal(abi.diffs[0].property, "pit");
	assert_int_equal(abi.pairs.v[1].first, 0);
	assert_int_equal(abi.pairs.v[1].ndiffs, 1);
	strbuf_release(&got);
	rep_abi_release(&abi);
	rep_versions_release(&v);
	store_close(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_acks_bad),
		cmocka_unit_test(test_acks_match),
		cmocka_unit_test(test_abi_store),
		cmocka_unit_test(test_abi_rev),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
