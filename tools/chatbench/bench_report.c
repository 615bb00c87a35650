/*
 * bench_report.c — chatbench's results, for people (default, in the
 * chosen language) or for scripts (--json: one object on one line; the
 * keys are listed in chatbench(1)).
 */
#include <stdio.h>

#include "chatbench.h"
#include "catalog.h"

static double
per_second(uint64_t n, double s)
{
	return s > 0 ? (double)n / s : 0;
}

/* Bytes of server memory per client, or -1 when unknown. */
static double
rss_per_client(const struct bench_result *r)
{
	if (r->rss_kib < 0 || r->rss_base_kib < 0 || r->connected == 0)
		return -1;
	return (double)(r->rss_kib - r->rss_base_kib) * 1024.0 /
	       (double)r->connected;
}

/* ---------------------------------------------------------------------------
 * For people
 * ------------------------------------------------------------------------ */

static void
human_server(const struct bench_result *r)
{
	if (r->server_cpu_s >= 0)
		printf(TR("  server        CPU %.2f s, RSS %ld KiB, %ld threads\n",
		          "  servidor      CPU %.2f s, RSS %ld KiB, %ld hilos\n"),
		       r->server_cpu_s, r->rss_kib, r->server_threads);
}

static void
human_idle(const struct bench_opts *o, const struct bench_result *r)
{
	printf(TR("chatbench: %s %s:%d, %zu %s held %.1f s\n",
	          "chatbench: %s %s:%d, %zu %s durante %.1f s\n"),
	       o->udp ? "udp" : "tcp", o->host, o->port, o->clients,
	       TRN(o->clients, "idle client", "idle clients", "cliente inactivo",
	           "clientes inactivos"), o->hold);
	printf(TR("  connected     %zu, failed %zu, closed by the server %zu\n",
	          "  conectados    %zu, fallidos %zu, cerrados por el servidor %zu\n"),
	       r->connected, r->failed, r->closed);
	if (rss_per_client(r) >= 0)
		printf(TR("  server RSS    %ld KiB before, %ld KiB after: %.0f bytes "
		          "per client (%ld %s)\n",
		          "  RSS servidor  %ld KiB antes, %ld KiB después: %.0f bytes "
		          "por cliente (%ld %s)\n"),
		       r->rss_base_kib, r->rss_kib, rss_per_client(r),
		       r->server_threads, TRN(r->server_threads, "thread", "threads",
		                              "hilo", "hilos"));
	printf(TR("  chatbench     CPU %.2f s in %.2f s\n",
	          "  chatbench     CPU %.2f s en %.2f s\n"), r->cpu_s, r->wall_s);
}

/* "loss runs 5, longest 3 messages (by length: 1:3 2:1 3:1)"; the last
 * bucket is written 8+. */
static void
human_runs(const struct bench_stats *s)
{
	struct bench_runs runs;
	int k;

	bench_stats_runs(s, &runs);
	printf(TR("  loss runs     %llu, longest %llu %s (by length:",
	          "  rachas de pérdidas %llu, la más larga de %llu %s "
	          "(por longitud:"),
	       (unsigned long long)runs.runs, (unsigned long long)runs.longest,
	       TRN(runs.longest, "message", "messages", "mensaje", "mensajes"));
	for (k = 1; k <= BENCH_RUNS_HIST; k++)
		if (runs.hist[k - 1] > 0)
			printf(" %d%s:%llu", k, k == BENCH_RUNS_HIST ? "+" : "",
			       (unsigned long long)runs.hist[k - 1]);
	printf(")\n");
}

/* Why messages missing over TCP are not called lost, and how long
 * chatbench waited for them. */
static void
human_late(const struct bench_opts *o, const struct bench_result *r)
{
	printf("%s", TR("  (not lost: their connections are still open and TCP "
	                "still delivers them;\n",
	                "  (no perdidos: sus conexiones siguen abiertas y TCP "
	                "aún los entrega;\n"));
	if (r->timed_out)
		printf(TR("   chatbench stopped waiting at --timeout, %.0f s)\n",
		          "   chatbench dejó de esperar al --timeout, %.0f s)\n"),
		       o->timeout);
	else
		printf(TR("   chatbench stopped waiting after %.0f s in which "
		          "nothing arrived and the\n   server acknowledged none "
		          "of its bytes)\n",
		          "   chatbench dejó de esperar tras %.0f s en que no "
		          "llegó nada y el servidor\n   no confirmó ninguno de "
		          "sus bytes)\n"),
		       r->linger_s);
}

