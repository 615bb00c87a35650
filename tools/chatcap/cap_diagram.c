/*
 * cap_diagram.c — the ladders of cap_ladder.c written to a file for a
 * report: the same arrows and the same words, as an SVG picture (client
 * and server lifelines, one arrow per packet, time going down) or as
 * Mermaid text:
 *
 *   sequenceDiagram
 *     participant C1 as 10.0.0.2:40040 (client)
 *     participant S1 as 10.0.0.1:5000 (server)
 *     C1->>S1: SYN seq=0
 *     Note right of S1: handshake 1/3
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cap_diagram.h"
#include "cap_ladder.h"

#define SVG_W      980  /* the picture's width */
#define SVG_LEFT   120  /* x of the client's lifeline */
#define SVG_RIGHT  620  /* x of the server's lifeline */
#define SVG_STEP    30  /* pixels between two arrows */
#define SVG_HEAD    70  /* a conversation's title and names */

static bool
ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && strcmp(s + n - m, end) == 0;
}

bool
cap_diagram_known(const char *path)
{
	return ends_with(path, ".svg") || ends_with(path, ".mmd") ||
	       ends_with(path, ".mermaid");
}

/* ---------------------------------------------------------------------------
 * SVG
 * ------------------------------------------------------------------------ */

/* Text for an SVG document: the five characters XML gives a meaning. */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

static void
svg_text(FILE *f, int x, int y, const char *anchor, const char *style,
         const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>", x, y,
	        anchor, style);
	xml_text(f, s);
	fputs("</text>\n", f);
}

static int
svg_conv(FILE *f, const struct cap_out *o, const struct cap_conv *c, int y)
{
	char title[3 * CAP_ENDPOINT_MAX], t[32], label[160], note[200];
	int top = y + SVG_HEAD - 20, bottom;
	size_t i;

	snprintf(title, sizeof(title), "%s#%u  %s %s %s",
	         c->proto == 6 ? "TCP" : "UDP", c->id, c->name[0],
	         cap_arrow(o), c->name[1]);
	svg_text(f, 10, y + 20, "start", " font-weight=\"bold\"", title);
	svg_text(f, SVG_LEFT, y + 45, "middle", "", TR("client", "cliente"));
	svg_text(f, SVG_RIGHT, y + 45, "middle", "", TR("server", "servidor"));
	svg_text(f, 10, y + 45, "start", " fill=\"#555\"",
	         TR("time (s)", "tiempo (s)"));
	bottom = top + (int)(c->nsteps + 1) * SVG_STEP;
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	        "class=\"life\"/>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	        "y2=\"%d\" class=\"life\"/>\n", SVG_LEFT, top, SVG_LEFT, bottom,
	        SVG_RIGHT, top, SVG_RIGHT, bottom);
	for (i = 0; i < c->nsteps; i++) {
		const struct cap_step *s = &c->steps[i];
		int ay = top + (int)(i + 1) * SVG_STEP;
		bool right = s->dir == 0, bad = s->retrans || s->lost || s->ana;

		cap_fmt_seconds(s->t_us, t, sizeof(t));
		cap_ladder_label(o, c, s, label, sizeof(label));
		cap_ladder_note(o, s, note, sizeof(note));
		svg_text(f, 10, ay + 4, "start", " fill=\"#555\"", t);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		        "class=\"%s\" marker-end=\"url(#head)\"/>\n",
		        right ? SVG_LEFT : SVG_RIGHT, ay,
		        right ? SVG_RIGHT - 2 : SVG_LEFT + 2, ay,
		        bad ? "bad" : "arrow");
		svg_text(f, (SVG_LEFT + SVG_RIGHT) / 2, ay - 5, "middle", "",
		         label);
		if (note[0] != '\0')
			svg_text(f, SVG_RIGHT + 12, ay + 4, "start",
			         bad ? " fill=\"#c0392b\"" : " fill=\"#1f6f43\"",
			         note);
	}
	return bottom + 30;
}

static void
write_svg(FILE *f, const struct cap_out *o, const struct cap_table *t)
{
	size_t i, steps = 0;
	int y = 10;

	for (i = 0; i < t->nall; i++)
		steps += t->all[i]->nsteps + 1;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%zu\" font-family=\"DejaVu Sans, sans-serif\" "
	        "font-size=\"12\">\n<defs><marker id=\"head\" markerWidth=\"10\" "
	        "markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
	        "<path d=\"M0,0 L10,4 L0,8 z\"/></marker>\n<style>"
	        ".life{stroke:#888;stroke-dasharray:4 3}"
	        ".arrow{stroke:#1f4e79;stroke-width:1.5}"
	        ".bad{stroke:#c0392b;stroke-width:2}</style></defs>\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	        SVG_W, 20 + t->nall * (size_t)(SVG_HEAD + 40) +
	        steps * SVG_STEP);
	for (i = 0; i < t->nall; i++)
		y = svg_conv(f, o, t->all[i], y);
	fputs("</svg>\n", f);
}

/* ---------------------------------------------------------------------------
 * Mermaid
 * ------------------------------------------------------------------------ */

/* Mermaid reads ';' and '#' as syntax: write them as its entity codes. */
static void
mermaid_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ';')
			fputs("#59;", f);
		else if (*s == '#')
			fputs("#35;", f);
		else
			fputc(*s, f);
}

static void
write_mermaid(FILE *f, const struct cap_out *o, const struct cap_table *t)
{
	char label[160], note[200];
	size_t i, j;

	fputs("sequenceDiagram\n", f);
	for (i = 0; i < t->nall; i++) {
		const struct cap_conv *c = t->all[i];

		fprintf(f, "    participant C%zu as ", i + 1);
		mermaid_text(f, c->name[0]);
		fprintf(f, " (%s)\n    participant S%zu as ",
		        TR("client", "cliente"), i + 1);
		mermaid_text(f, c->name[1]);
		fprintf(f, " (%s)\n", TR("server", "servidor"));
		for (j = 0; j < c->nsteps; j++) {
			const struct cap_step *s = &c->steps[j];

			cap_ladder_label(o, c, s, label, sizeof(label));
			cap_ladder_note(o, s, note, sizeof(note));
			fprintf(f, s->dir == 0 ? "    C%zu->>S%zu: " :
			        "    S%zu->>C%zu: ", i + 1, i + 1);
			mermaid_text(f, label);
			fputc('\n', f);
			if (note[0] != '\0') {
				fprintf(f, "    Note right of S%zu: ", i + 1);
				mermaid_text(f, note);
				fputc('\n', f);
			}
		}
	}
}

int
cap_diagram_write(const char *path, const struct cap_out *o,
                  const struct cap_table *t, char *err, size_t errlen)
{
	struct cap_out plain = *o;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	plain.f = f;
	plain.color = false;
	plain.utf8 = true;
	plain.width = 0;
	if (ends_with(path, ".svg"))
		write_svg(f, &plain, t);
	else
		write_mermaid(f, &plain, t);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
