/*
 * words.h — chatnet's errors in words that name the problem and the fix:
 * an unknown option with the nearest real one, a value that is not a time,
 * a percentage or a rate with an example that is, and anything the user
 * typed echoed with its control bytes escaped.
 */
#ifndef CHATNET_WORDS_H
#define CHATNET_WORDS_H

#include <getopt.h>
#include <stddef.h>

/* s with every control byte (C0, DEL, and C1 in UTF-8) written as \xNN,
 * cut to fit buf (len bytes); returns buf. */
const char *words_escape(const char *s, char *buf, size_t len);

/* getopt_long() returned '?' or ':' (optstring starting with ':'): say
 * "unknown option --dealy (did you mean --delay?)" or "--delay needs a
 * value", escaped, and how to get help. Returns the usage status. */
int words_bad_option(int c, char **argv, const struct option *opts);

/* The value v of impair's option name was refused: say why and what would
 * do ("--delay 50xs: not a time (use 50ms, 1s)"). Returns the usage
 * status. */
int words_bad_value(const char *name, const char *v);

/* argv with "10 %" joined into "10%" after --loss, --dup and --reorder (a
 * space a person may type), in place; returns the new argc. */
int words_join_percent(int argc, char **argv);

#endif
