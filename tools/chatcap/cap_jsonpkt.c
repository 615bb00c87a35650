/*
 * cap_jsonpkt.c — the JSON Lines object of one packet, assembled in a
 * cap_line (no printf on this path: it runs a million times for a
 * million packets); the caller writes it. Keys are documented in
 * chatcap(1).
 */
#include <inttypes.h>
#include <string.h>

#include "cap_json.h"
#include "cap_line.h"

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
	case CAP_EV_FRAGMENT:    return "fragment";
	case CAP_EV_ICMP:        return "icmp_error";
	}
	return "?";
}

/* s[0..len) as a JSON string: quotes, backslashes and control bytes
 * escaped; UTF-8 passes as it is. */
static void
put_string(struct cap_line *l, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	cap_line_ch(l, '"');
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch != '"' && ch != '\\' && ch >= 0x20 && ch != 0x7f)
			continue;
		cap_line_mem(l, s + run, i - run);
		run = i + 1;
		if (ch == '"' || ch == '\\') {
			cap_line_ch(l, '\\');
			cap_line_ch(l, (char)ch);
		} else {
			cap_line_str(l, "\\u00");
			cap_line_ch(l, hex[ch >> 4]);
			cap_line_ch(l, hex[ch & 15]);
		}
	}
	cap_line_mem(l, s + run, len - run);
	cap_line_ch(l, '"');
}

/* ,"key":N  (N may be negative) */
static void
put_num(struct cap_line *l, const char *key, int64_t v)
{
	cap_line_str(l, ",\"");
	cap_line_str(l, key);
	cap_line_str(l, "\":");
	if (v < 0) {
		cap_line_ch(l, '-');
		v = -v;
	}
	cap_line_u64(l, (uint64_t)v, 1);
}

static void
put_us_or_null(struct cap_line *l, const char *key, int64_t us)
{
	if (us >= 0) {
		put_num(l, key, us);
		return;
	}
	cap_line_str(l, ",\"");
	cap_line_str(l, key);
	cap_line_str(l, "\":null");
}

static void
put_messages(struct cap_line *l, const struct cap_chat *chat)
{
	size_t i;

	cap_line_str(l, ",\"messages\":[");
	for (i = 0; i < chat->n; i++) {
		const struct cap_msg *m = &chat->msg[i];

		cap_line_str(l, i > 0 ? ",{\"role\":\"" : "{\"role\":\"");
		cap_line_str(l, cap_role_name(m->role));
		cap_line_ch(l, '"');
		if (m->role == CAP_ROLE_COMMAND) {
			cap_line_str(l, ",\"command\":\"");
			cap_line_str(l, msg_kind_name(m->kind));
			cap_line_ch(l, '"');
		}
		cap_line_str(l, ",\"text\":");
		put_string(l, m->text, m->len);
		cap_line_ch(l, '}');
	}
	cap_line_ch(l, ']');
	put_num(l, "messages_total", (int64_t)chat->total);
}

/* Wireshark's tcp.analysis of a segment: "analysis":[...], the ACK's RTT
 * and, on a duplicate ACK, which ACK it repeats and how many times. */
static void
put_analysis(struct cap_line *l, const struct cap_ana *a)
{
	unsigned i;
	bool first = true;

	cap_line_str(l, ",\"analysis\":[");
	for (i = 0; i < CAP_A_NAMES; i++)
		if (a->flags & (1u << i)) {
			cap_line_str(l, first ? "\"" : ",\"");
			cap_line_str(l, cap_ana_name(i));
			cap_line_ch(l, '"');
			first = false;
		}
	cap_line_ch(l, ']');
	put_us_or_null(l, "ack_rtt_us", a->ack_rtt_us);
	if (a->flags & CAP_A_DUP_ACK) {
		put_num(l, "dup_ack_of", (int64_t)a->dup_ack_of);
		put_num(l, "dup_ack_n", a->dup_ack_n);
	}
	if (a->resent_frame != 0)
		put_num(l, "resends", (int64_t)a->resent_frame);
}

/* What else a packet says: the server's word on the nickname, a D-SACK,
 * a gap that is the capture's own. */
static void
put_notes(struct cap_line *l, const struct cap_event *ev)
{
	if (ev->nick_fixed) {             /* the server's word wins */
		cap_line_str(l, ",\"nickname_from_server\":");
		put_string(l, ev->chat.said_nick, strlen(ev->chat.said_nick));
		cap_line_str(l, ",\"nickname_inferred\":");
		put_string(l, ev->nick_was, strlen(ev->nick_was));
	}
	if (ev->dsack)
		cap_line_str(l, ",\"dsack\":true");
	if (ev->capture_gap)          /* the gap is the capture's, not a loss */
		cap_line_str(l, ",\"gap\":\"capture_dropped\"");
}

/* An ICMP error: its type and code, the packet it quotes and the
 * conversation that packet belongs to (null if never seen). */
