/*
 * runner/testpmd.c: what testpmd's log says of each vhost-user socket,
 * on excerpts of real logs (the .testpmd files of tests/data/runs/, from recorded
 * runs: see the README there). The readiness check is the first
 * connection; QEMU's is the second; "virtio is now ready" means the
 * guest's driver set the device up. Every failure names its case.
 */
#include "testutil.h"
#include "testpmd.h"

struct note_case {
	const char *name, *file, *sock;
	size_t lines; /* 0: the whole excerpt */
	const char *note;
};

static const struct note_case note_cases[] = {
	{ "a guest that used the device", "vhost-user.testpmd",
	  "/tmp/vm-run-jxod4a/vhost0.sock", 0,
	  "testpmd: /tmp/vm-run-jxod4a/vhost0.sock: QEMU connected; the guest's "
	  "driver made the device ready" },
	{ "the second socket too", "vhost-user.testpmd",
	  "/tmp/vm-run-jxod4a/vhost1.sock", 0,
	  "testpmd: /tmp/vm-run-jxod4a/vhost1.sock: QEMU connected; the guest's "
	  "driver made the device ready" },
	{ "QEMU crashed before the guest's driver", "vhost-user-segv.testpmd",
	  "/tmp/vm-run-sFk65O/vhost0.sock", 0,
	  "testpmd: /tmp/vm-run-sFk65O/vhost0.sock: QEMU connected; the guest's "
	  "driver never made the device ready" },
	{ "only the readiness check connected", "vhost-user-segv.testpmd",
	  "/tmp/vm-run-sFk65O/vhost0.sock", 2,
	  "testpmd: /tmp/vm-run-sFk65O/vhost0.sock: QEMU never connected" },
	{ "another run's socket", "vhost-user.testpmd", "/tmp/vm-run-sFk65O/vhost0.sock",
	  0, "testpmd: /tmp/vm-run-sFk65O/vhost0.sock: QEMU never connected" },
};

static void test_socket_note(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(note_cases); k++) {
		const struct note_case *c = &note_cases[k];
		struct strbuf path = STRBUF_INIT, log = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;

		sb_printf(&path, "tests/data/runs/%s", c->file);
		if (strbuf_read_file(&log, path.buf, 1 << 20))
			fail_msg("%s: cannot read %s", c->name, path.buf);
		if (c->lines) {
			const char *p = log.buf;

			for (size_t i = 0; i < c->lines && p; i++)
				if ((p = strchr(p, '\n')))
					p++;
			if (p)
				strbuf_setlen(&log, (size_t)(p - log.buf));
		}
		testpmd_socket_note(log.buf, c->sock, &notes);
		if (notes.nr != 1 || strcmp(notes.v[0], c->note))
			fail_msg("%s: %zu notes, '%s', want '%s'", c->name, notes.nr,
				 notes.nr ? notes.v[0] : "", c->note);
		strvec_clear(&notes);
		strbuf_release(&path);
		strbuf_release(&log);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
