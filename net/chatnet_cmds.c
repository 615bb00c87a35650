/*
 * chatnet_cmds.c — the chatnet commands that act on one host: run a command
 * there, capture there, impair its packets (see chatnet.c for the rest).
 */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cc.h"
#include "chatnet.h"
#include "cli.h"
#include "impair.h"
#include "netns.h"
#include "spec.h"
#include "words.h"

/* `ip netns exec NET-HOST argv...`: ip mounts the host's /etc/hosts. */
static int
exec_in(const char *host, char **argv, int argc, const char *const *pre,
        size_t npre)
{
	char ns[NETNS_NAME];
	const char **v = calloc((size_t)argc + npre + 5, sizeof(*v));
	size_t n = 0, i;

	if (v == NULL)
		return chatnet_failed("exec", "out of memory");
	netns_name(chatnet_net, host, ns);
	v[n++] = "ip";
	v[n++] = "netns";
	v[n++] = "exec";
	v[n++] = ns;
	for (i = 0; i < npre; i++)
		v[n++] = pre[i];
	for (i = 0; i < (size_t)argc; i++)
		v[n++] = argv[i];
	execvp("ip", (char *const *)v);
	perror(PROG ": ip");
	free(v);
	return 127;
}

/* cmd is a program exec can start: a path that is executable, or a name
 * found in one of PATH's folders (an empty one being the current folder). */
static bool
command_found(const char *cmd)
{
	const char *p = getenv("PATH"), *end;
	char buf[PATH_MAX];
	int n;

	if (strchr(cmd, '/') != NULL)
		return access(cmd, X_OK) == 0;
	for (p = p != NULL ? p : "/usr/bin:/bin";; p = end + 1) {
		end = strchrnul(p, ':');
		n = end == p ? snprintf(buf, sizeof(buf), "./%s", cmd)
		    : snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, cmd);
		if (n > 0 && (size_t)n < sizeof(buf) && access(buf, X_OK) == 0)
			return true;
		if (*end == '\0')
			return false;
	}
}

int
chatnet_run(int argc, char **argv)
{
	struct topo t;
	int rc, first = 2;

	if (argc < 2)
		return chatnet_bad_usage(TR("run HOST -- COMMAND...",
		                    "run EQUIPO -- ORDEN..."), NULL);
	if ((rc = chatnet_need_host(&t, argv[1])) != 0)
		return rc;
	if (first < argc && strcmp(argv[first], "--") == 0)
		first++;
	if (first >= argc)
		return chatnet_bad_usage(TR("no command", "falta la orden"), NULL);
	if (!command_found(argv[first])) {     /* as a shell says it, and 127 */
		char esc[96];
		fprintf(stderr, TR("%s: %s: command not found (installed? in PATH?)\n",
		                   "%s: %s: no se encuentra la orden (¿instalada? "
		                   "¿en el PATH?)\n"),
		        PROG, words_escape(argv[first], esc, sizeof(esc)));
		return 127;
	}
	return exec_in(argv[1], argv + first, argc - first, NULL, 0);
}

