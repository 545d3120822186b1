/* Scenario files in DTS's cfg format (runner/scenario.c). */
#include "testutil.h"
#include "paths.h"
#include "guest.h"
#include "scenario.h"

/* Shaped like DTS's conf/vhost_*.cfg, plus the [host] the runner needs. */
static const char dts_cfg[] =
	"# QEMU options\n"
	"# name\n"
	"#       name: vm0\n"
	"; another comment style\n"
	"[vm0]\n"
	"qemu =\n"
	"    path=/home/qemu-install/qemu-4.2.1/bin/qemu-system-x86_64;\n"
	"cpu =\n"
	"    model=host,number=4,cpupin=5 6 7 8;\n"
	"mem =\n"
	"    size=4096,hugepage=yes;\n"
	"disk =\n"
	"    file=/home/image/ubuntu2004.img,opt_format=qcow2,opt_if=virtio;\n"
	"login =\n"
	"    user=root,password=tester;\n"
	"net =\n"
	"   type=nic,opt_vlan=0,opt_model=virtio,opt_macaddr=52:54:00:AB:CD:01;\n"
	"   # the control interface\n"
	"   type=user,opt_vlan=0,opt_hostfwd=tcp:127.0.0.1:6000-:22;\n"
	"daemon =\n"
	"    enable=yes;\n"
	"device =\n"
	"    driver=vhost-user,opt_path=./vhost-net,opt_mac=00:00:00:00:00:01,opt_queue=2;\n"
	"device =\n"
	"    driver=vhost-user,opt_path=./vhost-net1,opt_mac=00:00:00:00:00:02;\n"
	"vnc =\n"
	"    displayNum=4;\n"
	"qga = enable=yes\n"
	"usercmd = cmd=echo hello\n"
	"\n"
	"[host]\n"
	"vhost = backend=testpmd,ports=2\n"
	"[expect]\n"
	"pci = id=1AF4:1000,count=2; id=8086:100e,count=0\n"
	"cpus = count=4\n"
	"mem = min=3900,max=4096\n"
	"link = count=2\n"
	"traffic = packets=100\n";

static void test_dts_cfg(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(scenario_parse(&s, "scenarios/dts-vhost.cfg", dts_cfg,
					strlen(dts_cfg)),
			 0);
	assert_string_equal(s.name, "dts-vhost");
	assert_string_equal(s.path, "scenarios/dts-vhost.cfg");
	assert_string_equal(s.vms[0].name, "vm0");
	assert_string_equal(s.vms[0].machine, "q35");
	assert_string_equal(s.vms[0].cpu_model, "host");
	assert_int_equal(s.vms[0].cpus, 4);
	assert_string_equal(s.vms[0].cpupin, "5 6 7 8");
	assert_int_equal(s.vms[0].mem_mib, 4096);
	assert_int_equal(s.vms[0].hugepages, 1);
	assert_int_equal(s.vms[0].vnc, 4);
	assert_int_equal(s.vms[0].qga, 1);
	assert_string_equal(s.vms[0].login_user, "root");
	assert_string_equal(s.vms[0].login_password, "tester");
	assert_string_equal(s.vms[0].usercmd, "echo hello");

	assert_int_equal(s.vms[0].ndisks, 1);
	assert_string_equal(s.vms[0].disks[0].file, "/home/image/ubuntu2004.img");
	assert_string_equal(s.vms[0].disks[0].format, "qcow2");
	assert_string_equal(s.vms[0].disks[0].iface, "virtio");
	assert_int_equal(s.vms[0].disks[0].line, 13);

	assert_int_equal(s.vms[0].nnets, 2);
	assert_int_equal(s.vms[0].nets[0].kind, NET_NIC);
	assert_string_equal(s.vms[0].nets[0].model, "virtio");
	assert_string_equal(s.vms[0].nets[0].mac, "52:54:00:AB:CD:01");
	assert_null(s.vms[0].nets[0].hostfwd);
	assert_int_equal(s.vms[0].nets[0].vlan, 0);
	assert_int_equal(s.vms[0].nets[0].line, 17);
	assert_int_equal(s.vms[0].nets[1].kind, NET_USER);
	assert_null(s.vms[0].nets[1].model);
	assert_null(s.vms[0].nets[1].mac);
	assert_string_equal(s.vms[0].nets[1].hostfwd, "tcp:127.0.0.1:6000-:22");
	/* The comment line inside the value still counts. */
	assert_int_equal(s.vms[0].nets[1].line, 19);

	assert_int_equal(s.vms[0].ndevices, 2);
	assert_int_equal(s.vms[0].devices[0].kind, DEV_VHOST_USER);
	assert_string_equal(s.vms[0].devices[0].path, "./vhost-net");
	assert_string_equal(s.vms[0].devices[0].mac, "00:00:00:00:00:01");
	assert_int_equal(s.vms[0].devices[0].queues, 2);
	assert_null(s.vms[0].devices[0].host);
	assert_null(s.vms[0].devices[0].settings);
	assert_int_equal(s.vms[0].devices[0].line, 23);
	assert_string_equal(s.vms[0].devices[1].path, "./vhost-net1");
	assert_string_equal(s.vms[0].devices[1].mac, "00:00:00:00:00:02");
	assert_int_equal(s.vms[0].devices[1].queues, 0);
	assert_int_equal(s.vms[0].devices[1].line, 25);

	assert_int_equal(s.host.vhost_ports, 2);
	assert_int_equal(s.host.line_vhost, 32);
	assert_null(s.host.passthrough);

	assert_int_equal(s.nchecks, 6);
	assert_int_equal(s.checks[0].kind, CHECK_PCI);
	assert_string_equal(s.checks[0].id, "1af4:1000");
	assert_int_equal(s.checks[0].count, 2);
	assert_int_equal(s.checks[0].line, 34);
	assert_int_equal(s.checks[1].kind, CHECK_PCI);
	assert_string_equal(s.checks[1].id, "8086:100e");
	assert_int_equal(s.checks[1].count, 0);
	assert_int_equal(s.checks[1].line, 34);
	assert_int_equal(s.checks[2].kind, CHECK_CPUS);
	assert_int_equal(s.checks[2].count, 4);
	assert_int_equal(s.checks[2].line, 35);
	assert_int_equal(s.checks[3].kind, CHECK_MEM);
	assert_int_equal(s.checks[3].min, 3900);
	assert_int_equal(s.checks[3].max, 4096);
	assert_int_equal(s.checks[4].kind, CHECK_LINK);
	assert_int_equal(s.checks[4].count, 2);
	assert_int_equal(s.checks[5].kind, CHECK_TRAFFIC);
	assert_int_equal(s.checks[5].count, 100);
	assert_int_equal(s.checks[5].line, 38);
	assert_null(s.checks[5].id);

	assert_int_equal(scenario_count_devices(&s, DEV_VHOST_USER), 2);
	assert_int_equal(scenario_count_devices(&s, DEV_VFIO_PCI), 0);
	/* What the runner does not act on is noted, each key at its line. */
	assert_int_equal(s.nvms, 1);
	assert_int_equal(s.vms[0].line, 5);
	assert_string_equal(s.vms[0].qemu_path,
			    "/home/qemu-install/qemu-4.2.1/bin/qemu-system-x86_64");
	assert_int_equal(s.vms[0].notes.nr, 4);
	assert_string_equal(s.vms[0].notes.v[0],
			    "[vm0] line 7: qemu path=/home/qemu-install/qemu-4.2.1/"
			    "bin/qemu-system-x86_64 is noted; the QEMU under test "
			    "is used instead");
	/* The password is kept, never shown. */
	assert_string_equal(s.vms[0].notes.v[1],
			    "[vm0] line 15: login user=root is not used: nobody logs "
			    "into the guest, its /init runs the checks");
	assert_string_equal(s.vms[0].notes.v[2],
			    "[vm0] line 21: daemon enable=yes is not used: the runner "
			    "keeps QEMU in the foreground");
	assert_string_equal(s.vms[0].notes.v[3],
			    "[vm0] line 29: usercmd cmd=echo hello is recorded, never run");
	assert_int_equal(s.notes.nr, 0); /* [host] says vhost */
	assert_int_equal(scenario_runnable(&s, &why), 0);
	assert_int_equal(why.len, 0);
	scenario_release(&s);
	assert_null(s.name);
	assert_null(s.vms);
	assert_int_equal(s.nvms, 0);
	assert_int_equal(s.notes.nr, 0);
	scenario_release(&s); /* twice is fine */
}

