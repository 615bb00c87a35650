/*
 * chatcap.c — the capture tool of the lab: reads chat traffic (live or
 * from a file) and explains every packet, then compares TCP with UDP.
 * This file holds the command line and the per-packet dispatch; capture is
 * cap_capture.c, decoding cap_decode.c, meaning cap_conv.c, and the output
 * cap_text.c, cap_json.c, cap_ladder.c and cap_summary.c.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "cap_capture.h"
#include "cap_decode.h"
#include "cap_emit.h"
#include "cap_follow.h"
#include "cap_json.h"
#include "cap_diagram.h"
#include "cap_ladder.h"
#include "cap_pcapng.h"
#include "cap_summary.h"

#define PROG "chatcap"
#define DEFAULT_IFACE    "lo"
#define DEFAULT_TCP_PORT 5000
#define DEFAULT_UDP_PORT 5001
#define EXPR_MAX         2048

struct config {
	const char *iface, *file, *write_file, *color, *lang;
	uint16_t    tcp_port, udp_port;
	uint64_t    count;
	bool        json, ladder, summary_only, list, rtt, follow;
	const char *ladder_out;    /* --ladder-out: an SVG or Mermaid file */
	long long   width;             /* -1: the terminal's, or 80 */
	char        expr[EXPR_MAX];    /* the trailing BPF words, joined */
};

/* Everything the per-packet callback needs. */
struct run {
	const struct config *cfg;
	struct cap_table     table;
	struct cap_emit      emit;      /* where each packet's words go */
	int                  dlt;
	uint64_t             n;
};

