/*
 * check_crash.c — where students' servers crash: lines of 1 KiB + 1, 4 KiB
 * + 1, 5,000 bytes, 64 KiB and 1 MiB (with and without a newline), a
 * connection that closes at once, a reset in the middle of a line, invalid
 * UTF-8 and NUL bytes. Each input is followed by a look at whether the
 * server still answers, so the test that fails is the one that killed it.
 * And the verdict of the whole run on that: TCP-LIVE-01 and its kin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_room.h"

#define CRASH_SETTLE_MS 150     /* for a dying process to close its port */

/* One client joined as the profile's clients join, or NULL (out filled). */
static struct probe *
joined(struct check_ctx *ctx, struct check_out *out)
{
	return croom_open(ctx, 1, ctx->tp42, out);
}

/* n bytes of 'z', then a newline (and the client stays), or none (and the
 * client leaves with its line unfinished). */
static void
big(struct check_ctx *ctx, struct check_out *out, size_t n)
{
	char sent[96] = "", *buf = malloc(n + 1);
	struct probe *P;
	int nl;

	if (buf == NULL)
		return;
	memset(buf, 'z', n);
	buf[n] = '\n';
	for (nl = 1; nl >= 0 && out->result != CHECK_FAIL; nl--) {
		if ((P = joined(ctx, out)) == NULL) {   /* the last input? */
			if (sent[0] != '\0')
				check_survived(ctx, NULL, CRASH_SETTLE_MS, sent, out);
			break;
		}
		snprintf(sent, sizeof(sent), nl ? TR("%zu bytes of z, then \\n",
		         "%zu bytes de z, luego \\n") : TR("%zu bytes of z, no "
		         "newline, then a close", "%zu bytes de z, sin salto de "
		         "línea, luego un cierre"), n);
		probe_send(&P[0], buf, n + (size_t)nl);
		if (!nl)
			probe_close(&P[0]);
		check_survived(ctx, nl ? &P[0] : NULL, CRASH_SETTLE_MS, sent, out);
		croom_close(P, 1);
	}
	free(buf);
}

void t_tcp_big_1k(struct check_ctx *c, struct check_out *o) { big(c, o, 1025); }
void t_tcp_big_4k(struct check_ctx *c, struct check_out *o) { big(c, o, 4097); }
void t_tcp_big_5000(struct check_ctx *c, struct check_out *o) { big(c, o, 5000); }
void t_tcp_big_64k(struct check_ctx *c, struct check_out *o) { big(c, o, 65536); }
void t_tcp_big_1m(struct check_ctx *c, struct check_out *o) { big(c, o, 1 << 20); }

void
t_tcp_close_at_once(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *G;
	char nick[24];

	if ((G = croom_guest(ctx, out)) == NULL)
		return;
	croom_leave(G);                 /* connected, closed, nothing said */
	if (!check_survived(ctx, NULL, CRASH_SETTLE_MS, TR("(connect, close)",
	                    "(conectar, cerrar)"), out) ||
	    (G = croom_guest(ctx, out)) == NULL)
		return;
	check_nick(ctx, "", nick, sizeof(nick));
	probe_sendstr(G, nick);         /* a name, then gone at once */
	if (!ctx->tp42)
		probe_sendstr(G, "\n");
	croom_leave(G);
	check_survived(ctx, NULL, CRASH_SETTLE_MS, TR("(connect, a nickname, "
	               "close)", "(conectar, un apodo, cerrar)"), out);
}

void
t_tcp_reset_mid_line(struct check_ctx *ctx, struct check_out *out)
{
	struct probe *G, *P;

	if ((G = croom_guest(ctx, out)) == NULL)
		return;
	probe_sendstr(G, "k0");         /* half a nickname, then a reset */
	check_pause(ctx, CROOM_GAP_MS);
	probe_reset(G);
	free(G);
	if (!check_survived(ctx, NULL, CRASH_SETTLE_MS, TR("k0, then RST",
	                    "k0, luego RST"), out) ||
	    (P = joined(ctx, out)) == NULL)
		return;
	probe_sendstr(&P[0], "medio sin terminar");
	check_pause(ctx, CROOM_GAP_MS);
	probe_reset(&P[0]);
	check_survived(ctx, NULL, CRASH_SETTLE_MS, TR("a nickname, \"medio sin "
	               "terminar\", then RST", "un apodo, \"medio sin terminar\", "
	               "luego RST"), out);
	croom_close(P, 1);
}

/* Invalid UTF-8 and NUL: as a nickname, then (after a good one) as chat,
 * then seeded random bytes. */
void
t_tcp_bad_bytes(struct check_ctx *ctx, struct check_out *out)
{
	static const char *const bad[] = {
		"\xff\xfe\xc3\x28", "a\0b", "hola \xed\xa0\x80 \xc0\xaf", "\0\0\0",
	};
	static const size_t len[] = { 4, 3, 12, 3 };
	static const char *const shown[] = {     /* as a failure shows them */
		"\\xff\\xfe\\xc3(\\n", "a\\x00b\\n",
		"hola \\xed\\xa0\\x80 \\xc0\\xaf\\n", "\\x00\\x00\\x00\\n",
	};
	struct probe *G;
	char nick[24], rnd[64];
	uint32_t x = check_seed(ctx, 3);
	size_t i;

	if ((G = croom_guest(ctx, out)) == NULL)
		return;
	for (i = 0; i < 4 && out->result != CHECK_FAIL; i++) {
		if (i == 1) {           /* the first as a nickname, then a good one */
			check_nick(ctx, "", nick, sizeof(nick));
			probe_sendstr(G, nick);
			probe_sendstr(G, "\n");
		}
		probe_send(G, bad[i], len[i]);
		probe_sendstr(G, "\n");
		check_survived(ctx, G, 100, shown[i], out);
	}
	check_garbage(&x, rnd, sizeof(rnd));
	if (out->result != CHECK_FAIL) {
		rnd[sizeof(rnd) - 1] = '\n';
		probe_send(G, rnd, sizeof(rnd));
		check_survived(ctx, G, CRASH_SETTLE_MS, TR("64 random bytes",
		               "64 bytes al azar"), out);
	}
	croom_leave(G);
}

/* The verdict on survival: the server answered through every test. */
void
t_live(struct check_ctx *ctx, struct check_out *out)
{
	if (ctx->crashes == 0 && check_reachable(ctx, 2000))
		return;
	if (ctx->crashes == 0)
		snprintf(ctx->lost_how, sizeof(ctx->lost_how), "%s", TR(
		         "it no longer answers", "ya no responde"));
	check_fail(out, TR("every input of the tests",
	           "cada entrada de las pruebas"), strlen(TR(
	           "every input of the tests", "cada entrada de las pruebas")),
	           TR("the server answering from the first test to the last",
	              "el servidor respondiendo de la primera prueba a la última"),
	           ctx->lost_how, strlen(ctx->lost_how));
}
