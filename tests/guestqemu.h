#ifndef TESTS_GUESTQEMU_H
#define TESTS_GUESTQEMU_H

/*
 * For the integration tests that take guest views of a real QEMU by hand
 * (matrix/guestview.h), as the guest-view probe does: the boot sector's
 * image in a directory of the test's own (gq_setup/gq_teardown as the
 * group's fixtures), QEMU started with guest_args() and the image, and
 * the view read in the probe's order (the boot sector's results, then
 * the rest). A failure stops QEMU before it fails the test.
 */

#include "testutil.h"
#include "guestprobe.h"
#include "guestview.h"

static char *gq_dir, *gq_image;

static inline int gq_setup(void **state)
{
	(void)state;
	gq_dir = tu_tmpdir("guestqemu");
	gq_image = tu_path(gq_dir, "boot.img");
	return guestcpu_write_image(gq_image);
}

static inline int gq_teardown(void **state)
{
	(void)state;
	free(gq_image);
	tu_rmdir(gq_dir);
	return 0;
}

/* binary with the probe's arguments for machine (the boot disk if img). */
static inline void gq_start(struct qtest *t, const char *binary,
			    const char *machine, const char *img)
{
	struct strvec a = STRVEC_INIT;

	guest_args(machine, NULL, img, &a);
	assert_int_equal(qtest_start(t, binary, machine, (const char *const *)a.v, 20), 0);
	strvec_clear(&a);
}

/* The view of the guest behind t into gv (initialised by the caller). */
static inline void gq_read_view(struct qtest *t, const char *machine,
				struct guestview *gv)
{
	if (guestview_read_cpu(t, machine, 20, gv) ||
	    guestview_read(t, machine, 60, gv)) {
		qtest_stop(t);
		fail_msg("%s: cannot read the guest view", machine);
	}
}

#endif