static void
usage(FILE *f)
{
	fprintf(f, TR(
	"usage: chatcap [-i IFACE | -r FILE] [-w FILE] [--tcp-port N] "
	"[--udp-port N]\n"
	"               [-c COUNT] [--json] [--ladder] [--follow] [--summary] "
	"[--rtt]\n"
	"               [--width N] [--color=WHEN] [--lang es|en] [-D] [--help]\n"
	"               [--version] [BPF EXPRESSION]\n"
	"Shows chat traffic packet by packet, then compares TCP and UDP.\n"
	"  -i IFACE         capture live on IFACE (default lo)\n"
	"  -r FILE          read a pcap or pcapng file (- for standard input)\n"
	"  -w FILE          also save the packets shown, for Wireshark; a\n"
	"                   FILE.pcapng carries each explanation as a comment\n"
	"  -c COUNT         stop after COUNT chat packets\n"
	"  --tcp-port N     TCP chat port (default 5000)\n"
	"  --udp-port N     UDP chat port (default 5001)\n"
	"  --json           JSON Lines: one object per packet, then a summary\n"
	"  --ladder         draw each conversation as a sequence diagram\n"
	"  --ladder-out F   also write the diagrams to F: F.svg an image,\n"
	"                   F.mmd Mermaid text (for a report)\n"
	"  --follow         each conversation's chat put back together\n"
	"  --summary        print only the summary\n"
	"  --rtt            RTT samples and the RFC 6298 estimate per sender\n"
	"  --width N        fit lines in N columns (0: never wrap; default: the\n"
	"                   terminal's width, or 80)\n"
	"  --color=WHEN     auto, always or never (NO_COLOR is honoured)\n"
	"  --lang es|en     language of the explanations\n"
	"  -D               list the interfaces that can be captured\n"
	"Exit status: 0 ok, 1 usage, 2 cannot read the file, 3 empty file,\n"
	"4 not a capture, 5 truncated capture, 6 unsupported link type,\n"
	"7 no permission to capture, 8 other capture error. See chatcap(1).\n",
	"uso: chatcap [-i INTERFAZ | -r ARCHIVO] [-w ARCHIVO] [--tcp-port N] "
	"[--udp-port N]\n"
	"             [-c CUENTA] [--json] [--ladder] [--follow] [--summary] "
	"[--rtt]\n"
	"             [--width N] [--color=CUANDO] [--lang es|en] [-D] [--help]\n"
	"             [--version] [EXPRESI\u00d3N BPF]\n"
	"Muestra el tr\u00e1fico del chat paquete a paquete y compara TCP y "
	"UDP.\n"
	"  -i INTERFAZ      captura en vivo en INTERFAZ (por defecto lo)\n"
	"  -r ARCHIVO       lee un archivo pcap o pcapng (- es la entrada)\n"
	"  -w ARCHIVO       guarda tambi\u00e9n los paquetes, para Wireshark; un\n"
	"                   ARCHIVO.pcapng lleva cada explicaci\u00f3n como "
	"comentario\n"
	"  -c CUENTA        para tras CUENTA paquetes del chat\n"
	"  --tcp-port N     puerto TCP del chat (5000 por defecto)\n"
	"  --udp-port N     puerto UDP del chat (5001 por defecto)\n"
	"  --json           JSON Lines: un objeto por paquete y un resumen\n"
	"  --ladder         dibuja cada conversaci\u00f3n como diagrama de "
	"secuencia\n"
	"  --ladder-out A   escribe tambi\u00e9n los diagramas en A: A.svg una "
	"imagen,\n"
	"                   A.mmd texto Mermaid (para un informe)\n"
	"  --follow         el chat de cada conversaci\u00f3n, reconstruido\n"
	"  --summary        solo el resumen\n"
	"  --rtt            muestras de RTT y la estimaci\u00f3n RFC 6298 por "
	"emisor\n"
	"  --width N        ajusta las l\u00edneas a N columnas (0: sin cortar; por "
	"defecto,\n"
	"                   el ancho del terminal, u 80)\n"
	"  --color=CUANDO   auto, always o never (respeta NO_COLOR)\n"
	"  --lang es|en     idioma de las explicaciones\n"
	"  -D               lista las interfaces en que se puede capturar\n"
	"Estado de salida: 0 bien, 1 uso, 2 no se puede leer el archivo, 3 "
	"vac\u00edo,\n"
	"4 no es una captura, 5 captura truncada, 6 enlace no soportado,\n"
	"7 sin permiso para capturar, 8 otro error. Ver chatcap(1).\n"));
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
join_expression(struct config *cfg, int argc, char **argv, int first)
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

/* Parse the command line; 0 to go on, 1 done (--help, --version), -1 bad. */
static int
parse_options(struct config *cfg, int argc, char **argv)
{
	enum { O_TCP = 256, O_UDP, O_JSON, O_LADDER, O_SUMMARY, O_COLOR,
	       O_LANG, O_HELP, O_VERSION, O_RTT, O_WIDTH,
	       O_FOLLOW, O_LADDER_OUT };
	static const struct option longopts[] = {
		{ "tcp-port", required_argument, NULL, O_TCP },
		{ "udp-port", required_argument, NULL, O_UDP },
		{ "json",     no_argument,       NULL, O_JSON },
		{ "ladder",   no_argument,       NULL, O_LADDER },
		{ "summary",  no_argument,       NULL, O_SUMMARY },
		{ "rtt",      no_argument,       NULL, O_RTT },
		{ "follow",   no_argument,       NULL, O_FOLLOW },
		{ "ladder-out", required_argument, NULL, O_LADDER_OUT },
		{ "width",    required_argument, NULL, O_WIDTH },
		{ "color",    required_argument, NULL, O_COLOR },
		{ "lang",     required_argument, NULL, O_LANG },
		{ "help",     no_argument,       NULL, O_HELP },
		{ "version",  no_argument,       NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *what;
	long long v;
	int c, port;

	opterr = 0;                             /* errors in our words */
	while ((c = getopt_long(argc, argv, ":i:r:w:c:D", longopts, NULL)) != -1) {
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
	}
	/* Conflicts, one line each. */
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
	if (cfg->json && cfg->follow)
		return bad_usage(TR("--json and --follow exclude each other",
		                    "--json y --follow se excluyen"));
	if (cfg->color != NULL && cli_color(cfg->color, STDOUT_FILENO) < 0)
		return bad_usage(TR("--color takes auto, always or never",
		                    "--color admite auto, always o never"));
	if (cfg->tcp_port == cfg->udp_port)
		return bad_usage(TR("the TCP and UDP ports must differ",
		                    "los puertos TCP y UDP deben ser distintos"));
	return join_expression(cfg, argc, argv, optind);
}

/* One packet: decode, follow, explain. Returns 1 for chat packets. */
static int
on_packet(void *arg, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct run *r = arg;
	struct cap_packet p;
	static struct cap_event ev;       /* big: kept off the stack */
	enum cap_result res;
	int64_t t_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

	res = cap_decode(r->dlt, bytes, h->caplen, h->len, &p);
	res = cap_frag_packet(&r->table.frags, res, &p, t_us);
	if (cap_table_packet(&r->table, res, &p, t_us, &ev) < 0)
		return -1;
	r->n++;
	if (cap_emit_packet(&r->emit, r->n, t_us - r->table.st.first_us, h,
	                    bytes, &p, &ev) < 0)
		return -1;
	return ev.what == CAP_EV_OTHER ? 0 : 1;
}

static bool
locale_is_utf8(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
}

static void
finish(struct run *r)
{
	const char *name = pcap_datalink_val_to_name(r->dlt);
	struct cap_out *o = &r->emit.out;
	char err[512];

	cap_emit_flush(&r->emit);
	o->link_name = name != NULL ? name : "?";
	cap_table_finish(&r->table);
	if (r->cfg->ladder_out != NULL &&
	    cap_diagram_write(r->cfg->ladder_out, o, &r->table, err,
	                      sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", PROG, err);
	if (r->cfg->json) {
		cap_json_summary(o, &r->table);
		return;
	}
	if (r->cfg->ladder)
		cap_ladder_print(o, &r->table);
	if (r->cfg->follow)
		cap_follow_print(o, &r->table);
	cap_summary_print(o, &r->table);
	if (r->cfg->rtt)
		cap_summary_rtt(o, &r->table);
}

/* The columns to fit: --width N (0: no limit), else the terminal's, else
 * 80 (a file, a pipe: what a printout or a lab report takes). */
static unsigned
output_width(const struct config *cfg)
{
	struct winsize ws;

	if (cfg->width >= 0)
		return (unsigned)cfg->width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Where and how to print; live, say so on stderr and print line by line. */
static void
start_output(struct run *r, const struct config *cfg,
             const struct cap_source *src)
{
	struct cap_emit *e = &r->emit;

	r->cfg = cfg;
	r->dlt = src->dlt;
	e->out = (struct cap_out){ .f = stdout, .tcp_port = cfg->tcp_port,
	                           .udp_port = cfg->udp_port,
	                           .color = !cfg->json &&
	                                    cli_color(cfg->color, STDOUT_FILENO),
	                           .utf8 = locale_is_utf8(),
	                           .width = output_width(cfg),
	                           .file = cfg->file };
	e->plain = e->out;
	e->plain.color = false;
	e->json = cfg->json && !cfg->summary_only;
	e->text = !cfg->json && !cfg->summary_only && !cfg->ladder &&
	          !cfg->follow;
	e->hold = !src->live;           /* files: wait to mark losses */
	if (src->live) {
		setvbuf(stdout, NULL, _IOLBF, 0);   /* packets as they come */
		fprintf(stderr, TR("%s: capturing on %s (TCP port %u, UDP port %u); "
		                   "Ctrl-C stops\n",
		                   "%s: capturando en %s (puerto TCP %u, UDP %u); "
		                   "Ctrl-C para terminar\n"), PROG, src->name, cfg->tcp_port,
		        cfg->udp_port);
	} else {
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	}
}

/* -w FILE.pcapng: the file, its section comment (chatcap's version, the
 * ports, the command line) and the memory the comments are written in. */
static int
open_pcapng(struct run *r, const struct config *cfg,
            const struct cap_source *src, int argc, char **argv)
{
	char note[4096];
	size_t used;
	int i;

	if (cfg->write_file == NULL || !cap_pcapng_wanted(cfg->write_file))
		return 0;
	used = (size_t)snprintf(note, sizeof(note), "chatcap %s; TCP port %u, "
	                        "UDP port %u; command:", REDCHAT_VERSION,
	                        cfg->tcp_port, cfg->udp_port);
	for (i = 0; i < argc && used < sizeof(note); i++)
		used += (size_t)snprintf(note + used, sizeof(note) - used, " %s",
		                         argv[i]);
	return cap_pcapng_open(&r->emit.ng, cfg->write_file, src->dlt,
	                       (unsigned)pcap_snapshot(src->pcap), note);
}

int
main(int argc, char **argv)
{
	struct config cfg = { .tcp_port = DEFAULT_TCP_PORT,
	                      .udp_port = DEFAULT_UDP_PORT, .width = -1 };
	static struct run r;
	struct cap_source src;
	enum cap_exit status;
	char err[PCAP_ERRBUF_SIZE + 512] = "";
	int ok;

	if (cli_lang_scan(PROG, argc, argv) < 0)       /* before any message */
		return CAP_EXIT_USAGE;
	if ((ok = parse_options(&cfg, argc, argv)) != 0)
		return ok > 0 ? CAP_EXIT_OK : CAP_EXIT_USAGE;
	if (cfg.list) {
		if (cap_list_interfaces(stdout, err, sizeof(err)) == 0)
			return CAP_EXIT_OK;
		fprintf(stderr, "%s: %s\n", PROG, err);
		return CAP_EXIT_CAPTURE;
	}
	status = cap_source_open(&src, cfg.file, cfg.iface != NULL ? cfg.iface
	                         : DEFAULT_IFACE, cfg.write_file != NULL &&
	                         cap_pcapng_wanted(cfg.write_file) ? NULL
	                         : cfg.write_file, cfg.tcp_port,
	                         cfg.udp_port, cfg.expr[0] != '\0' ? cfg.expr
	                         : NULL, err, sizeof(err));
	if (status != CAP_EXIT_OK) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		cap_source_close(&src);
		return (int)status;
	}

	start_output(&r, &cfg, &src);
	if (open_pcapng(&r, &cfg, &src, argc, argv) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, cfg.write_file,
		        strerror(errno));
		cap_source_close(&src);
		return CAP_EXIT_CAPTURE;
	}
	if (cap_table_init(&r.table, cfg.tcp_port, cfg.udp_port,
	                   cfg.ladder || cfg.ladder_out != NULL) < 0)
		status = CAP_EXIT_CAPTURE;
	else {
		r.table.keep_rtt = cfg.rtt;
		r.table.keep_follow = cfg.follow;
		status = cap_source_run(&src, cfg.count, on_packet, &r, err,
		                        sizeof(err));
	}
	if (status != CAP_EXIT_LINKTYPE)      /* nothing could be read */
		finish(&r);
	fflush(stdout);
	if (status != CAP_EXIT_OK)
		fprintf(stderr, "%s: %s\n", PROG, err);
	if ((cap_pcapng_close(&r.emit.ng) < 0 || r.emit.error) &&
	    status == CAP_EXIT_OK) {
		fprintf(stderr, "%s: %s: %s\n", PROG, cfg.write_file,
		        TR("write error", "error de escritura"));
		status = CAP_EXIT_CAPTURE;
	}
	cap_emit_free(&r.emit);
	cap_table_free(&r.table);
	cap_source_close(&src);
	return (int)status;
}
