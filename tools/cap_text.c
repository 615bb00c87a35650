/*
 * cap_text.c — one line per packet in plain words: number, relative time,
 * conversation, endpoints, flags, relative seq/ack, length, then what the
 * packet means for the lesson and the chat text it carried.
 */
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
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
print_chat(const struct cap_out *o, const struct cap_chat *chat)
{
	char clip[TEXT_CLIP + 8];
	size_t i;

	for (i = 0; i < chat->n; i++) {
		const struct cap_msg *m = &chat->msg[i];

		fprintf(o->f, "%s%s", i == 0 ? ": " : "; ", role_label(m->role));
		if (m->role == CAP_ROLE_COMMAND)
			fprintf(o->f, " /%s", m->kind == MSG_UNKNOWN
			        ? TR("unknown", "desconocida") : msg_kind_name(m->kind));
		if (m->role == CAP_ROLE_TOO_LONG || m->role == CAP_ROLE_EMPTY)
			continue;
		cap_fmt_clip(o, m->text, m->len, TEXT_CLIP, clip, sizeof(clip));
		fprintf(o->f, " %s\"%s\"%s", cap_color(o, CAP_C_TEXT), clip,
		        cap_color(o, CAP_C_RESET));
	}
	if (chat->total > chat->n)
		fprintf(o->f, TR(" (+%zu more)", " (y %zu m\u00e1s)"),
		        chat->total - chat->n);
	if (chat->pending > 0)
		fprintf(o->f, TR(" (+%zu bytes of an unfinished line)",
		                 " (+%zu bytes de una l\u00ednea sin terminar)"),
		        chat->pending);
}

static void
print_tcp_options(const struct cap_out *o, const struct cap_tcp_opts *opt)
{
	const char *sep = "";

	fprintf(o->f, " <");
	if (opt->has_mss) {
		fprintf(o->f, "mss %u", opt->mss);
		sep = ",";
	}
	if (opt->sack_ok) {
		fprintf(o->f, "%ssackOK", sep);
		sep = ",";
	}
	if (opt->has_ts) {
		fprintf(o->f, "%sTS", sep);
		sep = ",";
	}
	if (opt->has_wscale)
		fprintf(o->f, "%swscale %u", sep, opt->wscale);
	fprintf(o->f, "%s>", opt->bad ? " bad" : "");
}

