/*
 * bench_bots.c — --bots K: K bots that chat at a human pace with canned
 * Spanish lines, for a classroom demo ("what does the server do with a
 * room full of people?"). The same --seed gives the same conversation.
 *
 * Over UDP a bot is a UDP client like udpchat: it sends its nickname as
 * "/nick NAME" again, with a growing wait, until the server welcomes it
 * (BENCH_NICK_TRIES in all; a server that never answers, such as the seed
 * 003 one, is then taken as it is), speaks only once welcomed, and
 * introduces itself again when the server asks "who are you?" (it
 * restarted).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatbench.h"
#include "catalog.h"
#include "reply.h"

/* A UDP bot's introduction: tries so far, when to try again. */
struct bot_nick {
	unsigned tries;
	uint64_t retry_at;
};

#define BOTS_MIN_US 2000000   /* a bot speaks every 2 to 9 seconds */
#define BOTS_SPAN_US 7000000

static const char *const names[] = {
	"ana", "luis", "eva", "pablo", "marta", "diego", "sofia", "jorge",
	"lucia", "carlos", "elena", "tomas", "paula", "andres", "irene", "raul",
};

static const char *const lines[] = {
	"hola a todos",
	"¿alguien entendió el three-way handshake?",
	"el profe dijo que UDP no garantiza el orden",
	"acabo de ver un SYN-ACK en la captura",
	"¿qué puerto usa el servidor TCP? ¿el 5000?",
	"con UDP no hay conexión, solo datagramas",
	"me llegó tu mensaje dos veces, raro",
	"¿cuánto da el RTT en loopback?",
	"TCP retransmite lo que se pierde, UDP no",
	"prueben /list para ver quién está",
	"el servidor con hilos usa un hilo por cliente",
	"el de epoll atiende a todos con un solo hilo",
	"¿alguien tiene el enunciado del TP 4.2?",
	"en la captura se ve el FIN de cada lado",
	"jaja se me cayó la conexión",
	"ya volví",
	"¿el checksum de UDP es opcional en IPv4?",
	"la ventana de TCP controla el flujo",
	"buenísimo, funciona en mi máquina",
	"nos vemos en la próxima clase",
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ull;
}

/* Bot i's nickname: a name, with a number once the names run out. */
static void
bot_name(size_t i, char *out, size_t cap)
{
	size_t n = sizeof(names) / sizeof(names[0]);

	if (i < n)
		snprintf(out, cap, "%s", names[i]);
	else
		snprintf(out, cap, "%s%zu", names[i % n], i / n + 1);
}

/* A datagram for bot c (E->on_data): its welcome, or "who are you?". */
static void
bot_heard(struct bench_engine *E, struct bconn *c, const char *p, size_t len)
{
	struct bot_nick *nick = (struct bot_nick *)E->user + c->id;
	const char *nl;
	struct reply r;
	size_t n;

	for (; len > 0; p += n + 1, len -= n + 1) {
		nl = memchr(p, '\n', len);
		n = nl != NULL ? (size_t)(nl - p) : len;
		reply_parse(p, n, &r);
		if (r.kind == REPLY_ACCEPTED) {
			c->registered = true;
		} else if (r.kind == REPLY_WHO || r.kind == REPLY_NEED_NICK) {
			c->registered = false;      /* introduce it again now */
			nick->tries = 0;
			nick->retry_at = 0;
		}
		if (nl == NULL)
			break;
	}
}

/* UDP: send bot i's nickname again when its time has come. */
static void
bot_introduce(struct bench_engine *E, size_t i, struct bot_nick *nick,
              uint64_t now)
{
	char name[32], msg[48];

	if (E->c[i].registered || now < nick->retry_at)
		return;
	if (nick->tries >= BENCH_NICK_TRIES) {
		E->c[i].registered = true;      /* a server that confirms nothing */
		return;
	}
	bot_name(i, name, sizeof(name));
	if (nick->tries > 0)
		printf(TR("*** %s: no answer (the datagram or its reply may have "
		          "been lost), retry %u/%u…\n",
		          "*** %s: sin respuesta (el datagrama o su respuesta "
		          "pueden haberse perdido), reintento %u/%u…\n"),
		       name, nick->tries + 1, BENCH_NICK_TRIES);
	fflush(stdout);
	snprintf(msg, sizeof(msg), "/nick %s", name);
	bench_engine_send(E, &E->c[i], msg, strlen(msg));
	nick->retry_at = now + bench_nick_backoff(++nick->tries);
}

int
bench_bots(const struct bench_opts *o, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct bench_result res = { 0 };
	struct bench_engine E;
	uint64_t rng = o->seed ? o->seed : 1, now, end, *next;
	struct bot_nick *nick;
	char name[32], line[160];
	const char *text;
	size_t i, nlines = sizeof(lines) / sizeof(lines[0]);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (bench_engine_init(&E, o, &res, o->bots, err, errlen) < 0)
		return -1;
	next = calloc(o->bots, sizeof(*next));
	nick = calloc(o->bots, sizeof(*nick));
	E.on_data = o->udp ? bot_heard : NULL;
	E.user = nick;
	if (next == NULL || nick == NULL ||
	    bench_engine_connect(&E, false, clock_us() + 10000000) < 0 ||
	    res.connected == 0) {
		snprintf(err, errlen, "%zu of %zu bots connected to %s:%d",
		         res.connected, o->bots, o->host, o->port);
		free(next);
		free(nick);
		bench_engine_free(&E);
		return -1;
	}
	now = clock_us();
	for (i = 0; i < o->bots; i++) {
		bot_name(i, name, sizeof(name));
		snprintf(line, sizeof(line), "%s\n", name);
		if (!o->udp)
			bench_engine_send(&E, &E.c[i], line, strlen(line));
		next[i] = now + BOTS_MIN_US / 2 + next_random(&rng) % BOTS_SPAN_US;
	}
	end = o->duration > 0 ? now + (uint64_t)(o->duration * 1e6) : UINT64_MAX;
	while (!stop && (now = clock_us()) < end) {
		for (i = 0; i < o->bots; i++) {
			if (o->udp && E.c[i].fd >= 0)
				bot_introduce(&E, i, &nick[i], now);
			if (now < next[i] || E.c[i].fd < 0 ||
			    (o->udp && !E.c[i].registered))
				continue;
			bot_name(i, name, sizeof(name));
			text = lines[next_random(&rng) % nlines];
			printf("%s: %s\n", name, text);
			fflush(stdout);
			snprintf(line, sizeof(line), "%s%s", text, o->udp ? "" : "\n");
			bench_engine_send(&E, &E.c[i], line, strlen(line));
			if (E.c[i].out.len > 0)
				bench_engine_want_write(&E, &E.c[i], true);
			next[i] = now + BOTS_MIN_US + next_random(&rng) % BOTS_SPAN_US;
		}
		bench_engine_turn(&E, 100, NULL);
	}
	free(next);
	free(nick);
	bench_engine_free(&E);
	return 0;
}
