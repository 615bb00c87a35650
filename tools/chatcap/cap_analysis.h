/*
 * cap_analysis.h — Wireshark's TCP sequence analysis (its tcp.analysis.*
 * fields), segment by segment and direction by direction: retransmissions
 * of three kinds, out-of-order segments, duplicate ACKs, lost segments,
 * windows and keep-alives, and the RTT of each acknowledged segment.
 * The meanings and the order in which they are decided follow Wireshark's
 * packet-tcp.c; the state is kept per connection, never global.
 */
#ifndef CAP_ANALYSIS_H
#define CAP_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One bit per name of the JSON "analysis" list (the order of the list). */
enum cap_ana_flag {
	CAP_A_RETRANSMISSION     = 1 << 0,
	CAP_A_FAST_RETRANS       = 1 << 1,
	CAP_A_SPURIOUS_RETRANS   = 1 << 2,
	CAP_A_OUT_OF_ORDER       = 1 << 3,
	CAP_A_DUP_ACK            = 1 << 4,
	CAP_A_LOST_SEGMENT       = 1 << 5,
	CAP_A_ACK_LOST_SEGMENT   = 1 << 6,
	CAP_A_ZERO_WINDOW        = 1 << 7,
	CAP_A_ZERO_WINDOW_PROBE  = 1 << 8,
	CAP_A_ZERO_WINDOW_PROBE_ACK = 1 << 9,
	CAP_A_WINDOW_FULL        = 1 << 10,
	CAP_A_WINDOW_UPDATE      = 1 << 11,
	CAP_A_KEEP_ALIVE         = 1 << 12,
	CAP_A_KEEP_ALIVE_ACK     = 1 << 13,
};
#define CAP_A_NAMES 14

#define CAP_ANA_UNACKED_MAX 10000 /* segments remembered per direction */

/* A segment sent and not yet acknowledged. */
struct cap_unacked {
	uint32_t seq, nextseq;
	uint64_t frame;
	int64_t  t_us;
	uint8_t  resent;           /* these bytes went more than once: */
};

/* Why an ACK gives no RTT sample (Karn's rule, RFC 6298 3). */
enum cap_resent {
	CAP_RESENT_NO,             /* sent once: a sample */
	CAP_RESENT_AGAIN,          /* sent again (a retransmission) */
	CAP_RESENT_COPY,           /* a copy of bytes already acknowledged
	                            * (a duplicated or spurious segment) */
};

/* What one direction has shown so far (Wireshark's tcp_flow_t). */
struct cap_ana_dir {
	bool     nextseq_set, maxseq_set, lastack_set;
	uint32_t nextseq;          /* highest sequence number sent + 1 */
	uint64_t nextseq_frame;
	int64_t  nextseq_us;
	uint32_t maxseqtobeacked;  /* highest contiguous sequence number */
	uint32_t lastack;
	int64_t  lastack_us;
	uint32_t window;           /* the last window, in bytes */
	int      win_scale;        /* -1 unknown, -2 none, else the shift */
	bool     seen_ack;         /* a segment with ACK went this way */
	uint16_t lastflags;        /* analysis of our previous segment */
	int32_t  dupacks;          /* duplicate ACKs in a row (-1: reset) */
	uint64_t lastnondupack;    /* frame of the ACK they repeat */
	struct cap_unacked *ua;    /* newest last */
	size_t   nua, ua_cap;
};

/* The analysis of one segment. */
struct cap_ana {
	uint16_t flags;            /* enum cap_ana_flag */
	uint32_t dup_ack_n;        /* CAP_A_DUP_ACK: 1, 2, ... */
	uint64_t dup_ack_of;       /* frame of the ACK it repeats */
	int64_t  ack_rtt_us;       /* -1 when it acknowledges no segment */
	uint64_t acks_frame;       /* the segment acknowledged, or 0 */
	uint8_t  ambiguous;        /* enum cap_resent: that segment was sent
	                            * more than once, no RTT sample (Karn) */
	uint64_t resent_frame;     /* a retransmission: first sending, or 0 */
};

/* The facts of a segment the analysis needs. */
struct cap_ana_seg {
	uint64_t frame;
	int64_t  t_us;
	uint32_t seq, ack, seglen; /* seglen: payload bytes (no SYN/FIN) */
	uint8_t  flags;
	uint16_t raw_win;          /* the window field as sent */
	int      wscale_opt;       /* SYN: the window scale option, or -1 */
};

void cap_ana_dir_init(struct cap_ana_dir *d);
void cap_ana_dir_free(struct cap_ana_dir *d);

/*
 * Analyse segment s sent by fwd towards rev. irtt_us: the connection's
 * SYN-to-ACK time, or -1 (it sets the out-of-order threshold). Fills *a.
 */
void cap_ana_segment(struct cap_ana_dir *fwd, struct cap_ana_dir *rev,
                     const struct cap_ana_seg *s, int64_t irtt_us,
                     struct cap_ana *a);

/* The JSON name of the flag with bit number i ("retransmission", ...). */
const char *cap_ana_name(unsigned i);

#endif
