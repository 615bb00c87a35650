/*
 * cap_text.c — one line per packet in plain words: number, relative time,
 * conversation, endpoints, flags, relative seq/ack, length, then what the
 * packet means for the lesson and the chat text it carried.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
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

/* What a TCP segment means, in words. */
static void
print_tcp_meaning(const struct cap_out *o, struct cap_line *l,
                  const struct cap_packet *p,
                  const struct cap_event *ev)
{
	char d[32];

	if (ev->rtt_us >= 0)
		cap_fmt_duration(o, ev->rtt_us, d, sizeof(d));
	switch (ev->what) {
	case CAP_EV_SYN:
		cap_line_fmt(l, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 1/3 SYN: the client asks to connect",
		           "saludo 1/3 SYN: el cliente pide conectar"),
		        cap_color(o, CAP_C_RESET));
		print_tcp_options(l, &p->opt);
		break;
	case CAP_EV_SYN_ACK:
		cap_line_fmt(l, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 2/3 SYN-ACK: the server accepts",
		           "saludo 2/3 SYN-ACK: el servidor acepta"),
		        cap_color(o, CAP_C_RESET));
		if (ev->rtt_us >= 0)
			cap_line_fmt(l, TR(", %s after the SYN (a round trip if "
			                 "captured at the client)",
			                 ", %s tras el SYN (un viaje de ida y vuelta "
			                 "si se captura en el cliente)"), d);
		print_tcp_options(l, &p->opt);
		break;
	case CAP_EV_ESTABLISHED:
		cap_line_fmt(l, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 3/3 ACK: connection established",
		           "saludo 3/3 ACK: conexi\u00f3n establecida"),
		        cap_color(o, CAP_C_RESET));
		if (ev->rtt_us >= 0)
			cap_line_fmt(l, TR(", handshake %s since the SYN (iRTT)",
			                 ", saludo de %s desde el SYN (iRTT)"), d);
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
	if (ev->closes)
		cap_line_fmt(l, "%s", TR(", connection closed",
		                       ", conexi\u00f3n cerrada"));
}

/* What an ICMP error says, in words. */
static const char *
icmp_meaning(const struct cap_packet *p)
{
	bool v4 = p->proto == 1;
	uint8_t t = p->icmp_type, c = p->icmp_code;

	if ((v4 && t == 3 && c == 3) || (!v4 && t == 1 && c == 4))
		return TR("port unreachable: nothing listens on that port",
		          "puerto inalcanzable: nadie escucha en ese puerto");
	if ((v4 && t == 3 && c == 1) || (!v4 && t == 1 && c == 3))
		return TR("host unreachable", "m\u00e1quina inalcanzable");
	if ((v4 && t == 3) || (!v4 && t == 1))
		return TR("destination unreachable", "destino inalcanzable");
	if ((v4 && t == 11) || (!v4 && t == 3))
		return TR("time exceeded (TTL ran out)",
		          "tiempo excedido (se agot\u00f3 el TTL)");
	if (!v4 && t == 2)
		return TR("packet too big for the path MTU",
		          "paquete demasiado grande para la MTU del camino");
	return TR("error", "error");
}

static void
print_icmp(const struct cap_out *o, struct cap_line *l,
           const struct cap_packet *p, const struct cap_event *ev)
{
	const struct cap_conv *c = ev->icmp_conv;
	char a[2][48];
	int af = p->family == 4 ? AF_INET : AF_INET6;

	inet_ntop(af, p->src, a[0], sizeof(a[0]));
	inet_ntop(af, p->dst, a[1], sizeof(a[1]));
	cap_line_fmt(l, "%s %s %s  %s%s %u/%u%s: %s", a[0], cap_arrow(o), a[1],
	             cap_color(o, CAP_C_PROBLEM), p->proto == 1 ? "ICMP" : "ICMPv6",
	             p->icmp_type, p->icmp_code, cap_color(o, CAP_C_RESET),
	             icmp_meaning(p));
	if (c != NULL)
		cap_line_fmt(l, TR(" (answers %s#%u, %s %s %s%s)",
		                   " (responde a %s#%u, %s %s %s%s)"),
		             c->proto == 6 ? "TCP" : "UDP", c->id, c->name[ev->dir],
		             cap_arrow(o), c->name[!ev->dir],
		             c->proto == 17 && p->icmp_type == (p->proto == 1 ? 3 : 1)
		             ? TR("; a connected UDP socket gets ECONNREFUSED",
		                  "; un socket UDP conectado recibe ECONNREFUSED")
		             : "");
	else
		cap_line_fmt(l, TR(" (answers a %s packet to port %u not "
		                   "captured)",
		                   " (responde a un paquete %s al puerto %u no "
		                   "capturado)"),
		             p->q_proto == 6 ? "TCP" : "UDP", p->q_dport);
}

