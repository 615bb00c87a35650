/*
 * cap_conv.c — the conversation table: each packet counted in the run's
 * counters and in the TCP connection or UDP flow it belongs to, UDP
 * accounting, ICMP errors linked to what they answer, and the ladder's
 * memory. Finding a packet's conversation is cap_convtab.c; the TCP state
 * machine is in cap_tcpstate.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_conv.h"
#include "cap_convtab.h"
#include "cap_tcpstate.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define SLOTS_MIN 64

/* ---------------------------------------------------------------------------
 * UDP: a flow is two endpoints, both directions together. There is no state
 * to follow: every datagram stands alone.
 * ------------------------------------------------------------------------ */

static void
udp_track(struct cap_table *t, struct cap_conv *c, int dir,
          const struct cap_packet *p, struct cap_event *ev)
{
	ev->what = CAP_EV_DATAGRAM;
	t->st.udp.datagrams++;
	t->st.udp.payload_bytes += p->payload_len;
	t->st.udp.ip_bytes += p->ip_len;
	if (p->payload_len == 0)
		return;
	if (p->payload_caplen < p->payload_len) {
		t->st.udp.messages++;
		if (c->follow_on)
			cap_follow_missing(&c->follow, dir, (uint32_t)p->payload_len);
		return;
	}
	if (c->follow_on)
		cap_follow_bytes(&c->follow, dir, ev->frame, p->payload,
		                 p->payload_len, true);
	cap_chat_datagram(&c->dir[dir].chat, dir == 0, p->payload,
	                  p->payload_len, &ev->chat);
	if (dir == 1)
		ev->nick_fixed = cap_chat_nick_truth(&c->dir[0].chat, &ev->chat,
		                                     ev->nick_was);
	t->st.udp.messages += ev->chat.total;
}

/* ---------------------------------------------------------------------------
 * Public
 * ------------------------------------------------------------------------ */

int
cap_table_init(struct cap_table *t, uint16_t tcp_port, uint16_t udp_port,
               bool keep_steps)
{
	memset(t, 0, sizeof(*t));
	t->keep_rtt = true;
	t->tcp_port = tcp_port;
	t->udp_port = udp_port;
	t->keep_steps = keep_steps;
	t->st.first_us = t->st.last_us = -1;
	t->nslot = SLOTS_MIN;
	t->slot = calloc(t->nslot, sizeof(*t->slot));
	return t->slot == NULL ? -1 : 0;
}

void
cap_table_free(struct cap_table *t)
{
	size_t i;

	for (i = 0; i < t->nall; i++)
		cap_conv_free(t->all[i]);
	cap_conv_blocks_free(t);
	free(t->all);
	free(t->slot);
	cap_frag_free(&t->frags);
	memset(t, 0, sizeof(*t));
}

/* Tally a TCP/UDP packet on other ports under its lower port. */
static void
tally_other(struct cap_stats *st, const struct cap_packet *p)
{
	uint16_t port = p->sport < p->dport ? p->sport : p->dport;
	size_t i;

	for (i = 0; i < st->nother_ports; i++)
		if (st->other_port[i].proto == p->proto &&
		    st->other_port[i].port == port) {
			st->other_port[i].packets++;
			return;
		}
	if (st->nother_ports < CAP_OTHER_PORTS)
		st->other_port[st->nother_ports++] =
			(struct cap_port_tally){ p->proto, port, 1 };
}

/* An ICMP error quoting a chat packet: linked to the conversation of the
 * packet it answers (which may not have been captured), counted. */
static int
icmp_error(struct cap_table *t, const struct cap_packet *p,
           struct cap_event *ev)
{
	struct cap_endpoint src, dst;
	uint16_t port = p->q_proto == PROTO_TCP ? t->tcp_port : t->udp_port;
	struct cap_conv *c;

	if (p->q_sport != port && p->q_dport != port) {
		t->st.other++;
		ev->what = CAP_EV_OTHER;
		return 0;
	}
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.family = dst.family = p->q_family;
	memcpy(src.addr, p->q_src, p->q_family == 4 ? 4 : 16);
	memcpy(dst.addr, p->q_dst, p->q_family == 4 ? 4 : 16);
	src.port = p->q_sport;
	dst.port = p->q_dport;
	c = t->slot[cap_slot_find(t, p->q_proto, &src, &dst)];
	t->st.icmp_errors++;
	ev->what = CAP_EV_ICMP;
	ev->icmp_conv = c;
	if (c != NULL) {
		c->icmp_errors++;
		ev->dir = cap_endpoint_cmp(&c->end[0], &src) == 0 ? 0 : 1;
	}
	return 0;
}

