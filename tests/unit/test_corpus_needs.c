/*
 * The host resources a domain XML names (corpus/needs.c): one small
 * domain per kind of need, the documents refused with why, real domains
 * of libvirt's test suite (tests/data/corpus/needs/NAME.xml) against the
 * needs listed in NAME.needs beside them (REGENERATE=1 rewrites those:
 * review the diff), and when VIRT_MATRIX_CORPUS_DIR names a
 * tests/qemuxmlconfdata directory, every x86_64 input of it. Each need is
 * one line: "KIND WHAT (WHERE)", for a disk "disk TYPE FORMAT[ ro] WHAT
 * (WHERE)" with "-" for no format.
 */
#include <dirent.h>

#include "testutil.h"
#include "needs.h"
#include "userxml.h"

#define GOLDEN_DIR "tests/data/corpus/needs"

static int regenerate;

static void needs_text(const struct corp_needs *n, struct strbuf *out)
{
	struct strbuf esc = STRBUF_INIT;

	for (size_t i = 0; i < n->n; i++) {
		const struct corp_res *r = &n->v[i];

		sb_puts(out, corp_res_kind_to_string(r->kind));
		if (r->kind == CORP_RES_DISK)
			sb_printf(out, " %s %s%s", r->disk_type,
				  r->format ? r->format : "-", r->readonly ? " ro" : "");
		sb_printf(out, " %s", str_printable(&esc, r->what, strlen(r->what), 0));
		sb_printf(out, " (%s)\n", str_printable(&esc, r->where, strlen(r->where), 0));
	}
	strbuf_release(&esc);
}

#define D(devices) "<domain type='kvm'><name>t</name><devices>" devices "</devices></domain>"