static void test_defaults(void **state)
{
	struct scenario s;
	const char *text = "[guest]\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "/tmp/dir/plain", text, strlen(text)), 0);
	assert_string_equal(s.name, "plain");
	assert_string_equal(s.vms[0].name, "guest");
	assert_string_equal(s.vms[0].machine, "q35");
	assert_null(s.vms[0].cpu_model);
	assert_null(s.vms[0].cpupin);
	assert_int_equal(s.vms[0].cpus, 1);
	assert_int_equal(s.vms[0].mem_mib, 512);
	assert_int_equal(s.vms[0].hugepages, 0);
	assert_int_equal(s.vms[0].vnc, -1);
	assert_int_equal(s.vms[0].qga, 0);
	assert_null(s.vms[0].login_user);
	assert_int_equal(s.vms[0].ndisks + s.vms[0].nnets + s.vms[0].ndevices + s.nchecks, 0);
	assert_int_equal(s.host.vhost_ports, 0);
	scenario_release(&s);
}

static void test_one_line_values(void **state)
{
	struct scenario s;
	const char *text =
		"[vm0]\n"
		"device = driver=vhost-user,opt_path=./vhost-net,opt_mac=00:00:20:00:00:20\n"
		"CPU: number=3 ,model = Haswell\n"
		"Mem:size=64\n"
		"machine = machine=pc-i440fx-7.2\n"
		"user = user=dts,password=secret\n"
		"[host]\n"
		"vhost = backend=testpmd\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "one.cfg", text, strlen(text)), 0);
	assert_int_equal(s.vms[0].ndevices, 1);
	assert_int_equal(s.vms[0].devices[0].kind, DEV_VHOST_USER);
	assert_string_equal(s.vms[0].devices[0].path, "./vhost-net");
	assert_string_equal(s.vms[0].devices[0].mac, "00:00:20:00:00:20");
	assert_int_equal(s.vms[0].devices[0].line, 2);
	assert_int_equal(s.vms[0].cpus, 3);
	assert_string_equal(s.vms[0].cpu_model, "Haswell");
	assert_int_equal(s.vms[0].mem_mib, 64);
	assert_string_equal(s.vms[0].machine, "pc-i440fx-7.2");
	assert_string_equal(s.vms[0].login_user, "dts");
	assert_string_equal(s.vms[0].login_password, "secret");
	assert_int_equal(s.host.vhost_ports, 2); /* default */
	assert_int_equal(s.host.line_vhost, 8);
	scenario_release(&s);
}

static void test_opt_settings_keeps_commas(void **state)
{
	struct scenario s;
	const char *text =
		"[vm0]\n"
		"device =\n"
		"    driver=vhost-user,opt_path=./v0,opt_mac=00:00:20:00:00:20,opt_settings=mrg_rxbuf=on,csum=off;\n"
		"    driver=virtio-net-pci,opt_netdev=n1,opt_settings = disable-modern=true , mq=on;\n"
		"    driver=vfio-pci,opt_host=0000:07:10.0,opt_addr=0x5\n"
		"[host]\n"
		"vhost = backend=testpmd,ports=1\n"
		"passthrough = device=0000:07:10.0\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "set.cfg", text, strlen(text)), 0);
	assert_int_equal(s.vms[0].ndevices, 3);
	assert_string_equal(s.vms[0].devices[0].settings, "mrg_rxbuf=on,csum=off");
	assert_string_equal(s.vms[0].devices[0].mac, "00:00:20:00:00:20");
	assert_int_equal(s.vms[0].devices[1].kind, DEV_VIRTIO_NET_PCI);
	assert_string_equal(s.vms[0].devices[1].netdev, "n1");
	assert_string_equal(s.vms[0].devices[1].settings, "disable-modern=true , mq=on");
	assert_int_equal(s.vms[0].devices[2].kind, DEV_VFIO_PCI);
	assert_string_equal(s.vms[0].devices[2].host, "0000:07:10.0");
	assert_string_equal(s.vms[0].devices[2].addr, "0x5");
	assert_int_equal(s.vms[0].devices[2].line, 5);
	assert_string_equal(s.host.passthrough, "0000:07:10.0");
	assert_int_equal(s.host.line_passthrough, 8);
	scenario_release(&s);
}

static void test_continuations_and_repeats(void **state)
{
	struct scenario s;
	const char *text =
		"[vm0]\n"			/* 1 */
		"net = type=nic;type=user\n"	/* 2 */
		"\n"				/* 3 */
		"    type=bridge,opt_br=br0\n"	/* 4: blank lines do not end a value */
		"# c\n"				/* 5 */
		"\ttype=tap,opt_vlan=7;;\n"	/* 6 */
		"net =\n"			/* 7: the same key again appends */
		"    ;\n"			/* 8 */
		"    type=nic,opt_model=e1000,opt_mac=aa:bb:cc:dd:ee:ff\n" /* 9 */
		"disk = file=a.img\n"		/* 10 */
		"disk = file=b.img,opt_index=1,opt_media=disk\n"; /* 11 */

	(void)state;
	assert_int_equal(scenario_parse(&s, "c.cfg", text, strlen(text)), 0);
	assert_int_equal(s.vms[0].nnets, 5);
	assert_int_equal(s.vms[0].nets[0].kind, NET_NIC);
	assert_int_equal(s.vms[0].nets[0].line, 2);
	assert_int_equal(s.vms[0].nets[1].kind, NET_USER);
	assert_int_equal(s.vms[0].nets[1].line, 2);
	assert_int_equal(s.vms[0].nets[2].kind, NET_TAP);
	assert_int_equal(s.vms[0].nets[2].line, 4);
	assert_int_equal(s.vms[0].nets[3].kind, NET_TAP);
	assert_int_equal(s.vms[0].nets[3].vlan, 7);
	assert_int_equal(s.vms[0].nets[3].line, 6);
	assert_int_equal(s.vms[0].nets[4].kind, NET_NIC);
	assert_string_equal(s.vms[0].nets[4].model, "e1000");
	assert_string_equal(s.vms[0].nets[4].mac, "aa:bb:cc:dd:ee:ff");
	assert_int_equal(s.vms[0].nets[4].line, 9);
	assert_int_equal(s.vms[0].ndisks, 2);
	assert_string_equal(s.vms[0].disks[0].file, "a.img");
	assert_null(s.vms[0].disks[0].format);
	assert_string_equal(s.vms[0].disks[1].file, "b.img");
	assert_int_equal(s.vms[0].disks[1].line, 11);
	scenario_release(&s);
}

