/*
 * check_udp.c — the tests over UDP: the first datagram is the nickname
 * (unique without regard to case), chat goes to every other member as one
 * datagram, /list and /listar, /quitar, the idle timeout stated, the 1 KiB
 * cap, control characters, and garbage datagrams.
 */
#include <stdio.h>
#include <string.h>

#include "check_room.h"

void
t_udp_nick_first(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	probe_sendstr(&P[1], "hola udp");
	croom_sees(&P[0], P[1].nick, "hola udp", "hola udp", out);
	croom_close(P, 2);
}

void
t_udp_chat(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 3, false, out);

	if (P == NULL)
		return;
	probe_sendstr(&P[0], "a todos\n");
	if (croom_sees(&P[1], P[0].nick, "a todos", "a todos\\n", out) &&
	    croom_sees(&P[2], P[0].nick, "a todos", "a todos\\n", out))
		croom_quiet(&P[0], ": a todos", PROBE_QUIET, "a todos\\n", out);
	croom_close(P, 3);
}

void
t_udp_nick_case(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 1, false, out), *B;
	char upper[24], good[24];

	if (P == NULL)
		return;
	croom_upper(&P[0], upper, sizeof(upper));
	if ((B = croom_guest(ctx, out)) != NULL) {
		probe_sendstr(B, upper);
		check_pause(ctx, CROOM_GAP_MS);
		check_nick(ctx, "ok", good, sizeof(good));
		probe_sendstr(B, good);
		check_pause(ctx, CROOM_GAP_MS);
		probe_sendstr(B, "hola");
		croom_sees(&P[0], good, "hola", upper, out);
		croom_leave(B);
	}
	croom_close(P, 1);
}

void
t_udp_list(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const cmds[] = { "/list", "/listar" };
	struct probe *P = croom_open(ctx, 2, false, out);
	size_t i;
	int r;

	if (P == NULL)
		return;
	for (i = 0; i < 2 && out->result != CHECK_FAIL; i++) {
		probe_sendstr(&P[0], cmds[i]);
		while ((r = probe_expect(&P[0], P[0].nick, false, PROBE_WAIT)) == 1)
			if (strstr(P[0].line, P[1].nick) != NULL)
				break;
		if (r != 1)
			croom_fail(out, cmds[i], TR("a line with both nicknames",
			          "una línea con los dos apodos"), &P[0]);
	}
	croom_close(P, 2);
}

void
t_udp_quit(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char after[48];

	if (P == NULL)
		return;
	croom_notice(&P[0], P[1].nick, PROBE_WAIT);      /* its join */
	probe_sendstr(&P[1], "/quitar");
	if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1) {
		croom_fail(out, "/quitar", TR("*** (leave notice)",
		          "*** (aviso de salida)"), &P[0]);
	} else {
		check_nick(ctx, "fa", after, sizeof(after));
		probe_sendstr(&P[1], after);
		snprintf(after, sizeof(after), "%s: ", P[1].nick);
		croom_quiet(&P[0], after, PROBE_QUIET, TR(
		           "/quitar, then a datagram", "/quitar, luego un datagrama"),
		           out);
	}
	croom_close(P, 2);
}

void
t_udp_idle(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P;
	char nick[24];

	if ((P = croom_guest(ctx, out)) == NULL)
		return;
	check_nick(ctx, "", nick, sizeof(nick));
	probe_sendstr(P, nick);
	if (probe_expect(P, "idle-timeout=", false, PROBE_WAIT) != 1)
		croom_fail(out, nick, "[idle-timeout=SECONDS]", P);
	probe_sendstr(P, "/quit");
	croom_leave(P);
}

void
t_udp_cap(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char big[1101];

	if (P == NULL)
		return;
	memset(big, 'x', 1100);
	probe_send(&P[1], big, 1100);
	if (probe_expect(&P[1], "*** ", false, PROBE_WAIT) != 1) {
		croom_fail(out, "x * 1100", TR("*** (error notice to the sender)",
		          "*** (aviso de error al remitente)"), &P[1]);
	} else {
		memset(big, 'y', 1024);
		big[1024] = '\0';
		probe_send(&P[1], big, 1024);
		if (croom_sees(&P[0], P[1].nick, big, "x * 1100, y * 1024", out) &&
		    strstr(P[0].seen, "xxxxxxxxxx") != NULL)
			croom_fail(out, "x * 1100", TR("no part of the long datagram",
			          "nada del datagrama largo"), &P[0]);
	}
	croom_close(P, 2);
}

void
t_udp_control(struct check_ctx *ctx, struct check_out *out)
{
	static const char msg[] = "a\x1b[31mrojo\x07b\x01c\x7f" "d";
	struct probe *P = croom_open(ctx, 2, false, out);
	char want[32];

	if (P == NULL)
		return;
	probe_send(&P[1], msg, sizeof(msg) - 1);
	snprintf(want, sizeof(want), "%s: a", P[1].nick);
	if (probe_expect(&P[0], want, false, PROBE_WAIT) != 1)
		croom_fail(out, msg, want, &P[0]);
	else
		croom_clean(&P[0], msg, sizeof(msg) - 1, out);
	croom_close(P, 2);
}

void
t_udp_garbage(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *G = croom_guest(ctx, out), *P;
	uint32_t x = check_seed(ctx, 2);
	char buf[1500];
	size_t d;

	if (G == NULL)
		return;
	for (d = 0; d < 200; d++) {
		check_garbage(&x, buf, sizeof(buf));
		probe_send(G, buf, 1 + x % sizeof(buf));
		if (d % 20 == 19)
			check_pause(ctx, 10);   /* the server's buffer, not a flood */
	}
	croom_leave(G);
	if (!check_survived(ctx, NULL, 150, TR("200 random datagrams",
	                    "200 datagramas al azar"), out) ||
	    (P = croom_open(ctx, 2, false, out)) == NULL)
		return;
	probe_sendstr(&P[1], "sigo aqui");
	croom_sees(&P[0], P[1].nick, "sigo aqui", TR("200 random datagrams, then "
	          "a new pair", "200 datagramas al azar, luego otra pareja"),
	          out);
	croom_close(P, 2);
}
