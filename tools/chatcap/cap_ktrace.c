/*
 * cap_ktrace.c — the TCP tracepoints, read through a tracefs instance of
 * chatcap's own (/sys/kernel/tracing/instances/chatcap-PID-N: its own ring
 * buffer, so neither the global buffer nor another reader is disturbed),
 * removed again at the end. tcp_probe fires on every segment a connection
 * receives and carries cwnd, ssthresh and srtt; tcp_cong_state_set fires
 * on each change of the congestion-avoidance state; tcp_retransmit_skb on
 * each segment sent again (these two name their socket by its addresses,
 * which tcp_probe tied to a cookie). Tracepoints see every network namespace: the
 * filter keeps the chat port, and cap_kstate.c keeps only the sockets its
 * own namespace has (by cookie). Root only. The text format parsed here is
 * each event's "print fmt" in events/tcp/EVENT/format.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cap_kstate.h"

#define KT_ROOT     "/sys/kernel/tracing"
#define KT_BUF      65536
#define KT_SOCKS    256      /* sockets tcp_probe named, newest kept */

static const char *const kt_events[] = { "tcp_probe", "tcp_cong_state_set",
                                         "tcp_retransmit_skb" };
#define KT_NEVENTS (sizeof(kt_events) / sizeof(kt_events[0]))

struct kt_sock {
	uint64_t          cookie;
	struct cap_ks_end local, remote;
};

struct cap_ktrace {
	char           dir[128];        /* the instance */
	int            fd;              /* its trace_pipe */
	int64_t        mono_to_real_us; /* add to a trace stamp */
	char           buf[KT_BUF];
	size_t         used;
	struct kt_sock socks[KT_SOCKS];
	unsigned       nsocks;          /* written round-robin */
};

/* Write s into the file dir/rel. 0, or -1 with errno set. */
static int
put_file(const char *dir, const char *rel, const char *s)
{
	char path[512];
	int fd, r = 0;
	size_t n = strlen(s);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return -1;
	if (write(fd, s, n) != (ssize_t)n)
		r = -1;
	if (close(fd) < 0)
		r = -1;
	return r;
}

/* tracefs at KT_ROOT: mounted there already, or mounted now (inside
 * `ip netns exec`, /sys is a fresh sysfs without it). */
static int
find_tracefs(char *err, size_t errlen)
{
	struct stat st;

	if (stat(KT_ROOT "/instances", &st) == 0)
		return 0;
	if (mount("nodev", KT_ROOT, "tracefs", 0, NULL) == 0 &&
	    stat(KT_ROOT "/instances", &st) == 0)
		return 0;
	snprintf(err, errlen, "tracefs (%s): %s", KT_ROOT, strerror(errno));
	return -1;
}

/* Remove the instances of chatcaps that died without removing theirs
 * (killed): chatcap-PID-N whose PID is gone. Best effort. */
static void
sweep_stale(void)
{
	DIR *d = opendir(KT_ROOT "/instances");
	struct dirent *e;
	char path[512];
	long pid;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, "chatcap-%ld-", &pid) != 1 || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), KT_ROOT "/instances/%s", e->d_name);
		(void)rmdir(path);          /* another chatcap may race us */
	}
	closedir(d);
}

static int64_t
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The instance's settings: a clock we can convert, a buffer big enough
 * for a burst, the events filtered to port and enabled. 0 or -1. */
