/*
 * cap_conv.h — conversations: TCP connections with their state (relative
 * sequence numbers, handshake and its RTTs, teardown, resets,
 * retransmissions) and UDP flows, plus the run's counters. What a packet
 * means is handed back as a struct cap_event for the output modules; no
 * printing happens here.
 */
#ifndef CAP_CONV_H
#define CAP_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cap_analysis.h"
#include "cap_chat.h"
#include "cap_follow.h"
#include "cap_frag.h"
#include "cap_reasm.h"
#include "cap_rtt.h"
#include "cap_packet.h"

#define CAP_STEPS_MAX  2000 /* ladder steps kept per conversation */
#define CAP_STEP_TEXT  40   /* bytes of chat text kept per ladder step */
#define CAP_ENDPOINT_MAX 56 /* "[IPv6]:PORT" with its NUL */
#define CAP_SENT_RANGES 8   /* byte ranges sent, kept per direction */
#define CAP_OTHER_PORTS 16  /* ports of other traffic tallied, at most */
#define CAP_RECENT     4    /* conversations last found, kept at hand */

enum cap_state { CAP_STATE_OPEN, CAP_STATE_CLOSED, CAP_STATE_RESET,
                 CAP_STATE_REFUSED };

/* What one packet means for the lesson. */
enum cap_what {
	CAP_EV_SYN,         /* handshake 1/3 */
	CAP_EV_SYN_ACK,     /* handshake 2/3 */
	CAP_EV_ESTABLISHED, /* handshake 3/3 (may carry data) */
	CAP_EV_DATA,
	CAP_EV_ACK,         /* acknowledgement only */
	CAP_EV_KEEPALIVE,   /* one byte (or none) below what was sent */
	CAP_EV_FIN,         /* teardown: "I have nothing more to send" */
	CAP_EV_FIN_ACK,     /* teardown: acknowledgement of a FIN */
	CAP_EV_RST,
	CAP_EV_REFUSED,     /* RST answering a SYN: nobody listens */
	CAP_EV_DATAGRAM,    /* UDP */
	CAP_EV_TRUNCATED,   /* headers cut by the snapshot length */
	CAP_EV_INVALID,
	CAP_EV_OTHER,       /* not chat traffic */
	CAP_EV_FRAGMENT,    /* a piece of an IP datagram, waiting for the rest */
	CAP_EV_ICMP,        /* an ICMP/ICMPv6 error about a chat packet */
};

struct cap_endpoint {
	int      family;    /* 4 or 6 */
	uint8_t  addr[16];
	uint16_t port;
};

/* One direction of a TCP connection (or UDP flow). */
struct cap_dir {
	uint32_t base;       /* initial sequence number: relative numbers */
	uint32_t next;       /* highest sequence number sent + 1 */
	uint32_t fin_seq;    /* sequence number of our FIN */
	bool     base_set, next_set, fin_sent, fin_acked;
	int      wscale;     /* window scale from our SYN, -1 if none */
	struct { uint32_t lo, hi; } sent[CAP_SENT_RANGES]; /* relative, [lo,hi) */
	unsigned nsent;      /* byte ranges this side has sent */
	struct cap_ana_dir ana; /* Wireshark's sequence analysis */
	struct cap_rtt     rtt; /* RFC 6298 estimate of this sender's RTT */
	uint64_t packets, payload_bytes;
	struct cap_chat_dir chat;
	uint32_t chat_next;  /* the next byte the framer expects */
	bool     chat_set;
	struct cap_reasm *reasm; /* segments past a hole, or NULL */
};

/* One arrow of the ladder diagram. */
struct cap_step {
	int64_t  t_us;
	int64_t  rtt_us;     /* -1 when none */
	uint32_t seq, ack, len;
	uint64_t frame;
	uint16_t ana;        /* enum cap_ana_flag */
	uint8_t  what, dir, flags;
	bool     retrans, closes, lost;
	char     text[CAP_STEP_TEXT];
	char    *lines;      /* every message whole, one a line; NULL if none */
};

struct cap_conv {
	unsigned            id;        /* 1, 2, ... per protocol */
	uint8_t             proto;     /* 6 TCP, 17 UDP */
	struct cap_endpoint end[2];    /* [0] client, [1] server */
	char                name[2][CAP_ENDPOINT_MAX]; /* "ADDR:PORT" */
	enum cap_state      state;
	bool                syn_seen, synack_seen, established, counted_close;
	int64_t             first_us, last_us;
	int64_t             syn_us;           /* the latest SYN */
	int64_t             syn_to_synack_us; /* -1 until seen */
	int64_t             syn_to_ack_us;    /* -1 until seen */
	struct cap_dir      dir[2];    /* [0] client to server, [1] back */
	uint64_t            packets, payload_bytes, ip_bytes, retransmissions;
	uint64_t            ana_retrans;  /* Wireshark's retransmissions */
	uint64_t            icmp_errors;  /* ICMP errors answering it */
	struct cap_step    *steps;
	size_t              nsteps, steps_cap, steps_dropped;
	struct cap_follow   follow;    /* --follow: the bytes in order */
	bool                follow_on; /* remember them */
};

