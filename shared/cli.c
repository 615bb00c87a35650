/*
 * cli.c — command-line pieces every redchat program shares.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
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
cli_port(const char *prog, const char *opt, const char *s)
{
	const char *what;
	long long v;

	if (cli_number(s, 0, 65535, &v, &what) < 0) {
		fprintf(stderr, TR("%s: %s %s: port %s (0-65535)\n",
		                   "%s: %s %s: puerto %s (0-65535)\n"),
		        prog, opt, s, what);
		return -1;
	}
	return (int)v;
}

int
cli_lang(const char *prog, const char *value)
{
	int l;

	if (value == NULL) {
		catalog_set_lang(catalog_lang_from_env());
		return 0;
	}
	if ((l = catalog_lang_parse(value)) < 0) {
		fprintf(stderr, TR("%s: --lang %s: use 'es' or 'en'\n",
		                   "%s: --lang %s: usa 'es' o 'en'\n"),
		        prog, value);
		return -1;
	}
	catalog_set_lang((enum lang)l);
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
