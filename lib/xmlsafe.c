/*
 * The one safe libxml2 parse of domain XML from outside (see xmlsafe.h).
 * libxml2's globals are set up once (pthread_once), its errors go to a
 * handler that keeps the first fatal one instead of printing, and the
 * options leave out everything that reads elsewhere: XML_PARSE_NOENT,
 * DTDLOAD, DTDATTR and DTDVALID are never given, XML_PARSE_NONET is.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>

#include "xmlsafe.h"
#include "banned.h"

static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants its globals set up once, before threads use it. */
static void libxml_init(void)
{
	xmlInitParser();
}

void xmlsafe_quote(struct strbuf *why, const char *s)
{
	struct strbuf esc = STRBUF_INIT;

	sb_puts(why, str_printable(&esc, s, strlen(s), 200));
	strbuf_release(&esc);
}

/*
 * The first fatal error libxml2 reports (the later ones follow from
 * it), or while there is none, the first error or warning.
 */
struct first_error {
	int set, fatal, code, line;
	struct strbuf msg;
};

#if LIBXML_VERSION >= 21200
static void keep_first_error(void *data, const xmlError *e)
#else
static void keep_first_error(void *data, xmlError *e)
#endif
{
	struct first_error *f = ((xmlParserCtxt *)data)->_private;

	if (!e || f->fatal || (f->set && e->level != XML_ERR_FATAL))
		return;
	f->set = 1;
	f->fatal = e->level == XML_ERR_FATAL;
	f->code = e->code;
	strbuf_reset(&f->msg);
	f->line = e->line;
	/* Its first line: the next ones quote the document. */
	if (e->message)
		sb_printf(&f->msg, "%.*s", (int)strcspn(e->message, "\n"), e->message);
	strbuf_rtrim(&f->msg);
}

static void parse_error(const struct first_error *f, struct strbuf *why)
{
	if (f->set && f->code == XML_ERR_DOCUMENT_EMPTY) {
		sb_puts(why, "there is no '<domain>' element");
		return;
	}
	if (f->set && f->line > 0)
		sb_printf(why, "line %d: ", f->line);
	xmlsafe_quote(why, f->msg.len ? f->msg.buf : "not well-formed XML");
}

xmlDoc *xmlsafe_parse(const char *xml, size_t len, size_t max, struct strbuf *why)
{
	struct first_error first = { 0, 0, 0, 0, STRBUF_INIT };
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	if (len > max || len > INT_MAX)
		return sb_printf(why, "the file is larger than %zu bytes", max), NULL;
	if (memchr(xml, '\0', len))
		return sb_puts(why, "the file holds a NUL byte"), NULL;
	pthread_once(&libxml_once, libxml_init);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		die("out of memory");
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first_error;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_BIG_LINES);
	if (!doc)
		parse_error(&first, why);
	xmlFreeParserCtxt(ctxt);
	strbuf_release(&first.msg);
	if (doc && (doc->intSubset || doc->extSubset)) {
		sb_puts(why, "a document type declaration ('<!DOCTYPE') is not taken "
			     "in a domain XML (its entities could read other files)");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

xmlNode *xmlsafe_domain_root(xmlDoc *doc, struct strbuf *why)
{
	xmlNode *root = xmlDocGetRootElement(doc);

	if (!root)
		return sb_puts(why, "there is no '<domain>' element"), NULL;
	if (!xmlStrEqual(root->name, BAD_CAST "domain")) {
		sb_puts(why, "the root element is '<");
		xmlsafe_quote(why, (const char *)root->name);
		sb_puts(why, ">', not '<domain>'");
		return NULL;
	}
	return root;
}