struct cap_stats {
	uint64_t packets, truncated, invalid, other, payload_cut, header_cut;
	uint64_t fragments;           /* IP fragments (each piece) */
	uint64_t icmp_errors;         /* ICMP errors quoting chat packets */
	int64_t  first_us, last_us;   /* absolute, -1 before the first */
	struct {
		uint64_t segments, syn, syn_ack, pure_ack, data, fin, rst;
		uint64_t retransmissions, keepalives, connections, handshakes;
		uint64_t teardowns, reset_connections, refused;
		uint64_t payload_bytes, ip_bytes, control, messages;
		uint64_t analysis[CAP_A_NAMES]; /* segments with each flag */
		uint64_t ack_rtts;              /* segments with an ack_rtt */
	} tcp;
	struct {
		uint64_t datagrams, flows, payload_bytes, ip_bytes, messages;
	} udp;
	/* TCP/UDP traffic on other ports: the lower port of each packet (the
	 * server's, most likely), for the "try --tcp-port N" hint. */
	struct cap_port_tally {
		uint8_t  proto;
		uint16_t port;
		uint64_t packets;
	} other_port[CAP_OTHER_PORTS];
	size_t nother_ports;
	bool     live;                /* live, with the kernel's counters: */
	uint64_t kernel_dropped;      /* packets it dropped (no buffer room) */
};

/* What the table says about one packet. */
struct cap_event {
	enum cap_what    what;
	struct cap_conv *conv;       /* NULL for truncated/invalid/other */
	int              dir;        /* 0 client to server, 1 server to client */
	bool             retransmission;
	bool             has_ack;
	bool             closes;     /* this packet completes the teardown */
	bool             payload_cut;
	int              fin_nr;     /* CAP_EV_FIN: 1 first, 2 second */
	uint32_t         rel_seq, rel_ack;
	uint32_t         win;        /* window in bytes (scaled, RFC 7323) */
	int64_t          rtt_us;     /* SYN-ACK, 3/3: since the SYN; else -1 */
	uint64_t         frame;      /* this packet's number, from 1 */
	unsigned         frag_seen;  /* CAP_EV_FRAGMENT: pieces come so far */
	struct cap_conv *icmp_conv;  /* CAP_EV_ICMP: the conversation of the
	                              * quoted packet (dir: its direction), or
	                              * NULL if it was never seen */
	struct cap_ana   ana;        /* Wireshark's tcp.analysis of it */
	bool             nick_fixed; /* the server named the client's nickname
	                              * otherwise than inferred (nick_was) */
	char             nick_was[CAP_NICK_TEXT];
	bool             dsack;      /* its first SACK block ends at or below
	                              * its ACK or inside its second: the
	                              * receiver got those bytes twice
	                              * (D-SACK, RFC 2883) */
	bool             capture_gap; /* a gap in sequence numbers while the
	                               * live capture was dropping packets */
	bool             has_rtt;    /* the ACK gave an RTT sample: */
	struct cap_rtt_row rtt;      /* the estimator of the data's sender */
	struct cap_chat  chat;
};

struct cap_conv_block;

struct cap_table {
	uint16_t          tcp_port, udp_port;
	bool              keep_steps;  /* remember arrows for --ladder */
	bool              keep_follow; /* remember bytes for --follow (set
	                                * it before the first packet) */
	bool              keep_rtt;    /* remember RTT rows for --rtt (default
	                                * true; set it before the first packet) */
	struct cap_stats  st;
	struct cap_conv **slot;        /* open addressing: key to newest conv */
	size_t            nslot, nused;
	struct cap_conv  *recent[CAP_RECENT]; /* the last found (cap_convtab.c) */
	unsigned          recent_next;        /* the one to replace next */
	struct cap_frag_table frags;   /* IP datagrams being put together */
	struct cap_conv **all;         /* every conversation, in order */
	size_t            nall, all_cap;
	struct cap_conv_block *blocks; /* where conversations live (newest
	                                * block first; cap_convtab.c) */
	unsigned          tcp_ids, udp_ids;
};

/* Set up an empty table. 0, or -1 out of memory. */
int cap_table_init(struct cap_table *t, uint16_t tcp_port, uint16_t udp_port,
                   bool keep_steps);

void cap_table_free(struct cap_table *t);

/*
 * Account one packet that the decoders answered r for, captured at t_us
 * (microseconds, absolute), and say what it means in *ev (ev->chat holds
 * the messages it completed, valid until the next call). Returns 0, or -1
 * when memory for a new conversation ran out.
 */
int cap_table_packet(struct cap_table *t, enum cap_result r,
                     const struct cap_packet *p, int64_t t_us,
                     struct cap_event *ev);

/* Remember packet p (event ev, at t_us) as an arrow of its conversation's
 * ladder (cap_steps.c); a retransmission marks the arrow of the segment it
 * repeats as lost. */
void cap_steps_remember(struct cap_table *t, const struct cap_packet *p,
                        const struct cap_event *ev, int64_t t_us);

/* The end of the capture: unterminated lines waiting for a silence get
 * it (counted as messages). */
void cap_table_finish(struct cap_table *t);

/* Write e as "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6) into
 * out[CAP_ENDPOINT_MAX]. */
void cap_endpoint_format(const struct cap_endpoint *e, char *out);

/* "open", "closed", "reset", "refused" (the JSON words). */
const char *cap_state_name(enum cap_state s);

/* The same for people, in the chosen language. */
const char *cap_state_label(enum cap_state s);

#endif
