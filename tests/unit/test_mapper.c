/*
 * The mapper against expected output per QEMU version: every scenario
 * (the shipped ones and tests/data/mapper/scenarios/) mapped with what
 * each version can do (tests/data/mapper/caps/, recorded from real
 * probes with 'make record-mapper', plus one hand-written old version)
 * must give exactly tests/data/mapper/expected/<version>/<scenario>.txt:
 * the argv, one argument per line, the notes, or why it cannot be
 * mapped. REGENERATE=1 rewrites the expected files (review the diff).
 * map_vm_argv, which maps any VM of a file (what the runner does not
 * run too), is checked on DPDK DTS's own files, VM by VM.
 */
#include <dirent.h>

#include "testutil.h"
#include "lab.h"
#include "mapper.h"
#include "domxml.h"
#include "scenario.h"

static int regenerate;

static void list_dir(const char *dir, const char *suffix, struct strvec *out)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		if (ends_with(ents[i]->d_name, suffix))
			strvec_pushf(out, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

static void mapping_text(const struct scenario *s, const struct map_caps *c,
			 struct strbuf *out)
{
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct map_env env;

	memset(&env, 0, sizeof(env));
	env.kernel = "/boot/vmlinuz";
	env.initrd = "/cache/initramfs.cpio";
	env.append = "console=ttyS0";
	env.accel = "tcg";
	env.rundir = "/run/vmx";
	env.pt_host = "0000:00:05.0";
	env.tap_prefix = "vxPIDv0t"; /* the run's taps (netlab.h) */
	if (s->nvms > 1) {
		/* Several VMs: each, as the direct backend maps them. */
		if (map_runnable(s, &why)) {
			sb_printf(out, "# cannot map\n%s\n", why.buf);
			goto out;
		}
		for (size_t k = 0; k < s->nvms; k++) {
			strvec_clear(&argv);
			strvec_clear(&notes);
			if (map_vm_argv(s, k, c, &env, &argv, &notes, &why)) {
				sb_printf(out, "# [%s] cannot map\n%s\n", s->vms[k].name, why.buf);
				continue;
			}
			sb_printf(out, "# [%s] argv\n", s->vms[k].name);
			for (size_t i = 0; i < argv.nr; i++)
				sb_printf(out, "%s\n", argv.v[i]);
			sb_printf(out, "# [%s] notes\n", s->vms[k].name);
			for (size_t i = 0; i < notes.nr; i++)
				sb_printf(out, "%s\n", notes.v[i]);
		}
	} else if (map_runnable(s, &why) ||
		   map_vm_argv(s, 0, c, &env, &argv, &notes, &why)) {
		/* One VM, as the direct backend maps it. */
		sb_printf(out, "# cannot map\n%s\n", why.buf);
	} else {
		sb_puts(out, "# argv\n");
		for (size_t i = 0; i < argv.nr; i++)
			sb_printf(out, "%s\n", argv.v[i]);
		sb_puts(out, "# notes\n");
		for (size_t i = 0; i < notes.nr; i++)
			sb_printf(out, "%s\n", notes.v[i]);
	}
out:
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&why);
}

static void test_mapping_per_version_matches_expected(void **state)
{
	struct strvec caps = STRVEC_INIT, cfgs = STRVEC_INIT;
	size_t compared = 0;

	(void)state;
	list_dir("tests/data/mapper/caps", ".caps", &caps);
	list_dir("scenarios", ".cfg", &cfgs);
	list_dir("tests/data/mapper/scenarios", ".cfg", &cfgs);
	for (size_t i = 0; i < caps.nr; i++) {
		struct map_caps c;
		char *text = tu_read(caps.v[i]);
		struct strbuf dir = STRBUF_INIT;

		assert_int_equal(map_caps_parse(caps.v[i], text, &c), 0);
		free(text);
		sb_printf(&dir, "tests/data/mapper/expected/%s", c.version);
		if (regenerate)
			assert_int_equal(mkdir_p(dir.buf, 0755), 0);
		for (size_t k = 0; k < cfgs.nr; k++) {
			struct scenario s;
			struct strbuf got = STRBUF_INIT, path = STRBUF_INIT;
			char *want;

			assert_int_equal(scenario_load(&s, cfgs.v[k]), 0);
			mapping_text(&s, &c, &got);
			sb_printf(&path, "%s/%s.txt", dir.buf, s.name);
			if (regenerate)
				assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
			want = tu_read(path.buf);
			if (!want)
				fail_msg("no expected file %s (REGENERATE=1 writes it)", path.buf);
			if (strcmp(want, got.buf))
				fail_msg("%s differs; got:\n%s", path.buf, got.buf);
			compared++;
			free(want);
			scenario_release(&s);
			strbuf_release(&got);
			strbuf_release(&path);
		}
		strbuf_release(&dir);
	}
	/* Five versions, at least seven scenarios. */
	assert_true(compared >= 5 * 7);
	strvec_clear(&caps);
	strvec_clear(&cfgs);
}

