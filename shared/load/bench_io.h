/*
 * bench_io.h — between chatbench's engine (bench_engine.c) and its clients'
 * reading and writing (bench_io.c): the sizes of the read buffer, and what
 * the engine calls to read, to watch or to close a client.
 */
#ifndef REDCHAT_BENCH_IO_H
#define REDCHAT_BENCH_IO_H

#include <stdint.h>

#include "bench.h"

#define ENGINE_READ     65536   /* one read, plus a carried partial token */
#define ENGINE_DGRAMS   64      /* datagrams per recvmmsg */
#define ENGINE_DGRAM    2048
#define ENGINE_EVENTS   512     /* events per epoll_wait */

/* Watch c's descriptor for events (op: EPOLL_CTL_ADD or EPOLL_CTL_MOD). */
void bench_io_events(struct bench_engine *E, struct bconn *c, int op,
                     uint32_t events);

/* c failed to connect or its connection ended: close it and count it. */
void bench_io_closed(struct bench_engine *E, struct bconn *c);

/* c is readable: read what is there and take it as the phase says. */
void bench_io_read(struct bench_engine *E, struct bconn *c);

#endif
