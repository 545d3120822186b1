/*
 * Fuzz harness "recipe": the input is the text of a build recipe
 * (specs/<app>.recipe), fed to recipe_parse() (ark/recipe.c) as
 * recipe_load() feeds a file. A recipe that parses is evaluated with
 * recipe_plan() for a few versions, and the words of each plan expanded
 * with recipe_expand(), as ark's build does.
 */
#include "fuzz.h"
#include "recipe.h"

static const char *const versions[] = { "2.11.0", "5.2.0", "7.2.22-system",
					"8.1.0-rc2", "10.0.2" };

static void expand_all(const struct strvec *sv, const struct recipe_vars *vars)
{
	for (size_t i = 0; i < sv->nr; i++)
		free(recipe_expand(sv->v[i], vars));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct recipe_vars vars = { "/opt/ark/qemu/7.2.0", "7.2.0", "2",
					  "/tmp/src", "/tmp/build" };
	struct recipe r;
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	if (!recipe_parse(&r, "qemu", "specs/qemu.recipe", text)) {
		for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
			struct build_plan p;

			if (recipe_plan(&r, versions[i], &p))
				continue;
			FUZZ_CHECK(p.system && p.binary);
			FUZZ_CHECK(strlen(p.hash) == SHA256_HEX_LEN);
			expand_all(&p.args, &vars);
			expand_all(&p.env, &vars);
			expand_all(&p.bootstrap, &vars);
			expand_all(&p.check, &vars);
			free(recipe_expand(p.binary, &vars));
			build_plan_release(&p);
		}
		recipe_release(&r);
	}
	free(text);
	return 0;
}
