/*
 * fate.h — what happens to one packet under an impairment: dropped,
 * duplicated, held for how long. A seeded generator makes every choice, so
 * the same seed and the same packets give the same fates (a lab repeats).
 * Pure: no clock, no sockets.
 */
#ifndef CHATNET_FATE_H
#define CHATNET_FATE_H

#include <stdbool.h>
#include <stdint.h>

#include "spec.h"

/* xoshiro256** state (Blackman and Vigna), seeded through splitmix64. */
struct fate_rng {
	uint64_t s[4];
};

struct fate {
	bool drop;
	bool dup;
	uint64_t delay_us;      /* 0: let it go now */
};

void fate_seed(struct fate_rng *r, uint64_t seed);

/* A uniform double in [0, 1). */
double fate_uniform(struct fate_rng *r);

/*
 * Decide one packet's fate, in netem's order: loss, then duplication, then
 * delay. A reordered packet (probability sp->reorder) skips the delay and so
 * overtakes those held before it. The delay is sp->delay_us plus a uniform
 * jitter in [-jitter, +jitter], never below 0; like netem, jitter alone can
 * reorder packets.
 */
struct fate fate_decide(const struct spec_impair *sp, struct fate_rng *r);

#endif
