/*
 * chatcheck — grade a chat server against redchat's wire protocol v1
 * (profile redchat) or against what seed 003's statement asks (tp42).
 *
 * Each test has a stable ID, a level (MUST or SHOULD), the rule it checks
 * quoted from a man page, and a time budget: whatever the server does, a
 * test ends. Exit status: 0 every MUST test passed, 1 one failed, 2 the
 * server could not be reached, 3 bad usage. This file holds the command
 * line and the run; the tests are check_*.c, the output check_report.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"

#include "check.h"
#include "check_report.h"
#include "check_server.h"

#define PROG "chatcheck"
#define EXIT_MUST 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE 3
#define ONLY_MAX 64

struct opts {
	bool        udp, json, list;
	const char *profile, *markdown, *rubric, *host, *lang;
	const char *cmd, *junit, *gradescope;
	const char *only[ONLY_MAX];
	size_t      n_only;
	int         port;
	uint32_t    seed;
	double      timeout;
};

static void
usage(FILE *f)
{
	fputs(TR(
	"usage: chatcheck [--udp] [--profile redchat|tp42] [--only ID...] [--json]\n"
	"                 [--markdown FILE] [--junit FILE] [--gradescope FILE]\n"
	"                 [--rubric FILE] [--seed N] [--timeout S] [--lang es|en]\n"
	"                 HOST PORT | --run 'CMD {port}'\n"
	"       chatcheck --list [--profile NAME] [--udp]\n"
	"Grade a chat server against the redchat protocol (or seed 003's).\n"
	"  --run 'CMD {port}' start the server with CMD on a free port (as root\n"
	"                    in a network of its own, with limits), again after\n"
	"                    each crash; its last output is shown where it died\n"
	"  --udp             test a UDP server (default TCP)\n"
	"  --profile NAME    redchat (protocol v1, default) or tp42 (seed 003)\n"
	"  --only ID,...     only these tests (IDs or patterns like TCP-FRAME-*)\n"
	"  --json            JSON Lines: one object per test, then a summary\n"
	"  --markdown FILE   also write a scorecard in Markdown\n"
	"  --junit FILE      also write JUnit XML (for GitLab, Jenkins)\n"
	"  --gradescope FILE also write Gradescope's results.json\n"
	"  --rubric FILE     points per test (lines \"ID POINTS\")\n"
	"  --seed N          the random input (printed with each failure)\n"
	"  --timeout S       stop the run after S seconds (default 300)\n"
	"  --list            list the tests and their rules, run nothing\n"
	"Exit status: 0 every MUST test passed, 1 a MUST test did not pass\n"
	"(failed, or could not run), 2 the server could not be reached,\n"
	"3 bad usage.\n",
	"uso: chatcheck [--udp] [--profile redchat|tp42] [--only ID...] [--json]\n"
	"               [--markdown ARCHIVO] [--junit ARCHIVO]\n"
	"               [--gradescope ARCHIVO] [--rubric ARCHIVO] [--seed N]\n"
	"               [--timeout S] [--lang es|en]\n"
	"               HOST PUERTO | --run 'ORDEN {port}'\n"
	"     chatcheck --list [--profile NOMBRE] [--udp]\n"
	"Califica un servidor de chat según el protocolo de redchat (o el de la\n"
	"semilla 003).\n"
	"  --run 'ORDEN {port}' arrancar el servidor con ORDEN en un puerto libre\n"
	"                     (como root en una red propia, con límites), y otra\n"
	"                     vez tras cada caída; su última salida se muestra\n"
	"                     donde cayó\n"
	"  --udp              probar un servidor UDP (por defecto TCP)\n"
	"  --profile NOMBRE   redchat (protocolo v1, por defecto) o tp42\n"
	"  --only ID,...      solo estas pruebas (ID o patrones como TCP-FRAME-*)\n"
	"  --json             JSON Lines: un objeto por prueba y un resumen\n"
	"  --markdown ARCHIVO escribir además una hoja de resultados en Markdown\n"
	"  --junit ARCHIVO    escribir además JUnit XML (para GitLab, Jenkins)\n"
	"  --gradescope ARCHIVO escribir además el results.json de Gradescope\n"
	"  --rubric ARCHIVO   puntos por prueba (líneas \"ID PUNTOS\")\n"
	"  --seed N           la entrada al azar (se muestra en cada fallo)\n"
	"  --timeout S        parar tras S segundos (por defecto 300)\n"
	"  --list             listar las pruebas y sus reglas, sin ejecutar nada\n"
	"Estado de salida: 0 pasan todas las MUST, 1 alguna MUST no pasó\n"
	"(falló, o no se pudo ejecutar), 2 no se pudo llegar al servidor,\n"
	"3 uso incorrecto.\n"), f);
}

/* ---------------------------------------------------------------------------
 * The command line
 * ------------------------------------------------------------------------ */

static int
add_only(struct opts *o, char *list)
{
	char *id;

	for (id = strtok(list, ","); id != NULL; id = strtok(NULL, ","))
		if (o->n_only < ONLY_MAX)
			o->only[o->n_only++] = id;
	return 0;
}

