/*
 * bench_bots.c — --bots K: K bots that chat at a human pace with canned
 * Spanish lines, for a classroom demo ("what does the server do with a
 * room full of people?"). The same --seed gives the same conversation.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

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

int
bench_bots(const struct bench_opts *o, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct bench_result res = { 0 };
	struct bench_engine E;
	uint64_t rng = o->seed ? o->seed : 1, now, end, *next;
	char name[32], line[160];
	const char *text;
	size_t i, nlines = sizeof(lines) / sizeof(lines[0]);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (bench_engine_init(&E, o, &res, o->bots, err, errlen) < 0)
		return -1;
	if ((next = calloc(o->bots, sizeof(*next))) == NULL ||
	    bench_engine_connect(&E, false, clock_us() + 10000000) < 0 ||
	    res.connected == 0) {
		snprintf(err, errlen, "%zu of %zu bots connected to %s:%d",
		         res.connected, o->bots, o->host, o->port);
		free(next);
		bench_engine_free(&E);
		return -1;
	}
	now = clock_us();
	for (i = 0; i < o->bots; i++) {
		bot_name(i, name, sizeof(name));
		snprintf(line, sizeof(line), "%s%s", name, o->udp ? "" : "\n");
		bench_engine_send(&E, &E.c[i], line, strlen(line));
		next[i] = now + BOTS_MIN_US / 2 + next_random(&rng) % BOTS_SPAN_US;
	}
	end = o->duration > 0 ? now + (uint64_t)(o->duration * 1e6) : UINT64_MAX;
	while (!stop && (now = clock_us()) < end) {
		for (i = 0; i < o->bots; i++) {
			if (now < next[i] || E.c[i].fd < 0)
				continue;
			bot_name(i, name, sizeof(name));
			text = lines[next_random(&rng) % nlines];
			printf("%s: %s\n", name, text);
			fflush(stdout);
			snprintf(line, sizeof(line), "%s%s", text, o->udp ? "" : "\n");
			bench_engine_send(&E, &E.c[i], line, strlen(line));
			if (E.c[i].out_len > 0)
				bench_engine_want_write(&E, &E.c[i], true);
			next[i] = now + BOTS_MIN_US + next_random(&rng) % BOTS_SPAN_US;
		}
		bench_engine_turn(&E, 100, NULL);
	}
	free(next);
	bench_engine_free(&E);
	return 0;
}
