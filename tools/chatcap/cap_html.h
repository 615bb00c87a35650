/*
 * cap_html.h — chatcap --html FILE: one self-contained interactive report
 * of a capture (cap_html.c). The packets' JSON objects (the very lines
 * --json prints) and their explanations are gathered in memory while the
 * capture runs; at the end they are embedded once in a page whose HTML,
 * CSS and JavaScript (tools/chatcap/report/) are built into chatcap.
 */
#ifndef CAP_HTML_H
#define CAP_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "cap_conv.h"
#include "cap_emit.h"

struct cap_html {
	const char *path;
	FILE   *out;              /* the report file, opened at the start */
	FILE   *data;             /* JSON Lines, as --json prints them */
	FILE   *explain;          /* one JSON string per packet: its words */
	char   *data_buf, *explain_buf;
	size_t  data_len, explain_len;
	FILE   *stdout_f;         /* where e->out wrote before --html */
};

/* Open the report file path (to fail before capturing) and the two
 * in-memory streams. 0, or -1 with the reason in err. */
int cap_html_open(struct cap_html *h, const char *path, char *err,
                  size_t errlen);

/* Open the report at path and point the packets' output of e at it:
 * JSON objects (as --json) and each packet's words, no text lines. 0, or
 * -1 with the reason in err. */
int cap_html_start(struct cap_html *h, struct cap_emit *e, const char *path,
                   char *err, size_t errlen);

/* After the capture: the JSON summary of t after the packets, then the
 * report written (cap_html_write) and e's output given back its stream.
 * 0, or -1 with the reason in err. */
int cap_html_finish(struct cap_html *h, struct cap_emit *e,
                    const struct cap_table *t, const char *source,
                    char *err, size_t errlen);

/* Write the report: the page with the JSON and the explanations gathered,
 * labelled in lang ("es" or "en") and titled after source (the file read
 * or the interface). Large captures are compressed (the page inflates
 * them itself: report/inflate.js). 0, or -1 with the reason in err. */
int cap_html_write(struct cap_html *h, const char *lang, const char *source,
                   char *err, size_t errlen);

/* Close and free whatever is still open; a report never written is
 * removed. */
void cap_html_free(struct cap_html *h);

#endif