static void
put_icmp(struct cap_line *l, const struct cap_packet *p,
         const struct cap_event *ev)
{
	struct cap_endpoint e;
	char name[CAP_ENDPOINT_MAX];

	cap_line_str(l, p->proto == 1 ? ",\"proto\":\"icmp\""
	                              : ",\"proto\":\"icmpv6\"");
	put_num(l, "icmp_type", p->icmp_type);
	put_num(l, "icmp_code", p->icmp_code);
	cap_line_str(l, p->q_proto == 6 ? ",\"quotes\":{\"proto\":\"tcp\""
	                                : ",\"quotes\":{\"proto\":\"udp\"");
	memset(&e, 0, sizeof(e));
	e.family = p->q_family;
	memcpy(e.addr, p->q_src, 16);
	e.port = p->q_sport;
	cap_endpoint_format(&e, name);
	cap_line_str(l, ",\"src\":\"");
	cap_line_str(l, name);
	memcpy(e.addr, p->q_dst, 16);
	e.port = p->q_dport;
	cap_endpoint_format(&e, name);
	cap_line_str(l, "\",\"dst\":\"");
	cap_line_str(l, name);
	cap_line_str(l, "\"}");
	if (ev->icmp_conv != NULL)
		put_num(l, "conv", ev->icmp_conv->id);
	else
		cap_line_str(l, ",\"conv\":null");
}

/* A packet outside any conversation: what it is, where it failed, an ICMP
 * error's quote or a fragment's place, and its sizes. */
static void
put_not_conv(struct cap_line *l, const struct cap_packet *p,
             const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	cap_line_str(l, ",\"event\":\"");
	cap_line_str(l, event_name(ev->what));
	cap_line_str(l, "\",\"where\":");
	put_string(l, p->why != NULL ? p->why : "",
	           p->why != NULL ? strlen(p->why) : 0);
	if (ev->what == CAP_EV_ICMP)
		put_icmp(l, p, ev);
	if (ev->what == CAP_EV_FRAGMENT) {
		put_num(l, "frag_id", p->frag_id);
		put_num(l, "frag_offset", (int64_t)p->frag_off);
		put_num(l, "frag_len", (int64_t)p->payload_len);
		cap_line_str(l, p->frag_more ? ",\"more_fragments\":true"
		                             : ",\"more_fragments\":false");
	}
	put_num(l, "caplen", (int64_t)caplen);
	put_num(l, "wire_len", (int64_t)wirelen);
}

/* A TCP segment's flags, relative seq and ack, and window. */
static void
put_tcp_fields(struct cap_line *l, const struct cap_packet *p,
               const struct cap_event *ev)
{
	char flags[12];

	cap_fmt_flags(p->flags, flags);
	cap_line_str(l, ",\"flags\":\"");
	cap_line_str(l, flags);
	cap_line_ch(l, '"');
	put_num(l, "seq", ev->rel_seq);
	if (ev->has_ack)
		put_num(l, "ack", ev->rel_ack);
	else
		cap_line_str(l, ",\"ack\":null");
	put_num(l, "win", ev->win);
}

void
cap_json_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                int64_t rel_us, const struct cap_packet *p,
                const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;

	(void)o;                            /* JSON has no colour or width */
	cap_line_str(l, "{\"type\":\"packet\"");
	put_num(l, "n", (int64_t)n);
	cap_line_str(l, ",\"time\":");
	cap_line_seconds(l, rel_us);
	if (c == NULL) {
		put_not_conv(l, p, ev, caplen, wirelen);
		cap_line_ch(l, '}');
		return;
	}
	cap_line_str(l, c->proto == 6 ? ",\"proto\":\"tcp\"" : ",\"proto\":\"udp\"");
	put_num(l, "conv", c->id);
	cap_line_str(l, ",\"src\":\"");
	cap_line_str(l, c->name[ev->dir]);
	cap_line_str(l, "\",\"dst\":\"");
	cap_line_str(l, c->name[!ev->dir]);
	cap_line_str(l, ev->dir == 0 ? "\",\"dir\":\"to_server\""
	                             : "\",\"dir\":\"to_client\"");
	if (c->proto == 6)
		put_tcp_fields(l, p, ev);
	put_num(l, "len", (int64_t)p->payload_len);
	put_num(l, "ip_len", (int64_t)p->ip_len);
	cap_line_str(l, ",\"event\":\"");
	cap_line_str(l, event_name(ev->what));
	cap_line_str(l, ev->retransmission ? "\",\"retransmission\":true"
	                                   : "\",\"retransmission\":false");
	cap_line_str(l, ev->payload_cut ? ",\"payload_cut\":true"
	                                : ",\"payload_cut\":false");
	put_us_or_null(l, "rtt_us", ev->rtt_us);
	if (p->frags > 0)
		put_num(l, "fragments", p->frags);
	if (p->hdr_cut != NULL) {
		cap_line_str(l, ",\"header_cut\":");
		put_string(l, p->hdr_cut, strlen(p->hdr_cut));
	}
	if (c->proto == 6)
		put_analysis(l, &ev->ana);
	put_notes(l, ev);
	if (ev->ana.ambiguous != CAP_RESENT_NO && ev->ana.ack_rtt_us >= 0)
		cap_line_str(l, ev->ana.ambiguous == CAP_RESENT_COPY
		             ? ",\"rtt_skipped\":\"duplicate\""
		             : ",\"rtt_skipped\":\"retransmitted\"");
	if (ev->has_rtt) {
		put_num(l, "rtt_sample_us", ev->rtt.sample_us);
		put_num(l, "srtt_us", ev->rtt.srtt_us);
		put_num(l, "rttvar_us", ev->rtt.rttvar_us);
		put_num(l, "rto_us", ev->rtt.rto_us);
	}
	put_messages(l, &ev->chat);
	cap_line_ch(l, '}');
}