#define VM "[vm0]\n"
#define VHOST_HOST "[host]\nvhost = backend=testpmd,ports=2\n"

static const struct {
	const char *name;
	const char *text;
	const char *where;
	const char *message;
} bad[] = {
	{ "unknown key", VM "cpu = number=1\n\n# x\ncpux = number=2\n", "x.cfg:5:",
	  "unknown key 'cpux' in [vm0]; expected one of cpu, mem, disk, net, "
	  "device, vnc, qga, login, user, usercmd, machine, qemu" },
	{ "cpu number", VM "cpu =\n    model=host,\n    number=abc\n", "x.cfg:4:",
	  "bad value 'abc' for cpu number; expected an integer from 1 to 256" },
	{ "cpu number zero", VM "cpu = number=0\n", "x.cfg:2:",
	  "expected an integer from 1 to 256" },
	{ "cpu number 257", VM "cpu = number=257\n", "x.cfg:2:", "bad value '257'" },
	{ "unknown cpu option", VM "cpu = number=1,cores=2\n", "x.cfg:2:",
	  "unknown option 'cores' for cpu in [vm0]; expected one of model, "
	  "number, cpupin" },
	{ "cpupin letters", VM "cpu = cpupin=1 a\n", "x.cfg:2:",
	  "bad cpupin '1 a'; expected host CPU numbers separated by spaces" },
	{ "mem size", VM "mem = size=lots\n", "x.cfg:2:",
	  "bad value 'lots' for mem size (MiB); expected an integer from 16 to 1048576" },
	{ "mem small", VM "mem = size=8\n", "x.cfg:2:", "bad value '8' for mem size" },
	{ "hugepage", VM "mem = size=64,hugepage=maybe\n", "x.cfg:2:",
	  "bad value 'maybe' for mem hugepage; expected yes or no" },
	{ "disk file", VM "disk = opt_format=raw\n", "x.cfg:2:",
	  "disk without file=; expected file=PATH" },
	{ "net type", VM "net = type=vde\n", "x.cfg:2:",
	  "bad net type 'vde'; expected nic, user, tap or bridge" },
	{ "net no type", VM "net = opt_vlan=0\n", "x.cfg:2:", "net without type=" },
	{ "net vlan", VM "net = type=nic,opt_vlan=-1\n", "x.cfg:2:",
	  "bad value '-1' for net opt_vlan" },
	{ "net mac", VM "net = type=nic,opt_macaddr=00:11:22:33:44\n", "x.cfg:2:",
	  "bad MAC address '00:11:22:33:44' for net; expected xx:xx:xx:xx:xx:xx" },
	{ "device mac", VM "device = driver=vhost-user,opt_path=a,opt_mac=00:00:20:00:00:2g\n",
	  "x.cfg:2:", "bad MAC address '00:00:20:00:00:2g' for vhost-user" },
	{ "vhost-cuse", VM "device = driver=vhost-cuse,opt_path=./vhost-net\n", "x.cfg:2:",
	  "driver vhost-cuse was removed" },
	{ "unknown driver", VM "device = driver=e1000e\n", "x.cfg:2:",
	  "unknown device driver 'e1000e'; expected driver=vhost-user, vfio-pci, "
	  "pci-assign or virtio-net-pci" },
	{ "no driver", VM "device = opt_path=a\n", "x.cfg:2:", "device without driver=" },
	{ "vhost-user path", VM "device = driver=vhost-user,opt_mac=00:00:20:00:00:20\n",
	  "x.cfg:2:", "vhost-user device without opt_path=; expected opt_path=SOCKET" },
	{ "vhost-user option", VM "device = driver=vhost-user,opt_path=a,opt_host=lab\n",
	  "x.cfg:2:",
	  "unknown option 'opt_host' for device driver=vhost-user in [vm0]; expected "
	  "one of driver, opt_path, opt_mac, opt_queue, opt_settings, opt_server, opt_legacy" },
	{ "vfio host", VM "device = driver=vfio-pci,opt_host=07:10\n", "x.cfg:2:",
	  "bad opt_host '07:10' for vfio-pci; expected a PCI address (0000:07:10.0 "
	  "or 07:10.0) or 'lab'" },
	{ "pci-assign no host", VM "device = driver=pci-assign\n", "x.cfg:2:",
	  "bad opt_host '' for pci-assign" },
	{ "vnc", VM "vnc = displayNum=70000\n", "x.cfg:2:",
	  "bad value '70000' for vnc displayNum; expected an integer from 0 to 65535" },
	{ "vnc lower case", VM "vnc = displaynum=1\n", "x.cfg:2:",
	  "unknown option 'displaynum' for vnc in [vm0]; expected one of displayNum" },
	{ "qga", VM "qga = enable=on\n", "x.cfg:2:", "bad value 'on' for qga enable" },
	{ "machine", VM "machine = machine=virt\n", "x.cfg:2:",
	  "bad machine 'virt'; expected q35, pc, pc-q35-X.Y or pc-i440fx-X.Y" },
	{ "option twice", VM "mem = size=64,size=128\n", "x.cfg:2:",
	  "option 'size' given twice" },
	{ "option without name", VM "mem = =64\n", "x.cfg:2:",
	  "option '=64' has no name; expected name=value" },
	/* What the message quotes from the file reaches the terminal escaped. */
	{ "escape sequence in a value", VM "cpu = number=\033[2J\033[31m\n", "x.cfg:2:",
	  "bad value '\\x1b[2J\\x1b[31m' for cpu number; expected an integer" },
	{ "escape sequence in a key", VM "\033]0;title\007 = x\n", "x.cfg:2:",
	  "unknown key '\\x1b]0;title\\x07' in [vm0]" },
	/* The first mistake of an entry is the one reported. */
	{ "option twice, then one without name",
	  VM "mem = size=64,hugepage=no,size=128,=5\n", "x.cfg:2:",
	  "option 'size' given twice" },
	{ "option without name, then one twice", VM "mem = size=64,=5,size=128\n",
	  "x.cfg:2:", "option '=5' has no name" },
	{ "the first of two options given twice",
	  VM "mem = size=64,hugepage=no,size=1,hugepage=yes\n", "x.cfg:2:",
	  "option 'size' given twice" },
	{ "section twice", VM "cpu = number=1\n[expect]\n[vm0]\n", "x.cfg:4:",
	  "section [vm0] given twice" },
	{ "DEFAULT section", "[DEFAULT]\nmem = size=256\n" VM, "x.cfg:1:",
	  "section [DEFAULT] (defaults for every section, in ConfigParser) is not "
	  "supported; expected its keys in each VM section" },
	{ "no VM", "[host]\n[expect]\ncpus = count=1\n", "x.cfg:3:",
	  "no VM section; expected one such as [vm0]" },
	{ "empty file", "", "x.cfg:1:", "no VM section" },
	{ "before section", "cpu = number=1\n[vm0]\n", "x.cfg:1:",
	  "'cpu = number=1' before any section; expected a [section] first" },
	{ "bad header", VM "[host\n", "x.cfg:2:", "bad section header '[host'; expected [name]" },
	{ "not key value", VM "cpu number 2\n", "x.cfg:2:",
	  "bad line 'cpu number 2'; expected key = value" },
	{ "no key", VM " = number=2\n", "x.cfg:2:", "no key before '='" },
	{ "host key", VM "[host]\nvhosts = backend=testpmd\n", "x.cfg:3:",
	  "unknown key 'vhosts' in [host]; expected one of vhost, passthrough" },
	{ "host backend", VM "[host]\nvhost = backend=ovs\n", "x.cfg:3:",
	  "bad vhost backend 'ovs'; expected backend=testpmd" },
	{ "host ports", VM "[host]\nvhost = backend=testpmd,ports=9\n", "x.cfg:3:",
	  "bad value '9' for vhost ports; expected an integer from 1 to 8" },
	{ "host passthrough", VM "[host]\npassthrough = device=eth0\n", "x.cfg:3:",
	  "bad passthrough device 'eth0'" },
	{ "expect key", VM "[expect]\ndisk = count=1\n", "x.cfg:3:",
	  "unknown key 'disk' in [expect]; expected one of pci, cpus, mem, link, traffic" },
	{ "pci id", VM "[expect]\npci = id=1af4-1000\n", "x.cfg:3:",
	  "bad pci id '1af4-1000'; expected id=VVVV:DDDD (hex)" },
	{ "pci id colons", VM "[expect]\npci = id=1af::1000\n", "x.cfg:3:",
	  "bad pci id '1af::1000'" },
	{ "pci id trailing bar", VM "[expect]\npci = id=1af4:1000|\n", "x.cfg:3:",
	  "bad pci id '1af4:1000|'; expected id=VVVV:DDDD (hex), or alternatives" },
	{ "pci id bad alternative", VM "[expect]\npci = id=1af4:1000|1af4\n", "x.cfg:3:",
	  "bad pci id '1af4:1000|1af4'" },
	{ "pci id five alternatives", VM "[expect]\npci = id=0001:0001|0001:0002|0001:0003|0001:0004|0001:0005\n",
	  "x.cfg:3:", "bad pci id '0001:0001|0001:0002|0001:0003|0001:0004|0001:0005'" },
	{ "cpus count", VM "[expect]\ncpus = number=2\n", "x.cfg:3:",
	  "unknown option 'number' for cpus in [expect]; expected one of count" },
	{ "mem max below min", VM "[expect]\nmem = min=200,max=100\n", "x.cfg:3:",
	  "bad value '100' for mem max (MiB); expected an integer from 200 to 1048576" },
	{ "mem no min", VM "[expect]\nmem = max=100\n", "x.cfg:3:",
	  "bad value '' for mem min (MiB)" },
	{ "traffic packets", VM "[expect]\nlink = count=1\ntraffic = packets=0\n",
	  "x.cfg:4:", "bad value '0' for traffic packets; expected an integer from 1 to 1000000" },
	/* Checks across sections, reported at the line of the device or check. */
	{ "traffic with one vhost-user device",
	  VM "device = driver=vhost-user,opt_path=a\n" VHOST_HOST
	     "[expect]\npci = id=1af4:1000\ntraffic = packets=32\n",
	  "x.cfg:7:",
	  "a traffic check needs two vhost-user devices, this scenario has 1; "
	  "expected at least 2" },
	{ "traffic without devices", VM "[expect]\ntraffic = packets=32\n", "x.cfg:3:",
	  "a traffic check needs a vhost-user device in [vm0], which has none" },
	/* [expect NAME]: a VM of the file, once; a traffic peer checks too. */
	{ "expect for no such VM", VM "[expect vm7]\ncpus = count=1\n", "x.cfg:3:",
	  "[expect vm7] names no VM of this file; expected one of [expect vm0]" },
	{ "expect for one VM twice", VM "[expect vm0]\ncpus = count=1\n[expect  vm0]\n",
	  "x.cfg:4:", "section [expect  vm0] says again what [expect vm0] expects of VM vm0" },
	{ "traffic to a VM that does not answer",
	  "[vm0]\ndevice = driver=vhost-user,opt_path=a\n"
	  "[vm1]\ndevice = driver=vhost-user,opt_path=b\n"
	  "[expect vm0]\ntraffic = packets=8\n",
	  "x.cfg:6:",
	  "the traffic check for [vm0] goes through testpmd to [vm1] (its device "
	  "of line 4), which runs none; expected a traffic check for [vm1] too" },
	{ "vfio without passthrough", VM "device = driver=vfio-pci,opt_host=lab\n",
	  "x.cfg:2:",
	  "a passthrough device needs the host to provide it; expected "
	  "'passthrough = device=...' in [host]" },
	{ "pci-assign without passthrough", VM "device = driver=pci-assign,opt_host=07:10.0\n",
	  "x.cfg:2:", "a passthrough device needs the host to provide it" },
	{ "lab device, BDF passthrough",
	  VM "\ndevice = driver=vfio-pci,opt_host=lab\n[host]\npassthrough = device=0000:07:10.0\n",
	  "x.cfg:3:",
	  "opt_host=lab but [host] passthrough is '0000:07:10.0' (line 5); "
	  "expected device=lab there" },
	/* Several VMs: each checked as the first, messages name its section. */
	{ "second VM's option", VM "cpu = number=1\n[vm1]\ncpu = number=1,cores=2\n",
	  "x.cfg:4:", "unknown option 'cores' for cpu in [vm1]" },
	{ "second VM's passthrough", VM "[vm1]\ndevice = driver=vfio-pci,opt_host=lab\n",
	  "x.cfg:3:", "a passthrough device needs the host to provide it" },
	/* [host]: its first key says whether it is the host's or a VM. */
	{ "host key, then a VM key", VM "[host]\nvhost = backend=testpmd\ncpu = number=1\n",
	  "x.cfg:4:", "unknown key 'cpu' in [host]; expected one of vhost, passthrough" },
	{ "VM key, then a host key", "[host]\nmem = size=256\nvhost = backend=testpmd\n",
	  "x.cfg:3:", "unknown key 'vhost' in [host]; expected one of cpu, mem, disk" },
	{ "neither as first key of host", "[host]\nvcpu = 2\n", "x.cfg:2:",
	  "unknown key 'vcpu' in [host]; expected one of vhost, passthrough; or, "
	  "for a VM named host as in DTS, one of cpu, mem, disk" },
	/* DTS's SR-IOV VFs: made by dev_gen, passed by index. */
	{ "VF without pf_dev", VM "dev_gen = pf_idx=0,vf_num=1,driver=default\n"
	  "device = vf_idx=0\n", "x.cfg:3:",
	  "VF device without pf_dev=; expected vf_idx=N,pf_dev=M (VF N of host port M)" },
	{ "VF without dev_gen", VM "cpu = number=1\ndevice = vf_idx=0,pf_dev=1\n",
	  "x.cfg:3:",
	  "VF 0 of host port 1, but no dev_gen makes VFs on port 1; expected "
	  "'dev_gen = pf_idx=1,vf_num=N,driver=...' in the file" },
	{ "VF beyond vf_num", VM "dev_gen = pf_idx=0,vf_num=2,driver=default\n"
	  "device = vf_idx=2,pf_dev=0\n", "x.cfg:3:",
	  "VF 2 of host port 0, but dev_gen makes 2 on it (line 2); expected "
	  "vf_idx below 2" },
	{ "VF option", VM "device = vf_idx=0,pf_dev=0,opt_host=lab\n", "x.cfg:2:",
	  "unknown option 'opt_host' for device vf_idx= in [vm0]; expected one of "
	  "vf_idx, pf_dev, guestpci, mac" },
	{ "VF mac", VM "device = vf_idx=0,pf_dev=0,mac=00:00\n", "x.cfg:2:",
	  "bad MAC address '00:00' for VF" },
	{ "VF index", VM "device = vf_idx=first,pf_dev=0\n", "x.cfg:2:",
	  "bad value 'first' for device vf_idx; expected an integer from 0 to 65535" },
	{ "PF index", VM "device = pf_idx=a,guestpci=auto\n", "x.cfg:2:",
	  "bad value 'a' for device pf_idx; expected an integer from 0 to 1023" },
	{ "dev_gen without driver", VM "dev_gen = pf_idx=0,vf_num=2\n", "x.cfg:2:",
	  "dev_gen without driver=; expected driver=default, igb_uio or vfio-pci" },
	{ "dev_gen without port", VM "dev_gen = vf_num=2,driver=default\n", "x.cfg:2:",
	  "bad value '' for dev_gen pf_idx; expected an integer from 0 to 1023" },
	{ "cpu_pin letters", VM "cpu = cpu_pin=1 a\n", "x.cfg:2:",
	  "bad cpu_pin '1 a'; expected host CPU numbers separated by spaces" },
	/* DTS's [scene]. */
	{ "scene key", "[scene]\nsuites = dut=vm_dut\n" VM, "x.cfg:2:",
	  "unknown key 'suites' in [scene]; expected one of suite, host" },
	{ "scene option", "[scene]\nsuite = dut=vm_dut,port=1\n" VM, "x.cfg:2:",
	  "unknown option 'port' for suite in [scene]; expected one of dut, "
	  "portmap, tester, type" },
	{ "scene host without cores", "[scene]\nhost = dpdk=testpmd\n" VM, "x.cfg:2:",
	  "scene host without cores=; expected dpdk=testpmd,cores=LIST" },
};