/* What differs between versions is what the expected files show; pin the key facts too. */
static void test_version_adaptations(void **state)
{
	struct map_caps old, now;
	struct scenario s;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *t1 = tu_read("tests/data/mapper/caps/2.11.0-handwritten.caps");
	char *t2 = tu_read("tests/data/mapper/caps/10.0.2.caps");

	(void)state;
	assert_int_equal(map_caps_parse("old", t1, &old), 0);
	assert_int_equal(map_caps_parse("now", t2, &now), 0);
	assert_int_equal(scenario_load(&s, "scenarios/vhost-user.cfg"), 0);
	mapping_text(&s, &old, &a);
	mapping_text(&s, &now, &b);
	/* Shared memory: a /dev/shm file and -numa memdev before 5.0, memfd after. */
	assert_contains(a.buf, "memory-backend-file,id=mem0,size=256M,mem-path=/dev/shm,share=on", "old memory");
	assert_contains(a.buf, "node,memdev=mem0", "old numa");
	assert_contains(b.buf, "pc-q35-10.0,memory-backend=mem0", "new machine memdev");
	assert_contains(b.buf, "memory-backend-memfd,id=mem0,size=256M,share=on", "new memfd");
	assert_null(strstr(b.buf, "-numa"));
	scenario_release(&s);
	strbuf_reset(&a);
	strbuf_reset(&b);
	assert_int_equal(scenario_load(&s, "tests/data/mapper/scenarios/pci-assign.cfg"), 0);
	mapping_text(&s, &old, &a);
	mapping_text(&s, &now, &b);
	assert_contains(a.buf, "pci-assign,host=0000:07:10.0,id=pt_0,addr=0x6", "old pci-assign");
	assert_contains(b.buf, "vfio-pci,host=0000:07:10.0,id=pt_0,addr=0x6", "vfio-pci now");
	assert_contains(b.buf, "pci-assign is gone from QEMU 10.0.2", "note");
	scenario_release(&s);
	strbuf_release(&a);
	strbuf_release(&b);
	free(t1);
	free(t2);
}

/* The domain XML of every scenario, against tests/data/mapper/expected/domxml/. */
static void test_domain_xml_matches_expected(void **state)
{
	struct strvec cfgs = STRVEC_INIT, fw = STRVEC_INIT;
	size_t compared = 0;

	(void)state;
	list_dir("scenarios", ".cfg", &cfgs);
	list_dir("tests/data/mapper/scenarios", ".cfg", &cfgs);
	strvec_pushv(&fw, (const char *const[]){ "-L", "/usr/share/qemu", NULL });
	if (regenerate)
		assert_int_equal(mkdir_p("tests/data/mapper/expected/domxml", 0755), 0);
	for (size_t k = 0; k < cfgs.nr; k++) {
		struct scenario s;
		struct dom_env e;
		struct strvec notes = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT, why = STRBUF_INIT, path = STRBUF_INIT;
		char *want;

		assert_int_equal(scenario_load(&s, cfgs.v[k]), 0);
		memset(&e, 0, sizeof(e));
		e.name = "vmx-test";
		e.emulator = "/opt/qemu/10.0.2/bin/qemu-system-x86_64";
		e.virttype = "qemu";
		e.kernel = "/boot/vmlinuz";
		e.initrd = "/cache/initramfs.cpio";
		e.cmdline = "console=ttyS0";
		e.console = "/run/vmx/console.log";
		e.rundir = "/run/vmx";
		e.pt_host = "0000:00:05.0";
		e.firmware = &fw;
		if (domxml_build(&s, &e, &got, &notes, &why)) {
			strbuf_reset(&got);
			sb_printf(&got, "<!-- cannot: %s -->\n", why.buf);
		}
		for (size_t i = 0; i < notes.nr; i++)
			sb_printf(&got, "<!-- note: %s -->\n", notes.v[i]);
		sb_printf(&path, "tests/data/mapper/expected/domxml/%s.xml", s.name);
		if (regenerate)
			assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
		want = tu_read(path.buf);
		if (!want || strcmp(want, got.buf))
			fail_msg("%s differs; got:\n%s", path.buf, got.buf);
		compared++;
		free(want);
		scenario_release(&s);
		strvec_clear(&notes);
		strbuf_release(&got);
		strbuf_release(&why);
		strbuf_release(&path);
	}
	assert_true(compared >= 7);
	strvec_clear(&cfgs);
	strvec_clear(&fw);
}

