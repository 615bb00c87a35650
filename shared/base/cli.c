/*
 * cli.c — command-line pieces every redchat program shares.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang.h"
#include "cli.h"

int
cli_number(const char *s, long long min, long long max, long long *out,
           const char **what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || (errno == ERANGE && v == 0)) {
		*what = TR("invalid", "no válido");
		return -1;
	}
	if (v < min || (errno == ERANGE && v < 0)) {
		*what = TR("too small", "demasiado pequeño");
		return -1;
	}
	if (v > max || errno == ERANGE) {
		*what = TR("too large", "demasiado grande");
		return -1;
	}
	*out = v;
	return 0;
}

int
cli_port_min(const char *prog, const char *opt, const char *s, int min)
{
	const char *what;
	long long v;

	if (cli_number(s, min, 65535, &v, &what) < 0) {
		fprintf(stderr, TR("%s: %s %s: port %s (%d-65535)\n",
		                   "%s: %s %s: puerto %s (%d-65535)\n"),
		        prog, opt, s, what, min);
		return -1;
	}
	return (int)v;
}

int
cli_port(const char *prog, const char *opt, const char *s)
{
	return cli_port_min(prog, opt, s, 0);
}

int
cli_lang_scan(const char *prog, int argc, char **argv)
{
	const char *lang = NULL;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
	}
	return cli_lang(prog, lang);
}

void
cli_bad_option(const char *prog, int c, char **argv, const char *hint)
{
	char name[64];
	const char *arg = argv[optind - 1];

	/* glibc: an unknown long option leaves optopt 0 and is the word just
	 * taken; an unknown short one is optopt; an option without its
	 * value is the word just taken when long, else optopt. */
	if ((c == '?' && optopt == 0) ||
	    (c == ':' && strncmp(arg, "--", 2) == 0))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	if (c == ':')
		fprintf(stderr, TR("%s: %s needs a value\n",
		                   "%s: %s necesita un valor\n"), prog, name);
	else
		fprintf(stderr, TR("%s: unknown option %s\n",
		                   "%s: opción desconocida %s\n"), prog, name);
	if (hint != NULL)
		fprintf(stderr, "%s: %s\n", prog, hint);
	fprintf(stderr, TR("Try '%s --help'.\n", "Prueba '%s --help'.\n"),
	        prog);
}

int
cli_lang(const char *prog, const char *value)
{
	int l;

	if (value == NULL) {
		lang_set(lang_from_env());
		return 0;
	}
	if ((l = lang_parse(value)) < 0) {
		fprintf(stderr, TR("%s: --lang %s: use 'es' or 'en'\n",
		                   "%s: --lang %s: usa 'es' o 'en'\n"),
		        prog, value);
		return -1;
	}
	lang_set((enum lang)l);
	return 0;
}

void
cli_version(const char *prog)
{
	printf("%s (redchat) %s\n", prog, REDCHAT_VERSION);
}

int
cli_color(const char *value, int fd)
{
	const char *no_color;

	if (value == NULL || strcmp(value, "auto") == 0) {
		no_color = getenv("NO_COLOR");
		if (no_color != NULL && *no_color != '\0')
			return 0;
		return isatty(fd) ? 1 : 0;
	}
	if (strcmp(value, "always") == 0)
		return 1;
	if (strcmp(value, "never") == 0)
		return 0;
	return -1;
}