/* What did not arrive, and what arrived twice, late or damaged. */
static void
human_counts(const struct bench_opts *o, const struct bench_result *r)
{
	const struct bench_stats *s = &r->stats;

	printf(TR("  lost %llu, ", "  perdidos %llu, "),
	       (unsigned long long)bench_stats_lost(s));
	if (!o->udp)
		printf(TR("not delivered in time %llu, ",
		          "no entregados a tiempo %llu, "),
		       (unsigned long long)bench_stats_late(s));
	printf(TR("duplicated %llu, reordered %llu, garbled %llu\n",
	          "duplicados %llu, desordenados %llu, dañados %llu\n"),
	       (unsigned long long)s->duplicated,
	       (unsigned long long)s->reordered, (unsigned long long)s->garbled);
	if (bench_stats_late(s) > 0)
		human_late(o, r);
	if (bench_stats_lost(s) > 0)
		human_runs(s);
}

static void
human_load(const struct bench_opts *o, const struct bench_result *r)
{
	const struct bench_stats *s = &r->stats;
	const struct bench_hist *h = &s->latency;

	printf(TR("chatbench: %s %s:%d, %zu %s, %zu %s x %u %s of %zu bytes, ",
	          "chatbench: %s %s:%d, %zu %s, %zu %s x %u %s de %zu bytes, "),
	       o->udp ? "udp" : "tcp", o->host, o->port,
	       o->clients, TRN(o->clients, "client", "clients", "cliente",
	                       "clientes"),
	       o->senders, TRN(o->senders, "sender", "senders", "emisor",
	                       "emisores"),
	       o->messages, TRN(o->messages, "message", "messages", "mensaje",
	                        "mensajes"), o->size);
	if (o->rate > 0)
		printf(TR("%.0f/s each\n", "%.0f/s cada uno\n"), o->rate);
	else
		printf(TR("as fast as possible\n", "lo más rápido posible\n"));
	printf(TR("  connected     %zu, failed %zu, nicknames confirmed %zu, "
	          "closed by the server %zu\n",
	          "  conectados    %zu, fallidos %zu, apodos confirmados %zu, "
	          "cerrados por el servidor %zu\n"),
	       r->connected, r->failed, r->registered, r->closed);
	printf(TR("  sent          %llu messages (%llu send errors)\n",
	          "  enviados      %llu mensajes (%llu errores de envío)\n"),
	       (unsigned long long)r->sent, (unsigned long long)r->send_errors);
	printf(TR("  delivered     %llu of %llu expected in %.3f s: %.0f "
	          "deliveries/s\n",
	          "  entregados    %llu de %llu esperados en %.3f s: %.0f "
	          "entregas/s\n"),
	       (unsigned long long)s->delivered,
	       (unsigned long long)bench_stats_expected(s), r->chat_s,
	       per_second(s->delivered, r->chat_s));
	human_counts(o, r);
	printf(TR("  latency (us)  p50 %llu, p90 %llu, p99 %llu, max %llu\n",
	          "  latencia (us) p50 %llu, p90 %llu, p99 %llu, máx %llu\n"),
	       (unsigned long long)bench_hist_percentile(h, 50),
	       (unsigned long long)bench_hist_percentile(h, 90),
	       (unsigned long long)bench_hist_percentile(h, 99),
	       (unsigned long long)h->max);
	if (o->stall > 0)
		printf(TR("  stalled       %zu clients never read; the server "
		          "dropped %zu\n",
		          "  bloqueados    %zu clientes nunca leen; el servidor "
		          "cortó %zu\n"), o->stall, r->stall_dropped);
	printf(TR("  chatbench     CPU %.2f s in %.2f s (%.0f %%)\n",
	          "  chatbench     CPU %.2f s en %.2f s (%.0f %%)\n"),
	       r->cpu_s, r->wall_s, r->wall_s > 0 ? 100 * r->cpu_s / r->wall_s : 0);
	human_server(r);
}