/*
 * map_vm_argv on DPDK DTS's own files, VM by VM, with what QEMU 5.2.0,
 * 7.2.0 and 10.0.2 can do (their recorded caps) and the hand-written
 * pre-3.0 caps: consecutive arguments that must be in the argv, ones
 * that must not, and exact notes. The environment is KVM's (what DTS
 * runs on), without a kernel (-S).
 */
#define DTS "scenarios/dts/"
#define MAX_WANT 8

struct vm_case {
	const char *name, *file, *caps;
	size_t vm;
	const char *argv[MAX_WANT][2]; /* option and its value, consecutive */
	const char *absent[MAX_WANT];  /* arguments that must not be there */
	const char *notes[MAX_WANT];   /* each a note word for word */
	size_t nnotes;		       /* how many notes in all */
	const char *why;	       /* NULL: maps */
};

static const struct vm_case vm_cases[] = {
	{ "sriov_kvm vm0: nic and user on vlan 0 are a pair", DTS "sriov_kvm.cfg",
	  "10.0.2", 0,
	  { { "-netdev", "user,id=hostnet0" }, { "-device", "e1000,netdev=hostnet0" },
	    { "-cpu", "host" }, { "-machine", "pc-q35-10.0" } },
	  { "-net", "hubport" },
	  { "vnc displayNum=1 is served on a unix socket, so that runs can go side by side" },
	  2, NULL },
	{ "the same before 3.0: a pair on every version", DTS "sriov_kvm.cfg",
	  "2.11.0-handwritten", 0,
	  { { "-netdev", "user,id=hostnet0" }, { "-device", "e1000,netdev=hostnet0" } },
	  { "-net" }, { NULL }, 2, NULL },
	{ "sriov_kvm vm1: vlan 1 as a pair, noted", DTS "sriov_kvm.cfg", "7.2.0", 1,
	  { { "-netdev", "user,id=hostnet0" }, { "-device", "e1000,netdev=hostnet0" },
	    { "-vnc", "unix:<rundir>/vnc.sock" } },
	  { "-net" },
	  { "net vlan 1 (line 116): its nic and its backend are connected directly "
	    "(-netdev, -device), as on every QEMU; the vlan, QEMU's hub number and "
	    "not an 802.1Q tag, is not needed" },
	  3, NULL },
	{ "sriov_kvm vm2: tap on br0 through the bridge helper", DTS "sriov_kvm.cfg",
	  "5.2.0", 2,
	  { { "-netdev", "bridge,id=hostnet0,br=br0" },
	    { "-device", "e1000,netdev=hostnet0" } },
	  { "-net", "tap" },
	  { "net type=tap (line 136) is -netdev bridge,br=br0: QEMU's "
	    "qemu-bridge-helper adds the tap to the host's bridge br0, which must "
	    "exist and be allowed in its bridge.conf",
	    "net vlan 3 (line 135): its nic and its backend are connected directly "
	    "(-netdev, -device), as on every QEMU; the vlan, QEMU's hub number and "
	    "not an 802.1Q tag, is not needed" },
	  4, NULL },
	{ "scene VFs: placeholders for their addresses", DTS "scene/vf_passthrough.cfg",
	  "10.0.2", 0,
	  { { "-device", "vfio-pci,host=VF0-OF-PF0,id=pt_0" },
	    { "-device", "vfio-pci,host=VF0-OF-PF1,id=pt_1" },
	    { "-m", "2048" }, { "-cpu", "host" } },
	  { "-object" },
	  { "VF 0 of host port 0 (line 27): host=VF0-OF-PF0 stands for the PCI "
	    "address the host gives that VF once dev_gen (line 24) has written 2 to "
	    "the port's sriov_numvfs; bind it to vfio-pci",
	    "VF 0 of host port 0 (line 27): its MAC is set through the port, as "
	    "DTS does: ip link set <port 0> vf 0 mac 00:00:00:00:01:01",
	    "VF 0 of host port 1 (line 28): host=VF0-OF-PF1 stands for the PCI "
	    "address the host gives that VF once dev_gen (line 25) has written 2 to "
	    "the port's sriov_numvfs; bind it to vfio-pci" },
	  5, NULL },
	{ "scene VF 1 of one port, on 5.2.0", DTS "scene/vf_passthrough_1.cfg", "5.2.0", 0,
	  { { "-device", "vfio-pci,host=VF0-OF-PF0,id=pt_0" },
	    { "-device", "vfio-pci,host=VF1-OF-PF0,id=pt_1" } },
	  { NULL },
	  { "VF 1 of host port 0 (line 25): host=VF1-OF-PF0 stands for the PCI "
	    "address the host gives that VF once dev_gen (line 22) has written 2 to "
	    "the port's sriov_numvfs; bind it to vfio-pci" },
	  3, NULL },
	{ "scene host ports by index", DTS "scene/pf_passthrough.cfg", "7.2.0", 0,
	  { { "-device", "vfio-pci,host=PF0,id=pt_0" },
	    { "-device", "vfio-pci,host=PF1,id=pt_1" } },
	  { NULL },
	  { "host port 0 (line 22): host=PF0 stands for the port's PCI address on "
	    "the host (DTS's port list); bind it to vfio-pci" },
	  3, NULL },
	{ "qemu path= and hugepages, second VM", DTS "virtio_iperf.cfg", "7.2.0", 1,
	  { { "-machine", "pc-q35-7.2,memory-backend=mem0" },
	    { "-object", "memory-backend-file,id=mem0,size=2048M,"
			 "mem-path=/dev/hugepages,share=on,prealloc=on" },
	    { "-drive", "file=/home/img/vm1.img" } },
	  { "-numa" },
	  { "qemu path=/usr/local/qemu-2.4.0/x86_64-softmmu/qemu-system-x86_64: "
	    "QEMU 7.2.0 is used instead" },
	  3, NULL },
	{ "hugepages before 5.0: -numa", DTS "vhost_user_live_migration.cfg",
	  "2.11.0-handwritten", 1,
	  { { "-machine", "pc-q35-2.11" }, { "-numa", "node,memdev=mem0" } },
	  { NULL },
	  { "QEMU < 5.0: guest RAM through -numa node,memdev instead of -machine "
	    "memory-backend" },
	  2, NULL },
};