static void test_bad_scenarios(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct scenario s;
		char *msg;
		int r;

		memset(&s, 0xa5, sizeof(s)); /* parse must not read it */
		tu_capture_begin();
		r = scenario_parse(&s, "x.cfg", bad[i].text, strlen(bad[i].text));
		msg = tu_capture_end();
		if (r != -1)
			fail_msg("%s: parse returned %d", bad[i].name, r);
		assert_contains(msg, "error: ", bad[i].name);
		assert_contains(msg, bad[i].where, bad[i].name);
		assert_contains(msg, bad[i].message, bad[i].name);
		/* Reported once. */
		if (strstr(strstr(msg, "error: ") + 1, "error: "))
			fail_msg("%s: reported more than once:\n%s", bad[i].name, msg);
		/* Released: everything zero, and releasing again is safe. */
		if (s.name || s.path || s.vms || s.nvms || s.checks || s.nchecks ||
		    s.notes.nr)
			fail_msg("%s: scenario not released", bad[i].name);
		scenario_release(&s);
		free(msg);
	}
}

/*
 * One entry of 100,000 options (1.3 MB): parsed in one pass over them
 * (asking each new option of all the earlier ones took 16 to 33 s), the
 * rest of the file after it too, and a repeat at its very end found.
 */
static const struct {
	const char *name;
	long repeat; /* an option given again at the end, or -1 */
	const char *error;
} large_cases[] = {
	{ "all options different", -1, NULL },
	{ "the middle option again at the end", 50000,
	  "big.cfg:2: option 'opt_050000' given twice" },
};

