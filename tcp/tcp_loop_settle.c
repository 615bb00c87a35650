/*
 * tcp_loop_settle.c — the end of each turn of tcpchatd's event loop
 * (tcp_loop.c): every connection touched in the turn is settled: removed
 * if dead, its queue written, and placed where its state says (epoll
 * events, the deadline list, the list of senders held by the budget).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "catalog.h"
#include "log.h"
#include "tcp_loop_impl.h"

/* ---------------------------------------------------------------------------
 * Touching: whatever may have changed a connection (input, a deadline, a
 * line queued, a close) puts it in L->touched, once; settle() reads its
 * state at the end of the turn.
 * ------------------------------------------------------------------------ */

void
loop_touch(struct loop *L, struct lconn *l)
{
	struct lset *s = &L->touched;
	struct lconn **v;

	if (l->touched)
		return;
	if (s->n == s->cap) {
		/* Out of memory here would lose track of a client; the sizes
		 * are tiny, so treat it as fatal rather than limp on. */
		if ((v = realloc(s->v, (s->cap ? s->cap * 2 : 64) *
		                         sizeof(*v))) == NULL)
			abort();
		s->v = v;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	l->touched = true;
	s->v[s->n++] = l;
}

/* Remove a dead connection from the room, then from the loop, and free it
 * (unless it stays to deliver its last notice: tcp_conn_retire). */
static void
reap(struct loop *L, struct lconn *l)
{
	tcp_conn_leave(&l->c, L->room);
	if (tcp_conn_retire(&l->c)) {   /* a last notice to deliver first */
		loop_touch(L, l);
		return;
	}
	tcp_conn_flush(&l->c);          /* one try for what is queued */
	if (l->timed)
		LIST_REMOVE(l, tlink);
	if (l->held)
		LIST_REMOVE(l, hlink);
	LIST_REMOVE(l, link);
	log_debug(TR("%s: connection closed", "%s: conexión cerrada"),
	          l->c.peer);
	tcp_conn_close(&l->c);          /* closing the fd leaves epoll too */
	free(l);
}

/* Put l where its state says: in the deadline list while it has one, in
 * the held list while the budget stops its reading, and watched for input
 * unless it is held back, for output while blocked. */
static void
place(struct loop *L, struct lconn *l)
{
	struct epoll_event ev = { .data.ptr = l };
	bool reading = tcp_conn_reading(&l->c);

	if ((l->c.deadline != 0) != l->timed) {
		if (l->timed)
			LIST_REMOVE(l, tlink);
		else
			LIST_INSERT_HEAD(&L->timed, l, tlink);
		l->timed = !l->timed;
	}
	if (!reading && !l->held && L->writer.held) {
		LIST_INSERT_HEAD(&L->held, l, hlink);
		l->held = true;
	}
	ev.events = (reading ? EPOLLIN : 0) | (l->c.blocked ? EPOLLOUT : 0);
	if (ev.events != l->events) {
		l->events = ev.events;
		if (epoll_ctl(L->ep, EPOLL_CTL_MOD, l->c.fd, &ev) < 0) {
			log_error("epoll_ctl: %s", strerror(errno));
			l->c.state = TCP_CONN_DEAD;     /* cannot wait for it */
			loop_touch(L, l);
		}
	}
}

/* The backlog fell under the budget's low mark: read the held senders
 * again (placed anew at the next settle). */
void
loop_release_held(struct loop *L)
{
	struct lconn *l;

	if (LIST_EMPTY(&L->held) ||
	    outq_writer_hold(&L->writer, L->opts->max_memory))
		return;
	while ((l = LIST_FIRST(&L->held)) != NULL) {
		LIST_REMOVE(l, hlink);
		l->held = false;
		loop_touch(L, l);
	}
}

/* One touched connection: removed if dead, else its queue written (once
 * it is empty, CLOSING goes on to our FIN) and placed. */
static void
settle_one(struct loop *L, struct lconn *l)
{
	if (l->c.state == TCP_CONN_DEAD) {
		reap(L, l);
		return;
	}
	if (!l->c.blocked && tcp_conn_flush(&l->c) == 1 &&
	    l->c.state == TCP_CONN_CLOSING)
		tcp_conn_shutdown(&l->c);
	if (l->c.state == TCP_CONN_DEAD)        /* the write failed */
		reap(L, l);
	else
		place(L, l);
}

/* Settle every connection touched in this turn, and those that settling
 * touches (removing a client queues leave notices for the others). */
void
loop_settle(struct loop *L)
{
	struct lconn *l;
	size_t i;

	for (i = 0; i < L->touched.n; i++) {    /* n grows meanwhile */
		l = L->touched.v[i];
		l->touched = false;
		settle_one(L, l);
	}
	L->touched.n = 0;
}
