/*
 * The lab VM's /init (runner/lab-init.sh, embedded in runner/lab.c):
 * what lab_init_script() makes of it must equal the golden file
 * tests/data/golden/lab-init.sh (REGENERATE=1 rewrites it: review the
 * diff), have every placeholder replaced and every comment dropped, and
 * be valid shell for sh -n (and busybox sh -n, the shell that runs it,
 * when busybox is installed), so that a syntax error fails here rather
 * than in a lab that never powers off.
 */
#include <unistd.h>

#include "testutil.h"
#include "command.h"
#include "fs.h"
#include "lab.h"

#define GOLDEN "tests/data/golden/lab-init.sh"

static int regenerate;

static void test_golden(void **state)
{
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	lab_init_script(&got);
	if (regenerate) {
		assert_int_equal(write_file_atomic(GOLDEN, got.buf, got.len), 0);
		print_message("wrote %s\n", GOLDEN);
	}
	if (strbuf_read_file(&want, GOLDEN, 1 << 20))
		fail_msg("no %s (REGENERATE=1 writes it)", GOLDEN);
	if (strcmp(got.buf, want.buf))
		fail_msg("lab_init_script() differs from %s (REGENERATE=1 rewrites it):\n%s",
			 GOLDEN, got.buf);
	strbuf_release(&got);
	strbuf_release(&want);
}

/* What must be in the script, and what must not. */
static const struct {
	const char *name, *text;
	int present;
} content_cases[] = {
	{ "the shebang first, then busybox", "#!/bin/busybox sh\n/bin/busybox --install -s\n", 1 },
	{ "the begin marker", "echo \"" GUEST_BEGIN " lab\"\n", 1 },
	{ "the end marker, the console drained", "echo \"" GUEST_END " 0 0\"\nexec </dev/null >/dev/null 2>&1\npoweroff -f\n", 1 },
	{ "L2's exit line", "echo \"" LAB_EXIT " $?\"\n", 1 },
	{ "the device bound", "echo vfio-pci > $d/driver_override\n", 1 },
	{ "the e1000e bound when there are no VFs", "else\n"
	  "  echo \"VMX-LAB-STEP mounted; binding " LAB_PT_BDF " to vfio-pci\"\n", 1 },
	{ "the IOMMU group checked", "vfio-pci|\"\") ;;", 1 },
	{ "the VF lab's work", "if [ -e $R/" LAB_VF_FILE " ]; then\n", 1 },
	{ "no igbvf on the VFs", "echo 0 > $p/sriov_drivers_autoprobe", 1 },
	{ "the VFs made", "echo $b > $p/sriov_numvfs", 1 },
	{ "each VF where L2's argv has it", "[ \"${got##*/}\" = \"$c\" ] || die", 1 },
	{ "its MAC through the port, with the host's ip",
	  "chroot /host /bin/ip link set dev $net vf $a mac $mac", 1 },
	{ "the VF lab's ready line", "echo \"" LAB_VF_READY "\"\n", 1 },
	{ "the run directory", "/host" LAB_RUNDIR "/" LAB_QMP_OUT, 1 },
	{ "the shell's own $@", "chroot /host \"$@\" <", 1 },
	{ "no placeholder left", "@LAB_", 0 },
	{ "no placeholder left (guest)", "@GUEST_", 0 },
	{ "no comment line", "\n# ", 0 },
	{ "no indented comment line", "  # ", 0 },
};

static void test_content(void **state)
{
	struct strbuf got = STRBUF_INIT;

	(void)state;
	lab_init_script(&got);
	for (size_t i = 0; i < ARRAY_SIZE(content_cases); i++)
		if (!strstr(got.buf, content_cases[i].text) != !content_cases[i].present)
			fail_msg("%s: '%s' %s", content_cases[i].name, content_cases[i].text,
				 content_cases[i].present ? "missing" : "present");
	if (strncmp(got.buf, "#!/bin/busybox sh\n", 18))
		fail_msg("the script does not start with its shebang");
	strbuf_release(&got);
}

/* sh -n (and busybox sh -n) on the script: 0, or fails the test with the output. */
static void syntax_check(const char *const *shell, const char *path)
{
	struct command c;

	command_init(&c);
	strvec_pushv(&c.args, shell);
	strvec_pushv(&c.args, (const char *const[]){ "-n", path, NULL });
	c.timeout = 30;
	if (command_run(&c) || !command_succeeded(&c))
		fail_msg("%s -n %s: %s", shell[0], path, c.output.buf ? c.output.buf : "");
	command_release(&c);
}

static void test_syntax(void **state)
{
	struct strbuf got = STRBUF_INIT, path = STRBUF_INIT;
	char *dir = tu_tmpdir("lab-init");

	(void)state;
	lab_init_script(&got);
	sb_printf(&path, "%s/init", dir);
	assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
	syntax_check((const char *const[]){ "/bin/sh", NULL }, path.buf);
	if (access("/bin/busybox", X_OK) == 0)
		syntax_check((const char *const[]){ "/bin/busybox", "sh", NULL }, path.buf);

	/* The check can fail: an unclosed if is refused. */
	sb_puts(&got, "if true; then\n");
	assert_int_equal(write_file_atomic(path.buf, got.buf, got.len), 0);
	{
		struct command c;

		command_init(&c);
		strvec_pushv(&c.args, (const char *const[]){ "/bin/sh", "-n", path.buf, NULL });
		c.timeout = 30;
		assert_int_equal(command_run(&c), 0);
		assert_false(command_succeeded(&c));
		command_release(&c);
	}
	strbuf_release(&got);
	strbuf_release(&path);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_syntax),
	};

	regenerate = getenv("REGENERATE") && *getenv("REGENERATE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
