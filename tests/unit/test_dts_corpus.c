/*
 * DPDK DTS's own VM configuration files (scenarios/dts/, copied
 * unchanged, see the README there) load as they are: every file, every
 * VM section in file order, which the test finds again by reading the
 * file's [section] lines itself. The facts asserted below were read
 * from the files. What the runner does not act on is noted with the
 * file's values; a file of several VMs is said not to run (by the
 * runner, the mapper and the domain XML), never run in part; a scene's
 * VFs run (in the lab VM, whose addresses the domain XML then has).
 */
#include <dirent.h>

#include "testutil.h"
#include "domxml.h"
#include "lab.h"
#include "mapper.h"
#include "scenario.h"

#define DTS "scenarios/dts/"

/* Every file of the corpus and the VM sections in it, in order. */
static const struct corpus_file {
	const char *file;
	const char *vms[5];
} corpus[] = {
	{ "sriov_kvm.cfg", { "vm0", "vm1", "vm2", "vm3" } },
	{ "vf_etag.cfg", { "vm0" } },
	{ "vf_jumboframe.cfg", { "vm0" } },
	{ "vf_macfilter.cfg", { "vm0" } },
	{ "vf_offload.cfg", { "vm0" } },
	{ "vf_packet_rxtx.cfg", { "vm0", "vm1" } },
	{ "vf_port_start_stop.cfg", { "vm0" } },
	{ "vf_rss.cfg", { "vm0" } },
	{ "vf_to_vf_bridge.cfg", { "vm0", "vm1" } },
	{ "vf_vlan.cfg", { "vm0" } },
	{ "vhost_cuse_sample.cfg", { "vm0" } },
	{ "vhost_pmd_xstats.cfg", { "vm0" } },
	{ "vhost_sample.cfg", { "vm0" } },
	/* The suite names its VMs: the migration's source and destination. */
	{ "vhost_user_live_migration.cfg", { "host", "backup" } },
	{ "virtio_iperf.cfg", { "vm0", "vm1" } },
	{ "vm_power_manager.cfg", { "vm0", "vm1" } },
	{ "vxlan_sample.cfg", { "vm0", "vm1" } },
	{ "scene/dpdk_vf_passthrough.cfg", { "vm0" } },
	{ "scene/pf_passthrough.cfg", { "vm" } },
	{ "scene/vf_passthrough.cfg", { "vm0" } },
	{ "scene/vf_passthrough_1.cfg", { "vm0" } },
};

static const struct corpus_file *corpus_row(const char *file)
{
	for (size_t i = 0; i < ARRAY_SIZE(corpus); i++)
		if (!strcmp(corpus[i].file, file))
			return &corpus[i];
	return NULL;
}