static void load_caps_file(const char *version, struct map_caps *c)
{
	struct strbuf path = STRBUF_INIT;
	char *text;

	sb_printf(&path, "tests/data/mapper/caps/%s.caps", version);
	text = tu_read(path.buf);
	assert_non_null(text);
	assert_int_equal(map_caps_parse(path.buf, text, c), 0);
	free(text);
	strbuf_release(&path);
}

static const struct map_env kvm_env = { .accel = "kvm", .rundir = "<rundir>" };

/* Whether argv holds a then b, one after the other. */
static int has_pair(const struct strvec *argv, const char *a, const char *b)
{
	for (size_t i = 0; i + 1 < argv->nr; i++)
		if (!strcmp(argv->v[i], a) && !strcmp(argv->v[i + 1], b))
			return 1;
	return 0;
}

/* Whether an argument of argv is word, or starts with "word,". */
static int has_word(const struct strvec *argv, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < argv->nr; i++)
		if (!strncmp(argv->v[i], word, n) &&
		    (!argv->v[i][n] || argv->v[i][n] == ','))
			return 1;
	return 0;
}

static void check_vm_case(const struct vm_case *k, const struct map_caps *c,
			  const struct strvec *argv, const struct strvec *notes,
			  const char *why, int r)
{
	struct strbuf all = STRBUF_INIT;

	strvec_join(argv, &all);
	sb_puts(&all, "\nnotes:\n");
	for (size_t i = 0; i < notes->nr; i++)
		sb_printf(&all, "%s\n", notes->v[i]);
	if (k->why) {
		if (!r || strcmp(why, k->why))
			fail_msg("case '%s': want error '%s', got %d '%s'", k->name,
				 k->why, r, why);
		strbuf_release(&all);
		return;
	}
	if (r)
		fail_msg("case '%s': QEMU %s cannot map it: %s", k->name, c->version, why);
	for (size_t i = 0; i < MAX_WANT && k->argv[i][0]; i++)
		if (!has_pair(argv, k->argv[i][0], k->argv[i][1]))
			fail_msg("case '%s': no '%s %s' in\n%s", k->name, k->argv[i][0],
				 k->argv[i][1], all.buf);
	for (size_t i = 0; i < MAX_WANT && k->absent[i]; i++)
		if (has_word(argv, k->absent[i]))
			fail_msg("case '%s': '%s' in\n%s", k->name, k->absent[i], all.buf);
	for (size_t i = 0; i < MAX_WANT && k->notes[i]; i++)
		if (!strvec_has(notes, k->notes[i]))
			fail_msg("case '%s': no note '%s' in\n%s", k->name, k->notes[i],
				 all.buf);
	if (notes->nr != k->nnotes)
		fail_msg("case '%s': %zu notes, want %zu:\n%s", k->name, notes->nr,
			 k->nnotes, all.buf);
	strbuf_release(&all);
}

