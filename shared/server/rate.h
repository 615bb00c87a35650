/*
 * rate.h — a token bucket: at most `per_s` events a second on average, with
 * bursts of up to `burst` events. Pure arithmetic on a clock the caller
 * passes in milliseconds, so it is unit-tested and fuzzed without waiting.
 */
#ifndef REDCHAT_RATE_H
#define REDCHAT_RATE_H

#include <stdbool.h>
#include <stdint.h>

struct rate {
	uint64_t milli;   /* tokens, in thousandths of a token */
	uint64_t last_ms; /* when milli was last brought up to date */
	bool     started; /* the bucket starts full on first use */
};

/*
 * One event at now_ms: true if a token was taken (let it through), false
 * if the bucket is empty (drop or delay it). per_s == 0 means no limit;
 * burst 0 is taken as 1. A clock that goes backwards adds no tokens.
 */
bool rate_take(struct rate *r, unsigned per_s, unsigned burst,
               uint64_t now_ms);

/*
 * Milliseconds from now_ms until rate_take() would let one event through:
 * 0 when a token is there now (it is not taken). A sender that can be made
 * to wait (TCP) is asked this before each message instead of losing it.
 */
uint64_t rate_wait(struct rate *r, unsigned per_s, unsigned burst,
                   uint64_t now_ms);

#endif
