/*
 * Fuzz harness "acks": the input is the text of the acknowledged ABI
 * differences (specs/abi-acks), fed to rep_acks_parse()
 * (reports/abi_acks.c) as rep_acks_load() feeds a file. Acks that parse
 * are matched against a few differences, as the ABI report does, one of
 * them of the guest view.
 */
#include "fuzz.h"
#include "builders.h"

static const struct {
	const char *machine, *object, *property, *from, *to, *old_value,
		*new_value;
} diffs[] = {
	{ "pc-q35-7.2", "/machine/q35/pcie.0/virtio-net-pci[0]", "rombar",
	  "7.2.0", "10.0.2", "1 (0x1)", "-1 (0xffffffffffffffff)" },
	{ "pc-i440fx-6.2", "cpu", "x-l1-cache-per-thread", "7.2.22-system",
	  "10.2.2", NULL, "false" },
	{ "pc-q35-9.2", "/machine", "smm", "8.1.0-rc2", "9.2.0", "auto",
	  NULL },
	/* the guest view: decoded lines lost and gained, newline-joined */
	{ "pc-q35-7.2", "guest:acpi/DSDT", "changed", "7.2.0", "10.0.2",
	  "            Name (_HID, \"QEMU0002\")",
	  "            Name (_HID, \"QEMU0003\")\n            Name (_STA, 0x0B)" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rep_acks a;
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	if (!rep_acks_parse("specs/abi-acks", text, &a)) {
		for (size_t i = 0; i < ARRAY_SIZE(diffs); i++) {
			struct rep_ack *k = rep_acks_match(
				&a, diffs[i].machine, diffs[i].object,
				diffs[i].property, diffs[i].from, diffs[i].to,
				diffs[i].old_value, diffs[i].new_value);

			FUZZ_CHECK(!k || (k->reason && *k->reason && k->used));
		}
		rep_acks_release(&a);
	}
	free(text);
	return 0;
}
