/*
 * cc.h — congestion control on a chatnet network (cc.c): choosing the TCP
 * algorithm of a host (`up --cc`, `impair HOST --cc`) and a bottleneck on
 * the bridge's side of a host's link (`impair HOST --bottleneck RATE
 * [--queue SIZE]`).
 */
#ifndef CHATNET_CC_H
#define CHATNET_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo.h"

#define CC_QUEUE_MIN 3000ull          /* bytes: two full frames at least */
#define CC_QUEUE_MAX (64ull << 20)

/* reno, cubic or bbr. */
bool cc_name_ok(const char *alg);

/* Make alg the TCP algorithm of host (NULL: of every host of t), for the
 * sockets made there from now on. 0, or -1 with err filled. */
int cc_set(const struct topo *t, const char *host, const char *alg, char *err,
           size_t errlen);

/* "30000", "30kb", "64k", "1mb" (k = 1024) into bytes, CC_QUEUE_MIN to
 * CC_QUEUE_MAX. 0 or -1. */
int cc_bytes(const char *s, uint64_t *bytes);

/* The queue when none is stated: 100 ms at the rate (CC_QUEUE_MIN at
 * least). */
uint64_t cc_default_queue(uint64_t rate_bps);

/* Limit what the bridge sends to host to rate_bps, with a queue of
 * queue_bytes (beyond it, packets are dropped). Replaces the qdisc on the
 * bridge's side of host's link. 0, or -1 with err filled. */
int cc_bottleneck(const struct topo *t, const char *host, uint64_t rate_bps,
                  uint64_t queue_bytes, char *err, size_t errlen);

/* impair's options of this module: --cc ALG, --bottleneck RATE,
 * --queue SIZE (getopt values CC_OPT_*). */
enum { CC_OPT_CC = 1000, CC_OPT_BOTTLENECK, CC_OPT_QUEUE };

struct cc_opts {
	const char *alg;        /* NULL: unchanged */
	uint64_t    rate_bps;   /* 0: no bottleneck */
	uint64_t    queue_bytes;/* 0: cc_default_queue() */
};

/* Option c with value v into o: 1 taken, 0 not one of these, -1 bad. */
int cc_impair_opt(int c, const char *v, struct cc_opts *o);

/* Whether o asks for anything. */
bool cc_wanted(const struct cc_opts *o);

/* Apply o to host and say so on stdout. 0, or -1 with err filled. */
int cc_impair(const struct topo *t, const char *host, const struct cc_opts *o,
              char *err, size_t errlen);

/* For status: host's TCP algorithm as its namespace says ("?" when it
 * cannot be read, as without root), into buf. */
void cc_describe_alg(const struct topo *t, const char *host, char *buf,
                     size_t len);

/* For status: host's bottleneck in words into buf; -1 when it has none. */
int cc_describe_bottleneck(const struct topo *t, const char *host, char *buf,
                           size_t len);

/* Where host's bottleneck is kept (for impair_clear to remove it). */
void cc_state_path(const struct topo *t, const char *host, char *buf,
                   size_t len);

#endif
