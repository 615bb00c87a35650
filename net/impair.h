/*
 * impair.h — `chatnet impair`: delay, jitter, loss, duplication,
 * reordering and a rate limit on every packet a host sends and receives
 * (or, with --egress, only on what it sends).
 *
 * With sch_netem in the kernel: one netem qdisc on the host's eth0 (what it
 * sends) and one on its port in the bridge (what it receives). Without it:
 * the userspace impairer (impaird.c) behind iptables NFQUEUE rules in the
 * host's namespace, and the rate through a tbf qdisc at both ends. What is
 * in force is remembered in TOPO_STATE/NET/impair-HOST for `chatnet status`.
 */
#ifndef CHATNET_IMPAIR_H
#define CHATNET_IMPAIR_H

#include <stddef.h>

#include "spec.h"
#include "topo.h"

enum impair_via { IMPAIR_AUTO, IMPAIR_NETEM, IMPAIR_NFQUEUE };

/*
 * Put sp in force on host, in place of what was (chatnet_impair() merges
 * the kept settings into sp first) (a seed is chosen when sp has none).
 * Prints one line saying what is now in force and how. Returns 0, or -1
 * with err; on -1 the host is left unimpaired.
 */
int impair_apply(const struct topo *t, const char *host,
                 struct spec_impair *sp, enum impair_via via, char *err,
                 size_t errlen);

/* Remove host's impairment (qdiscs, rules, impairer). Returns 0 or -1. */
int impair_clear(const struct topo *t, const char *host, char *err,
                 size_t errlen);

/* The impairment in force on host (as the last impair_apply() left it)
 * into sp, its seed included; 0, or -1 when there is none. */
int impair_kept(const struct topo *t, const char *host,
                struct spec_impair *sp);

/* What `status` shows for host: "delay 40ms (netem)", "none", or, when the
 * NFQUEUE impairer has died (packets then pass unimpaired), "none: the
 * impairer of ... died" and how to restart it. */
void impair_describe(const struct topo *t, const char *host, char *buf,
                     size_t len);

#endif
