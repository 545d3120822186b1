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

int canon_type_of_id(const char *id, char *type, size_t size)
{
	for (size_t i = 0; i < canon_ndevs; i++)
		for (size_t a = 0; canon_devs[i].args[a] && canon_devs[i].args[a + 1]; a++) {
			const char *v = canon_devs[i].args[a + 1], *p;
			size_t tlen = strcspn(v, ",");

			if (strcmp(canon_devs[i].args[a], "-device"))
				continue;
			/* "TYPE,...,id=ID,...": the id as a whole word. */
			for (p = strstr(v, ",id="); p; p = strstr(p + 1, ",id=")) {
				size_t ilen = strcspn(p + 4, ",");

				if (ilen == strlen(id) && !strncmp(p + 4, id, ilen) && tlen < size) {
					memcpy(type, v, tlen);
					type[tlen] = '\0';
					return 1;
				}
			}
		}
	return 0;
}
