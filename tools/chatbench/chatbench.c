/*
 * chatbench — redchat's load generator and demo bots.
 *
 * Opens N TCP or UDP clients against a chat server, lets S of them send M
 * tokened messages, and measures at every receiver what arrived, how late,
 * and what was lost, duplicated, reordered or damaged (bench_load.c). Also
 * measures idle connections (--connect-only, bench_idle.c) and keeps bots
 * chatting for demos (--bots, bench_bots.c). This file holds the command
 * line; the output is bench_report.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatbench.h"
#include "catalog.h"
#include "cli.h"
#include "defaults.h"

#define PROG "chatbench"
/* Defaults of the options, each printed by --help. */
#define BENCH_CLIENTS  10  /* --clients */
#define BENCH_SENDERS  1   /* --senders */
#define BENCH_MESSAGES 100 /* --messages, per sender */
#define BENCH_SIZE     64  /* --size, bytes */
#define BENCH_HOLD     5   /* --hold, seconds */
#define BENCH_TIMEOUT  60  /* --timeout, seconds */
#define BENCH_CHATTERS_MAX 99999 /* clients that chat: 5-digit nicknames */

enum { OPT_CLIENTS = 256, OPT_SENDERS, OPT_MESSAGES, OPT_SIZE, OPT_RATE,
       OPT_JSON, OPT_STALL, OPT_CONNECT_ONLY, OPT_HOLD, OPT_SERVER_PID,
       OPT_BOTS, OPT_SEED, OPT_DURATION, OPT_TIMEOUT, OPT_UDP, OPT_LANG,
       OPT_CONNECT_RATE, OPT_HELP, OPT_VERSION, OPT_BULK, OPT_SINK, OPT_CC };

static void
usage(FILE *f)
{
	fprintf(f, TR(
	"usage: chatbench [--udp] [-h HOST] [-p PORT] --clients N --senders S\n"
	"                 --messages M [--size B] [--rate R] [--stall K] [--json]\n"
	"       chatbench [--udp] [-h HOST] [-p PORT] --connect-only --clients N\n"
	"                 [--hold SECONDS] [--server-pid PID] [--json]\n"
	"       chatbench [--udp] [-h HOST] [-p PORT] --bots K [--seed N]\n"
	"                 [--duration SECONDS]\n"
	"       chatbench [-h HOST] [-p PORT] --bulk BYTES [--cc ALG] [--json]\n"
	"       chatbench [-p PORT] --sink [--json]\n"
	"Load generator for redchat servers (and the seed servers).\n"
	"  --udp              use UDP (default TCP)\n"
	"  -h, --host HOST    server address (default %s)\n"
	"  -p, --port PORT    server port (default %d, UDP %d)\n"
	"  --clients N        clients to open (default %d)\n"
	"  --senders S        clients that send (default %d)\n"
	"  --messages M       messages per sender (default %d)\n"
	"  --size B           bytes per message, at least %d (default %d)\n"
	"  --rate R           messages per second per sender (default: blast)\n"
	"  --stall K          K clients never read (slow consumers)\n"
	"  --connect-only     idle clients only: measure the server's memory\n"
	"  --hold SECONDS     how long to hold them (default %d)\n"
	"  --server-pid PID   read the server's RSS and CPU from /proc\n"
	"  --bots K           K bots chatting at a human pace (demo)\n"
	"  --seed N           random seed of the bots (same seed, same chat)\n"
	"  --duration SECONDS how long the bots chat (default: until Ctrl-C)\n"
	"  --timeout SECONDS  give up on a run after this long (default %d)\n"
	"  --connect-rate N   open at most N connections a second\n"
	"  --bulk BYTES       one connection sending BYTES as fast as TCP allows\n"
	"  --sink             accept one connection on PORT and read it all\n"
	"  --cc ALG           the bulk socket's congestion control (reno...)\n"
	"  --json             one JSON object instead of text\n"
	"  --lang es|en       language of the output\n"
	"  --help, --version\n",
	"uso: chatbench [--udp] [-h HOST] [-p PUERTO] --clients N --senders S\n"
	"               --messages M [--size B] [--rate R] [--stall K] [--json]\n"
	"     chatbench [--udp] [-h HOST] [-p PUERTO] --connect-only --clients N\n"
	"               [--hold SEGUNDOS] [--server-pid PID] [--json]\n"
	"     chatbench [--udp] [-h HOST] [-p PUERTO] --bots K [--seed N]\n"
	"               [--duration SEGUNDOS]\n"
	"     chatbench [-h HOST] [-p PUERTO] --bulk BYTES [--cc ALG] [--json]\n"
	"     chatbench [-p PUERTO] --sink [--json]\n"
	"Generador de carga para servidores redchat (y los de las semillas).\n"
	"  --udp              usar UDP (por defecto TCP)\n"
	"  -h, --host HOST    dirección del servidor (por defecto %s)\n"
	"  -p, --port PUERTO  puerto (por defecto %d, UDP %d)\n"
	"  --clients N        clientes a abrir (por defecto %d)\n"
	"  --senders S        clientes que envían (por defecto %d)\n"
	"  --messages M       mensajes por emisor (por defecto %d)\n"
	"  --size B           bytes por mensaje, al menos %d (por defecto %d)\n"
	"  --rate R           mensajes por segundo por emisor (por defecto: "
	"a tope)\n"
	"  --stall K          K clientes nunca leen (consumidores lentos)\n"
	"  --connect-only     solo clientes inactivos: mide la memoria del "
	"servidor\n"
	"  --hold SEGUNDOS    cuánto mantenerlos (por defecto %d)\n"
	"  --server-pid PID   leer RSS y CPU del servidor de /proc\n"
	"  --bots K           K bots que charlan a ritmo humano (demo)\n"
	"  --seed N           semilla de los bots (misma semilla, misma charla)\n"
	"  --duration SEGUNDOS cuánto charlan los bots (por defecto: hasta "
	"Ctrl-C)\n"
	"  --timeout SEGUNDOS abandonar tras este tiempo (por defecto %d)\n"
	"  --connect-rate N   abrir como mucho N conexiones por segundo\n"
	"  --bulk BYTES       una conexi\u00f3n que env\u00eda BYTES tan r\u00e1pido "
	"como TCP deja\n"
	"  --sink             acepta una conexi\u00f3n en PUERTO y lo lee todo\n"
	"  --cc ALG           control de congesti\u00f3n del env\u00edo (reno...)\n"
	"  --json             un objeto JSON en vez de texto\n"
	"  --lang es|en       idioma de la salida\n"
	"  --help, --version\n"),
	    REDCHAT_HOST, REDCHAT_TCP_PORT, REDCHAT_UDP_PORT, BENCH_CLIENTS,
	    BENCH_SENDERS, BENCH_MESSAGES, BENCH_TOKEN_MIN, BENCH_SIZE, BENCH_HOLD,
	    BENCH_TIMEOUT);
}

