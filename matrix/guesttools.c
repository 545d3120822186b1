/*
 * The guest view's items that a tool of their field decodes better than
 * we could: ACPI tables with `iasl -d` (DSDT and SSDTs as ASL, the other
 * tables field by field) and the SMBIOS structure table with `dmidecode
 * --from-dump`, the same as Linux users see them. Each tool runs on a
 * copy of the bytes in a private temporary directory, removed however
 * the decoding ends, through lib/command.h with a timeout and a cap on
 * what it prints, from the directory it was found in (the tool_path of
 * struct guest_decode_opts, else $PATH, /usr/sbin, /sbin). What the
 * tools add of their own (banners, dates, file names, hex dumps of what
 * they decoded, checksums that only follow the rest) is dropped so that
 * the text depends on the bytes alone. A tool that cannot decode an item
 * leaves a line saying why and the item's hex dump.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "fs.h"
#include "guestdecode.h"
#include "guestdecoders.h"
#include "banned.h"

#define TOOL_OUTPUT_MAX (64 << 10)
#define DSL_MAX (16 << 20)

/* ---- Finding and running a tool ---- */

static int is_program(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* The tool's absolute path (malloc'd), or NULL reported with its package. */
static char *find_tool(const struct gd_ctx *x, const char *name,
		       const char *package)
{
	struct strbuf dirs = STRBUF_INIT, cand = STRBUF_INIT;
	const char *env = getenv("PATH");

	if (x->tool_path)
		sb_puts(&dirs, x->tool_path);
	else
		sb_printf(&dirs, "%s:/usr/sbin:/sbin",
			  env ? env : CMD_DEFAULT_PATH);
	for (const char *d = dirs.buf; *d;) {
		size_t n = strcspn(d, ":");

		strbuf_reset(&cand);
		sb_printf(&cand, "%.*s/%s", (int)n, d, name);
		if (*d == '/' && is_program(cand.buf)) {
			strbuf_release(&dirs);
			return strbuf_detach(&cand);
		}
		d += n + (d[n] == ':');
	}
	strbuf_release(&dirs);
	strbuf_release(&cand);
	error("%s not found: install %s", name, package);
	return NULL;
}

