/*
 * tcp_loop_impl.h — what the two halves of tcpchatd's event loop share:
 * tcp_loop.c (events, the room's callbacks, running) and tcp_loop_settle.c
 * (what the end of each turn does with each connection it touched).
 */
#ifndef REDCHAT_TCP_LOOP_IMPL_H
#define REDCHAT_TCP_LOOP_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "outq.h"
#include "server.h"
#include "tcp_conn.h"

/* Bytes read from one client per turn. Small enough that what one read
 * makes the room queue for each receiver (a line can grow tenfold: a short
 * line gets "NICK: " in front) stays well under the output cap. */
#define LOOP_READ       16384

/* A connection as the loop sees it: the connection, and where the loop
 * has put it (lists, the kernel's epoll set). */
struct lconn {
	struct tcp_conn c;           /* first: the room's handle is &c */
	LIST_ENTRY(lconn) link;      /* every connection */
	LIST_ENTRY(lconn) tlink;     /* in L->timed (c.deadline was set) */
	LIST_ENTRY(lconn) hlink;     /* in L->held (not read: the budget) */
	bool            timed;
	bool            held;
	bool            touched;     /* in L->touched: settle it */
	uint32_t        events;      /* what epoll watches for */
};

/* Grow-only array of the connections touched in this turn. */
struct lset {
	struct lconn **v;
	size_t         n, cap;
};

struct loop {
	const struct server_opts *opts;
	int                   ep, lfd, sigfd;
	bool                  accepting, newcomers;
	uint64_t              accept_resume;
	struct server_console console;
	struct room          *room;
	LIST_HEAD(, lconn)    all, timed;
	LIST_HEAD(, lconn)    held;     /* not read while over the budget */
	struct lset           touched;
	struct outq_writer    writer;   /* lines, copied once for all */
	char                  rbuf[LOOP_READ];
};

/* Put l in L->touched (once): whatever may have changed it. */
void loop_touch(struct loop *L, struct lconn *l);

/* Settle every connection touched in this turn (and those that settling
 * touches): remove the dead, write the queues, watch what each waits for. */
void loop_settle(struct loop *L);

/* The backlog fell under the budget's low mark: read the held senders
 * again (they are placed anew at the next loop_settle). */
void loop_release_held(struct loop *L);

#endif
