/*
 * check_tcp_frame.c — the tests of TCP framing: a line is a line however
 * the stream is cut (byte by byte, many in one segment, at every byte, in
 * the middle of a UTF-8 character), "\r\n" counts as "\n", and a client that
 * never sends a newline is framed by a silence.
 */
#include <stdio.h>
#include <string.h>

#include "check_room.h"

/* B's chat line "B: text" as A should see it. */
static void
chat_line(char *out, size_t outlen, const struct probe *from, const char *text)
{
	snprintf(out, outlen, "%s: %s", from->nick, text);
}

/* A must see exactly "B: text" (else out is filled). */
static bool
sees(struct probe *A, const struct probe *B, const char *text,
     const char *sent, struct check_out *out)
{
	char want[MSG_LINE_MAX + 64];

	chat_line(want, sizeof(want), B, text);
	if (probe_expect(A, want, true, PROBE_WAIT) == 1)
		return true;
	croom_fail(out, sent, want, A);
	return false;
}

void
t_tcp_welcome(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *p = croom_guest(ctx, out);

	if (p == NULL)
		return;
	if (probe_line(p, PROBE_WAIT) != 1 || strncmp(p->line, "*** ", 4) != 0)
		croom_fail(out, TR("(connect)", "(conectar)"),
		          TR("a line starting with \"*** \"",
		             "una línea que empiece por \"*** \""), p);
	croom_leave(p);
}

void
t_tcp_bytewise(struct check_ctx *ctx, struct check_out *out)
{
	const char *msg = "hola byte a byte\n";
	struct probe *P = croom_open(ctx, 2, false, out);
	size_t i;

	if (P == NULL)
		return;
	for (i = 0; msg[i] != '\0'; i++) {
		probe_send(&P[1], msg + i, 1);
		check_pause(ctx, 5);
	}
	sees(&P[0], &P[1], "hola byte a byte", msg, out);
	croom_close(P, 2);
}

void
t_tcp_merged(struct check_ctx *ctx, struct check_out *out)
{
	const char *msg = "uno\ndos\ntres\n";
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	probe_sendstr(&P[1], msg);
	if (sees(&P[0], &P[1], "uno", msg, out) &&
	    sees(&P[0], &P[1], "dos", msg, out))
		sees(&P[0], &P[1], "tres", msg, out);
	croom_close(P, 2);
}

void
t_tcp_crlf(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	probe_sendstr(&P[1], "hola crlf\r\n");
	sees(&P[0], &P[1], "hola crlf", "hola crlf\r\n", out);
	croom_close(P, 2);
}

void
t_tcp_cuts(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char msg[96], one[32], two[32];
	size_t k, len;

	if (P == NULL)
		return;
	for (k = 1; out->result != CHECK_FAIL; k++) {
		snprintf(one, sizeof(one), "c%02u uno", (unsigned)k);
		snprintf(two, sizeof(two), "c%02u dos", (unsigned)k);
		len = (size_t)snprintf(msg, sizeof(msg), "%s\n%s\n", one, two);
		if (k >= len)
			break;
		probe_send(&P[1], msg, k);      /* the cut: two segments */
		check_pause(ctx, 25);
		probe_send(&P[1], msg + k, len - k);
		if (sees(&P[0], &P[1], one, msg, out))
			sees(&P[0], &P[1], two, msg, out);
	}
	croom_close(P, 2);
}

void
t_tcp_utf8_split(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	probe_sendstr(&P[1], "mu\xc3");         /* ñ is C3 B1 */
	check_pause(ctx, 100);
	probe_sendstr(&P[1], "\xb1oz\n");
	sees(&P[0], &P[1], "mu\xc3\xb1oz", "mu\xc3 | \xb1oz\n", out);
	croom_close(P, 2);
}

void
t_tcp_silence(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 1, false, out), *C;
	char nick[24];

	if (P == NULL)
		return;
	if ((C = croom_guest(ctx, out)) != NULL) {
		check_nick(ctx, "", nick, sizeof(nick));
		probe_join(C, nick, false, CROOM_TP42_MS);
		check_pause(ctx, CROOM_TP42_MS);
		croom_type(C, "hola sin salto");
		sees(&P[0], C, "hola sin salto", "hola sin salto", out);
		croom_leave(C);
	}
	croom_close(P, 1);
}
