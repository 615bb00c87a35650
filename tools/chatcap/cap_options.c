/*
 * cap_options.c — chatcap's command line: the usage text, the options, the
 * options that exclude each other, and the trailing words of a BPF filter
 * expression joined into one.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "defaults.h"
#include "cap_diagram.h"
#include "cap_options.h"

#define PROG "chatcap"

static void
usage(FILE *f)
{
	fprintf(f, TR(
	"usage: chatcap [-i IFACE | -r FILE] [-w FILE] [--tcp-port N] "
	"[--udp-port N]\n"
	"               [-B KIB] [-c COUNT] [--json | --html F] [--ladder]\n"
	"               [--follow]"
	" [--summary] [--rtt] [--tcp-info[=poll]] [--width N]\n"
	"               [--color=WHEN] [--lang es|en] [-D] [--help] [--version]\n"
	"               [BPF EXPRESSION]\n"
	"Shows chat traffic packet by packet, then compares TCP and UDP.\n"
	"  -i IFACE         capture live on IFACE (default lo)\n"
	"  -r FILE          read a pcap or pcapng file (- for standard input)\n"
	"  -w FILE          also save every packet read, for Wireshark; a\n"
	"                   FILE.pcapng carries each explanation as a comment\n"
	"  -c COUNT         stop after COUNT chat packets\n"
	"  -B KIB           live: the kernel's capture buffer in KiB (default\n"
	"                   %d); drops are counted and reported\n"
	"  --tcp-port N     TCP chat port (default %d)\n"
	"  --udp-port N     UDP chat port (default %d)\n"
	"  --json           JSON Lines: one object per packet, then a summary\n"
	"  --ladder         draw each conversation as a sequence diagram\n"
	"  --ladder-out F   also write the diagrams to F: F.svg an image,\n"
	"                   F.mmd Mermaid text (for a report)\n"
	"  --html F         write F, one page to open in a browser: tables,\n"
	"                   ladders, graphs, step mode (packets: summary only)\n"
	"  --follow         each conversation's chat put back together\n"
	"  --summary        print only the summary\n"
	"  --rtt            RTT samples and the RFC 6298 estimate per sender\n"
	"  --tcp-info[=poll] live: the kernel's cwnd, ssthresh, RTO... of each\n"
	"                   sender beside the packets (=poll: no tracepoints);\n"
	"                   with -w F also kept in F.tcp_info.json for -r F\n"
	"  --width N        fit lines in N columns (0: never wrap; default: the\n"
	"                   terminal's width, or 80)\n"
	"  --color=WHEN     auto, always or never (NO_COLOR is honoured)\n"
	"  --lang es|en     language of the explanations\n"
	"  -D               list the interfaces that can be captured\n"
	"Exit status: 0 ok, 1 usage, 2 cannot read the file, 3 empty file,\n"
	"4 not a capture, 5 truncated capture, 6 unsupported link type,\n"
	"7 no permission to capture, 8 other capture error. See chatcap(1).\n",
	"uso: chatcap [-i INTERFAZ | -r ARCHIVO] [-w ARCHIVO] [--tcp-port N]\n"
	"             [--udp-port N] [-B KIB] [-c CUENTA] [--json | --html A]\n"
	"             [--ladder] [--follow] [--summary] [--rtt] [--tcp-info[=poll]]\n"
	"             [--width N] [--color=CUANDO] [--lang es|en] [-D] [--help]\n"
	"             [--version] [EXPRESI\u00d3N BPF]\n"
	"Muestra el tr\u00e1fico del chat paquete a paquete y compara TCP y "
	"UDP.\n"
	"  -i INTERFAZ      captura en vivo en INTERFAZ (por defecto lo)\n"
	"  -r ARCHIVO       lee un archivo pcap o pcapng (- es la entrada)\n"
	"  -w ARCHIVO       guarda tambi\u00e9n cada paquete le\u00eddo, para "
	"Wireshark; un\n"
	"                   ARCHIVO.pcapng lleva cada explicaci\u00f3n como "
	"comentario\n"
	"  -c CUENTA        para tras CUENTA paquetes del chat\n"
	"  -B KIB           en vivo: el b\u00fafer de captura del n\u00facleo en "
	"KiB\n"
	"                   (%d por defecto); se cuentan y se dicen las "
	"p\u00e9rdidas\n"
	"  --tcp-port N     puerto TCP del chat (%d por defecto)\n"
	"  --udp-port N     puerto UDP del chat (%d por defecto)\n"
	"  --json           JSON Lines: un objeto por paquete y un resumen\n"
	"  --ladder         dibuja cada conversaci\u00f3n como diagrama de "
	"secuencia\n"
	"  --ladder-out A   escribe tambi\u00e9n los diagramas en A: A.svg una "
	"imagen,\n"
	"                   A.mmd texto Mermaid (para un informe)\n"
	"  --html A         escribe A, una p\u00e1gina para el navegador: tablas,\n"
	"                   escaleras, gr\u00e1ficas, paso a paso (solo el resumen)\n"
	"  --follow         el chat de cada conversaci\u00f3n, reconstruido\n"
	"  --summary        solo el resumen\n"
	"  --rtt            muestras de RTT y la estimaci\u00f3n RFC 6298 por "
	"emisor\n"
	"  --tcp-info[=poll] en vivo: cwnd, ssthresh, RTO... del n\u00facleo "
	"para cada\n"
	"                   emisor junto a los paquetes (=poll: sin "
	"tracepoints);\n"
	"                   con -w A se guardan tambi\u00e9n en "
	"A.tcp_info.json para -r A\n"
	"  --width N        ajusta las l\u00edneas a N columnas (0: sin cortar; por "
	"defecto,\n"
	"                   el ancho del terminal, u 80)\n"
	"  --color=CUANDO   auto, always o never (respeta NO_COLOR)\n"
	"  --lang es|en     idioma de las explicaciones\n"
	"  -D               lista las interfaces en que se puede capturar\n"
	"Estado de salida: 0 bien, 1 uso, 2 no se puede leer el archivo, 3 "
	"vac\u00edo,\n"
	"4 no es una captura, 5 captura truncada, 6 enlace no soportado,\n"
	"7 sin permiso para capturar, 8 otro error. Ver chatcap(1).\n"),
	    CAP_BUFFER_KIB, REDCHAT_TCP_PORT, REDCHAT_UDP_PORT);
}

static int
bad_usage(const char *what)
{
	fprintf(stderr, "%s: %s\n", PROG, what);
	fprintf(stderr, TR("Try 'chatcap --help'.\n",
	                   "Prueba 'chatcap --help'.\n"));
	return -1;
}

/* Join argv[first..argc) with spaces into cfg->expr. */
static int
join_expression(struct cap_config *cfg, int argc, char **argv, int first)
{
	size_t used = 0, n;
	int i;

	for (i = first; i < argc; i++) {
		n = strlen(argv[i]);
		if (used + n + 2 > sizeof(cfg->expr))
			return bad_usage(TR("filter expression too long",
			                    "expresi\u00f3n de filtro demasiado larga"));
		if (used > 0)
			cfg->expr[used++] = ' ';
		memcpy(cfg->expr + used, argv[i], n + 1);
		used += n;
	}
	return 0;
}

