/*
 * chatnet.c — a virtual classroom network on one machine: a server host
 * "srv" and student hosts, each a network namespace, joined by a bridge in
 * a namespace of its own, with delay, loss, duplication, reordering and a
 * rate limit on demand. This file reads the command line and dispatches;
 * topo.c builds the network, impair.c impairs a host, impaird.c is the
 * userspace impairer for kernels without sch_netem.
 *
 * Exit status: 0 done; 1 failed (and undone); 2 usage; 3 not root, or no
 * network namespaces; 4 the network or host is not up. `run` and `cap`
 * exit with their command's status.
 */
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog.h"
#include "cc.h"
#include "chatnet.h"
#include "cli.h"
#include "cmd.h"
#include "impair.h"
#include "netns.h"
#include "spec.h"
#include "topo.h"
#include "words.h"

const char *chatnet_net = "chatnet";

/* ---------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------ */

static void
usage(FILE *f)
{
	fputs(TR(
	"usage: chatnet [--net NAME] [-v] [--lang es|en] COMMAND ...\n"
	"  up [--hosts a,b,...] [--mtu N]   srv and the student hosts (default\n"
	"     [--cc reno|cubic|bbr]         ana,luis,sol), bridged, MTU 1500;\n"
	"                                   --cc: every host's TCP algorithm\n"
	"  run HOST -- COMMAND...           run a command on a host\n"
	"  cap HOST [chatcap options]       chatcap on the host's interface\n"
	"  impair HOST [--delay D] [--jitter J] [--loss P%] [--dup P%]\n"
	"              [--reorder P%] [--rate R] [--seed N]\n"
	"              [--via auto|netem|nfqueue] [--egress] [--cc ALG]\n"
	"              [--bottleneck RATE [--queue BYTES]]  (toward HOST)\n"
	"  impair HOST --clear              remove the host's impairment\n"
	"  (impair changes what it is given and keeps the rest; --egress:\n"
	"  only what the host sends)\n"
	"  status                           hosts, addresses, impairments\n"
	"  down                             remove everything chatnet made\n"
	"Network 10.77.0.0/24 and fd72:6368:6174::/64; srv is .1 / ::1.\n"
	"Needs root. See chatnet(1).\n",
	"uso: chatnet [--net NOMBRE] [-v] [--lang es|en] ORDEN ...\n"
	"  up [--hosts a,b,...] [--mtu N]   srv y los equipos de los alumnos\n"
	"     [--cc reno|cubic|bbr]         (por defecto ana,luis,sol), con un\n"
	"                                   puente, MTU 1500; --cc: el algoritmo\n"
	"                                   de TCP de todos los equipos\n"
	"  run EQUIPO -- ORDEN...           ejecuta una orden en un equipo\n"
	"  cap EQUIPO [opciones de chatcap] chatcap en la interfaz del equipo\n"
	"  impair EQUIPO [--delay D] [--jitter J] [--loss P%] [--dup P%]\n"
	"                [--reorder P%] [--rate R] [--seed N]\n"
	"                [--via auto|netem|nfqueue] [--egress] [--cc ALG]\n"
	"                [--bottleneck TASA [--queue BYTES]]  (hacia EQUIPO)\n"
	"  impair EQUIPO --clear            quita la degradación del equipo\n"
	"  (impair cambia lo que se le da y conserva lo demás; --egress:\n"
	"  solo lo que envía el equipo)\n"
	"  status                           equipos, direcciones, degradaciones\n"
	"  down                             borra todo lo que hizo chatnet\n"
	"Red 10.77.0.0/24 y fd72:6368:6174::/64; srv es .1 / ::1.\n"
	"Requiere root. Vea chatnet(1).\n"), f);
}

int
chatnet_bad_usage(const char *what, const char *value)
{
	char esc[96];

	fprintf(stderr, "%s: %s%s%s\n", PROG, what, value ? ": " : "",
	        value ? words_escape(value, esc, sizeof(esc)) : "");
	fprintf(stderr, TR("Try 'chatnet --help'.\n",
	                   "Prueba 'chatnet --help'.\n"));
	return EXIT_USAGE;
}

int
chatnet_failed(const char *what, const char *err)
{
	fprintf(stderr, "%s: %s: %s\n", PROG, what, err);
	return EXIT_FAILURE;
}

