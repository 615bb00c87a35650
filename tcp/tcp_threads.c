/*
 * tcp_threads.c — tcpchatd --threads: one thread per client, the model of
 * the lab statements (seed 001), on the same room and connection code as
 * the event loop, so a lab can measure the two side by side.
 *
 * One mutex guards the room and every connection's output queue (the
 * simplest correct choice, named here so a lab can point at it: every
 * message serialises on it). A thread that broadcasts queues each line for
 * its receivers and, once the whole read is handled, writes to each
 * receiver's socket once, without blocking (one write for many lines, not
 * one per line). What the kernel does not take stays queued, and the
 * receiver's own thread is woken (eventfd) to send it when its socket can
 * take more.
 *
 * Backpressure, as in the event loop (TCP_OUT_HIGH): while a receiver's
 * queue is long, the threads that just read input wait before reading
 * more. A receiver whose queue stays long for TCP_STUCK_MS is not reading:
 * its own thread drops it, and the others go on.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "server.h"
#include "tcp_conn.h"
#include "tcp_threads.h"

#define THREAD_READ      16384 /* read buffer, on each thread's stack */
#define THREAD_ACCEPT_MS 100   /* pause accepting when out of descriptors */
#define THREAD_STOP_MS   3000  /* wait this long for threads at shutdown */
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
	bool            pending;     /* in S->pending: to be written */
	bool            backlogged;  /* queue over the high mark... */
	uint64_t        backlog_since; /* ...since then (ms) */
};

struct tserver {
	const struct server_opts *opts;
	pthread_mutex_t lock;        /* the room, every queue, the list */
	pthread_cond_t  gone;        /* a thread ended */
	pthread_cond_t  drained;     /* no queue is backlogged any more */
	struct room    *room;
	LIST_HEAD(, tconn) all;
	size_t          threads;
	size_t          backlogged;  /* queues over the high mark */
	struct tconn  **pending;     /* receivers with lines to write */
	size_t          npending, cap;
};

