/*
 * check_probe.c — chatcheck's test client: connect, send, and read lines
 * (through shared/'s framer) or raw text, always against a deadline. A
 * server that floods, stalls, closes or sends garbage only ends a wait.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "buf.h"
#include "clock.h"

#include "check_probe.h"

/* ---------------------------------------------------------------------------
 * Deadlines
 * ------------------------------------------------------------------------ */

/* Microseconds from now to ms later, never past the test's deadline. */
static uint64_t
until(const struct probe *p, unsigned ms)
{
	uint64_t t = clock_us() + (uint64_t)ms * 1000;

	return p->ctx->until != 0 && p->ctx->until < t ? p->ctx->until : t;
}

/* Wait for events on fd until t: 1 ready, 0 time is up. */
static int
wait_fd(int fd, short events, uint64_t t)
{
	struct pollfd pf = { .fd = fd, .events = events };
	uint64_t now;
	int r;

	for (;;) {
		now = clock_us();
		if (now >= t)
			return 0;
		r = poll(&pf, 1, (int)((t - now + 999) / 1000));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
	}
}

/* ---------------------------------------------------------------------------
 * Opening and closing
 * ------------------------------------------------------------------------ */

int
probe_open(struct check_ctx *ctx, struct probe *p)
{
	int type = ctx->udp ? SOCK_DGRAM : SOCK_STREAM, one = 1, soerr = 0;
	socklen_t len = sizeof(soerr);

	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->udp = ctx->udp;
	p->fr.max = MSG_LINE_MAX;
	p->fd = socket(ctx->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               0);
	if (p->fd < 0)
		return -1;
	if (!p->udp)    /* a test's segments leave when it sends them */
		setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(p->fd, (struct sockaddr *)&ctx->addr, ctx->addrlen) == 0)
		return 0;
	if (errno == EINPROGRESS && wait_fd(p->fd, POLLOUT, until(p, 3000)) &&
	    getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
	    soerr == 0)
		return 0;
	close(p->fd);
	p->fd = -1;
	p->eof = true;
	return -1;
}

void
probe_close(struct probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	msg_framer_free(&p->fr);
}

void
probe_reset(struct probe *p)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (p->fd >= 0)
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	probe_close(p);
}

/* ---------------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------------ */

