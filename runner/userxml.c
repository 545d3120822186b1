/*
 * A user's own libvirt domain XML as a scenario (see userxml.h). The
 * document is walked tag by tag (comments, CDATA, processing
 * instructions and declarations skipped; attribute values may hold '>')
 * only to find the few places that change; every other byte is passed
 * to libvirt exactly as the user wrote it, so that libvirt, not
 * virt-matrix, judges the domain.
 */
#include <stdlib.h>
#include <string.h>

#include "userxml.h"
#include "domxml.h"
#include "banned.h"

struct edit {
	size_t start, end; /* bytes [start, end) are replaced */
	char *text;
};

struct walk {
	const char *x;
	size_t len;
	/* Found positions; (size_t)-1 when absent. */
	size_t root_tag_end;		  /* just after the root start tag */
	size_t type_start, type_end;	  /* the root's type attribute value */
	size_t name_start, name_end;	  /* content of /domain/name */
	size_t uuid_start, uuid_end;	  /* the whole /domain/uuid element */
	size_t devices_start, devices_end; /* the /domain/devices start tag */
	int devices_empty;		  /* <devices/> */
	size_t emu_start, emu_end;	  /* content of /domain/devices/emulator */
	size_t root_close;		  /* start of </domain> */
	size_t ns_start, ns_end;	  /* the root's xmlns:qemu value */
};

#define NONE ((size_t)-1)

static const char *find_from(const struct walk *w, size_t at, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = at; i + n <= w->len; i++)
		if (!memcmp(w->x + i, s, n))
			return w->x + i;
	return NULL;
}

/* The value span of attribute attr inside the start tag [from, to). */
static void attr_span(const struct walk *w, size_t from, size_t to, const char *attr,
		      size_t *vs, size_t *ve)
{
	size_t n = strlen(attr);

	*vs = *ve = NONE;
	for (size_t i = from; i + n + 2 < to; i++) {
		char q;

		if (w->x[i] == '"' || w->x[i] == '\'') {
			/* skip other attributes' values */
			const char *e = memchr(w->x + i + 1, w->x[i], to - i - 1);

			if (!e)
				return;
			i = (size_t)(e - w->x);
			continue;
		}
		if ((w->x[i - 1] != ' ' && w->x[i - 1] != '\t' && w->x[i - 1] != '\n' &&
		     w->x[i - 1] != '\r') ||
		    memcmp(w->x + i, attr, n))
			continue;
		i += n;
		while (i < to && (w->x[i] == ' ' || w->x[i] == '\t' || w->x[i] == '\n'))
			i++;
		if (i >= to || w->x[i] != '=')
			continue;
		i++;
		while (i < to && (w->x[i] == ' ' || w->x[i] == '\t' || w->x[i] == '\n'))
			i++;
		if (i >= to || (w->x[i] != '"' && w->x[i] != '\''))
			return;
		q = w->x[i];
		for (size_t k = i + 1; k < to; k++)
			if (w->x[k] == q) {
				*vs = i + 1;
				*ve = k;
				return;
			}
		return;
	}
}

/* The 1-based line of byte at, for messages. */
static size_t line_of(const struct walk *w, size_t at)
{
	size_t line = 1;

	for (size_t i = 0; i < at && i < w->len; i++)
		line += w->x[i] == '\n';
	return line;
}

