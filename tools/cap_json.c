/*
 * cap_json.c — JSON Lines: an object per packet and the closing summary.
 * Keys are documented in chatcap(1); DESIGN.md fixes the summary's first
 * ones, which are never renamed (new ones may be added).
 */
#include <inttypes.h>
#include <string.h>

#include "cap_json.h"

static const char *
event_name(enum cap_what w)
{
	switch (w) {
	case CAP_EV_SYN:         return "syn";
	case CAP_EV_SYN_ACK:     return "syn_ack";
	case CAP_EV_ESTABLISHED: return "established";
	case CAP_EV_DATA:        return "data";
	case CAP_EV_ACK:         return "ack";
	case CAP_EV_KEEPALIVE:   return "keepalive";
	case CAP_EV_FIN:         return "fin";
	case CAP_EV_FIN_ACK:     return "fin_ack";
	case CAP_EV_RST:         return "rst";
	case CAP_EV_REFUSED:     return "refused";
	case CAP_EV_DATAGRAM:    return "datagram";
	case CAP_EV_TRUNCATED:   return "truncated";
	case CAP_EV_INVALID:     return "invalid";
	case CAP_EV_OTHER:       return "other";
	}
	return "?";
}

void
cap_json_string(FILE *f, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			fputc('\\', f);
			fputc(ch, f);
		} else if (ch < 0x20 || ch == 0x7f) {
			fprintf(f, "\\u00%c%c", hex[ch >> 4], hex[ch & 15]);
		} else {
			fputc(ch, f);
		}
	}
	fputc('"', f);
}

static void
print_us_or_null(FILE *f, const char *key, int64_t us)
{
	if (us < 0)
		fprintf(f, ",\"%s\":null", key);
	else
		fprintf(f, ",\"%s\":%" PRId64, key, us);
}

static void
print_messages(FILE *f, const struct cap_chat *chat)
{
	size_t i;

	fprintf(f, ",\"messages\":[");
	for (i = 0; i < chat->n; i++) {
		const struct cap_msg *m = &chat->msg[i];

		fprintf(f, "%s{\"role\":\"%s\"", i > 0 ? "," : "",
		        cap_role_name(m->role));
		if (m->role == CAP_ROLE_COMMAND)
			fprintf(f, ",\"command\":\"%s\"", msg_kind_name(m->kind));
		fprintf(f, ",\"text\":");
		cap_json_string(f, m->text, m->len);
		fputc('}', f);
	}
	fprintf(f, "],\"messages_total\":%zu", chat->total);
}

/* Wireshark's tcp.analysis of a segment: "analysis":[...], the ACK's RTT
 * and, on a duplicate ACK, which ACK it repeats and how many times. */
static void
print_analysis(FILE *f, const struct cap_ana *a)
{
	const char *sep = "";
	unsigned i;

	fprintf(f, ",\"analysis\":[");
	for (i = 0; i < CAP_A_NAMES; i++)
		if (a->flags & (1u << i)) {
			fprintf(f, "%s\"%s\"", sep, cap_ana_name(i));
			sep = ",";
		}
	fputc(']', f);
	print_us_or_null(f, "ack_rtt_us", a->ack_rtt_us);
	if (a->flags & CAP_A_DUP_ACK)
		fprintf(f, ",\"dup_ack_of\":%" PRIu64 ",\"dup_ack_n\":%" PRIu32,
		        a->dup_ack_of, a->dup_ack_n);
	if (a->resent_frame != 0)
		fprintf(f, ",\"resends\":%" PRIu64, a->resent_frame);
}

/* RFC 6298: the sample this ACK gave and the estimator after it. */
static void
print_rtt_row(FILE *f, const char *sample_key, const struct cap_rtt_row *r)
{
	fprintf(f, ",\"%s\":%" PRId64 ",\"srtt_us\":%" PRId64
	        ",\"rttvar_us\":%" PRId64 ",\"rto_us\":%" PRId64, sample_key,
	        r->sample_us, r->srtt_us, r->rttvar_us, r->rto_us);
}

static void
print_estimate(FILE *f, const char *who, const struct cap_rtt *r)
{
	fprintf(f, "%s\"%s\":", strcmp(who, "client") == 0 ? "" : ",", who);
	if (r->samples == 0) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"samples\":%" PRIu64, r->samples);
	print_rtt_row(f, "last_sample_us", &r->last);
	fputc('}', f);
}