/* The network must be up, and host (unless NULL) one of its hosts. */
int
chatnet_need_host(struct topo *t, const char *host)
{
	char b[NETNS_NAME], ns[NETNS_NAME], esc[96];

	topo_load(t, chatnet_net);
	netns_name(chatnet_net, NETNS_BRIDGE, b);
	if (t->n == 0 || !netns_exists(b)) {
		fprintf(stderr, TR("%s: network %s is not up (chatnet up)\n",
		                   "%s: la red %s no está activa (chatnet up)\n"),
		        PROG, chatnet_net);
		return EXIT_DOWN;
	}
	if (host == NULL)
		return 0;
	netns_name(chatnet_net, host, ns);
	if (topo_find(t, host) < 0 || !netns_exists(ns)) {
		fprintf(stderr, TR("%s: no host %s in network %s\n",
		                   "%s: no hay ningún equipo %s en la red %s\n"),
		        PROG, words_escape(host, esc, sizeof(esc)), chatnet_net);
		return EXIT_DOWN;
	}
	return 0;
}

/* ---------------------------------------------------------------------------
 * Commands
 * ------------------------------------------------------------------------ */

static void
on_interrupt(int sig)
{
	(void)sig;
	topo_interrupted = 1;
}

/* Can this process make a network namespace? (A child tries.) */
static bool
namespaces_work(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void print_status(const struct topo *t);

static int
cmd_up(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hosts", required_argument, NULL, 'H' },
		{ "cc", required_argument, NULL, 'c' },
		{ "mtu", required_argument, NULL, 'm' }, { 0, 0, 0, 0 } };
	static char names[SPEC_HOSTS_MAX][SPEC_HOST_MAX + 1];
	struct sigaction sa = { .sa_handler = on_interrupt };
	const char *hosts = "ana,luis,sol", *what, *bad, *cc = NULL;
	long long mtu = TOPO_MTU;
	struct topo t;
	char err[512];
	int c, n;

	_Static_assert(SPEC_HOSTS_MAX - 1 == 63, "the --hosts error says 63");
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		if (c == '?' || c == ':')
			return words_bad_option(c, argv, opts);
		else if (c == 'H')
			hosts = optarg;
		else if (c == 'c' && cc_name_ok(optarg))
			cc = optarg;
		else if (c == 'c')
			return chatnet_bad_usage("--cc (reno, cubic, bbr)", optarg);
		else if (cli_number(optarg, 1280, 9000, &mtu, &what) < 0)
			return chatnet_bad_usage("--mtu (1280-9000)", optarg);
	if (optind < argc)
		return chatnet_bad_usage(TR("unexpected", "sobra"), argv[optind]);
	if ((n = spec_hosts(hosts, names, SPEC_HOSTS_MAX - 1, &bad)) < 0 &&
	    bad == NULL)                        /* every name good: too many */
		return chatnet_bad_usage(TR("--hosts: at most 63 hosts besides srv",
		                    "--hosts: 63 equipos como mucho además de srv"),
		                    NULL);
	if (n < 0)
		return chatnet_bad_usage(TR("--hosts: names are a lowercase letter, then "
		                    "letters and digits (at most 12)",
		                    "--hosts: un nombre es una minúscula y luego "
		                    "letras y cifras (12 como mucho)"), bad);
	if (!namespaces_work()) {
		fprintf(stderr, TR("%s: this system cannot make network "
		                   "namespaces\n", "%s: este sistema no puede "
		                   "crear espacios de nombres de red\n"), PROG);
		return EXIT_ROOT;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (topo_up(&t, chatnet_net, names, (size_t)n, (unsigned)mtu, err,
	            sizeof(err)) < 0)
		return chatnet_failed("up", err);
	if (cc != NULL && cc_set(&t, NULL, cc, err, sizeof(err)) < 0)
		return chatnet_failed("up --cc", err);
	print_status(&t);
	return 0;
}

static int
cmd_down(int argc, char **argv)
{
	char err[512];
	int n;

	if (argc > 1)
		return chatnet_bad_usage(TR("unexpected", "sobra"), argv[1]);
	signal(SIGINT, SIG_IGN);        /* half a teardown helps no one */
	signal(SIGTERM, SIG_IGN);
	if ((n = topo_down(chatnet_net, err, sizeof(err))) < 0)
		return chatnet_failed("down", err);
	if (n == 0)
		printf(TR("network %s: nothing to remove\n",
		          "red %s: nada que borrar\n"), chatnet_net);
	else
		printf(TR("network %s: removed %d namespaces\n",
		          "red %s: %d espacios de nombres borrados\n"), chatnet_net, n);
	return 0;
}

static void
print_status(const struct topo *t)
{
	char a4[32], a6[64], imp[320], cc[32], bn[160];
	size_t i;

	printf(TR("network %s: %zu hosts, MTU %u, %s.0/24, %s:/64\n",
	          "red %s: %zu equipos, MTU %u, %s.0/24, %s:/64\n"),
	       t->net, t->n, t->mtu, TOPO_NET4, TOPO_NET6);
	printf("%-12s %-13s %-22s %-7s %s\n", TR("HOST", "EQUIPO"),
	       "IPv4", "IPv6", "TCP CC", TR("IMPAIRMENT", "DEGRADACIÓN"));
	for (i = 0; i < t->n; i++) {
		topo_addr4(t->h[i].num, a4, sizeof(a4));
		topo_addr6(t->h[i].num, a6, sizeof(a6));
		impair_describe(t, t->h[i].name, imp, sizeof(imp));
		cc_describe_alg(t, t->h[i].name, cc, sizeof(cc));
		if (cc_describe_bottleneck(t, t->h[i].name, bn, sizeof(bn)) < 0)
			bn[0] = '\0';
		else if (strcmp(imp, TR("none", "ninguna")) == 0)
			imp[0] = '\0';
		printf("%-12s %-13s %-22s %-7s %s%s%s\n", t->h[i].name, a4, a6,
		       cc, imp, imp[0] != '\0' && bn[0] != '\0' ? "; " : "", bn);
	}
}

static int
cmd_status(int argc, char **argv)
{
	struct topo t;
	int rc;

	if (argc > 1)
		return chatnet_bad_usage(TR("unexpected", "sobra"), argv[1]);
	if ((rc = chatnet_need_host(&t, NULL)) != 0)
		return rc;
	print_status(&t);
	return 0;
}

/* ---------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	bool root;
} commands[] = {
	{ "up", cmd_up, true }, { "down", cmd_down, true },
	{ "status", cmd_status, false }, { "run", chatnet_run, true },
	{ "cap", chatnet_cap, true }, { "impair", chatnet_impair, true },
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "net", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0, 0, 0, 0 } };
	size_t i;
	int c;

	if (getenv("CHATNET_NET") != NULL)
		chatnet_net = getenv("CHATNET_NET");
	if (cli_lang_scan(PROG, argc, argv) < 0)   /* before any message */
		return EXIT_USAGE;
	opterr = 0;                                /* errors in our words */
	while ((c = getopt_long(argc, argv, "+:v", opts, NULL)) != -1)
		switch (c) {
		case 'n': chatnet_net = optarg; break;
		case 'v': cmd_verbose = true; break;
		case 'L': break;        /* applied by cli_lang_scan() */
		case 'h': usage(stdout); return 0;
		case 'V': cli_version(PROG); return 0;
		default:
			return words_bad_option(c, argv, opts);
		}
	if (!topo_net_ok(chatnet_net))
		return chatnet_bad_usage(TR("--net: letters, digits, '-' or '_' (at most "
		                    "40)", "--net: letras, cifras, '-' o '_' (40 "
		                    "como mucho)"), chatnet_net);
	if (optind >= argc)
		return chatnet_bad_usage(TR("no command", "falta la orden"), NULL);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		if (commands[i].root && geteuid() != 0) {
			fprintf(stderr, TR("%s: %s needs root (network namespaces); "
			                   "try: sudo chatnet %s\n", "%s: %s requiere "
			                   "root (espacios de nombres de red); prueba: "
			                   "sudo chatnet %s\n"), PROG, argv[optind],
			        argv[optind]);
			return EXIT_ROOT;
		}
		c = optind;
		optind = 0;     /* getopt starts anew for the command's options */
		return commands[i].fn(argc - c, argv + c);
	}
	return chatnet_bad_usage(TR("unknown command", "orden desconocida"),
	                 argv[optind]);
}
