/*
 * xmlesc.h — text inside an XML or HTML document (JUnit reports, SVG
 * diagrams, HTML pages): the markup characters as entities, and the control
 * bytes by a rule the caller picks. Nothing here knows the document.
 */
#ifndef REDCHAT_XMLESC_H
#define REDCHAT_XMLESC_H

#include <stddef.h>
#include <stdio.h>

/* What becomes of a control byte (below 0x20) other than tab, which XML 1.0
 * forbids in a document except for tab, newline and carriage return. */
enum xmlesc_ctl {
	XMLESC_KEEP, /* written as it is (HTML: the browser shows a space) */
	XMLESC_MARK, /* written '?', newline too (SVG: one line of text) */
	XMLESC_HEX   /* newline as &#10; (kept inside an attribute), every
	              * other one as the four characters \xNN (JUnit) */
};

/*
 * Write at most n bytes of s to f, stopping early at a NUL: '&', '<', '>',
 * '"' and '\'' as entities (the text is safe inside an attribute in either
 * quote), control bytes as ctl says, every other byte (UTF-8 included) as
 * it is. A write error stays on f, as for fputs: the caller checks ferror()
 * or fclose() once the document is written.
 */
void xmlesc_write(FILE *f, const char *s, size_t n, enum xmlesc_ctl ctl);

#endif