static void test_large_entry(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(large_cases); i++) {
		struct strbuf text = STRBUF_INIT;
		struct scenario s;
		char *msg;
		int rc;

		sb_puts(&text, "[vm0]\nqemu = ");
		for (long k = 0; k < 100000; k++)
			sb_printf(&text, "%sopt_%06ld=v", k ? "," : "", k);
		if (large_cases[i].repeat >= 0)
			sb_printf(&text, ",opt_%06ld=w", large_cases[i].repeat);
		sb_puts(&text, "\nmem = size=1024\ndevice = driver=virtio-net-pci\n");
		assert_true(text.len > 1300000);
		tu_capture_begin();
		rc = scenario_parse(&s, "big.cfg", text.buf, text.len);
		msg = tu_capture_end();
		if (!large_cases[i].error) {
			if (rc)
				fail_msg("%s: rc %d: %s", large_cases[i].name, rc, msg);
			assert_int_equal(s.vms[0].mem_mib, 1024);
			assert_int_equal(s.vms[0].ndevices, 1);
			assert_int_equal(s.vms[0].devices[0].kind, DEV_VIRTIO_NET_PCI);
			assert_int_equal(s.vms[0].devices[0].line, 4);
			scenario_release(&s);
		} else {
			if (rc != -1)
				fail_msg("%s: rc %d", large_cases[i].name, rc);
			assert_contains(msg, large_cases[i].error, large_cases[i].name);
		}
		free(msg);
		strbuf_release(&text);
	}
}

static void test_count_devices(void **state)
{
	struct scenario s;
	const char *text =
		"[vm]\n"
		"device = driver=vhost-user,opt_path=a; driver=pci-assign,opt_host=lab\n"
		"device = driver=vhost-user,opt_path=b; driver=vfio-pci,opt_host=lab\n"
		"device = driver=vhost-user,opt_path=c\n"
		"[host]\n"
		"vhost = backend=testpmd,ports=3\n"
		"passthrough = device=lab\n";
	struct scenario zero;

	(void)state;
	assert_int_equal(scenario_parse(&s, "n.cfg", text, strlen(text)), 0);
	assert_int_equal(s.vms[0].ndevices, 5);
	assert_int_equal(scenario_count_devices(&s, DEV_VHOST_USER), 3);
	assert_int_equal(scenario_count_devices(&s, DEV_VFIO_PCI), 1);
	assert_int_equal(scenario_count_devices(&s, DEV_PCI_ASSIGN), 1);
	assert_int_equal(scenario_count_devices(&s, DEV_VIRTIO_NET_PCI), 0);
	assert_string_equal(s.vms[0].devices[1].host, "lab");
	assert_string_equal(s.vms[0].devices[4].path, "c");
	assert_int_equal(s.host.vhost_ports, 3);
	scenario_release(&s);
	assert_int_equal(scenario_count_devices(&s, DEV_VHOST_USER), 0);

	memset(&zero, 0, sizeof(zero));
	scenario_release(&zero);
}

