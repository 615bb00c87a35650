/*
 * cap_tcpstate.c — the TCP state machine of one connection, seen from the
 * wire: relative sequence numbers, the three-way handshake and its RTTs,
 * data, acknowledgements, keep-alives, retransmissions, the FIN teardown and
 * resets (RFC 9293, 3.5 and 3.6). It only watches: nothing here can make a
 * segment "wrong", it can only say what the segment did.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_tcpstate.h"

/* Sequence numbers wrap at 2^32: compare them as a signed distance. */
static bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

bool
cap_tcp_starts_anew(const struct cap_conv *c, const struct cap_packet *p)
{
	if ((p->flags & (CAP_SYN | CAP_ACK)) != CAP_SYN)
		return false;
	return !(c->syn_seen && p->sport == c->end[0].port &&
	         p->seq == c->dir[0].base);
}

/* ---------------------------------------------------------------------------
 * Counting (the JSON keys of DESIGN.md): syn is SYN without ACK, syn_ack
 * SYN with ACK, pure_ack ACK alone with no payload, data any payload.
 * ------------------------------------------------------------------------ */
static void
count_segment(struct cap_stats *st, const struct cap_packet *p)
{
	uint8_t f = p->flags;

	st->tcp.segments++;
	st->tcp.payload_bytes += p->payload_len;
	st->tcp.ip_bytes += p->ip_len;
	if ((f & (CAP_SYN | CAP_ACK)) == CAP_SYN)
		st->tcp.syn++;
	if ((f & (CAP_SYN | CAP_ACK)) == (CAP_SYN | CAP_ACK))
		st->tcp.syn_ack++;
	if ((f & CAP_ACK) && !(f & (CAP_SYN | CAP_FIN | CAP_RST)) &&
	    p->payload_len == 0)
		st->tcp.pure_ack++;
	if (p->payload_len > 0)
		st->tcp.data++;
	else
		st->tcp.control++;
	if (f & CAP_FIN)
		st->tcp.fin++;
	if (f & CAP_RST)
		st->tcp.rst++;
}

/* ---------------------------------------------------------------------------
 * Relative numbers: like Wireshark, count from the initial sequence number
 * (the SYN's), so the first data byte is 1. When the capture starts after
 * the SYN, the first number seen stands in for it.
 * ------------------------------------------------------------------------ */
static void
relative_numbers(struct cap_dir *me, struct cap_dir *peer,
                 const struct cap_packet *p, struct cap_event *ev)
{
	if (!me->base_set) {
		me->base = (p->flags & CAP_SYN) ? p->seq : p->seq - 1;
		me->base_set = true;
	}
	ev->rel_seq = p->seq - me->base;
	if (p->flags & CAP_ACK) {
		if (!peer->base_set) {
			peer->base = p->ack - 1;
			peer->base_set = true;
		}
		ev->has_ack = true;
		ev->rel_ack = p->ack - peer->base;
	}
}

/* The window in bytes: once both SYNs offered window scaling, every later
 * window counts in units of 2^shift, the shift its sender announced
 * (RFC 7323, 2.2). Windows in SYNs are never scaled. */
static void
scale_window(struct cap_conv *c, int dir, const struct cap_packet *p,
             struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];

	if (p->flags & CAP_SYN) {
		me->wscale = p->opt.has_wscale ? (p->opt.wscale > 14 ? 14
		                                  : p->opt.wscale) : -1;
		ev->win = p->win;
		return;
	}
	if (me->wscale >= 0 && c->dir[!dir].wscale >= 0)
		ev->win = (uint32_t)p->win << me->wscale;
	else
		ev->win = p->win;
}

/* ---------------------------------------------------------------------------
 * Retransmission, chatcap's own definition: the segment carries sequence
 * space (data, SYN or FIN) that this direction had already sent. The byte
 * ranges actually sent are kept, so a segment that fills a hole (true
 * reordering: sent later than a higher one, never before) is not called
 * one. Simplification: past CAP_SENT_RANGES holes the two ranges closest
 * together are joined, which can only turn a reordering into a
 * retransmission, never the other way.
 * ------------------------------------------------------------------------ */
static bool
ranges_overlap(const struct cap_dir *me, uint32_t lo, uint32_t hi)
{
	unsigned i;

	for (i = 0; i < me->nsent; i++)
		if (lo < me->sent[i].hi && me->sent[i].lo < hi)
			return true;
	return false;
}

