/*
 * cap_explain.c — the longer explanations of a packet line: Wireshark's
 * TCP analysis flags in plain words, ICMP errors, IP fragments. The rest
 * of the line is cap_text.c's.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
#include "cap_explain.h"

/* The bytes of a segment: sent again (and why), out of order, or after a
 * gap in the capture. */
static void
explain_sending(struct cap_line *l, const struct cap_event *ev)
{
	const struct cap_ana *a = &ev->ana;

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
	if ((a->flags & CAP_A_LOST_SEGMENT) && ev->capture_gap)
		cap_line_str(l, TR(" [bytes before these not seen: the capture "
		                   "dropped packets here]",
		                   " [bytes anteriores no vistos: la captura "
		                   "perdi\u00f3 paquetes aqu\u00ed]"));
	else if (a->flags & CAP_A_LOST_SEGMENT)
		cap_line_fmt(l, TR(" [previous segment not captured: bytes before "
		                 "these are missing]",
		                 " [segmento anterior no capturado: faltan bytes "
		                 "antes de estos]"));
}

/* The receiver's window: zero and its probes, full, opened again; one tag
 * per flag, in this order. */
static const struct {
	unsigned    flag;
	const char *en, *es;
} window_tags[] = {
	{ CAP_A_ZERO_WINDOW_PROBE,
	  " [zero window probe: one byte to see if the window opened]",
	  " [sonda de ventana cero: un byte para ver si se abri\u00f3 la "
	  "ventana]" },
	{ CAP_A_ZERO_WINDOW,
	  " [zero window: the receiver's buffer is full, stop sending]",
	  " [ventana cero: el b\u00fafer del receptor est\u00e1 lleno, no "
	  "enviar m\u00e1s]" },
	{ CAP_A_ZERO_WINDOW_PROBE_ACK,
	  " [ACK of the zero window probe: still full]",
	  " [ACK de la sonda de ventana cero: sigue lleno]" },
	{ CAP_A_WINDOW_FULL,
	  " [window full: all the window the receiver offered is in use]",
	  " [ventana llena: se usa toda la ventana que ofreci\u00f3 el "
	  "receptor]" },
	{ CAP_A_WINDOW_UPDATE,
	  " [window update: the receiver has room again]",
	  " [actualizaci\u00f3n de ventana: el receptor vuelve a tener "
	  "sitio]" },
};

static void
explain_window(struct cap_line *l, const struct cap_ana *a)
{
	size_t i;

	for (i = 0; i < sizeof(window_tags) / sizeof(window_tags[0]); i++)
		if (a->flags & window_tags[i].flag)
			cap_line_str(l, TR(window_tags[i].en, window_tags[i].es));
}

/* Wireshark's analysis of a segment in plain words, one tag per flag. */
void
cap_explain_analysis(const struct cap_out *o, struct cap_line *l,
                     const struct cap_event *ev)
{
	const struct cap_ana *a = &ev->ana;

	explain_sending(l, ev);
	if ((a->flags & CAP_A_DUP_ACK) && ev->dsack)
		cap_line_fmt(l, TR(" [duplicate ACK #%" PRIu32 " of packet %" PRIu64
		                 ", D-SACK: the receiver got these bytes twice]",
		                 " [ACK duplicado n.\u00ba %" PRIu32 " del paquete %"
		                 PRIu64 ", D-SACK: el receptor recibi\u00f3 estos "
		                 "bytes dos veces]"), a->dup_ack_n, a->dup_ack_of);
	else if (a->flags & CAP_A_DUP_ACK)
		cap_line_fmt(l, TR(" [duplicate ACK #%" PRIu32 " of packet %" PRIu64
		                 ": still waiting for the same byte]",
		                 " [ACK duplicado n.\u00ba %" PRIu32 " del paquete %"
		                 PRIu64 ": sigue esperando el mismo byte]"),
		        a->dup_ack_n, a->dup_ack_of);
	if ((a->flags & CAP_A_ACK_LOST_SEGMENT) && ev->capture_gap)
		cap_line_str(l, TR(" [ACK of bytes not seen: the capture dropped "
		                   "packets here]",
		                   " [ACK de bytes no vistos: la captura "
		                   "perdi\u00f3 paquetes aqu\u00ed]"));
	else if (a->flags & CAP_A_ACK_LOST_SEGMENT)
		cap_line_fmt(l, TR(" [ACK of a segment not captured]",
		                 " [ACK de un segmento no capturado]"));
	explain_window(l, a);
	if (a->flags & CAP_A_KEEP_ALIVE_ACK)
		cap_line_fmt(l, TR(" [keep-alive ACK: still here]",
		                 " [ACK de keep-alive: sigue aqu\u00ed]"));
	if (a->ack_rtt_us >= 0 && ev->what != CAP_EV_SYN_ACK &&
	    ev->what != CAP_EV_ESTABLISHED) {
		cap_line_str(l, TR(" [acknowledges packet ",
		                   " [confirma el paquete "));
		cap_line_u64(l, a->acks_frame, 1);
		cap_line_str(l, TR(" after ", " tras "));
		cap_line_duration(o, l, a->ack_rtt_us);
		cap_line_ch(l, ']');
	}
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

void
cap_explain_icmp(const struct cap_out *o, struct cap_line *l,
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

void
cap_explain_fragment(const struct cap_out *o, struct cap_line *l,
                     const struct cap_packet *p, const struct cap_event *ev)
{
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
}