void
cap_json_packet(const struct cap_out *o, uint64_t n, int64_t rel_us,
                const struct cap_packet *p, const struct cap_event *ev,
                size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;
	char t[32], flags[12];
	FILE *f = o->f;

	cap_fmt_seconds(rel_us, t, sizeof(t));
	fprintf(f, "{\"type\":\"packet\",\"n\":%" PRIu64 ",\"time\":%s", n, t);
	if (c == NULL) {
		fprintf(f, ",\"event\":\"%s\",\"where\":", event_name(ev->what));
		cap_json_string(f, p->why != NULL ? p->why : "", p->why != NULL
		                ? strlen(p->why) : 0);
		fprintf(f, ",\"caplen\":%zu,\"wire_len\":%zu}\n", caplen, wirelen);
		return;
	}
	fprintf(f, ",\"proto\":\"%s\",\"conv\":%u,\"src\":\"%s\",\"dst\":\"%s\","
	        "\"dir\":\"%s\"", c->proto == 6 ? "tcp" : "udp", c->id,
	        c->name[ev->dir], c->name[!ev->dir],
	        ev->dir == 0 ? "to_server" : "to_client");
	if (c->proto == 6) {
		cap_fmt_flags(p->flags, flags);
		fprintf(f, ",\"flags\":\"%s\",\"seq\":%" PRIu32, flags, ev->rel_seq);
		if (ev->has_ack)
			fprintf(f, ",\"ack\":%" PRIu32, ev->rel_ack);
		else
			fprintf(f, ",\"ack\":null");
		fprintf(f, ",\"win\":%" PRIu32, ev->win);
	}
	fprintf(f, ",\"len\":%zu,\"ip_len\":%zu,\"event\":\"%s\","
	        "\"retransmission\":%s,\"payload_cut\":%s", p->payload_len,
	        p->ip_len, event_name(ev->what),
	        ev->retransmission ? "true" : "false",
	        ev->payload_cut ? "true" : "false");
	print_us_or_null(f, "rtt_us", ev->rtt_us);
	if (p->hdr_cut != NULL)
		fprintf(f, ",\"header_cut\":\"%s\"", p->hdr_cut);
	if (c->proto == 6)
		print_analysis(f, &ev->ana);
	if (ev->has_rtt)
		print_rtt_row(f, "rtt_sample_us", &ev->rtt);
	print_messages(f, &ev->chat);
	fprintf(f, "}\n");
}

/* ---------------------------------------------------------------------------
 * The summary object
 * ------------------------------------------------------------------------ */

static void
print_overhead(FILE *f, uint64_t ip_bytes, uint64_t payload_bytes)
{
	if (ip_bytes == 0) {
		fprintf(f, ",\"header_overhead_pct\":null");
		return;
	}
	fprintf(f, ",\"header_overhead_pct\":%.1f",
	        100.0 * (double)(ip_bytes - payload_bytes) / (double)ip_bytes);
}

static void
print_conversations(FILE *f, const struct cap_table *t, uint8_t proto)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < t->nall; i++) {
		const struct cap_conv *c = t->all[i];

		if (c->proto != proto)
			continue;
		fprintf(f, "%s{\"id\":%u,\"client\":\"%s\",\"server\":\"%s\"", sep,
		        c->id, c->name[0], c->name[1]);
		if (proto == 6) {
			print_us_or_null(f, "syn_to_synack_us", c->syn_to_synack_us);
			print_us_or_null(f, "syn_to_ack_us", c->syn_to_ack_us);
			fprintf(f, ",\"state\":\"%s\",\"retransmissions\":%" PRIu64,
			        cap_state_name(c->state), c->retransmissions);
			fprintf(f, ",\"rtt_estimate\":{");
			print_estimate(f, "client", &c->dir[0].rtt);
			print_estimate(f, "server", &c->dir[1].rtt);
			fputc('}', f);
		}
		fprintf(f, ",\"packets\":%" PRIu64 ",\"to_server\":%" PRIu64
		        ",\"to_client\":%" PRIu64 ",\"payload_bytes\":%" PRIu64
		        ",\"ip_bytes\":%" PRIu64 "}", c->packets, c->dir[0].packets,
		        c->dir[1].packets, c->payload_bytes, c->ip_bytes);
		sep = ",";
	}
}

