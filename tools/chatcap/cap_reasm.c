/*
 * cap_reasm.c — TCP payload in sequence order for the chat framer: the
 * out-of-order queue of one direction (usually a handful of segments, at
 * most CAP_REASM_SEGS, so a linear search is the clearest), and how a connection's payload goes
 * through it (cap_reasm_follow).
 */
#include <stdlib.h>
#include <string.h>

#include "cap_conv.h"
#include "cap_reasm.h"

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

static void
take(struct cap_reasm *q, size_t i, struct cap_reasm_seg *seg)
{
	*seg = q->seg[i];
	q->bytes -= seg->len;
	q->seg[i] = q->seg[--q->n];
}

bool
cap_reasm_hold(struct cap_reasm *q, uint32_t seq, uint64_t frame,
               const uint8_t *data, size_t len)
{
	struct cap_reasm_seg *more;
	uint8_t *copy;
	size_t cap;

	if (q->n == CAP_REASM_SEGS || len > CAP_REASM_BYTES - q->bytes)
		return false;
	if (q->n == q->cap) {
		cap = q->cap == 0 ? 8 : q->cap * 2;
		if (cap > CAP_REASM_SEGS)
			cap = CAP_REASM_SEGS;
		if ((more = realloc(q->seg, cap * sizeof(*more))) == NULL)
			return false;
		q->seg = more;
		q->cap = cap;
	}
	if ((copy = malloc(len)) == NULL)
		return false;
	memcpy(copy, data, len);
	q->seg[q->n++] = (struct cap_reasm_seg){ seq, frame, len, copy };
	q->bytes += len;
	return true;
}

bool
cap_reasm_next(struct cap_reasm *q, uint32_t next, struct cap_reasm_seg *seg,
               size_t *skip)
{
	size_t i = 0;

	while (i < q->n) {
		struct cap_reasm_seg *s = &q->seg[i];
		uint32_t end = s->seq + (uint32_t)s->len;

		if (seq_le(end, next)) {           /* all delivered already */
			free(s->data);
			take(q, i, seg);
			continue;
		}
		if (seq_le(s->seq, next)) {
			*skip = next - s->seq;
			take(q, i, seg);
			return true;
		}
		i++;
	}
	return false;
}

bool
cap_reasm_lowest(struct cap_reasm *q, struct cap_reasm_seg *seg)
{
	size_t i, best = 0;

	if (q->n == 0)
		return false;
	for (i = 1; i < q->n; i++)
		if (seq_lt(q->seg[i].seq, q->seg[best].seq))
			best = i;
	take(q, best, seg);
	return true;
}

void
cap_reasm_free(struct cap_reasm *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free(q->seg[i].data);
	free(q->seg);
	memset(q, 0, sizeof(*q));
}

/* ---------------------------------------------------------------------------
 * Chat: payload goes to the framer of its direction in sequence order, as
 * the receiving TCP hands it to the server; a segment past a hole waits
 * (cap_reasm.c). If the hole cannot be filled (the queue is full, or the
 * receiver acknowledges bytes the capture never had), the framer starts
 * over after it (cap_chat_resync: the cut line is not shown).
 * ------------------------------------------------------------------------ */
static void
drain(struct cap_conv *c, int dir, int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];
	struct cap_reasm_seg seg;
	size_t skip = 0;

	while (me->reasm != NULL &&
	       cap_reasm_next(me->reasm, me->chat_next, &seg, &skip)) {
		cap_chat_stream(&me->chat, dir == 0, c->syn_seen, seg.data + skip,
		                seg.len - skip, t_us, &ev->chat);
		if (c->follow_on)
			cap_follow_bytes(&c->follow, dir, seg.frame, seg.data + skip,
			                 seg.len - skip, false);
		me->chat_next = seg.seq + (uint32_t)seg.len;
		free(seg.data);
	}
}

static void
feed(struct cap_conv *c, int dir, const uint8_t *data, size_t len,
     uint32_t seq, uint64_t frame, int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];

	cap_chat_stream(&me->chat, dir == 0, c->syn_seen, data, len, t_us,
	                &ev->chat);
	if (c->follow_on)
		cap_follow_bytes(&c->follow, dir, frame, data, len, false);
	me->chat_next = seq + (uint32_t)len;
	drain(c, dir, t_us, ev);
}

/* Give up on the hole before the waiting segments of direction dir. */
static void
skip_hole(struct cap_conv *c, int dir, int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];
	struct cap_reasm_seg seg;

	if (me->reasm == NULL || !cap_reasm_lowest(me->reasm, &seg))
		return;
	cap_chat_resync(&me->chat);
	if (c->follow_on)
		cap_follow_missing(&c->follow, dir, seg.seq - me->chat_next);
	feed(c, dir, seg.data, seg.len, seg.seq, seg.frame, t_us, ev);
	free(seg.data);
}

/* Whether a segment waits past the hole at a sequence number below seq. */
static bool
held_before(const struct cap_reasm *q, uint32_t seq)
{
	size_t i;

	for (i = 0; q != NULL && i < q->n; i++)
		if (seq_lt(q->seg[i].seq, seq))
			return true;
	return false;
}

