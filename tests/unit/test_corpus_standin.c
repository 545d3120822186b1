/*
 * Stand-ins for libvirt's test domains (corpus/standin.c): which needs
 * fit a set, clash with it or can never be met, and what making a set
 * leaves where: images of the named format, a loop block device, the
 * overlays the supervisor is asked for, files under a daemon's private
 * binds. Runs as root (loop devices, /run/virt-matrix), as make check
 * does.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "standin.h"

/* A one-need list. */
static void need(struct corp_needs *n, enum corp_res_kind kind, const char *what,
		 const char *disk_type, const char *format)
{
	struct corp_res *r;

	n->v = xrealloc(n->v, (n->n + 1) * sizeof(*n->v));
	r = &n->v[n->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->what = xstrdup(what);
	r->disk_type = disk_type ? xstrdup(disk_type) : NULL;
	r->format = format ? xstrdup(format) : NULL;
	r->where = xstrdup("disk vda");
}

static enum corp_fit fit1(struct corp_standins *s, enum corp_res_kind kind,
			  const char *what, const char *disk_type, const char *format,
			  struct strvec *ad, struct strbuf *why)
{
	struct corp_needs n = CORP_NEEDS_INIT;
	enum corp_fit f;

	need(&n, kind, what, disk_type, format);
	strvec_clear(ad);
	strbuf_reset(why);
	f = corp_standins_fit(s, &n, ad, why);
	corp_needs_release(&n);
	return f;
}

/* The first bytes of a file, for its image format. */
static void head4(const char *path, char out[5])
{
	int fd = open(path, O_RDONLY);

	memset(out, 0, 5);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, out, 4), 4);
	close(fd);
}

