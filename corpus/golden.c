/*
 * libvirt's golden files once imported (corpus/import.h): the text of a
 * golden .args file as the argv it stands for, for comparison with the
 * argv a QEMU really got, and which golden QEMU version of a domain to
 * compare with when the QEMU at hand is another one. Pure functions of
 * their input.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "version.h"
#include "banned.h"

/*
 * The characters virBufferEscapeShell always quotes, besides whitespace,
 * the backslash and the single quote: outside quotes, a text that holds
 * one is not libvirt's.
 */
static const char shell_specials[] = "!\"#$&()*;<>?[]^`{|}~\r";

/* Where corp_golden_argv_json is in the text. */
struct argv_parse {
	json_object *argv;
	struct strbuf word;
	int in_word; /* a word has begun (it may be '') */
	int name_ok; /* the word so far may be a variable's name */
	int assign;  /* the word is NAME=value with NAME unquoted */
	int command; /* the binary has been seen */
	int vars;    /* variables before it */
	int ended;   /* the line an unquoted newline ended the command on */
};

static void end_word(struct argv_parse *p)
{
	if (!p->in_word)
		return;
	if (!p->command && p->assign) {
		p->vars++;
	} else {
		p->command = 1;
		json_object_array_add(p->argv,
				      json_object_new_string_len(p->word.buf,
								 (int)p->word.len));
	}
	strbuf_reset(&p->word);
	p->in_word = 0;
	p->name_ok = 1;
	p->assign = 0;
}

/* c, unquoted, into the word. */
static void word_char(struct argv_parse *p, char c, int escaped)
{
	if (!p->assign && p->name_ok) {
		if (c == '=' && p->word.len && !escaped)
			p->assign = 1;
		else if (escaped || !(isalnum((unsigned char)c) || c == '_') ||
			 (!p->word.len && isdigit((unsigned char)c)))
			p->name_ok = 0;
	}
	sb_putc(&p->word, c);
	p->in_word = 1;
}

/*
 * The byte text[*i] outside quotes, *i moved past what it took; -1 with
 * why set when the text is not libvirt's there.
 */
static int unquoted(struct argv_parse *p, const char *text, size_t len,
		    size_t *i, int *line, int *quoted, struct strbuf *why)
{
	char c = text[*i];

	if (p->ended && c != ' ' && c != '\t' && c != '\n')
		return sb_printf(why, "line %d: a second command (the first "
				      "ended on line %d)",
				 *line, p->ended),
		       -1;
	(*i)++;
	switch (c) {
	case ' ':
	case '\t':
		end_word(p);
		return 0;
	case '\n':
		end_word(p);
		if (p->command || p->vars)
			p->ended = *line;
		(*line)++;
		return 0;
	case '\'':
		*quoted = 1;
		p->in_word = 1;
		if (!p->assign)
			p->name_ok = 0;
		return 0;
	case '\\':
		if (*i == len)
			return sb_printf(why, "line %d: a backslash at the end "
					      "of the text",
					 *line),
			       -1;
		if (!text[*i])
			return sb_printf(why, "line %d: a NUL byte", *line), -1;
		word_char(p, text[(*i)++], 1);
		return 0;
	default:
		if (c == '\r')
			return sb_printf(why, "line %d: a carriage return outside "
					      "quotes",
					 *line),
			       -1;
		if (strchr(shell_specials, c))
			return sb_printf(why, "line %d: '%c' outside quotes "
					      "(libvirt quotes it)",
					 *line, c),
			       -1;
		word_char(p, c, 0);
		return 0;
	}
}

char *corp_golden_argv_json(const char *text, size_t len, struct strbuf *why)
{
	struct argv_parse p = { .name_ok = 1 };
	int line = 1, qline = 0, quoted = 0;
	char *ret = NULL;
	size_t i = 0;

	if (len > CORP_IMPORT_ENTRY_MAX) {
		sb_printf(why, "the text is larger than %d bytes",
			  CORP_IMPORT_ENTRY_MAX);
		return NULL;
	}
	p.argv = json_object_new_array();
	strbuf_init(&p.word, 0);
	while (i < len) {
		char c = text[i];

		/* libvirt's tests join every backslash-newline, quoted too. */
		if (c == '\\' && i + 1 < len && text[i + 1] == '\n') {
			i += 2;
			line++;
			continue;
		}
		if (!c) {
			sb_printf(why, "line %d: a NUL byte", line);
			goto out;
		}
		if (!quoted) {
			if (unquoted(&p, text, len, &i, &line, &quoted, why))
				goto out;
			if (quoted)
				qline = line;
			continue;
		}
		if (c == '\'')
			quoted = 0;
		else
			sb_putc(&p.word, c);
		line += c == '\n';
		i++;
	}
	if (quoted) {
		sb_printf(why, "line %d: a single quote that is not closed",
			  qline);
		goto out;
	}
	end_word(&p);
	if (!p.command) {
		sb_puts(why, p.vars ? "nothing but environment variables"
				    : "no command");
		goto out;
	}
	ret = xstrdup(json_object_to_json_string_ext(
		p.argv, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(p.argv);
	strbuf_release(&p.word);
	return ret;
}

/* The golden versions seen so far: oldest, newest, nearest not newer than q. */
struct nearest {
	const struct version *q; /* NULL: qemu is no version, newer than all */
	const char *oldest, *newest, *below;
	struct version lo, hi, at;
};

/* s, of version v, into the choice; on a tie the one seen first stays. */
static void nearest_add(struct nearest *p, const char *s,
			const struct version *v)
{
	if (!p->oldest || version_cmp(v, &p->lo) < 0) {
		p->oldest = s;
		p->lo = *v;
	}
	if (!p->newest || version_cmp(v, &p->hi) > 0) {
		p->newest = s;
		p->hi = *v;
	}
	if ((!p->q || version_cmp(v, p->q) <= 0) &&
	    (!p->below || version_cmp(v, &p->at) > 0)) {
		p->below = s;
		p->at = *v;
	}
}

const char *corp_golden_nearest(const char *const *versions, size_t n,
				const char *qemu, const char *latest_version)
{
	struct nearest p = { 0 };
	struct version q, v, lv;
	const char *latest = NULL;
	int lok = latest_version && !version_parse(latest_version, &lv);

	if (qemu && !version_parse(qemu, &q))
		p.q = &q;
	for (size_t i = 0; i < n; i++) {
		if (!versions[i])
			continue;
		if (!strcmp(versions[i], "latest"))
			latest = versions[i];
		else if (!version_parse(versions[i], &v))
			nearest_add(&p, versions[i], &v);
	}
	/* Last: an X.Y.Z of the same version stays the choice. */
	if (latest && lok)
		nearest_add(&p, latest, &lv);
	if (!p.newest)
		return latest;
	if (latest && !lok && (!p.q || version_cmp(&q, &p.hi) > 0))
		return latest;
	return p.below ? p.below : p.oldest;
}