/* What a TCP segment means, in words. */
static void
print_tcp_meaning(const struct cap_out *o, const struct cap_packet *p,
                  const struct cap_event *ev)
{
	char d[32];

	cap_fmt_duration(o, ev->rtt_us, d, sizeof(d));
	switch (ev->what) {
	case CAP_EV_SYN:
		fprintf(o->f, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 1/3 SYN: the client asks to connect",
		           "saludo 1/3 SYN: el cliente pide conectar"),
		        cap_color(o, CAP_C_RESET));
		print_tcp_options(o, &p->opt);
		break;
	case CAP_EV_SYN_ACK:
		fprintf(o->f, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 2/3 SYN-ACK: the server accepts",
		           "saludo 2/3 SYN-ACK: el servidor acepta"),
		        cap_color(o, CAP_C_RESET));
		if (ev->rtt_us >= 0)
			fprintf(o->f, TR(", %s after the SYN (a round trip if "
			                 "captured at the client)",
			                 ", %s tras el SYN (un viaje de ida y vuelta "
			                 "si se captura en el cliente)"), d);
		print_tcp_options(o, &p->opt);
		break;
	case CAP_EV_ESTABLISHED:
		fprintf(o->f, "%s%s%s", cap_color(o, CAP_C_HANDSHAKE),
		        TR("handshake 3/3 ACK: connection established",
		           "saludo 3/3 ACK: conexi\u00f3n establecida"),
		        cap_color(o, CAP_C_RESET));
		if (ev->rtt_us >= 0)
			fprintf(o->f, TR(", handshake %s since the SYN (iRTT)",
			                 ", saludo de %s desde el SYN (iRTT)"), d);
		break;
	case CAP_EV_DATA:
		fprintf(o->f, TR("data to the %s", "datos al %s"),
		        side(!ev->dir));
		break;
	case CAP_EV_ACK:
		fprintf(o->f, TR("ACK: the %s has received %" PRIu32 " bytes in "
		                 "all (cumulative)",
		                 "ACK: el %s ha recibido %" PRIu32 " bytes en "
		                 "total (acumulativo)"),
		        side(ev->dir), ev->rel_ack > 0 ? ev->rel_ack - 1 : 0);
		break;
	case CAP_EV_KEEPALIVE:
		fprintf(o->f, TR("keep-alive: is the %s still there?",
		                 "keep-alive: \u00bfsigue ah\u00ed el %s?"),
		        side(!ev->dir));
		break;
	case CAP_EV_FIN:
		fprintf(o->f, "%s", cap_color(o, CAP_C_TEARDOWN));
		fprintf(o->f, ev->fin_nr == 1
		        ? TR("teardown FIN: the %s has nothing more to send",
		             "cierre FIN: el %s no tiene m\u00e1s que enviar")
		        : TR("teardown FIN: the %s closes its side too",
		             "cierre FIN: el %s cierra tambi\u00e9n su lado"),
		        side(ev->dir));
		fprintf(o->f, "%s", cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_FIN_ACK:
		fprintf(o->f, TR("%steardown ACK of the %s's FIN%s",
		                 "%scierre ACK del FIN del %s%s"),
		        cap_color(o, CAP_C_TEARDOWN), side(!ev->dir),
		        cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_RST:
		fprintf(o->f, TR("%sRST: the %s aborts the connection%s",
		                 "%sRST: el %s aborta la conexi\u00f3n%s"),
		        cap_color(o, CAP_C_PROBLEM), side(ev->dir),
		        cap_color(o, CAP_C_RESET));
		break;
	case CAP_EV_REFUSED:
		fprintf(o->f, TR("%sRST: connection refused, nothing listens on "
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
		fprintf(o->f, "%s", TR(", connection closed",
		                       ", conexi\u00f3n cerrada"));
}

static void
print_problem(const struct cap_out *o, const struct cap_packet *p,
              const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	const char *why = p->why != NULL ? p->why : "?";

	if (ev->what == CAP_EV_TRUNCATED)
		fprintf(o->f, TR("%struncated%s: the capture stops inside the %s "
		                 "(%zu of %zu bytes captured)",
		                 "%struncado%s: la captura acaba dentro de %s "
		                 "(%zu de %zu bytes capturados)"),
		        cap_color(o, CAP_C_PROBLEM), cap_color(o, CAP_C_RESET),
		        why, caplen, wirelen);
	else if (ev->what == CAP_EV_INVALID)
		fprintf(o->f, TR("%sinvalid%s: bad %s", "%sno v\u00e1lido%s: %s "
		                 "incorrecto"),
		        cap_color(o, CAP_C_PROBLEM), cap_color(o, CAP_C_RESET), why);
	else
		fprintf(o->f, TR("%sother%s: not chat traffic (%s)",
		                 "%sotro%s: no es tr\u00e1fico del chat (%s)"),
		        cap_color(o, CAP_C_DIM), cap_color(o, CAP_C_RESET), why);
}

/* Wireshark's analysis of a segment in plain words, one tag per flag. */
static void
print_analysis(const struct cap_out *o, const struct cap_event *ev)
{
	const struct cap_ana *a = &ev->ana;
	char d[32];

	if (a->flags & CAP_A_FAST_RETRANS)
		fprintf(o->f, TR(" [fast retransmission: sent again at once after "
		                 "duplicate ACKs]",
		                 " [retransmisi\u00f3n r\u00e1pida: reenviado enseguida "
		                 "tras ACK duplicados]"));
	else if (a->flags & CAP_A_SPURIOUS_RETRANS)
		fprintf(o->f, TR(" [spurious retransmission: these bytes were "
		                 "already acknowledged]",
		                 " [retransmisi\u00f3n innecesaria: estos bytes ya se "
		                 "hab\u00edan confirmado]"));
	else if (a->flags & CAP_A_RETRANSMISSION && ev->retransmission)
		fprintf(o->f, TR(" [retransmission: these bytes go again]",
		                 " [retransmisi\u00f3n: estos bytes van de nuevo]"));
	else if (a->flags & CAP_A_RETRANSMISSION)
		fprintf(o->f, TR(" [retransmission for Wireshark; these bytes were "
		                 "not seen before]",
		                 " [retransmisi\u00f3n para Wireshark; estos bytes no "
		                 "se hab\u00edan visto]"));
	else if (ev->retransmission)
		fprintf(o->f, TR(" [retransmission]", " [retransmisi\u00f3n]"));
	if (a->resent_frame != 0)
		fprintf(o->f, TR(" [first sent in packet %" PRIu64 "]",
		                 " [enviado primero en el paquete %" PRIu64 "]"),
		        a->resent_frame);
	if (a->flags & CAP_A_OUT_OF_ORDER)
		fprintf(o->f, TR(" [out of order: arrives after later bytes]",
		                 " [fuera de orden: llega tras bytes posteriores]"));
	if (a->flags & CAP_A_LOST_SEGMENT)
		fprintf(o->f, TR(" [previous segment not captured: bytes before "
		                 "these are missing]",
		                 " [segmento anterior no capturado: faltan bytes "
		                 "antes de estos]"));
	if (a->flags & CAP_A_DUP_ACK)
		fprintf(o->f, TR(" [duplicate ACK #%" PRIu32 " of packet %" PRIu64
		                 ": still waiting for the same byte]",
		                 " [ACK duplicado n.\u00ba %" PRIu32 " del paquete %"
		                 PRIu64 ": sigue esperando el mismo byte]"),
		        a->dup_ack_n, a->dup_ack_of);
	if (a->flags & CAP_A_ACK_LOST_SEGMENT)
		fprintf(o->f, TR(" [ACK of a segment not captured]",
		                 " [ACK de un segmento no capturado]"));
	if (a->flags & CAP_A_ZERO_WINDOW_PROBE)
		fprintf(o->f, TR(" [zero window probe: one byte to see if the "
		                 "window opened]",
		                 " [sonda de ventana cero: un byte para ver si se "
		                 "abri\u00f3 la ventana]"));
	if (a->flags & CAP_A_ZERO_WINDOW)
		fprintf(o->f, TR(" [zero window: the receiver's buffer is full, "
		                 "stop sending]",
		                 " [ventana cero: el b\u00fafer del receptor est\u00e1 "
		                 "lleno, no enviar m\u00e1s]"));
	if (a->flags & CAP_A_ZERO_WINDOW_PROBE_ACK)
		fprintf(o->f, TR(" [ACK of the zero window probe: still full]",
		                 " [ACK de la sonda de ventana cero: sigue lleno]"));
	if (a->flags & CAP_A_WINDOW_FULL)
		fprintf(o->f, TR(" [window full: all the window the receiver "
		                 "offered is in use]",
		                 " [ventana llena: se usa toda la ventana que "
		                 "ofreci\u00f3 el receptor]"));
	if (a->flags & CAP_A_WINDOW_UPDATE)
		fprintf(o->f, TR(" [window update: the receiver has room again]",
		                 " [actualizaci\u00f3n de ventana: el receptor vuelve "
		                 "a tener sitio]"));
	if (a->flags & CAP_A_KEEP_ALIVE_ACK)
		fprintf(o->f, TR(" [keep-alive ACK: still here]",
		                 " [ACK de keep-alive: sigue aqu\u00ed]"));
	if (a->ack_rtt_us >= 0 && ev->what != CAP_EV_SYN_ACK &&
	    ev->what != CAP_EV_ESTABLISHED) {
		cap_fmt_duration(o, a->ack_rtt_us, d, sizeof(d));
		fprintf(o->f, TR(" [acknowledges packet %" PRIu64 " after %s]",
		                 " [confirma el paquete %" PRIu64 " tras %s]"),
		        a->acks_frame, d);
	}
}

void
cap_text_packet(const struct cap_out *o, uint64_t n, int64_t rel_us,
                const struct cap_packet *p, const struct cap_event *ev,
                size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;
	char t[32], flags[12];

	cap_fmt_seconds(rel_us, t, sizeof(t));
	fprintf(o->f, "%4" PRIu64 " %s ", n, t);
	if (c == NULL) {
		fprintf(o->f, "        ");
		print_problem(o, p, ev, caplen, wirelen);
		fputc('\n', o->f);
		return;
	}
	fprintf(o->f, "%s%s#%u%s %s %s %s ",
	        cap_color(o, c->proto == 6 ? CAP_C_BOLD : CAP_C_UDP),
	        c->proto == 6 ? "TCP" : "UDP", c->id, cap_color(o, CAP_C_RESET),
	        c->name[ev->dir], cap_arrow(o), c->name[!ev->dir]);
	if (c->proto == 6) {
		cap_fmt_flags(p->flags, flags);
		fprintf(o->f, "[%s] seq=%" PRIu32, flags, ev->rel_seq);
		if (ev->has_ack)
			fprintf(o->f, " ack=%" PRIu32, ev->rel_ack);
		fprintf(o->f, " win=%" PRIu32 " len=%zu  ", ev->win, p->payload_len);
		print_tcp_meaning(o, p, ev);
	} else {
		fprintf(o->f, "len=%zu  %s%s%s", p->payload_len,
		        cap_color(o, CAP_C_UDP),
		        TR("datagram, no handshake, no acknowledgement",
		           "datagrama, sin saludo, sin acuse de recibo"),
		        cap_color(o, CAP_C_RESET));
	}
	print_chat(o, &ev->chat);
	if (c->proto == 6) {
		fprintf(o->f, "%s", cap_color(o, CAP_C_PROBLEM));
		print_analysis(o, ev);
		fprintf(o->f, "%s", cap_color(o, CAP_C_RESET));
	}
	if (p->hdr_cut != NULL)
		fprintf(o->f, TR(" [header cut by the snapshot length: %s not "
		                 "captured]",
		                 " [cabecera cortada por la longitud de captura: "
		                 "%s sin capturar]"),
		        strcmp(p->hdr_cut, "TCP options") == 0
		        ? TR("TCP options", "opciones TCP") : p->hdr_cut);
	if (ev->payload_cut)
		fprintf(o->f, TR(" [payload cut by the snapshot length: %zu of %zu "
		                 "bytes captured]",
		                 " [datos cortados por la longitud de captura: %zu "
		                 "de %zu bytes]"),
		        p->payload_caplen, p->payload_len);
	fputc('\n', o->f);
}
