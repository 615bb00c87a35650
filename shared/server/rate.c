/*
 * rate.c — the token bucket behind the servers' per-client rate limit.
 *
 *   tokens += elapsed_seconds * per_s     (never above burst)
 *   an event costs one token; with none left it is refused (UDP) or waits
 *   until one is there (TCP: the server stops reading the sender)
 *
 * Tokens are counted in thousandths so that a rate of 1/s refills exactly,
 * with integers only.
 */
#include "rate.h"

/* Bring r's tokens up to now_ms; returns the bucket's size in thousandths. */
static uint64_t
refill(struct rate *r, unsigned per_s, unsigned burst, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)(burst > 0 ? burst : 1) * 1000, add;

	if (!r->started) {
		r->started = true;
		r->milli = cap;
		r->last_ms = now_ms;
	} else if (now_ms > r->last_ms) {
		/* elapsed ms * per_s tokens/s = thousandths of tokens. A
		 * pause long enough to fill the bucket fills it: the product
		 * is only formed when it is below cap + per_s (no overflow). */
		add = now_ms - r->last_ms;
		if (add >= (cap + per_s - 1) / per_s)
			r->milli = cap;
		else
			r->milli += add * per_s;
		if (r->milli > cap)
			r->milli = cap;
		r->last_ms = now_ms;
	}
	return cap;
}

/* The rule, decided here alone: the thousandths still missing for a
 * whole token (0: there is one). */
static uint64_t
missing(const struct rate *r)
{
	return r->milli < 1000 ? 1000 - r->milli : 0;
}

bool
rate_take(struct rate *r, unsigned per_s, unsigned burst, uint64_t now_ms)
{
	if (per_s == 0)
		return true;
	refill(r, per_s, burst, now_ms);
	if (missing(r) > 0)
		return false;
	r->milli -= 1000;
	return true;
}

uint64_t
rate_wait(struct rate *r, unsigned per_s, unsigned burst, uint64_t now_ms)
{
	if (per_s == 0)
		return 0;
	refill(r, per_s, burst, now_ms);
	/* missing thousandths at per_s thousandths a millisecond, rounded
	 * up so that the token is whole when the wait ends. */
	return (missing(r) + per_s - 1) / per_s;
}
