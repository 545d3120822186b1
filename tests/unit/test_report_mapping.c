/*
 * The mapping report (reports/argv.c, reports/mapping.c): argv lines as
 * the direct mapper and libvirt really wrote them (taken from runs in the
 * real store) normalise to exactly the expected options; what must not
 * count (ids, fds, temporary and per-domain paths, uuids, libvirt's random
 * MACs, JSON vs keyval order) does not, and what must (a property, the
 * machine type, JSON syntax) does. A store with direct and libvirt runs
 * gives the rows and the changes, each attributed to the right version.
 */
#include "teststore.h"
#include "builders.h"

struct norm_case {
	const char *name, *argv, *want; /* want: "key => text\n" per option */
};

static const struct norm_case norm_cases[] = {
	{ "direct mapper, QEMU 10.0.2 vhost-user",
	  "[\"/opt/qemu/10.0.2/bin/qemu-system-x86_64\",\"-nodefaults\",\"-L\",\"/usr/share/qemu\","
	  "\"-L\",\"/usr/share/seabios\",\"-chardev\",\"socket,id=vmqmp,path=/tmp/vm-qemu-VKfF7h/qmp.sock,server=on,wait=off\","
	  "\"-machine\",\"pc-q35-10.0,memory-backend=mem0\",\"-m\",\"256\","
	  "\"-object\",\"memory-backend-memfd,id=mem0,size=256M,share=on\","
	  "\"-netdev\",\"vhost-user,id=vhost0,chardev=char0\","
	  "\"-device\",\"virtio-net-pci,netdev=vhost0,id=vnet0,mac=00:00:20:00:00:20\","
	  "\"-initrd\",\"/var/cache/virt-matrix/initramfs/ff074d244c5b230c.cpio\","
	  "\"-append\",\"console=ttyS0 panic=-1 quiet\",\"-serial\",\"chardev:ser0\",\"-no-reboot\"]",
	  "-nodefaults => (set)\n"
	  "-L => /usr/share/qemu\n"
	  "-L #1 => /usr/share/seabios\n"
	  "-chardev socket => id=<id>,path=<tmp>/qmp.sock,server=on,wait=off\n"
	  "-machine => memory-backend=<id>,type=pc-q35-10.0\n"
	  "-m => size=256\n"
	  "-object memory-backend-memfd => id=<id>,share=on,size=256M\n"
	  "-netdev vhost-user => chardev=<id>,id=<id>\n"
	  "-device virtio-net-pci => id=<id>,mac=00:00:20:00:00:20,netdev=<id>\n"
	  "-initrd => /var/cache/virt-matrix/initramfs/<hash>.cpio\n"
	  "-append => console=ttyS0 panic=-1 quiet\n"
	  "-serial => chardev:<id>\n"
	  "-no-reboot => (set)\n" },
	{ "libvirt 9.0.0 with JSON values, fds, uuid, its prefix and domain dir",
	  "[\"/usr/bin/qemu-system-x86_64\",\"-name\",\"guest=vmx-vm-q35-11373,debug-threads=on\",\"-S\","
	  "\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\",\\\"format\\\":\\\"raw\\\","
	  "\\\"file\\\":\\\"/opt/libvirt/9.0.0/var/lib/libvirt/qemu/domain-1-vmx-vm-q35-11373/master-key.aes\\\"}\","
	  "\"-machine\",\"pc-q35-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram\","
	  "\"-uuid\",\"64053958-52d0-4ba0-b3c1-b2c69e013ca4\","
	  "\"-chardev\",\"socket,id=charmonitor,fd=24,server=on,wait=off\","
	  "\"-device\",\"{\\\"driver\\\":\\\"virtio-net-pci\\\",\\\"netdev\\\":\\\"hostnet0\\\",\\\"id\\\":\\\"net0\\\","
	  "\\\"mac\\\":\\\"52:54:00:b9:ff:46\\\",\\\"bus\\\":\\\"pci.1\\\",\\\"addr\\\":\\\"0x0\\\",\\\"multifunction\\\":true}\","
	  "\"-add-fd\",\"set=0,fd=22,opaque=serial0-source\","
	  "\"-chardev\",\"file,id=charserial0,path=/dev/fdset/0,append=on\","
	  "\"-chardev\",\"socket,id=charua-vnet0,path=/tmp/vm-run-GZmyDj/vhost0.sock\"]",
	  "-name => debug-threads=on,guest=<name>\n"
	  "-S => (set)\n"
	  "-object secret => {json} file=<libvirt-prefix>/var/lib/libvirt/qemu/<domain>/master-key.aes,"
	  "format=raw,id=<id>\n"
	  "-machine => dump-guest-core=off,memory-backend=<id>,type=pc-q35-7.2,usb=off\n"
	  "-uuid => <uuid>\n"
	  "-chardev socket => fd=<fd>,id=<id>,server=on,wait=off\n"
	  "-device virtio-net-pci => {json} addr=0x0,bus=<id>,id=<id>,mac=52:54:00:<random>,"
	  "multifunction=on,netdev=<id>\n"
	  "-add-fd => fd=<fd>,opaque=<id>,set=0\n"
	  "-chardev file => append=on,id=<id>,path=/dev/fdset/<n>\n"
	  "-chardev socket #1 => id=<id>,path=<tmp>/vhost0.sock\n" },
	{ "keyval commas, -cpu keeps its order, nested JSON, --long options",
	  "[\"qemu\",\"-cpu\",\"qemu64,+x2apic,-svm\",\"--device\",\"virtio-blk-pci,serial=a,,b,drive=d0\","
	  "\"-blockdev\",\"{\\\"driver\\\":\\\"qcow2\\\",\\\"node-name\\\":\\\"n1\\\",\\\"file\\\":\\\"n0\\\","
	  "\\\"cache\\\":{\\\"direct\\\":false},\\\"l\\\":[1,2]}\",\"-blockdev\",\"driver=file,filename=/srv/disk.img,node-name=n0\"]",
	  "-cpu => model=qemu64,+x2apic,-svm\n"
	  "-device virtio-blk-pci => drive=<id>,serial=a,b\n"
	  "-blockdev qcow2 => {json} cache.direct=off,file=<id>,l.0=1,l.1=2,node-name=<id>\n"
	  "-blockdev file => filename=/srv/disk.img,node-name=<id>\n" },
	{ "-net and -nic keyed by their type, as -netdev",
	  "[\"qemu\",\"-net\",\"nic,vlan=1,model=e1000\",\"-net\",\"user,vlan=1\","
	  "\"-net\",\"nic,vlan=1,model=virtio\",\"-nic\",\"user,id=n0,model=e1000\"]",
	  "-net nic => model=e1000,vlan=1\n"
	  "-net user => vlan=1\n"
	  "-net nic #1 => model=virtio,vlan=1\n"
	  "-nic user => id=<id>,model=e1000\n" },
	{ "an install prefix under another root, and a uuid inside a value",
	  "[\"qemu\",\"-kernel\",\"/srv/vm/qemu/7.2.0/share/k\",\"-smbios\",\"type=1,uuid=3bfd068f-8d9d-44e4-a09b-ffb663ecf69c\"]",
	  "-kernel => <qemu-prefix>/share/k\n"
	  "-smbios => type=1,uuid=<uuid>\n" },
	{ "libvirt's tests' domain--1-NAME, libvirt's ram/ID-NAME, a clock base",
	  "[\"q\",\"-object\",\"secret,id=masterKey0,file=/var/lib/libvirt/qemu/domain--1-QEMUGuest1/master-key.aes\","
	  "\"-object\",\"memory-backend-file,id=ram-node0,mem-path=/var/lib/libvirt/qemu/ram/-1-QEMUGuest1/ram-node0\","
	  "\"-object\",\"memory-backend-file,id=ram-node1,mem-path=/var/lib/libvirt/qemu/ram/162-vm/ram-node1\","
	  "\"-rtc\",\"base=2009-02-15T09:49:06,driftfix=slew\",\"-rtc\",\"base=utc\"]",
	  "-object secret => file=/var/lib/libvirt/qemu/<domain>/master-key.aes,id=<id>\n"
	  "-object memory-backend-file => id=<id>,mem-path=/var/lib/libvirt/qemu/ram/<domain>/ram-node0\n"
	  "-object memory-backend-file #1 => id=<id>,mem-path=/var/lib/libvirt/qemu/ram/<domain>/ram-node1\n"
	  "-rtc => base=<time>,driftfix=slew\n"
	  "-rtc #1 => base=utc\n" },
	{ "a job of two VMs: each VM's argv after its [NAME], its options keyed by it",
	  "[\"[vm0]\",\"/usr/bin/qemu-system-x86_64\",\"-m\",\"256\",\"-netdev\",\"vhost-user,id=vhost0,chardev=char0\","
	  "\"[vm1]\",\"/usr/bin/qemu-system-x86_64\",\"-m\",\"512\",\"-netdev\",\"vhost-user,id=vhost0,chardev=char0\","
	  "\"-vnc\",\"[::1]:0\"]",
	  "[vm0] -m => size=256\n"
	  "[vm0] -netdev vhost-user => chardev=<id>,id=<id>\n"
	  "[vm1] -m => size=512\n"
	  "[vm1] -netdev vhost-user => chardev=<id>,id=<id>\n"
	  "[vm1] -vnc => vnc=[::1]:0\n" },
};