enum { O_TCP = 256, O_UDP, O_JSON, O_LADDER, O_SUMMARY, O_COLOR,
       O_LANG, O_HELP, O_VERSION, O_RTT, O_WIDTH,
       O_FOLLOW, O_LADDER_OUT, O_HTML, O_TCP_INFO, O_NO_TCP_INFO };

static const struct option longopts[] = {
	{ "tcp-port", required_argument, NULL, O_TCP },
	{ "udp-port", required_argument, NULL, O_UDP },
	{ "json",     no_argument,       NULL, O_JSON },
	{ "ladder",   no_argument,       NULL, O_LADDER },
	{ "summary",  no_argument,       NULL, O_SUMMARY },
	{ "rtt",      no_argument,       NULL, O_RTT },
	{ "follow",   no_argument,       NULL, O_FOLLOW },
	{ "ladder-out", required_argument, NULL, O_LADDER_OUT },
	{ "html",     required_argument, NULL, O_HTML },
	{ "width",    required_argument, NULL, O_WIDTH },
	{ "tcp-info", optional_argument, NULL, O_TCP_INFO },
	{ "no-tcp-info", no_argument,    NULL, O_NO_TCP_INFO },
	{ "color",    required_argument, NULL, O_COLOR },
	{ "lang",     required_argument, NULL, O_LANG },
	{ "help",     no_argument,       NULL, O_HELP },
	{ "version",  no_argument,       NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Take option c (its argument in optarg) into *cfg; 0 to go on, 1 done
 * (--help, --version), -1 bad. */
static int
parse_option(struct cap_config *cfg, int c, char **argv)
{
	const char *what;
	long long v;
	int port;

	switch (c) {
	case 'i': cfg->iface = optarg; break;
	case 'r': cfg->file = optarg; break;
	case 'w': cfg->write_file = optarg; break;
	case 'D': cfg->list = true; break;
	case O_JSON: cfg->json = true; break;
	case O_LADDER: cfg->ladder = true; break;
	case O_SUMMARY: cfg->summary_only = true; break;
	case O_RTT: cfg->rtt = true; break;
	case O_FOLLOW: cfg->follow = true; break;
	case O_LADDER_OUT: cfg->ladder_out = optarg; break;
	case O_HTML: cfg->html_out = optarg; break;
	case O_TCP_INFO:
		if (optarg != NULL && strcmp(optarg, "poll") != 0 &&
		    strcmp(optarg, "all") != 0)
			return bad_usage(TR("--tcp-info takes poll or all",
			                    "--tcp-info admite poll o all"));
		cfg->tcp_info = true;
		cfg->tcp_info_trace = optarg == NULL || strcmp(optarg, "all") == 0;
		break;
	case O_NO_TCP_INFO: cfg->tcp_info = false; break;
	case O_WIDTH:
		if (cli_number(optarg, 0, 100000, &cfg->width, &what) < 0) {
			fprintf(stderr, "%s: --width %s: %s\n", PROG, optarg,
			        what);
			return -1;
		}
		break;
	case O_COLOR: cfg->color = optarg; break;
	case O_LANG:
		break;          /* applied by cli_lang_scan() in main */
	case 'B':
		if (cli_number(optarg, 1, 4LL << 20, &cfg->buffer_kib, &what) < 0) {
			fprintf(stderr, "%s: -B %s: %s\n", PROG, optarg, what);
			return -1;
		}
		break;
	case 'c':
		if (cli_number(optarg, 1, 1LL << 62, &v, &what) < 0) {
			fprintf(stderr, "%s: -c %s: %s\n", PROG, optarg, what);
			return -1;
		}
		cfg->count = (uint64_t)v;
		break;
	case O_TCP:
	case O_UDP:
		port = cli_port_min(PROG, c == O_TCP ? "--tcp-port"
		                                     : "--udp-port", optarg, 1);
		if (port < 0)
			return -1;
		*(c == O_TCP ? &cfg->tcp_port : &cfg->udp_port) =
			(uint16_t)port;
		break;
	case O_HELP: usage(stdout); return 1;
	case O_VERSION: cli_version(PROG); return 1;
	default:
		cli_bad_option(PROG, c, argv, NULL);
		return -1;
	}
	return 0;
}

/* Options that exclude each other or a bad value, one line each: 0 or -1. */
static int
check_conflicts(const struct cap_config *cfg)
{
	if (cfg->iface != NULL && cfg->file != NULL)
		return bad_usage(TR("-i and -r exclude each other",
		                    "-i y -r se excluyen"));
	if (cfg->ladder_out != NULL && !cap_diagram_known(cfg->ladder_out))
		return bad_usage(TR("--ladder-out: the name ends in .svg or .mmd",
		                    "--ladder-out: el nombre acaba en .svg o "
		                    ".mmd"));
	if (cfg->json && cfg->ladder)
		return bad_usage(TR("--json and --ladder exclude each other",
		                    "--json y --ladder se excluyen"));
	if (cfg->json && cfg->html_out != NULL)
		return bad_usage(TR("--json and --html exclude each other",
		                    "--json y --html se excluyen"));
	if (cfg->json && cfg->follow)
		return bad_usage(TR("--json and --follow exclude each other",
		                    "--json y --follow se excluyen"));
	if (cfg->color != NULL && cli_color(cfg->color, STDOUT_FILENO) < 0)
		return bad_usage(TR("--color takes auto, always or never",
		                    "--color admite auto, always o never"));
	if (cfg->tcp_port == cfg->udp_port)
		return bad_usage(TR("the TCP and UDP ports must differ",
		                    "los puertos TCP y UDP deben ser distintos"));
	return 0;
}

int
cap_options_parse(struct cap_config *cfg, int argc, char **argv)
{
	int c, r;

	*cfg = (struct cap_config){ .tcp_port = REDCHAT_TCP_PORT,
	                            .udp_port = REDCHAT_UDP_PORT, .width = -1,
	                            .buffer_kib = CAP_BUFFER_KIB };
	opterr = 0;                             /* errors in our words */
	while ((c = getopt_long(argc, argv, ":i:r:w:c:B:D", longopts, NULL)) != -1)
		if ((r = parse_option(cfg, c, argv)) != 0)
			return r;
	if (check_conflicts(cfg) < 0)
		return -1;
	return join_expression(cfg, argc, argv, optind);
}
