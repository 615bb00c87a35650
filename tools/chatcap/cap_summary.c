/*
 * cap_summary.c — the lesson's punch line: the same chat over TCP and over
 * UDP, counted side by side (packets, control packets, bytes, overhead,
 * handshakes, teardowns, retransmissions), then each connection and flow.
 */
#include <inttypes.h>
#include <string.h>

#include "catalog.h"
#include "cap_line.h"
#include "cap_summary.h"

#define LABEL_W 34 /* columns of the row labels */
#define VALUE_W 18 /* columns of each value */

/* Print s right-aligned in w display columns (and apart from what is on
 * its left even when it is wider). */
static void
cell(FILE *f, const char *s, size_t w)
{
	size_t n = cap_fmt_width(s);

	if (n >= w)
		fputc(' ', f);
	while (n++ < w)
		fputc(' ', f);
	fputs(s, f);
}

static void
row(const struct cap_out *o, const char *label, const char *tcp,
    const char *udp)
{
	size_t n = cap_fmt_width(label);

	fprintf(o->f, "  %s", label);
	while (n++ < LABEL_W)
		fputc(' ', o->f);
	cell(o->f, tcp, VALUE_W);
	cell(o->f, udp, VALUE_W);
	fputc('\n', o->f);
}

static void
row_num(const struct cap_out *o, const char *label, uint64_t tcp,
        uint64_t udp)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "%" PRIu64, tcp);
	snprintf(b, sizeof(b), "%" PRIu64, udp);
	row(o, label, a, b);
}

static void
fmt_percent(char *out, size_t cap, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%.1f %%", 100.0 * (double)part / (double)whole);
}

static void
fmt_ratio(char *out, size_t cap, uint64_t a, uint64_t b)
{
	if (b == 0)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%.1f", (double)a / (double)b);
}

/* Average of one handshake RTT over the connections that have it. */
static void
fmt_rtt(const struct cap_out *o, const struct cap_table *t, bool to_ack,
        char *out, size_t cap)
{
	int64_t sum = 0, v;
	size_t i, n = 0;

	for (i = 0; i < t->nall; i++) {
		if (t->all[i]->proto != 6)
			continue;
		v = to_ack ? t->all[i]->syn_to_ack_us : t->all[i]->syn_to_synack_us;
		if (v >= 0) {
			sum += v;
			n++;
		}
	}
	cap_fmt_duration(o, n == 0 ? -1 : sum / (int64_t)n, out, cap);
}

/* One word, one count: Wireshark's retransmissions (fast and spurious
 * included), then the narrower count chatcap can vouch for. */
static void
retransmission_rows(const struct cap_out *o, const struct cap_stats *s)
{
	char a[32];

	snprintf(a, sizeof(a), "%" PRIu64, s->tcp.analysis[0]);
	row(o, TR("retransmissions (Wireshark's)",
	          "retransmisiones seg\u00fan Wireshark"), a, "-");
	snprintf(a, sizeof(a), "%" PRIu64, s->tcp.retransmissions);
	row(o, TR("  of bytes seen sent before",
	          "  de bytes ya vistos antes"), a, "-");
}