static void test_normalise(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(norm_cases); i++) {
		struct rep_argv a;
		struct strbuf got = STRBUF_INIT;

		if (rep_argv_normalise(norm_cases[i].argv, &a))
			fail_msg("case '%s': not parsed", norm_cases[i].name);
		for (size_t k = 0; k < a.nr; k++)
			sb_printf(&got, "%s => %s\n", a.v[k].key, a.v[k].text);
		if (strcmp(got.buf, norm_cases[i].want))
			fail_msg("case '%s': got\n%s\nwant\n%s", norm_cases[i].name, got.buf,
				 norm_cases[i].want);
		strbuf_release(&got);
		rep_argv_release(&a);
	}
}

static void test_not_argv(void **state)
{
	static const char *const bad[] = { "", "{}", "[]", "[1,2]", "[\"q\",{\"a\":1}]", "[\"q\"" };
	struct rep_argv a;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!rep_argv_normalise(bad[i], &a))
			fail_msg("'%s' was taken for an argv", bad[i]);
	assert_int_equal(rep_argv_normalise(NULL, &a), -1);
}

struct detail_case {
	const char *name, *a, *b, *want;
};

static const struct detail_case detail_cases[] = {
	{ "a property added", "[\"q\",\"-machine\",\"pc-q35-10.0,usb=off\"]",
	  "[\"q\",\"-machine\",\"pc-q35-10.0,usb=off,acpi=on\"]", "+acpi=on" },
	{ "a value changed", "[\"q\",\"-m\",\"256\"]", "[\"q\",\"-m\",\"size=262144k\"]",
	  "size: 256 -> 262144k" },
	{ "removed and syntax", "[\"q\",\"-device\",\"e1000,netdev=n,romfile=\"]",
	  "[\"q\",\"-device\",\"{\\\"driver\\\":\\\"e1000\\\",\\\"netdev\\\":\\\"x\\\"}\"]",
	  "now JSON, -romfile=" },
	{ "the option is new", "[\"q\"]", "[\"q\",\"-global\",\"ICH9-LPC.noreboot=off\"]",
	  "added ICH9-LPC.noreboot=off" },
};