static int walk(struct walk *w, struct strbuf *why)
{
	/* The names of the open elements, up to the depth that matters. */
	char stack[3][64];
	size_t depth = 0, i = 0, open_at[3] = { 0, 0, 0 };

	w->root_tag_end = w->type_start = w->type_end = NONE;
	w->name_start = w->name_end = w->uuid_start = w->uuid_end = NONE;
	w->devices_start = w->devices_end = w->emu_start = w->emu_end = NONE;
	w->root_close = w->ns_start = w->ns_end = NONE;
	w->devices_empty = 0;
	while (i < w->len) {
		const char *lt = memchr(w->x + i, '<', w->len - i), *e;
		size_t at, nlen;
		int closing, empty;
		char q = 0;

		if (!lt)
			break;
		at = (size_t)(lt - w->x);
		if (at + 4 <= w->len && !memcmp(lt, "<!--", 4)) {
			if (!(e = find_from(w, at + 4, "-->")))
				return sb_printf(why, "a comment is not closed"), -1;
			i = (size_t)(e - w->x) + 3;
			continue;
		}
		if (at + 9 <= w->len && !memcmp(lt, "<![CDATA[", 9)) {
			if (!(e = find_from(w, at + 9, "]]>")))
				return sb_printf(why, "a CDATA section is not closed"), -1;
			i = (size_t)(e - w->x) + 3;
			continue;
		}
		if (at + 1 < w->len && (lt[1] == '?' || lt[1] == '!')) {
			if (!(e = find_from(w, at + 2, lt[1] == '?' ? "?>" : ">")))
				return sb_printf(why, "a declaration is not closed"), -1;
			i = (size_t)(e - w->x) + (lt[1] == '?' ? 2 : 1);
			continue;
		}
		closing = at + 1 < w->len && lt[1] == '/';
		nlen = strcspn(lt + 1 + closing, " \t\r\n/>");
		/* The end of the tag: the first '>' outside a quoted value. */
		for (i = at + 1; i < w->len; i++) {
			if (q) {
				if (w->x[i] == q)
					q = 0;
			} else if (w->x[i] == '"' || w->x[i] == '\'')
				q = w->x[i];
			else if (w->x[i] == '>')
				break;
		}
		if (i >= w->len)
			return sb_printf(why, "a tag on line %zu is not closed",
					 line_of(w, at)), -1;
		empty = !closing && w->x[i - 1] == '/';
		i++;
		if (closing) {
			if (!depth)
				return sb_printf(why, "'</%.*s>' on line %zu closes nothing",
						 (int)nlen, lt + 2, line_of(w, at)), -1;
			depth--;
			if (depth < 3 &&
			    ((nlen < sizeof(stack[0]) - 1 ? nlen : sizeof(stack[0]) - 1) !=
				     strlen(stack[depth]) ||
			     memcmp(lt + 2, stack[depth], strlen(stack[depth]))))
				return sb_printf(why, "'</%.*s>' on line %zu closes '<%s>'",
						 (int)nlen, lt + 2, line_of(w, at),
						 stack[depth]), -1;
			if (depth == 1 && !strcmp(stack[1], "name"))
				w->name_end = at;
			if (depth == 1 && !strcmp(stack[1], "uuid"))
				w->uuid_end = i;
			if (depth == 2 && !strcmp(stack[1], "devices") &&
			    !strcmp(stack[2], "emulator"))
				w->emu_end = at;
			if (depth == 0) {
				w->root_close = at;
				break;
			}
			continue;
		}
		if (depth == 0) {
			if (nlen != 6 || memcmp(lt + 1, "domain", 6))
				return sb_printf(why, "the root element is '<%.*s>', not "
						      "'<domain>'",
						 (int)nlen, lt + 1), -1;
			if (empty)
				return sb_printf(why, "'<domain/>' is empty"), -1;
			w->root_tag_end = i;
			attr_span(w, at + 7, i - 1, "type", &w->type_start, &w->type_end);
			attr_span(w, at + 7, i - 1, "xmlns:qemu", &w->ns_start, &w->ns_end);
		} else if (depth == 1 && nlen == 4 && !memcmp(lt + 1, "name", 4) &&
			   w->name_start == NONE) {
			w->name_start = empty ? NONE : i;
		} else if (depth == 1 && nlen == 4 && !memcmp(lt + 1, "uuid", 4)) {
			w->uuid_start = at;
			if (empty)
				w->uuid_end = i;
		} else if (depth == 1 && nlen == 7 && !memcmp(lt + 1, "devices", 7)) {
			w->devices_start = at;
			w->devices_end = i;
			w->devices_empty = empty;
		} else if (depth == 2 && !strcmp(stack[1], "devices") && nlen == 8 &&
			   !memcmp(lt + 1, "emulator", 8)) {
			w->emu_start = i;
			if (empty) {
				/* <emulator/>: replace the whole tag */
				w->emu_start = at;
				w->emu_end = i;
			}
		}
		if (empty)
			continue;
		if (depth < 3) {
			size_t n = nlen < sizeof(stack[0]) - 1 ? nlen : sizeof(stack[0]) - 1;

			memcpy(stack[depth], lt + 1, n);
			stack[depth][n] = '\0';
			open_at[depth] = at;
		}
		depth++;
	}
	if (w->root_tag_end == NONE)
		return sb_printf(why, "there is no '<domain>' element"), -1;
	if (w->root_close == NONE)
		return sb_printf(why, "'<%s>' opened on line %zu is not closed",
				 depth ? stack[depth < 3 ? depth - 1 : 2] : "domain",
				 line_of(w, open_at[depth && depth <= 3 ? depth - 1 : 0])), -1;
	return 0;
}

static void add_edit(struct edit *ed, size_t *n, size_t start, size_t end,
		     struct strbuf *text)
{
	ed[*n].start = start;
	ed[*n].end = end;
	ed[*n].text = strbuf_detach(text);
	(*n)++;
}