/* A bounded number for option opt, or exit(1) with why. */
static long long
number(const char *opt, const char *s, long long min, long long max)
{
	const char *what;
	long long v;

	if (cli_number(s, min, max, &v, &what) < 0) {
		fprintf(stderr, TR("%s: %s %s: %s\n", "%s: %s %s: %s\n"), PROG,
		        opt, s, what);
		exit(1);
	}
	return v;
}

static double
seconds(const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0 && v <= 86400)) {
		fprintf(stderr, "%s: %s %s: %s\n", PROG, opt, s,
		        TR("invalid", "no válido"));
		exit(1);
	}
	return v;
}

static const struct option longopts[] = {
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "host", required_argument, NULL, 'h' },
	{ "port", required_argument, NULL, 'p' },
	{ "clients", required_argument, NULL, OPT_CLIENTS },
	{ "senders", required_argument, NULL, OPT_SENDERS },
	{ "messages", required_argument, NULL, OPT_MESSAGES },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "connect-only", no_argument, NULL, OPT_CONNECT_ONLY },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "server-pid", required_argument, NULL, OPT_SERVER_PID },
	{ "bots", required_argument, NULL, OPT_BOTS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "connect-rate", required_argument, NULL, OPT_CONNECT_RATE },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "bulk", required_argument, NULL, OPT_BULK },
	{ "sink", no_argument, NULL, OPT_SINK },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Take option ch (its argument in optarg) into *o, the port into *port;
 * returns 1 after --help/--version, -1 on an error, else 0. */
static int
parse_option(int ch, char **argv, struct bench_opts *o, int *port)
{
	switch (ch) {
	case 'h': o->host = optarg; break;
	case 'p':
		if ((*port = cli_port_min(PROG, "--port", optarg, 1)) < 0)
			return -1;
		break;
	case OPT_UDP: o->udp = true; break;
	case OPT_CLIENTS: o->clients = (size_t)number("--clients", optarg, 1, 100000); break;
	case OPT_SENDERS: o->senders = (size_t)number("--senders", optarg, 1, 65535); break;
	case OPT_MESSAGES: o->messages = (uint32_t)number("--messages", optarg, 1, 100000000); break;
	case OPT_SIZE: o->size = (size_t)number("--size", optarg, BENCH_TOKEN_MIN, 1000); break;
	case OPT_RATE: o->rate = (double)number("--rate", optarg, 1, 1000000); break;
	case OPT_STALL: o->stall = (size_t)number("--stall", optarg, 0, 100000); break;
	case OPT_JSON: o->json = true; break;
	case OPT_CONNECT_ONLY: o->connect_only = true; break;
	case OPT_HOLD: o->hold = seconds("--hold", optarg); break;
	case OPT_SERVER_PID: o->server_pid = (long)number("--server-pid", optarg, 1, 1 << 30); break;
	case OPT_BOTS: o->bots = (size_t)number("--bots", optarg, 1, 10000); break;
	case OPT_SEED: o->seed = (unsigned long)number("--seed", optarg, 0, 1LL << 62); break;
	case OPT_DURATION: o->duration = seconds("--duration", optarg); break;
	case OPT_TIMEOUT: o->timeout = seconds("--timeout", optarg); break;
	case OPT_CONNECT_RATE: o->connect_rate = (double)number("--connect-rate", optarg, 1, 1000000); break;
	case OPT_BULK: o->bulk = (uint64_t)number("--bulk", optarg, 1, 1LL << 40); break;
	case OPT_SINK: o->sink = true; break;
	case OPT_CC: o->cc = optarg; break;
	case OPT_LANG: break;           /* cli_lang_scan() applied it */
	case OPT_HELP: usage(stdout); return 1;
	case OPT_VERSION: cli_version(PROG); return 1;
	default: cli_bad_option(PROG, ch, argv, NULL); return -1;
	}
	return 0;
}