/* A whole decimal number up to max into *v: 0, or -1. */
static int
number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || s[0] == '-' || *v > max
	       ? -1 : 0;
}

static int
bad(const char *why)
{
	fprintf(stderr, "%s: %s\n", PROG, why);
	usage(stderr);
	return EXIT_USAGE;
}

/* One option c (optarg its value): -1 to go on, or the exit status. */
static int
option(struct opts *o, int c, char **argv)
{
	unsigned long v;

	switch (c) {
	case 'u': o->udp = true; break;
	case 'P': o->profile = optarg; break;
	case 'o': add_only(o, optarg); break;
	case 'j': o->json = true; break;
	case 'm': o->markdown = optarg; break;
	case 'r': o->rubric = optarg; break;
	case 'l': o->lang = optarg; break;
	case 'L': o->list = true; break;
	case 'R': o->cmd = optarg; break;
	case 'J': o->junit = optarg; break;
	case 'G': o->gradescope = optarg; break;
	case 'S':
		if (number(optarg, 0xffffffffu, &v) < 0)
			return bad(TR("--seed is a number", "--seed es un número"));
		o->seed = (uint32_t)v;
		break;
	case 'T':
		if (number(optarg, 86400, &v) < 0 || v == 0)
			return bad(TR("--timeout is 1 to 86400 seconds",
			              "--timeout es de 1 a 86400 segundos"));
		o->timeout = v;
		break;
	case 'H': usage(stdout); return 0;
	case 'V': cli_version(PROG); return 0;
	default:
		cli_bad_option(PROG, c, argv, NULL);
		return EXIT_USAGE;
	}
	return -1;
}

/* --run: no HOST PORT (the server is ours); words left are more IDs. */
static int
run_args(int argc, char **argv, struct opts *o)
{
	int c;

	if (strstr(o->cmd, "{port}") == NULL)
		return bad(TR("--run needs {port} in its command",
		              "--run necesita {port} en su orden"));
	for (c = optind; c < argc; c++)
		add_only(o, argv[c]);
	o->host = "127.0.0.1";
	return -1;
}

/* Returns -1 to go on, or the exit status. */
static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "udp", no_argument, NULL, 'u' },
		{ "profile", required_argument, NULL, 'P' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", required_argument, NULL, 'm' },
		{ "rubric", required_argument, NULL, 'r' },
		{ "lang", required_argument, NULL, 'l' },
		{ "list", no_argument, NULL, 'L' },
		{ "run", required_argument, NULL, 'R' },
		{ "junit", required_argument, NULL, 'J' },
		{ "gradescope", required_argument, NULL, 'G' },
		{ "seed", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r, first;

	*o = (struct opts){ .profile = "redchat", .timeout = 300,
	                    .seed = (uint32_t)(clock_us() ^ (uint64_t)getpid()) };
	if (cli_lang_scan(PROG, argc, argv) < 0)    /* before any message */
		return EXIT_USAGE;
	opterr = 0;                                 /* errors in our words */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1)
		if ((r = option(o, c, argv)) >= 0)
			return r;
	if (strcmp(o->profile, "redchat") != 0 && strcmp(o->profile, "tp42") != 0)
		return bad(TR("--profile is redchat or tp42",
		              "--profile es redchat o tp42"));
	if (o->list)
		return -1;
	if (o->cmd != NULL)
		return run_args(argc, argv, o);
	/* "--only A B HOST PORT": the words before HOST are more IDs. */
	first = argc - 2;
	if (first < optind)
		return bad(TR("HOST and PORT are needed", "faltan HOST y PUERTO"));
	if (first > optind && o->n_only == 0)
		return bad(TR("too many arguments", "demasiados argumentos"));
	for (c = optind; c < first; c++)
		add_only(o, argv[c]);
	o->host = argv[first];
	if ((o->port = cli_port(PROG, "PORT", argv[first + 1])) <= 0)
		return EXIT_USAGE;
	return -1;
}

/* ---------------------------------------------------------------------------
 * Choosing and running the tests
 * ------------------------------------------------------------------------ */

static bool chosen(const struct opts *o, const struct check_test *t);

static bool
chosen_cb(const void *o, const struct check_test *t)
{
	return chosen(o, t);
}

static bool
chosen(const struct opts *o, const struct check_test *t)
{
	unsigned want = strcmp(o->profile, "tp42") == 0 ? CHECK_TP42
	                                                : CHECK_REDCHAT;
	size_t i;

	if (!(t->profiles & want) || t->udp != o->udp)
		return false;
	for (i = 0; i < o->n_only; i++)
		if (fnmatch(o->only[i], t->id, 0) == 0)
			return true;
	return o->n_only == 0;
}

/* Every --only names at least one test of the profile. */
static int
check_only(const struct opts *o)
{
	const struct check_test *t;
	size_t i, j, n;

	t = check_tests(&n);
	for (i = 0; i < o->n_only; i++) {
		for (j = 0; j < n; j++)
			if (fnmatch(o->only[i], t[j].id, 0) == 0 && chosen(o, &t[j]))
				break;
		if (j == n) {
			fprintf(stderr, TR("%s: no test %s in profile %s over %s\n",
			        "%s: no hay prueba %s en el perfil %s por %s\n"),
			        PROG, o->only[i], o->profile, o->udp ? "UDP" : "TCP");
			return -1;
		}
	}
	return 0;
}

