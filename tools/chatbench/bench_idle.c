/*
 * bench_idle.c — --connect-only: open N connections that say nothing, hold
 * them for a while, and read the server's resident memory before and
 * after, which gives what one idle client costs the server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "chatbench.h"

int
bench_idle(const struct bench_opts *o, struct bench_result *res, char *err,
           size_t errlen)
{
	struct bench_engine E;
	uint64_t t0, hold_until;
	double cpu0;
	int status = -1;

	if (bench_engine_init(&E, o, res, o->clients, err, errlen) < 0)
		return -1;
	res->rss_base_kib = bench_proc_rss_kib(o->server_pid);
	cpu0 = bench_self_cpu_s();
	t0 = clock_us();
	if (bench_engine_connect(&E, false, t0 + (uint64_t)(o->timeout * 1e6))
	    < 0)
		snprintf(err, errlen, "only %zu of %zu clients connected in %.0f s",
		         res->connected, o->clients, o->timeout);
	if (res->connected == 0) {
		if (res->failed > 0)
			snprintf(err, errlen, "no client could connect to %s:%d",
			         o->host, o->port);
		goto out;
	}
	/* Hold: read (and forget) whatever the server says meanwhile. */
	hold_until = clock_us() + (uint64_t)(o->hold * 1e6);
	while (clock_us() < hold_until)
		bench_engine_turn(&E, 50, NULL);
	res->rss_kib = bench_proc_rss_kib(o->server_pid);
	res->server_threads = bench_proc_threads(o->server_pid);
	res->cpu_s = bench_self_cpu_s() - cpu0;
	res->wall_s = (double)(clock_us() - t0) / 1e6;
	status = 0;
out:
	bench_engine_free(&E);
	return status;
}