static void list_cfgs(const char *sub, struct strvec *out)
{
	struct strbuf dir = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n;

	sb_printf(&dir, DTS "%s", sub);
	n = scandir(dir.buf, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		if (ends_with(ents[i]->d_name, ".cfg"))
			strvec_pushf(out, "%s%s", sub, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&dir);
}

/* The names of the file's [section] lines other than [scene], in order. */
static void section_names(const char *path, struct strvec *out)
{
	char *text = tu_read(path), *line = text;

	assert_non_null(text);
	while (line && *line) {
		char *eol = strchr(line, '\n'), *end;

		if (eol)
			*eol = '\0';
		if (*line == '[' && (end = strchr(line, ']')) &&
		    strncmp(line, "[scene]", 7))
			strvec_pushf(out, "%.*s", (int)(end - line - 1), line + 1);
		line = eol ? eol + 1 : NULL;
	}
	free(text);
}

static void load(struct scenario *s, const char *file)
{
	struct strbuf path = STRBUF_INIT;

	sb_printf(&path, DTS "%s", file);
	if (scenario_load(s, path.buf))
		fail_msg("%s does not load", path.buf);
	strbuf_release(&path);
}

/* Where the mapper puts a run's sockets; no kernel: a guest started stopped. */
static const struct map_env env = { .accel = "tcg", .rundir = "/run/vmx" };
static const struct dom_env dom = { .name = "vmx-dts", .emulator = "/usr/bin/qemu",
				    .virttype = "qemu", .console = "/run/vmx/console",
				    .rundir = "/run/vmx" };

static void load_caps(struct map_caps *c)
{
	char *text = tu_read("tests/data/mapper/caps/7.2.0.caps");

	assert_non_null(text);
	assert_int_equal(map_caps_parse("7.2.0.caps", text, c), 0);
	free(text);
}

/* Whether a note of VM vm of s says part. */
static int has_note(const struct scenario *s, const char *vm, const char *part)
{
	struct strvec all = STRVEC_INIT;
	struct strbuf prefix = STRBUF_INIT;
	int found = 0;

	sb_printf(&prefix, "[%s] line ", vm);
	scenario_notes(s, &all);
	for (size_t i = 0; i < all.nr && !found; i++)
		found = skip_prefix(all.v[i], prefix.buf, NULL) && strstr(all.v[i], part);
	strvec_clear(&all);
	strbuf_release(&prefix);
	return found;
}

/* s has the note want, word for word. */
static void assert_note(const struct scenario *s, const char *want)
{
	struct strvec all = STRVEC_INIT;

	scenario_notes(s, &all);
	if (!strvec_has(&all, want)) {
		struct strbuf got = STRBUF_INIT;

		strvec_join(&all, &got);
		fail_msg("%s: no note '%s'; the notes: %s", s->name, want, got.buf);
	}
	strvec_clear(&all);
}

static void test_every_file_loads(void **state)
{
	struct strvec files = STRVEC_INIT;
	struct map_caps caps;

	(void)state;
	load_caps(&caps);
	list_cfgs("", &files);
	list_cfgs("scene/", &files);
	assert_int_equal(files.nr, ARRAY_SIZE(corpus));
	for (size_t i = 0; i < files.nr; i++) {
		const struct corpus_file *row = corpus_row(files.v[i]);
		struct strvec sections = STRVEC_INIT, argv = STRVEC_INIT,
			      notes = STRVEC_INIT;
		struct strbuf path = STRBUF_INIT, why = STRBUF_INIT,
			      mapwhy = STRBUF_INIT, xml = STRBUF_INIT;
		struct scenario s;
		size_t n = 0;

		if (!row)
			fail_msg("%s is not in the table", files.v[i]);
		while (n < ARRAY_SIZE(row->vms) && row->vms[n])
			n++;
		sb_printf(&path, DTS "%s", files.v[i]);
		section_names(path.buf, &sections);
		load(&s, files.v[i]);
		if (s.nvms != n || sections.nr != n)
			fail_msg("%s: %zu VMs, %zu VM sections, want %zu", files.v[i],
				 s.nvms, sections.nr, n);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(s.vms[k].name, row->vms[k]) ||
			    strcmp(sections.v[k], row->vms[k]))
				fail_msg("%s: VM %zu is [%s], the file's section [%s], "
					 "want [%s]",
					 files.v[i], k, s.vms[k].name, sections.v[k],
					 row->vms[k]);
			/* The login is kept, and noted as not used. */
			if (s.vms[k].login_user) {
				assert_string_equal(s.vms[k].login_user, "root");
				assert_string_equal(s.vms[k].login_password, "tester");
				if (!has_note(&s, row->vms[k], "login user=root is not used"))
					fail_msg("%s: no login note for [%s]", files.v[i],
						 row->vms[k]);
			}
		}
		/* Several VMs: run together by the direct backend only; the
		 * one-VM backends (the mapper's map_argv, the domain XML) say so. */
		if (n > 1) {
			struct strbuf want = STRBUF_INIT, refused = STRBUF_INIT;
			int cannot = map_runnable(&s, &refused);

			if (cannot)
				sb_puts(&want, refused.buf);
			else
				sb_printf(&want, "%zu VMs in one scenario run together on "
						 "the direct backend only",
					  n);
			assert_int_equal(map_argv(&s, &caps, &env, &argv, &notes, &mapwhy), -1);
			assert_contains(mapwhy.buf, want.buf, files.v[i]);
			assert_int_equal(argv.nr, 0);
			strbuf_reset(&mapwhy);
			assert_int_equal(domxml_build(&s, &dom, &xml, &notes, &mapwhy), -1);
			assert_contains(mapwhy.buf, want.buf, files.v[i]);
			assert_int_equal(xml.len, 0);
			strbuf_release(&want);
			strbuf_release(&refused);
		}
		/* The password is kept, never shown in a note. */
		scenario_notes(&s, &notes);
		for (size_t k = 0; k < notes.nr; k++)
			if (strstr(notes.v[k], "tester") && !strstr(notes.v[k], "tester=tester"))
				fail_msg("%s: a note shows the password: %s", files.v[i],
					 notes.v[k]);
		scenario_release(&s);
		strvec_clear(&sections);
		strvec_clear(&argv);
		strvec_clear(&notes);
		strbuf_release(&path);
		strbuf_release(&why);
		strbuf_release(&mapwhy);
		strbuf_release(&xml);
	}
	strvec_clear(&files);
}

