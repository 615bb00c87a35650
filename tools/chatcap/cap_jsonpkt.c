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

/* ,"key":N  (N may be negative): the key and its punctuation are one
 * string literal, so its length is known when compiling. */
#define PUT_NUM(l, key, v) \
	put_num(l, ",\"" key "\":", sizeof(",\"" key "\":") - 1, (int64_t)(v))

/* ,"key":N if us >= 0, else ,"key":null */
#define PUT_US_OR_NULL(l, key, us) \
	((us) >= 0 ? PUT_NUM(l, key, us) : cap_line_str(l, ",\"" key "\":null"))

static inline void
put_num(struct cap_line *l, const char *pre, size_t plen, int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	unsigned d = cap_line_digits(u);

	if (plen + 1 + d >= sizeof(l->buf) - l->n) {     /* the end: cut */
		cap_line_mem(l, pre, plen);
		if (v < 0)
			cap_line_ch(l, '-');
		cap_line_u64(l, u, 1);
		return;
	}
	memcpy(l->buf + l->n, pre, plen);
	l->n += plen;
	if (v < 0)
		l->buf[l->n++] = '-';
	cap_line_put_digits(l->buf + l->n, u, d);
	l->n += d;
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
		cap_line_json(l, m->text, m->len);
		cap_line_ch(l, '}');
	}
	cap_line_ch(l, ']');
	PUT_NUM(l, "messages_total", (int64_t)chat->total);
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
	PUT_US_OR_NULL(l, "ack_rtt_us", a->ack_rtt_us);
	if (a->flags & CAP_A_DUP_ACK) {
		PUT_NUM(l, "dup_ack_of", (int64_t)a->dup_ack_of);
		PUT_NUM(l, "dup_ack_n", a->dup_ack_n);
	}
	if (a->resent_frame != 0)
		PUT_NUM(l, "resends", (int64_t)a->resent_frame);
}

/* What else a packet says: the server's word on the nickname, a D-SACK,
 * a gap that is the capture's own. */
static void
put_notes(struct cap_line *l, const struct cap_event *ev)
{
	if (ev->nick_fixed) {             /* the server's word wins */
		cap_line_str(l, ",\"nickname_from_server\":");
		cap_line_json(l, ev->chat.said_nick, strlen(ev->chat.said_nick));
		cap_line_str(l, ",\"nickname_inferred\":");
		cap_line_json(l, ev->nick_was, strlen(ev->nick_was));
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
	PUT_NUM(l, "icmp_type", p->icmp_type);
	PUT_NUM(l, "icmp_code", p->icmp_code);
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
		PUT_NUM(l, "conv", ev->icmp_conv->id);
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
	cap_line_json(l, p->why != NULL ? p->why : "",
	           p->why != NULL ? strlen(p->why) : 0);
	if (ev->what == CAP_EV_ICMP)
		put_icmp(l, p, ev);
	if (ev->what == CAP_EV_FRAGMENT) {
		PUT_NUM(l, "frag_id", p->frag_id);
		PUT_NUM(l, "frag_offset", (int64_t)p->frag_off);
		PUT_NUM(l, "frag_len", (int64_t)p->payload_len);
		cap_line_str(l, p->frag_more ? ",\"more_fragments\":true"
		                             : ",\"more_fragments\":false");
	}
	PUT_NUM(l, "caplen", (int64_t)caplen);
	PUT_NUM(l, "wire_len", (int64_t)wirelen);
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
	PUT_NUM(l, "seq", ev->rel_seq);
	if (ev->has_ack)
		PUT_NUM(l, "ack", ev->rel_ack);
	else
		cap_line_str(l, ",\"ack\":null");
	PUT_NUM(l, "win", ev->win);
}

void
cap_json_packet(const struct cap_out *o, struct cap_line *l, uint64_t n,
                int64_t rel_us, const struct cap_packet *p,
                const struct cap_event *ev, size_t caplen, size_t wirelen)
{
	const struct cap_conv *c = ev->conv;

	(void)o;                            /* JSON has no colour or width */
	cap_line_str(l, "{\"type\":\"packet\"");
	PUT_NUM(l, "n", (int64_t)n);
	cap_line_str(l, ",\"time\":");
	cap_line_seconds(l, rel_us);
	if (c == NULL) {
		put_not_conv(l, p, ev, caplen, wirelen);
		cap_line_ch(l, '}');
		return;
	}
	cap_line_str(l, c->proto == 6 ? ",\"proto\":\"tcp\"" : ",\"proto\":\"udp\"");
	PUT_NUM(l, "conv", c->id);
	cap_line_str(l, ",\"src\":\"");
	cap_line_str(l, c->name[ev->dir]);
	cap_line_str(l, "\",\"dst\":\"");
	cap_line_str(l, c->name[!ev->dir]);
	cap_line_str(l, ev->dir == 0 ? "\",\"dir\":\"to_server\""
	                             : "\",\"dir\":\"to_client\"");
	if (c->proto == 6)
		put_tcp_fields(l, p, ev);
	PUT_NUM(l, "len", (int64_t)p->payload_len);
	PUT_NUM(l, "ip_len", (int64_t)p->ip_len);
	cap_line_str(l, ",\"event\":\"");
	cap_line_str(l, event_name(ev->what));
	cap_line_str(l, ev->retransmission ? "\",\"retransmission\":true"
	                                   : "\",\"retransmission\":false");
	cap_line_str(l, ev->payload_cut ? ",\"payload_cut\":true"
	                                : ",\"payload_cut\":false");
	PUT_US_OR_NULL(l, "rtt_us", ev->rtt_us);
	if (p->frags > 0)
		PUT_NUM(l, "fragments", p->frags);
	if (p->hdr_cut != NULL) {
		cap_line_str(l, ",\"header_cut\":");
		cap_line_json(l, p->hdr_cut, strlen(p->hdr_cut));
	}
	if (c->proto == 6)
		put_analysis(l, &ev->ana);
	put_notes(l, ev);
	if (ev->ana.ambiguous != CAP_RESENT_NO && ev->ana.ack_rtt_us >= 0)
		cap_line_str(l, ev->ana.ambiguous == CAP_RESENT_COPY
		             ? ",\"rtt_skipped\":\"duplicate\""
		             : ",\"rtt_skipped\":\"retransmitted\"");
	if (ev->has_rtt) {
		PUT_NUM(l, "rtt_sample_us", ev->rtt.sample_us);
		PUT_NUM(l, "srtt_us", ev->rtt.srtt_us);
		PUT_NUM(l, "rttvar_us", ev->rtt.rttvar_us);
		PUT_NUM(l, "rto_us", ev->rtt.rto_us);
	}
	put_messages(l, &ev->chat);
	cap_line_ch(l, '}');
}
