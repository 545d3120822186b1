/*
 * The mapper against expected output per QEMU version: every scenario
 * (the shipped ones and tests/data/mapper/scenarios/) mapped with what
 * each version can do (tests/data/mapper/caps/, recorded from real
 * probes with 'make record-mapper', plus one hand-written old version)
 * must give exactly tests/data/mapper/expected/<version>/<scenario>.txt:
 * the argv, one argument per line, the notes, or why it cannot be
 * mapped. REGENERATE=1 rewrites the expected files (review the diff).
 */
#include <dirent.h>

#include "testutil.h"
#include "mapper.h"
#include "domxml.h"
#include "scenario.h"

static int regenerate;

static void list_dir(const char *dir, const char *suffix, struct strvec *out)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		if (ends_with(ents[i]->d_name, suffix))
			strvec_pushf(out, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

static void mapping_text(const struct scenario *s, const struct map_caps *c,
			 struct strbuf *out)
{
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct map_env env;

	memset(&env, 0, sizeof(env));
	env.kernel = "/boot/vmlinuz";
	env.initrd = "/cache/initramfs.cpio";
	env.append = "console=ttyS0";
	env.accel = "tcg";
	env.rundir = "/run/vmx";
	env.pt_host = "0000:00:05.0";
	if (map_argv(s, c, &env, &argv, &notes, &why)) {
		sb_printf(out, "# cannot map\n%s\n", why.buf);
	} else {
		sb_puts(out, "# argv\n");
		for (size_t i = 0; i < argv.nr; i++)
			sb_printf(out, "%s\n", argv.v[i]);
		sb_puts(out, "# notes\n");
		for (size_t i = 0; i < notes.nr; i++)
			sb_printf(out, "%s\n", notes.v[i]);
	}
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&why);
}

static void test_mapping_per_version_matches_expected(void **state)
{
	struct strvec caps = STRVEC_INIT, cfgs = STRVEC_INIT;
	size_t compared = 0;

	(void)state;
	list_dir("tests/data/mapper/caps", ".caps", &caps);
	list_dir("scenarios", ".cfg", &cfgs);
	list_dir("tests/data/mapper/scenarios", ".cfg", &cfgs);
	for (size_t i = 0; i < caps.nr; i++) {
		struct map_caps c;
		char *text = tu_read(caps.v[i]);
		struct strbuf dir = STRBUF_INIT;

		assert_int_equal(map_caps_parse(caps.v[i], text, &c), 0);
		free(text);
		sb_printf(&dir, "tests/data/mapper/expected/%s", c.version);
		if (regenerate)
			assert_int_equal(mkdir_p(dir.buf, 0755), 0);
		for (size_t k = 0; k < cfgs.nr; k++) {
			struct scenario s;
			struct strbuf got = STRBUF_INIT, path = STRBUF_INIT;
			char *want;

			assert_int_equal(scenario_load(&s, cfgs.v[k]), 0);
			mapping_text(&s, &c, &got);
			sb_printf(&path, "%s/%s.txt", dir.buf, s.name);
			if (regenerate)
				assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
			want = tu_read(path.buf);
			if (!want)
				fail_msg("no expected file %s (REGENERATE=1 writes it)", path.buf);
			if (strcmp(want, got.buf))
				fail_msg("%s differs; got:\n%s", path.buf, got.buf);
			compared++;
			free(want);
			scenario_release(&s);
			strbuf_release(&got);
			strbuf_release(&path);
		}
		strbuf_release(&dir);
	}
	/* Five versions, at least seven scenarios. */
	assert_true(compared >= 5 * 7);
	strvec_clear(&caps);
	strvec_clear(&cfgs);
}

