/*
 * check_tcp_robust.c — what a client can throw at a TCP server: a line over
 * the 1 KiB cap, control characters, a reset instead of a goodbye, and
 * garbage. The server must refuse, escape, announce and survive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_room.h"

#define GARBAGE_BYTES (256 * 1024)
#define GARBAGE_SETTLE_MS 150   /* for a dying process to close its port */

/* The cap: 2000 bytes are refused with a notice to the sender, never
 * relayed, and the line after them is relayed as usual. */
void
t_tcp_cap(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char big[2002];

	if (P == NULL)
		return;
	memset(big, 'x', 2000);
	big[2000] = '\n';
	probe_send(&P[1], big, 2001);
	check_pause(ctx, CROOM_GAP_MS);
	croom_say(&P[1], "despues");
	if (probe_expect(&P[1], "*** ", false, PROBE_WAIT) != 1)
		croom_fail(out, "x * 2000 \\n despues\\n", TR(
		          "*** (error notice to the sender)",
		          "*** (aviso de error al remitente)"), &P[1]);
	else if (croom_sees(&P[0], P[1].nick, "despues",
	                   "x * 2000 \\n despues\\n", out) &&
	         strstr(P[0].seen, "xxxxxxxxxx") != NULL)
		croom_fail(out, "x * 2000 \\n despues\\n", TR(
		          "no part of the long line", "nada de la línea larga"),
		          &P[0]);
	croom_close(P, 2);
}

/* Exactly 1024 bytes is still a message. */
void
t_tcp_cap_exact(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char msg[1026], want[1100];

	if (P == NULL)
		return;
	memset(msg, 'y', 1024);
	msg[1024] = '\0';
	croom_say(&P[1], msg);
	snprintf(want, sizeof(want), "%s: %s", P[1].nick, msg);
	if (probe_expect(&P[0], want, true, PROBE_WAIT) != 1)
		croom_fail(out, "y * 1024 \\n", TR("NICK: y * 1024",
		          "APODO: y * 1024"), &P[0]);
	croom_close(P, 2);
}

void
t_tcp_control(struct check_ctx *ctx, struct check_out *out)
{
	static const char msg[] = "a\x1b[31mrojo\x07b\x01c\x7f" "d\x1b]0;x\x07\r";
	struct probe *P = croom_open(ctx, 2, false, out);
	char want[32];

	if (P == NULL)
		return;
	probe_send(&P[1], msg, sizeof(msg) - 1);
	probe_sendstr(&P[1], "\n");
	snprintf(want, sizeof(want), "%s: a", P[1].nick);
	if (probe_expect(&P[0], want, false, PROBE_WAIT) != 1 ||
	    strstr(P[0].line, "rojo") == NULL)
		croom_fail(out, msg, want, &P[0]);
	else
		croom_clean(&P[0], msg, sizeof(msg) - 1, out);
	croom_close(P, 2);
}

void
t_tcp_rst(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1) {
		croom_fail(out, P[1].nick, TR("*** (join notice)",
		          "*** (aviso de entrada)"), &P[0]);
	} else {
		probe_send(&P[1], "medio", 5);  /* half a line, then the RST */
		check_pause(ctx, CROOM_GAP_MS);
		probe_reset(&P[1]);
		if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1)
			croom_fail(out, TR("medio, then RST", "medio, luego RST"),
			          TR("*** (leave notice)", "*** (aviso de salida)"),
			          &P[0]);
	}
	croom_close(P, 2);
}

void
t_tcp_garbage(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *G, *P;
	char *buf = malloc(GARBAGE_BYTES), nick[24];
	uint32_t x = check_seed(ctx, 1);

	if (buf == NULL || (G = croom_guest(ctx, out)) == NULL) {
		free(buf);
		return;
	}
	check_nick(ctx, "g", nick, sizeof(nick));
	probe_join(G, nick, true, PROBE_WAIT);
	check_garbage(&x, buf, GARBAGE_BYTES);
	probe_send(G, buf, GARBAGE_BYTES);
	probe_drain(G, 200);
	probe_reset(G);
	free(buf);
	free(G);
	if (!check_survived(ctx, NULL, GARBAGE_SETTLE_MS, TR("256 KiB of "
	                    "random bytes", "256 KiB de bytes al azar"), out) ||
	    (P = croom_open(ctx, 2, false, out)) == NULL)
		return;
	croom_say(&P[1], "sigo aqui");
	croom_sees(&P[0], P[1].nick, "sigo aqui", TR("256 KiB of random bytes, "
	          "then a new pair", "256 KiB de bytes al azar, luego otra "
	          "pareja"), out);
	croom_close(P, 2);
}