static void
wake(struct tconn *k)
{
	uint64_t one = 1;

	if (write(k->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("eventfd: %s", strerror(errno));
}

/* ---------------------------------------------------------------------------
 * The room's callbacks (called with S->lock held)
 * ------------------------------------------------------------------------ */

/* Keep S->backlogged in step with k's queue. */
static void
note_backlog(struct tserver *S, struct tconn *k)
{
	bool over = tcp_conn_backlogged(&k->c);

	if (over && !k->backlogged) {
		k->backlogged = true;
		k->backlog_since = clock_ms();
		S->backlogged++;
	} else if (!over && k->backlogged) {
		k->backlogged = false;
		if (--S->backlogged == 0)
			pthread_cond_broadcast(&S->drained);
	}
}

/*
 * Write each receiver's new lines with one send(), after the room has
 * handled a whole read (lock held). Must run before the lock is released
 * after any room call: S->pending points at connections that only the
 * lock keeps alive. A receiver with bytes left over is woken to wait for
 * its socket.
 */
static void
write_pending(struct tserver *S)
{
	struct tconn *k;
	size_t i;

	for (i = 0; i < S->npending; i++) {
		k = S->pending[i];
		k->pending = false;
		if (tcp_conn_flush(&k->c) != 1)
			wake(k);
		note_backlog(S, k);
	}
	S->npending = 0;
}

static void
threads_send(void *transport, void *conn, const char *line, size_t len)
{
	struct tserver *S = transport;
	struct tconn *k = conn, **v;

	if (tcp_conn_queue(&k->c, line, len) < 0) {
		wake(k);                /* dropped: its thread cleans up */
		return;
	}
	if (k->pending)
		return;
	if (S->npending == S->cap) {
		v = realloc(S->pending, (S->cap ? S->cap * 2 : 64) * sizeof(*v));
		if (v == NULL) {        /* no room to remember: write now */
			if (tcp_conn_flush(&k->c) != 1)
				wake(k);
			return;
		}
		S->pending = v;
		S->cap = S->cap ? S->cap * 2 : 64;
	}
	k->pending = true;
	S->pending[S->npending++] = k;
}

static void
threads_close(void *transport, void *conn)
{
	struct tconn *k = conn;

	(void)transport;
	tcp_conn_leave_room(&k->c);
	wake(k);
}

static const struct room_ops threads_ops = { threads_send, threads_close };

/* ---------------------------------------------------------------------------
 * One client's thread
 * ------------------------------------------------------------------------ */

/* With the lock held: write what is queued, move CLOSING on to DRAINING.
 * Returns the poll events to wait for, or 0 when the connection is dead. */
static short
settle(struct tconn *k)
{
	int r = buf_empty(&k->c.out) ? 1 : tcp_conn_flush(&k->c);

	note_backlog(k->S, k);
	if (k->backlogged && clock_ms() >= k->backlog_since + TCP_STUCK_MS) {
		tcp_conn_drop(&k->c);   /* long queue, no reading: not here */
		note_backlog(k->S, k);
	}
	if (r == 1 && k->c.state == TCP_CONN_CLOSING)
		tcp_conn_shutdown(&k->c);
	if (k->c.state == TCP_CONN_DEAD)
		return 0;
	return POLLIN | (r == 0 ? POLLOUT : 0);
}

/* Leave the room if still in it, unlink, and free (lock held on entry). */
static void
finish(struct tconn *k)
{
	struct tserver *S = k->S;
	struct room_member *m = k->c.member;

	if (m != NULL) {
		k->c.member = NULL;
		room_leave(S->room, m, k->c.why);
	}
	write_pending(S);               /* the others' leave notice */
	tcp_conn_flush(&k->c);          /* one try for a last notice */
	if (k->backlogged) {
		k->backlogged = false;
		if (--S->backlogged == 0)
			pthread_cond_broadcast(&S->drained);
	}
	LIST_REMOVE(k, link);
	S->threads--;
	pthread_cond_signal(&S->gone);
	pthread_mutex_unlock(&S->lock);

	log_debug(TR("%s: connection closed", "%s: conexión cerrada"),
	          k->c.peer);
	tcp_conn_close(&k->c);
	close(k->wake);
	free(k);
}

/* This thread just handed input to the room: while some receiver's queue
 * is long, wait before reading more (lock held; the wait releases it). A
 * stuck receiver is dropped within TCP_STUCK_MS, so the wait ends. */
static void
hold_back(struct tserver *S, struct tconn *k)
{
	struct timespec until;

	while (S->backlogged > (k->backlogged ? 1u : 0u) && S->room != NULL &&
	       k->c.state == TCP_CONN_OPEN) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&S->drained, &S->lock, &until);
	}
}

static void *
client_thread(void *arg)
{
	struct tconn *k = arg;
	struct tserver *S = k->S;
	struct pollfd pfd[2];
	char rbuf[THREAD_READ];
	uint64_t now, deadline, junk;
	ssize_t n = 0;
	int timeout;

	pthread_mutex_lock(&S->lock);
	if (S->room != NULL)
		k->c.member = room_join(S->room, k, k->c.peer);
	if (k->c.member == NULL)        /* full (notice queued) or stopping */
		tcp_conn_leave_room(&k->c);

	for (;;) {                      /* the lock is held at the top */
		write_pending(S);
		if (n > 0)
			hold_back(S, k);
		pfd[0].fd = k->c.fd;
		if ((pfd[0].events = settle(k)) == 0)
			break;
		deadline = k->c.deadline;
		if (k->backlogged && (deadline == 0 ||
		                      k->backlog_since + TCP_STUCK_MS < deadline))
			deadline = k->backlog_since + TCP_STUCK_MS;
		pthread_mutex_unlock(&S->lock);

		pfd[1].fd = k->wake;
		pfd[1].events = POLLIN;
		now = clock_ms();
		timeout = deadline == 0 ? -1
		          : deadline <= now ? 0 : (int)(deadline - now);
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			log_debug("poll: %s", strerror(errno));
		if (pfd[1].revents & POLLIN)
			(void)!read(k->wake, &junk, sizeof(junk));

		n = 0;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			n = read(k->c.fd, rbuf, sizeof(rbuf));

		pthread_mutex_lock(&S->lock);
		if (n > 0)
			tcp_conn_feed(&k->c, S->room, rbuf, (size_t)n);
		else if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR) &&
		         (n == 0 || (errno != EAGAIN && errno != EINTR)))
			k->c.state = TCP_CONN_DEAD;  /* EOF, reset, or error */
		if (k->c.deadline != 0 && k->c.deadline <= clock_ms())
			tcp_conn_deadline(&k->c, S->room);
	}
	finish(k);                      /* unlocks */
	return NULL;
}

