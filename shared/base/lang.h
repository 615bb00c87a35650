/*
 * lang.h — the language of a run, Spanish or English: chosen once per
 * process (from --lang, else the locale, else English) and read by every
 * message of every part, so it lives at the bottom, with no text of its
 * own. The room's lines are in the catalogue (catalog.h); a program's own
 * messages use TR() at the point of use, both languages side by side.
 */
#ifndef REDCHAT_LANG_H
#define REDCHAT_LANG_H

enum lang { LANG_EN, LANG_ES };

/* "es" or "en" (also "es_ES.UTF-8" and the like); -1 when neither. */
int lang_parse(const char *s);

/* The locale's language: the first of LC_ALL, LC_MESSAGES and LANG that is
 * set and not empty decides, Spanish when it starts with "es", else
 * English (C, POSIX, C.UTF-8, en_US, fr_FR...); English when none is set. */
enum lang lang_from_env(void);

void lang_set(enum lang lang);
enum lang lang_current(void);

/* Pick the current language's string: TR("Hello", "Hola"). */
#define TR(en, es) (lang_current() == LANG_ES ? (es) : (en))

/* The same, singular or plural by n: TRN(n, "client", "clients",
 * "cliente", "clientes"). */
#define TRN(n, en1, en, es1, es) ((n) == 1 ? TR(en1, es1) : TR(en, es))

#endif