/* Four VMs, old-style networks: nic and user or tap on a vlan, a bridge. */
static void test_sriov_kvm(void **state)
{
	static const char *const pins[] = { "5 6 7 8", "9 10 11 12", "13 14 15 16",
					    "17 18 19 20" };
	static const int vlans[] = { 0, 1, 3, 4 };
	static const int monitor_lines[] = { 100, 119, 138, 157 };
	struct scenario s;

	(void)state;
	load(&s, "sriov_kvm.cfg");
	assert_int_equal(s.nvms, 4);
	for (size_t k = 0; k < 4; k++) {
		const struct scn_vm *vm = &s.vms[k];
		struct strbuf note = STRBUF_INIT;

		assert_string_equal(vm->cpu_model, "host");
		assert_int_equal(vm->cpus, 4);
		assert_string_equal(vm->cpupin, pins[k]);
		assert_int_equal(vm->vnc, (int)k + 1);
		assert_int_equal(vm->qga, 1);
		assert_int_equal(vm->nnets, 2);
		assert_int_equal(vm->nets[0].kind, NET_NIC);
		assert_int_equal(vm->nets[0].vlan, vlans[k]);
		assert_int_equal(vm->nets[1].kind, k < 2 ? NET_USER : NET_TAP);
		assert_int_equal(vm->nets[1].vlan, vlans[k]);
		if (k < 2)
			assert_null(vm->nets[1].bridge);
		else
			assert_string_equal(vm->nets[1].bridge, "br0");
		/* The empty monitor port, as the file has it. */
		sb_printf(&note, "[vm%zu] line %d: monitor port= is not used: the "
				 "runner talks to QEMU on its own QMP socket",
			  k, monitor_lines[k]);
		assert_note(&s, note.buf);
		strbuf_reset(&note);
		sb_printf(&note, "[vm%zu] line %d: daemon enable=yes is not used: the "
				 "runner keeps QEMU in the foreground",
			  k, monitor_lines[k] + 6);
		assert_note(&s, note.buf);
		strbuf_reset(&note);
		sb_printf(&note, "[vm%zu] line %d: login user=root is not used: nobody "
				 "logs into the guest, its /init runs the checks",
			  k, monitor_lines[k] - 5);
		assert_note(&s, note.buf);
		strbuf_release(&note);
	}
	assert_string_equal(s.vms[1].disks[0].file, "/home/image/vdisk02-sriov-fc20.img");
	assert_string_equal(s.vms[3].disks[0].file, "/home/image/vdisk04-ivshmem-fc20.img");
	assert_int_equal(s.vms[2].nets[1].line, 136);
	assert_int_equal(s.vms[3].line, 146);
	scenario_release(&s);
}

/* qemu path= per VM: kept, and noted since the QEMU under test runs. */
static void test_qemu_path(void **state)
{
	static const char path[] = "/usr/local/qemu-2.4.0/x86_64-softmmu/qemu-system-x86_64";
	struct scenario s;

	(void)state;
	load(&s, "virtio_iperf.cfg");
	assert_int_equal(s.nvms, 2);
	assert_string_equal(s.vms[0].qemu_path, path);
	assert_string_equal(s.vms[1].qemu_path, path);
	assert_note(&s, "[vm0] line 16: qemu path=/usr/local/qemu-2.4.0/x86_64-softmmu/"
			"qemu-system-x86_64 is noted; the QEMU under test is used instead");
	assert_note(&s, "[vm1] line 32: qemu path=/usr/local/qemu-2.4.0/x86_64-softmmu/"
			"qemu-system-x86_64 is noted; the QEMU under test is used instead");
	assert_string_equal(s.vms[0].cpupin, "14 15");
	assert_int_equal(s.vms[0].mem_mib, 2048);
	assert_int_equal(s.vms[0].hugepages, 1);
	assert_string_equal(s.vms[0].disks[0].file, "/home/img/vm0.img");
	assert_string_equal(s.vms[1].cpupin, "16 17");
	assert_int_equal(s.vms[1].vnc, 5);
	scenario_release(&s);
}

