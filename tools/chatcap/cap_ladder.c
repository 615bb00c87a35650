/*
 * cap_ladder.c — sequence diagrams, as Wireshark's Flow Graph draws them
 * but in the terminal:
 *
 *   time (s)   client                                          server
 *   0.000000   |-- SYN seq=0 ---------------------------------->| 1/3
 *   0.000021   |<- SYN-ACK seq=0 ack=1 -------------------------| 2/3
 *
 * The steps were remembered by cap_conv.c while the packets went by.
 */
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
#include "cap_ladder.h"

#define BODY_W 50  /* columns between the two lifelines, at most */
#define BODY_MIN 30
#define LEFT_W 17  /* "   time (s)   |": the columns before the body */
#define NOTE_W 28  /* columns kept for the note, when the width is tight */

struct glyphs {
	const char *bar, *line, *head_r, *head_l;
};

static const struct glyphs utf8_glyphs = {
	"\u2502", "\u2500", "\u25b6", "\u25c0",
};
static const struct glyphs ascii_glyphs = { "|", "-", ">", "<" };

/* Columns between the lifelines: BODY_W, or less to fit o->width. */
static size_t
body_width(const struct cap_out *o)
{
	size_t w = o->width;

	if (w == 0 || w >= LEFT_W + BODY_W + NOTE_W)
		return BODY_W;
	if (w < LEFT_W + BODY_MIN + NOTE_W)
		return BODY_MIN;
	return w - LEFT_W - NOTE_W;
}

/* The words on an arrow: "SYN seq=0", "PSH-ACK len=4 "ana"". */
void
cap_ladder_label(const struct cap_out *o, const struct cap_conv *c,
            const struct cap_step *s, char *out, size_t cap)
{
	const char *name, *ack = (s->flags & CAP_ACK) ? "-ACK" : "";
	char text[BODY_W];
	size_t n;

	if (c->proto == 17) {
		n = (size_t)snprintf(out, cap, "%s len=%" PRIu32,
		                     TR("datagram", "datagrama"), s->len);
	} else {
		name = (s->flags & CAP_RST) ? "RST" : (s->flags & CAP_SYN) ? "SYN"
		     : (s->flags & CAP_FIN) ? "FIN" : (s->flags & CAP_PSH) ? "PSH"
		     : "";
		if (name[0] == '\0') {         /* ACK alone, or no flag at all */
			name = ack[0] != '\0' ? "ACK" : "-";
			ack = "";
		}
		/* Data arrows leave out seq/ack to make room for the text. */
		if (s->len > 0)
			n = (size_t)snprintf(out, cap, "%s%s len=%" PRIu32, name, ack,
			                     s->len);
		else
			n = (size_t)snprintf(out, cap, "%s%s seq=%" PRIu32, name, ack,
			                     s->seq);
		if (s->len == 0 && s->flags & CAP_ACK && n < cap)
			n += (size_t)snprintf(out + n, cap - n, " ack=%" PRIu32, s->ack);
	}
	if (s->text[0] != '\0' && n + 4 < cap) {
		cap_fmt_clip(o, s->text, strlen(s->text), sizeof(text) - 4, text,
		             sizeof(text));
		snprintf(out + n, cap - n, " \"%s\"", text);
	}
}

/* Append ", what" (or "what" first) to the note out[cap]. */
static void
add_note(char *out, size_t cap, const char *what)
{
	size_t n = strlen(out);

	snprintf(out + n, cap - n, "%s%s", n > 0 ? ", " : "", what);
}

/* The words beside an arrow: which step of the lesson it is, and what
 * Wireshark's analysis says of it. */
void
cap_ladder_note(const struct cap_out *o, const struct cap_step *s, char *out,
          size_t cap)
{
	char d[32];

	cap_fmt_duration(o, s->rtt_us, d, sizeof(d));
	out[0] = '\0';
	switch (s->what) {
	case CAP_EV_SYN:
		snprintf(out, cap, "%s", TR("handshake 1/3", "saludo 1/3"));
		break;
	case CAP_EV_SYN_ACK:
		snprintf(out, cap, TR("handshake 2/3, %s", "saludo 2/3, %s"), d);
		break;
	case CAP_EV_ESTABLISHED:
		snprintf(out, cap, TR("handshake 3/3, %s", "saludo 3/3, %s"), d);
		break;
	case CAP_EV_KEEPALIVE:
		snprintf(out, cap, "keep-alive");
		break;
	case CAP_EV_FIN:
	case CAP_EV_FIN_ACK:
		snprintf(out, cap, "%s", TR("teardown", "cierre"));
		break;
	case CAP_EV_RST:
		snprintf(out, cap, "%s", TR("reset", "reinicio"));
		break;
	case CAP_EV_REFUSED:
		snprintf(out, cap, "%s", TR("refused", "rechazada"));
		break;
	default:
		break;
	}
	if (s->closes)
		add_note(out, cap, TR("closed", "cerrada"));
	if (s->ana & CAP_A_FAST_RETRANS)
		add_note(out, cap, TR("FAST RETRANSMISSION",
		                      "RETRANSMISI\u00d3N R\u00c1PIDA"));
	else if (s->ana & CAP_A_SPURIOUS_RETRANS)
		add_note(out, cap, TR("spurious retransmission",
		                      "retransmisi\u00f3n innecesaria"));
	else if (s->retrans)
		add_note(out, cap, TR("RETRANSMISSION", "RETRANSMISI\u00d3N"));
	if (s->lost)
		add_note(out, cap, TR("LOST (sent again later)",
		                      "PERDIDO (se reenv\u00eda despu\u00e9s)"));
	if (s->ana & CAP_A_OUT_OF_ORDER)
		add_note(out, cap, TR("out of order", "fuera de orden"));
	if (s->ana & CAP_A_LOST_SEGMENT)
		add_note(out, cap, TR("bytes missing before",
		                      "faltan bytes antes"));
	if (s->ana & CAP_A_DUP_ACK)
		add_note(out, cap, TR("duplicate ACK", "ACK duplicado"));
	if (s->ana & CAP_A_ACK_LOST_SEGMENT)
		add_note(out, cap, TR("ACKs unseen bytes", "confirma bytes no vistos"));
	if (s->ana & CAP_A_ZERO_WINDOW)
		add_note(out, cap, TR("zero window", "ventana cero"));
	if (s->ana & CAP_A_ZERO_WINDOW_PROBE)
		add_note(out, cap, TR("window probe", "sonda de ventana"));
	if (s->ana & CAP_A_WINDOW_FULL)
		add_note(out, cap, TR("window full", "ventana llena"));
	if (s->ana & CAP_A_WINDOW_UPDATE)
		add_note(out, cap, TR("window update", "ventana actualizada"));
	if (s->ana & CAP_A_KEEP_ALIVE_ACK)
		add_note(out, cap, TR("keep-alive ACK", "ACK de keep-alive"));
}

