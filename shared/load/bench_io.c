/*
 * bench_io.c — the bytes of chatbench's clients: reading them (what they
 * mean depends on the phase: nicknames, tokens, or the idle phase's
 * callback), queueing and writing what a client sends, and a client's
 * descriptor in epoll and its closing. The engine (bench_engine.c) connects
 * the clients and runs the loop that calls here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "bench_io.h"

/* ---------------------------------------------------------------------------
 * A client's descriptor
 * ------------------------------------------------------------------------ */

void
bench_io_events(struct bench_engine *E, struct bconn *c, int op,
                uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	epoll_ctl(E->ep, op, c->fd, &ev);
}

void
bench_io_closed(struct bench_engine *E, struct bconn *c)
{
	if (c->fd >= 0)
		close(c->fd);           /* closing also leaves epoll */
	c->fd = -1;
	if (!c->up) {
		E->res->failed++;
		if (E->pending > 0)
			E->pending--;
		return;
	}
	c->closed = true;
	E->res->closed++;
	bench_stats_gone(&E->res->stats, c->id);  /* only now is anything lost */
}

/* ---------------------------------------------------------------------------
 * Reading: what the bytes mean depends on the phase.
 * ------------------------------------------------------------------------ */

struct scan_ctx {
	struct bench_stats *stats;
	size_t              receiver;
	uint64_t            now;
};

static void
on_token(void *arg, int ok, const struct bench_token *t)
{
	struct scan_ctx *x = arg;

	bench_stats_token(x->stats, x->receiver, ok, t, x->now);
}

/* Mark every client whose nickname appears in p[0..len); returns how many
 * bytes are done with (the tail might hold the start of a nickname). */
static size_t
scan_nicks(struct bench_engine *E, const char *p, size_t len)
{
	size_t plen = strlen(E->prefix), at = 0, id, i;
	const char *hit;

	while ((hit = memmem(p + at, len - at, E->prefix, plen)) != NULL) {
		at = (size_t)(hit - p);
		if (len - at < BENCH_NICK_LEN)
			return at;
		for (id = 0, i = plen; i < BENCH_NICK_LEN; i++) {
			if (hit[i] < '0' || hit[i] > '9')
				break;
			id = id * 10 + (size_t)(hit[i] - '0');
		}
		if (i == BENCH_NICK_LEN && id < E->n && !E->c[id].registered) {
			E->c[id].registered = true;
			E->res->registered++;
		}
		at++;
	}
	return len > BENCH_NICK_LEN ? len - BENCH_NICK_LEN : 0;
}

/* Bytes p[0..len) arrived for c: returns how many are done with. */
static size_t
consume(struct bench_engine *E, struct bconn *c, const char *p, size_t len,
        uint64_t now)
{
	struct scan_ctx x = { &E->res->stats, c->id, now };

	switch (E->phase) {
	case BENCH_JOIN:
		return scan_nicks(E, p, len);
	case BENCH_CHAT:
		return bench_token_scan(p, len, E->o->size, on_token, &x);
	case BENCH_IDLE:
		if (E->on_data != NULL)
			E->on_data(E, c, p, len);
		break;
	}
	return len;
}

static void
read_stream(struct bench_engine *E, struct bconn *c)
{
	size_t keep = c->carry_len, total, used;
	uint64_t now;
	ssize_t n;

	if (keep > 0)
		memcpy(E->rbuf, c->carry, keep);
	n = read(c->fd, E->rbuf + keep, E->rbuf_len - keep);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		bench_io_closed(E, c);
		return;
	}
	now = clock_us();
	E->progress_us = now;
	total = keep + (size_t)n;
	used = consume(E, c, E->rbuf, total, now);
	c->carry_len = (uint32_t)(total - used);
	if (c->carry_len == 0)
		return;
	if (c->carry == NULL &&
	    (c->carry = malloc(E->o->size + BENCH_NICK_LEN)) == NULL) {
		c->carry_len = 0;       /* out of memory: that token is lost */
		return;
	}
	memcpy(c->carry, E->rbuf + used, c->carry_len);
}