static void
ranges_add(struct cap_dir *me, uint32_t lo, uint32_t hi)
{
	unsigned i, j, best = 0;

	for (i = 0; i < me->nsent; i++) {           /* join what touches */
		if (lo <= me->sent[i].hi && me->sent[i].lo <= hi) {
			if (me->sent[i].lo < lo)
				lo = me->sent[i].lo;
			if (me->sent[i].hi > hi)
				hi = me->sent[i].hi;
			me->sent[i--] = me->sent[--me->nsent];
		}
	}
	if (me->nsent == CAP_SENT_RANGES) {          /* join the closest two */
		uint32_t gap = UINT32_MAX, g;

		for (i = 0; i < me->nsent; i++)
			for (j = 0; j < me->nsent; j++)
				if (me->sent[j].lo >= me->sent[i].hi &&
				    (g = me->sent[j].lo - me->sent[i].hi) < gap) {
					gap = g;
					best = i * CAP_SENT_RANGES + j;
				}
		i = best / CAP_SENT_RANGES;
		j = best % CAP_SENT_RANGES;
		me->sent[i].hi = me->sent[j].hi;
		me->sent[j] = me->sent[--me->nsent];
	}
	me->sent[me->nsent].lo = lo;
	me->sent[me->nsent].hi = hi;
	me->nsent++;
}

static bool
already_sent(struct cap_dir *me, const struct cap_packet *p, uint32_t seglen)
{
	uint32_t lo = p->seq - me->base, hi = lo + seglen;
	bool again;

	if (seglen == 0 || hi < lo)
		return false;
	again = ranges_overlap(me, lo, hi);
	ranges_add(me, lo, hi);
	return again;
}

/* Wireshark's analysis of the segment (cap_analysis.c). */
static void
analyse(struct cap_stats *st, struct cap_conv *c, int dir,
        const struct cap_packet *p, int64_t t_us, struct cap_event *ev)
{
	struct cap_ana_seg s = {
		.frame = ev->frame, .t_us = t_us, .seq = p->seq,
		.ack = (p->flags & CAP_ACK) ? p->ack : 0,
		.seglen = (uint32_t)p->payload_len, .flags = p->flags,
		.raw_win = p->win,
		.wscale_opt = p->opt.has_wscale ? p->opt.wscale : -1,
	};
	unsigned i;

	cap_ana_segment(&c->dir[dir].ana, &c->dir[!dir].ana, &s,
	                c->syn_to_ack_us, &ev->ana);
	for (i = 0; i < CAP_A_NAMES; i++)
		if (ev->ana.flags & (1u << i))
			st->tcp.analysis[i]++;
	if (ev->ana.ack_rtt_us >= 0)
		st->tcp.ack_rtts++;
	if (ev->ana.flags & CAP_A_RETRANSMISSION)
		c->ana_retrans++;
	/* An RTT sample for the sender of the data this ACK covers, unless
	 * that data went more than once (Karn: whose ACK is it?) or it was
	 * a SYN (the handshake has its own times). */
	if (ev->ana.ack_rtt_us < 0 || (p->flags & CAP_SYN) || !c->established)
		return;
	if (ev->ana.ambiguous != CAP_RESENT_NO) {
		cap_rtt_skip(&c->dir[!dir].rtt, ev->frame, ev->ana.acks_frame,
		             ev->ana.ambiguous);
		return;
	}
	cap_rtt_sample(&c->dir[!dir].rtt, ev->frame, ev->ana.ack_rtt_us,
	               &ev->rtt);
	ev->has_rtt = true;
}

/* The handshake: SYN, SYN-ACK, then the client's ACK of the server's SYN.
 * The RTTs are measured from the latest SYN, as Wireshark does. */
static void
handshake(struct cap_stats *st, struct cap_conv *c, int dir,
          const struct cap_packet *p, int64_t t_us, struct cap_event *ev)
{
	uint8_t f = p->flags;

	if ((f & (CAP_SYN | CAP_ACK)) == CAP_SYN) {
		c->syn_seen = true;
		c->syn_us = t_us;
		ev->what = CAP_EV_SYN;
	} else if (f & CAP_SYN) {
		c->synack_seen = true;
		ev->what = CAP_EV_SYN_ACK;
		if (c->syn_seen) {
			ev->rtt_us = t_us - c->syn_us;
			if (c->syn_to_synack_us < 0)
				c->syn_to_synack_us = ev->rtt_us;
		}
	} else if (dir == 0 && (f & CAP_ACK) && c->synack_seen &&
	           !c->established && p->ack == c->dir[1].base + 1) {
		c->established = true;
		ev->what = CAP_EV_ESTABLISHED;
		if (c->syn_seen) {
			ev->rtt_us = c->syn_to_ack_us = t_us - c->syn_us;
			st->tcp.handshakes++;
		}
	}
}

