/*
 * Fuzz harness "guestdecode": the guest view's pure decoders
 * (matrix/guestdecode.h: PCI configuration space with or without what
 * its BARs read back, the e820 maps, fw_cfg's directory, CPUID, the
 * local APIC, the RSDP, the SMBIOS entry point, a virtio device's
 * features and queues, and the hex dump) on any bytes a guest's memory,
 * fw_cfg, configuration space or device registers may hold. The first
 * byte chooses the decoder (and, for e820, the entry size; for virtio,
 * the device id), the rest is the item. Contracts: the text is printable ASCII in lines that
 * each end in a newline, bounded by the input's size, and the same bytes
 * give the same text.
 */
#include "fuzz.h"
#include "guestdecode.h"

#define PCIBAR_LEN 28 /* BAR0-5 and the ROM, u32 each */
#define DECODERS 11

/* Device ids for virtio: each type with names, one without, none. */
static const unsigned virtio_ids[] = { 0x1000, 0x1041, 0x1001, 0x1042,
				       0x1009, 0x1049, 0x1005, 0 };

/* One decode of p[0..n) by decoder sel into out. */
static void decode(unsigned sel, unsigned arg, const unsigned char *p,
		   size_t n, struct strbuf *out)
{
	switch (sel) {
	case 0:
		guest_decode_pci(p, n, out);
		break;
	case 1: /* the readback is the item's last 28 bytes, when it has them */
		if (n >= PCIBAR_LEN)
			guest_decode_pci_bars(p, n - PCIBAR_LEN,
					      p + n - PCIBAR_LEN, PCIBAR_LEN,
					      out);
		else
			guest_decode_pci_bars(p, n, p, n, out);
		break;
	case 2:
		guest_decode_e820(p, n, arg % 2 ? 24 : 20, out);
		break;
	case 3: /* any entry size, those too short for an entry included */
		guest_decode_e820(p, n, arg % 48, out);
		break;
	case 4:
		guest_decode_fwcfg_dir(p, n, out);
		break;
	case 5:
		guest_decode_cpuid(p, n, out);
		break;
	case 6:
		guest_decode_lapic(p, n, out);
		break;
	case 7:
		guest_decode_rsdp(p, n, out);
		break;
	case 8:
		guest_decode_smbios_entry(p, n, out);
		break;
	case 9:
		guest_decode_virtio(p, n, virtio_ids[arg % ARRAY_SIZE(virtio_ids)],
				    out);
		break;
	default:
		guest_decode_hex(p, n, out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	unsigned char *p;
	size_t n;
	unsigned sel, arg;

	if (size < 1)
		return 0;
	sel = data[0] % DECODERS;
	arg = data[0] / DECODERS;
	n = size - 1;
	/* Exactly n bytes, so that a read past the end is seen. */
	p = xmalloc(n ? n : 1);
	memcpy(p, data + 1, n);
	decode(sel, arg, p, n, &a);
	decode(sel, arg, p, n, &b);
	FUZZ_CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	FUZZ_CHECK(!a.len || a.buf[a.len - 1] == '\n');
	FUZZ_CHECK(a.len <= 512 * (size_t)n + 4096);
	for (size_t i = 0; i < a.len; i++)
		FUZZ_CHECK(a.buf[i] == '\n' ||
			   (a.buf[i] >= 0x20 && a.buf[i] < 0x7f));
	strbuf_release(&a);
	strbuf_release(&b);
	free(p);
	return 0;
}
