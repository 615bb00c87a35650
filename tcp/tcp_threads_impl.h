/*
 * tcp_threads_impl.h — what the two halves of tcpchatd --threads share:
 * tcp_threads.c (a client's thread, and the room's callbacks) and
 * tcp_threads_server.c (the accepting thread: starting client threads,
 * keeping the room's clock, stopping).
 */
#ifndef REDCHAT_TCP_THREADS_IMPL_H
#define REDCHAT_TCP_THREADS_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "outq.h"
#include "room.h"
#include "server.h"
#include "tcp_conn.h"

#define THREAD_READ      16384 /* read buffer, on each thread's stack */
#define THREAD_ACCEPT_MS 100   /* pause accepting when out of descriptors */
#define THREAD_STOP_MS   250   /* wait this long for threads at shutdown */
#ifdef __SANITIZE_ADDRESS__
#define THREAD_STACK (1024 * 1024) /* sanitizers need room for red zones */
#else
#define THREAD_STACK (128 * 1024)  /* enough, and 10,000 threads fit */
#endif

struct tserver;

/* A connection and the thread that serves it. */
struct tconn {
	struct tcp_conn c;           /* first: the room's handle is &c */
	struct tserver *S;
	int             wake;        /* eventfd: "look at your queue" */
	LIST_ENTRY(tconn) link;      /* every connection */
	bool            woken;       /* its thread will look at its queue
	                                before it sleeps: no need to wake it */
	bool            held;        /* not reading: the budget (S->nheld) */
};

struct tserver {
	const struct server_opts *opts;
	pthread_mutex_t lock;        /* everything below, every queue and
	                                chunk count (never held for a socket
	                                write) */
	pthread_cond_t  gone;        /* a thread ended (monotonic clock) */
	struct room    *room;        /* NULL once the server is closing */
	LIST_HEAD(, tconn) all;
	size_t          threads;     /* client threads running */
	bool            orphaned;    /* the accepting thread has left */
	size_t          nheld;       /* connections with k->held */
	struct outq_writer writer;   /* lines, copied once for all */
};

/* The room's callbacks (called with S->lock held). */
extern const struct room_ops threads_ops;

/* Tell k's thread to look at its queue and state. */
void threads_wake(struct tconn *k);

/* Chunks were freed (lock held): if the backlog fell under the budget's
 * low mark, wake the threads held back by it. */
void threads_release(struct tserver *S);

/* A client's thread (arg: its struct tconn, already in S->all). */
void *threads_client(void *arg);

/* Unlink and free k, out of the room already; unlocks S->lock. */
void threads_finish(struct tconn *k);

/* Free the server's state, once nobody holds it. */
void threads_server_free(struct tserver *S);

#endif
