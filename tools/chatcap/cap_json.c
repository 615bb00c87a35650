/*
 * cap_json.c — JSON Lines: the closing summary (the object per packet is
 * cap_jsonpkt.c).
 * Keys are documented in chatcap(1); DESIGN.md fixes the summary's first
 * ones, which are never renamed (new ones may be added).
 */
#include <inttypes.h>
#include <string.h>

#include "cap_json.h"

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
		fprintf(f, ",\"icmp_errors\":%" PRIu64, c->icmp_errors);
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
	        ",\"header_cut\":%" PRIu64 ",\"ip_fragments\":%" PRIu64
	        ",\"icmp_errors\":%" PRIu64
	        ",\"duration\":%s,\"tcp_port\":%u,\"udp_port\":%u",
	        o->link_name, s->packets, s->truncated, s->other, s->invalid,
	        s->payload_cut, s->header_cut, s->fragments, s->icmp_errors, d,
	        t->tcp_port, t->udp_port);
	if (s->live)
		fprintf(f, ",\"kernel_dropped\":%" PRIu64, s->kernel_dropped);
	else
		fprintf(f, ",\"kernel_dropped\":null");
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
