/*
 * check_tcp_room.c — the tests of the room over TCP: nicknames (first,
 * unique without regard to case, invalid ones refused with the connection
 * kept), chat to all but the sender, join and leave notices, and the
 * commands in Spanish and English.
 */
#include <stdio.h>
#include <string.h>

#include "check_room.h"

/* A line at A that contains every one of the words: true, else out. */
static bool
sees_all(struct probe *A, const char *w1, const char *w2, const char *sent,
         struct check_out *out)
{
	char want[128];

	snprintf(want, sizeof(want), "%s + %s", w1, w2);
	while (probe_expect(A, w1, false, PROBE_WAIT) == 1)
		if (strstr(A->line, w2) != NULL)
			return true;
	croom_fail(out, sent, want, A);
	return false;
}

void
t_tcp_nick_first(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	croom_say(&P[1], "primero");
	croom_sees(&P[0], P[1].nick, "primero", "primero\n", out);
	croom_close(P, 2);
}

/* A newcomer offers the nicknames in bad[] first, then a good one, then
 * chats: the member must see the chat under the good nickname. */
static void
offer(struct check_ctx *ctx, const char *const bad[], size_t n,
      struct check_out *out)
{
	struct probe *P = croom_open(ctx, 1, false, out), *B;
	char good[24], sent[128];
	size_t i, o = 0;

	if (P == NULL)
		return;
	if ((B = croom_guest(ctx, out)) != NULL) {
		for (i = 0; i < n; i++) {
			croom_say(B, bad[i]);
			o += (size_t)snprintf(sent + o, sizeof(sent) - o, "%.24s\\n",
			                      bad[i]);
		}
		check_nick(ctx, "ok", good, sizeof(good));
		croom_say(B, good);
		croom_say(B, "hola");
		snprintf(sent + o, sizeof(sent) - o, "%s\\nhola\\n", good);
		croom_sees(&P[0], good, "hola", sent, out);
		if (out->result != CHECK_FAIL && probe_closed(B, 0))
			croom_fail(out, sent, TR("the connection kept",
			          "la conexión abierta"), B);
		croom_leave(B);
	}
	croom_close(P, 1);
}

void
t_tcp_nick_case(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 1, false, out);
	char upper[24];
	const char *bad[1] = { upper };

	if (P == NULL)
		return;
	croom_upper(&P[0], upper, sizeof(upper));
	offer(ctx, bad, 1, out);        /* P[0] keeps the nickname meanwhile */
	croom_close(P, 1);
}

void
t_tcp_nick_invalid(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const bad[] = {
		"con espacio", "/barra", "abcdefghijklmnopqrstu",
	};

	offer(ctx, bad, sizeof(bad) / sizeof(bad[0]), out);
}

void
t_tcp_chat_all(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 3, false, out);

	if (P == NULL)
		return;
	croom_say(&P[0], "hola a todos");
	if (croom_sees(&P[1], P[0].nick, "hola a todos", "hola a todos\n", out))
		croom_sees(&P[2], P[0].nick, "hola a todos", "hola a todos\n", out);
	croom_close(P, 3);
}

void
t_tcp_chat_no_echo(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	croom_say(&P[0], "eco?");
	if (croom_sees(&P[1], P[0].nick, "eco?", "eco?\n", out))
		croom_quiet(&P[0], ": eco?", PROBE_QUIET, "eco?\n", out);
	croom_close(P, 2);
}

void
t_tcp_join_leave(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);

	if (P == NULL)
		return;
	if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1) {
		croom_fail(out, P[1].nick, TR("*** (join notice)",
		          "*** (aviso de entrada)"), &P[0]);
	} else {
		probe_close(&P[1]);
		if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1)
			croom_fail(out, TR("(close)", "(cierre)"), TR(
			          "*** (leave notice)", "*** (aviso de salida)"),
			          &P[0]);
	}
	croom_close(P, 2);
}

