/*
 * check_room.c — a room of test clients for one test (see check_room.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_room.h"

struct probe *
room_guest(struct check_ctx *ctx, struct check_out *out)
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
room_leave(struct probe *p)
{
	if (p == NULL)
		return;
	probe_close(p);
	free(p);
}

/*
 * tp42 has no newline after the name: a server that has not read the name
 * before the next send takes both as one name. A notice of the join at an
 * earlier member shows the name was read on its own. A server that has
 * told no join after two waits is taken to tell none: the pause alone.
 */
static void
room_taken(struct check_ctx *ctx, struct probe *witness, const char *nick)
{
	if (!ctx->told && ctx->untold >= 2)
		return;
	if (probe_expect_text(witness, nick, 2 * PROBE_WAIT) == 1)
		ctx->told = true;
	else
		ctx->untold++;
}

struct probe *
room_open(struct check_ctx *ctx, size_t n, bool tp42, struct check_out *out)
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
		               tp42 ? ROOM_TP42_MS : PROBE_WAIT) < 0) {
			check_fail(out, nick, strlen(nick), TR_CONNECT,
			           P[i].seen, P[i].seen_len);
			room_close(P, n);
			return NULL;
		}
		if (tp42 && i > 0)
			room_taken(ctx, &P[0], nick);
	}
	return P;
}

void
room_close(struct probe *P, size_t n)
{
	size_t i;

	for (i = 0; P != NULL && i < n; i++)
		probe_close(&P[i]);
	free(P);
}

int
room_say(struct probe *p, const char *text)
{
	char buf[MSG_LINE_MAX + 2];
	int n = snprintf(buf, sizeof(buf), "%s\n", text);

	if (n < 0 || (size_t)n >= sizeof(buf) || probe_send(p, buf, (size_t)n) < 0)
		return -1;
	check_pause(p->ctx, ROOM_GAP_MS);
	return 0;
}

int
room_type(struct probe *p, const char *text)
{
	if (probe_sendstr(p, text) < 0)
		return -1;
	check_pause(p->ctx, ROOM_TP42_MS);
	return 0;
}

int
room_notice(struct probe *p, const char *nick, unsigned ms)
{
	int r;

	while ((r = probe_expect(p, nick, false, ms)) == 1)
		if (strncmp(p->line, "*** ", 4) == 0)
			return 1;
	return r;
}

void
room_fail(struct check_out *out, const char *sent, const char *expected,
          const struct probe *p)
{
	check_fail(out, sent, sent ? strlen(sent) : 0, expected,
	           p->seen_len ? p->seen : p->text,
	           p->seen_len ? p->seen_len : p->text_len);
}

bool
room_quiet(struct probe *p, const char *s, unsigned ms, const char *sent,
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
room_sees(struct probe *p, const char *nick, const char *text,
          const char *sent, struct check_out *out)
{
	char want[MSG_LINE_MAX + 64];

	snprintf(want, sizeof(want), "%s: %s", nick, text);
	if (probe_expect(p, want, true, PROBE_WAIT) == 1)
		return true;
	room_fail(out, sent, want, p);
	return false;
}

bool
room_clean(const struct probe *p, const char *sent, size_t len,
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
room_upper(const struct probe *p, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; p->nick[i] != '\0' && i < outlen - 1; i++)
		out[i] = (char)toupper((unsigned char)p->nick[i]);
	out[i] = '\0';
}
