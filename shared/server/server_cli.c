/*
 * server_cli.c — the servers' command line: tcpchatd's and udpchatd's
 * options with their defaults, their help in English and Spanish, the
 * check of each value, and the room's configuration they give.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "defaults.h"
#include "log.h"
#include "room.h"
#include "server.h"

enum { OPT_LANG = 256, OPT_MAX_CLIENTS, OPT_THREADS, OPT_IDLE, OPT_HELP,
       OPT_VERSION, OPT_MAX_LINE, OPT_MAX_QUEUE, OPT_RATE, OPT_BURST,
       OPT_NICK_TIMEOUT, OPT_MAX_MEMORY, OPT_SOFT_TIME };

static const struct option longopts[] = {
	{ "bind",         required_argument, NULL, 'b' },
	{ "port",         required_argument, NULL, 'p' },
	{ "verbose",      no_argument,       NULL, 'v' },
	{ "quiet",        no_argument,       NULL, 'q' },
	{ "lang",         required_argument, NULL, OPT_LANG },
	{ "max-clients",  required_argument, NULL, OPT_MAX_CLIENTS },
	{ "threads",      no_argument,       NULL, OPT_THREADS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "max-line",     required_argument, NULL, OPT_MAX_LINE },
	{ "max-queue",    required_argument, NULL, OPT_MAX_QUEUE },
	{ "max-memory",   required_argument, NULL, OPT_MAX_MEMORY },
	{ "soft-queue-time", required_argument, NULL, OPT_SOFT_TIME },
	{ "rate-limit",   required_argument, NULL, OPT_RATE },
	{ "rate-burst",   required_argument, NULL, OPT_BURST },
	{ "nick-timeout", required_argument, NULL, OPT_NICK_TIMEOUT },
	{ "help",         no_argument,       NULL, OPT_HELP },
	{ "version",      no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* The options of one server only: tcpchatd's or udpchatd's. */
static void
usage_own(FILE *out, enum server_kind kind)
{
	if (kind == SERVER_TCP)
		fprintf(out, TR("      --threads           one thread per client "
		                "(default: one event loop)\n"
		                "      --max-memory BYTES  stop reading senders "
		                "while the unsent backlog holds BYTES\n"
		                "                          (default %uM; K, M, G "
		                "suffixes)\n"
		                "      --soft-queue-time S drop a client that reads "
		                "nothing for S seconds (default %d)\n"
		                "      --max-queue BYTES   ...or has BYTES unread, "
		                "as a last resort (default %uM;\n"
		                "                          at least --max-memory)\n",
		                "      --threads           un hilo por cliente "
		                "(por defecto: un bucle de eventos)\n"
		                "      --max-memory BYTES  dejar de leer a quien "
		                "envía mientras lo pendiente ocupe BYTES\n"
		                "                          (por defecto %uM; "
		                "sufijos K, M, G)\n"
		                "      --soft-queue-time S desconectar a quien no "
		                "lea nada en S segundos (por defecto %d)\n"
		                "      --max-queue BYTES   ...o tenga BYTES sin "
		                "leer, como último recurso (por defecto %uM;\n"
		                "                          al menos --max-memory)\n"),
		        SERVER_MAX_MEMORY >> 20, SERVER_SOFT_QUEUE_TIME,
		        SERVER_MAX_QUEUE >> 20);
	else
		fprintf(out, TR("      --idle-timeout S    remove members silent "
		                "for S seconds (default %d)\n",
		                "      --idle-timeout S    expulsar a quien calle "
		                "S segundos (por defecto %d)\n"),
		        SERVER_IDLE_TIMEOUT);
}

