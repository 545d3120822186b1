/*
 * Parsing specs/<app>.catalog: which versions of an app exist and where
 * their sources come from. Entries are kept in version order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lineparse.h"
#include "sha256.h"
#include "version.h"
#include "banned.h"

static const char *const formats[] = { "tar.xz", "tar.bz2", "tar.gz",
				       "tgz",	 "tar.zst", "zip" };

const char *archive_format_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char suffix[16];

		snprintf(suffix, sizeof(suffix), ".%s", formats[i]);
		if (ends_with(name, suffix))
			return formats[i];
	}
	return NULL;
}

static int known_format(const char *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(f, formats[i]))
			return 1;
	return 0;
}

static void entry_release(struct catalog_entry *e)
{
	free(e->version);
	free(e->url);
	free(e->sha256);
	free(e->format);
	free(e->debian);
	free(e->debian_sha256);
	memset(e, 0, sizeof(*e));
}

void catalog_release(struct catalog *c)
{
	for (size_t i = 0; i < c->nr; i++)
		entry_release(&c->v[i]);
	free(c->v);
	free(c->app);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

static char *expand_version(const char *tmpl, const char *version)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = tmpl, *hit;

	while ((hit = strstr(p, "${version}"))) {
		if (strbuf_add(&sb, p, (size_t)(hit - p)))
			die("expand_version");
		sb_puts(&sb, version);
		p = hit + strlen("${version}");
	}
	sb_puts(&sb, p);
	return strbuf_detach(&sb);
}

/* Applies one key=value word to e; reports with file:line. */
static int set_key(struct line_iter *it, struct catalog_entry *e,
		   const char *word)
{
	const char *eq = strchr(word, '=');
	char key[32];
	const char *val;
	char **slot;
	size_t klen;

	if (!eq || eq == word)
		return line_error(it, "expected key=value, got '%s'", word);
	klen = (size_t)(eq - word);
	if (klen >= sizeof(key))
		return line_error(it, "unknown key '%.*s'", (int)klen, word);
	memcpy(key, word, klen);
	key[klen] = '\0';
	val = eq + 1;
	if (!strcmp(key, "url"))
		slot = &e->url;
	else if (!strcmp(key, "sha256"))
		slot = &e->sha256;
	else if (!strcmp(key, "format"))
		slot = &e->format;
	else if (!strcmp(key, "debian"))
		slot = &e->debian;
	else if (!strcmp(key, "debian-sha256"))
		slot = &e->debian_sha256;
	else
		return line_error(it,
				  "unknown key '%s'; expected url, sha256, "
				  "format, debian or debian-sha256",
				  key);
	if (!*val)
		return line_error(it, "empty value for '%s'", key);
	if ((slot == &e->sha256 || slot == &e->debian_sha256) &&
	    !sha256_hex_valid(val))
		return line_error(it, "'%s' must be 64 hex digits, got '%s'",
				  key, val);
	if (slot == &e->format && !known_format(val))
		return line_error(it,
				  "unknown format '%s'; expected tar.xz, "
				  "tar.bz2, tar.gz, tgz, tar.zst or zip",
				  val);
	if (slot == &e->url && !strstr(val, "://"))
		return line_error(it, "url '%s' has no scheme (https://...)",
				  val);
	free(*slot);
	*slot = xstrdup(val);
	if (slot == &e->sha256 || slot == &e->debian_sha256)
		for (char *p = *slot; *p; p++)
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct catalog_entry *x = a, *y = b;

	return version_strcmp(x->version, y->version);
}

/* A "default KEY=VALUE..." line into defaults. */
static int parse_defaults(struct line_iter *it, const struct strvec *words,
			  struct catalog_entry *defaults)
{
	for (size_t i = 1; i < words->nr; i++)
		if (set_key(it, defaults, words->v[i]))
			return -1;
	return 0;
}

/* Whether word may start a new entry of c: a version not listed yet. */
static int check_new_version(struct line_iter *it, const struct catalog *c,
			     const char *word)
{
	struct version v;

	if (version_parse(word, &v))
		return line_error(it,
				  "'%s' is not a version (expected e.g. "
				  "7.2.0 or 8.1.0-rc2)",
				  word);
	if (catalog_find(c, word))
		return line_error(it, "version '%s' is listed twice (first "
				      "at line %d)",
				  word, catalog_find(c, word)->line);
	return 0;
}

/*
 * Completes e: url and format from defaults when it has none, ${version}
 * expanded in its url, its format from the url's name when not given.
 */
static int complete_entry(struct line_iter *it,
			  const struct catalog_entry *defaults,
			  struct catalog_entry *e)
{
	char *u;

	if (!e->url && defaults->url)
		e->url = xstrdup(defaults->url);
	if (!e->format && defaults->format)
		e->format = xstrdup(defaults->format);
	if (!e->url)
		return line_error(it, "version '%s' has no url=", e->version);
	u = expand_version(e->url, e->version);
	free(e->url);
	e->url = u;
	if (!e->format) {
		const char *f = archive_format_from_name(e->url);

		if (!f)
			return line_error(it,
					  "cannot tell the archive format of "
					  "'%s'; add format=",
					  e->url);
		e->format = xstrdup(f);
	}
	return 0;
}

/* A "VERSION KEY=VALUE..." line, appended to c. */
static int parse_entry(struct line_iter *it, const struct strvec *words,
		       const struct catalog_entry *defaults, struct catalog *c)
{
	struct catalog_entry e;

	if (check_new_version(it, c, words->v[0]))
		return -1;
	memset(&e, 0, sizeof(e));
	e.version = xstrdup(words->v[0]);
	e.line = it->lineno;
	for (size_t i = 1; i < words->nr; i++)
		if (set_key(it, &e, words->v[i])) {
			entry_release(&e);
			return -1;
		}
	if (complete_entry(it, defaults, &e)) {
		entry_release(&e);
		return -1;
	}
	ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	c->v[c->nr++] = e;
	return 0;
}

int catalog_parse(struct catalog *c, const char *app, const char *path,
		  const char *text)
{
	struct catalog_entry defaults;
	struct strvec words = STRVEC_INIT;
	struct line_iter it;
	int r, ret = -1;

	memset(c, 0, sizeof(*c));
	memset(&defaults, 0, sizeof(defaults));
	c->app = xstrdup(app);
	c->path = xstrdup(path);
	line_iter_init(&it, path, text);
	while ((r = line_iter_next(&it, &words)) == 1) {
		if (!strcmp(words.v[0], "default"))
			r = parse_defaults(&it, &words, &defaults);
		else
			r = parse_entry(&it, &words, &defaults, c);
		if (r)
			goto out;
	}
	if (r < 0)
		goto out;
	sort_array(c->v, c->nr, sizeof(*c->v), cmp_entry);
	ret = 0;
out:
	entry_release(&defaults);
	strvec_clear(&words);
	line_iter_release(&it);
	if (ret)
		catalog_release(c);
	return ret;
}

int catalog_load(struct catalog *c, const char *specs_dir, const char *app)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int ret;

	sb_printf(&path, "%s/%s.catalog", specs_dir, app);
	ret = data_file_read(path.buf, &text);
	if (!ret)
		ret = catalog_parse(c, app, path.buf, text.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

const struct catalog_entry *catalog_find(const struct catalog *c,
					 const char *version)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->v[i].version, version))
			return &c->v[i];
	return NULL;
}
