#ifndef VM_XMLSAFE_H
#define VM_XMLSAFE_H

/*
 * libvirt domain XML from outside (a user's file, libvirt's own test
 * domains) parsed safely with libxml2, in one place: nothing loaded from
 * the network, no DTD loaded, no entity substituted, a document type
 * declaration refused, the size bounded, and the first error reported on
 * one line with its line number. runner/userxml.c edits the tree it
 * gives; corpus/needs.c reads it.
 */

#include <libxml/tree.h>

#include "strbuf.h"

/*
 * The tree of xml[0..len) (the caller frees it with xmlFreeDoc), or NULL
 * with why set (one line, "line N: " first where libxml2 names one) when
 * xml is larger than max bytes, holds a NUL byte, is not well-formed or
 * has a document type declaration. Callable from any thread.
 */
xmlDoc *xmlsafe_parse(const char *xml, size_t len, size_t max, struct strbuf *why);

/*
 * The root element of doc when it is <domain>, else NULL with why set
 * ("there is no '<domain>' element", "the root element is '<x>', not
 * '<domain>'").
 */
xmlNode *xmlsafe_domain_root(xmlDoc *doc, struct strbuf *why);

/* s appended to why as str_printable() shows it (at most 200 wide). */
void xmlsafe_quote(struct strbuf *why, const char *s);

#endif