int
probe_send(struct probe *p, const void *data, size_t len)
{
	const char *d = data;
	uint64_t t = until(p, 3000);
	ssize_t n;

	if (p->fd < 0)
		return -1;
	if (p->udp)
		return send(p->fd, d, len, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
	while (len > 0) {
		n = send(p->fd, d, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			d += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		} else if (!wait_fd(p->fd, POLLOUT, t)) {
			return -1;
		}
	}
	return 0;
}

int
probe_sendstr(struct probe *p, const char *s)
{
	return probe_send(p, s, strlen(s));
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

/* Remember a read for a failure report: the latest ones, each cut. */
static void
keep_read(struct probe *p, const char *d, size_t n)
{
	size_t half = sizeof(p->reads) / 2;

	if (n > half - 4)
		n = half - 4;
	if (p->reads_len + n + 4 >= sizeof(p->reads)) {
		memmove(p->reads, p->reads + p->reads_len - half / 2, half / 2);
		p->reads_len = half / 2;
	}
	if (p->reads_len > 0) {
		memcpy(p->reads + p->reads_len, " | ", 3);
		p->reads_len += 3;
	}
	memcpy(p->reads + p->reads_len, d, n);
	p->reads_len += n;
}

/* The number after the run's "k" + 4 hex digits at s (see check_nick),
 * or -1 when s holds no such nickname. */
static long
nick_seq(const struct check_ctx *ctx, const char *s, size_t n)
{
	char tag[8];
	long seq = 0;
	size_t i;

	snprintf(tag, sizeof(tag), "k%04x", ctx->run & 0xffff);
	if (n < 6 || memcmp(s, tag, 5) != 0 || s[5] < '0' || s[5] > '9')
		return -1;
	for (i = 5; i < n && s[i] >= '0' && s[i] <= '9' && seq < 1000000; i++)
		seq = seq * 10 + (s[i] - '0');
	return seq;
}

/* Whether d holds the nickname of a client other than p: what a chat
 * server does (a relayed line, a join notice, a list) and nothing else
 * (an echo, a greeting, an HTTP error) does. */
static void
note_room(struct probe *p, const char *d, size_t n)
{
	struct check_ctx *ctx = p->ctx;
	long own = nick_seq(ctx, p->nick, strlen(p->nick)), seq;
	const char *k;
	size_t left;

	if (ctx->rx == 0)
		snprintf(ctx->rx_first, sizeof(ctx->rx_first), "%.*s",
		         (int)(n < sizeof(ctx->rx_first) ? n :
		               sizeof(ctx->rx_first) - 1), d);
	ctx->rx += n;
	for (k = d; !ctx->relayed && (k = memchr(k, 'k', n - (size_t)(k - d)));
	     k++) {
		left = n - (size_t)(k - d);
		seq = nick_seq(ctx, k, left);
		if (seq >= 0 && seq != own)
			ctx->relayed = true;
	}
}

/* One read, waiting until t: 1 bytes (or a datagram) came, 0 none, -1 the
 * server closed or failed. */
static int
fill(struct probe *p, uint64_t t)
{
	ssize_t n;

	if (p->eof || p->fd < 0)
		return -1;
	for (;;) {
		n = recv(p->fd, p->raw, sizeof(p->raw), MSG_DONTWAIT);
		if (n > 0)
			break;
		if (p->udp && n == 0)
			break;
		/* UDP: ECONNREFUSED is an ICMP "port unreachable". */
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			p->eof = true;
			return -1;
		}
		if (!wait_fd(p->fd, POLLIN, t))
			return 0;
	}
	p->raw_off = 0;
	p->raw_len = (size_t)n;
	tail_keep(p->text, sizeof(p->text), &p->text_len, p->raw, (size_t)n);
	keep_read(p, p->raw, (size_t)n);
	note_room(p, p->raw, (size_t)n);
	return 1;
}

/* Remember a line for a failure report. */
static void
seen(struct probe *p, const char *s, size_t n)
{
	if (n > 60)
		n = 60;
	if (p->seen_len + n + 3 >= PROBE_SEEN)
		p->seen_len = 0;        /* only the latest lines matter */
	if (p->seen_len > 0) {
		memcpy(p->seen + p->seen_len, " | ", 3);
		p->seen_len += 3;
	}
	memcpy(p->seen + p->seen_len, s, n);
	p->seen_len += n;
	p->seen[p->seen_len] = '\0';
}

static void
set_line(struct probe *p, const char *s, size_t n)
{
	memcpy(p->line, s, n);
	p->line[n] = '\0';
	p->line_len = n;
	seen(p, s, n);
}

/* A line out of what is read already: 1, or 0 when more is needed. */
static int
next_framed(struct probe *p)
{
	const char *d = p->raw + p->raw_off, *line;
	size_t len = p->raw_len - p->raw_off, line_len;
	enum msg_frame r;

	if (p->udp) {
		if (len == 0)
			return 0;
		line_len = len;
		if (line_len > 0 && d[line_len - 1] == '\n')
			line_len--;
		if (line_len > MSG_LINE_MAX)
			line_len = MSG_LINE_MAX;
		set_line(p, d, line_len);
		p->raw_off = p->raw_len;
		return 1;
	}
	r = msg_framer_next(&p->fr, &d, &len, &line, &line_len);
	p->raw_off = p->raw_len - len;
	if (r == MSG_FRAME_LINE)
		set_line(p, line, line_len);
	else if (r == MSG_FRAME_TOO_LONG)
		set_line(p, "[line too long]", 15);
	return r != MSG_FRAME_MORE;
}

int
probe_line(struct probe *p, unsigned ms)
{
	uint64_t t = until(p, ms);
	int r;

	for (;;) {
		if (next_framed(p))
			return 1;
		if ((r = fill(p, t)) <= 0)
			return r;
	}
}

int
probe_expect(struct probe *p, const char *want, bool exact, unsigned ms)
{
	uint64_t t = until(p, ms), now;
	int r;

	for (;;) {
		now = clock_us();
		r = probe_line(p, now >= t ? 0 : (unsigned)((t - now) / 1000));
		if (r <= 0)
			return r;
		if (exact ? strcmp(p->line, want) == 0
		          : strstr(p->line, want) != NULL)
			return 1;
	}
}

void
probe_mark(struct probe *p)
{
	p->text_len = 0;
	p->text[0] = '\0';
	p->reads_len = 0;
}

int
probe_expect_text(struct probe *p, const char *want, unsigned ms)
{
	uint64_t t = until(p, ms);
	int r;

	for (;;) {
		if (memmem(p->text, p->text_len, want, strlen(want)) != NULL)
			return 1;
		p->raw_off = p->raw_len;        /* raw text only: no lines */
		if ((r = fill(p, t)) <= 0)
			return r;
	}
}

/* Whether s (n bytes) holds text with nick before it on the same line. */
static bool
pair_in(const char *s, size_t n, const char *nick, const char *text)
{
	size_t tl = strlen(text), nl = strlen(nick), i, j;

	for (i = nl; i + tl <= n; i++) {
		if (memcmp(s + i, text, tl) != 0)
			continue;
		for (j = i; j >= nl && s[j - 1] != '\n'; j--)
			if (memcmp(s + j - nl, nick, nl) == 0)
				return true;
	}
	return false;
}

int
probe_expect_pair(struct probe *p, const char *nick, const char *text,
                  unsigned ms)
{
	uint64_t t = until(p, ms);
	int r;

	for (;;) {
		if (pair_in(p->text, p->text_len, nick, text))
			return 1;
		p->raw_off = p->raw_len;        /* raw text only: no lines */
		if ((r = fill(p, t)) <= 0)
			return r;
	}
}

bool
probe_closed(struct probe *p, unsigned ms)
{
	uint64_t t = until(p, ms);

	for (;;) {
		p->raw_off = p->raw_len;
		if (fill(p, t) < 0)
			return true;
		if (clock_us() >= t)
			return false;
	}
}

void
probe_drain(struct probe *p, unsigned ms)
{
	uint64_t t = until(p, ms);

	while (clock_us() < t) {
		p->raw_off = p->raw_len;
		if (fill(p, t) <= 0)
			return;
	}
}

int
probe_join(struct probe *p, const char *nick, bool newline, unsigned ms)
{
	char buf[64];
	int r;

	snprintf(p->nick, sizeof(p->nick), "%s", nick);
	snprintf(buf, sizeof(buf), "%s%s", nick, newline ? "\n" : "");
	probe_mark(p);
	if (probe_sendstr(p, buf) < 0)
		return -1;
	r = newline ? probe_expect(p, nick, false, ms)
	            : probe_expect_text(p, nick, ms);
	return r < 0 ? -1 : 0;
}