/* [host] and [backup]: two VMs, the first named host as DTS's suite does. */
static void test_migration_pair(void **state)
{
	struct scenario s;

	(void)state;
	load(&s, "vhost_user_live_migration.cfg");
	assert_int_equal(s.nvms, 2);
	assert_string_equal(s.vms[0].name, "host");
	assert_int_equal(s.vms[0].line, 96);
	assert_int_equal(s.host.vhost_ports, 0);
	assert_int_equal(s.host.line_vhost, 0);
	assert_null(s.host.passthrough);
	assert_note(&s, "[host] line 96: a VM named host, as in DTS: its first key "
			"'cpu' (line 97) is a VM's, not vhost or passthrough");
	assert_string_equal(s.vms[0].disks[0].file, "/home/vm-image/vm0.img");
	assert_string_equal(s.vms[1].disks[0].file, "/mnt/nfs/vm0.img");
	assert_int_equal(s.vms[1].mem_mib, 2048);
	assert_int_equal(s.vms[1].hugepages, 1);
	assert_note(&s, "[backup] line 125: migration enable=yes,port=4444 is not used: "
			"live migration is 'virt-matrix migrate'");
	assert_note(&s, "[host] line 110: serial_port enable=yes is not used: the "
			"runner reads the guest's serial console itself");
	scenario_release(&s);
}

/* cpupin=4,5,6,7: DTS reads cpupin=4 and three options without a value. */
static void test_cpupin_with_commas(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct scenario s;

	(void)state;
	load(&s, "vf_etag.cfg");
	assert_string_equal(s.vms[0].cpupin, "4");
	assert_int_equal(s.vms[0].cpus, 4);
	assert_note(&s, "[vm0] line 90: cpu '5', '6', '7' have no '=' and are ignored, "
			"as DTS ignores them: ',' separates options, so cpupin is '4'");
	/* One VM, plain devices: the runner runs it. */
	assert_int_equal(scenario_runnable(&s, &why), 0);
	scenario_release(&s);
	strbuf_release(&why);
}

/* DTS's libvirt module: no cpu model, the disk's format as type=. */
static void test_libvirt_style(void **state)
{
	struct scenario s;

	(void)state;
	load(&s, "vm_power_manager.cfg");
	assert_null(s.vms[0].cpu_model);
	assert_int_equal(s.vms[0].cpus, 4);
	assert_string_equal(s.vms[0].cpupin, "5 6 7 8");
	assert_int_equal(s.vms[0].mem_mib, 4096);
	assert_string_equal(s.vms[0].disks[0].file, "/storage/vm-image/vm0.img");
	assert_string_equal(s.vms[0].disks[0].format, "raw");
	/* [vm1] has no cpu line: the defaults. */
	assert_int_equal(s.vms[1].cpus, 1);
	assert_null(s.vms[1].cpupin);
	assert_string_equal(s.vms[1].disks[0].file, "/storage/vm-image/vm1.img");
	scenario_release(&s);
}

