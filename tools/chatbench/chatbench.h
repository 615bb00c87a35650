/*
 * chatbench.h — chatbench's own phases and its report, built on the load
 * engine it shares with chatcheck (shared/load/bench.h).
 */
#ifndef REDCHAT_CHATBENCH_H
#define REDCHAT_CHATBENCH_H

#include <stddef.h>

#include "bench.h"

/* --connect-only (bench_idle.c) and --bots (bench_bots.c): 0, or -1 with
 * err. */
int bench_idle(const struct bench_opts *o, struct bench_result *res,
               char *err, size_t errlen);
int bench_bots(const struct bench_opts *o, char *err, size_t errlen);

/* One bulk transfer to o->host (--bulk), or the end that reads one
 * (--sink), with its report (bench_bulk.c): 0 or -1 with err. */
int bench_bulk(const struct bench_opts *o, char *err, size_t errlen);
int bench_sink(const struct bench_opts *o, char *err, size_t errlen);

/* Print the results: human text or one JSON object, on stdout. */
void bench_report(const struct bench_opts *o, const struct bench_result *res);

#endif