static void
usage(FILE *out, const struct server_opts *o, enum server_kind kind)
{
	fprintf(out, TR("Usage: %s [OPTION]...\n", "Uso: %s [OPCIÓN]...\n"),
	        o->prog);
	fputs(kind == SERVER_TCP
	      ? TR("TCP chat server (one message per line).\n",
	           "Servidor de chat TCP (un mensaje por línea).\n")
	      : TR("UDP chat server (one message per datagram).\n",
	           "Servidor de chat UDP (un mensaje por datagrama).\n"), out);
	fprintf(out, TR(
	    "  -b, --bind ADDR         listen on ADDR (default: every address)\n"
	    "  -p, --port N            port (default %d; 0 picks a free one)\n"
	    "      --max-clients N     at most N clients (default %d)\n"
	    "      --lang es|en        language of the server's messages\n"
	    "  -v, --verbose           log connections and errors in detail\n"
	    "  -q, --quiet             log only errors\n",
	    "  -b, --bind DIR          escuchar en DIR (por defecto: todas)\n"
	    "  -p, --port N            puerto (por defecto %d; 0 elige uno libre)\n"
	    "      --max-clients N     como mucho N clientes (por defecto %d)\n"
	    "      --lang es|en        idioma de los mensajes del servidor\n"
	    "  -v, --verbose           registrar conexiones y errores en detalle\n"
	    "  -q, --quiet             registrar solo errores\n"),
	    kind == SERVER_TCP ? REDCHAT_TCP_PORT : REDCHAT_UDP_PORT,
	    SERVER_MAX_CLIENTS);
	fprintf(out, TR(
	    "      --max-line N        longest message in bytes (default and "
	    "most %d)\n"
	    "      --rate-limit N      at most N messages a second per client "
	    "(default %d; 0: none)\n"
	    "      --rate-burst N      ...with bursts of N messages (default %d)\n"
	    "      --nick-timeout S    close a client with no nickname after S "
	    "seconds (default %d; 0: never)\n",
	    "      --max-line N        mensaje más largo en bytes (por defecto y "
	    "como mucho %d)\n"
	    "      --rate-limit N      como mucho N mensajes por segundo y cliente "
	    "(por defecto %d; 0: sin límite)\n"
	    "      --rate-burst N      ...con ráfagas de N mensajes (por defecto "
	    "%d)\n"
	    "      --nick-timeout S    cerrar a quien no elija apodo en S "
	    "segundos (por defecto %d; 0: nunca)\n"),
	    MSG_MAX, SERVER_RATE_LIMIT, SERVER_RATE_BURST, SERVER_NICK_TIMEOUT);
	usage_own(out, kind);
	fputs(TR("      --help              show this help\n"
	         "      --version           show the version\n"
	         "Type on the server's terminal to talk to everyone; "
	         "/list, /kick NICK and /quit work there.\n",
	         "      --help              mostrar esta ayuda\n"
	         "      --version           mostrar la versión\n"
	         "Lo que se escribe en la terminal del servidor llega a todos; "
	         "allí funcionan /list, /kick APODO y /quit.\n"), out);
}

/* A whole number in [min, max] for option opt, or -1 after saying why. */
static long long
number_arg(const struct server_opts *o, const char *opt, const char *s,
           long long min, long long max)
{
	const char *what;
	long long v;

	if (cli_number(s, min, max, &v, &what) == 0)
		return v;
	fprintf(stderr, "%s: %s %s: %s\n", o->prog, opt, s, what);
	return -1;
}

/* A byte count with an optional binary suffix (8M = 8 MiB) in [min, max],
 * or -1 after saying why. */
static long long
bytes_arg(const struct server_opts *o, const char *opt, const char *s,
          long long min, long long max)
{
	char num[32];
	size_t len = strlen(s);
	int shift = 0;
	long long v;

	if (len > 0 && strchr("KkMmGg", s[len - 1]) != NULL) {
		shift = strchr("Kk", s[len - 1]) ? 10 :
		        strchr("Mm", s[len - 1]) ? 20 : 30;
		len--;
	}
	if (len >= sizeof(num)) {
		len = sizeof(num) - 1;          /* cli_number says why */
		shift = 0;
	}
	memcpy(num, s, len);
	num[len] = '\0';
	if ((v = number_arg(o, opt, num, 0, max >> shift)) < 0)
		return -1;
	if ((v << shift) < min) {
		fprintf(stderr, "%s: %s %s: %s %lld\n", o->prog, opt, s,
		        TR("at least", "como mínimo"), min);
		return -1;
	}
	return v << shift;
}

