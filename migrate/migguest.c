/*
 * The migration guest's /init (migguest.h). busybox sh; every wait in
 * the guest is bounded (ping's -W), and the host bounds the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migguest.h"
#include "fs.h"
#include "guest.h"
#include "initramfs.h"
#include "initrd.h"
#include "paths.h"
#include "sha256.h"
#include "banned.h"

void mig_disk_image(struct strbuf *out)
{
	char line[64];

	/* Each 64-byte line names its offset: a wrong block shows which. */
	for (unsigned off = 0; off < MIG_DISK_BYTES; off += 64) {
		int n = snprintf(line, sizeof(line), "virt-matrix migration disk, "
						    "byte %08u", off);

		memset(line + n, '.', 63 - (size_t)n);
		line[63] = '\n';
		if (strbuf_add(out, line, 64))
			return;
	}
}

void mig_guest_modules(struct strvec *out)
{
	static const char *const mods[] = { "virtio", "virtio_ring", "virtio_pci",
					    "virtio_net", "virtio_blk", "e1000e" };

	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		strvec_push(out, mods[i]);
}

static const char init_head[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sys /sys\n"
	"mount -t devtmpfs dev /dev 2>/dev/null\n"
	"exec </dev/console >/dev/console 2>&1\n"
	"for m in $(cat /etc/modules); do insmod $m || echo \"VMX-WARN insmod $m failed\"; done\n"
	/* RAM the workload keeps its memory in. */
	"mount -t tmpfs -o size=64m tmpfs /run\n"
	"nic() { for i in /sys/class/net/*; do d=$(readlink $i/device/driver);"
	" [ \"${d##*/}\" = $1 ] && echo ${i##*/}; done; }\n"
	"vnet=$(nic virtio_net); enet=$(nic e1000e)\n"
	/*
	 * Both NICs on one network (a hub to one user network): each answers
	 * ARP only for its own address, so the gateway's replies come back
	 * through the NIC that asked.
	 */
	"echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore\n"
	"echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce\n"
	"[ -n \"$vnet\" ] && ip link set $vnet up && ip addr add 10.0.2.15/24 dev $vnet\n"
	"[ -n \"$enet\" ] && ip link set $enet up && ip addr add 10.0.2.16/24 dev $enet\n"
	"dd if=/dev/urandom of=/run/pattern bs=1M count=8 2>/dev/null\n"
	"md5sum < /run/pattern > /run/pattern.md5\n"
	/*
	 * Memory that changes while the guest runs (and is migrated): a
	 * chunk, then its md5, each renamed into place whole; the loop
	 * stops at a chunk's end when /run/stop exists.
	 */
	"( n=0; while [ ! -e /run/stop ]; do c=/run/chunk$((n % 8));"
	" dd if=/dev/urandom of=$c.new bs=64k count=16 2>/dev/null;"
	" md5sum < $c.new > $c.md5new; mv $c.new $c; mv $c.md5new $c.md5;"
	" n=$((n + 1)); echo $n > /run/rounds; done ) &\n"
	"dirty=$!\n"
	"result() { k=$((k + 1)); echo \"VMX-CHECK $k $1 $2 $3\";"
	" [ $2 = pass ] && pass=$((pass + 1)) || fail=$((fail + 1)); }\n"
	"verdict() { [ \"$1\" = \"$2\" ] && echo pass || echo fail; }\n"
	/*
	 * An ICMP echo to the gateway of user networking through one NIC,
	 * once its link is up (a bounded wait for the carrier: e1000e's
	 * comes some time after the interface is set up), up to three tries
	 * (the first may wait for ARP on a slow TCG guest).
	 */
	"nicping() {\n"
	"  if [ -z \"$2\" ]; then result $1 fail \"no $1 interface\"; return; fi\n"
	"  t=0; while [ \"$(cat /sys/class/net/$2/carrier 2>/dev/null)\" != 1 ] && [ $t -lt 100 ]; do\n"
	"    usleep 100000; t=$((t + 1)); done\n"
	"  b=$(cat /sys/class/net/$2/statistics/rx_packets); ok=fail; n=0\n"
	"  while [ $ok = fail ] && [ $n -lt 3 ]; do\n"
	"    n=$((n + 1)); ping -c 1 -W 3 -I $2 $3 >/dev/null 2>&1 && ok=pass; done\n"
	"  a=$(cat /sys/class/net/$2/statistics/rx_packets)\n"
	"  result $1 $ok \"echo to $3 on $2 (try $n), rx_packets $b to $a\"\n"
	"}\n";

void mig_guest_init(struct strbuf *out)
{
	struct strbuf disk = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];

	mig_disk_image(&disk);
	sha256_hex(disk.buf, disk.len, sha);
	strbuf_release(&disk);
	sb_puts(out, init_head);
	sb_printf(out,
		  "checks() {\n"
		  "  pass=0; fail=0; k=0\n"
		  "  echo \"" GUEST_BEGIN " $1\"\n"
		  "  got=$(md5sum < /run/pattern)\n"
		  "  result memory $(verdict \"$got\" \"$(cat /run/pattern.md5)\")"
		  " \"8 MiB pattern in RAM against its md5\"\n"
		  "  if [ $1 = after ]; then\n"
		  "    touch /run/stop; wait $dirty; bad=0\n"
		  "    for c in 0 1 2 3 4 5 6 7; do\n"
		  "      [ -e /run/chunk$c ] || continue\n"
		  "      [ \"$(md5sum < /run/chunk$c)\" = \"$(cat /run/chunk$c.md5)\" ] || bad=$((bad + 1))\n"
		  "    done\n"
		  "    result dirty $(verdict $bad 0) \"$(cat /run/rounds 2>/dev/null || echo 0)"
		  " chunk rewrites while running, $bad chunks against their md5 wrong\"\n"
		  "  fi\n"
		  "  echo 3 > /proc/sys/vm/drop_caches\n"
		  "  got=$(dd if=/dev/vda bs=64k count=%u 2>/dev/null | sha256sum); got=${got%%%% *}\n"
		  "  result disk $(verdict $got %s) \"1 MiB of /dev/vda read, sha256 $got\"\n"
		  "  nicping virtio-net \"$vnet\" 10.0.2.2\n"
		  "  nicping e1000e \"$enet\" 10.0.2.2\n"
		  "  result console pass \"answered on ttyS0\"\n"
		  "  echo \"" GUEST_END " $pass $fail\"\n"
		  "}\n",
		  MIG_DISK_BYTES / 65536, sha);
	sb_puts(out, "checks before\n"
		     "echo \"" MIG_READY "\"\n"
		     "while read -r line; do\n"
		     "  case \"$line\" in *" MIG_CHECK_CMD "*) checks after; break ;; esac\n"
		     "done\n"
		     /* Then idle: the host quits QEMU. */
		     "while :; do sleep 3600; done\n");
}

