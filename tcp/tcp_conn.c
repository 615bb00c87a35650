/*
 * tcp_conn.c — accepting, reading and framing for one TCP client, and its
 * clocks (the writing is in tcp_out.c). Both server models (one event loop,
 * or one thread per client) use these functions, so they differ only in
 * how they wait.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "server.h"
#include "tcp_conn.h"

enum tcp_accept
tcp_accept(int lfd, int *fd, char *peer)
{
	struct sockaddr_storage ss;
	socklen_t len;

	for (;;) {
		len = sizeof(ss);
		*fd = accept4(lfd, (struct sockaddr *)&ss, &len,
		              SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (*fd >= 0) {
			net_addr_str((struct sockaddr *)&ss, len, peer);
			return TCP_ACCEPT_OK;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return TCP_ACCEPT_NONE;
		log_error("accept: %s", strerror(errno));
		/* Out of descriptors: the connection waits in the backlog;
		 * the caller pauses instead of spinning on the same error. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			return TCP_ACCEPT_FULL;
		return TCP_ACCEPT_NONE;
	}
}

void
tcp_conn_rearm(struct tcp_conn *c)
{
	uint64_t t[4] = { c->silence_at, c->drain_by, c->resume_at, c->soft_by };
	size_t i;

	c->deadline = 0;
	for (i = 0; i < 4; i++)
		if (t[i] != 0 && (c->deadline == 0 || t[i] < c->deadline))
			c->deadline = t[i];
}

void
tcp_conn_init(struct tcp_conn *c, int fd, const char *peer,
              const struct server_opts *o)
{
	int one = 1, sndbuf = TCP_SNDBUF;

	c->fd = fd;
	c->state = TCP_CONN_OPEN;
	c->why = ROOM_LEAVE_CLOSED;
	c->framer.max = o->max_line;
	c->out_hard = o->max_queue;
	c->budget = o->max_memory;
	c->soft_ms = o->soft_queue_time * 1000u;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	/* Chat lines are small and wanted now: no Nagle delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Without a bound the kernel would buffer megabytes for a client that
	 * never reads before our own queue even notices. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
}

void
tcp_conn_close(struct tcp_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	msg_framer_free(&c->framer);
	buf_free(&c->in);
	outq_clear(&c->out);
}

/* ---------------------------------------------------------------------------
 * Input: bytes to lines to the room, at the pace the rate limit allows.
 * ------------------------------------------------------------------------ */

/* One complete message (or the news that one was too long). */
static void
deliver(struct tcp_conn *c, struct room *room, enum msg_frame f,
        const char *line, size_t len)
{
	if (c->member == NULL)          /* it quit, or the room let it go */
		return;
	if (f == MSG_FRAME_TOO_LONG) {
		room_too_long(room, c->member);
	} else if (!room_input(room, c->member, line, len)) {
		c->member = NULL;       /* it quit; close() already called */
	}
}

/* Milliseconds until c may send its next message (0: now, or not in the
 * room any more, where nothing is counted). */
static uint64_t
wait_for_rate(struct tcp_conn *c, struct room *room)
{
	if (c->member == NULL || c->state != TCP_CONN_OPEN)
		return 0;
	return room_input_wait(room, c->member);
}

/*
 * Hand the lines of data[0..len) to the room while the sender's rate
 * allows (every one when !paced). Returns how many bytes were not taken;
 * then *wait says in how many milliseconds the next line may go.
 */
static size_t
take_lines(struct tcp_conn *c, struct room *room, const char *data,
           size_t len, bool paced, uint64_t *wait)
{
	enum msg_frame f;
	const char *line;
	size_t line_len;

	for (;;) {
		if (paced && len > 0 && (*wait = wait_for_rate(c, room)) > 0)
			return len;
		f = msg_framer_next(&c->framer, &data, &len, &line, &line_len);
		if (f == MSG_FRAME_MORE)
			return 0;
		deliver(c, room, f, line, line_len);
	}
}

/* After input was taken: the silence rule's clock. */
static void
input_taken(struct tcp_conn *c)
{
	/* The silence rule (DESIGN.md): a client that has never sent a
	 * newline ends each message by pausing. Not while input is held:
	 * the pause is the server's, not the client's. */
	c->silence_at = msg_framer_pending(&c->framer) && buf_empty(&c->in)
	                    ? clock_ms() + MSG_SILENCE_MS : 0;
	tcp_conn_rearm(c);
}

/* Go on with input held back by the rate limit. */
static void
resume(struct tcp_conn *c, struct room *room)
{
	uint64_t wait = 0;
	size_t left;

	left = take_lines(c, room, buf_head(&c->in), c->in.len, true, &wait);
	buf_consume(&c->in, c->in.len - left);
	c->resume_at = left > 0 ? clock_ms() + wait : 0;
	input_taken(c);
}

