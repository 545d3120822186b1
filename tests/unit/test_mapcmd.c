/*
 * `virt-matrix map` without a store or QEMU (runner/mapcmd.c): map_write
 * on DPDK DTS's own files with the caps recorded from real probes of
 * QEMU 5.2.0, 7.2.0 and 10.0.2 (tests/data/mapper/caps/). The text
 * holds each VM's command line as one shell-quoted line, its notes and
 * the file's; the JSON has the same in its documented shape; a version
 * that cannot express a VM says why, the others still map.
 */
#include <json-c/json.h>

#include "testutil.h"
#include "mapcmd.h"

#define DTS "scenarios/dts/"

static const char *const versions[] = { "5.2.0", "7.2.0", "10.0.2" };

/* The three recorded QEMUs as targets, each with a made-up install path. */
static void targets(struct map_target t[3])
{
	for (size_t i = 0; i < 3; i++) {
		struct strbuf p = STRBUF_INIT;
		char *text;

		sb_printf(&p, "tests/data/mapper/caps/%s.caps", versions[i]);
		text = tu_read(p.buf);
		assert_non_null(text);
		assert_int_equal(map_caps_parse(p.buf, text, &t[i].caps), 0);
		free(text);
		t[i].install = (char *)versions[i];
		strbuf_reset(&p);
		sb_printf(&p, "/opt/qemu/%s/bin/qemu-system-x86_64", versions[i]);
		t[i].binary = strbuf_detach(&p);
	}
}

static void targets_release(struct map_target t[3])
{
	for (size_t i = 0; i < 3; i++)
		free(t[i].binary);
}

static void load(struct scenario *s, const char *file)
{
	if (scenario_load(s, file))
		fail_msg("%s does not load", file);
}

/* Four VMs, each on every QEMU: the whole line of one, notes under it. */
static void test_text(void **state)
{
	static const char vm2_on_10[] =
		"\n[vm2] QEMU 10.0.2\n"
		"  /opt/qemu/10.0.2/bin/qemu-system-x86_64 -machine pc-q35-10.0 -accel kvm "
		"-cpu host -smp 4 -m 512 -drive file=/home/image/vdisk03-ivshmem-fc20.img "
		"-netdev bridge,id=hostnet0,br=br0 -device e1000,netdev=hostnet0 "
		"-vnc 'unix:<rundir>/vnc.sock' "
		"-chardev 'socket,id=qga0,path=<rundir>/qga.sock,server=on,wait=off' "
		"-device virtio-serial-pci,id=vser0 "
		"-device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 "
		"-kernel '<kernel>' -initrd '<initrd>' "
		"-append 'console=ttyS0 panic=-1 quiet no_timer_check' "
		"-chardev stdio,id=ser0,signal=off -serial chardev:ser0 -no-reboot\n"
		"  note: cpupin=13 14 15 16: the runner pins the vCPU threads "
		"(query-cpus-fast thread-id) once QEMU is up\n"
		"  note: net type=tap (line 136) is -netdev bridge,br=br0: QEMU's "
		"qemu-bridge-helper adds the tap to the host's bridge br0, which must "
		"exist and be allowed in its bridge.conf\n";
	struct map_target t[3];
	struct strbuf out = STRBUF_INIT;
	struct scenario s;
	const char *p;
	size_t n = 0;

	(void)state;
	targets(t);
	load(&s, DTS "sriov_kvm.cfg");
	map_write(&s, t, 3, "kvm", 0, &out);
	assert_true(skip_prefix(out.buf, "# " DTS "sriov_kvm.cfg: 4 VMs, 3 QEMUs, "
					 "accel kvm\n\n[vm0]\n",
				NULL));
	assert_contains(out.buf, vm2_on_10, "vm2 on 10.0.2");
	/* The VM's own notes, once, before its command lines. */
	assert_contains(out.buf, "\n[vm3]\nnote: [vm3] line 152: login user=root is "
				 "not used",
			"vm3's notes");
	assert_contains(out.buf, "\n[vm1] QEMU 5.2.0\n  /opt/qemu/5.2.0/bin/"
				 "qemu-system-x86_64 -machine pc-q35-5.2 ",
			"vm1 on 5.2.0");
	/* Every VM on every QEMU, one command line each. */
	for (p = out.buf; (p = strstr(p, "\n  /opt/qemu/")); p++)
		n++;
	assert_int_equal(n, 4 * 3);
	assert_null(strstr(out.buf, "error:"));
	scenario_release(&s);

	/* Under TCG cpu host is max, with a note. */
	strbuf_reset(&out);
	load(&s, DTS "vf_vlan.cfg");
	map_write(&s, t + 2, 1, "tcg", 0, &out);
	assert_contains(out.buf, " -accel tcg -cpu max ", "tcg");
	assert_contains(out.buf, "  note: cpu model=host needs KVM; under tcg it is 'max'\n",
			"tcg note");
	scenario_release(&s);
	strbuf_release(&out);
	targets_release(t);
}