static const struct {
	const char *name, *xml, *want;
} cases[] = {
	{ "no devices, no needs", "<domain type='qemu'><name>n</name></domain>", "" },
	{ "block disk with format",
	  D("<disk type='block' device='disk'><driver name='qemu' type='raw'/>"
	    "<source dev='/dev/HostVG/QEMUGuest1'/><target dev='hda' bus='ide'/></disk>"),
	  "disk block raw /dev/HostVG/QEMUGuest1 (disk hda)\n" },
	{ "file disk without type attribute or format, no target",
	  D("<disk><source file='/var/lib/libvirt/images/a.img'/></disk>"),
	  "disk file - /var/lib/libvirt/images/a.img (disk #1)\n" },
	{ "readonly: <readonly/>, cdrom, floppy; dir disk",
	  D("<disk type='file'><source file='/a'/><readonly/><target dev='vda'/></disk>"
	    "<disk type='block' device='cdrom'><source dev='/dev/cdrom'/><target dev='hdc'/></disk>"
	    "<disk type='dir' device='floppy'><driver type='fat'/><source dir='/tmp'/>"
	    "<target dev='fda'/></disk>"),
	  "disk file - ro /a (disk vda)\n"
	  "disk block - ro /dev/cdrom (disk hdc)\n"
	  "disk dir fat ro /tmp (disk fda)\n" },
	{ "an empty cdrom is no need",
	  D("<disk type='file' device='cdrom'><target dev='hdc'/></disk>"
	    "<disk type='file' device='cdrom'><source/><target dev='hdd'/></disk>"), "" },
	{ "the same path twice is one need, the first",
	  D("<disk type='file'><source file='/x.img'/><target dev='vda'/></disk>"
	    "<disk type='file'><source file='/x.img'/><target dev='vdb'/></disk>"),
	  "disk file - /x.img (disk vda)\n" },
	{ "host-universal paths left out",
	  D("<disk type='block'><source dev='/dev/null'/><target dev='vda'/></disk>"
	    "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
	    "<rng model='virtio'><backend model='random'>/dev/random</backend></rng>"
	    "<rng model='virtio'><backend model='random'/></rng>"
	    "<interface type='ethernet'><backend tap='/dev/net/tun' vhost='/dev/vhost-net'/>"
	    "</interface>"),
	  "" },
	{ "backing chain and data file, read-only, with their formats",
	  D("<disk type='file'><driver type='qcow2'/><source file='/top.qcow2'>"
	    "<dataStore type='file'><format type='raw'/><source file='/data.raw'/></dataStore>"
	    "</source><backingStore type='block'><format type='qcow2'/>"
	    "<source dev='/dev/vg/base'/><backingStore type='file'><format type='raw'/>"
	    "<source file='/base.raw'/><backingStore/></backingStore></backingStore>"
	    "<target dev='vda'/></disk>"),
	  "disk file qcow2 /top.qcow2 (disk vda)\n"
	  "disk file raw /data.raw (disk vda data file)\n"
	  "disk block qcow2 ro /dev/vg/base (disk vda backing #1)\n"
	  "disk file raw ro /base.raw (disk vda backing #2)\n" },
	{ "network disks: hosts, unix socket, auth and encryption secrets",
	  D("<disk type='network'><source protocol='nbd' name='bar'>"
	    "<host name='example.org' port='6000'/></source><target dev='vda'/></disk>"
	    "<disk type='network'><source protocol='nbd'>"
	    "<host transport='unix' socket='/var/run/nbdsock'/></source><target dev='vdb'/></disk>"
	    "<disk type='network'><auth username='u'><secret type='ceph' usage='mycluster'/>"
	    "</auth><source protocol='rbd' name='pool/image'/><target dev='vdc'/></disk>"
	    "<disk type='network'><source protocol='iscsi' name='iqn/1'><host name='h1'/>"
	    "<auth username='u'><secret type='iscsi' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>"
	    "</auth><encryption format='luks'><secret type='passphrase' usage='/v'/>"
	    "</encryption></source><target dev='vdd'/></disk>"),
	  "other nbd host example.org (disk vda)\n"
	  "socket /var/run/nbdsock (disk vdb)\n"
	  "other rbd pool/image (disk vdc)\n"
	  "secret ceph usage mycluster (disk vdc)\n"
	  "other iscsi host h1 (disk vdd)\n"
	  "secret iscsi uuid 0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f (disk vdd)\n"
	  "secret passphrase usage /v (disk vdd)\n" },
	{ "volume, nvme, vhostuser and vhostvdpa disks",
	  D("<disk type='volume' device='cdrom'><source pool='pool' volume='vol'/>"
	    "<target dev='hdc'/></disk>"
	    "<disk type='nvme'><source type='pci' managed='yes' namespace='1'>"
	    "<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>"
	    "<target dev='vde'/></disk>"
	    "<disk type='vhostuser'><source type='unix' path='/tmp/vhost1.sock'/>"
	    "<target dev='vdf'/></disk>"
	    "<disk type='vhostvdpa'><source dev='/dev/vhost-vdpa-0'/><target dev='vdg'/></disk>"),
	  "pool pool/vol (disk hdc)\n"
	  "hostdev pci 0000:01:00.0 (disk vde)\n"
	  "socket /tmp/vhost1.sock (disk vdf)\n"
	  "devnode /dev/vhost-vdpa-0 (disk vdg)\n" },
	{ "persistent reservations: managed helper, or its socket",
	  D("<disk type='block' device='lun'><source dev='/dev/sda'>"
	    "<reservations managed='yes'/></source><target dev='sda'/></disk>"
	    "<disk type='block' device='lun'><source dev='/dev/sdb'><reservations managed='no'>"
	    "<source type='unix' path='/pr.sock' mode='client'/></reservations></source>"
	    "<target dev='sdb'/></disk>"),
	  "disk block - /dev/sda (disk sda)\n"
	  "other qemu-pr-helper (disk sda)\n"
	  "other a SCSI device at /dev/sda (LUN passthrough) (disk sda)\n"
	  "disk block - /dev/sdb (disk sdb)\n"
	  "socket /pr.sock (disk sdb)\n"
	  "other a SCSI device at /dev/sdb (LUN passthrough) (disk sdb)\n" },
	{ "memory allocated at start: the guest's size, in MiB",
	  "<domain><memory unit='GiB'>14</memory><memoryBacking><source type='file'/>"
	  "<allocation mode='immediate'/></memoryBacking></domain>",
	  "other preallocated guest memory of 14336 MiB (memoryBacking)\n" },
	{ "memory allocated on demand needs nothing",
	  "<domain><memory unit='KiB'>219136</memory><memoryBacking>"
	  "<allocation mode='ondemand'/></memoryBacking></domain>", "" },
	{ "boot files; nvram from a template; efi firmware; acpi table",
	  "<domain><os firmware='efi'><type>hvm</type>"
	  "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>"
	  "<nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/t.fd"
	  "</nvram><kernel>/boot/vmlinuz</kernel><initrd> /boot/initrd </initrd>"
	  "<dtb>/boot/x.dtb</dtb><shim>/boot/shim</shim>"
	  "<acpi><table type='slic'>/var/lib/libvirt/acpi/slic.dat</table></acpi></os></domain>",
	  "other efi firmware (os)\n"
	  "boot-file /usr/share/OVMF/OVMF_CODE.fd (os/loader)\n"
	  "boot-file /usr/share/OVMF/OVMF_VARS.fd (os/nvram template)\n"
	  "boot-file /boot/vmlinuz (os/kernel)\n"
	  "boot-file /boot/initrd (os/initrd)\n"
	  "boot-file /boot/x.dtb (os/dtb)\n"
	  "boot-file /boot/shim (os/shim)\n"
	  "boot-file /var/lib/libvirt/acpi/slic.dat (os/acpi table)\n" },
	{ "interfaces: network, bridge, direct, hostdev, vdpa, ethernet unmanaged",
	  D("<interface type='user'/>"
	    "<interface type='network'><source network='default'/></interface>"
	    "<interface type='bridge'><source bridge='br0'/></interface>"
	    "<interface type='direct'><source dev='eth0' mode='vepa'/></interface>"
	    "<interface type='hostdev' managed='yes'><source><address type='pci' "
	    "domain='0x0002' bus='0x03' slot='0x07' function='0x1'/></source></interface>"
	    "<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/></interface>"
	    "<interface type='ethernet'><target dev='mytap0' managed='no'/></interface>"
	    "<interface type='ethernet'><target dev='tap1'/><script path='/etc/qemu-ifup'/>"
	    "</interface>"),
	  "network default (interface #2)\n"
	  "bridge br0 (interface #3)\n"
	  "host-netdev eth0 (interface #4)\n"
	  "hostdev pci 0002:03:07.1 (interface #5)\n"
	  "devnode /dev/vhost-vdpa-0 (interface #6)\n"
	  "host-netdev mytap0 (interface #7)\n"
	  "other script /etc/qemu-ifup (interface #8)\n" },
	{ "vhost-user: client mode connects, server mode listens; passt; tcp client",
	  D("<interface type='vhostuser'><source type='unix' path='/tmp/vu0' mode='client'/>"
	    "</interface>"
	    "<interface type='vhostuser'><source type='unix' path='/tmp/vu1' mode='server'/>"
	    "</interface>"
	    "<interface type='user'><backend type='passt' logFile='/l'/></interface>"
	    "<interface type='client'><source address='192.168.0.1' port='5558'/></interface>"),
	  "socket /tmp/vu0 (interface #1)\n"
	  "other passt (interface #3)\n"
	  "other tcp server 192.168.0.1:5558 (interface #4)\n" },
	{ "hostdevs: pci with rom, usb, scsi, iscsi, vhost scsi, mdev, capabilities",
	  D("<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' "
	    "bus='0x06' slot='0x12' function='0x5'/></source><rom file='/etc/fake/rom'/></hostdev>"
	    "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/>"
	    "<product id='0xbeef'/></source></hostdev>"
	    "<hostdev mode='subsystem' type='usb'><source><address bus='14' device='6'/>"
	    "</source></hostdev>"
	    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/>"
	    "<address bus='0' target='0' unit='0'/></source></hostdev>"
	    "<hostdev mode='subsystem' type='scsi'><source protocol='iscsi' name='iqn/2'>"
	    "<host name='example.org'/></source></hostdev>"
	    "<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' "
	    "wwpn='naa.5123456789abcde0'/></hostdev>"
	    "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address "
	    "uuid='53764d0e-85a0-42b4-af5c-2046b460b1dc'/></source></hostdev>"
	    "<hostdev mode='capabilities' type='storage'><source><block>/dev/sdf1</block>"
	    "</source></hostdev>"),
	  "hostdev pci 0000:06:12.5 (hostdev #1)\n"
	  "boot-file /etc/fake/rom (hostdev #1)\n"
	  "hostdev usb 0x1234:0xbeef (hostdev #2)\n"
	  "hostdev usb bus 14 device 6 (hostdev #3)\n"
	  "hostdev scsi scsi_host0 0:0:0 (hostdev #4)\n"
	  "other iscsi host example.org (hostdev #5)\n"
	  "devnode /dev/vhost-scsi (hostdev #6)\n"
	  "hostdev scsi_host naa.5123456789abcde0 (hostdev #6)\n"
	  "hostdev mdev 53764d0e-85a0-42b4-af5c-2046b460b1dc (hostdev #7)\n"
	  "other hostdev capabilities storage (hostdev #8)\n" },
	{ "a PCI address libvirt would refuse is kept as written",
	  D("<hostdev mode='subsystem' type='pci'><source><address bus='0x100' slot='1' "
	    "function='0'/></source></hostdev>"),
	  "hostdev pci domain= bus=0x100 slot=1 function=0 (hostdev #1)\n" },
	{ "chardevs: dev, file, pipe, unix connect and bind (and connect to it), tcp, pty",
	  D("<serial type='dev'><source path='/dev/ttyS2'/></serial>"
	    "<serial type='file'><source path='/tmp/out.log'/></serial>"
	    "<channel type='pipe'><source path='/tmp/guestfwd'/></channel>"
	    "<serial type='unix'><source mode='connect' path='/tmp/s.sock'/></serial>"
	    "<serial type='unix'><source mode='bind' path='/tmp/b.sock'/></serial>"
	    "<serial type='unix'><source mode='connect' path='/tmp/b.sock'/></serial>"
	    "<channel type='unix'><source path='/tmp/default.sock'/></channel>"
	    "<parallel type='tcp'><source mode='connect' host='127.0.0.1' service='9999' "
	    "tls='yes'/></parallel>"
	    "<console type='tcp'><source mode='bind' host='127.0.0.1' service='9998'/></console>"
	    "<console type='pty'/>"
	    "<redirdev bus='usb' type='unix'><source mode='connect' path='/tmp/r.sock'/>"
	    "</redirdev><redirdev bus='usb' type='spicevmc'/>"),
	  "devnode /dev/ttyS2 (serial #1)\n"
	  "other fifo /tmp/guestfwd (channel #1)\n"
	  "socket /tmp/s.sock (serial #3)\n"
	  "other tcp server 127.0.0.1:9999 (parallel #1)\n"
	  "other chardev TLS certificates (parallel #1)\n"
	  "socket /tmp/r.sock (redirdev #1)\n" },
	{ "rng: hardware device, egd over a socket; tpm: passthrough, emulator, external",
	  D("<rng model='virtio'><backend model='random'>/dev/hwrng</backend></rng>"
	    "<rng model='virtio'><backend model='egd' type='unix'>"
	    "<source mode='connect' path='/tmp/egd.sock'/></backend></rng>"
	    "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm1'/>"
	    "</backend></tpm>"
	    "<tpm model='tpm-tis'><backend type='passthrough'/></tpm>"
	    "<tpm model='tpm-crb'><backend type='emulator' version='2.0'><encryption "
	    "secret='32ee7e76-2178-47a1-ab7b-269e6e348015'/></backend></tpm>"
	    "<tpm model='tpm-tis'><backend type='external'><source type='unix' "
	    "mode='connect' path='/tmp/tpm.sock'/></backend></tpm>"),
	  "devnode /dev/hwrng (rng #1)\n"
	  "socket /tmp/egd.sock (rng #2)\n"
	  "devnode /dev/tpm1 (tpm #1)\n"
	  "devnode /dev/tpm0 (tpm #2)\n"
	  "other swtpm (tpm #3)\n"
	  "secret vtpm uuid 32ee7e76-2178-47a1-ab7b-269e6e348015 (tpm #3)\n"
	  "socket /tmp/tpm.sock (tpm #4)\n" },
	{ "filesystems: 9p dir, virtiofs with its daemon, external virtiofsd socket",
	  D("<filesystem type='mount'><source dir='/export/fs1'/><target dir='fs1'/></filesystem>"
	    "<filesystem type='mount'><driver type='virtiofs'/><binary path='/usr/libexec/virtiofsd'/>"
	    "<source dir='/export/fs2'/><target dir='fs2'/></filesystem>"
	    "<filesystem><driver type='virtiofs'/><source socket='/tmp/vfsd.sock'/>"
	    "<target dir='fs3'/></filesystem>"),
	  "dir /export/fs1 (filesystem #1)\n"
	  "other virtiofsd /usr/libexec/virtiofsd (filesystem #2)\n"
	  "dir /export/fs2 (filesystem #2)\n"
	  "socket /tmp/vfsd.sock (filesystem #3)\n" },
	{ "memory: hugepages default and sized, nvdimm file, dimm pagesize, sgx-epc",
	  "<domain><memoryBacking><hugepages/></memoryBacking>"
	  "<memoryBacking><hugepages><page size='1' unit='G' nodeset='0'/>"
	  "<page size='2048' nodeset='1'/><page size='3' unit='parsecs'/></hugepages>"
	  "</memoryBacking><devices>"
	  "<memory model='nvdimm'><source><path>/tmp/nvdimm</path></source></memory>"
	  "<memory model='dimm'><source><pagesize unit='MiB'>2</pagesize></source></memory>"
	  "<memory model='sgx-epc'><target><size unit='KiB'>16384</size></target></memory>"
	  "</devices></domain>",
	  "hugepages default (memoryBacking)\n"
	  "hugepages 1048576 KiB (memoryBacking)\n"
	  "hugepages 2048 KiB (memoryBacking)\n"
	  "hugepages 3 parsecs (memoryBacking)\n"
	  "boot-file /tmp/nvdimm (memory #1)\n"
	  "devnode /dev/sgx_vepc (memory #3)\n" },
	{ "input, vsock, shmem doorbell (libvirt's default socket), smartcards",
	  D("<input type='evdev'><source dev='/dev/input/event1'/></input>"
	    "<input type='passthrough' bus='virtio'><source evdev='/dev/input/event2'/></input>"
	    "<input type='mouse' bus='ps2'/>"
	    "<vsock model='virtio'><cid auto='yes'/></vsock>"
	    "<shmem name='s0'><model type='ivshmem-plain'/></shmem>"
	    "<shmem name='s1'><model type='ivshmem-doorbell'/><server/></shmem>"
	    "<shmem name='s2'><model type='ivshmem-doorbell'/><server path='/tmp/s2'/></shmem>"
	    "<smartcard mode='host'/>"
	    "<smartcard mode='host-certificates'><certificate>c</certificate></smartcard>"
	    "<smartcard mode='host-certificates'><database> /etc/db </database></smartcard>"
	    "<smartcard mode='passthrough' type='spicevmc'/>"),
	  "devnode /dev/input/event1 (input #1)\n"
	  "devnode /dev/input/event2 (input #2)\n"
	  "devnode /dev/vhost-vsock (vsock #1)\n"
	  "socket /var/lib/libvirt/shmem-s1-sock (shmem #2)\n"
	  "socket /tmp/s2 (shmem #3)\n"
	  "other smartcard reader (smartcard #1)\n"
	  "dir /etc/pki/nssdb (smartcard #2)\n"
	  "dir /etc/db (smartcard #3)\n" },
	{ "graphics and video: display, render nodes, TLS, daemons; vnc needs nothing",
	  D("<graphics type='vnc' port='-1'/>"
	    "<graphics type='sdl' display=':0.0'/>"
	    "<graphics type='spice' defaultMode='any'><channel name='main' mode='secure'/>"
	    "<gl enable='yes' rendernode='/dev/dri/foo'/></graphics>"
	    "<graphics type='egl-headless'/>"
	    "<graphics type='dbus'/><graphics type='rdp'/>"
	    "<video><model type='virtio'><acceleration accel3d='yes' "
	    "rendernode='/dev/dri/renderD129'/></model><driver name='vhostuser'/></video>"),
	  "other X display (sdl) (graphics #2)\n"
	  "other spice TLS certificates (graphics #3)\n"
	  "devnode /dev/dri/foo (graphics #3)\n"
	  "other DRM render node (graphics #4)\n"
	  "other dbus-daemon (graphics #5)\n"
	  "other qemu-rdp (graphics #6)\n"
	  "other vhost-user-gpu (video #1)\n"
	  "devnode /dev/dri/renderD129 (video #1)\n" },
	{ "audio: host sound systems and devices; file output is no need",
	  D("<audio id='1' type='oss'><input dev='/dev/dsp0'/><output dev='/dev/dsp1'/></audio>"
	    "<audio id='2' type='pulseaudio'/><audio id='3' type='none'/>"
	    "<audio id='4' type='file' path='/tmp/audio.wav'/>"),
	  "other oss audio (audio #1)\n"
	  "devnode /dev/dsp0 (audio #1)\n"
	  "devnode /dev/dsp1 (audio #1)\n"
	  "other pulseaudio audio server (audio #2)\n" },
	{ "host CPUs and NUMA nodes (0 every host has), numad, blkiotune, partition",
	  "<domain><vcpu placement='static' cpuset='1-3'>4</vcpu>"
	  "<cputune><vcpupin vcpu='0' cpuset='0'/><emulatorpin cpuset='4097'/></cputune>"
	  "<numatune><memory mode='strict' nodeset='0-3'/><memnode cellid='0' mode='strict' "
	  "nodeset='0'/></numatune>"
	  "<numatune><memory placement='auto'/></numatune>"
	  "<blkiotune><device><path>/dev/sda</path><weight>400</weight></device></blkiotune>"
	  "<resource><partition>/virtualmachines/production</partition></resource>"
	  "<resource><partition>/machine</partition></resource></domain>",
	  "other host CPUs 1-3 (vcpu)\n"
	  "other host CPUs 4097 (cputune)\n"
	  "other host NUMA nodes 0-3 (numatune)\n"
	  "other numad (numatune)\n"
	  "devnode /dev/sda (blkiotune)\n"
	  "other cgroup partition /virtualmachines/production (resource)\n" },
	{ "security drivers, launch security, fw_cfg files",
	  "<domain><seclabel type='static' model='selinux' relabel='yes'><label>x</label>"
	  "</seclabel><seclabel type='dynamic' model='dac'/><seclabel type='none'/>"
	  "<launchSecurity type='sev'><policy>0x0003</policy></launchSecurity>"
	  "<sysinfo type='fwcfg'><entry name='opt/com.example/name'>x</entry>"
	  "<entry name='opt/com.coreos/config' file='/tmp/ign.json'/></sysinfo></domain>",
	  "other selinux security driver (seclabel)\n"
	  "other AMD SEV (launchSecurity)\n"
	  "boot-file /tmp/ign.json (sysinfo)\n" },
	{ "document order across the domain; elements in other namespaces ignored",
	  "<domain xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><devices>"
	  "<interface type='bridge'><source bridge='br1'/></interface>"
	  "<q:disk type='file'><q:source file='/not'/></q:disk></devices>"
	  "<os><kernel>/k</kernel></os><metadata><disk xmlns='urn:x' type='file'>"
	  "<source file='/meta'/></disk></metadata></domain>",
	  "bridge br1 (interface #1)\n"
	  "boot-file /k (os/kernel)\n" },
	{ "a control character in a path is shown escaped",
	  D("<disk type='file'><source file='/a&#9;b'/><target dev='vda'/></disk>"),
	  "disk file - /a\\x09b (disk vda)\n" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct corp_needs n = CORP_NEEDS_INIT;
		struct strbuf why = STRBUF_INIT, got = STRBUF_INIT;

		if (corp_needs_parse(cases[i].xml, strlen(cases[i].xml), &n, &why))
			fail_msg("case '%s': %s", cases[i].name, why.buf);
		needs_text(&n, &got);
		if (strcmp(got.buf, cases[i].want))
			fail_msg("case '%s':\n got:\n%s want:\n%s", cases[i].name, got.buf,
				 cases[i].want);
		corp_needs_release(&n);
		corp_needs_release(&n);
		strbuf_release(&why);
		strbuf_release(&got);
	}
}

