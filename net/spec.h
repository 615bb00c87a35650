/*
 * spec.h — what `chatnet impair` and `chatnet up` read from the command
 * line: durations, percentages, rates and host names, as pure functions on
 * strings (no network, no root), so they are unit-tested alone.
 */
#ifndef CHATNET_SPEC_H
#define CHATNET_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPEC_HOST_MAX   12      /* bytes of a host name, without the NUL */
#define SPEC_HOSTS_MAX  64      /* hosts in one network, srv included */
#define SPEC_DELAY_MAX  10000000ull   /* 10 s, in microseconds */

/* One host's impairment. Probabilities are 0..1; 0 means "not asked". */
struct spec_impair {
	uint64_t delay_us;
	uint64_t jitter_us;
	double loss;
	double dup;
	double reorder;
	uint64_t rate_bps;      /* bits a second; 0: no limit */
	uint64_t seed;
	bool has_seed;
	bool egress;            /* only what the host sends, not what it gets */
};

/* "40ms", "1.5s", "500us", "40" (milliseconds) into microseconds (at most
 * SPEC_DELAY_MAX). Returns 0, or -1 when s is not such a duration. */
int spec_duration(const char *s, uint64_t *us);

/* "20%", "20" or "0.5%" into a probability 0..1. Returns 0 or -1. */
int spec_percent(const char *s, double *p);

/* "1mbit", "500kbit", "64000bit", "2gbit", or bytes: "100kbps", "1mbps".
 * Into bits a second (at least 8000). Returns 0 or -1. */
int spec_rate(const char *s, uint64_t *bps);

/* A host name: a lowercase letter, then lowercase letters and digits, at
 * most SPEC_HOST_MAX bytes, not "bridge" (the bridge's own namespace). */
bool spec_host_ok(const char *s);

/* "ana,luis,sol" into names[] (each SPEC_HOST_MAX + 1 bytes); repeats and
 * "srv" are skipped. Returns how many, or -1 (bad name, too many). On -1,
 * *bad points at the offending text when there is one. */
int spec_hosts(const char *s, char names[][SPEC_HOST_MAX + 1], size_t max,
               const char **bad);

/* True when the spec asks for something the packet impairer does (all but
 * the rate, which a qdisc does). */
bool spec_needs_packets(const struct spec_impair *sp);

/* One line for people and for `chatnet status`: "delay 40ms jitter 10ms
 * loss 20% rate 1mbit seed 7" ("... egress" with egress), or
 * "none". */
void spec_format(const struct spec_impair *sp, char *buf, size_t len);

#endif
