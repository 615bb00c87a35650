/*
 * cc.c — congestion control on a chatnet network (cc.h): the algorithm a
 * host's TCP uses (its namespace's net.ipv4.tcp_congestion_control, which
 * every socket made there starts with) and a bottleneck a congestion
 * control can see: a token bucket (tbf) with a queue of a stated size on
 * the bridge's side of a host's link, so it slows what goes *to* that host
 * and a full queue drops packets on the way, as a router would. A queue in
 * the sender's own namespace would instead make its TCP back off at home
 * (the CWR state) with nothing lost on the wire. A namespace may only
 * choose an algorithm the machine allows: one that is not is added to
 * the machine's net.ipv4.tcp_allowed_congestion_control.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "cc.h"
#include "cmd.h"
#include "netns.h"
#include "spec.h"

#define CC_ALLOWED "/proc/sys/net/ipv4/tcp_allowed_congestion_control"
#define CC_CURRENT "/proc/sys/net/ipv4/tcp_congestion_control"

bool
cc_name_ok(const char *alg)
{
	return strcmp(alg, "reno") == 0 || strcmp(alg, "cubic") == 0 ||
	       strcmp(alg, "bbr") == 0;
}

/* A namespace other than the machine's may only choose an algorithm in
 * net.ipv4.tcp_allowed_congestion_control (the machine's list, which also
 * lets any user choose it per socket): add alg to it when missing. */
static int
allow(const char *alg, char *err, size_t errlen)
{
	char list[512] = "", set[600], *w, *save;
	FILE *f = fopen(CC_ALLOWED, "r");
	bool there = false;

	if (f == NULL || fgets(list, sizeof(list), f) == NULL) {
		if (f != NULL)
			fclose(f);
		snprintf(err, errlen, "%s: %s", CC_ALLOWED, strerror(errno));
		return -1;
	}
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	snprintf(set, sizeof(set), "net.ipv4.tcp_allowed_congestion_control=%s "
	         "%s", list, alg);
	for (w = strtok_r(list, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save))
		there = there || strcmp(w, alg) == 0;
	if (there)
		return 0;
	return CMD(err, errlen, "sysctl", "-qw", set);
}

int
cc_set(const struct topo *t, const char *host, const char *alg, char *err,
       size_t errlen)
{
	char ns[NETNS_NAME], set[96];
	size_t i;

	snprintf(set, sizeof(set), "net.ipv4.tcp_congestion_control=%s", alg);
	if (allow(alg, err, errlen) < 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (host != NULL && strcmp(t->h[i].name, host) != 0)
			continue;
		netns_name(t->net, t->h[i].name, ns);
		if (cmd_run(ns, (const char *const[]){ "sysctl", "-qw", set, NULL },
		            NULL, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
cc_bytes(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s || s[0] == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024, end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || v < CC_QUEUE_MIN || v > CC_QUEUE_MAX)
		return -1;
	*bytes = v;
	return 0;
}

uint64_t
cc_default_queue(uint64_t rate_bps)
{
	uint64_t q = rate_bps / 8 / 10;         /* 100 ms at the rate */

	return q < CC_QUEUE_MIN ? CC_QUEUE_MIN : q;
}

int
cc_bottleneck(const struct topo *t, const char *host, uint64_t rate_bps,
              uint64_t queue_bytes, char *err, size_t errlen)
{
	char b[NETNS_NAME], rate[32], burst[32], limit[32];
	uint64_t bu = rate_bps / 8 / 100;       /* 10 ms at the rate */

	if (bu < 2ull * t->mtu + 200)
		bu = 2ull * t->mtu + 200;
	netns_name(t->net, NETNS_BRIDGE, b);
	snprintf(rate, sizeof(rate), "%llubit", (unsigned long long)rate_bps);
	snprintf(burst, sizeof(burst), "%llu", (unsigned long long)bu);
	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)queue_bytes);
	return CMD(err, errlen, "tc", "-n", b, "qdisc", "replace", "dev", host,
	           "root", "tbf", "rate", rate, "burst", burst, "limit", limit);
}

/* The file that keeps host's bottleneck ("RATE_BPS QUEUE_BYTES") for
 * status; impair_clear() removes it with the qdisc. */
void
cc_state_path(const struct topo *t, const char *host, char *buf, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "bottleneck-%s", host);
	topo_path(t->net, name, buf, len);
}

