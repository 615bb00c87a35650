/*
 * bench_stats.c — chatbench's counting: which message reached whom, once,
 * in order and intact, and how long it took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

#define STATS_MAX_BITS (8ull << 30) /* 1 GiB of "seen" bits at most */

/* ---------------------------------------------------------------------------
 * Latency histogram
 * ------------------------------------------------------------------------ */

static size_t
hist_index(uint64_t us)
{
	int e;

	if (us < BENCH_HIST_EXACT)
		return (size_t)us;
	e = 63 - __builtin_clzll(us);           /* 2^e <= us < 2^(e+1), e >= 7 */
	return BENCH_HIST_EXACT + (size_t)(e - 7) * BENCH_HIST_SUB +
	       (size_t)((us >> (e - 7)) & (BENCH_HIST_SUB - 1));
}

/* The middle of bucket i (its only value below BENCH_HIST_EXACT). */
static uint64_t
hist_mid(size_t i)
{
	size_t e, sub;
	uint64_t low, width;

	if (i < BENCH_HIST_EXACT)
		return i;
	e = 7 + (i - BENCH_HIST_EXACT) / BENCH_HIST_SUB;
	sub = (i - BENCH_HIST_EXACT) % BENCH_HIST_SUB;
	low = (uint64_t)(BENCH_HIST_SUB + sub) << (e - 7);
	width = (uint64_t)1 << (e - 7);
	return low + (width - 1) / 2;
}

void
bench_hist_add(struct bench_hist *h, uint64_t us)
{
	h->bucket[hist_index(us)]++;
	if (h->count == 0 || us < h->min)
		h->min = us;
	h->count++;
	h->sum += us;
	if (us > h->max)
		h->max = us;
}

/* ceil(pct/100 x count), at least 1 and at most count. */
static uint64_t
nearest_rank(double pct, uint64_t count)
{
	double x = pct / 100.0 * (double)count;
	uint64_t rank = (uint64_t)x;

	if ((double)rank < x - 1e-9)
		rank++;
	return rank < 1 ? 1 : rank > count ? count : rank;
}