/* Several VMs in one file: each kept, in order; the runner says it skips. */
static void test_several_vms(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct scenario s;
	const char *text =
		"[vm0]\n"					/* 1 */
		"cpu = number=2\n"				/* 2 */
		"device = driver=vhost-user,opt_path=./a\n"	/* 3 */
		"[scene]\n"					/* 4 */
		"suite = dut=vm_dut\n"				/* 5 */
		"[vm1]\n"					/* 6 */
		"mem = size=1024\n"				/* 7 */
		"device =\n"					/* 8 */
		"    driver=vhost-user,opt_path=./b;\n"		/* 9 */
		"    driver=vhost-user,opt_path=./c\n"		/* 10 */
		"[expect]\n"					/* 11 */
		"cpus = count=2\n";				/* 12 */

	(void)state;
	assert_int_equal(scenario_parse(&s, "two.cfg", text, strlen(text)), 0);
	assert_int_equal(s.nvms, 2);
	assert_string_equal(s.vms[0].name, "vm0");
	assert_int_equal(s.vms[0].line, 1);
	assert_int_equal(s.vms[0].cpus, 2);
	assert_int_equal(s.vms[0].mem_mib, 512);
	assert_int_equal(s.vms[0].ndevices, 1);
	assert_string_equal(s.vms[1].name, "vm1");
	assert_int_equal(s.vms[1].line, 6);
	assert_int_equal(s.vms[1].cpus, 1);
	assert_int_equal(s.vms[1].mem_mib, 1024);
	assert_int_equal(s.vms[1].ndevices, 2);
	assert_string_equal(s.vms[1].devices[0].path, "./b");
	assert_string_equal(s.vms[1].devices[1].path, "./c");
	assert_int_equal(s.vms[1].devices[1].line, 10);
	/* The first VM is the one the counts are of. */
	assert_int_equal(scenario_count_devices(&s, DEV_VHOST_USER), 1);
	assert_int_equal(s.nchecks, 1);
	/* No [host]: testpmd, as 'vhost = backend=testpmd' gives. */
	assert_int_equal(s.host.vhost_ports, 2);
	assert_int_equal(s.host.line_vhost, 0);
	assert_int_equal(s.notes.nr, 2);
	assert_string_equal(s.notes.v[0], "[scene] line 5: suite dut=vm_dut is noted: "
					  "DTS's suite settings; the runner runs the "
					  "VM's own checks");
	assert_string_equal(s.notes.v[1], "vhost-user devices get DPDK testpmd as their "
					  "backend, as 'vhost = backend=testpmd' in "
					  "[host] gives");
	/* Several VMs run together; the plain [expect] is for each of them. */
	assert_int_equal(scenario_runnable(&s, &why), 0);
	assert_int_equal(s.checks[0].vm, -1);
	assert_null(s.checks[0].vm_name);
	assert_true(scn_check_applies(&s.checks[0], 0));
	assert_true(scn_check_applies(&s.checks[0], 1));
	scenario_release(&s);
	strbuf_release(&why);
}

/*
 * [expect NAME]: checks for one VM; testpmd's ports across VMs; a
 * traffic check whose peer port is another VM's, which must check too.
 */
static void test_expect_per_vm(void **state)
{
	struct strbuf why = STRBUF_INIT, init = STRBUF_INIT;
	struct scn_port p, peer;
	struct scenario s;
	const char *text =
		"[expect vm1]\n"					/* 1 */
		"cpus = count=2\n"					/* 2 */
		"[vm0]\n"						/* 3 */
		"device = driver=vhost-user,opt_path=./a,opt_mac=52:54:00:00:00:01\n"
		"[vm1]\n"						/* 5 */
		"cpu = number=2\n"					/* 6 */
		"device = driver=vhost-user,opt_path=./b,opt_mac=52:54:00:00:00:02\n"
		"[expect]\n"						/* 8 */
		"traffic = packets=16\n";				/* 9 */

	(void)state;
	assert_int_equal(scenario_parse(&s, "pair.cfg", text, strlen(text)), 0);
	assert_int_equal(s.nchecks, 2);
	assert_string_equal(s.checks[0].vm_name, "vm1");
	assert_int_equal(s.checks[0].vm, 1);
	assert_false(scn_check_applies(&s.checks[0], 0));
	assert_true(scn_check_applies(&s.checks[0], 1));
	assert_int_equal(s.checks[1].vm, -1);
	/* vm0's device is port 0, vm1's port 1: testpmd pairs them. */
	assert_int_equal(scenario_vhost_port(&s, 1, 0, &p), 0);
	assert_int_equal(p.vm, 1);
	assert_int_equal(p.port, 1);
	assert_int_equal(scenario_vhost_peer(&s, &p, &peer), 0);
	assert_int_equal(peer.vm, 0);
	assert_int_equal(peer.port, 0);
	assert_int_equal(scenario_vhost_port(&s, 1, 1, &p), -1);
	assert_int_equal(scenario_runnable(&s, &why), 0);
	/* vm0's /init: the traffic check only, to vm1's address and MAC. */
	guest_init_script(&s, 0, &init);
	assert_null(strstr(init.buf, "cpus"));
	assert_contains(init.buf, "ip addr add 10.200.0.1/24 dev $a", "vm0's address");
	assert_contains(init.buf, "arp -i $a -s 10.200.0.2 52:54:00:00:00:02", "vm1's MAC");
	assert_contains(init.buf, "result 1 traffic", "numbered from 1");
	assert_contains(init.buf, "to=[vm1] 52:54:00:00:00:02", "detail names the peer");
	strbuf_reset(&init);
	/* vm1's: its cpus check first, then traffic to vm0. */
	guest_init_script(&s, 1, &init);
	assert_contains(init.buf, "result 1 cpus", "vm1's own check");
	assert_contains(init.buf, "arp -i $a -s 10.200.0.1 52:54:00:00:00:01", "vm0's MAC");
	assert_contains(init.buf, "result 2 traffic", "second");
	/* The console closed before the power-off, so that it drains. */
	assert_contains(init.buf, "VMX-END $pass $fail\"\nexec </dev/null >/dev/null 2>&1\n"
				  "poweroff -f\n", "drained");
	scenario_release(&s);
	strbuf_release(&init);
	strbuf_release(&why);
}

