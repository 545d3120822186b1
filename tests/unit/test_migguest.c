/*
 * The migration guest's /init (migrate/migguest.c): valid sh for busybox
 * and the host's sh, the disk image's sha256 as the value the disk check
 * expects, every proof the job counts (MIG_CHECKS_BEFORE and _AFTER),
 * and the markers the job waits for, in the order it waits for them.
 */
#include <unistd.h>

#include "testutil.h"
#include "guest.h"
#include "migguest.h"
#include "sha256.h"

static void sh_n(const char *const *shell, const char *path, int want_ok)
{
	struct command c;

	command_init(&c);
	strvec_pushv(&c.args, shell);
	strvec_pushv(&c.args, (const char *const[]){ "-n", path, NULL });
	c.timeout = 30;
	assert_int_equal(command_run(&c), 0);
	if (command_succeeded(&c) != want_ok)
		fail_msg("%s -n %s: %s", shell[0], path, c.output.buf);
	command_release(&c);
}

static void test_syntax(void **state)
{
	struct strbuf init = STRBUF_INIT, path = STRBUF_INIT;
	char *dir = tu_tmpdir("migguest");

	(void)state;
	mig_guest_init(&init);
	sb_printf(&path, "%s/init", dir);
	assert_int_equal(write_file_atomic(path.buf, init.buf, init.len), 0);
	sh_n((const char *const[]){ "/bin/sh", NULL }, path.buf, 1);
	if (access("/bin/busybox", X_OK) == 0)
		sh_n((const char *const[]){ "/bin/busybox", "sh", NULL }, path.buf, 1);
	/* The check can fail. */
	sb_puts(&init, "case x in\n");
	assert_int_equal(write_file_atomic(path.buf, init.buf, init.len), 0);
	sh_n((const char *const[]){ "/bin/sh", NULL }, path.buf, 0);
	strbuf_release(&init);
	strbuf_release(&path);
	tu_rmdir(dir);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_content(void **state)
{
	static const char *const kinds[] = { "result memory ", "result dirty ",
					     "result disk ", "nicping virtio-net ",
					     "nicping e1000e ", "result console " };
	struct strbuf init = STRBUF_INIT, disk = STRBUF_INIT, want = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1];
	const char *ready, *wait_check, *before;

	(void)state;
	mig_guest_init(&init);
	mig_disk_image(&disk);
	assert_int_equal(disk.len, MIG_DISK_BYTES);
	assert_memory_equal(disk.buf, "virt-matrix migration disk, byte 00000000....",
			    strlen("virt-matrix migration disk, byte 00000000...."));
	assert_memory_equal(disk.buf + 64, "virt-matrix migration disk, byte 00000064",
			    strlen("virt-matrix migration disk, byte 00000064"));
	assert_int_equal(disk.buf[63], '\n');
	sha256_hex(disk.buf, disk.len, sha);
	sb_printf(&want, "result disk $(verdict $got %s)", sha);
	assert_contains(init.buf, want.buf, "the disk's sha256");
	/* Six proofs, the dirty one only after the switch. */
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (count(init.buf, kinds[i]) != 1)
			fail_msg("'%s' %zu times", kinds[i], count(init.buf, kinds[i]));
	assert_int_equal(ARRAY_SIZE(kinds), MIG_CHECKS_AFTER);
	assert_int_equal(MIG_CHECKS_BEFORE, MIG_CHECKS_AFTER - 1);
	assert_contains(init.buf, "if [ $1 = after ]; then\n    touch /run/stop; wait $dirty",
			"dirty after only");
	/* The checks before, then ready, then the wait for "check". */
	before = strstr(init.buf, "checks before\n");
	ready = strstr(init.buf, "echo \"" MIG_READY "\"");
	wait_check = strstr(init.buf, "*" MIG_CHECK_CMD "*) checks after");
	assert_non_null(before);
	assert_non_null(ready);
	assert_non_null(wait_check);
	assert_true(before < ready && ready < wait_check);
	assert_contains(init.buf, "echo \"" GUEST_BEGIN " $1\"", "begin marker");
	assert_contains(init.buf, "echo \"" GUEST_END " $pass $fail\"", "end marker");
	strbuf_release(&init);
	strbuf_release(&disk);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
