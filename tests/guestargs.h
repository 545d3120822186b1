#ifndef TESTS_GUESTARGS_H
#define TESTS_GUESTARGS_H

/*
 * The QEMU arguments of the guest-view probe, for the integration tests
 * that take guest views of Debian's QEMU: 128 MiB and the canonical
 * devices of the ABI probe in its order (matrix/abi.c canon[]: a PCIe
 * root port on q35, virtio-net, e1000e, virtio-blk, virtio-9p), so that
 * each device sits in the slot it has there; the virtio-blk disk is the
 * boot sector's image (matrix/guestcpu.c), or null-co (as in the ABI
 * probe) when image is NULL. No bootindex: SeaBIOS boots the only hard
 * disk before the NICs' option ROMs, and fw_cfg's "bootorder" stays
 * empty, as in the ABI probe's machine.
 */

#include <string.h>

#include "strbuf.h"

static inline void tu_guest_args(struct strvec *a, const char *machine,
				 const char *image)
{
	strvec_pushv(a, (const char *const[]){ "-m", "128", NULL });
	if (strstr(machine, "q35"))
		strvec_pushv(a, (const char *const[]){
					"-device", "pcie-root-port,id=rp0,chassis=1",
					NULL });
	strvec_pushv(a, (const char *const[]){ "-device", "virtio-net-pci,id=vnet0",
					       "-device", "e1000e,id=nic0",
					       "-blockdev", NULL });
	if (image)
		strvec_pushf(a, "driver=file,filename=%s,node-name=disk0,"
				"read-only=on", image);
	else
		strvec_push(a, "driver=null-co,node-name=disk0");
	strvec_pushv(a, (const char *const[]){
				"-device", "virtio-blk-pci,drive=disk0,id=blk0",
				"-fsdev", "local,id=fs0,path=/,security_model=none",
				"-device", "virtio-9p-pci,fsdev=fs0,mount_tag=host,id=p9",
				NULL });
}

#endif
