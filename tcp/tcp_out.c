/*
 * tcp_out.c — writing for one TCP client: its queue of references to the
 * room's shared chunks, the rule for a receiver that reads nothing, the
 * drop and the last notice (tcp_conn.h). Both server models use it.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "tcp_conn.h"

/* ---------------------------------------------------------------------------
 * Output: a queue per client of references to the room's shared chunks.
 * A receiver never makes anyone else wait: near the memory budget the
 * senders are held back instead (tcp_conn_reading), and a receiver that
 * reads nothing at all is dropped after its time.
 * ------------------------------------------------------------------------ */

/* Bytes the kernel still holds for the peer (sent or not, unacknowledged),
 * or -1 when it cannot say. */
static long
unsent(const struct tcp_conn *c)
{
	int n;

	return ioctl(c->fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

/*
 * The rule for a receiver that does not read, the one place it is decided,
 * after every write attempt: while its queue waits, the clock runs from the
 * last byte its socket took (progress restarts it); an empty queue stops
 * it, and so does a connection on its way out with a clock of its own
 * (drain_by). Only a socket that takes nothing for soft_ms ends in a drop
 * (tcp_conn_deadline).
 */
static void
watch_stuck(struct tcp_conn *c, bool progress)
{
	if (outq_empty(&c->out) || c->drain_by != 0) { /* or timed already */
		c->soft_by = 0;
	} else if (progress || c->soft_by == 0) {
		c->soft_by = clock_ms() + c->soft_ms;
		c->unsent = unsent(c);
	} else {
		return;
	}
	tcp_conn_rearm(c);
}

/*
 * The clock ran out (now >= soft_by): whether the socket really took
 * nothing. The kernel's queue may have shrunk (the peer read) without the
 * socket being reported writable yet (it waits for a third of its buffer
 * to be free): then the clock starts again from now.
 */
bool
tcp_conn_stuck(struct tcp_conn *c, uint64_t now)
{
	long left = unsent(c);

	if (left >= 0 && left < c->unsent) {
		c->unsent = left;
		c->soft_by = now + c->soft_ms;
		return false;
	}
	return true;
}

int
tcp_conn_queue(struct tcp_conn *c, const char *line, size_t len)
{
	if (c->state == TCP_CONN_DEAD || c->state == TCP_CONN_DRAINING)
		return -1;
	if (outq_push_copy(&c->out, c->writer, line, len, c->out_hard) < 0) {
		tcp_conn_drop(c, TCP_DROP_CAP);
		return -1;
	}
	return 0;
}

void
tcp_conn_drop(struct tcp_conn *c, enum tcp_drop why)
{
	const char *who = c->member && room_member_nick(c->member)
	                      ? room_member_nick(c->member) : c->peer;

	if (why == TCP_DROP_STUCK)
		log_info(TR("%s: read nothing for %u s (%zu KiB waiting), "
		            "disconnected",
		            "%s: no leyó nada en %u s (%zu KiB esperando), "
		            "desconectado"), who, c->soft_ms / 1000,
		         c->out.len / 1024);
	else
		log_info(TR("%s: over %zu KiB unread, disconnected",
		            "%s: más de %zu KiB sin leer, desconectado"),
		         who, c->out_hard / 1024);
	c->soft_by = 0;
	tcp_conn_rearm(c);
	c->state = TCP_CONN_DEAD;
	c->why = ROOM_LEAVE_DROPPED;
	c->drop = why;
}

/* Replace the queue of a dropped c by the end of its cut line and the
 * notice that says why. Returns false when nothing could be queued. */
static bool
farewell(struct tcp_conn *c)
{
	char notice[MSG_LINE_MAX];      /* any catalogue line fits */
	size_t waiting = c->out.len / 1024;
	size_t *mem = c->writer != NULL ? &c->writer->mem : NULL;
	int n;

	n = c->drop == TCP_DROP_STUCK
	    ? snprintf(notice, sizeof(notice), catalog_text(CAT_OVERFLOW_SLOW),
	               waiting, c->soft_ms / 1000)
	    : snprintf(notice, sizeof(notice), catalog_text(CAT_OVERFLOW),
	               c->out_hard / 1024);
	if (n < 0 || (size_t)n >= sizeof(notice)) {
		log_error(TR("%s: notice too long", "%s: aviso demasiado largo"),
		          c->peer);
		n = 0;
	}
	if (outq_keep_cut_line(&c->out, mem) < 0 ||
	    outq_push_copy(&c->out, NULL, notice, (size_t)n, SIZE_MAX) < 0) {
		log_error("%s: %s", c->peer, strerror(ENOMEM));
		outq_clear(&c->out);
	}
	return !outq_empty(&c->out);
}

size_t
tcp_conn_iov(const struct tcp_conn *c, struct iovec *iov, size_t *want)
{
	size_t i, k = outq_iov(&c->out, iov, TCP_IOV);

	for (*want = 0, i = 0; i < k; i++)
		*want += iov[i].iov_len;
	return k;
}

int
tcp_conn_sent(struct tcp_conn *c, ssize_t n, int err, size_t want)
{
	if (n > 0)
		outq_consume(&c->out, (size_t)n);
	else if (n == 0)
		err = EPIPE;
	if (n < 0 && err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
		log_debug("%s: send: %s", c->peer, strerror(err));
		outq_clear(&c->out);
		c->drop = TCP_DROP_NONE;
		if (c->state != TCP_CONN_DEAD) {
			c->state = TCP_CONN_DEAD;
			c->why = ROOM_LEAVE_CLOSED;
		}
		return -1;
	}
	watch_stuck(c, n > 0);
	/* The kernel took less (or nothing): the socket is full, and asking
	 * again would only hear EAGAIN. */
	c->blocked = (n < 0 && err != EINTR) || (n >= 0 && (size_t)n < want);
	return c->blocked ? 0 : 1;
}

int
tcp_conn_flush(struct tcp_conn *c)
{
	struct iovec iov[TCP_IOV];
	struct msghdr mh = { .msg_iov = iov };
	size_t want;
	ssize_t n;
	int r = 1;

	while (!outq_empty(&c->out)) {
		mh.msg_iovlen = tcp_conn_iov(c, iov, &want);
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if ((r = tcp_conn_sent(c, n, errno, want)) != 1)
			return r;
	}
	c->blocked = false;
	return r;
}

bool
tcp_conn_retire(struct tcp_conn *c)
{
	bool told;

	c->member = NULL;
	told = c->drop != TCP_DROP_NONE && c->state == TCP_CONN_DEAD &&
	       farewell(c);
	c->drop = TCP_DROP_NONE;
	if (!told)
		return false;
	c->state = TCP_CONN_CLOSING;
	c->silence_at = c->resume_at = c->soft_by = 0;
	buf_free(&c->in);
	c->drain_by = clock_ms() + TCP_FAREWELL_MS;    /* read it by then */
	tcp_conn_rearm(c);
	return true;
}