static void test_fit_rules(void **state)
{
	struct corp_standins s;
	struct strvec ad = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, p = STRBUF_INIT;
	char *dir = tu_tmpdir("standin");

	(void)state;
	assert_int_equal(corp_standins_init(&s, NULL), 0);
	sb_printf(&p, "%s/images/a.img", dir);

	/* Missing: a stand-in, described. */
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "file", NULL, &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(s.n, 1);
	assert_int_equal(ad.nr, 1);
	assert_non_null(strstr(ad.v[0], "a regular file with an empty 1G image, read as raw"));
	/* The same path as qcow2: the stand-in becomes qcow2 (raw reads it). */
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "file", "qcow2", &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].format, "qcow2");
	/* A third format there, or a block device there: another set. */
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "file", "vmdk", &ad, &why),
			 CORP_FIT_CONFLICT);
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "block", "raw", &ad, &why),
			 CORP_FIT_CONFLICT);
	/* A directory below a file stand-in cannot be. */
	strbuf_reset(&p);
	sb_printf(&p, "%s/images/a.img/sub", dir);
	assert_int_equal(fit1(&s, CORP_RES_DIR, p.buf, NULL, NULL, &ad, &why),
			 CORP_FIT_CONFLICT);
	assert_int_equal(s.n, 1);

	/* What the host has is used as it is; of the wrong kind, never. */
	assert_int_equal(fit1(&s, CORP_RES_DISK, "/etc/hostname", "file", "raw", &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(ad.nr, 0);
	assert_int_equal(fit1(&s, CORP_RES_DISK, "/etc", "block", NULL, &ad, &why),
			 CORP_FIT_NEVER);
	assert_non_null(strstr(why.buf, "'/etc' (disk vda) is not what the domain needs"));

	/* No stand-in: a directory at the root the host lacks, a network,
	 * a format qemu-img does not make, a relative path. */
	assert_int_equal(fit1(&s, CORP_RES_DISK, "/vm-no-such-top/guest.img", "file",
			      NULL, &ad, &why),
			 CORP_FIT_NEVER);
	assert_non_null(strstr(why.buf, "top-level directory this host lacks"));
	assert_int_equal(fit1(&s, CORP_RES_NETWORK, "default", NULL, NULL, &ad, &why),
			 CORP_FIT_NEVER);
	assert_string_equal(why.buf, "needs the libvirt network 'default' (disk vda)");
	strbuf_reset(&p);
	sb_printf(&p, "%s/b.cow", dir);
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "file", "cow", &ad, &why),
			 CORP_FIT_NEVER);
	assert_non_null(strstr(why.buf, "no stand-in for a 'cow' disk image"));
	assert_int_equal(fit1(&s, CORP_RES_DISK, "images/x.img", "file", NULL, &ad, &why),
			 CORP_FIT_NEVER);
	assert_non_null(strstr(why.buf, "is not a clean absolute path"));
	assert_int_equal(fit1(&s, CORP_RES_DISK, "/run/virt-matrix/standins/x/y.img",
			      "file", NULL, &ad, &why),
			 CORP_FIT_NEVER);
	assert_int_equal(s.n, 1);

	/* Host CPUs and NUMA nodes: there or not, as sysfs says. */
	assert_int_equal(fit1(&s, CORP_RES_OTHER, "host CPUs 0,^1", NULL, NULL, &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(fit1(&s, CORP_RES_OTHER, "host CPUs 0-4095", NULL, NULL, &ad,
			      &why),
			 CORP_FIT_NEVER);
	assert_string_equal(why.buf, "needs host CPUs 0-4095 (disk vda)");
	assert_int_equal(fit1(&s, CORP_RES_OTHER, "host NUMA nodes 0", NULL, NULL, &ad,
			      &why),
			 path_exists("/sys/devices/system/node/node0") ? CORP_FIT_YES
								       : CORP_FIT_NEVER);
	assert_int_equal(fit1(&s, CORP_RES_OTHER, "host CPUs 1-x", NULL, NULL, &ad, &why),
			 CORP_FIT_NEVER);
	/* Memory touched at start: within a domain's share of what is free. */
	assert_int_equal(fit1(&s, CORP_RES_OTHER, "preallocated guest memory of 214 MiB",
			      NULL, NULL, &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(fit1(&s, CORP_RES_OTHER,
			      "preallocated guest memory of 1073741824 MiB", NULL, NULL,
			      &ad, &why),
			 CORP_FIT_NEVER);
	assert_non_null(strstr(why.buf, "needs preallocated guest memory of 1073741824 "
					"MiB (disk vda), more than the "));

	corp_standins_release(&s);
	strvec_clear(&ad);
	strbuf_release(&why);
	strbuf_release(&p);
	tu_rmdir(dir);
}

/* All of a domain's needs fit, or none is taken. */
static void test_fit_all_or_nothing(void **state)
{
	struct corp_standins s;
	struct corp_needs n = CORP_NEEDS_INIT;
	struct strvec ad = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, a = STRBUF_INIT;
	char *dir = tu_tmpdir("standin");

	(void)state;
	assert_int_equal(corp_standins_init(&s, NULL), 0);
	sb_printf(&a, "%s/one.img", dir);
	need(&n, CORP_RES_DISK, a.buf, "file", "raw");
	need(&n, CORP_RES_SECRET, "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f", NULL, NULL);
	need(&n, CORP_RES_HOSTDEV, "pci 0000:06:12.5", NULL, NULL);
	assert_int_equal(corp_standins_fit(&s, &n, &ad, &why), CORP_FIT_NEVER);
	assert_int_equal(s.n, 0);
	assert_int_equal(ad.nr, 0);
	/* Every unmet need is named, in order. */
	assert_string_equal(why.buf,
			    "needs the libvirt secret '0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f' "
			    "(disk vda); needs the host device pci 0000:06:12.5 (disk vda)");
	corp_standins_release(&s);
	corp_needs_release(&n);
	strvec_clear(&ad);
	strbuf_release(&why);
	strbuf_release(&a);
	tu_rmdir(dir);
}

/*
 * Made: an image in the overlay over the deepest directory the host has,
 * a qcow2 one under a private bind, a loop block device with its node.
 */
static void test_make_and_release(void **state)
{
	struct corp_standins s;
	struct strvec binds = STRVEC_INIT, ns = STRVEC_INIT, ad = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, p = STRBUF_INIT, q = STRBUF_INIT,
		      src = STRBUF_INIT;
	char *dir = tu_tmpdir("standin"), hdr[5], *tree;
	struct stat st;
	int loop;

	(void)state;
	sb_printf(&src, "%s/private-lib", dir);
	assert_int_equal(mkdir(src.buf, 0755), 0);
	strvec_push(&binds, src.buf);
	strvec_push(&binds, "/var/lib/vm-test-bound");
	assert_int_equal(corp_standins_init(&s, &binds), 0);
	sb_printf(&p, "%s/new/dir/raw.img", dir);
	assert_int_equal(fit1(&s, CORP_RES_DISK, p.buf, "file", NULL, &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(fit1(&s, CORP_RES_DISK, "/var/lib/vm-test-bound/images/q.qcow2",
			      "file", "qcow2", &ad, &why),
			 CORP_FIT_YES);
	sb_printf(&q, "%s/dev/HostVG/QEMUGuest1", dir);
	assert_int_equal(fit1(&s, CORP_RES_DISK, q.buf, "block", NULL, &ad, &why),
			 CORP_FIT_YES);
	assert_int_equal(s.n, 3);
	assert_int_equal(corp_standins_make(&s, &ns), 0);

	/* One overlay, over the test's directory (the deepest the host has). */
	assert_int_equal(ns.nr, 4);
	assert_string_equal(ns.v[0], "--overlay");
	assert_string_equal(ns.v[1], dir);
	tree = xstrdup(s.tree);
	strbuf_reset(&why);
	sb_printf(&why, "%s/upper/0", tree);
	assert_string_equal(ns.v[2], why.buf);
	strbuf_reset(&why);
	sb_printf(&why, "%s/upper/0/new/dir/raw.img", tree);
	assert_string_equal(s.v[0].where, why.buf);
	assert_int_equal(stat(why.buf, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 1L << 30);
	assert_true(st.st_blocks < 64); /* sparse */
	/* Under the bind: in its source, a qcow2 image. */
	strbuf_reset(&why);
	sb_printf(&why, "%s/images/q.qcow2", src.buf);
	assert_string_equal(s.v[1].where, why.buf);
	head4(why.buf, hdr);
	assert_memory_equal(hdr, "QFI\xfb", 4);
	/* The block device: a node for a loop device over the image. */
	assert_int_equal(stat(s.v[2].where, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	loop = s.v[2].loop;
	assert_true(loop >= 0);
	strbuf_reset(&why);
	sb_printf(&why, "/sys/block/loop%d/loop/backing_file", loop);
	assert_true(path_exists(why.buf));

	corp_standins_release(&s);
	assert_false(path_exists(tree));
	/* The loop device let go of its image. */
	assert_false(path_exists(why.buf));
	free(tree);
	strvec_clear(&binds);
	strvec_clear(&ns);
	strvec_clear(&ad);
	strbuf_release(&why);
	strbuf_release(&p);
	strbuf_release(&q);
	strbuf_release(&src);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_rules),
		cmocka_unit_test(test_fit_all_or_nothing),
		cmocka_unit_test(test_make_and_release),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
