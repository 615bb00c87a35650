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
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cap_diagram.h"
#include "cap_ladder.h"
#include "xmlesc.h"

#define SVG_W      980  /* the picture's width */
#define SVG_LEFT   120  /* x of the client's lifeline */
#define SVG_RIGHT  620  /* x of the server's lifeline */
#define SVG_STEP    30  /* pixels between two arrows without text */
#define SVG_LINE    14  /* pixels a line of chat text under an arrow adds */
#define SVG_WRAP    72  /* characters of chat text a line */
#define SVG_HEAD    70  /* a conversation's title and names */
#define SVG_TIP     12  /* an arrowhead's length */
#define SVG_BARB     5  /* half an arrowhead's width */
#define SVG_FONT    " font-family=\"DejaVu Sans\" font-size=\"12\""
#define SVG_INK     "#1f4e79"   /* an arrow */
#define SVG_BAD     "#c0392b"   /* a retransmission, a loss */

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

static void
svg_text(FILE *f, int x, int y, const char *anchor, const char *style,
         const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"" SVG_FONT "%s>",
	        x, y, anchor, style);
	xmlesc_write(f, s, strlen(s), XMLESC_MARK);
	fputs("</text>\n", f);
}

/* The bytes of s that hold at most max characters (UTF-8), cut at a space
 * when one is near the end. */
static size_t
chunk(const char *s, size_t n, size_t max)
{
	size_t i, chars = 0, space = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			return space > max / 2 ? space : i;
		if (s[i] == ' ')
			space = i + 1;
	}
	return n;
}

/* Every message of step s (whole, wrapped at SVG_WRAP characters) under
 * its arrow from y on; with f NULL only counted. Returns the lines. */
static int
svg_lines(FILE *f, const struct cap_step *s, int y)
{
	const char *p = s->lines != NULL ? s->lines : s->text, *end;
	size_t len, k;
	int n = 0;

	for (; *p != '\0'; p = *end == '\n' ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		for (len = (size_t)(end - p); len > 0 || n == 0; len -= k, p += k) {
			k = chunk(p, len, SVG_WRAP);
			if (f != NULL) {
				fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor="
				        "\"middle\"" SVG_FONT " fill=\"#333\">",
				        (SVG_LEFT + SVG_RIGHT) / 2, y + n * SVG_LINE);
				xmlesc_write(f, p, k, XMLESC_MARK);
				fputs("</text>\n", f);
			}
			n++;
			if (k == 0)
				break;
		}
	}
	return n;
}

/* The words on step s's arrow: the ladder's, with the sequence numbers on
 * a TCP data arrow too, and without the chat text (it goes under). */
static void
svg_label(const struct cap_out *o, const struct cap_conv *c,
          const struct cap_step *s, char *out, size_t cap)
{
	struct cap_step bare = *s;
	char tail[32], *len;

	bare.text[0] = '\0';
	bare.lines = NULL;
	cap_ladder_label(o, c, &bare, out, cap);
	if (c->proto != 6 || s->len == 0 || (len = strstr(out, " len=")) == NULL)
		return;
	snprintf(tail, sizeof(tail), "%s", len);
	if (s->flags & CAP_ACK)
		snprintf(len, cap - (size_t)(len - out), " seq=%" PRIu32 " ack=%"
		         PRIu32 "%s", s->seq, s->ack, tail);
	else
		snprintf(len, cap - (size_t)(len - out), " seq=%" PRIu32 "%s",
		         s->seq, tail);
}

/* An arrow at height y, its head a filled triangle (no <marker>: not every
 * renderer draws markers). */
static void
svg_arrow(FILE *f, bool right, int y, const char *ink)
{
	int from = right ? SVG_LEFT : SVG_RIGHT, tip = right ? SVG_RIGHT : SVG_LEFT;
	int base = right ? tip - SVG_TIP : tip + SVG_TIP;

	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
	        "stroke-width=\"1.5\"/>\n<polygon points=\"%d,%d %d,%d %d,%d\" "
	        "fill=\"%s\"/>\n", from, y, base, y, ink, tip, y, base,
	        y - SVG_BARB, base, y + SVG_BARB, ink);
}

/* Pixels of step s: its arrow and the lines of chat under it. */
static int
step_height(const struct cap_step *s)
{
	return SVG_STEP + (s->text[0] != '\0' ? svg_lines(NULL, s, 0) : 0) *
	       SVG_LINE;
}

static int
svg_conv(FILE *f, const struct cap_out *o, const struct cap_conv *c, int y)
{
	char title[3 * CAP_ENDPOINT_MAX], t[32], label[160], note[200];
	int top = y + SVG_HEAD - 20, bottom = top + SVG_STEP, ay = top;
	size_t i;

	snprintf(title, sizeof(title), "%s#%u  %s %s %s",
	         c->proto == 6 ? "TCP" : "UDP", c->id, c->name[0],
	         cap_arrow(o), c->name[1]);
	svg_text(f, 10, y + 20, "start", " font-weight=\"bold\"", title);
	svg_text(f, SVG_LEFT, y + 45, "middle", "", TR("client", "cliente"));
	svg_text(f, SVG_RIGHT, y + 45, "middle", "", TR("server", "servidor"));
	svg_text(f, 10, y + 45, "start", " fill=\"#555\"",
	         TR("time (s)", "tiempo (s)"));
	for (i = 0; i < c->nsteps; i++)
		bottom += step_height(&c->steps[i]);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\" "
	        "stroke-dasharray=\"4 3\"/>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	        "y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n",
	        SVG_LEFT, top, SVG_LEFT, bottom, SVG_RIGHT, top, SVG_RIGHT, bottom);
	for (i = 0; i < c->nsteps; i++) {
		const struct cap_step *s = &c->steps[i];
		bool bad = s->retrans || s->lost || s->ana;

		ay += i == 0 ? SVG_STEP : step_height(&c->steps[i - 1]);
		cap_fmt_seconds(s->t_us, t, sizeof(t));
		svg_label(o, c, s, label, sizeof(label));
		cap_ladder_note(o, s, note, sizeof(note));
		svg_text(f, 10, ay + 4, "start", " fill=\"#555\"", t);
		svg_arrow(f, s->dir == 0, ay, bad ? SVG_BAD : SVG_INK);
		svg_text(f, (SVG_LEFT + SVG_RIGHT) / 2, ay - 5, "middle", "",
		         label);
		if (s->text[0] != '\0')
			svg_lines(f, s, ay + SVG_LINE);
		if (note[0] != '\0')
			svg_text(f, SVG_RIGHT + 12, ay + 4, "start",
			         bad ? " fill=\"" SVG_BAD "\"" : " fill=\"#1f6f43\"",
			         note);
	}
	return bottom + 30;
}

static void
write_svg(FILE *f, const struct cap_out *o, const struct cap_table *t)
{
	size_t i, j, height = 20;
	int y = 10;

	for (i = 0; i < t->nall; i++) {
		height += SVG_HEAD + 40;
		for (j = 0; j < t->all[i]->nsteps; j++)
			height += (size_t)step_height(&t->all[i]->steps[j]);
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%zu\"" SVG_FONT ">\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	        SVG_W, height);
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