static void
print_table(const struct cap_out *o, const struct cap_table *t)
{
	const struct cap_stats *s = &t->st;
	char a[48], b[48], head_t[32], head_u[32];

	snprintf(head_t, sizeof(head_t), "TCP (%s %u)",
	         TR("port", "puerto"), t->tcp_port);
	snprintf(head_u, sizeof(head_u), "UDP (%s %u)",
	         TR("port", "puerto"), t->udp_port);
	fprintf(o->f, "%s", cap_color(o, CAP_C_BOLD));
	row(o, "", head_t, head_u);
	fprintf(o->f, "%s", cap_color(o, CAP_C_RESET));
	row_num(o, TR("packets", "paquetes"), s->tcp.segments, s->udp.datagrams);
	row_num(o, TR("control packets (no payload)",
	              "paquetes de control (sin datos)"), s->tcp.control, 0);
	row_num(o, TR("payload bytes", "bytes de datos"), s->tcp.payload_bytes,
	        s->udp.payload_bytes);
	row_num(o, TR("bytes from the IP header on", "bytes desde la cabecera IP"),
	        s->tcp.ip_bytes, s->udp.ip_bytes);
	fmt_percent(a, sizeof(a), s->tcp.ip_bytes - s->tcp.payload_bytes,
	            s->tcp.ip_bytes);
	fmt_percent(b, sizeof(b), s->udp.ip_bytes - s->udp.payload_bytes,
	            s->udp.ip_bytes);
	row(o, TR("header overhead", "sobrecarga de cabeceras"), a, b);
	row_num(o, TR("chat messages", "mensajes del chat"), s->tcp.messages,
	        s->udp.messages);
	fmt_ratio(a, sizeof(a), s->tcp.segments, s->tcp.messages);
	fmt_ratio(b, sizeof(b), s->udp.datagrams, s->udp.messages);
	row(o, TR("packets per chat message", "paquetes por mensaje"), a, b);
	row_num(o, TR("connections / flows", "conexiones / flujos"),
	        s->tcp.connections, s->udp.flows);
	snprintf(a, sizeof(a), "%" PRIu64, s->tcp.handshakes);
	row(o, TR("completed handshakes", "saludos completos"), a, "-");
	fmt_rtt(o, t, false, a, sizeof(a));
	row(o, TR("  SYN to SYN-ACK, average (1)", "  SYN a SYN-ACK, media (1)"),
	    a, "-");
	fmt_rtt(o, t, true, a, sizeof(a));
	row(o, TR("  SYN to ACK, average (2)", "  SYN a ACK, media (2)"), a, "-");
	snprintf(a, sizeof(a), "%" PRIu64, s->tcp.pure_ack);
	row(o, TR("acknowledgements only (ACK)", "solo acuses de recibo (ACK)"),
	    a, "-");
	snprintf(a, sizeof(a), "%" PRIu64, s->tcp.teardowns);
	row(o, TR("teardowns (FIN both ways)", "cierres (FIN en ambos sentidos)"),
	    a, "-");
	snprintf(a, sizeof(a), "%" PRIu64 " / %" PRIu64, s->tcp.rst,
	         s->tcp.refused);
	row(o, TR("resets (RST) / refused", "reinicios (RST) / rechazadas"), a,
	    "-");
	retransmission_rows(o, s);
	snprintf(b, sizeof(b), "%" PRIu64, s->udp.datagrams);
	row(o, TR("datagrams", "datagramas"), "-", b);
	fprintf(o->f, "%s", TR(
	"  (1) a round trip when captured at the client; at the server, only\n"
	"      the server's own delay. (2) the whole handshake (Wireshark's\n"
	"      iRTT): a round trip when captured at the server.\n",
	"  (1) un viaje de ida y vuelta si se captura en el cliente; en el\n"
	"      servidor, solo su propia demora. (2) el saludo entero (iRTT de\n"
	"      Wireshark): un viaje de ida y vuelta si se captura en el "
	"servidor.\n"));
}