/* Scenes: [scene] noted, VFs made by dev_gen and passed by index. */
static void test_scene_vfs(void **state)
{
	struct strbuf why = STRBUF_INIT;
	const struct scn_vm *vm;
	struct scenario s;

	(void)state;
	load(&s, "scene/vf_passthrough.cfg");
	assert_int_equal(s.notes.nr, 3);
	assert_string_equal(s.notes.v[0], "[scene] line 11: suite dut=vm_dut,portmap=auto "
					  "is noted: DTS's suite settings; the runner runs "
					  "the VM's own checks");
	vm = &s.vms[0];
	assert_int_equal(vm->nvf_gens, 2);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(vm->vf_gens[k].pf, k);
		assert_int_equal(vm->vf_gens[k].vfs, 2);
		assert_string_equal(vm->vf_gens[k].driver, "default");
		assert_int_equal(vm->vf_gens[k].line, 24 + k);
		assert_int_equal(vm->devices[k].kind, DEV_SRIOV_VF);
		assert_int_equal(vm->devices[k].vf, 0);
		assert_int_equal(vm->devices[k].pf, k);
		assert_null(vm->devices[k].addr); /* guestpci=auto */
		assert_int_equal(vm->devices[k].line, 27 + k);
	}
	assert_int_equal(vm->ndevices, 2);
	assert_string_equal(vm->devices[0].mac, "00:00:00:00:01:01");
	assert_string_equal(vm->devices[1].mac, "00:00:00:00:01:02");
	assert_int_equal(vm->cpus, 4);
	assert_null(vm->cpupin);
	assert_int_equal(vm->mem_mib, 2048);
	assert_int_equal(vm->hugepages, 0);
	assert_note(&s, "[vm0] line 16: cpu skipcores=0 1 2 3 is not used: the runner "
			"reserves no host CPUs");
	assert_note(&s, "[vm0] line 16: cpu numa=auto is not used: the runner places "
			"vCPUs by cpupin only");
	assert_note(&s, "[vm0] line 24: dev_gen pf_idx=0,vf_num=2,driver=default is "
			"made, for a VM that gets one of these VFs, in the nested "
			"lab VM on QEMU's igb");
	/* The runner runs it, in the lab VM; the domain XML has the VFs there. */
	assert_int_equal(scenario_runnable(&s, &why), 0);
	{
		struct dom_env lab = dom;
		struct strbuf xml = STRBUF_INIT, mapwhy = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;

		assert_int_equal(domxml_build(&s, &dom, &xml, &notes, &mapwhy), -1);
		assert_string_equal(mapwhy.buf, "scenario 'vf_passthrough': VF 0 of host "
						"port 0 (line 27) outside the lab VM, "
						"which makes the VFs");
		strbuf_reset(&xml);
		lab.vf_bdf = lab_vf_bdf;
		assert_int_equal(domxml_build(&s, &lab, &xml, &notes, &mapwhy), 0);
		assert_contains(xml.buf, "<address domain='0x0000' bus='0x00' slot='0x18' "
					 "function='0x0'/></source>\n      <alias "
					 "name='ua-pt_0'/>", "VF 0 of port 0");
		assert_contains(xml.buf, "<address domain='0x0000' bus='0x00' slot='0x1a' "
					 "function='0x0'/></source>\n      <alias "
					 "name='ua-pt_1'/>", "VF 0 of port 1");
		if (!strvec_has(&notes, "VF 0 of host port 1 (line 28): a <hostdev> of "
					"0000:00:1a.0, where the run makes it, its MAC "
					"00:00:00:00:01:02 set through the port"))
			fail_msg("no note of VF 0 of port 1's hostdev");
		strbuf_release(&xml);
		strbuf_release(&mapwhy);
		strvec_clear(&notes);
	}
	scenario_release(&s);

	load(&s, "scene/vf_passthrough_1.cfg");
	vm = &s.vms[0];
	assert_int_equal(vm->nvf_gens, 1);
	assert_int_equal(vm->vf_gens[0].vfs, 2);
	assert_int_equal(vm->ndevices, 2);
	assert_int_equal(vm->devices[0].vf, 0);
	assert_int_equal(vm->devices[1].vf, 1);
	assert_int_equal(vm->devices[1].pf, 0);
	assert_null(vm->login_user);
	scenario_release(&s);

	load(&s, "scene/dpdk_vf_passthrough.cfg");
	assert_string_equal(s.vms[0].vf_gens[1].driver, "igb_uio");
	assert_int_equal(s.vms[0].vf_gens[1].vfs, 1);
	assert_note(&s, "[scene] line 17: host dpdk=testpmd,cores=0 1 2 3,"
			"target=x86_64-native-linuxapp-gcc is noted: the runner "
			"starts no DPDK application for a scene's host ports");
	scenario_release(&s);

	load(&s, "scene/pf_passthrough.cfg");
	vm = &s.vms[0];
	assert_string_equal(vm->name, "vm");
	assert_int_equal(vm->ndevices, 2);
	assert_int_equal(vm->devices[0].kind, DEV_HOST_PF);
	assert_int_equal(vm->devices[0].pf, 0);
	assert_int_equal(vm->devices[1].pf, 1);
	assert_null(vm->devices[1].addr);
	assert_note(&s, "[vm] line 16: cpu numa_aware=yes is not used: the runner "
			"places vCPUs by cpupin only");
	/* The lab VM provides ports 0 and 1 (igb), bound to vfio-pci. */
	strbuf_reset(&why);
	assert_int_equal(scenario_runnable(&s, &why), 0);
	{
		struct strbuf work = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;
		int ports = 0;

		assert_int_equal(lab_vf_plan(&s, &work, &ports, &notes), 2);
		assert_int_equal(ports, 2);
		assert_string_equal(work.buf, "pf 0 0000:00:08.0\npf 1 0000:00:0a.0\n");
		strbuf_release(&work);
		strvec_clear(&notes);
	}
	scenario_release(&s);
	strbuf_release(&why);
}

