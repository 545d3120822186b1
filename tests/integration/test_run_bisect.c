/*
 * A developer's binary: `virt-matrix run --qemu-binary PATH` on Debian's
 * real QEMU (taken as a build tree's binary), and its exit status as
 * `git bisect run` wants it: 0 when the guest passed, 1 when it failed,
 * 125 when the binary cannot be tested. Then a real `git bisect run` over
 * a repository of the test's own whose commits change the scenario, one
 * of them breaking it: git names that commit.
 */
#include "teststore.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static char *dir, *db, *vm;

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir("runbisect");
	db = tu_path(dir, "matrix.db");
	vm = tu_vm_binary();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_store_release(dir, db, vm);
	return 0;
}

/* The plain i440fx VM; expecting another e1000 device id breaks it. */
static const char good_cfg[] =
	"[vm0]\nmachine = machine=pc;\ncpu = number=1;\nmem = size=256;\n"
	"net =\n    type=nic,opt_model=e1000;\n    type=user,opt_vlan=0;\n\n"
	"[expect]\ncpus = count=1\npci = id=8086:100e\nlink = count=1\n";

static void write_cfg(const char *where, const char *name, const char *pci)
{
	struct strbuf t = STRBUF_INIT;
	const char *p = strstr(good_cfg, "8086:100e");

	sb_printf(&t, "%.*s", (int)(p - good_cfg), good_cfg);
	sb_puts(&t, pci);
	sb_puts(&t, p + strlen("8086:100e"));
	tu_write(where, name, t.buf);
	strbuf_release(&t);
}

static void test_exit_codes(void **state)
{
	char *out = NULL, *cfg;

	(void)state;
	if (access(QEMU, X_OK)) {
		fprintf(stderr, "skipped: no Debian QEMU at %s ('make deps' installs it)\n", QEMU);
		skip();
	}
	write_cfg(dir, "e1000.cfg", "8086:100e");
	write_cfg(dir, "e1000-other-id.cfg", "8086:100f");
	cfg = tu_path(dir, "e1000.cfg");
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--qemu-binary", QEMU,
							"--libvirt", "none", "--scenario", cfg,
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    0);
	assert_contains(out, "-build-", "registered by its hash");
	assert_contains(out, "for git bisect: good (1 passed, 0 failed", "good");
	free(out);
	free(cfg);
	/* The same binary again is the same install. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "ark", "list", "qemu", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    0);
	{
		const char *a = strstr(out, "-build-");

		assert_non_null(a);
		assert_null(strstr(a + 1, "-build-"));
	}
	free(out);

	cfg = tu_path(dir, "e1000-other-id.cfg");
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--qemu-binary", QEMU,
							"--libvirt", "none", "--scenario", cfg,
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 600),
		    1);
	assert_contains(out, "for git bisect: bad (0 passed, 1 failed", "bad");
	free(out);

	/* No such binary, and a binary that is no QEMU: cannot test. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--qemu-binary",
							"/nonexistent/qemu-system-x86_64",
							"--libvirt", "none", "--scenario", cfg,
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    125);
	assert_contains(out, "cannot use the QEMU binary '/nonexistent/qemu-system-x86_64'",
			"missing binary");
	free(out);
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--qemu-binary", "/bin/true",
							"--libvirt", "none", "--scenario", cfg,
							NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    125);
	assert_contains(out, "its --version output has no 'QEMU emulator version", "no QEMU");
	free(out);
	/* A usage error stops git bisect: not 125. */
	assert_exit(tu_run(&out, (const char *const[]){ vm, "run", "--qemu-binary", QEMU,
							"--jobs", "none", NULL },
			   (const char *const[]){ "--db", db, NULL }, 60),
		    129);
	free(out);
	free(cfg);
}

/* git -C repo ARGS, as the test's author; its output in *out. */
static int git(char **out, const char *repo, const char *const *args)
{
	return tu_run(out, (const char *const[]){ "git", "-C", repo, "-c", "user.name=test",
						  "-c", "user.email=test@example.org",
						  "-c", "init.defaultBranch=main", NULL },
		      args, 600);
}

static char *commit(const char *repo, const char *msg)
{
	char *out = NULL;

	assert_exit(git(&out, repo, (const char *const[]){ "add", "-A", NULL }), 0);
	free(out);
	assert_exit(git(&out, repo, (const char *const[]){ "commit", "-q", "-m", msg, NULL }),
		    0);
	free(out);
	assert_exit(git(&out, repo, (const char *const[]){ "rev-parse", "HEAD", NULL }), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static void test_git_bisect_run(void **state)
{
	char *repo = tu_path(dir, "repo"), *cfg = tu_path(repo, "scenario.cfg");
	char *out = NULL, *c0, *c1, *c2, *c3, *c4;
	struct strbuf want = STRBUF_INIT;

	(void)state;
	if (access(QEMU, X_OK) || access("/usr/bin/git", X_OK)) {
		fprintf(stderr, "skipped: no Debian QEMU at %s or no git ('make deps' "
				"installs both)\n", QEMU);
		skip();
	}
	assert_int_equal(mkdir(repo, 0755), 0);
	assert_exit(git(&out, repo, (const char *const[]){ "init", "-q", NULL }), 0);
	free(out);
	write_cfg(repo, "scenario.cfg", "8086:100e");
	c0 = commit(repo, "the scenario");
	tu_write(repo, "NOTES", "a note\n");
	c1 = commit(repo, "a note");
	write_cfg(repo, "scenario.cfg", "8086:100f");
	c2 = commit(repo, "expect another device id (the break)");
	tu_write(repo, "NOTES", "a note\nanother\n");
	c3 = commit(repo, "another note");
	tu_write(repo, "NOTES", "a note\nanother\nand a third\n");
	c4 = commit(repo, "a third note");

	assert_exit(git(&out, repo, (const char *const[]){ "bisect", "start", c4, c0, NULL }),
		    0);
	free(out);
	assert_exit(git(&out, repo, (const char *const[]){ "bisect", "run", vm, "run",
							   "--qemu-binary", QEMU, "--libvirt",
							   "none", "--scenario", cfg, "--db",
							   db, NULL }),
		    0);
	sb_printf(&want, "%s is the first bad commit", c2);
	assert_contains(out, want.buf, "git names the break");
	assert_contains(out, "for git bisect: bad", "a bad step");
	assert_contains(out, "for git bisect: good", "a good step");
	free(out);
	assert_exit(git(&out, repo, (const char *const[]){ "bisect", "reset", NULL }), 0);
	free(out);
	strbuf_release(&want);
	free(c0), free(c1), free(c2), free(c3), free(c4);
	free(cfg);
	free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_git_bisect_run),
	};

	tu_test_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
