/*
 * tcp_threads.c — tcpchatd --threads: one thread per client, the model of
 * the lab statements (seed 001), on the same room and connection code as
 * the event loop, so a lab can measure the two side by side.
 *
 * One mutex guards the room, every connection's output queue, and the
 * counts of the chunks that the queues share (shared/server/outq.h) (the
 * simplest correct choice, named here so a lab can point at it: every
 * message serialises on it). It is never held across a socket write: a
 * thread that broadcasts only queues references to the shared lines and
 * wakes each receiver's thread (an eventfd, once until that thread has
 * looked); each thread writes its own queue with the lock released. The
 * bytes it writes stay put meanwhile: a chunk's bytes never change while
 * referenced, and only the queue's own thread lets go of references.
 *
 * No client waits for another (tcp_conn.h): a sender over its rate is not
 * read by its own thread until its held input has gone to the room, and a
 * receiver that does not read only grows its own queue; near the memory
 * budget every sender's thread stops reading until the backlog falls.
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

void
threads_release(struct tserver *S)
{
	struct tconn *k;

	if (S->nheld == 0 || outq_writer_hold(&S->writer, S->opts->max_memory))
		return;
	LIST_FOREACH(k, &S->all, link)
		if (k->held) {
			k->held = false;
			threads_wake(k);
		}
	S->nheld = 0;
}

/* Queue the lines; wake the receiver's thread unless it will look anyway
 * (woken) or waits for its socket (blocked). A drop always wakes it. */