/*
 * DTS's documentation example (doc/dts_gsg/virtualization.rst: the
 * [vm0] of "Add Configuration File" and the two vhost-user devices of the
 * same page): no [host], so testpmd serves the devices; it maps.
 */
static void test_doc_example(void **state)
{
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	const struct scn_vm *vm;
	struct map_caps caps;
	struct scenario s;

	(void)state;
	load(&s, "doc/virtualization.cfg");
	assert_int_equal(s.nvms, 1);
	vm = &s.vms[0];
	assert_string_equal(vm->name, "vm0");
	assert_string_equal(vm->cpu_model, "host");
	assert_int_equal(vm->cpus, 2);
	assert_string_equal(vm->cpupin, "24 25");
	assert_int_equal(vm->mem_mib, 4096);
	assert_int_equal(vm->hugepages, 1);
	assert_string_equal(vm->disks[0].file, "/home/img/vm0.img");
	assert_int_equal(vm->vnc, 1);
	assert_int_equal(vm->ndevices, 2);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(vm->devices[k].kind, DEV_VHOST_USER);
		assert_string_equal(vm->devices[k].path, "./vhost-net");
		assert_int_equal(vm->devices[k].line, 14 + k);
	}
	assert_string_equal(vm->devices[0].mac, "00:00:20:00:00:20");
	assert_string_equal(vm->devices[1].mac, "00:00:20:00:00:21");
	/* testpmd, as 'vhost = backend=testpmd' would say. */
	assert_int_equal(s.host.vhost_ports, 2);
	assert_int_equal(s.host.line_vhost, 0);
	assert_string_equal(s.notes.v[0], "vhost-user devices get DPDK testpmd as their "
					  "backend, as 'vhost = backend=testpmd' in "
					  "[host] gives");
	assert_note(&s, "[vm0] line 15: vhost-user devices of lines 14 and 15 share "
			"the socket './vhost-net': testpmd serves one port per socket, "
			"so give each device its own");
	assert_int_equal(scenario_runnable(&s, &why), 0);
	load_caps(&caps);
	assert_int_equal(map_argv(&s, &caps, &env, &argv, &notes, &why), 0);
	assert_true(strvec_has(&argv, "socket,id=char1,path=/run/vmx/vhost-net"));
	assert_true(strvec_has(&argv, "virtio-net-pci,netdev=vhost1,id=vnet1,"
				      "mac=00:00:20:00:00:21"));
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&why);
	scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_file_loads),
		cmocka_unit_test(test_sriov_kvm),
		cmocka_unit_test(test_qemu_path),
		cmocka_unit_test(test_migration_pair),
		cmocka_unit_test(test_cpupin_with_commas),
		cmocka_unit_test(test_libvirt_style),
		cmocka_unit_test(test_scene_vfs),
		cmocka_unit_test(test_doc_example),
	};
	return cmocka_run_group_tests_name("dts_corpus", tests, NULL, NULL);
}
