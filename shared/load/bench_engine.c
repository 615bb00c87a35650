/*
 * bench_engine.c — chatbench's clients and the epoll loop that drives them:
 * setting them up, non-blocking connects a window at a time, nicknames and
 * their confirmation. Reading (with tokens split across reads carried over)
 * and writing are in bench_io.c. What to send and when is the phases'
 * business (bench_load.c here; chatbench's bench_idle.c and bench_bots.c).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bench.h"
#include "bench_io.h"

#define ENGINE_WINDOW   256     /* connects in flight at once */
#define ENGINE_UDP_RCVBUF (1 << 20) /* per UDP client, while it fills */
#define ENGINE_STALL_RCVBUF 4096    /* a --stall client's receive buffer */
/* Joining: no news for this long ends the wait for confirmations. The
 * seed 003 UDP server confirms nothing; its TCP server announces a join
 * only to those already accepted, so one nickname (the first) may go
 * unseen, and with its backlog of 5 it accepts a crowd over seconds. */
#define ENGINE_QUIET_UDP 300000
#define ENGINE_QUIET_TCP 1000000

/* ---------------------------------------------------------------------------
 * Setting up
 * ------------------------------------------------------------------------ */

static int
resolve(struct bench_engine *E, char *err, size_t errlen)
{
	struct addrinfo hints = { 0 }, *ai;
	char port[16];
	int r;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = E->o->udp ? SOCK_DGRAM : SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", E->o->port);
	if ((r = getaddrinfo(E->o->host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", E->o->host, gai_strerror(r));
		return -1;
	}
	memcpy(&E->addr, ai->ai_addr, ai->ai_addrlen);
	E->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

int
bench_engine_init(struct bench_engine *E, const struct bench_opts *o,
                  struct bench_result *res, size_t n, char *err,
                  size_t errlen)
{
	static unsigned runs;   /* several runs in one process: new nicknames */
	size_t i;

	memset(E, 0, sizeof(*E));
	E->o = o;
	E->res = res;
	E->n = n;
	E->ep = -1;
	E->run_id = ((unsigned)getpid() + 0x100 * runs++) & 0xffff;
	snprintf(E->prefix, sizeof(E->prefix), "b%04x", E->run_id);
	E->rbuf_len = o->udp ? ENGINE_DGRAMS * ENGINE_DGRAM
	                     : ENGINE_READ + o->size + 64;
	if (resolve(E, err, errlen) < 0)
		return -1;
	bench_raise_nofile(n + 64);
	E->c = calloc(n ? n : 1, sizeof(*E->c));
	E->rbuf = malloc(E->rbuf_len);
	if (E->c == NULL || E->rbuf == NULL ||
	    (E->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		bench_engine_free(E);
		return -1;
	}
	for (i = 0; i < n; i++) {
		E->c[i].fd = -1;
		E->c[i].id = (uint32_t)i;
	}
	return 0;
}

void
bench_engine_free(struct bench_engine *E)
{
	size_t i;

	for (i = 0; E->c != NULL && i < E->n; i++) {
		if (E->c[i].fd >= 0)
			close(E->c[i].fd);
		free(E->c[i].carry);
		buf_free(&E->c[i].out);
	}
	free(E->c);
	free(E->rbuf);
	if (E->ep >= 0)
		close(E->ep);
	E->c = NULL;
	E->rbuf = NULL;
	E->ep = -1;
}

void
bench_nick(const struct bench_engine *E, size_t id, char *out)
{
	snprintf(out, BENCH_NICK_LEN + 1, "b%04x%05u", E->run_id & 0xffff,
	         (unsigned)(id % 100000));
}

/* ---------------------------------------------------------------------------
 * Connecting
 * ------------------------------------------------------------------------ */

/* The connection is up: read from now on, and say who we are. */
static void
conn_up(struct bench_engine *E, struct bconn *c, bool nick, int op)
{
	char name[BENCH_NICK_LEN + 2];
	int one = 1, rcvbuf = ENGINE_UDP_RCVBUF;

	c->up = true;
	E->res->connected++;
	if (!E->o->udp)  /* chat lines are small and timed: no Nagle delay */
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	else             /* a burst must not be lost here, in the measurer */
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	bench_io_events(E, c, op, EPOLLIN);
	if (!nick)
		return;
	bench_nick(E, c->id, name);
	if (!E->o->udp)                 /* UDP: the datagram is the message */
		strcat(name, "\n");
	bench_engine_send(E, c, name, strlen(name));
}

static void
open_next(struct bench_engine *E, bool nick)
{
	struct bconn *c = &E->c[E->opened++];
	int type = E->o->udp ? SOCK_DGRAM : SOCK_STREAM;
	int stall_rcvbuf = ENGINE_STALL_RCVBUF;

	c->fd = socket(E->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		E->res->failed++;
		return;
	}
	/* A client that will stall gets a small receive buffer (set before
	 * connecting, so the window is small from the start): the stall then
	 * shows within the run, not after megabytes of kernel buffering. */
	if (!E->o->udp && c->id >= E->n - E->o->stall)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &stall_rcvbuf,
		           sizeof(stall_rcvbuf));
	if (connect(c->fd, (struct sockaddr *)&E->addr, E->addrlen) == 0) {
		conn_up(E, c, nick, EPOLL_CTL_ADD);
	} else if (errno == EINPROGRESS) {
		E->pending++;
		bench_io_events(E, c, EPOLL_CTL_ADD, EPOLLOUT);
	} else {
		close(c->fd);
		c->fd = -1;
		E->res->failed++;
	}
}

/* A connect in progress finished (writable or failed). */
static void
connect_done(struct bench_engine *E, struct bconn *c, bool nick)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 ||
	    soerr != 0) {
		bench_io_closed(E, c);
		return;
	}
	E->pending--;
	conn_up(E, c, nick, EPOLL_CTL_MOD);
}

/* ---------------------------------------------------------------------------
 * The loop
 * ------------------------------------------------------------------------ */

int
bench_engine_turn(struct bench_engine *E, int timeout_ms,
                  bench_write_fn write_fn)
{
	struct epoll_event ev[ENGINE_EVENTS];
	struct bconn *c;
	int i, n;

	n = epoll_wait(E->ep, ev, ENGINE_EVENTS, timeout_ms);
	for (i = 0; i < n; i++) {
		c = ev[i].data.ptr;
		if (c->fd < 0)
			continue;
		if (!c->up) {
			connect_done(E, c, E->phase == BENCH_JOIN);
			continue;
		}
		if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR) && !c->stalled) {
			bench_io_read(E, c);
		}
		if (c->fd >= 0 && (ev[i].events & EPOLLOUT)) {
			if (write_fn != NULL)
				write_fn(E, c);
			else if (bench_engine_flush(E, c) == 1)
				bench_engine_want_write(E, c, false);
		}
	}
	return n < 0 ? 0 : n;
}

