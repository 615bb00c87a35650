/*
 * check_run.c — the run: the chosen tests in order, each with its own
 * budget, a look before and after each at whether the server still
 * answers, and the verdicts that follow. A server that dies fails the test
 * that killed it and the LIVE test; with --run it is started again, so
 * every later test still runs; without, the tests it did not live to run
 * count as failed. A server that relays nothing by the profile's first
 * relay test is not a chat server: the run stops there.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#include "check.h"
#include "check_report.h"
#include "check_server.h"

#define RUN_START_MS 10000      /* for a restarted server to listen */
#define RUN_DYING_MS 2000       /* for a server that stopped listening to end */
#define RUN_SETTLE_MS 120       /* for a process that dies to close its port */

static const char *
first_connection(void)
{
	return TR("chatcheck's first connection (opened and closed before any "
	          "test)", "la primera conexión de chatcheck (abierta y cerrada "
	          "antes de toda prueba)");
}

/* ---------------------------------------------------------------------------
 * When the server is gone
 * ------------------------------------------------------------------------ */

/* Point ctx at the server's new port (127.0.0.1 under --run). */
static int
retarget(struct check_ctx *ctx, int port)
{
	struct addrinfo hints = { 0 }, *ai;
	char p[16];

	hints.ai_socktype = ctx->udp ? SOCK_DGRAM : SOCK_STREAM;
	snprintf(p, sizeof(p), "%d", port);
	if (getaddrinfo(ctx->host, p, &hints, &ai) != 0)
		return -1;
	memcpy(&ctx->addr, ai->ai_addr, ai->ai_addrlen);
	ctx->addrlen = ai->ai_addrlen;
	ctx->port = port;
	freeaddrinfo(ai);
	return 0;
}

/* What the server did, into d->note; start it again under --run. */
static void
lost(struct check_run *run, struct check_ctx *ctx, struct check_done *d,
     const char *during)
{
	char how[96], tail[600], err[512];
	struct check_server *s = ctx->srv;

	ctx->crashes++;
	run->crashes = ctx->crashes;
	if (run->lost_during == NULL)
		run->lost_during = during;
	if (s == NULL) {
		snprintf(how, sizeof(how), "%s", ctx->udp ? TR("ICMP port "
		         "unreachable", "ICMP puerto inalcanzable") :
		         TR("connection refused", "conexión rechazada"));
		snprintf(d->note, sizeof(d->note), TR("the server stopped "
		         "answering during %s: %s from then on", "el servidor dejó "
		         "de responder durante %s: %s desde entonces"), during, how);
		snprintf(run->why, sizeof(run->why), TR("could not run: the "
		         "server stopped answering during %s", "no se pudo ejecutar: "
		         "el servidor dejó de responder durante %s"), during);
		run->stopped = run->why;
	} else {
		server_wait(s, RUN_DYING_MS);   /* a traceback, then the exit */
		server_stop(s);         /* its last output is all in */
		server_how(s, how, sizeof(how));
		server_tail(s, 4, tail, sizeof(tail));
		snprintf(d->note, sizeof(d->note), TR("the server ended during %s "
		         "(%s); its last output:\n%s", "el servidor terminó durante "
		         "%s (%s); su última salida:\n%s"), during, how,
		         tail[0] ? tail : "-");
		if (server_start(s, RUN_START_MS, err, sizeof(err)) < 0 ||
		    retarget(ctx, s->port) < 0)
			run->stopped = TR("the server could not be started again",
			                  "no se pudo arrancar el servidor otra vez");
	}
	if (ctx->lost_how[0] == '\0')
		snprintf(ctx->lost_how, sizeof(ctx->lost_how), "%.*s",
		         (int)sizeof(ctx->lost_how) - 1, d->note);
}

/* The previous test that ran, or chatcheck's first connection. */
static const char *
before(const struct check_run *run)
{
	return run->n > 0 ? run->done[run->n - 1].t->id : first_connection();
}

static void
not_run(struct check_done *d, const char *why)
{
	d->out.result = CHECK_NORUN;
	snprintf(d->out.got, sizeof(d->out.got), "%s", why);
}

/* ---------------------------------------------------------------------------
 * One test
 * ------------------------------------------------------------------------ */

/* Whether the server still answers once what the test did last (close
 * its connections, mostly) has had time to kill it: the crash is then
 * the test's, not the next one's. */
static bool
settled_reachable(struct check_ctx *ctx)
{
	check_pause(ctx, RUN_SETTLE_MS);
	return check_reachable(ctx, 2000);
}