static void
print_conversations(const struct cap_out *o, const struct cap_table *t)
{
	static struct cap_line line;       /* big: kept off the stack */
	struct cap_line *l = &line;
	char x[32], y[32];
	size_t i;

	for (i = 0; i < t->nall; i++) {
		const struct cap_conv *c = t->all[i];

		cap_line_clear(l);
		cap_line_fmt(l, "  %s#%u %s %s %s", c->proto == 6 ? "TCP" : "UDP",
		        c->id, c->name[0], cap_arrow(o), c->name[1]);
		if (c->proto == 6) {
			cap_fmt_duration(o, c->syn_to_synack_us, x, sizeof(x));
			cap_fmt_duration(o, c->syn_to_ack_us, y, sizeof(y));
			cap_line_fmt(l, "  %s, ", cap_state_label(c->state));
			if (!c->syn_seen && t->st.kernel_dropped > 0)
				cap_line_str(l, TR("SYN not seen (the capture "
				             "dropped packets)", "SYN no visto (la "
				             "captura perdi\u00f3 paquetes)"));
			else
				cap_line_fmt(l, "%s / %s", x, y);
			cap_line_fmt(l, TR(", %" PRIu64 " packets, %" PRIu64
			                 " retransmissions",
			                 ", %" PRIu64 " paquetes, %" PRIu64
			                 " retransmisiones"), c->packets,
			             c->ana_retrans);
		} else {
			cap_line_fmt(l, TR("  %" PRIu64 " %s (%" PRIu64
			                 " to the server, %" PRIu64 " back)",
			                 "  %" PRIu64 " %s (%" PRIu64
			                 " al servidor, %" PRIu64 " de vuelta)"),
			        c->packets, TRN(c->packets, "datagram", "datagrams",
			                        "datagrama", "datagramas"),
			        c->dir[0].packets, c->dir[1].packets);
		}
		cap_line_fmt(l, TR(", %" PRIu64 " payload bytes",
		                 ", %" PRIu64 " bytes de datos"), c->payload_bytes);
		if (c->icmp_errors > 0)
			cap_line_fmt(l, TR(", %" PRIu64 " ICMP errors back",
			                   ", %" PRIu64 " errores ICMP de vuelta"),
			             c->icmp_errors);
		cap_out_emit(o, l->buf, l->n);
	}
}

/* Nothing on the chat ports, but TCP/UDP elsewhere: say where, busiest
 * first, and the command that would follow it. */
static void
print_port_hint(const struct cap_out *o, const struct cap_table *t)
{
	const struct cap_stats *s = &t->st;
	const struct cap_port_tally *best[2] = { NULL, NULL }; /* TCP, UDP */
	size_t i, j;
	bool done[CAP_OTHER_PORTS] = { false };

	if (s->tcp.connections + s->udp.flows > 0 || s->nother_ports == 0)
		return;
	fprintf(o->f, TR("\n%sNothing on TCP port %u or UDP port %u.%s These "
	                 "ports carried traffic:\n",
	                 "\n%sNada en el puerto TCP %u ni en el UDP %u.%s Estos "
	                 "puertos llevaron tr\u00e1fico:\n"),
	        cap_color(o, CAP_C_PROBLEM), t->tcp_port, t->udp_port,
	        cap_color(o, CAP_C_RESET));
	for (i = 0; i < s->nother_ports; i++) {       /* busiest first */
		size_t k = s->nother_ports;

		for (j = 0; j < s->nother_ports; j++)
			if (!done[j] && (k == s->nother_ports ||
			    s->other_port[j].packets > s->other_port[k].packets))
				k = j;
		done[k] = true;
		if (best[s->other_port[k].proto != 6] == NULL)
			best[s->other_port[k].proto != 6] = &s->other_port[k];
		fprintf(o->f, TR("  %s port %u: %" PRIu64 " packets\n",
		                 "  puerto %s %u: %" PRIu64 " paquetes\n"),
		        s->other_port[k].proto == 6 ? "TCP" : "UDP",
		        s->other_port[k].port, s->other_port[k].packets);
	}
	fprintf(o->f, "%s chatcap", TR("Try:", "Prueba:"));
	for (i = 0; i < 2; i++)
		if (best[i] != NULL)
			fprintf(o->f, " --%s-port %u", i == 0 ? "tcp" : "udp",
			        best[i]->port);
	fprintf(o->f, " %s %s\n", o->file != NULL ? "-r" : "-i",
	        o->file != NULL ? o->file : TR("IFACE", "INTERFAZ"));
}

