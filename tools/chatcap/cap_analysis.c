/*
 * cap_analysis.c — TCP sequence analysis with Wireshark's meanings (see
 * cap_analysis.h). Each test below is one tcp.analysis.* flag, in the
 * order Wireshark decides them; a few end the checks early ("goto done"
 * in spirit: the later ones cannot apply). Sequence numbers are absolute
 * and compared modulo 2^32.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_analysis.h"
#include "cap_packet.h"

#define OOO_DEFAULT_US 3000   /* out-of-order window without an iRTT */
#define FAST_RETRANS_US 20000 /* a fast retransmission follows its dup ACKs */

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static bool seq_le(uint32_t a, uint32_t b) { return !seq_gt(a, b); }

static const char *const names[CAP_A_NAMES] = {
	"retransmission", "fast_retransmission", "spurious_retransmission",
	"out_of_order", "duplicate_ack", "lost_segment", "ack_lost_segment",
	"zero_window", "zero_window_probe", "zero_window_probe_ack",
	"window_full", "window_update", "keep_alive", "keep_alive_ack",
};

const char *
cap_ana_name(unsigned i)
{
	return i < CAP_A_NAMES ? names[i] : "?";
}

void
cap_ana_dir_init(struct cap_ana_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->window = UINT32_MAX;       /* no window seen: never "zero" */
	d->win_scale = -1;
}

void
cap_ana_dir_free(struct cap_ana_dir *d)
{
	free(d->ua);
	d->ua = NULL;
	d->nua = d->ua_cap = 0;
}

/* ---------------------------------------------------------------------------
 * Window scaling (RFC 7323, 2.2): a SYN announces its sender's shift; if
 * either SYN lacks the option, neither side scales (-2). Until the SYNs
 * are seen the shift is unknown (-1) and windows are taken as they are.
 * ------------------------------------------------------------------------ */
static uint32_t
scaled_window(struct cap_ana_dir *fwd, struct cap_ana_dir *rev,
              const struct cap_ana_seg *s)
{
	if (s->flags & CAP_SYN) {
		if (s->wscale_opt >= 0) {
			fwd->win_scale = s->wscale_opt > 14 ? 14 : s->wscale_opt;
			if ((s->flags & CAP_ACK) && rev->win_scale == -2)
				fwd->win_scale = -2;
		} else if (fwd->win_scale == -1) {
			fwd->win_scale = rev->win_scale = -2;
		}
		return s->raw_win;
	}
	if (fwd->win_scale >= 0)
		return (uint32_t)s->raw_win << fwd->win_scale;
	return s->raw_win;
}

/* ---------------------------------------------------------------------------
 * The flags that look at one segment and the last state of each side.
 * A zero window probe and the ACKs of a probe or a keep-alive end the
 * checks: the later ones cannot apply.
 * ------------------------------------------------------------------------ */
static void
window_and_ack_flags(struct cap_ana_dir *fwd, struct cap_ana_dir *rev,
                     const struct cap_ana_seg *s, uint32_t win,
                     struct cap_ana *a)
{
	bool plain = !(s->flags & (CAP_SYN | CAP_FIN | CAP_RST));
	bool same_place = fwd->nextseq_set && s->seq == fwd->nextseq &&
	                  fwd->lastack_set && s->ack == fwd->lastack;

	/* Zero window probe: one byte at the next number into a shut window. */
	if (s->seglen == 1 && fwd->nextseq_set && s->seq == fwd->nextseq &&
	    rev->window == 0) {
		a->flags |= CAP_A_ZERO_WINDOW_PROBE;
		return;
	}
	if (win == 0 && !(s->flags & (CAP_RST | CAP_FIN | CAP_SYN)))
		a->flags |= CAP_A_ZERO_WINDOW;
	/* Lost segment: this one starts past everything sent before it. */
	if (fwd->nextseq_set && seq_gt(s->seq, fwd->nextseq) &&
	    !(s->flags & CAP_RST))
		a->flags |= CAP_A_LOST_SEGMENT;
	/* Keep-alive: 0 or 1 byte, one below the next sequence number. */
	if (s->seglen <= 1 && fwd->nextseq_set &&
	    s->seq == fwd->nextseq - 1 && plain)
		a->flags |= CAP_A_KEEP_ALIVE;
	/* Window update: nothing new but the window. */
	if (s->seglen == 0 && win != 0 && win != fwd->window && same_place &&
	    plain)
		a->flags |= CAP_A_WINDOW_UPDATE;
	/* Window full: the data reaches the edge of the peer's window. */
	if (s->seglen > 0 && rev->win_scale != -1 && rev->lastack_set &&
	    s->seq + s->seglen == rev->lastack + rev->window && plain)
		a->flags |= CAP_A_WINDOW_FULL;
	if (s->seglen == 0 && win != 0 && win == fwd->window && same_place &&
	    (rev->lastflags & CAP_A_KEEP_ALIVE) && plain) {
		a->flags |= CAP_A_KEEP_ALIVE_ACK;
		return;
	}
	if (s->seglen == 0 && win == 0 && fwd->window == 0 && same_place &&
	    (rev->lastflags & CAP_A_ZERO_WINDOW_PROBE) && plain) {
		a->flags |= CAP_A_ZERO_WINDOW_PROBE_ACK;
		return;
	}
	/* Duplicate ACK: the same ACK, window and place again, no data. */
	if (s->seglen == 0 && win != 0 && win == fwd->window && same_place &&
	    plain) {
		fwd->dupacks = fwd->dupacks < 0 ? 1 : fwd->dupacks + 1;
		a->flags |= CAP_A_DUP_ACK;
		a->dup_ack_n = (uint32_t)fwd->dupacks;
		a->dup_ack_of = fwd->lastnondupack;
	}
}