static void
print_problem(const struct cap_out *o, struct cap_line *l,
              const struct cap_packet *p,
              const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	const char *why = p->why != NULL ? p->why : "?";

	if (ev->what == CAP_EV_ICMP) {
		print_icmp(o, l, p, ev);
		return;
	}
	if (ev->what == CAP_EV_FRAGMENT) {
		char a[2][48];

		inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->src, a[0],
		          sizeof(a[0]));
		inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->dst, a[1],
		          sizeof(a[1]));
		cap_line_fmt(l, TR("%s %s %s  IP fragment: bytes %zu-%zu of datagram "
		                   "0x%" PRIx32 " (%s), %u piece(s) so far; waits "
		                   "for the rest",
		                   "%s %s %s  fragmento IP: bytes %zu-%zu del "
		                   "datagrama 0x%" PRIx32 " (%s), %u trozo(s) por "
		                   "ahora; espera al resto"),
		             a[0], cap_arrow(o), a[1], p->frag_off,
		             p->frag_off + p->payload_len - (p->payload_len > 0),
		             p->frag_id,
		             p->frag_more ? TR("more follow", "siguen m\u00e1s")
		                          : TR("the last", "el \u00faltimo"),
		             ev->frag_seen);
		if (p->why != NULL && strcmp(p->why, "IPv4 fragment") != 0 &&
		    strcmp(p->why, "IPv6 fragment") != 0)
			cap_line_fmt(l, " (%s)", p->why);
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