/* chatcap beside chatnet (bin/), else the one in PATH. */
static const char *
chatcap_path(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	char *slash;

	if (n > 0) {
		path[n] = '\0';
		if ((slash = strrchr(path, '/')) != NULL) {
			strcpy(slash + 1, "chatcap");
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	return "chatcap";
}

int
chatnet_cap(int argc, char **argv)
{
	const char *pre[] = { chatcap_path(), "-i", TOPO_IF };
	struct topo t;
	int rc;

	if (argc < 2)
		return chatnet_bad_usage(TR("cap HOST [chatcap options]",
		                    "cap EQUIPO [opciones de chatcap]"), NULL);
	if ((rc = chatnet_need_host(&t, argv[1])) != 0)
		return rc;
	return exec_in(argv[1], argv + 2, argc - 2, pre, 3);
}

/* One impair option into sp; -1 on a bad value. */
static int
impair_opt(int c, const char *v, struct spec_impair *sp, enum impair_via *via)
{
	long long seed;
	const char *what;

	switch (c) {
	case 'd': return spec_duration(v, &sp->delay_us);
	case 'j': return spec_duration(v, &sp->jitter_us);
	case 'l': return spec_percent(v, &sp->loss);
	case 'u': return spec_percent(v, &sp->dup);
	case 'o': return spec_percent(v, &sp->reorder);
	case 'r': return spec_rate(v, &sp->rate_bps);
	case 's':
		sp->has_seed = true;
		if (cli_number(v, 0, 4294967295LL, &seed, &what) < 0)
			return -1;
		sp->seed = (uint64_t)seed;
		return 0;
	case 'v':
		*via = strcmp(v, "netem") == 0 ? IMPAIR_NETEM
		     : strcmp(v, "nfqueue") == 0 ? IMPAIR_NFQUEUE : IMPAIR_AUTO;
		return strcmp(v, "auto") == 0 || *via != IMPAIR_AUTO ? 0 : -1;
	}
	return -1;
}

/* Into sp, the kept setting of each option not given on this command line
 * (given: the option letters that were). */
static void
keep_earlier(const struct spec_impair *old, const char *given,
             struct spec_impair *sp)
{
#define KEEP(letter, field) \
	if (strchr(given, letter) == NULL) sp->field = old->field
	KEEP('d', delay_us);
	KEEP('j', jitter_us);
	KEEP('l', loss);
	KEEP('u', dup);
	KEEP('o', reorder);
	KEEP('r', rate_bps);
	KEEP('s', seed);
	KEEP('s', has_seed);
	KEEP('e', egress);
#undef KEEP
}

/* Jitter and reordering vary a delay: without one they are refused. */
static int
need_delay(const struct spec_impair *sp)
{
	if (sp->delay_us > 0 || (sp->jitter_us == 0 && sp->reorder == 0))
		return 0;
	fprintf(stderr, TR("%s: %s needs a delay to act on (add --delay, e.g. "
	                   "--delay 50ms %s)\n", "%s: %s necesita un retardo "
	                   "sobre el que actuar (añade --delay, p. ej. --delay "
	                   "50ms %s)\n"), PROG,
	        sp->jitter_us > 0 ? "--jitter" : "--reorder",
	        sp->jitter_us > 0 ? "--jitter 10ms" : "--reorder 25%");
	return EXIT_USAGE;
}

/* What one impair command line asks for: the impairment, the congestion
 * settings, the tool, and the option letters given (each once). */
struct impair_args {
	struct spec_impair sp;
	struct cc_opts cco;
	enum impair_via via;
	char given[16];
};

/* Parse impair's options into a; 0, or the exit status of a usage error. */
static int
impair_args(int argc, char **argv, struct impair_args *a)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "jitter", required_argument, NULL, 'j' },
		{ "loss", required_argument, NULL, 'l' },
		{ "dup", required_argument, NULL, 'u' },
		{ "reorder", required_argument, NULL, 'o' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "via", required_argument, NULL, 'v' },
		{ "egress", no_argument, NULL, 'e' },
		{ "cc", required_argument, NULL, CC_OPT_CC },
		{ "bottleneck", required_argument, NULL, CC_OPT_BOTTLENECK },
		{ "queue", required_argument, NULL, CC_OPT_QUEUE },
		{ "clear", no_argument, NULL, 'c' }, { 0, 0, 0, 0 } };
	int c, rc, idx;
	size_t n;

	while ((c = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
		if (c == '?' || c == ':')
			return words_bad_option(c, argv, opts);
		if ((rc = cc_impair_opt(c, optarg, &a->cco)) < 0)
			return words_bad_value(opts[idx].name, optarg);
		if (rc > 0)
			continue;
		if (c == 'e')
			a->sp.egress = true;
		else if (c != 'c' && impair_opt(c, optarg, &a->sp, &a->via) < 0)
			return words_bad_value(opts[idx].name, optarg);
		if (strchr(a->given, c) == NULL &&
		    (n = strlen(a->given)) + 1 < sizeof(a->given)) {
			a->given[n] = (char)c;
			a->given[n + 1] = '\0';
		}
	}
	if (optind + 1 != argc)
		return chatnet_bad_usage(TR("impair HOST [options]",
		                    "impair EQUIPO [opciones]"),
		                    optind < argc ? argv[argc - 1] : NULL);
	if (strchr(a->given, 'c') != NULL && cc_wanted(&a->cco))
		return chatnet_bad_usage(TR("--clear removes impairments; --cc, "
		                    "--bottleneck and --queue are set alone",
		                    "--clear quita degradaciones; --cc, "
		                    "--bottleneck y --queue se ponen aparte"), NULL);
	return 0;
}

int
chatnet_impair(int argc, char **argv)
{
	struct impair_args a = { .via = IMPAIR_AUTO };
	struct spec_impair old;
	const char *host;
	char err[512];
	struct topo t;
	int rc;

	argc = words_join_percent(argc, argv);
	if ((rc = impair_args(argc, argv, &a)) != 0)
		return rc;
	host = argv[optind];
	if ((rc = chatnet_need_host(&t, host)) != 0)
		return rc;
	if (strchr(a.given, 'c') == NULL && impair_kept(&t, host, &old) == 0)
		keep_earlier(&old, a.given, &a.sp);
	if ((rc = need_delay(&a.sp)) != 0)
		return rc;
	if (strcmp(a.given, "c") == 0) {
		impair_clear(&t, host, err, sizeof(err));
		printf(TR("%s: no impairment\n", "%s: sin degradación\n"), host);
		return 0;
	}
	/* --cc or --bottleneck alone leave the rest of the impairment alone. */
	if ((!cc_wanted(&a.cco) || a.given[0] != '\0') &&
	    impair_apply(&t, host, &a.sp, a.via, err, sizeof(err)) < 0)
		return chatnet_failed("impair", err);
	if (cc_impair(&t, host, &a.cco, err, sizeof(err)) < 0)
		return chatnet_failed("impair", err);
	return 0;
}