static void test_vm_argv_dts_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vm_cases); i++) {
		const struct vm_case *k = &vm_cases[i];
		struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
		struct strbuf why = STRBUF_INIT;
		struct map_caps c;
		struct scenario s;
		int r;

		load_caps_file(k->caps, &c);
		if (scenario_load(&s, k->file))
			fail_msg("case '%s': %s does not load", k->name, k->file);
		assert_true(k->vm < s.nvms);
		r = map_vm_argv(&s, k->vm, &c, &kvm_env, &argv, &notes, &why);
		check_vm_case(k, &c, &argv, &notes, why.buf, r);
		/* The VM's own notes are the caller's to show. */
		for (size_t n = 0; n < notes.nr; n++)
			assert_false(notes.v[n][0] == '[');
		scenario_release(&s);
		strvec_clear(&argv);
		strvec_clear(&notes);
		strbuf_release(&why);
	}
}

/*
 * A vlan of several nets is a hub: -net ...,vlan=N before QEMU 3.0,
 * -netdev hubport from 3.0. No version between 2.11 and 5.2 is recorded
 * here, so the caps around 3.0 are 10.0.2's with the version changed
 * (only the version decides this).
 */
static void test_vlan_hub_by_version(void **state)
{
	static const char cfg[] =
		"[vm0]\n"
		"net =\n"
		"    type=nic,opt_vlan=2,opt_model=virtio,opt_macaddr=00:00:00:00:02:01;\n"
		"    type=nic,opt_vlan=2;\n"
		"    type=user,opt_vlan=2,opt_hostfwd=tcp::6000-:22;\n"
		"    type=tap,opt_vlan=5;\n";
	static const char *const old_versions[] = { "2.11.0", "2.12.1" };
	static const char *const new_versions[] = { "3.0.0", "10.0.2" };
	struct scenario s;
	struct map_caps c;

	(void)state;
	assert_int_equal(scenario_parse(&s, "hub.cfg", cfg, strlen(cfg)), 0);
	load_caps_file("10.0.2", &c);
	for (size_t i = 0; i < 4; i++) {
		struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
		struct strbuf why = STRBUF_INIT, want = STRBUF_INIT;
		int old = i < 2;

		snprintf(c.version, sizeof(c.version), "%s",
			 old ? old_versions[i] : new_versions[i - 2]);
		assert_int_equal(map_vm_argv(&s, 0, &c, &kvm_env, &argv, &notes, &why), 0);
		if (old) {
			assert_true(has_pair(&argv, "-net", "user,vlan=2,hostfwd=tcp::6000-:22"));
			assert_true(has_pair(&argv, "-net", "nic,vlan=2,model=virtio,"
							    "macaddr=00:00:00:00:02:01"));
			assert_true(has_pair(&argv, "-net", "nic,vlan=2,model=e1000"));
			assert_false(has_word(&argv, "hubport"));
			sb_printf(&want, "net vlan 2 (line 3): its 3 nets on QEMU's hub 2 "
					 "as -net ...,vlan=2, which QEMU %s still takes "
					 "(removed in 3.0)",
				  c.version);
		} else {
			assert_true(has_pair(&argv, "-netdev",
					     "user,id=hostnet0,hostfwd=tcp::6000-:22"));
			assert_true(has_pair(&argv, "-netdev",
					     "hubport,id=hub2p0,hubid=2,netdev=hostnet0"));
			assert_true(has_pair(&argv, "-netdev", "hubport,id=hub2p1,hubid=2"));
			assert_true(has_pair(&argv, "-device", "virtio-net-pci,netdev=hub2p1,"
							       "mac=00:00:00:00:02:01"));
			assert_true(has_pair(&argv, "-netdev", "hubport,id=hub2p2,hubid=2"));
			assert_true(has_pair(&argv, "-device", "e1000,netdev=hub2p2"));
			assert_false(has_word(&argv, "-net"));
			sb_puts(&want, "net vlan 2 (line 3): its 3 nets on hub 2 "
					     "through -netdev hubport,hubid=2, since QEMU 3.0 "
					     "removed -net ...,vlan=");
		}
		if (!strvec_has(&notes, want.buf))
			fail_msg("QEMU %s: no note '%s'", c.version, want.buf);
		/* vlan 5: a tap alone, on the default bridge, connected to nothing. */
		/* Before 3.0 the hub's -net user takes no hostnet id. */
		assert_true(has_pair(&argv, "-netdev", old ? "bridge,id=hostnet0,br=br0"
							   : "bridge,id=hostnet1,br=br0"));
		assert_true(strvec_has(&notes, "net vlan 5 (line 6) has no nic: its "
					       "backend connects to no guest device"));
		strvec_clear(&argv);
		strvec_clear(&notes);
		strbuf_release(&why);
		strbuf_release(&want);
	}
	scenario_release(&s);
}

