/*
 * cap_text.c — one line per packet in plain words: number, relative time,
 * conversation, endpoints, flags, relative seq/ack, length, then what the
 * packet means for the lesson and the chat text it carried.
 */
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
#include "cap_explain.h"
#include "cap_line.h"
#include "cap_text.h"

#define TEXT_CLIP 72 /* bytes of one chat message shown on a packet line */

/* "the client" / "the server" as the sender of direction dir. */
static const char *
side(int dir)
{
	return dir == 0 ? TR("client", "cliente") : TR("server", "servidor");
}

static const char *
role_label(enum cap_role r)
{
	switch (r) {
	case CAP_ROLE_NICKNAME: return TR("nickname", "apodo");
	case CAP_ROLE_CHAT:     return TR("chat", "chat");
	case CAP_ROLE_COMMAND:  return TR("command", "orden");
	case CAP_ROLE_EMPTY:    return TR("empty line", "l\u00ednea vac\u00eda");
	case CAP_ROLE_NOTICE:   return TR("notice", "aviso");
	case CAP_ROLE_RELAY:    return TR("relayed chat", "chat reenviado");
	case CAP_ROLE_TOO_LONG:
		return TR("over 1024 bytes, dropped by the server",
		          "m\u00e1s de 1024 bytes, el servidor lo descarta");
	}
	return "?";
}

/* The messages a packet completed: nickname "ana"; chat "hola" ... */
static void
print_chat(const struct cap_out *o, struct cap_line *l,
           const struct cap_chat *chat)
{
	char clip[TEXT_CLIP + 8];
	size_t i;

	for (i = 0; i < chat->n; i++) {
		const struct cap_msg *m = &chat->msg[i];

		cap_line_str(l, i == 0 ? ": " : "; ");
		cap_line_str(l, role_label(m->role));
		if (m->role == CAP_ROLE_COMMAND)
			cap_line_fmt(l, " /%s", m->kind == MSG_UNKNOWN
			        ? TR("unknown", "desconocida") : msg_kind_name(m->kind));
		if (m->role == CAP_ROLE_TOO_LONG || m->role == CAP_ROLE_EMPTY)
			continue;
		cap_line_ch(l, ' ');
		cap_line_str(l, cap_color(o, CAP_C_TEXT));
		cap_line_ch(l, '"');
		cap_line_mem(l, clip, cap_fmt_clip(o, m->text, m->len, TEXT_CLIP,
		                                   clip, sizeof(clip)));
		cap_line_ch(l, '"');
		cap_line_str(l, cap_color(o, CAP_C_RESET));
	}
	if (chat->total > chat->n)
		cap_line_fmt(l, TR(" (+%zu more)", " (y %zu m\u00e1s)"),
		        chat->total - chat->n);
	if (chat->held)
		cap_line_str(l, TR(" (waits for the missing bytes before it)",
		                   " (espera a los bytes que faltan antes)"));
	if (chat->pending > 0)
		cap_line_fmt(l, TR(" (+%zu bytes of an unfinished line)",
		                 " (+%zu bytes de una l\u00ednea sin terminar)"),
		        chat->pending);
}

static void
print_tcp_options(struct cap_line *l, const struct cap_tcp_opts *opt)
{
	const char *sep = "";

	cap_line_fmt(l, " <");
	if (opt->has_mss) {
		cap_line_fmt(l, "mss %u", opt->mss);
		sep = ",";
	}
	if (opt->sack_ok) {
		cap_line_fmt(l, "%ssackOK", sep);
		sep = ",";
	}
	if (opt->has_ts) {
		cap_line_fmt(l, "%sTS", sep);
		sep = ",";
	}
	if (opt->has_wscale)
		cap_line_fmt(l, "%swscale %u", sep, opt->wscale);
	cap_line_fmt(l, "%s>", opt->bad ? " bad" : "");
}

/* One step of the handshake in words, in the handshake's colour. */
static void
print_step(const struct cap_out *o, struct cap_line *l, const char *text)
{
	cap_line_fmt(l, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE), text,
	             cap_color(o, CAP_C_RESET));
}

/* The three segments of the handshake, in words. */
static void
print_handshake(const struct cap_out *o, struct cap_line *l,
                const struct cap_packet *p, const struct cap_event *ev)
{
	char d[32];

	if (ev->rtt_us >= 0)
		cap_fmt_duration(o, ev->rtt_us, d, sizeof(d));
	switch (ev->what) {
	case CAP_EV_SYN:
		print_step(o, l, TR("handshake 1/3 SYN: the client asks to "
		                    "connect",
		                    "saludo 1/3 SYN: el cliente pide conectar"));
		print_tcp_options(l, &p->opt);
		break;
	case CAP_EV_SYN_ACK:
		print_step(o, l, TR("handshake 2/3 SYN-ACK: the server accepts",
		                    "saludo 2/3 SYN-ACK: el servidor acepta"));
		if (ev->rtt_us >= 0)
			cap_line_fmt(l, TR(", %s after the SYN (a round trip if "
			                 "captured at the client)",
			                 ", %s tras el SYN (un viaje de ida y vuelta "
			                 "si se captura en el cliente)"), d);
		print_tcp_options(l, &p->opt);
		break;
	case CAP_EV_ESTABLISHED:
		print_step(o, l, TR("handshake 3/3 ACK: connection established",
		                    "saludo 3/3 ACK: conexi\u00f3n establecida"));
		if (ev->rtt_us >= 0)
			cap_line_fmt(l, TR(", handshake %s since the SYN (iRTT)",
			                 ", saludo de %s desde el SYN (iRTT)"), d);
		break;
	default:
		break;
	}
}

