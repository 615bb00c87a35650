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
	uint64_t t[3] = { c->silence_at, c->nick_by, c->drain_by };
	size_t i;

	c->deadline = 0;
	for (i = 0; i < 3; i++)
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
	c->out_max = o->max_queue;
	c->nick_timeout = o->nick_timeout;
	if (o->nick_timeout > 0)
		c->nick_by = clock_ms() + o->nick_timeout * 1000ull;
	rearm(c);
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
	buf_free(&c->out);
}

/* ---------------------------------------------------------------------------
 * Output: a bounded queue per client, so one client that stops reading
 * costs at most --max-queue bytes and never makes anyone else wait.
 * ------------------------------------------------------------------------ */

int
tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len)
{
	if (c->state == TCP_CONN_DEAD || c->state == TCP_CONN_DRAINING)
		return -1;
	if (buf_append(&c->out, line, len, c->out_max) == 0)
		return 0;
	tcp_conn_drop(c);               /* over the cap */
	return -1;
}

void
tcp_conn_drop(struct tcp_conn *c)
{
	const char *notice;

	/* What is queued will never be read in time: replace it with the
	 * reason, to be tried once before closing. */
	log_info(TR("%s: not reading (%zu bytes queued), disconnected",
	            "%s: no lee (%zu bytes en cola), desconectado"),
	         c->member && room_member_nick(c->member)
	             ? room_member_nick(c->member) : c->peer, c->out.len);
	notice = catalog_text(CAT_OVERFLOW);
	buf_free(&c->out);
	buf_append(&c->out, "\n", 1, SIZE_MAX);
	buf_append(&c->out, notice, strlen(notice), SIZE_MAX);
	c->state = TCP_CONN_DEAD;
	c->why = ROOM_LEAVE_DROPPED;
}

bool
tcp_conn_backlogged(const struct tcp_conn *c)
{
	return c->state != TCP_CONN_DEAD &&
	       c->out.len > (c->out_max / 4 < TCP_OUT_HIGH ? c->out_max / 4
	                                                   : TCP_OUT_HIGH);
}

int
tcp_conn_flush(struct tcp_conn *c)
{
	ssize_t n;

	while (!buf_empty(&c->out)) {
		n = send(c->fd, buf_head(&c->out), c->out.len, MSG_NOSIGNAL |
		         MSG_DONTWAIT);
		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		log_debug("%s: send: %s", c->peer, strerror(errno));
		buf_free(&c->out);
		if (c->state != TCP_CONN_DEAD) {
			c->state = TCP_CONN_DEAD;
			c->why = ROOM_LEAVE_CLOSED;
		}
		return -1;
	}
	return 1;
}

/* ---------------------------------------------------------------------------
 * Input: bytes to lines to the room.
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

void
tcp_conn_feed(struct tcp_conn *c, struct room *room, const char *data,
              size_t len)
{
	enum msg_frame f;
	const char *line;
	size_t line_len;

	if (c->state == TCP_CONN_DRAINING)
		return;
	while ((f = msg_framer_next(&c->framer, &data, &len, &line,
	                            &line_len)) != MSG_FRAME_MORE)
		deliver(c, room, f, line, line_len);

	/* The silence rule (DESIGN.md): a client that has never sent a
	 * newline ends each message by pausing. */
	c->silence_at = msg_framer_pending(&c->framer)
	                    ? clock_ms() + MSG_SILENCE_MS : 0;
	if (c->member != NULL && room_member_named(c->member))
		c->nick_by = 0;
	rearm(c);
}

void
tcp_conn_deadline(struct tcp_conn *c, struct room *room)
{
	uint64_t now = clock_ms();
	const char *line;
	size_t len;
	char notice[128];
	int n;

	if (c->drain_by != 0 && c->drain_by <= now) {
		c->drain_by = 0;
		c->state = TCP_CONN_DEAD;    /* the peer never sent its FIN */
	}
	if (c->silence_at != 0 && c->silence_at <= now) {
		c->silence_at = 0;
		if (msg_framer_flush(&c->framer, &line, &len))
			deliver(c, room, MSG_FRAME_LINE, line, len);
		msg_framer_trim(&c->framer);    /* idle now: hold no buffer */
	}
	if (c->member != NULL && room_member_named(c->member))
		c->nick_by = 0;
	if (c->nick_by != 0 && c->nick_by <= now) {
		/* Slowloris and forgotten terminals: a place in the room is
		 * for clients that talk. Tell it why, then close. */
		c->nick_by = 0;
		if (c->state == TCP_CONN_OPEN) {
			log_info(TR("%s: no nickname in %u s, disconnected",
			            "%s: sin apodo en %u s, desconectado"),
			         c->peer, c->nick_timeout);
			n = snprintf(notice, sizeof(notice),
			             catalog_text(CAT_NICK_TIMEOUT), c->nick_timeout);
			if (n > 0 && (size_t)n < sizeof(notice))
				buf_append(&c->out, notice, (size_t)n, SIZE_MAX);
			c->state = TCP_CONN_DEAD;
			c->why = ROOM_LEAVE_TIMEOUT;
		}
	}
	rearm(c);
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
	c->nick_by = 0;
	c->drain_by = clock_ms() + TCP_DRAIN_MS;
	rearm(c);
}