static void
run_one(struct check_run *run, struct check_ctx *ctx, struct check_done *d)
{
	uint64_t t0 = clock_us();
	bool live = d->t->flags & CHECK_LIVE;

	memset(&d->out, 0, sizeof(d->out));
	if (run->stopped != NULL && !(live && run->lost_during != NULL)) {
		not_run(d, run->stopped);
		return;
	}
	/* After the first test, the look after the previous one is this one's
	 * look before: nothing happens in between. */
	if (!live && run->n == 0 && !check_reachable(ctx, 2000)) {
		lost(run, ctx, d, before(run));
		if (run->stopped != NULL) {
			not_run(d, run->stopped);
			return;
		}
	}
	ctx->seeded = false;
	ctx->until = t0 + (uint64_t)d->t->timeout_ms * 1000;
	d->t->run(ctx, &d->out);
	ctx->until = 0;
	d->seeded = ctx->seeded;
	d->seconds = (double)(clock_us() - t0) / 1e6;
	if (!live && !settled_reachable(ctx)) {
		if (d->out.result == CHECK_PASS)
			check_fail(&d->out, d->t->id, strlen(d->t->id), TR(
			           "the server still answering after the test",
			           "el servidor respondiendo tras la prueba"), TR(
			           "it stopped answering", "dejó de responder"), 17);
		lost(run, ctx, d, d->t->id);
	}
	if (d->out.result == CHECK_PASS)
		d->points = d->max;
}

/* No client saw another's nickname by the first relay test: stop. */
static void
gate(struct check_run *run, struct check_ctx *ctx, const struct check_done *d,
     double seconds)
{
	static char why[CHECK_TEXT * 2];
	struct check_out o;

	if (!(d->t->flags & CHECK_GATE) || ctx->relayed || run->stopped != NULL)
		return;
	check_fail(&o, NULL, 0, "", ctx->rx_first, strlen(ctx->rx_first));
	snprintf(why, sizeof(why), TR("not a chat server: in %.0f s, up to %s, "
	         "no client saw another client's nickname or message (the "
	         "server sent %zu bytes in all%s%s)", "no es un servidor de "
	         "chat: en %.0f s, hasta %s, ningún cliente vio el apodo ni el "
	         "mensaje de otro (el servidor envió %zu bytes en total%s%s)"),
	         seconds, d->t->id, ctx->rx, ctx->rx ? TR(", first: ",
	         ", primero: ") : "", ctx->rx ? o.got : "");
	run->stopped = why;
	run->not_chat = true;
}

/* The order of the run: each profile's own tests, then the ones it shares
 * with the other profile, then the verdict on survival. */
static int
rank(const struct check_ctx *ctx, const struct check_test *t)
{
	if (t->flags & CHECK_LIVE)
		return 2;
	return ctx->tp42 && (t->profiles & CHECK_REDCHAT) ? 1 : 0;
}

/* What happened, said first: into run->opening. */
static void
opening(struct check_run *run)
{
	struct check_sum s;

	report_sum(run, &s);
	run->opening[0] = '\0';
	if (run->stopped != NULL && run->lost_during == NULL)
		snprintf(run->opening, sizeof(run->opening), TR("%s; %zu tests "
		         "could not run", "%s; %zu pruebas no se pudieron ejecutar"),
		         run->stopped, s.norun);
	else if (run->lost_during != NULL && run->cmd == NULL)
		snprintf(run->opening, sizeof(run->opening), TR("the server stopped "
		         "answering during %s: %s from then on; %zu tests could not "
		         "run", "el servidor dejó de responder durante %s: %s desde "
		         "entonces; %zu pruebas no se pudieron ejecutar"),
		         run->lost_during, run->udp ? TR("ICMP port unreachable",
		         "ICMP puerto inalcanzable") : TR("connection refused",
		         "conexión rechazada"), s.norun);
	else if (run->lost_during != NULL)
		snprintf(run->opening, sizeof(run->opening), TR("the server ended "
		         "%u time(s), first during %s; chatcheck started it again "
		         "each time, %zu tests could not run", "el servidor terminó "
		         "%u vez/veces, la primera durante %s; chatcheck lo arrancó "
		         "de nuevo cada vez, %zu pruebas no se pudieron ejecutar"),
		         run->crashes, run->lost_during, s.norun);
}

int
check_run_all(struct check_run *run, struct check_ctx *ctx,
              const struct rubric *rb, bool (*chosen)(const void *,
              const struct check_test *), const void *arg, double time_limit)
{
	const struct check_test *t;
	struct check_done *d;
	struct check_sum s;
	uint64_t t0 = run->started ? run->started : clock_us();
	size_t i, n;
	int r;

	t = check_tests(&n);
	if ((run->done = calloc(n, sizeof(*run->done))) == NULL)
		return 1;
	report_head(run);
	for (r = 0; r < 3; r++)
		for (i = 0; i < n; i++) {
			if (!chosen(arg, &t[i]) || rank(ctx, &t[i]) != r)
				continue;
			d = &run->done[run->n];
			d->t = &t[i];
			d->max = rubric_points(rb, &t[i]);
			if (time_limit > 0 && run->stopped == NULL &&
			    (double)(clock_us() - t0) / 1e6 > time_limit)
				run->stopped = TR("could not run: the run's time limit "
				                  "(--timeout) was reached", "no se pudo "
				                  "ejecutar: se alcanzó el límite de tiempo "
				                  "(--timeout)");
			run_one(run, ctx, d);
			run->seeded |= d->seeded;
			run->n++;
			report_test(run, d);
			gate(run, ctx, d, (double)(clock_us() - t0) / 1e6);
		}
	run->seconds = (double)(clock_us() - t0) / 1e6;
	opening(run);
	report_sum(run, &s);
	return s.must_failed > 0 ? 1 : 0;
}