int userxml_adopt(const char *xml, size_t len, const struct userxml_as *as,
		  struct strbuf *out, struct strvec *notes, struct strbuf *why)
{
	struct walk w = { .x = xml, .len = len };
	struct edit ed[8];
	struct strbuf t = STRBUF_INIT;
	size_t n = 0, at = 0;

	if (memchr(xml, '\0', len))
		return sb_puts(why, "the file holds a NUL byte"), -1;
	if (walk(&w, why))
		return -1;
	if (as->virttype && w.type_start != NONE &&
	    (w.type_end - w.type_start != strlen(as->virttype) ||
	     memcmp(xml + w.type_start, as->virttype, w.type_end - w.type_start))) {
		strvec_pushf(notes, "domain type '%.*s' run as '%s' (the accelerator "
				    "usable here)",
			     (int)(w.type_end - w.type_start), xml + w.type_start,
			     as->virttype);
		sb_puts(&t, as->virttype);
		add_edit(ed, &n, w.type_start, w.type_end, &t);
	}
	if (w.name_start != NONE && w.name_end != NONE) {
		xml_escape(&t, as->name);
		add_edit(ed, &n, w.name_start, w.name_end, &t);
	} else {
		sb_puts(&t, "<name>");
		xml_escape(&t, as->name);
		sb_puts(&t, "</name>");
		add_edit(ed, &n, w.root_tag_end, w.root_tag_end, &t);
	}
	if (w.uuid_start != NONE && w.uuid_end != NONE)
		add_edit(ed, &n, w.uuid_start, w.uuid_end, &t);
	if (w.emu_start != NONE && w.emu_end != NONE) {
		if (xml[w.emu_start] == '<')
			sb_puts(&t, "<emulator>");
		xml_escape(&t, as->emulator);
		if (xml[w.emu_start] == '<')
			sb_puts(&t, "</emulator>");
		add_edit(ed, &n, w.emu_start, w.emu_end, &t);
	} else if (w.devices_start != NONE && w.devices_empty) {
		sb_puts(&t, "<devices><emulator>");
		xml_escape(&t, as->emulator);
		sb_puts(&t, "</emulator></devices>");
		add_edit(ed, &n, w.devices_start, w.devices_end, &t);
	} else if (w.devices_start != NONE) {
		sb_puts(&t, "<emulator>");
		xml_escape(&t, as->emulator);
		sb_puts(&t, "</emulator>");
		add_edit(ed, &n, w.devices_end, w.devices_end, &t);
	} else {
		sb_puts(&t, "<devices><emulator>");
		xml_escape(&t, as->emulator);
		sb_puts(&t, "</emulator></devices>");
		add_edit(ed, &n, w.root_close, w.root_close, &t);
	}
	if (as->qemu_args && as->qemu_args->nr) {
		static const char ns[] = "http://libvirt.org/schemas/domain/qemu/1.0";

		if (w.ns_start == NONE) {
			sb_printf(&t, " xmlns:qemu='%s'", ns);
			add_edit(ed, &n, w.root_tag_end - 1, w.root_tag_end - 1, &t);
		} else if (w.ns_end - w.ns_start != strlen(ns) ||
			   memcmp(xml + w.ns_start, ns, strlen(ns))) {
			for (size_t k = 0; k < n; k++)
				free(ed[k].text);
			return sb_printf(why, "the prefix 'qemu' names another namespace "
					      "than libvirt's QEMU one"), -1;
		}
		sb_puts(&t, "<qemu:commandline>");
		for (size_t k = 0; k < as->qemu_args->nr; k++) {
			sb_puts(&t, "<qemu:arg value='");
			xml_escape(&t, as->qemu_args->v[k]);
			sb_puts(&t, "'/>");
		}
		sb_puts(&t, "</qemu:commandline>");
		add_edit(ed, &n, w.root_close, w.root_close, &t);
		strvec_push(notes, "firmware directories added with <qemu:commandline> -L, "
				   "as in generated domains");
	}
	/* Apply in document order (the edits never overlap). */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && ed[b - 1].start > ed[b].start; b--) {
			struct edit tmp = ed[b];

			ed[b] = ed[b - 1];
			ed[b - 1] = tmp;
		}
	strbuf_reset(out);
	for (size_t k = 0; k < n; k++) {
		sb_printf(out, "%.*s%s", (int)(ed[k].start - at), xml + at, ed[k].text);
		at = ed[k].end;
		free(ed[k].text);
	}
	sb_printf(out, "%.*s", (int)(len - at), xml + at);
	strbuf_release(&t);
	return 0;
}