void
cap_summary_print(const struct cap_out *o, const struct cap_table *t)
{
	const struct cap_stats *s = &t->st;
	char d[32];

	cap_fmt_duration(o, s->first_us < 0 ? 0 : s->last_us - s->first_us, d,
	                 sizeof(d));
	fprintf(o->f, TR("\n%sSummary%s: %" PRIu64 " %s in %s (link type "
	                 "%s)\n",
	                 "\n%sResumen%s: %" PRIu64 " %s en %s (enlace %s)\n"),
	        cap_color(o, CAP_C_BOLD), cap_color(o, CAP_C_RESET), s->packets,
	        TRN(s->packets, "packet", "packets", "paquete", "paquetes"), d,
	        o->link_name);
	if (s->live)          /* tcpdump's words: the capture's own losses */
		fprintf(o->f, TR("  %" PRIu64 " %s dropped by the kernel%s\n",
		                 "  %" PRIu64 " %s descartados por el n\u00facleo%s\n"),
		        s->kernel_dropped, TRN(s->kernel_dropped, "packet",
		        "packets", "paquete", "paquetes"), s->kernel_dropped == 0
		        ? "" : TR(" (the capture missed them, not the network; "
		                  "try a bigger -B)", " (los perdi\u00f3 la "
		                  "captura, no la red; prueba un -B mayor)"));
	print_table(o, t);
	if (s->icmp_errors > 0)
		fprintf(o->f, TR("  ICMP errors about chat packets: %" PRIu64
		                 " (UDP has no handshake: this is how a client "
		                 "learns nobody listens)\n",
		                 "  errores ICMP sobre paquetes del chat: %" PRIu64
		                 " (UDP no tiene saludo: as\u00ed sabe un cliente "
		                 "que nadie escucha)\n"), s->icmp_errors);
	if (s->fragments > 0)
		fprintf(o->f, TR("  IP fragments: %" PRIu64 " pieces, put back "
		                 "together before TCP/UDP\n",
		                 "  fragmentos IP: %" PRIu64 " trozos, reunidos "
		                 "antes de TCP/UDP\n"), s->fragments);
	if (s->truncated + s->invalid + s->other + s->payload_cut > 0)
		fprintf(o->f, TR("  also: %" PRIu64 " truncated, %" PRIu64
		                 " invalid, %" PRIu64 " not chat traffic, %" PRIu64
		                 " with the payload cut\n",
		                 "  adem\u00e1s: %" PRIu64 " truncados, %" PRIu64
		                 " no v\u00e1lidos, %" PRIu64 " ajenos al chat, %"
		                 PRIu64 " con los datos cortados\n"),
		        s->truncated, s->invalid, s->other, s->payload_cut);
	if (t->nall > 0) {
		fprintf(o->f, "\n%s%s%s\n", cap_color(o, CAP_C_BOLD),
		        TR("Conversations (SYN to SYN-ACK / SYN to ACK):",
		           "Conversaciones (SYN a SYN-ACK / SYN a ACK):"),
		        cap_color(o, CAP_C_RESET));
		print_conversations(o, t);
	}
	print_port_hint(o, t);
}

/* ---------------------------------------------------------------------------
 * --rtt: the estimator, sample by sample
 * ------------------------------------------------------------------------ */

/* A row of the table that is no sample, and why (Karn's rule). */
static void
rtt_skipped(const struct cap_out *o, const struct cap_rtt_row *row)
{
	fprintf(o->f, "  %8" PRIu64 "  ", row->frame);
	fprintf(o->f, row->skipped == CAP_RESENT_COPY
	        ? TR("skipped: acknowledges packet %" PRIu64 ", a copy of bytes "
	             "already acknowledged (duplicated)\n",
	             "descartada: confirma el paquete %" PRIu64 ", copia de "
	             "bytes ya confirmados (duplicado)\n")
	        : TR("skipped: acknowledges packet %" PRIu64 ", whose bytes "
	             "were sent more than once\n",
	             "descartada: confirma el paquete %" PRIu64 ", cuyos bytes "
	             "se enviaron m\u00e1s de una vez\n"), row->acks_frame);
}

