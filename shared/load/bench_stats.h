/*
 * bench_stats.h — what chatbench counts at every receiver: deliveries,
 * duplicates, reorders, garbled messages, what never arrived (lost, or over
 * TCP not delivered in time), runs of consecutive losses, and a latency
 * histogram.
 * Pure bookkeeping: the caller reads sockets and clocks and reports here.
 */
#ifndef REDCHAT_BENCH_STATS_H
#define REDCHAT_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench_token.h"

/*
 * Latency histogram in microseconds: exact below 128 us, then 128 buckets
 * per power of two (each under 0.8 % of its values wide), so percentiles
 * need no list of samples. A percentile is the middle of the bucket that
 * holds the nearest-rank sample: within 0.4 % of that sample.
 */
#define BENCH_HIST_EXACT 128
#define BENCH_HIST_SUB   128
#define BENCH_HIST_LEN   (BENCH_HIST_EXACT + 57 * BENCH_HIST_SUB)

struct bench_hist {
	uint64_t count, min, max, sum;
	uint64_t bucket[BENCH_HIST_LEN];
};

void bench_hist_add(struct bench_hist *h, uint64_t us);

/* The pct-th percentile by nearest rank: the sample at rank
 * ceil(pct/100 x count) in increasing order (rank 1 at least), to within
 * 0.4 % (exact below 128 us, and never outside [min, max]); 0 when empty. */
uint64_t bench_hist_percentile(const struct bench_hist *h, double pct);

/* Counts for one run of clients 0..clients-1, of which 0..senders-1 send
 * messages 0..messages-1 each. */
struct bench_stats {
	size_t    clients, senders;
	uint32_t  messages;
	uint8_t  *seen;        /* a bit per [receiver][sender][seq] */
	int64_t  *top;         /* highest seq per [receiver][sender], or -1 */
	bool     *ignored;     /* receivers left out (they never read) */
	bool     *gone;        /* clients whose connection ended */
	bool      stream;      /* TCP: a live connection loses nothing */
	uint64_t  delivered;   /* first intact copy of a message */
	uint64_t  duplicated;  /* intact copy of a message seen before */
	uint64_t  reordered;   /* first copy arriving after a later one */
	uint64_t  garbled;     /* token found, bytes damaged */
	uint64_t  unexpected;  /* intact, but not one this run sent to it */
	uint64_t  first_us, last_us; /* first and last delivery */
	struct bench_hist latency;
};

/* Allocate the tables. Returns 0, or -1 with err (errlen bytes) filled. */
int bench_stats_init(struct bench_stats *s, size_t clients, size_t senders,
                     uint32_t messages, char *err, size_t errlen);
void bench_stats_free(struct bench_stats *s);

/* Leave receiver out of the counts (a client told never to read). */
void bench_stats_ignore(struct bench_stats *s, size_t receiver);

/* Receiver found token t (ok: intact) at time now_us. */
void bench_stats_token(struct bench_stats *s, size_t receiver, int ok,
                       const struct bench_token *t, uint64_t now_us);

/* Deliveries the counted receivers should get in all. */
uint64_t bench_stats_expected(const struct bench_stats *s);

/* Client's connection ended (TCP): what it had still to receive, and what
 * it had sent that had not arrived, is lost from now on. */
void bench_stats_gone(struct bench_stats *s, size_t client);

/* Expected deliveries that have not arrived intact. */
uint64_t bench_stats_missing(const struct bench_stats *s);

/* Of those, the ones that are lost: all of them over UDP; over TCP (stream
 * set) only those whose sender's or receiver's connection ended. */
uint64_t bench_stats_lost(const struct bench_stats *s);

/* The others: over TCP, missing between two live connections, so still on
 * their way (not delivered in time). 0 over UDP. */
uint64_t bench_stats_late(const struct bench_stats *s);

/*
 * Runs of consecutive losses: for every counted receiver and every sender
 * between whom messages are lost (not merely late),
 * the messages in send order, a run being one or more in a row that never
 * arrived intact (with independent loss of share p, runs of k have
 * probability p^(k-1)(1-p); bursty loss makes longer runs).
 * hist[k-1] counts runs of length k; the last bucket holds runs of
 * BENCH_RUNS_HIST or more.
 */
#define BENCH_RUNS_HIST 8

struct bench_runs {
	uint64_t runs;                   /* how many runs in all */
	uint64_t longest;                /* the longest, in messages */
	uint64_t hist[BENCH_RUNS_HIST];
};

/* Fill *out from the deliveries counted so far. */
void bench_stats_runs(const struct bench_stats *s, struct bench_runs *out);

#endif
