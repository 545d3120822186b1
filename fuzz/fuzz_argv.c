/*
 * Fuzz harness "argv": the input is a QEMU argv as the store records it,
 * a JSON array of strings (runs.argv; a merged shard store may come from
 * another machine). reports/argv.c reads such arrays with a scanner of
 * its own and leaves anything it does not take to json-c: the scanner's
 * result must be json-c's (rep_argv_normalise against
 * rep_argv_normalise_json of json-c's parse), and a memo must change
 * nothing (rep_argv_normalise_memo, the same argv twice through one memo).
 */
#include <json-c/json.h>

#include "fuzz.h"
#include "builders.h"

static int same_argv(const struct rep_argv *a, const struct rep_argv *b)
{
	if (a->nr != b->nr || strcmp(a->binary ? a->binary : "", b->binary ? b->binary : ""))
		return 0;
	for (size_t i = 0; i < a->nr; i++) {
		const struct rep_opt *x = &a->v[i], *y = &b->v[i];

		if (strcmp(x->key, y->key) || strcmp(x->text, y->text) ||
		    x->props.nr != y->props.nr)
			return 0;
		for (size_t k = 0; k < x->props.nr; k++)
			if (strcmp(x->props.v[k], y->props.v[k]))
				return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct rep_argv plain = { 0 }, viajson = { 0 }, memo1 = { 0 }, memo2 = { 0 };
	struct rep_argv_memo *memo;
	json_object *a;
	int rp, rj = -1;

	if (!text)
		return 0;
	rp = rep_argv_normalise(text, &plain);
	a = json_tokener_parse(text);
	if (a)
		rj = rep_argv_normalise_json(a, &viajson);
	/* What json-c cannot read is not an argv either way. */
	FUZZ_CHECK(a || rp == -1);
	if (a) {
		FUZZ_CHECK(rp == rj);
		if (!rp)
			FUZZ_CHECK(same_argv(&plain, &viajson));
	}
	memo = rep_argv_memo_new();
	FUZZ_CHECK(rep_argv_normalise_memo(text, memo, &memo1) == rp);
	FUZZ_CHECK(rep_argv_normalise_memo(text, memo, &memo2) == rp);
	if (!rp)
		FUZZ_CHECK(same_argv(&plain, &memo1) && same_argv(&plain, &memo2));
	rep_argv_release(&memo1);
	rep_argv_release(&memo2);
	rep_argv_memo_free(memo);
	rep_argv_release(&plain);
	rep_argv_release(&viajson);
	json_object_put(a);
	free(text);
	return 0;
}
