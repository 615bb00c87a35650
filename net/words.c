/*
 * words.c — chatnet's errors in words that name the fix (see words.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "chatnet.h"
#include "spec.h"
#include "words.h"

#define WORDS_MAX 96    /* bytes of an escaped word we echo */

const char *
words_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p != '\0' && n + 5 < len; p++) {
		/* C1 controls are U+0080..U+009F: 0xC2 then 0x80..0x9F */
		if (*p < 0x20 || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", *p);
		else if (p > (const unsigned char *)s && p[-1] == 0xc2 &&
		         *p >= 0x80 && *p <= 0x9f)
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", *p);
		else
			buf[n++] = (char)*p;
	}
	buf[n < len ? n : len - 1] = '\0';
	return buf;
}

/* Edits (insert, delete, change, swap two neighbours) from a to b, or 3
 * when more than 2. */
static int
edits(const char *a, const char *b)
{
	int d[24][24], i, j, la = (int)strlen(a), lb = (int)strlen(b), c;

	if (la > 22 || lb > 22 || abs(la - lb) > 2)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb] < 3 ? d[la][lb] : 3;
}

/* The long option nearest to word (without its dashes), or NULL. */
static const char *
nearest(const char *word, const struct option *opts)
{
	const char *best = NULL;
	int best_d = 3, d;

	for (; opts->name != NULL; opts++)
		if ((d = edits(word, opts->name)) < best_d) {
			best_d = d;
			best = opts->name;
		}
	return best;
}

int
words_bad_option(int c, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1], *near;
	char word[64], esc[WORDS_MAX];

	if ((c == '?' && optopt == 0) || strncmp(arg, "--", 2) == 0)
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(word, sizeof(word), "-%c", optopt);
	words_escape(word, esc, sizeof(esc));
	if (c == ':')
		fprintf(stderr, TR("%s: %s needs a value\n",
		                   "%s: %s necesita un valor\n"), PROG, esc);
	else if (strncmp(word, "--", 2) == 0 &&
	         (near = nearest(word + 2, opts)) != NULL)
		fprintf(stderr, TR("%s: unknown option %s (did you mean --%s?)\n",
		                   "%s: opción desconocida %s (¿querías decir "
		                   "--%s?)\n"), PROG, esc, near);
	else
		fprintf(stderr, TR("%s: unknown option %s\n",
		                   "%s: opción desconocida %s\n"), PROG, esc);
	fprintf(stderr, TR("Try 'chatnet --help'.\n",
	                   "Prueba 'chatnet --help'.\n"));
	return EXIT_USAGE;
}

/* Why v is no percentage: out of range, or not a number at all. */
static void
say_percent(const char *name, const char *v, const char *esc)
{
	char *end;
	double x = strtod(v, &end);

	if (end != v && (strcmp(end, "%") == 0 || *end == '\0') &&
	    (x < 0 || x > 100))
		fprintf(stderr, TR("%s: --%s %s: %s is 0–100 %%\n",
		                   "%s: --%s %s: %s va de 0 a 100 %%\n"),
		        PROG, name, esc, strcmp(name, "loss") == 0
		        ? TR("loss", "la pérdida") : strcmp(name, "dup") == 0
		        ? TR("dup", "la duplicación") : TR("reorder",
		        "el reordenamiento"));
	else
		fprintf(stderr, TR("%s: --%s %s: not a percentage (use 10%% "
		                   "or 0.5%%)\n", "%s: --%s %s: no es un "
		                   "porcentaje (usa 10%% o 0.5%%)\n"),
		        PROG, name, esc);
}

/* Why v is no time: too long, or not a time at all. */
static void
say_time(const char *name, const char *v, const char *esc)
{
	char *end;
	double x = strtod(v, &end);
	double scale = strcmp(end, "s") == 0 ? 1e6 : strcmp(end, "us") == 0
	             ? 1 : 1e3;
	bool unit = *end == '\0' || strcmp(end, "ms") == 0 ||
	            strcmp(end, "s") == 0 || strcmp(end, "us") == 0;

	if (end != v && unit && x * scale > (double)SPEC_DELAY_MAX)
		fprintf(stderr, TR("%s: --%s %s: at most 10 s\n",
		                   "%s: --%s %s: 10 s como mucho\n"),
		        PROG, name, esc);
	else
		fprintf(stderr, TR("%s: --%s %s: not a time (use 50ms, 1s)\n",
		                   "%s: --%s %s: no es un tiempo (usa 50ms, "
		                   "1s)\n"), PROG, name, esc);
}

int
words_bad_value(const char *name, const char *v)
{
	char esc[WORDS_MAX];

	words_escape(v, esc, sizeof(esc));
	if (strcmp(name, "delay") == 0 || strcmp(name, "jitter") == 0)
		say_time(name, v, esc);
	else if (strcmp(name, "rate") == 0)
		fprintf(stderr, TR("%s: --rate %s: not a rate (use 1mbit, "
		                   "500kbit or 100kbps; at least 8kbit)\n",
		                   "%s: --rate %s: no es un caudal (usa 1mbit, "
		                   "500kbit o 100kbps; 8kbit como mínimo)\n"),
		        PROG, esc);
	else if (strcmp(name, "seed") == 0)
		fprintf(stderr, TR("%s: --seed %s: a whole number from 0 to "
		                   "4294967295\n", "%s: --seed %s: un número "
		                   "entero de 0 a 4294967295\n"), PROG, esc);
	else if (strcmp(name, "via") == 0)
		fprintf(stderr, TR("%s: --via %s: use auto, netem or nfqueue\n",
		                   "%s: --via %s: usa auto, netem o nfqueue\n"),
		        PROG, esc);
	else
		say_percent(name, v, esc);
	fprintf(stderr, TR("Try 'chatnet --help'.\n",
	                   "Prueba 'chatnet --help'.\n"));
	return EXIT_USAGE;
}

/* Is word one of the options that take a percentage? */
static bool
percent_option(const char *word)
{
	return strcmp(word, "--loss") == 0 || strcmp(word, "--dup") == 0 ||
	       strcmp(word, "--reorder") == 0;
}

int
words_join_percent(int argc, char **argv)
{
	static char joined[8][32];
	int i, j, n = 0;

	for (i = 1; i < argc && n < 8; i++) {
		const char *prev = argv[i - 1];
		bool after = (i >= 2 && percent_option(argv[i - 2])) ||
		             (strchr(prev, '=') != NULL &&
		              strncmp(prev, "--", 2) == 0 &&
		              strlen(prev) < 20 && (strncmp(prev, "--loss=", 7) == 0 ||
		              strncmp(prev, "--dup=", 6) == 0 ||
		              strncmp(prev, "--reorder=", 10) == 0));

		if (strcmp(argv[i], "%") != 0 || !after || strlen(prev) > 24)
			continue;
		snprintf(joined[n], sizeof(joined[n]), "%s%%", prev);
		argv[i - 1] = joined[n++];
		for (j = i; j + 1 < argc; j++)
			argv[j] = argv[j + 1];
		argv[--argc] = NULL;
		i--;
	}
	return argc;
}