static int
configure(struct cap_ktrace *t, uint16_t port, char *err, size_t errlen)
{
	char filter[96], rel[96];
	size_t i;

	snprintf(filter, sizeof(filter), "sport == %u || dport == %u",
	         (unsigned)port, (unsigned)port);
	if (put_file(t->dir, "trace_clock", "mono") < 0 ||
	    put_file(t->dir, "buffer_size_kb", "4096") < 0)
		goto fail;
	for (i = 0; i < KT_NEVENTS; i++) {
		snprintf(rel, sizeof(rel), "events/tcp/%s/filter", kt_events[i]);
		if (put_file(t->dir, rel, filter) < 0)
			goto fail;
		snprintf(rel, sizeof(rel), "events/tcp/%s/enable", kt_events[i]);
		if (put_file(t->dir, rel, "1") < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", t->dir, strerror(errno));
	return -1;
}

struct cap_ktrace *
cap_ktrace_open(uint16_t port, char *err, size_t errlen)
{
	static unsigned serial;
	struct cap_ktrace *t;
	char pipe[160];

	if (geteuid() != 0) {
		snprintf(err, errlen, "tracepoints: root only");
		return NULL;
	}
	if (find_tracefs(err, errlen) < 0)
		return NULL;
	sweep_stale();
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	t->fd = -1;
	snprintf(t->dir, sizeof(t->dir), KT_ROOT "/instances/chatcap-%ld-%u",
	         (long)getpid(), serial++);
	if (mkdir(t->dir, 0700) < 0) {
		snprintf(err, errlen, "%s: %s", t->dir, strerror(errno));
		free(t);
		return NULL;
	}
	t->mono_to_real_us = clock_us(CLOCK_REALTIME) - clock_us(CLOCK_MONOTONIC);
	snprintf(pipe, sizeof(pipe), "%s/trace_pipe", t->dir);
	if (configure(t, port, err, errlen) < 0 ||
	    (t->fd = open(pipe, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (t->fd < 0 && err[0] == '\0')
			snprintf(err, errlen, "%s: %s", pipe, strerror(errno));
		cap_ktrace_close(t);
		return NULL;
	}
	return t;
}

int
cap_ktrace_fd(const struct cap_ktrace *t)
{
	return t->fd;
}

/* ---------------------------------------------------------------------------
 * Parsing one line:
 *   "  <task>-PID  [CPU] FLAGS  SECONDS.MICROS: EVENT: key=value key=value"
 * ------------------------------------------------------------------------ */

/* The value of key in the fields f ("key=value ..."), copied into out. */
static bool
field(const char *f, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), n;
	const char *p = f;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == f || p[-1] == ' ') && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, " ");
			if (n >= cap)
				n = cap - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

static uint64_t
field_num(const char *f, const char *key, int base, bool *ok)
{
	char v[32], *end;
	unsigned long long x;

	if (!field(f, key, v, sizeof(v))) {
		*ok = false;
		return 0;
	}
	errno = 0;
	x = strtoull(v, &end, base);
	if (errno != 0 || end == v || *end != '\0')
		*ok = false;
	return x;
}

/* "127.0.0.1:5000" or "[::1]:5000" into e. */
static bool
parse_end(const char *s, struct cap_ks_end *e)
{
	char a[64];
	const char *colon = strrchr(s, ':');
	size_t n;

	memset(e, 0, sizeof(*e));
	if (colon == NULL)
		return false;
	e->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	if (s[0] == '[') {
		n = (size_t)(colon - s) - 2;
		if (n >= sizeof(a) || colon[-1] != ']')
			return false;
		memcpy(a, s + 1, n);
		a[n] = '\0';
		e->family = 6;
		return inet_pton(AF_INET6, a, e->addr) == 1;
	}
	n = (size_t)(colon - s);
	if (n >= sizeof(a))
		return false;
	memcpy(a, s, n);
	a[n] = '\0';
	e->family = 4;
	return inet_pton(AF_INET, a, e->addr) == 1;
}

/* tcp_probe: the whole sample; its socket remembered (addresses and
 * cookie) once. */
static bool
parse_probe(struct cap_ktrace *t, const char *f, struct cap_ks_sample *s)
{
	char src[64], dst[64];
	struct kt_sock *k;
	uint32_t nxt, una;
	bool ok = true;
	unsigned i;

	if (!field(f, "src", src, sizeof(src)) ||
	    !field(f, "dest", dst, sizeof(dst)) ||
	    !parse_end(src, &s->local) || !parse_end(dst, &s->remote))
		return false;
	s->cwnd = (uint32_t)field_num(f, "snd_cwnd", 10, &ok);
	s->ssthresh = (uint32_t)field_num(f, "ssthresh", 10, &ok);
	s->srtt_us = (uint32_t)field_num(f, "srtt", 10, &ok);
	nxt = (uint32_t)field_num(f, "snd_nxt", 16, &ok);
	una = (uint32_t)field_num(f, "snd_una", 16, &ok);
	s->cookie = field_num(f, "sock_cookie", 16, &ok);
	s->flight_bytes = nxt - una;
	s->have = CAP_KS_H_CWND | CAP_KS_H_SRTT | CAP_KS_H_FLIGHT;
	for (i = 0; i < KT_SOCKS && i < t->nsocks; i++)
		if (t->socks[i].cookie == s->cookie)
			return ok;
	k = &t->socks[t->nsocks++ % KT_SOCKS];
	k->cookie = s->cookie;
	k->local = s->local;
	k->remote = s->remote;
	return ok;
}

/* An address of tcp_cong_state_set or tcp_retransmit_skb: key4 for IPv4,
 * key6 ("saddrv6") for IPv6, with its port. */
static bool
tuple_end(const char *f, bool v6, const char *key4, const char *key6,
          const char *port, struct cap_ks_end *e)
{
	char a[64];
	bool ok = true;

	memset(e, 0, sizeof(*e));
	e->family = v6 ? 6 : 4;
	e->port = (uint16_t)field_num(f, port, 10, &ok);
	return ok && field(f, v6 ? key6 : key4, a, sizeof(a)) &&
	       inet_pton(v6 ? AF_INET6 : AF_INET, a, e->addr) == 1;
}

/* tcp_cong_state_set, tcp_retransmit_skb: the socket found by its
 * addresses and ports among those tcp_probe named (their text has no
 * cookie). */
static bool
parse_other(struct cap_ktrace *t, const char *f, struct cap_ks_sample *s)
{
	char fam[16];
	bool ok = true, v6;
	unsigned i;

	if (!field(f, "family", fam, sizeof(fam)))
		return false;
	v6 = strcmp(fam, "AF_INET6") == 0;
	if (!tuple_end(f, v6, "saddr", "saddrv6", "sport", &s->local) ||
	    !tuple_end(f, v6, "daddr", "daddrv6", "dport", &s->remote))
		return false;
	for (i = 0; i < KT_SOCKS && i < t->nsocks; i++) {
		const struct kt_sock *k = &t->socks[(t->nsocks - 1 - i) % KT_SOCKS];

		if (memcmp(&k->local, &s->local, sizeof(s->local)) == 0 &&
		    memcmp(&k->remote, &s->remote, sizeof(s->remote)) == 0)
			break;
	}
	if (i == KT_SOCKS || i == t->nsocks)
		return false;                   /* never probed: not ours */
	s->cookie = t->socks[(t->nsocks - 1 - i) % KT_SOCKS].cookie;
	if (s->kind == CAP_KS_CONG) {
		s->ca_state = (uint8_t)field_num(f, "cong_state", 10, &ok);
		s->have = CAP_KS_H_CA;
	}
	return ok;
}

/* One line into s; false when it is not one of ours. */
static bool
parse_line(struct cap_ktrace *t, char *line, struct cap_ks_sample *s)
{
	char *ev = strstr(line, ": tcp_"), *stamp, *f;
	double secs;

	if (ev == NULL)
		return false;
	*ev = '\0';
	stamp = strrchr(line, ' ');
	secs = strtod(stamp != NULL ? stamp + 1 : line, NULL);
	ev += 2;
	if ((f = strstr(ev, ": ")) == NULL)
		return false;
	*f = '\0';
	f += 2;
	memset(s, 0, sizeof(*s));
	s->source = CAP_KS_TRACE;
	s->t_us = (int64_t)(secs * 1e6) + t->mono_to_real_us;
	if (strcmp(ev, "tcp_probe") == 0) {
		s->kind = CAP_KS_STATE;
		return parse_probe(t, f, s);
	}
	if (strcmp(ev, "tcp_cong_state_set") == 0)
		s->kind = CAP_KS_CONG;
	else if (strcmp(ev, "tcp_retransmit_skb") == 0)
		s->kind = CAP_KS_RETRANS;
	else
		return false;
	return parse_other(t, f, s);
}

void
cap_ktrace_read(struct cap_ktrace *t, cap_ks_fn fn, void *arg)
{
	struct cap_ks_sample s;
	char *line, *nl;
	ssize_t n;

	while ((n = read(t->fd, t->buf + t->used,
	                 sizeof(t->buf) - 1 - t->used)) > 0) {
		t->used += (size_t)n;
		t->buf[t->used] = '\0';
		line = t->buf;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			if (parse_line(t, line, &s))
				fn(arg, &s);
			line = nl + 1;
		}
		t->used -= (size_t)(line - t->buf);
		memmove(t->buf, line, t->used);
		if (t->used == sizeof(t->buf) - 1)
			t->used = 0;            /* a line longer than the buffer */
	}
}

void
cap_ktrace_close(struct cap_ktrace *t)
{
	char rel[96];
	size_t i;

	if (t == NULL)
		return;
	if (t->fd >= 0)
		close(t->fd);
	for (i = 0; i < KT_NEVENTS; i++) {
		snprintf(rel, sizeof(rel), "events/tcp/%s/enable", kt_events[i]);
		(void)put_file(t->dir, rel, "0");  /* rmdir below says if it failed */
	}
	if (rmdir(t->dir) < 0)
		fprintf(stderr, "chatcap: %s: %s\n", t->dir, strerror(errno));
	free(t);
}