/* Options that do not go together, one line each; returns 0 or -1. */
static int
check_conflicts(int argc, char **argv, const struct bench_opts *o)
{
	if (optind < argc)
		return fprintf(stderr, TR("%s: unexpected argument %s\n",
		                          "%s: argumento inesperado %s\n"),
		               PROG, argv[optind]), -1;
	if (o->senders > o->clients && !o->connect_only && !o->bots)
		return fprintf(stderr, TR("%s: more senders than clients\n",
		                          "%s: más emisores que clientes\n"),
		               PROG), -1;
	if (o->stall > o->clients - o->senders && !o->connect_only && !o->bots)
		return fprintf(stderr, TR("%s: --stall K needs K clients that do "
		                          "not send\n", "%s: --stall K necesita K "
		                          "clientes que no envíen\n"), PROG), -1;
	if ((o->bulk > 0 || o->sink) && (o->udp || o->connect_only || o->bots))
		return fprintf(stderr, TR("%s: --bulk and --sink are TCP, alone\n",
		                          "%s: --bulk y --sink son TCP, solos\n"),
		               PROG), -1;
	if (o->connect_only && o->bots)
		return fprintf(stderr, TR("%s: --connect-only or --bots, not both\n",
		                          "%s: --connect-only o --bots, no ambos\n"),
		               PROG), -1;
	if (o->clients > BENCH_CHATTERS_MAX && !o->connect_only)
		return fprintf(stderr, TR("%s: at most %d chatting clients\n",
		                          "%s: como mucho %d clientes que "
		                          "charlan\n"), PROG, BENCH_CHATTERS_MAX), -1;
	return 0;
}

/* Parse argv into *o; returns 1 after --help/--version, -1 on an error. */
static int
parse(int argc, char **argv, struct bench_opts *o)
{
	int ch, r, port = -1;

	*o = (struct bench_opts){ .host = REDCHAT_HOST, .clients = BENCH_CLIENTS,
	                          .senders = BENCH_SENDERS,
	                          .messages = BENCH_MESSAGES, .size = BENCH_SIZE,
	                          .hold = BENCH_HOLD, .timeout = BENCH_TIMEOUT,
	                          .seed = (unsigned long)time(NULL) };
	if (cli_lang_scan(PROG, argc, argv) < 0)     /* the errors' language */
		return -1;
	opterr = 0;                                  /* errors in our words */
	while ((ch = getopt_long(argc, argv, ":h:p:", longopts, NULL)) != -1)
		if ((r = parse_option(ch, argv, o, &port)) != 0)
			return r;
	o->port = port >= 0 ? port : o->udp ? REDCHAT_UDP_PORT
	                                    : REDCHAT_TCP_PORT;
	return check_conflicts(argc, argv, o);
}

int
main(int argc, char **argv)
{
	struct bench_result res = { .server_cpu_s = -1, .rss_kib = -1,
	                            .rss_base_kib = -1, .server_threads = -1 };
	struct bench_opts o;
	char err[256] = "";
	int r;

	if ((r = parse(argc, argv, &o)) != 0)
		return r > 0 ? 0 : 1;
	if (o.bulk > 0 || o.sink) {             /* bench_bulk.c */
		r = o.sink ? bench_sink(&o, err, sizeof(err))
		           : bench_bulk(&o, err, sizeof(err));
		if (r < 0)
			fprintf(stderr, "%s: %s\n", PROG, err);
		return r < 0 ? 2 : 0;
	}
	if (o.bots > 0)
		r = bench_bots(&o, err, sizeof(err));
	else if (o.connect_only)
		r = bench_idle(&o, &res, err, sizeof(err));
	else
		r = bench_load(&o, &res, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		bench_stats_free(&res.stats);
		return 2;
	}
	if (o.bots == 0)
		bench_report(&o, &res);
	bench_stats_free(&res.stats);
	return 0;
}
