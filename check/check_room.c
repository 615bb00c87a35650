/*
 * check_room.c — a room of test clients for one test (see check_room.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#include "check_room.h"

struct probe *
croom_guest(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *p = malloc(sizeof(*p));

	if (p == NULL || probe_open(ctx, p) < 0) {
		free(p);
		check_fail(out, NULL, 0, TR_CONNECT, NULL, 0);
		return NULL;
	}
	return p;
}

void
croom_leave(struct probe *p)
{
	if (p == NULL)
		return;
	probe_close(p);
	free(p);
}

/*
 * tp42 has no newline after the name: a server that has not read the name
 * before the next send takes both as one name. A notice of the join at an
 * earlier member shows the name was read on its own. Join notices are
 * optional (a SHOULD): the wait for one has a budget of its own, added to
 * the test's deadline, so it never spends a MUST test's time; and a
 * server that told no join at the first wait is taken to tell none (the
 * pause alone) for the rest of the run.
 */
static void
croom_taken(struct check_ctx *ctx, struct probe *witness, const char *nick)
{
	uint64_t t0 = clock_us(), saved = ctx->until;

	if (!ctx->told && ctx->untold >= 1)
		return;
	ctx->until = 0;
	if (probe_expect_text(witness, nick, 2 * PROBE_WAIT) == 1)
		ctx->told = true;
	else
		ctx->untold++;
	ctx->until = saved != 0 ? saved + (clock_us() - t0) : 0;
}

struct probe *
croom_open(struct check_ctx *ctx, size_t n, bool tp42, struct check_out *out)
{
	struct probe *P = calloc(n, sizeof(*P));
	char nick[24];
	size_t i;

	if (P == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		P[i].fd = -1;
	for (i = 0; i < n; i++) {
		check_nick(ctx, "", nick, sizeof(nick));
		if (probe_open(ctx, &P[i]) < 0 ||
		    probe_join(&P[i], nick, !tp42,
		               tp42 ? CROOM_TP42_MS : PROBE_WAIT) < 0) {
			check_fail(out, nick, strlen(nick), TR_CONNECT,
			           P[i].seen, P[i].seen_len);
			croom_close(P, n);
			return NULL;
		}
		if (tp42 && i > 0)
			croom_taken(ctx, &P[0], nick);
	}
	return P;
}

void
croom_close(struct probe *P, size_t n)
{
	size_t i;

	for (i = 0; P != NULL && i < n; i++)
		probe_close(&P[i]);
	free(P);
}

int
croom_say(struct probe *p, const char *text)
{
	char buf[MSG_LINE_MAX + 2];
	int n = snprintf(buf, sizeof(buf), "%s\n", text);

	if (n < 0 || (size_t)n >= sizeof(buf) || probe_send(p, buf, (size_t)n) < 0)
		return -1;
	check_pause(p->ctx, CROOM_GAP_MS);
	return 0;
}

int
croom_type(struct probe *p, const char *text)
{
	if (probe_sendstr(p, text) < 0)
		return -1;
	check_pause(p->ctx, CROOM_TP42_MS);
	return 0;
}

int
croom_notice(struct probe *p, const char *nick, unsigned ms)
{
	int r;

	while ((r = probe_expect(p, nick, false, ms)) == 1)
		if (strncmp(p->line, "*** ", 4) == 0)
			return 1;
	return r;
}

void
croom_fail(struct check_out *out, const char *sent, const char *expected,
           const struct probe *p)
{
	const char *got = p->seen_len ? p->seen : p->reads;
	size_t len = p->seen_len ? p->seen_len : p->reads_len;
	char buf[CHECK_TEXT];
	size_t keep;

	if (!p->eof || p->udp) {
		check_fail(out, sent, sent ? strlen(sent) : 0, expected, got, len);
		return;
	}
	/* The end is what matters: the latest bytes, then the close. */
	keep = sizeof(buf) / 2;
	if (len > keep) {
		got += len - keep;
		len = keep;
	}
	len = (size_t)snprintf(buf, sizeof(buf), "%s%.*s%s", len ? "" : "",
	                       (int)len, got, TR(" [then the server closed the "
	                       "connection]", " [luego el servidor cerró la "
	                       "conexión]"));
	check_fail(out, sent, sent ? strlen(sent) : 0, expected, buf,
	           len < sizeof(buf) ? len : sizeof(buf) - 1);
}

void
croom_still_open(struct check_out *out, const char *sent, unsigned ms,
                 const struct probe *p)
{
	char got[CHECK_TEXT];
	size_t len = p->seen_len ? p->seen_len : p->reads_len;
	const char *last = p->seen_len ? p->seen : p->reads;

	if (len > 80) {
		last += len - 80;
		len = 80;
	}
	snprintf(got, sizeof(got), TR("still open after %.1f s (last "
	         "received: %.*s)", "sigue abierta tras %.1f s (lo último "
	         "recibido: %.*s)"), ms / 1000.0, (int)len, len ? last : "-");
	check_fail(out, sent, sent ? strlen(sent) : 0, TR("the server closes "
	           "the connection", "el servidor cierra la conexión"), got,
	           strlen(got));
}

bool
croom_quiet(struct probe *p, const char *s, unsigned ms, const char *sent,
           struct check_out *out)
{
	char want[CHECK_TEXT];

	if (probe_expect(p, s, false, ms) != 1)
		return true;
	snprintf(want, sizeof(want), "%s \"%s\"", TR("nothing containing",
	         "nada que contenga"), s);
	check_fail(out, sent, sent ? strlen(sent) : 0, want, p->line,
	           p->line_len);
	return false;
}

bool
croom_sees(struct probe *p, const char *nick, const char *text,
          const char *sent, struct check_out *out)
{
	char want[MSG_LINE_MAX + 64];

	snprintf(want, sizeof(want), "%s: %s", nick, text);
	if (probe_expect(p, want, true, PROBE_WAIT) == 1)
		return true;
	croom_fail(out, sent, want, p);
	return false;
}

bool
croom_clean(const struct probe *p, const char *sent, size_t len,
           struct check_out *out)
{
	size_t i;

	for (i = 0; i < p->line_len; i++)
		if (((unsigned char)p->line[i] < 0x20 && p->line[i] != '\t') ||
		    p->line[i] == 0x7f)
			break;
	if (i == p->line_len)
		return true;
	check_fail(out, sent, len, TR("no control characters but tab",
	           "ningún carácter de control salvo el tabulador"), p->line,
	           p->line_len);
	return false;
}

void
croom_upper(const struct probe *p, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; p->nick[i] != '\0' && i < outlen - 1; i++)
		out[i] = (char)toupper((unsigned char)p->nick[i]);
	out[i] = '\0';
}