/* Start ev for the next packet, seen at t_us, and count it in the run. */
static void
event_start(struct cap_table *t, int64_t t_us, struct cap_event *ev)
{
	memset(ev, 0, offsetof(struct cap_event, chat));
	cap_chat_clear(&ev->chat);
	ev->rtt_us = -1;
	ev->ana.ack_rtt_us = -1;
	t->st.packets++;
	ev->frame = t->st.packets;
	if (t->st.first_us < 0)
		t->st.first_us = t_us;
	t->st.last_us = t_us;
}

/* A packet that is not one of a conversation (r is not CAP_OK): counted
 * and said in ev. */
static void
count_not_chat(struct cap_table *t, enum cap_result r,
               const struct cap_packet *p, struct cap_event *ev)
{
	switch (r) {
	case CAP_TRUNCATED:
		t->st.truncated++;
		ev->what = CAP_EV_TRUNCATED;
		break;
	case CAP_INVALID:
		t->st.invalid++;
		ev->what = CAP_EV_INVALID;
		break;
	case CAP_OTHER:
		t->st.other++;
		ev->what = CAP_EV_OTHER;
		break;
	case CAP_FRAGMENT:
		t->st.fragments++;
		ev->what = CAP_EV_FRAGMENT;
		ev->frag_seen = cap_frag_seen(&t->frags, p);
		break;
	case CAP_OK:
		break;
	}
}

/* Packet p, seen at t_us in direction dir, counted in its conversation. */
static void
count_in_conv(struct cap_table *t, struct cap_conv *c, int dir,
              const struct cap_packet *p, int64_t t_us)
{
	if (c->packets == 0) {
		c->first_us = t_us;
		if (p->proto == PROTO_TCP)
			t->st.tcp.connections++;
		else
			t->st.udp.flows++;
	}
	c->last_us = t_us;
	c->packets++;
	c->payload_bytes += p->payload_len;
	c->ip_bytes += p->ip_len;
	c->dir[dir].packets++;
	c->dir[dir].payload_bytes += p->payload_len;
}

int
cap_table_packet(struct cap_table *t, enum cap_result r,
                 const struct cap_packet *p, int64_t t_us,
                 struct cap_event *ev)
{
	struct cap_conv *c;
	uint16_t port;
	int dir;

	event_start(t, t_us, ev);

	if (r == CAP_OK && p->frags > 0)
		t->st.fragments++;            /* the piece that completed one */
	if (r == CAP_OK && p->icmp_quote)
		return icmp_error(t, p, ev);
	if (r == CAP_OK) {
		port = p->proto == PROTO_TCP ? t->tcp_port : t->udp_port;
		if (p->sport != port && p->dport != port) {
			r = CAP_OTHER;
			tally_other(&t->st, p);
		}
	}
	if (r != CAP_OK) {
		count_not_chat(t, r, p, ev);
		return 0;
	}
	if ((c = cap_conv_for(t, p, &dir)) == NULL)
		return -1;
	count_in_conv(t, c, dir, p, t_us);
	ev->conv = c;
	ev->dir = dir;
	if (p->hdr_cut != NULL)
		t->st.header_cut++;
	if (p->payload_caplen < p->payload_len) {
		ev->payload_cut = true;
		t->st.payload_cut++;
	}
	if (p->proto == PROTO_TCP)
		cap_tcp_track(&t->st, c, dir, p, t_us, ev);
	else
		udp_track(t, c, dir, p, ev);
	if (t->keep_steps)
		cap_steps_remember(t, p, ev, t_us);
	return 0;
}

void
cap_table_finish(struct cap_table *t)
{
	static struct cap_chat scratch;    /* big: kept off the stack */
	size_t i;
	int d;

	for (i = 0; i < t->nall; i++) {
		struct cap_conv *c = t->all[i];

		if (c->proto != PROTO_TCP)
			continue;
		for (d = 0; d < 2; d++) {
			cap_chat_clear(&scratch);
			cap_chat_silence(&c->dir[d].chat, d == 0, c->syn_seen,
			                 INT64_MAX, &scratch);
			t->st.tcp.messages += scratch.total;
		}
		if (c->follow_on)
			cap_reasm_follow_end(c);
	}
}

