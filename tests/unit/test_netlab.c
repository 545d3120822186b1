/*
 * The run's own bridge and taps for DTS's tap networking
 * (runner/netlab.c): the names, which links are ours and whose, and the
 * mapping of a tap net onto the run's tap (runner/mapper.c).
 */
#include "testutil.h"
#include "mapper.h"
#include "netlab.h"
#include "scenario.h"

static void test_names(void **state)
{
	char br[64], pre[64];

	(void)state;
	netlab_bridge_name(4194304, br, sizeof(br));
	assert_string_equal(br, "vx4194304br");
	netlab_tap_prefix(4194304, 12, pre, sizeof(pre));
	assert_string_equal(pre, "vx4194304v12t");
	/* The longest: pid_max's 7 digits, VM 99, tap 99: 15 characters. */
	assert_true(strlen("vx4194304v99t99") <= NETLAB_IFNAME_MAX);
}

static void test_owner(void **state)
{
	static const struct {
		const char *name;
		long pid;
	} cases[] = {
		{ "vx123br", 123 },
		{ "vx4194304v3t0", 4194304 },
		{ "vx7v0t12", 7 },
		{ "vx123", 0 },		/* no suffix */
		{ "vx123brx", 0 },	/* more after br */
		{ "vx123v3", 0 },	/* no tap number */
		{ "vx123v3t", 0 },
		{ "vx123v3t0x", 0 },
		{ "vxbr", 0 },		/* no pid */
		{ "vx0br", 0 },
		{ "br0", 0 },
		{ "virbr0", 0 },
		{ "vxlan0", 0 },
		{ "vx1234567890br", 0 }, /* more digits than a pid has */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if ((long)netlab_owner(cases[i].name) != cases[i].pid)
			fail_msg("'%s': owner %ld, want %ld", cases[i].name,
				 (long)netlab_owner(cases[i].name), cases[i].pid);
}

/* A VM of two tap nets on DTS's br0 and one user net. */
static const char cfg[] =
	"[vm0]\n"
	"net =\n"
	"   type=nic,opt_vlan=0;\n"
	"   type=user,opt_vlan=0;\n"
	"   type=nic,opt_vlan=1;\n"
	"   type=tap,opt_vlan=1,opt_br=br0;\n"
	"   type=nic,opt_vlan=2;\n"
	"   type=tap,opt_vlan=2;\n";

static void test_mapping(void **state)
{
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, all = STRBUF_INIT;
	struct map_caps caps;
	struct map_env env;
	struct scenario s;

	(void)state;
	memset(&caps, 0, sizeof(caps));
	snprintf(caps.version, sizeof(caps.version), "10.0.2");
	snprintf(caps.q35, sizeof(caps.q35), "pc-q35-10.0");
	caps.has_vfio_pci = caps.has_memfd = caps.machine_memdev = 1;
	caps.has_vhost_user_netdev = 1;
	assert_int_equal(scenario_parse(&s, "tap.cfg", cfg, sizeof(cfg) - 1), 0);
	assert_int_equal(netlab_taps(&s, 0), 2);
	/* Runnable directly; the one-VM backends refuse it. */
	assert_int_equal(map_runnable(&s, &why), 0);
	assert_int_equal(map_one_vm(&s, &why), -1);
	assert_contains(why.buf, "tap networking (line 6) runs directly only", "one-VM");
	strbuf_reset(&why);

	/* Shown: the host's bridge through the helper. */
	map_env_shown(&env, "tcg");
	assert_int_equal(map_vm_argv(&s, 0, &caps, &env, &argv, &notes, &why), 0);
	for (size_t i = 0; i < argv.nr; i++)
		sb_printf(&all, "%s ", argv.v[i]);
	assert_contains(all.buf, "-netdev bridge,id=hostnet1,br=br0 ", "helper form");
	assert_contains(all.buf, "-netdev bridge,id=hostnet2,br=br0 ", "br0 by default");
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_reset(&all);

	/* Run: the run's taps by name, in the order of the VM's tap nets. */
	env.tap_prefix = "vx42v0t";
	assert_int_equal(map_vm_argv(&s, 0, &caps, &env, &argv, &notes, &why), 0);
	for (size_t i = 0; i < argv.nr; i++)
		sb_printf(&all, "%s ", argv.v[i]);
	assert_contains(all.buf, "-netdev user,id=hostnet0 ", "user");
	assert_contains(all.buf, "-netdev tap,id=hostnet1,ifname=vx42v0t0,script=no,"
				 "downscript=no ", "first tap");
	assert_contains(all.buf, "-netdev tap,id=hostnet2,ifname=vx42v0t1,script=no,"
				 "downscript=no ", "second tap");
	assert_null(strstr(all.buf, "bridge"));
	for (size_t i = 0; i < notes.nr; i++)
		assert_null(strstr(notes.v[i], "qemu-bridge-helper"));
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&all);
	strbuf_release(&why);
	scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_mapping),
	};

	return cmocka_run_group_tests_name("netlab", tests, NULL, NULL);
}
