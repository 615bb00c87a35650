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

#define PROG "chatcheck"
#define EXIT_MUST 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE 3
#define ONLY_MAX 64

struct opts {
	bool        udp, json, list;
	const char *profile, *markdown, *rubric, *host, *lang;
	const char *only[ONLY_MAX];
	size_t      n_only;
	int         port;
};

static void
usage(FILE *f)
{
	fputs(TR(
	"usage: chatcheck [--udp] [--profile redchat|tp42] [--only ID...] [--json]\n"
	"                 [--markdown FILE] [--rubric FILE] [--lang es|en] HOST PORT\n"
	"       chatcheck --list [--profile NAME] [--udp]\n"
	"Grade a chat server against the redchat protocol (or seed 003's).\n"
	"  --udp             test a UDP server (default TCP)\n"
	"  --profile NAME    redchat (protocol v1, default) or tp42 (seed 003)\n"
	"  --only ID,...     only these tests (IDs or patterns like TCP-FRAME-*)\n"
	"  --json            JSON Lines: one object per test, then a summary\n"
	"  --markdown FILE   also write a scorecard in Markdown\n"
	"  --rubric FILE     points per test (lines \"ID POINTS\")\n"
	"  --list            list the tests and their rules, run nothing\n"
	"Exit status: 0 every MUST test passed, 1 a MUST test failed,\n"
	"2 the server could not be reached, 3 bad usage.\n",
	"uso: chatcheck [--udp] [--profile redchat|tp42] [--only ID...] [--json]\n"
	"               [--markdown ARCHIVO] [--rubric ARCHIVO] [--lang es|en]\n"
	"               HOST PUERTO\n"
	"     chatcheck --list [--profile NOMBRE] [--udp]\n"
	"Califica un servidor de chat según el protocolo de redchat (o el de la\n"
	"semilla 003).\n"
	"  --udp              probar un servidor UDP (por defecto TCP)\n"
	"  --profile NOMBRE   redchat (protocolo v1, por defecto) o tp42\n"
	"  --only ID,...      solo estas pruebas (ID o patrones como TCP-FRAME-*)\n"
	"  --json             JSON Lines: un objeto por prueba y un resumen\n"
	"  --markdown ARCHIVO escribir además una hoja de resultados en Markdown\n"
	"  --rubric ARCHIVO   puntos por prueba (líneas \"ID PUNTOS\")\n"
	"  --list             listar las pruebas y sus reglas, sin ejecutar nada\n"
	"Estado de salida: 0 pasan todas las MUST, 1 falla alguna MUST,\n"
	"2 no se pudo llegar al servidor, 3 uso incorrecto.\n"), f);
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

static int
bad(const char *why)
{
	fprintf(stderr, "%s: %s\n", PROG, why);
	usage(stderr);
	return EXIT_USAGE;
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
		{ "help", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, first;

	*o = (struct opts){ .profile = "redchat" };
	if (cli_lang_scan(PROG, argc, argv) < 0)    /* before any message */
		return EXIT_USAGE;
	opterr = 0;                                 /* errors in our words */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': o->udp = true; break;
		case 'P': o->profile = optarg; break;
		case 'o': add_only(o, optarg); break;
		case 'j': o->json = true; break;
		case 'm': o->markdown = optarg; break;
		case 'r': o->rubric = optarg; break;
		case 'l': o->lang = optarg; break;
		case 'L': o->list = true; break;
		case 'H': usage(stdout); return 0;
		case 'V': cli_version(PROG); return 0;
		default:
			cli_bad_option(PROG, c, argv, NULL);
			return EXIT_USAGE;
		}
	}
	if (strcmp(o->profile, "redchat") != 0 && strcmp(o->profile, "tp42") != 0)
		return bad(TR("--profile is redchat or tp42",
		              "--profile es redchat o tp42"));
	if (o->list)
		return -1;
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

/* Run test d (or skip it once the server is gone). */
static void
run_one(struct check_ctx *ctx, struct check_run *run, struct check_done *d)
{
	uint64_t t0 = clock_us();

	memset(&d->out, 0, sizeof(d->out));
	if (run->lost_after != NULL) {
		d->out.result = CHECK_SKIP;
		snprintf(d->out.got, sizeof(d->out.got), TR(
		         "skipped: the server stopped answering after %s",
		         "omitida: el servidor dejó de responder tras %s"),
		         run->lost_after);
		d->max = 0;
		return;
	}
	ctx->until = t0 + (uint64_t)d->t->timeout_ms * 1000;
	d->t->run(ctx, &d->out);
	ctx->until = 0;
	d->seconds = (double)(clock_us() - t0) / 1e6;
	if (d->out.result == CHECK_PASS)
		d->points = d->max;
	else if (!check_reachable(ctx, 2000))
		run->lost_after = d->t->id;
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

static int
run_all(const struct opts *o, struct check_ctx *ctx, struct rubric *rb)
{
	const struct check_test *t;
	struct check_run run = { .host = o->host, .port = o->port,
	                         .profile = o->profile, .udp = o->udp,
	                         .json = o->json };
	struct check_sum s;
	uint64_t t0 = clock_us();
	size_t i, n;

	t = check_tests(&n);
	if ((run.done = calloc(n, sizeof(*run.done))) == NULL)
		return EXIT_MUST;
	report_head(&run);
	for (i = 0; i < n; i++) {
		if (!chosen(o, &t[i]))
			continue;
		run.done[run.n].t = &t[i];
		run.done[run.n].max = rubric_points(rb, &t[i]);
		run_one(ctx, &run, &run.done[run.n]);
		report_test(&run, &run.done[run.n++]);
	}
	run.seconds = (double)(clock_us() - t0) / 1e6;
	report_end(&run);
	if (o->markdown != NULL && report_markdown(&run, o->markdown) < 0)
		perror(o->markdown);
	report_sum(&run, &s);
	free(run.done);
	return s.must_failed > 0 ? EXIT_MUST : 0;
}

int
main(int argc, char **argv)
{
	struct check_ctx ctx = { 0 };
	struct rubric rb = { 0 };
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
	                          .run = (unsigned)getpid() };
	if (resolve(&ctx) < 0 || !check_reachable(&ctx, 2000)) {
		fprintf(stderr, TR("%s: cannot reach %s:%d over %s\n",
		        "%s: no se puede llegar a %s:%d por %s\n"), PROG, o.host,
		        o.port, o.udp ? "UDP" : "TCP");
		rubric_free(&rb);
		return EXIT_UNREACHABLE;
	}
	r = run_all(&o, &ctx, &rb);
	rubric_free(&rb);
	return r;
}
