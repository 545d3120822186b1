/*
 * Selecting and applying patch series from patches/<app>/<range>/.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patches.h"
#include "command.h"
#include "fs.h"
#include "lineparse.h"
#include "version.h"
#include "banned.h"

void patch_series_release(struct patch_series *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->v[i].path);
		free(s->v[i].name);
		free(s->v[i].flavour);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int valid_patch_name(const char *n)
{
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)n[i]))
			return 0;
	if (n[4] != '-' || !n[5] || !ends_with(n, ".patch"))
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.+", *p))
			return 0;
	return 1;
}

/*
 * Reads the header of a patch for "Flavour:"; *flavour NULL when absent,
 * and NULL (nothing to free) after an error.
 */
static int read_header(const char *path, const char *text, char **flavour)
{
	const char *p = text;
	int lineno = 0;

	*flavour = NULL;
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *v = NULL;

		lineno++;
		if (!strncmp(p, "--- ", 4) || !strncmp(p, "diff ", 5) ||
		    !strncmp(p, "Index: ", 7))
			break;
		if (!strncasecmp(p, "Flavour:", 8))
			v = p + 8;
		else if (!strncasecmp(p, "Flavor:", 7))
			v = p + 7;
		if (v) {
			const char *end = p + n;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (end > v && (end[-1] == ' ' || end[-1] == '\r'))
				end--;
			free(*flavour);
			*flavour = xstrndup(v, (size_t)(end - v));
			if (strcmp(*flavour, "debian") &&
			    strcmp(*flavour, "upstream")) {
				struct strbuf esc = STRBUF_INIT;

				error("%s:%d: unknown flavour '%s'; expected "
				      "debian or upstream",
				      path, lineno,
				      str_printable(&esc, v, (size_t)(end - v), 100));
				strbuf_release(&esc);
				goto fail;
			}
		}
		p += n;
		if (*p)
			p++;
	}
	if (!strstr(text, "\n--- ") && strncmp(text, "--- ", 4)) {
		error("%s: not a unified diff (no '--- ' line)", path);
		goto fail;
	}
	return 0;
fail:
	free(*flavour);
	*flavour = NULL;
	return -1;
}

static int cmp_patch(const void *a, const void *b)
{
	const struct patch *x = a, *y = b;
	int c = strncmp(path_basename(x->name), path_basename(y->name), 4);

	return c ? c : strcmp(x->name, y->name);
}