static void
rtt_sender(const struct cap_out *o, const struct cap_conv *c, int dir)
{
	const struct cap_rtt *r = &c->dir[dir].rtt;
	char v[4][32];
	size_t i;

	fprintf(o->f, TR("  TCP#%u, the %s %s sending: %" PRIu64 " samples, %"
	                 PRIu64 " ACKs skipped (Karn)\n",
	                 "  TCP#%u, el %s %s al enviar: %" PRIu64
	                 " muestras, %" PRIu64 " ACK descartados (Karn)\n"),
	        c->id, dir == 0 ? TR("client", "cliente")
	                        : TR("server", "servidor"),
	        c->name[dir], r->samples, r->skipped);
	if (r->nrows == 0)
		return;
	fprintf(o->f, "  %8s %12s %12s %12s %12s\n", TR("packet", "paquete"),
	        TR("sample", "muestra"), "SRTT", "RTTVAR", "RTO");
	for (i = 0; i < r->nrows; i++) {
		if (r->row[i].skipped) {
			rtt_skipped(o, &r->row[i]);
			continue;
		}
		cap_fmt_duration(o, r->row[i].sample_us, v[0], sizeof(v[0]));
		cap_fmt_duration(o, r->row[i].srtt_us, v[1], sizeof(v[1]));
		cap_fmt_duration(o, r->row[i].rttvar_us, v[2], sizeof(v[2]));
		cap_fmt_duration(o, r->row[i].rto_us, v[3], sizeof(v[3]));
		fprintf(o->f, "  %8" PRIu64, r->row[i].frame);
		cell(o->f, v[0], 13);
		cell(o->f, v[1], 13);
		cell(o->f, v[2], 13);
		cell(o->f, v[3], 13);
		fputc('\n', o->f);
	}
	if (r->samples > r->nrows) {
		cap_fmt_duration(o, r->last.srtt_us, v[1], sizeof(v[1]));
		cap_fmt_duration(o, r->last.rttvar_us, v[2], sizeof(v[2]));
		cap_fmt_duration(o, r->last.rto_us, v[3], sizeof(v[3]));
		fprintf(o->f, TR("  ... after the last of them: SRTT %s, RTTVAR "
		                 "%s, RTO %s\n",
		                 "  ... tras la \u00faltima: SRTT %s, RTTVAR %s, "
		                 "RTO %s\n"), v[1], v[2], v[3]);
	}
}

void
cap_summary_rtt(const struct cap_out *o, const struct cap_table *t)
{
	size_t i;

	fprintf(o->f, "\n%s%s%s\n", cap_color(o, CAP_C_BOLD),
	        TR("RTT estimate (RFC 6298): SRTT = 7/8 SRTT + 1/8 sample "
	           "(EstimatedRTT),\n  RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - sample| "
	           "(DevRTT), RTO = max(1 s, SRTT + 4 RTTVAR);\n  a sample is "
	           "an ACK's time after a segment sent only once (Karn):",
	           "Estimaci\u00f3n del RTT (RFC 6298): SRTT = 7/8 SRTT + 1/8 "
	           "muestra (EstimatedRTT),\n  RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - "
	           "muestra| (DevRTT), RTO = max(1 s, SRTT + 4 RTTVAR);\n  una "
	           "muestra es lo que tarda el ACK de un segmento enviado una "
	           "sola vez (Karn):"),
	        cap_color(o, CAP_C_RESET));
	for (i = 0; i < t->nall; i++) {
		if (t->all[i]->proto != 6)
			continue;
		rtt_sender(o, t->all[i], 0);
		rtt_sender(o, t->all[i], 1);
	}
}
