/*
 * bench_load.c — the measured run: N clients join, S of them send M
 * messages each (as fast as the server takes them, or at --rate per
 * sender), and every client counts what reaches it. Ends when every
 * expected message has arrived, or when nothing has moved for a while (a
 * server that stalls or drops) and the server has acknowledged none of the
 * bytes our senders' sockets still hold for as long, or at --timeout.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define LOAD_BATCH      64        /* messages built per write */
#define LOAD_ROUNDS     4         /* batches per sender per turn (fairness) */
/* Microseconds without news after which the run is over. Over TCP nothing
 * is lost while a connection lives, so the wait is long: a segment the
 * network dropped is sent again after a timeout that doubles each time
 * (0.2, 0.4, 0.8, 1.6, 3.2 s... from a start that a busy machine's
 * delays raise to a second or more), and a server that holds its room back
 * while a stuck reader's queue is full (the seed server does) may move
 * again. While a sender's socket still holds bytes the server has not
 * acknowledged (SIOCOUTQ), the run waits on, news or not, as long as the
 * server acknowledges some within that time (a server that takes nothing
 * for that long is stuck), up to --timeout.
 * What is missing then between live connections is "not delivered in
 * time", never "lost". */
#define LOAD_LINGER_TCP 30000000
#define LOAD_LINGER_UDP 1000000
#define LOAD_DRAIN_MAX  (64 << 20) /* bytes read from a stalled client */
#define LOAD_STALL_WAIT_MS 3000    /* ...until the server closes it */
#define LOAD_HANGUP_MS  2000       /* for the server to close after us */

/* The engine first, so a write callback can find the rest. */
struct load {
	struct bench_engine E;
	uint64_t            start_us, moved_us;
	uint64_t            acked_us;    /* TCP: the server last took bytes */
	size_t              held;        /* ...and what our sockets held then */
	double              interval_us; /* --rate: between two messages */
	size_t              senders_done;
	char               *scratch;     /* LOAD_BATCH messages */
	struct mmsghdr      mm[LOAD_BATCH];
	struct iovec        iov[LOAD_BATCH];
};

/* ---------------------------------------------------------------------------
 * Building and sending messages
 * ------------------------------------------------------------------------ */

/* Build c's next n messages (with newlines) in L->scratch; their length. */
static size_t
build(struct load *L, struct bconn *c, size_t n)
{
	size_t size = L->E.o->size, i;
	struct bench_token t = { c->id, 0, clock_us() };
	char *p = L->scratch;

	for (i = 0; i < n; i++) {
		t.seq = c->sent++;
		bench_token_encode(&t, size, p);
		p[size] = '\n';
		p += size + 1;
	}
	L->E.res->sent += n;
	L->moved_us = t.sent_us;
	return (size_t)(p - L->scratch);
}

static void
sender_done(struct load *L, struct bconn *c)
{
	bench_engine_want_write(&L->E, c, false);
	L->senders_done++;
	c->sent = UINT32_MAX;   /* never again */
}

/* UDP: up to n messages of c, one datagram each, in one sendmmsg(). The
 * messages the kernel did not take are taken back. Returns how many went. */
static size_t
send_dgrams(struct load *L, struct bconn *c, size_t n)
{
	size_t size = L->E.o->size, i;
	int r;

	build(L, c, n);
	for (i = 0; i < n; i++) {
		L->iov[i].iov_base = L->scratch + i * (size + 1);
		L->iov[i].iov_len = size + 1;
		memset(&L->mm[i].msg_hdr, 0, sizeof(L->mm[i].msg_hdr));
		L->mm[i].msg_hdr.msg_iov = &L->iov[i];
		L->mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = sendmmsg(c->fd, L->mm, (unsigned)n, MSG_DONTWAIT);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			L->E.res->send_errors++;
		r = 0;
	}
	c->sent -= (uint32_t)(n - (size_t)r);
	L->E.res->sent -= n - (size_t)r;
	return (size_t)r;
}

/* Send up to n more messages of c now; false when c can take no more. */
static bool
send_some(struct load *L, struct bconn *c, size_t n)
{
	size_t len;

	if (L->E.o->udp)
		return send_dgrams(L, c, n) == n;
	len = build(L, c, n);
	if (bench_engine_send(&L->E, c, L->scratch, len) < 0)
		return false;
	return c->out.len == 0;
}