/*
 * Give up on the hole(s) before seq: the waiting segments below it go on
 * in sequence order from the lowest, each hole marked missing and the
 * framer started over after it; then the hole just before seq.
 */
static void
give_up_before(struct cap_conv *c, int dir, uint32_t seq, int64_t t_us,
               struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];

	while (seq_lt(me->chat_next, seq) && held_before(me->reasm, seq))
		skip_hole(c, dir, t_us, ev);
	if (!seq_lt(me->chat_next, seq))
		return;
	cap_chat_resync(&me->chat);
	if (c->follow_on)
		cap_follow_missing(&c->follow, dir, seq - me->chat_next);
	me->chat_next = seq;
}

/*
 * A segment the snapshot length cut: its captured bytes go to --follow,
 * the rest is missing, the line it cut is not shown (the framer starts
 * over) and the stream goes on after the whole segment.
 */
static void
cut_segment(struct cap_conv *c, int dir, const struct cap_packet *p,
            uint32_t data_seq, int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];
	uint32_t end = data_seq + (uint32_t)p->payload_len, skip;

	if (!seq_lt(me->chat_next, end))                 /* already framed */
		return;
	give_up_before(c, dir, data_seq, t_us, ev);
	if (!seq_lt(me->chat_next, end))   /* what waited covered it all */
		return;
	skip = me->chat_next - data_seq;
	if (c->follow_on) {
		if (skip < p->payload_caplen)
			cap_follow_bytes(&c->follow, dir, ev->frame,
			                 p->payload + skip,
			                 p->payload_caplen - skip, false);
		cap_follow_missing(&c->follow, dir, end - me->chat_next -
		                   (uint32_t)(skip < p->payload_caplen
		                              ? p->payload_caplen - skip : 0));
	}
	cap_chat_resync(&me->chat);
	me->chat_next = end;
	drain(c, dir, t_us, ev);
}

static void
follow_chat(struct cap_conv *c, int dir, const struct cap_packet *p,
            int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];
	uint32_t data_seq = p->seq + ((p->flags & CAP_SYN) ? 1 : 0), skip;

	if (p->payload_len == 0 || ev->what == CAP_EV_KEEPALIVE) {
		cap_chat_silence(&me->chat, dir == 0, c->syn_seen, t_us, &ev->chat);
		return;
	}
	if (!me->chat_set) {            /* from the SYN if it was seen */
		me->chat_next = (dir == 0 ? c->syn_seen : c->synack_seen)
		                ? me->base + 1 : data_seq;
		me->chat_set = true;
	}
	if (ev->payload_cut) {
		cut_segment(c, dir, p, data_seq, t_us, ev);
		return;
	}
	if (seq_lt(me->chat_next, data_seq)) {           /* a hole before */
		if (me->reasm == NULL)
			me->reasm = calloc(1, sizeof(*me->reasm));
		if (me->reasm != NULL &&
		    cap_reasm_hold(me->reasm, data_seq, ev->frame, p->payload,
		                   p->payload_len)) {
			ev->chat.held = true;
			return;
		}
		give_up_before(c, dir, data_seq, t_us, ev);  /* no room */
	}
	skip = me->chat_next - data_seq;                 /* already framed */
	if (skip >= p->payload_len)
		return;
	feed(c, dir, p->payload + skip, p->payload_len - skip,
	     data_seq + skip, ev->frame, t_us, ev);
}

/* The peer acknowledged bytes the capture never had (Wireshark's "ACKed
 * unseen segment"): the hole will not be filled. And a FIN in sequence
 * ends the last unterminated message. */
static void
chat_edges(struct cap_conv *c, int dir, const struct cap_packet *p,
           int64_t t_us, struct cap_event *ev)
{
	struct cap_dir *me = &c->dir[dir];

	if (ev->ana.flags & CAP_A_ACK_LOST_SEGMENT)
		skip_hole(c, !dir, t_us, ev);
	if ((p->flags & CAP_FIN) && me->chat_set &&
	    me->chat_next == p->seq + (uint32_t)p->payload_len &&
	    (me->reasm == NULL || me->reasm->n == 0))
		cap_chat_finish(&me->chat, dir == 0, c->syn_seen, &ev->chat);
}

void
cap_reasm_follow(struct cap_conv *c, int dir, const struct cap_packet *p,
                 int64_t t_us, struct cap_event *ev)
{
	follow_chat(c, dir, p, t_us, ev);
	chat_edges(c, dir, p, t_us, ev);
}

void
cap_reasm_follow_end(struct cap_conv *c)
{
	struct cap_reasm_seg seg;
	size_t skip;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		struct cap_dir *me = &c->dir[dir];

		while (me->reasm != NULL && cap_reasm_lowest(me->reasm, &seg)) {
			skip = seq_lt(seg.seq, me->chat_next)
			       ? me->chat_next - seg.seq : 0;
			if (skip == 0)
				cap_follow_missing(&c->follow, dir,
				                   seg.seq - me->chat_next);
			if (skip < seg.len) {
				cap_follow_bytes(&c->follow, dir, seg.frame,
				                 seg.data + skip, seg.len - skip, false);
				me->chat_next = seg.seq + (uint32_t)seg.len;
			}
			free(seg.data);
		}
	}
}