/* tcpchatd's output limits: --max-memory, --max-queue, --soft-queue-time. */
static int
queue_option(struct server_opts *o, int opt, const char *arg)
{
	long long v;

	if (opt == OPT_SOFT_TIME) {
		if ((v = number_arg(o, "--soft-queue-time", arg, 1, 3600)) < 0)
			return -1;
		o->soft_queue_time = (unsigned)v;
		return 0;
	}
	if ((v = bytes_arg(o, opt == OPT_MAX_QUEUE ? "--max-queue"
	                                           : "--max-memory",
	                   arg, opt == OPT_MAX_QUEUE ? 4096 : 1 << 20,
	                   1LL << 40)) < 0)
		return -1;
	if (opt == OPT_MAX_QUEUE)
		o->max_queue = (size_t)v;
	else
		o->max_memory = (size_t)v;
	return 0;
}

/*
 * A server started with '&' shares its terminal with the shell. Reading or
 * (with 'stty tostop') writing it from the background would stop the whole
 * server (SIGTTIN, SIGTTOU); ignored, the read fails with EIO instead and
 * the write goes through. The console reads only in the foreground
 * (server_console.c). Done before the log's thread writes anything.
 */
static void
never_stop(void)
{
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
}

/* The limits both servers take: a number in its range, or -1 after saying
 * why. */
static int
limit_option(struct server_opts *o, int opt, const char *arg)
{
	long long v;

	switch (opt) {
	case OPT_MAX_CLIENTS:
		if ((v = number_arg(o, "--max-clients", arg, 1, 1000000)) < 0)
			return -1;
		o->max_clients = (unsigned)v;
		return 0;
	case OPT_MAX_LINE:
		if ((v = number_arg(o, "--max-line", arg, 1, MSG_MAX)) < 0)
			return -1;
		o->max_line = (size_t)v;
		return 0;
	case OPT_RATE:
		if ((v = number_arg(o, "--rate-limit", arg, 0, 100000)) < 0)
			return -1;
		o->rate_limit = (unsigned)v;
		return 0;
	case OPT_BURST:
		if ((v = number_arg(o, "--rate-burst", arg, 1, 100000)) < 0)
			return -1;
		o->rate_burst = (unsigned)v;
		return 0;
	default:                                /* OPT_NICK_TIMEOUT */
		if ((v = number_arg(o, "--nick-timeout", arg, 0, 86400)) < 0)
			return -1;
		o->nick_timeout = (unsigned)v;
		return 0;
	}
}

/* An option of one server only: true when this is that server, else false
 * after saying so. */
static bool
available(const struct server_opts *o, bool here)
{
	if (!here)
		fprintf(stderr, TR("%s: option not available here\n",
		                   "%s: opción no disponible aquí\n"), o->prog);
	return here;
}

/* One server's own options: tcpchatd's --threads and output limits,
 * udpchatd's --idle-timeout. */
static int
own_option(struct server_opts *o, enum server_kind kind, int opt,
           const char *arg)
{
	long long v;

	if (!available(o, (opt == OPT_IDLE) == (kind == SERVER_UDP)))
		return -1;
	if (opt == OPT_THREADS) {
		o->threads = true;
		return 0;
	}
	if (opt != OPT_IDLE)
		return queue_option(o, opt, arg);
	if ((v = number_arg(o, "--idle-timeout", arg, 1, 86400)) < 0)
		return -1;
	o->idle_timeout = (unsigned)v;
	return 0;
}

