/*
 * Fuzz harness "shard": the input is lines: a --shard value for
 * shard_parse(), then the values of the variables shard_from_env()
 * reads (lib/shard.c), in the order of vars[] below; a variable with no
 * line, or an empty one, is unset (so that the later engines' variables
 * are reached). A shard either side accepts must be a real slice: job
 * k-1 is in it, job k is not (unless N is 1).
 */
#include "fuzz.h"
#include "shard.h"

static const char *const vars[] = {
	"CI_NODE_INDEX",	  "CI_NODE_TOTAL",	    "SLURM_ARRAY_TASK_ID",
	"SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",   "JOB_COMPLETION_INDEX",
	"VIRT_MATRIX_SHARDS",
};

static void check_slice(const struct shard *sh)
{
	FUZZ_CHECK(sh->k >= 1 && sh->k <= sh->n);
	FUZZ_CHECK(shard_has(sh, (size_t)(sh->k - 1)));
	FUZZ_CHECK(sh->n == 1 || !shard_has(sh, (size_t)sh->k));
	FUZZ_CHECK(shard_has(sh, (size_t)(sh->k - 1 + sh->n)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *p, *nl;
	struct shard sh;

	if (!text)
		return 0;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (!shard_parse(text, &sh))
		check_slice(&sh);
	p = nl ? nl + 1 : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		if (!p) {
			unsetenv(vars[i]);
			continue;
		}
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			setenv(vars[i], p, 1);
		else
			unsetenv(vars[i]);
		p = nl ? nl + 1 : NULL;
	}
	if (!shard_from_env(&sh))
		check_slice(&sh);
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
	free(text);
	return 0;
}
