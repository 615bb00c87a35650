/*
 * bench.h — the load engine that chatbench and chatcheck's load tests
 * share: the options, the results of a run, and the client connections
 * with the event loop that drives them (bench_engine.c; their reading and
 * writing in bench_io.c), and the measured run built on it (bench_load.c:
 * messages and their counting, bench_stats.c). chatbench's own phases
 * (--connect-only, --bots) and its report are in tools/chatbench/.
 */
#ifndef REDCHAT_BENCH_H
#define REDCHAT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"
#include "clock.h"

#include "bench_stats.h"

#define BENCH_NICK_LEN 10   /* "b" + 4 hex (run) + 5 digits (client) */
/* UDP: a nickname is sent again, up to BENCH_NICK_TRIES times in all, while
 * its confirmation has not come (it or its answer may have been lost). */
#define BENCH_NICK_TRIES 10

struct bench_opts {
	const char   *host;
	int           port;
	bool          udp, json, connect_only;
	size_t        clients, senders, stall, bots;
	uint32_t      messages;
	size_t        size;         /* bytes of one message, newline excluded */
	double        rate;         /* messages per second per sender; 0: blast */
	double        hold;         /* --connect-only: seconds to hold */
	double        duration;     /* --bots: seconds, 0: until a signal */
	double        timeout;      /* seconds for the whole run */
	double        connect_rate; /* connections opened per second; 0: at once */
	long          server_pid;   /* 0: none */
	unsigned long seed;         /* --bots: random seed */
	uint64_t      bulk;         /* --bulk: bytes to send (bench_bulk.c) */
	bool          sink;         /* --sink: receive one bulk transfer */
	const char   *cc;           /* --cc: TCP_CONGESTION, or NULL */
};

/* What a run measured; chatbench's bench_report.c prints it. */
struct bench_result {
	size_t   connected, failed, registered, closed;
	size_t   stall_dropped;         /* stalled clients the server closed */
	uint64_t sent, send_errors;
	double   chat_s;                /* first send to last delivery */
	double   linger_s;              /* the wait without news that ends it */
	bool     timed_out;             /* it ended at --timeout */
	double   cpu_s, wall_s;         /* chatbench's own CPU over wall time */
	double   server_cpu_s;          /* -1 without --server-pid */
	long     rss_base_kib, rss_kib, server_threads; /* -1: unknown */
	struct bench_stats stats;
};

/* Phases of a run: what the engine does with the bytes it reads. */
enum bench_phase {
	BENCH_JOIN,   /* look for our nicknames (registration confirmed) */
	BENCH_CHAT,   /* look for tokens and count them */
	BENCH_IDLE,   /* read and forget */
};

/* One client. Small: --connect-only keeps 10,000 of them. */
struct bconn {
	int       fd;
	uint32_t  id;
	bool      up, closed, registered, stalled, polling_out;
	uint32_t  sent;                  /* messages sent (senders) */
	uint32_t  carry_len;             /* bytes of a split token or nick */
	char     *carry;                 /* allocated on first use */
	struct buf out;                  /* output not yet taken by the kernel */
};

struct bench_engine {
	const struct bench_opts *o;
	struct bench_result     *res;
	struct sockaddr_storage  addr;
	socklen_t                addrlen;
	int                      ep;
	enum bench_phase         phase;
	struct bconn            *c;
	size_t                   n, opened, pending; /* pending: connecting */
	unsigned                 run_id;
	char                     prefix[8];  /* "bXXXX": our nicknames */
	uint64_t                 progress_us; /* last time something arrived */
	char                    *rbuf;
	size_t                   rbuf_len;
	/* BENCH_IDLE: each datagram or read also goes here (NULL: ignored) */
	void (*on_data)(struct bench_engine *E, struct bconn *c, const char *p,
	                size_t len);
	void                    *user;        /* on_data's */
};

/* Prepare n clients for host:port (nothing connected yet). Returns 0, or -1
 * with err (errlen bytes) filled. */
int bench_engine_init(struct bench_engine *E, const struct bench_opts *o,
                      struct bench_result *res, size_t n, char *err,
                      size_t errlen);
void bench_engine_free(struct bench_engine *E);

/* TCP: end every connection cleanly: half-close (shutdown SHUT_WR), read
 * and forget until the server closes, up to until_us; then close. A client
 * that closed with bytes unread would make its kernel answer with a reset,
 * which cuts what the server still sends (a leave notice) from a capture's
 * acknowledgements. UDP: nothing to do. */
void bench_engine_hangup(struct bench_engine *E, uint64_t until_us);

/* Connect every client (a window at a time); with nicks, each sends its
 * nickname once connected. Returns 0 when done, -1 past the deadline. */
int bench_engine_connect(struct bench_engine *E, bool nicks, uint64_t until_us);

/* Wait until every client's nickname was confirmed (seen in any server
 * line), or for UDP until confirmations stop coming. */
void bench_engine_join(struct bench_engine *E, uint64_t until_us);

/* One turn: wait up to timeout_ms for events and handle them. Writable
 * senders call write_fn. Returns the number of events. */
typedef void (*bench_write_fn)(struct bench_engine *E, struct bconn *c);
int bench_engine_turn(struct bench_engine *E, int timeout_ms,
                      bench_write_fn write_fn);

/* Watch c for writability too (true) or not. */
void bench_engine_want_write(struct bench_engine *E, struct bconn *c, bool on);

/* Stop reading c (a slow consumer). */
void bench_engine_stall(struct bench_engine *E, struct bconn *c);

/* Queue bytes for c (TCP: they follow what is queued; UDP: one datagram,
 * sent at once) and try to send. Returns 0, or -1 when c failed. */
int bench_engine_send(struct bench_engine *E, struct bconn *c,
                      const char *p, size_t len);

/* Try to write what c has queued: 1 all written, 0 some left, -1 error. */
int bench_engine_flush(struct bench_engine *E, struct bconn *c);

/* The wait after the n-th nickname try: 0.5 s, doubled, at most 2 s. */
uint64_t bench_nick_backoff(unsigned n);

/* The nickname of client id into out (BENCH_NICK_LEN + 1 bytes). */
void bench_nick(const struct bench_engine *E, size_t id, char *out);

/* /proc/PID: resident memory (KiB), threads, CPU seconds; -1 unknown. */
long bench_proc_rss_kib(long pid);
long bench_proc_threads(long pid);
double bench_proc_cpu_s(long pid);

/* Our own CPU seconds (user + system). */
double bench_self_cpu_s(void);

/* Raise the descriptor limit to at least want (up to the hard limit). */
void bench_raise_nofile(size_t want);

/* The measured run (bench_load.c): 0, or -1 with err. */
int bench_load(const struct bench_opts *o, struct bench_result *res,
               char *err, size_t errlen);

#endif
