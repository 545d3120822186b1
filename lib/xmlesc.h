#ifndef VM_XMLESC_H
#define VM_XMLESC_H

/*
 * Text into XML 1.0, for attribute values and element content alike:
 * libvirt domain XML (runner/domxml.c) and JUnit reports
 * (reports/junit.c) go through this one escaper.
 */

#include "strbuf.h"

/*
 * Appends s (NULL: nothing) to out as XML 1.0 text:
 *  - & < > " ' become &amp; &lt; &gt; &quot; &apos;
 *  - tab, newline and carriage return are kept as they are;
 *  - characters XML 1.0 does not allow, even as a character reference,
 *    are dropped: the other C0 controls (0x00 to 0x1f) and U+FFFE, U+FFFF;
 *  - well-formed UTF-8 is kept; each byte that does not start a
 *    well-formed sequence (a stray continuation byte, a truncated
 *    sequence, an overlong form, a surrogate, past U+10FFFF, 0xf5 to
 *    0xff) becomes '?', since an XML document must be valid UTF-8.
 * Appends with sb_*() (lib/strbuf.h): it never fails.
 */
void xml_escape(struct strbuf *out, const char *s);

#endif