static int
resolve(struct check_ctx *ctx)
{
	struct addrinfo hints = { 0 }, *ai;
	char port[16];
	int r;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = ctx->udp ? SOCK_DGRAM : SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", ctx->port);
	if ((r = getaddrinfo(ctx->host, port, &hints, &ai)) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, ctx->host, gai_strerror(r));
		return -1;
	}
	memcpy(&ctx->addr, ai->ai_addr, ai->ai_addrlen);
	ctx->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void
list_tests(const struct opts *o)
{
	const struct check_test *t = check_tests(&(size_t){ 0 });
	const struct check_rule *r;
	size_t i, n;

	check_tests(&n);
	for (i = 0; i < n; i++) {
		if (!chosen(o, &t[i]))
			continue;
		r = check_rule(t[i].rule);
		printf("%-13s %-6s %s\n    \"%s\" (%s)\n", t[i].id,
		       t[i].level == CHECK_MUST ? "MUST" : "SHOULD",
		       TR(t[i].title_en, t[i].title_es), r ? TR(r->en, r->es) : "",
		       r ? r->source : "");
	}
}

/* Run the tests and write the reports. */
static int
run_all(const struct opts *o, struct check_ctx *ctx, struct rubric *rb,
        uint64_t started)
{
	struct check_run run = { .host = o->host, .port = ctx->port,
	                         .profile = o->profile, .udp = o->udp,
	                         .json = o->json, .cmd = o->cmd,
	                         .seed = ctx->seed, .started = started };
	int r;

	r = check_run_all(&run, ctx, rb, chosen_cb, o, o->timeout);
	report_end(&run);
	if (o->markdown != NULL && report_markdown(&run, o->markdown) < 0)
		perror(o->markdown);
	if (o->junit != NULL && report_junit(&run, o->junit) < 0)
		perror(o->junit);
	if (o->gradescope != NULL && report_gradescope(&run, o->gradescope) < 0)
		perror(o->gradescope);
	free(run.done);
	return r;
}

/* Cannot reach the server: say so, with a hint when the other transport
 * is what listens there. */
static int
unreachable(const struct opts *o, const struct check_ctx *ctx)
{
	int other = check_other_transport(ctx);

	fprintf(stderr, TR("%s: cannot reach %s:%d over %s\n",
	        "%s: no se puede llegar a %s:%d por %s\n"), PROG, o->host,
	        ctx->port, o->udp ? "UDP" : "TCP");
	if (other != 0)
		fprintf(stderr, other > 0 ? TR("%s: a %s server listens on that "
		        "port: try %s\n", "%s: en ese puerto escucha un servidor "
		        "%s: pruebe %s\n") : TR("%s: is it a %s server? then try "
		        "%s\n", "%s: ¿es un servidor %s? entonces pruebe %s\n"),
		        PROG, o->udp ? "TCP" : "UDP", o->udp ?
		        TR("without --udp", "sin --udp") : "--udp");
	return EXIT_UNREACHABLE;
}

/* --run: the server chatcheck starts (in a network of its own as root). */
static int
start_server(const struct opts *o, struct check_ctx *ctx,
             struct check_server *srv)
{
	char err[1024];

	*srv = (struct check_server){ .cmd = o->cmd, .udp = o->udp };
	server_isolate(srv);
	if (server_start(srv, 10000, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return -1;
	}
	ctx->srv = srv;
	ctx->port = srv->port;
	return 0;
}

int
main(int argc, char **argv)
{
	struct check_ctx ctx = { 0 };
	struct check_server srv;
	struct rubric rb = { 0 };
	uint64_t started = clock_us();
	struct opts o;
	char err[256];
	int r;

	signal(SIGPIPE, SIG_IGN);
	if ((r = parse(argc, argv, &o)) >= 0)
		return r;
	if (o.list) {
		list_tests(&o);
		return 0;
	}
	if (check_only(&o) < 0)
		return EXIT_USAGE;
	if (o.rubric != NULL && rubric_load(o.rubric, &rb, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return EXIT_USAGE;
	}
	ctx = (struct check_ctx){ .host = o.host, .port = o.port, .udp = o.udp,
	                          .tp42 = strcmp(o.profile, "tp42") == 0,
	                          .run = (unsigned)getpid(), .seed = o.seed };
	if (o.cmd != NULL && start_server(&o, &ctx, &srv) < 0) {
		rubric_free(&rb);
		return EXIT_UNREACHABLE;
	}
	if (resolve(&ctx) < 0 || !check_reachable(&ctx, 2000))
		r = unreachable(&o, &ctx);
	else
		r = run_all(&o, &ctx, &rb, started);
	if (ctx.srv != NULL)
		server_stop(ctx.srv);
	rubric_free(&rb);
	return r;
}