static int scan_dir(const char *dir, const char *range_name,
		    const char *flavour, struct patch_series *s)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort), ret = 0;

	if (n < 0)
		return error_errno("cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
		char *fl = NULL;

		if (ret || f[0] == '.' || !strncmp(f, "README", 6))
			goto next;
		path_join(&path, dir, f);
		if (!valid_patch_name(f)) {
			struct strbuf esc = STRBUF_INIT;

			ret = error("%s/%s: patch names must look like "
				    "NNNN-short-name.patch",
				    dir, str_printable(&esc, f, strlen(f), 200));
			strbuf_release(&esc);
			goto next;
		}
		if (data_file_read(path.buf, &text) ||
		    read_header(path.buf, text.buf, &fl)) {
			ret = -1;
			goto next;
		}
		if (fl && flavour && strcmp(fl, flavour)) {
			free(fl);
			goto next;
		}
		ALLOC_GROW(s->v, s->nr + 1, s->alloc);
		s->v[s->nr].path = xstrdup(path.buf);
		{
			struct strbuf name = STRBUF_INIT;

			sb_printf(&name, "%s/%s", range_name, f);
			s->v[s->nr].name = strbuf_detach(&name);
		}
		s->v[s->nr].flavour = fl;
		sha256_hex(text.buf, text.len, s->v[s->nr].sha256);
		s->nr++;
next:
		strbuf_release(&path);
		strbuf_release(&text);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int patches_select(const char *patches_dir, const char *app,
		   const char *version, const char *flavour,
		   struct patch_series *s)
{
	struct strbuf appdir = STRBUF_INIT, sub = STRBUF_INIT, esc = STRBUF_INIT;
	struct dirent **ents = NULL;
	struct version v;
	struct sha256 h;
	int n, ret = 0;

	memset(s, 0, sizeof(*s));
	if (version_parse(version, &v))
		return error("'%s' is not a version", version);
	path_join(&appdir, patches_dir, app);
	n = is_dir(appdir.buf) ? scandir(appdir.buf, &ents, NULL, alphasort)
			       : 0;
	if (n < 0) {
		ret = error_errno("cannot read '%s'", appdir.buf);
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		struct vrange r;

		/* Hidden entries are skipped, but "..6.0" is a range. */
		if (ret || !strcmp(d, ".") || !strcmp(d, "..") ||
		    (d[0] == '.' && d[1] != '.') || !strncmp(d, "README", 6))
			goto next;
		path_join(&sub, appdir.buf, d);
		/* Names from the directory are quoted escaped. */
		str_printable(&esc, d, strlen(d), 200);
		if (!is_dir(sub.buf)) {
			ret = error("%s/%s: expected a directory named after a "
				    "version range",
				    appdir.buf, esc.buf);
			goto next;
		}
		if (vrange_parse(!strcmp(d, "all") ? "*" : d, &r)) {
			ret = error("%s/%s: '%s' is not a version range (expected "
				    "all, 7.2, 7.2.., ..8.0 or 5.2..7.2)",
				    appdir.buf, esc.buf, esc.buf);
			goto next;
		}
		if (vrange_contains(&r, &v) &&
		    scan_dir(sub.buf, d, flavour, s))
			ret = -1;
next:
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&appdir);
	strbuf_release(&sub);
	strbuf_release(&esc);
	if (ret) {
		patch_series_release(s);
		return -1;
	}
	sort_array(s->v, s->nr, sizeof(*s->v), cmp_patch);
	sha256_init(&h);
	for (size_t i = 0; i < s->nr; i++) {
		sha256_update(&h, s->v[i].name, strlen(s->v[i].name) + 1);
		sha256_update(&h, s->v[i].sha256, SHA256_HEX_LEN);
	}
	sha256_final_hex(&h, s->hash);
	return 0;
}

int patches_apply(const struct patch_series *s, const char *srcdir,
		  int log_fd)
{
	for (size_t i = 0; i < s->nr; i++) {
		struct command cmd;
		struct strbuf why = STRBUF_INIT;
		int ok;

		command_init(&cmd);
		strvec_push(&cmd.args, "patch");
		strvec_pushv(&cmd.args,
			     (const char *const[]){ "-p1", "--batch",
						    "--forward",
						    "--no-backup-if-mismatch",
						    "-r", "-", "-i", NULL });
		strvec_push(&cmd.args, s->v[i].path);
		cmd.dir = srcdir;
		cmd.timeout = 120;
		if (command_run(&cmd) && !cmd.timed_out) {
			command_release(&cmd);
			return -1;
		}
		ok = command_succeeded(&cmd);
		if (log_fd >= 0) {
			dprintf(log_fd, "+ patch -p1 < %s\n", s->v[i].path);
			/* The log is best effort. */
			(void)!write(log_fd, cmd.output.buf, cmd.output.len);
		}
		if (!ok) {
			const char *tail = str_tail_lines(cmd.output.buf,
							  cmd.output.len, 10);
			struct strbuf esc = STRBUF_INIT;

			command_describe(&cmd, &why);
			error("patch '%s' does not apply (patch %s):\n%s",
			      s->v[i].name, why.buf,
			      str_printable_lines(&esc, tail,
						  cmd.output.len -
							  (size_t)(tail - cmd.output.buf),
						  2048));
			strbuf_release(&esc);
		}
		strbuf_release(&why);
		command_release(&cmd);
		if (!ok)
			return -1;
	}
	return 0;
}
