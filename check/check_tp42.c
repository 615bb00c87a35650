/*
 * check_tp42.c — the tp42 profile: what seed 003's statement ("TP 4.2 -
 * Chat con Sockets en Python") asks a student's server to do, tested the
 * way its Python client talks: the name first, alone, without a newline;
 * then each message in one send, as a person types it. The server's replies
 * need no newlines either, so the tests look for text, not lines.
 */
#include <stdio.h>
#include <string.h>

#include "check_room.h"

/* A's text must come to hold want (after the last mark). */
static bool
shows(struct probe *A, const char *want, const char *sent,
      struct check_out *out)
{
	if (probe_expect_text(A, want, PROBE_WAIT) == 1)
		return true;
	croom_fail(out, sent, want, A);
	return false;
}

/* A's text must come to hold B's text with B's name before it on one
 * line: the statement fixes only that the name comes with the message
 * (its code shows NAME: MESSAGE), so "[ana] hola" passes as "ana: hola". */
static bool
shows_pair(struct probe *A, const struct probe *B, const char *text,
           struct check_out *out)
{
	char want[160];

	if (probe_expect_pair(A, B->nick, text, PROBE_WAIT) == 1)
		return true;
	snprintf(want, sizeof(want), TR("%s: %s (or any line with the name, "
	         "then the message)", "%s: %s (o cualquier línea con el nombre "
	         "y luego el mensaje)"), B->nick, text);
	croom_fail(out, text, want, A);
	return false;
}

static void
mark_all(struct probe *P, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		probe_mark(&P[i]);
}

void
t_tp42_join(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 1, true, out), *B;

	if (P == NULL)
		return;
	if ((B = croom_open(ctx, 1, true, out)) != NULL) {
		if (shows(&P[0], B->nick, B->nick, out)) {
			probe_mark(&P[0]);
			croom_type(B, "/quitar");
			shows(&P[0], B->nick, "/quitar", out);
		}
		croom_close(B, 1);
	}
	croom_close(P, 1);
}

void
t_tp42_chat(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 3, true, out);

	if (P == NULL)
		return;
	mark_all(P, 3);
	croom_type(&P[1], "hola tp");
	if (shows_pair(&P[0], &P[1], "hola tp", out) &&
	    shows_pair(&P[2], &P[1], "hola tp", out) &&
	    probe_expect_pair(&P[1], P[1].nick, "hola tp", PROBE_QUIET) == 1)
		check_fail(out, "hola tp", 7, TR("nothing back to the sender",
		           "nada de vuelta al remitente"), P[1].reads,
		           P[1].reads_len);
	croom_close(P, 3);
}

void
t_tp42_list(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, true, out);

	if (P == NULL)
		return;
	mark_all(P, 2);
	croom_type(&P[1], "/listar");
	if (shows(&P[1], P[0].nick, "/listar", out))
		shows(&P[1], P[1].nick, "/listar", out);
	croom_close(P, 2);
}

void
t_tp42_list_left(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 3, true, out);
	const char *at, *from;
	char want[96];

	if (P == NULL)
		return;
	croom_type(&P[2], "/quitar");
	probe_closed(&P[2], PROBE_WAIT);
	probe_drain(&P[1], CROOM_TP42_MS);
	mark_all(P, 2);
	croom_type(&P[1], "/listar");
	if (shows(&P[1], P[0].nick, "/listar", out)) {
		probe_drain(&P[1], CROOM_TP42_MS);
		snprintf(want, sizeof(want), TR("the names without %s, who "
		         "left with /quitar", "los nombres sin %s, que salió con "
		         "/quitar"), P[2].nick);
		if ((at = strstr(P[1].text, P[2].nick)) != NULL) {
			/* the name that stayed, with what comes before it */
			from = at - P[1].text > 120 ? at - 120 : P[1].text;
			check_fail(out, "/listar", 7, want, from,
			           (size_t)(at - from) + strlen(P[2].nick));
		}
	}
	croom_close(P, 3);
}

void
t_tp42_quit(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, true, out);

	if (P == NULL)
		return;
	croom_type(&P[1], "/quitar");
	if (!probe_closed(&P[1], PROBE_WAIT))
		croom_still_open(out, "/quitar", PROBE_WAIT + CROOM_TP42_MS, &P[1]);
	croom_close(P, 2);
}

void
t_tp42_many(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 5, true, out);
	char msg[5][48];
	size_t i, j;

	if (P == NULL)
		return;
	mark_all(P, 5);
	for (i = 0; i < 5; i++) {
		snprintf(msg[i], sizeof(msg[i]), "mensaje %zu", i);
		croom_type(&P[i], msg[i]);
	}
	for (i = 0; i < 5 && out->result != CHECK_FAIL; i++)
		for (j = 0; j < 5 && out->result != CHECK_FAIL; j++)
			if (i != j)
				shows_pair(&P[j], &P[i], msg[i], out);
	croom_close(P, 5);
}

void
t_tp42_udp_chat(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, true, out);

	if (P == NULL)
		return;
	mark_all(P, 2);
	croom_type(&P[1], "hola udp");
	shows_pair(&P[0], &P[1], "hola udp", out);
	croom_close(P, 2);
}

void
t_tp42_udp_quit(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, true, out);
	char want[64];

	if (P == NULL)
		return;
	mark_all(P, 2);     /* "nothing came" proves nothing unless chat does */
	croom_type(&P[1], "antes");
	if (!shows_pair(&P[0], &P[1], "antes", out)) {
		croom_close(P, 2);
		return;
	}
	croom_type(&P[1], "/quitar");
	probe_drain(&P[0], 100);
	mark_all(P, 2);
	croom_type(&P[1], "otra cosa");
	snprintf(want, sizeof(want), "%s: otra cosa", P[1].nick);
	if (probe_expect_pair(&P[0], P[1].nick, "otra cosa", PROBE_QUIET) == 1)
		check_fail(out, "/quitar | otra cosa", 19, TR(
		           "nothing: the address was forgotten",
		           "nada: la dirección se olvidó"), P[0].reads,
		           P[0].reads_len);
	croom_close(P, 2);
}
