/*
 * tcp_threads.c — tcpchatd --threads: one thread per client, the model of
 * the lab statements (seed 001), on the same room and connection code as
 * the event loop, so a lab can measure the two side by side.
 *
 * One mutex guards the room and every connection's output queue, and the
 * counts of the chunks that the queues share (shared/server/outq.h) (the
 * simplest correct choice, named here so a lab can point at it: every
 * message serialises on it). A thread that broadcasts queues each line for
 * its receivers and, once the whole read is handled, writes to each
 * receiver's socket once, without blocking (one write for many lines, not
 * one per line). What the kernel does not take stays queued, and the
 * receiver's own thread is woken (eventfd) to send it when its socket can
 * take more.
 *
 * No client waits for another (tcp_conn.h): a sender over its rate is not
 * read by its own thread until its held input has gone to the room, and a
 * receiver that does not read only grows its own queue, up to its limits.
 *
 * The room's clock (who has waited too long for a nickname: room_tick) is
 * kept by the accepting thread, which sleeps until the room's next
 * deadline; a client thread whose room call brings that deadline nearer
 * wakes it (S->tick).
 *
 * The server's state (struct tserver) is on the heap and counted: the last
 * of the accepting thread and the client threads frees it, so a thread
 * that outlives the shutdown's wait never touches freed memory.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/eventfd.h>
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
};

struct tserver {
	const struct server_opts *opts;
	pthread_mutex_t lock;        /* everything below, every queue */
	pthread_cond_t  gone;        /* a thread ended (monotonic clock) */
	struct room    *room;        /* NULL once the server is closing */
	LIST_HEAD(, tconn) all;
	size_t          threads;     /* client threads running */
	bool            orphaned;    /* the accepting thread has left */
	struct tconn  **pending;     /* receivers with lines to write */
	size_t          npending, cap;
	struct outq_writer writer;   /* lines, copied once for all */
	int             tick;        /* eventfd: the room's deadline came */
	uint64_t        tick_at;     /* nearer than tick_at, when the
	                                accepting thread wakes up */
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
			wake(k);        /* its thread waits for the socket */
	}
	S->npending = 0;
	if (S->room != NULL && room_deadline(S->room) < S->tick_at) {
		S->tick_at = room_deadline(S->room);
		if (write(S->tick, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0 &&
		    errno != EAGAIN)
			log_debug("eventfd: %s", strerror(errno));
	}
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

/* A broadcast: its line is copied once, and every queue references it. */
static void
threads_share(void *transport, const char *line, size_t len)
{
	outq_writer_share(&((struct tserver *)transport)->writer, line, len);
}

static const struct room_ops threads_ops = { threads_send, threads_close,
                                             threads_share,
                                             server_console_print };

/* ---------------------------------------------------------------------------
 * One client's thread
 * ------------------------------------------------------------------------ */

/* With the lock held: write what is queued, move CLOSING on to DRAINING.
 * Returns the poll events to wait for, or -1 when the connection is dead. */
static int
settle(struct tconn *k)
{
	int r = outq_empty(&k->c.out) ? 1 : tcp_conn_flush(&k->c);

	if (r == 1 && k->c.state == TCP_CONN_CLOSING)
		tcp_conn_shutdown(&k->c);
	if (k->c.state == TCP_CONN_DEAD)
		return -1;
	return (tcp_conn_reading(&k->c) ? POLLIN : 0) | (r == 0 ? POLLOUT : 0);
}

static void
server_free(struct tserver *S)
{
	if (S->tick >= 0)
		close(S->tick);
	pthread_cond_destroy(&S->gone);
	pthread_mutex_destroy(&S->lock);
	outq_writer_free(&S->writer);
	free(S->pending);
	free(S);
}

/* k is dead: leave the room if still in it (lock held). Returns true when
 * it stays a while to deliver a last notice (tcp_conn_retire). */
static bool
leave_room(struct tconn *k)
{
	struct tserver *S = k->S;
	struct room_member *m = k->c.member;

	k->c.member = NULL;
	if (m != NULL && S->room != NULL)
		room_leave(S->room, m, k->c.why);
	write_pending(S);               /* the others' leave notice */
	return tcp_conn_retire(&k->c);
}

/* Unlink and free k, out of the room already (lock held on entry). */
static void
finish(struct tconn *k)
{
	struct tserver *S = k->S;
	bool last;

	tcp_conn_flush(&k->c);          /* one try for a last notice */
	outq_clear(&k->c.out);          /* its chunks are shared: under the
	                                   lock, as every count */
	LIST_REMOVE(k, link);
	S->threads--;
	last = S->orphaned && S->threads == 0;
	pthread_cond_signal(&S->gone);
	pthread_mutex_unlock(&S->lock);

	log_debug(TR("%s: connection closed", "%s: conexión cerrada"),
	          k->c.peer);
	tcp_conn_close(&k->c);
	close(k->wake);
	free(k);
	if (last)                       /* nobody else holds S any more */
		server_free(S);
}

/* Read what the socket has (lock not held). Returns the byte count, 0 at
 * end of stream, -1 on an error (*err set) or when there was nothing. */
static ssize_t
read_input(struct tconn *k, const struct pollfd *p, char *rbuf, size_t cap,
           int *err)
{
	ssize_t n;

	*err = EAGAIN;
	if (!(p->revents & (POLLIN | POLLHUP | POLLERR)))
		return -1;
	n = read(k->c.fd, rbuf, cap);
	*err = n < 0 ? errno : 0;       /* before anything can change it */
	return n;
}

static void *
client_thread(void *arg)
{
	struct tconn *k = arg;
	struct tserver *S = k->S;
	struct pollfd pfd[2];
	char rbuf[THREAD_READ];
	uint64_t now, junk;
	ssize_t n;
	int timeout, events, err;

	pthread_mutex_lock(&S->lock);
	if (S->room != NULL)
		k->c.member = room_join(S->room, k, k->c.peer);
	if (k->c.member == NULL)        /* full (notice queued) or stopping */
		tcp_conn_leave_room(&k->c);

	for (;;) {                      /* the lock is held at the top */
		write_pending(S);
		if ((events = settle(k)) < 0) {
			if (leave_room(k))
				continue;       /* CLOSING: deliver its notice */
			break;
		}
		pfd[0] = (struct pollfd){ .fd = k->c.fd, .events = (short)events };
		pfd[1] = (struct pollfd){ .fd = k->wake, .events = POLLIN };
		now = clock_ms();
		timeout = k->c.deadline == 0 ? -1
		          : k->c.deadline <= now ? 0
		          : (int)(k->c.deadline - now);
		pthread_mutex_unlock(&S->lock);

		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			log_debug("poll: %s", strerror(errno));
		if (pfd[1].revents & POLLIN)
			(void)!read(k->wake, &junk, sizeof(junk));
		n = read_input(k, &pfd[0], rbuf, sizeof(rbuf), &err);

		pthread_mutex_lock(&S->lock);
		if (n > 0)
			tcp_conn_feed(&k->c, S->room, rbuf, (size_t)n);
		else if (n == 0 || (err != EAGAIN && err != EINTR))
			tcp_conn_end(&k->c, S->room, n == 0);
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
	k->S = S;
	pthread_mutex_lock(&S->lock);
	tcp_conn_init(&k->c, fd, peer, S->opts);
	k->c.writer = &S->writer;
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

/* A deadline ms from now on the monotonic clock (S->gone's). */
static struct timespec
after_ms(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Tell everyone the server closes, wait (a while) for the threads, and
 * hand S to the last of them if some are still running. */
static void
stop_all(struct tserver *S)
{
	struct timespec until = after_ms(THREAD_STOP_MS);
	struct tconn *k;
	bool last;

	pthread_mutex_lock(&S->lock);
	LIST_FOREACH(k, &S->all, link)
		k->c.member = NULL;     /* the room frees its members */
	log_info(TR("closing: clients told (%zu)",
	            "cerrando: clientes avisados (%zu)"),
	         room_connections(S->room));
	room_free(S->room, true);
	S->room = NULL;
	write_pending(S);
	LIST_FOREACH(k, &S->all, link) {
		tcp_conn_leave_room(&k->c);
		wake(k);
	}
	while (S->threads > 0)
		if (pthread_cond_timedwait(&S->gone, &S->lock, &until) != 0)
			break;          /* the rest end with the process */
	S->orphaned = true;
	last = S->threads == 0;
	pthread_mutex_unlock(&S->lock);
	if (last)
		server_free(S);
}

/* The server's state, with a condition variable on the monotonic clock
 * (a change of the wall clock must not stretch or cut a wait). */
static struct tserver *
server_new(const struct server_opts *o)
{
	pthread_condattr_t ca;
	struct tserver *S;
	struct room_config cfg;

	if ((S = calloc(1, sizeof(*S))) == NULL)
		return NULL;
	LIST_INIT(&S->all);
	S->opts = o;
	S->tick_at = UINT64_MAX;
	S->tick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&S->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&S->gone, &ca);
	pthread_condattr_destroy(&ca);
	server_room_config(o, SERVER_TCP, &cfg);
	if (S->tick < 0 ||
	    (S->room = room_new(&cfg, &threads_ops, S)) == NULL) {
		server_free(S);
		return NULL;
	}
	return S;
}

/* Let the room expire what is due (its clock is this thread's), and
 * return how long to sleep: until its next deadline, and while not
 * accepting, no longer than THREAD_ACCEPT_MS. */
static int
tick(struct tserver *S, bool accepting)
{
	uint64_t now = clock_ms(), at;

	pthread_mutex_lock(&S->lock);
	at = S->tick_at = room_tick(S->room, now);
	write_pending(S);
	pthread_mutex_unlock(&S->lock);
	if (!accepting && at > now + THREAD_ACCEPT_MS)
		at = now + THREAD_ACCEPT_MS;
	return at == UINT64_MAX ? -1 : at <= now ? 0 : (int)(at - now);
}

int
tcp_threads_run(const struct server_opts *o, int lfd, int sigfd)
{
	struct server_console console;
	struct tserver *S;
	struct pollfd pfd[4];
	pthread_attr_t attr;
	bool running = true, accepting = true;
	char err[NET_ERR_LEN];
	uint64_t junk;

	if (net_set_nonblock(lfd, err) < 0) {
		log_error("%s", err);
		return 1;
	}
	if ((S = server_new(o)) == NULL) {
		log_error("%s", strerror(ENOMEM));
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	server_console_init(&console);

	while (running) {
		pfd[0] = (struct pollfd){ .fd = accepting ? lfd : -1,
		                          .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = console.fd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = S->tick, .events = POLLIN };
		if (poll(pfd, 4, tick(S, accepting)) < 0 && errno != EINTR)
			break;
		if (pfd[3].revents & POLLIN)
			(void)!read(S->tick, &junk, sizeof(junk));
		if (pfd[0].revents & POLLIN)
			accepting = accept_clients(S, lfd, &attr);
		else
			accepting = true;
		if (pfd[1].revents & POLLIN) {
			pthread_mutex_lock(&S->lock);
			if (!server_signal_read(sigfd, S->room))
				running = false;
			pthread_mutex_unlock(&S->lock);
		}
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			pthread_mutex_lock(&S->lock);
			if (!server_console_read(&console, S->room))
				running = false;
			write_pending(S);
			pthread_mutex_unlock(&S->lock);
		}
	}
	stop_all(S);                    /* S is not ours after this */
	server_console_free(&console);
	pthread_attr_destroy(&attr);
	return 0;
}