/* Every option's default, for a server of this kind. */
static void
defaults(struct server_opts *o, enum server_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->prog = kind == SERVER_TCP ? "tcpchatd" : "udpchatd";
	o->port = kind == SERVER_TCP ? REDCHAT_TCP_PORT : REDCHAT_UDP_PORT;
	o->max_clients = SERVER_MAX_CLIENTS;
	o->idle_timeout = kind == SERVER_UDP ? SERVER_IDLE_TIMEOUT : 0;
	o->max_line = MSG_MAX;
	o->max_memory = SERVER_MAX_MEMORY;
	o->max_queue = SERVER_MAX_QUEUE;
	o->soft_queue_time = SERVER_SOFT_QUEUE_TIME;
	o->rate_limit = SERVER_RATE_LIMIT;
	o->rate_burst = SERVER_RATE_BURST;
	o->nick_timeout = SERVER_NICK_TIMEOUT;
}

/* After the options: no argument may be left; then the language, the
 * log's level, and the log's thread. Returns 0 or -1. */
static int
finish(struct server_opts *o, int argc, char **argv, const char *lang,
       enum log_level level)
{
	if (optind < argc) {
		fprintf(stderr, TR("%s: unexpected argument '%s'\n",
		                   "%s: argumento inesperado '%s'\n"),
		        o->prog, argv[optind]);
		return -1;
	}
	if (lang != NULL && cli_lang(o->prog, lang) < 0)
		return -1;
	if (o->max_queue < o->max_memory)       /* a reader within the budget */
		o->max_queue = o->max_memory;   /* is never dropped */
	log_set_level(level);
	never_stop();
	log_start();
	return 0;
}

int
server_options(int argc, char **argv, enum server_kind kind,
               struct server_opts *o)
{
	const char *lang = NULL;
	enum log_level level = LOG_NORMAL;
	int c;

	defaults(o, kind);
	if (cli_lang_scan(o->prog, argc, argv) < 0)  /* before any message */
		return -1;

	opterr = 0;                             /* errors in our words */
	while ((c = getopt_long(argc, argv, ":b:p:vq", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bind = optarg; break;
		case 'p':
			if ((o->port = cli_port(o->prog, "--port", optarg)) < 0)
				return -1;
			break;
		case 'v': level = LOG_VERBOSE; break;
		case 'q': level = LOG_QUIET; break;
		case OPT_LANG: lang = optarg; break;
		case OPT_MAX_CLIENTS:
		case OPT_MAX_LINE:
		case OPT_RATE:
		case OPT_BURST:
		case OPT_NICK_TIMEOUT:
			if (limit_option(o, c, optarg) < 0)
				return -1;
			break;
		case OPT_THREADS:
		case OPT_MAX_QUEUE:
		case OPT_MAX_MEMORY:
		case OPT_SOFT_TIME:
		case OPT_IDLE:
			if (own_option(o, kind, c, optarg) < 0)
				return -1;
			break;
		case OPT_HELP:
			if (lang != NULL && cli_lang(o->prog, lang) < 0)
				return -1;
			usage(stdout, o, kind);
			return 1;
		case OPT_VERSION:
			cli_version(o->prog);
			return 1;
		default:
			cli_bad_option(o->prog, c, argv,
			               c == '?' && optopt == 'h'
			               ? TR("-h is a client option; a server "
			                    "listens on -b ADDR",
			                    "-h es una opción de los clientes; un "
			                    "servidor escucha en -b DIR")
			               : NULL);
			return -1;
		}
	}
	return finish(o, argc, argv, lang, level);
}

void
server_room_config(const struct server_opts *o, enum server_kind kind,
                   struct room_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_members = o->max_clients;
	cfg->nick_timeout = o->nick_timeout;
	cfg->idle_timeout = o->idle_timeout;
	cfg->greet = kind == SERVER_TCP;        /* seed 003's UDP: no welcome */
	cfg->max_line = o->max_line;
	cfg->rate_limit = o->rate_limit;
	cfg->rate_burst = o->rate_burst;
	cfg->rate_paced = kind == SERVER_TCP;   /* TCP can make a sender wait */
	cfg->batch = kind == SERVER_TCP;        /* a send() takes many lines */
}
