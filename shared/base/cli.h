/*
 * cli.h — what every redchat program's command line shares: bounded number
 * parsing (strtonum style), --lang, --version.
 */
#ifndef REDCHAT_CLI_H
#define REDCHAT_CLI_H

#include <stdbool.h>

/*
 * Parse a whole decimal number in [min, max] into *out. Returns 0, or -1
 * with *what set to "invalid", "too small" or "too large".
 */
int cli_number(const char *s, long long min, long long max, long long *out,
               const char **what);

/* Parse a port number (0..65535) or print an error naming opt; -1 on error. */
int cli_port(const char *prog, const char *opt, const char *s);

/* The same in [min, 65535]: a client or a capture filter needs a real port
 * (1), a server may ask for any free one (0). */
int cli_port_min(const char *prog, const char *opt, const char *s, int min);

/* --lang VALUE or --lang=VALUE anywhere before "--" in argv, applied before
 * anything else is said (the locale when absent); -1 on a bad value. */
int cli_lang_scan(const char *prog, int argc, char **argv);

/*
 * getopt_long() returned '?' or ':' (call it with opterr = 0 and an
 * optstring that starts with ':'): say which option was wrong, in the
 * user's language, add hint when not NULL, and how to get help.
 */
void cli_bad_option(const char *prog, int c, char **argv, const char *hint);

/* Apply --lang VALUE (or the locale when value is NULL); -1 on a bad value,
 * after printing why. */
int cli_lang(const char *prog, const char *value);

/* Print "PROG (redchat) VERSION" on stdout. */
void cli_version(const char *prog);

/* --color=auto|always|never: 1 colour, 0 none, -1 invalid. auto honours
 * NO_COLOR and whether fd is a terminal. */
int cli_color(const char *value, int fd);

#endif