/* ACKed unseen segment: the ACK covers bytes the capture never showed.
 * Said once for the same hole: when the mark of what the peer may
 * acknowledge is behind everything it sent, the mark jumps there; when the
 * peer only ever sends the same ACK (its duplicate-ACK count set to -1
 * here), later ACKs past the hole are not flagged again. */
static void
ack_lost_flag(struct cap_ana_dir *rev, const struct cap_ana_seg *s,
              struct cap_ana *a)
{
	if (!rev->maxseq_set || !seq_gt(s->ack, rev->maxseqtobeacked) ||
	    !(s->flags & CAP_ACK))
		return;
	if (seq_lt(rev->maxseqtobeacked, rev->nextseq)) {
		rev->maxseqtobeacked = rev->nextseq;
		a->flags |= CAP_A_ACK_LOST_SEGMENT;
		return;
	}
	if (rev->dupacks == 0)
		a->flags |= CAP_A_ACK_LOST_SEGMENT;
	rev->dupacks = -1;
}

/* Retransmission, fast retransmission, spurious retransmission or out of
 * order: a segment with sequence space that does not advance. */
static void
retransmission_flags(struct cap_ana_dir *fwd, struct cap_ana_dir *rev,
                     const struct cap_ana_seg *s, int64_t irtt_us,
                     struct cap_ana *a)
{
	uint32_t span = s->seglen + ((s->flags & (CAP_SYN | CAP_FIN)) ? 1 : 0);
	bool not_advanced = fwd->nextseq_set && seq_lt(s->seq, fwd->nextseq);
	int64_t ooo = irtt_us > 0 ? irtt_us : OOO_DEFAULT_US;

	if (span == 0 || (a->flags & CAP_A_KEEP_ALIVE))
		return;
	if (s->seglen > 1 && fwd->nextseq_set && fwd->nextseq - 1 == s->seq)
		not_advanced = false;      /* after a window probe: new data */
	if (s->seglen > 0 && rev->lastack_set && rev->lastack != 0 &&
	    seq_le(s->seq + s->seglen, rev->lastack)) {
		a->flags |= CAP_A_SPURIOUS_RETRANS | CAP_A_RETRANSMISSION;
		return;
	}
	if (not_advanced && rev->dupacks >= 2 && rev->lastack == s->seq &&
	    s->t_us - rev->lastack_us < FAST_RETRANS_US) {
		a->flags |= CAP_A_FAST_RETRANS | CAP_A_RETRANSMISSION;
		return;
	}
	if (not_advanced && s->t_us - fwd->nextseq_us < ooo &&
	    fwd->nextseq != s->seq + span) {
		a->flags |= CAP_A_OUT_OF_ORDER;
		return;
	}
	if (not_advanced)
		a->flags |= CAP_A_RETRANSMISSION;
}

/* Remember a segment until it is acknowledged (bounded). */
static void
remember(struct cap_ana_dir *fwd, const struct cap_ana_seg *s, uint32_t next)
{
	struct cap_unacked *u;
	size_t n;

	if (fwd->nua == CAP_ANA_UNACKED_MAX)
		return;
	if (fwd->nua == fwd->ua_cap) {
		n = fwd->ua_cap == 0 ? 4 : fwd->ua_cap * 2;
		if ((u = realloc(fwd->ua, n * sizeof(*u))) == NULL)
			return;
		fwd->ua = u;
		fwd->ua_cap = n;
	}
	fwd->ua[fwd->nua++] = (struct cap_unacked){ s->seq, next, s->frame,
	                                            s->t_us, CAP_RESENT_NO };
}