static char *make_workdir(void)
{
	char *dir = temp_template("decode");

	if (!mkdtemp(dir)) {
		error_errno("cannot create a directory '%s' to decode in", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static void drop_workdir(char *dir)
{
	if (dir && remove_tree(dir))
		warning("cannot remove '%s'", dir);
	free(dir);
}

static int write_in(const char *dir, const char *file, const void *data,
		    size_t len)
{
	struct strbuf path = STRBUF_INIT;
	int ret;

	path_join(&path, dir, file);
	ret = write_file_replace(path.buf, data, len, 0);
	strbuf_release(&path);
	return ret;
}

/*
 * Runs argv in dir, output captured. 0 when the tool ran to its end,
 * whatever its status; -1 reported when it could not start, timed out
 * or virt-matrix was interrupted.
 */
static int run_tool(const struct gd_ctx *x, const char *const *argv,
		    const char *dir, struct command *cmd)
{
	strvec_pushv(&cmd->args, argv);
	cmd->dir = dir;
	cmd->timeout = x->timeout;
	cmd->capture_max = TOOL_OUTPUT_MAX;
	if (command_start(cmd))
		return -1;
	if (command_wait(cmd, cmd->timeout)) {
		struct strbuf why = STRBUF_INIT;

		command_describe(cmd, &why);
		error("'%s' on '%s' %s", path_basename(argv[0]), x->it->name,
		      why.buf);
		strbuf_release(&why);
		return -1;
	}
	return 0;
}

/* iasl's banner, which stdio may put anywhere among its messages. */
static const char *const iasl_banner[] = {
	"Intel ACPI Component Architecture",
	"ASL+ Optimizing Compiler/Disassembler version",
	"Copyright (c)",
	NULL,
};

static int starts_with_any(const char *line, size_t len,
			   const char *const *prefixes)
{
	for (size_t i = 0; prefixes && prefixes[i]; i++)
		if (len >= strlen(prefixes[i]) &&
		    !memcmp(line, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/*
 * The last line of text that is neither empty nor one of the tool's own
 * (skip: prefixes, NULL-terminated): why the tool gave up.
 */
static void last_line(struct strbuf *out, const char *text,
		      const char *const *skip)
{
	const char *last = NULL;
	size_t last_len = 0;

	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n"), m = n;

		while (m && (line[m - 1] == ' ' || line[m - 1] == '\r'))
			m--;
		if (m && !starts_with_any(line, m, skip)) {
			last = line;
			last_len = m;
		}
		line += n + (line[n] == '\n');
	}
	if (last)
		gd_escaped(out, (const unsigned char *)last, last_len);
	else
		sb_puts(out, "it said nothing");
}

/* The tool could not decode the item: why, then its bytes. */
static void fallback(const struct gd_ctx *x, const char *tool,
		     const struct command *cmd, const char *said,
		     const char *const *skip)
{
	struct strbuf why = STRBUF_INIT;

	command_describe(cmd, &why);
	sb_printf(x->out, "%s could not decode this (%s): ", tool, why.buf);
	last_line(x->out, said, skip);
	sb_puts(x->out, "\n");
	guest_decode_hex(x->it->data, x->it->len, x->out);
	strbuf_release(&why);
}

/* Appends line[0..len) with its trailing blanks cut, and a newline. */
static void put_line(struct strbuf *out, const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
		       line[len - 1] == '\r'))
		len--;
	sb_printf(out, "%.*s\n", (int)len, line);
}

/* ---- ACPI: iasl -d ---- */

struct dsl_state {
	int banner;   /* 1 inside iasl's opening comment */
	int header;   /* 1 once its "Original Table Header:" began */
	int fields;   /* a data table: "[off dec len] Name : Value" lines */
	int keep_raw; /* iasl could not decode the body: keep its hex */
	int raw;      /* inside "Raw Table Data" */
	int blank;    /* the last line put was empty */
	int started;  /* a line was put */
};

/* The field name of "Name : Value" (trimmed) ends in "Checksum". */
static int checksum_field(const char *line, size_t len)
{
	const char *colon = memmem(line, len, " : ", 3);
	size_t n;

	if (!colon)
		return 0;
	n = (size_t)(colon - line);
	while (n && line[n - 1] == ' ')
		n--;
	return n >= 8 && !memcmp(line + n - 8, "Checksum", 8);
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* One line of the table, once past iasl's banner. */
static void dsl_body_line(struct dsl_state *s, const char *line, size_t len,
			  struct strbuf *out)
{
	const char *end = line + len, *p = skip_blanks(line, end);
	static const char defblock[] = "DefinitionBlock (\"";

	if (len >= 15 && !memcmp(line, "Raw Table Data:", 15))
		s->raw = 1;
	if (s->raw && !s->keep_raw)
		return;
	if (*line == '[' && memchr(line, ']', len) && !s->raw) {
		s->fields = 1;
		p = skip_blanks(memchr(line, ']', len) + 1, end);
		if (checksum_field(p, (size_t)(end - p)))
			return;
		put_line(out, p, (size_t)(end - p));
	} else if (s->fields && p > line && p < end && !s->raw) {
		/* A decoded bit of the field above. */
		sb_puts(out, "  ");
		put_line(out, p, (size_t)(end - p));
	} else if (len >= strlen(defblock) &&
		   !memcmp(line, defblock, strlen(defblock)) &&
		   memchr(line + strlen(defblock), '"',
			  len - strlen(defblock))) {
		const char *q = memchr(line + strlen(defblock), '"',
				       len - strlen(defblock));

		sb_puts(out, "DefinitionBlock (\"");
		put_line(out, q, (size_t)(end - q));
	} else {
		put_line(out, line, len);
	}
	s->started = 1;
}

static void dsl_line(struct dsl_state *s, const char *line, size_t len,
		     struct strbuf *out)
{
	const char *p = skip_blanks(line, line + len);
	int blank = p == line + len;

	if (!s->started && !s->banner && blank)
		return;
	if (!s->started && !s->banner && len >= 2 && !memcmp(line, "/*", 2)) {
		s->banner = 1;
		return;
	}
	if (s->banner) {
		if (len >= 3 && !memcmp(line, " */", 3)) {
			s->banner = 0;
			if (s->header)
				put_line(out, line, len);
		} else if (memmem(line, len, "Original Table Header:", 22)) {
			s->header = 1;
			sb_puts(out, "/*\n");
			put_line(out, line, len);
		} else if (s->header && !memmem(line, len, " Checksum ", 10)) {
			put_line(out, line, len);
		}
		return;
	}
	if (blank && (s->blank || !s->started))
		return;
	s->blank = blank;
	dsl_body_line(s, line, len, out);
}

/*
 * What iasl -d wrote, without iasl's banner (version, copyright, file
 * name, date), checksums, data tables' offsets ("[024h 0036   4]": a
 * field's place follows from the fields before it, and without it a
 * sub-table added moves no other line) and the hex dump of what it
 * decoded (kept when it said it could not: "**** Unknown ACPI table").
 */
static void acpi_clean(const char *dsl, struct strbuf *out)
{
	struct dsl_state s = { 0 };
	size_t start = out->len;

	s.keep_raw = strstr(dsl, "\n**** ") != NULL;
	for (const char *line = dsl; *line;) {
		size_t n = strcspn(line, "\n");

		dsl_line(&s, line, n, out);
		line += n + (line[n] == '\n');
	}
	while (out->len > start + 1 && out->buf[out->len - 1] == '\n' &&
	       out->buf[out->len - 2] == '\n')
		strbuf_setlen(out, out->len - 1);
}

/* Runs iasl in dir on table.dat; 0 with the text or a fallback in x->out. */
static int iasl_decode(struct gd_ctx *x, const char *iasl, const char *dir)
{
	const char *argv[] = { iasl, "-d", "table.dat", NULL };
	struct command cmd;
	struct strbuf dsl = STRBUF_INIT, path = STRBUF_INIT;
	int ret = -1;

	command_init(&cmd);
	if (run_tool(x, argv, dir, &cmd))
		goto out;
	path_join(&path, dir, "table.dsl");
	if (!command_succeeded(&cmd) || !path_exists(path.buf)) {
		fallback(x, "iasl", &cmd, cmd.output.buf, iasl_banner);
		ret = 0;
		goto out;
	}
	if (strbuf_read_file(&dsl, path.buf, DSL_MAX))
		goto out;
	acpi_clean(dsl.buf, x->out);
	ret = 0;
out:
	strbuf_release(&dsl);
	strbuf_release(&path);
	command_release(&cmd);
	return ret;
}

int gd_decode_acpi(struct gd_ctx *x)
{
	char *iasl = find_tool(x, "iasl", "acpica-tools");
	char *dir = NULL;
	unsigned char *copy = NULL;
	int ret = -1;

	if (!iasl || !(dir = make_workdir()))
		goto out;
	/*
	 * The checksum only follows the rest: zeroed, it cannot show in a
	 * hex dump iasl keeps. The FACS has none (byte 9 is its hardware
	 * signature's).
	 */
	copy = xmalloc(x->it->len ? x->it->len : 1);
	memcpy(copy, x->it->data, x->it->len);
	if (x->it->len > 9 && memcmp(copy, "FACS", 4))
		copy[9] = 0;
	if (write_in(dir, "table.dat", copy, x->it->len))
		goto out;
	ret = iasl_decode(x, iasl, dir);
out:
	drop_workdir(dir);
	free(copy);
	free(iasl);
	return ret;
}

/* ---- SMBIOS: dmidecode --from-dump ---- */

static void put_le(unsigned char *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/*
 * The entry point as dmidecode --dump-bin writes it, into img[0..32):
 * the table at 0x20, checksums made good. 0, or -1 when entry is no
 * entry point to use (img is then left alone).
 */
static int smbios_entry_image(const struct gv_item *entry, unsigned char *img)
{
	const unsigned char *p = entry ? entry->data : NULL;
	size_t len = entry ? entry->len : 0;

	if (len >= 24 && !memcmp(p, "_SM3_", 5) && p[6] >= 24 && p[6] <= 32 &&
	    p[6] <= len) {
		memcpy(img, p, p[6]);
		put_le(img + 16, 32, 8);
		img[5] = 0;
		img[5] = (unsigned char)-gv_sum(img, p[6]);
		return 0;
	}
	if (len >= 31 && !memcmp(p, "_SM_", 4) && p[5] >= 31 && p[5] <= 32 &&
	    p[5] <= len) {
		memcpy(img, p, p[5]);
		put_le(img + 24, 32, 4);
		img[21] = 0;
		img[21] = (unsigned char)-gv_sum(img + 16, 15);
		img[4] = 0;
		img[4] = (unsigned char)-gv_sum(img, p[5]);
		return 0;
	}
	return -1;
}

/* An SMBIOS 3.0 entry point for a table of len bytes at 0x20. */
static void smbios_made_up_entry(unsigned char *img, size_t len)
{
	memcpy(img, "_SM3_", 5);
	img[6] = 24;
	img[7] = 3;
	img[10] = 1;
	put_le(img + 12, len > UINT32_MAX ? UINT32_MAX : len, 4);
	put_le(img + 16, 32, 8);
	img[5] = (unsigned char)-gv_sum(img, 24);
}

/*
 * dmidecode's text without its own lines: its version, the file it read,
 * where it looked.
 */
static void smbios_clean(const char *text, struct strbuf *out)
{
	static const char *const own[] = {
		"# ",
		"Reading SMBIOS/DMI data from file",
		"Scanning ",
		"Table at ",
		"Getting SMBIOS data from sysfs",
		"Found SMBIOS entry point in",
		"SMBIOS entry point at",
		NULL,
	};
	size_t start = out->len;

	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");

		if (!starts_with_any(line, n, own) &&
		    !(n == 0 && out->len == start))
			put_line(out, line, n);
		line += n + (line[n] == '\n');
	}
	while (out->len > start + 1 && out->buf[out->len - 1] == '\n' &&
	       out->buf[out->len - 2] == '\n')
		strbuf_setlen(out, out->len - 1);
}

/* Runs dmidecode in dir on smbios.bin; note (or NULL) goes first. */
static int dmidecode_run(struct gd_ctx *x, const char *dmidecode,
			 const char *dir, const char *note)
{
	const char *argv[] = { dmidecode, "--from-dump", "smbios.bin", NULL };
	struct command cmd;
	struct strbuf text = STRBUF_INIT;
	int ret = -1;

	command_init(&cmd);
	if (run_tool(x, argv, dir, &cmd))
		goto out;
	smbios_clean(cmd.output.buf, &text);
	if (note)
		sb_printf(x->out, "%s\n", note);
	if (command_succeeded(&cmd))
		sb_puts(x->out, text.buf);
	else
		fallback(x, "dmidecode", &cmd, text.buf, NULL);
	ret = 0;
out:
	strbuf_release(&text);
	command_release(&cmd);
	return ret;
}

int gd_decode_smbios_table(struct gd_ctx *x)
{
	char *dmidecode = find_tool(x, "dmidecode", "dmidecode");
	size_t len = 32 + x->it->len;
	unsigned char *img = xcalloc(1, len);
	const char *note = NULL;
	char *dir = NULL;
	int ret = -1;

	if (!dmidecode || !(dir = make_workdir()))
		goto out;
	if (smbios_entry_image(guestview_find(x->gv, "smbios/entry"), img)) {
		note = "no usable smbios/entry: decoded with an SMBIOS 3.0 "
		       "entry point";
		smbios_made_up_entry(img, x->it->len);
	}
	memcpy(img + 32, x->it->data, x->it->len);
	if (write_in(dir, "smbios.bin", img, len))
		goto out;
	ret = dmidecode_run(x, dmidecode, dir, note);
out:
	drop_workdir(dir);
	free(img);
	free(dmidecode);
	return ret;
}
