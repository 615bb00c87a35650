/*
 * xmlesc.c — text inside an XML or HTML document (see xmlesc.h).
 */
#include <stdio.h>

#include "xmlesc.h"

/* The entity for a character markup gives a meaning to, or NULL. */
static const char *
xmlesc_entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void
xmlesc_write(FILE *f, const char *s, size_t n, enum xmlesc_ctl ctl)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *e;

	for (; n > 0 && *p != '\0'; p++, n--) {
		if ((e = xmlesc_entity(*p)) != NULL)
			fputs(e, f);
		else if (*p >= 0x20 || *p == '\t' || ctl == XMLESC_KEEP)
			fputc(*p, f);
		else if (ctl == XMLESC_MARK)
			fputc('?', f);
		else if (*p == '\n')
			fputs("&#10;", f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}