/* ---------------------------------------------------------------------------
 * The accepting thread
 * ------------------------------------------------------------------------ */

static void
start_client(struct tserver *S, int fd, const char *peer,
             const pthread_attr_t *attr)
{
	struct tconn *k;
	pthread_t th;
	int err;

	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_error("%s: %s", peer, strerror(errno));
		free(k);
		close(fd);
		return;
	}
	tcp_conn_init(&k->c, fd, peer, S->opts);
	k->S = S;
	pthread_mutex_lock(&S->lock);
	LIST_INSERT_HEAD(&S->all, k, link);
	S->threads++;
	err = pthread_create(&th, attr, client_thread, k);
	if (err != 0) {
		log_error(TR("%s: cannot start a thread: %s",
		             "%s: no se puede crear un hilo: %s"),
		          peer, strerror(err));
		k->c.state = TCP_CONN_DEAD;
		finish(k);              /* unlocks */
		return;
	}
	pthread_mutex_unlock(&S->lock);
}

/* Accept what is waiting. Returns false when out of descriptors. */
static bool
accept_clients(struct tserver *S, int lfd, const pthread_attr_t *attr)
{
	enum tcp_accept r;
	char peer[NET_ADDR_LEN];
	int fd;

	while ((r = tcp_accept(lfd, &fd, peer)) == TCP_ACCEPT_OK)
		start_client(S, fd, peer, attr);
	return r != TCP_ACCEPT_FULL;
}

/* Tell everyone the server closes and wait (a while) for the threads. */
static void
stop_all(struct tserver *S)
{
	struct timespec until;
	struct tconn *k;

	pthread_mutex_lock(&S->lock);
	LIST_FOREACH(k, &S->all, link)
		k->c.member = NULL;     /* the room frees its members */
	log_info(TR("closing: %zu clients told", "cerrando: avisados %zu clientes"),
	         room_connections(S->room));
	room_free(S->room, true);
	S->room = NULL;
	write_pending(S);
	pthread_cond_broadcast(&S->drained);
	LIST_FOREACH(k, &S->all, link) {
		tcp_conn_leave_room(&k->c);
		wake(k);
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += THREAD_STOP_MS / 1000;
	while (S->threads > 0)
		if (pthread_cond_timedwait(&S->gone, &S->lock, &until) != 0)
			break;          /* threads left are cut off by exit() */
	pthread_mutex_unlock(&S->lock);
}

int
tcp_threads_run(const struct server_opts *o, int lfd, int sigfd)
{
	struct room_config cfg;
	struct server_console console;
	struct tserver S;
	struct pollfd pfd[3];
	pthread_attr_t attr;
	bool running = true, accepting = true;
	char err[NET_ERR_LEN];

	memset(&S, 0, sizeof(S));
	LIST_INIT(&S.all);
	S.opts = o;
	server_room_config(o, SERVER_TCP, &cfg);
	pthread_mutex_init(&S.lock, NULL);
	pthread_cond_init(&S.gone, NULL);
	pthread_cond_init(&S.drained, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	server_console_init(&console);
	if ((S.room = room_new(&cfg, &threads_ops, &S)) == NULL ||
	    net_set_nonblock(lfd, err) < 0) {
		log_error("%s", strerror(errno));
		return 1;
	}

	while (running) {
		pfd[0] = (struct pollfd){ .fd = accepting ? lfd : -1,
		                          .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = console.fd, .events = POLLIN };
		if (poll(pfd, 3, accepting ? -1 : THREAD_ACCEPT_MS) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			accepting = accept_clients(&S, lfd, &attr);
		else
			accepting = true;
		if (pfd[1].revents & POLLIN) {
			pthread_mutex_lock(&S.lock);
			if (!server_signal_read(sigfd, S.room))
				running = false;
			pthread_mutex_unlock(&S.lock);
		}
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			pthread_mutex_lock(&S.lock);
			if (!server_console_read(&console, S.room))
				running = false;
			write_pending(&S);
			pthread_mutex_unlock(&S.lock);
		}
	}
	stop_all(&S);
	if (S.threads == 0)             /* else a late thread may still use it */
		free(S.pending);
	server_console_free(&console);
	pthread_attr_destroy(&attr);
	return 0;
}