int
bench_engine_connect(struct bench_engine *E, bool nicks, uint64_t until_us)
{
	double gap = E->o->connect_rate > 0 ? 1e6 / E->o->connect_rate : 0;
	uint64_t start = clock_us(), now;

	E->phase = nicks ? BENCH_JOIN : BENCH_IDLE;
	while (E->opened < E->n || E->pending > 0) {
		/* --connect-rate: the n-th connection opens n gaps after start
		 * (a server with a short listen backlog cannot take a crowd). */
		now = clock_us();
		while (E->opened < E->n && E->pending < ENGINE_WINDOW &&
		       (gap == 0 || now >= start + (uint64_t)(gap * (double)E->opened)))
			open_next(E, nicks);
		if (now > until_us)
			return -1;
		bench_engine_turn(E, gap > 0 && E->opened < E->n ? 1 : 50, NULL);
	}
	return 0;
}

uint64_t
bench_nick_backoff(unsigned n)
{
	uint64_t t = 500000;

	while (n-- > 1 && t < 2000000)
		t *= 2;
	return t < 2000000 ? t : 2000000;
}

/* UDP: send "/nick NAME" again to every client not confirmed yet (the
 * datagram or its answer may have been lost; a server that has it already
 * answers "you are already called NAME", which confirms it too). */
static void
nicks_again(struct bench_engine *E)
{
	char msg[BENCH_NICK_LEN + 8];
	size_t i;

	for (i = 0; i < E->opened; i++)
		if (E->c[i].fd >= 0 && E->c[i].up && !E->c[i].registered) {
			memcpy(msg, "/nick ", 6);
			bench_nick(E, i, msg + 6);
			bench_engine_send(E, &E->c[i], msg, strlen(msg));
		}
}

void
bench_engine_join(struct bench_engine *E, uint64_t until_us)
{
	unsigned tries = 1;
	uint64_t now, retry_at;

	E->progress_us = clock_us();
	retry_at = E->progress_us + bench_nick_backoff(tries);
	while (E->res->registered < E->res->connected) {
		now = clock_us();
		if (now > until_us)
			break;
		/* A server that confirms nicknames (some were): retry the
		 * others. The seed 003 server confirms nothing: do not. */
		if (E->o->udp && E->res->registered > 0 && now >= retry_at &&
		    tries < BENCH_NICK_TRIES) {
			nicks_again(E);
			retry_at = now + bench_nick_backoff(++tries);
			E->progress_us = now;
		}
		if (E->o->udp && now - E->progress_us > ENGINE_QUIET_UDP &&
		    (E->res->registered == 0 || tries >= BENCH_NICK_TRIES))
			break;          /* assume the rest arrived too */
		if (!E->o->udp && E->res->registered + 1 >= E->res->connected &&
		    now - E->progress_us > ENGINE_QUIET_TCP)
			break;          /* all but one: the first, unannounced */
		bench_engine_turn(E, 20, NULL);
	}
}
