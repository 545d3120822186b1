/*
 * The one XML escaper (see xmlesc.h): what comes from a scenario file or
 * the store (names, paths, argv, logs) reaches an XML document only
 * through xml_escape, which also keeps the document well-formed when the
 * text is not (control bytes, broken UTF-8).
 */
#include <string.h>

#include "xmlesc.h"
#include "banned.h"

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4; the code
 * point in *cp), or 0 when s does not start one (RFC 3629, table 3-7 of
 * the Unicode standard: no overlong forms, no surrogates, nothing past
 * U+10FFFF). s is NUL-terminated: a NUL is never a continuation byte.
 */
static size_t utf8_seq(const unsigned char *s, unsigned long *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* U+D800..U+DFFF: surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0; /* a continuation byte, 0xc0, 0xc1, 0xf5..0xff */
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

void xml_escape(struct strbuf *out, const char *s)
{
	while (s && *s) {
		unsigned long cp;
		size_t n = utf8_seq((const unsigned char *)s, &cp);
		char seq[5];

		if (!n) {
			sb_putc(out, '?');
			s++;
			continue;
		}
		switch (cp) {
		case '&': sb_puts(out, "&amp;"); break;
		case '<': sb_puts(out, "&lt;"); break;
		case '>': sb_puts(out, "&gt;"); break;
		case '"': sb_puts(out, "&quot;"); break;
		case '\'': sb_puts(out, "&apos;"); break;
		case '\t': case '\n': case '\r':
			sb_putc(out, *s);
			break;
		default:
			/* Not allowed in XML 1.0, even escaped: dropped. */
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff)
				break;
			memcpy(seq, s, n);
			seq[n] = '\0';
			sb_puts(out, seq);
		}
		s += n;
	}
}