/* A nic without a backend line gets user networking; no vfio-pci, no VF. */
static void test_vm_argv_made_up_and_missing(void **state)
{
	static const char cfg[] =
		"[vm0]\n"
		"net = type=nic,opt_vlan=4\n"
		"dev_gen = pf_idx=0,vf_num=1,driver=vfio-pci\n"
		"device = vf_idx=0,pf_dev=0\n";
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct scenario s;
	struct map_caps c;

	(void)state;
	assert_int_equal(scenario_parse(&s, "made-up.cfg", cfg, strlen(cfg)), 0);
	load_caps_file("7.2.0", &c);
	assert_int_equal(map_vm_argv(&s, 0, &c, &kvm_env, &argv, &notes, &why), 0);
	assert_true(has_pair(&argv, "-netdev", "user,id=hostnet0"));
	assert_true(has_pair(&argv, "-device", "e1000,netdev=hostnet0"));
	assert_true(strvec_has(&notes, "net vlan 4 (line 2) has nics and no user or "
				       "tap line: user networking"));
	/* The runner runs it where it makes the VF (the lab VM): its address. */
	strvec_clear(&argv);
	strvec_clear(&notes);
	{
		struct map_env lab_env = kvm_env;

		lab_env.vf_bdf = lab_vf_bdf;
		assert_int_equal(map_argv(&s, &c, &lab_env, &argv, &notes, &why), 0);
	}
	assert_true(has_pair(&argv, "-device", "vfio-pci,host=0000:00:18.0,id=pt_0"));
	assert_true(strvec_has(&notes, "VF 0 of host port 0 (line 4): host=0000:00:18.0, "
				       "where the run makes it (dev_gen, line 3: 1 VF "
				       "on the port)"));
	strvec_clear(&argv);
	strvec_clear(&notes);
	c.has_vfio_pci = 0;
	assert_int_equal(map_vm_argv(&s, 0, &c, &kvm_env, &argv, &notes, &why), -1);
	assert_string_equal(why.buf, "QEMU 7.2.0 has no vfio-pci device");
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&why);
	scenario_release(&s);
}

static void test_caps_file_errors(void **state)
{
	struct map_caps c;

	(void)state;
	tu_capture_begin();
	assert_int_equal(map_caps_parse("x.caps", "version 1.0\nvfio-pci 2\n", &c), -1);
	assert_int_equal(map_caps_parse("y.caps", "q35 pc-q35-1.0\n", &c), -1);
	assert_int_equal(map_caps_parse("z.caps", "version 1.0\nwarp-drive 1\n", &c), -1);
	{
		char *err = tu_capture_end();

		assert_contains(err, "x.caps:2: unknown key 'vfio-pci' or value '2'", "bad value");
		assert_contains(err, "y.caps: no 'version' line", "no version");
		assert_contains(err, "z.caps:2: unknown key 'warp-drive'", "bad key");
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_per_version_matches_expected),
		cmocka_unit_test(test_version_adaptations),
		cmocka_unit_test(test_domain_xml_matches_expected),
		cmocka_unit_test(test_vm_argv_dts_corpus),
		cmocka_unit_test(test_vlan_hub_by_version),
		cmocka_unit_test(test_vm_argv_made_up_and_missing),
		cmocka_unit_test(test_caps_file_errors),
	};

	regenerate = getenv("REGENERATE") && *getenv("REGENERATE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
