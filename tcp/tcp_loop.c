/*
 * tcp_loop.c — tcpchatd's default model: every client served from one
 * thread by an epoll event loop over non-blocking sockets.
 *
 * Each turn of the loop: wait for events (or the nearest deadline, a
 * connection's or the room's), read what arrived and hand it to the room,
 * then "settle" every connection touched in the turn: the loop keeps no
 * state of its own about a connection, it reads the connection's (tcp_conn
 * state, deadline, queue) and acts on it: remove the dead, write the output
 * the room queued (one write per client per turn, however many lines; a
 * queue that passes LOOP_WRITE_EARLY is written at once), watch the events
 * and deadlines that state asks for. Only then accept newcomers, so that
 * places freed in this turn are theirs.
 *
 * No client waits for another (tcp_conn.h): a sender over its rate is not
 * read (the loop stops watching it for EPOLLIN) until its held input has
 * gone to the room, and a receiver that does not read only grows its own
 * queue; near the memory budget every sender is held the same way (in
 * L->held) until the backlog falls. The settling is in tcp_loop_settle.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "server.h"
#include "tcp_conn.h"
#include "tcp_loop.h"
#include "tcp_loop_impl.h"

#define LOOP_EVENTS     256
#define LOOP_ACCEPT_MS  100   /* pause accepting when out of descriptors */
/* Queued in one turn: write before its end. Queues are references, so
 * their size costs nothing; one write per receiver per turn is what saves
 * the kernel's time. Early writes keep a fast reader, in a turn that read
 * from many senders, well under its output limits. */
#define LOOP_WRITE_EARLY (128 * 1024)

/* ---------------------------------------------------------------------------
 * The room's callbacks
 * ------------------------------------------------------------------------ */

/* Whether l's queue is written now rather than at the end of the turn. */
static bool
write_early(const struct lconn *l)
{
	return l->c.out.len >= LOOP_WRITE_EARLY ||
	       l->c.out.len > l->c.out_hard / 2;
}

static void
loop_send(void *transport, void *conn, const char *line, size_t len)
{
	struct lconn *l = conn;

	/* Written now unless the socket is known to be full: the kernel
	 * takes it before the queue nears its limits. */
	if (tcp_conn_queue(&l->c, line, len) == 0 && write_early(l) &&
	    !l->c.blocked)
		tcp_conn_flush(&l->c);
	loop_touch(transport, l);
}

static void
loop_close(void *transport, void *conn)
{
	struct lconn *l = conn;

	tcp_conn_leave_room(&l->c);
	loop_touch(transport, l);            /* flush, then FIN */
}

/* A broadcast: its line is copied once, and every queue references it. */
static void
loop_share(void *transport, const char *line, size_t len)
{
	outq_writer_share(&((struct loop *)transport)->writer, line, len);
}

static const struct room_ops loop_ops = { loop_send, loop_close, loop_share,
                                          server_console_print };

/* ---------------------------------------------------------------------------
 * Connections arriving and leaving
 * ------------------------------------------------------------------------ */

/* Watch the listening socket or stop watching it: 0, or -1 (logged, and
 * nothing changed: the caller tries again later). */
static int
set_accepting(struct loop *L, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &L->lfd };

	if (on == L->accepting)
		return 0;
	if (epoll_ctl(L->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, L->lfd,
	              &ev) < 0) {
		log_error("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	L->accepting = on;
	return 0;
}

static void
add_client(struct loop *L, int fd, const char *peer)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct lconn *l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		close(fd);
		return;
	}
	tcp_conn_init(&l->c, fd, peer, L->opts);
	l->c.writer = &L->writer;
	l->events = ev.events;
	ev.data.ptr = l;
	if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		log_error("epoll_ctl: %s", strerror(errno));
		tcp_conn_close(&l->c);
		free(l);
		return;
	}
	LIST_INSERT_HEAD(&L->all, l, link);

	l->c.member = room_join(L->room, l, peer);
	if (l->c.member == NULL)        /* full: the notice is queued */
		loop_close(L, l);
	loop_touch(L, l);
}

static void
accept_clients(struct loop *L)
{
	enum tcp_accept r;
	char peer[NET_ADDR_LEN];
	int fd;

	while ((r = tcp_accept(L->lfd, &fd, peer)) == TCP_ACCEPT_OK)
		add_client(L, fd, peer);
	if (r == TCP_ACCEPT_FULL) {
		(void)set_accepting(L, false);  /* if not: at the next refusal */
		L->accept_resume = clock_ms() + LOOP_ACCEPT_MS;
	}
}

/* ---------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------ */