/* Wireshark's analysis of a segment in plain words, one tag per flag. */
static void
print_analysis(const struct cap_out *o, struct cap_line *l,
               const struct cap_event *ev)
{
	const struct cap_ana *a = &ev->ana;
	char d[32];

	if (a->flags & CAP_A_FAST_RETRANS)
		cap_line_fmt(l, TR(" [fast retransmission: sent again at once after "
		                 "duplicate ACKs]",
		                 " [retransmisi\u00f3n r\u00e1pida: reenviado enseguida "
		                 "tras ACK duplicados]"));
	else if (a->flags & CAP_A_SPURIOUS_RETRANS)
		cap_line_fmt(l, TR(" [spurious retransmission: these bytes were "
		                 "already acknowledged]",
		                 " [retransmisi\u00f3n innecesaria: estos bytes ya se "
		                 "hab\u00edan confirmado]"));
	else if (a->flags & CAP_A_RETRANSMISSION && ev->retransmission)
		cap_line_fmt(l, TR(" [retransmission: these bytes go again]",
		                 " [retransmisi\u00f3n: estos bytes van de nuevo]"));
	else if (a->flags & CAP_A_RETRANSMISSION)
		cap_line_fmt(l, TR(" [retransmission for Wireshark; these bytes were "
		                 "not seen before]",
		                 " [retransmisi\u00f3n para Wireshark; estos bytes no "
		                 "se hab\u00edan visto]"));
	else if (ev->retransmission)
		cap_line_fmt(l, TR(" [retransmission]", " [retransmisi\u00f3n]"));
	if (a->resent_frame != 0)
		cap_line_fmt(l, TR(" [first sent in packet %" PRIu64 "]",
		                 " [enviado primero en el paquete %" PRIu64 "]"),
		        a->resent_frame);
	if (a->flags & CAP_A_OUT_OF_ORDER)
		cap_line_fmt(l, TR(" [out of order: arrives after later bytes]",
		                 " [fuera de orden: llega tras bytes posteriores]"));
	if (a->flags & CAP_A_LOST_SEGMENT)
		cap_line_fmt(l, TR(" [previous segment not captured: bytes before "
		                 "these are missing]",
		                 " [segmento anterior no capturado: faltan bytes "
		                 "antes de estos]"));
	if (a->flags & CAP_A_DUP_ACK)
		cap_line_fmt(l, TR(" [duplicate ACK #%" PRIu32 " of packet %" PRIu64
		                 ": still waiting for the same byte]",
		                 " [ACK duplicado n.\u00ba %" PRIu32 " del paquete %"
		                 PRIu64 ": sigue esperando el mismo byte]"),
		        a->dup_ack_n, a->dup_ack_of);
	if (a->flags & CAP_A_ACK_LOST_SEGMENT)
		cap_line_fmt(l, TR(" [ACK of a segment not captured]",
		                 " [ACK de un segmento no capturado]"));
	if (a->flags & CAP_A_ZERO_WINDOW_PROBE)
		cap_line_fmt(l, TR(" [zero window probe: one byte to see if the "
		                 "window opened]",
		                 " [sonda de ventana cero: un byte para ver si se "
		                 "abri\u00f3 la ventana]"));
	if (a->flags & CAP_A_ZERO_WINDOW)
		cap_line_fmt(l, TR(" [zero window: the receiver's buffer is full, "
		                 "stop sending]",
		                 " [ventana cero: el b\u00fafer del receptor est\u00e1 "
		                 "lleno, no enviar m\u00e1s]"));
	if (a->flags & CAP_A_ZERO_WINDOW_PROBE_ACK)
		cap_line_fmt(l, TR(" [ACK of the zero window probe: still full]",
		                 " [ACK de la sonda de ventana cero: sigue lleno]"));
	if (a->flags & CAP_A_WINDOW_FULL)
		cap_line_fmt(l, TR(" [window full: all the window the receiver "
		                 "offered is in use]",
		                 " [ventana llena: se usa toda la ventana que "
		                 "ofreci\u00f3 el receptor]"));
	if (a->flags & CAP_A_WINDOW_UPDATE)
		cap_line_fmt(l, TR(" [window update: the receiver has room again]",
		                 " [actualizaci\u00f3n de ventana: el receptor vuelve "
		                 "a tener sitio]"));
	if (a->flags & CAP_A_KEEP_ALIVE_ACK)
		cap_line_fmt(l, TR(" [keep-alive ACK: still here]",
		                 " [ACK de keep-alive: sigue aqu\u00ed]"));
	if (a->ack_rtt_us >= 0 && ev->what != CAP_EV_SYN_ACK &&
	    ev->what != CAP_EV_ESTABLISHED) {
		cap_fmt_duration(o, a->ack_rtt_us, d, sizeof(d));
		cap_line_str(l, TR(" [acknowledges packet ",
		                   " [confirma el paquete "));
		cap_line_u64(l, a->acks_frame, 1);
		cap_line_str(l, TR(" after ", " tras "));
		cap_line_str(l, d);
		cap_line_ch(l, ']');
	}
}

void
cap_text_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                int64_t rel_us,
                const struct cap_packet *p, const struct cap_event *ev,
                size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;
	char flags[12];

	/* The hot path: appended piece by piece, no printf. */
	cap_line_u64(l, n, 4);
	cap_line_ch(l, ' ');
	cap_line_u64(l, (uint64_t)(rel_us < 0 ? 0 : rel_us / 1000000), 1);
	cap_line_ch(l, '.');
	cap_line_u64(l, (uint64_t)(rel_us < 0 ? 0 : rel_us % 1000000) + 1000000,
	             7);
	memmove(l->buf + l->n - 7, l->buf + l->n - 6, 6);  /* drop the "1" */
	l->n--;
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
	if (c->proto == 6 && (ev->ana.flags != 0 || ev->retransmission ||
	                      ev->ana.resent_frame != 0 ||
	                      ev->ana.ack_rtt_us >= 0)) {
		cap_line_str(l, cap_color(o, CAP_C_PROBLEM));
		print_analysis(o, l, ev);
		cap_line_str(l, cap_color(o, CAP_C_RESET));
	}
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
