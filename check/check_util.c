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

#include "clock.h"
#include "text.h"

#include "check.h"
#include "check_probe.h"

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

bool
check_reachable(struct check_ctx *ctx, unsigned ms)
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
		ok = probe_line(p, ms) >= 0;
	}
	probe_close(p);
	free(p);
	ctx->until = saved;
	return ok;
}