static void test_detail(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(detail_cases); i++) {
		const struct detail_case *c = &detail_cases[i];
		struct rep_argv a, b;
		char *d;

		assert_int_equal(rep_argv_normalise(c->a, &a), 0);
		assert_int_equal(rep_argv_normalise(c->b, &b), 0);
		d = rep_opt_detail(a.nr ? &a.v[0] : NULL, &b.v[0]);
		if (strcmp(d, c->want))
			fail_msg("case '%s': got '%s', want '%s'", c->name, d, c->want);
		free(d);
		rep_argv_release(&a);
		rep_argv_release(&b);
	}
}

/* ---- a store ---- */

static void add_run(struct store *st, const char *qemu, const char *libvirt,
		    const char *argv)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO runs (qemu, libvirt, scenario,"
				       " scenario_sha256, status, argv, started_at)"
				       " VALUES (?, ?, 'vm', 's', 'pass', ?, 'x')"),
			 0);
	store_bind_text(q, 1, qemu);
	store_bind_text(q, 2, libvirt);
	store_bind_text(q, 3, argv);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

static void test_mapping_store(void **state)
{
	static const char want_changes[] =
		"-machine|qemu|7.2.0|10.0.2|direct, libvirt 9.0.0, libvirt 11.3.0|"
		"type: pc-q35-7.2 -> pc-q35-10.0\n"
		"-m|libvirt|9.0.0|11.3.0|QEMU 7.2.0, QEMU 10.0.2|size: 256 -> 262144k\n"
		"-sandbox|libvirt|9.0.0|11.3.0|QEMU 7.2.0|removed enable=on\n";
	struct rep_versions v = { NULL, 0 };
	struct rep_mapping m;
	struct store st;
	struct strbuf got = STRBUF_INIT;
	const struct rep_map_scenario *s;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(store_open(&st, ":memory:"), 0);
	add_run(&st, "10.0.2", NULL, "[\"/o/10/q\",\"-machine\",\"pc-q35-10.0\",\"-m\",\"256\"]");
	add_run(&st, "7.2.0", NULL, "[\"/o/7/q\",\"-machine\",\"pc-q35-7.2\",\"-m\",\"256\"]");
	/* An older run of the same triple is not the source. */
	add_run(&st, "7.2.0", "9.0.0", "[\"/o/7/q\",\"-machine\",\"pc-q35-6.0\",\"-m\",\"1\"]");
	add_run(&st, "7.2.0", "9.0.0", "[\"/o/7/q\",\"-machine\",\"pc-q35-7.2\",\"-m\",\"256\",\"-sandbox\",\"on\"]");
	add_run(&st, "10.0.2", "9.0.0", "[\"/o/10/q\",\"-machine\",\"pc-q35-10.0\",\"-m\",\"256\"]");
	add_run(&st, "7.2.0", "11.3.0", "[\"/o/7/q\",\"-machine\",\"pc-q35-7.2\",\"-m\",\"size=262144k\"]");
	add_run(&st, "10.0.2", "11.3.0", "[\"/o/10/q\",\"-machine\",\"pc-q35-10.0\",\"-m\",\"size=262144k\"]");
	add_run(&st, "10.0.2", "11.3.0", "[]"); /* a skip records no argv */
	assert_int_equal(rep_mapping_build(&st, &v, &m), 0);
	assert_int_equal(m.nr, 1);
	s = &m.v[0];
	assert_string_equal(s->name, "vm");
	assert_int_equal(s->nsources, 6);
	/* Direct first, then libvirt by version, each by QEMU version. */
	assert_null(s->sources[0].libvirt);
	assert_string_equal(s->sources[0].qemu_name, "7.2.0");
	assert_string_equal(s->sources[2].libvirt, "9.0.0");
	assert_string_equal(s->sources[3].libvirt, "9.0.0");
	assert_string_equal(s->sources[3].qemu_name, "10.0.2");
	assert_string_equal(s->sources[4].libvirt, "11.3.0");
	assert_int_equal(s->sources[2].run, 4);
	assert_int_equal(s->nrows, 3);
	assert_string_equal(s->rows[2].key, "-sandbox");
	assert_null(s->rows[2].cells[0]);
	assert_string_equal(s->rows[2].cells[2], "enable=on");
	for (size_t i = 0; i < s->nchanges; i++) {
		const struct rep_map_change *c = &s->changes[i];

		sb_printf(&got, "%s|%s|%s|%s|", s->rows[c->row].key, c->dimension, c->from, c->to);
		for (size_t k = 0; k < c->contexts.nr; k++)
			sb_printf(&got, "%s%s", k ? ", " : "", c->contexts.v[k]);
		sb_printf(&got, "|%s\n", c->detail);
	}
	/* libvirt 9.0.0 dropped -sandbox for 10.0.2: a QEMU-dimension change too. */
	if (!strstr(got.buf, "-sandbox|qemu|7.2.0|10.0.2|libvirt 9.0.0|removed enable=on\n"))
		fail_msg("no -sandbox change along QEMU:\n%s", got.buf);
	{
		/* The rest, in order, without that line. */
		char *line = strstr(got.buf, "-sandbox|qemu|");
		char *end = strchr(line, '\n') + 1;

		memmove(line, end, strlen(end) + 1);
	}
	if (strcmp(got.buf, want_changes))
		fail_msg("changes: got\n%s\nwant\n%s", got.buf, want_changes);
	strbuf_release(&got);
	rep_mapping_release(&m);
	store_close(&st);
}