void
t_tcp_list(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const cmds[] = { "/list", "/listar" };
	struct probe *P = croom_open(ctx, 2, false, out);
	size_t i;

	if (P == NULL)
		return;
	for (i = 0; i < 2 && out->result != CHECK_FAIL; i++) {
		croom_say(&P[0], cmds[i]);
		sees_all(&P[0], P[0].nick, P[1].nick, cmds[i], out);
	}
	croom_close(P, 2);
}

void
t_tcp_msg(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const cmds[] = { "/msg", "/privado" };
	struct probe *P = croom_open(ctx, 3, false, out);
	char line[96];
	size_t i;

	if (P == NULL)
		return;
	for (i = 0; i < 2 && out->result != CHECK_FAIL; i++) {
		snprintf(line, sizeof(line), "%s %s secreto%zu", cmds[i],
		         P[1].nick, i);
		croom_say(&P[0], line);
		if (sees_all(&P[1], line + strlen(cmds[i]) + strlen(P[1].nick) + 2,
		             P[0].nick, line, out))
			croom_quiet(&P[2], "secreto", 0, line, out);
	}
	if (out->result != CHECK_FAIL)
		croom_quiet(&P[2], "secreto", PROBE_QUIET, line, out);
	croom_close(P, 3);
}

void
t_tcp_me(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char want[64];

	if (P == NULL)
		return;
	croom_say(&P[0], "/me saluda");
	snprintf(want, sizeof(want), "* %s saluda", P[0].nick);
	if (probe_expect(&P[1], want, false, PROBE_WAIT) != 1)
		croom_fail(out, "/me saluda", want, &P[1]);
	croom_close(P, 2);
}

void
t_tcp_nick_change(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *P = croom_open(ctx, 2, false, out);
	char nick[24], line[48];

	if (P == NULL)
		return;
	check_nick(ctx, "nuevo", nick, sizeof(nick));
	snprintf(line, sizeof(line), "/nick %s", nick);
	croom_say(&P[0], line);
	if (croom_notice(&P[1], nick, PROBE_WAIT) != 1) {
		croom_fail(out, line, TR("*** (nickname change notice)",
		          "*** (aviso de cambio de apodo)"), &P[1]);
	} else {
		croom_say(&P[0], "tras el cambio");
		croom_sees(&P[1], nick, "tras el cambio", "tras el cambio\n", out);
	}
	croom_close(P, 2);
}

void
t_tcp_quit(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const cmds[] = { "/quit", "/quitar", "/salir",
	                                    "salir" };
	struct probe *P;
	size_t i;

	for (i = 0; i < 4 && out->result != CHECK_FAIL; i++) {
		if ((P = croom_open(ctx, 2, false, out)) == NULL)
			return;
		croom_say(&P[1], cmds[i]);
		if (!probe_closed(&P[1], PROBE_WAIT))
			croom_still_open(out, cmds[i], PROBE_WAIT + CROOM_GAP_MS,
			                 &P[1]);
		else if (croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1 ||
		         croom_notice(&P[0], P[1].nick, PROBE_WAIT) != 1)
			croom_fail(out, cmds[i], TR("*** (leave notice)",
			          "*** (aviso de salida)"), &P[0]);
		croom_close(P, 2);
	}
}

void
t_tcp_ping_help(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const cmds[] = { "/help", "/ayuda" };
	struct probe *P = croom_open(ctx, 1, false, out);
	size_t i;

	if (P == NULL)
		return;
	croom_say(&P[0], "/ping tok42");
	if (probe_expect(&P[0], "*** pong tok42", true, PROBE_WAIT) != 1)
		croom_fail(out, "/ping tok42", "*** pong tok42", &P[0]);
	for (i = 0; i < 2 && out->result != CHECK_FAIL; i++) {
		croom_say(&P[0], cmds[i]);
		if (probe_expect(&P[0], "/", false, PROBE_WAIT) != 1 ||
		    strncmp(P[0].line, "*** ", 4) != 0)
			croom_fail(out, cmds[i], TR("*** (the commands)",
			          "*** (los comandos)"), &P[0]);
		probe_drain(&P[0], 100);
	}
	croom_close(P, 1);
}