static const struct {
	const char *name, *xml, *err;
	size_t len; /* 0: strlen(xml) */
} errors[] = {
	{ "not well-formed, with the line", "<domain>\n<devices>\n<disk>\n</domain>",
	  "line 4: Opening and ending tag mismatch: disk line 3 and domain", 0 },
	{ "cut short", "<domain type='kvm'>\n<name>", "line 2: ", 0 },
	{ "a document type declaration",
	  "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
	  "<domain><name>&x;</name></domain>",
	  "a document type declaration ('<!DOCTYPE') is not taken", 0 },
	{ "another root", "<network><name>default</name></network>",
	  "the root element is '<network>', not '<domain>'", 0 },
	{ "no root at all", "<!-- nothing -->", "there is no '<domain>' element", 0 },
	{ "empty", "", "there is no '<domain>' element", 0 },
	{ "a NUL byte", "<domain>\0</domain>", "the file holds a NUL byte", 18 },
	{ "libvirt's broken-xml-invalid", "<dom\n", "line 2: ", 0 },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
		struct corp_needs n = CORP_NEEDS_INIT;
		struct strbuf why = STRBUF_INIT;
		size_t len = errors[i].len ? errors[i].len : strlen(errors[i].xml);
		int rc;

		/* What out held before is gone, failure or not. */
		assert_int_equal(corp_needs_parse(D("<vsock/>"), strlen(D("<vsock/>")), &n,
						  &why), 0);
		assert_int_equal(n.n, 1);
		rc = corp_needs_parse(errors[i].xml, len, &n, &why);
		if (rc != -1 || !strstr(why.buf, errors[i].err) || strchr(why.buf, '\n'))
			fail_msg("case '%s': rc %d, why '%s', want '%s'", errors[i].name, rc,
				 why.buf, errors[i].err);
		if (n.n || n.v)
			fail_msg("case '%s': out not empty after a failure", errors[i].name);
		strbuf_release(&why);
	}
}

