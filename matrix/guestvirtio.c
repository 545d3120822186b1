/*
 * The virtio/BB:DD.F item as text (matrix/guestdecode.h): the device
 * features a virtio driver reads before it negotiates, one line per
 * feature bit the virtio 1.2 specification (and Linux's
 * include/uapi/linux/virtio_*.h) names for the transport or for the
 * device (network, block, 9p), "feature 40 ring_reset = 0" or "= 1" for
 * every named bit, so that a feature a version takes away or adds is one
 * changed line; a set bit without a name is "feature N = 1". Then the
 * number of queues and each queue's size as the driver reads them.
 */
#include <string.h>

#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

/* Bits 24-41: the transport's, for every device type. */
static const char *const transport_bits[64] = {
	[24] = "notify_on_empty", [27] = "any_layout",
	[28] = "ring_indirect_desc", [29] = "ring_event_idx",
	[32] = "version_1", [33] = "access_platform",
	[34] = "ring_packed", [35] = "in_order",
	[36] = "order_platform", [37] = "sr_iov",
	[38] = "notification_data", [39] = "notif_config_data",
	[40] = "ring_reset", [41] = "admin_vq",
};

/* VIRTIO_NET_F_* */
static const char *const net_bits[64] = {
	[0] = "csum", [1] = "guest_csum", [2] = "ctrl_guest_offloads",
	[3] = "mtu", [5] = "mac", [6] = "gso", [7] = "guest_tso4",
	[8] = "guest_tso6", [9] = "guest_ecn", [10] = "guest_ufo",
	[11] = "host_tso4", [12] = "host_tso6", [13] = "host_ecn",
	[14] = "host_ufo", [15] = "mrg_rxbuf", [16] = "status",
	[17] = "ctrl_vq", [18] = "ctrl_rx", [19] = "ctrl_vlan",
	[20] = "ctrl_rx_extra", [21] = "guest_announce", [22] = "mq",
	[23] = "ctrl_mac_addr", [50] = "device_stats",
	[52] = "vq_notf_coal", [53] = "notf_coal", [54] = "guest_uso4",
	[55] = "guest_uso6", [56] = "host_uso", [57] = "hash_report",
	[59] = "guest_hdrlen", [60] = "rss", [61] = "rsc_ext",
	[62] = "standby", [63] = "speed_duplex",
};

/* VIRTIO_BLK_F_* */
static const char *const blk_bits[64] = {
	[0] = "barrier", [1] = "size_max", [2] = "seg_max",
	[4] = "geometry", [5] = "ro", [6] = "blk_size", [7] = "scsi",
	[9] = "flush", [10] = "topology", [11] = "config_wce", [12] = "mq",
	[13] = "discard", [14] = "write_zeroes", [15] = "lifetime",
	[16] = "secure_erase", [17] = "zoned",
};

/* VIRTIO_9P_* */
static const char *const p9_bits[64] = {
	[0] = "mount_tag",
};

/* The device's own bits by PCI device id: transitional, then modern. */
static const struct {
	uint16_t legacy, modern;
	const char *const *bits;
} devices[] = {
	{ 0x1000, 0x1041, net_bits },
	{ 0x1001, 0x1042, blk_bits },
	{ 0x1009, 0x1049, p9_bits },
};

static const char *bit_name(const char *const *dev, unsigned b)
{
	if (dev && dev[b])
		return dev[b];
	return transport_bits[b];
}

void guest_decode_virtio(const unsigned char *p, size_t len, unsigned device,
			 struct strbuf *out)
{
	const char *const *dev = NULL;
	uint64_t f;
	size_t nq;

	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (device == devices[i].legacy || device == devices[i].modern)
			dev = devices[i].bits;
	if (len < 8) {
		sb_printf(out, "stopped at byte 0: %zu bytes, too short for the "
			       "64 feature bits\n", len);
		return;
	}
	f = gd_le64(p);
	for (unsigned b = 0; b < 64; b++) {
		const char *name = bit_name(dev, b);

		if (name)
			sb_printf(out, "feature %u %s = %u\n", b, name,
				  (unsigned)(f >> b & 1));
		else if (f >> b & 1)
			sb_printf(out, "feature %u = 1\n", b);
	}
	if (len < 10) {
		sb_printf(out, "stopped at byte 8: %zu bytes, too short for the "
			       "number of queues\n", len);
		return;
	}
	nq = gd_le16(p + 8);
	sb_printf(out, "queues = %zu\n", nq);
	for (size_t q = 0; q < nq; q++) {
		if (10 + 2 * q + 2 > len) {
			sb_printf(out, "stopped at byte %zu: %zu queues counted, "
				       "%zu bytes hold %zu\n", 10 + 2 * q, nq,
				  len, q);
			return;
		}
		sb_printf(out, "queue %zu size = %u\n", q,
			  gd_le16(p + 10 + 2 * q));
	}
	if (len > 10 + 2 * nq)
		sb_printf(out, "stopped at byte %zu: %zu bytes after the %zu "
			       "queues counted\n", 10 + 2 * nq,
			  len - 10 - 2 * nq, nq);
}
