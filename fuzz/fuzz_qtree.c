/*
 * Fuzz harness "qtree": the input is the text of HMP "info qtree", fed
 * to abi_flatten_qtree() (matrix/abitext.c), whose lines abi_text() then
 * normalises, sorts and hashes as the ABI probe does.
 */
#include "fuzz.h"
#include "abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strvec lines = STRVEC_INIT;
	char sha[SHA256_HEX_LEN + 1];
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	abi_flatten_qtree(text, &lines);
	for (size_t i = 0; i < lines.nr; i++)
		FUZZ_CHECK(!strncmp(lines.v[i], "qtree ", 6));
	free(abi_text("pc-q35-7.2", &lines, sha));
	FUZZ_CHECK(strlen(sha) == SHA256_HEX_LEN);
	strvec_clear(&lines);
	free(text);
	return 0;
}
