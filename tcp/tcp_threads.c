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
 * deadline. It also joins each newcomer to the room, so it knows of every
 * arrival; what a client thread does in the room (a nickname, a message, a
 * leave) only moves that deadline later, never nearer.
 *
 * The server's state (struct tserver) is on the heap and counted: the last
 * of the accepting thread and the client threads frees it, so a thread
 * that outlives the shutdown's wait never touches freed memory.
 *
 * This file holds a client's thread and the room's callbacks; the
 * accepting thread is in tcp_threads_server.c (tcp_threads_impl.h).
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
#include "tcp_threads_impl.h"

void
threads_wake(struct tconn *k)
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
void
threads_write_pending(struct tserver *S)
{
	struct tconn *k;
	size_t i;

	for (i = 0; i < S->npending; i++) {
		k = S->pending[i];
		k->pending = false;
		if (tcp_conn_flush(&k->c) != 1)
			threads_wake(k);        /* its thread waits for the socket */
	}
	S->npending = 0;
}

static void
threads_send(void *transport, void *conn, const char *line, size_t len)
{
	struct tserver *S = transport;
	struct tconn *k = conn, **v;

	if (tcp_conn_queue(&k->c, line, len) < 0) {
		threads_wake(k);                /* dropped: its thread cleans up */
		return;
	}
	if (k->pending)
		return;
	if (S->npending == S->cap) {
		v = realloc(S->pending, (S->cap ? S->cap * 2 : 64) * sizeof(*v));
		if (v == NULL) {        /* no room to remember: write now */
			if (tcp_conn_flush(&k->c) != 1)
				threads_wake(k);
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
	threads_wake(k);
}

/* A broadcast: its line is copied once, and every queue references it. */
static void
threads_share(void *transport, const char *line, size_t len)
{
	outq_writer_share(&((struct tserver *)transport)->writer, line, len);
}

const struct room_ops threads_ops = { threads_send, threads_close,
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

void
threads_server_free(struct tserver *S)
{
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
	threads_write_pending(S);               /* the others' leave notice */
	return tcp_conn_retire(&k->c);
}

/* Unlink and free k, out of the room already (lock held on entry). */
void
threads_finish(struct tconn *k)
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
		threads_server_free(S);
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

void *
threads_client(void *arg)
{
	struct tconn *k = arg;
	struct tserver *S = k->S;
	struct pollfd pfd[2];
	char rbuf[THREAD_READ];
	uint64_t now, junk;
	ssize_t n;
	int timeout, events, err;

	pthread_mutex_lock(&S->lock);   /* joined by start_client */
	for (;;) {                      /* the lock is held at the top */
		threads_write_pending(S);
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
	threads_finish(k);                      /* unlocks */
	return NULL;
}