static void
threads_send(void *transport, void *conn, const char *line, size_t len)
{
	struct tconn *k = conn;

	(void)transport;
	if (tcp_conn_queue(&k->c, line, len) < 0) {
		threads_wake(k);                /* dropped: its thread cleans up */
	} else if (!k->woken && !k->c.blocked) {
		k->woken = true;
		threads_wake(k);
	}
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

/* What a turn of a client's thread needs outside the lock. */
struct turn {
	struct pollfd pfd[2];
	struct iovec  iov[TCP_IOV];
	size_t        niov, want;
	ssize_t       sent;
	int           err, timeout;
};

void
threads_server_free(struct tserver *S)
{
	pthread_cond_destroy(&S->gone);
	pthread_mutex_destroy(&S->lock);
	outq_writer_free(&S->writer);
	free(S);
}

/* k is dead: leave the room if still in it (lock held). Returns true when
 * it stays a while to deliver a last notice (tcp_conn_retire). */
static bool
leave_room(struct tconn *k)
{
	struct tserver *S = k->S;

	bool stays;

	if (S->room != NULL)
		tcp_conn_leave(&k->c, S->room);
	stays = tcp_conn_retire(&k->c);
	threads_release(S);     /* its queue let go of the shared chunks */
	return stays;
}

/* With the lock held: move CLOSING on to DRAINING once its queue is empty
 * (while the server stops, close at once: nobody waits for the peer's
 * FIN). Returns false when the connection is dead. */
static bool
settle(struct tconn *k)
{
	bool stopping = k->S->room == NULL;

	if (k->c.state == TCP_CONN_CLOSING &&
	    (outq_empty(&k->c.out) || (stopping && k->c.blocked)))
		tcp_conn_shutdown(&k->c);
	if (stopping && k->c.state == TCP_CONN_DRAINING)
		k->c.state = TCP_CONN_DEAD;
	return k->c.state != TCP_CONN_DEAD;
}

/* With the lock held: how long k's thread may sleep, until the nearest
 * of its clocks (-1: none). */
static int
wait_ms(const struct tconn *k)
{
	uint64_t now = clock_ms(), at = k->c.deadline;

	return at == 0 ? -1 : at <= now ? 0 : (int)(at - now);
}

/* With the lock held: what to write and wait for in this turn. */
static void
plan(struct tconn *k, struct turn *t)
{
	struct tserver *S = k->S;
	bool reading = tcp_conn_reading(&k->c);

	if (!reading && !k->held && S->writer.held) {
		k->held = true;         /* the budget: threads_release() */
		S->nheld++;
	}
	t->niov = k->c.blocked ? 0 : tcp_conn_iov(&k->c, t->iov, &t->want);
	t->pfd[0] = (struct pollfd){ .fd = k->c.fd,
	                             .events = (short)((reading ? POLLIN : 0) |
	                             (k->c.blocked ? POLLOUT : 0)) };
	t->pfd[1] = (struct pollfd){ .fd = k->wake, .events = POLLIN };
	t->timeout = wait_ms(k);
	k->woken = false;       /* lines queued from now on wake it */
}

/*
 * The socket took less than the turn wrote (lock not held): take that now,
 * under the lock, before the thread sleeps. Taking it arms the clock of a
 * receiver that reads nothing (tcp_conn_sent), and that clock must bound
 * the wait: a socket that never takes more, in a room where nothing more
 * comes for it (its senders held back by the budget that its own queue
 * fills), would leave the thread asleep for good, never dropped.
 */
static void
take_write(struct tconn *k, struct turn *t)
{
	struct tserver *S = k->S;
	int r;

	pthread_mutex_lock(&S->lock);
	r = tcp_conn_sent(&k->c, t->sent, t->err, t->want);
	threads_release(S);
	t->timeout = r == 0 ? wait_ms(k) : 0;   /* else look again now */
	if (r == 0)
		t->pfd[0].events |= POLLOUT;    /* full: until it takes more */
	pthread_mutex_unlock(&S->lock);
	t->niov = 0;                            /* taken */
}

/* Lock not held (but a moment in take_write when the socket is full):
 * write what plan() took, then wait. */
static void
write_and_wait(struct tconn *k, struct turn *t)
{
	struct msghdr mh = { .msg_iov = t->iov, .msg_iovlen = t->niov };
	uint64_t junk;

	if (t->niov > 0) {
		t->sent = sendmsg(k->c.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		t->err = t->sent < 0 ? errno : 0;
		if (t->sent >= 0 && (size_t)t->sent == t->want)
			t->timeout = 0;         /* maybe more: look again */
		else
			take_write(k, t);
	}
	if (poll(t->pfd, 2, t->timeout) < 0 && errno != EINTR)
		log_debug("poll: %s", strerror(errno));
	if (t->pfd[1].revents & POLLIN)
		(void)!read(k->wake, &junk, sizeof(junk));
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

/* With the lock held again: take what the write did (unless take_write
 * did already) and what the wait saw. */
static void
take(struct tconn *k, struct turn *t)
{
	k->woken = true;                /* it looks before it sleeps */
	if (t->niov > 0) {
		tcp_conn_sent(&k->c, t->sent, t->err, t->want);
		threads_release(k->S);
	}
	if (t->pfd[0].revents & (POLLOUT | POLLERR | POLLHUP))
		k->c.blocked = false;   /* the socket takes more */
}

/* Unlink and free k, out of the room already (lock held on entry). */
void
threads_finish(struct tconn *k)
{
	struct tserver *S = k->S;
	bool last;

	outq_clear(&k->c.out);          /* its chunks are shared: under the
	                                   lock, as every count */
	if (k->held)
		S->nheld--;
	threads_release(S);
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

void *
threads_client(void *arg)
{
	struct tconn *k = arg;
	struct tserver *S = k->S;
	struct turn t;
	char rbuf[THREAD_READ];
	ssize_t n;
	int err;

	pthread_mutex_lock(&S->lock);   /* joined by start_client */
	for (;;) {                      /* the lock is held at the top */
		if (!settle(k)) {
			if (leave_room(k))
				continue;       /* CLOSING: deliver its notice */
			break;
		}
		plan(k, &t);
		pthread_mutex_unlock(&S->lock);

		write_and_wait(k, &t);
		n = read_input(k, &t.pfd[0], rbuf, sizeof(rbuf), &err);

		pthread_mutex_lock(&S->lock);
		take(k, &t);
		if (S->room == NULL)    /* stopping: input is not wanted */
			continue;
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
