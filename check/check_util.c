/*
 * check_util.c — small helpers every test uses: unique nicknames, pauses
 * bounded by the test's deadline, failure reports, and whether the server
 * is still there.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

#include "check.h"
#include "check_probe.h"

void
check_nick(struct check_ctx *ctx, const char *tag, char *out, size_t outlen)
{
	snprintf(out, outlen, "k%04x%u%.8s", ctx->run & 0xffff, ctx->seq++, tag);
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

/* Copy s (n bytes) into out, printable: \n \r \t \xNN, "..." when cut. */
static void
show(char *out, const char *s, size_t n)
{
	size_t o = 0, i;
	unsigned char c;

	for (i = 0; i < n && o + 8 < CHECK_TEXT; i++) {
		c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || c == '\t')
			o += (size_t)snprintf(out + o, CHECK_TEXT - o, "\\%c",
			                      c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, CHECK_TEXT - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
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