/* A FIN, its ACK, a reset or a refusal, in words. */
static void
print_teardown(const struct cap_out *o, struct cap_line *l,
               const struct cap_packet *p, const struct cap_event *ev)
{
	switch (ev->what) {
	case CAP_EV_FIN:
		cap_line_fmt(l, "%s", cap_color(o, CAP_C_TEARDOWN));
		cap_line_fmt(l, ev->fin_nr == 1
		        ? TR("teardown FIN: the %s has nothing more to send",
		             "cierre FIN: el %s no tiene m\u00e1s que enviar")
		        : TR("teardown FIN: the %s closes its side too",
		             "cierre FIN: el %s cierra tambi\u00e9n su lado"),
		        side(ev->dir));
		cap_line_fmt(l, "%s", cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_FIN_ACK:
		cap_line_fmt(l, TR("%steardown ACK of the %s's FIN%s",
		                 "%scierre ACK del FIN del %s%s"),
		        cap_color(o, CAP_C_TEARDOWN), side(!ev->dir),
		        cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_RST:
		cap_line_fmt(l, TR("%sRST: the %s aborts the connection%s",
		                 "%sRST: el %s aborta la conexi\u00f3n%s"),
		        cap_color(o, CAP_C_PROBLEM), side(ev->dir),
		        cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_REFUSED:
		cap_line_fmt(l, TR("%sRST: connection refused, nothing listens on "
		                 "port %u%s",
		                 "%sRST: conexi\u00f3n rechazada, nadie escucha en "
		                 "el puerto %u%s"),
		        cap_color(o, CAP_C_PROBLEM), p->sport,
		        cap_color(o, CAP_C_RESET));
		break;
	default:
		break;
	}
}

/* What a TCP segment means, in words. */
static void
print_tcp_meaning(const struct cap_out *o, struct cap_line *l,
                  const struct cap_packet *p,
                  const struct cap_event *ev)
{
	switch (ev->what) {
	case CAP_EV_SYN:
	case CAP_EV_SYN_ACK:
	case CAP_EV_ESTABLISHED:
		print_handshake(o, l, p, ev);
		break;
	case CAP_EV_DATA:
		cap_line_str(l, TR("data to the ", "datos al "));
		cap_line_str(l, side(!ev->dir));
		break;
	case CAP_EV_ACK:
		cap_line_str(l, TR("ACK: the ", "ACK: el "));
		cap_line_str(l, side(ev->dir));
		cap_line_str(l, TR(" has received ", " ha recibido "));
		cap_line_u64(l, ev->rel_ack > 0 ? ev->rel_ack - 1 : 0, 1);
		cap_line_str(l, TR(" bytes in all (cumulative)",
		                   " bytes en total (acumulativo)"));
		break;
	case CAP_EV_KEEPALIVE:
		cap_line_fmt(l, TR("keep-alive: is the %s still there?",
		                 "keep-alive: \u00bfsigue ah\u00ed el %s?"),
		        side(!ev->dir));
		break;
	case CAP_EV_FIN:
	case CAP_EV_FIN_ACK:
	case CAP_EV_RST:
	case CAP_EV_REFUSED:
		print_teardown(o, l, p, ev);
		break;
	default:
		break;
	}
	if (ev->closes)
		cap_line_fmt(l, "%s", TR(", connection closed",
		                       ", conexi\u00f3n cerrada"));
}

static void
print_problem(const struct cap_out *o, struct cap_line *l,
              const struct cap_packet *p,
              const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	const char *why = p->why != NULL ? p->why : "?";

	if (ev->what == CAP_EV_ICMP) {
		cap_explain_icmp(o, l, p, ev);
		return;
	}
	if (ev->what == CAP_EV_FRAGMENT) {
		cap_explain_fragment(o, l, p, ev);
	} else if (ev->what == CAP_EV_TRUNCATED)
		cap_line_fmt(l, TR("%struncated%s: the capture stops inside the %s "
		                 "(%zu of %zu bytes captured)",
		                 "%struncado%s: la captura acaba dentro de %s "
		                 "(%zu de %zu bytes capturados)"),
		        cap_color(o, CAP_C_PROBLEM), cap_color(o, CAP_C_RESET),
		        why, caplen, wirelen);
	else if (ev->what == CAP_EV_INVALID)
		cap_line_fmt(l, TR("%sinvalid%s: bad %s", "%sno v\u00e1lido%s: %s "
		                 "incorrecto"),
		        cap_color(o, CAP_C_PROBLEM), cap_color(o, CAP_C_RESET), why);
	else
		cap_line_fmt(l, TR("%sother%s: not chat traffic (%s)",
		                 "%sotro%s: no es tr\u00e1fico del chat (%s)"),
		        cap_color(o, CAP_C_DIM), cap_color(o, CAP_C_RESET), why);
}

/* A TCP segment's columns: flags, relative seq and ack, window, length. */
static void
print_tcp_columns(struct cap_line *l, const struct cap_packet *p,
                  const struct cap_event *ev)
{
	char flags[12];

	cap_fmt_flags(p->flags, flags);
	cap_line_ch(l, '[');
	cap_line_str(l, flags);
	cap_line_str(l, "] seq=");
	cap_line_u64(l, ev->rel_seq, 1);
	if (ev->has_ack) {
		cap_line_str(l, " ack=");
		cap_line_u64(l, ev->rel_ack, 1);
	}
	cap_line_str(l, " win=");
	cap_line_u64(l, ev->win, 1);
	cap_line_str(l, " len=");
	cap_line_u64(l, p->payload_len, 1);
	cap_line_str(l, "  ");
}

/* What the capture cut or IP reassembled, after the rest of the line. */
static void
print_cuts(struct cap_line *l, const struct cap_packet *p,
           const struct cap_event *ev)
{
	if (p->hdr_cut != NULL)
		cap_line_fmt(l, TR(" [header cut by the snapshot length: %s not "
		                 "captured]",
		                 " [cabecera cortada por la longitud de captura: "
		                 "%s sin capturar]"),
		        strcmp(p->hdr_cut, "TCP options") == 0
		        ? TR("TCP options", "opciones TCP") : p->hdr_cut);
	if (p->frags > 0)
		cap_line_fmt(l, TR(" [reassembled from %u IP fragments]",
		                   " [reensamblado de %u fragmentos IP]"), p->frags);
	if (ev->payload_cut)
		cap_line_fmt(l, TR(" [payload cut by the snapshot length: %zu of %zu "
		                 "bytes captured]",
		                 " [datos cortados por la longitud de captura: %zu "
		                 "de %zu bytes]"),
		        p->payload_caplen, p->payload_len);
}

void
cap_text_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                int64_t rel_us,
                const struct cap_packet *p, const struct cap_event *ev,
                size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;

	/* The hot path: appended piece by piece, no printf. */
	cap_line_u64(l, n, 4);
	cap_line_ch(l, ' ');
	cap_line_seconds(l, rel_us);
	cap_line_ch(l, ' ');
	if (c == NULL) {
		cap_line_str(l, "        ");
		print_problem(o, l, p, ev, caplen, wirelen);
		return;
	}
	cap_line_str(l, cap_color(o, c->proto == 6 ? CAP_C_BOLD : CAP_C_UDP));
	cap_line_str(l, c->proto == 6 ? "TCP#" : "UDP#");
	cap_line_u64(l, c->id, 1);
	cap_line_str(l, cap_color(o, CAP_C_RESET));
	cap_line_ch(l, ' ');
	cap_line_str(l, c->name[ev->dir]);
	cap_line_ch(l, ' ');
	cap_line_str(l, cap_arrow(o));
	cap_line_ch(l, ' ');
	cap_line_str(l, c->name[!ev->dir]);
	cap_line_ch(l, ' ');
	if (c->proto == 6) {
		print_tcp_columns(l, p, ev);
		print_tcp_meaning(o, l, p, ev);
	} else {
		cap_line_str(l, "len=");
		cap_line_u64(l, p->payload_len, 1);
		cap_line_str(l, "  ");
		cap_line_str(l, cap_color(o, CAP_C_UDP));
		cap_line_str(l, TR("datagram, no handshake, no acknowledgement",
		                   "datagrama, sin saludo, sin acuse de recibo"));
		cap_line_str(l, cap_color(o, CAP_C_RESET));
	}
	print_chat(o, l, &ev->chat);
	if (ev->nick_fixed)
		cap_line_fmt(l, TR(" [the server names the nickname \"%s\", not "
		                   "\"%s\": it read those bytes as one message]",
		                   " [el servidor nombra el apodo \"%s\", no \"%s\": "
		                   "ley\u00f3 esos bytes como un solo mensaje]"),
		             ev->chat.said_nick, ev->nick_was);
	if (c->proto == 6 && (ev->ana.flags != 0 || ev->retransmission ||
	                      ev->ana.resent_frame != 0 ||
	                      ev->ana.ack_rtt_us >= 0)) {
		cap_line_str(l, cap_color(o, CAP_C_PROBLEM));
		cap_explain_analysis(o, l, ev);
		cap_line_str(l, cap_color(o, CAP_C_RESET));
	}
	print_cuts(l, p, ev);
}