/* Two VMs on one socket load (DTS's files have it) but do not run. */
static void test_shared_socket_between_vms(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct scenario s;
	const char *text = "[vm0]\ndevice = driver=vhost-user,opt_path=./s\n"
			   "[vm1]\ndevice = driver=vhost-user,opt_path=./s\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "x.cfg", text, strlen(text)), 0);
	assert_int_equal(scenario_runnable(&s, &why), -1);
	assert_string_equal(why.buf, "[vm0] (line 2) and [vm1] (line 4) use one "
				     "vhost-user socket './s'; a socket serves one VM");
	scenario_release(&s);
	/* A VF in a file of several VMs: the lab that makes VFs runs one. */
	{
		const char *vf = "[vm0]\ncpu = number=1\n"
				 "[vm1]\ndev_gen = pf_idx=0,vf_num=1,driver=default\n"
				 "device = vf_idx=0,pf_dev=0\n";

		strbuf_reset(&why);
		assert_int_equal(scenario_parse(&s, "x.cfg", vf, strlen(vf)), 0);
		assert_int_equal(scenario_runnable(&s, &why), -1);
		assert_string_equal(why.buf, "an SR-IOV VF ([vm1] line 5) in a file of 2 "
					     "VMs is not run: the nested lab VM that makes "
					     "VFs and host ports runs one VM");
		scenario_release(&s);
	}
	strbuf_release(&why);
}

/* [host]: the host's resources, or a VM named host, by its first key. */
static void test_host_section(void **state)
{
	struct scenario s;
	const char *resources = "[host]\nvhost = backend=testpmd,ports=1\n[vm0]\n"
				"device = driver=vhost-user,opt_path=a\n";
	const char *vm = "# migration source\n[host]\n\nmem = size=256\nvhost_x = 1\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "h.cfg", resources, strlen(resources)), 0);
	assert_int_equal(s.nvms, 1);
	assert_string_equal(s.vms[0].name, "vm0");
	assert_int_equal(s.host.vhost_ports, 1);
	assert_int_equal(s.host.line_vhost, 2);
	assert_int_equal(s.notes.nr + s.vms[0].notes.nr, 0);
	scenario_release(&s);

	/* A VM key first: a VM, whose later keys are a VM's too. */
	tu_capture_begin();
	assert_int_equal(scenario_parse(&s, "h.cfg", vm, strlen(vm)), -1);
	free(tu_capture_end());
	assert_int_equal(scenario_parse(&s, "h.cfg", vm, strlen(vm) - 12), 0);
	assert_int_equal(s.nvms, 1);
	assert_string_equal(s.vms[0].name, "host");
	assert_int_equal(s.vms[0].line, 2);
	assert_int_equal(s.vms[0].mem_mib, 256);
	assert_int_equal(s.host.vhost_ports, 0);
	assert_int_equal(s.vms[0].notes.nr, 1);
	assert_string_equal(s.vms[0].notes.v[0],
			    "[host] line 2: a VM named host, as in DTS: its first key "
			    "'mem' (line 4) is a VM's, not vhost or passthrough");
	scenario_release(&s);
}

/*
 * What DTS reads but ignores loads with a note: a word after a ',' (DTS
 * reads cpupin=1,2 as cpupin=1 and an option '2'), text after ']'.
 */
static void test_ignored_as_dts_does(void **state)
{
	struct scenario s;
	const char *text =
		"[vm0] # the only VM\n"
		"cpu = cpupin=1,2\n"
		"qga = enable=yes,on,off,on\n"
		"mem = size=64,x\n"
		"[expect] trailing\n";

	(void)state;
	assert_int_equal(scenario_parse(&s, "i.cfg", text, strlen(text)), 0);
	assert_string_equal(s.vms[0].cpupin, "1");
	assert_int_equal(s.vms[0].qga, 1);
	assert_int_equal(s.vms[0].mem_mib, 64);
	assert_int_equal(s.vms[0].notes.nr, 3);
	assert_string_equal(s.vms[0].notes.v[0],
			    "[vm0] line 2: cpu '2' has no '=' and is ignored, as DTS "
			    "ignores it: ',' separates options, so cpupin is '1'");
	assert_string_equal(s.vms[0].notes.v[1],
			    "[vm0] line 3: qga 'on', 'off', 'on' have no '=' and are ignored, "
			    "as DTS ignores them: ',' separates options, so enable is "
			    "'yes'");
	assert_string_equal(s.vms[0].notes.v[2],
			    "[vm0] line 4: mem 'x' has no '=' and is ignored, as DTS "
			    "ignores it: ',' separates options, so size is '64'");
	assert_int_equal(s.notes.nr, 1);
	assert_string_equal(s.notes.v[0],
			    "[expect] line 5: 'trailing' after [expect] is ignored, as "
			    "DTS ignores it");
	scenario_release(&s);
}

static void test_load(void **state)
{
	char *dir = tu_tmpdir("scenario");
	struct strbuf p = STRBUF_INIT;
	struct scenario s;
	char *msg;

	(void)state;
	tu_write(dir, "t.cfg", "[vm0]\nmem = size=128\n");
	sb_printf(&p, "%s/t.cfg", dir);
	assert_int_equal(scenario_load(&s, p.buf), 0);
	assert_string_equal(s.name, "t");
	assert_string_equal(s.path, p.buf);
	assert_int_equal(s.vms[0].mem_mib, 128);
	scenario_release(&s);

	tu_write(dir, "b.cfg", "[vm0]\n\nmem = size=1\n");
	strbuf_reset(&p);
	sb_printf(&p, "%s/b.cfg", dir);
	tu_capture_begin();
	assert_int_equal(scenario_load(&s, p.buf), -1);
	msg = tu_capture_end();
	assert_contains(msg, "/b.cfg:3: bad value '1' for mem size", "load");
	assert_null(s.name);
	free(msg);

	strbuf_reset(&p);
	sb_printf(&p, "%s/missing.cfg", dir);
	tu_capture_begin();
	assert_int_equal(scenario_load(&s, p.buf), -1);
	msg = tu_capture_end();
	assert_contains(msg, "missing.cfg", "missing file");
	assert_null(s.path);
	free(msg);

	/* A FIFO is refused at once, not waited on in open() (the alarm
	 * fails the test if it blocks). */
	strbuf_reset(&p);
	sb_printf(&p, "%s/fifo.cfg", dir);
	assert_int_equal(mkfifo(p.buf, 0600), 0);
	alarm(10);
	tu_capture_begin();
	assert_int_equal(scenario_load(&s, p.buf), -1);
	msg = tu_capture_end();
	alarm(0);
	assert_contains(msg, "error: '", "fifo");
	assert_contains(msg, "/fifo.cfg' is not a regular file\n", "fifo");
	assert_null(s.path);
	free(msg);

	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * Names to files: the bundled ones by name, DTS's files below dts/ by
 * their path there, a file of one's own as given; and the default set of
 * `run` is the files directly in scenarios/, never the DTS corpus.
 */
static void test_find_and_bundled(void **state)
{
	static const struct {
		const char *name, *want; /* want: below scenarios/, or as is */
	} cases[] = {
		{ "vm-q35", "@/vm-q35.cfg" },
		{ "domain-q35", "@/domain-q35.xml" },
		{ "dts/vf_vlan.cfg", "@/dts/vf_vlan.cfg" },
		{ "dts/scene/vf_passthrough", "@/dts/scene/vf_passthrough.cfg" },
		{ "scenarios/vm-i440fx.cfg", "scenarios/vm-i440fx.cfg" },
		{ "tests/data/mapper/scenarios/tap.cfg", "tests/data/mapper/scenarios/tap.cfg" },
	};
	struct strvec all = STRVEC_INIT;
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *dir, *err;

	(void)state;
	setenv("VIRT_MATRIX_SCENARIOS", "scenarios", 1);
	dir = paths_data_dir("scenarios");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&want);
		if (cases[i].want[0] == '@')
			sb_printf(&want, "%s%s", dir, cases[i].want + 1);
		else
			sb_puts(&want, cases[i].want);
		if (scenario_find(cases[i].name, &p) || strcmp(p.buf, want.buf))
			fail_msg("'%s': got '%s', want '%s'", cases[i].name, p.buf, want.buf);
	}
	tu_capture_begin();
	assert_int_equal(scenario_find("dts/nope", &p), -1);
	err = tu_capture_end();
	strbuf_reset(&want);
	sb_printf(&want, "no scenario 'dts/nope' (looked for 'dts/nope', "
			 "'%s/dts/nope.cfg', '%s/dts/nope.xml')",
		  dir, dir);
	assert_contains(err, want.buf, "not found");
	free(err);

	assert_int_equal(scenario_bundled(&all), 0);
	assert_int_equal(all.nr, 6);
	for (size_t i = 0; i < all.nr; i++) {
		if (strstr(all.v[i], "/dts/"))
			fail_msg("the default set holds %s", all.v[i]);
		assert_true(skip_prefix(all.v[i], dir, NULL));
	}
	assert_true(ends_with(all.v[0], "/domain-q35.xml"));
	assert_true(ends_with(all.v[4], "/vm-q35.cfg"));
	assert_true(ends_with(all.v[5], "/vm2vm.cfg"));
	unsetenv("VIRT_MATRIX_SCENARIOS");
	strvec_clear(&all);
	strbuf_release(&p);
	strbuf_release(&want);
	free(dir);
}

