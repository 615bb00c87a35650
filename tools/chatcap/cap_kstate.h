/*
 * cap_kstate.h — what the sending TCP is thinking: the kernel's own
 * congestion state (cwnd, ssthresh, RTO, congestion-avoidance state...) of
 * each connection on the chat port, sampled while chatcap captures live.
 * Two sources: tcp_info by sock_diag, polled every few milliseconds in
 * chatcap's network namespace (cap_kdiag.c, any user), and the tcp_probe,
 * tcp_cong_state_set and tcp_retransmit_skb tracepoints read through a
 * tracefs instance of chatcap's own (cap_ktrace.c, root). A thread
 * gathers them (cap_kstate.c); cap_kshow.c prints them, cap_kfile.c keeps
 * them beside a written capture and reads them back.
 */
#ifndef CAP_KSTATE_H
#define CAP_KSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_KS_POLL_MS  5        /* the sock_diag polling period */
#define CAP_KS_DUMP_MS  50       /* new sockets looked for this often */
#define CAP_KS_MAX      400000   /* samples waiting to be shown, at most */
#define CAP_KS_CC_MAX   16

enum cap_ks_source { CAP_KS_POLL, CAP_KS_TRACE };

/* What a sample reports: a whole state (tcp_info, tcp_probe), a change of
 * the congestion-avoidance state (tcp_cong_state_set) or a segment sent
 * again (tcp_retransmit_skb). */
enum cap_ks_kind { CAP_KS_STATE, CAP_KS_CONG, CAP_KS_RETRANS };

/* The kernel's TCP_CA_* states (include/net/tcp.h). */
enum cap_ks_ca { CAP_KS_OPEN, CAP_KS_DISORDER, CAP_KS_CWR, CAP_KS_RECOVERY,
                 CAP_KS_LOSS };

/* Which fields of a sample are known (a tracepoint knows a few). */
enum cap_ks_have {
	CAP_KS_H_CWND = 1 << 0,     /* cwnd, ssthresh */
	CAP_KS_H_CA   = 1 << 1,     /* ca_state */
	CAP_KS_H_SRTT = 1 << 2,
	CAP_KS_H_INFO = 1 << 3,     /* everything tcp_info gives */
	CAP_KS_H_FLIGHT = 1 << 4,   /* snd_nxt - snd_una (tcp_probe) */
};

/* One socket end: the sender whose state a sample is. */
struct cap_ks_end {
	int      family;            /* 4 or 6 */
	uint8_t  addr[16];
	uint16_t port;
};

struct cap_ks_sample {
	int64_t  t_us;              /* wall clock, like the packets' stamps */
	int64_t  asked_us;          /* polled: when asked (the kernel read it
	                             * between this and t_us); else 0 */
	uint8_t  source, kind, have;
	uint8_t  ca_state;
	uint64_t cookie;            /* the socket's cookie */
	struct cap_ks_end local, remote;
	uint32_t cwnd, ssthresh;    /* segments */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t unacked, retrans, lost, sacked, total_retrans;
	uint32_t mss, pmtu, flight_bytes;
	uint64_t delivery_rate;     /* bytes per second */
	char     cc[CAP_KS_CC_MAX]; /* the algorithm, "" unknown */
};

struct cap_kstate;

/*
 * Start sampling the TCP sockets whose local or remote port is port:
 * polling always, the tracepoints too when trace is true and chatcap may
 * (root, tracefs). A reason the tracepoints are not used goes to stderr.
 * Returns the sampler, or NULL with err filled.
 */
struct cap_kstate *cap_kstate_start(uint16_t port, bool trace, char *err,
                                    size_t errlen);

/* Move the samples taken up to time upto_us (all: INT64_MAX) into
 * out[0..max), oldest first; returns how many. */
size_t cap_kstate_take(struct cap_kstate *ks, int64_t upto_us,
                       struct cap_ks_sample *out, size_t max);

/* Whether the tracepoints are being read. */
bool cap_kstate_tracing(const struct cap_kstate *ks);

/* Stop the thread after a last reading and remove the tracefs instance;
 * the samples taken stay to be taken. Returns how many were dropped
 * because too many waited. */
uint64_t cap_kstate_halt(struct cap_kstate *ks);

/* Halt (if not done) and free ks (NULL is fine). */
void cap_kstate_stop(struct cap_kstate *ks);

/* ---- the two sources (cap_kdiag.c, cap_ktrace.c), for the thread ---- */

/* Called with each sample a source produces. */
typedef void (*cap_ks_fn)(void *arg, const struct cap_ks_sample *s);

/* A NETLINK_SOCK_DIAG socket: its fd, or -1 with err filled. */
int cap_kdiag_open(char *err, size_t errlen);

/* Dump the TCP sockets (IPv4 and IPv6) on port and hand each to fn as a
 * CAP_KS_POLL sample (asked_us when asked, t_us when answered). 0, or -1
 * with err filled. */
int cap_kdiag_poll(int fd, uint16_t port, cap_ks_fn fn, void *arg, char *err,
                   size_t errlen);

/* The same for the one socket of sample one (its addresses, ports and
 * cookie): a hash lookup, where a dump walks the whole table. 0; 1 the
 * socket is gone; -1 with err filled. */
int cap_kdiag_query(int fd, const struct cap_ks_sample *one, cap_ks_fn fn,
                    void *arg, char *err, size_t errlen);

struct cap_ktrace;

/* Make a tracefs instance of our own with the three events enabled and
 * filtered to port. NULL with err filled (not root, no tracefs...). */
struct cap_ktrace *cap_ktrace_open(uint16_t port, char *err, size_t errlen);

/* The fd to poll(2) for reading. */
int cap_ktrace_fd(const struct cap_ktrace *t);

/* Read what is ready and hand each event to fn as a CAP_KS_TRACE sample
 * (cookie 0 on tcp_cong_state_set and tcp_retransmit_skb: their socket is
 * known by skaddr, resolved here from earlier tcp_probe lines). */
void cap_ktrace_read(struct cap_ktrace *t, cap_ks_fn fn, void *arg);

/* Disable the events, remove the instance, free t (NULL is fine). */
void cap_ktrace_close(struct cap_ktrace *t);

/* Microseconds on the wall clock (CLOCK_REALTIME), the packets' clock. */
int64_t cap_ks_wall_us(void);

/* qsort(3) order of samples: by t_us. */
int cap_ks_by_time(const void *a, const void *b);

/* The name of a TCP_CA_* state: "open", "disorder", "cwr", "recovery",
 * "loss", else "?". */
const char *cap_ks_ca_name(unsigned ca);

#endif