static void
client_event(struct loop *L, struct lconn *l, uint32_t events)
{
	ssize_t n;
	int err;

	if (l->c.state == TCP_CONN_DEAD)
		return;
	/* Input held back by the rate limit is not read; a hang-up or an
	 * error is (it would be reported again at once, and the loop spin). */
	if (events & EPOLLIN && !tcp_conn_reading(&l->c) &&
	    !(events & (EPOLLHUP | EPOLLERR))) {
		loop_touch(L, l);            /* held: settle() stops watching it */
	} else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		n = read(l->c.fd, L->rbuf, sizeof(L->rbuf));
		err = errno;
		if (n > 0) {
			log_debug("%s: %zd bytes", l->c.peer, n);
			tcp_conn_feed(&l->c, L->room, L->rbuf, (size_t)n);
		} else if (n == 0 || (err != EAGAIN && err != EINTR)) {
			if (n < 0)
				log_debug("%s: read: %s", l->c.peer,
				          strerror(err));
			tcp_conn_end(&l->c, L->room, n == 0);
		}
		loop_touch(L, l);
	}
	if (events & EPOLLOUT) {
		l->c.blocked = false;   /* the socket takes more */
		loop_touch(L, l);
	}
}

/* Milliseconds until the nearest deadline (a connection's, or the
 * room's: room_tick), or -1 for none. */
static int
next_timeout(const struct loop *L)
{
	uint64_t now = clock_ms(), first = room_deadline(L->room);
	const struct lconn *l;

	LIST_FOREACH(l, &L->timed, tlink)
		if (l->c.deadline < first)
			first = l->c.deadline;
	if (!L->accepting && L->accept_resume < first)
		first = L->accept_resume;
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

static void
expire(struct loop *L)
{
	uint64_t now = clock_ms();
	struct lconn *l;

	LIST_FOREACH(l, &L->timed, tlink)      /* settle() moves them */
		if (l->c.deadline != 0 && l->c.deadline <= now) {
			tcp_conn_deadline(&l->c, L->room);
			loop_touch(L, l);
		}
	room_tick(L->room, now);        /* the room's own clocks */
	if (!L->accepting && L->accept_resume <= now &&
	    set_accepting(L, true) < 0)
		L->accept_resume = now + LOOP_ACCEPT_MS;
}

/* ---------------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------------ */

static int
watch(struct loop *L, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Tell everyone the server is closing, send it, close every socket. */
static void
close_all(struct loop *L)
{
	struct lconn *l;

	LIST_FOREACH(l, &L->all, link)
		l->c.member = NULL;     /* the room frees its members */
	room_free(L->room, true);
	L->room = NULL;
	while ((l = LIST_FIRST(&L->all)) != NULL) {
		LIST_REMOVE(l, link);
		tcp_conn_flush(&l->c);
		shutdown(l->c.fd, SHUT_WR);
		tcp_conn_close(&l->c);
		free(l);
	}
}

/* One turn: wait for events or the nearest deadline, handle them, settle,
 * then accept newcomers. Returns false when the server is to stop. */
static bool
turn(struct loop *L)
{
	struct epoll_event ev[LOOP_EVENTS];
	bool running = true;
	int i, n;

	n = epoll_wait(L->ep, ev, LOOP_EVENTS, next_timeout(L));
	if (n < 0 && errno != EINTR) {
		log_error("epoll_wait: %s", strerror(errno));
		return false;
	}
	for (i = 0; i < n; i++) {
		void *tag = ev[i].data.ptr;

		if (tag == &L->lfd)
			L->newcomers = true;    /* after settle() */
		else if (tag == &L->sigfd)
			running &= server_signal_read(L->sigfd, L->room);
		else if (tag == &L->console)
			running &= server_console_read(&L->console, L->room);
		else
			client_event(L, tag, ev[i].events);
	}
	expire(L);
	loop_settle(L);
	loop_release_held(L);
	loop_settle(L);
	if (L->newcomers) {
		L->newcomers = false;
		accept_clients(L);
		loop_settle(L);
	}
	return running;
}

int
tcp_loop_run(const struct server_opts *o, int lfd, int sigfd)
{
	struct room_config cfg;
	struct loop *L;
	int status = 1;

	if ((L = calloc(1, sizeof(*L))) == NULL)
		return 1;
	L->ep = -1;                     /* never close(0) on the way out */
	LIST_INIT(&L->all);
	LIST_INIT(&L->timed);
	LIST_INIT(&L->held);
	L->opts = o;
	L->lfd = lfd;
	L->sigfd = sigfd;
	server_room_config(o, SERVER_TCP, &cfg);
	server_console_init(&L->console);
	if (net_set_nonblock(lfd, NULL) < 0 ||
	    (L->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (L->room = room_new(&cfg, &loop_ops, L)) == NULL ||
	    watch(L, sigfd, &L->sigfd) < 0 ||
	    (L->console.fd >= 0 && watch(L, L->console.fd, &L->console) < 0)) {
		log_error("%s", strerror(errno));
		goto out;
	}
	if (set_accepting(L, true) < 0)
		goto out;
	while (turn(L))
		;
	log_info(TR("closing: clients told (%zu)",
	            "cerrando: clientes avisados (%zu)"),
	         room_connections(L->room));
	status = 0;
out:
	if (L->room != NULL)
		close_all(L);
	server_console_free(&L->console);
	if (L->ep >= 0)
		close(L->ep);
	outq_writer_free(&L->writer);
	free(L->touched.v);
	free(L);
	return status;
}