/* The scenarios shipped in scenarios/ (tests run from the top directory). */
static void test_shipped_scenarios(void **state)
{
	struct scenario s;

	(void)state;
	assert_int_equal(scenario_load(&s, "scenarios/vm-q35.cfg"), 0);
	assert_string_equal(s.name, "vm-q35");
	assert_string_equal(s.vms[0].machine, "q35");
	assert_int_equal(s.vms[0].cpus, 2);
	assert_int_equal(s.vms[0].mem_mib, 256);
	assert_int_equal(s.vms[0].nnets, 2);
	assert_int_equal(s.vms[0].nets[0].kind, NET_NIC);
	assert_string_equal(s.vms[0].nets[0].model, "virtio");
	assert_int_equal(s.vms[0].nets[1].kind, NET_USER);
	assert_int_equal(s.vms[0].ndevices, 0);
	assert_int_equal(s.nchecks, 4);
	assert_int_equal(s.checks[0].kind, CHECK_CPUS);
	assert_int_equal(s.checks[0].count, 2);
	assert_int_equal(s.checks[1].kind, CHECK_MEM);
	assert_true(s.checks[1].min <= 256 && s.checks[1].max == 256);
	assert_int_equal(s.checks[2].kind, CHECK_PCI);
	assert_string_equal(s.checks[2].id, "1af4:1000|1af4:1041");
	assert_int_equal(s.checks[3].kind, CHECK_LINK);
	assert_int_equal(s.checks[3].count, 1);
	scenario_release(&s);

	assert_int_equal(scenario_load(&s, "scenarios/vm-i440fx.cfg"), 0);
	assert_string_equal(s.vms[0].machine, "pc");
	assert_int_equal(s.vms[0].mem_mib, 256);
	assert_int_equal(s.vms[0].nnets, 2);
	assert_string_equal(s.vms[0].nets[0].model, "e1000");
	assert_int_equal(s.vms[0].nets[1].kind, NET_USER);
	assert_int_equal(s.nchecks, 4);
	assert_int_equal(s.checks[0].kind, CHECK_CPUS);
	assert_int_equal(s.checks[0].count, s.vms[0].cpus);
	assert_int_equal(s.checks[2].kind, CHECK_PCI);
	assert_string_equal(s.checks[2].id, "8086:100e");
	assert_int_equal(s.checks[3].kind, CHECK_LINK);
	scenario_release(&s);

	assert_int_equal(scenario_load(&s, "scenarios/vhost-user.cfg"), 0);
	assert_int_equal(s.vms[0].cpus, 1);
	assert_int_equal(s.vms[0].mem_mib, 256);
	assert_int_equal(s.vms[0].hugepages, 0);
	assert_int_equal(scenario_count_devices(&s, DEV_VHOST_USER), 2);
	assert_string_equal(s.vms[0].devices[0].path, "./vhost0.sock");
	assert_string_equal(s.vms[0].devices[0].mac, "00:00:20:00:00:20");
	assert_string_equal(s.vms[0].devices[1].path, "./vhost1.sock");
	assert_string_equal(s.vms[0].devices[1].mac, "00:00:20:00:00:21");
	assert_int_equal(s.host.vhost_ports, 2);
	assert_int_equal(s.nchecks, 3);
	assert_string_equal(s.checks[0].id, "1af4:1000|1af4:1041");
	assert_int_equal(s.checks[0].count, 2);
	assert_int_equal(s.checks[1].kind, CHECK_LINK);
	assert_int_equal(s.checks[1].count, 2);
	assert_int_equal(s.checks[2].kind, CHECK_TRAFFIC);
	assert_int_equal(s.checks[2].count, 32);
	scenario_release(&s);

	assert_int_equal(scenario_load(&s, "scenarios/passthrough.cfg"), 0);
	assert_int_equal(s.vms[0].mem_mib, 256);
	assert_int_equal(s.vms[0].ndevices, 1);
	assert_int_equal(s.vms[0].devices[0].kind, DEV_VFIO_PCI);
	assert_string_equal(s.vms[0].devices[0].host, "lab");
	assert_string_equal(s.host.passthrough, "lab");
	assert_int_equal(s.nchecks, 1);
	assert_int_equal(s.checks[0].kind, CHECK_PCI);
	assert_string_equal(s.checks[0].id, "8086:10d3");
	assert_int_equal(s.checks[0].count, 1);
	scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dts_cfg),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_one_line_values),
		cmocka_unit_test(test_opt_settings_keeps_commas),
		cmocka_unit_test(test_continuations_and_repeats),
		cmocka_unit_test(test_bad_scenarios),
		cmocka_unit_test(test_large_entry),
		cmocka_unit_test(test_count_devices),
		cmocka_unit_test(test_several_vms),
		cmocka_unit_test(test_expect_per_vm),
		cmocka_unit_test(test_shared_socket_between_vms),
		cmocka_unit_test(test_host_section),
		cmocka_unit_test(test_ignored_as_dts_does),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_shipped_scenarios),
		cmocka_unit_test(test_find_and_bundled),
	};
	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
