/*
 * Where a version's source archive comes from: a local file given with
 * --source, the upstream URL from the catalog, or Debian's orig tarball
 * of the same release (found through apt, fetched with libcurl). The
 * flavour (upstream or debian) selects flavour-specific patches.
 */
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "ark_internal.h"
#include "fs.h"
#include "banned.h"

/* Seconds the auto mode waits for upstream to answer before Debian. */
#define AUTO_CONNECT_TIMEOUT 10L

void source_release(struct source *s)
{
	free(s->url);
	free(s->path);
	free(s->flavour);
	memset(s, 0, sizeof(*s));
}

static int from_file(const struct ark_opts *o, const struct catalog_entry *e,
		     struct source *out)
{
	const char *f = o->source_file;
	const char *base = path_basename(f);
	struct strbuf url = STRBUF_INIT;

	if (!path_exists(f))
		return error("source file '%s' does not exist", f);
	if (!archive_format_from_name(base))
		return error("source file '%s' is not an archive ark can "
			     "unpack (.tar.xz, .tar.bz2, .tar.gz, .tgz, "
			     ".tar.zst, .zip)",
			     f);
	out->path = path_absolute(f);
	if (sha256_file(out->path, out->sha256))
		return -1;
	sb_printf(&url, "file://%s", out->path);
	out->url = strbuf_detach(&url);
	if (o->flavour)
		out->flavour = xstrdup(o->flavour);
	else if (e && e->debian_sha256 &&
		 !strcmp(e->debian_sha256, out->sha256))
		out->flavour = xstrdup("debian");
	else if (e && e->sha256 && !strcmp(e->sha256, out->sha256))
		out->flavour = xstrdup("upstream");
	else if (strstr(base, "+dfsg") || strstr(base, "+ds") ||
		 strstr(base, ".orig.tar."))
		out->flavour = xstrdup("debian");
	else
		out->flavour = xstrdup("upstream");
	return 0;
}

/*
 * With --from auto, a host that could not be reached is not tried again
 * for the other versions of this run: Debian's archive serves them.
 */
static atomic_int upstream_unreachable;

/* 1 when fetch is the auto mode's try before Debian's orig tarball. */
static int from_upstream(const struct ark_opts *o,
			 const struct catalog_entry *e, struct source *out,
			 int fallback)
{
	struct fetch_opts fo = o->fetch;
	struct fetched f;
	const char *name = path_basename(e->url);

	if (!*name || strchr(name, '?'))
		name = "source.archive";
	fo.fallback = fallback;
	if (fallback && fo.connect_timeout > AUTO_CONNECT_TIMEOUT)
		fo.connect_timeout = AUTO_CONNECT_TIMEOUT;
	if (fetch_url(&fo, e->url, name, e->sha256, &f)) {
		if (fallback && f.unreachable)
			atomic_store(&upstream_unreachable, 1);
		return -1;
	}
	out->path = f.path;
	memcpy(out->sha256, f.sha256, sizeof(f.sha256));
	out->url = xstrdup(e->url);
	out->flavour = xstrdup("upstream");
	return 0;
}

static int from_debian(const struct ark_opts *o, const char *app,
		       const struct catalog_entry *e, struct source *out)
{
	char apt_sha[SHA256_HEX_LEN + 1];
	char *url = NULL, *name = NULL, *hit = NULL;
	struct fetched f;
	int ret = -1;

	if (!e->debian)
		return error("the catalog names no Debian source for %s %s "
			     "(add debian=VERSION to its line)",
			     app, e->version);
	/* A pinned, cached orig tarball needs neither apt nor the network. */
	if (e->debian_sha256 &&
	    (hit = fetch_cached(o->cache_dir, e->debian_sha256, NULL)) &&
	    !sha256_file(hit, out->sha256) &&
	    !strcmp(out->sha256, e->debian_sha256)) {
		struct strbuf u = STRBUF_INIT;

		sb_printf(&u, "debian:%s=%s", app, e->debian);
		out->url = strbuf_detach(&u);
		out->path = hit;
		out->flavour = xstrdup(e->sha256 && !strcmp(e->sha256,
							    out->sha256)
					       ? "upstream"
					       : "debian");
		return 0;
	}
	free(hit);
	if (debian_orig_uri(app, e->debian, &url, &name, apt_sha))
		return -1;
	if (e->debian_sha256 && strcmp(e->debian_sha256, apt_sha)) {
		error("Debian's %s %s orig tarball has sha256 %s, but the "
		      "catalog expects %s",
		      app, e->debian, apt_sha, e->debian_sha256);
		goto out;
	}
	if (fetch_url(&o->fetch, url, name, apt_sha, &f))
		goto out;
	out->path = f.path;
	memcpy(out->sha256, f.sha256, sizeof(f.sha256));
	out->url = url;
	url = NULL;
	/* An orig tarball identical to upstream's is the upstream flavour. */
	out->flavour = xstrdup(e->sha256 && !strcmp(e->sha256, out->sha256)
				       ? "upstream"
				       : "debian");
	ret = 0;
out:
	free(url);
	free(name);
	return ret;
}

int source_obtain(const struct ark_opts *o, const char *app,
		  const struct catalog_entry *e, struct source *out)
{
	memset(out, 0, sizeof(*out));
	if (o->source_file)
		return from_file(o, e, out);
	if (!e)
		return error("no catalog entry and no --source file");
	if (!strcmp(o->from, "upstream"))
		return from_upstream(o, e, out, 0);
	if (!strcmp(o->from, "debian"))
		return from_debian(o, app, e, out);
	/* auto: upstream first, then Debian's orig tarball of the release. */
	if (!e->debian)
		return from_upstream(o, e, out, 0);
	if (atomic_load(&upstream_unreachable)) {
		info("%s %s: upstream could not be reached earlier in this run; "
		     "Debian's source package %s", app, e->version, e->debian);
	} else {
		if (!from_upstream(o, e, out, 1))
			return 0;
		source_release(out);
		info("%s %s: trying Debian's source package %s instead", app,
		     e->version, e->debian);
	}
	return from_debian(o, app, e, out);
}