static void
read_dgrams(struct bench_engine *E, struct bconn *c)
{
	struct mmsghdr mm[ENGINE_DGRAMS];
	struct iovec iov[ENGINE_DGRAMS];
	uint64_t now;
	int i, n;

	for (i = 0; i < ENGINE_DGRAMS; i++) {
		iov[i].iov_base = E->rbuf + (size_t)i * ENGINE_DGRAM;
		iov[i].iov_len = ENGINE_DGRAM;
		memset(&mm[i].msg_hdr, 0, sizeof(mm[i].msg_hdr));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(c->fd, mm, ENGINE_DGRAMS, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;        /* EAGAIN, or ECONNREFUSED: nobody listens (yet) */
	now = clock_us();
	E->progress_us = now;
	for (i = 0; i < n; i++)      /* each datagram stands alone: no carry */
		consume(E, c, iov[i].iov_base, mm[i].msg_len, now);
}

void
bench_io_read(struct bench_engine *E, struct bconn *c)
{
	if (E->o->udp)
		read_dgrams(E, c);
	else
		read_stream(E, c);
}

/* ---------------------------------------------------------------------------
 * Hanging up
 * ------------------------------------------------------------------------ */

/* Read and forget what c has; true once the server has closed it. */
static bool
drained(struct bench_engine *E, struct bconn *c)
{
	ssize_t n;

	while ((n = recv(c->fd, E->rbuf, E->rbuf_len, MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (errno != EAGAIN && errno != EINTR);
}

void
bench_engine_hangup(struct bench_engine *E, uint64_t until_us)
{
	struct epoll_event ev[ENGINE_EVENTS];
	size_t i, open = 0;
	struct bconn *c;
	int k, n;

	for (i = 0; !E->o->udp && i < E->n; i++) {
		c = &E->c[i];
		if (c->fd < 0 || !c->up || c->stalled)
			continue;
		if (shutdown(c->fd, SHUT_WR) < 0) {
			close(c->fd);
			c->fd = -1;
			continue;
		}
		bench_io_events(E, c, EPOLL_CTL_MOD, EPOLLIN);
		open++;
	}
	while (open > 0 && clock_us() < until_us) {
		n = epoll_wait(E->ep, ev, ENGINE_EVENTS,
		               (int)((until_us - clock_us()) / 1000 + 1));
		for (k = 0; k < n; k++) {
			c = ev[k].data.ptr;
			if (c->fd >= 0 && drained(E, c)) {
				close(c->fd);
				c->fd = -1;
				open--;
			}
		}
	}
}

/* ---------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

void
bench_engine_want_write(struct bench_engine *E, struct bconn *c, bool on)
{
	if (c->fd < 0 || c->polling_out == on)
		return;
	c->polling_out = on;
	bench_io_events(E, c, EPOLL_CTL_MOD, (c->stalled ? 0 : EPOLLIN) |
	                                (on ? EPOLLOUT : 0));
}

void
bench_engine_stall(struct bench_engine *E, struct bconn *c)
{
	c->stalled = true;
	if (c->fd >= 0)
		bench_io_events(E, c, EPOLL_CTL_MOD, c->polling_out ? EPOLLOUT : 0);
}

int
bench_engine_flush(struct bench_engine *E, struct bconn *c)
{
	ssize_t n;

	while (!buf_empty(&c->out)) {
		n = send(c->fd, buf_head(&c->out), c->out.len,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		E->res->send_errors++;
		bench_io_closed(E, c);
		return -1;
	}
	return 1;
}

int
bench_engine_send(struct bench_engine *E, struct bconn *c, const char *p,
                  size_t len)
{
	if (c->fd < 0)
		return -1;
	if (E->o->udp) {                /* a datagram goes whole or not at all */
		if (send(c->fd, p, len, MSG_DONTWAIT) < 0)
			E->res->send_errors++;
		return 0;
	}
	if (buf_append(&c->out, p, len, SIZE_MAX) < 0)
		return -1;
	return bench_engine_flush(E, c) < 0 ? -1 : 0;
}