/* The teardown: each side's FIN, each FIN's acknowledgement. */
static void
teardown(struct cap_stats *st, struct cap_conv *c, int dir,
         const struct cap_packet *p, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir], *peer = &c->dir[!dir];
	bool was_done = me->fin_acked && peer->fin_acked;

	if (p->flags & CAP_FIN) {
		if (!me->fin_sent) {
			me->fin_sent = true;
			me->fin_seq = p->seq + (uint32_t)p->payload_len;
		}
		ev->what = CAP_EV_FIN;
		ev->fin_nr = peer->fin_sent ? 2 : 1;
		if (peer->fin_sent && !c->counted_close) {
			c->counted_close = true;
			st->tcp.teardowns++;
			if (c->state == CAP_STATE_OPEN)
				c->state = CAP_STATE_CLOSED;
		}
	}
	if ((p->flags & CAP_ACK) && peer->fin_sent && !peer->fin_acked &&
	    p->ack == peer->fin_seq + 1) {
		peer->fin_acked = true;
		if (!(p->flags & CAP_FIN) && p->payload_len == 0)
			ev->what = CAP_EV_FIN_ACK;
	}
	ev->closes = !was_done && me->fin_acked && peer->fin_acked;
}

/* Resets: an RST from the server answering a SYN means nobody listens. */
static void
reset(struct cap_stats *st, struct cap_conv *c, int dir, struct cap_event *ev)
{
	if (c->syn_seen && !c->synack_seen && dir == 1) {
		ev->what = CAP_EV_REFUSED;
		if (c->state != CAP_STATE_REFUSED)
			st->tcp.refused++;
		c->state = CAP_STATE_REFUSED;
		return;
	}
	ev->what = CAP_EV_RST;
	if (c->state == CAP_STATE_OPEN) {
		c->state = CAP_STATE_RESET;
		st->tcp.reset_connections++;
	}
}

/* RFC 2883, section 4: the first SACK block reports bytes received twice
 * when it ends at or below the ACK, or ends inside the second block (as
 * Wireshark's tcp.options.sack.dsack reads it). */
static bool
is_dsack(const struct cap_tcp_opts *o, uint32_t ack)
{
	if (!o->has_sack)
		return false;
	if (!seq_lt(ack, o->sack_right))
		return true;
	return o->has_sack2 && seq_lt(o->sack2_left, o->sack_right) &&
	       !seq_lt(o->sack2_right, o->sack_right);
}

void
cap_tcp_track(struct cap_stats *st, struct cap_conv *c, int dir,
              const struct cap_packet *p, int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];
	uint32_t seglen;

	seglen = (uint32_t)p->payload_len + ((p->flags & CAP_SYN) ? 1 : 0) +
	         ((p->flags & CAP_FIN) ? 1 : 0);
	count_segment(st, p);
	ev->dsack = (p->flags & CAP_ACK) && is_dsack(&p->opt, p->ack);
	relative_numbers(me, &c->dir[!dir], p, ev);
	scale_window(c, dir, p, ev);
	analyse(st, c, dir, p, t_us, ev);
	if (!me->next_set || seq_lt(me->next, p->seq + seglen)) {
		me->next = p->seq + seglen;
		me->next_set = true;
	}

	if (ev->ana.flags & CAP_A_KEEP_ALIVE) {
		ev->what = CAP_EV_KEEPALIVE;
		st->tcp.keepalives++;
	} else {
		ev->what = p->payload_len > 0 ? CAP_EV_DATA : CAP_EV_ACK;
	}
	if (already_sent(me, p, seglen) &&
	    !(ev->ana.flags & CAP_A_KEEP_ALIVE)) {
		ev->retransmission = true;
		c->retransmissions++;
		st->tcp.retransmissions++;
	}
	handshake(st, c, dir, p, t_us, ev);
	teardown(st, c, dir, p, ev);
	if (p->flags & CAP_RST)
		reset(st, c, dir, ev);
	cap_reasm_follow(c, dir, p, t_us, ev);
	if (dir == 1)
		ev->nick_fixed = cap_chat_nick_truth(&c->dir[0].chat, &ev->chat,
		                                     ev->nick_was);
	st->tcp.messages += ev->chat.total;
}
