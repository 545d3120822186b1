/*
 * Fuzz harness "userxml": the input is a user's libvirt domain XML, fed
 * to userxml_adopt() (runner/userxml.h) twice: as a run adopts it on a
 * host with KVM (new name, emulator, domain type, firmware arguments),
 * and leaving the type and arguments alone. Either it succeeds with a
 * document or it fails saying why.
 */
#include "fuzz.h"
#include "userxml.h"

static int adopt(const uint8_t *data, size_t size, const char *virttype,
		 const struct strvec *args)
{
	const struct userxml_as as = {
		.name = "vm-fuzz-1",
		.emulator = "/opt/ark/qemu/10.0.2/bin/qemu-system-x86_64",
		.virttype = virttype,
		.qemu_args = args,
	};
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	struct strvec notes = STRVEC_INIT;
	int r;

	r = userxml_adopt((const char *)data, size, &as, &out, &notes, &why);
	if (r)
		FUZZ_CHECK(why.len > 0);
	else
		FUZZ_CHECK(out.len > 0);
	strbuf_release(&out);
	strbuf_release(&why);
	strvec_clear(&notes);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strvec args = STRVEC_INIT;

	strvec_pushv(&args, (const char *const[]){ "-L", "/usr/share/seabios",
						   "-L", "/usr/lib/ipxe/qemu",
						   NULL });
	if (!adopt(data, size, "kvm", &args))
		(void)adopt(data, size, NULL, NULL);
	strvec_clear(&args);
	return 0;
}