/* One byte over USERXML_MAX is refused before parsing. */
static void test_too_large(void **state)
{
	struct strbuf in = STRBUF_INIT, why = STRBUF_INIT;
	struct corp_needs n = CORP_NEEDS_INIT;

	(void)state;
	sb_puts(&in, "<domain><devices><vsock/></devices><!--");
	while (in.len < USERXML_MAX - 12)
		sb_putc(&in, 'x');
	sb_puts(&in, "--></domain>");
	assert_int_equal(in.len, USERXML_MAX);
	assert_int_equal(corp_needs_parse(in.buf, in.len, &n, &why), 0);
	assert_int_equal(n.n, 1);
	sb_putc(&in, '\n');
	assert_int_equal(corp_needs_parse(in.buf, in.len, &n, &why), -1);
	assert_contains(why.buf, "the file is larger than 1048576 bytes", "too large");
	assert_int_equal(n.n, 0);
	strbuf_release(&in);
	strbuf_release(&why);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names in dir ending in suffix, sorted. */
static void list_dir(const char *dir, const char *suffix, struct strvec *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		fail_msg("cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (ends_with(e->d_name, suffix))
			strvec_push(out, e->d_name);
	closedir(d);
	sort_array(out->v, out->nr, sizeof(*out->v), cmp_str);
}

/* Real domains of libvirt 11.3.0 against the needs listed beside them. */
static void test_golden(void **state)
{
	struct strvec names = STRVEC_INIT;
	int bad = 0;

	(void)state;
	list_dir(GOLDEN_DIR, ".xml", &names);
	assert_true(names.nr >= 10);
	for (size_t i = 0; i < names.nr; i++) {
		struct strbuf path = STRBUF_INIT, why = STRBUF_INIT, got = STRBUF_INIT,
			      want = STRBUF_INIT, xml = STRBUF_INIT;
		struct corp_needs n = CORP_NEEDS_INIT;

		sb_printf(&path, "%s/%s", GOLDEN_DIR, names.v[i]);
		if (strbuf_read_file(&xml, path.buf, USERXML_MAX + 1))
			fail_msg("cannot read %s", path.buf);
		if (corp_needs_parse(xml.buf, xml.len, &n, &why))
			fail_msg("%s: %s", path.buf, why.buf);
		needs_text(&n, &got);
		strbuf_setlen(&path, path.len - strlen(".xml"));
		sb_puts(&path, ".needs");
		if (regenerate) {
			assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
			print_message("wrote %s\n", path.buf);
		}
		if (strbuf_read_file(&want, path.buf, 1 << 20))
			fail_msg("no %s (REGENERATE=1 writes it)", path.buf);
		if (strcmp(got.buf, want.buf)) {
			print_message("%s differs (REGENERATE=1 rewrites it); got:\n%s",
				      path.buf, got.buf);
			bad++;
		}
		corp_needs_release(&n);
		strbuf_release(&path);
		strbuf_release(&why);
		strbuf_release(&got);
		strbuf_release(&want);
		strbuf_release(&xml);
	}
	strvec_clear(&names);
	assert_int_equal(bad, 0);
}

/*
 * NAME.xml is an x86_64 input when a golden NAME.x86_64-*.args or .err
 * is beside it (as corpus/import.c takes them); *err_out is that .err
 * text, if any.
 */
static int x86_64_input(const char *dir, const struct strvec *all, const char *xml,
			struct strbuf *err_out)
{
	struct strbuf prefix = STRBUF_INIT;
	int found = 0;

	sb_printf(&prefix, "%.*s.x86_64-", (int)(strlen(xml) - 4), xml);
	for (size_t i = 0; i < all->nr; i++) {
		const char *rest;

		if (!skip_prefix(all->v[i], prefix.buf, &rest) || strchr(rest, '/'))
			continue;
		if (ends_with(rest, ".args") || ends_with(rest, ".err")) {
			found = 1;
			if (ends_with(rest, ".err") && !err_out->len) {
				struct strbuf p = STRBUF_INIT;

				sb_printf(&p, "%s/%s", dir, all->v[i]);
				if (strbuf_read_file(err_out, p.buf, 1 << 20))
					fail_msg("cannot read %s", p.buf);
				strbuf_release(&p);
			}
		}
	}
	strbuf_release(&prefix);
	return found;
}

/*
 * Every x86_64 input of VIRT_MATRIX_CORPUS_DIR parses; those that do not
 * are the ones libvirt itself refuses as not well-formed (their golden
 * .err names the file and a line). The totals are printed.
 */
static void test_corpus_dir(void **state)
{
	const char *dir = getenv("VIRT_MATRIX_CORPUS_DIR");
	struct strvec all = STRVEC_INIT;
	int domains = 0, parsed = 0, refused = 0, none = 0, total = 0, bad = 0;
	int per_kind[CORP_RES_LAST] = { 0 };

	(void)state;
	if (!dir || !*dir)
		skip();
	list_dir(dir, "", &all);
	for (size_t i = 0; i < all.nr; i++) {
		struct strbuf path = STRBUF_INIT, xml = STRBUF_INIT, why = STRBUF_INIT,
			      err = STRBUF_INIT, libvirt_says = STRBUF_INIT;
		struct corp_needs n = CORP_NEEDS_INIT;
		const char *name = all.v[i];

		if (!ends_with(name, ".xml") || !x86_64_input(dir, &all, name, &err))
			goto next;
		domains++;
		sb_printf(&path, "%s/%s", dir, name);
		if (strbuf_read_file(&xml, path.buf, 2 * USERXML_MAX))
			fail_msg("cannot read %s", path.buf);
		if (corp_needs_parse(xml.buf, xml.len, &n, &why)) {
			sb_printf(&libvirt_says, "%s:", name);
			if (strstr(err.buf, libvirt_says.buf) && !strncmp(why.buf, "line ", 5)) {
				refused++;
			} else {
				print_message("%s: %s\n", name, why.buf);
				bad++;
			}
			goto next;
		}
		parsed++;
		none += !n.n;
		total += (int)n.n;
		for (size_t k = 0; k < n.n; k++)
			per_kind[n.v[k].kind]++;
next:
		corp_needs_release(&n);
		strbuf_release(&path);
		strbuf_release(&xml);
		strbuf_release(&why);
		strbuf_release(&err);
		strbuf_release(&libvirt_says);
	}
	print_message("%d x86_64 domains: %d parsed, %d refused as libvirt refuses "
		      "them, %d failed; %d needs, %d domains with none\n",
		      domains, parsed, refused, bad, total, none);
	for (int k = 0; k < CORP_RES_LAST; k++)
		print_message("  %-12s %d\n", corp_res_kind_to_string(k), per_kind[k]);
	strvec_clear(&all);
	assert_true(domains > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_corpus_dir),
	};

	tu_test_filter();
	regenerate = getenv("REGENERATE") && *getenv("REGENERATE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