uint64_t
bench_hist_percentile(const struct bench_hist *h, double pct)
{
	uint64_t rank, seen = 0, v;
	size_t i;

	if (h->count == 0)
		return 0;
	rank = nearest_rank(pct, h->count);
	if (rank == h->count)
		return h->max;
	for (i = 0; i < BENCH_HIST_LEN; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	v = hist_mid(i < BENCH_HIST_LEN ? i : BENCH_HIST_LEN - 1);
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

/* ---------------------------------------------------------------------------
 * Deliveries
 * ------------------------------------------------------------------------ */

int
bench_stats_init(struct bench_stats *s, size_t clients, size_t senders,
                 uint32_t messages, char *err, size_t errlen)
{
	unsigned long long bits = (unsigned long long)clients * senders * messages;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->clients = clients;
	s->senders = senders;
	s->messages = messages;
	if (bits > STATS_MAX_BITS) {
		snprintf(err, errlen, "clients x senders x messages is too large "
		         "to track (%llu)", bits);
		return -1;
	}
	s->seen = calloc((size_t)(bits / 8 + 1), 1);
	s->top = malloc((clients * senders + 1) * sizeof(*s->top));
	s->ignored = calloc(clients + 1, sizeof(*s->ignored));
	s->gone = calloc(clients + 1, sizeof(*s->gone));
	if (s->seen == NULL || s->top == NULL || s->ignored == NULL ||
	    s->gone == NULL) {
		snprintf(err, errlen, "out of memory");
		bench_stats_free(s);
		return -1;
	}
	for (i = 0; i < clients * senders; i++)
		s->top[i] = -1;
	return 0;
}

void
bench_stats_free(struct bench_stats *s)
{
	free(s->seen);
	free(s->top);
	free(s->ignored);
	free(s->gone);
	s->seen = NULL;
	s->top = NULL;
	s->ignored = NULL;
	s->gone = NULL;
}

void
bench_stats_ignore(struct bench_stats *s, size_t receiver)
{
	if (receiver < s->clients)
		s->ignored[receiver] = true;
}

void
bench_stats_token(struct bench_stats *s, size_t receiver, int ok,
                  const struct bench_token *t, uint64_t now_us)
{
	size_t pair, bit;

	if (!ok) {
		s->garbled++;
		return;
	}
	if (receiver >= s->clients || s->ignored[receiver] ||
	    t->sender >= s->senders || t->sender == receiver ||
	    t->seq >= s->messages) {
		s->unexpected++;
		return;
	}
	pair = receiver * s->senders + t->sender;
	bit = pair * s->messages + t->seq;
	if (s->seen[bit / 8] & (1u << (bit % 8))) {
		s->duplicated++;
		return;
	}
	s->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
	s->delivered++;
	if ((int64_t)t->seq < s->top[pair])
		s->reordered++;
	else
		s->top[pair] = t->seq;
	if (s->first_us == 0)
		s->first_us = now_us;
	s->last_us = now_us;
	bench_hist_add(&s->latency, now_us > t->sent_us ? now_us - t->sent_us : 0);
}

uint64_t
bench_stats_expected(const struct bench_stats *s)
{
	uint64_t n = 0;
	size_t r;

	for (r = 0; r < s->clients; r++)
		if (!s->ignored[r])
			n += (uint64_t)(r < s->senders ? s->senders - 1 : s->senders) *
			     s->messages;
	return n;
}

void
bench_stats_gone(struct bench_stats *s, size_t client)
{
	if (s->gone != NULL && client < s->clients)
		s->gone[client] = true;
}

uint64_t
bench_stats_missing(const struct bench_stats *s)
{
	uint64_t expected = bench_stats_expected(s);

	return expected > s->delivered ? expected - s->delivered : 0;
}

/* Messages from snd to r that did not arrive are lost (not late): always
 * over UDP, over TCP when either connection ended. */
static bool
pair_loses(const struct bench_stats *s, size_t r, size_t snd)
{
	return !s->stream || s->gone[r] || s->gone[snd];
}

/* Messages from snd that receiver r has not seen. */
static uint64_t
pair_missing(const struct bench_stats *s, size_t r, size_t snd)
{
	size_t bit = (r * s->senders + snd) * s->messages;
	uint64_t n = 0;
	uint32_t seq;

	for (seq = 0; seq < s->messages; seq++, bit++)
		if (!(s->seen[bit / 8] & (1u << (bit % 8))))
			n++;
	return n;
}

uint64_t
bench_stats_late(const struct bench_stats *s)
{
	uint64_t n = 0;
	size_t r, snd;

	for (r = 0; s->seen != NULL && r < s->clients; r++)
		for (snd = 0; !s->ignored[r] && snd < s->senders; snd++)
			if (snd != r && !pair_loses(s, r, snd))
				n += pair_missing(s, r, snd);
	return n;
}

uint64_t
bench_stats_lost(const struct bench_stats *s)
{
	uint64_t missing = bench_stats_missing(s), late = bench_stats_late(s);

	return missing > late ? missing - late : 0;
}

/* ---------------------------------------------------------------------------
 * Runs of losses
 * ------------------------------------------------------------------------ */

/* One run of n losses ends. */
static void
runs_add(struct bench_runs *out, uint64_t n)
{
	if (n == 0)
		return;
	out->runs++;
	if (n > out->longest)
		out->longest = n;
	out->hist[(n < BENCH_RUNS_HIST ? n : BENCH_RUNS_HIST) - 1]++;
}

void
bench_stats_runs(const struct bench_stats *s, struct bench_runs *out)
{
	size_t r, snd, bit;
	uint32_t seq;
	uint64_t run;

	memset(out, 0, sizeof(*out));
	for (r = 0; r < s->clients; r++) {
		if (s->ignored[r])
			continue;
		for (snd = 0; snd < s->senders; snd++) {
			if (snd == r || !pair_loses(s, r, snd))
				continue;
			run = 0;
			for (seq = 0; seq < s->messages; seq++) {
				bit = (r * s->senders + snd) * s->messages + seq;
				if (s->seen[bit / 8] & (1u << (bit % 8))) {
					runs_add(out, run);
					run = 0;
				} else {
					run++;
				}
			}
			runs_add(out, run);
		}
	}
}
