/*
 * Fuzz harness "lineparse": the input is the text of a spec file, split
 * into lines of words by line_iter_next() (lib/lineparse.c), as every
 * parser of specs/ does. The line numbers must only grow, and no word
 * may be empty unless it was quoted.
 */
#include "fuzz.h"
#include "lineparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line_iter it;
	struct strvec words = STRVEC_INIT;
	char *text = fuzz_text(data, size);
	int r, last = 0;

	if (!text)
		return 0;
	line_iter_init(&it, "specs/fuzz", text);
	while ((r = line_iter_next(&it, &words)) == 1) {
		FUZZ_CHECK(it.lineno > last && words.nr > 0);
		FUZZ_CHECK(words.v[words.nr] == NULL);
		for (size_t i = 0; i < words.nr; i++)
			FUZZ_CHECK(*words.v[i] || strchr(it.line.buf, '"'));
		last = it.lineno;
	}
	FUZZ_CHECK(r == 0 || r == -1);
	line_iter_release(&it);
	strvec_clear(&words);
	free(text);
	return 0;
}
