/*
 * check_util.c — small helpers every test uses: unique nicknames, garbage
 * bytes, pauses bounded by the test's deadline, failure reports, and whether
 * the server is still there.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "clock.h"
#include "text.h"

#include "check.h"
#include "check_probe.h"
#include "check_server.h"

#define CHECK_ICMP_MS 300       /* a refusal comes back within this */

void
check_nick(struct check_ctx *ctx, const char *tag, char *out, size_t outlen)
{
	snprintf(out, outlen, "k%04x%u%.8s", ctx->run & 0xffff, ctx->seq++, tag);
}

void
check_garbage(uint32_t *x, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		buf[i] = (char)(*x >> 24);
	}
}

void
check_pause(struct check_ctx *ctx, unsigned ms)
{
	uint64_t now = clock_us(), t = now + (uint64_t)ms * 1000;
	struct timespec ts;

	if (ctx->until != 0 && ctx->until < t)
		t = ctx->until;
	if (t <= now)
		return;
	ts.tv_sec = (time_t)((t - now) / 1000000);
	ts.tv_nsec = (long)((t - now) % 1000000) * 1000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Bytes in the UTF-8 character that starts at s[0..n), or 0 when it is
 * not a valid one (text_utf8_valid() of shared/wire/text.c decides). */
static size_t
utf8_char(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	return len <= n && text_utf8_valid(s, len) ? len : 0;
}

/* Copy s (n bytes) into out, printable and valid UTF-8 (for JSON): \n \r
 * \t, \xNN for other control bytes and invalid UTF-8, "..." when cut. */
static void
show(char *out, const char *s, size_t n)
{
	size_t o = 0, i = 0, k;
	unsigned char c;

	while (i < n && o + 8 < CHECK_TEXT) {
		c = (unsigned char)s[i];
		k = c >= 0x80 ? utf8_char(s + i, n - i) : 1;
		if (c == '\n' || c == '\r' || c == '\t')
			o += (size_t)snprintf(out + o, CHECK_TEXT - o, "\\%c",
			                      c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f || k == 0)
			o += (size_t)snprintf(out + o, CHECK_TEXT - o, "\\x%02x", c);
		else if (o + k + 8 >= CHECK_TEXT)
			break;
		else {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k == 0 ? 1 : k;
	}
	if (i < n)
		o += (size_t)snprintf(out + o, CHECK_TEXT - o, "...");
	out[o] = '\0';
}

void
check_fail(struct check_out *out, const char *sent, size_t sent_len,
           const char *expected, const char *got, size_t got_len)
{
	out->result = CHECK_FAIL;
	show(out->sent, sent ? sent : "", sent ? sent_len : 0);
	show(out->expected, expected, strlen(expected));
	show(out->got, got ? got : "", got ? got_len : 0);
}

/* ---------------------------------------------------------------------------
 * Is the server there?
 * ------------------------------------------------------------------------ */

static bool
loopback(const struct check_ctx *ctx)
{
	const struct sockaddr_in *a4 = (const void *)&ctx->addr;
	const struct sockaddr_in6 *a6 = (const void *)&ctx->addr;

	if (ctx->addr.ss_family == AF_INET)
		return (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	return ctx->addr.ss_family == AF_INET6 &&
	       (IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr) ||
	        (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr) &&
	         a6->sin6_addr.s6_addr[12] == 127));
}

/* Whether /proc/net/FILE has a socket on port in state st (hex, as the
 * kernel writes it): 1, 0, or -1 when the file cannot be read. */
static int
proc_has(const char *file, int port, unsigned st)
{
	char path[64], line[512];
	unsigned lport, state;
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
		           &lport, &state) == 2 &&
		    (int)lport == port && state == st)
			found = 1;
	fclose(f);
	return found;
}

/* TCP: LISTEN (0A); UDP: unconnected (07). */
int
check_listening(int port, bool udp)
{
	int a = proc_has(udp ? "udp" : "tcp", port, udp ? 0x07 : 0x0a);
	int b = proc_has(udp ? "udp6" : "tcp6", port, udp ? 0x07 : 0x0a);

	if (a < 0 && b < 0)
		return -1;
	return a > 0 || b > 0;
}

int
check_other_transport(const struct check_ctx *ctx)
{
	return loopback(ctx) ? check_listening(ctx->port, !ctx->udp) : -1;
}

/* Reachable by a connection (TCP) or a /ping that is not refused (UDP). */
static bool
answers(struct check_ctx *ctx, unsigned ms)
{
	uint64_t saved = ctx->until;
	struct probe *p;
	bool ok;

	/* A probe is big (its buffers); one at a time, on the heap. */
	if ((p = malloc(sizeof(*p))) == NULL)
		return true;
	ctx->until = clock_us() + (uint64_t)ms * 1000;
	ok = probe_open(ctx, p) == 0;
	if (ok && ctx->udp) {   /* ICMP port unreachable: ECONNREFUSED */
		probe_sendstr(p, "/ping\n");
		ok = probe_line(p, ms < CHECK_ICMP_MS ? ms : CHECK_ICMP_MS) >= 0;
	}
	probe_close(p);
	free(p);
	ctx->until = saved;
	return ok;
}

bool
check_reachable(struct check_ctx *ctx, unsigned ms)
{
	int l;

	if (ctx->srv != NULL && !server_alive(ctx->srv))
		return false;
	if (loopback(ctx) && (l = check_listening(ctx->port, ctx->udp)) >= 0)
		return l == 1;
	return answers(ctx, ms);
}

uint32_t
check_seed(struct check_ctx *ctx, uint32_t salt)
{
	uint32_t x = ctx->seed ^ (salt * 0x9e3779b9u);

	ctx->seeded = true;
	return x != 0 ? x : 0x2545f491u;
}

bool
check_survived(struct check_ctx *ctx, struct probe *p, unsigned ms,
               const char *sent, struct check_out *out)
{
	char got[CHECK_TEXT];

	if (p != NULL && probe_closed(p, ms))   /* dying? give it time */
		check_pause(ctx, ms);
	else if (p == NULL)
		check_pause(ctx, ms);
	if (check_reachable(ctx, 2000))
		return true;
	snprintf(got, sizeof(got), "%s", TR("the server stopped answering "
	         "(nothing listens on its port any more)", "el servidor dejó de "
	         "responder (ya nada escucha en su puerto)"));
	check_fail(out, sent, strlen(sent), TR("the server still answering",
	           "el servidor todavía responde"), got, strlen(got));
	return false;
}