/* Writable sender in a blast: send until the kernel pushes back. */
static void
blast(struct bench_engine *E, struct bconn *c)
{
	struct load *L = (struct load *)E;
	uint32_t m = E->o->messages;
	int round;

	if (c->sent == UINT32_MAX)
		return;
	if (!E->o->udp && bench_engine_flush(E, c) != 1) {
		if (c->fd < 0)
			sender_done(L, c);
		return;
	}
	for (round = 0; round < LOAD_ROUNDS && c->sent < m; round++)
		if (!send_some(L, c, m - c->sent < LOAD_BATCH ? m - c->sent
		                                               : LOAD_BATCH))
			break;
	if (c->fd < 0 || (c->sent == m && c->out.len == 0))
		sender_done(L, c);
	else
		bench_engine_want_write(E, c, true);
}

/* --rate: send what is due by now. Returns ms until the next is due. */
static int
pace(struct load *L)
{
	const struct bench_opts *o = L->E.o;
	uint64_t now = clock_us(), due, next = UINT64_MAX, at;
	double elapsed;
	struct bconn *c;
	size_t i;

	for (i = 0; i < o->senders; i++) {
		c = &L->E.c[i];
		if (c->sent == UINT32_MAX)
			continue;
		if (c->fd < 0 || (c->sent >= o->messages && c->out.len == 0)) {
			sender_done(L, c);
			continue;
		}
		/* Senders are spread evenly over one interval. */
		elapsed = (double)(now - L->start_us) -
		          L->interval_us * (double)i / (double)o->senders;
		due = elapsed < 0 ? 0 : (uint64_t)(elapsed / L->interval_us) + 1;
		if (due > o->messages)
			due = o->messages;
		while (c->sent < due && c->fd >= 0)
			if (!send_some(L, c, due - c->sent < LOAD_BATCH
			                         ? due - c->sent : LOAD_BATCH))
				break;
		if (c->out.len > 0)
			bench_engine_want_write(&L->E, c, true);
		at = L->start_us + (uint64_t)(L->interval_us *
		     ((double)c->sent + (double)i / (double)o->senders));
		if (c->sent < o->messages && at < next)
			next = at;
	}
	if (next == UINT64_MAX)
		return 10;
	return next <= now ? 0 : (int)((next - now + 999) / 1000);
}

/* Writable sender at --rate: only what is queued is written here. */
static void
drain_out(struct bench_engine *E, struct bconn *c)
{
	if (bench_engine_flush(E, c) == 1)
		bench_engine_want_write(E, c, false);
}

/* ---------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------ */

/* Up to 30 s to join (more for a crowd), never past --timeout: a server
 * with a short listen backlog (the seed's is 5) admits a crowd over several
 * SYN-ACK retransmissions. */
static uint64_t
join_us(const struct bench_opts *o)
{
	uint64_t us = 30000000 + o->clients * 1000;

	return o->timeout * 1e6 < (double)us ? (uint64_t)(o->timeout * 1e6) : us;
}

/* After the run: did the server close each stalled client (and say why)?
 * Its queue is read until the server's FIN, for up to LOAD_STALL_WAIT_MS
 * (a dropped client is given time to read the reason before the close). */
static void
check_stalled(struct load *L)
{
	struct bench_engine *E = &L->E;
	uint64_t until = clock_us() + LOAD_STALL_WAIT_MS * 1000ull;
	struct pollfd p;
	size_t i, total;
	ssize_t n;

	for (i = E->n - E->o->stall; i < E->n; i++) {
		if (E->c[i].fd < 0)
			continue;
		p = (struct pollfd){ .fd = E->c[i].fd, .events = POLLIN };
		for (total = 0; total < LOAD_DRAIN_MAX; total += (size_t)n) {
			n = recv(E->c[i].fd, E->rbuf, E->rbuf_len, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				E->res->stall_dropped++;
				break;
			}
			if (n > 0)
				continue;
			n = 0;
			if (clock_us() >= until ||
			    poll(&p, 1, (int)((until - clock_us()) / 1000)) <= 0)
				break;
		}
	}
}

/* TCP: do live senders still hold bytes the server has not taken (queued
 * here) or not acknowledged (in their sockets' send queues: SIOCOUTQ), and
 * has the server acknowledged some within linger? A server that takes
 * nothing more for that long is stuck: the wait ends. */
