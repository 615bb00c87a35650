/*
 * check_load.c — the tests under load, measured with the load engine it
 * shares with chatbench (shared/load/bench_load.c, in libredchat.a): a
 * hundred clients at once, a client that never reads while others chat,
 * and a flood from one client while others chat. Each counts, at every
 * reader, what arrived, what was lost and how late.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

#include "check_room.h"

#define STALL_P99_MS  1000      /* the others' worst 1 % with a stuck reader */
#define FLOOD_LINE    "flood flood flood flood flood flood flood flood\n"

/* A load of clients x senders x messages; the run ends by the deadline. */
static int
load(struct check_ctx *ctx, struct bench_opts *o, struct bench_result *r,
     struct check_out *out)
{
	uint64_t now = clock_us();
	char err[256] = "";

	o->host = ctx->host;
	o->port = ctx->port;
	o->udp = ctx->udp;
	o->timeout = ctx->until > now ? (double)(ctx->until - now) / 2e6 : 1;
	*r = (struct bench_result){ .server_cpu_s = -1, .rss_kib = -1 };
	if (bench_load(o, r, err, sizeof(err)) == 0)
		return 0;
	check_fail(out, NULL, 0, TR_CONNECT, err, strlen(err));
	bench_stats_free(&r->stats);
	return -1;
}

/* What a run counted, for a report. */
static void
counted(const struct bench_opts *o, const struct bench_result *r, char *buf,
        size_t len)
{
	snprintf(buf, len, TR("%zu of %zu connected; delivered %llu of %llu, "
	         "lost %llu, not delivered in time %llu, garbled %llu; latency "
	         "p50 %.1f ms, p99 %.1f ms",
	         "%zu de %zu conectados; entregados %llu de %llu, perdidos %llu, "
	         "no entregados a tiempo %llu, dañados %llu; latencia p50 %.1f "
	         "ms, p99 %.1f ms"),
	         r->connected, o->clients,
	         (unsigned long long)r->stats.delivered,
	         (unsigned long long)bench_stats_expected(&r->stats),
	         (unsigned long long)bench_stats_lost(&r->stats),
	         (unsigned long long)bench_stats_late(&r->stats),
	         (unsigned long long)r->stats.garbled,
	         (double)bench_hist_percentile(&r->stats.latency, 50) / 1e3,
	         (double)bench_hist_percentile(&r->stats.latency, 99) / 1e3);
}

/* Pass when every client joined and every message arrived whole (and, with
 * max_p99_ms, in time); else out says what was sent and counted. */
static void
judge(const struct bench_opts *o, struct bench_result *r, unsigned max_p99_ms,
      const char *expected, struct check_out *out)
{
	char sent[CHECK_TEXT], got[CHECK_TEXT];

	counted(o, r, got, sizeof(got));
	snprintf(sent, sizeof(sent), TR("%zu clients, %zu send %u lines of %zu "
	         "bytes%s", "%zu clientes, %zu envían %u líneas de %zu bytes%s"),
	         o->clients, o->senders, o->messages, o->size,
	         o->stall ? TR(", 1 never reads", ", 1 nunca lee") : "");
	if (r->connected < o->clients || bench_stats_missing(&r->stats) > 0 ||
	    r->stats.garbled > 0 ||
	    (max_p99_ms > 0 && bench_hist_percentile(&r->stats.latency, 99) >
	                       (uint64_t)max_p99_ms * 1000))
		check_fail(out, sent, strlen(sent), expected, got, strlen(got));
	else
		snprintf(out->got, sizeof(out->got), "%s", got);
	bench_stats_free(&r->stats);
}

void
t_load_hundred(struct check_ctx *ctx, struct check_out *out)
{
	struct bench_opts o = { .clients = 100, .senders = 2, .messages = 5,
	                        .size = 64 };
	struct bench_result r;

	if (load(ctx, &o, &r, out) == 0)
		judge(&o, &r, 0, TR("all 100 in, every line to the 99 others",
		      "los 100 dentro, cada línea a los otros 99"), out);
}

void
t_udp_hundred(struct check_ctx *ctx, struct check_out *out)
{
	t_load_hundred(ctx, out);
}

void
t_load_stall(struct check_ctx *ctx, struct check_out *out)
{
	/* 6 MB for the stuck reader, within tcpchatd's default rate: more
	 * than a blocking server's kernel buffers hold on loopback. */
	struct bench_opts o = { .clients = 12, .senders = 10, .messages = 600,
	                        .size = 1000, .rate = 90, .stall = 1 };
	struct bench_result r;
	char want[96];

	snprintf(want, sizeof(want), TR("every line to the 11 readers, p99 under "
	         "%u ms", "cada línea a los 11 lectores, p99 por debajo de %u ms"),
	         STALL_P99_MS);
	if (load(ctx, &o, &r, out) == 0)
		judge(&o, &r, STALL_P99_MS, want, out);
}

/* ---------------------------------------------------------------------------
 * The flood: one more client writes lines as fast as the server takes them
 * (and reads what comes, so it is not also a stuck reader).
 * ------------------------------------------------------------------------ */

struct flood {
	struct check_ctx *ctx;
	struct probe     *p;
	atomic_bool       stop;
	unsigned long     lines;
};

static void *
flood_run(void *arg)
{
	struct flood *F = arg;
	char buf[64 * (sizeof(FLOOD_LINE) - 1)], sink[65536];
	struct pollfd pf = { .fd = F->p->fd, .events = POLLIN | POLLOUT };
	size_t i, len = sizeof(FLOOD_LINE) - 1;
	ssize_t n;

	for (i = 0; i < 64; i++)
		memcpy(buf + i * len, FLOOD_LINE, len);
	while (!atomic_load(&F->stop) && poll(&pf, 1, 20) >= 0) {
		if (pf.revents & (POLLERR | POLLHUP))
			break;
		if ((n = send(pf.fd, buf, sizeof(buf), MSG_DONTWAIT |
		              MSG_NOSIGNAL)) > 0)
			F->lines += (unsigned long)n / len;
		while (recv(pf.fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
	}
	return NULL;
}

void
t_load_flood(struct check_ctx *ctx, struct check_out *out)
{
	struct bench_opts o = { .clients = 6, .senders = 2, .messages = 100,
	                        .size = 64, .rate = 50 };
	struct flood F = { .ctx = ctx };
	struct bench_result r;
	pthread_t th;
	char nick[24];

	if ((F.p = croom_guest(ctx, out)) == NULL)
		return;
	check_nick(ctx, "flood", nick, sizeof(nick));
	probe_join(F.p, nick, true, PROBE_WAIT);
	atomic_init(&F.stop, false);
	if (pthread_create(&th, NULL, flood_run, &F) != 0) {
		croom_leave(F.p);
		return;
	}
	if (load(ctx, &o, &r, out) == 0)
		judge(&o, &r, 0, TR("every line to the 5 others, despite the "
		      "flood", "cada línea a los otros 5, pese a la avalancha"),
		      out);
	atomic_store(&F.stop, true);
	pthread_join(th, NULL);
	croom_leave(F.p);
}
