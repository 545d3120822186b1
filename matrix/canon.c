/*
 * The canonical devices of the machine-type probes (canon.h). The block
 * device reads from null-co in the ABI probe: the guest view gives the
 * same virtio-blk-pci device a boot image instead (guestprobe.c).
 */
#include <string.h>

#include "canon.h"
#include "util.h"
#include "banned.h"

const struct canon_dev canon_devs[] = {
	{ "pcie-root-port", { "-device", "pcie-root-port,id=rp0,chassis=1", NULL }, 1 },
	{ "virtio-net-pci", { "-device", "virtio-net-pci,id=vnet0", NULL }, 0 },
	{ "e1000e", { "-device", "e1000e,id=nic0", NULL }, 0 },
	{ "virtio-blk-pci", { "-blockdev", "driver=null-co,node-name=disk0",
			      "-device", "virtio-blk-pci,drive=disk0,id=blk0", NULL }, 0 },
	{ "virtio-9p-pci", { "-fsdev", "local,id=fs0,path=/,security_model=none",
			     "-device", "virtio-9p-pci,fsdev=fs0,mount_tag=host,id=p9", NULL }, 0 },
};

const size_t canon_ndevs = ARRAY_SIZE(canon_devs);

const struct canon_dev *canon_find(const char *name)
{
	for (size_t i = 0; i < canon_ndevs; i++)
		if (!strcmp(canon_devs[i].name, name))
			return &canon_devs[i];
	return NULL;
}
