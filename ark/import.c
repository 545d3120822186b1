/*
 * ark import: register an installation that ark did not build, such as
 * Debian's /usr/bin/qemu-system-x86_64 or the system libvirtd, so that
 * distribution builds join the matrix. Its version comes from the
 * binary's own --version output; its name gets a "-system" label unless
 * --name says otherwise. Removing it later only unregisters it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ark_internal.h"
#include "command.h"
#include "fs.h"
#include "version.h"
#include "banned.h"

static const struct {
	const char *app;
	const char *default_binary;
	const char *marker; /* text before the version in --version */
} known[] = {
	{ "qemu", "/usr/bin/qemu-system-x86_64", "QEMU emulator version " },
	{ "libvirt", "/usr/sbin/libvirtd", "(libvirt) " },
};

/* The version after marker in out, as a malloc'd string. */
static char *version_after(const char *out, const char *marker)
{
	const char *p = strstr(out, marker);
	size_t n;

	if (!p)
		return NULL;
	p += strlen(marker);
	n = strspn(p, "0123456789.");
	while (n && p[n - 1] == '.')
		n--;
	return n ? xstrndup(p, n) : NULL;
}

/* "qemu-system-x86=1:7.2+dfsg-7+deb12u18" from dpkg, or NULL. */
static char *debian_package_of(const char *path)
{
	struct command cmd;
	struct strbuf out = STRBUF_INIT;
	char *pkg = NULL, *colon;

	command_init(&cmd);
	strvec_pushv(&cmd.args,
		     (const char *const[]){ "dpkg-query", "-S", path, NULL });
	cmd.timeout = 20;
	cmd.capture_max = 1 << 16;
	if (command_run(&cmd) || !command_succeeded(&cmd))
		goto out;
	colon = strchr(cmd.output.buf, ':');
	if (!colon)
		goto out;
	pkg = xstrndup(cmd.output.buf, (size_t)(colon - cmd.output.buf));
	command_release(&cmd);
	command_init(&cmd);
	strvec_pushv(&cmd.args, (const char *const[]){ "dpkg-query", "-W",
						       "-f=${Version}",
						       NULL });
	strvec_push(&cmd.args, pkg);
	cmd.timeout = 20;
	cmd.capture_max = 1 << 16;
	if (command_run(&cmd) || !command_succeeded(&cmd) || !cmd.output.len)
		goto out;
	sb_printf(&out, "%s=%s", pkg, cmd.output.buf);
out:
	free(pkg);
	command_release(&cmd);
	return out.len ? strbuf_detach(&out) : NULL;
}

int ark_import(const struct ark_opts *o, const char *app, const char *path)
{
	struct command cmd;
	struct store st = { 0 };
	struct install in;
	struct strbuf name = STRBUF_INIT, url = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1], now[32];
	char *abs = NULL, *ver = NULL, *prefix = NULL, *bindir = NULL,
	     *pkg = NULL;
	struct version v;
	size_t k;
	int ret = -1;

	for (k = 0; k < ARRAY_SIZE(known); k++)
		if (!strcmp(known[k].app, app))
			break;
	if (k == ARRAY_SIZE(known))
		return error("cannot import '%s': ark knows qemu and libvirt",
			     app);
	if (!path)
		path = known[k].default_binary;
	command_init(&cmd);
	abs = path_absolute(path);
	if (access(abs, X_OK)) {
		if (o->if_present && errno == ENOENT) {
			info("no %s at '%s': nothing to import", app, abs);
			ret = 0;
			goto out;
		}
		error_errno("cannot import '%s'", abs);
		goto out;
	}

	strvec_push(&cmd.args, abs);
	strvec_push(&cmd.args, "--version");
	cmd.timeout = 30;
	cmd.capture_max = 1 << 16;
	if (command_run_checked(&cmd))
		goto out;
	ver = version_after(cmd.output.buf, known[k].marker);
	if (!ver) {
		struct strbuf esc = STRBUF_INIT;

		error("cannot import '%s': its --version output has no "
		      "'%s<version>':\n%s",
		      abs, known[k].marker,
		      str_printable_lines(&esc, cmd.output.buf, cmd.output.len, 2048));
		strbuf_release(&esc);
		goto out;
	}
	if (o->name)
		sb_puts(&name, o->name);
	else
		sb_printf(&name, "%s-system", ver);
	if (version_parse(name.buf, &v)) {
		error("'%s' is not a version name (expected e.g. "
		      "7.2.22-system)",
		      name.buf);
		goto out;
	}
	if (sha256_file(abs, sha))
		goto out;
	bindir = path_dirname(abs);
	prefix = path_dirname(bindir);
	pkg = debian_package_of(abs);
	if (pkg)
		sb_printf(&url, "debian:%s", pkg);
	else
		sb_printf(&url, "file://%s", abs);
	now_iso8601(now, sizeof(now));

	memset(&in, 0, sizeof(in));
	in.app = (char *)app;
	in.version = name.buf;
	in.kind = "imported";
	in.prefix = prefix;
	in.binary_path = abs;
	in.binary_sha256 = sha;
	in.source_url = url.buf;
	in.source_flavour = pkg ? "debian" : "system";
	in.status = "installed";
	in.installed_at = now;
	if (store_open(&st, o->db_path))
		goto out;
	{
		struct install old;
		int r = installs_get(&st, app, name.buf, &old);

		if (r < 0)
			goto out;
		if (r == 0) {
			int built = !strcmp(old.kind, "built");

			install_release(&old);
			if (built) {
				error("%s %s is an ark build; import it under "
				      "another --name",
				      app, name.buf);
				goto out;
			}
		}
	}
	if (installs_put(&st, &in))
		goto out;
	info("imported %s %s: %s (%s)", app, name.buf, abs,
	     pkg ? pkg : "not from a package");
	ret = 0;
out:
	store_close(&st);
	command_release(&cmd);
	strbuf_release(&name);
	strbuf_release(&url);
	free(abs);
	free(ver);
	free(prefix);
	free(bindir);
	free(pkg);
	return ret;
}