static void add_tool_run(struct store *st, const char *qemu, const char *tool,
			 const char *argv)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO runs (qemu, scenario, scenario_sha256,"
				       " status, argv, started_at, tool)"
				       " VALUES (?, 'vm', 's', 'pass', ?, 'x', ?)"),
			 0);
	store_bind_text(q, 1, qemu);
	store_bind_text(q, 2, argv);
	store_bind_text(q, 3, tool);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

/*
 * Runs another virt-matrix made are not compared: a change of its own
 * mapper (here the guest's -append) between the runs of two QEMU versions
 * must not be reported as QEMU's. The newest run's virt-matrix decides.
 */
static void test_mapping_other_tool(void **state)
{
	struct rep_versions v = { NULL, 0 };
	struct rep_mapping m;
	struct store st;
	const struct rep_map_scenario *s;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(store_open(&st, ":memory:"), 0);
	add_tool_run(&st, "7.2.0", NULL, "[\"/o/7/q\",\"-append\",\"console=ttyS0\"]");
	add_tool_run(&st, "9.0.0", "0.1.0+aaaa", "[\"/o/9/q\",\"-append\",\"console=ttyS0\"]");
	add_tool_run(&st, "10.0.2", "0.1.0+bbbb",
		     "[\"/o/10/q\",\"-append\",\"console=ttyS0 no_timer_check\"]");
	add_tool_run(&st, "10.2.2", "0.1.0+bbbb",
		     "[\"/o/10/q\",\"-append\",\"console=ttyS0 no_timer_check\"]");
	assert_int_equal(rep_mapping_build(&st, &v, &m), 0);
	assert_int_equal(m.nr, 1);
	s = &m.v[0];
	assert_string_equal(s->tool, "0.1.0+bbbb");
	assert_int_equal(s->nsources, 2);
	assert_string_equal(s->sources[0].qemu_name, "10.0.2");
	assert_string_equal(s->sources[1].qemu_name, "10.2.2");
	assert_int_equal(s->nchanges, 0);
	assert_int_equal(s->naside, 2);
	assert_string_equal(s->aside[0].qemu_name, "7.2.0");
	assert_null(s->aside[0].tool);
	assert_string_equal(s->aside[1].qemu_name, "9.0.0");
	assert_string_equal(s->aside[1].tool, "0.1.0+aaaa");
	rep_mapping_release(&m);

	/* The same virt-matrix throughout: compared, the change is QEMU's. */
	add_tool_run(&st, "7.2.0", "0.1.0+bbbb", "[\"/o/7/q\",\"-append\",\"console=ttyS0\"]");
	assert_int_equal(rep_mapping_build(&st, &v, &m), 0);
	s = &m.v[0];
	assert_int_equal(s->nsources, 3);
	assert_int_equal(s->naside, 1);
	assert_int_equal(s->nchanges, 1);
	assert_string_equal(s->changes[0].from, "7.2.0");
	assert_string_equal(s->changes[0].to, "10.0.2");
	rep_mapping_release(&m);
	store_close(&st);
}

