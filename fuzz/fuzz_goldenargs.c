/*
 * Fuzz harness "goldenargs": the input is a libvirt golden .args file
 * (tests/qemuxmlconfdata/NAME.ARCH-latest.args), fed to
 * corp_golden_argv_json() (corpus/import.h). Either it fails saying why,
 * or it gives a JSON array of one string or more that json-c reads back
 * as such, without a word of why.
 */
#include <json-c/json.h>

#include "fuzz.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf why = STRBUF_INIT;
	char *json = corp_golden_argv_json((const char *)data, size, &why);
	json_object *a;
	size_t n;

	if (!json) {
		FUZZ_CHECK(why.len > 0);
		strbuf_release(&why);
		return 0;
	}
	FUZZ_CHECK(why.len == 0);
	a = json_tokener_parse(json);
	FUZZ_CHECK(a && json_object_is_type(a, json_type_array));
	n = json_object_array_length(a);
	FUZZ_CHECK(n >= 1);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(json_object_is_type(json_object_array_get_idx(a, i),
					       json_type_string));
	/* Nothing the text did not have: each word is at most its length. */
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((size_t)json_object_get_string_len(
				   json_object_array_get_idx(a, i)) <= size);
	json_object_put(a);
	free(json);
	strbuf_release(&why);
	return 0;
}