static bool
in_flight(struct load *L, uint64_t now, uint64_t linger)
{
	const struct bconn *c;
	size_t i, held = 0;
	int unacked;

	if (L->E.o->udp)
		return false;
	for (i = 0; i < L->E.o->senders; i++) {
		c = &L->E.c[i];
		if (c->fd < 0)
			continue;
		held += c->out.len;
		if (ioctl(c->fd, SIOCOUTQ, &unacked) == 0 && unacked > 0)
			held += (size_t)unacked;
	}
	if (held < L->held)
		L->acked_us = now;      /* the server took some */
	L->held = held;
	return held > 0 && now - L->acked_us <= linger;
}

static void
chat(struct load *L)
{
	const struct bench_opts *o = L->E.o;
	struct bench_result *res = L->E.res;
	uint64_t until, linger, now, expected;
	bench_write_fn fn = o->rate > 0 ? drain_out : blast;
	int wait;
	size_t i;

	linger = o->udp ? LOAD_LINGER_UDP : LOAD_LINGER_TCP;
	res->linger_s = (double)linger / 1e6;
	expected = bench_stats_expected(&res->stats);
	L->E.phase = BENCH_CHAT;
	for (i = 0; i < L->E.n; i++)
		L->E.c[i].carry_len = 0;        /* nicknames are over */
	L->start_us = L->moved_us = L->E.progress_us = L->acked_us = clock_us();
	L->held = SIZE_MAX;
	until = L->start_us + (uint64_t)(o->timeout * 1e6);
	for (i = 0; i < o->senders; i++) {
		L->E.c[i].sent = 0;
		if (o->rate <= 0)
			bench_engine_want_write(&L->E, &L->E.c[i], true);
	}
	for (;;) {
		wait = o->rate > 0 ? pace(L) : 10;
		bench_engine_turn(&L->E, wait > 10 ? 10 : wait, fn);
		now = clock_us();
		if (now > until) {
			res->timed_out = true;
			break;
		}
		if (L->senders_done == o->senders &&
		    res->stats.delivered >= expected)
			break;
		if (res->closed >= res->connected)
			break;          /* every connection ended: nothing comes */
		/* Nothing sent and nothing received for a while, and nothing
		 * of ours unacknowledged: whatever has not arrived is not
		 * coming soon (or the server is stuck). */
		if (now - L->moved_us > linger &&
		    now - L->E.progress_us > linger && !in_flight(L, now, linger))
			break;
	}
	res->chat_s = (double)((res->stats.last_us > L->start_us
	                            ? res->stats.last_us : now) - L->start_us) / 1e6;
}

int
bench_load(const struct bench_opts *o, struct bench_result *res, char *err,
           size_t errlen)
{
	struct load *L;
	double cpu0, srv0;
	uint64_t t0;
	int status = -1;
	size_t i;

	if ((L = calloc(1, sizeof(*L))) == NULL ||
	    (L->scratch = malloc(LOAD_BATCH * (o->size + 1))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (bench_stats_init(&res->stats, o->clients, o->senders, o->messages,
	                     err, errlen) < 0 ||
	    bench_engine_init(&L->E, o, res, o->clients, err, errlen) < 0)
		goto out;
	res->stats.stream = !o->udp;
	L->interval_us = o->rate > 0 ? 1e6 / o->rate : 0;
	t0 = clock_us();
	if (bench_engine_connect(&L->E, true, t0 + (uint64_t)(o->timeout * 1e6))
	    < 0 || res->connected == 0) {
		snprintf(err, errlen, "%zu of %zu clients connected to %s:%d",
		         res->connected, o->clients, o->host, o->port);
		goto out;
	}
	bench_engine_join(&L->E, clock_us() + join_us(o));
	for (i = o->clients - o->stall; i < o->clients; i++) {
		bench_engine_stall(&L->E, &L->E.c[i]);
		bench_stats_ignore(&res->stats, i);
	}

	cpu0 = bench_self_cpu_s();
	srv0 = bench_proc_cpu_s(o->server_pid);
	chat(L);
	res->cpu_s = bench_self_cpu_s() - cpu0;
	res->wall_s = (double)(clock_us() - L->start_us) / 1e6;
	res->server_cpu_s = srv0 < 0 ? -1 : bench_proc_cpu_s(o->server_pid) - srv0;
	res->rss_kib = bench_proc_rss_kib(o->server_pid);
	res->server_threads = bench_proc_threads(o->server_pid);
	check_stalled(L);
	bench_engine_hangup(&L->E, clock_us() + LOAD_HANGUP_MS * 1000ull);
	status = 0;
out:
	if (L != NULL) {
		bench_engine_free(&L->E);
		free(L->scratch);
	}
	free(L);
	return status;
}