int mig_guest_files(struct mig_files *f)
{
	struct strvec mods = STRVEC_INIT;
	struct strbuf init = STRBUF_INIT, disk = STRBUF_INIT, p = STRBUF_INIT;
	char *kver = initramfs_default_kver(), *cache = paths_cache_dir();
	char sha[SHA256_HEX_LEN + 1];
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (!kver) {
		error("no kernel with modules under /boot for the migration guest");
		goto out;
	}
	sb_printf(&p, "/boot/vmlinuz-%s", kver);
	f->kernel = strbuf_detach(&p);
	mig_guest_modules(&mods);
	mig_guest_init(&init);
	f->initrd = initrd_cached(kver, &mods, init.buf);
	if (!f->initrd)
		goto out;
	mig_disk_image(&disk);
	sha256_hex(disk.buf, disk.len, sha);
	sb_printf(&p, "%s/migration", cache);
	if (mkdir_p(p.buf, 0755))
		goto out;
	sb_printf(&p, "/disk-%.16s.img", sha);
	if (!path_exists(p.buf) && write_file_atomic(p.buf, disk.buf, disk.len))
		goto out;
	f->image = strbuf_detach(&p);
	ret = 0;
out:
	free(kver);
	free(cache);
	strvec_clear(&mods);
	strbuf_release(&init);
	strbuf_release(&disk);
	strbuf_release(&p);
	return ret;
}

void mig_guest_files_release(struct mig_files *f)
{
	free(f->kernel);
	free(f->initrd);
	free(f->image);
	memset(f, 0, sizeof(*f));
}