/* The ACK's RTT: the time since the segment it acknowledges exactly was
 * first sent (the oldest such: a retransmission's ACK counts from the
 * original, as Wireshark does); segments it covers are forgotten. */
static void
acknowledge(struct cap_ana_dir *rev, const struct cap_ana_seg *s,
            struct cap_ana *a)
{
	size_t i = rev->nua, keep;

	while (i-- > 0) {
		struct cap_unacked *u = &rev->ua[i];

		if (s->ack == u->nextseq) {
			a->acks_frame = u->frame;
			a->ack_rtt_us = s->t_us - u->t_us;
			a->ambiguous = u->resent;
		} else if (seq_gt(s->ack, u->seq) && seq_le(s->ack, u->nextseq)) {
			u->seq = s->ack;
		}
	}
	for (i = keep = 0; i < rev->nua; i++)
		if (seq_gt(rev->ua[i].nextseq, s->ack))
			rev->ua[keep++] = rev->ua[i];
	rev->nua = keep;
}

/* The first sending of the bytes a segment repeats (0 if none is
 * remembered); every remembered sending of them is marked as resent. */
static uint64_t
first_sent(struct cap_ana_dir *fwd, uint32_t seq, uint32_t next, uint8_t why)
{
	uint64_t first = 0;
	size_t i;

	for (i = 0; i < fwd->nua; i++)
		if (seq_lt(fwd->ua[i].seq, next) && seq_lt(seq, fwd->ua[i].nextseq)) {
			if (first == 0)
				first = fwd->ua[i].frame;
			if (fwd->ua[i].resent == CAP_RESENT_NO)
				fwd->ua[i].resent = why;
		}
	return first;
}

void
cap_ana_segment(struct cap_ana_dir *fwd, struct cap_ana_dir *rev,
                const struct cap_ana_seg *s, int64_t irtt_us,
                struct cap_ana *a)
{
	uint32_t win = scaled_window(fwd, rev, s), next;
	uint8_t why;

	memset(a, 0, sizeof(*a));
	a->ack_rtt_us = -1;
	window_and_ack_flags(fwd, rev, s, win, a);
	if (s->ack != fwd->lastack || !fwd->lastack_set) {
		fwd->lastnondupack = s->frame;
		fwd->dupacks = 0;
	}
	ack_lost_flag(rev, s, a);
	retransmission_flags(fwd, rev, s, irtt_us, a);
	next = s->seq + s->seglen + ((s->flags & (CAP_SYN | CAP_FIN)) ? 1 : 0);
	why = (a->flags & CAP_A_SPURIOUS_RETRANS) ? CAP_RESENT_COPY
	                                          : CAP_RESENT_AGAIN;
	if (next != s->seq && !(a->flags & CAP_A_KEEP_ALIVE))
		a->resent_frame = first_sent(fwd, s->seq, next, why);
	if (next != s->seq)
		remember(fwd, s, next);
	/* Karn: the ACK of these bytes cannot say which sending it answers
	 * when they went before (even if that sending is forgotten: a
	 * spurious retransmission of acknowledged bytes). */
	if ((a->resent_frame != 0 || (a->flags & (CAP_A_RETRANSMISSION |
	                                          CAP_A_SPURIOUS_RETRANS))) &&
	    fwd->nua > 0 && fwd->ua[fwd->nua - 1].frame == s->frame)
		fwd->ua[fwd->nua - 1].resent = why;
	if ((!fwd->nextseq_set || seq_gt(next, fwd->nextseq)) &&
	    !(a->flags & CAP_A_ZERO_WINDOW_PROBE)) {
		fwd->nextseq = next;
		fwd->nextseq_set = true;
		fwd->nextseq_frame = s->frame;
		fwd->nextseq_us = s->t_us;
	}
	if ((!fwd->maxseq_set || s->seq == fwd->maxseqtobeacked) &&
	    !(a->flags & CAP_A_ZERO_WINDOW_PROBE)) {
		fwd->maxseqtobeacked = fwd->nextseq;
		fwd->maxseq_set = true;
	}
	fwd->window = win;
	fwd->lastack = s->ack;
	fwd->lastack_set = true;
	fwd->lastack_us = s->t_us;
	fwd->lastflags = a->flags;
	if (s->flags & CAP_ACK)
		acknowledge(rev, s, a);
}
