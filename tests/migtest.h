#ifndef TESTS_MIGTEST_H
#define TESTS_MIGTEST_H

/*
 * For the migration tests on real QEMUs: a store with Debian's QEMU
 * 7.2.22 and the 7.2.0 that test_real_builds built (built here when it
 * is missing), and the guest's proof in a row's checks.
 */

#include "teststore.h"

/*
 * A Debian store (teststore.h) with TU_REAL_QEMU imported as "7.2.0":
 * 0, or -1 having said why (for a group setup).
 */
static inline int tu_store_with_real_qemu(const char *tag, char **dir, char **db,
					  char **vm)
{
	char *out = NULL;
	int rc;

	if (!path_exists(TU_REAL_QEMU)) {
		print_message("no %s (test_real_builds leaves it): building it\n",
			      TU_REAL_QEMU);
		tu_real_builds_reset();
		tu_real_build(tu_vm_binary(), "qemu", "7.2.0");
	}
	tu_store_with_debian_qemu(tag, dir, db, vm);
	rc = tu_run(&out, (const char *const[]){ *vm, "ark", "import", "qemu", TU_REAL_QEMU,
						 "--name", "7.2.0", NULL },
		    (const char *const[]){ "--db", *db, NULL }, 60);
	if (rc)
		print_message("cannot import %s: %s\n", TU_REAL_QEMU, out ? out : "");
	free(out);
	return rc ? -1 : 0;
}

/* The guest's six proofs on the destination in checks, every one passed. */
static inline void tu_assert_proven(const char *checks, const char *what)
{
	static const char *const kinds[] = { "memory", "dirty", "disk", "virtio-net",
					     "e1000e", "console" };
	struct strbuf c = STRBUF_INIT;

	if (!checks)
		fail_msg("%s: no checks", what);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		strbuf_reset(&c);
		sb_printf(&c, "\"n\":%zu,\"kind\":\"%s\",\"pass\":true", i + 1, kinds[i]);
		assert_contains(checks, c.buf, what);
	}
	assert_contains(checks, "8 MiB pattern in RAM against its md5", what);
	assert_contains(checks, "chunks against their md5 wrong", what);
	assert_contains(checks, "\"kind\":\"e1000e\",\"pass\":true,\"detail\":\"echo to "
				"10.0.2.2 on eth", what);
	strbuf_release(&c);
}

#endif