/*
 * Three probe records: 2.11.0 (pci-assign, before 3.0 and 5.0), 7.2.0
 * (vfio-pci only) and 10.0.2 (neither: it cannot map passthrough), with the
 * rows map_caps_load reads (aliases, devices, QOM types, the schema).
 */
static void fill_probed(struct store *st)
{
	tu_exec(st, "INSERT INTO qmp_schemas (sha256, json) VALUES"
		 " ('sch', '[{\"name\": \"vhost-user\"}]');"
		 "INSERT INTO installs (app, version, kind, prefix, binary_path,"
		 " binary_sha256, status, installed_at) VALUES"
		 " ('qemu', '7.2.0', 'built', '/opt/qemu/7.2.0',"
		 "  '/opt/qemu/7.2.0/bin/qemu-system-x86_64', 's7', 'installed', 'x'),"
		 " ('qemu', '2.11.0', 'built', '/opt/qemu/2.11.0',"
		 "  '/opt/qemu/2.11.0/bin/qemu-system-x86_64', 's2', 'installed', 'x'),"
		 " ('qemu', '10.0.2', 'built', '/opt/qemu/10.0.2',"
		 "  '/opt/qemu/10.0.2/bin/qemu-system-x86_64', 's10', 'installed', 'x'),"
		 " ('qemu', '9.0.0', 'built', '/opt/qemu/9.0.0',"
		 "  '/opt/qemu/9.0.0/bin/qemu-system-x86_64', 's9', 'installed', 'x');"
		 "INSERT INTO binaries (id, sha256, version, status, probed_at, schema_sha256)"
		 " VALUES (1, 's2', '2.11.0', 'complete', 'x', 'sch'),"
		 " (2, 's7', '7.2.0', 'complete', 'x', 'sch'),"
		 " (3, 's10', '10.0.2', 'complete', 'x', 'sch');"
		 "INSERT INTO machine_types (binary, name, alias, is_default, deprecated)"
		 " VALUES (1, 'pc-q35-2.11', 'q35', 0, 0), (2, 'pc-q35-7.2', 'q35', 0, 0),"
		 " (3, 'pc-q35-10.0', 'q35', 0, 0);"
		 "INSERT INTO propsets VALUES (1, 'p1');"
		 "INSERT INTO devices VALUES (1, 'vfio-pci', 1), (1, 'pci-assign', 1),"
		 " (2, 'vfio-pci', 1);"
		 "INSERT INTO qom_types (binary, name, abstract) VALUES"
		 " (2, 'memory-backend-memfd', 0), (3, 'memory-backend-memfd', 0)");
}