static void
keep_bottleneck(const struct topo *t, const char *host, uint64_t rate_bps,
                uint64_t queue_bytes)
{
	char path[256];
	FILE *f;

	cc_state_path(t, host, path, sizeof(path));
	if ((f = fopen(path, "w")) == NULL)
		return;                 /* status will not name it; no harm */
	fprintf(f, "%llu %llu\n", (unsigned long long)rate_bps,
	        (unsigned long long)queue_bytes);
	fclose(f);
}

/* The algorithm of namespace ns, read inside it (a child enters it: the
 * file answers for the namespace of whoever opens it). 0, or -1 (not
 * root...). */
static int
read_alg(const char *ns, char *alg, size_t len)
{
	char err[256];
	int p[2], status;
	ssize_t n;
	pid_t pid;
	FILE *f;

	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (netns_enter(ns, err, sizeof(err)) < 0 ||
		    (f = fopen(CC_CURRENT, "r")) == NULL ||
		    fgets(alg, (int)len, f) == NULL)
			_exit(1);
		_exit(write(p[1], alg, strcspn(alg, "\n")) > 0 ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], alg, len - 1)) < 0 && errno == EINTR)
		;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	alg[n > 0 ? n : 0] = '\0';
	return n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

void
cc_describe_alg(const struct topo *t, const char *host, char *buf, size_t len)
{
	char ns[NETNS_NAME];

	netns_name(t->net, host, ns);
	if (read_alg(ns, buf, len) < 0)
		snprintf(buf, len, "?");
}

int
cc_describe_bottleneck(const struct topo *t, const char *host, char *buf,
                       size_t len)
{
	unsigned long long rate, queue;
	char path[256];
	FILE *f;
	int n;

	cc_state_path(t, host, path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(f, "%llu %llu", &rate, &queue);
	fclose(f);
	if (n != 2)
		return -1;
	snprintf(buf, len, TR("bottleneck toward it %llu kbit/s, queue %llu "
	         "bytes (tbf, bridge side)", "cuello de botella hacia \u00e9l "
	         "%llu kbit/s, cola de %llu bytes (tbf, lado del puente)"),
	         rate / 1000, queue);
	return 0;
}

int
cc_impair_opt(int c, const char *v, struct cc_opts *o)
{
	switch (c) {
	case CC_OPT_CC:
		o->alg = v;
		return cc_name_ok(v) ? 1 : -1;
	case CC_OPT_BOTTLENECK:
		return spec_rate(v, &o->rate_bps) == 0 ? 1 : -1;
	case CC_OPT_QUEUE:
		return cc_bytes(v, &o->queue_bytes) == 0 ? 1 : -1;
	}
	return 0;
}

bool
cc_wanted(const struct cc_opts *o)
{
	return o->alg != NULL || o->rate_bps > 0 || o->queue_bytes > 0;
}

int
cc_impair(const struct topo *t, const char *host, const struct cc_opts *o,
          char *err, size_t errlen)
{
	uint64_t q = o->queue_bytes;

	if (q > 0 && o->rate_bps == 0) {
		snprintf(err, errlen, "%s", TR("--queue needs --bottleneck",
		                               "--queue requiere --bottleneck"));
		return -1;
	}
	if (o->alg != NULL) {
		if (cc_set(t, host, o->alg, err, errlen) < 0)
			return -1;
		printf(TR("%s: TCP congestion control %s\n",
		          "%s: control de congesti\u00f3n de TCP %s\n"), host, o->alg);
	}
	if (o->rate_bps == 0)
		return 0;
	if (q == 0)
		q = cc_default_queue(o->rate_bps);
	if (cc_bottleneck(t, host, o->rate_bps, q, err, errlen) < 0)
		return -1;
	keep_bottleneck(t, host, o->rate_bps, q);
	printf(TR("%s: bottleneck toward it: %llu kbit/s, a queue of %llu "
	          "bytes (on the bridge's side)\n",
	          "%s: cuello de botella hacia \u00e9l: %llu kbit/s, una cola de "
	          "%llu bytes (en el lado del puente)\n"), host,
	       (unsigned long long)(o->rate_bps / 1000), (unsigned long long)q);
	return 0;
}
