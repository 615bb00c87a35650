/*
 * client_cli.c — the chat clients' command line: GNU long options, one
 * check per line, help in Spanish and English. Nothing here connects.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "client_impl.h"
#include "defaults.h"
#include "text.h"

#define CLIENT_WAIT_MAX 3600 /* seconds: --wait upper bound */

enum {
	OPT_LANG = 256,
	OPT_COLOR,
	OPT_TIMESTAMPS,
	OPT_WAIT,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option options[] = {
	{ "host",       required_argument, NULL, 'h' },
	{ "port",       required_argument, NULL, 'p' },
	{ "nick",       required_argument, NULL, 'n' },
	{ "lang",       required_argument, NULL, OPT_LANG },
	{ "color",      optional_argument, NULL, OPT_COLOR },
	{ "colour",     optional_argument, NULL, OPT_COLOR },
	{ "timestamps", no_argument,       NULL, OPT_TIMESTAMPS },
	{ "wait",       required_argument, NULL, OPT_WAIT },
	{ "help",       no_argument,       NULL, OPT_HELP },
	{ "version",    no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(const struct client_transport *t, FILE *f)
{
	fprintf(f, TR(
	    "Usage: %s [-h HOST] [-p PORT] [-n NICK] [options]\n"
	    "Chat client over %s for redchat (server: %s).\n"
	    "\n"
	    "  -h, --host HOST        server address (default %s)\n"
	    "  -p, --port PORT        server port (default %d)\n"
	    "  -n, --nick NICK        nickname (else asked for, or the first\n"
	    "                         input line when stdin is not a terminal)\n"
	    "      --lang es|en       language of the messages\n"
	    "      --color[=WHEN]     auto (default), always or never;\n"
	    "                         auto honours NO_COLOR\n"
	    "      --timestamps       show [HH:MM:SS] before every line\n"
	    "      --wait SECONDS     without a terminal: listen SECONDS after\n"
	    "                         the input ends (default: until %lld ms\n"
	    "                         pass with nothing received)\n"
	    "      --help             this help (note: -h is the host)\n"
	    "      --version          version\n"
	    "\n"
	    "Type lines to chat; /help lists the server's commands; /ping shows\n"
	    "the round-trip time; %ssalir, /quit or Ctrl-D leave.\n"
	    "Exit status: 0 normal, 1 usage, 2 server unreachable, 3 connection\n"
	    "lost, 4 nickname refused (without a terminal).\n",
	    "Uso: %s [-h HOST] [-p PUERTO] [-n APODO] [opciones]\n"
	    "Cliente de chat sobre %s para redchat (servidor: %s).\n"
	    "\n"
	    "  -h, --host HOST        dirección del servidor (por defecto "
	    "%s)\n"
	    "  -p, --port PUERTO      puerto del servidor (por defecto %d)\n"
	    "  -n, --nick APODO       apodo (si no, se pregunta, o es la "
	    "primera\n"
	    "                         línea de la entrada si no es un "
	    "terminal)\n"
	    "      --lang es|en       idioma de los mensajes\n"
	    "      --color[=CUÁNDO]   auto (por defecto), always o never;\n"
	    "                         auto respeta NO_COLOR\n"
	    "      --timestamps       muestra [HH:MM:SS] antes de cada línea\n"
	    "      --wait SEGUNDOS    sin terminal: escucha SEGUNDOS tras el fin\n"
	    "                         de la entrada (por defecto: hasta que\n"
	    "                         pasan %lld ms sin recibir nada)\n"
	    "      --help             esta ayuda (ojo: -h es el host)\n"
	    "      --version          versión\n"
	    "\n"
	    "Escribe líneas para chatear; /ayuda muestra las órdenes del "
	    "servidor;\n"
	    "/ping mide el tiempo de ida y vuelta; %ssalir, /salir o Ctrl-D "
	    "salen.\n"
	    "Estado de salida: 0 normal, 1 uso, 2 servidor inalcanzable, 3 "
	    "conexión\n"
	    "perdida, 4 apodo rechazado (sin terminal).\n"),
	    t->prog, t->sock_type == SOCK_STREAM ? "TCP" : "UDP", t->server,
	    REDCHAT_HOST, t->default_port, CLIENT_QUIET_US / 1000,
	    t->local == NULL ? "" : TR("/tcp shows what the kernel's TCP knows\n"
	                               "of this connection (cwnd, RTT, RTO...); ",
	                               "/tcp muestra lo que el TCP del n\u00facleo "
	                               "sabe\nde esta conexi\u00f3n (cwnd, RTT, "
	                               "RTO...); "));
}

/* First pass: only --lang, so every later message is in that language. */
static int
parse_lang(int argc, char **argv, const char *prog)
{
	const char *lang = NULL;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h:p:n:", options, NULL)) != -1)
		if (c == OPT_LANG)
			lang = optarg;
	optind = 0;                     /* glibc: start over, fully */
	return cli_lang(prog, lang);
}

/* --wait SECONDS: how long a client without a terminal listens after its
 * input ends. Returns 0, or -1 after saying why not. */
static int
wait_option(const struct client_transport *t, struct client_options *o,
            const char *arg)
{
	const char *what;
	long long v;

	if (cli_number(arg, 0, CLIENT_WAIT_MAX, &v, &what) < 0) {
		fprintf(stderr, "%s: --wait %s: %s (0-%d)\n", t->prog, arg,
		        what, CLIENT_WAIT_MAX);
		return -1;
	}
	o->wait_ms = (long)v * 1000;
	return 0;
}

/* After the options, the checks, one per line: no argument left, a port,
 * a valid nickname, a known --color. Sets o->color; returns 0 or -1. */
static int
check(int argc, char **argv, const struct client_transport *t,
      struct client_options *o, const char *color)
{
	int c;

	if (optind < argc) {
		fprintf(stderr, TR("%s: unexpected argument '%s' (try --help)\n",
		                   "%s: argumento inesperado '%s' (prueba "
		                   "--help)\n"), t->prog, argv[optind]);
		return -1;
	}
	if (o->port == 0) {
		fprintf(stderr, TR("%s: -p 0: a client needs the server's port\n",
		                   "%s: -p 0: un cliente necesita el puerto del "
		                   "servidor\n"), t->prog);
		return -1;
	}
	if (o->nick != NULL &&
	    text_nick_check(o->nick, strlen(o->nick)) != TEXT_NICK_OK) {
		fprintf(stderr, TR("%s: -n '%s': not a valid nickname (1-%d bytes, "
		                   "no spaces, not starting with '/')\n",
		                   "%s: -n '%s': apodo no válido (1-%d bytes, sin "
		                   "espacios, sin '/' al principio)\n"),
		        t->prog, o->nick, TEXT_NICK_MAX);
		return -1;
	}
	if ((c = cli_color(color, STDOUT_FILENO)) < 0) {
		fprintf(stderr, TR("%s: --color=%s: use auto, always or never\n",
		                   "%s: --color=%s: usa auto, always o never\n"),
		        t->prog, color);
		return -1;
	}
	o->color = c == 1;
	return 0;
}

int
client_cli_parse(int argc, char **argv, const struct client_transport *t,
                 struct client_options *o)
{
	const char *color = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	o->host = REDCHAT_HOST;
	o->port = t->default_port;
	o->wait_ms = -1;
	if (parse_lang(argc, argv, t->prog) < 0)
		return -1;

	while ((c = getopt_long(argc, argv, ":h:p:n:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->host = optarg;
			break;
		case 'p':
			if ((o->port = cli_port_min(t->prog, "-p", optarg, 1)) < 0)
				return -1;
			break;
		case 'n':
			o->nick = optarg;
			break;
		case OPT_LANG:
			break;          /* applied by parse_lang() */
		case OPT_COLOR:
			color = optarg != NULL ? optarg : "always";
			break;
		case OPT_TIMESTAMPS:
			o->timestamps = true;
			break;
		case OPT_WAIT:
			if (wait_option(t, o, optarg) < 0)
				return -1;
			break;
		case OPT_HELP:
			usage(t, stdout);
			return 1;
		case OPT_VERSION:
			cli_version(t->prog);
			return 1;
		default:
			cli_bad_option(t->prog, c, argv, NULL);
			return -1;
		}
	}

	return check(argc, argv, t, o, color);
}