bool
tcp_conn_reading(struct tcp_conn *c)
{
	if (c->state == TCP_CONN_DEAD || !buf_empty(&c->in))
		return false;
	return c->state != TCP_CONN_OPEN || c->writer == NULL ||
	       !outq_writer_hold(c->writer, c->budget);
}

void
tcp_conn_feed(struct tcp_conn *c, struct room *room, const char *data,
              size_t len)
{
	uint64_t wait = 0;
	size_t left;

	if (c->state == TCP_CONN_DRAINING)
		return;
	if (!buf_empty(&c->in)) {       /* read anyway (a hang-up): queue */
		if (buf_append(&c->in, data, len, SIZE_MAX) < 0)
			c->state = TCP_CONN_DEAD;       /* out of memory */
		return;
	}
	left = take_lines(c, room, data, len, true, &wait);
	if (left > 0) {
		/* Over the rate: keep the rest (at most one read) and stop
		 * reading until it has gone. Nothing is dropped. */
		if (buf_append(&c->in, data + len - left, left, SIZE_MAX) < 0) {
			c->state = TCP_CONN_DEAD;       /* out of memory */
			return;
		}
		c->resume_at = clock_ms() + wait;
	}
	input_taken(c);
	room_flush(room);       /* the read's lines: one run per receiver */
}

void
tcp_conn_end(struct tcp_conn *c, struct room *room, bool eof)
{
	const char *line;
	uint64_t wait;
	size_t len;

	/* What was read is the sender's, accepted by TCP: it all goes on,
	 * whatever the rate (at most one read is held). */
	if (!buf_empty(&c->in))
		take_lines(c, room, buf_head(&c->in), c->in.len, false, &wait);
	buf_free(&c->in);
	/* A write that already failed (a reset: the error is reported once,
	 * then reads see an end of stream) makes no end orderly. */
	if (eof && c->state != TCP_CONN_DEAD &&
	    msg_framer_finish(&c->framer, &line, &len))
		deliver(c, room, MSG_FRAME_LINE, line, len);
	room_flush(room);
	c->resume_at = c->silence_at = 0;
	tcp_conn_rearm(c);
	if (c->state != TCP_CONN_DEAD) {
		c->state = TCP_CONN_DEAD;
		c->why = ROOM_LEAVE_CLOSED;
	}
}

void
tcp_conn_deadline(struct tcp_conn *c, struct room *room)
{
	uint64_t now = clock_ms(), wait;
	const char *line;
	size_t len;

	if (c->drain_by != 0 && c->drain_by <= now) {
		c->drain_by = 0;
		c->state = TCP_CONN_DEAD;    /* the peer never sent its FIN */
	}
	if (c->resume_at != 0 && c->resume_at <= now)
		resume(c, room);
	if (c->soft_by != 0 && c->soft_by <= now && tcp_conn_stuck(c, now)) {
		if (c->state == TCP_CONN_OPEN)
			tcp_conn_drop(c, TCP_DROP_STUCK);
		else                    /* it left and never read the rest */
			c->state = TCP_CONN_DEAD;
		c->soft_by = 0;
	}
	if (c->silence_at != 0 && c->silence_at <= now) {
		c->silence_at = 0;
		if ((wait = wait_for_rate(c, room)) > 0)
			c->silence_at = now + wait;
		else if (msg_framer_flush(&c->framer, &line, &len))
			deliver(c, room, MSG_FRAME_LINE, line, len);
		if (c->silence_at == 0)
			msg_framer_trim(&c->framer);  /* idle now: hold no buffer */
	}
	room_flush(room);
	tcp_conn_rearm(c);
}

void
tcp_conn_leave(struct tcp_conn *c, struct room *room)
{
	struct room_member *m = c->member;
	uint64_t wait;

	if (m == NULL)
		return;
	if (!buf_empty(&c->in))         /* read, accepted: it all goes on */
		take_lines(c, room, buf_head(&c->in), c->in.len, false, &wait);
	buf_free(&c->in);
	c->member = NULL;
	room_leave(room, m, c->why);
}

void
tcp_conn_leave_room(struct tcp_conn *c)
{
	c->member = NULL;
	if (c->state == TCP_CONN_OPEN)
		c->state = TCP_CONN_CLOSING;
}

/*
 * Closing politely: shutdown(SHUT_WR) sends our FIN after the last queued
 * byte; we then read until the peer's FIN. Closing with unread input would
 * send an RST instead, and the peer could lose our last line.
 */
void
tcp_conn_shutdown(struct tcp_conn *c)
{
	shutdown(c->fd, SHUT_WR);
	c->state = TCP_CONN_DRAINING;
	c->silence_at = 0;
	c->resume_at = 0;
	c->soft_by = 0;
	buf_free(&c->in);
	c->drain_by = clock_ms() + TCP_DRAIN_MS;
	tcp_conn_rearm(c);
}
