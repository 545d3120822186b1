/*
 * ark import: register an installation that ark did not build, such as
 * Debian's /usr/bin/qemu-system-x86_64 or the system libvirtd, so that
 * distribution builds join the matrix. Its version comes from the
 * binary's own --version output; its name gets a "-system" label unless
 * --name says otherwise. Removing it later only unregisters it. A QEMU
 * from a build tree (ark_import_build) is named by its hash instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ark.h"
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

/* What an import learns about the binary before it records it. */
struct import {
	const char *app;
	char *abs;		/* the binary, absolute */
	char *ver;		/* from its --version */
	struct strbuf name;	/* the install's name: --name or VER-system */
	char sha[SHA256_HEX_LEN + 1];
	char *bindir, *prefix;	/* its directory and the one above */
	char *pkg;		/* the Debian package that holds it, or NULL */
	struct strbuf url;	/* debian:PKG or file://ABS */
	int build;		/* a build tree's binary (ark_import_build) */
	char now[32];
};

static void import_release(struct import *im)
{
	free(im->abs);
	free(im->ver);
	strbuf_release(&im->name);
	free(im->bindir);
	free(im->prefix);
	free(im->pkg);
	strbuf_release(&im->url);
}

/* The row of known for app; -1 (reported) when ark does not know it. */
static int known_app(const char *app)
{
	for (size_t k = 0; k < ARRAY_SIZE(known); k++)
		if (!strcmp(known[k].app, app))
			return (int)k;
	return error("cannot import '%s': ark knows qemu and libvirt", app);
}

/*
 * Whether there is an executable at abs: 1; 0 when there is none and
 * --if-present says that is fine (told); -1 (reported) otherwise.
 */
static int binary_present(const struct ark_opts *o, const char *app,
			  const char *abs)
{
	if (!access(abs, X_OK))
		return 1;
	if (o->if_present && errno == ENOENT) {
		info("no %s at '%s': nothing to import", app, abs);
		return 0;
	}
	return error_errno("cannot import '%s'", abs);
}

/* The version abs --version prints after marker, malloc'd in *ver. */
static int read_version(const char *abs, const char *marker, char **ver)
{
	struct command cmd;
	struct strbuf esc = STRBUF_INIT;
	int ret = -1;

	command_init(&cmd);
	strvec_push(&cmd.args, abs);
	strvec_push(&cmd.args, "--version");
	cmd.timeout = 30;
	cmd.capture_max = 1 << 16;
	if (command_run_checked(&cmd))
		goto out;
	*ver = version_after(cmd.output.buf, marker);
	if (*ver)
		ret = 0;
	else
		error("cannot import '%s': its --version output has no "
		      "'%s<version>':\n%s",
		      abs, marker,
		      str_printable_lines(&esc, cmd.output.buf, cmd.output.len, 2048));
out:
	strbuf_release(&esc);
	command_release(&cmd);
	return ret;
}

/* The install's name, --name or VERSION-system; -1 (reported) if bad. */
static int choose_name(const struct ark_opts *o, struct import *im)
{
	struct version v;

	if (o->name)
		sb_puts(&im->name, o->name);
	else
		sb_printf(&im->name, "%s-system", im->ver);
	if (version_parse(im->name.buf, &v))
		return error("'%s' is not a version name (expected e.g. "
			     "7.2.22-system)",
			     im->name.buf);
	return 0;
}

/* Its sha256, prefix, package and source url, and the time. */
static int describe(struct import *im)
{
	if (sha256_file(im->abs, im->sha))
		return -1;
	im->bindir = path_dirname(im->abs);
	im->prefix = path_dirname(im->bindir);
	im->pkg = debian_package_of(im->abs);
	if (im->pkg)
		sb_printf(&im->url, "debian:%s", im->pkg);
	else
		sb_printf(&im->url, "file://%s", im->abs);
	now_iso8601(im->now, sizeof(im->now));
	return 0;
}

/* -1 (reported) when app/name is in the store as an ark build. */
static int refuse_build(struct store *st, const char *app, const char *name)
{
	struct install old;
	int built, r = installs_get(st, app, name, &old);

	if (r)
		return r < 0 ? -1 : 0;
	built = !strcmp(old.kind, "built");
	install_release(&old);
	if (built)
		return error("%s %s is an ark build; import it under another "
			     "--name",
			     app, name);
	return 0;
}

/* Puts the install into the store, unless an ark build has its name. */
static int record(const struct ark_opts *o, const struct import *im)
{
	struct store st = { 0 };
	struct install in;
	int ret = -1;

	memset(&in, 0, sizeof(in));
	in.app = (char *)im->app;
	in.version = im->name.buf;
	in.kind = "imported";
	in.prefix = im->prefix;
	in.binary_path = im->abs;
	in.binary_sha256 = (char *)im->sha;
	in.source_url = im->url.buf;
	in.source_flavour = im->pkg ? "debian" : im->build ? "build" : "system";
	in.status = "installed";
	in.installed_at = (char *)im->now;
	if (store_open(&st, o->db_path))
		goto out;
	if (refuse_build(&st, im->app, im->name.buf) || installs_put(&st, &in))
		goto out;
	info("imported %s %s: %s (%s)", im->app, im->name.buf, im->abs,
	     im->pkg ? im->pkg : "not from a package");
	ret = 0;
out:
	store_close(&st);
	return ret;
}

int ark_import(const struct ark_opts *o, const char *app, const char *path)
{
	struct import im = { .app = app, .name = STRBUF_INIT,
			     .url = STRBUF_INIT };
	int k = known_app(app), ret = -1;

	if (k < 0)
		return -1;
	im.abs = path_absolute(path ? path : known[k].default_binary);
	ret = binary_present(o, app, im.abs);
	if (ret <= 0)
		goto out;
	ret = -1;
	if (read_version(im.abs, known[k].marker, &im.ver) ||
	    choose_name(o, &im) || describe(&im) || record(o, &im))
		goto out;
	ret = 0;
out:
	import_release(&im);
	return ret;
}

int ark_import_build(const char *db, const char *path, char **name)
{
	struct import im = { .app = "qemu", .name = STRBUF_INIT, .url = STRBUF_INIT,
			     .build = 1 };
	struct ark_opts o;
	int ret = -1;

	memset(&o, 0, sizeof(o));
	o.db_path = (char *)db;
	im.abs = path_absolute(path);
	if (access(im.abs, X_OK)) {
		error_errno("cannot use the QEMU binary '%s'", im.abs);
		goto out;
	}
	if (read_version(im.abs, known[0].marker, &im.ver) || describe(&im))
		goto out;
	sb_printf(&im.name, "%s-build-%.12s", im.ver, im.sha);
	if (record(&o, &im))
		goto out;
	*name = strbuf_detach(&im.name);
	ret = 0;
out:
	import_release(&im);
	return ret;
}

int ark_import_builds(const char *db, const struct strvec *paths, struct strvec *names)
{
	for (size_t i = 0; i < paths->nr; i++) {
		char *name = NULL;

		if (ark_import_build(db, paths->v[i], &name))
			return -1;
		strvec_push(names, name);
		free(name);
	}
	return 0;
}