static void
repeat(FILE *f, const char *s, size_t n)
{
	while (n-- > 0)
		fputs(s, f);
}

static void
draw_step(const struct cap_out *o, const struct glyphs *g,
          const struct cap_conv *c, const struct cap_step *s)
{
	char t[32], label[BODY_W * 2], note[160];
	size_t w;

	size_t bw = body_width(o), room;

	cap_fmt_seconds(s->t_us, t, sizeof(t));
	cap_ladder_label(o, c, s, label, sizeof(label));
	cap_ladder_note(o, s, note, sizeof(note));
	if (cap_fmt_width(label) > bw - 6) {
		char clipped[BODY_W * 2];

		cap_fmt_clip(o, label, strlen(label), bw - 8, clipped,
		             sizeof(clipped));
		memcpy(label, clipped, sizeof(label));
	}
	room = o->width > LEFT_W + bw + 2 ? o->width - LEFT_W - bw - 2 : 0;
	if (o->width != 0 && cap_fmt_width(note) > room) {
		char clipped[sizeof(note)];

		cap_fmt_clip(o, note, strlen(note), room > 3 ? room - 3 : 0,
		             clipped, sizeof(clipped));
		memcpy(note, clipped, sizeof(note));
	}
	w = cap_fmt_width(label);
	fprintf(o->f, "%12s   %s", t, g->bar);
	if (s->dir == 0) {
		repeat(o->f, g->line, 2);
		fprintf(o->f, " %s ", label);
		repeat(o->f, g->line, bw - 5 - w);
		fputs(g->head_r, o->f);
	} else {
		fputs(g->head_l, o->f);
		repeat(o->f, g->line, 1);
		fprintf(o->f, " %s ", label);
		repeat(o->f, g->line, bw - 4 - w);
	}
	fputs(g->bar, o->f);
	if (note[0] != '\0')
		fprintf(o->f, " %s%s%s", cap_color(o, s->retrans || s->lost ||
		        s->ana != 0 ||
		        s->what == CAP_EV_RST || s->what == CAP_EV_REFUSED
		        ? CAP_C_PROBLEM : CAP_C_HANDSHAKE), note,
		        cap_color(o, CAP_C_RESET));
	fputc('\n', o->f);
}

static void
draw_conv(const struct cap_out *o, const struct glyphs *g,
          const struct cap_conv *c)
{
	size_t i, w;

	fprintf(o->f, "\n%s%s#%u%s  %s (%s)  %s (%s)", cap_color(o, CAP_C_BOLD),
	        c->proto == 6 ? "TCP" : "UDP", c->id, cap_color(o, CAP_C_RESET),
	        c->name[0], TR("client", "cliente"), c->name[1],
	        TR("server", "servidor"));
	if (c->proto == 6)
		fprintf(o->f, "  [%s]", cap_state_label(c->state));
	fprintf(o->f, "\n%12s   %s", TR("time (s)", "tiempo (s)"),
	        TR("client", "cliente"));
	w = cap_fmt_width(TR("client", "cliente"));
	repeat(o->f, " ", body_width(o) + 2 - w -
	       cap_fmt_width(TR("server", "servidor")));
	/* the two names end up over the two lifelines */
	fprintf(o->f, "%s\n", TR("server", "servidor"));
	for (i = 0; i < c->nsteps; i++)
		draw_step(o, g, c, &c->steps[i]);
	if (c->steps_dropped > 0)
		fprintf(o->f, TR("%12s   (%zu more not drawn)\n",
		                 "%12s   (%zu m\u00e1s sin dibujar)\n"), "",
		        c->steps_dropped);
}

void
cap_ladder_print(const struct cap_out *o, const struct cap_table *t)
{
	const struct glyphs *g = o->utf8 ? &utf8_glyphs : &ascii_glyphs;
	size_t i;

	for (i = 0; i < t->nall; i++)
		draw_conv(o, g, t->all[i]);
}