/* A version that cannot express a VM says why; the others still map. */
static void test_text_error_and_quoting(void **state)
{
	static const char cfg[] =
		"[vm0]\n"
		"disk = file=/img/my vm's.img\n"
		"dev_gen = pf_idx=0,vf_num=1,driver=vfio-pci\n"
		"device = vf_idx=0,pf_dev=0\n";
	struct map_target t[3];
	struct strbuf out = STRBUF_INIT;
	struct scenario s;

	(void)state;
	targets(t);
	t[0].caps.has_vfio_pci = 0;
	assert_int_equal(scenario_parse(&s, "mine.cfg", cfg, strlen(cfg)), 0);
	map_write(&s, t, 3, "kvm", 0, &out);
	assert_contains(out.buf, "\n[vm0] QEMU 5.2.0\n  error: QEMU 5.2.0 has no "
				 "vfio-pci device\n\n[vm0] QEMU 7.2.0\n",
			"error");
	assert_contains(out.buf, " -drive 'file=/img/my vm'\\''s.img' -device "
				 "vfio-pci,host=VF0-OF-PF0,id=pt_0 ",
			"quoted");
	assert_contains(out.buf, "  note: VF 0 of host port 0 (line 4): host=VF0-OF-PF0 "
				 "stands for the PCI address",
			"VF note");
	scenario_release(&s);
	strbuf_release(&out);
	targets_release(t);
}

static json_object *get(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		fail_msg("no '%s' of the right type", key);
	return v;
}

/* The JSON document: its shape, and the values of one file's VMs. */
static void test_json(void **state)
{
	struct map_target t[3];
	struct strbuf out = STRBUF_INIT;
	json_object *doc, *vms, *vm, *qemus, *q, *argv, *err;
	struct scenario s;

	(void)state;
	targets(t);
	t[1].caps.has_vfio_pci = 0;
	load(&s, DTS "scene/vf_passthrough.cfg");
	map_write(&s, t, 3, "kvm", 1, &out);
	doc = json_tokener_parse(out.buf);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(get(doc, "scenario", json_type_string)),
			    DTS "scene/vf_passthrough.cfg");
	assert_string_equal(json_object_get_string(get(doc, "accel", json_type_string)), "kvm");
	/* The file's notes: [scene]'s three suite lines. */
	assert_int_equal(json_object_array_length(get(doc, "notes", json_type_array)), 3);
	vms = get(doc, "vms", json_type_array);
	assert_int_equal(json_object_array_length(vms), 1);
	vm = json_object_array_get_idx(vms, 0);
	assert_string_equal(json_object_get_string(get(vm, "name", json_type_string)), "vm0");
	assert_int_equal(json_object_get_int(get(vm, "line", json_type_int)), 14);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
				    get(vm, "notes", json_type_array), 0)),
			    "[vm0] line 16: cpu numa=auto is not used: the runner places "
			    "vCPUs by cpupin only");
	qemus = get(vm, "qemus", json_type_array);
	assert_int_equal(json_object_array_length(qemus), 3);
	q = json_object_array_get_idx(qemus, 2);
	assert_string_equal(json_object_get_string(get(q, "version", json_type_string)), "10.0.2");
	assert_string_equal(json_object_get_string(get(q, "qemu_version", json_type_string)),
			    "10.0.2");
	argv = get(q, "argv", json_type_array);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 0)),
			    "/opt/qemu/10.0.2/bin/qemu-system-x86_64");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 14)),
			    "vfio-pci,host=VF0-OF-PF0,id=pt_0");
	assert_int_equal(json_object_array_length(get(q, "notes", json_type_array)), 5);
	assert_true(json_object_object_get_ex(q, "error", &err) && !err);
	/* 7.2.0 without vfio-pci: the reason, no argv, no notes. */
	q = json_object_array_get_idx(qemus, 1);
	assert_string_equal(json_object_get_string(get(q, "error", json_type_string)),
			    "QEMU 7.2.0 has no vfio-pci device");
	assert_int_equal(json_object_array_length(get(q, "argv", json_type_array)), 0);
	assert_int_equal(json_object_array_length(get(q, "notes", json_type_array)), 0);
	json_object_put(doc);
	scenario_release(&s);
	strbuf_release(&out);
	targets_release(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_error_and_quoting),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests_name("mapcmd", tests, NULL, NULL);
}