/* "analysis":{"retransmission":N,...}: segments with each flag, and
 * "ack_rtts": segments that carry an ack_rtt_us. */
static void
print_analysis_counts(FILE *f, const struct cap_stats *s)
{
	unsigned i;

	fprintf(f, ",\"analysis\":{");
	for (i = 0; i < CAP_A_NAMES; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i > 0 ? "," : "", cap_ana_name(i),
		        s->tcp.analysis[i]);
	fprintf(f, "},\"ack_rtts\":%" PRIu64, s->tcp.ack_rtts);
}

void
cap_json_summary(const struct cap_out *o, const struct cap_table *t)
{
	const struct cap_stats *s = &t->st;
	FILE *f = o->f;
	char d[32];
	size_t i;

	cap_fmt_seconds(s->first_us < 0 ? 0 : s->last_us - s->first_us, d,
	                sizeof(d));
	fprintf(f, "{\"type\":\"summary\",\"link_type\":\"%s\",\"packets\":%"
	        PRIu64 ",\"truncated\":%" PRIu64 ",\"other\":%" PRIu64
	        ",\"invalid\":%" PRIu64 ",\"payload_cut\":%" PRIu64
	        ",\"header_cut\":%" PRIu64
	        ",\"duration\":%s,\"tcp_port\":%u,\"udp_port\":%u",
	        o->link_name, s->packets, s->truncated, s->other, s->invalid,
	        s->payload_cut, s->header_cut, d, t->tcp_port, t->udp_port);
	fprintf(f, ",\"tcp\":{\"segments\":%" PRIu64 ",\"syn\":%" PRIu64
	        ",\"syn_ack\":%" PRIu64 ",\"pure_ack\":%" PRIu64 ",\"data\":%"
	        PRIu64 ",\"fin\":%" PRIu64 ",\"rst\":%" PRIu64
	        ",\"retransmissions\":%" PRIu64 ",\"connections\":%" PRIu64
	        ",\"handshakes\":%" PRIu64 ",\"payload_bytes\":%" PRIu64
	        ",\"ip_bytes\":%" PRIu64, s->tcp.segments, s->tcp.syn,
	        s->tcp.syn_ack, s->tcp.pure_ack, s->tcp.data, s->tcp.fin,
	        s->tcp.rst, s->tcp.retransmissions, s->tcp.connections,
	        s->tcp.handshakes, s->tcp.payload_bytes, s->tcp.ip_bytes);
	fprintf(f, ",\"control\":%" PRIu64 ",\"keepalives\":%" PRIu64
	        ",\"teardowns\":%" PRIu64 ",\"reset_connections\":%" PRIu64
	        ",\"refused\":%" PRIu64 ",\"messages\":%" PRIu64,
	        s->tcp.control, s->tcp.keepalives, s->tcp.teardowns,
	        s->tcp.reset_connections, s->tcp.refused, s->tcp.messages);
	print_overhead(f, s->tcp.ip_bytes, s->tcp.payload_bytes);
	print_analysis_counts(f, s);
	fprintf(f, "},\"udp\":{\"datagrams\":%" PRIu64 ",\"flows\":%" PRIu64
	        ",\"payload_bytes\":%" PRIu64 ",\"ip_bytes\":%" PRIu64
	        ",\"messages\":%" PRIu64, s->udp.datagrams, s->udp.flows,
	        s->udp.payload_bytes, s->udp.ip_bytes, s->udp.messages);
	print_overhead(f, s->udp.ip_bytes, s->udp.payload_bytes);
	fprintf(f, "},\"connections\":[");
	print_conversations(f, t, 6);
	fprintf(f, "],\"flows\":[");
	print_conversations(f, t, 17);
	fprintf(f, "],\"other_ports\":[");
	for (i = 0; i < s->nother_ports; i++)
		fprintf(f, "%s{\"proto\":\"%s\",\"port\":%u,\"packets\":%" PRIu64
		        "}", i > 0 ? "," : "",
		        s->other_port[i].proto == 6 ? "tcp" : "udp",
		        s->other_port[i].port, s->other_port[i].packets);
	fprintf(f, "]}\n");
}