/* What differs between versions is what the expected files show; pin the key facts too. */
static void test_version_adaptations(void **state)
{
	struct map_caps old, now;
	struct scenario s;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *t1 = tu_read("tests/data/mapper/caps/2.11.0-handwritten.caps");
	char *t2 = tu_read("tests/data/mapper/caps/10.0.2.caps");

	(void)state;
	assert_int_equal(map_caps_parse("old", t1, &old), 0);
	assert_int_equal(map_caps_parse("now", t2, &now), 0);
	assert_int_equal(scenario_load(&s, "scenarios/vhost-user.cfg"), 0);
	mapping_text(&s, &old, &a);
	mapping_text(&s, &now, &b);
	/* Shared memory: a /dev/shm file and -numa memdev before 5.0, memfd after. */
	assert_contains(a.buf, "memory-backend-file,id=mem0,size=256M,mem-path=/dev/shm,share=on", "old memory");
	assert_contains(a.buf, "node,memdev=mem0", "old numa");
	assert_contains(b.buf, "pc-q35-10.0,memory-backend=mem0", "new machine memdev");
	assert_contains(b.buf, "memory-backend-memfd,id=mem0,size=256M,share=on", "new memfd");
	assert_null(strstr(b.buf, "-numa"));
	scenario_release(&s);
	strbuf_reset(&a);
	strbuf_reset(&b);
	assert_int_equal(scenario_load(&s, "tests/data/mapper/scenarios/pci-assign.cfg"), 0);
	mapping_text(&s, &old, &a);
	mapping_text(&s, &now, &b);
	assert_contains(a.buf, "pci-assign,host=0000:07:10.0,id=pt_0,addr=0x6", "old pci-assign");
	assert_contains(b.buf, "vfio-pci,host=0000:07:10.0,id=pt_0,addr=0x6", "vfio-pci now");
	assert_contains(b.buf, "pci-assign is gone from QEMU 10.0.2", "note");
	scenario_release(&s);
	strbuf_release(&a);
	strbuf_release(&b);
	free(t1);
	free(t2);
}

/* The domain XML of every scenario, against tests/data/mapper/expected/domxml/. */
static void test_domain_xml_matches_expected(void **state)
{
	struct strvec cfgs = STRVEC_INIT, fw = STRVEC_INIT;
	size_t compared = 0;

	(void)state;
	list_dir("scenarios", ".cfg", &cfgs);
	list_dir("tests/data/mapper/scenarios", ".cfg", &cfgs);
	strvec_pushv(&fw, (const char *const[]){ "-L", "/usr/share/qemu", NULL });
	if (regenerate)
		assert_int_equal(mkdir_p("tests/data/mapper/expected/domxml", 0755), 0);
	for (size_t k = 0; k < cfgs.nr; k++) {
		struct scenario s;
		struct dom_env e;
		struct strvec notes = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT, why = STRBUF_INIT, path = STRBUF_INIT;
		char *want;

		assert_int_equal(scenario_load(&s, cfgs.v[k]), 0);
		memset(&e, 0, sizeof(e));
		e.name = "vmx-test";
		e.emulator = "/opt/qemu/10.0.2/bin/qemu-system-x86_64";
		e.virttype = "qemu";
		e.kernel = "/boot/vmlinuz";
		e.initrd = "/cache/initramfs.cpio";
		e.cmdline = "console=ttyS0";
		e.console = "/run/vmx/console.log";
		e.rundir = "/run/vmx";
		e.pt_host = "0000:00:05.0";
		e.firmware = &fw;
		if (domxml_build(&s, &e, &got, &notes, &why)) {
			strbuf_reset(&got);
			sb_printf(&got, "<!-- cannot: %s -->\n", why.buf);
		}
		for (size_t i = 0; i < notes.nr; i++)
			sb_printf(&got, "<!-- note: %s -->\n", notes.v[i]);
		sb_printf(&path, "tests/data/mapper/expected/domxml/%s.xml", s.name);
		if (regenerate)
			assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
		want = tu_read(path.buf);
		if (!want || strcmp(want, got.buf))
			fail_msg("%s differs; got:\n%s", path.buf, got.buf);
		compared++;
		free(want);
		scenario_release(&s);
		strvec_clear(&notes);
		strbuf_release(&got);
		strbuf_release(&why);
		strbuf_release(&path);
	}
	assert_true(compared >= 7);
	strvec_clear(&cfgs);
	strvec_clear(&fw);
}

static void test_caps_file_errors(void **state)
{
	struct map_caps c;

	(void)state;
	tu_capture_begin();
	assert_int_equal(map_caps_parse("x.caps", "version 1.0\nvfio-pci 2\n", &c), -1);
	assert_int_equal(map_caps_parse("y.caps", "q35 pc-q35-1.0\n", &c), -1);
	assert_int_equal(map_caps_parse("z.caps", "version 1.0\nwarp-drive 1\n", &c), -1);
	{
		char *err = tu_capture_end();

		assert_contains(err, "x.caps:2: unknown key 'vfio-pci' or value '2'", "bad value");
		assert_contains(err, "y.caps: no 'version' line", "no version");
		assert_contains(err, "z.caps:2: unknown key 'warp-drive'", "bad key");
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_per_version_matches_expected),
		cmocka_unit_test(test_version_adaptations),
		cmocka_unit_test(test_domain_xml_matches_expected),
		cmocka_unit_test(test_caps_file_errors),
	};

	regenerate = getenv("REGENERATE") && *getenv("REGENERATE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
