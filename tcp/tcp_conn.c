/*
 * tcp_conn.c — reading, framing and writing for one TCP client. Both server
 * models (one event loop, or one thread per client) use these functions, so
 * they differ only in how they wait.
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

/* The nearest of the connection's deadlines, 0 when none is set. */
static void
rearm(struct tcp_conn *c)
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
	c->out_soft = o->soft_queue;
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
 * Output: a queue per client with a soft and a hard limit, so one client
 * that stops reading costs bounded memory and never makes anyone else wait.
 * ------------------------------------------------------------------------ */

/* Arm or disarm the soft limit's clock after the queue changed. */
static void
watch_soft(struct tcp_conn *c)
{
	bool over = c->out_soft > 0 && c->out.len > c->out_soft;

	if (over == (c->soft_by != 0))
		return;
	c->soft_by = over ? clock_ms() + c->soft_ms : 0;
	rearm(c);
}

int
tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len)
{
	if (c->state == TCP_CONN_DEAD || c->state == TCP_CONN_DRAINING)
		return -1;
	if (outq_push_copy(&c->out, c->writer, line, len, c->out_hard) < 0) {
		tcp_conn_drop(c, false);        /* over the hard limit */
		return -1;
	}
	if (c->soft_by == 0 && c->out.len > c->out_soft)
		watch_soft(c);
	return 0;
}

void
tcp_conn_drop(struct tcp_conn *c, bool slow)
{
	char notice[1 + MSG_LINE_MAX];  /* any catalogue line fits */
	int n;

	notice[0] = '\n';      /* after whatever part of a line went */
	/* What is queued will never be read in time: replace it with the
	 * reason, to be tried once before closing. */
	log_info(slow ? TR("%s: over %zu KiB unread for %u s, disconnected",
	                   "%s: más de %zu KiB sin leer durante %u s, "
	                   "desconectado")
	              : TR("%s: over %zu KiB unread, disconnected",
	                   "%s: más de %zu KiB sin leer, desconectado"),
	         c->member && room_member_nick(c->member)
	             ? room_member_nick(c->member) : c->peer,
	         (slow ? c->out_soft : c->out_hard) / 1024, c->soft_ms / 1000);
	n = slow ? snprintf(notice + 1, sizeof(notice) - 1,
	                    catalog_text(CAT_OVERFLOW_SLOW), c->out_soft / 1024,
	                    c->soft_ms / 1000)
	         : snprintf(notice + 1, sizeof(notice) - 1,
	                    catalog_text(CAT_OVERFLOW), c->out_hard / 1024);
	if (n < 0 || (size_t)n >= sizeof(notice) - 1) {
		log_error(TR("%s: notice too long", "%s: aviso demasiado largo"),
		          c->peer);
		n = 0;
	}
	outq_clear(&c->out);
	outq_push_copy(&c->out, c->writer, notice, 1 + (size_t)n, SIZE_MAX);
	c->soft_by = 0;
	rearm(c);
	c->state = TCP_CONN_DEAD;
	c->why = ROOM_LEAVE_DROPPED;
	c->farewell = true;
}

int
tcp_conn_flush(struct tcp_conn *c)
{
	struct iovec iov[TCP_IOV];
	struct msghdr mh = { .msg_iov = iov };
	size_t want, i;
	ssize_t n;
	int err;

	while (!outq_empty(&c->out)) {
		mh.msg_iovlen = outq_iov(&c->out, iov, TCP_IOV);
		for (want = 0, i = 0; i < mh.msg_iovlen; i++)
			want += iov[i].iov_len;
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			outq_consume(&c->out, (size_t)n);
			if ((size_t)n == want)
				continue;
			/* The kernel took less: the socket is full, and
			 * asking again would only hear EAGAIN. */
			if (c->soft_by != 0)
				watch_soft(c);
			c->blocked = true;
			return 0;
		}
		err = n < 0 ? errno : EPIPE;
		if (err == EINTR)
			continue;
		if (err == EAGAIN || err == EWOULDBLOCK) {
			if (c->soft_by != 0)
				watch_soft(c);
			c->blocked = true;
			return 0;
		}
		log_debug("%s: send: %s", c->peer, strerror(err));
		outq_clear(&c->out);
		c->farewell = false;
		if (c->state != TCP_CONN_DEAD) {
			c->state = TCP_CONN_DEAD;
			c->why = ROOM_LEAVE_CLOSED;
		}
		return -1;
	}
	if (c->soft_by != 0)
		watch_soft(c);
	c->blocked = false;
	return 1;
}

/* ---------------------------------------------------------------------------
 * Input: bytes to lines to the room, at the pace the rate limit allows.
 * ------------------------------------------------------------------------ */

/* One complete message (or the news that one was too long). */
static void
deliver(struct tcp_conn *c, struct room *room, enum msg_frame f,
        const char *line, size_t len)
{
	if (c->member == NULL || c->state != TCP_CONN_OPEN)
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
	rearm(c);
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
tcp_conn_reading(const struct tcp_conn *c)
{
	return c->state != TCP_CONN_DEAD && buf_empty(&c->in);
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
	if (eof && msg_framer_finish(&c->framer, &line, &len))
		deliver(c, room, MSG_FRAME_LINE, line, len);
	c->resume_at = c->silence_at = 0;
	rearm(c);
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
	if (c->soft_by != 0 && c->soft_by <= now && c->state != TCP_CONN_DEAD)
		tcp_conn_drop(c, true);
	if (c->silence_at != 0 && c->silence_at <= now) {
		c->silence_at = 0;
		if ((wait = wait_for_rate(c, room)) > 0)
			c->silence_at = now + wait;
		else if (msg_framer_flush(&c->framer, &line, &len))
			deliver(c, room, MSG_FRAME_LINE, line, len);
		if (c->silence_at == 0)
			msg_framer_trim(&c->framer);  /* idle now: hold no buffer */
	}
	rearm(c);
}

bool
tcp_conn_retire(struct tcp_conn *c)
{
	if (!c->farewell || c->state != TCP_CONN_DEAD || outq_empty(&c->out))
		return false;
	c->farewell = false;
	c->member = NULL;
	c->state = TCP_CONN_CLOSING;
	c->silence_at = c->resume_at = c->soft_by = 0;
	buf_free(&c->in);
	c->drain_by = clock_ms() + TCP_DRAIN_MS;    /* read it by then */
	rearm(c);
	return true;
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
	rearm(c);
}
