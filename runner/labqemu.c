/*
 * Which QEMU runs the VF lab (labqemu.h): the private copy `make deps`
 * extracts, else the newest install of the store with igb, virtio-9p-pci
 * and intel-iommu. Whichever it is must say its version (`--version`)
 * before a lab boots on it, so that a copy whose libraries do not
 * resolve fails with the loader's words rather than in a lab.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labqemu.h"
#include "binaries.h"
#include "command.h"
#include "fs.h"
#include "qemuproc.h"
#include "version.h"
#include "banned.h"

static const char *const lab_devices[] = LAB_QEMU_DEVICES;

/* The distribution's BIOS and option ROMs, for the private copy. */
static const char *const distro_firmware[] = { "/usr/share/seabios",
					       "/usr/lib/ipxe/qemu" };

long lab_qemu_pick(const struct lab_qemu_cand *c, size_t n)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (c[i].devices != (int)ARRAY_SIZE(lab_devices) || !c[i].version)
			continue;
		if (best < 0 || version_strcmp(c[i].version, c[best].version) > 0)
			best = (long)i;
	}
	return best;
}

const char *lab_qemu_dir(void)
{
	const char *d = getenv(LAB_QEMU_ENV);

	return d && *d ? d : LAB_QEMU_DIR_DEFAULT;
}

void lab_qemu_release(struct lab_qemu *q)
{
	free(q->binary);
	free(q->version);
	strbuf_release(&q->about);
	strvec_clear(&q->firmware);
	memset(q, 0, sizeof(*q));
}

/* How many of lab_devices the probe record id has; -1 after reporting. */
static int count_devices(struct store *st, long long id)
{
	auto_stmt *q = NULL;
	int n = 0;

	if (store_prepare(st, &q, "SELECT 1 FROM devices WHERE binary = ? AND name = ?"))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(lab_devices); i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, lab_devices[i]);
		n += sqlite3_step(q) == SQLITE_ROW;
	}
	return n;
}

/*
 * The newest install with the lab's devices into q; 1 when there is
 * none, -1 after reporting a store error.
 */
static int from_store(struct store *st, struct lab_qemu *q)
{
	struct binary_install *v = NULL;
	struct lab_qemu_cand *c = NULL;
	size_t n = 0;
	long pick;
	int ret = -1;

	if (binary_qemu_installs(st, &v, &n))
		return -1;
	c = xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		c[i].install = v[i].install;
		c[i].version = v[i].version;
		if (v[i].binary && (c[i].devices = count_devices(st, v[i].binary)) < 0)
			goto out;
	}
	pick = lab_qemu_pick(c, n);
	ret = 1;
	if (pick < 0)
		goto out;
	q->binary = xstrdup(v[pick].binary_path);
	sb_printf(&q->about, "QEMU install %s, the newest of the store with igb, "
			     "virtio-9p-pci and intel-iommu",
		  v[pick].install);
	qemu_firmware_args(&q->firmware);
	ret = 0;
out:
	free(c);
	binary_installs_free(v, n);
	return ret;
}

/* The private copy in dir into q; 1 when there is none. */
static int from_dir(const char *dir, struct lab_qemu *q)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, "%s/usr/bin/qemu-system-x86_64", dir);
	if (access(p.buf, X_OK)) {
		strbuf_release(&p);
		return 1;
	}
	q->binary = strbuf_detach(&p);
	if (!strcmp(dir, LAB_QEMU_DIR_DEFAULT))
		sb_printf(&q->about, "Debian's bookworm-backports build, extracted "
				     "by 'make deps' into %s", dir);
	else
		sb_printf(&q->about, "the copy in $" LAB_QEMU_ENV "=%s", dir);
	strvec_push(&q->firmware, "-L");
	strvec_pushf(&q->firmware, "%s/usr/share/qemu", dir);
	for (size_t i = 0; i < ARRAY_SIZE(distro_firmware); i++)
		if (is_dir(distro_firmware[i])) {
			strvec_push(&q->firmware, "-L");
			strvec_push(&q->firmware, distro_firmware[i]);
		}
	return 0;
}

/* q->binary --version into q->version; -1 with why set when it does not run. */
static int say_version(struct lab_qemu *q, struct strbuf *why)
{
	struct command c;
	const char *v;
	int ret = -1;

	command_init(&c);
	strvec_pushv(&c.args, (const char *const[]){ q->binary, "--version", NULL });
	c.capture_max = 4096;
	c.timeout = 30;
	if (command_run(&c) || !command_succeeded(&c)) {
		struct strbuf how = STRBUF_INIT;

		command_describe(&c, &how);
		sb_printf(why, "the lab VM's QEMU '%s' (%s) does not run: it %s: %s",
			  q->binary, q->about.buf, how.buf,
			  str_tail_lines(c.output.buf, c.output.len, 2));
		strbuf_release(&how);
		goto out;
	}
	v = c.output.buf ? strstr(c.output.buf, "version ") : NULL;
	v = v ? v + 8 : c.output.buf ? c.output.buf : "";
	q->version = xstrndup(v, strcspn(v, "\r\n"));
	ret = 0;
out:
	command_release(&c);
	return ret;
}

int lab_qemu_find(struct store *st, struct lab_qemu *q, struct strbuf *why)
{
	const char *dir = lab_qemu_dir();
	int r;

	memset(q, 0, sizeof(*q));
	strbuf_init(&q->about, 0);
	r = from_dir(dir, q);
	if (r > 0)
		r = from_store(st, q);
	if (r < 0) {
		sb_puts(why, "cannot read the QEMU installs of the store");
		return -1;
	}
	if (r > 0) {
		sb_printf(why, "SR-IOV VFs run in the nested lab VM on a QEMU with "
			       "igb (QEMU >= 8.0), virtio-9p-pci and intel-iommu, and "
			       "this machine has none: no '%s/usr/bin/qemu-system-x86_64' "
			       "($" LAB_QEMU_ENV ", default " LAB_QEMU_DIR_DEFAULT ") "
			       "and no probed QEMU install with all three; 'make deps' "
			       "installs one there (Debian's bookworm-backports QEMU, "
			       "extracted)",
			  dir);
		return 1;
	}
	return say_version(q, why);
}
