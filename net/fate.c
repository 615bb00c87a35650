/*
 * fate.c — the seeded choices of the packet impairer (see fate.h).
 */
#include "fate.h"

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
fate_seed(struct fate_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
next(struct fate_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double
fate_uniform(struct fate_rng *r)
{
	return (double)(next(r) >> 11) * 0x1.0p-53;
}

/* True with probability p; draws nothing when p is 0, so a spec without
 * loss gives the same delays as before loss was added. */
static bool
chance(struct fate_rng *r, double p)
{
	return p > 0 && fate_uniform(r) < p;
}

struct fate
fate_decide(const struct spec_impair *sp, struct fate_rng *r)
{
	struct fate f = { 0 };
	double d;

	if (chance(r, sp->loss)) {
		f.drop = true;
		return f;
	}
	f.dup = chance(r, sp->dup);
	if (chance(r, sp->reorder))
		return f;
	d = (double)sp->delay_us;
	if (sp->jitter_us > 0)
		d += (2 * fate_uniform(r) - 1) * (double)sp->jitter_us;
	f.delay_us = d > 0 ? (uint64_t)(d + 0.5) : 0;
	return f;
}