/* ---------------------------------------------------------------------------
 * For scripts
 * ------------------------------------------------------------------------ */

static void
json_common(const struct bench_opts *o, const struct bench_result *r)
{
	printf("{\"transport\":\"%s\",\"mode\":\"%s\",\"clients\":%zu,"
	       "\"connected\":%zu,\"failed\":%zu,\"closed\":%zu,"
	       "\"cpu_s\":%.3f,\"wall_s\":%.3f,\"server_cpu_s\":%.3f,"
	       "\"server_rss_kib\":%ld,\"server_threads\":%ld",
	       o->udp ? "udp" : "tcp", o->connect_only ? "connect-only" : "load",
	       o->clients, r->connected, r->failed, r->closed, r->cpu_s,
	       r->wall_s, r->server_cpu_s, r->rss_kib, r->server_threads);
}

/* "loss_runs":{"runs":5,"longest":3,"by_length":[3,1,1,0,0,0,0,0]}, where
 * by_length[k-1] counts runs of k losses and the last counts 8 or more. */
static void
json_runs(const struct bench_stats *s)
{
	struct bench_runs runs;
	int k;

	bench_stats_runs(s, &runs);
	printf(",\"loss_runs\":{\"runs\":%llu,\"longest\":%llu,\"by_length\":[",
	       (unsigned long long)runs.runs, (unsigned long long)runs.longest);
	for (k = 0; k < BENCH_RUNS_HIST; k++)
		printf("%s%llu", k ? "," : "", (unsigned long long)runs.hist[k]);
	printf("]}");
}

static void
json_load(const struct bench_opts *o, const struct bench_result *r)
{
	const struct bench_stats *s = &r->stats;
	const struct bench_hist *h = &s->latency;

	printf(",\"senders\":%zu,\"messages\":%u,\"size\":%zu,\"rate\":%.1f,"
	       "\"stall\":%zu,\"registered\":%zu,\"sent\":%llu,"
	       "\"send_errors\":%llu,\"expected\":%llu,\"delivered\":%llu,"
	       "\"lost\":%llu,\"late\":%llu,\"duplicated\":%llu,\"reordered\":%llu,"
	       "\"garbled\":%llu,\"unexpected\":%llu,\"duration_s\":%.6f,"
	       "\"deliveries_per_s\":%.1f,\"stall_dropped\":%zu,"
	       "\"latency_us\":{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,"
	       "\"max\":%llu,\"mean\":%.1f}",
	       o->senders, o->messages, o->size, o->rate, o->stall,
	       r->registered, (unsigned long long)r->sent,
	       (unsigned long long)r->send_errors,
	       (unsigned long long)bench_stats_expected(s),
	       (unsigned long long)s->delivered,
	       (unsigned long long)bench_stats_lost(s),
	       (unsigned long long)bench_stats_late(s),
	       (unsigned long long)s->duplicated,
	       (unsigned long long)s->reordered, (unsigned long long)s->garbled,
	       (unsigned long long)s->unexpected, r->chat_s,
	       per_second(s->delivered, r->chat_s), r->stall_dropped,
	       (unsigned long long)bench_hist_percentile(h, 50),
	       (unsigned long long)bench_hist_percentile(h, 90),
	       (unsigned long long)bench_hist_percentile(h, 99),
	       (unsigned long long)h->max,
	       h->count ? (double)h->sum / (double)h->count : 0.0);
	json_runs(s);
	printf("}\n");
}

void
bench_report(const struct bench_opts *o, const struct bench_result *r)
{
	if (o->json) {
		json_common(o, r);
		if (o->connect_only)
			printf(",\"hold_s\":%.1f,\"server_rss_base_kib\":%ld,"
			       "\"rss_per_client_bytes\":%.0f}\n", o->hold,
			       r->rss_base_kib, rss_per_client(r));
		else
			json_load(o, r);
	} else if (o->connect_only) {
		human_idle(o, r);
	} else {
		human_load(o, r);
	}
	fflush(stdout);
}