/*
 * The DTS corpus part: each VM of each file below the directory, mapped
 * for each probed version (9.0.0 has no record: not a source), compared
 * like runs; a change is the mapper's for that QEMU version, a version
 * that cannot map a VM is listed with its reason.
 */
static void test_mapping_corpus(void **state)
{
	static const char cfg[] =
		"[vm0]\n"
		"net =\n"
		"    type=nic,opt_vlan=1; type=nic,opt_vlan=1; type=user,opt_vlan=1;\n"
		"device = driver=pci-assign,opt_host=0000:07:10.0\n"
		"[host]\n"
		"passthrough = device=0000:07:10.0\n"
		"[vm1]\n"
		"dev_gen = pf_idx=0,vf_num=1,driver=default\n"
		"device = vf_idx=0,pf_dev=0\n";
	static const char want_vm0[] =
		"-machine|2.11.0|7.2.0|mapper|type: pc-q35-2.11 -> pc-q35-7.2\n"
		"-net user|2.11.0|7.2.0|mapper|removed vlan=1\n"
		"-net nic|2.11.0|7.2.0|mapper|removed model=e1000,vlan=1\n"
		"-net nic #1|2.11.0|7.2.0|mapper|removed model=e1000,vlan=1\n"
		"-device pci-assign|2.11.0|7.2.0|mapper|removed host=0000:07:10.0,id=<id>\n"
		"-netdev user|2.11.0|7.2.0|mapper|added id=<id>\n"
		"-netdev hubport|2.11.0|7.2.0|mapper|added hubid=1,id=<id>,netdev=<id>\n"
		"-netdev hubport #1|2.11.0|7.2.0|mapper|added hubid=1,id=<id>\n"
		"-device e1000|2.11.0|7.2.0|mapper|added netdev=<id>\n"
		"-netdev hubport #2|2.11.0|7.2.0|mapper|added hubid=1,id=<id>\n"
		"-device e1000 #1|2.11.0|7.2.0|mapper|added netdev=<id>\n"
		"-device vfio-pci|2.11.0|7.2.0|mapper|added host=0000:07:10.0,id=<id>\n";
	struct rep_versions v;
	struct rep_mapping m;
	struct store st;
	struct strbuf got = STRBUF_INIT, path = STRBUF_INIT;
	const struct rep_map_scenario *s;
	char *dir;

	(void)state;
	memset(&m, 0, sizeof(m));
	dir = tu_tmpdir("corpus");
	sb_printf(&path, "%s/dts", dir);
	assert_int_equal(mkdir_p(path.buf, 0755), 0);
	sb_puts(&path, "/hub.cfg");
	assert_int_equal(write_file_atomic(path.buf, cfg, strlen(cfg)), 0);
	strbuf_reset(&path);
	sb_printf(&path, "%s/dts/scene", dir);
	assert_int_equal(mkdir_p(path.buf, 0755), 0);
	sb_puts(&path, "/bad.cfg");
	assert_int_equal(write_file_atomic(path.buf, "[vm0]\nmem = size=lots\n", 22), 0);
	strbuf_reset(&path);
	sb_printf(&path, "%s/dts", dir);

	assert_int_equal(store_open(&st, ":memory:"), 0);
	fill_probed(&st);
	assert_int_equal(rep_versions_load(&st, &v), 0);
	tu_capture_begin();
	assert_int_equal(rep_corpus_build(&st, &v, path.buf, &m), 0);
	free(tu_capture_end());
	assert_string_equal(m.corpus_dir, path.buf);
	assert_int_equal(m.corpus_skipped.nr, 1);
	assert_string_equal(m.corpus_skipped.v[0], "dts/scene/bad.cfg: does not load");
	assert_int_equal(m.ncorpus, 2);

	s = &m.corpus[0];
	assert_string_equal(s->name, "dts/hub.cfg [vm0]");
	assert_string_equal(s->file, "dts/hub.cfg");
	assert_string_equal(s->vm, "vm0");
	/* 10.0.2 has no vfio-pci: not a source but a reason. */
	assert_int_equal(s->nsources, 2);
	assert_int_equal(s->errors.nr, 1);
	assert_string_equal(s->errors.v[0], "QEMU 10.0.2: QEMU 10.0.2 has no vfio-pci device");
	assert_string_equal(s->sources[0].qemu_name, "2.11.0");
	assert_string_equal(s->sources[1].qemu_name, "7.2.0");
	assert_true(s->sources[1].computed);
	assert_int_equal(s->sources[1].run, 0);
	assert_string_equal(s->sources[1].argv.binary, "/opt/qemu/7.2.0/bin/qemu-system-x86_64");
	assert_true(strvec_has(&s->sources[0].notes,
			       "net vlan 1 (line 3): its 3 nets on QEMU's hub 1 as -net "
			       "...,vlan=1, which QEMU 2.11.0 still takes (removed in 3.0)"));
	assert_true(strvec_has(&s->sources[1].notes,
			       "pci-assign is gone from QEMU 7.2.0 (removed in 2.12): vfio-pci"));
	for (size_t i = 0; i < s->nchanges; i++) {
		const struct rep_map_change *c = &s->changes[i];

		assert_string_equal(c->dimension, "qemu");
		sb_printf(&got, "%s|%s|%s|", s->rows[c->row].key, c->from, c->to);
		for (size_t k = 0; k < c->contexts.nr; k++)
			sb_printf(&got, "%s%s", k ? ", " : "", c->contexts.v[k]);
		sb_printf(&got, "|%s\n", c->detail);
	}
	if (strcmp(got.buf, want_vm0))
		fail_msg("changes: got\n%s\nwant\n%s", got.buf, want_vm0);

	/* The VF, likewise. */
	s = &m.corpus[1];
	assert_string_equal(s->name, "dts/hub.cfg [vm1]");
	assert_int_equal(s->nsources, 2);
	assert_int_equal(s->errors.nr, 1);
	assert_string_equal(s->errors.v[0], "QEMU 10.0.2: QEMU 10.0.2 has no vfio-pci device");
	assert_contains(s->sources[1].argv_json, "\"vfio-pci,host=VF0-OF-PF0,id=pt_0\"", "VF");
	rep_mapping_release(&m);

	/* No corpus directory: an empty part, not an error. */
	strbuf_reset(&path);
	sb_printf(&path, "%s/none", dir);
	assert_int_equal(rep_corpus_build(&st, &v, path.buf, &m), 0);
	assert_null(m.corpus_dir);
	assert_int_equal(m.ncorpus, 0);
	rep_mapping_release(&m);
	rep_versions_release(&v);
	store_close(&st);
	strbuf_release(&got);
	strbuf_release(&path);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_not_argv),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_mapping_store),
		cmocka_unit_test(test_mapping_other_tool),
		cmocka_unit_test(test_mapping_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
